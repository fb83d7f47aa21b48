// SPDX-License-Identifier: GPL-2.0
/*
 * Engine unit tests: the randomised differential test against the reference
 * model (tl_model.c).
 * #included by engine_test.c (one translation unit: the kselftest harness
 * keeps its test list in file-static variables).
 */

FIXTURE(random) {
	struct tl t;
	struct tl_model m;
	u64 rng;
	char op[256];
};

FIXTURE_VARIANT(random) {
	const struct tl_layout *layout;
	u64 seed;
	u32 ops;
};

FIXTURE_VARIANT_ADD(random, four_nodes_seed1) {
	.layout = &four_nodes, .seed = 1, .ops = 6000,
};
FIXTURE_VARIANT_ADD(random, four_nodes_seed2) {
	.layout = &four_nodes, .seed = 0x5eed, .ops = 6000,
};
FIXTURE_VARIANT_ADD(random, sparse_nodes_seed3) {
	.layout = &sparse_nodes, .seed = 3, .ops = 6000,
};
FIXTURE_VARIANT_ADD(random, two_nodes_seed4) {
	.layout = &two_nodes, .seed = 4, .ops = 4000,
};

FIXTURE_SETUP(random)
{
	ASSERT_EQ(0, tl_build(T, variant->layout));
	tl_model_init(&self->m, T);
	self->rng = variant->seed * 0x9E3779B97F4A7C15ULL + 1;
}

FIXTURE_TEARDOWN(random)
{
	const char *msg = tl_finish(T);

	if (msg) {
		TH_LOG("teardown: %s", msg);
		EXPECT_TRUE(msg == NULL);
	}
	tl_release(T);
}

