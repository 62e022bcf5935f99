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
 * The CSV dialect (docs/language.md §7, RFC 4180):
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
 *  - empty lines are skipped; a UTF-8 byte order mark at the very start is
 *    dropped;
 *  - the columns (docs/language.md, "Your logs"): --customer, --event and
 *    --time name a header field or give a 1-based column number.  The first
 *    non-empty record is a header when an option names a field (is not all
 *    digits), or when its fields include both `customer` and `event`, in
 *    any position.  Customer and event not given are the header's
 *    `customer` and `event` fields, else columns 1 and 2.  Only the fields up
 *    to the last column wanted are looked at; a record with fewer is
 *    invalid (the time column only matters for a declared event, so it is
 *    reported by the caller);
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
    if (!s->fp)
        return RT_NEXT_CUT; /* an in-memory chunk (par.c): nothing moves */
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

void rt_csv_init(rt_csv *r, rt_src *src, const char *const want[3])
{
    memset(r, 0, sizeof *r);
    r->src = src;
    if (want)
        memcpy(r->want, want, sizeof r->want);
    /* Every field of the first record: it may be a header. */
    r->need = SIZE_MAX;
}

void rt_csv_free(rt_csv *r)
{
    free(r->fp);
    free(r->fn);
    free(r->fdq);
    r->fp = NULL;
    r->fn = NULL;
    r->fdq = NULL;
}

