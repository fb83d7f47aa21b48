# SPDX-License-Identifier: LGPL-2.1-or-later
"""Unit tests of the numaclaims Python binding that need no device:
constants against the uapi header, sizes and claim specs, the errno to
exception mapping, the C calls against an absent device and a file that
is not one (/dev/null: every ioctl fails with ENOTTY), host_info() on a
fixed HOST_INFO (tests/fake_host_info.c preloaded), and the pure planner
(libclaims' claims_plan_compute) on hand-made topologies.
TAP output (python/Makefile check, make pkg-test)."""
import ast
import errno
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
import numaclaims as nc  # noqa: E402
from numaclaims import spec  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
G = 1 << 30 >> 12   # pages in 1 GiB
M = 1 << 20 >> 12   # pages in 1 MiB


def uapi_define(name):
    text = open(os.path.join(TOP, "uapi", "linux", "numaclaims.h")).read()
    m = re.search(r"^#define\s+%s\s+\(?([0-9a-fA-FxXuU]+?)U?L*\)?\s*$" % name, text, re.M)
    return int(m.group(1), 0)


class Constants(unittest.TestCase):
    def test_uapi(self):
        """the extension's constants are the uapi header's"""
        for name in ("API_VERSION", "MAX_NODES", "MAX_ORDER", "TARGET_HOST",
                     "TARGET_LEGACY", "TARGET_SPECIAL", "CLAIM_SUPERPAGES",
                     "SUPERPAGE_ORDER"):
            self.assertEqual(getattr(nc._claims, name), uapi_define("NUMACLAIMS_" + name), name)

    def test_superpage_constants(self):
        """superpages (API version 4): MEMF_SUPERPAGE, SUPERPAGE_PAGES, MAX_ENTRIES"""
        text = open(os.path.join(TOP, "uapi", "linux", "numaclaims.h")).read()
        self.assertRegex(text, r"#define\s+NUMACLAIMS_MEMF_SUPERPAGE\s+\(1U << 19\)")
        self.assertEqual(nc.MEMF_SUPERPAGE, 1 << 19)
        self.assertEqual(nc.SUPERPAGE_PAGES, 1 << nc.SUPERPAGE_ORDER)
        self.assertEqual(nc.SUPERPAGE_PAGES, 512)
        self.assertEqual(nc.MAX_ENTRIES, 2 * nc.MAX_NODES + 1)
        self.assertEqual(nc.API_VERSION, 5)
        self.assertNotEqual(nc.PLAN_SUPERPAGES & nc.PLAN_SPREAD, nc.PLAN_SUPERPAGES)

    def test_spec_copies(self):
        """numaclaims.spec's copies of the targets agree with the extension"""
        self.assertEqual(spec.TARGET_HOST, nc.TARGET_HOST)
        self.assertEqual(spec.TARGET_LEGACY, nc.TARGET_LEGACY)
        self.assertEqual(spec.MAX_NODES, nc.MAX_NODES)
        self.assertEqual(spec.CLAIM_SUPERPAGES, nc.CLAIM_SUPERPAGES)
        self.assertEqual(spec.PAGE_SIZE, nc.PAGE_SIZE)

    def test_memf_node(self):
        """memf_node(n) is NUMACLAIMS_MEMF_NODE(n)"""
        self.assertEqual(nc.memf_node(0), 1)
        self.assertEqual(nc.memf_node(3), 4)

    def test_version(self):
        """the package's version is the release (the VERSION file)"""
        with open(os.path.join(TOP, "VERSION")) as f:
            self.assertEqual(f.read().strip(), nc.__version__)


def _unescape(field):
    """parse-table.txt's INPUT: \\xHH bytes (UTF-8), \\\\ a backslash."""
    out, i, raw = bytearray(), 0, field.encode("utf-8")
    while i < len(raw):
        if raw[i:i + 2] == b"\\x" and len(raw) >= i + 4:
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        elif raw[i:i + 2] == b"\\\\":
            out.append(0x5c)
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8")


