#!/usr/bin/env python3
"""tests/sarif_check.py - is a file one valid SARIF 2.1.0 log as expc writes it?

    python3 tests/sarif_check.py LOG.sarif

Validates against tests/sarif_subset.schema.json (a hand-written subset of
the SARIF 2.1.0 schema: no Debian package ships the full one) with the
jsonschema module (Debian: python3-jsonschema), then checks what a schema
cannot say: one run, columnKind unicodeCodePoints, and a rules entry for
every ruleId reported, each once.  Exit 0 when valid; 77 (skip) without
jsonschema; 1 otherwise, after saying why.
"""
import json
import os
import sys


def check_rules(run):
    ids = [r["id"] for r in run["tool"]["driver"].get("rules", [])]
    if len(ids) != len(set(ids)):
        return "a rule listed twice"
    for res in run["results"]:
        if res["ruleId"] not in ids:
            return f"result of {res['ruleId']} without a rules entry"
        if len(res.get("locations", [])) != 1:
            return f"result of {res['ruleId']} without exactly one location"
    return None


def main():
    try:
        import jsonschema
    except ImportError:
        print("sarif_check: no jsonschema module (apt-get install python3-jsonschema)")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "sarif_subset.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[1], encoding="utf-8") as f:
        log = json.load(f)
    try:
        jsonschema.validate(log, schema)
    except jsonschema.ValidationError as e:
        print(f"sarif_check: {sys.argv[1]}: {e.message} at {list(e.absolute_path)}")
        return 1
    runs = log["runs"]
    why = None
    if len(runs) != 1:
        why = "not exactly one run"
    elif runs[0].get("columnKind") != "unicodeCodePoints" or "$schema" not in log:
        why = "columnKind or $schema missing"
    else:
        why = check_rules(runs[0])
    if why:
        print(f"sarif_check: {sys.argv[1]}: {why}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
