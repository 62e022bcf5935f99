#!/bin/sh
# tests/t_test.sh - `expc test` and `expc run --trace` end to end
# (docs/language.md, "Tests" and "Traces").
#
# Golden cases (tests/golden/test): `tcase NAME CODE ARGS...` runs
# `expc test ARGS` in that folder under every engine built in, and compares
# stdout with NAME.out and stderr with NAME.err (the same bytes whatever the
# engine), and the exit status with CODE.  cover.exp is the coverage worked
# by hand (its comment); results.exp has passes and a failure whose trace
# shows counted, early and negative events.  Then: JUnit through xmllint
# and read back, JSON lines read back, --threshold both ways, --run, the
# usage errors, no tests, a script with errors, `run --trace` (counted,
# early, negative; with --time), the standalone program without --trace,
# fmt keeping tests and graph ignoring them, and every example's own tests
# at 100% coverage.
#
#   make bless    does not cover this suite: UPDATE=1 sh tests/t_test.sh
#                 rewrites its goldens; review the diff.
. "$(dirname "$0")/lib.sh"

G=$ROOT/tests/golden/test
unset EXP_PATH NO_COLOR

if has_llvm; then engines="interp jit"; else
    engines=interp
    not_built llvm "expc has no LLVM: --engine=jit not run"
fi

n_golden=0
# tcase NAME CODE ARGS...
tcase() {
    name=$1 code=$2
    shift 2
    for en in $engines; do
        (cd "$G" && "$EXPC" test --engine="$en" "$@" >"$TMPDIR_T/$name.out" \
            2>"$TMPDIR_T/$name.err")
        expect_code "$name ($en) exit" "$code" $?
        golden "$name ($en) stdout" "$G/$name.out" "$TMPDIR_T/$name.out"
        golden "$name ($en) stderr" "$G/$name.err" "$TMPDIR_T/$name.err"
        n_golden=$((n_golden + 1))
    done
}

tcase results 1 results.exp
tcase results_json 1 --format=json results.exp
tcase results_junit 1 --format=junit results.exp
tcase cover 0 --coverage cover.exp
tcase cover_json 0 --coverage --format=json cover.exp
tcase threshold_met 0 --threshold=62 cover.exp
tcase threshold_missed 1 --threshold 63 cover.exp
tcase run_filter 0 --run='^a (spill|fire)' cover.exp
tcase run_none 1 --run=nothing cover.exp
tcase no_tests 1 none.exp
tcase no_tests_junit 1 --format=junit none.exp
tcase imports 0 --coverage two.exp
tcase two_files 1 cover.exp results.exp
at_least "golden cases" 12 "$n_golden"

# ---- JUnit: valid XML, and what CI servers read from it ----------------------
"$EXPC" test --format=junit "$G/results.exp" "$G/cover.exp" >"$TMPDIR_T/j.xml" 2>/dev/null
expect_code "junit exit" 1 $?
if command -v xmllint >/dev/null 2>&1; then
    if xmllint --noout "$TMPDIR_T/j.xml" 2>"$TMPDIR_T/xmllint.err"; then pass "junit: xmllint"
    else fail "junit: xmllint" "$(head -5 "$TMPDIR_T/xmllint.err")"; fi
else
    fail "junit: xmllint" "xmllint not found: install libxml2-utils"
fi
got=$(python3 - "$TMPDIR_T/j.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
out = [r.tag, r.get("tests"), r.get("failures")]
for s in r.findall("testsuite"):
    cases = s.findall("testcase")
    out.append("%s:%s/%s:%s" % (s.get("name").split("/")[-1], s.get("tests"), s.get("failures"),
               ",".join("%s[%s]%s" % (c.get("name"), c.get("classname"),
                                      "F" if c.find("failure") is not None else "") for c in cases)))
f = r.find(".//failure")
out.append(f.text.splitlines()[0])
print(" | ".join(out))
PY
)
want='testsuites | 5 | 1 | results.exp:3/1:engaged[cafe],wrong on purpose[cafe]F,<xml & "quotes">[cafe] | cover.exp:2/0:bought too early[cafe],a spill after the sofa[cafe] | expected score 2, got 3'
[ "$got" = "$want" ] && pass "junit: suites, cases, failure" || fail "junit: suites, cases, failure" "$got"

