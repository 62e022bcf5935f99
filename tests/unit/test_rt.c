/* test_rt.c - the scoring runtime end to end (src/rt/run.c, table.c,
 * output.c) over a fake engine, and the scoring rules through the real
 * interpreter (src/interp.c).
 *
 * The fake engine is the scoring rule of docs/language.md §6 written out for
 * the hotel of its worked example: path STAY -> SAY -> SPEND, thresholds
 * 12, 8, 5, penalty early 2, and five events.  The interpreter runs the same
 * hotel lowered by hand (as tests/unit/test_emit_c.c does), so the rules are
 * checked on the product, not only on the fake.  Runs read files in a
 * mkdtemp folder (removed at the end) and write to tmpfile()s that the tests
 * read back, so exact bytes of stdout and stderr are checked, exit codes
 * too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/rt.h"

/* ---- the fake engine ------------------------------------------------------ */

static const struct {
    const char *name;
    int32_t note;
    int64_t points;
} fk_events[] = {
    {"fast_checkin", 0, 8}, {"greeted", 0, 6}, {"review_left", 1, 8},
    {"spa_booked", 2, 5},   {"complaint", 0, -10},
};
static const int64_t fk_threshold[3] = {12, 8, 5};
static const int64_t fk_penalty = 2;
static const char *const fk_names[4] = {"STAY", "SAY", "SPEND", "ENGAGED"};

typedef struct fk_ctx {
    size_t inits, batches, max_batch, steps;
} fk_ctx;
static fk_ctx fk;

static void fk_init(void *ctx, rt_state *s)
{
    ((fk_ctx *)ctx)->inits++;
    memset(s, 0, sizeof *s);
}

static int32_t fk_event_id(void *ctx, const char *name, size_t len)
{
    int32_t i;
    (void)ctx;
    for (i = 0; i < (int32_t)(sizeof fk_events / sizeof fk_events[0]); i++)
        if (strlen(fk_events[i].name) == len && memcmp(fk_events[i].name, name, len) == 0)
            return i;
    return -1;
}

static void fk_step(rt_state *s, int32_t ev)
{
    int32_t j = fk_events[ev].note;
    int64_t w = fk_events[ev].points;
    s->events += 1;
    if (w < 0 || j <= s->stage) {
        s->score += w;
        s->points[j] += w;
    } else {
        s->score -= fk_penalty;
        s->early += 1;
    }
    while (s->stage < 3 && s->points[s->stage] >= fk_threshold[s->stage])
        s->stage++;
}

static void fk_step_batch(void *ctx, rt_state *states, const uint32_t *cust,
                          const int32_t *ev, const int64_t *t, size_t n)
{
    fk_ctx *c = ctx;
    (void)t;
    size_t i;
    c->batches++;
    c->steps += n;
    if (n > c->max_batch)
        c->max_batch = n;
    for (i = 0; i < n; i++)
        fk_step(&states[cust[i]], ev[i]);
}

static const char *fk_stage_name(void *ctx, int32_t stage)
{
    (void)ctx;
    return stage >= 0 && stage <= 3 ? fk_names[stage] : NULL;
}

static rt_engine fk_engine(void)
{
    rt_engine e;
    memset(&fk, 0, sizeof fk);
    e.ctx = &fk;
    e.n_notes = 3;
    e.init = fk_init;
    e.event_id = fk_event_id;
    e.step_batch = fk_step_batch;
    e.stage_name = fk_stage_name;
    return e;
}

/* ---- the interpreter over the same hotel, lowered by hand ------------------ */

static ir_event hotel_events[] = {
    {"fast_checkin", 12, 0, 8, NULL, 1, NULL, 0, 0, 0, 0, 0, 0}, {"greeted", 7, 0, 6, NULL, 2, NULL, 0, 0, 0, 0, 0, 0},
    {"review_left", 11, 1, 8, NULL, 1, NULL, 0, 0, 0, 0, 0, 0},  {"spa_booked", 10, 2, 5, NULL, 1, NULL, 0, 0, 0, 0, 0, 0},
    {"complaint", 9, 0, -10, NULL, -1, NULL, 0, 0, 0, 0, 0, 0},
};
static ir_machine hotel_machine;
static interp *hotel_interp;
static bool use_interp; /* run_opts scores with the interpreter, not the fake */

static void hotel_interp_new(void)
{
    ir_machine *m = &hotel_machine;
    memset(m, 0, sizeof *m);
    m->name = "grand_hotel";
    m->script = "grand_hotel.exp";
    m->n_notes = IR_NOTES;
    m->notes[0] = (ir_note){1, "STAY", 12, NULL, 0, {NULL, NULL, NULL}};
    m->notes[1] = (ir_note){0, "SAY", 8, NULL, 0, {NULL, NULL, NULL}};
    m->notes[2] = (ir_note){2, "SPEND", 5, NULL, 0, {NULL, NULL, NULL}};
    m->penalty_early = 2;
    m->n_events = sizeof hotel_events / sizeof hotel_events[0];
    m->events = hotel_events;
    ir_decide_rules(m); /* counts_from, as ir_lower sets it */
    hotel_interp = interp_new(m);
}

/* ---- files and runs -------------------------------------------------------- */

static char tmpdir[] = "/tmp/test_rt.XXXXXX";
static char made[32][4200];
static int n_made;

static int setup(void **st)
{
    (void)st;
    hotel_interp_new();
    return hotel_interp && mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **st)
{
    int i;
    (void)st;
    for (i = 0; i < n_made; i++)
        remove(made[i]);
    interp_free(hotel_interp);
    return rmdir(tmpdir);
}

/* Writes `n` bytes to a file named `name` in the temp folder; its path. */
static const char *put_file(const char *name, const char *data, size_t n)
{
    char path[4200];
    FILE *f;
    int i;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    for (i = 0; i < n_made && strcmp(made[i], path) != 0; i++)
        ;
    if (i == n_made) {
        assert_true(n_made < 32);
        strcpy(made[n_made++], path);
    }
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return made[i];
}

