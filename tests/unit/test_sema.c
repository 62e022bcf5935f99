/* test_sema.c - unit tests of the checker (src/sema.c) and of the code
 * table (src/codes.c).
 *
 * Programs are built by hand from one or two source strings (a.exp, b.exp,
 * in load order) through the real parser, then checked; the assertions look
 * at the diagnostics collected in the diag_ctx before anything is printed:
 * their codes in print order, spans, messages and notes.  The code table's
 * examples are compiled through the real loader and the bundled stdlib, so
 * `expc explain` can never show an example that does not do what it says.
 * The golden files in tests/golden/diag cover the printed form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/load.h"
#include "expc/sema.h"

/* ---- harness ------------------------------------------------------------ */

static arena *A;
static diag_ctx D;
static program P;
static ast_file *F[4];
static int sema_rc;

static void reset(void)
{
    if (A)
        arena_free(A);
    A = arena_new();
    diag_init(&D, A);
    D.max_errors = 0; /* keep everything: tests count */
    memset(&P, 0, sizeof P);
}

/* Parses the NULL-terminated list of sources as files a.exp, b.exp, ...
 * and checks them (when they parsed cleanly, as main does). */
static int check_files(const char *first, ...)
{
    static const char *const names[] = {"a.exp", "b.exp", "c.exp", "d.exp"};
    va_list ap;
    va_start(ap, first);
    size_t n = 0;
    for (const char *s = first; s && n < 4; s = va_arg(ap, const char *), n++) {
        src_file *f = arena_alloc(A, sizeof *f);
        f->path = names[n];
        f->real = names[n];
        f->text = arena_strdup(A, s);
        f->len = strlen(s);
        f->id = (int)n;
        src_index(A, f);
        F[n] = ast_parse(A, &D, f);
        P.syntax_errors += F[n]->syntax_errors;
    }
    va_end(ap);
    P.files = F;
    P.n_files = n;
    sema_rc = sema_check(A, &D, &P);
    return sema_rc;
}

#define CHECK(...) (reset(), check_files(__VA_ARGS__, (const char *)NULL))

static int cmp_diag(const void *x, const void *y)
{
    const diagnostic *a = *(diagnostic *const *)x, *b = *(diagnostic *const *)y;
    int fa = a->sp.file ? a->sp.file->id : -1, fb = b->sp.file ? b->sp.file->id : -1;
    if (fa != fb)
        return fa - fb;
    if (a->sp.line != b->sp.line)
        return a->sp.line - b->sp.line;
    if (a->sp.col != b->sp.col)
        return a->sp.col - b->sp.col;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The codes reported, in print order, space-separated ("" when clean). */
static const char *codes(void)
{
    if (D.n)
        qsort(D.list, D.n, sizeof *D.list, cmp_diag);
    static char buf[4096];
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < D.n; i++) {
        if (len + 16 > sizeof buf) { /* enough to tell a failure */
            strcpy(buf + len, " ...");
            break;
        }
        len += (size_t)sprintf(buf + len, "%s%s", i ? " " : "", D.list[i]->code_name);
    }
    return buf;
}

/* The nth (from 0, print order) diagnostic with `code`. */
static diagnostic *get(const char *code, int nth)
{
    codes(); /* sorts */
    for (size_t i = 0; i < D.n; i++)
        if (strcmp(D.list[i]->code_name, code) == 0 && nth-- == 0)
            return D.list[i];
    fail_msg("no diagnostic %s (have: %s)", code, codes());
    return NULL;
}

static void assert_span(span sp, int line, int col, int end_line, int end_col)
{
    if (sp.line != line || sp.col != col || sp.end_line != end_line || sp.end_col != end_col)
        fail_msg("span %d:%d-%d:%d, want %d:%d-%d:%d", sp.line, sp.col, sp.end_line,
                 sp.end_col, line, col, end_line, end_col);
}

/* ---- building blocks ---------------------------------------------------- */

#define EMO                                                                    \
    "emotion trust evokes SAY;\n"                                              \
    "emotion comfort evokes STAY;\n"                                           \
    "emotion excitement evokes SPEND;\n"
