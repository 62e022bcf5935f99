/* floor.c - the floor of `make bench`: the least work any scorer of a log does.
 *
 *   floor [-t THREADS] EVENTS.csv        prints "lines N customers M"
 *
 * Reads the log, splits it into lines, takes each line's first field (the
 * customer id: unquoted when it is quoted, a doubled quote made one) and
 * finds or adds it in a hash table - nothing else: no event lookup, no
 * scoring, no output table, no validation of the rest of the line.  Every
 * scorer of the hotel (expc's engines, bench/baseline.c, Python, DuckDB)
 * does at least this, so its time is what the hardware allows for the job;
 * bench/report.py states each engine's time against it.  Made as fast as
 * plain C goes on one core:
 *  - the log is read with read(2) in 4 MiB blocks (no mmap page faults), and
 *    lines are found with memchr (vectorised in glibc);
 *  - ids are hashed 8 bytes at a time, and the table is probed in batches of
 *    32: every slot is prefetched before the first is compared, so the cache
 *    misses of a million-customer table overlap instead of queueing;
 *  - a slot (32 bytes, half a cache line) holds the hash, the length and an
 *    id of up to 16 bytes inline, so a probe touches one line (compared with
 *    two 8-byte loads, no memcmp call); longer ids sit in an arena;
 *  - the table is asked for huge pages (madvise), so the random probes of a
 *    table larger than the TLB reaches do not each wait for a page walk.
 * A line break always ends a line (the generated logs have none inside a
 * quoted field), an id with a doubled quote is kept to its first 256 bytes,
 * and the header is the first line.  Exit 1 on an I/O error or
 * no memory, 2 on usage. */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BLOCK (4u << 20)
#define BATCH 32
#define INLINE 16

typedef struct {
    uint64_t h;
    uint32_t len;   /* 0: empty */
    uint32_t pad;
    union {
        char in[INLINE];
        uint64_t off; /* into the arena when len > INLINE */
    } id;
} slot_t;

/* One thread's share: its byte range of the file, its table and arena, and
 * the batch of ids it is about to look up (pointers into its block, or into
 * `unq` for quoted ids with a doubled quote, copied out unescaped). */
typedef struct {
    int fd;
    off_t from, to; /* lines starting in [from, to) */
    int header;     /* the first line is the header */
    uint64_t lines;
    slot_t *tab;
    uint64_t mask, used;
    char *arena;
    size_t arena_len, arena_cap;
    int k;
    const char *ids[BATCH];
    uint32_t lens[BATCH];
    uint64_t hashes[BATCH];
    char unq[BATCH][256];
    const char *err;
} part_t;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("floor: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The hash of an id: 8-byte words folded with a multiply (the last word may
 * overlap the one before; ids of under 8 bytes are read byte by byte). */
static uint64_t hash_id(const char *p, uint32_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    if (n >= 8) {
        uint32_t i = 0;
        for (; i + 8 < n; i += 8)
            h = (h ^ load8(p + i)) * 0xBF58476D1CE4E5B9u;
        h = (h ^ load8(p + n - 8)) * 0x94D049BB133111EBu;
    } else {
        uint64_t v = 0;
        for (uint32_t i = 0; i < n; i++)
            v = v << 8 | (unsigned char)p[i];
        h = (h ^ v) * 0x94D049BB133111EBu;
    }
    return h ^ h >> 29;
}

static const char *slot_id(const part_t *t, const slot_t *s)
{
    return s->len <= INLINE ? s->id.in : t->arena + s->id.off;
}

static void put(slot_t *tab, uint64_t m, uint64_t h, const char *p, uint32_t n, uint64_t off)
{
    uint64_t i = h & m;
    while (tab[i].len)
        i = (i + 1) & m;
    tab[i].h = h;
    tab[i].len = n;
    if (n <= INLINE)
        memcpy(tab[i].id.in, p, n);
    else
        tab[i].id.off = off;
}

