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
import grp
import pwd

from . import errors
from .errors import (Error, ParseError, ClaimRefused, NoSuchDomain, NoPool,
                     ModuleNotLoaded, NotPermitted, error_from)
from .spec import parse_size, parse_claim_spec, format_claim_spec
from . import _claims
from ._claims import (strerror, domain_path, domain_give, plan_compute, node_cores, plan_like,
                      API_VERSION,
                      PAGE_SIZE, MAX_NODES, MAX_ORDER, TARGET_HOST,
                      TARGET_LEGACY, DOMAIN_AUTODESTROY, MEMF_EXACT_NODE,
                      MEMF_NO_REFCOUNT, MEMF_SUPERPAGE, CLAIM_SUPERPAGES,
                      SUPERPAGE_ORDER, SUPERPAGE_PAGES, MAX_ENTRIES,
                      PLAN_SPREAD, PLAN_SUPERPAGES, PLAN_NO_NODE,
                      PLAN_ONE_NODE, PLAN_NODES, PLAN_HOST_SPREAD,
                      PLAN_POLICY_CORES, PLAN_POLICY_MEM_ONLY)

__version__ = _claims.__version__	# the repository's VERSION file


def give(domid, user=None, group=None, mode=None):
    """Give domain @domid's device node to an unprivileged VMM, as
    'claimctl give': @user and @group are names or ids (None: unchanged),
    @mode the permission bits (None: 0o600, or 0o660 with a group).  The
    process running as @user can then open domain_path(domid) and map the
    domain; nothing else.  Needs root (claims_domain_give())."""
    def _id(v, byname):
        if v is None:
            return -1
        if isinstance(v, int):
            return v
        return byname(v)
    uid = _id(user, lambda n: pwd.getpwnam(n).pw_uid)
    gid = _id(group, lambda n: grp.getgrnam(n).gr_gid)
    domain_give(domid, uid, gid, -1 if mode is None else mode)


def pool_capacity(node):
    """The most pages NODE's pool can be resized to (module parameters
    pool_max_mb, node_pool_max_mb), or None if NODE has no pool or the
    module does not say (older than API version 5): libclaims'
    claims_pool_capacity()."""
    return _claims.pool_capacity(node)


def memf_node(node):
    """NUMACLAIMS_MEMF_NODE(node): populate on NODE."""
    return (node + 1) & 0xff


def _host_fields(hi):
    """host_info() with the names of claimctl info --json
    (docs/claimctl.schema.json): per node free_pages, claimed_pages,
    unclaimed_pages; page_size, host and total; superpages (API version 4)
    per node and in total: reserved_pages, free_pages, claimed_pages,
    unclaimed_pages, held_pages.  The older names avail_pages,
    outstanding_claims and total_*_pages stay, deprecated."""
    cols = ("reserved_pages", "offlined_pages")
    sp_cols = ("reserved_pages", "free_pages", "claimed_pages",
               "unclaimed_pages", "held_pages")
    node_claims = 0
    for n in hi["nodes"].values():
        n["free_pages"] = n["avail_pages"]
        n["claimed_pages"] = n["outstanding_claims"]
        n["unclaimed_pages"] = n["avail_pages"] - n["outstanding_claims"]
        node_claims += n["outstanding_claims"]
        sp = n["superpages"]
        sp["claimed_pages"] = sp.pop("outstanding_claims")
        sp["unclaimed_pages"] = sp["free_pages"] - sp["claimed_pages"]
    hi["page_size"] = PAGE_SIZE
    hi["host"] = {"claimed_pages": hi["outstanding_claims"] - node_claims}
    total = {c: sum(n[c] for n in hi["nodes"].values()) for c in cols}
    total.update(free_pages=hi["total_avail_pages"],
                 claimed_pages=hi["outstanding_claims"],
                 unclaimed_pages=hi["total_avail_pages"] - hi["outstanding_claims"],
                 scrub_pages=hi["total_scrub_pages"],
                 held_pages=hi["total_held_pages"])
    total["superpages"] = {c: sum(n["superpages"][c]
                                  for n in hi["nodes"].values())
                           for c in sp_cols}
    hi["total"] = total
    return hi


