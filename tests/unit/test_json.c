/* test_json.c - the runtime's JSON reader (src/rt/json.c).
 *
 * A conformance set written by hand in the spirit of JSONTestSuite: y_ cases
 * RFC 8259 accepts, n_ cases it refuses (with the status expected: syntax,
 * UTF-8 or depth), and the i_ cases where the RFC leaves the choice to the
 * parser, with the choice json.c makes (docs/decisions.md).  Then members:
 * whole keys before dotted paths, the last of duplicates, keys holding
 * \u0000, escaped keys, integer values, and decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/rt.h"

typedef struct jcase {
    const char *doc;
    size_t n;
    rt_json_status want;
} jcase;

#define Y(s) { s, sizeof s - 1, RT_JSON_OK }
#define N(s) { s, sizeof s - 1, RT_JSON_SYNTAX }
#define U(s) { s, sizeof s - 1, RT_JSON_UTF8 }

static void check_cases(const jcase *c, size_t n)
{
    rt_json j;
    size_t i;
    int bad = 0;
    rt_json_init(&j);
    for (i = 0; i < n; i++) {
        rt_json_status st = rt_json_scan(&j, c[i].doc, c[i].n);
        if (st != c[i].want) {
            printf("case %zu `%.*s`: status %d, want %d\n", i, (int)c[i].n, c[i].doc, (int)st,
                   (int)c[i].want);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

#define CHECK(arr) check_cases(arr, sizeof arr / sizeof arr[0])

static void test_numbers(void **st)
{
    static const jcase c[] = {
        Y("0"), Y("-0"), Y("1"), Y("-1"), Y("123456789"), Y("[0]"), Y("[-0]"),
        Y("0.5"), Y("-0.5"), Y("1.0"), Y("1e5"), Y("1E5"), Y("1e+5"), Y("1e-5"),
        Y("1.5e10"), Y("0e0"), Y("0E-0"), Y("-0.0e+0"), Y("123e65"), Y("1E400"),
        Y("[1e-999999]"), Y("100000000000000000000000000000000000000000000"),
        Y("-9223372036854775809"), Y("[1,2,3]"), Y(" 7 "),
        N("01"), N("-01"), N("00"), N("+1"), N(".5"), N("5."), N("1.e5"), N("1e"),
        N("1e+"), N("1E-"), N("-"), N("--1"), N("1.2.3"), N("0x10"), N("1_000"),
        N("Infinity"), N("-Infinity"), N("NaN"), N("[.2]"), N("[2.]"), N("1ee5"),
        N("1e5.5"), N("[-]"), N("[1 2]"), N("- 1"), N("[0x1]"), N("1f"), N("[012]"),
        N("\xef\xbc\x91"), /* a fullwidth digit */
    };
    (void)st;
    CHECK(c);
}

static void test_strings(void **st)
{
    static const jcase c[] = {
        Y("\"\""), Y("\"a\""), Y("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), Y("\"\\u0000\""),
        Y("\"\\u0041\\u00e9\\u00E9\""), Y("\"\\uD83D\\uDE00\""), Y("\"\\ud83d\\ude00\""),
        Y("\"\\uFFFF\""), Y("\"\\uFDD0\""), Y("\"caf\xc3\xa9\""), Y("\"\xe2\x82\xac\""),
        Y("\"\xf0\x9f\x98\x80\""), Y("\"\xef\xbf\xbf\""), Y("\"\xf4\x8f\xbf\xbf\""),
        Y("\"\xe2\x80\xa8\xe2\x80\xa9\""), Y("\"\x7f\""), Y("\"/\""), Y("\"'\""),
        Y("\"a\\/b\""), Y("[\"\\u0022\"]"), Y("\"\\\\u0000\""), Y("\"#\""), Y("\" \""),
        Y("\"\\u005C\""), Y("\"\xc2\x80\""), Y("\"\xdf\xbf\""), Y("\"\xe0\xa0\x80\""),
        Y("\"\xed\x9f\xbf\""), Y("\"\xee\x80\x80\""), Y("\"\xf0\x90\x80\x80\""),
        N("\""), N("\"abc"), N("'a'"), N("\"\\\""), N("\"\\a\""), N("\"\\x41\""),
        N("\"\\u12\""), N("\"\\u12G4\""), N("\"\\U0041\""), N("\"\\'\""), N("\"\\0\""),
        N("\"\t\""), N("\"\n\""), N("\"\r\""), N("\"\x01\""), N("\"\x1f\""),
        N("\"\0\""), N("\"a\" \"b\""), N("\"\\uD800\\u\""), N("\"\\"), N("abc"),
        N("\"\\u00\""), N("\"\\ \""), N("\"\\\n\""),
        U("\"\xff\""), U("\"\xfe\""), U("\"\x80\""), U("\"\xc0\xaf\""), U("\"\xc1\xbf\""),
        U("\"\xe0\x80\xaf\""), U("\"\xf0\x80\x80\xaf\""), U("\"\xed\xa0\x80\""),
        U("\"\xed\xbf\xbf\""), U("\"\xf4\x90\x80\x80\""), U("\"\xf5\x80\x80\x80\""),
        U("\"\xc3\""), U("\"\xe2\x82\""), U("\"\xf0\x9f\x98\""), U("\"a\xc3(\""),
        U("[\"\xe9\"]"), U("{\"\xe9\":1}"),
    };
    (void)st;
    CHECK(c);
}

