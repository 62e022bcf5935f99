/* driver.c - the generated C interface (docs/language.md §8) seen from a user's program.
 *
 * Built against the output of `expc build tests/abi/abi.exp --emit=c
 * --prefix abi -o DIR/abi.c` (or the same machine built by hand in
 * tests/unit/test_emit_c.c):
 *
 *     cc -std=c11 -Wall -Wextra -pedantic -Werror -IDIR driver.c DIR/abi.c
 *
 * It calls every declared function and checks the results against values
 * worked out by hand from abi.exp, so any engine that implements the same
 * interface (an object from --emit=obj linked in place of abi.c) can be
 * checked with it too.  Prints each failed check and exits 1 if any. */
#include "abi.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Event ids of abi.exp: the declaration order. */
enum {
    FAST_CHECKIN, GREETED, REVIEW_LEFT, SPA_BOOKED, COMPLAINT,
    GRIPE, BOUGHT, BROWSED, GREETER, TIPPED, N_EVENTS
};

static int checks, failures;

static void check(int ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        printf("driver.c:%d: check failed: %s\n", line, what);
    }
}
#define CHECK(x) check((x) ? 1 : 0, #x, __LINE__)

static int same_state(const abi_state *a, const abi_state *b)
{
    return a->stage == b->stage && a->score == b->score &&
           a->points[0] == b->points[0] && a->points[1] == b->points[1] &&
           a->points[2] == b->points[2] && a->events == b->events &&
           a->early == b->early;
}

static void expect_state(const abi_state *s, int32_t stage, int64_t score,
                         int64_t p0, int64_t p1, int64_t p2, uint64_t events,
                         uint64_t early, int line)
{
    int ok = s->stage == stage && s->score == score && s->points[0] == p0 &&
             s->points[1] == p1 && s->points[2] == p2 && s->events == events &&
             s->early == early;
    check(ok, "state", line);
    if (!ok)
        printf("    got stage %" PRId32 " score %" PRId64 " points %" PRId64 " %" PRId64
               " %" PRId64 " events %" PRIu64 " early %" PRIu64 "\n",
               s->stage, s->score, s->points[0], s->points[1], s->points[2],
               s->events, s->early);
}
#define EXPECT(s, stage, score, p0, p1, p2, ev, early) \
    expect_state(s, stage, score, p0, p1, p2, ev, early, __LINE__)

static int32_t id_of(const char *name)
{
    return abi_event_id(name, strlen(name));
}

static void test_constants(void)
{
    CHECK(ABI_NOTES == 3);
    CHECK(ABI_ABI == 2);
    CHECK(ABI_TIME == 0);            /* no time rules: the 0.1 layout */
    CHECK(ABI_CAPS == 0);
    CHECK(abi_event_count == N_EVENTS);
    for (int32_t i = -1; i <= N_EVENTS; i++)
        CHECK(abi_cap_slot(i) == -1);
    CHECK(sizeof(((abi_state *)0)->points) / sizeof(int64_t) == ABI_NOTES);
}

static void test_event_id(void)
{
    static const char *const names[N_EVENTS] = {
        "fast_checkin", "greeted", "review_left", "spa_booked", "complaint",
        "gripe", "bought", "browsed", "greeter", "tipped",
    };
    for (int i = 0; i < N_EVENTS; i++)
        CHECK(id_of(names[i]) == i);
    /* Only `len` bytes count: no NUL needed, trailing bytes ignored. */
    CHECK(abi_event_id("greetedXYZ", 7) == GREETED);
    CHECK(abi_event_id("greeter", 7) == GREETER);
    /* Near misses: one byte off, a prefix, an extension, case, a NUL. */
    CHECK(id_of("greetex") == -1);
    CHECK(id_of("greeteD") == -1);
    CHECK(id_of("Greeted") == -1);
    CHECK(id_of("browsex") == -1);
    CHECK(id_of("greete") == -1);
    CHECK(id_of("greeteds") == -1);
    CHECK(abi_event_id("greet\0d", 7) == -1);
    CHECK(id_of("spa_booke") == -1);
    CHECK(id_of("tippee") == -1);
    CHECK(id_of("complaints") == -1);
    CHECK(id_of("unknown") == -1);
    CHECK(id_of("") == -1);
    CHECK(abi_event_id(NULL, 0) == -1);
    CHECK(abi_event_id("\xff\xfe\x80", 3) == -1);
}

