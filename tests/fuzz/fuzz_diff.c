/* fuzz_diff.c - differential harness: every engine scores alike, and
 * formatting a script does not change its machine.
 *
 * An input is a script, optionally followed by a line `%%` and an event
 * log:   SCRIPT "\n%%\n" EVENTS.   When the script checks clean (with the
 * stdlib as its imports, as in fuzz_frontend.c), then for each of its first
 * experiences:
 *
 *  1. fmt round trip: the formatted script checks clean too, with the same
 *     number of warnings, and lowers to an equal machine (names, notes,
 *     thresholds, emotions, media, events, penalty), for which the C backend
 *     writes the same bytes;
 *  2. engines: the reference interpreter, a direct transcription of docs/language.md §6
 *     and of its time rules (steps A-D, in 128-bit arithmetic) kept here (the
 *     model), and - when built with LLVM - the ORC JIT at an
 *     -O level taken from the script's length, are run side by side:
 *       - the same event ids for every declared name and for every word of
 *         EVENTS, the same stage names, the same initial state;
 *       - EVENTS read as bytes, each one a (customer, event) pair at a time
 *         made from the bytes too (steps of hours forward and back, ties,
 *         the ends of int64_t), stepped through step_batch in batches of
 *         varying size: identical states, time members and cap slots
 *         included, after every batch (the model steps one event at a time);
 *       - EVENTS read as a CSV log by rt_run (for an experience that uses
 *         time, its third column the time): identical exit code, stdout
 *         and stderr for the interpreter and the JIT.
 *
 * The JIT of the last machine is kept and reused while the script part of
 * the input stays the same (mutations of the events are the common case),
 * since compiling is by far the slowest step. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/emit_c.h"
#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/load.h"
#include "expc/lower.h"
#include "expc/sema.h"
#include "expc/tools.h"
#if EXPC_LLVM
#include "expc/jit.h"
#endif

#include "fuzz_common.h"

#define SEP "\n%%\n"
#define MAX_EXPERIENCES 2

/* ---- machines equal --------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void machines_equal(const ir_machine *a, const ir_machine *b)
{
    FZ_CHECK(str_eq(a->name, b->name));
    FZ_CHECK(str_eq(a->industry, b->industry));
    FZ_CHECK(str_eq(a->script, b->script));
    FZ_CHECK(a->n_notes == b->n_notes);
    for (int k = 0; k < a->n_notes; k++) {
        const ir_note *x = &a->notes[k], *y = &b->notes[k];
        FZ_CHECK(x->behaviour == y->behaviour && str_eq(x->name, y->name));
        FZ_CHECK(x->threshold == y->threshold);
        FZ_CHECK(x->n_emotions == y->n_emotions);
        for (size_t i = 0; i < x->n_emotions; i++)
            FZ_CHECK(str_eq(x->emotions[i], y->emotions[i]));
        for (int i = 0; i < 3; i++)
            FZ_CHECK(str_eq(x->media[i], y->media[i]));
    }
    FZ_CHECK(a->penalty_early == b->penalty_early);
    FZ_CHECK(a->n_events == b->n_events);
    for (size_t i = 0; i < a->n_events; i++) {
        const ir_event *x = &a->events[i], *y = &b->events[i];
        FZ_CHECK(x->len == y->len && str_eq(x->name, y->name));
        FZ_CHECK(x->note == y->note && x->points == y->points);
        FZ_CHECK(str_eq(x->emotion, y->emotion) && x->via == y->via && str_eq(x->at, y->at));
        FZ_CHECK(x->first_alias == y->first_alias && x->n_aliases == y->n_aliases);
        FZ_CHECK(x->cap == y->cap && x->cap_per == y->cap_per && x->cap_slot == y->cap_slot);
    }
    FZ_CHECK(a->within == b->within && a->reset_after == b->reset_after);
    FZ_CHECK(a->n_caps == b->n_caps && a->uses_time == b->uses_time);
    FZ_CHECK(a->n_aliases == b->n_aliases);
    for (size_t i = 0; i < a->n_aliases; i++) {
        const ir_alias *x = &a->aliases[i], *y = &b->aliases[i];
        FZ_CHECK(x->len == y->len && str_eq(x->name, y->name) && x->event == y->event);
    }
}

/* The C backend's text for m (header then source). */
static void cgen_text(const ir_machine *m, fz_mem *out)
{
    cgen_opts o = { 0 };
    char prefix[300];
    snprintf(prefix, sizeof prefix, "exp_%s", m->name);
    o.prefix = prefix;
    o.header_name = "out.h";
    o.file_name = "out.c";
    fz_mem_open(out);
    cgen_write_header(out->f, m, &o);
    cgen_write_source(out->f, m, &o);
    FZ_CHECK(!ferror(out->f));
    fz_mem_close(out);
}

