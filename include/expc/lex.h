/* lex.h - what the scanner (grammar/exp.l) and the parser (grammar/exp.y)
 * share: the per-file scanner state kept in flex's `extra` slot. */
#ifndef EXPC_LEX_H
#define EXPC_LEX_H
#include <stdbool.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"

typedef struct lex_extra {
    arena *a;
    diag_ctx *d;
    const src_file *src;
    ast_file *file;
    int line, col;        /* position of the next byte */
    size_t off;           /* its byte offset */
    int tok_line, tok_col; /* just past the last token */
    int prev_line, prev_col; /* just past the token before it: where a
                              * missing `;` belongs */
    int errors;           /* lexical + syntax errors in this file */
    int err_line, err_col; /* the token a syntax error was reported at */
    bool uses_02;         /* a 0.2 token (keyword, duration, `@`) was read */
    bool last_expect;     /* the last token read was `expect` */
    bool after_expect;    /* the token being read follows `expect`: there
                           * `score` and `points` are field names */
} lex_extra;

/* Keep scanning after an error, or stop (over --max-errors). */
int lex_should_stop(lex_extra *x);
#endif
