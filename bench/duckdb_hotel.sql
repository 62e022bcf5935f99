-- duckdb_hotel.sql - examples/grand_hotel.exp scored by DuckDB in one query.
--
-- The DuckDB peer of `make bench` (bench/duckdb_score.js runs it): what an
-- analyst with DuckDB writes for the hotel, rules hard-coded as in
-- bench/baseline.py.  It loads the log, joins it with the table of declared
-- events (an undeclared event joins nothing: no event of any customer),
-- lists each customer's events in log order and folds them with list_reduce
-- over a struct accumulator - the steps of docs/language.md §6 - and writes
-- the table exactly as `expc run` prints it (rows in order of first
-- appearance, same header, RFC 4180 quoting only where needed; run.sh checks
-- it with cmp).  duckdb_score.js puts the paths of the log and of the
-- output in place of the two placeholders, as SQL string literals.
--
-- File order is the row_number() of the scan (DuckDB keeps insertion order
-- by default); each list is sorted on it afterwards with list_sort, which in
-- DuckDB 1.5 is several times faster than `list(... ORDER BY rn)` (9.6 s
-- against 1.4 s for the lists of 1M events).  Step 5 of §6 is a single step here: §6 shows that one event
-- moves a customer at most one note, so the `while` never loops twice.
COPY (
    WITH rules (event, j, w) AS (
        VALUES ('fast_checkin', 0, 8), ('greeted', 0, 6), ('review_left', 1, 8),
               ('spa_booked', 2, 5), ('newsletter_read', 1, 2), ('complaint', 0, -10)
    ),
    log AS (
        SELECT customer, event, row_number() OVER () AS rn
        FROM read_csv({{LOG}}, header = true, auto_detect = false, delim = ',',
                      quote = '"', escape = '"', new_line = '\n',
                      columns = {'customer': 'VARCHAR', 'event': 'VARCHAR',
                                 'ts': 'VARCHAR', 'channel': 'VARCHAR'})
    ),
    journeys AS (
        SELECT customer, min(rn) AS first,
               list_sort(list({'rn': rn, 'j': j, 'w': w::BIGINT})) AS evs
        FROM log JOIN rules USING (event)
        GROUP BY customer
    ),
    scored AS (
        SELECT customer, first, list_reduce(evs, lambda a, x: {
            -- counts: a bad event always, a good one on a note reached
            'stage': a.stage + CASE
                WHEN a.stage = 0 AND a.p0 + CASE WHEN x.j = 0 AND (x.w < 0 OR x.j <= a.stage)
                                                 THEN x.w ELSE 0 END >= 12 THEN 1
                WHEN a.stage = 1 AND a.p1 + CASE WHEN x.j = 1 AND (x.w < 0 OR x.j <= a.stage)
                                                 THEN x.w ELSE 0 END >= 8 THEN 1
                WHEN a.stage = 2 AND a.p2 + CASE WHEN x.j = 2 AND (x.w < 0 OR x.j <= a.stage)
                                                 THEN x.w ELSE 0 END >= 5 THEN 1
                ELSE 0 END,
            'score': a.score + CASE WHEN x.w < 0 OR x.j <= a.stage THEN x.w ELSE -2 END,
            'p0': a.p0 + CASE WHEN x.j = 0 AND (x.w < 0 OR x.j <= a.stage) THEN x.w ELSE 0 END,
            'p1': a.p1 + CASE WHEN x.j = 1 AND (x.w < 0 OR x.j <= a.stage) THEN x.w ELSE 0 END,
            'p2': a.p2 + CASE WHEN x.j = 2 AND (x.w < 0 OR x.j <= a.stage) THEN x.w ELSE 0 END,
            'events': a.events + 1,
            'early': a.early + CASE WHEN x.w < 0 OR x.j <= a.stage THEN 0 ELSE 1 END
        }, {'stage': 0, 'score': 0::BIGINT, 'p0': 0::BIGINT, 'p1': 0::BIGINT, 'p2': 0::BIGINT,
            'events': 0::BIGINT, 'early': 0::BIGINT}) AS s
        FROM journeys
    )
    SELECT customer, s.score AS score,
           ['STAY', 'SAY', 'SPEND', 'ENGAGED'][s.stage + 1] AS stage,
           s.events AS events, s.early AS early
    FROM scored
    ORDER BY first
) TO {{OUT}} (FORMAT csv, HEADER true);
