/* table.c - the customer table: customer id -> dense index, plus the states.
 *
 * Every event looks its customer up here, among millions, so the table is
 * built around cache misses.  Open addressing with linear probing over 8-byte
 * slots, at most 3/4 full; a slot holds a 32-bit hash and where the customer's
 * entry starts in one big byte buffer, `ids`.  An entry is the customer's
 * index and id length (two uint32), then the id bytes, padded to 8 bytes; the
 * entries are appended in order of first appearance, which is both the index
 * order and the output order, so the output simply walks the buffer.  There is
 * no allocation per customer, and a lookup touches two places: the slot and
 * the entry.  The id is hashed once per lookup (rt_table_hash, or by the
 * caller of rt_table_intern_many_h) and the hash kept in the slot, so a
 * probe passes other customers' slots on their hash alone, within the
 * slot's cache line, and reads an entry only for a matching hash.  Index i
 * owns states[i], one contiguous array that the engines' step_batch walks
 * directly.
 *
 * Memory per customer: 56 bytes of state, 8 of entry header, the id rounded up
 * to 8, and 8-16 bytes of slots; arrays grow by doubling (realloc of large
 * blocks moves pages, and untouched capacity costs no RSS).  About 90 MB for a
 * million customers with short ids. */
#include "expc/rt.h"

#include <stdlib.h>
#include <string.h>

#define RT_TABLE_MIN_SLOTS 2048
#define RT_TABLE_MIN_STATES 1024
#define RT_TABLE_HEAD 8        /* entry header: uint32 index, uint32 length */

void rt_table_init(rt_table *t)
{
    memset(t, 0, sizeof *t);
}

void rt_table_free(rt_table *t)
{
    free(t->slots);
    free(t->states);
    free(t->ids);
    memset(t, 0, sizeof *t);
}

static uint64_t tab_load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t tab_get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t tab_round(uint64_t h, uint64_t k)
{
    h = (h ^ (k * UINT64_C(0x87C37B91114253D5))) * UINT64_C(0x9E3779B97F4A7C15);
    return h ^ (h >> 29);
}

/* Eight bytes at a time, the last eight overlapping the ones before (so no
 * byte-by-byte tail); ids are short, but a 10 MB id must not take long
 * either.  (The values depend on byte order, which is harmless: only the
 * probing order does.) */
uint32_t rt_table_hash(const char *p, size_t n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)n * UINT64_C(0xC2B2AE3D27D4EB4F));
    if (n >= 8) {
        const char *last = p + n - 8;
        for (; p < last; p += 8)
            h = tab_round(h, tab_load64(p));
        h = tab_round(h, tab_load64(last));
    } else if (n >= 4) {
        h = tab_round(h, tab_get32(p) | (uint64_t)tab_get32(p + n - 4) << 32);
    } else if (n > 0) {
        h = tab_round(h, (unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8
                             | (uint64_t)(unsigned char)p[n - 1] << 16);
    }
    h ^= h >> 32;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 29;
    return (uint32_t)h;
}

/* Whether the n bytes at a and b are the same: short ids (most) with two
 * overlapping loads, no call. */
static bool tab_same(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16)
        return tab_load64(a) == tab_load64(b)
               && tab_load64(a + n - 8) == tab_load64(b + n - 8);
    if (n >= 4 && n < 8)
        return tab_get32(a) == tab_get32(b) && tab_get32(a + n - 4) == tab_get32(b + n - 4);
    return memcmp(a, b, n) == 0;
}

/* The entry a slot points at (slot.ent is its offset / 8, plus one). */
static const char *tab_entry(const rt_table *t, uint32_t ent)
{
    return t->ids + (size_t)(ent - 1) * 8;
}

/* Doubles the slot array and reinserts every slot from its stored hash (the
 * ids are not touched). */
static bool tab_rehash(rt_table *t)
{
    size_t nslots = t->slots ? (t->mask + 1) * 2 : RT_TABLE_MIN_SLOTS;
    size_t i, mask = nslots - 1;
    rt_slot *ns;
    if (nslots > SIZE_MAX / sizeof *ns || mask > UINT32_MAX)
        return false;
    ns = calloc(nslots, sizeof *ns);
    if (!ns)
        return false;
    if (t->slots) {
        for (i = 0; i <= t->mask; i++) {
            rt_slot sl = t->slots[i];
            size_t j;
            if (!sl.ent)
                continue;
            j = sl.hash & mask;
            while (ns[j].ent)
                j = (j + 1) & mask;
            ns[j] = sl;
        }
    }
    free(t->slots);
    t->slots = ns;
    t->mask = mask;
    return true;
}

