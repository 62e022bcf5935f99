/* sema.c - the checker: every rule of docs/language.md after the syntax.
 *
 * It runs on a program whose files all lexed and parsed cleanly, in three
 * passes:
 *
 *   1. declare: every emotion, industry and experience goes into one global
 *      hash table (they share a namespace; the second declaration of a name
 *      is E0201 with a note at the first - what a file imports counts as
 *      declared before the file's own names), and every industry's rules
 *      are checked against each other (E0307);
 *   2. experiences, in load order: each one's members - its path, notes,
 *      events and penalty - and the path against its industry;
 *   3. unused emotions (W0601), once every experience has marked the
 *      emotions it uses.
 *
 * The messages are the product: each names the things involved in
 * backticks (behaviours are written bare: SAY, STAY, SPEND), sits on the
 * offending text, and points with a note at the other place involved (the
 * first declaration, the industry rule broken, the emotion's declaration).
 * One mistake gives one error: rules judged on a path run only when the
 * path is well formed, an experience is not judged against an industry
 * whose own rules contradict each other, a statement repeated by mistake is
 * reported as repeated and not also for its contents, an unknown touch
 * point silences W0505, and an emotion suggested for a typo is not also
 * reported unused.
 *
 * Did-you-mean suggestions for unknown emotions, industries and touch points
 * go at the end of the message ("unknown emotion `comfrot`; did you mean
 * `comfort`?"): they then read the same in text and JSON output, and need no
 * source span of their own (touch points have none).  Each is also a fix
 * replacing the unknown name.  An unknown emotion that the bundled stdlib
 * declares gets a note and a fix adding the import, once per file; the
 * stdlib is read for it on the first unknown emotion only.
 *
 * Everything is linear in the size of the program: names and events are
 * found through hash tables in the compilation's arena, never by scanning,
 * so a 100,000-line generated script checks in a few hundredths of a
 * second.  Only the suggestions compare names pairwise, under a fixed
 * budget. */
#include "expc/sema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expc/ast.h"
#include "expc/hash.h"


/* The customer life cycle, in its order (docs/language.md: touch points). */
const char *const sema_touch_points[SEMA_N_TOUCH] = {"marketing", "sales", "service",
                                                     "support"};
#define N_TOUCH SEMA_N_TOUCH
#define TOUCH sema_touch_points

/* ---- hash table: name -> pointer ----------------------------------------
 *
 * Open addressing with linear probing over a power-of-two table, kept at
 * most half full.  Keys are the AST's own strings (arena-owned), so nothing
 * is copied.  Used for the global namespace and for each experience's
 * events. */

typedef struct htab {
    const char **keys;
    uint64_t *hashes;
    void **vals;
    size_t cap, n;
} htab;

static uint64_t hash_str(const char *s)
{
    return hash_fnv1a(s, strlen(s));
}

static void ht_init(arena *a, htab *t, size_t expected)
{
    size_t cap = 8;
    while (cap < expected * 2)
        cap *= 2;
    t->keys = arena_alloc(a, cap * sizeof *t->keys);
    t->hashes = arena_alloc(a, cap * sizeof *t->hashes);
    t->vals = arena_alloc(a, cap * sizeof *t->vals);
    t->cap = cap;
    t->n = 0;
}

static void *ht_get(const htab *t, const char *key)
{
    uint64_t h = hash_str(key);
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->keys[i])
            return NULL;
        if (t->hashes[i] == h && strcmp(t->keys[i], key) == 0)
            return t->vals[i];
    }
}

static void ht_put_hashed(htab *t, const char *key, uint64_t h, void *val)
{
    size_t i = h & (t->cap - 1);
    while (t->keys[i])
        i = (i + 1) & (t->cap - 1);
    t->keys[i] = key;
    t->hashes[i] = h;
    t->vals[i] = val;
    t->n++;
}

/* Adds a key known to be absent. */
static void ht_put(arena *a, htab *t, const char *key, void *val)
{
    if ((t->n + 1) * 2 > t->cap) {
        htab old = *t;
        ht_init(a, t, old.cap); /* doubles: ht_init sizes for 2x expected */
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i])
                ht_put_hashed(t, old.keys[i], old.hashes[i], old.vals[i]);
    }
    ht_put_hashed(t, key, hash_str(key), val);
}

/* ---- symbols --------------------------------------------------------- */

typedef enum sym_kind { SYM_EMOTION, SYM_INDUSTRY, SYM_EXPERIENCE } sym_kind;

static const char *const KIND[] = {"emotion", "industry", "experience"};
static const char *const A_KIND[] = {"an emotion", "an industry", "an experience"};

/* What an industry's rules say, once checked for contradictions.  Only the
 * first of identical rules is kept, so a rule stated twice is judged (and
 * reported) once. */
typedef struct industry_info {
    const ast_rule *first, *key;
    const ast_rule *before[B_COUNT][B_COUNT];       /* [x][y]: `x before y` */
    const ast_rule *before_list[B_COUNT * B_COUNT]; /* distinct, source order */
    int n_before;
    bool contradictory; /* E0307 reported: experiences are not judged by it */
} industry_info;

typedef struct sym {
    sym_kind kind;
    const char *name;
    span sp;                 /* the declaring identifier */
    const ast_item *item;
    ast_behaviour evokes;    /* SYM_EMOTION */
    bool used;               /* SYM_EMOTION: named by some experience */
    bool beside_experience;  /* SYM_EMOTION: its file declares an experience */
    industry_info *ind;      /* SYM_INDUSTRY */
} sym;

typedef struct sema {
    arena *a;
    diag_ctx *d;
    program *prog;
    htab names;
    /* Declaration order, for suggestions and for W0601's report order. */
    sym **emotions;
    size_t n_emotions, cap_emotions;
    sym **industries;
    size_t n_industries, cap_industries;
    /* Edit-distance work left for suggestions (see nearest_try()). */
    long suggest_budget;
    /* The missing-import hint of E0202: the stdlib's files, read on the
     * first unknown emotion only, and the files given the hint already. */
    ast_file **std_files;
    size_t n_std_files;
    bool std_read;
    bool *hinted;
} sema;

/* ---- small helpers --------------------------------------------------- */

/* The text of a rule as written, for messages: "first STAY". */
static const char *rule_text(arena *a, const ast_rule *r)
{
    switch (r->kind) {
    case RULE_FIRST:
        return arena_printf(a, "first %s", ast_behaviour_name(r->a.b));
    case RULE_KEY:
        return arena_printf(a, "key %s", ast_behaviour_name(r->a.b));
    default:
        return arena_printf(a, "%s before %s", ast_behaviour_name(r->a.b), ast_behaviour_name(r->b.b));
    }
}

/* A rule as written, without its `;`: what messages underline. */
static span rule_span(const ast_rule *r)
{
    return span_join(r->sp, r->kind == RULE_BEFORE ? r->b.sp : r->a.sp);
}

/* "`a`", "`a` and `b`", "`a`, `b` and `c`" (conj = "and" / "or"); bare
 * words when `ticks` is false (behaviours are written bare). */
static const char *word_list(arena *a, const char *const *w, int n, const char *conj,
                             bool ticks)
{
    const char *q = ticks ? "`" : "";
    const char *s = "";
    for (int i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? arena_printf(a, " %s ", conj) : ", ";
        s = arena_printf(a, "%s%s%s%s%s", s, sep, q, w[i], q);
    }
    return s;
}

/* ---- suggestions ------------------------------------------------------ */

/* Suggestion search state: the best candidate so far.  `pref` breaks ties
 * (an emotion of the note's own behaviour is the likelier intent). */
typedef struct nearest {
    const char *name;
    int limit, best;
    bool best_pref;
    const char *found;
} nearest;

static nearest nearest_start(const char *name)
{
    nearest n = {.name = name, .limit = diag_suggest_limit(name), .found = NULL};
    n.best = n.limit + 1;
    return n;
}

