-- score_json.sql - the scores of table @EV@ as `expc run --format=json`
-- prints them, points keyed by behaviour in path order (@P@_stages()), so
-- the points array and the reporting function are checked too.
SELECT format('{"customer":%s,"score":%s,"stage":%s,"events":%s,"early":%s,"points":{%s}}',
              to_json(customer), (r).score, to_json((r).stage), (r).events, (r).early,
              (SELECT string_agg(format('%s:%s', to_json(s.name), (r).points[s.stage + 1]),
                                 ',' ORDER BY s.stage)
               FROM @P@_stages() s
               WHERE s.stage < cardinality((r).points)))
FROM (SELECT customer, @P@_score(@ARGS@ ORDER BY @ORDER@) AS r, min(seq) AS first
      FROM @EV@
      WHERE @P@_event_id(event) IS NOT NULL
      GROUP BY customer) g
ORDER BY first;
