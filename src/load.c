/* load.c - a script and its imports, each file once.
 *
 * Files are loaded breadth-first from the root through a work list (not by
 * recursion, so a chain of a thousand imports costs no stack), and keyed by
 * their real path so that repeated and cyclic imports are harmless.  An import
 * is searched for in the importing file's folder, each -I folder, each
 * EXP_PATH folder, then the bundled stdlib (docs/language.md, "Files and
 * imports"); when none has it, E0205 names every folder tried. */
#include "expc/load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expc/hash.h"

char *load_read_fd(arena *a, int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return NULL;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    /* The scanner takes int sizes: refuse a larger file before reading it. */
    if (S_ISREG(st.st_mode) && st.st_size > (off_t)INT_MAX) {
        errno = EFBIG;
        return NULL;
    }
    /* Read in chunks: st_size is 0 for pipes and /proc files. */
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    char *buf = xmalloc(cap);
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > (size_t)INT_MAX) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > (size_t)INT_MAX) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    char *text = arena_strndup(a, buf, n);
    free(buf);
    *len = n;
    return text;
}

char *load_read_file(arena *a, const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *text = load_read_fd(a, fd, len);
    int e = errno;
    close(fd);
    errno = e;
    return text;
}

const char *load_find_stdlib(arena *a, const char *argv0)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
    } else if (argv0 && realpath(argv0, exe)) {
        /* no /proc: fall back on argv[0] */
    } else {
        return NULL;
    }
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = 0;
    /* Installed: PREFIX/bin/expc -> PREFIX/share/expc/stdlib.
     * Build tree: ROOT/build/expc -> ROOT/stdlib; a build folder elsewhere
     * (make B=DIR) gets a link DIR/stdlib to the tree's. */
    const char *cands[] = { "/../share/expc/stdlib", "/../stdlib", "/stdlib" };
    for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
        char *dir = arena_printf(a, "%s%s", exe, cands[i]);
        char *probe = arena_printf(a, "%s/emotions.exp", dir);
        if (access(probe, R_OK) == 0) {
            char real[PATH_MAX];
            return realpath(dir, real) ? arena_strdup(a, real) : dir;
        }
    }
    return NULL;
}

/* Real path -> index of the loaded file, open addressing. */
typedef struct seen {
    const char **keys;
    int *vals;
    size_t cap, n;
} seen;

static size_t hash_str(const char *s)
{
    return hash_fnv1a(s, strlen(s));
}

/* The index of the file loaded from `key`, or -1 after recording `index`
 * for it (not loaded before). */
static int seen_add(arena *a, seen *s, const char *key, int index)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        const char **keys = arena_alloc(a, cap * sizeof *keys);
        int *vals = arena_alloc(a, cap * sizeof *vals);
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->keys[i])
                continue;
            size_t h = hash_str(s->keys[i]) & (cap - 1);
            while (keys[h])
                h = (h + 1) & (cap - 1);
            keys[h] = s->keys[i];
            vals[h] = s->vals[i];
        }
        s->keys = keys;
        s->vals = vals;
        s->cap = cap;
    }
    size_t h = hash_str(key) & (s->cap - 1);
    while (s->keys[h]) {
        if (strcmp(s->keys[h], key) == 0)
            return s->vals[h];
        h = (h + 1) & (s->cap - 1);
    }
    s->keys[h] = key;
    s->vals[h] = index;
    s->n++;
    return -1;
}

static src_file *new_src(arena *a, const char *path, const char *real, char *text, size_t len,
                         int id)
{
    src_file *f = ARENA_NEW(a, src_file, .path = path, .real = real, .text = text, .len = len,
                            .id = id);
    src_index(a, f);
    return f;
}

