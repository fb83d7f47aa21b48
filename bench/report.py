#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/report.py - gather the numaclaims benchmark results, plot them and
write the tables of docs/PERFORMANCE.md.

usage: bench/report.py --raw build/bench/raw --json build/bench/results.json
                       --plots docs/perf [--doc docs/PERFORMANCE.md | --print]

Reads the JSON lines bench/run.sh collected (vm-N.jsonl from the VMs,
icount-N.jsonl from the VM whose clock counts instructions, engine_bench.jsonl
+ callgrind.txt from callgrind, host.jsonl), writes one
results.json, PNG plots, and replaces the block between the GENERATED
markers of the doc (or prints it).  Nothing here judges a figure as a
test would: the targets of the issue are reported as met or not met.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

# docs/PERFORMANCE.md carries one pair of markers per generated section;
# report.py replaces what is between them and leaves the prose alone.
BEGIN = "<!-- BEGIN GENERATED: {} (bench/report.py; do not edit by hand) -->"
END = "<!-- END GENERATED: {} -->"
PAGE = 4096
MIB = 1 << 20


def write_block(doc, begin, end, block, who):
    """Put @block between the @begin and @end marker lines of @doc (appended
    at the end first if the doc has none); @who names the caller."""
    text = open(doc).read()
    if begin not in text or end not in text:
        print(f"{who}: {doc} has no markers {begin!r}: appending them", file=sys.stderr)
        text += f"\n{begin}\n{end}\n"
    pre, rest = text.split(begin, 1)
    _, post = rest.split(end, 1)
    with open(doc, "w") as f:
        f.write(pre + begin + "\n\n" + block + "\n" + end + post)


