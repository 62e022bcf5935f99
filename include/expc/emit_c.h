/* emit_c.h - the C backend's pieces, for backends that embed its code.
 *
 * `expc build --emit=c` goes through cgen_backend (emit.h), which writes
 * OUT.c and OUT.h atomically.  Other backends that need the same machine as
 * C text (the PostgreSQL extension) call the writers below on their own
 * streams; whoever calls them checks ferror() afterwards.  All output is
 * deterministic: the same machine and options give the same bytes. */
#ifndef EXPC_EMIT_C_H
#define EXPC_EMIT_C_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "expc/arena.h"
#include "expc/emit.h"
#include "expc/ir.h"

typedef struct cgen_opts {
    const char *prefix;       /* P; must satisfy emit_prefix_ok */
    const char *file_name;    /* named in the opening comment; NULL: none */
    const char *header_name;  /* the source's #include "..."; NULL: the
                               * declarations are written into the source */
    bool main;                /* add the embedded runtime and main() */
} cgen_opts;

/* The header for `out`: OUT with a final ".c" replaced by ".h", and ".h"
 * appended when the base name does not end in ".c" (foo -> foo.h,
 * foo.cc -> foo.cc.h, dir/.c -> dir/.c.h). */
char *cgen_header_path(arena *a, const char *out);

/* Writers; `m` must pass emit_machine_error and o->prefix emit_prefix_ok. */
void cgen_write_header(FILE *f, const ir_machine *m, const cgen_opts *o);
void cgen_write_source(FILE *f, const ir_machine *m, const cgen_opts *o);

/* The backend entry (cgen_backend.emit). */
int cgen_emit(arena *a, const ir_machine *m, const emit_opts *o);

/* src/rt's libc-only sources (include/expc/rt.h, then every .c file of
 * src/rt but ndjson.c) as one text with their "expc/..." includes removed: made at
 * build time by tools/embed.sh into build/rt_embed.c.  Not NUL-counted:
 * cgen_runtime_size bytes (an unsigned char array, so no string literal
 * length limit applies). */
extern const unsigned char cgen_runtime_source[];
extern const size_t cgen_runtime_size;
#endif