static const char *put(const char *name, const char *text)
{
    return put_file(name, text, strlen(text));
}

static char *slurp(FILE *f)
{
    long n;
    char *s;
    assert_int_equal(fflush(f), 0);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    return s;
}

typedef struct result {
    int rc;
    char *out, *err;
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

/* Runs with the given options (path, format, flags); out and err captured. */
static result run_opts(rt_opts o)
{
    rt_engine e = use_interp ? interp_engine(hotel_interp) : fk_engine();
    result r;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    o.out = out;
    o.err = err;
    /* The fake engine counts in globals: one thread, unless a test asks
     * (test_threads, with the interpreter). */
    if (!o.threads)
        o.threads = 1;
    r.rc = rt_run(&o, &e);
    r.out = slurp(out);
    r.err = slurp(err);
    fclose(out);
    fclose(err);
    return r;
}

static result run_path(const char *path, rt_format f, bool strict, bool skip, bool summary)
{
    rt_opts o;
    rt_opts_init(&o);
    o.path = path;
    o.format = f;
    o.strict = strict;
    o.skip_invalid = skip;
    o.summary = summary;
    return run_opts(o);
}

static result run_csv(const char *text)
{
    return run_path(put("in.csv", text), RT_FORMAT_CSV, false, false, false);
}

/* printf into a static buffer, for expected messages that name a path. */
static const char *fmt(const char *f, ...)
{
    static char buf[8][8192];
    static int k;
    va_list ap;
    k = (k + 1) % 8;
    va_start(ap, f);
    vsnprintf(buf[k], sizeof buf[k], f, ap);
    va_end(ap);
    return buf[k];
}

static const char hotel[] = "customer,event,ts\n"
                            "alice,fast_checkin,1\n"
                            "bob,spa_booked,2\n"
                            "alice,greeted,3\n"
                            "alice,review_left,4\n"
                            "alice,spa_booked,5\n"
                            "bob,complaint,6\n"
                            "carol,unknown_evt,7\n";

/* ---- scoring and output ---------------------------------------------------- */

static void test_scores_csv(void **st)
{
    result r = run_csv(hotel);
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\n"
                               "alice,27,ENGAGED,4,0\n"
                               "bob,-12,STAY,2,1\n");
    assert_string_equal(r.err, fmt("expc: skipped 1 event not declared by the "
                                   "experience: \"unknown_evt\" at %s/in.csv:8\n",
                                   tmpdir));
    /* carol had only an undeclared event: she is no customer at all. */
    assert_int_equal(fk.inits, 2);
    result_free(&r);
}

static void test_scores_json(void **st)
{
    result r = run_path(put("in.csv", hotel), RT_FORMAT_JSON, false, false, false);
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "{\"customer\":\"alice\",\"score\":27,\"stage\":\"ENGAGED\","
                               "\"events\":4,\"early\":0,\"points\":{\"STAY\":14,\"SAY\":8,"
                               "\"SPEND\":5}}\n"
                               "{\"customer\":\"bob\",\"score\":-12,\"stage\":\"STAY\","
                               "\"events\":2,\"early\":1,\"points\":{\"STAY\":-10,\"SAY\":0,"
                               "\"SPEND\":0}}\n");
    result_free(&r);
}

static void test_empty_input(void **st)
{
    result r;
    (void)st;
    r = run_csv("");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\n");
    assert_string_equal(r.err, "");
    result_free(&r);
    r = run_path(put("in.csv", "customer,event\n\n"), RT_FORMAT_JSON, false, false, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "");
    result_free(&r);
}

static void test_csv_quoting_of_ids(void **st)
{
    result r = run_csv("\"a,b\",greeted\n"
                       "\"say \"\"hi\"\"\",greeted\n"
                       "\"two\nlines\",greeted\n"
                       "\"cr\rhere\",greeted\n"
                       " spaced ,greeted\n"
                       "caf\xc3\xa9,greeted\n"
                       "\"a,b\",greeted\n");
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\n"
                               "\"a,b\",12,SAY,2,0\n"
                               "\"say \"\"hi\"\"\",6,STAY,1,0\n"
                               "\"two\nlines\",6,STAY,1,0\n"
                               "\"cr\rhere\",6,STAY,1,0\n"
                               " spaced ,6,STAY,1,0\n"
                               "caf\xc3\xa9,6,STAY,1,0\n");
    result_free(&r);
}

static void test_json_escaping_of_ids(void **st)
{
    static const char in[] = "\"q\"\"b\\s\",greeted\n"
                             "\"t\tn\nr\r\",greeted\n"
                             "\"\x01\x1f\x7f\",greeted\n"
                             "\"\b\f\",greeted\n"
                             "\xe2\x82\xac\xf0\x9f\x98\x80,greeted\n";
    result r = run_path(put("in.csv", in), RT_FORMAT_JSON, false, false, false);
    const char *tail = ",\"score\":6,\"stage\":\"STAY\",\"events\":1,\"early\":0,"
                       "\"points\":{\"STAY\":6,\"SAY\":0,\"SPEND\":0}}\n";
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, fmt("{\"customer\":\"q\\\"b\\\\s\"%s"
                                   "{\"customer\":\"t\\tn\\nr\\r\"%s"
                                   "{\"customer\":\"\\u0001\\u001f\x7f\"%s"
                                   "{\"customer\":\"\\b\\f\"%s"
                                   "{\"customer\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"%s",
                                   tail, tail, tail, tail, tail));
    result_free(&r);
}

/* docs/language.md §6 in detail: negative points always count, an early
 * positive event costs the penalty, and a customer moves one note at a
 * time; through the fake engine and through the interpreter
 * (JSON too, for the points of each note). */
