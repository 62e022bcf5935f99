/* driver_time.c - ABI 2 with time rules (docs/language.md, Generated code)
 * seen from a user's program.
 *
 * Built against `expc build tests/abi/abi_time.exp --emit=c --prefix abt
 * -o DIR/abt.c` (or an object of --emit=obj with that header):
 *
 *     cc -std=c11 -Wall -Wextra -pedantic -Werror -IDIR driver_time.c DIR/abt.c
 *
 * Checks the constants, the state's time members, P_cap_slot, and one
 * customer's walk through every time step with values worked out by hand;
 * then P_step_batch with times against P_step.  Prints each failed check
 * and exits 1 if any. */
#include "abt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { CHECKIN, GREETED, REVIEW, SPA, COMPLAINT, N_EVENTS };
#define H INT64_C(3600000)
#define D INT64_C(86400000)

static int checks, failures;

static void check(int ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        printf("driver_time.c:%d: check failed: %s\n", line, what);
    }
}
#define CHECK(x) check((x) ? 1 : 0, #x, __LINE__)

static void expect(const abt_state *s, int32_t stage, int64_t score, uint64_t events,
                   uint64_t early, int64_t start, int64_t last, int line)
{
    int ok = s->stage == stage && s->score == score && s->events == events &&
             s->early == early && s->start == start && s->last == last;
    check(ok, "state", line);
    if (!ok)
        printf("    got stage %" PRId32 " score %" PRId64 " events %" PRIu64 " early %" PRIu64
               " start %" PRId64 " last %" PRId64 "\n",
               s->stage, s->score, s->events, s->early, s->start, s->last);
}
#define EXPECT(s, stage, score, ev, early, start, last) \
    expect(s, stage, score, ev, early, start, last, __LINE__)

