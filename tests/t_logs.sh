#!/bin/sh
# t_logs.sh - real logs (docs/language.md, "Your logs"): --customer,
# --event and --time, headers in any order, time order per customer, the
# --memory bound and its temporary files, and the nothing-matched error.
# Every case runs on `expc run --engine=interp`, `--engine=jit` (when built)
# and the standalone program of `expc build --emit=c --main`, which must
# agree byte for byte (the program's messages start with its own name,
# compared as `expc: `).  The expected outputs were worked out by hand from
# the hotel of tests/golden/run/hotel.exp: fast_checkin +8 and greeted +6 on
# STAY (threshold 12), review_left +8 on SAY, an event of a later note
# before its note is reached is early (-2, no points).
. "$(dirname "$0")/lib.sh"
T=$TMPDIR_T
EXP=$ROOT/tests/golden/run/hotel.exp
CC1=${CC:-cc}

main_program compile-main "$EXP" "$T/hotel" -O1
runners="interp"
"$EXPC" --version | grep -q "(LLVM" && runners="interp jit"
runners="$runners prog"
# t_threads.sh runs every case again with --threads=LOGS_THREADS (given to
# the program here, to expc by a wrapper EXPC) on the runners LOGS_RUNNERS.
runners=${LOGS_RUNNERS:-$runners}

# run RUNNER ARGS...: one run, stdout in $T/out, stderr in $T/err (the
# program's own name replaced by expc), exit code in $rc.
run() {
    r=$1
    shift
    if [ "$r" = prog ]; then
        "$T/hotel" ${LOGS_THREADS:+--threads=$LOGS_THREADS} "$@" >"$T/out" 2>"$T/err.raw"
        rc=$?
        sed -e 's/^hotel: /expc: /' -e 's/^Try `[^ ]*hotel --help`/Try `expc --help`/' \
            "$T/err.raw" >"$T/err"
    else
        "$EXPC" run "$EXP" --engine="$r" "$@" >"$T/out" 2>"$T/err.raw"
        rc=$?
        grep -v -e 'W0505' -e '^experience grand_hotel' -e '^ *\^' "$T/err.raw" >"$T/err"
    fi
}

# case NAME RC STDOUT STDERR ARGS...: every runner gives exactly these.
case_() {
    name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 4
    printf '%s' "$want_out" >"$T/want.out"
    printf '%s' "$want_err" >"$T/want.err"
    for r in $runners; do
        run "$r" "$@"
        expect_code "$r-$name-exit" "$want_rc" "$rc"
        expect_same "$r-$name-out" "$T/want.out" "$T/out"
        expect_same "$r-$name-err" "$T/want.err" "$T/err"
    done
}

H='customer,score,stage,events,early
'
L=$T/l

# ---- columns ---------------------------------------------------------------
printf 'event,customer\ngreeted,a\nfast_checkin,a\n' >"$L.swap.csv"
case_ header-any-order 0 "${H}a,14,SAY,2,0
" "" "$L.swap.csv"

printf 'ts,x,event,y,customer\n1,,greeted,,a\n2,,fast_checkin,,a\n' >"$L.wide.csv"
case_ header-wide 0 "${H}a,14,SAY,2,0
" "" "$L.wide.csv"

printf 'fast_checkin,x,a\ngreeted,y,a\ngreeted,z,b\n' >"$L.num.csv"
case_ by-number 0 "${H}a,14,SAY,2,0
b,6,STAY,1,0
" "" --customer=3 --event=1 "$L.num.csv"

printf 'what,who,ts\ngreeted,ann,1\nfast_checkin,ann,2\n' >"$L.name.csv"
case_ by-name 0 "${H}ann,14,SAY,2,0
" "" --customer=who --event=what "$L.name.csv"

# A number that is also a header field's name is the field (as numbers,
# column 1 would be the event and hold no declared one).
printf 'x,1,2\n5,greeted,a\n6,fast_checkin,a\n' >"$L.numname.csv"
case_ number-is-name 0 "${H}a,14,SAY,2,0
" "" --customer=2 --event=1 --time=x "$L.numname.csv"