/* ---- the model: docs/language.md §6, one event ---------------------------------------------- */

/* floor(t / p) for p > 0. */
static int64_t model_floor(int64_t t, int64_t p)
{
    int64_t q = t / p;
    if (t % p != 0 && t < 0)
        q--;
    return q;
}

/* Steps A and B of the time rules; true when the event is capped. */
static bool model_time(const ir_machine *m, rt_state *s, const ir_event *e, int64_t t)
{
    rt_clock *c = rt_state_clock(s);
    if (s->events > 0) {
        bool reset = m->reset_after && (__int128)t - c->last > m->reset_after;
        bool late = m->within && s->stage < m->n_notes && (__int128)t - c->start > m->within;
        if (reset || late) {
            s->stage = 0;
            s->score = 0;
            s->points[0] = s->points[1] = s->points[2] = 0;
            c->start = t;
        }
    } else {
        c->start = t;
    }
    if (e->cap > 0) {
        int64_t *bucket = &rt_cap_bucket(s)[e->cap_slot];
        uint32_t *count = &rt_cap_count(s, m->n_caps)[e->cap_slot];
        int64_t b = model_floor(t, e->cap_per);
        if (b != *bucket) {
            *bucket = b;
            *count = 0;
        }
        if (*count >= e->cap) {
            s->events += 1;
            c->last = t;
            return true;
        }
        *count += 1;
    }
    return false;
}

static void model_step(const ir_machine *m, rt_state *s, int32_t id, int64_t t)
{
    const ir_event *e = &m->events[id];
    int32_t j = e->note;
    int64_t w = e->points;
    if (m->uses_time && model_time(m, s, e, t))
        return;
    s->events += 1;
    if (w < 0) {
        s->score += w;
        s->points[j] += w;
    } else if (j <= s->stage) {
        s->score += w;
        s->points[j] += w;
    } else {
        s->score -= m->penalty_early;
        s->early += 1;
    }
    while (s->stage < m->n_notes && s->points[s->stage] >= m->notes[s->stage].threshold)
        s->stage += 1;
    if (m->uses_time)
        rt_state_clock(s)->last = t;
}

/* ---- the JIT, kept between inputs ------------------------------------------------ */

#if EXPC_LLVM
static jit *cached_jit;
static char *cached_key;
static size_t cached_key_len;

/* Everything the generated code depends on. */
static void machine_key(const ir_machine *m, int opt, fz_mem *k)
{
    fz_mem_open(k);
    fprintf(k->f, "O%d|%d|%" PRId64 "|", opt, m->n_notes, m->penalty_early);
    for (int i = 0; i < m->n_notes; i++)
        fprintf(k->f, "%d:%s:%" PRId64 "|", m->notes[i].behaviour, m->notes[i].name,
                m->notes[i].threshold);
    fprintf(k->f, "T%" PRId64 ":%" PRId64 "|", m->within, m->reset_after);
    for (size_t i = 0; i < m->n_events; i++)
        fprintf(k->f, "%s:%d:%" PRId64 ":%" PRId64 ":%" PRId64 "|", m->events[i].name,
                m->events[i].note, m->events[i].points, m->events[i].cap, m->events[i].cap_per);
    /* Aliases are any text: each with its length, so no two lists collide. */
    for (size_t i = 0; i < m->n_aliases; i++) {
        fprintf(k->f, "a%zu:%" PRId32 ":", m->aliases[i].len, m->aliases[i].event);
        fwrite(m->aliases[i].name, 1, m->aliases[i].len, k->f);
    }
    fz_mem_close(k);
}

/* mode: the -O level (0-3), plus 4 for a JIT made with a tally (whose
 * batch function is P_step_batch_tally, --report's). */
