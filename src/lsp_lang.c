/* lsp_lang.c - what the language server knows about a script: hover, go
 * to definition, document symbols and completion.
 *
 * All of it reads the syntax trees of the last front-end run on the buffer
 * (lsp_analysis): the root file and everything it imports.  Names are
 * looked up the way the checker resolves them (one global namespace for
 * emotions, industries and experiences; events per experience), directly
 * on the trees, so a script with errors still answers what it can. */
#include "expc/lsp.h"

#include <ctype.h>
#include <string.h>

#include "expc/sema.h"

/* ---- what is under the cursor ------------------------------------------- */

typedef enum sym_kind {
    SYM_NONE, SYM_EMOTION, SYM_INDUSTRY, SYM_EXPERIENCE, SYM_EVENT, SYM_NOTE, SYM_IMPORT
} sym_kind;

typedef struct sym {
    sym_kind kind;
    const char *name;           /* the name as written (events: or the log name) */
    bool log_name;              /* SYM_EVENT named by a log name (a test's "x") */
    ast_behaviour b;            /* SYM_NOTE */
    const ast_item *exp;        /* SYM_EVENT, SYM_NOTE: the experience */
    const ast_item *item;       /* SYM_IMPORT */
    const char *exp_name;       /* SYM_EVENT/SYM_NOTE in a test: its experience */
} sym;

typedef struct cursor {
    int line, col;              /* 1-based, byte column */
    sym s;
} cursor;

static bool on(const cursor *c, const span *sp)
{
    if (!sp->file || sp->file->id != 0)
        return false;
    if (c->line < sp->line || (c->line == sp->line && c->col < sp->col))
        return false;
    /* The end counts: the cursor right after a word is on it. */
    return c->line < sp->end_line || (c->line == sp->end_line && c->col <= sp->end_col);
}

static bool hit(cursor *c, const span *sp, sym_kind k, const char *name)
{
    if (c->s.kind != SYM_NONE || !on(c, sp))
        return false;
    c->s.kind = k;
    c->s.name = name;
    return true;
}

static void find_in_member(cursor *c, const ast_item *e, const ast_member *m)
{
    switch (m->kind) {
    case MEM_PATH:
        for (const ast_bseq *q = m->path; q; q = q->next)
            if (hit(c, &q->b.sp, SYM_NOTE, NULL))
                c->s.b = q->b.b;
        break;
    case MEM_NOTE:
        if (hit(c, &m->note_b.sp, SYM_NOTE, NULL))
            c->s.b = m->note_b.b;
        for (const ast_note_item *ni = m->items; ni; ni = ni->next)
            for (const ast_ident *id = ni->kind == NI_EVOKE ? ni->emotions : NULL; id;
                 id = id->next)
                hit(c, &id->sp, SYM_EMOTION, id->name);
        break;
    case MEM_EVENT:
        hit(c, &m->name.sp, SYM_EVENT, m->name.name);
        if (hit(c, &m->event_b.sp, SYM_NOTE, NULL))
            c->s.b = m->event_b.b;
        if (m->emotion)
            hit(c, &m->emotion->sp, SYM_EMOTION, m->emotion->name);
        break;
    case MEM_PENALTY:
        break;
    }
    if (c->s.kind == SYM_EVENT || c->s.kind == SYM_NOTE)
        c->s.exp = c->s.exp ? c->s.exp : e;
}

static void find_in_item(cursor *c, const ast_item *it)
{
    switch (it->kind) {
    case ITEM_IMPORT:
        if (hit(c, &it->import.sp, SYM_IMPORT, it->import.value))
            c->s.item = it;
        break;
    case ITEM_EMOTION:
        for (const ast_ident *id = it->names; id; id = id->next)
            hit(c, &id->sp, SYM_EMOTION, id->name);
        break;
    case ITEM_INDUSTRY:
        hit(c, &it->name.sp, SYM_INDUSTRY, it->name.name);
        break;
    case ITEM_EXPERIENCE:
        hit(c, &it->name.sp, SYM_EXPERIENCE, it->name.name);
        if (it->industry)
            hit(c, &it->industry->sp, SYM_INDUSTRY, it->industry->name);
        for (const ast_member *m = it->members; m && c->s.kind == SYM_NONE; m = m->next)
            find_in_member(c, it, m);
        break;
    }
}

