-- steps.sql - incremental scoring gives the aggregate's numbers.
-- A service keeps one @P@_state per customer and steps it as each event
-- arrives (the upsert of docs/scale.md); replaying @EV@ event by event that
-- way must end in exactly the state @P@_fold computes over the whole log,
-- read out as the same @P@_result, and every state must survive a text
-- round trip.  Prints the number of customers checked, then the number of
-- mismatches.
CREATE TABLE @EV@_state (customer text PRIMARY KEY, state @P@_state NOT NULL);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT customer, event@RCOLS@ FROM @EV@ ORDER BY @ORDER@ LOOP
        INSERT INTO @EV@_state AS t VALUES (r.customer, @P@_step(NULL, @RARGS@))
        ON CONFLICT (customer) DO UPDATE SET state = @P@_step(t.state, @RARGS@);
    END LOOP;
END
$$;
SELECT count(*) FROM @EV@_state;
SELECT count(*)
FROM (SELECT customer, @P@_fold(@ARGS@ ORDER BY @ORDER@) AS f, @P@_score(@ARGS@ ORDER BY @ORDER@) AS r
      FROM @EV@
      GROUP BY customer) a
FULL JOIN @EV@_state s USING (customer)
WHERE s.state::text IS DISTINCT FROM a.f::text
   OR @P@_result(s.state) IS DISTINCT FROM a.r
   OR @P@_stage(s.state) IS DISTINCT FROM (a.r).stage
   OR s.state::text::@P@_state::text IS DISTINCT FROM s.state::text;
