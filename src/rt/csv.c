/* csv.c - the buffered input stream and the streaming RFC 4180 event reader.
 *
 * Events arrive by the million, so the reader never copies a field and never
 * allocates per record: it reads the input in large blocks into one buffer
 * (rt_src), unescapes doubled quotes in place, and hands out pointers into
 * the buffer.  A record that runs past the end of the buffered data is
 * simply parsed again once more data is in; the buffer doubles when a record
 * fills more than half of it, so a record of any length costs linear time
 * and memory (about twice its size).
 *
 * The scan is one pass per record: csv_mask16 marks the `,` `"` and LF of 16
 * bytes at a time (SSE2 when the compiler has it, else two 8-byte words),
 * and a line without `"` - nearly all of them - is split by walking the set
 * bits (csv_fast).  A line with a `"`, or one whose end is not inside a
 * whole 16-byte block of the buffered data (the last record of the input,
 * one cut by a refill), is read field by field by the general csv_slow.
 * UTF-8 is checked per block, not per record: the buffer is OR-reduced 64
 * bytes at a time up to the next byte >= 0x80 (csv_ascii_scan), records
 * before it are ASCII and need no check, and only a record that holds such
 * a byte (or crosses a refill) goes through rt_utf8_valid.
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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Moves the unconsumed bytes buf[beg, end) to the front. */
static void csv_compact(rt_src *s)
{
    size_t live = s->end - s->beg;
    if (s->beg == 0)
        return;
    memmove(s->buf, s->buf + s->beg, live);
    s->ascii_end = s->ascii_end > s->beg ? s->ascii_end - s->beg : 0;
    s->beg = 0;
    s->end = live;
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
        csv_compact(s);
    } else if (live > s->cap / 2) {
        char *nb;
        if (s->cap > SIZE_MAX / 2)
            return RT_NEXT_NOMEM;
        csv_compact(s);
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

/* Results of csv_parse besides RT_NEXT_REC. */
#define RT_CSV_MORE 10      /* the buffered data ends inside the record */
#define RT_CSV_SKIPPED 11   /* an empty line or the header was consumed */
#define RT_CSV_SLOW 12      /* csv_fast met a `"`: the record needs csv_slow */

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

/* ---- the scanner --------------------------------------------------------
 * The bytes that matter inside a record are `,` `"` and LF (a CR matters only
 * just before an LF or at the very end, where it is looked at directly).  The
 * scanner marks them 16 bytes at a time in a bit mask (SSE2 where the
 * compiler offers it, else two 8-byte words), so a record's fields are found
 * by walking the set bits of one mask per 16 bytes, and the last few bytes
 * of the data through a class table.  Loads stay inside [p, e): bytes past
 * the data are never read. */

static const unsigned char csv_class[256] = { [','] = 1, ['"'] = 1, ['\n'] = 1 };

static unsigned csv_ctz(unsigned m)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctz(m);
#else
    unsigned k = 0;
    while (!(m & 1u)) {
        m >>= 1;
        k++;
    }
    return k;
#endif
}

/* Bit i set when p[i] is `,` `"` or LF, for the 16 bytes at p. */
static unsigned csv_mask16(const char *p)
{
#if defined(__SSE2__)
    const __m128i cm = _mm_set1_epi8(','), qu = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n');
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cm), _mm_cmpeq_epi8(v, qu)),
                               _mm_cmpeq_epi8(v, lf));
    return (unsigned)_mm_movemask_epi8(hit);
#else
    /* A word with none of the three (no zero byte after the XORs) is
     * skipped whole; otherwise its bytes are classed one by one, so the
     * answer does not depend on byte order. */
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    unsigned m = 0;
    int h, i;
    for (h = 0; h < 2; h++) {
        uint64_t w, a, b, c;
        memcpy(&w, p + 8 * h, 8);
        a = w ^ (ones * ',');
        b = w ^ (ones * '"');
        c = w ^ (ones * '\n');
        if (((a - ones) & ~a & highs) | ((b - ones) & ~b & highs) | ((c - ones) & ~c & highs))
            for (i = 0; i < 8; i++)
                m |= (unsigned)csv_class[(unsigned char)p[8 * h + i]] << (8 * h + i);
    }
    return m;
#endif
}

