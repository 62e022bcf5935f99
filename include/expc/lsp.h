/* lsp.h - `expc lsp`, the language server (docs/editors.md).
 *
 * LSP 3.17 over standard input and output: Content-Length framed JSON-RPC
 * (jansson).  The server keeps the open buffers and runs the compiler's own
 * front end on them - the loader reads open buffers before the disk
 * (load_opts.overlay), so unsaved imported buffers count -, then answers
 * from the diagnostics and the syntax trees of that run.  Three files:
 * lsp.c (messages, buffers, diagnostics, formatting, code actions),
 * lsp_lang.c (hover, definition, symbols, completion: questions about the
 * syntax tree) and lsp_pos.c (positions and URIs). */
#ifndef EXPC_LSP_H
#define EXPC_LSP_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/load.h"

/* ---- the server (lsp.c) ---- */

typedef struct lsp_server lsp_server;

/* A server answering on `out`.  `lo` gives -I and the stdlib; its overlay
 * is the server's own. */
lsp_server *lsp_new(const load_opts *lo, FILE *out);
void lsp_free(lsp_server *s);

/* Handles one message body (what followed the Content-Length header).
 * Returns false once `exit` has been received. */
bool lsp_handle(lsp_server *s, const char *body, size_t len);

/* Reads framed messages from `in` until `exit` or the end of the input and
 * returns the exit code: 0 after `shutdown` then `exit`, else 1 (as LSP
 * asks). */
int lsp_serve(lsp_server *s, FILE *in);

/* `expc lsp`: serves stdin/stdout. */
int lsp_main(const load_opts *lo);

/* ---- one run of the front end on a buffer (lsp.c) ---- */

typedef struct lsp_analysis {
    arena *a;
    diag_ctx d;             /* its diagnostics, never flushed */
    program *prog;          /* NULL when the root could not be read */
    const char *uri;        /* the root buffer's */
} lsp_analysis;

/* The URI of a loaded file: the root buffer's own, else file:// + path. */
const char *lsp_file_uri(const lsp_analysis *an, const src_file *f);

/* ---- language features (lsp_lang.c); positions are LSP's ---- */

/* Each returns the `result` of its request (JSON null when there is none). */
json_t *lsp_hover(const lsp_analysis *an, json_t *pos);
json_t *lsp_definition(const lsp_analysis *an, json_t *pos);
json_t *lsp_symbols(const lsp_analysis *an);
json_t *lsp_completion(const lsp_analysis *an, json_t *pos);

/* Markdown for a diagnostic code: `expc explain`'s parts. */
char *lsp_explain(arena *a, const diag_code *c);

/* ---- positions and URIs (lsp_pos.c) ---- */

/* UTF-16 code units in s[0..n) (LSP's columns): a 4-byte UTF-8 sequence
 * is two, a byte that starts no valid sequence one. */
size_t lsp_utf16_units(const char *s, size_t n);
/* The bytes of s[0..n) that the first `units` UTF-16 units cover; a unit
 * count inside a character or past the end stops after it / at n. */
size_t lsp_utf16_bytes(const char *s, size_t n, size_t units);

/* The LSP position {line, character} of 1-based line / byte column of f;
 * and the range of a span (file NULL: 0:0). */
json_t *lsp_position(const src_file *f, int line, int col);
json_t *lsp_range(const span *sp);

/* A position of `text` -> its byte offset.  False when `pos` is not a
 * {line, character} object; a line past the end is the end. */
bool lsp_offset(const char *text, size_t len, const json_t *pos, size_t *off);
/* The same as the 1-based line and byte column the compiler uses. */
bool lsp_line_col(const char *text, size_t len, const json_t *pos, int *line, int *col);

/* file:///a%20b.exp -> "/a b.exp" (malloc'd); NULL for another scheme or
 * a bad escape. */
char *lsp_uri_path(const char *uri);
#endif
