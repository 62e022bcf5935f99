/* main.c - the expc command: options -> load -> check -> lower -> engine.
 *
 * Every command runs the same front end (load_program, then sema_check when
 * all files parsed cleanly) and then does its own last step: `check` stops
 * there, `build` lowers the chosen experience and hands the machine to a
 * backend, `run` hands it to an engine and the runtime, `graph` to the DOT
 * writer, `fmt` formats the parsed files.  Exit codes are SPEC §5's: 0 ok,
 * 1 script errors, 2 usage, 65 bad event data, 66 unreadable input, 70
 * internal, 74 unwritable output. */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/emit.h"
#include "expc/interp.h"
#include "expc/ir.h"
#include "expc/jit.h"
#include "expc/llvm_plugin.h"
#include "expc/load.h"
#include "expc/lower.h"
#include "expc/outfile.h"
#include "expc/rt.h"
#include "expc/sema.h"
#include "expc/tools.h"

#define EX_USAGE 2
#define EX_NOINPUT 66
#define EX_SOFTWARE 70

typedef struct cli {
    const char *cmd;
    const char **args;          /* positional arguments */
    size_t n_args;
    const char **includes;      /* -I */
    size_t n_includes;
    bool werror;
    int max_errors;
    diag_format diag_format;
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
    rt_format format;
    rt_input input;
    bool strict, skip_invalid, summary;
    /* fmt */
    bool check, write;
} cli;

static const char *const usage_text =
    "usage: expc COMMAND [OPTIONS] FILE...\n"
    "\n"
    "Checks Experience Scripts and compiles them into customer-scoring machines.\n"
    "\n"
    "commands:\n"
    "  check   FILE.exp...                check scripts, report every mistake\n"
    "  build   FILE.exp --emit=KIND       compile an experience (c, llvm-ir, llvm-bc, obj, pg)\n"
    "  run     FILE.exp [EVENTS]          score a CSV or NDJSON event log\n"
    "  fmt     FILE.exp...                print or rewrite in the canonical layout\n"
    "  graph   FILE.exp                   Graphviz DOT of the scoring machine\n"
    "  explain CODE                       what a diagnostic code means, with an example\n"
    "\n"
    "common options (before or after the command):\n"
    "  -I DIR                 add DIR to the import search path\n"
    "  -Werror                treat warnings as errors\n"
    "  --max-errors N         stop after N errors (default 20, 0: no limit)\n"
    "  --diagnostics=text|json\n"
    "  --color=auto|always|never\n"
    "  --version, --help      (`expc COMMAND --help` for a command's options)\n";

static const char *command_help(const char *cmd)
{
    if (!strcmp(cmd, "check"))
        return "usage: expc check [OPTIONS] FILE.exp...\n"
               "\n"
               "Checks each script and its imports and reports every mistake found:\n"
               "lexical and syntax errors first, then the checks of the language.\n"
               "Exit 0 when clean (warnings allowed), 1 on errors (or warnings with -Werror).\n"
               "\n"
               "options: -I DIR, -Werror, --max-errors N, --diagnostics=text|json,\n"
               "         --color=auto|always|never\n";
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
               "  --main               C only: add a main() that scores a CSV event log\n"
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
               "  --experience NAME      which experience (needed when the file has several)\n"
               "  --engine=interp|jit    engine (default jit when built with LLVM)\n"
               "  --format=csv|json      output format (default csv)\n"
               "  --input=csv|ndjson     input format (default: by extension, .ndjson/.jsonl)\n"
               "  --strict               an undeclared event name is an error (exit 65)\n"
               "  --skip-invalid         skip and count invalid lines instead of failing\n"
               "  --summary              print the funnel per stage on stderr\n"
               "  and the common options (see expc --help)\n";
    if (!strcmp(cmd, "fmt"))
        return "usage: expc fmt [--check | -w] FILE.exp...\n"
               "\n"
               "Prints each script in the canonical layout, comments kept.\n"
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
    return NULL;
}

