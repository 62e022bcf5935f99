/* test_llvm.c - the LLVM backends and the ORC JIT against docs/language.md §6.
 *
 * The machines are built by hand (no front end needed), so these tests pin
 * the code generator alone: the module verifies at every level; the JIT
 * scores long random event streams exactly like the plain C reference of
 * docs/language.md §6 below (including 64-bit wraparound and notes completed several at
 * once); P_event_id tells apart prefixes and equal-length names without
 * reading past `len`; the .ll is accepted by llvm-as-14; the .o links with a
 * C driver written against the header of docs/language.md §8 and agrees with the
 * reference; failed writes leave nothing behind.  `test_llvm --bench` (make
 * bench) prints a rough throughput figure for P_step_batch instead. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#if EXPC_LLVM
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "expc/arena.h"
#include "expc/emit.h"
#include "expc/emit_llvm.h"
#include "expc/ir.h"
#include "expc/jit.h"
#include "expc/rt.h"

/* ---- machines -------------------------------------------------------- */

#define EV(n, j, w) {n, sizeof n - 1, j, w, NULL, -1, NULL, 0, 0, 0, 0, 0, 0} /* ir_decide_rules sets the 0 */

/* The grand hotel of docs/language.md plus events chosen to be awkward for
 * P_event_id (prefixes, equal lengths, 1, 8, 16 and 26 bytes) and for the
 * scoring (negative, zero). */
static ir_event hotel_events[] = {
    EV("fast_checkin", 0, 8),
    EV("greeted", 0, 6),
    EV("review_left", 1, 8),
    EV("spa_booked", 2, 5),
    EV("complaint", 0, -10),
    EV("neutral", 1, 0),          /* 0 points, same length as "greeted" */
    EV("bad_spa", 2, -3),
    EV("greetex", 0, 1),          /* differs from "greeted" in its last byte */
    EV("review", 1, 2),           /* a prefix of "review_left" */
    EV("a", 2, 1),
    EV("a_rather_long_event_name_", 2, 4),
    EV("abcdefghijklmnop", 1, 1),
    EV("abcdefghijklmnoq", 1, 3),
    EV("eightchr", 1, 4),
};

static ir_machine hotel = {
    .name = "grand_hotel",
    .industry = "hospitality",
    .script = "grand_hotel.exp",
    .n_notes = 3,
    .notes = {{1, "STAY", 12, NULL, 0, {NULL, NULL, NULL}},
              {0, "SAY", 8, NULL, 0, {NULL, NULL, NULL}},
              {2, "SPEND", 5, NULL, 0, {NULL, NULL, NULL}}},
    .penalty_early = 2,
    .n_events = sizeof hotel_events / sizeof hotel_events[0],
    .events = hotel_events,
};

/* Extremes: points and penalty at the ends of int64 (the sums wrap), and
 * thresholds of 0 and below, so one event completes several notes. */
static ir_event wild_events[] = {
    EV("max", 0, INT64_MAX),
    EV("min", 1, INT64_MIN),
    EV("one", 2, 1),
    EV("minus", 2, -1),
    EV("zero", 1, 0),
};

static ir_machine wild = {
    .name = "wild",
    .script = "/some/absolute/folder/wild.exp",
    .n_notes = 3,
    .notes = {{2, "SPEND", 0, NULL, 0, {NULL, NULL, NULL}},
              {0, "SAY", -5, NULL, 0, {NULL, NULL, NULL}},
              {1, "STAY", INT64_MAX, NULL, 0, {NULL, NULL, NULL}}},
    .penalty_early = INT64_MAX,
    .n_events = sizeof wild_events / sizeof wild_events[0],
    .events = wild_events,
};

/* ---- the reference: docs/language.md §6, read literally ---------------------------- */

static int64_t wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static void ref_init(rt_state *s)
{
    memset(s, 0, sizeof *s);
}

/* Returns what the event did: IR_COUNTED or IR_EARLY. */
static int ref_step(const ir_machine *m, rt_state *s, int32_t id)
{
    int32_t j = m->events[id].note;
    int64_t w = m->events[id].points;
    int fx = IR_COUNTED;
    s->events += 1;
    if (w < 0) {
        s->score = wrap_add(s->score, w);
        s->points[j] = wrap_add(s->points[j], w);
    } else if (j <= s->stage) {
        s->score = wrap_add(s->score, w);
        s->points[j] = wrap_add(s->points[j], w);
    } else {
        s->score = (int64_t)((uint64_t)s->score - (uint64_t)m->penalty_early);
        s->early += 1;
        fx = IR_EARLY;
    }
    while (s->stage < m->n_notes && s->points[s->stage] >= m->notes[s->stage].threshold)
        s->stage += 1;
    return fx;
}

