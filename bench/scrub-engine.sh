#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/scrub-engine.sh: what the clean/dirty free lists cost and buy in the
# claims engine (bench/scrub_engine_bench.c), no VM:
#
#  - callgrind: instructions per ce_alloc_extent() / ce_free_pages() of
#    order 0 and 9 from an all-clean, all-dirty and mixed pool, for the
#    current engine (mixed merging, the default; and merge_like_only) and
#    for the engine before clean/dirty tracking (31ac1a5, extracted with
#    git show into $O/old-engine);
#  - merge: the two merge policies over a deterministic host lifetime
#    (SEEDS seeds from FIRST_SEED; SCRUB_RATE_PCT, IDLE_MAX: the scrubber's
#    clock, see bench/scrub_engine_bench.c): free order-9 blocks, clean and
#    dirty, after each phase.
#
# Writes $O/raw/scrub-engine.json (one object: {"callgrind": {"current":
# ..., "current_like_only": ..., "31ac1a5": ...}, "merge": ...}) and the
# raw files next to it; prints markdown tables.  Needs valgrind.
#
#   bash bench/scrub-engine.sh            O=<dir> to build elsewhere
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-$TOP/build/bench}
RAW=$O/raw
OLD_REV=31ac1a5
OLD=$O/old-engine
SEEDS=${SEEDS:-5}
FIRST_SEED=${FIRST_SEED:-1}
SCRUB_RATE_PCT=${SCRUB_RATE_PCT:-50}	# scrubbed pages per 100 clock pages
IDLE_MAX=${IDLE_MAX:-4096}		# clock pages after each domain operation
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

log() { printf '[scrub-engine] %s\n' "$*" >&2; }

for t in valgrind callgrind_annotate git; do
	command -v "$t" >/dev/null || { log "$t is missing (Debian: valgrind, git)"; exit 1; }
done

# ---- the engine at 31ac1a5 (with the headers it includes) ------------------
mkdir -p "$OLD/module" "$OLD/uapi/linux" "$RAW"
for f in module/claims_engine.c module/claims_engine.h module/nc_shim.h \
	 uapi/linux/numaclaims.h; do
	# That engine still shared the core's nc_ prefix: give it the engine's.
	git -C "$TOP" show "$OLD_REV:$f" |
		sed -E 's/\bnc_/ce_/g; s/\bNC_/CE_/g; s/"ce_shim\.h"/"nc_shim.h"/' >"$OLD/$f.new"
	# Unchanged files keep their time stamp: make rebuilds only what changed.
	if cmp -s "$OLD/$f.new" "$OLD/$f"; then rm "$OLD/$f.new"; else mv "$OLD/$f.new" "$OLD/$f"; fi
done

log "building into $O"
make -s -C "$TOP/bench" O="$O" scrub-engine >&2

# ---- callgrind ------------------------------------------------------------------
cg() {	# cg <name> <binary> [args]
	local name=$1 bin=$2
	shift 2
	log "callgrind: $name"
	valgrind --tool=callgrind --callgrind-out-file="$RAW/scrub-engine-$name.callgrind.out" \
		"$bin" callgrind "$@" >"$RAW/scrub-engine-$name.jsonl" \
		2>"$RAW/scrub-engine-$name.callgrind.log"
	callgrind_annotate --inclusive=yes --threshold=100 \
		"$RAW/scrub-engine-$name.callgrind.out" \
		>"$RAW/scrub-engine-$name.callgrind.txt" 2>/dev/null
}
cg current "$O/scrub_engine_bench"
cg current_like_only "$O/scrub_engine_bench" like-only
cg "$OLD_REV" "$O/scrub_engine_bench_$OLD_REV"

# ---- merge policies -----------------------------------------------------------
log "merge policies: $SEEDS seeds from $FIRST_SEED"
t0=$(date +%s)
"$O/scrub_engine_bench" merge "$SEEDS" "$FIRST_SEED" "$SCRUB_RATE_PCT" "$IDLE_MAX" \
	>"$RAW/scrub-engine-merge.jsonl"
log "merge policies: $(( $(date +%s) - t0 )) s"

# ---- one JSON object, tables ----------------------------------------------------
"$PY" - "$RAW" "$OLD_REV" "$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)" <<'EOF'
import json, os, re, statistics, sys

