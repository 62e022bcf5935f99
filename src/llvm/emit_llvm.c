/* emit_llvm.c - the LLVM backends: lowered machine -> LLVM module -> .ll, .bc, .o.
 *
 * llvm_build_module translates a struct ir_machine (never the AST) into one
 * module holding the functions and the P_event_count constant of
 * docs/language.md (Generated code), through the LLVM-C API only.  The same
 * module feeds three `expc build` kinds (textual IR, bitcode, a native
 * object) and the ORC JIT of src/llvm/jit.c, so every engine runs literally
 * the same code.
 *
 * Shape of the generated code (P_step_batch aims at several hundred million
 * events a second).  Everything that depends on an event is a private
 * constant table indexed by event id.  The counts-or-early test of
 * docs/language.md (Scoring, steps 2-4) is one compare of the stage with
 * the event's "gate" (the machine's ir_event.counts_from); its
 * outcome picks a row of a delta table, and one <6 x i64> add applies the
 * row to score, points[0..2], events and early, which are adjacent in the
 * state.  Step 5, the `while` loop, first asks the one question that is
 * nearly always "no" - is the note at the stage now full? - and only then
 * runs the loop, in a block of its own.  So the hot path has two branches,
 * both predictable: the guard that ignores an event id out of range, and
 * that one.  (A fully branch-free advance was measured too: it won nothing
 * on cold states and cost 40% on hot ones.)  The batch loop prefetches the
 * state of the customer PREFETCH_AHEAD events ahead: with states in DRAM,
 * memory latency is the whole cost.  Arithmetic is plain i64 add without
 * nsw, so overflow wraps like the interpreter's.
 *
 * P_event_id switches on the length and then compares the bytes inline, in
 * overlapping 8/4/2/1-byte unaligned loads against constants, so the object
 * needs nothing (not even memcmp) and never reads past `len` bytes.
 * P_stage_name indexes a table whose last entry, "?", answers any stage out
 * of [0, n]. */
#if EXPC_LLVM
#define EXPC_WANT_LLVM_C 1
#include "expc/emit_llvm.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/exitcode.h"
#include "expc/outfile.h"
#include "expc/rt.h"

/* ---- errors ---------------------------------------------------------- */

/* LLVM hands out messages to be freed with LLVMDisposeMessage; our callers
 * free() theirs, so copy and dispose here, once. */
static char *take_message(char *msg, const char *fallback)
{
    char *s = xprintf("%s", msg && *msg ? msg : fallback);
    if (msg)
        LLVMDisposeMessage(msg);
    return s;
}

char *llvm_error_take(LLVMErrorRef e)
{
    char *msg = LLVMGetErrorMessage(e); /* consumes e */
    char *s = xprintf("%s", msg ? msg : "unknown LLVM error");
    LLVMDisposeErrorMessage(msg);
    return s;
}

/* ---- targets --------------------------------------------------------- */

bool llvm_init_native(char **err)
{
    /* Each call only registers into LLVM's registries, so repeating it is
     * harmless; the native target is the only one we ever need. */
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ||
        LLVMInitializeNativeAsmParser()) {
        *err = xprintf("this LLVM cannot generate code for this machine");
        return false;
    }
    return true;
}

static LLVMCodeGenOptLevel codegen_level(int opt)
{
    switch (opt <= 0 ? 0 : opt >= 3 ? 3 : opt) {
    case 0: return LLVMCodeGenLevelNone;
    case 1: return LLVMCodeGenLevelLess;
    case 2: return LLVMCodeGenLevelDefault;
    default: return LLVMCodeGenLevelAggressive;
    }
}

LLVMTargetMachineRef llvm_target_machine(bool jit, int opt, char **err)
{
    char *triple = LLVMGetDefaultTargetTriple();
    LLVMTargetRef target;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        char *why = take_message(msg, "unknown target");
        *err = xprintf("%s: %s", triple, why);
        free(why);
        LLVMDisposeMessage(triple);
        return NULL;
    }
    char *cpu = jit ? LLVMGetHostCPUName() : NULL;
    char *features = jit ? LLVMGetHostCPUFeatures() : NULL;
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
        target, triple, cpu ? cpu : "", features ? features : "", codegen_level(opt),
        jit ? LLVMRelocDefault : LLVMRelocPIC,
        /* JIT code and data may land anywhere in the address space, so a
         * JIT needs the code model LLVM picks for JITs (large on x86-64):
         * the small one's 32-bit absolute addresses would not reach. */
        jit ? LLVMCodeModelJITDefault : LLVMCodeModelDefault);
    if (cpu)
        LLVMDisposeMessage(cpu);
    if (features)
        LLVMDisposeMessage(features);
    if (!tm)
        *err = xprintf("%s: cannot create a target machine", triple);
    LLVMDisposeMessage(triple);
    return tm;
}

bool llvm_verify(LLVMModuleRef mod, char **err)
{
    char *msg = NULL;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        char *why = take_message(msg, "invalid module");
        *err = xprintf("generated module does not verify: %s", why);
        free(why);
        return false;
    }
    if (msg)
        LLVMDisposeMessage(msg);
    return true;
}

bool llvm_optimize(LLVMModuleRef mod, LLVMTargetMachineRef tm, int opt, char **err)
{
    opt = opt <= 0 ? 0 : opt >= 3 ? 3 : opt;
    char passes[16];
    snprintf(passes, sizeof passes, "default<O%d>", opt);
    LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
    /* What clang turns on at each level. */
    LLVMPassBuilderOptionsSetLoopVectorization(po, opt >= 2);
    LLVMPassBuilderOptionsSetSLPVectorization(po, opt >= 2);
    LLVMPassBuilderOptionsSetLoopUnrolling(po, opt >= 2);
    LLVMErrorRef e = LLVMRunPasses(mod, passes, tm, po);
    LLVMDisposePassBuilderOptions(po);
    if (e) {
        char *why = llvm_error_take(e);
        *err = xprintf("optimisation failed: %s", why);
        free(why);
        return false;
    }
    return true;
}

/* ---- the module ------------------------------------------------------ */

typedef struct gen {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    const ir_machine *m;
    const char *prefix;
    bool little_endian;
    LLVMTypeRef i1, i8, i16, i32, i64, size, ptr8;
    LLVMTypeRef state;      /* %P_state */
    LLVMTypeRef state_ptr;
    LLVMTypeRef gate_ty;      /* [N x i32] */
    LLVMValueRef gate_tab;
    LLVMTypeRef row_ty;       /* <6 x i64>: score, points[0..2], events, early */
    LLVMTypeRef delta_ty;     /* [N + 1 x <6 x i64>] */
    LLVMValueRef delta_tab;
    LLVMTypeRef thr_ty;       /* [n + 1 x i64] */
    LLVMValueRef thr_tab;     /* thresholds in path order, then INT64_MAX */
    LLVMAttributeRef nounwind;
    LLVMValueRef cttz;
    LLVMValueRef prefetch;
    LLVMTypeRef prefetch_ty;
    LLVMTypeRef cttz_ty;
    /* Time rules (ABI 2), when m->uses_time: the state goes on with start,
     * last and, with caps, cap_bucket[C] and cap_count[C]. */
    uint64_t state_size;      /* bytes of %P_state */
    LLVMTypeRef cap_of_ty;    /* [N x i32]: an event's cap slot, -1 */
    LLVMValueRef cap_of_tab;
    LLVMTypeRef cap_max_ty;   /* [C x i32] */
    LLVMValueRef cap_max_tab;
    LLVMTypeRef cap_per_ty;   /* [C x i64] */
    LLVMValueRef cap_per_tab;
    LLVMValueRef zero_time;   /* an i64 0: the time of every event when t is NULL */
    /* While P_step_batch_tally is built: its i64* tally (rt_engine's
     * step_batch_tally), which each step adds its effect to; else NULL. */
    LLVMValueRef tally;
} gen;

/* Field numbers of %P_state, in the order of docs/language.md (Generated code). */
enum { F_STAGE, F_SCORE, F_POINTS, F_EVENTS, F_EARLY, F_START, F_LAST, F_BUCKET, F_COUNT };

