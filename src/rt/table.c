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
 * the entry.  Index i owns states[i], one contiguous array that the engines'
 * step_batch walks directly.
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

static uint64_t tab_mix(uint64_t k)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    k *= UINT64_C(0xc4ceb9fe1a85ec53);
    k ^= k >> 33;
    return k;
}

/* Eight bytes at a time; ids are short, but a 10 MB id must not take long
 * either.  (The values depend on byte order, which is harmless: only the
 * probing order does.) */
static uint32_t tab_hash(const char *p, size_t n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)n * UINT64_C(0xC2B2AE3D27D4EB4F));
    while (n >= 8) {
        uint64_t k;
        memcpy(&k, p, 8);
        h = (h ^ (k * UINT64_C(0x87C37B91114253D5))) * UINT64_C(0x9E3779B97F4A7C15);
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t k = 0;
        memcpy(&k, p, n);
        h = (h ^ (k * UINT64_C(0x87C37B91114253D5))) * UINT64_C(0x9E3779B97F4A7C15);
    }
    return (uint32_t)tab_mix(h);
}

static uint32_t tab_get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
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

/* The lookup proper, with the hash already computed. */
static int64_t tab_intern_h(rt_table *t, const char *id, size_t len, uint32_t h,
                            const rt_engine *e)
{
    size_t j;
    uint32_t idx, ent;
    if (t->slots) {
        for (j = h & t->mask; t->slots[j].ent; j = (j + 1) & t->mask) {
            if (t->slots[j].hash == h) {
                const char *en = tab_entry(t, t->slots[j].ent);
                if (tab_get32(en + 4) == len && memcmp(en + RT_TABLE_HEAD, id, len) == 0)
                    return tab_get32(en);
            }
        }
    }
    /* A new customer. */
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
    return tab_intern_h(t, id, len, tab_hash(id, len), e);
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

int rt_table_intern_many(rt_table *t, const char *base, const size_t *off,
                         const size_t *len, size_t n, uint32_t *idx, const rt_engine *e)
{
    uint32_t h[RT_TABLE_GROUP];
    size_t at[RT_TABLE_GROUP];   /* candidate entries' byte offsets */
    size_t g, i, k;
    for (g = 0; g < n; g += k) {
        uint64_t sink = 0;
        k = n - g < RT_TABLE_GROUP ? n - g : RT_TABLE_GROUP;
        for (i = 0; i < k; i++)
            h[i] = tab_hash(base + off[g + i], len[g + i]);
        if (t->slots) {
            const rt_slot *sl = t->slots;
            size_t mask = t->mask;
            for (i = 0; i < k; i++) /* touch the home slots */
                sink += sl[h[i] & mask].hash;
            for (i = 0; i < k; i++) {
                size_t j = h[i] & mask;
                while (sl[j].ent && sl[j].hash != h[i])
                    j = (j + 1) & mask;
                at[i] = sl[j].ent ? (size_t)(sl[j].ent - 1) * 8 : 0;
            }
            if (t->ids)
                for (i = 0; i < k; i++) /* touch the entries */
                    sink += (unsigned char)t->ids[at[i]];
        }
        for (i = 0; i < k; i++) {
            int64_t x = tab_intern_h(t, base + off[g + i], len[g + i], h[i], e);
            if (x < 0)
                return -1;
            idx[g + i] = (uint32_t)x;
        }
        for (i = 0; i < k; i++) /* touch the states, for the engine's step */
            sink += (uint64_t)rt_table_state(t, idx[g + i])->stage;
        t->sink += sink; /* a store, so the touching loads are kept */
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
