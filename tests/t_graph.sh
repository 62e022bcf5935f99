#!/bin/sh
# tests/t_graph.sh - `expc graph` end to end.
#
# Every example and every script of tests/golden/graph gives a graph that
# Graphviz's `dot -Tsvg` accepts without a word on stderr, the same bytes on
# every run, with one node per note in path order plus ENGAGED and the
# advance edges between them.  tests/golden/graph/hotel.exp (the hotel of
# docs/language.md, frozen) has a golden DOT file; markup.exp is full of characters that
# need escaping.
#
#   make bless    rewrite hotel.dot; review the diff.
. "$(dirname "$0")/lib.sh"

G=$ROOT/tests/golden/graph
unset EXP_PATH NO_COLOR

if ! command -v dot >/dev/null 2>&1; then
    fail "graphviz" "dot not found: install graphviz"
    finish
    exit 1
fi

for src in "$ROOT"/examples/*.exp "$G"/*.exp; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .exp)
    out=$TMPDIR_T/$name.dot
    "$EXPC" graph "$src" >"$out" 2>"$TMPDIR_T/err"
    expect_code "$name: graph" 0 $?
    dot -Tsvg "$out" >"$TMPDIR_T/$name.svg" 2>"$TMPDIR_T/dot.err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$TMPDIR_T/dot.err" ] && grep -q '</svg>' "$TMPDIR_T/$name.svg"
    then pass "$name: dot -Tsvg accepts it"; else
        fail "$name: dot -Tsvg accepts it" "exit $rc: $(head -5 "$TMPDIR_T/dot.err")"; fi
    "$EXPC" graph "$src" >"$TMPDIR_T/again.dot" 2>/dev/null
    expect_same "$name: stable output" "$out" "$TMPDIR_T/again.dot"

    # The path, read back from the script's `path` line: notes in that order,
    # each advancing to the next, the last to ENGAGED.
    path=$(sed -n 's/^ *path  *\([A-Z >-]*\);.*/\1/p' "$src" | head -1 | sed 's/ *-> */ /g')
    prev=
    ok=1
    for b in $path ENGAGED; do
        grep -q "^    $b \[" "$out" || ok=0
        if [ -n "$prev" ]; then grep -q "^    $prev -> $b \[" "$out" || ok=0; fi
        prev=$b
    done
    n=$(grep -c '^    [A-Z]* \[' "$out")
    if [ "$ok" = 1 ] && [ "$n" -eq 4 ]; then pass "$name: notes in path order, then ENGAGED"; else
        fail "$name: notes in path order, then ENGAGED" "path [$path], $n nodes"; fi
    # Every declared event appears in its note's table.
    missing=
    for e in $(sed -n 's/^ *event  *\([A-Za-z_0-9]*\).*/\1/p' "$src"); do
        grep -q ">$e<" "$out" || missing="$missing $e"
    done
    if [ -z "$missing" ]; then pass "$name: every event shown"; else
        fail "$name: every event shown" "missing:$missing"; fi
done

# ---- the golden DOT ----------------------------------------------------------
"$EXPC" graph "$G/hotel.exp" >"$TMPDIR_T/hotel.dot" 2>/dev/null
golden "hotel: golden DOT" "$G/hotel.dot" "$TMPDIR_T/hotel.dot"

# Time rules: the window and the reset under the title, caps under points.
"$EXPC" graph "$G/time.exp" >"$TMPDIR_T/time.dot" 2>/dev/null
golden "time: golden DOT" "$G/time.dot" "$TMPDIR_T/time.dot"
grep -q 'engaged within 36h of the journey.s start' \
    "$TMPDIR_T/time.dot" && grep -q 'restart after a silence over 14d' "$TMPDIR_T/time.dot" &&
    grep -q 'cap 1 per 500ms' "$TMPDIR_T/time.dot" && grep -q 'cap 10 per 90s' "$TMPDIR_T/time.dot" &&
    pass "time: rules shown" || fail "time: rules shown" "$(grep -n 'cap\|within' "$TMPDIR_T/time.dot")"
grep -q 'engaged within\|cap [0-9]' "$TMPDIR_T/hotel.dot" && fail "hotel: no time rules" "shown" ||
    pass "hotel: no time rules"