/* The step adds one <6 x i64> to score, points[0..2], events and early. */
_Static_assert(RT_NOTES == 3 && IR_NOTES == RT_NOTES &&
                   offsetof(rt_state, points) == offsetof(rt_state, score) + 8 &&
                   offsetof(rt_state, events) == offsetof(rt_state, score) + 32 &&
                   offsetof(rt_state, early) == offsetof(rt_state, score) + 40,
               "score, points[], events and early must be six adjacent i64");

static LLVMValueRef ci32(gen *g, int64_t v) { return LLVMConstInt(g->i32, (unsigned long long)v, 1); }
static LLVMValueRef ci64(gen *g, int64_t v) { return LLVMConstInt(g->i64, (unsigned long long)v, 1); }

/* "P" + suffix, as a malloc'd C string. */
static char *pname(const gen *g, const char *suffix)
{
    return xprintf("%s%s", g->prefix, suffix);
}

static LLVMValueRef add_function(gen *g, const char *suffix, LLVMTypeRef ret,
                                 LLVMTypeRef *params, unsigned n)
{
    char *name = pname(g, suffix);
    LLVMValueRef fn = LLVMAddFunction(g->mod, name, LLVMFunctionType(ret, params, n, 0));
    free(name);
    /* Nothing here can throw: no unwind tables, and callers in C++ know. */
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, g->nounwind);
    return fn;
}

/* A private constant global; its name only helps reading the .ll. */
static LLVMValueRef add_private(gen *g, const char *suffix, LLVMValueRef init)
{
    char *name = pname(g, suffix);
    LLVMValueRef gv = LLVMAddGlobal(g->mod, LLVMTypeOf(init), name);
    free(name);
    LLVMSetInitializer(gv, init);
    LLVMSetGlobalConstant(gv, 1);
    LLVMSetLinkage(gv, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
    return gv;
}

/* A pointer to a private NUL-terminated copy of s. */
static LLVMValueRef const_cstring(gen *g, const char *suffix, const char *s)
{
    size_t len = strlen(s);
    LLVMValueRef init = LLVMConstStringInContext(g->ctx, s, (unsigned)len, 0);
    LLVMValueRef gv = add_private(g, suffix, init);
    LLVMSetAlignment(gv, 1);
    LLVMValueRef zero[2] = {ci64(g, 0), ci64(g, 0)};
    return LLVMConstInBoundsGEP2(LLVMTypeOf(init), gv, zero, 2);
}

static LLVMValueRef field_ptr(gen *g, LLVMValueRef s, unsigned field)
{
    return LLVMBuildStructGEP2(g->b, g->state, s, field, "");
}

static LLVMValueRef points_ptr(gen *g, LLVMValueRef s, int k)
{
    LLVMValueRef idx[3] = {ci32(g, 0), ci32(g, F_POINTS), ci32(g, k)};
    return LLVMBuildInBoundsGEP2(g->b, g->state, s, idx, 3, "");
}

static LLVMValueRef table_load(gen *g, LLVMTypeRef arr, LLVMTypeRef elem,
                               LLVMValueRef tab, LLVMValueRef idx, const char *name)
{
    LLVMValueRef ix[2] = {ci64(g, 0), idx};
    LLVMValueRef p = LLVMBuildInBoundsGEP2(g->b, arr, tab, ix, 2, "");
    return LLVMBuildLoad2(g->b, elem, p, name);
}

/* &s->cap_bucket[k] (field F_BUCKET) or &s->cap_count[k] (F_COUNT); k i64. */
static LLVMValueRef cap_ptr(gen *g, LLVMValueRef s, unsigned field, LLVMValueRef k)
{
    LLVMValueRef idx[3] = {ci32(g, 0), ci32(g, (int64_t)field), k};
    return LLVMBuildInBoundsGEP2(g->b, g->state, s, idx, 3, "");
}

/* tally[4 * idx + fx] += 1, when a tally is built (g->tally): what the
 * event did, counted where the step decides it.  idx: the event id, i64;
 * fx: its ir_effect, i64. */
static void build_tally(gen *g, LLVMValueRef idx, LLVMValueRef fx)
{
    if (!g->tally)
        return;
    LLVMBuilderRef b = g->b;
    LLVMValueRef k = LLVMBuildAdd(b, LLVMBuildShl(b, idx, ci64(g, 2), ""), fx, "tally_k");
    LLVMValueRef p = LLVMBuildInBoundsGEP2(b, g->i64, g->tally, &k, 1, "");
    LLVMValueRef v = LLVMBuildLoad2(b, g->i64, p, "");
    LLVMBuildStore(b, LLVMBuildAdd(b, v, ci64(g, 1), ""), p);
}

/* t > from && (u64)(t - from) > limit: docs/language.md (Scoring, Time),
 * exact for every i64 as ir_gap_over. */
static LLVMValueRef gap_over(gen *g, LLVMValueRef t, LLVMValueRef from, int64_t limit)
{
    LLVMBuilderRef b = g->b;
    LLVMValueRef after = LLVMBuildICmp(b, LLVMIntSGT, t, from, "");
    LLVMValueRef d = LLVMBuildSub(b, t, from, "");
    LLVMValueRef over = LLVMBuildICmp(b, LLVMIntUGT, d, ci64(g, limit), "");
    return LLVMBuildAnd(b, after, over, "");
}

/* Step A: the journey's start (and a restart: stage, score and points to
 * 0), for the event at time t about to be scored on state s. */
static void build_restart(gen *g, LLVMValueRef fn, LLVMValueRef s, LLVMValueRef t)
{
    LLVMBuilderRef b = g->b;
    const ir_machine *m = g->m;
    LLVMValueRef p_start = field_ptr(g, s, F_START);
    LLVMValueRef events = LLVMBuildLoad2(b, g->i64, field_ptr(g, s, F_EVENTS), "events");
    LLVMValueRef first = LLVMBuildICmp(b, LLVMIntEQ, events, ci64(g, 0), "first");
    LLVMValueRef restart = LLVMConstInt(g->i1, 0, 0);
    if (m->reset_after) {
        LLVMValueRef last = LLVMBuildLoad2(b, g->i64, field_ptr(g, s, F_LAST), "last");
        restart = gap_over(g, t, last, m->reset_after);
    }
    if (m->within) {
        LLVMValueRef start = LLVMBuildLoad2(b, g->i64, p_start, "start");
        LLVMValueRef stage = LLVMBuildLoad2(b, g->i32, field_ptr(g, s, F_STAGE), "");
        LLVMValueRef open = LLVMBuildICmp(b, LLVMIntSLT, stage, ci32(g, m->n_notes), "");
        restart = LLVMBuildOr(b, restart,
                              LLVMBuildAnd(b, open, gap_over(g, t, start, m->within), ""), "");
    }
    restart = LLVMBuildAnd(b, restart, LLVMBuildNot(b, first, ""), "restart");
    LLVMBasicBlockRef zero = LLVMAppendBasicBlockInContext(g->ctx, fn, "restart");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(g->ctx, fn, "started");
    LLVMBasicBlockRef set = LLVMAppendBasicBlockInContext(g->ctx, fn, "start");
    LLVMBuildCondBr(b, restart, zero, set);
    LLVMPositionBuilderAtEnd(b, zero);
    LLVMBuildStore(b, ci32(g, 0), field_ptr(g, s, F_STAGE));
    LLVMBuildStore(b, ci64(g, 0), field_ptr(g, s, F_SCORE));
    for (int k = 0; k < RT_NOTES; k++)
        LLVMBuildStore(b, ci64(g, 0), points_ptr(g, s, k));
    LLVMBuildStore(b, t, p_start);
    LLVMBuildBr(b, go);
    /* not a restart: start = t for the customer's first event */
    LLVMPositionBuilderAtEnd(b, set);
    LLVMBasicBlockRef init = LLVMAppendBasicBlockInContext(g->ctx, fn, "first");
    LLVMBuildCondBr(b, first, init, go);
    LLVMPositionBuilderAtEnd(b, init);
    LLVMBuildStore(b, t, p_start);
    LLVMBuildBr(b, go);
    LLVMPositionBuilderAtEnd(b, go);
}

/* Step B: an event with a cap over it in t's period is capped (events + 1,
 * last = t, then `next`); else its count goes up.  idx: the event id, i64. */
static void build_cap(gen *g, LLVMValueRef fn, LLVMValueRef s, LLVMValueRef t,
                      LLVMValueRef idx, LLVMBasicBlockRef next)
{
    LLVMBuilderRef b = g->b;
    LLVMValueRef slot = table_load(g, g->cap_of_ty, g->i32, g->cap_of_tab, idx, "cap_slot");
    LLVMBasicBlockRef capped = LLVMAppendBasicBlockInContext(g->ctx, fn, "cap");
    LLVMBasicBlockRef over = LLVMAppendBasicBlockInContext(g->ctx, fn, "capped");
    LLVMBasicBlockRef under = LLVMAppendBasicBlockInContext(g->ctx, fn, "under_cap");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(g->ctx, fn, "uncapped");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSGE, slot, ci32(g, 0), ""), capped, go);

    LLVMPositionBuilderAtEnd(b, capped);
    LLVMValueRef k = LLVMBuildZExt(b, slot, g->i64, "k");
    LLVMValueRef per = table_load(g, g->cap_per_ty, g->i64, g->cap_per_tab, k, "per");
    LLVMValueRef max = table_load(g, g->cap_max_ty, g->i32, g->cap_max_tab, k, "max");
    /* floor(t / per), per > 0 */
    LLVMValueRef q = LLVMBuildSDiv(b, t, per, "");
    LLVMValueRef r = LLVMBuildSRem(b, t, per, "");
    LLVMValueRef down = LLVMBuildAnd(b, LLVMBuildICmp(b, LLVMIntNE, r, ci64(g, 0), ""),
                                     LLVMBuildICmp(b, LLVMIntSLT, t, ci64(g, 0), ""), "");
    LLVMValueRef bucket = LLVMBuildSub(b, q, LLVMBuildZExt(b, down, g->i64, ""), "bucket");
    LLVMValueRef p_bucket = cap_ptr(g, s, F_BUCKET, k), p_count = cap_ptr(g, s, F_COUNT, k);
    LLVMValueRef same = LLVMBuildICmp(b, LLVMIntEQ, LLVMBuildLoad2(b, g->i64, p_bucket, ""),
                                      bucket, "same");
    LLVMValueRef count = LLVMBuildSelect(b, same, LLVMBuildLoad2(b, g->i32, p_count, ""),
                                         ci32(g, 0), "count");
    LLVMBuildStore(b, bucket, p_bucket);
    LLVMBuildStore(b, count, p_count);
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntUGE, count, max, ""), over, under);

    LLVMPositionBuilderAtEnd(b, over);
    LLVMValueRef p_events = field_ptr(g, s, F_EVENTS);
    LLVMValueRef ev = LLVMBuildLoad2(b, g->i64, p_events, "");
    LLVMBuildStore(b, LLVMBuildAdd(b, ev, ci64(g, 1), ""), p_events);
    LLVMBuildStore(b, t, field_ptr(g, s, F_LAST));
    build_tally(g, idx, ci64(g, IR_CAPPED));
    LLVMBuildBr(b, next);

    LLVMPositionBuilderAtEnd(b, under);
    LLVMBuildStore(b, LLVMBuildAdd(b, count, ci32(g, 1), ""), p_count);
    LLVMBuildBr(b, go);
    LLVMPositionBuilderAtEnd(b, go);
}

