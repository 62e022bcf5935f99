/* fuzz_frontend.c - arbitrary bytes as an experience script, through the
 * whole front end and the author tools.
 *
 * For each input:
 *  1. lex and parse it as the root file of a program whose imports are the
 *     bundled stdlib (fuzz_common.h), and print the diagnostics (text or
 *     JSON, chosen from the input's size, to /dev/null: the snippet and
 *     caret code runs on every span the fuzzer can make);
 *  2. when every file parsed cleanly, run the checker (sema_check);
 *  3. when the root file parsed cleanly, format it (fmt_format) and check
 *     the round trip: the formatted text parses cleanly, says the same thing
 *     (the syntax trees are equal but for positions), keeps every comment
 *     byte for byte, and formats to itself (fmt is idempotent);
 *  4. when the program checked clean, lower each experience and check the
 *     machine (three notes, positive thresholds, events on the path, names
 *     found by the interpreter's lookup), score a stream of events derived
 *     from the input with the interpreter (stage never goes back, the score
 *     is the sum of the points minus the early penalties, a customer below
 *     ENGAGED has not reached its note's threshold), and hand the machine to
 *     the C backend and the graph writer (to /dev/null).
 * Any broken property aborts (FZ_CHECK), which libFuzzer reports as a crash.
 */
#include <stdint.h>
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

#include "fuzz_common.h"

/* ---- syntax trees equal but for positions ------------------------------- */

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool idents_eq(const ast_ident *a, const ast_ident *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!str_eq(a->name, b->name))
            return false;
    return !a && !b;
}

static bool opt_ident_eq(const ast_ident *a, const ast_ident *b)
{
    if (!a || !b)
        return a == b;
    return str_eq(a->name, b->name);
}

static bool string_eq(const ast_string *a, const ast_string *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

static bool rules_eq(const ast_rule *a, const ast_rule *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->kind != b->kind || a->a.b != b->a.b)
            return false;
        if (a->kind == RULE_BEFORE && a->b.b != b->b.b)
            return false;
    }
    return !a && !b;
}

static bool note_items_eq(const ast_note_item *a, const ast_note_item *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->kind != b->kind)
            return false;
        switch (a->kind) {
        case NI_EVOKE:
            if (!idents_eq(a->emotions, b->emotions))
                return false;
            break;
        case NI_MEDIUM:
            if (a->medium != b->medium || !string_eq(&a->text, &b->text))
                return false;
            break;
        case NI_THRESHOLD:
            if (a->threshold.value != b->threshold.value)
                return false;
            break;
        }
    }
    return !a && !b;
}

static bool members_eq(const ast_member *a, const ast_member *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->kind != b->kind)
            return false;
        switch (a->kind) {
        case MEM_PATH: {
            const ast_bseq *x = a->path, *y = b->path;
            for (; x && y; x = x->next, y = y->next)
                if (x->b.b != y->b.b)
                    return false;
            if (x || y)
                return false;
            break;
        }
        case MEM_NOTE:
            if (a->note_b.b != b->note_b.b || !note_items_eq(a->items, b->items))
                return false;
            break;
        case MEM_EVENT:
            if (!str_eq(a->name.name, b->name.name) || a->event_b.b != b->event_b.b ||
                !opt_ident_eq(a->emotion, b->emotion) || a->via != b->via ||
                !opt_ident_eq(a->at, b->at) || a->points.value != b->points.value)
                return false;
            break;
        case MEM_PENALTY:
            if (a->points.value != b->points.value)
                return false;
            break;
        }
    }
    return !a && !b;
}

static bool items_eq(const ast_item *a, const ast_item *b)
{
    for (; a && b; a = a->next, b = b->next) {
        if (a->kind != b->kind)
            return false;
        switch (a->kind) {
        case ITEM_IMPORT:
            if (!string_eq(&a->import, &b->import))
                return false;
            break;
        case ITEM_EMOTION:
            if (!idents_eq(a->names, b->names) || a->evokes.b != b->evokes.b)
                return false;
            break;
        case ITEM_INDUSTRY:
            if (!str_eq(a->name.name, b->name.name) || !rules_eq(a->rules, b->rules))
                return false;
            break;
        case ITEM_EXPERIENCE:
            if (!str_eq(a->name.name, b->name.name) || !opt_ident_eq(a->industry, b->industry) ||
                !members_eq(a->members, b->members))
                return false;
            break;
        }
    }
    return !a && !b;
}

static bool comments_eq(const ast_comment *a, const ast_comment *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0)
            return false;
    return !a && !b;
}

/* ---- the steps ------------------------------------------------------------ */

static ast_file *parse_text(arena *a, diag_ctx *d, const char *path, const char *text,
                            size_t len)
{
    src_file *s = arena_alloc(a, sizeof *s);
    s->path = path;
    s->real = path;
    s->text = text;
    s->len = len;
    src_index(a, s);
    return ast_parse(a, d, s);
}

/* Step 3: the formatter's round trip, as `expc fmt` uses it (strlen of the
 * result: that is what main.c writes out). */
static void check_fmt(const ast_file *f)
{
    arena *a = arena_new();
    diag_ctx d;
    diag_init(&d, a);
    d.out = fz_null();
    d.max_errors = 0;
    char *once = fmt_format(a, f);
    FZ_CHECK(once != NULL);
    size_t n1 = strlen(once);
    ast_file *g = parse_text(a, &d, "formatted.exp", once, n1);
    diag_flush(&d);
    /* The formatted text parses cleanly ... */
    FZ_CHECK(g->syntax_errors == 0);
    FZ_CHECK(d.errors == 0);
    /* ... and says what the original said, comments and all ... */
    FZ_CHECK(items_eq(f->items, g->items));
    FZ_CHECK(comments_eq(f->comments, g->comments));
    /* ... and is formatted already. */
    char *twice = fmt_format(a, g);
    FZ_CHECK(strlen(twice) == n1 && memcmp(once, twice, n1) == 0);
    arena_free(a);
}

