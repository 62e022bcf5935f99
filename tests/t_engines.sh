#!/bin/sh
# t_engines.sh - every engine on a script large enough for the LLVM
# backend's hash-table P_event_id (more than 64 events, names sharing
# prefixes and lengths): interpreter, JIT, and the --main program built
# around the C backend's machine and around an --emit=obj object, byte for
# byte on the same log (CSV and JSON); and the interpreter's scores against
# the independent model of scoring, tests/model.py.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
python3 - "$T" <<'EOS'
import random, sys
t = sys.argv[1]
r = random.Random(7)
b = ["SAY", "STAY", "SPEND"]
out = ['import "emotions";', 'experience big { path STAY -> SAY -> SPEND; penalty early 3;']
for x in b:
    out.append('note %s { stage "s"; system "y"; service "v"; threshold %d; }' % (x, r.randint(5, 40)))
names = []
for i in range(300):
    n = r.choice(["e", "ev", "event_", "x"]) + str(i)
    names.append(n)
    out.append("event %s : %s %+d;" % (n, b[i % 3], r.choice([-5, -2, -1, 1, 2, 3, 5, 8, 9])))
out.append("}")
open(t + "/big.exp", "w").write("\n".join(out) + "\n")
with open(t + "/big.csv", "w") as f:
    f.write("customer,event,ts\n")
    for i in range(20000):
        ev = r.choice(names) if r.random() < 0.97 else "nope%d" % i
        f.write("c%d,%s,%d\n" % (r.randrange(500), ev, i))
EOS
"$EXPC" check "$T/big.exp"; expect_code big-check 0 $?
if ! has_llvm; then
    not_built llvm "expc has no LLVM: the JIT and --emit=obj are not compared"
fi
for fmt in csv json; do
    "$EXPC" run "$T/big.exp" "$T/big.csv" --engine=interp --format=$fmt >"$T/interp.$fmt" 2>"$T/interp.$fmt.err"
    expect_code "interp-$fmt" 0 $?
done
# The interpreter against the independent model (tests/model.py).
python3 tests/model.py check "$T/big.exp" "$T/big.csv" "$T/interp.json" >"$T/model.out" 2>&1 &&
    pass model || fail model "$(head -20 "$T/model.out")"
# The C backend's --main program.
"$EXPC" build "$T/big.exp" --emit=c --main -o "$T/big.c"; expect_code build-c 0 $?
cc -std=c11 -O1 -o "$T/big-c" "$T/big.c"; expect_code cc-c 0 $?
for fmt in csv json; do
    "$T/big-c" --format=$fmt "$T/big.csv" >"$T/c.$fmt" 2>/dev/null
    expect_same "c-main-$fmt" "$T/interp.$fmt" "$T/c.$fmt"
done
if has_llvm; then
    for fmt in csv json; do
        "$EXPC" run "$T/big.exp" "$T/big.csv" --engine=jit --format=$fmt >"$T/jit.$fmt" 2>"$T/jit.$fmt.err"
        expect_code "jit-$fmt" 0 $?
        expect_same "jit-$fmt" "$T/interp.$fmt" "$T/jit.$fmt"
        expect_same "jit-$fmt-stderr" "$T/interp.$fmt.err" "$T/jit.$fmt.err"
    done
    for o in -O0 -O2 -O3; do
        "$EXPC" build "$T/big.exp" --emit=obj $o -o "$T/big.o"; expect_code "obj$o" 0 $?
        cc -std=c11 -DEXP_BIG_EXTERNAL_MACHINE -o "$T/big-obj" "$T/big.c" "$T/big.o"
        expect_code "link-obj$o" 0 $?
        "$T/big-obj" "$T/big.csv" >"$T/obj.csv" 2>/dev/null
        expect_same "obj$o-main" "$T/interp.csv" "$T/obj.csv"
    done
    "$EXPC" build "$T/big.exp" --emit=llvm-ir -o "$T/big.ll"; expect_code ll 0 $?
    llvm-as-14 "$T/big.ll" -o /dev/null; expect_code llvm-as 0 $?
fi
finish
