/* csv.c - the buffered input stream and the streaming RFC 4180 event reader.
 *
 * Events arrive by the million, so the reader never copies a field and never
 * allocates per record: it reads the input in large blocks into one buffer
 * (rt_src), finds a record's fields with memchr, unescapes doubled quotes in
 * place, and hands out pointers into the buffer.  A record that runs past the
 * end of the buffered data is simply parsed again once more data is in; the
 * buffer doubles when a record fills more than half of it, so a record of any
 * length costs linear time and memory (about twice its size).
 *
 * The CSV dialect (SPEC §5, RFC 4180):
 *  - fields are separated by `,`; records end in LF or CRLF (a CR just before
 *    the LF, or at the very end of the input, is dropped; any other CR is
 *    data);
 *  - a field that starts with `"` is quoted: it ends at the next lone `"`,
 *    `""` inside stands for one `"`, and it may hold `,`, CR and LF - so, as
 *    RFC 4180 allows, a record may span several physical lines.  Line numbers
 *    in messages are physical lines (the one the record starts on), so they
 *    match what an editor shows;
 *  - a `"` that does not start a field is kept as data (`5" screen`), as most
 *    CSV writers produce it; text between a closing quote and the next `,` or
 *    line end (`"a"b`) makes the record invalid;
 *  - a quote still open at the end of the input is an unterminated quote: the
 *    record (everything from its start) is invalid;
 *  - empty lines are skipped; the first non-empty record is a header when its
 *    first two fields are exactly `customer` and `event`; columns after the
 *    second are ignored; a UTF-8 byte order mark at the very start is dropped;
 *  - every byte of a record must be UTF-8 (validated over the raw record, which
 *    is the same as validating every field: the separators are ASCII). */
#include "expc/rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* 256 KiB: large enough that fread goes straight to the file and the
 * per-block costs vanish, small enough to stay in L2. */
#define RT_SRC_BLOCK ((size_t)256 * 1024)

bool rt_src_init(rt_src *s, FILE *fp, const char *name)
{
    memset(s, 0, sizeof *s);
    s->fp = fp;
    s->name = name;
    s->line = 1;
    s->buf = malloc(RT_SRC_BLOCK);
    if (!s->buf)
        return false;
    s->cap = RT_SRC_BLOCK;
    return true;
}

void rt_src_free(rt_src *s)
{
    free(s->buf);
    s->buf = NULL;
}

/* Makes room after the unconsumed bytes buf[beg, end) and reads one more
 * block.  The unconsumed part is moved to the front when it fills at most half
 * of the buffer; otherwise the buffer doubles (and is compacted), so a long
 * record is rescanned only O(log n) times. */
int rt_src_more(rt_src *s)
{
    size_t live = s->end - s->beg;
    if (s->eof)
        return RT_NEXT_EOF;
    if (s->beg > 0 && live <= s->cap / 2) {
        memmove(s->buf, s->buf + s->beg, live);
        s->beg = 0;
        s->end = live;
    } else if (live > s->cap / 2) {
        char *nb;
        if (s->cap > SIZE_MAX / 2)
            return RT_NEXT_NOMEM;
        if (s->beg > 0) {
            memmove(s->buf, s->buf + s->beg, live);
            s->beg = 0;
            s->end = live;
        }
        nb = realloc(s->buf, s->cap * 2);
        if (!nb)
            return RT_NEXT_NOMEM;
        s->buf = nb;
        s->cap *= 2;
    }
    {
        size_t want = s->cap - s->end;
        size_t got;
        errno = 0;
        got = fread(s->buf + s->end, 1, want, s->fp);
        s->end += got;
        if (got < want) {
            if (ferror(s->fp)) {
                s->err = errno;
                return RT_NEXT_READERR;
            }
            /* A short read without error is the end: remember it, so a
             * terminal on stdin is not asked again. */
            s->eof = true;
        }
        return got > 0 ? RT_NEXT_REC : RT_NEXT_EOF;
    }
}

