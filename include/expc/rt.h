/* rt.h - the scoring runtime: event readers, customer table, output.
 *
 * Shared by `expc run` and by the standalone program `expc build --main`
 * generates: the generated file embeds src/rt's libc-only sources verbatim
 * (build-time generated string), so both behave byte for byte alike.  An
 * engine is reached only through struct rt_engine, so the same loop drives the
 * interpreter, the JIT and the compiled machine.
 *
 * This header and the files it declares must stay C11 + libc only (no JSON
 * library, no expc headers).  When embedded, this header and every .c file of
 * src/rt are pasted into one translation unit: file-local names carry a
 * per-file prefix (csv_, evt_, json_, nd_, opt_, tab_, out_, run_) so they never clash,
 * and everything else is rt_ / RT_. */
#ifndef EXPC_RT_H
#define EXPC_RT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RT_NOTES 3

/* Same layout as the generated P_state (docs/language.md, "Generated
 * code").  A machine that uses time (ABI 2) has more after these members:
 * an rt_clock, then, with caps, `int64_t cap_bucket[caps]; uint32_t
 * cap_count[caps];` - the P_state of UP_TIME 1, RT_STATE_SIZE bytes in
 * all.  They follow the struct rather than being members of it so that a
 * machine without time rules keeps the 0.1 layout everywhere (the JIT's
 * code, the objects of --emit=obj, every rt_state array): an engine says
 * its size in rt_engine.state_size, and rt_state_clock, rt_cap_bucket and
 * rt_cap_count reach the rest. */
typedef struct rt_state {
    int32_t stage;
    int64_t score;
    int64_t points[RT_NOTES];
    uint64_t events;
    uint64_t early;
} rt_state;

typedef struct rt_clock {
    int64_t start;            /* when the current journey began (ms) */
    int64_t last;             /* the previous event's time (ms) */
} rt_clock;

/* Bytes of a state: `uses_time` with `caps` cap slots (a multiple of 8,
 * as P_state's); a constant expression. */
#define RT_STATE_SIZE(uses_time, caps)                                                  \
    ((uses_time) ? (sizeof(rt_state) + sizeof(rt_clock) + 12 * (size_t)(caps) + 7) &     \
                       ~(size_t)7                                                        \
                 : sizeof(rt_state))

/* The parts after an rt_state *s.  (Macros, not static functions: the
 * standalone program pastes this header into its one file, where an unused
 * static function is a warning.) */
#define rt_state_clock(s) ((rt_clock *)(void *)((s) + 1))
#define rt_cap_bucket(s) ((int64_t *)(void *)(rt_state_clock(s) + 1))
#define rt_cap_count(s, caps) ((uint32_t *)(void *)(rt_cap_bucket(s) + (caps)))

/* An engine: what the runtime needs from a compiled or interpreted machine. */
typedef struct rt_engine {
    void *ctx;
    int32_t n_notes;
    void (*init)(void *ctx, rt_state *s);
    int32_t (*event_id)(void *ctx, const char *name, size_t len); /* -1: unknown */
    /* Steps states[customer[i]] (states are state_size bytes apart) by
     * event_id[i] at time t[i] (ms); t is NULL when the run has no time
     * column (then only for an engine that does not use time). */
    void (*step_batch)(void *ctx, rt_state *states, const uint32_t *customer,
                       const int32_t *event_id, const int64_t *t, size_t n);
    const char *(*stage_name)(void *ctx, int32_t stage); /* k < n_notes: behaviour */
    /* step_batch that also adds one to tally[4 * event_id[i] + effect] for
     * each event, effect being what it did (1 counted, 2 early, 3 capped:
     * ir_effect; an undeclared id adds nothing).  The report's per-event
     * counts (expc run --report, the service's page): the engine counts
     * where it decides, so counting costs an add per event.  NULL: the
     * engine cannot (the standalone program, which has no report). */
    void (*step_batch_tally)(void *ctx, rt_state *states, const uint32_t *customer,
                             const int32_t *event_id, const int64_t *t, size_t n,
                             uint64_t *tally);
    const char *experience;   /* its name, for `no event of the log is declared
                               * by experience NAME`; NULL: unnamed */
    size_t state_size;        /* bytes of one customer's state; 0: sizeof(rt_state) */
    bool uses_time;           /* time rules: a run needs --time */
} rt_engine;