/* One event on state `s`: docs/language.md, Scoring, steps 1-5.  Builds
 * from the current insertion point and ends with a branch to `next`. */
static void build_step(gen *g, LLVMValueRef fn, LLVMValueRef s, LLVMValueRef id,
                       LLVMValueRef t, LLVMBasicBlockRef next)
{
    LLVMBuilderRef b = g->b;
    const ir_machine *m = g->m;
    if (m->n_events == 0) {     /* no id is valid: nothing to do */
        LLVMBuildBr(b, next);
        return;
    }
    /* Ids out of range would read outside the tables: ignore them. */
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(g->ctx, fn, "step");
    LLVMValueRef valid = LLVMBuildICmp(b, LLVMIntULT, id, ci32(g, (int64_t)m->n_events), "valid");
    LLVMBuildCondBr(b, valid, body, next);
    LLVMPositionBuilderAtEnd(b, body);

    /* Time (docs/language.md, Scoring, Time): steps A and B, then D (last =
     * t: steps 1-5 never read it, so it is stored before them). */
    if (m->uses_time) {
        build_restart(g, fn, s, t);
        if (m->n_caps)
            build_cap(g, fn, s, t, LLVMBuildZExt(b, id, g->i64, ""), next);
        LLVMBuildStore(b, t, field_ptr(g, s, F_LAST));
    }

    /* Steps 1-4.  Whether the event counts is the machine's rule
     * (ir_event.counts_from, decided in lower.c); otherwise it costs the
     * early penalty.  The gate table holds counts_from per event, so the
     * test is one compare with the stage.  (One
     * compare also keeps x86 from merging two flag bytes in a partial
     * register, which chained each iteration to the one before and halved
     * the throughput.)  What the event then adds to score, points[0..2],
     * events and early - six adjacent i64 - is a row of the delta table:
     * the event's own row when it counts, the shared "early" row (minus the
     * penalty, 1 event, 1 early) when it does not.  Rows were summed with
     * wrapping in the compiler; the vector add wraps too. */
    LLVMValueRef idx = LLVMBuildZExt(b, id, g->i64, "idx");
    LLVMValueRef p_stage = field_ptr(g, s, F_STAGE);
    LLVMValueRef stage = LLVMBuildLoad2(b, g->i32, p_stage, "stage");
    LLVMValueRef gate = table_load(g, g->gate_ty, g->i32, g->gate_tab, idx, "gate");
    LLVMValueRef counts = LLVMBuildICmp(b, LLVMIntSLE, gate, stage, "counts");
    build_tally(g, idx, LLVMBuildSelect(b, counts, ci64(g, IR_COUNTED), ci64(g, IR_EARLY), "fx"));
    LLVMValueRef row = LLVMBuildSelect(b, counts, idx, ci64(g, (int64_t)m->n_events), "row");
    LLVMValueRef delta = table_load(g, g->delta_ty, g->row_ty, g->delta_tab, row, "delta");
    LLVMValueRef sv_ptr = LLVMBuildPointerCast(b, field_ptr(g, s, F_SCORE),
                                               LLVMPointerType(g->row_ty, 0), "");
    LLVMValueRef sv = LLVMBuildLoad2(b, g->row_ty, sv_ptr, "sv");
    LLVMSetAlignment(sv, 8);
    sv = LLVMBuildAdd(b, sv, delta, "sv1");
    LLVMSetAlignment(LLVMBuildStore(b, sv, sv_ptr), 8);

    /* Step 5.  Almost every event leaves the stage alone, and whether it
     * does is one compare: is the stage a note (stage < n) whose points now
     * reach its threshold?  Only then does the loop run - off the hot path,
     * in a block of its own, so the common case costs a predictable branch
     * instead of testing every note.  points[stage] is read back from the
     * state just stored (the load is forwarded from the store); a stage
     * outside [0, n) reads lane n (`events`) and the compare is masked. */
    LLVMValueRef below = LLVMBuildICmp(b, LLVMIntULT, stage, ci32(g, m->n_notes), "below");
    LLVMValueRef k = LLVMBuildZExt(b, LLVMBuildSelect(b, below, stage, ci32(g, m->n_notes), ""),
                                   g->i64, "k");
    LLVMValueRef lane = LLVMBuildAdd(b, k, ci64(g, 1), "");
    LLVMValueRef pk_ptr = LLVMBuildInBoundsGEP2(b, g->i64, LLVMBuildPointerCast(b, sv_ptr,
                                                LLVMPointerType(g->i64, 0), ""), &lane, 1, "");
    LLVMValueRef pk = LLVMBuildLoad2(b, g->i64, pk_ptr, "p");
    LLVMValueRef tk = table_load(g, g->thr_ty, g->i64, g->thr_tab, k, "threshold");
    LLVMValueRef full = LLVMBuildAnd(b, below, LLVMBuildICmp(b, LLVMIntSGE, pk, tk, ""), "full");
    LLVMBasicBlockRef advance = LLVMAppendBasicBlockInContext(g->ctx, fn, "advance");
    LLVMBuildCondBr(b, full, advance, next);

    /* The `while` loop itself, for when the note at the stage is full: it
     * advances over the run of full notes that starts at the stage.  With a
     * bit set for every note that is NOT full (and for every bit from n up),
     * the advance is the number of trailing zeros of that mask shifted down
     * by the stage (at least one here). */
    LLVMPositionBuilderAtEnd(b, advance);
    LLVMValueRef not_full = LLVMConstInt(g->i32, ~0ull << m->n_notes, 0);
    for (int q = 0; q < m->n_notes; q++) {
        LLVMValueRef pq = LLVMBuildExtractElement(b, sv, ci32(g, 1 + q), "");
        LLVMValueRef low = LLVMBuildICmp(b, LLVMIntSLT, pq, ci64(g, m->notes[q].threshold), "");
        LLVMValueRef bit = LLVMBuildShl(b, LLVMBuildZExt(b, low, g->i32, ""), ci32(g, q), "");
        not_full = LLVMBuildOr(b, not_full, bit, "not_full");
    }
    LLVMValueRef run = LLVMBuildLShr(b, not_full, stage, "");  /* stage < n here */
    LLVMValueRef args[2] = {run, LLVMConstInt(g->i1, 1, 0)}; /* run != 0: bit n */
    LLVMValueRef adv = LLVMBuildCall2(b, g->cttz_ty, g->cttz, args, 2, "adv");
    LLVMValueRef st = LLVMBuildAdd(b, stage, adv, "st");
    LLVMBuildStore(b, st, p_stage);
    LLVMBuildBr(b, next);
}

