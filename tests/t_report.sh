#!/bin/sh
# tests/t_report.sh - `expc run --report=FILE.html` end to end
# (docs/language.md, "The report").
#
# For every example log: the table on stdout is the same with and without
# --report; the page's funnel equals --summary's `reached` column, its event
# rows equal tests/model.py's independent counts (bookshop's also worked by
# hand below), its header the input's counts; no external URL anywhere; the
# interpreter and the JIT write the same page.  A log with a record spanning
# lines, empty lines, undeclared events and invalid lines checks the
# header's counts.  An output that cannot be written exits 74, still writes
# the table and leaves nothing.  Then the page in a real browser (headless
# Chromium, network off): it loads from disk with no console message (the
# page's Content-Security-Policy makes any load a console error, which a
# broken copy proves), the numbers read from the DOM are the same, and a
# screenshot is a real PNG.  Few browser launches: each costs seconds.
. "$(dirname "$0")/lib.sh"

X=$ROOT/examples
T=$TMPDIR_T
CHECK="python3 $ROOT/tests/report_check.py"
unset EXP_PATH NO_COLOR

# check NAME PAGE ARGS...: report_check.py's cases added to the counts.
check() {
    _n=$1
    shift
    $CHECK "$@" >"$T/check.log" 2>&1
    _rc=$?
    sed "s/^report_check:/report_check $_n:/" "$T/check.log" >"$T/check2.log"
    count_diff "report_check $_n" "$T/check2.log" "$_rc"
}

if "$EXPC" run --help 2>&1 | grep -q -- '--report=FILE.html'; then pass "--report in run --help"
else fail "--report in run --help" "not listed"; fi

# The picture expected: libgvc's SVG unless this build was made without it
# (make GVC=0 puts gvc in EXPC_OFF) or this machine has no libgvc.
case " ${EXPC_OFF:-} " in
*" gvc "*) PIC=none ;;
*) if pkg-config --exists libgvc 2>/dev/null; then PIC=svg; else PIC=none; fi ;;
esac
has_gvc() { [ "$PIC" = svg ]; }

