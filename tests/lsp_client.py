#!/usr/bin/env python3
"""lsp_client.py - a small LSP client that drives `expc lsp` through every
feature of the language server (tests/t_lsp.sh runs it).

It speaks real Content-Length framed JSON-RPC over the server's stdin and
stdout, as an editor does, and checks the answers.  Each check prints
`ok NAME` or `FAIL NAME: WHY`; the last line is
`lsp_client: N cases, M failed` (tests/lib.sh count_diff reads it).

usage: lsp_client.py EXPC WORKDIR
"""
import json
import os
import select
import subprocess
import sys
import time

from cases import Cases

check = Cases("lsp_client")


def uri(path):
    from urllib.parse import quote
    return "file://" + quote(path)


class Server:
    """`expc lsp` as a child process, spoken to as an editor would."""

    def __init__(self, expc, cwd):
        self.p = subprocess.Popen([expc, "lsp"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(cwd, "server.log"), "ab"),
                                  cwd=cwd)
        self.buf = b""
        self.next_id = 0
        self.notes = []  # notifications received, in order

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self, timeout=10.0):
        """The next message, or None after `timeout` seconds or at EOF."""
        end = time.time() + timeout
        fd = self.p.stdout.fileno()
        while True:
            head, sep, rest = self.buf.partition(b"\r\n\r\n")
            if sep:
                n = None
                for line in head.split(b"\r\n"):
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        n = int(v)
                if n is not None and len(rest) >= n:
                    self.buf = rest[n:]
                    return json.loads(rest[:n])
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buf += chunk

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                   "params": params})
        return self.response(self.next_id)

    def response(self, rid):
        while True:
            m = self.read()
            if m is None:
                return None
            if "method" in m and "id" not in m:
                self.notes.append(m)
                continue
            if m.get("id") == rid:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, u, timeout=10.0):
        """The next publishDiagnostics for `u` (earlier ones included)."""
        end = time.time() + timeout
        while True:
            for i, n in enumerate(self.notes):
                if (n["method"] == "textDocument/publishDiagnostics"
                        and n["params"]["uri"] == u):
                    del self.notes[i]
                    return n["params"]["diagnostics"]
            left = end - time.time()
            m = self.read(max(left, 0)) if left > 0 else None
            if m is None:
                return None
            if "method" in m and "id" not in m:
                self.notes.append(m)

    def initialize(self, root):
        return self.request("initialize", {"processId": os.getpid(), "rootUri": uri(root),
                                           "capabilities": {}})

    def open(self, path, text):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(path), "languageId": "exp", "version": 1, "text": text}})

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None


def pos(line, ch):
    return {"line": line, "character": ch}


def td(path):
    return {"textDocument": {"uri": uri(path)}}


def at(path, line, ch):
    return {"textDocument": {"uri": uri(path)}, "position": pos(line, ch)}


def codes(diags):
    return sorted(d.get("code") for d in diags or [])


def find_col(text, line, needle):
    """The UTF-16 column of `needle` on 0-based `line` of `text`."""
    s = text.split("\n")[line]
    i = s.index(needle)
    return len(s[:i].encode("utf-16-le")) // 2


HOTEL = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                          "grand_hotel.exp")).read()
HOTEL_TESTED = HOTEL + """
test "a calm stay" for grand_hotel {
    events fast_checkin, greeted @1h, review_left;
    expect stage SAY;
}
"""


def t_lifecycle(expc, work):
    s = Server(expc, work)
    r = s.request("textDocument/hover", at(os.path.join(work, "x.exp"), 0, 0))
    check("before initialize: -32002", r and r.get("error", {}).get("code") == -32002, r)
    r = s.initialize(work)
    caps = (r or {}).get("result", {}).get("capabilities", {})
    check("initialize: capabilities",
          all(caps.get(k) for k in ("hoverProvider", "definitionProvider",
                                    "documentSymbolProvider", "documentFormattingProvider",
                                    "completionProvider", "codeActionProvider")), r)
    check("initialize: incremental sync", caps.get("textDocumentSync", {}).get("change") == 2, r)
    check("initialize: serverInfo", r["result"].get("serverInfo", {}).get("name") == "expc", r)
    s.notify("initialized", {})
    return s


