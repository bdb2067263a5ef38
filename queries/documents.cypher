// name: documents
// description: Find documents by symbol (any written form), year and province, to see which node
//   a symbol means before asking the other questions by id: one row per node with its
//   resolution, how many documents cite it and whether it is an ingested plan.
// param: symbol    symbol  null  the symbol (e.g. 1116-QĐ/TU); also found among the forms it was written in; null lists all
// param: year      int     null  year of the document
// param: province  string  null  province of a local document, or national / party-central
// param: resolution choice(resolved|resolved-by-table|ambiguous|unresolved|unnumbered)  null  only this resolution
// param: limit     int     100   rows returned
// example: vbgraph query documents --param symbol=1116-QĐ/TU
// The title is coalesce(title, name) with kglite's minted 'Node_<id>' read as null: kglite answers an
// unstored title with the stored name (or 'Node_<id>'), so this is the form both engines answer alike.
MATCH (d:Document)
WHERE ($symbol IS NULL OR d.symbol = $symbol OR $symbol IN coalesce(d.written_forms, []))
  AND ($year IS NULL OR d.year = $year)
  AND ($province IS NULL OR split(coalesce(d.scope, ''), '/')[0] = $province)
  AND ($resolution IS NULL OR d.resolution = $resolution)
OPTIONAL MATCH (d)<-[r:IMPLEMENTS|BASED_ON|CITES]-(c:Document)
WITH d, count(DISTINCT c) AS cited_by
RETURN d.id AS id,
       d.symbol AS symbol,
       d.doc_type AS doc_type,
       d.date AS date,
       d.year AS year,
       d.scope AS scope,
       CASE WHEN coalesce(d.title, d.name) <> 'Node_' + d.id THEN coalesce(d.title, d.name) END AS title,
       d.resolution AS resolution,
       d.status AS status,
       d:Ingested AS ingested,
       cited_by,
       d.written_forms AS written_forms
ORDER BY symbol, year, scope, id
LIMIT $limit
