#!/bin/sh
# tests/t_diag.sh - golden tests of the diagnostics (docs/language.md §5).
#
# Each case in tests/golden/diag is NAME.exp with:
#   NAME.code           the exit status `expc check` must give
#   NAME.expected       its exact stderr (text diagnostics)
#   NAME.json.expected  its exact stderr with --diagnostics=json
#   NAME.args           optional extra options, one per line (-Werror, ...)
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

n_cases=0
for code_file in "$DIR"/*.code; do
    [ -f "$code_file" ] || continue
    name=$(basename "$code_file" .code)
    n_cases=$((n_cases + 1))
    if [ ! -f "$DIR/$name.exp" ]; then fail "$name" "no $name.exp"; continue; fi
    want=$(cat "$code_file")
    for fmt in text json; do
        case $fmt in
        text) expected=$DIR/$name.expected ;;
        json) expected=$DIR/$name.json.expected ;;
        esac
        out=$TMPDIR_T/$name.$fmt
        run "$name" "$fmt" "$out"
        expect_code "$name ($fmt) exit" "$want" "$RC"
        golden "$name ($fmt)" "$expected" "$out"
    done
done
[ "$n_cases" -gt 0 ] || fail "cases" "no golden cases in $DIR"

# Every code of docs/language.md §5 has a golden case that reports it.
for c in E0101 E0102 E0103 E0104 E0110 E0201 E0202 E0203 E0205 E0301 E0302 \
         E0303 E0304 E0305 E0306 E0307 E0401 E0402 E0403 W0404 E0405 E0406 \
         E0501 E0502 E0503 W0504 W0505 W0601 E0602; do
    if grep -q "\[$c\]" "$DIR"/*.expected 2>/dev/null; then pass "covers $c"
    else fail "covers $c" "no golden case reports $c"; fi
done

finish
