/* serve_http.c - the HTTP side of `expc serve`, on libmicrohttpd.
 *
 * libmicrohttpd parses HTTP and runs a pool of epoll threads; this file only
 * routes.  The access handler is called several times per request: first
 * (set up, check route, method, token and the body's announced size), once
 * per body chunk (kept, up to --max-body), then once more to answer.  A
 * POST's answer comes from the committer thread (serve_store.c) after its
 * group is durable: the connection is suspended meanwhile, so no pool
 * thread waits on the disk and GETs keep flowing.
 *
 * The URL reaches us undecoded (an identity unescape callback): a
 * customer id may hold `%2F`, and bad percent-encoding must be refused, not
 * guessed (libmicrohttpd's own decoder leaves it as it is). */
#if EXPC_SERVE
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "serve_int.h"

#define H_POOL 4                    /* libmicrohttpd threads */
#define H_KEY_MAX 200               /* Idempotency-Key bytes */
#define H_LOG_PATH 256              /* path bytes shown in the log line */
#define H_CODES 600

/* expc_request_duration_seconds buckets */
static const double h_buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                    0.1,    0.25,  0.5,    1,     2.5,  5,     10 };
#define H_NBUCKETS (sizeof h_buckets / sizeof *h_buckets)

struct serve_http {
    struct MHD_Daemon *d;
    serve_cfg cfg;
    atomic_int active;              /* requests begun and not completed */
    atomic_uint_fast64_t events, skipped, late;
    atomic_uint_fast64_t codes[H_CODES];
    atomic_uint_fast64_t bucket[H_NBUCKETS + 1];
    atomic_uint_fast64_t dur_us, n_req;
};

typedef enum h_route {
    R_NONE, R_HEALTH, R_METRICS, R_EVENTS, R_CUSTOMER, R_SCORES, R_FUNNEL, R_REPORT
} h_route;

typedef struct h_req {
    serve_http *h;
    struct MHD_Connection *c;
    h_route route;
    bool early;                     /* answered in the first call */
    int status;
    struct timespec t0;
    char method[8];
    char path[H_LOG_PATH * 3 + 4];
    char *body;
    size_t len, cap;
    bool too_big;
    /* a POST or DELETE waiting for its group */
    bool submitted;
    atomic_bool answered;
    serve_op op;
    serve_batch batch;
    char *key;
    char *id;
    size_t id_len;
} h_req;

/* ---- answers ------------------------------------------------------------ */

