/* emit_c.c - the C backend: a lowered machine as self-contained C11.
 *
 * `expc build --emit=c -o OUT.c` writes OUT.c and OUT.h with the interface of
 * SPEC §6 for prefix P.  The code is the §4 algorithm specialised for one
 * experience: static const tables indexed by event id (note, points, the
 * stage an event needs to count) and by stage (thresholds, names), so the
 * step is a few loads and compares with no libc calls; event names are
 * resolved by a switch on the length, then on the byte that tells the
 * remaining names apart, then one memcmp.  The text is meant to be read:
 * the path, the notes and the events are laid out as commented tables, and
 * the same machine always gives the same bytes (no dates, no folders).
 *
 * With --main the source also embeds the runtime of `expc run` (src/rt,
 * captured at build time by tools/embed.sh) and a main() over an rt_engine
 * built from the P_ functions, so the program reads events and prints scores
 * exactly as `expc run` does.
 *
 * Arithmetic in the generated step wraps (two's complement) like the
 * interpreter's instead of overflowing, which would be undefined: the sums
 * are done in uint64_t and converted back, which the compilers expc targets
 * (gcc, clang) define as modular. */
#include "expc/utf8.h"
#include "expc/emit_c.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "expc/arena.h"
#include "expc/ast.h"
#include "expc/emit.h"
#include "expc/exitcode.h"
#include "expc/ir.h"
#include "expc/outfile.h"

#ifndef EXPC_VERSION
#define EXPC_VERSION "unknown" /* the Makefile defines it */
#endif

const emit_backend cgen_backend = { "c", ".c", false, cgen_emit, "a source and a header" };

/* ---- small text helpers ------------------------------------------------ */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* User text inside a block comment.  Shown escaped the way a script would
 * write it (\" \\ \n \t, \xHH for other control bytes and for bytes that
 * are not UTF-8) so it stays on one line, and with the three sequences that
 * would end the comment, trip -Wcomment or form a trigraph under -std=c11
 * broken up by a backslash.  Valid UTF-8 is kept as is: it is readable and
 * every compiler accepts it in comments. */
static void put_comment_text(FILE *f, const char *text, size_t n, bool quoted)
{
    const unsigned char *s = (const unsigned char *)text;
    if (quoted)
        putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        unsigned next = i + 1 < n ? s[i + 1] : 0;
        if (c == '*' && next == '/') {
            fputs("*\\", f);
        } else if (c == '/' && next == '*') {
            fputs("/\\", f);
        } else if (c == '?' && next == '?') {
            fputs("?\\", f);
        } else if (c == '"' && quoted) {
            fputs("\\\"", f);
        } else if (c == '\\') {
            fputs("\\\\", f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\x%02X", c);
        } else if (c < 0x80) {
            putc((int)c, f);
        } else {
            size_t len = utf8_len(s + i, n - i);
            if (len == 0) {
                fprintf(f, "\\x%02X", c);
            } else {
                fwrite(s + i, 1, len, f);
                i += len - 1;
            }
        }
    }
    if (quoted)
        putc('"', f);
}

static void put_comment_str(FILE *f, const char *s)
{
    put_comment_text(f, s, strlen(s), false);
}

/* A C string literal.  Printable ASCII as is (but `?`, which could start a
 * trigraph), everything else as a three-digit octal escape, which cannot run
 * into a following digit the way \x does. */
static void put_c_string(FILE *f, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c == '"' || c == '\\' || c == '?')
            fprintf(f, "\\%c", (int)c);
        else if (c >= 0x20 && c < 0x7F)
            putc((int)c, f);
        else
            fprintf(f, "\\%03o", c);
    }
    putc('"', f);
}

/* An int64_t as a C constant: INT64_MIN has no literal of its own. */
static void put_i64(FILE *f, int64_t v)
{
    if (v == INT64_MIN)
        fputs("(-9223372036854775807 - 1)", f);
    else
        fprintf(f, "%" PRId64, v);
}

/* Points as a script writes them: +8, -10, 0. */
static int put_points(FILE *f, int64_t v)
{
    return fprintf(f, v > 0 ? "+%" PRId64 : "%" PRId64, v);
}

static void indent(FILE *f, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("    ", f);
}

static void pad(FILE *f, size_t have, size_t want)
{
    for (; have < want; have++)
        putc(' ', f);
}

/* The machine's parts as the generated text names them. */
static const char *note_name(const ir_machine *m, int32_t k)
{
    return k < m->n_notes ? m->notes[k].name : "ENGAGED";
}

/* UP of SPEC §6: the prefix upper-cased (ASCII only: it is an identifier).
 * malloc'd; the caller frees it. */
