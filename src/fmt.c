/* fmt.c - `expc fmt`: the one canonical layout of a script, comments kept.
 *
 * The code is printed again from the syntax tree, so its layout owes nothing
 * to how it was typed: 4-space indentation, one item or member a line, `{` on
 * the line it opens, canonical spacing of `->` `:` `,`, strings re-escaped,
 * event lines aligned in columns across their experience (an event's `as`
 * log names are part of its name column, a `cap` follows its points), the
 * media of a note aligned too, and durations printed as written (`90d`).  Blank lines: exactly one between things of different
 * kinds and around every block; inside a run of one-line things of the same
 * kind (imports, emotion declarations, industry rules, note items, test
 * items, events, the path/penalty/within/reset header of an experience) the
 * author's grouping is kept: one
 * blank line where the source had at least one, none where it had none.
 *
 * Comments are not in the tree: the lexer keeps them on ast_file->comments in
 * source order, and this printer merges them back while it walks the tree in
 * source order.  A comment starting on the line where a construct ends (and
 * before the next construct starts) trails that construct on its output line;
 * any other comment is printed on its own line before the construct it
 * precedes, and comments left at the end of a block or of the file are printed
 * there.  Comments written inside a one-line construct (a block comment
 * between an event's tokens, say) are moved onto their own line above it.
 * The comment cursor only moves forward and everything left is flushed at
 * the end of the file, so no comment can be lost or reordered, and a
 * comment's text is copied byte for byte (only the indentation of its first
 * line changes).  Because every decision depends
 * only on the relative order of tokens and comments and on whether lines were
 * blank, which the output reproduces, formatting twice equals formatting once.
 *
 * fmt_format is only called on files that parsed cleanly (cmd_fmt never
 * formats or rewrites a file with syntax errors), so every node is complete. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/tools.h"

/* ---- output buffer ------------------------------------------------------ */

/* A malloc'd buffer copied into the arena at the end: the text grows by
 * doubling without leaving each old block in the arena. */
typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void buf_put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->n + n + 1 > cap)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void buf_puts(buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_putc(buf *b, char c)
{
    buf_put(b, &c, 1);
}

static void buf_pad(buf *b, size_t n)
{
    while (n--)
        buf_putc(b, ' ');
}

/* Columns a text takes: one per UTF-8 character (names are ASCII, an
 * event's log names may not be). */
static size_t text_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* `pre` and `s`, then spaces up to `width` columns. */
static void buf_field2(buf *b, const char *pre, const char *s, size_t width)
{
    size_t n = text_width(pre) + text_width(s);
    buf_puts(b, pre);
    buf_puts(b, s);
    if (n < width)
        buf_pad(b, width - n);
}

static void buf_field(buf *b, const char *s, size_t width)
{
    buf_field2(b, "", s, width);
}

/* ---- source positions --------------------------------------------------- */

typedef struct pos {
    int line, col;
} pos;

static const pos POS_END = { INT_MAX, INT_MAX };

static pos span_start(span s)
{
    pos p = { s.line, s.col };
    return p;
}

static bool pos_lt(pos a, pos b)
{
    return a.line < b.line || (a.line == b.line && a.col < b.col);
}

/* ---- the printer -------------------------------------------------------- */

/* How many blank lines go before a construct (or its leading comments). */
typedef enum gap {
    GAP_KEEP,       /* one if the source had at least one, else none */
    GAP_ONE,        /* always exactly one */
} gap;

typedef struct fmt {
    buf out;
    const src_file *src;
    const size_t *starts;     /* byte offset of each source line */
    const ast_comment **cm;   /* the comments, in source order */
    size_t n_cm, ci;          /* ci: the next comment not yet printed */
    int prev_end;             /* source line where the last printed thing ended */
    bool fresh;               /* at the start of the file or a block: no blank line */
} fmt;

static void indent(fmt *F, int depth)
{
    buf_pad(&F->out, (size_t)depth * 4);
}

/* A blank line before something that starts on source line `line`. */
static void blank_before(fmt *F, int line, gap g)
{
    if (!F->fresh && (g == GAP_ONE || (g == GAP_KEEP && line - F->prev_end >= 2)))
        buf_putc(&F->out, '\n');
    F->fresh = false;
}

/* Prints, each on its own line at `depth`, every comment that starts before
 * `limit`.  The first gets gap `g` (the gap of the construct they precede);
 * after that the author's blank lines are kept.  `node_line` is where that
 * construct starts: a comment written inside it counts as being on that
 * line, so moving it above the construct adds no blank line.  Returns the
 * gap the construct itself still needs. */
static gap leading(fmt *F, pos limit, int node_line, int depth, gap g)
{
    while (F->ci < F->n_cm && pos_lt(span_start(F->cm[F->ci]->sp), limit)) {
        const ast_comment *c = F->cm[F->ci++];
        blank_before(F, c->sp.line < node_line ? c->sp.line : node_line, g);
        g = GAP_KEEP;
        indent(F, depth);
        buf_put(&F->out, c->text, c->len);
        buf_putc(&F->out, '\n');
        F->prev_end = c->sp.end_line;
    }
    return g;
}

/* Starts the output line of a construct that starts at `start` (whose
 * comments up to `limit` go above it): comments, blank line, indentation. */
static void open_line(fmt *F, span start, pos limit, int depth, gap g)
{
    g = leading(F, limit, start.line, depth, g);
    blank_before(F, start.line, g);
    indent(F, depth);
}

/* Ends the output line of a construct whose source ends on `end_line`: the
 * comments that start on that line before `next` (where the next construct
 * starts) trail it, one space apart. */
static void close_line(fmt *F, int end_line, pos next)
{
    F->prev_end = end_line;
    while (F->ci < F->n_cm) {
        const ast_comment *c = F->cm[F->ci];
        if (c->sp.line != end_line || !pos_lt(span_start(c->sp), next))
            break;
        buf_putc(&F->out, ' ');
        buf_put(&F->out, c->text, c->len);
        F->prev_end = c->sp.end_line;
        F->ci++;
    }
    buf_putc(&F->out, '\n');
}

/* Prints the comments left before a block's `}` and the `}` line itself. */
static void close_block(fmt *F, span rbrace, pos next, int depth)
{
    leading(F, span_start(rbrace), INT_MAX, depth + 1, GAP_KEEP);
    F->fresh = false;
    indent(F, depth);
    buf_putc(&F->out, '}');
    close_line(F, rbrace.end_line, next);
}

/* An empty block with no comment in it prints as `{}` on the header line. */
static bool block_is_bare(const fmt *F, const void *first, span rbrace)
{
    return !first && !(F->ci < F->n_cm && pos_lt(span_start(F->cm[F->ci]->sp),
                                                  span_start(rbrace)));
}

/* ---- lexical pieces ----------------------------------------------------- */

/* A string literal with the escapes of docs/language.md §2: \" \\ \n \t.  Other bytes
 * are copied as they are (a lone CR or a UTF-8 sequence is legal text). */
static void put_string(buf *b, const ast_string *s)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < s->len; i++) {
        char c = s->value[i];
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: buf_putc(b, c);
        }
    }
    buf_putc(b, '"');
}

/* Event points always carry their sign, so gains and losses read at a
 * glance: +8, -10, 0. */
static const char *points_text(char *tmp, size_t cap, int64_t v)
{
    snprintf(tmp, cap, v > 0 ? "+%lld" : "%lld", (long long)v);
    return tmp;
}

static void put_int(buf *b, int64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    buf_puts(b, tmp);
}

/* A duration as written: `90d` stays `90d`. */
static void put_duration(buf *b, const ast_duration *d)
{
    put_int(b, d->count);
    buf_puts(b, ast_unit_name(d->unit));
}

