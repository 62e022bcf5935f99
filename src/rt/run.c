/* run.c - `expc run` and the standalone program: read, score, report.
 *
 * rt_run drives one run: it opens the events, picks the reader (CSV or
 * NDJSON: --input, else the file name, else the first byte that is not
 * whitespace; see run_sniff), pulls records from it, maps event names
 * through the engine and customers through the table, and feeds (customer,
 * event) pairs to the engine's step_batch in batches, so an engine's per-call
 * cost is paid once per 4096 events.  With --time the events are kept
 * instead (run_ev: customer, event, time) and scored once all are read, in
 * time order per customer: as read when already in order, else after a
 * stable sort, spilled in sorted runs to a temporary file and merged when
 * they exceed --memory (docs/language.md, "Time order").  Only when the whole input has been
 * read and found valid is the table written: invalid data prints one message
 * and no table at all.  rt_main is the command line of the standalone
 * program `expc build --main` generates; it accepts the flags `expc run` has
 * for the runtime, with the same messages.
 *
 * Messages, all on stderr, start with PROG: `expc`, or the standalone
 * program's own name (the basename of its argv[0]), so a pipeline's log
 * says which program spoke.  Below, PROG is shown as `expc` (FILE is the path as given, `<stdin>` for standard
 * input - angle brackets because no sane file is named so; NAME is an event
 * name in double quotes, `"` and `\` escaped with a backslash, control
 * characters and DEL as \n \t \r or \u00XX (so a message is one line and
 * safe on a terminal), cut after 200 bytes with `...` after the closing
 * quote):
 *   expc: FILE: REASON                                     (exit 66)
 *   expc: FILE:LINE: invalid event data: WHY               (exit 65)
 *   expc: FILE:LINE: event NAME is not declared by the experience  (exit 65)
 *   expc: FILE: no event of the log is declared by experience X (first: NAME
 *         at line N; event column: COL)                    (exit 65)
 *   expc: --OPT: no column `COL` in the header of FILE (fields: A, B)  (exit 2)
 *   expc: --OPT: no column `N` in FILE (columns count from 1)          (exit 2)
 *   expc: cannot create a temporary file in DIR: REASON    (exit 74)
 *   expc: cannot write a temporary file: REASON            (exit 74)
 *   expc: cannot read a temporary file                     (exit 74)
 *   expc: cannot write output: REASON                      (exit 74)
 *   expc: out of memory                                    (exit 70)
 * and after a successful run, when lines were skipped:
 *   expc: skipped 1 invalid line: FILE:LINE: WHY
 *   expc: skipped N invalid lines; first: FILE:LINE: WHY
 *   expc: skipped 1 event not declared by the experience: NAME at FILE:LINE
 *   expc: skipped N events not declared by the experience; first: NAME at FILE:LINE
 * then the --summary table (output.c). */
#include "expc/rt.h"
#include "expc/rt_time.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RT_BATCH 4096
#define RT_NAME_SHOW 200          /* bytes of an event name shown in messages */

void rt_opts_init(rt_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = RT_FORMAT_CSV;
    o->input = RT_INPUT_AUTO;
    o->out = stdout;
    o->err = stderr;
    o->memory = RT_MEMORY_DEFAULT;
}

/* The standalone program's command line: the options of rt_run_options it
 * takes, read and described by opts.c exactly as `expc run` reads them, so
 * the same mistake reads the same; only the closing hint names this program
 * instead of expc. */
static int run_help(const char *prog)
{
    printf("usage: %s ", prog);
    rt_opt_synopsis(stdout, rt_run_options, RT_OPT_MAIN);
    printf("[FILE|-]\n"
           "\n"
           "Scores customer events: CSV lines `customer,event[,more...]` (a first\n"
           "line with fields `customer` and `event` is a header) or NDJSON lines\n"
           "{\"customer\":...,\"event\":...} from FILE, or standard input when FILE is\n"
           "absent or `-`; --customer, --event and --time pick other columns.\n"
           "Writes one row per customer to standard output.\n"
           "\n");
    rt_opt_help(stdout, rt_run_options, RT_OPT_MAIN, 18);
    printf("\n"
           "exit status: 0 ok, 2 usage, 65 invalid event data, 66 unreadable input,\n"
           "70 out of memory, 74 output or temporary file error\n");
    return fflush(stdout) == 0 ? RT_EXIT_OK : RT_EXIT_IOERR;
}

int rt_main(int argc, char **argv, const rt_engine *e)
{
    rt_opts o;
    rt_args av;
    bool only_args = false;
    av.argc = argc;
    av.argv = argv;
    av.prog = argc > 0 && argv[0] && argv[0][0] ? argv[0] : "score";
    rt_opts_init(&o);
    o.prog = rt_basename(av.prog);
    for (av.i = 1; av.i < argc; av.i++) {
        const char *a = argv[av.i];
        int rc;
        if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o.path)
                return rt_usage_error(av.prog, "this program takes one event file, not also `%s`",
                                      a);
            o.path = a;
        } else if (strcmp(a, "--") == 0) {
            only_args = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return run_help(av.prog);
        } else if ((rc = rt_opt_parse(rt_run_options, RT_OPT_MAIN, &o, &av)) != RT_EXIT_OK) {
            return rc == RT_OPT_UNKNOWN ? rt_unknown_option(av.prog, a) : rc;
        }
    }
    return rt_run(&o, e);
}

