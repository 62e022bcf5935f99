#!/bin/sh
# t_serve.sh - `expc serve` (docs/service.md), started for real on
# free loopback ports and talked to with curl and Python's http.client
# (tests/serve_check.py): every route and status, all-or-nothing bodies,
# --max-body, slow and half-sent bodies, 404/405, percent-encoding, 10 MB
# ids, non-UTF-8, the bearer token, the default address, --data checks
# (not writable, another machine, in use, --reset), Idempotency-Key,
# --time (late events), SIGTERM/SIGINT with a request under way, a crash
# test (kill -9 under load, restart, retries with the same keys: the table
# equals `expc run` over every body), a full disk (507, nothing applied;
# a real small tmpfs), IPv6 (--listen=[::1]:PORT), and a short session
# under valgrind.
# Every server is stopped on every exit path (trap).  N/A when expc is
# built without the service (make SERVE=0).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
S=$ROOT/examples/bookshop.exp
CHECK="python3 $ROOT/tests/serve_check.py"
PIDS=""
MNT=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    [ -z "$MNT" ] || umount "$MNT" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM

"$EXPC" serve "$S" --data="$T/probe" >/dev/null 2>"$T/probe.err" </dev/null &
probe=$!
PIDS=$probe
sleep 0.3
if grep -q 'built without them' "$T/probe.err"; then
    not_built serve "expc serve is not built in"
    finish
    exit $?
fi
kill -9 "$probe" 2>/dev/null
wait "$probe" 2>/dev/null

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start LOG PORT ARGS...: a server in the background (SPID), up when
# /healthz answers; false when it exits or does not come up in 20 s.
start() {
    _log=$1
    _port=$2
    shift 2
    "$EXPC" serve "$@" --listen="127.0.0.1:$_port" 2>"$_log" </dev/null &
    SPID=$!
    PIDS="$PIDS $SPID"
    _i=0
    while [ $_i -lt 200 ]; do
        curl -s -o /dev/null "http://127.0.0.1:$_port/healthz" && return 0
        kill -0 "$SPID" 2>/dev/null || return 1
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}
# stop [SIG]: signals SPID (TERM) and sets SRC to its exit code.
stop() {
    kill -"${1:-TERM}" "$SPID" 2>/dev/null
    wait "$SPID"
    SRC=$?
}
# check NAME ARGS...: serve_check.py's cases counted as this suite's.
check() {
    _n=$1
    shift
    $CHECK "$@" >"$T/$_n.log" 2>&1
    count_diff serve_check "$T/$_n.log" $?
}
# get PORT PATH: the body of a GET.
get() { curl -s "http://127.0.0.1:$1$2"; }

# ---- start-up checks ---------------------------------------------------
"$EXPC" serve "$S" >/dev/null 2>"$T/err"
expect_code "no --data: usage" 2 $?
grep -q 'needs --data' "$T/err" && pass "no --data message" || fail "no --data message" "$(cat "$T/err")"
: >"$T/afile"
"$EXPC" serve "$S" --data="$T/afile" >/dev/null 2>"$T/err"
expect_code "--data a file: exit 1" 1 $?
grep -q 'not a folder' "$T/err" && pass "--data a file message" || fail "--data a file message" "$(cat "$T/err")"
if [ "$(id -u)" = 0 ]; then
    RO=/proc/expc-serve-$$   # even root cannot make a folder here
else
    mkdir "$T/ro" && chmod 555 "$T/ro"
    RO=$T/ro
fi
"$EXPC" serve "$S" --data="$RO" >/dev/null 2>"$T/err"
expect_code "--data not writable: exit 1" 1 $?
grep -q -e 'not writable' -e 'cannot create' "$T/err" && pass "--data not writable message" ||
    fail "--data not writable message" "$(cat "$T/err")"
"$EXPC" serve "$S" --data="$T/x" --listen=nonsense >/dev/null 2>"$T/err"
expect_code "bad --listen: usage" 2 $?
"$EXPC" serve "$S" --data="$T/x" --max-body=lots >/dev/null 2>"$T/err"
expect_code "bad --max-body: usage" 2 $?
: >"$T/empty.token"
"$EXPC" serve "$S" --data="$T/x" --token-file="$T/empty.token" >/dev/null 2>"$T/err"
expect_code "empty token: usage" 2 $?
"$EXPC" serve --help >"$T/help" 2>&1
grep -q -e '--max-body' "$T/help" && pass "serve --help" || fail "serve --help" "$(head -3 "$T/help")"