static void assert_state_equal(const rt_state *a, const rt_state *b)
{
    assert_int_equal(a->stage, b->stage);
    assert_int_equal(a->score, b->score);
    for (int k = 0; k < RT_NOTES; k++)
        assert_int_equal(a->points[k], b->points[k]);
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->early, b->early);
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- helpers --------------------------------------------------------- */

static jit *must_jit(const ir_machine *m, int opt, bool tally)
{
    char *err = NULL;
    jit *j = jit_new(m, opt, tally, &err);
    if (!j)
        fail_msg("jit_new: %s", err ? err : "(no message)");
    assert_null(err);
    return j;
}

static char tmpdir[64];

static int setup_dir(void **st)
{
    (void)st;
    strcpy(tmpdir, "/tmp/expc_test_llvm.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_all(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    int rc = system(cmd);
    llvm_shutdown();
    return rc == 0 ? 0 : -1;
}

static char *path_in(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t r;
    while ((r = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2)
            s = realloc(s, cap *= 2);
    }
    fclose(f);
    s[n] = 0;
    if (len)
        *len = n;
    return s;
}

/* Files in tmpdir whose names start with '.': leftover temporaries. */
static int hidden_files(void)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static int emit(const emit_backend *be, const ir_machine *m, const char *out,
                const char *prefix, int opt)
{
    arena *a = arena_new();
    emit_opts o = {.out = out, .prefix = prefix, .opt_level = opt};
    int rc = be->emit(a, m, &o);
    arena_free(a);
    return rc;
}

/* ---- tests ----------------------------------------------------------- */

static void test_module_verifies(void **st)
{
    (void)st;
    char *err = NULL;
    for (int opt = 0; opt <= 3; opt++) {
        assert_int_equal(llvm_check_machine(&hotel, "exp_grand_hotel", opt, &err), 0);
        assert_int_equal(llvm_check_machine(&wild, NULL, opt, &err), 0);
    }
    assert_null(err);
}

static void test_bad_machines_are_errors(void **st)
{
    (void)st;
    char *err = NULL;
    ir_machine bad = hotel;
    ir_event evs[1] = {EV("x", 3, 1)};  /* note 3 of 3 */
    bad.events = evs;
    bad.n_events = 1;
    assert_int_equal(llvm_check_machine(&bad, NULL, 2, &err), 70);
    assert_non_null(err);
    assert_non_null(strstr(err, "not on the path"));
    free(err);
    err = NULL;
    assert_null(jit_new(&bad, 2, false, &err));
    assert_non_null(err);
    free(err);
    err = NULL;
    assert_int_equal(llvm_check_machine(&hotel, "not an identifier", 2, &err), 70);
    assert_non_null(err);
    free(err);
}

/* Random customers and events through the JIT's step_batch, compared with
 * the reference after every batch.  A JIT made with a tally (--report's)
 * has P_step_batch_tally instead: every other batch goes through
 * step_batch_tally, whose counts must be what the reference says each
 * event did, ids out of range counted nowhere; the others through
 * step_batch, over the same code. */
static void run_random(const ir_machine *m, int opt, int rounds, bool with_tally)
{
    jit *j = must_jit(m, opt, with_tally);
    rt_engine e = jit_engine(j);
    assert_int_equal(e.n_notes, 3);
    enum { CUST = 37, MAXB = 300 };
    rt_state got[CUST], want[CUST];
    for (int c = 0; c < CUST; c++) {
        memset(&got[c], 0xAB, sizeof got[c]);  /* init must set every field */
        e.init(e.ctx, &got[c]);
        ref_init(&want[c]);
        assert_state_equal(&got[c], &want[c]);
    }
    uint32_t cust[MAXB];
    int32_t ids[MAXB];
    uint64_t *tally = calloc(4 * m->n_events, sizeof *tally);
    uint64_t *tally_want = calloc(4 * m->n_events, sizeof *tally_want);
    assert_true((e.step_batch_tally != NULL) == with_tally);
    for (int r = 0; r < rounds; r++) {
        size_t n = rnd() % MAXB;  /* 0 included */
        bool tallied = with_tally && r % 2;
        /* Some batches hammer a single customer: long runs, many stages. */
        uint32_t only = rnd() % 4 == 0 ? (uint32_t)(rnd() % CUST) : UINT32_MAX;
        for (size_t i = 0; i < n; i++) {
            cust[i] = only != UINT32_MAX ? only : (uint32_t)(rnd() % CUST);
            ids[i] = (int32_t)(rnd() % m->n_events);
            if (tallied && rnd() % 16 == 0) {
                ids[i] = rnd() % 2 ? -1 : (int32_t)m->n_events;
                continue;
            }
            int fx = ref_step(m, &want[cust[i]], ids[i]);
            if (tallied)
                tally_want[4 * (size_t)ids[i] + (size_t)fx]++;
        }
        if (tallied)
            e.step_batch_tally(e.ctx, got, cust, ids, NULL, n, tally);
        else
            e.step_batch(e.ctx, got, cust, ids, NULL, n);
        assert_memory_equal(tally, tally_want, 4 * m->n_events * sizeof *tally);
        for (int c = 0; c < CUST; c++)
            assert_state_equal(&got[c], &want[c]);
        /* Fresh customers now and then, so early stages keep being hit. */
        if (rnd() % 8 == 0) {
            int c = (int)(rnd() % CUST);
            e.init(e.ctx, &got[c]);
            ref_init(&want[c]);
        }
    }
    free(tally);
    free(tally_want);
    jit_free(j);
}

static void test_jit_matches_reference(void **st)
{
    (void)st;
    for (int opt = 0; opt <= 3; opt++) {
        for (int tally = 0; tally <= 1; tally++) {
            run_random(&hotel, opt, 400, tally);
            run_random(&wild, opt, 200, tally);
        }
    }
}

/* A hand-checked sequence, so a bug shared by reference and JIT still shows. */
static void test_jit_known_sequence(void **st)
{
    (void)st;
    jit *j = must_jit(&hotel, 2, false);
    rt_engine e = jit_engine(j);
    rt_state s;
    e.init(e.ctx, &s);
    /* spa_booked early (-2), fast_checkin 8, greeted 6 -> STAY done (14),
     * review_left 8 -> SAY done, complaint -10 on STAY, spa_booked 5 ->
     * engaged, then greeted still scores. */
    int32_t ids[] = {3, 0, 1, 2, 4, 3, 1};
    uint32_t cust[7] = {0};
    e.step_batch(e.ctx, &s, cust, ids, NULL, 7);
    assert_int_equal(s.stage, 3);
    assert_int_equal(s.score, -2 + 8 + 6 + 8 - 10 + 5 + 6);
    assert_int_equal(s.points[0], 8 + 6 - 10 + 6);
    assert_int_equal(s.points[1], 8);
    assert_int_equal(s.points[2], 5);
    assert_int_equal(s.events, 7);
    assert_int_equal(s.early, 1);

    /* Ids outside [0, P_event_count) are ignored, not counted. */
    rt_state before = s;
    int32_t bad[3] = {-1, (int32_t)hotel.n_events, INT32_MIN};
    e.step_batch(e.ctx, &s, cust, bad, NULL, 3);
    assert_state_equal(&s, &before);

    /* wild: thresholds 0 and -5 fall on the first event of any kind. */
    jit_free(j);
    j = must_jit(&wild, 0, false);
    e = jit_engine(j);
    e.init(e.ctx, &s);
    int32_t one[1] = {4};  /* "zero": 0 points on SAY, early */
    e.step_batch(e.ctx, &s, cust, one, NULL, 1);
    assert_int_equal(s.stage, 2);
    assert_int_equal(s.score, -INT64_MAX);
    assert_int_equal(s.early, 1);
    jit_free(j);
}

static void test_event_id(void **st)
{
    (void)st;
    jit *j = must_jit(&hotel, 2, false);
    rt_engine e = jit_engine(j);
    /* Every name, from an exact-size buffer with no NUL after it: valgrind
     * or ASan catch any read past len. */
    for (size_t i = 0; i < hotel.n_events; i++) {
        size_t len = hotel.events[i].len;
        char *p = malloc(len);
        memcpy(p, hotel.events[i].name, len);
        assert_int_equal(e.event_id(e.ctx, p, len), (int32_t)i);
        free(p);
    }
    static const char *const unknown[] = {
        "", "g", "greete", "greetedx", "greetez", "Greeted", "review_lef",
        "review_lefT", "reviews", "b", "A", "abcdefghijklmno", "abcdefghijklmnopq",
        "abcdefghijklmnoo", "bbcdefghijklmnop", "a_rather_long_event_name_x",
        "a_rather_long_event_name", "b_rather_long_event_name_", "eightchx", "xightchr",
        "complaint\n", "spa booked",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        size_t len = strlen(unknown[i]);
        char *p = malloc(len ? len : 1);
        memcpy(p, unknown[i], len);
        assert_int_equal(e.event_id(e.ctx, p, len), -1);
        free(p);
    }
    /* The length decides, not a NUL: a known name followed by more bytes. */
    assert_int_equal(e.event_id(e.ctx, "greeted_and_more", 7), 1);
    assert_int_equal(e.event_id(e.ctx, "greeted\0", 8), -1);
    assert_int_equal(e.event_id(e.ctx, NULL, 0), -1);
    jit_free(j);
}

static void test_stage_names(void **st)
{
    (void)st;
    for (int opt = 0; opt <= 3; opt += 3) {
        jit *j = must_jit(&hotel, opt, false);
        rt_engine e = jit_engine(j);
        assert_string_equal(e.stage_name(e.ctx, 0), "STAY");
        assert_string_equal(e.stage_name(e.ctx, 1), "SAY");
        assert_string_equal(e.stage_name(e.ctx, 2), "SPEND");
        assert_string_equal(e.stage_name(e.ctx, 3), "ENGAGED");
        assert_string_equal(e.stage_name(e.ctx, 4), "?");
        assert_string_equal(e.stage_name(e.ctx, -1), "?");
        assert_string_equal(e.stage_name(e.ctx, INT32_MIN), "?");
        assert_string_equal(e.stage_name(e.ctx, INT32_MAX), "?");
        jit_free(j);
    }
}

static void test_emit_ll(void **st)
{
    (void)st;
    const char *out = path_in("hotel.ll");
    for (int opt = 0; opt <= 3; opt++) {
        assert_int_equal(emit(&llvm_ir_backend, &hotel, out, "exp_grand_hotel", opt), 0);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "llvm-as-14 '%s' -o /dev/null", out);
        assert_int_equal(system(cmd), 0);
    }
    char *text = slurp(out, NULL);
    assert_non_null(text);
    for (const char *want = "exp_grand_hotel_init\0exp_grand_hotel_event_id\0"
                            "exp_grand_hotel_step\0exp_grand_hotel_step_batch\0"
                            "exp_grand_hotel_stage_name\0exp_grand_hotel_event_count\0";
         *want; want += strlen(want) + 1)
        assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "source_filename = \"grand_hotel.exp\""));
    free(text);

    /* A folder in the script's name never reaches the output. */
    out = path_in("wild.ll");
    assert_int_equal(emit(&llvm_ir_backend, &wild, out, NULL, 2), 0);
    text = slurp(out, NULL);
    assert_non_null(strstr(text, "source_filename = \"wild.exp\""));
    assert_null(strstr(text, "/some/absolute"));
    assert_non_null(strstr(text, "exp_wild_step_batch"));
    free(text);
    assert_int_equal(hidden_files(), 0);
}