static void add_file(arena *a, program *p, ast_file *f)
{
    if ((p->n_files & (p->n_files - 1)) == 0)
        p->files = arena_grow(a, p->files, p->n_files, p->n_files ? p->n_files * 2 : 1,
                              sizeof *p->files);
    p->files[p->n_files++] = f;
    p->syntax_errors += f->syntax_errors;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* An editor's buffer for `path` (load_opts.overlay), or NULL. */
static const char *overlay_text(const load_opts *o, const char *path, size_t *len)
{
    return o->overlay ? o->overlay(o->overlay_ctx, path, len) : NULL;
}

/* The text of `path`: an open buffer before the disk. */
static char *read_source(arena *a, const load_opts *o, const char *path, size_t *len)
{
    const char *t = overlay_text(o, path, len);
    return t ? arena_strndup(a, t, *len) : load_read_file(a, path, len);
}

/* The load-once key of `path`: its real path; a buffer not yet saved has
 * none, and is known by the path it was found at. */
static const char *source_key(arena *a, const load_opts *o, const char *path)
{
    char real[PATH_MAX];
    size_t len;
    if (realpath(path, real))
        return arena_strdup(a, real);
    int e = errno; /* for the caller's message */
    if (overlay_text(o, path, &len))
        return path;
    errno = e;
    return NULL;
}

/* Shows a path relative to the current folder when it is below it, so
 * diagnostics stay short and tests stay independent of where they run. */
static const char *display_path(arena *a, const char *path)
{
    if (path[0] != '/')
        return path;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return path;
    size_t n = strlen(cwd);
    if (strncmp(path, cwd, n) == 0 && path[n] == '/')
        return arena_strdup(a, path + n + 1);
    return path;
}

/* An import that was not found, reported after loading (see below). */
struct missing {
    struct missing *next;
    const ast_item *item;
    const char *file;
    const char **dirs;
    size_t nd;
};

/* The best import name so far for a did-you-mean. */
typedef struct near_import {
    const char *want;  /* the file name without its folder and `.exp` */
    int limit, best;   /* best: distance of `found`; limit + 1 while none */
    const char *found;
    bool found_here;   /* `found` is from the folder being read */
    const char *self;  /* the importing file's real path: never suggested */
} near_import;

/* A name that can be written back between quotes as it is. */
static bool quotable(const char *s)
{
    for (; *s; s++)
        if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
            return false;
    return true;
}

/* Whether dir/file is the importing file (a script importing itself is
 * no fix). */
static bool is_self(arena *a, const near_import *n, const char *dir, const char *file)
{
    char real[PATH_MAX];
    return realpath(arena_printf(a, "%s/%s", dir, file), real) && strcmp(real, n->self) == 0;
}

/* Weighs the .exp files of `dir`; ties go to the first folder searched,
 * then to the name first in byte order (readdir's order is arbitrary). */
static void near_in_dir(arena *a, near_import *n, const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    n->found_here = false;
    for (struct dirent *e; (e = readdir(dp));) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".exp") != 0)
            continue;
        char *name = arena_strndup(a, e->d_name, len - 4);
        int dist = diag_edit_distance(n->want, name, n->limit);
        if (dist > n->limit || !quotable(name) || is_self(a, n, dir, e->d_name))
            continue;
        if (dist < n->best || (dist == n->best && n->found_here && strcmp(name, n->found) < 0)) {
            n->best = dist;
            n->found = name;
            n->found_here = true;
        }
    }
    closedir(dp);
}

/* The import the author probably meant, written as they wrote theirs
 * (with or without `.exp`, same folder part), or NULL. */
static const char *near_import_name(arena *a, const missing *ms)
{
    const char *value = ms->item->import.value;
    const char *file = ms->file, *slash = strrchr(file, '/');
    size_t sub = slash ? (size_t)(slash - file) + 1 : 0; /* "lib/" of "lib/x.exp" */
    near_import n = { 0 };
    n.want = arena_strndup(a, file + sub, strlen(file + sub) - 4);
    n.self = ms->item->import.sp.file->real;
    if (!*n.want)
        return NULL; /* `import "";`: nothing to be close to */
    n.limit = diag_suggest_limit(n.want);
    n.best = n.limit + 1;
    for (size_t i = 0; i < ms->nd; i++)
        near_in_dir(a, &n, sub ? arena_printf(a, "%s/%.*s", ms->dirs[i], (int)(sub - 1), file)
                               : ms->dirs[i]);
    if (!n.found)
        return NULL;
    size_t vl = strlen(value);
    bool ext = vl >= 4 && strcmp(value + vl - 4, ".exp") == 0;
    return arena_printf(a, "%.*s%s%s", (int)sub, file, n.found, ext ? ".exp" : "");
}

static void report_missing(arena *a, diag_ctx *d, const missing *ms)
{
    const ast_item *it = ms->item;
    const char *sug = ms->file[0] == '/' ? NULL : near_import_name(a, ms);
    diagnostic *dg = diag_report(d, "E0205", it->import.sp,
                                 "cannot find import `%s` (looked for `%s`)%s",
                                 it->import.value, ms->file,
                                 sug ? arena_printf(a, "; did you mean `%s`?", sug) : "");
    if (sug)
        diag_add_fix(d, dg, it->import.sp, arena_printf(a, "\"%s\"", sug),
                     "replace with `\"%s\"`", sug);
    if (ms->file[0] == '/') {
        diag_add_note(d, dg, (span){ 0 }, "an absolute path is not searched for");
        return;
    }
    size_t total = 0;
    for (size_t i = 0; i < ms->nd; i++)
        total += strlen(ms->dirs[i]) + 2;
    char *list = arena_alloc(a, total + 1);
    for (size_t i = 0; i < ms->nd; i++) {
        if (i)
            strcat(list, ", ");
        strcat(list, ms->dirs[i]);
    }
    diag_add_note(d, dg, (span){ 0 }, "searched, in order: %s", list);
}