static char *upper(const char *s)
{
    size_t n = strlen(s);
    char *buf = xmalloc(n + 1);
    for (size_t i = 0; i <= n; i++)
        buf[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
    return buf;
}

/* ---- checks ------------------------------------------------------------ */

/* A header base name we can write between the quotes of #include: C11
 * 6.4.7 leaves `"`, `\` and new-lines out (and `'`, `//`, `/ *` undefined,
 * but gcc and clang take those as plain characters, so we do too), and
 * `??` could start a trigraph, which -std=c11 would replace. */
static bool include_name_ok(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c < 0x20 || c == 0x7F || (c == '?' && s[1] == '?'))
            return false;
    }
    return true;
}

char *cgen_header_path(arena *a, const char *out)
{
    size_t n = strlen(out);
    const char *base = base_name(out);
    /* Replace a final ".c" only when something precedes it in the base
     * name: "dir/.c" is a hidden file called ".c", not an extension. */
    if (strlen(base) > 2 && strcmp(out + n - 2, ".c") == 0)
        return arena_printf(a, "%.*s.h", (int)(n - 2), out);
    return arena_printf(a, "%s.h", out);
}

/* ---- the header -------------------------------------------------------- */

/* The prose both files open with: what, from where, by what. */
static void put_opening(FILE *f, const ir_machine *m, const cgen_opts *o, const char *what)
{
    fputs("/* ", f);
    if (o->file_name) {
        put_comment_str(f, base_name(o->file_name));
        fputs(" - ", f);
    }
    fprintf(f, "%s for experience ", what);
    put_comment_str(f, m->name);
    if (m->industry) {
        fputs(" (industry ", f);
        put_comment_str(f, m->industry);
        fputs(")", f);
    }
    fputs(".\n *\n * Generated by expc " EXPC_VERSION, f);
    if (m->script) {
        fputs(" from ", f);
        put_comment_str(f, base_name(m->script));
    }
    fputs("; do not edit: change the script\n"
          " * and build again.\n", f);
}

/* Path and event id tables, in the header where users look them up. */
static void put_summary(FILE *f, const ir_machine *m, const char *P)
{
    fputs(" *\n * Path (stage: note, points needed on it to move on):\n", f);
    for (int32_t k = 0; k <= m->n_notes; k++) {
        fprintf(f, " *   %" PRId32 "  ", k);
        put_comment_str(f, note_name(m, k));
        if (k < m->n_notes) {
            char num[32];
            int nl = snprintf(num, sizeof num, "%" PRId64, m->notes[k].threshold);
            pad(f, strlen(note_name(m, k)) + (size_t)nl, 12);
            fputs(num, f);
        }
        fputs("\n", f);
    }
    fputs(" * A positive event for a note not reached yet costs ", f);
    put_i64(f, m->penalty_early);
    fputs(" (penalty early).\n", f);

    size_t w = 5;
    for (size_t i = 0; i < m->n_events; i++)
        if (m->events[i].len > w)
            w = m->events[i].len;
    fprintf(f, " *\n * Events (ids of %s_event_id):\n *   %4s  event", P, "id");
    pad(f, 5, w);
    fputs("  note    points\n", f);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        fprintf(f, " *   %4zu  ", i);
        put_comment_text(f, e->name, e->len, false);
        pad(f, e->len, w);
        fputs("  ", f);
        put_comment_str(f, note_name(m, e->note));
        pad(f, strlen(note_name(m, e->note)), 6);
        fputs("  ", f);
        put_points(f, e->points);
        fputs("\n", f);
    }
    if (m->n_events == 0)
        fputs(" *   (none)\n", f);
}

/* The declarations of SPEC §6, word for word but for P and UP. */
static void put_declarations(FILE *f, const char *P, const char *UP)
{
    fprintf(f,
            "#include <stddef.h>\n"
            "#include <stdint.h>\n"
            "\n"
            "#ifdef __cplusplus\n"
            "extern \"C\" {\n"
            "#endif\n"
            "\n"
            "#define %s_NOTES 3\n"
            "\n"
            "/* One customer's progress; start it with %s_init. */\n"
            "typedef struct %s_state {\n"
            "    int32_t  stage;             /* note index on the path; %s_NOTES when engaged */\n"
            "    int64_t  score;\n"
            "    int64_t  points[%s_NOTES];   /* per note, in path order */\n"
            "    uint64_t events;\n"
            "    uint64_t early;\n"
            "} %s_state;\n"
            "\n",
            UP, P, P, UP, UP, P);
    fprintf(f,
            "/* A fresh customer: stage 0, every count 0. */\n"
            "void        %s_init(%s_state *s);\n"
            "/* The id of the event called name[0..len), or -1 when the experience\n"
            " * does not declare it.  Ids are the declaration order, from 0. */\n"
            "int32_t     %s_event_id(const char *name, size_t len);\n"
            "/* One event of the customer (SPEC section 4).  Ids outside\n"
            " * [0, %s_event_count) are ignored: the state does not change. */\n"
            "void        %s_step(%s_state *s, int32_t event_id);\n"
            "/* For i in [0, n): %s_step(&states[customer[i]], event_id[i]). */\n"
            "void        %s_step_batch(%s_state *states, const uint32_t *customer,\n"
            "%*s const int32_t *event_id, size_t n);\n"
            "/* The behaviour of the note at `stage` (\"STAY\", ...), \"ENGAGED\" for\n"
            " * %s_NOTES, and \"?\" for any other value (never NULL). */\n"
            "const char *%s_stage_name(int32_t stage);\n"
            "/* The number of events the experience declares. */\n"
            "extern const int32_t %s_event_count;\n",
            P, P, P, P, P, P, P, P, P, (int)(strlen(P) + 23), "", UP, P, P);
    fputs("\n"
          "#ifdef __cplusplus\n"
          "}\n"
          "#endif\n",
          f);
}

