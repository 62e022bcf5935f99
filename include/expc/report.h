/* report.h - the report: one self-contained HTML5 page about a run
 * (docs/language.md, "The report"): `expc run --report=FILE.html`, and the
 * page the service serves at GET /.
 *
 * Two parts.  The counter (report_count, report_run_start) steps the
 * engine through rt_engine.step_batch_tally, which counts each event's
 * ir_effect where the engine decides it, into per-event counts.  The page (report_write) is
 * written from a report_data alone - the machine, what the input held, the
 * per-event counts and every customer's final state - and never looks into
 * a run, so `expc serve` fills one from its live state and calls the same
 * function.  Not part of the runtime embedded in generated programs
 * (src/rt/ stays libc-only): the report is `expc run`'s and the service's. */
#ifndef EXPC_REPORT_H
#define EXPC_REPORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "expc/ir.h"
#include "expc/rt.h"

/* What one event did, over a whole log: n[IR_COUNTED], n[IR_EARLY],
 * n[IR_CAPPED] (n[IR_NONE] stays 0); seen is their sum. */
typedef struct report_counts {
    uint64_t n[IR_EFFECT_MASK + 1];
} report_counts;
_Static_assert(sizeof(report_counts) == 4 * sizeof(uint64_t),
               "a report_counts is a row of rt_engine.step_batch_tally's tally");

/* Everything the page shows.  The service: input NULL (no file) and
 * `live` set to a line under the title ("live: ..."), counts from its
 * state; states may be any array of final customer states. */
typedef struct report_data {
    const ir_machine *m;
    const char *input;        /* the input's name (<stdin>); NULL: not shown */
    const char *live;         /* NULL, or a line saying what the page is of */
    uint64_t records;         /* event records read, valid or not */
    uint64_t scored;          /* events of declared names, scored */
    uint64_t undeclared;      /* lines skipped: event not declared */
    uint64_t invalid;         /* lines skipped: invalid data */
    const report_counts *events; /* m->n_events of them, declaration order */
    const rt_state *states;   /* every customer's final state, state_size bytes apart */
    size_t n_customers;
    size_t state_size;        /* 0: sizeof(rt_state) */
    /* n_tabs > 0 (a --threads run): the states are these tables' (the
     * partitions), not states[]; n_customers is still their total. */
    const rt_table *tabs;
    size_t n_tabs;
} report_data;

/* Customer i's state in d. */
#define report_state(d, i)                                                                 \
    ((const rt_state *)(const void *)((const char *)(d)->states +                          \
                                      (size_t)(i) * ((d)->state_size ? (d)->state_size     \
                                                                     : sizeof(rt_state))))

/* Writes the page to f.  0, or -1 when f has a write error.  Callable from
 * several threads: the picture is drawn with one process-wide Graphviz
 * context (Graphviz is not reentrant), so concurrent callers take turns
 * (a lock in report.c). */
int report_write(FILE *f, const report_data *d);
/* Writes the page to path atomically (outfile.c): 0, or 74 after
 * `expc: PATH: REASON` on stderr, leaving nothing. */
int report_write_file(const char *path, const report_data *d);

/* Whether this expc draws the machine picture (built with libgvc). */
bool report_has_picture(void);

/* `expc run --report`: sets o->step so that rt_run steps its engine
 * through the counter (an engine opened with a tally: engine.h), and
 * o->after so that it writes o->report once the table is out (its
 * failure: exit 74, the table written all the same); starts drawing the
 * machine picture meanwhile - before the engine is opened, so that the
 * drawing overlaps the JIT's compiling, which leaves the other cores idle.
 * Free after rt_run. */
typedef struct report_run report_run;
report_run *report_run_start(const ir_machine *m, rt_opts *o);
void report_run_free(report_run *r);

/* The counter alone, for a caller that drives the engine itself (`expc
 * serve`): wraps *e (opened with a tally) in an engine that counts, without the page; the counts
 * so far are report_counts_of's, m->n_events of them in declaration order,
 * ready for report_data.events.  Free with report_run_free. */
report_run *report_count(const ir_machine *m, rt_engine *e);
const report_counts *report_counts_of(const report_run *r);
/* Sets the counts so far (m->n_events of them): the service starts each
 * group from the counts it stored. */
void report_counts_set(report_run *r, const report_counts *c);
#endif