printf '7,greeted\n7,fast_checkin\n42,greeted\n' >"$L.numeric.csv"
case_ numeric-customers 0 "${H}7,14,SAY,2,0
42,6,STAY,1,0
" "" "$L.numeric.csv"

printf '{"user":{"id":42},"e":"greeted"}\n{"user":{"id":"x"},"e":"fast_checkin"}\n{"user.id":"whole","user":{"id":1},"e":"greeted"}\n' >"$L.path.ndjson"
case_ ndjson-path 0 "${H}42,6,STAY,1,0
x,8,STAY,1,0
whole,6,STAY,1,0
" "" --customer=user.id --event=e "$L.path.ndjson"

# One member named by two options (customer and event here) is read once,
# its escapes undone once.
printf '{"a":"g\\u0072eeted","t":"1"}\n' >"$L.twice.ndjson"
case_ ndjson-member-twice 0 "${H}greeted,6,STAY,1,0
" "" --customer=a --event=a --time=t "$L.twice.ndjson"

printf '{"user":{"name":42},"e":"greeted"}\n' >"$L.nomember.ndjson"
case_ ndjson-no-member 65 "" "expc: $L.nomember.ndjson:1: invalid event data: no string member \"user.id\"
" --customer=user.id --event=e "$L.nomember.ndjson"

printf 'customer,event,when\na,greeted,1\n' >"$L.when.csv"
case_ unknown-column 2 "" "expc: --time: no column \`ts\` in the header of $L.when.csv (fields: \"customer\", \"event\", \"when\")
" --time=ts "$L.when.csv"

# Header fields in the message are quoted and escaped as event names are.
nbsp=$(printf '\302\240')
printf 'customer,event,"a""b",\302\240x\n' >"$L.oddhdr.csv"
case_ unknown-column-escaped 2 "" "expc: --time: no column \`ts\` in the header of $L.oddhdr.csv (fields: \"customer\", \"event\", \"a\\\"b\", \"${nbsp}x\")
" --time=ts "$L.oddhdr.csv"
# A member name given by an option is quoted and escaped in the reason, and
# cut after 200 bytes at a character's end (x and 99 é of 2 bytes).
printf '{"customer":"a","event":"greeted"}\n' >"$L.esc.ndjson"
case_ ndjson-member-escaped 65 "" "expc: $L.esc.ndjson:1: invalid event data: no string member \"a\\\"b\"
" --customer='a"b' "$L.esc.ndjson"
long=$(awk 'BEGIN { for (i = 0; i < 101; i++) printf "\303\251" }')
cut=$(awk 'BEGIN { for (i = 0; i < 99; i++) printf "\303\251" }')
case_ ndjson-member-cut 65 "" "expc: $L.esc.ndjson:1: invalid event data: no string member \"x$cut\"...
" --customer="x$long" "$L.esc.ndjson"

printf 'a,greeted,1\n' >"$L.zero.csv"
case_ column-zero 2 "" "expc: --time: no column \`0\` in $L.zero.csv (columns count from 1)
" --time=0 "$L.zero.csv"

printf 'x,greeted,a\nshort,greeted\n' >"$L.short.csv"
case_ missing-column 65 "" "expc: $L.short.csv:2: invalid event data: fewer than 3 fields
" --customer=3 --event=2 "$L.short.csv"

printf 'a,greeted,1\na,fast_checkin\n' >"$L.notime.csv"
case_ missing-time-column 65 "" "expc: $L.notime.csv:2: invalid event data: fewer than 3 fields
" --time=3 "$L.notime.csv"

# ---- times -----------------------------------------------------------------
n=0
for bad in x 1e3 +5 .5 5. 2024-02-30 2024-01-01T24:00 '2024-01-01 10:00 Z' ''; do
    n=$((n + 1))
    printf 'customer,event,t\na,greeted,1\na,greeted,%s\n' "$bad" >"$L.bad$n.csv"
    case_ "bad-time-$n" 65 "" "expc: $L.bad$n.csv:3: invalid event data: bad time \"$bad\"
