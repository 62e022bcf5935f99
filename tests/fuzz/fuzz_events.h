/* fuzz_events.h - the body of the event-log harnesses: fuzz_csv.c and
 * fuzz_ndjson.c include it after defining FZ_INPUT (RT_INPUT_CSV or
 * RT_INPUT_NDJSON).
 *
 * Arbitrary bytes are an event log read by rt_run, through the reference
 * interpreter over a small fixed machine (built by hand, so no script is
 * parsed per input).  Its events are `a` `b` `c` `x` `buy` and `event` (so a
 * `customer,event` line that is not the first one is an event), which the
 * dictionary (exp.dict) also lists.  Every input runs three ways:
 *
 *   A  the defaults: stop at the first invalid line, CSV out;
 *   B  --skip-invalid --format=json --summary;
 *   C  --strict;
 *
 * and the runs are held to docs/language.md (section 7) and to each other:
 *  - A and C exit 0 or 65, B exits 0; a run that exits 65 writes nothing on
 *    stdout and one line on stderr, `expc: <stdin>:LINE: invalid event data:
 *    WHY` with a WHY of rt.h (or, under --strict, `... event NAME is not
 *    declared by the experience`);
 *  - A's table is RFC 4180 with the documented header, and an id is quoted
 *    exactly when it holds `,` `"` CR or LF; every line of B is a JSON object
 *    with the documented members, and its score is the sum of its points less the
 *    early penalties;
 *  - when A succeeds, B (nothing to skip) has the same rows, and C has A's
 *    table unless A skipped an undeclared event, in which case C fails on the
 *    line A named;
 *  - when A fails on line L for WHY, B reports skipping from line L for WHY.
 */
#ifndef FZ_INPUT
#error "define FZ_INPUT before including fuzz_events.h"
#endif
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/rt.h"

#include "fuzz_common.h"

/* ---- the fixed machine ----------------------------------------------------- */

/* counts_from (the last field) is set by ir_decide_rules before use. */
static ir_event fz_events[] = {
    { "a", 1, 0, 3, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },     { "b", 1, 1, 2, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "c", 1, 2, 4, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },     { "x", 1, 0, -5, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
    { "buy", 3, 2, 1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },   { "event", 5, 1, 1, NULL, -1, NULL, 0, 0, 0, 0, 0, 0 },
};

static ir_machine fz_machine = {
    .name = "fuzz",
    .industry = NULL,
    .script = "fuzz.exp",
    .n_notes = 3,
    .notes = {
        { .behaviour = 1, .name = "STAY", .threshold = 5 },
        { .behaviour = 0, .name = "SAY", .threshold = 3 },
        { .behaviour = 2, .name = "SPEND", .threshold = 4 },
    },
    .penalty_early = 2,
    .n_events = sizeof fz_events / sizeof fz_events[0],
    .events = fz_events,
};

static interp *fz_it;
static rt_engine fz_eng;

/* ---- parsing what rt_run wrote ------------------------------------------------ */

typedef struct row {
    char *cust;         /* malloc'd, decoded */
    size_t cust_len;
    long long score, events, early;
    char stage[16];
} row;

typedef struct rows {
    row *r;
    size_t n, cap;
} rows;

static void rows_free(rows *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->r[i].cust);
    free(t->r);
    t->r = NULL;
    t->n = t->cap = 0;
}

static row *rows_add(rows *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->r = realloc(t->r, t->cap * sizeof *t->r);
        FZ_CHECK(t->r != NULL);
    }
    row *r = &t->r[t->n++];
    memset(r, 0, sizeof *r);
    return r;
}

/* A decimal integer field ending at `end`; false if it is not one. */
static bool parse_ll(const char *p, const char *end, long long *v)
{
    if (p == end)
        return false;
    bool neg = *p == '-';
    if (neg && ++p == end)
        return false;
    long long x = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9' || x > (INT64_MAX - 9) / 10)
            return false;
        x = x * 10 + (*p - '0');
    }
    *v = neg ? -x : x;
    return true;
}

static bool is_stage(const char *s)
{
    return !strcmp(s, "STAY") || !strcmp(s, "SAY") || !strcmp(s, "SPEND") ||
           !strcmp(s, "ENGAGED");
}

