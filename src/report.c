/* report.c - the report page of `expc run --report=FILE.html` (report.h).
 *
 * One self-contained HTML5 file (docs/language.md, "The report"): inline CSS
 * and SVG, no script, no URL but data: and SVG's xmlns, so it opens from
 * disk with no network.  The numbers people read are formatted with
 * thousands separators; the data-* attributes tests and tools read hold the
 * raw integers.  Every name from a script or a log goes through tmpl_html,
 * the one markup escaper.
 *
 * The per-event counts come from the counter, which steps the engine of
 * the run (rt_opts.step for `expc run`; an rt_engine around it for the
 * service) through rt_engine.step_batch_tally: the engine adds each
 * event's effect to a per-event row where it decides it (one add an event;
 * bench/run.sh, 5c, measures what it costs), so the rule stays in the
 * lowered machine and the engines only translate it.  A --threads run
 * steps its partitions at once: each thread counts in a lane of its own,
 * and the lanes are added up for the page (lanes_sum).  The machine picture is
 * `expc graph`'s DOT laid out by Graphviz's library when expc is built
 * with it (EXPC_GVC, detected like LLVM in the Makefile); `expc run` has a
 * thread draw it while the log is scored. */
#include "expc/report.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/exitcode.h"
#include "expc/outfile.h"
#include "expc/tmpl.h"
#include "expc/tools.h"

#if EXPC_GVC
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

#define HIST_BINS 20     /* the most bins of the score histogram */
#define CHART_W 640      /* SVG user units */

/* ---- numbers for people ------------------------------------------------- */

/* v with a comma every three digits: 1,234,567; buf holds 32. */
static const char *fmt_u64(char *buf, uint64_t v)
{
    char d[24];
    int n = snprintf(d, sizeof d, "%" PRIu64, v), o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = d[i];
    }
    buf[o] = 0;
    return buf;
}

/* The same for a signed value, with a real minus sign. */
static const char *fmt_i64(char *buf, int64_t v)
{
    if (v >= 0)
        return fmt_u64(buf, (uint64_t)v);
    strcpy(buf, "\xe2\x88\x92"); /* U+2212 */
    fmt_u64(buf + 3, 0 - (uint64_t)v);
    return buf;
}

static void put_text(FILE *f, const char *s)
{
    tmpl_html(f, s, strlen(s), " ");
}

/* ---- the header ---------------------------------------------------------- */

/* One row of the input's facts: the number for people, the raw one in
 * data-KEY. */
static void put_fact(FILE *f, const char *label, const char *key, uint64_t v)
{
    char b[32];
    fprintf(f, "<tr><th scope=\"row\">%s</th><td class=\"num\" data-%s=\"%" PRIu64 "\">%s</td></tr>\n",
            label, key, v, fmt_u64(b, v));
}

static void put_header(FILE *f, const report_data *d)
{
    const ir_machine *m = d->m;
    fputs("<header>\n<h1>", f);
    put_text(f, m->name);
    fputs("</h1>\n<p class=\"sub\">", f);
    if (m->industry) {
        fputs("for <span data-industry=\"", f);
        put_text(f, m->industry);
        fputs("\">", f);
        put_text(f, m->industry);
        fputs("</span> &#183; ", f);
    }
    fputs("path <span class=\"path\" data-path=\"", f);
    for (int32_t k = 0; k < m->n_notes; k++)
        fprintf(f, "%s%s", k ? " " : "", m->notes[k].name);
    fputs("\">", f);
    for (int32_t k = 0; k < m->n_notes; k++)
        fprintf(f, "%s%s", k ? " &#8594; " : "", m->notes[k].name);
    fputs("</span>", f);
    if (m->script && *m->script) {
        fputs(" &#183; script ", f);
        put_text(f, m->script);
    }
    fputs("</p>\n", f);
    if (d->live) {
        fputs("<p class=\"sub\">", f);
        put_text(f, d->live);
        fputs("</p>\n", f);
    }
    fputs("<table class=\"facts\">\n", f);
    if (d->input) {
        fputs("<tr><th scope=\"row\">Input</th><td data-input=\"", f);
        put_text(f, d->input);
        fputs("\">", f);
        put_text(f, d->input);
        fputs("</td></tr>\n", f);
    }
    put_fact(f, "Records read", "records", d->records);
    put_fact(f, "Events scored", "scored", d->scored);
    put_fact(f, "Undeclared events skipped", "undeclared", d->undeclared);
    put_fact(f, "Invalid lines skipped", "invalid", d->invalid);
    put_fact(f, "Customers", "customers", d->n_customers);
    fputs("</table>\n</header>\n", f);
}

