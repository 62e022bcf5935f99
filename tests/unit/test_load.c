/* test_load.c - unit tests of the loader (src/load.c).
 *
 * Each test lays out scripts in a temporary folder, loads a root file with
 * load_program and looks at the program: which file each import found (by
 * its real path), how many files were loaded, and the E0205 diagnostics
 * collected in the diag_ctx.  What is tested is the contract of
 * include/expc/load.h and docs/language.md: an import is searched for in the
 * importing file's folder, each -I folder in order, each EXP_PATH folder,
 * then the stdlib; each file is loaded once by its real path, so repeated,
 * aliased and cyclic imports are harmless; an import found nowhere is E0205,
 * reported only when every file parsed; an open editor buffer
 * (load_opts.overlay) is read before the disk. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/load.h"
#include "unit_fs.h"

static arena *A;
static diag_ctx D;

static void reset(void)
{
    if (A)
        arena_free(A);
    A = arena_new();
    diag_init(&D, A);
    D.max_errors = 0;
}

static int teardown(void **st)
{
    (void)st;
    if (A)
        arena_free(A);
    A = NULL;
    unsetenv("EXP_PATH");
    return 0;
}

/* Loads dir/rel with the given -I folders (NULL-terminated) and stdlib. */
static program *load(const char *dir, const char *rel, const char *stdlib, ...)
{
    static const char *inc[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, stdlib);
    for (const char *s; n < 8 && (s = va_arg(ap, const char *));)
        inc[n++] = s;
    va_end(ap);
    reset();
    load_opts o = {.include_dirs = inc, .n_include = n, .stdlib_dir = stdlib};
    /* The program keeps the root's path: give it one that stays. */
    return load_program(A, &D, &o, arena_strdup(A, ufs_path(dir, rel)));
}

/* The real path of the file the first import of file `i` loaded. */
static const char *first_import(const program *p, size_t i)
{
    for (const ast_item *it = p->files[i]->items; it; it = it->next)
        if (it->kind == ITEM_IMPORT) {
            assert_true(it->import_file >= 0 && (size_t)it->import_file < p->n_files);
            return p->files[it->import_file]->src->real;
        }
    fail_msg("file %zu imports nothing", i);
    return NULL;
}

#define LIB(tag) "emotion from_" tag " evokes SAY;\n"

/* The importing folder, then -I in order, then EXP_PATH in order, then the
 * stdlib: each place wins while it has the file, and the next takes over
 * once it is removed. */
static void test_search_order(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "main/root.exp", "import \"x\";\n");
    const char *where[] = {"main", "i1", "i2", "e2", "std"};
    for (size_t k = 0; k < 5; k++) {
        char rel[64];
        snprintf(rel, sizeof rel, "%s/x.exp", where[k]);
        ufs_write(t, rel, LIB("x"));
    }
    mkdir(ufs_path(t, "e1"), 0777); /* on EXP_PATH, but without x.exp */
    char env[8400];
    snprintf(env, sizeof env, "%s/e1::%s/e2", t, t); /* empty entries are skipped */
    setenv("EXP_PATH", env, 1);
    char i1[4200], i2[4200], std[4200];
    snprintf(i1, sizeof i1, "%s/i1", t);
    snprintf(i2, sizeof i2, "%s/i2", t);
    snprintf(std, sizeof std, "%s/std", t);
    for (size_t k = 0; k < 5; k++) {
        program *p = load(t, "main/root.exp", std, i1, i2, (const char *)NULL);
        assert_non_null(p);
        assert_int_equal(D.n, 0);
        assert_int_equal(p->n_files, 2);
        char want[4200];
        snprintf(want, sizeof want, "%s/%s/x.exp", t, where[k]);
        assert_string_equal(first_import(p, 0), want);
        assert_int_equal(unlink(want), 0);
    }
    /* Gone everywhere: E0205. */
    program *p = load(t, "main/root.exp", std, i1, i2, (const char *)NULL);
    assert_non_null(p);
    assert_int_equal(D.n, 1);
    assert_string_equal(D.list[0]->code_name, "E0205");
    ufs_rmtree(t);
}

/* "Importing folder" is the folder of the file that imports, not the
 * root's; `x.exp` and `x` name the same file. */
