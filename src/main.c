/* main.c - the expc command: options -> load -> check -> lower -> engine.
 *
 * Every command runs the same front end (load_program, then sema_check when
 * all files parsed cleanly) and then does its own last step: `check` stops
 * there, `build` lowers the chosen experience and hands the machine to a
 * backend, `run` hands it to an engine and the runtime, `graph` to the DOT
 * writer, `fmt` formats the parsed files.  Exit codes are exitcode.h's
 * (docs/language.md, "The expc command").
 *
 * Options: the common ones (common_opts) and those of `run` that the
 * standalone program shares (rt_run_options, src/rt/opts.c) are tables read
 * by the runtime's option parser; the rest, each of one command, are matched
 * in parse_command_opt. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/emit.h"
#include "expc/engine.h"
#include "expc/exitcode.h"
#include "expc/ir.h"
#include "expc/llvm_plugin.h"
#include "expc/load.h"
#include "expc/lower.h"
#include "expc/lsp.h"
#include "expc/outfile.h"
#include "expc/report.h"
#include "expc/rt.h"
#include "expc/sema.h"
#include "expc/serve.h"
#include "expc/test.h"
#include "expc/tools.h"
#include "expc/trace.h"

typedef struct cli {
    const char *cmd;
    const char **args;          /* positional arguments */
    size_t n_args;
    const char **includes;      /* -I */
    size_t n_includes;
    bool werror;
    int max_errors;
    diag_format diag_format;
    diag_sarif *sarif;          /* --diagnostics=sarif: the command's log */
    int color;                  /* -1 auto, 0 never, 1 always */
    /* build */
    const char *emit;
    const char *out;
    const char *experience;
    const char *prefix;
    bool main;
    int opt;
    bool md;
    const char *mf;
    /* run */
    const char *engine;
    rt_opts run;                /* rt_run_options; path unset */
    serve_opts serve;           /* serve_options */
    const char **traces;        /* --trace=ID, repeatable */
    size_t n_traces;
    /* test */
    test_opts test;             /* test_options */
    /* fmt */
    bool check, write;
} cli;

/* ---- options -------------------------------------------------------------- */

#define CLI_ALL (~0u) /* rt_optdef.who: every command takes it */

static const char *set_include(void *dst, const char *v, int k)
{
    cli *c = dst;
    (void)k;
    c->includes[c->n_includes++] = v;
    return NULL;
}

static const char *set_max_errors(void *dst, const char *v, int k)
{
    char *end;
    long n = strtol(v, &end, 10);
    (void)k;
    if (!*v || *end || n < 0 || n > 1000000)
        return "--max-errors takes a number, not `%s`";
    ((cli *)dst)->max_errors = (int)n;
    return NULL;
}

static const char *set_diagnostics(void *dst, const char *v, int k)
{
    static const diag_format formats[] = { DIAG_TEXT, DIAG_JSON, DIAG_SARIF }; /* the row's words */
    (void)v;
    ((cli *)dst)->diag_format = formats[k];
    return NULL;
}

static const char *set_color(void *dst, const char *v, int k)
{
    static const int colors[] = { -1, 1, 0 }; /* auto, always, never */
    (void)v;
    ((cli *)dst)->color = colors[k];
    return NULL;
}

/* The options every command takes, before or after the command's name: one
 * table for parse_cli, command_first (which must know the options whose
 * value may be the next word) and `expc --help`. */
static const rt_optdef common_opts[] = {
    { "-I", "DIR", "-I needs a folder", CLI_ALL, "add DIR to the import search path",
      set_include, 0 },
    { "-Werror", NULL, NULL, CLI_ALL, "treat warnings as errors", NULL, offsetof(cli, werror) },
    { "--max-errors", "N", NULL, CLI_ALL, "stop after N errors (default 20, 0: no limit)",
      set_max_errors, 0 },
    { "--diagnostics", "text|json|sarif", NULL, CLI_ALL,
      "diagnostics as text, JSON lines or one SARIF log",
      set_diagnostics, 0 },
    { "--color", "auto|always|never", NULL, CLI_ALL,
      "colours in diagnostics (auto: on a terminal)", set_color, 0 },
    { NULL, NULL, NULL, 0, NULL, NULL, 0 },
};

#define HELP_WIDTH 22 /* the option column of --help */