/* ---- the funnel ---------------------------------------------------------- */

/* reached[k]: customers whose final stage is k or past it, k = 0..n_notes
 * (rt_write_summary's `reached` column). */
/* Calls fn(arg, state) on every customer's final state of d (in states[],
 * or in the tables of a --threads run). */
static void each_state(const report_data *d, void (*fn)(void *, const rt_state *), void *arg)
{
    if (d->n_tabs == 0) {
        for (size_t i = 0; i < d->n_customers; i++)
            fn(arg, report_state(d, i));
        return;
    }
    for (size_t k = 0; k < d->n_tabs; k++)
        for (size_t i = 0; i < d->tabs[k].n; i++)
            fn(arg, rt_table_state(&d->tabs[k], i));
}

typedef struct stage_tally {
    int32_t n_notes;
    uint64_t on[IR_NOTES + 1];
} stage_tally;

static void tally_stage(void *arg, const rt_state *s)
{
    stage_tally *t = arg;
    if (s->stage >= 0 && s->stage <= t->n_notes)
        t->on[s->stage]++;
}

static void funnel_counts(const report_data *d, uint64_t reached[IR_NOTES + 1])
{
    int32_t n = d->m->n_notes;
    stage_tally t = { n, { 0 } };
    const uint64_t *on = t.on;
    each_state(d, tally_stage, &t);
    uint64_t sum = 0;
    for (int32_t k = n; k >= 0; k--)
        reached[k] = sum += on[k];
}

/* The drop-off from the bar before: `−40.0%`, or `—` after a bar of 0. */
static void put_dropoff(FILE *f, uint64_t before, uint64_t now)
{
    if (before == 0) {
        fputs("&#8212;", f);
        return;
    }
    double pct = 100.0 * (double)(before - now) / (double)before;
    fprintf(f, "%s%.1f%%", pct > 0 ? "\xe2\x88\x92" : "", pct);
}

static void put_funnel(FILE *f, const report_data *d)
{
    const ir_machine *m = d->m;
    uint64_t reached[IR_NOTES + 1];
    char b[32];
    funnel_counts(d, reached);
    int32_t bars = m->n_notes + 1;
    int row = 44, top = 10, left = 110, width = 380;
    fputs("<section id=\"funnel\">\n<h2>Funnel</h2>\n", f);
    fprintf(f, "<svg class=\"chart\" role=\"img\" aria-labelledby=\"funnel-title\" "
               "viewBox=\"0 0 %d %d\">\n<title id=\"funnel-title\">Customers who reached each "
               "stage, and the drop-off from the stage before</title>\n",
            CHART_W, top * 2 + row * bars);
    for (int32_t k = 0; k < bars; k++) {
        const char *name = ir_stage_name(m, k);
        int y = top + row * k;
        double w = reached[0] ? (double)width * (double)reached[k] / (double)reached[0] : 0;
        fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                left - 10, y + 21, name);
        fprintf(f, "<rect class=\"bar%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"28\" "
                   "data-stage=\"%s\" data-reached=\"%" PRIu64 "\"><title>%s: %s reached</title></rect>\n",
                k == m->n_notes ? " engaged" : "", left, y + 2, w < 1 && reached[k] ? 1.0 : w,
                name, reached[k], name, fmt_u64(b, reached[k]));
        fprintf(f, "<text class=\"value\" x=\"%.1f\" y=\"%d\">%s</text>\n", left + w + 8, y + 21,
                fmt_u64(b, reached[k]));
        if (k > 0) {
            fprintf(f, "<text class=\"drop\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", CHART_W - 4,
                    y + 21);
            put_dropoff(f, reached[k - 1], reached[k]);
            fputs("</text>\n", f);
        }
    }
    fputs("</svg>\n<p class=\"note\">Reached: customers whose final stage is this one or a later "
          "one. At the right, the drop-off from the stage before.</p>\n</section>\n", f);
}