/* ---- the run ---------------------------------------------------------- */

/* One buffered event of a --time run: sorted by (cust, t), stably, so ties
 * keep their input order without carrying it. */
typedef struct run_ev {
    int64_t t;
    uint32_t cust;
    int32_t ev;
} run_ev;
_Static_assert(sizeof(run_ev) == RT_EVENT_BYTES, "RT_EVENT_BYTES (rt.h) is the size of run_ev");

typedef struct run_state {
    const rt_opts *o;
    const rt_engine *e;
    FILE *err;
    const char *prog;         /* starts every message */
    const char *name;         /* the input, for messages */
    rt_src src;
    rt_csv csv;
    rt_ndjson *nj;            /* non-NULL: NDJSON input */
    rt_table tab;
    rt_par *par;              /* non-NULL: --threads (par.c) scores into its tables */
    /* The batch: events whose customers are not looked up yet.  Their ids
     * are copied to `ids` (the reader's buffer moves when it refills), at
     * boff[i], blen[i] bytes; rt_table_intern_many turns them into bcust. */
    size_t bn;
    int32_t bev[RT_BATCH];
    uint32_t bcust[RT_BATCH];
    int64_t btime[RT_BATCH];  /* --time: the events' times */
    size_t boff[RT_BATCH], blen[RT_BATCH];
    char *ids;
    size_t ids_len, ids_cap;
    /* --time: every declared event, scored once all are read. */
    bool timed;
    run_ev *evs;
    size_t n_evs, cap_evs, max_evs;
    /* Beyond max_evs, sorted runs go to one temporary file, unlinked as
     * soon as made (so no exit path, a signal included, leaves it), and are
     * merged at the end: run k holds events [run_at[k], run_at[k + 1]). */
    FILE *spill;
    uint64_t *run_at;
    size_t n_runs, cap_runs;
    uint64_t n_lines;         /* valid event lines (declared or not) */
    uint64_t n_declared;
    uint64_t n_invalid, invalid_line;
    char invalid_why[RT_TIME_WHY_MAX + 64]; /* the first skipped line's reason (a member
                                            * named by nd_why: 64 bytes more) */
    char time_why[RT_TIME_WHY_MAX];
    uint64_t n_unknown, unknown_line;
    size_t unknown_len;       /* the whole name's length; the first bytes: */
    char unknown[RT_NAME_SHOW + 8];
} run_state;

/* NAME as in the messages above: quoted and escaped by rt_time_quote
 * (evtime.c), cut after RT_NAME_SHOW bytes at a character's end. */
static void run_put_name(FILE *f, const char *p, size_t n)
{
    char q[RT_TIME_QUOTE_MAX + 3];
    rt_time_quote(q, p, n);
    fputs(q, f);
}

_Static_assert(RT_NAME_SHOW == RT_TIME_SHOW, "names are cut where rt_time_quote cuts");

/* `PROG: ` and the message, on the run's error stream. */
static void run_say(run_state *r, const char *fmt, ...)
{
    va_list ap;
    fprintf(r->err, "%s: ", r->prog);
    va_start(ap, fmt);
    vfprintf(r->err, fmt, ap);
    va_end(ap);
}

static int run_nomem(run_state *r)
{
    run_say(r, "out of memory\n");
    return RT_EXIT_SOFTWARE;
}

static int run_next(run_state *r, rt_rec *rec)
{
    if (r->nj)
        return rt_ndjson_next(r->nj, rec);
    return rt_csv_next(&r->csv, rec);
}

/* ---- --time: ordering the buffered events ------------------------------ */

/* Whether every customer's events are already in time order (ties allowed):
 * the common case of a log written as things happened, scored without a
 * sort.  -1: no memory. */
static int run_in_order(run_state *r)
{
    int64_t *last = malloc((r->tab.n ? r->tab.n : 1) * sizeof *last);
    size_t i;
    int ok = 1;
    if (!last)
        return -1;
    for (i = 0; i < r->tab.n; i++)
        last[i] = INT64_MIN;
    for (i = 0; i < r->n_evs && ok; i++) {
        const run_ev *v = &r->evs[i];
        if (v->t < last[v->cust])
            ok = 0;
        last[v->cust] = v->t;
    }
    free(last);
    return ok;
}

static bool run_before(const run_ev *a, const run_ev *b)
{
    return a->cust < b->cust || (a->cust == b->cust && a->t < b->t);
}

/* Merges src[lo, mid) and src[mid, hi) into dst; on ties the left (earlier
 * input) comes first, which makes the sort stable. */
static void run_merge(const run_ev *src, run_ev *dst, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        dst[k++] = run_before(&src[j], &src[i]) ? src[j++] : src[i++];
    while (i < mid)
        dst[k++] = src[i++];
    while (j < hi)
        dst[k++] = src[j++];
}

