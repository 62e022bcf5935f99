/* unit_fs.h - temporary folders and files for the unit tests that touch the
 * file system (test_load.c, test_diag.c, test_emit_pg.c).
 *
 * Each test makes its own folder under $TMPDIR (default /tmp) and removes it
 * whatever it left there, so tests never see each other's files and a
 * failing run leaves nothing behind.  Header-only: every test binary is one
 * .c file (see the Makefile), and these few helpers are all they share.
 * Include it after <cmocka.h>: failures here are test failures.  The test
 * file defines _GNU_SOURCE before its first include (nftw's FTW_DEPTH and
 * FTW_PHYS need it, and it only counts there). */
#ifndef EXPC_TESTS_UNIT_FS_H
#define EXPC_TESTS_UNIT_FS_H
#include <dirent.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The source tree's root: $ROOT (tests/run.sh sets it), else the current
 * folder (make runs the tests from the root). */
static inline const char *ufs_root(void)
{
    const char *r = getenv("ROOT");
    return r && *r ? r : ".";
}

/* A fresh folder "$TMPDIR/expc-TAG.XXXXXX", as an absolute malloc'd path
 * (realpath: the loader keys files by real path). */
static inline char *ufs_tmpdir(const char *tag)
{
    const char *t = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/expc-%s.XXXXXX", t && *t ? t : "/tmp", tag);
    assert_non_null(mkdtemp(buf));
    char *real = realpath(buf, NULL);
    assert_non_null(real);
    return real;
}

static inline int ufs_remove_entry(const char *path, const struct stat *st, int flag,
                                   struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        chmod(path, 0700); /* a test may have made it read-only */
    return remove(path);
}

/* Removes `dir` and everything below it (links are not followed). */
static inline void ufs_rmtree(char *dir)
{
    chmod(dir, 0700);
    nftw(dir, ufs_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* "dir/rel" in a static buffer of its own (up to four live at once; `dir`
 * may be an earlier result). */
static inline const char *ufs_path(const char *dir, const char *rel)
{
    static char bufs[4][4096];
    static int k;
    size_t ld = strlen(dir), lr = strlen(rel);
    assert_true(ld + 1 + lr < sizeof bufs[0]);
    char tmp[sizeof bufs[0]];
    memcpy(tmp, dir, ld);
    tmp[ld] = '/';
    memcpy(tmp + ld + 1, rel, lr + 1);
    char *b = bufs[k++ & 3];
    memcpy(b, tmp, ld + lr + 2);
    return b;
}

/* Writes `text` to dir/rel, making the folders of `rel` first. */
static inline void ufs_write(const char *dir, const char *rel, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        mkdir(path, 0777);
        *s = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The whole of `path`, NUL-terminated and malloc'd, or NULL. */
static inline char *ufs_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = 0;
    return buf;
}

static inline bool ufs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The entries of `dir` other than . and .. (-1 when it cannot be read). */
static inline int ufs_count(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}
#endif
