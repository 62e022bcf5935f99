/* test_parse.c - the syntax tree the parser builds: the example of
 * docs/language.md and every 0.2 construct (log names, caps, `within`,
 * `reset after`, tests), field by field and with the span of each part,
 * since the checker points its diagnostics at those spans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expc/ast.h"

#include "unit_parse.h"

/* A span is [line:col, end_line:end_col), columns in bytes from 1.  A
 * macro, so that a failure names the line of the check. */
#define span_is(s, l, c, el, ec)                                            \
    do {                                                                    \
        span s_ = (s);                                                      \
        int want_[4] = { (l), (c), (el), (ec) }, got_[4] = { s_.line, s_.col, \
                                                          s_.end_line, s_.end_col }; \
        if (memcmp(want_, got_, sizeof want_) != 0)                        \
            fail_msg("span %d:%d-%d:%d, want %d:%d-%d:%d", got_[0], got_[1], \
                     got_[2], got_[3], want_[0], want_[1], want_[2], want_[3]); \
    } while (0)

static void test_example(void **state)
{
    (void)state;
    fixture *x = parse(unit_example);
    assert_int_equal(x->d.n, 0);
    assert_int_equal(x->f->syntax_errors, 0);
    assert_null(x->f->tests);
    const ast_item *it = x->f->items->next->next;
    assert_int_equal(it->kind, ITEM_EXPERIENCE);
    assert_string_equal(it->name.name, "grand_hotel");
    assert_null(it->time_rules);
    int events = 0;
    for (const ast_member *m = it->members; m; m = m->next) {
        if (m->kind != MEM_EVENT)
            continue;
        events++;
        assert_null(m->aliases);
        assert_null(m->cap);
    }
    assert_int_equal(events, 5);
    const ast_member *last = it->members;
    while (last->next)
        last = last->next;
    assert_string_equal(last->name.name, "complaint");
    assert_int_equal(last->points.value, -10);
    span_is(last->sp, 24, 5, 24, 69);
    done(x);
}

static const char v02[] =
    "experience hotel {\n"                                                         /* 1 */
    "    path STAY -> SAY -> SPEND;\n"                                             /* 2 */
    "    within 30d;\n"                                                            /* 3 */
    "    reset after 12h;\n"                                                       /* 4 */
    "    event checkin as \"web.checkin\", \"app.checkin\" : STAY comfort\n"      /* 5 */
    "        via system at service +8 cap 3 per 1d;\n"                             /* 6 */
    "    event asked : SAY 6;\n"                                                   /* 7 */
    "}\n"                                                                          /* 8 */
    "test \"engages\" for hotel {\n"                                               /* 9 */
    "    events checkin, \"web.checkin\" @2h, asked @ 90m;\n"                      /* 10 */
    "    events;\n"                                                                /* 11 */
    "    expect score 14;\n"                                                       /* 12 */
    "    expect stage SAY;\n"                                                      /* 13 */
    "    expect stage ENGAGED;\n"                                                  /* 14 */
    "    expect events 3;\n"                                                       /* 15 */
    "    expect early -1;\n"                                                       /* 16 */
    "    expect points STAY +8;\n"                                                 /* 17 */
    "}\n"                                                                          /* 18 */
    "test \"bare\" {}\n";                                                          /* 19 */

static void test_event_aliases_and_cap(void **state)
{
    (void)state;
    fixture *x = parse(v02);
    assert_int_equal(x->d.n, 0);
    const ast_member *m = x->f->items->members->next;
    assert_int_equal(m->kind, MEM_EVENT);
    assert_string_equal(m->name.name, "checkin");
    span_is(m->sp, 5, 5, 6, 47);
    span_is(m->as_sp, 5, 19, 5, 50);
    const ast_alias *al = m->aliases;
    assert_string_equal(al->name.value, "web.checkin");
    assert_int_equal(al->name.len, 11);
    span_is(al->name.sp, 5, 22, 5, 35);
    assert_string_equal(al->next->name.value, "app.checkin");
    span_is(al->next->name.sp, 5, 37, 5, 50);
    assert_null(al->next->next);
    assert_int_equal(m->event_b.b, B_STAY);
    assert_string_equal(m->emotion->name, "comfort");
    assert_int_equal(m->via, M_SYSTEM);
    assert_string_equal(m->at->name, "service");
    assert_int_equal(m->points.value, 8);
    const ast_cap *c = m->cap;
    assert_non_null(c);
    assert_int_equal(c->count.value, 3);
    span_is(c->count.sp, 6, 38, 6, 39);
    assert_int_equal(c->per.count, 1);
    assert_int_equal(c->per.unit, U_D);
    assert_true(c->per.ms == 86400000);
    span_is(c->per.sp, 6, 44, 6, 46);
    span_is(c->kw_sp, 6, 34, 6, 37);
    span_is(c->sp, 6, 34, 6, 46);
    /* no `as`, no `cap` */
    m = m->next;
    assert_null(m->aliases);
    assert_null(m->cap);
    assert_null(m->next);
    done(x);
}

