/* par.c - --threads=N: one CSV run scored on N threads, byte for byte as on one.
 *
 * run.c reads the header (or first record) with the one-thread reader, which
 * resolves the columns; then this file takes over the stream.  The input is
 * read in windows (PAR_WINDOW bytes, two: the next is read while one is
 * scored), each cut at the last LF and
 * split at LFs into N chunks, one per thread:
 *
 *  1. parse: thread k parses chunk k with its own rt_csv (a copy of the
 *     header's) on an in-memory rt_src holding just the chunk's bytes, into
 *     compact records (customer pointer, length, hash, event id) of the
 *     declared events, and an rt_par_note: counts and the first invalid line
 *     and undeclared event, for run.c's messages.  A record may span lines
 *     (a quoted field holds LF), so a chunk may start inside one: its parse
 *     is a guess.  The parse stops where a record runs past the chunk's end
 *     (RT_NEXT_CUT): the `cut`.  No parse ever touches another chunk's bytes.
 *  2. fix-up (main thread, in order): when chunk k-1's cut is not chunk k's
 *     start, the guess was wrong: chunk k gets back its bytes as read (the
 *     guessing parse may have undone `""` in place: a chunk with a `"` keeps
 *     a copy first) and is parsed again from the cut.  Line numbers are set
 *     here, from the lines each chunk passed.  The last cut is where the
 *     next window starts (a record longer than a window grows the window).
 *  3. run.c turns the notes into its messages and counts, in file order, so
 *     the earliest invalid line wins as on one thread.
 *  4. step: thread k takes the customers whose hash is k modulo N, over all
 *     chunks in order (so each customer's events stay in order), into its
 *     own rt_table, noting for each new customer the ordinal of its first
 *     event in the whole run; then the window's new customers of all
 *     partitions are merged by those ordinals into the run's order of first
 *     appearance, one byte (the partition) a customer.
 *
 * At the end the rows are written in that order, each partition's in its
 * own (first-appearance) order: the rows come out in the order of one thread.
 * Memory is the window, its records and the partitions: bounded by the
 * window, not the input.  The threads are C11 <threads.h>; without them
 * (__STDC_NO_THREADS__) the same steps run one after the other on one.
 * Each batch goes to rt_opts.step when set (--report's counter, told the
 * lane: the partition), else to the engine's step_batch.
 * What does not come here (NDJSON, --time, --trace, small input)
 * is listed in docs/language.md ("Threads"). */
#include "expc/rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef __STDC_NO_THREADS__
#include <threads.h>
#define PAR_THREADS 1
#else
#define PAR_THREADS 0
#endif
#if PAR_THREADS && (defined(__unix__) || defined(__APPLE__))
#include <unistd.h> /* sysconf: POSIX, guarded so plain ISO C still builds */
#endif

/* Bytes of a window, whatever the threads: the memory stays that of one
 * thread plus a few MiB (chunks of 1 MiB on two threads). */
#define PAR_WINDOW ((size_t)2 << 20)
#define PAR_MIN ((size_t)512 << 10)   /* smaller inputs: one thread */
#define PAR_BATCH 4096

unsigned rt_cores(void)
{
#if PAR_THREADS && defined(_SC_NPROCESSORS_ONLN)
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > RT_THREADS_MAX ? RT_THREADS_MAX : (unsigned)n;
#else
    return 1;
#endif
}

/* EXPC_THREADS_WINDOW=BYTES (HACKING.md): the window, for tests that cross
 * many chunk boundaries with a small input; 0 when not set. */
static size_t par_env_window(void)
{
    const char *v = getenv("EXPC_THREADS_WINDOW");
    return v && *v ? rt_opt_size(v) : 0;
}

size_t rt_par_min_bytes(void)
{
    return par_env_window() ? 0 : PAR_MIN;
}

/* A declared event of a chunk: seq is its place among the chunk's. */
typedef struct par_rec {
    const char *cust;
    size_t len;
    uint32_t hash;            /* rt_table_hash: hashed once, here */
    uint32_t seq;
    int32_t ev;
} par_rec;

/* A chunk's declared events of one partition, in order. */
typedef struct par_list {
    par_rec *r;
    size_t n, cap;
} par_list;

