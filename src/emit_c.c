/* emit_c.c - the C backend: a lowered machine as self-contained C11.
 *
 * `expc build --emit=c -o OUT.c` writes OUT.c and OUT.h with the interface
 * of docs/language.md (Generated code) for prefix P.  The code is the scoring
 * of docs/language.md (Scoring) specialised for one experience: static const
 * tables indexed by event id (note, points, the stage an event needs to
 * count) and by stage (thresholds, names), so the step is a few loads and
 * compares with no libc calls; event names are resolved by a switch on the
 * length, then on the byte that tells the remaining names apart, then one
 * memcmp.  The text is meant to be read: the path, the notes and the events
 * are laid out as commented tables, and the same machine always gives the
 * same bytes (no dates, no folders).  The fixed text is one table of
 * templates (cgen_text, written by tmpl.h's writer); only the data comes
 * from code.
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
#include "expc/rt.h" /* rt_utf8_len: the one UTF-8 decoder */
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
#include "expc/tmpl.h"

#ifndef EXPC_VERSION
#define EXPC_VERSION "unknown" /* the Makefile defines it */
#endif

const emit_backend cgen_backend = { "c", ".c", false, cgen_emit, "a source and a header" };

/* ---- small text helpers ------------------------------------------------ */

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
            size_t len = rt_utf8_len(s + i, n - i);
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
    const char *base = rt_basename(out);
    /* Replace a final ".c" only when something precedes it in the base
     * name: "dir/.c" is a hidden file called ".c", not an extension. */
    if (strlen(base) > 2 && strcmp(out + n - 2, ".c") == 0)
        return arena_printf(a, "%.*s.h", (int)(n - 2), out);
    return arena_printf(a, "%s.h", out);
}

/* ---- the fixed text ------------------------------------------------------
 *
 * Everything the backend writes that does not come from the script, as
 * templates (tmpl.h) in one table:
 *   @P@ @UP@   the prefix and the prefix upper-cased
 *   @PAD@      spaces one narrower than "void        P_step_batch(", so
 *              the continued line's " const" starts under the parameters
 *   @N@        the number of events; @DIM@ the same, at least 1 (C has no
 *              empty arrays); @CAP@ and @CAP1@ the size of the event
 *              table and its mask
 * Every name the generated code defines after P_ or UP_ is spelled in
 * these templates and nowhere else, so the clash check of --main
 * (runtime_clash) reads the names from here. */
enum {
    T_DECLS, T_STATE_TIME, T_STATE_CAPS, T_DECLS_END, T_HEADER_INTRO, T_GUARD_OPEN, T_GUARD_CLOSE, T_SUMMARY_EVENTS,
    T_SOURCE_INTRO, T_EXTERNAL_OPEN, T_EXTERNAL_CLOSE,
    T_NOTE_OF, T_POINTS, T_REACH, T_THRESHOLD, T_STAGE_NAMES, T_EARLY_DELTA,
    T_INCLUDES, T_INIT, T_INIT_END, T_EVENT_ID_SWITCH, T_EVENT_ID_NONE, T_EVENT_NAMES, T_EVENT_NAME_LEN, T_EVENT_SLOTS,
    T_EVENT_NAME_ID, T_EVENT_ID_PROBE, T_ADVANCE, T_RANGE_LITERAL, T_RANGE_OBJECT, T_RETURN, T_ADVANCE_BODY,
    T_ADVANCE_T, T_RESTART_OPEN, T_RESTART_RESET, T_RESTART_OR, T_RESTART_WITHIN,
    T_RESTART_BODY, T_CAP_STEP, T_LAST, T_ADVANCE_END, T_CAP_OF, T_CAP_TABLES, T_CAP_PER, T_CAP_SLOT, T_CAP_SLOT_NONE,
    T_INIT_TIME, T_INIT_CAPS, T_STEP_T, T_COPY_TIME_IN, T_COPY_TIME_OUT, T_COPY_CAPS_IN, T_COPY_CAPS_OUT,
    T_STEP, T_STEP_BATCH, T_STAGE_NAME, T_EVENT_COUNT, T_PROGRAM, T_ENGINE,
    T_ENGINE_ID, T_ENGINE_STEP, T_ENGINE_REST, T_COPY_STATE,
    T_COUNT
};
_Static_assert(T_COUNT <= 64, "cgen.used has a bit per template");