static enum MHD_Result h_send(h_req *r, int status, const char *ctype, char *body, size_t n,
                              enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *res = MHD_create_response_from_buffer(n, body, mode);
    if (!res)
        return MHD_NO;
    if (ctype)
        MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (status == 401)
        MHD_add_response_header(res, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (status == 405) {
        const char *allow = r->route == R_EVENTS     ? "POST"
                            : r->route == R_CUSTOMER ? "GET, DELETE"
                                                     : "GET";
        MHD_add_response_header(res, MHD_HTTP_HEADER_ALLOW, allow);
    }
    r->status = status;
    enum MHD_Result rc = MHD_queue_response(r->c, (unsigned)status, res);
    MHD_destroy_response(res);
    return rc;
}

/* {"error":MSG} with MSG escaped as the tables escape strings. */
static enum MHD_Result h_error(h_req *r, int status, const char *msg)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    rt_out w;
    if (!f || !rt_out_init(&w, f)) {
        if (f)
            fclose(f);
        free(s);
        return h_send(r, 500, "application/json", "{\"error\":\"out of memory\"}", 25,
                      MHD_RESPMEM_PERSISTENT);
    }
    rt_out_put(&w, "{\"error\":", 9);
    rt_out_json_string(&w, msg, strlen(msg));
    rt_out_put(&w, "}", 1);
    rt_out_flush(&w);
    rt_out_free(&w);
    fclose(f);
    return h_send(r, status, "application/json", s, n, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result h_text(h_req *r, int status, const char *ctype, const char *text)
{
    return h_send(r, status, ctype, (char *)text, strlen(text), MHD_RESPMEM_PERSISTENT);
}

/* ---- routes ------------------------------------------------------------- */

static int h_hex(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Strict percent-decoding of s into a malloc'd *out: 0, or 1 for a `%`
 * without two hex digits, -1 without memory. */
static int h_unescape(const char *s, char **out, size_t *n)
{
    size_t len = strlen(s), k = 0;
    char *d = malloc(len + 1);
    *out = d;
    if (!d)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            d[k++] = s[i];
            continue;
        }
        int a = i + 2 < len ? h_hex((unsigned char)s[i + 1]) : -1;
        int b = a < 0 ? -1 : h_hex((unsigned char)s[i + 2]);
        if (a < 0 || b < 0)
            return 1;
        d[k++] = (char)(a * 16 + b);
        i += 2;
    }
    d[k] = 0;
    *n = k;
    return 0;
}

static h_route h_find(const char *url)
{
    static const struct { const char *path; h_route r; } fixed[] = {
        { "/healthz", R_HEALTH }, { "/metrics", R_METRICS }, { "/v1/events", R_EVENTS },
        { "/v1/scores", R_SCORES }, { "/v1/funnel", R_FUNNEL }, { "/", R_REPORT },
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (!strcmp(url, fixed[i].path))
            return fixed[i].r;
    if (!strncmp(url, "/v1/customers/", 14) && url[14])
        return R_CUSTOMER;
    return R_NONE;
}

static bool h_method_ok(h_route rt, const char *m)
{
    if (rt == R_EVENTS)
        return !strcmp(m, "POST");
    if (rt == R_CUSTOMER)
        return !strcmp(m, "GET") || !strcmp(m, "DELETE");
    return !strcmp(m, "GET");
}

/* Authorization: Bearer TOKEN, compared in constant time: every byte of the
 * token is looked at whatever the header holds. */
static bool h_token_ok(const serve_http *h, struct MHD_Connection *c)
{
    const char *want = h->cfg.token;
    if (!want)
        return true;
    const char *got = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!got || strncasecmp(got, "Bearer ", 7)) /* the scheme is case-insensitive */
        return false;
    got += 7;
    size_t wn = strlen(want), gn = strlen(got);
    unsigned char diff = (unsigned char)(wn != gn);
    for (size_t i = 0; i < wn; i++)
        diff |= (unsigned char)want[i] ^ (unsigned char)(i < gn ? got[i] : 0);
    return diff == 0;
}

/* ---- the routes' answers ------------------------------------------------ */

typedef struct h_mem {
    char *s;
    size_t n;
    FILE *f;
    rt_out w;
} h_mem;

static bool mem_open(h_mem *m)
{
    m->s = NULL;
    m->n = 0;
    m->f = open_memstream(&m->s, &m->n);
    if (m->f && rt_out_init(&m->w, m->f))
        return true;
    if (m->f)
        fclose(m->f);
    free(m->s);
    return false;
}

/* Closes the stream; false when something failed (the text is freed). */
static bool mem_close(h_mem *m)
{
    bool ok = rt_out_flush(&m->w);
    rt_out_free(&m->w);
    ok = fclose(m->f) == 0 && ok;
    if (!ok) {
        free(m->s);
        m->s = NULL;
    }
    return ok;
}

static enum MHD_Result h_customer_get(h_req *r)
{
    rt_state st;
    h_mem m;
    int k = serve_store_get(r->h->cfg.store, r->id, r->id_len, &st);
    if (k < 0)
        return h_error(r, 500, "cannot read the store");
    if (k == 0)
        return h_error(r, 404, "no such customer");
    if (!mem_open(&m))
        return h_error(r, 500, "out of memory");
    rt_out_score_row(&m.w, r->h->cfg.e, r->id, r->id_len, &st, RT_FORMAT_JSON);
    if (!mem_close(&m))
        return h_error(r, 500, "out of memory");
    return h_send(r, 200, "application/json", m.s, m.n, MHD_RESPMEM_MUST_FREE);
}

typedef struct h_scan {
    rt_out *w;
    const rt_engine *e;
    rt_format format;
    uint64_t on[RT_NOTES + 2];
} h_scan;

static bool scan_row(void *arg, const char *id, size_t n, const rt_state *st)
{
    h_scan *sc = arg;
    rt_out_score_row(sc->w, sc->e, id, n, st, sc->format);
    return !sc->w->failed;
}

static bool scan_stage(void *arg, const char *id, size_t n, const rt_state *st)
{
    h_scan *sc = arg;
    int32_t nn = sc->e->n_notes;
    (void)id;
    (void)n;
    sc->on[st->stage >= 0 && st->stage <= nn ? st->stage : nn + 1]++;
    return true;
}

static enum MHD_Result h_scores(h_req *r)
{
    const char *acc = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, "Accept");
    h_scan sc = { NULL, r->h->cfg.e, RT_FORMAT_CSV, { 0 } };
    h_mem m;
    if (acc && strstr(acc, "application/x-ndjson"))
        sc.format = RT_FORMAT_JSON;
    if (!mem_open(&m))
        return h_error(r, 500, "out of memory");
    sc.w = &m.w;
    rt_out_score_header(&m.w, sc.format);
    bool ok = serve_store_scan(r->h->cfg.store, scan_row, &sc);
    if (!mem_close(&m) || !ok) {
        free(m.s);
        return h_error(r, 500, "cannot read the store");
    }
    return h_send(r, 200, sc.format == RT_FORMAT_CSV ? "text/csv" : "application/x-ndjson",
                  m.s, m.n, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result h_funnel(h_req *r)
{
    const rt_engine *e = r->h->cfg.e;
    h_scan sc = { NULL, e, RT_FORMAT_JSON, { 0 } };
    h_mem m;
    if (!serve_store_scan(r->h->cfg.store, scan_stage, &sc))
        return h_error(r, 500, "cannot read the store");
    if (!mem_open(&m))
        return h_error(r, 500, "out of memory");
    rt_out_put(&m.w, "{", 1);
    for (int32_t k = 0; k <= e->n_notes; k++) {
        const char *name = e->stage_name(e->ctx, k);
        if (k)
            rt_out_put(&m.w, ",", 1);
        rt_out_json_string(&m.w, name, strlen(name));
        rt_out_put(&m.w, ":", 1);
        rt_out_u64(&m.w, sc.on[k]);
    }
    rt_out_put(&m.w, "}", 1);
    if (!mem_close(&m))
        return h_error(r, 500, "out of memory");
    return h_send(r, 200, "application/json", m.s, m.n, MHD_RESPMEM_MUST_FREE);
}

/* GET /: the report page (report.h) of the stored state. */
static enum MHD_Result h_report(h_req *r)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return h_error(r, 500, "out of memory");
    bool ok = serve_store_page(r->h->cfg.store, r->h->cfg.m, f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        free(s);
        return h_error(r, 500, "cannot read the state for the page");
    }
    return h_send(r, 200, "text/html; charset=utf-8", s, n, MHD_RESPMEM_MUST_FREE);
}

static void put_counter(FILE *f, const char *name, const char *help, uint64_t v, bool gauge)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name,
            gauge ? "gauge" : "counter", name, (unsigned long long)v);
}