def section_main(who, section, begin, end, load, block, bad_msg):
    """main() of a report that writes one section of the doc from one raw
    file (--raw, and --doc to write it, else it is printed): @load(path)
    gives the records (none: exit status 1), @block(records) the text and a
    count of bad findings; any bad finding is told with @bad_msg(count)
    and makes the exit status 1."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True, help=f"{section} JSON lines")
    ap.add_argument("--doc", help="docs/PERFORMANCE.md to update (else print)")
    a = ap.parse_args()
    recs = load(a.raw)
    if not recs:
        print(f"{who}: no {section} records in {a.raw}", file=sys.stderr)
        return 1
    text, bad = block(recs)
    if a.doc:
        write_block(a.doc, begin, end, text, who)
        print(f"{who}: wrote the {section} section of {a.doc}")
    else:
        print(text)
    if bad:
        print(f"{who}: {bad_msg(bad)}", file=sys.stderr)
    return 1 if bad else 0


def load_jsonl(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            # The serial channel may carry stray bytes; only whole objects.
            i = line.find("{")
            if i < 0:
                continue
            try:
                out.append(json.loads(line[i:]))
            except json.JSONDecodeError:
                print(f"report.py: skipping a bad line in {path}: {line[:80]}",
                      file=sys.stderr)
    return out


def callgrind_counts(txt):
    """{fn: [Ir, calls]} from the call-edge lines of callgrind_annotate."""
    counts = {}
    pat = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+=>\s+\S*:(bench_\w+)\s+\(([\d,]+)x\)")
    with open(txt) as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            ir = int(m.group(1).replace(",", ""))
            calls = int(m.group(3).replace(",", ""))
            c = counts.setdefault(m.group(2), [0, 0])
            c[0] += ir
            c[1] += calls
    return counts


def gather(raw):
    # "icount": the ioctl benchmark in a VM whose clock is an instruction
    # counter (bench/qemu-icount.sh): its "ns" are guest instructions.
    res = {"host": {}, "runs": {}, "icount": {}, "callgrind": []}
    for kind, key in (("vm", "runs"), ("icount", "icount")):
        for path in sorted(glob.glob(os.path.join(raw, f"{kind}-*.jsonl"))):
            recs = load_jsonl(path)
            for r in recs:
                if r.get("bench") == "ioctl":
                    r.setdefault("module", "stock")
            n = int(re.search(kind + r"-(\d+)", path).group(1))
            res[key][str(n)] = recs
    hp = os.path.join(raw, "host.jsonl")
    if os.path.exists(hp):
        hosts = load_jsonl(hp)
        if hosts:
            res["host"] = hosts[-1]
    ej = os.path.join(raw, "engine_bench.jsonl")
    ct = os.path.join(raw, "callgrind.txt")
    if os.path.exists(ej) and os.path.exists(ct):
        counts = callgrind_counts(ct)
        for r in load_jsonl(ej):
            ir, calls = counts.get(r["fn"], [0, 0])
            r["ir_total"] = ir
            r["calls_seen"] = calls
            r["instructions"] = round(ir / calls) if calls else None
            res["callgrind"].append(r)
    return res


def sel(recs, **kw):
    return [r for r in recs if all(r.get(k) == v for k, v in kw.items())]


def one(recs, **kw):
    s = sel(recs, **kw)
    return s[0] if s else None


def node_counts(res):
    return sorted(int(n) for n in res["runs"])


def mibs(pages_per_s):
    return pages_per_s * PAGE / MIB


def fmt_ns(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


# ---------------------------------------------------------------------------
# Summary: the targets.

def summarize(res):
    s = {"targets": {}}
    runs = res["runs"]

    # 1. a 4-entry claim set under 2 null ioctls
    r4 = []
    for n in node_counts(res):
        rec = one(runs[str(n)], bench="ioctl", op="claim_set", entries=4, module="stock")
        if rec:
            r4.append({"nodes": n, "ratio": rec["ratio_median"],
                       "ns": rec["ns_median"],
                       "null_ns": one(runs[str(n)], bench="ioctl", op="null",
                                      module="stock")["ns_median"]})
    i4 = []
    for n, recs in sorted(res["icount"].items()):
        rec = one(recs, bench="ioctl", op="claim_set", entries=4, module="stock")
        if rec:
            i4.append({"nodes": int(n), "ratio": rec["ratio_median"],
                       "instructions": rec["ns_median"],
                       "null_instructions": one(recs, bench="ioctl", op="null",
                                                module="stock")["ns_median"]})
    s["targets"]["install_4_entries_under_2_null_ioctls"] = {
        "measured": r4,
        "instructions": i4,
        "met": bool(r4) and all(x["ratio"] < 2.0 for x in r4),
    }

    # 2. order-9 populate >= 70% of the node's clear bandwidth
    p9 = []
    for n in node_counts(res):
        for rec in sel(runs[str(n)], bench="populate_ratio", order=9):
            if not rec["variant"].startswith("numaclaims"):
                continue
            p9.append({"nodes": n, "node": rec["node"], "variant": rec["variant"],
                       "of_clear_bandwidth": rec["of_clear_bandwidth"]})
    s["targets"]["order9_populate_at_least_70pct_of_clear_bandwidth"] = {
        "measured": p9,
        "met": bool(p9) and all(x["of_clear_bandwidth"] >= 0.70 for x in p9),
    }

    # 3. placement with claims: every admitted domain fully local, no late failure
    pl = []
    for n in node_counts(res):
        for mode in ("claims", "claims_spread", "hints"):
            recs = sel(runs[str(n)], bench="placement", mode=mode)
            if not recs:
                continue
            pl.append(placement_row(n, mode, recs))
    claims_rows = [x for x in pl if x["mode"] == "claims"]
    s["placement"] = pl
    s["targets"]["claims_all_admitted_local_no_late_failures"] = {
        "measured": claims_rows,
        "met": bool(claims_rows) and all(
            x["fully_local"] == x["admitted"] and x["failed_late"] == 0
            for x in claims_rows),
    }
    return s


def placement_row(n, mode, recs):
    tot = lambda k: sum(r[k] for r in recs)
    completed_pages = tot("pages_completed")
    return {
        "nodes": n, "mode": mode, "storms": len(recs),
        "builders": tot("builders"), "admitted": tot("admitted"),
        "completed": tot("completed"), "fully_local": tot("fully_local"),
        "as_intended": sum(r.get("as_intended", r["fully_local"]) for r in recs),
        "spread": sum(r.get("spread", 0) for r in recs),
        "failed_early": tot("failed_early"), "failed_late": tot("failed_late"),
        "pages_on_target_pct": 100.0 * tot("pages_on_target") / completed_pages
        if completed_pages else 0.0,
        "pages_on_preferred_pct": 100.0 * tot("pages_on_preferred") / completed_pages
        if completed_pages else 0.0,
        "fully_local_of_admitted_pct": 100.0 * tot("fully_local") / tot("admitted")
        if tot("admitted") else 0.0,
        "completed_mib": completed_pages * PAGE / MIB,
        "wasted_mib": tot("pages_wasted_late") * PAGE / MIB,
        "wall_ms_median": statistics.median(r["wall_ms"] for r in recs),
        "invariants": sorted(set(r["invariants"] for r in recs)),
    }


# ---------------------------------------------------------------------------
# Plots.

MODE_LABEL = {"claims": "claim sets, one node per guest",
              "claims_spread": "claim sets, spread if no node fits",
              "hints": "node hints only (today)"}


def plots(res, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(outdir, exist_ok=True)
    meta = {"Software": None}
    made = []
    ns = node_counts(res)
    runs = res["runs"]
    colors = {"numaclaims": "#1f77b4", "numaclaims claimed": "#17becf",
              "alloc+clear": "#ff7f0e", "alloc only": "#bcbd22",
              "clear bw": "#2ca02c", "claims": "#1f77b4", "claims_spread": "#9467bd",
              "hints": "#d62728"}

    # -- populate: throughput by order, per node count --
    pop_runs = [n for n in ns if sel(runs[str(n)], bench="populate")]
    if pop_runs:
        fig, axes = plt.subplots(1, len(pop_runs), figsize=(4.2 * len(pop_runs), 4),
                                 squeeze=False, sharey=True)
        for ax, n in zip(axes[0], pop_runs):
            recs = runs[str(n)]
            node = min(r["node"] for r in sel(recs, bench="populate"))
            series = [("numaclaims", "numaclaims_populate"),
                      ("numaclaims claimed", "numaclaims_populate_claimed"),
                      ("alloc+clear", "alloc_pages_node_clear")]
            width = 0.26
            for i, (label, var) in enumerate(series):
                ys = []
                for order in (0, 9):
                    rat = one(recs, bench="populate_ratio", node=node, variant=var, order=order)
                    ys.append(100 * rat["of_clear_bandwidth"] if rat else 0)
                xs = [x + (i - 1) * width for x in (0, 1)]
                ax.bar(xs, ys, width, label=label, color=colors[label])
                for x, y in zip(xs, ys):
                    if y:
                        ax.text(x, y, f"{y:.0f}%", ha="center", va="bottom", fontsize=7)
            ax.axhline(100, color=colors["clear bw"], linestyle="--",
                       label="the node's clear_page bandwidth")
            ax.plot([0.55, 1.45], [70, 70], color="black", linestyle=":", linewidth=1,
                    label="target for order 9: 70%")
            ax.set_ylim(0, 125)
            ax.set_xticks([0, 1], ["order 0 (4 KiB)", "order 9 (2 MiB)"])
            ax.set_title(f"{n} nodes: node {node}, "
                         f"{sel(recs, bench='populate')[0]['pages'] * PAGE // MIB} MiB per call", fontsize=10)
            ax.grid(axis="y", alpha=0.3)
        axes[0][0].set_ylabel("% of clear_page bandwidth (paired, median)")
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8)
        fig.suptitle("Populate speed as a share of the node's page-clearing bandwidth, "
                     "measured around it in the same run (QEMU TCG)", fontsize=10)
        fig.tight_layout(rect=(0, 0.07, 1, 1))
        p = os.path.join(outdir, "populate.png")
        fig.savefig(p, dpi=90, metadata=meta)
        plt.close(fig)
        made.append(p)

    # -- scaling: aggregate throughput by builder count, one row per order --
    sc_runs = [n for n in ns if sel(runs[str(n)], bench="scale")]
    if sc_runs:
        fig, axes = plt.subplots(2, len(sc_runs), figsize=(max(8.0, 4.2 * len(sc_runs)), 7),
                                 squeeze=False, sharey=True)
        for row, order in enumerate((9, 0)):
            for ax, n in zip(axes[row], sc_runs):
                recs = runs[str(n)]
                for label, var, style, c in (
                        ("numaclaims populate", "numaclaims_populate_claimed", "-o", colors["numaclaims"]),
                        ("alloc_pages_node+clear_page", "alloc_pages_node_clear", "-s", colors["alloc+clear"]),
                        ("clear_page bandwidth (the machine)", "clear_page_bandwidth", ":^", colors["clear bw"])):
                    pts = sorted((r["builders"], mibs(r["aggregate_pages_per_s"]))
                                 for r in sel(recs, bench="scale", variant=var, order=order))
                    if pts:
                        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=label, color=c)
                ax.set_xticks(sorted(set(r["builders"] for r in sel(recs, bench="scale"))))
                ax.set_title(f"{n} nodes ({n} vCPUs on {res['host'].get('cpus', '?')} host cores), "
                             f"order {order}", fontsize=9)
                ax.grid(alpha=0.3)
                if row == 1:
                    ax.set_xlabel("builders at once (one per node)")
            axes[row][0].set_ylabel("aggregate MiB/s (median)")
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8)
        fig.suptitle("Populate scaling: builders on different nodes at once", fontsize=11)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        p = os.path.join(outdir, "scaling.png")
        fig.savefig(p, dpi=90, metadata=meta)
        plt.close(fig)
        made.append(p)

    # -- lock experiment: speed-up of per-node locks over the global lock --
    lk_runs = [n for n in ns if sel(runs[str(n)], bench="lock")]
    if lk_runs:
        cases = [(0, 0, "lock-bound: engine only"), (0, 1, "order 0 + 1 clear_page"),
                 (9, 512, "order 9 + 512 clear_page")]
        fig, axes = plt.subplots(1, len(cases), figsize=(12, 3.8), squeeze=False, sharey=True)
        for ax, (order, work, title) in zip(axes[0], cases):
            for n in lk_runs:
                pts = sorted((r["threads"], r["per_node_speedup_median"])
                             for r in sel(runs[str(n)], bench="lock", order=order,
                                          work_clear_pages=work, lock="global")
                             if "per_node_speedup_median" in r)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], "-o", label=f"{n}-node VM")
            ax.axhline(1.0, color="gray", linewidth=1)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("threads (one per node)")
            ax.grid(alpha=0.3)
        axes[0][0].set_ylabel("time with global lock / with per-node locks")
        axes[0][-1].legend(fontsize=8)
        fig.suptitle("What one heap lock costs: per-node locks' speed-up (>1: per-node locks would pay)",
                     fontsize=11)
        fig.tight_layout()
        p = os.path.join(outdir, "lock.png")
        fig.savefig(p, dpi=90, metadata=meta)
        plt.close(fig)
        made.append(p)

    # -- placement --
    pl = res["summary"]["placement"]
    if pl:
        fig, axes = plt.subplots(1, 3, figsize=(13, 4))
        pn = sorted(set(x["nodes"] for x in pl))
        modes = [m for m in ("claims", "claims_spread", "hints") if any(x["mode"] == m for x in pl)]
        width = 0.8 / len(modes)
        for i, mode in enumerate(modes):
            rows = {x["nodes"]: x for x in pl if x["mode"] == mode}
            xs = [j + (i - (len(modes) - 1) / 2) * width for j in range(len(pn))]
            label = MODE_LABEL[mode]
            axes[0].bar(xs, [rows[n]["pages_on_target_pct"] if n in rows else 0 for n in pn],
                        width, label=label, color=colors[mode])
            axes[1].bar(xs, [rows[n]["fully_local_of_admitted_pct"] if n in rows else 0 for n in pn],
                        width, label=label, color=colors[mode])
            axes[2].bar(xs, [rows[n]["failed_late"] if n in rows else 0 for n in pn],
                        width, color=colors[mode])
            axes[2].bar(xs, [rows[n]["failed_early"] if n in rows else 0 for n in pn],
                        width, bottom=[rows[n]["failed_late"] if n in rows else 0 for n in pn],
                        color=colors[mode], alpha=0.35, hatch="//")
        for ax in axes:
            ax.set_xticks(range(len(pn)), [f"{n} nodes" for n in pn])
            ax.grid(axis="y", alpha=0.3)
        axes[0].set_ylabel("% of populated pages")
        axes[0].set_title("pages where the builder intended", fontsize=10)
        axes[0].set_ylim(0, 105)
        axes[1].set_ylabel("% of admitted domains")
        axes[1].set_title("admitted domains fully node-local", fontsize=10)
        axes[1].set_ylim(0, 105)
        axes[2].set_ylabel("domains (all storms)")
        axes[2].set_title("failed late (solid) / refused at admission (hatched)", fontsize=10)
        axes[0].legend(fontsize=8, loc="lower left")
        from matplotlib.patches import Patch
        from matplotlib.ticker import MaxNLocator
        axes[2].yaxis.set_major_locator(MaxNLocator(integer=True))
        axes[2].legend(handles=[Patch(facecolor="gray", label="failed late (after populating part)"),
                                Patch(facecolor="white", edgecolor="gray", hatch="//",
                                      label="refused at admission (nothing allocated)")],
                       fontsize=7, loc="upper left")
        storms = pl[0]["storms"]
        fig.suptitle(f"Boot storm, {storms} storms per mode and node count: claim sets vs node hints (same guests)",
                     fontsize=11)
        fig.tight_layout()
        p = os.path.join(outdir, "placement.png")
        fig.savefig(p, dpi=90, metadata=meta)
        plt.close(fig)
        made.append(p)

    # -- ioctl ratios --
    io_runs = [n for n in ns if sel(runs[str(n)], bench="ioctl")]
    if io_runs:
        ops = ioctl_rows(res)
        fig, ax = plt.subplots(figsize=(11, 4.2))
        cols = [("runs", n) for n in io_runs] + \
            [("icount", n) for n in sorted(res["icount"], key=int)
             if sel(res["icount"][n], bench="ioctl")]
        width = 0.84 / len(cols)
        palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]
        for i, (kind, n) in enumerate(cols):
            ys = []
            for label, op, e in ops:
                r = one(res[kind][str(n)], bench="ioctl", op=op, entries=e, module="stock")
                ys.append(r["ratio_median"] if r else 0)
            c = palette[io_runs.index(n) % len(palette)] if kind == "runs" else "#7f7f7f"
            ax.bar([j + (i - (len(cols) - 1) / 2) * width for j in range(len(ops))],
                   ys, width, color=c, hatch=None if kind == "runs" else "//",
                   label=f"{n} nodes, time" if kind == "runs"
                   else f"{n} nodes, instructions (QEMU icount)")
        ax.axhline(2.0, color="black", linestyle="--", linewidth=1, label="target for a 4-entry set: 2")
        ax.set_xticks(range(len(ops)), [o[0] for o in ops], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("× null ioctl (median of rounds)")
        ax.set_title("Cost of a call, in null ioctls measured in the same run (time) or counted (instructions)")
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        p = os.path.join(outdir, "ioctl.png")
        fig.savefig(p, dpi=90, metadata=meta)
        plt.close(fig)
        made.append(p)
    return made


def ioctl_rows(res):
    rows = [("getppid(), a bare system call (reference)", "getppid", 0),
            ("null ioctl (API_VERSION)", "null", 0)]
    for e in (1, 2, 4, 8):
        rows.append((f"claim set install, {e} entr{'y' if e == 1 else 'ies'}", "claim_set", e))
    for e in (1, 2, 4, 8):
        rows.append((f"claim set get, {e} entr{'y' if e == 1 else 'ies'}", "claim_get", e))
    rows += [("legacy claim (CLAIM_PAGES)", "legacy_claim", 1),
             ("legacy release (CLAIM_PAGES 0)", "legacy_release", 0),
             ("domain info", "domain_info", 0),
             ("host info", "host_info", 0)]
    return rows


# ---------------------------------------------------------------------------
# Tables.

def tables(res, plot_rel):
    s = res["summary"]
    runs = res["runs"]
    ns = node_counts(res)
    h = res["host"]
    sections = {}
    cur = [None]

    def sec(name):
        cur[0] = name
        sections[name] = []

    def w(line):
        sections[cur[0]].append(line)

    sec("machine")
    w("| | |\n|---|---|")
    w(f"| host | {h.get('cpu_model', '?')}, {h.get('cpus', '?')} cores, "
      f"{h.get('mem_gib', '?')} GiB, L3 {h.get('l3', '?')}, itself a {h.get('hypervisor', '?')} guest; "
      f"shared with other VM workloads (load average {h.get('loadavg', '?')} at the end) |")
    w(f"| emulator | {h.get('qemu', '?')}, TCG (no KVM), multi-threaded TCG: one host thread per vCPU |")
    info = next((r for n in ns for r in runs[str(n)] if r.get("bench") == "info"), {})
    w(f"| guest kernel | Debian {info.get('kernel', h.get('guest_kernel', '?'))}, booted with `init_on_alloc=0`; "
      f"CPU model \"{info.get('cpu_model', '?')}\" |")
    for n in ns:
        vm = one(runs[str(n)], bench="vm") or {}
        inf = one(runs[str(n)], bench="info") or {}
        w(f"| {n}-node VM | {n} vCPUs (one per node), {vm.get('mem_per_node', '?')} per node, "
          f"pool {vm.get('pool_mb', '?')} MiB per node "
          f"({inf.get('pool_pages_per_node', '?')} pages), ran {vm.get('seconds', '?')} s, "
          f"`{vm.get('settings', '')}` |")
    for n, recs in sorted(res["icount"].items(), key=lambda x: int(x[0])):
        vm = one(recs, bench="vm") or {}
        w(f"| {n}-node VM counting instructions | QEMU `-icount shift=0` (the guest clock advances "
          f"1 ns per guest instruction), single-threaded TCG, booted with `maxcpus=1`, "
          f"{vm.get('mem_per_node', '?')} per node, pool {vm.get('pool_mb', '?')} MiB per node, "
          f"ran {vm.get('seconds', '?')} s, `{vm.get('settings', '')}` |")
    w(f"| build | gcc {h.get('gcc', '?')}, {h.get('valgrind', '?')}, tree `{h.get('git', '?')}` |")
    w(f"| date | {h.get('date', '?')}, whole `bench/run.sh` {h.get('seconds', '?')} s, VMs at nice "
      f"{h.get('nice', '?')}"
      f"{' (QUICK: sizes too small to mean anything)' if h.get('quick') else ''} |")
    w("")

    # -- verdicts --
    t = s["targets"]
    sec("targets")
    w("| target | measured | met? |\n|---|---|---|")
    x = t["install_4_entries_under_2_null_ioctls"]
    w("| install of a 4-entry claim set under 2 null ioctls | " +
      ("; ".join(f"{m['nodes']} nodes: {m['ratio']:.2f}× ({fmt_ns(m['ns'])} vs null {fmt_ns(m['null_ns'])})"
                 for m in x["measured"]) or "not measured") +
      "".join(f"; in instructions ({m['nodes']} nodes): {m['ratio']:.2f}× "
              f"({m['instructions']} vs null {m['null_instructions']})"
              for m in x.get("instructions", [])) +
      f" | **{'yes' if x['met'] else 'no'}** |")
    x = t["order9_populate_at_least_70pct_of_clear_bandwidth"]
    w("| order-9 populate ≥ 70% of the node's page-clearing bandwidth | " +
      ("; ".join(f"{m['nodes']} nodes node {m['node']} {'claimed' if 'claimed' in m['variant'] else 'unclaimed'}: "
                 f"{100 * m['of_clear_bandwidth']:.0f}%" for m in x["measured"]) or "not measured") +
      f" | **{'yes' if x['met'] else 'no'}** |")
    x = t["claims_all_admitted_local_no_late_failures"]
    w("| with claims, 100% of admitted domains fully node-local, no late failures | " +
      ("; ".join(f"{m['nodes']} nodes: {m['fully_local']}/{m['admitted']} local, {m['failed_late']} late"
                 for m in x["measured"]) or "not measured") +
      f" | **{'yes' if x['met'] else 'no'}** |")
    w("")

    # -- placement --
    if s["placement"]:
        sec("placement")
        w(f"![placement]({plot_rel}/placement.png)\n")
        w("| nodes | builders | mode | admitted | completed | fully node-local (of admitted) | "
          "placed as intended (of completed) | pages where intended | pages on preferred node | "
          "failed late | refused at admission | populated, then freed | storm time (median) |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in s["placement"]:
            w(f"| {r['nodes']} | {r['builders']} | {MODE_LABEL[r['mode']]} | "
              f"{r['admitted']} | {r['completed']}"
              + (f" ({r['spread']} spread)" if r["spread"] else "") + " | "
              f"{r['fully_local']} ({r['fully_local_of_admitted_pct']:.0f}%) | "
              f"{r['as_intended']} ({100.0 * r['as_intended'] / r['completed'] if r['completed'] else 0:.0f}%) | "
              f"{r['pages_on_target_pct']:.1f}% | {r['pages_on_preferred_pct']:.1f}% | "
              f"{r['failed_late']} | {r['failed_early']} | {r['wasted_mib']:.0f} MiB | "
              f"{r['wall_ms_median']:.0f} ms |")
        w("")

    # -- ioctl --
    io_runs = [n for n in ns if sel(runs[str(n)], bench="ioctl")]
    if io_runs:
        sec("ioctl")
        w(f"![ioctl]({plot_rel}/ioctl.png)\n")
        ic_runs = [n for n in sorted(res["icount"], key=int) if sel(res["icount"][n], bench="ioctl")]
        w("In every round each call is timed "
          f"{one(runs[str(io_runs[0])], bench='ioctl', op='null')['iters']} times between two runs "
          "of half as many null ioctls on the same device; its ratio is against their mean. "
          "Figures are medians over the rounds. The last column is the same benchmark in the VM "
          "whose clock counts guest instructions (QEMU `-icount shift=0`): instructions per call, "
          "the whole path from the `syscall` instruction back to user space, exact and "
          "independent of the host's load.\n")
        cols = [("runs", n) for n in io_runs] + [("icount", int(n)) for n in ic_runs]
        w("| call | " + " | ".join(f"{n} nodes" if k == "runs" else f"{n} nodes, instructions"
                                   for k, n in cols) + " |")
        w("|---|" + "---|" * len(cols))
        for label, op, e in ioctl_rows(res):
            cells = []
            for k, n in cols:
                r = one(res[k][str(n)], bench="ioctl", op=op, entries=e, module="stock")
                if not r:
                    cells.append("– (too many entries)")
                elif k == "runs":
                    cells.append(f"{fmt_ns(r['ns_median'])} ({r['ratio_median']:.2f}×)")
                else:
                    cells.append(f"{r['ns_median']} ({r['ratio_median']:.2f}×)")
            w(f"| {label} | " + " | ".join(cells) + " |")
        w("")
        # Where an install goes: the 4-node run (a 4-entry set, the target),
        # in time and, from the icount VM, in instructions.
        n0 = 4 if 4 in io_runs else io_runs[0]
        e = max(k for k in (1, 2, 4) if k <= n0 + 1)
        p = one(runs[str(n0)], bench="kernel_prims", module="stock")
        ic = res["icount"].get(str(n0), [])
        pi = one(ic, bench="kernel_prims", module="stock")
        if p:
            def pieces(prims, null):
                return [("null ioctl (syscall, fd, LSM hooks, dispatch)", null),
                        ("copy the 24-byte structure in (copy_struct_from_user)", prims["copy_from_user"]),
                        ("capable(CAP_SYS_ADMIN)", prims["capable"]),
                        (f"copy the {e} entries ({16 * e} bytes) to the stack", prims["copy_array"]),
                        ("domain lookup and put (RCU, xa_load, kref)", prims["lookup"]),
                        ("domain mutex lock + unlock", prims["mutex"]),
                        ("heap lock + unlock", prims["spinlock"]),
                        ("the engine: ce_claim_set_install()", prims.get(f"engine_install_{e}", 0))]
            null = one(runs[str(n0)], bench="ioctl", op="null", module="stock")["ns_median"]
            inst = one(runs[str(n0)], bench="ioctl", op="claim_set", entries=e, module="stock")
            tp = pieces(p, null)
            ip = None
            if pi:
                inull = one(ic, bench="ioctl", op="null", module="stock")["ns_median"]
                iinst = one(ic, bench="ioctl", op="claim_set", entries=e, module="stock")
                ip = pieces(pi, inull)
            w(f"Where an install goes ({n0}-node runs, {e} entries): each piece is measured on its own "
              "in the kernel by numaclaims_bench.ko, done as the module does it, in the same rounds "
              "as the ioctls (medians). What the sum leaves out is the module's own glue: the "
              "dispatch, the handler call, the checks of the request, the copy-out decision.\n")
            w("| piece | time | × null ioctl |" + (" instructions | × null ioctl |" if ip else ""))
            w("|---|---|---|" + ("---|---|" if ip else ""))
            for k, (what, v) in enumerate(tp):
                row = f"| {what} | {fmt_ns(v)} | {v / null:.2f} |"
                if ip:
                    row += f" {ip[k][1]} | {ip[k][1] / inull:.2f} |"
                w(row)
            total = sum(v for _, v in tp)
            row = f"| **sum of the pieces** | {fmt_ns(total)} | {total / null:.2f} |"
            if ip:
                itotal = sum(v for _, v in ip)
                row += f" {itotal} | {itotal / inull:.2f} |"
            w(row)
            row = f"| **measured install** | {fmt_ns(inst['ns_median'])} | {inst['ratio_median']:.2f} |"
            if ip:
                row += f" {iinst['ns_median']} | {iinst['ratio_median']:.2f} |"
            w(row)
            w("")
        kp2 = [(n, r) for n in io_runs for r in sel(runs[str(n)], bench="kernel_prims", module="stock")]
        if kp2:
            cg = {r["entries"]: r for r in res["callgrind"] if r["op"] == "claim_set_install"}
            w("The engine's share of an install: `ce_claim_set_install()` under a spinlock on a private "
              "heap, timed in the kernel in the same rounds, counted in the kernel by the icount VM, "
              "and counted in user space by callgrind (the engine built with gcc -O2, without "
              "the kernel's hardening options):\n")
            w("| entries | " + " | ".join(f"{n} nodes" for n, _ in kp2) +
              (" | instructions (kernel, 4 nodes)" if pi else "") + " | instructions (callgrind) |")
            w("|---|" + "---|" * (len(kp2) + (2 if pi else 1)))
            for e2 in (1, 2, 4, 8):
                w(f"| {e2} | " + " | ".join(fmt_ns(r.get(f"engine_install_{e2}")) for _, r in kp2) +
                  (f" | {pi.get(f'engine_install_{e2}', '–')}" if pi else "") +
                  f" | {cg.get(e2, {}).get('instructions', '–')} |")
            w("")

    # -- populate --
    pop_runs = [n for n in ns if sel(runs[str(n)], bench="populate")]
    if pop_runs:
        sec("populate")
        w(f"![populate]({plot_rel}/populate.png)\n")
        w("MiB/s: median of the repetitions. A repetition runs every variant once on the same node, "
          "pinned to that node's vCPU, each between two passes of the clear_page reference; "
          "\"% of clear bw\" is the variant's speed over the mean of the two passes around it, "
          "\"× baseline\" is the variant's speed over that of alloc_pages_node()+clear_page of the "
          "same order, both taken relative to their clear passes (medians of per-repetition "
          "ratios; above 100% means within noise of the reference).\n")
        w("| nodes | node | what | order | MiB/s | % of clear bw | × alloc_pages_node+clear |")
        w("|---|---|---|---|---|---|---|")
        for n in pop_runs:
            recs = runs[str(n)]
            for r in sel(recs, bench="populate"):
                rat = one(recs, bench="populate_ratio", node=r["node"], variant=r["variant"],
                          order=r["order"])
                bw = one(recs, bench="populate", node=r["node"], variant="clear_page_bandwidth")
                pct = f"{100 * rat['of_clear_bandwidth']:.0f}%" if rat and r["variant"] in \
                    ("numaclaims_populate", "numaclaims_populate_claimed", "alloc_pages_node_clear") \
                    else ("100%" if r["variant"] == "clear_page_bandwidth" else "")
                base = f"{rat['of_alloc_pages_node_clear']:.2f}×" if rat and \
                    "of_alloc_pages_node_clear" in rat else ""
                what = {"numaclaims_populate": "numaclaims populate, no claim",
                        "numaclaims_populate_claimed": "numaclaims populate, claimed",
                        "alloc_pages_node_clear": "alloc_pages_node() + clear_page",
                        "alloc_pages_node": "alloc_pages_node() alone",
                        "clear_page_bandwidth": "clear_page over held pages (raw bandwidth)",
                        "xarray_store_per_page": "xa_store() one entry per page (physmap cost)"}[r["variant"]]
                order = "" if r["variant"] in ("clear_page_bandwidth", "xarray_store_per_page") else r["order"]
                w(f"| {n} | {r['node']} | {what} | {order} | {mibs(r['pages_per_s']):.0f} | {pct} | {base} |")
        w("")

    # -- scaling --
    sc_runs = [n for n in ns if sel(runs[str(n)], bench="scale")]
    if sc_runs:
        sec("scaling")
        w(f"![scaling]({plot_rel}/scaling.png)\n")
        w("Aggregate MiB/s (median) and speed-up over one builder. The clear_page rows are the "
          "machine's own limit, measured in the same pass: K vCPUs clearing their own node's "
          "memory at once.\n")
        w("| nodes | what | order | " + " | ".join(f"{k} builder{'s' if k > 1 else ''}" for k in (1, 2, 4)) + " |")
        w("|---|---|---|" + "---|" * 3)
        for n in sc_runs:
            recs = runs[str(n)]
            for var, order in (("numaclaims_populate_claimed", 9), ("alloc_pages_node_clear", 9),
                               ("clear_page_bandwidth", 9),
                               ("numaclaims_populate_claimed", 0), ("alloc_pages_node_clear", 0),
                               ("clear_page_bandwidth", 0)):
                pts = {r["builders"]: r for r in sel(recs, bench="scale", variant=var, order=order)}
                if not pts:
                    continue
                base = pts.get(1)
                cells = []
                for k in (1, 2, 4):
                    if k not in pts:
                        cells.append("–")
                        continue
                    v = pts[k]["aggregate_pages_per_s"]
                    sp = f" ({v / base['aggregate_pages_per_s']:.2f}×)" if base and k > 1 else ""
                    cells.append(f"{mibs(v):.0f}{sp}")
                what = {"numaclaims_populate_claimed": "numaclaims populate (claimed, exact node)",
                        "alloc_pages_node_clear": "alloc_pages_node() + clear_page",
                        "clear_page_bandwidth": "clear_page bandwidth, measured in the same pass"}[var]
                w(f"| {n} | {what} | {order} | " + " | ".join(cells) + " |")
        w("")

    # -- lock --
    lk_runs = [n for n in ns if sel(runs[str(n)], bench="lock")]
    if lk_runs:
        sec("lock")
        w(f"![lock]({plot_rel}/lock.png)\n")
        w("In-kernel threads, one per node, each allocating extents from its own engine heap "
          "(the engine of module/, linked into numaclaims_bench.ko) under either one global "
          "spinlock (the module today) or a lock of its own (ideal per-node locking); each "
          "extent is followed by the clear_page calls a populate of that order makes (none in "
          "the lock-bound case). The two locks alternate within each of 5 repetitions; "
          "speed-up = median of the per-repetition ratios. With 1 thread both are the same "
          "code, so that row shows the noise.\n")
        w("| nodes | case | threads | global lock, extents/s | per-node locks, extents/s | speed-up of per-node locks |")
        w("|---|---|---|---|---|---|")
        for n in lk_runs:
            recs = runs[str(n)]
            for order, work, what in ((0, 0, "lock-bound (engine only), order 0"),
                                      (0, 1, "order 0 + 1 clear_page"),
                                      (9, 512, "order 9 + 512 clear_page")):
                for k in sorted(set(r["threads"] for r in sel(recs, bench="lock", order=order,
                                                                work_clear_pages=work))):
                    g = one(recs, bench="lock", order=order, work_clear_pages=work, threads=k, lock="global")
                    p = one(recs, bench="lock", order=order, work_clear_pages=work, threads=k, lock="per_node")
                    if g and p:
                        w(f"| {n} | {what} | {k} | {g['aggregate_extents_per_s']:.0f} | "
                          f"{p['aggregate_extents_per_s']:.0f} | {g.get('per_node_speedup_median', 0):.2f}× |")
        w("")
        ek = [(n, r) for n in ns for r in sel(runs[str(n)], bench="engine_kernel")]
        if ek:
            n0 = ek[0][0]
            w(f"The heap lock's critical section, timed in the kernel ({n0}-node run; engine on a "
              "private heap, lock/unlock included):\n")
            w("| order | domain | alloc (populate) | free (destroy, decrease) | empty lock+unlock |")
            w("|---|---|---|---|---|")
            for n, r in ek:
                if n == n0:
                    w(f"| {r['order']} | {'claimed' if r['claimed'] else 'no claim'} | "
                      f"{fmt_ns(r['ns_per_alloc'])} | {fmt_ns(r['ns_per_free'])} | "
                      f"{fmt_ns(r['ns_per_lock_pair'])} |")
            w("")

    # -- callgrind --
    if res["callgrind"]:
        sec("instructions")
        w("Stable figures: they do not depend on the machine or its load. "
          "`make -C bench engine && valgrind --tool=callgrind build/bench/engine_bench` "
          "reproduces them; compare any engine change against this table.\n")
        w("| operation | entries / order | instructions | what exactly |")
        w("|---|---|---|---|")
        for r in res["callgrind"]:
            eo = (f"{r['entries']} entr{'y' if r['entries'] == 1 else 'ies'}" if r["op"].startswith("claim_set")
                  else f"order {r['order']}" if r["op"] in ("alloc_extent", "alloc_extent_claimed", "free_pages")
                  else "")
            w(f"| `{r['fn']}` | {eo} | {r['instructions']} | {r['what']} |")
        w("")
    return {k: "\n".join(v) for k, v in sections.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--plots", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--print", action="store_true")
    a = ap.parse_args()

    res = gather(a.raw)
    res["summary"] = summarize(res)
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)
    made = plots(res, a.plots)
    if a.doc:
        rel = os.path.relpath(a.plots, os.path.dirname(os.path.abspath(a.doc)))
    else:
        rel = a.plots
    blocks = tables(res, rel)
    if a.doc and not a.print:
        text = open(a.doc).read() if os.path.exists(a.doc) else "# numaclaims performance\n"
        for name, block in blocks.items():
            b, e = BEGIN.format(name), END.format(name)
            if b not in text or e not in text:
                print(f"report.py: {a.doc} has no markers for '{name}': appending it",
                      file=sys.stderr)
                text += f"\n{b}\n{e}\n"
            pre, rest = text.split(b, 1)
            _, post = rest.split(e, 1)
            text = pre + b + "\n\n" + block + "\n" + e + post
        with open(a.doc, "w") as f:
            f.write(text)
        print(f"report.py: wrote {a.json}, {len(made)} plots in {a.plots}, tables in {a.doc}")
    else:
        for name, block in blocks.items():
            print(f"\n## {name}\n\n{block}")
        print(f"report.py: wrote {a.json}, {len(made)} plots in {a.plots}")
    t = res["summary"]["targets"]
    for k, v in t.items():
        print(f"report.py: target {k}: {'met' if v['met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
