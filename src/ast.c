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
    ast_ident *i = arena_alloc(a, sizeof *i);
    i->name = name;
    i->sp = sp;
    return i;
}

ast_rule *ast_rule_new(arena *a, ast_rule_kind k, ast_bref x, ast_bref y, span sp)
{
    ast_rule *r = arena_alloc(a, sizeof *r);
    r->kind = k;
    r->a = x;
    r->b = y;
    r->sp = sp;
    return r;
}

static ast_note_item *note_item_new(arena *a, ast_note_item_kind k, span sp)
{
    ast_note_item *n = arena_alloc(a, sizeof *n);
    n->kind = k;
    n->medium = M_NONE;
    n->sp = sp;
    return n;
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
    ast_bseq *s = arena_alloc(a, sizeof *s);
    s->b = b;
    return s;
}

static ast_member *member_new(arena *a, ast_member_kind k, span kw, span sp)
{
    ast_member *m = arena_alloc(a, sizeof *m);
    m->kind = k;
    m->kw_sp = kw;
    m->sp = sp;
    m->via = M_NONE;
    return m;
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
    ast_member *m = member_new(a, MEM_EVENT, kw, sp);
    m->name = name;
    m->event_b = b;
    m->emotion = emotion;
    m->via = via;
    m->via_sp = via_sp;
    m->at = at;
    m->points = points;
    return m;
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
    ast_alias *al = arena_alloc(a, sizeof *al);
    al->name = name;
    return al;
}

ast_cap *ast_cap_new(arena *a, ast_int count, ast_duration per, span kw, span sp)
{
    ast_cap *c = arena_alloc(a, sizeof *c);
    c->count = count;
    c->per = per;
    c->kw_sp = kw;
    c->sp = sp;
    return c;
}

ast_time_rule *ast_time_rule_new(arena *a, ast_time_kind k, ast_duration d, span kw, span sp)
{
    ast_time_rule *t = arena_alloc(a, sizeof *t);
    t->kind = k;
    t->d = d;
    t->kw_sp = kw;
    t->sp = sp;
    return t;
}

ast_member *ast_penalty_new(arena *a, ast_int v, span kw, span sp)
{
    ast_member *m = member_new(a, MEM_PENALTY, kw, sp);
    m->points = v;
    return m;
}

static ast_item *item_new(arena *a, ast_item_kind k, span sp)
{
    ast_item *i = arena_alloc(a, sizeof *i);
    i->kind = k;
    i->sp = sp;
    return i;
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
    ast_item *i = item_new(a, ITEM_INDUSTRY, sp);
    i->name = name;
    i->rules = rules;
    i->lbrace = lb;
    i->rbrace = rb;
    return i;
}

ast_item *ast_experience_new(arena *a, ast_ident name, ast_ident *industry,
                             ast_member *members, span lb, span rb, span sp)
{
    ast_item *i = item_new(a, ITEM_EXPERIENCE, sp);
    i->name = name;
    i->industry = industry;
    i->members = members;
    i->lbrace = lb;
    i->rbrace = rb;
    return i;
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
    ast_test_event *e = arena_alloc(a, sizeof *e);
    e->name = name;
    e->quoted = quoted;
    if (at) {
        e->has_at = true;
        e->at = *at;
    }
    e->sp = sp;
    return e;
}

ast_test_item *ast_test_events_new(arena *a, ast_test_event *events, span kw, span sp)
{
    ast_test_item *t = arena_alloc(a, sizeof *t);
    t->kind = TI_EVENTS;
    t->events = events;
    t->kw_sp = kw;
    t->sp = sp;
    return t;
}

ast_test_item *ast_expect_new(arena *a, ast_expect_field f, span fsp, span kw, span sp)
{
    ast_test_item *t = arena_alloc(a, sizeof *t);
    t->kind = TI_EXPECT;
    t->field = f;
    t->field_sp = fsp;
    t->kw_sp = kw;
    t->sp = sp;
    return t;
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
    ast_test *t = arena_alloc(a, sizeof *t);
    t->name = name;
    t->experience = experience;
    t->items = items;
    t->kw_sp = kw;
    t->lbrace = lb;
    t->rbrace = rb;
    t->sp = sp;
    return t;
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
    ast_comment *c = arena_alloc(a, sizeof *c);
    c->text = text;
    c->len = len;
    c->block = block;
    c->sp = sp;
    /* Comments arrive in source order; keep a tail pointer in the file. */
    if (!f->comments)
        f->comments = c;
    else
        f->comments_tail->next = c;
    f->comments_tail = c;
}
