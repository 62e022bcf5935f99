# tests/lib.sh - shared helpers for the end-to-end suites (sourced).
#
# A suite is tests/t_*.sh.  It calls `pass NAME` / `fail NAME WHY` for each
# case, `skip NAME WHY` for a case (or a group of cases) it could not run on
# this machine, and ends with `finish`, which prints
# "SUITE: N passed, M failed, K skipped" and exits non-zero if any case
# failed.  A skip is never a pass: tests/run.sh lists every reason, and with
# CI set any skip fails the run.  `not_built FEATURE WHY` is the one
# exception: the build was asked to leave FEATURE out (make LLVM=0: "llvm";
# make SAN=1: "valgrind"; the Makefile says so in EXPC_OFF), so its cases do
# not apply; without that word in EXPC_OFF it records a skip.
# `at_least NAME MIN GOT` fails when a loop ran fewer cases than expected.
# Environment: ROOT (the checkout), EXPC (the binary), B (build folder),
# TMPDIR_T (a per-suite temp folder, removed on exit).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
B=${B:-$ROOT/build}
EXPC=${EXPC:-$B/expc}
T_NAME=$(basename "$0" .sh)
T_PASS=0
T_FAIL=0
T_SKIP=0
TMPDIR_T=$(mktemp -d "${TMPDIR:-/tmp}/expc-$T_NAME.XXXXXX")
trap 'rm -rf "$TMPDIR_T"' EXIT INT TERM

pass() { T_PASS=$((T_PASS + 1)); }
fail() {
    T_FAIL=$((T_FAIL + 1))
    printf 'FAIL %s: %s\n' "$T_NAME" "$*"
}
# skip NAME WHY: NAME could not be run here (a tool is missing, ...).
skip() {
    T_SKIP=$((T_SKIP + 1))
    printf 'SKIP %s: %s\n' "$T_NAME" "$*"
}
# not_built FEATURE WHY: see above.
not_built() {
    case " ${EXPC_OFF:-} " in
    *" $1 "*) printf 'N/A %s: %s (this build is without %s)\n' "$T_NAME" "$2" "$1" ;;
    *) skip "$1" "$2" ;;
    esac
}
# at_least NAME MIN GOT: a loop that must have run at least MIN cases.
at_least() {
    if [ "$3" -ge "$2" ] 2>/dev/null; then pass "$1"; else
        fail "$1" "only ${3:-none} cases, want at least $2"; fi
}
# expect_same NAME EXPECTED_FILE ACTUAL_FILE
expect_same() {
    if cmp -s "$2" "$3"; then pass "$1"; else
        fail "$1" "differs from $2"; diff -u "$2" "$3" | head -40; fi
}
# golden NAME EXPECTED_FILE ACTUAL_FILE: expect_same against a golden file.
# With UPDATE=1 (make bless; tests/run.sh unsets it) the golden is
# rewritten instead when it differs, and the case counts as nothing; an
# empty ACTUAL_FILE is never blessed over a different golden (or none): it
# is an error and a failure.  A golden that must be empty (a clean script's
# diagnostics) is created empty by hand and then stays as it is.
golden() {
    if [ "${UPDATE:-0}" = 1 ]; then
        # A crashed or silent command must not become the golden.
        if [ ! -s "$3" ] && ! cmp -s "$2" "$3"; then
            printf 'error: %s: not blessing %s from an empty output\n' "$1" "$2"
            fail "$1" "empty output, not blessed"
        elif ! cmp -s "$2" "$3"; then
            mkdir -p "$(dirname "$2")" && cp "$3" "$2" && echo "blessed $2"
        fi
    elif [ -f "$2" ]; then
        expect_same "$@"
    else
        fail "$1" "no golden $2 (make bless writes it)"
    fi
}
# expect_code NAME WANT GOT
expect_code() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "exit $3, want $2"; fi
}
# has_llvm: expc has the LLVM backends (expc --version says "(LLVM x.y.z)").
has_llvm() { "$EXPC" --version 2>/dev/null | grep -q '(LLVM '; }

# The flags generated C must build cleanly under (docs/language.md,
# Generated code).
STRICT="-std=c11 -Wall -Wextra -pedantic -Werror"

# main_program NAME EXP OUT [CFLAG]...: EXP's standalone program (`expc
# build --emit=c --main`, into OUT.c) built with $STRICT and CFLAGs into
# OUT; pass NAME, or fail NAME with what expc or the compiler said.
main_program() {
    _mp_name=$1 _mp_exp=$2 _mp_out=$3
    shift 3
    if "$EXPC" build "$_mp_exp" --emit=c --main -o "$_mp_out.c" 2>"$_mp_out.err" &&
        ${CC:-cc} $STRICT "$@" -o "$_mp_out" "$_mp_out.c" 2>>"$_mp_out.err"; then
        pass "$_mp_name"
    else
        fail "$_mp_name" "$(head -20 "$_mp_out.err")"
    fi
}
# count_diff NAME FILE RC: a differential tool NAME exited RC and wrote its
# log to FILE, closing with `NAME: N cases, M failed`.  Its N - M passes
# and M failures are added to the counts (FILE is shown on failures), and
# DIFF_CASES is set to N for the caller's `at_least` floor.  The summary is
# believed only when it agrees with RC (0 with 0 failed, non-zero with
# some failed); no summary, 0 cases, or a disagreement is one failure and
# DIFF_CASES=0.
count_diff() {
    DIFF_CASES=0
    _line=$(grep "^$1: [0-9]* cases, [0-9]* failed\$" "$2" | tail -1)
    _n=$(echo "$_line" | sed -n "s/^$1: \([0-9]*\) cases.*/\1/p")
    _m=$(echo "$_line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
    if [ -z "$_n" ] || [ -z "$_m" ]; then
        fail "$1" "no summary (exit $3)"; head -100 "$2"
    elif [ "$_n" -eq 0 ]; then
        fail "$1" "0 cases (exit $3)"; head -100 "$2"
    elif { [ "$3" -eq 0 ] && [ "$_m" -ne 0 ]; } || { [ "$3" -ne 0 ] && [ "$_m" -eq 0 ]; }; then
        fail "$1" "summary says $_m failed but it exited $3"; head -100 "$2"
    else
        DIFF_CASES=$_n
        T_PASS=$((T_PASS + _n - _m))
        [ "$_m" -eq 0 ] || { T_FAIL=$((T_FAIL + _m)); head -100 "$2"; }
    fi
}
finish() {
    printf '%s: %d passed, %d failed, %d skipped\n' "$T_NAME" "$T_PASS" "$T_FAIL" "$T_SKIP"
    [ "$T_FAIL" -eq 0 ]
}
