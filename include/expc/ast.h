/* ast.h - the syntax tree of an experience script.
 *
 * The grammar's actions build these nodes through the ast_* constructors
 * only; every node carries the span of the text it came from, so the checker
 * and the formatter can point back at the source.  Lists are singly linked in
 * source order (each node has `next`), built in O(1) per element with an
 * ast_list head/tail pair.  All memory belongs to the compilation's arena. */
#ifndef EXPC_AST_H
#define EXPC_AST_H
#include <stdbool.h>
#include <stdint.h>

#include "expc/arena.h"
#include "expc/diag.h"

typedef enum ast_behaviour { B_SAY, B_STAY, B_SPEND, B_COUNT } ast_behaviour;
typedef enum ast_medium { M_STAGE, M_SYSTEM, M_SERVICE, M_COUNT, M_NONE = -1 } ast_medium;

const char *ast_behaviour_name(ast_behaviour b);  /* "SAY" ... */
const char *ast_medium_name(ast_medium m);        /* "stage" ... */

/* An identifier (also used for lists of identifiers). */
typedef struct ast_ident {
    struct ast_ident *next;
    const char *name;
    span sp;
} ast_ident;

/* A behaviour as written, with where it was written. */
typedef struct ast_bref {
    ast_behaviour b;
    span sp;
} ast_bref;

typedef struct ast_int {
    int64_t value;
    bool explicit_sign; /* written as +N or -N */
    span sp;
} ast_int;

typedef struct ast_string {
    const char *value;  /* unescaped */
    size_t len;
    span sp;            /* including the quotes */
} ast_string;

/* A duration, `90d`: the count and the unit as written (fmt prints them
 * back), and the value in milliseconds.  The count is 0..1000000 (a larger
 * one is reported by the lexer, E0104, and kept at 1000000). */
typedef enum ast_unit { U_MS, U_S, U_M, U_H, U_D, U_W, U_COUNT } ast_unit;
typedef struct ast_duration {
    int64_t count;
    ast_unit unit;
    int64_t ms;             /* count times the unit, in milliseconds */
    span sp;                /* the whole token, `90d` */
} ast_duration;

const char *ast_unit_name(ast_unit u);            /* "ms", "s" ... */

/* industry rules: `first B;`  `key B;`  `A before B;` */
typedef enum ast_rule_kind { RULE_FIRST, RULE_KEY, RULE_BEFORE } ast_rule_kind;
typedef struct ast_rule {
    struct ast_rule *next;
    ast_rule_kind kind;
    ast_bref a;         /* FIRST/KEY: the behaviour; BEFORE: the left one */
    ast_bref b;         /* BEFORE only: the right one */
    span sp;            /* the whole rule, up to and including ';' */
} ast_rule;

/* note items: `evoke a, b;`  `stage "...";`  `threshold N;` */
typedef enum ast_note_item_kind { NI_EVOKE, NI_MEDIUM, NI_THRESHOLD } ast_note_item_kind;
typedef struct ast_note_item {
    struct ast_note_item *next;
    ast_note_item_kind kind;
    ast_ident *emotions;    /* NI_EVOKE */
    ast_medium medium;      /* NI_MEDIUM */
    span medium_sp;         /* NI_MEDIUM: the keyword */
    ast_string text;        /* NI_MEDIUM */
    ast_int threshold;      /* NI_THRESHOLD */
    span sp;
} ast_note_item;

typedef enum ast_member_kind { MEM_PATH, MEM_NOTE, MEM_EVENT, MEM_PENALTY } ast_member_kind;
typedef struct ast_bseq {   /* a path's behaviours */
    struct ast_bseq *next;
    ast_bref b;
} ast_bseq;

/* An event's log name: `as "web.checkin", "app.checkin"`. */
typedef struct ast_alias {
    struct ast_alias *next;
    ast_string name;        /* unescaped; its span includes the quotes */
} ast_alias;

/* An event's `cap C per P`. */
typedef struct ast_cap {
    ast_int count;          /* C as written (sema: must be >= 1, E0407) */
    ast_duration per;       /* P (sema: must not be zero, E0407) */
    span kw_sp;             /* `cap` */
    span sp;                /* from `cap` to the duration */
} ast_cap;