def t_diagnostics(s, work):
    path = os.path.join(work, "hotel.exp")
    with open(path, "w") as f:
        f.write(HOTEL)
    bad = HOTEL.replace("evoke comfort, relaxation;", "evoke comfrt, relaxation;")
    s.open(path, bad)  # the unsaved buffer, not the disk, is checked
    d = s.diagnostics(uri(path))
    check("didOpen: E0202 published", codes(d) == ["E0202"], d)
    line = bad.split("\n").index("        evoke comfrt, relaxation;")
    want = {"start": pos(line, 14), "end": pos(line, 20)}
    check("didOpen: range", d and d[0]["range"] == want, d and d[0]["range"])
    check("didOpen: severity and source",
          d and d[0].get("severity") == 1 and d[0].get("source") == "expc", d)
    # Code action: the did-you-mean fix, as a workspace edit.
    r = s.request("textDocument/codeAction", dict(td(path), range=want,
                                                  context={"diagnostics": d}))
    acts = (r or {}).get("result") or []
    edit = acts and acts[0]["edit"]["changes"].get(uri(path))
    check("codeAction: quickfix for E0202",
          acts and acts[0].get("kind") == "quickfix" and edit
          and edit[0]["newText"] == "comfort" and edit[0]["range"] == want, r)
    # Apply it as an incremental change: the buffer is clean.
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(path), "version": 2},
        "contentChanges": [{"range": want, "text": "comfort"}]})
    d = s.diagnostics(uri(path))
    check("didChange (incremental): clean after the fix", d == [], d)
    # A full-text change brings an error back.
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(path), "version": 3},
        "contentChanges": [{"text": HOTEL.replace("+8;", "+0;", 1)}]})
    d = s.diagnostics(uri(path))
    check("didChange (full): W0504 warning", codes(d) == ["W0504"] and
          d[0]["severity"] == 2, d)
    # A note of the diagnostic (the industry's rule) as relatedInformation.
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(path), "version": 4},
        "contentChanges": [{"text": HOTEL.replace("path STAY -> SAY", "path SAY -> STAY")}]})
    d = s.diagnostics(uri(path))
    rel = (d or [{}])[0].get("relatedInformation") or [{}]
    check("E0303 with its note as relatedInformation",
          codes(d) == ["E0303"] and rel[0].get("location", {}).get("uri", "")
          .endswith("/industries.exp") and "first STAY" in rel[0].get("message", ""), d)
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(path), "version": 5},
        "contentChanges": [{"text": HOTEL_TESTED}]})
    d = s.diagnostics(uri(path))
    check("didChange: a test block, clean", codes(d) == [], d)
    return path


def t_utf16(s, work):
    """Non-ASCII text before the span: columns in UTF-16 code units."""
    path = os.path.join(work, "utf.exp")
    text = ('import "emotions";\n'
            'experience caf\u00e9_x {\n'.replace("\u00e9", "e") +
            '    path SAY -> STAY -> SPEND;\n'
            '    note SAY { stage "\u00e9\U0001F600\u4e2d"; evoke trst; }\n'
            '}\n')
    s.open(path, text)
    d = s.diagnostics(uri(path))
    e = [x for x in d or [] if x.get("code") == "E0202"]
    col = find_col(text, 3, "trst")
    # é (2 bytes) = 1 unit, 😀 (4 bytes) = 2 units, 中 (3 bytes) = 1 unit
    check("utf-16: E0202 after é😀中", e and e[0]["range"]["start"] == pos(3, col) and
          e[0]["range"]["end"] == pos(3, col + 4), e)
    check("utf-16: column differs from bytes",
          col == len(text.split("\n")[3].encode()[:text.split("\n")[3].encode()
                                                   .index(b"trst")]) - 5, col)
    # Hover at a UTF-16 position after the astral character finds the emotion.
    r = s.request("textDocument/hover", at(path, 3, col + 1))
    v = ((r or {}).get("result") or {}).get("contents", {}).get("value", "")
    check("utf-16: hover after an astral character", "E0202" in v, r)
    # An incremental edit whose range is given in UTF-16 units.
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(path), "version": 2},
        "contentChanges": [{"range": {"start": pos(3, col), "end": pos(3, col + 4)},
                            "text": "trust"}]})
    d = s.diagnostics(uri(path))
    check("utf-16: incremental edit lands on the word", "E0202" not in codes(d), d)
    s.notify("textDocument/didClose", td(path))
    d = s.diagnostics(uri(path))
    check("didClose: diagnostics cleared", d == [], d)