static const char *const usage_head =
    "usage: expc COMMAND [OPTIONS] FILE...\n"
    "\n"
    "Checks Experience Scripts and compiles them into customer-scoring machines.\n"
    "\n"
    "commands:\n"
    "  check   FILE.exp...                check scripts, report every mistake\n"
    "  build   FILE.exp --emit=KIND       compile an experience (c, llvm-ir, llvm-bc, obj, pg)\n"
    "  run     FILE.exp [EVENTS]          score a CSV or NDJSON event log\n"
    "  serve   FILE.exp --data=DIR        the scoring service over HTTP (docs/service.md)\n"
    "  test    FILE.exp...                run the scripts' `test` blocks\n"
    "  fmt     FILE.exp...                print or rewrite in the canonical layout\n"
    "  graph   FILE.exp                   Graphviz DOT of the scoring machine\n"
    "  explain CODE                       what a diagnostic code means, with an example\n"
    "  lsp                                language server for editors (stdin/stdout)\n"
    "\n"
    "common options (before or after the command):\n";

static void print_usage(FILE *f)
{
    fputs(usage_head, f);
    rt_opt_help(f, common_opts, CLI_ALL, HELP_WIDTH);
    fputs("  --version, --help      (`expc COMMAND --help` for a command's options)\n", f);
}

/* The first part of `expc CMD --help` (command.more_help prints the rest);
 * NULL for an unknown CMD. */
static const char *command_help(const char *cmd)
{
    if (!strcmp(cmd, "check"))
        return "usage: expc check [OPTIONS] FILE.exp...\n"
               "\n"
               "Checks each script and its imports and reports every mistake found:\n"
               "lexical and syntax errors first, then the checks of the language.\n"
               "Exit 0 when clean (warnings allowed), 1 on errors (or warnings with -Werror).\n"
               "\n";
    if (!strcmp(cmd, "build"))
        return "usage: expc build FILE.exp --emit=KIND [OPTIONS]\n"
               "\n"
               "Compiles one experience into code.\n"
               "\n"
               "  --emit=KIND          c (out.c + out.h), llvm-ir (.ll), llvm-bc (.bc),\n"
               "                       obj (.o, native object), pg (PostgreSQL extension folder)\n"
               "  -o OUT               output file (default: the script's base name + extension);\n"
               "                       -o - is standard output (llvm-ir, llvm-bc, obj)\n"
               "  --experience NAME    which experience (needed when the file has several)\n"
               "  --prefix P           prefix of generated names (default exp_NAME)\n"
               "  --main               C only: add a main() that scores a CSV or NDJSON event log\n"
               "  -O0 -O1 -O2 -O3      optimisation level (default -O2)\n"
               "  -MD                  also write a make dependency file (OUT.d)\n"
               "  -MF FILE             name of the dependency file (implies -MD)\n"
               "  and the common options (see expc --help)\n";
    if (!strcmp(cmd, "run"))
        return "usage: expc run FILE.exp [EVENTS] [OPTIONS]\n"
               "\n"
               "Scores an event log (CSV: customer,event,...; or NDJSON) and prints one\n"
               "row per customer. EVENTS absent or `-` reads standard input.\n"
               "\n"
               "  --experience NAME      which experience (needed when the file has several)\n";
    if (!strcmp(cmd, "serve"))
        return "usage: expc serve FILE.exp --data=DIR [OPTIONS]\n"
               "\n"
               "Runs the experience as an HTTP service: POST /v1/events, GET and DELETE\n"
               "/v1/customers/ID, GET /v1/scores, /v1/funnel, /healthz, /metrics. State\n"
               "lives in DIR (LMDB); a 200 is sent once the events are on disk.\n"
               "\n"
               "  --experience NAME      which experience (needed when the file has several)\n"
               "  --engine=interp|jit    engine (default jit when built with LLVM)\n"
               "  --customer=COL --event=COL --time=COL --input=csv|ndjson\n"
               "                         how bodies are read, as for `expc run`\n";
    if (!strcmp(cmd, "test"))
        return "usage: expc test FILE.exp... [OPTIONS]\n"
               "\n"
               "Checks each script as `check` does and runs the `test` blocks written in\n"
               "the scripts named (not in their imports): one fresh customer per test.\n"
               "Exit 0 when every test passed; 1 when one failed, a script has errors,\n"
               "coverage is below --threshold, or there is no test to run.\n"
               "\n";
    if (!strcmp(cmd, "fmt"))
        return "usage: expc fmt [--check | -w] FILE.exp...\n"
               "\n"
               "Prints each script in the canonical layout, comments kept; FILE `-` is\n"
               "standard input (not with -w).\n"
               "  -w        rewrite the files in place\n"
               "  --check   change nothing; name each file not formatted, exit 1 if any\n";
    if (!strcmp(cmd, "graph"))
        return "usage: expc graph FILE.exp [--experience NAME] [-o OUT.dot]\n"
               "\n"
               "Writes the scoring machine as a Graphviz DOT graph (render: dot -Tsvg),\n"
               "on standard output without -o or with -o -.\n";
    if (!strcmp(cmd, "explain"))
        return "usage: expc explain CODE\n"
               "\n"
               "Explains a diagnostic code (E0303, W0404, ...) with a wrong example and\n"
               "its fix. `expc explain --list` lists every code.\n";
    if (!strcmp(cmd, "lsp"))
        return "usage: expc lsp [-I DIR]...\n"
               "\n"
               "The language server (LSP 3.17) for editors, on standard input and output:\n"
               "diagnostics as you type, hover, go to definition, symbols, formatting,\n"
               "completion and quick fixes.  docs/editors.md sets up Neovim and VS Code.\n"
               "  --stdio   accepted, and the default (what some clients pass)\n";
    return NULL;
}