/* The bytes of one of e's states. */
#define rt_engine_state_size(e) ((e)->state_size ? (e)->state_size : sizeof(rt_state))

typedef enum rt_format { RT_FORMAT_CSV, RT_FORMAT_JSON } rt_format;

struct rt_table;

/* What a successful run read, for rt_opts.after (expc run --report). */
typedef struct rt_run_info {
    const char *input;        /* the input as messages name it (<stdin>) */
    uint64_t records;         /* event records, valid or not (a header is none) */
    uint64_t scored;          /* events of declared names, scored */
    uint64_t undeclared;      /* lines skipped: event not declared */
    uint64_t invalid;         /* lines skipped: invalid data (--skip-invalid) */
    /* Every customer's final state: n_tabs tables from tab on (one, or a
     * --threads run's partitions, each holding its own customers). */
    const struct rt_table *tab;
    size_t n_tabs;
} rt_run_info;
typedef enum rt_input { RT_INPUT_AUTO, RT_INPUT_CSV, RT_INPUT_NDJSON } rt_input;

typedef struct rt_opts {
    const char *prog;         /* starts every message; NULL: "expc" (the
                               * standalone program: its own name) */
    const char *path;         /* NULL or "-": standard input */
    rt_format format;
    rt_input input;           /* AUTO: .ndjson/.jsonl are NDJSON, else by content */
    bool strict;              /* first undeclared event is an error (65) */
    bool skip_invalid;        /* invalid lines are skipped and counted */
    bool summary;             /* funnel per stage on stderr after the table */
    /* --customer, --event, --time: a CSV header name or 1-based column
     * number, an NDJSON member name or dotted path; NULL: the default
     * (customer and event; no time). */
    const char *col[3];
    size_t memory;            /* --memory: bytes of buffered events (--time) */
    unsigned threads;         /* --threads: 0 the cores available (rt_cores),
                               * 1 the one-thread path; see par.c */
    FILE *out;                /* stdout normally (NULL: stdout) */
    FILE *err;                /* stderr normally (NULL: stderr) */
    const char *report;       /* --report=FILE.html (expc run only; see after) */
    /* Called once after a successful run, when the table, the notes and
     * --summary are written and the customers are still there; its exit
     * code becomes the run's.  NULL: none (the standalone program). */
    int (*after)(void *arg, const rt_run_info *ri);
    void *after_arg;
    /* `expc run --trace` (expc's src/trace.c; the standalone program has no
     * such option and leaves it NULL): called with each declared event as
     * it is read, before it is scored. */
    void (*trace)(void *ctx, const char *file, uint64_t line, const char *cust, size_t len,
                  int32_t event, int64_t t);
    void *trace_ctx;
    /* `expc run --report` (expc's src/report.c; NULL elsewhere): called
     * with each batch of events in place of e->step_batch; it calls
     * e->step_batch_tally (e opened with a tally) with the lane's counts,
     * without wrapping the engine (whose event_id is called for every
     * record).  lane is the thread stepping (0 .. threads-1; --threads
     * steps lanes at the same time, each over its own customers; one
     * thread: lane 0). */
    void (*step)(void *ctx, unsigned lane, const rt_engine *e, rt_state *states,
                 const uint32_t *customer, const int32_t *event_id, const int64_t *t, size_t n);
    void *step_ctx;
} rt_opts;

/* Reads all events, scores them through `e`, writes the table.  Returns the
 * exit code of docs/language.md (section 9): 0, 65 invalid data, 66
 * unreadable input, 74 output error, 70 when memory runs out. */
int rt_run(const rt_opts *o, const rt_engine *e);
/* Steps e over a batch, through o->step when it is set (lane: as there);
 * run.c and par.c step every batch through it. */
void rt_step(const rt_opts *o, unsigned lane, const rt_engine *e, rt_state *states,
             const uint32_t *customer, const int32_t *event_id, const int64_t *t, size_t n);
/* `experience NAME uses time rules ...: name the events' time column with
 * --time=COL` (a run, the service, the standalone program refuse to score
 * such an experience without times); returns RT_EXIT_USAGE. */
int rt_time_needed(FILE *err, const char *prog, const char *experience);

/* Indexes of rt_opts.col and of the columns the readers look for. */
#define RT_COL_CUSTOMER 0
#define RT_COL_EVENT 1
#define RT_COL_TIME 2

