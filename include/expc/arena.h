/* arena.h - the per-compilation memory pool.
 *
 * Every node, string and table a compilation makes lives in one arena and is
 * released with it, so no error path can leak (QBE's pool, lcc's arenas). */
#ifndef EXPC_ARENA_H
#define EXPC_ARENA_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void   arena_free(arena *a);
/* Zeroed, aligned for any type.  Aborts on out-of-memory (exit 70). */
void  *arena_alloc(arena *a, size_t size);
/* A copy of `size` bytes at p, in the arena. */
void  *arena_copy(arena *a, const void *p, size_t size);
/* A node of type T from a compound literal: ARENA_NEW(a, ast_cap, .count = c,
 * .sp = sp) allocates it and sets the fields named (the rest zero), so a
 * constructor says only which fields it sets. */
#define ARENA_NEW(a, T, ...) ((T *)arena_copy((a), &(T){ __VA_ARGS__ }, sizeof(T)))
char  *arena_strndup(arena *a, const char *s, size_t n);
char  *arena_strdup(arena *a, const char *s);
char  *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char  *arena_vprintf(arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Grow-by-doubling array held in an arena (old blocks are simply abandoned). */
void  *arena_grow(arena *a, void *old, size_t old_count, size_t new_count,
                  size_t elem);

/* Out-of-memory: print and exit 70, the internal-error code of the spec. */
void   xoom(void) __attribute__((noreturn));
void  *xmalloc(size_t n);
void  *xrealloc(void *p, size_t n);
/* Resizes the array whose pointer is at pp to n elements of `size` bytes:
 * true; or false, the array unchanged, when memory runs out (for code that
 * answers out-of-memory instead of exiting: the service). */
bool   try_grow(void *pp, size_t n, size_t size);
/* printf into a malloc'd string (free() it). */
char  *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