static const char scoring_log[] = "x,review_left\n" /* early: -2 */
                                  "x,complaint\n"   /* -10 on STAY */
                                  "x,fast_checkin\nx,fast_checkin\nx,fast_checkin\n" /* STAY 14 */
                                  "x,spa_booked\n"  /* early again */
                                  "x,review_left\n" /* SAY 8 -> SPEND */
                                  "x,spa_booked\n"  /* SPEND 5 -> ENGAGED */
                                  "x,complaint\n"   /* engaged, still counts */
                                  "x,spa_booked\n"
                                  /* y: SAY and SPEND earned while early do not
                                   * count; STAY 12 exactly is enough */
                                  "y,review_left\ny,fast_checkin\ny,greeted\n"
                                  "y,review_left\ny,spa_booked\n";
static const char scoring_csv[] = "customer,score,stage,events,early\n"
                                  "x,18,ENGAGED,10,2\n"
                                  "y,25,ENGAGED,5,1\n";

static void test_scoring_rules(void **st)
{
    result r = run_csv(scoring_log);
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, scoring_csv);
    result_free(&r);
}

static void test_scoring_rules_interp(void **st)
{
    result r;
    (void)st;
    use_interp = true;
    r = run_csv(scoring_log);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, scoring_csv);
    assert_string_equal(r.err, "");
    result_free(&r);
    r = run_path(put("in.csv", scoring_log), RT_FORMAT_JSON, false, false, false);
    use_interp = false;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
                        "{\"customer\":\"x\",\"score\":18,\"stage\":\"ENGAGED\",\"events\":10,"
                        "\"early\":2,\"points\":{\"STAY\":4,\"SAY\":8,\"SPEND\":10}}\n"
                        "{\"customer\":\"y\",\"score\":25,\"stage\":\"ENGAGED\",\"events\":5,"
                        "\"early\":1,\"points\":{\"STAY\":14,\"SAY\":8,\"SPEND\":5}}\n");
    result_free(&r);
}

/* Thousands of events: the batches fill and flush, states move as the table
 * grows, and the result equals stepping every event by hand. */
static void test_batches(void **st)
{
    enum { N_EVENTS = 200000, N_CUST = 30000 };
    char *in = malloc((size_t)N_EVENTS * 32);
    char *want = malloc((size_t)N_CUST * 64 + 64);
    rt_state *states = calloc(N_CUST, sizeof *states);
    int *order = malloc(N_CUST * sizeof *order);
    int *seen = calloc(N_CUST, sizeof *seen);
    size_t n = 0, w = 0;
    int i, n_order = 0;
    unsigned long long seed = 7;
    result r;
    (void)st;
    assert_true(in && want && states && order && seen);
    for (i = 0; i < N_EVENTS; i++) {
        int c, ev;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        c = (int)((seed >> 33) % N_CUST);
        ev = (int)((seed >> 20) % 5);
        if (!seen[c]) {
            seen[c] = 1;
            order[n_order++] = c;
        }
        fk_step(&states[c], ev);
        n += (size_t)sprintf(in + n, "cust%d,%s\n", c, fk_events[ev].name);
    }
    w += (size_t)sprintf(want, "customer,score,stage,events,early\n");
    for (i = 0; i < n_order; i++) {
        const rt_state *s = &states[order[i]];
        w += (size_t)sprintf(want + w, "cust%d,%lld,%s,%llu,%llu\n", order[i],
                             (long long)s->score, fk_names[s->stage],
                             (unsigned long long)s->events, (unsigned long long)s->early);
    }
    r = run_path(put_file("big.csv", in, n), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, want);
    assert_string_equal(r.err, "");
    assert_int_equal(fk.steps, N_EVENTS);
    assert_int_equal(fk.max_batch, 4096);
    assert_int_equal(fk.inits, (size_t)n_order);
    result_free(&r);
    free(in);
    free(want);
    free(states);
    free(order);
    free(seen);
}

/* --threads (par.c): 2 and 3 threads give the bytes of one, over a log
 * big enough for threads (several windows: EXPC_THREADS_WINDOW), with
 * quoted multi-line ids, undeclared events and --skip-invalid lines. */
static void test_threads(void **st)
{
    enum { N_EVENTS = 60000, N_CUST = 5000 };
    static const char *const evs[] = { "fast_checkin", "greeted", "review_left",
                                       "spa_booked", "complaint", "minibar" };
    char *in = malloc((size_t)N_EVENTS * 48);
    size_t n = (size_t)sprintf(in, "customer,event\n");
    unsigned long long seed = 11;
    result one;
    unsigned t;
    (void)st;
    assert_non_null(in);
    for (int i = 0; i < N_EVENTS; i++) {
        int c;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        c = (int)((seed >> 33) % N_CUST);
        if (c % 97 == 0)
            n += (size_t)sprintf(in + n, "\"c%d\nline \"\"two\"\"\",%s\n", c,
                                 evs[(seed >> 20) % 6]);
        else if (c % 1001 == 5)
            n += (size_t)sprintf(in + n, "\"open%d,greeted\n", c); /* invalid */
        else
            n += (size_t)sprintf(in + n, "c%d,%s\n", c, evs[(seed >> 20) % 6]);
    }
    use_interp = true;
    setenv("EXPC_THREADS_WINDOW", "64K", 1);
    for (t = 1; t <= 3; t++) {
        rt_opts o;
        result r;
        rt_opts_init(&o);
        o.path = put_file("threads.csv", in, n);
        o.skip_invalid = true;
        o.summary = true;
        o.threads = t;
        r = run_opts(o);
        assert_int_equal(r.rc, 0);
        if (t == 1) {
            one = r;
            assert_non_null(strstr(r.err, "skipped"));
            continue;
        }
        assert_string_equal(r.out, one.out);
        assert_string_equal(r.err, one.err);
        result_free(&r);
    }
    unsetenv("EXPC_THREADS_WINDOW");
    use_interp = false;
    result_free(&one);
    free(in);
}

/* An in-memory source (par.c's chunks) ends in RT_NEXT_CUT where a record
 * runs past its bytes, having consumed the records before. */