/* --memory: a buffered event of a --time run is a record of RT_EVENT_BYTES
 * (run.c asserts its size) and takes as much again while sorted, so the
 * least --memory is RT_MEMORY_MIN; the default is RT_MEMORY_DEFAULT_G
 * gibibytes (a plain number: the help shows it through RT_STR). */
#define RT_EVENT_BYTES 16
#define RT_MEMORY_MIN (2 * RT_EVENT_BYTES)
#define RT_MEMORY_DEFAULT_G 1
#define RT_MEMORY_DEFAULT ((size_t)RT_MEMORY_DEFAULT_G << 30)
#define RT_STR_(x) #x
#define RT_STR(x) RT_STR_(x)

/* --threads: at most RT_THREADS_MAX; the default is rt_cores(). */
#define RT_THREADS_MAX 256
/* The processors online (sysconf where the system is POSIX), 1 where there
 * is no portable way to know or no C11 threads (par.c). */
unsigned rt_cores(void);

/* Defaults: CSV in and out, no flags, stdout and stderr, --memory=1G. */
void rt_opts_init(rt_opts *o);

/* The whole standalone program: parses the options of rt_run_options that
 * it takes (RT_OPT_MAIN), --help, and one FILE or `-` (`--` before a file
 * name starting with `-`), then calls rt_run; returns the exit code (2 for
 * usage errors, with the messages of `expc run`). */
int rt_main(int argc, char **argv, const rt_engine *e);

/* ---- options (opts.c) ----------------------------------------------------
 * The run options are one table, rt_run_options, read by `expc run` and by
 * rt_main alike; the same generic parser serves expc's common options
 * (src/main.c), so every option is matched and misspelled the same way. */

#define RT_OPT_RUN 1u       /* rt_optdef.who: `expc run` takes it */
#define RT_OPT_MAIN 2u      /* the standalone program takes it */
#define RT_OPT_UNKNOWN (-1) /* rt_opt_parse: not an option of the table */

typedef struct rt_optdef {
    const char *name;       /* "--format", "-I" */
    /* NULL: a flag.  "a|b|c": one of these words (a wrong one is refused as
     * `NAME is a, b or c, not `V``).  Else what the value is ("N", "DIR"). */
    const char *value;
    const char *missing;    /* usage message when the value is missing, with
                             * %s the option; NULL: "option %s needs a value" */
    unsigned who;           /* which commands take it (RT_OPT_*; any bits) */
    const char *help;       /* its --help line; NULL: not listed */
    /* Stores the option into dst (an rt_opts for rt_run_options): v is the
     * value (NULL for a flag), k the index of the word when `value` lists
     * words.  Returns NULL, or a usage message with %s the value.  NULL for
     * a plain flag: then the bool at offset `flag` in dst becomes true. */
    const char *(*set)(void *dst, const char *v, int k);
    size_t flag;
} rt_optdef;

/* The options of `expc run` and the standalone program; ends with a row
 * whose name is NULL. */
extern const rt_optdef rt_run_options[];

/* A command line being read: argv[i] is the word at hand. */
typedef struct rt_args {
    int argc;
    char **argv;
    int i;                  /* an option's value moves it on */
    const char *prog;       /* named in `Try `PROG --help`.` */
} rt_args;

/* Reads argv[av->i] as one of `defs` taken by `who` (with its value, which
 * may be the next word).  RT_EXIT_OK when stored; RT_EXIT_USAGE after the
 * message; RT_OPT_UNKNOWN when no row of `defs` has it. */
int rt_opt_parse(const rt_optdef *defs, unsigned who, void *dst, rt_args *av);
/* `[--format=csv|json] [--strict] ...`: each option `who` takes, then a space. */
void rt_opt_synopsis(FILE *f, const rt_optdef *defs, unsigned who);
/* One `  OPTION  HELP` line per option `who` takes, OPTION padded to `width`. */
void rt_opt_help(FILE *f, const rt_optdef *defs, unsigned who, int width);

/* Whether argv[*i] is option `name`: 0 no; 1 yes, with its value in *v
 * when it takes one (*i moves on when the value is the next word); -1 yes,
 * but its value is missing. */
int rt_opt_value(const char *name, bool takes_value, int argc, char **argv, int *i,
                 const char **v);
/* SIZE: digits, then optionally K, M or G (powers of 1024); 0 for a bad or
 * overflowing one (--memory, and serve's --max-body). */
