// name: unresolved_citations
// description: Citations whose document could not be settled: resolution ambiguous (the symbol
//   is known but not its year or place, so it is not merged with anything) or unresolved (no
//   symbol, e.g. a named law the reviewed table does not know). Shown, never hidden: one row per
//   citing edge with its sentence, and documents nobody cites are listed with an empty citing side.
// param: resolution  choice(ambiguous|unresolved)  null  only ambiguous or only unresolved documents
// param: province    string  null  only citations made by documents of this province
// param: file        string  null  only citations read from this source file
// example: vbgraph query unresolved_citations --param resolution=ambiguous
// start (the character offset of the evidence) is read so that a missing one is null on both engines:
// kglite answers an unstored r.start with the id of the relationship's start node.
// The name is coalesce(name, title) with kglite's minted 'Node_<id>' read as null: kglite answers an
// unstored name with the stored title (or 'Node_<id>'), so this is the form both engines answer alike.
MATCH (d:Document)
WHERE d.resolution IN ['ambiguous', 'unresolved']
  AND ($resolution IS NULL OR d.resolution = $resolution)
OPTIONAL MATCH (d)<-[r:IMPLEMENTS|BASED_ON|CITES|AMENDS|GUIDES|DETAILS|SUPERSEDES]-(c:Document)
WITH d, c, r
WHERE ($province IS NULL OR split(coalesce(c.scope, ''), '/')[0] = $province)
  AND ($file IS NULL OR r.file = $file)
RETURN d.resolution AS resolution,
       d.id AS id,
       d.symbol AS symbol,
       CASE WHEN coalesce(d.name, d.title) <> 'Node_' + d.id THEN coalesce(d.name, d.title) END AS name,
       d.doc_type AS doc_type,
       d.scope AS scope,
       d.year AS year,
       c.id AS citing_id,
       c.symbol AS citing_symbol,
       type(r) AS relation,
       r.sentence AS sentence,
       r.file AS file,
       CASE WHEN toInteger(r.start) = r.start THEN r.start END AS start,
       r.rule AS rule,
       r.confidence AS confidence
ORDER BY resolution, id, citing_id, relation, file, start