static void test_src_cut(void **st)
{
    char text[] = "a,greeted\nb,\"multi\nline\",x";
    rt_src s;
    rt_csv c;
    rt_rec rec;
    (void)st;
    memset(&s, 0, sizeof s);
    s.buf = text;
    s.cap = s.end = sizeof text - 1;
    s.line = 1;
    rt_csv_init(&c, &s, NULL);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_REC);
    assert_int_equal(rec.cust_len, 1);
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_CUT);
    assert_int_equal(s.beg, 10); /* where the cut record starts */
    assert_int_equal(s.line, 2);
    s.eof = true;
    assert_int_equal(rt_csv_next(&c, &rec), RT_NEXT_REC);
    assert_null(rec.why);
    assert_int_equal(rec.line, 2);
    rt_csv_free(&c);
}

static void test_long_customer_id(void **st)
{
    size_t n = (size_t)10 * 1024 * 1024, k;
    char *in = malloc(2 * n + 100);
    char *want;
    result r;
    (void)st;
    assert_non_null(in);
    memset(in, 'z', n);
    memcpy(in + n, ",greeted\n", 9);
    memcpy(in + n + 9, in, n + 9); /* twice the same customer */
    r = run_path(put_file("long.csv", in, 2 * n + 18), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 0);
    want = malloc(n + 100);
    assert_non_null(want);
    k = (size_t)sprintf(want, "customer,score,stage,events,early\n");
    memset(want + k, 'z', n);
    strcpy(want + k + n, ",12,SAY,2,0\n");
    assert_string_equal(r.out, want);
    result_free(&r);
    free(want);
    free(in);
}

/* ---- invalid data, undeclared events --------------------------------------- */

static void test_invalid_data(void **st)
{
    static const struct {
        const char *in, *line_why;
    } cases[] = {
        {"a,greeted\nlonely\n", "2: invalid event data: fewer than two fields"},
        {"a,greeted\n,greeted\n", "2: invalid event data: empty customer"},
        {"a,greeted\n\nb,\n", "3: invalid event data: empty event"},
        {"a,greeted\n\"b,greeted\nc,greeted\n", "2: invalid event data: unterminated quote"},
        {"a\xff,greeted\n", "1: invalid event data: invalid UTF-8"},
        {"\"a\"x,greeted\n", "1: invalid event data: text after a closing quote"},
        {"\"a\nb\",greeted\n\"\",greeted\n", "3: invalid event data: empty customer"},
    };
    size_t i;
    (void)st;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        result r = run_csv(cases[i].in);
        assert_int_equal(r.rc, 65);
        assert_string_equal(r.out, ""); /* no table at all */
        assert_string_equal(r.err, fmt("expc: %s/in.csv:%s\n", tmpdir, cases[i].line_why));
        result_free(&r);
    }
}

static void test_skip_invalid(void **st)
{
    const char *p = put("in.csv", "customer,event\n"
                                  "a,greeted\n"
                                  "bad\n"
                                  ",greeted\n"
                                  "a,greeted\n"
                                  "b\xc3,greeted\n");
    result r = run_path(p, RT_FORMAT_CSV, false, true, false);
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,12,SAY,2,0\n");
    assert_string_equal(r.err, fmt("expc: skipped 3 invalid lines; first: %s:3: "
                                   "fewer than two fields\n",
                                   p));
    result_free(&r);
    p = put("in.csv", "a,greeted\nb,\n");
    r = run_path(p, RT_FORMAT_CSV, false, true, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n");
    assert_string_equal(r.err, fmt("expc: skipped 1 invalid line: %s:2: empty event\n", p));
    result_free(&r);
    /* An unterminated quote swallows the rest: one invalid line. */
    p = put("in.csv", "a,greeted\n\"b,greeted\nc,greeted\n");
    r = run_path(p, RT_FORMAT_CSV, false, true, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n");
    assert_string_equal(r.err,
                        fmt("expc: skipped 1 invalid line: %s:2: unterminated quote\n", p));
    result_free(&r);
}

static void test_undeclared_events(void **st)
{
    const char *p = put("in.csv", "a,greeted\n"
                                  "a,\"bo\"\"gus\"\n"
                                  "b,nope\n"
                                  "a,nope\n");
    result r = run_path(p, RT_FORMAT_CSV, false, false, false);
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n");
    assert_string_equal(r.err, fmt("expc: skipped 3 events not declared by the experience; "
                                   "first: \"bo\\\"gus\" at %s:2\n",
                                   p));
    result_free(&r);
    /* Both kinds of skipping at once: invalid lines first. */
    p = put("in.csv", "a,greeted\na,nope\nbad\n");
    r = run_path(p, RT_FORMAT_CSV, false, true, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n");
    assert_string_equal(r.err,
                        fmt("expc: skipped 1 invalid line: %s:3: fewer than two fields\n"
                            "expc: skipped 1 event not declared by the experience: \"nope\" "
                            "at %s:2\n",
                            p, p));
    result_free(&r);
    /* Event lines, none declared: an error, not an empty table (the
     * skipped line is no event line). */
    p = put("in.csv", "a,nope\nbad\n");
    r = run_path(p, RT_FORMAT_CSV, false, true, false);
    assert_int_equal(r.rc, 65);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, fmt("expc: %s: no event of the log is declared by the "
                                   "experience (first: \"nope\" at line 1; event column: 2)\n",
                                   p));
    result_free(&r);
}

static void test_strict(void **st)
{
    const char *p = put("in.csv", "a,greeted\n\nb,\"no\npe\"\nc,nope\n");
    result r = run_path(p, RT_FORMAT_CSV, true, false, false);
    (void)st;
    assert_int_equal(r.rc, 65);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err,
                        fmt("expc: %s:3: event \"no\\npe\" is not declared by the "
                            "experience\n",
                            p));
    result_free(&r);
    /* Strict with nothing undeclared is a normal run. */
    r = run_path(put("in.csv", "a,greeted\n"), RT_FORMAT_CSV, true, false, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
}

/* Long names are cut after 200 bytes, never inside a UTF-8 sequence. */
static void test_long_event_name_in_message(void **st)
{
    char in[1200], name[1000];
    const char *p;
    result r;
    (void)st;
    memset(name, 'n', 199);
    memcpy(name + 199, "\xc3\xa9", 2); /* bytes 199-200: cut before it */
    memset(name + 201, 'm', 500);
    name[701] = '\0';
    snprintf(in, sizeof in, "a,%s\n", name);
    p = put("in.csv", in);
    r = run_path(p, RT_FORMAT_CSV, true, false, false);
    assert_int_equal(r.rc, 65);
    name[199] = '\0';
    assert_string_equal(r.err,
                        fmt("expc: %s:1: event \"%s\"... is not declared by the experience\n",
                            p, name));
    result_free(&r);
}

/* ---- input and output errors ------------------------------------------------ */

static void test_missing_input(void **st)
{
    char path[4200];
    rt_opts o;
    result r;
    (void)st;
    snprintf(path, sizeof path, "%s/no-such.csv", tmpdir);
    r = run_path(path, RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 66);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, fmt("expc: %s: No such file or directory\n", path));
    result_free(&r);
    rt_opts_init(&o);
    o.path = tmpdir;
    r = run_opts(o);
    assert_int_equal(r.rc, 66);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, fmt("expc: %s: Is a directory\n", tmpdir));
    result_free(&r);
}