int rt_src_skip_bom(rt_src *s)
{
    while (s->end - s->beg < 3 && !s->eof) {
        int m = rt_src_more(s);
        if (m < 0)
            return m;
    }
    if (s->end - s->beg >= 3 && memcmp(s->buf + s->beg, "\xEF\xBB\xBF", 3) == 0)
        s->beg += 3;
    return RT_NEXT_REC;
}

void rt_csv_init(rt_csv *r, rt_src *src)
{
    r->src = src;
    r->bom_done = false;
    r->started = false;
}

static uint64_t csv_count_lf(const char *p, size_t n)
{
    uint64_t k = 0;
    const char *e = p + n;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/* Turns each `""` of a quoted field's contents into `"`, in place. */
static size_t csv_unescape(char *p, size_t n)
{
    char *r = memchr(p, '"', n);
    char *w, *e = p + n;
    if (!r)
        return n;
    w = r + 1;
    r += 2; /* skip the second quote of the pair */
    while (r < e) {
        char *q = memchr(r, '"', (size_t)(e - r));
        size_t k = q ? (size_t)(q - r) + 1 : (size_t)(e - r);
        memmove(w, r, k);
        w += k;
        r += k + (q ? 1 : 0);
    }
    return (size_t)(w - p);
}

/* Results of csv_parse besides RT_NEXT_REC. */
#define RT_CSV_MORE 10      /* the buffered data ends inside the record */
#define RT_CSV_SKIPPED 11   /* an empty line or the header was consumed */

/* Parses the record at buf[beg, end) and consumes it.  Returns RT_NEXT_REC,
 * RT_NEXT_EOF, RT_CSV_SKIPPED, or RT_CSV_MORE (never once src->eof is set).
 * Nothing in the buffer changes before the record is known to be complete,
 * so RT_CSV_MORE can simply be followed by a fresh attempt. */
static int csv_parse(rt_csv *r, rt_rec *rec)
{
    rt_src *s = r->src;
    char *const b = s->buf + s->beg;
    char *const e = s->buf + s->end;
    const bool eof = s->eof;
    char *q = b;            /* start of the next field */
    char *nl = NULL;        /* first LF at or after q, when nl_known */
    bool nl_known = false;
    char *fp[2] = {NULL, NULL};
    size_t fn[2] = {0, 0};
    bool fdq[2] = {false, false};
    unsigned nf = 0;        /* fields seen, counting up to 2 */
    uint64_t inner = 0;     /* LFs inside quoted fields */
    const char *why = NULL;
    bool last = false;

    if (b == e)
        return eof ? RT_NEXT_EOF : RT_CSV_MORE;
    /* Empty line, LF or CRLF. */
    if (*b == '\n') {
        s->beg++;
        s->line++;
        return RT_CSV_SKIPPED;
    }
    if (*b == '\r' && (e - b == 1 || b[1] == '\n')) {
        if (e - b == 1 && !eof)
            return RT_CSV_MORE;
        s->beg += (e - b == 1) ? 1 : 2;
        s->line++;
        return RT_CSV_SKIPPED;
    }

    while (!last) {
        char *v = q;
        size_t vn = 0;
        bool dq = false;
        bool unquoted = true;
        bool junk = false;  /* text after a closing quote, skipped as unquoted */
        if (q < e && *q == '"') {
            char *w = q + 1;
            char *x;
            for (;;) {
                x = memchr(w, '"', (size_t)(e - w));
                if (!x) {
                    if (!eof)
                        return RT_CSV_MORE;
                    /* The quote never closes: the record is all the rest. */
                    why = RT_WHY_QUOTE;
                    q = e;
                    goto done;
                }
                if (x + 1 == e) {
                    if (!eof)
                        return RT_CSV_MORE; /* `""` or the end? ask for more */
                    break;
                }
                if (x[1] != '"')
                    break;
                dq = true;
                w = x + 2;
            }
            v = q + 1;
            vn = (size_t)(x - v);
            if (memchr(v, '\n', vn))
                inner += csv_count_lf(v, vn);
            q = x + 1;
            unquoted = false;
            if (q == e) {
                last = true; /* (only reached at eof) */
            } else if (*q == ',') {
                q++;
            } else if (*q == '\n') {
                q++;
                last = true;
            } else if (*q == '\r' && q + 1 < e && q[1] == '\n') {
                q += 2;
                last = true;
            } else if (*q == '\r' && q + 1 == e) {
                if (!eof)
                    return RT_CSV_MORE;
                q++;
                last = true;
            } else {
                if (!why)
                    why = RT_WHY_AFTER_QUOTE;
                unquoted = junk = true;
            }
        }
        if (unquoted) {
            /* Up to the next `,` on this line, or the line's end. */
            char *start = q, *end, *x;
            if (!nl_known || (nl != NULL && nl < q)) {
                nl = memchr(q, '\n', (size_t)(e - q));
                nl_known = true;
            }
            end = nl ? nl : e;
            x = memchr(q, ',', (size_t)(end - q));
            if (x) {
                end = x;
                q = x + 1;
            } else {
                if (!nl && !eof)
                    return RT_CSV_MORE;
                q = nl ? nl + 1 : e;
                last = true;
                if (end > start && end[-1] == '\r')
                    end--;
            }
            if (!junk) {
                v = start;
                vn = (size_t)(end - start);
            }
        }
        if (nf < 2) {
            fp[nf] = v;
            fn[nf] = vn;
            fdq[nf] = dq;
            nf++;
            if (nf == 2 && !last) {
                /* The fields we need are in hand; the rest of the line needs
                 * a field-by-field walk only if it has a quote (one might
                 * open a field that spans lines). */
                char *lim;
                if (!nl_known || (nl != NULL && nl < q)) {
                    nl = memchr(q, '\n', (size_t)(e - q));
                    nl_known = true;
                }
                lim = nl ? nl : e;
                if (!memchr(q, '"', (size_t)(lim - q))) {
                    if (!nl && !eof)
                        return RT_CSV_MORE;
                    q = nl ? nl + 1 : e;
                    last = true;
                }
            }
        }
    }
done:
    rec->line = s->line;
    s->line += 1 + inner;
    s->beg += (size_t)(q - b);
    if (!why && !rt_utf8_valid(b, (size_t)(q - b)))
        why = RT_WHY_UTF8;
    if (!why && nf < 2)
        why = RT_WHY_FIELDS;
    if (!why) {
        if (fdq[0])
            fn[0] = csv_unescape(fp[0], fn[0]);
        if (fdq[1])
            fn[1] = csv_unescape(fp[1], fn[1]);
        if (fn[0] == 0)
            why = RT_WHY_EMPTY_CUSTOMER;
        else if (fn[1] == 0)
            why = RT_WHY_EMPTY_EVENT;
    }
    if (!r->started) {
        r->started = true;
        if (!why && fn[0] == 8 && memcmp(fp[0], "customer", 8) == 0 && fn[1] == 5
            && memcmp(fp[1], "event", 5) == 0)
            return RT_CSV_SKIPPED;
    }
    rec->why = why;
    rec->cust = why ? "" : fp[0];
    rec->cust_len = why ? 0 : fn[0];
    rec->event = why ? "" : fp[1];
    rec->event_len = why ? 0 : fn[1];
    return RT_NEXT_REC;
}

int rt_csv_next(rt_csv *r, rt_rec *rec)
{
    if (!r->bom_done) {
        int m = rt_src_skip_bom(r->src);
        if (m < 0)
            return m;
        r->bom_done = true;
    }
    for (;;) {
        int st = csv_parse(r, rec);
        if (st == RT_NEXT_REC || st == RT_NEXT_EOF)
            return st;
        if (st == RT_CSV_MORE) {
            int m = rt_src_more(r->src);
            if (m < 0)
                return m;
        }
    }
}
