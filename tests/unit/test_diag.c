/* test_diag.c - unit tests of the diagnostics module (src/diag.c).
 *
 * Diagnostics are reported by hand against small source files built in
 * memory, then flushed into a memory stream and compared with the exact
 * text or JSON a user would see: the order (file load order, line, column,
 * then report order), the text form with its source line and caret/tilde
 * line, notes with and without a place, the JSON object per line, fixes,
 * the SARIF log and its code-point columns, -Werror and --max-errors.  The golden files of tests/golden/diag show the same
 * forms end to end; these pin down the module on its own. */
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

#include "expc/diag.h"

static arena *A;
static diag_ctx D;
static src_file FA, FB;

#define TEXT_A "emotion calm evokes STAY;\nemotion calm evokes SAY;\n\temotion x;\r\nlast"
#define TEXT_B "industry cafes { first SAY; }\n"

static void file_init(src_file *f, const char *path, const char *text, int id)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->real = path;
    f->text = text;
    f->len = strlen(text);
    f->id = id;
    src_index(A, f);
}

static int setup(void **st)
{
    (void)st;
    A = arena_new();
    diag_init(&D, A);
    file_init(&FA, "a.exp", TEXT_A, 0);
    file_init(&FB, "b.exp", TEXT_B, 1);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    arena_free(A);
    A = NULL;
    return 0;
}

static span at(const src_file *f, int line, int col, int end_line, int end_col)
{
    return (span){f, line, col, end_line, end_col};
}

/* What diag_flush prints, malloc'd. */
static char *flush(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    D.out = f;
    diag_flush(&D);
    fclose(f);
    D.out = stderr;
    return buf;
}

static void assert_flush(const char *want)
{
    char *got = flush();
    assert_string_equal(got, want);
    free(got);
}

/* ---- text form -------------------------------------------------------- */

/* file:line:col: severity[CODE]: message, the line, a caret under the first
 * byte and tildes under the rest; a note in the same shape, without code. */
static void test_text_caret_and_note(void **st)
{
    (void)st;
    diagnostic *dg = diag_report(&D, "E0201", at(&FA, 2, 9, 2, 13),
                                 "emotion `%s` is declared twice", "calm");
    diag_add_note(&D, dg, at(&FA, 1, 9, 1, 13), "first declared here");
    assert_int_equal(D.errors, 1);
    assert_flush("a.exp:2:9: error[E0201]: emotion `calm` is declared twice\n"
                 "emotion calm evokes SAY;\n"
                 "        ^~~~\n"
                 "a.exp:1:9: note: first declared here\n"
                 "emotion calm evokes STAY;\n"
                 "        ^~~~\n");
    assert_int_equal(D.n, 0); /* flushed: the list is cleared, counts kept */
    assert_int_equal(D.errors, 1);
}

/* Tabs stay tabs in the caret line (so the caret sits under the same
 * column however wide a tab is), a CR before the newline is not shown, an
 * empty span still gets its caret, and a span running onto a later line is
 * underlined to the end of its first line. */
static void test_text_tabs_crlf_and_multiline(void **st)
{
    (void)st;
    diag_report(&D, "E0110", at(&FA, 3, 10, 3, 11), "one");
    diag_report(&D, "E0110", at(&FA, 4, 5, 4, 5), "two");
    diag_report(&D, "E0110", at(&FA, 1, 21, 2, 3), "three");
    assert_flush("a.exp:1:21: error[E0110]: three\n"
                 "emotion calm evokes STAY;\n"
                 "                    ^~~~~\n"
                 "a.exp:3:10: error[E0110]: one\n"
                 "\temotion x;\n"
                 "\t        ^\n"
                 "a.exp:4:5: error[E0110]: two\n"
                 "last\n"
                 "    ^\n");
}

/* A note with no place (the searched folders of E0205) is one line. */
static void test_text_note_without_span(void **st)
{
    (void)st;
    diagnostic *dg = diag_report(&D, "E0205", at(&FB, 1, 1, 1, 9), "cannot find");
    diag_add_note(&D, dg, (span){0}, "searched, in order: %s", "/x");
    diag_add_note(&D, NULL, (span){0}, "ignored"); /* no diagnostic: no note */
    assert_flush("b.exp:1:1: error[E0205]: cannot find\n"
                 "industry cafes { first SAY; }\n"
                 "^~~~~~~~\n"
                 "note: searched, in order: /x\n");
}

/* Colour wraps the parts in ANSI sequences only when asked. */
static void test_text_color(void **st)
{
    (void)st;
    D.color = true;
    diag_report(&D, "W0601", at(&FB, 1, 1, 1, 2), "w");
    char *got = flush();
    assert_non_null(strstr(got, "\033[1;35mwarning[W0601]"));
    assert_non_null(strstr(got, "\033[1;32m^\033[0m"));
    free(got);
}

