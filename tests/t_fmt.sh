#!/bin/sh
# tests/t_fmt.sh - `expc fmt` end to end (docs/language.md §10: canonical layout,
# idempotent, every comment kept; -w and --check).
#
# Golden files: tests/golden/fmt/NAME.expected is `expc fmt` of
# examples/NAME.exp, and NAME.expected that of tests/golden/fmt/NAME.exp
# (messy.exp: a comment-heavy, untidy script; time_and_tests.exp: the 0.2
# syntax).  For each of them, and for every case of
# tests/golden/diag that parses, the suite also checks the properties that
# make the formatter safe to run on anything:
#   - fmt of the output is the output (a fixed point);
#   - the output checks with the same diagnostic codes, in the same order;
#   - the comments of the output are those of the input, byte for byte and
#     in the same order.
#
#   make bless    rewrite the .expected files; review the diff.
. "$(dirname "$0")/lib.sh"

G=$ROOT/tests/golden/fmt
unset EXP_PATH NO_COLOR

# comments FILE: each comment of a script on one line (newline as \n, CR as
# \r), in source order.  A small scanner that knows strings, so `//` inside
# a string is not a comment.
comments() {
    LC_ALL=C awk 'BEGIN { RS = "\001" }
    {
        s = $0; n = length(s); i = 1
        while (i <= n) {
            c = substr(s, i, 1); d = substr(s, i + 1, 1)
            if (c == "\"") {
                i++
                while (i <= n) {
                    c = substr(s, i, 1)
                    if (c == "\\") { i += 2; continue }
                    i++
                    if (c == "\"" || c == "\n") break
                }
            } else if (c == "/" && d == "/") {
                j = index(substr(s, i), "\n")
                t = j ? substr(s, i, j - 1) : substr(s, i)
                i += length(t)
                emit(t)
            } else if (c == "/" && d == "*") {
                j = index(substr(s, i + 2), "*/")
                t = j ? substr(s, i, j + 3) : substr(s, i)
                i += length(t)
                emit(t)
            } else {
                i++
            }
        }
    }
    function emit(t) { gsub(/\r/, "\\r", t); gsub(/\n/, "\\n", t); print t }' "$1"
}

# codes FILE [OPTIONS]: the diagnostic codes of `expc check`, in order.
codes() {
    f=$1
    shift
    "$EXPC" check --diagnostics=json --max-errors 0 "$@" "$f" 2>&1 >/dev/null |
        grep -o '"code":"[EW][0-9]*"' | sed 's/.*"\([EW][0-9]*\)"/\1/' | tr '\n' ' '
}

# properties NAME IN OUT [OPTIONS]: OUT is `expc fmt IN`; checks the fixed
# point, the comments and the diagnostic codes.
properties() {
    name=$1 in=$2 out=$3
    shift 3
    "$EXPC" fmt "$out" >"$TMPDIR_T/again" 2>"$TMPDIR_T/again.err"
    expect_code "$name: fmt of the output" 0 $?
    expect_same "$name: fixed point" "$out" "$TMPDIR_T/again"
    comments "$in" >"$TMPDIR_T/c.in"
    comments "$out" >"$TMPDIR_T/c.out"
    expect_same "$name: comments kept, in order" "$TMPDIR_T/c.in" "$TMPDIR_T/c.out"
    want=$(codes "$in" "$@")
    got=$(codes "$out" "$@")
    if [ "$want" = "$got" ]; then pass "$name: same codes"; else
        fail "$name: same codes" "check gives [$got], the original [$want]"; fi
}