/* ---- the score histogram ------------------------------------------------- */

/* The least of 1, 2, 5, 10, 20, 50, ... that is >= x. */
static uint64_t nice_width(uint64_t x)
{
    for (uint64_t p = 1;; p *= 10) {
        static const uint64_t mul[] = { 1, 2, 5 };
        for (int i = 0; i < 3; i++)
            if (mul[i] * p >= x)
                return mul[i] * p;
        if (p > UINT64_MAX / 100)
            return x;
    }
}

typedef struct hist {
    int64_t lo;               /* first bin's lower bound */
    uint64_t width;
    size_t n;                 /* bins */
    uint64_t count[HIST_BINS + 2];
    uint64_t top;             /* the largest count */
} hist;

/* Bins of a "nice" width over [min, max] of the final scores; arithmetic
 * on the distance from lo in uint64_t, so no extreme score overflows. */
typedef struct score_range {
    int64_t min, max;
} score_range;

static void range_add(void *arg, const rt_state *s)
{
    score_range *r = arg;
    r->min = s->score < r->min ? s->score : r->min;
    r->max = s->score > r->max ? s->score : r->max;
}

static void hist_add(void *arg, const rt_state *s)
{
    hist *h = arg;
    size_t k = (size_t)(((uint64_t)s->score - (uint64_t)h->lo) / h->width);
    if (++h->count[k] > h->top)
        h->top = h->count[k];
}

static void hist_make(const report_data *d, hist *h)
{
    memset(h, 0, sizeof *h);
    if (d->n_customers == 0)
        return;
    score_range sr = { INT64_MAX, INT64_MIN };
    each_state(d, range_add, &sr);
    int64_t min = sr.min, max = sr.max;
    uint64_t range = (uint64_t)max - (uint64_t)min;
    h->width = range < HIST_BINS ? 1 : nice_width(range / HIST_BINS + 1);
    /* lo: min rounded down to a multiple of the width (floor, also for
     * negative scores), or min itself where that would pass INT64_MIN. */
    int64_t w = (int64_t)h->width, rem = min % w;
    if (rem < 0)
        rem += w;
    h->lo = min < INT64_MIN + rem ? min : min - rem;
    h->n = (size_t)(((uint64_t)max - (uint64_t)h->lo) / h->width) + 1;
    each_state(d, hist_add, h);
}

static void put_histogram(FILE *f, const report_data *d)
{
    hist h;
    char b1[32], b2[32], b3[32];
    int left = 60, top = 16, height = 200, width = CHART_W - left - 10;
    hist_make(d, &h);
    fputs("<section id=\"scores\">\n<h2>Final scores</h2>\n", f);
    if (h.n == 0) {
        fputs("<p class=\"note\">No customers.</p>\n</section>\n", f);
        return;
    }
    fprintf(f, "<svg class=\"chart\" role=\"img\" aria-labelledby=\"scores-title\" "
               "viewBox=\"0 0 %d %d\">\n<title id=\"scores-title\">How many customers ended with "
               "each final score</title>\n", CHART_W, top + height + 40);
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left,
            top + height, left + width, top + height);
    fprintf(f, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6,
            top + 10, fmt_u64(b1, h.top));
    fprintf(f, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", left - 6,
            top + height);
    double bw = (double)width / (double)h.n;
    size_t every = (h.n + 6) / 7; /* at most 7 labels under the axis */
    /* Offsets from lo; the last bar stops at INT64_MAX. */
    uint64_t span = (uint64_t)INT64_MAX - (uint64_t)h.lo;
    for (size_t k = 0; k < h.n; k++) {
        uint64_t off = k * h.width, end = span - off < h.width - 1 ? span : off + h.width - 1;
        int64_t from = (int64_t)((uint64_t)h.lo + off);
        int64_t to = (int64_t)((uint64_t)h.lo + end);
        double bh = (double)height * (double)h.count[k] / (double)h.top;
        double x = left + bw * (double)k;
        fprintf(f, "<rect class=\"bin\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                   "data-from=\"%" PRId64 "\" data-to=\"%" PRId64 "\" data-count=\"%" PRIu64 "\">",
                x + 1, top + height - bh, bw - 2 > 1 ? bw - 2 : 1, bh, from, to, h.count[k]);
        if (from == to)
            fprintf(f, "<title>score %s: %s customers</title></rect>\n", fmt_i64(b1, from),
                    fmt_u64(b3, h.count[k]));
        else
            fprintf(f, "<title>scores %s to %s: %s customers</title></rect>\n",
                    fmt_i64(b1, from), fmt_i64(b2, to), fmt_u64(b3, h.count[k]));
        if (k % every == 0)
            fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    x + bw / 2, top + height + 16, fmt_i64(b1, from));
    }
    fprintf(f, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">final score%s</text>\n",
            left + width / 2, top + height + 34,
            h.width > 1 ? " (each bar: a range of scores)" : "");
    fputs("</svg>\n</section>\n", f);
}