static void test_importing_folder(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "root.exp", "import \"sub/y\";\n");
    ufs_write(t, "sub/y.exp", "import \"z.exp\";\n");
    ufs_write(t, "sub/z.exp", LIB("sub"));
    ufs_write(t, "z.exp", LIB("top"));
    program *p = load(t, "root.exp", NULL, (const char *)NULL);
    assert_int_equal(D.n, 0);
    assert_int_equal(p->n_files, 3);
    assert_string_equal(first_import(p, 1), ufs_path(t, "sub/z.exp"));
    ufs_rmtree(t);
}

/* Files are keyed by real path: two imports of one file, and a symbolic
 * link to it, load it once, and every import points at that one copy. */
static void test_load_once(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "root.exp", "import \"a\";\nimport \"b\";\nimport \"link\";\n");
    ufs_write(t, "a.exp", "import \"c\";\n");
    ufs_write(t, "b.exp", "import \"c\";\nimport \"c.exp\";\n");
    ufs_write(t, "c.exp", LIB("c"));
    assert_int_equal(symlink("c.exp", ufs_path(t, "link.exp")), 0);
    program *p = load(t, "root.exp", NULL, (const char *)NULL);
    assert_int_equal(D.n, 0);
    assert_int_equal(p->n_files, 4); /* root, a, b and c (through the link) */
    const char *c = ufs_path(t, "c.exp");
    for (size_t i = 0; i < p->n_files; i++)
        for (const ast_item *it = p->files[i]->items; it; it = it->next)
            if (it->kind == ITEM_IMPORT && i > 0)
                assert_string_equal(p->files[it->import_file]->src->real, c);
    /* Breadth-first: the root's imports first, in source order. */
    assert_string_equal(p->files[1]->src->real, ufs_path(t, "a.exp"));
    assert_string_equal(p->files[2]->src->real, ufs_path(t, "b.exp"));
    ufs_rmtree(t);
}

/* A file importing itself, and two files importing each other (through
 * the root), load each file once and report nothing. */
static void test_cycles(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "root.exp", "import \"a\";\nimport \"root\";\n");
    ufs_write(t, "a.exp", "import \"root\";\nimport \"a\";\n" LIB("a"));
    program *p = load(t, "root.exp", NULL, (const char *)NULL);
    assert_non_null(p);
    assert_int_equal(D.n, 0);
    assert_int_equal(p->n_files, 2);
    const ast_item *it = p->files[1]->items;
    assert_int_equal(it->import_file, 0);
    assert_int_equal(it->next->import_file, 1);
    assert_int_equal(p->files[0]->items->next->import_file, 0);
    ufs_rmtree(t);
}

/* E0205 at the import's string, in source order, with a note listing
 * every folder searched in order; an absolute path is not searched. */
static void test_missing_import(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "root.exp", "import \"nope\";\nimport \"/no/such/file.exp\";\n");
    char inc[4200];
    snprintf(inc, sizeof inc, "%s/inc", t);
    program *p = load(t, "root.exp", "/stdlib-dir", inc, (const char *)NULL);
    assert_non_null(p);
    assert_int_equal(D.errors, 2);
    assert_int_equal(D.n, 2);
    const diagnostic *d0 = D.list[0], *d1 = D.list[1];
    assert_string_equal(d0->code_name, "E0205");
    assert_string_equal(d0->message, "cannot find import `nope` (looked for `nope.exp`)");
    assert_int_equal(d0->sp.line, 1);
    assert_int_equal(d0->sp.col, 8);
    assert_int_equal(d0->sp.end_col, 14); /* the string, quotes included */
    assert_int_equal(d0->n_notes, 1);
    char want[9000];
    snprintf(want, sizeof want, "searched, in order: %s, %s, /stdlib-dir", t, inc);
    assert_string_equal(d0->notes[0].message, want);
    assert_string_equal(d1->code_name, "E0205");
    assert_int_equal(d1->sp.line, 2);
    assert_string_equal(d1->notes[0].message, "an absolute path is not searched for");
    assert_int_equal(p->files[0]->items->import_file, -1);
    ufs_rmtree(t);
}

/* A syntax error anywhere stops the checks, E0205 included: the missing
 * import is not reported, the syntax error is. */
