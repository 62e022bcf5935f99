/* test_interp.c - unit tests of the reference interpreter (src/interp.c).
 *
 * Every branch of docs/language.md, Scoring, through interp_step on a
 * machine built by hand (its rules set by ir_decide_rules, as lowering
 * does): an event that counts, a negative event on a note not reached, an
 * early event and its penalty, one event that completes several notes,
 * engaged customers who keep scoring, sums that wrap, ids out of range;
 * then the rt_engine over the interpreter (event names, stage names); then
 * the time rules (docs/language.md, Scoring, Time: steps A-D) on cases
 * worked out by hand. */
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
    assert_int_equal(interp_step(&m, &s, HELLO, 0), IR_COUNTED);
    assert_int_equal(s.score, 6);
    assert_int_equal(s.points[0], 6);
    assert_int_equal(s.stage, 0);
    assert_int_equal(s.events, 1);
    assert_int_equal(s.early, 0);
    interp_step(&m, &s, HELLO, 0); /* 12 >= 10: on to SAY */
    assert_int_equal(s.stage, 1);
    assert_int_equal(s.score, 12);
    interp_step(&m, &s, THANKS, 0); /* 3 >= 3: on to SPEND */
    assert_int_equal(s.stage, 2);
    assert_int_equal(s.points[1], 3);
}

/* A negative event counts on any stage, even for a note not reached. */
static void test_negative_on_future_note(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state s = fresh();
    assert_int_equal(interp_step(&m, &s, REFUND, 0), IR_COUNTED);
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
    assert_int_equal(interp_step(&m, &s, BUY, 0), IR_EARLY);
    assert_int_equal(s.score, -2);
    assert_int_equal(s.points[2], 0);
    assert_int_equal(s.early, 1);
    assert_int_equal(s.events, 1);
    interp_step(&m, &s, STAY_ZERO, 0);
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
    interp_step(&m, &s, BIG_BUY, 0);
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
    interp_step(&m, &s, HELLO, 0);
    assert_int_equal(s.stage, 3);
    interp_step(&m, &s, BUY, 0);
    interp_step(&m, &s, THANKS, 0);
    interp_step(&m, &s, GRUMBLE, 0);
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
    interp_step(&m, &s, JACKPOT, 0); /* reaches the threshold INT64_MAX */
    assert_int_equal(s.stage, 1);
    interp_step(&m, &s, HELLO, 0);   /* still counts: the stage never goes back */
    assert_int_equal(s.score, INT64_MIN + 5);
    assert_int_equal(s.points[0], INT64_MIN + 5);
    assert_int_equal(s.stage, 1);
    /* -INT64_MIN wraps to INT64_MIN: the penalty adds INT64_MIN */
    s = fresh();
    interp_step(&m, &s, BUY, 0);
    assert_int_equal(s.score, INT64_MIN);
    assert_int_equal(s.early, 1);
}

/* Ids outside [0, n_events) leave the state alone, `events` included. */
static void test_ids_out_of_range(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    rt_state s = fresh();
    assert_int_equal(interp_step(&m, &s, -1, 0), IR_NONE);
    assert_int_equal(interp_step(&m, &s, N_EVENTS, 0), IR_NONE);
    assert_int_equal(interp_step(&m, &s, INT32_MAX, 0), IR_NONE);
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
    e.step_batch(e.ctx, st, cust, ids, NULL, 3);
    assert_int_equal(st[0].score, 12);
    assert_int_equal(st[0].stage, 1);
    assert_int_equal(st[1].score, -2);
    assert_int_equal(st[1].early, 1);
    assert_string_equal(e.stage_name(e.ctx, 0), "STAY");
    assert_string_equal(e.stage_name(e.ctx, 3), "ENGAGED");
    assert_string_equal(e.stage_name(e.ctx, 9), "?");
    interp_free(it);
}

/* ---- time rules ---------------------------------------------------------- */

#define DAY INT64_C(86400000)
#define HOUR INT64_C(3600000)

