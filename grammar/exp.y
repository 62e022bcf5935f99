/* exp.y - the grammar of an experience script (docs/language.md §3).
 *
 * A pure, reentrant LALR(1) parser with locations, LAC and custom syntax
 * error messages ("expected X, found Y").  Actions only build nodes through
 * the ast_* constructors: every check lives in src/sema.c (PostgreSQL's
 * gram.y rule).  `error` recovery at item, rule, member, note-item and
 * test-item boundaries lets one run report every independent syntax error.
 * The 0.2 tests and time rules (`within`, `reset after`) are collected on
 * lists of their own, ast_file.tests and ast_item.time_rules, beside the
 * items and members.  A 0.2 keyword found where a name could stand gets a
 * message saying it is a keyword since 0.2. */

%define api.pure full
%define api.location.type {span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}

%code requires {
#include "expc/ast.h"
#include "expc/lex.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
}

%code {
#include <ctype.h>
#include <string.h>
#include "lex.yy.h"

#define X ((lex_extra *)yyget_extra(scanner))
#define A (X->a)

/* A span over the right-hand side; an empty rule gets the empty span at the
 * end of what came before. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                  \
    do {                                                             \
        if (N) {                                                     \
            (Cur) = YYRHSLOC(Rhs, 1);                                \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;              \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                \
        } else {                                                     \
            (Cur) = YYRHSLOC(Rhs, 0);                                \
            (Cur).line = (Cur).end_line;                             \
            (Cur).col = (Cur).end_col;                               \
        }                                                            \
    } while (0)

static void yyerror(YYLTYPE *loc, yyscan_t scanner, const char *msg);
/* Back in step after an error once a statement keyword other than the
 * offending token itself is shifted. */
#define RESYNC(loc) do { if (YYRECOVERING() && !((loc).line == X->err_line && (loc).col == X->err_col)) yyerrok; } while (0)
}

%union {
    ast_string str;
    ast_bref bref;
    ast_int intv;
    ast_list list;
    ast_item *item;
    ast_rule *rule;
    ast_member *member;
    ast_note_item *ni;
    ast_ident *id;
    int medium;
    ast_duration dur;
    ast_cap *cap;
    ast_time_rule *time;
    ast_body body;
    ast_test_event *tev;
    ast_test_item *ti;
}

%token IMPORT "`import`" EMOTION "`emotion`" EVOKES "`evokes`"
%token INDUSTRY "`industry`" FIRST "`first`" KEY "`key`" BEFORE "`before`"
%token EXPERIENCE "`experience`" FOR "`for`" PATH "`path`" NOTE "`note`"
%token EVOKE "`evoke`" STAGE "`stage`" SYSTEM "`system`" SERVICE "`service`"
%token THRESHOLD "`threshold`" EVENT "`event`" VIA "`via`" AT "`at`"
%token PENALTY "`penalty`" EARLY "`early`" ARROW "`->`"
%token '{' "`{`" '}' "`}`" ';' "`;`" ',' "`,`" ':' "`:`"
%token <str> IDENT "identifier"
%token <str> STRING "string"
%token <intv> INT "integer"
%token <bref> BEHAVIOUR "behaviour"
/* 0.2: after every 0.1 token, so that the 0.1 tokens keep their numbers
 * and the order they are listed in "expected ..." messages. */
%token AS "`as`" WITHIN "`within`" RESET "`reset`" AFTER "`after`"
%token CAP "`cap`" PER "`per`" TEST "`test`" EVENTS "`events`" EXPECT "`expect`"
%token SCORE "`score`" POINTS "`points`" '@' "`@`"
%token <dur> DURATION "duration"
%token <dur> SIGNED_DURATION "signed duration"

%type <list> items ident_list rules bpath note_items
%type <list> aliases_opt string_list test_items test_events_opt test_event_list
%type <body> members
%type <cap> cap_opt
%type <time> time_rule
%type <tev> test_event
%type <ti> test_item
%type <item> item
%type <rule> rule
%type <member> member
%type <ni> note_item
%type <id> for_opt emotion_opt at_opt touchpoint
%type <medium> medium via_opt kw_medium
%type <bref> kw_rule_b


