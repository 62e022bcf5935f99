/* test_lower.c - unit tests of the lowering (src/lower.c): what a checked
 * experience becomes as a struct ir_machine.
 *
 * Scripts go through the real parser and checker (one source, a.exp), then
 * ir_lower; the assertions read the machine: notes in path order with their
 * thresholds (default 10), `penalty early` (default 0), events in
 * declaration order, the scoring rule of each event (ir_event.counts_from)
 * and the event table the C and LLVM backends put in data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/hash.h"
#include "expc/ir.h"
#include "expc/load.h"
#include "expc/lower.h"
#include "expc/sema.h"

/* ---- harness ------------------------------------------------------------ */

static arena *A;

/* The machine of the only experience of `text`, which must check cleanly. */
static ir_machine *lower(const char *text)
{
    if (A)
        arena_free(A);
    A = arena_new();
    diag_ctx d;
    diag_init(&d, A);
    d.max_errors = 0;
    src_file *f = arena_alloc(A, sizeof *f);
    f->path = "dir/a.exp";
    f->real = "dir/a.exp";
    f->text = arena_strdup(A, text);
    f->len = strlen(text);
    f->id = 0;
    src_index(A, f);
    static ast_file *files[1];
    files[0] = ast_parse(A, &d, f);
    static program p;
    memset(&p, 0, sizeof p);
    p.files = files;
    p.n_files = 1;
    p.syntax_errors = files[0]->syntax_errors;
    assert_int_equal(p.syntax_errors, 0);
    assert_int_equal(sema_check(A, &d, &p), 0);
    assert_int_equal(p.n_experiences, 1);
    return ir_lower(A, p.experiences[0]);
}

static int teardown(void **state)
{
    (void)state;
    arena_free(A);
    A = NULL;
    return 0;
}

/* Three notes; the path order differs from the declaration order, and only
 * SAY gives a threshold. */
static const char hotel[] =
    "experience hotel {\n"
    "    path SAY -> SPEND -> STAY;\n"
    "    note STAY  { stage \"s\"; system \"y\"; service \"v\"; }\n"
    "    note SAY   { stage \"s\"; system \"y\"; service \"v\"; threshold 4; }\n"
    "    note SPEND { stage \"s\"; system \"y\"; service \"v\"; }\n"
    "    event said_yes   : SAY   via stage   at sales     +3;\n"
    "    event said_no    : SAY                           -2;\n"
    "    event said_zero  : SAY                            0;\n"
    "    event spent      : SPEND via system  at service   +5;\n"
    "    event refunded   : SPEND                         -7;\n"
    "    event spent_zero : SPEND                          0;\n"
    "    event stayed     : STAY  via service at support   +1;\n"
    "    event left       : STAY                          -1;\n"
    "    event stay_zero  : STAY  at marketing             0;\n"
    "}\n";

/* ---- tests -------------------------------------------------------------- */

static void test_notes_in_path_order(void **state)
{
    (void)state;
    ir_machine *m = lower(hotel);
    assert_string_equal(m->name, "hotel");
    assert_null(m->industry);
    assert_string_equal(m->script, "a.exp");
    assert_int_equal(m->n_notes, IR_NOTES);
    assert_string_equal(m->notes[0].name, "SAY");
    assert_string_equal(m->notes[1].name, "SPEND");
    assert_string_equal(m->notes[2].name, "STAY");
    assert_int_equal(m->notes[0].behaviour, B_SAY);
    assert_int_equal(m->notes[1].behaviour, B_SPEND);
    assert_int_equal(m->notes[2].behaviour, B_STAY);
    assert_string_equal(m->notes[1].media[M_STAGE], "s");
    assert_string_equal(m->notes[1].media[M_SERVICE], "v");
    assert_string_equal(ir_stage_name(m, 0), "SAY");
    assert_string_equal(ir_stage_name(m, 3), "ENGAGED");
    assert_string_equal(ir_stage_name(m, 4), "?");
    assert_string_equal(ir_stage_name(m, -1), "?");
}