/* `expc check --help`: its options are the common ones. */
static void check_help(FILE *f)
{
    fputs("options:\n", f);
    rt_opt_help(f, common_opts, CLI_ALL, HELP_WIDTH);
}

/* `expc run --help`: the engines and the run options from their tables. */
static void run_help(FILE *f)
{
    char engine_opt[128];
    snprintf(engine_opt, sizeof engine_opt, "--engine=%s", engine_names());
    fprintf(f, "  %-*s engine (default jit when built with LLVM)\n", HELP_WIDTH, engine_opt);
    rt_opt_help(f, rt_run_options, RT_OPT_RUN, HELP_WIDTH);
    fprintf(f, "  %-*s one line per event of customer ID on stderr (repeatable)\n", HELP_WIDTH,
            "--trace=ID");
    fputs("  and the common options (see expc --help)\n", f);
}

/* `expc test --help`: its options, then the engines. */
static void test_help(FILE *f)
{
    char engine_opt[128];
    snprintf(engine_opt, sizeof engine_opt, "--engine=%s", engine_names());
    rt_opt_help(f, test_options, TEST_OPT, HELP_WIDTH);
    fprintf(f, "  %-*s engine (default jit when built with LLVM)\n", HELP_WIDTH, engine_opt);
    fputs("  and the common options (see expc --help)\n", f);
}

typedef struct command {
    const char *name;
    void (*more_help)(FILE *f);       /* the end of its --help, from tables; or NULL */
    int (*run)(const cli *c, const char *argv0);
} command;

static const command *find_command(const char *name);

/* `expc CMD --help` (the general usage for no known CMD) on stdout. */
static void print_help(const char *cmd)
{
    const command *k = cmd ? find_command(cmd) : NULL;
    if (!k) {
        print_usage(stdout);
        return;
    }
    fputs(command_help(cmd), stdout);
    if (k->more_help)
        k->more_help(stdout);
}

/* Flushes stdout; a failed write (a full disk, /dev/full, a closed pipe)
 * is exit 74, never a silent success. */
static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "expc: cannot write output: %s\n", strerror(errno ? errno : EIO));
        return RT_EXIT_IOERR;
    }
    return RT_EXIT_OK;
}

static int usage_error(const char *fmt, const char *arg)
{
    return rt_usage_error("expc", fmt, arg);
}

static void print_version(void)
{
#if EXPC_LLVM
    printf("expc %s (LLVM %s)\n", EXPC_VERSION, EXPC_LLVM_VERSION);
#else
    printf("expc %s (built without LLVM)\n", EXPC_VERSION);
#endif
}

/* `--name=value` or `--name value`: returns the value, or NULL when the word
 * at hand is not this option.  Sets *err when the value is missing. */
static const char *opt_value(const char *name, rt_args *av, bool *err)
{
    const char *v = NULL;
    int m = rt_opt_value(name, true, av->argc, av->argv, &av->i, &v);
    if (m < 0)
        *err = true;
    return m > 0 ? v : NULL;
}

/* The options of one command that are not in a table (build, fmt,
 * explain; run's --experience and --engine).  RT_OPT_UNKNOWN when the word
 * at hand is none of them. */
