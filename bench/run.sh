#!/bin/sh
# bench/run.sh - the benchmarks behind docs/PERFORMANCE.md (`make bench`).
#
# Scores a generated hotel event log (examples/grand_hotel.exp) with every
# engine of expc, with two hand-written baselines and with a DuckDB query,
# checks that all of them print the same table byte for byte, times them and
# the floor program (bench/floor.c: the least work any scorer does) with
# hyperfine (median of several runs), then `--threads=1` against
# `--threads=2`, one run at 100M events, and P_step_batch alone, `expc check` on large scripts,
# peak memory, and how the cost grows with events, customers and script size;
# then bench/pg_bench.sh (PostgreSQL) when it and pg_config are there.  It
# ends with one table - measured value, target, met or not (judged on
# wall-clock medians; CPU times alongside) - printed by bench/report.py on
# stdout and written with every raw number to build/bench/results.md.  Exit
# status 1 when an output differs or a step fails.
#
# Knobs (environment):
#   BENCH_EVENTS=10000000   events in the main log
#   BENCH_CUSTOMERS=1000000 distinct customers in it
#   BENCH_RUNS=5            timed runs per measurement (after one warm-up)
#   BENCH_SEED=42           generator seed
#   BENCH_PYTHON=full       full: the Python baseline once on the main log;
#                           sample: on the 1/10 log, time scaled by 10 (stated
#                           in the table); skip: not at all
#   BENCH_SCALING=1         0 skips the event/customer scaling series
#   BENCH_DUCKDB=1          0 skips the DuckDB peer (bench/duckdb_score.js;
#                           skipped anyway when node or npm is missing)
#   BENCH_BIG=100000000     events of the big run (over BENCH_CUSTOMERS
#                           customers; made, scored, removed): JIT, -O2
#                           program and floor, against 10x the main log's
#                           times; 0 skips it
#   BENCH_SCRIPT_LINES="10000 100000 1000000"   sizes for `expc check`
#                           (`expc lsp` is timed on a 2,000-line script)
#   EXPC=build/expc  CC=cc  PYTHON=python3  NODE=node  NPM=npm  (the default build/expc is
#                           copied first, so a rebuild during the run does
#                           not break it; a given EXPC is used in place)
# Quick run: BENCH_EVENTS=1000000 BENCH_CUSTOMERS=100000 BENCH_RUNS=2 \
#            BENCH_PYTHON=sample BENCH_BIG=10000000 sh bench/run.sh
#
# Generated data is cached in build/bench/ (named by its parameters and the
# generator's version) and made again only when missing.  Everything else
# (tools, generated programs, outputs) is rebuilt on every run, as it is
# cheap and expc may have changed.  Not part of `make check`.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ -n "${EXPC:-}" ] && BENCH_EXPC_GIVEN=1
EXPC=${EXPC:-$ROOT/build/expc}
W=$ROOT/build/bench
EVENTS=${BENCH_EVENTS:-10000000}
CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-42}
PY_MODE=${BENCH_PYTHON:-full}
SCALING=${BENCH_SCALING:-1}
DUCKDB=${BENCH_DUCKDB:-1}
BIG=${BENCH_BIG:-100000000}
NODE=${NODE:-node}
NPM=${NPM:-npm}
SCRIPT_LINES=${BENCH_SCRIPT_LINES:-10000 100000 1000000}
CC=${CC:-cc}
PYTHON=${PYTHON:-python3}
SCRIPT=$ROOT/examples/grand_hotel.exp
GENV=1                        # bump when gen_events.c changes its output
CFLAGS_BENCH="-std=c11 -O2 -Wall -Wextra -Werror"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ -x "$EXPC" ] || die "$EXPC not found: run make first"
command -v hyperfine >/dev/null 2>&1 || die "hyperfine not found (apt-get install -y hyperfine)"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"
TIMEV=/usr/bin/time
if [ ! -x "$TIMEV" ]; then
    say "/usr/bin/time missing (apt-get install -y time): peak memory will not be measured"
    TIMEV=
fi
case $PY_MODE in full|sample|skip) ;; *) die "BENCH_PYTHON is full, sample or skip" ;; esac
[ "$RUNS" -ge 1 ] 2>/dev/null || die "BENCH_RUNS must be a positive integer"
[ "$BIG" -ge 0 ] 2>/dev/null || die "BENCH_BIG must be a number of events (0: no big run)"
SRUNS=$RUNS                   # fewer runs for the scaling series
[ "$SRUNS" -gt 3 ] && SRUNS=3

