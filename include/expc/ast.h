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
} ast_member;

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
} ast_item;

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
ast_member *ast_penalty_new(arena *a, ast_int v, span kw, span sp);
ast_item *ast_import_new(arena *a, ast_string path, span sp);
ast_item *ast_emotion_new(arena *a, ast_ident *names, ast_bref b, span sp);
ast_item *ast_industry_new(arena *a, ast_ident name, ast_rule *rules, span lb, span rb, span sp);
ast_item *ast_experience_new(arena *a, ast_ident name, ast_ident *industry,
                             ast_member *members, span lb, span rb, span sp);
void ast_comment_add(arena *a, ast_file *f, const char *text, size_t len, bool block, span sp);

/* Lex and parse one file into an AST (errors go to `d`).  Always returns a
 * file; check ->syntax_errors. */
ast_file *ast_parse(arena *a, diag_ctx *d, const src_file *src);
#endif