/* Weighs one candidate.  The budget bounds the work on a pathological
 * script with thousands of unknown names against thousands of declared
 * ones: past it, messages simply carry no suggestion. */
static bool nearest_try(sema *S, nearest *n, const char *cand, bool pref)
{
    if (S->suggest_budget <= 0)
        return false;
    S->suggest_budget--;
    int dist = diag_edit_distance(n->name, cand, n->limit);
    if (dist > n->limit)
        return false;
    if (dist < n->best || (dist == n->best && pref && !n->best_pref)) {
        n->best = dist;
        n->best_pref = pref;
        n->found = cand;
        return true;
    }
    return false;
}

/* "; did you mean `x`?" or "". */
static const char *did_you_mean(sema *S, const char *s)
{
    return s ? arena_printf(S->a, "; did you mean `%s`?", s) : "";
}

/* The suggestion, if any, as a fix replacing the unknown name at `sp`. */
static void suggest_fix(sema *S, diagnostic *dg, span sp, const char *sug)
{
    if (sug)
        diag_add_fix(S->d, dg, sp, sug, "replace with `%s`", sug);
}

/* The declared emotion nearest to `name`, preferring those that evoke
 * `want` (-1: no preference); NULL when none is close.  The emotion
 * suggested counts as used: the author meant it, and a W0601 saying it is
 * unused would be a second message for the same typo. */
static const char *suggest_emotion(sema *S, const char *name, int want)
{
    nearest n = nearest_start(name);
    sym *best = NULL;
    for (size_t i = 0; i < S->n_emotions && S->suggest_budget > 0; i++)
        if (nearest_try(S, &n, S->emotions[i]->name, (int)S->emotions[i]->evokes == want))
            best = S->emotions[i];
    if (best)
        best->used = true;
    return n.found;
}

static const char *suggest_industry(sema *S, const char *name)
{
    nearest n = nearest_start(name);
    for (size_t i = 0; i < S->n_industries && S->suggest_budget > 0; i++)
        nearest_try(S, &n, S->industries[i]->name, false);
    return n.found;
}

static const char *suggest_word(sema *S, const char *name, const char *const *w, int count)
{
    nearest n = nearest_start(name);
    for (int i = 0; i < count; i++)
        nearest_try(S, &n, w[i], false);
    return n.found;
}

/* ---- the missing stdlib import ----------------------------------------- */

/* "emotions" for .../emotions.exp. */
static const char *file_stem(arena *a, const src_file *f)
{
    const char *slash = strrchr(f->path, '/'), *base = slash ? slash + 1 : f->path;
    size_t n = strlen(base);
    return arena_strndup(a, base, n > 4 ? n - 4 : n);
}

/* The stem of the stdlib file that declares emotion `name`, or NULL. */
static const char *stdlib_declaring(sema *S, const char *name)
{
    if (!S->std_read) {
        S->std_read = true;
        S->std_files = load_stdlib_files(S->a, S->prog->stdlib_dir, &S->n_std_files);
    }
    for (size_t i = 0; i < S->n_std_files; i++)
        for (const ast_item *it = S->std_files[i]->items; it; it = it->next)
            for (const ast_ident *id = it->kind == ITEM_EMOTION ? it->names : NULL; id;
                 id = id->next)
                if (strcmp(id->name, name) == 0)
                    return file_stem(S->a, S->std_files[i]->src);
    return NULL;
}

/* Whether `f` imports `stem` already (as "stem" or "stem.exp"): a file of
 * its own folder then shadows the stdlib's, and adding the import again
 * would change nothing. */
static bool imports_stem(const ast_file *f, const char *stem)
{
    size_t n = strlen(stem);
    for (const ast_item *it = f->items; it; it = it->next)
        if (it->kind == ITEM_IMPORT && strncmp(it->import.value, stem, n) == 0 &&
            (it->import.value[n] == 0 || strcmp(it->import.value + n, ".exp") == 0))
            return true;
    return false;
}

/* Column 1 of the line after the file's last import, else of line 1. */
static span import_place(const ast_file *f)
{
    int line = 1;
    for (const ast_item *it = f->items; it; it = it->next)
        if (it->kind == ITEM_IMPORT)
            line = it->sp.end_line + 1;
    return (span){.file = f->src, .line = line, .col = 1, .end_line = line, .end_col = 1};
}

/* E0202 for an emotion of the bundled stdlib, in a file that does not
 * import it: a note naming the import, and the import as a fix; once per
 * file. */
static void hint_stdlib_import(sema *S, diagnostic *dg, const ast_ident *id)
{
    int fid = id->sp.file ? id->sp.file->id : -1;
    if (!dg || fid < 0 || (size_t)fid >= S->prog->n_files)
        return;
    if (!S->hinted)
        S->hinted = arena_alloc(S->a, S->prog->n_files * sizeof *S->hinted);
    const ast_file *f = S->prog->files[fid];
    if (S->hinted[fid] || f->src != id->sp.file)
        return;
    const char *stem = stdlib_declaring(S, id->name);
    if (!stem || imports_stem(f, stem))
        return;
    S->hinted[fid] = true;
    diag_add_note(S->d, dg, (span){0}, "`%s` is declared in the bundled stdlib: add `import \"%s\";`",
                  id->name, stem);
    diag_add_fix(S->d, dg, import_place(f), arena_printf(S->a, "import \"%s\";\n", stem),
                 "add `import \"%s\";`", stem);
}

/* ---- pass 1: declarations --------------------------------------------- */

static void list_push(sema *S, sym ***list, size_t *n, size_t *cap, sym *s)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        *list = arena_grow(S->a, *list, *n, nc, sizeof **list);
        *cap = nc;
    }
    (*list)[(*n)++] = s;
}

/* Enters `id` into the global namespace, or reports E0201 at it when the
 * name is taken (declare_all decides which declaration comes second).
 * Returns the new symbol, or NULL. */
static sym *declare(sema *S, sym_kind kind, const ast_ident *id, const ast_item *item)
{
    sym *old = ht_get(&S->names, id->name);
    if (old) {
        diagnostic *dg;
        if (old->kind == kind) {
            dg = diag_report(S->d, "E0201", id->sp, "%s `%s` is declared twice", KIND[kind],
                             id->name);
            diag_add_note(S->d, dg, old->sp, "first declared here");
        } else {
            dg = diag_report(S->d, "E0201", id->sp,
                             "%s `%s` takes the name of %s: emotions, industries and "
                             "experiences share one namespace",
                             KIND[kind], id->name, A_KIND[old->kind]);
            diag_add_note(S->d, dg, old->sp, "%s `%s` is declared here", KIND[old->kind],
                          old->name);
        }
        return NULL;
    }
    sym *s = arena_alloc(S->a, sizeof *s);
    s->kind = kind;
    s->name = id->name;
    s->sp = id->sp;
    s->item = item;
    ht_put(S->a, &S->names, id->name, s);
    return s;
}

/* Whether `r` only restates a rule already kept: harmless, judged once. */
static bool rule_restated(const industry_info *ind, const ast_rule *r)
{
    switch (r->kind) {
    case RULE_FIRST:
        return ind->first && ind->first->a.b == r->a.b;
    case RULE_KEY:
        return ind->key && ind->key->a.b == r->a.b;
    default:
        return ind->before[r->a.b][r->b.b] != NULL;
    }
}

/* Why a `first` (END_FIRST) or `key` (END_KEY) rule contradicts a kept
 * rule: another rule of its own kind, the rule of the other end on the same
 * behaviour, or a `before` rule past that end. */
enum { END_FIRST, END_KEY };
static const char *const END_WHY[2][3] = {
    {"a path opens with one behaviour",
     "a path plays each behaviour once, so its first behaviour cannot also be its key",
     "nothing can come before the first behaviour"},
    {"a path has one key behaviour, the one it ends with",
     "a path plays each behaviour once, so its key behaviour cannot also be its first",
     "nothing can come after the key behaviour"},
};

