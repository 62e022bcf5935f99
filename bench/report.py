#!/usr/bin/env python3
"""report.py - turns the raw results of bench/run.sh into the results table.

usage: report.py BENCH_DIR        (build/bench)

Reads what run.sh left in BENCH_DIR - raw/meta (parameters and machine),
json/*.json (hyperfine --export-json), raw/step_batch_*.txt, raw/rss_*,
raw/instr_* (callgrind instruction counts),
raw/check-*.lines, raw/cmp, raw/failures, raw/pg_bench.txt, raw/duckdb.txt,
raw/threads.txt - prints one
table (measurement, measured value, target, met / NOT MET) on stdout and
writes it, with every raw number behind it, to BENCH_DIR/results.md.  Times
are hyperfine medians (the rounds json/TAG.rN.json merged into one set of
runs); memory is in MB of 10^6 bytes.  A target is judged on the wall-clock
value; when the same measure in CPU time would meet a target the wall clock
missed (a shared machine), the status reads "NOT MET (met on CPU time)"."""
import json
import os
import re
import statistics
import sys

W = sys.argv[1] if len(sys.argv) > 1 else "build/bench"


def read(path, default=None):
    try:
        with open(os.path.join(W, path)) as f:
            return f.read()
    except OSError:
        return default


META = {}
for line in (read("raw/meta", "") or "").splitlines():
    if "=" in line:
        k, v = line.split("=", 1)
        META[k] = v
EVENTS = int(META.get("events", "0"))
CUSTOMERS = int(META.get("customers", "0"))


def bench(tag):
    """name -> hyperfine result of json/TAG.json, or of the rounds
    json/TAG.rN.json merged (every run's time; user and system averaged)."""
    txt = read(f"json/{tag}.json")
    if txt:
        return {r["command"]: r for r in json.loads(txt)["results"]}
    rounds = sorted(f for f in os.listdir(os.path.join(W, "json"))
                    if re.fullmatch(re.escape(tag) + r"\.r\d+\.json", f))
    merged = {}
    for f in rounds:
        for r in json.loads(read(f"json/{f}"))["results"]:
            m = merged.setdefault(r["command"], {"command": r["command"], "times": [],
                                                 "user_sum": 0.0, "system_sum": 0.0})
            n = len(r["times"])
            m["times"] += r["times"]
            m["user_sum"] += r["user"] * n
            m["system_sum"] += r["system"] * n
    for m in merged.values():
        t = m["times"]
        m["median"] = statistics.median(t)
        m["mean"] = statistics.fmean(t)
        m["stddev"] = statistics.stdev(t) if len(t) > 1 else 0.0
        m["min"], m["max"] = min(t), max(t)
        m["user"] = m.pop("user_sum") / len(t)
        m["system"] = m.pop("system_sum") / len(t)
    return merged


MAIN = bench("main")
PY = bench("python").get("python")


def median(name):
    r = MAIN.get(name)
    return r["median"] if r else None


def fmt_s(t):
    return "-" if t is None else (f"{t:.3f} s" if t < 100 else f"{t:.1f} s")


def rate(n, t, unit):
    if t is None or t <= 0:
        return "-"
    v = n / t
    if v >= 1e6:
        return f"{v / 1e6:.1f} M {unit}/s"
    return f"{v / 1e3:.1f} k {unit}/s"


ROWS = []  # (measurement, measured, target, status)


def row(what, measured, target="", ok=None, ok_cpu=None):
    """One line of the table.  `ok` judges the wall-clock value; `ok_cpu`,
    when given, the same measure in CPU time - it only shows when the two
    verdicts differ (a shared machine), and never turns NOT MET into met."""
    status = "" if ok is None else ("met" if ok else "NOT MET")
    if ok is False and ok_cpu:
        status = "NOT MET (met on CPU time)"
    if target and ok is None:
        status = "n/a"
    ROWS.append((what, measured, target, status))


# ---- end to end ---------------------------------------------------------
LABEL = {
    "jit": "expc run --engine=jit",
    "interp": "expc run --engine=interp",
    "compiled": "expc build --emit=c --main, cc -O2",
    "baseline_c": "C baseline (bench/baseline.c, cc -O2)",
    "floor": "floor (bench/floor.c: lines split, ids hashed)",
    "duckdb": "DuckDB query (bench/duckdb_hotel.sql)",
}
DUCKDB = (read("raw/duckdb.txt", "") or "").strip()
ev_txt = f"{EVENTS / 1e6:g}M events, {CUSTOMERS / 1e6:g}M customers"
def cpu(r):
    """Mean user + system seconds of a hyperfine result."""
    return r.get("user", 0) + r.get("system", 0) if r else None


