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
 * plain C goes:
 *  - the log is read with pread(2) in 4 MiB blocks (no mmap page faults),
 *    and lines are found with memchr (vectorised in glibc);
 *  - ids are hashed 8 bytes at a time, and the table is probed in batches of
 *    32: every slot is prefetched before the first is compared, so the cache
 *    misses of a million-customer table overlap instead of queueing;
 *  - a slot (32 bytes, half a cache line) holds the hash, the length and an
 *    id of up to 16 bytes inline, so a probe touches one line (compared with
 *    two 8-byte loads, no memcmp call); longer ids sit in an arena;
 *  - the table is asked for huge pages (madvise), so the random probes of a
 *    table larger than the TLB reaches do not each wait for a page walk;
 *  - with -t N (default 1), N threads each read an Nth of the file (cut at
 *    line starts) and the customers are partitioned by hash, each thread
 *    owning the table of its part: in rounds, every thread splits a block
 *    into lines and sorts its ids (with their hashes) by owner, then, after
 *    a barrier, every thread adds the ids it owns, from all the blocks, to
 *    its table.  No table is shared, none is merged, and the tables
 *    together hold each customer once.
 * A line break always ends a line (the generated logs have none inside a
 * quoted field), an id with a doubled quote is kept to its first 256 bytes
 * on one thread, and the header is the first line.  Exit 1 on an I/O error
 * or no memory, 2 on usage. */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE, pthread_barrier_t */
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
#define MAXT 64

typedef struct {
    uint64_t h;
    uint32_t len;   /* 0: empty */
    uint32_t pad;
    union {
        char in[INLINE];
        uint64_t off; /* into the arena when len > INLINE */
    } id;
} slot_t;

/* An id of this round's block, on its way to the thread that owns it. */
typedef struct {
    uint64_t h;
    const char *p;
    uint32_t n;
} rec_t;

/* One thread: its byte range of the file and its read state, its table and
 * arena, the batch of ids it is about to look up, and (with several
 * threads) the ids of its current block sorted by owner. */
typedef struct part {
    int fd;
    off_t from, to; /* lines starting in [from, to) */
    int id, n;      /* this thread, of n */
    struct part *all;
    pthread_barrier_t *bar;
    char *buf;      /* BLOCK + 1 bytes; buf[0] is at file offset base */
    size_t have, rest;
    off_t pos, base;
    int header, skip, finished;
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
    rec_t *out[MAXT];
    size_t out_len[MAXT], out_cap[MAXT];
    char *scratch;  /* unquoted ids of the round (several threads) */
    size_t scratch_len;
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

/* Looks up the batch (ids, lengths and hashes set): every slot
 * prefetched, then each id found or added. */
static void flush(part_t *t)
{
    if ((t->used + (uint64_t)t->k) * 2 > t->mask)
        grow(t);
    for (int i = 0; i < t->k; i++)
        __builtin_prefetch(&t->tab[t->hashes[i] & t->mask]);
    for (int i = 0; i < t->k; i++)
        find_or_add(t, t->hashes[i], t->ids[i], t->lens[i]);
    t->k = 0;
}

static void batch_add(part_t *t, uint64_t h, const char *p, uint32_t n)
{
    t->ids[t->k] = p;
    t->lens[t->k] = n;
    t->hashes[t->k] = h;
    if (++t->k == BATCH)
        flush(t);
}

/* The first field of the line [p, e): *id and the length, which is in
 * place unless a doubled quote is unescaped into dst (cap bytes). */
static uint32_t first_field(const char *p, const char *e, char *dst, size_t cap,
                            const char **id)
{
    if (*p != '"') {
        const char *c = memchr(p, ',', (size_t)(e - p));
        *id = p;
        return (uint32_t)((c ? c : e) - p);
    }
    p++;
    const char *q = memchr(p, '"', (size_t)(e - p));
    if (!q || q + 1 >= e || q[1] != '"') { /* no doubled quote: the id in place */
        *id = p;
        return (uint32_t)((q ? q : e) - p);
    }
    uint32_t n = 0;
    for (; p < e && n < cap; p++) {
        if (*p == '"') {
            if (p + 1 < e && p[1] == '"')
                p++;
            else
                break;
        }
        dst[n++] = *p;
    }
    *id = dst;
    return n;
}

/* One line's id: into the batch (one thread), or to its owner's list. */
static void take(part_t *t, const char *p, const char *e)
{
    const char *id;
    if (t->n == 1) {
        uint32_t n = first_field(p, e, t->unq[t->k], sizeof t->unq[t->k], &id);
        batch_add(t, hash_id(id, n), id, n);
        return;
    }
    char *dst = t->scratch + t->scratch_len;
    uint32_t n = first_field(p, e, dst, (size_t)(e - p), &id);
    if (id == dst)
        t->scratch_len += n;
    uint64_t h = hash_id(id, n);
    int o = (int)((h >> 40) % (uint64_t)t->n);
    if (t->out_len[o] == t->out_cap[o]) {
        t->out_cap[o] = t->out_cap[o] ? t->out_cap[o] * 2 : 4096;
        t->out[o] = xrealloc(t->out[o], t->out_cap[o] * sizeof(rec_t));
    }
    t->out[o][t->out_len[o]++] = (rec_t){ h, id, n };
}

/* The lines of [p, end) that start before `stop` (a file offset; `at` is
 * p's); returns where the unfinished last line starts, or NULL once a line
 * starts at or past `stop`. */
static const char *lines_of(part_t *t, const char *p, const char *end, off_t at, off_t stop)
{
    const char *start = p, *nl;
    while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
        if (at + (p - start) >= stop)
            return NULL;
        const char *e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (e > p) {
            if (t->header)
                t->header = 0;
            else {
                take(t, p, e);
                t->lines++;
            }
        }
        p = nl + 1;
    }
    return at + (p - start) >= stop ? NULL : p;
}