/* The kept rule a `first x` or `key x` contradicts (with why in *why), or
 * NULL.  The two mirror each other: a path opens with its first behaviour
 * and ends with its key one. */
static const ast_rule *end_contradicts(const industry_info *ind, int end, ast_behaviour x,
                                       const char **why)
{
    const ast_rule *same = end == END_KEY ? ind->key : ind->first;
    const ast_rule *opposite = end == END_KEY ? ind->first : ind->key;
    if (same) {
        *why = END_WHY[end][0];
        return same;
    }
    if (opposite && opposite->a.b == x) {
        *why = END_WHY[end][1];
        return opposite;
    }
    *why = END_WHY[end][2];
    for (int b = 0; b < B_COUNT; b++) {
        const ast_rule *r = end == END_KEY ? ind->before[x][b] : ind->before[b][x];
        if (r)
            return r;
    }
    return NULL;
}

/* The kept `first` or `key` rule an `x before y` contradicts, or NULL
 * (cycles among `before` rules are before_cycle's). */
static const ast_rule *before_contradicts(const industry_info *ind, ast_behaviour x,
                                          ast_behaviour y, const char **why)
{
    if (ind->first && ind->first->a.b == y) {
        *why = END_WHY[END_FIRST][2];
        return ind->first;
    }
    if (ind->key && ind->key->a.b == x) {
        *why = END_WHY[END_KEY][2];
        return ind->key;
    }
    return NULL;
}

/* E0307 for an `x before y` that closes a cycle: y already comes (directly
 * or through the third behaviour) before x.  True when it did. */
static bool before_cycle(sema *S, const industry_info *ind, const char *iname,
                         const ast_rule *r)
{
    ast_behaviour x = r->a.b, y = r->b.b;
    ast_behaviour z = (ast_behaviour)(B_COUNT * (B_COUNT - 1) / 2 - x - y);
    const ast_rule *via[2] = {NULL, NULL};
    const char *chain;
    if (ind->before[y][x]) {
        via[0] = ind->before[y][x];
        chain = arena_printf(S->a, "%s before %s before %s", ast_behaviour_name(x), ast_behaviour_name(y),
                             ast_behaviour_name(x));
    } else if (ind->before[y][z] && ind->before[z][x]) {
        via[0] = ind->before[y][z];
        via[1] = ind->before[z][x];
        chain = arena_printf(S->a, "%s before %s before %s before %s", ast_behaviour_name(x),
                             ast_behaviour_name(y), ast_behaviour_name(z), ast_behaviour_name(x));
    } else {
        return false;
    }
    diagnostic *dg =
        diag_report(S->d, "E0307", rule_span(r),
                    "`%s` in industry `%s` closes a cycle of `before` rules: %s",
                    rule_text(S->a, r), iname, chain);
    for (int k = 0; k < 2 && via[k]; k++)
        diag_add_note(S->d, dg, rule_span(via[k]), "`%s` is part of the cycle",
                      rule_text(S->a, via[k]));
    return true;
}

/* The kept rule `r` contradicts, for every kind of rule, or NULL. */
static const ast_rule *rule_contradicts(const industry_info *ind, const ast_rule *r,
                                        const char **why)
{
    switch (r->kind) {
    case RULE_FIRST:
        return end_contradicts(ind, END_FIRST, r->a.b, why);
    case RULE_KEY:
        return end_contradicts(ind, END_KEY, r->a.b, why);
    default:
        return before_contradicts(ind, r->a.b, r->b.b, why);
    }
}

/* Keeps a rule found consistent with those before it. */
static void keep_rule(industry_info *ind, const ast_rule *r)
{
    switch (r->kind) {
    case RULE_FIRST:
        ind->first = r;
        break;
    case RULE_KEY:
        ind->key = r;
        break;
    default:
        ind->before[r->a.b][r->b.b] = r;
        ind->before_list[ind->n_before++] = r;
        break;
    }
}

/* E0307: checks an industry's rules in source order, each against the
 * consistent rules before it.  A rule that contradicts them is reported
 * (with a note at the rule it contradicts) and left out, so one bad rule
 * gives one error however many rules follow it.  Restating a rule is
 * harmless and kept once.  With three behaviours these cases are complete:
 * any set of rules that passes them is obeyed by at least one path. */
static industry_info *check_industry(sema *S, const ast_item *it)
{
    industry_info *ind = arena_alloc(S->a, sizeof *ind);
    const char *iname = it->name.name;
    for (const ast_rule *r = it->rules; r; r = r->next) {
        if (r->kind == RULE_BEFORE && r->a.b == r->b.b) {
            diag_report(S->d, "E0307", rule_span(r),
                        "`%s` in industry `%s` can never hold: a behaviour cannot come "
                        "before itself",
                        rule_text(S->a, r), iname);
            ind->contradictory = true;
            continue;
        }
        if (rule_restated(ind, r))
            continue;
        const char *why = NULL;
        const ast_rule *other = rule_contradicts(ind, r, &why);
        if (other) {
            diagnostic *dg = diag_report(S->d, "E0307", rule_span(r),
                                         "`%s` contradicts `%s` in industry `%s`: %s",
                                         rule_text(S->a, r), rule_text(S->a, other), iname,
                                         why);
            diag_add_note(S->d, dg, rule_span(other), "`%s` is stated here",
                          rule_text(S->a, other));
            ind->contradictory = true;
        } else if (r->kind == RULE_BEFORE && before_cycle(S, ind, iname, r)) {
            ind->contradictory = true;
        } else {
            keep_rule(ind, r);
        }
    }
    return ind;
}

static bool file_has_experience(const ast_file *f)
{
    for (const ast_item *it = f->items; it; it = it->next)
        if (it->kind == ITEM_EXPERIENCE)
            return true;
    return false;
}

/* prog->experiences: every experience of every file, in load order. */
static void collect_experiences(arena *a, program *P)
{
    size_t n = 0;
    for (size_t i = 0; i < P->n_files; i++)
        for (const ast_item *it = P->files[i]->items; it; it = it->next)
            n += it->kind == ITEM_EXPERIENCE;
    P->experiences = arena_alloc(a, (n ? n : 1) * sizeof *P->experiences);
    P->n_experiences = 0;
    for (size_t i = 0; i < P->n_files; i++)
        for (ast_item *it = P->files[i]->items; it; it = it->next)
            if (it->kind == ITEM_EXPERIENCE)
                P->experiences[P->n_experiences++] = it;
}

/* The files in depth-first post-order of their imports from the root
 * (iterative: a chain of a thousand imports needs no deep stack).  Files no
 * import reaches (only in programs built by hand, as the unit tests do) are
 * taken as imported at the top of the root: they come first. */
static size_t *declare_order(sema *S)
{
    program *P = S->prog;
    size_t n = P->n_files, k = 0, depth = 0;
    size_t *order = arena_alloc(S->a, n * sizeof *order);
    size_t *post = arena_alloc(S->a, n * sizeof *post);
    bool *seen = arena_alloc(S->a, n * sizeof *seen);
    size_t *stack = arena_alloc(S->a, n * sizeof *stack);
    const ast_item **next = arena_alloc(S->a, n * sizeof *next);
    if (n == 0)
        return order;
    seen[0] = true;
    stack[depth] = 0;
    next[depth++] = P->files[0]->items;
    while (depth) {
        const ast_item *it = next[depth - 1];
        while (it && !(it->kind == ITEM_IMPORT && it->import_file >= 0 &&
                       (size_t)it->import_file < n && !seen[it->import_file]))
            it = it->next;
        if (!it) {
            post[k++] = stack[--depth];
            continue;
        }
        next[depth - 1] = it->next;
        size_t f = (size_t)it->import_file;
        seen[f] = true;
        stack[depth] = f;
        next[depth++] = P->files[f]->items;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!seen[i])
            order[m++] = i;
    memcpy(order + m, post, k * sizeof *post);
    return order;
}

