/* sema.h - every check of docs/language.md after the syntax.
 *
 * Runs on a program whose files all lexed and parsed cleanly.  Builds the
 * global namespace (emotions, industries, experiences share one), then checks
 * industries, experiences, paths against their industry, notes and events.
 * Rules judged on a path (E0303-E0305, E0402, E0503) run only when the path
 * itself is well formed, so one mistake gives one error. */
#ifndef EXPC_SEMA_H
#define EXPC_SEMA_H
#include "expc/arena.h"
#include "expc/diag.h"
#include "expc/load.h"

/* The touch points of the customer life cycle, in its order. */
#define SEMA_N_TOUCH 4
extern const char *const sema_touch_points[SEMA_N_TOUCH];

/* Reports into `d`; fills prog->experiences.  Returns the number of errors
 * it reported. */
int sema_check(arena *a, diag_ctx *d, program *prog);

/* The experience a test of `file` without `for` runs on: the only one
 * that file and its imports (transitively) declare; NULL when there are
 * none or several, *n saying how many. */
const ast_item *sema_test_default(const program *prog, const src_file *file, size_t *n);

/* The experience called `name`, or NULL. */
ast_item *sema_find_experience(const program *prog, const char *name);
#endif
