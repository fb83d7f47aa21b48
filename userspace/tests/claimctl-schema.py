#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Validate claimctl --json output against docs/claimctl.schema.json.

usage: claimctl-schema.py SCHEMA --check            the schema itself
       claimctl-schema.py SCHEMA --defs             its command definitions
       claimctl-schema.py SCHEMA DEF [FILE...]      FILEs (or stdin): each
                                                    one JSON document that
                                                    $defs/DEF must accept

Exit status 0 if every document is valid, 1 if one is not (each error on
stderr: file, path in the document, message), 2 on bad usage or a file
that is not one JSON document.  Needs python3-jsonschema (draft 2020-12).
"""
import json
import sys

import jsonschema

# The definitions that are a command's output (the others are parts).
COMMANDS = ("info", "list", "claims", "claim", "topology", "version",
            "create", "populate", "pool")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    if argv[2] == "--check":
        cls.check_schema(schema)
        missing = [c for c in COMMANDS if c not in schema.get("$defs", {})]
        if missing:
            print("schema has no definition of: " + " ".join(missing),
                  file=sys.stderr)
            return 1
        return 0
    if argv[2] == "--defs":
        print("\n".join(COMMANDS))
        return 0
    name = argv[2]
    if name not in schema.get("$defs", {}):
        print("schema has no definition '%s'" % name, file=sys.stderr)
        return 2
    # The whole schema (for its $defs), rooted at the definition.
    sub = {k: v for k, v in schema.items() if k != "anyOf"}
    sub["$ref"] = "#/$defs/" + name
    validator = cls(sub)
    bad = 0
    for path in argv[3:] or ["-"]:
        text = sys.stdin.read() if path == "-" else open(path).read()
        try:
            doc = json.loads(text)
        except ValueError as e:
            print("%s: not one JSON document: %s" % (path, e), file=sys.stderr)
            return 2
        for err in sorted(validator.iter_errors(doc), key=str):
            where = "/".join(str(p) for p in err.absolute_path) or "(top)"
            print("%s: %s: %s: %s" % (path, name, where, err.message),
                  file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
