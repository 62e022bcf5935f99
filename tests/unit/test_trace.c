/* test_trace.c - unit tests of the trace lines (src/trace.c).
 *
 * trace_put prints every effect interp_step can return, the time rules'
 * included before a script can make them (capped, and a restart before an
 * event): counted, early with its penalty (and `early -0`), negative and
 * zero points with their sign, stage names and ENGAGED.  Then the run hook:
 * only the traced customers, in input order without --time, and with it
 * each customer's events in time order (ties in input order), customers in
 * first-appearance order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/ir.h"
#include "expc/trace.h"

enum { HELLO, BUY, GRUMBLE, NOTHING, N_EVENTS };

/* Path STAY -> SAY -> SPEND, thresholds 6, 3, 5. */
static ir_event events[N_EVENTS] = {
    [HELLO] = { "hello", 5, 0, 6, NULL, -1, NULL, 0, 0, 0 },
    [BUY] = { "buy", 3, 2, 5, NULL, -1, NULL, 0, 0, 0 },
    [GRUMBLE] = { "grumble", 7, 1, -4, NULL, -1, NULL, 0, 0, 0 },
    [NOTHING] = { "nothing", 7, 0, 0, NULL, -1, NULL, 0, 0, 0 },
};

static ir_machine machine(int64_t penalty)
{
    ir_machine m;
    memset(&m, 0, sizeof m);
    m.name = "shop";
    m.n_notes = IR_NOTES;
    m.notes[0] = (ir_note){ 1, "STAY", 6, NULL, 0, { NULL, NULL, NULL } };
    m.notes[1] = (ir_note){ 0, "SAY", 3, NULL, 0, { NULL, NULL, NULL } };
    m.notes[2] = (ir_note){ 2, "SPEND", 5, NULL, 0, { NULL, NULL, NULL } };
    m.penalty_early = penalty;
    m.events = events;
    m.n_events = N_EVENTS;
    ir_decide_rules(&m);
    return m;
}

/* What trace_put prints for one event, as a string (static buffer). */
static const char *line(const ir_machine *m, int32_t ev, int effect, int32_t stage, int64_t score)
{
    static char buf[512];
    rt_state st;
    memset(&st, 0, sizeof st);
    st.stage = stage;
    st.score = score;
    FILE *f = fmemopen(buf, sizeof buf, "w");
    trace_put(f, "  ", "al", "log.csv", 7, m, ev, effect, &st);
    fclose(f);
    return buf;
}

static void test_effects(void **state)
{
    (void)state;
    ir_machine m = machine(2);
    assert_string_equal(line(&m, HELLO, IR_COUNTED, 1, 6),
                        "  trace: al: log.csv:7: hello STAY +6 counted -> SAY 6\n");
    assert_string_equal(line(&m, BUY, IR_EARLY, 0, -2),
                        "  trace: al: log.csv:7: buy SPEND +5 early -2 -> STAY -2\n");
    assert_string_equal(line(&m, GRUMBLE, IR_COUNTED, 0, -4),
                        "  trace: al: log.csv:7: grumble SAY -4 counted -> STAY -4\n");
    assert_string_equal(line(&m, NOTHING, IR_COUNTED, 3, 14),
                        "  trace: al: log.csv:7: nothing STAY +0 counted -> ENGAGED 14\n");
    assert_string_equal(line(&m, BUY, IR_CAPPED, 2, 9),
                        "  trace: al: log.csv:7: buy SPEND +5 capped -> SPEND 9\n");
    assert_string_equal(line(&m, HELLO, IR_COUNTED | IR_RESTART, 1, 6),
                        "  trace: al: log.csv:7: hello STAY +6 restart, counted -> SAY 6\n");
    assert_string_equal(line(&m, BUY, IR_EARLY | IR_RESTART, 0, -2),
                        "  trace: al: log.csv:7: buy SPEND +5 restart, early -2 -> STAY -2\n");
    ir_machine m0 = machine(0);
    assert_string_equal(line(&m0, BUY, IR_EARLY, 0, 0),
                        "  trace: al: log.csv:7: buy SPEND +5 early -0 -> STAY 0\n");
}

/* The lines a run with the customers `ids` traces for a fixed log. */
static char *run(bool timed, const char *const *ids, size_t n)
{
    static const struct { const char *cust; int32_t ev; int64_t t; } log[] = {
        { "al", BUY, 50 }, { "bo", HELLO, 10 }, { "al", HELLO, 30 },
        { "al", GRUMBLE, 30 }, { "bob", HELLO, 0 },
    };
    ir_machine m = machine(2);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    trace_run *tr = trace_run_new(&m, ids, n, timed, f);
    for (size_t i = 0; i < sizeof log / sizeof *log; i++)
        trace_run_event(tr, "log.csv", i + 2, log[i].cust, strlen(log[i].cust), log[i].ev,
                        log[i].t);
    trace_run_end(tr);
    fclose(f);
    return buf;
}

static void test_run_hook(void **state)
{
    (void)state;
    const char *const ids[] = { "bo", "al", "al" };
    char *s = run(false, ids, 3);
    assert_string_equal(s, "trace: al: log.csv:2: buy SPEND +5 early -2 -> STAY -2\n"
                           "trace: bo: log.csv:3: hello STAY +6 counted -> SAY 6\n"
                           "trace: al: log.csv:4: hello STAY +6 counted -> SAY 4\n"
                           "trace: al: log.csv:5: grumble SAY -4 counted -> SAY 0\n");
    free(s);
    /* --time: al first (first seen), its events by time, ties in input order. */
    s = run(true, ids, 3);
    assert_string_equal(s, "trace: al: log.csv:4: hello STAY +6 counted -> SAY 6\n"
                           "trace: al: log.csv:5: grumble SAY -4 counted -> SAY 2\n"
                           "trace: al: log.csv:2: buy SPEND +5 early -2 -> SAY 0\n"
                           "trace: bo: log.csv:3: hello STAY +6 counted -> SAY 6\n");
    free(s);
    const char *const none[] = { "zed" };
    s = run(true, none, 1);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_effects),
        cmocka_unit_test(test_run_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