/* Implementation-defined corners: surrogate escapes without their other
 * half are grammatical, so the document is valid (decoding refuses them). */
static void test_lone_surrogates(void **st)
{
    static const jcase c[] = {
        Y("\"\\uD800\""), Y("\"\\uDBFF\""), Y("\"\\uDC00\""), Y("\"\\uDFFF\""),
        Y("\"\\uD800\\uD800\""), Y("\"\\uDE00\\uD83D\""), Y("\"\\uD800x\""),
        Y("[\"\\uDd1e\\uD834\"]"), Y("{\"\\uDFAA\":0}"), Y("\"\\uD800\\n\""),
    };
    (void)st;
    CHECK(c);
}

static void test_structure(void **st)
{
    static const jcase c[] = {
        Y("{}"), Y("[]"), Y("null"), Y("true"), Y("false"), Y("{\"a\":1}"),
        Y("{\"a\":[]}"), Y("[{}]"), Y("[[[]]]"), Y("{\"a\":{\"b\":{}}}"),
        Y("[1,\"a\",null,true,false,{},[]]"), Y("{\"a\":1,\"b\":2}"), Y("{\"\":0}"),
        Y("{\"a\":1,\"a\":2}"), Y("[null]"), Y("{\"a\":null}"), Y("[[],[[]],{}]"),
        Y("{\"a\":[{\"b\":[1]}]}"), Y("[\"\"]"), Y("{\"a\\u0000b\":1}"),
        Y("{\"a\":true,\"b\":false,\"c\":null}"), Y("[-1,0.5,1e3]"),
        N(""), N("["), N("]"), N("{"), N("}"), N("[}"), N("{]"), N("[1,]"), N("[,1]"),
        N("[1,,2]"), N("{\"a\":1,}"), N("{,}"), N("{\"a\"}"), N("{\"a\":}"), N("{\"a\" 1}"),
        N("{\"a\"::1}"), N("{a:1}"), N("{1:1}"), N("{null:1}"), N("{\"a\":1 \"b\":2}"),
        N("[1]]"), N("[1]["), N("{}{}"), N("[][]"), N("[1] 2"), N("1 2"), N("nul"),
        N("tru"), N("fals"), N("True"), N("NULL"), N("truefalse"), N("[true false]"),
        N("nulll"), N("[1:2]"), N("{\"a\",1}"), N("[\"a\":1]"), N("{\"a\":1;\"b\":2}"),
        N("[1;2]"), N("//c\n1"), N("/*c*/1"), N("1 /*c*/"), N("#1"), N("[\"a\" \"b\"]"),
        N("{\"a\":1}}"), N("{[]:1}"), N("{{}:1}"), N("[\x00]"), N("\x00"), N("[1,2"),
        N("{\"a\":"), N("{\"a\""), N("[[[[1]]]"), N("{\"a\":[}"), N("\xef\xbb\xbf{}"),
        N("<>"), N("[*]"), N("{'a':1}"), N("[undefined]"), N("a"),
    };
    (void)st;
    CHECK(c);
}