static void build_init(gen *g)
{
    LLVMTypeRef params[1] = {g->state_ptr};
    LLVMValueRef fn = add_function(g, "_init", LLVMVoidTypeInContext(g->ctx), params, 1);
    LLVMValueRef s = LLVMGetParam(fn, 0);
    LLVMSetValueName2(s, "s", 1);
    LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    LLVMBuildStore(g->b, ci32(g, 0), field_ptr(g, s, F_STAGE));
    LLVMBuildStore(g->b, ci64(g, 0), field_ptr(g, s, F_SCORE));
    for (int k = 0; k < RT_NOTES; k++)
        LLVMBuildStore(g->b, ci64(g, 0), points_ptr(g, s, k));
    LLVMBuildStore(g->b, ci64(g, 0), field_ptr(g, s, F_EVENTS));
    LLVMBuildStore(g->b, ci64(g, 0), field_ptr(g, s, F_EARLY));
    if (g->m->uses_time) {
        LLVMBuildStore(g->b, ci64(g, 0), field_ptr(g, s, F_START));
        LLVMBuildStore(g->b, ci64(g, 0), field_ptr(g, s, F_LAST));
    }
    for (size_t k = 0; k < g->m->n_caps; k++) {
        LLVMBuildStore(g->b, ci64(g, INT64_MIN), cap_ptr(g, s, F_BUCKET, ci64(g, (int64_t)k)));
        LLVMBuildStore(g->b, ci32(g, 0), cap_ptr(g, s, F_COUNT, ci64(g, (int64_t)k)));
    }
    LLVMBuildRetVoid(g->b);
}

static void build_step_fn(gen *g)
{
    LLVMTypeRef params[3] = {g->state_ptr, g->i32, g->i64};
    LLVMValueRef fn = add_function(g, "_step", LLVMVoidTypeInContext(g->ctx), params, 3);
    LLVMValueRef s = LLVMGetParam(fn, 0), id = LLVMGetParam(fn, 1);
    LLVMSetValueName2(s, "s", 1);
    LLVMSetValueName2(id, "event_id", 8);
    LLVMSetValueName2(LLVMGetParam(fn, 2), "t", 1); /* ignored without time rules */
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(g->ctx, fn, "done");
    LLVMPositionBuilderAtEnd(g->b, entry);
    build_step(g, fn, s, id, LLVMGetParam(fn, 2), done);
    LLVMPositionBuilderAtEnd(g->b, done);
    LLVMBuildRetVoid(g->b);
}

/* With many customers the states live in DRAM and each event waits for
 * its customer's line: fetch the state PREFETCH_AHEAD events ahead (both
 * lines it may straddle) so the misses overlap.  With a million customers
 * this took P_step_batch from 24M to ~190M events/s; states that fit in the
 * cache barely notice.  Near the end of the batch the index is clamped to i:
 * never a read past customer[n - 1]. */
enum { PREFETCH_AHEAD = 64 }; /* ~DRAM latency / time per event, measured */
static void build_prefetch(gen *g, LLVMValueRef states, LLVMValueRef cust,
                           LLVMValueRef i, LLVMValueRef n)
{
    LLVMBuilderRef b = g->b;
    LLVMValueRef ahead = LLVMBuildNUWAdd(b, i, LLVMConstInt(g->size, PREFETCH_AHEAD, 0), "");
    LLVMValueRef in = LLVMBuildICmp(b, LLVMIntULT, ahead, n, "");
    LLVMValueRef k = LLVMBuildSelect(b, in, ahead, i, "");
    LLVMValueRef c = LLVMBuildLoad2(b, g->i32, LLVMBuildInBoundsGEP2(b, g->i32, cust, &k, 1, ""), "");
    LLVMValueRef c64 = LLVMBuildZExt(b, c, g->i64, "");
    LLVMValueRef s = LLVMBuildInBoundsGEP2(b, g->state, states, &c64, 1, "");
    s = LLVMBuildPointerCast(b, s, g->ptr8, "");
    for (int end = 0; end < 2; end++) {
        LLVMValueRef off = LLVMConstInt(g->i64, end ? g->state_size - 1 : 0, 0);
        LLVMValueRef args[4] = {LLVMBuildGEP2(b, g->i8, s, &off, 1, ""),
                                ci32(g, 1) /* write */, ci32(g, 3) /* keep */,
                                ci32(g, 1) /* data */};
        LLVMBuildCall2(b, g->prefetch_ty, g->prefetch, args, 4, "");
    }
}

/* The batch loop carries its own copy of the step, so it never depends on
 * the inliner (at -O0 too, the hot loop has no call in it).  With `tally`:
 * P_step_batch_tally instead, the same with a sixth parameter, i64*
 * tally, that each step adds its effect to (rt_engine.step_batch_tally;
 * the JIT's only, not part of the generated interface). */
