/* diag.c - collecting, sorting and printing diagnostics.
 *
 * The checker reports in whatever order its passes run; authors want
 * messages in file order, so diagnostics are collected and sorted by
 * (file load order, line, column, report order) before printing.  Text form
 * is `file:line:col: error[CODE]: message`, the source line, a caret line
 * (^ then ~ under the rest of the span), then notes in the same shape; the
 * JSON form is one object per line (docs/language.md).  Warnings count
 * toward nothing but become errors under -Werror.  --max-errors N prints the first N errors
 * by position; the scanner stops once N are found (the checks, linear, run
 * to the end), and the text form then says that it stopped. */
#include "expc/diag.h"
#include "expc/utf8.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void src_index(arena *a, src_file *f)
{
    size_t n = 1;
    for (const char *p = f->text; (p = memchr(p, '\n', (size_t)(f->text + f->len - p))); p++)
        n++;
    size_t *ls = arena_alloc(a, n * sizeof *ls);
    size_t k = 0;
    ls[k++] = 0;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n')
            ls[k++] = i + 1;
    f->line_starts = ls;
    f->n_lines = n;
}

const char *diag_line_text(const src_file *f, int line, size_t *len)
{
    *len = 0;
    if (!f || !f->text || line < 1)
        return NULL;
    const char *start;
    if (f->line_starts) {
        if ((size_t)line > f->n_lines)
            return NULL;
        start = f->text + f->line_starts[line - 1];
    } else {
        start = f->text;
        for (int l = 1; l < line; l++) {
            start = memchr(start, '\n', (size_t)(f->text + f->len - start));
            if (!start)
                return NULL;
            start++;
        }
    }
    const char *end = memchr(start, '\n', (size_t)(f->text + f->len - start));
    if (!end)
        end = f->text + f->len;
    if (end > start && end[-1] == '\r')
        end--;
    *len = (size_t)(end - start);
    return start;
}

const diag_code *diag_lookup(const char *code)
{
    for (size_t i = 0; i < diag_code_count; i++)
        if (strcmp(diag_codes[i].code, code) == 0)
            return &diag_codes[i];
    return NULL;
}

span span_join(span a, span b)
{
    span s = a;
    s.end_line = b.end_line;
    s.end_col = b.end_col;
    return s;
}

void diag_init(diag_ctx *d, arena *a)
{
    memset(d, 0, sizeof *d);
    d->a = a;
    d->max_errors = 20;
    d->out = stderr;
}

bool diag_full(const diag_ctx *d)
{
    return d->max_errors > 0 && d->errors >= d->max_errors;
}

static char *vformat(arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

diagnostic *diag_report(diag_ctx *d, const char *code, span sp, const char *fmt, ...)
{
    const diag_code *c = diag_lookup(code);
    diag_severity sev = c ? c->severity : DIAG_ERROR;
    if (sev == DIAG_WARNING && d->werror)
        sev = DIAG_ERROR;
    if (sev == DIAG_ERROR) {
        d->errors++;
    } else {
        d->warnings++;
        if (d->hide_warnings)
            return NULL;
    }
    diagnostic *dg = arena_alloc(d->a, sizeof *dg);
    dg->code = c;
    dg->code_name = code;
    dg->severity = sev;
    dg->sp = sp;
    va_list ap;
    va_start(ap, fmt);
    dg->message = vformat(d->a, fmt, ap);
    va_end(ap);
    dg->seq = d->seq++;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        d->list = arena_grow(d->a, d->list, d->n, cap, sizeof *d->list);
        d->cap = cap;
    }
    d->list[d->n++] = dg;
    return dg;
}

void diag_add_note(diag_ctx *d, diagnostic *dg, span sp, const char *fmt, ...)
{
    if (!dg)
        return;
    dg->notes = arena_grow(d->a, dg->notes, dg->n_notes, dg->n_notes + 1, sizeof *dg->notes);
    diag_note_t *n = &dg->notes[dg->n_notes++];
    n->sp = sp;
    va_list ap;
    va_start(ap, fmt);
    n->message = vformat(d->a, fmt, ap);
    va_end(ap);
}