typedef struct ast_member {
    struct ast_member *next;
    ast_member_kind kind;
    span sp;                /* whole member */
    span kw_sp;             /* its keyword */
    /* MEM_PATH */
    ast_bseq *path;
    /* MEM_NOTE */
    ast_bref note_b;
    ast_note_item *items;
    /* MEM_EVENT: event NAME : B [EMOTION] [via MEDIUM] [at TOUCHPOINT] INT; */
    ast_ident name;
    ast_bref event_b;
    ast_ident *emotion;     /* NULL when absent */
    ast_medium via;         /* M_NONE when absent */
    span via_sp;
    ast_ident *at;          /* NULL when absent; `service` is stored as an ident */
    ast_int points;         /* also MEM_PENALTY's value */
    ast_alias *aliases;     /* MEM_EVENT: `as ...`, NULL when absent */
    span as_sp;             /* MEM_EVENT: the `as` keyword, when aliases */
    ast_cap *cap;           /* MEM_EVENT: `cap C per P`, NULL when absent */
} ast_member;

/* An experience's time rules, `within D;` and `reset after D;`.  They are
 * kept apart from the members (ast_item.time_rules, in source order) so that
 * code switching over ast_member_kind is untouched by them. */
typedef enum ast_time_kind { TIME_WITHIN, TIME_RESET } ast_time_kind;
typedef struct ast_time_rule {
    struct ast_time_rule *next;
    ast_time_kind kind;
    ast_duration d;
    span kw_sp;             /* `within` / `reset` */
    span sp;                /* whole rule, up to and including ';' */
} ast_time_rule;

typedef enum ast_item_kind { ITEM_IMPORT, ITEM_EMOTION, ITEM_INDUSTRY, ITEM_EXPERIENCE } ast_item_kind;
typedef struct ast_item {
    struct ast_item *next;
    ast_item_kind kind;
    span sp;                /* whole item */
    ast_string import;      /* ITEM_IMPORT */
    int import_file;        /* ITEM_IMPORT: index in program.files, -1 if not loaded */
    ast_ident *names;       /* ITEM_EMOTION: the emotions */
    ast_bref evokes;        /* ITEM_EMOTION */
    ast_ident name;         /* ITEM_INDUSTRY, ITEM_EXPERIENCE */
    ast_rule *rules;        /* ITEM_INDUSTRY */
    ast_ident *industry;    /* ITEM_EXPERIENCE: `for X`, NULL when absent */
    ast_member *members;    /* ITEM_EXPERIENCE */
    span lbrace, rbrace;    /* ITEM_INDUSTRY, ITEM_EXPERIENCE */
    ast_time_rule *time_rules; /* ITEM_EXPERIENCE: within / reset after */
} ast_item;

/* ---- tests: `test "NAME" [for EXPERIENCE] { ... }` ---- */

/* One event a test plays: `greeted`, `"web.checkin"`, `greeted @2h`. */
typedef struct ast_test_event {
    struct ast_test_event *next;
    ast_string name;        /* the event's name or log name, unescaped */
    bool quoted;            /* written as a string (a log name) */
    bool has_at;            /* `@ D` given */
    ast_duration at;        /* has_at: the time offset from the test's start */
    span sp;                /* the name through the duration */
} ast_test_event;

typedef enum ast_expect_field {
    EXP_SCORE, EXP_STAGE, EXP_EVENTS, EXP_EARLY, EXP_POINTS
} ast_expect_field;

typedef enum ast_test_item_kind { TI_EVENTS, TI_EXPECT } ast_test_item_kind;
typedef struct ast_test_item {
    struct ast_test_item *next;
    ast_test_item_kind kind;
    span kw_sp;             /* `events` / `expect` */
    span sp;                /* whole item, up to and including ';' */
    /* TI_EVENTS: `events a, b @2h;` (NULL for an empty `events;`) */
    ast_test_event *events;
    /* TI_EXPECT: `expect FIELD ...;` */
    ast_expect_field field;
    span field_sp;          /* the field's word */
    ast_ident stage;        /* EXP_STAGE: the name as written (SAY, ENGAGED, ...) */
    bool stage_is_b;        /* EXP_STAGE: the name is a behaviour, in `b` */
    ast_bref b;             /* EXP_STAGE when stage_is_b; EXP_POINTS: the note */
    ast_int value;          /* EXP_SCORE, EXP_EVENTS, EXP_EARLY, EXP_POINTS */
} ast_test_item;

typedef struct ast_test {
    struct ast_test *next;
    ast_string name;        /* its span includes the quotes */
    ast_ident *experience;  /* `for X`, NULL when absent */
    ast_test_item *items;   /* in source order */
    span kw_sp;             /* `test` */
    span lbrace, rbrace;
    span sp;                /* whole test */
} ast_test;