mkdir -p "$W/bin" "$W/data" "$W/out" "$W/json" "$W/raw"

# Time one expc, not whatever a rebuild leaves in build/ halfway through a
# run: the default build/expc (and its LLVM plugin, expc-llvm.so, which it
# loads from beside itself) is copied to build/bench/snap/bin/, next to a
# link to the stdlib so it finds it as build/expc does (EXE/../stdlib).
if [ -z "${BENCH_EXPC_GIVEN:-}" ] && [ "$EXPC" = "$ROOT/build/expc" ]; then
    mkdir -p "$W/snap/bin"
    ln -sfn "$ROOT/stdlib" "$W/snap/stdlib"
    rm -f "$W/snap/bin/expc-llvm.so"
    if [ -f "$ROOT/build/expc-llvm.so" ]; then
        cp "$ROOT/build/expc-llvm.so" "$W/snap/bin/expc-llvm.so.tmp"
        mv "$W/snap/bin/expc-llvm.so.tmp" "$W/snap/bin/expc-llvm.so"
    else
        say "build/expc-llvm.so is missing (make all builds it): no JIT or LLVM rows"
    fi
    tries=0
    until cp "$EXPC" "$W/snap/bin/expc.tmp" 2>/dev/null &&
        "$W/snap/bin/expc.tmp" --version >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ $tries -lt 10 ] || die "cannot take a working copy of $EXPC"
        sleep 3
    done
    mv "$W/snap/bin/expc.tmp" "$W/snap/bin/expc"
    EXPC=$W/snap/bin/expc