static void test_time_rules(void **state)
{
    (void)state;
    fixture *x = parse(v02);
    const ast_item *it = x->f->items;
    /* the members do not hold them: path and two events */
    int n = 0;
    for (const ast_member *m = it->members; m; m = m->next)
        n++;
    assert_int_equal(n, 3);
    const ast_time_rule *t = it->time_rules;
    assert_int_equal(t->kind, TIME_WITHIN);
    assert_int_equal(t->d.count, 30);
    assert_int_equal(t->d.unit, U_D);
    assert_true(t->d.ms == INT64_C(30) * 86400000);
    span_is(t->kw_sp, 3, 5, 3, 11);
    span_is(t->d.sp, 3, 12, 3, 15);
    span_is(t->sp, 3, 5, 3, 16);
    t = t->next;
    assert_int_equal(t->kind, TIME_RESET);
    assert_int_equal(t->d.count, 12);
    assert_int_equal(t->d.unit, U_H);
    assert_true(t->d.ms == 43200000);
    span_is(t->kw_sp, 4, 5, 4, 10);
    span_is(t->d.sp, 4, 17, 4, 20);
    span_is(t->sp, 4, 5, 4, 21);
    assert_null(t->next);
    done(x);
}

static void test_tests(void **state)
{
    (void)state;
    fixture *x = parse(v02);
    const ast_test *t = x->f->tests;
    assert_non_null(t);
    assert_string_equal(t->name.value, "engages");
    span_is(t->name.sp, 9, 6, 9, 15);
    span_is(t->kw_sp, 9, 1, 9, 5);
    assert_string_equal(t->experience->name, "hotel");
    span_is(t->experience->sp, 9, 20, 9, 25);
    span_is(t->lbrace, 9, 26, 9, 27);
    span_is(t->rbrace, 18, 1, 18, 2);
    span_is(t->sp, 9, 1, 18, 2);

    const ast_test_item *ti = t->items;
    assert_int_equal(ti->kind, TI_EVENTS);
    span_is(ti->kw_sp, 10, 5, 10, 11);
    span_is(ti->sp, 10, 5, 10, 52);
    const ast_test_event *e = ti->events;
    assert_string_equal(e->name.value, "checkin");
    assert_false(e->quoted);
    assert_false(e->has_at);
    span_is(e->sp, 10, 12, 10, 19);
    e = e->next;
    assert_string_equal(e->name.value, "web.checkin");
    assert_true(e->quoted);
    span_is(e->name.sp, 10, 21, 10, 34);
    assert_true(e->has_at);
    assert_true(e->at.ms == 7200000);
    span_is(e->at.sp, 10, 36, 10, 38);
    span_is(e->sp, 10, 21, 10, 38);
    e = e->next;
    assert_string_equal(e->name.value, "asked");
    assert_int_equal(e->at.count, 90);
    assert_int_equal(e->at.unit, U_M);
    span_is(e->sp, 10, 40, 10, 51);
    assert_null(e->next);

    ti = ti->next;
    assert_int_equal(ti->kind, TI_EVENTS);
    assert_null(ti->events);
    span_is(ti->sp, 11, 5, 11, 12);

    ti = ti->next;
    assert_int_equal(ti->kind, TI_EXPECT);
    assert_int_equal(ti->field, EXP_SCORE);
    assert_int_equal(ti->value.value, 14);
    span_is(ti->kw_sp, 12, 5, 12, 11);
    span_is(ti->field_sp, 12, 12, 12, 17);
    span_is(ti->value.sp, 12, 18, 12, 20);
    span_is(ti->sp, 12, 5, 12, 21);

    ti = ti->next;
    assert_int_equal(ti->field, EXP_STAGE);
    assert_true(ti->stage_is_b);
    assert_int_equal(ti->b.b, B_SAY);
    assert_string_equal(ti->stage.name, "SAY");
    span_is(ti->stage.sp, 13, 18, 13, 21);

    ti = ti->next;
    assert_int_equal(ti->field, EXP_STAGE);
    assert_false(ti->stage_is_b);
    assert_string_equal(ti->stage.name, "ENGAGED");
    span_is(ti->stage.sp, 14, 18, 14, 25);

    ti = ti->next;
    assert_int_equal(ti->field, EXP_EVENTS);
    assert_int_equal(ti->value.value, 3);
    span_is(ti->field_sp, 15, 12, 15, 18);

    ti = ti->next;
    assert_int_equal(ti->field, EXP_EARLY);
    assert_int_equal(ti->value.value, -1);

    ti = ti->next;
    assert_int_equal(ti->field, EXP_POINTS);
    assert_int_equal(ti->b.b, B_STAY);
    span_is(ti->b.sp, 17, 19, 17, 23);
    assert_int_equal(ti->value.value, 8);
    assert_true(ti->value.explicit_sign);
    span_is(ti->value.sp, 17, 24, 17, 26);
    assert_null(ti->next);

    t = t->next;
    assert_string_equal(t->name.value, "bare");
    assert_null(t->experience);
    assert_null(t->items);
    assert_null(t->next);
    done(x);
}

