/* tools.h - author tools: the formatter and the graph writer. */
#ifndef EXPC_TOOLS_H
#define EXPC_TOOLS_H
#include <stdio.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/ir.h"

/* The canonical layout of a file that parsed cleanly, comments kept, as a
 * NUL-terminated string in the arena. */
char *fmt_format(arena *a, const ast_file *f);

/* Graphviz DOT of the machine. Returns 0, or -1 on a write error. */
int graph_write(FILE *out, const ir_machine *m);
#endif