static void find_in_test(cursor *c, const ast_test *t)
{
    const char *exp = t->experience ? t->experience->name : NULL;
    if (t->experience)
        hit(c, &t->experience->sp, SYM_EXPERIENCE, exp);
    for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
        for (const ast_test_event *ev = ti->kind == TI_EVENTS ? ti->events : NULL; ev;
             ev = ev->next)
            if (hit(c, &ev->name.sp, SYM_EVENT, ev->name.value))
                c->s.log_name = ev->quoted;
        if (ti->kind == TI_EXPECT && (ti->field == EXP_POINTS ||
                                      (ti->field == EXP_STAGE && ti->stage_is_b)) &&
            hit(c, &ti->b.sp, SYM_NOTE, NULL))
            c->s.b = ti->b.b;
    }
    if (c->s.kind == SYM_EVENT || c->s.kind == SYM_NOTE)
        c->s.exp_name = exp ? exp : "";
}

static sym find_sym(const lsp_analysis *an, int line, int col)
{
    cursor c = { line, col, { 0 } };
    const ast_file *f = an->prog->files[0];
    for (const ast_item *it = f->items; it && c.s.kind == SYM_NONE; it = it->next)
        find_in_item(&c, it);
    for (const ast_test *t = f->tests; t && c.s.kind == SYM_NONE; t = t->next)
        find_in_test(&c, t);
    return c.s;
}

/* ---- lookups over the program ------------------------------------------- */

static const ast_ident *find_emotion(const program *p, const char *name, const ast_item **decl)
{
    for (size_t i = 0; i < p->n_files; i++)
        for (const ast_item *it = p->files[i]->items; it; it = it->next)
            for (const ast_ident *id = it->kind == ITEM_EMOTION ? it->names : NULL; id;
                 id = id->next)
                if (!strcmp(id->name, name)) {
                    *decl = it;
                    return id;
                }
    return NULL;
}

static const ast_item *find_item(const program *p, ast_item_kind k, const char *name)
{
    for (size_t i = 0; i < p->n_files; i++)
        for (const ast_item *it = p->files[i]->items; it; it = it->next)
            if (it->kind == k && !strcmp(it->name.name, name))
                return it;
    return NULL;
}

/* A test's experience: named by `for`, or the only one there is. */
static const ast_item *test_experience(const program *p, const char *name)
{
    if (name && *name)
        return find_item(p, ITEM_EXPERIENCE, name);
    const ast_item *only = NULL;
    for (size_t i = 0; i < p->n_files; i++)
        for (const ast_item *it = p->files[i]->items; it; it = it->next)
            if (it->kind == ITEM_EXPERIENCE) {
                if (only)
                    return NULL;
                only = it;
            }
    return only;
}

/* The event of `e` called `name` (or, log_name, with that name or alias). */
static const ast_member *find_event(const ast_item *e, const char *name, bool log_name)
{
    for (const ast_member *m = e ? e->members : NULL; m; m = m->next) {
        if (m->kind != MEM_EVENT)
            continue;
        if (!strcmp(m->name.name, name))
            return m;
        for (const ast_alias *al = log_name ? m->aliases : NULL; al; al = al->next)
            if (!strcmp(al->name.value, name))
                return m;
    }
    return NULL;
}

static const ast_member *find_note(const ast_item *e, ast_behaviour b)
{
    for (const ast_member *m = e ? e->members : NULL; m; m = m->next)
        if (m->kind == MEM_NOTE && m->note_b.b == b)
            return m;
    return NULL;
}

static const ast_item *sym_experience(const lsp_analysis *an, const sym *s)
{
    return s->exp ? s->exp : test_experience(an->prog, s->exp_name);
}

/* ---- hover ---------------------------------------------------------------- */