size_t rt_opt_size(const char *v);
/* What follows the last `/` of path (all of it when none; "" when path ends
 * in `/`): the standalone program's messages start with this name of
 * argv[0], and the compiler names files by it. */
const char *rt_basename(const char *path);
/* `BASE: ` fmt (with %s arg), then `Try `PROG --help`.`; returns 2.  BASE
 * is rt_basename(PROG): `expc` for expc, the program's own name else. */
int rt_usage_error(const char *prog, const char *fmt, const char *arg);
/* `option OPT needs a value` and `unknown option `OPT``, as rt_usage_error. */
int rt_missing_value(const char *prog, const char *opt);
int rt_unknown_option(const char *prog, const char *opt);
/* `expc: NAME is a, b or c, not `V``, as rt_usage_error. */
int rt_bad_word(const char *prog, const char *name, const char *v, const char *words);

/* ------------------------------------------------------------------------
 * Internal: shared between the src/rt files and their unit tests.  Not an
 * interface for the rest of expc.
 * ------------------------------------------------------------------------ */

#include "expc/exitcode.h"

/* Results of the readers' *_next and of rt_src_more. */
#define RT_NEXT_EOF 0      /* no more records (rt_src_more: no more bytes) */
#define RT_NEXT_REC 1      /* a record (rt_src_more: more bytes buffered) */
#define RT_NEXT_READERR (-1) /* read error, errno value in rt_src.err */
#define RT_NEXT_NOMEM (-2)
/* rt_src_more on an in-memory source (fp NULL) that is not at its end: the
 * bytes stop inside a record (par.c parses chunks of a window so). */
#define RT_NEXT_CUT (-4)

/* A buffered input stream.  Records are parsed in place in buf[beg, end);
 * rt_src_more compacts or doubles the buffer and reads another block, so a
 * record is never copied field by field and a line of any length fits. */
typedef struct rt_src {
    FILE *fp;
    const char *name;         /* for messages: the path as given, or <stdin> */
    char *buf;
    size_t cap, beg, end;
    bool eof;                 /* fp is exhausted: buf holds all that is left */
    int err;                  /* errno of a read error (0: unknown) */
    uint64_t line;            /* physical line where the next record starts */
    /* The CSV reader's note (csv.c): the bytes from the end of the last
     * record it validated up to buf[ascii_end] are all ASCII.  0 (as
     * memset leaves it) is always safe: it only means "not known"; code
     * that puts new bytes into buf other than through rt_src_more must
     * set it to 0. */
    size_t ascii_end;
} rt_src;

bool rt_src_init(rt_src *s, FILE *fp, const char *name); /* false: no memory */
int rt_src_more(rt_src *s);
void rt_src_free(rt_src *s);
/* Drops a UTF-8 byte order mark at the very start of the input. */
int rt_src_skip_bom(rt_src *s);

/* One record.  `why` is NULL for a valid record, else the reason it is invalid
 * data (a static string); cust and event then may be anything.  The pointers
 * stay valid until the next call on the reader. */
typedef struct rt_rec {
    const char *cust;
    size_t cust_len;
    const char *event;
    size_t event_len;
    /* The time column's text (a JSON string's escapes undone), when the
     * readers were asked for one; time_why is non-NULL when the line has
     * none (read only for declared events: then it is invalid data). */
    const char *time;
    size_t time_len;
    const char *time_why;
    uint64_t line;            /* physical line the record starts on */
    const char *why;
} rt_rec;

/* The reasons of invalid data (also the NDJSON reader's, where they apply). */
#define RT_WHY_FIELDS "fewer than two fields"
#define RT_WHY_EMPTY_CUSTOMER "empty customer"
#define RT_WHY_EMPTY_EVENT "empty event"
#define RT_WHY_QUOTE "unterminated quote"
#define RT_WHY_AFTER_QUOTE "text after a closing quote"
#define RT_WHY_UTF8 "invalid UTF-8"
#define RT_WHY_JSON "not valid JSON"
#define RT_WHY_JSON_OBJECT "not a JSON object"
#define RT_WHY_JSON_CUSTOMER "no string member \"customer\""
#define RT_WHY_JSON_EVENT "no string member \"event\""
#define RT_WHY_JSON_CUSTOMER_TYPE "member \"customer\" is neither a string nor an integer"
#define RT_WHY_JSON_DEEP "JSON nested deeper than 10000 levels"
#define RT_WHY_JSON_SURROGATE_C "customer holds an unpaired surrogate escape"
#define RT_WHY_JSON_SURROGATE_E "event holds an unpaired surrogate escape"

