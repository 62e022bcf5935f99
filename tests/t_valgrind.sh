#!/bin/sh
# t_valgrind.sh - the end-to-end cases under valgrind: no invalid read or
# write, no use of uninitialised memory, no leak (memcheck's "definitely
# lost"), on the success paths and on the error paths (script errors,
# invalid event data, unreadable input), through every engine and backend:
#
#   expc check (clean, with errors, JSON diagnostics), expc fmt, expc graph,
#   expc run on every example with --engine=interp and (with LLVM)
#   --engine=jit, CSV and JSON out, expc build --emit=c (and the --main
#   program it writes, compiled and run), --emit=obj and llvm-bc.
#
# Every command's exit code and output must be what they are without
# valgrind; valgrind's own verdict is exit 99 (--error-exitcode).  Only
# LLVM's global singletons may be suppressed (tests/hostile/valgrind.supp).
# Then the whole golden suite tests/t_run.sh with expc under valgrind.
# A skip when valgrind is missing; not applicable (N/A, tests/lib.sh) when
# expc is built with ASan (make SAN=1: the two cannot run together).  Takes about two minutes (the JIT is
# slow under valgrind).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T

if nm "$EXPC" 2>/dev/null | grep -q __asan_init; then
    not_built valgrind "expc is built with AddressSanitizer: memcheck cannot run it"
    finish
    exit $?
fi
if ! command -v valgrind >/dev/null 2>&1; then
    skip valgrind "valgrind not found: nothing ran under memcheck"
    finish
    exit $?
fi
LLVM=0
"$EXPC" --version | grep -q '(LLVM' && LLVM=1
[ "$LLVM" = 1 ] || not_built llvm "expc has no LLVM: the JIT and --emit=obj are not run under memcheck"

# What memcheck looks for, here and for the golden suite below.
VG_OPTS="-q --leak-check=full --errors-for-leak-kinds=definite
    --suppressions=$ROOT/tests/hostile/valgrind.supp"
VG="valgrind $VG_OPTS --error-exitcode=99 --log-file=$T/vg.log"

# vg NAME WANT CMD...: CMD under valgrind exits WANT, writes what it writes
# without valgrind (stdout and stderr), and valgrind has nothing to say.
vg() {
    name=$1
    want=$2
    shift 2
    "$@" >"$T/out0" 2>"$T/err0" </dev/null
    rc0=$?
    # shellcheck disable=SC2086
    $VG "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    if [ "$rc" = 99 ] || [ -s "$T/vg.log" ]; then
        fail "$name" "valgrind reports errors:"
        head -40 "$T/vg.log"
    elif [ "$rc" != "$want" ] || [ "$rc0" != "$want" ]; then
        fail "$name" "exit $rc (without valgrind $rc0), want $want"
        head -5 "$T/err"
    elif ! cmp -s "$T/out" "$T/out0" || ! cmp -s "$T/err" "$T/err0"; then
        fail "$name" "output differs under valgrind"
    else
        pass "$name"
    fi
    rm -f "$T/vg.log"
}

# ---- the front end and the author tools -------------------------------------------

