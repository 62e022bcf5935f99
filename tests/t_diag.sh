#!/bin/sh
# tests/t_diag.sh - golden tests of the diagnostics (docs/language.md §5).
#
# Each case in tests/golden/diag is NAME.exp with:
#   NAME.code           the exit status `expc check` must give
#   NAME.expected       its exact stderr (text diagnostics)
#   NAME.json.expected  its exact stderr with --diagnostics=json
#   NAME.args           optional extra options, one per line (-Werror, ...)
#   NAME.sarif.expected optional: its exact stderr with --diagnostics=sarif
#                       (UPDATE=1 rewrites it only when it exists: `touch` it)
# Every case's SARIF log is also validated (tests/sarif_check.py), and for
# each fix_* case tests/apply_fixes.py applies the JSON fixes to a copy and
# checks that the copy is then clean.
# Files starting with `_` are helpers imported by cases, not cases.  The
# suite runs from inside the folder so file names print bare, and shows the
# bundled stdlib's folder as <stdlib> so the files do not depend on where
# the checkout lives.
#
#   make bless    rewrite the .expected files from the current output; then
#                 review every diff by hand against docs/language.md before
#                 keeping it.
. "$(dirname "$0")/lib.sh"

DIR=$ROOT/tests/golden/diag
unset EXP_PATH NO_COLOR

# The stdlib folder the binary finds (load_find_stdlib), as a real path.
STDLIB=
bindir=$(dirname "$EXPC")
for d in "$bindir/../share/expc/stdlib" "$bindir/../stdlib"; do
    if [ -f "$d/emotions.exp" ]; then STDLIB=$(cd "$d" && pwd -P); break; fi
done
stdlib_re=$(printf '%s' "$STDLIB" | sed 's/[][\.*^$|]/\\&/g')

normalise() {
    if [ -n "$STDLIB" ]; then sed "s|$stdlib_re|<stdlib>|g"; else cat; fi
}

# run NAME FORMAT OUT: runs the case, writes normalised stderr to OUT and
# the exit status to RC; stdout must stay empty.
run() {
    set -- "$1" "$2" "$3" "$TMPDIR_T/$1.stdout"
    if [ -f "$DIR/$1.args" ]; then
        # shellcheck disable=SC2046 # one option per line, none with spaces
        (cd "$DIR" && "$EXPC" check $(cat "$1.args") --diagnostics="$2" "$1.exp" \
            >"$4" 2>"$3.raw")
    else
        (cd "$DIR" && "$EXPC" check --diagnostics="$2" "$1.exp" >"$4" 2>"$3.raw")
    fi
    RC=$?
    normalise <"$3.raw" >"$3"
    rm -f "$3.raw"
    if [ -s "$4" ]; then fail "$1 ($2)" "wrote to stdout"; fi
}

# check_sarif NAME LOG: LOG is one valid SARIF 2.1.0 log.
check_sarif() {
    python3 "$ROOT/tests/sarif_check.py" "$2" >"$TMPDIR_T/sarif.why"
    case $? in
    0) pass "$1 (sarif valid)" ;;
    # The structure (one run, rules, columnKind) was checked and is fine;
    # only the schema validation could not run.
    77) pass "$1 (sarif structure)"
        skip "$1 (sarif schema)" "$(cat "$TMPDIR_T/sarif.why")" ;;
    *) fail "$1 (sarif valid)" "$(cat "$TMPDIR_T/sarif.why")" ;;
    esac
}

n_cases=0
for code_file in "$DIR"/*.code; do
    [ -f "$code_file" ] || continue
    name=$(basename "$code_file" .code)
    n_cases=$((n_cases + 1))
    if [ ! -f "$DIR/$name.exp" ]; then fail "$name" "no $name.exp"; continue; fi
    want=$(cat "$code_file")
    for fmt in text json sarif; do
        case $fmt in
        text) expected=$DIR/$name.expected ;;
        json) expected=$DIR/$name.json.expected ;;
        sarif) expected=$DIR/$name.sarif.expected ;;
        esac
        out=$TMPDIR_T/$name.$fmt
        run "$name" "$fmt" "$out"
        expect_code "$name ($fmt) exit" "$want" "$RC"
        if [ "$fmt" = sarif ]; then
            check_sarif "$name" "$out"
            [ -f "$expected" ] || continue
        fi
        golden "$name ($fmt)" "$expected" "$out"
    done
done
[ "$n_cases" -gt 0 ] || fail "cases" "no golden cases in $DIR"

# Fixes: applied together, they leave a script that checks clean.
n_fix=0
for f in "$DIR"/fix_*.exp; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .exp)
    n_fix=$((n_fix + 1))
    if python3 "$ROOT/tests/apply_fixes.py" "$EXPC" "$f" >"$TMPDIR_T/fix.why"; then
        pass "$name (fixes applied)"
    else
        fail "$name (fixes applied)" "$(cat "$TMPDIR_T/fix.why")"
    fi
done
at_least "fix cases" 4 "$n_fix"

# SARIF is one log per command, however many scripts it checks; with no
# diagnostics its results are empty.
(cd "$DIR" && "$EXPC" check --diagnostics=sarif E0202.exp clean.exp E0502.exp \
    2>"$TMPDIR_T/multi.sarif")
expect_code "sarif several scripts exit" 1 $?
check_sarif "sarif several scripts" "$TMPDIR_T/multi.sarif"
n=$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1])); r=l["runs"][0]
print(len(l["runs"]), len(r["results"]), " ".join(x["id"] for x in r["tool"]["driver"]["rules"]))' \
    "$TMPDIR_T/multi.sarif")
[ "$n" = "1 5 E0202 E0502" ] && pass "sarif one run" || fail "sarif one run" "got $n"
(cd "$DIR" && "$EXPC" fmt --diagnostics=sarif clean.exp >/dev/null 2>"$TMPDIR_T/fmt.sarif")
expect_code "sarif fmt exit" 0 $?
check_sarif "sarif fmt" "$TMPDIR_T/fmt.sarif"
# build, run and graph report the same results as check.
for c in "build --emit=c -o $TMPDIR_T/out.c" run graph; do
    # shellcheck disable=SC2086 # the command and its options, split
    (cd "$DIR" && "$EXPC" $c --diagnostics=sarif E0202.exp </dev/null >/dev/null \
        2>"$TMPDIR_T/cmd.sarif")
    expect_code "sarif ${c%% *} exit" 1 $?
    check_sarif "sarif ${c%% *}" "$TMPDIR_T/cmd.sarif"
    n=$(grep -c '"ruleId"' "$TMPDIR_T/cmd.sarif")
    [ "$n" = 3 ] && pass "sarif ${c%% *} results" || fail "sarif ${c%% *} results" "$n, want 3"
done

# Every code of docs/language.md §5 has a golden case that reports it.
for c in E0101 E0102 E0103 E0104 E0110 E0201 E0202 E0203 E0205 E0206 E0207 E0301 E0302 \
         E0303 E0304 E0305 E0306 E0307 E0401 E0402 E0403 W0404 E0405 E0406 E0407 \
         E0501 E0502 E0503 W0504 W0505 W0506 W0601 E0602 E0701 E0702 E0703 E0704 W0705; do
    if grep -q "\[$c\]" "$DIR"/*.expected 2>/dev/null; then pass "covers $c"
    else fail "covers $c" "no golden case reports $c"; fi
done

finish
