/* output.c - the score table (CSV or JSON lines) and the --summary funnel.
 *
 * The table has a row per customer, millions of them, so it is formatted by
 * hand into one 256 KiB buffer that leaves in whole blocks: no printf per
 * field, no stdio call per row.  The first write error is remembered (with
 * its errno) and stops the writing: `PROG: cannot write output: REASON`,
 * exit 74.
 *
 * CSV (docs/language.md §7): header `customer,score,stage,events,early`; the id is quoted
 * only when it holds `,` `"` CR or LF, with `"` doubled (RFC 4180).
 *
 * JSON lines: {"customer":ID,"score":N,"stage":NAME,"events":N,"early":N,
 * "points":{"STAY":N,"SAY":N,"SPEND":N}} (points keyed by the notes'
 * behaviours in path order).  Strings are escaped as RFC 8259 requires and no
 * more: `"` and `\` get a backslash; control characters U+0000-U+001F use the
 * short forms \b \f \n \r \t where JSON has one and \u00XX (lower-case hex)
 * otherwise; everything else, DEL and all non-ASCII UTF-8 included, is copied
 * as is (the input was validated as UTF-8, so the output is valid UTF-8). */
#include "expc/rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RT_OUT_BLOCK ((size_t)256 * 1024)

bool rt_out_init(rt_out *w, FILE *fp)
{
    memset(w, 0, sizeof *w);
    w->fp = fp;
    w->buf = malloc(RT_OUT_BLOCK);
    if (!w->buf)
        return false;
    w->cap = RT_OUT_BLOCK;
    return true;
}

void rt_out_free(rt_out *w)
{
    free(w->buf);
    w->buf = NULL;
}

static void out_drain(rt_out *w)
{
    if (w->len > 0 && !w->failed) {
        errno = 0;
        if (fwrite(w->buf, 1, w->len, w->fp) != w->len) {
            w->failed = true;
            w->err = errno;
        }
    }
    w->len = 0;
}

void rt_out_put(rt_out *w, const char *p, size_t n)
{
    if (n <= w->cap - w->len) {
        memcpy(w->buf + w->len, p, n);
        w->len += n;
        return;
    }
    out_drain(w);
    if (n < w->cap) {
        memcpy(w->buf, p, n);
        w->len = n;
    } else if (!w->failed) {
        /* Larger than the buffer (a 10 MB id): straight out. */
        errno = 0;
        if (fwrite(p, 1, n, w->fp) != n) {
            w->failed = true;
            w->err = errno;
        }
    }
}

static void out_byte(rt_out *w, char c)
{
    if (w->len == w->cap)
        out_drain(w);
    w->buf[w->len++] = c;
}

/* "00" "01" ... "99": integers are formatted two digits per division. */
static const char out_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                "31323334353637383940414243444546474849505152535455565758596061"
                                "6263646566676869707172737475767778798081828384858687888990919293"
                                "949596979899";

#define RT_OUT_NUM 21 /* room for any int64_t or uint64_t: 20 digits or a sign and 19 */