static void test_whitespace(void **st)
{
    static const jcase c[] = {
        Y(" {} "), Y("\t[]\t"), Y("\r\n{}\r\n"), Y("[ 1 , 2 ]"),
        Y("{ \"a\" : 1 , \"b\" : [ ] }"), Y("\n\n1\n"), Y(" \t\r\n\"x\" \t\r\n"),
        N(" "), N("\f{}"), N("{}\f"), N("[1,\v2]"), N("\xc2\xa0{}"), N("{}\xc2\xa0"),
        N("[\xe2\x80\x8b]"), N("\x0b{}"),
    };
    (void)st;
    CHECK(c);
}

/* 10,000 levels are accepted, 10,001 are RT_JSON_DEEP; far deeper inputs
 * cost nothing more (no recursion).  d times `open`, a 0 when `open` ends in
 * a colon, d times `close`. */
static void deep(size_t d, const char *open, const char *close, rt_json_status want)
{
    size_t i, lo = strlen(open), lc = strlen(close);
    const char *mid = open[lo - 1] == ':' ? "0" : "";
    char *s = malloc(d * (lo + lc) + 2);
    char *p = s;
    rt_json j;
    assert_non_null(s);
    for (i = 0; i < d; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, mid, strlen(mid));
    p += strlen(mid);
    for (i = 0; i < d; i++, p += lc)
        memcpy(p, close, lc);
    rt_json_init(&j);
    assert_int_equal(rt_json_scan(&j, s, (size_t)(p - s)), want);
    free(s);
}

static void test_depth(void **st)
{
    (void)st;
    deep(RT_JSON_DEPTH, "[", "]", RT_JSON_OK);
    deep(RT_JSON_DEPTH, "{\"a\":", "}", RT_JSON_OK);
    deep(RT_JSON_DEPTH / 2, "[{\"k\":", "}]", RT_JSON_OK);
    deep(RT_JSON_DEPTH + 1, "[", "]", RT_JSON_DEEP);
    deep(RT_JSON_DEPTH + 1, "{\"a\":", "}", RT_JSON_DEEP);
    deep(100000, "[", "]", RT_JSON_DEEP);
    deep(1000000, "{\"\":", "}", RT_JSON_DEEP);
}

/* ---- members ------------------------------------------------------------ */

/* Scans doc wanting `keys` (NULL-terminated); each val must be `want`:
 * "-" absent, "S:text" a string (decoded), "I:text" an integer, "N:text"
 * another number, "O" anything else. */
static void members(const char *doc, size_t n, const char *const *keys, const char *const *want)
{
    rt_json j;
    size_t i;
    rt_json_init(&j);
    for (i = 0; keys[i]; i++)
        assert_true(rt_json_want(&j, keys[i], strlen(keys[i])));
    assert_int_equal(rt_json_scan(&j, doc, n), RT_JSON_OK);
    for (i = 0; keys[i]; i++) {
        const rt_json_val *v = &j.val[i];
        char got[256];
        char buf[256];
        size_t k;
        switch (v->type) {
        case RT_JSON_ABSENT: strcpy(got, "-"); break;
        case RT_JSON_STRING:
            k = rt_json_decode(v->p, v->n, buf);
            if (k == RT_JSON_BAD_TEXT)
                strcpy(got, "BAD");
            else
                snprintf(got, sizeof got, "S:%.*s", (int)k, buf);
            break;
        case RT_JSON_INT: snprintf(got, sizeof got, "I:%.*s", (int)v->n, v->p); break;
        case RT_JSON_NUMBER: snprintf(got, sizeof got, "N:%.*s", (int)v->n, v->p); break;
        default: strcpy(got, "O"); break;
        }
        if (strcmp(got, want[i]) != 0)
            printf("doc %s key %s: got %s want %s\n", doc, keys[i], got, want[i]);
        assert_string_equal(got, want[i]);
    }
}

#define M1(doc, k, w)                                                                      \
    do {                                                                                   \
        static const char *const ks[] = { k, NULL }, *const ws[] = { w };                  \
        members(doc, sizeof doc - 1, ks, ws);                                              \
    } while (0)