%%

file
    : items                     { X->file->items = $1.head; }
    ;

items
    : %empty                    { $$ = ast_list_new(); }
    | items item                { $$ = $2 ? ast_list_append($1, $2) : $1; }
    ;

/* item = import | emotion | industry | experience | test ; */
item
    : kw_import STRING ';'         { $$ = ast_import_new(A, $2, @$); }
    | kw_emotion ident_list EVOKES BEHAVIOUR ';'
                                { $$ = ast_emotion_new(A, $2.head, $4, @$); }
    | kw_industry IDENT '{' rules '}'
                                { $$ = ast_industry_new(A, *ast_ident_new(A, $2.value, $2.sp),
                                                        $4.head, @3, @5, @$); }
    | kw_experience IDENT for_opt '{' members '}'
                                { $$ = ast_experience_body(
                                      ast_experience_new(A, *ast_ident_new(A, $2.value, $2.sp),
                                                         $3, NULL, @4, @6, @$), $5); }
    | kw_test STRING for_opt '{' test_items '}'
                                { ast_test_add(X->file, ast_test_new(A, $2, $3, $5.head,
                                                                     @1, @4, @6, @$));
                                  $$ = NULL; }
    | error                     { $$ = NULL; }
    ;

ident_list
    : IDENT                     { $$ = ast_list_append(ast_list_new(), ast_ident_new(A, $1.value, $1.sp)); }
    | ident_list ',' IDENT      { $$ = ast_list_append($1, ast_ident_new(A, $3.value, $3.sp)); }
    ;

rules
    : %empty                    { $$ = ast_list_new(); }
    | rules rule                { $$ = $2 ? ast_list_append($1, $2) : $1; }
    ;

/* rule = "first" B ";" | "key" B ";" | B "before" B ";" ; */
rule
    : kw_first BEHAVIOUR ';'       { $$ = ast_rule_new(A, RULE_FIRST, $2, $2, @$); }
    | kw_key BEHAVIOUR ';'         { $$ = ast_rule_new(A, RULE_KEY, $2, $2, @$); }
    | kw_rule_b BEFORE BEHAVIOUR ';'
                                { $$ = ast_rule_new(A, RULE_BEFORE, $1, $3, @$); }
    | error                     { $$ = NULL; }
    ;

for_opt
    : %empty                    { $$ = NULL; }
    | FOR IDENT                 { $$ = ast_ident_new(A, $2.value, $2.sp); }
    ;

members
    : %empty                    { $$ = ast_body_new(); }
    | members member            { $$ = ast_body_member($1, $2); }
    | members time_rule         { $$ = ast_body_time($1, $2); }
    ;

/* The 0.2 members `within D;` and `reset after D;`. */
time_rule
    : kw_within DURATION ';'       { $$ = ast_time_rule_new(A, TIME_WITHIN, $2, @1, @$); }
    | kw_reset AFTER DURATION ';'  { $$ = ast_time_rule_new(A, TIME_RESET, $3, @1, @$); }
    ;

/* member = path | note | event | penalty ; */
member
    : kw_path bpath ';'            { $$ = ast_path_new(A, $2.head, @1, @$); }
    | kw_note BEHAVIOUR '{' note_items '}'
                                { $$ = ast_note_new(A, $2, $4.head, @1, @$); }
    | kw_event IDENT aliases_opt ':' BEHAVIOUR emotion_opt via_opt at_opt INT cap_opt ';'
                                { $$ = ast_event_more(
                                      ast_event_new(A, *ast_ident_new(A, $2.value, $2.sp), $5, $6,
                                                    (ast_medium)$7, @7, $8, $9, @1, @$),
                                      $3.head, @3, $10); }
    | kw_penalty EARLY INT ';'     { $$ = ast_penalty_new(A, $3, @1, @$); }
    | error                     { $$ = NULL; }
    ;

