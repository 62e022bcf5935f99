/* opts.c - the options of `expc run` and of the standalone program.
 *
 * Both commands read their run options through this one table, so a flag
 * means the same, is misspelled with the same message and is described by
 * the same --help line in both (docs/language.md, "The expc command").  A
 * row says who takes the option (`expc run`, the standalone program or
 * both), what value it wants and how it is stored: adding an option is one
 * row, and unless it is a plain flag, its `set` function.  The matching and the usage messages are
 * generic (rt_opt_parse), so expc's own options (src/main.c) use them too.
 *
 * Option syntax: a flag is the exact word (`--strict`; `--strict=yes` is
 * unknown); an option with a value takes `--name=VALUE` or `--name VALUE`,
 * and a one-letter one (`-I`) also `-IVALUE`. */
#include "expc/rt.h"

#include <stddef.h>
#include <string.h>

static const char *opt_format(void *dst, const char *v, int k)
{
    (void)v;
    ((rt_opts *)dst)->format = k == 0 ? RT_FORMAT_CSV : RT_FORMAT_JSON;
    return NULL;
}

static const char *opt_input(void *dst, const char *v, int k)
{
    (void)v;
    ((rt_opts *)dst)->input = k == 0 ? RT_INPUT_CSV : RT_INPUT_NDJSON;
    return NULL;
}

/* --customer, --event, --time: kept as given; the readers resolve them
 * (a CSV header is needed to tell a name from a number). */
static const char *opt_col(rt_opts *o, int k, const char *v)
{
    if (!*v)
        return "a column is a name or a number, not `%s`";
    o->col[k] = v;
    return NULL;
}

static const char *opt_customer(void *dst, const char *v, int k)
{
    (void)k;
    return opt_col(dst, RT_COL_CUSTOMER, v);
}

static const char *opt_event(void *dst, const char *v, int k)
{
    (void)k;
    return opt_col(dst, RT_COL_EVENT, v);
}

static const char *opt_time(void *dst, const char *v, int k)
{
    (void)k;
    return opt_col(dst, RT_COL_TIME, v);
}

/* SIZE: digits, then optionally K, M or G (powers of 1024); 0 on a bad or
 * overflowing one. */
size_t rt_opt_size(const char *v)
{
    size_t n = 0, mul = 1;
    const char *p = v;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (SIZE_MAX - 9) / 10)
            return 0;
        n = n * 10 + (size_t)(*p - '0');
    }
    if (p == v)
        return 0;
    if (*p == 'K' || *p == 'M' || *p == 'G')
        mul = (size_t)1 << (*p == 'K' ? 10 : *p == 'M' ? 20 : 30);
    if (*p && (p[1] || mul == 1))
        return 0;
    return n > SIZE_MAX / mul ? 0 : n * mul;
}

/* --memory=SIZE, RT_MEMORY_MIN at least (rt.h). */
static const char *opt_memory(void *dst, const char *v, int k)
{
    static char small[80];
    size_t n = rt_opt_size(v);
    (void)k;
    if (n == 0)
        return "--memory is a size such as 512M or 2G (K, M, G: powers of 1024), not `%s`";
    if (n < RT_MEMORY_MIN) {
        /* Still a format: the caller puts the value at %%s. */
        snprintf(small, sizeof small, "--memory=%%s cannot hold one event (%d bytes at least)",
                 RT_MEMORY_MIN);
        return small;
    }
    ((rt_opts *)dst)->memory = n;
    return NULL;
}

/* --threads=N, 1 to RT_THREADS_MAX (rt.h). */
static const char *opt_threads(void *dst, const char *v, int k)
{
    unsigned n = 0;
    const char *p = v;
    (void)k;
    for (; *p >= '0' && *p <= '9' && n <= RT_THREADS_MAX; p++)
        n = n * 10 + (unsigned)(*p - '0');
    if (p == v || *p || n < 1 || n > RT_THREADS_MAX)
        return "--threads is a number of threads from 1 to " RT_STR(RT_THREADS_MAX) ", not `%s`";
    ((rt_opts *)dst)->threads = n;
    return NULL;
}

/* --report=FILE.html: kept as given; expc run writes it (src/report.c). */
static const char *opt_report(void *dst, const char *v, int k)
{
    (void)k;
    if (!*v || !strcmp(v, "-")) /* standard output holds the table */
        return "--report needs a file name, not `%s`";
    ((rt_opts *)dst)->report = v;
    return NULL;
}

#define RT_OPT_BOTH (RT_OPT_RUN | RT_OPT_MAIN)

/* Every row the standalone program takes too, unless marked RT_OPT_RUN
 * alone: the runtime carries its own JSON reader, so --input is shared. */