/* A comment, kept for `expc fmt`. */
typedef struct ast_comment {
    struct ast_comment *next;
    const char *text;       /* as written, including // or the slash-star pair */
    size_t len;
    bool block;
    span sp;
} ast_comment;

typedef struct ast_file {
    const src_file *src;
    ast_item *items;
    ast_test *tests;        /* in source order; kept apart from the items
                             * so code switching over ast_item_kind is
                             * untouched by them */
    ast_test *tests_tail;
    ast_comment *comments;  /* in source order */
    ast_comment *comments_tail;
    int syntax_errors;      /* lexical + syntax errors in this file */
} ast_file;

/* List builder used by the grammar: head and a pointer to the last `next`. */
typedef struct ast_list {
    void *head;
    void *tail;
} ast_list;

ast_list ast_list_new(void);
/* Appends `node` (whose first member is its `next` pointer). */
ast_list ast_list_append(ast_list l, void *node);

/* Constructors called by grammar actions. */
ast_ident *ast_ident_new(arena *a, const char *name, span sp);
ast_rule  *ast_rule_new(arena *a, ast_rule_kind k, ast_bref x, ast_bref y, span sp);
ast_note_item *ast_evoke_new(arena *a, ast_ident *emotions, span sp);
ast_note_item *ast_medium_new(arena *a, ast_medium m, span msp, ast_string text, span sp);
ast_note_item *ast_threshold_new(arena *a, ast_int v, span sp);
ast_bseq  *ast_bseq_new(arena *a, ast_bref b);
ast_member *ast_path_new(arena *a, ast_bseq *path, span kw, span sp);
ast_member *ast_note_new(arena *a, ast_bref b, ast_note_item *items, span kw, span sp);
ast_member *ast_event_new(arena *a, ast_ident name, ast_bref b, ast_ident *emotion,
                          ast_medium via, span via_sp, ast_ident *at, ast_int points,
                          span kw, span sp);
/* The 0.2 parts of an event: its aliases and its cap (either may be NULL). */
ast_member *ast_event_more(ast_member *m, ast_alias *aliases, span as_sp, ast_cap *cap);
ast_alias *ast_alias_new(arena *a, ast_string name);
ast_cap *ast_cap_new(arena *a, ast_int count, ast_duration per, span kw, span sp);
ast_time_rule *ast_time_rule_new(arena *a, ast_time_kind k, ast_duration d, span kw, span sp);
ast_member *ast_penalty_new(arena *a, ast_int v, span kw, span sp);
ast_item *ast_import_new(arena *a, ast_string path, span sp);
ast_item *ast_emotion_new(arena *a, ast_ident *names, ast_bref b, span sp);
ast_item *ast_industry_new(arena *a, ast_ident name, ast_rule *rules, span lb, span rb, span sp);
ast_item *ast_experience_new(arena *a, ast_ident name, ast_ident *industry,
                             ast_member *members, span lb, span rb, span sp);
/* An experience's body while it is parsed: members and time rules. */
typedef struct ast_body {
    ast_list members;
    ast_list time_rules;
} ast_body;
ast_body ast_body_new(void);
ast_body ast_body_member(ast_body b, ast_member *m);
ast_body ast_body_time(ast_body b, ast_time_rule *t);
ast_item *ast_experience_body(ast_item *it, ast_body b);
ast_test_event *ast_test_event_new(arena *a, ast_string name, bool quoted,
                                   const ast_duration *at, span sp);
ast_test_item *ast_test_events_new(arena *a, ast_test_event *events, span kw, span sp);
ast_test_item *ast_expect_new(arena *a, ast_expect_field f, span fsp, span kw, span sp);
ast_test_item *ast_expect_int(ast_test_item *t, ast_int v);
ast_test_item *ast_expect_b(ast_test_item *t, ast_bref b);
ast_test_item *ast_expect_stage(ast_test_item *t, const char *name, span sp);
ast_test *ast_test_new(arena *a, ast_string name, ast_ident *experience,
                       ast_test_item *items, span kw, span lb, span rb, span sp);
void ast_test_add(ast_file *f, ast_test *t);
void ast_comment_add(arena *a, ast_file *f, const char *text, size_t len, bool block, span sp);

/* Lex and parse one file into an AST (errors go to `d`).  Always returns a
 * file; check ->syntax_errors. */
ast_file *ast_parse(arena *a, diag_ctx *d, const src_file *src);
#endif
