/* serve_int.h - what the parts of `expc serve` share (see serve.h for the
 * map); not an interface for the rest of expc. */
#ifndef EXPC_SERVE_INT_H
#define EXPC_SERVE_INT_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "expc/ir.h"
#include "expc/rt.h"
#include "expc/serve.h"

struct report_run;

/* ---- serve_body.c: one POST body read into events ---------------------- */

/* The declared events of a valid body, in body order: customer i's id is
 * ids[off[i], off[i] + len[i]). */
typedef struct serve_batch {
    char *ids;
    size_t ids_len, ids_cap;
    size_t *off, *len;
    int32_t *ev;
    int64_t *t;               /* times (0 without --time) */
    size_t n, cap;
    uint64_t skipped;         /* lines naming an undeclared event */
    bool timed;
} serve_batch;

/* How a body is read: the engine's event names and the column options. */
typedef struct serve_input {
    const rt_engine *e;
    const char *col[3];       /* rt_opts.col */
    rt_input input;           /* --input */
} serve_input;

/* Reads body[0, n) (ndjson: 1 yes, 0 CSV, -1 by content) into *b.  0 when
 * valid; else an HTTP status (400 bad data, 500 no memory) with *why a
 * malloc'd message for {"error": ...}.  Nothing of an invalid body is kept. */
int serve_body_read(const serve_input *in, const char *body, size_t n, int ndjson,
                    serve_batch *b, char **why);
void serve_batch_free(serve_batch *b);

/* ---- serve_store.c: the LMDB environment and group commit ------------- */

typedef struct serve_store serve_store;

/* Opens (creating when missing) the environment in dir for machine m with
 * fingerprint `fp`; reset empties it first.  Events are stepped through e;
 * counter (NULL: none) is the report's counter wrapping it, whose counts
 * the store keeps.  Returns an exit code after a message on stderr (1: the
 * folder cannot be used). */
int serve_store_open(serve_store **sp, const char *dir, const ir_machine *m, const char *fp,
                     bool reset, const rt_engine *e, struct report_run *counter);
/* Stops the committer after the queued work (all answered durably); what is
 * submitted later is answered 503 at once. */
void serve_store_drain(serve_store *s);
/* Drains, then closes. */
void serve_store_close(serve_store *s);

/* One piece of work for the committer, answered through done() once its
 * group is durable (or failed: status 507/500). */
typedef enum serve_op_kind { SERVE_OP_POST, SERVE_OP_DELETE } serve_op_kind;
typedef struct serve_op {
    serve_op_kind kind;
    serve_batch *batch;       /* POST */
    const char *key;          /* POST: Idempotency-Key, or NULL */
    size_t key_len;
    const char *id;           /* DELETE: the customer */
    size_t id_len;
    /* the answer */
    int status;
    char *body;               /* malloc'd JSON, or NULL */
    size_t body_len;
    uint64_t accepted, skipped, late; /* POST 200: for the metrics */
    void (*done)(struct serve_op *op);
    void *arg;
    struct serve_op *next;
} serve_op;
/* Queues op; done() is called from the committer thread. */
void serve_store_submit(serve_store *s, serve_op *op);

/* Reads (a read transaction each): the customer's state (1 found, 0 not,
 * -1 error); every customer in first-seen order through fn (false: an
 * error); how many customers there are. */
int serve_store_get(serve_store *s, const char *id, size_t n, rt_state *st);
typedef bool serve_row_fn(void *arg, const char *id, size_t n, const rt_state *st);
bool serve_store_scan(serve_store *s, serve_row_fn *fn, void *arg);
uint64_t serve_store_count(serve_store *s);
/* The report page (report.h) of the stored state, read in one transaction:
 * every customer, the per-event counts and the lines applied; false when
 * it could not be read or written. */
bool serve_store_page(serve_store *s, const ir_machine *m, FILE *f);

/* ---- serve_http.c: the HTTP side ------------------------------------- */

typedef struct serve_http serve_http;
typedef struct serve_cfg {
    const ir_machine *m;
    const rt_engine *e;
    serve_input in;
    serve_store *store;
    const char *token;        /* NULL: none */
    size_t max_body;
    unsigned timeout;
    const char *host;         /* for messages: as given, without brackets (localhost: 127.0.0.1) */
    unsigned port;
    struct sockaddr_storage addr; /* host and port as a socket address (serve.c) */
    bool v6;                  /* addr is IPv6 */
} serve_cfg;
/* Starts listening; NULL after a message (the address cannot be used). */
serve_http *serve_http_start(const serve_cfg *cfg);
/* Stops taking connections and lets the requests under way finish (at
 * most `grace` seconds); then serve_http_stop closes everything. */
void serve_http_quiesce(serve_http *h, unsigned grace);
void serve_http_stop(serve_http *h);
#endif