static void test_stage_name(void)
{
    CHECK(strcmp(abi_stage_name(0), "STAY") == 0);
    CHECK(strcmp(abi_stage_name(1), "SAY") == 0);
    CHECK(strcmp(abi_stage_name(2), "SPEND") == 0);
    CHECK(strcmp(abi_stage_name(ABI_NOTES), "ENGAGED") == 0);
    /* Out of range: "?", never NULL. */
    CHECK(strcmp(abi_stage_name(-1), "?") == 0);
    CHECK(strcmp(abi_stage_name(4), "?") == 0);
    CHECK(strcmp(abi_stage_name(INT32_MIN), "?") == 0);
    CHECK(strcmp(abi_stage_name(INT32_MAX), "?") == 0);
}

static void test_init(void)
{
    abi_state s;
    memset(&s, 0x5A, sizeof s);
    abi_init(&s);
    EXPECT(&s, 0, 0, 0, 0, 0, 0, 0);
}

/* The walk of docs/language.md §6, step by step (thresholds 12, 8, 5; penalty 2). */
static void test_step(void)
{
    abi_state s;
    abi_init(&s);
    abi_step(&s, FAST_CHECKIN, 0);          /* STAY +8 */
    EXPECT(&s, 0, 8, 8, 0, 0, 1, 0);
    abi_step(&s, GREETED, 0);               /* STAY +6: 14 >= 12, on to SAY */
    EXPECT(&s, 1, 14, 14, 0, 0, 2, 0);
    abi_step(&s, SPA_BOOKED, 0);            /* SPEND not reached: -2, early */
    EXPECT(&s, 1, 12, 14, 0, 0, 3, 1);
    abi_step(&s, REVIEW_LEFT, 0);           /* SAY +8: 8 >= 8, on to SPEND */
    EXPECT(&s, 2, 20, 14, 8, 0, 4, 1);
    abi_step(&s, COMPLAINT, 0);             /* a bad experience always counts */
    EXPECT(&s, 2, 10, 4, 8, 0, 5, 1);
    abi_step(&s, SPA_BOOKED, 0);            /* SPEND +5: engaged */
    EXPECT(&s, 3, 15, 4, 8, 5, 6, 1);
    abi_step(&s, GREETED, 0);               /* engaged: every note counts */
    EXPECT(&s, 3, 21, 10, 8, 5, 7, 1);
    abi_step(&s, BOUGHT, 0);
    EXPECT(&s, 3, 1000021, 10, 8, 1000005, 8, 1);

    abi_init(&s);
    abi_step(&s, COMPLAINT, 0);             /* negative on the current note */
    EXPECT(&s, 0, -10, -10, 0, 0, 1, 0);
    abi_step(&s, GRIPE, 0);                 /* negative on a later note counts */
    EXPECT(&s, 0, -13, -10, -3, 0, 2, 0);
    abi_step(&s, BROWSED, 0);               /* zero points, early: penalised */
    EXPECT(&s, 0, -15, -10, -3, 0, 3, 1);
    abi_step(&s, TIPPED, 0);
    EXPECT(&s, 0, -17, -10, -3, 0, 4, 2);
    abi_step(&s, GREETER, 0);               /* SAY +1, early */
    EXPECT(&s, 0, -19, -10, -3, 0, 5, 3);

    /* Several stages in one step: SAY and SPEND already full. */
    abi_init(&s);
    s.points[1] = 8;
    s.points[2] = 5;
    abi_step(&s, FAST_CHECKIN, 0);
    abi_step(&s, FAST_CHECKIN, 0);          /* 16 >= 12, 8 >= 8, 5 >= 5 */
    EXPECT(&s, 3, 16, 16, 8, 5, 2, 0);
}