#define PATH "  path SAY -> STAY -> SPEND;\n"
#define N_SAY "  note SAY { evoke trust; stage \"s\"; system \"y\"; service \"v\"; }\n"
#define N_STAY "  note STAY { evoke comfort; stage \"s\"; system \"y\"; service \"v\"; }\n"
#define N_SPEND "  note SPEND { evoke excitement; stage \"s\"; system \"y\"; service \"v\"; }\n"
#define NOTES N_SAY N_STAY N_SPEND
#define E_SAY "  event asked : SAY trust +10;\n"
#define E_STAY "  event stayed : STAY comfort +10;\n"
#define E_SPEND "  event bought : SPEND excitement +10;\n"
#define EVENTS E_SAY E_STAY E_SPEND
/* A clean experience NAME with extra members. */
#define EXP(name, extra) "experience " name " {\n" PATH NOTES EVENTS extra "}\n"

/* ---- the code table ----------------------------------------------------- */

/* Every code of the table in docs/language.md, in its order. */
static const char *const DOC_CODES[] = {
    "E0101", "E0102", "E0103", "E0104", "E0110", "E0201", "E0202",
    "E0203", "E0205", "E0206", "E0207", "E0301", "E0302", "E0303", "E0304", "E0305", "E0306", "E0307",
    "E0401", "E0402", "E0403", "W0404", "E0405", "E0406", "E0407", "E0501", "E0502",
    "E0503", "W0504", "W0505", "W0506", "W0601", "E0602", "E0701", "E0702", "E0703",
    "E0704", "W0705",
};
#define N_DOC (sizeof DOC_CODES / sizeof DOC_CODES[0])

static void test_table_complete(void **st)
{
    (void)st;
    assert_int_equal(diag_code_count, N_DOC);
    for (size_t i = 0; i < N_DOC; i++) {
        const diag_code *c = &diag_codes[i];
        assert_string_equal(c->code, DOC_CODES[i]); /* the page's order */
        assert_ptr_equal(diag_lookup(c->code), c);
        assert_int_equal(c->severity, c->code[0] == 'W' ? DIAG_WARNING : DIAG_ERROR);
        assert_true(c->summary && *c->summary && !strchr(c->summary, '\n'));
        assert_true(c->explanation && strlen(c->explanation) > 80);
        assert_non_null(c->wrong);
        assert_non_null(c->right);
        assert_true(strlen(c->wrong) && c->wrong[strlen(c->wrong) - 1] == '\n');
        assert_true(strlen(c->right) && c->right[strlen(c->right) - 1] == '\n');
        assert_string_not_equal(c->wrong, c->right);
    }
    assert_null(diag_lookup("E9999"));
}

static const char *stdlib_dir(void)
{
    static char buf[4096];
    const char *root = getenv("ROOT");
    snprintf(buf, sizeof buf, "%s/stdlib", root ? root : ".");
    return buf;
}

/* Loads `text` as a script (imports resolved against the bundled stdlib)
 * and checks it like `expc check`. */
static void load_and_check(const char *dir, const char *text)
{
    reset();
    char path[4200];
    snprintf(path, sizeof path, "%s/example.exp", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    load_opts lo = {.stdlib_dir = stdlib_dir()};
    program *p = load_program(A, &D, &lo, path);
    assert_non_null(p);
    if (p->syntax_errors == 0 && D.errors == 0)
        sema_check(A, &D, p);
}

/* Every `wrong` example reports its own code; every `right` one is clean:
 * no error and no warning at all. */
static void test_table_examples(void **st)
{
    (void)st;
    char dir[] = "/tmp/expc-test-sema.XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < diag_code_count; i++) {
        const diag_code *c = &diag_codes[i];
        load_and_check(dir, c->wrong);
        bool found = false;
        for (size_t k = 0; k < D.n; k++)
            found |= strcmp(D.list[k]->code_name, c->code) == 0;
        if (!found)
            fail_msg("%s: the wrong example reports %s", c->code, codes());
        load_and_check(dir, c->right);
        if (D.n)
            fail_msg("%s: the right example reports %s", c->code, codes());
    }
    char path[64];
    snprintf(path, sizeof path, "%s/example.exp", dir);
    unlink(path);
    rmdir(dir);
}

/* ---- whole programs ----------------------------------------------------- */

static void test_clean(void **st)
{
    (void)st;
    assert_int_equal(CHECK(EMO "industry cafes { first SAY; key SPEND; STAY before SPEND; }\n"
                           "experience cafe for cafes {\n" PATH NOTES EVENTS
                           "  penalty early 3;\n"
                           "  event x : SAY via stage at marketing +1;\n"
                           "  event y : SAY at sales +1;\n"
                           "  event z : STAY at service -4;\n"
                           "  event w : SPEND at support +1;\n"
                           "}\n"),
                     0);
    assert_string_equal(codes(), "");
    assert_int_equal(P.n_experiences, 1);
    assert_string_equal(P.experiences[0]->name.name, "cafe");
}

