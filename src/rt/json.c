/* json.c - the runtime's JSON reader: one document checked against RFC 8259,
 * a few members of its top-level object picked out on the way (libc only, so
 * the standalone program of `expc build --main` carries it too).
 *
 * The grammar is followed to the letter: any value is a document (the caller
 * decides what a scalar line means); whitespace is space, tab, CR and LF only;
 * numbers are -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; strings hold no
 * raw control character (U+0000-U+001F), only the escapes \" \\ \/ \b \f \n
 * \r \t \uXXXX, and valid UTF-8 (RFC 3629: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF).  A \uXXXX escape that is half of a
 * surrogate pair with no other half is grammatical (RFC 8259 section 8.2), so
 * the document is valid; only rt_json_decode refuses to turn it into UTF-8,
 * because it stands for no character (docs/decisions.md).
 *
 * Nesting is tracked in a bit stack (1: object, 0: array) instead of by
 * recursion, so depth costs one bit, and RT_JSON_DEPTH levels are allowed;
 * one more is RT_JSON_DEEP (RFC 8259 section 9 lets a parser set the limit).
 *
 * Members: each wanted key is matched first as a whole key of the top-level
 * object, else as a dotted path through nested objects (`user.id`).  Of
 * duplicate keys the last counts, on every level of a path: a later `user`
 * replaces what an earlier `user` held.  A match only records where the raw
 * value lies; nothing is decoded or copied during the scan, so a line costs
 * no allocation and keys are compared in their escaped form only when they
 * hold a backslash. */
#include "expc/rt.h"

#include <string.h>

void rt_json_init(rt_json *j)
{
    memset(j, 0, sizeof *j);
}

bool rt_json_want(rt_json *j, const char *key, size_t len)
{
    rt_json_key *k;
    size_t i;
    if (j->n_keys >= RT_JSON_KEYS)
        return false;
    k = &j->keys[j->n_keys];
    k->name = key;
    k->len = len;
    k->n_seg = 0;
    for (i = 0; i <= len; i++) {
        if (i == len || key[i] == '.') {
            if (k->n_seg == RT_JSON_SEGS)
                return false;
            k->seg_end[k->n_seg++] = i;
        }
    }
    j->n_keys++;
    return true;
}

/* ---- the cursor --------------------------------------------------------- */

typedef struct json_cur {
    const unsigned char *p, *e;
} json_cur;

static void json_ws(json_cur *c)
{
    while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

int rt_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* After a backslash: one escape's tail.  false: not an escape of the grammar. */
static bool json_escape(json_cur *c)
{
    int i;
    if (c->p >= c->e)
        return false;
    switch (*c->p++) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return true;
    case 'u':
        if (c->e - c->p < 4)
            return false;
        for (i = 0; i < 4; i++)
            if (rt_hex(c->p[i]) < 0)
                return false;
        c->p += 4;
        return true;
    default:
        return false;
    }
}

/* A string after its opening quote, up to and past the closing one; its raw
 * contents go to *v.  Plain ASCII is skipped in a tight loop; bytes with the
 * high bit set are checked as UTF-8 once, over the whole string. */
static rt_json_status json_string(json_cur *c, rt_json_val *v)
{
    const unsigned char *s = c->p;
    bool high = false;
    v->esc = false;
    for (;;) {
        while (c->p < c->e && *c->p >= 0x20 && *c->p != '"' && *c->p != '\\' && *c->p < 0x80)
            c->p++;
        if (c->p >= c->e || *c->p < 0x20)
            return RT_JSON_SYNTAX;
        if (*c->p == '"')
            break;
        if (*c->p == '\\') {
            c->p++;
            v->esc = true;
            if (!json_escape(c))
                return RT_JSON_SYNTAX;
        } else {
            high = true;
            c->p++;
        }
    }
    v->type = RT_JSON_STRING;
    v->p = (const char *)s;
    v->n = (size_t)(c->p - s);
    c->p++;
    if (high && !rt_utf8_valid(v->p, v->n))
        return RT_JSON_UTF8;
    return RT_JSON_OK;
}

