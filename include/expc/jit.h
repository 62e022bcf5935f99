/* jit.h - the LLVM ORC JIT engine (`expc run --engine=jit`).
 * Only present when built with LLVM (EXPC_LLVM). */
#ifndef EXPC_JIT_H
#define EXPC_JIT_H
#include "expc/ir.h"
#include "expc/rt.h"

typedef struct jit jit;
/* Compiles `m` at -O`opt` and looks up its functions; with `tally`,
 * P_step_batch_tally in place of P_step_batch, for rt_engine's
 * step_batch_tally (else NULL there: only --report and the service count,
 * and the batch loop is most of what is compiled).
 * NULL with *err set (malloc'd message) on failure. */
jit *jit_new(const ir_machine *m, int opt, bool tally, char **err);
void jit_free(jit *j);
rt_engine jit_engine(jit *j);
/* Releases LLVM's global state at exit (after every jit_free). */
void llvm_shutdown(void);
#endif
