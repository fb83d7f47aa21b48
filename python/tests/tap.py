# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run unittest cases and print TAP (one line per test, diagnostics as #)."""
import sys
import unittest


class TapResult(unittest.TestResult):
    def __init__(self, out):
        super().__init__()
        self.out, self.n = out, 0

    def _line(self, ok, test, diag=None):
        self.n += 1
        name = test.id().split(".", 1)[-1]
        doc = test.shortDescription()
        self.out.write("%s %d %s%s\n" % ("ok" if ok else "not ok", self.n, name,
                                         " - " + doc if doc else ""))
        if diag:
            for line in diag.rstrip().splitlines():
                self.out.write("#   %s\n" % line)
        self.out.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test, self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test, self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.n += 1
        self.out.write("ok %d %s # SKIP %s\n" % (self.n, test.id(), reason))


def main(module="__main__"):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module])
    result = TapResult(sys.stdout)
    suite.run(result)
    bad = len(result.failures) + len(result.errors)
    print("1..%d" % result.n)
    print("%d passed, %d failed" % (result.n - bad, bad))
    sys.exit(1 if bad or not result.n else 0)
