/* test_csv.c - the streaming CSV reader (src/rt/csv.c) and its input buffer.
 *
 * Each case turns an input into a transcript, one line per record:
 * `LINE:customer|event` or `LINE:!why`, with CR and LF shown as \r and \n.
 * Every input is read with the real 256 KiB buffer and again with buffers of
 * 1 to 9 bytes, so each record also crosses a refill at every possible place:
 * the transcripts must agree.  A randomized test compares the reader with a
 * byte-at-a-time reference parser written from the rules in csv.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expc/rt.h"

/* ---- transcripts --------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof tmp);
    sb_put(b, tmp, (size_t)k);
}

static void sb_shown(sbuf *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] == '\n')
            sb_put(b, "\\n", 2);
        else if (s[i] == '\r')
            sb_put(b, "\\r", 2);
        else
            sb_put(b, s + i, 1);
    }
}

static FILE *file_of(const char *data, size_t n)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    rewind(f);
    return f;
}

/* A stream over data, which outlives it: in memory, so that the tens of
 * thousands of readings below cost no file system calls. */
static FILE *mem_file_of(const char *data, size_t n)
{
    FILE *f = n > 0 ? fmemopen((void *)data, n, "r") : file_of(data, n);
    assert_non_null(f);
    return f;
}

/* The transcript of `data` read with a buffer of `cap` bytes (0: default). */
static char *transcript_cap(const char *data, size_t n, size_t cap)
{
    FILE *f = mem_file_of(data, n);
    rt_src s;
    rt_csv c;
    rt_rec rec;
    sbuf b = {NULL, 0, 0};
    assert_true(rt_src_init(&s, f, "t"));
    if (cap)
        s.cap = cap; /* the rest of the block is simply not used */
    rt_csv_init(&c, &s, NULL);
    sb_put(&b, "", 0);
    for (;;) {
        int st = rt_csv_next(&c, &rec);
        if (st == RT_NEXT_EOF)
            break;
        assert_int_equal(st, RT_NEXT_REC);
        sb_printf(&b, "%llu:", (unsigned long long)rec.line);
        if (rec.why) {
            sb_printf(&b, "!%s\n", rec.why);
        } else {
            sb_shown(&b, rec.cust, rec.cust_len);
            sb_put(&b, "|", 1);
            sb_shown(&b, rec.event, rec.event_len);
            sb_put(&b, "\n", 1);
        }
    }
    rt_csv_free(&c);
    rt_src_free(&s);
    fclose(f);
    return b.p;
}

/* The transcript, checked to be the same for every buffer size. */
static char *transcript_n(const char *data, size_t n)
{
    char *t = transcript_cap(data, n, 0);
    size_t cap;
    for (cap = 1; cap <= 9; cap++) {
        char *u = transcript_cap(data, n, cap);
        if (strcmp(t, u) != 0)
            fail_msg("buffer of %zu bytes:\n%s\nversus\n%s", cap, u, t);
        free(u);
    }
    return t;
}

static void expect(const char *data, const char *want)
{
    char *t = transcript_n(data, strlen(data));
    assert_string_equal(t, want);
    free(t);
}

/* ---- cases ----------------------------------------------------------------- */

static void test_simple(void **st)
{
    (void)st;
    expect("", "");
    expect("c1,e1\nc2,e2\n", "1:c1|e1\n2:c2|e2\n");
    expect("c1,e1\nc2,e2", "1:c1|e1\n2:c2|e2\n"); /* no final newline */
    expect("a,b", "1:a|b\n");
}

static void test_header(void **st)
{
    (void)st;
    expect("customer,event\nc1,e1\n", "2:c1|e1\n");
    expect("customer,event,ts\nc1,e1,5\n", "2:c1|e1\n");
    expect("\"customer\",\"event\"\nc1,e1\n", "2:c1|e1\n");
    expect("\n\r\ncustomer,event\nc1,e1\n", "4:c1|e1\n"); /* first non-empty record */
    expect("customer,event", "");
    /* Only the first record can be the header. */
    expect("c1,e1\ncustomer,event\n", "1:c1|e1\n2:customer|event\n");
    expect("customer,event\ncustomer,event\n", "2:customer|event\n");
    /* Exactly those words. */
    expect("Customer,event\n", "1:Customer|event\n");
    expect("customer ,event\n", "1:customer |event\n");
    expect("customer,events\n", "1:customer|events\n");
    expect("customer\n", "1:!fewer than two fields\n");
}