static void test_missing_import_after_syntax_error(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "root.exp", "import \"nope\";\nimport \"bad\";\n");
    ufs_write(t, "bad.exp", "emotion ;\n");
    program *p = load(t, "root.exp", NULL, (const char *)NULL);
    assert_non_null(p);
    assert_int_equal(p->syntax_errors, 1);
    assert_int_equal(D.n, 1);
    assert_string_equal(D.list[0]->code_name, "E0110");
    ufs_rmtree(t);
}

/* A root that cannot be read is no program (the caller exits 66); a folder
 * is refused with EISDIR; a file is read whole. */
static void test_root_and_read_file(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    reset();
    load_opts o = {0};
    assert_null(load_program(A, &D, &o, ufs_path(t, "absent.exp")));
    size_t len = 99;
    errno = 0;
    assert_null(load_read_file(A, t, &len));
    assert_int_equal(errno, EISDIR);
    ufs_write(t, "f.exp", "emotion a evokes SAY;\n");
    char *text = load_read_file(A, ufs_path(t, "f.exp"), &len);
    assert_non_null(text);
    assert_int_equal(len, 22);
    assert_string_equal(text, "emotion a evokes SAY;\n");
    ufs_rmtree(t);
}

/* The editor's buffers (load_opts.overlay, `expc lsp`): an open buffer is
 * read before the disk, for the root and for an import, and a buffer never
 * saved can be imported; the others come from the disk. */
typedef struct buffers {
    const char *path[2], *text[2];
} buffers;

static const char *overlay(void *ctx, const char *path, size_t *len)
{
    const buffers *b = ctx;
    for (int i = 0; i < 2; i++)
        if (b->path[i] && !strcmp(b->path[i], path)) {
            *len = strlen(b->text[i]);
            return b->text[i];
        }
    return NULL;
}

static void test_overlay(void **st)
{
    (void)st;
    char *t = ufs_tmpdir("load");
    ufs_write(t, "root.exp", "import \"a\";\n");
    ufs_write(t, "a.exp", LIB("disk_a"));
    ufs_write(t, "b.exp", LIB("disk_b"));
    buffers b = { { 0 }, { 0 } };
    char *root = strdup(ufs_path(t, "root.exp"));
    b.path[0] = root;
    b.text[0] = "import \"a\";\nimport \"b\";\nimport \"new\";\n";
    char *pa = strdup(ufs_path(t, "a.exp")), *pn = strdup(ufs_path(t, "new.exp"));
    b.path[1] = pa;
    b.text[1] = LIB("buffer_a");
    reset();
    load_opts o = {.overlay = overlay, .overlay_ctx = &b};
    program *p = load_program(A, &D, &o, b.path[0]);
    assert_non_null(p);
    assert_int_equal(p->n_files, 3); /* root, a, b; `new` is nowhere yet */
    assert_string_equal(p->files[1]->items->names->name, "from_buffer_a");
    assert_string_equal(p->files[2]->items->names->name, "from_disk_b");
    assert_int_equal(D.n, 1);
    assert_string_equal(D.list[0]->code_name, "E0205");
    /* A buffer that was never saved: found, known by its path. */
    b.path[1] = pn;
    b.text[1] = LIB("never_saved");
    reset();
    p = load_program(A, &D, &o, b.path[0]);
    assert_int_equal(p->n_files, 4);
    assert_int_equal(D.n, 0);
    assert_string_equal(p->files[3]->items->names->name, "from_never_saved");
    assert_string_equal(p->files[3]->src->real, pn);
    free(root);
    free(pa);
    free(pn);
    ufs_rmtree(t);
}

/* The bundled stdlib is found from a binary in the build tree. */
static void test_find_stdlib(void **st)
{
    (void)st;
    reset();
    const char *dir = load_find_stdlib(A, NULL); /* from /proc/self/exe: build/tests/ */
    if (dir) {
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/emotions.exp", dir);
        assert_true(ufs_exists(probe));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_search_order, teardown),
        cmocka_unit_test_teardown(test_importing_folder, teardown),
        cmocka_unit_test_teardown(test_load_once, teardown),
        cmocka_unit_test_teardown(test_cycles, teardown),
        cmocka_unit_test_teardown(test_missing_import, teardown),
        cmocka_unit_test_teardown(test_missing_import_after_syntax_error, teardown),
        cmocka_unit_test_teardown(test_root_and_read_file, teardown),
        cmocka_unit_test_teardown(test_overlay, teardown),
        cmocka_unit_test_teardown(test_find_stdlib, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