enum { VISIT, TALK, BUY2, NEG, N_TEVENTS };

/* Path STAY -> SAY -> SPEND, thresholds 10, 3, 5, penalty early 2; TALK
 * has `cap 2 per 1d`, NEG `cap 1 per 1d`. */
static ir_event tevents[N_TEVENTS];

static ir_machine tmachine(int64_t within, int64_t reset_after)
{
    ir_machine m = machine(10, 3, 5, 2);
    tevents[VISIT] = (ir_event){ .name = "visit", .len = 5, .note = 0, .points = 6 };
    tevents[TALK] = (ir_event){ .name = "talk", .len = 4, .note = 1, .points = 3,
                                .cap = 2, .cap_per = DAY };
    tevents[BUY2] = (ir_event){ .name = "buy", .len = 3, .note = 2, .points = 5 };
    tevents[NEG] = (ir_event){ .name = "neg", .len = 3, .note = 2, .points = -4,
                               .cap = 1, .cap_per = DAY };
    m.events = tevents;
    m.n_events = N_TEVENTS;
    m.within = within;
    m.reset_after = reset_after;
    ir_decide_rules(&m);
    return m;
}

/* Room for an rt_state and its cap slots. */
typedef union tstate {
    rt_state s;
    int64_t room[32];
} tstate;

static rt_state *tfresh(const ir_machine *m, tstate *b)
{
    assert_true(interp_state_size(m) <= sizeof *b);
    interp_init_state(m, &b->s);
    return &b->s;
}

/* Lowering's facts: cap slots in declaration order, uses_time, the size. */
static void test_time_layout(void **state)
{
    (void)state;
    ir_machine m = tmachine(0, 0);
    assert_true(m.uses_time);
    assert_int_equal(m.n_caps, 2);
    assert_int_equal(tevents[VISIT].cap_slot, -1);
    assert_int_equal(tevents[TALK].cap_slot, 0);
    assert_int_equal(tevents[NEG].cap_slot, 1);
    assert_int_equal(interp_state_size(&m), sizeof(rt_state) + 16 + 2 * 8 + 2 * 4);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    assert_int_equal(rt_cap_bucket(s)[0], INT64_MIN);
    assert_int_equal(rt_cap_bucket(s)[1], INT64_MIN);
    assert_int_equal(rt_cap_count(s, 2)[1], 0);
    ir_machine plain = machine(10, 3, 5, 2);
    assert_false(plain.uses_time);
    assert_int_equal(plain.n_caps, 0);
    assert_int_equal(interp_state_size(&plain), sizeof(rt_state));
}

/* Step A, reset after 1h: a gap of exactly 1h does not restart, one
 * millisecond more does (stage, score, points to 0; events and early go
 * on; start = t). */
static void test_time_reset(void **state)
{
    (void)state;
    ir_machine m = tmachine(0, HOUR);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    assert_int_equal(interp_step(&m, s, VISIT, 1000), IR_COUNTED);
    assert_int_equal(rt_state_clock(s)->start, 1000);
    assert_int_equal(rt_state_clock(s)->last, 1000);
    assert_int_equal(interp_step(&m, s, BUY2, 1000 + HOUR), IR_EARLY);
    assert_int_equal(interp_step(&m, s, VISIT, 1000 + HOUR), IR_COUNTED);
    assert_int_equal(s->stage, 1);
    assert_int_equal(s->score, 12 - 2);
    assert_int_equal(interp_step(&m, s, VISIT, 1001 + 2 * HOUR), IR_COUNTED | IR_RESTART);
    assert_int_equal(s->stage, 0);
    assert_int_equal(s->score, 6);
    assert_int_equal(s->points[0], 6);
    assert_int_equal(s->events, 4);
    assert_int_equal(s->early, 1);
    assert_int_equal(rt_state_clock(s)->start, 1001 + 2 * HOUR);
    assert_int_equal(rt_state_clock(s)->last, 1001 + 2 * HOUR);
}

