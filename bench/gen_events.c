/* gen_events.c - a seeded, deterministic event log for the hotel benchmark.
 *
 *   gen_events EVENTS CUSTOMERS [SEED] [-b IDS.bin] > events.csv
 *
 * Writes EVENTS data lines (after a header `customer,event,ts,channel`) for
 * examples/grand_hotel.exp, shaped like a real export rather than like a
 * microbenchmark, because the readers and the customer table are most of the
 * cost of `expc run`:
 *  - exactly CUSTOMERS distinct customers, who arrive over the whole log (a
 *    new one with probability left-customers / left-events, so the count is
 *    exact); every customer's first event is a declared one, so customer k
 *    (in order of arrival) is also row k of the score table;
 *  - a returning customer is, half of the time, one of the 10,000 who arrived
 *    last (stays are local in time) and otherwise anyone seen so far;
 *  - the six declared events in a realistic mix, plus 3 % of events the
 *    experience does not declare (minibar_opened, wifi_login, ...), which the
 *    scorers skip and count;
 *  - ids: mostly plain (`G04718233`), 2 % display names that need quoting
 *    (`"Lindqvist, M. 04718233"`), 0.2 % with a doubled quote inside
 *    (`"Guest ""VIP"" 04718233"`), and 1 % of the plain ids quoted although
 *    they need not be (some exporters quote everything);
 *  - two extra columns the scorers ignore: an ISO 8601 timestamp that moves
 *    forward 0-3 s per line, and a channel.
 *
 * With -b, the same stream is also written pre-decoded for bench/step_batch.c
 * (little-endian host layout, it never leaves this machine):
 *   "EXPCIDS1"  u64 n  u64 customers  u32 n_names  n_names NUL-terminated
 *   event names  then n u32 customer indexes  then n i32 name indexes
 * with the undeclared events left out (they are no events of any customer).
 *
 * The generator is a splitmix64 stream from SEED: same arguments, same bytes,
 * on any machine.  Output goes through one large buffer (10M lines take a
 * couple of seconds; Python would take minutes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the modulo bias is far below anything measured). */
static uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The event mix, in per mille.  `declared` marks the events of
 * examples/grand_hotel.exp; the others are skipped by every scorer. */
static const struct {
    const char *name;
    unsigned permille;
    int declared;
} EVENTS[] = {
    {"fast_checkin", 220, 1},
    {"greeted", 200, 1},
    {"review_left", 150, 1},
    {"newsletter_read", 150, 1},
    {"spa_booked", 170, 1},
    {"complaint", 80, 1},
    {"minibar_opened", 12, 0},
    {"wifi_login", 10, 0},
    {"room_service", 5, 0},
    {"late_checkout", 3, 0},
};
#define N_EVENTS (sizeof EVENTS / sizeof *EVENTS)
#define RECENT 10000 /* the window of "recent" customers */

static const char *const SURNAMES[16] = {
    "Lindqvist", "Okafor", "Moreau", "Tanaka", "Schmidt", "Rossi", "Novak", "Silva",
    "Kowalski", "Nguyen", "Haddad", "Murphy", "Jensen", "Costa", "Ivanova", "Brennan",
};
static const char *const CHANNELS[4] = {"app", "web", "desk", "phone"};

static char *obuf;
static size_t olen;
#define OBUF_CAP ((size_t)4 << 20)

static void flush_out(void)
{
    if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
        perror("gen_events: write");
        exit(74);
    }
    olen = 0;
}

static void put(const char *p, size_t n)
{
    memcpy(obuf + olen, p, n);
    olen += n;
}

/* Zero-padded decimal of `width` digits. */
static void put_num(uint64_t v, int width)
{
    char *p = obuf + olen + width;
    int i;
    for (i = 0; i < width; i++) {
        *--p = (char)('0' + v % 10);
        v /= 10;
    }
    olen += (size_t)width;
}

/* Customer k's id as it appears in the CSV (quoted when `quote_plain` and
 * the id is plain: the same customer either way). */
static void put_customer(uint64_t k, uint64_t seed, int quote_plain)
{
    uint64_t h = mix(k ^ (seed * UINT64_C(0x9E3779B97F4A7C15)));
    uint64_t num = (k * UINT64_C(7919) + UINT64_C(1234567)) % UINT64_C(100000000);
    unsigned kind = (unsigned)(h % 1000);
    if (kind < 20) {
        const char *s = SURNAMES[(h >> 16) & 15];
        char init = (char)('A' + (h >> 24) % 26);
        put("\"", 1);
        put(s, strlen(s));
        put(", ", 2);
        put(&init, 1);
        put(". ", 2);
        put_num(num, 8);
        put("\"", 1);
    } else if (kind < 22) {
        put("\"Guest \"\"VIP\"\" ", 15);
        put_num(num, 8);
        put("\"", 1);
    } else {
        if (quote_plain)
            put("\"", 1);
        put("G", 1);
        put_num(num, 8);
        if (quote_plain)
            put("\"", 1);
    }
}

/* Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm). */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