static enum MHD_Result h_metrics(h_req *r)
{
    serve_http *h = r->h;
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return h_error(r, 500, "out of memory");
    put_counter(f, "expc_events_total", "Events accepted and applied.", h->events, false);
    put_counter(f, "expc_events_skipped_total", "Lines naming an event the experience does "
                "not declare.", h->skipped, false);
    put_counter(f, "expc_events_late_total", "Events older than their customer's last one.",
                h->late, false);
    put_counter(f, "expc_customers", "Customers stored.", serve_store_count(h->cfg.store),
                true);
    fputs("# HELP expc_requests_total Requests answered, by status code.\n"
          "# TYPE expc_requests_total counter\n", f);
    for (int c = 0; c < H_CODES; c++)
        if (h->codes[c])
            fprintf(f, "expc_requests_total{code=\"%d\"} %llu\n", c,
                    (unsigned long long)h->codes[c]);
    fputs("# HELP expc_request_duration_seconds Time from a request's headers to its "
          "answer.\n# TYPE expc_request_duration_seconds histogram\n", f);
    uint64_t cum = 0;
    for (size_t b = 0; b <= H_NBUCKETS; b++) {
        cum += h->bucket[b];
        if (b < H_NBUCKETS)
            fprintf(f, "expc_request_duration_seconds_bucket{le=\"%g\"} %llu\n", h_buckets[b],
                    (unsigned long long)cum);
        else
            fprintf(f, "expc_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    (unsigned long long)cum);
    }
    fprintf(f, "expc_request_duration_seconds_sum %.6f\nexpc_request_duration_seconds_count "
            "%llu\n", (double)h->dur_us / 1e6, (unsigned long long)h->n_req);
    if (fclose(f) != 0) {
        free(s);
        return h_error(r, 500, "out of memory");
    }
    return h_send(r, 200, "text/plain; version=0.0.4", s, n, MHD_RESPMEM_MUST_FREE);
}

/* ---- POST and DELETE: through the committer ------------------------------ */

/* Called by the committer once the op's group is durable (or failed). */
static void h_op_done(serve_op *op)
{
    h_req *r = op->arg;
    atomic_store(&r->answered, true);
    MHD_resume_connection(r->c);
}

static enum MHD_Result h_submit(h_req *r)
{
    r->op.batch = &r->batch;
    r->op.done = h_op_done;
    r->op.arg = r;
    r->submitted = true;
    MHD_suspend_connection(r->c);
    serve_store_submit(r->h->cfg.store, &r->op);
    return MHD_YES;
}

/* The body's kind from Content-Type: 1 NDJSON, 0 CSV, -1 not said. */
static int h_body_kind(struct MHD_Connection *c)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!ct)
        return -1;
    size_t n = strcspn(ct, "; \t");
    if (n == 8 && !strncasecmp(ct, "text/csv", n))
        return 0;
    if (n == 20 && !strncasecmp(ct, "application/x-ndjson", n))
        return 1;
    return -1;
}

