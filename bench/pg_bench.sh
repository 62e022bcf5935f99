#!/bin/sh
# bench/pg_bench.sh - scoring inside PostgreSQL against `expc run` (a `make
# bench` row; docs/scale.md explains the setup it measures).
#
#   sh bench/pg_bench.sh [EVENTS [CUSTOMERS]]
#
# Generates a hotel event log (bench/gen_events.c, examples/grand_hotel.exp),
# then times, each the median of BENCH_RUNS runs:
#   expc run --engine=jit and --engine=interp on the CSV file;
#   the aggregate exp_..._score(event ORDER BY seq) over the log in one
#     PostgreSQL 15 server (the docs' query, all rows out through COPY);
#   the same query on a coordinator whose table is hash-partitioned by
#     customer over two postgres_fdw shards, the aggregate pushed down
#     (async foreign scans, so the shards work at the same time).
# Loading is timed apart (COPY into the server; the shards are filled
# directly, each with its partition's rows).  Every PostgreSQL result is
# checked against expc run's table before its time counts.  The servers are
# throwaway (unix sockets in a temp folder, run as `postgres` when root) and
# all three run on this machine, so the shards share its CPUs: the sharded
# row shows the overhead and the pushdown, not a cluster's speed-up.
#
# Knobs (environment): BENCH_EVENTS (1000000; or the first argument),
# BENCH_CUSTOMERS (EVENTS/10; or the second), BENCH_RUNS (3), BENCH_SEED
# (42), BENCH_WORK_MEM (256MB, the servers' work_mem), EXPC (build/expc),
# PG_CONFIG (pg_config), CC (cc).  Prints a Markdown table on stdout, and
# exits 1 if a result differs from expc run's.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXPC=${EXPC:-$ROOT/build/expc}
EVENTS=${1:-${BENCH_EVENTS:-1000000}}
CUSTOMERS=${2:-${BENCH_CUSTOMERS:-$((EVENTS / 10))}}
[ "$CUSTOMERS" -ge 1 ] || CUSTOMERS=1
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-42}
WORK_MEM=${BENCH_WORK_MEM:-256MB}
PG_CONFIG=${PG_CONFIG:-pg_config}
CC=${CC:-cc}
SCRIPT=$ROOT/examples/grand_hotel.exp

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'pg_bench: %s\n' "$*" >&2; exit 1; }

[ -x "$EXPC" ] || die "$EXPC not found: run make first"
command -v "$PG_CONFIG" >/dev/null 2>&1 || die "$PG_CONFIG not found (postgresql-server-dev-15)"
[ "$RUNS" -ge 1 ] 2>/dev/null || die "BENCH_RUNS must be a positive integer"
if [ "$(id -u)" = 0 ]; then
    command -v runuser >/dev/null 2>&1 || die "runuser not found (util-linux; is /usr/sbin on PATH?)"
fi
PGBIN=$("$PG_CONFIG" --bindir)

W=$(mktemp -d "${TMPDIR:-/tmp}/expc-pg-bench.XXXXXX")
PGD=$W/pg
if [ "$(id -u)" = 0 ]; then
    PGU=postgres
    as_pg() { runuser -u postgres -- "$@"; }
    chmod 711 "$W"
    mkdir "$PGD" && chown postgres "$PGD"
else
    PGU=$(id -un)
    as_pg() { "$@"; }
    mkdir "$PGD"
fi
P=expbench$$
EXT=$W/ext
SERVERS=
INSTALLED=0
cleanup() {
    wait # a server still starting would outlive its folder
    for s in $SERVERS; do
        as_pg "$PGBIN/pg_ctl" -D "$PGD/$s/data" -m immediate -w stop >/dev/null 2>&1 || true
    done
    [ $INSTALLED = 1 ] && make -s -C "$EXT" PG_CONFIG="$PG_CONFIG" uninstall >/dev/null 2>&1
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start() {
    as_pg mkdir "$PGD/$1"
    as_pg "$PGBIN/initdb" -D "$PGD/$1/data" -A trust -E UTF8 --locale=C --no-sync >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$PGD/$1/data" -l "$PGD/$1/log" -w -t 120 \
        -o "-k $PGD/$1 -c listen_addresses='' -c fsync=off -c work_mem=$WORK_MEM -c max_wal_size=4GB" \
        start >/dev/null
}
q() {
    s=$1
    shift
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGD/$s" -U "$PGU" -d postgres "$@"
}
now() { date +%s%N; }
# median CMD...: runs CMD BENCH_RUNS times, prints the median in seconds.
median() {
    i=0
    : >"$W/times"
    while [ $i -lt "$RUNS" ]; do
        t0=$(now)
        "$@"
        t1=$(now)
        echo $(((t1 - t0) / 1000000)) >>"$W/times"
        i=$((i + 1))
    done
    sort -n "$W/times" | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] / 1000 }'
}

say "servers, extension, log ($EVENTS events, $CUSTOMERS customers)"
SERVERS="a b c"
for s in $SERVERS; do start "$s" & done

"$CC" -std=c11 -O2 -o "$W/gen_events" "$ROOT/bench/gen_events.c"
"$W/gen_events" "$EVENTS" "$CUSTOMERS" "$SEED" >"$W/events.csv"
"$EXPC" build "$SCRIPT" --emit=pg --prefix "$P" -o "$EXT"
make -s -C "$EXT" PG_CONFIG="$PG_CONFIG" >/dev/null
INSTALLED=1
make -s -C "$EXT" PG_CONFIG="$PG_CONFIG" install >/dev/null
wait
for s in $SERVERS; do q "$s" -c "CREATE EXTENSION $P" || die "server $s did not start"; done