static void test_syntax_errors_skip_checks(void **st)
{
    (void)st;
    /* The syntax error stops everything; the unknown emotion is not
     * reported, but the experiences are still listed. */
    assert_int_equal(CHECK("experience cafe { path SAY -> ; note SAY { evoke nope; } }\n"), 0);
    assert_string_equal(codes(), "E0110");
    assert_int_equal(P.n_experiences, 1);
}

static void test_experiences_in_load_order(void **st)
{
    (void)st;
    CHECK(EMO EXP("first_one", "") EXP("second_one", ""), EXP("third_one", ""));
    assert_string_equal(codes(), "");
    assert_int_equal(P.n_experiences, 3);
    assert_string_equal(P.experiences[0]->name.name, "first_one");
    assert_string_equal(P.experiences[2]->name.name, "third_one");
    assert_ptr_equal(sema_find_experience(&P, "second_one"), P.experiences[1]);
    assert_null(sema_find_experience(&P, "trust"));
    /* `for` finds an industry among several, and only an industry. */
    CHECK(EMO "industry a { first STAY; }\nindustry b { key SPEND; }\n"
              "experience x for b {\n" PATH NOTES EVENTS "}\n");
    assert_string_equal(codes(), "");
    CHECK(EMO "industry a { first STAY; }\nindustry b { key SPEND; }\n"
              "experience x for a {\n" PATH NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0303");
}

/* ---- names -------------------------------------------------------------- */

static void test_duplicate_same_file(void **st)
{
    (void)st;
    CHECK("emotion calm, calm evokes STAY;\n"
          "emotion calm evokes SAY;\n");
    assert_string_equal(codes(), "E0201 E0201");
    diagnostic *dg = get("E0201", 0);
    assert_span(dg->sp, 1, 15, 1, 19);
    assert_string_equal(dg->message, "emotion `calm` is declared twice");
    assert_int_equal(dg->n_notes, 1);
    assert_span(dg->notes[0].sp, 1, 9, 1, 13);
    assert_span(get("E0201", 1)->sp, 2, 9, 2, 13);
    assert_span(get("E0201", 1)->notes[0].sp, 1, 9, 1, 13); /* the first one */
}

static void test_duplicate_across_files(void **st)
{
    (void)st;
    /* What b.exp (loaded after a.exp: imported) declares counts as declared
     * first; the importing file's own declaration is the second. */
    CHECK("emotion calm evokes STAY;\n", "\nindustry calm { first SAY; }\n");
    assert_string_equal(codes(), "E0201");
    diagnostic *dg = get("E0201", 0);
    assert_string_equal(dg->sp.file->path, "a.exp");
    assert_span(dg->sp, 1, 9, 1, 13);
    assert_string_equal(dg->message, "emotion `calm` takes the name of an industry: emotions, "
                                     "industries and experiences share one namespace");
    assert_string_equal(dg->notes[0].sp.file->path, "b.exp");
    assert_span(dg->notes[0].sp, 2, 10, 2, 14);
    assert_string_equal(dg->notes[0].message, "industry `calm` is declared here");
}

static void test_duplicate_experience_and_event(void **st)
{
    (void)st;
    CHECK(EMO EXP("cafe", "  event asked : SAY +1;\n") EXP("cafe", "") EXP("bar", ""));
    /* `asked` twice in the first cafe; the second cafe; events of different
     * experiences never clash. */
    assert_string_equal(codes(), "E0201 E0201");
    assert_string_equal(get("E0201", 0)->message,
                        "event `asked` is declared twice in experience `cafe`");
    assert_string_equal(get("E0201", 1)->message, "experience `cafe` is declared twice");
    assert_int_equal(P.n_experiences, 3);
    /* Notes have no names: a second note is E0401, and the table's summary
     * of E0201 (what `expc explain` shows) does not claim it. */
    CHECK(EMO EXP("cafe", N_SAY));
    assert_string_equal(codes(), "E0401");
    assert_null(strstr(diag_lookup("E0201")->summary, "note"));
    assert_non_null(strstr(diag_lookup("E0201")->summary, "event"));
}

static void test_unknown_emotion(void **st)
{
    (void)st;
    CHECK(EMO "industry hotel { first STAY; }\n"
              "experience cafe {\n" PATH
              "  note SAY { evoke trust, trsut; stage \"s\"; system \"y\"; service \"v\"; }\n" N_STAY
              "  note SPEND { evoke excitement, hotel; stage \"s\"; system \"y\"; service \"v\"; }\n"
              EVENTS "  event zz : SAY wholly_unrelated +1;\n"
              "}\n");
    assert_string_equal(codes(), "E0202 E0202 E0202");
    diagnostic *dg = get("E0202", 0);
    assert_span(dg->sp, 7, 27, 7, 32);
    assert_string_equal(dg->message, "unknown emotion `trsut`; did you mean `trust`?");
    dg = get("E0202", 1);
    assert_string_equal(dg->message, "`hotel` is an industry, not an emotion");
    assert_int_equal(dg->n_notes, 1);
    assert_span(dg->notes[0].sp, 4, 10, 4, 15);
    assert_string_equal(get("E0202", 2)->message, "unknown emotion `wholly_unrelated`");
}

static void test_suggestion_prefers_behaviour(void **st)
{
    (void)st;
    /* `jox` is one edit from `joy` (STAY) and `jot` (SPEND): in a SPEND
     * note, `jot`; in a STAY event, `joy`. */
    CHECK(EMO "emotion joy evokes STAY;\nemotion jot evokes SPEND;\n"
              "experience cafe {\n" PATH N_SAY N_STAY
              "  note SPEND { evoke excitement, jox; stage \"s\"; system \"y\"; service \"v\"; }\n"
              EVENTS "  event e : STAY jox +1;\n"
              "}\n");
    assert_string_equal(codes(), "E0202 E0202");
    assert_string_equal(get("E0202", 0)->message, "unknown emotion `jox`; did you mean `jot`?");
    assert_string_equal(get("E0202", 1)->message, "unknown emotion `jox`; did you mean `joy`?");
}

static void test_unknown_industry(void **st)
{
    (void)st;
    CHECK(EMO "industry hospitality { first STAY; }\n"
              "experience a for hospitalty {\n  path STAY -> SAY -> SPEND;\n" NOTES EVENTS "}\n"
              "experience b for trust {\n" PATH NOTES EVENTS "}\n"
              "experience c for zzz {\n" PATH NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0203 E0203 E0203");
    assert_string_equal(get("E0203", 0)->message,
                        "unknown industry `hospitalty`; did you mean `hospitality`?");
    assert_span(get("E0203", 0)->sp, 5, 18, 5, 28);
    assert_string_equal(get("E0203", 1)->message, "`trust` is an emotion, not an industry");
    assert_string_equal(get("E0203", 2)->message, "unknown industry `zzz`");
}

/* ---- paths -------------------------------------------------------------- */

static void test_path_shape(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n  path SAY;\n" NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0301");
    assert_string_equal(get("E0301", 0)->message,
                        "path of `a` lacks STAY and SPEND: that is customer service, not "
                        "engagement");
    assert_span(get("E0301", 0)->sp, 5, 3, 5, 11);

    /* Repeated three times: one E0302, saying so, at the second. */
    CHECK(EMO "experience a {\n  path SAY -> SAY -> STAY -> SAY -> SPEND;\n" NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0302");
    diagnostic *dg = get("E0302", 0);
    assert_span(dg->sp, 5, 15, 5, 18);
    assert_string_equal(dg->message,
                        "path of `a` plays SAY 3 times: engagement plays each behaviour once");
    assert_span(dg->notes[0].sp, 5, 8, 5, 11);

    /* Both mistakes at once. */
    CHECK(EMO "experience a {\n  path SAY -> SAY -> STAY;\n" NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0301 E0302");
}

static void test_path_count(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0306");
    assert_span(get("E0306", 0)->sp, 4, 12, 4, 13);
    CHECK(EMO "experience a {\n" PATH NOTES EVENTS PATH "}\n");
    assert_string_equal(codes(), "E0306");
    assert_string_equal(get("E0306", 0)->message, "experience `a` has more than one `path`");
    assert_int_equal(get("E0306", 0)->sp.line, 12);
    assert_int_equal(get("E0306", 0)->notes[0].sp.line, 5);
}

static void test_gating(void **st)
{
    (void)st;
    /* Malformed path: no E0303 (opens with SAY), E0402 (no note SAY),
     * E0503 (no positive SAY event). */
    CHECK(EMO "industry h { first STAY; key SPEND; }\n"
              "experience a for h {\n  path SAY -> SPEND;\n" N_SPEND E_SPEND
              "  event q : SAY trust -1;\n  event r : STAY comfort -1;\n}\n");
    assert_string_equal(codes(), "E0301");
    /* Two paths: E0306 only. */
    CHECK(EMO "industry h { first STAY; }\n"
              "experience a for h {\n  path SAY -> STAY -> SPEND;\n  path SPEND -> STAY -> SAY;\n"
              NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0306");
    /* Well formed: all of them. */
    CHECK(EMO "industry h { first STAY; }\n"
              "experience a for h {\n  path SAY -> STAY -> SPEND;\n" N_STAY
              "  event q : SAY trust -1;\n  event r : SPEND excitement -1;\n}\n");
    assert_string_equal(codes(), "E0303 E0402 E0402 E0503");
}

static void test_industry_rules(void **st)
{
    (void)st;
    CHECK(EMO "industry h {\n  first STAY;\n  key SPEND;\n  SAY before SPEND;\n}\n"
              "experience a for h {\n  path SPEND -> SAY -> STAY;\n" NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0303 E0305 E0304");
    diagnostic *dg = get("E0303", 0);
    assert_span(dg->sp, 10, 8, 10, 13);
    assert_string_equal(dg->message,
                        "path of `a` opens with SPEND, but industry `h` plays STAY first");
    assert_int_equal(dg->n_notes, 1);
    assert_span(dg->notes[0].sp, 5, 3, 5, 13); /* `first STAY`, without the `;` */
    assert_string_equal(dg->notes[0].message, "rule `first STAY` of industry `h`");
    dg = get("E0304", 0);
    assert_span(dg->sp, 10, 24, 10, 28);
    assert_string_equal(dg->message,
                        "path of `a` ends with STAY, but the key behaviour of industry `h` is "
                        "SPEND");
    assert_span(dg->notes[0].sp, 6, 3, 6, 12);
    dg = get("E0305", 0);
    assert_span(dg->sp, 10, 17, 10, 20); /* SAY: wanted earlier, played too late */
    assert_string_equal(dg->message,
                        "path of `a` plays SAY after SPEND, but industry `h` plays SAY before "
                        "SPEND");
    assert_span(dg->notes[0].sp, 7, 3, 7, 19);
}

static void test_industry_contradictions(void **st)
{
    (void)st;
    CHECK("industry a { first SAY; first STAY; }\n"           /* two firsts */
          "industry b { key SAY; key STAY; }\n"               /* two keys */
          "industry c { first SAY; key SAY; }\n"              /* first = key */
          "industry d { first SAY; STAY before SAY; }\n"      /* first B, A before B */
          "industry e { SAY before STAY; first STAY; }\n"     /* the same, other order */
          "industry f { key SAY; SAY before STAY; }\n"        /* key A, A before B */
          "industry g { SAY before SAY; }\n"                  /* A before A */
          "industry h { SAY before STAY; STAY before SAY; }\n" /* cycle of two */
          "industry i { SAY before STAY; STAY before SPEND; SPEND before SAY; }\n"
          "industry j { first SAY; first SAY; key SPEND; key SPEND; SAY before STAY; "
          "SAY before STAY; STAY before SPEND; SAY before SPEND; }\n" /* restated: fine */
          "industry k { first SAY; SAY before SAY; STAY before SAY; key SAY; }\n");
    assert_string_equal(codes(),
                        "E0307 E0307 E0307 E0307 E0307 E0307 E0307 E0307 E0307 E0307 E0307 E0307");
    for (int i = 0; i < 9; i++)
        assert_int_equal(get("E0307", i)->sp.line, i + 1);
    /* The last one is three mistakes, each judged against what came before. */
    for (int i = 9; i < 12; i++)
        assert_int_equal(get("E0307", i)->sp.line, 11);
    diagnostic *dg = get("E0307", 0);
    assert_span(dg->sp, 1, 25, 1, 35);
    assert_string_equal(dg->message, "`first STAY` contradicts `first SAY` in industry `a`: a "
                                     "path opens with one behaviour");
    assert_span(dg->notes[0].sp, 1, 14, 1, 23);
    dg = get("E0307", 7);
    assert_string_equal(dg->message, "`STAY before SAY` in industry `h` closes a cycle of "
                                     "`before` rules: STAY before SAY before STAY");
    dg = get("E0307", 8);
    assert_int_equal(dg->n_notes, 2);
    assert_string_equal(dg->message, "`SPEND before SAY` in industry `i` closes a cycle of "
                                     "`before` rules: SPEND before SAY before STAY before SPEND");
    assert_int_equal(get("E0307", 6)->n_notes, 0);
}

static void test_contradictory_industry_not_judged(void **st)
{
    (void)st;
    CHECK(EMO "industry h { first STAY; SAY before STAY; }\n"
              "experience a for h {\n" PATH NOTES EVENTS "}\n");
    assert_string_equal(codes(), "E0307");
}

/* ---- notes -------------------------------------------------------------- */

static void test_notes(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" PATH NOTES
              "  note STAY { evoke excitement; }\n" EVENTS "}\n");
    /* The second note: E0401, and its contents still checked (E0403), but
     * no W0404 for its media. */
    assert_string_equal(codes(), "E0401 E0403");
    assert_span(get("E0401", 0)->sp, 9, 3, 9, 12);
    assert_span(get("E0401", 0)->notes[0].sp, 7, 3, 7, 12);
    diagnostic *dg = get("E0403", 0);
    assert_span(dg->sp, 9, 21, 9, 31);
    assert_string_equal(dg->message, "`excitement` evokes SPEND, so it cannot fill `note STAY` "
                                     "of `a`");
    assert_span(dg->notes[0].sp, 3, 9, 3, 19);

    CHECK(EMO "experience a {\n" PATH N_STAY EVENTS "}\n");
    assert_string_equal(codes(), "E0402 E0402");
    assert_string_equal(get("E0402", 1)->message,
                        "path of `a` plays SPEND, but there is no `note SPEND`");
    assert_span(get("E0402", 1)->sp, 5, 23, 5, 28);
}

static void test_media(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" PATH
              "  note SAY { evoke trust; stage \"s\"; }\n"
              "  note STAY { evoke comfort; system \"y\"; system \"z\"; service \"v\"; stage "
              "\"s\"; }\n"
              "  note SPEND { evoke excitement; }\n" EVENTS "}\n");
    assert_string_equal(codes(), "W0404 E0406 W0404");
    assert_string_equal(get("W0404", 0)->message,
                        "`note SAY` of `a` lacks the `system` and `service` media");
    assert_int_equal(get("W0404", 0)->severity, DIAG_WARNING);
    assert_string_equal(get("W0404", 1)->message,
                        "`note SPEND` of `a` lacks the `stage`, `system` and `service` media");
    diagnostic *dg = get("E0406", 0);
    assert_span(dg->sp, 7, 42, 7, 48);
    assert_string_equal(dg->message, "`note STAY` of `a` gives its `system` twice");
    assert_span(dg->notes[0].sp, 7, 30, 7, 36);
}

static void test_threshold(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" PATH
              "  note SAY { evoke trust; stage \"s\"; system \"y\"; service \"v\"; threshold 0; }\n"
              "  note STAY { evoke comfort; stage \"s\"; system \"y\"; service \"v\"; threshold "
              "-3; }\n"
              "  note SPEND { evoke excitement; stage \"s\"; system \"y\"; service \"v\"; "
              "threshold 1; threshold -1; }\n" EVENTS "}\n");
    assert_string_equal(codes(), "E0405 E0405 E0405");
    assert_span(get("E0405", 0)->sp, 6, 73, 6, 74);
    assert_string_equal(get("E0405", 1)->message,
                        "threshold of `note STAY` in `a` is -3, but it must be positive: it is "
                        "the points a customer earns to move on");
    diagnostic *dg = get("E0405", 2); /* twice, and only that */
    assert_string_equal(dg->message, "`note SPEND` of `a` gives its threshold twice");
    assert_span(dg->sp, 8, 83, 8, 95);
}

/* ---- events ------------------------------------------------------------- */

static void test_event_emotion(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" PATH NOTES EVENTS "  event x : SPEND comfort +1;\n}\n");
    assert_string_equal(codes(), "E0501");
    diagnostic *dg = get("E0501", 0);
    assert_span(dg->sp, 12, 19, 12, 26);
    assert_string_equal(dg->message, "event `x` plays SPEND, but `comfort` evokes STAY");
    assert_span(dg->notes[0].sp, 2, 9, 2, 16);
}

static void test_touch_points(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" PATH NOTES EVENTS
              "  event x : SAY at suport +1;\n  event y : SAY at lobby +1;\n}\n");
    assert_string_equal(codes(), "E0502 E0502"); /* and no W0505 */
    assert_string_equal(get("E0502", 0)->message,
                        "unknown touch point `suport`; did you mean `support`?");
    assert_span(get("E0502", 0)->sp, 12, 20, 12, 26);
    assert_string_equal(get("E0502", 1)->message,
                        "unknown touch point `lobby`: the touch points are `marketing`, "
                        "`sales`, `service` and `support`");

    CHECK(EMO "experience a {\n" PATH NOTES EVENTS "  event x : SAY at sales +1;\n}\n");
    assert_string_equal(codes(), "W0505");
    assert_span(get("W0505", 0)->sp, 4, 12, 4, 13);
    assert_string_equal(get("W0505", 0)->message,
                        "experience `a` places events at touch points, yet none at "
                        "`marketing`, `service` or `support`");

    CHECK(EMO "experience a {\n" PATH NOTES EVENTS
              "  event w : SAY at marketing +1;\n  event x : SAY at sales +1;\n"
              "  event y : SAY at service +1;\n}\n");
    assert_string_equal(get("W0505", 0)->message,
                        "experience `a` places events at touch points, yet none at `support`");
}