void cgen_write_header(FILE *f, const ir_machine *m, const cgen_opts *o)
{
    const char *P = o->prefix;
    char *UP = upper(P);
    put_opening(f, m, o, "the scoring machine");
    fprintf(f, " *\n"
               " * The interface of SPEC section 6 with prefix %s.  A customer's events\n"
               " * are scored one by one, in order:\n"
               " *\n"
               " *     %s_state s;\n"
               " *     %s_init(&s);\n"
               " *     for each event name of the customer:\n"
               " *         int32_t id = %s_event_id(name, strlen(name));\n"
               " *         if (id >= 0)\n"
               " *             %s_step(&s, id);\n"
               " *     then s.stage, s.score, ... hold the result.\n",
            P, P, P, P, P);
    put_summary(f, m, P);
    fputs(" */\n", f);
    fprintf(f, "#ifndef %s_H\n#define %s_H\n", UP, UP);
    put_declarations(f, P, UP);
    fprintf(f, "#endif /* %s_H */\n", UP);
    free(UP);
}

/* ---- the source -------------------------------------------------------- */

/* The full tables, with every detail the script gives, for the reader. */
static void put_details(FILE *f, const ir_machine *m)
{
    fputs(" *\n * Notes, in path order:\n", f);
    for (int32_t k = 0; k < m->n_notes; k++) {
        const ir_note *n = &m->notes[k];
        fprintf(f, " *   %" PRId32 "  ", k);
        put_comment_str(f, n->name);
        pad(f, strlen(n->name), 6);
        fputs("threshold ", f);
        put_i64(f, n->threshold);
        if (n->n_emotions) {
            fputs(", evokes ", f);
            for (size_t i = 0; i < n->n_emotions; i++) {
                if (i)
                    fputs(", ", f);
                put_comment_str(f, n->emotions[i]);
            }
        }
        fputs("\n", f);
        for (int md = 0; md < 3; md++) {
            if (!n->media[md])
                continue;
            fprintf(f, " *        %-8s", ast_medium_name((ast_medium)md));
            put_comment_text(f, n->media[md], strlen(n->media[md]), true);
            fputs("\n", f);
        }
    }
    fputs(" * Penalty early: ", f);
    put_i64(f, m->penalty_early);
    fputs(".\n", f);

    size_t w = 5, we = 7;
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        if (e->len > w)
            w = e->len;
        if (e->emotion && strlen(e->emotion) > we)
            we = strlen(e->emotion);
    }
    fprintf(f, " *\n * Events:\n *   %4s  event", "id");
    pad(f, 5, w);
    fputs("  note     points  emotion", f);
    pad(f, 7, we);
    fputs("  via      at\n", f);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        fprintf(f, " *   %4zu  ", i);
        put_comment_text(f, e->name, e->len, false);
        pad(f, e->len, w);
        fputs("  ", f);
        put_comment_str(f, note_name(m, e->note));
        pad(f, strlen(note_name(m, e->note)), 6);
        /* right-aligned points */
        char num[32];
        int nl = snprintf(num, sizeof num, e->points > 0 ? "+%" PRId64 : "%" PRId64,
                          e->points);
        pad(f, (size_t)nl, 9);
        fputs(num, f);
        fputs("  ", f);
        const char *em = e->emotion ? e->emotion : "-";
        put_comment_str(f, em);
        pad(f, strlen(em), we);
        fputs("  ", f);
        const char *via = e->via == M_NONE ? "-" : ast_medium_name((ast_medium)e->via);
        fputs(via, f);
        pad(f, strlen(via), 7);
        fputs("  ", f);
        put_comment_str(f, e->at ? e->at : "-");
        fputs("\n", f);
    }
    if (m->n_events == 0)
        fputs(" *   (none)\n", f);
}