for name in ("jit", "interp", "compiled", "baseline_c", "floor", "duckdb"):
    t = median(name)
    if t is not None:
        label = LABEL[name] + (f" ({DUCKDB})" if name == "duckdb" and DUCKDB else "")
        if name == "floor":
            label += f", -t {META.get('floor_threads', '1')} (expc's default threads)"
        row(f"{label}: {ev_txt}",
            f"{fmt_s(t)} ({rate(EVENTS, t, 'events')}; cpu {cpu(MAIN[name]):.3f} s)")

py_t = None
py_note = ""
if PY:
    if META.get("python") == "sample":
        sample = int(META.get("sample_events", "0")) or EVENTS // 10
        py_t = PY["median"] * EVENTS / sample
        py_note = f" (measured {PY['median']:.2f} s on {sample / 1e6:g}M events, scaled x{EVENTS / sample:g})"
    else:
        py_t = PY["median"]
        py_note = " (one run)"
    row(f"Python baseline (bench/baseline.py): {ev_txt}",
        f"{fmt_s(py_t)}{py_note} ({rate(EVENTS, py_t, 'events')})")


def ratio_row(what, num, den, target, pred, fmt="{:.2f}x", cnum=None, cden=None):
    """A ratio of wall-clock medians, judged against the target; the same
    ratio of CPU times follows in brackets, for a machine that was shared."""
    if num is None or den is None or den <= 0:
        row(what, "-", target, None)
        return
    r = num / den
    extra = f" (cpu {fmt.format(cnum / cden)})" if cnum and cden else ""
    row(what, fmt.format(r) + extra, target, pred(r),
        pred(cnum / cden) if cnum and cden else None)


tj, ti, tc, tb = median("jit"), median("interp"), median("compiled"), median("baseline_c")
cj, ci, cc, cb = (cpu(MAIN.get(n)) for n in ("jit", "interp", "compiled", "baseline_c"))
ratio_row("JIT vs C baseline (speed-up)", tb, tj, ">= 1.5x faster", lambda r: r >= 1.5,
          cnum=cb, cden=cj)
ratio_row("compiled C vs C baseline (speed-up)", tb, tc, ">= 1.5x faster", lambda r: r >= 1.5,
          cnum=cb, cden=cc)
py_cpu = cpu(PY) * (py_t / PY["median"]) if PY and PY["median"] > 0 else None
ratio_row("JIT vs Python (speed-up)", py_t, tj, ">= 100x faster", lambda r: r >= 100, "{:.1f}x",
          cnum=py_cpu, cden=cj)
ratio_row("compiled C vs Python (speed-up)", py_t, tc, ">= 100x faster", lambda r: r >= 100,
          "{:.1f}x", cnum=py_cpu, cden=cc)
tf, td = median("floor"), median("duckdb")
cf, cd = cpu(MAIN.get("floor")), cpu(MAIN.get("duckdb"))
if td is not None:
    ratio_row("JIT vs DuckDB (speed-up)", td, tj, ">= 20x faster", lambda r: r >= 20, "{:.1f}x",
              cnum=cd, cden=cj)
    ratio_row("compiled C vs DuckDB (speed-up)", td, tc, ">= 20x faster", lambda r: r >= 20,
              "{:.1f}x", cnum=cd, cden=cc)
else:
    row("JIT and compiled C vs DuckDB (speed-up)", DUCKDB or "skipped", ">= 20x faster", None)
ratio_row("JIT time / floor time", tj, tf, "<= 2 (within 2x of the floor)", lambda r: r <= 2,
          cnum=cj, cden=cf)
ratio_row("compiled C time / floor time", tc, tf, "<= 2 (within 2x of the floor)",
          lambda r: r <= 2, cnum=cc, cden=cf)
ratio_row("JIT time / compiled C time", tj, tc, "<= 1.15", lambda r: r <= 1.15,
          cnum=cj, cden=cc)
ratio_row("interp time / compiled C time", ti, tc, "<= 2.5", lambda r: r <= 2.5,
          cnum=ci, cden=cc)

