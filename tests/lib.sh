# tests/lib.sh - shared helpers for the end-to-end suites (sourced).
#
# A suite is tests/t_*.sh.  It calls `pass NAME` / `fail NAME WHY` for each
# case and ends with `finish`, which prints "SUITE: N passed, N failed" and
# exits non-zero if any case failed.  Environment: ROOT (the checkout),
# EXPC (the binary), B (build folder), TMPDIR_T (a per-suite temp folder,
# removed on exit).
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
B=${B:-$ROOT/build}
EXPC=${EXPC:-$B/expc}
T_NAME=$(basename "$0" .sh)
T_PASS=0
T_FAIL=0
TMPDIR_T=$(mktemp -d "${TMPDIR:-/tmp}/expc-$T_NAME.XXXXXX")
trap 'rm -rf "$TMPDIR_T"' EXIT INT TERM

pass() { T_PASS=$((T_PASS + 1)); }
fail() {
    T_FAIL=$((T_FAIL + 1))
    printf 'FAIL %s: %s\n' "$T_NAME" "$*"
}
# expect_eq NAME EXPECTED_FILE ACTUAL_FILE
expect_same() {
    if cmp -s "$2" "$3"; then pass "$1"; else
        fail "$1" "differs from $2"; diff -u "$2" "$3" | head -40; fi
}
# expect_code NAME WANT GOT
expect_code() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "exit $3, want $2"; fi
}
# count_diff NAME FILE: adds the cases of a differential tool's closing line
# `NAME: N cases, M failed` in FILE to the counts (and shows FILE on failures).
count_diff() {
    line=$(grep "^$1: " "$2" | tail -1)
    n=$(echo "$line" | sed -n "s/^$1: \([0-9]*\) cases.*/\1/p")
    m=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
    if [ -z "$n" ]; then
        fail "$1" "no summary"; cat "$2"
    else
        T_PASS=$((T_PASS + n - m))
        [ "$m" -eq 0 ] || { T_FAIL=$((T_FAIL + m)); head -100 "$2"; }
    fi
}
finish() {
    printf '%s: %d passed, %d failed\n' "$T_NAME" "$T_PASS" "$T_FAIL"
    [ "$T_FAIL" -eq 0 ]
}
