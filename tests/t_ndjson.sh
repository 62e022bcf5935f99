#!/bin/sh
# t_ndjson.sh - NDJSON event logs end to end: `expc run` and the standalone
# program of `expc build --emit=c --main` must read them alike (format by
# --input, by a .ndjson/.jsonl name, else by the first byte that is not
# blank, standard input included) with the same output, messages and exit
# codes; and the runtime's JSON reader against Python's json module on
# random and mutated documents (tests/json/vs_python.py; JSON_SEED, default
# 1, and JSON_COUNT, default 20000, choose them).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
G=tests/golden/run
CC1=${CC:-cc}

"$EXPC" build $G/hotel.exp --emit=c --main -o "$T/hotel.c" 2>/dev/null
expect_code build-main 0 $?
if "$CC1" -std=c11 -Wall -Wextra -pedantic -Werror -O2 -o "$T/hotel" "$T/hotel.c" 2>"$T/cc.err"
then pass compile-main; else fail compile-main "$(head -20 "$T/cc.err")"; fi
# The program is named `expc` so that its messages read like expc's.
mkdir -p "$T/bin" && cp "$T/hotel" "$T/bin/expc"
PROG=$T/bin/expc

# both NAME WANT_RC ARGS... (stdin from $IN): `expc run` and the program
# give the same exit code, stdout and stderr.
both() {
    _n=$1
    _rc=$2
    shift 2
    "$EXPC" run $G/hotel.exp --engine=interp "$@" <"$IN" >"$T/r.out" 2>"$T/r.err"
    expect_code "$_n-run" "$_rc" $?
    "$PROG" "$@" <"$IN" >"$T/p.out" 2>"$T/p.err"
    expect_code "$_n-main" "$_rc" $?
    expect_same "$_n-stdout" "$T/r.out" "$T/p.out"
    expect_same "$_n-stderr" "$T/r.err" "$T/p.err"
}

# ---- format selection ----------------------------------------------------------
IN=/dev/null
cp $G/events.ndjson "$T/ev.jsonl"
cp $G/events.ndjson "$T/ev.txt"
cp $G/events.ndjson "$T/ev.csv"
for f in $G/events.ndjson "$T/ev.jsonl" "$T/ev.txt" "$T/ev.csv"; do
    both "name-$(basename "$f")" 0 --format=json "$f"
    expect_same "name-$(basename "$f")-golden" $G/events.expected.json "$T/p.out"
done
both input-ndjson 0 --format=json --input=ndjson "$T/ev.txt"
expect_same input-ndjson-golden $G/events.expected.json "$T/p.out"
IN=$G/events.ndjson
both stdin-sniffed 0 --format=json
expect_same stdin-sniffed-golden $G/events.expected.json "$T/p.out"
both stdin-dash 0 --format=json -
expect_same stdin-dash-golden $G/events.expected.json "$T/p.out"
# Leading blank lines, CRs, tabs and a byte order mark are looked past.
printf '\357\273\277\r\n \t\n\n' >"$T/pre.log"
cat $G/events.ndjson >>"$T/pre.log"
IN=$T/pre.log
both stdin-blank-prefix 0 --format=json
expect_same stdin-blank-prefix-golden $G/events.expected.json "$T/p.out"
# --input=csv wins over the name and the content.
IN=/dev/null
both input-csv 65 --input=csv $G/events.ndjson
# CSV content stays CSV, whatever the name.
printf 'alice,greeted\n' >"$T/c.ndjson.csv"
both csv-by-content 0 "$T/c.ndjson.csv"
printf '  [1]\n' >"$T/arr.log"
both csv-array-first 65 "$T/arr.log"
# Usage errors: the same first line (the hint names the program).
for a in --input=yaml --input; do
    "$EXPC" run $G/hotel.exp "$a" </dev/null >/dev/null 2>"$T/r.err"
    expect_code "usage$a-run" 2 $?
    "$PROG" "$a" </dev/null >/dev/null 2>"$T/p.err"
    expect_code "usage$a-main" 2 $?
    [ "$(head -1 "$T/r.err")" = "$(head -1 "$T/p.err")" ] && pass "usage$a-same" ||
        fail "usage$a-same" "$(head -1 "$T/r.err") / $(head -1 "$T/p.err")"
done