# ---- --report (section 5c of run.sh) ----------------------------------------------
def paired(tag, num, den, key):
    """(median, rounds): the median over the rounds json/TAG.rN.json of
    num's `key` / den's in the same round (run one after the other: a shared
    machine's drift, which moves single runs by 10-20 %, cancels out), and
    how many rounds had both; (None, 0) when none had."""
    out = []
    for f in sorted(os.listdir(os.path.join(W, "json"))):
        if not re.fullmatch(re.escape(tag) + r"\.r\d+\.json", f):
            continue
        res = {r["command"]: r for r in json.loads(read(f"json/{f}"))["results"]}
        a, b = res.get(num), res.get(den)
        if a and b and key(b) > 0:
            out.append(key(a) / key(b))
    return (statistics.median(out), len(out)) if out else (None, 0)


REPORT = bench("report")
for eng in ("jit", "interp"):
    base, rep = REPORT.get(eng), REPORT.get(eng + "_report")
    if not (base and rep):
        continue
    rw, rounds = paired("report", eng + "_report", eng, lambda r: r["median"])
    rc, _ = paired("report", eng + "_report", eng, lambda r: r["user"] + r["system"])
    if rw is None:  # one json/report.json, not rounds: the medians' ratio
        ratio_row(f"{eng}: run --report / run without", rep["median"], base["median"],
                  "<= 1.05", lambda r: r <= 1.05, cnum=cpu(rep), cden=cpu(base))
    else:
        ratio_row(f"{eng}: run --report / run without (median of the rounds' ratios, "
                  f"{rounds} rounds)", rw, 1.0, "<= 1.05", lambda r: r <= 1.05,
                  cnum=rc, cden=1.0)


def instr(name):
    """(main thread, all threads) instructions of raw/instr_NAME (callgrind
    on the 1/10 log), or None."""
    txt = (read(f"raw/instr_{name}", "") or "").split()
    return (int(txt[0]), int(txt[1])) if len(txt) == 2 else None


for eng in ("jit", "interp"):
    base, rep = instr(eng), instr(eng + "_report")
    if base and rep:
        r = rep[0] / base[0]
        row(f"{eng}: run --report / run without, instructions of the thread that scores "
            f"(callgrind, {int(META.get('sample_events', '0')) / 1e6:g}M events)",
            f"{r:.3f}x (all threads {rep[1] / base[1]:.3f}x)", "<= 1.05", r <= 1.05)

# ---- --time (section 5b of run.sh) --------------------------------------------
TIME = bench("time")
if TIME:
    tt = TIME.get("jit_time", {}).get("median")
    tn = TIME.get("jit", {}).get("median")
    ratio_row("JIT --time on a log in time order / without --time", tt, tn, "<= 1.3",
              lambda r: r <= 1.3, cnum=cpu(TIME.get("jit_time")), cden=cpu(TIME.get("jit")))
for n, label in (("jit_time_shuf", "JIT --time, shuffled log (default --memory)"),
                 ("jit_time_spill_shuf", "JIT --time, shuffled log, --memory=64M (spills)")):
    r = bench("time_shuf").get(n)
    if r:
        row(label, fmt_s(r["median"]))

# ---- time rules (section 5c of run.sh) -------------------------------------------
RULES = bench("rules")
for eng, label in (("jit", "JIT"), ("compiled", "compiled C")):
    tr = RULES.get(f"{eng}_rules", {}).get("median")
    tt = RULES.get(f"{eng}_time", {}).get("median")
    if tr and tt:
        ratio_row(f"{label}: time rules (within, reset after, cap) / same without, --time", tr,
                  tt, "<= 1.3", lambda r: r <= 1.3, cnum=cpu(RULES.get(f"{eng}_rules")),
                  cden=cpu(RULES.get(f"{eng}_time")))

