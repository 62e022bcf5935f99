/* tmpl.c - templates and C string literals for generated code (tmpl.h).
 * One writer for every backend that writes source text, so placeholders
 * mean the same everywhere and the fixed text stays readable. */
#include "expc/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/rt.h" /* rt_utf8_len: the one UTF-8 decoder */

static bool is_ident_char(char c)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Whether the n bytes at s are a placeholder's name (an identifier); any
 * other text between two @ is written as it is. */
static bool is_name(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_ident_char(s[i]))
            return false;
    return true;
}

/* Writes the value of @NAME@ (the n bytes at name); false when unknown. */
static bool put_var(FILE *f, const char *name, size_t n, const tmpl_env *env)
{
    for (size_t i = 0; i < env->n_vars; i++) {
        const char *v = env->vars[i].name;
        if (strlen(v) == n && memcmp(v, name, n) == 0) {
            fputs(env->vars[i].value, f);
            return true;
        }
    }
    return env->expand && env->expand(f, name, n, env->ctx);
}

void tmpl_put(FILE *f, const char *t, const tmpl_env *env)
{
    while (*t) {
        const char *at = strchr(t, '@');
        if (!at) {
            fputs(t, f);
            return;
        }
        fwrite(t, 1, (size_t)(at - t), f);
        const char *end = strchr(at + 1, '@');
        if (!end) { /* a template bug: keep the text visible */
            fputs(at, f);
            return;
        }
        size_t n = (size_t)(end - at - 1);
        if (!put_var(f, at + 1, n, env)) {
            if (is_name(at + 1, n)) {
                /* Templates are compiled-in text: an @NAME@ nobody fills
                 * in is a bug of expc, never output to keep. */
                fprintf(stderr, "expc: internal error: template placeholder @%.*s@ has no value\n",
                        (int)n, at + 1);
                abort();
            }
            fwrite(at, 1, n + 2, f);
        }
        t = end + 1;
    }
}

bool tmpl_names(const char *t, const char *var,
                bool (*found)(const char *suffix, size_t n, void *ctx), void *ctx)
{
    size_t lv = strlen(var);
    for (const char *at = strchr(t, '@'); at; at = strchr(at + 1, '@')) {
        if (strncmp(at + 1, var, lv) != 0 || at[1 + lv] != '@' || at[2 + lv] != '_')
            continue;
        const char *s = at + lv + 3, *e = s;
        while (is_ident_char(*e))
            e++;
        if (e > s && found(s, (size_t)(e - s), ctx))
            return true;
    }
    return false;
}

void tmpl_c_string(FILE *f, const char *text, size_t n, bool utf8_only)
{
    const unsigned char *s = (const unsigned char *)text;
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        size_t len = 1;
        if (c == '"' || c == '\\' || c == '?') {
            fprintf(f, "\\%c", (int)c);
            continue;
        }
        if (c >= 0x20 && c < 0x7F) {
            putc((int)c, f);
            continue;
        }
        if (utf8_only && c >= 0x80 && (len = rt_utf8_len(s + i, n - i)) == 0) {
            putc('?', f);
            continue;
        }
        for (size_t k = 0; k < len; k++)
            fprintf(f, "\\%03o", s[i + k]);
        i += len - 1;
    }
    putc('"', f);
}

void tmpl_html(FILE *f, const char *s, size_t n, const char *newline)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        const char *ent = NULL;
        switch (c) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        case '\n': ent = newline; break;
        case '\t': ent = " "; break;
        default: break;
        }
        if (ent) {
            fputs(ent, f);
            i++;
            continue;
        }
        /* Control characters and bytes that are not UTF-8: U+FFFD (XML
         * parsers, Graphviz's among them, reject them). */
        size_t len = c < 0x20 || c == 0x7F ? 0 : rt_utf8_len(p + i, n - i);
        if (len == 0) {
            fputs("&#xFFFD;", f);
            i++;
            continue;
        }
        fwrite(p + i, 1, len, f);
        i += len;
    }
}
