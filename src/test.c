/* test.c - `expc test`: runs the `test` blocks of scripts (docs/language.md,
 * "Tests").
 *
 * A test is one fresh customer: its events, in the written order, go
 * through the chosen engine (the run's own machine, as `expc run` would
 * score them) and, beside it, through interp_step on a shadow state, whose
 * answer (ir_effect) is the one place that says what an event did: it
 * gives the trace of a failure and the coverage.  The engine's state must
 * equal the shadow after every event; when it does not, that is an engine
 * bug and the command stops with 70.
 *
 * Each `expect` compares one field of the final state.  Text and JSON
 * results are printed as each test ends; the JUnit document is one
 * document, written at the end.  Coverage is kept per experience (its file
 * and name), over every test run, failed ones too: an event is covered when
 * it counted in some test, a note when some test's customer moved past it. */
#include "expc/test.h"

#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "expc/exitcode.h"
#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/lower.h"
#include "expc/sema.h"
#include "expc/trace.h"

/* ---- options ------------------------------------------------------------ */

static const char *set_run(void *dst, const char *v, int k)
{
    (void)k;
    ((test_opts *)dst)->run = v;
    return NULL;
}

static const char *set_format(void *dst, const char *v, int k)
{
    static const test_format formats[] = { TEST_TEXT, TEST_JSON, TEST_JUNIT };
    (void)v;
    ((test_opts *)dst)->format = formats[k];
    return NULL;
}

static const char *set_threshold(void *dst, const char *v, int k)
{
    char *end;
    long n = strtol(v, &end, 10);
    (void)k;
    if (!*v || *end || n < 0 || n > 100)
        return "--threshold is a percentage from 0 to 100, not `%s`";
    ((test_opts *)dst)->threshold = (int)n;
    ((test_opts *)dst)->coverage = true;
    return NULL;
}

const rt_optdef test_options[] = {
    { "--run", "REGEX", NULL, TEST_OPT,
      "only the tests whose name matches REGEX (POSIX extended, as grep -E)",
      set_run, 0 },
    { "--format", "text|json|junit", NULL, TEST_OPT,
      "results as text (default), JSON lines or one JUnit XML document", set_format, 0 },
    { "--coverage", NULL, NULL, TEST_OPT, "events and notes the tests cover, per experience",
      NULL, offsetof(test_opts, coverage) },
    { "--threshold", "PCT", NULL, TEST_OPT,
      "exit 1 when an experience's coverage is below PCT (implies --coverage)", set_threshold, 0 },
    { NULL, NULL, NULL, 0, NULL, NULL, 0 },
};

void test_opts_init(test_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = TEST_TEXT;
    o->threshold = -1;
}

/* ---- the session ---------------------------------------------------------- */

/* What the tests of one experience covered. */
typedef struct cover {
    struct cover *next;
    const char *key;          /* its file's real path, a newline, its name */
    const char *name;
    size_t n_events;
    const char **events;
    bool *ev;
    int32_t n_notes;
    const char *notes[IR_NOTES];
    bool note[IR_NOTES];
} cover;

struct test_session {
    test_opts o;
    regex_t re;
    bool has_re;
    const engine *en;
    int opt;
    size_t passed, failed;
    arena *a;                 /* what outlives a script: coverage, names */
    cover *covers, **covers_tail;
    char *junit;              /* the testsuite elements written so far */
    size_t junit_len;
    FILE *junit_f;
};

int test_begin(const test_opts *o, const engine *en, int opt, test_session **out)
{
    test_session *ts = xmalloc(sizeof *ts);
    memset(ts, 0, sizeof *ts);
    ts->o = *o;
    ts->en = en;
    ts->opt = opt;
    if (o->run) {
        int err = regcomp(&ts->re, o->run, REG_EXTENDED | REG_NOSUB);
        if (err) {
            char why[256];
            regerror(err, &ts->re, why, sizeof why);
            fprintf(stderr, "expc: --run `%s` is not a regular expression: %s\n", o->run, why);
            free(ts);
            return RT_EXIT_USAGE;
        }
        ts->has_re = true;
    }
    ts->a = arena_new();
    ts->covers_tail = &ts->covers;
    if (o->format == TEST_JUNIT)
        ts->junit_f = open_memstream(&ts->junit, &ts->junit_len);
    *out = ts;
    return RT_EXIT_OK;
}

