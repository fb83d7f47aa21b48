#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh ENGINE_SRC OUTDIR MAKE_CMD
#
# Mutation test of the engine unit tests: copy the engine source into
# OUTDIR/<mutant>/claims_engine.c, break it in one documented way (a perl
# substitution), build the test program against the copy and require that
# the tests fail.  module/ is never touched.  A mutation whose pattern no
# longer matches the engine is reported as "stale" (update it); a mutant the
# tests do not catch ("SURVIVED") makes the script fail.  MUTANTS=a,b in
# the environment runs only the mutants named.
#
# MAKE_CMD builds the gcc flavour; it is given ENGINE_SRC=<copy> and the
# target engine_test in its O= directory, so the test objects are compiled
# once and only the engine object is rebuilt per mutant.
set -u
src=${1:?engine source}
out=${2:?output directory}
make_cmd=${3:?make command}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=$out/build

# name|why|perl -0 substitution (must change the file)
mutations=(
'skip_node_check|node check: ignore unclaimed/own-claim room per node|s/return pages <= usable && pool_can_alloc/return pool_can_alloc/'
'node_check_no_own_claim|node check: own claim not counted for counted allocations|s/usable = node_unclaimed\(h, node\) \+ \(counted \? d->claims\[node\] : 0\);/usable = node_unclaimed(h, node);/'
'node_check_noref_uses_claim|node check: NO_REFCOUNT may use own node claim|s/usable = node_unclaimed\(h, node\) \+ \(counted \? d->claims\[node\] : 0\);/usable = node_unclaimed(h, node) + (d ? d->claims[node] : 0);/'
'host_check_no_own_claims|host check: own claims not counted (claim 1 + 511 rule)|s/usable = host_unclaimed\(h\) \+ \(counted \? d->outstanding_pages : 0\);/usable = host_unclaimed(h);/'
'host_check_skipped|host check: skipped|s/if \(pages > usable\)\n\t\treturn -ENOMEM;/(void)usable;/'
'noref_is_counted|NO_REFCOUNT allocations counted and redeeming|s/bool counted = d && !\(memflags & CE_MEMF_NO_REFCOUNT\);\n\tbool exact/bool counted = d != NULL;\n\tbool exact/'
'redeem_host_first|redeem: host-wide part before the node claim|s/(\ttake = min\(pages, d->claims\[node\]\);\n\tif \(take\)\n\t\tdrop_node_claim\(h, d, node, take\);\n\tpages -= take;\n)\n(\ttake = min\(pages, host_wide_claim\(d\)\);\n\tdrop_host_wide_claim\(h, d, take\);\n\tpages -= take;\n)/$2\n$1/'
'redeem_no_other_nodes|redeem: step 3 (other nodes) missing|s/for \(i = 1; i < CE_MAX_NODES && pages; i\+\+\)/for (i = 1; i < 1 \&\& pages; i++)/'
'redeem_others_from_node_0|redeem: other nodes from node 0, not from n+1|s/u32 other = \(node \+ i\) % CE_MAX_NODES;/u32 other = i - 1;/'
'redeem_nothing|redeem: no claim redeemed at all|s/\t\t\tredeem_claims\(h, d, node, pages\);/\t\t\t(void)0;/'
'e2big_off_by_one|max_pages: an allocation reaching max_pages exactly fails|s/pages > d->max_pages - d->tot_pages\)\)\n\t\treturn -E2BIG;/pages >= d->max_pages - d->tot_pages))\n\t\treturn -E2BIG;/'
'exact_ignored|EXACT_NODE with a node falls back to other nodes|s/if \(node_fits\(h, d, counted, req_node, pages, order\)\)\n\t\t\treturn req_node;\n\t\tif \(exact\)\n\t\t\treturn -1;/if (node_fits(h, d, counted, req_node, pages, order))\n\t\t\treturn req_node;/'
'exact_affinity_ignored|EXACT_NODE without a node uses other nodes|s/\tif \(exact\)\n\t\treturn -1;\n\tfor \(node = 0; node < h->nr_nodes/\tfor (node = 0; node < h->nr_nodes/'
'round_robin_stuck|affinity: always start from node 0|s/start = d \? d->last_alloc_node \+ 1 : 0;/start = 0;/'
'count_limit_off_by_one|install: 2 x nodes + 2 entries accepted|s/nr_entries > 2 \* h->nr_nodes \+ 1/nr_entries > 2 * h->nr_nodes + 2/'
'bad_frames_handed_out|alloc: a block with a bad (poisoned) frame handed out|s/if \(h->frame_bad && pool_retire_bad\(h, node, frame, order, dirty\)\)\n\t\tgoto again;//'
'bad_frames_no_recall|retire: claims that no longer fit not recalled|s/\tn->retired_pages \+= bad;\n\trecall_claims\(h, node\);/\tn->retired_pages += bad;/'
'sp_bad_handed_out|alloc: a superpage with a bad page handed out|s/if \(h->sp_bad && h->sp_bad\(node, \*index_out\)\) \{/if (0) {/'
'sp_bad_no_recall|retire: superpage claims that no longer fit not recalled|s/\t\tn->sp_retired\+\+;\n\t\tsp_recall_claims\(h, node\);/\t\tn->sp_retired++;/'
'retired_onlined|online: retired frames counted as onlinable|s/n->offlined_pages - n->offline_pending - n->retired_pages\)/n->offlined_pages - n->offline_pending)/'
'count_limit_v3|install: the version 3 limit (nodes + 1 entries)|s/nr_entries > 2 \* h->nr_nodes \+ 1/nr_entries > h->nr_nodes + 1/'
'install_node_own_claim_not_free|install: own node claim not counted as free|s/if \(c->pages > node_unclaimed\(h, node\) \+ d->claims\[node\]\)/if (c->pages > node_unclaimed(h, node))/'
'install_host_own_claim_not_free|install: own claims not counted as free in step 4|s/if \(total > host_unclaimed\(h\) \+ d->outstanding_pages\)\n\t\treturn -ENOMEM;\n\n\tinstall_claims/if (total > host_unclaimed(h))\n\t\treturn -ENOMEM;\n\n\tinstall_claims/'
'install_adds|install: adds to the old claims instead of replacing|s/(static void install_claims\(.*?\{\n\tu32 node;\n\n)\tnc_release_claims\(h, d\);\n/$1/s'
'install_not_atomic|install: ENOENT after dropping the old set|s/if \(node >= CE_MAX_NODES \|\| !h->node\[node\].has_pool\)\n\t\t\treturn -ENOENT;/if (node >= CE_MAX_NODES || !h->node[node].has_pool) {\n\t\t\tnc_release_claims(h, d);\n\t\t\treturn -ENOENT;\n\t\t}/'
'install_enoent_before_overflow|install order: ENOENT checked before the sum overflow|s/(\t\tif \(check_add_overflow\(total, c->pages, &total\)\)\n\t\t\treturn -EINVAL;\n)/\t\tif (c->target != NUMACLAIMS_TARGET_HOST \&\& (node >= CE_MAX_NODES || !h->node[node].has_pool))\n\t\t\treturn -ENOENT;\n$1/'
'install_step4_before_step3|install order: host ENOMEM before max_pages EINVAL|s/(\t\/\* 3. the domain.s limit \*\/\n\tif .*?\n\t\treturn -EINVAL;\n)\n(\t\/\* 4. the host.s unclaimed memory \*\/\n\tif .*?\n\t\treturn -ENOMEM;\n)/$2\n$1/s'
'install_no_max_check|install: step 3 (max_pages) missing|s/if \(total > d->max_pages \|\| d->tot_pages > d->max_pages - total\)\n\t\treturn -EINVAL;/(void)0;/'
'legacy_no_one_active|CLAIM_PAGES: second claim accepted|s/\/\* One active claim per domain. \*\/\n\tif \(d->outstanding_pages\)\n\t\treturn -EINVAL;/\/* (mutant) *\//'
'legacy_no_tot_subtract|legacy: claim = target instead of target - tot|s/\*claim = target - d->tot_pages;/*claim = target;/'
'get_no_host_entry|GET: the host-wide entry missing|s/\tif \(host_wide_claim\(d\)\)\n\t\tneeded\+\+;\n//'
'set_max_no_recall|SET_MAX_PAGES recalls nothing (upstream hole)|s/if \(d->outstanding_pages <= allowed\)\n\t\treturn;/return;/'
'set_max_nodes_first|SET_MAX_PAGES recalls node claims before host-wide|s/take = min\(excess, host_wide_claim\(d\)\);\n\tdrop_host_wide_claim\(h, d, take\);\n\texcess -= take;\n(\tfor \(node = 0; node < CE_MAX_NODES && excess; node\+\+\) \{\n.*?\n\t\}\n)/$1\ttake = min(excess, host_wide_claim(d));\n\tdrop_host_wide_claim(h, d, take);\n\texcess -= take;\n/s'
'offline_no_enomem|offline more than free pages (counters wrap)|s/\tif \(pages > n->avail_pages\)\n\t\treturn -ENOMEM;\n\n\tfor \(i = 0; i < pages; i\+\+\) \{\n\t\tu32 f = pool_alloc_block/\tfor (i = 0; i < pages; i++) {\n\t\tu32 f = pool_alloc_block/'
'offline_no_node_recall|offline: node claims not recalled|s/for \(d = h->domains; d && n->outstanding_claims > n->avail_pages;/for (d = h->domains; d \&\& 0;/'
'offline_oldest_first|offline: recall node claims from the oldest domain first|s/for \(d = h->domains; d && n->outstanding_claims > n->avail_pages;\n\t     d = d->next\)/for (d = h->domains; d \&\& d->next; d = d->next)\n\t\t;\n\tfor (; d \&\& n->outstanding_claims > n->avail_pages;\n\t     d = d->prev)/'
'online_no_merge|online: frames not merged back into the buddy|s/(n->pool.state\[f\] = CE_FRAME_USED;\n\t\t)pool_free_block\(&n->pool, f, 0\);/$1n->pool.nr_free++;\n\t\tpool_list_add(\&n->pool, f, 0);/'
'buddy_never_merges|buddy: freed blocks never merge|s/if \(p->state\[buddy\] != \(CE_FRAME_FREE \| order\)\)\n\t\t\tbreak;/break;/'
'buddy_merges_across_chunks|buddy: merging ignores chunk bounds|s/while \(order < p->chunk_order\[f\]\)/while (order < CE_MAX_ORDER)/'
'buddy_no_block_check|node check: no test for a free block of the order|s/return pages <= usable && pool_can_alloc\(&n->pool, order\);/return pages <= usable;/'
'free_gives_claim_back|free: a counted free restores a host-wide claim|s/(\tif \(counted\)\n\t\td->tot_pages -= pages;)/\tif (counted \&\& d->outstanding_pages + d->tot_pages < d->max_pages) {\n\t\td->outstanding_pages += pages;\n\t\th->outstanding_claims += pages;\n\t}\n$1/'
'alloc_scans_pool|buddy: a free block is found by scanning the frames|s/\tfor \(o = order; o <= CE_MAX_ORDER; o\+\+\)\n\t\tif \(p->free_head\[o\] != CE_NO_FRAME\)\n\t\t\tbreak;\n\tif \(o > CE_MAX_ORDER\)\n\t\treturn CE_NO_FRAME;\n\tf = p->free_head\[o\];/\tfor (f = 0; f < p->nr_frames; f++)\n\t\tif (CE_FRAME_KIND(p->state[f]) == CE_FRAME_FREE \&\& CE_FRAME_ORDER(p->state[f]) >= order)\n\t\t\tbreak;\n\tif (f == p->nr_frames)\n\t\treturn CE_NO_FRAME;\n\to = CE_FRAME_ORDER(p->state[f]);/'
'sp_claim_no_protection|superpages: a claimed superpage is anyone'"'"'s|s/return n->sp_avail > n->sp_claims;/return true;/'
'sp_noref_uses_claim|superpages: NO_REFCOUNT may use the own superpage claim|s/if \(counted && d->sp_claims\[node\]\)\n\t\treturn true;/if (d \&\& d->sp_claims[node])\n\t\treturn true;/'
'sp_own_claim_not_redeemed|superpages: the own superpage claim is not redeemed first|s/\tif \(d->sp_claims\[node\]\) \{\n\t\tdrop_sp_claim\(h, d, node, 1\);/\tif (0) {\n\t\tdrop_sp_claim(h, d, node, 1);/'
'sp_no_excess|superpages: max_pages never gives up other nodes'"'"' superpage claims|s/\td->redeemed\[2\] -= pages;\n\tsp_redeem_excess\(h, d, node\);/\td->redeemed[2] -= pages;/'
'sp_excess_from_node_0|superpages: excess given up from node 0, not from n + 1|s/u32 other = \(node \+ i\) % h->nr_nodes;/u32 other = (i - 1) % h->nr_nodes;/'
'sp_set_max_rounds_down|superpages: SET_MAX_PAGES leaves a partly excess superpage claim|s/\(excess \+ CE_SP_PAGES - 1\) \/ CE_SP_PAGES\);\n\t\tif \(take\)\n\t\t\tdrop_sp_claim\(h, d, node, take\);/excess \/ CE_SP_PAGES);\n\t\tif (take)\n\t\t\tdrop_sp_claim(h, d, node, take);/'
'sp_install_ignores_others|superpages: install ignores other domains'"'"' superpage claims|s/if \(sps > n->sp_avail - n->sp_claims \+/if (sps > n->sp_avail +/'
'sp_install_host_counts_sp|install: superpage claims counted against the host'"'"'s 4 KiB pages|s/if \(total4k > host_unclaimed\(h\)/if (total > host_unclaimed(h)/'
'sp_get_count_misses_sp|GET: superpage entries not counted|s/needed \+= !!d->claims\[node\] \+ !!d->sp_claims\[node\];/needed += !!d->claims[node];/'
'sp_legacy_ignores_sp|CLAIM_PAGES: accepted beside superpage claims|s/if \(d->outstanding_pages \|\| d->sp_claims_total\)/if (d->outstanding_pages)/'
'sp_release_keeps_sp|release: superpage claims kept|s/for \(node = 0; node < h->nr_nodes && d->sp_claims_total; node\+\+\)/for (node = 0; node < 0 \&\& d->sp_claims_total; node++)/'
'sp_checker_blind|checker: a lost superpage not reported|s/CE_CHECK\(n->sp_reserved == n->sp_avail/CE_CHECK(1 || n->sp_reserved == n->sp_avail/'
'sp_req_node_falls_back|superpages: a requested node falls back to others|s/return sp_node_fits\(h, d, counted, req_node\) \? req_node : -1;/if (sp_node_fits(h, d, counted, req_node))\n\t\t\treturn req_node;/'
'affinity_keeps_no_pool_bits|affinity: bits of nodes without a pool kept|s/d->node_affinity = mask & h->nodes_with_pool;/d->node_affinity = mask;/'
'held_not_linked|held list: ce_free_held() does not link the frame|s/\tp->held_head = frame;\n/\t(void)0;\n/'
'held_release_keeps_link|held list: ce_release_held() leaves the frame linked|s/\telse\n\t\tp->held_head = next;\n\tif \(next != CE_NO_FRAME\)\n\t\tp->prev\[next\] = prev;\n\th->node\[node\].held_pages--;/\th->node[node].held_pages--;/'
'held_audit_blind|held list: the audit does not count the list|s/CE_CHECK\(n == h->node\[node\].held_pages,/CE_CHECK(1 || n == h->node[node].held_pages,/'
'shrink_ignores_claims|resize: a shrink takes claimed free pages|s/if \(pages > ce_pool_unclaimed\(h, node\)\)\n\t\treturn -EBUSY;/if (pages > n->avail_pages)\n\t\treturn -EBUSY;/'
'shrink_ignores_host_claims|resize: a shrink ignores host-wide claims|s/return min\(n->avail_pages - n->outstanding_claims,\n\t\t   h->total_avail_pages - h->outstanding_claims\);/return n->avail_pages - n->outstanding_claims;/'
'shrink_smallest_first|resize: a shrink splits blocks before taking whole ones|s/while \(max_o < CE_MAX_ORDER && max_o < max_order &&\n\t       \(2ULL << max_o\) <= n->shrink_pending\)/while (0)/'
'absent_never_merged|resize: absent buddies are not merged|s/\twhile \(order < CE_MAX_ORDER\) \{\n\t\tu32 buddy = f \^ \(1U << order\);\n\n\t\tif \(\(u64\)buddy/\twhile (0) {\n\t\tu32 buddy = f ^ (1U << order);\n\n\t\tif ((u64)buddy/'
'slot_unaligned|resize: a slot above top is not aligned|s/slot = \(\(u64\)p->top \+ \(1U << order\) - 1\) & ~\(\(u64\)\(1U << order\) - 1\);/slot = p->top;/'
'merge_across_chunks|resize: buddies merge across a regrown chunk|s/if \(p->chunk_order\[buddy\] <= order \|\|\n\t\t    !pool_buddy_free/if (!pool_buddy_free/'
'shortfall_host_others_first|grow on claim: the host part goes to other nodes before the set'"'"'s|s/host = spread_growth\(h, grow & set_nodes, room, shortfall, host\);\n\thost = spread_growth\(h, grow & ~set_nodes/host = spread_growth(h, grow \& ~set_nodes, room, shortfall, host);\n\thost = spread_growth(h, grow \& set_nodes/'
'shortfall_own_claim_ignored|grow on claim: the domain'"'"'s own claim is not counted as free|s/have = node_unclaimed\(h, node\) \+ d->claims\[node\];/have = node_unclaimed(h, node);/'
'shortfall_no_room_check|grow on claim: a node grows beyond its room|s/\|\| c->pages - have > room\[node\]\)/)/'
)

