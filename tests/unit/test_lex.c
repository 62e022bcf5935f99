/* test_lex.c - the scanner and parser: tokens, spans, lexical errors, and
 * syntax-error recovery, through ast_parse on small strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expc/ast.h"

typedef struct fixture {
    arena *a;
    diag_ctx d;
    src_file src;
    ast_file *f;
} fixture;

static fixture *parse(const char *text)
{
    fixture *x = calloc(1, sizeof *x);
    x->a = arena_new();
    diag_init(&x->d, x->a);
    x->d.out = fopen("/dev/null", "w");
    x->src.path = "t.exp";
    x->src.text = text;
    x->src.len = strlen(text);
    src_index(x->a, &x->src);
    x->f = ast_parse(x->a, &x->d, &x->src);
    return x;
}

static void done(fixture *x)
{
    fclose(x->d.out);
    arena_free(x->a);
    free(x);
}

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
        assert_int_equal(x->d.list[i]->sp.line, (int)i + 1 + (i == 0));
    }
    assert_string_equal(x->d.list[0]->message, "expected `;`, found `industry`");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