# ---- golden files: every example, and every script of tests/golden/fmt --
n_golden=0
for src in "$ROOT"/examples/*.exp "$G"/*.exp; do
    [ -f "$src" ] || continue
    n_golden=$((n_golden + 1))
    name=$(basename "$src" .exp)
    dir=$(dirname "$src")
    out=$TMPDIR_T/$name.exp
    "$EXPC" fmt "$src" >"$out" 2>"$TMPDIR_T/err"
    expect_code "$name: fmt" 0 $?
    golden "$name: golden" "$G/$name.expected" "$out"
    properties "$name" "$src" "$out" -I "$dir"
done

at_least "golden: scripts" 5 "$n_golden"

# The messy script really is messy, and really has comments everywhere.
n=$(comments "$G/messy.exp" | wc -l)
if [ "$n" -ge 20 ]; then pass "messy: comment-heavy"; else fail "messy: comment-heavy" "only $n comments"; fi

# ---- every diagnostics case that parses: same codes after -w ------------
# The whole folder is copied so that cases importing helpers (and
# themselves) resolve exactly as they did.
D=$ROOT/tests/golden/diag
if [ -d "$D" ]; then
    mkdir -p "$TMPDIR_T/orig" "$TMPDIR_T/fmtd"
    cp "$D"/*.exp "$TMPDIR_T/orig/"
    cp "$D"/*.exp "$TMPDIR_T/fmtd/"
    (cd "$TMPDIR_T/fmtd" && "$EXPC" fmt -w ./*.exp >/dev/null 2>&1)
    rc_w=$?
    # -w exits 1 when some file did not parse, 0 when all did.
    want_w=0
    n_diag=0
    for f in "$TMPDIR_T"/orig/*.exp; do
        b=$(basename "$f")
        g=$TMPDIR_T/fmtd/$b
        name=diag/$b
        n_diag=$((n_diag + 1))
        if ! "$EXPC" fmt "$f" >/dev/null 2>&1; then
            # It does not parse: -w must leave it alone.
            want_w=1
            cmp -s "$f" "$g" && pass "$name: unparsable, left alone by -w" ||
                fail "$name: unparsable, left alone by -w" "changed"
            continue
        fi
        "$EXPC" fmt --check "$g" >/dev/null 2>&1
        expect_code "$name: formatted after -w" 0 $?
        # Unchanged: it was canonical already.
        cmp -s "$f" "$g" && continue
        want=$(cd "$TMPDIR_T/orig" && codes "$b")
        got=$(cd "$TMPDIR_T/fmtd" && codes "$b")
        if [ "$want" = "$got" ]; then pass "$name: same codes after -w"; else
            fail "$name: same codes after -w" "[$got], the original [$want]"; fi
        comments "$f" >"$TMPDIR_T/c.in"
        comments "$g" >"$TMPDIR_T/c.out"
        expect_same "$name: comments kept" "$TMPDIR_T/c.in" "$TMPDIR_T/c.out"
    done
    expect_code "diag: fmt -w exit" "$want_w" "$rc_w"
    at_least "diag: files formatted" 30 "$n_diag"
else
    fail "diag: files formatted" "no $D"
fi

# ---- --check -------------------------------------------------------------
cp "$G/messy.exp" "$TMPDIR_T/messy.exp"
cp "$G/messy.expected" "$TMPDIR_T/tidy.exp"
(cd "$TMPDIR_T" && "$EXPC" fmt --check messy.exp tidy.exp >"$TMPDIR_T/out" 2>"$TMPDIR_T/err")
expect_code "--check: unformatted file" 1 $?
printf 'messy.exp\n' >"$TMPDIR_T/want"
expect_same "--check: names only the unformatted file" "$TMPDIR_T/want" "$TMPDIR_T/out"
expect_same "--check: changes nothing" "$G/messy.exp" "$TMPDIR_T/messy.exp"
"$EXPC" fmt --check "$TMPDIR_T/tidy.exp" >"$TMPDIR_T/out" 2>&1
expect_code "--check: formatted file" 0 $?
if [ -s "$TMPDIR_T/out" ]; then fail "--check: silent when formatted" "$(cat "$TMPDIR_T/out")"; else
    pass "--check: silent when formatted"; fi

# ---- -w ------------------------------------------------------------------
"$EXPC" fmt -w "$TMPDIR_T/messy.exp" >"$TMPDIR_T/out" 2>&1
expect_code "-w: exit" 0 $?
expect_same "-w: rewritten in the canonical layout" "$G/messy.expected" "$TMPDIR_T/messy.exp"
if [ -s "$TMPDIR_T/out" ]; then fail "-w: prints nothing" "$(cat "$TMPDIR_T/out")"; else
    pass "-w: prints nothing"; fi

# A syntax error: exit 1, E0110 reported, the file unchanged byte for byte.
printf 'import "emotions";\n\nexperience broken {\n    path STAY -> SAY\n}\n  // odd   spacing\n' \
    >"$TMPDIR_T/broken.exp"
cp "$TMPDIR_T/broken.exp" "$TMPDIR_T/broken.orig"
"$EXPC" fmt -w "$TMPDIR_T/broken.exp" >"$TMPDIR_T/out" 2>"$TMPDIR_T/err"
expect_code "-w syntax error: exit" 1 $?
expect_same "-w syntax error: file unchanged" "$TMPDIR_T/broken.orig" "$TMPDIR_T/broken.exp"
if grep -q 'E0110' "$TMPDIR_T/err"; then pass "-w syntax error: reported"; else
    fail "-w syntax error: reported" "no E0110 in: $(cat "$TMPDIR_T/err")"; fi
# A lexical error is as good a reason not to touch the file.
printf 'emotion calm evokes STAY; # not a comment\n' >"$TMPDIR_T/lex.exp"
cp "$TMPDIR_T/lex.exp" "$TMPDIR_T/lex.orig"
"$EXPC" fmt -w "$TMPDIR_T/lex.exp" >/dev/null 2>&1
expect_code "-w lexical error: exit" 1 $?
expect_same "-w lexical error: file unchanged" "$TMPDIR_T/lex.orig" "$TMPDIR_T/lex.exp"
# Printing a file with errors prints nothing.
"$EXPC" fmt "$TMPDIR_T/broken.exp" >"$TMPDIR_T/out" 2>/dev/null
expect_code "fmt syntax error: exit" 1 $?
if [ -s "$TMPDIR_T/out" ]; then fail "fmt syntax error: no output" "stdout not empty"; else
    pass "fmt syntax error: no output"; fi
# Several files: the good one is still rewritten, the bad one is not.
cp "$G/messy.exp" "$TMPDIR_T/m2.exp"
"$EXPC" fmt -w "$TMPDIR_T/broken.exp" "$TMPDIR_T/m2.exp" >/dev/null 2>&1
expect_code "-w good and bad: exit" 1 $?
expect_same "-w good and bad: good one rewritten" "$G/messy.expected" "$TMPDIR_T/m2.exp"
expect_same "-w good and bad: bad one unchanged" "$TMPDIR_T/broken.orig" "$TMPDIR_T/broken.exp"

# ---- command line ----------------------------------------------------------
"$EXPC" fmt --check -w "$TMPDIR_T/tidy.exp" >/dev/null 2>&1
expect_code "--check with -w: usage error" 2 $?
"$EXPC" fmt "$TMPDIR_T/no_such_file.exp" >/dev/null 2>&1
expect_code "missing file: exit 66" 66 $?
"$EXPC" fmt >/dev/null 2>&1
expect_code "no file: usage error" 2 $?
if [ -w /dev/full ]; then
    "$EXPC" fmt "$G/messy.exp" >/dev/full 2>/dev/null
    expect_code "output cannot be written: exit 74" 74 $?
fi

# ---- small layout cases ------------------------------------------------------
# case_fmt NAME INPUT EXPECTED: the strings are printf formats (for \n, \r).
# shellcheck disable=SC2059
case_fmt() {
    printf "$2" >"$TMPDIR_T/case.exp"
    printf "$3" >"$TMPDIR_T/case.want"
    "$EXPC" fmt "$TMPDIR_T/case.exp" >"$TMPDIR_T/case.out" 2>&1
    expect_same "layout: $1" "$TMPDIR_T/case.want" "$TMPDIR_T/case.out"
}
case_fmt "empty file" '' ''
case_fmt "only comments" '\n\n// a\n\n\n/* b */   // c\n\n' '// a\n\n/* b */\n// c\n'
case_fmt "imports keep their grouping" \
    'import "a";import "b";\n\n\nimport "c";\nemotion x evokes SAY;emotion y evokes STAY;\n' \
    'import "a";\nimport "b";\n\nimport "c";\n\nemotion x evokes SAY;\nemotion y evokes STAY;\n'
