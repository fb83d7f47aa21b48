#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""superpage-report.py - the superpage section of docs/PERFORMANCE.md.

Reads the JSON lines bench/superpage-run.sh collected from the VM
(build/bench/raw/superpage-2.jsonl: `spbench frag` and `spbench touch`) and
writes the block between

    <!-- BEGIN GENERATED: superpages (bench/superpage-report.py; do not edit by hand) -->
    <!-- END GENERATED: superpages -->

in the doc (--doc), or prints it.  Counts (VMs, superpages, faults) are
exact; under QEMU TCG no timing is hardware-faithful, so times come with
ratios against the other kinds measured in the same run.  Figures are
reported, never judged: the exit status is 1 only if the data is missing or
the module's invariants broke.
"""
import statistics
import sys

from report import load_jsonl, section_main

BEGIN = "<!-- BEGIN GENERATED: superpages (bench/superpage-report.py; do not edit by hand) -->"
END = "<!-- END GENERATED: superpages -->"
MIB = 1 << 20
GIB = 1 << 30
MODES = [
    ("sp", "superpage claims"),
    ("claims", "4 KiB claims"),
    ("none", "no claims"),
]
KINDS = [
    ("domain-superpages", "domain, superpages (claimed, populated order 9)"),
    ("domain-4k", "domain, 4 KiB pages (populated order 0)"),
    ("anon-populate", "anonymous, `MAP_POPULATE` (4 KiB)"),
    ("anon-4k", "anonymous, first touch, `MADV_NOHUGEPAGE`"),
    ("anon-thp", "anonymous THP, `MADV_HUGEPAGE`"),
    ("hugetlb", "hugetlb 2 MiB, `MAP_HUGETLB`"),
]


def sel(recs, **kw):
    return [r for r in recs if all(r.get(k) == v for k, v in kw.items())]


def pct(x):
    return f"{100 * x:.0f}%"


def header(recs):
    vm = sel(recs, bench="sp_vm")
    if not vm:
        return "No VM record (the run did not finish?).\n"
    v = vm[-1]
    quick = " (`--quick`: for developing, figures are meaningless)" if v.get("quick") else ""
    return (f"Run of {v['date']}{quick}: a 2-node VM (one vCPU and {v['mem_per_node']} "
            f"per node, guest kernel {v['guest_kernel']}), {v['seconds']} s, {v['qemu']}, "
            f"on {v['cpus']} host CPUs ({v['cpu_model']}), git `{v['git']}`. "
            f"Settings `{v['settings']}`.\n")


def frag_block(recs):
    out = []
    churns = sel(recs, bench="sp_churn")
    storms = sel(recs, bench="sp_storm")
    if not storms:
        return ["No storm records."], 0
    seeds = sorted({s["seed"] for s in storms})
    c0 = churns[0]
    s0 = storms[0]
    out.append(f"**The storm**: {s0['builders']} builders at once, each a VM of "
               f"{s0['vm_mib']} MiB in order-9 extents on node {c0['node']}, whose pool is "
               f"{c0['pool_pages'] * 4096 // MIB} MiB of 4 KiB pages and "
               f"{c0['superpages']} superpages ({c0['superpages'] * 2} MiB); "
               f"{len(seeds)} churn seed(s), each mode after the same churn on a freshly "
               "loaded module.\n")
    out.append("**After the churn** (the same in every mode of a seed; order-9 blocks: "
               "how many order-9 extents of 4 KiB pages a probe domain could still "
               "populate there):\n")
    out.append("| seed | churn domains left | free 4 KiB pages (MiB) | order-9 blocks of "
               "4 KiB pages in it | free superpages |")
    out.append("|---|---|---|---|---|")
    for seed in seeds:
        c = sel(churns, seed=seed)[0]
        out.append(f"| {seed} | {c['churn_domains']} | {c['free_4k_pages'] * 4096 / MIB:.0f} | "
                   f"{c['order9_4k_blocks']} ({c['order9_4k_blocks'] * 2} MiB) | "
                   f"{c['free_superpages']} ({c['free_superpages'] * 2} MiB) |")
    out.append("")
    out.append("**Per mode**, summed over the seeds (VMs: of "
               f"{s0['builders'] * len(seeds)} builders). Built: every extent populated; "
               "failed after start: a populate failed after the claim (or, without claims, "
               "after the first populate) succeeded, and the builder destroyed the VM. "
               "Superpage share: `superpage_pages / tot_pages` of each built VM (mean, "
               "lowest); order-9 "
               "4 KiB: the share that got an order-9 block of 4 KiB pages (contiguous but "
               "PTE-mapped); the rest is order 0.\n")
    out.append("| mode | VMs built | refused at claim time | failed after start | "
               "VMs with 100% superpages | superpage share, mean | lowest | order-9 4 KiB "
               "share, mean | superpages in built VMs | storm ms (median) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    bad = 0
    for mode, label in MODES:
        ss = sel(storms, mode=mode)
        if not ss:
            continue
        started = sum(s["started"] for s in ss)
        bs = [b for b in sel(recs, bench="sp_builder", mode=mode)
              if not b["refused"] and not b["late"]]
        shares = [b["share"] for b in bs]
        o9 = [(b["order9"] * 512 - b["superpage_pages"]) / b["tot_pages"] for b in bs]
        bad += sum(s.get("invariants") != "ok" for s in ss)
        refused = sum(s["refused"] for s in ss)
        refused_s = f"{refused}" if mode != "none" else f"– ({refused} got no page at all)"
        out.append(f"| {label} | {started} | {refused_s} | {sum(s['late'] for s in ss)} | "
                   f"{sum(s['all_superpages'] for s in ss)} | "
                   f"{pct(statistics.mean(shares)) if shares else '–'} | "
                   f"{pct(min(shares)) if shares else '–'} | "
                   f"{pct(statistics.mean(o9)) if o9 else '–'} | "
                   f"{sum(s['superpages_used'] for s in ss)} | "
                   f"{statistics.median(s['ms'] for s in ss):.0f} |")
    out.append("")
    out.append("Module invariants after every storm: "
               + ("`ok`." if not bad else f"**{bad} storm(s) not ok**."))
    return out, bad


def touch_block(recs):
    out = []
    rows = [r for r in sel(recs, bench="sp_touch") if "error" not in r]
    if not rows:
        return ["No first-touch records."], 0
    setup = (sel(recs, bench="sp_touch_setup") or [{}])[0]
    nbytes = rows[0]["bytes"]
    reps = len({r["rep"] for r in rows})
    # Repetition 0 populates domains from memory the module got clean from
    # Linux at load (populate does not clear it); from repetition 1 on it
    # clears what the previous one freed, as anonymous faults zero theirs.
    warm = reps > 1
    if warm:
        rows = [r for r in rows if r["rep"] > 0]
        reps -= 1
    per = {k: sel(rows, kind=k) for k, _ in KINDS}
    med = {k: statistics.median(r["ms"] for r in v) for k, v in per.items() if v}
    out.append(f"**mmap + first touch of {nbytes // MIB} MiB** (one write per 4 KiB page), "
               f"median of {reps} repetition(s)"
               + (" after a first one left out (it populates the domains from memory "
                  "still clean from the module's load, which populate does not clear)"
                  if warm else "") + "; faults: `getrusage()` minor faults of the "
               "process over mmap + touch; huge: the region's 2 MiB mappings in smaps "
               f"(`FilePmdMapped`, `AnonHugePages`, `Private_Hugetlb`). In the guest THP "
               f"`{setup.get('thp_enabled', '?')}`, `nr_hugepages` "
               f"{setup.get('nr_hugepages', '?')}. ×: this row's time over the superpage "
               "domain's. Allocation + touch: for the domains, their populate (allocation "
               "and clearing, before the mmap) added; anonymous memory and hugetlb "
               "allocate and zero inside mmap + touch.\n")
    out.append("| memory | faults | faults per GiB | huge-mapped | mmap + touch ms | "
               "ms per GiB | × | allocation + touch ms | × |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    base = med.get("domain-superpages")
    tot = {k: statistics.median(r["ms"] + r["populate_ms"] for r in v)
           for k, v in per.items() if v}
    tbase = tot.get("domain-superpages")
    for k, label in KINDS:
        v = per.get(k)
        if not v:
            err = sel(recs, bench="sp_touch", kind=k)
            if err:
                out.append(f"| {label} | – | – | – | {err[0].get('error', '–')} | – | – | – | – |")
            continue
        flt = statistics.median(r["minflt"] for r in v)
        huge = statistics.median(r["huge_kb"] for r in v) * 1024
        x = f"{med[k] / base:.1f}" if base else "–"
        tx = f"{tot[k] / tbase:.1f}" if tbase else "–"
        out.append(f"| {label} | {flt:.0f} | {flt * GIB / nbytes:.0f} | "
                   f"{pct(huge / nbytes)} | {med[k]:.1f} | {med[k] * GIB / nbytes:.0f} | "
                   f"{x} | {tot[k]:.1f} | {tx} |")
    end = (sel(recs, bench="sp_touch_end") or [{}])[0]
    bad = end.get("invariants") not in (None, "ok")
    out.append("")
    out.append(f"Module invariants after the touch runs: `{end.get('invariants', '?')}`.")
    return out, int(bad)


def block(recs):
    out = [header(recs)]
    f, bad1 = frag_block(recs)
    out += f
    out.append("")
    t, bad2 = touch_block(recs)
    out += t
    return "\n".join(out) + "\n", bad1 + bad2


def load(path):
    recs = [r for r in load_jsonl(path) if str(r.get("bench", "")).startswith("sp_")]
    return recs if sel(recs, bench="sp_storm") or sel(recs, bench="sp_touch") else []


if __name__ == "__main__":
    sys.exit(section_main("superpage-report.py", "superpage", BEGIN, END, load, block,
                          lambda bad: "the module's invariants broke"))