static void test_points(void **st)
{
    (void)st;
    CHECK(EMO "experience a {\n" PATH NOTES E_SAY E_STAY
              "  event z : SPEND excitement 0;\n  event n : SPEND -4;\n}\n");
    assert_string_equal(codes(), "E0503 W0504");
    diagnostic *dg = get("E0503", 0);
    assert_span(dg->sp, 8, 3, 8, 13);
    assert_string_equal(dg->message, "`note SPEND` of `a` can never complete: no event with "
                                     "positive points plays SPEND");
    dg = get("W0504", 0);
    assert_span(dg->sp, 11, 30, 11, 31);
    assert_string_equal(dg->message,
                        "event `z` carries 0 points: it never moves a customer along the path");
}

static void test_penalty(void **st)
{
    (void)st;
    CHECK(EMO EXP("a", "  penalty early -2;\n") EXP("b", "  penalty early 0;\n  penalty early -1;\n"));
    assert_string_equal(codes(), "E0602 E0602");
    diagnostic *dg = get("E0602", 0);
    assert_span(dg->sp, 12, 17, 12, 19);
    assert_string_equal(dg->message, "`penalty early` of `a` is -2, but it must not be "
                                     "negative: it counts the points lost, so write `penalty "
                                     "early 2;`");
    dg = get("E0602", 1);
    assert_string_equal(dg->message, "experience `b` gives `penalty early` twice");
    assert_span(dg->sp, 23, 3, 23, 19);
    assert_span(dg->notes[0].sp, 22, 3, 22, 18);
}