/* The source text of a span (its first line at most), for a code block. */
static char *span_text(arena *a, const span *sp)
{
    size_t len;
    const char *line = diag_line_text(sp->file, sp->line, &len);
    if (!line)
        return "";
    size_t start = (size_t)sp->col - 1 < len ? (size_t)sp->col - 1 : len;
    size_t end = sp->end_line == sp->line && (size_t)sp->end_col - 1 < len
                     ? (size_t)sp->end_col - 1 : len;
    return diag_utf8_clean(a, arena_strndup(a, line + start, end > start ? end - start : 0));
}

static char *hover_event(arena *a, const ast_item *e, const ast_member *m)
{
    char *s = arena_printf(a, "```exp\n%s\n```\nevent `%s` of `%s`\n\n- note: %s\n- points: %+lld",
                           span_text(a, &m->sp), m->name.name, e->name.name,
                           ast_behaviour_name(m->event_b.b), (long long)m->points.value);
    if (m->emotion)
        s = arena_printf(a, "%s\n- emotion: %s", s, m->emotion->name);
    if (m->via != M_NONE)
        s = arena_printf(a, "%s\n- medium: %s", s, ast_medium_name(m->via));
    if (m->at)
        s = arena_printf(a, "%s\n- touch point: %s", s, m->at->name);
    if (m->cap)
        s = arena_printf(a, "%s\n- cap: %lld per %lld%s", s, (long long)m->cap->count.value,
                         (long long)m->cap->per.count, ast_unit_name(m->cap->per.unit));
    for (const ast_alias *al = m->aliases; al; al = al->next)
        s = arena_printf(a, "%s\n- log name: \"%s\"", s, diag_utf8_clean(a, al->name.value));
    return s;
}

static char *hover_note(arena *a, const ast_item *e, ast_behaviour b)
{
    const ast_member *n = find_note(e, b);
    if (!n)
        return arena_printf(a, "note %s of `%s`: not written yet", ast_behaviour_name(b),
                            e->name.name);
    long long threshold = 10; /* the default (docs/language.md) */
    const char *media[M_COUNT] = { 0 };
    for (const ast_note_item *ni = n->items; ni; ni = ni->next) {
        if (ni->kind == NI_THRESHOLD)
            threshold = (long long)ni->threshold.value;
        else if (ni->kind == NI_MEDIUM && ni->medium >= 0 && ni->medium < M_COUNT)
            media[ni->medium] = diag_utf8_clean(a, ni->text.value);
    }
    char *s = arena_printf(a, "note **%s** of `%s`\n\n- threshold: %lld", ast_behaviour_name(b),
                           e->name.name, threshold);
    for (int k = 0; k < M_COUNT; k++)
        s = arena_printf(a, "%s\n- %s: %s", s, ast_medium_name((ast_medium)k),
                         media[k] ? arena_printf(a, "\"%s\"", media[k]) : "(not named)");
    return s;
}

static char *hover_sym(const lsp_analysis *an, const sym *s)
{
    arena *a = an->a;
    const program *p = an->prog;
    const ast_item *it, *e;
    const ast_ident *id;
    switch (s->kind) {
    case SYM_EMOTION:
        if (!(id = find_emotion(p, s->name, &it)))
            return NULL;
        return arena_printf(a, "```exp\nemotion %s evokes %s;\n```\ndeclared in `%s`, line %d",
                            s->name, ast_behaviour_name(it->evokes.b),
                            diag_utf8_clean(a, id->sp.file->path), id->sp.line);
    case SYM_INDUSTRY:
        if (!(it = find_item(p, ITEM_INDUSTRY, s->name)))
            return NULL;
        return arena_printf(a, "industry `%s`, declared in `%s`, line %d", s->name,
                            diag_utf8_clean(a, it->name.sp.file->path), it->name.sp.line);
    case SYM_EXPERIENCE:
        if (!(it = find_item(p, ITEM_EXPERIENCE, s->name)))
            return NULL;
        return arena_printf(a, "experience `%s`%s%s", s->name, it->industry ? " for " : "",
                            it->industry ? it->industry->name : "");
    case SYM_EVENT: {
        e = sym_experience(an, s);
        const ast_member *m = find_event(e, s->name, s->log_name);
        return m ? hover_event(a, e, m) : NULL;
    }
    case SYM_NOTE:
        e = sym_experience(an, s);
        return e ? hover_note(a, e, s->b) : NULL;
    case SYM_IMPORT:
        if (s->item->import_file < 0 || (size_t)s->item->import_file >= p->n_files)
            return NULL;
        return arena_printf(a, "imports `%s`",
                            diag_utf8_clean(a, p->files[s->item->import_file]->src->path));
    case SYM_NONE:
        break;
    }
    return NULL;
}