# Aliases: under the event's name, escaped; a script without (hotel) is
# drawn as before.
"$EXPC" graph "$G/aliases.exp" >"$TMPDIR_T/aliases.dot" 2>/dev/null
golden "aliases: golden DOT" "$G/aliases.dot" "$TMPDIR_T/aliases.dot"
if grep -q 'as &quot;review&quot;, &quot;&lt;b&gt;R&amp;D&lt;/b&gt; &quot;5&quot;&quot;</FONT>' \
    "$TMPDIR_T/aliases.dot"; then pass "aliases: shown, escaped"; else
    fail "aliases: shown, escaped" "$(grep review "$TMPDIR_T/aliases.dot")"; fi
grep -q 'as &quot;' "$TMPDIR_T/hotel.dot" && fail "hotel: no aliases" "an alias line" ||
    pass "hotel: no aliases"

# Negative events and early-penalised events are drawn apart.
if grep -q 'BGCOLOR="#f8d7da"><FONT COLOR="#9b1c2c">complaint<' "$TMPDIR_T/hotel.dot"; then
    pass "hotel: negative event marked"; else fail "hotel: negative event marked" "complaint"; fi
if grep -q '+5 &#8224;' "$TMPDIR_T/hotel.dot" &&
    grep -q '^    STAY -> STAY \[style=dashed' "$TMPDIR_T/hotel.dot"; then
    pass "hotel: early penalty marked"; else fail "hotel: early penalty marked" "no dagger/loop"; fi

# ---- escaping ------------------------------------------------------------------
out=$TMPDIR_T/markup.dot
if grep -q '&lt;b&gt;bold?&lt;/b&gt; &amp; &quot;quotes&quot; &#39;single&#39; \\ back \\\\ two' "$out" &&
    grep -q 'line one<BR ALIGN="LEFT"/>line two tabbed ]]&gt; -&gt; {braces}' "$out"; then
    pass "markup: label text escaped"; else fail "markup: label text escaped" "see $out"; fi
if dot -Tsvg "$out" 2>/dev/null | grep -q 'Crème brûlée'; then pass "markup: UTF-8 kept"; else
    fail "markup: UTF-8 kept" "not in the SVG"; fi

# ---- command line --------------------------------------------------------------
"$EXPC" graph "$G/hotel.exp" -o "$TMPDIR_T/o.dot" >"$TMPDIR_T/out" 2>/dev/null
expect_code "-o: exit" 0 $?
expect_same "-o: same graph" "$TMPDIR_T/hotel.dot" "$TMPDIR_T/o.dot"

if [ -w /dev/full ]; then
    "$EXPC" graph "$G/hotel.exp" >/dev/full 2>/dev/null
    expect_code "output cannot be written: exit 74" 74 $?
fi

# Two experiences: --experience picks one; without it, a usage error that
# lists the choices.
{
    sed -n '1,/^}/p' "$G/hotel.exp"
    printf '\nexperience second_hotel for hospitality {\n'
    sed -n '/^    path/,/^}/p' "$G/hotel.exp"
} >"$TMPDIR_T/two.exp"
cp "$G/hotel.exp" "$TMPDIR_T/hotel.exp"
"$EXPC" graph "$TMPDIR_T/two.exp" >"$TMPDIR_T/out" 2>"$TMPDIR_T/err"
expect_code "two experiences: usage error" 2 $?
if grep -q 'grand_hotel' "$TMPDIR_T/err" && grep -q 'second_hotel' "$TMPDIR_T/err"; then
    pass "two experiences: choices listed"; else
    fail "two experiences: choices listed" "$(cat "$TMPDIR_T/err")"; fi
"$EXPC" graph "$TMPDIR_T/two.exp" --experience second_hotel >"$TMPDIR_T/second.dot" 2>/dev/null
expect_code "--experience: exit" 0 $?
if grep -q '^digraph "second_hotel"' "$TMPDIR_T/second.dot"; then pass "--experience: picked"; else
    fail "--experience: picked" "$(head -3 "$TMPDIR_T/second.dot")"; fi

# A script with errors: exit 1 and no graph.
printf 'import "emotions";\nexperience e { path SAY -> STAY; }\n' >"$TMPDIR_T/bad.exp"
"$EXPC" graph "$TMPDIR_T/bad.exp" >"$TMPDIR_T/out" 2>/dev/null
expect_code "errors: exit 1" 1 $?
if [ -s "$TMPDIR_T/out" ]; then fail "errors: no graph" "stdout not empty"; else
    pass "errors: no graph"; fi

finish