def _parse_table():
    """The rows of userspace/tests/parse-table.txt, which claimctl-unit
    feeds to claimctl's parsers: (kind, input, expected, message)."""
    rows = []
    with open(os.path.join(TOP, "userspace", "tests", "parse-table.txt"),
              encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            rows.append((fields[0], _unescape(fields[1]), fields[2],
                         fields[3] if len(fields) > 3 else None))
    return rows


def _spec_string(claims):
    names = {nc.TARGET_HOST: "host", nc.TARGET_LEGACY: "legacy"}

    def one(c):
        t, p = c[0], c[1]
        if len(c) > 2 and c[2] == nc.CLAIM_SUPERPAGES:
            return "%d:2M=%d" % (t, p)
        return "%s=%d" % (names.get(t, t), p)
    return ",".join(one(c) for c in claims)


class ParseTable(unittest.TestCase):
    def test_table(self):
        """every size and claim spec of claimctl's table parses the same"""
        rows = _parse_table()
        self.assertGreaterEqual(len(rows), 80)
        wrong = []
        for kind, text, want, msg in rows:
            fn = nc.parse_size if kind == "size" else nc.parse_claim_spec
            try:
                got = fn(text)
            except nc.ParseError as e:
                got = "!" + errno.errorcode[e.errno]
                if want == got and msg and msg not in str(e):
                    got += " (%s)" % e
            else:
                got = str(got) if kind == "size" else _spec_string(got)
            if got != want:
                wrong.append("%s %r: want %s, got %s" % (kind, text, want, got))
        self.assertEqual(wrong, [])

    def test_parse_error(self):
        """a refused size is a ValueError with claimctl's message and errno"""
        with self.assertRaises(ValueError) as cm:
            nc.parse_size("1K")
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        self.assertIn("not a multiple of the 4 KiB page size", str(cm.exception))
        with self.assertRaises(nc.ParseError) as cm:
            nc.parse_claim_spec("0:1G,0:2G")
        self.assertIn("node 0 is listed twice", str(cm.exception))


class ClaimSpecs(unittest.TestCase):
    def test_format_roundtrip(self):
        """format_claim_spec gives a spec that parses back"""
        s = [(0, 512), (3, 1024), (nc.TARGET_HOST, 7)]
        self.assertEqual(nc.format_claim_spec(s), "0:512p,3:1024p,host:7p")
        self.assertEqual(nc.parse_claim_spec(nc.format_claim_spec(s)), s)
        self.assertEqual(nc.format_claim_spec([(nc.TARGET_HOST, 0)]), "clear")

    def test_superpage_entries(self):
        """a superpage entry is (node, pages, CLAIM_SUPERPAGES), spec NODE:SIZE:2M"""
        s = nc.parse_claim_spec("0:1G,0:4G:2M,host:2M")
        self.assertEqual(s, [(0, G), (0, 4 * G, nc.CLAIM_SUPERPAGES), (nc.TARGET_HOST, 512)])
        self.assertEqual(nc.format_claim_spec(s), "0:262144p,0:1048576p:2M,host:512p")
        self.assertEqual(nc.parse_claim_spec(nc.format_claim_spec(s)), s)
        with self.assertRaises(nc.ParseError) as cm:
            nc.parse_claim_spec("0:3M:2M")
        self.assertIn("not a multiple of the 2 MiB superpage size", str(cm.exception))
        full = ",".join("%d:1p,%d:2M:2M" % (n, n) for n in range(nc.MAX_NODES)) + ",host:1p"
        self.assertEqual(len(nc.parse_claim_spec(full)), nc.MAX_ENTRIES)
        with self.assertRaises(nc.ParseError) as cm:
            nc.parse_claim_spec(full + ",legacy:1p")
        self.assertEqual(cm.exception.errno, errno.E2BIG)


class Errors(unittest.TestCase):
    def test_classes(self):
        """errno -> exception class, all OSErrors"""
        for err, cls in ((errno.ENOMEM, nc.ClaimRefused), (errno.ESRCH, nc.NoSuchDomain),
                         (errno.ENOENT, nc.NoPool), (errno.EPERM, nc.NotPermitted),
                         (errno.EACCES, nc.NotPermitted), (errno.EINVAL, nc.Error),
                         (errno.E2BIG, nc.Error)):
            e = nc.error_from(-err, "domain_claim_memory")
            self.assertIs(type(e), cls, errno.errorcode[err])
            self.assertIsInstance(e, OSError)
            self.assertEqual(e.errno, err)
            self.assertEqual(e.strerror, os.strerror(err))
            self.assertEqual(e.op, "domain_claim_memory")
            self.assertIn(errno.errorcode[err], str(e))

    def test_positive(self):
        """a positive errno maps the same"""
        self.assertIs(type(nc.error_from(errno.ENOMEM, "x")), nc.ClaimRefused)

    def test_open(self):
        """open errors carry claims_strerror()'s cause and fix"""
        for err in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
            e = nc.error_from(-err, "open")
            self.assertIs(type(e), nc.ModuleNotLoaded)
            self.assertIn("modprobe numaclaims", e.strerror)
        e = nc.error_from(-errno.EACCES, "open")
        self.assertIs(type(e), nc.NotPermitted)
        self.assertIn("run as root", e.strerror)
        self.assertEqual(nc.strerror(-errno.ENOENT), nc.strerror(errno.ENOENT))
        self.assertEqual(nc.strerror(-errno.EINVAL), os.strerror(errno.EINVAL))


class NoDevice(unittest.TestCase):
    def test_absent(self):
        """Handle() on an absent device raises ModuleNotLoaded"""
        with self.assertRaises(nc.ModuleNotLoaded) as cm:
            nc.Handle("/nonexistent/numaclaims")
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        self.assertEqual(cm.exception.op, "open")

    def test_not_a_device(self):
        """on a file that is not numaclaims every call fails with ENOTTY"""
        with nc.Handle("/dev/null") as h:
            self.assertGreaterEqual(h.fileno(), 0)
            calls = [(h.api_version, ()), (h.domain_create, (100,)),
                     (h.domain_destroy, (1,)), (h.claim, (1, "0:1G")),
                     (h.claim_get, (1,)), (h.domain_info, (1,)),
                     (h.host_info, ()), (h.setmaxmem, (1, 5)),
                     (h.offline_pages, (0, 1)), (h.build_claim, (1, 512))]
            for fn, args in calls:
                with self.assertRaises(nc.Error, msg=fn.__name__) as cm:
                    fn(*args)
                self.assertEqual(cm.exception.errno, errno.ENOTTY, fn.__name__)
            with self.assertRaises(nc.Error) as cm:
                h.populate_range(1, 0, 4, order=9, node=0, exact=True)
            self.assertEqual(cm.exception.errno, errno.ENOTTY)
            self.assertEqual(cm.exception.nr_done, 0)
            self.assertEqual(cm.exception.op, "domain_populate_physmap")
        with self.assertRaises(ValueError):
            h.api_version()     # closed

    def test_bad_arguments(self):
        """bad arguments are TypeErrors before any ioctl"""
        with nc.Handle("/dev/null") as h:
            with self.assertRaises(TypeError):
                h.claim_set(1, [(0,)])
            with self.assertRaises(TypeError):
                h.claim_set(1, 5)
            with self.assertRaises(TypeError):
                h.populate(1, ["x"])
            with self.assertRaises(TypeError):
                h.claim_set(1, [(0, 512, nc.CLAIM_SUPERPAGES, 0)])
            with self.assertRaises(nc.Error) as cm:
                h.claim_set(1, [(0, 1)] * (nc.MAX_ENTRIES + 2))
            self.assertEqual(cm.exception.errno, errno.E2BIG)

    def test_domain_path(self):
        """domain_path is NUMACLAIMS_DOMAIN_DEV_FMT's"""
        self.assertEqual(nc.domain_path(3), "/dev/numaclaims-dom3")


class FakeHost(unittest.TestCase):
    """host_info() on the HOST_INFO of tests/fake_host_info.c (LD_PRELOAD)"""

    def host_info(self, version=None):
        return self.fake("h.host_info()", version)

    def fake(self, expr, version=None):
        """EXPR on a Handle h whose ioctl() is tests/fake_host_info.c's"""
        so = os.environ.get("NUMACLAIMS_FAKE_IOCTL")
        if not so:
            self.skipTest("NUMACLAIMS_FAKE_IOCTL unset (make -C python check builds it)")
        env = dict(os.environ, LD_PRELOAD=so)
        if version:
            env["FAKE_HOST_INFO_VERSION"] = str(version)
        out = subprocess.run(
            [sys.executable, "-B", "-c",
             "import numaclaims as nc\nwith nc.Handle('/dev/null') as h: print(repr(%s))" % expr],
            env=env, cwd="/", check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
        return ast.literal_eval(out)

    def test_domain_numa(self):
        """XenServer 9's numa_nodes, memory_numa_node (bytes), numa_optimised"""
        d5, d9 = self.fake("h.domain_info(5)"), self.fake("h.domain_info(9)")
        self.assertEqual((d5["numa_nodes"], d5["numa_optimised"], d5["memory_numa_node"]),
                         (2, False, {0: 256 * 4096, 2: 512 * 4096}),
                         "nodes 0 and 2: all of the host's 2 pool nodes")
        self.assertEqual((d9["numa_nodes"], d9["numa_optimised"], d9["memory_numa_node"]),
                         (1, True, {2: 128 * 4096}), "one node, uncounted pages too")
        self.assertIs(d9["numa_optimised"], True)
        doms = self.fake("h.domains()")
        self.assertEqual([(d["domid"], d["numa_nodes"], d["numa_optimised"]) for d in doms],
                         [(5, 2, False), (9, 1, True)])

    def test_like_roundtrip(self):
        """plan_like() of a saved domain_info(), back and forth 12 times: the same set"""
        # Its superpage claim cannot be recreated (see the next assertion
        # below): the 4 KiB part round-trips.
        d5 = dict(self.fake("h.domain_info(5)"), superpage_claims={})
        first = nc.plan_like(d5)
        self.assertEqual(first["set"], [(0, 256), (2, 512)])
        self.assertEqual(first["kind"], nc.PLAN_NODES)
        desc = d5
        for i in range(12):
            p = nc.plan_like(desc)
            self.assertEqual(p, first, "round trip %d" % i)
            # the target: the set installed, then a part populated
            pop = {n: pages * (i % 3) // 2 for n, pages in p["set"]}
            desc = {"domid": 10 + i, "tot_pages": sum(pop.values()),
                    "node_pages": {n: x for n, x in pop.items() if x},
                    "claims": {n: pages - pop[n] for n, pages in p["set"] if pages - pop[n]},
                    "uncounted_pages": 0}
            desc["node_claims"] = desc["outstanding_pages"] = sum(desc["claims"].values())
            self.assertEqual(desc["tot_pages"] + desc["outstanding_pages"], 768)
        d9 = self.fake("h.domain_info(9)")
        self.assertEqual(nc.plan_like(d9)["set"], [(2, 100)], "uncounted pages left out")
        with self.assertRaises(nc.Error) as cm:
            nc.plan_like({"domid": 1})
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(ValueError):
            nc.plan_like({"node_pages": {64: 1}})
        with self.assertRaises(TypeError):
            nc.plan_like([1])
        # A superpage claim cannot be recreated by a plan like it: refused,
        # not dropped (claimctl build --like says the same).
        sp = dict(d9, superpage_claims={0: nc.SUPERPAGE_PAGES})
        with self.assertRaises(ValueError) as cm:
            nc.plan_like(sp)
        self.assertIn("superpage claim on node 0", str(cm.exception))

    def test_fields(self):
        """every HOST_INFO field, held and scrub (API version 3) included"""
        hi = self.host_info()
        hi = {k: v for k, v in hi.items() if k not in ("page_size", "host", "total")}
        hi["nodes"] = {k: {c: x for c, x in v.items()
                           if c not in ("free_pages", "claimed_pages", "unclaimed_pages")}
                       for k, v in hi["nodes"].items()}
        self.assertEqual(hi, {
            "nr_nodes": 3, "nr_domains": 1, "total_avail_pages": 90000,
            "outstanding_claims": 3348, "total_held_pages": 32,
            "total_scrub_pages": 6144, "total_growable_pages": 2048,
            "nodes": {
                0: {"reserved_pages": 65536, "avail_pages": 60000,
                    "outstanding_claims": 1000, "offlined_pages": 512,
                    "held_pages": 24, "scrub_pages": 4608, "growable_pages": 0,
                    "superpages": {"reserved_pages": 4096, "free_pages": 3584,
                                   "claimed_pages": 1024, "unclaimed_pages": 2560,
                                   "held_pages": 0}},
                2: {"reserved_pages": 32768, "avail_pages": 30000,
                    "outstanding_claims": 300, "offlined_pages": 0,
                    "held_pages": 8, "scrub_pages": 1536, "growable_pages": 2048,
                    "superpages": {"reserved_pages": 1024, "free_pages": 512,
                                   "claimed_pages": 0, "unclaimed_pages": 512,
                                   "held_pages": 512}}}})

    def test_schema_names(self):
        """host_info() and domain_info() carry claimctl JSON's names (the
        schema's required fields), flags as names, and the old names too"""
        schema = json.load(open(os.path.join(TOP, "docs", "claimctl.schema.json")))["$defs"]
        cols = set(schema["info_columns"]["required"])
        hi = self.host_info()
        for n in hi["nodes"].values():
            self.assertLessEqual(cols, set(n))
        self.assertEqual(set(hi["total"]), cols | {"superpages"})
        sp_cols = set(schema["superpages"]["required"])
        for n in hi["nodes"].values():
            self.assertEqual(set(n["superpages"]), sp_cols)
        self.assertEqual(hi["total"]["superpages"],
                         {"reserved_pages": 5120, "free_pages": 4096, "claimed_pages": 1024,
                          "unclaimed_pages": 3072, "held_pages": 512})
        self.assertLessEqual(set(schema["info"]["required"]) - {"nodes"}, set(hi))
        self.assertEqual(hi["nodes"][0]["free_pages"], 60000)
        self.assertEqual(hi["nodes"][0]["unclaimed_pages"], 59000)
        self.assertEqual({k: v for k, v in hi["total"].items() if k != "superpages"},
                         {"reserved_pages": 98304, "free_pages": 90000,
                          "claimed_pages": 3348, "unclaimed_pages": 86652,
                          "offlined_pages": 512, "scrub_pages": 6144,
                          "held_pages": 32})
        self.assertEqual(hi["host"], {"claimed_pages": 2048})
        self.assertEqual(hi["nodes"][0]["avail_pages"], 60000, "deprecated alias kept")
        dom_required = set(schema["domain"]["required"])
        for d in self.fake("h.domains()"):
            self.assertLessEqual(dom_required, set(d))
            self.assertTrue(all(isinstance(f, str) for f in d["flags"]))
            self.assertEqual(d["claimed_pages"], d["outstanding_pages"])
        d5 = self.fake("h.domain_info(5)")
        self.assertEqual(d5["nodes"], [{"node": 0, "claimed_pages": 0, "mem_pages": 256,
                                        "superpage_claimed_pages": 1024,
                                        "superpage_mem_pages": 0},
                                       {"node": 2, "claimed_pages": 0, "mem_pages": 512,
                                        "superpage_claimed_pages": 0,
                                        "superpage_mem_pages": 512}])
        self.assertEqual((d5["superpage_claims"], d5["superpage_pages"],
                          d5["superpage_claimed_pages"]), ({0: 1024}, {2: 512}, 1024))
        self.assertEqual((d5["memory_numa_node_0"], d5["memory_numa_node_2"]),
                         (256 * 4096, 512 * 4096))
        with self.assertRaises(ValueError):
            nc.plan_like(d5)            # a superpage claim: refused, not dropped
        self.assertEqual(nc.plan_like(dict(d5, superpage_claims={}))["set"],
                         [(0, 256), (2, 512)], "plan_like() takes the dict as it is")

    def refused(self, claim):
        """repr((errno, strerror, str)) of the ClaimRefused h.claim(5, CLAIM) raises"""
        return self.fake_code("try:\n h.claim(5, %r)\nexcept nc.ClaimRefused as e:\n"
                              " print(repr((e.errno, e.strerror, str(e))))" % (claim,))

    def fake_code(self, code):
        """what CODE prints (a repr), run with a Handle h on the fake host"""
        so = os.environ.get("NUMACLAIMS_FAKE_IOCTL")
        if not so:
            self.skipTest("NUMACLAIMS_FAKE_IOCTL unset")
        out = subprocess.run(
            [sys.executable, "-B", "-c",
             "import numaclaims as nc\nwith nc.Handle('/dev/null') as h:\n" +
             "\n".join(" " + line for line in code.split("\n"))],
            env=dict(os.environ, LD_PRELOAD=so), cwd="/", check=True,
            stdout=subprocess.PIPE, universal_newlines=True).stdout
        return ast.literal_eval(out)

    def test_claim_refused_says_why(self):
        """a refused claim carries libclaims' diagnosis, claimctl's words"""
        err, msg, text = self.refused("0:1G")
        self.assertEqual(err, errno.ENOMEM)
        self.assertEqual(msg, "Cannot allocate memory: node 0 has only 230.47 MiB unclaimed, "
                              "1 GiB asked; claim less or on another node")
        self.assertIn("node 0 has only 230.47 MiB unclaimed", text)

    def test_claim_refused_counts_what_the_pool_may_grow_by(self):
        """on a node that grows on claim, the diagnosis counts its growable
        pages (API version 5): node 2 has 29700 unclaimed + 2048 growable"""
        _, _, text = self.refused("2:1G")
        self.assertIn("node 2 has only 124.02 MiB unclaimed with what its pool "
                      "may still grow by, 1 GiB asked", text)

    def test_resize_pools_checks_every_node_first(self):
        """resize_pools() is libclaims' claims_pool_resize_set(): a node
        without a pool, or given twice, fails before any resize ioctl
        (on /dev/null that ioctl would be ENOTTY)"""
        code = ("try:\n h.resize_pools(%r)\nexcept OSError as e:\n"
                " print(repr((e.errno, str(e))))")
        for spec, err in (("0:1M,1:1M", errno.ENOENT), ([(0, 1), (0, 2)], errno.EINVAL),
                          ("0:1M", errno.ENOTTY)):
            got = self.fake_code(code % (spec,))
            self.assertEqual(got[0], err, (spec, got))
        self.assertIn("node 1", self.fake_code(code % ("0:1M,1:1M",))[1])

    def test_plan_counts_what_the_pool_may_grow_by(self):
        """the live planner adds growable_pages to a node's unclaimed pages:
        node 2 takes 29700 + 2048 pages whole, not one page more"""
        plan = self.fake("h.plan(9, pages=29700 + 2048, cpu_node=2)")
        self.assertEqual(plan["set"], [(2, 29700 + 2048)])
        plan = self.fake("h.plan(9, pages=29700 + 2049, cpu_node=2)")
        self.assertEqual(plan["set"], [(0, 29700 + 2049)], "one page more: node 0")

    def test_superpage_claim_refused_says_why(self):
        """a refused superpage claim names the node's unclaimed superpages"""
        # a 3-tuple entry, as claim_get() and parse_claim_spec() give them;
        # domain 5's own 4 MiB superpage claim on node 0 counts as free: 14 MiB
        err, _, text = self.refused([(0, 1 << 18, 1)])
        self.assertEqual(err, errno.ENOMEM)
        self.assertIn("node 0 has only 14 MiB of unclaimed superpages, 1 GiB asked", text)
        _, _, text = self.refused("0:64M:2M")
        self.assertIn("node 0 has only 14 MiB of unclaimed superpages, 64 MiB asked", text)

    def test_older_modules(self):
        """a module of API version 4 gives no growable pages, 3 no superpages,
        2 scrub 0, 1 held 0 too"""
        hi = self.host_info(4)
        self.assertEqual(hi["total_growable_pages"], 0)
        self.assertEqual([n["growable_pages"] for n in hi["nodes"].values()], [0, 0])
        self.assertEqual(hi["nodes"][0]["superpages"]["reserved_pages"], 4096)
        hi = self.host_info(3)
        self.assertEqual(hi["total_scrub_pages"], 6144)
        self.assertEqual([n["superpages"]["reserved_pages"] for n in hi["nodes"].values()],
                         [0, 0])
        self.assertEqual(hi["total"]["superpages"]["free_pages"], 0)
        hi = self.host_info(2)
        self.assertEqual((hi["total_held_pages"], hi["total_scrub_pages"]), (32, 0))
        self.assertEqual([(n["held_pages"], n["scrub_pages"]) for n in hi["nodes"].values()],
                         [(24, 0), (8, 0)])
        hi = self.host_info(1)
        self.assertEqual((hi["total_held_pages"], hi["total_scrub_pages"]), (0, 0))
        self.assertEqual([(n["avail_pages"], n["held_pages"], n["scrub_pages"])
                          for n in hi["nodes"].values()], [(60000, 0, 0), (30000, 0, 0)])


def topo(free, dist, cpus=None):
    return {"free_pages": free, "distance": dist, "cpus": cpus or [1] * len(free)}


# Four nodes, asymmetric: 0-1 close, 2-3 close, 0->2 far.
FOUR = [[10, 12, 20, 22], [30, 10, 21, 20], [20, 22, 10, 11], [21, 20, 13, 10]]


class Planner(unittest.TestCase):
    def test_one_node(self):
        """one node that fits, nearest to the CPU node"""
        p = nc.plan_compute(topo([G, G, G, G], FOUR), 512 * M, cpu_node=2)
        self.assertEqual(p["kind"], nc.PLAN_ONE_NODE)
        self.assertEqual(p["set"], [(2, 512 * M)])
        self.assertEqual(p["distance"], 10)

    def test_two_closest(self):
        """the fewest nodes, the closest together"""
        p = nc.plan_compute(topo([G, G, G, G], FOUR), 3 * G // 2, cpu_node=0)
        self.assertEqual(p["kind"], nc.PLAN_NODES)
        self.assertEqual(sorted(t for t, _ in p["set"]), [0, 1])
        self.assertEqual(sum(n for _, n in p["set"]), 3 * G // 2)
        self.assertEqual(p["nodemask"], 0b11)
        self.assertEqual(p["cpu_nodemask"], 0b1)

    def test_spread(self):
        """a spread gets a host-wide part; without PLAN_SPREAD it is refused"""
        t = topo([G, G, G, G], FOUR)
        t["host_free_pages"] = 4 * G
        with self.assertRaises(nc.ClaimRefused):
            nc.plan_compute(t, 3 * G, max_nodes=2)
        p = nc.plan_compute(t, 3 * G, max_nodes=2, flags=nc.PLAN_SPREAD)
        self.assertEqual(p["kind"], nc.PLAN_HOST_SPREAD)
        self.assertGreater(p["host_pages"], 0)
        self.assertIn((nc.TARGET_HOST, p["host_pages"]), p["set"])
        self.assertEqual(sum(n for _, n in p["set"]), 3 * G)

    def test_superpages(self):
        """PLAN_SUPERPAGES: whole 2 MiB superpage entries on the nodes' superpages"""
        t = topo([G, 3 * G // 2 + 100, 0, 0], FOUR)
        t["host_free_pages"] = 0    # not a limit for superpages
        p = nc.plan_compute(t, 3 * G // 2, flags=nc.PLAN_SUPERPAGES)
        self.assertEqual((p["kind"], p["set"]),
                         (nc.PLAN_ONE_NODE, [(1, 3 * G // 2, nc.CLAIM_SUPERPAGES)]))
        p = nc.plan_compute(t, 2 * G, flags=nc.PLAN_SUPERPAGES)
        self.assertEqual(p["kind"], nc.PLAN_NODES)
        self.assertTrue(all(len(e) == 3 and e[1] % nc.SUPERPAGE_PAGES == 0 for e in p["set"]))
        self.assertEqual(sum(e[1] for e in p["set"]), 2 * G)
        for pages, flags in ((G, nc.PLAN_SUPERPAGES | nc.PLAN_SPREAD),
                             (G + 1, nc.PLAN_SUPERPAGES)):
            with self.assertRaises(nc.Error) as cm:
                nc.plan_compute(t, pages, flags=flags)
            self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_errors(self):
        """EINVAL, ENOENT, ENOMEM as exceptions"""
        t = topo([G, G, 0, 0], FOUR)
        with self.assertRaises(nc.Error) as cm:
            nc.plan_compute(t, 0)
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(nc.NoPool):
            nc.plan_compute(t, M, allowed_nodes=0b1100)
        with self.assertRaises(nc.ClaimRefused):
            nc.plan_compute(t, 3 * G)
        with self.assertRaises(KeyError):
            nc.plan_compute({"free_pages": [1]}, M)

    def test_cores(self):
        """6 vCPUs on two SMT2 nodes of 8 CPUs (4 cores): both nodes; mem-only: one"""
        t = topo([G, G], [[10, 20], [20, 10]], cpus=[8, 8])
        t["cores"] = [4, 4]
        p = nc.plan_compute(t, G // 2, vcpus=6)
        self.assertEqual((p["kind"], p["set"]), (nc.PLAN_NODES, [(0, G // 4), (1, G // 4)]))
        p = nc.plan_compute(t, G // 2, vcpus=6, policy=nc.PLAN_POLICY_MEM_ONLY)
        self.assertEqual((p["kind"], p["set"]), (nc.PLAN_ONE_NODE, [(0, G // 2)]))
        p = nc.plan_compute(t, G // 2, vcpus=6, max_nodes=1)
        self.assertEqual(p["set"], [(0, G // 2)], "the logical-CPU fallback")
        del t["cores"]
        p = nc.plan_compute(t, G // 2, vcpus=6)
        self.assertEqual(p["set"], [(0, G // 2)], "without cores every CPU is one")
        t["cores"] = [9, 4]
        with self.assertRaises(nc.Error) as cm:
            nc.plan_compute(t, G // 2, vcpus=6)
        self.assertEqual(cm.exception.errno, errno.EINVAL)
        with self.assertRaises(nc.Error) as cm:
            nc.plan_compute(topo([G], [[10]]), M, policy=2)
        self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_node_cores(self):
        """node_cores() on a fake sysfs tree: SMT2 and no SMT"""
        with tempfile.TemporaryDirectory() as root:
            def put(rel, text):
                os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
                with open(os.path.join(root, rel), "w") as f:
                    f.write(text + "\n")
            put("devices/system/node/node0/cpulist", "0-1,4-5")
            put("devices/system/node/node1/cpulist", "2-3")
            for c, sib in [(0, "0,4"), (4, "0,4"), (1, "1,5"), (5, "1,5"), (2, "2"), (3, "3")]:
                put("devices/system/cpu/cpu%d/topology/core_cpus_list" % c, sib)
            self.assertEqual(nc.node_cores(0, sysfs_root=root), 2)
            self.assertEqual(nc.node_cores(1, root), 2)
            with self.assertRaises(nc.Error) as cm:
                nc.node_cores(2, root)
            self.assertEqual(cm.exception.errno, errno.ENOENT)
            self.assertNotIsInstance(cm.exception, nc.NoPool)


if __name__ == "__main__":
    tap.main()