def t_unsaved_import(s, work):
    lib = os.path.join(work, "mylib.exp")
    main = os.path.join(work, "uses.exp")
    with open(lib, "w") as f:
        f.write("emotion calm evokes STAY;\n")
    text = ('import "emotions";\nimport "mylib";\n'
            'experience u {\n    path SAY -> STAY -> SPEND;\n'
            '    note SAY { evoke trust; stage "a"; system "b"; service "c"; }\n'
            '    note STAY { evoke glee; stage "a"; system "b"; service "c"; }\n'
            '    note SPEND { evoke excitement; stage "a"; system "b"; service "c"; }\n'
            '    event a : SAY +10;\n    event b : STAY +10;\n    event c : SPEND +10;\n}\n')
    s.open(main, text)
    d = s.diagnostics(uri(main))
    check("import from disk: glee unknown", codes(d) == ["E0202"], d)
    # The unsaved buffer of the import declares it: the importer is clean.
    s.open(lib, "emotion calm, glee evokes STAY;\n")
    d = s.diagnostics(uri(main))
    check("unsaved imported buffer: importer rechecked, clean", d == [], d)
    r = s.request("textDocument/definition", at(main, 5, find_col(text, 5, "glee") + 1))
    loc = (r or {}).get("result") or {}
    check("definition: into the unsaved import",
          loc.get("uri") == uri(lib) and loc.get("range", {}).get("start") == pos(0, 14), r)
    # A syntax error in the imported buffer shows at the import.
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(lib), "version": 2},
        "contentChanges": [{"text": "emotion calm, glee evokes;\n"}]})
    d = s.diagnostics(uri(main))
    check("error in an imported buffer: shown at its import",
          d and d[0]["range"]["start"]["line"] == 1 and "mylib.exp" in d[0]["message"], d)
    # A buffer that exists only in the editor can be imported.
    fresh = os.path.join(work, "fresh.exp")
    s.open(fresh, "emotion glee evokes STAY;\n")
    s.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(main), "version": 2},
        "contentChanges": [{"text": text.replace('"mylib"', '"fresh"')}]})
    d = s.diagnostics(uri(main))
    check("import of a buffer never saved", d == [], d)


def t_features(s, hotel):
    lines = HOTEL_TESTED.split("\n")

    def line_of(needle):
        return next(i for i, x in enumerate(lines) if needle in x)

    def ask(method, needle, word=None, plus=0):
        """`method` at `word` (or `needle`) on the first line holding `needle`."""
        ln = line_of(needle)
        r = s.request(method, at(hotel, ln, find_col(HOTEL_TESTED, ln, word or needle) + plus))
        res = (r or {}).get("result") or {}
        return res.get("contents", {}).get("value", "") if method.endswith("hover") else res

    v = ask("textDocument/hover", "event fast_checkin", "fast", 2)
    check("hover: event", all(k in v for k in ("note: STAY", "points: +8", "emotion: comfort",
                                               "medium: system", "touch point: service")), v)
    v = ask("textDocument/hover", "evoke comfort", "comfort")
    check("hover: emotion", "evokes STAY" in v and "emotions.exp" in v, v)
    v = ask("textDocument/hover", "note SAY {", "SAY")
    check("hover: note", "threshold: 8" in v and "Concierge desk" in v, v)
    r = s.request("textDocument/hover", at(hotel, 0, 0))
    check("hover: nothing in a comment", r and r.get("result") is None, r)

    # Definition: an emotion into the stdlib, an event named in a test, an
    # industry, an imported file.
    loc = ask("textDocument/definition", "evoke comfort", "comfort")
    check("definition: emotion in the stdlib", loc.get("uri", "").endswith("/emotions.exp"),
          loc)
    loc = ask("textDocument/definition", "events fast_checkin", "greeted")
    check("definition: event named in a test", loc.get("uri") == uri(hotel) and
          loc["range"]["start"]["line"] == line_of("event greeted"), loc)
    loc = ask("textDocument/definition", "for hospitality", "hospitality")
    check("definition: industry", loc.get("uri", "").endswith("/industries.exp"), loc)
    loc = ask("textDocument/definition", 'import "emotions"', "emotions")
    check("definition: imported file", loc.get("uri", "").endswith("/emotions.exp")
          and loc["range"]["start"] == pos(0, 0), loc)

    r = s.request("textDocument/documentSymbol", td(hotel))
    syms = (r or {}).get("result") or []
    exp = [x for x in syms if x["name"] == "grand_hotel"]
    kids = [k["name"] for k in exp[0].get("children", [])] if exp else []
    check("documentSymbol: experience with notes and events",
          "note STAY" in kids and "fast_checkin" in kids and len(kids) == 9, kids)
    check("documentSymbol: test", any(x["name"] == "a calm stay" for x in syms),
          [x["name"] for x in syms])