/* Flushes stdout; a failed write (a full disk, /dev/full, a closed pipe)
 * is exit 74, never a silent success. */
static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "expc: cannot write output: %s\n", strerror(errno ? errno : EIO));
        return 74;
    }
    return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("expc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry `expc --help`.\n", stderr);
    return EX_USAGE;
}

static void print_version(void)
{
#if EXPC_LLVM
    printf("expc %s (LLVM %s)\n", EXPC_VERSION, EXPC_LLVM_VERSION);
#else
    printf("expc %s (built without LLVM)\n", EXPC_VERSION);
#endif
}

/* `--name=value` or `--name value`: returns the value, or NULL when `a` is
 * not this option.  Sets *err when the value is missing. */
static const char *opt_value(const char *name, int argc, char **argv, int *i, bool *err)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != 0)
        return NULL;
    if (*i + 1 >= argc) {
        *err = true;
        return NULL;
    }
    return argv[++*i];
}

static int parse_cli(cli *c, int argc, char **argv)
{
    c->args = xmalloc((size_t)argc * sizeof *c->args);
    c->includes = xmalloc((size_t)argc * sizeof *c->includes);
    bool only_args = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        bool err = false;
        if (only_args || a[0] != '-' || !strcmp(a, "-")) {
            c->args[c->n_args++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            const char *h = command_help(c->cmd);
            fputs(h ? h : usage_text, stdout);
            exit(finish_stdout());
        } else if (!strcmp(a, "--version")) {
            print_version();
            exit(finish_stdout());
        } else if (!strncmp(a, "-I", 2)) {
            if (a[2])
                c->includes[c->n_includes++] = a + 2;
            else if (i + 1 < argc)
                c->includes[c->n_includes++] = argv[++i];
            else
                return usage_error("-I needs a folder", "");
        } else if (!strcmp(a, "-Werror")) {
            c->werror = true;
        } else if ((v = opt_value("--max-errors", argc, argv, &i, &err))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (!*v || *end || n < 0 || n > 1000000)
                return usage_error("--max-errors takes a number, not `%s`", v);
            c->max_errors = (int)n;
        } else if ((v = opt_value("--diagnostics", argc, argv, &i, &err))) {
            if (!strcmp(v, "text"))
                c->diag_format = DIAG_TEXT;
            else if (!strcmp(v, "json"))
                c->diag_format = DIAG_JSON;
            else
                return usage_error("--diagnostics is text or json, not `%s`", v);
        } else if ((v = opt_value("--color", argc, argv, &i, &err))) {
            if (!strcmp(v, "auto"))
                c->color = -1;
            else if (!strcmp(v, "always"))
                c->color = 1;
            else if (!strcmp(v, "never"))
                c->color = 0;
            else
                return usage_error("--color is auto, always or never, not `%s`", v);
        } else if ((v = opt_value("--emit", argc, argv, &i, &err))) {
            c->emit = v;
        } else if (!strcmp(a, "-o")) {
            if (i + 1 >= argc)
                return usage_error("-o needs a file name", "");
            c->out = argv[++i];
        } else if ((v = opt_value("--experience", argc, argv, &i, &err))) {
            c->experience = v;
        } else if ((v = opt_value("--prefix", argc, argv, &i, &err))) {
            c->prefix = v;
        } else if (!strcmp(a, "--main")) {
            c->main = true;
        } else if (a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
            c->opt = a[2] - '0';
        } else if (!strcmp(a, "-MD")) {
            c->md = true;
        } else if (!strcmp(a, "-MF")) {
            if (i + 1 >= argc)
                return usage_error("-MF needs a file name", "");
            c->mf = argv[++i];
            c->md = true;
        } else if ((v = opt_value("--engine", argc, argv, &i, &err))) {
            if (strcmp(v, "interp") && strcmp(v, "jit"))
                return usage_error("--engine is interp or jit, not `%s`", v);
            c->engine = v;
        } else if ((v = opt_value("--format", argc, argv, &i, &err))) {
            if (!strcmp(v, "csv"))
                c->format = RT_FORMAT_CSV;
            else if (!strcmp(v, "json"))
                c->format = RT_FORMAT_JSON;
            else
                return usage_error("--format is csv or json, not `%s`", v);
        } else if ((v = opt_value("--input", argc, argv, &i, &err))) {
            if (!strcmp(v, "csv"))
                c->input = RT_INPUT_CSV;
            else if (!strcmp(v, "ndjson"))
                c->input = RT_INPUT_NDJSON;
            else
                return usage_error("--input is csv or ndjson, not `%s`", v);
        } else if (!strcmp(a, "--strict")) {
            c->strict = true;
        } else if (!strcmp(a, "--skip-invalid")) {
            c->skip_invalid = true;
        } else if (!strcmp(a, "--summary")) {
            c->summary = true;
        } else if (!strcmp(a, "--check")) {
            c->check = true;
        } else if (!strcmp(a, "-w")) {
            c->write = true;
        } else if (!strcmp(a, "--list") && !strcmp(c->cmd, "explain")) {
            c->args[c->n_args++] = a;
        } else if (err) {
            return usage_error("option %s needs a value", a);
        } else {
            return usage_error("unknown option `%s`", a);
        }
        if (err)
            return usage_error("option %s needs a value", a);
    }
    return 0;
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
    u->lo.include_dirs = c->includes;
    u->lo.n_include = c->n_includes;
    u->lo.stdlib_dir = load_find_stdlib(u->a, argv0);
}