/* YYYY-MM-DDTHH:MM:SSZ; the date part is recomputed only when the day changes. */
static void put_ts(uint64_t t)
{
    static int64_t day = -1;
    static char date[48];
    int64_t dd = (int64_t)(t / 86400);
    unsigned s = (unsigned)(t % 86400);
    if (dd != day) {
        int y;
        unsigned m, d;
        civil(dd, &y, &m, &d);
        snprintf(date, sizeof date, "%04d-%02u-%02u", y, m, d);
        day = dd;
    }
    put(date, 10);
    put("T", 1);
    put_num(s / 3600, 2);
    put(":", 1);
    put_num(s / 60 % 60, 2);
    put(":", 1);
    put_num(s % 60, 2);
    put("Z", 1);
}

static void usage(void)
{
    fputs("usage: gen_events EVENTS CUSTOMERS [SEED] [-b IDS.bin] > events.csv\n", stderr);
    exit(2);
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!*s || *s == '-')
        return 0;
    *v = strtoull(s, &end, 10);
    return *end == 0;
}

static void write_all(FILE *f, const void *p, size_t size, size_t n, const char *path)
{
    if (fwrite(p, size, n, f) != n) {
        perror(path);
        exit(74);
    }
}

int main(int argc, char **argv)
{
    uint64_t n_events = 0, n_cust = 0, seed = 1, have = 0;
    const char *bin_path = NULL;
    uint32_t *bcust = NULL;
    int32_t *bev = NULL;
    uint64_t bn = 0;
    unsigned cum[N_EVENTS], cum_decl[N_EVENTS], total = 0, total_decl = 0;
    uint64_t seen = 0, i, t = UINT64_C(1767225600); /* 2026-01-01T00:00:00Z */
    size_t k;
    int a;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-b") == 0) {
            if (++a == argc)
                usage();
            bin_path = argv[a];
        } else {
            uint64_t v;
            if (!parse_u64(argv[a], &v))
                usage();
            if (have == 0)
                n_events = v;
            else if (have == 1)
                n_cust = v;
            else if (have == 2)
                seed = v;
            else
                usage();
            have++;
        }
    }
    if (have < 2 || n_cust > n_events || n_cust > UINT64_C(100000000)
        || (n_events > 0 && n_cust == 0)) {
        fputs("gen_events: need 0 < CUSTOMERS <= EVENTS and CUSTOMERS <= 100000000\n", stderr);
        usage();
    }
    for (k = 0; k < N_EVENTS; k++) {
        total += EVENTS[k].permille;
        cum[k] = total;
        total_decl += EVENTS[k].declared ? EVENTS[k].permille : 0;
        cum_decl[k] = total_decl;
    }
    rng_state = seed;
    obuf = malloc(OBUF_CAP);
    if (bin_path) {
        bcust = malloc((n_events ? n_events : 1) * sizeof *bcust);
        bev = malloc((n_events ? n_events : 1) * sizeof *bev);
    }
    if (!obuf || (bin_path && (!bcust || !bev))) {
        fputs("gen_events: out of memory\n", stderr);
        return 70;
    }
    put("customer,event,ts,channel\n", 26);
    for (i = 0; i < n_events; i++) {
        uint64_t c;
        unsigned r;
        size_t e;
        int quote_plain;
        const char *ch;
        if (OBUF_CAP - olen < 256)
            flush_out();
        if (seen == 0 || (seen < n_cust && rng_below(n_events - i) < n_cust - seen)) {
            /* A new customer, whose first event is a declared one. */
            c = seen++;
            r = (unsigned)rng_below(total_decl);
            for (e = 0; cum_decl[e] <= r; e++)
                ;
        } else {
            if (rng_next() & 1)
                c = rng_below(seen);
            else
                c = seen - 1 - rng_below(seen < RECENT ? seen : RECENT);
            r = (unsigned)rng_below(total);
            for (e = 0; cum[e] <= r; e++)
                ;
        }
        quote_plain = rng_below(100) == 0;
        t += rng_below(4);
        put_customer(c, seed, quote_plain);
        put(",", 1);
        put(EVENTS[e].name, strlen(EVENTS[e].name));
        put(",", 1);
        put_ts(t);
        put(",", 1);
        ch = CHANNELS[rng_next() & 3];
        put(ch, strlen(ch));
        put("\n", 1);
        if (bin_path && EVENTS[e].declared) {
            bcust[bn] = (uint32_t)c;
            bev[bn] = (int32_t)e;
            bn++;
        }
    }
    flush_out();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_events: write");
        return 74;
    }
    if (bin_path) {
        FILE *f = fopen(bin_path, "wb");
        uint32_t n_names = 0;
        uint64_t hdr[2];
        if (!f) {
            perror(bin_path);
            return 73;
        }
        for (k = 0; k < N_EVENTS; k++)
            n_names += (uint32_t)EVENTS[k].declared;
        hdr[0] = bn;
        hdr[1] = n_cust;
        write_all(f, "EXPCIDS1", 1, 8, bin_path);
        write_all(f, hdr, sizeof hdr[0], 2, bin_path);
        write_all(f, &n_names, sizeof n_names, 1, bin_path);
        /* The declared events come first in EVENTS, so name index == e. */
        for (k = 0; k < n_names; k++)
            write_all(f, EVENTS[k].name, 1, strlen(EVENTS[k].name) + 1, bin_path);
        write_all(f, bcust, sizeof *bcust, (size_t)bn, bin_path);
        write_all(f, bev, sizeof *bev, (size_t)bn, bin_path);
        if (fclose(f) != 0) {
            perror(bin_path);
            return 74;
        }
    }
    free(obuf);
    free(bcust);
    free(bev);
    return 0;
}