def t_completion(s, work):
    path = os.path.join(work, "comp.exp")
    text = HOTEL_TESTED
    s.open(path, text)
    s.diagnostics(uri(path))

    def labels(line, ch):
        r = s.request("textDocument/completion", at(path, line, ch))
        res = (r or {}).get("result") or {}
        return [i["label"] for i in res.get("items", [])]

    lines = text.split("\n")
    ln = next(i for i, x in enumerate(lines) if "event complaint" in x)
    # "    event complaint       : STAY " -> after the behaviour: emotions
    c = find_col(text, ln, "STAY") + 5
    got = labels(ln, c)
    check("completion: emotions evoking the event's note",
          "comfort" in got and "trust" not in got and "via" in got, got)
    ln2 = next(i for i, x in enumerate(lines) if "event spa_booked" in x)
    c = find_col(text, ln2, "at ") + 3
    got = labels(ln2, c)
    check("completion: touch points after `at`", got == ["marketing", "sales", "service",
                                                         "support"], got)
    c = find_col(text, ln2, "via ") + 4
    got = labels(ln2, c)
    check("completion: media after `via`", got == ["stage", "system", "service"], got)
    ln3 = next(i for i, x in enumerate(lines) if "events fast_checkin" in x)
    c = find_col(text, ln3, "events ") + 7
    got = labels(ln3, c)
    check("completion: events of the experience in a test",
          "spa_booked" in got and "complaint" in got, got)
    ln4 = next(i for i, x in enumerate(lines) if "path STAY" in x)
    got = labels(ln4, 4)
    check("completion: keywords in an experience",
          all(k in got for k in ("path", "note", "event", "penalty", "within")), got)
    got = labels(ln4, find_col(text, ln4, "STAY"))
    check("completion: behaviours on a path", got == ["SAY", "STAY", "SPEND"], got)
    got = labels(len(lines) - 1, 0)
    check("completion: top level", all(k in got for k in ("import", "experience", "test")),
          got)
    ln5 = next(i for i, x in enumerate(lines) if "evoke trust" in x)
    got = labels(ln5, find_col(text, ln5, "trust"))
    check("completion: emotions of the note's behaviour in `evoke`",
          "trust" in got and "comfort" not in got, got)
    got = labels(0, 5)
    check("completion: none in a comment", got == [], got)


def t_formatting(s, work):
    path = os.path.join(work, "fmt.exp")
    messy = 'import "emotions";\nemotion  glee,joy   evokes SPEND;  // happy\n'
    s.open(path, messy)
    s.diagnostics(uri(path))
    r = s.request("textDocument/formatting",
                  dict(td(path), options={"tabSize": 4, "insertSpaces": True}))
    edits = (r or {}).get("result")
    with open(path, "w") as f:
        f.write(messy)
    want = subprocess.run([sys.argv[1], "fmt", path], capture_output=True, text=True).stdout
    check("formatting: the text of `expc fmt`",
          edits and len(edits) == 1 and edits[0]["newText"] == want
          and edits[0]["range"] == {"start": pos(0, 0), "end": pos(2, 0)}, (edits, want))
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri(path), "version": 2},
                                        "contentChanges": [{"text": want}]})
    s.diagnostics(uri(path))
    r = s.request("textDocument/formatting", td(path))
    check("formatting: formatted already, no edit", r and r.get("result") == [], r)
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri(path), "version": 3},
                                        "contentChanges": [{"text": "emotion glee evokes;\n"}]})
    d = s.diagnostics(uri(path))
    check("syntax error: E0110", codes(d) == ["E0110"], d)
    r = s.request("textDocument/formatting", td(path))
    check("formatting: none with a syntax error", r and "result" in r and r["result"] is None, r)


