# SPDX-License-Identifier: LGPL-2.1-or-later
"""The numaclaims Python binding against the real module, in a 2-node VM
(tests/guest/pkg-vm.sh runs it with the staged python of
python-stage.sh): open, host info, create, claim (set and refused),
claim_get, populate exactly on a node, info, release, the planner
(build_claim), decrease, destroy, pools resized, and everything back at
its baseline.
Imports only os, sys, errno and numaclaims (the stage has nothing else).
TAP on $VM_OUT (or stdout)."""
import errno
import os
import sys

import numaclaims as nc

out = open(os.environ["VM_OUT"], "w") if os.environ.get("VM_OUT") else sys.stdout
n = 0
failed = 0
M = (1 << 20) // nc.PAGE_SIZE


def check(name, cond, diag=""):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    line = "%s %d %s" % ("ok" if cond else "not ok", n, name)
    print(line)
    out.write(line + "\n")
    if not cond and diag:
        out.write("#   %s\n" % diag)
    out.flush()


def raises(fn, cls, err=None):
    try:
        fn()
    except cls as e:
        return err is None or e.errno == err
    except Exception as e:   # noqa: BLE001 - reported as a failure
        print("unexpected %r" % e)
        return False
    return False


h = nc.Handle()
check("python: Handle() opens /dev/numaclaims", h.fileno() >= 0)
check("python: api_version() is %d" % nc.API_VERSION, h.api_version() == nc.API_VERSION)
base = h.host_info()
nodes = int(os.environ.get("VM_NODES", "2"))
check("python: host_info has a pool on each of the %d nodes" % nodes,
      sorted(base["nodes"]) == list(range(nodes)), repr(base))
check("python: host_info has the scrub pages (API version 3), a part of the free pages",
      all(0 <= v["scrub_pages"] <= v["avail_pages"] for v in base["nodes"].values())
      and base["total_scrub_pages"] == sum(v["scrub_pages"] for v in base["nodes"].values())
      and base["total_scrub_pages"] <= base["total_avail_pages"], repr(base))
mask, nr = h.pool_nodes()
check("python: pool_nodes() agrees", mask == (1 << nodes) - 1 and nr == nodes)
free0 = base["nodes"][0]["avail_pages"]

d = h.domain_create(64 * M)
check("python: domain_create -> domid %d" % d, d > 0)
h.claim(d, "0:16M,1:8M,host:4M")
check("python: claim 0:16M,1:8M,host:4M installed (claim_get)",
      h.claim_get(d) == [(0, 16 * M), (1, 8 * M), (nc.TARGET_HOST, 4 * M)], repr(h.claim_get(d)))
info = h.domain_info(d)
check("python: domain_info counts the claims", info["outstanding_pages"] == 28 * M
      and info["node_claims"] == 24 * M and info["claims"] == {0: 16 * M, 1: 8 * M}, repr(info))
check("python: a claim larger than node 0 raises ClaimRefused (ENOMEM)",
      raises(lambda: h.claim(d, [(0, free0 + 1)]), nc.ClaimRefused, errno.ENOMEM))
check("python: ... and leaves the claim set as it was",
      h.claim_get(d) == [(0, 16 * M), (1, 8 * M), (nc.TARGET_HOST, 4 * M)])
check("python: host_info shows the outstanding claims",
      h.host_info()["outstanding_claims"] == base["outstanding_claims"] + 28 * M)

done = h.populate_range(d, 0, 8, order=9, node=0, exact=True)
info = h.domain_info(d)
check("python: populate 8 x 2 MiB exactly on node 0", done == 8 and info["tot_pages"] == 16 * M
      and info["node_pages"] == {0: 16 * M}, repr(info))
check("python: the node-0 claim is redeemed", info["claims"].get(0, 0) == 0, repr(info))
e = None
try:
    h.populate_range(d, 0, 2, order=9, node=0)
except nc.Error as exc:
    e = exc
check("python: populating a populated gfn raises EEXIST with nr_done 0",
      e is not None and e.errno == errno.EEXIST and e.nr_done == 0, repr(e))
h.claim(d, "clear")
check("python: claim clear releases every claim",
      h.claim_get(d) == [] and h.domain_info(d)["outstanding_pages"] == 0)

