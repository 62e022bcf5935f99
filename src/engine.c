/* engine.c - the table of engines `expc run --engine=NAME` chooses from.
 *
 * The JIT lives in the LLVM plugin (llvm_plugin.h): it is listed in every
 * build, so --engine=jit is a known name even without LLVM, and main.c can
 * say what it needs; only here does the code depend on EXPC_LLVM. */
#include "expc/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/exitcode.h"
#include "expc/interp.h"
#include "expc/llvm_plugin.h"

#if EXPC_LLVM
#include <malloc.h> /* malloc_trim, a glibc extension: only the JIT uses it */
#endif

static int interp_open(const ir_machine *m, int opt, bool tally, rt_engine *e, void **h)
{
    interp *it = interp_new(m);
    (void)opt;
    (void)tally; /* always there: it costs the interpreter nothing to have */
    *e = interp_engine(it);
    *h = it;
    return RT_EXIT_OK;
}

static void interp_close(void *h)
{
    interp_free(h);
}

static const engine interp_def = { "interp", false, NULL, interp_open, interp_close };

#if EXPC_LLVM
/* The plugin missing (expc-llvm.so not installed beside this binary) makes
 * the JIT unavailable: the default then falls back on the interpreter,
 * which gives the same output, quietly. */
static bool jit_available(void)
{
    return llvm_plugin_load(false) != NULL;
}

static int jit_open(const ir_machine *m, int opt, bool tally, rt_engine *e, void **h)
{
    const llvm_plugin *lp = llvm_plugin_load(true);
    char *err = NULL;
    jit *j;
    if (!lp)
        return RT_EXIT_USAGE;
    j = lp->jit_new(m, opt, tally, &err);
    if (!j) {
        fprintf(stderr, "expc: internal error: JIT: %s\n", err ? err : "failed");
        free(err);
        return RT_EXIT_SOFTWARE;
    }
    /* Compiling left LLVM's scratch memory in the heap: give it back before
     * the customer table grows into it. */
    malloc_trim(0);
    *e = lp->jit_engine(j);
    *h = j;
    return RT_EXIT_OK;
}

static void jit_close(void *h)
{
    llvm_plugin_load(false)->jit_free(h);
}

static const engine jit_def = { "jit", true, jit_available, jit_open, jit_close };
#else
/* Never opened: engine_built says no first. */
static const engine jit_def = { "jit", true, NULL, NULL, NULL };
#endif

const engine *const engines[] = {
    &interp_def,
    &jit_def,
    NULL,
};

const engine *engine_find(const char *name)
{
    for (size_t i = 0; engines[i]; i++)
        if (!strcmp(engines[i]->name, name))
            return engines[i];
    return NULL;
}

bool engine_built(const engine *e)
{
    return !e->needs_llvm || EXPC_LLVM;
}

const engine *engine_default(void)
{
    size_t n = 0;
    while (engines[n])
        n++;
    while (n-- > 0)
        if (engine_built(engines[n]) && (!engines[n]->available || engines[n]->available()))
            return engines[n];
    return NULL;
}

const char *engine_names(void)
{
    static char names[128];
    if (!names[0]) {
        size_t len = 0;
        for (size_t i = 0; engines[i] && len < sizeof names; i++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? "|" : "",
                                    engines[i]->name);
    }
    return names;
}
