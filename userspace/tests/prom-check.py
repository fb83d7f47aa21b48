#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""prom-check.py - a strict check of Prometheus text exposition (0.0.4).

usage: prom-check.py [--prefix P] FILE...   check each FILE ("-": stdin)
       prom-check.py --selftest             the checker on good and bad input

Every line is a # HELP, a # TYPE, another comment, or a sample
NAME[{LABELS}] VALUE [TIMESTAMP] of the format's grammar (metric and label
names, quoted label values with \\\\ \\" \\n escapes only, float values, NaN,
+Inf, -Inf).  Every metric family has exactly one # HELP and one # TYPE
(counter, gauge, histogram, summary or untyped), both before its samples;
a family's samples are contiguous and named after it (histograms and
summaries: _bucket, _sum, _count too); no series (name and label set)
appears twice, no sample repeats a label name; the text ends with a
newline.  With --prefix every metric name starts with P.  Where the
python3-prometheus-client parser is installed it must read the same number
of samples.  Prints one line per problem; exit status 0 clean, 1 problems.
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
FLOAT = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN"
SAMPLE = re.compile(r"^(%s)(?:\{(.*)\})? (%s)(?: (-?[0-9]+))?$" % (NAME, FLOAT))
PAIR = re.compile(r"\s*(%s)\s*=\s*(%s)\s*(,|$)" % (LABEL, LVALUE))
HELP = re.compile(r"^# HELP (%s) (.*)$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % NAME)
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"),
            "summary": ("_sum", "_count")}


def parse_labels(s):
    """'a="1",b="2"' -> [(a, "1"), ...], or None if malformed."""
    out, pos = [], 0
    s = s.rstrip()
    if s.endswith(","):
        s = s[:-1]
    while pos < len(s):
        m = PAIR.match(s, pos)
        if not m:
            return None
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return out


def check(text, prefix=""):
    problems = []
    say = problems.append
    if text and not text.endswith("\n"):
        say("the text does not end with a newline")
    helps, types, done = {}, {}, set()
    current = None          # the family whose samples come now
    series = set()
    nsamples = 0
    for no, line in enumerate(text.split("\n")[:-1] if text.endswith("\n")
                              else text.split("\n"), 1):
        where = "line %d" % no
        if line.startswith("#"):
            m = HELP.match(line)
            if line.startswith("# HELP"):
                if not m:
                    say("%s: malformed # HELP: %r" % (where, line))
                    continue
                name = m.group(1)
                if name in helps:
                    say("%s: second # HELP for %s" % (where, name))
                if name in done or (current and current[0] == name and current[2]):
                    say("%s: # HELP for %s after its samples" % (where, name))
                helps[name] = no
                continue
            if line.startswith("# TYPE"):
                m = TYPE.match(line)
                if not m:
                    say("%s: malformed # TYPE: %r" % (where, line))
                    continue
                name = m.group(1)
                if name in types:
                    say("%s: second # TYPE for %s" % (where, name))
                if name in done or (current and current[0] == name and current[2]):
                    say("%s: # TYPE for %s after its samples" % (where, name))
                types[name] = (no, m.group(2))
                continue
            continue        # another comment
        if line.strip() == "":
            continue
        m = SAMPLE.match(line)
        if not m:
            say("%s: not a sample of the exposition grammar: %r" % (where, line))
            continue
        name, labels = m.group(1), m.group(2)
        nsamples += 1
        if prefix and not name.startswith(prefix):
            say("%s: %s does not start with %s" % (where, name, prefix))
        family = name
        if family not in types:
            for fam, (_, kind) in types.items():
                if name in tuple(fam + s for s in SUFFIXES.get(kind, ())):
                    family = fam
        if family not in types:
            say("%s: sample of %s before (or without) its # TYPE" % (where, name))
        if family not in helps:
            say("%s: sample of %s before (or without) its # HELP" % (where, name))
        if current is None or current[0] != family:
            if family in done:
                say("%s: samples of %s are not contiguous" % (where, family))
            if current:
                done.add(current[0])
            current = [family, no, True]
        pairs = parse_labels(labels) if labels is not None else []
        if pairs is None:
            say("%s: malformed labels {%s}" % (where, labels))
            continue
        lnames = [k for k, _ in pairs]
        if len(set(lnames)) != len(lnames):
            say("%s: a label name repeats in %r" % (where, line))
        if any(k.startswith("__") for k in lnames):
            say("%s: label names starting with __ are reserved" % where)
        key = (name, tuple(sorted(pairs)))
        if key in series:
            say("%s: duplicate series %s" % (where, line.rsplit(" ", 1)[0]))
        series.add(key)
    for name in types:
        if name not in helps:
            say("%s has a # TYPE but no # HELP" % name)
    for name in helps:
        if name not in types:
            say("%s has a # HELP but no # TYPE" % name)
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        return problems, nsamples, None
    try:
        theirs = sum(len(f.samples) for f in text_string_to_metric_families(text))
    except Exception as e:     # their parser refuses the text
        say("prometheus_client's parser refuses it: %s" % e)
        return problems, nsamples, -1
    if theirs != nsamples:
        say("prometheus_client's parser reads %d samples, this check %d" % (theirs, nsamples))
    return problems, nsamples, theirs