/* One entry of the event-name dispatch. */
typedef struct name_ent {
    const char *name;
    size_t len;
    int32_t id;
} name_ent;

static int cmp_name_ent(const void *pa, const void *pb)
{
    const name_ent *a = pa, *b = pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    int c = memcmp(a->name, b->name, a->len);
    if (c)
        return c;
    return (a->id > b->id) - (a->id < b->id);
}

static void put_case_label(FILE *f, unsigned c)
{
    if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\' && c != '?')
        fprintf(f, "case '%c':\n", (int)c);
    else
        fprintf(f, "case %u:\n", c);
}

/* The code that finds `ents[0..n)` (distinct names, all of one length) at
 * nesting `depth`: one memcmp for a single name, else a switch on the byte
 * position where the names differ most, recursively.  Every level splits
 * the set (distinct names of equal length differ somewhere), so it ends;
 * each call to P_event_id does at most one memcmp. */
static void put_dispatch(FILE *f, name_ent *ents, size_t n, int depth, name_ent *tmp)
{
    size_t len = ents[0].len;
    if (n == 1) {
        indent(f, depth);
        fputs("if (memcmp(name, ", f);
        put_c_string(f, ents[0].name, len);
        fprintf(f, ", %zu) == 0)\n", len);
        indent(f, depth + 1);
        fprintf(f, "return %" PRId32 ";\n", ents[0].id);
        return;
    }
    size_t best = 0, best_distinct = 0;
    for (size_t p = 0; p < len; p++) {
        bool seen[256] = { false };
        size_t distinct = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)ents[i].name[p];
            if (!seen[c]) {
                seen[c] = true;
                distinct++;
            }
        }
        if (distinct > best_distinct) {
            best = p;
            best_distinct = distinct;
        }
    }
    /* Stable counting sort on the chosen byte makes the groups contiguous
     * and keeps the output independent of anything but the names. */
    size_t count[257] = { 0 };
    for (size_t i = 0; i < n; i++)
        count[(unsigned char)ents[i].name[best] + 1]++;
    for (int c = 0; c < 256; c++)
        count[c + 1] += count[c];
    for (size_t i = 0; i < n; i++)
        tmp[count[(unsigned char)ents[i].name[best]]++] = ents[i];
    memcpy(ents, tmp, n * sizeof *ents);

    indent(f, depth);
    fprintf(f, "switch ((unsigned char)name[%zu]) {\n", best);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)ents[i].name[best];
        size_t j = i;
        while (j < n && (unsigned char)ents[j].name[best] == c)
            j++;
        indent(f, depth);
        put_case_label(f, c);
        put_dispatch(f, ents + i, j - i, depth + 1, tmp);
        indent(f, depth + 1);
        fputs("break;\n", f);
        i = j;
    }
    indent(f, depth);
    fputs("}\n", f);
}

/* Past this many events P_event_id is a hash table in data instead of a
 * dispatch tree: the tree grows with the script, and C compilers are
 * superlinear in it (20,000 events: over a minute of gcc -O2). */
#define EVENT_ID_SWITCH_MAX 256

static void put_event_id_table(FILE *f, const ir_machine *m, const char *P)
{
    size_t n = m->n_events;
    ir_event_table t;
    ir_event_table_build(m, &t);
    size_t cap = t.cap;
    const uint32_t *slot = t.slots;
    fprintf(f, "/* Event names by id, and their lengths. */\n"
               "static const char *const %s_name[%zu] = {", P, n);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        put_c_string(f, m->events[i].name, m->events[i].len);
    }
    fprintf(f, "\n};\n\nstatic const uint32_t %s_name_len[%zu] = {", P, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s%zu", i ? "," : "", i % 16 ? " " : "\n    ", m->events[i].len);
    fprintf(f, "\n};\n\n"
               "/* Open addressing on FNV-1a of the name: id + 1, 0 when empty. */\n"
               "static const uint32_t %s_slots[%zu] = {", P, cap);
    for (size_t i = 0; i < cap; i++)
        fprintf(f, "%s%s%" PRIu32, i ? "," : "", i % 16 ? " " : "\n    ", slot[i]);
    fputs("\n};\n\n", f);
    free(t.slots);
    /* hash_fnv1a and the probing of ir_event_table_build, in C. */
    fprintf(f,
            "/* Hash the name, then probe: at most a few memcmp, no allocation. */\n"
            "int32_t %s_event_id(const char *name, size_t len)\n{\n"
            "    uint32_t h = 2166136261u;\n"
            "    for (size_t i = 0; i < len; i++)\n"
            "        h = (h ^ (unsigned char)name[i]) * 16777619u;\n"
            "    for (size_t i = h & %zuu;; i = (i + 1) & %zuu) {\n"
            "        uint32_t s = %s_slots[i];\n"
            "        if (s == 0)\n"
            "            return -1;\n"
            "        if (%s_name_len[s - 1] == len && memcmp(%s_name[s - 1], name, len) == 0)\n"
            "            return (int32_t)(s - 1);\n"
            "    }\n"
            "}\n",
            P, cap - 1, cap - 1, P, P, P);
}