/* Out-of-range ids are ignored: the state does not change at all. */
static void test_out_of_range(void)
{
    abi_state s, before;
    abi_init(&s);
    abi_step(&s, GREETED, 0);
    before = s;
    abi_step(&s, -1, 0);
    abi_step(&s, N_EVENTS, 0);
    abi_step(&s, INT32_MIN, 0);
    abi_step(&s, INT32_MAX, 0);
    CHECK(same_state(&s, &before));

    uint32_t cust[2] = { 0, 0 };
    int32_t ev[2] = { -5, N_EVENTS + 7 };
    abi_step_batch(&s, cust, ev, NULL, 2);
    CHECK(same_state(&s, &before));
}

/* 64-bit arithmetic wraps (two's complement) like the interpreter's. */
static void test_wrap(void)
{
    abi_state s;
    abi_init(&s);
    s.stage = ABI_NOTES;
    s.score = INT64_MAX - 3;
    s.points[2] = INT64_MAX;
    abi_step(&s, BOUGHT, 0);                /* +1000000 */
    CHECK(s.score == INT64_MIN + 999996);
    CHECK(s.points[2] == INT64_MIN + 999999);
    CHECK(s.stage == ABI_NOTES);

    abi_init(&s);
    s.score = INT64_MIN + 1;
    abi_step(&s, SPA_BOOKED, 0);            /* early: -2 */
    CHECK(s.score == INT64_MAX);
    CHECK(s.early == 1);

    abi_init(&s);
    s.points[0] = INT64_MIN + 5;
    abi_step(&s, COMPLAINT, 0);             /* -10 */
    CHECK(s.points[0] == INT64_MAX - 4);
    CHECK(s.stage == 1);                 /* wrapped past the threshold */

    abi_init(&s);
    s.events = UINT64_MAX;
    abi_step(&s, GREETED, 0);
    CHECK(s.events == 0);
}

/* step_batch over interleaved customers equals stepping each in turn. */
static void test_batch(void)
{
    static const uint32_t cust[] = { 2, 0, 1, 0, 2, 2, 1, 0, 0, 2, 1, 1, 0, 2, 2, 0 };
    static const int32_t ev[] = {
        COMPLAINT, FAST_CHECKIN, BOUGHT, GREETED, GREETED, FAST_CHECKIN,
        SPA_BOOKED, REVIEW_LEFT, SPA_BOOKED, BROWSED, GRIPE, -1, TIPPED,
        GREETER, REVIEW_LEFT, N_EVENTS,
    };
    enum { N = sizeof cust / sizeof cust[0] };
    abi_state batch[3], one[3];
    for (int c = 0; c < 3; c++) {
        abi_init(&batch[c]);
        abi_init(&one[c]);
    }
    abi_step_batch(batch, cust, ev, NULL, N);
    for (int i = 0; i < N; i++)
        abi_step(&one[cust[i]], ev[i], 0);
    for (int c = 0; c < 3; c++)
        CHECK(same_state(&batch[c], &one[c]));
    /* customer 0: +8 +6 (SAY) +8 (SPEND) +5 (ENGAGED) +2 */
    EXPECT(&batch[0], 3, 29, 14, 8, 7, 5, 0);

    abi_step_batch(batch, NULL, NULL, NULL, 0);   /* nothing to do, nothing read */
    CHECK(same_state(&batch[0], &one[0]));
}

int main(void)
{
    test_constants();
    test_event_id();
    test_stage_name();
    test_init();
    test_step();
    test_out_of_range();
    test_wrap();
    test_batch();
    printf("abi driver: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