vg check-examples 0 "$EXPC" check examples/*.exp
vg check-spec-example 0 "$EXPC" check tests/golden/cli/spec_example.exp
n=0
for f in tests/golden/diag/E0*.exp; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    [ $n -le 3 ] || break
    vg "check-$(basename "$f" .exp)" 1 "$EXPC" check "$f"
done
vg check-json 1 "$EXPC" check --diagnostics=json tests/golden/diag/E0303.exp
printf 'emotion @ evokes SAY;\nexperience "x" {\n' >"$T/bad.exp"
vg check-syntax 1 "$EXPC" check "$T/bad.exp"
vg check-missing 66 "$EXPC" check "$T/missing.exp"
vg fmt 0 "$EXPC" fmt examples/grand_hotel.exp
vg graph 0 "$EXPC" graph examples/grand_hotel.exp
vg explain 0 "$EXPC" explain E0303

# ---- run, every example, every engine ----------------------------------------------

ENGINES=interp
[ "$LLVM" = 1 ] && ENGINES="interp jit"
for x in examples/*.exp; do
    b=$(basename "$x" .exp)
    csv=examples/$b.csv
    [ -f "$csv" ] || continue
    for eng in $ENGINES; do
        vg "run-$b-$eng" 0 "$EXPC" run "$x" "$csv" --engine=$eng
    done
done
vg run-json 0 "$EXPC" run examples/grand_hotel.exp examples/grand_hotel.csv --engine=interp --format=json --summary
printf 'k,a\nj,"cut\n' >"$T/cut.csv"
vg run-invalid 65 "$EXPC" run examples/clinic.exp "$T/cut.csv" --engine=interp
vg run-missing 66 "$EXPC" run examples/clinic.exp "$T/missing.csv" --engine=interp
vg run-strict 65 "$EXPC" run examples/grand_hotel.exp examples/grand_hotel.csv --engine=interp --strict
printf '{"customer":"k","event":"intake_call"}\n' >"$T/ev.ndjson"
vg run-ndjson 0 "$EXPC" run examples/clinic.exp "$T/ev.ndjson" --engine=interp
vg run-trace 0 "$EXPC" run examples/grand_hotel.exp examples/grand_hotel.csv --engine=interp \
    --time=ts --trace=alice --trace=bob

# ---- test ----------------------------------------------------------------------------------

vg test-examples 0 "$EXPC" test --engine=interp --coverage examples/*.exp
vg test-junit 1 "$EXPC" test --engine=interp --format=junit tests/golden/test/results.exp

# ---- build ---------------------------------------------------------------------------------

vg build-c 0 "$EXPC" build examples/grand_hotel.exp --emit=c -o "$T/hotel.c"
vg build-c-main 0 "$EXPC" build examples/grand_hotel.exp --emit=c --main -o "$T/main.c"
if cc -std=c11 -O1 -g -o "$T/score" "$T/main.c" 2>"$T/cc.log"; then
    vg main-program 0 "$T/score" examples/grand_hotel.csv
    vg main-program-invalid 65 "$T/score" "$T/cut.csv"
else
    fail main-program-cc "$(head -5 "$T/cc.log")"
fi
if [ "$LLVM" = 1 ]; then
    vg build-obj 0 "$EXPC" build examples/grand_hotel.exp --emit=obj -o "$T/hotel.o"
    vg build-bc 0 "$EXPC" build examples/clinic.exp --emit=llvm-bc -o "$T/clinic.bc"
fi

# ---- the golden end-to-end tests, whole, under valgrind -----------------------------
# tests/t_run.sh (hand-checked CSV, JSON, stderr and exit codes for every
# engine) with expc behind `valgrind --error-exitcode=1`.  Some of its
# cases check only stdout, so valgrind also writes a log per process, and
# any log that is not empty fails here.
mkdir -p "$T/vglogs"
cat >"$T/expc" <<EOS
#!/bin/sh
exec valgrind $(echo $VG_OPTS) --error-exitcode=1 --log-file="$T/vglogs/%p.log" "$EXPC" "\$@"
EOS
chmod +x "$T/expc"
EXPC="$T/expc" sh tests/t_run.sh >"$T/t_run.log" 2>&1
rc=$?
# One case, the wrapper: t_run's own cases are t_run's and counted there.
res=$(tail -n 1 "$T/t_run.log")
RES_RE='^t_run: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$'
np=$(printf '%s\n' "$res" | sed -n "s/$RES_RE/\\1/p")
nf=$(printf '%s\n' "$res" | sed -n "s/$RES_RE/\\2/p")
nk=$(printf '%s\n' "$res" | sed -n "s/$RES_RE/\\3/p")
nlogs=$(find "$T/vglogs" -name '*.log' | wc -l)
if [ "$rc" = 0 ] && [ -n "$np" ] && [ "$np" -ge 30 ] && [ "$nf" = 0 ] && [ "$nk" = 0 ]; then
    pass golden-run
else
    fail golden-run "t_run under valgrind: ${res:-no result}"
    grep -A12 '^FAIL' "$T/t_run.log" | head -60
fi
if [ "$nlogs" -gt 0 ] && [ -z "$(find "$T/vglogs" -name '*.log' -size +0c)" ]; then
    pass golden-run-valgrind-quiet
else
    fail golden-run-valgrind-quiet "$nlogs valgrind logs, these not empty:"
    find "$T/vglogs" -name '*.log' -size +0c -exec head -30 {} \;
fi

finish