# ---- step_batch ------------------------------------------------------------
SB = {}
for v, label in (("c", "generated C, cc -O2"), ("llvm", "LLVM --emit=obj"),
                 ("c_time", "generated C, time rules, with times"),
                 ("llvm_time", "LLVM --emit=obj, time rules, with times")):
    txt = read(f"raw/step_batch_{v}.txt") or ""
    m = re.search(r"RESULT log_eps=(\d+) hot_eps=(\d+) events=(\d+) customers=(\d+)", txt)
    if not m:
        continue
    log_eps, hot_eps, n, nc = (int(x) for x in m.groups())
    c = re.search(r"log_cpu_eps=(\d+) hot_cpu_eps=(\d+)", txt)
    log_c, hot_c = (int(c.group(1)), int(c.group(2))) if c else (None, None)
    SB[v] = (log_eps, hot_eps, n, nc)
    for what, eps, ceps in ((f"log order, {nc / 1e6:g}M customers", log_eps, log_c),
                            ("hot set of 1024 customers", hot_eps, hot_c)):
        speed = f"{eps / 1e6:.1f} M events/s" + (f" (cpu {ceps / 1e6:.1f})" if ceps else "")
        if v.endswith("_time"):  # beside the plain rows: no target of its own
            row(f"P_step_batch ({label}), {what}", speed)
        else:
            row(f"P_step_batch ({label}), {what}", speed, ">= 300 M events/s", eps >= 300e6,
                ceps >= 300e6 if ceps else None)

# ---- expc check ----------------------------------------------------------------
CHECK = []
for f in sorted(os.listdir(os.path.join(W, "json"))) if os.path.isdir(os.path.join(W, "json")) else []:
    m = re.fullmatch(r"check-(\d+)\.json", f)
    if not m:
        continue
    size = int(m.group(1))
    r = bench(f"check-{size}").get(f"check-{size}")
    lines = int((read(f"raw/check-{size}.lines", "0") or "0").strip() or 0)
    if r and lines:
        CHECK.append((size, lines, r))
CHECK.sort()
CHECK = [(size, lines, r) for size, lines, r in CHECK if r["median"] > 0]  # too short to time
for size, lines, r in CHECK:
    lps = lines / r["median"]
    clps = lines / cpu(r) if cpu(r) else None
    row(f"expc check, {lines} lines",
        f"{fmt_s(r['median'])} ({lps / 1e6:.2f} M lines/s"
        + (f"; cpu {clps / 1e6:.2f})" if clps else ")"),
        ">= 1 M lines/s", lps >= 1e6, clps >= 1e6 if clps else None)
if len(CHECK) >= 2:
    (_, l1, r1), (_, l2, r2) = CHECK[-2], CHECK[-1]
    g = (r2["median"] / l2) / (r1["median"] / l1)
    row(f"expc check time per line, {l2} vs {l1} lines", f"{g:.2f}x",
        "<= 1.25x (linear)", g <= 1.25)

# ---- expc lsp (section 5c of run.sh) ------------------------------------------
m = re.search(r"RESULT lines=(\d+) runs=(\d+) median_ms=([0-9.]+) p95_ms=([0-9.]+) max_ms=([0-9.]+)",
              read("raw/lsp.txt", "") or "")
if m:
    lines, runs, med, p95, mx = int(m[1]), int(m[2]), float(m[3]), float(m[4]), float(m[5])
    row(f"expc lsp: diagnostics after a change, {lines} lines (p95 of {runs}; median, max)",
        f"{p95:.1f} ms ({med:.1f}, {mx:.1f})", "<= 100 ms", p95 <= 100)

# ---- memory ------------------------------------------------------------------------
RSS = {}
for name in ("jit", "interp", "compiled", "baseline_c"):
    txt = read(f"raw/rss_{name}.txt")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt or "")
    if m:
        RSS[name] = int(m.group(1)) * 1024 / 1e6
kb = (read("raw/rss_python.kb", "") or "").strip().splitlines()
if kb and kb[-1].isdigit() and META.get("python") == "full":
    RSS["python"] = int(kb[-1]) * 1024 / 1e6
for name in ("jit", "interp", "compiled"):
    if name in RSS:
        row(f"peak RSS, {LABEL[name]}, {CUSTOMERS / 1e6:g}M customers", f"{RSS[name]:.1f} MB",
            "< 150 MB", RSS[name] < 150)
for name, label in (("baseline_c", LABEL["baseline_c"]), ("python", "Python baseline")):
    if name in RSS:
        row(f"peak RSS, {label}", f"{RSS[name]:.1f} MB")

def rss_mb(name):
    """Peak RSS in MB of raw/rss_NAME.txt (time -v) or raw/rss_NAME.kb (time -f %M)."""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", read(f"raw/rss_{name}.txt", "") or "")
    if m:
        return int(m.group(1)) * 1024 / 1e6
    kb = (read(f"raw/rss_{name}.kb", "") or "").strip().splitlines()
    return int(kb[-1]) * 1024 / 1e6 if kb and kb[-1].isdigit() else None