static void declare_all(sema *S)
{
    program *P = S->prog;
    size_t n_decl = 0;
    for (size_t i = 0; i < P->n_files; i++)
        for (const ast_item *it = P->files[i]->items; it; it = it->next) {
            if (it->kind == ITEM_EMOTION)
                for (const ast_ident *id = it->names; id; id = id->next)
                    n_decl++;
            else if (it->kind != ITEM_IMPORT)
                n_decl++;
        }
    ht_init(S->a, &S->names, n_decl);

    /* Which of two declarations is the second, the one reported?  Within a
     * file, the later one.  Across files, as if each import were pasted in
     * place of its `import` line: files are declared in depth-first
     * post-order of the imports (a file's imports in source order, then the
     * file).  So a script that redeclares `comfort` next to `import
     * "emotions";` is told so at its own line, with a note in the stdlib,
     * rather than being shown an error inside a file it cannot change, and
     * of two sibling imports the first one declares first. */
    size_t *order = declare_order(S);
    for (size_t k = 0; k < P->n_files; k++) {
        const ast_file *f = P->files[order[k]];
        bool beside = file_has_experience(f);
        for (ast_item *it = f->items; it; it = it->next) {
            switch (it->kind) {
            case ITEM_EMOTION:
                for (const ast_ident *id = it->names; id; id = id->next) {
                    sym *s = declare(S, SYM_EMOTION, id, it);
                    if (!s)
                        continue;
                    s->evokes = it->evokes.b;
                    s->beside_experience = beside;
                    list_push(S, &S->emotions, &S->n_emotions, &S->cap_emotions, s);
                }
                break;
            case ITEM_INDUSTRY: {
                /* A duplicate's rules are still checked: they are still
                 * wrong if they contradict each other. */
                industry_info *ind = check_industry(S, it);
                sym *s = declare(S, SYM_INDUSTRY, &it->name, it);
                if (s) {
                    s->ind = ind;
                    list_push(S, &S->industries, &S->n_industries, &S->cap_industries, s);
                }
                break;
            }
            case ITEM_EXPERIENCE:
                declare(S, SYM_EXPERIENCE, &it->name, it);
                break;
            case ITEM_IMPORT:
                break;
            }
        }
    }
}

/* ---- pass 2: experiences ---------------------------------------------- */

/* Looks up an emotion an experience names (in `evoke` or in an event) and
 * marks it used; reports E0202 when it is unknown or names something else.
 * `want` is the behaviour it should evoke (suggestions of that behaviour
 * win ties), or -1. */
static sym *use_emotion(sema *S, const ast_ident *id, int want)
{
    sym *s = ht_get(&S->names, id->name);
    if (!s) {
        const char *sug = suggest_emotion(S, id->name, want);
        diagnostic *dg = diag_report(S->d, "E0202", id->sp, "unknown emotion `%s`%s",
                                     id->name, did_you_mean(S, sug));
        suggest_fix(S, dg, id->sp, sug);
        hint_stdlib_import(S, dg, id);
        return NULL;
    }
    if (s->kind != SYM_EMOTION) {
        diagnostic *dg = diag_report(S->d, "E0202", id->sp, "`%s` is %s, not an emotion",
                                     id->name, A_KIND[s->kind]);
        diag_add_note(S->d, dg, s->sp, "%s `%s` is declared here", KIND[s->kind], s->name);
        return NULL;
    }
    s->used = true;
    return s;
}

/* The span `note STAY` of a note member: its header. */
static span note_head(const ast_member *m)
{
    return span_join(m->kw_sp, m->note_b.sp);
}

/* The span of a path up to its last behaviour: `path SAY -> STAY`. */
static span path_span(const ast_member *m)
{
    const ast_bseq *last = m->path;
    if (!last)
        return m->sp;
    while (last->next)
        last = last->next;
    return span_join(m->kw_sp, last->b.sp);
}

/* E0301, E0302 on one path.  Fills pos[] (index of each behaviour on the
 * path, -1 when absent) and at[]; true when the path is well formed. */
static bool check_path_shape(sema *S, const ast_item *e, const ast_member *m, int pos[B_COUNT],
                             const ast_bseq *at[B_COUNT])
{
    bool ok = true, told[B_COUNT] = {false};
    int count[B_COUNT] = {0}, n = 0;
    for (int b = 0; b < B_COUNT; b++) {
        pos[b] = -1;
        at[b] = NULL;
    }
    for (const ast_bseq *s = m->path; s; s = s->next)
        count[s->b.b]++;
    for (const ast_bseq *s = m->path; s; s = s->next, n++) {
        ast_behaviour b = s->b.b;
        if (pos[b] < 0) {
            pos[b] = n;
            at[b] = s;
            continue;
        }
        ok = false;
        if (told[b])
            continue; /* one error per repeated behaviour, however often */
        told[b] = true;
        diagnostic *dg = diag_report(S->d, "E0302", s->b.sp,
                                     "path of `%s` plays %s %s: engagement plays each "
                                     "behaviour once",
                                     e->name.name, ast_behaviour_name(b),
                                     count[b] == 2 ? "twice"
                                                   : arena_printf(S->a, "%d times", count[b]));
        diag_add_note(S->d, dg, at[b]->b.sp, "%s is first played here", ast_behaviour_name(b));
    }
    const char *missing[B_COUNT];
    int n_missing = 0;
    for (int b = 0; b < B_COUNT; b++)
        if (pos[b] < 0)
            missing[n_missing++] = ast_behaviour_name(b);
    if (n_missing) {
        ok = false;
        diag_report(S->d, "E0301", path_span(m),
                    "path of `%s` lacks %s: that is customer service, not engagement",
                    e->name.name, word_list(S->a, missing, n_missing, "and", false));
    }
    return ok;
}

/* E0303-E0305: a well-formed path against its industry's rules. */
static void check_path_industry(sema *S, const ast_item *e, const industry_info *ind,
                                const char *iname, const int pos[B_COUNT],
                                const ast_bseq *const at[B_COUNT])
{
    const char *ename = e->name.name;
    if (ind->first) {
        ast_behaviour want = ind->first->a.b;
        if (pos[want] != 0) {
            const ast_bseq *open = NULL;
            for (int b = 0; b < B_COUNT; b++)
                if (pos[b] == 0)
                    open = at[b];
            diagnostic *dg = diag_report(
                S->d, "E0303", open->b.sp,
                "path of `%s` opens with %s, but industry `%s` plays %s first", ename,
                ast_behaviour_name(open->b.b), iname, ast_behaviour_name(want));
            diag_add_note(S->d, dg, rule_span(ind->first), "rule `%s` of industry `%s`",
                          rule_text(S->a, ind->first), iname);
        }
    }
    if (ind->key) {
        ast_behaviour want = ind->key->a.b;
        if (pos[want] != B_COUNT - 1) {
            const ast_bseq *last = NULL;
            for (int b = 0; b < B_COUNT; b++)
                if (pos[b] == B_COUNT - 1)
                    last = at[b];
            diagnostic *dg = diag_report(
                S->d, "E0304", last->b.sp,
                "path of `%s` ends with %s, but the key behaviour of industry `%s` is %s",
                ename, ast_behaviour_name(last->b.b), iname, ast_behaviour_name(want));
            diag_add_note(S->d, dg, rule_span(ind->key), "rule `%s` of industry `%s`",
                          rule_text(S->a, ind->key), iname);
        }
    }
    for (int k = 0; k < ind->n_before; k++) {
        const ast_rule *r = ind->before_list[k];
        ast_behaviour x = r->a.b, y = r->b.b;
        if (pos[x] < pos[y])
            continue;
        /* Pointing at x: the behaviour the rule wants earlier and the path
         * plays too late. */
        diagnostic *dg = diag_report(
            S->d, "E0305", at[x]->b.sp,
            "path of `%s` plays %s after %s, but industry `%s` plays %s before %s", ename,
            ast_behaviour_name(x), ast_behaviour_name(y), iname, ast_behaviour_name(x), ast_behaviour_name(y));
        diag_add_note(S->d, dg, rule_span(r), "rule `%s` of industry `%s`", rule_text(S->a, r),
                      iname);
    }
}