def _domain_fields(d):
    """domain_info() with the names of claimctl list --json: claimed_pages,
    nodes [{node, claimed_pages, mem_pages}], host, affinity (a list of
    nodes), flags (names, not an integer), memory_numa_node_N; superpages
    (API version 4): superpage_claimed_pages, per node
    superpage_claimed_pages and superpage_mem_pages.  The older
    outstanding_pages, node_affinity and domain_flags stay, deprecated;
    claims, node_pages and node_claims stay (plan_like() reads them)."""
    d["claimed_pages"] = d["outstanding_pages"]
    d["host"] = {"claimed_pages": d["outstanding_pages"] - d["node_claims"]}
    d["affinity"] = [n for n in range(MAX_NODES) if d["node_affinity"] >> n & 1]
    d["flags"] = ["autodestroy"] if d["domain_flags"] & DOMAIN_AUTODESTROY else []
    spc, spm = d["superpage_claims"], d["superpage_pages"]
    d["superpage_claimed_pages"] = sum(spc.values())
    d["nodes"] = [{"node": n, "claimed_pages": d["claims"].get(n, 0),
                   "mem_pages": d["node_pages"].get(n, 0),
                   "superpage_claimed_pages": spc.get(n, 0),
                   "superpage_mem_pages": spm.get(n, 0)}
                  for n in sorted(set(d["claims"]) | set(d["node_pages"]) |
                                  set(spc))]
    for n, nbytes in d["memory_numa_node"].items():
        d["memory_numa_node_%d" % n] = nbytes
    return d


class Handle(_claims.Handle):
    """An open /dev/numaclaims (Handle(path=None)); a context manager.

    host_info(), domain_info() and domains() give dicts with the field
    names of claimctl's JSON (docs/claimctl.schema.json): free_pages,
    claimed_pages, unclaimed_pages, flags as names, affinity as a list.
    The names of before (avail_pages, outstanding_claims,
    total_avail_pages, total_held_pages, total_scrub_pages,
    outstanding_pages, node_affinity, domain_flags) are still there but
    deprecated: they will go in a later release."""

    def __enter__(self):
        return self

    def host_info(self):
        """The host: claimctl info --json's names (see the class)."""
        return _host_fields(super().host_info())

    def domain_info(self, domid):
        """Domain DOMID: claimctl list --json's names (see the class)."""
        return _domain_fields(super().domain_info(domid))

    def domains(self):
        """Every domain, as domain_info()."""
        return [_domain_fields(d) for d in super().domains()]

    def __exit__(self, *exc):
        self.close()

    def pools(self):
        """Each node's pool, as claimctl pool --json's "nodes": node,
        pool_pages, capacity_pages, free_pages, claimed_pages,
        unclaimed_pages."""
        hi = self.host_info()
        return [{"node": k, "pool_pages": v["reserved_pages"],
                 "capacity_pages": pool_capacity(k),
                 "free_pages": v["free_pages"],
                 "claimed_pages": v["claimed_pages"],
                 "unclaimed_pages": v["unclaimed_pages"]}
                for k, v in sorted(hi["nodes"].items())]

    def resize_pools(self, spec):
        """Make each node's pool the size given, as claimctl pool does:
        SPEC is "0:8G,1:4G" or [(node, pages)].  All or nothing (libclaims'
        claims_pool_resize_set()): every node is checked first (a pool,
        within its capacity: ENOSPC), and if a resize fails the nodes
        already resized are put back before the error is raised."""
        entries = parse_claim_spec(spec) if isinstance(spec, str) else spec
        for e in entries:
            if len(e) > 2 or not 0 <= e[0] < MAX_NODES:
                raise ValueError("pool sizes are (node, pages) entries, "
                                 "not %r" % (e,))
        self.pool_resize_set([(e[0], e[1]) for e in entries])

    def claim(self, domid, spec):
        """Install a claim set given as a claimctl spec ("0:1G,1:4G:2M") or
        [(target, pages)], superpage entries (node, pages, CLAIM_SUPERPAGES)."""
        claims = parse_claim_spec(spec) if isinstance(spec, str) else spec
        self.claim_set(domid, claims)

    def populate_range(self, domid, first_gfn, nr_extents, order=0, node=None,
                       exact=False, mem_flags=0, superpages=False):
        """Populate NR_EXTENTS consecutive extents of 2^ORDER pages from
        FIRST_GFN (on NODE; only there with EXACT; SUPERPAGES: order 9,
        superpages only, MEMF_SUPERPAGE).  Returns the extents done; the
        exception of a failure has .nr_done."""
        flags = mem_flags
        if superpages:
            if order != SUPERPAGE_ORDER:
                raise ValueError("superpages are populated at order %d"
                                 % SUPERPAGE_ORDER)
            flags |= MEMF_SUPERPAGE
        if node is not None:
            flags |= memf_node(node)
        if exact:
            flags |= MEMF_EXACT_NODE
        gfns = [first_gfn + (i << order) for i in range(nr_extents)]
        return self.populate(domid, gfns, order, flags)


__all__ = [n for n in dir() if not n.startswith("_")]