# ---- every route ---------------------------------------------------------
P=$(free_port)
D=$T/data
if start "$T/routes.err" "$P" "$S" --data="$D" --max-body=16M; then
    pass "start"
    check routes routes "$P" "$EXPC" "$S" "$T"
    get "$P" /v1/scores >"$T/before.csv"
    stop TERM
    expect_code "SIGTERM: exit 0" 0 "$SRC"
    if grep -Eq '^GET /v1/customers/ann 200 [0-9]+$' "$T/routes.err" &&
        grep -Eq '^POST /v1/events 413 [0-9]+$' "$T/routes.err"; then
        pass "request log lines"
    else
        fail "request log lines" "$(head -5 "$T/routes.err")"
    fi
else
    fail "start" "$(cat "$T/routes.err")"
fi

# Durable across a restart; SIGINT stops it too.
if start "$T/again.err" "$P" "$S" --data="$D"; then
    get "$P" /v1/scores >"$T/after.csv"
    expect_same "state survives a restart" "$T/before.csv" "$T/after.csv"
    # A second service on the same folder is refused.
    P2=$(free_port)
    "$EXPC" serve "$S" --data="$D" --listen="127.0.0.1:$P2" >/dev/null 2>"$T/err"
    expect_code "folder in use: exit 1" 1 $?
    grep -q 'in use' "$T/err" && pass "folder in use message" || fail "folder in use message" "$(cat "$T/err")"
    stop INT
    expect_code "SIGINT: exit 0" 0 "$SRC"
else
    fail "restart" "$(cat "$T/again.err")"
fi

# ---- GET /: the report page of the live state ---------------------------
# The same page as `expc run --report` over the same events: the funnel,
# the per-event counts and the customers, read off both pages; the counts
# survive a restart (stored with the events they count).
# rows PAGE: the numbers of a page, one per line, to compare two pages.
rows() {
    grep -o -e 'data-event="[^"]*" data-seen="[0-9]*" data-counted="[0-9]*" data-early="[0-9]*" data-capped="[0-9]*"' \
        -e 'data-stage="[^"]*" data-reached="[0-9]*"' -e 'data-customers="[0-9]*"' \
        -e 'data-scored="[0-9]*"' "$1"
}
L=$ROOT/examples/bookshop.csv
"$EXPC" run "$S" "$L" --report="$T/run.html" --summary >/dev/null 2>"$T/run.summary"
P=$(free_port)
if start "$T/live.err" "$P" "$S" --data="$T/live"; then
    curl -s --data-binary @"$L" -H 'Content-Type: text/csv' "http://127.0.0.1:$P/v1/events" >/dev/null
    stop TERM
    if start "$T/live2.err" "$P" "$S" --data="$T/live"; then
        curl -s -D "$T/live.head" -o "$T/live.html" "http://127.0.0.1:$P/"
        grep -qi '^content-type: text/html' "$T/live.head" && pass "GET / is HTML" ||
            fail "GET / is HTML" "$(cat "$T/live.head")"
        rows "$T/run.html" >"$T/run.rows"
        rows "$T/live.html" >"$T/live.rows"
        [ -s "$T/run.rows" ] && expect_same "GET / numbers = run --report's (after a restart)" \
            "$T/run.rows" "$T/live.rows" || fail "GET / numbers" "no rows in the run's page"
        grep -q 'live: ' "$T/live.html" && pass "GET / says it is live" || fail "GET / says it is live"
        python3 "$ROOT/tests/report_check.py" "$T/live.html" --summary="$T/run.summary" --urls \
            >"$T/live.check" 2>&1
        count_diff report_check "$T/live.check" $?
        # Pages asked for at once: Graphviz is not reentrant, the drawing takes turns.
        cpids=""
        for i in 1 2 3 4 5 6; do
            curl -s -o "$T/conc.$i.html" "http://127.0.0.1:$P/" &
            cpids="$cpids $!"
        done
        for p in $cpids; do wait "$p"; done
        same=0
        for i in 1 2 3 4 5 6; do cmp -s "$T/conc.$i.html" "$T/live.html" && same=$((same + 1)); done
        [ "$same" = 6 ] && kill -0 "$SPID" 2>/dev/null && pass "GET / six at once: the same page" ||
            fail "GET / six at once: the same page" "$same of 6 equal"
        stop TERM
    else
        fail "live report restart" "$(cat "$T/live2.err")"
    fi
