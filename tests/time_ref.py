#!/usr/bin/env python3
"""time_ref.py - the reference side of the event time differential test.

    python3 tests/time_ref.py --seed N --count N --cases FILE --expect FILE

writes COUNT random time strings, one a line, to CASES (bytes, never a LF),
and to EXPECT, line for line, `CLASS<TAB>RESULT`, where RESULT is what
tests/time_driver.c must print for that line:

    ok MS      a valid time: MS milliseconds since 1970-01-01T00:00:00Z
    bad WHY    a bad time: WHY is `bad time "TEXT"`, TEXT quoted

and CLASS names the generator that made it (epoch, iso, mutant, junk), so
tests/t_time.sh can report mismatches per class.  The same seed gives the
same files.

The expected results come from the rules of docs/language.md worked out here
with Python's own tools, not from the C code: a regular expression for the
shape, datetime for the calendar (it refuses impossible dates, hour 24 and
second 60 itself), timedelta for the offset, and exact Decimal arithmetic
for seconds since the epoch and the floor to a millisecond.  Quoting follows
rt_time.h's description, with Python's strict UTF-8 decoder deciding what is
well-formed UTF-8.
"""
import argparse
import decimal
import random
import re
from datetime import datetime, timedelta

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
EPOCH_RE = re.compile(rb"-?[0-9]+(\.[0-9]+)?")
ISO_RE = re.compile(
    rb"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    rb"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
    rb"([Zz]|[+-][0-9]{2}:[0-9]{2}|[+-][0-9]{4})?)?"
)
MS = timedelta(milliseconds=1)
SHOW = 200


def epoch_ms(text):
    ctx = decimal.Context(prec=len(text) + 10, rounding=decimal.ROUND_FLOOR)
    v = ctx.multiply(decimal.Decimal(text.decode("ascii")), 1000)
    v = int(v.to_integral_value(rounding=decimal.ROUND_FLOOR, context=ctx))
    return v if INT64_MIN <= v <= INT64_MAX else None


def iso_ms(m):
    y, mo, d, hh, mi, ss, frac, zone = m.groups()
    year = int(y)
    try:
        dt = datetime(year or 2000, int(mo), int(d), int(hh or 0), int(mi or 0),
                      int(ss or 0))
    except ValueError:
        return None
    ms = (dt - datetime(1970, 1, 1)) // MS
    if year == 0:
        # datetime has no year 0: it was checked as 2000 (both leap; the
        # calendar repeats every 400 years), so take away the days from
        # 0000-01-01 to 2000-01-01: year 0's 366, then 0001 to 2000.
        ms -= (timedelta(days=366) + (datetime(2000, 1, 1) - datetime(1, 1, 1))) // MS
    if frac:
        ms += int(decimal.Decimal("0." + frac.decode()) * 1000)
    if zone and zone not in (b"Z", b"z"):
        zh, zm = int(zone[1:3]), int(zone[-2:])
        if zh > 23 or zm > 59:
            return None
        off = timedelta(hours=zh, minutes=zm) // MS
        ms += -off if zone[:1] == b"+" else off
    return ms


def parse(text):
    if EPOCH_RE.fullmatch(text):
        return epoch_ms(text)
    m = ISO_RE.fullmatch(text)
    return iso_ms(m) if m else None


def units(text):
    """The text as shown: (bytes, escaped) per character or stray byte."""
    i = 0
    while i < len(text):
        for k in (1, 2, 3, 4):
            try:
                ch = text[i:i + k].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                yield k, escape(ch)
                break
        else:
            k = 1
            yield 1, "\\x%02x" % text[i]
        i += k