fi
rm -f "$W"/json/*.json "$W"/raw/*
cut -d' ' -f1-3 /proc/loadavg >"$W/raw/load_start" 2>/dev/null || true
FAILED=0
fail() { printf 'bench: FAILED: %s\n' "$*" >&2; echo "$*" >>"$W/raw/failures"; FAILED=1; }

# ---- tools ----------------------------------------------------------------
say "building tools"
$CC $CFLAGS_BENCH -o "$W/bin/gen_events" "$ROOT/bench/gen_events.c"
$CC $CFLAGS_BENCH -o "$W/bin/baseline" "$ROOT/bench/baseline.c"
$CC $CFLAGS_BENCH -pthread -o "$W/bin/floor" "$ROOT/bench/floor.c"
# The floor runs on as many threads as expc does by default: the processors
# online once expc has --threads, else one.
FLOOR_T=1
"$EXPC" run --help 2>&1 | grep -q -e '--threads' && FLOOR_T=$(nproc)

# The compiled scorer: what `expc build --emit=c --main` gives a user.
"$EXPC" build "$SCRIPT" --emit=c --main -O2 -o "$W/bin/hotel_main.c"
$CC -O2 -o "$W/bin/hotel_main" "$W/bin/hotel_main.c"

# The machine alone, prefix hb, for step_batch.c: generated C, and the LLVM
# object when this expc has LLVM.
"$EXPC" build "$SCRIPT" --emit=c --prefix hb -o "$W/bin/hb.c"
$CC $CFLAGS_BENCH -I"$W/bin" -o "$W/bin/step_batch_c" "$ROOT/bench/step_batch.c" "$W/bin/hb.c"
HAVE_LLVM=0
rm -f "$W/bin/hb.o" "$W/bin/step_batch_llvm" "$W/bin/t/hb.o" "$W/bin/step_batch_llvm_time"
if "$EXPC" build "$SCRIPT" --emit=obj --prefix hb -o "$W/bin/hb.o" 2>"$W/raw/emit_obj.err"; then
    $CC $CFLAGS_BENCH -I"$W/bin" -o "$W/bin/step_batch_llvm" "$ROOT/bench/step_batch.c" "$W/bin/hb.o"
    HAVE_LLVM=1
else
    say "no --emit=obj (expc without LLVM?): the JIT and LLVM rows are skipped"
fi

# The same hotel with time rules (a window, a reset and a daily cap): its
# compiled scorer, and its machine for step_batch.c with times (prefix hb
# too, in bin/t/).
RULES=$W/bin/hotel_rules.exp
sed -e 's/^\(    penalty early 2;\)$/\1\n    within 30d;\n    reset after 14d;/' \
    -e 's/^\(    event greeted .*\)+6;$/\1+6 cap 3 per 1d;/' "$SCRIPT" >"$RULES"
grep -q 'cap 3 per 1d' "$RULES" && grep -q 'within 30d' "$RULES" ||
    die "could not add time rules to $SCRIPT"
"$EXPC" build "$RULES" --emit=c --main -O2 -o "$W/bin/rules_main.c"
$CC -O2 -o "$W/bin/rules_main" "$W/bin/rules_main.c"
mkdir -p "$W/bin/t"
"$EXPC" build "$RULES" --emit=c --prefix hb -o "$W/bin/t/hb.c"
$CC $CFLAGS_BENCH -I"$W/bin/t" -o "$W/bin/step_batch_c_time" "$ROOT/bench/step_batch.c" \
    "$W/bin/t/hb.c"
if [ "$HAVE_LLVM" = 1 ] && "$EXPC" build "$RULES" --emit=obj --prefix hb -o "$W/bin/t/hb.o"; then
    $CC $CFLAGS_BENCH -I"$W/bin/t" -o "$W/bin/step_batch_llvm_time" "$ROOT/bench/step_batch.c" \
        "$W/bin/t/hb.o"
fi

# The DuckDB peer: @duckdb/node-api at the version bench/package-lock.json
# pins, installed with npm ci into build/bench/node/ (again only when the lock
# file changes; node_modules never enters the tree), found through NODE_PATH.
# raw/duckdb.txt holds its version, or why it was skipped, for the report.
HAVE_DUCKDB=0
NODE_DIR=$W/node
if [ "$DUCKDB" != 1 ]; then
    echo "skipped: BENCH_DUCKDB=$DUCKDB" >"$W/raw/duckdb.txt"
elif ! command -v "$NODE" >/dev/null 2>&1 || ! command -v "$NPM" >/dev/null 2>&1; then
    say "DuckDB peer skipped: node or npm not found (apt-get install -y nodejs npm)"
    echo "skipped: node or npm not found" >"$W/raw/duckdb.txt"
else
    mkdir -p "$NODE_DIR"
    if ! cmp -s "$ROOT/bench/package-lock.json" "$NODE_DIR/package-lock.json" ||
        [ ! -d "$NODE_DIR/node_modules/@duckdb/node-api" ]; then
        say "installing @duckdb/node-api with npm ci into $NODE_DIR"
        cp "$ROOT/bench/package.json" "$ROOT/bench/package-lock.json" "$NODE_DIR/"
        if ! (cd "$NODE_DIR" && timeout -k 5 300 "$NPM" ci --no-audit --no-fund \
            --cache "$W/npm-cache") >"$W/raw/npm.log" 2>&1; then
            rm -f "$NODE_DIR/package-lock.json" # try again next run
            fail "npm ci of bench/package-lock.json (see $W/raw/npm.log)"
        fi
    fi
    if v=$(NODE_PATH=$NODE_DIR/node_modules "$NODE" -e \
        "require('@duckdb/node-api'); console.log(require('@duckdb/node-api/package.json').version)" \
        2>>"$W/raw/npm.log"); then
        HAVE_DUCKDB=1
        echo "@duckdb/node-api $v, node $("$NODE" --version)" >"$W/raw/duckdb.txt"
    else
        fail "@duckdb/node-api does not load (see $W/raw/npm.log)"
        echo "failed: @duckdb/node-api does not load" >"$W/raw/duckdb.txt"
    fi
fi

# ---- data -----------------------------------------------------------------
# events_file E C: the cached log of E events over C customers (and its
# pre-decoded twin .bin), made when missing; prints the path.
events_file() {
    f=$W/data/events-$1-$2-s$SEED-g$GENV.csv
    if [ ! -s "$f" ] || [ ! -s "${f%.csv}.bin" ]; then
        say "generating $1 events over $2 customers"
        "$W/bin/gen_events" "$1" "$2" "$SEED" -b "${f%.csv}.bin.tmp" >"$f.tmp"
        mv "${f%.csv}.bin.tmp" "${f%.csv}.bin"
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}

# script_file L: a valid script of about L lines (tests/gen_big_script.py;
# g2: its events evoke what their notes do, so it checks without warnings).
script_file() {
    f=$W/data/script-g2-$1.exp
    if [ ! -s "$f" ]; then
        say "generating a $1-line script"
        "$PYTHON" "$ROOT/tests/gen_big_script.py" "$1" 1 >"$f.tmp"
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}

MAIN=$(events_file "$EVENTS" "$CUSTOMERS")
E10=$((EVENTS / 10)); [ "$E10" -ge 1 ] || E10=1
C10=$((CUSTOMERS / 10)); [ "$C10" -ge 1 ] || C10=1
[ "$C10" -le "$E10" ] || C10=$E10
C100=$((CUSTOMERS / 100)); [ "$C100" -ge 1 ] || C100=1
SAMPLE=
if [ "$SCALING" = 1 ] || [ "$PY_MODE" = sample ]; then
    SAMPLE=$(events_file "$E10" "$C10")
fi

# ---- the commands -----------------------------------------------------------
# cmd NAME LOG: the shell command that scores LOG into out/NAME.csv (its
# stderr, the skipped-events note, into raw/NAME.err).
cmd() {
    o=$W/out/$1.csv
    e=$W/raw/$1.err
    case $1 in
    jit_t[0-9]*) echo "'$EXPC' run --engine=jit --threads=${1#jit_t} '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    compiled_t[0-9]*) echo "'$W/bin/hotel_main' --threads=${1#compiled_t} '$2' >'$o' 2>'$e'" ;;
    floor_t[0-9]*) echo "'$W/bin/floor' -t ${1#floor_t} '$2' >'$o' 2>'$e'" ;;
    floor*) echo "'$W/bin/floor' -t $FLOOR_T '$2' >'$o' 2>'$e'" ;;
    duckdb*) echo "env NODE_PATH='$NODE_DIR/node_modules' '$NODE' '$ROOT/bench/duckdb_score.js'" \
        "'$2' >'$o' 2>'$e'" ;;
    jit_time_spill*) echo "'$EXPC' run --engine=jit --time=ts --memory=64M '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    jit_time*) echo "'$EXPC' run --engine=jit --time=ts '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    jit_report*) echo "'$EXPC' run --engine=jit --report='$W/out/$1.html' '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    interp_report*) echo "'$EXPC' run --engine=interp --report='$W/out/$1.html' '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    jit_rules*) echo "'$EXPC' run --engine=jit --time=ts '$RULES' '$2' >'$o' 2>'$e'" ;;
    compiled_rules*) echo "'$W/bin/rules_main' --time=ts '$2' >'$o' 2>'$e'" ;;
    interp_rules*) echo "'$EXPC' run --engine=interp --time=ts '$RULES' '$2' >'$o' 2>'$e'" ;;
    jit*) echo "'$EXPC' run --engine=jit '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    interp*) echo "'$EXPC' run --engine=interp '$SCRIPT' '$2' >'$o' 2>'$e'" ;;
    compiled_time*) echo "'$W/bin/hotel_main' --time=ts '$2' >'$o' 2>'$e'" ;;
    compiled*) echo "'$W/bin/hotel_main' '$2' >'$o' 2>'$e'" ;;
    baseline_c*) echo "'$W/bin/baseline' '$2' >'$o' 2>'$e'" ;;
    python*) echo "${TIMEV:+'$TIMEV' -f %M -o '$W/raw/rss_$1.kb' }'$PYTHON'" \
        "'$ROOT/bench/baseline.py' '$2' >'$o' 2>'$e'" ;;
    esac
}

# check_out NAME REF: NAME's output must equal the reference byte for byte.
check_out() {
    if cmp -s "$W/out/$1.csv" "$W/out/$2.csv"; then
        echo "$1 same" >>"$W/raw/cmp"
    else
        fail "$1: output differs from $2 (cmp $W/out/$1.csv $W/out/$2.csv)"
        echo "$1 DIFFERENT" >>"$W/raw/cmp"
    fi
}

# validate LOG NAMES...: runs each once (also warms the page cache), keeps
# the names that exit 0 in $OK, and compares every output with the first
# (with $VREF when set: the name of an output already there).  With VRSS=1
# each run also leaves its peak RSS in raw/rss_NAME.kb.
# A floor (floor*) prints counts, not a table: its number of customers must
# be the reference table's number of rows (every customer of the generated
# logs has a declared event).
validate() {
    log=$1
    shift
    OK=
    ref=${VREF:-}
    for n in "$@"; do
        c=$(cmd "$n" "$log")
        if [ "${VRSS:-0}" = 1 ] && [ -n "$TIMEV" ]; then
            st=0; $TIMEV -f %M -o "$W/raw/rss_$n.kb" sh -c "$c" || st=$?
        else
            st=0; sh -c "$c" || st=$?
        fi
        if [ "$st" = 0 ]; then
            OK="$OK $n"
            case $n in
            floor*) check_floor "$n" "$ref" ;;
            *) if [ -z "$ref" ]; then ref=$n; else check_out "$n" "$ref"; fi ;;
            esac
        else
            fail "$n exits $st on $log"
        fi
    done
}

# check_floor NAME REF: NAME's count of customers against REF's rows.
check_floor() {
    got=$(sed -n 's/^lines [0-9]* customers \([0-9]*\)$/\1/p' "$W/out/$1.csv")
    want=$(($(wc -l <"$W/out/$2.csv") - 1))
    if [ "$got" = "$want" ]; then
        echo "$1 same" >>"$W/raw/cmp"
    else
        fail "$1: ${got:-no} customers, $2 has $want rows"
        echo "$1 DIFFERENT" >>"$W/raw/cmp"
    fi
}

# bench_json TAG RUNS WARMUP: times the names in $OK on the log $LOG, in
# RUNS rounds of one hyperfine run of each (json/TAG.rN.json; report.py
# merges them).  Rounds, rather than RUNS runs of one command and then the
# next, because the machine may be shared: a busy minute then slows every
# command a little instead of one command a lot, and the ratios stay fair.
bench_json() {
    tag=$1 runs=$2 warm=$3
    set --
    for n in $OK; do
        set -- "$@" -n "$n" "$(cmd "$n" "$LOG")"
    done
    [ $# -gt 0 ] || return 0
    r=1
    while [ "$r" -le "$runs" ]; do
        w=0
        [ "$r" = 1 ] && w=$warm
        if ! hyperfine --style basic --runs 1 --warmup "$w" \
            --export-json "$W/json/$tag.r$r.json" "$@" >&2; then
            fail "hyperfine $tag (round $r)"
            return 0
        fi
        r=$((r + 1))
    done
}

ENGINES="interp compiled baseline_c"
[ "$HAVE_LLVM" = 1 ] && ENGINES="jit $ENGINES"
ENGINES_REF=${ENGINES%% *}    # the first engine: the others are compared with its output

# The peers of the main log, timed in the same rounds as the engines: the
# floor always, DuckDB when it is installed.
PEERS=floor
[ "$HAVE_DUCKDB" = 1 ] && PEERS="$PEERS duckdb"

# ---- 1. the main log: engines, baselines and peers ---------------------------
say "main log: $EVENTS events, $CUSTOMERS customers ($MAIN)"
validate "$MAIN" $ENGINES $PEERS
LOG=$MAIN
bench_json main "$RUNS" 1

# ---- 2. the Python baseline -----------------------------------------------------
case $PY_MODE in
full)
    # One timed run, which is also the one whose output is checked; peak
    # memory comes along through /usr/bin/time (its cost is nothing here).
    say "Python baseline on the main log, once (this takes a while)"
    OK=python
    LOG=$MAIN
    bench_json python 1 0
    check_out python interp
    ;;
sample)
    say "Python baseline on the 1/10 log ($E10 events), time x10"
    validate "$SAMPLE" interp_sample python
    case " $OK " in
    *" python "*)
        OK=python
        LOG=$SAMPLE
        bench_json python "$SRUNS" 0
        ;;
    esac
    ;;
esac

# ---- 3. peak memory -----------------------------------------------------------------
# rss_run NAME LOG: NAME on LOG under /usr/bin/time -v (raw/rss_NAME.txt).
rss_run() {
    $TIMEV -v sh -c "exec $(cmd "$1" "$2" | sed 's/ >.*//') >/dev/null 2>/dev/null" \
        2>"$W/raw/rss_$1.txt" || fail "rss run of $1"
}
if [ -n "$TIMEV" ]; then
    say "peak RSS on the main log"
    for n in $ENGINES $PEERS; do
        rss_run "$n" "$MAIN"
    done