/* ---- order ------------------------------------------------------------ */

/* By file load order, line, column; ties keep the report order; a
 * diagnostic without a file comes first. */
static void test_sorted_by_position(void **st)
{
    (void)st;
    D.format = DIAG_JSON;
    diag_report(&D, "E0110", at(&FB, 1, 1, 1, 2), "b1");
    diag_report(&D, "E0110", at(&FA, 2, 9, 2, 10), "a2-first");
    diag_report(&D, "W0601", at(&FA, 1, 9, 1, 10), "a1");
    diag_report(&D, "E0110", at(&FA, 2, 9, 2, 10), "a2-second");
    diag_report(&D, "E0110", at(&FA, 2, 1, 2, 2), "a2-col1");
    diag_report(&D, "E0110", (span){0}, "nowhere");
    char *got = flush();
    const char *want[] = {"nowhere", "a1", "a2-col1", "a2-first", "a2-second", "b1"};
    char *line = got;
    for (size_t i = 0; i < 6; i++) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = 0;
        json_error_t err;
        json_t *o = json_loads(line, 0, &err);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "message")), want[i]);
        json_decref(o);
        line = nl + 1;
    }
    assert_string_equal(line, "");
    free(got);
}

/* ---- JSON form -------------------------------------------------------- */

/* One compact object per line, keys in a fixed order, notes inside it with
 * severity "note" and the diagnostic's code; no trailer, no colour. */
static void test_json_shape(void **st)
{
    (void)st;
    D.format = DIAG_JSON;
    D.color = true;
    diagnostic *dg = diag_report(&D, "E0201", at(&FA, 2, 9, 2, 13), "twice");
    diag_add_note(&D, dg, at(&FA, 1, 9, 1, 13), "first");
    diag_add_note(&D, dg, (span){0}, "bytes \xff \"q\"");
    diag_report(&D, "W0404", at(&FB, 1, 1, 1, 9), "lacks");
    assert_flush(
        "{\"file\":\"a.exp\",\"line\":2,\"column\":9,\"end_line\":2,\"end_column\":13,"
        "\"severity\":\"error\",\"code\":\"E0201\",\"message\":\"twice\",\"notes\":["
        "{\"file\":\"a.exp\",\"line\":1,\"column\":9,\"end_line\":1,\"end_column\":13,"
        "\"severity\":\"note\",\"code\":\"E0201\",\"message\":\"first\"},"
        "{\"severity\":\"note\",\"code\":\"E0201\",\"message\":\"bytes \\uFFFD \\\"q\\\"\"}]}\n"
        "{\"file\":\"b.exp\",\"line\":1,\"column\":1,\"end_line\":1,\"end_column\":9,"
        "\"severity\":\"warning\",\"code\":\"W0404\",\"message\":\"lacks\",\"notes\":[]}\n");
}

/* A fix is a `fixes` array after `notes` (none when there is no fix); an
 * empty span inserts.  The text form does not show fixes. */
static void test_fixes(void **st)
{
    (void)st;
    D.format = DIAG_JSON;
    diagnostic *dg = diag_report(&D, "E0202", at(&FA, 2, 9, 2, 13), "unknown");
    diag_fix *f = diag_add_fix(&D, dg, at(&FA, 2, 9, 2, 13), "calmness", "replace with `%s`",
                               "calmness");
    diag_fix_add_edit(&D, f, at(&FB, 2, 1, 2, 1), "x\n");
    assert_null(diag_add_fix(&D, NULL, at(&FA, 1, 1, 1, 1), "", "none"));
    assert_flush(
        "{\"file\":\"a.exp\",\"line\":2,\"column\":9,\"end_line\":2,\"end_column\":13,"
        "\"severity\":\"error\",\"code\":\"E0202\",\"message\":\"unknown\",\"notes\":[],"
        "\"fixes\":[{\"message\":\"replace with `calmness`\",\"edits\":["
        "{\"file\":\"a.exp\",\"line\":2,\"column\":9,\"end_line\":2,\"end_column\":13,"
        "\"text\":\"calmness\"},"
        "{\"file\":\"b.exp\",\"line\":2,\"column\":1,\"end_line\":2,\"end_column\":1,"
        "\"text\":\"x\\n\"}]}]}\n");
    D.format = DIAG_TEXT;
    dg = diag_report(&D, "E0202", at(&FB, 1, 10, 1, 15), "unknown");
    diag_add_fix(&D, dg, at(&FB, 1, 10, 1, 15), "cafe", "replace");
    assert_flush("b.exp:1:10: error[E0202]: unknown\n"
                 "industry cafes { first SAY; }\n"
                 "         ^~~~~\n");
}

/* ---- SARIF -------------------------------------------------------------- */