" --time=t "$L.bad$n.csv"
done
printf '{"customer":"a","event":"greeted","t":1e3}\n' >"$L.badnum.ndjson"
case_ bad-time-json-exponent 65 "" "expc: $L.badnum.ndjson:1: invalid event data: bad time \"1e3\"
" --time=t "$L.badnum.ndjson"
printf '{"customer":"a","event":"greeted","t":true}\n' >"$L.badtype.ndjson"
case_ bad-time-json-type 65 "" "expc: $L.badtype.ndjson:1: invalid event data: member \"t\" is neither a string nor a number
" --time=t "$L.badtype.ndjson"
printf 'customer,event,t\na,greeted,x\nb,greeted,1\n' >"$L.skipbad.csv"
case_ bad-time-skipped 0 "${H}b,6,STAY,1,0
" "expc: skipped 1 invalid line: $L.skipbad.csv:2: bad time \"x\"
" --time=t --skip-invalid "$L.skipbad.csv"
# The time of an undeclared event is not read.
printf 'customer,event,t\na,nope,garbage\na,greeted,1\n' >"$L.undecl.csv"
case_ undeclared-time-unread 0 "${H}a,6,STAY,1,0
" "expc: skipped 1 event not declared by the experience: \"nope\" at $L.undecl.csv:2
" --time=t "$L.undecl.csv"

# ---- order -----------------------------------------------------------------
# review_left before the STAY note is full is early; in time order it is not.
printf 'customer,event,t\na,review_left,2024-01-01T00:03:00Z\nb,greeted,5\na,fast_checkin,2024-01-01T00:01:00+00:00\na,greeted,1704067320\n' >"$L.unsorted.csv"
case_ unsorted 0 "${H}a,22,SPEND,3,0
b,6,STAY,1,0
" "" --time=t "$L.unsorted.csv"
case_ unsorted-no-time 0 "${H}a,12,SAY,3,1
b,6,STAY,1,0
" "" "$L.unsorted.csv"
# Ties keep the input order.
printf 'customer,event,t\na,review_left,5\na,fast_checkin,5\na,greeted,5\nb,greeted,9\nb,fast_checkin,9\nb,review_left,9\n' >"$L.ties.csv"
case_ ties 0 "${H}a,12,SAY,3,1
b,22,SPEND,3,0
" "" --time=t "$L.ties.csv"
# Rows in order of first appearance, whatever the times.
printf 'customer,event,t\nz,greeted,9\ny,greeted,1\n' >"$L.rows.csv"
case_ rows-first-appearance 0 "${H}z,6,STAY,1,0
y,6,STAY,1,0
" "" --time=t "$L.rows.csv"
printf 'customer,event,t\na,fast_checkin,1\na,greeted,2\na,review_left,2\n' >"$L.sorted.csv"
case_ already-sorted 0 "${H}a,22,SPEND,3,0
" "" --time=t "$L.sorted.csv"
printf '{"customer":"a","event":"review_left","t":"3"}\n{"customer":"a","event":"greeted","t":2.5}\n{"customer":"a","event":"fast_checkin","t":1}\n' >"$L.order.ndjson"
case_ ndjson-order 0 "${H}a,22,SPEND,3,0
" "" --time=t "$L.order.ndjson"