static void test_emit_bc(void **st)
{
    (void)st;
    const char *out = path_in("hotel.bc");
    assert_int_equal(emit(&llvm_bc_backend, &hotel, out, "exp_grand_hotel", 2), 0);
    size_t len;
    char *bc = slurp(out, &len);
    assert_non_null(bc);
    assert_true(len > 4);
    assert_memory_equal(bc, "BC\xC0\xDE", 4);
    free(bc);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "llvm-dis-14 '%s' -o /dev/null", out);
    assert_int_equal(system(cmd), 0);
}

/* The header of docs/language.md §8 for prefix tst, and a driver that uses every name. */
static const char driver_src[] =
    "#include <stddef.h>\n"
    "#include <stdint.h>\n"
    "#include <stdio.h>\n"
    "#include <string.h>\n"
    "#define TST_NOTES 3\n"
    "typedef struct tst_state {\n"
    "    int32_t stage; int64_t score; int64_t points[TST_NOTES];\n"
    "    uint64_t events; uint64_t early;\n"
    "} tst_state;\n"
    "void tst_init(tst_state *s);\n"
    "int32_t tst_event_id(const char *name, size_t len);\n"
    "void tst_step(tst_state *s, int32_t event_id, int64_t t);\n"
    "void tst_step_batch(tst_state *states, const uint32_t *customer,\n"
    "                    const int32_t *event_id, const int64_t *t, size_t n);\n"
    "const char *tst_stage_name(int32_t stage);\n"
    "extern const int32_t tst_event_count;\n"
    "enum { C = 5, N = 4000 };\n"
    "int main(void)\n"
    "{\n"
    "    static tst_state s[C];\n"
    "    static uint32_t cust[N];\n"
    "    static int32_t ids[N];\n"
    "    size_t n = 0;\n"
    "    unsigned c;\n"
    "    char name[64];\n"
    "    /* lines: customer event-name; customers 0-2 go one by one through\n"
    "     * tst_step, the others in one batch */\n"
    "    for (int i = 0; i < C; i++) tst_init(&s[i]);\n"
    "    while (n < N && scanf(\"%u %63s\", &c, name) == 2) {\n"
    "        int32_t id = tst_event_id(name, strlen(name));\n"
    "        if (id < 0 || id >= tst_event_count) return 3;\n"
    "        if (c < 3) tst_step(&s[c], id, 0);\n"
    "        else { cust[n] = c; ids[n] = id; n++; }\n"
    "    }\n"
    "    tst_step_batch(s, cust, ids, NULL, n);\n"
    "    printf(\"count %d unknown %d\\n\", (int)tst_event_count,\n"
    "           (int)tst_event_id(\"review_lef\", 10));\n"
    "    for (int i = 0; i < C; i++)\n"
    "        printf(\"%d %s %lld %lld %lld %lld %llu %llu\\n\", i,\n"
    "               tst_stage_name(s[i].stage), (long long)s[i].score,\n"
    "               (long long)s[i].points[0], (long long)s[i].points[1],\n"
    "               (long long)s[i].points[2], (unsigned long long)s[i].events,\n"
    "               (unsigned long long)s[i].early);\n"
    "    printf(\"%s %s\\n\", tst_stage_name(3), tst_stage_name(-1));\n"
    "    return 0;\n"
    "}\n";

