/* lsp.c - `expc lsp`: the language server's messages, buffers and
 * diagnostics (docs/editors.md; the command in docs/language.md §9).
 *
 * One thread, one message at a time: a change is analysed before the next
 * message is read, so every answer is about the text the client last sent
 * (a 2,000-line script takes a few milliseconds: `make bench`).  An
 * analysis is the compiler's own front end (load_program, then sema_check
 * when every file parsed) with the open buffers laid over the disk, kept
 * until the buffer changes; hover, definition, symbols and completion read
 * its trees (lsp_lang.c), formatting is fmt_format on its root, code actions
 * are the fixes its diagnostics carry.
 *
 * Robustness: nothing a client sends can stop the server but `exit`.  A
 * frame without Content-Length or a body that is not JSON gets a -32700
 * error, a message that is not a request -32600, an unknown method -32601,
 * bad params -32602, a request before `initialize` -32002; the server then
 * reads the next message. */
#include "expc/lsp.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "expc/exitcode.h"
#include "expc/sema.h"
#include "expc/tools.h"

/* JSON-RPC and LSP error codes. */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_NOT_INITIALIZED = -32002,
};

#define MAX_MESSAGE (64u << 20) /* a larger body is refused (and skipped) */
#define MAX_HEADER 1024         /* a header line is cut there */

/* One open buffer. */
typedef struct lsp_doc {
    struct lsp_doc *next;
    char *uri;
    char *path;                 /* what the loader opens: the file, or the URI */
    char *key;                  /* its real path when on disk, else `path` */
    char *text;
    size_t len;
    lsp_analysis *an;           /* the last analysis of `text` */
} lsp_doc;

struct lsp_server {
    load_opts lo;
    FILE *out;
    lsp_doc *docs;
    bool initialized, shut_down, exited;
};

/* ---- output --------------------------------------------------------------- */

/* Sends one message (and frees it). */
static void send(lsp_server *s, json_t *msg)
{
    char *body = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!body)
        return;
    fprintf(s->out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    fflush(s->out);
    free(body);
}

static void reply(lsp_server *s, json_t *id, json_t *result)
{
    send(s, json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "result",
                      result ? result : json_null()));
}

static void reply_error(lsp_server *s, json_t *id, int code, const char *message)
{
    send(s, json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(),
                      "error", "code", code, "message", message));
}

static void notify(lsp_server *s, const char *method, json_t *params)
{
    send(s, json_pack("{s:s,s:s,s:o}", "jsonrpc", "2.0", "method", method, "params", params));
}

/* ---- buffers -------------------------------------------------------------- */

static char *real_or(const char *path)
{
    char real[PATH_MAX];
    return strdup(realpath(path, real) ? real : path);
}

/* load_opts.overlay: the open buffer the loader is about to read, if any. */
static const char *overlay(void *ctx, const char *path, size_t *len)
{
    lsp_server *s = ctx;
    char *key = NULL;
    for (lsp_doc *d = s->docs; d; d = d->next) {
        if (strcmp(d->path, path) != 0) {
            if (!key && !(key = real_or(path)))
                xoom();
            if (strcmp(d->key, key) != 0)
                continue;
        }
        free(key);
        *len = d->len;
        return d->text;
    }
    free(key);
    return NULL;
}

static lsp_doc *find_doc(lsp_server *s, const char *uri)
{
    for (lsp_doc *d = s->docs; d; d = d->next)
        if (!strcmp(d->uri, uri))
            return d;
    return NULL;
}

static void free_analysis(lsp_analysis *an)
{
    if (!an)
        return;
    arena_free(an->a);
    free(an);
}

static void free_doc(lsp_doc *d)
{
    free_analysis(d->an);
    free(d->uri);
    free(d->path);
    free(d->key);
    free(d->text);
    free(d);
}

/* ---- analysis and diagnostics ------------------------------------------- */

