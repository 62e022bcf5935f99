#!/usr/bin/env python3
"""model.py - an independent model of scoring, one more party in the
differential tests (tests/gen_script.py diff, t_engines, t_pg).

The rule of docs/language.md §6 (and its time rules: within, reset after,
cap C per P, steps A-D) transcribed by hand, sharing no code with
expc: no lowering, no event table, no generated code.  Everything else
(parsing a script, reading a log) is done here too, for the plain subset
the tests use: a script is read with regular expressions (path, thresholds,
penalty, events; one experience), a log with Python's csv module (clean
logs only: no invalid lines; a `time` column, when the header has one,
holds seconds since the epoch, `-?[0-9]+(.[0-9]+)?`, and orders each
customer's events by time, ties in input order).

  model.py check SCRIPT.exp LOG.csv EXPC_OUTPUT.json
      the model's scores for LOG against `expc run --format=json`'s output:
      every customer, in order of first appearance, every field and the
      points of every note in path order.  Exit 0 when they agree, 1 (with
      the first differences) when not.
  model.py events SCRIPT.exp LOG.csv
      what each declared event did over LOG, one line per event in
      declaration order: `NAME SEEN COUNTED EARLY CAPPED` (the report's
      table).
  model.py facts SCRIPT.exp LOG.csv
      `records=N,scored=N,undeclared=N`: records of the log (not the
      header), those with a declared event (or alias), the others.

Python 3 standard library only."""
import csv
import datetime
import io
import json
import re
import sys

NOTES = 3


def wrap64(x):
    """x as a 64-bit signed integer (the arithmetic of the machine)."""
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


UNIT_MS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000, "w": 604800000}


class Machine:
    """path: [behaviour]; threshold: {behaviour: int}; penalty: int;
    events: {name: (behaviour, points, cap)} with cap None or (C, P in ms);
    within, reset: ms or None."""

    def __init__(self, path, threshold, penalty, events, within=None, reset=None,
                 declared=None):
        self.path = list(path)
        self.threshold = [threshold.get(b, 10) for b in self.path]
        self.penalty = penalty
        # (behaviour, points) or (behaviour, points, cap)
        self.events = {n: (self.path.index(e[0]), e[1], e[2] if len(e) > 2 else None)
                       for n, e in events.items()}
        self.within = within
        self.reset = reset
        # log name -> declared name, declared names in declaration order
        self.declared = declared if declared is not None else {n: n for n in events}
        self.order = [n for n in events if self.declared[n] == n]


def time_steps(m, s, ev, t):
    """Steps A and B of the time rules; True when the event is capped
    (then it is counted as an event, last = t, nothing else)."""
    if s["events"] > 0:
        if (m.reset is not None and t - s["last"] > m.reset) or \
           (m.within is not None and s["stage"] < NOTES and t - s["start"] > m.within):
            s["stage"] = 0
            s["score"] = 0
            s["points"] = [0] * NOTES
            s["start"] = t
    else:
        s["start"] = t
    cap = m.events[ev][2]
    if cap is not None:
        c, per = cap
        bucket = t // per  # Python's // rounds toward minus infinity
        if s["caps"].get(ev, (None, 0))[0] != bucket:
            s["caps"][ev] = (bucket, 0)
        b, n = s["caps"][ev]
        if n >= c:
            s["events"] = wrap64(s["events"] + 1)
            s["last"] = t
            return True
        s["caps"][ev] = (b, n + 1)
    return False


