#!/usr/bin/env python3
"""gen_big_script.py - a large, valid experience script, for timing `expc check`.

usage: gen_big_script.py LINES [SEED] > big.exp

Writes about LINES lines: many experiences (each about 50 lines: a path, three
notes with all media, 25 events) importing the stdlib.  Deterministic for a
given seed, so timings compare like with like."""
import random
import sys

PATHS = {
    "hospitality": ["STAY", "SAY", "SPEND"],
    "fast_food": ["SPEND", "SAY", "STAY"],
    "healthcare": ["SAY", "SPEND", "STAY"],
    "retail": ["STAY", "SPEND", "SAY"],
}
EMOTIONS = {
    "SAY": ["trust", "curiosity", "confidence", "partnership", "being_heard"],
    "STAY": ["comfort", "relaxation", "belonging", "pride", "safety"],
    "SPEND": ["excitement", "desire", "urgency", "delight", "gratification"],
}
TOUCH = ["marketing", "sales", "service", "support"]
MEDIA = ["stage", "system", "service"]


def experience(out, rng, n):
    industry = rng.choice(sorted(PATHS))
    path = PATHS[industry]
    w = out.append
    w(f"experience exp_{n} for {industry} {{")
    w(f"    path {' -> '.join(path)};")
    w(f"    penalty early {rng.randint(0, 5)};")
    evoked = {}
    for b in path:
        evoked[b] = rng.sample(EMOTIONS[b], 2)
        w(f"    note {b} {{")
        w(f"        evoke {', '.join(evoked[b])};")
        w(f'        stage   "Stage of note {b} in experience {n}";')
        w(f'        system  "System of note {b}";')
        w(f'        service "Service of note {b}";')
        w(f"        threshold {rng.randint(1, 20)};")
        w("    }")
    for i in range(25):
        b = path[i % 3]
        # an emotion its note evokes: the script checks without a warning
        # (W0506), so `expc check` is timed on checking, not on printing
        w(f"    event ev_{i} : {b} {rng.choice(evoked[b])} via {rng.choice(MEDIA)} "
          f"at {TOUCH[i % 4]} {rng.randint(1, 9):+d};")
    w("}")
    w("")


def main():
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = ['import "emotions";', 'import "industries";', ""]
    n = 0
    while len(out) < lines:
        experience(out, rng, n)
        n += 1
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