static bool json_digits(json_cur *c)
{
    const unsigned char *s = c->p;
    while (c->p < c->e && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > s;
}

/* A number; *v gets its text and whether it is an integer (no fraction, no
 * exponent).  What may follow it is the caller's business: `01` fails there. */
static rt_json_status json_number(json_cur *c, rt_json_val *v)
{
    const unsigned char *s = c->p;
    bool integer = true;
    if (*c->p == '-')
        c->p++;
    if (c->p < c->e && *c->p == '0')
        c->p++;
    else if (c->p >= c->e || *c->p < '1' || *c->p > '9' || !json_digits(c))
        return RT_JSON_SYNTAX;
    if (c->p < c->e && *c->p == '.') {
        c->p++;
        integer = false;
        if (!json_digits(c))
            return RT_JSON_SYNTAX;
    }
    if (c->p < c->e && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        integer = false;
        if (c->p < c->e && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!json_digits(c))
            return RT_JSON_SYNTAX;
    }
    v->type = integer ? RT_JSON_INT : RT_JSON_NUMBER;
    v->p = (const char *)s;
    v->n = (size_t)(c->p - s);
    v->esc = false;
    return RT_JSON_OK;
}

static rt_json_status json_literal(json_cur *c, rt_json_val *v)
{
    static const char *const words[] = { "true", "false", "null" };
    size_t i;
    for (i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(c->e - c->p) >= n && memcmp(c->p, words[i], n) == 0) {
            v->type = RT_JSON_OTHER;
            v->p = (const char *)c->p;
            v->n = n;
            v->esc = false;
            c->p += n;
            return RT_JSON_OK;
        }
    }
    return RT_JSON_SYNTAX;
}

/* ---- keys -------------------------------------------------------------- */

/* Whether the raw key text k (escapes undone) is exactly w[0, n). */
static bool json_key_is(const rt_json_val *k, const char *w, size_t n)
{
    char one[4];
    size_t i = 0, m = 0;
    if (!k->esc)
        return k->n == n && memcmp(k->p, w, n) == 0;
    if (k->n < n)
        return false; /* an escape never makes text longer */
    while (i < k->n) {
        size_t len = rt_json_decode_one(k->p + i, k->n - i, one, &i);
        if (len == 0 || len > n - m || memcmp(one, w + m, len) != 0)
            return false;
        m += len;
    }
    return m == n;
}

static void json_seg(const rt_json_key *k, size_t s, const char **p, size_t *n)
{
    size_t beg = s == 0 ? 0 : k->seg_end[s - 1] + 1;
    *p = k->name + beg;
    *n = k->seg_end[s] - beg;
}

/* A key was read in an object at depth `depth` (the top-level object is 1):
 * marks which wanted members the coming value is, and which paths it leads
 * further along. */
static void json_on_key(rt_json *j, const rt_json_val *key, uint32_t depth)
{
    size_t i;
    j->pend_val = j->pend_enter = 0;
    for (i = 0; i < j->n_keys; i++) {
        const rt_json_key *k = &j->keys[i];
        const char *sp;
        size_t sn;
        if (depth == 1 && k->n_seg > 1 && json_key_is(key, k->name, k->len))
            j->pend_whole |= 1u << i;
        if (j->matched[i] + 1 != depth || depth > k->n_seg)
            continue;
        json_seg(k, depth - 1, &sp, &sn);
        if (!json_key_is(key, sp, sn))
            continue;
        /* A later duplicate replaces whatever the earlier one led to. */
        j->path[i].type = RT_JSON_ABSENT;
        if (depth == k->n_seg)
            j->pend_val |= 1u << i;
        else
            j->pend_enter |= 1u << i;
    }
}

/* The value just read (or opened) belongs to the pending members. */
static void json_on_value(rt_json *j, const rt_json_val *v)
{
    size_t i;
    for (i = 0; i < j->n_keys; i++) {
        if (j->pend_whole & (1u << i))
            j->whole[i] = *v;
        if (j->pend_val & (1u << i))
            j->path[i] = *v;
    }
    j->pend_whole = j->pend_val = j->pend_enter = 0;
}

/* ---- the scan ------------------------------------------------------------ */