static void put_idents(buf *b, const ast_ident *id)
{
    for (; id; id = id->next) {
        buf_puts(b, id->name);
        if (id->next)
            buf_puts(b, ", ");
    }
}

/* The `{` of a note.  The tree keeps a note's behaviour and its `}` but not
 * its `{`, which is what tells a comment between the behaviour and the `{`
 * (it goes above the note) from one after it (it goes inside).  Scans from
 * the end of the behaviour over blanks and comments, counting columns in
 * bytes as the lexer does. */
static span find_lbrace(const fmt *F, span after)
{
    pos p = { after.end_line, after.end_col };
    const char *t = F->src->text;
    size_t i = F->starts[p.line - 1] + (size_t)(p.col - 1), n = F->src->len;
    while (i < n && t[i] != '{') {
        if (t[i] == '/' && i + 1 < n && t[i + 1] == '/') {
            while (i < n && t[i] != '\n')
                i++, p.col++;
        } else if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
            i += 2, p.col += 2;
            while (i < n && !(t[i] == '*' && i + 1 < n && t[i + 1] == '/')) {
                if (t[i] == '\n')
                    p.line++, p.col = 1;
                else
                    p.col++;
                i++;
            }
            i += 2, p.col += 2;
        } else {
            if (t[i] == '\n')
                p.line++, p.col = 1;
            else
                p.col++;
            i++;
        }
    }
    span s = after;
    s.line = s.end_line = p.line;
    s.col = p.col;
    s.end_col = p.col + 1;
    return s;
}

/* ---- items -------------------------------------------------------------- */

typedef struct event_cols {
    size_t name, behaviour, emotion, via, at, points;
} event_cols;

/* An event's name column: its name and its log names, `x as "a", "b"`
 * (a malloc'd string). */
static char *event_name_text(const ast_member *m)
{
    buf b = { 0 };
    buf_puts(&b, m->name.name);
    for (const ast_alias *al = m->aliases; al; al = al->next) {
        buf_puts(&b, al == m->aliases ? " as " : ", ");
        put_string(&b, &al->name);
    }
    return b.p;
}

/* Column widths over every event of an experience.  A column no event uses
 * has width 0 and takes no space at all. */
static event_cols measure_events(const ast_member *m)
{
    event_cols w = { 0 };
    char tmp[32];
    for (; m; m = m->next) {
        if (m->kind != MEM_EVENT)
            continue;
        size_t n;
        char *name = event_name_text(m);
        if ((n = text_width(name)) > w.name)
            w.name = n;
        free(name);
        if ((n = strlen(ast_behaviour_name(m->event_b.b))) > w.behaviour)
            w.behaviour = n;
        if (m->emotion && (n = strlen(m->emotion->name)) > w.emotion)
            w.emotion = n;
        if (m->via != M_NONE && (n = 4 + strlen(ast_medium_name(m->via))) > w.via)
            w.via = n;
        if (m->at && (n = 3 + strlen(m->at->name)) > w.at)
            w.at = n;
        if ((n = strlen(points_text(tmp, sizeof tmp, m->points.value))) > w.points)
            w.points = n;
    }
    return w;
}

/* `event NAME [as "A", ...] : B EMOTION via MEDIUM at TOUCHPOINT POINTS
 * [cap C per P];` in columns; the points are right-aligned so their units
 * line up, and a cap follows them. */