/* ---- unused emotions ---------------------------------------------------- */

static void test_unused(void **st)
{
    (void)st;
    /* a.exp: a library (no experience): its unused `spare` never warns.
     * b.exp: beside an experience: `lost` warns; `calm` is used only as an
     * event's emotion; `proud` is used by the experience of c.exp. */
    CHECK("emotion spare evokes SAY;\n",
          EMO "emotion lost, calm, proud evokes STAY;\n" EXP("b", "  event r : STAY calm +1;\n"),
          "experience c {\n" PATH N_SAY
          "  note STAY { evoke proud; stage \"s\"; system \"y\"; service \"v\"; }\n" N_SPEND
          EVENTS "}\n");
    /* W0506 twice: `r` evokes calm, which b's STAY note does not; c's
     * `stayed` evokes comfort, which its STAY note (proud) does not. */
    assert_string_equal(codes(), "W0601 W0506 W0506");
    diagnostic *dg = get("W0601", 0);
    assert_string_equal(dg->sp.file->path, "b.exp");
    assert_span(dg->sp, 4, 9, 4, 13);
    assert_string_equal(dg->message, "emotion `lost` is used by no experience: no note evokes "
                                     "it and no event names it");
    assert_int_equal(dg->severity, DIAG_WARNING);
    assert_int_equal(sema_rc, 0);

    /* A typo's suggested emotion is not also reported unused. */
    CHECK(EMO "emotion serene evokes STAY;\n"
          EXP("a", "  event r : STAY seren +1;\n"));
    assert_string_equal(codes(), "E0202");
}

