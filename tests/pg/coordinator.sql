-- coordinator.sql - one example sharded by customer (t_pg.sh, test 2):
-- @EV@_sh is hash-partitioned on customer, each partition a postgres_fdw
-- foreign table on a shard (servers shard_b and shard_c, made once by
-- t_pg.sh with `extensions` naming every example's extension), and is
-- filled from the single-server table @EV@ through the foreign tables.
CREATE TABLE @EV@_sh (seq bigint NOT NULL, customer text NOT NULL, event text NOT NULL@COLS@)
    PARTITION BY HASH (customer);
CREATE FOREIGN TABLE @EV@_sh_p0 PARTITION OF @EV@_sh
    FOR VALUES WITH (MODULUS 2, REMAINDER 0)
    SERVER shard_b OPTIONS (table_name '@EV@_p0');
CREATE FOREIGN TABLE @EV@_sh_p1 PARTITION OF @EV@_sh
    FOR VALUES WITH (MODULUS 2, REMAINDER 1)
    SERVER shard_c OPTIONS (table_name '@EV@_p1');
INSERT INTO @EV@_sh SELECT seq, customer, event@RCOLS@ FROM @EV@;
ANALYZE @EV@_sh;
