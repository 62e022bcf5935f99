/* utf8.h - the one UTF-8 decoder of the compiler (the runtime in src/rt
 * keeps its own: it must stay self-contained for generated programs). */
#ifndef EXPC_UTF8_H
#define EXPC_UTF8_H
#include <stddef.h>

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when there is none
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
size_t utf8_len(const unsigned char *s, size_t n);
#endif