GOOD = """# HELP a_x An x.
# TYPE a_x gauge
a_x{node="0"} 1
a_x{node="1"} -2.5e3
# HELP a_h A histogram.
# TYPE a_h histogram
a_h_bucket{le="+Inf"} 3
a_h_sum 4
a_h_count 3
# HELP a_y A \\\\ y.
# TYPE a_y counter
a_y{v="q\\"\\n"} +Inf 1700000000000
"""
BAD = {
    "duplicate series": "# HELP a_x x\n# TYPE a_x gauge\na_x{n=\"0\"} 1\na_x{n=\"0\"} 2\n",
    "duplicate series, labels reordered": "# HELP a_x x\n# TYPE a_x gauge\na_x{a=\"0\",b=\"1\"} 1\na_x{b=\"1\",a=\"0\"} 2\n",
    "no # HELP": "# TYPE a_x gauge\na_x 1\n",
    "no # TYPE": "# HELP a_x x\na_x 1\n",
    "# HELP twice": "# HELP a_x x\n# HELP a_x x\n# TYPE a_x gauge\na_x 1\n",
    "# TYPE twice": "# HELP a_x x\n# TYPE a_x gauge\n# TYPE a_x gauge\na_x 1\n",
    "# TYPE after the samples": "# HELP a_x x\na_x 1\n# TYPE a_x gauge\n",
    "bad type": "# HELP a_x x\n# TYPE a_x gauges\na_x 1\n",
    "bad metric name": "# HELP 0x x\n# TYPE 0x gauge\n0x 1\n",
    "bad value": "# HELP a_x x\n# TYPE a_x gauge\na_x 1,5\n",
    "unquoted label value": "# HELP a_x x\n# TYPE a_x gauge\na_x{n=0} 1\n",
    "bad escape in a label value": "# HELP a_x x\n# TYPE a_x gauge\na_x{n=\"\\t\"} 1\n",
    "label name twice": "# HELP a_x x\n# TYPE a_x gauge\na_x{n=\"0\",n=\"1\"} 1\n",
    "samples not contiguous": "# HELP a_x x\n# TYPE a_x gauge\n# HELP a_y y\n# TYPE a_y gauge\na_x 1\na_y 1\na_x{n=\"1\"} 2\n",
    "no final newline": "# HELP a_x x\n# TYPE a_x gauge\na_x 1",
    "two spaces": "# HELP a_x x\n# TYPE a_x gauge\na_x  1\n",
    "wrong prefix": "# HELP b_x x\n# TYPE b_x gauge\nb_x 1\n",
}


def selftest():
    n = fails = 0

    def t(ok, name):
        nonlocal n, fails
        n += 1
        fails += not ok
        print("%sok %d prom-check: %s" % ("" if ok else "not ", n, name))

    problems, ns, _ = check(GOOD, "a_")
    t(not problems and ns == 6, "a good text passes (%s)" % "; ".join(problems or ["6 samples"]))
    for name, text in sorted(BAD.items()):
        problems, _, _ = check(text, "a_")
        t(bool(problems), "refused: %s (%s)" % (name, problems[0] if problems else "accepted"))
    print("1..%d" % n)
    return 1 if fails else 0


def main(argv):
    prefix = ""
    if argv[:1] == ["--selftest"]:
        return selftest()
    if argv[:1] == ["--prefix"] and len(argv) > 1:
        prefix, argv = argv[1], argv[2:]
    if not argv:
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    st = 0
    for path in argv:
        text = sys.stdin.read() if path == "-" else open(path).read()
        problems, ns, theirs = check(text, prefix)
        for p in problems:
            print("%s: %s" % (path, p))
        if problems:
            st = 1
        else:
            print("%s: %d samples ok%s" % (path, ns, "" if theirs is None else
                  ", prometheus_client agrees"))
    return st


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