# ---- JSON: one object a test --------------------------------------------------
"$EXPC" test --format=json "$G/results.exp" >"$TMPDIR_T/r.json" 2>/dev/null
got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    print(sorted(o), o["passed"], [(f["field"], f["expected"], f["actual"]) for f in o["failures"]])
' "$TMPDIR_T/r.json" | sed -n 2p)
want="['experience', 'failures', 'file', 'line', 'name', 'passed'] False [('score', 2, 3), ('stage', 'SAY', 'STAY'), ('points STAY', -5, -4), ('events', 4, 3)]"
[ "$got" = "$want" ] && pass "json: fields and values" || fail "json: fields and values" "$got"

# ---- usage errors: exit 2, nothing on stdout ------------------------------------
for args in "--run=( $G/cover.exp" "--threshold=101 $G/cover.exp" "--threshold=-1 $G/cover.exp" \
            "--threshold=x $G/cover.exp" "--format=csv $G/cover.exp" "--engine=nope $G/cover.exp" ""; do
    # shellcheck disable=SC2086 # the options, split
    "$EXPC" test $args >"$TMPDIR_T/u.out" 2>"$TMPDIR_T/u.err"
    rc=$?
    if [ "$rc" = 2 ] && [ ! -s "$TMPDIR_T/u.out" ] && [ -s "$TMPDIR_T/u.err" ]; then
        pass "usage: test $args"
    else fail "usage: test $args" "exit $rc: $(cat "$TMPDIR_T/u.err")"; fi
done

# ---- a script with errors: reported as check does, its tests not run, exit 1 ----
sed 's/events asked, stayed, bought;/events asked, stayd, bought;/' "$G/results.exp" \
    >"$TMPDIR_T/bad.exp"
"$EXPC" test "$TMPDIR_T/bad.exp" "$G/cover.exp" >"$TMPDIR_T/b.out" 2>"$TMPDIR_T/b.err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'error\[E0702\]' "$TMPDIR_T/b.err" && ! grep -q bad.exp "$TMPDIR_T/b.out" &&
    grep -q '^2 passed, 0 failed$' "$TMPDIR_T/b.out"; then pass "errors: reported, others run"
else fail "errors: reported, others run" "exit $rc: $(cat "$TMPDIR_T/b.out" "$TMPDIR_T/b.err")"; fi
"$EXPC" test "$TMPDIR_T/missing.exp" >/dev/null 2>&1
expect_code "unreadable script" 66 $?

# ---- run --trace ---------------------------------------------------------------
printf 'customer,event,time\nal,bought,5\nbo,asked,1\nal,web.ask,3\nal,spilled,9\nal,nope,10\nbo,stayed,2\n' \
    >"$TMPDIR_T/log.csv"
"$EXPC" run "$G/results.exp" "$TMPDIR_T/log.csv" >"$TMPDIR_T/plain.out" 2>/dev/null
for en in $engines; do
    (cd "$TMPDIR_T" && "$EXPC" run --engine="$en" "$G/results.exp" log.csv --trace=al \
        --trace al --trace=nobody >"$TMPDIR_T/t.out" 2>"$TMPDIR_T/t.err")
    expect_code "trace ($en) exit" 0 $?
    expect_same "trace ($en) stdout unchanged" "$TMPDIR_T/plain.out" "$TMPDIR_T/t.out"
    golden "trace ($en) lines" "$G/trace.err" "$TMPDIR_T/t.err"
    (cd "$TMPDIR_T" && "$EXPC" run --engine="$en" "$G/results.exp" log.csv --time=time \
        --trace=bo --trace=al >"$TMPDIR_T/t.out" 2>"$TMPDIR_T/t.err")
    expect_code "trace --time ($en) exit" 0 $?
    golden "trace --time ($en) lines" "$G/trace_time.err" "$TMPDIR_T/t.err"
done

# The standalone program has no --trace: an unknown option.
if command -v cc >/dev/null 2>&1; then
    "$EXPC" build --emit=c --main -o "$TMPDIR_T/cafe.c" "$G/results.exp" 2>/dev/null &&
        cc -O0 -o "$TMPDIR_T/cafe" "$TMPDIR_T/cafe.c" 2>"$TMPDIR_T/cc.err"
    "$TMPDIR_T/cafe" --trace=al "$TMPDIR_T/log.csv" >/dev/null 2>"$TMPDIR_T/s.err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q "unknown option" "$TMPDIR_T/s.err"; then pass "standalone: no --trace"
    else fail "standalone: no --trace" "exit $rc: $(cat "$TMPDIR_T/s.err" "$TMPDIR_T/cc.err")"; fi