static bool json_push(rt_json *j, bool object)
{
    uint32_t d = j->depth;
    unsigned char bit = (unsigned char)(1u << (d & 7));
    if (d >= RT_JSON_DEPTH)
        return false;
    if (object)
        j->stack[d >> 3] |= bit;
    else
        j->stack[d >> 3] &= (unsigned char)~bit;
    j->depth = d + 1;
    return true;
}

static bool json_in_object(const rt_json *j)
{
    uint32_t d = j->depth - 1;
    return (j->stack[d >> 3] >> (d & 7)) & 1;
}

/* Closes the innermost container; a path that ran through it steps back. */
static void json_pop(rt_json *j)
{
    size_t i;
    for (i = 0; i < j->n_keys; i++)
        if (j->matched[i] > 0 && j->matched[i] + 1 == j->depth)
            j->matched[i]--;
    j->depth--;
}

/* Opens an object or array at c->p (which is `{` or `[`); *closed: it was
 * empty and is already closed again. */
static rt_json_status json_open(rt_json *j, json_cur *c, bool *closed)
{
    bool object = *c->p == '{';
    rt_json_val v = { RT_JSON_OTHER, (const char *)c->p, 0, false };
    size_t i;
    unsigned enter = j->pend_enter;
    json_on_value(j, &v);
    if (!json_push(j, object))
        return RT_JSON_DEEP;
    if (object) {
        for (i = 0; i < j->n_keys; i++)
            if (enter & (1u << i))
                j->matched[i] = j->depth - 1;
        if (j->depth == 1)
            j->object = true;
    }
    c->p++;
    json_ws(c);
    *closed = c->p < c->e && *c->p == (object ? '}' : ']');
    if (*closed) {
        c->p++;
        json_pop(j);
    }
    return RT_JSON_OK;
}

/* One member's key and colon, with the whitespace around them. */
static rt_json_status json_member_key(rt_json *j, json_cur *c)
{
    rt_json_val key;
    rt_json_status st;
    if (c->p >= c->e || *c->p != '"')
        return RT_JSON_SYNTAX;
    c->p++;
    if ((st = json_string(c, &key)) != RT_JSON_OK)
        return st;
    json_on_key(j, &key, j->depth);
    json_ws(c);
    if (c->p >= c->e || *c->p != ':')
        return RT_JSON_SYNTAX;
    c->p++;
    json_ws(c);
    return RT_JSON_OK;
}

/* One value at c->p: a scalar whole, or the opening of a container.
 * *more: a container was opened and its first element or member is next. */
static rt_json_status json_value(rt_json *j, json_cur *c, bool *more)
{
    rt_json_val v;
    rt_json_status st;
    *more = false;
    if (c->p >= c->e)
        return RT_JSON_SYNTAX;
    switch (*c->p) {
    case '{': case '[': {
        bool closed;
        bool object = *c->p == '{';
        st = json_open(j, c, &closed);
        if (st == RT_JSON_OK && !closed) {
            *more = true;
            if (object)
                st = json_member_key(j, c);
        }
        return st;
    }
    case '"':
        c->p++;
        st = json_string(c, &v);
        break;
    case 't': case 'f': case 'n':
        st = json_literal(c, &v);
        break;
    default:
        if (*c->p != '-' && (*c->p < '0' || *c->p > '9'))
            return RT_JSON_SYNTAX;
        st = json_number(c, &v);
        break;
    }
    if (st == RT_JSON_OK)
        json_on_value(j, &v);
    return st;
}

/* After a value inside a container: `,` and the next element or member, or
 * the closing bracket.  *more: another value is next. */
static rt_json_status json_after(rt_json *j, json_cur *c, bool *more)
{
    bool object = json_in_object(j);
    json_ws(c);
    *more = false;
    if (c->p >= c->e)
        return RT_JSON_SYNTAX;
    if (*c->p == ',') {
        c->p++;
        json_ws(c);
        *more = true;
        return object ? json_member_key(j, c) : RT_JSON_OK;
    }
    if (*c->p != (object ? '}' : ']'))
        return RT_JSON_SYNTAX;
    c->p++;
    json_pop(j);
    return RT_JSON_OK;
}

