/* serve_body.c - a POST /v1/events body read into events.
 *
 * The body goes through the runtime's own readers (src/rt/csv.c, ndjson.c
 * over a memory stream), so a body is read by exactly the rules of `expc
 * run` (docs/language.md, event logs): columns, headers, JSON, UTF-8,
 * times.  The whole body is read before anything is applied: the first
 * invalid line makes it a 400 and nothing of it is kept.  Built in every
 * expc (it needs only the runtime), so its unit tests run everywhere. */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/arena.h" /* try_grow */
#include "expc/rt_time.h"
#include "serve_int.h"

void serve_batch_free(serve_batch *b)
{
    free(b->ids);
    free(b->off);
    free(b->len);
    free(b->ev);
    free(b->t);
    memset(b, 0, sizeof *b);
}

static bool body_grow(serve_batch *b)
{
    size_t cap = b->cap ? b->cap * 2 : 1024;
    if (!try_grow(&b->off, cap, sizeof *b->off) || !try_grow(&b->len, cap, sizeof *b->len) ||
        !try_grow(&b->ev, cap, sizeof *b->ev) || !try_grow(&b->t, cap, sizeof *b->t))
        return false;
    b->cap = cap;
    return true;
}

static bool body_add(serve_batch *b, const rt_rec *rec, int32_t ev, int64_t t)
{
    if (b->n == b->cap && !body_grow(b))
        return false;
    if (rec->cust_len > b->ids_cap - b->ids_len) {
        size_t cap = b->ids_cap ? b->ids_cap : 64 * 1024;
        while (rec->cust_len > cap - b->ids_len)
            cap *= 2;
        char *ids = realloc(b->ids, cap);
        if (!ids)
            return false;
        b->ids = ids;
        b->ids_cap = cap;
    }
    memcpy(b->ids + b->ids_len, rec->cust, rec->cust_len);
    b->off[b->n] = b->ids_len;
    b->len[b->n] = rec->cust_len;
    b->ev[b->n] = ev;
    b->t[b->n] = t;
    b->ids_len += rec->cust_len;
    b->n++;
    return true;
}

/* A malloc'd message (NULL only without memory: the caller says 500). */
static char *body_msg(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* A header lacking a named column: the header's fields, as `run` lists them. */
static char *body_no_column(const rt_csv *c)
{
    static const char *const opt[3] = { "--customer", "--event", "--time" };
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    if (!c->header)
        fprintf(f, "%s: no column `%s` in the body (columns count from 1)", opt[c->bad],
                c->want[c->bad]);
    else {
        fprintf(f, "%s: no column `%s` in the header of the body (fields: ", opt[c->bad],
                c->want[c->bad]);
        for (size_t i = 0; i < c->n_hdr; i++) {
            fputs(i ? ", " : "", f);
            fwrite(c->hdr_p[i], 1, c->hdr_n[i], f);
        }
        fputc(')', f);
    }
    fclose(f);
    return s;
}

/* NDJSON when the first byte that is not blank (after a byte order mark)
 * is `{`, as `run` decides for a file by content. */
static int body_sniff(const char *p, size_t n)
{
    size_t i = n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3) ? 3 : 0;
    for (; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return p[i] == '{';
    return 0;
}

/* One record: kept, counted as skipped, or why the body is invalid. */
static int body_record(const serve_input *in, serve_batch *b, const rt_rec *rec, char **why)
{
    char tw[RT_TIME_WHY_MAX];
    int64_t t = 0;
    if (rec->why) {
        *why = body_msg("line %llu: invalid event data: %s", (unsigned long long)rec->line,
                        rec->why);
        return 400;
    }
    int32_t ev = in->e->event_id(in->e->ctx, rec->event, rec->event_len);
    if (ev < 0) {
        b->skipped++;
        return 0;
    }
    if (b->timed) {
        /* Only for a declared event, as in `run`. */
        const char *bad = rec->time_why;
        if (!bad && rt_time_parse(rec->time, rec->time_len, &t) != 0) {
            rt_time_why(tw, rec->time, rec->time_len);
            bad = tw;
        }
        if (bad) {
            *why = body_msg("line %llu: invalid event data: %s", (unsigned long long)rec->line,
                            bad);
            return 400;
        }
    }
    if (!body_add(b, rec, ev, t)) {
        *why = NULL;
        return 500;
    }
    return 0;
}

static int body_records(const serve_input *in, rt_src *src, int ndjson, serve_batch *b,
                        char **why)
{
    rt_csv csv;
    rt_ndjson *nj = NULL;
    int status = 0;
    rt_csv_init(&csv, src, in->col);
    if (ndjson && !(nj = rt_ndjson_new(src, in->col)))
        status = 500;
    while (!status) {
        rt_rec rec;
        int k = nj ? rt_ndjson_next(nj, &rec) : rt_csv_next(&csv, &rec);
        if (k == RT_NEXT_EOF)
            break;
        if (k == RT_NEXT_REC)
            status = body_record(in, b, &rec, why);
        else if (k == RT_NEXT_NOCOL) {
            *why = body_no_column(&csv);
            status = 400;
        } else
            status = 500;
    }
    rt_ndjson_free(nj);
    rt_csv_free(&csv);
    return status;
}

int serve_body_read(const serve_input *in, const char *body, size_t n, int ndjson,
                    serve_batch *b, char **why)
{
    rt_src src;
    FILE *f;
    int status;
    memset(b, 0, sizeof *b);
    b->timed = in->col[RT_COL_TIME] != NULL;
    *why = NULL;
    if (n == 0)
        return 0;
    /* Content-Type first, then --input, then the content. */
    if (ndjson < 0)
        ndjson = in->input != RT_INPUT_AUTO ? in->input == RT_INPUT_NDJSON
                                             : body_sniff(body, n);
    f = fmemopen((void *)body, n, "rb");
    if (!f)
        return 500;
    if (!rt_src_init(&src, f, "body")) {
        rt_src_free(&src);
        fclose(f);
        return 500;
    }
    status = body_records(in, &src, ndjson, b, why);
    rt_src_free(&src);
    fclose(f);
    if (status)
        serve_batch_free(b);
    return status;
}
