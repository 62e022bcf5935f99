/* load.h - loading a script and its imports.
 *
 * A program is a root file plus everything it imports, transitively, each
 * file loaded once by its resolved real path (so repeated and cyclic imports
 * are harmless).  Search order (docs/language.md, "Files and imports"): the
 * importing file's folder, each -I folder in order, each EXP_PATH folder,
 * then the bundled stdlib. */
#ifndef EXPC_LOAD_H
#define EXPC_LOAD_H
#include <stdbool.h>
#include <stddef.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"

/* An editor's open buffers (`expc lsp`): the unsaved text of `path` (as
 * the loader is about to open it), or NULL to read the disk.  The text
 * need not be NUL-terminated; the loader copies it. */
typedef const char *load_overlay_fn(void *ctx, const char *path, size_t *len);

typedef struct load_opts {
    const char **include_dirs;  /* -I, in order */
    size_t n_include;
    const char *stdlib_dir;     /* bundled stdlib, found from the binary */
    load_overlay_fn *overlay;   /* open buffers before the disk; NULL: none */
    void *overlay_ctx;
} load_opts;

typedef struct missing missing;

typedef struct program {
    ast_file **files;           /* files[0] is the root; then in load order */
    size_t n_files;
    int syntax_errors;          /* E0101-E0110 over all files */
    missing *missing;           /* imports not found (load.c) */
    const char *stdlib_dir;     /* load_opts's, for the missing-import hint */
    /* Filled by sema: every experience of every file, in load order. */
    ast_item **experiences;
    size_t n_experiences;
} program;

/* Loads `path` and its imports.  Returns NULL (after printing
 * `expc: PATH: reason`) when the root itself cannot be read: exit 66.
 * Import failures are E0205 diagnostics. */
program *load_program(arena *a, diag_ctx *d, const load_opts *o, const char *path);

/* The .exp files of the stdlib folder `dir` that parse cleanly, parsed,
 * in name order; *n is their count.  Their diagnostics are dropped: only the
 * checker's hints read them, and they must not add messages of their own. */
ast_file **load_stdlib_files(arena *a, const char *dir, size_t *n);

/* Reads a whole file into the arena (NUL-terminated).  NULL + errno on
 * failure; a directory fails with EISDIR. */
char *load_read_file(arena *a, const char *path, size_t *len);
/* The same for what is left to read on an open descriptor (`expc fmt -`
 * reads standard input), which stays open. */
char *load_read_fd(arena *a, int fd, size_t *len);

/* The stdlib folder for a binary at `argv0`: <bindir>/../share/expc/stdlib
 * when installed, <bindir>/../stdlib in the build tree. */
const char *load_find_stdlib(arena *a, const char *argv0);
#endif