/* Stable bottom-up merge sort of evs by (customer, time): O(n log n), with a
 * scratch array as large (counted in --memory).  false: no memory. */
static bool run_sort(run_state *r)
{
    size_t n = r->n_evs, w;
    run_ev *a = r->evs, *b = malloc((n ? n : 1) * sizeof *b);
    if (!b)
        return false;
    for (w = 1; w < n; w *= 2) {
        size_t lo;
        run_ev *t;
        for (lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = mid + w < n ? mid + w : n;
            run_merge(a, b, lo, mid, hi);
        }
        t = a;
        a = b;
        b = t;
    }
    free(b);
    r->evs = a;
    r->cap_evs = n ? n : 1;
    return true;
}

/* POSIX, not ISO C: the standalone program is compiled as plain C11, where
 * <stdlib.h> and <stdio.h> do not declare them; glibc and every POSIX libc
 * have them.  (Compatible redeclarations where the headers do.) */
int mkstemp(char *tmpl);
int unlink(const char *path);
FILE *fdopen(int fd, const char *mode);
int close(int fd);

/* SIGINT or SIGTERM that came while the temporary file had a name. */
static volatile sig_atomic_t run_deferred;

static void run_defer(int sig)
{
    signal(sig, run_defer); /* System V signal() resets it: a second one waits too */
    run_deferred = sig;
}

/* Holds SIGINT and SIGTERM back (ISO C's signal(), the standalone program
 * being plain C11) while the temporary file has a name; a signal ignored
 * stays ignored. */
static void run_hold(void (*old[2])(int))
{
    static const int sigs[2] = { SIGINT, SIGTERM };
    run_deferred = 0;
    for (int i = 0; i < 2; i++)
        if ((old[i] = signal(sigs[i], run_defer)) == SIG_IGN)
            signal(sigs[i], SIG_IGN);
}

/* Puts the handlers back, then delivers a signal that came meanwhile. */
static void run_release(void (*old[2])(int))
{
    if (old[0] != SIG_ERR)
        signal(SIGINT, old[0]);
    if (old[1] != SIG_ERR)
        signal(SIGTERM, old[1]);
    if (run_deferred)
        raise(run_deferred);
}

/* Creates the temporary file of the runs under $TMPDIR (else /tmp) and
 * unlinks it at once: only the open stream keeps it, so it goes with the
 * process, however that ends; INT and TERM wait for the unlink.  An exit
 * code. */
static int run_spill_open(run_state *r)
{
    void (*old[2])(int);
    const char *dir = getenv("TMPDIR");
    size_t n;
    char *path;
    int fd, err;
    if (!dir || !*dir)
        dir = "/tmp";
    n = strlen(dir) + sizeof "/expc-runs.XXXXXX";
    if (!(path = malloc(n)))
        return run_nomem(r);
    snprintf(path, n, "%s/expc-runs.XXXXXX", dir);
    errno = 0;
    run_hold(old);
    fd = mkstemp(path);
    err = errno;
    if (fd >= 0)
        unlink(path);
    run_release(old);
    errno = err;
    if (fd >= 0 && !(r->spill = fdopen(fd, "w+b")))
        close(fd);
    if (!r->spill) {
        run_say(r, "cannot create a temporary file in %s: %s\n", dir,
                errno ? strerror(errno) : "failed");
        free(path);
        return RT_EXIT_IOERR;
    }
    free(path);
    return RT_EXIT_OK;
}

/* Sorts the buffer and appends it to the temporary file as one run; an
 * exit code. */
static int run_spill(run_state *r)
{
    int rc;
    if (r->n_evs == 0)
        return RT_EXIT_OK;
    if (!r->spill && (rc = run_spill_open(r)) != RT_EXIT_OK)
        return rc;
    if (r->n_runs + 2 > r->cap_runs) {
        size_t cap = r->cap_runs ? 2 * r->cap_runs : 64;
        uint64_t *na = realloc(r->run_at, cap * sizeof *na);
        if (!na)
            return run_nomem(r);
        r->run_at = na;
        r->cap_runs = cap;
    }
    if (r->n_runs == 0)
        r->run_at[0] = 0;
    if (!run_sort(r))
        return run_nomem(r);
    errno = 0;
    /* Flushed now: a full disk is reported here, with its reason, and not
     * later as a short read in the merge. */
    if (fwrite(r->evs, sizeof *r->evs, r->n_evs, r->spill) != r->n_evs
        || fflush(r->spill) != 0) {
        run_say(r, "cannot write a temporary file: %s\n", errno ? strerror(errno) : "failed");
        return RT_EXIT_IOERR;
    }
    r->run_at[r->n_runs + 1] = r->run_at[r->n_runs] + r->n_evs;
    r->n_runs++;
    r->n_evs = 0;
    return RT_EXIT_OK;
}

