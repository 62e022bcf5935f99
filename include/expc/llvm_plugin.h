/* llvm_plugin.h - LLVM, loaded only when a command needs it.
 *
 * Linking libLLVM into expc costs every run ~50 MB of resident memory and
 * ~12 ms of start-up (the dynamic loader relocates the whole library), even
 * `expc check`, which never uses it.  So the LLVM backends and the JIT
 * (src/llvm/emit_llvm.c, src/llvm/jit.c) are built into a plugin,
 * expc-llvm.so, next to the binary (build/expc-llvm.so; PREFIX/lib/expc/expc-llvm.so when
 * installed), and expc dlopen()s it the first time --emit=llvm-*|obj or
 * --engine=jit asks.  The plugin exports one table, `expc_llvm_plugin`; it
 * calls back into expc's own functions (outfile, arena, ir), which the
 * binary exports with -rdynamic. */
#ifndef EXPC_LLVM_PLUGIN_H
#define EXPC_LLVM_PLUGIN_H
#include <stdbool.h>

#include "expc/emit.h"
#include "expc/ir.h"
#include "expc/jit.h"
#include "expc/rt.h"

#define LLVM_PLUGIN_ABI 2 /* 2: jit_new's tally */

typedef struct llvm_plugin {
    int abi;                         /* LLVM_PLUGIN_ABI */
    const char *llvm_version;
    jit *(*jit_new)(const ir_machine *m, int opt, bool tally, char **err);
    void (*jit_free)(jit *j);
    rt_engine (*jit_engine)(jit *j);
    const emit_backend *ir, *bc, *obj;
    void (*shutdown)(void);
} llvm_plugin;

/* In the plugin. */
extern const llvm_plugin expc_llvm_plugin;

/* In expc: loads the plugin (tried once).  NULL when it cannot be loaded,
 * after saying why on stderr when `verbose` (LLVM was asked for; a default
 * engine falls back on the interpreter quietly).  A missing plugin is like a
 * build without LLVM: the commands that need it exit 2. */
const llvm_plugin *llvm_plugin_load(bool verbose);
/* At exit: LLVMShutdown and dlclose, when it was loaded. */
void llvm_plugin_unload(void);

/* Backends in expc's table that load the plugin and forward to it. */
extern const emit_backend llvm_ir_lazy, llvm_bc_lazy, llvm_obj_lazy;
#endif
