/* ndjson.c - the NDJSON event reader of `expc run` and of the standalone
 * program (on json.c, libc only).
 *
 * One JSON document a line; a line is an event when it is an object with a
 * member "customer" (a string, or an integer number taken as the decimal text
 * it is written as) and a string member "event" (or the members --customer
 * and --event name: a whole key first, else a dotted path; with --time the
 * time member too, a string or a number); other members are ignored,
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
#include "expc/rt_time.h"

#include <stdlib.h>
#include <string.h>

/* Room for a reason naming a member: the name quoted by rt_time_quote. */
#define RT_ND_WHY (RT_TIME_QUOTE_MAX + 64)

struct rt_ndjson {
    rt_src *src;
    bool bom_done;
    bool timed;               /* val[2]: the time member */
    rt_json json;             /* val[0]: customer, val[1]: event */
    /* The reasons naming a member given by an option; the default names
     * keep their constant reasons (RT_WHY_JSON_*). */
    const char *why_cust, *why_cust_type, *why_event, *why_time, *why_time_type;
    char buf[5][RT_ND_WHY];
};

/* why printf'd with the member's name, quoted and escaped as every name
 * in a message (rt_time_quote), into buf[slot]. */
static const char *nd_why(rt_ndjson *r, int slot, const char *fmt, const char *name)
{
    char q[RT_TIME_QUOTE_MAX];
    rt_time_quote(q, name, strlen(name));
    snprintf(r->buf[slot], RT_ND_WHY, fmt, q);
    return r->buf[slot];
}

rt_ndjson *rt_ndjson_new(rt_src *src, const char *const want[3])
{
    rt_ndjson *r = malloc(sizeof *r);
    const char *c = want && want[0] ? want[0] : "customer";
    const char *e = want && want[1] ? want[1] : "event";
    const char *t = want ? want[2] : NULL;
    if (!r)
        return NULL;
    r->src = src;
    r->bom_done = false;
    r->timed = t != NULL;
    rt_json_init(&r->json);
    /* false (too many path parts) leaves the member unfound: every line
     * then lacks it, which the message says. */
    rt_json_want(&r->json, c, strlen(c));
    rt_json_want(&r->json, e, strlen(e));
    if (t)
        rt_json_want(&r->json, t, strlen(t));
    r->why_cust = want && want[0] ? nd_why(r, 0, "no string member %s", c)
                                  : RT_WHY_JSON_CUSTOMER;
    r->why_cust_type = want && want[0]
                           ? nd_why(r, 1, "member %s is neither a string nor an integer", c)
                           : RT_WHY_JSON_CUSTOMER_TYPE;
    r->why_event = want && want[1] ? nd_why(r, 2, "no string member %s", e)
                                   : RT_WHY_JSON_EVENT;
    r->why_time = t ? nd_why(r, 3, "no member %s", t) : NULL;
    r->why_time_type = t ? nd_why(r, 4, "member %s is neither a string nor a number", t)
                         : NULL;
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

/* The time member of a valid line: a string (its text) or a number (as
 * written); otherwise rec->time_why, reported only for a declared event. */
static void nd_time(rt_ndjson *r, char *line, rt_rec *rec)
{
    const rt_json_val *t = &r->json.val[2];
    if (t->type == RT_JSON_ABSENT)
        rec->time_why = r->why_time;
    else if (t->type == RT_JSON_INT || t->type == RT_JSON_NUMBER) {
        rec->time = t->p;
        rec->time_len = t->n;
    } else if (t->type != RT_JSON_STRING) {
        rec->time_why = r->why_time_type;
    } else if (t->p == r->json.val[0].p || t->p == r->json.val[1].p) {
        /* the customer's or the event's member, decoded already */
        bool c = t->p == r->json.val[0].p;
        rec->time = c ? rec->cust : rec->event;
        rec->time_len = c ? rec->cust_len : rec->event_len;
    } else if (!nd_text(line, t, &rec->time, &rec->time_len))
        rec->time_why = "time holds an unpaired surrogate escape";
}

/* Fills rec from one non-blank line (p, n bytes, in the reader's buffer). */
static void nd_record(rt_ndjson *r, char *p, size_t n, rt_rec *rec)
{
    const rt_json_val *c = &r->json.val[0], *ev = &r->json.val[1];
    rt_json_status st = rt_json_scan(&r->json, p, n);
    rec->why = rec->time_why = NULL;
    rec->cust = rec->event = rec->time = "";
    rec->cust_len = rec->event_len = rec->time_len = 0;
    if (st != RT_JSON_OK)
        rec->why = nd_scan_why(st, p, n);
    else if (!r->json.object)
        rec->why = RT_WHY_JSON_OBJECT;
    else if (c->type == RT_JSON_ABSENT)
        rec->why = r->why_cust;
    else if (c->type != RT_JSON_STRING && c->type != RT_JSON_INT)
        rec->why = r->why_cust_type;
    else if (ev->type != RT_JSON_STRING)
        rec->why = r->why_event;
    else if (!nd_text(p, c, &rec->cust, &rec->cust_len))
        rec->why = RT_WHY_JSON_SURROGATE_C;
    else if (ev->p == c->p) { /* one member named twice: decoded once */
        rec->event = rec->cust;
        rec->event_len = rec->cust_len;
    } else if (!nd_text(p, ev, &rec->event, &rec->event_len))
        rec->why = RT_WHY_JSON_SURROGATE_E;
    else if (rec->cust_len == 0)
        rec->why = RT_WHY_EMPTY_CUSTOMER;
    else if (rec->event_len == 0)
        rec->why = RT_WHY_EMPTY_EVENT;
    if (!rec->why && r->timed)
        nd_time(r, p, rec);
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