static void test_members(void **st)
{
    (void)st;
    M1("{\"customer\":\"c\"}", "customer", "S:c");
    M1("{\"customer\":42}", "customer", "I:42");
    M1("{\"customer\":-7}", "customer", "I:-7");
    M1("{\"customer\":4.2}", "customer", "N:4.2");
    M1("{\"customer\":4e2}", "customer", "N:4e2");
    M1("{\"customer\":true}", "customer", "O");
    M1("{\"customer\":null}", "customer", "O");
    M1("{\"customer\":[\"c\"]}", "customer", "O");
    M1("{\"customer\":{}}", "customer", "O");
    M1("{\"other\":\"c\"}", "customer", "-");
    M1("{}", "customer", "-");
    M1("[{\"customer\":\"c\"}]", "customer", "-");
    M1("\"customer\"", "customer", "-");
    /* Duplicates: the last counts, whatever its type. */
    M1("{\"customer\":\"a\",\"customer\":\"b\"}", "customer", "S:b");
    M1("{\"customer\":\"a\",\"customer\":1}", "customer", "I:1");
    M1("{\"customer\":\"a\",\"x\":0,\"customer\":{\"customer\":\"z\"}}", "customer", "O");
    /* Only top-level members; nested ones of the same name are not it. */
    M1("{\"x\":{\"customer\":\"n\"}}", "customer", "-");
    M1("{\"x\":[{\"customer\":\"n\"}],\"customer\":\"t\"}", "customer", "S:t");
    M1("{\"x\":{\"customer\":\"n\"},\"customer\":\"t\",\"y\":{\"customer\":\"m\"}}",
       "customer", "S:t");
    /* Escapes: in keys (matched after decoding) and in values. */
    M1("{\"cu\\u0073tomer\":\"c\"}", "customer", "S:c");
    M1("{\"\\u0063ustomer\":\"c\"}", "customer", "S:c");
    M1("{\"customer\\u0000\":\"c\"}", "customer", "-");
    M1("{\"cust\\\"omer\":\"c\"}", "cust\"omer", "S:c");
    M1("{\"caf\\u00e9\":\"c\"}", "caf\xc3\xa9", "S:c");
    M1("{\"caf\xc3\xa9\":\"c\"}", "caf\xc3\xa9", "S:c");
    M1("{\"\\uD83D\\uDE00\":\"c\"}", "\xf0\x9f\x98\x80", "S:c");
    M1("{\"\\uD83D\":\"c\"}", "\xed\xa0\xbd", "-");
    M1("{\"c\":\"a\\nb\\u00e9\\ud83d\\ude00\\/\"}", "c", "S:a\nb\xc3\xa9\xf0\x9f\x98\x80/");
    M1("{\"c\":\"\\ud800\"}", "c", "BAD");
    M1("{\"c\":\"x\\udc00\"}", "c", "BAD");
    M1("{\"c\":\"\\ud800\\u0041\"}", "c", "BAD");
    M1("{\"c\":\"\\ud800\\ud800\"}", "c", "BAD");
    M1("{\"\":\"empty key\"}", "", "S:empty key");
}

/* Keys holding \u0000: members like any other, and they match a wanted key
 * holding NUL. */
static void test_nul_keys(void **st)
{
    static const char doc[] = "{\"a\\u0000b\":\"x\",\"a\":\"y\"}";
    static const char *const ks[] = { "a", NULL }, *const ws[] = { "S:y" };
    rt_json j;
    (void)st;
    members(doc, sizeof doc - 1, ks, ws);
    rt_json_init(&j);
    assert_true(rt_json_want(&j, "a\0b", 3));
    assert_int_equal(rt_json_scan(&j, doc, sizeof doc - 1), RT_JSON_OK);
    assert_int_equal(j.val[0].type, RT_JSON_STRING);
    assert_memory_equal(j.val[0].p, "x", 1);
}