fi

# ---- 4. P_step_batch alone ------------------------------------------------------------
say "P_step_batch on pre-decoded events"
for v in c llvm c_time llvm_time; do
    [ -x "$W/bin/step_batch_$v" ] || continue
    case $v in c*) ;; *) [ "$HAVE_LLVM" = 1 ] || continue ;; esac
    if "$W/bin/step_batch_$v" "${MAIN%.csv}.bin" "$RUNS" >"$W/raw/step_batch_$v.txt"; then
        cat "$W/raw/step_batch_$v.txt" >&2
    else
        fail "step_batch_$v"
    fi
done

# ---- 5. expc check on large scripts ----------------------------------------------------
for L in $SCRIPT_LINES; do
    f=$(script_file "$L")
    if "$EXPC" check "$f" >/dev/null 2>"$W/raw/check-$L.err"; then
        wc -l <"$f" | tr -d ' ' >"$W/raw/check-$L.lines"
        hyperfine --style basic --runs "$RUNS" --warmup 1 \
            --export-json "$W/json/check-$L.json" -n "check-$L" \
            "'$EXPC' check '$f' >/dev/null 2>&1" >&2
    else
        fail "expc check $f exits non-zero (see $W/raw/check-$L.err)"
    fi
done

# ---- 5c. expc lsp: diagnostics after a change to a 2,000-line script ---------------------
# Wall-clock at the client, from the write of an incremental didChange to the
# read of its publishDiagnostics (bench/lsp_bench.py; target within 100 ms).
f=$(script_file 2000)
if ! "$PYTHON" "$ROOT/bench/lsp_bench.py" "$EXPC" "$f" 100 >"$W/raw/lsp.txt" 2>&1; then
    fail "expc lsp latency (see $W/raw/lsp.txt)"
