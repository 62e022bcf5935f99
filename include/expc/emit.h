/* emit.h - the backend interface (QBE's struct Target).
 *
 * A backend turns one lowered machine into files.  `expc build --emit=KIND`
 * looks the kind up in emit_backends[] and calls it; the backend writes its
 * outputs through outfile.h so they appear whole or not at all. */
#ifndef EXPC_EMIT_H
#define EXPC_EMIT_H
#include <stdbool.h>

#include "expc/arena.h"
#include "expc/ir.h"

typedef struct emit_opts {
    const char *out;        /* -o, or the default name (base name + ext) */
    const char *prefix;     /* P: --prefix, default "exp_" + experience name */
    int opt_level;          /* -O0..-O3, default 2 */
    bool main;              /* --main: add the standalone program */
} emit_opts;

typedef struct emit_backend {
    const char *kind;       /* "c", "llvm-ir", "llvm-bc", "obj", "pg" */
    const char *ext;        /* default output extension: ".c", ".ll", ... */
    bool needs_llvm;
    /* Returns 0, 2 (usage, e.g. LLVM not built in), 70 or 74. */
    int (*emit)(arena *a, const ir_machine *m, const emit_opts *o);
    /* What the backend writes when it is more than one file ("a folder"),
     * NULL when it is one: only a single file can go to `-o -`. */
    const char *several;
} emit_backend;

/* Every backend compiled in, NULL-terminated. */
extern const emit_backend *const emit_backends[];

/* The C backend: the code text for the machine (header and source), used by
 * --emit=c and by the PostgreSQL backend. */
extern const emit_backend cgen_backend;
#endif
