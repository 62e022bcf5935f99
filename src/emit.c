/* emit.c - the table of backends `expc build --emit=KIND` chooses from, and
 * the decisions every backend makes alike (default prefix and output name,
 * which prefixes are valid, which machines can be translated), so each is
 * made in one place.  The LLVM kinds forward to the plugin when expc is
 * built with LLVM; without it they are listed with no emit function, so
 * main.c can tell a user asking for them how to get them. */
#include "expc/emit.h"

#include <stdint.h>
#include <string.h>

#include "expc/rt.h" /* rt_basename: also the runtime's */

extern const emit_backend pg_backend;

#if EXPC_LLVM
#include "expc/llvm_plugin.h"
#else
static const emit_backend llvm_ir_lazy = { "llvm-ir", ".ll", true, NULL, NULL };
static const emit_backend llvm_bc_lazy = { "llvm-bc", ".bc", true, NULL, NULL };
static const emit_backend llvm_obj_lazy = { "obj", ".o", true, NULL, NULL };
#endif

/* In the order the kinds are listed to users. */
const emit_backend *const emit_backends[] = {
    &cgen_backend,
    /* Forwarders: LLVM itself is loaded on first use (llvm_plugin.h). */
    &llvm_ir_lazy,
    &llvm_bc_lazy,
    &llvm_obj_lazy,
    &pg_backend,
    NULL,
};

const char *emit_kind_list(arena *a, bool one_file, const char *last)
{
    const char *list = "";
    const char *held = NULL; /* the previous kind, written once the next is known */
    for (size_t i = 0; emit_backends[i]; i++) {
        if (one_file && emit_backends[i]->several)
            continue;
        if (held)
            list = arena_printf(a, "%s%s%s", list, *list ? ", " : "", held);
        held = emit_backends[i]->kind;
    }
    if (held)
        list = arena_printf(a, "%s%s%s", list, *list ? last : "", held);
    return list;
}

const char *emit_default_prefix(arena *a, const ir_machine *m)
{
    return arena_printf(a, "exp_%s", m->name ? m->name : "");
}

const char *emit_prefix(arena *a, const ir_machine *m, const emit_opts *o)
{
    return o->prefix ? o->prefix : emit_default_prefix(a, m);
}

static bool ident_start(char c)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool emit_prefix_ok(const char *p)
{
    if (!p || !ident_start(*p))
        return false;
    for (; *p; p++)
        if (!ident_start(*p) && !(*p >= '0' && *p <= '9'))
            return false;
    return true;
}

char *emit_upper(const char *p)
{
    size_t n = strlen(p);
    char *up = xmalloc(n + 1);
    for (size_t i = 0; i <= n; i++)
        up[i] = (p[i] >= 'a' && p[i] <= 'z') ? (char)(p[i] - 'a' + 'A') : p[i];
    return up;
}

const char *emit_default_out(arena *a, const char *script, const char *ext)
{
    const char *base = rt_basename(script);
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".exp") == 0)
        n -= 4;
    return arena_printf(a, "%.*s%s", (int)n, base, ext);
}

const char *emit_script_name(const ir_machine *m)
{
    if (m->script && *m->script)
        return m->script;
    return m->name ? m->name : "expc";
}

const char *emit_machine_error(const ir_machine *m)
{
    if (!m || !m->name)
        return "no machine";
    /* UP_NOTES is 3 in the generated interface, and P_state's layout with it. */
    if (m->n_notes != IR_NOTES)
        return "a machine must have exactly 3 notes";
    for (int k = 0; k < IR_NOTES; k++)
        if (!m->notes[k].name)
            return "a note without a name";
    if (m->n_events > (size_t)INT32_MAX || (m->n_events && !m->events))
        return "bad event table";
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        if (!e->name || e->len == 0)
            return "an event without a name";
        if (e->note < 0 || e->note >= m->n_notes)
            return "an event on a note that is not on the path";
    }
    return NULL;
}
