#!/usr/bin/env python3
"""gen_timed.py - random experiences with time rules and timed logs, for
the differential test of the time rules (tests/t_timerules.sh).

  gen_timed.py SEED DIR    writes DIR/t.exp and DIR/t.csv

The script has the plain shape tests/model.py reads: a path, thresholds,
a penalty, 3-8 events (some with `cap C per P`), and `within` and/or
`reset after` (or neither: caps alone use time too).  The log's times
(header `customer,event,time`, seconds since the epoch) are chosen so the
rules bite: gaps around the window and the reset, events on the last and
first millisecond of a cap's period, negative times, ties, going back in
time, fractions below a millisecond (rounded toward minus infinity).
Python 3 standard library only; the same SEED gives the same files."""
import os
import random
import sys

UNITS = [("ms", 1), ("s", 1000), ("m", 60000), ("h", 3600000), ("d", 86400000),
         ("w", 604800000)]
BEHAVIOURS = ["SAY", "STAY", "SPEND"]


def duration(rng, around_ms):
    """A duration near around_ms, as (text, ms)."""
    for unit, ms in reversed(UNITS):
        if ms <= around_ms and around_ms % ms == 0:
            return "%d%s" % (around_ms // ms, unit), around_ms
    return "%dms" % around_ms, around_ms


def seconds(ms, rng):
    """ms as the text of seconds, sometimes with sub-millisecond digits."""
    sign = "-" if ms < 0 else ""
    a = abs(ms)
    text = "%s%d.%03d" % (sign, a // 1000, a % 1000)
    if rng.random() < 0.2:
        text += str(rng.randint(0, 9)) * rng.randint(1, 3)
    elif rng.random() < 0.3 and a % 1000 == 0:
        text = "%s%d" % (sign, a // 1000)
    return text


def main(argv):
    seed, out = int(argv[1]), argv[2]
    rng = random.Random(seed)
    path = BEHAVIOURS[:]
    rng.shuffle(path)
    unit = rng.choice([1000, 60000, 3600000, 86400000])
    lines = ["experience timed {", "    path %s;" % " -> ".join(path),
             "    penalty early %d;" % rng.randint(0, 3)]
    window = reset = None
    if rng.random() < 0.7:
        window = duration(rng, unit * rng.randint(2, 6))
        lines.append("    within %s;" % window[0])
    if rng.random() < 0.7 or window is None:
        reset = duration(rng, unit * rng.randint(1, 3))
        lines.append("    reset after %s;" % reset[0])
    for b in path:
        lines.append('    note %s { stage "s"; system "y"; service "v"; threshold %d; }'
                     % (b, rng.randint(1, 12)))
    events, periods = [], []
    for i in range(rng.randint(3, 8)):
        b = path[i] if i < 3 else rng.choice(path)
        w = rng.randint(1, 8) if i < 3 or rng.random() < 0.8 else rng.randint(-6, 0)
        cap = ""
        if rng.random() < 0.5:
            per = duration(rng, unit * rng.choice([1, 1, 2]))
            periods.append(per[1])
            cap = " cap %d per %s" % (rng.randint(1, 3), per[0])
        events.append("e%d" % i)
        lines.append("    event e%d : %s %+d%s;" % (i, b, w, cap))
    lines.append("}")
    with open(os.path.join(out, "t.exp"), "w") as f:
        f.write("\n".join(lines) + "\n")

    rows = ["customer,event,time"]
    customers = ["c%d" % k for k in range(rng.randint(2, 6))]
    clock = {c: rng.randint(-5, 5) * unit for c in customers}
    for _ in range(rng.randint(20, 120)):
        c = rng.choice(customers)
        r = rng.random()
        if r < 0.15 and periods:  # the last or first ms of a period
            p = rng.choice(periods)
            t = (clock[c] // p + rng.randint(0, 1)) * p - rng.randint(0, 1)
        elif r < 0.25:
            t = clock[c]  # a tie
        elif r < 0.3:
            t = clock[c] - rng.randint(1, unit)  # back in time
        else:
            t = clock[c] + rng.randint(0, 3 * unit)
        clock[c] = t
        ev = rng.choice(events) if rng.random() < 0.95 else "undeclared"
        rows.append("%s,%s,%s" % (c, ev, seconds(t, rng)))
    with open(os.path.join(out, "t.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