static void put_event_id(FILE *f, const ir_machine *m, const char *P)
{
    if (m->n_events > EVENT_ID_SWITCH_MAX) {
        put_event_id_table(f, m, P);
        return;
    }
    fprintf(f,
            "/* Switch on the length, then on the byte that tells the names of\n"
            " * that length apart, then one memcmp: no hashing, no allocation. */\n"
            "int32_t %s_event_id(const char *name, size_t len)\n{\n",
            P);
    if (m->n_events == 0) {
        fputs("    (void)name;\n    (void)len;\n    return -1;\n}\n", f);
        return;
    }
    size_t n = m->n_events;
    name_ent *ents = xmalloc(n * sizeof *ents);
    name_ent *tmp = xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        ents[i].name = m->events[i].name;
        ents[i].len = m->events[i].len;
        ents[i].id = (int32_t)i;
    }
    qsort(ents, n, sizeof *ents, cmp_name_ent);
    /* A name declared twice (sema forbids it) resolves to its first id:
     * equal names sort by id, and only the first of each run is kept. */
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || ents[i].len != ents[u - 1].len ||
            memcmp(ents[i].name, ents[u - 1].name, ents[i].len) != 0)
            ents[u++] = ents[i];
    fputs("    switch (len) {\n", f);
    for (size_t i = 0; i < u;) {
        size_t j = i;
        while (j < u && ents[j].len == ents[i].len)
            j++;
        fprintf(f, "    case %zu:\n", ents[i].len);
        put_dispatch(f, ents + i, j - i, 2, tmp);
        fputs("        break;\n", f);
        i = j;
    }
    fputs("    }\n    return -1;\n}\n", f);
    free(ents);
    free(tmp);
}

static void put_tables(FILE *f, const ir_machine *m, const char *P, const char *UP)
{
    size_t n = m->n_events;
    /* C has no empty arrays; a machine without events gets one unused slot
     * (P_step's range check never reaches it). */
    size_t dim = n ? n : 1;

    fprintf(f, "/* Per event id: the note it plays (index on the path). */\n"
               "static const int32_t %s_note_of[%zu] = {", P, dim);
    for (size_t i = 0; i < dim; i++)
        fprintf(f, "%s%s%" PRId32, i ? "," : "", i % 16 ? " " : "\n    ",
                n ? m->events[i].note : 0);
    fputs("\n};\n\n", f);

    fprintf(f, "/* Per event id: its points. */\n"
               "static const int64_t %s_points[%zu] = {", P, dim);
    for (size_t i = 0; i < dim; i++) {
        fprintf(f, "%s%s", i ? "," : "", i % 8 ? " " : "\n    ");
        put_i64(f, n ? m->events[i].points : 0);
    }
    fputs("\n};\n\n", f);

    fprintf(f,
            "/* Per event id: the lowest stage at which it counts (SPEC section 4,\n"
            " * steps 2-3): its note for w >= 0, -1 (always) for w < 0. */\n"
            "static const int32_t %s_reach[%zu] = {",
            P, dim);
    for (size_t i = 0; i < dim; i++)
        fprintf(f, "%s%s%" PRId32, i ? "," : "", i % 16 ? " " : "\n    ",
                n ? m->events[i].counts_from : 0);
    fputs("\n};\n\n", f);

    fprintf(f, "/* Per stage: the points needed on its note to move on. */\n"
               "static const int64_t %s_threshold[%s_NOTES] = { ", P, UP);
    for (int32_t k = 0; k < m->n_notes; k++) {
        if (k)
            fputs(", ", f);
        put_i64(f, m->notes[k].threshold);
    }
    fputs(" };\n\n", f);

    fprintf(f, "/* Per stage: its name; the last is the engaged customer's. */\n"
               "static const char *const %s_stage_names[%s_NOTES + 1] = { ", P, UP);
    for (int32_t k = 0; k <= m->n_notes; k++) {
        if (k)
            fputs(", ", f);
        const char *s = note_name(m, k);
        put_c_string(f, s, strlen(s));
    }
    fputs(" };\n\n", f);

    fprintf(f, "/* Points lost by a positive event played early, as the unsigned\n"
               " * amount added to the score (two's complement of the penalty). */\n"
               "static const uint64_t %s_early_delta = (uint64_t)0 - (uint64_t)", P);
    put_i64(f, m->penalty_early);
    fputs(";\n\n", f);
}