const char *lsp_file_uri(const lsp_analysis *an, const src_file *f)
{
    if (!f || f->id == 0)
        return an->uri;
    const char *p = f->real && f->real[0] == '/' ? f->real : f->path;
    return diag_path_uri(an->a, p);
}

/* The compiler's front end on the buffer, as `expc check` runs it. */
static lsp_analysis *analyse(lsp_server *s, lsp_doc *doc)
{
    lsp_analysis *an = xmalloc(sizeof *an);
    an->a = arena_new();
    diag_init(&an->d, an->a);
    an->d.max_errors = 0; /* the editor shows them all */
    an->uri = arena_strdup(an->a, doc->uri);
    an->prog = load_program(an->a, &an->d, &s->lo, doc->path);
    if (an->prog && an->prog->syntax_errors == 0 && an->d.errors == 0)
        sema_check(an->a, &an->d, an->prog);
    return an;
}

/* Where a diagnostic shows in the root buffer: its own place, or, for one
 * in an imported file, the import that brings that file in (else line 1). */
static span shown_at(const lsp_analysis *an, const diagnostic *dg)
{
    if (dg->sp.file && dg->sp.file->id == 0)
        return dg->sp;
    const ast_file *root = an->prog->files[0];
    span first = { root->src, 1, 1, 1, 1 };
    bool have = false;
    for (const ast_item *it = root->items; it; it = it->next) {
        if (it->kind != ITEM_IMPORT)
            continue;
        if (dg->sp.file && it->import_file == dg->sp.file->id)
            return it->import.sp;
        if (!have)
            first = it->import.sp;
        have = true;
    }
    return first;
}

static json_t *related(const lsp_analysis *an, const span *sp, const char *message)
{
    return json_pack("{s:{s:s,s:o},s:s}", "location", "uri", lsp_file_uri(an, sp->file),
                     "range", lsp_range(sp), "message", diag_utf8_clean(an->a, message));
}

static json_t *to_lsp_diag(const lsp_analysis *an, const diagnostic *dg)
{
    arena *a = an->a;
    span at = shown_at(an, dg);
    char *msg = diag_utf8_clean(a, dg->message);
    json_t *rel = json_array();
    if (at.file != dg->sp.file) {
        if (dg->sp.file)
            json_array_append_new(rel, related(an, &dg->sp, dg->message));
        msg = arena_printf(a, "in %s: %s",
                           dg->sp.file ? diag_utf8_clean(a, dg->sp.file->path) : "an import",
                           msg);
    }
    for (size_t i = 0; i < dg->n_notes; i++) {
        const diag_note_t *n = &dg->notes[i];
        if (n->sp.file)
            json_array_append_new(rel, related(an, &n->sp, n->message));
        else /* a note with no place: part of the message */
            msg = arena_printf(a, "%s\nnote: %s", msg, diag_utf8_clean(a, n->message));
    }
    json_t *o = json_pack("{s:o,s:i,s:s,s:s,s:s}", "range", lsp_range(&at), "severity",
                          dg->severity == DIAG_ERROR ? 1 : 2, "code", dg->code_name, "source",
                          "expc", "message", msg);
    if (json_array_size(rel))
        json_object_set_new(o, "relatedInformation", rel);
    else
        json_decref(rel);
    return o;
}

static void publish(lsp_server *s, lsp_doc *d)
{
    json_t *list = json_array();
    const lsp_analysis *an = d->an;
    for (size_t i = 0; an && an->prog && i < an->d.n; i++)
        json_array_append_new(list, to_lsp_diag(an, an->d.list[i]));
    notify(s, "textDocument/publishDiagnostics",
           json_pack("{s:s,s:o}", "uri", d->uri, "diagnostics", list));
}

static bool reads_file(const lsp_analysis *an, const char *key)
{
    for (size_t i = 0; an && an->prog && i < an->prog->n_files; i++)
        if (!strcmp(an->prog->files[i]->src->real, key))
            return true;
    return false;
}

