/* run.c - `expc run` and the standalone program: read, score, report.
 *
 * rt_run drives one run: it opens the events, picks the reader (CSV or
 * NDJSON: --input, else the file name, else the first byte that is not
 * whitespace; see run_sniff), pulls records from it, maps event names
 * through the engine and customers through the table, and feeds (customer,
 * event) pairs to the engine's step_batch in batches, so an engine's per-call
 * cost is paid once per 4096 events.  Only when the whole input has been
 * read and found valid is the table written: invalid data prints one message
 * and no table at all.  rt_main is the command line of the standalone
 * program `expc build --main` generates; it accepts the flags `expc run` has
 * for the runtime, with the same messages.
 *
 * Messages, all on stderr, start with PROG: `expc`, or the standalone
 * program's own name (the basename of its argv[0]), so a pipeline's log
 * says which program spoke.  Below, PROG is shown as `expc` (FILE is the path as given, `<stdin>` for standard
 * input - angle brackets because no sane file is named so; NAME is an event
 * name in double quotes, `"` and `\` escaped with a backslash, control
 * characters and DEL as \n \t \r or \u00XX (so a message is one line and
 * safe on a terminal), cut after 200 bytes with `...` after the closing
 * quote):
 *   expc: FILE: REASON                                     (exit 66)
 *   expc: FILE:LINE: invalid event data: WHY               (exit 65)
 *   expc: FILE:LINE: event NAME is not declared by the experience  (exit 65)
 *   expc: cannot write output: REASON                      (exit 74)
 *   expc: out of memory                                    (exit 70)
 * and after a successful run, when lines were skipped:
 *   expc: skipped 1 invalid line: FILE:LINE: WHY
 *   expc: skipped N invalid lines; first: FILE:LINE: WHY
 *   expc: skipped 1 event not declared by the experience: NAME at FILE:LINE
 *   expc: skipped N events not declared by the experience; first: NAME at FILE:LINE
 * then the --summary table (output.c). */
#include "expc/rt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define RT_BATCH 4096
#define RT_NAME_SHOW 200          /* bytes of an event name shown in messages */

void rt_opts_init(rt_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = RT_FORMAT_CSV;
    o->input = RT_INPUT_AUTO;
    o->out = stdout;
    o->err = stderr;
}

/* The standalone program's command line: the options of rt_run_options it
 * takes, read and described by opts.c exactly as `expc run` reads them, so
 * the same mistake reads the same; only the closing hint names this program
 * instead of expc. */
static int run_help(const char *prog)
{
    printf("usage: %s ", prog);
    rt_opt_synopsis(stdout, rt_run_options, RT_OPT_MAIN);
    printf("[FILE|-]\n"
           "\n"
           "Scores customer events: CSV lines `customer,event[,more...]` (a first\n"
           "line `customer,event` is a header) or NDJSON lines {\"customer\":...,\n"
           "\"event\":...} from FILE, or standard input when FILE is absent or `-`.\n"
           "Writes one row per customer to standard output.\n"
           "\n");
    rt_opt_help(stdout, rt_run_options, RT_OPT_MAIN, 18);
    printf("\n"
           "exit status: 0 ok, 2 usage, 65 invalid event data, 66 unreadable input,\n"
           "74 output error\n");
    return fflush(stdout) == 0 ? RT_EXIT_OK : RT_EXIT_IOERR;
}

int rt_main(int argc, char **argv, const rt_engine *e)
{
    rt_opts o;
    rt_args av;
    bool only_args = false;
    av.argc = argc;
    av.argv = argv;
    av.prog = argc > 0 && argv[0] && argv[0][0] ? argv[0] : "score";
    rt_opts_init(&o);
    o.prog = rt_basename(av.prog);
    for (av.i = 1; av.i < argc; av.i++) {
        const char *a = argv[av.i];
        int rc;
        if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o.path)
                return rt_usage_error(av.prog, "this program takes one event file, not also `%s`",
                                      a);
            o.path = a;
        } else if (strcmp(a, "--") == 0) {
            only_args = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return run_help(av.prog);
        } else if ((rc = rt_opt_parse(rt_run_options, RT_OPT_MAIN, &o, &av)) != RT_EXIT_OK) {
            return rc == RT_OPT_UNKNOWN ? rt_unknown_option(av.prog, a) : rc;
        }
    }
    return rt_run(&o, e);
}

/* ---- the run ---------------------------------------------------------- */

typedef struct run_state {
    const rt_opts *o;
    const rt_engine *e;
    FILE *err;
    const char *prog;         /* starts every message */
    const char *name;         /* the input, for messages */
    rt_src src;
    rt_csv csv;
    rt_ndjson *nj;            /* non-NULL: NDJSON input */
    rt_table tab;
    /* The batch: events whose customers are not looked up yet.  Their ids
     * are copied to `ids` (the reader's buffer moves when it refills), at
     * boff[i], blen[i] bytes; rt_table_intern_many turns them into bcust. */
    size_t bn;
    int32_t bev[RT_BATCH];
    uint32_t bcust[RT_BATCH];
    size_t boff[RT_BATCH], blen[RT_BATCH];
    char *ids;
    size_t ids_len, ids_cap;
    uint64_t n_invalid, invalid_line;
    const char *invalid_why;
    uint64_t n_unknown, unknown_line;
    size_t unknown_len;       /* the whole name's length; the first bytes: */
    char unknown[RT_NAME_SHOW + 8];
} run_state;

