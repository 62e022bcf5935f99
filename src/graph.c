/* graph.c - `expc graph`: the lowered scoring machine as Graphviz DOT.
 *
 * The picture is the machine of docs/language.md (Scoring), drawn from the
 * ir_machine (never the AST) so it shows exactly what every engine runs: one
 * node per note in path order and an ENGAGED node, left to right; a solid
 * edge from each note to the next, labelled with the condition that advances
 * the customer (the note's points reach its threshold).  Each note node is an
 * HTML-like table: the behaviour, the threshold, the emotions it evokes, the
 * three media (stage, system, service) and its events with emotion, medium,
 * touch point and points.  Two kinds of event are drawn apart because they
 * surprise authors: negative events (red: they always count, on any stage)
 * and events that are penalised when they arrive early (amber, marked with a
 * dagger: a non-negative event of a note the customer has not reached scores
 * nothing and costs `penalty early` points).  The early rule is also drawn as
 * a dashed self-loop on each stage where it can happen.
 *
 * Script text (media, the file name) can hold any byte, so everything that
 * goes into a label is escaped for Graphviz's HTML labels: markup characters
 * become entities, control characters and bytes that are not UTF-8 become
 * U+FFFD (the XML parser behind HTML labels rejects them), and a newline
 * becomes a line break.  Output depends on the machine only: no time, path
 * or version, so it is byte-identical from run to run and can be a golden
 * file. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "expc/ast.h"
#include "expc/tmpl.h" /* tmpl_html: the one markup escaper */
#include "expc/tools.h"

/* Colours: header of a note, negative events, early-penalised events. */
#define C_HEAD "#dce8f5"
#define C_NEG_BG "#f8d7da"
#define C_NEG_FG "#9b1c2c"
#define C_EARLY_BG "#fff1cc"
#define C_EARLY_FG "#8a5a00"
#define C_DIM "#777777"
#define C_ENGAGED "#d8f0d8"

/* Text for an HTML-like label: a newline is Graphviz's line break. */
static void put_html(FILE *out, const char *s)
{
    tmpl_html(out, s, strlen(s), "<BR ALIGN=\"LEFT\"/>");
}

/* Points with their sign: +8, -10, 0. */
static void put_points(FILE *out, int64_t v)
{
    if (v > 0)
        fprintf(out, "+%" PRId64, v);
    else
        fprintf(out, "%" PRId64, v);
}

/* A duration in ms in the largest unit that writes it exactly, up to days
 * (`14d` rather than `2w`, as scripts usually say it). */