static int parse_command_opt(cli *c, rt_args *av)
{
    char **argv = av->argv;
    const char *a = argv[av->i];
    const char *v;
    bool err = false;
    if ((v = opt_value("--emit", av, &err))) {
        c->emit = v;
    } else if (!strcmp(a, "-o")) {
        if (av->i + 1 >= av->argc)
            return usage_error("-o needs a file name", "");
        c->out = argv[++av->i];
    } else if ((v = opt_value("--experience", av, &err))) {
        c->experience = v;
    } else if ((v = opt_value("--prefix", av, &err))) {
        c->prefix = v;
    } else if (!strcmp(a, "--main")) {
        c->main = true;
    } else if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
        c->opt = a[2] - '0';
    } else if (!strcmp(a, "-MD")) {
        c->md = true;
    } else if (!strcmp(a, "-MF")) {
        if (av->i + 1 >= av->argc)
            return usage_error("-MF needs a file name", "");
        c->mf = argv[++av->i];
        c->md = true;
    } else if ((v = opt_value("--engine", av, &err))) {
        if (!engine_find(v))
            return rt_bad_word("expc", "--engine", v, engine_names());
        c->engine = v;
    } else if ((v = opt_value("--trace", av, &err))) {
        c->traces[c->n_traces++] = v;
    } else if (!strcmp(a, "--check")) {
        c->check = true;
    } else if (!strcmp(a, "-w")) {
        c->write = true;
    } else if (!strcmp(a, "--stdio") && !strcmp(c->cmd, "lsp")) {
        /* the only transport */
    } else if (!strcmp(a, "--list") && !strcmp(c->cmd, "explain")) {
        c->args[c->n_args++] = a;
    } else if (!err) {
        return RT_OPT_UNKNOWN;
    }
    return err ? rt_missing_value("expc", a) : RT_EXIT_OK;
}

static int parse_cli(cli *c, int argc, char **argv)
{
    rt_args av = { argc, argv, 2, "expc" };
    bool only_args = false;
    c->args = xmalloc((size_t)argc * sizeof *c->args);
    c->includes = xmalloc((size_t)argc * sizeof *c->includes);
    c->traces = xmalloc((size_t)argc * sizeof *c->traces);
    for (; av.i < argc; av.i++) {
        const char *a = argv[av.i];
        int rc;
        if (only_args || a[0] != '-' || !strcmp(a, "-")) {
            c->args[c->n_args++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = true;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_help(c->cmd);
            exit(finish_stdout());
        }
        if (!strcmp(a, "--version")) {
            print_version();
            exit(finish_stdout());
        }
        /* Every command takes the run options, as it takes the others. */
        rc = rt_opt_parse(common_opts, CLI_ALL, c, &av);
        if (rc == RT_OPT_UNKNOWN && !strcmp(c->cmd, "test")) /* its own --format */
            rc = rt_opt_parse(test_options, TEST_OPT, &c->test, &av);
        if (rc == RT_OPT_UNKNOWN)
            rc = rt_opt_parse(rt_run_options, RT_OPT_RUN, &c->run, &av);
        if (rc == RT_OPT_UNKNOWN && !strcmp(c->cmd, "serve"))
            rc = rt_opt_parse(serve_options, SERVE_OPT, &c->serve, &av);
        if (rc == RT_OPT_UNKNOWN)
            rc = parse_command_opt(c, &av);
        if (rc == RT_OPT_UNKNOWN)
            return rt_unknown_option("expc", a);
        if (rc != RT_EXIT_OK)
            return rc;
    }
    return RT_EXIT_OK;
}

/* ---- the front end ------------------------------------------------------ */

typedef struct unit {
    arena *a;
    diag_ctx d;
    load_opts lo;
    program *prog;
} unit;

static void unit_init(unit *u, const cli *c, const char *argv0)
{
    u->a = arena_new();
    diag_init(&u->d, u->a);
    u->d.format = c->diag_format;
    u->d.sarif = c->sarif;
    u->d.werror = c->werror;
    /* `run` scores events: its stderr is the run's own report, byte for byte
     * the same as a `build --main` program's, so the script's warnings are
     * left to `check` and `build` (under -Werror they still stop it). */
    u->d.hide_warnings = !strcmp(c->cmd, "run");
    u->d.max_errors = c->max_errors;
    if (c->color < 0) {
        const char *term = getenv("TERM");
        u->d.color = isatty(2) && !getenv("NO_COLOR") && term && strcmp(term, "dumb");
    } else {
        u->d.color = c->color == 1;
    }
    u->lo = (load_opts){ .include_dirs = c->includes, .n_include = c->n_includes,
                         .stdlib_dir = load_find_stdlib(u->a, argv0) };
}

/* Loads and checks `path`.  Returns 0 when it is clean (warnings allowed),
 * 1 on errors, 66 when it cannot be read. */
static int front_end(unit *u, const char *path, bool check)
{
    u->prog = load_program(u->a, &u->d, &u->lo, path);
    if (!u->prog) {
        diag_flush(&u->d);
        return RT_EXIT_NOINPUT;
    }
    /* The checks (docs/language.md, "Checks") run only on files that lex
     * and parse cleanly. */
    if (u->prog->syntax_errors == 0 && u->d.errors == 0 && check)
        sema_check(u->a, &u->d, u->prog);
    diag_flush(&u->d);
    return u->d.errors ? RT_EXIT_ERRORS : RT_EXIT_OK;
}

/* The experience a build/run/graph is about: --experience NAME, or the only
 * one.  NULL after a usage message. */
static const ast_item *pick_experience(const unit *u, const cli *c, const char *path)
{
    const program *p = u->prog;
    if (c->experience) {
        const ast_item *e = sema_find_experience(p, c->experience);
        if (e)
            return e;
        fprintf(stderr, "expc: %s has no experience `%s`", path, c->experience);
    } else if (p->n_experiences == 1) {
        return p->experiences[0];
    } else if (p->n_experiences == 0) {
        fprintf(stderr, "expc: %s declares no experience\n", path);
        return NULL;
    } else {
        fprintf(stderr, "expc: %s declares %zu experiences; choose one with --experience",
                path, p->n_experiences);
    }
    fputs("; the choices are:", stderr);
    for (size_t i = 0; i < p->n_experiences; i++)
        fprintf(stderr, " %s", p->experiences[i]->name.name);
    fputc('\n', stderr);
    return NULL;
}

static int need_one_script(const cli *c)
{
    if (c->n_args < 1)
        return usage_error("%s needs a script file", c->cmd);
    return RT_EXIT_OK;
}

static int cmd_check(const cli *c, const char *argv0)
{
    if (c->n_args == 0)
        return usage_error("check needs at least one script file%s", "");
    int rc = RT_EXIT_OK;
    for (size_t i = 0; i < c->n_args; i++) {
        unit u;
        unit_init(&u, c, argv0);
        int r = front_end(&u, c->args[i], true);
        if (r > rc)
            rc = r;
        arena_free(u.a);
    }
    return rc;
}

/* Lowers the chosen experience; returns an exit code, *m on success. */
static int compile_machine(unit *u, const cli *c, const char *path, ir_machine **m)
{
    int rc = front_end(u, path, true);
    if (rc)
        return rc;
    const ast_item *e = pick_experience(u, c, path);
    if (!e)
        return RT_EXIT_USAGE;
    *m = ir_lower(u->a, e);
    return RT_EXIT_OK;
}

/* A path as one word of a make rule: space and # escaped, $ doubled. */
static void put_make_word(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '#')
            fputc('\\', f);
        if (*s == '$')
            fputc('$', f);
        fputc(*s, f);
    }
}

