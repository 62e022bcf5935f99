#!/bin/sh
# t_threads.sh - --threads=N (src/rt/par.c): stdout, stderr and the exit code
# of every thread count are those of --threads=1, byte for byte.
#  - every case of t_logs.sh and t_run.sh again with --threads=2 and 4
#    (expc through a wrapper that adds the option; t_logs's standalone
#    program with --threads=2), under EXPC_THREADS_WINDOW=64 (HACKING.md: a
#    64-byte window, and threads however small the input), so their
#    hand-checked expectations hold on every path (3 threads there would
#    add nothing threads_diff.py does not, for seconds the suite has not);
#  - tests/threads_diff.py: random logs with multi-line quoted ids across
#    chunk boundaries, CRLF, BOM, invalid lines early and late, undeclared
#    events, standard input, against --threads=1 (expc and the program);
#  - a generated bench log (bench/gen_events.c) at the real window size;
#  - --report's page on 2 and 3 threads: the one-thread page, byte for byte;
#  - the option's messages and --help lines;
#  - the standalone program built with -fsanitize=thread (clang), threads
#    racing over small windows: no report.
. "$(dirname "$0")/lib.sh"
T=$TMPDIR_T
EXP=$ROOT/tests/golden/run/hotel.exp
CC1=${CC:-cc}

main_program compile-main "$EXP" "$T/hotel" -O1

# ---- the suites' own cases on N threads -----------------------------------
# wrapper N: an expc that runs `expc run --threads=N ...`.
wrapper() {
    cat >"$T/expc$1" <<EOF
#!/bin/sh
if [ "\$1" = run ]; then shift; exec "$EXPC" run --threads=$1 "\$@"; fi
exec "$EXPC" "\$@"
EOF
    chmod +x "$T/expc$1"
}
# suite NAME N RUNNERS: tests/NAME.sh on N threads, one case; its failures shown.
suite() {
    wrapper "$2"
    EXPC="$T/expc$2" EXPC_THREADS_WINDOW=64 LOGS_THREADS=$2 LOGS_RUNNERS=$3 \
        DIFF_LOGS=10 sh "$ROOT/tests/$1.sh" >"$T/suite.out" 2>&1
    line=$(grep -E "^$1: [0-9]+ passed, 0 failed, 0 skipped\$" "$T/suite.out")
    n=$(echo "$line" | sed -n 's/^[^:]*: \([0-9]*\) passed.*/\1/p')
    if [ -n "$line" ] && [ "${n:-0}" -ge "$4" ]; then pass "$1-threads$2"; else
        fail "$1-threads$2" "not all passed on $2 threads (or fewer than $4)"
        grep -E '^(FAIL|SKIP)|^[-+]' "$T/suite.out" | head -40
    fi
}
engines=interp
"$EXPC" --version | grep -q "(LLVM" && engines=interp,jit
suite t_logs 2 "interp prog" 300
suite t_logs 4 interp 150
for n in 2 4; do suite t_run "$n" "" 30; done

# ---- random logs against --threads=1 --------------------------------------
if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$T/diff"
    python3 "$ROOT/tests/threads_diff.py" --expc "$EXPC" --exp "$EXP" --prog "$T/hotel" \
        --engines "$engines" --seed "${DIFF_SEED:-1}" --logs "${DIFF_LOGS:-30}" \
        --work "$T/diff" >"$T/diff.out" 2>&1
    count_diff threads_diff "$T/diff.out" $?
    at_least threads_diff-cases "$((4 * ${DIFF_LOGS:-30}))" "$DIFF_CASES"
else
    skip threads_diff "python3 not found: random logs not run"
fi

# ---- a bench log at the real window (several windows, 1 MB+) ---------------
$CC1 -O1 -o "$T/gen" "$ROOT/bench/gen_events.c" && "$T/gen" 150000 20000 7 >"$T/big.csv" &&
    pass gen-big || fail gen-big "bench/gen_events.c does not build or run"
"$EXPC" run "$EXP" --threads=1 --summary "$T/big.csv" >"$T/big1.out" 2>"$T/big1.err"
expect_code big-threads1-exit 0 $?
for n in 2 3; do
    "$EXPC" run "$EXP" --threads=$n --summary "$T/big.csv" >"$T/big.out" 2>"$T/big.err"
    expect_code "big-threads$n-exit" 0 $?
    expect_same "big-threads$n-out" "$T/big1.out" "$T/big.out"
    expect_same "big-threads$n-err" "$T/big1.err" "$T/big.err"
