#!/bin/sh
# tests/t_depfile.sh - `expc build -MD` in a make pipeline (tests/depfile/).
#
# The pipeline generates C from gallery.exp, which imports the local
# arts.exp.  The dependency file must make make rebuild the C when the
# imported file changes, not rebuild it when nothing did, and survive the
# import being removed.  `make -q` answers "is everything up to date?"
# (exit 0) without building anything.
. "$(dirname "$0")/lib.sh"

unset EXP_PATH MAKEFLAGS MFLAGS
if ! command -v make >/dev/null 2>&1; then
    fail "make" "make not found"
    finish
    exit 1
fi

W=$TMPDIR_T/pipeline
mkdir -p "$W"
cp "$ROOT"/tests/depfile/Makefile "$ROOT"/tests/depfile/*.exp "$W/"
# Sources from the past, so every build product is clearly newer.
touch -d '2020-01-01 00:00:00' "$W"/*.exp
mk() { make -C "$W" --no-print-directory EXPC="$EXPC" "$@"; }

mk >"$TMPDIR_T/log" 2>&1
expect_code "first build" 0 $?
for f in gen/gallery.c gen/gallery.h gen/gallery.o gen/gallery.c.d; do
    if [ -f "$W/$f" ]; then pass "first build: $f"; else fail "first build: $f" "missing"; fi
done
if grep -q '^ *arts.exp' "$W/gen/gallery.c.d" && grep -q 'emotions.exp' "$W/gen/gallery.c.d"; then
    pass "depfile names the imports"; else
    fail "depfile names the imports" "$(cat "$W/gen/gallery.c.d")"; fi
if grep -q '^gen/gallery.c:' "$W/gen/gallery.c.d"; then pass "depfile target is -o"; else
    fail "depfile target is -o" "$(head -1 "$W/gen/gallery.c.d")"; fi
if grep -q '^arts.exp:$' "$W/gen/gallery.c.d"; then pass "depfile: empty rule per import"; else
    fail "depfile: empty rule per import" "no 'arts.exp:' line"; fi

mk -q
expect_code "nothing touched: up to date" 0 $?
mk >"$TMPDIR_T/log" 2>&1
if grep -q 'expc\|build gallery' "$TMPDIR_T/log"; then
    fail "nothing touched: no rebuild" "$(cat "$TMPDIR_T/log")"; else
    pass "nothing touched: no rebuild"; fi

# A file nobody imports changes nothing.
printf 'emotion unrelated evokes SAY;\n' >"$W/other.exp"
mk -q
expect_code "unrelated file touched: up to date" 0 $?

# The imported industry changes: make must rebuild the C and the object.
touch "$W/arts.exp"
mk -q
expect_code "import touched: out of date" 1 $?
mk >"$TMPDIR_T/log" 2>&1
expect_code "import touched: rebuild" 0 $?
if grep -q 'build gallery.exp --emit=c' "$TMPDIR_T/log" && grep -q -- '-c -o gen/gallery.o' "$TMPDIR_T/log"
then pass "import touched: expc and cc ran again"; else
    fail "import touched: expc and cc ran again" "$(cat "$TMPDIR_T/log")"; fi
mk -q
expect_code "after the rebuild: up to date" 0 $?

# An import that breaks the script: the build fails, nothing is half
# written, and make keeps trying until it is fixed.
cp "$W/arts.exp" "$TMPDIR_T/arts.good"
cp "$W/gen/gallery.c" "$TMPDIR_T/gallery.c.before"
printf 'industry gallery { first SAY; key STAY; }\n' >"$W/arts.exp"
mk >"$TMPDIR_T/log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'E0303' "$TMPDIR_T/log"; then pass "broken import: build fails"; else
    fail "broken import: build fails" "exit $rc: $(cat "$TMPDIR_T/log")"; fi
expect_same "broken import: old output intact" "$TMPDIR_T/gallery.c.before" "$W/gen/gallery.c"
mk -q
expect_code "broken import: still out of date" 1 $?
cp "$TMPDIR_T/arts.good" "$W/arts.exp"
mk >"$TMPDIR_T/log" 2>&1
expect_code "import fixed: builds" 0 $?

# The import goes away (the industry moves into the script): make must not
# stop at "No rule to make target 'arts.exp'".
{
    printf 'industry gallery {\n    first STAY;\n    key SAY;\n}\n\n'
    grep -v '^import "arts";' "$W/gallery.exp"
} >"$TMPDIR_T/gallery.exp"
mv "$TMPDIR_T/gallery.exp" "$W/gallery.exp"
rm "$W/arts.exp"
mk >"$TMPDIR_T/log" 2>&1
expect_code "import removed: builds" 0 $?
if [ ! -f "$W/gen/gallery.c.d" ]; then fail "import removed: depfile updated" "no gen/gallery.c.d"
elif grep -q 'arts.exp' "$W/gen/gallery.c.d"; then fail "import removed: depfile updated" "still names arts.exp"
elif grep -q '^gen/gallery.c:' "$W/gen/gallery.c.d" && grep -q 'gallery.exp' "$W/gen/gallery.c.d"; then pass "import removed: depfile updated"
else fail "import removed: depfile updated" "$(head -3 "$W/gen/gallery.c.d")"; fi
mk -q
expect_code "import removed: up to date" 0 $?

# -MF names the file; -MD alone puts it beside the output.
(cd "$W" && "$EXPC" build gallery.exp --emit=c -o gen/other.c -MF gen/deps.mk) >/dev/null 2>&1
expect_code "-MF: exit" 0 $?
if [ -f "$W/gen/deps.mk" ] && [ ! -f "$W/gen/other.c.d" ] && grep -q '^gen/other.c:' "$W/gen/deps.mk"
then pass "-MF: named file"; else fail "-MF: named file" "no gen/deps.mk for gen/other.c"; fi

finish