def score(m, pairs, tally=None):
    """[(customer, event[, time in ms])] -> [[(key, value)]], the rows of
    --format=json as key/value pairs in their order.  Undeclared events are
    not events of anybody.  With times, each customer's events are scored
    in time order (ties in input order); rows stay in order of first
    appearance.  tally, when given: {declared name: [counted, early,
    capped]}, added to."""
    state = {}
    order = []
    for p in pairs:
        if p[1] in m.events and p[0] not in state:
            state[p[0]] = {"stage": 0, "score": 0, "points": [0] * NOTES,
                           "events": 0, "early": 0, "start": 0, "last": 0, "caps": {}}
            order.append(p[0])
    timed = [p for p in pairs if p[1] in m.events]
    if timed and len(timed[0]) > 2:
        timed = [p for _, p in sorted(enumerate(timed), key=lambda x: (x[1][2], x[0]))]
    for p in timed:
        cust, ev = p[0], p[1]
        t = p[2] if len(p) > 2 else 0
        s = state[cust]
        j, w, _ = m.events[ev]
        if (m.within is not None or m.reset is not None or
                any(e[2] for e in m.events.values())) and time_steps(m, s, ev, t):
            if tally is not None:
                tally.setdefault(m.declared[ev], [0, 0, 0])[2] += 1
            continue
        s["events"] = wrap64(s["events"] + 1)
        counts = w < 0 or j <= s["stage"]
        if tally is not None:
            tally.setdefault(m.declared[ev], [0, 0, 0])[0 if counts else 1] += 1
        if counts:
            s["score"] = wrap64(s["score"] + w)
            s["points"][j] = wrap64(s["points"][j] + w)
        else:
            s["score"] = wrap64(s["score"] - m.penalty)
            s["early"] = wrap64(s["early"] + 1)
        while s["stage"] < NOTES and s["points"][s["stage"]] >= m.threshold[s["stage"]]:
            s["stage"] += 1
        s["last"] = t
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
        w = re.search(r"([+-]?\d+)\s*(?:cap\s+(\d+)\s+per\s+(\d+)(ms|s|m|h|d|w))?\s*$", rest)
        cap = (int(w.group(2)), int(w.group(3)) * UNIT_MS[w.group(4)]) if w.group(2) else None
        events[name] = (b, int(w.group(1)), cap)
        declared[name] = name
        for a in re.findall(r'"([^"]*)"', al):
            events[a] = events[name]
            declared.setdefault(a, name)
    within = re.search(r"\bwithin\s+(\d+)(ms|s|m|h|d|w)\s*;", text)
    reset = re.search(r"\breset\s+after\s+(\d+)(ms|s|m|h|d|w)\s*;", text)
    return Machine(path, threshold, int(p.group(1)) if p else 0, events,
                   int(within.group(1)) * UNIT_MS[within.group(2)] if within else None,
                   int(reset.group(1)) * UNIT_MS[reset.group(2)] if reset else None,
                   declared)


def seconds_to_ms(text):
    """`-?[0-9]+(.[0-9]+)?` seconds, or an ISO 8601 time with a zone (read
    by Python's datetime), -> ms, rounded toward minus infinity."""
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (when - epoch) // datetime.timedelta(milliseconds=1)
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    us = int(whole) * 1000 + int((frac + "000")[:3] or 0)
    exact = not frac[3:].strip("0")
    return -us - (0 if exact else 1) if neg else us


def read_log(data):
    """[(customer, event)] of a clean CSV log (bytes): an optional header
    `customer,event`, no invalid lines; empty lines skipped."""
    rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8"), newline="")) if r]
    if rows and rows[0][:3] == ["customer", "event", "time"]:
        return [(r[0], r[1], seconds_to_ms(r[2])) for r in rows[1:]]
    if rows and rows[0][:2] == ["customer", "event"]:
        rows = rows[1:]
    return [(r[0], r[1]) for r in rows]


def main(argv):
    if len(argv) == 4 and argv[1] == "facts":
        with open(argv[2]) as f:
            m = parse_script(f.read())
        with open(argv[3], "rb") as f:
            pairs = read_log(f.read())
        scored = sum(1 for p in pairs if p[1] in m.events)
        print("records=%d,scored=%d,undeclared=%d" % (len(pairs), scored, len(pairs) - scored))
        return 0
    if len(argv) == 4 and argv[1] == "events":
        with open(argv[2]) as f:
            m = parse_script(f.read())
        with open(argv[3], "rb") as f:
            tally = {}
            score(m, read_log(f.read()), tally)
        for n in m.order:
            c, e, k = tally.get(n, [0, 0, 0])
            print("%s %d %d %d %d" % (n, c + e + k, c, e, k))
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