static jit *get_jit(const ir_machine *m, int mode)
{
    fz_mem k;
    machine_key(m, mode, &k);
    if (cached_jit && k.n == cached_key_len && memcmp(k.p, cached_key, k.n) == 0) {
        fz_mem_free(&k);
        return cached_jit;
    }
    jit_free(cached_jit);
    free(cached_key);
    char *err = NULL;
    cached_jit = jit_new(m, mode & 3, mode >= 4, &err);
    if (!cached_jit)
        fprintf(stderr, "fuzz_diff: jit_new failed: %s\n", err ? err : "(no message)");
    free(err);
    FZ_CHECK(cached_jit != NULL);
    cached_key = k.p;
    cached_key_len = k.n;
    return cached_jit;
}
#endif

/* ---- engines side by side ------------------------------------------------------------ */

static bool ident_byte(uint8_t c)
{
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Field by field: rt_state has padding after `stage`, which init need not
 * touch.  States are `size` bytes apart; with time rules the clock and the
 * cap slots after each rt_state are compared too. */
static bool states_eq(const ir_machine *m, char *bx, char *by, size_t n, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        rt_state *x = (rt_state *)(void *)(bx + i * size), *y = (rt_state *)(void *)(by + i * size);
        if (x->stage != y->stage || x->score != y->score || x->events != y->events ||
            x->early != y->early)
            return false;
        for (int k = 0; k < RT_NOTES; k++)
            if (x->points[k] != y->points[k])
                return false;
        if (!m->uses_time)
            continue;
        if (rt_state_clock(x)->start != rt_state_clock(y)->start ||
            rt_state_clock(x)->last != rt_state_clock(y)->last)
            return false;
        for (size_t k = 0; k < m->n_caps; k++)
            if (rt_cap_bucket(x)[k] != rt_cap_bucket(y)[k] ||
                rt_cap_count(x, m->n_caps)[k] != rt_cap_count(y, m->n_caps)[k])
                return false;
    }
    return true;
}

/* The time of the i-th event byte: a walk in steps of hours, back and
 * forth, with ties, and now and then the ends of int64_t. */
static int64_t event_time(int64_t *clock, uint8_t b)
{
    if (b == 0xFF)
        return INT64_MAX;
    if (b == 0xFE)
        return INT64_MIN;
    *clock += ((int64_t)(b >> 4) - 4) * 3600000 + (int64_t)(b & 3) - 1;
    return *clock;
}