bpath
    : BEHAVIOUR                 { $$ = ast_list_append(ast_list_new(), ast_bseq_new(A, $1)); }
    | bpath ARROW BEHAVIOUR     { $$ = ast_list_append($1, ast_bseq_new(A, $3)); }
    ;

/* `as "web.checkin", "app.checkin"`: the span of the list is the event's
 * as_sp (from `as` to the last string). */
aliases_opt
    : %empty                    { $$ = ast_list_new(); }
    | AS string_list            { $$ = $2; }
    ;

string_list
    : STRING                    { $$ = ast_list_append(ast_list_new(), ast_alias_new(A, $1)); }
    | string_list ',' STRING    { $$ = ast_list_append($1, ast_alias_new(A, $3)); }
    ;

cap_opt
    : %empty                    { $$ = NULL; }
    | CAP INT PER DURATION      { $$ = ast_cap_new(A, $2, $4, @1, @$); }
    ;

emotion_opt
    : %empty                    { $$ = NULL; }
    | IDENT                     { $$ = ast_ident_new(A, $1.value, $1.sp); }
    ;

via_opt
    : %empty                    { $$ = M_NONE; }
    | VIA medium                { $$ = $2; }
    ;

at_opt
    : %empty                    { $$ = NULL; }
    | AT touchpoint             { $$ = $2; }
    ;

/* touchpoint = marketing | sales | service | support: an identifier, or the
 * keyword `service`; which names are known is sema's business (E0502). */
touchpoint
    : IDENT                     { $$ = ast_ident_new(A, $1.value, $1.sp); }
    | SERVICE                   { $$ = ast_ident_new(A, "service", @1); }
    ;

medium
    : STAGE                     { $$ = M_STAGE; }
    | SYSTEM                    { $$ = M_SYSTEM; }
    | SERVICE                   { $$ = M_SERVICE; }
    ;

note_items
    : %empty                    { $$ = ast_list_new(); }
    | note_items note_item      { $$ = $2 ? ast_list_append($1, $2) : $1; }
    ;

/* note_item = "evoke" IDENT {"," IDENT} ";" | medium STRING ";" | "threshold" INT ";" ; */
note_item
    : kw_evoke ident_list ';'      { $$ = ast_evoke_new(A, $2.head, @$); }
    | kw_medium STRING ';'         { $$ = ast_medium_new(A, (ast_medium)$1, @1, $2, @$); }
    | kw_threshold INT ';'         { $$ = ast_threshold_new(A, $2, @$); }
    | error                     { $$ = NULL; }
    ;

test_items
    : %empty                    { $$ = ast_list_new(); }
    | test_items test_item      { $$ = $2 ? ast_list_append($1, $2) : $1; }
    ;

/* test_item = "events" [ test_event { "," test_event } ] ";"
 *           | "expect" expectation ";" ;
 * `score` and `points` are not reserved: the lexer returns them as field
 * words only right after `expect`. */
test_item
    : kw_events test_events_opt ';'
                                { $$ = ast_test_events_new(A, $2.head, @1, @$); }
    | kw_expect SCORE INT ';'      { $$ = ast_expect_int(ast_expect_new(A, EXP_SCORE, @2, @1, @$), $3); }
    | kw_expect STAGE BEHAVIOUR ';'
                                { $$ = ast_expect_b(ast_expect_new(A, EXP_STAGE, @2, @1, @$), $3); }
    | kw_expect STAGE IDENT ';'    { $$ = ast_expect_stage(ast_expect_new(A, EXP_STAGE, @2, @1, @$),
                                                        $3.value, $3.sp); }
    | kw_expect EVENTS INT ';'     { $$ = ast_expect_int(ast_expect_new(A, EXP_EVENTS, @2, @1, @$), $3); }
    | kw_expect EARLY INT ';'      { $$ = ast_expect_int(ast_expect_new(A, EXP_EARLY, @2, @1, @$), $3); }
    | kw_expect POINTS BEHAVIOUR INT ';'
                                { $$ = ast_expect_int(ast_expect_b(ast_expect_new(A, EXP_POINTS, @2, @1, @$),
                                                                  $3), $4); }
    | error                     { $$ = NULL; }
    ;