fi

# ---- 5b. time order: --time on the main log (already in time order) and shuffled ---------
# The generated log is in time order, so --time only checks it and scores as
# read; the same log shuffled (seeded) must be sorted per customer, in memory
# by default and in runs spilled to disk with --memory=64M.  Rows come in
# order of first appearance, so the shuffled runs are compared with each
# other, the sorted ones with the plain run.
if [ "$HAVE_LLVM" = 1 ]; then
    say "--time on the main log, in order and shuffled"
    validate "$MAIN" jit jit_time compiled_time
    LOG=$MAIN
    bench_json time "$RUNS" 1
    SHUF=${MAIN%.csv}-shuf.csv
    if [ ! -s "$SHUF" ]; then
        # shuf's randomness, repeatable: an AES-CTR stream keyed by the seed
        # (shuf needs ~log2(n!) bits: 300 MB covers 10M lines).
        openssl enc -aes-256-ctr -pass "pass:$SEED" -nosalt -pbkdf2 </dev/zero 2>/dev/null |
            head -c 300000000 >"$W/data/shuf-seed"
        { head -n 1 "$MAIN"; tail -n +2 "$MAIN" | shuf --random-source="$W/data/shuf-seed"; } \
            >"$SHUF.tmp"
        mv "$SHUF.tmp" "$SHUF"
    fi
    validate "$SHUF" jit_time_shuf jit_time_spill_shuf
    LOG=$SHUF
    bench_json time_shuf "$RUNS" 0
    if [ -n "$TIMEV" ]; then
        for n in jit_time_shuf jit_time_spill_shuf; do
            $TIMEV -v sh -c "exec $(cmd "$n" "$SHUF" | sed 's/ >.*//') >/dev/null 2>/dev/null" \
                2>"$W/raw/rss_$n.txt" || fail "rss run of $n"
        done
    fi
