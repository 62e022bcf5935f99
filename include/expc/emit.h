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
    const char *out;        /* -o; NULL: emit_default_out(script, ext) */
    const char *prefix;     /* P: --prefix; NULL: emit_default_prefix */
    int opt_level;          /* -O0..-O3, default 2 */
    bool main;              /* --main: add the standalone program */
} emit_opts;

typedef struct emit_backend {
    const char *kind;       /* "c", "llvm-ir", "llvm-bc", "obj", "pg" */
    const char *ext;        /* default output extension: ".c", ".ll", ... */
    bool needs_llvm;        /* listed even when expc is built without LLVM */
    /* Returns RT_EXIT_OK, RT_EXIT_USAGE (e.g. LLVM not built in or not
     * installed), RT_EXIT_SOFTWARE or RT_EXIT_IOERR; NULL when the kind
     * needs LLVM and this expc was built without it. */
    int (*emit)(arena *a, const ir_machine *m, const emit_opts *o);
    /* What the backend writes when it is more than one file ("a folder"),
     * NULL when it is one: only a single file can go to `-o -`. */
    const char *several;
} emit_backend;

/* Every backend kind, NULL-terminated; the LLVM kinds are there without
 * LLVM too (needs_llvm, emit NULL), so they can be named in messages. */
extern const emit_backend *const emit_backends[];

/* The kinds of emit_backends[], in table order, separated by ", " with
 * `last` before the last one (", " or " and "); only those that write one
 * file when `one_file`.  In arena `a`. */
const char *emit_kind_list(arena *a, bool one_file, const char *last);

/* ---- what every backend decides the same way ------------------------- */

/* P when --prefix is not given: "exp_" + the experience name. */
const char *emit_default_prefix(arena *a, const ir_machine *m);

/* o->prefix, or emit_default_prefix. */
const char *emit_prefix(arena *a, const ir_machine *m, const emit_opts *o);

/* True when P is a C identifier, so P_state and the other names are too
 * (every backend names C or LLVM symbols after it). */
bool emit_prefix_ok(const char *prefix);

/* UP: the prefix upper-cased (ASCII only: it is an identifier), for the
 * generated macros.  malloc'd; the caller frees it. */
char *emit_upper(const char *prefix);

/* The output when -o is not given: the base name of `script` without a
 * final ".exp", then `ext` (hotel/grand.exp -> grand.c for ".c"). */
const char *emit_default_out(arena *a, const char *script, const char *ext);

/* The name default outputs are made from when a backend is called without
 * -o: the machine's script, or the experience name when it has none. */
const char *emit_script_name(const ir_machine *m);

/* NULL when `m` is well formed for code generation, else why not (a
 * constant string).  Lowering guarantees all of it, so failing here is an
 * internal error (RT_EXIT_SOFTWARE); the check keeps a malformed machine
 * from becoming out-of-bounds code. */
const char *emit_machine_error(const ir_machine *m);

/* The C backend: the code text for the machine (header and source), used by
 * --emit=c and by the PostgreSQL backend. */
extern const emit_backend cgen_backend;
#endif