static int cmp_diag(const void *x, const void *y)
{
    const diagnostic *a = *(diagnostic *const *)x, *b = *(diagnostic *const *)y;
    int fa = a->sp.file ? a->sp.file->id : -1, fb = b->sp.file ? b->sp.file->id : -1;
    if (fa != fb)
        return fa < fb ? -1 : 1;
    if (a->sp.line != b->sp.line)
        return a->sp.line < b->sp.line ? -1 : 1;
    if (a->sp.col != b->sp.col)
        return a->sp.col < b->sp.col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- text --------------------------------------------------------------- */

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAG "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

/* The source line and a caret line under the span.  A very long line (a
 * generated or hostile file) is shown as a window around the span, with
 * "..." where it was cut, so one diagnostic prints a bounded amount. */
#define SNIPPET_MAX 1024
#define SNIPPET_BEFORE 256

static void print_snippet(diag_ctx *d, span sp)
{
    size_t len;
    const char *line = diag_line_text(sp.file, sp.line, &len);
    if (!line)
        return;
    FILE *o = d->out;
    size_t from = sp.col > 0 ? (size_t)sp.col - 1 : 0;
    if (from > len)
        from = len;
    size_t to = sp.end_line == sp.line && sp.end_col > sp.col ? (size_t)sp.end_col - 1 : from + 1;
    if (sp.end_line > sp.line)
        to = len > from ? len : from + 1;
    size_t w0 = 0, w1 = len;
    if (len > SNIPPET_MAX) {
        w0 = from > SNIPPET_BEFORE ? from - SNIPPET_BEFORE : 0;
        w1 = w0 + SNIPPET_MAX < len ? w0 + SNIPPET_MAX : len;
        /* Do not cut a UTF-8 sequence in two. */
        while (w0 > 0 && ((unsigned char)line[w0] & 0xC0) == 0x80)
            w0--;
        while (w1 < len && ((unsigned char)line[w1] & 0xC0) == 0x80)
            w1++;
    }
    const char *pre = w0 > 0 ? "..." : "";
    fputs(pre, o);
    fwrite(line + w0, 1, w1 - w0, o);
    fputs(w1 < len ? "...\n" : "\n", o);
    /* Caret line: keep tabs so the caret sits under the same column. */
    if (to > w1)
        to = w1 > from ? w1 : from + 1;
    fputs(pre, o);
    for (size_t i = w0; i < from; i++)
        fputc(line[i] == '\t' ? '\t' : ' ', o);
    if (d->color)
        fputs(C_GREEN, o);
    fputc('^', o);
    for (size_t i = from + 1; i < to; i++)
        fputc('~', o);
    if (d->color)
        fputs(C_OFF, o);
    fputc('\n', o);
}

static void print_head(diag_ctx *d, span sp, const char *sev, const char *color,
                       const char *code, const char *msg)
{
    FILE *o = d->out;
    if (d->color)
        fputs(C_BOLD, o);
    if (sp.file)
        fprintf(o, "%s:%d:%d: ", sp.file->path, sp.line, sp.col);
    if (d->color)
        fprintf(o, "%s", color);
    fputs(sev, o);
    if (code)
        fprintf(o, "[%s]", code);
    if (d->color)
        fputs(C_OFF C_BOLD, o);
    fprintf(o, ": %s", msg);
    if (d->color)
        fputs(C_OFF, o);
    fputc('\n', o);
}

static void print_text(diag_ctx *d, const diagnostic *dg)
{
    bool err = dg->severity == DIAG_ERROR;
    print_head(d, dg->sp, err ? "error" : "warning", err ? C_RED : C_MAG, dg->code_name,
               dg->message);
    print_snippet(d, dg->sp);
    for (size_t i = 0; i < dg->n_notes; i++) {
        print_head(d, dg->notes[i].sp, "note", C_CYAN, NULL, dg->notes[i].message);
        print_snippet(d, dg->notes[i].sp);
    }
}

/* ---- JSON --------------------------------------------------------------- */

/* JSON strings must be UTF-8, but a file name or a quoted source text may
 * not be: each byte that does not start a valid sequence becomes U+FFFD. */
static char *utf8_clean(arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        bool ok = len > 0;
        if (ok) {
            memcpy(out + o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    out[o] = 0;
    return out;
}

static json_t *json_span(diag_ctx *d, const span *sp, const char *sev, const char *code,
                         const char *msg)
{
    return json_pack("{s:s, s:i, s:i, s:i, s:i, s:s, s:s, s:s}",
                     "file", utf8_clean(d->a, sp->file ? sp->file->path : ""),
                     "line", sp->line, "column", sp->col,
                     "end_line", sp->end_line, "end_column", sp->end_col,
                     "severity", sev, "code", code, "message", utf8_clean(d->a, msg));
}

static void print_json(diag_ctx *d, const diagnostic *dg)
{
    const char *sev = dg->severity == DIAG_ERROR ? "error" : "warning";
    json_t *o = json_span(d, &dg->sp, sev, dg->code_name, dg->message);
    json_t *notes = json_array();
    for (size_t i = 0; i < dg->n_notes; i++)
        json_array_append_new(notes, json_span(d, &dg->notes[i].sp, "note", dg->code_name,
                                               dg->notes[i].message));
    json_object_set_new(o, "notes", notes);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (!s)
        xoom();
    fputs(s, d->out);
    fputc('\n', d->out);
    free(s);
    json_decref(o);
}

void diag_flush(diag_ctx *d)
{
    if (d->n)
        qsort(d->list, d->n, sizeof *d->list, cmp_diag);
    /* stderr is unbuffered: give it a buffer while we print, so a
     * diagnostic costs a few writes, not one per character. */
    FILE *out = d->out;
    static char buf[1 << 16];
    if (out == stderr)
        setvbuf(stderr, buf, _IOFBF, sizeof buf);
    int shown = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->list[i]->severity == DIAG_ERROR) {
            if (d->max_errors > 0 && shown >= d->max_errors) {
                d->stopped = true;
                continue;
            }
            shown++;
        }
        if (d->format == DIAG_JSON)
            print_json(d, d->list[i]);
        else
            print_text(d, d->list[i]);
    }
    if (d->stopped && !d->told_stopped && d->format == DIAG_TEXT) {
        fprintf(d->out, "expc: too many errors; stopped after %d (--max-errors)\n",
                d->max_errors);
        d->told_stopped = true;
    }
    d->n = 0;
    fflush(d->out);
    if (out == stderr)
        setvbuf(stderr, NULL, _IONBF, 0);
}
