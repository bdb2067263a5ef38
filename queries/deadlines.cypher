// name: deadlines
// description: Deadlines of the tasks given to agencies, as of a date: overdue when the deadline
//   (a month or a year counts to its last day) is before as_of, upcoming otherwise. Tasks
//   without a deadline are left out (agency_tasks lists them).
// param: as_of     date    today  the reference date (YYYY-MM-DD)
// param: state     choice(overdue|upcoming)  null  only overdue or only upcoming deadlines
// param: until     date    null   only deadlines on or before this date
// param: province  string  null   only agencies of this province (e.g. Kon Tum)
// param: agency    string  null   only agencies whose name contains this text (case-insensitive)
// example: vbgraph query deadlines --param as_of=2024-05-01 --param state=overdue
MATCH (p:Ingested)-[r:ASSIGNS]->(a:Agency)
WHERE r.deadline IS NOT NULL
WITH p, r, a, coalesce(a.province, p.province) AS province,
     CASE size(r.deadline)
       WHEN 4 THEN r.deadline + '-12-31'
       WHEN 7 THEN toString(date(r.deadline + '-01') + duration({months: 1}) - duration({days: 1}))
       ELSE r.deadline
     END AS due
WITH p, r, a, province, due, CASE WHEN due < $as_of THEN 'overdue' ELSE 'upcoming' END AS state
WHERE ($state IS NULL OR state = $state)
  AND ($until IS NULL OR due <= $until)
  AND ($province IS NULL OR province = $province)
  AND ($agency IS NULL OR toLower(a.name) CONTAINS toLower($agency))
RETURN state,
       due,
       r.deadline AS deadline,
       province,
       a.name AS agency,
       a.id AS agency_id,
       p.id AS plan_id,
       p.symbol AS plan_symbol,
       r.task AS task,
       r.sentence AS sentence,
       r.file AS file
ORDER BY state, due, province, agency, agency_id, plan_id, file