/* Byte columns become code-point columns: a two-byte and a three-byte
 * character before the span take one column each; a stray byte counts as
 * one; past the end of the line, each column is one; no file: unchanged. */
static void test_column_cp(void **st)
{
    (void)st;
    src_file u;
    file_init(&u, "u.exp", "x \"Caf\xc3\xa9 \xe2\x98\x95\" y\n\xff z\n", 2);
    assert_int_equal(diag_column_cp(&u, 1, 1), 1);
    assert_int_equal(diag_column_cp(&u, 1, 7), 7);   /* the é */
    assert_int_equal(diag_column_cp(&u, 1, 9), 8);   /* after é */
    assert_int_equal(diag_column_cp(&u, 1, 13), 10); /* the quote after ☕ */
    assert_int_equal(diag_column_cp(&u, 1, 15), 12); /* y: 3 less than in bytes */
    assert_int_equal(diag_column_cp(&u, 1, 16), 13); /* the end of the line */
    assert_int_equal(diag_column_cp(&u, 1, 19), 16); /* past it, one each */
    assert_int_equal(diag_column_cp(&u, 2, 3), 3);   /* \xff counts as one */
    assert_int_equal(diag_column_cp(&u, 3, 1), 1);   /* the empty last line */
    assert_int_equal(diag_column_cp(NULL, 4, 5), 5);
}

/* The log of two flushes (two scripts of one command): one run, a rule per
 * code once, results with code-point regions, a note without place as a
 * message-only related location, a fix as an artifactChange. */
static void test_sarif_log(void **st)
{
    (void)st;
    src_file u;
    file_init(&u, "dir/caf\xc3\xa9 1.exp", "stage \"\xc3\xa9\" comfrot;\n", 2);
    D.format = DIAG_SARIF;
    D.sarif = diag_sarif_new();
    diagnostic *dg = diag_report(&D, "E0202", at(&u, 1, 12, 1, 19), "unknown");
    diag_add_note(&D, dg, (span){0}, "bare");
    diag_add_fix(&D, dg, at(&u, 1, 12, 1, 19), "comfort", "replace");
    assert_flush("");
    diag_report(&D, "E0202", at(&FA, 1, 9, 1, 13), "again");
    diag_report(&D, "W0404", at(&FB, 1, 1, 1, 9), "lacks");
    assert_flush("");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(diag_sarif_write(D.sarif, f, "9.9"), 0);
    fclose(f);
    json_error_t err;
    json_t *log = json_loads(buf, 0, &err);
    assert_non_null(log);
    json_t *run = json_array_get(json_object_get(log, "runs"), 0);
    assert_string_equal(json_string_value(json_object_get(log, "version")), "2.1.0");
    assert_string_equal(json_string_value(json_object_get(run, "columnKind")),
                        "unicodeCodePoints");
    json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
                                    "rules");
    assert_int_equal(json_array_size(rules), 2);
    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), 3);
    json_t *r0 = json_array_get(results, 0);
    json_t *loc = json_object_get(json_array_get(json_object_get(r0, "locations"), 0),
                                  "physicalLocation");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
        "dir/caf%C3%A9%201.exp");
    json_t *region = json_object_get(loc, "region");
    assert_int_equal(json_integer_value(json_object_get(region, "startColumn")), 11);
    assert_int_equal(json_integer_value(json_object_get(region, "endColumn")), 18);
    json_t *rel = json_array_get(json_object_get(r0, "relatedLocations"), 0);
    assert_null(json_object_get(rel, "physicalLocation"));
    json_t *rep = json_array_get(
        json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(r0, "fixes"),
                                                                      0),
                                                       "artifactChanges"),
                                       0),
                        "replacements"),
        0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(rep, "insertedContent"), "text")),
        "comfort");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rep, "deletedRegion"),
                                                        "startColumn")),
                     11);
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 2), "level")),
                        "warning");
    json_decref(log);
    free(buf);
}

/* Did-you-mean distance: a swap of neighbours is one edit; past the limit
 * the answer is limit + 1; the limit grows one per three characters. */
static void test_edit_distance(void **st)
{
    (void)st;
    assert_int_equal(diag_edit_distance("comfrot", "comfort", 2), 1);
    assert_int_equal(diag_edit_distance("emotion", "emotions", 2), 1);
    assert_int_equal(diag_edit_distance("abc", "xyz", 1), 2);
    assert_int_equal(diag_suggest_limit("ab"), 1);
    assert_int_equal(diag_suggest_limit("marketting"), 3);
}

/* ---- severities and limits --------------------------------------------- */

/* A warning counts as a warning; under -Werror it is an error, printed as
 * one; `run` hides warnings but still counts them.  A code missing from
 * the table is an error with no table row. */
