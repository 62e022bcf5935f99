/* outfile.c - temp file + rename, for every output expc writes.
 *
 * The temporary lives in the destination folder so rename(2) is atomic and
 * never crosses file systems; its mode follows the umask like any file. */
#include "expc/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expc/arena.h"
#include "expc/exitcode.h"

bool outfile_open(outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    /* `-o -`: standard output, as cc and llvm-as take it. */
    if (!strcmp(path, "-")) {
        o->path = "<stdout>";
        o->f = stdout;
        return true;
    }
    /* An existing device or pipe (/dev/stdout, /dev/null, a FIFO) is
     * written in place: renaming a file over it would replace the device
     * node, and there is no half-written file to protect. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        o->f = fopen(path, "wb");
        if (!o->f) {
            fprintf(stderr, "expc: %s: cannot write: %s\n", path, strerror(errno));
            o->failed = true;
            return false;
        }
        return true;
    }
    size_t n = strlen(path);
    o->tmp = xmalloc(n + 32);
    /* Put the temporary next to the target: same folder, hidden name. */
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(o->tmp, path, dir);
    snprintf(o->tmp + dir, n + 32 - dir, ".%s.XXXXXX", path + dir);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        fprintf(stderr, "expc: %s: cannot write: %s\n", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        o->failed = true;
        return false;
    }
    /* mkstemp makes 0600; give the file the mode a plain fopen would. */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        o->failed = true;
        return false;
    }
    return true;
}

int outfile_commit(outfile *os, int n, bool ok)
{
    for (int i = 0; i < n; i++) {
        outfile *o = &os[i];
        if (!o->f) {
            ok = false;
            continue;
        }
        if (ferror(o->f) || fflush(o->f) != 0) {
            if (!o->failed)
                fprintf(stderr, "expc: %s: cannot write: %s\n", o->path,
                        strerror(errno ? errno : EIO));
            o->failed = true;
            ok = false;
        }
        if (o->f == stdout) {
            o->f = NULL; /* flushed above; main's exit path closes it */
            continue;
        }
        if (fclose(o->f) != 0 && !o->failed) {
            fprintf(stderr, "expc: %s: cannot write: %s\n", o->path, strerror(errno));
            o->failed = true;
            ok = false;
        }
        o->f = NULL;
    }
    for (int i = 0; ok && i < n; i++) {
        if (!os[i].tmp)
            continue; /* written in place */
        if (rename(os[i].tmp, os[i].path) != 0) {
            fprintf(stderr, "expc: %s: cannot write: %s\n", os[i].path, strerror(errno));
            ok = false;
            /* Files already renamed stay: rename is the only step that can
             * leave a partial set, and only when the folder itself fails. */
        } else {
            free(os[i].tmp);
            os[i].tmp = NULL;
        }
    }
    for (int i = 0; i < n; i++) {
        if (os[i].tmp) {
            unlink(os[i].tmp);
            free(os[i].tmp);
            os[i].tmp = NULL;
        }
    }
    return ok ? RT_EXIT_OK : RT_EXIT_IOERR;
}
