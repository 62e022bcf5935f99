#!/bin/sh
# tests/run.sh - the whole test suite: cmocka unit binaries given as
# arguments, then every end-to-end suite tests/t_*.sh.
#
# Every case is passed, failed or skipped.  A suite's closing line is
# "NAME: N passed, M failed, K skipped" (tests/lib.sh `finish`); a cmocka
# binary's are its [  PASSED  ], [  FAILED  ] and [  SKIPPED  ] lines.  A
# suite or binary that exits non-zero, prints no closing line, or (cmocka)
# reports fewer tests than it announced counts as failed.  Every skip is
# listed with its reason, then one closing line "N passed, M failed, K
# skipped".  Exits non-zero if anything failed, or if CI is set and
# anything was skipped: the CI machine has everything tools/setup.sh
# installs, so a skip there means a check that silently stopped running.
# Cases a build was asked to leave out (EXPC_OFF, set by the Makefile for
# make LLVM=0 and SAN=1) are listed as N/A, not skipped.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
B=${B:-$ROOT/build}
export B
EXPC=${EXPC:-$B/expc}
export EXPC
# Suites run make themselves (t_depfile, t_install, t_pg): they must not
# inherit the jobserver of the `make check` that started us.
unset MAKEFLAGS MFLAGS MAKELEVEL
# Goldens are compared, never rewritten, here: re-blessing is `make bless`.
unset UPDATE
# The fewest cases each suite runs in any build CI makes (LLVM=0 runs no
# JIT cases, SAN=1 no valgrind): fewer means a loop ran dry or a suite
# stopped early, and counts as a failure.  A suite not listed must run at
# least one case (a new suite is not failed for being new; give it its
# floor here when it lands).  Raise a floor when a suite grows.
min_cases() {
    case $1 in
    t_cli) echo 75 ;;
    t_depfile) echo 20 ;;
    t_diag) echo 150 ;;
    t_editors) echo 15 ;;
    t_emit_c) echo 800 ;;
    t_engines) echo 8 ;;
    t_fmt) echo 150 ;;
    t_fuzz_replay) echo 140 ;;
    t_graph) echo 40 ;;
    t_hostile) echo 150 ;;
    t_install) echo 28 ;;
    t_lsp) echo 72 ;;
    t_logs) case " ${EXPC_OFF:-} " in *" llvm "*) echo 400 ;; *) echo 600 ;; esac ;;
    t_ndjson) echo 146 ;;
    t_pg) echo 30 ;;
    t_report) echo 150 ;;
    t_run) echo 30 ;;
    t_serve) case " ${EXPC_OFF:-} " in *" serve "*) echo 0 ;; *) echo 140 ;; esac ;;
    t_threads) echo 160 ;;
    t_test) case " ${EXPC_OFF:-} " in *" llvm "*) echo 60 ;; *) echo 110 ;; esac ;;
    t_time) echo 8 ;;
    t_timerules) case " ${EXPC_OFF:-} " in *" llvm "*) echo 50 ;; *) echo 90 ;; esac ;;
    t_valgrind) case " ${EXPC_OFF:-} " in *" valgrind "*) echo 0 ;; *) echo 20 ;; esac ;;
    *) echo 1 ;;
    esac
}
passed=0
failed=0
skipped=0
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT INT TERM
for t in "$@"; do
    u=$(basename "$t")
    "$t" >"$log" 2>&1
    rc=$?
    n=$(sed -n 's/^\[==========\] Running \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0} f=${f:-0} s=${s:-0}
    # No "Running N test(s)": it never got to its tests.  Fewer results
    # than tests announced: it died on the way; the missing ones failed.
    if [ -z "$n" ]; then
        f=$((f + 1))
    elif [ $((p + f + s)) -lt "$n" ]; then
        f=$((n - p - s))
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    sed -n "s/^\[  SKIPPED \] \([a-z_A-Z0-9]*\)\$/SKIP unit $u: \1 (cmocka skip())/p" "$log" |
        sort -u | tee -a "$skips"
    if [ "$f" -ne 0 ]; then
        cat "$log"
        echo "FAIL unit $u: exit $rc"
    fi
    echo "$u: $p passed, $f failed, $s skipped"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
done
for s in "$ROOT"/tests/t_*.sh; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .sh)
    sh "$s" >"$log" 2>&1
    rc=$?
    line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped\$" "$log" | tail -1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    k=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped$/\1/p')
    if [ -z "$line" ]; then p=0; f=1; k=0; fi
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
    # A skip without its reason (or a reason without its count) is a bug
    # of the suite: it counts as a failure.
    nk=$(grep -c "^SKIP $name: " "$log")
    if [ "$nk" -ne "${k:-0}" ]; then
        echo "FAIL $name: $nk SKIP lines, closing line says ${k:-0} skipped"
        f=$((f + 1))
    fi
    min=$(min_cases "$name")
    if [ -n "$line" ] && [ $((p + f + k)) -lt "$min" ]; then
        echo "FAIL $name: $((p + f + k)) cases, expected at least $min"
        f=$((f + 1))
    fi
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${k:-0}))
    grep -E "^(SKIP|N/A) $name: " "$log" >>"$skips"
    if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
        cat "$log"
        [ -n "$line" ] || echo "FAIL $name: exit $rc, no closing line"
    else
        grep -E "^(SKIP|N/A) $name: " "$log"
        echo "$line"
    fi
done
if [ "$skipped" -gt 0 ]; then
    echo "== $skipped skipped:"
    grep '^SKIP ' "$skips"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || exit 1
if [ -n "${CI:-}" ] && [ "$skipped" -gt 0 ]; then
    echo "CI is set: $skipped skipped cases fail the run (install what tools/setup.sh installs)"
    exit 1
fi
exit 0