typedef struct par_chunk {
    size_t beg, end, cut;     /* bytes of the window; cut: see above */
    uint64_t line;            /* physical line at beg */
    uint64_t lfs;             /* lines passed in [beg, cut) */
    const char *base;         /* the bytes the events point into */
    par_list *lists;          /* its declared events by partition (n lists) */
    size_t n;                 /* declared events */
    uint64_t ord;             /* ordinal of its first among the run's events */
    rt_par_note note;
    char *save;               /* the bytes as read, for a parse again */
    size_t save_cap;
    bool saved, nomem;
    rt_src src;
    rt_csv csv;
} par_chunk;

typedef struct par_part {
    rt_table *tab;            /* rt_par.tabs[k] */
    uint64_t *fresh;          /* ordinals of the first events of the customers */
    size_t n_fresh, fresh_cap; /* new in this window, in order */
    const char *base;
    size_t bn;
    size_t off[PAR_BATCH], len[PAR_BATCH];
    uint32_t hash[PAR_BATCH];
    uint32_t idx[PAR_BATCH];
    int32_t ev[PAR_BATCH];
    uint64_t ord[PAR_BATCH];
    bool nomem;
} par_part;

enum { PAR_PARSE, PAR_STEP };

struct rt_par {
    const rt_engine *e;
    const rt_opts *o;         /* batches are stepped through rt_step(o, ...) */
    unsigned n;               /* threads, chunks, partitions */
    rt_csv proto;             /* the header's reader (its arrays not ours) */
    FILE *fp;
    bool eof, pending, done;  /* pending: a read error after this window */
    int err;
    char *buf;                /* the window: len bytes of cap */
    size_t cap, len, cut;
    /* The next window, read while the threads step this one by the first
     * to finish (pre: it holds the bytes from cut on, and more). */
    char *buf2;
    size_t cap2, len2;
    bool pre, claimed;
    uint64_t line, cut_line;  /* physical lines at buf[0] and at cut */
    uint64_t ord;             /* declared events before the window */
    par_chunk *ch;            /* n + 1: [0] holds the event read before */
    par_part *part;
    rt_table *tabs;           /* the partitions' customers */
    unsigned char *order;     /* the partition of each customer, in the */
    size_t n_order, order_cap; /* order of first appearance */
    rt_par_note *notes;
    bool had;                 /* a window was handed out (and stepped) */
#if PAR_THREADS
    thrd_t *thr;
    struct par_arg { rt_par *p; unsigned k; } *arg;
    unsigned started;         /* worker threads running */
    mtx_t mu;
    cnd_t go, idle;
    unsigned gen, busy;
    int job;
    bool quit, sync;          /* sync: mu, go and idle exist */
#endif
};

rt_par *rt_par_new(unsigned threads, const rt_engine *e, const rt_opts *o)
{
    rt_par *p = calloc(1, sizeof *p);
    unsigned k;
    if (!p)
        return NULL;
    p->e = e;
    p->o = o;
    p->n = threads;
    p->ch = calloc(threads + 1, sizeof *p->ch);
    p->part = calloc(threads, sizeof *p->part);
    p->notes = calloc(threads, sizeof *p->notes);
    p->tabs = calloc(threads, sizeof *p->tabs);
    if (!p->ch || !p->part || !p->notes || !p->tabs) {
        rt_par_free(p);
        return NULL;
    }
    for (k = 0; k < threads; k++) {
        rt_table_init(&p->tabs[k]);
        p->part[k].tab = &p->tabs[k];
    }
    return p;
}

/* Adds a declared event to its partition's list; false: no memory. */
static bool par_push(const rt_par *p, par_chunk *c, const char *cust, size_t len, int32_t ev)
{
    par_list *l;
    if (!c->lists && !(c->lists = calloc(p->n, sizeof *c->lists)))
        return false;
    /* The table's own hash, kept for its lookup; the partition from its
     * high bits (the table picks slots by the low ones). */
    uint32_t h = rt_table_hash(cust, len);
    l = &c->lists[(uint32_t)(((uint64_t)h * p->n) >> 32)];
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        par_rec *nr = realloc(l->r, cap * sizeof *nr);
        if (!nr)
            return false;
        l->r = nr;
        l->cap = cap;
    }
    l->r[l->n].cust = cust;
    l->r[l->n].len = len;
    l->r[l->n].hash = h;
    l->r[l->n].seq = (uint32_t)c->n++;
    l->r[l->n].ev = ev;
    l->n++;
    return true;
}