for name in ("floor", "duckdb"):
    if rss_mb(name) is not None:
        row(f"peak RSS, {LABEL[name]}", f"{rss_mb(name):.1f} MB")

# ---- --threads (section 6b of run.sh) ----------------------------------------------------

THREADS = bench("threads")
skipped = (read("raw/threads.txt", "") or "").strip().splitlines()
if skipped:
    row("--threads=2 vs --threads=1 (speed-up); peak RSS per thread count",
        "; ".join(skipped), ">= 1.7x faster; < 150 MB", None)
for eng, label in (("jit", "JIT"), ("compiled", "compiled C"), ("floor", "floor")):
    t1, t2 = THREADS.get(f"{eng}_t1"), THREADS.get(f"{eng}_t2")
    if not (t1 and t2):
        continue
    for n, r in ((1, t1), (2, t2)):
        row(f"{label} {'-t ' if eng == 'floor' else '--threads='}{n}: {ev_txt}",
            f"{fmt_s(r['median'])} "
            f"({rate(EVENTS, r['median'], 'events')}; cpu {cpu(r):.3f} s)")
    if eng == "floor":  # what the hardware allows: beside the engines, no target
        ratio_row(f"{label} -t 2 vs -t 1 (speed-up)", t1["median"], t2["median"], "",
                  lambda r: None)
        continue
    ratio_row(f"{label} --threads=2 vs --threads=1 (speed-up)", t1["median"], t2["median"],
              ">= 1.7x faster", lambda r: r >= 1.7)
    for n in (1, 2):
        f = THREADS.get(f"floor_t{n}")
        if f:
            ratio_row(f"{label} --threads={n} time / floor -t {n} time",
                      THREADS[f"{eng}_t{n}"]["median"], f["median"],
                      "<= 2 (within 2x of the floor)", lambda r: r <= 2,
                      cnum=cpu(THREADS[f"{eng}_t{n}"]), cden=cpu(f))
    for n in (1, 2):
        mb = rss_mb(f"{eng}_t{n}")
        if mb is not None:
            row(f"peak RSS, {label} --threads={n}, {CUSTOMERS / 1e6:g}M customers",
                f"{mb:.1f} MB", "< 150 MB", mb < 150)

# ---- the big log (section 6c of run.sh) ---------------------------------------------------
BIG = bench("big")
big_n = int(META.get("big_events", "0") or 0)
for name, label in (("jit", "JIT"), ("compiled", "compiled C"), ("floor", "floor")):
    r, t10 = BIG.get(f"{name}_big"), median(name)
    if not r or not t10 or not EVENTS:
        continue
    k = big_n / EVENTS
    big_txt = f"{big_n / 1e6:g}M events, {CUSTOMERS / 1e6:g}M customers"
    row(f"{label}: {big_txt}", f"{fmt_s(r['median'])} ({rate(big_n, r['median'], 'events')}; "
        f"cpu {cpu(r):.3f} s)")
    if name == "floor":  # beside the engines: no target of its own
        ratio_row(f"{label}: {big_n / 1e6:g}M-event time / ({k:g} x the {EVENTS / 1e6:g}M time)",
                  r["median"], k * t10, "", lambda x: None)
    else:
        ratio_row(f"{label}: {big_n / 1e6:g}M-event time / ({k:g} x the {EVENTS / 1e6:g}M time)",
                  r["median"], k * t10, "<= 1.1 (linear)", lambda x: x <= 1.1,
                  cnum=cpu(r), cden=k * cpu(MAIN[name]))
    mb = rss_mb(f"{name}_big")
    if mb is not None:
        main_mb = rss_mb(name)
        row(f"peak RSS, {label}, {big_txt}",
            f"{mb:.1f} MB" + (f" ({main_mb:.1f} MB on {EVENTS / 1e6:g}M events)" if main_mb else ""),
            *(("< 150 MB", mb < 150) if name != "floor" else ()))

# ---- correctness ----------------------------------------------------------------------
cmp_lines = (read("raw/cmp", "") or "").split("\n")
same = sum(1 for l in cmp_lines if l.endswith(" same"))
diff = [l.split()[0] for l in cmp_lines if l.endswith(" DIFFERENT")]
row("outputs identical to expc run (cmp)", f"{same} same, {len(diff)} different"
    + (f": {', '.join(diff)}" if diff else ""), "all same", not diff and same > 0)

