#!/usr/bin/env python3
"""report_check.py - reads an `expc run --report` page (the file, or the DOM
Chromium dumped from it) and checks it against numbers worked out elsewhere
(tests/t_report.sh).

  report_check.py PAGE.html [--summary=STDERR] [--events=FILE]
                  [--facts=k=v,k=v] [--urls] [--picture=svg|none]

--summary: the stderr of the same run with --summary: each stage's
  `reached` column must equal the funnel bar's data-reached, in path order
  then ENGAGED, each bar inside the funnel chart's <svg>.
--events: lines `NAME SEEN COUNTED EARLY CAPPED` (tests/model.py events, or
  worked by hand): one <tr data-event> per line, same order, same numbers.
--facts: data-KEY attributes of the header (records, scored, undeclared,
  invalid, customers, input) and their values.
--urls: no http:, https: or // in any attribute but xmlns declarations,
  no url( but data: ones and no @import in CSS (docs/language.md).
--picture: the machine picture is there (an <svg> in data-picture="svg")
  or the page says it is not.
Always: the charts have <title>s, the tables <th>s, histogram bins add up
to the customers, and every number shown matches its data-* twin.

Ends with `report_check: N cases, M failed` (tests/lib.sh count_diff).
Python 3 standard library only."""
import html.parser
import re
import sys

from cases import Cases


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # open elements: (tag, attrs)
        self.facts = {}
        self.bars = []           # (stage, reached, inside funnel svg)
        self.bins = []
        self.rows = []           # (attrs, [cell texts])
        self.attrs = []          # every (tag, name, value)
        self.styles = []
        self.svg_titles = {}     # chart id -> has a <title> child
        self.th = 0
        self.picture = None
        self.pic_svg = False
        self.cell = None
        self.text = []

    def inside(self, tag, key=None, value=None):
        for t, a in self.stack:
            if t == tag and (key is None or a.get(key) == value):
                return True
        return False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        for k, v in a.items():
            self.attrs.append((tag, k, v))
        for k in ("records", "scored", "undeclared", "invalid", "customers", "input"):
            if "data-" + k in a:
                self.facts[k] = a["data-" + k]
        if tag == "rect" and "data-stage" in a:
            self.bars.append((a["data-stage"], a.get("data-reached"),
                              self.inside("section", "id", "funnel") and self.inside("svg")))
        if tag == "rect" and "data-count" in a:
            self.bins.append(a)
        if tag == "tr" and "data-event" in a:
            self.rows.append((a, []))
        if tag in ("td", "th") and self.rows and self.stack and self.stack[-1][0] == "tr" \
                and "data-event" in self.stack[-1][1]:
            self.cell = []
        if tag == "th":
            self.th += 1
        if "data-picture" in a:
            self.picture = a["data-picture"]
        if tag == "svg" and self.picture == "svg" and self.inside("section", "id", "machine"):
            self.pic_svg = True
        if tag == "title" and self.stack and self.stack[-1][0] == "svg":
            self.svg_titles[self.stack[-1][1].get("aria-labelledby", "?")] = True
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            if not (tag in ("rect", "line", "path", "polygon", "ellipse", "polyline")
                    and self.get_starttag_text().endswith("/>")):
                self.stack.append((tag, a))
        if tag == "style":
            self.text = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append("".join(self.cell).strip())
            self.cell = None
        if tag == "style":
            self.styles.append("".join(self.text))
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.stack and self.stack[-1][0] == "style":
            self.text.append(data)


def people(s):
    """A number as the page shows it (1,234 or U+2212 minus) -> int."""
    return int(s.replace(",", "").replace("\u2212", "-"))


def reached_of(summary):
    out = []
    for line in open(summary, encoding="utf-8"):
        f = line.split()
        if len(f) == 3 and f[0] != "stage" and f[1].isdigit():
            out.append((f[0], f[2]))
    return out


def main(argv):
    opts = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "") for a in argv[2:])
    p = Page()
    with open(argv[1], encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    ck = Cases("report_check", quiet=True)
    if "summary" in opts:
        want = reached_of(opts["summary"])
        got = [(s, r) for s, r, _ in p.bars]
        ck("funnel = --summary reached", want and got == want, "page %s, summary %s" % (got, want))
        ck("every bar inside the funnel <svg>", p.bars and all(b[2] for b in p.bars), str(p.bars))
    if "events" in opts:
        want = [l.split() for l in open(opts["events"]) if l.strip()]
        got = [[a["data-event"], a["data-seen"], a["data-counted"], a["data-early"],
                a["data-capped"]] for a, _ in p.rows]
        ck("event rows = worked-out counts", want and got == want, "page %s, want %s" % (got, want))
        for a, cells in p.rows:
            shown = [people(c) for c in cells[3:7]] if len(cells) >= 7 else None
            raw = [int(a[k]) for k in ("data-seen", "data-counted", "data-early", "data-capped")]
            ck("row %s: shown = data-*" % a["data-event"], shown == raw, "%s vs %s" % (cells, raw))
    if "facts" in opts:
        for kv in opts["facts"].split(","):
            k, v = kv.split("=", 1)
            ck("fact %s" % k, p.facts.get(k) == v, "page %r, want %r" % (p.facts.get(k), v))
    if "urls" in opts:
        bad = [(t, k, v) for t, k, v in p.attrs
               if not (k == "xmlns" or k.startswith("xmlns:"))
               and re.search(r"https?:|//", v, re.I)]
        ck("no URL in an attribute", not bad, str(bad[:3]))
        css = "\n".join(p.styles)
        bad = re.findall(r"@import|url\(\s*['\"]?(?!data:)[^)]*\)", css, re.I)
        ck("no url() or @import in CSS", not bad, str(bad[:3]))
    if "picture" in opts:
        ck("picture: %s" % opts["picture"], p.picture == opts["picture"], "page %r" % p.picture)
        if opts["picture"] == "svg":
            ck("picture is inline <svg>", p.pic_svg)
    customers = int(p.facts.get("customers", "-1"))
    ck("bins add up to the customers", sum(int(b["data-count"]) for b in p.bins) == customers,
       "%d bins" % len(p.bins))
    ck("charts have <title>s", p.svg_titles.get("funnel-title") and
       (customers == 0 or p.svg_titles.get("scores-title")), str(p.svg_titles))
    ck("tables have <th>s", p.th >= 7 + len(p.rows), "%d th" % p.th)
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