static void compare_engines(const ir_machine *m, const rt_engine *x, const rt_engine *y,
                            const uint8_t *ev, size_t n_ev, bool json)
{
    FZ_CHECK(x->n_notes == y->n_notes && x->n_notes == m->n_notes);
    for (int32_t k = 0; k <= m->n_notes; k++)
        FZ_CHECK(str_eq(x->stage_name(x->ctx, k), y->stage_name(y->ctx, k)));
    for (size_t i = 0; i < m->n_events; i++) {
        FZ_CHECK(x->event_id(x->ctx, m->events[i].name, m->events[i].len) == (int32_t)i);
        FZ_CHECK(y->event_id(y->ctx, m->events[i].name, m->events[i].len) == (int32_t)i);
    }
    for (size_t i = 0; i < m->n_aliases; i++) {
        const ir_alias *al = &m->aliases[i];
        FZ_CHECK(x->event_id(x->ctx, al->name, al->len) == al->event);
        FZ_CHECK(y->event_id(y->ctx, al->name, al->len) == al->event);
    }
    /* Every run of identifier bytes in the events, and every line: unknown
     * names, prefixes of names, names with a suffix. */
    for (size_t i = 0; i < n_ev;) {
        size_t j = i;
        while (j < n_ev && ident_byte(ev[j]))
            j++;
        if (j > i) {
            const char *w = (const char *)ev + i;
            FZ_CHECK(x->event_id(x->ctx, w, j - i) == y->event_id(y->ctx, w, j - i));
        }
        size_t nl = i;
        while (nl < n_ev && ev[nl] != '\n')
            nl++;
        if (nl > i)
            FZ_CHECK(x->event_id(x->ctx, (const char *)ev + i, nl - i) ==
                     y->event_id(y->ctx, (const char *)ev + i, nl - i));
        i = j > i ? j : i + 1;
    }

    /* Events as (customer, event) bytes: customers 0..7. */
    enum { NC = 8, BATCH = 16 };
    size_t size = interp_state_size(m);
    FZ_CHECK(rt_engine_state_size(x) == size && rt_engine_state_size(y) == size);
    FZ_CHECK(x->uses_time == m->uses_time && y->uses_time == m->uses_time);
    char *sx = malloc(NC * size), *sy = malloc(NC * size), *sm = calloc(NC, size);
    FZ_CHECK(sx && sy && sm);
    memset(sx, 0xA5, NC * size); /* init must set every field */
    memset(sy, 0x5A, NC * size);
    for (int c = 0; c < NC; c++) {
        x->init(x->ctx, (rt_state *)(void *)(sx + c * size));
        y->init(y->ctx, (rt_state *)(void *)(sy + c * size));
        for (size_t k = 0; k < m->n_caps; k++)
            rt_cap_bucket((rt_state *)(void *)(sm + c * size))[k] = INT64_MIN;
    }
    FZ_CHECK(states_eq(m, sx, sm, NC, size) && states_eq(m, sy, sm, NC, size));
    if (m->n_events > 0) {
        uint32_t cust[BATCH];
        int32_t ids[BATCH];
        int64_t t[BATCH], clock = 0;
        size_t i = 0, b = 0, tallied = 0;
        /* Every other batch through step_batch_tally (--report's), when both
         * engines have it: the same states, and the same counts of what
         * each event did. */
        bool tally = x->step_batch_tally && y->step_batch_tally;
        uint64_t *tx = calloc(4 * m->n_events, sizeof *tx), *ty = calloc(4 * m->n_events, sizeof *ty);
        FZ_CHECK(tx && ty);
        while (i < n_ev) {
            size_t want = 1 + (b++ * 7) % BATCH, n = 0;
            for (; n < want && i < n_ev; n++, i++) {
                cust[n] = ev[i] % NC;
                ids[n] = (int32_t)((ev[i] / NC) % m->n_events);
                t[n] = event_time(&clock, ev[i]);
                model_step(m, (rt_state *)(void *)(sm + cust[n] * size), ids[n], t[n]);
            }
            /* Without time rules the times are ignored: NULL half the time. */
            const int64_t *tt = m->uses_time || b % 2 ? t : NULL;
            if (tally && (b / 2) % 2) { /* with and without times alike */
                x->step_batch_tally(x->ctx, (rt_state *)(void *)sx, cust, ids, tt, n, tx);
                y->step_batch_tally(y->ctx, (rt_state *)(void *)sy, cust, ids, tt, n, ty);
                tallied += n;
            } else {
                x->step_batch(x->ctx, (rt_state *)(void *)sx, cust, ids, tt, n);
                y->step_batch(y->ctx, (rt_state *)(void *)sy, cust, ids, tt, n);
            }
            FZ_CHECK(states_eq(m, sx, sm, NC, size));
            FZ_CHECK(states_eq(m, sy, sm, NC, size));
        }
        uint64_t sum = 0;
        for (size_t k = 0; k < 4 * m->n_events; k++)
            sum += tx[k];
        FZ_CHECK(sum == tallied && tx[0] == 0); /* every id valid: each counted once */
        FZ_CHECK(memcmp(tx, ty, 4 * m->n_events * sizeof *tx) == 0);
        free(tx);
        free(ty);
    }
    free(sx);
    free(sy);
    free(sm);

    /* The events as a CSV log, through the runtime. */
    rt_opts o;
    rt_opts_init(&o);
    o.input = RT_INPUT_CSV;
    if (m->uses_time)
        o.col[RT_COL_TIME] = "3";
    o.format = json ? RT_FORMAT_JSON : RT_FORMAT_CSV;
    fz_run rx, ry;
    fz_run_events(&rx, ev, n_ev, &o, x);
    fz_run_events(&ry, ev, n_ev, &o, y);
    FZ_CHECK(rx.rc == ry.rc);
    FZ_CHECK(rx.out.n == ry.out.n && memcmp(rx.out.p, ry.out.p, rx.out.n) == 0);
    FZ_CHECK(rx.err.n == ry.err.n && memcmp(rx.err.p, ry.err.p, rx.err.n) == 0);
    fz_run_free(&rx);
    fz_run_free(&ry);
}

/* A second engine over the model, for builds without LLVM: the
 * interpreter is still held to docs/language.md §6 as transcribed above. */
typedef struct model_ctx {
    const ir_machine *m;
    const rt_engine *names; /* event ids come from the interpreter */
} model_ctx;

static void me_init(void *ctx, rt_state *s)
{
    const model_ctx *mc = ctx;
    memset(s, 0, interp_state_size(mc->m));
    for (size_t k = 0; k < mc->m->n_caps; k++)
        rt_cap_bucket(s)[k] = INT64_MIN;
}