static void test_crlf_and_empty_lines(void **st)
{
    (void)st;
    expect("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
    expect("a,b\r\nc,d\r", "1:a|b\n2:c|d\n");
    expect("\n\na,b\n\r\n\nc,d\n\n", "3:a|b\n6:c|d\n");
    expect("\r\n\r\n", "");
    expect("\r", "");
    /* A CR that ends no line is data. */
    expect("a\rb,c\rd\n", "1:a\\rb|c\\rd\n");
    expect("\rx,y\n", "1:\\rx|y\n");
    expect("a,b,c\r\n", "1:a|b\n");
}

static void test_extra_columns(void **st)
{
    (void)st;
    expect("a,b,c,d,e\n", "1:a|b\n");
    expect("a,b,\n", "1:a|b\n");
    expect("a,b,,,\nc,d\n", "1:a|b\n2:c|d\n");
    /* A quoted extra column may span lines: the next record starts after it. */
    expect("a,b,\"x\ny\nz\"\nc,d\n", "1:a|b\n4:c|d\n");
    expect("a,b,\"x,\"\"\n\",w\nc,d\n", "1:a|b\n3:c|d\n");
    expect("a,b,5\" screen\nc,d\n", "1:a|b\n2:c|d\n");
    expect("a,b,x\"y,\"p\nq\"\nc,d\n", "1:a|b\n3:c|d\n");
}

static void test_quotes(void **st)
{
    (void)st;
    expect("\"a,b\",\"e\"\n", "1:a,b|e\n");
    expect("\"say \"\"hi\"\"\",e\n", "1:say \"hi\"|e\n");
    expect("\"\"\"\",e\n", "1:\"|e\n");
    expect("\"a\"\"\"\"b\",\"\"\"e\"\"\"\n", "1:a\"\"b|\"e\"\n");
    expect("\"line1\nline2\",e\nc,d\n", "1:line1\\nline2|e\n3:c|d\n");
    expect("\"cr\r\nlf\",e\r\nc,d\r\n", "1:cr\\r\\nlf|e\n3:c|d\n");
    expect("a,\"e\"", "1:a|e\n");
    expect("a,\"e\"\r", "1:a|e\n");
    expect("a,\"e\"\r\n", "1:a|e\n");
    /* A quote inside an unquoted field is data. */
    expect("5\" tv,e\"x\n", "1:5\" tv|e\"x\n");
    /* Text after a closing quote is not. */
    expect("\"a\"b,e\nc,d\n", "1:!text after a closing quote\n2:c|d\n");
    expect("a,\"e\" \nc,d\n", "1:!text after a closing quote\n2:c|d\n");
    expect("a,\"e\"x,\"q\nq\"\nc,d\n", "1:!text after a closing quote\n3:c|d\n");
}

static void test_too_few_and_empty(void **st)
{
    (void)st;
    expect("a\nc,d\n", "1:!fewer than two fields\n2:c|d\n");
    expect("\"a,b\"\n", "1:!fewer than two fields\n");
    expect(" \n", "1:!fewer than two fields\n");
    expect(",e\n", "1:!empty customer\n");
    expect("\"\",e\n", "1:!empty customer\n");
    expect("c,\n", "1:!empty event\n");
    expect("c,\"\"\n", "1:!empty event\n");
    expect("c,,x\n", "1:!empty event\n");
    expect(",\n", "1:!empty customer\n");
    expect("c,\r\n", "1:!empty event\n");
    /* Spaces are data (RFC 4180). */
    expect(" c , e \n", "1: c | e \n");
}

static void test_unterminated(void **st)
{
    (void)st;
    expect("a,b\n\"c,d\ne,f\n", "1:a|b\n2:!unterminated quote\n");
    expect("a,\"b", "1:!unterminated quote\n");
    expect("\"", "1:!unterminated quote\n");
    expect("a,b,\"", "1:!unterminated quote\n");
    expect("a,\"b\"\"", "1:!unterminated quote\n");
}

static void test_utf8(void **st)
{
    (void)st;
    expect("caf\xc3\xa9,\xe2\x82\xac\xf0\x9f\x98\x80\n",
           "1:caf\xc3\xa9|\xe2\x82\xac\xf0\x9f\x98\x80\n");
    expect("a\xff,b\nc,d\n", "1:!invalid UTF-8\n2:c|d\n");
    expect("a,b\xc3\n", "1:!invalid UTF-8\n");
    expect("a,b,\x80\n", "1:!invalid UTF-8\n"); /* ignored columns too */
    expect("\"a\xc0\xaf\",b\n", "1:!invalid UTF-8\n");  /* overlong / */
    expect("a,\xed\xa0\x80\n", "1:!invalid UTF-8\n");   /* surrogate */
    /* The byte order mark at the start goes; elsewhere it is data. */
    expect("\xef\xbb\xbf" "customer,event\na,b\n", "2:a|b\n");
    expect("\xef\xbb\xbf" "a,b\n", "1:a|b\n");
    expect("\xef\xbb\xbf", "");
    expect("\xef\xbb", "1:!invalid UTF-8\n");
    expect("a,b\n\xef\xbb\xbf" "c,d\n", "1:a|b\n2:\xef\xbb\xbf" "c|d\n");
}

static void test_utf8_validator(void **st)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"", true},
        {"plain ascii text, long enough for the fast path", true},
        {"\x7f", true},
        {"\xc2\x80", true},
        {"\xdf\xbf", true},
        {"\xc1\xbf", false},
        {"\xc2", false},
        {"\xc2\x41", false},
        {"\xe0\xa0\x80", true},
        {"\xe0\x9f\xbf", false},
        {"\xed\x9f\xbf", true},
        {"\xed\xa0\x80", false},
        {"\xef\xbf\xbf", true},
        {"\xf0\x90\x80\x80", true},
        {"\xf0\x8f\xbf\xbf", false},
        {"\xf4\x8f\xbf\xbf", true},
        {"\xf4\x90\x80\x80", false},
        {"\xf5\x80\x80\x80", false},
        {"\xff", false},
        {"\x80", false},
        {"abcdefgh\xe2\x82\xac" "abcdefgh", true},
        {"abcdefghijklmnop\xe2\x82", false},
    };
    size_t i;
    (void)st;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (rt_utf8_valid(cases[i].s, strlen(cases[i].s)) != cases[i].ok)
            fail_msg("case %zu", i);
    assert_true(rt_utf8_valid("a\0b", 3));
}