static const char *const cgen_text[T_COUNT] = {
    /* The declarations of docs/language.md (Generated code), word for word
     * but for P and UP. */
    [T_DECLS] =
        "#include <stddef.h>\n"
        "#include <stdint.h>\n"
        "\n"
        "#ifdef __cplusplus\n"
        "extern \"C\" {\n"
        "#endif\n"
        "\n"
        "#define @UP@_NOTES 3\n"
        "#define @UP@_ABI 2\n"
        "/* 1 when the experience uses time (within, reset after, cap), else 0. */\n"
        "#define @UP@_TIME @TIME@\n"
        "/* The number of events with a cap. */\n"
        "#define @UP@_CAPS @CAPS@\n"
        "\n"
        "/* One customer's progress; start it with @P@_init. */\n"
        "typedef struct @P@_state {\n"
        "    int32_t  stage;             /* note index on the path; @UP@_NOTES when engaged */\n"
        "    int64_t  score;\n"
        "    int64_t  points[@UP@_NOTES];   /* per note, in path order */\n"
        "    uint64_t events;\n"
        "    uint64_t early;\n",
    [T_STATE_TIME] =
        "    int64_t  start;             /* when the current journey began (ms) */\n"
        "    int64_t  last;              /* the time of the previous event (ms) */\n",
    [T_STATE_CAPS] =
        "    int64_t  cap_bucket[@UP@_CAPS]; /* per capped event: its current period */\n"
        "    uint32_t cap_count[@UP@_CAPS];  /* ... and how often it counted in it */\n",
    [T_DECLS_END] =
        "} @P@_state;\n"
        "\n"
        "/* A fresh customer: stage 0, every count 0. */\n"
        "void        @P@_init(@P@_state *s);\n"
        "/* The id of the event called name[0..len), or -1 when the experience\n"
        " * does not declare it.  Ids are the declaration order, from 0. */\n"
        "int32_t     @P@_event_id(const char *name, size_t len);\n"
        "/* One event of the customer at time t, in ms since the epoch (ignored\n"
        " * when @UP@_TIME is 0; docs/language.md, Scoring).  Ids outside\n"
        " * [0, @P@_event_count) are ignored: the state does not change. */\n"
        "void        @P@_step(@P@_state *s, int32_t event_id, int64_t t);\n"
        "/* For i in [0, n): @P@_step(&states[customer[i]], event_id[i], t[i]);\n"
        " * t may be NULL when @UP@_TIME is 0 (NULL: every time is 0). */\n"
        "void        @P@_step_batch(@P@_state *states, const uint32_t *customer,\n"
        "@PAD@ const int32_t *event_id, const int64_t *t, size_t n);\n"
        "/* The index of the event's cap in cap_bucket and cap_count, or -1 for\n"
        " * an event without a cap (or an id out of range). */\n"
        "int32_t     @P@_cap_slot(int32_t event_id);\n"
        "/* The behaviour of the note at `stage` (\"STAY\", ...), \"ENGAGED\" for\n"
        " * @UP@_NOTES, and \"?\" for any other value (never NULL). */\n"
        "const char *@P@_stage_name(int32_t stage);\n"
        "/* The number of events the experience declares. */\n"
        "extern const int32_t @P@_event_count;\n"
        "\n"
        "#ifdef __cplusplus\n"
        "}\n"
        "#endif\n",
    [T_HEADER_INTRO] =
        " *\n"
        " * The interface of docs/language.md (Generated code) with prefix @P@.  A customer's events\n"
        " * are scored one by one, in order:\n"
        " *\n"
        " *     @P@_state s;\n"
        " *     @P@_init(&s);\n"
        " *     for each event name of the customer:\n"
        " *         int32_t id = @P@_event_id(name, strlen(name));\n"
        " *         if (id >= 0)\n"
        " *             @P@_step(&s, id, t);   (t: its time, ms since the epoch)\n"
        " *     then s.stage, s.score, ... hold the result.\n",
    [T_GUARD_OPEN] = "#ifndef @UP@_H\n#define @UP@_H\n",
    [T_GUARD_CLOSE] = "#endif /* @UP@_H */\n",
    [T_SUMMARY_EVENTS] = " *\n * Events (ids of @P@_event_id):\n *     id  event",
    [T_SOURCE_INTRO] =
        " *\n"
        " * docs/language.md (Scoring) compiled for this experience: the step is driven by\n"
        " * the constant tables below, indexed by event id and by stage.\n",
    [T_EXTERNAL_OPEN] = "#ifndef @UP@_EXTERNAL_MACHINE\n\n",
    [T_EXTERNAL_CLOSE] = "\n#endif /* @UP@_EXTERNAL_MACHINE */\n",
    [T_NOTE_OF] =
        "/* Per event id: the note it plays (index on the path). */\n"
        "static const int32_t @P@_note_of[@DIM@] = {",
    [T_POINTS] =
        "/* Per event id: its points. */\n"
        "static const int64_t @P@_points[@DIM@] = {",
    [T_REACH] =
        "/* Per event id: the lowest stage at which it counts (docs/language.md,\n"
        " * Scoring): its note for w >= 0, -1 (always) for w < 0. */\n"
        "static const int32_t @P@_reach[@DIM@] = {",
    [T_THRESHOLD] =
        "/* Per stage: the points needed on its note to move on. */\n"
        "static const int64_t @P@_threshold[@UP@_NOTES] = { ",
    [T_STAGE_NAMES] =
        "/* Per stage: its name; the last is the engaged customer's. */\n"
        "static const char *const @P@_stage_names[@UP@_NOTES + 1] = { ",
    [T_EARLY_DELTA] =
        "/* Points lost by a positive event played early, as the unsigned\n"
        " * amount added to the score (two's complement of the penalty). */\n"
        "static const uint64_t @P@_early_delta = (uint64_t)0 - (uint64_t)",
    [T_INCLUDES] = "\n#include <string.h> /* memcmp */\n\n",
    /* T_INIT, a line per note, T_INIT_END */
    [T_INIT] =
        "void @P@_init(@P@_state *s)\n"
        "{\n"
        "    s->stage = 0;\n"
        "    s->score = 0;\n",
    [T_INIT_END] =
        "    s->events = 0;\n"
        "    s->early = 0;\n",
    [T_INIT_TIME] =
        "    s->start = 0;\n"
        "    s->last = 0;\n",
    [T_INIT_CAPS] =
        "    for (int k = 0; k < @UP@_CAPS; k++) {\n"
        "        s->cap_bucket[k] = INT64_MIN;\n"
        "        s->cap_count[k] = 0;\n"
        "    }\n",
    /* Time (docs/language.md, Scoring, steps A-D): an advance that takes t. */
    [T_ADVANCE_T] =
        "/* One event at time t (docs/language.md, Scoring, Time: steps A-D around\n"
        " * steps 1-5).  Time gaps are compared exactly (no overflow): t - x > D\n"
        " * is t > x && (uint64_t)t - (uint64_t)x > D.  Sums are done in uint64_t\n"
        " * so they wrap like the interpreter's.  Ids out of range are ignored. */\n"
        "static void @P@_advance(@P@_state *s, int32_t id, int64_t t)\n"
        "{\n"
        "    int counts;\n"
        "    uint64_t w;\n"
        "    int32_t j;\n"
        "\n",
    [T_RESTART_OPEN] =
        "    if (s->events == 0) {\n"
        "        s->start = t;\n"
        "    } else if (",
    [T_RESTART_RESET] = "(t > s->last && (uint64_t)t - (uint64_t)s->last > @R@u)",
    [T_RESTART_OR] = " ||\n               ",
    [T_RESTART_WITHIN] =
        "(s->stage < @UP@_NOTES && t > s->start &&\n"
        "                (uint64_t)t - (uint64_t)s->start > @W@u)",
    [T_RESTART_BODY] =
        ") {\n"
        "        /* the journey restarts; events, early and the caps go on */\n"
        "        s->stage = 0;\n"
        "        s->score = 0;\n"
        "        s->points[0] = s->points[1] = s->points[2] = 0;\n"
        "        s->start = t;\n"
        "    }\n",
    [T_CAP_STEP] =
        "    if (@P@_cap_of[id] >= 0) {\n"
        "        int32_t c = @P@_cap_of[id];\n"
        "        int64_t per = @P@_cap_per[c];\n"
        "        int64_t b = t / per - (t % per != 0 && t < 0); /* floor */\n"
        "        if (b != s->cap_bucket[c]) {\n"
        "            s->cap_bucket[c] = b;\n"
        "            s->cap_count[c] = 0;\n"
        "        }\n"
        "        if (s->cap_count[c] >= @P@_cap_max[c]) { /* capped */\n"
        "            s->events += 1;\n"
        "            s->last = t;\n"
        "            return;\n"
        "        }\n"
        "        s->cap_count[c] += 1;\n"
        "    }\n",
    [T_LAST] = "    s->last = t;\n",
    [T_ADVANCE_END] = "}\n\n",
    [T_CAP_OF] =
        "/* Per event id: its cap slot (@P@_cap_slot), -1 when it has no cap. */\n"
        "static const int32_t @P@_cap_of[@DIM@] = {",
    [T_CAP_PER] = "static const int64_t @P@_cap_per[@UP@_CAPS] = {",
    [T_CAP_TABLES] =
        "/* Per capped event (P_cap_slot): at most cap_max counts per period of\n"
        " * cap_per ms. */\n"
        "static const uint32_t @P@_cap_max[@UP@_CAPS] = {",
    [T_CAP_SLOT] =
        "int32_t @P@_cap_slot(int32_t event_id)\n"
        "{\n"
        "    return (uint32_t)event_id < @N@u ? @P@_cap_of[event_id] : -1;\n"
        "}\n\n",
    [T_CAP_SLOT_NONE] =
        "int32_t @P@_cap_slot(int32_t event_id)\n"
        "{\n"
        "    (void)event_id;\n"
        "    return -1;\n"
        "}\n\n",
    [T_STEP_T] =
        "void @P@_step(@P@_state *s, int32_t event_id, int64_t t)\n"
        "{\n"
        "    @P@_advance(s, event_id, t);\n"
        "}\n\n",
    /* rt_state keeps the clock and the cap slots after itself (rt.h). */
    [T_COPY_TIME_IN] =
        "@IN@s.start = rt_state_clock(r)->start;\n"
        "@IN@s.last = rt_state_clock(r)->last;\n",
    [T_COPY_TIME_OUT] =
        "@IN@rt_state_clock(r)->start = s.start;\n"
        "@IN@rt_state_clock(r)->last = s.last;\n",
    /* rt_state keeps the cap slots after itself (rt.h, rt_cap_bucket). */
    [T_COPY_CAPS_IN] =
        "@IN@for (k = 0; k < @UP@_CAPS; k++) {\n"
        "@IN@    s.cap_bucket[k] = rt_cap_bucket(r)[k];\n"
        "@IN@    s.cap_count[k] = rt_cap_count(r, @UP@_CAPS)[k];\n"
        "@IN@}\n",
    [T_COPY_CAPS_OUT] =
        "@IN@for (k = 0; k < @UP@_CAPS; k++) {\n"
        "@IN@    rt_cap_bucket(r)[k] = s.cap_bucket[k];\n"
        "@IN@    rt_cap_count(r, @UP@_CAPS)[k] = s.cap_count[k];\n"
        "@IN@}\n",

    [T_EVENT_ID_SWITCH] =
        "/* Switch on the length, then on the byte that tells the names of\n"
        " * that length apart, then one memcmp: no hashing, no allocation. */\n"
        "int32_t @P@_event_id(const char *name, size_t len)\n{\n",
    /* The body after T_EVENT_ID_SWITCH when there are no events. */
    [T_EVENT_ID_NONE] = "    (void)name;\n    (void)len;\n    return -1;\n}\n",
    [T_EVENT_NAMES] =
        "/* Event names by id, and their lengths. */\n"
        "static const char *const @P@_name[@NN@] = {",
    [T_EVENT_NAME_LEN] = "\n};\n\nstatic const uint32_t @P@_name_len[@NN@] = {",
    [T_EVENT_SLOTS] =
        "\n};\n\n"
        "/* Open addressing on FNV-1a of the name: id + 1, 0 when empty. */\n"
        "static const uint32_t @P@_slots[@CAP@] = {",
    /* hash_fnv1a and the probing of ir_event_table_build, in C; @HIT@ is
     * the id of name s - 1 (cgen.hit). */
    [T_EVENT_ID_PROBE] =
        "/* Hash the name, then probe: at most a few memcmp, no allocation. */\n"
        "int32_t @P@_event_id(const char *name, size_t len)\n{\n"
        "    uint32_t h = 2166136261u;\n"
        "    for (size_t i = 0; i < len; i++)\n"
        "        h = (h ^ (unsigned char)name[i]) * 16777619u;\n"
        "    for (size_t i = h & @CAP1@u;; i = (i + 1) & @CAP1@u) {\n"
        "        uint32_t s = @P@_slots[i];\n"
        "        if (s == 0)\n"
        "            return -1;\n"
        "        if (@P@_name_len[s - 1] == len && memcmp(@P@_name[s - 1], name, len) == 0)\n"
        "            return @HIT@;\n"
        "    }\n"
        "}\n",
    /* With aliases the names outnumber the events: past the declared
     * names (name i is event i) come the aliases, each with its event. */
    [T_EVENT_NAME_ID] =
        "/* The event of each name: the declared names by id, then the aliases. */\n"
        "static const int32_t @P@_name_id[@NN@] = {",
    [T_ADVANCE] =
        "/* One event (docs/language.md, Scoring).  Steps 2-4 are one compare against\n"
        " * @P@_reach and two adds, without branches; sums are done in uint64_t\n"
        " * so they wrap like the interpreter's instead of overflowing.\n"
        " * Ids out of range are ignored, as the header says. */\n"
        "static void @P@_advance(@P@_state *s, int32_t id)\n"
        "{\n"
        "    int counts;\n"
        "    uint64_t w;\n"
        "    int32_t j;\n"
        "\n",
    [T_RANGE_LITERAL] = "    if ((uint32_t)id >= @N@u) /* @P@_event_count */\n",
    [T_RANGE_OBJECT] = "    if ((uint32_t)id >= (uint32_t)@P@_event_count)\n",
    [T_RETURN] = "        return;\n",
    [T_ADVANCE_BODY] =
        "    counts = @P@_reach[id] <= s->stage;\n"
        "    w = (uint64_t)@P@_points[id];\n"
        "    j = @P@_note_of[id];\n"
        "    s->events += 1;\n"
        "    s->score = (int64_t)((uint64_t)s->score + (counts ? w : @P@_early_delta));\n"
        "    s->points[j] = (int64_t)((uint64_t)s->points[j] + (counts ? w : 0));\n"
        "    s->early += (uint64_t)!counts;\n"
        "    while (s->stage < @UP@_NOTES && s->points[s->stage] >= @P@_threshold[s->stage])\n"
        "        s->stage += 1;\n",
    [T_STEP] =
        "void @P@_step(@P@_state *s, int32_t event_id, int64_t t)\n"
        "{\n"
        "    (void)t; /* no time rules */\n"
        "    @P@_advance(s, event_id);\n"
        "}\n\n",
    [T_STEP_BATCH] =
        "void @P@_step_batch(@P@_state *states, const uint32_t *customer,\n"
        "    const int32_t *event_id, const int64_t *t, size_t n)\n"
        "{\n"
        "    size_t i;\n"
        "\n"
        "@VOID_T@"
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
        "        @P@_advance(&states[customer[i]], event_id[i]@BATCH_T@);\n"
        "    }\n"
        "}\n\n",
    [T_STAGE_NAME] =
        "const char *@P@_stage_name(int32_t stage)\n"
        "{\n"
        "    return (uint32_t)stage <= @UP@_NOTES ? @P@_stage_names[stage] : \"?\";\n"
        "}\n\n",
    [T_EVENT_COUNT] = "const int32_t @P@_event_count = @N@;\n",
    /* The --main part: the runtime follows this, then T_ENGINE. */
    [T_PROGRAM] =
        "\n"
        "/* ==== The standalone program (expc build --main) ====================\n"
        " *\n"
        " * What follows is the runtime of `expc run` (expc " EXPC_VERSION "'s src/rt:\n"
        " * the event reader, the customer table and the output), copied in\n"
        " * verbatim so this program's output, messages and exit codes are\n"
        " * those of `expc run`; then an rt_engine over the functions above, and\n"
        " * main().  Compile with -D@UP@_EXTERNAL_MACHINE to take the functions\n"
        " * from another object instead (expc build --emit=obj).\n"
        " */\n\n",
    /* One state copied into the other, member by member: @D@member =
     * @S@member, lines indented by @IN@. */
    [T_COPY_STATE] =
        "@IN@@D@stage = @S@stage;\n"
        "@IN@@D@score = @S@score;\n"
        "@IN@for (k = 0; k < @UP@_NOTES; k++)\n"
        "@IN@    @D@points[k] = @S@points[k];\n"
        "@IN@@D@events = @S@events;\n"
        "@IN@@D@early = @S@early;\n",
    /* The engine: T_ENGINE, a copy, T_ENGINE_ID, a copy, T_ENGINE_STEP, a
     * copy, T_ENGINE_REST (put_engine). */
    [T_ENGINE] =
        "\n"
        "/* ---- the engine ---------------------------------------------------- */\n"
        "\n"
        "/* rt_state and @P@_state have the same members; they are copied member\n"
        " * by member, as distinct types may not alias. */\n"
        "_Static_assert(RT_NOTES == @UP@_NOTES, \"runtime and machine disagree on the notes\");\n"
        "\n"
        "/* The runtime keeps a state of this size per customer: an rt_state\n"
        " * and, after it, the cap slots. */\n"
        "#define @P@_engine_state_size RT_STATE_SIZE(@UP@_TIME, @UP@_CAPS)\n"
        "\n"
        "static void @P@_rt_init(void *ctx, rt_state *r)\n"
        "{\n"
        "    @P@_state s;\n"
        "    int k;\n"
        "\n"
        "    (void)ctx;\n"
        "    @P@_init(&s);\n",
    [T_ENGINE_ID] =
        "}\n\n"
        "static int32_t @P@_rt_event_id(void *ctx, const char *name, size_t len)\n"
        "{\n"
        "    (void)ctx;\n"
        "    return @P@_event_id(name, len);\n"
        "}\n\n"
        "static void @P@_rt_step_batch(void *ctx, rt_state *states, const uint32_t *customer,\n"
        "    const int32_t *event_id, const int64_t *t, size_t n)\n"
        "{\n"
        "    size_t i;\n"
        "    int k;\n"
        "\n"
        "    (void)ctx;\n"
        "    for (i = 0; i < n; i++) {\n"
        "        rt_state *r = (rt_state *)(void *)((char *)states +\n"
        "                                           customer[i] * @P@_engine_state_size);\n"
        "        @P@_state s;\n"
        "\n",
    [T_ENGINE_STEP] = "        @P@_step(&s, event_id[i], t ? t[i] : 0);\n",
    [T_ENGINE_REST] =
        "    }\n"
        "}\n\n"
        "static const char *@P@_rt_stage_name(void *ctx, int32_t stage)\n"
        "{\n"
        "    (void)ctx;\n"
        "    return @P@_stage_name(stage);\n"
        "}\n\n"
        "static const rt_engine @P@_engine = {\n"
        "    .ctx = NULL,\n"
        "    .n_notes = @UP@_NOTES,\n"
        "    .init = @P@_rt_init,\n"
        "    .event_id = @P@_rt_event_id,\n"
        "    .step_batch = @P@_rt_step_batch,\n"
        "    .stage_name = @P@_rt_stage_name,\n"
        "    .experience = \"@X@\",\n"
        "    .state_size = @P@_engine_state_size,\n"
        "    .uses_time = @UP@_TIME,\n"
        "};\n\n"
        "/* Parses the command line like `expc run` (FILE or stdin, --format,\n"
        " * --strict, --skip-invalid) and runs; defined in the runtime above. */\n"
        "int rt_main(int argc, char **argv, const rt_engine *e);\n\n"
        "int main(int argc, char **argv)\n"
        "{\n"
        "    return rt_main(argc, argv, &@P@_engine);\n"
        "}\n",
};