/* ---- the events ---------------------------------------------------------- */

static void put_count_cell(FILE *f, uint64_t v)
{
    char b[32];
    fprintf(f, "<td class=\"num\">%s</td>", fmt_u64(b, v));
}

static void put_events(FILE *f, const report_data *d)
{
    const ir_machine *m = d->m;
    char b[32];
    fputs("<section id=\"events\">\n<h2>Events</h2>\n<table class=\"events\">\n"
          "<thead><tr><th scope=\"col\">Event</th><th scope=\"col\">Note</th>"
          "<th scope=\"col\" class=\"num\">Points</th><th scope=\"col\" class=\"num\">Seen</th>"
          "<th scope=\"col\" class=\"num\">Counted</th><th scope=\"col\" class=\"num\">Early</th>"
          "<th scope=\"col\" class=\"num\">Capped</th></tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        static const report_counts none;
        const report_counts *c = d->events ? &d->events[i] : &none;
        uint64_t counted = c->n[IR_COUNTED], early = c->n[IR_EARLY], capped = c->n[IR_CAPPED];
        fputs("<tr data-event=\"", f);
        tmpl_html(f, e->name, e->len, "&#10;");
        fprintf(f, "\" data-seen=\"%" PRIu64 "\" data-counted=\"%" PRIu64 "\" data-early=\"%"
                   PRIu64 "\" data-capped=\"%" PRIu64 "\"><th scope=\"row\">",
                counted + early + capped, counted, early, capped);
        tmpl_html(f, e->name, e->len, " ");
        fprintf(f, "</th><td>%s</td><td class=\"num%s\">%s</td>", m->notes[e->note].name,
                e->points < 0 ? " bad" : "", fmt_i64(b, e->points));
        put_count_cell(f, counted + early + capped);
        put_count_cell(f, counted);
        put_count_cell(f, early);
        put_count_cell(f, capped);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n<p class=\"note\">Seen: every time the event was scored. "
          "Counted: its points counted (negative events always do). Early: played before its "
          "note was reached, so the early penalty instead. Capped: over its cap, so nothing."
          "</p>\n</section>\n", f);
}

/* ---- the machine picture ------------------------------------------------- */

#if EXPC_GVC
bool report_has_picture(void)
{
    return true;
}

/* Graphviz is not reentrant: callers (the service's request threads) take
 * turns from making the context to freeing the graph. */
static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;

/* `expc graph`'s DOT laid out and drawn by libgvc: the SVG from its <svg>
 * on (the XML prolog and DOCTYPE, which name URLs, left out), malloc'd;
 * NULL when Graphviz cannot draw it. */
