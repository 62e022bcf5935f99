/* hash.c - 32-bit FNV-1a (see hash.h): small, no table, good enough for
 * identifiers, and simple to write again in generated code. */
#include "expc/hash.h"

uint32_t hash_fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}