/* Step A, within 1d: measured from the journey's start, not the last
 * event; exactly 1d is still in time. */
static void test_time_within(void **state)
{
    (void)state;
    ir_machine m = tmachine(DAY, 0);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    interp_step(&m, s, VISIT, 0);
    interp_step(&m, s, VISIT, 1000);
    assert_int_equal(interp_step(&m, s, TALK, DAY), IR_COUNTED);
    assert_int_equal(s->stage, 2);
    assert_int_equal(interp_step(&m, s, BUY2, DAY + 1), IR_EARLY | IR_RESTART);
    assert_int_equal(s->stage, 0);
    assert_int_equal(s->score, -2);
    assert_int_equal(s->points[1], 0);
    assert_int_equal(rt_state_clock(s)->start, DAY + 1);
    assert_int_equal(s->early, 1);
    assert_int_equal(s->events, 4);
}

/* An engaged customer is past `within`: no restart, however late. */
static void test_time_engaged_not_restarted(void **state)
{
    (void)state;
    ir_machine m = tmachine(DAY, 0);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    interp_step(&m, s, VISIT, 0);
    interp_step(&m, s, VISIT, 1);
    interp_step(&m, s, TALK, 2);
    interp_step(&m, s, BUY2, 3);
    assert_int_equal(s->stage, 3);
    assert_int_equal(interp_step(&m, s, VISIT, 100 * DAY), IR_COUNTED);
    assert_int_equal(s->stage, 3);
    assert_int_equal(s->score, 26);
    assert_int_equal(rt_state_clock(s)->start, 0);
}

/* Step B at the borders of a day: the last millisecond of day 0 is in
 * day 0's bucket, the first of day 1 starts a new one.  A capped event
 * counts as an event and moves `last`, nothing else. */
static void test_time_cap_borders(void **state)
{
    (void)state;
    ir_machine m = tmachine(0, 0);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    interp_step(&m, s, VISIT, 0);
    interp_step(&m, s, VISIT, 0); /* on SAY */
    assert_int_equal(interp_step(&m, s, TALK, DAY - 1), IR_COUNTED);
    assert_int_equal(interp_step(&m, s, TALK, DAY - 1), IR_COUNTED);
    rt_state before = *s;
    assert_int_equal(interp_step(&m, s, TALK, DAY - 1), IR_CAPPED);
    assert_int_equal(s->events, before.events + 1);
    assert_int_equal(s->score, before.score);
    assert_int_equal(s->early, before.early);
    assert_int_equal(s->stage, before.stage);
    assert_int_equal(rt_cap_bucket(s)[0], 0);
    assert_int_equal(rt_cap_count(s, 2)[0], 2);
    assert_int_equal(interp_step(&m, s, TALK, DAY), IR_COUNTED);
    assert_int_equal(rt_cap_bucket(s)[0], 1);
    assert_int_equal(rt_cap_count(s, 2)[0], 1);
    assert_int_equal(rt_state_clock(s)->last, DAY);
    assert_int_equal(s->score, 12 + 9);
}

/* Negative times: buckets by floor division (-1 and -1d are in day -1,
 * -1d-1 in day -2); a capped negative event costs nothing. */
static void test_time_negative(void **state)
{
    (void)state;
    ir_machine m = tmachine(0, 0);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    assert_int_equal(interp_step(&m, s, NEG, -DAY - 1), IR_COUNTED);
    assert_int_equal(rt_cap_bucket(s)[1], -2);
    assert_int_equal(rt_state_clock(s)->start, -DAY - 1);
    assert_int_equal(interp_step(&m, s, NEG, -DAY), IR_COUNTED);
    assert_int_equal(rt_cap_bucket(s)[1], -1);
    assert_int_equal(interp_step(&m, s, NEG, -1), IR_CAPPED);
    assert_int_equal(s->score, -8);
    assert_int_equal(s->points[2], -8);
    assert_int_equal(s->events, 3);
    assert_int_equal(rt_state_clock(s)->last, -1);
    assert_int_equal(interp_step(&m, s, NEG, 0), IR_COUNTED);
    assert_int_equal(rt_cap_bucket(s)[1], 0);
    assert_int_equal(s->score, -12);
    assert_int_equal(ir_floor_div(-1, DAY), -1);
    assert_int_equal(ir_floor_div(-DAY, DAY), -1);
    assert_int_equal(ir_floor_div(-DAY - 1, DAY), -2);
    assert_int_equal(ir_floor_div(INT64_MIN, 1), INT64_MIN);
    assert_int_equal(ir_floor_div(INT64_MIN, DAY), INT64_MIN / DAY - 1);
}