/* What the templates are filled with for one machine and prefix. */
typedef struct cgen {
    FILE *f;
    const ir_machine *m;
    const char *P;
    char *UP;                 /* malloc'd */
    char *pad;                /* malloc'd */
    char n[24], nn[24], dim[24], cap[24], cap1[24];
    char time[4], caps[24], within[24], reset[24];
    const char *void_t, *batch_t; /* @VOID_T@ @BATCH_T@: how the batch passes t */
    const char *dst, *src, *in; /* @D@ @S@ @IN@ of T_COPY_STATE */
    char *hit;                /* @HIT@ of T_EVENT_ID_PROBE: the id of name s - 1
                               * (P_name_id[s - 1] with aliases); malloc'd */
    uint64_t used;            /* bit t: template t was written */
} cgen;

static void cgen_init(cgen *g, FILE *f, const ir_machine *m, const char *P)
{
    g->f = f;
    g->m = m;
    g->P = P;
    g->UP = emit_upper(P);
    size_t w = strlen("void        _step_batch(") + strlen(P) - 1;
    g->pad = xmalloc(w + 1);
    memset(g->pad, ' ', w);
    g->pad[w] = 0;
    snprintf(g->n, sizeof g->n, "%zu", m->n_events);
    snprintf(g->nn, sizeof g->nn, "%zu", ir_name_count(m));
    snprintf(g->dim, sizeof g->dim, "%zu", m->n_events ? m->n_events : 1);
    g->cap[0] = g->cap1[0] = 0;
    snprintf(g->time, sizeof g->time, "%d", m->uses_time ? 1 : 0);
    snprintf(g->caps, sizeof g->caps, "%zu", m->n_caps);
    snprintf(g->within, sizeof g->within, "%" PRId64, m->within);
    snprintf(g->reset, sizeof g->reset, "%" PRId64, m->reset_after);
    g->void_t = m->uses_time ? "" : "    (void)t; /* no time rules */\n";
    g->batch_t = m->uses_time ? ", t ? t[i] : 0" : "";
    g->dst = g->src = g->in = "";
    g->hit = xprintf("(int32_t)(s - 1)");
    g->used = 0;
}