static void test_emit_obj_links(void **st)
{
    (void)st;
    const ir_machine *m = &hotel;
    enum { C = 5, N = 4000 };
    const char *obj = path_in("hotel.o");
    assert_int_equal(emit(&llvm_obj_backend, m, obj, "tst", 3), 0);

    /* Input events and the expected output, from the reference. */
    rt_state want[C];
    for (int i = 0; i < C; i++)
        ref_init(&want[i]);
    FILE *f = fopen(path_in("events.txt"), "w");
    assert_non_null(f);
    for (int i = 0; i < N; i++) {
        unsigned c = (unsigned)(rnd() % C);
        int32_t id = (int32_t)(rnd() % m->n_events);
        fprintf(f, "%u %s\n", c, m->events[id].name);
        ref_step(m, &want[c], id);
    }
    fclose(f);
    char expect[2048];
    size_t n = (size_t)snprintf(expect, sizeof expect, "count %d unknown -1\n",
                                (int)m->n_events);
    for (int i = 0; i < C; i++)
        n += (size_t)snprintf(expect + n, sizeof expect - n,
                              "%d %s %lld %lld %lld %lld %llu %llu\n", i,
                              want[i].stage < 3 ? m->notes[want[i].stage].name : "ENGAGED",
                              (long long)want[i].score, (long long)want[i].points[0],
                              (long long)want[i].points[1], (long long)want[i].points[2],
                              (unsigned long long)want[i].events,
                              (unsigned long long)want[i].early);
    snprintf(expect + n, sizeof expect - n, "ENGAGED ?\n");

    f = fopen(path_in("driver.c"), "w");
    assert_non_null(f);
    fputs(driver_src, f);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -pedantic -Werror -o '%s/driver' '%s/driver.c' '%s' && "
             "'%s/driver' < '%s/events.txt' > '%s/driver.out'",
             tmpdir, tmpdir, obj, tmpdir, tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    char *got = slurp(path_in("driver.out"), NULL);
    assert_non_null(got);
    assert_string_equal(got, expect);
    free(got);

    /* The object defines exactly the seven names of docs/language.md §8 (ABI 2), nothing else. */
    snprintf(cmd, sizeof cmd,
             "nm -g --defined-only '%s' | awk '{print $3}' | sort | tr '\\n' ' ' > '%s/nm.out'",
             obj, tmpdir);
    assert_int_equal(system(cmd), 0);
    got = slurp(path_in("nm.out"), NULL);
    assert_string_equal(got, "tst_cap_slot tst_event_count tst_event_id tst_init tst_stage_name "
                             "tst_step tst_step_batch ");
    free(got);
    assert_int_equal(hidden_files(), 0);
}

