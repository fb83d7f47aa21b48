#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/realvm-report.py - the real-VM boot storm's tables.

usage: realvm-report.py --raw FILE.jsonl [--json OUT.json] [--doc PERFORMANCE.md | --print]

Reads the JSON lines of tests/guest/realvm-storm.sh (one per VM and one summary
per mode), writes them as one JSON document, and replaces the block
"realvm-storm" of the doc (or prints it).
"""
import argparse
import json
import sys

from report import load_jsonl

BEGIN = "<!-- BEGIN GENERATED: realvm-storm (bench/realvm-report.py; do not edit by hand) -->"
END = "<!-- END GENERATED: realvm-storm -->"

MODE_TEXT = {
    "claims": "claim sets (memory-backend-file on /dev/numaclaims-domN)",
    "bind": "QEMU host-nodes=N,policy=bind,prealloc=on",
    "preferred": "QEMU host-nodes=N,policy=preferred,prealloc=on",
}


def load(path):
    recs = load_jsonl(path)
    return ([r for r in recs if r.get("bench") == "realvm-storm"],
            [r for r in recs if r.get("bench") == "realvm-storm-summary"])


def when(vms, mode, outcomes):
    ts = sorted(v["t_ms"] for v in vms
                if v["mode"] == mode and v["outcome"] in outcomes and v["t_ms"] is not None)
    if not ts:
        return "-"
    if len(ts) == 1:
        return "%.1f s" % (ts[0] / 1000)
    return "%.1f-%.1f s" % (ts[0] / 1000, ts[-1] / 1000)


def shares(vms, mode):
    s = [v["share"] for v in vms if v["mode"] == mode and v["share"] is not None]
    if not s:
        return "-"
    return "%.0f%% (min %.0f%%)" % (100 * sum(s) / len(s), 100 * min(s))


def preferred_share(vms, mode):
    """RAM on the node each started VM preferred, over all started VMs."""
    tot = loc = 0
    for v in vms:
        if v["mode"] != mode or v["outcome"] != "running":
            continue
        for kv in v["numa_maps"].split():
            n, c = kv.split("=")
            tot += int(c)
            if n == "N%d" % v["preferred"]:
                loc += int(c)
    return "%.0f%%" % (100 * loc / tot) if tot else "-"


def block(vms, summary):
    out = []
    if not summary:
        return "No storm results (run `make bench` or `tools/run-suite.sh realvm-storm`).\n"
    s0 = summary[0]
    out.append("%d VMs of %d MiB start at once, two in three preferring node 0; "
               "nodes 0 and 1 each have %d MiB for guest RAM (%d VMs' worth), "
               "so %d VMs can run at most and node 0 cannot take all that want it.\n"
               % (s0["vms"], s0["size_mib"], s0["pool_mib"],
                  s0["pool_mib"] // s0["size_mib"],
                  2 * (s0["pool_mib"] // s0["size_mib"])))
    out.append("| mode | started | refused before allocating (when) | died preallocating (when) "
               "| died booting | moved to the other node | RAM on the chosen node | RAM on the preferred node "
               "| checksums | storm |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for s in summary:
        m = s["mode"]
        out.append("| %s | %d of %d | %d (%s) | %d (%s) | %d | %d | %s | %s | %d ok, %d bad | %.1f s |" % (
            MODE_TEXT.get(m, m), s["started"], s["vms"],
            s["failed_claim"], when(vms, m, ("claim", "check")),
            s["failed_prealloc"], when(vms, m, ("prealloc",)),
            s["failed_boot"] + s["failed_other"], s["moved"],
            shares(vms, m), preferred_share(vms, m),
            s["checksum_ok"], s["checksum_bad"], s["storm_ms"] / 1000))
    out.append("")
    modes = [s["mode"] for s in summary]
    out.append("Every VM (node: where its builder put it; outcome; its RAM by node from "
               "`/proc/PID/numa_maps` of its QEMU, in pages):\n")
    out.append("| VM | prefers | " + " | ".join(modes) + " |")
    out.append("|---|---|" + "---|" * len(modes))
    ids = sorted({v["vm"] for v in vms})
    for i in ids:
        row = ["%d" % i, ""]
        for m in modes:
            v = next((v for v in vms if v["vm"] == i and v["mode"] == m), None)
            if v is None:
                row.append("-")
                continue
            row[1] = "node %d" % v["preferred"]
            if v["outcome"] == "running":
                cell = "node %s: %s" % (v["node"], v["numa_maps"].strip() or "?")
                if v["checksum"] != "ok":
                    cell += " (checksum BAD)"
            elif v["outcome"] in ("claim", "check"):
                cell = "refused at %s, %.1f s" % (
                    "claim" if v["outcome"] == "claim" else "the free-memory check", v["t_ms"] / 1000)
            else:
                cell = "node %s: QEMU died (%s, status %s) at %.1f s" % (
                    v["node"], v["outcome"], v["qemu_status"], (v["t_ms"] or 0) / 1000)
            row.append(cell)
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--json")
    ap.add_argument("--doc")
    ap.add_argument("--print", action="store_true")
    a = ap.parse_args()
    vms, summary = load(a.raw)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"summary": summary, "vms": vms}, f, indent=1)
            f.write("\n")
    text = block(vms, summary)
    if a.doc and not a.print:
        doc = open(a.doc).read()
        if BEGIN not in doc or END not in doc:
            sys.exit("realvm-report.py: %s has no realvm-storm block" % a.doc)
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(a.doc, "w") as f:
            f.write(head + BEGIN + "\n" + text + END + tail)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