static void put_duration(FILE *out, int64_t ms)
{
    static const struct { const char *unit; int64_t ms; } u[] = {
        { "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (ms % u[i].ms == 0) {
            fprintf(out, "%" PRId64 "%s", ms / u[i].ms, u[i].unit);
            return;
        }
    fprintf(out, "%" PRId64 "ms", ms);
}

/* An event can arrive early when a stage exists on which it does not count
 * (stages start at 0). */
static bool early_risk(const ir_event *e)
{
    return !ir_counts_at(e, 0);
}

/* What an early event costs (docs/language.md, Scoring, step 4). */
static void put_early_cost(FILE *out, int64_t penalty)
{
    fputs("no points", out);
    if (penalty)
        fprintf(out, ", score &#8722;%" PRId64, penalty);
}

/* A medium of a note: its text, or a dimmed `none` when the note has none
 * (an empty text stays empty: the author wrote it). */
static void put_media_row(FILE *out, const char *what, const char *text)
{
    fprintf(out, "      <TR><TD ALIGN=\"LEFT\"><I>%s</I></TD>"
                 "<TD COLSPAN=\"4\" ALIGN=\"LEFT\">", what);
    if (text)
        put_html(out, text);
    else
        fputs("<FONT COLOR=\"" C_DIM "\"><I>none</I></FONT>", out);
    fputs("</TD></TR>\n", out);
}

/* One cell of an event row, coloured by the kind of event. */
static void put_cell(FILE *out, const char *bg, const char *fg, const char *align,
                     const char *text)
{
    fprintf(out, "<TD ALIGN=\"%s\"", align);
    if (bg)
        fprintf(out, " BGCOLOR=\"%s\"", bg);
    fputc('>', out);
    /* Graphviz rejects an empty <FONT>: wrap only real text. */
    if (text && *text) {
        if (fg)
            fprintf(out, "<FONT COLOR=\"%s\">", fg);
        put_html(out, text);
        if (fg)
            fputs("</FONT>", out);
    }
    fputs("</TD>", out);
}

/* The event's cell: its name, and under it the log names it also answers
 * to (docs/language.md, Events and aliases), dimmed; a script without
 * aliases gets put_cell's cell, unchanged. */
static void put_event_cell(FILE *out, const ir_machine *m, const ir_event *e, const char *bg,
                           const char *fg)
{
    if (e->n_aliases == 0) {
        put_cell(out, bg, fg, "LEFT", e->name);
        return;
    }
    fprintf(out, "<TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"");
    if (bg)
        fprintf(out, " BGCOLOR=\"%s\"", bg);
    fputc('>', out);
    if (fg)
        fprintf(out, "<FONT COLOR=\"%s\">", fg);
    put_html(out, e->name);
    if (fg)
        fputs("</FONT>", out);
    fputs("<BR ALIGN=\"LEFT\"/><FONT COLOR=\"" C_DIM "\" POINT-SIZE=\"9\">as ", out);
    for (size_t j = 0; j < e->n_aliases; j++) {
        fputs(j ? ", &quot;" : "&quot;", out);
        put_html(out, m->aliases[e->first_alias + j].name);
        fputs("&quot;", out);
    }
    fputs("</FONT></TD>", out);
}

static void put_note(FILE *out, const ir_machine *m, int32_t k)
{
    const ir_note *n = &m->notes[k];
    fprintf(out, "    %s [label=<\n", n->name);
    fputs("    <TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">\n", out);
    fprintf(out, "      <TR><TD COLSPAN=\"5\" BGCOLOR=\"" C_HEAD "\"><B>%d. %s</B>"
                 " &#183; threshold %" PRId64 "</TD></TR>\n",
            (int)k + 1, n->name, n->threshold);

    fputs("      <TR><TD ALIGN=\"LEFT\"><I>evokes</I></TD><TD COLSPAN=\"4\" ALIGN=\"LEFT\">", out);
    if (n->n_emotions == 0)
        fputs("<FONT COLOR=\"" C_DIM "\"><I>none</I></FONT>", out);
    for (size_t i = 0; i < n->n_emotions; i++) {
        if (i)
            fputs(", ", out);
        put_html(out, n->emotions[i]);
    }
    fputs("</TD></TR>\n", out);
    for (int i = 0; i < 3; i++)
        put_media_row(out, ast_medium_name((ast_medium)i), n->media[i]);

    size_t n_ev = 0;
    bool any_early = false;
    for (size_t i = 0; i < m->n_events; i++)
        if (m->events[i].note == k) {
            n_ev++;
            any_early |= early_risk(&m->events[i]);
        }
    if (n_ev == 0) {
        fputs("      <TR><TD COLSPAN=\"5\"><FONT COLOR=\"" C_DIM "\"><I>no events</I></FONT>"
              "</TD></TR>\n", out);
    } else {
        fputs("      <TR><TD><B>event</B></TD><TD><B>emotion</B></TD><TD><B>via</B></TD>"
              "<TD><B>at</B></TD><TD><B>points</B></TD></TR>\n", out);
    }
    for (size_t i = 0; i < m->n_events; i++) {
        const ir_event *e = &m->events[i];
        if (e->note != k)
            continue;
        const char *bg = NULL, *fg = NULL;
        if (e->points < 0)
            bg = C_NEG_BG, fg = C_NEG_FG;
        else if (early_risk(e))
            bg = C_EARLY_BG, fg = C_EARLY_FG;
        fputs("      <TR>", out);
        put_event_cell(out, m, e, bg, fg);
        put_cell(out, bg, fg, "LEFT", e->emotion);
        put_cell(out, bg, fg, "LEFT",
                 e->via == M_NONE ? NULL : ast_medium_name((ast_medium)e->via));
        put_cell(out, bg, fg, "LEFT", e->at);
        /* The points cell carries the mark, so the difference survives a
         * black-and-white print. */
        fprintf(out, "<TD ALIGN=\"RIGHT\"%s%s%s>", bg ? " BGCOLOR=\"" : "", bg ? bg : "",
                bg ? "\"" : "");
        if (fg)
            fprintf(out, "<FONT COLOR=\"%s\">", fg);
        if (e->points < 0)
            fputs("<B>", out);
        put_points(out, e->points);
        if (e->points < 0)
            fputs("</B>", out);
        else if (early_risk(e))
            fputs(" &#8224;", out);
        if (e->cap_slot >= 0) { /* docs/language.md, Time rules: step B */
            fprintf(out, "<BR/><FONT POINT-SIZE=\"9\">cap %" PRId64 " per ", e->cap);
            put_duration(out, e->cap_per);
            fputs("</FONT>", out);
        }
        if (fg)
            fputs("</FONT>", out);
        fputs("</TD></TR>\n", out);
    }
    if (any_early) {
        fprintf(out, "      <TR><TD COLSPAN=\"5\" ALIGN=\"LEFT\" BGCOLOR=\"" C_EARLY_BG "\">"
                     "<FONT COLOR=\"" C_EARLY_FG "\">&#8224; before %s is reached: ",
                n->name);
        put_early_cost(out, m->penalty_early);
        fputs("</FONT></TD></TR>\n", out);
    }
    fputs("    </TABLE>>];\n", out);
}

/* The title and the legend, as the graph's own label. */
static void put_title(FILE *out, const ir_machine *m)
{
    fputs("    label=<<TABLE BORDER=\"0\" CELLPADDING=\"2\">\n", out);
    fputs("      <TR><TD ALIGN=\"LEFT\"><B>", out);
    put_html(out, m->name);
    fputs("</B>", out);
    if (m->industry) {
        fputs(" for ", out);
        put_html(out, m->industry);
    }
    if (m->script && *m->script) {
        fputs(" <FONT COLOR=\"" C_DIM "\">(", out);
        put_html(out, m->script);
        fputs(")</FONT>", out);
    }
    fputs("</TD></TR>\n", out);
    fputs("      <TR><TD ALIGN=\"LEFT\">path ", out);
    for (int32_t k = 0; k < m->n_notes; k++)
        fprintf(out, "%s%s", k ? " &#8594; " : "", m->notes[k].name);
    fprintf(out, " &#183; penalty early %" PRId64 "</TD></TR>\n", m->penalty_early);
    if (m->within || m->reset_after) { /* docs/language.md, Time rules: step A */
        fputs("      <TR><TD ALIGN=\"LEFT\">&#9201; ", out);
        if (m->within) {
            fputs("engaged within ", out);
            put_duration(out, m->within);
            fputs(" of the journey's start", out);
        }
        if (m->reset_after) {
            fputs(m->within ? " &#183; " : "", out);
            fputs("restart after a silence over ", out);
            put_duration(out, m->reset_after);
        }
        fputs("</TD></TR>\n", out);
    }
    fputs("      <TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"" C_NEG_FG "\"><B>negative</B>"
          " events always count, on any stage</FONT></TD></TR>\n", out);
    fputs("      <TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"" C_EARLY_FG "\">&#8224; events of a note"
          " not reached yet score nothing and cost the early penalty</FONT></TD></TR>\n", out);
    fputs("    </TABLE>>;\n", out);
}

int graph_write(FILE *out, const ir_machine *m)
{
    fputs("// expc graph: the scoring machine of experience ", out);
    /* A name is an identifier, but the comment must not end early whatever
     * it holds. */
    for (const char *s = m->name; *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    fputs("\n// render: dot -Tsvg\n", out);
    fputs("digraph \"", out);
    for (const char *s = m->name; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputs("\" {\n", out);
    fputs("    graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, labelloc=t,"
          " labeljust=l, nodesep=0.6, ranksep=0.9];\n", out);
    fputs("    node [shape=plain, fontname=\"Helvetica\", fontsize=10];\n", out);
    fputs("    edge [fontname=\"Helvetica\", fontsize=10];\n", out);
    put_title(out, m);
    fputc('\n', out);

    for (int32_t k = 0; k < m->n_notes; k++)
        put_note(out, m, k);
    fputs("    ENGAGED [shape=doublecircle, style=filled, fillcolor=\"" C_ENGAGED "\","
          " label=\"ENGAGED\"];\n\n", out);

    /* The advance: docs/language.md, Scoring, step 5. */
    for (int32_t k = 0; k < m->n_notes; k++) {
        const ir_note *n = &m->notes[k];
        const char *to = k + 1 < m->n_notes ? m->notes[k + 1].name : "ENGAGED";
        fprintf(out, "    %s -> %s [penwidth=1.5, label=<%s points &#8805; %" PRId64 ">];\n",
                n->name, to, n->name, n->threshold);
    }

    /* The early rule: on stage s, an event of a later note costs the penalty
     * and leaves the customer where they are. */
    for (int32_t s = 0; s < m->n_notes; s++) {
        bool seen[IR_NOTES] = { false };
        bool any = false;
        for (size_t i = 0; i < m->n_events; i++) {
            const ir_event *e = &m->events[i];
            if (!ir_counts_at(e, s) && e->note < IR_NOTES) {
                seen[e->note] = true;
                any = true;
            }
        }
        if (!any)
            continue;
        fprintf(out, "    %s -> %s [style=dashed, color=\"" C_EARLY_FG "\", fontcolor=\""
                     C_EARLY_FG "\", label=<early ", m->notes[s].name, m->notes[s].name);
        bool first = true;
        for (int32_t k = s + 1; k < m->n_notes; k++) {
            if (!seen[k])
                continue;
            fprintf(out, "%s%s", first ? "" : " or ", m->notes[k].name);
            first = false;
        }
        fputs(" event: ", out);
        put_early_cost(out, m->penalty_early);
        fputs(">];\n", out);
    }
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}