static void put_event(buf *b, const ast_member *m, const event_cols *w)
{
    char tmp[32];
    buf_puts(b, "event ");
    char *name = event_name_text(m);
    buf_field(b, name, w->name);
    free(name);
    buf_puts(b, " : ");
    buf_field(b, ast_behaviour_name(m->event_b.b), w->behaviour);
    if (w->emotion) {
        buf_putc(b, ' ');
        buf_field(b, m->emotion ? m->emotion->name : "", w->emotion);
    }
    if (w->via) {
        buf_putc(b, ' ');
        if (m->via != M_NONE)
            buf_field2(b, "via ", ast_medium_name(m->via), w->via);
        else
            buf_pad(b, w->via);
    }
    if (w->at) {
        buf_putc(b, ' ');
        if (m->at)
            buf_field2(b, "at ", m->at->name, w->at);
        else
            buf_pad(b, w->at);
    }
    buf_putc(b, ' ');
    const char *pt = points_text(tmp, sizeof tmp, m->points.value);
    size_t n = strlen(pt);
    if (n < w->points)
        buf_pad(b, w->points - n);
    buf_puts(b, pt);
    if (m->cap) {
        buf_puts(b, " cap ");
        put_int(b, m->cap->count.value);
        buf_puts(b, " per ");
        put_duration(b, &m->cap->per);
    }
    buf_putc(b, ';');
}

/* The one-line text of a note item. */
static void put_note_item(buf *b, const ast_note_item *it, size_t medium_width)
{
    switch (it->kind) {
    case NI_EVOKE:
        buf_puts(b, "evoke ");
        put_idents(b, it->emotions);
        break;
    case NI_MEDIUM:
        /* `stage   "..."` / `service "..."`: the texts of a note line up. */
        buf_field(b, ast_medium_name(it->medium), medium_width);
        buf_putc(b, ' ');
        put_string(b, &it->text);
        break;
    case NI_THRESHOLD:
        buf_puts(b, "threshold ");
        put_int(b, it->threshold.value);
        break;
    }
    buf_putc(b, ';');
}

static pos span_end(span s)
{
    pos p = { s.end_line, s.end_col };
    return p;
}

/* The `}` that ends a block whose span ends with it. */
static span last_byte(span s)
{
    s.line = s.end_line;
    s.col = s.end_col - 1;
    return s;
}

/* `note B { ... }`: a block whose items are one a line. */
static void put_note(fmt *F, const ast_member *m, pos next, int depth, gap g)
{
    span lb = find_lbrace(F, m->note_b.sp);
    span rb = last_byte(m->sp);
    open_line(F, m->sp, span_start(lb), depth, g);
    buf_puts(&F->out, "note ");
    buf_puts(&F->out, ast_behaviour_name(m->note_b.b));
    if (block_is_bare(F, m->items, rb)) {
        buf_puts(&F->out, " {}");
        close_line(F, rb.end_line, next);
        return;
    }
    buf_puts(&F->out, " {");
    close_line(F, lb.end_line, m->items ? span_start(m->items->sp) : span_start(rb));
    F->fresh = true;

    size_t mw = 0;
    for (const ast_note_item *it = m->items; it; it = it->next)
        if (it->kind == NI_MEDIUM && strlen(ast_medium_name(it->medium)) > mw)
            mw = strlen(ast_medium_name(it->medium));
    for (const ast_note_item *it = m->items; it; it = it->next) {
        open_line(F, it->sp, span_end(it->sp), depth + 1, GAP_KEEP);
        put_note_item(&F->out, it, mw);
        close_line(F, it->sp.end_line, it->next ? span_start(it->next->sp) : span_start(rb));
    }
    close_block(F, rb, next, depth);
}

/* One line or block of an experience's body: a member, or a time rule
 * (`within`, `reset after`), which the tree keeps on a list of its own. */
typedef struct entry {
    const ast_member *m;
    const ast_time_rule *t;
    span sp;
} entry;

/* The header of an experience (path, `penalty early`, the time rules) may
 * stay together.  Events form one table.  Everything else stands apart. */
static int entry_class(const entry *e)
{
    if (e->t || e->m->kind == MEM_PATH || e->m->kind == MEM_PENALTY)
        return 0;
    return e->m->kind == MEM_EVENT ? 1 : 2;
}

