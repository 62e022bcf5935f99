/* test_fmt.c - the formatter (src/fmt.c) on strings.
 *
 * Besides a few exact layouts, the heart of this file is a property test:
 * every gap between two tokens of some scripts gets a comment injected (a
 * block comment, a line comment, a comment on a line of its own), and for
 * each variant the formatted text must parse cleanly, mean the same thing
 * (the syntax tree, without positions, is unchanged), keep every comment in
 * order byte for byte, and be a fixed point of the formatter.  That covers
 * comment placements nobody would think of writing a golden file for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expc/ast.h"
#include "expc/tools.h"

#include "unit_parse.h"

/* fmt of `text`, which must parse cleanly; the result is malloc'd. */
static char *format(const char *text)
{
    fixture *x = parse(text);
    if (x->f->syntax_errors)
        fail_msg("input does not parse:\n%s", text);
    char *out = strdup(fmt_format(x->a, x->f));
    done(x);
    assert_non_null(out);
    return out;
}

/* ---- a position-free dump of the tree, to compare meanings ------------- */

typedef struct dump {
    char *p;
    size_t n, cap;
} dump;

static void put(dump *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof tmp);
    if (d->n + (size_t)k + 1 > d->cap) {
        d->cap = (d->n + (size_t)k + 1) * 2;
        d->p = realloc(d->p, d->cap);
        assert_non_null(d->p);
    }
    memcpy(d->p + d->n, tmp, (size_t)k + 1);
    d->n += (size_t)k;
}

static void put_ids(dump *d, const ast_ident *i)
{
    for (; i; i = i->next)
        put(d, " %s", i->name);
}

static void put_str(dump *d, const ast_string *s)
{
    put(d, " \"");
    for (size_t i = 0; i < s->len; i++)
        put(d, "%02x", (unsigned char)s->value[i]);
    put(d, "\"");
}

static void put_dur(dump *d, const char *what, long long n, const ast_duration *dur)
{
    put(d, "%s %lld %lld%s=%lld\n", what, n, (long long)dur->count, ast_unit_name(dur->unit),
        (long long)dur->ms);
}

static char *tree(const ast_file *f)
{
    dump d = { 0 };
    put(&d, "");
    for (const ast_item *it = f->items; it; it = it->next) {
        put(&d, "item %d", (int)it->kind);
        if (it->kind == ITEM_IMPORT)
            put_str(&d, &it->import);
        if (it->kind == ITEM_EMOTION) {
            put_ids(&d, it->names);
            put(&d, " evokes %d", (int)it->evokes.b);
        }
        if (it->kind == ITEM_INDUSTRY || it->kind == ITEM_EXPERIENCE)
            put(&d, " %s for %s", it->name.name, it->industry ? it->industry->name : "-");
        put(&d, "\n");
        for (const ast_rule *r = it->rules; it->kind == ITEM_INDUSTRY && r; r = r->next)
            put(&d, "  rule %d %d %d\n", (int)r->kind, (int)r->a.b, (int)r->b.b);
        for (const ast_member *m = it->kind == ITEM_EXPERIENCE ? it->members : NULL; m;
             m = m->next) {
            put(&d, "  member %d", (int)m->kind);
            if (m->kind == MEM_PATH)
                for (const ast_bseq *s = m->path; s; s = s->next)
                    put(&d, " %d", (int)s->b.b);
            if (m->kind == MEM_EVENT)
                put(&d, " %s %d %s %d %s", m->name.name, (int)m->event_b.b,
                    m->emotion ? m->emotion->name : "-", (int)m->via,
                    m->at ? m->at->name : "-");
            if (m->kind == MEM_EVENT || m->kind == MEM_PENALTY)
                put(&d, " %lld", (long long)m->points.value);
            for (const ast_alias *al = m->kind == MEM_EVENT ? m->aliases : NULL; al;
                 al = al->next) {
                put(&d, " as");
                put_str(&d, &al->name);
            }
            if (m->kind == MEM_EVENT && m->cap)
                put_dur(&d, " cap", m->cap->count.value, &m->cap->per);
            if (m->kind == MEM_NOTE) {
                put(&d, " %d\n", (int)m->note_b.b);
                for (const ast_note_item *n = m->items; n; n = n->next) {
                    put(&d, "    ni %d", (int)n->kind);
                    if (n->kind == NI_EVOKE)
                        put_ids(&d, n->emotions);
                    if (n->kind == NI_MEDIUM) {
                        put(&d, " %d", (int)n->medium);
                        put_str(&d, &n->text);
                    }
                    if (n->kind == NI_THRESHOLD)
                        put(&d, " %lld", (long long)n->threshold.value);
                    put(&d, "\n");
                }
            }
            put(&d, "\n");
        }
        for (const ast_time_rule *t = it->kind == ITEM_EXPERIENCE ? it->time_rules : NULL; t;
             t = t->next)
            put_dur(&d, "  time", t->kind, &t->d);
    }
    for (const ast_test *t = f->tests; t; t = t->next) {
        put(&d, "test");
        put_str(&d, &t->name);
        put(&d, " for %s\n", t->experience ? t->experience->name : "-");
        for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
            put(&d, "  ti %d %d %s %d %d %lld", (int)ti->kind, (int)ti->field,
                ti->stage.name ? ti->stage.name : "-", (int)ti->stage_is_b, (int)ti->b.b,
                (long long)ti->value.value);
            for (const ast_test_event *e = ti->events; e; e = e->next) {
                put(&d, " %d", (int)e->quoted);
                put_str(&d, &e->name);
                if (e->has_at)
                    put_dur(&d, " @", 0, &e->at);
            }
            put(&d, "\n");
        }
    }
    return d.p;
}