done
"$EXPC" run "$EXP" --threads=1 --summary <"$T/big.csv" >"$T/big1.out" 2>"$T/big1.err"
"$T/hotel" --threads=2 --summary <"$T/big.csv" >"$T/big.out" 2>"$T/big.err.raw"
expect_code big-prog-stdin-exit 0 $?
sed 's/^hotel: /expc: /' "$T/big.err.raw" >"$T/big.err"
expect_same big-prog-stdin-out "$T/big1.out" "$T/big.out"
expect_same big-prog-stdin-err "$T/big1.err" "$T/big.err"
# An invalid line near the end: one message, its line, no table.
{ cat "$T/big.csv"; printf 'zed,"open\n'; } >"$T/bad.csv"
lines=$(wc -l <"$T/bad.csv")
"$EXPC" run "$EXP" --threads=2 "$T/bad.csv" >"$T/bad.out" 2>"$T/bad.err"
expect_code bad-late-exit 65 $?
printf 'expc: %s:%d: invalid event data: unterminated quote\n' "$T/bad.csv" "$lines" >"$T/want"
expect_same bad-late-err "$T/want" "$T/bad.err"
[ -s "$T/bad.out" ] && fail bad-late-out "a table despite invalid data" || pass bad-late-out

# ---- --report: each thread counts its own customers, the page is one ------
# The page (per-event counts, funnel, histogram) of every thread count is
# that of one thread, byte for byte; a 4 KiB window makes many windows.
"$EXPC" run "$EXP" --threads=1 "$T/big.csv" --report="$T/rep1.html" >"$T/rep1.out" 2>/dev/null
expect_code report-threads1-exit 0 $?
grep -q 'data-event=' "$T/rep1.html" && pass report-threads1-page || fail report-threads1-page "no page"
for n in 2 3; do
    for w in "" 4K; do
        EXPC_THREADS_WINDOW=$w "$EXPC" run "$EXP" --threads=$n "$T/big.csv" \
            --report="$T/rep.html" >"$T/rep.out" 2>/dev/null
        expect_code "report-threads$n${w:+-w$w}-exit" 0 $?
        expect_same "report-threads$n${w:+-w$w}-page" "$T/rep1.html" "$T/rep.html"
        expect_same "report-threads$n${w:+-w$w}-out" "$T/rep1.out" "$T/rep.out"
    done
done

# ---- the option -------------------------------------------------------------
# opt NAME VALUE: refused as expc run and the program refuse it.
opt() {
    "$EXPC" run "$EXP" --threads="$2" "$T/big.csv" >/dev/null 2>"$T/err"
    expect_code "opt-$1-exit" 2 $?
    printf 'expc: --threads is a number of threads from 1 to 256, not `%s`\nTry `expc --help`.\n' \
        "$2" >"$T/want"
    expect_same "opt-$1-msg" "$T/want" "$T/err"
    "$T/hotel" --threads="$2" "$T/big.csv" >/dev/null 2>"$T/err"
    expect_code "opt-$1-prog-exit" 2 $?
    printf 'hotel: --threads is a number of threads from 1 to 256, not `%s`\nTry `%s --help`.\n' \
        "$2" "$T/hotel" >"$T/want"
    expect_same "opt-$1-prog-msg" "$T/want" "$T/err"
}
opt zero 0
opt word two
opt big 257
opt sign -2
opt empty ""
"$EXPC" run "$EXP" "$T/big.csv" --threads >/dev/null 2>"$T/err"
expect_code opt-missing-exit 2 $?
grep -q 'option --threads needs a value' "$T/err" && pass opt-missing-msg ||
    fail opt-missing-msg "$(cat "$T/err")"
"$EXPC" run --help >"$T/help" 2>&1
grep -q -- '--threads=N .*threads to score with' "$T/help" && pass help-run ||
    fail help-run "expc run --help has no --threads line"
"$T/hotel" --help >"$T/help" 2>&1
grep -q -- '--threads=N .*threads to score with' "$T/help" && pass help-prog ||
    fail help-prog "the program's --help has no --threads line"

# ---- ThreadSanitizer --------------------------------------------------------
# clang-14 is what tools/setup.sh installs (plain `clang` only with the
# `clang` package).
TSAN_CC=$(command -v clang-14 || command -v clang || echo clang-14)
if "$TSAN_CC" -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=thread \
        -include "$ROOT/tests/tsan_threads.h" -o "$T/hotel_tsan" "$T/hotel.c" 2>"$T/tsan.cc"; then
    for n in 2 4; do
        EXPC_THREADS_WINDOW=4K "$T/hotel_tsan" --threads=$n --summary "$T/big.csv" \
            >"$T/tsan.out" 2>"$T/tsan.err"
        expect_code "tsan-threads$n-exit" 0 $?
        grep -q 'ThreadSanitizer' "$T/tsan.err" && {
            fail "tsan-threads$n" "a ThreadSanitizer report"; head -30 "$T/tsan.err"; } ||
            pass "tsan-threads$n"
        expect_same "tsan-threads$n-out" "$T/big1.out" "$T/tsan.out"
    done
else
    skip tsan "clang cannot build with -fsanitize=thread here: $(head -1 "$T/tsan.cc" 2>/dev/null)"
fi

finish
