#!/usr/bin/env python3
"""threads_diff.py - --threads=N against --threads=1, byte for byte.

  threads_diff.py --expc build/expc --exp hotel.exp [--prog PROG] [--seed S]
                  [--logs N] [--work DIR] [--engines interp,jit]

Writes N random CSV logs full of what makes a chunk boundary hard: quoted
ids holding LF, CRLF, `,` and doubled quotes (so a record spans lines and a
chunk may start inside one), `"` inside an unquoted field (data), CRLF line
ends, a byte order mark, empty lines, undeclared events, and now and then an
invalid line (a quote left open, text after a closing quote, a missing
field, bad UTF-8) early or late.  Each log runs with --threads=1 and then
with --threads=2, 3 and 4 under EXPC_THREADS_WINDOW set to a few bytes to a
few KiB (HACKING.md: the window of par.c, and threads whatever the input's
size), with random flags among --skip-invalid, --strict, --summary and
--format=json, from the file or from standard input; stdout, stderr and the
exit code must be the same.  The standalone program PROG runs with
--threads=2 against expc's --threads=1 (its messages start with its own
name, compared as `expc: `).  Prints `threads_diff: N cases, M failed`;
exits 1 if any failed.  Python 3 standard library only; the same seed gives
the same logs."""
import argparse
import os
import random
import subprocess
import sys
import tempfile

DECLARED = ["fast_checkin", "greeted", "review_left", "spa_booked", "complaint"]
UNDECLARED = ["minibar", "wifi_login", "Greeted"]
INVALID = ['"open,greeted\n', 'a"b"c,greeted\n', '"x"y,greeted\n', 'lonely\n',
           ',greeted\n', 'bob,\n', 'b\xffad,greeted\n']


def quote(s):
    return '"' + s.replace('"', '""') + '"'


def cust(rng, pool):
    """A customer id as written: plain, with `"` inside (data), or quoted
    holding LF, CR, `,` or `""`."""
    if pool and rng.random() < 0.8:
        return rng.choice(pool)
    k = rng.randrange(8)
    base = "c%d" % rng.randrange(100000)
    if k == 0:
        text = quote(base + "\nline two")
    elif k == 1:
        text = quote('Guest "VIP" ' + base)
    elif k == 2:
        text = quote(base + ", Jr.\r\nand\n\nmore")
    elif k == 3:
        text = base + '"inch'
    elif k == 4:
        text = quote(base)
    else:
        text = base
    pool.append(text)
    return text


def make_log(rng):
    n = rng.choice([1, 5, 40, 300, 1500])
    pool = []
    eol = "\r\n" if rng.random() < 0.3 else "\n"
    out = ["\ufeff" if rng.random() < 0.2 else ""]
    header = rng.random() < 0.7
    if header:
        out.append("customer,event,note" + eol)
    bad_at = rng.randrange(n) if rng.random() < 0.4 else -1
    for i in range(n):
        if i == bad_at or (bad_at >= 0 and rng.random() < 0.01):
            out.append(rng.choice(INVALID))
            continue
        if rng.random() < 0.05:
            out.append(eol)
        ev = rng.choice(UNDECLARED) if rng.random() < 0.08 else rng.choice(DECLARED)
        extra = rng.choice(["", ",x", ',"multi\nline note"', ',"a ""b"""'])
        out.append(cust(rng, pool) + "," + ev + extra + eol)
    return "".join(out).encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff")


def run(cmd, path, stdin):
    if stdin:
        with open(path, "rb") as f:
            p = subprocess.run(cmd, stdin=f, capture_output=True)
    else:
        p = subprocess.run(cmd + [path], capture_output=True)
    return p.returncode, p.stdout, p.stderr


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
    engines = [e for e in a.engines.split(",") if e]
    cases = failed = 0
    for i in range(a.logs):
        path = os.path.join(work, "log%d.csv" % i)
        with open(path, "wb") as f:
            f.write(make_log(rng))
        flags = [f for f in ["--skip-invalid", "--strict", "--summary", "--format=json"]
                 if rng.random() < 0.3]
        stdin = rng.random() < 0.25
        eng = "--engine=" + rng.choice(engines)
        base = [a.expc, "run", a.exp, eng] + flags
        os.environ.pop("EXPC_THREADS_WINDOW", None)
        want = run(base + ["--threads=1"], path, stdin)
        tries = [(base + ["--threads=%d" % n], rng.choice(["16", "100", "1K", "5K"]))
                 for n in (2, 3, 4)]
        if a.prog:
            tries.append(([a.prog, "--threads=2"] + flags, rng.choice(["16", "1K"])))
        for cmd, window in tries:
            os.environ["EXPC_THREADS_WINDOW"] = window
            got = run(cmd, path, stdin)
            if cmd[0] == a.prog:
                name = os.path.basename(a.prog).encode()
                got = (got[0], got[1], got[2].replace(name + b": ", b"expc: "))
            cases += 1
            if got != want:
                failed += 1
                print("FAIL: EXPC_THREADS_WINDOW=%s %s %s%s\n  exit %d, want %d\n"
                      "  stderr %r\n  want   %r\n  stdout same: %s" % (
                          window, " ".join(cmd), "< " if stdin else "", path,
                          got[0], want[0], got[2][:300], want[2][:300], got[1] == want[1]))
    print("threads_diff: %d cases, %d failed" % (cases, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
