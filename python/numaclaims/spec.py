# SPDX-License-Identifier: LGPL-2.1-or-later
"""numaclaims.spec: sizes and claim specs in claimctl's syntax.

  parse_size("512M") -> pages     512M, 2G, 1T (binary), bytes, 100p pages
  parse_claim_spec("0:1G,1:512M,host:256M") -> [(target, pages), ...]
      'legacy:2G' (alone), 'clear' -> [(TARGET_HOST, 0)]; spaces after
      commas are fine
  format_claim_spec([(target, pages), ...]) -> "0:262144p,host:65536p"
"""
import re

PAGE_SIZE = 4096
# Kept equal to the uapi's by tests/test_unit.py (numaclaims._claims has
# the header's values).
TARGET_HOST = 0x80000000
TARGET_LEGACY = 0x40000000
MAX_NODES = 64

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"^([0-9]+)(?:([KMGT])(?:iB)?|(p))?$")


def parse_size(text):
    """Pages in SIZE (claimctl's syntax); ValueError if it is not one."""
    m = _SIZE.match(text.strip())
    if not m:
        raise ValueError("bad size %r: use 512M, 2G, bytes or NNNp pages" % text)
    n = int(m.group(1))
    if m.group(3):
        pages = n
    else:
        nbytes = n * _UNITS[m.group(2) or ""]
        if nbytes % PAGE_SIZE:
            raise ValueError("size %r is not a multiple of %d bytes" % (text, PAGE_SIZE))
        pages = nbytes // PAGE_SIZE
    if pages >= 1 << 52:
        raise ValueError("size %r is too large" % text)
    return pages


def parse_claim_spec(text):
    """[(target, pages), ...] for a claim spec; ValueError if it is not one."""
    text = text.strip()
    if text == "clear":
        return [(TARGET_HOST, 0)]
    if not text:
        raise ValueError("empty claim spec")
    out, seen = [], set()
    for part in text.split(","):
        part = part.strip()
        target, sep, size = part.partition(":")
        if not sep:
            raise ValueError("bad claim %r: TARGET:SIZE (a node, host or legacy)" % part)
        if target == "host":
            t = TARGET_HOST
        elif target == "legacy":
            t = TARGET_LEGACY
        elif target.isdigit():
            t = int(target)
            if t >= MAX_NODES:
                raise ValueError("node %d: nodes are 0-%d" % (t, MAX_NODES - 1))
        else:
            raise ValueError("bad claim target %r: a node number, host or legacy" % target)
        if t in seen:
            raise ValueError("target %r twice in one claim set" % target)
        seen.add(t)
        out.append((t, parse_size(size)))
    if any(t == TARGET_LEGACY for t, _ in out) and len(out) > 1:
        raise ValueError("legacy:SIZE must be the only claim of its set")
    return out


def format_claim_spec(claims):
    """claimctl's spec for [(target, pages), ...], sizes in pages."""
    if not claims or all(p == 0 for _, p in claims):
        return "clear"
    names = {TARGET_HOST: "host", TARGET_LEGACY: "legacy"}
    return ",".join("%s:%dp" % (names.get(t, t), p) for t, p in claims)