/* The coverage record of experience `e` (lowered as `m`), made on its first
 * test. */
static cover *cover_of(test_session *ts, const ast_item *e, const ir_machine *m)
{
    const char *key = arena_printf(ts->a, "%s\n%s", e->sp.file->real, m->name);
    cover *c;
    for (c = ts->covers; c; c = c->next)
        if (!strcmp(c->key, key))
            return c;
    c = arena_alloc(ts->a, sizeof *c);
    c->key = key;
    c->name = arena_strndup(ts->a, m->name, strlen(m->name));
    c->n_events = m->n_events;
    c->events = arena_alloc(ts->a, (m->n_events + 1) * sizeof *c->events);
    c->ev = arena_alloc(ts->a, m->n_events + 1);
    for (size_t i = 0; i < m->n_events; i++)
        c->events[i] = arena_strndup(ts->a, m->events[i].name, m->events[i].len);
    c->n_notes = m->n_notes;
    for (int32_t k = 0; k < m->n_notes; k++)
        c->notes[k] = m->notes[k].name;  /* static: "SAY", "STAY", "SPEND" */
    *ts->covers_tail = c;
    ts->covers_tail = &c->next;
    return c;
}

/* ---- one script ----------------------------------------------------------- */

/* An experience of the script under test, lowered and opened once. */
typedef struct machine {
    const ast_item *e;
    ir_machine *m;
    rt_engine eng;
    void *h;
    cover *cov;
} machine;

typedef struct script {
    test_session *ts;
    const program *prog;
    const char *path;         /* as given: what the output names */
    arena *a;
    machine *ms;
    size_t n_ms;
    size_t passed, failed;    /* this script's, for its testsuite */
    FILE *cases;              /* junit: its testcase elements */
    char *cases_buf;
    size_t cases_len;
} script;

/* The machine of the experience test `t` runs on (sema_check accepted it:
 * its `for`, else the only experience); NULL after a message when the
 * engine cannot be made (*rc). */
static machine *machine_of(script *s, const ast_test *t, int *rc)
{
    size_t n;
    const ast_item *e = t->experience ? sema_find_experience(s->prog, t->experience->name)
                                      : sema_test_default(s->prog, t->kw_sp.file, &n);
    for (size_t i = 0; i < s->n_ms; i++)
        if (s->ms[i].e == e)
            return &s->ms[i];
    machine *mc = &s->ms[s->n_ms];
    mc->e = e;
    mc->m = ir_lower(s->a, e);
    *rc = s->ts->en->open(mc->m, s->ts->opt, false, &mc->eng, &mc->h);
    if (*rc != RT_EXIT_OK)
        return NULL;
    s->n_ms++;
    mc->cov = cover_of(s->ts, e, mc->m);
    return mc;
}

/* One event of a test, played. */
typedef struct step {
    const ast_test_event *te;
    int32_t ev;
    int64_t t;                /* its time: its `@`, else the previous event's */
    int effect;               /* interp_step's ir_effect */
    rt_state after;
} step;

static bool same_state(const rt_state *a, const rt_state *b, int32_t n_notes)
{
    if (a->stage != b->stage || a->score != b->score || a->events != b->events ||
        a->early != b->early)
        return false;
    for (int32_t k = 0; k < n_notes; k++)
        if (a->points[k] != b->points[k])
            return false;
    return true;
}

/* Plays the events of `t` on a fresh customer of `mc`: steps[] (n of them)
 * and the final state's scores in *out.  False when the engine disagrees
 * with the reference interpreter.  The states are whole (time rules: their
 * clock and caps after the rt_state), the engine's and the interpreter's
 * sizes. */