static gap member_gap(const entry *prev, const entry *cur)
{
    if (!prev)
        return GAP_KEEP;
    int a = entry_class(prev), b = entry_class(cur);
    return a == b && a != 2 ? GAP_KEEP : GAP_ONE;
}

/* The members and the time rules of an experience, merged in source order
 * (a malloc'd array of *n entries). */
static entry *body_entries(const ast_item *it, size_t *n)
{
    size_t k = 0;
    for (const ast_member *m = it->members; m; m = m->next)
        k++;
    for (const ast_time_rule *t = it->time_rules; t; t = t->next)
        k++;
    entry *e = xrealloc(NULL, (k ? k : 1) * sizeof *e);
    const ast_member *m = it->members;
    const ast_time_rule *t = it->time_rules;
    for (*n = 0; m || t; (*n)++) {
        if (m && (!t || pos_lt(span_start(m->sp), span_start(t->sp)))) {
            e[*n] = (entry){ m, NULL, m->sp };
            m = m->next;
        } else {
            e[*n] = (entry){ NULL, t, t->sp };
            t = t->next;
        }
    }
    return e;
}

/* `within D;` / `reset after D;` */
static void put_time_rule(buf *b, const ast_time_rule *t)
{
    buf_puts(b, t->kind == TIME_WITHIN ? "within " : "reset after ");
    put_duration(b, &t->d);
    buf_putc(b, ';');
}

static void put_member(fmt *F, const entry *e, pos next, const event_cols *w, gap g)
{
    const ast_member *m = e->m;
    if (e->t) {
        open_line(F, e->sp, span_end(e->sp), 1, g);
        put_time_rule(&F->out, e->t);
        close_line(F, e->sp.end_line, next);
        return;
    }
    if (m->kind == MEM_NOTE) {
        put_note(F, m, next, 1, g);
        return;
    }
    open_line(F, m->sp, span_end(m->sp), 1, g);
    buf *b = &F->out;
    switch (m->kind) {
    case MEM_PATH:
        buf_puts(b, "path ");
        for (const ast_bseq *s = m->path; s; s = s->next) {
            buf_puts(b, ast_behaviour_name(s->b.b));
            if (s->next)
                buf_puts(b, " -> ");
        }
        buf_putc(b, ';');
        break;
    case MEM_EVENT:
        put_event(b, m, w);
        break;
    case MEM_PENALTY:
        buf_puts(b, "penalty early ");
        put_int(b, m->points.value);
        buf_putc(b, ';');
        break;
    case MEM_NOTE:
        break;
    }
    close_line(F, m->sp.end_line, next);
}

static void put_rule(buf *b, const ast_rule *r)
{
    switch (r->kind) {
    case RULE_FIRST:
        buf_puts(b, "first ");
        buf_puts(b, ast_behaviour_name(r->a.b));
        break;
    case RULE_KEY:
        buf_puts(b, "key ");
        buf_puts(b, ast_behaviour_name(r->a.b));
        break;
    case RULE_BEFORE:
        buf_puts(b, ast_behaviour_name(r->a.b));
        buf_puts(b, " before ");
        buf_puts(b, ast_behaviour_name(r->b.b));
        break;
    }
    buf_putc(b, ';');
}