def escape(ch):
    named = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if ch in named:
        return named[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return "\\u%04x" % ord(ch)
    return ch


def why(text):
    shown, used = [], 0
    for k, esc in units(text):
        if used + k > SHOW:
            break
        shown.append(esc)
        used += k
    cut = "..." if used < len(text) else ""
    return 'bad time "' + "".join(shown) + '"' + cut


def result(text):
    ms = parse(text)
    return "ok %d" % ms if ms is not None else "bad " + why(text)


# ---- generators ----------------------------------------------------------

def digits(r, n):
    return "".join(r.choice("0123456789") for _ in range(n))


def gen_epoch(r):
    kind = r.random()
    if kind < 0.15:
        # around the int64 bounds: 9223372036854775.807 / -...808
        whole = r.choice(["9223372036854775", "9223372036854776", "9223372036854774",
                          "922337203685477", "18446744073709551"])
        frac = r.choice(["807", "808", "8079", "8080", "80799999", "809", "8", "9", "0", ""])
        s = whole + ("." + frac if frac else "")
    elif kind < 0.3:
        s = digits(r, r.randint(1, 40))  # any length, leading zeros
        if r.random() < 0.6:
            s += "." + digits(r, r.randint(1, 30))
    else:
        s = str(r.randint(0, 4102444800))
        if r.random() < 0.2:
            s = "0" * r.randint(1, 3) + s
        if r.random() < 0.7:
            s += "." + digits(r, r.randint(1, 12))
    if r.random() < 0.45:
        s = "-" + s
    return s


def gen_year(r):
    return r.choice([0, 0, 1, 4, 100, 400, 1600, 1700, 1899, 1900, 1969, 1969, 1970,
                     1970, 2000, 2000, 2024, 2100, 2400, 9998, 9999, 9999,
                     r.randint(0, 9999), r.randint(1900, 2100)])


def pick(r, good, bad):
    """A value from good, or now and then one from bad (out of range)."""
    return r.choice(bad) if r.random() < 0.06 else r.choice(good)


def gen_iso(r):
    y = gen_year(r)
    mo = pick(r, [1, 2, 2, 2, 3, 12, r.randint(1, 12), r.randint(1, 12)], [0, 13, 99])
    d = pick(r, [1, 28, 29, 29, 30, 31, r.randint(1, 28), r.randint(1, 31)], [0, 32, 99])
    s = "%04d-%02d-%02d" % (y, mo, d)
    if r.random() < 0.15:
        return s
    hh = pick(r, [0, 23, r.randint(0, 23), r.randint(0, 23)], [24, 25, 99])
    mi = pick(r, [0, 59, r.randint(0, 59), r.randint(0, 59)], [60, 99])
    s += r.choice("TTTt ") + "%02d:%02d" % (hh, mi)
    if r.random() < 0.75:
        s += ":%02d" % pick(r, [0, 59, r.randint(0, 59), r.randint(0, 59)], [60, 61, 99])
        if r.random() < 0.6:
            s += "." + digits(r, pick(r, [1, 2, 3, 4, 6, 9, 9, r.randint(1, 9)], [10, 12]))
    z = r.random()
    if z < 0.3:
        s += r.choice("ZZz")
    elif z < 0.8:
        zh = pick(r, [0, 1, 5, 14, 23, r.randint(0, 23)], [24, 99])
        zm = pick(r, [0, 30, 45, 59, r.randint(0, 59)], [60, 99])
        s += r.choice("+-") + "%02d%s%02d" % (zh, r.choice([":", ":", ""]), zm)
    return s


NOISE = ["0", "1", "9", "-", "+", ".", ":", "T", "t", "Z", "z", " ", "e", "E", ",",
         "\t", "\r", "\x00", "\x01", "\x7f", '"', "\\", "\u00e9", "\u2212", "\x80", "\xff"]


def noise(r):
    c = r.choice(NOISE)
    # \x80 and \xff stand for single raw bytes that are not UTF-8
    return bytes([ord(c)]) if c in ("\x80", "\xff") else c.encode("utf-8")


def gen_mutant(r):
    s = (gen_epoch(r) if r.random() < 0.35 else gen_iso(r)).encode()
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        op = r.randrange(5)
        i = r.randint(0, len(s))
        if op == 0 and s:
            s = s[:i] + s[i + 1:]                  # drop a byte
        elif op == 1:
            s = s[:i] + noise(r) + s[i:]           # insert one
        elif op == 2 and i < len(s):
            s = s[:i] + noise(r) + s[i + 1:]       # replace one
        elif op == 3:
            s = s[:i]                              # cut short
        else:
            s = s + noise(r)                       # trailing
    return s


def gen_junk(r):
    if r.random() < 0.1:
        # long text, cut in messages; sometimes a UTF-8 sequence across the cut
        body = b"7" * r.randint(195, 205) + "\u00e9\u20ac".encode() * r.randint(0, 3)
        return body + gen_iso(r).encode()
    return b"".join(noise(r) for _ in range(r.randint(0, 12)))


GENERATORS = [("epoch", gen_epoch, 30), ("iso", gen_iso, 40), ("mutant", gen_mutant, 25),
              ("junk", gen_junk, 5)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--expect", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    names = [g[0] for g in GENERATORS]
    weights = [g[2] for g in GENERATORS]
    funcs = dict((g[0], g[1]) for g in GENERATORS)
    with open(a.cases, "wb") as cases, open(a.expect, "w", encoding="utf-8",
                                             newline="\n") as expect:
        for _ in range(a.count):
            cls = r.choices(names, weights)[0]
            text = funcs[cls](r)
            if isinstance(text, str):
                text = text.encode()
            text = text.replace(b"\n", b"")
            cases.write(text + b"\n")
            expect.write("%s\t%s\n" % (cls, result(text)))


if __name__ == "__main__":
    main()