case_fmt "strings re-escaped" \
    'experience e { note SAY { stage "a\\"b\\\\c\\nd\\te"; } }' \
    'experience e {\n    note SAY {\n        stage "a\\"b\\\\c\\nd\\te";\n    }\n}\n'
case_fmt "empty blocks" 'industry i{}experience e{}' 'industry i {}\n\nexperience e {}\n'
case_fmt "signs of points" \
    'experience e { event a:SAY 5; event bb:SAY -0; event c : SPEND -12; }' \
    'experience e {\n    event a  : SAY    +5;\n    event bb : SAY     0;\n    event c  : SPEND -12;\n}\n'
case_fmt "trailing comment goes with the last thing on its line" \
    'experience e { path SAY; penalty early 1; // c\n}\n' \
    'experience e {\n    path SAY;\n    penalty early 1; // c\n}\n'
case_fmt "CRLF line ends" 'import "a";\r\n// c\r\nimport "b";\r\n' 'import "a";\n// c\nimport "b";\n'
case_fmt "CRLF inside a block comment" 'import "a"; /* x\r\n  y */\r\n' 'import "a"; /* x\n  y */\n'
case_fmt "a run of CRs before LF goes whole" 'import "a"; // x\r\r\n/* y\r\r\n*/\n' 'import "a"; // x\n/* y\n*/\n'
case_fmt "a CR not before LF is kept" 'import "a"; // x\ry\r\n' 'import "a"; // x\ry\n'

# What we ship is in the canonical layout: the examples and the stdlib.
if "$EXPC" fmt --check "$ROOT"/examples/*.exp "$ROOT"/stdlib/*.exp >"$TMPDIR_T/out" 2>&1; then
    pass shipped-canonical
else
    fail shipped-canonical "not formatted: $(cat "$TMPDIR_T/out")"
fi

finish
