/* jit.c - the ORC JIT engine: `expc run --engine=jit`.
 *
 * Builds the very module the LLVM backends write (llvm_build_module), in a
 * thread-safe context, optimises it for the CPU we run on and hands it to an
 * LLJIT; the runtime then reaches the compiled P_init, P_event_id,
 * P_step_batch and P_stage_name through an rt_engine - or, when asked,
 * P_step_batch_tally in place of P_step_batch (--report's counts; only the
 * JIT's module has it).  rt_state has the
 * layout of P_state (llvm_build_module checks it), so the runtime's states go
 * to the compiled code as they are, and events go in batches so the cost of
 * the indirect call vanishes.
 *
 * The JIT owns the module, its context and the machine code; jit_free
 * disposes of all of it. */
#if EXPC_LLVM
#define EXPC_WANT_LLVM_C 1
#include "expc/jit.h"

#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/emit_llvm.h"

typedef void (*init_fn)(rt_state *s);
typedef int32_t (*event_id_fn)(const char *name, size_t len);
typedef void (*step_batch_fn)(rt_state *states, const uint32_t *customer,
                              const int32_t *event_id, const int64_t *t, size_t n);
typedef const char *(*stage_name_fn)(int32_t stage);
typedef void (*step_batch_tally_fn)(rt_state *states, const uint32_t *customer,
                                    const int32_t *event_id, const int64_t *t, size_t n,
                                    uint64_t *tally);

struct jit {
    LLVMOrcLLJITRef lljit;
    int32_t n_notes;
    size_t n_events;
    size_t state_size;        /* P_state's: 0.1 layout, or rt_state and caps */
    bool uses_time;
    init_fn init;
    event_id_fn event_id;
    step_batch_fn step_batch;
    stage_name_fn stage_name;
    step_batch_tally_fn step_batch_tally;
};

/* Sets *err to "what: message" and consumes e. */
static void take(char **err, const char *what, LLVMErrorRef e)
{
    char *why = llvm_error_take(e);
    size_t n = snprintf(NULL, 0, "%s: %s", what, why) + 1;
    *err = xmalloc(n);
    snprintf(*err, n, "%s: %s", what, why);
    free(why);
}

/* The address of a JITed function; looking it up is what compiles it. */
static uint64_t lookup(jit *j, const char *prefix, const char *suffix, char **err)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", prefix, suffix);
    LLVMOrcExecutorAddress addr = 0;
    LLVMErrorRef e = LLVMOrcLLJITLookup(j->lljit, &addr, name);
    if (e) {
        take(err, name, e);
        return 0;
    }
    return addr;
}

/* The LLJIT, generating code for this CPU at -O`opt`. */
static LLVMOrcLLJITRef create_lljit(int opt, char **err)
{
    LLVMTargetMachineRef tm = llvm_target_machine(true, opt, err);
    if (!tm)
        return NULL;
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    /* Both calls take ownership: of the TM, then of the JTMB. */
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
        builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm));
    LLVMOrcLLJITRef lljit = NULL;
    LLVMErrorRef e = LLVMOrcCreateLLJIT(&lljit, builder); /* takes the builder */
    if (e) {
        take(err, "cannot create the JIT", e);
        return NULL;
    }
    /* The generated code calls nothing, but code generation may still
     * introduce libc calls (memset, say): let the process answer them. */
    LLVMOrcDefinitionGeneratorRef gen = NULL;
    e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
        &gen, LLVMOrcLLJITGetGlobalPrefix(lljit), NULL, NULL);
    if (e) {
        take(err, "cannot reach the process's symbols", e);
        LLVMErrorRef e2 = LLVMOrcDisposeLLJIT(lljit);
        if (e2)
            LLVMConsumeError(e2);
        return NULL;
    }
    LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(lljit), gen); /* takes gen */
    return lljit;
}

/* The optimised module for `m`, in a new thread-safe context, as a
 * thread-safe module ready for the JIT. */
static LLVMOrcThreadSafeModuleRef build(LLVMOrcLLJITRef lljit, const ir_machine *m,
                                        const char *prefix, int opt, bool tally, char **err)
{
    LLVMTargetMachineRef tm = llvm_target_machine(true, opt, err);
    if (!tm)
        return NULL;
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tsc);
    LLVMModuleRef mod = llvm_build_module(ctx, m, prefix, LLVMOrcLLJITGetTripleString(lljit),
                                          LLVMOrcLLJITGetDataLayoutStr(lljit), tally, err);
    if (mod && (!llvm_verify(mod, err) || !llvm_optimize(mod, tm, opt, err))) {
        LLVMDisposeModule(mod);
        mod = NULL;
    }
    LLVMDisposeTargetMachine(tm);
    LLVMOrcThreadSafeModuleRef tsm = mod ? LLVMOrcCreateNewThreadSafeModule(mod, tsc) : NULL;
    /* The module (if any) now holds the context; drop our reference. */
    LLVMOrcDisposeThreadSafeContext(tsc);
    return tsm;
}

