/* test_lsp.c - unit tests of the language server's positions and URIs
 * (src/lsp_pos.c) and of one message handled in memory (src/lsp.c).
 *
 * LSP columns count UTF-16 code units; the compiler's count bytes.  The
 * cases put non-ASCII text before the span: 2-byte (é), 3-byte (中) and
 * 4-byte astral-plane (😀, two UTF-16 units) characters, and a stray byte
 * that is no UTF-8 (one unit, as the U+FFFD an editor shows). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/lsp.h"

/* "é😀中x": bytes 2 + 4 + 3 + 1, UTF-16 units 1 + 2 + 1 + 1 */
#define MIXED "\xc3\xa9\xf0\x9f\x98\x80\xe4\xb8\xadx"

static void test_units(void **state)
{
    (void)state;
    assert_int_equal(lsp_utf16_units("abc", 3), 3);
    assert_int_equal(lsp_utf16_units(MIXED, 2), 1);
    assert_int_equal(lsp_utf16_units(MIXED, 6), 3);
    assert_int_equal(lsp_utf16_units(MIXED, 9), 4);
    assert_int_equal(lsp_utf16_units(MIXED, 10), 5);
    assert_int_equal(lsp_utf16_units("\xff" "a", 2), 2); /* a stray byte is one */
    assert_int_equal(lsp_utf16_units("", 0), 0);
}

static void test_bytes(void **state)
{
    (void)state;
    assert_int_equal(lsp_utf16_bytes(MIXED, 10, 0), 0);
    assert_int_equal(lsp_utf16_bytes(MIXED, 10, 1), 2);
    assert_int_equal(lsp_utf16_bytes(MIXED, 10, 3), 6);
    /* inside the surrogate pair of 😀: the whole character */
    assert_int_equal(lsp_utf16_bytes(MIXED, 10, 2), 6);
    assert_int_equal(lsp_utf16_bytes(MIXED, 10, 4), 9);
    assert_int_equal(lsp_utf16_bytes(MIXED, 10, 99), 10); /* past the end: the end */
    /* round trip on every character boundary */
    size_t bounds[] = { 0, 2, 6, 9, 10 };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(lsp_utf16_bytes(MIXED, 10, lsp_utf16_units(MIXED, bounds[i])),
                         bounds[i]);
}

static void test_position_of_span(void **state)
{
    (void)state;
    arena *a = arena_new();
    src_file f = { 0 };
    f.path = f.real = "t.exp";
    f.text = "line one\n  \"" MIXED "\" word;\n";
    f.len = strlen(f.text);
    src_index(a, &f);
    /* `word` starts at byte column 17 of line 2: 2 spaces, a quote, 10
     * bytes, a quote, a space -> 16 bytes before it, 11 UTF-16 units. */
    span sp = { &f, 2, 17, 2, 21 };
    json_t *r = lsp_range(&sp);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "start"), "line")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r, "start"), "character")), 11);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r, "end"), "character")), 15);
    /* and back: LSP 1:11 is byte column 17 */
    int line, col;
    json_t *p = json_pack("{s:i,s:i}", "line", 1, "character", 11);
    assert_true(lsp_line_col(f.text, f.len, p, &line, &col));
    assert_int_equal(line, 2);
    assert_int_equal(col, 17);
    json_decref(p);
    /* a line past the end is the end; a bad position is refused */
    size_t off;
    p = json_pack("{s:i,s:i}", "line", 9, "character", 0);
    assert_true(lsp_offset(f.text, f.len, p, &off));
    assert_int_equal(off, f.len);
    json_decref(p);
    p = json_pack("{s:i,s:s}", "line", 0, "character", "x");
    assert_false(lsp_offset(f.text, f.len, p, &off));
    json_decref(p);
    json_decref(r);
    arena_free(a);
}

static void test_uri(void **state)
{
    (void)state;
    char *p = lsp_uri_path("file:///tmp/a%20b/c%C3%A9.exp");
    assert_string_equal(p, "/tmp/a b/c\xc3\xa9.exp");
    free(p);
    p = lsp_uri_path("file://localhost/x.exp");
    assert_string_equal(p, "/x.exp");
    free(p);
    assert_null(lsp_uri_path("untitled:Untitled-1"));
    assert_null(lsp_uri_path("file:///a%2"));
    assert_null(lsp_uri_path("file:///a%00b")); /* no NUL inside a path */
    arena *a = arena_new();
    assert_string_equal(diag_path_uri(a, "/tmp/a b/c\xc3\xa9.exp"),
                        "file:///tmp/a%20b/c%C3%A9.exp");
    arena_free(a);
}

/* One message in memory: a malformed body gets -32700 and the server goes
 * on; the answers are framed. */
static void test_handle(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    load_opts lo = { 0 };
    lsp_server *s = lsp_new(&lo, out);
    assert_true(lsp_handle(s, "{nope", 5));
    const char *init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
    assert_true(lsp_handle(s, init, strlen(init)));
    assert_false(lsp_handle(s, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}", 33));
    fclose(out);
    assert_non_null(strstr(buf, "\"code\":-32700"));
    assert_non_null(strstr(buf, "Content-Length: "));
    assert_non_null(strstr(buf, "\"hoverProvider\":true"));
    free(buf);
    lsp_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_position_of_span),
        cmocka_unit_test(test_uri),
        cmocka_unit_test(test_handle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