/* Empties the chunk's lists. */
static void par_clear(const rt_par *p, par_chunk *c)
{
    unsigned k;
    for (k = 0; c->lists && k < p->n; k++)
        c->lists[k].n = 0;
    c->n = 0;
}

bool rt_par_first(rt_par *p, const char *cust, size_t len, int32_t ev)
{
    par_chunk *c = &p->ch[0];
    if (!(c->save = malloc(len ? len : 1)))
        return false;
    memcpy(c->save, cust, len);
    c->base = c->save;
    return par_push(p, c, c->save, len, ev);
}

bool rt_par_start(rt_par *p, rt_src *src, const rt_csv *proto)
{
    size_t live = src->end - src->beg, w = par_env_window();
    p->cap = w ? w : PAR_WINDOW;
    if (p->cap < live)
        p->cap = live;
    if (!(p->buf = malloc(p->cap)))
        return false;
    memcpy(p->buf, src->buf + src->beg, live);
    src->beg = src->end;
    p->len = live;
    p->fp = src->fp;
    p->eof = src->eof;
    p->line = p->cut_line = src->line;
    p->proto = *proto;
    return true;
}

/* Reads into b until *len is cap or the input ends; a read error is kept
 * for after this window (the one-thread reader, too, reports it only where
 * a record needs the missing bytes). */
static void par_read(rt_par *p, char *b, size_t *len, size_t cap)
{
    while (*len < cap && !p->eof && !p->pending) {
        size_t want = cap - *len, got;
        errno = 0;
        got = fread(b + *len, 1, want, p->fp);
        *len += got;
        if (got < want && ferror(p->fp)) {
            p->err = errno;
            p->pending = true;
        } else if (got < want) {
            p->eof = true;
        }
    }
}

static void par_fill(rt_par *p)
{
    par_read(p, p->buf, &p->len, p->cap);
}

/* Reads the next window into buf2 while this one is stepped (the steps
 * only read buf): its bytes from cut on, then the input. */
static void par_prefill(rt_par *p)
{
    size_t carry = p->len - p->cut;
    if (p->eof || p->pending)
        return;
    if (p->cap2 < p->cap) {
        char *nb = realloc(p->buf2, p->cap);
        if (!nb)
            return; /* par_shift and par_fill do it the slow way */
        p->buf2 = nb;
        p->cap2 = p->cap;
    }
    memcpy(p->buf2, p->buf + p->cut, carry);
    p->len2 = carry;
    par_read(p, p->buf2, &p->len2, p->cap2);
    p->pre = true;
}

/* After a thread's step: the first to finish reads the next window. */
static void par_after_step(rt_par *p)
{
    bool mine;
#if PAR_THREADS
    if (p->sync) {
        mtx_lock(&p->mu);
        mine = !p->claimed;
        p->claimed = true;
        mtx_unlock(&p->mu);
    } else
#endif
    {
        mine = !p->claimed;
        p->claimed = true;
    }
    if (mine)
        par_prefill(p);
}

/* The chunk's reader: the header's columns, its own field arrays, and an
 * in-memory source over [from, end) that ends in RT_NEXT_CUT unless it is
 * the end of the input. */
static void par_reader(rt_par *p, par_chunk *c, size_t from)
{
    const char **fp = c->csv.fp;
    size_t *fn = c->csv.fn, fcap = c->csv.fcap;
    bool *fdq = c->csv.fdq;
    memset(&c->src, 0, sizeof c->src);
    c->src.name = "";
    c->src.buf = p->buf;
    c->src.beg = from;
    c->src.end = c->src.cap = c->end;
    c->src.eof = p->eof && c->end == p->len;
    c->src.line = 1;
    c->csv = p->proto;
    c->csv.src = &c->src;
    c->csv.bom_done = true;
    c->csv.fp = fp;
    c->csv.fn = fn;
    c->csv.fdq = fdq;
    c->csv.fcap = fcap;
    c->csv.hdr_p = NULL;
    c->csv.hdr_n = NULL;
    c->csv.n_hdr = 0;
}

