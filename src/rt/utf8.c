/* utf8.c - the one UTF-8 decoder of expc, in the runtime because programs
 * generated with --main embed the runtime and need it too; the lexer, the
 * JSON diagnostics and the backends that copy user text call it too (it is
 * declared in rt.h).  Strict RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF. */
#include <stdint.h>
#include <string.h>

#include "expc/rt.h"

size_t rt_utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    /* The second byte's range rules out overlong forms, surrogates and
     * values past U+10FFFF. */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Event data is nearly all ASCII, so eight bytes are checked at a time until
 * a byte with the high bit shows up. */
bool rt_utf8_valid(const char *str, size_t n)
{
    const unsigned char *p = (const unsigned char *)str;
    const unsigned char *e = p + n;
    while (p < e) {
        size_t k;
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            p += 8;
        }
        if (p == e)
            break;
        k = rt_utf8_len(p, (size_t)(e - p));
        if (k == 0)
            return false;
        p += k;
    }
    return true;
}