# The score table as expc prints it; PostgreSQL's must match before it counts.
"$EXPC" run --engine=interp "$SCRIPT" "$W/events.csv" >"$W/want.csv" 2>/dev/null
# The docs' query on TABLE, as CSV, without the points column expc run lacks.
query() {
    echo "COPY (SELECT customer, (${P}_score(event ORDER BY seq)).*
          FROM $1 WHERE ${P}_event_id(event) IS NOT NULL
          GROUP BY customer ORDER BY min(seq)) TO STDOUT (FORMAT csv, HEADER)"
}
score() { # SERVER TABLE OUT
    q "$1" -c "$(query "$2")" | sed -e '1s/,points$//' -e '2,$s/,"{[-0-9,]*}"$//' >"$3"
}
check() {
    cmp -s "$W/want.csv" "$1" || die "$2: the scores differ from expc run's ($1)"
}

say "loading"
t0=$(now)
q a <<EOF
CREATE TABLE ev (seq bigint GENERATED ALWAYS AS IDENTITY, customer text NOT NULL,
                 event text NOT NULL, ts text, channel text);
\copy ev (customer, event, ts, channel) FROM '$W/events.csv' (FORMAT csv, HEADER)
ANALYZE ev;
EOF
LOAD1=$(( ($(now) - t0) / 1000000 ))

t0=$(now)
for part in 0 1; do
    s=$([ $part = 0 ] && echo b || echo c)
    q "$s" -c "CREATE TABLE ev_p$part (seq bigint NOT NULL, customer text NOT NULL, event text NOT NULL)"
done
q a <<EOF
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard_b FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$PGD/b', dbname 'postgres', extensions '$P',
             async_capable 'true', fdw_tuple_cost '0.2', fetch_size '10000');
CREATE SERVER shard_c FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$PGD/c', dbname 'postgres', extensions '$P',
             async_capable 'true', fdw_tuple_cost '0.2', fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard_b OPTIONS (user '$PGU');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard_c OPTIONS (user '$PGU');
CREATE TABLE ev_sh (seq bigint NOT NULL, customer text NOT NULL, event text NOT NULL)
    PARTITION BY HASH (customer);
CREATE FOREIGN TABLE ev_sh_p0 PARTITION OF ev_sh FOR VALUES WITH (MODULUS 2, REMAINDER 0)
    SERVER shard_b OPTIONS (table_name 'ev_p0');
CREATE FOREIGN TABLE ev_sh_p1 PARTITION OF ev_sh FOR VALUES WITH (MODULUS 2, REMAINDER 1)
    SERVER shard_c OPTIONS (table_name 'ev_p1');
EOF
# Each shard straight from server a: the rows of its hash partition.
for part in 0 1; do
    s=$([ $part = 0 ] && echo b || echo c)
    q a -c "COPY (SELECT seq, customer, event FROM ev
                  WHERE satisfies_hash_partition('ev_sh'::regclass, 2, $part, customer))
            TO STDOUT" | q "$s" -c "COPY ev_p$part FROM STDIN"
    q "$s" -c "ANALYZE ev_p$part"
done
q a -c "ANALYZE ev_sh"
LOAD2=$(( ($(now) - t0) / 1000000 ))

q a -c "SET enable_partitionwise_aggregate = on" -c "EXPLAIN (VERBOSE, COSTS OFF) $(query ev_sh | sed -e 's/^COPY (//' -e 's/) TO STDOUT.*//')" >"$W/plan"
PUSHED=$(grep -c 'Relations: Aggregate on' "$W/plan" || true)

say "timing ($RUNS runs each)"
JIT=-
if "$EXPC" run --engine=jit "$SCRIPT" "$W/events.csv" >"$W/jit.csv" 2>/dev/null; then
    check "$W/jit.csv" "expc run --engine=jit"
    JIT=$(median sh -c '"$0" run --engine=jit "$1" "$2" >/dev/null 2>&1' "$EXPC" "$SCRIPT" "$W/events.csv")
fi
INTERP=$(median sh -c '"$0" run --engine=interp "$1" "$2" >/dev/null 2>&1' "$EXPC" "$SCRIPT" "$W/events.csv")
score a ev "$W/one.csv"
check "$W/one.csv" "one server"
ONE=$(median score a ev "$W/one.csv")
export PGOPTIONS="-c enable_partitionwise_aggregate=on"
score a ev_sh "$W/two.csv"
check "$W/two.csv" "two shards"
TWO=$(median score a ev_sh "$W/two.csv")
unset PGOPTIONS

rate() { awk -v n="$EVENTS" -v t="$1" 'BEGIN { if (t + 0 > 0) printf "%.2f", n / t / 1e6; else print "-" }'; }
cat <<EOF

PostgreSQL scoring: $EVENTS events, $CUSTOMERS customers (examples/grand_hotel.exp),
median of $RUNS runs, $(nproc 2>/dev/null || echo ?) CPUs shared by all three servers, work_mem $WORK_MEM.

| scorer | seconds | M events/s |
|---|---:|---:|
| expc run --engine=jit (CSV file) | $JIT | $(rate "$JIT") |
| expc run --engine=interp (CSV file) | $INTERP | $(rate "$INTERP") |
| PostgreSQL 15, one server: ${P}_score(event ORDER BY seq) | $ONE | $(rate "$ONE") |
| PostgreSQL 15, coordinator + 2 postgres_fdw shards ($PUSHED aggregates pushed down) | $TWO | $(rate "$TWO") |

Loading (not in the times above): COPY into one server $(awk -v t="$LOAD1" 'BEGIN { printf "%.2f", t / 1000 }') s;
filling both shards from it $(awk -v t="$LOAD2" 'BEGIN { printf "%.2f", t / 1000 }') s.  Every PostgreSQL result equals expc run's.
EOF