else
    fail "live report start" "$(cat "$T/live.err")"
fi

# ---- time rules: examples/time/airline --------------------------------------
# Refused without --time (the run's message); with it, the table is the
# run's, the state's clock and caps survive a restart (ben's third push
# open of a day, posted after the restart, is capped), and GET / counts it.
A=$ROOT/examples/time
"$EXPC" serve "$A/airline.exp" --data="$T/air" >/dev/null 2>"$T/err"
expect_code "time rules without --time: usage" 2 $?
grep -q 'uses time rules' "$T/err" && pass "time rules without --time: message" ||
    fail "time rules without --time: message" "$(cat "$T/err")"
P=$(free_port)
head -7 "$A/airline.csv" >"$T/air1.csv"
{ head -1 "$A/airline.csv"; tail -n +8 "$A/airline.csv"; } >"$T/air2.csv"
if start "$T/air.err" "$P" "$A/airline.exp" --data="$T/air" --time=time; then
    curl -s --data-binary @"$T/air1.csv" -H 'Content-Type: text/csv' "http://127.0.0.1:$P/v1/events" >/dev/null
    stop TERM
    if start "$T/air2.err" "$P" "$A/airline.exp" --data="$T/air" --time=time; then
        curl -s --data-binary @"$T/air2.csv" -H 'Content-Type: text/csv' "http://127.0.0.1:$P/v1/events" >/dev/null
        get "$P" /v1/scores >"$T/air.csv"
        expect_same "time rules: the table = run's, across a restart" "$A/airline.expected" "$T/air.csv"
        get "$P" / | grep -o 'data-event="push_opened"[^>]*' >"$T/air.push"
        grep -q 'data-capped="1"' "$T/air.push" && pass "time rules: GET / counts the capped event" ||
            fail "time rules: GET / counts the capped event" "$(cat "$T/air.push")"
        stop TERM
    else
        fail "time rules: restart" "$(cat "$T/air2.err")"
    fi
else
    fail "time rules: start" "$(cat "$T/air.err")"
fi

# Another machine: refused, then --reset.
C=$ROOT/examples/clinic.exp
"$EXPC" serve "$C" --data="$D" --listen="127.0.0.1:$P" >/dev/null 2>"$T/err"
expect_code "another machine: exit 1" 1 $?
if grep -q 'corner_bookshop' "$T/err" && grep -q "$(sed -n 's/^experience \([a-z_]*\).*/\1/p' "$C" | head -1)" "$T/err"; then
    pass "another machine names both"
else
    fail "another machine names both" "$(cat "$T/err")"
fi
if start "$T/reset.err" "$P" "$C" --data="$D" --reset; then
    [ "$(get "$P" /v1/scores)" = "customer,score,stage,events,early" ] && pass "--reset empties" ||
        fail "--reset empties" "$(get "$P" /v1/scores | head -3)"
    stop
    expect_code "--reset: exit 0" 0 "$SRC"
else
    fail "--reset start" "$(cat "$T/reset.err")"
fi

# ---- the token -----------------------------------------------------------
printf 's3cret-token\nsecond line ignored\n' >"$T/token"
P=$(free_port)
if start "$T/token.err" "$P" "$S" --data="$T/tok" --token-file="$T/token"; then
    check token token "$P" s3cret-token
    stop
else
    fail "token start" "$(cat "$T/token.err")"
fi

# ---- 127.0.0.1 unless told otherwise --------------------------------------
"$EXPC" serve "$S" --data="$T/def" 2>"$T/def.err" </dev/null &
SPID=$!
PIDS="$PIDS $SPID"
sleep 1
if kill -0 "$SPID" 2>/dev/null; then
    grep -q 'http://127.0.0.1:7070' "$T/def.err" && pass "default address" ||
        fail "default address" "$(cat "$T/def.err")"
    if command -v ss >/dev/null 2>&1; then
        ss -ltn | grep -q '127.0.0.1:7070 ' && pass "default binds loopback only" ||
            fail "default binds loopback only" "$(ss -ltn | grep 7070)"
    fi
    stop
