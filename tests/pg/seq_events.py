#!/usr/bin/env python3
"""seq_events.py - an expc event log (docs/language.md §7) as rows for COPY.

    seq_events.py EVENTS.csv > rows.csv
    seq_events.py --time EVENTS.csv > rows.csv   (a third column: the time)

Reads the log as `expc run` does (RFC 4180, LF or CRLF, empty lines skipped,
a first line `customer,event,...` is a header, columns after the second
ignored) and writes `seq,customer,event` CSV without a header, seq counting
the data lines from 1.  The seq column is what the SQL orders the aggregate
by: COPY keeps no order of its own, and the log's order is the scoring
order.  Only valid logs are expected (the suite's own); anything else stops
with an error rather than guessing.
"""
import csv
import sys


def main():
    timed = len(sys.argv) == 3 and sys.argv[1] == "--time"
    if timed:
        del sys.argv[1]
    if len(sys.argv) != 2:
        sys.exit("usage: seq_events.py [--time] EVENTS.csv")
    out = csv.writer(sys.stdout, lineterminator="\n")
    seq = 0
    first = True
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        for row in csv.reader(f, strict=True):
            if not row or row == [""]:
                continue
            if first and len(row) >= 2 and row[0] == "customer" and row[1] == "event":
                first = False
                continue
            first = False
            if len(row) < 2 + timed or not row[0] or not row[1]:
                sys.exit(f"seq_events.py: {sys.argv[1]}: invalid line {row!r}")
            seq += 1
            # With --time, the time as written (ISO 8601, which timestamptz reads).
            out.writerow([seq, row[0], row[1]] + row[2:3] * timed)


if __name__ == "__main__":
    main()