/* Time rules in ms; caps numbered in declaration order; uses_time. */
static void test_time_rules(void **state)
{
    (void)state;
    assert_false(lower(hotel)->uses_time);
    static const char timed[] =
        "experience p {\n"
        "    path STAY -> SAY -> SPEND;\n"
        "    reset after 90m;\n"
        "    within 2w;\n"
        "    note STAY  { stage \"s\"; system \"y\"; service \"v\"; }\n"
        "    note SAY   { stage \"s\"; system \"y\"; service \"v\"; }\n"
        "    note SPEND { stage \"s\"; system \"y\"; service \"v\"; }\n"
        "    event e : STAY +1 cap 3 per 1d;\n"
        "    event f : SAY +1;\n"
        "    event g : SPEND +1 cap 1 per 500ms;\n"
        "}\n";
    ir_machine *m = lower(timed);
    assert_true(m->uses_time);
    assert_int_equal(m->within, 14 * 86400000LL);
    assert_int_equal(m->reset_after, 90 * 60000LL);
    assert_int_equal(m->n_caps, 2);
    assert_int_equal(m->events[0].cap_slot, 0);
    assert_int_equal(m->events[0].cap, 3);
    assert_int_equal(m->events[0].cap_per, 86400000);
    assert_int_equal(m->events[1].cap_slot, -1);
    assert_int_equal(m->events[2].cap_slot, 1);
    assert_int_equal(m->events[2].cap_per, 500);
}

static void test_threshold_default_10(void **state)
{
    (void)state;
    ir_machine *m = lower(hotel);
    assert_int_equal(m->notes[0].threshold, 4);
    assert_int_equal(m->notes[1].threshold, 10);
    assert_int_equal(m->notes[2].threshold, 10);
}

static void test_penalty_default_0(void **state)
{
    (void)state;
    assert_int_equal(lower(hotel)->penalty_early, 0);
    static const char with_penalty[] =
        "experience p {\n"
        "    path STAY -> SAY -> SPEND;\n"
        "    penalty early 7;\n"
        "    note STAY  { stage \"s\"; system \"y\"; service \"v\"; }\n"
        "    note SAY   { stage \"s\"; system \"y\"; service \"v\"; }\n"
        "    note SPEND { stage \"s\"; system \"y\"; service \"v\"; }\n"
        "    event e : STAY +1;\n"
        "    event f : SAY +1;\n"
        "    event g : SPEND +1;\n"
        "}\n";
    assert_int_equal(lower(with_penalty)->penalty_early, 7);
}

static void test_events_in_declaration_order(void **state)
{
    (void)state;
    ir_machine *m = lower(hotel);
    static const char *const names[] = { "said_yes", "said_no", "said_zero", "spent",
                                         "refunded", "spent_zero", "stayed", "left",
                                         "stay_zero" };
    assert_int_equal(m->n_events, 9);
    for (size_t i = 0; i < 9; i++) {
        assert_string_equal(m->events[i].name, names[i]);
        assert_int_equal(m->events[i].len, strlen(names[i]));
        assert_int_equal(m->events[i].note, (int32_t)(i / 3));
    }
    assert_int_equal(m->events[0].points, 3);
    assert_int_equal(m->events[1].points, -2);
    assert_int_equal(m->events[0].via, M_STAGE);
    assert_string_equal(m->events[0].at, "sales");
    assert_int_equal(m->events[1].via, M_NONE);
    assert_null(m->events[1].at);
    assert_null(m->events[1].emotion);
    assert_int_equal(m->events[8].via, M_NONE);
    assert_string_equal(m->events[8].at, "marketing");
}

/* The rule of docs/language.md, Scoring: negative points count on every
 * stage; positive and zero points count from their note on. */
static void test_counts_from_on_each_note(void **state)
{
    (void)state;
    ir_machine *m = lower(hotel);
    for (int32_t k = 0; k < 3; k++) {
        const ir_event *pos = &m->events[3 * k], *neg = &m->events[3 * k + 1],
                       *zero = &m->events[3 * k + 2];
        assert_int_equal(pos->counts_from, k);
        assert_int_equal(neg->counts_from, IR_ALWAYS);
        assert_int_equal(zero->counts_from, k);
        for (int32_t stage = 0; stage <= 3; stage++) {
            assert_int_equal(ir_counts_at(pos, stage), k <= stage);
            assert_true(ir_counts_at(neg, stage));
            assert_int_equal(ir_counts_at(zero, stage), k <= stage);
        }
    }
}

/* A machine built by hand gets the same rule from ir_decide_rules. */
static void test_decide_rules_by_hand(void **state)
{
    (void)state;
    ir_event ev[] = {
        { "a", 1, 2, 1, NULL, -1, NULL, 99, 0, 0, 0, 0, 0 },
        { "b", 1, 2, -1, NULL, -1, NULL, 99, 0, 0, 0, 0, 0 },
        { "c", 1, 1, 0, NULL, -1, NULL, 99, 0, 0, 0, 0, 0 },
        { "d", 1, 0, INT64_MIN, NULL, -1, NULL, 99, 0, 0, 0, 0, 0 },
    };
    ir_machine m;
    memset(&m, 0, sizeof m);
    m.n_notes = IR_NOTES;
    m.events = ev;
    m.n_events = 4;
    ir_decide_rules(&m);
    assert_int_equal(ev[0].counts_from, 2);
    assert_int_equal(ev[1].counts_from, IR_ALWAYS);
    assert_int_equal(ev[2].counts_from, 1);
    assert_int_equal(ev[3].counts_from, IR_ALWAYS);
}