static void cgen_fini(cgen *g)
{
    free(g->hit);
    free(g->UP);
    free(g->pad);
}

/* Writes template t of cgen_text. */
static void put(cgen *g, int t)
{
    const tmpl_var vars[] = {
        { "P", g->P }, { "UP", g->UP }, { "PAD", g->pad }, { "N", g->n }, { "NN", g->nn },
        { "DIM", g->dim }, { "CAP", g->cap }, { "CAP1", g->cap1 },
        { "D", g->dst }, { "S", g->src }, { "IN", g->in },
        { "X", g->m->name }, /* an identifier: safe between C quotes */
        { "HIT", g->hit },
        { "TIME", g->time }, { "CAPS", g->caps }, { "W", g->within }, { "R", g->reset },
        { "VOID_T", g->void_t }, { "BATCH_T", g->batch_t },
    };
    const tmpl_env env = { vars, sizeof vars / sizeof *vars, NULL, NULL };
    tmpl_put(g->f, cgen_text[t], &env);
    g->used |= (uint64_t)1 << t;
}

/* ---- the header -------------------------------------------------------- */

/* The declarations: P_state has start, last and the cap slots only when
 * the machine uses time (ABI 2; else the 0.1 layout). */
static void put_decls(cgen *g)
{
    put(g, T_DECLS);
    if (g->m->uses_time)
        put(g, T_STATE_TIME);
    if (g->m->n_caps)
        put(g, T_STATE_CAPS);
    put(g, T_DECLS_END);
}

