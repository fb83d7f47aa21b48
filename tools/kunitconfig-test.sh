#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/kunitconfig-test.sh - TAP: kunit/.kunitconfig, the suite's minimal
# kunitconfig, parses with kunit.py's own parser (kunit_config.py of
# linux-source-6.1, extracted by tools/ksft-headers.sh), names KUnit, and is
# a subset of the debug kernel's fragment kunit/numaclaims.kunitconfig in
# kunit.py's sense (Kconfig.is_subset_of: every option there, same value),
# which must parse too.  Run by `make kunitconfig-test` (in make check).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
tree=$("$TOP/tools/ksft-headers.sh" --tree) || { echo "Bail out! tools/ksft-headers.sh --tree failed"; exit 1; }
exec python3 - "$tree/tools/testing/kunit" "$TOP/kunit/.kunitconfig" "$TOP/kunit/numaclaims.kunitconfig" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import kunit_config

small, big = sys.argv[2], sys.argv[3]
n = failed = 0
def ok(cond, name):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok"), n, name)
    failed += not cond

def parse(path):
    try:
        return kunit_config.parse_file(path), None
    except (OSError, kunit_config.KconfigParseError) as e:
        return None, e

s, err = parse(small)
ok(s is not None, "kunit/.kunitconfig parses with kunit.py's kunit_config" + (f" ({err})" if err else ""))
b, err = parse(big)
ok(b is not None, "kunit/numaclaims.kunitconfig parses with kunit.py's kunit_config" + (f" ({err})" if err else ""))
entries = {e.name: e.value for e in s.as_entries()} if s else {}
ok(entries.get("KUNIT") == "y", "kunit/.kunitconfig sets CONFIG_KUNIT=y")
ok(entries.get("MODULES") == "y", "kunit/.kunitconfig sets CONFIG_MODULES=y (the suite is a module)")
if s and b:
    extra = [str(e) for e in s.as_entries()
             if {x.name: x.value for x in b.as_entries()}.get(e.name) != e.value and e.value != "n"]
    ok(s.is_subset_of(b), "kunit/.kunitconfig is a subset of kunit/numaclaims.kunitconfig"
       + (" (not there: " + ", ".join(extra) + ")" if extra else ""))
else:
    ok(False, "kunit/.kunitconfig is a subset of kunit/numaclaims.kunitconfig (a file did not parse)")
# Minimal: no debugging option (those belong in the debug fragment).
debug = [e.name for e in (s.as_entries() if s else [])
         if e.name.startswith(("DEBUG_", "KASAN", "UBSAN", "PROVE_", "LOCKDEP", "KCSAN"))]
ok(s is not None and not debug, "kunit/.kunitconfig is minimal: no debugging options"
   + (" (" + ", ".join(debug) + ")" if debug else ""))
print(f"1..{n}")
print(f"# {n - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
