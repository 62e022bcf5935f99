/* test.h - `expc test`: the `test` blocks of scripts, run (docs/language.md,
 * "Tests").
 *
 * main.c reads the options (test_options, a table of the runtime's option
 * parser) and runs the front end on each script as `check` does; test.c
 * runs the tests of each script that checked clean on its lowered machine,
 * through the chosen engine, and reports them as text, JSON or JUnit, with
 * coverage. */
#ifndef EXPC_TEST_H
#define EXPC_TEST_H
#include <stdbool.h>

#include "expc/arena.h"
#include "expc/engine.h"
#include "expc/load.h"
#include "expc/rt.h"

typedef enum test_format { TEST_TEXT, TEST_JSON, TEST_JUNIT } test_format;

typedef struct test_opts {
    const char *run;          /* --run: a POSIX ERE on the names; NULL: all */
    test_format format;
    bool coverage;            /* --coverage (or --threshold) */
    int threshold;            /* --threshold: 0-100; -1 when not given */
} test_opts;

#define TEST_OPT 1u           /* rt_optdef.who of test_options */
extern const rt_optdef test_options[];
void test_opts_init(test_opts *o);

typedef struct test_session test_session;
/* Compiles --run (a bad one is a usage error: 2 after the message) and
 * starts a session on engine `en` at -O`opt`; an exit code. */
int test_begin(const test_opts *o, const engine *en, int opt, test_session **ts);
/* Runs the tests written in prog->files[0] (a program sema_check accepted);
 * the session keeps what it reports later.  An exit code: 0, or 70 when
 * the engine and the reference interpreter disagree. */
int test_file(test_session *ts, const program *prog);
/* Closes the session: the junit document, the closing line, coverage and
 * the threshold; frees it.  Returns the command's exit code, `rc` being
 * the worst of the front ends'. */
int test_end(test_session *ts, int rc);
#endif