/* Every event is found by hashing its name and probing from there, as the
 * generated P_event_id does; an absent name ends at an empty slot. */
static void test_event_table(void **state)
{
    (void)state;
    ir_machine *m = lower(hotel);
    ir_event_table t;
    ir_event_table_build(m, &t);
    assert_int_equal(t.cap, 32); /* a power of two >= 2 * 9, at least 16 */
    size_t used = 0;
    for (size_t i = 0; i < t.cap; i++)
        used += t.slots[i] != 0;
    assert_int_equal(used, m->n_events);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        size_t h = hash_fnv1a(e->name, e->len) & (t.cap - 1);
        while (t.slots[h] && t.slots[h] != i + 1)
            h = (h + 1) & (t.cap - 1);
        assert_int_equal(t.slots[h], i + 1);
    }
    size_t h = hash_fnv1a("absent", 6) & (t.cap - 1), probes = 0;
    while (t.slots[h] && probes++ < t.cap)
        h = (h + 1) & (t.cap - 1);
    assert_true(probes < t.cap);
    free(t.slots);
}

/* Aliases: each event keeps its own, in source order, after the declared
 * names in the numbering; the table holds every name, and each alias found
 * by probing names its event. */
static const char aliased[] =
    "experience c {\n"
    "    path SAY -> STAY -> SPEND;\n"
    "    note SAY { stage \"a\"; system \"b\"; service \"c\"; }\n"
    "    note STAY { stage \"a\"; system \"b\"; service \"c\"; }\n"
    "    note SPEND { stage \"a\"; system \"b\"; service \"c\"; }\n"
    "    event asked as \"web.ask\", \"app ask\" : SAY +10;\n"
    "    event stayed : STAY +10;\n"
    "    event bought as \"pos.sale\" : SPEND +10;\n"
    "}\n";

/* The name number a probe for `name` ends at, or -1. */
static int32_t probe(const ir_machine *m, const ir_event_table *t, const char *name)
{
    size_t len = strlen(name), h = hash_fnv1a(name, len) & (t->cap - 1);
    for (; t->slots[h]; h = (h + 1) & (t->cap - 1)) {
        ir_name e = ir_name_at(m, t->slots[h] - 1);
        if (e.len == len && memcmp(e.name, name, len) == 0)
            return (int32_t)t->slots[h] - 1;
    }
    return -1;
}

static void test_event_table_aliases(void **state)
{
    (void)state;
    ir_machine *m = lower(aliased);
    assert_int_equal(m->n_events, 3);
    assert_int_equal(m->n_aliases, 3);
    assert_int_equal(ir_name_count(m), 6);
    assert_int_equal(m->events[0].first_alias, 0);
    assert_int_equal(m->events[0].n_aliases, 2);
    assert_int_equal(m->events[1].n_aliases, 0);
    assert_int_equal(m->events[2].first_alias, 2);
    assert_int_equal(m->events[2].n_aliases, 1);
    assert_string_equal(m->aliases[1].name, "app ask");
    assert_string_equal(ir_name_at(m, 1).name, "stayed"); /* name i is event i */
    ir_event_table t;
    ir_event_table_build(m, &t);
    assert_int_equal(t.cap, 16);
    const char *names[] = {"asked", "stayed", "bought", "web.ask", "app ask", "pos.sale"};
    const int32_t want[] = {0, 1, 2, 0, 0, 2};
    for (int i = 0; i < 6; i++) {
        int32_t k = probe(m, &t, names[i]);
        assert_int_equal(k, i);
        assert_int_equal(ir_name_at(m, (size_t)k).event, want[i]);
    }
    assert_int_equal(probe(m, &t, "web.ask."), -1);
    assert_int_equal(probe(m, &t, "Asked"), -1);
    free(t.slots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_notes_in_path_order, teardown),
        cmocka_unit_test_teardown(test_threshold_default_10, teardown),
        cmocka_unit_test_teardown(test_penalty_default_0, teardown),
        cmocka_unit_test_teardown(test_events_in_declaration_order, teardown),
        cmocka_unit_test_teardown(test_counts_from_on_each_note, teardown),
        cmocka_unit_test(test_decide_rules_by_hand),
        cmocka_unit_test_teardown(test_event_table, teardown),
        cmocka_unit_test_teardown(test_event_table_aliases, teardown),
        cmocka_unit_test_teardown(test_time_rules, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
