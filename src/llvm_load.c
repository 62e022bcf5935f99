/* llvm_load.c - finding and opening expc-llvm.so (see llvm_plugin.h).
 *
 * The plugin is looked for beside the running binary (the build tree:
 * build/expc and build/expc-llvm.so) and in ../lib/expc/ (an installed
 * PREFIX/bin/expc).  It is opened once, on first use; the backends of the
 * table in emit.c forward to it. */
#include "expc/llvm_plugin.h"

#if EXPC_LLVM
#include <dlfcn.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "expc/exitcode.h"

static void *handle;
static const llvm_plugin *plugin;
static bool tried;

const llvm_plugin *llvm_plugin_load(bool verbose)
{
    if (plugin)
        return plugin;
    if (tried)
        return NULL;
    tried = true;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        if (verbose)
            fprintf(stderr, "expc: cannot find LLVM support: /proc/self/exe is unreadable\n");
        return NULL;
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    *slash = 0;
    const char *cands[] = { "/expc-llvm.so", "/../lib/expc/expc-llvm.so" };
    char path[PATH_MAX + 64];
    const char *first_err = NULL;
    char errbuf[512] = "";
    for (size_t i = 0; i < sizeof cands / sizeof *cands && !handle; i++) {
        snprintf(path, sizeof path, "%s%s", exe, cands[i]);
        if (access(path, F_OK) != 0)
            continue;
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!handle && !first_err) {
            snprintf(errbuf, sizeof errbuf, "%s", dlerror());
            first_err = errbuf;
        }
    }
    if (!handle) {
        if (verbose)
            fprintf(stderr, "expc: LLVM support is not installed with this expc (expc-llvm.so "
                            "beside the binary or in ../lib/expc: %s); use --emit=c or "
                            "--engine=interp\n", first_err ? first_err : "not found");
        return NULL;
    }
    const llvm_plugin *p = dlsym(handle, "expc_llvm_plugin");
    if (!p || p->abi != LLVM_PLUGIN_ABI) {
        if (verbose)
            fprintf(stderr, "expc: %s is not the LLVM support of this expc\n", path);
        dlclose(handle);
        handle = NULL;
        return NULL;
    }
    plugin = p;
    return plugin;
}

void llvm_plugin_unload(void)
{
    if (plugin)
        plugin->shutdown();
    /* The plugin (and libLLVM under it) stays mapped until exit: unloading
     * it a moment earlier gains nothing. */
    plugin = NULL;
}

static int emit_ir(arena *a, const ir_machine *m, const emit_opts *o)
{
    const llvm_plugin *p = llvm_plugin_load(true);
    return p ? p->ir->emit(a, m, o) : RT_EXIT_USAGE;
}

static int emit_bc(arena *a, const ir_machine *m, const emit_opts *o)
{
    const llvm_plugin *p = llvm_plugin_load(true);
    return p ? p->bc->emit(a, m, o) : RT_EXIT_USAGE;
}

static int emit_obj(arena *a, const ir_machine *m, const emit_opts *o)
{
    const llvm_plugin *p = llvm_plugin_load(true);
    return p ? p->obj->emit(a, m, o) : RT_EXIT_USAGE;
}

const emit_backend llvm_ir_lazy = { "llvm-ir", ".ll", true, emit_ir, NULL };
const emit_backend llvm_bc_lazy = { "llvm-bc", ".bc", true, emit_bc, NULL };
const emit_backend llvm_obj_lazy = { "obj", ".o", true, emit_obj, NULL };
#else
typedef int expc_llvm_load_unused;
#endif