/* Doubles the --time buffer, up to max_evs events; false: no memory. */
static bool run_grow(run_state *r)
{
    size_t cap = r->cap_evs == 0 ? RT_BATCH : r->cap_evs > r->max_evs / 2 ? r->max_evs
                                                                           : r->cap_evs * 2;
    run_ev *nb;
    if (cap > r->max_evs)
        cap = r->max_evs;
    if (!(nb = realloc(r->evs, cap * sizeof *nb)))
        return false;
    r->evs = nb;
    r->cap_evs = cap;
    return true;
}

/* Appends the batch's events to the --time buffer; an exit code.  The
 * buffer holds at most max_evs events (with the scratch room the sort needs,
 * that is --memory); a full one is sorted and spilled. */
static int run_buffer(run_state *r)
{
    size_t i;
    for (i = 0; i < r->bn; i++) {
        run_ev *v;
        int rc;
        if (r->n_evs == r->max_evs && (rc = run_spill(r)) != RT_EXIT_OK)
            return rc;
        if (r->n_evs == r->cap_evs && !run_grow(r))
            return run_nomem(r);
        v = &r->evs[r->n_evs++];
        v->t = r->btime[i];
        v->cust = r->bcust[i];
        v->ev = r->bev[i];
    }
    return RT_EXIT_OK;
}

void rt_step(const rt_opts *o, unsigned lane, const rt_engine *e, rt_state *states,
             const uint32_t *customer, const int32_t *event_id, const int64_t *t, size_t n)
{
    if (o->step) /* expc run --report's counter */
        o->step(o->step_ctx, lane, e, states, customer, event_id, t, n);
    else
        e->step_batch(e->ctx, states, customer, event_id, t, n);
}

/* Steps the engine over the batch's first n events. */
static void run_engine_step(run_state *r, const int64_t *t, size_t n)
{
    rt_step(r->o, 0, r->e, r->tab.states, r->bcust, r->bev, t, n);
}

/* Looks up the batch's customers (new ones are added and initialised, in
 * order of appearance) and steps the engine over it, or with --time keeps
 * it for later.  An exit code. */
static int run_flush(run_state *r)
{
    int rc = RT_EXIT_OK;
    if (r->bn > 0) {
        if (rt_table_intern_many(&r->tab, r->ids, r->boff, r->blen, r->bn, r->bcust, r->e) != 0)
            rc = run_nomem(r);
        else if (r->timed)
            rc = run_buffer(r);
        else
            run_engine_step(r, NULL, r->bn);
    }
    r->bn = 0;
    r->ids_len = 0;
    return rc;
}

/* Appends one event to the batch; an exit code. */
static int run_add(run_state *r, const char *cust, size_t len, int32_t id, int64_t t)
{
    if (r->par) /* the first record of a --threads run */
        return rt_par_first(r->par, cust, len, id) ? RT_EXIT_OK : run_nomem(r);
    if (len > r->ids_cap - r->ids_len) {
        size_t cap = r->ids_cap ? r->ids_cap : (size_t)64 * 1024;
        char *ni;
        while (len > cap - r->ids_len) {
            if (cap > SIZE_MAX / 2)
                return run_nomem(r);
            cap *= 2;
        }
        ni = realloc(r->ids, cap);
        if (!ni)
            return run_nomem(r);
        r->ids = ni;
        r->ids_cap = cap;
    }
    memcpy(r->ids + r->ids_len, cust, len);
    r->boff[r->bn] = r->ids_len;
    r->blen[r->bn] = len;
    r->bev[r->bn] = id;
    r->btime[r->bn] = t;
    r->ids_len += len;
    return ++r->bn < RT_BATCH ? RT_EXIT_OK : run_flush(r);
}

/* Steps the engine over n ordered events (a batch at most). */
static void run_step(run_state *r, const run_ev *v, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        r->bcust[k] = v[k].cust;
        r->bev[k] = v[k].ev;
        r->btime[k] = v[k].t;
    }
    run_engine_step(r, r->btime, n);
}

/* A run being merged: its events [pos, end) in the file, buf[i, n) read. */
typedef struct run_in {
    uint64_t pos, end;
    run_ev *buf;
    size_t i, n;
} run_in;

/* The longest step of run_seek: fseek takes a long, 32 bits on some
 * systems, and the temporary file may be larger.  Smaller in a test. */
#ifndef RT_SEEK_STEP
#define RT_SEEK_STEP LONG_MAX
#endif

/* Puts f at byte off in steps a long holds (plain C11: no fseeko); an
 * fseek result. */
static int run_seek(FILE *f, uint64_t off)
{
    if (fseek(f, 0, SEEK_SET) != 0)
        return -1;
    while (off > (uint64_t)RT_SEEK_STEP) {
        if (fseek(f, (long)RT_SEEK_STEP, SEEK_CUR) != 0)
            return -1;
        off -= (uint64_t)RT_SEEK_STEP;
    }
    return fseek(f, (long)off, SEEK_CUR);
}

/* A temporary file that cannot be read back: the reason when there is
 * one (errno, cleared by run_refill). */
static void run_read_failed(run_state *r)
{
    run_say(r, "cannot read a temporary file: %s\n",
            errno ? strerror(errno) : "it is shorter than written");
}

/* Reads the next block of run `in` (cap events at most); false: an error,
 * errno set when the system gave one. */
