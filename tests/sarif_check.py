#!/usr/bin/env python3
"""tests/sarif_check.py - is a file one valid SARIF 2.1.0 log as expc writes it?

    python3 tests/sarif_check.py LOG.sarif

First checks what needs no jsonschema and a schema cannot say: version
2.1.0, one run, columnKind unicodeCodePoints, and a rules entry for every
ruleId reported, each once.  Then validates against
tests/sarif_subset.schema.json (a hand-written subset of the SARIF 2.1.0
schema: no Debian package ships the full one) with the jsonschema module
(Debian: python3-jsonschema).  Exit 0 when valid; 77 when the structure is
fine but jsonschema is missing (the caller passes the structure and skips
the schema); 1 otherwise, after saying why.
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


def check_structure(log):
    """What needs no jsonschema: None when fine, else why not."""
    try:
        runs = log["runs"]
        if not isinstance(runs, list) or len(runs) != 1:
            return "not exactly one run"
        if runs[0].get("columnKind") != "unicodeCodePoints" or "$schema" not in log:
            return "columnKind or $schema missing"
        if log.get("version") != "2.1.0":
            return "version is not 2.1.0"
        return check_rules(runs[0])
    except (KeyError, TypeError, AttributeError) as e:
        return f"malformed log ({type(e).__name__}: {e})"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        try:
            log = json.load(f)
        except ValueError as e:
            print(f"sarif_check: {sys.argv[1]}: not JSON: {e}")
            return 1
    why = check_structure(log)
    if why:
        print(f"sarif_check: {sys.argv[1]}: {why}")
        return 1
    try:
        import jsonschema
    except ImportError:
        print("sarif_check: structure fine, schema not checked: no jsonschema module "
              "(apt-get install python3-jsonschema)")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "sarif_subset.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.validate(log, schema)
    except jsonschema.ValidationError as e:
        print(f"sarif_check: {sys.argv[1]}: {e.message} at {list(e.absolute_path)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