/* v's digits, written backwards to end at `end`; returns where they start. */
static char *out_digits(char *end, uint64_t v)
{
    while (v >= 100) {
        size_t d = (size_t)(v % 100) * 2;
        v /= 100;
        end -= 2;
        end[0] = out_pairs[d];
        end[1] = out_pairs[d + 1];
    }
    if (v >= 10) {
        end -= 2;
        end[0] = out_pairs[v * 2];
        end[1] = out_pairs[v * 2 + 1];
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* v in decimal at p (RT_OUT_NUM bytes of room); returns the end. */
static char *out_u64_at(char *p, uint64_t v)
{
    char tmp[RT_OUT_NUM];
    char *s = out_digits(tmp + sizeof tmp, v);
    size_t k = (size_t)(tmp + sizeof tmp - s);
    memcpy(p, s, k);
    return p + k;
}

static char *out_i64_at(char *p, int64_t v)
{
    if (v >= 0)
        return out_u64_at(p, (uint64_t)v);
    *p++ = '-';
    /* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
    return out_u64_at(p, (uint64_t)0 - (uint64_t)v);
}

void rt_out_u64(rt_out *w, uint64_t v)
{
    char tmp[RT_OUT_NUM];
    rt_out_put(w, tmp, (size_t)(out_u64_at(tmp, v) - tmp));
}

void rt_out_i64(rt_out *w, int64_t v)
{
    char tmp[RT_OUT_NUM];
    rt_out_put(w, tmp, (size_t)(out_i64_at(tmp, v) - tmp));
}

/* Whether a CSV field must be quoted: it holds `,` `"` CR or LF. */
static bool out_csv_quotes(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = p[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

void rt_out_csv_field(rt_out *w, const char *p, size_t n)
{
    if (!out_csv_quotes(p, n)) {
        rt_out_put(w, p, n);
        return;
    }
    out_byte(w, '"');
    while (n > 0) {
        const char *q = memchr(p, '"', n);
        size_t k = q ? (size_t)(q - p) + 1 : n;
        rt_out_put(w, p, k);
        if (q)
            out_byte(w, '"'); /* the quote once more */
        p += k;
        n -= k;
    }
    out_byte(w, '"');
}

void rt_out_json_string(rt_out *w, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    out_byte(w, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        char esc[6];
        size_t k = 2;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rt_out_put(w, p + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            k = 6;
        }
        rt_out_put(w, esc, k);
    }
    rt_out_put(w, p + run, n - run);
    out_byte(w, '"');
}

bool rt_out_flush(rt_out *w)
{
    out_drain(w);
    if (!w->failed) {
        errno = 0;
        if (fflush(w->fp) != 0 || ferror(w->fp)) {
            w->failed = true;
            w->err = errno;
        }
    }
    return !w->failed;
}

static void out_names_init(rt_out_names *nm, const rt_engine *e)
{
    int32_t k;
    nm->n_notes = e->n_notes < 0 ? 0 : e->n_notes > RT_NOTES ? RT_NOTES : e->n_notes;
    for (k = 0; k <= nm->n_notes; k++) {
        const char *s = e->stage_name(e->ctx, k);
        nm->name[k] = s ? s : "?";
        nm->len[k] = strlen(nm->name[k]);
        nm->plain[k] = !out_csv_quotes(nm->name[k], nm->len[k]);
    }
}

static void out_stage(rt_out *w, const rt_out_names *nm, const rt_engine *e, int32_t stage,
                      bool json)
{
    const char *s;
    size_t n;
    if (stage >= 0 && stage <= nm->n_notes) {
        s = nm->name[stage];
        n = nm->len[stage];
    } else { /* an engine bug; say what it said */
        s = e->stage_name(e->ctx, stage);
        if (!s)
            s = "?";
        n = strlen(s);
    }
    if (json)
        rt_out_json_string(w, s, n);
    else
        rt_out_csv_field(w, s, n);
}

/* The usual CSV row - an id and a stage name that need no quotes, and room
 * in the buffer - formatted straight into the buffer; false: none of it
 * written, out_row takes the general way. */
static bool out_row_csv_fast(rt_out *w, const rt_out_names *nm, const char *id, size_t idn,
                             const rt_state *st)
{
    int32_t sg = st->stage;
    char *p;
    if (sg < 0 || sg > nm->n_notes || !nm->plain[sg] || out_csv_quotes(id, idn)
        || w->cap - w->len < 4 * RT_OUT_NUM + 5 || w->cap - w->len - (4 * RT_OUT_NUM + 5) < idn
        || w->cap - w->len - (4 * RT_OUT_NUM + 5) - idn < nm->len[sg])
        return false;
    p = w->buf + w->len;
    memcpy(p, id, idn);
    p += idn;
    *p++ = ',';
    p = out_i64_at(p, st->score);
    *p++ = ',';
    memcpy(p, nm->name[sg], nm->len[sg]);
    p += nm->len[sg];
    *p++ = ',';
    p = out_u64_at(p, st->events);
    *p++ = ',';
    p = out_u64_at(p, st->early);
    *p++ = '\n';
    w->len = (size_t)(p - w->buf);
    return true;
}

/* One row (CSV, or a JSON line with its newline). */
static void out_row(rt_out *w, const rt_out_names *nm, const rt_engine *e, const char *id,
                    size_t idn, const rt_state *st, rt_format format)
{
    int32_t k;
    if (format == RT_FORMAT_CSV && out_row_csv_fast(w, nm, id, idn, st))
        return;
    if (format == RT_FORMAT_CSV) {
        rt_out_csv_field(w, id, idn);
        out_byte(w, ',');
        rt_out_i64(w, st->score);
        out_byte(w, ',');
        out_stage(w, nm, e, st->stage, false);
        out_byte(w, ',');
        rt_out_u64(w, st->events);
        out_byte(w, ',');
        rt_out_u64(w, st->early);
        out_byte(w, '\n');
        return;
    }
    rt_out_put(w, "{\"customer\":", 12);
    rt_out_json_string(w, id, idn);
    rt_out_put(w, ",\"score\":", 9);
    rt_out_i64(w, st->score);
    rt_out_put(w, ",\"stage\":", 9);
    out_stage(w, nm, e, st->stage, true);
    rt_out_put(w, ",\"events\":", 10);
    rt_out_u64(w, st->events);
    rt_out_put(w, ",\"early\":", 9);
    rt_out_u64(w, st->early);
    rt_out_put(w, ",\"points\":{", 11);
    for (k = 0; k < nm->n_notes; k++) {
        if (k > 0)
            out_byte(w, ',');
        rt_out_json_string(w, nm->name[k], nm->len[k]);
        out_byte(w, ':');
        rt_out_i64(w, st->points[k]);
    }
    rt_out_put(w, "}}\n", 3);
}

void rt_out_score_header(rt_out *w, rt_format format)
{
    if (format == RT_FORMAT_CSV)
        rt_out_put(w, "customer,score,stage,events,early\n", 34);
}

void rt_out_score_row(rt_out *w, const rt_engine *e, const char *id, size_t idn,
                      const rt_state *st, rt_format format)
{
    if (w->names_of != e) { /* once per table: rows come by the million */
        out_names_init(&w->names, e);
        w->names_of = e;
    }
    out_row(w, &w->names, e, id, idn, st, format);
}

int rt_write_scores(FILE *out, FILE *err, const char *prog, const rt_table *t,
                    const rt_engine *e, rt_format format)
{
    rt_out w;
    uint32_t i;
    size_t pos = 0;
    if (!rt_out_init(&w, out)) {
        fprintf(err, "%s: out of memory\n", prog);
        return RT_EXIT_SOFTWARE;
    }
    rt_out_score_header(&w, format);
    for (i = 0; i < t->n && !w.failed; i++) {
        size_t idn;
        const char *id = rt_table_next_id(t, &pos, &idn);
        rt_out_score_row(&w, e, id, idn, rt_table_state(t, i), format);
    }
    return rt_out_finish(&w, err, prog);
}

int rt_out_finish(rt_out *w, FILE *err, const char *prog)
{
    int rc = RT_EXIT_OK;
    if (!rt_out_flush(w)) {
        /* errno is not always set by a failing stdio call. */
        fprintf(err, "%s: cannot write output: %s\n", prog, w->err ? strerror(w->err) : "write error");
        rc = RT_EXIT_IOERR;
    }
    rt_out_free(w);
    return rc;
}

/* --summary, on stderr after the table: a header line, then one line per
 * stage in path order and ENGAGED last, each with the customers sitting on
 * that stage and those who reached it (sit on it or further: the funnel), and
 * a total:
 *
 *   stage      customers    reached
 *   STAY               2          5
 *   SAY                1          3
 *   SPEND              0          2
 *   ENGAGED            2          2
 *   total              5
 */
void rt_write_summary(FILE *err, const rt_table *t, const rt_engine *e)
{
    rt_write_summary_parts(err, t, 1, e);
}

void rt_write_summary_parts(FILE *err, const rt_table *t, size_t n, const rt_engine *e)
{
    uint64_t on[RT_NOTES + 2];  /* per stage; [n_notes + 1]: out of range */
    uint64_t reached[RT_NOTES + 1];
    uint64_t sum = 0, total = 0;
    rt_out_names nm;
    uint32_t i;
    int32_t k;
    memset(on, 0, sizeof on);
    out_names_init(&nm, e);
    for (; n > 0; n--, t++) {
        for (i = 0; i < t->n; i++) {
            int32_t s = rt_table_state(t, i)->stage;
            on[s >= 0 && s <= nm.n_notes ? s : nm.n_notes + 1]++;
        }
        total += t->n;
    }
    for (k = nm.n_notes; k >= 0; k--) {
        sum += on[k];
        reached[k] = sum;
    }
    fprintf(err, "%-8s %10s %10s\n", "stage", "customers", "reached");
    for (k = 0; k <= nm.n_notes; k++)
        fprintf(err, "%-8s %10llu %10llu\n", nm.name[k], (unsigned long long)on[k],
                (unsigned long long)reached[k]);
    if (on[nm.n_notes + 1]) /* only with a broken engine */
        fprintf(err, "%-8s %10llu\n", "?", (unsigned long long)on[nm.n_notes + 1]);
    fprintf(err, "%-8s %10llu\n", "total", (unsigned long long)total);
}