/* Resolves and loads the imports of file `f`. */
static void load_imports(arena *a, diag_ctx *d, const load_opts *o, program *p, seen *s,
                         ast_file *f)
{
    const char *importer = f->src->path;
    const char *slash = strrchr(importer, '/');
    const char *own_dir = slash ? arena_strndup(a, importer, (size_t)(slash - importer)) : ".";

    /* The folders, in search order. */
    size_t cap = 2 + o->n_include;
    const char *env = getenv("EXP_PATH");
    char *envcopy = env ? arena_strdup(a, env) : NULL;
    if (envcopy)
        for (const char *c = envcopy; *c; c++)
            cap += *c == ':';
    cap++;
    const char **dirs = arena_alloc(a, cap * sizeof *dirs);
    size_t nd = 0;
    dirs[nd++] = own_dir;
    for (size_t i = 0; i < o->n_include; i++)
        dirs[nd++] = o->include_dirs[i];
    if (envcopy) {
        for (char *tok = envcopy, *next; tok; tok = next) {
            next = strchr(tok, ':');
            if (next)
                *next++ = 0;
            if (*tok)
                dirs[nd++] = tok;
        }
    }
    if (o->stdlib_dir)
        dirs[nd++] = o->stdlib_dir;

    for (ast_item *it = f->items; it; it = it->next) {
        if (it->kind != ITEM_IMPORT)
            continue;
        const char *name = it->import.value;
        size_t len = it->import.len;
        bool has_ext = len >= 4 && strcmp(name + len - 4, ".exp") == 0;
        const char *file = has_ext ? name : arena_printf(a, "%s.exp", name);
        const char *found = NULL;
        if (len == 0 || strlen(name) != len) {
            found = NULL;
        } else if (file[0] == '/') {
            size_t olen;
            if (is_file(file) || overlay_text(o, file, &olen))
                found = file;
        } else {
            for (size_t i = 0; i < nd && !found; i++) {
                const char *cand = arena_printf(a, "%s/%s", dirs[i], file);
                size_t olen;
                if (is_file(cand) || overlay_text(o, cand, &olen))
                    found = strcmp(dirs[i], ".") == 0 ? file : cand;
            }
        }
        if (!found) {
            /* E0205 is a check (docs/language.md §5): reported only when every file lexed
             * and parsed (load_program decides, once all are loaded). */
            missing *ms = arena_alloc(a, sizeof *ms);
            ms->item = it;
            ms->file = file;
            ms->dirs = dirs;
            ms->nd = nd;
            ms->next = p->missing;
            p->missing = ms;
            continue;
        }
        const char *key = source_key(a, o, found);
        if (!key) {
            diag_report(d, "E0205", it->import.sp, "cannot read import `%s`: %s: %s", name,
                        found, strerror(errno));
            continue;
        }
        int before = seen_add(a, s, key, (int)p->n_files);
        if (before >= 0) {
            it->import_file = before; /* loaded already: repeated or cyclic */
            continue;
        }
        size_t tlen;
        char *text = read_source(a, o, found, &tlen);
        if (!text) {
            diag_report(d, "E0205", it->import.sp, "cannot read import `%s`: %s: %s", name,
                        found, strerror(errno));
            continue;
        }
        it->import_file = (int)p->n_files;
        src_file *src = new_src(a, display_path(a, found), key, text, tlen, (int)p->n_files);
        add_file(a, p, ast_parse(a, d, src));
    }
}

program *load_program(arena *a, diag_ctx *d, const load_opts *o, const char *path)
{
    size_t len;
    char *text = read_source(a, o, path, &len);
    if (!text) {
        fprintf(stderr, "expc: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    const char *key = source_key(a, o, path);
    if (!key)
        key = path;
    program *p = arena_alloc(a, sizeof *p);
    p->stdlib_dir = o->stdlib_dir;
    seen s = { 0 };
    seen_add(a, &s, key, 0);
    src_file *src = new_src(a, path, key, text, len, 0);
    add_file(a, p, ast_parse(a, d, src));
    /* Breadth-first: p->files grows while we walk it. */
    for (size_t i = 0; i < p->n_files; i++)
        load_imports(a, d, o, p, &s, p->files[i]);
    if (p->syntax_errors == 0) {
        /* In source order: the list was built by prepending. */
        missing *rev = NULL;
        while (p->missing) {
            missing *m = p->missing;
            p->missing = m->next;
            m->next = rev;
            rev = m;
        }
        for (missing *m = rev; m; m = m->next)
            report_missing(a, d, m);
    }
    return p;
}

static int cmp_name(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

ast_file **load_stdlib_files(arena *a, const char *dir, size_t *n)
{
    *n = 0;
    DIR *dp = dir ? opendir(dir) : NULL;
    if (!dp)
        return NULL;
    const char **names = NULL;
    size_t nn = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".exp") != 0)
            continue;
        names = arena_grow(a, names, nn, nn + 1, sizeof *names);
        names[nn++] = arena_strdup(a, e->d_name);
    }
    closedir(dp);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_name);
    ast_file **files = arena_alloc(a, (nn ? nn : 1) * sizeof *files);
    diag_ctx quiet; /* never flushed */
    diag_init(&quiet, a);
    quiet.max_errors = 0;
    for (size_t i = 0; i < nn; i++) {
        const char *path = arena_printf(a, "%s/%s", dir, names[i]);
        size_t len;
        char *text = load_read_file(a, path, &len);
        if (!text)
            continue;
        ast_file *f = ast_parse(a, &quiet, new_src(a, path, path, text, len, -1));
        if (f->syntax_errors == 0)
            files[(*n)++] = f;
    }
    return files;
}