static u64 rnd(u64 *s)
{
	/* splitmix64 */
	u64 z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static u64 rnd_pages(u64 *s, u64 scale)
{
	switch (rnd(s) % 10) {
	case 0:
		return 0;
	case 1:
	case 2:
	case 3:
		return rnd(s) % 20;
	case 4:
	case 5:
	case 6:
		return rnd(s) % (scale + 1);
	case 7:
		return rnd(s) % (4 * scale + 1);
	case 8:
		return U64MAX - rnd(s) % 3;
	default:
		return rnd(s) % 600;
	}
}

static u32 rnd_target(u64 *s, const struct tl *t)
{
	switch (rnd(s) % 20) {
	case 0:
	case 1:
	case 2:
		return HOST;
	case 3:
		return LEGACY;
	case 4:
		return no_pool_node(&t->h);
	case 5:
		return rnd(s) % 2 ? 64 + rnd(s) % 100 :
				    SPECIAL + rnd(s) % 3;
	default:
		return t->pool_node[rnd(s) % t->nr_pool];
	}
}

/*
 * A claim set a builder would install: distinct pool nodes in random
 * order, each for part of what is unclaimed there (own claim included),
 * and maybe a host-wide part; it still fails now and then (host total,
 * max_pages), as real ones do under pressure.
 */
static u32 plausible_set(const struct tl *t, const struct ce_domain *d,
			 u64 *s, claim_t *set)
{
	u32 nr = 0, k, n;
	u64 free_host = tl_unclaimed(t) + d->outstanding_pages;

	for (k = 0; k < t->nr_pool; k++) {
		n = t->pool_node[(k + rnd(s)) % t->nr_pool];
		if (rnd(s) % 2)
			continue;
		for (u32 j = 0; j < nr; j++)
			if (set[j].target == n)
				goto next;
		set[nr++] = (claim_t){
			.pages = rnd(s) % (tl_node_unclaimed(t, n) +
					   d->claims[n] + 1) / (1 + rnd(s) % 3),
			.target = n,
		};
next:		;
	}
	/* Superpage claims on some nodes, within what is unclaimed there. */
	for (k = 0; k < t->nr_pool; k++) {
		const struct ce_node *nd;

		n = t->pool_node[(k + rnd(s)) % t->nr_pool];
		nd = &t->h.node[n];
		if (rnd(s) % 3)
			continue;
		for (u32 j = 0; j < nr; j++)
			if (set[j].target == n &&
			    set[j].cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
				goto next_sp;
		set[nr++] = (claim_t){
			.pages = SP * (rnd(s) % (nd->sp_avail - nd->sp_claims +
						 d->sp_claims[n] + 1)),
			.target = n, .cmd = NUMACLAIMS_CLAIM_SUPERPAGES,
		};
next_sp:	;
	}
	if (!nr || rnd(s) % 2)
		set[nr++] = (claim_t){
			.pages = rnd(s) % (free_host + 1) / (1 + rnd(s) % 4),
			.target = HOST,
		};
	return nr;
}

static int rnd_dom(struct tl *t, u64 *s)
{
	int i, live[TL_MAX_DOMS], nr = 0;

	for (i = 0; i < TL_MAX_DOMS; i++)
		if (t->dom_live[i])
			live[nr++] = i;
	return nr ? live[rnd(s) % nr] : -1;
}

static int live_doms(const struct tl *t)
{
	int i, nr = 0;

	for (i = 0; i < TL_MAX_DOMS; i++)
		nr += t->dom_live[i];
	return nr;
}

/*
 * Thousands of random operations on 3-4 domains; after every one, the
 * engine's return value, chosen node and every counter must match the
 * reference model, the invariants must hold, and a failed call must have
 * changed nothing.
 */
TEST_F(random, differential_against_model)
{
	struct tl_model *m = &self->m;
	u64 *s = &self->rng;
	struct tl_snap *snap = malloc(sizeof(*snap));
	u64 counts[13] = { 0 }, fails = 0, ok_sp = 0, sp_claimed_ops = 0;
	/* What the run exercised, so a weak generator shows in the log. */
	u64 ok_install = 0, ok_alloc = 0, redeemed = 0, recalled = 0;
	u64 claimed_ops = 0, enomem_claimed = 0, off_claim = 0;
	u64 alloc_err[5] = { 0 };
	u32 op;

	ASSERT_NE(NULL, snap);
	for (op = 0; op < variant->ops; op++) {
		int kind = rnd(s) % 100, i = rnd_dom(T, s), rc = 0, want = 0;
		bool mutating = true;
		const char *msg;

		/*
		 * Alternate phases of 400 ops: in fill phases frees become
		 * allocations, so the heap runs full and claims must protect.
		 */
		if ((op / 400) % 2 && kind >= 40 && kind < 60)
			kind = 20;

		tl_snap(T, snap);
		claimed_ops += H->outstanding_claims != 0;
		for (u32 n = 0; n < H->nr_nodes; n++)
			if (H->node[n].sp_claims) {
				sp_claimed_ops++;
				break;
			}
		if (i < 0 || (kind < 4 && live_doms(T) < 4) ||
		    (kind < 4 && rnd(s) % 3 == 0)) {
			/* Create a domain (destroy one first if full). */
			u64 maxes[] = { 0, 1 + rnd(s) % 64, rnd(s) % 2000,
					rnd(s) % 8000, BIG, BIG };
			u64 max = maxes[rnd(s) % 6];
			struct ce_domain *d;

			if (live_doms(T) >= 4) {
				size_t e;

				for (e = 0; e < T->nr_ext; e++) {
					if (T->ext[e].d != &T->dom[i])
						continue;
					if (T->ext[e].sp)
						tl_model_free_sp(m, i, T->ext[e].node,
								 T->ext[e].counted);
					else
						tl_model_free(m, i, T->ext[e].node,
							      T->ext[e].order,
							      T->ext[e].counted);
				}
				snprintf(self->op, sizeof(self->op),
					 "destroy dom %u", T->dom[i].domid);
				tl_destroy(T, &T->dom[i]);
				tl_model_remove(m, i);
			}
			d = tl_dom(T, max);
			ASSERT_NE(NULL, d);
			i = tl_dom_index(T, d);
			tl_model_create(m, i, max, T->dom_seq[i], d);
			snprintf(self->op, sizeof(self->op),
				 "create dom %u max %" PRIu64, d->domid, max);
			mutating = false;
			counts[0]++;
		} else if (kind < 40) {
			struct ce_domain *d;
			int tries;

			/* Mostly domains that may still grow (E2BIG is cheap). */
			for (tries = 0; tries < 3 && T->dom[i].tot_pages >=
						     T->dom[i].max_pages; tries++)
				i = rnd_dom(T, s);
			d = &T->dom[i];
			u32 r = rnd(s) % 100, order, flags = 0, mnode = 0, enode = 0;
			int req = -1;
			bool sp;

			order = r < 50 ? 0 : r < 70 ? 1 + rnd(s) % 3 :
				r < 85 ? 4 + rnd(s) % 4 :
				r < 98 ? 8 + rnd(s) % 2 : 10 + rnd(s) % 3;
			if (rnd(s) % 2)
				req = rnd(s) % 8 ? (int)T->pool_node[rnd(s) % NP] :
				      rnd(s) % 2 ? (int)(rnd(s) % (H->nr_nodes + 1)) :
						   64 + (int)(rnd(s) % 190);
			if (rnd(s) % 4 == 0)
				flags |= EXACT;
			if (rnd(s) % 7 == 0)
				flags |= NOREF;
			/* A quarter of them superpages. */
			sp = rnd(s) % 4 == 0;
			snprintf(self->op, sizeof(self->op),
				 "alloc%s dom %u order %u node %d flags %#x",
				 sp ? " superpage" : "", d->domid,
				 sp ? CE_SP_ORDER : order, req, flags);
			if (sp) {
				order = CE_SP_ORDER;
				want = tl_model_alloc_sp(m, i, req, flags, &mnode);
				rc = tl_alloc_sp(T, d, req, flags, &enode);
				ok_sp += !rc;
			} else {
				want = tl_model_alloc(m, i, order, req, flags, H,
						      &mnode);
				rc = tl_alloc(T, d, order, req, flags, &enode);
			}
			if (!rc && !want)
				ASSERT_EQ(mnode, enode) TH_LOG("op %u: %s", op, self->op);
			ok_alloc += !rc;
			alloc_err[rc == -ENOMEM ? 0 : rc == -E2BIG ? 1 :
				  rc == -ENOENT ? 2 : rc == -EINVAL ? 3 : 4] += !!rc;
			redeemed += !rc && H->outstanding_claims <
					   snap->h.outstanding_claims;
			off_claim += !rc && snap->dom[i].outstanding_pages &&
				     !snap->dom[i].claims[enode] &&
				     snap->dom[i].outstanding_pages ==
				     snap->dom[i].node_claims;
			enomem_claimed += rc == -ENOMEM &&
					  snap->h.total_avail_pages >= (1ULL << order);
			counts[1]++;
		} else if (kind < 60) {
			size_t e;

			if (!T->nr_ext)
				continue;
			e = rnd(s) % T->nr_ext;
			snprintf(self->op, sizeof(self->op),
				 "free ext node %u frame %u order %u%s",
				 T->ext[e].node, T->ext[e].frame, T->ext[e].order,
				 T->ext[e].sp ? T->ext[e].held ?
				 " (release held superpage)" :
				 " (superpage)" : "");
			if (T->ext[e].sp && T->ext[e].held) {
				tl_model_release_sp(m, T->ext[e].node);
				tl_release_held(T, e);
				counts[11]++;
			} else if (T->ext[e].sp && T->ext[e].d && rnd(s) % 3 == 0) {
				/* Someone still holds it. */
				tl_model_hold_sp(m, tl_dom_index(T, T->ext[e].d),
						 T->ext[e].node, T->ext[e].counted);
				tl_hold_sp(T, e);
				counts[11]++;
			} else if (T->ext[e].sp) {
				/* A superpage is freed whole. */
				tl_model_free_sp(m, tl_dom_index(T, T->ext[e].d),
						 T->ext[e].node, T->ext[e].counted);
				tl_free_ext(T, e);
			} else if (T->ext[e].order && rnd(s) % 2) {
				/* One page of it, as the module's physmap does. */
				u32 off = rnd(s) % (1U << T->ext[e].order);

				tl_model_free(m, tl_dom_index(T, T->ext[e].d),
					      T->ext[e].node, 0,
					      T->ext[e].counted);
				tl_free_page(T, e, off);
			} else {
				tl_model_free(m, tl_dom_index(T, T->ext[e].d),
					      T->ext[e].node, T->ext[e].order,
					      T->ext[e].counted);
				tl_free_ext(T, e);
			}
			mutating = false;
			counts[2]++;
		} else if (kind < 74) {
			claim_t set[2 * CE_MAX_NODES + 3];
			u32 nr, k, r = rnd(s) % 100;
			int len;

			if (rnd(s) % 5 < 3) {
				/* What a domain builder would ask for. */
				nr = plausible_set(T, &T->dom[i], s, set);
			} else {
				nr = r < 3 ? 0 : r < 6 ? 2 * H->nr_nodes + 2 :
				     1 + rnd(s) % (2 * H->nr_nodes + 1);
				for (k = 0; k < nr; k++) {
					u32 c = rnd(s) % 50;

					set[k].target = rnd_target(s, T);
					set[k].pages = rnd_pages(s, 300);
					set[k].cmd = c < 35 ? 0 : c < 49 ?
						     NUMACLAIMS_CLAIM_SUPERPAGES :
						     2 + rnd(s) % 7;
					/* Mostly whole superpages. */
					if (set[k].cmd == NUMACLAIMS_CLAIM_SUPERPAGES &&
					    rnd(s) % 4)
						set[k].pages = SP * (rnd(s) % 4);
				}
			}
			len = snprintf(self->op, sizeof(self->op),
				       "install dom %u nr %u:", T->dom[i].domid, nr);
			for (k = 0; k < nr; k++) {
				len += snprintf(self->op + len,
						sizeof(self->op) - len,
						" {%" PRIu64 ",%#x,%u}",
						(u64)set[k].pages, set[k].target,
						set[k].cmd);
				if (len >= (int)sizeof(self->op) - 40)
					len = sizeof(self->op) - 40;
			}
			want = tl_model_install(m, i, set, nr);
			rc = ce_claim_set_install(H, &T->dom[i], set, nr);
			ok_install += !rc;
			counts[3]++;
		} else if (kind < 78) {
			struct ce_domain *d = &T->dom[i];
			u64 pages = rnd(s) % 5 == 0 ? 0 :
				    rnd(s) % 2 ? d->tot_pages + rnd_pages(s, 200) :
				    d->tot_pages + 1 + rnd(s) % (tl_unclaimed(T) + 1);

			snprintf(self->op, sizeof(self->op),
				 "legacy dom %u pages %" PRIu64, d->domid, pages);
			want = tl_model_legacy(m, i, pages);
			rc = ce_claim_pages_legacy(H, d, pages);
			counts[4]++;
		} else if (kind < 83) {
			struct ce_domain *d = &T->dom[i];
			u64 max = rnd(s) % 3 ? d->tot_pages + d->outstanding_pages +
					       d->sp_claims_total * SP -
					       rnd(s) % (rnd(s) % 2 ? 60 : 1400) :
					       rnd(s) % 3000;

			if (max > BIG)
				max = rnd(s) % 100;
			snprintf(self->op, sizeof(self->op),
				 "set_max dom %u max %" PRIu64, d->domid, max);
			tl_model_set_max(m, i, max);
			ce_set_max_pages(H, d, max);
			mutating = false;
			counts[5]++;
		} else if (kind < 86) {
			u64 mask = rnd(s) % 4 ? rnd(s) & ((1ULL << (H->nr_nodes + 1)) - 1) :
				   rnd(s);

			snprintf(self->op, sizeof(self->op),
				 "affinity dom %u mask %#llx", T->dom[i].domid,
				 (unsigned long long)mask);
			want = tl_model_set_affinity(m, i, mask);
			rc = ce_set_node_affinity(H, &T->dom[i], mask);
			counts[6]++;
		} else if (kind < 90) {
			u32 node = rnd(s) % (H->nr_nodes + 1);
			u64 av = H->node[node].avail_pages, pages;

			/* Sometimes right down to the claims, to force recalls. */
			switch (rnd(s) % 8) {
			case 0:
				pages = U64MAX;
				break;
			case 1:
			case 2:
				pages = av - min(av, H->node[node].outstanding_claims) +
					rnd(s) % 40;
				break;
			default:
				pages = rnd(s) % (av / 3 + 3);
			}

			snprintf(self->op, sizeof(self->op),
				 "offline node %u pages %" PRIu64, node, pages);
			want = tl_model_offline(m, node, pages);
			rc = ce_offline_pages(H, node, pages);
			counts[7]++;
		} else if (kind < 92 && rnd(s) % 2) {
			/* Resize: shrink to the claims, or grow back. */
			u32 node = rnd(s) % (H->nr_nodes + 1);
			u64 pages = rnd(s) % 3 ? rnd(s) % 64 :
				    ce_pool_unclaimed(H, node) + rnd(s) % 3;

			if (H->node[node].has_pool && rnd(s) % 2) {
				unsigned int order = rnd(s) % (CE_MAX_ORDER + 1);

				snprintf(self->op, sizeof(self->op),
					 "grow node %u order %u", node, order);
				rc = tl_grow(T, node, order);
				want = rc == -ENOSPC ? -ENOSPC : 0;
				if (!rc)
					tl_model_grow(m, node, 1ULL << order);
			} else {
				snprintf(self->op, sizeof(self->op),
					 "shrink node %u pages %" PRIu64, node,
					 pages);
				want = tl_model_shrink(m, node, pages);
				rc = tl_shrink(T, node, pages);
			}
			counts[12]++;
		} else if (kind < 94) {
			u32 node = rnd(s) % (H->nr_nodes + 1);
			u64 pages = rnd(s) % (H->node[node].offlined_pages + 3);

			snprintf(self->op, sizeof(self->op),
				 "online node %u pages %" PRIu64, node, pages);
			want = tl_model_online(m, node, pages);
			rc = ce_online_pages(H, node, pages);
			counts[8]++;
		} else if (kind < 96) {
			snprintf(self->op, sizeof(self->op), "release dom %u",
				 T->dom[i].domid);
			tl_model_release(m, i);
			ce_release_claims(H, &T->dom[i]);
			mutating = false;
			counts[9]++;
		} else {
			/* GET: compare the set with the model's claims. */
			claim_t out[2 * CE_MAX_NODES + 1];
			const struct tl_mdom *md = &m->d[i];
			u32 cap = rnd(s) % 3 ? rnd(s) % 6 :
				  rnd(s) % (2 * CE_MAX_NODES + 2), nr = cap;
			u32 need = 0, n, k = 0;

			for (n = 0; n < CE_MAX_NODES; n++)
				need += !!md->claims[n] + !!md->sp_claims[n];
			need += !!md->host;
			snprintf(self->op, sizeof(self->op), "get dom %u cap %u",
				 T->dom[i].domid, cap);
			if (cap > 2 * CE_MAX_NODES + 1)
				cap = nr = 2 * CE_MAX_NODES + 1;
			rc = ce_claim_set_get(H, &T->dom[i], out, &nr);
			if (need > cap) {
				ASSERT_EQ(-ERANGE, rc);
				ASSERT_EQ(need, nr);
			} else {
				ASSERT_EQ(0, rc);
				ASSERT_EQ(need, nr);
				for (n = 0; n < CE_MAX_NODES; n++) {
					if (!md->claims[n])
						continue;
					ASSERT_EQ(n, out[k].target);
					ASSERT_EQ(md->claims[n], out[k].pages);
					ASSERT_EQ(0, out[k].cmd);
					k++;
				}
				/* Then the superpage entries, then HOST. */
				for (n = 0; n < CE_MAX_NODES; n++) {
					if (!md->sp_claims[n])
						continue;
					ASSERT_EQ(n, out[k].target);
					ASSERT_EQ(md->sp_claims[n] * SP,
						  out[k].pages);
					ASSERT_EQ(SPC, out[k].cmd);
					k++;
				}
				if (md->host) {
					ASSERT_EQ(HOST, out[k].target);
					ASSERT_EQ(md->host, out[k].pages);
					ASSERT_EQ(0, out[k].cmd);
				}
			}
			rc = want = 0;
			counts[10]++;
		}

		ASSERT_EQ(want, rc) TH_LOG("op %u: %s", op, self->op);
		if ((kind >= 78 && kind < 83) || (kind >= 86 && kind < 90))
			recalled += H->outstanding_claims <
				    snap->h.outstanding_claims;
		msg = tl_check(T);
		ASSERT_TRUE(msg == NULL) TH_LOG("op %u: %s: %s", op, self->op, msg);
		msg = tl_model_compare(T, m);
		ASSERT_TRUE(msg == NULL) TH_LOG("op %u: %s: model: %s", op,
						self->op, msg);
		if (rc && mutating) {
			fails++;
			msg = tl_snap_diff(T, snap);
			ASSERT_TRUE(msg == NULL) TH_LOG("op %u: failed %s changed %s",
							op, self->op, msg);
		}
	}
	free(snap);
	TH_LOG("ops: create %" PRIu64 " alloc %" PRIu64 " free %" PRIu64
	       " install %" PRIu64 " legacy %" PRIu64 " max %" PRIu64
	       " affinity %" PRIu64 " offline %" PRIu64 " online %" PRIu64
	       " release %" PRIu64 " get %" PRIu64 " resize %" PRIu64
	       "; failed calls %" PRIu64 "; outstanding now %" PRIu64,
	       counts[0], counts[1], counts[2], counts[3], counts[4],
	       counts[5], counts[6], counts[7], counts[8], counts[9],
	       counts[10], counts[12], fails, H->outstanding_claims);
	TH_LOG("installed %" PRIu64 ", allocated %" PRIu64 " (%" PRIu64
	       " redeemed, %" PRIu64 " off-claim), ENOMEM with free memory %"
	       PRIu64 ", recalls %" PRIu64 ", ops with claims outstanding %"
	       PRIu64, ok_install, ok_alloc, redeemed, off_claim,
	       enomem_claimed, recalled, claimed_ops);
	TH_LOG("superpages: allocated %" PRIu64 ", held or released %" PRIu64
	       ", ops with superpage claims outstanding %" PRIu64, ok_sp,
	       counts[11], sp_claimed_ops);
	TH_LOG("alloc errors: ENOMEM %" PRIu64 " E2BIG %" PRIu64 " ENOENT %"
	       PRIu64 " EINVAL %" PRIu64, alloc_err[0], alloc_err[1],
	       alloc_err[2], alloc_err[3]);
}