test_events_opt
    : %empty                    { $$ = ast_list_new(); }
    | test_event_list           { $$ = $1; }
    ;

test_event_list
    : test_event                { $$ = ast_list_append(ast_list_new(), $1); }
    | test_event_list ',' test_event
                                { $$ = ast_list_append($1, $3); }
    ;

/* test_event = ( IDENT | STRING ) [ "@" DURATION ] ; */
test_event
    : IDENT                     { $$ = ast_test_event_new(A, $1, false, NULL, @$); }
    | IDENT '@' DURATION        { $$ = ast_test_event_new(A, $1, false, &$3, @$); }
    | STRING                    { $$ = ast_test_event_new(A, $1, true, NULL, @$); }
    | STRING '@' DURATION       { $$ = ast_test_event_new(A, $1, true, &$3, @$); }
    ;

/* A statement keyword shifted while recovering from a syntax error: the
 * parser is back in step, so the next error is reported (not swallowed by
 * bison's three-token rule). */
kw_import: IMPORT { RESYNC(@1); } ;
kw_emotion: EMOTION { RESYNC(@1); } ;
kw_industry: INDUSTRY { RESYNC(@1); } ;
kw_experience: EXPERIENCE { RESYNC(@1); } ;
kw_first: FIRST { RESYNC(@1); } ;
kw_key: KEY { RESYNC(@1); } ;
kw_rule_b: BEHAVIOUR { RESYNC(@1); $$ = $1; } ;
kw_path: PATH { RESYNC(@1); } ;
kw_note: NOTE { RESYNC(@1); } ;
kw_event: EVENT { RESYNC(@1); } ;
kw_penalty: PENALTY { RESYNC(@1); } ;
kw_evoke: EVOKE { RESYNC(@1); } ;
kw_medium: medium { RESYNC(@1); $$ = $1; } ;
kw_threshold: THRESHOLD { RESYNC(@1); } ;
kw_test: TEST { RESYNC(@1); } ;
kw_within: WITHIN { RESYNC(@1); } ;
kw_reset: RESET { RESYNC(@1); } ;
kw_events: EVENTS { RESYNC(@1); } ;
kw_expect: EXPECT { RESYNC(@1); } ;

%%

/* The text of the token at `loc`, for "found `...`". */
static void found_text(lex_extra *x, const span *loc, int tok, char *buf, size_t cap)
{
    if (tok == YYSYMBOL_YYEOF) {
        snprintf(buf, cap, "end of file");
        return;
    }
    size_t len;
    const char *line = diag_line_text(x->src, loc->line, &len);
    size_t from = (size_t)(loc->col - 1);
    size_t to = loc->end_line == loc->line ? (size_t)(loc->end_col - 1) : len;
    if (!line || from > len)
        from = to = 0;
    if (to > len)
        to = len;
    size_t n = to > from ? to - from : 0;
    const char *what = tok == YYSYMBOL_IDENT ? "identifier "
                     : tok == YYSYMBOL_STRING ? "string "
                     : tok == YYSYMBOL_INT ? "integer "
                     : tok == YYSYMBOL_DURATION ? "duration " : "";
    if (n > 40)
        snprintf(buf, cap, "%s`%.37s...`", what, line + from);
    else
        snprintf(buf, cap, "%s`%.*s`", what, (int)n, line + from);
}

/* The tokens that are new in 0.2: declared after every 0.1 token, from
 * `as` on (the symbol kinds follow the declaration order). */
static bool token_02(yysymbol_kind_t t)
{
    return t >= YYSYMBOL_AS && t <= YYSYMBOL_SIGNED_DURATION;
}

/* After `expect` the five field words are listed in the order the
 * language reference gives them, not in token order. */
static void fields_in_order(yysymbol_kind_t *t, int n)
{
    static const yysymbol_kind_t order[] = { YYSYMBOL_SCORE, YYSYMBOL_STAGE, YYSYMBOL_EVENTS,
                                             YYSYMBOL_EARLY, YYSYMBOL_POINTS };
    if (n != 5)
        return;
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < 5 && order[j] != t[i])
            j++;
        if (j == 5)
            return;
    }
    memcpy(t, order, sizeof order);
}

