/* emit.c - the table of backends `expc build --emit=KIND` chooses from.
 * The LLVM kinds are listed only when expc is built with LLVM; main.c then
 * tells a user asking for them how to get them. */
#include "expc/emit.h"

extern const emit_backend pg_backend;

#if EXPC_LLVM
#include "expc/llvm_plugin.h"
#endif

const emit_backend *const emit_backends[] = {
    &cgen_backend,
    &pg_backend,
#if EXPC_LLVM
    /* Forwarders: LLVM itself is loaded on first use (llvm_plugin.h). */
    &llvm_ir_lazy,
    &llvm_bc_lazy,
    &llvm_obj_lazy,
#endif
    NULL,
};