/* Parses A's CSV table (docs/language.md, section 7) into t, checking its form as it goes. */
static void parse_csv_table(const char *p, size_t n, rows *t)
{
    static const char head[] = "customer,score,stage,events,early\n";
    const char *e = p + n;
    FZ_CHECK(n >= sizeof head - 1 && memcmp(p, head, sizeof head - 1) == 0);
    p += sizeof head - 1;
    while (p < e) {
        row *r = rows_add(t);
        if (*p == '"') {
            /* Quoted: only when the id needs it. */
            char *buf = malloc((size_t)(e - p) + 1);
            FZ_CHECK(buf != NULL);
            size_t k = 0;
            bool special = false;
            p++;
            for (;;) {
                FZ_CHECK(p < e);
                if (*p == '"') {
                    if (p + 1 < e && p[1] == '"') {
                        buf[k++] = '"';
                        special = true;
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                special |= *p == ',' || *p == '\r' || *p == '\n';
                buf[k++] = *p++;
            }
            FZ_CHECK(special);
            r->cust = buf;
            r->cust_len = k;
        } else {
            const char *c = memchr(p, ',', (size_t)(e - p));
            FZ_CHECK(c != NULL);
            for (const char *q = p; q < c; q++)
                FZ_CHECK(*q != '"' && *q != '\r' && *q != '\n');
            r->cust_len = (size_t)(c - p);
            r->cust = malloc(r->cust_len + 1);
            FZ_CHECK(r->cust != NULL);
            memcpy(r->cust, p, r->cust_len);
            p = c;
        }
        FZ_CHECK(r->cust_len > 0);
        FZ_CHECK(p < e && *p == ',');
        p++;
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        FZ_CHECK(nl != NULL);
        /* score,stage,events,early */
        const char *f[4], *fe[4];
        const char *q = p;
        for (int i = 0; i < 4; i++) {
            f[i] = q;
            const char *c = i < 3 ? memchr(q, ',', (size_t)(nl - q)) : nl;
            FZ_CHECK(c != NULL);
            fe[i] = c;
            q = c + 1;
        }
        FZ_CHECK(parse_ll(f[0], fe[0], &r->score));
        FZ_CHECK(fe[1] - f[1] > 0 && fe[1] - f[1] < (ptrdiff_t)sizeof r->stage);
        memcpy(r->stage, f[1], (size_t)(fe[1] - f[1]));
        FZ_CHECK(is_stage(r->stage));
        FZ_CHECK(parse_ll(f[2], fe[2], &r->events) && r->events >= 1);
        FZ_CHECK(parse_ll(f[3], fe[3], &r->early) && r->early >= 0 && r->early <= r->events);
        p = nl + 1;
    }
}

static long long jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    FZ_CHECK(json_is_integer(v));
    return (long long)json_integer_value(v);
}

/* Parses B's JSON lines into t, checking each object. */
static void parse_json_table(const char *p, size_t n, rows *t)
{
    const char *e = p + n;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        FZ_CHECK(nl != NULL);
        json_error_t je;
        json_t *o = json_loadb(p, (size_t)(nl - p), JSON_ALLOW_NUL, &je);
        FZ_CHECK(o != NULL && json_is_object(o));
        FZ_CHECK(json_object_size(o) == 6);
        row *r = rows_add(t);
        json_t *c = json_object_get(o, "customer");
        FZ_CHECK(json_is_string(c) && json_string_length(c) > 0);
        r->cust_len = json_string_length(c);
        r->cust = malloc(r->cust_len + 1);
        FZ_CHECK(r->cust != NULL);
        memcpy(r->cust, json_string_value(c), r->cust_len);
        r->score = jint(o, "score");
        r->events = jint(o, "events");
        r->early = jint(o, "early");
        FZ_CHECK(r->events >= 1 && r->early >= 0 && r->early <= r->events);
        json_t *s = json_object_get(o, "stage");
        FZ_CHECK(json_is_string(s) && strlen(json_string_value(s)) < sizeof r->stage);
        strcpy(r->stage, json_string_value(s));
        FZ_CHECK(is_stage(r->stage));
        /* points, keyed by behaviour in path order */
        json_t *pts = json_object_get(o, "points");
        FZ_CHECK(json_is_object(pts) && json_object_size(pts) == 3);
        const char *key;
        json_t *v;
        long long sum = 0;
        int k = 0;
        json_object_foreach(pts, key, v) {
            FZ_CHECK(k < 3 && !strcmp(key, fz_machine.notes[k].name));
            FZ_CHECK(json_is_integer(v));
            sum += (long long)json_integer_value(v);
            k++;
        }
        FZ_CHECK(r->score == sum - fz_machine.penalty_early * r->early);
        json_decref(o);
        p = nl + 1;
    }
}