static bool run_refill(run_state *r, run_in *in, size_t cap)
{
    uint64_t left = in->end - in->pos;
    size_t want = left < cap ? (size_t)left : cap;
    errno = 0;
    if (run_seek(r->spill, in->pos * sizeof(run_ev)) != 0
        || fread(in->buf, sizeof(run_ev), want, r->spill) != want)
        return false;
    in->pos += want;
    in->i = 0;
    in->n = want;
    return true;
}

/* Whether run a's next event goes before run b's: ties go to the earlier
 * run, which holds the earlier input (the merge stays stable). */
static bool run_in_before(const run_in *in, size_t a, size_t b)
{
    const run_ev *x = &in[a].buf[in[a].i], *y = &in[b].buf[in[b].i];
    if (run_before(x, y))
        return true;
    return !run_before(y, x) && a < b;
}

/* Restores the heap of run indexes h[0, n) below position k. */
static void run_sift(const run_in *in, size_t *h, size_t n, size_t k)
{
    for (;;) {
        size_t l = 2 * k + 1, m = k, t;
        if (l < n && run_in_before(in, h[l], h[m]))
            m = l;
        if (l + 1 < n && run_in_before(in, h[l + 1], h[m]))
            m = l + 1;
        if (m == k)
            return;
        t = h[k];
        h[k] = h[m];
        h[m] = t;
        k = m;
    }
}

/* Merges the spilled runs through a heap, stepping the engine in order;
 * each run reads blocks of an equal share of --memory.  An exit code. */
static int run_merge_runs(run_state *r)
{
    size_t k = r->n_runs, cap = 2 * r->max_evs / k, n = 0, i, nb = 0;
    run_in *in = calloc(k, sizeof *in);
    size_t *h = malloc(k * sizeof *h);
    run_ev out[RT_BATCH];
    int rc = RT_EXIT_OK;
    if (cap == 0)
        cap = 1; /* more runs than --memory has room for: one event each */
    for (i = 0; in && h && i < k; i++) {
        in[i].pos = r->run_at[i];
        in[i].end = r->run_at[i + 1];
        if (!(in[i].buf = malloc(cap * sizeof(run_ev))))
            break;
        h[n++] = i;
        if (!run_refill(r, &in[i], cap)) {
            run_read_failed(r);
            rc = RT_EXIT_IOERR;
            break;
        }
    }
    if (rc == RT_EXIT_OK && (!in || !h || i < k))
        rc = run_nomem(r);
    for (i = n; rc == RT_EXIT_OK && i-- > 0;)
        run_sift(in, h, n, i);
    while (rc == RT_EXIT_OK && n > 0) {
        run_in *top = &in[h[0]];
        out[nb++] = top->buf[top->i++];
        if (nb == RT_BATCH) {
            run_step(r, out, nb);
            nb = 0;
        }
        if (top->i == top->n && top->pos < top->end && !run_refill(r, top, cap)) {
            /* The top run's buffer is spent: no sift may read it. */
            run_read_failed(r);
            rc = RT_EXIT_IOERR;
            break;
        } else if (top->i == top->n) {
            h[0] = h[--n];
        }
        run_sift(in, h, n, 0);
    }
    if (rc == RT_EXIT_OK && nb > 0)
        run_step(r, out, nb);
    for (i = 0; in && i < k; i++)
        free(in[i].buf);
    free(in);
    free(h);
    return rc;
}

/* Scores the buffered events in time order per customer; an exit code. */
static int run_score_timed(run_state *r)
{
    int in_order;
    size_t i;
    if (r->n_runs > 0) {
        int rc = run_spill(r);
        if (rc != RT_EXIT_OK)
            return rc;
        free(r->evs); /* its room goes to the merge */
        r->evs = NULL;
        r->n_evs = r->cap_evs = 0;
        return run_merge_runs(r);
    }
    in_order = run_in_order(r);
    if (in_order < 0 || (!in_order && !run_sort(r)))
        return run_nomem(r);
    for (i = 0; i < r->n_evs; i += RT_BATCH)
        run_step(r, r->evs + i, r->n_evs - i < RT_BATCH ? r->n_evs - i : RT_BATCH);
    return RT_EXIT_OK;
}

/* ---- reading ----------------------------------------------------------- */

/* Sets up the NDJSON reader when `ndjson` says so (1; 0: CSV; negative: the
 * sniffing failed, RT_NEXT_*); returns an exit code. */
static int run_open_reader(run_state *r, int ndjson)
{
    if (ndjson == RT_NEXT_READERR) {
        run_say(r, "%s: %s\n", r->name, r->src.err ? strerror(r->src.err) : "read error");
        return RT_EXIT_NOINPUT;
    }
    if (ndjson < 0 || (ndjson && !(r->nj = rt_ndjson_new(&r->src, r->o->col))))
        return run_nomem(r);
    return RT_EXIT_OK;
}

