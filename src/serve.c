/* serve.c - `expc serve`: options, start-up checks, signals, shutdown.
 *
 * The order of a start: the engine over the lowered machine (the same as
 * `run`'s), the token, the LMDB environment (created, or checked to hold
 * this machine's state by its fingerprint), then the HTTP daemon.  SIGINT
 * and SIGTERM are blocked in every thread and taken by the main thread
 * with sigwait: it stops the daemon taking connections, lets the requests
 * under way finish, drains the committer, and exits 0 with every answered
 * body durable.  serve.h has the map of the parts. */
#include "expc/serve.h"

#include <stdlib.h>
#include <string.h>

#include "expc/exitcode.h"

#define SERVE_LISTEN "127.0.0.1:7070"
#define SERVE_MAX_BODY ((size_t)64 << 20)
#define SERVE_TIMEOUT 30

static const char *set_data(void *dst, const char *v, int k)
{
    (void)k;
    if (!*v)
        return "--data needs a folder%s";
    ((serve_opts *)dst)->data = v;
    return NULL;
}

static const char *set_listen(void *dst, const char *v, int k)
{
    (void)k;
    ((serve_opts *)dst)->listen = v;
    return NULL;
}

static const char *set_token_file(void *dst, const char *v, int k)
{
    (void)k;
    ((serve_opts *)dst)->token_file = v;
    return NULL;
}

static const char *set_max_body(void *dst, const char *v, int k)
{
    size_t n = rt_opt_size(v);
    (void)k;
    if (n == 0)
        return "--max-body is a size such as 512K or 64M (K, M, G: powers of 1024), not `%s`";
    ((serve_opts *)dst)->max_body = n;
    return NULL;
}

static const char *set_timeout(void *dst, const char *v, int k)
{
    char *end;
    long n = strtol(v, &end, 10);
    (void)k;
    if (!*v || *end || n < 1 || n > 3600)
        return "--timeout is a number of seconds from 1 to 3600, not `%s`";
    ((serve_opts *)dst)->timeout = (unsigned)n;
    return NULL;
}

const rt_optdef serve_options[] = {
    { "--data", "DIR", NULL, SERVE_OPT, "the state's folder, an LMDB environment (required)",
      set_data, 0 },
    { "--listen", "HOST:PORT", NULL, SERVE_OPT, "address to listen on (default " SERVE_LISTEN
      ")", set_listen, 0 },
    { "--token-file", "F", NULL, SERVE_OPT,
      "require `Authorization: Bearer TOKEN`, TOKEN the first line of F", set_token_file, 0 },
    { "--max-body", "SIZE", NULL, SERVE_OPT, "largest POST body (default 64M); larger: 413",
      set_max_body, 0 },
    { "--timeout", "SECONDS", NULL, SERVE_OPT,
      "close a connection idle or sending this long (default 30)", set_timeout, 0 },
    { "--reset", NULL, NULL, SERVE_OPT, "empty the --data folder first (another machine's)",
      NULL, offsetof(serve_opts, reset) },
    { NULL, NULL, NULL, 0, NULL, NULL, 0 },
};

void serve_opts_init(serve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_body = SERVE_MAX_BODY;
    o->timeout = SERVE_TIMEOUT;
}

void serve_help(FILE *f)
{
    rt_opt_help(f, serve_options, SERVE_OPT, 22);
    fputs("  and the common options (see expc --help); docs/service.md has the routes\n", f);
}

#if !EXPC_SERVE
int serve_main(const ir_machine *m, const engine *en, int opt, const rt_opts *run,
               const serve_opts *o)
{
    (void)m, (void)en, (void)opt, (void)run, (void)o;
    fprintf(stderr, "expc: serve needs libmicrohttpd and LMDB, and this expc was built "
                    "without them (install libmicrohttpd-dev and liblmdb-dev, then make)\n");
    return RT_EXIT_USAGE;
}
#else
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>

#include "expc/report.h"
#include "serve_int.h"

/* The machine's fingerprint: FNV-1a 64 over everything that decides a
 * score and over the stored state's layout, so a DIR written by another
 * machine (or another expc state layout) is refused.  Fields added to
 * ir_machine for new rules must be added here. */
static void fp_add(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ s[i]) * 1099511628211ull;
}

static void fp_str(uint64_t *h, const char *s)
{
    size_t n = s ? strlen(s) + 1 : 0;
    fp_add(h, &n, sizeof n);
    fp_add(h, s ? s : "", n);
}

static void serve_fingerprint(const ir_machine *m, char out[17])
{
    uint64_t h = 14695981039346656037ull;
    /* the stored state's size: that of a machine with its time rules */
    size_t sz = RT_STATE_SIZE(m->uses_time, m->n_caps);
    fp_str(&h, "expc-serve-1");
    fp_add(&h, &sz, sizeof sz);
    fp_str(&h, m->name);
    fp_add(&h, &m->n_notes, sizeof m->n_notes);
    for (int32_t k = 0; k < m->n_notes; k++) {
        fp_str(&h, m->notes[k].name);
        fp_add(&h, &m->notes[k].threshold, sizeof m->notes[k].threshold);
    }
    fp_add(&h, &m->penalty_early, sizeof m->penalty_early);
    fp_add(&h, &m->n_events, sizeof m->n_events);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        fp_str(&h, e->name);
        fp_add(&h, &e->note, sizeof e->note);
        fp_add(&h, &e->points, sizeof e->points);
        fp_add(&h, &e->counts_from, sizeof e->counts_from);
        if (m->uses_time) { /* a machine without time rules keeps its fingerprint */
            fp_add(&h, &e->cap, sizeof e->cap);
            fp_add(&h, &e->cap_per, sizeof e->cap_per);
        }
    }
    if (m->uses_time) {
        fp_add(&h, &m->within, sizeof m->within);
        fp_add(&h, &m->reset_after, sizeof m->reset_after);
    }
    for (size_t i = 0; i < m->n_aliases; i++) {
        fp_str(&h, m->aliases[i].name);
        fp_add(&h, &m->aliases[i].event, sizeof m->aliases[i].event);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The token: the first line of the file, without its line end. */
static int serve_token(const char *path, char **token)
{
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    *token = NULL;
    if (!path)
        return RT_EXIT_OK;
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "expc: --token-file=%s: %s\n", path, strerror(errno));
        return RT_EXIT_NOINPUT;
    }
    ssize_t n = getline(&line, &cap, f);
    fclose(f);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    if (n <= 0) {
        free(line);
        fprintf(stderr, "expc: --token-file=%s: the first line (the token) is empty\n", path);
        return RT_EXIT_USAGE;
    }
    *token = line;
    return RT_EXIT_OK;
}

