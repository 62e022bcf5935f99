/* emit_llvm.h - the LLVM backends (--emit=llvm-ir, llvm-bc, obj) and the
 * pieces of them the ORC JIT (src/llvm/jit.c) shares.
 *
 * Only present when built with LLVM (EXPC_LLVM).  The first half is plain C
 * and may be included anywhere (main.c, the backend table, unit tests) without
 * LLVM's include path.  The second half needs the LLVM-C headers and is only
 * seen by files that define EXPC_WANT_LLVM_C before including this one
 * (src/llvm/emit_llvm.c and src/llvm/jit.c, which the Makefile compiles with
 * llvm-config's flags). */
#ifndef EXPC_EMIT_LLVM_H
#define EXPC_EMIT_LLVM_H
#include <stdbool.h>

#include "expc/emit.h"
#include "expc/ir.h"

/* The three backends of `expc build`: kind "llvm-ir" (.ll), "llvm-bc" (.bc)
 * and "obj" (.o, a native object for this machine's triple and a generic
 * CPU, position-independent).  All needs_llvm; emit returns RT_EXIT_OK,
 * RT_EXIT_SOFTWARE (internal: the machine cannot be translated, LLVM fails)
 * or RT_EXIT_IOERR (the output cannot be written; nothing is left behind).
 *
 * Where docs/language.md (Generated code) is silent the generated code does
 * this (the C backend agrees): P_stage_name(s) is "?" for s outside
 * [0, n]; P_step and P_step_batch ignore an event id outside
 * [0, P_event_count) (the state is left untouched, `events` not counted). */
extern const emit_backend llvm_ir_backend;
extern const emit_backend llvm_bc_backend;
extern const emit_backend llvm_obj_backend;

/* Builds the module for `m` with prefix P (NULL: emit_default_prefix),
 * verifies it, optimises it at -O`opt` and verifies it again, then throws it
 * away.  Returns RT_EXIT_OK, or RT_EXIT_SOFTWARE with *err set (malloc'd).
 * For tests and self-checks; the backends and the JIT do the same on their
 * way. */
int llvm_check_machine(const ir_machine *m, const char *prefix, int opt, char **err);

/* Releases LLVM's global state (LLVMShutdown).  Call at most once, at exit,
 * after every JIT is freed; LLVM cannot be used afterwards.  Only needed to
 * keep leak checkers quiet. */
void llvm_shutdown(void);

#ifdef EXPC_WANT_LLVM_C
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/TargetMachine.h>

/* Registers the native target, its asm printer and parser (idempotent).
 * False with *err (malloc'd) when LLVM was built without this machine. */
bool llvm_init_native(char **err);

/* A target machine for this machine's triple, code generation at -O`opt`.
 * `jit`: tune for (and use every feature of) the CPU we run on, as code that
 * runs in this process should.  Otherwise a generic CPU, so an object runs on
 * any machine of the same triple and the output does not depend on where it
 * was built, and position-independent code so it links into PIE executables
 * (Debian's default) and shared libraries.  NULL with *err on failure. */
LLVMTargetMachineRef llvm_target_machine(bool jit, int opt, char **err);

/* Translates `m` into a new module of `ctx` named after the script, with
 * the functions and P_event_count of docs/language.md (Generated code) for
 * prefix P.  `triple` and `datalayout` must be the target's (the code
 * depends on the byte order and the struct layout).  With `tally`, the
 * batch function is P_step_batch_tally instead of P_step_batch: the JIT's
 * rt_engine.step_batch_tally (the files --emit writes have none; one
 * batch loop, not two, as it is most of what the JIT compiles).  NULL
 * with *err when the machine is malformed. */
LLVMModuleRef llvm_build_module(LLVMContextRef ctx, const ir_machine *m,
                                const char *prefix, const char *triple,
                                const char *datalayout, bool tally, char **err);

/* LLVMVerifyModule; false with *err. */
bool llvm_verify(LLVMModuleRef mod, char **err);

/* The new pass manager's default<O`opt`> pipeline (opt clamped to 0..3).
 * False with *err. */
bool llvm_optimize(LLVMModuleRef mod, LLVMTargetMachineRef tm, int opt, char **err);

/* A malloc'd copy of an LLVMErrorRef's message; consumes the error. */
char *llvm_error_take(LLVMErrorRef e);
#endif /* EXPC_WANT_LLVM_C */
#endif
