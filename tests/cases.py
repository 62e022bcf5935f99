"""cases.py - the bookkeeping of the Python checkers the suites run
(lsp_client.py, serve_check.py, report_check.py): a `FAIL NAME: WHY` line
per failed case (and `ok NAME` per passed one, unless quiet), then the
closing line `TOOL: N cases, M failed` that tests/lib.sh count_diff reads.
Python 3 standard library only."""


class Cases:
    def __init__(self, tool, quiet=False):
        self.tool = tool
        self.quiet = quiet
        self.n = 0
        self.failed = 0

    def __call__(self, name, ok, why=""):
        """Counts one case; returns ok."""
        self.n += 1
        if ok:
            if not self.quiet:
                print("ok", name)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, why))
        return ok

    def finish(self):
        """The closing line; the exit code (1 when a case failed)."""
        print("%s: %d cases, %d failed" % (self.tool, self.n, self.failed))
        return 1 if self.failed else 0
