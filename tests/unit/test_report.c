/* test_report.c - unit tests of the report page (src/report.c) through its
 * entry point report_write, the one the service calls with its own data:
 * a machine built by hand, customer states and counts given directly.
 * Extreme and negative scores (the histogram's arithmetic), no customers
 * at all, markup in every text that reaches the page, thousands separators
 * beside raw data-* integers, and the counter around the interpreter
 * agreeing with interp_step event by event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/report.h"
#include "expc/rt.h"

static ir_event events[3] = {
    { .name = "hello", .len = 5, .note = 0, .points = 6, .via = -1 },
    { .name = "buy", .len = 3, .note = 2, .points = 5, .via = -1 },
    { .name = "thanks", .len = 6, .note = 1, .points = 3, .via = -1 },
};

static ir_machine machine(const char *script)
{
    ir_machine m;
    memset(&m, 0, sizeof m);
    m.name = "shop";
    m.industry = "retail";
    m.script = script;
    m.n_notes = IR_NOTES;
    m.notes[0] = (ir_note){ 1, "STAY", 10, NULL, 0, { NULL, NULL, NULL } };
    m.notes[1] = (ir_note){ 0, "SAY", 3, NULL, 0, { NULL, NULL, NULL } };
    m.notes[2] = (ir_note){ 2, "SPEND", 5, NULL, 0, { NULL, NULL, NULL } };
    m.penalty_early = 2;
    m.events = events;
    m.n_events = 3;
    ir_decide_rules(&m);
    return m;
}

/* The page for d, NUL-terminated, malloc'd. */
static char *page(const report_data *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(report_write(f, d), 0);
    fclose(f);
    return buf;
}

/* Sum of every histogram bar's data-count. */
static uint64_t bin_total(const char *p, int *bins)
{
    uint64_t sum = 0;
    *bins = 0;
    for (const char *q = p; (q = strstr(q, "data-count=\"")); q++) {
        sum += strtoull(q + 12, NULL, 10);
        (*bins)++;
    }
    return sum;
}

static rt_state with_score(int64_t score, int32_t stage)
{
    rt_state s;
    memset(&s, 0, sizeof s);
    s.score = score;
    s.stage = stage;
    return s;
}

/* INT64_MIN and INT64_MAX in one histogram: every customer in a bar, at
 * most 21 bars, no overflow (UBSan would stop the test). */
static void test_extreme_scores(void **state)
{
    (void)state;
    ir_machine m = machine("shop.exp");
    rt_state s[4] = { with_score(INT64_MIN, 0), with_score(INT64_MAX, 3), with_score(-7, 1),
                      with_score(0, 2) };
    report_data d = { &m, "log.csv", NULL, 4, 4, 0, 0, NULL, s, 4, 0, NULL, 0 };
    char *p = page(&d);
    int bins;
    assert_int_equal(bin_total(p, &bins), 4);
    assert_true(bins >= 1 && bins <= 21);
    assert_non_null(strstr(p, "data-stage=\"ENGAGED\" data-reached=\"1\""));
    assert_non_null(strstr(p, "data-stage=\"STAY\" data-reached=\"4\""));
    free(p);
}

/* Negative scores go in the bar that holds them (floor, not truncation). */
static void test_negative_bins(void **state)
{
    (void)state;
    ir_machine m = machine("shop.exp");
    rt_state s[3] = { with_score(-45, 0), with_score(-1, 0), with_score(3, 0) };
    report_data d = { &m, "log.csv", NULL, 3, 3, 0, 0, NULL, s, 3, 0, NULL, 0 };
    char *p = page(&d);
    int bins;
    assert_int_equal(bin_total(p, &bins), 3);
    /* 49 values: bars of 5 from -45: -45..-41 holds one customer. */
    assert_non_null(strstr(p, "data-from=\"-45\" data-to=\"-41\" data-count=\"1\""));
    assert_non_null(strstr(p, "data-from=\"-5\" data-to=\"-1\" data-count=\"1\""));
    assert_non_null(strstr(p, "data-from=\"0\" data-to=\"4\" data-count=\"1\""));
    free(p);
}