/* The prose both files open with: what, from where, by what. */
static void put_opening(FILE *f, const ir_machine *m, const cgen_opts *o, const char *what)
{
    fputs("/* ", f);
    if (o->file_name) {
        put_comment_str(f, rt_basename(o->file_name));
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
        put_comment_str(f, rt_basename(m->script));
    }
    fputs("; do not edit: change the script\n"
          " * and build again.\n", f);
}

/* The start of an event's row in a commented table: id, name padded to w,
 * note padded to 6. */
static void put_event_row_start(FILE *f, const ir_machine *m, size_t i, size_t w)
{
    const ir_event *e = &m->events[i];
    fprintf(f, " *   %4zu  ", i);
    put_comment_text(f, e->name, e->len, false);
    pad(f, e->len, w);
    fputs("  ", f);
    put_comment_str(f, note_name(m, e->note));
    pad(f, strlen(note_name(m, e->note)), 6);
}

/* Path and event id tables, in the header where users look them up. */
static void put_summary(cgen *g)
{
    FILE *f = g->f;
    const ir_machine *m = g->m;
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
    put(g, T_SUMMARY_EVENTS);
    pad(f, 5, w);
    fputs("  note    points\n", f);
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        put_event_row_start(f, m, i, w);
        fputs("  ", f);
        put_points(f, e->points);
        fputs("\n", f);
    }
    if (m->n_events == 0)
        fputs(" *   (none)\n", f);
}