/* Room for one more state (of e's size: the first call fixes the stride). */
static bool tab_grow_states(rt_table *t, const rt_engine *e)
{
    size_t cap = t->cap ? t->cap * 2 : RT_TABLE_MIN_STATES;
    rt_state *st;
    if (!t->states)
        t->stride = rt_engine_state_size(e);
    if (cap > SIZE_MAX / t->stride)
        return false;
    st = realloc(t->states, cap * t->stride);
    if (!st)
        return false;
    t->states = st;
    t->cap = cap;
    return true;
}

/* Appends customer t->n's entry; its slot value (offset / 8 + 1), or 0 when
 * memory or the 32-bit fields run out. */
static uint32_t tab_store_id(rt_table *t, const char *id, size_t len)
{
    size_t at = t->ids_len;
    size_t need;
    uint32_t v;
    if (len > UINT32_MAX || at / 8 >= UINT32_MAX)
        return 0;
    need = RT_TABLE_HEAD + (len + 7) / 8 * 8;
    if (need > t->ids_cap - at) {
        size_t cap = t->ids_cap ? t->ids_cap : (size_t)64 * 1024;
        char *ni;
        while (need > cap - at) {
            if (cap > SIZE_MAX / 2)
                return 0;
            cap *= 2;
        }
        ni = realloc(t->ids, cap);
        if (!ni)
            return 0;
        t->ids = ni;
        t->ids_cap = cap;
    }
    v = t->n;
    memcpy(t->ids + at, &v, 4);
    v = (uint32_t)len;
    memcpy(t->ids + at + 4, &v, 4);
    memcpy(t->ids + at + RT_TABLE_HEAD, id, len);
    /* Zero the padding: the bytes are then all defined (and compare). */
    memset(t->ids + at + RT_TABLE_HEAD + len, 0, need - RT_TABLE_HEAD - len);
    t->ids_len = at + need;
    return (uint32_t)(at / 8 + 1);
}

/* Customer `id` (hash h) when it is in the table, probing from slot j0
 * (h's home slot, or a later one of its probe sequence before which no
 * slot is empty or holds hash h); -1 when not. */
static int64_t tab_find(const rt_table *t, const char *id, size_t len, uint32_t h, size_t j0)
{
    size_t j;
    if (!t->slots)
        return -1;
    for (j = j0; t->slots[j].ent; j = (j + 1) & t->mask) {
        if (t->slots[j].hash == h) {
            const char *en = tab_entry(t, t->slots[j].ent);
            if (tab_get32(en + 4) == len && tab_same(en + RT_TABLE_HEAD, id, len))
                return tab_get32(en);
        }
    }
    return -1;
}

/* Adds customer `id` (hash h, not in the table) and initialises its
 * state; its index, or -1 when memory runs out. */
static int64_t tab_add(rt_table *t, const char *id, size_t len, uint32_t h,
                       const rt_engine *e)
{
    size_t j;
    uint32_t idx, ent;
    if (t->n >= UINT32_MAX - 1)
        return -1;
    if (!t->slots || (size_t)t->n + 1 > (t->mask + 1) / 4 * 3) {
        if (!tab_rehash(t))
            return -1;
    }
    if (t->n == t->cap && !tab_grow_states(t, e))
        return -1;
    ent = tab_store_id(t, id, len);
    if (!ent)
        return -1;
    idx = t->n++;
    for (j = h & t->mask; t->slots[j].ent; j = (j + 1) & t->mask)
        ;
    t->slots[j].hash = h;
    t->slots[j].ent = ent;
    memset(rt_table_state(t, idx), 0, t->stride);
    e->init(e->ctx, rt_table_state(t, idx));
    return idx;
}