static void test_write_error(void **st)
{
    rt_engine e = fk_engine();
    rt_opts o;
    FILE *full = fopen("/dev/full", "w");
    FILE *err = tmpfile();
    char *msg;
    static char big[4 * 1024 * 1024];
    size_t n = 0;
    int i;
    (void)st;
    if (!full)
        skip();
    rt_opts_init(&o);
    o.path = put("in.csv", "a,greeted\n");
    o.out = full;
    o.err = err;
    assert_int_equal(rt_run(&o, &e), 74);
    msg = slurp(err);
    assert_string_equal(msg, "expc: cannot write output: No space left on device\n");
    free(msg);
    fclose(full);
    fclose(err);
    /* A table larger than every buffer fails midway, the same way. */
    for (i = 0; i < 100000; i++)
        n += (size_t)sprintf(big + n, "customer%d,greeted\n", i);
    full = fopen("/dev/full", "w");
    err = tmpfile();
    o.path = put_file("in.csv", big, n);
    o.out = full;
    o.err = err;
    o.format = RT_FORMAT_JSON;
    assert_int_equal(rt_run(&o, &e), 74);
    msg = slurp(err);
    assert_string_equal(msg, "expc: cannot write output: No space left on device\n");
    free(msg);
    fclose(full);
    fclose(err);
}

static void test_stdin(void **st)
{
    const char *p = put("stdin.csv", "a,greeted\nb\n");
    rt_opts o;
    result r;
    (void)st;
    assert_non_null(freopen(p, "rb", stdin));
    rt_opts_init(&o); /* path NULL */
    r = run_opts(o);
    assert_int_equal(r.rc, 65);
    assert_string_equal(r.err, "expc: <stdin>:2: invalid event data: fewer than two fields\n");
    result_free(&r);
    assert_non_null(freopen(p, "rb", stdin));
    o.path = "-";
    o.skip_invalid = true;
    r = run_opts(o);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n");
    assert_string_equal(r.err, "expc: skipped 1 invalid line: <stdin>:2: fewer than two fields\n");
    result_free(&r);
}

static void test_summary(void **st)
{
    const char *p = put("in.csv", "a,greeted\nb,greeted\nb,greeted\nc,review_left\n"
                                  "d,fast_checkin\nd,greeted\nd,review_left\nd,spa_booked\n"
                                  "e,nope\n");
    result r = run_path(p, RT_FORMAT_CSV, false, false, true);
    (void)st;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\n"
                               "a,6,STAY,1,0\n"
                               "b,12,SAY,2,0\n"
                               "c,-2,STAY,1,1\n"
                               "d,27,ENGAGED,4,0\n");
    assert_string_equal(r.err, fmt("expc: skipped 1 event not declared by the experience: "
                                   "\"nope\" at %s:9\n"
                                   "stage     customers    reached\n"
                                   "STAY              2          4\n"
                                   "SAY               1          2\n"
                                   "SPEND             0          1\n"
                                   "ENGAGED           1          1\n"
                                   "total             4\n",
                                   p));
    result_free(&r);
}

/* ---- NDJSON through rt_run ------------------------------------------------- */

static void test_ndjson_selection(void **st)
{
    static const char nd[] = "{\"customer\":\"a\",\"event\":\"greeted\",\"ts\":1}\n"
                             "\n"
                             "{\"event\":\"greeted\",\"customer\":\"a\\\"\"}\n";
    rt_opts o;
    result r;
    (void)st;
    r = run_path(put("ev.ndjson", nd), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n"
                               "\"a\"\"\",6,STAY,1,0\n");
    result_free(&r);
    r = run_path(put("ev.jsonl", nd), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 0);
    result_free(&r);
    rt_opts_init(&o);
    o.path = put("ev.txt", nd);
    o.input = RT_INPUT_NDJSON;
    r = run_opts(o);
    assert_int_equal(r.rc, 0);
    result_free(&r);
    /* Invalid JSON data stops the run like invalid CSV. */
    o.path = put("bad.ndjson", "{\"customer\":\"a\",\"event\":\"greeted\"}\n[1,2]\n");
    o.input = RT_INPUT_AUTO;
    r = run_opts(o);
    assert_int_equal(r.rc, 65);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err,
                        fmt("expc: %s:2: invalid event data: not a JSON object\n", o.path));
    result_free(&r);
    /* --input=csv reads a .ndjson name as CSV. */
    o.path = put("x.ndjson", "a,greeted\n");
    o.input = RT_INPUT_CSV;
    r = run_opts(o);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n");
    result_free(&r);
    /* Any other name: by content, NDJSON when the first byte that is not
     * whitespace (after a byte order mark) is `{`. */
    r = run_path(put("ev.log", nd), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n"
                               "\"a\"\"\",6,STAY,1,0\n");
    result_free(&r);
    r = run_path(put("ev2.csv", fmt("\xef\xbb\xbf \r\n\t\n%s", nd)), RT_FORMAT_CSV, false, false,
                 false);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\na,6,STAY,1,0\n"
                               "\"a\"\"\",6,STAY,1,0\n");
    result_free(&r);
    r = run_path(put("ev3.csv", "\n\n[1]\n"), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 65);
    assert_string_equal(r.err, fmt("expc: %s:3: invalid event data: fewer than two fields\n",
                                   put("ev3.csv", "\n\n[1]\n")));
    result_free(&r);
    r = run_path(put("empty.txt", " \n"), RT_FORMAT_CSV, false, false, false);
    assert_int_equal(r.rc, 65); /* CSV: a line of one blank field */
    result_free(&r);
}