static enum MHD_Result h_events(h_req *r)
{
    char *why = NULL;
    const char *key = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, "Idempotency-Key");
    if (r->too_big)
        return h_error(r, 413, "body larger than --max-body");
    if (key) {
        size_t kn = strlen(key);
        if (kn == 0 || kn > H_KEY_MAX)
            return h_error(r, 400, "Idempotency-Key must be 1 to 200 bytes");
        if (!(r->key = strdup(key)))
            return h_error(r, 500, "out of memory");
        r->op.key = r->key;
        r->op.key_len = kn;
    }
    int st = serve_body_read(&r->h->cfg.in, r->body ? r->body : "", r->len,
                             h_body_kind(r->c), &r->batch, &why);
    free(r->body);
    r->body = NULL;
    if (st) {
        enum MHD_Result rc = h_error(r, st, why ? why : "out of memory");
        free(why);
        return rc;
    }
    r->op.kind = SERVE_OP_POST;
    return h_submit(r);
}

/* ---- the handler -------------------------------------------------------- */

static void h_log_path(h_req *r, const char *url)
{
    size_t k = 0, n = strlen(url);
    for (size_t i = 0; i < n && i < H_LOG_PATH; i++) {
        unsigned char ch = (unsigned char)url[i];
        if (ch <= 0x20 || ch >= 0x7f)
            k += (size_t)sprintf(r->path + k, "%%%02X", ch);
        else
            r->path[k++] = (char)ch;
    }
    if (n > H_LOG_PATH)
        k += (size_t)sprintf(r->path + k, "...");
    r->path[k] = 0;
}

/* The first call: what is asked, and whether it is refused right away. */
static enum MHD_Result h_begin(serve_http *h, h_req *r, const char *url, const char *method)
{
    r->route = h_find(url);
    if (r->route != R_HEALTH && !h_token_ok(h, r->c))
        return r->early = true, h_error(r, 401, "missing or wrong bearer token");
    if (r->route == R_NONE)
        return r->early = true, h_error(r, 404, "no such route");
    if (!h_method_ok(r->route, method))
        return r->early = true, h_error(r, 405, "method not allowed");
    if (r->route == R_CUSTOMER) {
        int bad = h_unescape(url + 14, &r->id, &r->id_len);
        if (bad)
            return r->early = true,
                   bad > 0 ? h_error(r, 400, "bad percent-encoding in the customer id")
                           : h_error(r, 500, "out of memory");
        if (!rt_utf8_valid(r->id, r->id_len))
            return r->early = true, h_error(r, 400, "the customer id is not UTF-8");
    }
    if (r->route == R_EVENTS) {
        const char *cl = MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > h->cfg.max_body)
            return r->early = true, h_error(r, 413, "body larger than --max-body");
    }
    return MHD_YES;
}

/* A body chunk: kept while it fits under --max-body. */
static void h_chunk(serve_http *h, h_req *r, const char *p, size_t n)
{
    if (r->too_big || r->early)
        return;
    if (n > h->cfg.max_body - r->len) {
        r->too_big = true;
        free(r->body);
        r->body = NULL;
        r->len = r->cap = 0;
        return;
    }
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 64 * 1024;
        while (cap < r->len + n)
            cap *= 2;
        char *b = realloc(r->body, cap);
        if (!b) {
            r->too_big = true; /* answered 413: no room for it here */
            return;
        }
        r->body = b;
        r->cap = cap;
    }
    memcpy(r->body + r->len, p, n);
    r->len += n;
}