else
    # 7070 taken by someone else: the message still shows the default.
    grep -q 'cannot listen on 127.0.0.1:7070' "$T/def.err" && pass "default address" ||
        fail "default address" "$(cat "$T/def.err")"
fi

# ---- slow and half-sent bodies -------------------------------------------
P=$(free_port)
if start "$T/slow.err" "$P" "$S" --data="$T/slow" --timeout=2; then
    check slow slow "$P"
    stop
    expect_code "slow: exit 0" 0 "$SRC"
else
    fail "slow start" "$(cat "$T/slow.err")"
fi

# ---- --time: per-customer order in a body, late events ---------------------
P=$(free_port)
if start "$T/time.err" "$P" "$S" --data="$T/time" --time=t; then
    b1='customer,event,t
ann,bought_book,2024-01-01T00:00:10Z
ann,stayed_an_hour,2024-01-01T00:00:05Z
ben,stayed_an_hour,100
ann,used_shelf_map,2024-01-01T00:00:07Z'
    r=$(curl -s --data-binary "$b1" -H 'Content-Type: text/csv' "http://127.0.0.1:$P/v1/events")
    [ "$r" = '{"accepted":4,"skipped":0,"late":0}' ] && pass "time: body" || fail "time: body" "$r"
    printf '%s\n' "$b1" >"$T/b1.csv"
    "$EXPC" run "$S" "$T/b1.csv" --time=t >"$T/want.csv"
    get "$P" /v1/scores >"$T/got.csv"
    expect_same "time: ordered as run orders" "$T/want.csv" "$T/got.csv"
    r=$(printf 'customer,event,t\nann,joined_group,2024-01-01T00:00:09Z\nann,joined_group,2024-01-01T00:00:11Z\n' |
        curl -s --data-binary @- "http://127.0.0.1:$P/v1/events")
    [ "$r" = '{"accepted":1,"skipped":0,"late":1}' ] && pass "time: late" || fail "time: late" "$r"
    r=$(printf 'customer,event,t\nann,joined_group,yesterday\n' |
        curl -s -w ' %{http_code}' --data-binary @- "http://127.0.0.1:$P/v1/events")
    [ "$r" = '{"error":"line 2: invalid event data: bad time \"yesterday\""} 400' ] &&
        pass "time: bad time 400" || fail "time: bad time 400" "$r"
    r=$(printf 'customer,event,when\nann,joined_group,5\n' |
        curl -s -w ' %{http_code}' --data-binary @- "http://127.0.0.1:$P/v1/events")
    case $r in *'no column `t` in the header'*'customer, event, when'*' 400') pass "time: header lacks column" ;;
    *) fail "time: header lacks column" "$r" ;; esac
    case $(get "$P" /metrics) in *'expc_events_late_total 1'*) pass "time: late metric" ;;
    *) fail "time: late metric" "$(get "$P" /metrics | grep late)" ;; esac
    stop
else
    fail "time start" "$(cat "$T/time.err")"
fi