char *lsp_explain(arena *a, const diag_code *c)
{
    char *s = arena_printf(a, "**%s** (%s): %s\n\n%s", c->code,
                           c->severity == DIAG_ERROR ? "error" : "warning", c->summary,
                           c->explanation);
    if (c->wrong)
        s = arena_printf(a, "%s\n\nFor example, this is wrong:\n```exp\n%s```", s, c->wrong);
    if (c->right)
        s = arena_printf(a, "%s\n\nand this is right:\n```exp\n%s```", s, c->right);
    return s;
}

/* A code written in the text under the cursor (`// see E0303`). */
static const diag_code *code_at(const src_file *f, int line, int col)
{
    size_t len;
    const char *t = diag_line_text(f, line, &len);
    if (!t)
        return NULL;
    size_t i = (size_t)col - 1 < len ? (size_t)col - 1 : len;
    while (i > 0 && isalnum((unsigned char)t[i - 1]))
        i--;
    size_t j = i;
    while (j < len && isalnum((unsigned char)t[j]))
        j++;
    if (j - i != 5)
        return NULL;
    char code[6];
    memcpy(code, t + i, 5);
    code[5] = 0;
    return diag_lookup(code);
}

json_t *lsp_hover(const lsp_analysis *an, json_t *pos)
{
    const src_file *f = an->prog->files[0]->src;
    int line, col;
    if (!lsp_line_col(f->text, f->len, pos, &line, &col))
        return NULL;
    sym s = find_sym(an, line, col);
    char *text = s.kind != SYM_NONE ? hover_sym(an, &s) : NULL;
    /* The diagnostics here: their message and what their code means. */
    cursor c = { line, col, { 0 } };
    for (size_t i = 0; i < an->d.n; i++) {
        const diagnostic *dg = an->d.list[i];
        if (!on(&c, &dg->sp))
            continue;
        char *more = arena_printf(an->a, "%s[%s]: %s%s%s",
                                  dg->severity == DIAG_ERROR ? "error" : "warning",
                                  dg->code_name, diag_utf8_clean(an->a, dg->message),
                                  dg->code ? "\n\n" : "",
                                  dg->code ? lsp_explain(an->a, dg->code) : "");
        text = text ? arena_printf(an->a, "%s\n\n---\n\n%s", text, more) : more;
    }
    const diag_code *dc = text ? NULL : code_at(f, line, col);
    if (dc)
        text = lsp_explain(an->a, dc);
    if (!text)
        return json_null();
    return json_pack("{s:{s:s,s:s}}", "contents", "kind", "markdown", "value", text);
}

/* ---- definition ----------------------------------------------------------- */

static json_t *location(const lsp_analysis *an, const span *sp)
{
    return json_pack("{s:s,s:o}", "uri", lsp_file_uri(an, sp->file), "range", lsp_range(sp));
}

json_t *lsp_definition(const lsp_analysis *an, json_t *pos)
{
    const src_file *f = an->prog->files[0]->src;
    const program *p = an->prog;
    int line, col;
    if (!lsp_line_col(f->text, f->len, pos, &line, &col))
        return NULL;
    sym s = find_sym(an, line, col);
    const ast_item *it;
    const ast_member *m;
    const ast_ident *id;
    switch (s.kind) {
    case SYM_EMOTION:
        if ((id = find_emotion(p, s.name, &it)))
            return location(an, &id->sp);
        break;
    case SYM_INDUSTRY:
    case SYM_EXPERIENCE:
        it = find_item(p, s.kind == SYM_INDUSTRY ? ITEM_INDUSTRY : ITEM_EXPERIENCE, s.name);
        if (it)
            return location(an, &it->name.sp);
        break;
    case SYM_EVENT:
        if ((m = find_event(sym_experience(an, &s), s.name, s.log_name)))
            return location(an, &m->name.sp);
        break;
    case SYM_NOTE:
        if ((m = find_note(sym_experience(an, &s), s.b)))
            return location(an, &m->note_b.sp);
        break;
    case SYM_IMPORT:
        if (s.item->import_file >= 0 && (size_t)s.item->import_file < p->n_files) {
            span top = { p->files[s.item->import_file]->src, 1, 1, 1, 1 };
            return location(an, &top);
        }
        break;
    case SYM_NONE:
        break;
    }
    return json_null();
}

