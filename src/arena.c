/* arena.c - bump allocator in large chunks; freed all at once.
 *
 * A compilation allocates thousands of small nodes and frees none of them
 * until it ends, so a bump pointer over 64 KiB chunks is both the fastest and
 * the safest allocator: error paths need no cleanup code at all. */
#include "expc/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/exitcode.h"

#define CHUNK (64 * 1024)

struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct chunk *head;
};

void xoom(void)
{
    fputs("expc: out of memory\n", stderr);
    exit(RT_EXIT_SOFTWARE);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        xoom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        xoom();
    return p;
}

bool try_grow(void *pp, size_t n, size_t size)
{
    size_t bytes = n * size;
    void *p = size && n > SIZE_MAX / size ? NULL : realloc(*(void **)pp, bytes > 0 ? bytes : 1);
    if (!p)
        return false;
    *(void **)pp = p;
    return true;
}

arena *arena_new(void)
{
    arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    return a;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    struct chunk *c = a->head;
    while (c) {
        struct chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void *arena_alloc(arena *a, size_t size)
{
    size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    struct chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t cap = size > CHUNK / 4 ? size : CHUNK;
        if (size > SIZE_MAX - sizeof *c)
            xoom();
        c = xmalloc(sizeof *c + cap);
        c->size = cap;
        c->used = 0;
        /* A big one-off block goes behind the current chunk so the
         * current chunk's free space is not wasted. */
        if (cap != CHUNK && a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void *arena_copy(arena *a, const void *p, size_t size)
{
    return memcpy(arena_alloc(a, size), p, size);
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

/* The length printf would write, for sizing a buffer; out of memory (the
 * only way vsnprintf fails here) exits 70. */
static size_t printf_len(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        xoom();
    return (size_t)n;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    size_t n = printf_len(fmt, ap);
    char *p = arena_alloc(a, n + 1);
    vsnprintf(p, n + 1, fmt, ap);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = printf_len(fmt, ap);
    char *p = xmalloc(n + 1);
    vsnprintf(p, n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(arena *a, void *old, size_t old_count, size_t new_count,
                 size_t elem)
{
    if (new_count && elem > SIZE_MAX / new_count)
        xoom();
    void *p = arena_alloc(a, new_count * elem);
    if (old && old_count)
        memcpy(p, old, old_count * elem);
    return p;
}