static char *comments(const ast_file *f)
{
    dump d = { 0 };
    put(&d, "");
    for (const ast_comment *c = f->comments; c; c = c->next) {
        put(&d, "[");
        for (size_t i = 0; i < c->len; i++)
            put(&d, "%c", c->text[i]);
        put(&d, "]\n");
    }
    return d.p;
}

/* The properties every formatting must have; returns how many failed (and
 * prints the first offending input, to make a failure readable). */
static int check_properties(const char *in)
{
    fixture *x = parse(in);
    if (x->f->syntax_errors) {
        done(x);
        return 0;           /* not a valid variant: nothing to check */
    }
    char *t_in = tree(x->f), *c_in = comments(x->f);
    char *out = strdup(fmt_format(x->a, x->f));
    done(x);

    int bad = 0;
    fixture *y = parse(out);
    if (y->f->syntax_errors) {
        print_error("output does not parse\n--- in:\n%s\n--- out:\n%s\n", in, out);
        bad++;
    } else {
        char *t_out = tree(y->f), *c_out = comments(y->f);
        char *again = strdup(fmt_format(y->a, y->f));
        if (strcmp(t_in, t_out)) {
            print_error("meaning changed\n--- in:\n%s\n--- out:\n%s\n", in, out);
            bad++;
        }
        if (strcmp(c_in, c_out)) {
            print_error("comments changed\n--- in:\n%s\n--- out:\n%s\n%s---\n%s", in, out,
                        c_in, c_out);
            bad++;
        }
        if (strcmp(out, again)) {
            print_error("not a fixed point\n--- in:\n%s\n--- once:\n%s\n--- twice:\n%s\n", in,
                        out, again);
            bad++;
        }
        free(t_out);
        free(c_out);
        free(again);
    }
    done(y);
    free(t_in);
    free(c_in);
    free(out);
    return bad;
}

/* ---- exact layouts ------------------------------------------------------ */

static void test_spec_example(void **state)
{
    (void)state;
    char *out = format(unit_example);
    assert_string_equal(out,
        "import \"emotions\";\n"
        "import \"industries\";\n"
        "\n"
        "experience grand_hotel for hospitality {\n"
        "    path STAY -> SAY -> SPEND;\n"
        "    penalty early 2;\n"
        "\n"
        "    note STAY {\n"
        "        evoke comfort, relaxation;\n"
        "        stage   \"Quiet lobby, warm light, no queue\";\n"
        "        system  \"Pre-registered check-in on the phone\";\n"
        "        service \"Every guest greeted by name\";\n"
        "        threshold 12;\n"
        "    }\n"
        "\n"
        "    note SAY {\n"
        "        evoke trust;\n"
        "        stage   \"Concierge desk\";\n"
        "        system  \"Follow-up message\";\n"
        "        service \"Ask about the stay and listen\";\n"
        "        threshold 8;\n"
        "    }\n"
        "\n"
        "    note SPEND {\n"
        "        evoke excitement;\n"
        "        stage   \"Spa preview\";\n"
        "        system  \"One-tap booking\";\n"
        "        service \"Suggest, never push\";\n"
        "        threshold 5;\n"
        "    }\n"
        "\n"
        "    event fast_checkin : STAY  comfort    via system  at service  +8;\n"
        "    event greeted      : STAY  relaxation via service at service  +6;\n"
        "    event review_left  : SAY   trust      via system  at support  +8;\n"
        "    event spa_booked   : SPEND excitement via system  at sales    +5;\n"
        "    event complaint    : STAY                                    -10;\n"
        "}\n");
    free(out);
}

