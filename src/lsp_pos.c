/* lsp_pos.c - positions and URIs for the language server.
 *
 * The compiler counts lines from 1 and columns from 1 in bytes; LSP counts
 * both from 0 and columns in UTF-16 code units (its default encoding, the
 * one every client supports).  So a character outside the Basic
 * Multilingual Plane (4 bytes of UTF-8) is two units, any other valid
 * character one, and a byte that starts no valid sequence one (an editor
 * shows it as U+FFFD).  Lines end at '\n' as the compiler's do; a '\r'
 * before it belongs to the line, as in the compiler. */
#include "expc/lsp.h"

#include <stdlib.h>
#include <string.h>

#include "expc/rt.h" /* rt_utf8_len: the one UTF-8 decoder */

/* One character at s[0..n): its bytes and its UTF-16 units. */
static size_t char_at(const char *s, size_t n, size_t *units)
{
    size_t l = rt_utf8_len((const unsigned char *)s, n);
    *units = l == 4 ? 2 : 1;
    return l ? l : 1;
}

size_t lsp_utf16_units(const char *s, size_t n)
{
    size_t units = 0;
    for (size_t i = 0; i < n;) {
        size_t u;
        i += char_at(s + i, n - i, &u);
        units += u;
    }
    return units;
}

size_t lsp_utf16_bytes(const char *s, size_t n, size_t units)
{
    size_t i = 0, done = 0;
    while (i < n && done < units) {
        size_t u;
        i += char_at(s + i, n - i, &u);
        done += u;
    }
    return i;
}

json_t *lsp_position(const src_file *f, int line, int col)
{
    size_t len = 0;
    const char *text = f ? diag_line_text(f, line, &len) : NULL;
    size_t bytes = col > 1 ? (size_t)col - 1 : 0;
    size_t n = text ? (bytes < len ? bytes : len) : 0;
    /* Past the line's end (a span ending on its newline) each byte is one. */
    size_t units = lsp_utf16_units(text, n) + (bytes - n);
    return json_pack("{s:i,s:I}", "line", line > 0 ? line - 1 : 0, "character",
                     (json_int_t)units);
}

json_t *lsp_range(const span *sp)
{
    if (!sp->file)
        return json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0, "character", 0,
                         "end", "line", 0, "character", 0);
    return json_pack("{s:o,s:o}", "start", lsp_position(sp->file, sp->line, sp->col), "end",
                     lsp_position(sp->file, sp->end_line, sp->end_col));
}

/* {line, character} as two non-negative numbers. */
static bool read_pos(const json_t *pos, json_int_t *line, json_int_t *ch)
{
    json_t *l = json_object_get(pos, "line"), *c = json_object_get(pos, "character");
    if (!json_is_integer(l) || !json_is_integer(c))
        return false;
    *line = json_integer_value(l);
    *ch = json_integer_value(c);
    return *line >= 0 && *ch >= 0;
}

/* The start of 0-based line `line` (or the end of the text). */
static size_t line_start(const char *text, size_t len, json_int_t line, bool *past)
{
    size_t off = 0;
    *past = false;
    for (json_int_t l = 0; l < line; l++) {
        const char *nl = memchr(text + off, '\n', len - off);
        if (!nl) {
            *past = true;
            return len;
        }
        off = (size_t)(nl - text) + 1;
    }
    return off;
}

bool lsp_offset(const char *text, size_t len, const json_t *pos, size_t *off)
{
    json_int_t line, ch;
    bool past;
    if (!read_pos(pos, &line, &ch))
        return false;
    size_t start = line_start(text, len, line, &past);
    if (past) {
        *off = len;
        return true;
    }
    const char *nl = memchr(text + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - text) : len;
    *off = start + lsp_utf16_bytes(text + start, end - start, (size_t)ch);
    return true;
}

bool lsp_line_col(const char *text, size_t len, const json_t *pos, int *line, int *col)
{
    size_t off;
    if (!lsp_offset(text, len, pos, &off))
        return false;
    int l = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = (int)(off - start) + 1;
    return true;
}

char *lsp_uri_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (*p != '/') { /* file://host/...: only the local host */
        if (strncmp(p, "localhost/", 10) != 0)
            return NULL;
        p += 9;
    }
    char *out = xmalloc(strlen(p) + 1);
    size_t o = 0;
    for (; *p; p++) {
        if (*p == '%') {
            int h = rt_hex((unsigned char)p[1]), l = h < 0 ? -1 : rt_hex((unsigned char)p[2]);
            if (l < 0 || (h == 0 && l == 0)) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(h * 16 + l);
            p += 2;
        } else if (*p == '?' || *p == '#') {
            break;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = 0;
    return out;
}