/* `industry X { rules }` and `experience X [for Y] { members }`. */
static void put_block_item(fmt *F, const ast_item *it, pos next, gap g)
{
    buf *b = &F->out;
    const void *first = it->kind == ITEM_INDUSTRY ? (const void *)it->rules
                      : it->members ? (const void *)it->members : (const void *)it->time_rules;
    open_line(F, it->sp, span_start(it->lbrace), 0, g);
    buf_puts(b, it->kind == ITEM_INDUSTRY ? "industry " : "experience ");
    buf_puts(b, it->name.name);
    if (it->kind == ITEM_EXPERIENCE && it->industry) {
        buf_puts(b, " for ");
        buf_puts(b, it->industry->name);
    }
    if (block_is_bare(F, first, it->rbrace)) {
        buf_puts(b, " {}");
        close_line(F, it->rbrace.end_line, next);
        return;
    }
    buf_puts(b, " {");
    pos first_pos = span_start(it->rbrace);
    if (it->kind == ITEM_INDUSTRY && it->rules)
        first_pos = span_start(it->rules->sp);
    else if (it->kind == ITEM_EXPERIENCE && (it->members || it->time_rules))
        first_pos = !it->time_rules ? span_start(it->members->sp)
                  : !it->members ? span_start(it->time_rules->sp)
                  : pos_lt(span_start(it->members->sp), span_start(it->time_rules->sp))
                      ? span_start(it->members->sp) : span_start(it->time_rules->sp);
    close_line(F, it->lbrace.end_line, first_pos);
    F->fresh = true;

    if (it->kind == ITEM_INDUSTRY) {
        for (const ast_rule *r = it->rules; r; r = r->next) {
            open_line(F, r->sp, span_end(r->sp), 1, GAP_KEEP);
            put_rule(b, r);
            close_line(F, r->sp.end_line,
                       r->next ? span_start(r->next->sp) : span_start(it->rbrace));
        }
    } else {
        event_cols w = measure_events(it->members);
        size_t n;
        entry *e = body_entries(it, &n);
        for (size_t i = 0; i < n; i++)
            put_member(F, &e[i], i + 1 < n ? span_start(e[i + 1].sp) : span_start(it->rbrace),
                       &w, member_gap(i ? &e[i - 1] : NULL, &e[i]));
        free(e);
    }
    close_block(F, it->rbrace, next, 0);
}

/* Imports may stay grouped, and so may emotion declarations (a vocabulary
 * reads best as a short table); every other pair of items is one blank line
 * apart. */
static gap item_gap(const ast_item *prev, const ast_item *cur)
{
    if (prev && prev->kind == cur->kind &&
        (cur->kind == ITEM_IMPORT || cur->kind == ITEM_EMOTION))
        return GAP_KEEP;
    return GAP_ONE;
}

static void put_item(fmt *F, const ast_item *it, pos next, gap g)
{
    buf *b = &F->out;
    switch (it->kind) {
    case ITEM_IMPORT:
        open_line(F, it->sp, span_end(it->sp), 0, g);
        buf_puts(b, "import ");
        put_string(b, &it->import);
        buf_putc(b, ';');
        close_line(F, it->sp.end_line, next);
        break;
    case ITEM_EMOTION:
        open_line(F, it->sp, span_end(it->sp), 0, g);
        buf_puts(b, "emotion ");
        put_idents(b, it->names);
        buf_puts(b, " evokes ");
        buf_puts(b, ast_behaviour_name(it->evokes.b));
        buf_putc(b, ';');
        close_line(F, it->sp.end_line, next);
        break;
    case ITEM_INDUSTRY:
    case ITEM_EXPERIENCE:
        put_block_item(F, it, next, g);
        break;
    }
}

/* One `events` or `expect` line of a test. */
static void put_test_item(buf *b, const ast_test_item *ti)
{
    static const char *const fields[] = { "score", "stage", "events", "early", "points" };
    if (ti->kind == TI_EVENTS) {
        buf_puts(b, "events");
        for (const ast_test_event *e = ti->events; e; e = e->next) {
            buf_puts(b, e == ti->events ? " " : ", ");
            if (e->quoted)
                put_string(b, &e->name);
            else
                buf_puts(b, e->name.value);
            if (e->has_at) {
                buf_puts(b, " @");
                put_duration(b, &e->at);
            }
        }
    } else {
        buf_puts(b, "expect ");
        buf_puts(b, fields[ti->field]);
        if (ti->field == EXP_STAGE) {
            buf_putc(b, ' ');
            buf_puts(b, ti->stage.name);
        } else {
            if (ti->field == EXP_POINTS) {
                buf_putc(b, ' ');
                buf_puts(b, ast_behaviour_name(ti->b.b));
            }
            buf_putc(b, ' ');
            put_int(b, ti->value.value);
        }
    }
    buf_putc(b, ';');
}

