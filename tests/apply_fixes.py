#!/usr/bin/env python3
"""tests/apply_fixes.py - apply the fixes of expc's JSON diagnostics, re-check.

    python3 tests/apply_fixes.py EXPC FILE.exp

Runs `EXPC check --diagnostics=json FILE.exp` in the file's folder, applies
the first fix of every diagnostic that has one (docs/language.md,
"Diagnostics": replace the span, end exclusive; an empty span inserts) to a
copy of the file in a temporary folder, and checks the copy again.  Exit 0
when there was a fix to apply and the fixed copy checks clean (exit 0);
otherwise 1, after saying why.  Edits are applied from the end of the file
backwards so earlier positions stay valid; two edits that overlap are an
error (fixes of one run must be applicable together).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def offset(starts, size, line, column):
    """Byte offset of a 1-based line and byte column (line may be one past
    the last, for an insertion at the end)."""
    if line - 1 < len(starts):
        return starts[line - 1] + column - 1
    return size


def line_starts(data):
    starts = [0]
    for i, b in enumerate(data):
        if b == 0x0A:
            starts.append(i + 1)
    return starts


def fixes_of(expc, folder, name):
    run = subprocess.run([expc, "check", "--diagnostics=json", name], cwd=folder,
                         capture_output=True, check=False)
    edits = []
    for line in run.stderr.decode().splitlines():
        diag = json.loads(line)
        fixes = diag.get("fixes")
        if fixes:
            edits.extend(fixes[0]["edits"])
    return edits


def apply(data, edits, name):
    starts = line_starts(data)
    spans = []
    for e in edits:
        if e["file"] != name:
            raise SystemExit(f"apply_fixes: an edit of {e['file']}, not {name}")
        a = offset(starts, len(data), e["line"], e["column"])
        b = offset(starts, len(data), e["end_line"], e["end_column"])
        spans.append((a, b, e["text"].encode()))
    spans.sort(reverse=True)
    last = len(data) + 1
    for a, b, text in spans:
        if b > last:
            raise SystemExit("apply_fixes: two edits overlap")
        data = data[:a] + text + data[b:]
        last = a
    return data


def main():
    expc, path = os.path.abspath(sys.argv[1]), sys.argv[2]
    folder, name = os.path.dirname(os.path.abspath(path)), os.path.basename(path)
    edits = fixes_of(expc, folder, name)
    if not edits:
        print(f"apply_fixes: {name}: no fix to apply")
        return 1
    with open(path, "rb") as f:
        fixed = apply(f.read(), edits, name)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, name)
        with open(copy, "wb") as f:
            f.write(fixed)
        run = subprocess.run([expc, "check", name], cwd=tmp, capture_output=True, check=False)
        if run.returncode != 0:
            print(f"apply_fixes: {name} with {len(edits)} fixes applied still fails "
                  f"(exit {run.returncode}):\n{run.stderr.decode()}", end="")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