# ---- SIGTERM with a body half sent: it finishes, durably -----------------
P=$(free_port)
if start "$T/inflight.err" "$P" "$S" --data="$T/inflight"; then
    rm -f "$T/half"
    $CHECK inflight "$P" "$T" >"$T/inflight.log" 2>&1 &
    cpid=$!
    i=0
    while [ ! -f "$T/half" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    sleep 0.2
    stop TERM
    wait "$cpid"
    count_diff serve_check "$T/inflight.log" $?
    expect_code "SIGTERM in flight: exit 0" 0 "$SRC"
    if start "$T/inflight2.err" "$P" "$S" --data="$T/inflight"; then
        n=$(get "$P" /v1/scores | wc -l)
        [ "$n" = 1001 ] && pass "in-flight body durable" || fail "in-flight body durable" "$n lines"
        stop
    else
        fail "in-flight restart" "$(cat "$T/inflight2.err")"
    fi
else
    fail "inflight start" "$(cat "$T/inflight.err")"
fi

# ---- crash test: kill -9 under load, restart, retry with the same keys ----
P=$(free_port)
if start "$T/crash.err" "$P" "$S" --data="$T/crash"; then
    $CHECK crash "$P" "$T" 20 >"$T/crash.log" 2>&1 &
    cpid=$!
    kills=0
    t0=$(date +%s)
    # Three kills at random moments; the client posts until `stop` appears.
    while [ "$kills" -lt 3 ] && kill -0 "$cpid" 2>/dev/null && [ $(($(date +%s) - t0)) -lt 40 ]; do
        sleep "0.$(awk "BEGIN { srand($$ + $kills); printf \"%d\", 1 + rand() * 4 }")"
        kill -0 "$cpid" 2>/dev/null || break
        kill -9 "$SPID" 2>/dev/null
        wait "$SPID" 2>/dev/null
        kills=$((kills + 1))
        start "$T/crash.err" "$P" "$S" --data="$T/crash" || { fail "crash restart" "$(cat "$T/crash.err")"; break; }
    done
    : >"$T/stop"
    wait "$cpid"
    count_diff serve_check "$T/crash.log" $?
    at_least "crash: kills under load" 2 "$kills"
    echo "t_serve: crash test: $kills kills, client $(grep retries "$T/crash.log")"
    "$EXPC" run "$S" "$T/all.csv" >"$T/want.csv"
    get "$P" /v1/scores >"$T/got.csv"
    expect_same "crash: table = expc run over every body" "$T/want.csv" "$T/got.csv"
    stop
else
    fail "crash start" "$(cat "$T/crash.err")"
fi

# ---- a full disk: 507, nothing applied, and on once there is room ---------
# A real full file system: a 512 KiB tmpfs (mounting needs root, as CI is;
# elsewhere it is skipped).  Bodies of 300 new customers each fill it; the
# body that does not fit gets 507 and leaves no trace, the service goes on
# answering, and once the tmpfs is grown the same body is taken.
# body N: 300 new customers, NDJSON.
body() {
    python3 -c 'import sys; b = sys.argv[1]
sys.stdout.write("".join("{\"customer\":\"full-%s-%03d-a-long-enough-id\",\"event\":\"stayed_an_hour\"}\n" % (b, i) for i in range(300)))' "$1"
}
mkdir -p "$T/full"
if ! mount -t tmpfs -o size=512k expc-full "$T/full" 2>"$T/mount.err"; then
    skip "disk full" "cannot mount a small tmpfs (needs root): $(cat "$T/mount.err")"
else
    MNT=$T/full
    P=$(free_port)
    if start "$T/full.err" "$P" "$S" --data="$T/full/d"; then
        : >"$T/fullin.ndjson"
        code=200
        n=0
        while [ "$code" = 200 ] && [ $n -lt 40 ]; do
            n=$((n + 1))
            body $n >"$T/b.ndjson"
            code=$(curl -s -o "$T/full.resp" -w '%{http_code}' --data-binary @"$T/b.ndjson" \
                -H 'Content-Type: application/x-ndjson' "http://127.0.0.1:$P/v1/events")
            [ "$code" = 200 ] && cat "$T/b.ndjson" >>"$T/fullin.ndjson"
        done
        if [ "$code" = 507 ] && [ $n -gt 1 ] && grep -q 'no room to store it' "$T/full.resp"; then
            pass "disk full: 507 after $((n - 1)) bodies"
        else
            fail "disk full: 507" "body $n: $code $(cat "$T/full.resp")"
        fi
        grep -q '^expc: serve: a write failed, 507 sent' "$T/full.err" && pass "disk full: logged" ||
            fail "disk full: logged" "$(tail -3 "$T/full.err")"
        [ "$(curl -s "http://127.0.0.1:$P/healthz")" = ok ] && pass "disk full: still answering" ||
            fail "disk full: still answering"
        "$EXPC" run "$S" "$T/fullin.ndjson" >"$T/want.csv"
        get "$P" /v1/scores >"$T/got.csv"
        expect_same "disk full: nothing of the 507 body applied" "$T/want.csv" "$T/got.csv"
        mount -o remount,size=8m "$T/full"
        code=$(curl -s -o "$T/full.resp" -w '%{http_code}' --data-binary @"$T/b.ndjson" \
            -H 'Content-Type: application/x-ndjson' "http://127.0.0.1:$P/v1/events")
        [ "$code" = 200 ] && cat "$T/b.ndjson" >>"$T/fullin.ndjson"
        expect_code "disk full: taken once there is room" 200 "$code"
        "$EXPC" run "$S" "$T/fullin.ndjson" >"$T/want.csv"
        get "$P" /v1/scores >"$T/got.csv"
        expect_same "disk full: then applied once" "$T/want.csv" "$T/got.csv"
        stop TERM
        expect_code "disk full: exit 0" 0 "$SRC"
    else
        fail "disk full start" "$(cat "$T/full.err")"
    fi
    umount "$T/full" && MNT=""
fi

# ---- IPv6: --listen=[::1]:PORT ---------------------------------------------
"$EXPC" serve "$S" --data="$T/v6" --listen='[::1' >/dev/null 2>"$T/err"
expect_code "--listen IPv6 without the port: usage" 2 $?
"$EXPC" serve "$S" --data="$T/v6" --listen='[zz]:7070' >/dev/null 2>"$T/err"
expect_code "--listen bad IPv6 address: usage" 2 $?
grep -q 'not an IPv6 address' "$T/err" && pass "--listen bad IPv6 message" ||
    fail "--listen bad IPv6 message" "$(cat "$T/err")"
if ! python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
    skip "IPv6" "this machine has no ::1"
else
    P=$(free_port)
    "$EXPC" serve "$S" --data="$T/v6" --listen="[::1]:$P" 2>"$T/v6.err" </dev/null &
    SPID=$!
    PIDS="$PIDS $SPID"
    i=0
    until curl -s -g -o /dev/null "http://[::1]:$P/healthz" || [ $i -ge 200 ]; do sleep 0.1; i=$((i + 1)); done
    r=$(curl -s -g --data-binary @examples/bookshop.csv "http://[::1]:$P/v1/events")
    case $r in '{"accepted":'*) pass "IPv6: POST" ;; *) fail "IPv6: POST" "$r $(cat "$T/v6.err")" ;; esac
    "$EXPC" run "$S" examples/bookshop.csv >"$T/want.csv"
    curl -s -g "http://[::1]:$P/v1/scores" >"$T/got.csv"
    expect_same "IPv6: the table" "$T/want.csv" "$T/got.csv"
    grep -q "on http://\[::1\]:$P " "$T/v6.err" && pass "IPv6: start line" ||
        fail "IPv6: start line" "$(head -2 "$T/v6.err")"
    stop TERM
    expect_code "IPv6: exit 0" 0 "$SRC"
