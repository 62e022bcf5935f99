#!/usr/bin/env python3
"""vs_python.py - src/rt/json.c against Python's json module, an independent
parser: random documents and mutations of them (seeded), each fed to the
driver (tests/json/driver.c) and to json.loads, and the verdicts compared:
valid or not, an object or not, and the members customer, event, user.id and
a.b (whole key first, else the dotted path; of duplicates the last).

  python3 vs_python.py DRIVER [SEED] [COUNT]

Python is held to RFC 8259 where its defaults are looser: NaN and Infinity
are refused, the bytes must be strict UTF-8, and nesting stays well below its
recursion limit.  Exit 0 when all agree, else 1 with the first differences."""
import json
import random
import subprocess
import sys

KEYS = ["customer", "event", "user.id", "a.b"]
KEY_POOL = ["customer", "event", "user", "id", "a", "b", "user.id", "a.b", "x", "",
            "cust\\u006fmer", "\\u0065vent", "a\\u0000b", "us\\u0065r", "customer\\u0000"]
ALPHABET = ['a', 'Z', ' ', '"', '\\', '/', '\u00e9', '\u20ac', '\U0001F600', '\u2028',
            '\x7f', 'customer', '.', ',']
ESCAPES = ['\\n', '\\t', '\\"', '\\\\', '\\/', '\\b', '\\f', '\\r', '\\u0000', '\\u00e9',
           '\\uD83D\\uDE00', '\\ud800', '\\udc00', '\\uFFFF', '\\u001f']
NUMS = ["0", "-0", "7", "-12", "123456789012345678901234567890", "1.5", "-0.25", "1e5",
        "2E-3", "0.0e+0", "10"]
MUTANTS = [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\', b'0', b'1', b'-', b'+', b'.',
           b'e', b'E', b'u', b't', b'n', b' ', b'\t', b'\r', b'\n', b'\x00', b'\x1f', b'\x7f',
           b'\x80', b'\xff', b'\xc3', b'\xe2\x82', b'\xed\xa0\x80', b'\xf4\x90\x80\x80',
           b'\xef\xbb\xbf', b'\x0c', b'/', b'*', b"'", b'true', b'null', b'NaN', b'Infinity',
           b'\\u', b'\\ud800', b'\xc2\xa0']


def ws(r):
    return r.choice(["", "", "", " ", "\t", "\r\n", "  \n "])


def gen_string(r):
    parts = []
    for _ in range(r.randint(0, 4)):
        parts.append(r.choice(ESCAPES) if r.random() < 0.3 else r.choice(ALPHABET).replace(
            '\\', '\\\\').replace('"', '\\"'))
    return '"' + "".join(parts) + '"'


def gen_value(r, depth):
    k = r.random()
    if depth > 6 or k < 0.35:
        return r.choice([gen_string(r), r.choice(NUMS), "true", "false", "null"])
    if k < 0.75:
        return gen_object(r, depth + 1)
    items = [gen_value(r, depth + 1) for _ in range(r.randint(0, 3))]
    return "[" + ws(r) + ("," + ws(r)).join(items) + ws(r) + "]"


def gen_object(r, depth):
    members = []
    for _ in range(r.randint(0, 5)):
        key = '"' + r.choice(KEY_POOL) + '"'
        members.append(key + ws(r) + ":" + ws(r) + gen_value(r, depth + 1))
    return "{" + ws(r) + ("," + ws(r)).join(members) + ws(r) + "}"


def gen_doc(r):
    if r.random() < 0.9:
        return ws(r) + gen_object(r, 0) + ws(r)
    return ws(r) + gen_value(r, 0) + ws(r)


def mutate(r, b):
    b = bytearray(b)
    for _ in range(r.randint(1, 3)):
        op = r.random()
        i = r.randint(0, len(b))
        if op < 0.4:
            b[i:i] = r.choice(MUTANTS)
        elif op < 0.7 and b:
            del b[min(i, len(b) - 1)]
        elif op < 0.9 and b:
            b[min(i, len(b) - 1):min(i, len(b) - 1) + 1] = r.choice(MUTANTS)
        else:
            b = b[:i]
    return bytes(b)


def no_constant(name):
    raise ValueError("not JSON: " + name)


def member(obj, key):
    if key in obj:
        return True, obj[key]
    cur = obj
    for part in key.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def show(found, v):
    if not found:
        return "-"
    if isinstance(v, str):
        try:
            return "S:" + v.encode("utf-8").hex()
        except UnicodeEncodeError:
            return "BAD"
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        return "O"
    if isinstance(v, int):
        return "I"
    return "N"


def expected(doc):
    try:
        text = doc.decode("utf-8")
        v = json.loads(text, parse_constant=no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "ERR"
    out = ["OK", "1" if isinstance(v, dict) else "0"]
    for k in KEYS:
        out.append(show(*member(v, k)) if isinstance(v, dict) else "-")
    return " ".join(out)


def agree(want, got):
    """An integer is compared by value (the driver prints its text)."""
    w, g = want.split(" "), got.split(" ")
    if len(w) != len(g):
        return False
    for a, b in zip(w, g):
        if a == "I" and b.startswith("I:"):
            continue
        if a != b:
            return False
    return True


def main():
    driver = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    r = random.Random(seed)
    docs = []
    for _ in range(count):
        d = gen_doc(r).encode("utf-8", "surrogatepass")
        docs.append(mutate(r, d) if r.random() < 0.5 else d)
    feed = b"".join(b"%d\n%s" % (len(d), d) for d in docs)
    got = subprocess.run([driver], input=feed, stdout=subprocess.PIPE, check=True).stdout
    got = got.decode("ascii").splitlines()
    if len(got) != len(docs):
        print("driver answered %d of %d documents" % (len(got), len(docs)))
        return 1
    bad = 0
    valid = 0
    for d, g in zip(docs, got):
        w = expected(d)
        valid += w != "ERR"
        if not agree(w, g):
            bad += 1
            if bad <= 10:
                print("differ: %r\n  python: %s\n  json.c: %s" % (d, w, g))
    print("%d documents (%d valid), %d differ" % (len(docs), valid, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
