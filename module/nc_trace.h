/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numaclaims tracepoints (tracefs events/numaclaims/, perf trace, bpftrace,
 * trace-cmd): claim sets installed and released, claims recalled by
 * offlining, populate extents with where their claims were redeemed from,
 * allocations refused by claim protection, offline and online requests.
 */
#ifdef NC_NO_TRACEPOINTS
/*
 * numaclaims_kunit.ko links the core too: only numaclaims.ko registers the
 * events (two modules cannot own the same ones).
 */
#ifndef _NC_TRACE_STUBS_H
#define _NC_TRACE_STUBS_H
#define trace_numaclaims_claim_install(...)	do { } while (0)
#define trace_numaclaims_claim_release(...)	do { } while (0)
#define trace_numaclaims_claim_recall(...)	do { } while (0)
#define trace_numaclaims_populate_extent(...)	do { } while (0)
#define trace_numaclaims_populate_refused(...)	do { } while (0)
#define trace_numaclaims_offline(...)		do { } while (0)
#define trace_numaclaims_pool_resize(...)	do { } while (0)
#endif
#else /* !NC_NO_TRACEPOINTS */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM numaclaims

#if !defined(_NC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NC_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(numaclaims_claim_install,
	TP_PROTO(u32 domid, u32 nr_entries, u64 node_claims, u64 host_claim,
		 int ret),
	TP_ARGS(domid, nr_entries, node_claims, host_claim, ret),
	TP_STRUCT__entry(
		__field(u32, domid)
		__field(u32, nr_entries)
		__field(u64, node_claims)
		__field(u64, host_claim)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->domid = domid;
		__entry->nr_entries = nr_entries;
		__entry->node_claims = node_claims;
		__entry->host_claim = host_claim;
		__entry->ret = ret;
	),
	TP_printk("domid=%u entries=%u node_claims=%llu host_claim=%llu ret=%d",
		  __entry->domid, __entry->nr_entries, __entry->node_claims,
		  __entry->host_claim, __entry->ret)
);

TRACE_EVENT(numaclaims_claim_release,
	TP_PROTO(u32 domid, u64 pages),
	TP_ARGS(domid, pages),
	TP_STRUCT__entry(
		__field(u32, domid)
		__field(u64, pages)
	),
	TP_fast_assign(
		__entry->domid = domid;
		__entry->pages = pages;
	),
	TP_printk("domid=%u pages=%llu", __entry->domid, __entry->pages)
);

/* A claim recalled by OFFLINE_PAGES; @node is -1 for the host-wide part. */
TRACE_EVENT(numaclaims_claim_recall,
	TP_PROTO(u32 domid, int node, u64 pages),
	TP_ARGS(domid, node, pages),
	TP_STRUCT__entry(
		__field(u32, domid)
		__field(int, node)
		__field(u64, pages)
	),
	TP_fast_assign(
		__entry->domid = domid;
		__entry->node = node;
		__entry->pages = pages;
	),
	TP_printk("domid=%u node=%d pages=%llu", __entry->domid,
		  __entry->node, __entry->pages)
);

/* One populated extent and the claims its pages redeemed. */
TRACE_EVENT(numaclaims_populate_extent,
	TP_PROTO(u32 domid, u64 gfn, unsigned int order, u32 node,
		 u64 from_node_claim, u64 from_host_claim,
		 u64 from_other_claims),
	TP_ARGS(domid, gfn, order, node, from_node_claim, from_host_claim,
		from_other_claims),
	TP_STRUCT__entry(
		__field(u32, domid)
		__field(u64, gfn)
		__field(unsigned int, order)
		__field(u32, node)
		__field(u64, from_node_claim)
		__field(u64, from_host_claim)
		__field(u64, from_other_claims)
	),
	TP_fast_assign(
		__entry->domid = domid;
		__entry->gfn = gfn;
		__entry->order = order;
		__entry->node = node;
		__entry->from_node_claim = from_node_claim;
		__entry->from_host_claim = from_host_claim;
		__entry->from_other_claims = from_other_claims;
	),
	TP_printk("domid=%u gfn=%#llx order=%u node=%u redeemed node=%llu host=%llu other=%llu",
		  __entry->domid, __entry->gfn, __entry->order, __entry->node,
		  __entry->from_node_claim, __entry->from_host_claim,
		  __entry->from_other_claims)
);

/* An extent refused (ENOMEM): claim protection or no memory left. */
TRACE_EVENT(numaclaims_populate_refused,
	TP_PROTO(u32 domid, u64 gfn, unsigned int order, int req_node,
		 bool exact, int ret),
	TP_ARGS(domid, gfn, order, req_node, exact, ret),
	TP_STRUCT__entry(
		__field(u32, domid)
		__field(u64, gfn)
		__field(unsigned int, order)
		__field(int, req_node)
		__field(bool, exact)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->domid = domid;
		__entry->gfn = gfn;
		__entry->order = order;
		__entry->req_node = req_node;
		__entry->exact = exact;
		__entry->ret = ret;
	),
	TP_printk("domid=%u gfn=%#llx order=%u node=%d exact=%d ret=%d",
		  __entry->domid, __entry->gfn, __entry->order,
		  __entry->req_node, __entry->exact, __entry->ret)
);

TRACE_EVENT(numaclaims_offline,
	TP_PROTO(u32 node, u64 pages, bool online, int ret),
	TP_ARGS(node, pages, online, ret),
	TP_STRUCT__entry(
		__field(u32, node)
		__field(u64, pages)
		__field(bool, online)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->node = node;
		__entry->pages = pages;
		__entry->online = online;
		__entry->ret = ret;
	),
	TP_printk("%s node=%u pages=%llu ret=%d",
		  __entry->online ? "online" : "offline", __entry->node,
		  __entry->pages, __entry->ret)
);

TRACE_EVENT(numaclaims_pool_resize,
	TP_PROTO(u32 node, u64 old_pages, u64 new_pages, u64 ns, int ret),
	TP_ARGS(node, old_pages, new_pages, ns, ret),
	TP_STRUCT__entry(
		__field(u32, node)
		__field(u64, old_pages)
		__field(u64, new_pages)
		__field(u64, ns)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->node = node;
		__entry->old_pages = old_pages;
		__entry->new_pages = new_pages;
		__entry->ns = ns;
		__entry->ret = ret;
	),
	TP_printk("node=%u pages=%llu->%llu ns=%llu ret=%d", __entry->node,
		  __entry->old_pages, __entry->new_pages, __entry->ns,
		  __entry->ret)
);

#endif /* _NC_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nc_trace
#include <trace/define_trace.h>

#endif /* NC_NO_TRACEPOINTS */
