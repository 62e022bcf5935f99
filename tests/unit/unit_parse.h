/* unit_parse.h - a script parsed from a string, for the unit tests of the
 * front end (test_lex.c, test_parse.c, test_fmt.c), and the example script
 * of docs/language.md they all read.
 *
 * Header-only, as unit_fs.h: every test binary is one .c file (see the
 * Makefile).  Include it after <cmocka.h>. */
#ifndef EXPC_TESTS_UNIT_PARSE_H
#define EXPC_TESTS_UNIT_PARSE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/ast.h"

typedef struct fixture {
    arena *a;
    diag_ctx d;
    src_file src;
    ast_file *f;
} fixture;

/* `text` (copied) parsed as the file t.exp; diagnostics go to /dev/null
 * and are counted in d.  Free with done(). */
static inline fixture *parse(const char *text)
{
    fixture *x = calloc(1, sizeof *x);
    assert_non_null(x);
    x->a = arena_new();
    diag_init(&x->d, x->a);
    x->d.out = fopen("/dev/null", "w");
    x->src.path = "t.exp";
    x->src.real = "t.exp";
    x->src.text = arena_strdup(x->a, text);
    x->src.len = strlen(text);
    src_index(x->a, &x->src);
    x->f = ast_parse(x->a, &x->d, &x->src);
    return x;
}

static inline void done(fixture *x)
{
    fclose(x->d.out);
    arena_free(x->a);
    free(x);
}

/* The example of docs/language.md, as written there. */
static const char unit_example[] =
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
    "    note SAY   { evoke trust;      stage \"Concierge desk\"; system \"Follow-up message\";\n"
    "                 service \"Ask about the stay and listen\"; threshold 8; }\n"
    "    note SPEND { evoke excitement; stage \"Spa preview\"; system \"One-tap booking\";\n"
    "                 service \"Suggest, never push\"; threshold 5; }\n"
    "\n"
    "    event fast_checkin : STAY comfort    via system  at service +8;\n"
    "    event greeted      : STAY relaxation via service at service +6;\n"
    "    event review_left  : SAY  trust      via system  at support +8;\n"
    "    event spa_booked   : SPEND excitement via system at sales   +5;\n"
    "    event complaint    : STAY                                   -10;\n"
    "}\n";
#endif
