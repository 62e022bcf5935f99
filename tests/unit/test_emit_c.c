/* test_emit_c.c - unit tests of the C backend (src/emit_c.c).
 *
 * The machines here are built by hand, so the backend is tested without the
 * front end: the main one is tests/abi/abi.exp lowered (keep the two equal).
 * Each test emits into a fresh temporary folder, then checks the files (both
 * there, byte-identical on a second run), compiles them with the flags
 * docs/language.md (Generated code) promises (`cc -std=c11 -Wall -Wextra
 * -pedantic -Werror`, with $CC or cc, and with clang-14 when installed) and
 * runs programs built from them: the ABI driver (tests/abi/driver.c), a
 * lookup check over many look-alike event names, and the --main program.  The atomicity tests make
 * outputs fail and check that nothing is left behind and the exit is 74.
 *
 * The tree's root (for tests/abi/driver.c) is $ROOT, else found from this
 * file's name as the Makefile passes it, else the current folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expc/arena.h"
#include "expc/emit.h"
#include "expc/emit_c.h"
#include "expc/hash.h"
#include "expc/interp.h"
#include "expc/ir.h"

/* ---- fixtures ---------------------------------------------------------- */

static const char *cc(void)
{
    const char *c = getenv("CC");
    return c && *c ? c : "cc";
}

static const char *root(void)
{
    static char buf[4096];
    const char *r = getenv("ROOT");
    if (r && *r)
        return r;
    const char *file = __FILE__;
    const char *tail = strstr(file, "tests/unit/test_emit_c.c");
    if (tail && tail > file) {
        snprintf(buf, sizeof buf, "%.*s", (int)(tail - file - 1), file);
        return buf;
    }
    return ".";
}

static bool have(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/* Runs a shell command; its exit status (or -1). */
static int run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    if (WEXITSTATUS(st) != 0)
        fprintf(stderr, "command failed (%d): %s\n", WEXITSTATUS(st), cmd);
    return WEXITSTATUS(st);
}

static char *tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/expc-emit-c.XXXXXX", t && *t ? t : "/tmp");
    char *d = mkdtemp(buf);
    assert_non_null(d);
    return strdup(d);
}

static void rmtree(char *dir)
{
    run("rm -rf '%s'", dir);
    free(dir);
}