static void test_industry_and_spacing(void **state)
{
    (void)state;
    char *out = format("emotion  a,b ,c evokes SAY ;industry shop{first STAY;key SAY;"
                       "SPEND   before SAY;}experience e for shop{path STAY->SPEND->SAY;}");
    assert_string_equal(out,
        "emotion a, b, c evokes SAY;\n"
        "\n"
        "industry shop {\n"
        "    first STAY;\n"
        "    key SAY;\n"
        "    SPEND before SAY;\n"
        "}\n"
        "\n"
        "experience e for shop {\n"
        "    path STAY -> SPEND -> SAY;\n"
        "}\n");
    free(out);
}

/* A column no event uses takes no room; the others line up. */
static void test_event_columns(void **state)
{
    (void)state;
    char *out = format("experience e {\n"
                       "event a : SAY at sales 1;\n"
                       "event long_name : SPEND -100;\n"
                       "}\n");
    assert_string_equal(out,
        "experience e {\n"
        "    event a         : SAY   at sales   +1;\n"
        "    event long_name : SPEND          -100;\n"
        "}\n");
    free(out);
}

/* Blank lines: never more than one, none at the start of a block or before
 * its `}`, exactly one between members of different kinds. */
static void test_blank_lines(void **state)
{
    (void)state;
    char *out = format("\n\n\nexperience e {\n\n\n"
                       "    path SAY;\n"
                       "    note SAY { threshold 1; }\n"
                       "    event a : SAY +1;\n\n\n\n"
                       "    event b : SAY +1;\n"
                       "    event c : SAY +1;\n\n\n"
                       "}\n\n\n");
    assert_string_equal(out,
        "experience e {\n"
        "    path SAY;\n"
        "\n"
        "    note SAY {\n"
        "        threshold 1;\n"
        "    }\n"
        "\n"
        "    event a : SAY +1;\n"
        "\n"
        "    event b : SAY +1;\n"
        "    event c : SAY +1;\n"
        "}\n");
    free(out);
}

/* Where each comment goes. */
static void test_comment_placement(void **state)
{
    (void)state;
    char *out = format("// file header\n"
                       "experience /* in the header */ e { // after the brace\n"
                       "    /* own line */ path SAY; /* trailing */ // and another\n"
                       "    note SAY /* before its brace */ { /* after its brace */\n"
                       "        threshold /* inside */ 1; }\n"
                       "    event a : SAY +1; event b : SAY +2; // trails b\n"
                       "    // at the end of the block\n"
                       "} // after the block\n"
                       "/* at the end\n   of the file */");
    assert_string_equal(out,
        "// file header\n"
        "/* in the header */\n"
        "experience e { // after the brace\n"
        "    /* own line */\n"
        "    path SAY; /* trailing */ // and another\n"
        "\n"
        "    /* before its brace */\n"
        "    note SAY { /* after its brace */\n"
        "        /* inside */\n"
        "        threshold 1;\n"
        "    }\n"
        "\n"
        "    event a : SAY +1;\n"
        "    event b : SAY +2; // trails b\n"
        "    // at the end of the block\n"
        "} // after the block\n"
        "/* at the end\n   of the file */\n");
    free(out);
}

static void test_empty_and_comment_only(void **state)
{
    (void)state;
    char *out = format("");
    assert_string_equal(out, "");
    free(out);
    out = format("  \n\n");
    assert_string_equal(out, "");
    free(out);
    out = format("\n// one\n\n\n\n// two\n");
    assert_string_equal(out, "// one\n\n// two\n");
    free(out);
}

/* Each string comes back with the escapes of docs/language.md §2, whatever escapes or
 * raw tabs it was written with. */
static void test_strings(void **state)
{
    (void)state;
    char *out = format("import \"a\\\"b\\\\c\\nd\\te\tf\";");
    assert_string_equal(out, "import \"a\\\"b\\\\c\\nd\\te\\tf\";\n");
    free(out);
}

static const char v02_example[] =
    "emotion calm evokes STAY;\n"
    "experience e {\n"
    "    path STAY -> SAY -> SPEND;\n"
    "    within 30d;\n"
    "    reset after 12h;\n"
    "    event a as \"web.a\", \"app.a\" : STAY calm via system at sales +8 cap 3 per 1d;\n"
    "    event b : SAY -2 cap 1 per 500ms;\n"
    "}\n"
    "test \"t\" for e {\n"
    "    events a, \"web.a\" @ 2h, b @0s;\n"
    "    events;\n"
    "    expect score 14;\n"
    "    expect stage ENGAGED;\n"
    "    expect points STAY 8;\n"
    "}\n"
    "test \"u\" { expect stage SAY; expect events 1; expect early 0; }\n";

/* The 0.2 constructs: log names join the name column, a cap follows the
 * points, the time rules stay in the experience's header, a test is a
 * block of one-line items, and durations print as written. */