static void test_paths(void **st)
{
    (void)st;
    M1("{\"user\":{\"id\":\"u\"}}", "user.id", "S:u");
    M1("{\"user\":{\"id\":12}}", "user.id", "I:12");
    M1("{\"user\":{\"name\":\"n\"}}", "user.id", "-");
    M1("{\"user\":\"u\"}", "user.id", "-");
    M1("{\"user\":[{\"id\":\"u\"}]}", "user.id", "-");
    M1("{\"a\":{\"b\":{\"c\":\"deep\"}}}", "a.b.c", "S:deep");
    M1("{\"a\":{\"b\":{\"c\":{\"d\":1}}}}", "a.b.c", "O");
    /* The whole key first, wherever it stands. */
    M1("{\"user.id\":\"whole\",\"user\":{\"id\":\"path\"}}", "user.id", "S:whole");
    M1("{\"user\":{\"id\":\"path\"},\"user.id\":\"whole\"}", "user.id", "S:whole");
    M1("{\"user\":{\"id\":\"path\"},\"x\":{\"user.id\":\"nested\"}}", "user.id", "S:path");
    /* Duplicates on each level: the last counts. */
    M1("{\"user\":{\"id\":\"a\",\"id\":\"b\"}}", "user.id", "S:b");
    M1("{\"user\":{\"id\":\"a\"},\"user\":{\"id\":\"b\"}}", "user.id", "S:b");
    M1("{\"user\":{\"id\":\"a\"},\"user\":{\"name\":\"b\"}}", "user.id", "-");
    M1("{\"user\":{\"id\":\"a\"},\"user\":5}", "user.id", "-");
    M1("{\"user\":5,\"user\":{\"id\":\"b\"}}", "user.id", "S:b");
    /* Siblings and nested objects off the path do not disturb it. */
    M1("{\"user\":{\"x\":{\"id\":\"no\"},\"id\":\"yes\",\"y\":[{\"id\":\"no\"}]}}", "user.id",
       "S:yes");
    M1("{\"x\":{\"user\":{\"id\":\"no\"}},\"user\":{\"id\":\"yes\"}}", "user.id", "S:yes");
    M1("{\"user\":{},\"z\":{\"id\":\"no\"}}", "user.id", "-");
    M1("{\"user\":{\"id\":{}},\"id\":\"no\"}", "user.id", "O");
    /* Escaped parts; empty parts are keys "" like any other. */
    M1("{\"us\\u0065r\":{\"\\u0069d\":\"u\"}}", "user.id", "S:u");
    M1("{\"a\":{\"\":{\"b\":1}}}", "a..b", "I:1");
}

static void test_several_keys(void **st)
{
    static const char doc[] = "{\"event\":\"e\",\"user\":{\"id\":7},\"customer\":\"c\","
                              "\"t\":1.5}";
    static const char *const ks[] = { "customer", "event", "user.id", "t", NULL };
    static const char *const ws[] = { "S:c", "S:e", "I:7", "N:1.5" };
    rt_json j;
    (void)st;
    members(doc, sizeof doc - 1, ks, ws);
    /* A fifth key, or a path of too many parts, is refused. */
    rt_json_init(&j);
    assert_true(rt_json_want(&j, "a", 1));
    assert_true(rt_json_want(&j, "b", 1));
    assert_true(rt_json_want(&j, "c", 1));
    assert_true(rt_json_want(&j, "d", 1));
    assert_false(rt_json_want(&j, "e", 1));
    rt_json_init(&j);
    assert_true(rt_json_want(&j, "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", 31));
    assert_false(rt_json_want(&j, "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q", 33));
}

/* A reader is reused line after line: nothing of one scan leaks into the
 * next, not even after an error in the middle of a path. */
static void test_reuse(void **st)
{
    rt_json j;
    static const char a[] = "{\"user\":{\"id\":\"a\"";
    static const char b[] = "{\"x\":{\"id\":\"b\"}}";
    static const char c[] = "[{\"user\":{\"id\":\"c\"}}]";
    (void)st;
    rt_json_init(&j);
    assert_true(rt_json_want(&j, "user.id", 7));
    assert_int_equal(rt_json_scan(&j, a, sizeof a - 1), RT_JSON_SYNTAX);
    assert_int_equal(rt_json_scan(&j, b, sizeof b - 1), RT_JSON_OK);
    assert_true(j.object);
    assert_int_equal(j.val[0].type, RT_JSON_ABSENT);
    assert_int_equal(rt_json_scan(&j, c, sizeof c - 1), RT_JSON_OK);
    assert_false(j.object);
    assert_int_equal(j.val[0].type, RT_JSON_ABSENT);
}

static void test_decode_in_place(void **st)
{
    char s[] = "a\\u00e9\\n\\\\\\\"\\ud83d\\ude00z";
    size_t n;
    (void)st;
    n = rt_json_decode(s, strlen(s), s);
    assert_int_equal(n, 11);
    assert_memory_equal(s, "a\xc3\xa9\n\\\"\xf0\x9f\x98\x80z", 11);
    assert_int_equal(rt_json_decode("\\u0000", 6, s), 1);
    assert_int_equal(s[0], 0);
    assert_int_equal(rt_json_decode("", 0, s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_lone_surrogates),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_nul_keys),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_several_keys),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_decode_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