/* The writers return the templates they used (cgen.used). */
static uint64_t write_header(FILE *f, const ir_machine *m, const cgen_opts *o)
{
    cgen g;
    cgen_init(&g, f, m, o->prefix);
    put_opening(f, m, o, "the scoring machine");
    put(&g, T_HEADER_INTRO);
    put_summary(&g);
    fputs(" */\n", f);
    put(&g, T_GUARD_OPEN);
    put_decls(&g);
    put(&g, T_GUARD_CLOSE);
    cgen_fini(&g);
    return g.used;
}

void cgen_write_header(FILE *f, const ir_machine *m, const cgen_opts *o)
{
    write_header(f, m, o);
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
        put_event_row_start(f, m, i, w);
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
        tmpl_c_string(f, ents[0].name, len, false);
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

static void put_event_id_table(cgen *g)
{
    FILE *f = g->f;
    const ir_machine *m = g->m;
    size_t n = ir_name_count(m);
    ir_event_table t;
    ir_event_table_build(m, &t);
    snprintf(g->cap, sizeof g->cap, "%zu", t.cap);
    snprintf(g->cap1, sizeof g->cap1, "%zu", t.cap - 1);
    put(g, T_EVENT_NAMES);
    for (size_t i = 0; i < n; i++) {
        ir_name e = ir_name_at(m, i);
        fputs(i ? ",\n    " : "\n    ", f);
        tmpl_c_string(f, e.name, e.len, false);
    }
    put(g, T_EVENT_NAME_LEN);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s%zu", i ? "," : "", i % 16 ? " " : "\n    ", ir_name_at(m, i).len);
    put(g, T_EVENT_SLOTS);
    for (size_t i = 0; i < t.cap; i++)
        fprintf(f, "%s%s%" PRIu32, i ? "," : "", i % 16 ? " " : "\n    ", t.slots[i]);
    fputs("\n};\n\n", f);
    free(t.slots);
    if (m->n_aliases > 0) {
        put(g, T_EVENT_NAME_ID);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%s%" PRId32, i ? "," : "", i % 16 ? " " : "\n    ",
                    ir_name_at(m, i).event);
        fputs("\n};\n\n", f);
        free(g->hit);
        g->hit = xprintf("%s_name_id[s - 1]", g->P);
    }
    put(g, T_EVENT_ID_PROBE);
}

/* The distinct log names (declared names and aliases), sorted by length
 * and bytes (the first id of a name given twice); *n_out of them,
 * malloc'd. */
static name_ent *sorted_names(const ir_machine *m, size_t *n_out)
{
    size_t n = ir_name_count(m);
    name_ent *ents = xmalloc(n * sizeof *ents);
    for (size_t i = 0; i < n; i++) {
        ir_name e = ir_name_at(m, i);
        ents[i].name = e.name;
        ents[i].len = e.len;
        ents[i].id = e.event;
    }
    qsort(ents, n, sizeof *ents, cmp_name_ent);
    /* A name declared twice (sema forbids it) resolves to its first id:
     * equal names sort by id, and only the first of each run is kept. */
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || ents[i].len != ents[u - 1].len ||
            memcmp(ents[i].name, ents[u - 1].name, ents[i].len) != 0)
            ents[u++] = ents[i];
    *n_out = u;
    return ents;
}