const rt_optdef rt_run_options[] = {
    { "--format", "csv|json", NULL, RT_OPT_BOTH, "output format (default csv)", opt_format, 0 },
    { "--input", "csv|ndjson", NULL, RT_OPT_BOTH,
      "input format (default: .ndjson/.jsonl names, else `{` first)", opt_input, 0 },
    { "--strict", NULL, NULL, RT_OPT_BOTH, "an undeclared event is an error (exit 65)", NULL,
      offsetof(rt_opts, strict) },
    { "--skip-invalid", NULL, NULL, RT_OPT_BOTH,
      "skip and count invalid lines instead of stopping", NULL, offsetof(rt_opts, skip_invalid) },
    { "--summary", NULL, NULL, RT_OPT_BOTH, "customers per stage on stderr after the table",
      NULL, offsetof(rt_opts, summary) },
    { "--customer", "COL", NULL, RT_OPT_BOTH,
      "customer column: CSV header name or number, NDJSON member or path", opt_customer, 0 },
    { "--event", "COL", NULL, RT_OPT_BOTH, "event column (as --customer)", opt_event, 0 },
    { "--time", "COL", NULL, RT_OPT_BOTH,
      "time column: each customer's events scored in time order", opt_time, 0 },
    { "--memory", "SIZE", NULL, RT_OPT_BOTH,
      "bytes of events buffered to order them by --time (default " RT_STR(RT_MEMORY_DEFAULT_G) "G)", opt_memory, 0 },
    { "--threads", "N", NULL, RT_OPT_BOTH,
      "threads to score with (default: the processors online; 1: one)", opt_threads, 0 },
    { "--report", "FILE.html", NULL, RT_OPT_RUN,
      "also write an HTML page on the run: funnel, scores, events", opt_report, 0 },
    { NULL, NULL, NULL, 0, NULL, NULL, 0 },
};

int rt_opt_value(const char *name, bool takes_value, int argc, char **argv, int *i,
                 const char **v)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (!takes_value)
        return a[n] == '\0';
    if (a[n] != '\0') {
        if (n == 2 && name[0] == '-' && name[1] != '-') {
            *v = a + n; /* -IVALUE */
            return 1;
        }
        if (a[n] != '=')
            return 0;
        *v = a + n + 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return -1;
    *v = argv[++*i];
    return 1;
}

/* The index of `v` among `words` ("a|b|c"), or -1. */
static int opt_word(const char *v, const char *words)
{
    size_t n = strlen(v);
    int k = 0;
    for (;;) {
        const char *bar = strchr(words, '|');
        size_t len = bar ? (size_t)(bar - words) : strlen(words);
        if (len == n && strncmp(words, v, n) == 0)
            return k;
        if (!bar)
            return -1;
        words = bar + 1;
        k++;
    }
}

const char *rt_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int rt_usage_error(const char *prog, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", rt_basename(prog));
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry `%s --help`.\n", prog);
    return RT_EXIT_USAGE;
}

int rt_missing_value(const char *prog, const char *opt)
{
    return rt_usage_error(prog, "option %s needs a value", opt);
}

int rt_unknown_option(const char *prog, const char *opt)
{
    return rt_usage_error(prog, "unknown option `%s`", opt);
}

int rt_bad_word(const char *prog, const char *name, const char *v, const char *words)
{
    /* "NAME is a, b or c, not `%s`": the words are the table's, so short. */
    char fmt[256];
    size_t len = (size_t)snprintf(fmt, sizeof fmt, "%s is ", name);
    while (len < sizeof fmt) {
        const char *bar = strchr(words, '|');
        size_t n = bar ? (size_t)(bar - words) : strlen(words);
        const char *sep = !bar ? "" : strchr(bar + 1, '|') ? ", " : " or ";
        len += (size_t)snprintf(fmt + len, sizeof fmt - len, "%.*s%s", (int)n, words, sep);
        if (!bar)
            break;
        words = bar + 1;
    }
    if (len < sizeof fmt)
        snprintf(fmt + len, sizeof fmt - len, ", not `%%s`");
    return rt_usage_error(prog, fmt, v);
}

int rt_opt_parse(const rt_optdef *defs, unsigned who, void *dst, rt_args *av)
{
    const char *a = av->argv[av->i];
    const rt_optdef *d;
    for (d = defs; d->name; d++) {
        const char *v = NULL, *why;
        int k = -1, m;
        if (!(d->who & who))
            continue;
        m = rt_opt_value(d->name, d->value != NULL, av->argc, av->argv, &av->i, &v);
        if (m == 0)
            continue;
        if (m < 0)
            return d->missing ? rt_usage_error(av->prog, d->missing, a)
                              : rt_missing_value(av->prog, a);
        if (d->value && strchr(d->value, '|') && (k = opt_word(v, d->value)) < 0)
            return rt_bad_word(av->prog, d->name, v, d->value);
        if (!d->set) {
            *(bool *)((char *)dst + d->flag) = true;
            return RT_EXIT_OK;
        }
        why = d->set(dst, v, k);
        return why ? rt_usage_error(av->prog, why, v) : RT_EXIT_OK;
    }
    return RT_OPT_UNKNOWN;
}

/* How help shows an option with its value: `--name=VALUE`, or `-I DIR` for
 * a single-dash option (`-I=DIR` would not do). */
static const char *opt_spelling(const rt_optdef *d, char *buf, size_t size)
{
    bool single_dash = d->name[1] != '-';
    snprintf(buf, size, "%s%s%s", d->name, !d->value ? "" : single_dash ? " " : "=",
             d->value ? d->value : "");
    return buf;
}

void rt_opt_synopsis(FILE *f, const rt_optdef *defs, unsigned who)
{
    const rt_optdef *d;
    char buf[128];
    for (d = defs; d->name; d++)
        if (d->who & who)
            fprintf(f, "[%s] ", opt_spelling(d, buf, sizeof buf));
}

void rt_opt_help(FILE *f, const rt_optdef *defs, unsigned who, int width)
{
    const rt_optdef *d;
    char buf[128];
    for (d = defs; d->name; d++) {
        const char *word = opt_spelling(d, buf, sizeof buf);
        if (!(d->who & who) || !d->help)
            continue;
        if ((int)strlen(word) > width)
            fprintf(f, "  %s\n  %*s %s\n", word, width, "", d->help);
        else
            fprintf(f, "  %-*s %s\n", width, word, d->help);
    }
}
