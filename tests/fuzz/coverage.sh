#!/bin/sh
# coverage.sh - how much of expc the fuzz corpora reach (make fuzz-cov).
#
# libFuzzer's own `cov:` counts instrumented edges, which says whether a run
# still finds new paths but not which code was never run.  This builds the
# replay drivers (tests/fuzz/replay_main.c + each harness, as in `make
# fuzz-replay`) with clang's source-based coverage into build/fuzz-cov/,
# feeds each the whole corpus the fuzzers grew (build/fuzz/corpus/NAME), the
# committed seeds and the regressions, and prints llvm-cov's line, function
# and region coverage of our sources (src/, src/rt/, src/llvm/, the generated
# scanner and parser) per harness, with the per-file table in
# build/fuzz-cov/NAME.txt.
#
#   sh tests/fuzz/coverage.sh [HARNESS...]     default: all four
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
B=build/fuzz-cov
CLANG=${FUZZ_CC:-clang-14}
PROFDATA=$(command -v llvm-profdata-14 || command -v llvm-profdata)
COV=$(command -v llvm-cov-14 || command -v llvm-cov)
[ $# -gt 0 ] || set -- frontend csv ndjson diff

make --no-print-directory -s B=$B CC="$CLANG" \
    CFLAGS="-O1 -g -fprofile-instr-generate -fcoverage-mapping" \
    LDFLAGS="-fprofile-instr-generate" fuzz-replay >$B.log 2>&1 || {
    tail -30 $B.log
    echo "coverage.sh: building the replay drivers failed (log: $B.log)" >&2
    exit 1
}

ignore='(^|/)tests/|^/usr/'
for h in "$@"; do
    bin=$B/fuzz-replay/fuzz_$h
    rm -f $B/$h-*.profraw
    n=0
    for d in build/fuzz/corpus/$h tests/fuzz/corpus/$h tests/fuzz/regressions/$h; do
        [ -d "$d" ] || continue
        n=$((n + $(find "$d" -type f | wc -l)))
        LLVM_PROFILE_FILE="$ROOT/$B/$h-%p.profraw" "$bin" "$d" >/dev/null 2>&1 || {
            echo "coverage.sh: $bin $d failed: replay it with tests/t_fuzz_replay.sh" >&2
            exit 1
        }
    done
    "$PROFDATA" merge -sparse -o $B/$h.profdata $B/$h-*.profraw
    rm -f $B/$h-*.profraw
    "$COV" report "$bin" -instr-profile=$B/$h.profdata \
        -ignore-filename-regex="$ignore" >$B/$h.txt
    # Columns of a row: file, regions missed cover, functions missed
    # executed, lines missed cover, branches...; files the harness links but
    # never enters (0 functions run) are left out of its table.
    echo "== fuzz_$h: $n inputs (lines, functions, regions covered)"
    awk 'function row(name) {
            printf "  %-22s %7s %11s  %7s %9s  %7s %11s\n", name, $10,
                "(" $8 - $9 "/" $8 ")", $7, "(" $5 - $6 "/" $5 ")", $4, "(" $2 - $3 "/" $2 ")" }
         $1 ~ /\.[cy]$/ && $6 < $5 {
            sub(".*/src/", "src/", $1); sub("^build/fuzz-cov/", "build/", $1); row($1) }
         $1 == "TOTAL" { row("all linked code") }' $B/$h.txt
done