/* Notes one record (the k-th of the chunk); false: no memory. */
static bool par_take(rt_par *p, par_chunk *c, const rt_rec *rec, uint64_t k)
{
    rt_par_note *nt = &c->note;
    int32_t ev;
    if (rec->why) {
        if (nt->invalid++ == 0) {
            nt->invalid_at = k;
            nt->invalid_line = rec->line;
            nt->invalid_why = rec->why;
        }
        return true;
    }
    ev = p->e->event_id(p->e->ctx, rec->event, rec->event_len);
    nt->lines++;
    if (ev < 0) {
        if (nt->unknown++ == 0) {
            nt->unknown_at = k;
            nt->unknown_line = rec->line;
            nt->unknown_name = rec->event;
            nt->unknown_len = rec->event_len;
        }
        return true;
    }
    nt->declared++;
    return par_push(p, c, rec->cust, rec->cust_len, ev);
}

/* Keeps the chunk's bytes when its parse is a guess that could change
 * them (undoing `""` needs a `"`); false: no memory. */
static bool par_save(rt_par *p, par_chunk *c)
{
    size_t n = c->end - c->beg;
    c->saved = false;
    if (!memchr(p->buf + c->beg, '"', n))
        return true;
    if (n > c->save_cap) {
        char *ns = realloc(c->save, n);
        if (!ns)
            return false;
        c->save = ns;
        c->save_cap = n;
    }
    memcpy(c->save, p->buf + c->beg, n);
    c->saved = true;
    return true;
}

/* Parses chunk c from c->beg (a guess when `guess`). */
static void par_parse(rt_par *p, par_chunk *c, bool guess)
{
    rt_rec rec;
    uint64_t k = 0;
    par_clear(p, c);
    c->base = p->buf;
    memset(&c->note, 0, sizeof c->note);
    c->nomem = guess && !par_save(p, c);
    par_reader(p, c, c->beg);
    c->cut = c->beg;
    while (!c->nomem) {
        int st = rt_csv_next(&c->csv, &rec);
        if (st == RT_NEXT_EOF || st == RT_NEXT_CUT) {
            c->cut = c->src.beg;
            break;
        }
        if (st < 0 || !par_take(p, c, &rec, k++))
            c->nomem = true;
    }
    c->lfs = c->src.line - 1;
}

/* Splits buf[0, lim) at LFs into the chunks 1..n. */
static void par_split(rt_par *p, size_t lim)
{
    size_t at = 0;
    unsigned k;
    for (k = 1; k <= p->n; k++) {
        par_chunk *c = &p->ch[k];
        size_t to = k == p->n ? lim : lim / p->n * k;
        if (to < at)
            to = at;
        if (k < p->n && to < lim) {
            const char *nl = memchr(p->buf + to, '\n', lim - to);
            to = nl ? (size_t)(nl - p->buf) + 1 : lim;
        }
        c->beg = at;
        c->end = to;
        at = to;
    }
}

/* One phase's work for thread k. */
static void par_step_part(rt_par *p, par_part *q, unsigned k);

#ifdef PAR_PROFILE
/* cc -DPAR_PROFILE (never in a normal build; bench measurements on a busy
 * machine): each thread's CPU time per phase, so the wall time on idle
 * cores is estimated as the main thread's own work plus, per phase, the
 * slowest thread's; printed to stderr at the end. */
#include <time.h>
static double par_prof_max[2], par_prof_busy[RT_THREADS_MAX];
static double par_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif

static void par_job(rt_par *p, int job, unsigned k)
{
#ifdef PAR_PROFILE
    double t0 = par_cpu();
#endif
    if (job == PAR_PARSE)
        par_parse(p, &p->ch[k + 1], k > 0);
    else
        par_step_part(p, &p->part[k], k);
    if (job == PAR_STEP)
        par_after_step(p);
#ifdef PAR_PROFILE
    par_prof_busy[k] = par_cpu() - t0;
#endif
}

#if PAR_THREADS
static int par_worker(void *arg)
{
    struct par_arg *a = arg;
    rt_par *p = a->p;
    unsigned seen = 0;
    for (;;) {
        int job;
        mtx_lock(&p->mu);
        while (p->gen == seen && !p->quit)
            cnd_wait(&p->go, &p->mu);
        if (p->quit) {
            mtx_unlock(&p->mu);
            return 0;
        }
        seen = p->gen;
        job = p->job;
        mtx_unlock(&p->mu);
        par_job(p, job, a->k);
        mtx_lock(&p->mu);
        if (--p->busy == 0)
            cnd_signal(&p->idle);
        mtx_unlock(&p->mu);
    }
}

