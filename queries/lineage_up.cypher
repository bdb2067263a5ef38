// name: lineage_up
// description: What a document implements, transitively: every IMPLEMENTS chain upward from the
//   document, one row per chain, with the hop count, the documents on the way and the sentence
//   (and source file) of each hop.
// param: id        string  null  node id of the document; when given, symbol/year/province are ignored
// param: symbol    symbol  null  the document's symbol, in any spelling the symbol grammar reads (e.g. 60/KH-SVHTTDL)
// param: year      int     null  year of the document (numbers without a year restart every year)
// param: province  string  null  province of a local document (e.g. Tây Ninh), or national / party-central
// param: max_hops  int     5     longest chain followed (1..10)
// requires: id | symbol
// example: vbgraph query lineage_up --param symbol=60/KH-SVHTTDL --param province="Tây Ninh"
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
MATCH p = (d)-[:IMPLEMENTS*1..10]->(t:Document)
WHERE length(p) <= $max_hops
RETURN d.id AS from_id,
       d.symbol AS from_symbol,
       length(p) AS hops,
       t.id AS id,
       t.symbol AS symbol,
       t.doc_type AS doc_type,
       t.year AS year,
       t.date AS date,
       t.scope AS scope,
       CASE WHEN coalesce(t.title, t.name) <> 'Node_' + t.id THEN coalesce(t.title, t.name) END AS title,
       t.resolution AS resolution,
       [n IN nodes(p) | n.id] AS path,
       [r IN relationships(p) | r.sentence] AS sentences,
       [r IN relationships(p) | r.file] AS files
ORDER BY from_id, hops, id, path, sentences, files