fi

# ---- 5c. --report: the per-event counts and the page, on the main log ---------------------
# The engine counts what each event did as it steps it (rt_engine's
# step_batch_tally: one add an event, in the JIT's code and the
# interpreter's loop); the machine picture is drawn by a thread while the
# log is scored.  The target
# is a run within 1.05x of the same run without --report, for the
# interpreter and the JIT, in rounds with them.
say "--report on the main log"
if [ "$HAVE_LLVM" = 1 ]; then
    validate "$MAIN" jit jit_report interp interp_report
else
    validate "$MAIN" interp interp_report
fi
LOG=$MAIN
# Twice the rounds (at least 10): the target is a few per cent, under the
# run-to-run noise of a shared machine; report.py takes the median of each
# round's ratio.
REPORT_RUNS=$((RUNS * 2 > 10 ? RUNS * 2 : 10))
bench_json report "$REPORT_RUNS" 1
for n in jit_report interp_report; do
    [ -f "$W/out/$n.csv" ] || continue
    grep -q 'data-event=' "$W/out/$n.html" 2>/dev/null || fail "$n: no page written"
done
# Instructions, which a shared machine does not change: callgrind on the
# 1/10 log, each thread counted apart (raw/instr_NAME: the main thread's,
# then all threads'); the main thread reads and scores the log, the
# picture's thread runs beside it.
rm -f "$W"/raw/instr_* "$W"/raw/cg_*
if command -v valgrind >/dev/null 2>&1; then
    say "--report: instructions (callgrind) on the 1/10 log"
    LOG10=$(events_file "$E10" "$C10")
    for n in $OK; do
        eng=${n%_report}
        rep=
        [ "$n" = "$eng" ] || rep=--report=$W/out/cg_$n.html
        if valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$W/raw/cg_$n" \
            "$EXPC" run --engine="$eng" $rep "$SCRIPT" "$LOG10" >/dev/null 2>"$W/raw/cg_$n.err"; then
            main=$(sed -n 's/^summary: //p' "$W/raw/cg_$n-01")
            all=$(cat "$W/raw/cg_$n"-[0-9]* | sed -n 's/^summary: //p' | awk '{s += $1} END {print s}')
            echo "$main $all" >"$W/raw/instr_$n"
        else
            fail "callgrind $n (see $W/raw/cg_$n.err)"
        fi
    done
