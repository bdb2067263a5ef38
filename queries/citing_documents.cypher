// name: citing_documents
// description: Documents that cite a document (IMPLEMENTS, BASED_ON or CITES), ranked: implementing
//   first, then based on, then plain citations; within each, by mentions, newest citing document
//   first. One row per citing edge, with the citing sentence and where it was found.
// param: id        string  null  node id of the cited document; when given, symbol/year/province are ignored
// param: symbol    symbol  null  the cited document's symbol, in any spelling the symbol grammar reads (e.g. 33/CT-TTg)
// param: year      int     null  year of the cited document
// param: province  string  null  province of a local cited document, or national / party-central
// param: relation  choice(IMPLEMENTS|BASED_ON|CITES)  null  only this edge type
// requires: id | symbol
// example: vbgraph query citing_documents --param symbol=33/CT-TTg --param year=2021
// start (the character offset of the evidence) is read so that a missing one is null on both engines:
// kglite answers an unstored r.start with the id of the relationship's start node.
// The title is coalesce(title, name) with kglite's minted 'Node_<id>' read as null: kglite answers an
// unstored title with the stored name (or 'Node_<id>'), so this is the form both engines answer alike.
CALL {
  MATCH (d:Document {id: $id}) RETURN d
  UNION
  MATCH (d:Document {symbol: $symbol})
  WHERE $id IS NULL AND ($year IS NULL OR d.year = $year)
    AND ($province IS NULL OR split(coalesce(d.scope, ''), '/')[0] = $province)
  RETURN d
}
MATCH (d)<-[r:IMPLEMENTS|BASED_ON|CITES]-(c:Document)
WHERE $relation IS NULL OR type(r) = $relation
OPTIONAL MATCH (c)-[:LOCATED_IN]->(pr:Province)
WITH d, c, r, min(pr.name) AS province
RETURN d.id AS cited_id,
       d.symbol AS cited_symbol,
       CASE type(r) WHEN 'IMPLEMENTS' THEN 1 WHEN 'BASED_ON' THEN 2 ELSE 3 END AS strength,
       type(r) AS relation,
       coalesce(r.count, 1) AS mentions,
       c.id AS citing_id,
       c.symbol AS citing_symbol,
       c.doc_type AS citing_doc_type,
       c.date AS citing_date,
       c.year AS citing_year,
       province,
       CASE WHEN coalesce(c.title, c.name) <> 'Node_' + c.id THEN coalesce(c.title, c.name) END AS citing_title,
       r.sentence AS sentence,
       r.file AS file,
       CASE WHEN toInteger(r.start) = r.start THEN r.start END AS start,
       r.rule AS rule,
       r.confidence AS confidence
ORDER BY cited_id, strength, mentions DESC, coalesce(citing_date, toString(citing_year), '') DESC,
         citing_id, file, start
