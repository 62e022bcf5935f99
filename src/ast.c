/* ast.c - constructors for the syntax tree.
 *
 * The grammar's actions call only these.  They allocate in the
 * compilation's arena and do no checking: a node says what was written, and
 * src/sema.c decides whether it makes sense. */
#include "expc/ast.h"

#include <string.h>

static const char *const behaviour_names[] = { "SAY", "STAY", "SPEND" };
static const char *const medium_names[] = { "stage", "system", "service" };

const char *ast_behaviour_name(ast_behaviour b)
{
    return b >= 0 && b < B_COUNT ? behaviour_names[b] : "?";
}

const char *ast_medium_name(ast_medium m)
{
    return m >= 0 && m < M_COUNT ? medium_names[m] : "?";
}

static const char *const unit_names[] = { "ms", "s", "m", "h", "d", "w" };

const char *ast_unit_name(ast_unit u)
{
    return u >= 0 && u < U_COUNT ? unit_names[u] : "?";
}

ast_list ast_list_new(void)
{
    ast_list l = { NULL, NULL };
    return l;
}

/* Every list node starts with its `next` pointer, so the tail can be set
 * through a `void **` whatever the node type. */
ast_list ast_list_append(ast_list l, void *node)
{
    if (!node)
        return l;
    if (!l.head)
        l.head = node;
    else
        *(void **)l.tail = node;
    l.tail = node;
    return l;
}

ast_ident *ast_ident_new(arena *a, const char *name, span sp)
{
    return ARENA_NEW(a, ast_ident, .name = name, .sp = sp);
}

ast_rule *ast_rule_new(arena *a, ast_rule_kind k, ast_bref x, ast_bref y, span sp)
{
    return ARENA_NEW(a, ast_rule, .kind = k, .a = x, .b = y, .sp = sp);
}

static ast_note_item *note_item_new(arena *a, ast_note_item_kind k, span sp)
{
    return ARENA_NEW(a, ast_note_item, .kind = k, .medium = M_NONE, .sp = sp);
}

ast_note_item *ast_evoke_new(arena *a, ast_ident *emotions, span sp)
{
    ast_note_item *n = note_item_new(a, NI_EVOKE, sp);
    n->emotions = emotions;
    return n;
}

ast_note_item *ast_medium_new(arena *a, ast_medium m, span msp, ast_string text, span sp)
{
    ast_note_item *n = note_item_new(a, NI_MEDIUM, sp);
    n->medium = m;
    n->medium_sp = msp;
    n->text = text;
    return n;
}

ast_note_item *ast_threshold_new(arena *a, ast_int v, span sp)
{
    ast_note_item *n = note_item_new(a, NI_THRESHOLD, sp);
    n->threshold = v;
    return n;
}

ast_bseq *ast_bseq_new(arena *a, ast_bref b)
{
    return ARENA_NEW(a, ast_bseq, .b = b);
}

static ast_member *member_new(arena *a, ast_member_kind k, span kw, span sp)
{
    return ARENA_NEW(a, ast_member, .kind = k, .kw_sp = kw, .sp = sp, .via = M_NONE);
}

ast_member *ast_path_new(arena *a, ast_bseq *path, span kw, span sp)
{
    ast_member *m = member_new(a, MEM_PATH, kw, sp);
    m->path = path;
    return m;
}

ast_member *ast_note_new(arena *a, ast_bref b, ast_note_item *items, span kw, span sp)
{
    ast_member *m = member_new(a, MEM_NOTE, kw, sp);
    m->note_b = b;
    m->items = items;
    return m;
}

ast_member *ast_event_new(arena *a, ast_ident name, ast_bref b, ast_ident *emotion,
                          ast_medium via, span via_sp, ast_ident *at, ast_int points,
                          span kw, span sp)
{
    return ARENA_NEW(a, ast_member, .kind = MEM_EVENT, .kw_sp = kw, .sp = sp, .name = name,
                     .event_b = b, .emotion = emotion, .via = via, .via_sp = via_sp, .at = at,
                     .points = points);
}

ast_member *ast_event_more(ast_member *m, ast_alias *aliases, span as_sp, ast_cap *cap)
{
    m->aliases = aliases;
    m->as_sp = as_sp;
    m->cap = cap;
    return m;
}

ast_alias *ast_alias_new(arena *a, ast_string name)
{
    return ARENA_NEW(a, ast_alias, .name = name);
}

ast_cap *ast_cap_new(arena *a, ast_int count, ast_duration per, span kw, span sp)
{
    return ARENA_NEW(a, ast_cap, .count = count, .per = per, .kw_sp = kw, .sp = sp);
}

ast_time_rule *ast_time_rule_new(arena *a, ast_time_kind k, ast_duration d, span kw, span sp)
{
    return ARENA_NEW(a, ast_time_rule, .kind = k, .d = d, .kw_sp = kw, .sp = sp);
}