/* Tests may come anywhere among the items; each list keeps source order. */
static void test_order(void **state)
{
    (void)state;
    fixture *x = parse("test \"a\" {}\nemotion e evokes SAY;\ntest \"b\" {}\n"
                       "experience x { event q : SAY 1; within 1s; reset after 2s; within 3s; }\n"
                       "test \"c\" {}\n");
    assert_int_equal(x->d.n, 0);
    assert_string_equal(x->f->tests->name.value, "a");
    assert_string_equal(x->f->tests->next->name.value, "b");
    assert_string_equal(x->f->tests->next->next->name.value, "c");
    assert_ptr_equal(x->f->tests_tail, x->f->tests->next->next);
    assert_int_equal(x->f->items->kind, ITEM_EMOTION);
    assert_int_equal(x->f->items->next->kind, ITEM_EXPERIENCE);
    assert_null(x->f->items->next->next);
    /* twice `within`: the parser keeps both (sema reports the second) */
    const ast_time_rule *t = x->f->items->next->time_rules;
    assert_int_equal(t->d.count, 1);
    assert_int_equal(t->next->kind, TIME_RESET);
    assert_int_equal(t->next->next->kind, TIME_WITHIN);
    assert_int_equal(t->next->next->d.count, 3);
    done(x);
}

/* What the checker judges is kept as written: a zero period, a zero or
 * negative cap, an empty alias, a repeated field. */
static void test_unchecked(void **state)
{
    (void)state;
    fixture *x = parse("experience x { event q as \"\", \"q\" : SAY 1 cap -2 per 0ms; }\n"
                       "test \"t\" { expect score 1; expect score 2; expect stage SHOPPING; }\n");
    assert_int_equal(x->d.n, 0);
    const ast_member *m = x->f->items->members;
    assert_int_equal(m->aliases->name.len, 0);
    assert_int_equal(m->cap->count.value, -2);
    assert_int_equal(m->cap->per.ms, 0);
    assert_int_equal(m->cap->per.unit, U_MS);
    const ast_test_item *ti = x->f->tests->items;
    assert_int_equal(ti->next->field, EXP_SCORE);
    assert_string_equal(ti->next->next->stage.name, "SHOPPING");
    done(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example),
        cmocka_unit_test(test_event_aliases_and_cap),
        cmocka_unit_test(test_time_rules),
        cmocka_unit_test(test_tests),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_unchecked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
