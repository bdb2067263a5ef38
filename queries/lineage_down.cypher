// name: lineage_down
// description: What implements a document, transitively: every IMPLEMENTS chain that ends at the
//   document, one row per chain, with the hop count, the implementing document, the documents on
//   the way (path: from the document down to the implementing one) and the sentence (and source
//   file) of each hop, in the same order.
// param: id        string  null  node id of the document; when given, symbol/year/province are ignored
// param: symbol    symbol  null  the document's symbol, in any spelling the symbol grammar reads (e.g. 33/CT-TTg)
// param: year      int     null  year of the document (numbers without a year restart every year)
// param: province  string  null  province of a local document (e.g. Bình Phước), or national / party-central
// param: max_hops  int     5     longest chain followed (1..10)
// requires: id | symbol
// example: vbgraph query lineage_down --param symbol=33/CT-TTg --param year=2021
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
MATCH p = (d)<-[:IMPLEMENTS*1..10]-(s:Document)
WHERE length(p) <= $max_hops
RETURN d.id AS to_id,
       d.symbol AS to_symbol,
       length(p) AS hops,
       s.id AS id,
       s.symbol AS symbol,
       s.doc_type AS doc_type,
       s.year AS year,
       s.date AS date,
       s.scope AS scope,
       CASE WHEN coalesce(s.title, s.name) <> 'Node_' + s.id THEN coalesce(s.title, s.name) END AS title,
       s:Ingested AS ingested,
       [n IN nodes(p) | n.id] AS path,
       [r IN relationships(p) | r.sentence] AS sentences,
       [r IN relationships(p) | r.file] AS files
ORDER BY to_id, hops, id, path, sentences, files
