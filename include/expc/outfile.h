/* outfile.h - atomic output files.
 *
 * Nothing expc writes is ever left half-written: each output goes to a
 * temporary file in the destination folder, and only when every output of a
 * command is complete and flushed are they renamed into place (docs/language.md §9).  On
 * any failure every temporary is removed and the command exits 74. */
#ifndef EXPC_OUTFILE_H
#define EXPC_OUTFILE_H
#include <stdbool.h>
#include <stdio.h>

typedef struct outfile {
    const char *path;   /* final name */
    char *tmp;          /* temporary name, malloc'd; NULL when written in place */
    FILE *f;            /* write here */
    bool failed;
} outfile;

/* Opens a temporary beside `path`; `-` is standard output, and an existing
 * device or FIFO is written in place.  On failure prints `expc: PATH: reason`
 * and returns false (exit 74). */
bool outfile_open(outfile *o, const char *path);
/* Closes and renames every file of `os` into place, or (when any failed,
 * or `ok` is false) removes every temporary.  Returns 0 or 74. */
int outfile_commit(outfile *os, int n, bool ok);
#endif
