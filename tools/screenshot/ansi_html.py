#!/usr/bin/env python3
"""ansi_html.py - a terminal screen captured with `tmux capture-pane -e -p`
(SGR colour escapes: 24-bit, 256 and 16 colours, bold, reverse) as one HTML
page of a <pre>, for chromium --headless --screenshot (take.sh).

usage: ansi_html.py < screen.ansi > screen.html"""
import html
import re
import sys

BASE16 = ["#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd",
          "#e5e5e5", "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6",
          "#29b8db", "#ffffff"]
FG, BG = "#d4d4d4", "#1e1e1e"


def c256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        v = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (v[n // 36], v[n // 6 % 6], v[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


def sgr(params, st):
    p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
    i = 0
    while i < len(p):
        k = p[i]
        if k == 0:
            st.update(fg=None, bg=None, bold=False, rev=False, ul=False)
        elif k == 1:
            st["bold"] = True
        elif k == 4:
            st["ul"] = True
        elif k == 7:
            st["rev"] = True
        elif k in (22,):
            st["bold"] = False
        elif k == 24:
            st["ul"] = False
        elif k == 27:
            st["rev"] = False
        elif 30 <= k <= 37 or 90 <= k <= 97:
            st["fg"] = BASE16[k - 30 if k < 90 else k - 90 + 8]
        elif 40 <= k <= 47 or 100 <= k <= 107:
            st["bg"] = BASE16[k - 40 if k < 100 else k - 100 + 8]
        elif k == 39:
            st["fg"] = None
        elif k == 49:
            st["bg"] = None
        elif k in (38, 48) and i + 1 < len(p):
            key = "fg" if k == 38 else "bg"
            if p[i + 1] == 5 and i + 2 < len(p):
                st[key] = c256(p[i + 2])
                i += 2
            elif p[i + 1] == 2 and i + 4 < len(p):
                st[key] = "#%02x%02x%02x" % tuple(p[i + 2:i + 5])
                i += 4
        i += 1


def style(st):
    fg, bg = st["fg"] or FG, st["bg"] or BG
    if st["rev"]:
        fg, bg = bg, fg
    s = "color:%s;background:%s" % (fg, bg)
    if st["bold"]:
        s += ";font-weight:bold"
    if st["ul"]:
        s += ";text-decoration:underline"
    return s


def main():
    st = dict(fg=None, bg=None, bold=False, rev=False, ul=False)
    out = []
    for line in sys.stdin.read().rstrip("\n").split("\n"):
        parts = re.split(r"\x1b\[([0-9;]*)m", line)
        row = []
        for i, part in enumerate(parts):
            if i % 2:
                sgr(part, st)
            elif part:
                row.append('<span style="%s">%s</span>' % (style(st), html.escape(part)))
        out.append("".join(row))
    sys.stdout.write(
        "<!DOCTYPE html><html><head><meta charset=utf-8><style>"
        "body{margin:0;background:%s}pre{margin:0;padding:8px;font:15px/1.25 'DejaVu Sans Mono',"
        "monospace;color:%s}span{display:inline-block;height:1.25em;vertical-align:top}</style></head><body><pre>%s</pre></body></html>\n"
        % (BG, FG, "\n".join(out)))


if __name__ == "__main__":
    main()
