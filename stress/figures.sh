#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress/figures.sh - the one table of figures of a stress run, from the
# "# FIG key value" lines of build/results/stress-*.tap.
#
# usage: stress/figures.sh [--mode M] [--seed S] [--seconds N] FILE.tap...
#
# Columns are the runs (2n, 4n, debug-2n, ...; the fuzzer on the host);
# rows the figures the issue asks for.  Exit status 1 if a violation, a lost
# page, a dirty page, a wrong errno, a failed builder, a fuzz crash or a
# kmemleak object was counted, or a TAP result failed.
set -u
mode='?' seed='?' seconds='?' note=''
while [ $# -gt 0 ]; do
	case $1 in
	--mode) mode=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--note) note=$2; shift 2 ;;
	*) break ;;
	esac
done
kver=$("$(dirname "$0")/../tools/kver.sh" 2>/dev/null || echo "?")
cpus=$(nproc 2>/dev/null || echo "?")

for f in "$@"; do
	[ -f "$f" ] || continue
	n=${f##*/}
	n=${n#stress-}
	n=${n%.tap}
	printf '\001FILE %s\n' "$n"
	cat "$f"
done | awk -v mode="$mode" -v seed="$seed" -v seconds="$seconds" -v kver="$kver" -v cpus="$cpus" -v note="$note" '
function run_of(n,   r) {
	if (n ~ /^fuzz/) return "fuzz"
	if (n ~ /^debug-/) { r = n; sub(/^debug-/, "", r); sub(/-.*/, "", r); return "debug-" r }
	r = n; sub(/-.*/, "", r); return r
}
function addrun(r) { if (!(r in seen)) { seen[r] = 1; runs[++nruns] = r } }
/^\001FILE / { file = substr($0, 7); run = run_of(file); addrun(run); next }
/^# FIG / {
	key = $3; val = $4
	fig[run, key] = val
	if (key ~ /pages_lost$/) lost[run] += val
	if (key ~ /^time\./) secs[run] += val
	if (key ~ /^unload\.free_off_kb\./ && val + 0 > unload[run] + 0) unload[run] = val
	next
}
/^ok / { pass[run]++; next }
/^not ok / { failn[run]++; next }
function v(r, k) { return ((r, k) in fig) ? fig[r, k] : "-" }
function num(r, k) { return ((r, k) in fig) ? fig[r, k] + 0 : 0 }
function row(label, k1, k2, k3,   i, r, s) {
	printf "  %-46s", label
	for (i = 1; i <= nruns; i++) {
		r = runs[i]
		s = v(r, k1)
		if (k2 != "") s = s "/" v(r, k2)
		if (k3 != "") s = s "/" v(r, k3)
		if (s ~ /^-(\/-)*$/) s = "-"
		printf " %13s", s
	}
	printf "\n"
}
function rowv(label, arr,   i, r, s) {
	printf "  %-46s", label
	for (i = 1; i <= nruns; i++) {
		r = runs[i]
		s = (r in arr) ? arr[r] : "-"
		printf " %13s", s
	}
	printf "\n"
}
function head(t) { printf "%s\n", t }
END {
	# order: 2n 4n debug-* fuzz
	n = 0
	for (i = 1; i <= nruns; i++) if (runs[i] !~ /^(debug|fuzz)/) ord[++n] = runs[i]
	for (i = 1; i <= nruns; i++) if (runs[i] ~ /^debug/) ord[++n] = runs[i]
	for (i = 1; i <= nruns; i++) if (runs[i] == "fuzz") ord[++n] = runs[i]
	for (i = 1; i <= n; i++) runs[i] = ord[i]
	for (i = 1; i <= nruns; i++) {
		r = runs[i]
		bad[r] = num(r, "storm.failed") + num(r, "storm.violations") + \
			num(r, "storm_grow.failed") + num(r, "storm_grow.violations") + \
			num(r, "randops.violations") + num(r, "crash.violations") + \
			num(r, "hostile.wrong_errno") + num(r, "hostile.state_changed") + \
			num(r, "hostile.slow_calls") + num(r, "isolation.dirty_pages") + \
			num(r, "fuzz.crashes") + num(r, "kmemleak.objects") + \
			num(r, "mapstress.violations")
		if (((r, "storm.placement_pct") in fig) && fig[r, "storm.placement_pct"] != "100.0") bad[r]++
		if (((r, "storm_grow.placement_pct") in fig) && fig[r, "storm_grow.placement_pct"] != "100.0") bad[r]++
		badsum += bad[r]; lostsum += lost[r] + 0; failsum += failn[r] + 0
		passsum += pass[r] + 0
		lost[r] = (r == "fuzz") ? "-" : lost[r] + 0
		tapcol[r] = (pass[r] + 0) "/" (failn[r] + 0)
	}
	printf "numaclaims stress figures: %s run, seed %s, %s s wall time\n", mode, seed, seconds
	printf "machine: %s host CPUs, QEMU TCG guests (1 vCPU and 512 MiB per node, pool_mb=128),\n", cpus
	printf "         Debian kernel %s; debug = KASAN+lockdep+kmemleak kernel\n", kver
	if (note != "") printf "%s\n", note
	printf "\n"
	printf "  %-46s", ""
	for (i = 1; i <= nruns; i++) {
		r = runs[i]; lbl = r
		if (r ~ /^[0-9]+n$/) lbl = substr(r, 1, length(r) - 1) " nodes"
		if (r ~ /^debug-/) lbl = "debug " substr(r, 7, length(r) - 7) "n"
		if (r == "fuzz") lbl = "fuzz (host)"
		printf " %13s", lbl
	}
	printf "\n"
	# the storm on sized pools, then on pools that grow on claim
	split("storm storm_grow", sp)
	split("Boot storm (load held)|Boot storm on pools that grow on claim (from pool_mb=0)", st, "|")
	for (k = 1; k <= 2; k++) {
		p = sp[k] "."
		head(st[k])
		row("builders started (all rounds)", p "builders")
		row("admitted / refused / failed", p "admitted", p "refused", p "failed")
		row("admitted fully populated", p "fully_populated")
		row("admitted on home node / other node / host", p "admitted_home", p "admitted_other_node", p "admitted_host_wide")
		row("admitted on several nodes (planner)", p "admitted_nodes")
		row("re-plans after a lost race / most installs", p "replans", p "attempts_max")
		row("node-claimed pages on the claimed node, %", p "placement_pct")
		row("time to refusal ms, min/median/max", p "refusal_ms")
		row("slowest admitted build, ms", p "build_ms_max")
	}
	row("pages the claims grew the pools by", "storm_grow.pool_grown_pages")
	row("pools back to their size after, ms (slowest)", "storm_grow.pool_back_ms")
	head("Random operation sequences")
	row("operations run (workers)", "randops.ops")
	row("  of which succeeded", "randops.ops_ok")
	row("destroy / close / signal during populate", "randops.destroy_during_populate", "randops.close_during_populate", "randops.signal_during_populate")
	row("invariant snapshots checked", "randops.checks")
	head("Crashes (faults injected)")
	row("SIGKILLs: install / populate / decrease", "crash.kills_install", "crash.kills_populate", "crash.kills_decrease")
	row("AUTODESTROY domains left behind", "crash.autodestroy_left")
	row("kept domains intact / inconsistent", "crash.kept_intact", "crash.kept_inconsistent")
	row("gfns probed against the accounting", "crash.gfns_probed")
	head("Hostile input")
	row("bad inputs tried", "hostile.inputs")
	row("wrong errno / state changed / slow (>2 s)", "hostile.wrong_errno", "hostile.state_changed", "hostile.slow_calls")
	row("populate of 2^63 extents, pool dry, ms", "hostile.long_populate_ms")
	head("Isolation")
	row("unprivileged mutating calls refused", "isolation.eperm_nobody")
	row("  uid 0 without CAP_SYS_ADMIN", "isolation.eperm_nocap")
	row("pages reused and checked / not scrubbed", "isolation.pages_checked", "isolation.dirty_pages")
	head("Mapped memory (mapstress)")
	row("reads / writes", "mapstress.reads", "mapstress.writes")
	row("  reads by a reader process / its mappings", "mapstress.process_reads", "mapstress.process_maps")
	row("SIGBUS caught / zero (fresh) pages read", "mapstress.sigbus", "mapstress.zero_fresh")
	row("pages populated / decreased", "mapstress.populated", "mapstress.decreased")
	row("domains destroyed while mapped", "mapstress.domains_destroyed")
	row("foreign reads / reads after free", "mapstress.foreign_reads", "mapstress.reads_after_free")
	head("Fuzzing the engine")
	row("seconds / executions", "fuzz.seconds", "fuzz.executions")
	row("operations checked (invariants + model)", "fuzz.ops")
	row("crash inputs", "fuzz.crashes")
	head("Totals")
	row("violations (randops+storm+crash+mapstress)", "randops.violations", "storm.violations", "crash.violations")
	row("  storm on growing pools violations", "storm_grow.violations")
	row("  mapstress violations", "mapstress.violations")
	rowv("pages lost (all programs)", lost)
	rowv("worst free-memory delta after unload, KiB", unload)
	row("kmemleak objects", "kmemleak.objects")
	rowv("TAP results passed/failed", tapcol)
	printf "\n"
	if (badsum || lostsum || failsum) {
		printf "RESULT: NOT CLEAN: %d violations or errors, %d pages lost, %d TAP failures\n", badsum, lostsum, failsum
		exit 1
	}
	printf "RESULT: clean: every violation and every loss is 0 (%d TAP results passed)\n", passsum
}'