static bool play(machine *mc, const ast_test *t, step *steps, size_t *n, rt_state *out)
{
    const ir_machine *m = mc->m;
    rt_state *shadow = xmalloc(interp_state_size(m));
    rt_state *st = xmalloc(rt_engine_state_size(&mc->eng));
    int64_t time = 0;
    uint32_t customer = 0;
    bool same = true;
    interp_init_state(m, shadow);
    mc->eng.init(mc->eng.ctx, st);
    *n = 0;
    for (const ast_test_item *ti = t->items; ti && same; ti = ti->next)
        for (const ast_test_event *te = ti->kind == TI_EVENTS ? ti->events : NULL; te && same;
             te = te->next) {
            step *sp = &steps[(*n)++];
            sp->te = te;
            sp->ev = mc->eng.event_id(mc->eng.ctx, te->name.value, te->name.len);
            sp->t = time = te->has_at ? te->at.ms : time;
            sp->effect = interp_step(m, shadow, sp->ev, sp->t);
            mc->eng.step_batch(mc->eng.ctx, st, &customer, &sp->ev, &sp->t, 1);
            same = same_state(st, shadow, m->n_notes);
            sp->after = *st;
            if ((sp->effect & IR_EFFECT_MASK) == IR_COUNTED)
                mc->cov->ev[sp->ev] = true;
            for (int32_t k = 0; k < st->stage && k < m->n_notes; k++)
                mc->cov->note[k] = true;
        }
    *out = *st;
    free(st);
    free(shadow);
    return same;
}

/* One failed expectation: FIELD, and EXPECTED / ACTUAL as numbers or, for
 * the stage, names. */
typedef struct failure {
    const char *field;
    const char *want_s, *got_s;   /* stage */
    long long want, got;
} failure;

static const char *field_name(arena *a, const ast_test_item *ti)
{
    static const char *const F[] = { "score", "stage", "events", "early", "points" };
    return ti->field == EXP_POINTS ? arena_printf(a, "points %s", ast_behaviour_name(ti->b.b))
                                   : F[ti->field];
}

/* The expectations of `t` that `st` breaks, in written order, into f[]. */
static size_t judge(arena *a, const ir_machine *m, const ast_test *t, const rt_state *st,
                    failure *f)
{
    size_t n = 0;
    for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
        if (ti->kind != TI_EXPECT)
            continue;
        failure x = { field_name(a, ti), NULL, NULL, ti->value.value, 0 };
        switch (ti->field) {
        case EXP_SCORE: x.got = st->score; break;
        case EXP_EVENTS: x.got = (long long)st->events; break;
        case EXP_EARLY: x.got = (long long)st->early; break;
        case EXP_POINTS:
            for (int32_t k = 0; k < m->n_notes; k++)
                if (m->notes[k].behaviour == (int)ti->b.b)
                    x.got = st->points[k];
            break;
        case EXP_STAGE:
            x.want_s = ti->stage_is_b ? ast_behaviour_name(ti->b.b) : "ENGAGED";
            x.got_s = ir_stage_name(m, st->stage);
            if (strcmp(x.want_s, x.got_s))
                f[n++] = x;
            continue;
        }
        if (x.want != x.got)
            f[n++] = x;
    }
    return n;
}

/* ---- reporting ------------------------------------------------------------- */

/* `expected FIELD EXPECTED, got ACTUAL`, after `indent`. */
static void put_failure(FILE *f, const char *indent, const failure *x)
{
    if (x->want_s)
        fprintf(f, "%sexpected %s %s, got %s\n", indent, x->field, x->want_s, x->got_s);
    else
        fprintf(f, "%sexpected %s %lld, got %lld\n", indent, x->field, x->want, x->got);
}

/* A failure's explanation: its failed expectations, then the trace. */
static void put_explanation(FILE *f, const char *indent, const script *s, const ir_machine *m,
                            const failure *fs, size_t nf, const step *steps, size_t n)
{
    for (size_t i = 0; i < nf; i++)
        put_failure(f, indent, &fs[i]);
    for (size_t i = 0; i < n; i++)
        trace_put(f, indent, "test", s->path, (uint64_t)steps[i].te->sp.line, m, steps[i].ev,
                  steps[i].effect, &steps[i].after);
}

static json_t *json_value(const char *s, long long v)
{
    return s ? json_string(s) : json_integer(v);
}

static void put_json(const script *s, const ast_test *t, const char *exp, const failure *fs,
                     size_t nf)
{
    json_t *failures = json_array();
    for (size_t i = 0; i < nf; i++)
        json_array_append_new(failures,
                              json_pack("{s:s, s:o, s:o}", "field", fs[i].field, "expected",
                                        json_value(fs[i].want_s, fs[i].want), "actual",
                                        json_value(fs[i].got_s, fs[i].got)));
    json_t *o = json_pack("{s:s, s:i, s:s%, s:s, s:b, s:o}", "file", s->path, "line",
                          t->kw_sp.line, "name", t->name.value, t->name.len, "experience", exp,
                          "passed", nf == 0, "failures", failures);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
    if (text)
        puts(text);
    free(text);
    json_decref(o);
}

