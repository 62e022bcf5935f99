#!/bin/sh
# t_engines.sh - every engine on a script large enough for the LLVM
# backend's hash-table P_event_id (more than 64 events, names sharing
# prefixes and lengths): interpreter, JIT, and the --main program built
# around the C backend's machine and around an --emit=obj object, byte for
# byte on the same log (CSV and JSON); and the interpreter's scores against
# the independent model of scoring, tests/model.py.  Then event aliases:
# every engine maps each name and alias to the same event, with the
# dispatch-tree and the hash-table P_event_id (the names counted, aliases
# included, not the events).
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
# ---- aliases: each log name scores exactly its event -------------------------
# All events on the first note, each worth a different number of points
# (id + 1), thresholds out of reach: a customer who plays one name once
# scores the points of the event that name finds.  20 events with 2 aliases
# (62 names: switches everywhere), 30 with 2 (92 names, 32 events: the
# LLVM hash table), 100 with 2 (302 names, 102 events: the C one too).
python3 - "$T" <<'EOS'
import sys
t = sys.argv[1]
for n in (20, 30, 100):
    out = ['experience al%d { path STAY -> SAY -> SPEND;' % n]
    for x in ("STAY", "SAY", "SPEND"):
        out.append('note %s { stage "s"; system "y"; service "v"; threshold 1000000; }' % x)
    names, want = [], []
    for i in range(n):
        al = ["web.e%d" % i, "E%d app" % i]
        out.append('event e%d as "%s", "%s" : STAY +%d;' % (i, al[0], al[1], i + 1))
        for k, nm in enumerate(["e%d" % i] + al):
            names.append(nm)
            want.append("c%d_%d,%d,STAY,1,0" % (i, k, i + 1))
    out.append('event SAY_ev : SAY +1;\nevent SPEND_ev : SPEND +1;\n}')
    open("%s/al%d.exp" % (t, n), "w").write("\n".join(out) + "\n")
    with open("%s/al%d.csv" % (t, n), "w") as f:
        f.write("customer,event\n")
        for j, nm in enumerate(names):
            f.write("c%d_%d,%s\n" % (j // 3, j % 3, nm))
        f.write("nobody,e%d.x\nnobody,web.E0\n" % n)
    open("%s/al%d.want" % (t, n), "w").write(
        "customer,score,stage,events,early\n" + "\n".join(want) + "\n")
EOS
for n in 20 30 100; do
    a=$T/al$n
    "$EXPC" check "$a.exp"; expect_code "al$n-check" 0 $?
    "$EXPC" run "$a.exp" "$a.csv" --engine=interp >"$a.interp" 2>/dev/null
    expect_same "al$n-interp" "$a.want" "$a.interp"
    "$EXPC" build "$a.exp" --emit=c --main -o "$a.c"; expect_code "al$n-build-c" 0 $?
    cc -std=c11 -O1 -o "$a-c" "$a.c"; expect_code "al$n-cc" 0 $?
    "$a-c" "$a.csv" >"$a.cout" 2>/dev/null
    expect_same "al$n-c-main" "$a.want" "$a.cout"
    if has_llvm; then
        "$EXPC" run "$a.exp" "$a.csv" --engine=jit >"$a.jit" 2>/dev/null
        expect_same "al$n-jit" "$a.want" "$a.jit"
        "$EXPC" build "$a.exp" --emit=obj -o "$a.o"; expect_code "al$n-obj" 0 $?
        cc -std=c11 -DEXP_AL${n}_EXTERNAL_MACHINE -o "$a-obj" "$a.c" "$a.o"
        expect_code "al$n-link-obj" 0 $?
        "$a-obj" "$a.csv" >"$a.oout" 2>/dev/null
        expect_same "al$n-obj-main" "$a.want" "$a.oout"
    fi
done
# The sizes above do reach both forms of P_event_id.
grep -q "switch (len)" "$T/al20.c" && pass al20-c-switch || fail al20-c-switch "no dispatch tree"
grep -q "_name_id\[" "$T/al100.c" && pass al100-c-table || fail al100-c-table "no name table"
if has_llvm; then
    "$EXPC" build "$T/al100.exp" --emit=llvm-ir -o "$T/al100.ll"
    grep -q "_nid = " "$T/al100.ll" && pass al100-llvm-table || fail al100-llvm-table "no _nid"
    "$EXPC" build "$T/al30.exp" --emit=llvm-ir -o "$T/al30.ll"
    grep -q "_nid = " "$T/al30.ll" && pass al30-llvm-table || fail al30-llvm-table "no _nid"
    "$EXPC" build "$T/al20.exp" --emit=llvm-ir -o "$T/al20.ll"
    grep -q "_nid = " "$T/al20.ll" && fail al20-llvm-switch "a name table" || pass al20-llvm-switch
fi
finish
