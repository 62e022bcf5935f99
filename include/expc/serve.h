/* serve.h - `expc serve`: the experience as an HTTP scoring service.
 *
 * docs/service.md is the user's guide.  The service scores with the same
 * lowered machine and engine as `expc run` (engine.h) and writes rows with
 * the runtime's writer (rt.h), so a table it serves is byte for byte what
 * `run` writes for the same events.  Parts, all `serve_` prefixed:
 *   serve.c        options, start-up checks, signals and shutdown
 *   serve_body.c   a POST body read into events with the runtime's readers
 *   serve_store.c  the LMDB environment: customers, idempotency keys, the
 *                  machine's fingerprint; group commit
 *   serve_http.c   libmicrohttpd: routes, token, limits, metrics, log
 * Built only when libmicrohttpd and LMDB were found (EXPC_SERVE); without
 * them serve_main says so and returns RT_EXIT_USAGE. */
#ifndef EXPC_SERVE_H
#define EXPC_SERVE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "expc/engine.h"
#include "expc/ir.h"
#include "expc/rt.h"

typedef struct serve_opts {
    const char *data;         /* --data=DIR (required) */
    const char *listen;       /* --listen=HOST:PORT; NULL: 127.0.0.1:7070 */
    const char *token_file;   /* --token-file=F; NULL: no token */
    size_t max_body;          /* --max-body=SIZE, bytes (default 64M) */
    bool reset;               /* --reset: empty DIR first */
    unsigned timeout;         /* --timeout=SECONDS: an idle or slow connection */
} serve_opts;

#define SERVE_OPT 1u          /* rt_optdef.who of serve_options */

/* serve's own options (rt_opt_parse with SERVE_OPT into a serve_opts). */
extern const rt_optdef serve_options[];
void serve_opts_init(serve_opts *o);
/* The end of `expc serve --help`. */
void serve_help(FILE *f);

/* Runs the service over machine `m` with engine `en` (-O`opt`), the input
 * options of `run` (columns, --input) and `o`, until SIGINT or SIGTERM.
 * Returns an exit code: 0 after a clean stop; 1 when DIR cannot be used
 * (not writable, another machine's, in use); 2 usage, or a build without
 * the service. */
int serve_main(const ir_machine *m, const engine *en, int opt, const rt_opts *run,
               const serve_opts *o);
#endif
