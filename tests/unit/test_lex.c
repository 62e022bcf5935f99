/* test_lex.c - the scanner and parser: tokens, spans, lexical errors, and
 * syntax-error recovery, through ast_parse on small strings (with the 0.2
 * tokens: durations, `@`, the new keywords and their messages). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expc/ast.h"

#include "unit_parse.h"

/* The i-th diagnostic's code, in report order. */
static const char *code(fixture *x, size_t i)
{
    return i < x->d.n ? x->d.list[i]->code_name : "(none)";
}

static void test_clean_file(void **state)
{
    (void)state;
    fixture *x = parse("import \"emotions\";\n"
                       "emotion joy, glee evokes SPEND;\n"
                       "industry shop { first STAY; key SAY; SPEND before SAY; }\n"
                       "experience e for shop {\n"
                       "  path STAY -> SPEND -> SAY;\n"
                       "  penalty early 2;\n"
                       "  note STAY { evoke comfort; stage \"a \\\"b\\\" \\\\ \\n\\t\"; threshold 5; }\n"
                       "  event x : STAY comfort via stage at service +8;\n"
                       "  event y : SAY -3;\n"
                       "}\n");
    assert_int_equal(x->f->syntax_errors, 0);
    assert_int_equal(x->d.n, 0);
    ast_item *it = x->f->items;
    assert_int_equal(it->kind, ITEM_IMPORT);
    assert_string_equal(it->import.value, "emotions");
    it = it->next;
    assert_int_equal(it->kind, ITEM_EMOTION);
    assert_string_equal(it->names->name, "joy");
    assert_string_equal(it->names->next->name, "glee");
    assert_int_equal(it->evokes.b, B_SPEND);
    assert_int_equal(it->sp.line, 2);
    assert_int_equal(it->sp.col, 1);
    assert_int_equal(it->sp.end_col, 32); /* exclusive: one past `;` */
    it = it->next;
    assert_int_equal(it->kind, ITEM_INDUSTRY);
    assert_int_equal(it->rules->kind, RULE_FIRST);
    assert_int_equal(it->rules->next->next->kind, RULE_BEFORE);
    assert_int_equal(it->rules->next->next->a.b, B_SPEND);
    assert_int_equal(it->rules->next->next->b.b, B_SAY);
    it = it->next;
    assert_int_equal(it->kind, ITEM_EXPERIENCE);
    assert_string_equal(it->industry->name, "shop");
    ast_member *m = it->members;
    assert_int_equal(m->kind, MEM_PATH);
    assert_int_equal(m->path->b.b, B_STAY);
    assert_int_equal(m->path->next->next->b.b, B_SAY);
    m = m->next;
    assert_int_equal(m->kind, MEM_PENALTY);
    assert_int_equal(m->points.value, 2);
    m = m->next;
    assert_int_equal(m->kind, MEM_NOTE);
    ast_note_item *ni = m->items->next;
    assert_int_equal(ni->kind, NI_MEDIUM);
    assert_string_equal(ni->text.value, "a \"b\" \\ \n\t");
    assert_int_equal(ni->next->threshold.value, 5);
    m = m->next;
    assert_int_equal(m->kind, MEM_EVENT);
    assert_string_equal(m->name.name, "x");
    assert_int_equal(m->via, M_STAGE);
    assert_string_equal(m->at->name, "service");
    assert_int_equal(m->points.value, 8);
    assert_true(m->points.explicit_sign);
    m = m->next;
    assert_null(m->emotion);
    assert_int_equal(m->via, M_NONE);
    assert_int_equal(m->points.value, -3);
    done(x);
}

static void test_comments_kept(void **state)
{
    (void)state;
    fixture *x = parse("// one\nemotion a evokes SAY; /* two\n lines */\n// three");
    assert_int_equal(x->d.n, 0);
    ast_comment *c = x->f->comments;
    assert_non_null(c);
    assert_string_equal(c->text, "// one");
    assert_true(c->next->block);
    assert_int_equal(c->next->sp.line, 2);
    assert_int_equal(c->next->sp.end_line, 3);
    assert_string_equal(c->next->next->text, "// three");
    assert_int_equal(c->next->next->sp.line, 4);
    done(x);
}

static void test_bad_character_once(void **state)
{
    (void)state;
    fixture *x = parse("emotion a evokes SAY;\nemotion $b evokes SAY;\n");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0101");
    assert_int_equal(x->d.list[0]->sp.line, 2);
    assert_int_equal(x->d.list[0]->sp.col, 9);
    done(x);
}