static void put_functions(FILE *f, const ir_machine *m, const char *P, const char *UP)
{
    fprintf(f,
            "void %s_init(%s_state *s)\n"
            "{\n"
            "    s->stage = 0;\n"
            "    s->score = 0;\n",
            P, P);
    for (int32_t k = 0; k < m->n_notes; k++)
        fprintf(f, "    s->points[%" PRId32 "] = 0;\n", k);
    fputs("    s->events = 0;\n"
          "    s->early = 0;\n"
          "}\n\n",
          f);

    put_event_id(f, m, P);
    fputs("\n", f);

    fprintf(f,
            "/* SPEC section 4 for one event.  Steps 2-4 are one compare against\n"
            " * %s_reach and two adds, without branches; sums are done in uint64_t\n"
            " * so they wrap like the interpreter's instead of overflowing.\n"
            " * Ids out of range are ignored, as the header says. */\n"
            "static void %s_advance(%s_state *s, int32_t id)\n"
            "{\n"
            "    int counts;\n"
            "    uint64_t w;\n"
            "    int32_t j;\n"
            "\n",
            P, P, P);
    /* The bound as a literal lets the compiler fold it; with no events the
     * literal would be 0u, and `>= 0u` trips -Wtype-limits: use the object. */
    if (m->n_events)
        fprintf(f, "    if ((uint32_t)id >= %zuu) /* %s_event_count */\n", m->n_events, P);
    else
        fprintf(f, "    if ((uint32_t)id >= (uint32_t)%s_event_count)\n", P);
    fprintf(f,
            "        return;\n"
            "    counts = %s_reach[id] <= s->stage;\n"
            "    w = (uint64_t)%s_points[id];\n"
            "    j = %s_note_of[id];\n"
            "    s->events += 1;\n"
            "    s->score = (int64_t)((uint64_t)s->score + (counts ? w : %s_early_delta));\n"
            "    s->points[j] = (int64_t)((uint64_t)s->points[j] + (counts ? w : 0));\n"
            "    s->early += (uint64_t)!counts;\n"
            "    while (s->stage < %s_NOTES && s->points[s->stage] >= %s_threshold[s->stage])\n"
            "        s->stage += 1;\n"
            "}\n\n",
            P, P, P, P, UP, P);

    fprintf(f,
            "void %s_step(%s_state *s, int32_t event_id)\n"
            "{\n"
            "    %s_advance(s, event_id);\n"
            "}\n\n",
            P, P, P);

    fprintf(f,
            "void %s_step_batch(%s_state *states, const uint32_t *customer,\n"
            "    const int32_t *event_id, size_t n)\n"
            "{\n"
            "    size_t i;\n"
            "\n"
            "    for (i = 0; i < n; i++) {\n"
            "#if defined(__GNUC__) || defined(__clang__)\n"
            "        /* With many customers each step misses the cache: fetch the\n"
            "         * state 64 events ahead (both lines it may straddle). */\n"
            "        if (i + 64 < n) {\n"
            "            const char *a = (const char *)&states[customer[i + 64]];\n"
            "            __builtin_prefetch(a, 1, 3);\n"
            "            __builtin_prefetch(a + sizeof *states - 1, 1, 3);\n"
            "        }\n"
            "#endif\n"
            "        %s_advance(&states[customer[i]], event_id[i]);\n"
            "    }\n"
            "}\n\n",
            P, P, P);

    fprintf(f,
            "const char *%s_stage_name(int32_t stage)\n"
            "{\n"
            "    return (uint32_t)stage <= %s_NOTES ? %s_stage_names[stage] : \"?\";\n"
            "}\n\n",
            P, UP, P);

    fprintf(f, "const int32_t %s_event_count = %zu;\n", P, m->n_events);
}

