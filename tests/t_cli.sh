#!/bin/sh
# t_cli.sh - the expc command line: help, version, usage errors (exit 2),
# unreadable inputs (66), explain, experience selection, and that every
# example and the example of docs/language.md check clean.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
has_llvm || not_built llvm "expc has no LLVM: its --engine=jit and --emit=llvm-ir cases are not run"
T=$TMPDIR_T

# --help and --version exit 0 and say something useful.
"$EXPC" --help >"$T/out" 2>&1; expect_code help 0 $?
grep -q "^usage: expc COMMAND" "$T/out" && pass help-text || fail help-text "no usage line"
for c in check build run fmt graph explain lsp; do
    "$EXPC" $c --help >"$T/out" 2>&1; expect_code "help-$c" 0 $?
    grep -q "^usage: expc $c" "$T/out" && pass "help-$c-text" || fail "help-$c-text" "$(cat "$T/out")"
done
"$EXPC" --version >"$T/out"; expect_code version 0 $?
grep -Eq '^expc [0-9]+\.[0-9]+\.[0-9]+ \((LLVM [0-9.]+|built without LLVM)\)$' "$T/out" &&
    pass version-text || fail version-text "$(cat "$T/out")"

# Usage errors: exit 2 with a message naming the problem.
"$EXPC" >/dev/null 2>&1; expect_code no-command 2 $?
"$EXPC" frobnicate x.exp 2>"$T/err"; expect_code unknown-command 2 $?
grep -q "unknown command \`frobnicate\`" "$T/err" && pass unknown-command-msg || fail unknown-command-msg "$(cat "$T/err")"
"$EXPC" check --bogus examples/clinic.exp 2>"$T/err"; expect_code unknown-option 2 $?
"$EXPC" check 2>/dev/null; expect_code check-no-file 2 $?
"$EXPC" check --max-errors x examples/clinic.exp 2>/dev/null; expect_code bad-max-errors 2 $?
"$EXPC" check --diagnostics=xml examples/clinic.exp 2>/dev/null; expect_code bad-diag 2 $?
"$EXPC" build examples/clinic.exp 2>"$T/err"; expect_code build-no-emit 2 $?
"$EXPC" build examples/clinic.exp --emit=wasm 2>/dev/null; expect_code build-bad-emit 2 $?
"$EXPC" build examples/clinic.exp --emit=c --prefix 9x 2>/dev/null; expect_code bad-prefix 2 $?
"$EXPC" run examples/clinic.exp --engine=fast 2>/dev/null; expect_code bad-engine 2 $?

# Inputs that cannot be read: exit 66, `expc: PATH: reason`.
"$EXPC" check "$T/missing.exp" 2>"$T/err"; expect_code missing 66 $?
grep -q "^expc: $T/missing.exp: No such file or directory$" "$T/err" && pass missing-msg || fail missing-msg "$(cat "$T/err")"
"$EXPC" check "$T" 2>"$T/err"; expect_code directory 66 $?
grep -q "Is a directory" "$T/err" && pass directory-msg || fail directory-msg "$(cat "$T/err")"