/* A CSV option naming no column: a usage error listing the header. */
static int run_no_column(run_state *r)
{
    static const char *const opt[3] = { "--customer", "--event", "--time" };
    const rt_csv *c = &r->csv;
    size_t i;
    if (!c->header) {
        run_say(r, "%s: no column `%s` in %s (columns count from 1)\n", opt[c->bad],
                c->want[c->bad], r->name);
        return RT_EXIT_USAGE;
    }
    run_say(r, "%s: no column `%s` in the header of %s (fields: ", opt[c->bad],
            c->want[c->bad], r->name);
    for (i = 0; i < c->n_hdr; i++) {
        fputs(i ? ", " : "", r->err);
        run_put_name(r->err, c->hdr_p[i], c->hdr_n[i]);
    }
    fputs(")\n", r->err);
    return RT_EXIT_USAGE;
}

/* A line of invalid data: the end of the run, or skipped and counted. */
static int run_invalid(run_state *r, uint64_t line, const char *why)
{
    if (!r->o->skip_invalid) {
        run_say(r, "%s:%llu: invalid event data: %s\n", r->name, (unsigned long long)line, why);
        return RT_EXIT_DATA;
    }
    if (r->n_invalid++ == 0) {
        r->invalid_line = line;
        snprintf(r->invalid_why, sizeof r->invalid_why, "%s", why);
    }
    return RT_EXIT_OK;
}

/* The time of a declared event's line into *t; NULL, or why it is bad. */
static const char *run_time(run_state *r, const rt_rec *rec, int64_t *t)
{
    if (rec->time_why)
        return rec->time_why;
    if (rt_time_parse(rec->time, rec->time_len, t) == 0)
        return NULL;
    rt_time_why(r->time_why, rec->time, rec->time_len);
    return r->time_why;
}

/* An event the experience does not declare: an error under --strict, else
 * counted (its customer is not created). */
static int run_undeclared(run_state *r, const rt_rec *rec)
{
    if (r->o->strict) {
        run_say(r, "%s:%llu: event ", r->name, (unsigned long long)rec->line);
        run_put_name(r->err, rec->event, rec->event_len);
        fputs(" is not declared by the experience\n", r->err);
        return RT_EXIT_DATA;
    }
    if (r->n_unknown++ == 0) {
        size_t k = rec->event_len < sizeof r->unknown ? rec->event_len : sizeof r->unknown;
        memcpy(r->unknown, rec->event, k);
        r->unknown_len = rec->event_len;
        r->unknown_line = rec->line;
    }
    return RT_EXIT_OK;
}

/* One valid record; an exit code. */
static int run_record(run_state *r, const rt_rec *rec)
{
    int32_t id = r->e->event_id(r->e->ctx, rec->event, rec->event_len);
    int64_t t = 0;
    if (id < 0) {
        r->n_lines++;
        return run_undeclared(r, rec);
    }
    if (r->timed) {
        /* Only now: the time of an undeclared event is never read. */
        const char *why = run_time(r, rec, &t);
        if (why)
            return run_invalid(r, rec->line, why);
    }
    r->n_lines++;
    r->n_declared++;
    if (r->o->trace)
        r->o->trace(r->o->trace_ctx, r->name, rec->line, rec->cust, rec->cust_len, id, t);
    return run_add(r, rec->cust, rec->cust_len, id, t);
}

/* The event column as the user gave it, else the one used (the header's
 * `event` field or NDJSON member, or the CSV column number the reader
 * resolved), for the nothing-matched message; buf holds a number. */
static const char *run_event_column(const run_state *r, char *buf, size_t size)
{
    const rt_csv *c = &r->csv;
    size_t k = c->col[RT_COL_EVENT];
    if (r->o->col[RT_COL_EVENT])
        return r->o->col[RT_COL_EVENT];
    if (r->nj || c->by_name[RT_COL_EVENT])
        return "event";
    snprintf(buf, size, "%zu", k + 1);
    return buf;
}

/* Event lines, and not one with a declared event: a wrong column or a wrong
 * experience, never a silent empty table. */
static int run_nothing_matched(run_state *r)
{
    char num[24];
    run_say(r, "%s: no event of the log is declared by %s%s (first: ", r->name,
            r->e->experience ? "experience " : "the experience",
            r->e->experience ? r->e->experience : "");
    run_put_name(r->err, r->unknown, r->unknown_len);
    fprintf(r->err, " at line %llu; event column: %s)\n", (unsigned long long)r->unknown_line,
            run_event_column(r, num, sizeof num));
    return RT_EXIT_DATA;
}

static int run_read_error(run_state *r, int err)
{
    run_say(r, "%s: %s\n", r->name, err ? strerror(err) : "read error");
    return RT_EXIT_NOINPUT;
}

/* Reads and scores records until the end, or with --threads until the
 * columns are known; returns an exit code. */
static int run_read(run_state *r)
{
    rt_rec rec;
    int rc = RT_EXIT_OK;
    while (rc == RT_EXIT_OK && !(r->par && r->csv.started)) {
        int st = run_next(r, &rec);
        if (st == RT_NEXT_EOF)
            break;
        if (st == RT_NEXT_READERR)
            return run_read_error(r, r->src.err);
        if (st == RT_NEXT_NOCOL)
            return run_no_column(r);
        if (st < 0)
            return run_nomem(r);
        rc = rec.why ? run_invalid(r, rec.line, rec.why) : run_record(r, &rec);
    }
    return rc;
}