/* utf8.c: the length of the valid UTF-8 sequence at s[0..n), or 0; whether
 * all n bytes are valid UTF-8. */
size_t rt_utf8_len(const unsigned char *s, size_t n);
bool rt_utf8_valid(const char *p, size_t n);
/* json.c: the value of a hex digit, or -1 (also for URI escapes). */
int rt_hex(unsigned char c);

/* CSV reader (csv.c).  rt_csv_next returns RT_NEXT_NOCOL when a column
 * named by an option is not in the header: want[bad] names it, and
 * hdr_p/hdr_n hold the header's n_hdr fields until the next call. */
#define RT_NEXT_NOCOL (-3)
#define RT_COL_NONE ((size_t)-1)
typedef struct rt_csv {
    rt_src *src;
    bool bom_done;            /* a leading byte order mark was looked for */
    bool started;             /* the first non-empty record (header?) is past */
    bool header;              /* the first record was a header */
    const char *want[3];      /* rt_opts.col */
    size_t col[3];            /* 0-based columns; RT_COL_NONE: no time */
    bool by_name[3];          /* col[k] is the header's `customer`/`event` */
    size_t need;              /* fields a record is read up to */
    int bad;                  /* after RT_NEXT_NOCOL: which want[] */
    /* The fields of the record at hand (the first one: all of them). */
    const char **fp;
    size_t *fn;
    bool *fdq;
    size_t fcap;
    const char **hdr_p;       /* == fp, once the header is read */
    size_t *hdr_n;
    size_t n_hdr;
    char why[64];             /* `fewer than N fields` */
    char time_why[64];
} rt_csv;
void rt_csv_init(rt_csv *r, rt_src *src, const char *const want[3]);
void rt_csv_free(rt_csv *r);
int rt_csv_next(rt_csv *r, rt_rec *rec); /* RT_NEXT_* */

/* JSON (json.c): rt_json_scan checks one document against RFC 8259 and finds
 * up to RT_JSON_KEYS wanted members of its top-level object, each by its
 * whole key or else by a dotted path (`user.id`) of at most RT_JSON_SEGS
 * parts; of duplicate keys the last counts.  Values are left as raw text
 * (a string's between its quotes) in the scanned line; rt_json_decode undoes
 * a string's escapes. */
#define RT_JSON_DEPTH 10000       /* nesting levels allowed; deeper: RT_JSON_DEEP */
#define RT_JSON_KEYS 4
#define RT_JSON_SEGS 16
#define RT_JSON_BAD_TEXT ((size_t)-1)
typedef enum rt_json_status {
    RT_JSON_OK, RT_JSON_SYNTAX, RT_JSON_UTF8, RT_JSON_DEEP
} rt_json_status;
typedef enum rt_json_type {
    RT_JSON_ABSENT, RT_JSON_STRING, RT_JSON_INT, RT_JSON_NUMBER, RT_JSON_OTHER
} rt_json_type;               /* INT: a number without fraction or exponent */
typedef struct rt_json_val {
    rt_json_type type;
    const char *p;            /* raw text: a string's contents, a number as written */
    size_t n;
    bool esc;                 /* a string with escapes (rt_json_decode them) */
} rt_json_val;
typedef struct rt_json_key {
    const char *name;         /* not copied: must outlive the rt_json */
    size_t len;
    size_t n_seg;
    size_t seg_end[RT_JSON_SEGS]; /* end of each dot-separated part */
} rt_json_key;
typedef struct rt_json {
    size_t n_keys;
    rt_json_key keys[RT_JSON_KEYS];
    rt_json_val val[RT_JSON_KEYS]; /* after a scan: the members found */
    bool object;              /* after a scan: the document is an object */
    /* scan state */
    rt_json_val whole[RT_JSON_KEYS], path[RT_JSON_KEYS];
    uint32_t matched[RT_JSON_KEYS]; /* path parts matched by open objects */
    unsigned pend_whole, pend_val, pend_enter; /* bit i: for key i */
    uint32_t depth;
    unsigned char stack[RT_JSON_DEPTH / 8 + 1]; /* bit d: level d is an object */
} rt_json;
void rt_json_init(rt_json *j);
/* Adds a wanted member (val[] in the order added); false: too many keys or
 * path parts. */