else
    fail "standalone: no --trace" "cc not found"
fi

# ---- fmt keeps tests; graph ignores them -----------------------------------------
"$EXPC" fmt "$G/results.exp" >"$TMPDIR_T/f.exp" 2>/dev/null
# The same results, places aside (fmt moves lines).
"$EXPC" test "$TMPDIR_T/f.exp" | sed 's| [^ ]*:[0-9]*: | X: |' >"$TMPDIR_T/f.res"
"$EXPC" test "$G/results.exp" | sed 's| [^ ]*:[0-9]*: | X: |' >"$TMPDIR_T/o.res"
if [ "$(grep -c '^test ' "$TMPDIR_T/f.exp")" = 3 ] && grep -q '^\(PASS\|FAIL\)' "$TMPDIR_T/f.res" &&
    cmp -s "$TMPDIR_T/f.res" "$TMPDIR_T/o.res"; then pass "fmt keeps tests"; else
    fail "fmt keeps tests" "$(diff "$TMPDIR_T/o.res" "$TMPDIR_T/f.res" | head)"; fi
mkdir "$TMPDIR_T/g"
sed '/^test /,$d' "$G/results.exp" >"$TMPDIR_T/g/results.exp"
"$EXPC" graph "$G/results.exp" >"$TMPDIR_T/g1.dot"
"$EXPC" graph "$TMPDIR_T/g/results.exp" >"$TMPDIR_T/g2.dot"
expect_same "graph ignores tests" "$TMPDIR_T/g2.dot" "$TMPDIR_T/g1.dot"

# ---- the examples' own tests -------------------------------------------------------
n_ex=0
for src in "$ROOT"/examples/*.exp "$ROOT"/examples/time/*.exp; do
    [ -f "$src" ] || continue
    ex=$(basename "$src" .exp)
    n_ex=$((n_ex + 1))
    for en in $engines; do
        "$EXPC" test --engine="$en" --threshold=100 "$src" >"$TMPDIR_T/ex.out" 2>&1
        rc=$?
        if [ "$rc" = 0 ] && grep -q ' 100%$' "$TMPDIR_T/ex.out" && grep -q '^[1-9][0-9]* passed, 0 failed$' "$TMPDIR_T/ex.out"
        then pass "example $ex ($en): tests pass, 100% covered"
        else fail "example $ex ($en)" "exit $rc: $(cat "$TMPDIR_T/ex.out")"; fi
    done
done
at_least "examples" 5 "$n_ex"

# ---- traces of time rules: capped and restart, end to end ------------------------
# ben of examples/time/airline.csv: a third push open on one UTC day is
# capped, and 23 days of silence restart his journey (reset after 14d).
A=$ROOT/examples/time
cat >"$TMPDIR_T/ben.want" <<'WANT'
trace: ben: examples/time/airline.csv:6: push_opened STAY +1 counted -> STAY 1
trace: ben: examples/time/airline.csv:7: push_opened STAY +1 counted -> STAY 2
trace: ben: examples/time/airline.csv:8: push_opened STAY +1 capped -> STAY 2
trace: ben: examples/time/airline.csv:9: push_opened STAY +1 counted -> STAY 3
trace: ben: examples/time/airline.csv:10: lounge_visit STAY +6 counted -> STAY 9
trace: ben: examples/time/airline.csv:11: seat_chosen STAY +4 counted -> SAY 13
trace: ben: examples/time/airline.csv:12: flight_rated SAY +6 restart, early -1 -> STAY -1
WANT
for en in $engines; do
    (cd "$ROOT" && "$EXPC" run --engine="$en" examples/time/airline.exp examples/time/airline.csv \
        --time=time --trace=ben >"$TMPDIR_T/ben.out" 2>"$TMPDIR_T/ben.err")
    expect_code "trace capped/restart ($en): exit" 0 $?
    grep '^trace: ' "$TMPDIR_T/ben.err" >"$TMPDIR_T/ben.got"
    expect_same "trace capped/restart ($en)" "$TMPDIR_T/ben.want" "$TMPDIR_T/ben.got"
    expect_same "trace leaves the table ($en)" "$A/airline.expected" "$TMPDIR_T/ben.out"
done

finish
