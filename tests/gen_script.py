#!/usr/bin/env python3
"""gen_script.py - random experience scripts and event logs; differential runs.

Every engine must print byte for byte what the reference interpreter prints
(docs/language.md §6, §7), and the interpreter must agree with the
independent model of scoring (tests/model.py).  This tool makes the inputs
that check it and runs the check:

  gen_script.py gen  --seed S [--scripts N] [--logs K] --out DIR
      writes DIR/cNNN.exp and DIR/cNNN_K.csv (the same cases `diff` uses)
  gen_script.py fuzz --seed S [--scripts N] --out DIR
      writes DIR/gNNN: script, a line `%%`, its first log - inputs of the
      fuzz_diff harness (tests/fuzz/fuzz_diff.c), which t_fuzz_replay
      replays beside tests/fuzz/corpus/diff
  gen_script.py diff --expc build/expc [--engines c,jit,obj] [--seed S]
                     [--scripts N] [--logs K] [--jobs J] [--work DIR]
                     [--only NNN] [--cc CC]
      for every script, every log and every flag variant, runs
      `expc run --engine=interp` and each engine named, and compares stdout,
      stderr and the exit code; and, once per log, the interpreter's
      --format=json --skip-invalid scores against tests/model.py fed the
      customer/event pairs the generator wrote (it knows which lines are
      valid).  Prints each difference with the command that reproduces it,
      then `difftest: N cases, M failed` (a case is one engine, or the
      model, on one script, log and flag set); exits 1 if any failed.

Engines (interp is always the reference):
  c     expc build --emit=c --main, compiled with $CC (-O0, strict flags)
  jit   expc run --engine=jit
  obj   expc build --emit=obj linked with the --emit=c --main program
        compiled with -DUP_EXTERNAL_MACHINE, which leaves out the C machine

Scripts: three notes in a random order with no industry; random thresholds
(default, 1, small, huge) and penalty; 3 to 30 events with random points
(negative, zero, positive, extreme), names that share lengths and prefixes
and differ in one byte or in case, sometimes emotions (stdlib), media and
touch points.  Logs: CSV with a header or not, extra columns, quoted fields
(commas, quotes, CR and LF inside), CRLF or LF or both, empty lines, UTF-8
ids, unknown events (near misses of declared names), a missing final
newline, and now and then invalid lines (one field, empty customer or
event, an unterminated quote, bytes that are not UTF-8).  Flag variants:
csv and json, each plain, --strict, --skip-invalid and both, plus stdin and
--summary.  The same seed always gives the same cases.

Python 3 standard library only."""
import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402  tests/model.py

BEHAVIOURS = ["SAY", "STAY", "SPEND"]
EMOTIONS = {
    "SAY": ["trust", "curiosity", "confidence", "partnership", "being_heard"],
    "STAY": ["comfort", "relaxation", "belonging", "pride", "safety"],
    "SPEND": ["excitement", "desire", "urgency", "delight", "gratification"],
}
MEDIA = ["stage", "system", "service"]
TOUCH = ["marketing", "sales", "service", "support"]
KEYWORDS = set("""import emotion evokes industry first key before experience for
path note evoke stage system service threshold event via at penalty early SAY STAY
SPEND""".split())


# ---- scripts ---------------------------------------------------------------

def rand_ident(rng, lo=1, hi=12):
    first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    rest = first + "0123456789"
    while True:
        n = rng.randint(lo, hi)
        s = rng.choice(first) + "".join(rng.choice(rest) for _ in range(n - 1))
        if s not in KEYWORDS:
            return s


def variant(rng, name):
    """A name near `name`: one byte changed, a byte added or dropped, or the
    case of one letter flipped.  Used for look-alike declared names and for
    unknown events that must not match."""
    k = rng.randrange(4)
    i = rng.randrange(len(name))
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789_"
    if k == 0 and i > 0:
        return name[:i] + rng.choice(alnum) + name[i + 1:]
    if k == 1:
        return name + rng.choice(alnum)
    if k == 2 and len(name) > 1:
        return name[:-1]
    c = name[i]
    return name[:i] + (c.lower() if c.isupper() else c.upper()) + name[i + 1:]


def valid_ident(s):
    return (s and (s[0].isalpha() or s[0] == "_") and s.isascii()
            and all(c.isalnum() or c == "_" for c in s) and s not in KEYWORDS)