/* --listen HOST:PORT into cfg: host and port for messages, and the socket
 * address the daemon binds (host: an IPv4 address, localhost, or an IPv6
 * address in brackets, as in URLs: [::1]:7070).  The one place the
 * address is read. */
static int serve_listen(const char *v, serve_cfg *cfg, char *host, size_t size)
{
    const char *colon = strrchr(v, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    size_t n = colon ? (size_t)(colon - v) : 0;
    bool v6 = n >= 2 && v[0] == '[' && v[n - 1] == ']';
    if (!colon || colon == v || n >= size || !colon[1] || *end || port < 1 || port > 65535 ||
        (!v6 && memchr(v, ':', n)))
        return rt_usage_error("expc", "--listen is HOST:PORT (such as 127.0.0.1:7070 or "
                              "[::1]:7070), not `%s`", v);
    snprintf(host, size, "%.*s", (int)(v6 ? n - 2 : n), v6 ? v + 1 : v);
    cfg->host = strcmp(host, "localhost") ? host : "127.0.0.1";
    cfg->port = (unsigned)port;
    cfg->v6 = v6;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&cfg->addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&cfg->addr;
    memset(&cfg->addr, 0, sizeof cfg->addr);
    if (inet_pton(v6 ? AF_INET6 : AF_INET, cfg->host,
                  v6 ? (void *)&a6->sin6_addr : (void *)&a4->sin_addr) != 1)
        return rt_usage_error("expc", v6 ? "--listen: `%s` is not an IPv6 address"
                                         : "--listen: `%s` is not an IPv4 address", host);
    if (v6) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
    } else {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
    }
    return RT_EXIT_OK;
}

/* Serves until SIGINT or SIGTERM; the store and engine are open.  The
 * stop: no new connections, the requests under way finish, the committer's
 * queue drains, then the daemon stops. */
static int serve_loop(serve_cfg *cfg, const ir_machine *m, const char *engine_name,
                      const char *data, const sigset_t *stop)
{
    serve_http *h = serve_http_start(cfg);
    int sig = 0;
    if (!h)
        return RT_EXIT_ERRORS;
    fprintf(stderr, "expc serve: experience %s on http://%s%s%s:%u (engine %s, data %s)\n",
            m->name, cfg->v6 ? "[" : "", cfg->host, cfg->v6 ? "]" : "", cfg->port, engine_name,
            data);
    while (sigwait(stop, &sig) != 0)
        ;
    fprintf(stderr, "expc serve: %s: finishing the requests under way\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    serve_http_quiesce(h, cfg->timeout);
    serve_store_drain(cfg->store);
    serve_http_stop(h);
    return RT_EXIT_OK;
}

int serve_main(const ir_machine *m, const engine *en, int opt, const rt_opts *run,
               const serve_opts *o)
{
    serve_cfg cfg;
    char host[256], fp[17];
    char *token = NULL;
    serve_store *store = NULL;
    rt_engine e;
    void *eh = NULL;
    sigset_t stop;
    if (!o->data)
        return rt_usage_error("expc", "serve needs --data=DIR, the folder of its state%s", "");
    if (m->uses_time && !run->col[RT_COL_TIME])
        return rt_time_needed(stderr, "expc", m->name);
    memset(&cfg, 0, sizeof cfg);
    int rc = serve_listen(o->listen ? o->listen : SERVE_LISTEN, &cfg, host, sizeof host);
    if (!rc)
        rc = serve_token(o->token_file, &token);
    if (rc)
        return rc;
    /* Every thread made from here on (the daemon's, the committer) leaves
     * these signals to the main thread's sigwait. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((rc = en->open(m, opt, true, &e, &eh))) { /* tally: GET /'s counts */
        free(token);
        return rc;
    }
    e.experience = m->name;
    /* Every event through the report's counter: GET / shows what each did. */
    report_run *counter = report_count(m, &e);
    serve_fingerprint(m, fp);
    rc = serve_store_open(&store, o->data, m, fp, o->reset, &e, counter);
    if (!rc) {
        cfg.m = m;
        cfg.e = &e;
        cfg.in.e = &e;
        memcpy(cfg.in.col, run->col, sizeof cfg.in.col);
        cfg.in.input = run->input;
        cfg.store = store;
        cfg.token = token;
        cfg.max_body = o->max_body;
        cfg.timeout = o->timeout;
        rc = serve_loop(&cfg, m, en->name, o->data, &stop);
    }
    serve_store_close(store);
    report_run_free(counter);
    en->close(eh);
    free(token);
    return rc;
}
#endif