/* Starts the n - 1 workers (the main thread is the n-th); false: it runs
 * the phases alone (no thread could start). */
static bool par_spawn(rt_par *p)
{
    unsigned k;
    if (p->sync)
        return p->started == p->n - 1;
    if (mtx_init(&p->mu, mtx_plain) != thrd_success)
        return false;
    if (cnd_init(&p->go) != thrd_success) {
        mtx_destroy(&p->mu);
        return false;
    }
    if (cnd_init(&p->idle) != thrd_success) {
        cnd_destroy(&p->go);
        mtx_destroy(&p->mu);
        return false;
    }
    p->sync = true;
    p->thr = calloc(p->n, sizeof *p->thr);
    p->arg = calloc(p->n, sizeof *p->arg);
    for (k = 1; p->thr && p->arg && k < p->n; k++) {
        p->arg[k].p = p;
        p->arg[k].k = k;
        if (thrd_create(&p->thr[k], par_worker, &p->arg[k]) != thrd_success)
            break;
        p->started++;
    }
    return p->started == p->n - 1;
}

/* Stops and joins the workers. */
static void par_join(rt_par *p)
{
    unsigned k;
    if (!p->sync)
        return;
    mtx_lock(&p->mu);
    p->quit = true;
    cnd_broadcast(&p->go);
    mtx_unlock(&p->mu);
    for (k = 1; k <= p->started; k++)
        thrd_join(p->thr[k], NULL);
    free(p->thr);
    free(p->arg);
    cnd_destroy(&p->idle);
    cnd_destroy(&p->go);
    mtx_destroy(&p->mu);
    p->sync = false;
}
#endif

/* Runs a phase on every thread and waits for all of them. */
static void par_phase(rt_par *p, int job)
{
    unsigned k;
#if PAR_THREADS
    if (p->n > 1 && par_spawn(p)) {
        mtx_lock(&p->mu);
        p->job = job;
        p->claimed = false;
        p->busy = p->n - 1;
        p->gen++;
        cnd_broadcast(&p->go);
        mtx_unlock(&p->mu);
        par_job(p, job, 0);
        mtx_lock(&p->mu);
        while (p->busy > 0)
            cnd_wait(&p->idle, &p->mu);
        mtx_unlock(&p->mu);
#ifdef PAR_PROFILE
        {
            double m = 0, own = par_prof_busy[0];
            for (k = 0; k < p->n; k++)
                m = par_prof_busy[k] > m ? par_prof_busy[k] : m;
            par_prof_max[0] += m;
            par_prof_max[1] += own;
        }
#endif
        return;
    }
#endif
    p->claimed = false;
    for (k = 0; k < p->n; k++)
        par_job(p, job, k);
}

/* The parse in file order: chunks that started at a wrong guess are parsed
 * again from their true start; lines and ordinals are set.  false: no
 * memory. */
static bool par_fixup(rt_par *p)
{
    size_t at = 0;
    uint64_t line = p->line, ord = p->ord + p->ch[0].n;
    unsigned k;
    p->ch[0].ord = p->ord;
    for (k = 1; k <= p->n; k++) {
        par_chunk *c = &p->ch[k];
        rt_par_note *nt = &c->note;
        if (c->beg != at) {
            if (c->saved)
                memcpy(p->buf + c->beg, c->save, c->end - c->beg);
            c->beg = at;
            par_parse(p, c, false);
        }
        if (c->nomem)
            return false;
        nt->invalid_line += nt->invalid ? line - 1 : 0;
        nt->unknown_line += nt->unknown ? line - 1 : 0;
        c->line = line;
        c->ord = ord;
        ord += c->n;
        line += c->lfs;
        at = c->cut;
        p->notes[k - 1] = *nt;
    }
    p->cut = at;
    p->cut_line = line;
    return true;
}

