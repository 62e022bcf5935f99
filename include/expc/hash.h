/* hash.h - the one string hash of expc: 32-bit FNV-1a.
 *
 * Every table keyed by names (the interpreter's event lookup, the event
 * table the C and LLVM backends put in data) hashes with this function.
 * The generated P_event_id of the C backend spells the same function out in
 * C, so the values it computes must stay the published FNV-1a ones. */
#ifndef EXPC_HASH_H
#define EXPC_HASH_H
#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 32 bits, of the n bytes at s. */
uint32_t hash_fnv1a(const char *s, size_t n);
#endif