static void rows_same(const rows *x, const rows *y)
{
    FZ_CHECK(x->n == y->n);
    for (size_t i = 0; i < x->n; i++) {
        const row *a = &x->r[i], *b = &y->r[i];
        FZ_CHECK(a->cust_len == b->cust_len && memcmp(a->cust, b->cust, a->cust_len) == 0);
        FZ_CHECK(a->score == b->score && a->events == b->events && a->early == b->early);
        FZ_CHECK(!strcmp(a->stage, b->stage));
    }
    /* Each customer once. (Quadratic, but the inputs are small.) */
    if (x->n <= 512)
        for (size_t i = 0; i < x->n; i++)
            for (size_t j = i + 1; j < x->n; j++)
                FZ_CHECK(x->r[i].cust_len != x->r[j].cust_len ||
                         memcmp(x->r[i].cust, x->r[j].cust, x->r[i].cust_len) != 0);
}

/* ---- the messages ------------------------------------------------------------ */

static const char *const fz_whys[] = {
    RT_WHY_FIELDS, RT_WHY_EMPTY_CUSTOMER, RT_WHY_EMPTY_EVENT, RT_WHY_QUOTE,
    RT_WHY_AFTER_QUOTE, RT_WHY_UTF8, RT_WHY_JSON, RT_WHY_JSON_OBJECT,
    RT_WHY_JSON_CUSTOMER, RT_WHY_JSON_EVENT, RT_WHY_JSON_CUSTOMER_TYPE, RT_WHY_JSON_DEEP,
    RT_WHY_JSON_SURROGATE_C, RT_WHY_JSON_SURROGATE_E,
};

/* `expc: <stdin>:LINE: invalid event data: WHY\n`: returns LINE, sets *why. */
static unsigned long long parse_invalid(const char *err, const char **why)
{
    unsigned long long line = 0;
    int off = 0;
    FZ_CHECK(sscanf(err, "expc: <stdin>:%llu: invalid event data: %n", &line, &off) == 1 &&
             off > 0);
    FZ_CHECK(line >= 1);
    const char *w = err + off;
    *why = NULL;
    for (size_t i = 0; i < sizeof fz_whys / sizeof *fz_whys; i++) {
        size_t k = strlen(fz_whys[i]);
        if (!strncmp(w, fz_whys[i], k) && w[k] == '\n' && w[k + 1] == 0)
            *why = fz_whys[i];
    }
    FZ_CHECK(*why != NULL);
    return line;
}

/* The line of stderr that reports skipped invalid lines
 * (`expc: skipped 1 invalid line: ...` or `expc: skipped N invalid lines;
 * first: ...`), or NULL.  Found by its start, since an event name quoted in
 * another line may hold the same words. */
static const char *invalid_note(const char *err)
{
    for (const char *l = err; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        unsigned long long n;
        int off = 0;
        if (sscanf(l, "expc: skipped %llu invalid line%n", &n, &off) == 1 && off > 0)
            return l;
    }
    return NULL;
}

/* The line of the first undeclared event A skipped (0: none). */
static unsigned long long undeclared_line(const char *err)
{
    const char *s = strstr(err, "expc: skipped 1 event not declared by the experience: ");
    if (!s)
        s = strstr(err, " events not declared by the experience; first: ");
    if (!s)
        return 0;
    const char *at = NULL;
    for (const char *q = s; (q = strstr(q, " at <stdin>:")); q++)
        at = q;
    FZ_CHECK(at != NULL);
    unsigned long long line = 0;
    FZ_CHECK(sscanf(at, " at <stdin>:%llu", &line) == 1 && line >= 1);
    return line;
}