fi
# ---- 5d. time rules: the hotel with a window, a reset and a daily cap ----------------
# On the main log (in time order) with --time, against the plain hotel with
# --time (5b's jit_time and compiled_time): what the rules themselves cost.
# The rules change the scores, so the rule runs are compared with each other
# (and the interpreter's on the 1/10 log, as the interpreter is slow).
if [ "$HAVE_LLVM" = 1 ]; then
    say "time rules on the main log"
    if [ -n "$SAMPLE" ]; then
        validate "$SAMPLE" interp_rules_s jit_rules_s compiled_rules_s
    fi
    validate "$MAIN" jit_rules compiled_rules
    ok_rules=$OK
    validate "$MAIN" jit_time compiled_time
    OK="$ok_rules $OK"
    LOG=$MAIN
    bench_json rules "$RUNS" 1
fi

# ---- 6. scaling with events and customers ------------------------------------------------
if [ "$SCALING" = 1 ]; then
    # events: E/10, 3E/10, E over C/10 customers; customers: C/100, C/10, C
    # over E events.  (E, C/10) is in both series; (E, C) is the main log.
    E3=$((EVENTS * 3 / 10))
    for p in "$E10 $C10" "$E3 $C10" "$EVENTS $C10" "$EVENTS $C100"; do
        set -- $p
        [ "$2" -le "$1" ] || continue
        LOG=$(events_file "$1" "$2")
        say "scaling: $1 events, $2 customers"
        names=
        for n in $ENGINES; do names="$names ${n}_s"; done
        validate "$LOG" $names
        bench_json "scale-$1-$2" "$SRUNS" 1
    done
fi

# ---- 6b. threads: --threads=1 against --threads=2 on the main log --------------------------
# For expc run (JIT) and the -O2 program, each when its --help lists
# --threads, and the floor with as many threads; peak RSS of each thread
# count too.  raw/threads.txt says what was skipped.
: >"$W/raw/threads.txt"
TNAMES=
if [ "$HAVE_LLVM" = 1 ]; then
    if "$EXPC" run --help 2>&1 | grep -q -e '--threads'; then
        TNAMES="jit_t1 jit_t2"
    else
        echo "skipped: expc run has no --threads" >>"$W/raw/threads.txt"
    fi
fi
if "$W/bin/hotel_main" --help 2>&1 | grep -q -e '--threads'; then
    TNAMES="$TNAMES compiled_t1 compiled_t2"
else
    echo "skipped: the --main program has no --threads" >>"$W/raw/threads.txt"
fi
if [ -n "$TNAMES" ]; then
    TNAMES="$TNAMES floor_t1 floor_t2"
    say "--threads=1 and --threads=2 on the main log:$TNAMES"
    VREF=$ENGINES_REF
    validate "$MAIN" $TNAMES
    VREF=
    LOG=$MAIN
    bench_json threads "$RUNS" 1
    if [ -n "$TIMEV" ]; then
        for n in $TNAMES; do rss_run "$n" "$MAIN"; done
    fi
else
    say "no --threads in this expc: the thread rows are skipped"
fi

# ---- 6c. the big log: BENCH_BIG events over the main log's customers ---------------------
# Made, scored and removed (by default 10x the main log: 4.8 GB); the JIT,
# the -O2 program and the floor only, each at its default thread count as
# on the main log.  Each validation run is also the one that measures peak
# RSS (raw/rss_NAME.kb): bounded by customers, it should stay what it is on
# the main log.  Time is compared with BIG / EVENTS times the main log's.
if [ "$BIG" -gt 0 ] && [ "$BIG" -lt "$CUSTOMERS" ]; then
    fail "BENCH_BIG=$BIG is fewer events than BENCH_CUSTOMERS=$CUSTOMERS customers"