static void json_reset(rt_json *j)
{
    size_t i;
    j->depth = 0;
    j->object = false;
    j->pend_whole = j->pend_val = j->pend_enter = 0;
    for (i = 0; i < j->n_keys; i++) {
        j->whole[i].type = j->path[i].type = RT_JSON_ABSENT;
        j->matched[i] = 0;
    }
}

/* Every wanted member: the whole key if there was one, else the path. */
static void json_resolve(rt_json *j)
{
    size_t i;
    for (i = 0; i < j->n_keys; i++)
        j->val[i] = j->whole[i].type != RT_JSON_ABSENT ? j->whole[i] : j->path[i];
}

rt_json_status rt_json_scan(rt_json *j, const char *p, size_t n)
{
    json_cur c;
    rt_json_status st;
    bool more;
    c.p = (const unsigned char *)p;
    c.e = c.p + n;
    json_reset(j);
    json_ws(&c);
    st = json_value(j, &c, &more);
    /* Each turn reads one value (when one is due) and what follows it, until
     * the outermost container is closed. */
    while (st == RT_JSON_OK && (more || j->depth > 0)) {
        if (more)
            st = json_value(j, &c, &more);
        if (st == RT_JSON_OK && !more && j->depth > 0)
            st = json_after(j, &c, &more);
    }
    if (st != RT_JSON_OK)
        return st;
    json_ws(&c);
    if (c.p != c.e)
        return RT_JSON_SYNTAX;
    json_resolve(j);
    return RT_JSON_OK;
}

/* ---- decoding ------------------------------------------------------------ */

static uint32_t json_hex4(const char *p)
{
    return (uint32_t)(rt_hex((unsigned char)p[0]) << 12 | rt_hex((unsigned char)p[1]) << 8
                      | rt_hex((unsigned char)p[2]) << 4 | rt_hex((unsigned char)p[3]));
}

static size_t json_utf8(uint32_t u, char *out)
{
    if (u < 0x80) {
        out[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        out[0] = (char)(0xC0 | u >> 6);
        out[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        out[0] = (char)(0xE0 | u >> 12);
        out[1] = (char)(0x80 | (u >> 6 & 0x3F));
        out[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | u >> 18);
    out[1] = (char)(0x80 | (u >> 12 & 0x3F));
    out[2] = (char)(0x80 | (u >> 6 & 0x3F));
    out[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

/* \uXXXX at p (n bytes left, p[0] == 'u'): the code point, pairing a high
 * surrogate with the low one after it; *used gets the bytes read.  0xFFFFFFFF:
 * a surrogate without its other half. */
static uint32_t json_code_point(const char *p, size_t n, size_t *used)
{
    uint32_t u = json_hex4(p + 1), lo;
    *used = 5;
    if (u < 0xD800 || u > 0xDFFF)
        return u;
    if (u > 0xDBFF || n < 11 || p[5] != '\\' || p[6] != 'u')
        return 0xFFFFFFFFu;
    lo = json_hex4(p + 7);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 0xFFFFFFFFu;
    *used = 11;
    return 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
}

size_t rt_json_decode_one(const char *p, size_t n, char out[4], size_t *pos)
{
    size_t used;
    uint32_t u;
    if (p[0] != '\\') {
        out[0] = p[0];
        *pos += 1;
        return 1;
    }
    *pos += 2;
    switch (p[1]) {
    case 'b': out[0] = '\b'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'u': break;
    default: out[0] = p[1]; return 1;
    }
    u = json_code_point(p + 1, n - 1, &used);
    *pos += used - 1;
    return u == 0xFFFFFFFFu ? 0 : json_utf8(u, out);
}

size_t rt_json_decode(const char *p, size_t n, char *out)
{
    size_t i = 0, m = 0;
    while (i < n) {
        const char *bs = memchr(p + i, '\\', n - i);
        size_t plain = bs ? (size_t)(bs - (p + i)) : n - i;
        char one[4];
        size_t k;
        memmove(out + m, p + i, plain);
        m += plain;
        i += plain;
        if (i == n)
            break;
        k = rt_json_decode_one(p + i, n - i, one, &i);
        if (k == 0)
            return RT_JSON_BAD_TEXT;
        memcpy(out + m, one, k);
        m += k;
    }
    return m;
}
