/* test_interp.c - unit tests of the reference interpreter (src/interp.c).
 *
 * Every branch of docs/language.md, Scoring, through interp_step on a
 * machine built by hand (its rules set by ir_decide_rules, as lowering
 * does): an event that counts, a negative event on a note not reached, an
 * early event and its penalty, one event that completes several notes,
 * engaged customers who keep scoring, sums that wrap, ids out of range;
 * then the rt_engine over the interpreter (event names, stage names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/rt.h"

/* ---- the machine ------------------------------------------------------- */

enum { HELLO, THANKS, GRUMBLE, BUY, BIG_BUY, REFUND, STAY_ZERO, JACKPOT, N_EVENTS };

/* Path STAY -> SAY -> SPEND, thresholds 10, 3, 5; penalty early 2. */
static ir_event events[N_EVENTS] = {
    [HELLO] = { "hello", 5, 0, 6, NULL, -1, NULL, 0 },
    [THANKS] = { "thanks", 6, 1, 3, NULL, -1, NULL, 0 },
    [GRUMBLE] = { "grumble", 7, 1, -4, NULL, -1, NULL, 0 },
    [BUY] = { "buy", 3, 2, 5, NULL, -1, NULL, 0 },
    [BIG_BUY] = { "big_buy", 7, 0, 100, NULL, -1, NULL, 0 },
    [REFUND] = { "refund", 6, 2, -9, NULL, -1, NULL, 0 },
    [STAY_ZERO] = { "nothing", 7, 2, 0, NULL, -1, NULL, 0 },
    [JACKPOT] = { "jackpot", 7, 0, INT64_MAX, NULL, -1, NULL, 0 },
};

static ir_machine machine(int64_t t0, int64_t t1, int64_t t2, int64_t penalty)
{
    ir_machine m;
    memset(&m, 0, sizeof m);
    m.name = "shop";
    m.script = "shop.exp";
    m.n_notes = IR_NOTES;
    m.notes[0] = (ir_note){ 1, "STAY", t0, NULL, 0, { NULL, NULL, NULL } };
    m.notes[1] = (ir_note){ 0, "SAY", t1, NULL, 0, { NULL, NULL, NULL } };
    m.notes[2] = (ir_note){ 2, "SPEND", t2, NULL, 0, { NULL, NULL, NULL } };
    m.penalty_early = penalty;
    m.events = events;
    m.n_events = N_EVENTS;
    ir_decide_rules(&m);
    return m;
}

static rt_state fresh(void)
{
    rt_state s;
    memset(&s, 0, sizeof s);
    return s;
}

/* ---- tests -------------------------------------------------------------- */

/* An event of the note the customer is on counts: score and note. */
static void test_counted(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state s = fresh();
    assert_int_equal(interp_step(&m, &s, HELLO), IR_COUNTED);
    assert_int_equal(s.score, 6);
    assert_int_equal(s.points[0], 6);
    assert_int_equal(s.stage, 0);
    assert_int_equal(s.events, 1);
    assert_int_equal(s.early, 0);
    interp_step(&m, &s, HELLO); /* 12 >= 10: on to SAY */
    assert_int_equal(s.stage, 1);
    assert_int_equal(s.score, 12);
    interp_step(&m, &s, THANKS); /* 3 >= 3: on to SPEND */
    assert_int_equal(s.stage, 2);
    assert_int_equal(s.points[1], 3);
}

/* A negative event counts on any stage, even for a note not reached. */
static void test_negative_on_future_note(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state s = fresh();
    assert_int_equal(interp_step(&m, &s, REFUND), IR_COUNTED);
    assert_int_equal(s.score, -9);
    assert_int_equal(s.points[2], -9);
    assert_int_equal(s.early, 0);
    assert_int_equal(s.events, 1);
    assert_int_equal(s.stage, 0);
}

/* A positive (or zero) event of a note not reached scores nothing for its
 * note and costs the penalty. */
static void test_early_penalty(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state s = fresh();
    assert_int_equal(interp_step(&m, &s, BUY), IR_EARLY);
    assert_int_equal(s.score, -2);
    assert_int_equal(s.points[2], 0);
    assert_int_equal(s.early, 1);
    assert_int_equal(s.events, 1);
    interp_step(&m, &s, STAY_ZERO);
    assert_int_equal(s.score, -4);
    assert_int_equal(s.early, 2);
    assert_int_equal(s.stage, 0);
}

/* One event can complete several notes when the next ones are already
 * full (here thresholds of 0). */
static void test_multi_event_advance(void **state)
{
    (void)state;
    ir_machine m = machine(10, 0, 0, 2);
    rt_state s = fresh();
    interp_step(&m, &s, BIG_BUY);
    assert_int_equal(s.stage, 3);
    assert_string_equal(ir_stage_name(&m, s.stage), "ENGAGED");
    assert_int_equal(s.score, 100);
}