/* The --main part: runtime, engine, main(). */
static void put_program(FILE *f, const char *P, const char *UP)
{
    fprintf(f,
            "\n"
            "/* ==== The standalone program (expc build --main) ====================\n"
            " *\n"
            " * What follows is the runtime of `expc run` (expc " EXPC_VERSION "'s src/rt:\n"
            " * the event reader, the customer table and the output), copied in\n"
            " * verbatim so this program's output, messages and exit codes are\n"
            " * those of `expc run`; then an rt_engine over the functions above, and\n"
            " * main().  Compile with -D%s_EXTERNAL_MACHINE to take the functions\n"
            " * from another object instead (expc build --emit=obj).\n"
            " */\n\n",
            UP);
    fwrite(cgen_runtime_source, 1, cgen_runtime_size, f);
    fprintf(f,
            "\n"
            "/* ---- the engine ---------------------------------------------------- */\n"
            "\n"
            "/* rt_state and %s_state have the same members; they are copied member\n"
            " * by member, as distinct types may not alias. */\n"
            "_Static_assert(RT_NOTES == %s_NOTES, \"runtime and machine disagree on the notes\");\n"
            "\n"
            "static void %s_rt_init(void *ctx, rt_state *r)\n"
            "{\n"
            "    %s_state s;\n"
            "    int k;\n"
            "\n"
            "    (void)ctx;\n"
            "    %s_init(&s);\n"
            "    r->stage = s.stage;\n"
            "    r->score = s.score;\n"
            "    for (k = 0; k < %s_NOTES; k++)\n"
            "        r->points[k] = s.points[k];\n"
            "    r->events = s.events;\n"
            "    r->early = s.early;\n"
            "}\n\n",
            P, UP, P, P, P, UP);
    fprintf(f,
            "static int32_t %s_rt_event_id(void *ctx, const char *name, size_t len)\n"
            "{\n"
            "    (void)ctx;\n"
            "    return %s_event_id(name, len);\n"
            "}\n\n"
            "static void %s_rt_step_batch(void *ctx, rt_state *states, const uint32_t *customer,\n"
            "    const int32_t *event_id, size_t n)\n"
            "{\n"
            "    size_t i;\n"
            "    int k;\n"
            "\n"
            "    (void)ctx;\n"
            "    for (i = 0; i < n; i++) {\n"
            "        rt_state *r = &states[customer[i]];\n"
            "        %s_state s;\n"
            "\n"
            "        s.stage = r->stage;\n"
            "        s.score = r->score;\n"
            "        for (k = 0; k < %s_NOTES; k++)\n"
            "            s.points[k] = r->points[k];\n"
            "        s.events = r->events;\n"
            "        s.early = r->early;\n"
            "        %s_step(&s, event_id[i]);\n"
            "        r->stage = s.stage;\n"
            "        r->score = s.score;\n"
            "        for (k = 0; k < %s_NOTES; k++)\n"
            "            r->points[k] = s.points[k];\n"
            "        r->events = s.events;\n"
            "        r->early = s.early;\n"
            "    }\n"
            "}\n\n",
            P, P, P, P, UP, P, UP);
    fprintf(f,
            "static const char *%s_rt_stage_name(void *ctx, int32_t stage)\n"
            "{\n"
            "    (void)ctx;\n"
            "    return %s_stage_name(stage);\n"
            "}\n\n"
            "static const rt_engine %s_engine = {\n"
            "    .ctx = NULL,\n"
            "    .n_notes = %s_NOTES,\n"
            "    .init = %s_rt_init,\n"
            "    .event_id = %s_rt_event_id,\n"
            "    .step_batch = %s_rt_step_batch,\n"
            "    .stage_name = %s_rt_stage_name,\n"
            "};\n\n"
            "/* Parses the command line like `expc run` (FILE or stdin, --format,\n"
            " * --strict, --skip-invalid) and runs; defined in the runtime above. */\n"
            "int rt_main(int argc, char **argv, const rt_engine *e);\n\n"
            "int main(int argc, char **argv)\n"
            "{\n"
            "    return rt_main(argc, argv, &%s_engine);\n"
            "}\n",
            P, P, P, UP, P, P, P, P, P);
}

void cgen_write_source(FILE *f, const ir_machine *m, const cgen_opts *o)
{
    const char *P = o->prefix;
    char *UP = upper(P);
    put_opening(f, m, o, "the scoring machine");
    fputs(" *\n"
          " * SPEC section 4 compiled for this experience: the step is driven by\n"
          " * the constant tables below, indexed by event id and by stage.\n",
          f);
    put_details(f, m);
    fputs(" */\n", f);
    if (o->header_name) {
        fputs("#include ", f);
        /* cgen_emit made sure the name fits between the quotes */
        fprintf(f, "\"%s\"\n", o->header_name);
    } else {
        put_declarations(f, P, UP);
    }
    fputs("\n#include <string.h> /* memcmp */\n\n", f);
    if (o->main)
        fprintf(f, "#ifndef %s_EXTERNAL_MACHINE\n\n", UP);
    put_tables(f, m, P, UP);
    put_functions(f, m, P, UP);
    if (o->main) {
        fprintf(f, "\n#endif /* %s_EXTERNAL_MACHINE */\n", UP);
        put_program(f, P, UP);
    }
    free(UP);
}

/* ---- the backend ------------------------------------------------------- */

/* Every name the generated file defines, after P_ or UP_ (keep in step
 * with the put_* functions above). */
static const char *const p_names[] = {
    "state", "init", "event_id", "step", "step_batch", "stage_name", "event_count",
    "note_of", "points", "reach", "threshold", "stage_names", "early_delta", "advance",
    "rt_init", "rt_event_id", "rt_step_batch", "rt_stage_name", "engine",
};
static const char *const up_names[] = { "NOTES", "H", "EXTERNAL_MACHINE" };