static int32_t me_event_id(void *ctx, const char *name, size_t len)
{
    const model_ctx *mc = ctx;
    for (size_t i = 0; i < mc->m->n_events; i++)
        if (mc->m->events[i].len == len && memcmp(mc->m->events[i].name, name, len) == 0)
            return (int32_t)i;
    /* docs/language.md, Events and aliases: an alias is its event. */
    for (size_t i = 0; i < mc->m->n_aliases; i++)
        if (mc->m->aliases[i].len == len && memcmp(mc->m->aliases[i].name, name, len) == 0)
            return mc->m->aliases[i].event;
    return -1;
}

static void me_step_batch(void *ctx, rt_state *states, const uint32_t *customer,
                          const int32_t *event_id, const int64_t *t, size_t n)
{
    const model_ctx *mc = ctx;
    size_t size = interp_state_size(mc->m);
    for (size_t i = 0; i < n; i++)
        model_step(mc->m, (rt_state *)(void *)((char *)states + customer[i] * size), event_id[i],
                   t ? t[i] : 0);
}

static const char *me_stage_name(void *ctx, int32_t stage)
{
    return ir_stage_name(((const model_ctx *)ctx)->m, stage);
}

/* ---- the harness ---------------------------------------------------------------------- */

typedef struct front {
    arena *a;
    diag_ctx d;
    program *p;
    bool clean;
} front;

static void front_run(front *F, const char *text, size_t len)
{
    F->a = arena_new();
    diag_init(&F->d, F->a);
    F->d.out = fz_null();
    F->p = fz_program(F->a, &F->d, "fuzz.exp", text, len);
    F->clean = false;
    if (F->p->syntax_errors == 0 && F->d.errors == 0) {
        sema_check(F->a, &F->d, F->p);
        F->clean = F->d.errors == 0;
    }
    diag_flush(&F->d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_load_stdlib();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = fz_find(data, size, SEP);
    size_t script_len = sep ? (size_t)(sep - data) : size;
    const uint8_t *ev = sep ? sep + strlen(SEP) : data + size;
    size_t n_ev = (size_t)(data + size - ev);

    front F;
    front_run(&F, (const char *)data, script_len);
    if (!F.clean) {
        arena_free(F.a);
        return 0;
    }

    /* 1. The formatted script means the same. */
    char *formatted = fmt_format(F.a, F.p->files[0]);
    front G;
    front_run(&G, formatted, strlen(formatted));
    FZ_CHECK(G.clean);
    FZ_CHECK(G.d.warnings == F.d.warnings);
    FZ_CHECK(G.p->n_experiences == F.p->n_experiences);

    for (size_t i = 0; i < F.p->n_experiences && i < MAX_EXPERIENCES; i++) {
        const ast_item *e = F.p->experiences[i];
        ir_machine *m = ir_lower(F.a, e);
        const ast_item *e2 = sema_find_experience(G.p, e->name.name);
        FZ_CHECK(e2 != NULL);
        ir_machine *m2 = ir_lower(G.a, e2);
        machines_equal(m, m2);
        fz_mem c1, c2;
        cgen_text(m, &c1);
        cgen_text(m2, &c2);
        FZ_CHECK(c1.n == c2.n && memcmp(c1.p, c2.p, c1.n) == 0);
        fz_mem_free(&c1);
        fz_mem_free(&c2);

        /* 2. Engines. */
        interp *it = interp_new(m);
        rt_engine ie = interp_engine(it);
        model_ctx mc = { m, &ie };
        rt_engine me = { .ctx = &mc,
                         .n_notes = m->n_notes,
                         .init = me_init,
                         .event_id = me_event_id,
                         .step_batch = me_step_batch,
                         .stage_name = me_stage_name,
                         .experience = m->name,
                         .state_size = interp_state_size(m),
                         .uses_time = m->uses_time }; /* no tally: the model has none */
        compare_engines(m, &ie, &me, ev, n_ev, size % 2);
#if EXPC_LLVM
        jit *j = get_jit(m, (int)(script_len % 8));
        rt_engine je = jit_engine(j);
        compare_engines(m, &ie, &je, ev, n_ev, size % 2);
#endif
        interp_free(it);
    }
    arena_free(G.a);
    arena_free(F.a);
    return 0;
}