static void test_werror(void **st)
{
    (void)st;
    diagnostic *w = diag_report(&D, "W0404", at(&FB, 1, 1, 1, 2), "w");
    assert_int_equal(w->severity, DIAG_WARNING);
    assert_int_equal(D.warnings, 1);
    assert_int_equal(D.errors, 0);
    D.werror = true;
    diagnostic *e = diag_report(&D, "W0404", at(&FB, 1, 3, 1, 4), "e");
    assert_int_equal(e->severity, DIAG_ERROR);
    assert_int_equal(D.warnings, 1);
    assert_int_equal(D.errors, 1);
    assert_flush("b.exp:1:1: warning[W0404]: w\n"
                 "industry cafes { first SAY; }\n"
                 "^\n"
                 "b.exp:1:3: error[W0404]: e\n"
                 "industry cafes { first SAY; }\n"
                 "  ^\n");
    D.werror = false;
    D.hide_warnings = true;
    assert_null(diag_report(&D, "W0404", at(&FB, 1, 1, 1, 2), "hidden"));
    assert_int_equal(D.warnings, 2);
    assert_flush("");
    diagnostic *u = diag_report(&D, "E9999", at(&FB, 1, 1, 1, 2), "u");
    assert_null(u->code);
    assert_int_equal(u->severity, DIAG_ERROR);
}

/* --max-errors N: the first N errors by position are printed (whatever
 * order they were found in), warnings still are, and the text form ends
 * with one trailer line, once; JSON has no trailer. */
static void test_max_errors(void **st)
{
    (void)st;
    D.max_errors = 2;
    diag_report(&D, "E0110", at(&FB, 1, 1, 1, 2), "third");
    assert_false(diag_full(&D));
    diag_report(&D, "E0110", at(&FA, 2, 1, 2, 2), "second");
    assert_true(diag_full(&D));
    diag_report(&D, "E0110", at(&FA, 1, 1, 1, 2), "first");
    diag_report(&D, "W0601", at(&FB, 1, 3, 1, 4), "warned");
    char *got = flush();
    assert_non_null(strstr(got, "error[E0110]: first"));
    assert_non_null(strstr(got, "error[E0110]: second"));
    assert_null(strstr(got, "third"));
    assert_non_null(strstr(got, "warning[W0601]: warned"));
    const char *trailer = "expc: too many errors; stopped after 2 (--max-errors)\n";
    size_t n = strlen(got), t = strlen(trailer);
    assert_true(n > t);
    assert_string_equal(got + n - t, trailer);
    assert_true(D.stopped);
    free(got);
    diag_report(&D, "E0110", at(&FA, 1, 1, 1, 2), "more");
    got = flush();
    assert_null(strstr(got, "too many errors")); /* said once */
    free(got);

    teardown(NULL);
    setup(NULL);
    D.format = DIAG_JSON;
    D.max_errors = 1;
    diag_report(&D, "E0110", at(&FA, 1, 1, 1, 2), "one");
    diag_report(&D, "E0110", at(&FA, 2, 1, 2, 2), "two");
    got = flush();
    assert_non_null(strstr(got, "\"one\""));
    assert_null(strstr(got, "\"two\""));
    assert_null(strstr(got, "too many"));
    free(got);
}

/* ---- lines and spans ---------------------------------------------------- */

static void test_line_text_and_span_join(void **st)
{
    (void)st;
    size_t len;
    const char *l = diag_line_text(&FA, 3, &len);
    assert_int_equal(len, 11); /* "\temotion x;" without "\r\n" */
    assert_memory_equal(l, "\temotion x;", 11);
    l = diag_line_text(&FA, 4, &len);
    assert_int_equal(len, 4);
    assert_null(diag_line_text(&FA, 5, &len));
    assert_null(diag_line_text(&FA, 0, &len));
    assert_null(diag_line_text(NULL, 1, &len));
    src_file raw = FA; /* no index: found by scanning */
    raw.line_starts = NULL;
    l = diag_line_text(&raw, 2, &len);
    assert_int_equal(len, 24);
    assert_memory_equal(l, "emotion calm evokes SAY;", 24);
    span s = span_join(at(&FA, 1, 3, 1, 5), at(&FA, 2, 7, 2, 9));
    assert_int_equal(s.line, 1);
    assert_int_equal(s.col, 3);
    assert_int_equal(s.end_line, 2);
    assert_int_equal(s.end_col, 9);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_text_caret_and_note),
        T(test_text_tabs_crlf_and_multiline),
        T(test_text_note_without_span),
        T(test_text_color),
        T(test_sorted_by_position),
        T(test_json_shape),
        T(test_fixes),
        T(test_column_cp),
        T(test_sarif_log),
        T(test_edit_distance),
        T(test_werror),
        T(test_max_errors),
        T(test_line_text_and_span_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