static void build_step_batch(gen *g, bool tally)
{
    LLVMTypeRef params[6] = {g->state_ptr, LLVMPointerType(g->i32, 0),
                             LLVMPointerType(g->i32, 0), LLVMPointerType(g->i64, 0), g->size,
                             LLVMPointerType(g->i64, 0)};
    LLVMValueRef fn = add_function(g, tally ? "_step_batch_tally" : "_step_batch",
                                   LLVMVoidTypeInContext(g->ctx), params, tally ? 6 : 5);
    if (tally) { /* noalias: the counts never overlap the states */
        g->tally = LLVMGetParam(fn, 5);
        LLVMSetValueName2(g->tally, "tally", 5);
        unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
        LLVMAddAttributeAtIndex(fn, 6, LLVMCreateEnumAttribute(g->ctx, noalias, 0));
    }
    LLVMValueRef states = LLVMGetParam(fn, 0), cust = LLVMGetParam(fn, 1);
    LLVMValueRef ids = LLVMGetParam(fn, 2), n = LLVMGetParam(fn, 4);
    LLVMValueRef times = LLVMGetParam(fn, 3);
    LLVMSetValueName2(times, "t", 1); /* ignored without time rules; NULL: all 0 */
    LLVMSetValueName2(states, "states", 6);
    LLVMSetValueName2(cust, "customer", 8);
    LLVMSetValueName2(ids, "event_id", 8);
    LLVMSetValueName2(n, "n", 1);
    LLVMBuilderRef b = g->b;
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(g->ctx, fn, "loop");
    LLVMBasicBlockRef latch = LLVMAppendBasicBlockInContext(g->ctx, fn, "next");
    LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->ctx, fn, "exit");

    LLVMPositionBuilderAtEnd(b, entry);
    LLVMValueRef zero = LLVMConstInt(g->size, 0, 0);
    LLVMValueRef no_t = NULL;
    if (g->m->uses_time)
        no_t = LLVMBuildICmp(b, LLVMIntEQ, times, LLVMConstNull(LLVMTypeOf(times)), "no_t");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, n, zero, "empty"), exit, loop);

    LLVMPositionBuilderAtEnd(b, loop);
    LLVMValueRef i = LLVMBuildPhi(b, g->size, "i");
    LLVMValueRef c = LLVMBuildLoad2(b, g->i32, LLVMBuildInBoundsGEP2(b, g->i32, cust, &i, 1, ""), "c");
    LLVMValueRef id = LLVMBuildLoad2(b, g->i32, LLVMBuildInBoundsGEP2(b, g->i32, ids, &i, 1, ""), "id");
    LLVMValueRef c64 = LLVMBuildZExt(b, c, g->i64, "");   /* customer is unsigned */
    build_prefetch(g, states, cust, i, n);
    LLVMValueRef s = LLVMBuildInBoundsGEP2(b, g->state, states, &c64, 1, "s");
    LLVMValueRef t = NULL;
    if (g->m->uses_time) {
        LLVMValueRef at = LLVMBuildInBoundsGEP2(b, g->i64, times, &i, 1, "");
        at = LLVMBuildSelect(b, no_t, g->zero_time, at, "");
        t = LLVMBuildLoad2(b, g->i64, at, "t");
    }
    build_step(g, fn, s, id, t, latch);

    LLVMPositionBuilderAtEnd(b, latch);
    LLVMValueRef i1 = LLVMBuildNUWAdd(b, i, LLVMConstInt(g->size, 1, 0), "i1");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, i1, n, "done"), exit, loop);
    LLVMValueRef in_v[2] = {zero, i1};
    LLVMBasicBlockRef in_b[2] = {entry, latch};
    LLVMAddIncoming(i, in_v, in_b, 2);

    LLVMPositionBuilderAtEnd(b, exit);
    LLVMBuildRetVoid(b);
    g->tally = NULL;
}

/* int32_t P_cap_slot(int32_t event_id): the event's cap slot, -1 for an
 * event without a cap or an id out of range. */
static void build_cap_slot(gen *g)
{
    LLVMBuilderRef b = g->b;
    LLVMTypeRef params[1] = {g->i32};
    LLVMValueRef fn = add_function(g, "_cap_slot", g->i32, params, 1);
    LLVMValueRef id = LLVMGetParam(fn, 0);
    LLVMSetValueName2(id, "event_id", 8);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    if (!g->m->n_caps) {
        LLVMBuildRet(b, ci32(g, -1));
        return;
    }
    LLVMBasicBlockRef in = LLVMAppendBasicBlockInContext(g->ctx, fn, "in");
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(g->ctx, fn, "out");
    LLVMValueRef valid = LLVMBuildICmp(b, LLVMIntULT, id, ci32(g, (int64_t)g->m->n_events), "");
    LLVMBuildCondBr(b, valid, in, out);
    LLVMPositionBuilderAtEnd(b, in);
    LLVMBuildRet(b, table_load(g, g->cap_of_ty, g->i32, g->cap_of_tab,
                               LLVMBuildZExt(b, id, g->i64, ""), "slot"));
    LLVMPositionBuilderAtEnd(b, out);
    LLVMBuildRet(b, ci32(g, -1));
}

/* `w` bytes of s as the integer an unaligned load of them gives. */
static LLVMValueRef bytes_const(gen *g, LLVMTypeRef ty, const unsigned char *s, unsigned w)
{
    unsigned long long v = 0;
    for (unsigned i = 0; i < w; i++) {
        unsigned shift = g->little_endian ? 8 * i : 8 * (w - 1 - i);
        v |= (unsigned long long)s[i] << shift;
    }
    return LLVMConstInt(ty, v, 0);
}

/* i1: do the `len` bytes at `name` equal s?  The caller knows the length
 * matches.  Loads of the widest size that fits, the last one overlapping
 * the one before it, so a 7-byte name costs two i32 compares. */
static LLVMValueRef build_bytes_eq(gen *g, LLVMValueRef name, const char *s, size_t len)
{
    LLVMBuilderRef b = g->b;
    unsigned w = len >= 8 ? 8 : len >= 4 ? 4 : len >= 2 ? 2 : 1;
    LLVMTypeRef ty = w == 8 ? g->i64 : w == 4 ? g->i32 : w == 2 ? g->i16 : g->i8;
    LLVMValueRef all = NULL;
    size_t off = 0;
    for (;;) {
        LLVMValueRef o = LLVMConstInt(g->i64, off, 0);
        LLVMValueRef p = LLVMBuildInBoundsGEP2(b, g->i8, name, &o, 1, "");
        p = LLVMBuildPointerCast(b, p, LLVMPointerType(ty, 0), "");
        LLVMValueRef v = LLVMBuildLoad2(b, ty, p, "");
        LLVMSetAlignment(v, 1);
        LLVMValueRef eq = LLVMBuildICmp(b, LLVMIntEQ, v,
                                        bytes_const(g, ty, (const unsigned char *)s + off, w), "");
        all = all ? LLVMBuildAnd(b, all, eq, "") : eq;
        if (off + w >= len)
            break;
        off += w;
        if (off + w > len)
            off = len - w;
    }
    return all;
}

typedef struct by_len {
    size_t len, id;
} by_len;

static int cmp_by_len(const void *x, const void *y)
{
    const by_len *a = x, *b = y;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;  /* declaration order: the first name wins */
}

/* P_event_id for many events: an open-addressing table built here, and a
 * small loop that hashes the name and probes it.  The switch of
 * build_event_id grows with the number of names, and LLVM's CFG passes
 * are superlinear in it (20,000 events took half a minute at -O2); this
 * code is the same size for any script, the names living in data:
 *   P_names   every name, concatenated
 *   P_noff    [n x i32] where name i starts;  P_nlen  [n x i32] its length
 *   P_slots   [cap x i32] name number + 1, 0 when empty (cap a power of
 *             two >= 2n; n counts the aliases, ir_event_table_build) */
/* P_nid [n x i32]: the event of each name (the declared names by id, then
 * the aliases), for a machine with aliases; without, a name's number is
 * its event id and the table is left out. */
static LLVMValueRef build_name_ids(gen *g)
{
    const ir_machine *m = g->m;
    size_t n = ir_name_count(m);
    LLVMValueRef *ids = xmalloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = LLVMConstInt(g->i32, (uint64_t)ir_name_at(m, i).event, 0);
    LLVMValueRef gv = add_private(g, "_nid", LLVMConstArray(g->i32, ids, (unsigned)n));
    free(ids);
    return gv;
}