/* `changed` is new (or gone: NULL after a close of `key`): analyse it and
 * every open buffer that imports it, and publish their diagnostics. */
static void refresh(lsp_server *s, lsp_doc *changed, const char *key)
{
    for (lsp_doc *d = s->docs; d; d = d->next) {
        if (d != changed && !reads_file(d->an, key))
            continue;
        free_analysis(d->an);
        d->an = analyse(s, d);
        publish(s, d);
    }
}

/* ---- params --------------------------------------------------------------- */

static const char *doc_uri(json_t *params)
{
    return json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
}

/* The open buffer a request is about, with its analysis; NULL when the
 * params name none (-32602 sent) or the buffer is not open (null result:
 * nothing is known about it). */
static lsp_doc *request_doc(lsp_server *s, json_t *id, json_t *params, bool *answered)
{
    const char *uri = doc_uri(params);
    *answered = true;
    if (!uri) {
        reply_error(s, id, RPC_INVALID_PARAMS, "params.textDocument.uri: a string is needed");
        return NULL;
    }
    lsp_doc *d = find_doc(s, uri);
    if (!d || !d->an || !d->an->prog) {
        reply(s, id, NULL);
        return NULL;
    }
    *answered = false;
    return d;
}

/* ---- text synchronisation ------------------------------------------------- */

static void did_open(lsp_server *s, json_t *params)
{
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(td, "uri"));
    json_t *text = json_object_get(td, "text");
    if (!uri || !json_is_string(text))
        return;
    lsp_doc *d = find_doc(s, uri);
    if (!d) {
        d = xmalloc(sizeof *d);
        memset(d, 0, sizeof *d);
        d->uri = strdup(uri);
        d->path = lsp_uri_path(uri);
        if (!d->path)
            d->path = strdup(uri); /* untitled:... - a name, not on disk */
        d->key = real_or(d->path);
        if (!d->uri || !d->key)
            xoom();
        d->next = s->docs;
        s->docs = d;
    }
    free(d->text);
    d->len = json_string_length(text);
    d->text = xmalloc(d->len + 1);
    memcpy(d->text, json_string_value(text), d->len + 1);
    refresh(s, d, d->key);
}

/* Applies one entry of contentChanges: a range and its new text, or
 * (no range) the whole text. */
static bool apply_change(lsp_doc *d, json_t *ch)
{
    json_t *text = json_object_get(ch, "text"), *range = json_object_get(ch, "range");
    if (!json_is_string(text))
        return false;
    size_t start = 0, end = d->len, n = json_string_length(text);
    if (range && (!lsp_offset(d->text, d->len, json_object_get(range, "start"), &start) ||
                  !lsp_offset(d->text, d->len, json_object_get(range, "end"), &end)))
        return false;
    if (end < start)
        return false;
    char *t = xmalloc(d->len - (end - start) + n + 1);
    memcpy(t, d->text, start);
    memcpy(t + start, json_string_value(text), n);
    memcpy(t + start + n, d->text + end, d->len - end);
    d->len = d->len - (end - start) + n;
    t[d->len] = 0;
    free(d->text);
    d->text = t;
    return true;
}

static void did_change(lsp_server *s, json_t *params)
{
    const char *uri = doc_uri(params);
    lsp_doc *d = uri ? find_doc(s, uri) : NULL;
    json_t *changes = json_object_get(params, "contentChanges");
    if (!d || !json_is_array(changes))
        return;
    size_t i;
    json_t *ch;
    json_array_foreach(changes, i, ch)
        if (!apply_change(d, ch))
            break; /* a change we cannot place: keep what we have */
    refresh(s, d, d->key);
}

