-- load.sql - one example's events on a single server (t_pg.sh, test 1).
-- @P@ is the extension (the build's --prefix), @EV@ the table, @ROWS@ the
-- rows to load (seq,customer,event[,ts]: tests/pg/seq_events.py); @COLS@ the
-- time column of an experience that uses time (t_pg.sh, shape).
CREATE EXTENSION "@P@";
CREATE TABLE @EV@ (seq bigint PRIMARY KEY, customer text NOT NULL, event text NOT NULL@COLS@);
\copy @EV@ FROM '@ROWS@' (FORMAT csv)
ANALYZE @EV@;