/* Drops the bytes of the window before; its events are stepped. */
static void par_shift(rt_par *p)
{
    unsigned k;
    for (k = 0; k <= p->n; k++)
        p->ord += p->ch[k].n;
    par_clear(p, &p->ch[0]);
    if (p->pre) {
        char *b = p->buf;
        size_t cap = p->cap;
        p->buf = p->buf2;
        p->cap = p->cap2;
        p->len = p->len2;
        p->buf2 = b;
        p->cap2 = cap;
        p->pre = false;
    } else {
        memmove(p->buf, p->buf + p->cut, p->len - p->cut);
        p->len -= p->cut;
    }
    p->line = p->cut_line;
    p->cut = 0;
    for (k = 1; k <= p->n; k++)
        par_clear(p, &p->ch[k]);
}

/* Doubles the window: a record does not fit in it.  false: no memory. */
static bool par_grow(rt_par *p)
{
    char *nb;
    if (p->cap > SIZE_MAX / 2 || !(nb = realloc(p->buf, 2 * p->cap)))
        return false;
    p->buf = nb;
    p->cap *= 2;
    return true;
}

/* The end of the last whole line in the window (all of it at the end). */
static size_t par_limit(const rt_par *p)
{
    size_t i = p->len;
    if (p->eof)
        return p->len;
    while (i > 0 && p->buf[i - 1] != '\n')
        i--;
    return i;
}

int rt_par_window(rt_par *p, const rt_par_note **notes, size_t *n, int *err)
{
    if (p->done)
        return RT_NEXT_EOF;
    if (p->had)
        par_shift(p);
    p->had = true;
    if (p->pending && p->len == 0) {
        *err = p->err;
        return RT_NEXT_READERR;
    }
    for (;;) {
        par_fill(p);
        par_split(p, par_limit(p));
        par_phase(p, PAR_PARSE);
        if (!par_fixup(p))
            return RT_NEXT_NOMEM;
        if (p->cut > 0 || p->eof || p->pending)
            break;
        if (!par_grow(p))
            return RT_NEXT_NOMEM;
    }
    if (p->eof && p->cut == p->len)
        p->done = true;
    if (p->pending && p->cut == 0) {
        *err = p->err;
        return RT_NEXT_READERR;
    }
    *notes = p->notes;
    *n = p->n;
    return RT_NEXT_REC;
}

/* Interns the partition's batch and steps the engine over it. */
static void par_flush(rt_par *p, par_part *q)
{
    rt_table *t = q->tab;
    uint32_t n0 = t->n, next = n0;
    size_t j;
    if (q->bn == 0 || q->nomem) {
        q->bn = 0;
        return;
    }
    if (rt_table_intern_many_h(t, q->base, q->off, q->len, q->hash, q->bn, q->idx, p->e) != 0) {
        q->nomem = true;
        return;
    }
    if (q->n_fresh + (t->n - n0) > q->fresh_cap) {
        size_t cap = q->fresh_cap ? q->fresh_cap : 1024;
        uint64_t *nf;
        while (cap < q->n_fresh + (t->n - n0))
            cap *= 2;
        if (!(nf = realloc(q->fresh, cap * sizeof *nf))) {
            q->nomem = true;
            return;
        }
        q->fresh = nf;
        q->fresh_cap = cap;
    }
    for (j = 0; j < q->bn && next < t->n; j++)
        if (q->idx[j] == next) {
            q->fresh[q->n_fresh++] = q->ord[j];
            next++;
        }
    rt_step(p->o, (unsigned)(q - p->part), p->e, t->states, q->idx, q->ev, NULL, q->bn);
    q->bn = 0;
}

/* Phase 2 for partition k: its customers' events of every chunk, in order. */
static void par_step_part(rt_par *p, par_part *q, unsigned k)
{
    unsigned c;
    q->n_fresh = 0;
    for (c = 0; c <= p->n; c++) {
        const par_chunk *ch = &p->ch[c];
        size_t j;
        const par_list *l = ch->lists ? &ch->lists[k] : NULL;
        if (!l || l->n == 0)
            continue;
        if (q->bn > 0 && q->base != ch->base)
            par_flush(p, q);
        q->base = ch->base;
        for (j = 0; j < l->n; j++) {
            const par_rec *r = &l->r[j];
            q->off[q->bn] = (size_t)(r->cust - ch->base);
            q->len[q->bn] = r->len;
            q->hash[q->bn] = r->hash;
            q->ev[q->bn] = r->ev;
            q->ord[q->bn] = ch->ord + r->seq;
            if (++q->bn == PAR_BATCH)
                par_flush(p, q);
        }
    }
    par_flush(p, q);
}