/* Room for field k; false: no memory. */
static bool csv_room(rt_csv *r, size_t k)
{
    size_t cap = r->fcap ? r->fcap * 2 : 8;
    const char **np;
    size_t *nn;
    bool *nd;
    if (k < r->fcap)
        return true;
    if (cap > SIZE_MAX / sizeof *r->fn)
        return false;
    np = realloc(r->fp, cap * sizeof *np);
    if (np)
        r->fp = np;
    nn = realloc(r->fn, cap * sizeof *nn);
    if (nn)
        r->fn = nn;
    nd = realloc(r->fdq, cap * sizeof *nd);
    if (nd)
        r->fdq = nd;
    if (!np || !nn || !nd)
        return false;
    r->fcap = cap;
    return true;
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

/* Turns the doubled quotes of the quoted fields among the first nf back
 * into single ones (each field once, even when two options name it). */
static void csv_unescape_all(rt_csv *r, size_t nf)
{
    size_t i;
    for (i = 0; i < nf; i++)
        if (r->fdq[i])
            r->fn[i] = csv_unescape((char *)r->fp[i], r->fn[i]);
}

static bool csv_is(const char *p, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(p, word, n) == 0;
}

/* The index of the field named `word` among the first nf, or RT_COL_NONE. */
static size_t csv_find(const rt_csv *r, size_t nf, const char *word)
{
    size_t i;
    for (i = 0; i < nf; i++)
        if (csv_is(r->fp[i], r->fn[i], word))
            return i;
    return RT_COL_NONE;
}

static bool csv_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A column number's 0-based index; RT_COL_NONE for 0 or one too large. */
static size_t csv_number(const char *s)
{
    size_t v = 0;
    for (; *s; s++) {
        if (v > (SIZE_MAX - 9) / 10)
            return RT_COL_NONE;
        v = v * 10 + (size_t)(*s - '0');
    }
    return v == 0 ? RT_COL_NONE : v - 1;
}

/* Column k (RT_COL_*) from the header's nf fields (nf 0: no header); false:
 * an option names a column that is not there. */
static bool csv_resolve(rt_csv *r, int k, size_t nf)
{
    static const char *const names[3] = { "customer", "event", NULL };
    const char *w = r->want[k];
    size_t c = RT_COL_NONE;
    r->by_name[k] = false;
    if (!w) {
        if (names[k] && (c = csv_find(r, nf, names[k])) == RT_COL_NONE)
            c = (size_t)k;
        else
            r->by_name[k] = names[k] != NULL;
    } else if ((c = csv_find(r, nf, w)) == RT_COL_NONE && csv_digits(w)) {
        c = csv_number(w);
    }
    r->col[k] = c;
    return !w || c != RT_COL_NONE;
}

/* The first record: a header when an option names a column (not a number),
 * or when it has both `customer` and `event` fields; then the columns are
 * resolved.  RT_NEXT_REC: it is data; RT_CSV_SKIPPED: it was the header;
 * RT_NEXT_NOCOL: an option names no column of it. */
static int csv_first(rt_csv *r, size_t nf, const char *why)
{
    int k;
    size_t hn = 0, need = 0;
    for (k = 0; k < 3; k++)
        if (r->want[k] && !csv_digits(r->want[k]))
            r->header = true;
    /* A header that is invalid data (bad UTF-8, a quote left open) names
     * no column: the record is reported as such, and under --skip-invalid
     * the next one is the first. */
    if (why && r->header) {
        r->header = false;
        return RT_NEXT_REC;
    }
    r->started = true;
    if (!why && csv_find(r, nf, "customer") != RT_COL_NONE
        && csv_find(r, nf, "event") != RT_COL_NONE)
        r->header = true;
    if (r->header && !why)
        hn = nf;
    r->hdr_p = r->fp;
    r->hdr_n = r->fn;
    r->n_hdr = hn;
    for (k = 0; k < 3; k++) {
        if (!csv_resolve(r, k, hn)) {
            r->bad = k;
            return RT_NEXT_NOCOL;
        }
        if (r->col[k] != RT_COL_NONE && r->col[k] + 1 > need)
            need = r->col[k] + 1;
    }
    r->need = need;
    return r->header && !why ? RT_CSV_SKIPPED : RT_NEXT_REC;
}

/* `fewer than N fields` into buf. */
static const char *csv_fewer(char *buf, size_t size, size_t n)
{
    if (n == 2)
        return RT_WHY_FIELDS;
    snprintf(buf, size, "fewer than %zu fields", n);
    return buf;
}

/* Fills rec from the nf fields of the record (why: NULL, or why it is
 * invalid already). */
static void csv_fill(rt_csv *r, size_t nf, const char *why, rt_rec *rec)
{
    size_t cc = r->col[RT_COL_CUSTOMER], ce = r->col[RT_COL_EVENT], ct = r->col[RT_COL_TIME];
    size_t top = cc > ce ? cc : ce;
    if (!why && nf <= top)
        why = csv_fewer(r->why, sizeof r->why, top + 1);
    if (!why && r->fn[cc] == 0)
        why = RT_WHY_EMPTY_CUSTOMER;
    else if (!why && r->fn[ce] == 0)
        why = RT_WHY_EMPTY_EVENT;
    rec->why = why;
    rec->cust = why ? "" : r->fp[cc];
    rec->cust_len = why ? 0 : r->fn[cc];
    rec->event = why ? "" : r->fp[ce];
    rec->event_len = why ? 0 : r->fn[ce];
    rec->time = "";
    rec->time_len = 0;
    rec->time_why = NULL;
    if (ct != RT_COL_NONE && !why && nf <= ct)
        rec->time_why = csv_fewer(r->time_why, sizeof r->time_why, ct + 1);
    else if (ct != RT_COL_NONE && !why) {
        rec->time = r->fp[ct];
        rec->time_len = r->fn[ct];
    }
}

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
    size_t nf = 0;          /* fields seen, counting up to r->need */
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
        if (nf < r->need) {
            if (!csv_room(r, nf))
                return RT_NEXT_NOMEM;
            r->fp[nf] = v;
            r->fn[nf] = vn;
            r->fdq[nf] = dq;
            nf++;
            if (nf == r->need && !last) {
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
    if (!why)
        csv_unescape_all(r, nf);
    if (!r->started) {
        int st = csv_first(r, nf, why);
        if (st != RT_NEXT_REC)
            return st;
    }
    csv_fill(r, nf, why, rec);
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
        if (st == RT_NEXT_REC || st == RT_NEXT_EOF || st < 0)
            return st;
        if (st == RT_CSV_MORE) {
            int m = rt_src_more(r->src);
            if (m < 0)
                return m;
        }
    }
}