static void did_close(lsp_server *s, json_t *params)
{
    const char *uri = doc_uri(params);
    for (lsp_doc **p = &s->docs; uri && *p; p = &(*p)->next) {
        lsp_doc *d = *p;
        if (strcmp(d->uri, uri))
            continue;
        *p = d->next;
        /* Its diagnostics go with it; importers now read the disk. */
        notify(s, "textDocument/publishDiagnostics",
               json_pack("{s:s,s:[]}", "uri", d->uri, "diagnostics"));
        refresh(s, NULL, d->key);
        free_doc(d);
        return;
    }
}

/* ---- formatting and code actions ---------------------------------------- */

/* The LSP position just past the end of `text`. */
static json_t *end_position(const char *text, size_t len)
{
    size_t line = 0, start = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            line++;
            start = i + 1;
        }
    return json_pack("{s:I,s:I}", "line", (json_int_t)line, "character",
                     (json_int_t)lsp_utf16_units(text + start, len - start));
}

/* `fmt` on the buffer: one edit replacing the whole text, none when it is
 * formatted already, null when it has syntax errors (never rewrite what
 * could not be read). */
static json_t *formatting(const lsp_doc *d)
{
    const ast_file *f = d->an->prog->files[0];
    if (f->syntax_errors)
        return NULL;
    char *out = fmt_format(d->an->a, f);
    if (strlen(out) == d->len && !memcmp(out, d->text, d->len))
        return json_array();
    return json_pack("[{s:{s:{s:i,s:i},s:o},s:s}]", "range", "start", "line", 0, "character", 0,
                     "end", end_position(d->text, d->len), "newText", out);
}

static bool overlaps(const span *sp, int l1, int c1, int l2, int c2)
{
    bool before = sp->end_line < l1 || (sp->end_line == l1 && sp->end_col < c1);
    bool after = sp->line > l2 || (sp->line == l2 && sp->col > c2);
    return !before && !after;
}

static json_t *fix_action(const lsp_analysis *an, const diagnostic *dg, const diag_fix *fx)
{
    json_t *changes = json_object();
    for (size_t k = 0; k < fx->n_edits; k++) {
        const diag_edit *e = &fx->edits[k];
        const char *uri = lsp_file_uri(an, e->sp.file);
        json_t *list = json_object_get(changes, uri);
        if (!list) {
            list = json_array();
            json_object_set_new(changes, uri, list);
        }
        json_array_append_new(list, json_pack("{s:o,s:s}", "range", lsp_range(&e->sp),
                                              "newText", diag_utf8_clean(an->a, e->text)));
    }
    return json_pack("{s:s,s:s,s:[o],s:b,s:{s:o}}", "title", diag_utf8_clean(an->a, fx->message),
                     "kind", "quickfix", "diagnostics", to_lsp_diag(an, dg), "isPreferred",
                     dg->n_fixes == 1, "edit", "changes", changes);
}

/* The fixes of the diagnostics shown in `range`. */
static json_t *code_actions(const lsp_doc *d, json_t *range)
{
    const lsp_analysis *an = d->an;
    int l1, c1, l2, c2;
    if (!lsp_line_col(d->text, d->len, json_object_get(range, "start"), &l1, &c1) ||
        !lsp_line_col(d->text, d->len, json_object_get(range, "end"), &l2, &c2))
        return NULL;
    json_t *out = json_array();
    for (size_t i = 0; i < an->d.n; i++) {
        const diagnostic *dg = an->d.list[i];
        span at = shown_at(an, dg);
        if (!dg->n_fixes || !overlaps(&at, l1, c1, l2, c2))
            continue;
        for (size_t k = 0; k < dg->n_fixes; k++)
            json_array_append_new(out, fix_action(an, dg, &dg->fixes[k]));
    }
    return out;
}

/* ---- dispatch ------------------------------------------------------------- */

