/* emit.c - the table of backends `expc build --emit=KIND` chooses from.
 * The LLVM kinds are listed only when expc is built with LLVM; main.c then
 * tells a user asking for them how to get them. */
#include "expc/emit.h"

extern const emit_backend pg_backend;

#if EXPC_LLVM
extern const emit_backend llvm_ir_backend, llvm_bc_backend, llvm_obj_backend;
#endif

const emit_backend *const emit_backends[] = {
    &cgen_backend,
    &pg_backend,
#if EXPC_LLVM
    &llvm_ir_backend,
    &llvm_bc_backend,
    &llvm_obj_backend,
#endif
    NULL,
};