/* ---- document symbols ----------------------------------------------------- */

enum { SK_MODULE = 2, SK_NAMESPACE = 3, SK_CLASS = 5, SK_METHOD = 6, SK_INTERFACE = 11,
       SK_CONSTANT = 14, SK_EVENT = 24 };

static json_t *symbol(arena *a, const char *name, int kind, const span *range, const span *sel,
                      const char *detail)
{
    /* The name must lie inside the range (LSP); a recovered node may not. */
    span r = *range;
    if (sel->line < r.line || (sel->line == r.line && sel->col < r.col) ||
        sel->end_line > r.end_line || (sel->end_line == r.end_line && sel->end_col > r.end_col))
        r = *sel;
    json_t *o = json_pack("{s:s,s:i,s:o,s:o}", "name", *name ? diag_utf8_clean(a, name) : "?",
                          "kind", kind, "range", lsp_range(&r), "selectionRange",
                          lsp_range(sel));
    if (detail)
        json_object_set_new(o, "detail", json_string(diag_utf8_clean(a, detail)));
    return o;
}

static json_t *experience_symbol(arena *a, const ast_item *it)
{
    json_t *kids = json_array();
    for (const ast_member *m = it->members; m; m = m->next) {
        if (m->kind == MEM_NOTE)
            json_array_append_new(kids, symbol(a, arena_printf(a, "note %s",
                                                               ast_behaviour_name(m->note_b.b)),
                                               SK_NAMESPACE, &m->sp, &m->note_b.sp, NULL));
        else if (m->kind == MEM_EVENT)
            json_array_append_new(kids, symbol(a, m->name.name, SK_EVENT, &m->sp, &m->name.sp,
                                               arena_printf(a, "%s %+lld",
                                                            ast_behaviour_name(m->event_b.b),
                                                            (long long)m->points.value)));
    }
    json_t *o = symbol(a, it->name.name, SK_CLASS, &it->sp, &it->name.sp,
                       it->industry ? arena_printf(a, "for %s", it->industry->name) : NULL);
    json_object_set_new(o, "children", kids);
    return o;
}

json_t *lsp_symbols(const lsp_analysis *an)
{
    arena *a = an->a;
    json_t *out = json_array();
    const ast_file *f = an->prog->files[0];
    for (const ast_item *it = f->items; it; it = it->next) {
        if (it->kind == ITEM_EXPERIENCE)
            json_array_append_new(out, experience_symbol(a, it));
        else if (it->kind == ITEM_INDUSTRY)
            json_array_append_new(out, symbol(a, it->name.name, SK_INTERFACE, &it->sp,
                                              &it->name.sp, "industry"));
        else if (it->kind == ITEM_IMPORT)
            json_array_append_new(out, symbol(a, it->import.value, SK_MODULE, &it->sp,
                                              &it->import.sp, "import"));
        for (const ast_ident *id = it->kind == ITEM_EMOTION ? it->names : NULL; id;
             id = id->next)
            json_array_append_new(out, symbol(a, id->name, SK_CONSTANT, &it->sp, &id->sp,
                                              arena_printf(a, "evokes %s",
                                                           ast_behaviour_name(it->evokes.b))));
    }
    for (const ast_test *t = f->tests; t; t = t->next)
        json_array_append_new(out, symbol(a, t->name.value, SK_METHOD, &t->sp, &t->name.sp,
                                          t->experience ? arena_printf(a, "test for %s",
                                                                       t->experience->name)
                                                        : "test"));
    return out;
}

