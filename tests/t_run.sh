#!/bin/sh
# t_run.sh - golden end-to-end tests of `expc run` (docs/language.md §6,
# §7): a frozen hotel script and hand-checked event logs (tests/golden/run/)
# against expected CSV, JSON, stderr and exit codes, for every engine built
# in.  The expected files were worked out by hand from §6, not blessed from
# expc's output: quoted ids, doubled quotes, CRLF, extra columns, a quoted id
# spanning two lines, unknown events, empty lines, headerless input, an
# engaged customer who keeps scoring, early penalties, --strict,
# --skip-invalid, invalid data at a given line, stdin, NDJSON.
. "$(dirname "$0")/lib.sh"
G=$ROOT/tests/golden/run
T=$TMPDIR_T
cd "$G"
engines=interp
if has_llvm; then engines="interp jit"; else
    not_built llvm "expc has no LLVM: --engine=jit not run"; fi

for e in $engines; do
    "$EXPC" run hotel.exp mixed.csv --engine=$e >"$T/out" 2>"$T/err"
    expect_code "$e-mixed" 0 $?
    expect_same "$e-mixed-csv" mixed.expected.csv "$T/out"
    expect_same "$e-mixed-err" mixed.expected.err "$T/err"
    "$EXPC" run hotel.exp mixed.csv --engine=$e --format=json >"$T/out" 2>/dev/null
    expect_code "$e-mixed-json-exit" 0 $?
    expect_same "$e-mixed-json" mixed.expected.json "$T/out"

    "$EXPC" run hotel.exp headerless.csv --engine=$e >"$T/out" 2>"$T/err"
    expect_code "$e-headerless" 0 $?
    expect_same "$e-headerless-csv" headerless.expected.csv "$T/out"
    [ -s "$T/err" ] && fail "$e-headerless-quiet" "$(cat "$T/err")" || pass "$e-headerless-quiet"

    # Standard input: absent and `-`.
    "$EXPC" run hotel.exp --engine=$e <headerless.csv >"$T/out" 2>/dev/null
    expect_code "$e-stdin-exit" 0 $?
    expect_same "$e-stdin" headerless.expected.csv "$T/out"
    "$EXPC" run hotel.exp - --engine=$e <headerless.csv >"$T/out" 2>/dev/null
    expect_code "$e-stdin-dash-exit" 0 $?
    expect_same "$e-stdin-dash" headerless.expected.csv "$T/out"

    # Invalid data: message with file and line, no table, 65.
    "$EXPC" run hotel.exp invalid.csv --engine=$e >"$T/out" 2>"$T/err"
    expect_code "$e-invalid" 65 $?
    expect_same "$e-invalid-err" invalid.expected.err "$T/err"
    [ -s "$T/out" ] && fail "$e-invalid-no-output" "$(cat "$T/out")" || pass "$e-invalid-no-output"
    "$EXPC" run hotel.exp - --engine=$e <invalid.csv >/dev/null 2>"$T/err"
    expect_code "$e-invalid-stdin-exit" 65 $?
    grep -q '^expc: <stdin>:4: invalid event data: fewer than two fields$' "$T/err" &&
        pass "$e-invalid-stdin" || fail "$e-invalid-stdin" "$(cat "$T/err")"
    "$EXPC" run hotel.exp invalid.csv --engine=$e --skip-invalid >"$T/out" 2>"$T/err"
    expect_code "$e-skip-invalid" 0 $?
    expect_same "$e-skip-invalid-csv" invalid.skip.expected.csv "$T/out"
    expect_same "$e-skip-invalid-err" invalid.skip.expected.err "$T/err"

    # --strict: the first undeclared event is an error.
    "$EXPC" run hotel.exp mixed.csv --engine=$e --strict >"$T/out" 2>"$T/err"
    expect_code "$e-strict" 65 $?
    expect_same "$e-strict-err" mixed.strict.expected.err "$T/err"
    [ -s "$T/out" ] && fail "$e-strict-no-output" "$(cat "$T/out")" || pass "$e-strict-no-output"

    # Aliases: a log line names an event by its name or any alias; a
    # near miss ("spa.book.", "Review": case counts) stays undeclared.
    "$EXPC" run aliases.exp aliases.csv --engine=$e >"$T/out" 2>"$T/err"
    expect_code "$e-aliases" 0 $?
    expect_same "$e-aliases-csv" aliases.expected.csv "$T/out"
    expect_same "$e-aliases-err" aliases.expected.err "$T/err"

    # NDJSON, by extension and by --input.
    "$EXPC" run hotel.exp events.ndjson --engine=$e --format=json >"$T/out" 2>"$T/err"
    expect_code "$e-ndjson" 0 $?
    expect_same "$e-ndjson-json" events.expected.json "$T/out"
    "$EXPC" run hotel.exp --input=ndjson --engine=$e --format=json <events.ndjson >"$T/out" 2>/dev/null
    expect_code "$e-ndjson-stdin-exit" 0 $?
    expect_same "$e-ndjson-stdin" events.expected.json "$T/out"

    # --summary: the funnel goes to stderr after the table, stdout unchanged.
    "$EXPC" run hotel.exp headerless.csv --engine=$e --summary >"$T/out" 2>"$T/err"
    expect_code "$e-summary-exit" 0 $?
    expect_same "$e-summary-out" headerless.expected.csv "$T/out"
    grep -Eq '^ENGAGED +1 +1$' "$T/err" && grep -Eq '^SAY +1 +2$' "$T/err" &&
        pass "$e-summary" || fail "$e-summary" "$(cat "$T/err")"
done

# Output that cannot be written: 74, and nothing half-written.
"$EXPC" run hotel.exp mixed.csv >/dev/full 2>"$T/err"
expect_code full 74 $?
# A missing events file: 66.
"$EXPC" run hotel.exp "$T/nope.csv" >/dev/null 2>"$T/err"
expect_code missing-events 66 $?
grep -q "^expc: $T/nope.csv: No such file or directory$" "$T/err" && pass missing-events-msg ||
    fail missing-events-msg "$(cat "$T/err")"

# engine.c needs <malloc.h> (glibc) only for the JIT: without LLVM it builds
# where there is none (a malloc.h that stops the compiler stands for that).
mkdir -p "$T/nomalloc"
echo '#error "no malloc.h here"' >"$T/nomalloc/malloc.h"
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -I"$T/nomalloc" -I"$ROOT/include" -I"$B" -DEXPC_LLVM=0 -c -o "$T/engine.o" \
    "$ROOT/src/engine.c" 2>"$T/cc.err"; then pass engine-no-malloc-h; else
    fail engine-no-malloc-h "$(head -3 "$T/cc.err")"; fi
finish
