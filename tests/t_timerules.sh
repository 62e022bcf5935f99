#!/bin/sh
# t_timerules.sh - the time rules (docs/language.md, Time rules): `within`,
# `reset after` and `cap C per P`, end to end in every engine.
#
#  - refusals: `run` and the standalone program without --time (exit 2,
#    naming the experience and the option);
#  - the worked example examples/time/airline.exp on its log, against its
#    golden (worked out by hand in docs/language.md), in every engine;
#  - random experiences with time rules and timed logs (tests/gen_timed.py):
#    the interpreter against the independent model (tests/model.py), and
#    the JIT, the C program (--main, every third case: each compiles the
#    whole runtime) and an --emit=obj object linked into it (every sixth),
#    byte for byte against the interpreter, CSV and JSON.  (Bigger random
#    runs: the fuzz_diff harness, tests/fuzz.)
# TIMED_SEEDS (default 16) random cases.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
SEEDS=${TIMED_SEEDS:-16}
CC1=${CC:-cc}
X=examples/time/airline

# ---- refusals ------------------------------------------------------------------
"$EXPC" run "$X.exp" "$X.csv" >"$T/out" 2>"$T/err"
expect_code refuse-run 2 $?
grep -q "experience airline" "$T/err" && grep -q -- "--time" "$T/err" && [ ! -s "$T/out" ] &&
    pass refuse-run-msg || fail refuse-run-msg "$(cat "$T/err")"
"$EXPC" build "$X.exp" --emit=c --main -o "$T/air.c" 2>/dev/null
expect_code build-main 0 $?
if $CC1 $STRICT -O2 -o "$T/air" "$T/air.c" 2>"$T/err"; then pass compile-main; else
    fail compile-main "$(cat "$T/err")"; fi
"$T/air" "$X.csv" >"$T/out" 2>"$T/err"
expect_code refuse-program 2 $?
grep -q "^air: experience airline" "$T/err" && grep -q -- "--time" "$T/err" &&
    pass refuse-program-msg || fail refuse-program-msg "$(cat "$T/err")"
# An experience without time rules needs no --time (and ignores times).
"$EXPC" run examples/clinic.exp examples/clinic.csv >/dev/null 2>&1
expect_code plain-no-time 0 $?

# ---- the worked example --------------------------------------------------------
engines=interp
if has_llvm; then engines="interp jit"; else
    not_built llvm "the JIT and --emit=obj are not compared"; fi
for en in $engines; do
    "$EXPC" run "$X.exp" "$X.csv" --time=time --engine=$en >"$T/out" 2>"$T/err"
    expect_code "example-$en" 0 $?
    golden "example-$en-golden" "$X.expected" "$T/out"
done
"$T/air" --time=time "$X.csv" >"$T/out" 2>"$T/err"
expect_code example-program 0 $?
golden example-program-golden "$X.expected" "$T/out"
"$EXPC" run "$X.exp" "$X.csv" --time=time --format=json >"$T/air.json" 2>/dev/null
python3 tests/model.py check "$X.exp" "$X.csv" "$T/air.json" >"$T/m" 2>&1 &&
    pass example-model || fail example-model "$(cat "$T/m")"

# ---- ABI 2 from an --emit=obj object: tests/abi/driver_time.c -------------------
# (the generated C with it: t_emit_c.sh, at -O0/-O2 and under UBSan)
if has_llvm; then
    mkdir -p "$T/abi"
    "$EXPC" build tests/abi/abi_time.exp --emit=c --prefix abt -o "$T/abi/abt.c" 2>/dev/null
    for opt in -O0 -O2; do
        "$EXPC" build tests/abi/abi_time.exp --emit=obj $opt --prefix abt -o "$T/abi/abt.o" 2>/dev/null
        expect_code "abi-obj$opt" 0 $?
        if $CC1 $STRICT -I"$T/abi" -o "$T/abi/d" tests/abi/driver_time.c "$T/abi/abt.o" 2>"$T/err"
        then
            "$T/abi/d" >"$T/out" 2>&1
            expect_code "abi-obj-run$opt" 0 $?
            grep -q ', 0 failed$' "$T/out" || fail "abi-obj-checks$opt" "$(cat "$T/out")"
        else
            fail "abi-obj-link$opt" "$(cat "$T/err")"
        fi
    done
fi

# ---- random experiences, every engine -------------------------------------------
n=0
seed=1
while [ "$seed" -le "$SEEDS" ]; do
    d=$T/s$seed
    c=$seed # the case's name, as seed moves on below
    mkdir -p "$d"
    python3 tests/gen_timed.py "$seed" "$d"
    "$EXPC" run "$d/t.exp" "$d/t.csv" --time=time --engine=interp --format=json \
        >"$d/interp.json" 2>"$d/interp.err"
    expect_code "seed$seed-interp" 0 $?
    python3 tests/model.py check "$d/t.exp" "$d/t.csv" "$d/interp.json" >"$d/m" 2>&1 &&
        pass "seed$seed-model" || fail "seed$seed-model" "$(head -5 "$d/m")"
    "$EXPC" run "$d/t.exp" "$d/t.csv" --time=time --engine=interp >"$d/interp.csv" 2>/dev/null
    if has_llvm; then
        for fmt in json csv; do
            "$EXPC" run "$d/t.exp" "$d/t.csv" --time=time --engine=jit --format=$fmt \
                >"$d/jit.$fmt" 2>/dev/null
            expect_same "seed$seed-jit-$fmt" "$d/interp.$fmt" "$d/jit.$fmt"
        done
    fi
    n=$((n + 1))
    seed=$((seed + 1))
    # The C program (a compile of the whole runtime: every third seed).
    [ $(((seed - 2) % 3)) = 0 ] || continue
    "$EXPC" build "$d/t.exp" --emit=c --main --prefix tm -o "$d/p.c" 2>/dev/null
    if $CC1 $STRICT -O1 -o "$d/p" "$d/p.c" 2>"$d/cc.err"; then
        for fmt in json csv; do
            "$d/p" --time=time --format=$fmt "$d/t.csv" >"$d/p.$fmt" 2>/dev/null
            expect_same "seed$c-program-$fmt" "$d/interp.$fmt" "$d/p.$fmt"
        done
    else
        fail "seed$c-program" "$(head -5 "$d/cc.err")"
    fi
    # An object from --emit=obj in place of the C machine, every sixth seed.
    if has_llvm && [ $(((seed - 2) % 6)) = 0 ]; then
        "$EXPC" build "$d/t.exp" --emit=obj --prefix tm -o "$d/m.o" 2>/dev/null
        if $CC1 $STRICT -O1 -DTM_EXTERNAL_MACHINE -o "$d/po" "$d/p.c" "$d/m.o" 2>"$d/cc.err"
        then
            "$d/po" --time=time --format=json "$d/t.csv" >"$d/po.json" 2>/dev/null
            expect_same "seed$c-obj" "$d/interp.json" "$d/po.json"
        else
            fail "seed$c-obj" "$(head -5 "$d/cc.err")"
        fi
    fi
done
at_least "random cases" "$SEEDS" "$n"

finish