/* ---- pieces: table, writer, flags, rt_main --------------------------------- */

static void test_table(void **st)
{
    rt_engine e = fk_engine();
    rt_table t;
    char id[32];
    uint32_t i;
    size_t pos = 0;
    (void)st;
    rt_table_init(&t);
    for (i = 0; i < 300000; i++) {
        int n = sprintf(id, "id-%u", i * 7919u);
        assert_int_equal(rt_table_intern(&t, id, (size_t)n, &e), i);
    }
    for (i = 0; i < 300000; i += 7) {
        int n = sprintf(id, "id-%u", i * 7919u);
        assert_int_equal(rt_table_intern(&t, id, (size_t)n, &e), i);
    }
    assert_int_equal(t.n, 300000);
    assert_int_equal(fk.inits, 300000);
    /* The ids come back in index order. */
    for (i = 0; i < 300000; i++) {
        int n = sprintf(id, "id-%u", i * 7919u);
        size_t len;
        const char *p = rt_table_next_id(&t, &pos, &len);
        assert_int_equal(len, (size_t)n);
        assert_memory_equal(p, id, len);
    }
    assert_int_equal(pos, t.ids_len);
    /* Ids that differ in length only, or hold NUL bytes, stay apart. */
    assert_int_equal(rt_table_intern(&t, "x\0y", 3, &e), 300000);
    assert_int_equal(rt_table_intern(&t, "x", 1, &e), 300001);
    assert_int_equal(rt_table_intern(&t, "x\0y", 3, &e), 300000);
    assert_int_equal(rt_table_intern(&t, "", 0, &e), 300002);
    rt_table_free(&t);
}

/* rt_table_intern_many gives the same indexes as one lookup at a time, with
 * repeats inside a group and new customers among old ones. */
static void test_table_many(void **st)
{
    rt_engine e = fk_engine();
    rt_table a, b;
    static char base[1000 * 40];
    static size_t off[1000], len[1000];
    static uint32_t idx[1000];
    unsigned long long seed = 99;
    int round, i;
    (void)st;
    rt_table_init(&a);
    rt_table_init(&b);
    for (round = 0; round < 200; round++) {
        size_t n = 0, at = 0;
        int k = (int)(seed % 1000) + 1;
        for (i = 0; i < k; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            off[n] = at;
            len[n] = (size_t)sprintf(base + at, "k%llu%s",
                                     (seed >> 33) % (50u * (unsigned)round + 10u),
                                     (seed >> 20) % 7 == 0 ? "-with-a-longer-tail" : "");
            at += len[n];
            n++;
        }
        assert_int_equal(rt_table_intern_many(&a, base, off, len, n, idx, &e), 0);
        for (i = 0; i < (int)n; i++)
            assert_int_equal(idx[i], rt_table_intern(&b, base + off[i], len[i], &e));
    }
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.ids_len, b.ids_len);
    assert_memory_equal(a.ids, b.ids, a.ids_len);
    rt_table_free(&a);
    rt_table_free(&b);
}

static char *writer_text(void (*f)(rt_out *))
{
    FILE *fp = tmpfile();
    rt_out w;
    char *s;
    assert_non_null(fp);
    assert_true(rt_out_init(&w, fp));
    f(&w);
    assert_true(rt_out_flush(&w));
    rt_out_free(&w);
    s = slurp(fp);
    fclose(fp);
    return s;
}

static void w_numbers(rt_out *w)
{
    rt_out_i64(w, 0);
    rt_out_put(w, " ", 1);
    rt_out_i64(w, -1);
    rt_out_put(w, " ", 1);
    rt_out_i64(w, INT64_MIN);
    rt_out_put(w, " ", 1);
    rt_out_i64(w, INT64_MAX);
    rt_out_put(w, " ", 1);
    rt_out_u64(w, UINT64_MAX);
    rt_out_put(w, " ", 1);
    rt_out_u64(w, 1000000);
}

static void w_csv(rt_out *w)
{
    static const char *const ids[] = {"plain", "a,b", "\"", "a\"b\"", "x\ny", "x\ry", "", " s "};
    size_t i;
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        rt_out_csv_field(w, ids[i], strlen(ids[i]));
        rt_out_put(w, "|", 1);
    }
}

static void w_json(rt_out *w)
{
    rt_out_json_string(w, "a\"b\\c/d", 7);
    rt_out_json_string(w, "\0\x01\x08\x09\x0a\x0b\x0c\x0d\x1b\x1f\x20\x7f", 12);
    rt_out_json_string(w, "\xc3\xa9\xe2\x80\xa8", 5);
    rt_out_json_string(w, "", 0);
}

static void w_big(rt_out *w)
{
    size_t n = (size_t)1 << 20, i;
    char *p = malloc(n);
    assert_non_null(p);
    for (i = 0; i < n; i++)
        p[i] = (char)('a' + i % 26);
    rt_out_put(w, "<", 1);
    rt_out_put(w, p, n);
    rt_out_put(w, ">", 1);
    rt_out_csv_field(w, p, n);
    free(p);
}