/* A make rule `OUT: SCRIPT IMPORTS...` so pipelines rebuild generated code
 * when an imported file changes (like cc -MD); spaces are escaped as make
 * wants. */
static int write_depfile(unit *u, const char *target, const char *file)
{
    outfile of;
    if (!outfile_open(&of, file))
        return RT_EXIT_IOERR;
    FILE *f = of.f;
    put_make_word(f, target);
    fputc(':', f);
    for (size_t i = 0; i < u->prog->n_files; i++) {
        fputs(" \\\n ", f);
        put_make_word(f, u->prog->files[i]->src->path);
    }
    fputc('\n', f);
    /* Phony targets for each import, so deleting one does not break make. */
    for (size_t i = 1; i < u->prog->n_files; i++)
        fprintf(f, "\n%s:\n", u->prog->files[i]->src->path);
    return outfile_commit(&of, 1, true);
}

/* The backend --emit names, when this expc has it; NULL after saying why
 * (a usage error). */
static const emit_backend *pick_backend(const cli *c, arena *a)
{
    const char *kinds = emit_kind_list(a, false, ", ");
    if (!c->emit) {
        usage_error("build needs --emit=KIND (%s)", kinds);
        return NULL;
    }
    for (size_t i = 0; emit_backends[i]; i++) {
        const emit_backend *be = emit_backends[i];
        if (strcmp(be->kind, c->emit))
            continue;
        if (be->needs_llvm && !be->emit) {
            fprintf(stderr, "expc: --emit=%s needs LLVM, and this expc was built without it "
                            "(make LLVM=0); use --emit=c\n", c->emit);
            return NULL;
        }
        return be;
    }
    usage_error("%s", arena_printf(a, "unknown --emit kind `%s` (%s)", c->emit, kinds));
    return NULL;
}

/* The checks of `build` that need no script; *be is the backend. */
static int check_build(const cli *c, arena *a, const emit_backend **be)
{
    *be = pick_backend(c, a);
    if (!*be)
        return RT_EXIT_USAGE;
    if (c->main && strcmp((*be)->kind, "c"))
        return usage_error("--main goes with --emit=c, not --emit=%s", c->emit);
    if (c->prefix && !emit_prefix_ok(c->prefix))
        return usage_error("--prefix `%s` is not a C identifier", c->prefix);
    if (c->out && !strcmp(c->out, "-")) {
        /* Standard output holds one file. */
        if ((*be)->several)
            return usage_error("%s", arena_printf(a, "--emit=%s writes %s: -o - (standard "
                                                  "output) is for --emit=%s", (*be)->kind,
                                                  (*be)->several, emit_kind_list(a, true, " and ")));
        if (c->md && !c->mf)
            return usage_error("-MD with -o - needs -MF FILE for the dependency file%s", "");
    }
    return RT_EXIT_OK;
}