static char *draw_picture(const ir_machine *m)
{
    char *dot = NULL, *svg = NULL, *out = NULL;
    size_t dot_len = 0;
    unsigned svg_len = 0;
    FILE *mem = open_memstream(&dot, &dot_len);
    if (!mem)
        return NULL;
    int w = graph_write(mem, m);
    if (fclose(mem) != 0 || w != 0) {
        free(dot);
        return NULL;
    }
    /* One context for the process, never freed: Graphviz's Pango plugin
     * keeps font data across contexts, and a second context after
     * gvFreeContext reads freed memory (ASan saw it); the service draws
     * a page per request. */
    static GVC_t *gvc;
    pthread_mutex_lock(&gv_lock);
    agseterr(AGMAX); /* its messages would reach the user's terminal */
    if (!gvc)
        gvc = gvContext();
    Agraph_t *g = gvc ? agmemread(dot) : NULL;
    if (g && gvLayout(gvc, g, "dot") == 0) {
        if (gvRenderData(gvc, g, "svg", &svg, &svg_len) == 0 && svg) {
            const char *start = strstr(svg, "<svg");
            if (start) {
                size_t n = svg_len - (size_t)(start - svg);
                out = xmalloc(n + 1);
                memcpy(out, start, n);
                out[n] = 0;
            }
            gvFreeRenderData(svg);
        }
        gvFreeLayout(gvc, g);
    }
    if (g)
        agclose(g);
    pthread_mutex_unlock(&gv_lock);
    free(dot);
    return out;
}
/* Under LeakSanitizer (make SAN=1): Graphviz and the font libraries its
 * plugins load keep caches for the life of the process (fontconfig's
 * configuration, Pango's font map, libgvc's plugin tables) that no call
 * frees; their stacks stop inside those libraries (built without frame
 * pointers), so they are told apart by library.  Leaks of expc's own code
 * are still reported. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libgvc.so\nleak:libcgraph.so\nleak:libcdt.so\nleak:libpathplan.so\n"
           "leak:libgvplugin_\nleak:libfontconfig.so\nleak:libfreetype.so\n"
           "leak:libpango\nleak:libcairo.so\nleak:libglib-2.0.so\nleak:libgobject-2.0.so\n"
           "leak:libharfbuzz.so\nleak:libexpat.so\nleak:libltdl.so\nleak:libpixman\n";
}

/* ... and without a table of them on stderr, which is the run's. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif
#else
bool report_has_picture(void)
{
    return false;
}

static char *draw_picture(const ir_machine *m)
{
    (void)m;
    return NULL;
}
#endif

/* svg: the picture draw_picture made of d->m, or NULL. */
static void put_machine(FILE *f, const char *svg)
{
    fputs("<section id=\"machine\">\n<h2>The machine</h2>\n", f);
    if (svg)
        fprintf(f, "<div class=\"picture\" data-picture=\"svg\">\n%s</div>\n", svg);
    else if (!report_has_picture())
        fputs("<p class=\"note\" data-picture=\"none\">No picture: this expc was built without "
              "Graphviz's library (libgvc). <code>expc graph</code> prints the machine as DOT "
              "for <code>dot -Tsvg</code>.</p>\n", f);
    else
        fputs("<p class=\"note\" data-picture=\"none\">Graphviz could not draw the "
              "machine.</p>\n", f);
    fputs("</section>\n", f);
}

/* ---- the page ------------------------------------------------------------ */

/* Light by default, dark when the reader's system is; print in black on
 * white, each section on one page where it fits. */
static const char page_css[] =
    ":root{color-scheme:light dark;--bg:#ffffff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;"
    "--bar:#2f6fb0;--engaged:#2e8540;--bin:#6f42c1;--bad:#b42318;--card:#f6f8fa}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;"
    "--line:#30363d;--bar:#58a6ff;--engaged:#3fb950;--bin:#bc8cff;--bad:#ff7b72;--card:#161b22}}\n"
    "body{background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Helvetica,Arial,sans-serif;margin:0 auto;max-width:980px;padding:24px}\n"
    "h1{margin:0 0 4px;font-size:1.7em}h2{font-size:1.2em;margin:28px 0 8px;"
    "border-bottom:1px solid var(--line);padding-bottom:4px}\n"
    ".sub,.note{color:var(--muted);margin:4px 0}\n"
    "table{border-collapse:collapse;margin:10px 0}th,td{padding:4px 10px;"
    "border-bottom:1px solid var(--line);text-align:left}\n"
    "thead th{border-bottom:2px solid var(--line)}.num{text-align:right;"
    "font-variant-numeric:tabular-nums}td.bad{color:var(--bad)}\n"
    ".facts th{font-weight:normal;color:var(--muted)}\n"
    "svg.chart{width:100%;height:auto;max-width:760px;display:block}\n"
    "svg.chart text{fill:var(--fg);font-size:13px}svg.chart .tick,svg.chart .drop{"
    "fill:var(--muted);font-size:12px}\n"
    "svg.chart .bar{fill:var(--bar)}svg.chart .bar.engaged{fill:var(--engaged)}"
    "svg.chart .bin{fill:var(--bin)}svg.chart .axis{stroke:var(--line)}\n"
    ".picture{background:#fff;border-radius:6px;padding:8px;overflow-x:auto}"
    ".picture svg{max-width:100%;height:auto}\n"
    "footer{margin-top:32px;color:var(--muted);font-size:.85em}\n"
    "@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--bar:#555;"
    "--engaged:#222;--bin:#777;--card:#fff}body{max-width:none;padding:0;font-size:11pt}"
    "section{break-inside:avoid}.picture{padding:0}}\n";