/* Whether err is the one line of a log with event lines and not one
 * declared event (docs/language.md, "Invalid data, undeclared events"). */
static bool nothing_matched(const fz_run *r)
{
    return r->rc == RT_EXIT_DATA && r->out.n == 0 && fz_count_lines(r->err.p, r->err.n) == 1 &&
           fz_starts(r->err.p, "expc: <stdin>: no event of the log is declared by ");
}

/* ---- the harness ---------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ir_decide_rules(&fz_machine);
    fz_it = interp_new(&fz_machine);
    fz_eng = interp_engine(fz_it);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rt_opts base;
    rt_opts_init(&base);
    base.input = FZ_INPUT;

    fz_run A, B, C;
    rt_opts oa = base;
    fz_run_events(&A, data, size, &oa, &fz_eng);
    rt_opts ob = base;
    ob.skip_invalid = true;
    ob.format = RT_FORMAT_JSON;
    ob.summary = true;
    fz_run_events(&B, data, size, &ob, &fz_eng);
    rt_opts oc = base;
    oc.strict = true;
    fz_run_events(&C, data, size, &oc, &fz_eng);

    rows ta = { 0 }, tb = { 0 };
    FZ_CHECK(A.rc == 0 || A.rc == RT_EXIT_DATA);
    FZ_CHECK(B.rc == 0 || nothing_matched(&B));
    FZ_CHECK(C.rc == 0 || C.rc == RT_EXIT_DATA);
    /* Event lines and none declared: B (nothing invalid to skip) says so
     * too, and --strict stops at the first of them. */
    if (nothing_matched(&A)) {
        FZ_CHECK(nothing_matched(&B));
        FZ_CHECK(C.rc == RT_EXIT_DATA && strstr(C.err.p, " is not declared by the experience\n"));
        goto done;
    }
    /* Invalid data: one line on stderr, nothing on stdout. */
    if (A.rc)
        FZ_CHECK(A.out.n == 0 && fz_count_lines(A.err.p, A.err.n) == 1);
    if (C.rc)
        FZ_CHECK(C.out.n == 0 && fz_count_lines(C.err.p, C.err.n) == 1 &&
                 fz_starts(C.err.p, "expc: <stdin>:"));

    parse_json_table(B.out.p, B.out.n, &tb);
    if (A.rc == 0) {
        parse_csv_table(A.out.p, A.out.n, &ta);
        /* Nothing was invalid, so B skipped nothing and agrees. */
        FZ_CHECK(invalid_note(B.err.p) == NULL);
        rows_same(&ta, &tb);
        unsigned long long u = undeclared_line(A.err.p);
        if (u == 0) {
            FZ_CHECK(C.rc == 0);
            FZ_CHECK(C.out.n == A.out.n && memcmp(C.out.p, A.out.p, A.out.n) == 0);
        } else {
            char want[64];
            snprintf(want, sizeof want, "expc: <stdin>:%llu: event ", u);
            FZ_CHECK(C.rc == RT_EXIT_DATA && fz_starts(C.err.p, want));
            FZ_CHECK(strstr(C.err.p, " is not declared by the experience\n") != NULL);
        }
    } else {
        const char *why;
        unsigned long long line = parse_invalid(A.err.p, &why);
        /* --strict stops there too, or at an undeclared event before it. */
        FZ_CHECK(C.rc == RT_EXIT_DATA);
        if (nothing_matched(&B))
            goto done; /* no table, so no note of the skipped lines */
        char want[160];
        snprintf(want, sizeof want, " <stdin>:%llu: %s\n", line, why);
        const char *note = invalid_note(B.err.p);
        FZ_CHECK(note != NULL);
        const char *nl = strchr(note, '\n');
        size_t k = strlen(want);
        FZ_CHECK(nl != NULL && (size_t)(nl + 1 - note) >= k &&
                 memcmp(nl + 1 - k, want, k) == 0);
    }
done:
    rows_free(&ta);
    rows_free(&tb);
    fz_run_free(&A);
    fz_run_free(&B);
    fz_run_free(&C);
    return 0;
}
