/* test_ndjson.c - the NDJSON event reader (src/rt/ndjson.c).
 *
 * Like test_csv.c: each input becomes a transcript, `LINE:customer|event`
 * or `LINE:!why` per record, read with the real buffer and with tiny ones
 * (1 to 9 bytes) so every line also crosses refills; all must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/rt.h"

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

static char *transcript_cap(const char *data, size_t n, size_t cap)
{
    FILE *f = file_of(data, n);
    rt_src s;
    rt_ndjson *r;
    rt_rec rec;
    sbuf b = {NULL, 0, 0};
    char num[32];
    assert_true(rt_src_init(&s, f, "t"));
    if (cap)
        s.cap = cap;
    r = rt_ndjson_new(&s, NULL);
    assert_non_null(r);
    sb_put(&b, "", 0);
    for (;;) {
        int st = rt_ndjson_next(r, &rec);
        if (st == RT_NEXT_EOF)
            break;
        assert_int_equal(st, RT_NEXT_REC);
        snprintf(num, sizeof num, "%llu:", (unsigned long long)rec.line);
        sb_put(&b, num, strlen(num));
        if (rec.why) {
            sb_put(&b, "!", 1);
            sb_put(&b, rec.why, strlen(rec.why));
        } else {
            sb_shown(&b, rec.cust, rec.cust_len);
            sb_put(&b, "|", 1);
            sb_shown(&b, rec.event, rec.event_len);
        }
        sb_put(&b, "\n", 1);
    }
    rt_ndjson_free(r);
    rt_src_free(&s);
    fclose(f);
    return b.p;
}

static void expect_n(const char *data, size_t n, const char *want)
{
    char *t = transcript_cap(data, n, 0);
    size_t cap;
    assert_string_equal(t, want);
    for (cap = 1; cap <= 9; cap++) {
        char *u = transcript_cap(data, n, cap);
        assert_string_equal(u, want);
        free(u);
    }
    free(t);
}

static void expect(const char *data, const char *want)
{
    expect_n(data, strlen(data), want);
}

static void test_basic(void **st)
{
    (void)st;
    expect("", "");
    expect("{\"customer\":\"c1\",\"event\":\"e1\"}\n{\"event\":\"e2\",\"customer\":\"c2\"}\n",
           "1:c1|e1\n2:c2|e2\n");
    expect("{\"customer\":\"c1\",\"event\":\"e1\"}", "1:c1|e1\n"); /* no final LF */
    /* Other members, of any type, are ignored. */
    expect("{\"ts\":12,\"customer\":\"c\",\"x\":{\"y\":[1,null]},\"event\":\"e\",\"z\":true}\n",
           "1:c|e\n");
    /* Whitespace inside and around the object. */
    expect("  { \"customer\" : \"c\" ,\t\"event\":\"e\" }  \n", "1:c|e\n");
}

static void test_blank_lines_and_crlf(void **st)
{
    (void)st;
    expect("\n\n{\"customer\":\"c\",\"event\":\"e\"}\r\n\r\n  \t\n"
           "{\"customer\":\"d\",\"event\":\"f\"}\r\n",
           "3:c|e\n6:d|f\n");
    expect("\xef\xbb\xbf{\"customer\":\"c\",\"event\":\"e\"}\n", "1:c|e\n");
}

static void test_string_values(void **st)
{
    (void)st;
    /* JSON escapes are decoded: the customer is what the string means. */
    expect("{\"customer\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\",\"event\":\"e\\t\"}\n",
           "1:a\"b\\c\\n\xc3\xa9\xf0\x9f\x98\x80|e\t\n");
    expect("{\"customer\":\"caf\xc3\xa9\",\"event\":\"e\"}\n", "1:caf\xc3\xa9|e\n");
}

static void test_invalid(void **st)
{
    (void)st;
    expect("{\"customer\":\"c\",\"event\":\"e\"\n", "1:!not valid JSON\n");
    expect("customer,event\n", "1:!not valid JSON\n");
    expect("{\"customer\":\"c\",\"event\":\"e\"} {}\n", "1:!not valid JSON\n");
    expect("[\"c\",\"e\"]\n", "1:!not a JSON object\n");
    expect("\"c\"\n", "1:!not a JSON object\n");
    expect("42\n", "1:!not a JSON object\n");
    expect("null\n", "1:!not a JSON object\n");
    expect("{\"event\":\"e\"}\n", "1:!no string member \"customer\"\n");
    expect("{\"customer\":1.5,\"event\":\"e\"}\n", "1:!" RT_WHY_JSON_CUSTOMER_TYPE "\n");
    expect("{\"customer\":1e3,\"event\":\"e\"}\n", "1:!" RT_WHY_JSON_CUSTOMER_TYPE "\n");
    expect("{\"customer\":true,\"event\":\"e\"}\n", "1:!" RT_WHY_JSON_CUSTOMER_TYPE "\n");
    expect("{\"customer\":{\"id\":\"c\"},\"event\":\"e\"}\n",
           "1:!" RT_WHY_JSON_CUSTOMER_TYPE "\n");
    expect("{\"customer\":\"c\",\"event\":7}\n", "1:!no string member \"event\"\n");
    expect("{\"customer\":\"c\"}\n", "1:!no string member \"event\"\n");
    expect("{\"customer\":\"c\",\"event\":null}\n", "1:!no string member \"event\"\n");
    expect("{\"customer\":\"\",\"event\":\"e\"}\n", "1:!empty customer\n");
    expect("{\"customer\":\"c\",\"event\":\"\"}\n", "1:!empty event\n");
    expect("{\"customer\":\"c\xff\",\"event\":\"e\"}\n", "1:!invalid UTF-8\n");
    /* \u0000 is accepted (a CSV field may hold a NUL too); the transcript
     * "1:a\0b|e" reads as "1:a" as a C string. */
    expect("{\"customer\":\"a\\u0000b\",\"event\":\"e\"}\n", "1:a");
    /* A lone surrogate escape is valid JSON but no character. */
    expect("{\"customer\":\"\\ud800\",\"event\":\"e\"}\n", "1:!" RT_WHY_JSON_SURROGATE_C "\n");
    expect("{\"customer\":\"c\",\"event\":\"\\udc00x\"}\n", "1:!" RT_WHY_JSON_SURROGATE_E "\n");
    expect("{\"x\":\"\\ud800\",\"customer\":\"c\",\"event\":\"e\"}\n", "1:c|e\n");
    /* Bad UTF-8 is named as such even outside strings. */
    expect("{\"customer\":\"c\",\"event\":\"e\"}\xff\n", "1:!invalid UTF-8\n");
    expect("{\"customer\":\"c\",\"event\":\"e\",}\n", "1:!not valid JSON\n");
    /* One bad line does not disturb the next. */
    expect("{\n{\"customer\":\"c\",\"event\":\"e\"}\n", "1:!not valid JSON\n2:c|e\n");
}