bool rt_json_want(rt_json *j, const char *key, size_t len);
rt_json_status rt_json_scan(rt_json *j, const char *p, size_t n);
/* Decodes the raw contents of a valid string into out, which may be p itself
 * (the text never grows); returns its length, or RT_JSON_BAD_TEXT for an
 * escaped surrogate without its other half. */
size_t rt_json_decode(const char *p, size_t n, char *out);
/* One character of a valid string's raw text at p (n bytes left) into out;
 * advances *pos past it; returns its length, 0 for a lone surrogate. */
size_t rt_json_decode_one(const char *p, size_t n, char out[4], size_t *pos);

/* NDJSON reader (ndjson.c, on json.c). */
typedef struct rt_ndjson rt_ndjson;
/* want: rt_opts.col (NULL: the default names; want[2] NULL: no time). */
rt_ndjson *rt_ndjson_new(rt_src *src, const char *const want[3]); /* NULL: no memory */
int rt_ndjson_next(rt_ndjson *r, rt_rec *rec); /* RT_NEXT_* */
void rt_ndjson_free(rt_ndjson *r);

/* Customer table (table.c): id -> dense index in order of first appearance,
 * with one rt_state per customer (states[index]).  See table.c for the
 * layout of `ids`; rt_table_next_id walks it. */
typedef struct rt_slot {
    uint32_t hash;
    uint32_t ent;             /* entry offset in ids / 8, + 1; 0: empty slot */
} rt_slot;
typedef struct rt_table {
    rt_slot *slots;
    size_t mask;              /* number of slots - 1 (a power of two) */
    uint32_t n;               /* customers */
    size_t cap;               /* room in states[] */
    size_t stride;            /* bytes of a state (the engine's; set on first use) */
    rt_state *states;         /* stride bytes apart: rt_table_state */
    char *ids;                /* the entries, in index order */
    size_t ids_len, ids_cap;
    uint64_t sink;            /* see rt_table_intern_many */
} rt_table;
void rt_table_init(rt_table *t);
void rt_table_free(rt_table *t);
/* The index of customer `id`, added (and initialised through e->init) when
 * new; -1 when memory runs out. */
int64_t rt_table_intern(rt_table *t, const char *id, size_t len,
                        const rt_engine *e);
/* The same for n ids at once (id i is base[off[i], off[i] + len[i])), in
 * order, into idx[]: much faster on big tables.  0, or -1 without memory. */
int rt_table_intern_many(rt_table *t, const char *base, const size_t *off,
                         const size_t *len, size_t n, uint32_t *idx,
                         const rt_engine *e);
/* The same with the ids' hashes (rt_table_hash) already computed, for a
 * caller that hashed them anyway - to split customers among threads, say:
 * the table picks slots by the low bits, so split by the high ones
 * (h >> 31 for two parts), or each part's table would crowd half its
 * slots. */
int rt_table_intern_many_h(rt_table *t, const char *base, const size_t *off,
                           const size_t *len, const uint32_t *hash, size_t n,
                           uint32_t *idx, const rt_engine *e);
/* The hash the table keeps for an id (in its slot), computed once per
 * lookup. */
uint32_t rt_table_hash(const char *id, size_t len);
/* Customer i's state. */
#define rt_table_state(t, i) ((rt_state *)(void *)((char *)(t)->states + (size_t)(i) * (t)->stride))
/* The ids in index order: start with *pos = 0; each call returns the next
 * customer's id (and its length in *len).  Call it t->n times at most. */
const char *rt_table_next_id(const rt_table *t, size_t *pos, size_t *len);

/* Buffered writer (output.c): everything goes through one big buffer and
 * leaves in blocks; the first write error is kept and stops the writing. */
/* The stage names of an engine, asked of it once per table rather than
 * once per row (output.c). */
