/* trace.c - the trace lines of `expc run --trace` and of failed tests.
 *
 * Each traced customer has a shadow state, stepped by interp_step: its
 * answer (ir_effect) says what the event did, and the state after it gives
 * the stage and score printed.  The engine scoring the run (the JIT, say)
 * is held byte-identical to the interpreter, so the shadow is the state it
 * reaches; tests/t_trace.sh checks the lines under both engines.
 *
 * Without --time a customer's events are scored in input order, so each
 * line is printed as its event is read.  With --time they are scored in
 * time order (ties in input order): the traced events are kept and, at the
 * end, sorted the same way and printed a customer at a time, customers in
 * order of first appearance. */
#include "expc/trace.h"

#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/interp.h"

void trace_put(FILE *f, const char *indent, const char *who, const char *file, uint64_t line,
               const ir_machine *m, int32_t ev, int effect, const rt_state *after)
{
    const ir_event *e = &m->events[ev];
    fprintf(f, "%strace: %s: %s:%llu: %s %s %s%lld ", indent, who, file,
            (unsigned long long)line, e->name, m->notes[e->note].name, e->points < 0 ? "" : "+",
            (long long)e->points);
    if (effect & IR_RESTART)
        fputs("restart, ", f);
    switch (effect & IR_EFFECT_MASK) {
    case IR_EARLY:
        fprintf(f, "early -%lld", (long long)m->penalty_early);
        break;
    case IR_CAPPED:
        fputs("capped", f);
        break;
    default:
        fputs("counted", f);
        break;
    }
    fprintf(f, " -> %s %lld\n", ir_stage_name(m, after->stage), (long long)after->score);
}

/* A traced event kept for a timed run. */
typedef struct trace_ev {
    uint64_t line;
    int64_t t;
    int32_t ev;
} trace_ev;

typedef struct trace_who {
    const char *id;
    size_t len;
    rt_state *st;         /* the shadow state: interp_state_size bytes */
    size_t first;         /* order of first appearance (0: not seen yet) */
    trace_ev *evs;        /* timed runs: its events, in input order */
    size_t n, cap;
    const char *file;     /* timed runs: the log's name */
} trace_who;

struct trace_run {
    const ir_machine *m;
    trace_who *who;
    size_t n_who, seen;
    bool timed;
    FILE *err;
};

trace_run *trace_run_new(const ir_machine *m, const char *const *ids, size_t n, bool timed,
                         FILE *err)
{
    trace_run *tr = xmalloc(sizeof *tr);
    memset(tr, 0, sizeof *tr);
    tr->m = m;
    tr->timed = timed;
    tr->err = err;
    tr->who = xmalloc((n ? n : 1) * sizeof *tr->who);
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t k = 0; k < tr->n_who; k++)
            dup |= strcmp(tr->who[k].id, ids[i]) == 0;
        if (dup)
            continue;
        trace_who *w = &tr->who[tr->n_who++];
        memset(w, 0, sizeof *w);
        w->id = ids[i];
        w->len = strlen(ids[i]);
        w->st = xmalloc(interp_state_size(m));
        interp_init_state(m, w->st);
    }
    return tr;
}

/* One event of a traced customer, scored on its shadow and printed. */
static void trace_step(trace_run *tr, trace_who *w, const char *file, const trace_ev *v)
{
    int effect = interp_step(tr->m, w->st, v->ev, v->t);
    trace_put(tr->err, "", w->id, file, v->line, tr->m, v->ev, effect, w->st);
}

void trace_run_event(void *ctx, const char *file, uint64_t line, const char *cust, size_t len,
                     int32_t ev, int64_t t)
{
    trace_run *tr = ctx;
    trace_who *w = NULL;
    for (size_t k = 0; k < tr->n_who && !w; k++)
        if (tr->who[k].len == len && memcmp(tr->who[k].id, cust, len) == 0)
            w = &tr->who[k];
    if (!w)
        return;
    if (!w->first)
        w->first = ++tr->seen;
    trace_ev v = { line, t, ev };
    if (!tr->timed) {
        trace_step(tr, w, file, &v);
        return;
    }
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->evs = xrealloc(w->evs, w->cap * sizeof *w->evs);
    }
    w->evs[w->n++] = v;
    w->file = file;
}

/* Time order, ties in input order (which line order is). */
static int trace_ev_cmp(const void *a, const void *b)
{
    const trace_ev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

void trace_run_end(trace_run *tr)
{
    if (!tr)
        return;
    for (size_t order = 1; order <= tr->seen; order++)
        for (size_t k = 0; k < tr->n_who; k++) {
            trace_who *w = &tr->who[k];
            if (w->first != order || !w->n)
                continue;
            qsort(w->evs, w->n, sizeof *w->evs, trace_ev_cmp);
            for (size_t i = 0; i < w->n; i++)
                trace_step(tr, w, w->file, &w->evs[i]);
        }
    for (size_t k = 0; k < tr->n_who; k++) {
        free(tr->who[k].evs);
        free(tr->who[k].st);
    }
    free(tr->who);
    free(tr);
}
