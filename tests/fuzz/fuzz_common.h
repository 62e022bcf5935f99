/* fuzz_common.h - what the libFuzzer harnesses of tests/fuzz/ share.
 *
 * Each harness (fuzz_*.c) is one translation unit defining
 * LLVMFuzzerInitialize and LLVMFuzzerTestOneInput.  It is built twice:
 *  - by `make fuzz` with clang -fsanitize=fuzzer,address,undefined into
 *    build/fuzz/ (libFuzzer supplies main), and
 *  - by `make fuzz-replay` with the project's normal compiler and flags
 *    (SAN=1 included) against build/libexpc.a, linked with
 *    tests/fuzz/replay_main.c, whose main() feeds it files: that is how
 *    tests/t_fuzz_replay.sh replays every reproducer in `make check`.
 * So the harnesses stay plain C11 that gcc -Wall -Wextra -Werror accepts.
 *
 * A harness says a property was broken by calling FZ_CHECK, which prints
 * the condition and aborts: libFuzzer (and the replay driver) report that
 * as a crash, and the input becomes a reproducer.
 *
 * The bundled stdlib (stdlib/emotions.exp, stdlib/industries.exp) is read
 * once, from EXPC_FUZZ_STDLIB (a folder, set by the Makefile), and parsed
 * for every input as the program's second and third files, so the usual
 * `import "emotions";` scripts check clean without any file system access
 * per input (the harness ignores import items: loading is not fuzzed). */
#ifndef EXPC_FUZZ_COMMON_H
#define EXPC_FUZZ_COMMON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/diag.h"
#include "expc/load.h"
#include "expc/rt.h"

#ifndef EXPC_FUZZ_STDLIB
#define EXPC_FUZZ_STDLIB "stdlib"
#endif

#define FZ_UNUSED __attribute__((unused))

#define FZ_CHECK(cond)                                                              \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: fuzz property broken: %s\n", __FILE__, __LINE__, \
                    #cond);                                                         \
            abort();                                                                \
        }                                                                           \
    } while (0)

/* Known open bugs.  When a harness finds a bug, its reproducer goes into
 * tests/fuzz/regressions/HARNESS/ and the bug is listed in README.md.  Until
 * it is fixed, the fuzz build (make fuzz defines FZ_SKIP_OPEN_BUGS) steps
 * around it - FZ_OPEN_BUG(cond) is `cond` there - so the fuzzers keep
 * looking for new bugs instead of finding that one again and again; the
 * replay build (make fuzz-replay, tests/t_fuzz_replay.sh) does not, so the
 * reproducers fail `make check` until the bug is fixed.  Each use names its
 * bug; delete it together with the fix. */
#ifdef FZ_SKIP_OPEN_BUGS
#define FZ_OPEN_BUG(cond) (cond)
#else
#define FZ_OPEN_BUG(cond) 0
#endif

/* ---- a sink for diagnostics and outputs -------------------------------- */

static FZ_UNUSED FILE *fz_null(void)
{
    static FILE *f;
    if (!f) {
        f = fopen("/dev/null", "w");
        if (!f) {
            perror("fuzz: /dev/null");
            abort();
        }
    }
    return f;
}

/* ---- memory streams ----------------------------------------------------- */

/* A FILE that collects what is written into a malloc'd buffer. */
typedef struct fz_mem {
    FILE *f;
    char *p;
    size_t n;
} fz_mem;

static FZ_UNUSED void fz_mem_open(fz_mem *m)
{
    m->p = NULL;
    m->n = 0;
    m->f = open_memstream(&m->p, &m->n);
    if (!m->f)
        abort();
}

/* Closes the stream; m->p (NUL-terminated) and m->n then hold the text. */
static FZ_UNUSED void fz_mem_close(fz_mem *m)
{
    fclose(m->f);
    m->f = NULL;
    if (!m->p) { /* cannot happen with glibc, but be safe */
        m->p = calloc(1, 1);
        m->n = 0;
    }
}

static FZ_UNUSED void fz_mem_free(fz_mem *m)
{
    free(m->p);
    m->p = NULL;
    m->n = 0;
}

/* A read stream over `data`.  fmemopen refuses a size of 0, so an empty
 * input reads /dev/null. */
static FZ_UNUSED FILE *fz_read_stream(const uint8_t *data, size_t size)
{
    FILE *f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
    if (!f)
        abort();
    return f;
}

/* rt_run reads standard input when opts.path is NULL: runs it with stdin
 * pointing at `data` (glibc's stdin is an assignable variable). */