/* E0403, E0405, E0406 inside one note, and (for the first note of its
 * behaviour) W0404. */
static void check_note(sema *S, const ast_item *e, const ast_member *m, bool first_of_b)
{
    const char *ename = e->name.name;
    const char *bname = ast_behaviour_name(m->note_b.b);
    const ast_note_item *medium[M_COUNT] = {NULL};
    const ast_note_item *threshold = NULL;
    for (const ast_note_item *ni = m->items; ni; ni = ni->next) {
        switch (ni->kind) {
        case NI_EVOKE:
            for (const ast_ident *id = ni->emotions; id; id = id->next) {
                sym *s = use_emotion(S, id, (int)m->note_b.b);
                if (!s || s->evokes == m->note_b.b)
                    continue;
                diagnostic *dg = diag_report(S->d, "E0403", id->sp,
                                             "`%s` evokes %s, so it cannot fill "
                                             "`note %s` of `%s`",
                                             id->name, ast_behaviour_name(s->evokes), bname, ename);
                diag_add_note(S->d, dg, s->sp, "`%s` is declared here, evoking %s", s->name,
                              ast_behaviour_name(s->evokes));
            }
            break;
        case NI_MEDIUM:
            if (ni->medium < 0 || ni->medium >= M_COUNT)
                break;
            if (medium[ni->medium]) {
                diagnostic *dg = diag_report(S->d, "E0406", ni->medium_sp,
                                             "`note %s` of `%s` gives its `%s` twice", bname,
                                             ename, ast_medium_name(ni->medium));
                diag_add_note(S->d, dg, medium[ni->medium]->medium_sp, "first `%s` here",
                              ast_medium_name(ni->medium));
            } else {
                medium[ni->medium] = ni;
            }
            break;
        case NI_THRESHOLD:
            /* A repeated threshold is reported as repeated only: its value
             * does not matter once the line goes. */
            if (threshold) {
                diagnostic *dg = diag_report(S->d, "E0405", span_join(ni->sp, ni->threshold.sp),
                                             "`note %s` of `%s` gives its threshold twice",
                                             bname, ename);
                diag_add_note(S->d, dg, span_join(threshold->sp, threshold->threshold.sp),
                              "first threshold here");
                break;
            }
            threshold = ni;
            if (ni->threshold.value <= 0)
                diag_report(S->d, "E0405", ni->threshold.sp,
                            "threshold of `note %s` in `%s` is %lld, but it must be "
                            "positive: it is the points a customer earns to move on",
                            bname, ename, (long long)ni->threshold.value);
            break;
        }
    }
    if (!first_of_b)
        return; /* a second note is E0401; its media would be noise */
    const char *missing[M_COUNT];
    int n = 0;
    for (int k = 0; k < M_COUNT; k++)
        if (!medium[k])
            missing[n++] = ast_medium_name(k);
    if (n)
        diag_report(S->d, "W0404", note_head(m), "`note %s` of `%s` lacks the %s %s", bname,
                    ename, word_list(S->a, missing, n, "and", true),
                    n == 1 ? "medium" : "media");
}

/* One experience while it is checked: what its members said, gathered in
 * one walk over them, so that the rules judged on the whole experience (the
 * path against the notes and the industry, W0505) run once it is over.
 * Each kind of member has its own function below; a new kind of member or
 * rule adds a field here and a function, not a branch in a long one. */
typedef struct exp_check {
    const ast_item *e;
    const char *ename;
    const industry_info *ind;        /* NULL: no `for`, or it names no industry */
    const char *iname;
    const ast_member *path, *penalty; /* the first of each */
    bool path_ok;                    /* a single, well-formed path */
    int pos[B_COUNT];                /* check_path_shape's, for the first path */
    const ast_bseq *at[B_COUNT];
    const ast_member *note[B_COUNT]; /* the first note of each behaviour */
    bool positive[B_COUNT];          /* some event with positive points plays it */
    htab events;                     /* event name -> its first member */
    htab lognames;                   /* name or alias -> the span of its first claim */
    bool uses_at, bad_at, touched[N_TOUCH];
} exp_check;

/* E0203: the industry after `for`, when there is one. */
static void resolve_industry(sema *S, exp_check *X)
{
    const ast_ident *id = X->e->industry;
    if (!id)
        return;
    sym *s = ht_get(&S->names, id->name);
    if (!s) {
        const char *sug = suggest_industry(S, id->name);
        diagnostic *dg = diag_report(S->d, "E0203", id->sp, "unknown industry `%s`%s",
                                     id->name, did_you_mean(S, sug));
        suggest_fix(S, dg, id->sp, sug);
    } else if (s->kind != SYM_INDUSTRY) {
        diagnostic *dg = diag_report(S->d, "E0203", id->sp, "`%s` is %s, not an industry",
                                     id->name, A_KIND[s->kind]);
        diag_add_note(S->d, dg, s->sp, "%s `%s` is declared here", KIND[s->kind], s->name);
    } else {
        X->ind = s->ind;
        X->iname = s->name;
    }
}

/* E0306 for a second path; E0301, E0302 for the first. */
static void check_path_member(sema *S, exp_check *X, const ast_member *m)
{
    if (X->path) {
        /* A second path is reported as such, not also for what it lacks or
         * repeats: one mistake, one error. */
        diagnostic *dg = diag_report(S->d, "E0306", path_span(m),
                                     "experience `%s` has more than one `path`", X->ename);
        diag_add_note(S->d, dg, path_span(X->path), "first `path` here");
        X->path_ok = false;
        return;
    }
    X->path = m;
    X->path_ok = check_path_shape(S, X->e, m, X->pos, X->at);
}

/* E0401 for a second note of one behaviour, then the note's own rules. */
static void check_note_member(sema *S, exp_check *X, const ast_member *m)
{
    ast_behaviour b = m->note_b.b;
    if (X->note[b]) {
        diagnostic *dg = diag_report(S->d, "E0401", note_head(m),
                                     "second `note %s` in experience `%s`: each behaviour "
                                     "has one note",
                                     ast_behaviour_name(b), X->ename);
        diag_add_note(S->d, dg, note_head(X->note[b]), "first `note %s` here", ast_behaviour_name(b));
    } else {
        X->note[b] = m;
    }
    check_note(S, X->e, m, X->note[b] == m);
}

/* E0201 for an event name taken in this experience (events are named per
 * experience, outside the global namespace). */
static void declare_event(sema *S, exp_check *X, const ast_member *m)
{
    const ast_member *old = ht_get(&X->events, m->name.name);
    if (old) {
        diagnostic *dg = diag_report(S->d, "E0201", m->name.sp,
                                     "event `%s` is declared twice in experience `%s`",
                                     m->name.name, X->ename);
        diag_add_note(S->d, dg, old->name.sp, "first declared here");
        return;
    }
    ht_put(S->a, &X->events, m->name.name, (void *)m);
}