static void test_line_numbers(void **st)
{
    (void)st;
    expect("a,b\n\n\"x\ny\",e\n\r\nbad\nc,d\n",
           "1:a|b\n3:x\\ny|e\n6:!fewer than two fields\n7:c|d\n");
}

/* Long records cross many refills and make the buffer grow. */
static void test_long_field(void **st)
{
    size_t n = (size_t)10 * 1024 * 1024;
    char *data = malloc(n + 64);
    FILE *f;
    rt_src s;
    rt_csv c;
    rt_rec rec;
    (void)st;
    assert_non_null(data);
    memset(data, 'x', n);
    memcpy(data + n, ",ev,ts\nc2,e2\n", 13);
    f = file_of(data, n + 13);
    assert_true(rt_src_init(&s, f, "t"));
    rt_csv_init(&c, &s, NULL);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_REC);
    assert_null(rec.why);
    assert_int_equal(rec.cust_len, n);
    assert_memory_equal(rec.cust, data, n);
    assert_int_equal(rec.event_len, 2);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_REC);
    assert_int_equal(rec.line, 2);
    assert_int_equal(rec.cust_len, 2);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_EOF);
    /* Linear memory: the buffer is about twice the record at most. */
    assert_true(s.cap <= 4 * n);
    rt_csv_free(&c);
    rt_src_free(&s);
    fclose(f);
    free(data);
}

/* A 100 MB line (a huge ignored column, quoted with a doubled quote and an
 * LF inside, so the slow path walks it), then one more record. */
