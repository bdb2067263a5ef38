// name: outdated_citations
// description: Citations of documents that were superseded (an incoming SUPERSEDES edge from a
//   replacing document): superseded_before_plan when the replacement is dated on or before the
//   citing document (or before its year when it has no date), superseded_since_plan when it is
//   dated after the citing document but before as_of, superseded_undated when the replacement
//   has no date. Documents whose status says hết hiệu lực without a replacement in the graph
//   come with reason status. Each row gives the basis and kind of the SUPERSEDES edge, the
//   replacement, the cited document's status and its source, and the citing sentence.
// param: as_of     date    today  the reference date (YYYY-MM-DD)
// param: province  string  null   only citations made by documents of this province
// param: citing    string  null   only citations made by this document (node id or symbol)
// param: reason    choice(superseded_before_plan|superseded_since_plan|superseded_undated|status)  null  only this reason
// example: vbgraph query outdated_citations --param as_of=2024-05-01
// start (the character offset of the evidence) is read so that a missing one is null on both engines:
// kglite answers an unstored r.start with the id of the relationship's start node.
MATCH (c:Document)
WHERE ($citing IS NULL OR c.id = $citing OR c.symbol = $citing)
  AND ($province IS NULL OR split(coalesce(c.scope, ''), '/')[0] = $province)
MATCH (c)-[r:IMPLEMENTS|BASED_ON|CITES]->(old:Document)
OPTIONAL MATCH (old)<-[s:SUPERSEDES]-(new:Document)
WITH c, r, old, new, s, coalesce(c.date, toString(c.year)) AS citing_date
WITH c, r, old, new, s, citing_date,
     CASE
       WHEN new IS NULL THEN null
       WHEN new.date IS NULL THEN 'superseded_undated'
       WHEN new.date <= citing_date THEN 'superseded_before_plan'
       WHEN new.date < $as_of THEN 'superseded_since_plan'
     END AS superseded
WITH c, r, old, new, s, citing_date,
     CASE
       WHEN superseded IS NOT NULL THEN superseded
       WHEN old.status STARTS WITH 'hết hiệu lực' THEN 'status'
     END AS reason
WHERE reason IS NOT NULL
  AND ($reason IS NULL OR reason = $reason)
  AND (reason <> 'status'
       OR NOT EXISTS { MATCH (old)<-[:SUPERSEDES]-(n2:Document)
                       WHERE n2.date IS NULL OR n2.date <= citing_date OR n2.date < $as_of })
RETURN DISTINCT
       reason,
       c.id AS citing_id,
       c.symbol AS citing_symbol,
       citing_date,
       type(r) AS relation,
       old.id AS cited_id,
       old.symbol AS cited_symbol,
       old.status AS cited_status,
       old.status_source AS status_source,
       CASE WHEN reason = 'status' THEN null ELSE new.id END AS replacement_id,
       CASE WHEN reason = 'status' THEN null ELSE new.symbol END AS replacement_symbol,
       CASE WHEN reason = 'status' THEN null ELSE new.date END AS replacement_date,
       CASE WHEN reason = 'status' THEN null ELSE s.basis END AS basis,
       CASE WHEN reason = 'status' THEN null ELSE s.kind END AS kind,
       CASE WHEN reason = 'status' THEN null ELSE s.sentence END AS supersedes_sentence,
       r.sentence AS sentence,
       r.file AS file,
       CASE WHEN toInteger(r.start) = r.start THEN r.start END AS start
ORDER BY citing_id, cited_id, reason, coalesce(replacement_date, ''), coalesce(replacement_id, ''), file, start
