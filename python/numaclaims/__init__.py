# SPDX-License-Identifier: LGPL-2.1-or-later
"""numaclaims: NUMA-aware memory claim sets (Xen's claims for Linux) from
Python, over libclaims (libclaims(3)).

    import numaclaims
    with numaclaims.Handle() as h:              # /dev/numaclaims
        d = h.domain_create(numaclaims.parse_size("1G"))
        try:
            h.claim(d, "0:512M,1:512M")         # atomic, all or nothing
        except numaclaims.ClaimRefused:
            h.claim(d, "host:1G")
        h.populate_range(d, 0, h.domain_info(d)["outstanding_pages"] >> 9, order=9)
        h.claim(d, "clear")
        print(h.domain_info(d))
        h.domain_destroy(d)

Errors are numaclaims.Error (an OSError) subclasses: numaclaims.errors.
Sizes and claim specs take claimctl's syntax: numaclaims.spec.
"""
from . import errors
from .errors import (Error, ParseError, ClaimRefused, NoSuchDomain, NoPool,
                     ModuleNotLoaded, NotPermitted, error_from)
from .spec import parse_size, parse_claim_spec, format_claim_spec
from . import _claims
from ._claims import (strerror, domain_path, plan_compute, node_cores, plan_like,
                      API_VERSION,
                      PAGE_SIZE, MAX_NODES, MAX_ORDER, TARGET_HOST,
                      TARGET_LEGACY, DOMAIN_AUTODESTROY, MEMF_EXACT_NODE,
                      MEMF_NO_REFCOUNT, PLAN_SPREAD, PLAN_NO_NODE,
                      PLAN_ONE_NODE, PLAN_NODES, PLAN_HOST_SPREAD,
                      PLAN_POLICY_CORES, PLAN_POLICY_MEM_ONLY)

__version__ = "1.3.0"


def memf_node(node):
    """NUMACLAIMS_MEMF_NODE(node): populate on NODE."""
    return (node + 1) & 0xff


class Handle(_claims.Handle):
    """An open /dev/numaclaims (Handle(path=None)); a context manager."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def claim(self, domid, spec):
        """Install a claim set given as a claimctl spec or [(target, pages)]."""
        claims = parse_claim_spec(spec) if isinstance(spec, str) else spec
        self.claim_set(domid, claims)

    def populate_range(self, domid, first_gfn, nr_extents, order=0, node=None,
                       exact=False, mem_flags=0):
        """Populate NR_EXTENTS consecutive extents of 2^ORDER pages from
        FIRST_GFN (on NODE; only there with EXACT).  Returns the extents
        done; the exception of a failure has .nr_done."""
        flags = mem_flags
        if node is not None:
            flags |= memf_node(node)
        if exact:
            flags |= MEMF_EXACT_NODE
        gfns = [first_gfn + (i << order) for i in range(nr_extents)]
        return self.populate(domid, gfns, order, flags)


__all__ = [n for n in dir() if not n.startswith("_")]