ast_member *ast_penalty_new(arena *a, ast_int v, span kw, span sp)
{
    ast_member *m = member_new(a, MEM_PENALTY, kw, sp);
    m->points = v;
    return m;
}

static ast_item *item_new(arena *a, ast_item_kind k, span sp)
{
    return ARENA_NEW(a, ast_item, .kind = k, .sp = sp);
}

ast_item *ast_import_new(arena *a, ast_string path, span sp)
{
    ast_item *i = item_new(a, ITEM_IMPORT, sp);
    i->import = path;
    i->import_file = -1;
    return i;
}

ast_item *ast_emotion_new(arena *a, ast_ident *names, ast_bref b, span sp)
{
    ast_item *i = item_new(a, ITEM_EMOTION, sp);
    i->names = names;
    i->evokes = b;
    return i;
}

ast_item *ast_industry_new(arena *a, ast_ident name, ast_rule *rules, span lb, span rb, span sp)
{
    return ARENA_NEW(a, ast_item, .kind = ITEM_INDUSTRY, .sp = sp, .name = name, .rules = rules,
                     .lbrace = lb, .rbrace = rb);
}

ast_item *ast_experience_new(arena *a, ast_ident name, ast_ident *industry,
                             ast_member *members, span lb, span rb, span sp)
{
    return ARENA_NEW(a, ast_item, .kind = ITEM_EXPERIENCE, .sp = sp, .name = name,
                     .industry = industry, .members = members, .lbrace = lb, .rbrace = rb);
}

ast_body ast_body_new(void)
{
    ast_body b = { ast_list_new(), ast_list_new() };
    return b;
}

ast_body ast_body_member(ast_body b, ast_member *m)
{
    b.members = ast_list_append(b.members, m);
    return b;
}

ast_body ast_body_time(ast_body b, ast_time_rule *t)
{
    b.time_rules = ast_list_append(b.time_rules, t);
    return b;
}

ast_item *ast_experience_body(ast_item *it, ast_body b)
{
    it->members = b.members.head;
    it->time_rules = b.time_rules.head;
    return it;
}

ast_test_event *ast_test_event_new(arena *a, ast_string name, bool quoted,
                                   const ast_duration *at, span sp)
{
    return ARENA_NEW(a, ast_test_event, .name = name, .quoted = quoted, .has_at = at != NULL,
                     .at = at ? *at : (ast_duration){ 0 }, .sp = sp);
}

ast_test_item *ast_test_events_new(arena *a, ast_test_event *events, span kw, span sp)
{
    return ARENA_NEW(a, ast_test_item, .kind = TI_EVENTS, .events = events, .kw_sp = kw, .sp = sp);
}

ast_test_item *ast_expect_new(arena *a, ast_expect_field f, span fsp, span kw, span sp)
{
    return ARENA_NEW(a, ast_test_item, .kind = TI_EXPECT, .field = f, .field_sp = fsp,
                     .kw_sp = kw, .sp = sp);
}

ast_test_item *ast_expect_int(ast_test_item *t, ast_int v)
{
    t->value = v;
    return t;
}

/* The behaviour of `points B N`, or of `stage B` (whose name is then the
 * behaviour's, so sema can read `stage` whatever was written). */
ast_test_item *ast_expect_b(ast_test_item *t, ast_bref b)
{
    t->b = b;
    if (t->field == EXP_STAGE) {
        t->stage_is_b = true;
        t->stage.name = ast_behaviour_name(b.b);
        t->stage.sp = b.sp;
    }
    return t;
}

ast_test_item *ast_expect_stage(ast_test_item *t, const char *name, span sp)
{
    t->stage.name = name;
    t->stage.sp = sp;
    return t;
}

ast_test *ast_test_new(arena *a, ast_string name, ast_ident *experience,
                       ast_test_item *items, span kw, span lb, span rb, span sp)
{
    return ARENA_NEW(a, ast_test, .name = name, .experience = experience, .items = items,
                     .kw_sp = kw, .lbrace = lb, .rbrace = rb, .sp = sp);
}

void ast_test_add(ast_file *f, ast_test *t)
{
    if (!t)
        return;
    if (!f->tests)
        f->tests = t;
    else
        f->tests_tail->next = t;
    f->tests_tail = t;
}

void ast_comment_add(arena *a, ast_file *f, const char *text, size_t len, bool block, span sp)
{
    ast_comment *c = ARENA_NEW(a, ast_comment, .text = text, .len = len, .block = block, .sp = sp);
    /* Comments arrive in source order; keep a tail pointer in the file. */
    if (!f->comments)
        f->comments = c;
    else
        f->comments_tail->next = c;
    f->comments_tail = c;
}