# ---- PostgreSQL (optional) -----------------------------------------------------------------
pg = read("raw/pg_bench.txt")
if pg is not None:
    m = re.search(r"PostgreSQL scoring: (\d+) events, (\d+) customers", pg)
    size = f"{int(m.group(1)) / 1e6:g}M events, {int(m.group(2)) / 1e6:g}M customers" if m else "?"
    pg_rows = re.findall(r"^\| ([^|]+) \| ([0-9.]+) \| ([0-9.]+) \|$", pg, re.M)
    jit_pg = next((t for name, t, _ in pg_rows if "engine=jit" in name), None)
    for name, t, mev in pg_rows:
        if not name.startswith("PostgreSQL"):
            continue
        label = "one server" if "one server" in name else re.sub(r"PostgreSQL \d+, ", "", name)
        label = re.sub(r" \(\d+ aggregates pushed down\)", "", label)
        row(f"PostgreSQL ({label}): {size}",
            f"{float(t):.3f} s ({mev} M events/s)" + (f"; expc jit same log {jit_pg} s" if jit_pg else ""))
    if not pg_rows:
        row("PostgreSQL (bench/pg_bench.sh)", (pg.strip().splitlines() or ["no result"])[-1][:60])

# ---- expc serve (optional) -----------------------------------------------------------------
sv = read("raw/serve.txt")
if sv is not None and "=" in sv:
    v = dict(l.split("=", 1) for l in sv.splitlines() if "=" in l)
    def num(k):
        try:
            return float(v.get(k, ""))
        except ValueError:
            return None
    ev, p99, ev8 = num("events_per_s"), num("get_load_p99_ms"), num("post8_events_per_s")
    row("serve: durable ingestion, 2 clients, 1,000-event NDJSON bodies",
        f"{ev:,.0f} events/s" if ev is not None else "?", ">= 100,000 events/s",
        ev is not None and ev >= 100000)
    row("serve: the same with 8 clients (group commit)",
        f"{ev8:,.0f} events/s" if ev8 is not None else "?")
    row("serve: GET /v1/customers/{id} p99 during that ingestion",
        f"{p99:.2f} ms (p50 {v.get('get_load_p50_ms', '?')} ms)" if p99 is not None else "?",
        "< 5 ms", p99 is not None and p99 < 5)
    row("serve: small GETs alone (8 connections)", f"{num('get_rps') or 0:,.0f} requests/s")
    rss = num("rss_1m_kb")
    row(f"serve: peak RSS, {v.get('rows_1m', '?')} customers stored, after GET /v1/scores",
        f"{rss / 1024:.0f} MiB" if rss else "?")
elif sv is not None:
    row("serve (bench/serve_bench.sh)", (sv.strip().splitlines() or ["no result"])[-1][:60])


# ---- output ------------------------------------------------------------------------------
def text_table(rows):
    head = ("measurement", "measured", "target", "status")
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(4)]
    out = [" | ".join(h.ljust(w[i]) for i, h in enumerate(head)),
           "-+-".join("-" * x for x in w)]
    for r in rows:
        out.append(" | ".join(str(c).ljust(w[i]) for i, c in enumerate(r)))
    return "\n".join(out)


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


table = text_table(ROWS)
print()
print(f"expc benchmarks - {ev_txt}, median of {META.get('runs')} runs "
      f"({META.get('cpu')}, {META.get('nproc')} CPUs)")
print(table)
failures = (read("raw/failures", "") or "").strip()
if failures:
    print("\nFAILURES:\n" + failures)

md = ["# expc benchmark results", "",
      f"Generated by `make bench` (bench/run.sh) on {META.get('date')}.", "",
      "## Machine and parameters", ""]