static void test_write_failure_is_74(void **st)
{
    (void)st;
    const emit_backend *bes[] = {&llvm_ir_backend, &llvm_bc_backend, &llvm_obj_backend};
    for (int i = 0; i < 3; i++) {
        assert_true(bes[i]->needs_llvm);
        assert_int_equal(emit(bes[i], &hotel, path_in("no/such/dir/out"), NULL, 2), 74);
    }
    /* A write that fails half-way (file size limit): 74, and neither the
     * output nor its temporary remains.  In a child, as limits stick. */
    const char *out = path_in("too_big.ll");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {100, 100};
        setrlimit(RLIMIT_FSIZE, &rl);
        _exit(emit(&llvm_ir_backend, &hotel, out, NULL, 2));
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 74);
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(hidden_files(), 0);
    assert_string_equal(llvm_ir_backend.kind, "llvm-ir");
    assert_string_equal(llvm_ir_backend.ext, ".ll");
    assert_string_equal(llvm_bc_backend.kind, "llvm-bc");
    assert_string_equal(llvm_bc_backend.ext, ".bc");
    assert_string_equal(llvm_obj_backend.kind, "obj");
    assert_string_equal(llvm_obj_backend.ext, ".o");
}

/* CPU time, not wall time: builds running beside the tests would
 * otherwise decide the figure. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Throughput of P_step_batch on pre-decoded ids: printed, not asserted
 * (sanitizers and valgrind make any bound meaningless).  A benchmark, not a
 * test: only `test_llvm --bench` (make bench) runs it. */
