/* test_tmpl.c - unit tests of the template writer (src/tmpl.c): filling in
 * @NAME@, an unknown name (an abort) and stray @, the expansion hook,
 * the names a template defines after a prefix, and C string literals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expc/tmpl.h"

/* ---- harness ------------------------------------------------------------ */

static char buf[1024];

/* What `put` writes, as a string in buf. */
#define CAPTURE(put)                                          \
    do {                                                      \
        memset(buf, 0, sizeof buf);                           \
        FILE *f_ = fmemopen(buf, sizeof buf, "w");            \
        assert_non_null(f_);                                  \
        FILE *f = f_;                                         \
        put;                                                  \
        assert_int_equal(ferror(f_), 0);                      \
        fclose(f_);                                           \
    } while (0)

static const tmpl_var vars[] = { { "P", "shop" }, { "UP", "SHOP" } };
static const tmpl_env env = { vars, 2, NULL, NULL };

/* ---- tests -------------------------------------------------------------- */

static void test_vars(void **state)
{
    (void)state;
    CAPTURE(tmpl_put(f, "void @P@_init(@P@_state *s); /* @UP@_NOTES */\n", &env));
    assert_string_equal(buf, "void shop_init(shop_state *s); /* SHOP_NOTES */\n");
    CAPTURE(tmpl_put(f, "", &env));
    assert_string_equal(buf, "");
    CAPTURE(tmpl_put(f, "no placeholders", &env));
    assert_string_equal(buf, "no placeholders");
}

/* tmpl_put(t) in a child: whether it aborted, its stderr in buf. */
static bool aborts(const char *t, const tmpl_env *e)
{
    FILE *err = tmpfile();
    int st = 0;
    assert_non_null(err);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *out = fopen("/dev/null", "w");
        dup2(fileno(err), 2);
        tmpl_put(out ? out : stdout, t, e);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    memset(buf, 0, sizeof buf);
    rewind(err);
    size_t got = fread(buf, 1, sizeof buf - 1, err);
    (void)got;
    fclose(err);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

/* A placeholder nobody fills in is a bug of expc: it aborts, naming it;
 * other text between @ (not an identifier) and a lone @ stay as they are. */
static void test_unknown_and_stray(void **state)
{
    (void)state;
    assert_true(aborts("a @NOPE@ b", &env));
    assert_string_equal(buf, "expc: internal error: template placeholder @NOPE@ has no value\n");
    assert_false(aborts("a @P@ b", &env));
    assert_string_equal(buf, "");
    CAPTURE(tmpl_put(f, "a @> b @ c @1@ d", &env));
    assert_string_equal(buf, "a @> b @ c @1@ d");
    CAPTURE(tmpl_put(f, "x@P@y @ alone", &env));
    assert_string_equal(buf, "xshopy @ alone");
    CAPTURE(tmpl_put(f, "@@P@", &env));
    assert_string_equal(buf, "@@P@");
}

static bool quote_sql(FILE *f, const char *name, size_t n, const void *ctx)
{
    if (n < 2 || strncmp(name, "Q_", 2) != 0)
        return false;
    fprintf(f, "\"%s%.*s\"", (const char *)ctx, (int)(n - 1), name + 1);
    return true;
}

static void test_expand_hook(void **state)
{
    (void)state;
    const tmpl_env e = { vars, 2, quote_sql, "Shop" };
    CAPTURE(tmpl_put(f, "SELECT @Q_score@(x) -- @P@", &e));
    assert_string_equal(buf, "SELECT \"Shop_score\"(x) -- shop");
    assert_true(aborts("-- @Z@", &e));
}

static bool collect(const char *suffix, size_t n, void *ctx)
{
    char *out = ctx;
    strncat(out, suffix, n);
    strcat(out, ",");
    return false;
}

static bool stop_at_b(const char *suffix, size_t n, void *ctx)
{
    (void)ctx;
    return n == 1 && suffix[0] == 'b';
}

static void test_names(void **state)
{
    (void)state;
    const char *t = "@P@_init(@P@_state *s) @UP@_NOTES @P@ @P@_ @PX@_no x@P@_step_batch;";
    char got[256] = "";
    assert_false(tmpl_names(t, "P", collect, got));
    assert_string_equal(got, "init,state,step_batch,");
    got[0] = 0;
    assert_false(tmpl_names(t, "UP", collect, got));
    assert_string_equal(got, "NOTES,");
    assert_true(tmpl_names("@P@_a @P@_b @P@_c", "P", stop_at_b, NULL));
    assert_false(tmpl_names("@P@_a @P@_c", "P", stop_at_b, NULL));
}

static void test_c_string(void **state)
{
    (void)state;
    CAPTURE(tmpl_c_string(f, "plain", 5, false));
    assert_string_equal(buf, "\"plain\"");
    /* quotes, backslashes and ? (trigraphs) escaped; controls in octal */
    CAPTURE(tmpl_c_string(f, "a\"b\\c?\?=\n\x7f", 10, false));
    assert_string_equal(buf, "\"a\\\"b\\\\c\\?\\?=\\012\\177\"");
    /* an embedded NUL is a byte like any other */
    CAPTURE(tmpl_c_string(f, "a\0b", 3, false));
    assert_string_equal(buf, "\"a\\000b\"");
    /* UTF-8 is kept byte for byte, in octal */
    CAPTURE(tmpl_c_string(f, "caf\xc3\xa9", 5, true));
    assert_string_equal(buf, "\"caf\\303\\251\"");
    CAPTURE(tmpl_c_string(f, "caf\xc3\xa9", 5, false));
    assert_string_equal(buf, "\"caf\\303\\251\"");
    /* bytes that are not UTF-8: octal, or '?' for UTF-8 consumers */
    CAPTURE(tmpl_c_string(f, "\xff" "a\xc3", 3, false));
    assert_string_equal(buf, "\"\\377a\\303\"");
    CAPTURE(tmpl_c_string(f, "\xff" "a\xc3", 3, true));
    assert_string_equal(buf, "\"?a?\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vars),
        cmocka_unit_test(test_unknown_and_stray),
        cmocka_unit_test(test_expand_hook),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_c_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