static void put_event_id(cgen *g)
{
    FILE *f = g->f;
    const ir_machine *m = g->m;
    if (ir_name_count(m) > EVENT_ID_SWITCH_MAX) { /* names, aliases included */
        put_event_id_table(g);
        return;
    }
    put(g, T_EVENT_ID_SWITCH);
    if (m->n_events == 0) {
        put(g, T_EVENT_ID_NONE);
        return;
    }
    size_t u;
    name_ent *ents = sorted_names(m, &u);
    name_ent *tmp = xmalloc(ir_name_count(m) * sizeof *tmp);
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

/* One value per event id (0 for the unused slot of a machine without
 * events), `per_line` to a line: the data of a T_NOTE_OF-like table. */
static void put_event_row(cgen *g, int t, int per_line, int64_t (*value)(const ir_event *e))
{
    const ir_machine *m = g->m;
    size_t dim = m->n_events ? m->n_events : 1;
    put(g, t);
    for (size_t i = 0; i < dim; i++) {
        fprintf(g->f, "%s%s", i ? "," : "", i % (size_t)per_line ? " " : "\n    ");
        put_i64(g->f, m->n_events ? value(&m->events[i]) : 0);
    }
    fputs("\n};\n\n", g->f);
}

static int64_t event_note(const ir_event *e) { return e->note; }
static int64_t event_points(const ir_event *e) { return e->points; }
static int64_t event_reach(const ir_event *e) { return e->counts_from; }
static int64_t event_cap_slot(const ir_event *e) { return e->cap_slot; }

/* The caps by slot: template t, then each capped event's cap (or period). */
static void put_cap_row(cgen *g, int t, bool per)
{
    const ir_machine *m = g->m;
    put(g, t);
    size_t k = 0;
    for (size_t i = 0; i < m->n_events; i++)
        if (m->events[i].cap_slot >= 0) {
            fputs(k++ ? ", " : " ", g->f);
            put_i64(g->f, per ? m->events[i].cap_per : m->events[i].cap);
        }
    fputs(" };\n\n", g->f);
}

static void put_tables(cgen *g)
{
    FILE *f = g->f;
    const ir_machine *m = g->m;
    /* C has no empty arrays; a machine without events gets one unused slot
     * (P_step's range check never reaches it). */
    put_event_row(g, T_NOTE_OF, 16, event_note);
    put_event_row(g, T_POINTS, 8, event_points);
    put_event_row(g, T_REACH, 16, event_reach);
    if (m->n_caps) {
        put_event_row(g, T_CAP_OF, 16, event_cap_slot);
        put_cap_row(g, T_CAP_TABLES, false);
        put_cap_row(g, T_CAP_PER, true);
    }

    put(g, T_THRESHOLD);
    for (int32_t k = 0; k < m->n_notes; k++) {
        if (k)
            fputs(", ", f);
        put_i64(f, m->notes[k].threshold);
    }
    fputs(" };\n\n", f);

    put(g, T_STAGE_NAMES);
    for (int32_t k = 0; k <= m->n_notes; k++) {
        if (k)
            fputs(", ", f);
        const char *s = note_name(m, k);
        tmpl_c_string(f, s, strlen(s), false);
    }
    fputs(" };\n\n", f);

    put(g, T_EARLY_DELTA);
    put_i64(f, m->penalty_early);
    fputs(";\n\n", f);
}

/* Steps A and B of docs/language.md (Scoring, Time), for a machine that
 * uses time. */
static void put_time_steps(cgen *g)
{
    const ir_machine *m = g->m;
    if (!m->uses_time)
        return;
    if (m->reset_after || m->within) {
        put(g, T_RESTART_OPEN);
        if (m->reset_after)
            put(g, T_RESTART_RESET);
        if (m->reset_after && m->within)
            put(g, T_RESTART_OR);
        if (m->within)
            put(g, T_RESTART_WITHIN);
        put(g, T_RESTART_BODY);
    }
    if (m->n_caps)
        put(g, T_CAP_STEP);
}

static void put_functions(cgen *g)
{
    FILE *f = g->f;
    const ir_machine *m = g->m;
    put(g, T_INIT);
    for (int32_t k = 0; k < m->n_notes; k++)
        fprintf(f, "    s->points[%" PRId32 "] = 0;\n", k);
    put(g, T_INIT_END);
    if (m->uses_time)
        put(g, T_INIT_TIME);
    if (m->n_caps)
        put(g, T_INIT_CAPS);
    put(g, T_ADVANCE_END);

    put_event_id(g);
    fputs("\n", f);

    put(g, m->uses_time ? T_ADVANCE_T : T_ADVANCE);
    /* The bound as a literal lets the compiler fold it; with no events the
     * literal would be 0u, and `>= 0u` trips -Wtype-limits: use the object. */
    put(g, m->n_events ? T_RANGE_LITERAL : T_RANGE_OBJECT);
    put(g, T_RETURN);
    put_time_steps(g);
    put(g, T_ADVANCE_BODY);
    if (m->uses_time)
        put(g, T_LAST);
    put(g, T_ADVANCE_END);
    put(g, m->n_caps ? T_CAP_SLOT : T_CAP_SLOT_NONE);
    put(g, m->uses_time ? T_STEP_T : T_STEP);
    put(g, T_STEP_BATCH);
    put(g, T_STAGE_NAME);
    put(g, T_EVENT_COUNT);
}

/* T_COPY_STATE: `dst` and `src` are "r->" (an rt_state *) or "s." (a
 * P_state). */
static void put_copy(cgen *g, const char *dst, const char *src, const char *in)
{
    g->dst = dst;
    g->src = src;
    g->in = in;
    put(g, T_COPY_STATE);
    bool to_p = strcmp(dst, "s.") == 0; /* rt_state into P_state */
    if (g->m->uses_time)
        put(g, to_p ? T_COPY_TIME_IN : T_COPY_TIME_OUT);
    if (g->m->n_caps)
        put(g, to_p ? T_COPY_CAPS_IN : T_COPY_CAPS_OUT);
}

/* The rt_engine over the P_ functions; rt_state and P_state are distinct
 * types, so states are copied both ways around each call. */
static void put_engine(cgen *g)
{
    put(g, T_ENGINE);
    put_copy(g, "r->", "s.", "    ");
    put(g, T_ENGINE_ID);
    put_copy(g, "s.", "r->", "        ");
    put(g, T_ENGINE_STEP);
    put_copy(g, "r->", "s.", "        ");
    put(g, T_ENGINE_REST);
}

/* The --main part: runtime, engine, main(). */
static void put_program(cgen *g)
{
    put(g, T_PROGRAM);
    fwrite(cgen_runtime_source, 1, cgen_runtime_size, g->f);
    put_engine(g);
}

static uint64_t write_source(FILE *f, const ir_machine *m, const cgen_opts *o)
{
    cgen g;
    cgen_init(&g, f, m, o->prefix);
    put_opening(f, m, o, "the scoring machine");
    put(&g, T_SOURCE_INTRO);
    put_details(f, m);
    fputs(" */\n", f);
    if (o->header_name) {
        fputs("#include ", f);
        /* cgen_emit made sure the name fits between the quotes */
        fprintf(f, "\"%s\"\n", o->header_name);
    } else {
        put_decls(&g);
    }
    put(&g, T_INCLUDES);
    if (o->main)
        put(&g, T_EXTERNAL_OPEN);
    put_tables(&g);
    put_functions(&g);
    if (o->main) {
        put(&g, T_EXTERNAL_CLOSE);
        put_program(&g);
    }
    cgen_fini(&g);
    return g.used;
}

void cgen_write_source(FILE *f, const ir_machine *m, const cgen_opts *o)
{
    write_source(f, m, o);
}

/* ---- the backend ------------------------------------------------------- */

/* The names the generated code defines after P_ (var "P") or UP_ ("UP"):
 * read off the templates it is written from (bit t of `used`: template
 * t), so the list cannot fall behind them. */
typedef struct name_list {
    const char **suffix;
    size_t *len;
    size_t n, cap;
} name_list;

static bool add_name(const char *suffix, size_t n, void *ctx)
{
    name_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->suffix = xrealloc(l->suffix, l->cap * sizeof *l->suffix);
        l->len = xrealloc(l->len, l->cap * sizeof *l->len);
    }
    l->suffix[l->n] = suffix;
    l->len[l->n++] = n;
    return false; /* go on: every name */
}