/* E0202 and E0501: the emotion an event names, if any. */
static void check_event_emotion(sema *S, const ast_member *m)
{
    ast_behaviour b = m->event_b.b;
    if (!m->emotion)
        return;
    sym *s = use_emotion(S, m->emotion, (int)b);
    if (!s || s->evokes == b)
        return;
    diagnostic *dg = diag_report(S->d, "E0501", m->emotion->sp,
                                 "event `%s` plays %s, but `%s` evokes %s", m->name.name,
                                 ast_behaviour_name(b), s->name, ast_behaviour_name(s->evokes));
    diag_add_note(S->d, dg, s->sp, "`%s` is declared here, evoking %s", s->name,
                  ast_behaviour_name(s->evokes));
}

static int touch_index(const char *name)
{
    for (int k = 0; k < N_TOUCH; k++)
        if (strcmp(name, TOUCH[k]) == 0)
            return k;
    return -1;
}

/* E0502: the touch point after `at`, if any; notes which ones are used for
 * W0505. */
static void check_touch_point(sema *S, exp_check *X, const ast_member *m)
{
    if (!m->at)
        return;
    X->uses_at = true;
    int k = touch_index(m->at->name);
    if (k >= 0) {
        X->touched[k] = true;
        return;
    }
    X->bad_at = true;
    const char *sug = suggest_word(S, m->at->name, TOUCH, N_TOUCH);
    if (sug)
        suggest_fix(S,
                    diag_report(S->d, "E0502", m->at->sp,
                                "unknown touch point `%s`; did you mean `%s`?", m->at->name, sug),
                    m->at->sp, sug);
    else
        diag_report(S->d, "E0502", m->at->sp,
                    "unknown touch point `%s`: the touch points are "
                    "`marketing`, `sales`, `service` and `support`",
                    m->at->name);
}

/* W0504 for an event worth nothing; notes which behaviours some event can
 * advance, for E0503. */
static void check_event_points(sema *S, exp_check *X, const ast_member *m)
{
    if (m->points.value == 0)
        diag_report(S->d, "W0504", m->points.sp,
                    "event `%s` carries 0 points: it never moves a customer along the path",
                    m->name.name);
    else if (m->points.value > 0)
        X->positive[m->event_b.b] = true;
}

/* E0206: a log name (an event's name or alias) claims a line of the log
 * for its event, so a second claim of it, in source order, is reported at
 * the later one (docs/language.md, Events and aliases).  Two event names
 * are E0201's, reported by declare_event. */
static void claim_log_name(sema *S, exp_check *X, const char *name, const span *sp,
                           bool is_event_name)
{
    const span *first = ht_get(&X->lognames, name);
    if (!first) {
        ht_put(S->a, &X->lognames, name, (void *)sp);
        return;
    }
    if (is_event_name && ht_get(&X->events, name) != NULL)
        return;
    diagnostic *dg = diag_report(S->d, "E0206", *sp,
                                 "log name \"%s\" is claimed twice in experience `%s`", name,
                                 X->ename);
    diag_add_note(S->d, dg, *first, "first claimed here");
}

/* E0207: why an alias cannot be a log name, or NULL when it can. */
static const char *alias_fault(const ast_alias *al)
{
    if (al->name.len == 0)
        return "is empty";
    if (al->name.len > 255)
        return "is longer than 255 bytes";
    for (size_t i = 0; i < al->name.len; i++) {
        unsigned char c = (unsigned char)al->name.value[i];
        if (c < 0x20 || c == 0x7f)
            return "holds a control character";
    }
    return NULL;
}

/* An event's aliases: each well-formed one is claimed after the event's
 * own name. */
static void check_aliases(sema *S, exp_check *X, const ast_member *m)
{
    for (const ast_alias *al = m->aliases; al; al = al->next) {
        const char *why = alias_fault(al);
        if (why)
            diag_report(S->d, "E0207", al->name.sp, "an alias of event `%s` %s", m->name.name,
                        why);
        else
            claim_log_name(S, X, al->name.value, &al->name.sp, false);
    }
}

/* E0407 at a zero duration: `within`, `reset after` and `per` need time
 * to pass (a zero window restarts every journey, a zero period has no
 * bucket). */
static void zero_duration(sema *S, const ast_duration *d, const char *what)
{
    if (d->ms == 0)
        diag_report(S->d, "E0407", d->sp, "%s is a zero duration; it must be at least 1ms",
                    what);
}

/* E0407: an event's `cap C per P` with C below 1 or P zero. */
static void check_cap(sema *S, const ast_member *m)
{
    const ast_cap *c = m->cap;
    if (c->count.value < 1)
        diag_report(S->d, "E0407", c->count.sp,
                    "the cap of event `%s` is %lld, but it must be at least 1: it is how many "
                    "times the event counts per period",
                    m->name.name, (long long)c->count.value);
    zero_duration(S, &c->per,
                  arena_printf(S->a, "the period (`per`) of the cap of event `%s`", m->name.name));
}

/* E0407: `within` or `reset after` given twice (at the second, with a note
 * at the first), or with a zero duration. */
static void check_time_rules(sema *S, exp_check *X)
{
    const ast_time_rule *first[2] = { NULL, NULL };
    for (const ast_time_rule *t = X->e->time_rules; t; t = t->next) {
        const char *word = t->kind == TIME_WITHIN ? "within" : "reset after";
        if (first[t->kind]) {
            diagnostic *dg = diag_report(S->d, "E0407", t->sp,
                                         "experience `%s` gives `%s` twice", X->ename, word);
            diag_add_note(S->d, dg, first[t->kind]->sp, "first given here");
            continue;
        }
        first[t->kind] = t;
        zero_duration(S, &t->d,
                      arena_printf(S->a, "`%s` of experience `%s`", word, X->ename));
    }
}

static void check_event(sema *S, exp_check *X, const ast_member *m)
{
    claim_log_name(S, X, m->name.name, &m->name.sp, true);
    declare_event(S, X, m);
    check_aliases(S, X, m);
    if (m->cap)
        check_cap(S, m);
    check_event_emotion(S, m);
    check_touch_point(S, X, m);
    check_event_points(S, X, m);
}

/* E0602: `penalty early` given twice, or negative. */
static void check_penalty(sema *S, exp_check *X, const ast_member *m)
{
    if (X->penalty) {
        diagnostic *dg = diag_report(S->d, "E0602", span_join(m->kw_sp, m->points.sp),
                                     "experience `%s` gives `penalty early` twice", X->ename);
        diag_add_note(S->d, dg, span_join(X->penalty->kw_sp, X->penalty->points.sp),
                      "first given here");
        return;
    }
    X->penalty = m;
    if (m->points.value < 0)
        diag_report(S->d, "E0602", m->points.sp,
                    "`penalty early` of `%s` is %lld, but it must not be negative: "
                    "it counts the points lost, so write `penalty early %lld;`",
                    X->ename, (long long)m->points.value, -(long long)m->points.value);
}

/* E0306 for a missing path; then, on a single well-formed path only, the
 * path against the industry (E0303-E0305) and against the notes and events
 * (E0402, E0503), in the order the path plays its behaviours. */
static void check_path_notes(sema *S, const exp_check *X)
{
    if (!X->path) {
        diag_report(S->d, "E0306", X->e->name.sp,
                    "experience `%s` has no `path`: it must say in which order its notes "
                    "are played",
                    X->ename);
        return;
    }
    if (!X->path_ok)
        return;
    if (X->ind && !X->ind->contradictory)
        check_path_industry(S, X->e, X->ind, X->iname, X->pos, X->at);
    for (int k = 0; k < B_COUNT; k++) {
        ast_behaviour b = B_COUNT;
        for (int x = 0; x < B_COUNT; x++)
            if (X->pos[x] == k)
                b = (ast_behaviour)x;
        if (!X->note[b]) {
            diag_report(S->d, "E0402", X->at[b]->b.sp,
                        "path of `%s` plays %s, but there is no `note %s`", X->ename,
                        ast_behaviour_name(b), ast_behaviour_name(b));
        } else if (!X->positive[b]) {
            diag_report(S->d, "E0503", note_head(X->note[b]),
                        "`note %s` of `%s` can never complete: no event with positive "
                        "points plays %s",
                        ast_behaviour_name(b), X->ename, ast_behaviour_name(b));
        }
    }
}