/* The partition whose next new customer of the window came first, or n
 * when none is left (at[k]: those of partition k taken). */
static unsigned par_next_part(const rt_par *p, const size_t *at)
{
    unsigned k, best = p->n;
    for (k = 0; k < p->n; k++)
        if (at[k] < p->part[k].n_fresh
            && (best == p->n || p->part[k].fresh[at[k]] < p->part[best].fresh[at[best]]))
            best = k;
    return best;
}

/* Appends the window's new customers, as the partition each went to, to
 * the run's order of first appearance (a byte a customer: the rows are
 * written in this order).  false: no memory. */
static bool par_order(rt_par *p)
{
    size_t *at = calloc(p->n, sizeof *at), total = 0;
    unsigned k;
    if (!at)
        return false;
    for (k = 0; k < p->n; k++)
        total += p->part[k].n_fresh;
    if (p->n_order + total > p->order_cap) {
        size_t cap = p->order_cap ? p->order_cap : 4096;
        unsigned char *no;
        while (cap < p->n_order + total)
            cap *= 2;
        if (!(no = realloc(p->order, cap))) {
            free(at);
            return false;
        }
        p->order = no;
        p->order_cap = cap;
    }
    while ((k = par_next_part(p, at)) < p->n) {
        p->order[p->n_order++] = (unsigned char)k;
        at[k]++;
    }
    free(at);
    return true;
}

bool rt_par_step(rt_par *p)
{
    unsigned k;
    par_phase(p, PAR_STEP);
    for (k = 0; k < p->n; k++)
        if (p->part[k].nomem)
            return false;
    return par_order(p);
}

int rt_par_write(rt_par *p, FILE *out, FILE *err, const char *prog, rt_format format)
{
    rt_out w;
    uint32_t *at = calloc(p->n, sizeof *at);
    size_t *pos = calloc(p->n, sizeof *pos), i;
    unsigned k;
    if (!at || !pos || !rt_out_init(&w, out)) {
        free(at);
        free(pos);
        fprintf(err, "%s: out of memory\n", prog);
        return RT_EXIT_SOFTWARE;
    }
    rt_out_score_header(&w, format);
    for (i = 0; i < p->n_order && !w.failed; i++) {
        const rt_table *t = &p->tabs[k = p->order[i]];
        size_t idn;
        const char *id = rt_table_next_id(t, &pos[k], &idn);
        rt_out_score_row(&w, p->e, id, idn, rt_table_state(t, at[k]), format);
        at[k]++;
    }
    free(at);
    free(pos);
    return rt_out_finish(&w, err, prog);
}

void rt_par_summary(const rt_par *p, FILE *err)
{
    rt_write_summary_parts(err, p->tabs, p->n, p->e);
}

const rt_table *rt_par_tables(const rt_par *p, size_t *n)
{
    *n = p->n;
    return p->tabs;
}

void rt_par_free(rt_par *p)
{
    unsigned k;
    if (!p)
        return;
#ifdef PAR_PROFILE
    fprintf(stderr, "par: main cpu %.3f s, of it in phases %.3f s; phases' slowest %.3f s: "
            "estimated wall %.3f s\n", par_cpu(), par_prof_max[1], par_prof_max[0],
            par_cpu() - par_prof_max[1] + par_prof_max[0]);
#endif
#if PAR_THREADS
    par_join(p);
#endif
    for (k = 0; p->ch && k <= p->n; k++) {
        for (unsigned j = 0; p->ch[k].lists && j < p->n; j++)
            free(p->ch[k].lists[j].r);
        free(p->ch[k].lists);
        free(p->ch[k].save);
        rt_csv_free(&p->ch[k].csv);
    }
    for (k = 0; p->part && k < p->n; k++)
        free(p->part[k].fresh);
    for (k = 0; p->tabs && k < p->n; k++)
        rt_table_free(&p->tabs[k]);
    free(p->tabs);
    free(p->ch);
    free(p->part);
    free(p->notes);
    free(p->buf);
    free(p->buf2);
    free(p->order);
    free(p);
}