/* Text for XML (attribute values and element content alike). */
static void put_xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputs("\xef\xbf\xbd", f); /* not allowed in XML 1.0: U+FFFD */
            else
                fputc(*s, f);
        }
    }
}

static void put_junit_case(script *s, const ast_test *t, const ir_machine *m,
                           const failure *fs, size_t nf, const step *steps, size_t n)
{
    FILE *f = s->cases;
    fputs("    <testcase name=\"", f);
    put_xml(f, t->name.value);
    fputs("\" classname=\"", f);
    put_xml(f, m->name);
    fprintf(f, "\" file=\"");
    put_xml(f, s->path);
    fprintf(f, "\" line=\"%d\"", t->kw_sp.line);
    if (!nf) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n      <failure message=\"", f);
    char *text;
    size_t len;
    FILE *mf = open_memstream(&text, &len);
    put_explanation(mf, "", s, m, fs, nf, steps, n);
    fclose(mf);
    fprintf(f, "%zu expectation%s failed\">", nf, nf == 1 ? "" : "s");
    put_xml(f, text);
    free(text);
    fputs("</failure>\n    </testcase>\n", f);
}

static void report(script *s, const ast_test *t, const ir_machine *m, const failure *fs,
                   size_t nf, const step *steps, size_t n)
{
    switch (s->ts->o.format) {
    case TEST_TEXT:
        printf("%s  %s:%d: %s\n", nf ? "FAIL" : "PASS", s->path, t->kw_sp.line, t->name.value);
        if (nf)
            put_explanation(stdout, "  ", s, m, fs, nf, steps, n);
        break;
    case TEST_JSON:
        put_json(s, t, m->name, fs, nf);
        break;
    case TEST_JUNIT:
        put_junit_case(s, t, m, fs, nf, steps, n);
        break;
    }
}

/* ---- running ----------------------------------------------------------------- */

static size_t count_events(const ast_test *t, size_t *n_expect)
{
    size_t n = 0;
    *n_expect = 0;
    for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
        *n_expect += ti->kind == TI_EXPECT;
        for (const ast_test_event *te = ti->kind == TI_EVENTS ? ti->events : NULL; te; te = te->next)
            n++;
    }
    return n;
}

/* One test: played, judged, reported.  An exit code (70: the engine
 * disagrees with the reference interpreter). */
static int run_test(script *s, const ast_test *t)
{
    int rc = RT_EXIT_OK;
    machine *mc = machine_of(s, t, &rc);
    if (!mc)
        return rc;
    size_t n_expect, n = count_events(t, &n_expect);
    step *steps = xmalloc((n ? n : 1) * sizeof *steps);
    failure *fs = xmalloc((n_expect ? n_expect : 1) * sizeof *fs);
    rt_state st;
    if (!play(mc, t, steps, &n, &st)) {
        fprintf(stderr, "expc: internal error: engine %s and the reference interpreter "
                        "disagree on test `%s` (%s:%d)\n",
                s->ts->en->name, t->name.value, s->path, t->kw_sp.line);
        rc = RT_EXIT_SOFTWARE;
    } else {
        size_t nf = judge(s->a, mc->m, t, &st, fs);
        report(s, t, mc->m, fs, nf, steps, n);
        if (nf)
            s->failed++;
        else
            s->passed++;
    }
    free(steps);
    free(fs);
    return rc;
}

static bool selected(const test_session *ts, const ast_test *t)
{
    return !ts->has_re || regexec(&ts->re, t->name.value, 0, NULL, 0) == 0;
}

/* The testsuite element of a script, with its test cases. */
static void put_junit_suite(test_session *ts, const script *s)
{
    FILE *f = ts->junit_f;
    fputs("  <testsuite name=\"", f);
    put_xml(f, s->path);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", s->passed + s->failed,
            s->failed);
    fwrite(s->cases_buf, 1, s->cases_len, f);
    fputs("  </testsuite>\n", f);
}