/* Step 4 for one experience. */
static void check_machine(arena *a, const ast_item *e, const uint8_t *data, size_t size)
{
    ir_machine *m = ir_lower(a, e);
    FZ_CHECK(m != NULL);
    FZ_CHECK(m->n_notes == IR_NOTES);
    FZ_CHECK(str_eq(m->name, e->name.name));
    int seen = 0;
    for (int k = 0; k < m->n_notes; k++) {
        FZ_CHECK(m->notes[k].behaviour >= 0 && m->notes[k].behaviour < B_COUNT);
        FZ_CHECK(!(seen & (1 << m->notes[k].behaviour)));
        seen |= 1 << m->notes[k].behaviour;
        FZ_CHECK(m->notes[k].threshold >= 1 && m->notes[k].threshold <= 1000000);
        FZ_CHECK(str_eq(ir_stage_name(m, k), m->notes[k].name));
    }
    FZ_CHECK(str_eq(ir_stage_name(m, m->n_notes), "ENGAGED"));
    FZ_CHECK(m->penalty_early >= 0 && m->penalty_early <= 1000000);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *ev = &m->events[i];
        FZ_CHECK(ev->note >= 0 && ev->note < m->n_notes);
        FZ_CHECK(ev->points >= -1000000 && ev->points <= 1000000);
        FZ_CHECK(ev->len == strlen(ev->name) && ev->len >= 1 && ev->len <= 255);
    }

    interp *it = interp_new(m);
    rt_engine eng = interp_engine(it);
    FZ_CHECK(eng.n_notes == m->n_notes);
    /* Every event is found under its own name (names are unique after
     * the checker's E0201), and a name no identifier can be is not. */
    for (size_t i = 0; i < m->n_events; i++)
        FZ_CHECK(eng.event_id(eng.ctx, m->events[i].name, m->events[i].len) == (int32_t)i);
    FZ_CHECK(eng.event_id(eng.ctx, "-", 1) == -1);
    FZ_CHECK(eng.event_id(eng.ctx, "", 0) == -1);

    enum { NC = 4 };
    rt_state st[NC];
    int64_t sum[NC];
    for (int c = 0; c < NC; c++) {
        eng.init(eng.ctx, &st[c]);
        FZ_CHECK(st[c].stage == 0 && st[c].score == 0 && st[c].events == 0 && st[c].early == 0);
        sum[c] = 0;
    }
    if (m->n_events > 0) {
        size_t steps = size < 512 ? size : 512;
        for (size_t i = 0; i < steps; i++) {
            uint32_t c = (uint32_t)(data[i] >> 6) % NC;
            int32_t id = (int32_t)((data[i] ^ (uint8_t)i) % m->n_events);
            rt_state before = st[c];
            eng.step_batch(eng.ctx, st, &c, &id, NULL, 1);
            const rt_state *s = &st[c];
            FZ_CHECK(s->events == before.events + 1);
            FZ_CHECK(s->stage >= before.stage && s->stage <= m->n_notes);
            FZ_CHECK(s->early == before.early || s->early == before.early + 1);
            if (s->stage < m->n_notes)
                FZ_CHECK(s->points[s->stage] < m->notes[s->stage].threshold);
            sum[c] = 0;
            for (int k = 0; k < m->n_notes; k++)
                sum[c] += s->points[k];
            FZ_CHECK(s->score == sum[c] - m->penalty_early * (int64_t)s->early);
            FZ_CHECK(eng.stage_name(eng.ctx, s->stage) != NULL);
        }
    }
    interp_free(it);

    /* The backends that print the machine must accept whatever lowering
     * produces. */
    FZ_CHECK(emit_machine_error(m) == NULL);
    cgen_opts co = { 0 };
    co.prefix = arena_printf(a, "exp_%s", m->name);
    FZ_CHECK(emit_prefix_ok(co.prefix));
    cgen_write_header(fz_null(), m, &co);
    cgen_write_source(fz_null(), m, &co);
    FZ_CHECK(graph_write(fz_null(), m) == 0);
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
    arena *a = arena_new();
    diag_ctx d;
    diag_init(&d, a);
    d.out = fz_null();
    /* The options a user may give, chosen from the size so that the same
     * input always runs the same way. */
    d.format = size % 2 ? DIAG_JSON : DIAG_TEXT;
    d.color = size % 3 == 0;
    d.werror = size % 5 == 0;
    d.max_errors = size % 8 == 0 ? 0 : size % 8 == 1 ? 1 : 20;

    program *p = fz_program(a, &d, "fuzz.exp", (const char *)data, size);
    const ast_file *f = p->files[0];
    FZ_CHECK(p->files[1]->syntax_errors == 0 && p->files[2]->syntax_errors == 0);
    if (f->syntax_errors > 0)
        FZ_CHECK(d.errors > 0);
    if (p->syntax_errors == 0 && d.errors == 0)
        sema_check(a, &d, p);
    diag_flush(&d);
    FZ_CHECK(d.n == 0);

    if (f->syntax_errors == 0)
        check_fmt(f);

    if (p->syntax_errors == 0 && d.errors == 0) {
        FZ_CHECK(p->experiences != NULL);
        for (size_t i = 0; i < p->n_experiences && i < 8; i++)
            check_machine(a, p->experiences[i], data, size);
    }
    arena_free(a);
    return 0;
}