static void build_event_id_table(gen *g, LLVMValueRef fn, LLVMValueRef name, LLVMValueRef len,
                                 LLVMBasicBlockRef entry, LLVMBasicBlockRef none)
{
    const ir_machine *m = g->m;
    LLVMBuilderRef b = g->b;
    size_t n = ir_name_count(m), total = 0;
    ir_event_table t;
    ir_event_table_build(m, &t);
    size_t cap = t.cap;
    const uint32_t *slot = t.slots;
    for (size_t i = 0; i < n; i++)
        total += ir_name_at(m, i).len;
    char *blob = xmalloc(total ? total : 1);
    LLVMValueRef *off = xmalloc(n * sizeof *off), *lens = xmalloc(n * sizeof *lens);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        ir_name e = ir_name_at(m, i);
        memcpy(blob + at, e.name, e.len);
        off[i] = LLVMConstInt(g->i32, at, 0);
        lens[i] = LLVMConstInt(g->i32, e.len, 0);
        at += e.len;
    }
    LLVMValueRef nid = m->n_aliases ? build_name_ids(g) : NULL;
    LLVMValueRef *slots = xmalloc(cap * sizeof *slots);
    for (size_t i = 0; i < cap; i++)
        slots[i] = LLVMConstInt(g->i32, slot[i], 0);
    LLVMValueRef names_init = LLVMConstStringInContext(g->ctx, blob, (unsigned)total, 1);
    LLVMValueRef names = add_private(g, "_names", names_init);
    LLVMTypeRef off_ty = LLVMArrayType(g->i32, (unsigned)n);
    LLVMTypeRef slot_ty = LLVMArrayType(g->i32, (unsigned)cap);
    LLVMValueRef noff = add_private(g, "_noff", LLVMConstArray(g->i32, off, (unsigned)n));
    LLVMValueRef nlen = add_private(g, "_nlen", LLVMConstArray(g->i32, lens, (unsigned)n));
    LLVMValueRef slots_gv = add_private(g, "_slots", LLVMConstArray(g->i32, slots, (unsigned)cap));
    free(blob);
    free(off);
    free(lens);
    free(t.slots);
    free(slots);

    LLVMBasicBlockRef hloop = LLVMAppendBasicBlockInContext(g->ctx, fn, "hash");
    LLVMBasicBlockRef hbody = LLVMAppendBasicBlockInContext(g->ctx, fn, "hash.byte");
    LLVMBasicBlockRef pinit = LLVMAppendBasicBlockInContext(g->ctx, fn, "probe.start");
    LLVMBasicBlockRef probe = LLVMAppendBasicBlockInContext(g->ctx, fn, "probe");
    LLVMBasicBlockRef check = LLVMAppendBasicBlockInContext(g->ctx, fn, "probe.len");
    LLVMBasicBlockRef cmp = LLVMAppendBasicBlockInContext(g->ctx, fn, "cmp");
    LLVMBasicBlockRef cloop = LLVMAppendBasicBlockInContext(g->ctx, fn, "cmp.loop");
    LLVMBasicBlockRef cbody = LLVMAppendBasicBlockInContext(g->ctx, fn, "cmp.byte");
    LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(g->ctx, fn, "found");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(g->ctx, fn, "probe.next");

    LLVMPositionBuilderAtEnd(b, entry);
    LLVMBuildBr(b, hloop);

    /* h = FNV-1a(name[0..len)) */
    LLVMPositionBuilderAtEnd(b, hloop);
    LLVMValueRef i = LLVMBuildPhi(b, g->size, "i");
    LLVMValueRef h = LLVMBuildPhi(b, g->i32, "h");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, i, len, ""), hbody, pinit);
    LLVMPositionBuilderAtEnd(b, hbody);
    LLVMValueRef c = LLVMBuildLoad2(b, g->i8, LLVMBuildInBoundsGEP2(b, g->i8, name, &i, 1, ""), "");
    LLVMValueRef h2 = LLVMBuildMul(b, LLVMBuildXor(b, h, LLVMBuildZExt(b, c, g->i32, ""), ""),
                                   LLVMConstInt(g->i32, 16777619u, 0), "");
    LLVMValueRef i2 = LLVMBuildAdd(b, i, LLVMConstInt(g->size, 1, 0), "");
    LLVMBuildBr(b, hloop);
    LLVMValueRef iv[2] = {LLVMConstInt(g->size, 0, 0), i2}, hv[2] = {LLVMConstInt(g->i32, 2166136261u, 0), h2};
    LLVMBasicBlockRef ib[2] = {entry, hbody};
    LLVMAddIncoming(i, iv, ib, 2);
    LLVMAddIncoming(h, hv, ib, 2);

    /* Linear probing from h & (cap - 1). */
    LLVMValueRef mask = LLVMConstInt(g->i64, cap - 1, 0);
    LLVMPositionBuilderAtEnd(b, pinit);
    LLVMValueRef start = LLVMBuildAnd(b, LLVMBuildZExt(b, h, g->i64, ""), mask, "");
    LLVMBuildBr(b, probe);
    LLVMPositionBuilderAtEnd(b, probe);
    LLVMValueRef idx = LLVMBuildPhi(b, g->i64, "slot");
    LLVMValueRef sl = table_load(g, slot_ty, g->i32, slots_gv, idx, "");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, sl, ci32(g, 0), ""), none, check);
    LLVMPositionBuilderAtEnd(b, check);
    LLVMValueRef id = LLVMBuildSub(b, sl, ci32(g, 1), "id");
    LLVMValueRef id64 = LLVMBuildZExt(b, id, g->i64, "");
    LLVMValueRef l = LLVMBuildZExt(b, table_load(g, off_ty, g->i32, nlen, id64, ""), g->size, "");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, l, len, ""), cmp, next);
    LLVMPositionBuilderAtEnd(b, cmp);
    LLVMValueRef o = LLVMBuildZExt(b, table_load(g, off_ty, g->i32, noff, id64, ""), g->i64, "");
    LLVMValueRef zero2[2] = {ci64(g, 0), o};
    LLVMValueRef base = LLVMBuildInBoundsGEP2(b, LLVMTypeOf(names_init), names, zero2, 2, "");
    LLVMBuildBr(b, cloop);
    LLVMPositionBuilderAtEnd(b, cloop);
    LLVMValueRef j = LLVMBuildPhi(b, g->size, "j");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, j, len, ""), found, cbody);
    LLVMPositionBuilderAtEnd(b, cbody);
    LLVMValueRef x = LLVMBuildLoad2(b, g->i8, LLVMBuildInBoundsGEP2(b, g->i8, name, &j, 1, ""), "");
    LLVMValueRef y = LLVMBuildLoad2(b, g->i8, LLVMBuildInBoundsGEP2(b, g->i8, base, &j, 1, ""), "");
    LLVMValueRef j2 = LLVMBuildAdd(b, j, LLVMConstInt(g->size, 1, 0), "");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, x, y, ""), cloop, next);
    LLVMValueRef jv[2] = {LLVMConstInt(g->size, 0, 0), j2};
    LLVMBasicBlockRef jb[2] = {cmp, cbody};
    LLVMAddIncoming(j, jv, jb, 2);
    LLVMPositionBuilderAtEnd(b, found);
    LLVMBuildRet(b, nid ? table_load(g, off_ty, g->i32, nid, id64, "event") : id);
    LLVMPositionBuilderAtEnd(b, next);
    LLVMValueRef idx2 = LLVMBuildAnd(b, LLVMBuildAdd(b, idx, ci64(g, 1), ""), mask, "");
    LLVMBuildBr(b, probe);
    LLVMValueRef pv[2] = {start, idx2};
    LLVMBasicBlockRef pb[2] = {pinit, next};
    LLVMAddIncoming(idx, pv, pb, 2);
}

/* Up to this many events P_event_id is a switch on the length and inline
 * compares (fastest); past it, the hash table above. */
#define EVENT_ID_SWITCH_MAX 64

static void build_event_id(gen *g)
{
    const ir_machine *m = g->m;
    LLVMBuilderRef b = g->b;
    LLVMTypeRef params[2] = {g->ptr8, g->size};
    LLVMValueRef fn = add_function(g, "_event_id", g->i32, params, 2);
    LLVMValueRef name = LLVMGetParam(fn, 0), len = LLVMGetParam(fn, 1);
    LLVMSetValueName2(name, "name", 4);
    LLVMSetValueName2(len, "len", 3);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
    LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(g->ctx, fn, "unknown");
    LLVMPositionBuilderAtEnd(b, none);
    LLVMBuildRet(b, ci32(g, -1));
    if (ir_name_count(m) > EVENT_ID_SWITCH_MAX) { /* names, aliases included */
        build_event_id_table(g, fn, name, len, entry, none);
        return;
    }

    /* Names (declared, then aliases) grouped by length, each group in
     * their order. */
    size_t n = ir_name_count(m), n_lens = 0;
    by_len *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (by_len){ir_name_at(m, i).len, i};
    qsort(order, n, sizeof *order, cmp_by_len);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || order[i].len != order[i - 1].len)
            n_lens++;

    LLVMPositionBuilderAtEnd(b, entry);
    LLVMValueRef sw = LLVMBuildSwitch(b, len, none, (unsigned)n_lens);
    for (size_t i = 0; i < n;) {
        size_t L = order[i].len;
        LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(g->ctx, fn, "len");
        LLVMAddCase(sw, LLVMConstInt(g->size, L, 0), test);
        for (; i < n && order[i].len == L; i++) {
            LLVMPositionBuilderAtEnd(b, test);
            ir_name e = ir_name_at(m, order[i].id);
            LLVMValueRef eq = build_bytes_eq(g, name, e.name, L);
            LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(g->ctx, fn, "found");
            bool last = i + 1 == n || order[i + 1].len != L;
            LLVMBasicBlockRef miss =
                last ? none : LLVMAppendBasicBlockInContext(g->ctx, fn, "len");
            LLVMBuildCondBr(b, eq, found, miss);
            LLVMPositionBuilderAtEnd(b, found);
            LLVMBuildRet(b, ci32(g, (int64_t)e.event));
            test = miss;
        }
    }
    free(order);
}