/* ---- completion ----------------------------------------------------------- */

enum { CK_VALUE = 12, CK_KEYWORD = 14, CK_ENUM_MEMBER = 20, CK_CONSTANT = 21, CK_EVENT = 23 };

/* Where the cursor is: the block it is in, and the words of the statement
 * it is in, up to the word being typed (not included). */
#define MAX_WORDS 16
typedef struct place {
    char block[16];             /* "", "industry", "experience", "note", "test" */
    char note_b[64];            /* a note block's behaviour */
    char test_for[64];          /* a test block's `for` */
    char words[MAX_WORDS][64];  /* the statement's words, the last MAX_WORDS */
    int n_words;
    bool in_text;               /* in a string or a comment: no completion */
} place;

typedef struct scan {
    place blocks[8];            /* what each open brace opened (first 8 levels) */
    int depth;
    char stmt[MAX_WORDS][64];   /* the statement being read */
    int n;
    int total;                  /* words in the statement, all of them */
} scan;

static void add_word(scan *s, const char *w, size_t n)
{
    if (n >= 64)
        n = 63;
    if (s->n == MAX_WORDS) {
        memmove(s->stmt, s->stmt + 1, sizeof s->stmt[0] * (MAX_WORDS - 1));
        s->n--;
    }
    memcpy(s->stmt[s->n], w, n);
    s->stmt[s->n][n] = 0;
    s->n++;
    s->total++;
}

/* `{`: the statement so far says what the block is. */
static void open_block(scan *s)
{
    place *b = s->depth < 8 ? &s->blocks[s->depth] : NULL;
    s->depth++;
    if (!b)
        return;
    memset(b, 0, sizeof *b);
    const char *first = s->total && s->total == s->n ? s->stmt[0] : "";
    /* An event's `{`? no such thing: anything but the four is no block we
     * complete in. */
    if (!strcmp(first, "industry") || !strcmp(first, "experience") || !strcmp(first, "note") ||
        !strcmp(first, "test"))
        strcpy(b->block, first);
    if (!strcmp(first, "note") && s->n > 1)
        snprintf(b->note_b, sizeof b->note_b, "%s", s->stmt[1]);
    if (!strcmp(first, "test"))
        for (int i = 1; i + 1 < s->n; i++)
            if (!strcmp(s->stmt[i], "for"))
                snprintf(b->test_for, sizeof b->test_for, "%s", s->stmt[i + 1]);
}

static place find_place(const char *t, size_t off)
{
    scan s = { 0 };
    place p = { 0 };
    size_t i = 0;
    while (i < off) {
        char ch = t[i];
        if (ch == '/' && i + 1 < off && t[i + 1] == '/') {
            const char *nl = memchr(t + i, '\n', off - i);
            if (!nl) {
                p.in_text = true;
                return p;
            }
            i = (size_t)(nl - t);
        } else if (ch == '/' && i + 1 < off && t[i + 1] == '*') {
            const char *e = NULL;
            for (size_t k = i + 2; k + 1 < off && !e; k++)
                if (t[k] == '*' && t[k + 1] == '/')
                    e = t + k;
            if (!e) {
                p.in_text = true;
                return p;
            }
            i = (size_t)(e - t) + 2;
        } else if (ch == '"') {
            size_t k = i + 1;
            while (k < off && t[k] != '"' && t[k] != '\n')
                k += t[k] == '\\' ? 2 : 1;
            if (k >= off) {
                p.in_text = true;
                return p;
            }
            add_word(&s, t + i, k + 1 - i); /* a string is one word */
            i = k + 1;
        } else if (isalnum((unsigned char)ch) || ch == '_' || ch == '+' || ch == '-') {
            size_t k = i;
            if (ch == '-' && k + 1 < off && t[k + 1] == '>') {
                add_word(&s, "->", 2);
                i += 2;
                continue;
            }
            k++;
            while (k < off && (isalnum((unsigned char)t[k]) || t[k] == '_'))
                k++;
            if (k == off)
                break; /* the word being typed */
            add_word(&s, t + i, k - i);
            i = k;
        } else {
            if (ch == ';' || ch == '{' || ch == '}') {
                if (ch == '{')
                    open_block(&s);
                else if (ch == '}' && s.depth > 0)
                    s.depth--;
                s.n = s.total = 0;
            } else if (ch == ':' || ch == ',' || ch == '@') {
                add_word(&s, &t[i], 1);
            }
            i++;
        }
    }
    if (s.depth > 0 && s.depth <= 8)
        p = s.blocks[s.depth - 1];
    else if (s.depth > 8)
        strcpy(p.block, "?");
    memcpy(p.words, s.stmt, sizeof p.words);
    p.n_words = s.n;
    return p;
}