typedef struct rt_out_names {
    int32_t n_notes;
    const char *name[RT_NOTES + 1];
    size_t len[RT_NOTES + 1];
    bool plain[RT_NOTES + 1];   /* written as is in CSV (no quotes needed) */
} rt_out_names;
typedef struct rt_out {
    FILE *fp;
    char *buf;
    size_t len, cap;
    bool failed;
    int err;                  /* errno of the failure (0: unknown) */
    const rt_engine *names_of; /* NULL, or the engine `names` is of */
    rt_out_names names;
} rt_out;
bool rt_out_init(rt_out *w, FILE *fp);
void rt_out_free(rt_out *w);
void rt_out_put(rt_out *w, const char *p, size_t n);
void rt_out_i64(rt_out *w, int64_t v);
void rt_out_u64(rt_out *w, uint64_t v);
void rt_out_csv_field(rt_out *w, const char *p, size_t n);  /* quoted if needed */
void rt_out_json_string(rt_out *w, const char *p, size_t n); /* with its quotes */
/* Flushes the buffer and the stream: false on a write error. */
bool rt_out_flush(rt_out *w);
/* Writes the whole score table to `out`; returns an exit code: 0, 74 after
 * a write error (`PROG: cannot write output: REASON` on `err`), 70 without
 * memory. */
int rt_write_scores(FILE *out, FILE *err, const char *prog, const rt_table *t,
                    const rt_engine *e, rt_format format);
/* The table's CSV header line (nothing for JSON), and one row as
 * rt_write_scores writes it (the service writes its tables with these). */
void rt_out_score_header(rt_out *w, rt_format format);
void rt_out_score_row(rt_out *w, const rt_engine *e, const char *id, size_t idn,
                      const rt_state *st, rt_format format);
/* The --summary funnel on `err`; _parts: of the customers of n tables
 * (the partitions of a --threads run). */
void rt_write_summary(FILE *err, const rt_table *t, const rt_engine *e);
void rt_write_summary_parts(FILE *err, const rt_table *t, size_t n, const rt_engine *e);
/* After the rows: flushes w and frees it; an exit code (74 after `PROG:
 * cannot write output: REASON` on err).  rt_write_scores ends so. */
int rt_out_finish(rt_out *w, FILE *err, const char *prog);

/* ---- --threads (par.c) ----------------------------------------------------
 * A CSV run on several threads: the input is read in windows, each split at
 * LF into one chunk per thread, parsed in parallel; then thread k steps the
 * customers whose hash is k modulo the threads, over the chunks in order,
 * in its own table.  run.c turns each chunk's rt_par_note into the
 * messages and counts of the one-thread path, in file order. */
typedef struct rt_par rt_par;
typedef struct rt_par_note {
    uint64_t lines;           /* valid event lines, declared or not */
    uint64_t declared;
    uint64_t invalid, invalid_at, invalid_line; /* _at: record index in the chunk */
    const char *invalid_why;
    uint64_t unknown, unknown_at, unknown_line;
    const char *unknown_name; /* in the window: valid until the next one */
    size_t unknown_len;
} rt_par_note;
/* A run on `threads` (> 1) threads; NULL: no memory.  Each batch goes to
 * o->step when set (lane: the partition), else to e->step_batch. */
rt_par *rt_par_new(unsigned threads, const rt_engine *e, const struct rt_opts *o);
void rt_par_free(rt_par *p);
/* Adds the declared event read before the take-over (the first record). */
bool rt_par_first(rt_par *p, const char *cust, size_t len, int32_t ev);
/* Takes over src's buffered bytes and its stream (src keeps its buffer,
 * to be freed as usual) once `proto` has read the header or first record:
 * the chunks parse with its columns.  false: no memory. */
bool rt_par_start(rt_par *p, rt_src *src, const rt_csv *proto);
/* Reads and parses the next window: RT_NEXT_REC, then its chunks' notes are
 * *notes[0, returned n) in file order; RT_NEXT_EOF: the input is done;
 * RT_NEXT_READERR (errno value in *err) or RT_NEXT_NOMEM. */
int rt_par_window(rt_par *p, const rt_par_note **notes, size_t *n, int *err);
/* Steps the window's declared events; false: no memory. */
bool rt_par_step(rt_par *p);
/* The table in first-appearance order (rt_write_scores's exit codes), and
 * the --summary of all partitions. */
int rt_par_write(rt_par *p, FILE *out, FILE *err, const char *prog, rt_format format);
void rt_par_summary(const rt_par *p, FILE *err);
/* The partitions' tables: *n of them (rt_run_info.tab). */
const struct rt_table *rt_par_tables(const rt_par *p, size_t *n);
/* Whether the input is big enough for threads: at least this many bytes
 * (EXPC_THREADS_WINDOW, the hidden test knob of HACKING.md: 0). */
size_t rt_par_min_bytes(void);
#endif