static enum MHD_Result h_answer(h_req *r)
{
    switch (r->route) {
    case R_HEALTH: return h_text(r, 200, "text/plain", "ok");
    case R_METRICS: return h_metrics(r);
    case R_EVENTS: return h_events(r);
    case R_SCORES: return h_scores(r);
    case R_FUNNEL: return h_funnel(r);
    case R_CUSTOMER:
        if (!strcmp(r->method, "GET"))
            return h_customer_get(r);
        r->op.kind = SERVE_OP_DELETE;
        r->op.id = r->id;
        r->op.id_len = r->id_len;
        return h_submit(r);
    case R_REPORT: return h_report(r);
    case R_NONE: break;
    }
    return h_error(r, 404, "no such route");
}

static enum MHD_Result h_handler(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_size, void **con_cls)
{
    serve_http *h = cls;
    h_req *r = *con_cls;
    (void)version;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        r->h = h;
        r->c = c;
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        snprintf(r->method, sizeof r->method, "%s", method);
        h_log_path(r, url);
        *con_cls = r;
        atomic_fetch_add(&h->active, 1);
        return h_begin(h, r, url, method);
    }
    if (*upload_size) {
        h_chunk(h, r, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->early)
        return MHD_YES;
    if (r->submitted) {
        if (!atomic_load(&r->answered))
            return MHD_YES; /* resumed early: still waiting */
        if (r->op.status == 204)
            return h_send(r, 204, NULL, "", 0, MHD_RESPMEM_PERSISTENT);
        char *b = r->op.body;
        r->op.body = NULL;
        return h_send(r, r->op.status, "application/json", b ? b : "{}", b ? r->op.body_len : 2,
                      b ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    }
    return h_answer(r);
}

static void h_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                        enum MHD_RequestTerminationCode why)
{
    serve_http *h = cls;
    h_req *r = *con_cls;
    struct timespec t1;
    (void)c;
    if (!r)
        return;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint64_t us = (uint64_t)(t1.tv_sec - r->t0.tv_sec) * 1000000u +
                  (uint64_t)((t1.tv_nsec - r->t0.tv_nsec) / 1000);
    int st = r->status ? r->status : why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? 408 : 400;
    if (st == 200 && r->route == R_EVENTS) {
        h->events += r->op.accepted;
        h->skipped += r->op.skipped;
        h->late += r->op.late;
    }
    if (st > 0 && st < H_CODES)
        h->codes[st]++;
    size_t b = 0;
    while (b < H_NBUCKETS && (double)us / 1e6 > h_buckets[b])
        b++;
    h->bucket[b]++;
    h->dur_us += us;
    h->n_req++;
    fprintf(stderr, "%s %s %d %llu\n", r->method, r->path, st,
            (unsigned long long)(us / 1000));
    serve_batch_free(&r->batch);
    free(r->op.body);
    free(r->body);
    free(r->key);
    free(r->id);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&h->active, 1);
}

/* libmicrohttpd's own complaints (a request line too long, ...), on one
 * line each, said to be its. */
static void h_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = 0;
    fprintf(stderr, "expc serve: libmicrohttpd: %s\n", msg);
}

/* The raw URL, undecoded (see the top of the file). */
static size_t h_no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

serve_http *serve_http_start(const serve_cfg *cfg)
{
    serve_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cfg = *cfg;
    /* The logger first: libmicrohttpd warns about any option before it. */
    h->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | (cfg->v6 ? MHD_USE_IPv6 : 0),
        (uint16_t)cfg->port, NULL, NULL, h_handler, h, MHD_OPTION_EXTERNAL_LOGGER, h_mhd_log,
        NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)H_POOL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&h->cfg.addr, MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
        MHD_OPTION_NOTIFY_COMPLETED, h_completed, h, MHD_OPTION_UNESCAPE_CALLBACK, h_no_unescape,
        NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
    if (!h->d) {
        fprintf(stderr, "expc: cannot listen on %s:%u (in use, or not an address of this "
                        "machine)\n", cfg->host, cfg->port);
        free(h);
        return NULL;
    }
    return h;
}

void serve_http_quiesce(serve_http *h, unsigned grace)
{
    MHD_socket fd = MHD_quiesce_daemon(h->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    for (unsigned i = 0; i < grace * 100 && atomic_load(&h->active) > 0; i++) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}

void serve_http_stop(serve_http *h)
{
    MHD_stop_daemon(h->d);
    free(h);
}
#else
typedef int serve_http_unused; /* ISO C: a translation unit is not empty */
#endif