/* Reads and splits the next block of the thread's range (after the
 * unfinished line of the last one); sets `finished` at its end.  A range
 * not at the start of the file begins after the first line break at or
 * after from - 1. */
static void produce(part_t *t)
{
    memmove(t->buf, t->buf + t->rest, t->have - t->rest);
    t->have -= t->rest;
    t->rest = 0;
    ssize_t r = pread(t->fd, t->buf + t->have, BLOCK - t->have, t->pos);
    if (r < 0) {
        t->err = strerror(errno);
        t->finished = 1;
        return;
    }
    t->pos += r;
    t->have += (size_t)r;
    int eof = r == 0;
    if (eof && t->have && t->buf[t->have - 1] != '\n')
        t->buf[t->have++] = '\n'; /* a last line without its line break */
    const char *p = t->buf, *end = t->buf + t->have;
    if (t->skip) {
        const char *nl = memchr(p, '\n', t->have);
        if (!nl) { /* still in the line before the range */
            t->base += (off_t)t->have;
            t->have = 0;
            t->finished = eof;
            return;
        }
        t->skip = 0;
        p = nl + 1;
    }
    const char *rest = lines_of(t, p, end, t->base + (p - t->buf), t->to);
    if (t->n == 1)
        flush(t); /* ids point into buf: done before it is refilled */
    if (!rest || eof) {
        t->finished = 1;
        return;
    }
    t->rest = (size_t)(rest - t->buf);
    t->base += (off_t)t->rest;
    if (t->have - t->rest == BLOCK) {
        t->err = "a line longer than 4 MiB";
        t->finished = 1;
    }
}

/* Adds the ids this thread owns, from every thread's block, to its table. */
static void consume(part_t *t)
{
    for (int s = 0; s < t->n; s++) {
        const part_t *src = &t->all[s];
        for (size_t i = 0; i < src->out_len[t->id]; i++) {
            const rec_t *r = &src->out[t->id][i];
            batch_add(t, r->h, r->p, r->n);
        }
    }
    flush(t);
}

/* A thread: its range in blocks; with several threads, in rounds - split a
 * block, wait for all, add what it owns, wait for all (then the blocks and
 * lists may be reused) - until every range is done. */
static void *part_run(void *arg)
{
    part_t *t = arg;
    t->buf = xrealloc(NULL, BLOCK + 1);
    if (t->n > 1)
        t->scratch = xrealloc(NULL, BLOCK + 1);
    t->pos = t->base = t->from > 0 ? t->from - 1 : 0;
    t->skip = t->from > 0;
    grow(t);
    while (t->n == 1 && !t->finished)
        produce(t);
    while (t->n > 1) {
        if (!t->finished)
            produce(t);
        pthread_barrier_wait(t->bar);
        consume(t);
        int done = 1;
        for (int s = 0; s < t->n; s++)
            done &= t->all[s].finished;
        pthread_barrier_wait(t->bar);
        for (int o = 0; o < t->n; o++)
            t->out_len[o] = 0;
        t->scratch_len = 0;
        if (done)
            break;
    }
    free(t->buf);
    free(t->scratch);
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
    if (argc != 2 || threads < 1 || threads > MAXT) {
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
    pthread_barrier_t bar;
    if (!parts || !tid || pthread_barrier_init(&bar, NULL, (unsigned)threads) != 0) {
        fputs("floor: out of memory\n", stderr);
        return 1;
    }
    for (int i = 0; i < threads; i++) {
        parts[i].fd = fd;
        parts[i].from = size * i / threads;
        parts[i].to = i + 1 == threads ? size + 1 : size * (i + 1) / threads;
        parts[i].header = i == 0;
        parts[i].id = i;
        parts[i].n = threads;
        parts[i].all = parts;
        parts[i].bar = &bar;
    }
    for (int i = 1; i < threads; i++)
        if (pthread_create(&tid[i], NULL, part_run, &parts[i]) != 0) {
            fputs("floor: cannot start a thread\n", stderr);
            return 1;
        }
    part_run(&parts[0]);
    uint64_t lines = 0, customers = 0;
    for (int i = 0; i < threads; i++) {
        if (i)
            pthread_join(tid[i], NULL);
        lines += parts[i].lines;
        customers += parts[i].used;
    }
    for (int i = 0; i < threads; i++)
        if (parts[i].err) {
            fprintf(stderr, "floor: %s: %s\n", argv[1], parts[i].err);
            return 1;
        }
    printf("lines %llu customers %llu\n", (unsigned long long)lines,
           (unsigned long long)customers);
    for (int i = 0; i < threads; i++) {
        munmap(parts[i].tab, (size_t)(parts[i].mask + 1) * sizeof(slot_t));
        free(parts[i].arena);
        for (int o = 0; o < threads; o++)
            free(parts[i].out[o]);
    }
    pthread_barrier_destroy(&bar);
    free(parts);
    free(tid);
    close(fd);
    return 0;
}
