#!/bin/sh
# tests/run.sh - the whole test suite: cmocka unit binaries given as
# arguments, then every end-to-end suite tests/t_*.sh.  Prints one closing
# line "N passed, N failed" counting every case, and exits non-zero if any
# failed.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
B=${B:-$ROOT/build}
export B
EXPC=${EXPC:-$B/expc}
export EXPC
# Suites run make themselves (t_depfile, t_install, t_pg): they must not
# inherit the jobserver of the `make check` that started us.
unset MAKEFLAGS MFLAGS MAKELEVEL
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM
for t in "$@"; do
    if "$t" >"$log" 2>&1; then
        n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
        passed=$((passed + ${n:-1}))
    else
        cat "$log"
        n=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
        failed=$((failed + ${n:-1}))
        echo "FAIL unit $(basename "$t")"
    fi
done
for s in "$ROOT"/tests/t_*.sh; do
    [ -f "$s" ] || continue
    sh "$s" >"$log" 2>&1
    rc=$?
    line=$(grep -E '^[a-z_0-9]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
    if [ -z "$line" ]; then p=0; f=1; fi
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ]; then cat "$log"; else echo "$line"; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