/* A restart keeps the caps: the journey starts over, the day's count does
 * not; the capped event still reports the restart. */
static void test_time_restart_then_cap(void **state)
{
    (void)state;
    ir_machine m = tmachine(0, HOUR);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    interp_step(&m, s, VISIT, 0);
    interp_step(&m, s, VISIT, 1);
    interp_step(&m, s, TALK, 2);
    interp_step(&m, s, TALK, 3);
    assert_int_equal(s->stage, 2);
    assert_int_equal(interp_step(&m, s, TALK, 3 + 2 * HOUR), IR_CAPPED | IR_RESTART);
    assert_int_equal(s->stage, 0);
    assert_int_equal(s->score, 0);
    assert_int_equal(s->events, 5);
    assert_int_equal(rt_state_clock(s)->start, 3 + 2 * HOUR);
    assert_int_equal(rt_state_clock(s)->last, 3 + 2 * HOUR);
    assert_int_equal(rt_cap_count(s, 2)[0], 2);
}

/* Gaps are exact at the ends of int64_t: no overflow, no wrap. */
static void test_time_extremes(void **state)
{
    (void)state;
    assert_true(ir_gap_over(INT64_MAX, INT64_MIN, HOUR));
    assert_false(ir_gap_over(INT64_MIN, INT64_MAX, HOUR));
    assert_false(ir_gap_over(5, 5 - HOUR, HOUR));
    assert_true(ir_gap_over(6, 5 - HOUR, HOUR));
    ir_machine m = tmachine(DAY, HOUR);
    tstate b;
    rt_state *s = tfresh(&m, &b);
    interp_step(&m, s, VISIT, INT64_MAX);
    assert_int_equal(interp_step(&m, s, VISIT, INT64_MIN), IR_COUNTED); /* back in time */
    assert_int_equal(interp_step(&m, s, VISIT, INT64_MAX), IR_COUNTED | IR_RESTART);
}

/* The engine's step_batch_tally counts what interp_step returns (IR_RESTART
 * aside) and steps the states alike, on a long pseudo-random run over a
 * few customers that repeat within each batch: all stages, early,
 * negative and wrapping events, ids out of range (counted nowhere); and
 * with time rules, capped events, restarts and times going forwards and
 * (now and then) back. */
