/* ir.h - the lowered scoring machine.
 *
 * `ir_lower` (lower.c) turns one checked experience into this description;
 * lower.c is the only place the scoring rule (docs/language.md, Scoring) is
 * set, and every engine (the interpreter, the C backend, the LLVM backend,
 * the PostgreSQL extension, the picture of `expc graph`) translates the
 * fields below and never looks at the AST or works the rule out again.
 * Notes are in path order; events are in declaration order, so an event's
 * index is its event id.  A rule added later (time windows, caps) becomes
 * one more field of ir_event or ir_machine, set in lower.c. */
#ifndef EXPC_IR_H
#define EXPC_IR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expc/arena.h"

#define IR_NOTES 3   /* engagement needs all three behaviours, each once */

/* ir_event.counts_from of an event that counts on every stage. */
#define IR_ALWAYS (-1)

typedef struct ir_note {
    int behaviour;            /* ast_behaviour: 0 SAY, 1 STAY, 2 SPEND */
    const char *name;         /* "SAY", "STAY", "SPEND" */
    int64_t threshold;
    const char **emotions;    /* from `evoke`, in source order */
    size_t n_emotions;
    const char *media[3];     /* stage, system, service text; NULL if absent */
} ir_note;

typedef struct ir_event {
    const char *name;
    size_t len;
    int32_t note;             /* index on the path (into notes[]) */
    int64_t points;
    const char *emotion;      /* NULL when absent */
    int via;                  /* ast_medium, or -1 */
    const char *at;           /* touch point, NULL when absent */
    /* The scoring rule for this event: it counts (adds its points to the
     * score and to its note) on every stage >= counts_from, and on a lower
     * stage it is early (scores nothing, costs penalty_early).  IR_ALWAYS
     * for negative points, the note's index otherwise.  An engine's test
     * is `counts_from <= stage`, a compare against a per-event constant. */
    int32_t counts_from;
    /* Its aliases (docs/language.md, Events and aliases): the log names
     * m->aliases[first_alias .. first_alias + n_aliases), in source order. */
    size_t first_alias, n_aliases;
    /* `cap C per P` (docs/language.md, Time rules): cap = C, cap_per = P in
     * ms; cap 0 when the event has none.  cap_slot (ir_decide_rules) is its
     * index among the capped events, in declaration order, else -1. */
    int64_t cap, cap_per;
    int32_t cap_slot;
} ir_event;

/* A log name that is not an event's declared name: it finds `event`.  The
 * trace, the tables and the output always say the declared name. */
typedef struct ir_alias {
    const char *name;
    size_t len;
    int32_t event;
} ir_alias;

/* A name the log may use: a declared name or an alias, and its event. */
typedef struct ir_name {
    const char *name;
    size_t len;
    int32_t event;
} ir_name;

typedef struct ir_machine {
    const char *name;         /* experience name */
    const char *industry;     /* NULL when the experience has no `for` */
    const char *script;       /* the script's file name as given (no folder) */
    int32_t n_notes;          /* IR_NOTES */
    ir_note notes[IR_NOTES];
    int64_t penalty_early;
    size_t n_events;
    ir_event *events;
    size_t n_aliases;         /* every event's aliases, event by event */
    ir_alias *aliases;
    /* Time rules, in ms; 0 when not given (a zero one is refused, E0407). */
    int64_t within, reset_after;
    /* ir_decide_rules: events with a cap, and whether the machine uses time
     * (any rule or cap): then its state has start, last and n_caps cap
     * slots (ABI 2), and a run needs --time. */
    size_t n_caps;
    bool uses_time;
} ir_machine;

/* The names P_event_id matches, numbered: 0 .. n_events-1 are the events'
 * declared names (name i is event i), then the aliases in order. */
size_t ir_name_count(const ir_machine *m);
ir_name ir_name_at(const ir_machine *m, size_t i);

/* Sets the fields of the scoring rule (ir_event.counts_from) from the
 * script's facts (note, points).  ir_lower calls it; so must code that
 * builds a machine by hand (unit tests) before handing it to an engine. */
void ir_decide_rules(ir_machine *m);

/* The time steps A and B of docs/language.md (Scoring, Time), exact for
 * every int64_t: `t - from > limit` without overflow, and floor(t / per). */
static inline bool ir_gap_over(int64_t t, int64_t from, int64_t limit)
{
    return t > from && (uint64_t)t - (uint64_t)from > (uint64_t)limit;
}

static inline int64_t ir_floor_div(int64_t t, int64_t per)
{
    int64_t q = t / per;
    return (t % per != 0 && t < 0) ? q - 1 : q;
}

/* True when event `e` counts at `stage` (else it is early). */
static inline bool ir_counts_at(const ir_event *e, int32_t stage)
{
    return e->counts_from <= stage;
}

/* What one event did to a customer (docs/language.md, Scoring): the trace
 * lines, the report's event table and test coverage all read this, so it is
 * decided in one place, the reference interpreter (interp_step returns it).
 * IR_RESTART is a flag or'ed onto the effect: the journey restarted before
 * the event (time rules). */
typedef enum ir_effect {
    IR_NONE = 0,      /* not a declared event: nothing happened */
    IR_COUNTED = 1,   /* its points counted (negative points included) */
    IR_EARLY = 2,     /* played too early: the penalty instead */
    IR_CAPPED = 3,    /* over its cap: counted as an event, nothing else */
    IR_EFFECT_MASK = 3,
    IR_RESTART = 4
} ir_effect;

/* The stage names: notes[k].name for k < n_notes, "ENGAGED" for n_notes. */
const char *ir_stage_name(const ir_machine *m, int32_t stage);

/* The event lookup table the C and LLVM backends put in data when a script
 * has too many names for a dispatch tree: open addressing on hash_fnv1a of
 * the name with linear probing; slots[h] is a name's number (ir_name_at) +
 * 1, 0 when empty, so without aliases it is the event id + 1; cap is a
 * power of two >= 2 * ir_name_count (at least 16), so a probe ends at an
 * empty slot.  A name given twice keeps its first number.  The generated
 * P_event_id hashes with the same function and probes the same way. */
typedef struct ir_event_table {
    uint32_t *slots;          /* cap entries, malloc'd: free(slots) */
    size_t cap;
} ir_event_table;

void ir_event_table_build(const ir_machine *m, ir_event_table *t);
#endif