static void test_huge_line(void **st)
{
    size_t n = (size_t)100 * 1024 * 1024;
    char *data = malloc(n + 64);
    FILE *f;
    rt_src s;
    rt_csv c;
    rt_rec rec;
    (void)st;
    assert_non_null(data);
    memcpy(data, "cust,\"a\"\"b\",\"", 13);
    memset(data + 13, 'y', n);
    data[13 + n / 2] = '\n';
    memcpy(data + 13 + n, "\"\nc,d", 5);
    f = file_of(data, n + 18);
    free(data);
    assert_true(rt_src_init(&s, f, "t"));
    rt_csv_init(&c, &s, NULL);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_REC);
    assert_null(rec.why);
    assert_int_equal(rec.cust_len, 4);
    assert_int_equal(rec.event_len, 3);
    assert_memory_equal(rec.event, "a\"b", 3);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_REC);
    assert_int_equal(rec.line, 3);
    assert_memory_equal(rec.cust, "c", 1);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_EOF);
    rt_csv_free(&c);
    rt_src_free(&s);
    fclose(f);
}

static void test_read_error(void **st)
{
    char dir[] = "/tmp/test_csv.XXXXXX";
    FILE *f;
    rt_src s;
    rt_csv c;
    rt_rec rec;
    (void)st;
    assert_non_null(mkdtemp(dir));
    f = fopen(dir, "rb");
    if (f) { /* glibc opens a folder for reading; the read fails */
        assert_true(rt_src_init(&s, f, dir));
        rt_csv_init(&c, &s, NULL);
        assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_READERR);
        assert_int_equal(s.err, EISDIR);
        rt_csv_free(&c);
        rt_src_free(&s);
        fclose(f);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* ---- randomized comparison with a reference parser -------------------- */

/* The rules of csv.c, one byte at a time, with no buffering at all. */
static void reference(const char *d, size_t n, sbuf *out)
{
    size_t i = 0;
    unsigned long long line = 1;
    bool started = false;
    if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < n) {
        size_t start = i;
        unsigned long long rline = line;
        sbuf f[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
        unsigned nf = 0;
        const char *why = NULL;
        bool end = false;
        bool has_c = false, has_e = false; /* fields `customer`, `event` */
        if (d[i] == '\n' || (d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n'))) {
            i += (d[i] == '\n' || i + 1 == n) ? 1 : 2;
            line++;
            continue;
        }
        while (!end) {
            sbuf v = {NULL, 0, 0};
            sb_put(&v, "", 0);
            if (i < n && d[i] == '"') {
                bool open = true;
                i++;
                for (;;) {
                    if (i == n) {
                        why = "unterminated quote";
                        break;
                    }
                    if (d[i] == '"') {
                        if (i + 1 < n && d[i + 1] == '"') {
                            sb_put(&v, "\"", 1);
                            i += 2;
                            continue;
                        }
                        i++;
                        open = false;
                        break;
                    }
                    if (d[i] == '\n')
                        line++;
                    sb_put(&v, d + i, 1);
                    i++;
                }
                if (open) {
                    free(v.p);
                    break;
                }
                if (i == n) {
                    end = true;
                } else if (d[i] == ',') {
                    i++;
                } else if (d[i] == '\n') {
                    i++;
                    end = true;
                } else if (d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n')) {
                    i += (i + 1 == n) ? 1 : 2;
                    end = true;
                } else {
                    if (!why)
                        why = "text after a closing quote";
                    while (i < n && d[i] != ',' && d[i] != '\n')
                        i++;
                    if (i == n || d[i] == '\n')
                        end = true;
                    i += (i < n);
                }
            } else {
                while (i < n && d[i] != ',' && d[i] != '\n')
                    sb_put(&v, d + i++, 1);
                if (i == n || d[i] == '\n') {
                    end = true;
                    if (v.n > 0 && v.p[v.n - 1] == '\r')
                        v.p[--v.n] = '\0';
                }
                i += (i < n);
            }
            has_c = has_c || (v.n == 8 && memcmp(v.p, "customer", 8) == 0);
            has_e = has_e || (v.n == 5 && memcmp(v.p, "event", 5) == 0);
            if (nf < 2)
                f[nf++] = v;
            else
                free(v.p);
        }
        line++;
        if (!why && !rt_utf8_valid(d + start, i - start))
            why = "invalid UTF-8";
        /* A header: its fields include both names, in any position. */
        if (!started) {
            started = true;
            if (!why && has_c && has_e) {
                free(f[0].p);
                free(f[1].p);
                continue;
            }
        }
        if (!why && nf < 2)
            why = "fewer than two fields";
        if (!why && f[0].n == 0)
            why = "empty customer";
        if (!why && f[1].n == 0)
            why = "empty event";
        sb_printf(out, "%llu:", rline);
        if (why) {
            sb_printf(out, "!%s\n", why);
        } else {
            sb_shown(out, f[0].p, f[0].n);
            sb_put(out, "|", 1);
            sb_shown(out, f[1].p, f[1].n);
            sb_put(out, "\n", 1);
        }
        free(f[0].p);
        free(f[1].p);
        if (why && strcmp(why, "unterminated quote") == 0)
            break;
    }
}

/* 1 to 2^(64 - shift) atoms picked at random (seed moves on), joined into
 * data (of cap bytes: the atoms that would not fit are left out); the
 * length. */
static size_t random_atoms(char *data, size_t cap, unsigned long long *seed,
                           const char *const *atoms, size_t n_atoms, int shift)
{
    size_t n = 0;
    int k, len;
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    len = (int)(*seed >> shift) + 1;
    for (k = 0; k < len; k++) {
        const char *a;
        size_t an;
        *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
        a = atoms[(*seed >> 33) % n_atoms];
        an = strlen(a);
        if (an > cap - n)
            break;
        memcpy(data + n, a, an);
        n += an;
    }
    return n;
}

static void test_random_vs_reference(void **st)
{
    static const char *const atoms[] = {"a", "b", "c", ",", ",", "\"", "\"", "\"\"",
                                        "\n", "\r", "\r\n", "\xc3\xa9", "\xff",
                                        "customer", "event", "\xef\xbb\xbf"};
    unsigned long long seed = 12345;
    int round;
    (void)st;
    for (round = 0; round < 3000; round++) {
        char data[128];
        size_t n;
        sbuf ref = {NULL, 0, 0};
        char *got;
        n = random_atoms(data, sizeof data, &seed, atoms, sizeof atoms / sizeof atoms[0], 59);
        sb_put(&ref, "", 0);
        reference(data, n, &ref);
        got = transcript_n(data, n);
        if (strcmp(got, ref.p) != 0) {
            sbuf in = {NULL, 0, 0};
            sb_shown(&in, data, n);
            fail_msg("input \"%s\":\ngot\n%s\nwant\n%s", in.p, got, ref.p);
        }
        free(got);
        free(ref.p);
    }
}

/* ---- the scanner's blocks ---------------------------------------------- */

/* `data` read with buffers of every size up to maxcap (and the default),
 * each transcript equal to the reference parser's. */
static void same_as_reference(const char *data, size_t n, size_t maxcap)
{
    sbuf ref = {NULL, 0, 0};
    size_t cap;
    sb_put(&ref, "", 0);
    reference(data, n, &ref);
    for (cap = 0; cap <= maxcap; cap++) {
        char *got = transcript_cap(data, n, cap);
        if (strcmp(got, ref.p) != 0) {
            sbuf in = {NULL, 0, 0};
            sb_shown(&in, data, n);
            fail_msg("buffer %zu, input \"%s\":\ngot\n%s\nwant\n%s", cap, in.p, got, ref.p);
        }
        free(got);
    }
    free(ref.p);
}

/* A `,` `"` LF or CR at every position of a line long enough for two or
 * three 16-byte blocks (and past the 32 bytes of a block pair), the line
 * last in the input or followed by another, with the header before it
 * shifting the record's start against the end of the data. */
static void test_special_every_position(void **st)
{
    static const char *const specials[] = {",", "\"", "\n", "\r", "\r\n", "\"\""};
    const char *const line = "G0123456789abcdefghij,event_name_here,2026-01-01T00:00:00Z,app";
    size_t ln = strlen(line), pos, k, tail;
    (void)st;
    for (k = 0; k < sizeof specials / sizeof specials[0]; k++)
        for (pos = 0; pos <= ln; pos++)
            for (tail = 0; tail < 3; tail++) {
                char data[256];
                size_t n = 0, sn = strlen(specials[k]);
                memcpy(data + n, "customer,event\n", 15);
                n += 15;
                memcpy(data + n, line, pos);
                n += pos;
                memcpy(data + n, specials[k], sn);
                n += sn;
                memcpy(data + n, line + pos, ln - pos);
                n += ln - pos;
                if (tail >= 1)
                    data[n++] = '\n';
                if (tail == 2) {
                    memcpy(data + n, "c,e\n", 4);
                    n += 4;
                }
                same_as_reference(data, n, 40);
            }
}

/* Bytes >= 0x80 - valid sequences and broken ones - at every position
 * around the 64-byte blocks the ASCII scan reads, and split across every
 * buffer refill: only records holding a bad one are invalid. */
static void test_high_bytes_at_block_ends(void **st)
{
    static const char *const seqs[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff",
                                       "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf"};
    char base[200];
    size_t n = 0, pos, k;
    (void)st;
    while (n < 150) { /* lines of 13 bytes: their ends fall everywhere in a block */
        memcpy(base + n, "cust,evt,abc\n", 13);
        n += 13;
    }
    for (k = 0; k < sizeof seqs / sizeof seqs[0]; k++)
        for (pos = 0; pos <= n; pos++) {
            char data[256];
            size_t sn = strlen(seqs[k]);
            memcpy(data, base, pos);
            memcpy(data + pos, seqs[k], sn);
            memcpy(data + pos + sn, base + pos, n - pos);
            same_as_reference(data, n + sn, pos % 7 == 0 ? 80 : 20);
        }
}

/* Long ASCII stretches between bad bytes: after a record with a byte >=
 * 0x80 the next ones are ASCII-only again (no check), until the next. */
static void test_ascii_stretches(void **st)
{
    sbuf in = {NULL, 0, 0};
    sbuf want = {NULL, 0, 0};
    int i;
    char *got;
    (void)st;
    sb_put(&want, "", 0);
    for (i = 0; i < 3000; i++) {
        bool bad = i % 97 == 5, good8 = i % 89 == 3;
        sb_printf(&in, "c%d%s,e\n", i, bad ? "\xfe" : good8 ? "\xc3\xa9" : "");
        if (bad)
            sb_printf(&want, "%d:!invalid UTF-8\n", i + 1);
        else
            sb_printf(&want, "%d:c%d%s|e\n", i + 1, i, good8 ? "\xc3\xa9" : "");
    }
    got = transcript_cap(in.p, in.n, 0);
    assert_string_equal(got, want.p);
    free(got);
    got = transcript_cap(in.p, in.n, 100);
    assert_string_equal(got, want.p);
    free(got);
    free(in.p);
    free(want.p);
}

/* A CR as the last byte of the buffered data: the reader cannot know yet
 * whether an LF follows (a record's end) or not (data), nor whether the
 * input ends there; every split agrees with the reference. */
static void test_cr_at_buffer_end(void **st)
{
    static const char *const cases[] = {
        "aaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbb\r\nc,d\r\n",
        "aaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbb\r",
        "aaaaaaaaaaaaaaaaaaaa,\"bbbbbbbbbbbbbbbbbb\"\r",
        "aaaaaaaaaaaaaaaaaaaa,\"bbbbbbbbbbbbbbbbbb\"\r\n\r\n\rx,y\r",
        "aaaaaaaaaaaaaaaaaaaa,b\rb,ccccccccccccccccccc\r\r\n",
        "\r\r\n\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbb\r",
    };
    size_t i;
    (void)st;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_reference(cases[i], strlen(cases[i]), 64);
}

/* Random inputs of long atoms, so records fill several 16-byte blocks,
 * read with buffers of up to 48 bytes. */
static void test_random_long_vs_reference(void **st)
{
    static const char *const atoms[] = {"abcdefghijklmno", "p", ",", ",", "\"", "\"\"", "\n",
                                        "\r", "\r\n", "\xc3\xa9", "\xff", "0123456789",
                                        "customer", "event"};
    unsigned long long seed = 777;
    int round;
    (void)st;
    for (round = 0; round < 400; round++) {
        char data[512];
        size_t n;
        n = random_atoms(data, sizeof data, &seed, atoms, sizeof atoms / sizeof atoms[0], 58);
        same_as_reference(data, n, 48);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_crlf_and_empty_lines),
        cmocka_unit_test(test_extra_columns),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_too_few_and_empty),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_validator),
        cmocka_unit_test(test_line_numbers),
        cmocka_unit_test(test_long_field),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_random_vs_reference),
        cmocka_unit_test(test_special_every_position),
        cmocka_unit_test(test_high_bytes_at_block_ends),
        cmocka_unit_test(test_ascii_stretches),
        cmocka_unit_test(test_cr_at_buffer_end),
        cmocka_unit_test(test_random_long_vs_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