/* The page, with svg as the machine picture (NULL: none). */
static int page_write(FILE *f, const report_data *d, const char *svg)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"color-scheme\" content=\"light dark\">\n"
          /* It needs nothing from anywhere: any load would be a bug, and
           * the browser says so on its console (the test looks). */
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<link rel=\"icon\" href=\"data:,\">\n<title>", f);
    put_text(f, d->m->name);
    fputs(" &#8212; expc report</title>\n<style>\n", f);
    fputs(page_css, f);
    fputs("</style>\n</head>\n<body>\n", f);
    put_header(f, d);
    put_funnel(f, d);
    put_histogram(f, d);
    put_events(f, d);
    put_machine(f, svg);
    fputs("<footer>Written by expc " EXPC_VERSION ".</footer>\n</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

int report_write(FILE *f, const report_data *d)
{
    char *svg = draw_picture(d->m);
    int rc = page_write(f, d, svg);
    free(svg);
    return rc;
}

static int page_write_file(const char *path, const report_data *d, const char *svg)
{
    outfile of;
    if (!outfile_open(&of, path))
        return RT_EXIT_IOERR;
    bool ok = page_write(of.f, d, svg) == 0;
    return outfile_commit(&of, 1, ok);
}

int report_write_file(const char *path, const report_data *d)
{
    char *svg = draw_picture(d->m);
    int rc = page_write_file(path, d, svg);
    free(svg);
    return rc;
}

/* ---- the counter (expc run --report) ------------------------------------- */

struct report_run {
    const ir_machine *m;
    rt_engine inner;          /* report_count's: the engine it wraps */
    const char *path;         /* --report */
    report_counts *counts;    /* per event: lane 0's, and all lanes' once summed */
    /* A --threads run steps its partitions at once, each thread in a lane
     * of its own (rt_opts.step's lane): lane 0 is made with the counter,
     * the others by their own thread when it first steps (each lane is
     * only ever touched by one). */
    report_counts *lane[RT_THREADS_MAX];
    /* The machine picture, drawn by a thread of its own while the log is
     * scored (Graphviz takes tens of ms to load its plugins and fonts, and
     * the picture depends on the machine alone). */
    pthread_t drawer;
    bool drawing;             /* the thread runs or has not been joined */
    char *picture;            /* what it drew, or NULL */
};

static void count_init(void *ctx, rt_state *s)
{
    report_run *r = ctx;
    r->inner.init(r->inner.ctx, s);
}

static int32_t count_event_id(void *ctx, const char *name, size_t len)
{
    report_run *r = ctx;
    return r->inner.event_id(r->inner.ctx, name, len);
}

static const char *count_stage_name(void *ctx, int32_t stage)
{
    report_run *r = ctx;
    return r->inner.stage_name(r->inner.ctx, stage);
}

static report_counts *lane_new(const ir_machine *m)
{
    size_t bytes = (m->n_events ? m->n_events : 1) * sizeof(report_counts);
    return memset(xmalloc(bytes), 0, bytes);
}

/* The engine steps the batch and counts what each event did as it decides
 * it (rt_engine.step_batch_tally: the interpreter's interp_step, the JIT's
 * P_step_batch_tally), into the lane's counts. */
static void count_batch(report_run *r, unsigned lane, const rt_engine *e, rt_state *states,
                        const uint32_t *customer, const int32_t *ids, const int64_t *t,
                        size_t n)
{
    report_counts *c = r->lane[lane];
    if (!c)
        c = r->lane[lane] = lane_new(r->m);
    e->step_batch_tally(e->ctx, states, customer, ids, t, n, c->n);
}

/* The counter as an engine's step_batch (report_count: one thread). */
static void count_step_batch(void *ctx, rt_state *states, const uint32_t *customer,
                             const int32_t *ids, const int64_t *t, size_t n)
{
    report_run *r = ctx;
    count_batch(r, 0, &r->inner, states, customer, ids, t, n);
}

/* The counter as rt_opts.step (report_run_start): the engine itself is
 * left as it is, so event_id and init cost nothing more. */
static void count_step_hook(void *ctx, unsigned lane, const rt_engine *e, rt_state *states,
                            const uint32_t *customer, const int32_t *ids, const int64_t *t,
                            size_t n)
{
    count_batch(ctx, lane, e, states, customer, ids, t, n);
}

/* Adds the other lanes' counts into lane 0's (r->counts), once the run is
 * over. */
static void lanes_sum(report_run *r)
{
    size_t ne = r->m->n_events;
    for (unsigned k = 1; k < RT_THREADS_MAX; k++) {
        report_counts *l = r->lane[k];
        if (!l)
            continue;
        for (size_t i = 0; i < ne; i++)
            for (size_t fx = 0; fx < sizeof l[i].n / sizeof l[i].n[0]; fx++)
                r->counts[i].n[fx] += l[i].n[fx];
        free(l);
        r->lane[k] = NULL;
    }
}

static void *draw_thread(void *arg)
{
    report_run *r = arg;
    r->picture = draw_picture(r->m);
    return NULL;
}

/* The picture is ready (drawn now when no thread could draw it). */
static void picture_join(report_run *r)
{
    if (r->drawing) {
        pthread_join(r->drawer, NULL);
        r->drawing = false;
    } else if (!r->picture) {
        r->picture = draw_picture(r->m);
    }
}

/* rt_opts.after: the page, from what the run read and the final states. */
static int report_after_run(void *arg, const rt_run_info *ri)
{
    report_run *r = arg;
    report_data d = { r->m, ri->input, NULL, ri->records, ri->scored, ri->undeclared,
                      ri->invalid, r->counts, ri->tab->states, ri->tab->n, ri->tab->stride,
                      NULL, 0 };
    lanes_sum(r);
    if (ri->n_tabs > 1) {
        d.tabs = ri->tab;
        d.n_tabs = ri->n_tabs;
        d.n_customers = 0;
        for (size_t k = 0; k < ri->n_tabs; k++)
            d.n_customers += ri->tab[k].n;
    }
    picture_join(r);
    return page_write_file(r->path, &d, r->picture);
}

void report_counts_set(report_run *r, const report_counts *c)
{
    memcpy(r->counts, c, (r->m->n_events ? r->m->n_events : 1) * sizeof *r->counts);
}

static report_run *counter_new(const ir_machine *m)
{
    report_run *r = memset(xmalloc(sizeof *r), 0, sizeof *r);
    r->m = m;
    r->lane[0] = r->counts = lane_new(m);
    return r;
}

report_run *report_count(const ir_machine *m, rt_engine *e)
{
    report_run *r = counter_new(m);
    r->inner = *e;
    e->ctx = r;
    e->init = count_init;
    e->event_id = count_event_id;
    e->step_batch = count_step_batch;
    e->stage_name = count_stage_name;
    /* Its step_batch counts already (and a JIT opened with a tally has no
     * plain batch: jit.c's e_step_batch would count into scratch). */
    e->step_batch_tally = NULL;
    return r;
}

const report_counts *report_counts_of(const report_run *r)
{
    return r->counts;
}

report_run *report_run_start(const ir_machine *m, rt_opts *o)
{
    report_run *r = counter_new(m);
    o->step = count_step_hook;
    o->step_ctx = r;
    r->path = o->report;
    r->drawing = report_has_picture() && pthread_create(&r->drawer, NULL, draw_thread, r) == 0;
    o->after = report_after_run;
    o->after_arg = r;
    return r;
}

void report_run_free(report_run *r)
{
    if (!r)
        return;
    if (r->drawing)
        pthread_join(r->drawer, NULL);
    free(r->picture);
    for (unsigned k = 0; k < RT_THREADS_MAX; k++)
        free(r->lane[k]);
    free(r);
}
