#!/usr/bin/env python3
"""lsp_bench.py - how long `expc lsp` takes to publish diagnostics after a
change to a 2,000-line script (bench/run.sh, section 5c; target: within
100 ms).

Opens a generated script (tests/gen_big_script.py) in `expc lsp` through the
test suite's framed JSON-RPC client (tests/lsp_client.py), then sends RUNS
incremental didChange edits - the points of an event, alternately a valid
number and a misspelt emotion, so every other answer carries an error - and
times each from the write of the change to the read of the
publishDiagnostics that answers it, in wall-clock time at the client.
Prints `RESULT lines=L runs=N median_ms=.. p95_ms=.. max_ms=.. errors_seen=K`.

usage: lsp_bench.py EXPC SCRIPT [RUNS]"""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from lsp_client import Server, pos, uri  # noqa: E402


def main():
    expc, script = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    text = open(script).read()
    lines = text.split("\n")
    # Edit the emotion of the last event line with one: "... : B EMOTION ..."
    ln = max(i for i, x in enumerate(lines) if x.strip().startswith("event ")
             and len(x.split()) > 4)
    words = lines[ln].split()
    emotion = words[4]
    col = lines[ln].index(" " + emotion + " ") + 1
    with tempfile.TemporaryDirectory() as work:
        s = Server(expc, work)
        s.initialize(work)
        path = os.path.join(work, "big.exp")
        s.open(path, text)
        d = s.diagnostics(uri(path), 60)
        if d is None or any(x.get("severity") == 1 for x in d):
            print("lsp_bench: the script does not check clean: %s" % (d or "no answer")[:3])
            return 1
        times, errors, cur = [], 0, emotion
        for k in range(runs):
            new = emotion if k % 2 else emotion[:-1] + "x"
            change = {"textDocument": {"uri": uri(path), "version": k + 2},
                      "contentChanges": [{"range": {"start": pos(ln, col),
                                                    "end": pos(ln, col + len(cur))},
                                          "text": new}]}
            t0 = time.perf_counter()
            s.notify("textDocument/didChange", change)
            d = s.diagnostics(uri(path), 30)
            times.append((time.perf_counter() - t0) * 1000)
            if d is None:
                print("lsp_bench: no diagnostics after change %d" % k)
                return 1
            errors += any(x.get("code") == "E0202" for x in d) == (k % 2 == 0)
            cur = new
        s.request("shutdown", None)
        s.notify("exit", None)
        s.close()
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print("RESULT lines=%d runs=%d median_ms=%.2f p95_ms=%.2f max_ms=%.2f errors_seen=%d"
          % (len(lines) - 1, runs, statistics.median(times), p95, times[-1], errors))
    return 0 if errors == runs else 1


if __name__ == "__main__":
    sys.exit(main())
