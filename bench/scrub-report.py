#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scrub-report.py - the scrubbing section of docs/PERFORMANCE.md.

Reads what bench/scrub-run.sh collected: the JSON lines of `nc_bench scrub`
from the 2-node VM (RAW/scrub-2.jsonl) and bench/scrub-engine.sh's
RAW/scrub-engine.json.  It writes the block between

    <!-- BEGIN GENERATED: scrub (bench/scrub-report.py; do not edit by hand) -->
    <!-- END GENERATED: scrub -->

in the doc (--doc), or prints it, and draws docs/perf/scrub.png (--plots).
Every timing is a ratio against a reference measured in the same run:
populate against the node's clear_page bandwidth measured around it and
against alloc_pages_node(); scrub=1 against scrub=0 storms in the same
repetition.  Figures are reported, never judged: the exit status is 1 only
if the data is missing or a storm lost placement or failed late.
"""
import argparse
import json
import os
import statistics
import sys

from report import load_jsonl, write_block

BEGIN = "<!-- BEGIN GENERATED: scrub (bench/scrub-report.py; do not edit by hand) -->"
END = "<!-- END GENERATED: scrub -->"
MIB = 1 << 20
PAGE = 4096
VARIANTS = [
    ("clean", "scrub=1, scrubbers done: clean memory"),
    ("idle", "scrub=1, right after a destroy, the scrubber let finish first"),
    ("now", "scrub=1, right after a destroy (no time for the scrubber)"),
    ("off", "scrub=0, right after a destroy (every page cleared by populate)"),
    ("alloc_pages_node", "Linux: `alloc_pages_node()` only"),
    ("alloc_pages_node_clear", "Linux: `alloc_pages_node()` + `clear_highpage()`"),
    ("xarray_store_per_page", "`xa_store()` of one entry per page (the physmap before "
                              "one entry per extent)"),
]
SCENARIOS = [
    ("full", "**full**: the destroyed domains held the whole pool (all of it dirty)"),
    ("lived-in", "**lived-in**: half the pool was freed earlier and the host idled "
                 "after it; the running domains held the other half"),
]


def sel(recs, **kw):
    return [r for r in recs if all(r.get(k) == v for k, v in kw.items())]


def one(recs, **kw):
    s = sel(recs, **kw)
    return s[0] if s else None


def ms(ns):
    return ns / 1e6


def med(xs):
    return statistics.median(xs) if xs else None


def populate_block(recs):
    out = []
    nodes = sorted({r["node"] for r in sel(recs, bench="scrub_populate")})
    if not nodes:
        return out, {}
    pages = sel(recs, bench="scrub_populate")[0]["pages"]
    reps = sel(recs, bench="scrub_populate")[0]["reps"]
    out.append(f"**Populate of {pages * PAGE // MIB} MiB** in one call, claimed, "
               f"exact node, on each node; median of {reps} repetitions. "
               "× clear bandwidth: the node's `clear_page` bandwidth over the same "
               "pages, measured right before and after each run, divided by the "
               "run's time (1.0 = as fast as the memory can be cleared). "
               "× alloc: time of `alloc_pages_node()` alone (no clearing) over the "
               "run's time, same order, same repetition.\n")
    out.append("| node | order | variant | ms | × clear bandwidth | × alloc_pages_node | "
               "scrubber: wall ms to clean it / CPU ms | pages populate cleared |")
    out.append("|---:|---:|---|---:|---:|---:|---:|---:|")
    verdict = {}
    for node in nodes:
        for order in (9, 0):
            for v, label in VARIANTS:
                r = one(recs, bench="scrub_populate", node=node, order=order, variant=v)
                if not r:
                    continue
                scr = "–"
                if v in ("idle", "now"):
                    wall = (f"{ms(r['scrub_wait_ns_median']):.1f}"
                            if v == "idle" else "–")
                    scr = f"{wall} / {ms(r['scrub_cpu_ns_median']):.1f}"
                cleared = (str(r["scrubbed_by_populate_median"])
                           if v in ("idle", "now") else
                           ("all" if v == "off" else ("0" if v == "clean" else "–")))
                out.append(f"| {node} | {order} | {label} | {ms(r['ns_median']):.2f} | "
                           f"{r['of_clear_bandwidth']:.2f} | {r['of_alloc_pages_node']:.2f} | "
                           f"{scr} | {cleared} |")
                if v == "clean":
                    verdict.setdefault(order, []).append(r["of_clear_bandwidth"])
    out.append("")
    return out, verdict


def storm_block(recs):
    out = []
    storms = sel(recs, bench="scrub_storm")
    if not storms:
        return out, {}, 0
    nb = storms[0]["builders"]
    out.append(f"**Boot storm right after a mass destroy**: every domain is "
               f"destroyed, then {nb} builders start at once (builder *i* on node "
               f"*i* mod 2, each claiming its memory on that node and populating it "
               f"in 2 MiB extents); scrub=0 and scrub=1 alternate within each "
               f"repetition. Times are medians over the repetitions; the speed-up is "
               f"the median of the per-repetition ratios scrub=0 / scrub=1.\n")
    for s, label in SCENARIOS:
        out.append(f"- {label}.")
    out.append("")
    out.append("| scenario | scrub | MiB per builder | destroy ms | storm ms | builder ms "
               "(median / max) | node-local | late failures | zeroed by populate / "
               "by the scrubbers (MiB) | scrubber CPU ms | speed-up |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    verdict = {}
    bad = 0
    for s, _ in SCENARIOS:
        reps = sorted({r["rep"] for r in sel(storms, scenario=s)})
        ratios = []
        for rep in reps:
            off = one(storms, scenario=s, rep=rep, scrub=0)
            on = one(storms, scenario=s, rep=rep, scrub=1)
            if off and on:
                ratios.append(off["total_ns"] / on["total_ns"])
        for mode in (0, 1):
            rs = sel(storms, scenario=s, scrub=mode)
            if not rs:
                continue
            local = sum(r["node_local"] for r in rs)
            total = sum(r["builders"] for r in rs)
            late = sum(r["late_failures"] for r in rs)
            refused = sum(r["refused"] for r in rs)
            bad += (total - local) + late
            mib = rs[0]["pages_per_builder"] * PAGE // MIB
            zp = med([r["scrubbed_by_populate"] for r in rs]) * PAGE / MIB
            zb = med([r["scrubbed_background"] for r in rs]) * PAGE / MIB
            speed = f"**{med(ratios):.2f}×**" if mode == 1 and ratios else ""
            out.append(f"| {s} | {mode} | {mib} | {ms(med([r['destroy_ns'] for r in rs])):.1f} | "
                       f"{ms(med([r['total_ns'] for r in rs])):.0f} | "
                       f"{ms(med([r['builder_ns_median'] for r in rs])):.0f} / "
                       f"{ms(med([r['builder_ns_max'] for r in rs])):.0f} | "
                       f"{local}/{total}" + (f" ({refused} refused)" if refused else "") +
                       f" | {late} | {zp:.0f} / {zb:.0f} | "
                       f"{ms(med([r['scrubber_cpu_ns'] for r in rs])):.0f} | {speed} |")
        if ratios:
            verdict[s] = (med(ratios), min(ratios), max(ratios))
    out.append("")
    return out, verdict, bad


def threads_block(recs):
    th = sel(recs, bench="scrub_thread")
    if not th:
        return []
    seen = {}
    for r in th:
        seen.setdefault(r["node"], r)     # the first report (before the runs)
    last = {r["node"]: r for r in th}      # the last one (after)
    out = ["**Where the scrubbers ran** (`/proc/<pid>/status` and `stat` of the "
           "`nc_scrub/<node>` kthreads, after the runs):\n",
           "| thread | allowed CPUs | last ran on CPU | the node's CPU |",
           "|---|---:|---:|---:|"]
    for node in sorted(last):
        r = last[node]
        out.append(f"| `nc_scrub/{node}` | {r['cpus_allowed']} | {r['last_cpu']} | "
                   f"{r['node_cpu']} |")
    out.append("")
    return out


def engine_block(eng):
    out = []
    cg = eng.get("callgrind", {})
    cur, old, like = cg.get("current", {}), cg.get("31ac1a5", {}), cg.get("current_like_only", {})
    if cur and old:
        out.append("**Instructions per call of the engine** (callgrind on the userspace "
                   "build, `bench/scrub-engine.sh`; 1000 calls each, exact node). "
                   "31ac1a5 is the engine before clean/dirty tracking; its pool has no "
                   "dirty state, so its dirty and mixed rows repeat its clean one.\n")
        out.append("| operation | pool | order | now (mixed merge) | now (like-only) | "
                   "31ac1a5 | change |")
        out.append("|---|---|---:|---:|---:|---:|---:|")
        for key in sorted(cur, key=lambda k: (cur[k]["op"], cur[k]["pool"], cur[k]["order"])):
            c = cur[key]
            o = old.get(key)
            lk = like.get(key)
            if not o:
                continue
            chg = 100.0 * (c["ir_per_call"] / o["ir_per_call"] - 1)
            out.append(f"| `ce_{c['op']}` | {c['pool']} | {c['order']} | "
                       f"{c['ir_per_call']:.0f} | {lk['ir_per_call'] if lk else 0:.0f} | "
                       f"{o['ir_per_call']:.0f} | {chg:+.0f}% |")
        out.append("")
    mg = eng.get("merge", {})
    pol = mg.get("policies", {})
    if pol:
        p = mg.get("params", {})
        out.append(f"**Merge policies** over one deterministic host lifetime "
                   f"(`bench/scrub-engine.sh`, {p.get('frames', 0) * PAGE // MIB} MiB "
                   f"node, seeds {p.get('first_seed')}–"
                   f"{p.get('first_seed', 0) + p.get('seeds', 0) - 1}; the scrubber "
                   f"clears {p.get('scrub_rate_pct')} pages per 100 pages of "
                   f"activity): free order-9 blocks after each phase (mean over "
                   f"the seeds) and the order-9 requests that had to fall back to "
                   f"order 0.\n")
        out.append("| phase | mixed: clean / dirty / total | like-only: clean / dirty / total | "
                   "order-9 fallbacks, mixed / like-only |")
        out.append("|---|---:|---:|---:|")
        mix, like_only = pol.get("mixed", []), pol.get("like_only", [])
        for a, b in zip(mix, like_only):
            def t(x):
                return (f"{x['o9_clean']['mean']:.1f} / {x['o9_dirty']['mean']:.1f} / "
                        f"{x['o9_total']['mean']:.1f}")
            out.append(f"| {a['phase']} | {t(a)} | {t(b)} | "
                       f"{a['o9_fallback']['mean']:.1f} / {b['o9_fallback']['mean']:.1f} |")
        out.append("")
    return out


def plot(recs, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("scrub-report.py: no matplotlib: no plot", file=sys.stderr)
        return None
    os.makedirs(outdir, exist_ok=True)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    node = min(r["node"] for r in sel(recs, bench="scrub_populate"))
    names = [v for v, _ in VARIANTS if v != "xarray_store_per_page"]
    for i, order in enumerate((9, 0)):
        ys = []
        for v in names:
            r = one(recs, bench="scrub_populate", node=node, order=order, variant=v)
            ys.append(r["of_clear_bandwidth"] if r else 0)
        xs = [x + (i - 0.5) * 0.4 for x in range(len(names))]
        a1.bar(xs, ys, 0.4, label=f"order {order}")
        for x, y in zip(xs, ys):
            a1.text(x, y, f"{y:.1f}", ha="center", va="bottom", fontsize=7)
    a1.set_yscale("log")
    a1.axhline(1, color="black", linestyle="--", linewidth=1)
    a1.set_xticks(range(len(names)), [n.replace("alloc_pages_node", "alloc")
                                      .replace("_clear", "+clear") for n in names],
                  fontsize=8)
    a1.set_ylabel("× the node's clear_page bandwidth (log)")
    a1.set_title(f"Populate, node {node}", fontsize=10)
    a1.legend(fontsize=8)
    storms = sel(recs, bench="scrub_storm")
    for j, (s, _) in enumerate(SCENARIOS):
        for mode in (0, 1):
            rs = sel(storms, scenario=s, scrub=mode)
            if not rs:
                continue
            y = ms(med([r["total_ns"] for r in rs]))
            x = j + (mode - 0.5) * 0.4
            a2.bar(x, y, 0.4, color="#d62728" if mode == 0 else "#1f77b4",
                   label=f"scrub={mode}" if j == 0 else None)
            a2.text(x, y, f"{y:.0f}", ha="center", va="bottom", fontsize=7)
    a2.set_xticks(range(len(SCENARIOS)), [s for s, _ in SCENARIOS])
    a2.set_ylabel("storm: first start to last end (ms, median)")
    a2.set_title("Boot storm right after a mass destroy", fontsize=10)
    a2.legend(fontsize=8)
    fig.suptitle("Scrubbing (QEMU TCG, 2 nodes, one run)", fontsize=10)
    fig.tight_layout()
    p = os.path.join(outdir, "scrub.png")
    fig.savefig(p, dpi=90, metadata={"Software": None})
    plt.close(fig)
    return p


def block(recs, eng, plotted):
    out = []
    vm = one(recs, bench="scrub_vm")
    if vm:
        out.append(f"Run: {vm['date']}, git {vm['git']}, {vm['qemu']}, guest kernel "
                   f"{vm['guest_kernel']}, host {vm['cpu_model']} ({vm['cpus']} CPUs), "
                   f"2 nodes of {vm['mem_per_node']}, pool {vm['pool_mb']} MiB per node, "
                   f"`{vm['settings']}`" + (" (**--quick: figures meaningless**)"
                                            if vm.get("quick") else "") + ".\n")
    pop, pv = populate_block(recs)
    st, sv, bad = storm_block(recs)
    out.append("**Targets (issue 9)**:\n")
    for order, want in ((9, 5.0), (0, 1.5)):
        if order in pv:
            got = min(pv[order])
            out.append(f"- order-{order} populate of clean memory: "
                       f"{got:.1f}× the clear bandwidth on the slower node "
                       f"(target ≥ {want}×): **{'met' if got >= want else 'not met'}**.")
    for s, _ in SCENARIOS:
        if s in sv:
            m, lo, hi = sv[s]
            out.append(f"- storm after a mass destroy, {s}: scrub=1 is {m:.2f}× as fast "
                       f"as scrub=0 (range {lo:.2f}–{hi:.2f}; target ≥ 2×): "
                       f"**{'met' if m >= 2 else 'not met'}**.")
    if sv:
        out.append(f"- placement: {'every' if not bad else 'NOT every'} admitted domain "
                   f"node-local, {'no' if not bad else 'some'} late failures, in every "
                   f"storm of both modes.")
    out.append("")
    if plotted:
        out.append("![scrubbing](perf/scrub.png)\n")
    out += pop + st + threads_block(recs) + engine_block(eng)
    end = one(recs, bench="scrub_end")
    if end:
        out.append(f"Invariants after the run: `{end['invariants']}`.\n")
    return "\n".join(out), bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True, help="the directory scrub-run.sh wrote")
    ap.add_argument("--doc", help="docs/PERFORMANCE.md to update (else print)")
    ap.add_argument("--plots", help="where scrub.png goes")
    a = ap.parse_args()
    path = os.path.join(a.raw, "scrub-2.jsonl")
    if not os.path.exists(path):
        print(f"scrub-report.py: no {path}", file=sys.stderr)
        return 1
    recs = load_jsonl(path)
    eng = {}
    ep = os.path.join(a.raw, "scrub-engine.json")
    if os.path.exists(ep):
        with open(ep) as f:
            eng = json.load(f)
    if not sel(recs, bench="scrub_populate"):
        print(f"scrub-report.py: no scrub records in {path}", file=sys.stderr)
        return 1
    plotted = plot(recs, a.plots) if a.plots else None
    text_block, bad = block(recs, eng, plotted)
    if a.doc:
        write_block(a.doc, BEGIN, END, text_block, "scrub-report.py")
        print(f"scrub-report.py: wrote the scrub section of {a.doc}")
    else:
        print(text_block)
    if bad:
        print(f"scrub-report.py: {bad} builder(s) off their node or failed late",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
