/* lower.c - a checked experience becomes one struct ir_machine.
 *
 * This is where the script's meaning is fixed: the path order gives each
 * behaviour its note index, a note's threshold defaults to 10, `penalty
 * early` to 0, events keep their declaration order (an event's id is its
 * index), and each event gets its scoring rule (ir_decide_rules: the
 * lowest stage at which it counts).  Engines translate the result; none of
 * them reads the AST or works the rule out again. */
#include "expc/lower.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "expc/hash.h"
#include "expc/rt.h" /* rt_basename: also the runtime's */

const char *ir_stage_name(const ir_machine *m, int32_t stage)
{
    if (stage >= 0 && stage < m->n_notes)
        return m->notes[stage].name;
    return stage == m->n_notes ? "ENGAGED" : "?";
}

size_t ir_name_count(const ir_machine *m)
{
    return m->n_events + m->n_aliases;
}

ir_name ir_name_at(const ir_machine *m, size_t i)
{
    if (i < m->n_events)
        return (ir_name){ m->events[i].name, m->events[i].len, (int32_t)i };
    const ir_alias *al = &m->aliases[i - m->n_events];
    return (ir_name){ al->name, al->len, al->event };
}

void ir_event_table_build(const ir_machine *m, ir_event_table *t)
{
    size_t n = ir_name_count(m), cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        xoom();
    for (size_t i = 0; i < n; i++) {
        ir_name e = ir_name_at(m, i);
        size_t h = hash_fnv1a(e.name, e.len) & (cap - 1);
        bool dup = false;
        while (slot[h]) {
            ir_name o = ir_name_at(m, slot[h] - 1);
            dup |= o.len == e.len && memcmp(o.name, e.name, e.len) == 0;
            h = (h + 1) & (cap - 1);
        }
        if (!dup) /* declaration order: the first of two equal names wins */
            slot[h] = (uint32_t)i + 1;
    }
    t->slots = slot;
    t->cap = cap;
}

/* docs/language.md, Scoring: an event with negative points always counts;
 * any other counts once the customer's stage has reached its note, and is
 * early (penalised) before. */
static int32_t counts_from(const ir_event *e)
{
    return e->points < 0 ? IR_ALWAYS : e->note;
}

void ir_decide_rules(ir_machine *m)
{
    m->n_caps = 0;
    for (size_t i = 0; i < m->n_events; i++) {
        ir_event *e = &m->events[i];
        e->counts_from = counts_from(e);
        e->cap_slot = e->cap > 0 ? (int32_t)m->n_caps++ : -1;
    }
    m->uses_time = m->within > 0 || m->reset_after > 0 || m->n_caps > 0;
}

/* The aliases of the event about to be m->events[m->n_events]. */
static void lower_aliases(ir_machine *m, const ast_member *mem)
{
    ir_event *e = &m->events[m->n_events];
    e->first_alias = m->n_aliases;
    for (const ast_alias *al = mem->aliases; al; al = al->next) {
        ir_alias *x = &m->aliases[m->n_aliases++];
        x->name = al->name.value;
        x->len = al->name.len;
        x->event = (int32_t)m->n_events;
    }
    e->n_aliases = m->n_aliases - e->first_alias;
}

ir_machine *ir_lower(arena *a, const ast_item *exp)
{
    ir_machine *m = arena_alloc(a, sizeof *m);
    m->name = exp->name.name;
    m->industry = exp->industry ? exp->industry->name : NULL;
    m->script = rt_basename(exp->name.sp.file ? exp->name.sp.file->path : "");

    int index_of[B_COUNT] = { -1, -1, -1 };
    size_t n_events = 0;
    for (const ast_member *mem = exp->members; mem; mem = mem->next) {
        if (mem->kind == MEM_PATH) {
            int k = 0;
            for (const ast_bseq *b = mem->path; b && k < IR_NOTES; b = b->next, k++) {
                index_of[b->b.b] = k;
                m->notes[k].behaviour = (int)b->b.b;
                m->notes[k].name = ast_behaviour_name(b->b.b);
                m->notes[k].threshold = 10;
            }
            m->n_notes = k;
        } else if (mem->kind == MEM_EVENT) {
            n_events++;
        } else if (mem->kind == MEM_PENALTY) {
            m->penalty_early = mem->points.value;
        }
    }

    for (const ast_member *mem = exp->members; mem; mem = mem->next) {
        if (mem->kind != MEM_NOTE || index_of[mem->note_b.b] < 0)
            continue;
        ir_note *n = &m->notes[index_of[mem->note_b.b]];
        size_t ne = 0;
        for (const ast_note_item *it = mem->items; it; it = it->next)
            if (it->kind == NI_EVOKE)
                for (const ast_ident *e = it->emotions; e; e = e->next)
                    ne++;
        n->emotions = arena_alloc(a, (ne ? ne : 1) * sizeof *n->emotions);
        for (const ast_note_item *it = mem->items; it; it = it->next) {
            if (it->kind == NI_EVOKE)
                for (const ast_ident *e = it->emotions; e; e = e->next)
                    n->emotions[n->n_emotions++] = e->name;
            else if (it->kind == NI_MEDIUM)
                n->media[it->medium] = it->text.value;
            else if (it->kind == NI_THRESHOLD)
                n->threshold = it->threshold.value;
        }
    }

    m->events = arena_alloc(a, (n_events ? n_events : 1) * sizeof *m->events);
    size_t n_aliases = 0;
    for (const ast_member *mem = exp->members; mem; mem = mem->next)
        for (const ast_alias *al = mem->kind == MEM_EVENT ? mem->aliases : NULL; al; al = al->next)
            n_aliases++;
    m->aliases = arena_alloc(a, (n_aliases ? n_aliases : 1) * sizeof *m->aliases);
    for (const ast_member *mem = exp->members; mem; mem = mem->next) {
        if (mem->kind != MEM_EVENT)
            continue;
        lower_aliases(m, mem);
        ir_event *e = &m->events[m->n_events++];
        e->name = mem->name.name;
        e->len = strlen(mem->name.name);
        e->note = index_of[mem->event_b.b];
        e->points = mem->points.value;
        e->emotion = mem->emotion ? mem->emotion->name : NULL;
        e->via = (int)mem->via;
        e->at = mem->at ? mem->at->name : NULL;
        if (mem->cap) {
            e->cap = mem->cap->count.value;
            e->cap_per = mem->cap->per.ms;
        }
    }
    for (const ast_time_rule *t = exp->time_rules; t; t = t->next)
        *(t->kind == TIME_WITHIN ? &m->within : &m->reset_after) = t->d.ms;
    ir_decide_rules(m);
    return m;
}
