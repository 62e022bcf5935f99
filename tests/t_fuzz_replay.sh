#!/bin/sh
# t_fuzz_replay.sh - every input the fuzzers ever crashed or hung on, and the
# seed corpora, replayed through the normal build.
#
# `make fuzz-replay` builds each harness of tests/fuzz/ with the project's
# own compiler and flags (so under SAN=1 it runs with ASan + UBSan) against
# build/libexpc.a, with tests/fuzz/replay_main.c as its main(); each is then
# fed tests/fuzz/regressions/HARNESS/* (reproducers of bugs found, see
# tests/fuzz/README.md) and tests/fuzz/corpus/HARNESS/* (the seeds).  Every
# file is one case: it passes when the harness returns normally - no broken
# property (abort), no sanitizer report, within 60 s.  Each seed corpus must
# hold at least the files counted below (a missing or emptied folder fails);
# a harness may have no reproducers.  fuzz_diff also replays 60 inputs
# written by `tests/gen_script.py fuzz --seed 1` (random scripts with their
# logs), so its model of scoring sees more than the committed seeds.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T

# Build the drivers the way this build was made: SAN=1 when the binary has
# ASan in it, LLVM=0 when it was built without LLVM (make check passes its
# own variables down in MAKEFLAGS too; its jobserver is not ours to use).
args=
nm "$EXPC" 2>/dev/null | grep -q __asan_init && args="$args SAN=1"
"$EXPC" --version 2>/dev/null | grep -q 'built without LLVM' && args="$args LLVM=0"
MAKEFLAGS=$(printf '%s' "${MAKEFLAGS:-}" | sed 's/--jobserver-[a-z]*=[^ ]*//g; s/\(^\| \)-j[0-9]*//g')
export MAKEFLAGS
# shellcheck disable=SC2086
if make --no-print-directory -s B="$B" $args fuzz-replay >"$T/build.log" 2>&1; then
    pass build
else
    fail build "make fuzz-replay failed"
    tail -30 "$T/build.log"
    finish
    exit 1
fi

# A harness over a folder: one process for all of it; when that fails, each
# file again on its own, so the failure names its input.
# replay_dir HARNESS DIR MIN: DIR must hold at least MIN files.
replay_dir() {
    h=$1
    dir=$2
    bin=$B/fuzz-replay/fuzz_$h
    n=0
    for f in "$dir"/*; do
        [ -f "$f" ] && n=$((n + 1))
    done
    [ "$3" -eq 0 ] || at_least "$h $dir: inputs" "$3" "$n"
    [ "$n" -gt 0 ] || return 0
    if timeout -k 5 300 "$bin" "$dir" >"$T/log" 2>&1; then
        T_PASS=$((T_PASS + n))
        return 0
    fi
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        if timeout -k 5 60 "$bin" "$f" >"$T/log" 2>&1; then
            pass "$h $f"
        else
            fail "$h" "$f (exit $?)"
            grep -v '^    #[0-9]* 0x[0-9a-f]* in  *(/lib' "$T/log" | head -25
        fi
    done
}

for h in frontend csv ndjson diff lsp; do
    replay_dir "$h" "tests/fuzz/regressions/$h" 0
done
replay_dir frontend tests/fuzz/corpus/frontend 40
replay_dir csv tests/fuzz/corpus/csv 10
replay_dir ndjson tests/fuzz/corpus/ndjson 5
replay_dir diff tests/fuzz/corpus/diff 6
replay_dir lsp tests/fuzz/corpus/lsp 10
if command -v python3 >/dev/null 2>&1; then
    python3 tests/gen_script.py fuzz --seed 1 --scripts 60 --out "$T/gen-diff" >"$T/log" 2>&1 ||
        { fail gen-diff "$(cat "$T/log")"; }
    replay_dir diff "$T/gen-diff" 60
else
    skip gen-diff "python3 not found: no generated fuzz_diff inputs"
fi

finish