static FZ_UNUSED int fz_rt_run_bytes(const uint8_t *data, size_t size, const rt_opts *o,
                                     const rt_engine *e)
{
    FILE *saved = stdin;
    FILE *in = fz_read_stream(data, size);
    stdin = in;
    int rc = rt_run(o, e);
    stdin = saved;
    fclose(in);
    return rc;
}

/* One run of rt_run over `data`, its exit code, stdout and stderr. */
typedef struct fz_run {
    int rc;
    fz_mem out, err;
} fz_run;

static FZ_UNUSED void fz_run_events(fz_run *r, const uint8_t *data, size_t size,
                                    const rt_opts *base, const rt_engine *e)
{
    rt_opts o = *base;
    o.path = NULL;
    fz_mem_open(&r->out);
    fz_mem_open(&r->err);
    o.out = r->out.f;
    o.err = r->err.f;
    r->rc = fz_rt_run_bytes(data, size, &o, e);
    fz_mem_close(&r->out);
    fz_mem_close(&r->err);
}

static FZ_UNUSED void fz_run_free(fz_run *r)
{
    fz_mem_free(&r->out);
    fz_mem_free(&r->err);
}

/* ---- the stdlib and one-file programs ---------------------------------- */

typedef struct fz_text {
    const char *path;
    char *text;
    size_t len;
} fz_text;

static FZ_UNUSED fz_text fz_stdlib[2] = {
    { EXPC_FUZZ_STDLIB "/emotions.exp", NULL, 0 },
    { EXPC_FUZZ_STDLIB "/industries.exp", NULL, 0 },
};

static FZ_UNUSED void fz_load_stdlib(void)
{
    for (size_t i = 0; i < 2; i++) {
        if (fz_stdlib[i].text)
            continue;
        FILE *f = fopen(fz_stdlib[i].path, "rb");
        if (!f) {
            fprintf(stderr, "fuzz: cannot read %s (EXPC_FUZZ_STDLIB)\n", fz_stdlib[i].path);
            exit(1);
        }
        size_t cap = 4096, n = 0;
        char *t = malloc(cap);
        for (size_t r; t && (r = fread(t + n, 1, cap - n - 1, f)) > 0;) {
            n += r;
            if (n + 1 == cap)
                t = realloc(t, cap *= 2);
        }
        fclose(f);
        if (!t)
            abort();
        t[n] = 0;
        fz_stdlib[i].text = t;
        fz_stdlib[i].len = n;
    }
}

static FZ_UNUSED src_file *fz_src(arena *a, const char *path, const char *text, size_t len, int id)
{
    src_file *s = arena_alloc(a, sizeof *s);
    s->path = path;
    s->real = path;
    s->text = arena_strndup(a, text, len); /* NUL-terminated copy, like the loader's */
    s->len = len;
    s->id = id;
    src_index(a, s);
    return s;
}

/* The program the loader would build for a root file whose imports are the
 * stdlib: files[0] is `text` (shown as `path`), then the stdlib files. */
static FZ_UNUSED program *fz_program(arena *a, diag_ctx *d, const char *path,
                                     const char *text, size_t len)
{
    program *p = arena_alloc(a, sizeof *p);
    p->files = arena_alloc(a, 3 * sizeof *p->files);
    p->files[p->n_files++] = ast_parse(a, d, fz_src(a, path, text, len, 0));
    for (size_t i = 0; i < 2; i++)
        p->files[p->n_files++] = ast_parse(
            a, d, fz_src(a, fz_stdlib[i].path, fz_stdlib[i].text, fz_stdlib[i].len, (int)i + 1));
    for (size_t i = 0; i < p->n_files; i++)
        p->syntax_errors += p->files[i]->syntax_errors;
    return p;
}

/* ---- small helpers ------------------------------------------------------- */

/* Where `sep` first occurs in data, or NULL. */
static FZ_UNUSED const uint8_t *fz_find(const uint8_t *data, size_t size, const char *sep)
{
    size_t k = strlen(sep);
    if (k == 0 || size < k)
        return NULL;
    for (size_t i = 0; i + k <= size; i++)
        if (data[i] == (uint8_t)sep[0] && memcmp(data + i, sep, k) == 0)
            return data + i;
    return NULL;
}

static FZ_UNUSED bool fz_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static FZ_UNUSED bool fz_ascii(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80)
            return false;
    return true;
}

/* Number of '\n' in s[0, n). */
static FZ_UNUSED size_t fz_count_lines(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}
#endif