/* W0505.  An unknown touch point already has its error, and its event
 * probably meant one of the stages that would be named missing. */
static void check_touch_points(sema *S, const exp_check *X)
{
    if (!X->uses_at || X->bad_at)
        return;
    const char *missing[N_TOUCH];
    int n = 0;
    for (int k = 0; k < N_TOUCH; k++)
        if (!X->touched[k])
            missing[n++] = TOUCH[k];
    if (n)
        diag_report(S->d, "W0505", X->e->name.sp,
                    "experience `%s` places events at touch points, yet none at %s", X->ename,
                    word_list(S->a, missing, n, "or", true));
}

/* W0506: an event's emotion that evokes its note's behaviour but that the
 * note does not list in `evoke` (the event then fills the note with an
 * emotion the script never planned for it).  Run after every member, as a
 * note may be written after its events. */
static void check_event_evoked(sema *S, const exp_check *X)
{
    for (const ast_member *m = X->e->members; m; m = m->next) {
        if (m->kind != MEM_EVENT || !m->emotion)
            continue;
        const sym *s = ht_get(&S->names, m->emotion->name);
        const ast_member *note = X->note[m->event_b.b];
        if (!s || s->kind != SYM_EMOTION || s->evokes != m->event_b.b || !note)
            continue;
        /* A note whose `evoke` names an unknown emotion has its E0202:
         * that typo is likely the emotion the event names. */
        bool listed = false, unknown = false;
        for (const ast_note_item *ni = note->items; ni; ni = ni->next)
            for (const ast_ident *id = ni->kind == NI_EVOKE ? ni->emotions : NULL; id; id = id->next) {
                const sym *e = ht_get(&S->names, id->name);
                listed |= strcmp(id->name, s->name) == 0;
                unknown |= !e || e->kind != SYM_EMOTION;
            }
        if (!listed && !unknown) {
            diagnostic *dg = diag_report(S->d, "W0506", m->emotion->sp,
                                         "event `%s` evokes `%s`, but `note %s` of `%s` does "
                                         "not evoke it",
                                         m->name.name, s->name, ast_behaviour_name(m->event_b.b),
                                         X->ename);
            diag_add_note(S->d, dg, note_head(note), "`note %s` is here: add `%s` to its `evoke`",
                          ast_behaviour_name(m->event_b.b), s->name);
        }
    }
}

static void check_experience(sema *S, const ast_item *e)
{
    exp_check X = {.e = e, .ename = e->name.name};
    size_t n_events = 0;
    for (const ast_member *m = e->members; m; m = m->next)
        n_events += m->kind == MEM_EVENT;
    ht_init(S->a, &X.events, n_events);
    ht_init(S->a, &X.lognames, n_events);

    resolve_industry(S, &X);
    check_time_rules(S, &X);
    for (const ast_member *m = e->members; m; m = m->next) {
        switch (m->kind) {
        case MEM_PATH:
            check_path_member(S, &X, m);
            break;
        case MEM_NOTE:
            check_note_member(S, &X, m);
            break;
        case MEM_EVENT:
            check_event(S, &X, m);
            break;
        case MEM_PENALTY:
            check_penalty(S, &X, m);
            break;
        }
    }
    check_path_notes(S, &X);
    check_touch_points(S, &X);
    check_event_evoked(S, &X);
}

/* ---- pass 3: unused emotions ------------------------------------------- */

/* W0601.  An emotion declared beside an experience was declared for it; one
 * no experience of the whole program uses is forgotten or left over.
 * Emotion libraries (files without an experience, like the stdlib) are
 * never reported: most of their emotions are unused by any one script. */
static void check_unused(sema *S)
{
    for (size_t i = 0; i < S->n_emotions; i++) {
        const sym *s = S->emotions[i];
        if (s->beside_experience && !s->used)
            diag_report(S->d, "W0601", s->sp,
                        "emotion `%s` is used by no experience: no note evokes it and no "
                        "event names it",
                        s->name);
    }
}

/* ---- pass 4: tests ----------------------------------------------------- */

/* What the tests of the program share while they are checked: each
 * experience's log names (declared names and aliases -> the event member),
 * built on its first test, and the tests seen, by experience and name. */
typedef struct test_check {
    htab *names;     /* parallel to prog->experiences; cap 0 until built */
    htab seen;       /* "EXPERIENCE\nNAME" -> the first test of that name */
} test_check;

static htab *log_names(sema *S, test_check *T, const ast_item *e)
{
    size_t k = 0;
    while (k < S->prog->n_experiences && S->prog->experiences[k] != e)
        k++;
    htab *t = &T->names[k];
    if (t->cap)
        return t;
    ht_init(S->a, t, 16);
    for (const ast_member *m = e->members; m; m = m->next) {
        if (m->kind != MEM_EVENT)
            continue;
        if (!ht_get(t, m->name.name))
            ht_put(S->a, t, m->name.name, (void *)m);
        for (const ast_alias *al = m->aliases; al; al = al->next)
            if (!ht_get(t, al->name.value))
                ht_put(S->a, t, al->name.value, (void *)m);
    }
    return t;
}

static const char *suggest_experience(sema *S, const char *name)
{
    nearest n = nearest_start(name);
    for (size_t i = 0; i < S->prog->n_experiences; i++)
        nearest_try(S, &n, S->prog->experiences[i]->name.name, false);
    return n.found;
}

/* E0701: the experience a test runs on, or NULL after the error. */
static const ast_item *test_experience(sema *S, const ast_test *t)
{
    const ast_ident *id = t->experience;
    if (!id) {
        size_t n;
        const ast_item *only = sema_test_default(S->prog, t->kw_sp.file, &n);
        if (only)
            return only;
        if (n == 0)
            diag_report(S->d, "E0701", t->name.sp,
                        "test `%s` has no experience to run on: none is declared", t->name.value);
        else
            diag_report(S->d, "E0701", t->name.sp,
                        "test `%s` has no `for`, and %zu experiences are declared: say which "
                        "one with `test \"%s\" for EXPERIENCE`",
                        t->name.value, n, t->name.value);
        return NULL;
    }
    const sym *s = ht_get(&S->names, id->name);
    if (s && s->kind == SYM_EXPERIENCE)
        return s->item;
    if (s) {
        diagnostic *dg = diag_report(S->d, "E0701", id->sp, "`%s` is %s, not an experience",
                                     id->name, A_KIND[s->kind]);
        diag_add_note(S->d, dg, s->sp, "%s `%s` is declared here", KIND[s->kind], s->name);
    } else {
        diag_report(S->d, "E0701", id->sp, "unknown experience `%s`%s", id->name,
                    did_you_mean(S, suggest_experience(S, id->name)));
    }
    return NULL;
}

/* The log name nearest to `name` among the experience's (declared names
 * only when `declared`: a bare name in a test is an event's name). */
static const char *suggest_log_name(sema *S, const ast_item *e, const char *name, bool declared)
{
    nearest n = nearest_start(name);
    for (const ast_member *m = e->members; m; m = m->next) {
        if (m->kind != MEM_EVENT)
            continue;
        nearest_try(S, &n, m->name.name, true);
        for (const ast_alias *al = declared ? NULL : m->aliases; al; al = al->next)
            nearest_try(S, &n, al->name.value, false);
    }
    return n.found;
}

/* E0702: every event a test plays must be one of its experience's, by its
 * name (a bare word) or a log name (a string: its name or an alias). */