/* What every command on a compiled machine shares: load and check the
 * script, lower its experience, hand the machine to `fn`, free it all. */
typedef int machine_fn(unit *u, const cli *c, const ir_machine *m, const void *arg);
static int with_machine(const cli *c, const char *argv0, machine_fn *fn, const void *arg)
{
    unit u;
    unit_init(&u, c, argv0);
    ir_machine *m = NULL;
    int rc = compile_machine(&u, c, c->args[0], &m);
    if (!rc)
        rc = fn(&u, c, m, arg);
    arena_free(u.a);
    return rc;
}

/* build's last step: the backend `arg` writes the machine (and -MD its
 * dependency file). */
static int build_machine(unit *u, const cli *c, const ir_machine *m, const void *arg)
{
    const emit_backend *be = arg;
    emit_opts o = { 0 };
    o.out = c->out ? c->out : emit_default_out(u->a, c->args[0], be->ext);
    o.prefix = c->prefix; /* NULL: the backend's default (emit_prefix) */
    o.opt_level = c->opt;
    o.main = c->main;
    int rc = be->emit(u->a, m, &o);
    if (!rc && c->md) {
        const char *dep = c->mf ? c->mf : arena_printf(u->a, "%s.d", o.out);
        rc = write_depfile(u, o.out, dep);
    }
    return rc;
}

static int cmd_build(const cli *c, const char *argv0)
{
    int rc = need_one_script(c);
    if (rc)
        return rc;
    if (c->n_args > 1)
        return usage_error("build takes one script, not also `%s`", c->args[1]);
    const emit_backend *be;
    arena *names = arena_new(); /* the kind lists of messages */
    rc = check_build(c, names, &be);
    arena_free(names);
    return rc ? rc : with_machine(c, argv0, build_machine, be);
}

/* run's last step: the events scored with engine `arg` over the machine. */
static int run_machine(unit *u, const cli *c, const ir_machine *m, const void *arg)
{
    const engine *en = arg;
    rt_opts o = c->run;
    rt_engine e;
    void *h = NULL;
    (void)u;
    o.path = c->n_args > 1 ? c->args[1] : NULL;
    report_run *rep = o.report ? report_run_start(m, &o) : NULL; /* counts, then the page */
    int rc = en->open(m, c->opt, o.report != NULL, &e, &h);
    if (rc != RT_EXIT_OK) {
        report_run_free(rep);
        return rc;
    }
    if (rep && !e.step_batch_tally) { /* open's contract (engine.h) */
        fprintf(stderr, "expc: internal error: engine %s cannot count for --report\n", en->name);
        report_run_free(rep);
        en->close(h);
        return RT_EXIT_SOFTWARE;
    }
    e.experience = m->name; /* whichever engine: named in `no event ... declared` */
    trace_run *tr = NULL;
    if (c->n_traces) {
        tr = trace_run_new(m, c->traces, c->n_traces, o.col[RT_COL_TIME] != NULL, stderr);
        o.trace = trace_run_event;
        o.trace_ctx = tr;
    }
    rc = rt_run(&o, &e);
    trace_run_end(tr);
    report_run_free(rep);
    en->close(h);
    return rc;
}

/* --engine's engine, or without it the fastest that can run here; NULL
 * after a usage message when this expc lacks it. */
static const engine *pick_engine(const cli *c)
{
    const engine *en = c->engine ? engine_find(c->engine) : NULL;
    if (en && !engine_built(en)) {
        fprintf(stderr, "expc: --engine=%s needs LLVM, and this expc was built without it "
                        "(make LLVM=0); use --engine=%s\n", en->name, engine_default()->name);
        return NULL;
    }
    return en ? en : engine_default();
}

static int cmd_run(const cli *c, const char *argv0)
{
    int rc = need_one_script(c);
    if (rc)
        return rc;
    if (c->n_args > 2)
        return usage_error("run takes a script and one event file, not also `%s`", c->args[2]);
    const engine *en = pick_engine(c);
    return en ? with_machine(c, argv0, run_machine, en) : RT_EXIT_USAGE;
}

/* Each script checked as `check` does; test.c runs the tests of those that
 * are clean. */