echo "engine mutants: ${#mutations[@]}; source $src"
# Build the test objects once, against a fresh copy of the real engine (a
# copy, so that its mtime is newer than a previous mutant's object).
mkdir -p "$out/baseline"
cp "$src" "$out/baseline/claims_engine.c"
$make_cmd O="$build" ENGINE_SRC="$out/baseline/claims_engine.c" \
	"$build/engine_test" >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; echo "mutants: the unmutated build fails" >&2; exit 1; }

# Tests that fail on the unmutated engine do not count as catching a mutant.
ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 timeout 120 "$build/engine_test" \
	>"$out/baseline.tap" 2>&1
grep '^not ok' "$out/baseline.tap" | sed 's/^not ok [0-9]* //' | sort >"$out/baseline.fail"
if [ -s "$out/baseline.fail" ]; then
	echo "baseline: $(wc -l <"$out/baseline.fail") tests fail on the real engine; ignored below:"
	sed 's/^/  /' "$out/baseline.fail"
fi

killed=0 survived=0 stale=0	# stale: pattern gone or mutant broken
for m in "${mutations[@]}"; do
	name=${m%%|*}; rest=${m#*|}; why=${rest%%|*}; expr=${rest#*|}
	# MUTANTS=a,b: only those (while working on them).
	[ -n "${MUTANTS:-}" ] && [[ ",$MUTANTS," != *",$name,"* ]] && continue
	dir=$out/$name
	mkdir -p "$dir"
	cp "$src" "$dir/claims_engine.c"
	perl -0pi -e "$expr" "$dir/claims_engine.c"
	if cmp -s "$src" "$dir/claims_engine.c"; then
		printf '%-34s stale: pattern no longer matches the engine\n' "$name"
		stale=$((stale + 1))
		continue
	fi
	diff -u "$src" "$dir/claims_engine.c" >"$dir/mutation.diff"
	# -Wno-error: a mutant that leaves a variable unused must still run.
	if ! $make_cmd O="$build" ENGINE_SRC="$dir/claims_engine.c" \
		ENGINE_CFLAGS=-Wno-error "$build/engine_test" >"$dir/build.log" 2>&1; then
		printf '%-34s BROKEN: does not compile (fix the mutation)\n' "$name"
		stale=$((stale + 1))
		continue
	fi
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 timeout 120 \
		"$build/engine_test" >"$dir/tap" 2>&1
	rc=$?
	grep '^not ok' "$dir/tap" | sed 's/^not ok [0-9]* //' | sort |
		comm -23 - "$out/baseline.fail" >"$dir/caught"
	caught=$(wc -l <"$dir/caught")
	if [ "$caught" -gt 0 ]; then
		printf '%-34s killed by %3d tests, e.g. %s\n' "$name" "$caught" \
			"$(head -3 "$dir/caught" | paste -sd, -)"
		killed=$((killed + 1))
	elif [ "$rc" -ne 0 ] && ! grep -q '^# \(PASSED\|FAILED\)' "$dir/tap"; then
		printf '%-34s killed (test program died, rc %d)\n' "$name" "$rc"
		killed=$((killed + 1))
	else
		printf '%-34s SURVIVED: %s\n' "$name" "$why"
		survived=$((survived + 1))
	fi
done
echo "mutants: $killed killed, $survived survived, $stale stale (details in $out/<name>/)"
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ]
