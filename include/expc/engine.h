/* engine.h - the engines `expc run --engine=NAME` chooses from.
 *
 * Like the backends of emit.h: one table, engines[], says each engine's
 * name, whether it needs LLVM and how to make it over a lowered machine, so
 * the run command holds no knowledge of any one engine.  The table goes
 * from the reference interpreter to the fastest engine: the default is the
 * last one that can run here. */
#ifndef EXPC_ENGINE_H
#define EXPC_ENGINE_H
#include <stdbool.h>

#include "expc/ir.h"
#include "expc/rt.h"

typedef struct engine {
    const char *name;       /* "interp", "jit" */
    bool needs_llvm;        /* only in an expc built with LLVM */
    /* Whether it can run now (for the default choice; says nothing when
     * not).  NULL: always. */
    bool (*available)(void);
    /* Makes the engine over `m` (optimised at -O`opt` where that means
     * something) into *e, and *h for close; with `tally`, e->step_batch_tally
     * too (the report's counts; an engine may leave it NULL otherwise).
     * Returns an exit code; not 0 after a message on stderr. */
    int (*open)(const ir_machine *m, int opt, bool tally, rt_engine *e, void **h);
    void (*close)(void *h);
} engine;

/* Every engine, NULL-terminated, the reference interpreter first. */
extern const engine *const engines[];

/* The engine called `name`, or NULL. */
const engine *engine_find(const char *name);
/* Whether this expc has `e` at all (an engine needing LLVM in a build
 * without it has not). */
bool engine_built(const engine *e);
/* The last engine built in and available (the interpreter always is). */
const engine *engine_default(void);
/* The names as "a|b" (for --engine's choices and its --help line). */
const char *engine_names(void);
#endif
