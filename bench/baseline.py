#!/usr/bin/env python3
"""baseline.py - the hotel scorer in plain Python: the csv module and a dict.

usage: baseline.py [EVENTS.csv]        (standard input when absent or "-")

The second yardstick of bench/run.sh: what a data team writes in an afternoon
for examples/grand_hotel.exp (rules hard-coded, docs/language.md §6 scoring), with
the same output as `expc run` byte for byte on the benchmark logs (run.sh
checks with cmp).  Written idiomatically and reasonably fast (a dict of small
lists, locals bound outside the loop), not tuned beyond what is natural.

Unlike expc it does not reject invalid CSV or UTF-8 the way docs/language.md §7
asks (the csv module is laxer); the generated logs are valid, so the output
is the same."""
import csv
import sys

# path STAY -> SAY -> SPEND; event -> (note index, points)
RULES = {
    "fast_checkin": (0, 8),
    "greeted": (0, 6),
    "review_left": (1, 8),
    "spa_booked": (2, 5),
    "newsletter_read": (1, 2),
    "complaint": (0, -10),
}
THRESHOLD = (12, 8, 5)
PENALTY_EARLY = 2
STAGES = ("STAY", "SAY", "SPEND", "ENGAGED")
N = 3


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    f = (sys.stdin if path == "-" else open(path, newline="", encoding="utf-8-sig"))
    if path == "-":
        f.reconfigure(newline="", encoding="utf-8-sig")
    # customer -> [stage, score, p0, p1, p2, events, early]
    custs = {}
    rules = RULES
    unknown = 0
    first_unknown = None
    started = False
    for row in csv.reader(f):
        if not row:
            continue
        if len(row) < 2 or not row[0] or not row[1]:
            sys.stderr.write(f"baseline.py: invalid event data: {row!r}\n")
            sys.exit(65)
        cust, ev = row[0], row[1]
        if not started:
            started = True
            if cust == "customer" and ev == "event":
                continue
        rule = rules.get(ev)
        if rule is None:
            unknown += 1
            if first_unknown is None:
                first_unknown = ev
            continue
        s = custs.get(cust)
        if s is None:
            s = custs[cust] = [0, 0, 0, 0, 0, 0, 0]
        j, w = rule
        s[5] += 1
        if w < 0 or j <= s[0]:
            s[1] += w
            s[2 + j] += w
        else:
            s[1] -= PENALTY_EARLY
            s[6] += 1
        st = s[0]
        while st < N and s[2 + st] >= THRESHOLD[st]:
            st += 1
        s[0] = st

    out = sys.stdout
    out.write("customer,score,stage,events,early\n")
    lines = []
    for cust, s in custs.items():
        if any(c in cust for c in ',"\r\n'):
            cust = '"' + cust.replace('"', '""') + '"'
        lines.append(f"{cust},{s[1]},{STAGES[s[0]]},{s[5]},{s[6]}\n")
        if len(lines) >= 65536:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))
    out.flush()
    if unknown:
        sys.stderr.write(f"baseline.py: skipped {unknown} events not declared by the "
                         f"experience; first: {first_unknown!r}\n")


if __name__ == "__main__":
    main()
