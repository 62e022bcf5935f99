/* tmpl.h - templates for the text of generated code.
 *
 * The backends that write source text (the C backend, the PostgreSQL
 * extension) keep their fixed text as templates that read like the files
 * they make: "void @P@_init(@P@_state *s)" instead of a printf format with
 * a long positional argument list.  tmpl_put writes a template, replacing
 * each @NAME@ by its value; tmpl_names lists the names a template defines
 * after a prefix, so a backend can check them without a list kept by hand.
 * tmpl_c_string writes C string literals for the same files. */
#ifndef EXPC_TMPL_H
#define EXPC_TMPL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* @name@ becomes value. */
typedef struct tmpl_var {
    const char *name;
    const char *value;
} tmpl_var;

/* For a @NAME@ that is none of the vars (NAME is the n bytes at `name`):
 * writes its text and returns true, or returns false to leave it as is. */
typedef bool (*tmpl_expand_fn)(FILE *f, const char *name, size_t n, const void *ctx);

typedef struct tmpl_env {
    const tmpl_var *vars;
    size_t n_vars;
    tmpl_expand_fn expand;    /* NULL: only the vars */
    const void *ctx;          /* for expand */
} tmpl_env;

/* Writes template `t`.  A @NAME@ nobody knows, and a lone @, are written
 * as they are, so a mistake in a template shows in the output. */
void tmpl_put(FILE *f, const char *t, const tmpl_env *env);

/* For each "@VAR@_SUFFIX" in `t` (SUFFIX: the C identifier characters that
 * follow), calls found(suffix, n, ctx) until it returns true; returns
 * whether one did. */
bool tmpl_names(const char *t, const char *var,
                bool (*found)(const char *suffix, size_t n, void *ctx), void *ctx);

/* A C string literal of the n bytes at s.  Printable ASCII as is (but `?`,
 * which could start a trigraph, and `"` `\`), every other byte as a
 * three-digit octal escape, which cannot run into a following digit the
 * way \x does.  With `utf8_only`, a byte that is not part of valid UTF-8
 * becomes '?', for consumers that reject invalid text. */
void tmpl_c_string(FILE *f, const char *s, size_t n, bool utf8_only);

/* The n bytes at s as HTML/XML text, safe in an element and in a quoted
 * attribute: & < > " ' become entities, a tab a space, a newline `newline`
 * (a line break of the consumer's markup, or "&#10;"), and control
 * characters and bytes that are not UTF-8 U+FFFD.  The one escaper for
 * markup: Graphviz's HTML labels (graph.c) and the report (report.c). */
void tmpl_html(FILE *f, const char *s, size_t n, const char *newline);
#endif