static json_t *capabilities(void)
{
    return json_pack(
        "{s:{s:s,s:{s:b,s:i},s:b,s:b,s:b,s:b,s:{s:[s,s,s,s,s]},s:{s:[s]}},s:{s:s,s:s}}",
        "capabilities", "positionEncoding", "utf-16", "textDocumentSync", "openClose", 1,
        "change", 2, "hoverProvider", 1, "definitionProvider", 1, "documentSymbolProvider", 1,
        "documentFormattingProvider", 1, "completionProvider", "triggerCharacters", " ", ":",
        ",", ">", "@", "codeActionProvider", "codeActionKinds", "quickfix", "serverInfo",
        "name", "expc", "version", EXPC_VERSION);
}

typedef enum { R_HOVER, R_DEFINITION, R_SYMBOLS, R_FORMATTING, R_COMPLETION, R_ACTIONS } req;

static const struct {
    const char *method;
    req r;
} requests[] = {
    { "textDocument/hover", R_HOVER },
    { "textDocument/definition", R_DEFINITION },
    { "textDocument/documentSymbol", R_SYMBOLS },
    { "textDocument/formatting", R_FORMATTING },
    { "textDocument/completion", R_COMPLETION },
    { "textDocument/codeAction", R_ACTIONS },
};

/* A request about a document; false when the method is none of them. */
static bool document_request(lsp_server *s, const char *method, json_t *id, json_t *params)
{
    size_t k = 0, n = sizeof requests / sizeof *requests;
    while (k < n && strcmp(requests[k].method, method))
        k++;
    if (k == n)
        return false;
    bool answered;
    lsp_doc *d = request_doc(s, id, params, &answered);
    if (answered)
        return true;
    json_t *pos = json_object_get(params, "position"), *result = NULL;
    const lsp_analysis *an = d->an;
    switch (requests[k].r) {
    case R_HOVER:
        result = lsp_hover(an, pos);
        break;
    case R_DEFINITION:
        result = lsp_definition(an, pos);
        break;
    case R_SYMBOLS:
        result = lsp_symbols(an);
        break;
    case R_FORMATTING:
        result = formatting(d);
        if (!result)
            result = json_null(); /* a syntax error: no edits */
        break;
    case R_COMPLETION:
        result = lsp_completion(an, pos);
        break;
    case R_ACTIONS:
        result = code_actions(d, json_object_get(params, "range"));
        break;
    }
    if (!result)
        reply_error(s, id, RPC_INVALID_PARAMS, "params: a position or range is needed");
    else
        reply(s, id, result);
    return true;
}

static void request(lsp_server *s, const char *method, json_t *id, json_t *params)
{
    if (!strcmp(method, "initialize")) {
        s->initialized = true;
        reply(s, id, capabilities());
    } else if (!s->initialized) {
        reply_error(s, id, RPC_NOT_INITIALIZED, "the server is not initialized yet");
    } else if (s->shut_down) {
        reply_error(s, id, RPC_INVALID_REQUEST, "the server is shut down: only exit is left");
    } else if (!strcmp(method, "shutdown")) {
        s->shut_down = true;
        reply(s, id, NULL);
    } else if (!document_request(s, method, id, params)) {
        reply_error(s, id, RPC_METHOD_NOT_FOUND, "method not found");
    }
}

/* Notifications get no answer, not even an error: an unknown one (such as
 * $/setTrace) is ignored, as LSP asks. */
static void notification(lsp_server *s, const char *method, json_t *params)
{
    if (!strcmp(method, "exit"))
        s->exited = true;
    else if (!s->initialized || s->shut_down)
        return;
    else if (!strcmp(method, "textDocument/didOpen"))
        did_open(s, params);
    else if (!strcmp(method, "textDocument/didChange"))
        did_change(s, params);
    else if (!strcmp(method, "textDocument/didClose"))
        did_close(s, params);
}