# Every example, and the example of docs/language.md, check with exit 0; the examples
# without any diagnostic at all.
for f in examples/*.exp; do
    "$EXPC" check "$f" >"$T/out" 2>"$T/err"; expect_code "example-$(basename "$f")" 0 $?
    [ -s "$T/err" ] && fail "example-quiet-$(basename "$f")" "$(cat "$T/err")" || pass "example-quiet"
done
"$EXPC" check tests/golden/cli/spec_example.exp 2>"$T/err"; expect_code spec-example 0 $?
# The example of docs/language.md has no event at the marketing touch point: W0505 only.
[ "$(grep -c 'warning\[' "$T/err")" = 1 ] && grep -q 'warning\[W0505\]' "$T/err" &&
    pass spec-example-w0505 || fail spec-example-w0505 "$(cat "$T/err")"
"$EXPC" check -Werror tests/golden/cli/spec_example.exp 2>/dev/null; expect_code spec-example-werror 1 $?

# Several files: each checked; the exit code is the worst.
"$EXPC" check examples/clinic.exp examples/bookshop.exp; expect_code two-files 0 $?

# explain: every code in the table, and unknown codes.
"$EXPC" explain --list >"$T/list"; expect_code explain-list 0 $?
n=0
for code in $(cut -d' ' -f1 "$T/list"); do
    "$EXPC" explain "$code" >"$T/out" 2>&1 || fail "explain-$code" "exit $?"
    grep -q "^$code (" "$T/out" && grep -q "this is wrong" "$T/out" && grep -q "this is right" "$T/out" &&
        n=$((n + 1)) || fail "explain-$code" "incomplete"
done
[ "$n" -ge 29 ] && pass explain-all || fail explain-all "only $n codes explained"
"$EXPC" explain e0303 >/dev/null; expect_code explain-lowercase 0 $?
"$EXPC" explain E9999 2>/dev/null; expect_code explain-unknown 2 $?

# Experience selection: two experiences and no --experience is a usage
# error listing the choices.
cat >"$T/two.exp" <<'EOS'
import "emotions";
experience a { path SAY -> STAY -> SPEND;
  note SAY { stage "s"; system "y"; service "v"; } note STAY { stage "s"; system "y"; service "v"; }
  note SPEND { stage "s"; system "y"; service "v"; }
  event x : SAY +10; event y : STAY +10; event z : SPEND +10; }
experience b { path STAY -> SAY -> SPEND;
  note SAY { stage "s"; system "y"; service "v"; } note STAY { stage "s"; system "y"; service "v"; }
  note SPEND { stage "s"; system "y"; service "v"; }
  event x : SAY +10; event y : STAY +10; event z : SPEND +10; }
EOS
"$EXPC" check "$T/two.exp"; expect_code two-exp-check 0 $?
printf 'c,x\n' | "$EXPC" run "$T/two.exp" --engine=interp 2>"$T/err" >/dev/null; expect_code two-exp-run 2 $?
grep -q "choose one with --experience; the choices are: a b" "$T/err" && pass two-exp-msg || fail two-exp-msg "$(cat "$T/err")"
printf 'c,x\n' | "$EXPC" run "$T/two.exp" --engine=interp --experience b >"$T/out"; expect_code two-exp-pick 0 $?
printf 'c,x\n' | "$EXPC" run "$T/two.exp" --engine=interp --experience nope 2>"$T/err"; expect_code two-exp-unknown 2 $?

# Imports: -I and EXP_PATH are searched; E0205 names every folder tried.
mkdir -p "$T/inc" "$T/env"
printf 'emotion glee evokes SPEND;\n' >"$T/inc/extra.exp"
printf 'emotion calm evokes STAY;\n' >"$T/env/more.exp"
cat >"$T/imp.exp" <<'EOS'
import "emotions";
import "extra";
import "more.exp";
import "extra";
experience e { path SAY -> STAY -> SPEND;
  note SAY { stage "s"; system "y"; service "v"; }
  note SPEND { evoke glee; stage "s"; system "y"; service "v"; }
  note STAY { evoke calm; stage "s"; system "y"; service "v"; }
  event x : SAY +10; event y : STAY calm +10; event z : SPEND glee +10; }
EOS
EXP_PATH="$T/nowhere:$T/env" "$EXPC" check -I "$T/inc" "$T/imp.exp" 2>"$T/err"; expect_code import-paths 0 $?
"$EXPC" check -I "$T/inc" "$T/imp.exp" 2>"$T/err"; expect_code import-missing 1 $?
grep -q "error\[E0205\]: cannot find import \`more.exp\`" "$T/err" && grep -q "note: searched, in order: $T, $T/inc, .*stdlib" "$T/err" &&
    pass import-missing-msg || fail import-missing-msg "$(cat "$T/err")"

# A cycle of imports is harmless.
printf 'import "b";\nemotion x1 evokes SAY;\n' >"$T/a.exp"
printf 'import "a";\nemotion x2 evokes SAY;\n' >"$T/b.exp"
"$EXPC" check "$T/a.exp"; expect_code import-cycle 0 $?

# Review findings, pinned: neighbouring syntax errors are all reported; a
# newline inside a string is one E0102; end of file is reported just past
# the last token; a duplicate across sibling imports is reported in the
# second import; --max-errors keeps the first errors by position and says
# that it stopped.
printf 'experience x {\n  path SAY STAY;\n  penalty early;\n}\n' >"$T/r1.exp"
"$EXPC" check "$T/r1.exp" 2>"$T/err"
[ "$(grep -c 'error\[E0110\]' "$T/err")" = 2 ] && grep -q ':3:16: error\[E0110\]: expected integer, found `;`' "$T/err" &&
    pass resync || fail resync "$(cat "$T/err")"
printf 'experience x {\n  note SAY { stage "Quiet\n lobby"; system "b"; service "c"; }\n}\n' >"$T/r2.exp"
"$EXPC" check "$T/r2.exp" 2>"$T/err"
[ "$(grep -c 'error\[' "$T/err")" = 1 ] && grep -q ':2:20: error\[E0102\]: newline inside a string' "$T/err" &&
    pass string-newline || fail string-newline "$(cat "$T/err")"
printf 'emotion a evokes SAY\n\n\n// c\n' >"$T/r3.exp"
"$EXPC" check "$T/r3.exp" 2>"$T/err"
grep -q 'r3.exp:1:21: error\[E0110\]: expected `;`, found end of file' "$T/err" &&
    pass eof-location || fail eof-location "$(cat "$T/err")"
mkdir -p "$T/sib"
printf 'import "a";\nimport "b";\n' >"$T/sib/root.exp"
printf 'emotion joy evokes SAY;\n' >"$T/sib/a.exp"
printf 'emotion joy evokes STAY;\n' >"$T/sib/b.exp"
(cd "$T/sib" && "$EXPC" check root.exp 2>"$T/err")
grep -q '^b.exp:1:9: error\[E0201\]' "$T/err" && grep -q '^a.exp:1:9: note: first declared here' "$T/err" &&
    pass sibling-imports || fail sibling-imports "$(cat "$T/err")"
printf 'experience x { path SAY; }\nindustry i { first SAY; first STAY; }\n' >"$T/r4.exp"
"$EXPC" check --max-errors 1 "$T/r4.exp" 2>"$T/err"
grep -q 'r4.exp:1:16: error\[E0301\]' "$T/err" && ! grep -q E0307 "$T/err" &&
    grep -q '^expc: too many errors; stopped after 1 (--max-errors)$' "$T/err" &&
    pass max-errors-first || fail max-errors-first "$(cat "$T/err")"
printf 'experience x { path SAY -> STAY -> SPEND; path SAY; }\n' >"$T/r5.exp"
"$EXPC" check "$T/r5.exp" 2>"$T/err"
! grep -q E0301 "$T/err" && grep -q 'error\[E0306\]' "$T/err" && pass second-path || fail second-path "$(cat "$T/err")"

# An expc whose LLVM plugin is missing behaves like a build without LLVM:
# `run` falls back on the interpreter quietly, and what needs LLVM exits 2.
mkdir -p "$T/bin"
cp "$EXPC" "$T/bin/expc"
ln -s "$ROOT/stdlib" "$T/bin/stdlib"
"$EXPC" run examples/clinic.exp examples/clinic.csv --engine=interp >"$T/want" 2>/dev/null
"$T/bin/expc" run examples/clinic.exp examples/clinic.csv >"$T/got" 2>"$T/err"
expect_code noplugin-run 0 $?
expect_same noplugin-run-out "$T/want" "$T/got"
[ -s "$T/err" ] && fail noplugin-quiet "$(cat "$T/err")" || pass noplugin-quiet
if "$EXPC" --version | grep -q "(LLVM"; then
    "$T/bin/expc" run examples/clinic.exp examples/clinic.csv --engine=jit >/dev/null 2>"$T/err"
    expect_code noplugin-jit 2 $?
    (cd "$T" && "$T/bin/expc" build "$ROOT/examples/clinic.exp" --emit=obj 2>"$T/err")
    expect_code noplugin-obj 2 $?
    [ -e "$T/clinic.o" ] && fail noplugin-obj-nothing "clinic.o written" || pass noplugin-obj-nothing
fi

# The common options may also come before the command.
W=tests/golden/diag/W0601.exp
"$EXPC" -Werror check "$W" 2>"$T/err"
expect_code opts-first-werror 1 $?
grep -q 'error\[W0601\]' "$T/err" && pass opts-first-werror-msg || fail opts-first-werror-msg "$(cat "$T/err")"
"$EXPC" --diagnostics json --color=never -I "$T" -Werror check "$W" 2>"$T/err"
expect_code opts-first-json 1 $?
head -1 "$T/err" | grep -q '^{"file":' && pass opts-first-json-msg || fail opts-first-json-msg "$(cat "$T/err")"
"$EXPC" -Werror --version >"$T/out"
expect_code opts-first-version 0 $?
grep -q '^expc [0-9]' "$T/out" && pass opts-first-version-out || fail opts-first-version-out "$(cat "$T/out")"
"$EXPC" -Werror -I 2>"$T/err"
expect_code opts-no-command 2 $?
grep -q '^expc: no command (check, build, run, serve, test, fmt, graph, explain, lsp) after `-I`$' "$T/err" &&
    pass opts-no-command-msg || fail opts-no-command-msg "$(cat "$T/err")"
"$EXPC" --bogus check "$W" 2>"$T/err"
expect_code opts-first-unknown 2 $?
grep -q '^expc: unknown option `--bogus`$' "$T/err" && pass opts-first-unknown-msg || fail opts-first-unknown-msg "$(cat "$T/err")"

# `-o -` is standard output for the one-file kinds (and graph); the kinds
# that write several files refuse it, and nothing named `-` appears.
mkdir -p "$T/dash" && cd "$T/dash"
"$EXPC" graph "$ROOT/examples/clinic.exp" >"$T/want"
"$EXPC" graph "$ROOT/examples/clinic.exp" -o - >"$T/got"
expect_code dash-graph 0 $?
expect_same dash-graph-out "$T/want" "$T/got"
"$EXPC" build "$ROOT/examples/clinic.exp" --emit=c -o - >"$T/out" 2>"$T/err"
expect_code dash-c 2 $?
grep -q '^expc: --emit=c writes a source and a header: -o - (standard output) is for' "$T/err" &&
    [ ! -s "$T/out" ] && pass dash-c-msg || fail dash-c-msg "$(cat "$T/err")"
"$EXPC" build "$ROOT/examples/clinic.exp" --emit=pg -o - >/dev/null 2>"$T/err"
expect_code dash-pg 2 $?
if "$EXPC" --version | grep -q "(LLVM"; then
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=llvm-ir -o - >"$T/got"
    expect_code dash-ll 0 $?
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=llvm-ir -o "$T/want.ll"
    expect_same dash-ll-out "$T/want.ll" "$T/got"
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=obj -o - >"$T/got.o"
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=obj -o "$T/want.o"
    expect_same dash-obj-out "$T/want.o" "$T/got.o"
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=llvm-bc -o - >/dev/full 2>"$T/err"
    expect_code dash-full 74 $?
    grep -q '^expc: <stdout>: cannot write: No space left on device$' "$T/err" &&
        pass dash-full-msg || fail dash-full-msg "$(cat "$T/err")"
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=obj -o - -MD >/dev/null 2>"$T/err"
    expect_code dash-md 2 $?
    "$EXPC" build "$ROOT/examples/clinic.exp" --emit=obj -o - -MF "$T/dash.d" >/dev/null
    expect_code dash-mf 0 $?
    grep -q "clinic.exp" "$T/dash.d" && pass dash-mf-file || fail dash-mf-file "no depfile"
fi
[ -z "$(ls -A "$T/dash")" ] && pass dash-nothing-left || fail dash-nothing-left "$(ls -A "$T/dash")"
cd "$ROOT"

# 100,000-line script: must check clean (the time is reported by make bench).
# The generated script must be there and big: an empty one checks clean too.
if command -v python3 >/dev/null 2>&1; then
    python3 tests/gen_big_script.py 100000 >"$T/big.exp"
    expect_code big-script-gen 0 $?
    big_lines=$(wc -l <"$T/big.exp")
    at_least big-script-lines 90000 "$big_lines"
    "$EXPC" check "$T/big.exp" 2>"$T/big.err"; expect_code big-script 0 $?
    # clean: no warning either (make bench times checking, not printing)
    [ ! -s "$T/big.err" ] && pass big-script-no-warning ||
        fail big-script-no-warning "$(head -3 "$T/big.err")"
else
    skip big-script "python3 not found: the 100,000-line script not generated"
fi

# ---- fmt - (wt-cli) ------------------------------------------------------------
# `expc fmt -` formats standard input onto standard output, as `run` reads
# `-`; --check names it <stdin>; -w cannot rewrite it (usage, exit 2).
M=tests/golden/fmt/messy.exp
"$EXPC" fmt "$M" >"$T/fmt.want"
"$EXPC" fmt - <"$M" >"$T/fmt.got" 2>"$T/err"
expect_code fmt-stdin 0 $?
expect_same fmt-stdin-out "$T/fmt.want" "$T/fmt.got"
"$EXPC" fmt --check - <"$M" >"$T/out" 2>"$T/err"
expect_code fmt-check-stdin 1 $?
[ "$(cat "$T/out")" = "<stdin>" ] && pass fmt-check-stdin-name || fail fmt-check-stdin-name "$(cat "$T/out")"
"$EXPC" fmt --check - <"$T/fmt.want" >"$T/out" 2>&1
expect_code fmt-check-stdin-clean 0 $?
[ -s "$T/out" ] && fail fmt-check-stdin-quiet "$(cat "$T/out")" || pass fmt-check-stdin-quiet
"$EXPC" fmt -w - <"$M" >"$T/out" 2>"$T/err"
expect_code fmt-w-stdin 2 $?
grep -q '^expc: fmt -w rewrites files in place, not standard input (`-`)$' "$T/err" && [ ! -s "$T/out" ] &&
    pass fmt-w-stdin-msg || fail fmt-w-stdin-msg "$(cat "$T/err")"
printf 'experience {\n' | "$EXPC" fmt - >"$T/out" 2>"$T/err"
expect_code fmt-stdin-syntax 1 $?
grep -q '^<stdin>:' "$T/err" && pass fmt-stdin-syntax-file || fail fmt-stdin-syntax-file "$(cat "$T/err")"

# ---- the option tables (wt-cli) ---------------------------------------------------
# The messages of the run options (the standalone program has the same:
# tests/t_emit_c.sh, tests/unit/test_rt.c) and of the common options.
C=examples/clinic.exp
"$EXPC" run "$C" --format 2>"$T/err"; expect_code run-format-missing 2 $?
printf 'expc: option --format needs a value\nTry `expc --help`.\n' >"$T/want"
expect_same run-format-missing-msg "$T/want" "$T/err"
"$EXPC" run "$C" --format=xml 2>"$T/err"; expect_code run-format-bad 2 $?
printf 'expc: --format is csv or json, not `xml`\nTry `expc --help`.\n' >"$T/want"
expect_same run-format-bad-msg "$T/want" "$T/err"
"$EXPC" run "$C" --input=xml 2>"$T/err"; expect_code run-input-bad 2 $?
printf 'expc: --input is csv or ndjson, not `xml`\nTry `expc --help`.\n' >"$T/want"
expect_same run-input-bad-msg "$T/want" "$T/err"
"$EXPC" run "$C" --strict=yes 2>"$T/err"; expect_code run-flag-value 2 $?
printf 'expc: unknown option `--strict=yes`\nTry `expc --help`.\n' >"$T/want"
expect_same run-flag-value-msg "$T/want" "$T/err"
"$EXPC" run "$C" --engine=fast 2>"$T/err"
printf 'expc: --engine is interp or jit, not `fast`\nTry `expc --help`.\n' >"$T/want"
expect_same run-engine-bad-msg "$T/want" "$T/err"
"$EXPC" check --color=sometimes "$C" 2>"$T/err"; expect_code color-bad 2 $?
printf 'expc: --color is auto, always or never, not `sometimes`\nTry `expc --help`.\n' >"$T/want"
expect_same color-bad-msg "$T/want" "$T/err"
"$EXPC" check --diagnostics=xml "$C" 2>"$T/err"
printf 'expc: --diagnostics is text, json or sarif, not `xml`\nTry `expc --help`.\n' >"$T/want"
expect_same diag-bad-msg "$T/want" "$T/err"
"$EXPC" check "$C" -I 2>"$T/err"; expect_code include-missing 2 $?
printf 'expc: -I needs a folder\nTry `expc --help`.\n' >"$T/want"
expect_same include-missing-msg "$T/want" "$T/err"
"$EXPC" --max-errors 3 --color never check "$C"; expect_code opts-first-values 0 $?
# `--format json` (the value as the next word) and `--` before the events.
"$EXPC" run "$C" --engine=interp --format json -- examples/clinic.csv >"$T/got" 2>/dev/null
"$EXPC" run "$C" --engine=interp --format=json examples/clinic.csv >"$T/want" 2>/dev/null
expect_same run-format-space "$T/want" "$T/got"
# --help lists every run option of the table.
"$EXPC" run --help >"$T/out"
for o in --experience --engine=interp\|jit --format=csv\|json --input=csv\|ndjson --strict \
    --skip-invalid --summary; do
    grep -q -- "^  $o " "$T/out" && pass "run-help$o" || fail "run-help$o" "$(cat "$T/out")"
done

finish