static void check_test_events(sema *S, test_check *T, const ast_item *e, const ast_test_item *ti)
{
    htab *names = log_names(S, T, e);
    for (const ast_test_event *te = ti->events; te; te = te->next) {
        const ast_member *m = ht_get(names, te->name.value);
        /* A bare word names a declared event, never an alias. */
        if (m && (te->quoted || strcmp(m->name.name, te->name.value) == 0))
            continue;
        const char *sug = suggest_log_name(S, e, te->name.value, !te->quoted);
        span sp = te->name.sp;
        diagnostic *dg = diag_report(S->d, "E0702", sp,
                                     "experience `%s` declares no event %s `%s`%s",
                                     e->name.name, te->quoted ? "or alias" : "named",
                                     te->name.value, did_you_mean(S, sug));
        if (sug && te->quoted && !strpbrk(sug, "\"\\"))
            diag_add_fix(S->d, dg, sp, arena_printf(S->a, "\"%s\"", sug), "replace with `\"%s\"`", sug);
        else if (!te->quoted)
            suggest_fix(S, dg, sp, sug);
    }
}

/* E0703 for a stage that is no stage: a behaviour or ENGAGED. */
static void check_expect_stage(sema *S, const ast_test_item *ti)
{
    static const char *const STAGES[] = {"SAY", "STAY", "SPEND", "ENGAGED"};
    if (ti->stage_is_b || strcmp(ti->stage.name, "ENGAGED") == 0)
        return;
    const char *sug = NULL;
    for (int k = 0; k < 4 && !sug; k++)
        if (strcasecmp(ti->stage.name, STAGES[k]) == 0)
            sug = STAGES[k];
    if (!sug)
        sug = suggest_word(S, ti->stage.name, STAGES, 4);
    diagnostic *dg = diag_report(S->d, "E0703", ti->stage.sp,
                                 "`expect stage %s` can never hold: a stage is SAY, STAY, "
                                 "SPEND or ENGAGED%s",
                                 ti->stage.name, did_you_mean(S, sug));
    suggest_fix(S, dg, ti->stage.sp, sug);
}

/* The field an `expect` compares, as the messages and the output name it:
 * "score", "points STAY". */
static const char *expect_field(arena *a, const ast_test_item *ti)
{
    static const char *const F[] = {"score", "stage", "events", "early", "points"};
    return ti->field == EXP_POINTS ? arena_printf(a, "points %s", ast_behaviour_name(ti->b.b))
                                   : F[ti->field];
}

/* E0703: a test's expectations, each field (each note's points) once, a
 * stage that exists, counts that can be reached. */
static void check_expects(sema *S, const ast_test *t)
{
    const ast_test_item *first[EXP_POINTS + B_COUNT] = {0};
    for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
        if (ti->kind != TI_EXPECT)
            continue;
        int k = ti->field == EXP_POINTS ? EXP_POINTS + (int)ti->b.b : (int)ti->field;
        const char *f = expect_field(S->a, ti);
        if (first[k]) {
            diagnostic *dg = diag_report(S->d, "E0703", span_join(ti->kw_sp, ti->field_sp),
                                         "test `%s` expects `%s` twice", t->name.value, f);
            diag_add_note(S->d, dg, span_join(first[k]->kw_sp, first[k]->field_sp),
                          "first expected here");
            continue;
        }
        first[k] = ti;
        if (ti->field == EXP_STAGE)
            check_expect_stage(S, ti);
        else if ((ti->field == EXP_EVENTS || ti->field == EXP_EARLY) && ti->value.value < 0)
            diag_report(S->d, "E0703", ti->value.sp,
                        "`expect %s %lld` can never hold: %s counts, it is never negative", f,
                        (long long)ti->value.value, f);
    }
}

/* E0704 at the second test of an experience with one name. */
static void check_test_name(sema *S, test_check *T, const ast_item *e, const ast_test *t)
{
    const char *key = arena_printf(S->a, "%s\n%s", e->name.name, t->name.value);
    const ast_test *old = ht_get(&T->seen, key);
    if (!old) {
        ht_put(S->a, &T->seen, key, (void *)t);
        return;
    }
    diagnostic *dg = diag_report(S->d, "E0704", t->name.sp,
                                 "experience `%s` has two tests named `%s`", e->name.name,
                                 t->name.value);
    diag_add_note(S->d, dg, old->name.sp, "first test of that name here");
}

static void check_test(sema *S, test_check *T, const ast_test *t)
{
    const ast_item *e = test_experience(S, t);
    bool expects = false;
    if (e)
        check_test_name(S, T, e, t);
    for (const ast_test_item *ti = t->items; ti; ti = ti->next) {
        expects |= ti->kind == TI_EXPECT;
        if (ti->kind == TI_EVENTS && e)
            check_test_events(S, T, e, ti);
    }
    check_expects(S, t);
    if (!expects)
        diag_report(S->d, "W0705", t->name.sp, "test `%s` has no `expect`: it asserts nothing",
                    t->name.value);
}

/* E0701-E0704 and W0705 on the tests of every file (imported files' tests
 * are checked too, though `expc test` runs only those of the files named). */
static void check_tests(sema *S)
{
    test_check T;
    T.names = arena_alloc(S->a, (S->prog->n_experiences + 1) * sizeof *T.names);
    ht_init(S->a, &T.seen, 16);
    for (size_t i = 0; i < S->prog->n_files; i++)
        for (const ast_test *t = S->prog->files[i]->tests; t; t = t->next)
            check_test(S, &T, t);
}

/* ---- entry points ------------------------------------------------------ */

int sema_check(arena *a, diag_ctx *d, program *prog)
{
    collect_experiences(a, prog);
    /* The tree of a file with syntax errors is partial: nothing to judge
     * (docs/language.md: the checks run only on files that lex and parse
     * cleanly). */
    if (prog->syntax_errors)
        return 0;
    int errors_before = d->errors;
    sema S = {.a = a, .d = d, .prog = prog, .suggest_budget = 1000L * 1000};
    declare_all(&S);
    /* Every experience is checked even past --max-errors (the work is
     * linear): the errors printed are then the first ones by position, not
     * the first ones this pass happened to find. */
    for (size_t i = 0; i < prog->n_experiences; i++)
        check_experience(&S, prog->experiences[i]);
    check_tests(&S);
    check_unused(&S);
    return d->errors - errors_before;
}

/* The experiences of `file` and of everything it imports, transitively
 * (iterative, over a stack of file indexes); the only one, else NULL with
 * their number in *n. */
const ast_item *sema_test_default(const program *prog, const src_file *file, size_t *n)
{
    size_t nf = prog->n_files, top = 0;
    bool *seen = xmalloc(nf + 1);
    size_t *stack = xmalloc((nf + 1) * sizeof *stack);
    const ast_item *only = NULL;
    memset(seen, 0, nf + 1);
    *n = 0;
    for (size_t i = 0; i < nf; i++)
        if (prog->files[i]->src == file) {
            seen[i] = true;
            stack[top++] = i;
        }
    while (top) {
        for (const ast_item *it = prog->files[stack[--top]]->items; it; it = it->next) {
            if (it->kind == ITEM_EXPERIENCE) {
                only = it;
                ++*n;
            } else if (it->kind == ITEM_IMPORT && it->import_file >= 0 &&
                       (size_t)it->import_file < nf && !seen[it->import_file]) {
                seen[it->import_file] = true;
                stack[top++] = (size_t)it->import_file;
            }
        }
    }
    free(seen);
    free(stack);
    return *n == 1 ? only : NULL;
}

ast_item *sema_find_experience(const program *prog, const char *name)
{
    if (prog->experiences) {
        for (size_t i = 0; i < prog->n_experiences; i++)
            if (strcmp(prog->experiences[i]->name.name, name) == 0)
                return prog->experiences[i];
        return NULL;
    }
    for (size_t i = 0; i < prog->n_files; i++)
        for (ast_item *it = prog->files[i]->items; it; it = it->next)
            if (it->kind == ITEM_EXPERIENCE && strcmp(it->name.name, name) == 0)
                return it;
    return NULL;
}
