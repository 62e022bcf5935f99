/* trace.h - why a customer got a score: one line per event (docs/language.md,
 * "Traces").
 *
 * `expc run --trace=ID` and the failures of `expc test` print the same
 * lines.  What an event did (counted, early, capped, a restart before it)
 * is interp_step's answer (ir_effect): the reference interpreter is the one
 * place that classifies an event, whichever engine scores the run (the
 * engines are held byte-identical to it by the differential tests).  This
 * is expc's own code, never part of the runtime embedded in generated
 * programs: they have no --trace. */
#ifndef EXPC_TRACE_H
#define EXPC_TRACE_H
#include <stdint.h>
#include <stdio.h>

#include "expc/ir.h"
#include "expc/rt.h"

/* `trace: WHO: FILE:LINE: EVENT NOTE POINTS EFFECT -> STAGE SCORE` and a
 * newline, after `indent`: event `ev` of `m` did `effect` (an ir_effect)
 * and left the customer in `after`. */
void trace_put(FILE *f, const char *indent, const char *who, const char *file, uint64_t line,
               const ir_machine *m, int32_t ev, int effect, const rt_state *after);

/* `expc run --trace=ID...`: the customers traced over one run of `m`. */
typedef struct trace_run trace_run;
/* `ids`: the customers, as given (repeats are harmless); `timed`: the run
 * orders each customer's events by time (--time), so the lines are
 * printed at trace_run_end, a customer's together. */
trace_run *trace_run_new(const ir_machine *m, const char *const *ids, size_t n, bool timed,
                         FILE *err);
/* The hook for rt_opts.trace: each declared event as it is read. */
void trace_run_event(void *ctx, const char *file, uint64_t line, const char *cust, size_t len,
                     int32_t ev, int64_t t);
/* Prints what is left (the timed lines) and frees it all. */
void trace_run_end(trace_run *tr);
#endif
