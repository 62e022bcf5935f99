-- servers.sql - the coordinator's two shards (t_pg.sh, test 2), reached
-- over postgres_fdw through their unix-socket folders @SOCK_B@ and
-- @SOCK_C@.  `extensions` names every example's extension: without it
-- postgres_fdw would run the aggregate on the coordinator.  async_capable
-- lets the shards work at the same time; fdw_tuple_cost is PostgreSQL 17's
-- default (15's 0.01 makes shipping every row look nearly free, and small
-- tables would then be aggregated locally); use_remote_estimate asks the
-- shards for their row counts, without which the planner kept aggregating
-- the smallest examples' partitions locally.
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard_b FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '@SOCK_B@', dbname 'postgres', extensions '@EXTS@',
             async_capable 'true', fdw_tuple_cost '0.2', fetch_size '10000',
             batch_size '1000', use_remote_estimate 'true');
CREATE SERVER shard_c FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '@SOCK_C@', dbname 'postgres', extensions '@EXTS@',
             async_capable 'true', fdw_tuple_cost '0.2', fetch_size '10000',
             batch_size '1000', use_remote_estimate 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard_b OPTIONS (user '@USER@');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard_c OPTIONS (user '@USER@');
