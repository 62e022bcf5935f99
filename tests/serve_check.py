#!/usr/bin/env python3
"""serve_check.py - talks to a running `expc serve` (tests/t_serve.sh starts
it) with http.client and raw sockets, and checks docs/service.md (and docs/language.md, the `serve` command) case by case.

    serve_check.py routes   PORT EXPC SCRIPT WORKDIR   every route and status
    serve_check.py token    PORT TOKEN                 the bearer token
    serve_check.py slow     PORT                       slow and half-sent bodies
    serve_check.py inflight PORT WORKDIR               a body sent in two halves
                                                       (SIGTERM lands in between)
    serve_check.py crash    PORT WORKDIR N             the crash test's client

Each case prints `ok NAME` or `FAIL NAME: WHY`; the last line is
`serve_check: N cases, M failed` (tests/lib.sh count_diff reads it)."""
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

from cases import Cases

EVENTS = ["stayed_an_hour", "used_shelf_map", "bought_book", "gift_wrapped",
          "review_shared", "joined_group", "out_of_stock"]
case = Cases("serve_check")


def req(port, method, path, body=None, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), data)
    c.close()
    return out


def status_is(name, got, want):
    case(name, got[0] == want, "status %d, want %d: %r" % (got[0], want, got[2][:200]))


def run_expc(expc, script, events_file, fmt="csv"):
    return subprocess.run([expc, "run", script, events_file, "--format=" + fmt],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout


def scores(port, ndjson=False):
    h = {"Accept": "application/x-ndjson"} if ndjson else {}
    return req(port, "GET", "/v1/scores", headers=h)


def check_routes(port, expc, script, work):
    accepted = []  # bodies as CSV lines without header, in acceptance order
    st = req(port, "GET", "/healthz")
    case("healthz", st[0] == 200 and st[2] == b"ok", repr(st))
    body = "customer,event,channel\nann,stayed_an_hour,store\nann,used_shelf_map,app\n" \
           "ben,review_shared,web\nann,bought_book,store\nann,nosuch,web\n\n"
    r = req(port, "POST", "/v1/events", body, {"Content-Type": "text/csv"})
    status_is("post csv", r, 200)
    case("post csv counts", r[2] == b'{"accepted":4,"skipped":1,"late":0}', r[2])
    case("post csv content-type", r[1].get("content-type") == "application/json", r[1])
    accepted += ["ann,stayed_an_hour", "ann,used_shelf_map", "ben,review_shared",
                 "ann,bought_book"]
    nd = '{"customer":"cy","event":"gift_wrapped"}\n{"customer":42,"event":"stayed_an_hour"}\n' \
         '{"customer":"ann","event":"gift_wrapped","x":[1,2]}\n'
    r = req(port, "POST", "/v1/events", nd, {"Content-Type": "application/x-ndjson"})
    case("post ndjson", r[0] == 200 and r[2] == b'{"accepted":3,"skipped":0,"late":0}', r)
    accepted += ["cy,gift_wrapped", "42,stayed_an_hour", "ann,gift_wrapped"]
    # No Content-Type: by content.
    r = req(port, "POST", "/v1/events", '{"customer":"dee","event":"bought_book"}\n')
    case("post sniffed ndjson", r[0] == 200 and b'"accepted":1' in r[2], r)
    accepted += ["dee,bought_book"]
    r = req(port, "POST", "/v1/events", "eve,joined_group\n", {"Content-Type": "text/plain"})
    case("post sniffed csv", r[0] == 200 and b'"accepted":1' in r[2], r)
    accepted += ["eve,joined_group"]
    # Customer ids with a comma, a quote, a slash, non-ASCII.
    odd = 'customer,event\n"a,b",bought_book\n"q""t",bought_book\nx/y,bought_book\n' \
          'z\u00e9,bought_book\n'
    r = req(port, "POST", "/v1/events", odd.encode(), {"Content-Type": "text/csv"})
    case("post odd ids", r[0] == 200 and b'"accepted":4' in r[2], r)
    accepted += ['"a,b",bought_book', '"q""t",bought_book', "x/y,bought_book",
                 "z\u00e9,bought_book"]
    before = scores(port)[2]

    # All or nothing.
    bad = "customer,event\nann,bought_book\nbob,bought_book\n,bought_book\n"
    r = req(port, "POST", "/v1/events", bad, {"Content-Type": "text/csv"})
    status_is("invalid body 400", r, 400)
    case("invalid body message", r[2] == b'{"error":"line 4: invalid event data: empty customer"}',
         r[2])
    bad_utf8 = b"customer,event\nann,bought_book\n\xff\xfe,bought_book\n"
    r = req(port, "POST", "/v1/events", bad_utf8, {"Content-Type": "text/csv"})
    case("non-UTF-8 body 400", r[0] == 400 and b"line 3: invalid event data" in r[2], r)
    r = req(port, "POST", "/v1/events", '{"customer":"ann","event":"bought_book"}\n{"customer":',
            {"Content-Type": "application/x-ndjson"})
    case("truncated ndjson 400", r[0] == 400 and b"line 2" in r[2], r)
    case("400 applies nothing", scores(port)[2] == before, "scores changed")

    # Idempotency.
    key = {"Content-Type": "text/csv", "Idempotency-Key": "k-1"}
    r1 = req(port, "POST", "/v1/events", "fay,bought_book\nfay,nosuch\n", key)
    accepted += ["fay,bought_book"]
    mid = scores(port)[2]
    r2 = req(port, "POST", "/v1/events", "fay,bought_book\nfay,nosuch\n", key)
    case("idempotent replay", r1[0] == r2[0] == 200 and r1[2] == r2[2], (r1, r2))
    case("idempotent applies nothing", scores(port)[2] == mid, "applied twice")
    r = req(port, "POST", "/v1/events", "fay,bought_book\n",
            {"Idempotency-Key": "x" * 201})
    status_is("idempotency key too long", r, 400)

    # The table is run's, byte for byte, CSV and NDJSON.
    log = os.path.join(work, "accepted.csv")
    with open(log, "w", encoding="utf-8") as f:
        f.write("customer,event\n" + "\n".join(accepted) + "\n")
    s = scores(port)
    case("scores csv = run", s[2] == run_expc(expc, script, log), s[2][:300])
    case("scores csv content-type", s[1].get("content-type") == "text/csv", s[1])
    s = scores(port, True)
    case("scores ndjson = run", s[2] == run_expc(expc, script, log, "json"), s[2][:300])
    case("scores ndjson content-type", s[1].get("content-type") == "application/x-ndjson",
         s[1])
    s = req(port, "GET", "/v1/scores", headers={"Accept": "text/html"})
    case("scores other accept csv", s[2] == run_expc(expc, script, log), s[2][:200])
    rows = {json.loads(l)["customer"]: l for l in
            run_expc(expc, script, log, "json").decode().splitlines()}

    # One customer.
    for cid, path in (("ann", "ann"), ("a,b", "a%2Cb"), ("x/y", "x%2Fy"),
                      ("z\u00e9", "z%C3%A9"), ("42", "42")):
        r = req(port, "GET", "/v1/customers/" + path)
        case("get customer " + path, r[0] == 200 and r[2].decode().strip() == rows[cid] and
             r[1].get("content-type") == "application/json", r)
    r = req(port, "GET", "/v1/customers/nobody")
    case("get unknown 404", r[0] == 404 and json.loads(r[2]).get("error"), r)
    r = req(port, "GET", "/v1/customers/ann%zz")
    status_is("bad percent-encoding 400", r, 400)
    r = req(port, "GET", "/v1/customers/ann%4")
    status_is("truncated percent-encoding 400", r, 400)
    r = req(port, "GET", "/v1/customers/%FF%FE")
    status_is("non-UTF-8 id 400", r, 400)
    r = req(port, "GET", "/v1/funnel")
    f = json.loads(r[2]) if r[0] == 200 else {}
    case("funnel", r[0] == 200 and list(f.keys()) == ["STAY", "SPEND", "SAY", "ENGAGED"] and
         sum(f.values()) == len(rows) and b" " not in r[2], r)

    # Routes and methods.
    for m, p, want in (("GET", "/nope", 404), ("GET", "/v1/events", 405),
                       ("PUT", "/v1/customers/ann", 405), ("POST", "/v1/scores", 405),
                       ("DELETE", "/healthz", 405), ("GET", "/v1/customers/", 404)):
        r = req(port, m, p)
        case("%s %s %d" % (m, p, want), r[0] == want and json.loads(r[2]).get("error"), r)
    r = req(port, "GET", "/v1/events")
    case("405 Allow", r[1].get("allow") == "POST", r[1])
    r = req(port, "GET", "/")
    case("GET / the report page", r[0] == 200 and r[1].get("content-type", "").startswith("text/html")
         and r[2].startswith(b"<!DOCTYPE html>"), r[:2])

    # Too big: announced and chunked (--max-body=16M).
    before = scores(port)[2]
    # Announced: answered before the body is sent (as curl asks, with
    # Expect: 100-continue), so 17 MB never cross the wire.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
              b"Expect: 100-continue\r\n\r\n" % (17 * 1024 * 1024))
    s.settimeout(10)
    head = s.recv(4096)
    s.close()
    case("over max-body 413", head.startswith(b"HTTP/1.1 413"), head[:100])

    def chunks():
        for _ in range(17):
            yield b"a,bought_book\n" * (1024 * 1024 // 14 + 1)
    r = req(port, "POST", "/v1/events", chunks(), {"Content-Type": "text/csv"})
    status_is("chunked over max-body 413", r, 413)
    case("413 applies nothing", scores(port)[2] == before, "scores changed")

    # A 10 MB customer id: stored, listed, deleted.
    huge = "h" * (10 * 1024 * 1024)
    r = req(port, "POST", "/v1/events", huge + ",bought_book\n", {"Content-Type": "text/csv"})
    case("10 MB id accepted", r[0] == 200 and b'"accepted":1' in r[2], r[:1])
    accepted.append(huge + ",bought_book")
    with open(log, "w", encoding="utf-8") as f:
        f.write("customer,event\n" + "\n".join(accepted) + "\n")
    s = scores(port)
    case("scores with 10 MB id = run", s[2] == run_expc(expc, script, log), len(s[2]))
    # In a URL it is refused by libmicrohttpd (its request line is bigger
    # than a connection's memory): a 4xx answer or the connection closed,
    # and the service goes on.
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    head = b""
    try:
        s.sendall(b"GET /v1/customers/" + huge.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    except OSError:
        pass
    try:
        head = s.recv(4096)
    except OSError:
        pass
    s.close()
    case("10 MB id in a URL refused", head == b"" or head.startswith(b"HTTP/1.1 4"), head[:80])
    status_is("10 MB id in a URL: still serving", req(port, "GET", "/healthz"), 200)
    r = req(port, "DELETE", "/v1/customers/" + "h" * 1000)
    status_is("delete unknown long id 404", r, 404)

    # DELETE: forgotten durably; a later event starts afresh, last in order.
    r = req(port, "DELETE", "/v1/customers/ann")
    case("delete 204", r[0] == 204 and r[2] == b"", r)
    r = req(port, "DELETE", "/v1/customers/ann")
    status_is("delete again 404", r, 404)
    status_is("get deleted 404", req(port, "GET", "/v1/customers/ann"), 404)
    req(port, "POST", "/v1/events", "ann,stayed_an_hour\n")
    r = req(port, "GET", "/v1/customers/ann")
    case("deleted customer starts afresh", r[0] == 200 and b'"events":1,' in r[2], r)
    last = scores(port)[2].decode().splitlines()[-1]
    case("deleted customer comes last", last.startswith("ann,4,"), last)

    # Metrics.
    r = req(port, "GET", "/metrics")
    t = r[2].decode()
    case("metrics type", r[1].get("content-type") == "text/plain; version=0.0.4", r[1])
    for name in ("expc_events_total", "expc_events_skipped_total", "expc_events_late_total",
                 "expc_customers", 'expc_requests_total{code="200"}',
                 'expc_requests_total{code="404"}', "expc_request_duration_seconds_bucket",
                 "expc_request_duration_seconds_sum", "expc_request_duration_seconds_count"):
        case("metrics " + name, ("\n" + name) in t, t[:400])
    vals = dict(l.rsplit(" ", 1) for l in t.splitlines() if l and not l.startswith("#"))
    case("metrics events_total", vals.get("expc_events_total") == str(len(accepted) + 1),
         vals.get("expc_events_total"))
    case("metrics skipped", vals.get("expc_events_skipped_total") == "2",
         vals.get("expc_events_skipped_total"))
    case("metrics customers", vals.get("expc_customers") == str(len(rows) + 1),
         vals.get("expc_customers"))


def check_token(port, token):
    status_is("token: none 401", req(port, "GET", "/v1/scores"), 401)
    r = req(port, "GET", "/v1/scores", headers={"Authorization": "Bearer " + token + "x"})
    status_is("token: longer 401", r, 401)
    r = req(port, "GET", "/v1/scores", headers={"Authorization": "Bearer " + token[:-1]})
    status_is("token: shorter 401", r, 401)
    r = req(port, "GET", "/v1/scores", headers={"Authorization": "Basic " + token})
    status_is("token: not bearer 401", r, 401)
    r = req(port, "GET", "/nope")
    status_is("token: unknown route 401", r, 401)
    r = req(port, "POST", "/v1/events", "ann,bought_book\n")
    status_is("token: post 401", r, 401)
    r = req(port, "GET", "/v1/scores", headers={"Authorization": "Bearer " + token})
    status_is("token: right 200", r, 200)
    case("token: nothing applied", r[2] == b"customer,score,stage,events,early\n", r[2])
    r = req(port, "GET", "/v1/funnel", headers={"Authorization": "bearer " + token})
    status_is("token: scheme in any case 200", r, 200)
    status_is("token: healthz open", req(port, "GET", "/healthz"), 200)
    r = req(port, "GET", "/")
    case("token: 401 is JSON", r[0] == 401 and json.loads(r[2]).get("error"), r)


def check_slow(port):
    """Half-sent bodies and headers: closed after --timeout (2 s here); the
    service answers others meanwhile (more slow clients than pool threads)."""
    socks = []
    for i in range(8):
        s = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nann,")
        else:
            s.sendall(b"GET /v1/scores HTTP/1.1\r\nHost: x\r\n")  # headers never end
        socks.append(s)
    t0 = time.time()
    r = req(port, "GET", "/healthz", timeout=5)
    case("slow clients: others answered", r[0] == 200 and time.time() - t0 < 1, time.time() - t0)
    closed = 0
    for s in socks:
        s.settimeout(10)
        try:
            while s.recv(4096):
                pass
            closed += 1
        except OSError:
            closed += 1
        s.close()
    took = time.time() - t0
    case("slow clients: all closed", closed == 8, closed)
    case("slow clients: by the timeout", 1.5 < took < 8, took)
    r = req(port, "GET", "/v1/scores")
    case("slow clients: nothing applied", r[2] == b"customer,score,stage,events,early\n", r[2])


def check_inflight(port, work):
    """A body whose second half comes after a pause: t_serve.sh sends SIGTERM
    when the first half is in (the file `half` appears)."""
    body = ("customer,event\n" + "".join("c%d,bought_book\n" % i for i in range(1000))).encode()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:len(body) // 2])
    open(os.path.join(work, "half"), "w").close()
    time.sleep(1.0)
    s.sendall(body[len(body) // 2:])
    s.settimeout(10)
    data = b""
    try:
        while b"}" not in data:
            k = s.recv(4096)
            if not k:
                break
            data += k
    except OSError:
        pass
    case("in-flight body answered 200", data.startswith(b"HTTP/1.1 200") and
         b'"accepted":1000' in data, data[:200])


def crash_client(port, work, nbodies):
    """Two clients posting bodies with Idempotency-Keys, retrying until each
    is answered 200 while the server is killed and restarted under them.
    Each posts at least nbodies, and goes on until t_serve.sh, done killing,
    creates the file `stop` (at most 50 * nbodies), so the kills always
    come under load however fast the machine.  Customers are the client's
    own (and all first seen in body 0), so `expc run` over body0 + A's
    bodies + B's bodies is the table to expect."""
    cust = {c: ["%s%d" % (c, i) for i in range(50)] for c in "AB"}
    body0 = "customer,event\n" + "".join("%s,stayed_an_hour\n" % x for x in cust["A"] + cust["B"])
    bodies = {"A": [], "B": []}
    stop = os.path.join(work, "stop")
    retries = [0]

    def post(key, body):
        while True:
            try:
                r = req(port, "POST", "/v1/events", body,
                        {"Content-Type": "text/csv", "Idempotency-Key": key}, timeout=5)
                if r[0] == 200:
                    return r
                if r[0] != 503:
                    return r
            except (OSError, http.client.HTTPException):
                pass
            retries[0] += 1
            time.sleep(0.05)

    bad = []

    def client(c):
        rnd = random.Random(c)
        i = 0
        while i < 50 * nbodies and (i < nbodies or not os.path.exists(stop)):
            b = "".join("%s,%s\n" % (rnd.choice(cust[c]), rnd.choice(EVENTS)) for _ in range(200))
            bodies[c].append(b)
            r = post("%s-%d" % (c, i), b)
            if r[0] != 200 or b'"accepted":200' not in r[2]:
                bad.append((c, i, r[0], r[2]))
            i += 1

    r = post("body0", body0)
    ts = [threading.Thread(target=client, args=(c,)) for c in "AB"]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(os.path.join(work, "all.csv"), "w") as f:
        f.write(body0 + "".join(bodies["A"]) + "".join(bodies["B"]))
    case("crash: every body answered 200 with its counts", not bad, bad[:3])
    print("retries", retries[0])


def main():
    what = sys.argv[1]
    if what == "routes":
        check_routes(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
    elif what == "token":
        check_token(int(sys.argv[2]), sys.argv[3])
    elif what == "slow":
        check_slow(int(sys.argv[2]))
    elif what == "inflight":
        check_inflight(int(sys.argv[2]), sys.argv[3])
    elif what == "crash":
        crash_client(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    sys.exit(case.finish())


if __name__ == "__main__":
    main()