/* NAME as in the messages above. */
static void run_put_name(FILE *f, const char *p, size_t n)
{
    size_t i, cut = n;
    if (cut > RT_NAME_SHOW) {
        cut = RT_NAME_SHOW;
        while (cut > 0 && ((unsigned char)p[cut] & 0xC0) == 0x80)
            cut--; /* not inside a UTF-8 sequence */
    }
    fputc('"', f);
    for (i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20 || c == 0x7F)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
    if (cut < n)
        fputs("...", f);
}

/* `PROG: ` and the message, on the run's error stream. */
static void run_say(run_state *r, const char *fmt, ...)
{
    va_list ap;
    fprintf(r->err, "%s: ", r->prog);
    va_start(ap, fmt);
    vfprintf(r->err, fmt, ap);
    va_end(ap);
}

static int run_next(run_state *r, rt_rec *rec)
{
    if (r->nj)
        return rt_ndjson_next(r->nj, rec);
    return rt_csv_next(&r->csv, rec);
}

/* Looks up the batch's customers (new ones are added and initialised, in
 * order of appearance) and steps the engine over it.  false: no memory. */
static bool run_flush(run_state *r)
{
    bool ok = true;
    if (r->bn > 0) {
        ok = rt_table_intern_many(&r->tab, r->ids, r->boff, r->blen, r->bn, r->bcust, r->e)
             == 0;
        if (ok)
            r->e->step_batch(r->e->ctx, r->tab.states, r->bcust, r->bev, r->bn);
    }
    r->bn = 0;
    r->ids_len = 0;
    return ok;
}

/* Appends one event to the batch; false: no memory. */
static bool run_add(run_state *r, const char *cust, size_t len, int32_t id)
{
    if (len > r->ids_cap - r->ids_len) {
        size_t cap = r->ids_cap ? r->ids_cap : (size_t)64 * 1024;
        char *ni;
        while (len > cap - r->ids_len) {
            if (cap > SIZE_MAX / 2)
                return false;
            cap *= 2;
        }
        ni = realloc(r->ids, cap);
        if (!ni)
            return false;
        r->ids = ni;
        r->ids_cap = cap;
    }
    memcpy(r->ids + r->ids_len, cust, len);
    r->boff[r->bn] = r->ids_len;
    r->blen[r->bn] = len;
    r->bev[r->bn] = id;
    r->ids_len += len;
    return ++r->bn < RT_BATCH || run_flush(r);
}

/* Sets up the NDJSON reader when `ndjson` says so (1; 0: CSV; negative: the
 * sniffing failed, RT_NEXT_*); returns an exit code. */
static int run_open_reader(run_state *r, int ndjson)
{
    if (ndjson == RT_NEXT_READERR) {
        run_say(r, "%s: %s\n", r->name,
                r->src.err ? strerror(r->src.err) : "read error");
        return RT_EXIT_NOINPUT;
    }
    if (ndjson < 0 || (ndjson && !(r->nj = rt_ndjson_new(&r->src)))) {
        run_say(r, "out of memory\n");
        return RT_EXIT_SOFTWARE;
    }
    return RT_EXIT_OK;
}

/* Reads and scores every record; returns an exit code. */
static int run_events(run_state *r)
{
    const rt_opts *o = r->o;
    const rt_engine *e = r->e;
    rt_rec rec;
    for (;;) {
        int32_t id;
        int st = run_next(r, &rec);
        if (st == RT_NEXT_EOF)
            break;
        if (st == RT_NEXT_READERR) {
            run_say(r, "%s: %s\n", r->name,
                    r->src.err ? strerror(r->src.err) : "read error");
            return RT_EXIT_NOINPUT;
        }
        if (st < 0) {
            run_say(r, "out of memory\n");
            return RT_EXIT_SOFTWARE;
        }
        if (rec.why) {
            if (!o->skip_invalid) {
                run_say(r, "%s:%llu: invalid event data: %s\n", r->name,
                        (unsigned long long)rec.line, rec.why);
                return RT_EXIT_DATA;
            }
            if (r->n_invalid++ == 0) {
                r->invalid_line = rec.line;
                r->invalid_why = rec.why;
            }
            continue;
        }
        id = e->event_id(e->ctx, rec.event, rec.event_len);
        if (id < 0) {
            /* Not an event of any customer: the customer is not created. */
            if (o->strict) {
                run_say(r, "%s:%llu: event ", r->name, (unsigned long long)rec.line);
                run_put_name(r->err, rec.event, rec.event_len);
                fputs(" is not declared by the experience\n", r->err);
                return RT_EXIT_DATA;
            }
            if (r->n_unknown++ == 0) {
                size_t k = rec.event_len < sizeof r->unknown ? rec.event_len
                                                              : sizeof r->unknown;
                memcpy(r->unknown, rec.event, k);
                r->unknown_len = rec.event_len;
                r->unknown_line = rec.line;
            }
            continue;
        }
        if (!run_add(r, rec.cust, rec.cust_len, id)) {
            run_say(r, "out of memory\n");
            return RT_EXIT_SOFTWARE;
        }
    }
    if (!run_flush(r)) {
        run_say(r, "out of memory\n");
        return RT_EXIT_SOFTWARE;
    }
    return RT_EXIT_OK;
}