static void bench_throughput(void **st)
{
    (void)st;
    jit *j = must_jit(&hotel, 2, false);
    rt_engine e = jit_engine(j);
    enum { N = 1 << 22, CUSTS = 10000, BATCH = 4096 };
    uint32_t *cust = malloc(N * sizeof *cust);
    int32_t *ids = malloc(N * sizeof *ids);
    rt_state *s = malloc(CUSTS * sizeof *s);
    for (size_t i = 0; i < N; i++) {
        cust[i] = (uint32_t)(rnd() % CUSTS);
        ids[i] = (int32_t)(rnd() % hotel.n_events);
    }
    for (int c = 0; c < CUSTS; c++)
        e.init(e.ctx, &s[c]);
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        for (size_t i = 0; i < N; i += BATCH)
            e.step_batch(e.ctx, s, cust + i, ids + i, NULL, BATCH);
        double rate = N / (now() - t0);
        if (rate > best)
            best = rate;
    }
    print_message("[ info     ] P_step_batch: %.0fM events/s of CPU time (%d customers, "
                  "batches of %d)\n",
                  best / 1e6, CUSTS, BATCH);
    assert_true(s[0].events > 0);
    free(cust);
    free(ids);
    free(s);
    jit_free(j);
}

int main(int argc, char **argv)
{
    ir_decide_rules(&hotel);
    ir_decide_rules(&wild);
    if (argc == 2 && strcmp(argv[1], "--bench") == 0) {
        const struct CMUnitTest bench[] = {
            cmocka_unit_test(bench_throughput),
        };
        return cmocka_run_group_tests(bench, setup_dir, teardown_all);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_verifies),
        cmocka_unit_test(test_bad_machines_are_errors),
        cmocka_unit_test(test_jit_matches_reference),
        cmocka_unit_test(test_jit_known_sequence),
        cmocka_unit_test(test_event_id),
        cmocka_unit_test(test_stage_names),
        cmocka_unit_test(test_emit_ll),
        cmocka_unit_test(test_emit_bc),
        cmocka_unit_test(test_emit_obj_links),
        cmocka_unit_test(test_write_failure_is_74),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_all);
}

#else /* !EXPC_LLVM */

static void test_llvm_not_built(void **st)
{
    (void)st;
    skip(); /* built without LLVM: no LLVM backend to test (tests/run.sh counts it) */
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llvm_not_built),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