def make_script(rng, case):
    """(text, experience name, (event names, movers)): one well-formed
    experience; movers[k] are the events with positive points on the k-th
    note of the path, which make_log uses to walk customers along it."""
    name = "c%03d" % case
    path = BEHAVIOURS[:]
    rng.shuffle(path)
    use_emotions = rng.random() < 0.4
    use_at = rng.random() < 0.2

    n_events = rng.randint(3, 30)
    names = []
    while len(names) < n_events:
        if names and rng.random() < 0.4:
            cand = variant(rng, rng.choice(names))
        else:
            cand = rand_ident(rng, 1, rng.choice([4, 8, 16, 40]))
        if valid_ident(cand) and cand not in names:
            names.append(cand)

    def points():
        r = rng.random()
        if r < 0.05:
            return rng.choice([1000000, -1000000, 999999])
        if r < 0.15:
            return 0
        return rng.randint(-15, 20)

    events = []
    for nm in names:
        events.append({"name": nm, "note": rng.choice(BEHAVIOURS), "points": points()})
    # E0503: every note needs an event with positive points; add one where
    # the draw left a note without.
    for b in BEHAVIOURS:
        if not any(e["note"] == b and e["points"] > 0 for e in events):
            nm = rand_ident(rng, 3, 10)
            while nm in names:
                nm = rand_ident(rng, 3, 10)
            names.append(nm)
            events.append({"name": nm, "note": b, "points": rng.randint(1, 12)})

    aliases, arng = make_aliases(names)
    out = ["// %s: generated by tests/gen_script.py; do not edit" % name]
    if use_emotions:
        out.append('import "emotions";')
    out.append("experience %s {" % name)
    out.append("    path %s;" % " -> ".join(path))
    r = rng.random()
    penalty = 0
    thresholds = {}
    if r < 0.6:
        penalty = rng.choice([0, 1, 2, 3, 5, 10, 1000000])
        out.append("    penalty early %d;" % penalty)
    for b in path:
        items = []
        if use_emotions and rng.random() < 0.5:
            items.append("evoke %s;" % ", ".join(rng.sample(EMOTIONS[b], rng.randint(1, 2))))
        for md in MEDIA:
            items.append('%s "%s %s";' % (md, b.lower(), md))
        t = rng.random()
        if t < 0.7:
            thresholds[b] = rng.choice([1, 2, 3, 5, 8, 10, 12, 20, 30, 50, 1000000])
            items.append("threshold %d;" % thresholds[b])
        out.append("    note %s { %s }" % (b, " ".join(items)))
    for e in events:
        parts = ["    event", e["name"]]
        if e["name"] in aliases:
            parts += ["as", ", ".join('"%s"' % a for a in aliases[e["name"]])]
        parts += [":", e["note"]]
        if use_emotions and rng.random() < 0.5:
            parts.append(rng.choice(EMOTIONS[e["note"]]))
        if rng.random() < 0.3:
            parts += ["via", rng.choice(MEDIA)]
        if use_at:
            parts += ["at", rng.choice(TOUCH)]
        p = e["points"]
        parts.append(("+%d" % p) if p > 0 and rng.random() < 0.5 else str(p))
        out.append(" ".join(parts) + ";")
    out.append("}")
    # For the logs: per note in path order, the events that move it along.
    movers = [[e["name"] for e in events if e["note"] == b and e["points"] > 0] for b in path]
    table = {e["name"]: (e["note"], e["points"]) for e in events}
    for nm, al in aliases.items():
        for a in al:
            table[a] = table[nm]
    m = model.Machine(path, thresholds, penalty, table)
    return ("\n".join(out) + "\n", name,
            ([e["name"] for e in events], movers, m, aliases, arng))


def make_aliases(names):
    """({event: [alias]}, rng): log names for some events of some scripts
    (docs/language.md, Events and aliases), distinct from every name and
    alias.  They are drawn from their own generator, seeded by the names,
    so the scripts and logs of a seed are those of before aliases, plus
    the aliases."""
    arng = random.Random("aliases/" + "/".join(names))
    aliases = {}
    if arng.random() >= 0.35:
        return aliases, arng
    taken = set(names)
    for nm in names:
        for _ in range(arng.choice([0, 0, 1, 1, 2])):
            a = arng.choice(["web.%s" % nm, "app.%s" % nm, "%s v2" % nm, "POS, %s" % nm,
                             "\u00fc-%s" % nm, variant(arng, nm), "%s.%d" % (nm, arng.randint(0, 9))])
            if a not in taken:
                taken.add(a)
                aliases.setdefault(nm, []).append(a)
    return aliases, arng


