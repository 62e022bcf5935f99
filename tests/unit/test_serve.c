/* test_serve.c - unit tests of a POST body read into events
 * (src/serve_body.c), the part of `expc serve` that decides what a body
 * means: the format (Content-Type, --input, content), undeclared events,
 * all-or-nothing on invalid data and its message, a header lacking a
 * named column, times.  The HTTP and LMDB parts are tested end to end by
 * tests/t_serve.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/serve_int.h"
#include "expc/interp.h"
#include "expc/ir.h"

static ir_event events[2] = {
    { .name = "hello", .len = 5, .note = 0, .points = 6, .via = -1 },
    { .name = "buy", .len = 3, .note = 1, .points = 5, .via = -1 },
};

typedef struct fx {
    ir_machine m;
    interp *it;
    rt_engine e;
    serve_input in;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->m.name = "shop";
    f->m.n_notes = IR_NOTES;
    f->m.notes[0] = (ir_note){ 1, "STAY", 10, NULL, 0, { NULL, NULL, NULL } };
    f->m.notes[1] = (ir_note){ 0, "SAY", 3, NULL, 0, { NULL, NULL, NULL } };
    f->m.notes[2] = (ir_note){ 2, "SPEND", 5, NULL, 0, { NULL, NULL, NULL } };
    f->m.events = events;
    f->m.n_events = 2;
    ir_decide_rules(&f->m);
    f->it = interp_new(&f->m);
    f->e = interp_engine(f->it);
    f->in.e = &f->e;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    interp_free(f->it);
    free(f);
    return 0;
}

static int read_body(fx *f, const char *body, int ndjson, serve_batch *b, char **why)
{
    return serve_body_read(&f->in, body, strlen(body), ndjson, b, why);
}

static void test_csv(void **state)
{
    serve_batch b;
    char *why;
    int st = read_body(*state, "customer,event\nann,hello\n\nben,nope\nann,buy\n", -1, &b, &why);
    assert_int_equal(st, 0);
    assert_int_equal(b.n, 2);
    assert_int_equal(b.skipped, 1);
    assert_memory_equal(b.ids + b.off[1], "ann", 3);
    assert_int_equal(b.ev[0], 0);
    assert_int_equal(b.ev[1], 1);
    serve_batch_free(&b);
}

/* NDJSON by content, by Content-Type; Content-Type over --input. */
static void test_format(void **state)
{
    fx *f = *state;
    serve_batch b;
    char *why;
    const char *nd = " {\"customer\":7,\"event\":\"buy\"}\n";
    assert_int_equal(read_body(f, nd, -1, &b, &why), 0);
    assert_int_equal(b.n, 1);
    assert_memory_equal(b.ids, "7", 1);
    serve_batch_free(&b);
    f->in.input = RT_INPUT_CSV;
    assert_int_equal(read_body(f, nd, 1, &b, &why), 0); /* the header says NDJSON */
    assert_int_equal(b.n, 1);
    serve_batch_free(&b);
    assert_int_equal(read_body(f, "ann,buy\n", 1, &b, &why), 400);
    assert_string_equal(why, "line 1: invalid event data: not valid JSON");
    free(why);
    f->in.input = RT_INPUT_AUTO;
}

/* The first invalid line: 400, its line and reason, nothing kept. */
static void test_invalid(void **state)
{
    serve_batch b;
    char *why;
    int st = read_body(*state, "ann,buy\nben,buy\n,buy\ncy,buy\n", 0, &b, &why);
    assert_int_equal(st, 400);
    assert_string_equal(why, "line 3: invalid event data: empty customer");
    assert_int_equal(b.n, 0);
    assert_null(b.ids);
    free(why);
    st = read_body(*state, "ann,buy\n\xff,buy\n", 0, &b, &why);
    assert_int_equal(st, 400);
    assert_string_equal(why, "line 2: invalid event data: invalid UTF-8");
    free(why);
}

static void test_empty(void **state)
{
    serve_batch b;
    char *why;
    assert_int_equal(read_body(*state, "", -1, &b, &why), 0);
    assert_int_equal(b.n, 0);
    assert_int_equal(b.skipped, 0);
    serve_batch_free(&b);
}

/* --time: times read for declared events only; a bad one; a header
 * without the column lists its fields. */
static void test_time(void **state)
{
    fx *f = *state;
    serve_batch b;
    char *why;
    f->in.col[RT_COL_TIME] = "t";
    assert_int_equal(read_body(f, "customer,event,t\nann,buy,1.5\nann,nope,x\n", 0, &b, &why),
                     0);
    assert_true(b.timed);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.t[0], 1500);
    assert_int_equal(b.skipped, 1);
    serve_batch_free(&b);
    assert_int_equal(read_body(f, "customer,event,t\nann,buy,soon\n", 0, &b, &why), 400);
    assert_string_equal(why, "line 2: invalid event data: bad time \"soon\"");
    free(why);
    assert_int_equal(read_body(f, "customer,event,when\nann,buy,1\n", 0, &b, &why), 400);
    assert_string_equal(why, "--time: no column `t` in the header of the body (fields: "
                             "customer, event, when)");
    free(why);
    f->in.col[RT_COL_TIME] = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