bool lsp_handle(lsp_server *s, const char *body, size_t len)
{
    json_error_t err;
    json_t *msg = json_loadb(body, len, 0, &err);
    if (!msg) {
        reply_error(s, NULL, RPC_PARSE_ERROR, "parse error: the body is not JSON");
        return !s->exited;
    }
    json_t *id = json_object_get(msg, "id");
    json_t *method = json_object_get(msg, "method");
    bool id_ok = !id || json_is_string(id) || json_is_integer(id);
    if (!json_is_object(msg) || !id_ok || (!method && !id)) {
        reply_error(s, id_ok ? id : NULL, RPC_INVALID_REQUEST, "not a JSON-RPC request");
    } else if (!method) {
        /* A response to a request we never sent: nothing to do. */
    } else if (!json_is_string(method)) {
        reply_error(s, id, RPC_INVALID_REQUEST, "`method` must be a string");
    } else if (id) {
        request(s, json_string_value(method), id, json_object_get(msg, "params"));
    } else {
        notification(s, json_string_value(method), json_object_get(msg, "params"));
    }
    json_decref(msg);
    return !s->exited;
}

/* ---- framing -------------------------------------------------------------- */

/* One header line without its line end; false at the end of the input. */
static bool read_line(FILE *in, char *buf, size_t cap)
{
    size_t n = 0;
    int ch;
    while ((ch = getc(in)) != EOF && ch != '\n')
        if (n + 1 < cap)
            buf[n++] = (char)ch;
    if (ch == EOF && n == 0)
        return false;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = 0;
    return true;
}

/* The headers of one message: its Content-Length, or -1 when there is
 * none (or a bad one); false at the end of the input. */
static bool read_headers(FILE *in, long long *length)
{
    char line[MAX_HEADER];
    *length = -1;
    bool any = false;
    while (read_line(in, line, sizeof line)) {
        if (!*line) {
            if (any)
                return true;
            continue; /* stray blank lines between messages */
        }
        any = true;
        if (!strncasecmp(line, "Content-Length:", 15)) {
            char *end;
            const char *v = line + 15;
            while (*v == ' ' || *v == '\t')
                v++;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            *length = (isdigit((unsigned char)*v) && !*end && !errno) ? n : -1;
        }
    }
    return false;
}

int lsp_serve(lsp_server *s, FILE *in)
{
    long long n;
    while (!s->exited && read_headers(in, &n)) {
        if (n < 0) {
            reply_error(s, NULL, RPC_PARSE_ERROR, "a message without a valid Content-Length");
            continue;
        }
        if ((unsigned long long)n > MAX_MESSAGE) {
            for (long long k = 0; k < n && getc(in) != EOF; k++)
                ;
            reply_error(s, NULL, RPC_PARSE_ERROR, "message too large");
            continue;
        }
        char *body = xmalloc((size_t)n + 1);
        size_t got = fread(body, 1, (size_t)n, in);
        if (got == (size_t)n)
            lsp_handle(s, body, got);
        free(body);
        if (got != (size_t)n)
            break; /* the input ended inside a message */
    }
    return s->exited && s->shut_down ? RT_EXIT_OK : RT_EXIT_ERRORS;
}

lsp_server *lsp_new(const load_opts *lo, FILE *out)
{
    lsp_server *s = xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->lo = *lo;
    s->lo.overlay = overlay;
    s->lo.overlay_ctx = s;
    s->out = out;
    return s;
}

void lsp_free(lsp_server *s)
{
    while (s->docs) {
        lsp_doc *d = s->docs;
        s->docs = d->next;
        free_doc(d);
    }
    free(s);
}

int lsp_main(const load_opts *lo)
{
    /* The protocol owns standard output: anything else that would print
     * there (it should not) goes to standard error instead. */
    int fd = dup(1);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out || dup2(2, 1) < 0) {
        fprintf(stderr, "expc: lsp: cannot set up standard output: %s\n", strerror(errno));
        return RT_EXIT_IOERR;
    }
    lsp_server *s = lsp_new(lo, out);
    int rc = lsp_serve(s, stdin);
    lsp_free(s);
    if (fclose(out) != 0 && rc == RT_EXIT_OK)
        rc = RT_EXIT_IOERR;
    return rc;
}