# ---- logs ------------------------------------------------------------------

def csv_field(rng, s):
    """s as a CSV field: quoted when it must be, and now and then anyway."""
    if any(c in s for c in ',"\r\n') or rng.random() < 0.15:
        return '"' + s.replace('"', '""') + '"'
    return s


def make_log(rng, script):
    """(bytes of one CSV event log, [(customer, event)] of its valid lines)
    for a script: (declared names, movers, model).  Most customers follow
    the path (events of the note they are likely on, so many reach
    ENGAGED); the rest of the events are drawn at random."""
    names, movers, _, aliases, arng = script
    pairs = []
    eol_mode = rng.choice(["lf", "crlf", "mixed"])

    def eol():
        if eol_mode == "lf":
            return "\n"
        if eol_mode == "crlf":
            return "\r\n"
        return rng.choice(["\n", "\r\n"])

    customers = ["alice", "bob", "c%d" % rng.randint(0, 99), "Carol, Jr.",
                 'the "boss"', "multi\nline", "cr\rid", "zo\u00eb", " spaced ",
                 "x" * rng.randint(1, 40), "42"]
    pool = rng.sample(customers, rng.choice([1, 2, 3, 5, len(customers)]))
    journey = {}
    unknown = [variant(rng, rng.choice(names)) for _ in range(3)] + ["event", "zzz_unknown"]
    unknown = [u for u in unknown if u not in names and
               all(u not in al for al in aliases.values())] or ["zzz_unknown"]

    lines = []
    if rng.random() < 0.5:
        lines.append(rng.choice(["customer,event", "customer,event,ts",
                                 '"customer","event"', "customer,event,,"]))
    n = rng.choice([0, 1, 5, 20, 60, 120])
    invalid_rate = rng.choice([0, 0, 0.02, 0.1])
    for i in range(n):
        r = rng.random()
        if r < invalid_rate:
            lines.append(rng.choice([
                "lonely",
                ",%s" % rng.choice(names),
                "%s," % rng.choice(pool).replace('"', "").replace("\n", ""),
                '"unterminated,%s' % rng.choice(names),
                "bad\udcff,%s" % rng.choice(names),  # lone byte 0xFF, not UTF-8
                '"",%s' % rng.choice(names),
            ]))
            continue
        if r < 0.04:
            lines.append("")  # empty line: skipped
            continue
        cust = rng.choice(pool)
        r = rng.random()
        if r < 0.08:
            ev = rng.choice(unknown)
        elif r < 0.75:
            k = journey.get(cust, 0)
            ev = rng.choice(movers[k])
            if rng.random() < 0.35 and k < 2:
                journey[cust] = k + 1
        else:
            ev = rng.choice(names)
        if ev in aliases and arng.random() < 0.5:  # a log name of the event
            ev = arng.choice(aliases[ev])
        pairs.append((cust, ev))
        fields = [csv_field(rng, cust), csv_field(rng, ev)]
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                fields.append(csv_field(rng, rng.choice(
                    ["2026-01-01T10:00", "", "x,y", 'say "hi"', "42"])))
        lines.append(",".join(fields))
    text = "".join(line + eol() for line in lines)
    if text and rng.random() < 0.2:
        text = text.rstrip("\r\n")  # no final newline
    # An unterminated quote runs on into the lines after it (a quoted field
    # may hold line breaks): which lines it swallows is the reader's
    # business, so the model sits such logs out.
    if any(line.startswith('"unterminated') for line in lines):
        pairs = None
    return text.encode("utf-8", "surrogateescape"), pairs


def make_cases(seed, n_scripts, n_logs, only=None):
    """[(case, exp_text, name, [log bytes], [model rows of each log])],
    deterministic for the seed."""
    cases = []
    for case in range(n_scripts):
        rng = random.Random("%d/%d" % (seed, case))
        text, name, script = make_script(rng, case)
        made = [make_log(rng, script) for _ in range(n_logs)]
        logs = [data for data, _ in made]
        rows = [None if pairs is None else model.score(script[2], pairs) for _, pairs in made]
        if only is None or case == only:
            cases.append((case, text, name, logs, rows))
    return cases