/* No customers: the funnel at 0 with `—` drop-offs, no histogram bars. */
static void test_no_customers(void **state)
{
    (void)state;
    ir_machine m = machine("shop.exp");
    report_data d = { &m, "empty.csv", NULL, 0, 0, 0, 0, NULL, NULL, 0, 0, NULL, 0 };
    char *p = page(&d);
    int bins;
    assert_int_equal(bin_total(p, &bins), 0);
    assert_int_equal(bins, 0);
    assert_non_null(strstr(p, "data-reached=\"0\""));
    assert_non_null(strstr(p, "&#8212;</text>"));
    assert_non_null(strstr(p, "No customers."));
    free(p);
}

/* Markup in the script's and the input's names, and the live line, are
 * escaped; numbers get separators for people and stay raw in data-*. */
static void test_escaping_and_numbers(void **state)
{
    (void)state;
    ir_machine m = machine("<b>&\"x'.exp");
    report_counts c[3] = { { { 0, 1234567, 0, 0 } }, { { 0, 3, 1001, 0 } }, { { 0 } } };
    rt_state s[1] = { with_score(5, 0) };
    report_data d = { &m, "a<script>.csv", "live: <now>", 1234568, 1235571, 0, 0, c, s, 1, 0, NULL, 0 };
    char *p = page(&d);
    assert_null(strstr(p, "<b>&"));
    assert_null(strstr(p, "a<script>"));
    assert_null(strstr(p, "<now>"));
    assert_non_null(strstr(p, "&lt;b&gt;&amp;&quot;x&#39;.exp"));
    assert_non_null(strstr(p, "data-input=\"a&lt;script&gt;.csv\""));
    assert_non_null(strstr(p, "live: &lt;now&gt;"));
    assert_non_null(strstr(p, "data-records=\"1234568\">1,234,568<"));
    assert_non_null(strstr(p, "<tr data-event=\"hello\" data-seen=\"1234567\" "
                              "data-counted=\"1234567\" data-early=\"0\" data-capped=\"0\">"));
    assert_non_null(strstr(p, "<tr data-event=\"buy\" data-seen=\"1004\" data-counted=\"3\" "
                              "data-early=\"1001\" data-capped=\"0\">"));
    assert_non_null(strstr(p, ">1,001<"));
    free(p);
}

/* The counter around the interpreter: its counts equal interp_step's
 * effects, batch after batch, with customers repeating within a batch. */
static void test_counter(void **state)
{
    (void)state;
    ir_machine m = machine("shop.exp");
    interp *it = interp_new(&m);
    rt_engine e = interp_engine(it);
    report_run *r = report_count(&m, &e);
    enum { N = 3000, C = 7 };
    rt_state st[C], ref[C];
    uint32_t cust[N];
    int32_t ids[N];
    uint64_t want[3][IR_EFFECT_MASK + 1] = { { 0 } };
    uint32_t x = 99;
    for (int k = 0; k < C; k++) {
        e.init(e.ctx, &st[k]);
        memset(&ref[k], 0, sizeof ref[k]);
    }
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        cust[i] = (x >> 8) % C;
        ids[i] = (int32_t)((x >> 20) % 3);
        want[ids[i]][interp_step(&m, &ref[cust[i]], ids[i], 0) & IR_EFFECT_MASK]++;
    }
    for (int i = 0; i < N; i += 1000)
        e.step_batch(e.ctx, st, cust + i, ids + i, NULL, 1000);
    const report_counts *got = report_counts_of(r);
    for (int k = 0; k < 3; k++)
        for (int f = 0; f <= IR_EFFECT_MASK; f++)
            assert_int_equal(got[k].n[f], want[k][f]);
    assert_true(want[1][IR_EARLY] > 0 && want[1][IR_COUNTED] > 0);
    assert_memory_equal(st, ref, sizeof st);
    report_run_free(r);
    interp_free(it);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extreme_scores),
        cmocka_unit_test(test_negative_bins),
        cmocka_unit_test(test_no_customers),
        cmocka_unit_test(test_escaping_and_numbers),
        cmocka_unit_test(test_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
