#!/usr/bin/env python3
"""logs_diff.py - differential check of --customer/--event/--time.

  logs_diff.py --expc build/expc --exp hotel.exp [--prog PROG] [--seed S]
               [--logs N] [--work DIR] [--engines interp,jit]

Writes N random logs of the same events in random shapes: CSV or NDJSON,
columns in a random order among extra ones, with or without a header
(columns then given by number), customers nested under a dotted path in
NDJSON, times as epoch seconds (with or without a fraction, as JSON numbers
or strings) or RFC 3339 with an offset, the lines shuffled or in time order,
ties included.  Each must score exactly as its canonical form: `customer,
event` lines holding each customer's declared events in time order (ties in
input order), customers in order of first appearance, read without --time.
Prints `logs_diff: N cases, M failed`; exits 1 if any failed.  Python 3
standard library only; the same seed gives the same logs."""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

DECLARED = ["fast_checkin", "greeted", "review_left", "spa_booked", "complaint"]
UNDECLARED = ["nope", "greeted_", "Greeted"]


def time_text(rng, ms, as_json):
    """One way of writing ms (milliseconds since the epoch); for NDJSON,
    a JSON value, else the CSV field text."""
    s, frac = divmod(ms, 1000)
    kind = rng.randrange(4)
    if kind == 0 and frac == 0:
        text = "%d" % s
        return int(text) if as_json and rng.random() < 0.5 else text
    if kind <= 1:
        text = "%d.%03d" % (s, frac)
        return json.loads(text) if as_json and rng.random() < 0.5 else text
    off = rng.choice([0, 60, -90, 330])
    t = s + off * 60
    days, rem = divmod(t, 86400)
    y, mo, d = 1970, 1, 1 + days  # within January 1970 (times are small)
    sign = "+" if off >= 0 else "-"
    zone = "Z" if off == 0 and rng.random() < 0.5 else "%s%02d:%02d" % (sign, abs(off) // 60,
                                                                       abs(off) % 60)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s" % (y, mo, d, rem // 3600, rem // 60 % 60,
                                                    rem % 60, frac, zone)


def make_events(rng):
    n = rng.randrange(1, 200)
    custs = ["c%d" % i for i in range(rng.randrange(1, 12))]
    evs = []
    for _ in range(n):
        name = rng.choice(DECLARED) if rng.random() < 0.9 else rng.choice(UNDECLARED)
        ms = rng.randrange(0, 20) * rng.choice([1, 250, 1000]) + 86400 * 1000
        evs.append((rng.choice(custs), name, ms))
    if rng.random() < 0.5:
        evs.sort(key=lambda e: e[2])
    return evs


def canonical(evs):
    order, per = [], {}
    for c, name, ms in evs:
        if name not in DECLARED:
            continue
        if c not in per:
            order.append(c)
            per[c] = []
        per[c].append((ms, name))
    lines = ["customer,event"]
    for c in order:
        for ms, name in sorted(per[c], key=lambda x: x[0]):  # stable: ties keep order
            lines.append("%s,%s" % (c, name))
    return "\n".join(lines) + "\n"


def csv_variant(rng, evs):
    cols = ["customer", "event", "time", "x", "y"][: 3 + rng.randrange(3)]
    rng.shuffle(cols)
    header = rng.random() < 0.6
    names = {"customer": "who", "event": "what", "time": "when"} if rng.random() < 0.5 else \
        {k: k for k in cols}
    lines = [",".join(names.get(k, k) for k in cols)] if header else []
    for c, name, ms in evs:
        vals = {"customer": c, "event": name, "time": time_text(rng, ms, False),
                "x": "1", "y": ""}
        lines.append(",".join(vals[k] for k in cols))
    if header:
        flags = ["--%s=%s" % (k, names[k]) for k in ("customer", "event", "time")]
    else:
        flags = ["--%s=%d" % (k, cols.index(k) + 1) for k in ("customer", "event", "time")]
    return "\n".join(lines) + "\n", flags, ".csv"


def ndjson_variant(rng, evs):
    nested = rng.random() < 0.5
    lines = []
    for c, name, ms in evs:
        o = {"e": name, "ts": time_text(rng, ms, True), "z": [1, {"a": None}]}
        if nested:
            o["user"] = {"id": c}
        else:
            o["cust"] = c
        items = list(o.items())
        rng.shuffle(items)
        lines.append(json.dumps(dict(items)))
    flags = ["--customer=" + ("user.id" if nested else "cust"), "--event=e", "--time=ts"]
    return "\n".join(lines) + "\n", flags, ".ndjson"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expc", required=True)
    ap.add_argument("--exp", required=True)
    ap.add_argument("--prog")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--logs", type=int, default=40)
    ap.add_argument("--engines", default="interp")
    ap.add_argument("--work")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp()
    rng = random.Random(a.seed)
    runners = [[a.expc, "run", a.exp, "--engine=" + e] for e in a.engines.split(",") if e]
    if a.prog:
        runners.append([a.prog])
    cases = failed = 0
    for i in range(a.logs):
        evs = make_events(rng)
        canon = os.path.join(work, "canon%d.csv" % i)
        with open(canon, "w") as f:
            f.write(canonical(evs))
        text, flags, ext = (csv_variant if rng.random() < 0.5 else ndjson_variant)(rng, evs)
        path = os.path.join(work, "log%d%s" % (i, ext))
        with open(path, "w") as f:
            f.write(text)
        if rng.random() < 0.3:
            flags.append("--memory=" + rng.choice(["32", "64", "1K"]))
        want = subprocess.run(runners[0] + [canon], capture_output=True)
        for r in runners:
            got = subprocess.run(r + flags + [path], capture_output=True)
            cases += 1
            if (got.returncode, got.stdout) != (want.returncode, want.stdout):
                failed += 1
                print("FAIL: %s\n  exit %d, want %d\n%s" % (
                    " ".join(r + flags + [path]), got.returncode, want.returncode,
                    got.stderr.decode("utf-8", "replace")[:500]))
    print("logs_diff: %d cases, %d failed" % (cases, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