static void run_notes(run_state *r)
{
    if (r->n_invalid == 1)
        run_say(r, "skipped 1 invalid line: %s:%llu: %s\n", r->name,
                (unsigned long long)r->invalid_line, r->invalid_why);
    else if (r->n_invalid > 1)
        run_say(r, "skipped %llu invalid lines; first: %s:%llu: %s\n",
                (unsigned long long)r->n_invalid, r->name,
                (unsigned long long)r->invalid_line, r->invalid_why);
    if (r->n_unknown > 0) {
        if (r->n_unknown == 1)
            run_say(r, "skipped 1 event not declared by the experience: ");
        else
            run_say(r, "skipped %llu events not declared by the experience; first: ",
                    (unsigned long long)r->n_unknown);
        run_put_name(r->err, r->unknown, r->unknown_len);
        fprintf(r->err, " at %s:%llu\n", r->name, (unsigned long long)r->unknown_line);
    }
}

static bool run_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Whether the input is NDJSON by its content: the first byte that is not a
 * space, tab, CR or LF (after a byte order mark, which both readers drop) is
 * `{`.  The bytes are only looked at in the reader's buffer, never consumed,
 * so standard input loses nothing.  Negative: RT_NEXT_READERR or _NOMEM. */
static int run_sniff(rt_src *s)
{
    size_t i = 0;
    bool bom_looked = false;
    for (;;) {
        int m;
        if (!bom_looked && (s->end - s->beg >= 3 || s->eof)) {
            bom_looked = true;
            if (s->end - s->beg >= 3 && memcmp(s->buf + s->beg, "\xEF\xBB\xBF", 3) == 0)
                i = 3;
        }
        for (; bom_looked && s->beg + i < s->end; i++) {
            char c = s->buf[s->beg + i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
                return c == '{';
        }
        if (s->eof)
            return 0;
        if ((m = rt_src_more(s)) < 0)
            return m;
    }
}

/* Which reader: --input, else the name, else the content. */
static int run_is_ndjson(const rt_opts *o, bool use_stdin, rt_src *s)
{
    if (o->input != RT_INPUT_AUTO)
        return o->input == RT_INPUT_NDJSON;
    if (!use_stdin && (run_ends_with(o->path, ".ndjson") || run_ends_with(o->path, ".jsonl")))
        return 1;
    return run_sniff(s);
}

int rt_run(const rt_opts *o, const rt_engine *e)
{
    FILE *out = o->out ? o->out : stdout;
    FILE *err = o->err ? o->err : stderr;
    bool use_stdin = !o->path || strcmp(o->path, "-") == 0;
    const char *prog = o->prog ? o->prog : "expc";
    FILE *fp;
    run_state *r;
    int rc;

    if (use_stdin) {
        fp = stdin;
    } else {
        errno = 0;
        fp = fopen(o->path, "rb");
        if (!fp) {
            fprintf(err, "%s: %s: %s\n", prog, o->path, errno ? strerror(errno) : "cannot open");
            return RT_EXIT_NOINPUT;
        }
    }
    r = malloc(sizeof *r);
    if (!r || !rt_src_init(&r->src, fp, use_stdin ? "<stdin>" : o->path)) {
        if (r)
            rt_src_free(&r->src);
        free(r);
        if (fp != stdin)
            fclose(fp);
        fprintf(err, "%s: out of memory\n", prog);
        return RT_EXIT_SOFTWARE;
    }
    r->o = o;
    r->e = e;
    r->err = err;
    r->prog = prog;
    r->name = r->src.name;
    r->nj = NULL;
    r->bn = 0;
    r->n_invalid = r->invalid_line = 0;
    r->invalid_why = NULL;
    r->n_unknown = r->unknown_line = 0;
    r->unknown_len = 0;
    r->ids = NULL;
    r->ids_len = r->ids_cap = 0;
    rt_table_init(&r->tab);
    rt_csv_init(&r->csv, &r->src);
    rc = run_open_reader(r, run_is_ndjson(o, use_stdin, &r->src));
    if (rc == RT_EXIT_OK)
        rc = run_events(r);
    rt_ndjson_free(r->nj);
    rt_src_free(&r->src);
    if (fp != stdin)
        fclose(fp);
    if (rc == RT_EXIT_OK)
        rc = rt_write_scores(out, err, prog, &r->tab, e, o->format);
    if (rc == RT_EXIT_OK) {
        run_notes(r);
        if (o->summary)
            rt_write_summary(err, &r->tab, e);
    }
    rt_table_free(&r->tab);
    free(r->ids);
    free(r);
    return rc;
}