int test_file(test_session *ts, const program *prog)
{
    script s = { ts, prog, prog->files[0]->src->path, arena_new(), NULL, 0, 0, 0, NULL, NULL, 0 };
    s.ms = arena_alloc(s.a, (prog->n_experiences + 1) * sizeof *s.ms);
    if (ts->junit_f)
        s.cases = open_memstream(&s.cases_buf, &s.cases_len);
    int rc = RT_EXIT_OK;
    for (const ast_test *t = prog->files[0]->tests; t && rc == RT_EXIT_OK; t = t->next)
        if (selected(ts, t))
            rc = run_test(&s, t);
    if (s.cases) {
        fclose(s.cases);
        if (s.passed + s.failed)
            put_junit_suite(ts, &s);
        free(s.cases_buf);
    }
    for (size_t i = 0; i < s.n_ms; i++)
        ts->en->close(s.ms[i].h);
    ts->passed += s.passed;
    ts->failed += s.failed;
    arena_free(s.a);
    return rc;
}

/* ---- the end ------------------------------------------------------------------ */

/* `coverage: NAME: E/EN events, N/NN notes, P%` and what is uncovered, on
 * `f`; returns P. */
static int put_coverage(FILE *f, const cover *c)
{
    size_t ev = 0, notes = 0;
    for (size_t i = 0; i < c->n_events; i++)
        ev += c->ev[i];
    for (int32_t k = 0; k < c->n_notes; k++)
        notes += c->note[k];
    size_t all = c->n_events + (size_t)c->n_notes;
    int pct = all ? (int)(100 * (ev + notes) / all) : 100;
    fprintf(f, "coverage: %s: %zu/%zu events, %zu/%d notes, %d%%\n", c->name, ev, c->n_events,
            notes, c->n_notes, pct);
    if (ev + notes < all) {
        const char *sep = " ";
        fprintf(f, "coverage: %s: uncovered:", c->name);
        for (size_t i = 0; i < c->n_events; i++)
            if (!c->ev[i]) {
                fprintf(f, "%sevent %s", sep, c->events[i]);
                sep = ", ";
            }
        for (int32_t k = 0; k < c->n_notes; k++)
            if (!c->note[k]) {
                fprintf(f, "%snote %s", sep, c->notes[k]);
                sep = ", ";
            }
        fputc('\n', f);
    }
    return pct;
}

/* Coverage after the results (stdout for text, stderr for the machine
 * formats), then the threshold; returns 1 when an experience is below it. */
static int end_coverage(const test_session *ts)
{
    FILE *f = ts->o.format == TEST_TEXT ? stdout : stderr;
    int rc = RT_EXIT_OK;
    for (const cover *c = ts->covers; c; c = c->next) {
        int pct = put_coverage(f, c);
        if (ts->o.threshold >= 0 && pct < ts->o.threshold) {
            fflush(stdout);
            fprintf(stderr, "expc: coverage of %s is %d%%, below --threshold %d\n", c->name, pct,
                    ts->o.threshold);
            rc = RT_EXIT_ERRORS;
        }
    }
    return rc;
}

static void put_junit(test_session *ts)
{
    fclose(ts->junit_f);
    printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<testsuites name=\"expc test\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
           ts->passed + ts->failed, ts->failed);
    fwrite(ts->junit, 1, ts->junit_len, stdout);
    puts("</testsuites>");
    free(ts->junit);
}

int test_end(test_session *ts, int rc)
{
    size_t ran = ts->passed + ts->failed;
    /* A CI server reads the document even when nothing ran (then empty). */
    if (ts->junit_f && rc != RT_EXIT_SOFTWARE)
        put_junit(ts);
    else if (ts->junit_f) {
        fclose(ts->junit_f);
        free(ts->junit);
    }
    if (rc == RT_EXIT_OK && !ran) {
        /* Never a hollow success (with errors, those say why none ran). */
        fputs("expc: no tests\n", stderr);
        rc = RT_EXIT_ERRORS;
    } else if (ran && rc != RT_EXIT_SOFTWARE) {
        if (ts->o.format == TEST_TEXT)
            printf("%zu passed, %zu failed\n", ts->passed, ts->failed);
        int cov = ts->o.coverage ? end_coverage(ts) : RT_EXIT_OK;
        if (rc == RT_EXIT_OK && (ts->failed || cov))
            rc = RT_EXIT_ERRORS;
    }
    if (ts->has_re)
        regfree(&ts->re);
    arena_free(ts->a);
    free(ts);
    return rc;
}
