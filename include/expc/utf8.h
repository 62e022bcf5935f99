/* utf8.h - the one UTF-8 decoder, for the compiler's own files (lexer, JSON
 * diagnostics, backends).  It lives in the runtime (src/rt/utf8.c), which
 * programs generated with --main embed, so rt.h declares it too. */
#ifndef EXPC_UTF8_H
#define EXPC_UTF8_H
#include <stddef.h>

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when there is none
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
size_t rt_utf8_len(const unsigned char *s, size_t n);
#endif