static void test_writer(void **st)
{
    char *s;
    size_t i;
    (void)st;
    s = writer_text(w_numbers);
    assert_string_equal(s, "0 -1 -9223372036854775808 9223372036854775807 "
                           "18446744073709551615 1000000");
    free(s);
    s = writer_text(w_csv);
    assert_string_equal(s, "plain|\"a,b\"|\"\"\"\"|\"a\"\"b\"\"\"|\"x\ny\"|\"x\ry\"|| s |");
    free(s);
    s = writer_text(w_json);
    assert_memory_equal(s, "\"a\\\"b\\\\c/d\""
                           "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f \x7f\""
                           "\"\xc3\xa9\xe2\x80\xa8\"\"\"",
                           strlen(s) + 1);
    free(s);
    s = writer_text(w_big);
    assert_int_equal(strlen(s), 2 * ((size_t)1 << 20) + 2);
    for (i = 0; i < ((size_t)1 << 20); i++)
        if (s[1 + i] != (char)('a' + i % 26) || s[2 + ((size_t)1 << 20) + i] != s[1 + i])
            fail_msg("byte %zu", i);
    free(s);
}

/* rt_write_scores over 40,000 customers - rows crossing the 256 KiB
 * buffer's end at every few bytes, ids that need quotes among plain ones,
 * scores and counts at every number of digits and both signs, a stage no
 * name - against the same table printed with snprintf. */
static void test_write_scores_many(void **st)
{
    rt_engine e = fk_engine();
    rt_table t;
    size_t wn = 0, wcap = (size_t)8 << 20;
    char *want = malloc(wcap);
    FILE *fp = tmpfile(), *err = tmpfile();
    char *got;
    uint32_t i;
    uint64_t v = 1;
    (void)st;
    assert_true(fp && err && want);
    rt_table_init(&t);
    wn = (size_t)sprintf(want, "customer,score,stage,events,early\n");
    for (i = 0; i < 40000; i++) {
        char id[64], line[256];
        int n = snprintf(id, sizeof id, i % 13 == 0 ? "c,%u" : "cust-%u", i * 2654435761u);
        rt_state *s;
        int64_t sc;
        assert_int_equal(rt_table_intern(&t, id, (size_t)n, &e), i);
        s = rt_table_state(&t, i);
        v = v * 6364136223846793005ULL + 1442695040888963407ULL;
        sc = (int64_t)(v >> (i % 64)) * (i % 2 ? -1 : 1);
        s->score = i == 7 ? INT64_MIN : i == 8 ? INT64_MAX : sc;
        s->stage = (int32_t)(i % 4);
        s->events = i == 9 ? UINT64_MAX : v >> (i % 61);
        s->early = i % 100;
        if (i % 13 == 0)
            snprintf(line, sizeof line, "\"c,%u\",%lld,%s,%llu,%llu\n", i * 2654435761u,
                     (long long)s->score, fk_names[s->stage], (unsigned long long)s->events,
                     (unsigned long long)s->early);
        else
            snprintf(line, sizeof line, "%s,%lld,%s,%llu,%llu\n", id, (long long)s->score,
                     fk_names[s->stage], (unsigned long long)s->events,
                     (unsigned long long)s->early);
        assert_true(strlen(line) < wcap - wn);
        memcpy(want + wn, line, strlen(line) + 1);
        wn += strlen(line);
    }
    assert_int_equal(rt_write_scores(fp, err, "expc", &t, &e, RT_FORMAT_CSV), 0);
    got = slurp(fp);
    assert_string_equal(got, want);
    free(got);
    free(want);
    fclose(fp);
    fclose(err);
    rt_table_free(&t);
}

/* rt_main writes to the real stdout and stderr: point them at files. */
static result main_run(int argc, char **argv)
{
    rt_engine e = fk_engine();
    FILE *out = tmpfile(), *err = tmpfile();
    int save_out, save_err;
    result r;
    assert_true(out && err);
    fflush(stdout);
    fflush(stderr);
    save_out = dup(1);
    save_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    r.rc = rt_main(argc, argv, &e);
    fflush(stdout);
    fflush(stderr);
    dup2(save_out, 1);
    dup2(save_err, 2);
    close(save_out);
    close(save_err);
    r.out = slurp(out);
    r.err = slurp(err);
    fclose(out);
    fclose(err);
    return r;
}

static void test_main(void **st)
{
    const char *p = put("in.csv", hotel);
    char *a1[] = {"score", "--format=json", "--strict", (char *)p, NULL};
    char *a2[] = {"score", "--bogus", NULL};
    char *a3[] = {"score", (char *)p, "-", NULL};
    char *a4[] = {"score", "--format=yaml", (char *)p, NULL};
    char *a5[] = {"./score", "--help", NULL};
    char *a6[] = {"score", "--skip-invalid", "--format", "csv", "--", (char *)p, NULL};
    char *a7[] = {"score", (char *)p, "--format", NULL};
    char *a8[] = {"score", "--format=", NULL};
    char *a9[] = {"score", "--strict=yes", NULL};
    char *a10[] = {"score", "--input=yaml", NULL};
    char *a11[] = {"score", "--summary", "--format", "json", "--", "-x", NULL};
    result r;
    (void)st;
    r = main_run(4, a1);
    assert_int_equal(r.rc, 65);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err,
                        fmt("score: %s:8: event \"unknown_evt\" is not declared by the experience\n",
                            p));
    result_free(&r);
    r = main_run(2, a2);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "score: unknown option `--bogus`\nTry `score --help`.\n");
    result_free(&r);
    r = main_run(3, a3);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "score: this program takes one event file, not also `-`\n"
                               "Try `score --help`.\n");
    result_free(&r);
    r = main_run(3, a4);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "score: --format is csv or json, not `yaml`\nTry `score --help`.\n");
    result_free(&r);
    r = main_run(2, a5);
    assert_int_equal(r.rc, 0);
    {
        const char *u = "usage: ./score [--format=csv|json] [--input=csv|ndjson] [--strict] "
                        "[--skip-invalid] [--summary] [--customer=COL] [--event=COL] "
                        "[--time=COL] [--memory=SIZE] [--threads=N] [FILE|-]\n";
        assert_true(strncmp(r.out, u, strlen(u)) == 0);
    }
    assert_string_equal(r.err, "");
    result_free(&r);
    r = main_run(6, a6);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "customer,score,stage,events,early\n"
                               "alice,27,ENGAGED,4,0\n"
                               "bob,-12,STAY,2,1\n");
    result_free(&r);
    r = main_run(3, a7);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "score: option --format needs a value\nTry `score --help`.\n");
    result_free(&r);
    r = main_run(2, a8);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "score: --format is csv or json, not ``\nTry `score --help`.\n");
    result_free(&r);
    r = main_run(2, a9);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "score: unknown option `--strict=yes`\nTry `score --help`.\n");
    result_free(&r);
    r = main_run(2, a10);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "score: --input is csv or ndjson, not `yaml`\nTry `score --help`.\n");
    result_free(&r);
    r = main_run(6, a11); /* after --, "-x" is a file name */
    assert_int_equal(r.rc, 66);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "score: -x: No such file or directory\n");
    result_free(&r);
}