static void test_utf8_and_nul(void **state)
{
    (void)state;
    fixture *x = parse("emotion \xc3\xa9 evokes SAY;\n");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0101");
    assert_int_equal(x->d.list[0]->sp.end_col - x->d.list[0]->sp.col, 2);
    done(x);
    /* UTF-8 inside strings and comments is fine. */
    x = parse("// caf\xc3\xa9\nexperience e { note SAY { stage \"caf\xc3\xa9\"; } }\n");
    assert_int_equal(x->d.n, 0);
    done(x);
}

static void test_unterminated_string(void **state)
{
    (void)state;
    fixture *x = parse("experience e {\n note SAY { stage \"open;\n system \"x\"; }\n}\n");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0102");
    assert_int_equal(x->d.list[0]->sp.line, 2);
    assert_int_equal(x->d.list[0]->sp.col, 19);
    assert_int_equal(x->d.list[0]->sp.end_col, 25);
    done(x);
}

static void test_unterminated_comment(void **state)
{
    (void)state;
    fixture *x = parse("emotion a evokes SAY;\n  /* never\nclosed");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0103");
    assert_int_equal(x->d.list[0]->sp.line, 2);
    assert_int_equal(x->d.list[0]->sp.col, 3);
    done(x);
}

static void test_limits(void **state)
{
    (void)state;
    char name[300];
    memset(name, 'n', 256);
    name[256] = 0;
    char text[400];
    snprintf(text, sizeof text, "emotion %s evokes SAY;", name);
    fixture *x = parse(text);
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0104");
    done(x);
    name[255] = 0; /* 255 bytes: fine */
    snprintf(text, sizeof text, "emotion %s evokes SAY;", name);
    x = parse(text);
    assert_int_equal(x->d.n, 0);
    done(x);
    x = parse("experience e { event a : SAY +1000000; event b : SAY -1000001; }");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0104");
    assert_int_equal(x->d.list[0]->sp.col, 54);
    done(x);
}

static void test_three_syntax_errors(void **state)
{
    (void)state;
    fixture *x = parse("emotion joy evokes SAY\n"
                       "industry x { first STAY }\n"
                       "experience e { path SAY -> ; }\n");
    assert_int_equal(x->d.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(code(x, i), "E0110");
        /* A missing `;` at a line's end is reported there, not at the
         * next line's first token. */
        assert_int_equal(x->d.list[i]->sp.line, (int)i + 1);
    }
    assert_int_equal(x->d.list[0]->sp.col, 23);
    assert_string_equal(x->d.list[0]->message,
                        "expected `;`, found `industry`; a statement ends with `;`");
    assert_non_null(strstr(x->d.list[1]->message, "expected `;`"));
    assert_non_null(strstr(x->d.list[1]->message, "found `}`"));
    assert_non_null(strstr(x->d.list[2]->message, "expected behaviour"));
    done(x);
}

static void test_max_errors_stops(void **state)
{
    (void)state;
    char *text = malloc(100000 * 4 + 1);
    for (int i = 0; i < 100000; i++)
        memcpy(text + i * 4, "$ ;\n", 4);
    text[400000] = 0;
    fixture *x = parse(text);
    assert_int_equal(x->d.n, 20); /* the default --max-errors */
    done(x);
    free(text);
}

static void test_eof_in_experience(void **state)
{
    (void)state;
    fixture *x = parse("experience e { path SAY");
    assert_int_equal(x->d.n, 1);
    assert_non_null(strstr(x->d.list[0]->message, "found end of file"));
    done(x);
}

/* ---- 0.2: durations, `@`, the new keywords ------------------------------ */

/* The duration of `experience e { within TEXT; }`; its diagnostics stay in
 * the fixture. */
static fixture *within(const char *d)
{
    char text[200];
    snprintf(text, sizeof text, "experience e { within %s; }", d);
    return parse(text);
}