static void test_v02_layout(void **state)
{
    (void)state;
    char *out = format(v02_example);
    assert_string_equal(out,
        "emotion calm evokes STAY;\n"
        "\n"
        "experience e {\n"
        "    path STAY -> SAY -> SPEND;\n"
        "    within 30d;\n"
        "    reset after 12h;\n"
        "\n"
        "    event a as \"web.a\", \"app.a\" : STAY calm via system at sales +8 cap 3 per 1d;\n"
        "    event b                     : SAY                           -2 cap 1 per 500ms;\n"
        "}\n"
        "\n"
        "test \"t\" for e {\n"
        "    events a, \"web.a\" @2h, b @0s;\n"
        "    events;\n"
        "    expect score 14;\n"
        "    expect stage ENGAGED;\n"
        "    expect points STAY 8;\n"
        "}\n"
        "\n"
        "test \"u\" {\n"
        "    expect stage SAY;\n"
        "    expect events 1;\n"
        "    expect early 0;\n"
        "}\n");
    free(out);
}

/* Every unit, as written; a test with nothing in it; an experience with
 * only a time rule. */
static void test_v02_durations(void **state)
{
    (void)state;
    char *out = format("experience e{within 1000000w;}\n"
                       "test \"x\"{}test \"y\"{events a@1ms,a@2s,a@3m,a@4h,a@5d,a@6w,a@007s;}");
    assert_string_equal(out,
        "experience e {\n"
        "    within 1000000w;\n"
        "}\n"
        "\n"
        "test \"x\" {}\n"
        "\n"
        "test \"y\" {\n"
        "    events a @1ms, a @2s, a @3m, a @4h, a @5d, a @6w, a @7s;\n"
        "}\n");
    free(out);
}

/* ---- properties over injected comments ---------------------------------- */

static const char *const bases[] = {
    unit_example,
    v02_example,
    "import \"emotions\";\n"
    "emotion calm, cosy evokes STAY;\n"
    "industry spa { first STAY; key SPEND; SAY before SPEND; }\n"
    "experience day_spa for spa {\n"
    "    path STAY -> SAY -> SPEND;\n"
    "    penalty early 1;\n"
    "    note STAY { evoke calm, cosy; stage \"a // b /* c */\"; threshold 3; }\n"
    "    note SAY {}\n"
    "    event a : STAY calm via stage at sales +1;\n"
    "    event b : SAY -2;\n"
    "}\n",
    /* Comments already everywhere: injected ones must find their place
     * among them. */
    "// head\n"
    "import \"a\"; // t\n"
    "/* b */\n"
    "industry i { first SAY; /* r */ }\n"
    "experience e { // x\n"
    "    note SAY { /* y */ threshold 1; // z\n"
    "    }\n"
    "    event a : SAY +1; /* w */\n"
    "\n"
    "    // end\n"
    "}\n"
    "// eof\n",
};

/* Inserts `ins` at offset `at` of `s` (malloc'd). */
static char *splice(const char *s, size_t at, const char *ins)
{
    size_t n = strlen(s), k = strlen(ins);
    char *r = malloc(n + k + 1);
    assert_non_null(r);
    memcpy(r, s, at);
    memcpy(r + at, ins, k);
    memcpy(r + at + k, s + at, n - at + 1);
    return r;
}

/* Every offset of `s` that is whitespace outside a string: a gap between
 * tokens, where a comment may go. */
static bool is_gap(const char *s, size_t at)
{
    bool in_str = false;
    for (size_t i = 0; i < at; i++) {
        if (in_str && s[i] == '\\')
            i++;
        else if (s[i] == '"')
            in_str = !in_str;
    }
    return !in_str && (s[at] == ' ' || s[at] == '\n');
}

static void test_injected_comments(void **state)
{
    (void)state;
    static const char *const kinds[] = { "/* c */", " /* c */ ", "// c\n", "\n// c\n",
                                         "\n\n/* c\n   c */\n\n", "/**/" };
    int bad = 0, variants = 0;
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        const char *s = bases[b];
        bad += check_properties(s);
        for (size_t at = 0; s[at]; at++) {
            if (!is_gap(s, at))
                continue;
            for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
                char *v = splice(s, at, kinds[k]);
                bad += check_properties(v);
                variants++;
                free(v);
            }
        }
        /* Two comments in every gap, to test their order. */
        for (size_t at = 0; s[at]; at++) {
            if (!is_gap(s, at))
                continue;
            char *v = splice(s, at, "/* 1 */ // 2\n/* 3 */");
            bad += check_properties(v);
            variants++;
            free(v);
        }
    }
    assert_true(variants > 500);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_example),
        cmocka_unit_test(test_industry_and_spacing),
        cmocka_unit_test(test_event_columns),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_comment_placement),
        cmocka_unit_test(test_empty_and_comment_only),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_v02_layout),
        cmocka_unit_test(test_v02_durations),
        cmocka_unit_test(test_injected_comments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