def write_case(d, case, text, logs):
    exp = os.path.join(d, "c%03d.exp" % case)
    with open(exp, "w") as f:
        f.write(text)
    paths = []
    for k, data in enumerate(logs):
        p = os.path.join(d, "c%03d_%d.csv" % (case, k))
        with open(p, "wb") as f:
            f.write(data)
        paths.append(p)
    return exp, paths


# ---- the differential run ----------------------------------------------------

VARIANTS = [(fmt, mode) for fmt in ("csv", "json")
            for mode in ((), ("--strict",), ("--skip-invalid",), ("--strict", "--skip-invalid"))]


def run(argv, stdin=None):
    try:
        p = subprocess.run(argv, input=stdin if stdin is not None else b"",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


class Ctx:
    def __init__(self, args):
        self.expc = os.path.abspath(args.expc)
        self.cc = args.cc
        self.cflags = ["-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O0"]


def prepare(ctx, engine, d, exp, name):
    """A function (flags, log_path_or_None, stdin_bytes) -> (rc, out, err)
    for `engine` on script `exp`, or a string saying why it could not be
    built.  Engines reached through `expc run` print the script's
    diagnostics first: they are stripped (the compiled ones have none)."""
    up = ("exp_" + name).upper()
    if engine in ("interp", "jit"):
        rc, _, diag = run([ctx.expc, "check", exp])
        if rc != 0:
            return "expc check exit %s: %s" % (rc, diag.decode("utf-8", "replace"))

        def go(flags, log, data):
            argv = [ctx.expc, "run", exp, "--engine=" + engine] + list(flags)
            if log is not None:
                argv.append(log)
            rc, out, err = run(argv, stdin=data)
            if err.startswith(diag):
                err = err[len(diag):]
            return rc, out, err
        return go
    if engine in ("c", "obj"):
        ed = os.path.join(d, engine)
        os.makedirs(ed, exist_ok=True)
        src = os.path.join(ed, "prog.c")
        prog = os.path.join(ed, "prog")
        rc, _, err = run([ctx.expc, "build", exp, "--emit=c", "--main", "-o", src])
        if rc != 0:
            return "build --emit=c --main exit %s: %s" % (rc, err.decode("utf-8", "replace"))
        extra = []
        if engine == "obj":
            obj = os.path.join(ed, "machine.o")
            rc, _, err = run([ctx.expc, "build", exp, "--emit=obj", "-o", obj])
            if rc != 0:
                return "build --emit=obj exit %s: %s" % (rc, err.decode("utf-8", "replace"))
            extra = ["-D%s_EXTERNAL_MACHINE" % up, obj]
        rc, _, err = run([ctx.cc] + ctx.cflags + ["-o", prog, src] + extra)
        if rc != 0:
            return "%s exit %s: %s" % (ctx.cc, rc, err.decode("utf-8", "replace")[:2000])

        def go(flags, log, data):
            # The program's messages start with its own name where expc's
            # start with `expc: `: compared as if it were expc.
            argv = [prog] + list(flags)
            if log is not None:
                argv.append(log)
            rc, out, err = run(argv, stdin=data)
            own = b"prog: "
            err = b"".join(b"expc: " + ln[len(own):] if ln.startswith(own) else ln
                           for ln in err.splitlines(True))
            return rc, out, err
        return go
    return "unknown engine %r" % engine


def show(b):
    s = b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)
    return s if len(s) < 800 else s[:800] + "..."