static void test_duration_units(void **state)
{
    (void)state;
    static const struct { const char *text; ast_unit unit; int64_t count, ms; } cases[] = {
        { "500ms", U_MS, 500, 500 },       { "90s", U_S, 90, 90000 },
        { "5m", U_M, 5, 300000 },          { "12h", U_H, 12, 43200000 },
        { "1d", U_D, 1, 86400000 },        { "2w", U_W, 2, 1209600000 },
        { "0s", U_S, 0, 0 },               { "007m", U_M, 7, 420000 },
        { "1000000w", U_W, 1000000, INT64_C(604800000000000) },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fixture *x = within(cases[i].text);
        assert_int_equal(x->d.n, 0);
        const ast_time_rule *t = x->f->items->time_rules;
        assert_non_null(t);
        assert_int_equal(t->kind, TIME_WITHIN);
        assert_int_equal(t->d.unit, cases[i].unit);
        assert_int_equal(t->d.count, cases[i].count);
        assert_true(t->d.ms == cases[i].ms);
        assert_string_equal(ast_unit_name(t->d.unit), cases[i].text + strspn(cases[i].text, "0123456789"));
        assert_int_equal(t->d.sp.col, 23);
        assert_int_equal(t->d.sp.end_col, 23 + (int)strlen(cases[i].text));
        done(x);
    }
}

static void test_duration_limit(void **state)
{
    (void)state;
    fixture *x = within("1000000ms");
    assert_int_equal(x->d.n, 0);
    done(x);
    x = within("1000001ms");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0104");
    assert_string_equal(x->d.list[0]->message,
                        "duration `1000001ms` is out of range; its number is at most 1000000");
    assert_int_equal(x->d.list[0]->sp.col, 23);
    assert_int_equal(x->d.list[0]->sp.end_col, 32);
    /* reported and kept, at the limit: nothing more to say */
    assert_int_equal(x->f->items->time_rules->d.count, 1000000);
    done(x);
    x = within("99999999999999999999999d");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0104");
    done(x);
}

/* Digits followed by letters are one token: an unknown unit is a lexical
 * error at the letters, reported once (no syntax error of its own). */
static void test_duration_unknown_unit(void **state)
{
    (void)state;
    fixture *x = within("12hours");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0101");
    assert_string_equal(x->d.list[0]->message,
                        "unknown unit `hours` in a duration; the units are ms, s, m, h, d and w");
    assert_int_equal(x->d.list[0]->sp.col, 25);
    assert_int_equal(x->d.list[0]->sp.end_col, 30);
    done(x);
    /* also where a plain integer is expected: `10x` is not 10 and a name */
    x = parse("experience e { event a : SAY 10x; }");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0101");
    assert_non_null(strstr(x->d.list[0]->message, "unknown unit `x`"));
    done(x);
}

/* A duration has no sign: a syntax error naming the whole token. */
static void test_duration_signed(void **state)
{
    (void)state;
    fixture *x = within("+5m");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0110");
    assert_string_equal(x->d.list[0]->message,
                        "expected duration, found `+5m`; a duration takes no sign");
    assert_int_equal(x->d.list[0]->sp.col, 23);
    assert_int_equal(x->d.list[0]->sp.end_col, 26);
    done(x);
    x = within("-0s");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(code(x, 0), "E0110");
    done(x);
}

static void test_at_sign(void **state)
{
    (void)state;
    fixture *x = parse("test \"t\" { events a @2h, b@ 0s; }");
    assert_int_equal(x->d.n, 0);
    const ast_test_event *e = x->f->tests->items->events;
    assert_true(e->has_at);
    assert_true(e->at.ms == 7200000);
    assert_int_equal(e->sp.col, 19);
    assert_int_equal(e->sp.end_col, 24);
    assert_true(e->next->has_at);
    assert_int_equal(e->next->at.ms, 0);
    done(x);
    x = parse("test \"t\" { events a @ 5; }");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(x->d.list[0]->message, "expected duration, found integer `5`");
    done(x);
}

/* A 0.1 script that used a 0.2 keyword as a name is told why it broke. */
static void test_keyword_since_02(void **state)
{
    (void)state;
    static const char *const words[] = { "as", "within", "reset", "after", "cap",
                                         "per", "test", "events", "expect" };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        char text[100], want[200];
        snprintf(text, sizeof text, "emotion %s evokes SAY;", words[i]);
        snprintf(want, sizeof want,
                 "expected identifier, found `%s`; `%s` is a keyword since 0.2 and cannot be a name",
                 words[i], words[i]);
        fixture *x = parse(text);
        assert_int_equal(x->d.n, 1);
        assert_string_equal(code(x, 0), "E0110");
        assert_string_equal(x->d.list[0]->message, want);
        done(x);
    }
    fixture *x = parse("experience e { event test : SAY 1; }");
    assert_string_equal(x->d.list[0]->message,
                        "expected identifier, found `test`; `test` is a keyword since 0.2 and cannot be a name");
    done(x);
    /* Not where no name could stand: then it is just misplaced. */
    x = parse("industry i { within 1d; }");
    assert_int_equal(x->d.n, 1);
    assert_null(strstr(x->d.list[0]->message, "since 0.2"));
    done(x);
}