# ---- --memory and spilling -------------------------------------------------
case_ memory-too-small 2 "" "expc: --memory=16 cannot hold one event (32 bytes at least)
Try \`expc --help\`.
" --time=t --memory=16 "$L.sorted.csv"
# The least --memory and the default come from rt.h (RT_MEMORY_MIN, 2 x
# RT_EVENT_BYTES, asserted against the record): 32 bytes go, 1G by default.
printf 'customer,event,t\na,greeted,2\na,fast_checkin,1\n' >"$L.least.csv"
case_ memory-least 0 "${H}a,14,SAY,2,0
" "" --time=t --memory=32 "$L.least.csv"
for r in interp prog; do
    if [ "$r" = prog ]; then "$T/hotel" --help >"$T/help" 2>&1; else
        "$EXPC" run --help >"$T/help" 2>&1; fi
    grep -q -- "--memory=SIZE .*(default 1G)" "$T/help" && pass "$r-memory-help" ||
        fail "$r-memory-help" "$(grep -- --memory "$T/help")"
done
case_ memory-bad 2 "" "expc: --memory is a size such as 512M or 2G (K, M, G: powers of 1024), not \`1T\`
Try \`expc --help\`.
" --time=t --memory=1T "$L.sorted.csv"

# A generated log, shuffled in time: with a tiny --memory it is spilled in
# runs and merged, and must score as it does in memory.
awk 'BEGIN {
    srand(7); split("fast_checkin greeted review_left spa_booked complaint nope", ev, " ");
    print "t,event,customer";
    for (i = 0; i < 40000; i++)
        printf "%d,%s,c%d\n", int(rand() * 5000), ev[1 + int(rand() * 6)], int(rand() * 2000);
}' >"$L.gen.csv"
mkdir -p "$T/tmp"
# The spill cases must spill: the buffer holds --memory / 32 events (each
# 16 bytes, and a scratch array as large), so a log whose declared events
# take more than 64K at 16 bytes each cannot fit in --memory=64K.
n_gen=$(awk -F, 'NR > 1 && $2 != "nope"' "$L.gen.csv" | wc -l)
if [ $((n_gen * 16)) -gt 65536 ]; then pass spill-log-too-big; else
    fail spill-log-too-big "$n_gen events x 16 bytes fit in --memory=64K"; fi
# A TMPDIR that cannot hold a file: only a run that spills needs one.  The
# reference run (default --memory, 1G) does not, and succeeds there; the
# same run with --memory=64K fails for want of it (spill-tmpdir below).
: >"$T/notadir"
for r in $runners; do
    TMPDIR=$T/notadir/sub run "$r" --time=t "$L.gen.csv"
    expect_code "$r-nospill-exit" 0 "$rc"
    cp "$T/out" "$T/mem.out"
    cp "$T/err" "$T/mem.err"
    TMPDIR=$T/tmp run "$r" --time=t --memory=64K "$L.gen.csv"
    expect_code "$r-spill-exit" 0 "$rc"
    expect_same "$r-spill-out" "$T/mem.out" "$T/out"
    expect_same "$r-spill-err" "$T/mem.err" "$T/err"
    [ -z "$(ls -A "$T/tmp")" ] && pass "$r-spill-clean" || fail "$r-spill-clean" "$(ls "$T/tmp")"
    # Invalid data after the first spill: 65, nothing left behind.
    { cat "$L.gen.csv"; echo '1,greeted'; } >"$L.genbad.csv"
    TMPDIR=$T/tmp run "$r" --time=t --memory=64K "$L.genbad.csv"
    expect_code "$r-spill-invalid-exit" 65 "$rc"
    [ -z "$(ls -A "$T/tmp")" ] && pass "$r-spill-invalid-clean" ||
        fail "$r-spill-invalid-clean" "$(ls "$T/tmp")"
    # A TMPDIR that cannot hold a file: 74, and no table.
    TMPDIR=$T/notadir/sub run "$r" --time=t --memory=64K "$L.gen.csv"
    expect_code "$r-spill-tmpdir-exit" 74 "$rc"
    grep -q "^expc: cannot create a temporary file in $T/notadir/sub: " "$T/err" &&
        pass "$r-spill-tmpdir-msg" || fail "$r-spill-tmpdir-msg" "$(cat "$T/err")"
    [ -s "$T/out" ] && fail "$r-spill-tmpdir-no-table" "output written" ||
        pass "$r-spill-tmpdir-no-table"
done
# A read of the temporary file failing mid-merge (an fread of 16-byte
# records failing with EIO once every run has its first block, through an
# LD_PRELOAD shim) stops the merge at once: 74 with the reason, no table,
# and (the program built with AddressSanitizer when it can be) no read past
# the spent block of the run on top.
cat >"$T/eio.c" <<'EOF2'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
size_t fread(void *p, size_t size, size_t n, FILE *f)
{
    static size_t (*real)(void *, size_t, size_t, FILE *);
    static long calls;
    const char *at = getenv("EIO_AT");
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "fread");
    if (size == 16 && at && ++calls == atol(at)) {
        errno = EIO;
        return 0;
    }
    return real(p, size, n, f);
}
EOF2
if $CC1 -shared -fPIC -o "$T/eio.so" "$T/eio.c" -ldl 2>/dev/null; then
    asan=-fsanitize=address
    $CC1 -std=c11 -O1 -g $asan -o "$T/hotel_asan" "$T/hotel.c" 2>/dev/null ||
        { asan=; cp "$T/hotel" "$T/hotel_asan"; }
    # 40000 lines, 64K: 16 runs spilled and a last one, 17 first blocks.
    ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 EIO_AT=18 LD_PRELOAD="$T/eio.so" \
        TMPDIR=$T/tmp "$T/hotel_asan" --time=t --memory=64K "$L.gen.csv" >"$T/eio.out" 2>"$T/eio.err"
    expect_code spill-eio-exit 74 $?
    grep -q "^hotel_asan: cannot read a temporary file: Input/output error$" "$T/eio.err" &&
        [ "$(wc -l <"$T/eio.err")" -eq 1 ] && pass spill-eio-msg || fail spill-eio-msg "$(head -5 "$T/eio.err")"
    [ -s "$T/eio.out" ] && fail spill-eio-no-table "output written" || pass spill-eio-no-table
else
    skip spill-eio "no shared object for LD_PRELOAD could be built"
fi

# Offsets past what a long holds (32 bits on some systems) are reached by
# steps: the program built with steps of 1000 bytes merges the same.
main_program compile-main-step "$EXP" "$T/hotel_step" -O1 -DRT_SEEK_STEP=1000
TMPDIR=$T/tmp "$T/hotel_step" --time=t "$L.gen.csv" >"$T/step.mem" 2>/dev/null
TMPDIR=$T/tmp "$T/hotel_step" --time=t --memory=64K "$L.gen.csv" >"$T/step.out" 2>"$T/step.err"
expect_code spill-step-exit 0 $?
expect_same spill-step-out "$T/step.mem" "$T/step.out"
[ -s "$T/step.out" ] && pass spill-step-table || fail spill-step-table "no table"

# A full disk while spilling: each run is flushed when written, so the
# run stops there with the reason (74), not later in the merge with none.
# The room is every 4K block of the runs but the last, partial one: the
# disk is full only when the stdio buffer's tail is written.  A tmpfs of
# that size, or without the right to mount one, ulimit -f (EFBIG).
n_ev=$(awk -F, 'NR > 1 && $2 != "nope"' "$L.gen.csv" | wc -l)
room=$((n_ev * 16 / 4096 * 4096))
mkdir -p "$T/full"
if mount -t tmpfs -o size=$((room / 1024))k tmpfs "$T/full" 2>/dev/null; then
    full_how=mount
    trap 'umount "$T/full" 2>/dev/null; rm -rf "$TMPDIR_T"' EXIT INT TERM
else
    full_how=ulimit
fi
for r in $runners; do
    if [ "$full_how" = mount ]; then
        TMPDIR=$T/full run "$r" --time=t --memory=64K "$L.gen.csv"
    else
        (trap '' XFSZ; ulimit -f $((room / 512)); TMPDIR=$T/full run "$r" --time=t --memory=64K "$L.gen.csv"
            echo "$rc" >"$T/full.rc")
        rc=$(cat "$T/full.rc")
    fi
    expect_code "$r-spill-full-exit" 74 "$rc"
    grep -q "^expc: cannot write a temporary file: [A-Z]" "$T/err" &&
        pass "$r-spill-full-msg" || fail "$r-spill-full-msg" "$(cat "$T/err")"
    [ -s "$T/out" ] && fail "$r-spill-full-no-table" "output written" ||
        pass "$r-spill-full-no-table"
done
if [ "$full_how" = mount ]; then
    umount "$T/full"
    trap 'rm -rf "$TMPDIR_T"' EXIT INT TERM
fi

# The canonical form of the generated log (each customer's declared events
# in time order, customers in order of first appearance, no --time) scores
# the same.
awk -F, 'NR > 1 && $2 != "nope" {
    if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 }
    print $1 "," NR "," $3 "," $2
}
END { for (i = 1; i <= n; i++) print "~rank," i "," order[i] }' "$L.gen.csv" >"$T/gen.keyed"
grep '^~rank' "$T/gen.keyed" | awk -F, '{ print $3 "," $2 }' >"$T/rank"
grep -v '^~rank' "$T/gen.keyed" |
    awk -F, 'NR == FNR { rank[$1] = $2; next } { printf "%09d,%09d,%09d,%s,%s\n", rank[$3], $1, $2, $3, $4 }' \
        "$T/rank" - | sort | awk -F, 'BEGIN { print "customer,event" } { print $4 "," $5 }' >"$L.canon.csv"
"$EXPC" run "$EXP" --engine=interp "$L.canon.csv" >"$T/canon.out" 2>/dev/null
expect_code spill-canonical-exit 0 $?
expect_same spill-canonical "$T/canon.out" "$T/mem.out"

# SIGTERM while spilled runs exist: the file was unlinked when made, so
# nothing is left.  The log comes through a FIFO that stays open, so the
# run is caught mid-way, after its first spill: it is seen holding the
# unlinked run file open (every runner: interp, jit when built, the
# --main program).
mkfifo "$T/fifo"
for r in $runners; do
    if [ "$r" = prog ]; then
        TMPDIR=$T/tmp "$T/hotel" --time=t --memory=64K "$T/fifo" >/dev/null 2>&1 &
    else
        TMPDIR=$T/tmp "$EXPC" run "$EXP" --engine="$r" --time=t --memory=64K "$T/fifo" \
            >/dev/null 2>&1 &
    fi
    pid=$!
    exec 9>"$T/fifo"
    cat "$L.gen.csv" >&9
    # The whole log is in the pipe or read; wait (5 s at most, the machine
    # may be busy) for the run file to show.
    i=0
    spilled=0
    while [ "$i" -lt 50 ]; do
        spilled=$(ls -l /proc/$pid/fd 2>/dev/null | grep -c "$T/tmp/expc-runs.*(deleted)")
        [ "$spilled" -ge 1 ] && break
        sleep 0.1
        i=$((i + 1))
    done
    kill -TERM $pid
    wait $pid 2>/dev/null
    exec 9>&-
    [ "$spilled" -ge 1 ] && pass "$r-sigterm-had-spilled" ||
        fail "$r-sigterm-had-spilled" "no unlinked run file open"
    [ -z "$(ls -A "$T/tmp")" ] && pass "$r-sigterm-clean" || fail "$r-sigterm-clean" "$(ls "$T/tmp")"
done

# A first record of invalid data with an option naming a column: invalid
# data (65), not a missing column; skipped, the next record is the header.
printf 'wh\303o,ev\nann,greeted\n' >"$L.badhdr.csv"
case_ bad-header-utf8 65 "" "expc: $L.badhdr.csv:1: invalid event data: invalid UTF-8
" --customer=who --event=ev "$L.badhdr.csv"
printf '"who,ev\nann,greeted\n' >"$L.badhdr2.csv"
case_ bad-header-quote 65 "" "expc: $L.badhdr2.csv:1: invalid event data: unterminated quote
" --customer=who --event=ev "$L.badhdr2.csv"
printf 'wh\303o,ev\nwho,ev\nann,greeted\nann,fast_checkin\n' >"$L.badhdr3.csv"
case_ bad-header-skipped 0 "${H}ann,14,SAY,2,0
" "expc: skipped 1 invalid line: $L.badhdr3.csv:1: invalid UTF-8
" --skip-invalid --customer=who --event=ev "$L.badhdr3.csv"

# ---- nothing matched -------------------------------------------------------
printf 'customer,event\na,nope\nb,other\n' >"$L.none.csv"
case_ none-csv-header 65 "" "expc: $L.none.csv: no event of the log is declared by experience grand_hotel (first: \"nope\" at line 2; event column: event)
" "$L.none.csv"
printf 'a,nope\n' >"$L.none2.csv"
case_ none-csv-no-header 65 "" "expc: $L.none2.csv: no event of the log is declared by experience grand_hotel (first: \"nope\" at line 1; event column: 2)
" "$L.none2.csv"
printf 'greeted,a\n' >"$L.none3.csv"
case_ none-csv-wrong-column 65 "" "expc: $L.none3.csv: no event of the log is declared by experience grand_hotel (first: \"a\" at line 1; event column: 2)
" "$L.none3.csv"
printf 'ev,who\nnope,a\n' >"$L.none4.csv"
case_ none-csv-named 65 "" "expc: $L.none4.csv: no event of the log is declared by experience grand_hotel (first: \"nope\" at line 2; event column: ev)
" --event=ev --customer=who "$L.none4.csv"
# A header only by --customer (no `event` field): column 2 is the event.
printf 'who,x\nnope,a\n' >"$L.none6.csv"
case_ none-csv-header-no-event 65 "" "expc: $L.none6.csv: no event of the log is declared by experience grand_hotel (first: \"a\" at line 2; event column: 2)
" --customer=who "$L.none6.csv"
printf 'x,who\nnope,a\n' >"$L.none7.csv"
case_ none-csv-header-event-2 65 "" "expc: $L.none7.csv: no event of the log is declared by experience grand_hotel (first: \"a\" at line 2; event column: 2)
" --customer=x "$L.none7.csv"
printf 'x,event,who\na,nope,b\n' >"$L.none8.csv"
case_ none-csv-header-event-field 65 "" "expc: $L.none8.csv: no event of the log is declared by experience grand_hotel (first: \"nope\" at line 2; event column: event)
" --customer=who "$L.none8.csv"
printf '{"customer":"a","event":"nope"}\n' >"$L.none.ndjson"
case_ none-ndjson 65 "" "expc: $L.none.ndjson: no event of the log is declared by experience grand_hotel (first: \"nope\" at line 1; event column: event)
" "$L.none.ndjson"
printf '{"c":"a","e":{"n":"nope"}}\n' >"$L.none2.ndjson"
case_ none-ndjson-path 65 "" "expc: $L.none2.ndjson: no event of the log is declared by experience grand_hotel (first: \"nope\" at line 1; event column: e.n)
" --customer=c --event=e.n "$L.none2.ndjson"
# Skipped lines are no event lines; --strict speaks first.
printf 'customer,event\nonly-one-field\n' >"$L.none5.csv"
case_ none-only-invalid 0 "$H" "expc: skipped 1 invalid line: $L.none5.csv:2: fewer than two fields
" --skip-invalid "$L.none5.csv"
case_ none-strict 65 "" "expc: $L.none.csv:2: event \"nope\" is not declared by the experience
" --strict "$L.none.csv"
printf 'customer,event\n' >"$L.empty.csv"
case_ none-no-lines 0 "$H" "" "$L.empty.csv"

# ---- differential: random shapes against their canonical form ------------
if command -v python3 >/dev/null 2>&1; then
    engines=interp
    "$EXPC" --version | grep -q "(LLVM" && engines=interp,jit
    mkdir -p "$T/diff"
    python3 "$ROOT/tests/logs_diff.py" --expc "$EXPC" --exp "$EXP" --prog "$T/hotel" \
        --engines "$engines" --seed "${DIFF_SEED:-1}" --logs "${DIFF_LOGS:-60}" \
        --work "$T/diff" >"$T/diff.out" 2>&1
    count_diff logs_diff "$T/diff.out" $?
    at_least logs_diff-cases "${DIFF_LOGS:-60}" "$DIFF_CASES"
else
    skip logs_diff "python3 not found: differential test not run"
fi

finish