enum { EFFECT_N = 20000, EFFECT_BATCH = 500 };
static void effect_run(const ir_machine *m, int32_t n_events, bool timed)
{
    interp *it = interp_new(m);
    rt_engine e = interp_engine(it);
    tstate ref[4], buf[4]; /* the engine's 4 states are state_size bytes apart in buf */
    char *got = (char *)buf;
    size_t ss = e.state_size;
    assert_int_equal(ss, interp_state_size(m));
    static uint32_t cust[EFFECT_N];
    static int32_t ids[EFFECT_N];
    static int64_t times[EFFECT_N];
    uint64_t want[N_EVENTS + N_TEVENTS][IR_EFFECT_MASK + 1], tally[N_EVENTS + N_TEVENTS][4];
    memset(want, 0, sizeof want);
    memset(tally, 0, sizeof tally);
    uint32_t x = 12345;
    int64_t t = 0;
    int outside = 0; /* ids out of range, which count nowhere */
    for (int i = 0; i < 4; i++) {
        interp_init_state(m, &ref[i].s);
        e.init(e.ctx, (rt_state *)(void *)(got + i * ss));
    }
    for (int i = 0; i < EFFECT_N; i++) {
        x = x * 1103515245u + 12345u;
        cust[i] = (x >> 8) % 4;
        int32_t ev = (int32_t)((x >> 16) % (uint32_t)(n_events + 1)) - (i % 7 == 0 ? 1 : 0);
        if (!timed && ev == JACKPOT && i % 3)
            ev = HELLO;
        if (timed)
            t += (x >> 4) % 5 == 0 ? -HOUR : (int64_t)((x >> 12) % 6) * HOUR;
        ids[i] = ev;
        times[i] = t;
        int fx = interp_step(m, &ref[cust[i]].s, ev, t) & IR_EFFECT_MASK;
        if (fx != IR_NONE) {
            want[ev][fx]++;
        } else {
            assert_true(ev < 0 || ev >= n_events);
            outside++;
        }
    }
    for (int i = 0; i < EFFECT_N; i += EFFECT_BATCH)
        e.step_batch_tally(e.ctx, &buf[0].s, cust + i, ids + i, timed ? times + i : NULL,
                           EFFECT_BATCH, tally[0]);
    for (int i = 0; i < 4; i++)
        assert_memory_equal(got + i * ss, &ref[i], ss);
    uint64_t seen[IR_EFFECT_MASK + 1] = { 0 };
    for (int32_t k = 0; k < N_EVENTS + N_TEVENTS; k++)
        for (int f = 0; f <= IR_EFFECT_MASK; f++) {
            assert_int_equal(tally[k][f], want[k][f]);
            seen[f] += want[k][f];
        }
    assert_true(outside > 0 && seen[IR_COUNTED] > 0 && seen[IR_EARLY] > 0);
    if (timed)
        assert_true(seen[IR_CAPPED] > 0);
    interp_free(it);
}

static void test_effect_tally(void **state)
{
    (void)state;
    ir_machine m = machine(10, 3, 5, 2);
    effect_run(&m, N_EVENTS, false);
    ir_machine tm = tmachine(2 * DAY, 3 * HOUR);
    effect_run(&tm, N_TEVENTS, true);
}

/* The engine passes each event's time, and sizes states for the caps. */
static void test_time_engine(void **state)
{
    (void)state;
    ir_machine m = tmachine(0, HOUR);
    interp *it = interp_new(&m);
    rt_engine e = interp_engine(it);
    assert_true(e.uses_time);
    assert_int_equal(e.state_size, interp_state_size(&m));
    tstate st[2];
    e.init(e.ctx, &st[0].s);
    e.init(e.ctx, &st[1].s);
    /* two states state_size bytes apart */
    char *base = (char *)&st[0];
    memmove(base + e.state_size, &st[1], e.state_size);
    const uint32_t cust[] = { 0, 1, 0 };
    const int32_t ids[] = { VISIT, VISIT, VISIT };
    const int64_t t[] = { 0, 0, 2 * HOUR };
    e.step_batch(e.ctx, (rt_state *)(void *)base, cust, ids, t, 3);
    rt_state *s0 = (rt_state *)(void *)base, *s1 = (rt_state *)(void *)(base + e.state_size);
    assert_int_equal(s0->score, 6); /* restarted */
    assert_int_equal(rt_state_clock(s0)->start, 2 * HOUR);
    assert_int_equal(s0->events, 2);
    assert_int_equal(s1->score, 6);
    interp_free(it);
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
        cmocka_unit_test(test_effect_tally),
        cmocka_unit_test(test_time_layout),
        cmocka_unit_test(test_time_reset),
        cmocka_unit_test(test_time_within),
        cmocka_unit_test(test_time_engaged_not_restarted),
        cmocka_unit_test(test_time_cap_borders),
        cmocka_unit_test(test_time_negative),
        cmocka_unit_test(test_time_restart_then_cap),
        cmocka_unit_test(test_time_extremes),
        cmocka_unit_test(test_time_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