plan = h.build_claim(d, 16 * M, cpu_node=1)
check("python: build_claim plans node 1 for cpu_node 1 and installs it",
      plan["kind"] == nc.PLAN_ONE_NODE and plan["set"] == [(1, 16 * M)]
      and h.claim_get(d) == [(1, 16 * M)], repr(plan))
check("python: build_claim beyond the host raises ClaimRefused",
      raises(lambda: h.build_claim(d, 1 << 30), nc.ClaimRefused))
h.populate_range(d, 16 * M, 4, order=9, node=1, exact=True)
check("python: populate on node 1 from gfn 16M",
      h.domain_info(d)["node_pages"] == {0: 16 * M, 1: 8 * M})
done = h.decrease(d, [16 * M + (i << 9) for i in range(4)], order=9)
check("python: decrease gives node 1's pages back",
      done == 4 and h.domain_info(d)["node_pages"] == {0: 16 * M})
check("python: domains() lists the domain", [x["domid"] for x in h.domains()] == [d])
check("python: domain_path", nc.domain_path(d) == "/dev/numaclaims-dom%d" % d
      and os.path.exists(nc.domain_path(d)))
path = nc.domain_path(d)
nc.give(d, user=4242)
st = os.stat(path)
check("python: give(user=4242): the node is uid 4242's, mode 0600, group unchanged",
      (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4242, 0, 0o600), repr(st))
nc.give(d, group=4243)
st = os.stat(path)
check("python: give(group=4243): group 4243, mode 0660 by default (as claimctl give :GROUP)",
      (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4242, 4243, 0o660), repr(st))
check("python: give with a mode beyond 0o777 raises ValueError, the node unchanged",
      raises(lambda: nc.give(d, user=0, mode=0o4755), ValueError)
      and os.stat(path).st_mode & 0o7777 == 0o660)
nc.give(d, user="root", group=0, mode=0o600)
st = os.stat(path)
check("python: give back to root (by name)",
      (st.st_uid, st.st_gid, st.st_mode & 0o777) == (0, 0, 0o600), repr(st))
h.domain_destroy(d)
check("python: give of a destroyed domain raises NoSuchDomain",
      raises(lambda: nc.give(d, user=4242), nc.NoSuchDomain, errno.ESRCH))
check("python: domain_destroy; destroying again raises NoSuchDomain",
      raises(lambda: h.domain_destroy(d), nc.NoSuchDomain, errno.ESRCH))
check("python: domain_info of a destroyed domain raises NoSuchDomain",
      raises(lambda: h.domain_info(d), nc.NoSuchDomain))

# Pools resized (capacity: the size at load, so a shrink and back).
pools = h.pools()
r0 = pools[0]["pool_pages"]
check("python: pools() has every node, capacity from sysfs",
      [p["node"] for p in pools] == list(range(nodes))
      and pools[0]["capacity_pages"] == r0, repr(pools))
h.resize_pools("0:%dM" % (r0 // M - 8))
check("python: resize_pools shrinks node 0 by 8M",
      h.host_info()["nodes"][0]["reserved_pages"] == r0 - 8 * M)
check("python: resize_pools above the capacity raises ENOSPC, nothing changed",
      raises(lambda: h.resize_pools([(1, r0), (0, r0 + 1)]), nc.Error,
             errno.ENOSPC)
      and h.host_info()["nodes"][0]["reserved_pages"] == r0 - 8 * M)
check("python: resize_pools of the host-wide target raises ValueError",
      raises(lambda: h.resize_pools("host:1G"), ValueError))
h.resize_pools([(0, r0)])
check("python: resize_pools grows node 0 back",
      h.pools()[0]["pool_pages"] == r0)
after = h.host_info()


def unscrubbed(hi):
    """hi without the scrub pages, which the background scrubbers change"""
    hi = dict(hi, nodes={k: dict(v) for k, v in hi["nodes"].items()},
              total=dict(hi["total"]))
    hi.pop("total_scrub_pages")
    hi["total"].pop("scrub_pages")
    for v in hi["nodes"].values():
        v.pop("scrub_pages")
    return hi


check("python: host back at its baseline (free pages, claims, domains)",
      unscrubbed(after) == unscrubbed(base), "%r != %r" % (after, base))
h.close()
check("python: a closed handle raises ValueError", raises(h.api_version, ValueError))

line = "1..%d" % n
print(line)
out.write(line + "\n")
out.close()
sys.exit(1 if failed else 0)