/* A --threads chunk's first invalid line through the one-thread path's
 * handler (it counts that one), and the chunk's others. */
static int run_par_invalid(run_state *r, const rt_par_note *n)
{
    int rc = run_invalid(r, n->invalid_line, n->invalid_why);
    if (rc == RT_EXIT_OK)
        r->n_invalid += n->invalid - 1;
    return rc;
}

/* A --threads chunk's first invalid line and undeclared event, in the order
 * they came, through the one-thread path's handlers; then its counts. */
static int run_par_note(run_state *r, const rt_par_note *n)
{
    bool invalid_first = n->invalid && (!n->unknown || n->invalid_at < n->unknown_at);
    int rc = invalid_first ? run_par_invalid(r, n) : RT_EXIT_OK;
    if (rc == RT_EXIT_OK && n->unknown) {
        rt_rec rec;
        memset(&rec, 0, sizeof rec);
        rec.event = n->unknown_name;
        rec.event_len = n->unknown_len;
        rec.line = n->unknown_line;
        if ((rc = run_undeclared(r, &rec)) == RT_EXIT_OK)
            r->n_unknown += n->unknown - 1;
    }
    if (rc == RT_EXIT_OK && n->invalid && !invalid_first)
        rc = run_par_invalid(r, n);
    r->n_lines += n->lines;
    r->n_declared += n->declared;
    return rc;
}

/* --threads: the rest of the input, window by window (par.c). */
static int run_par(run_state *r)
{
    int rc = RT_EXIT_OK;
    if (!r->csv.started)
        return RT_EXIT_OK; /* the input ended before a record */
    if (!rt_par_start(r->par, &r->src, &r->csv))
        return run_nomem(r);
    while (rc == RT_EXIT_OK) {
        const rt_par_note *nt;
        size_t n, i;
        int err = 0, st = rt_par_window(r->par, &nt, &n, &err);
        if (st == RT_NEXT_EOF)
            break;
        if (st == RT_NEXT_READERR)
            return run_read_error(r, err);
        if (st < 0)
            return run_nomem(r);
        for (i = 0; i < n && rc == RT_EXIT_OK; i++)
            rc = run_par_note(r, &nt[i]);
        if (rc == RT_EXIT_OK && !rt_par_step(r->par))
            rc = run_nomem(r);
    }
    return rc;
}

/* Reads and scores every record; returns an exit code. */
static int run_events(run_state *r)
{
    int rc = run_read(r);
    if (rc == RT_EXIT_OK && r->par)
        rc = run_par(r);
    if (rc == RT_EXIT_OK)
        rc = run_flush(r);
    if (rc == RT_EXIT_OK && r->n_lines > 0 && r->n_declared == 0)
        rc = run_nothing_matched(r);
    if (rc == RT_EXIT_OK && r->timed)
        rc = run_score_timed(r);
    return rc;
}

static void run_notes(run_state *r)
{
    if (r->n_invalid == 1)
        run_say(r, "skipped 1 invalid line: %s:%llu: %s\n", r->name,
                (unsigned long long)r->invalid_line, r->invalid_why);
    else if (r->n_invalid > 1)
        run_say(r, "skipped %llu invalid lines; first: %s:%llu: %s\n",
                (unsigned long long)r->n_invalid, r->name,
                (unsigned long long)r->invalid_line, r->invalid_why);
    if (r->n_unknown > 0) {
        if (r->n_unknown == 1)
            run_say(r, "skipped 1 event not declared by the experience: ");
        else
            run_say(r, "skipped %llu events not declared by the experience; first: ",
                    (unsigned long long)r->n_unknown);
        run_put_name(r->err, r->unknown, r->unknown_len);
        fprintf(r->err, " at %s:%llu\n", r->name, (unsigned long long)r->unknown_line);
    }
}

static bool run_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Whether the input is NDJSON by its content: the first byte that is not a
 * space, tab, CR or LF (after a byte order mark, which both readers drop) is
 * `{`.  The bytes are only looked at in the reader's buffer, never consumed,
 * so standard input loses nothing.  Negative: RT_NEXT_READERR or _NOMEM. */