static void item(json_t *out, const char *label, int kind, const char *detail)
{
    json_t *o = json_pack("{s:s,s:i}", "label", label, "kind", kind);
    if (detail)
        json_object_set_new(o, "detail", json_string(detail));
    json_array_append_new(out, o);
}

static void keywords(json_t *out, const char *const *kw)
{
    for (; *kw; kw++)
        item(out, *kw, CK_KEYWORD, NULL);
}

static void behaviours(json_t *out)
{
    for (int b = 0; b < B_COUNT; b++)
        item(out, ast_behaviour_name((ast_behaviour)b), CK_ENUM_MEMBER, "behaviour");
}

/* The emotions in scope; with `only` a behaviour's name, those that evoke it. */
static void emotions(arena *a, json_t *out, const program *p, const char *only)
{
    for (size_t i = 0; p && i < p->n_files; i++)
        for (const ast_item *it = p->files[i]->items; it; it = it->next) {
            const char *b = ast_behaviour_name(it->evokes.b);
            if (it->kind != ITEM_EMOTION || (only && *only && strcmp(only, b)))
                continue;
            for (const ast_ident *id = it->names; id; id = id->next)
                item(out, id->name, CK_CONSTANT, arena_printf(a, "emotion, evokes %s", b));
        }
}

static void named_items(json_t *out, const program *p, ast_item_kind k, const char *detail)
{
    for (size_t i = 0; p && i < p->n_files; i++)
        for (const ast_item *it = p->files[i]->items; it; it = it->next)
            if (it->kind == k)
                item(out, it->name.name, CK_CONSTANT, detail);
}

static bool is_behaviour(const char *w)
{
    return !strcmp(w, "SAY") || !strcmp(w, "STAY") || !strcmp(w, "SPEND");
}

static const char *last(const place *p, int back)
{
    return p->n_words > back ? p->words[p->n_words - 1 - back] : "";
}

static void complete_top(json_t *out, const place *p, const program *prog)
{
    static const char *const top[] = { "import", "emotion", "industry", "experience", "test",
                                       NULL };
    const char *first = p->n_words ? p->words[0] : "", *w = last(p, 0);
    if (!p->n_words)
        keywords(out, top);
    else if (!strcmp(first, "emotion") && !strcmp(w, "evokes"))
        behaviours(out);
    else if (!strcmp(first, "emotion"))
        item(out, "evokes", CK_KEYWORD, NULL);
    else if (!strcmp(first, "experience") && !strcmp(w, "for"))
        named_items(out, prog, ITEM_INDUSTRY, "industry");
    else if (!strcmp(first, "test") && !strcmp(w, "for"))
        named_items(out, prog, ITEM_EXPERIENCE, "experience");
    else if (p->n_words == 2 && (!strcmp(first, "experience") || !strcmp(first, "test")))
        item(out, "for", CK_KEYWORD, NULL);
}