/* A zeroed table of m + 1 slots, on huge pages where the kernel has them. */
static slot_t *tab_new(uint64_t m)
{
    size_t n = (size_t)(m + 1) * sizeof(slot_t);
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fputs("floor: out of memory\n", stderr);
        exit(1);
    }
    madvise(p, n, MADV_HUGEPAGE); /* a hint: without it the table still works */
    return p;
}

static void grow(part_t *t)
{
    uint64_t m = t->mask ? t->mask * 2 + 1 : (1u << 16) - 1;
    slot_t *tab = tab_new(m);
    for (uint64_t i = 0; t->mask && i <= t->mask; i++)
        if (t->tab[i].len)
            put(tab, m, t->tab[i].h, slot_id(t, &t->tab[i]), t->tab[i].len, t->tab[i].id.off);
    if (t->tab)
        munmap(t->tab, (size_t)(t->mask + 1) * sizeof(slot_t));
    t->tab = tab;
    t->mask = m;
}

/* Whether the n bytes at a and b are the same, n <= INLINE without a call. */
static int same_id(const char *a, const char *b, uint32_t n)
{
    if (n >= 8 && n <= 16)
        return load8(a) == load8(b) && load8(a + n - 8) == load8(b + n - 8);
    return memcmp(a, b, n) == 0;
}

static void find_or_add(part_t *t, uint64_t h, const char *p, uint32_t n)
{
    uint64_t i = h & t->mask;
    for (;;) {
        const slot_t *s = &t->tab[i];
        if (!s->len)
            break;
        if (s->h == h && s->len == n && same_id(slot_id(t, s), p, n))
            return;
        i = (i + 1) & t->mask;
    }
    uint64_t off = 0;
    if (n > INLINE) {
        if (t->arena_len + n > t->arena_cap) {
            t->arena_cap = t->arena_cap ? t->arena_cap * 2 : 1u << 20;
            t->arena = xrealloc(t->arena, t->arena_cap);
        }
        memcpy(t->arena + t->arena_len, p, n);
        off = t->arena_len;
        t->arena_len += n;
    }
    put(t->tab, t->mask, h, p, n, off);
    t->used++;
}

/* Looks up the batch: every slot prefetched, then each id found or added. */
static void flush(part_t *t)
{
    if ((t->used + (uint64_t)t->k) * 2 > t->mask)
        grow(t);
    for (int i = 0; i < t->k; i++) {
        t->hashes[i] = hash_id(t->ids[i], t->lens[i]);
        __builtin_prefetch(&t->tab[t->hashes[i] & t->mask]);
    }
    for (int i = 0; i < t->k; i++)
        find_or_add(t, t->hashes[i], t->ids[i], t->lens[i]);
    t->k = 0;
}

/* The first field of the line [p, e) into the batch. */
static void first_field(part_t *t, const char *p, const char *e)
{
    int k = t->k++;
    if (*p != '"') {
        const char *c = memchr(p, ',', (size_t)(e - p));
        t->ids[k] = p;
        t->lens[k] = (uint32_t)((c ? c : e) - p);
        return;
    }
    p++;
    const char *q = memchr(p, '"', (size_t)(e - p));
    if (!q || q + 1 >= e || q[1] != '"') { /* no doubled quote: the id in place */
        t->ids[k] = p;
        t->lens[k] = (uint32_t)((q ? q : e) - p);
        return;
    }
    uint32_t n = 0;
    for (; p < e && n < sizeof t->unq[k]; p++) {
        if (*p == '"') {
            if (p + 1 < e && p[1] == '"')
                p++;
            else
                break;
        }
        t->unq[k][n++] = *p;
    }
    t->ids[k] = t->unq[k];
    t->lens[k] = n;
}

/* The lines of one block [p, end) that start before `stop` (a file offset;
 * `base` is p's); returns where the unfinished last line starts, or NULL
 * once a line starts at or past `stop`. */