static void build_stage_name(gen *g)
{
    const ir_machine *m = g->m;
    LLVMBuilderRef b = g->b;
    unsigned n = (unsigned)m->n_notes;
    /* notes in path order, "ENGAGED", then the answer for anything else */
    LLVMValueRef names[IR_NOTES + 2];
    for (unsigned k = 0; k < n; k++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, ".stage%u", k);
        names[k] = const_cstring(g, suffix, m->notes[k].name);
    }
    names[n] = const_cstring(g, ".engaged", "ENGAGED");
    names[n + 1] = const_cstring(g, ".bad_stage", "?");
    LLVMValueRef init = LLVMConstArray(g->ptr8, names, n + 2);
    LLVMTypeRef tab_ty = LLVMTypeOf(init);
    LLVMValueRef tab = add_private(g, ".stage_names", init);

    LLVMTypeRef params[1] = {g->i32};
    LLVMValueRef fn = add_function(g, "_stage_name", g->ptr8, params, 1);
    LLVMValueRef stage = LLVMGetParam(fn, 0);
    LLVMSetValueName2(stage, "stage", 5);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    /* Unsigned compare: negative stages are out of range too. */
    LLVMValueRef ok = LLVMBuildICmp(b, LLVMIntULE, stage, ci32(g, n), "in_range");
    LLVMValueRef k = LLVMBuildSelect(b, ok, stage, ci32(g, n + 1), "k");
    LLVMValueRef k64 = LLVMBuildZExt(b, k, g->i64, "");
    LLVMBuildRet(b, table_load(g, tab_ty, g->ptr8, tab, k64, "name"));
}

/* The event tables and P_event_count. */
/* The caps' tables (by event: its slot; by slot: count and period) and
 * the 0 that stands for the times of a NULL t. */
static void build_time_data(gen *g)
{
    const ir_machine *m = g->m;
    size_t n = m->n_events, c = m->n_caps;
    LLVMValueRef *of = xmalloc((n ? n : 1) * sizeof *of);
    LLVMValueRef *max = xmalloc((c ? c : 1) * sizeof *max);
    LLVMValueRef *per = xmalloc((c ? c : 1) * sizeof *per);
    for (size_t i = 0; i < n; i++) {
        const ir_event *e = &m->events[i];
        of[i] = ci32(g, e->cap_slot);
        if (e->cap_slot >= 0) {
            max[e->cap_slot] = ci32(g, e->cap);
            per[e->cap_slot] = ci64(g, e->cap_per);
        }
    }
    LLVMValueRef of_init = LLVMConstArray(g->i32, of, (unsigned)n);
    LLVMValueRef max_init = LLVMConstArray(g->i32, max, (unsigned)c);
    LLVMValueRef per_init = LLVMConstArray(g->i64, per, (unsigned)c);
    free(of);
    free(max);
    free(per);
    g->cap_of_ty = LLVMTypeOf(of_init);
    g->cap_max_ty = LLVMTypeOf(max_init);
    g->cap_per_ty = LLVMTypeOf(per_init);
    g->cap_of_tab = add_private(g, ".cap_slot", of_init);
    g->cap_max_tab = add_private(g, ".cap_max", max_init);
    g->cap_per_tab = add_private(g, ".cap_per", per_init);
    g->zero_time = add_private(g, ".zero_time", ci64(g, 0));
}

static void build_data(gen *g)
{
    const ir_machine *m = g->m;
    size_t n = m->n_events;
    LLVMValueRef *gates = xmalloc((n ? n : 1) * sizeof *gates);
    LLVMValueRef *rows = xmalloc((n + 1) * sizeof *rows);
    for (size_t i = 0; i <= n; i++) {
        /* score, points[0..2], events, early */
        int64_t d[6] = {0, 0, 0, 0, 1, 0};
        if (i < n) {
            const ir_event *e = &m->events[i];
            gates[i] = ci32(g, e->counts_from);
            d[0] = e->points;
            d[1 + e->note] = e->points;
        } else {
            d[0] = (int64_t)(0 - (uint64_t)m->penalty_early); /* wraps, as the sum */
            d[5] = 1;
        }
        LLVMValueRef lanes[6];
        for (int k = 0; k < 6; k++)
            lanes[k] = ci64(g, d[k]);
        rows[i] = LLVMConstVector(lanes, 6);
    }
    LLVMValueRef ginit = LLVMConstArray(g->i32, gates, (unsigned)n);
    LLVMValueRef dinit = LLVMConstArray(g->row_ty, rows, (unsigned)n + 1);
    free(gates);
    free(rows);
    g->gate_ty = LLVMTypeOf(ginit);
    g->delta_ty = LLVMTypeOf(dinit);
    g->gate_tab = add_private(g, ".event_gate", ginit);
    g->delta_tab = add_private(g, ".event_delta", dinit);

    LLVMValueRef thr[IR_NOTES + 1];
    for (int k = 0; k < m->n_notes; k++)
        thr[k] = ci64(g, m->notes[k].threshold);
    thr[m->n_notes] = ci64(g, INT64_MAX);
    LLVMValueRef tinit = LLVMConstArray(g->i64, thr, (unsigned)m->n_notes + 1);
    g->thr_ty = LLVMTypeOf(tinit);
    g->thr_tab = add_private(g, ".threshold", tinit);

    if (m->uses_time)
        build_time_data(g);

    char *name = pname(g, "_event_count");
    LLVMValueRef count = LLVMAddGlobal(g->mod, g->i32, name);
    free(name);
    LLVMSetInitializer(count, ci32(g, (int64_t)n));
    LLVMSetGlobalConstant(count, 1);
    LLVMSetAlignment(count, 4);
}

/* The checks lowering already guarantees, repeated because a malformed
 * machine would otherwise become out-of-bounds code, not an error. */
static char *check_machine(const ir_machine *m, const char *prefix)
{
    if (!emit_prefix_ok(prefix))
        return xprintf("prefix '%s' is not a C identifier", prefix ? prefix : "");
    const char *why = emit_machine_error(m);
    return why ? xprintf("%s", why) : NULL;
}

/* The module's name: the script's file name without any folder, so the
 * output does not depend on where the script was. */
static const char *module_name(const ir_machine *m)
{
    const char *s = emit_script_name(m);
    const char *slash = strrchr(s, '/');
    return slash && slash[1] ? slash + 1 : s;
}