fi

# ---- a short session under valgrind -------------------------------------
if nm "$EXPC" 2>/dev/null | grep -q __asan_init; then
    not_built valgrind "expc is built with AddressSanitizer: no serve session under memcheck"
elif ! command -v valgrind >/dev/null 2>&1; then
    skip valgrind "valgrind not found"
else
    P=$(free_port)
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
        --log-file="$T/vg.log" "$EXPC" serve "$S" --engine=interp --data="$T/vg" \
        --listen="127.0.0.1:$P" 2>"$T/vg.err" </dev/null &
    SPID=$!
    PIDS="$PIDS $SPID"
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$P/healthz" || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
    curl -s --data-binary @examples/bookshop.csv -H 'Idempotency-Key: a' "http://127.0.0.1:$P/v1/events" >/dev/null
    curl -s --data-binary @examples/bookshop.csv -H 'Idempotency-Key: a' "http://127.0.0.1:$P/v1/events" >/dev/null
    curl -s --data-binary 'x,' "http://127.0.0.1:$P/v1/events" >/dev/null
    for u in /v1/scores /v1/funnel /metrics /v1/customers/ann /v1/customers/nobody /nope; do
        curl -s "http://127.0.0.1:$P$u" >/dev/null
    done
    curl -s -X DELETE "http://127.0.0.1:$P/v1/customers/ben" >/dev/null
    get "$P" /v1/scores >"$T/vg.csv"
    stop TERM
    if [ "$SRC" = 0 ] && [ ! -s "$T/vg.log" ] && [ "$(wc -l <"$T/vg.csv")" = 2 ]; then
        pass "valgrind session"
    else
        fail "valgrind session" "exit $SRC, $(wc -l <"$T/vg.csv") rows; $(head -30 "$T/vg.log")"
    fi
fi

finish