# ---- every example ----------------------------------------------------------
n=0
for exp in "$X"/*.exp; do
    name=$(basename "$exp" .exp)
    log=${exp%.exp}.csv
    [ -f "$log" ] || continue
    n=$((n + 1))
    "$EXPC" run "$exp" "$log" >"$T/$name.plain" 2>/dev/null
    "$EXPC" run "$exp" "$log" --summary --report="$T/$name.html" >"$T/$name.out" 2>"$T/$name.sum"
    expect_code "$name: run --report" 0 $?
    expect_same "$name: stdout unchanged by --report" "$T/$name.plain" "$T/$name.out"
    python3 "$ROOT/tests/model.py" events "$exp" "$log" >"$T/$name.ev"
    facts=$(python3 "$ROOT/tests/model.py" facts "$exp" "$log")
    custs=$(($(wc -l <"$T/$name.out") - 1))
    check "$name" "$T/$name.html" --summary="$T/$name.sum" --events="$T/$name.ev" --urls \
        --facts="$facts,invalid=0,customers=$custs,input=$log" \
        --picture=$PIC
    if grep -qiE '@import|url\(|src=|href="[^d#]' "$T/$name.html"; then
        fail "$name: no src, no href but data:, no url()" "$(grep -oiE '.{20}(@import|url\(|src=|href=").{30}' "$T/$name.html" | head -2)"
    else pass "$name: no src, no href but data:, no url()"; fi
    if has_llvm; then
        "$EXPC" run "$exp" "$log" --engine=jit --report="$T/$name.jit.html" >"$T/$name.jit" 2>/dev/null
        "$EXPC" run "$exp" "$log" --engine=interp --report="$T/$name.int.html" >/dev/null 2>&1
        expect_same "$name: the JIT's page = the interpreter's" "$T/$name.int.html" "$T/$name.jit.html"
        expect_same "$name: the JIT's table" "$T/$name.plain" "$T/$name.jit"
    else
        not_built llvm "$name: the JIT's page"
    fi
done
at_least "examples" 4 "$n"

# ---- time rules: capped events (examples/time/airline) -----------------------
# The capped column counts the push opens over their daily cap, as the
# model works it out (tests/model.py transcribes the time rules); the
# JIT's page is the interpreter's.
A=$ROOT/examples/time
"$EXPC" run "$A/airline.exp" "$A/airline.csv" --time=time --summary --report="$T/air.html" \
    >"$T/air.out" 2>"$T/air.sum"
expect_code "airline: run --time --report" 0 $?
expect_same "airline: the table" "$A/airline.expected" "$T/air.out"
python3 "$ROOT/tests/model.py" events "$A/airline.exp" "$A/airline.csv" >"$T/air.ev"
grep -q '^push_opened 5 4 0 1$' "$T/air.ev" && pass "airline: the model caps one push open" ||
    fail "airline: the model caps one push open" "$(cat "$T/air.ev")"
check airline "$T/air.html" --summary="$T/air.sum" --events="$T/air.ev" --urls --picture=$PIC
if has_llvm; then
    "$EXPC" run "$A/airline.exp" "$A/airline.csv" --time=time --engine=jit --report="$T/air.jit.html" \
        >/dev/null 2>&1
    "$EXPC" run "$A/airline.exp" "$A/airline.csv" --time=time --engine=interp \
        --report="$T/air.int.html" >/dev/null 2>&1
    expect_same "airline: the JIT's page = the interpreter's" "$T/air.int.html" "$T/air.jit.html"
else
    not_built llvm "airline: the JIT's page"
fi

# Each engine counts as it steps (rt_engine.step_batch_tally): logs with a
# few customers (repeats in every batch) and with many, over several
# batches, counted by every engine as the model counts.
for shape in "12 few" "5000 many"; do
    set -- $shape
    awk -v k="$1" 'BEGIN { split("stayed_an_hour used_shelf_map bought_book gift_wrapped review_shared joined_group out_of_stock nope", ev, " ");
        srand(7); print "customer,event";
        for (i = 0; i < 20000; i++) print "c" int(rand() * k) "," ev[1 + int(rand() * 8)] }' >"$T/$2.csv"
    python3 "$ROOT/tests/model.py" events "$X/bookshop.exp" "$T/$2.csv" >"$T/$2.ev"
    for eng in interp jit; do
        if [ "$eng" = jit ] && ! has_llvm; then not_built llvm "$2 customers: the JIT's counts"; continue; fi
        "$EXPC" run "$X/bookshop.exp" "$T/$2.csv" --engine=$eng --summary --report="$T/$2.$eng.html" \
            >/dev/null 2>"$T/$2.sum"
        check "$2 customers, $eng" "$T/$2.$eng.html" --events="$T/$2.ev" --summary="$T/$2.sum"
    done
done

# Worked by hand from examples/bookshop.csv (path STAY -> SPEND -> SAY,
# thresholds 8, 10, 6): ann plays every note in order and ends ENGAGED,
# her out_of_stock (-3) counts; ben's review_shared comes while he is on
# STAY: early.
cat >"$T/bookshop.hand" <<'EOF'
stayed_an_hour 2 2 0 0
used_shelf_map 1 1 0 0
bought_book 1 1 0 0
gift_wrapped 1 1 0 0
review_shared 2 1 1 0
joined_group 0 0 0 0
out_of_stock 1 1 0 0
EOF
check "bookshop by hand" "$T/bookshop.html" --events="$T/bookshop.hand"

# The picture: drawn by libgvc when built with it, else the page says so.
if has_gvc; then
    if grep -q '<svg[^>]*viewBox' "$T/bookshop.html" && grep -q '<title>STAY</title>' "$T/bookshop.html"
    then pass "picture: the machine's nodes"; else fail "picture: the machine's nodes" "no node STAY"; fi
else
    not_built gvc "picture: the machine drawn by libgvc"
    if grep -q 'built without Graphviz' "$T/bookshop.html"; then pass "picture: says it is missing"
    else fail "picture: says it is missing" "no word of it"; fi
fi

# ---- the header's counts ------------------------------------------------------
# 9 records: a quoted customer spanning two lines is one; the empty lines
# are none; 2 undeclared, 2 invalid (an empty event, an unterminated
# quote), 5 scored, over 4 customers.
printf 'customer,event\nann,stayed_an_hour\n\n"b\nob",stayed_an_hour\nann,nope\ncid,\n\nann,used_shelf_map\nann,nope_again\nbob,review_shared\ncid,joined_group\n"dan,bought_book\n' >"$T/mixed.csv"
"$EXPC" run "$X/bookshop.exp" "$T/mixed.csv" --skip-invalid --summary --report="$T/mixed.html" \
    >"$T/mixed.out" 2>"$T/mixed.sum"
expect_code "mixed log: run" 0 $?
printf 'stayed_an_hour 2 2 0 0\nused_shelf_map 1 1 0 0\nbought_book 0 0 0 0\ngift_wrapped 0 0 0 0\nreview_shared 1 0 1 0\njoined_group 1 0 1 0\nout_of_stock 0 0 0 0\n' >"$T/mixed.hand"
check "mixed log" "$T/mixed.html" --summary="$T/mixed.sum" --events="$T/mixed.hand" --urls \
    --facts="records=9,scored=5,undeclared=2,invalid=2,customers=4,input=$T/mixed.csv"

# Names are escaped: an input named with markup characters.
weird="$T/a<b>&\"c'.csv"
cp "$X/bookshop.csv" "$weird"
"$EXPC" run "$X/bookshop.exp" "$weird" --report="$T/weird.html" >/dev/null 2>&1
expect_code "markup in the input's name: run" 0 $?
check "markup in the input's name" "$T/weird.html" --urls --facts="input=$weird"
if grep -q 'a&lt;b&gt;&amp;&quot;c&#39;.csv' "$T/weird.html"; then pass "input name escaped"
else fail "input name escaped" "$(grep -o 'data-input="[^>]*' "$T/weird.html")"; fi

# Thousands separators for people, raw integers in data-*: 1,500 customers.
awk 'BEGIN { print "customer,event"; for (i = 0; i < 1500; i++) print "c" i ",stayed_an_hour" }' >"$T/many.csv"
"$EXPC" run "$X/bookshop.exp" "$T/many.csv" --summary --report="$T/many.html" >/dev/null 2>"$T/many.sum"
check "1500 customers" "$T/many.html" --summary="$T/many.sum" --facts="records=1500,customers=1500"
if grep -q 'data-reached="1500"' "$T/many.html" && grep -q '>1,500<' "$T/many.html"
then pass "1,500 shown, 1500 in data-*"; else fail "1,500 shown, 1500 in data-*" "not both"; fi

# The checker itself fails a wrong page.
sed 's/data-reached="1500"/data-reached="1499"/' "$T/many.html" >"$T/bad.html"
if $CHECK "$T/bad.html" --summary="$T/many.sum" >/dev/null 2>&1
then fail "report_check catches a wrong bar" "it passed"; else pass "report_check catches a wrong bar"; fi

# ---- outputs that cannot be written ---------------------------------------------
"$EXPC" run "$X/bookshop.exp" "$X/bookshop.csv" --report="$T/nodir/r.html" >"$T/nodir.out" 2>"$T/nodir.err"
expect_code "missing folder: exit 74" 74 $?
expect_same "missing folder: the table all the same" "$T/bookshop.plain" "$T/nodir.out"
if grep -q "r.html" "$T/nodir.err"; then pass "missing folder: says which"
else fail "missing folder: says which" "$(cat "$T/nodir.err")"; fi
mkdir "$T/ro"
chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
    "$EXPC" run "$X/bookshop.exp" "$X/bookshop.csv" --report="$T/ro/r.html" >"$T/ro.out" 2>/dev/null
    expect_code "read-only folder: exit 74" 74 $?
    expect_same "read-only folder: the table all the same" "$T/bookshop.plain" "$T/ro.out"
    if [ -z "$(ls -A "$T/ro")" ]; then pass "read-only folder: nothing left"
    else fail "read-only folder: nothing left" "$(ls -A "$T/ro")"; fi
fi
chmod 755 "$T/ro"
# A full disk (/dev/full: written in place, every write fails).
"$EXPC" run "$X/bookshop.exp" "$X/bookshop.csv" --report=/dev/full >"$T/full.out" 2>/dev/null
expect_code "full disk: exit 74" 74 $?
expect_same "full disk: the table all the same" "$T/bookshop.plain" "$T/full.out"
# A folder where the page should go: nothing half-written beside it.
mkdir "$T/dirpage"
"$EXPC" run "$X/bookshop.exp" "$X/bookshop.csv" --report="$T/dirpage" >/dev/null 2>&1
expect_code "a folder as the page: exit 74" 74 $?
if [ -z "$(ls -A "$T" | grep '^\.')" ]; then pass "no temporary left"
else fail "no temporary left" "$(ls -A "$T" | grep '^\.')"; fi

# Usage: an empty name; the standalone program has no --report.
"$EXPC" run "$X/bookshop.exp" "$X/bookshop.csv" --report= >/dev/null 2>"$T/empty.err"
expect_code "--report= : usage error" 2 $?
"$EXPC" run "$X/bookshop.exp" "$X/bookshop.csv" --report=- >"$T/dash.out" 2>/dev/null
expect_code "--report=- (stdout holds the table): usage error" 2 $?
if [ -s "$T/dash.out" ]; then fail "--report=-: nothing on stdout" "$(head -c 80 "$T/dash.out")"
else pass "--report=-: nothing on stdout"; fi
"$EXPC" build "$X/bookshop.exp" --emit=c --main -o "$T/main.c" 2>/dev/null &&
    ${CC:-cc} -O0 -o "$T/main" "$T/main.c" 2>/dev/null
if [ -x "$T/main" ]; then
    "$T/main" --report="$T/x.html" "$X/bookshop.csv" >/dev/null 2>&1
    expect_code "standalone program: no --report" 2 $?
else
    fail "standalone program: no --report" "could not build it"
fi

# ---- in a browser -------------------------------------------------------------
CHROMIUM=
for c in chromium chromium-browser; do
    command -v "$c" >/dev/null 2>&1 && { CHROMIUM=$c; break; }
done
# browse OUT LOG URL ARGS...: one headless launch, network off (every host
# unresolvable, every connection through a dead proxy), its console on LOG.
browse() {
    _out=$1 _log=$2
    shift 2
    timeout 60 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run \
        --user-data-dir="$T/chromium-profile" --enable-logging=stderr --v=0 \
        --proxy-server=socks5://127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
        --window-size=1000,2200 "$@" >"$_out" 2>"$_log"
}
if [ -z "$CHROMIUM" ]; then
    skip "browser" "chromium not found (apt-get install chromium): the page was not opened in a browser"
else
    for name in bookshop grand_hotel; do
        browse "$T/$name.dom" "$T/$name.console" --dump-dom "file://$T/$name.html"
        expect_code "$name: chromium --dump-dom" 0 $?
        if grep -q 'CONSOLE' "$T/$name.console"; then
            fail "$name: no console message" "$(grep CONSOLE "$T/$name.console" | head -3)"
        else pass "$name: no console message"; fi
        facts=$(python3 "$ROOT/tests/model.py" facts "$X/$name.exp" "$X/$name.csv")
        check "$name in chromium" "$T/$name.dom" --summary="$T/$name.sum" --events="$T/$name.ev" \
            --urls --facts="$facts" --picture=$PIC
    done
    check "bookshop by hand, in chromium" "$T/bookshop.dom" --events="$T/bookshop.hand"
    # The console check sees a page that loads something.
    sed 's#</body>#<img src="https://example.com/x.png" alt=""></body>#' "$T/bookshop.html" >"$T/loads.html"
    browse "$T/loads.dom" "$T/loads.console" --dump-dom "file://$T/loads.html"
    if grep -q 'CONSOLE.*example.com' "$T/loads.console"; then pass "a page that loads a URL is caught"
    else fail "a page that loads a URL is caught" "no console message"; fi
    browse /dev/null "$T/shot.console" --screenshot="$T/shot.png" "file://$T/bookshop.html"
    size=$(wc -c <"$T/shot.png" 2>/dev/null || echo 0)
    if [ "$(head -c 8 "$T/shot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
        [ "$size" -gt 20000 ]; then pass "screenshot: a PNG of $size bytes"
    else fail "screenshot: a PNG" "$size bytes"; fi
fi
finish