static bool is_name(const char *tok, size_t n, const char *pre, const char *suf)
{
    size_t lp = strlen(pre), ls = strlen(suf);
    return n == lp + 1 + ls && memcmp(tok, pre, lp) == 0 && tok[lp] == '_' &&
           memcmp(tok + lp + 1, suf, ls) == 0;
}

/* With --main the runtime shares the translation unit, so P must not make
 * any of our names equal to one of its identifiers (prefix `rt` gives
 * rt_state, `run` gives run_state, ...).  Rather than a list of forbidden
 * prefixes that would go stale as the runtime changes, the embedded text
 * itself is scanned: identifiers outside comments, strings and character
 * constants.  Returns the first clash (malloc'd) or NULL. */
static char *runtime_clash(const char *P)
{
    char *UP = upper(P);
    const char *s = (const char *)cgen_runtime_source;
    const char *end = s + cgen_runtime_size;
    char *clash = NULL;
    while (s < end && !clash) {
        if (s[0] == '/' && s + 1 < end && s[1] == '*') {
            for (s += 2; s + 1 < end && !(s[0] == '*' && s[1] == '/'); s++)
                ;
            s += 2;
        } else if (s[0] == '/' && s + 1 < end && s[1] == '/') {
            while (s < end && *s != '\n')
                s++;
        } else if (*s == '"' || *s == '\'') {
            char q = *s++;
            for (; s < end && *s != q && *s != '\n'; s++)
                if (*s == '\\')
                    s++;
            s++;
        } else if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_') {
            const char *t = s;
            while (s < end && ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                               (*s >= '0' && *s <= '9') || *s == '_'))
                s++;
            size_t n = (size_t)(s - t);
            for (size_t i = 0; !clash && i < sizeof p_names / sizeof *p_names; i++)
                if (is_name(t, n, P, p_names[i]))
                    clash = xmalloc(n + 1);
            for (size_t i = 0; !clash && i < sizeof up_names / sizeof *up_names; i++)
                if (is_name(t, n, UP, up_names[i]))
                    clash = xmalloc(n + 1);
            if (clash) {
                memcpy(clash, t, n);
                clash[n] = 0;
            }
        } else if (*s >= '0' && *s <= '9') {
            /* a number's letters (0x1Fu, 1e5) are not identifiers */
            while (s < end && ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                               (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
                s++;
        } else {
            s++;
        }
    }
    free(UP);
    return clash;
}

/* Refuses outputs rename(2) would fail on only after the other file is in
 * place, so a bad -o cannot leave one file of the pair behind. */
static bool path_writable_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "expc: %s: cannot write: Is a directory\n", path);
        return false;
    }
    return true;
}

int cgen_emit(arena *a, const ir_machine *m, const emit_opts *o)
{
    const char *why = emit_machine_error(m);
    if (why) {
        fprintf(stderr, "expc: internal error: C backend: %s\n", why);
        return RT_EXIT_SOFTWARE;
    }
    const char *prefix = emit_prefix(a, m, o);
    if (!emit_prefix_ok(prefix)) {
        fprintf(stderr, "expc: --prefix '%s': not a C identifier\n", prefix);
        return RT_EXIT_USAGE;
    }
    if (o->main) {
        char *clash = runtime_clash(prefix);
        if (clash) {
            fprintf(stderr, "expc: --prefix '%s': %s is also a name in the runtime "
                            "--main embeds; choose another prefix\n", prefix, clash);
            free(clash);
            return RT_EXIT_USAGE;
        }
    }

    const char *out = o->out ? o->out : emit_default_out(a, emit_script_name(m), ".c");
    const char *ob = base_name(out);
    if (!*ob || strcmp(ob, ".") == 0 || strcmp(ob, "..") == 0) {
        fprintf(stderr, "expc: -o '%s': not a file name\n", out);
        return RT_EXIT_USAGE;
    }
    const char *hpath = cgen_header_path(a, out);
    const char *hbase = base_name(hpath);
    if (!include_name_ok(hbase)) {
        fprintf(stderr, "expc: -o '%s': the header's name cannot be written in "
                        "#include \"...\"\n", out);
        return RT_EXIT_USAGE;
    }
    if (!path_writable_kind(hpath) || !path_writable_kind(out))
        return RT_EXIT_IOERR;

    cgen_opts co = { prefix, NULL, hbase, o->main };
    outfile os[2];
    memset(os, 0, sizeof os);
    /* Both files or neither: outfile_commit renames them only when both
     * were written whole. */
    bool ok = outfile_open(&os[0], hpath) && outfile_open(&os[1], out);
    if (ok) {
        co.file_name = hpath;
        cgen_write_header(os[0].f, m, &co);
        co.file_name = out;
        cgen_write_source(os[1].f, m, &co);
    }
    return outfile_commit(os, 2, ok);
}
