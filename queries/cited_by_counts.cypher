// name: cited_by_counts
// description: Cited-by ranking: for each document, how many documents cite it (any of IMPLEMENTS,
//   BASED_ON, CITES), how many of them are ingested plans, how many implement it, and the
//   total number of mentions.
// param: province     string  null  only cited documents of this province (or national / party-central)
// param: doc_type     string  null  only cited documents of this type (e.g. Chỉ thị)
// param: min_citing   int     1     only documents cited by at least this many documents
// param: limit        int     50    rows returned
// example: vbgraph query cited_by_counts --param limit=10
// The title is coalesce(title, name) with kglite's minted 'Node_<id>' read as null: kglite answers an
// unstored title with the stored name (or 'Node_<id>'), so this is the form both engines answer alike.
MATCH (c:Document)-[r:IMPLEMENTS|BASED_ON|CITES]->(d:Document)
WHERE ($province IS NULL OR split(coalesce(d.scope, ''), '/')[0] = $province)
  AND ($doc_type IS NULL OR d.doc_type = $doc_type)
WITH d,
     count(DISTINCT c) AS citing,
     count(DISTINCT CASE WHEN c:Plan THEN c END) AS citing_plans,
     count(DISTINCT CASE WHEN type(r) = 'IMPLEMENTS' THEN c END) AS implementing,
     sum(coalesce(r.count, 1)) AS mentions
WHERE citing >= $min_citing
RETURN d.id AS id,
       d.symbol AS symbol,
       d.doc_type AS doc_type,
       d.year AS year,
       d.scope AS scope,
       CASE WHEN coalesce(d.title, d.name) <> 'Node_' + d.id THEN coalesce(d.title, d.name) END AS title,
       d.resolution AS resolution,
       citing,
       citing_plans,
       implementing,
       mentions
ORDER BY citing DESC, implementing DESC, mentions DESC, id
LIMIT $limit
