// name: agency_tasks
// description: Tasks given to agencies by the ingested plans, per province and agency: one row
//   per agency, plan and deadline (deadline null when the plan gives none), with the task text
//   and the sentence it was read from.
// param: province  string  null  only agencies of this province (e.g. Tây Ninh)
// param: agency    string  null  only agencies whose name contains this text (case-insensitive)
// param: plan      string  null  only tasks of this plan (node id or symbol)
// example: vbgraph query agency_tasks --param province="Tuyên Quang" --param agency="Sở Nội vụ"
// start (the character offset of the evidence) is read so that a missing one is null on both engines:
// kglite answers an unstored r.start with the id of the relationship's start node.
MATCH (p:Ingested)-[r:ASSIGNS]->(a:Agency)
WITH p, r, a, coalesce(a.province, p.province) AS province
WHERE ($province IS NULL OR province = $province)
  AND ($agency IS NULL OR toLower(a.name) CONTAINS toLower($agency))
  AND ($plan IS NULL OR p.id = $plan OR p.symbol = $plan)
RETURN province,
       a.name AS agency,
       a.id AS agency_id,
       p.district AS district,
       p.id AS plan_id,
       p.symbol AS plan_symbol,
       p.year AS plan_year,
       r.deadline AS deadline,
       r.task AS task,
       r.sentence AS sentence,
       r.file AS file,
       CASE WHEN toInteger(r.start) = r.start THEN r.start END AS start
ORDER BY province, agency, agency_id, plan_id, coalesce(deadline, '9999'), file, start