static int cmd_test(const cli *c, const char *argv0)
{
    if (c->n_args == 0)
        return usage_error("test needs at least one script file%s", "");
    const engine *en = pick_engine(c);
    test_session *ts;
    int rc = en ? test_begin(&c->test, en, c->opt, &ts) : RT_EXIT_USAGE;
    for (size_t i = 0; rc != RT_EXIT_USAGE && i < c->n_args; i++) {
        unit u;
        unit_init(&u, c, argv0);
        int r = front_end(&u, c->args[i], true);
        if (r == RT_EXIT_OK)
            r = test_file(ts, u.prog);
        if (r > rc)
            rc = r;
        arena_free(u.a);
    }
    return rc == RT_EXIT_USAGE ? rc : test_end(ts, rc);
}

/* serve's last step: the service over the machine with engine `arg`. */
static int serve_machine(unit *u, const cli *c, const ir_machine *m, const void *arg)
{
    (void)u;
    return serve_main(m, arg, c->opt, &c->run, &c->serve);
}

static int cmd_serve(const cli *c, const char *argv0)
{
    int rc = need_one_script(c);
    if (rc)
        return rc;
    if (c->n_args > 1)
        return usage_error("serve takes one script, not also `%s`", c->args[1]);
    const engine *en = pick_engine(c);
    return en ? with_machine(c, argv0, serve_machine, en) : RT_EXIT_USAGE;
}

/* graph's last step: the machine as DOT, on -o FILE or standard output. */
static int graph_machine(unit *u, const cli *c, const ir_machine *m, const void *arg)
{
    (void)u;
    (void)arg;
    if (c->out) {
        outfile of;
        if (!outfile_open(&of, c->out))
            return RT_EXIT_IOERR;
        int w = graph_write(of.f, m);
        return outfile_commit(&of, 1, w == 0);
    }
    if (graph_write(stdout, m) != 0) {
        fprintf(stderr, "expc: cannot write output: %s\n", strerror(errno ? errno : EIO));
        return RT_EXIT_IOERR;
    }
    return finish_stdout();
}

static int cmd_graph(const cli *c, const char *argv0)
{
    int rc = need_one_script(c);
    return rc ? rc : with_machine(c, argv0, graph_machine, NULL);
}

/* Formats one script (`-`: standard input, named <stdin>) as `expc fmt`
 * was asked; returns its exit code. */
static int fmt_one(const cli *c, const char *argv0, const char *path)
{
    bool from_stdin = !strcmp(path, "-");
    const char *name = from_stdin ? "<stdin>" : path;
    unit u;
    unit_init(&u, c, argv0);
    size_t len;
    char *text = from_stdin ? load_read_fd(u.a, 0, &len) : load_read_file(u.a, path, &len);
    if (!text) {
        fprintf(stderr, "expc: %s: %s\n", name, strerror(errno));
        arena_free(u.a);
        return RT_EXIT_NOINPUT;
    }
    src_file *src = arena_alloc(u.a, sizeof *src);
    src->path = name;
    src->real = name;
    src->text = text;
    src->len = len;
    src_index(u.a, src);
    ast_file *f = ast_parse(u.a, &u.d, src);
    diag_flush(&u.d);
    int rc = RT_EXIT_OK;
    if (f->syntax_errors || u.d.errors) {
        /* Never rewrite what we could not read. */
        arena_free(u.a);
        return RT_EXIT_ERRORS;
    }
    char *out = fmt_format(u.a, f);
    size_t olen = strlen(out);
    bool same = olen == len && memcmp(out, text, len) == 0;
    if (c->check) {
        if (!same) {
            printf("%s\n", name);
            rc = RT_EXIT_ERRORS;
        }
    } else if (c->write) {
        if (!same) {
            outfile of;
            rc = RT_EXIT_IOERR;
            if (outfile_open(&of, path)) {
                fwrite(out, 1, olen, of.f);
                rc = outfile_commit(&of, 1, true);
            }
        }
    } else if (fwrite(out, 1, olen, stdout) != olen) {
        rc = RT_EXIT_IOERR;
    }
    arena_free(u.a);
    return rc;
}

static int cmd_fmt(const cli *c, const char *argv0)
{
    if (c->n_args == 0)
        return usage_error("fmt needs at least one script file%s", "");
    if (c->check && c->write)
        return usage_error("fmt takes --check or -w, not both%s", "");
    for (size_t i = 0; c->write && i < c->n_args; i++)
        if (!strcmp(c->args[i], "-"))
            return usage_error("fmt -w rewrites files in place, not standard input (`-`)%s", "");
    int rc = RT_EXIT_OK;
    for (size_t i = 0; i < c->n_args; i++) {
        int r = fmt_one(c, argv0, c->args[i]);
        if (r > rc)
            rc = r; /* the worst */
    }
    int w = finish_stdout();
    return w ? w : rc;
}

static void print_indented(const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n)
            printf("    %.*s\n", (int)n, p);
        else
            putchar('\n');
        p += n + (nl ? 1 : 0);
    }
}