/* The first `,` `"` or LF in [p, e), or e. */
static char *csv_special(char *p, const char *e)
{
    while (e - p >= 16) {
        unsigned m = csv_mask16(p);
        if (m)
            return p + csv_ctz(m);
        p += 16;
    }
    while (p < e && !csv_class[(unsigned char)*p])
        p++;
    return p;
}

/* Where csv_fast or csv_slow found a record's end. */
typedef struct csv_span {
    char *q;                  /* just past the record (its LF included) */
    size_t nf;                /* fields kept, up to r->need */
    uint64_t inner;           /* LFs inside quoted fields */
    const char *why;          /* already invalid, or NULL */
    bool dq;                  /* a kept field has doubled quotes to undo */
} csv_span;

/* Keeps field nf (when it is among the first r->need); false: no memory. */
static bool csv_keep(rt_csv *r, size_t *nf, char *v, size_t vn, bool dq)
{
    if (*nf >= r->need)
        return true;
    if (*nf >= r->fcap && !csv_room(r, *nf))
        return false;
    r->fp[*nf] = v;
    r->fn[*nf] = vn;
    r->fdq[*nf] = dq;
    (*nf)++;
    return true;
}

/* The common record, a line without `"` whose LF lies in one of the whole
 * 16-byte blocks of buffered data from its start: its fields end at each
 * `,` the scanner marks, the last at the LF (a CR before it dropped).
 * Anything else - a `"`, the data running out - is RT_CSV_SLOW: csv_slow
 * then reads the record again from its start. */
static int csv_fast(rt_csv *r, char *b, char *e, csv_span *sp)
{
    char *p = b, *at;
    size_t nf = 0, need = r->need;
    for (at = b; e - at >= 16; at += 16) {
        unsigned m;
        for (m = csv_mask16(at); m; m &= m - 1) {
            char *x = at + csv_ctz(m);
            if (*x == '"')
                return RT_CSV_SLOW;
            if (nf < need) {
                if (nf >= r->fcap && !csv_room(r, nf))
                    return RT_NEXT_NOMEM;
                r->fp[nf] = p;
                r->fn[nf] = (size_t)(x - p);
                r->fdq[nf] = false;
                nf++;
                if (*x == '\n' && x > p && x[-1] == '\r')
                    r->fn[nf - 1]--;
            }
            if (*x == '\n') {
                sp->nf = nf;
                sp->q = x + 1;
                return RT_NEXT_REC;
            }
            p = x + 1;
        }
    }
    return RT_CSV_SLOW;
}

/* A quoted field at q (*q is `"`): its contents in *v, *vn, *dq; the end
 * of the field in *qp - at the character after the closing quote.  RT_NEXT_REC,
 * RT_CSV_MORE, or RT_NEXT_EOF when the quote never closes (at the end of
 * the input). */
static int csv_quoted(char *q, char *e, bool eof, char **v, size_t *vn, bool *dq, char **qp)
{
    char *w = q + 1;
    char *x;
    *dq = false;
    for (;;) {
        x = memchr(w, '"', (size_t)(e - w));
        if (!x)
            return eof ? RT_NEXT_EOF : RT_CSV_MORE;
        if (x + 1 == e) {
            if (!eof)
                return RT_CSV_MORE; /* `""` or the end? ask for more */
            break;
        }
        if (x[1] != '"')
            break;
        *dq = true;
        w = x + 2;
    }
    *v = q + 1;
    *vn = (size_t)(x - *v);
    *qp = x + 1;
    return RT_NEXT_REC;
}

/* What follows a closing quote at q: 1 a `,` (q moves past it), 2 the
 * record's end (q moves past it), 0 other text (invalid; q stays),
 * RT_CSV_MORE when a CR ends the buffered data. */
static int csv_after_quote(char **qp, char *e, bool eof)
{
    char *q = *qp;
    if (q == e)
        return 2; /* (only reached at eof) */
    if (*q == ',') {
        *qp = q + 1;
        return 1;
    }
    if (*q == '\n' || (*q == '\r' && q + 1 < e && q[1] == '\n')) {
        *qp = q + (*q == '\n' ? 1 : 2);
        return 2;
    }
    if (*q == '\r' && q + 1 == e) {
        if (!eof)
            return RT_CSV_MORE;
        *qp = q + 1;
        return 2;
    }
    return 0;
}