static const char *lines_of(part_t *t, const char *p, const char *end, off_t base, off_t stop)
{
    const char *start = p, *nl;
    while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
        if (base + (p - start) >= stop)
            return NULL;
        const char *e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (e > p) {
            if (t->header)
                t->header = 0;
            else {
                first_field(t, p, e);
                t->lines++;
                if (t->k == BATCH)
                    flush(t);
            }
        }
        p = nl + 1;
    }
    return base + (p - start) >= stop ? NULL : p;
}

/* A thread: the lines starting in [from, to).  A part not at the start of
 * the file begins after the first line break at or after from - 1. */
static void *part_run(void *arg)
{
    part_t *t = arg;
    char *buf = xrealloc(NULL, BLOCK + 1);
    size_t have = 0;
    off_t pos = t->from > 0 ? t->from - 1 : 0, base = pos;
    int skip = t->from > 0, eof = 0;
    grow(t);
    while (!eof) {
        ssize_t r = pread(t->fd, buf + have, BLOCK - have, pos);
        if (r < 0) {
            t->err = strerror(errno);
            break;
        }
        pos += r;
        have += (size_t)r;
        eof = r == 0;
        if (eof && have && buf[have - 1] != '\n')
            buf[have++] = '\n'; /* a last line without its line break */
        const char *p = buf, *end = buf + have;
        if (skip) {
            const char *nl = memchr(p, '\n', have);
            if (!nl) {
                if (eof)
                    break;
                base += (off_t)have; /* still in the line before the part */
                have = 0;
                continue;
            }
            skip = 0;
            p = nl + 1;
        }
        const char *rest = lines_of(t, p, end, base + (p - buf), t->to);
        flush(t); /* ids point into buf: done before it is refilled */
        if (!rest)
            break;
        base += rest - buf;
        have = (size_t)(end - rest);
        memmove(buf, rest, have);
        if (have == BLOCK) {
            t->err = "a line longer than 4 MiB";
            break;
        }
    }
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = 1;
    if (argc == 4 && strcmp(argv[1], "-t") == 0) {
        threads = atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc != 2 || threads < 1 || threads > 64) {
        fputs("usage: floor [-t THREADS] EVENTS.csv   (1 to 64 threads)\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
    if (fd < 0 || size < 0) {
        fprintf(stderr, "floor: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    part_t *parts = calloc((size_t)threads, sizeof *parts);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!parts || !tid) {
        fputs("floor: out of memory\n", stderr);
        return 1;
    }
    for (int i = 0; i < threads; i++) {
        parts[i].fd = fd;
        parts[i].from = size * i / threads;
        parts[i].to = i + 1 == threads ? size + 1 : size * (i + 1) / threads;
        parts[i].header = i == 0;
        if (i && pthread_create(&tid[i], NULL, part_run, &parts[i]) != 0) {
            fputs("floor: cannot start a thread\n", stderr);
            return 1;
        }
    }
    part_run(&parts[0]);
    uint64_t lines = parts[0].lines;
    for (int i = 1; i < threads; i++) {
        pthread_join(tid[i], NULL);
        lines += parts[i].lines;
        /* the merge: part i's customers into part 0's table */
        part_t *t = &parts[i];
        for (uint64_t j = 0; j <= t->mask; j++)
            if (t->tab[j].len) {
                int k = parts[0].k++;
                parts[0].ids[k] = slot_id(t, &t->tab[j]);
                parts[0].lens[k] = t->tab[j].len;
                if (k + 1 == BATCH)
                    flush(&parts[0]);
            }
        flush(&parts[0]);
    }
    for (int i = 0; i < threads; i++)
        if (parts[i].err) {
            fprintf(stderr, "floor: %s: %s\n", argv[1], parts[i].err);
            return 1;
        }
    printf("lines %llu customers %llu\n", (unsigned long long)lines,
           (unsigned long long)parts[0].used);
    return 0;
}
