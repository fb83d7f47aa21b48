#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""membench-report.py - the membench section of docs/PERFORMANCE.md.

Reads the JSON lines bench/membench-run.sh collected from the VM
(build/bench/raw/membench-2.jsonl) and writes the block between

    <!-- BEGIN GENERATED: membench (bench/membench-report.py; do not edit by hand) -->
    <!-- END GENERATED: membench -->

in the doc (--doc), or prints it.  Under QEMU TCG no timing is
NUMA-faithful, so the block leads with placement and with ratios against
the Linux baseline measured in the same run.  Exit status 1 if a page was
not on its memory node (the figures are never judged).
"""
import sys

from report import load_jsonl, section_main

BEGIN = "<!-- BEGIN GENERATED: membench (bench/membench-report.py; do not edit by hand) -->"
END = "<!-- END GENERATED: membench -->"
KINDS = ("domain", "anon", "anon-thp")
TOUCH = ("domain-map-touch", "domain-map-populate", "domain-populate",
         "anon-map-populate", "anon-first-touch")


def load(path):
    return [r for r in load_jsonl(path) if r.get("bench") == "membench"]


def sel(recs, **kw):
    return [r for r in recs if all(r.get(k) == v for k, v in kw.items())]


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def ratio(a, b):
    return a / b if a is not None and b else None


def placement_table(recs):
    # The last record per (tag, kind, node) is the check after the benchmarks.
    last, first = {}, {}
    for r in sel(recs, test="placement"):
        key = (r.get("tag", ""), r["kind"], r["mem_node"])
        first.setdefault(key, r)
        last[key] = r
    rows = ["| run | kind | memory node | pages | on the node | elsewhere | move_pages errors | verdict |",
            "|---|---|---|---|---|---|---|---|"]
    bad = 0
    for key, r in last.items():
        f = first[key]
        ok = r["ok"] and f["ok"]
        bad += not ok
        rows.append(f"| {key[0]} | {key[1]} | {key[2]} | {r['pages']} | {r['on_node']} | "
                    f"{r['elsewhere']} | {r['errors']} | {'ok' if ok else '**MISPLACED**'} |")
    return rows, bad


def pair_tables(recs, tag):
    res = {}
    for t in ("triad", "chase"):
        for r in sel(recs, test=t, tag=tag):
            res[(t, r["kind"], r["cpu_node"], r["mem_node"])] = r
    pairs = sorted({(k[2], k[3]) for k in res}, key=lambda p: (p[1], p[0]))
    out = []
    for t, field, unit, better in (("triad", "gb_per_s", "GB/s", "higher"),
                                   ("chase", "ns_per_load", "ns per load", "lower")):
        out.append("")
        out.append(f"{'Triad bandwidth' if t == 'triad' else 'Dependent random loads'} "
                   f"({unit}, best of the repetitions; {better} is better):")
        out.append("")
        out.append("| CPU node | memory node | | domain | anon (4 KiB) | anon-thp | domain ÷ anon |")
        out.append("|---|---|---|---|---|---|---|")
        for cpu, mem in pairs:
            v = {k: res.get((t, k, cpu, mem), {}).get(field) for k in KINDS}
            where = next((res[(t, k, cpu, mem)]["where"] for k in KINDS
                          if (t, k, cpu, mem) in res), "")
            out.append(f"| {cpu} | {mem} | {where} | {fmt(v['domain'], '.3f' if t == 'triad' else '.1f')} | "
                       f"{fmt(v['anon'], '.3f' if t == 'triad' else '.1f')} | "
                       f"{fmt(v['anon-thp'], '.3f' if t == 'triad' else '.1f')} | "
                       f"{fmt(ratio(v['domain'], v['anon']), '.2f')} |")
    return out


def ratio_table(recs, tag):
    rows = ["| kind | remote ÷ local bandwidth | remote ÷ local latency |", "|---|---|---|"]
    for r in sel(recs, test="ratio", tag=tag):
        rows.append(f"| {r['kind']} | {r['bw_remote_over_local']:.2f} | {r['lat_remote_over_local']:.2f} |")
    return rows if len(rows) > 2 else []


def touch_table(recs, tag):
    res = {(r["kind"], r["mem_node"]): r for r in sel(recs, test="touch", tag=tag)}
    nodes = sorted({k[1] for k in res})
    if not nodes:
        return []
    size = next(iter(res.values()))["bytes"] >> 20
    rows = [f"Starting to use {size} MiB (ns per 4 KiB page, best of the repetitions):", "",
            "| memory node | domain: mmap + touch | domain: mmap MAP_POPULATE + touch | "
            "domain: populate | anon: mmap MAP_POPULATE | anon: mbind + first touch | "
            "domain mmap + touch ÷ anon MAP_POPULATE | "
            "domain populate + mmap + touch ÷ anon MAP_POPULATE |",
            "|---|---|---|---|---|---|---|---|"]
    for n in nodes:
        v = {k: res.get((k, n), {}).get("ns_per_page") for k in TOUCH}
        both = (v["domain-map-touch"] + v["domain-populate"]
                if v["domain-map-touch"] is not None and v["domain-populate"] is not None else None)
        rows.append(f"| {n} | " + " | ".join(fmt(v[k], '.0f') for k in TOUCH) +
                    f" | {fmt(ratio(v['domain-map-touch'], v['anon-map-populate']), '.2f')}"
                    f" | {fmt(ratio(both, v['anon-map-populate']), '.2f')} |")
    return rows


def span(values, spec=".2f"):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return format(lo, spec) if lo == hi else f"{lo:{spec}}–{hi:{spec}}"


def summary(recs, bad):
    """One sentence per finding of this run, for the top of the block."""
    ratios = {"triad": [], "chase": []}
    for t, field in (("triad", "gb_per_s"), ("chase", "ns_per_load")):
        byk = {(r["kind"], r["cpu_node"], r["mem_node"], r.get("tag")): r[field]
               for r in sel(recs, test=t) if r.get("tag") != "smoke"}
        for (kind, cpu, mem, tag), v in byk.items():
            if kind == "domain" and ("anon", cpu, mem, tag) in byk:
                ratios[t].append(ratio(v, byk[("anon", cpu, mem, tag)]))
    touch = {(r["kind"], r["mem_node"]): r["ns_per_page"]
             for r in sel(recs, test="touch", tag="make-domains")}
    both = [ratio(touch[("domain-map-touch", n)] + touch[("domain-populate", n)],
                  touch[("anon-map-populate", n)])
            for (k, n) in touch if k == "domain-map-touch"
            and ("domain-populate", n) in touch and ("anon-map-populate", n) in touch]
    places = sel(recs, test="placement")
    pages = sum(r["pages"] for r in places if r["kind"] == "domain") // 2
    return (f"**In this run:** {'every' if not bad else 'NOT every'} page was on its node "
            f"({len(places) // 2} regions, {pages} domain pages, checked before and after). "
            f"Domain ÷ anon (4 KiB) over all pairs: bandwidth {span(ratios['triad'])}, latency "
            f"{span(ratios['chase'])} (1 = the same). Populate + mmap + touch of a domain costs "
            f"{span(both)}× an anonymous `MAP_POPULATE` of the same size.")


def block(recs):
    out = []
    vm = (sel(recs, test="vm") or [{}])[-1]
    cfg = (sel(recs, test="config", tag="make-domains") or sel(recs, test="config") or [{}])[0]
    end = (sel(recs, test="end") or [{}])[-1]
    out.append(f"Run of {vm.get('date', '?')}: a 2-node VM (one vCPU and {vm.get('mem_per_node', '?')} "
               f"per node, a {vm.get('pool_mb', '?')} MiB pool per node), {vm.get('seconds', '?')} s, "
               f"{vm.get('qemu', 'QEMU')}. Settings `{vm.get('settings', '?')}`; in the guest "
               f"THP `{cfg.get('thp', '?')}`, `numa_balancing` {cfg.get('numa_balancing', '?')}.")
    out.append("")
    rows, bad = placement_table(recs)
    out.append(summary(recs, bad))
    out.append("")
    out.append("**Placement** (`move_pages(2)` with no target nodes on every page of every region, "
               "once before and once after the benchmarks):")
    out.append("")
    out += rows
    out.append("")
    out.append(f"After the runs: {end.get('held_pages', '?')} pages held, module invariants "
               f"`{end.get('invariants', '?')}`.")
    out.append("")
    out.append("**Every (CPU node, memory node) pair**, domains made by `membench --make-domains` "
               "(TCG: ratios only; local and remote cost the same here):")
    out += pair_tables(recs, "make-domains")
    rt = ratio_table(recs, "make-domains")
    if rt:
        out.append("")
        out += rt
    out.append("")
    out += touch_table(recs, "make-domains")
    run = pair_tables(recs, "claimctl-run")
    if len(run) > 10:
        out.append("")
        out.append("**Through `claimctl run`** (a domain claimed and populated on node 1 with "
                   "claimctl, measured by `claimctl run D -- membench --domain-env`):")
        out += run
    return "\n".join(out) + "\n", bad


if __name__ == "__main__":
    sys.exit(section_main("membench-report.py", "membench", BEGIN, END, load, block,
                          lambda bad: f"{bad} region(s) with pages off their node"))