static void complete_event(arena *a, json_t *out, const place *p, const program *prog)
{
    static const char *const after[] = { "via", "at", "cap", NULL };
    const char *w = last(p, 0);
    bool colon = false;
    const char *b = NULL;
    for (int i = 0; i < p->n_words; i++) {
        colon |= !strcmp(p->words[i], ":");
        if (colon && is_behaviour(p->words[i]))
            b = p->words[i];
    }
    if (!strcmp(w, ":"))
        behaviours(out);
    else if (!strcmp(w, "via"))
        for (int m = 0; m < M_COUNT; m++)
            item(out, ast_medium_name((ast_medium)m), CK_VALUE, "medium");
    else if (!strcmp(w, "at"))
        for (int k = 0; k < SEMA_N_TOUCH; k++)
            item(out, sema_touch_points[k], CK_VALUE, "touch point");
    else if (!strcmp(w, "cap") || !strcmp(w, "per"))
        return; /* numbers and durations */
    else if (is_behaviour(w)) {
        emotions(a, out, prog, w);
        keywords(out, after);
    } else if (colon && b) {
        keywords(out, after);
    } else if (!colon && p->n_words >= 2) {
        item(out, "as", CK_KEYWORD, NULL);
    }
}

static void complete_test(json_t *out, const place *p, const program *prog)
{
    static const char *const kw[] = { "events", "expect", NULL };
    static const char *const fields[] = { "score", "stage", "events", "early", "points", NULL };
    const char *first = p->n_words ? p->words[0] : "", *w = last(p, 0);
    if (!p->n_words) {
        keywords(out, kw);
    } else if (!strcmp(first, "expect") && p->n_words == 1) {
        keywords(out, fields);
    } else if (!strcmp(first, "expect") && (!strcmp(w, "stage") || !strcmp(w, "points"))) {
        behaviours(out);
        if (!strcmp(w, "stage"))
            item(out, "ENGAGED", CK_ENUM_MEMBER, "every note complete");
    } else if (!strcmp(first, "events") && (p->n_words == 1 || !strcmp(w, ","))) {
        const ast_item *e = prog ? test_experience(prog, p->test_for) : NULL;
        for (const ast_member *m = e ? e->members : NULL; m; m = m->next)
            if (m->kind == MEM_EVENT)
                item(out, m->name.name, CK_EVENT, ast_behaviour_name(m->event_b.b));
    }
}

static void complete(arena *a, json_t *out, const place *p, const program *prog)
{
    static const char *const industry_kw[] = { "first", "key", NULL };
    static const char *const exp_kw[] = { "path", "note", "event", "penalty", "within", "reset",
                                          NULL };
    static const char *const note_kw[] = { "evoke", "stage", "system", "service", "threshold",
                                           NULL };
    const char *first = p->n_words ? p->words[0] : "", *w = last(p, 0);
    if (!strcmp(p->block, "")) {
        complete_top(out, p, prog);
    } else if (!strcmp(p->block, "industry")) {
        if (!p->n_words) {
            keywords(out, industry_kw);
            behaviours(out);
        } else if (is_behaviour(w) && p->n_words == 1) {
            item(out, "before", CK_KEYWORD, NULL);
        } else if (!is_behaviour(w)) {
            behaviours(out);
        }
    } else if (!strcmp(p->block, "experience")) {
        if (!p->n_words)
            keywords(out, exp_kw);
        else if (!strcmp(first, "event"))
            complete_event(a, out, p, prog);
        else if ((!strcmp(first, "path") && (p->n_words == 1 || !strcmp(w, "->"))) ||
                 (!strcmp(first, "note") && p->n_words == 1))
            behaviours(out);
        else if (!strcmp(w, "penalty"))
            item(out, "early", CK_KEYWORD, NULL);
        else if (!strcmp(w, "reset"))
            item(out, "after", CK_KEYWORD, NULL);
    } else if (!strcmp(p->block, "note")) {
        if (!p->n_words)
            keywords(out, note_kw);
        else if (!strcmp(first, "evoke") && (p->n_words == 1 || !strcmp(w, ",")))
            emotions(a, out, prog, p->note_b);
    } else if (!strcmp(p->block, "test")) {
        complete_test(out, p, prog);
    }
}

json_t *lsp_completion(const lsp_analysis *an, json_t *pos)
{
    const src_file *f = an->prog->files[0]->src;
    size_t off;
    if (!lsp_offset(f->text, f->len, pos, &off))
        return NULL;
    place p = find_place(f->text, off);
    json_t *items = json_array();
    if (!p.in_text)
        complete(an->a, items, &p, an->prog);
    return json_pack("{s:b,s:o}", "isIncomplete", 0, "items", items);
}