/* Loads and checks `path`.  Returns 0 when it is clean (warnings allowed),
 * 1 on errors, 66 when it cannot be read. */
static int front_end(unit *u, const char *path, bool check)
{
    u->prog = load_program(u->a, &u->d, &u->lo, path);
    if (!u->prog) {
        diag_flush(&u->d);
        return EX_NOINPUT;
    }
    /* The checks of §3 run only on files that lex and parse cleanly. */
    if (u->prog->syntax_errors == 0 && u->d.errors == 0 && check)
        sema_check(u->a, &u->d, u->prog);
    diag_flush(&u->d);
    return u->d.errors ? 1 : 0;
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
    return 0;
}

static int cmd_check(const cli *c, const char *argv0)
{
    if (c->n_args == 0)
        return usage_error("check needs at least one script file%s", "");
    int rc = 0;
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
        return EX_USAGE;
    *m = ir_lower(u->a, e);
    return 0;
}

/* A make rule `OUT: SCRIPT IMPORTS...` so pipelines rebuild generated code
 * when an imported file changes (like cc -MD); spaces are escaped as make
 * wants. */
static int write_depfile(unit *u, const char *target, const char *file)
{
    outfile of;
    if (!outfile_open(&of, file))
        return 74;
    FILE *f = of.f;
    for (const char *s = target; *s; s++) {
        if (*s == ' ' || *s == '#')
            fputc('\\', f);
        if (*s == '$')
            fputc('$', f);
        fputc(*s, f);
    }
    fputc(':', f);
    for (size_t i = 0; i < u->prog->n_files; i++) {
        fputs(" \\\n ", f);
        for (const char *s = u->prog->files[i]->src->path; *s; s++) {
            if (*s == ' ' || *s == '#')
                fputc('\\', f);
            if (*s == '$')
                fputc('$', f);
            fputc(*s, f);
        }
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
        return EX_USAGE;
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
    return 0;
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
    if (rc)
        return rc;

    unit u;
    unit_init(&u, c, argv0);
    ir_machine *m = NULL;
    rc = compile_machine(&u, c, c->args[0], &m);
    if (!rc) {
        emit_opts o = { 0 };
        o.out = c->out ? c->out : emit_default_out(u.a, c->args[0], be->ext);
        o.prefix = c->prefix; /* NULL: the backend's default (emit_prefix) */
        o.opt_level = c->opt;
        o.main = c->main;
        rc = be->emit(u.a, m, &o);
        if (!rc && c->md) {
            const char *dep = c->mf ? c->mf : arena_printf(u.a, "%s.d", o.out);
            rc = write_depfile(&u, o.out, dep);
        }
    }
    arena_free(u.a);
    return rc;
}

static int cmd_run(const cli *c, const char *argv0)
{
    int rc = need_one_script(c);
    if (rc)
        return rc;
    if (c->n_args > 2)
        return usage_error("run takes a script and one event file, not also `%s`", c->args[2]);
    const char *engine = c->engine;
#if EXPC_LLVM
    if (!engine)
        engine = "jit";
#else
    if (!engine)
        engine = "interp";
    if (!strcmp(engine, "jit")) {
        fprintf(stderr, "expc: --engine=jit needs LLVM, and this expc was built without it "
                        "(make LLVM=0); use --engine=interp\n");
        return EX_USAGE;
    }
#endif
    unit u;
    unit_init(&u, c, argv0);
    ir_machine *m = NULL;
    rc = compile_machine(&u, c, c->args[0], &m);
    if (!rc) {
        rt_opts o = { 0 };
        o.path = c->n_args > 1 ? c->args[1] : NULL;
        o.format = c->format;
        o.input = c->input;
        o.strict = c->strict;
        o.skip_invalid = c->skip_invalid;
        o.summary = c->summary;
        o.out = stdout;
        o.err = stderr;
        if (!strcmp(engine, "interp")) {
            interp *it = interp_new(m);
            rt_engine e = interp_engine(it);
            rc = rt_run(&o, &e);
            interp_free(it);
        } else {
#if EXPC_LLVM
            const llvm_plugin *lp = llvm_plugin_load(c->engine != NULL);
            char *err = NULL;
            jit *j = lp ? lp->jit_new(m, c->opt, &err) : NULL;
            if (!lp && !c->engine) {
                /* The default engine, and no LLVM to be had (expc-llvm.so
                 * not installed beside this binary): the reference
                 * interpreter gives the same output. */
                interp *it = interp_new(m);
                rt_engine e = interp_engine(it);
                rc = rt_run(&o, &e);
                interp_free(it);
            } else if (!lp) {
                rc = EX_USAGE;
            } else if (!j) {
                fprintf(stderr, "expc: internal error: JIT: %s\n", err ? err : "failed");
                free(err);
                rc = EX_SOFTWARE;
            } else {
                /* Compiling left LLVM's scratch memory in the heap: give it
                 * back before the customer table grows into it. */
                malloc_trim(0);
                rt_engine e = lp->jit_engine(j);
                rc = rt_run(&o, &e);
                lp->jit_free(j);
            }
#endif
        }
    }
    arena_free(u.a);
    return rc;
}

static int cmd_graph(const cli *c, const char *argv0)
{
    int rc = need_one_script(c);
    if (rc)
        return rc;
    unit u;
    unit_init(&u, c, argv0);
    ir_machine *m = NULL;
    rc = compile_machine(&u, c, c->args[0], &m);
    if (!rc) {
        if (c->out) {
            outfile of;
            if (!outfile_open(&of, c->out)) {
                rc = 74;
            } else {
                int w = graph_write(of.f, m);
                rc = outfile_commit(&of, 1, w == 0);
            }
        } else if (graph_write(stdout, m) != 0) {
            fprintf(stderr, "expc: cannot write output: %s\n", strerror(errno ? errno : EIO));
            rc = 74;
        } else {
            rc = finish_stdout();
        }
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
    int rc = 0;
    for (size_t i = 0; i < c->n_args; i++) {
        const char *path = c->args[i];
        unit u;
        unit_init(&u, c, argv0);
        size_t len;
        char *text = load_read_file(u.a, path, &len);
        if (!text) {
            fprintf(stderr, "expc: %s: %s\n", path, strerror(errno));
            if (rc < EX_NOINPUT)
                rc = EX_NOINPUT;
            arena_free(u.a);
            continue;
        }
        src_file *src = arena_alloc(u.a, sizeof *src);
        src->path = path;
        src->real = path;
        src->text = text;
        src->len = len;
        src_index(u.a, src);
        ast_file *f = ast_parse(u.a, &u.d, src);
        diag_flush(&u.d);
        if (f->syntax_errors || u.d.errors) {
            /* Never rewrite what we could not read. */
            if (rc < 1)
                rc = 1;
            arena_free(u.a);
            continue;
        }
        char *out = fmt_format(u.a, f);
        size_t olen = strlen(out);
        bool same = olen == len && memcmp(out, text, len) == 0;
        if (c->check) {
            if (!same) {
                printf("%s\n", path);
                if (rc < 1)
                    rc = 1;
            }
        } else if (c->write) {
            if (!same) {
                outfile of;
                int w = 74;
                if (outfile_open(&of, path)) {
                    fwrite(out, 1, olen, of.f);
                    w = outfile_commit(&of, 1, true);
                }
                if (w && rc < w)
                    rc = w;
            }
        } else if (fwrite(out, 1, olen, stdout) != olen) {
            rc = 74;
        }
        arena_free(u.a);
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
        return 0;
    }
    const diag_code *d = NULL;
    for (size_t i = 0; i < diag_code_count; i++)
        if (!strcasecmp(diag_codes[i].code, q))
            d = &diag_codes[i];
    if (!d) {
        fprintf(stderr, "expc: unknown diagnostic code `%s`; `expc explain --list` lists them\n", q);
        return EX_USAGE;
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
        const char *a = argv[k];
        if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "--version"))
            break; /* answered as if it were the command */
        /* The options whose value may be the next argument. */
        if (!strcmp(a, "-I") || !strcmp(a, "--max-errors") || !strcmp(a, "--diagnostics") ||
            !strcmp(a, "--color"))
            k++;
        k++;
    }
    if (k >= argc)
        return false;
    char *cmd = argv[k];
    memmove(argv + 2, argv + 1, (size_t)(k - 1) * sizeof *argv);
    argv[1] = cmd;
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EX_USAGE;
    }
    if (!command_first(argc, argv))
        return usage_error("no command (check, build, run, fmt, graph, explain) after `%s`",
                           argv[argc - 1]);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        const char *h = argc > 2 ? command_help(argv[2]) : NULL;
        fputs(h ? h : usage_text, stdout);
        return finish_stdout();
    }
    if (!strcmp(cmd, "--version")) {
        print_version();
        return finish_stdout();
    }
    cli c = { 0 };
    c.cmd = cmd;
    c.max_errors = 20;
    c.color = -1;
    c.opt = 2;
    if (!command_help(cmd))
        return usage_error("unknown command `%s`", cmd);
    int rc = parse_cli(&c, argc, argv);
    if (!rc) {
        if (!strcmp(cmd, "check"))
            rc = cmd_check(&c, argv[0]);
        else if (!strcmp(cmd, "build"))
            rc = cmd_build(&c, argv[0]);
        else if (!strcmp(cmd, "run"))
            rc = cmd_run(&c, argv[0]);
        else if (!strcmp(cmd, "graph"))
            rc = cmd_graph(&c, argv[0]);
        else if (!strcmp(cmd, "fmt"))
            rc = cmd_fmt(&c, argv[0]);
        else
            rc = cmd_explain(&c);
    }
    free(c.args);
    free(c.includes);
#if EXPC_LLVM
    llvm_plugin_unload();
#endif
    return rc;
}
