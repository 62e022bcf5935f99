#!/bin/sh
# bench/serve_bench.sh - `expc serve` under load (bench/run.sh calls it; it
# runs alone too: sh bench/serve_bench.sh [OUT]).  With wrk (Debian), on
# loopback, durable (LMDB syncs every group commit):
#   1. ingestion: two wrk connections POST 1,000-event NDJSON bodies for
#      SERVE_SECS seconds (target >= 100,000 events/s), while a probe GETs
#      /v1/customers/{id} 200 times a second on a kept-alive connection
#      (target p99 < 5 ms; a paced probe, so that it measures the wait
#      behind the ingestion rather than adding a third saturating client);
#      then the same with 8 POSTing connections (what group commit gives
#      when more clients share each sync);
#   2. small GETs alone: requests/s of GET /v1/customers/{id}, 8
#      connections;
#   3. peak RSS (VmHWM) of a service holding 1M customers, after posting
#      them and serving GET /v1/scores (the whole table) once.
# Writes `key=value` lines to OUT (default build/bench/raw/serve.txt) for
# bench/report.py, and wrk's own output beside it (serve_*.wrk).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXPC=${EXPC:-$ROOT/build/expc}
W=$ROOT/build/bench/serve
OUT=${1:-$ROOT/build/bench/raw/serve.txt}
SECS=${SERVE_SECS:-10}
SCRIPT=$ROOT/examples/grand_hotel.exp
PYTHON=${PYTHON:-python3}
mkdir -p "$W" "$(dirname "$OUT")"
command -v wrk >/dev/null 2>&1 || { echo "skipped: wrk not found (apt-get install wrk)" >"$OUT"; exit 0; }
SPID=
trap '[ -n "$SPID" ] && kill -9 $SPID 2>/dev/null; :' EXIT INT TERM

port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # start DATA: the service in the background on $P
    rm -rf "$1"
    "$EXPC" serve "$SCRIPT" --data="$1" --listen="127.0.0.1:$P" 2>"$W/serve.err" >/dev/null &
    SPID=$!
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$P/healthz"; do
        i=$((i + 1)); [ $i -lt 300 ] || { echo "bench: the service did not start" >&2; exit 1; }
        sleep 0.1
    done
}
stop() { kill -TERM "$SPID"; wait "$SPID" || true; SPID=; }

# Bodies: 20 of 1,000 events over 100,000 customers; 1,000 of 1,000 new
# customers each (1M) for the RSS reading.
"$PYTHON" - "$W" "$SCRIPT" <<'EOF'
import os, random, re, sys
w, script = sys.argv[1], sys.argv[2]
names = re.findall(r"^\s*event\s+([a-z_]+)", open(script).read(), re.M)
rnd = random.Random(42)
os.makedirs(os.path.join(w, "b"), exist_ok=True)
for i in range(20):
    with open(os.path.join(w, "b", "%d.ndjson" % (i + 1)), "w") as f:
        for _ in range(1000):
            f.write('{"customer":"c%d","event":"%s"}\n' % (rnd.randrange(100000), rnd.choice(names)))
with open(os.path.join(w, "million.ndjson"), "w") as f:
    for c in range(1000000):
        f.write('{"customer":"m%d","event":"%s"}\n' % (c, rnd.choice(names)))
EOF

cat >"$W/post.lua" <<'EOF'
local bodies, i = {}, 0
local dir = os.getenv("BODIES")
for k = 1, 20 do
  local f = io.open(dir .. "/" .. k .. ".ndjson", "rb")
  bodies[k] = f:read("*a")
  f:close()
end
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/events", {["Content-Type"] = "application/x-ndjson"}, bodies[i])
end
EOF
cat >"$W/get.lua" <<'EOF'
math.randomseed(7)
request = function()
  return wrk.format("GET", "/v1/customers/c" .. math.random(0, 99999))
end
EOF

P=$(port)
start "$W/data"
# Seed the customers the GETs ask for.
for k in $(seq 1 20); do
    curl -s -o /dev/null --data-binary "@$W/b/$k.ndjson" "http://127.0.0.1:$P/v1/events"
done
BODIES=$W/b wrk -t2 -c2 -d"${SECS}s" -s "$W/post.lua" "http://127.0.0.1:$P" >"$W/serve_post.wrk" 2>&1 &
wpid=$!
sleep 1
"$PYTHON" - "$P" "$((SECS - 2))" >"$W/serve_get_load.txt" <<'EOF'
import http.client, random, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
rnd, lat, end = random.Random(7), [], time.time() + secs
while time.time() < end:
    t0 = time.perf_counter()
    c.request("GET", "/v1/customers/c%d" % rnd.randrange(100000))
    r = c.getresponse(); r.read()
    lat.append((time.perf_counter() - t0) * 1000)
    time.sleep(max(0, 0.005 - (time.perf_counter() - t0)))
lat.sort()
print("n=%d" % len(lat))
print("p50_ms=%.3f" % lat[len(lat) // 2])
print("p99_ms=%.3f" % lat[int(len(lat) * 0.99)])
print("max_ms=%.3f" % lat[-1])
EOF
wait $wpid
BODIES=$W/b wrk -t4 -c8 -d"${SECS}s" -s "$W/post.lua" "http://127.0.0.1:$P" >"$W/serve_post8.wrk" 2>&1
wrk -t2 -c8 -d5s -s "$W/get.lua" "http://127.0.0.1:$P" >"$W/serve_get.wrk" 2>&1
stop

# 1M customers: posted in 1,000-event bodies by two clients, then the table.
start "$W/data1m"
"$PYTHON" - "$P" "$W/million.ndjson" <<'EOF'
import http.client, sys, threading
port, path = int(sys.argv[1]), sys.argv[2]
lines = open(path, "rb").read().splitlines(keepends=True)
bodies = [b"".join(lines[i:i + 1000]) for i in range(0, len(lines), 1000)]
def post(part):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for b in part:
        c.request("POST", "/v1/events", b, {"Content-Type": "application/x-ndjson"})
        r = c.getresponse(); r.read()
        assert r.status == 200, r.status
ts = [threading.Thread(target=post, args=(bodies[k::2],)) for k in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
EOF
n=$(curl -s "http://127.0.0.1:$P/v1/scores" | wc -l)
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SPID/status")
stop

# wrk: "Requests/sec: N", non-2xx.
rps() { sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$1"; }
non2xx() { sed -n 's/.*Non-2xx or 3xx responses:[[:space:]]*\([0-9]*\).*/\1/p' "$1"; }
{
    echo "secs=$SECS"
    echo "load_end=$(cut -d" " -f1-3 /proc/loadavg)"
    echo "post_rps=$(rps "$W/serve_post.wrk")"
    echo "post_non2xx=$(non2xx "$W/serve_post.wrk")"
    echo "events_per_s=$(awk -v r="$(rps "$W/serve_post.wrk")" 'BEGIN { printf "%.0f", r * 1000 }')"
    sed 's/^/get_load_/' "$W/serve_get_load.txt"
    echo "post8_events_per_s=$(awk -v r="$(rps "$W/serve_post8.wrk")" 'BEGIN { printf "%.0f", r * 1000 }')"
    echo "get_rps=$(rps "$W/serve_get.wrk")"
    echo "rows_1m=$((n - 1))"
    echo "rss_1m_kb=$hwm"
} >"$OUT"
cp "$W"/serve_*.wrk "$W/serve_get_load.txt" "$(dirname "$OUT")/"
cat "$OUT"