static int cmd_explain(const cli *c)
{
    if (c->n_args != 1)
        return usage_error("explain takes one diagnostic code, such as E0303%s", "");
    const char *q = c->args[0];
    if (!strcmp(q, "--list")) {
        for (size_t i = 0; i < diag_code_count; i++)
            printf("%s  %-7s  %s\n", diag_codes[i].code,
                   diag_codes[i].severity == DIAG_ERROR ? "error" : "warning",
                   diag_codes[i].summary);
        return RT_EXIT_OK;
    }
    const diag_code *d = NULL;
    for (size_t i = 0; i < diag_code_count; i++)
        if (!strcasecmp(diag_codes[i].code, q))
            d = &diag_codes[i];
    if (!d) {
        fprintf(stderr, "expc: unknown diagnostic code `%s`; `expc explain --list` lists them\n", q);
        return RT_EXIT_USAGE;
    }
    printf("%s (%s): %s\n\n%s\n", d->code, d->severity == DIAG_ERROR ? "error" : "warning",
           d->summary, d->explanation);
    if (d->wrong) {
        printf("\nFor example, this is wrong:\n\n");
        print_indented(d->wrong);
    }
    if (d->right) {
        printf("\nand this is right:\n\n");
        print_indented(d->right);
    }
    return finish_stdout();
}

/* `expc -Werror -I lib check f.exp`: the common options may come before the
 * command too (as in git).  Moves the command to argv[1], the options that
 * came before it right after, so parse_cli sees one list.  Returns false
 * when there is no command at all. */
static bool command_first(int argc, char **argv)
{
    int k = 1;
    while (k < argc && argv[k][0] == '-' && strcmp(argv[k], "-")) {
        const char *a = argv[k], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "--version"))
            break; /* answered as if it were the command */
        /* A common option's value may be the next word: rt_opt_value then
         * moves j on to it. */
        int j = k;
        for (const rt_optdef *d = common_opts; d->name; d++)
            if (d->value && rt_opt_value(d->name, true, argc, argv, &j, &v) != 0)
                break;
        k = j + 1;
    }
    if (k >= argc)
        return false;
    char *cmd = argv[k];
    memmove(argv + 2, argv + 1, (size_t)(k - 1) * sizeof *argv);
    argv[1] = cmd;
    return true;
}

static int cmd_explain_main(const cli *c, const char *argv0)
{
    (void)argv0;
    return cmd_explain(c);
}

/* The language server on stdin/stdout, with -I and the stdlib. */
static int cmd_lsp(const cli *c, const char *argv0)
{
    if (c->n_args)
        return usage_error("lsp takes no file (the editor sends them), not `%s`", c->args[0]);
    unit u;
    unit_init(&u, c, argv0);
    int rc = lsp_main(&u.lo);
    arena_free(u.a);
    return rc;
}

static const command commands[] = {
    { "check", check_help, cmd_check },
    { "build", NULL, cmd_build },
    { "run", run_help, cmd_run },
    { "serve", serve_help, cmd_serve },
    { "test", test_help, cmd_test },
    { "fmt", NULL, cmd_fmt },
    { "graph", NULL, cmd_graph },
    { "explain", NULL, cmd_explain_main },
    { "lsp", NULL, cmd_lsp },
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return RT_EXIT_USAGE;
    }
    if (!command_first(argc, argv))
        return usage_error("no command (check, build, run, serve, test, fmt, graph, explain, lsp) after `%s`",
                           argv[argc - 1]);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        print_help(argc > 2 ? argv[2] : NULL);
        return finish_stdout();
    }
    if (!strcmp(cmd, "--version")) {
        print_version();
        return finish_stdout();
    }
    const command *k = find_command(cmd);
    if (!k)
        return usage_error("unknown command `%s`", cmd);
    cli c = { 0 };
    c.cmd = cmd;
    c.max_errors = 20;
    c.color = -1;
    c.opt = 2;
    rt_opts_init(&c.run);
    serve_opts_init(&c.serve);
    test_opts_init(&c.test);
    int rc = parse_cli(&c, argc, argv);
    /* SARIF is one document: every script's results go into one log,
     * written when the command ends (`explain` reports nothing). */
    if (!rc && c.diag_format == DIAG_SARIF && k->run != cmd_explain_main)
        c.sarif = diag_sarif_new();
    if (!rc)
        rc = k->run(&c, argv[0]);
    if (c.sarif && diag_sarif_write(c.sarif, stderr, EXPC_VERSION) != 0 && !rc)
        rc = RT_EXIT_IOERR;
    free(c.args);
    free(c.includes);
    free(c.traces);
#if EXPC_LLVM
    llvm_plugin_unload();
#endif
    return rc;
}
