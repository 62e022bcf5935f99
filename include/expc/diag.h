/* diag.h - source files, spans and diagnostics.
 *
 * Every message expc prints about a script goes through this module: it owns
 * the table of diagnostic codes (the same table `expc explain` and
 * docs/diagnostics.md read), collects the diagnostics of a compilation, sorts
 * them by position and prints them as text (file:line:col, source line,
 * caret line, notes), as JSON lines, or as one SARIF 2.1.0 log for the
 * whole command.  A diagnostic may carry fixes (edits an editor can apply). */
#ifndef EXPC_DIAG_H
#define EXPC_DIAG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "expc/arena.h"

/* One loaded source file.  `text` is NUL-terminated; `len` excludes the NUL. */
typedef struct src_file {
    const char *path;   /* as shown in diagnostics */
    const char *real;   /* resolved real path (load-once key) */
    const char *text;
    size_t len;
    int id;             /* load order: diagnostics sort by it first */
    const size_t *line_starts; /* byte offset of each line (src_index), or NULL */
    size_t n_lines;
} src_file;

/* Builds f->line_starts so diagnostics find lines in O(log n). */
void src_index(arena *a, src_file *f);

/* A source range.  Lines and columns count from 1, columns in bytes;
 * end_line/end_col name the position just past the last byte (exclusive),
 * so a one-byte token at column 5 has col 5 and end_col 6. */
typedef struct span {
    const src_file *file;
    int line, col;
    int end_line, end_col;
} span;

typedef enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

/* The code table: one row per code of docs/language.md, with the text
 * `explain` prints.  The checker names codes by string; severity comes from here. */
typedef struct diag_code {
    const char *code;        /* "E0303" */
    diag_severity severity;  /* DIAG_ERROR or DIAG_WARNING */
    const char *summary;     /* one line: when it is reported */
    const char *explanation; /* a paragraph: what it means and why */
    const char *wrong;       /* an example script that triggers it */
    const char *right;       /* the same script, fixed */
} diag_code;

extern const diag_code diag_codes[];
extern const size_t diag_code_count;
const diag_code *diag_lookup(const char *code);

typedef enum diag_format { DIAG_TEXT, DIAG_JSON, DIAG_SARIF } diag_format;

typedef struct diag_note_t {
    span sp;
    char *message;
} diag_note_t;

/* A note's span has file NULL when the note has no place (the folders an
 * import was searched in): it then prints as a bare `note:` line. */

/* Replace `sp` (end exclusive; an empty span inserts) with `text`. */
typedef struct diag_edit {
    span sp;
    char *text;
} diag_edit;

/* A machine-readable fix: what it does, and the edits that do it. */
typedef struct diag_fix {
    char *message;
    diag_edit *edits;
    size_t n_edits;
} diag_fix;

/* The SARIF log of a command: results of every flush, written at the end. */
typedef struct diag_sarif diag_sarif;

typedef struct diagnostic {
    const diag_code *code;    /* NULL if the code is not in the table */
    const char *code_name;    /* "E0303" as reported */
    diag_severity severity;   /* warnings become errors under -Werror */
    span sp;
    char *message;
    diag_note_t *notes;
    size_t n_notes;
    diag_fix *fixes;
    size_t n_fixes;
    size_t seq;               /* report order: ties keep it (stable sort) */
} diagnostic;

typedef struct diag_ctx {
    arena *a;
    diag_format format;
    bool color;
    bool werror;
    bool hide_warnings;      /* `run`: only errors are shown (see main.c) */
    int max_errors;          /* 0: unlimited */
    diagnostic **list;
    size_t n, cap;
    int errors, warnings;
    bool stopped;            /* --max-errors cut the work or the output */
    bool told_stopped;
    size_t seq;
    FILE *out;               /* stderr, or a test's buffer */
    diag_sarif *sarif;       /* DIAG_SARIF: where flushes add their results */
} diag_ctx;

void diag_init(diag_ctx *d, arena *a);

/* Report a diagnostic for `code` at `sp`.  Returns the diagnostic so notes
 * can be attached (NULL is accepted by diag_add_note too). */
diagnostic *diag_report(diag_ctx *d, const char *code, span sp,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_add_note(diag_ctx *d, diagnostic *dg, span sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Attach a fix of one edit: replace `sp` with `text`.  Returns the fix so
 * more edits can be added (NULL is accepted, as by diag_add_note). */
diag_fix *diag_add_fix(diag_ctx *d, diagnostic *dg, span sp, const char *text,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_fix_add_edit(diag_ctx *d, diag_fix *f, span sp, const char *text);

/* True once --max-errors errors have been reported: the scanner stops. */
bool diag_full(const diag_ctx *d);

/* Sort what was collected by (file, line, column) and print it; then clear
 * the list (counts are kept). */
void diag_flush(diag_ctx *d);

/* SARIF: a log collects the results of every diag_flush of the contexts
 * that point at it (one per script of `check a.exp b.exp`); diag_sarif_write
 * prints it as one JSON document, then frees it.  `version` is expc's. */
diag_sarif *diag_sarif_new(void);
int diag_sarif_write(diag_sarif *s, FILE *out, const char *version);

/* The 1-based column, counted in code points, of byte column `col` of
 * `line` (SARIF's unicodeCodePoints); columns past the line's end count
 * one each. */
int diag_column_cp(const src_file *f, int line, int col);

/* Did-you-mean: optimal-string-alignment distance (Levenshtein plus the
 * swap of two neighbours), giving up above `limit`; and how far a name may
 * be from a suggestion. */
int diag_edit_distance(const char *s, const char *t, int limit);
int diag_suggest_limit(const char *name);

/* The whole source line `line` of `f` (without its newline). */
const char *diag_line_text(const src_file *f, int line, size_t *len);

/* `s` as valid UTF-8 (JSON needs it): each byte that starts no valid
 * sequence becomes U+FFFD. */
char *diag_utf8_clean(arena *a, const char *s);

/* A path as a URI reference (SARIF's artifact, LSP's document): relative
 * as it is, absolute as a file: URI; unreserved characters and `/` stay,
 * the rest is percent-encoded. */
char *diag_path_uri(arena *a, const char *path);

/* A span covering a..b. */
span span_join(span a, span b);
#endif
