// name: movements_by_province
// description: Movements (phong trào, cuộc vận động) promoted by the ingested plans, per province
//   and year of the plan: one row per province, year and movement, with the plans that promote it.
// param: province  string  null  only plans of this province (e.g. Bình Phước)
// param: year      int     null  only plans of this year
// param: movement  string  null  only movements whose name contains this text (case-insensitive)
// example: vbgraph query movements_by_province --param movement="Dân vận khéo"
MATCH (p:Ingested)-[:PROMOTES]->(m:Movement)
OPTIONAL MATCH (p)-[:LOCATED_IN]->(pr:Province)
WITH DISTINCT p, m, coalesce(pr.name, p.province) AS province
WHERE ($province IS NULL OR province = $province)
  AND ($year IS NULL OR p.year = $year)
  AND ($movement IS NULL OR toLower(m.name) CONTAINS toLower($movement))
WITH province, p, m
ORDER BY p.id
WITH province, p.year AS year, m, collect(p.id) AS plans
RETURN province,
       year,
       m.name AS movement,
       m.id AS movement_id,
       size(plans) AS plan_count,
       plans
ORDER BY province, year, movement, movement_id
