#!/usr/bin/env python3
"""model.py - an independent model of scoring, one more party in the
differential tests (tests/gen_script.py diff, t_engines, t_pg).

The rule of docs/language.md §6 transcribed by hand, sharing no code with
expc: no lowering, no event table, no generated code.  Everything else
(parsing a script, reading a log) is done here too, for the plain subset
the tests use: a script is read with regular expressions (path, thresholds,
penalty, events; one experience), a log with Python's csv module (clean
logs only: no invalid lines).

  model.py check SCRIPT.exp LOG.csv EXPC_OUTPUT.json
      the model's scores for LOG against `expc run --format=json`'s output:
      every customer, in order of first appearance, every field and the
      points of every note in path order.  Exit 0 when they agree, 1 (with
      the first differences) when not.
  model.py events SCRIPT.exp LOG.csv
      what each declared event did over LOG, one line per event in
      declaration order: `NAME SEEN COUNTED EARLY CAPPED` (the report's
      table; no caps in this subset, so CAPPED is 0).
  model.py facts SCRIPT.exp LOG.csv
      `records=N,scored=N,undeclared=N`: records of the log (not the
      header), those with a declared event (or alias), the others.

Python 3 standard library only."""
import csv
import io
import json
import re
import sys

NOTES = 3


def wrap64(x):
    """x as a 64-bit signed integer (the arithmetic of the machine)."""
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


class Machine:
    """path: [behaviour]; threshold: {behaviour: int}; penalty: int;
    events: {name: (behaviour, points)}."""

    def __init__(self, path, threshold, penalty, events, declared=None):
        self.path = list(path)
        self.threshold = [threshold.get(b, 10) for b in self.path]
        self.penalty = penalty
        self.events = {n: (self.path.index(b), w) for n, (b, w) in events.items()}
        # log name -> declared name, declared names in declaration order
        self.declared = declared if declared is not None else {n: n for n in events}
        self.order = [n for n in events if self.declared[n] == n]


def score(m, pairs, tally=None):
    """[(customer, event)] -> [[(key, value)]], the rows of --format=json
    as key/value pairs in their order.  Undeclared events are not events
    of anybody.  tally, when given: {declared name: [counted, early]},
    added to."""
    state = {}
    order = []
    for cust, ev in pairs:
        if ev not in m.events:
            continue
        if cust not in state:
            state[cust] = {"stage": 0, "score": 0, "points": [0] * NOTES,
                           "events": 0, "early": 0}
            order.append(cust)
        s = state[cust]
        j, w = m.events[ev]
        s["events"] = wrap64(s["events"] + 1)
        counts = w < 0 or j <= s["stage"]
        if counts:
            s["score"] = wrap64(s["score"] + w)
            s["points"][j] = wrap64(s["points"][j] + w)
        else:
            s["score"] = wrap64(s["score"] - m.penalty)
            s["early"] = wrap64(s["early"] + 1)
        if tally is not None:
            tally.setdefault(m.declared[ev], [0, 0])[0 if counts else 1] += 1
        while s["stage"] < NOTES and s["points"][s["stage"]] >= m.threshold[s["stage"]]:
            s["stage"] += 1
    rows = []
    for c in order:
        s = state[c]
        stage = "ENGAGED" if s["stage"] == NOTES else m.path[s["stage"]]
        rows.append([("customer", c), ("score", s["score"]), ("stage", stage),
                     ("events", s["events"]), ("early", s["early"]),
                     ("points", list(zip(m.path, s["points"])))])
    return rows


def parse_output(data):
    """expc's --format=json output (bytes) -> rows as score() gives them."""
    rows = []
    for line in data.decode("utf-8").splitlines():
        if line:
            rows.append(json.loads(line, object_pairs_hook=lambda p: p))
    return rows


def compare(want, got, limit=5):
    """[] when the model's rows equal expc's, else messages."""
    out = []
    if len(want) != len(got):
        out.append("model: %d customers, expc: %d" % (len(want), len(got)))
    for w, g in zip(want, got):
        if w != g:
            out.append("model: %s\n   expc: %s" % (w, g))
            if len(out) >= limit:
                break
    return out


def parse_script(text):
    """A Machine from the text of a script (the plain subset: one
    experience, no imports needed to know the scores)."""
    text = re.sub(r"//[^\n]*", "", text)
    path = re.search(r"\bpath\s+(\w+)\s*->\s*(\w+)\s*->\s*(\w+)\s*;", text).groups()
    threshold = {}
    for b, body in re.findall(r"\bnote\s+(\w+)\s*\{([^}]*)\}", text):
        t = re.search(r"\bthreshold\s+(\d+)\s*;", body)
        if t:
            threshold[b] = int(t.group(1))
    p = re.search(r"\bpenalty\s+early\s+(\d+)\s*;", text)
    events = {}
    declared = {}
    # `event NAME [as "ALIAS", ...] : B ... POINTS;` (aliases without
    # escapes): an alias scores as its event.
    for name, al, b, rest in re.findall(
            r'\bevent\s+(\w+)\s*(?:as\s+((?:"[^"\\]*"\s*,?\s*)+))?:\s*(\w+)([^;]*);', text):
        events[name] = (b, int(rest.split()[-1]))
        declared[name] = name
        for a in re.findall(r'"([^"]*)"', al):
            events[a] = events[name]
            declared.setdefault(a, name)
    return Machine(path, threshold, int(p.group(1)) if p else 0, events, declared)


def read_log(data):
    """[(customer, event)] of a clean CSV log (bytes): an optional header
    `customer,event`, no invalid lines; empty lines skipped."""
    rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8"), newline="")) if r]
    if rows and rows[0][:2] == ["customer", "event"]:
        rows = rows[1:]
    return [(r[0], r[1]) for r in rows]


def main(argv):
    if len(argv) == 4 and argv[1] == "facts":
        with open(argv[2]) as f:
            m = parse_script(f.read())
        with open(argv[3], "rb") as f:
            pairs = read_log(f.read())
        scored = sum(1 for _, e in pairs if e in m.events)
        print("records=%d,scored=%d,undeclared=%d" % (len(pairs), scored, len(pairs) - scored))
        return 0
    if len(argv) == 4 and argv[1] == "events":
        with open(argv[2]) as f:
            m = parse_script(f.read())
        with open(argv[3], "rb") as f:
            tally = {}
            score(m, read_log(f.read()), tally)
        for n in m.order:
            c, e = tally.get(n, [0, 0])
            print("%s %d %d %d 0" % (n, c + e, c, e))
        return 0
    if len(argv) != 5 or argv[1] != "check":
        sys.stderr.write("usage: model.py check SCRIPT.exp LOG.csv EXPC_OUTPUT.json\n")
        return 2
    with open(argv[2]) as f:
        m = parse_script(f.read())
    with open(argv[3], "rb") as f:
        want = score(m, read_log(f.read()))
    with open(argv[4], "rb") as f:
        got = parse_output(f.read())
    errs = compare(want, got)
    for e in errs:
        print("model differs: " + e)
    if not want:
        print("model: no customers scored in %s" % argv[3])
        return 1
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
