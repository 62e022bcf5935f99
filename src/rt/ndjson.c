/* ndjson.c - the NDJSON event reader of `expc run` and of the standalone
 * program (on json.c, libc only).
 *
 * One JSON document a line; a line is an event when it is an object with a
 * member "customer" (a string, or an integer number taken as the decimal text
 * it is written as) and a string member "event"; other members are ignored,
 * and of repeated members the last counts.  Lines are cut from the same block
 * buffer as CSV (rt_src), so a line of any length works, and the members'
 * escapes are undone in place in that buffer: the record points into it until
 * the next call, and nothing is allocated per line.  A line that is empty or
 * holds only spaces, tabs and CRs is skipped; a CR before the LF is dropped; a
 * UTF-8 byte order mark at the very start is dropped.  Anything else is invalid
 * data: bytes that are not UTF-8 (first, so the reason matches CSV's), not
 * valid JSON, nesting deeper than RT_JSON_DEPTH, not an object, no such
 * member or one of the wrong type, a member holding an escaped surrogate
 * without its other half (it stands for no character: docs/decisions.md), an
 * empty customer or event. */
#include "expc/rt.h"

#include <stdlib.h>
#include <string.h>

struct rt_ndjson {
    rt_src *src;
    bool bom_done;
    rt_json json;             /* val[0]: customer, val[1]: event */
};

rt_ndjson *rt_ndjson_new(rt_src *src)
{
    rt_ndjson *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    r->src = src;
    r->bom_done = false;
    rt_json_init(&r->json);
    rt_json_want(&r->json, "customer", 8);
    rt_json_want(&r->json, "event", 5);
    return r;
}

void rt_ndjson_free(rt_ndjson *r)
{
    free(r);
}

static bool nd_blank(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

/* Why a line that rt_json_scan refused is invalid. */
static const char *nd_scan_why(rt_json_status st, const char *p, size_t n)
{
    if (st == RT_JSON_UTF8 || !rt_utf8_valid(p, n))
        return RT_WHY_UTF8;
    return st == RT_JSON_DEEP ? RT_WHY_JSON_DEEP : RT_WHY_JSON;
}

/* A string member's text, its escapes undone in place in the line (v->p
 * points into `line`, which the reader owns); false: a lone surrogate. */
static bool nd_text(char *line, const rt_json_val *v, const char **out, size_t *len)
{
    char *w = line + (v->p - line);
    size_t n = v->n;
    if (v->esc && (n = rt_json_decode(w, v->n, w)) == RT_JSON_BAD_TEXT)
        return false;
    *out = w;
    *len = n;
    return true;
}

/* Fills rec from one non-blank line (p, n bytes, in the reader's buffer). */
static void nd_record(rt_ndjson *r, char *p, size_t n, rt_rec *rec)
{
    const rt_json_val *c = &r->json.val[0], *ev = &r->json.val[1];
    rt_json_status st = rt_json_scan(&r->json, p, n);
    rec->why = NULL;
    rec->cust = rec->event = "";
    rec->cust_len = rec->event_len = 0;
    if (st != RT_JSON_OK)
        rec->why = nd_scan_why(st, p, n);
    else if (!r->json.object)
        rec->why = RT_WHY_JSON_OBJECT;
    else if (c->type == RT_JSON_ABSENT)
        rec->why = RT_WHY_JSON_CUSTOMER;
    else if (c->type != RT_JSON_STRING && c->type != RT_JSON_INT)
        rec->why = RT_WHY_JSON_CUSTOMER_TYPE;
    else if (ev->type != RT_JSON_STRING)
        rec->why = RT_WHY_JSON_EVENT;
    else if (!nd_text(p, c, &rec->cust, &rec->cust_len))
        rec->why = RT_WHY_JSON_SURROGATE_C;
    else if (!nd_text(p, ev, &rec->event, &rec->event_len))
        rec->why = RT_WHY_JSON_SURROGATE_E;
    else if (rec->cust_len == 0)
        rec->why = RT_WHY_EMPTY_CUSTOMER;
    else if (rec->event_len == 0)
        rec->why = RT_WHY_EMPTY_EVENT;
}

int rt_ndjson_next(rt_ndjson *r, rt_rec *rec)
{
    rt_src *s = r->src;
    if (!r->bom_done) {
        int m = rt_src_skip_bom(s);
        if (m < 0)
            return m;
        r->bom_done = true;
    }
    for (;;) {
        char *b = s->buf + s->beg;
        char *e = s->buf + s->end;
        char *nl = b < e ? memchr(b, '\n', (size_t)(e - b)) : NULL;
        size_t n;
        if (!nl && !s->eof) {
            int m = rt_src_more(s);
            if (m < 0)
                return m;
            continue;
        }
        if (!nl && b == e)
            return RT_NEXT_EOF;
        n = (size_t)((nl ? nl : e) - b);
        s->beg += n + (nl ? 1 : 0);
        rec->line = s->line++;
        if (n > 0 && b[n - 1] == '\r')
            n--;
        if (nd_blank(b, n))
            continue;
        nd_record(r, b, n, rec);
        return RT_NEXT_REC;
    }
}
