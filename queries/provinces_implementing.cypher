// name: provinces_implementing
// description: Provinces implementing a document, per province and year of the implementing
//   document. strict: a chain of IMPLEMENTS edges reaches the document; loose: any citation
//   (IMPLEMENTS, BASED_ON or CITES) of the document or of a document implementing it. Each row
//   says whether the province implements strictly and lists the documents of both kinds.
//   province_2025 is the name after the 2025 merger (MERGED_INTO edges, else the province's
//   name_2025). in_province keeps the implementing documents of a province named by its old or its
//   2025 name: Quảng Ngãi includes Kon Tum's plans, Kon Tum gives only Kon Tum's.
// param: id        string  null    node id of the document; when given, symbol/year/province are ignored
// param: symbol    symbol  null    the document's symbol, in any spelling the symbol grammar reads (e.g. 33/CT-TTg)
// param: year      int     null    year of the document
// param: province  string  null    province of the document itself when it is local
// param: mode      choice(strict|loose)  strict  strict: IMPLEMENTS chains only; loose: any citation
// param: max_hops  int     5       longest chain followed (1..10)
// param: in_province  string  null  only implementing documents of this province, old name or 2025 name
// requires: id | symbol
// example: vbgraph query provinces_implementing --param symbol=33/CT-TTg --param mode=loose
CALL {
  MATCH (d:Document {id: $id}) RETURN d
  UNION
  MATCH (d:Document {symbol: $symbol})
  WHERE $id IS NULL AND ($year IS NULL OR d.year = $year)
    AND ($province IS NULL OR split(coalesce(d.scope, ''), '/')[0] = $province)
  RETURN d
}
MATCH p = (d)<-[r:IMPLEMENTS|BASED_ON|CITES]-(:Document)<-[:IMPLEMENTS*0..9]-(s:Document)
WHERE length(p) <= $max_hops
WITH d, s, length(p) AS hops, type(r) = 'IMPLEMENTS' AS strict
WITH d, s, min(hops) AS hops, min(CASE WHEN strict THEN hops END) AS strict_hops
MATCH (s)-[:LOCATED_IN]->(pr:Province)
OPTIONAL MATCH (pr)-[:MERGED_INTO]->(np:Province)
WITH DISTINCT d, s, hops, strict_hops, pr.name AS province, coalesce(np.name, pr.name_2025, pr.name) AS province_2025
WHERE $in_province IS NULL OR province = $in_province OR province_2025 = $in_province
ORDER BY s.id
WITH d, province, province_2025, s.year AS year,
     collect(CASE WHEN strict_hops IS NOT NULL THEN s.id END) AS implementing,
     collect(s.id) AS citing,
     min(strict_hops) AS strict_hops,
     min(hops) AS hops
WHERE $mode = 'loose' OR size(implementing) > 0
RETURN d.id AS document,
       province,
       province_2025,
       year,
       size(implementing) > 0 AS strict,
       size(implementing) AS implementing_count,
       size(citing) AS citing_count,
       strict_hops,
       hops,
       implementing,
       citing
ORDER BY document, province, year
