# SPDX-License-Identifier: LGPL-2.1-or-later
"""numaclaims.spec: sizes and claim specs in claimctl's syntax, parsed by
libclaims (claims_parse_size(3), claims_parse_claims(3)), the same code
claimctl runs, so both accept and refuse the same texts with the same
messages.

  parse_size("512M") -> pages
      SIZE is DIGITS[UNIT]: ASCII decimal digits (no sign, no spaces, no
      0x), then nothing (bytes, a multiple of 4096), K, M, G or T with an
      optional iB, any case (binary: 1g = 1G = 1GiB = 2**30 bytes), or p
      (4 KiB pages); below 2**52 pages.
  parse_claim_spec("0:1G,1:512M,host:256M") -> [(target, pages), ...]
      TARGET:SIZE entries separated by commas (spaces or tabs after a
      comma are fine, nowhere else); TARGET a node (ASCII decimal, 0-63),
      host or legacy (alone); 'clear' -> [(TARGET_HOST, 0)].
      NODE:SIZE:2M claims superpages (2 MiB, SIZE a multiple of 2M):
      "0:4G:2M" -> [(0, 1048576, CLAIM_SUPERPAGES)]
  format_claim_spec([(target, pages), ...]) -> "0:262144p,host:65536p"

A text that does not parse raises numaclaims.ParseError (a ValueError,
with .errno EINVAL, ERANGE or E2BIG) carrying claimctl's message.
"""
from . import _claims
from .errors import ParseError  # noqa: F401 (re-exported)

PAGE_SIZE = 4096
# Kept equal to the uapi's by tests/test_unit.py (numaclaims._claims has
# the header's values).
TARGET_HOST = 0x80000000
TARGET_LEGACY = 0x40000000
MAX_NODES = 64
CLAIM_SUPERPAGES = 1


def parse_size(text):
    """Pages in SIZE (claims_parse_size()); ParseError if it is not one."""
    return _claims.parse_size(text)


def parse_claim_spec(text):
    """[(target, pages), ...] for a claim spec (claims_parse_claims());
    ParseError if it is not one."""
    return _claims.parse_claims(text)


def format_claim_spec(claims):
    """claimctl's spec for [(target, pages), ...], sizes in pages."""
    if not claims or all(c[1] == 0 for c in claims):
        return "clear"
    names = {TARGET_HOST: "host", TARGET_LEGACY: "legacy"}

    def one(c):
        t, p = c[0], c[1]
        if len(c) > 2 and c[2] == CLAIM_SUPERPAGES:
            return "%d:%dp:2M" % (t, p)
        return "%s:%dp" % (names.get(t, t), p)
    return ",".join(one(c) for c in claims)
