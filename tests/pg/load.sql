-- load.sql - one example's events on a single server (t_pg.sh, test 1).
-- @P@ is the extension (the build's --prefix), @EV@ the table, @ROWS@ the
-- rows to load (seq,customer,event: tests/pg/seq_events.py).
CREATE EXTENSION "@P@";
CREATE TABLE @EV@ (seq bigint PRIMARY KEY, customer text NOT NULL, event text NOT NULL);
\copy @EV@ FROM '@ROWS@' (FORMAT csv)
ANALYZE @EV@;
