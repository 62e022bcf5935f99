/* step_batch.c - P_step_batch alone, on pre-decoded events in memory.
 *
 *   step_batch IDS.bin [RUNS]
 *
 * Built by bench/run.sh against the machine of examples/grand_hotel.exp with
 * prefix `hb`: hb.h from `expc build --emit=c --prefix hb`, linked either with
 * the generated hb.c (cc -O2) or with hb.o from `--emit=obj` (LLVM, the code
 * the JIT runs).  IDS.bin is written by `gen_events -b`: the benchmark log
 * with customers already turned into dense indexes and events into name
 * indexes, so nothing but the machine is timed - no parsing, no hashing.
 * Names are mapped to the machine's ids through hb_event_id.
 *
 * Two workloads, each run RUNS times (medians reported, states reset untimed
 * before every run), each one call of hb_step_batch over the whole array:
 *   log: the real customer sequence over all customers (1M states of 56 bytes
 *        do not fit in cache: half the events go to a random earlier
 *        customer, so this is bound by memory latency, not by the machine);
 *   hot: the same events folded onto 1024 customers (57 KiB of state), the
 *        machine's own speed.
 * Before timing, the log run is checked against a by-hand implementation of
 * docs/language.md §6 with the hotel's rules (any difference: exit 1), so a fast but
 * wrong machine cannot report a number.
 *
 * Built against a machine with time rules (HB_TIME 1: bench/run.sh's hotel
 * with `within`, `reset after` and a cap, prefix hb too), every event gets a
 * time, one second after the one before (the log is in time order), and
 * hb_step_batch takes them; the check is then the batch against hb_step one
 * event at a time (the by-hand rules know no time).  Without time rules
 * the times are NULL, as `expc run` passes them.
 *
 * Times are taken with the wall clock and with the process's CPU clock: on a
 * shared machine the first also counts other programs' turns on the CPU.
 * Output: human-readable lines, then one line for run.sh:
 *   RESULT log_eps=N hot_eps=N events=N customers=N log_cpu_eps=N hot_cpu_eps=N
 * (events per second: wall clock, then CPU time). */
#define _POSIX_C_SOURCE 200809L
#include "hb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOT 1024