def diff_case(ctx, engines, work, case, text, name, logs, rows):
    """(cases run, [failure messages]) for one script."""
    d = os.path.join(work, "c%03d" % case)
    os.makedirs(d, exist_ok=True)
    exp, paths = write_case(d, case, text, logs)
    ref = prepare(ctx, "interp", d, exp, name)
    if isinstance(ref, str):
        return 1, ["c%03d: reference: %s" % (case, ref)]
    runners = {}
    fails = []
    for e in engines:
        r = prepare(ctx, e, d, exp, name)
        if isinstance(r, str):
            fails.append("c%03d: engine %s: %s" % (case, e, r))
        else:
            runners[e] = r
    n = len(fails)
    for k, log in enumerate(paths):
        variants = [(("--format=" + fmt,) + mode, log, None) for fmt, mode in VARIANTS]
        with open(log, "rb") as f:
            data = f.read()
        # The independent model: same scores, customers, order.
        errs = []
        if rows[k] is not None:
            n += 1
            rc, out, err = ref(("--format=json", "--skip-invalid"), log, None)
            try:
                errs = [] if rc == 0 else ["exit %s: %s" % (rc, show(err))]
                errs = errs or model.compare(rows[k], model.parse_output(out))
            except ValueError as e:
                errs = ["unreadable JSON: %s" % e]
        if errs:
            fails.append("c%03d log %d model vs interp --format=json --skip-invalid:\n  %s" % (
                case, k, "\n  ".join(errs)))
        variants.append(((), None, data))              # standard input, no argument
        variants.append((("--summary",), "-", data))    # `-` and the funnel
        for flags, arg, stdin in variants:
            want = ref(flags, arg, stdin)
            for e, go in runners.items():
                n += 1
                got = go(flags, arg, stdin)
                if got != want:
                    what = ["stdout", "stderr", "exit"]
                    which = [w for w, a, b in zip(what, (want[1], want[2], want[0]),
                                                   (got[1], got[2], got[0])) if a != b]
                    fails.append(
                        "c%03d log %d engine %s flags %s%s: %s differ\n"
                        "  interp: exit %s\n%s\n%s\n  %s: exit %s\n%s\n%s" % (
                            case, k, e, " ".join(flags) or "(none)",
                            " (stdin)" if arg is None else "", "/".join(which),
                            want[0], show(want[1]), show(want[2]),
                            e, got[0], show(got[1]), show(got[2])))
    return n, fails


def cmd_gen(args):
    os.makedirs(args.out, exist_ok=True)
    for case, text, name, logs, _ in make_cases(args.seed, args.scripts, args.logs, args.only):
        write_case(args.out, case, text, logs)
    return 0


def cmd_fuzz(args):
    os.makedirs(args.out, exist_ok=True)
    for case, text, name, logs, _ in make_cases(args.seed, args.scripts, 1, args.only):
        with open(os.path.join(args.out, "g%03d" % case), "wb") as f:
            f.write(text.encode() + b"\n%%\n" + logs[0])
    return 0


def cmd_diff(args):
    engines = [e for e in args.engines.split(",") if e and e != "interp"]
    ctx = Ctx(args)
    work = args.work or tempfile.mkdtemp(prefix="expc-diff.")
    os.makedirs(work, exist_ok=True)
    cases = make_cases(args.seed, args.scripts, args.logs, args.only)
    total, fails = 0, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = [pool.submit(diff_case, ctx, engines, work, *c) for c in cases]
        for fut in futs:
            n, f = fut.result()
            total += n
            fails += f
    for f in fails[:20]:
        print("FAIL " + f)
    if len(fails) > 20:
        print("... and %d more" % (len(fails) - 20))
    if fails:
        print("reproduce: python3 tests/gen_script.py gen --seed %d --scripts %d --logs %d "
              "--only N --out DIR" % (args.seed, args.scripts, args.logs))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    print("difftest: %d cases, %d failed" % (total, len(fails)))
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen", help="write the cases to a folder")
    d = sub.add_parser("diff", help="run the engines against the interpreter")
    z = sub.add_parser("fuzz", help="write fuzz_diff inputs to a folder")
    for p in (g, d, z):
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--scripts", type=int, default=40)
        p.add_argument("--logs", type=int, default=3)
        p.add_argument("--only", type=int, default=None, help="one script (its number)")
    g.add_argument("--out", required=True)
    z.add_argument("--out", required=True)
    d.add_argument("--expc", default="build/expc")
    d.add_argument("--engines", default="c", help="comma-separated: c, jit, obj")
    d.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    d.add_argument("--work", default=None, help="keep the files here")
    d.add_argument("--cc", default=os.environ.get("CC") or "cc")
    args = ap.parse_args()
    return {"gen": cmd_gen, "fuzz": cmd_fuzz, "diff": cmd_diff}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