def t_missing_import_fix(s, work):
    path = os.path.join(work, "noimp.exp")
    text = ('experience m {\n    path SAY -> STAY -> SPEND;\n'
            '    note SAY { evoke trust; stage "a"; system "b"; service "c"; }\n}\n')
    s.open(path, text)
    d = s.diagnostics(uri(path))
    e = [x for x in d or [] if x.get("code") == "E0202"]
    r = s.request("textDocument/codeAction",
                  dict(td(path), range={"start": pos(2, 0), "end": pos(2, 60)},
                       context={"diagnostics": e}))
    acts = (r or {}).get("result") or []
    texts = [ed["newText"] for a in acts for ed in a["edit"]["changes"].get(uri(path), [])]
    check("codeAction: the missing stdlib import",
          'import "emotions";\n' in texts, acts)
    hov = s.request("textDocument/hover", at(path, 2, find_col(text, 2, "trust")))
    v = ((hov or {}).get("result") or {}).get("contents", {}).get("value", "")
    check("hover: a diagnostic's code explained", "E0202" in v and "For example" in v, v)


def t_robust(s, work, hotel):
    s.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    m = s.read()
    check("malformed JSON: -32700", m and m.get("error", {}).get("code") == -32700, m)
    s.send_raw(b"Content-Type: x\r\n\r\n")
    m = s.read()
    check("no Content-Length: -32700", m and m.get("error", {}).get("code") == -32700, m)
    s.send({"jsonrpc": "2.0", "id": 7, "method": 12})
    m = s.read()
    check("method not a string: -32600",
          m and m.get("id") == 7 and m.get("error", {}).get("code") == -32600, m)
    s.send([1, 2])
    m = s.read()
    check("not an object: -32600", m and m.get("error", {}).get("code") == -32600, m)
    r = s.request("workspace/noSuchThing", {})
    check("unknown method: -32601", r and r.get("error", {}).get("code") == -32601, r)
    s.notify("$/noSuchNotification", {})
    r = s.request("textDocument/hover", {"position": pos(0, 0)})
    check("bad params: -32602", r and r.get("error", {}).get("code") == -32602, r)
    r = s.request("textDocument/hover", dict(td(hotel), position="x"))
    check("bad position: -32602", r and r.get("error", {}).get("code") == -32602, r)
    r = s.request("textDocument/documentSymbol", td(hotel))
    check("still serving after bad messages", r and isinstance(r.get("result"), list), r)


def t_shutdown(s):
    r = s.request("shutdown", None)
    check("shutdown: null result", r and "result" in r and r["result"] is None, r)
    r = s.request("textDocument/hover", at("/x.exp", 0, 0))
    check("after shutdown: requests refused", r and "error" in r, r)
    s.notify("exit", None)
    rc = s.close()
    check("exit after shutdown: status 0", rc == 0, rc)


def t_exit_without_shutdown(expc, work):
    s = Server(expc, work)
    s.initialize(work)
    s.notify("exit", None)
    rc = s.close()
    check("exit without shutdown: status 1", rc == 1, rc)
    s = Server(expc, work)
    s.initialize(work)
    rc = s.close()  # end of input
    check("end of input without exit: status 1", rc == 1, rc)


def main():
    expc, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    s = t_lifecycle(expc, work)
    hotel = t_diagnostics(s, work)
    t_utf16(s, work)
    t_unsaved_import(s, work)
    t_features(s, hotel)
    t_completion(s, work)
    t_formatting(s, work)
    t_missing_import_fix(s, work)
    t_robust(s, work, hotel)
    t_shutdown(s)
    t_exit_without_shutdown(expc, work)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