/* ---- the diag context ---------------------------------------------------- */

static void test_werror_and_count(void **st)
{
    (void)st;
    reset();
    D.werror = true;
    int n = check_files(EMO EXP("a", "  event z : SAY 0;\n"), (const char *)NULL);
    assert_int_equal(n, 1);
    assert_int_equal(get("W0504", 0)->severity, DIAG_ERROR);
}

static void test_max_errors(void **st)
{
    (void)st;
    reset();
    D.max_errors = 2;
    check_files(EMO "experience a {\n  path SAY;\n  note SAY { evoke x1, x2, x3, x4; }\n}\n",
                (const char *)NULL);
    /* The checks run to the end (the flush prints the first two by
     * position): E0301 and four E0202. */
    assert_int_equal(D.errors, 5);
    assert_true(diag_full(&D));

    /* Every experience is checked past the limit, so the emotion the second
     * one uses is not called unused. */
    reset();
    D.max_errors = 1;
    check_files(EMO "emotion calm evokes STAY;\n"
                "experience a {\n  path SAY;\n" NOTES EVENTS "}\n"
                "experience b {\n" PATH N_SAY
                "  note STAY { evoke calm; stage \"s\"; system \"y\"; service \"v\"; }\n"
                N_SPEND EVENTS "}\n",
                (const char *)NULL);
    /* b's `stayed` evokes comfort, which its STAY note does not (W0506). */
    assert_string_equal(codes(), "E0301 W0506");
}

