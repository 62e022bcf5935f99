/* ndjson.c - the NDJSON event reader of `expc run` (jansson).
 *
 * One JSON object a line with string members "customer" and "event"; other
 * members are ignored (the last one wins when a member is repeated, as in
 * jansson).  Lines are cut from the same block buffer as CSV (rt_src), so a
 * line of any length works; each is checked as UTF-8 first (so the reason
 * matches CSV's) and then parsed by jansson, whose strings the record points
 * into until the next call.  A line that is empty or holds only JSON
 * whitespace is skipped; a CR before the LF is dropped; a UTF-8 byte order
 * mark at the very start is dropped.  Anything else that is not such an
 * object is invalid data: not valid JSON (a syntax error, a \u0000 or a lone
 * surrogate in a string), not a JSON object, no string member "customer" or
 * "event", an empty customer or event.
 *
 * This file is compiled into expc only: generated programs read CSV alone and
 * must not need jansson, so run.c calls it under RT_WITH_NDJSON. */
#include "expc/rt.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct rt_ndjson {
    rt_src *src;
    json_t *cur;              /* the last record's object, owns its strings */
    bool bom_done;
};

rt_ndjson *rt_ndjson_new(rt_src *src)
{
    rt_ndjson *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    r->src = src;
    r->cur = NULL;
    r->bom_done = false;
    return r;
}

void rt_ndjson_free(rt_ndjson *r)
{
    if (!r)
        return;
    json_decref(r->cur);
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

/* Fills rec from one non-blank line. */
static void nd_record(rt_ndjson *r, const char *p, size_t n, rt_rec *rec)
{
    json_error_t je;
    json_t *j, *c, *ev;
    rec->why = NULL;
    rec->cust = rec->event = "";
    rec->cust_len = rec->event_len = 0;
    if (!rt_utf8_valid(p, n)) {
        rec->why = RT_WHY_UTF8;
        return;
    }
    /* JSON_DECODE_ANY so that a scalar line is "not a JSON object" rather
     * than a syntax error. */
    /* JSON_ALLOW_NUL: "\u0000" is a character like any other; the CSV reader
     * takes a raw NUL in a field too. */
    j = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!j) {
        rec->why = RT_WHY_JSON;
        return;
    }
    if (!json_is_object(j)) {
        rec->why = RT_WHY_JSON_OBJECT;
    } else if (!json_is_string(c = json_object_get(j, "customer"))) {
        rec->why = RT_WHY_JSON_CUSTOMER;
    } else if (!json_is_string(ev = json_object_get(j, "event"))) {
        rec->why = RT_WHY_JSON_EVENT;
    } else if (json_string_length(c) == 0) {
        rec->why = RT_WHY_EMPTY_CUSTOMER;
    } else if (json_string_length(ev) == 0) {
        rec->why = RT_WHY_EMPTY_EVENT;
    } else {
        rec->cust = json_string_value(c);
        rec->cust_len = json_string_length(c);
        rec->event = json_string_value(ev);
        rec->event_len = json_string_length(ev);
        r->cur = j;
        return;
    }
    json_decref(j);
}

int rt_ndjson_next(rt_ndjson *r, rt_rec *rec)
{
    rt_src *s = r->src;
    json_decref(r->cur);
    r->cur = NULL;
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