/* `test "NAME" [for X] { ... }`: a block whose items are one a line. */
static void put_test(fmt *F, const ast_test *t, pos next, gap g)
{
    buf *b = &F->out;
    open_line(F, t->sp, span_start(t->lbrace), 0, g);
    buf_puts(b, "test ");
    put_string(b, &t->name);
    if (t->experience) {
        buf_puts(b, " for ");
        buf_puts(b, t->experience->name);
    }
    if (block_is_bare(F, t->items, t->rbrace)) {
        buf_puts(b, " {}");
        close_line(F, t->rbrace.end_line, next);
        return;
    }
    buf_puts(b, " {");
    close_line(F, t->lbrace.end_line,
               t->items ? span_start(t->items->sp) : span_start(t->rbrace));
    F->fresh = true;
    for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
        open_line(F, ti->sp, span_end(ti->sp), 1, GAP_KEEP);
        put_test_item(b, ti);
        close_line(F, ti->sp.end_line,
                   ti->next ? span_start(ti->next->sp) : span_start(t->rbrace));
    }
    close_block(F, t->rbrace, next, 0);
}

/* The file's items and its tests (kept on a list of their own), merged in
 * source order: the next one from either list, or NULLs at the end. */
static void next_top(const ast_item **it, const ast_test **t, const ast_item *ni,
                     const ast_test *nt)
{
    *it = NULL;
    *t = NULL;
    if (ni && (!nt || pos_lt(span_start(ni->sp), span_start(nt->sp))))
        *it = ni;
    else
        *t = nt;
}

char *fmt_format(arena *a, const ast_file *f)
{
    fmt F = { 0 };
    F.src = f->src;
    F.fresh = true;

    /* Byte offset of each line, to find a note's `{` (the only token the
     * tree does not record). */
    size_t n_lines = 1;
    for (size_t i = 0; i < f->src->len; i++)
        n_lines += f->src->text[i] == '\n';
    size_t *starts = arena_alloc(a, n_lines * sizeof *starts);
    size_t l = 1;
    for (size_t i = 0; i < f->src->len; i++)
        if (f->src->text[i] == '\n')
            starts[l++] = i + 1;
    F.starts = starts;

    for (const ast_comment *c = f->comments; c; c = c->next)
        F.n_cm++;
    F.cm = arena_alloc(a, (F.n_cm ? F.n_cm : 1) * sizeof *F.cm);
    size_t k = 0;
    for (const ast_comment *c = f->comments; c; c = c->next)
        F.cm[k++] = c;

    /* ni, nt: what is left of each list; it or t: the one printed now. */
    const ast_item *prev = NULL, *ni = f->items, *it;
    const ast_test *nt = f->tests, *t;
    bool first = true;
    for (next_top(&it, &t, ni, nt); it || t; first = false) {
        if (it)
            ni = it->next;
        else
            nt = t->next;
        const ast_item *it2;
        const ast_test *t2;
        next_top(&it2, &t2, ni, nt);
        pos next = it2 ? span_start(it2->sp) : t2 ? span_start(t2->sp) : POS_END;
        if (it) {
            put_item(&F, it, next, item_gap(first ? NULL : prev, it));
            prev = it;
        } else {
            put_test(&F, t, next, GAP_ONE);
            prev = NULL;
        }
        it = it2;
        t = t2;
    }
    /* Whatever is left: comments after the last item. */
    leading(&F, POS_END, INT_MAX, 0, GAP_KEEP);

    char *text = arena_strndup(a, F.out.p ? F.out.p : "", F.out.n);
    free(F.out.p);
    return text;
}