# ---- values and invalid data ----------------------------------------------------
# line WANT_RC WANT_ERR NAME JSON: one line, its exit code and message.
line() {
    printf '%s\n' "$4" >"$T/one.ndjson"
    IN=/dev/null
    both "$3" "$1" "$T/one.ndjson"
    if [ -n "$2" ]; then
        grep -qxF "expc: $T/one.ndjson:1: invalid event data: $2" "$T/r.err" && pass "$3-why" ||
            fail "$3-why" "$(cat "$T/r.err")"
    fi
}
line 0 "" int-customer '{"customer":42,"event":"greeted"}'
grep -q '^42,6,STAY,1,0$' "$T/p.out" && pass int-customer-row || fail int-customer-row "$(cat "$T/p.out")"
line 0 "" nul-key '{"a\u0000b":1,"customer":"c","event":"greeted"}'
line 0 "" nul-value '{"customer":"c\u0000d","event":"greeted"}'
line 0 "" escaped-keys '{"cust\u006fmer":"c","\u0065vent":"greeted"}'
line 0 "" last-duplicate '{"customer":"a","event":"greeted","customer":"b"}'
grep -q '^b,' "$T/p.out" && pass last-duplicate-row || fail last-duplicate-row "$(cat "$T/p.out")"
line 0 "" lone-surrogate-elsewhere '{"x":"\udead","customer":"c","event":"greeted"}'
line 65 "not valid JSON" trailing-comma '{"customer":"c","event":"greeted",}'
line 65 "not valid JSON" leading-zero '{"customer":01,"event":"greeted"}'
line 65 "not a JSON object" array '["c","greeted"]'
line 65 'no string member "customer"' no-customer '{"event":"greeted"}'
line 65 'member "customer" is neither a string nor an integer' float-customer \
    '{"customer":1.5,"event":"greeted"}'
line 65 'no string member "event"' number-event '{"customer":"c","event":1}'
line 65 "customer holds an unpaired surrogate escape" lone-surrogate '{"customer":"\ud800","event":"greeted"}'
line 65 "empty customer" empty-customer '{"customer":"","event":"greeted"}'
printf '{"customer":"c\377","event":"greeted"}\n' >"$T/u.ndjson"
IN=/dev/null
both bad-utf8 65 "$T/u.ndjson"
grep -q 'invalid event data: invalid UTF-8$' "$T/r.err" && pass bad-utf8-why || fail bad-utf8-why "$(cat "$T/r.err")"
# Nesting: 10,000 levels are read, 10,001 are invalid data.
python3 -c '
import sys
d = int(sys.argv[1])
print("{\"customer\":\"c\",\"event\":\"greeted\",\"x\":" + "[" * (d - 1) + "]" * (d - 1) + "}")
' 10000 >"$T/deep.ndjson"
both deep-10000 0 "$T/deep.ndjson"
python3 -c '
import sys
d = int(sys.argv[1])
print("{\"customer\":\"c\",\"event\":\"greeted\",\"x\":" + "[" * (d - 1) + "]" * (d - 1) + "}")
' 10001 >"$T/deep.ndjson"
both deep-10001 65 "$T/deep.ndjson"
grep -q 'invalid event data: JSON nested deeper than 10000 levels$' "$T/r.err" &&
    pass deep-10001-why || fail deep-10001-why "$(cat "$T/r.err")"
# --skip-invalid counts them alike.
printf '%s\n' '{"customer":"a","event":"greeted"}' '[1]' '{"customer":"b"}' 'x' \
    '{"customer":7,"event":"spa_booked"}' >"$T/mixed.ndjson"
both skip-invalid 0 --skip-invalid "$T/mixed.ndjson"

# ---- the reader against Python's json module -------------------------------------
if "$CC1" -std=c11 -Wall -Wextra -Werror -O2 -D_POSIX_C_SOURCE=200809L -Iinclude \
    -o "$T/driver" tests/json/driver.c src/rt/json.c src/rt/csv.c src/rt/utf8.c 2>"$T/cc.err"; then
    pass driver-build
    if python3 tests/json/vs_python.py "$T/driver" "${JSON_SEED:-1}" "${JSON_COUNT:-20000}" \
        >"$T/py.out" 2>&1; then
        pass vs-python
    else
        fail vs-python "$(head -40 "$T/py.out")"
    fi
else
    fail driver-build "$(head -20 "$T/cc.err")"
fi
finish
