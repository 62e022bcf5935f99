/* plugin.c - the table expc-llvm.so exports (see llvm_plugin.h).
 * Built only into the plugin, with src/llvm/emit_llvm.c and src/llvm/jit.c. */
#if EXPC_LLVM
#include "expc/llvm_plugin.h"

#include "expc/emit_llvm.h"

const llvm_plugin expc_llvm_plugin = {
    .abi = LLVM_PLUGIN_ABI,
    .llvm_version = EXPC_LLVM_VERSION,
    .jit_new = jit_new,
    .jit_free = jit_free,
    .jit_engine = jit_engine,
    .ir = &llvm_ir_backend,
    .bc = &llvm_bc_backend,
    .obj = &llvm_obj_backend,
    .shutdown = llvm_shutdown,
};
#else
typedef int expc_llvm_plugin_unused;
#endif
