-- score.sql - the scores of table @EV@, the query of docs/scale.md: the
-- aggregate over each customer's events in log order, one row per customer
-- in order of first appearance.  The WHERE keeps what `expc run` scores:
-- it creates a customer at the first declared event and lists no customer
-- whose events are all undeclared (the aggregate alone would skip those
-- events too, but still return a row, the fresh state, for such a group).
-- @P@_event_id is part of the extension, so the WHERE ships to the shards.
-- With time rules the aggregate takes each event's time and orders by it
-- (@ARGS@, @ORDER@: t_pg.sh, shape).
-- t_pg.sh wraps this in COPY (...) TO STDOUT and in EXPLAIN.
SELECT customer, (@P@_score(@ARGS@ ORDER BY @ORDER@)).*
FROM @EV@
WHERE @P@_event_id(event) IS NOT NULL
GROUP BY customer
ORDER BY min(seq)