static bool exists(const char *dir, const char *name)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf = realloc(buf, n + 1);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* tests/abi/abi.exp, lowered by hand. */
static ir_event abi_events[] = {
    { "fast_checkin", 12, 0, 8, NULL, 1, NULL, 0, 0, 0, 0, 0, 0 },
    { "greeted", 7, 0, 6, NULL, 2, NULL, 0, 0, 0, 0, 0, 0 },
    { "review_left", 11, 1, 8, NULL, 1, NULL, 0, 0, 0, 0, 0, 0 },
    { "spa_booked", 10, 2, 5, NULL, 1, NULL, 0, 0, 0, 0, 0, 0 },
    { "complaint", 9, 0, -10, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "gripe", 5, 1, -3, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "bought", 6, 2, 1000000, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "browsed", 7, 2, 0, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "greeter", 7, 1, 1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "tipped", 6, 2, 2, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
};

static ir_machine abi_machine(void)
{
    ir_machine m;
    memset(&m, 0, sizeof m);
    m.name = "abi_demo";
    m.industry = NULL;
    m.script = "abi.exp";
    m.n_notes = IR_NOTES;
    m.notes[0] = (ir_note){ 1, "STAY", 12, NULL, 0,
                            { "Quiet lobby", "Phone check-in", "Greeted by name" } };
    m.notes[1] = (ir_note){ 0, "SAY", 8, NULL, 0,
                            { "Concierge desk", "Follow-up message", "Ask and listen" } };
    m.notes[2] = (ir_note){ 2, "SPEND", 5, NULL, 0,
                            { "Spa preview", "One-tap booking", "Suggest, never push" } };
    m.penalty_early = 2;
    m.n_events = sizeof abi_events / sizeof abi_events[0];
    m.events = abi_events;
    ir_decide_rules(&m);
    return m;
}

static int emit(const ir_machine *m, const char *out, const char *prefix, bool main_)
{
    arena *a = arena_new();
    emit_opts o = { out, prefix, 2, main_ };
    int rc = cgen_backend.emit(a, m, &o);
    arena_free(a);
    return rc;
}

#define STRICT "-std=c11 -Wall -Wextra -pedantic -Werror"

/* ---- tests ------------------------------------------------------------- */

static void test_backend_entry(void **state)
{
    (void)state;
    assert_string_equal(cgen_backend.kind, "c");
    assert_string_equal(cgen_backend.ext, ".c");
    assert_false(cgen_backend.needs_llvm);
}

static void test_header_path(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(cgen_header_path(a, "out.c"), "out.h");
    assert_string_equal(cgen_header_path(a, "dir/x.y.c"), "dir/x.y.h");
    assert_string_equal(cgen_header_path(a, "prog"), "prog.h");
    assert_string_equal(cgen_header_path(a, "a.cc"), "a.cc.h");
    assert_string_equal(cgen_header_path(a, "a.C"), "a.C.h");
    assert_string_equal(cgen_header_path(a, "dir/.c"), "dir/.c.h");
    assert_string_equal(cgen_header_path(a, "x.c/y"), "x.c/y.h");
    arena_free(a);
}

static void test_prefix_ok(void **state)
{
    (void)state;
    assert_true(emit_prefix_ok("exp_grand_hotel"));
    assert_true(emit_prefix_ok("_x9"));
    assert_true(emit_prefix_ok("A"));
    assert_false(emit_prefix_ok(""));
    assert_false(emit_prefix_ok("9x"));
    assert_false(emit_prefix_ok("a-b"));
    assert_false(emit_prefix_ok("a b"));
    assert_false(emit_prefix_ok(NULL));
}

/* The files appear, compile under the strict flags with every compiler at
 * hand, and the ABI driver agrees with the hand-worked values. */
static void test_emit_compile_and_abi(void **state)
{
    (void)state;
    char *d = tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/abi.c", d);
    ir_machine m = abi_machine();
    assert_int_equal(emit(&m, out, "abi", false), 0);
    assert_true(exists(d, "abi.c"));
    assert_true(exists(d, "abi.h"));
    assert_int_equal(count_entries(d), 2); /* no temporaries left */

    assert_int_equal(run("%s " STRICT " -c -o '%s/abi.o' '%s/abi.c'", cc(), d, d), 0);
    assert_int_equal(run("%s " STRICT " -O2 -I'%s' -o '%s/driver' '%s/tests/abi/driver.c' "
                         "'%s/abi.c' && '%s/driver' >/dev/null",
                         cc(), d, d, root(), d, d), 0);
    if (have("clang-14")) {
        assert_int_equal(run("clang-14 " STRICT " -O2 -I'%s' -o '%s/driver2' "
                             "'%s/tests/abi/driver.c' '%s/abi.c' && '%s/driver2' >/dev/null",
                             d, d, root(), d, d), 0);
    }
    if (have("gcc")) /* the header alone, as C++ would see it too */
        assert_int_equal(run("gcc " STRICT " -fsyntax-only -x c '%s/abi.h'", d), 0);
    rmtree(d);
}

/* Same machine, same bytes; and no folder names leak into the text. */
static void test_deterministic(void **state)
{
    (void)state;
    char *d1 = tmpdir(), *d2 = tmpdir();
    char o1[4096], o2[4096];
    snprintf(o1, sizeof o1, "%s/m.c", d1);
    snprintf(o2, sizeof o2, "%s/m.c", d2);
    ir_machine m = abi_machine();
    assert_int_equal(emit(&m, o1, NULL, false), 0);
    assert_int_equal(emit(&m, o2, NULL, false), 0);
    for (int k = 0; k < 2; k++) {
        char p1[4096], p2[4096];
        size_t n1, n2;
        snprintf(p1, sizeof p1, "%s/m.%s", d1, k ? "h" : "c");
        snprintf(p2, sizeof p2, "%s/m.%s", d2, k ? "h" : "c");
        char *t1 = slurp(p1, &n1), *t2 = slurp(p2, &n2);
        assert_non_null(t1);
        assert_non_null(t2);
        assert_int_equal(n1, n2);
        assert_memory_equal(t1, t2, n1);
        assert_null(strstr(t1, d1));
        /* default prefix exp_NAME, UP upper-cased, header by base name */
        if (k) {
            assert_non_null(strstr(t1, "#define EXP_ABI_DEMO_NOTES 3\n"));
            assert_non_null(strstr(t1, "} exp_abi_demo_state;\n"));
            assert_non_null(strstr(t1, "extern const int32_t exp_abi_demo_event_count;\n"));
        } else {
            assert_non_null(strstr(t1, "#include \"m.h\"\n"));
            assert_non_null(strstr(t1, "const int32_t exp_abi_demo_event_count = 10;\n"));
        }
        free(t1);
        free(t2);
    }
    rmtree(d1);
    rmtree(d2);
}

/* An output folder that does not exist, or is a file: 74, nothing made. */
static void test_unwritable(void **state)
{
    (void)state;
    char *d = tmpdir();
    char out[4096];
    ir_machine m = abi_machine();
    snprintf(out, sizeof out, "%s/missing/abi.c", d);
    assert_int_equal(emit(&m, out, NULL, false), 74);
    assert_int_equal(count_entries(d), 0);

    char file[4096];
    snprintf(file, sizeof file, "%s/plain", d);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(out, sizeof out, "%s/plain/abi.c", d);
    assert_int_equal(emit(&m, out, NULL, false), 74);
    assert_int_equal(count_entries(d), 1);

    /* -o naming a folder: refused before anything is written. */
    snprintf(out, sizeof out, "%s/sub", d);
    assert_int_equal(mkdir(out, 0777), 0);
    assert_int_equal(emit(&m, out, NULL, false), 74);
    assert_int_equal(count_entries(d), 2);
    snprintf(out, sizeof out, "%s/sub.h", d);
    assert_int_equal(mkdir(out, 0777), 0);
    snprintf(out, sizeof out, "%s/sub.c", d);
    assert_int_equal(emit(&m, out, NULL, false), 74);
    assert_int_equal(count_entries(d), 3);
    rmtree(d);
}

/* Both or neither: here the source's temporary can be made but not the
 * header's (its name is two bytes longer and passes NAME_MAX), so the
 * source must not appear either. */
static void test_both_or_neither(void **state)
{
    (void)state;
    char *d = tmpdir();
    long name_max = pathconf(d, _PC_NAME_MAX);
    if (name_max <= 0 || name_max > 1000)
        name_max = 255;
    char base[1024];
    /* ".BASE.XXXXXX" fits, ".BASE.h.XXXXXX" does not. */
    size_t n = (size_t)name_max - 8;
    memset(base, 'q', n);
    base[n] = 0;
    char out[4096];
    snprintf(out, sizeof out, "%s/%s", d, base);
    ir_machine m = abi_machine();
    assert_int_equal(emit(&m, out, NULL, false), 74);
    assert_int_equal(count_entries(d), 0);
    rmtree(d);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char *d = tmpdir();
    char out[4096];
    ir_machine m = abi_machine();
    snprintf(out, sizeof out, "%s/x.c", d);
    assert_int_equal(emit(&m, out, "9lives", false), 2);
    assert_int_equal(emit(&m, out, "a-b", false), 2);
    assert_int_equal(emit(&m, out, "", false), 2);
    /* --main: names the embedded runtime also defines (rt_state,
     * run_state, RT_NOTES) */
    assert_int_equal(emit(&m, out, "rt", true), 2);
    assert_int_equal(emit(&m, out, "run", true), 2);
    assert_int_equal(emit(&m, out, "RT", true), 2);
    snprintf(out, sizeof out, "%s/we\"ird.c", d);
    assert_int_equal(emit(&m, out, NULL, false), 2);
    snprintf(out, sizeof out, "%s/back\\slash.c", d);
    assert_int_equal(emit(&m, out, NULL, false), 2);
    snprintf(out, sizeof out, "%s/tri?\?=graph.c", d);
    assert_int_equal(emit(&m, out, NULL, false), 2);
    snprintf(out, sizeof out, "%s/", d);
    assert_int_equal(emit(&m, out, NULL, false), 2);
    assert_int_equal(count_entries(d), 0);
    /* ... which are fine without --main, and with it when no name clashes;
     * `P` is named in the runtime's comments, which do not count. */
    snprintf(out, sizeof out, "%s/x.c", d);
    assert_int_equal(emit(&m, out, "rt", false), 0);
    assert_int_equal(emit(&m, out, "rt_x", true), 0);
    assert_int_equal(run("%s " STRICT " -o '%s/x' '%s'", cc(), d, out), 0);
    assert_int_equal(emit(&m, out, "P", true), 0);
    assert_int_equal(run("%s " STRICT " -o '%s/x' '%s'", cc(), d, out), 0);
    rmtree(d);
}

/* The longest experience name (255 bytes) makes a longer default prefix;
 * C takes it. */
static void test_long_name(void **state)
{
    (void)state;
    char name[256];
    memset(name, 'n', 255);
    name[255] = 0;
    ir_machine m = abi_machine();
    m.name = name;
    char *d = tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/long.c", d);
    assert_int_equal(emit(&m, out, NULL, true), 0);
    assert_int_equal(run("%s " STRICT " -o '%s/long' '%s'", cc(), d, out), 0);
    rmtree(d);
}

static void test_bad_machine(void **state)
{
    (void)state;
    char *d = tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/x.c", d);
    ir_machine m = abi_machine();
    m.n_notes = 2;
    assert_int_equal(emit(&m, out, NULL, false), 70);
    m = abi_machine();
    ir_event bad = { "x", 1, 3, 1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 };
    m.events = &bad;
    m.n_events = 1;
    assert_int_equal(emit(&m, out, NULL, false), 70);
    assert_int_equal(count_entries(d), 0);
    rmtree(d);
}

/* Text the front end could pass into comments and names: every sequence
 * that could end a comment, start one, splice lines or form a trigraph,
 * quotes, control bytes, bytes that are not UTF-8 and ones that are.  The
 * result must still compile under -Werror, and the odd names resolve. */
static void test_hostile_text(void **state)
{
    (void)state;
    char *d = tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/odd.c", d);
    static ir_event ev[] = {
        { "a?\?/", 4, 0, 5, "*/ nope /*", 0, "?\?=", 0, 0, 0, 0, 0, 0 },
        { "q\"\\", 3, 1, 5, NULL, 2, NULL, 0, 0, 0, 0, 0, 0 },
        { "caf\xc3\xa9", 5, 2, 5, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
        { "\x01\xff", 2, 0, -1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    };
    static const char *emos[] = { "a*/b", "/*c" };
    ir_machine m = abi_machine();
    m.name = "odd";
    m.industry = "in*/dustry";
    m.script = "dir/we*/ird?\?/.exp";
    m.notes[0].media[0] = "ends */ here /* and ?\?/\nnext\tline \"q\" \\";
    m.notes[0].media[1] = "bad utf8 \xff\xc3 ok \xc3\xa9 \xe2\x82\xac";
    m.notes[0].media[2] = NULL;
    m.notes[1].emotions = emos;
    m.notes[1].n_emotions = 2;
    m.events = ev;
    m.n_events = sizeof ev / sizeof ev[0];
    ir_decide_rules(&m);
    assert_int_equal(emit(&m, out, "odd", false), 0);
    FILE *f;
    char main_c[4096];
    snprintf(main_c, sizeof main_c, "%s/main.c", d);
    f = fopen(main_c, "w");
    assert_non_null(f);
    fputs("#include \"odd.h\"\n"
          "int main(void)\n{\n"
          "    return !(odd_event_id(\"a?\\?/\", 4) == 0 && odd_event_id(\"q\\\"\\\\\", 3) == 1\n"
          "        && odd_event_id(\"caf\\303\\251\", 5) == 2 && odd_event_id(\"\\001\\377\", 2) == 3\n"
          "        && odd_event_id(\"a?\\?=\", 4) == -1);\n}\n",
          f);
    fclose(f);
    assert_int_equal(run("%s " STRICT " -Wtrigraphs -I'%s' -o '%s/prog' '%s' '%s' && '%s/prog'",
                         cc(), d, d, main_c, out, d), 0);
    if (have("clang-14"))
        assert_int_equal(run("clang-14 " STRICT " -I'%s' -c -o '%s/o.o' '%s'", d, d, out), 0);
    rmtree(d);
}

/* Many names of one length sharing long prefixes and suffixes: the nested
 * switches must find each and nothing else. */
static void test_lookup_many(void **state)
{
    (void)state;
    enum { N = 300 };
    static char names[N][16];
    static ir_event ev[N];
    /* "e7_bc", "e42_ab", "e137_ca": lengths 5 to 7, each length with many
     * names one byte apart. */
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "e%d_%c%c", i, 'a' + i % 7, 'a' + i % 3);
        ev[i] = (ir_event){ names[i], strlen(names[i]), i % 3, (i % 5) - 1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 };
    }
    ir_machine m = abi_machine();
    m.events = ev;
    m.n_events = N;
    ir_decide_rules(&m);
    char *d = tmpdir();
    char out[4096], main_c[4096];
    snprintf(out, sizeof out, "%s/many.c", d);
    assert_int_equal(emit(&m, out, "many", false), 0);
    snprintf(main_c, sizeof main_c, "%s/main.c", d);
    FILE *f = fopen(main_c, "w");
    assert_non_null(f);
    fputs("#include <stdio.h>\n#include <string.h>\n#include \"many.h\"\n"
          "int main(void)\n{\n    char b[32];\n    int bad = 0;\n"
          "    for (int i = 0; i < 300; i++) {\n"
          "        size_t n = (size_t)snprintf(b, sizeof b, \"e%d_%c%c\", i, 'a' + i % 7,\n"
          "                                    'a' + i % 3);\n"
          "        bad |= many_event_id(b, n) != i;\n"
          "        b[n - 1] = 'z';\n"
          "        bad |= many_event_id(b, n) != -1;\n"
          "        b[0] = 'x';\n"
          "        bad |= many_event_id(b, strlen(b)) != -1;\n"
          "        bad |= many_event_id(b, strlen(b) - 1) != -1;\n"
          "    }\n"
          "    return bad || many_event_count != 300;\n}\n",
          f);
    fclose(f);
    assert_int_equal(run("%s " STRICT " -I'%s' -o '%s/prog' '%s' '%s' && '%s/prog'",
                         cc(), d, d, main_c, out, d), 0);
    rmtree(d);
}

/* No events at all (the front end never lowers one, but the backend must
 * still make valid C: C has no empty arrays). */
static void test_no_events(void **state)
{
    (void)state;
    ir_machine m = abi_machine();
    m.events = NULL;
    m.n_events = 0;
    char *d = tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/none.c", d);
    assert_int_equal(emit(&m, out, "none", false), 0);
    assert_int_equal(run("%s " STRICT " -c -o '%s/none.o' '%s'", cc(), d, out), 0);
    rmtree(d);
}

/* --main: the program builds cleanly (both compilers) and scores a small
 * CSV as `expc run` would.  Also with the machine taken from an object
 * (-DUP_EXTERNAL_MACHINE), the way an --emit=obj output is tested. */
static void test_main(void **state)
{
    (void)state;
    char *d = tmpdir();
    char out[4096];
    snprintf(out, sizeof out, "%s/prog.c", d);
    ir_machine m = abi_machine();
    assert_int_equal(emit(&m, out, NULL, true), 0);
    assert_int_equal(run("%s " STRICT " -o '%s/prog' '%s'", cc(), d, out), 0);
    if (have("clang-14"))
        assert_int_equal(run("clang-14 " STRICT " -o '%s/prog2' '%s'", d, out), 0);
    assert_int_equal(run("printf 'c1,greeted\\nc2,complaint\\nc1,fast_checkin\\n' | '%s/prog' "
                         "> '%s/got' && printf 'customer,score,stage,events,early\\n"
                         "c1,14,SAY,2,0\\nc2,-10,STAY,1,0\\n' | cmp -s - '%s/got'",
                         d, d, d), 0);

    /* The machine from a separate object, the program from prog.c. */
    char lib[4096];
    snprintf(lib, sizeof lib, "%s/lib.c", d);
    assert_int_equal(emit(&m, lib, NULL, false), 0);
    assert_int_equal(run("%s " STRICT " -DEXP_ABI_DEMO_EXTERNAL_MACHINE -o '%s/prog3' '%s' '%s'",
                         cc(), d, out, lib), 0);
    rmtree(d);
}

/* cgen_write_source without a header name (how another backend embeds the
 * machine in a file of its own): the declarations are written in place, and
 * the result is one self-contained, cleanly compiling file. */
static void test_inline_declarations(void **state)
{
    (void)state;
    char *d = tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/one.c", d);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    ir_machine m = abi_machine();
    cgen_opts co = { "one", NULL, NULL, false };
    cgen_write_source(f, &m, &co);
    fputs("int main(void)\n{\n    one_state s;\n    one_init(&s);\n"
          "    one_step(&s, one_event_id(\"greeted\", 7), 0);\n"
          "    return !(s.score == 6 && one_event_count == 10);\n}\n", f);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    assert_int_equal(run("%s " STRICT " -o '%s/one' '%s' && '%s/one'", cc(), d, path, d), 0);
    rmtree(d);
}

/* The generated step and the reference interpreter (interp_step) agree on
 * states no event log reaches: sums that wrap past INT64_MAX or INT64_MIN,
 * counters at UINT64_MAX, every stage, ids out of range.  A small program
 * steps each state once through the C machine; interp_step does the same
 * here; the results must be equal field by field. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
    /* xorshift64*: deterministic, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

static int64_t edge_i64(void)
{
    switch (rnd() % 6) {
    case 0:
        return INT64_MAX - (int64_t)(rnd() % 2000000);
    case 1:
        return INT64_MIN + (int64_t)(rnd() % 2000000);
    case 2:
        return (int64_t)(rnd() % 41) - 20;
    case 3:
        return (int64_t)rnd();
    default:
        return (int64_t)(rnd() % 30);
    }
}

static void test_agrees_with_interp(void **state)
{
    (void)state;
    enum { N = 4000 };
    char *d = tmpdir();
    char out[4096], path[4096];
    snprintf(out, sizeof out, "%s/w.c", d);
    ir_machine m = abi_machine();
    assert_int_equal(emit(&m, out, "w", false), 0);
    snprintf(path, sizeof path, "%s/harness.c", d);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("#include <inttypes.h>\n#include <stdio.h>\n#include \"w.h\"\n"
          "int main(void)\n{\n    w_state s;\n    int32_t id;\n"
          "    while (scanf(\"%\" SCNd32 \" %\" SCNd64 \" %\" SCNd64 \" %\" SCNd64 \" %\" SCNd64\n"
          "                 \" %\" SCNu64 \" %\" SCNu64 \" %\" SCNd32, &s.stage, &s.score,\n"
          "                 &s.points[0], &s.points[1], &s.points[2], &s.events, &s.early,\n"
          "                 &id) == 8) {\n"
          "        w_step(&s, id, 0);\n"
          "        printf(\"%\" PRId32 \" %\" PRId64 \" %\" PRId64 \" %\" PRId64 \" %\" PRId64\n"
          "               \" %\" PRIu64 \" %\" PRIu64 \"\\n\", s.stage, s.score, s.points[0],\n"
          "               s.points[1], s.points[2], s.events, s.early);\n"
          "    }\n    return 0;\n}\n",
          f);
    fclose(f);
    assert_int_equal(run("%s " STRICT " -O2 -I'%s' -o '%s/harness' '%s' '%s'",
                         cc(), d, d, path, out), 0);

    static rt_state want[N];
    snprintf(path, sizeof path, "%s/in.txt", d);
    f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < N; i++) {
        rt_state s;
        s.stage = (int32_t)(rnd() % 4);
        s.score = edge_i64();
        for (int k = 0; k < 3; k++)
            s.points[k] = edge_i64();
        s.events = rnd() % 3 ? rnd() % 100 : UINT64_MAX - rnd() % 3;
        s.early = rnd() % 3 ? rnd() % 100 : UINT64_MAX - rnd() % 3;
        int32_t id = (int32_t)(rnd() % (m.n_events + 4)) - 2;
        fprintf(f, "%" PRId32 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRIu64
                   " %" PRIu64 " %" PRId32 "\n",
                s.stage, s.score, s.points[0], s.points[1], s.points[2], s.events, s.early,
                id);
        interp_step(&m, &s, id, 0);
        want[i] = s;
    }
    fclose(f);
    assert_int_equal(run("'%s/harness' < '%s' > '%s/out.txt'", d, path, d), 0);
    snprintf(path, sizeof path, "%s/out.txt", d);
    f = fopen(path, "r");
    assert_non_null(f);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        rt_state g;
        int got = fscanf(f, "%" SCNd32 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
                            " %" SCNu64 " %" SCNu64,
                         &g.stage, &g.score, &g.points[0], &g.points[1], &g.points[2],
                         &g.events, &g.early);
        assert_int_equal(got, 7);
        const rt_state *w = &want[i];
        if (g.stage != w->stage || g.score != w->score || g.points[0] != w->points[0] ||
            g.points[1] != w->points[1] || g.points[2] != w->points[2] ||
            g.events != w->events || g.early != w->early) {
            if (bad++ < 5)
                fprintf(stderr, "state %d: C and interpreter differ (score %" PRId64
                                " vs %" PRId64 ")\n", i, g.score, w->score);
        }
    }
    fclose(f);
    assert_int_equal(bad, 0);
    rmtree(d);
}

/* The lookup table both backends put in data past 256 events: every name
 * found by hashing and probing at its first id, a name not declared
 * reaches an empty slot, FNV-1a is the published 32-bit one. */
static void test_event_table(void **st)
{
    (void)st;
    assert_int_equal(hash_fnv1a("", 0), 2166136261u);
    assert_int_equal(hash_fnv1a("a", 1), 0xe40c292cu);
    assert_int_equal(hash_fnv1a("foobar", 6), 0xbf9cf968u);
    enum { N = 1000 };
    static ir_event ev[N + 1];
    static char names[N][8];
    for (int i = 0; i < N; i++) {
        int n = snprintf(names[i], sizeof names[i], "e%d", i);
        ev[i] = (ir_event){ names[i], (size_t)n, i % 3, 1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 };
    }
    ev[N] = ev[7]; /* a name declared twice keeps its first id */
    ir_machine m = abi_machine();
    m.events = ev;
    m.n_events = N + 1;
    ir_decide_rules(&m);
    ir_event_table t;
    ir_event_table_build(&m, &t);
    assert_true(t.cap >= 2 * (N + 1) && (t.cap & (t.cap - 1)) == 0);
    size_t used = 0;
    for (size_t i = 0; i < t.cap; i++)
        used += t.slots[i] != 0;
    assert_int_equal(used, N);
    for (int i = 0; i <= N; i++) {
        size_t h = hash_fnv1a(ev[i].name, ev[i].len) & (t.cap - 1);
        while (t.slots[h] && strcmp(ev[t.slots[h] - 1].name, ev[i].name) != 0)
            h = (h + 1) & (t.cap - 1);
        assert_int_equal(t.slots[h], (i == N ? 7 : i) + 1);
    }
    size_t h = hash_fnv1a("nope", 4) & (t.cap - 1), probes = 0;
    while (t.slots[h] && probes < t.cap)
        h = (h + 1) & (t.cap - 1), probes++;
    assert_true(probes < t.cap);
    free(t.slots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backend_entry),
        cmocka_unit_test(test_header_path),
        cmocka_unit_test(test_prefix_ok),
        cmocka_unit_test(test_emit_compile_and_abi),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_both_or_neither),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_bad_machine),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_lookup_many),
        cmocka_unit_test(test_no_events),
        cmocka_unit_test(test_main),
        cmocka_unit_test(test_inline_declarations),
        cmocka_unit_test(test_agrees_with_interp),
        cmocka_unit_test(test_event_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