static int same(const abt_state *a, const abt_state *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void test_constants(void)
{
    CHECK(ABT_ABI == 2);
    CHECK(ABT_TIME == 1);
    CHECK(ABT_CAPS == 3);
    CHECK(abt_event_count == N_EVENTS);
    CHECK(abt_cap_slot(CHECKIN) == 0);
    CHECK(abt_cap_slot(GREETED) == -1);
    CHECK(abt_cap_slot(REVIEW) == 1);
    CHECK(abt_cap_slot(SPA) == -1);
    CHECK(abt_cap_slot(COMPLAINT) == 2);
    CHECK(abt_cap_slot(-1) == -1);
    CHECK(abt_cap_slot(N_EVENTS) == -1);
    CHECK(abt_cap_slot(INT32_MIN) == -1);
    CHECK(sizeof(((abt_state *)0)->cap_bucket) / sizeof(int64_t) == ABT_CAPS);
    CHECK(sizeof(((abt_state *)0)->cap_count) / sizeof(uint32_t) == ABT_CAPS);
}

static void test_init(void)
{
    abt_state s;
    memset(&s, 0x5A, sizeof s);
    abt_init(&s);
    EXPECT(&s, 0, 0, 0, 0, 0, 0);
    for (int k = 0; k < ABT_CAPS; k++)
        CHECK(s.cap_bucket[k] == INT64_MIN && s.cap_count[k] == 0);
}

/* Thresholds 12, 8, 5; penalty 2; within 1d; reset after 2h. */
static void test_walk(void)
{
    abt_state s;
    abt_init(&s);
    abt_step(&s, CHECKIN, 0);            /* STAY +8; start 0; day 0: 1 of 1 */
    EXPECT(&s, 0, 8, 1, 0, 0, 0);
    abt_step(&s, CHECKIN, 1000);         /* capped: an event, nothing else */
    EXPECT(&s, 0, 8, 2, 0, 0, 1000);
    CHECK(s.cap_bucket[0] == 0 && s.cap_count[0] == 1);
    abt_step(&s, GREETED, H);            /* +6: 14 >= 12, on to SAY */
    EXPECT(&s, 1, 14, 3, 0, 0, H);
    abt_step(&s, REVIEW, H + 1);         /* +8: on to SPEND; hour 1: 1 of 2 */
    abt_step(&s, REVIEW, H + 2);         /* +8: 2 of 2 */
    abt_step(&s, REVIEW, 2 * H - 1);     /* the hour's last ms: capped */
    EXPECT(&s, 2, 30, 6, 0, 0, 2 * H - 1);
    CHECK(s.cap_bucket[1] == 1 && s.cap_count[1] == 2);
    abt_step(&s, REVIEW, 2 * H);         /* the next hour's first ms: counts */
    EXPECT(&s, 2, 38, 7, 0, 0, 2 * H);
    CHECK(s.cap_bucket[1] == 2 && s.cap_count[1] == 1);
    abt_step(&s, SPA, D + 1);            /* silence > 2h, and > 1d from start: restart; early */
    EXPECT(&s, 0, -2, 8, 1, D + 1, D + 1);
    CHECK(s.points[0] == 0 && s.points[1] == 0 && s.points[2] == 0);
    CHECK(s.cap_count[1] == 1);          /* caps go on across a restart */
    abt_step(&s, COMPLAINT, -1);         /* back in time: no restart; week -1: 1 of 1 */
    EXPECT(&s, 0, -12, 9, 1, D + 1, -1);
    CHECK(s.cap_bucket[2] == -1 && s.points[0] == -10);
    abt_step(&s, COMPLAINT, -7 * D);     /* week -1 still (floor): capped, costs nothing */
    EXPECT(&s, 0, -12, 10, 1, D + 1, -7 * D);
    abt_step(&s, COMPLAINT, -7 * D - 1); /* week -2: counts */
    EXPECT(&s, 0, -22, 11, 1, D + 1, -7 * D - 1);
    CHECK(s.cap_bucket[2] == -2);
    abt_state before;
    memcpy(&before, &s, sizeof s);
    abt_step(&s, -1, 5);                 /* ids out of range: nothing at all */
    abt_step(&s, N_EVENTS, 5);
    CHECK(same(&s, &before));
}

/* step_batch with times equals stepping each in turn; NULL times are 0. */
static void test_batch(void)
{
    static const uint32_t cust[] = { 1, 0, 1, 0, 0, 1, 0, 1, 0 };
    static const int32_t ev[] = { CHECKIN, CHECKIN, GREETED, CHECKIN, GREETED,
                                  REVIEW, SPA, REVIEW, COMPLAINT };
    static const int64_t t[] = { 0, 5, H, 6, 3 * H, 3 * H, 3 * H + 1, 4 * H, -D };
    enum { N = sizeof cust / sizeof cust[0] };
    abt_state batch[2], one[2];
    memset(batch, 0, sizeof batch); /* padding too: states compare by memcmp */
    memset(one, 0, sizeof one);
    for (int c = 0; c < 2; c++) {
        abt_init(&batch[c]);
        abt_init(&one[c]);
    }
    abt_step_batch(batch, cust, ev, t, N);
    for (int i = 0; i < N; i++)
        abt_step(&one[cust[i]], ev[i], t[i]);
    CHECK(same(&batch[0], &one[0]) && same(&batch[1], &one[1]));
    /* customer 0: checkin +8, checkin capped, greeted 3h later: restart, +6 */
    CHECK(batch[0].events == 5 && batch[0].start == 3 * H);

    for (int c = 0; c < 2; c++) {
        abt_init(&batch[c]);
        abt_init(&one[c]);
    }
    abt_step_batch(batch, cust, ev, NULL, N);
    for (int i = 0; i < N; i++)
        abt_step(&one[cust[i]], ev[i], 0);
    CHECK(same(&batch[0], &one[0]) && same(&batch[1], &one[1]));
    abt_step_batch(batch, NULL, NULL, NULL, 0);
    CHECK(same(&batch[0], &one[0]));
}

int main(void)
{
    test_constants();
    test_init();
    test_walk();
    test_batch();
    printf("abi time driver: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
