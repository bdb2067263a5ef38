// name: outdated_citations
// description: Citations of documents that were superseded (an incoming SUPERSEDES edge from a
//   replacing document, dated by the edge's date or else the replacing document's date):
//   superseded_before_plan when the replacement is dated on or before the citing document (or
//   before its year when it has no date), superseded_since_plan when it is dated after the citing
//   document and on or before as_of, superseded_undated when the replacement has no date.
//   Documents whose status says hết hiệu lực without a replacement in the graph come with reason
//   status, dated by the day that status began (status_since, else effective_to) when known (no row while that date is after both
//   as_of and the citing date). Each row says whether the citation was
//   outdated on the citing date and as of as_of (null: not known), the basis (stated | reference |
//   succession), kind, confidence and source of the SUPERSEDES edge, the replacement, the cited
//   document's status and its source, and the citing sentence. Same rows as
//   `vbgraph report outdated` (graph/report.py).
// param: as_of     date    today  the reference date (YYYY-MM-DD)
// param: province  string  null   only citations made by documents of this province
// param: citing    string  null   only citations made by this document (node id or symbol)
// param: reason    choice(superseded_before_plan|superseded_since_plan|superseded_undated|status)  null  only this reason
// example: vbgraph query outdated_citations --param as_of=2024-05-01
// start (the character offset of the evidence) is read so that a missing one is null on both engines:
// kglite answers an unstored r.start with the id of the relationship's start node.
// The citing document is found through the id and symbol indexes when it is given (an OR of the
// three cases in one WHERE made every run scan all documents). The third branch tests the
// parameter before its MATCH: written as MATCH … WHERE $citing IS NULL, Neo4j scanned every
// Document and dropped them afterwards (and kglite reads a WITH opening a branch as an importing one).
CALL {
  MATCH (c:Document {id: $citing}) RETURN c
  UNION
  MATCH (c:Document {symbol: $citing}) RETURN c
  UNION
  UNWIND CASE WHEN $citing IS NULL THEN [true] ELSE [] END AS every_document
  MATCH (c:Document) RETURN c
}
WITH c WHERE $province IS NULL OR split(coalesce(c.scope, ''), '/')[0] = $province
MATCH (c)-[r:IMPLEMENTS|BASED_ON|CITES]->(old:Document)
OPTIONAL MATCH (old)<-[s:SUPERSEDES]-(new:Document)
WITH c, r, old, new, s, coalesce(c.date, toString(c.year)) AS citing_date, coalesce(s.date, new.date) AS sup_date
WITH c, r, old, new, s, citing_date, sup_date,
     CASE
       WHEN new IS NULL THEN null
       WHEN sup_date IS NULL THEN 'superseded_undated'
       WHEN sup_date <= citing_date THEN 'superseded_before_plan'
       WHEN sup_date <= $as_of THEN 'superseded_since_plan'
     END AS superseded
WITH c, r, old, new, s, citing_date, sup_date,
     CASE
       WHEN superseded IS NOT NULL THEN superseded
       WHEN old.status STARTS WITH 'hết hiệu lực'
            AND (coalesce(old.status_since, old.effective_to) IS NULL
                 OR coalesce(old.status_since, old.effective_to) <= $as_of
                 OR coalesce(old.status_since, old.effective_to) <= citing_date)
         THEN 'status'
     END AS reason
WHERE reason IS NOT NULL
  AND ($reason IS NULL OR reason = $reason)
  AND (reason <> 'status'
       OR NOT EXISTS { MATCH (old)<-[s2:SUPERSEDES]-(n2:Document)
                       WHERE coalesce(s2.date, n2.date) IS NULL OR coalesce(s2.date, n2.date) <= citing_date
                          OR coalesce(s2.date, n2.date) <= $as_of })
WITH c, r, old, new, s, citing_date, reason,
     CASE WHEN reason = 'status' THEN coalesce(old.status_since, old.effective_to) ELSE sup_date END AS superseded_on
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
       superseded_on,
       CASE
         WHEN reason = 'superseded_before_plan' THEN true
         WHEN reason = 'superseded_since_plan' AND citing_date IS NOT NULL THEN false
         WHEN reason = 'status' AND superseded_on IS NOT NULL AND citing_date IS NOT NULL
           THEN superseded_on <= citing_date
       END AS outdated_at_citing,
       CASE
         WHEN reason IN ['superseded_before_plan', 'superseded_since_plan'] THEN true
         WHEN reason = 'status' AND superseded_on IS NOT NULL THEN superseded_on <= $as_of
       END AS outdated_as_of,
       CASE WHEN reason = 'status' THEN null ELSE s.basis END AS basis,
       CASE WHEN reason = 'status' THEN null ELSE s.kind END AS kind,
       CASE WHEN reason = 'status' THEN null ELSE s.confidence END AS confidence,
       CASE WHEN reason = 'status' THEN old.status_source ELSE coalesce(s.source, s.file) END AS source,
       CASE WHEN reason = 'status' THEN null ELSE s.sentence END AS supersedes_sentence,
       r.sentence AS sentence,
       r.file AS file,
       CASE WHEN toInteger(r.start) = r.start THEN r.start END AS start
ORDER BY citing_id, cited_id, reason, coalesce(replacement_date, ''), coalesce(replacement_id, ''), file, start