LLVMModuleRef llvm_build_module(LLVMContextRef ctx, const ir_machine *m,
                                const char *prefix, const char *triple,
                                const char *datalayout, bool tally, char **err)
{
    char *why = check_machine(m, prefix);
    if (why) {
        *err = xprintf("cannot translate experience '%s': %s", m->name ? m->name : "?", why);
        free(why);
        return NULL;
    }
    gen g = {.ctx = ctx, .m = m, .prefix = prefix};
    const char *mname = module_name(m);
    g.mod = LLVMModuleCreateWithNameInContext(mname, ctx);
    LLVMSetSourceFileName(g.mod, mname, strlen(mname));
    LLVMSetTarget(g.mod, triple);
    LLVMSetDataLayout(g.mod, datalayout);
    LLVMTargetDataRef td = LLVMGetModuleDataLayout(g.mod); /* owned by the module */
    g.little_endian = LLVMByteOrder(td) == LLVMLittleEndian;

    g.i1 = LLVMInt1TypeInContext(ctx);
    g.i8 = LLVMInt8TypeInContext(ctx);
    g.i16 = LLVMInt16TypeInContext(ctx);
    g.i32 = LLVMInt32TypeInContext(ctx);
    g.i64 = LLVMInt64TypeInContext(ctx);
    g.size = LLVMIntPtrTypeInContext(ctx, td);  /* size_t */
    g.ptr8 = LLVMPointerType(g.i8, 0);
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    g.nounwind = LLVMCreateEnumAttribute(ctx, nounwind, 0);

    /* struct P_state { i32 stage; i64 score; i64 points[3]; u64 events;
     * u64 early; }, laid out by the target's C rules. */
    char *sname = pname(&g, "_state");
    g.state = LLVMStructCreateNamed(ctx, sname);
    free(sname);
    unsigned caps = (unsigned)m->n_caps;
    LLVMTypeRef fields[9] = {g.i32, g.i64, LLVMArrayType(g.i64, RT_NOTES), g.i64, g.i64,
                             g.i64, g.i64, LLVMArrayType(g.i64, caps), LLVMArrayType(g.i32, caps)};
    LLVMStructSetBody(g.state, fields, !m->uses_time ? 5 : caps ? 9 : 7, 0);
    g.state_ptr = LLVMPointerType(g.state, 0);

    /* The JIT hands rt_state pointers straight to this code, and the
     * header of --emit=c must describe it: insist that they agree. */
    static const size_t want[5] = {offsetof(rt_state, stage), offsetof(rt_state, score),
                                   offsetof(rt_state, points), offsetof(rt_state, events),
                                   offsetof(rt_state, early)};
    for (unsigned f = 0; f < 5; f++) {
        if (LLVMOffsetOfElement(td, g.state, f) != want[f]) {
            *err = xprintf("target %s lays out the state unlike this compiler's C", triple);
            LLVMDisposeModule(g.mod);
            return NULL;
        }
    }
    g.state_size = LLVMABISizeOfType(td, g.state);
    if (g.state_size != RT_STATE_SIZE(m->uses_time, m->n_caps) ||
        (m->uses_time && LLVMOffsetOfElement(td, g.state, F_START) != sizeof(rt_state))) {
        *err = xprintf("target %s sizes the state unlike this compiler's C", triple);
        LLVMDisposeModule(g.mod);
        return NULL;
    }

    g.row_ty = LLVMVectorType(g.i64, 6);
    unsigned cttz = LLVMLookupIntrinsicID("llvm.cttz", 9);
    g.cttz = LLVMGetIntrinsicDeclaration(g.mod, cttz, &g.i32, 1);
    g.cttz_ty = LLVMIntrinsicGetType(ctx, cttz, &g.i32, 1);
    unsigned prefetch = LLVMLookupIntrinsicID("llvm.prefetch", 13);
    g.prefetch = LLVMGetIntrinsicDeclaration(g.mod, prefetch, &g.ptr8, 1);
    g.prefetch_ty = LLVMIntrinsicGetType(ctx, prefetch, &g.ptr8, 1);

    g.b = LLVMCreateBuilderInContext(ctx);
    build_data(&g);
    build_init(&g);
    build_event_id(&g);
    build_step_fn(&g);
    build_step_batch(&g, tally);
    build_cap_slot(&g);
    build_stage_name(&g);
    LLVMDisposeBuilder(g.b);
    return g.mod;
}

/* ---- backends -------------------------------------------------------- */

typedef enum out_kind { OUT_IR, OUT_BC, OUT_OBJ } out_kind;

static const char *const kind_ext[] = {".ll", ".bc", ".o"};

/* A build-ready module at the requested level: the one path for the three
 * backends and llvm_check_machine.  On success *ctxp, *tmp and the result
 * belong to the caller. */
static LLVMModuleRef prepare(const ir_machine *m, const char *prefix, int opt,
                             LLVMContextRef *ctxp, LLVMTargetMachineRef *tmp, char **err)
{
    *ctxp = NULL;
    *tmp = NULL;
    if (!llvm_init_native(err))
        return NULL;
    LLVMTargetMachineRef tm = llvm_target_machine(false, opt, err);
    if (!tm)
        return NULL;
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    char *dl = LLVMCopyStringRepOfTargetData(td);
    LLVMDisposeTargetData(td);
    char *triple = LLVMGetTargetMachineTriple(tm);
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod = llvm_build_module(ctx, m, prefix, triple, dl, false, err);
    LLVMDisposeMessage(dl);
    LLVMDisposeMessage(triple);
    if (mod && (!llvm_verify(mod, err) || !llvm_optimize(mod, tm, opt, err) ||
                !llvm_verify(mod, err))) {
        LLVMDisposeModule(mod);
        mod = NULL;
    }
    if (!mod) {
        LLVMContextDispose(ctx);
        LLVMDisposeTargetMachine(tm);
        return NULL;
    }
    *ctxp = ctx;
    *tmp = tm;
    return mod;
}

int llvm_check_machine(const ir_machine *m, const char *prefix, int opt, char **err)
{
    arena *a = arena_new();
    LLVMContextRef ctx;
    LLVMTargetMachineRef tm;
    emit_opts o = {.prefix = prefix};
    LLVMModuleRef mod = prepare(m, emit_prefix(a, m, &o), opt, &ctx, &tm, err);
    arena_free(a);
    if (!mod)
        return RT_EXIT_SOFTWARE;
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    LLVMDisposeTargetMachine(tm);
    return RT_EXIT_OK;
}

static int emit_kind(arena *a, const ir_machine *m, const emit_opts *o, out_kind k)
{

    char *err = NULL;
    LLVMContextRef ctx;
    LLVMTargetMachineRef tm;
    const char *prefix = emit_prefix(a, m, o);
    const char *path = o->out ? o->out : emit_default_out(a, emit_script_name(m), kind_ext[k]);
    LLVMModuleRef mod = prepare(m, prefix, o->opt_level, &ctx, &tm, &err);
    if (!mod) {
        fprintf(stderr, "expc: internal error: LLVM: %s\n", err);
        free(err);
        return RT_EXIT_SOFTWARE;
    }

    /* Produce the whole output in memory first: nothing is opened unless
     * there is something complete to write. */
    char *text = NULL;
    LLVMMemoryBufferRef buf = NULL;
    const char *data = NULL;
    size_t size = 0;
    switch (k) {
    case OUT_IR:
        text = LLVMPrintModuleToString(mod);
        data = text;
        size = strlen(text);
        break;
    case OUT_BC:
        buf = LLVMWriteBitcodeToMemoryBuffer(mod);
        if (!buf)
            err = xprintf("cannot write bitcode");
        break;
    case OUT_OBJ: {
        char *msg = NULL;
        if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &buf)) {
            char *why = take_message(msg, "unknown error");
            err = xprintf("cannot generate code: %s", why);
            free(why);
            buf = NULL;
        } else if (msg) {
            LLVMDisposeMessage(msg);
        }
        break;
    }
    }
    if (buf) {
        data = LLVMGetBufferStart(buf);
        size = LLVMGetBufferSize(buf);
    }

    int rc;
    if (err) {
        fprintf(stderr, "expc: internal error: LLVM: %s\n", err);
        free(err);
        rc = RT_EXIT_SOFTWARE;
    } else {
        outfile of;
        if (!outfile_open(&of, path)) {
            rc = RT_EXIT_IOERR;
        } else {
            /* A short write sets the stream's error flag; outfile_commit
             * sees it, reports it, removes the temporary and says
             * RT_EXIT_IOERR. */
            if (size)
                fwrite(data, 1, size, of.f);
            rc = outfile_commit(&of, 1, true);
        }
    }
    if (text)
        LLVMDisposeMessage(text);
    if (buf)
        LLVMDisposeMemoryBuffer(buf);
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    LLVMDisposeTargetMachine(tm);
    return rc;
}

static int emit_ir(arena *a, const ir_machine *m, const emit_opts *o) { return emit_kind(a, m, o, OUT_IR); }
static int emit_bc(arena *a, const ir_machine *m, const emit_opts *o) { return emit_kind(a, m, o, OUT_BC); }
static int emit_obj(arena *a, const ir_machine *m, const emit_opts *o) { return emit_kind(a, m, o, OUT_OBJ); }

const emit_backend llvm_ir_backend = {"llvm-ir", ".ll", true, emit_ir, NULL};
const emit_backend llvm_bc_backend = {"llvm-bc", ".bc", true, emit_bc, NULL};
const emit_backend llvm_obj_backend = {"obj", ".o", true, emit_obj, NULL};

void llvm_shutdown(void)
{
    LLVMShutdown();
}

#else
/* Built without LLVM: nothing here (ISO C wants a declaration). */
typedef int expc_emit_llvm_unused;
#endif