/* Any record, field by field: quoted fields (which may span lines) and
 * unquoted ones, with a `"` inside an unquoted field kept as data.  Returns
 * RT_NEXT_REC (sp filled; sp->why says when the record is invalid already),
 * RT_CSV_MORE or RT_NEXT_NOMEM. */
static int csv_slow(rt_csv *r, char *b, char *e, bool eof, csv_span *sp)
{
    char *q = b;               /* start of the next field */
    bool last = false;
    sp->nf = 0;
    sp->inner = 0;
    sp->why = NULL;
    sp->dq = true;
    while (!last) {
        char *v = q, *x;
        size_t vn = 0;
        bool dq = false, junk = false; /* junk: text after a closing quote */
        bool quoted = q < e && *q == '"';
        if (quoted) {
            int st = csv_quoted(q, e, eof, &v, &vn, &dq, &q);
            if (st == RT_NEXT_EOF) {
                /* The quote never closes: the record is all the rest. */
                sp->why = RT_WHY_QUOTE;
                sp->q = e;
                return RT_NEXT_REC;
            }
            if (st != RT_NEXT_REC)
                return st;
            if (memchr(v, '\n', vn))
                sp->inner += csv_count_lf(v, vn);
            if ((st = csv_after_quote(&q, e, eof)) == RT_CSV_MORE)
                return st;
            last = st == 2;
            if (st == 0 && !sp->why)
                sp->why = RT_WHY_AFTER_QUOTE;
            junk = st == 0;
        }
        if (!quoted || junk) {
            /* Unquoted (or the junk after a quote): up to the next `,` or
             * the line's end; a `"` here is data. */
            char *start = q;
            do
                x = csv_special(q, e), q = x + 1;
            while (x < e && *x == '"');
            if (x == e && !eof)
                return RT_CSV_MORE;
            last = x == e || *x == '\n';
            q = x == e ? e : x + 1;
            if (last && x > start && x[-1] == '\r')
                x--;
            if (!junk) {
                v = start;
                vn = (size_t)(x - start);
            }
        }
        if (!csv_keep(r, &sp->nf, v, vn, dq))
            return RT_NEXT_NOMEM;
    }
    sp->q = q;
    return RT_NEXT_REC;
}

/* Records [ascii_end ...) of the buffer are checked for bytes >= 0x80 a
 * block at a time: ascii_end becomes the first such byte at or after
 * `from` (or the end of the data).  A record that ends at or before it is
 * ASCII, so valid UTF-8 without looking; only the others are validated.
 * Each byte is scanned once: the next scan starts past this record. */
static void csv_ascii_scan(rt_src *s, size_t from)
{
    const unsigned char *p = (const unsigned char *)s->buf + from;
    const unsigned char *e = (const unsigned char *)s->buf + s->end;
    while (e - p >= 64) {
#if defined(__SSE2__)
        const __m128i *v = (const __m128i *)(const void *)p;
        __m128i acc = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                                   _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
        if (_mm_movemask_epi8(acc))
            break;
#else
        uint64_t w[8], acc = 0;
        int i;
        memcpy(w, p, sizeof w);
        for (i = 0; i < 8; i++)
            acc |= w[i];
        if (acc & UINT64_C(0x8080808080808080))
            break;
#endif
        p += 64;
    }
    while (p < e && *p < 0x80)
        p++;
    s->ascii_end = (size_t)(p - (const unsigned char *)s->buf);
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
    csv_span sp;
    int st;

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
    st = csv_fast(r, b, e, &sp);
    sp.inner = 0;
    sp.why = NULL;
    sp.dq = false;
    if (st == RT_CSV_SLOW)
        st = csv_slow(r, b, e, eof, &sp);
    if (st != RT_NEXT_REC)
        return st;
    rec->line = s->line;
    s->line += 1 + sp.inner;
    s->beg = (size_t)(sp.q - s->buf);
    if (!sp.why && s->beg > s->ascii_end) {
        if (!rt_utf8_valid(b, (size_t)(sp.q - b)))
            sp.why = RT_WHY_UTF8;
        csv_ascii_scan(s, s->beg);
    }
    if (!sp.why && sp.dq)
        csv_unescape_all(r, sp.nf);
    if (!r->started) {
        st = csv_first(r, sp.nf, sp.why);
        if (st != RT_NEXT_REC)
            return st;
    }
    csv_fill(r, sp.nf, sp.why, rec);
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
