/* time_parse.c - how many event times a second rt_time_parse (src/rt/evtime.c)
 * reads, per form of time.  Not part of `make bench` or of the tests; run by
 * hand when the parser changes:
 *
 *   mkdir -p build/bench
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -o build/bench/time_parse \
 *      bench/time_parse.c src/rt/evtime.c
 *   build/bench/time_parse [SECONDS_PER_FORM]     (default 0.5)
 *
 * Each form gets 4096 different strings (random dates, clocks and digits,
 * from a fixed seed), so branches and caches see a realistic mix rather than
 * one string over and over; they are parsed round after round until the time
 * is up.  Prints one line per form: strings/s and ns per string, in CPU
 * time of this process (a shared machine's other jobs then cost us only
 * through caches and the clock), the best of three runs. */
#include "expc/rt_time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL 4096
#define WIDTH 48

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* One string of form f into buf. */
static void make(int f, char *buf)
{
    unsigned y = 1970 + rnd(60), mo = 1 + rnd(12), d = 1 + rnd(28);
    unsigned h = rnd(24), mi = rnd(60), s = rnd(60);
    unsigned long long sec = 1000000000ull + rnd(800000000);
    switch (f) {
    case 0: snprintf(buf, WIDTH, "%llu", sec); break;
    case 1: snprintf(buf, WIDTH, "%llu.%03u", sec, rnd(1000)); break;
    case 2: snprintf(buf, WIDTH, "-%llu.%09u", sec, rnd(1000000000)); break;
    case 3: snprintf(buf, WIDTH, "%04u-%02u-%02u", y, mo, d); break;
    case 4: snprintf(buf, WIDTH, "%04u-%02u-%02uT%02u:%02uZ", y, mo, d, h, mi); break;
    case 5: snprintf(buf, WIDTH, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, h, mi, s); break;
    case 6:
        snprintf(buf, WIDTH, "%04u-%02u-%02u %02u:%02u:%02u.%03u", y, mo, d, h, mi, s, rnd(1000));
        break;
    case 7:
        snprintf(buf, WIDTH, "%04u-%02u-%02uT%02u:%02u:%02u.%09u+05:30", y, mo, d, h, mi, s,
                 rnd(1000000000));
        break;
    default: snprintf(buf, WIDTH, "%04u-%02u-%02uT%02u:%02u:60Z", y, mo, d, h, mi); break;
    }
}

static const char *const names[] = {
    "epoch seconds             1718427967",
    "epoch milliseconds        1718427967.123",
    "epoch negative, 9 digits  -1718427967.123456789",
    "date                      2024-06-15",
    "date and minute, Z        2024-06-15T05:06Z",
    "RFC 3339 seconds, Z       2024-06-15T05:06:07Z",
    "space, milliseconds       2024-06-15 05:06:07.123",
    "nanoseconds, offset       2024-06-15T05:06:07.123456789+05:30",
    "bad (leap second)         2024-06-15T05:06:60Z",
};
#define FORMS ((int)(sizeof names / sizeof *names))

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Strings per second over about `secs` seconds. */
static double rate(char (*pool)[WIDTH], const size_t *len, double secs, int64_t *sink)
{
    uint64_t n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < POOL; i++) {
            int64_t ms = 0;
            *sink += rt_time_parse(pool[i], len[i], &ms) + ms;
        }
        n += POOL;
    } while ((t = now()) - t0 < secs);
    return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
    static char pool[POOL][WIDTH];
    static size_t len[POOL];
    double secs = argc > 1 ? atof(argv[1]) : 0.5;
    int64_t sink = 0;
    for (int f = 0; f < FORMS; f++) {
        double best = 0;
        for (int i = 0; i < POOL; i++) {
            make(f, pool[i]);
            len[i] = strlen(pool[i]);
        }
        for (int run = 0; run < 3; run++) {
            double r = rate(pool, len, secs, &sink);
            best = r > best ? r : best;
        }
        printf("%-64s %7.1f M/s %6.1f ns\n", names[f], best / 1e6, 1e9 / best);
    }
    fprintf(stderr, "(checksum %" PRId64 ")\n", sink);
    return 0;
}