/* The tokens the parser expected.  Until a file uses a 0.2 token, the 0.2
 * words are left out of the list, so a 0.1 script gets the messages it
 * always got.  More than `max` left is no useful hint: 0.  `ident` tells
 * whether an identifier was among them. */
static int expected_tokens(const yypcontext_t *ctx, const lex_extra *x, yysymbol_kind_t *out,
                           int max, bool *ident)
{
    yysymbol_kind_t all[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, all, YYNTOKENS);
    if (n < 0)
        return n;
    int k = 0;
    *ident = false;
    for (int i = 0; i < n; i++) {
        *ident |= all[i] == YYSYMBOL_IDENT;
        if (token_02(all[i]) && !x->uses_02)
            continue;
        if (k == max)
            return 0;
        out[k++] = all[i];
    }
    fields_in_order(out, k);
    return k;
}

/* What follows "expected X, found Y" when Y needs explaining: a 0.2 keyword
 * where a name could stand (a 0.1 script that used it as a name), or a
 * signed duration. */
static const char *found_why(yysymbol_kind_t tok, bool ident, char *buf, size_t cap)
{
    if (ident && tok >= YYSYMBOL_AS && tok <= YYSYMBOL_EXPECT) {
        snprintf(buf, cap, "; %s is a keyword since 0.2 and cannot be a name",
                 yysymbol_name(tok)); /* the name is "`word`" */
        return buf;
    }
    if (tok == YYSYMBOL_SIGNED_DURATION)
        return "; a duration takes no sign";
    return "";
}

/* ---- hints for the mistakes a new user makes ------------------------------ */

/* A word of the language the parser expected that the identifier at `loc`
 * may have meant: the same word in other letter case (`stay`: STAY, written
 * in capitals) or a near one ignoring case (`systems`: `system`); NULL when
 * none is close.  Candidates are the expected keywords and, when a
 * behaviour was expected, the three behaviours. */
static const char *near_word(lex_extra *x, const span *loc, const yysymbol_kind_t *exp, int n)
{
    static const char *const B[] = { "SAY", "STAY", "SPEND" };
    size_t len;
    const char *line = diag_line_text(x->src, loc->line, &len);
    size_t from = (size_t)(loc->col - 1), to = (size_t)(loc->end_col - 1);
    char found[64], cand[64];
    if (!line || loc->end_line != loc->line || to > len || to <= from || to - from >= sizeof found)
        return NULL;
    for (size_t i = from; i < to; i++)
        found[i - from] = (char)tolower((unsigned char)line[i]);
    found[to - from] = 0;
    const char *best = NULL;
    int best_d = diag_suggest_limit(found) + 1;
    for (int i = 0; i < n; i++) {
        const char *name = yysymbol_name(exp[i]);
        const char *const *words = exp[i] == YYSYMBOL_BEHAVIOUR ? B : &name;
        int k = exp[i] == YYSYMBOL_BEHAVIOUR ? 3 : 1;
        for (int j = 0; j < k; j++) {
            const char *w = words[j];
            size_t wl = strlen(w);
            if (*w == '`') { /* a keyword's name is "`word`" */
                w++;
                wl -= 2;
            }
            if (wl == 0 || wl >= sizeof cand || !isalpha((unsigned char)w[0]))
                continue;
            for (size_t c = 0; c < wl; c++)
                cand[c] = (char)tolower((unsigned char)w[c]);
            cand[wl] = 0;
            int d = diag_edit_distance(found, cand, best_d - 1);
            if (d < best_d) {
                best_d = d;
                best = arena_strndup(x->a, w, wl);
            }
        }
    }
    return best;
}

/* Whether the parser expected `;` (in the first n of exp). */
static bool wants_semicolon(const yysymbol_kind_t *exp, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(yysymbol_name(exp[i]), "`;`"))
            return true;
    return false;
}