/* An engaged customer has reached every note: everything counts. */
static void test_engaged_keep_scoring(void **state)
{
    (void)state;
    ir_machine m = machine(0, 0, 0, 2);
    rt_state s = fresh();
    interp_step(&m, &s, HELLO);
    assert_int_equal(s.stage, 3);
    interp_step(&m, &s, BUY);
    interp_step(&m, &s, THANKS);
    interp_step(&m, &s, GRUMBLE);
    assert_int_equal(s.stage, 3);
    assert_int_equal(s.score, 6 + 5 + 3 - 4);
    assert_int_equal(s.points[2], 5);
    assert_int_equal(s.points[1], -1);
    assert_int_equal(s.early, 0);
    assert_int_equal(s.events, 4);
}

/* Sums wrap (two's complement) instead of overflowing: the score, a note's
 * points and the penalty. */
static void test_wrapping_arithmetic(void **state)
{
    (void)state;
    ir_machine m = machine(INT64_MAX, 3, 5, INT64_MIN);
    rt_state s = fresh();
    interp_step(&m, &s, JACKPOT); /* reaches the threshold INT64_MAX */
    assert_int_equal(s.stage, 1);
    interp_step(&m, &s, HELLO);   /* still counts: the stage never goes back */
    assert_int_equal(s.score, INT64_MIN + 5);
    assert_int_equal(s.points[0], INT64_MIN + 5);
    assert_int_equal(s.stage, 1);
    /* -INT64_MIN wraps to INT64_MIN: the penalty adds INT64_MIN */
    s = fresh();
    interp_step(&m, &s, BUY);
    assert_int_equal(s.score, INT64_MIN);
    assert_int_equal(s.early, 1);
}

/* Ids outside [0, n_events) leave the state alone, `events` included. */
static void test_ids_out_of_range(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state s = fresh();
    assert_int_equal(interp_step(&m, &s, -1), IR_NONE);
    assert_int_equal(interp_step(&m, &s, N_EVENTS), IR_NONE);
    assert_int_equal(interp_step(&m, &s, INT32_MAX), IR_NONE);
    rt_state zero = fresh();
    assert_memory_equal(&s, &zero, sizeof s);
}

/* The engine: names to ids (unknown: -1), init, batches, stage names. */
static void test_engine(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    interp *it = interp_new(&m);
    rt_engine e = interp_engine(it);
    assert_int_equal(e.n_notes, 3);
    for (int32_t i = 0; i < N_EVENTS; i++)
        assert_int_equal(e.event_id(e.ctx, events[i].name, events[i].len), i);
    assert_int_equal(e.event_id(e.ctx, "hell", 4), -1);
    assert_int_equal(e.event_id(e.ctx, "hello!", 6), -1);
    assert_int_equal(e.event_id(e.ctx, "", 0), -1);
    rt_state st[2];
    e.init(e.ctx, &st[0]);
    e.init(e.ctx, &st[1]);
    const uint32_t cust[] = { 0, 1, 0 };
    const int32_t ids[] = { HELLO, BUY, HELLO };
    e.step_batch(e.ctx, st, cust, ids, 3);
    assert_int_equal(st[0].score, 12);
    assert_int_equal(st[0].stage, 1);
    assert_int_equal(st[1].score, -2);
    assert_int_equal(st[1].early, 1);
    assert_string_equal(e.stage_name(e.ctx, 0), "STAY");
    assert_string_equal(e.stage_name(e.ctx, 3), "ENGAGED");
    assert_string_equal(e.stage_name(e.ctx, 9), "?");
    interp_free(it);
}

/* interp_effect, read off the states before and after, agrees with what
 * interp_step returns, on every event of a long pseudo-random run over a
 * few customers (all stages, early, negative and wrapping events), and on
 * ids out of range. */
static void test_effect_from_states(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state c[4];
    uint32_t x = 12345;
    for (int i = 0; i < 4; i++)
        c[i] = fresh();
    for (int i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        rt_state *s = &c[(x >> 8) % 4];
        int32_t ev = (int32_t)((x >> 16) % (N_EVENTS + 1)) - (i % 7 == 0 ? 1 : 0);
        if (ev == JACKPOT && i % 3)
            ev = HELLO;
        rt_state before = *s;
        int fx = interp_step(&m, s, ev);
        assert_int_equal(interp_effect(&m, ev, &before, s), fx & IR_EFFECT_MASK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counted),
        cmocka_unit_test(test_negative_on_future_note),
        cmocka_unit_test(test_early_penalty),
        cmocka_unit_test(test_multi_event_advance),
        cmocka_unit_test(test_engaged_keep_scoring),
        cmocka_unit_test(test_wrapping_arithmetic),
        cmocka_unit_test(test_ids_out_of_range),
        cmocka_unit_test(test_engine),
        cmocka_unit_test(test_effect_from_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