int64_t rt_table_intern(rt_table *t, const char *id, size_t len, const rt_engine *e)
{
    uint32_t h = rt_table_hash(id, len);
    int64_t x = tab_find(t, id, len, h, h & t->mask);
    return x >= 0 ? x : tab_add(t, id, len, h, e);
}

/* Customers are looked up a group at a time, in passes.  With a million
 * customers every lookup misses the cache twice in a row (slot, then entry)
 * and the engine's step a third time (the state); one after the other, on a
 * virtual machine, that is most of a microsecond per event.  Here each
 * "touch" pass only reads what a later pass will need, for the whole group;
 * the passes are tight loops whose loads do not depend on each other, so the
 * processor keeps many misses in flight at once (plain ISO C: no prefetch
 * instruction needed).  The passes decide nothing: the last one does the real
 * lookups, in order, from the cache, exactly as one rt_table_intern each. */
#define RT_TABLE_GROUP 256

/* The lookups of one group of k (at most RT_TABLE_GROUP) ids, hashes h. */
static int tab_group(rt_table *t, const char *base, const size_t *off, const size_t *len,
                     const uint32_t *h, size_t k, uint32_t *idx, const rt_engine *e)
{
    size_t at[RT_TABLE_GROUP];   /* candidate entries' byte offsets */
    size_t from[RT_TABLE_GROUP]; /* where the probe stopped: the last pass resumes there */
    const rt_slot *sl = t->slots;
    size_t mask = t->mask, i;
    uint64_t sink = 0;
    if (sl) {
        for (i = 0; i < k; i++) /* touch the home slots */
            sink += sl[h[i] & mask].hash;
        for (i = 0; i < k; i++) {
            size_t j = h[i] & mask;
            while (sl[j].ent && sl[j].hash != h[i])
                j = (j + 1) & mask;
            from[i] = j;
            at[i] = sl[j].ent ? (size_t)(sl[j].ent - 1) * 8 : 0;
        }
        if (t->ids)
            for (i = 0; i < k; i++) /* touch the entries */
                sink += (unsigned char)t->ids[at[i]];
    }
    for (i = 0; i < k; i++) {
        /* Inserts only fill empty slots, so the probe may resume where the
         * touch pass stopped - unless the slots were rehashed since (the
         * mask only grows). */
        size_t j0 = sl && t->slots == sl && t->mask == mask ? from[i] : h[i] & t->mask;
        int64_t x = tab_find(t, base + off[i], len[i], h[i], j0);
        if (x < 0 && (x = tab_add(t, base + off[i], len[i], h[i], e)) < 0)
            return -1;
        idx[i] = (uint32_t)x;
    }
    for (i = 0; i < k; i++) /* touch the states, for the engine's step */
        sink += (uint64_t)rt_table_state(t, idx[i])->stage;
    t->sink += sink; /* a store, so the touching loads are kept */
    return 0;
}

int rt_table_intern_many_h(rt_table *t, const char *base, const size_t *off,
                           const size_t *len, const uint32_t *hash, size_t n, uint32_t *idx,
                           const rt_engine *e)
{
    size_t g, k;
    for (g = 0; g < n; g += k) {
        k = n - g < RT_TABLE_GROUP ? n - g : RT_TABLE_GROUP;
        if (tab_group(t, base, off + g, len + g, hash + g, k, idx + g, e) != 0)
            return -1;
    }
    return 0;
}

int rt_table_intern_many(rt_table *t, const char *base, const size_t *off,
                         const size_t *len, size_t n, uint32_t *idx, const rt_engine *e)
{
    uint32_t h[RT_TABLE_GROUP];
    size_t g, i, k;
    for (g = 0; g < n; g += k) {
        k = n - g < RT_TABLE_GROUP ? n - g : RT_TABLE_GROUP;
        for (i = 0; i < k; i++)
            h[i] = rt_table_hash(base + off[g + i], len[g + i]);
        if (tab_group(t, base, off + g, len + g, h, k, idx + g, e) != 0)
            return -1;
    }
    return 0;
}

const char *rt_table_next_id(const rt_table *t, size_t *pos, size_t *len)
{
    const char *en = t->ids + *pos;
    size_t n = tab_get32(en + 4);
    *len = n;
    *pos += RT_TABLE_HEAD + (n + 7) / 8 * 8;
    return en + RT_TABLE_HEAD;
}