elif [ "$BIG" -gt 0 ]; then
    BIGLOG=$W/data/big-$BIG-$CUSTOMERS-s$SEED-g$GENV.csv
    say "big log: $BIG events, $CUSTOMERS customers (generated, then removed)"
    trap 'rm -f "$BIGLOG" "$BIGLOG.tmp"' EXIT
    trap 'rm -f "$BIGLOG" "$BIGLOG.tmp"; exit 130' INT TERM
    if "$W/bin/gen_events" "$BIG" "$CUSTOMERS" "$SEED" >"$BIGLOG.tmp"; then
        mv "$BIGLOG.tmp" "$BIGLOG"
        BNAMES="compiled_big floor_big"
        [ "$HAVE_LLVM" = 1 ] && BNAMES="jit_big $BNAMES"
        VRSS=1
        validate "$BIGLOG" $BNAMES
        VRSS=0
        LOG=$BIGLOG
        bench_json big "$SRUNS" 0
    else
        fail "generating $BIG events"
    fi
    rm -f "$BIGLOG" "$BIGLOG.tmp"
    trap - EXIT INT TERM
fi

# ---- 7. optional: PostgreSQL ---------------------------------------------------------------
# bench/pg_bench.sh (the PostgreSQL backend's own benchmark) makes its own
# log and servers; it runs on the 1/10 log size to keep `make bench` short.
if [ -f "$ROOT/bench/pg_bench.sh" ]; then
    if command -v "${PG_CONFIG:-pg_config}" >/dev/null 2>&1; then
        say "PostgreSQL (bench/pg_bench.sh, $E10 events, $C10 customers)"
        if ! BENCH_RUNS=$SRUNS BENCH_SEED=$SEED EXPC=$EXPC CC=$CC \
            sh "$ROOT/bench/pg_bench.sh" "$E10" "$C10" >"$W/raw/pg_bench.txt" 2>"$W/raw/pg_bench.err"; then
            fail "bench/pg_bench.sh (see $W/raw/pg_bench.err)"
        fi
    else
        echo "skipped: pg_config not found" >"$W/raw/pg_bench.txt"
    fi
fi

# ---- 8. the service ------------------------------------------------------------------------
# bench/serve_bench.sh: `expc serve` under wrk (ingestion, GETs, RSS with
# 1M customers); skipped when expc has no service or wrk is missing.
if "$EXPC" serve --help 2>/dev/null | grep -q -e '--data'; then
    say "expc serve (bench/serve_bench.sh)"
    if ! EXPC=$EXPC PYTHON=$PYTHON sh "$ROOT/bench/serve_bench.sh" "$W/raw/serve.txt" \
        >/dev/null 2>"$W/raw/serve.err"; then
        fail "bench/serve_bench.sh (see $W/raw/serve.err)"
    fi
fi

# ---- the report ---------------------------------------------------------------------------
{
    echo "events=$EVENTS"
    echo "customers=$CUSTOMERS"
    echo "runs=$RUNS"
    echo "seed=$SEED"
    echo "python=$PY_MODE"
    echo "sample_events=$E10"
    echo "main_log=$MAIN"
    echo "main_log_bytes=$(wc -c <"$MAIN" | tr -d ' ')"
    echo "big_events=$BIG"
    echo "floor_threads=$FLOOR_T"
    echo "llvm=$HAVE_LLVM"
    echo "expc_version=$("$EXPC" --version 2>&1 | head -1)"
    echo "cc_version=$($CC --version | head -1)"
    echo "python_version=$("$PYTHON" --version 2>&1)"
    echo "hyperfine_version=$(hyperfine --version)"
    echo "nproc=$(nproc)"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "caches=$(lscpu 2>/dev/null | sed -n 's/^\(L[123][di]*\) cache:[[:space:]]*/\1 /p' | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
    echo "virt=$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor:[[:space:]]*//p')"
    echo "mem_kb=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "load_start=$(cat "$W/raw/load_start" 2>/dev/null)"
    echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
} >"$W/raw/meta"
"$PYTHON" "$ROOT/bench/report.py" "$W"
[ "$FAILED" = 0 ] || die "some benchmarks failed or disagreed (see $W/raw/failures)"