static void test_customer_numbers(void **st)
{
    (void)st;
    /* An integer customer is its decimal text as written. */
    expect("{\"customer\":42,\"event\":\"e\"}\n{\"customer\":-0,\"event\":\"e\"}\n"
           "{\"customer\":123456789012345678901234567890,\"event\":\"e\"}\n",
           "1:42|e\n2:-0|e\n3:123456789012345678901234567890|e\n");
    expect("{\"customer\":042,\"event\":\"e\"}\n", "1:!not valid JSON\n");
}

static void test_keys(void **st)
{
    (void)st;
    /* The last of repeated members counts; escaped keys match. */
    expect("{\"customer\":\"a\",\"event\":\"e\",\"customer\":\"b\"}\n", "1:b|e\n");
    expect("{\"customer\":\"a\",\"event\":\"e\",\"customer\":null}\n",
           "1:!" RT_WHY_JSON_CUSTOMER_TYPE "\n");
    expect("{\"cus\\u0074omer\":\"a\",\"\\u0065vent\":\"e\"}\n", "1:a|e\n");
    /* Keys holding \u0000 are members like any other (jansson refused the line). */
    expect("{\"a\\u0000b\":1,\"customer\":\"c\",\"event\":\"e\"}\n", "1:c|e\n");
    expect("{\"customer\\u0000\":\"x\",\"customer\":\"c\",\"event\":\"e\"}\n", "1:c|e\n");
    /* Nested members of the same name are not the top-level one. */
    expect("{\"x\":{\"customer\":\"n\"},\"event\":\"e\"}\n", "1:!no string member \"customer\"\n");
}

static void test_depth(void **st)
{
    size_t d = RT_JSON_DEPTH, i;
    char *data = malloc(2 * d + 64);
    char *p = data;
    (void)st;
    assert_non_null(data);
    p += sprintf(p, "{\"customer\":\"c\",\"event\":\"e\",\"x\":");
    for (i = 0; i < d - 1; i++)
        *p++ = '[';
    for (i = 0; i < d - 1; i++)
        *p++ = ']';
    p += sprintf(p, "}\n");
    expect_n(data, (size_t)(p - data), "1:c|e\n");
    /* One level more. */
    p = data;
    p += sprintf(p, "{\"customer\":\"c\",\"event\":\"e\",\"x\":");
    for (i = 0; i < d; i++)
        *p++ = '[';
    for (i = 0; i < d; i++)
        *p++ = ']';
    p += sprintf(p, "}\n");
    expect_n(data, (size_t)(p - data), "1:!" RT_WHY_JSON_DEEP "\n");
    free(data);
}

static void test_long_line(void **st)
{
    size_t n = (size_t)10 * 1024 * 1024;
    char *data = malloc(n + 64);
    FILE *f;
    rt_src s;
    rt_ndjson *r;
    rt_rec rec;
    (void)st;
    assert_non_null(data);
    memcpy(data, "{\"customer\":\"", 13);
    memset(data + 13, 'q', n);
    memcpy(data + 13 + n, "\",\"event\":\"e\"}\n{}\n", 19);
    f = file_of(data, n + 31);
    assert_true(rt_src_init(&s, f, "t"));
    r = rt_ndjson_new(&s, NULL);
    assert_non_null(r);
    assert_int_equal(rt_ndjson_next(r, &rec), RT_NEXT_REC);
    assert_null(rec.why);
    assert_int_equal(rec.cust_len, n);
    assert_memory_equal(rec.cust, data + 13, n);
    assert_int_equal(rt_ndjson_next(r, &rec), RT_NEXT_REC);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.why, "no string member \"customer\"");
    assert_int_equal(rt_ndjson_next(r, &rec), RT_NEXT_EOF);
    rt_ndjson_free(r);
    rt_src_free(&s);
    fclose(f);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_blank_lines_and_crlf),
        cmocka_unit_test(test_string_values),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_customer_numbers),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_long_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