/* ---- scale -------------------------------------------------------------- */

/* A 100,000-line generated script: 2,000 emotions, one experience with
 * ~98,000 events, checked clean; then 20,000 unknown names among 5,000
 * emotions, each reported once.  How long they take is measured by
 * `make bench` (check scaling), never asserted in a test: a loaded machine
 * must not fail the suite. */
static void test_large_script(void **st)
{
    (void)st;
    size_t cap = 8u << 20, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
#define ADD(...) (len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__))
    static const char *const B[3] = {"SAY", "STAY", "SPEND"};
    for (int i = 0; i < 2000; i++)
        ADD("emotion emo_%d evokes %s;\n", i, B[i % 3]);
    ADD("experience big {\n  path SAY -> STAY -> SPEND;\n");
    for (int b = 0; b < 3; b++) {
        ADD("  note %s { stage \"s\"; system \"y\"; service \"v\";\n", B[b]);
        for (int i = b; i < 2000; i += 3)
            ADD("    evoke emo_%d;\n", i);
        ADD("  }\n");
    }
    for (int i = 0; len < cap - 200 && i < 98000; i++)
        ADD("  event ev_%d : %s emo_%d at %s %d;\n", i, B[i % 3], i % 666 * 3 + i % 3,
            (const char *const[]){"marketing", "sales", "service", "support"}[i % 4],
            i % 7 - 2 ? i % 7 - 2 : 1);
    ADD("}\n");
#undef ADD
    reset();
    src_file *f = arena_alloc(A, sizeof *f);
    f->path = f->real = "big.exp";
    f->text = buf;
    f->len = len;
    src_index(A, f);
    F[0] = ast_parse(A, &D, f);
    assert_int_equal(F[0]->syntax_errors, 0);
    P.files = F;
    P.n_files = 1;
    sema_check(A, &D, &P);
    assert_string_equal(codes(), "");

    /* Thousands of unknown names against thousands of emotions: the
     * suggestion search is bounded. */
    len = 0;
    for (int i = 0; i < 5000; i++)
        len += (size_t)snprintf(buf + len, cap - len, "emotion emo_%d evokes SAY;\n", i);
    len += (size_t)snprintf(buf + len, cap - len, "experience e {\n");
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(buf + len, cap - len, "  event e%d : SAY unknown_%d +1;\n", i, i);
    len += (size_t)snprintf(buf + len, cap - len, "}\n");
    reset();
    f = arena_alloc(A, sizeof *f);
    f->path = f->real = "typos.exp";
    f->text = buf;
    f->len = len;
    src_index(A, f);
    F[0] = ast_parse(A, &D, f);
    P.files = F;
    P.n_files = 1;
    sema_check(A, &D, &P);
    free(buf);
    assert_int_equal(D.errors, 20000 + 1); /* and E0306: no path */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_complete),
        cmocka_unit_test(test_table_examples),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_syntax_errors_skip_checks),
        cmocka_unit_test(test_experiences_in_load_order),
        cmocka_unit_test(test_duplicate_same_file),
        cmocka_unit_test(test_duplicate_across_files),
        cmocka_unit_test(test_duplicate_experience_and_event),
        cmocka_unit_test(test_unknown_emotion),
        cmocka_unit_test(test_suggestion_prefers_behaviour),
        cmocka_unit_test(test_unknown_industry),
        cmocka_unit_test(test_path_shape),
        cmocka_unit_test(test_path_count),
        cmocka_unit_test(test_gating),
        cmocka_unit_test(test_industry_rules),
        cmocka_unit_test(test_industry_contradictions),
        cmocka_unit_test(test_contradictory_industry_not_judged),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_media),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_event_emotion),
        cmocka_unit_test(test_touch_points),
        cmocka_unit_test(test_points),
        cmocka_unit_test(test_penalty),
        cmocka_unit_test(test_unused),
        cmocka_unit_test(test_werror_and_count),
        cmocka_unit_test(test_max_errors),
        cmocka_unit_test(test_large_script),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (A)
        arena_free(A);
    return rc;
}