/* `score` and `points` are not reserved: names everywhere but after
 * `expect`. */
static void test_score_points_not_reserved(void **state)
{
    (void)state;
    fixture *x = parse("emotion score, points evokes SAY;\n"
                       "experience points { event score : SAY points 1; }\n"
                       "test \"t\" for points { events score, points; expect score 1;\n"
                       "  expect points SAY 2; }\n");
    assert_int_equal(x->d.n, 0);
    assert_string_equal(x->f->items->names->next->name, "points");
    const ast_test_item *ti = x->f->tests->items;
    assert_string_equal(ti->events->next->name.value, "points");
    assert_int_equal(ti->next->field, EXP_SCORE);
    assert_int_equal(ti->next->next->field, EXP_POINTS);
    done(x);
    x = parse("test \"t\" { expect /* c */ score 1; expect total 3; }");
    assert_int_equal(x->d.n, 1);
    assert_string_equal(x->d.list[0]->message,
                        "expected one of `score`, `stage`, `events`, `early` or `points`, "
                        "found identifier `total`");
    done(x);
}

/* The messages of a 0.1 script do not change: the 0.2 words join the
 * expected tokens only once the file uses 0.2 syntax. */
static void test_messages_of_01_scripts(void **state)
{
    (void)state;
    fixture *x = parse("experience e { event a : SAY 1 }");
    assert_string_equal(x->d.list[0]->message, "expected `;`, found `}`");
    done(x);
    x = parse("experience e { within 1d; event a : SAY 1 }");
    assert_string_equal(x->d.list[0]->message, "expected `;` or `cap`, found `}`");
    done(x);
    x = parse("{");
    assert_string_equal(x->d.list[0]->message,
                        "expected one of end of file, `import`, `emotion`, `industry` or "
                        "`experience`, found `{`");
    done(x);
    x = parse("test \"t\" {} {");
    assert_string_equal(x->d.list[0]->message,
                        "expected one of end of file, `import`, `emotion`, `industry`, "
                        "`experience` or `test`, found `{`");
    done(x);
}

/* A syntax error inside a test, or in an event's new parts, is reported
 * and the parser goes on to report the next one. */
static void test_recovery_02(void **state)
{
    (void)state;
    fixture *x = parse("experience e {\n"
                       "  event a as : SAY 1;\n"
                       "  event b : SAY 1 cap 2 per;\n"
                       "  reset 1d;\n"
                       "  within 2d;\n"
                       "}\n"
                       "test \"t\" {\n"
                       "  events a b;\n"
                       "  expect stage 3;\n"
                       "  expect score 1;\n"
                       "}\n"
                       "emotion x evokes;\n");
    for (size_t i = 0; i < x->d.n; i++)
        assert_string_equal(code(x, i), "E0110");
    assert_int_equal(x->d.n, 6);
    static const int lines[] = { 2, 3, 4, 8, 9, 12 };
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(x->d.list[i]->sp.line, lines[i]);
    assert_string_equal(x->d.list[0]->message, "expected string, found `:`");
    assert_string_equal(x->d.list[2]->message, "expected `after`, found duration `1d`");
    /* the good parts around them are kept */
    assert_int_equal(x->f->items->time_rules->kind, TIME_WITHIN);
    assert_int_equal(x->f->tests->items->field, EXP_SCORE);
    done(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_file),
        cmocka_unit_test(test_comments_kept),
        cmocka_unit_test(test_bad_character_once),
        cmocka_unit_test(test_utf8_and_nul),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_unterminated_comment),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_three_syntax_errors),
        cmocka_unit_test(test_max_errors_stops),
        cmocka_unit_test(test_eof_in_experience),
        cmocka_unit_test(test_duration_units),
        cmocka_unit_test(test_duration_limit),
        cmocka_unit_test(test_duration_unknown_unit),
        cmocka_unit_test(test_duration_signed),
        cmocka_unit_test(test_at_sign),
        cmocka_unit_test(test_keyword_since_02),
        cmocka_unit_test(test_score_points_not_reserved),
        cmocka_unit_test(test_messages_of_01_scripts),
        cmocka_unit_test(test_recovery_02),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