/* Hints appended to the message (into buf), and a fix when one is certain:
 * a `;` missing at the end of a line is reported where it belongs, just
 * after the statement's last token (*at moves there), and inserted by the
 * fix; `via` after `at` says the order; a misspelt or miscased word gets a
 * did-you-mean. */
static const char *syntax_hint(lex_extra *x, int tok, const yysymbol_kind_t *exp, int n,
                               span *at, const char **fix, char *buf, size_t cap)
{
    *fix = NULL;
    if (tok != YYSYMBOL_YYEOF && wants_semicolon(exp, n) && x->prev_line > 0 &&
        at->line > x->prev_line) {
        *at = (span){ .file = at->file, .line = x->prev_line, .col = x->prev_col,
                      .end_line = x->prev_line, .end_col = x->prev_col };
        *fix = ";";
        return "; a statement ends with `;`";
    }
    if (tok == YYSYMBOL_VIA) {
        for (int i = 0; i < n; i++)
            if (exp[i] == YYSYMBOL_VIA)
                return "";
        return "; an event names its medium before its touch point: "
               "`via MEDIUM at TOUCHPOINT`";
    }
    if (tok == YYSYMBOL_IDENT) {
        const char *w = near_word(x, at, exp, n);
        if (w) {
            *fix = w;
            snprintf(buf, cap, "; did you mean `%s`?", w);
            return buf;
        }
    }
    return "";
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner)
{
    lex_extra *x = X;
    enum { MAX = 12 };
    yysymbol_kind_t exp[MAX];
    bool ident;
    int n = expected_tokens(ctx, x, exp, MAX, &ident);
    if (n < 0)
        return n;
    const span *loc = yypcontext_location(ctx);
    char found[128], why[128];
    found_text(x, loc, yypcontext_token(ctx), found, sizeof found);

    char msg[1024];
    size_t m = 0;
    if (n == 0) {
        m += (size_t)snprintf(msg, sizeof msg, "unexpected %s", found);
    } else {
        m += (size_t)snprintf(msg, sizeof msg, "expected %s", n > 2 ? "one of " : "");
        for (int i = 0; i < n && m < sizeof msg; i++) {
            const char *sep = i == 0 ? "" : (i == n - 1 ? " or " : ", ");
            m += (size_t)snprintf(msg + m, sizeof msg - m, "%s%s", sep, yysymbol_name(exp[i]));
        }
        if (m < sizeof msg)
            m += (size_t)snprintf(msg + m, sizeof msg - m, ", found %s", found);
    }
    if (m < sizeof msg)
        m += (size_t)snprintf(msg + m, sizeof msg - m, "%s",
                              found_why(yypcontext_token(ctx), ident, why, sizeof why));
    span at = *loc;
    const char *fix = NULL;
    const char *hint = syntax_hint(x, yypcontext_token(ctx), exp, n, &at, &fix, why, sizeof why);
    if (m < sizeof msg)
        snprintf(msg + m, sizeof msg - m, "%s", hint);
    diagnostic *dg = diag_report(x->d, "E0110", at, "%s", msg);
    if (fix)
        diag_add_fix(x->d, dg, at, fix, "%s `%s`", *fix == ';' ? "insert" : "replace with", fix);
    x->err_line = loc->line;
    x->err_col = loc->col;
    x->errors++;
    return 0;
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, const char *msg)
{
    lex_extra *x = X;
    /* Only "memory exhausted" reaches here (custom errors go above). */
    diag_report(x->d, "E0110", *loc, "%s: the input is nested or repeated too deeply", msg);
    x->errors++;
}

ast_file *ast_parse(arena *a, diag_ctx *d, const src_file *src)
{
    ast_file *f = arena_alloc(a, sizeof *f);
    f->src = src;
    lex_extra x = { .a = a, .d = d, .src = src, .file = f, .line = 1, .col = 1,
                    .tok_line = 1, .tok_col = 1 };
    yyscan_t scanner;
    if (yylex_init_extra(&x, &scanner) != 0)
        xoom();
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    yyparse(scanner);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    f->syntax_errors = x.errors;
    return f;
}