static double now(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void read_exact(FILE *f, void *p, size_t size, size_t n, const char *path)
{
    if (fread(p, size, n, f) != n) {
        fprintf(stderr, "step_batch: %s: short or unreadable file\n", path);
        exit(66);
    }
}

/* The hotel by hand (as bench/baseline.c): note index, points. */
static const struct {
    const char *name;
    int note;
    int64_t w;
} REF[] = {
    {"fast_checkin", 0, 8}, {"greeted", 0, 6}, {"review_left", 1, 8},
    {"spa_booked", 2, 5}, {"newsletter_read", 1, 2}, {"complaint", 0, -10},
};
static const int64_t REF_THRESHOLD[3] = {12, 8, 5};
#define REF_PENALTY 2

static void ref_step(hb_state *s, int k)
{
    int j = REF[k].note;
    int64_t w = REF[k].w;
    s->events++;
    if (w < 0 || j <= s->stage) {
        s->score += w;
        s->points[j] += w;
    } else {
        s->score -= REF_PENALTY;
        s->early++;
    }
    while (s->stage < 3 && s->points[s->stage] >= REF_THRESHOLD[s->stage])
        s->stage++;
}

static double median(double *t, int runs)
{
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    return runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
}

/* Median wall-clock seconds of RUNS calls, and in *cpu the median CPU
 * seconds of this process over the same calls: on a shared machine the
 * wall clock also counts the time other programs had the CPU. */
static double median_run(hb_state *states, size_t n_states, const uint32_t *cust,
                         const int32_t *ev, const int64_t *tm, size_t n, int runs,
                         double *times, double *ctimes, double *cpu)
{
    for (int r = 0; r < runs; r++) {
        for (size_t i = 0; i < n_states; i++)
            hb_init(&states[i]);
        double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        hb_step_batch(states, cust, ev, tm, n);
        ctimes[r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        times[r] = now(CLOCK_MONOTONIC) - t0;
    }
    *cpu = median(ctimes, runs);
    return median(times, runs);
}

int main(int argc, char **argv)
{
    const char *path;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    FILE *f;
    char magic[8];
    uint64_t hdr[2];
    uint32_t n_names;
    int32_t map[64];
    int ref_of[64];
    uint32_t *cust, *hot;
    int32_t *ev, *name_of;
    int64_t *tm = NULL;
    hb_state *states, *ref;
    double *times, *ctimes;
    size_t n, nc, i;

    if (argc < 2 || argc > 3 || runs < 1) {
        fputs("usage: step_batch IDS.bin [RUNS]\n", stderr);
        return 2;
    }
    path = argv[1];
    if (!(f = fopen(path, "rb"))) {
        perror(path);
        return 66;
    }
    read_exact(f, magic, 1, 8, path);
    if (memcmp(magic, "EXPCIDS1", 8) != 0) {
        fprintf(stderr, "step_batch: %s: not a gen_events -b file\n", path);
        return 65;
    }
    read_exact(f, hdr, sizeof hdr[0], 2, path);
    read_exact(f, &n_names, sizeof n_names, 1, path);
    if (n_names > 64 || n_names > sizeof REF / sizeof *REF) {
        fprintf(stderr, "step_batch: %s: too many event names\n", path);
        return 65;
    }
    /* Name index (the generator's) -> the machine's event id, by name. */
    for (uint32_t k = 0; k < n_names; k++) {
        char name[64];
        size_t len = 0;
        int c;
        while ((c = getc(f)) > 0 && len < sizeof name - 1)
            name[len++] = (char)c;
        name[len] = 0;
        map[k] = hb_event_id(name, len);
        ref_of[k] = -1;
        for (size_t r = 0; r < sizeof REF / sizeof *REF; r++)
            if (strcmp(name, REF[r].name) == 0)
                ref_of[k] = (int)r;
        if (map[k] < 0 || ref_of[k] < 0) {
            fprintf(stderr, "step_batch: event %s unknown to the machine\n", name);
            return 1;
        }
    }
    n = (size_t)hdr[0];
    nc = (size_t)hdr[1];
    cust = malloc((n ? n : 1) * sizeof *cust);
    hot = malloc((n ? n : 1) * sizeof *hot);
    ev = malloc((n ? n : 1) * sizeof *ev);
    name_of = malloc((n ? n : 1) * sizeof *name_of);
    states = malloc((nc ? nc : 1) * sizeof *states);
    ref = malloc((nc ? nc : 1) * sizeof *ref);
    times = malloc((size_t)runs * sizeof *times);
    ctimes = malloc((size_t)runs * sizeof *ctimes);
    if (HB_TIME)
        tm = malloc((n ? n : 1) * sizeof *tm);
    if (!cust || !hot || !ev || !name_of || !states || !ref || !times || !ctimes ||
        (HB_TIME && !tm)) {
        fputs("step_batch: out of memory\n", stderr);
        return 70;
    }
    read_exact(f, cust, sizeof *cust, n, path);
    read_exact(f, name_of, sizeof *name_of, n, path);
    fclose(f);
    for (i = 0; i < n; i++) {
        if (cust[i] >= nc || (uint32_t)name_of[i] >= n_names) {
            fprintf(stderr, "step_batch: %s: index out of range at %zu\n", path, i);
            return 65;
        }
        ev[i] = map[name_of[i]];
        hot[i] = cust[i] % HOT;
        if (tm)
            tm[i] = (int64_t)i * 1000; /* one event a second, in order */
    }

    /* Correctness first: the machine against the by-hand rules (with time
     * rules: against hb_step, one event at a time). */
    for (i = 0; i < nc; i++) {
        hb_init(&states[i]);
        if (HB_TIME)
            hb_init(&ref[i]);
        else
            memset(&ref[i], 0, sizeof ref[i]);
    }
    hb_step_batch(states, cust, ev, tm, n);
    for (i = 0; i < n; i++) {
        if (HB_TIME)
            hb_step(&ref[cust[i]], ev[i], tm[i]);
        else
            ref_step(&ref[cust[i]], ref_of[name_of[i]]);
    }
    for (i = 0; i < nc; i++) {
        const hb_state *a = &states[i], *b = &ref[i];
        if (a->stage != b->stage || a->score != b->score || a->events != b->events
            || a->early != b->early || memcmp(a->points, b->points, sizeof a->points) != 0) {
            fprintf(stderr, "step_batch: customer %zu differs from the reference\n", i);
            return 1;
        }
    }

    double c_log, c_hot;
    double t_log = median_run(states, nc, cust, ev, tm, n, runs, times, ctimes, &c_log);
    double t_hot = median_run(states, nc < HOT ? nc : HOT, hot, ev, tm, n, runs, times, ctimes,
                              &c_hot);
    double log_eps = t_log > 0 ? (double)n / t_log : 0;
    double hot_eps = t_hot > 0 ? (double)n / t_hot : 0;
    double log_cps = c_log > 0 ? (double)n / c_log : 0;
    double hot_cps = c_hot > 0 ? (double)n / c_hot : 0;
    printf("step_batch: %zu events, %zu customers, %d runs each (median; wall clock, then "
           "CPU time)%s\n", n, nc, runs, HB_TIME ? ", time rules, with times" : "");
    printf("  log order, all customers: %8.4f s %7.1f M events/s | cpu %8.4f s %7.1f M events/s\n",
           t_log, log_eps / 1e6, c_log, log_cps / 1e6);
    printf("  hot set, %d customers:  %8.4f s %7.1f M events/s | cpu %8.4f s %7.1f M events/s\n",
           HOT, t_hot, hot_eps / 1e6, c_hot, hot_cps / 1e6);
    printf("RESULT log_eps=%.0f hot_eps=%.0f events=%zu customers=%zu log_cpu_eps=%.0f "
           "hot_cpu_eps=%.0f\n", log_eps, hot_eps, n, nc, log_cps, hot_cps);
    free(cust);
    free(hot);
    free(ev);
    free(name_of);
    free(states);
    free(ref);
    free(times);
    free(ctimes);
    free(tm);
    return 0;
}