jit *jit_new(const ir_machine *m, int opt, bool tally, char **err)
{
    *err = NULL;
    if (!llvm_init_native(err))
        return NULL;
    jit *j = xmalloc(sizeof *j);
    *j = (jit){.n_notes = m->n_notes,
               .n_events = m->n_events,
               .state_size = RT_STATE_SIZE(m->uses_time, m->n_caps),
               .uses_time = m->uses_time};
    j->lljit = create_lljit(opt, err);
    if (!j->lljit) {
        free(j);
        return NULL;
    }
    /* A fixed prefix: the names never leave this process, and a fixed one
     * keeps the lookups independent of the experience's name length. */
    const char *prefix = "expc_jit";
    LLVMOrcThreadSafeModuleRef tsm = build(j->lljit, m, prefix, opt, tally, err);
    if (!tsm) {
        jit_free(j);
        return NULL;
    }
    LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModule(
        j->lljit, LLVMOrcLLJITGetMainJITDylib(j->lljit), tsm); /* takes tsm */
    if (e) {
        take(err, "cannot add the module to the JIT", e);
        jit_free(j);
        return NULL;
    }
    uint64_t a_init = lookup(j, prefix, "_init", err);
    uint64_t a_id = a_init ? lookup(j, prefix, "_event_id", err) : 0;
    uint64_t a_batch =
        a_id ? lookup(j, prefix, tally ? "_step_batch_tally" : "_step_batch", err) : 0;
    uint64_t a_name = a_batch ? lookup(j, prefix, "_stage_name", err) : 0;
    if (!a_name) {
        jit_free(j);
        return NULL;
    }
    /* Integer to function pointer: how every JIT gets its code. */
    j->init = (init_fn)(uintptr_t)a_init;
    j->event_id = (event_id_fn)(uintptr_t)a_id;
    if (tally)
        j->step_batch_tally = (step_batch_tally_fn)(uintptr_t)a_batch;
    else
        j->step_batch = (step_batch_fn)(uintptr_t)a_batch;
    j->stage_name = (stage_name_fn)(uintptr_t)a_name;
    return j;
}

void jit_free(jit *j)
{
    if (!j)
        return;
    if (j->lljit) {
        LLVMErrorRef e = LLVMOrcDisposeLLJIT(j->lljit);
        if (e) {
            /* Nothing to do about it at this point but say so. */
            char *why = llvm_error_take(e);
            fprintf(stderr, "expc: warning: JIT teardown: %s\n", why);
            free(why);
        }
    }
    free(j);
}

static void e_init(void *ctx, rt_state *s)
{
    ((jit *)ctx)->init(s);
}

static int32_t e_event_id(void *ctx, const char *name, size_t len)
{
    return ((jit *)ctx)->event_id(name, len);
}

/* A JIT made with a tally has only P_step_batch_tally: a plain batch is
 * counted into a scratch tally, thrown away.  (No caller of such a JIT
 * takes this path - a --report run steps through its counter - but the
 * engine stays whole.) */
static void e_step_batch(void *ctx, rt_state *states, const uint32_t *customer,
                         const int32_t *event_id, const int64_t *t, size_t n)
{
    jit *j = ctx;
    if (j->step_batch) {
        j->step_batch(states, customer, event_id, t, n);
        return;
    }
    size_t bytes = 4 * (j->n_events ? j->n_events : 1) * sizeof(uint64_t);
    uint64_t *scratch = memset(xmalloc(bytes), 0, bytes);
    j->step_batch_tally(states, customer, event_id, t, n, scratch);
    free(scratch);
}

static void e_step_batch_tally(void *ctx, rt_state *states, const uint32_t *customer,
                               const int32_t *event_id, const int64_t *t, size_t n,
                               uint64_t *tally)
{
    ((jit *)ctx)->step_batch_tally(states, customer, event_id, t, n, tally);
}

static const char *e_stage_name(void *ctx, int32_t stage)
{
    return ((jit *)ctx)->stage_name(stage);
}

rt_engine jit_engine(jit *j)
{
    return (rt_engine){
        .ctx = j,
        .n_notes = j->n_notes,
        .init = e_init,
        .event_id = e_event_id,
        .step_batch = e_step_batch,
        .stage_name = e_stage_name,
        .step_batch_tally = j->step_batch_tally ? e_step_batch_tally : NULL,
        .state_size = j->state_size,
        .uses_time = j->uses_time,
    };
}

#else
/* Built without LLVM: nothing here (ISO C wants a declaration). */
typedef int expc_jit_unused;
#endif
