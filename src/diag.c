/* diag.c - collecting, sorting and printing diagnostics.
 *
 * The checker reports in whatever order its passes run; authors want
 * messages in file order, so diagnostics are collected and sorted by
 * (file load order, line, column, report order) before printing.  Text form
 * is `file:line:col: error[CODE]: message`, the source line, a caret line
 * (^ then ~ under the rest of the span), then notes in the same shape; the
 * JSON form is one object per line (docs/language.md); the SARIF form adds
 * each flush's results to a log the command writes once, at its end.  Warnings count
 * toward nothing but become errors under -Werror.  --max-errors N prints the first N errors
 * by position; the scanner stops once N are found (the checks, linear, run
 * to the end), and the text form then says that it stopped. */
#include "expc/diag.h"
#include "expc/rt.h" /* rt_utf8_len: the one UTF-8 decoder */

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
    dg->message = arena_vprintf(d->a, fmt, ap);
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
    n->message = arena_vprintf(d->a, fmt, ap);
    va_end(ap);
}

/* ---- suggestions -------------------------------------------------------- */

/* Optimal-string-alignment distance (Levenshtein plus transposition of two
 * neighbours, the commonest typo), giving up above `limit`. */
int diag_edit_distance(const char *s, const char *t, int limit)
{
    int ls = (int)strlen(s), lt = (int)strlen(t);
    if (abs(ls - lt) > limit)
        return limit + 1;
    if (ls > 255 || lt > 255) /* identifiers are at most 255 bytes */
        return limit + 1;
    int rows[3][257];
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (int j = 0; j <= lt; j++)
        p[j] = j;
    for (int i = 1; i <= ls; i++) {
        c[0] = i;
        int best = c[0];
        for (int j = 1; j <= lt; j++) {
            int cost = s[i - 1] != t[j - 1];
            int v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (p[j - 1] + cost < v)
                v = p[j - 1] + cost;
            if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
        int *tmp = pp;
        pp = p;
        p = c;
        c = tmp;
    }
    return p[lt];
}

/* How far a typo may go and still be suggested: one edit per three
 * characters, at least one (rustc's rule, which rarely suggests nonsense). */
int diag_suggest_limit(const char *name)
{
    int l = (int)strlen(name) / 3;
    return l < 1 ? 1 : l;
}

diag_fix *diag_add_fix(diag_ctx *d, diagnostic *dg, span sp, const char *text,
                       const char *fmt, ...)
{
    if (!dg)
        return NULL;
    dg->fixes = arena_grow(d->a, dg->fixes, dg->n_fixes, dg->n_fixes + 1, sizeof *dg->fixes);
    diag_fix *f = &dg->fixes[dg->n_fixes++];
    memset(f, 0, sizeof *f);
    va_list ap;
    va_start(ap, fmt);
    f->message = arena_vprintf(d->a, fmt, ap);
    va_end(ap);
    diag_fix_add_edit(d, f, sp, text);
    return f;
}

void diag_fix_add_edit(diag_ctx *d, diag_fix *f, span sp, const char *text)
{
    if (!f)
        return;
    f->edits = arena_grow(d->a, f->edits, f->n_edits, f->n_edits + 1, sizeof *f->edits);
    f->edits[f->n_edits].sp = sp;
    f->edits[f->n_edits].text = arena_strdup(d->a, text);
    f->n_edits++;
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
char *diag_utf8_clean(arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t len = rt_utf8_len((const unsigned char *)s + i, n - i);
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

/* The place fields of a span; none when it has no place (a bare note). */
static void json_place(diag_ctx *d, json_t *o, const span *sp)
{
    if (!sp->file)
        return;
    json_object_set_new(o, "file", json_string(diag_utf8_clean(d->a, sp->file->path)));
    json_object_set_new(o, "line", json_integer(sp->line));
    json_object_set_new(o, "column", json_integer(sp->col));
    json_object_set_new(o, "end_line", json_integer(sp->end_line));
    json_object_set_new(o, "end_column", json_integer(sp->end_col));
}

static json_t *json_span(diag_ctx *d, const span *sp, const char *sev, const char *code,
                         const char *msg)
{
    json_t *o = json_object();
    json_place(d, o, sp);
    json_object_set_new(o, "severity", json_string(sev));
    json_object_set_new(o, "code", json_string(code));
    json_object_set_new(o, "message", json_string(diag_utf8_clean(d->a, msg)));
    return o;
}

static json_t *json_fixes(diag_ctx *d, const diagnostic *dg)
{
    json_t *fixes = json_array();
    for (size_t i = 0; i < dg->n_fixes; i++) {
        const diag_fix *f = &dg->fixes[i];
        json_t *edits = json_array();
        for (size_t k = 0; k < f->n_edits; k++) {
            json_t *e = json_object();
            json_place(d, e, &f->edits[k].sp);
            json_object_set_new(e, "text", json_string(diag_utf8_clean(d->a, f->edits[k].text)));
            json_array_append_new(edits, e);
        }
        json_array_append_new(fixes, json_pack("{s:s, s:o}", "message",
                                               diag_utf8_clean(d->a, f->message), "edits", edits));
    }
    return fixes;
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
    if (dg->n_fixes)
        json_object_set_new(o, "fixes", json_fixes(d, dg));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (!s)
        xoom();
    fputs(s, d->out);
    fputc('\n', d->out);
    free(s);
    json_decref(o);
}

/* ---- SARIF -------------------------------------------------------------- */

struct diag_sarif {
    json_t *rules;   /* one per code reported, in order of first report */
    json_t *seen;    /* code -> true */
    json_t *results;
};

diag_sarif *diag_sarif_new(void)
{
    diag_sarif *s = xmalloc(sizeof *s);
    s->rules = json_array();
    s->seen = json_object();
    s->results = json_array();
    return s;
}

int diag_column_cp(const src_file *f, int line, int col)
{
    size_t len;
    const char *text = diag_line_text(f, line, &len);
    if (!text || col < 1)
        return col;
    size_t bytes = (size_t)col - 1, n = bytes < len ? bytes : len;
    int cp = 1;
    for (size_t i = 0; i < n;) {
        size_t l = rt_utf8_len((const unsigned char *)text + i, len - i);
        i += l ? l : 1; /* a stray byte counts as one, as U+FFFD would */
        cp++;
    }
    return cp + (int)(bytes - n);
}

/* A path as a URI reference: relative as it is shown, absolute as a file:
 * URI; unreserved characters and `/` stay, the rest is percent-encoded. */
char *diag_path_uri(arena *a, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, 3 * strlen(path) + 8), *o = out;
    if (path[0] == '/')
        o += sprintf(o, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = 0;
    return out;
}

static json_t *sarif_text(diag_ctx *d, const char *msg)
{
    return json_pack("{s:s}", "text", diag_utf8_clean(d->a, msg));
}

static json_t *sarif_region(const span *sp)
{
    return json_pack("{s:i, s:i, s:i, s:i}", "startLine", sp->line, "startColumn",
                     diag_column_cp(sp->file, sp->line, sp->col), "endLine", sp->end_line,
                     "endColumn", diag_column_cp(sp->file, sp->end_line, sp->end_col));
}

static json_t *sarif_artifact(diag_ctx *d, const span *sp)
{
    return json_pack("{s:s}", "uri", diag_path_uri(d->a, sp->file->path));
}

/* A location: message (notes), and a physical place when there is one. */
static json_t *sarif_location(diag_ctx *d, const span *sp, const char *msg)
{
    json_t *loc = json_object();
    if (sp->file)
        json_object_set_new(loc, "physicalLocation",
                            json_pack("{s:o, s:o}", "artifactLocation", sarif_artifact(d, sp),
                                      "region", sarif_region(sp)));
    if (msg)
        json_object_set_new(loc, "message", sarif_text(d, msg));
    return loc;
}

/* One artifactChange per edit: the edits of expc's fixes never share a
 * replacement list, which keeps them independent of one another. */
static json_t *sarif_fix(diag_ctx *d, const diag_fix *f)
{
    json_t *changes = json_array();
    for (size_t k = 0; k < f->n_edits; k++) {
        const diag_edit *e = &f->edits[k];
        if (!e->sp.file)
            continue;
        json_t *rep = json_pack("{s:o, s:{s:s}}", "deletedRegion", sarif_region(&e->sp),
                                "insertedContent", "text", diag_utf8_clean(d->a, e->text));
        json_array_append_new(changes, json_pack("{s:o, s:[o]}", "artifactLocation",
                                                 sarif_artifact(d, &e->sp), "replacements",
                                                 rep));
    }
    return json_pack("{s:o, s:o}", "description", sarif_text(d, f->message), "artifactChanges",
                     changes);
}

static void sarif_rule(diag_sarif *s, const diagnostic *dg)
{
    if (json_object_get(s->seen, dg->code_name))
        return;
    json_object_set_new(s->seen, dg->code_name, json_true());
    json_t *r = json_pack("{s:s}", "id", dg->code_name);
    if (dg->code)
        json_object_set_new(r, "shortDescription", json_pack("{s:s}", "text", dg->code->summary));
    json_array_append_new(s->rules, r);
}

static void add_sarif(diag_ctx *d, const diagnostic *dg)
{
    diag_sarif *s = d->sarif;
    if (!s)
        return;
    sarif_rule(s, dg);
    json_t *r = json_pack("{s:s, s:s, s:o}", "ruleId", dg->code_name, "level",
                          dg->severity == DIAG_ERROR ? "error" : "warning", "message",
                          sarif_text(d, dg->message));
    if (dg->sp.file)
        json_object_set_new(r, "locations", json_pack("[o]", sarif_location(d, &dg->sp, NULL)));
    if (dg->n_notes) {
        json_t *rel = json_array();
        for (size_t i = 0; i < dg->n_notes; i++)
            json_array_append_new(rel, sarif_location(d, &dg->notes[i].sp, dg->notes[i].message));
        json_object_set_new(r, "relatedLocations", rel);
    }
    if (dg->n_fixes) {
        json_t *fixes = json_array();
        for (size_t i = 0; i < dg->n_fixes; i++)
            json_array_append_new(fixes, sarif_fix(d, &dg->fixes[i]));
        json_object_set_new(r, "fixes", fixes);
    }
    json_array_append_new(s->results, r);
}

int diag_sarif_write(diag_sarif *s, FILE *out, const char *version)
{
    json_t *log = json_pack(
        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:s, s:o}]}", "version", "2.1.0",
        "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "runs", "tool", "driver",
        "name", "expc", "version", version,
        "rules", s->rules, "columnKind", "unicodeCodePoints", "results", s->results);
    json_decref(s->seen);
    free(s);
    if (!log)
        xoom();
    int rc = json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(log);
    fputc('\n', out);
    return rc == 0 && fflush(out) == 0 ? 0 : -1;
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
        if (d->format == DIAG_SARIF)
            add_sarif(d, d->list[i]);
        else if (d->format == DIAG_JSON)
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