static name_list defined_names(const char *var, uint64_t used)
{
    name_list l = { NULL, NULL, 0, 0 };
    for (int t = 0; t < T_COUNT; t++)
        if (used & ((uint64_t)1 << t))
            tmpl_names(cgen_text[t], var, add_name, &l);
    return l;
}

/* The templates the header and the source of `m` with --main use: both
 * written once where nothing is kept (every template if that fails). */
static uint64_t templates_used(const ir_machine *m, const char *P)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return ~(uint64_t)0;
    cgen_opts co = { P, NULL, NULL, true };
    uint64_t used = write_header(sink, m, &co) | write_source(sink, m, &co);
    fclose(sink);
    return used;
}

/* True when tok[0..n) is pre + "_" + one of l's names. */
static bool is_defined(const char *tok, size_t n, const char *pre, const name_list *l)
{
    size_t lp = strlen(pre);
    if (n <= lp + 1 || memcmp(tok, pre, lp) != 0 || tok[lp] != '_')
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (l->len[i] == n - lp - 1 && memcmp(tok + lp + 1, l->suffix[i], l->len[i]) == 0)
            return true;
    return false;
}

static bool ident_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* The next identifier of C text s[0..end) outside comments, strings and
 * character constants, or NULL; *n is its length and *s moves past it. */
static const char *next_ident(const char **sp, const char *end, size_t *n)
{
    const char *s = *sp;
    const char *tok = NULL;
    while (s < end && !tok) {
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
        } else if (ident_char(*s) && !(*s >= '0' && *s <= '9')) {
            tok = s;
            while (s < end && ident_char(*s))
                s++;
        } else if (*s >= '0' && *s <= '9') {
            /* a number's letters (0x1Fu, 1e5) are not identifiers */
            while (s < end && (ident_char(*s) || *s == '.'))
                s++;
        } else {
            s++;
        }
    }
    *n = tok ? (size_t)(s - tok) : 0;
    *sp = s;
    return tok;
}

static char *copy_name(const char *s, size_t n)
{
    char *c = xmalloc(n + 1);
    memcpy(c, s, n);
    c[n] = 0;
    return c;
}

/* With --main the runtime shares the translation unit, so P must not make
 * any of our names equal to one of its identifiers (prefix `rt` gives
 * rt_state, `run` gives run_state, ...).  Rather than a list of forbidden
 * prefixes that would go stale as the runtime changes, the embedded text
 * itself is scanned.  Returns the first clash (malloc'd) or NULL. */
static char *runtime_clash(const ir_machine *m, const char *P)
{
    char *UP = emit_upper(P);
    uint64_t used = templates_used(m, P);
    name_list pn = defined_names("P", used), upn = defined_names("UP", used);
    const char *s = (const char *)cgen_runtime_source;
    const char *end = s + cgen_runtime_size;
    char *clash = NULL;
    const char *tok;
    size_t n;
    while (!clash && (tok = next_ident(&s, end, &n)))
        if (is_defined(tok, n, P, &pn) || is_defined(tok, n, UP, &upn))
            clash = copy_name(tok, n);
    free(pn.suffix);
    free(pn.len);
    free(upn.suffix);
    free(upn.len);
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
        char *clash = runtime_clash(m, prefix);
        if (clash) {
            fprintf(stderr, "expc: --prefix '%s': %s is also a name in the runtime "
                            "--main embeds; choose another prefix\n", prefix, clash);
            free(clash);
            return RT_EXIT_USAGE;
        }
    }

    const char *out = o->out ? o->out : emit_default_out(a, emit_script_name(m), ".c");
    const char *ob = rt_basename(out);
    if (!*ob || strcmp(ob, ".") == 0 || strcmp(ob, "..") == 0) {
        fprintf(stderr, "expc: -o '%s': not a file name\n", out);
        return RT_EXIT_USAGE;
    }
    const char *hpath = cgen_header_path(a, out);
    const char *hbase = rt_basename(hpath);
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