raw, old, rev = sys.argv[1:4]
variants = ["current", "current_like_only", old]
# Call edges of callgrind_annotate --inclusive=yes (as bench/report.py).
edge = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+=>\s+\S*:(bench_\w+)\s+\(([\d,]+)x\)")


def counts(path):
    res = {}
    with open(path) as f:
        for line in f:
            m = edge.match(line)
            if m:
                c = res.setdefault(m.group(2), [0, 0])
                c[0] += int(m.group(1).replace(",", ""))
                c[1] += int(m.group(3).replace(",", ""))
    return res


def jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


cg = {}
for v in variants:
    c = counts(os.path.join(raw, f"scrub-engine-{v}.callgrind.txt"))
    ops = {}
    for r in jsonl(os.path.join(raw, f"scrub-engine-{v}.jsonl")):
        ir, calls = c.get(r["fn"], [0, 0])
        if calls != r["calls"]:
            sys.exit(f"scrub-engine: {v} {r['fn']}: callgrind saw {calls} calls, "
                     f"expected {r['calls']}")
        r["ir_total"] = ir
        r["ir_per_call"] = round(ir / calls, 1)
        ops[f"{r['op']}_{r['pool']}_o{r['order']}"] = r
    cg[v] = ops

runs = jsonl(os.path.join(raw, "scrub-engine-merge.jsonl"))
params = runs.pop(0)["params"]
metrics = [k for k in runs[0] if k not in ("policy", "seed", "phase")]
phases = list(dict.fromkeys(r["phase"] for r in runs))
merge = {"params": params, "policies": {}, "runs": runs}
for pol in ("mixed", "like_only"):
    out = []
    for ph in phases:
        sel = [r for r in runs if r["policy"] == pol and r["phase"] == ph]
        agg = {"phase": ph, "seeds": [r["seed"] for r in sel]}
        for k in metrics:
            vals = [r[k] for r in sel]
            agg[k] = {"mean": round(statistics.mean(vals), 1), "min": min(vals),
                      "max": max(vals)}
        out.append(agg)
    merge["policies"][pol] = out

doc = {"bench": "scrub-engine", "git": rev, "callgrind": cg, "merge": merge}
with open(os.path.join(raw, "scrub-engine.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")

print("### Instructions per call (callgrind, inclusive Ir of the bench wrapper, "
      "1000 calls; node 0, EXACT)\n")
print(f"| op | pool | order | current | current like-only | {old} | current vs {old} | dirty calls (current) |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for key, r in cg["current"].items():
    a, b, o = (cg[v][key]["ir_per_call"] for v in variants)
    print(f"| {r['op']} | {r['pool']} | {r['order']} | {a:.0f} | {b:.0f} | {o:.0f} | "
          f"{(a - o) / o * 100:+.0f} % | {r.get('dirty_calls', '')} |")

print(f"\n### Merge policies: free order-9 blocks after each phase, mean [min-max] "
      f"over seeds {params['first_seed']}..{params['first_seed'] + params['seeds'] - 1} "
      f"(1 node, {params['frames'] >> 8} MiB = {params['frames'] >> 9} order-9 ranges; "
      f"scrubber {params['scrub_rate_pct']} pages per 100 clock pages, idle 0..{params['idle_max_pages']}); "
      "o9 req / fallbacks / populate cleared / -EAGAIN: during the phase\n")
print("| phase | policy | o9 clean | o9 dirty | o9 total | free 2M ranges | free pages | "
      "scrub_pages | o9 req | o9 fallbacks | populate cleared | -EAGAIN |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def mm(a, k):
    v = a[k]
    return f"{v['mean']:.1f} [{v['min']}-{v['max']}]"


for i, ph in enumerate(phases):
    for pol in ("mixed", "like_only"):
        a = merge["policies"][pol][i]
        print(f"| {ph} | {pol} | {mm(a, 'o9_clean')} | {mm(a, 'o9_dirty')} | "
              f"{mm(a, 'o9_total')} | {mm(a, 'o9_free_ranges')} | "
              f"{a['free_pages']['mean']:.0f} | {a['scrub_pages']['mean']:.0f} | "
              f"{a['o9_req']['mean']:.0f} | {mm(a, 'o9_fallback')} | "
              f"{a['populate_cleared']['mean']:.0f} | {a['eagain']['mean']:.1f} |")
print(f"\n{os.path.join(raw, 'scrub-engine.json')}")
EOF
