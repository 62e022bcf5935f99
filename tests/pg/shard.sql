-- shard.sql - a shard server's part of one example (t_pg.sh, test 2): the
-- extension, and the table behind partition @PART@ of the coordinator's
-- @EV@_sh.
CREATE EXTENSION "@P@";
CREATE TABLE @EV@_@PART@ (seq bigint PRIMARY KEY, customer text NOT NULL, event text NOT NULL@COLS@);