static int run_sniff(rt_src *s)
{
    size_t i = 0;
    bool bom_looked = false;
    for (;;) {
        int m;
        if (!bom_looked && (s->end - s->beg >= 3 || s->eof)) {
            bom_looked = true;
            if (s->end - s->beg >= 3 && memcmp(s->buf + s->beg, "\xEF\xBB\xBF", 3) == 0)
                i = 3;
        }
        for (; bom_looked && s->beg + i < s->end; i++) {
            char c = s->buf[s->beg + i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
                return c == '{';
        }
        if (s->eof)
            return 0;
        if ((m = rt_src_more(s)) < 0)
            return m;
    }
}

/* Whether the run goes to par.c: --threads above 1 (the default: the cores),
 * CSV, no --time or --trace (their order of work is one thread's),
 * and input enough to be worth threads.  Creates r->par; an exit code. */
static int run_par_open(run_state *r)
{
    const rt_opts *o = r->o;
    unsigned n = o->threads ? o->threads : rt_cores();
    size_t min = rt_par_min_bytes();
    r->par = NULL;
    if (n < 2 || r->nj || r->timed || o->trace)
        return RT_EXIT_OK;
    while (!r->src.eof && r->src.end - r->src.beg < min)
        if (rt_src_more(&r->src) < 0)
            return RT_EXIT_OK; /* the one-thread reader reports it */
    if (r->src.end - r->src.beg < min)
        return RT_EXIT_OK;
    return (r->par = rt_par_new(n, r->e, o)) ? RT_EXIT_OK : run_nomem(r);
}

/* Which reader: --input, else the name, else the content. */
static int run_is_ndjson(const rt_opts *o, bool use_stdin, rt_src *s)
{
    if (o->input != RT_INPUT_AUTO)
        return o->input == RT_INPUT_NDJSON;
    if (!use_stdin && (run_ends_with(o->path, ".ndjson") || run_ends_with(o->path, ".jsonl")))
        return 1;
    return run_sniff(s);
}

int rt_time_needed(FILE *err, const char *prog, const char *experience)
{
    /* Time rules score by the events' times: never with made-up ones. */
    fprintf(err, "%s: experience %s uses time rules (within, reset after or cap): "
            "name the events' time column with --time=COL\nTry `%s --help`.\n",
            rt_basename(prog), experience ? experience : "", prog);
    return RT_EXIT_USAGE;
}

int rt_run(const rt_opts *o, const rt_engine *e)
{
    FILE *out = o->out ? o->out : stdout;
    FILE *err = o->err ? o->err : stderr;
    bool use_stdin = !o->path || strcmp(o->path, "-") == 0;
    const char *prog = o->prog ? o->prog : "expc";
    FILE *fp;
    run_state *r;
    int rc;

    if (e->uses_time && !o->col[RT_COL_TIME])
        return rt_time_needed(err, prog, e->experience);
    if (use_stdin) {
        fp = stdin;
    } else {
        errno = 0;
        fp = fopen(o->path, "rb");
        if (!fp) {
            fprintf(err, "%s: %s: %s\n", prog, o->path, errno ? strerror(errno) : "cannot open");
            return RT_EXIT_NOINPUT;
        }
    }
    r = malloc(sizeof *r);
    if (!r || !rt_src_init(&r->src, fp, use_stdin ? "<stdin>" : o->path)) {
        if (r)
            rt_src_free(&r->src);
        free(r);
        if (fp != stdin)
            fclose(fp);
        fprintf(err, "%s: out of memory\n", prog);
        return RT_EXIT_SOFTWARE;
    }
    r->o = o;
    r->e = e;
    r->err = err;
    r->prog = prog;
    r->name = r->src.name;
    r->nj = NULL;
    r->par = NULL;
    r->bn = 0;
    r->n_invalid = r->invalid_line = 0;
    r->invalid_why[0] = 0;
    r->timed = o->col[RT_COL_TIME] != NULL;
    r->evs = NULL;
    r->n_evs = r->cap_evs = 0;
    r->spill = NULL;
    r->run_at = NULL;
    r->n_runs = r->cap_runs = 0;
    r->max_evs = o->memory / RT_MEMORY_MIN;
    r->n_lines = r->n_declared = 0;
    r->n_unknown = r->unknown_line = 0;
    r->unknown_len = 0;
    r->ids = NULL;
    r->ids_len = r->ids_cap = 0;
    rt_table_init(&r->tab);
    rt_csv_init(&r->csv, &r->src, o->col);
    rc = run_open_reader(r, run_is_ndjson(o, use_stdin, &r->src));
    if (rc == RT_EXIT_OK)
        rc = run_par_open(r);
    if (rc == RT_EXIT_OK)
        rc = run_events(r);
    rt_ndjson_free(r->nj);
    rt_csv_free(&r->csv);
    rt_src_free(&r->src);
    free(r->evs);
    r->evs = NULL;
    free(r->run_at);
    if (r->spill)
        fclose(r->spill);
    if (fp != stdin)
        fclose(fp);
    if (rc == RT_EXIT_OK)
        rc = r->par ? rt_par_write(r->par, out, err, prog, o->format)
                    : rt_write_scores(out, err, prog, &r->tab, e, o->format);
    if (rc == RT_EXIT_OK) {
        run_notes(r);
        if (o->summary && r->par)
            rt_par_summary(r->par, err);
        else if (o->summary)
            rt_write_summary(err, &r->tab, e);
        if (o->after) {
            rt_run_info ri = { r->name, r->n_lines + r->n_invalid, r->n_declared,
                               r->n_unknown, r->n_invalid, &r->tab, 1 };
            if (r->par)
                ri.tab = rt_par_tables(r->par, &ri.n_tabs);
            rc = o->after(o->after_arg, &ri);
        }
    }
    rt_table_free(&r->tab);
    rt_par_free(r->par);
    free(r->ids);
    free(r);
    return rc;
}