mem_gb = int(META.get("mem_kb", "0") or 0) / 1024 / 1024
md += [f"- CPU: {META.get('cpu')}, {META.get('nproc')} online CPUs"
       + (f" ({META['virt']} guest)" if META.get("virt") else "")
       + (f"; caches: {META['caches']}" if META.get("caches") else "")
       + f"; memory {mem_gb:.1f} GiB; {META.get('kernel')}",
       f"- {META.get('expc_version')}; {META.get('cc_version')}; {META.get('python_version')}; "
       f"{META.get('hyperfine_version')}",
       f"- main log: {EVENTS} events over {CUSTOMERS} customers, seed {META.get('seed')}, "
       f"{int(META.get('main_log_bytes', '0')) / 1e6:.0f} MB "
       f"(`{os.path.relpath(META.get('main_log', ''), os.path.dirname(os.path.dirname(W)))}`)",
       f"- timed runs per measurement: {META.get('runs')} after 1 warm-up (scaling series: "
       f"up to 3); Python baseline: {META.get('python')}",
       f"- load average (1, 5, 15 min) when the run began: {META.get('load_start', '?')}; "
       f"when it ended: {META.get('load_end', '?')} (on {META.get('nproc')} CPUs: above that, "
       f"other work was competing for them)", "",
       "## Results", "", md_table(("measurement", "measured", "target", "status"), ROWS), ""]
if failures:
    md += ["**Failures:**", "", "```", failures, "```", ""]

detail = []
TAGS = {re.sub(r"\.r\d+$", "", f[:-5]) for f in os.listdir(os.path.join(W, "json"))
        if f.endswith(".json")}
for tag in ["main", "python"] + sorted(TAGS - {"main", "python"}):
    for name, r in bench(tag).items():
        detail.append((tag, name, f"{r['median']:.4f}", f"{r['mean']:.4f}",
                       f"{(r.get('stddev') or 0):.4f}", f"{r['min']:.4f}", f"{r['max']:.4f}",
                       f"{r.get('user', 0) + r.get('system', 0):.4f}",
                       len(r.get("times", []))))
md += ["## Every timing (seconds)", "",
       "Wall-clock statistics from hyperfine; `cpu` is the mean user + system time, "
       "which is less disturbed when other work shares the machine.", "",
       md_table(("set", "command", "median", "mean", "stddev", "min", "max", "cpu", "runs"),
                detail), ""]

scale = []
for tag in sorted(TAGS):
    m = re.fullmatch(r"scale-(\d+)-(\d+)", tag)
    if m:
        e, c = int(m.group(1)), int(m.group(2))
        for name, r in bench(tag).items():
            scale.append((e, c, re.sub(r"_s$", "", name), (r["median"], cpu(r))))
for name in ("jit", "interp", "compiled", "baseline_c"):
    if median(name) is not None:
        scale.append((EVENTS, CUSTOMERS, name, (median(name), cpu(MAIN[name]))))
if scale:
    engines = [n for n in ("jit", "interp", "compiled", "baseline_c")
               if any(x[2] == n for x in scale)]
    by = {(e, c, n): t for e, c, n, t in scale}
    points = sorted({(e, c) for e, c, _, _ in scale}, key=lambda x: (x[1] != CUSTOMERS // 10, x[1], x[0]))
    md += ["## Scaling with events and customers", "",
           "Each cell: median wall-clock seconds / mean CPU (user + system) seconds, "
           "and CPU nanoseconds per event in brackets (CPU time is the steadier "
           "measure when the machine is shared).", "",
           md_table(("events", "customers") + tuple(engines),
                    [(e, c) + tuple(f"{by[(e, c, n)][0]:.3f} / {by[(e, c, n)][1]:.3f} "
                                    f"({by[(e, c, n)][1] * 1e9 / e:.0f})"
                                    if (e, c, n) in by else "-" for n in engines)
                     for e, c in points]), ""]
if CHECK:
    md += ["## expc check and script size", "",
           md_table(("script lines", "median s", "cpu s", "M lines/s", "us/line (cpu)"),
                    [(l, f"{r['median']:.4f}", f"{cpu(r):.4f}", f"{l / r['median'] / 1e6:.2f}",
                      f"{cpu(r) * 1e6 / l:.3f}") for _, l, r in CHECK]), ""]
for v in ("c", "llvm", "c_time", "llvm_time"):
    txt = read(f"raw/step_batch_{v}.txt")
    if txt:
        md += [f"## step_batch ({v})", "", "```", txt.strip(), "```", ""]
if RSS:
    md += ["## Peak RSS (MB)", "", md_table(("program", "MB"),
                                            [(k, f"{v:.1f}") for k, v in RSS.items()]), ""]
if pg is not None:
    md += ["## PostgreSQL (bench/pg_bench.sh)", "", "```", pg.strip(), "```", ""]
with open(os.path.join(W, "results.md"), "w") as f:
    f.write("\n".join(md))
print(f"\n(raw results: {os.path.join(W, 'results.md')})")