/* The option table's generic parts (opts.c), as expc's own tables use them:
 * a one-letter option's attached value, three words in a message, a row's
 * own message for a missing value, and --help lines from a table. */
typedef struct opt_dst {
    bool flag;
    int word;
    const char *dir;
} opt_dst;

static const char *opt_set_word(void *dst, const char *v, int k)
{
    (void)v;
    ((opt_dst *)dst)->word = k;
    return NULL;
}

static const char *opt_set_dir(void *dst, const char *v, int k)
{
    (void)k;
    if (!strcmp(v, "bad"))
        return "no folder `%s`";
    ((opt_dst *)dst)->dir = v;
    return NULL;
}

static const rt_optdef opt_test_defs[] = {
    { "-D", "DIR", "-D needs a folder", 1, "a folder", opt_set_dir, 0 },
    { "--flag", NULL, NULL, 1, "a flag", NULL, offsetof(opt_dst, flag) },
    { "--pick", "one|two|three", NULL, 1, NULL, opt_set_word, 0 },
    { "--other", NULL, NULL, 2, "not for 1", NULL, offsetof(opt_dst, flag) },
    { NULL, NULL, NULL, 0, NULL, NULL, 0 },
};

/* Parses argv[1] (and on) with opt_test_defs; the exit code, stderr in *err. */
static int opt_parse_one(int argc, char **argv, opt_dst *d, char **err)
{
    FILE *f = tmpfile();
    int save = dup(2), rc;
    rt_args av = { 0 };
    av.argc = argc;
    av.argv = argv;
    av.i = 1;
    av.prog = "prog";
    assert_true(f != NULL);
    fflush(stderr);
    dup2(fileno(f), 2);
    rc = rt_opt_parse(opt_test_defs, 1, d, &av);
    fflush(stderr);
    dup2(save, 2);
    close(save);
    *err = slurp(f);
    fclose(f);
    return rc;
}

static void test_options(void **st)
{
    char *a1[] = {"p", "-Dsrc", NULL};
    char *a2[] = {"p", "-D", NULL};
    char *a3[] = {"p", "--pick=four", NULL};
    char *a4[] = {"p", "--pick", "three", NULL};
    char *a5[] = {"p", "--flag", NULL};
    char *a6[] = {"p", "--other", NULL};
    char *a7[] = {"p", "-D", "bad", NULL};
    opt_dst d = { false, -1, NULL };
    char *err, *help;
    size_t help_len;
    FILE *f;
    (void)st;
    assert_int_equal(opt_parse_one(2, a1, &d, &err), RT_EXIT_OK);
    assert_string_equal(d.dir, "src");
    free(err);
    assert_int_equal(opt_parse_one(2, a2, &d, &err), RT_EXIT_USAGE);
    assert_string_equal(err, "prog: -D needs a folder\nTry `prog --help`.\n");
    free(err);
    assert_int_equal(opt_parse_one(2, a3, &d, &err), RT_EXIT_USAGE);
    assert_string_equal(err, "prog: --pick is one, two or three, not `four`\nTry `prog --help`.\n");
    free(err);
    assert_int_equal(opt_parse_one(3, a4, &d, &err), RT_EXIT_OK);
    assert_int_equal(d.word, 2);
    free(err);
    assert_int_equal(opt_parse_one(2, a5, &d, &err), RT_EXIT_OK);
    assert_true(d.flag);
    free(err);
    assert_int_equal(opt_parse_one(2, a6, &d, &err), RT_OPT_UNKNOWN);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(opt_parse_one(3, a7, &d, &err), RT_EXIT_USAGE);
    assert_string_equal(err, "prog: no folder `bad`\nTry `prog --help`.\n");
    free(err);
    f = open_memstream(&help, &help_len);
    assert_true(f != NULL);
    rt_opt_synopsis(f, opt_test_defs, 1);
    rt_opt_help(f, opt_test_defs, 1, 6);
    fclose(f);
    assert_string_equal(help, "[-D DIR] [--flag] [--pick=one|two|three] "
                              "  -D DIR a folder\n"
                              "  --flag a flag\n");
    free(help);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_csv),
        cmocka_unit_test(test_scores_json),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_csv_quoting_of_ids),
        cmocka_unit_test(test_json_escaping_of_ids),
        cmocka_unit_test(test_scoring_rules),
        cmocka_unit_test(test_scoring_rules_interp),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_src_cut),
        cmocka_unit_test(test_long_customer_id),
        cmocka_unit_test(test_invalid_data),
        cmocka_unit_test(test_skip_invalid),
        cmocka_unit_test(test_undeclared_events),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_long_event_name_in_message),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_ndjson_selection),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_table_many),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_write_scores_many),
        cmocka_unit_test(test_main),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
