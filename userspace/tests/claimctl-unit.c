// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of claimctl's parsing and output, and of libclaims'
 * error convention, without the module: TAP on stdout, exit status 1 if any
 * test failed.  Built with -fsanitize=address,undefined.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <numa.h>

#include "claims.h"
#include "claimctl.h"
#include "tap.h"	/* tap(ok, name...), tap_end() */

/* Print @s as TAP diagnostics, one "# " line per line. */
static void diag(const char *label, const char *s)
{
	const char *p = s;

	printf("# %s:\n", label);
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("#   |%.*s|\n", len, p);
		p += len + (nl ? 1 : 0);
	}
}

static void check_str(const char *got, const char *want, const char *name)
{
	int ok = got && !strcmp(got, want);

	tap(ok, "%s", name);
	if (!ok) {
		diag("expected", want);
		diag("got", got ? got : "(null)");
	}
}

/* ---- sizes ---- */

/*
 * tests/parse-table.txt, which python/tests/test_unit.py reads too: every
 * size and claim spec parsed by claimctl's parsers (libclaims' grammar).
 */
static size_t unescape(const char *in, char *out, size_t len)
{
	size_t n = 0;

	while (*in && n + 1 < len) {
		unsigned int byte;

		if (in[0] == '\\' && in[1] == 'x' && sscanf(in + 2, "%2x", &byte) == 1) {
			out[n++] = (char)byte;
			in += 4;
		} else if (in[0] == '\\' && in[1] == '\\') {
			out[n++] = '\\';
			in += 2;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
	return n;
}

static const char *spec_string(const struct numaclaims_claim *set, uint32_t nr,
			       char *buf, size_t len)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < nr && used < len; i++) {
		char t[16];

		if (set[i].target == NUMACLAIMS_TARGET_HOST)
			snprintf(t, sizeof(t), "host");
		else if (set[i].target == NUMACLAIMS_TARGET_LEGACY)
			snprintf(t, sizeof(t), "legacy");
		else if (set[i].cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
			snprintf(t, sizeof(t), "%u:2M", set[i].target);
		else
			snprintf(t, sizeof(t), "%u", set[i].target);
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%llu",
					 i ? "," : "", t,
					 (unsigned long long)set[i].pages);
	}
	return buf;
}

static void test_parse_table(void)
{
	char path[4096], line[1024], input[512], got[1024], err[CC_ERR_LEN];
	const char *slash = strrchr(__FILE__, '/');
	int rows = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%.*sparse-table.txt",
		 slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__);
	f = fopen(path, "r");
	tap(f != NULL, "parse table %s opened", path);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *kind, *in, *want, *msg;
		struct numaclaims_claim set[CC_MAX_ENTRIES];
		uint64_t pages = 42;
		uint32_t nr = 77;
		int ret, ok;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		kind = line;
		in = strchr(kind, '\t');
		if (!in) {
			tap(0, "parse table line '%s' has KIND<TAB>INPUT<TAB>EXPECTED", line);
			continue;
		}
		*in++ = '\0';
		want = strchr(in, '\t');
		if (!want) {
			tap(0, "parse table line '%s' has KIND<TAB>INPUT<TAB>EXPECTED", kind);
			continue;
		}
		*want++ = '\0';
		msg = strchr(want, '\t');
		if (msg)
			*msg++ = '\0';
		unescape(in, input, sizeof(input));
		err[0] = '\0';
		if (!strcmp(kind, "size")) {
			ret = cc_parse_size(input, &pages, err, sizeof(err));
			snprintf(got, sizeof(got), "%llu", (unsigned long long)pages);
		} else {
			ret = cc_parse_claim_spec(input, set, &nr, err, sizeof(err));
			if (!ret)
				spec_string(set, nr, got, sizeof(got));
		}
		if (want[0] == '!') {
			ok = ret < 0 && !strcmp(cc_errno_name(-ret), want + 1) &&
			     (!msg || strstr(err, msg)) &&
			     (strcmp(kind, "size") || pages == 42);
			tap(ok, "%s '%s' refused: %s \"%s\"", kind, in, want + 1,
			    msg ? msg : "");
		} else {
			ok = !ret && !strcmp(got, want);
			tap(ok, "%s '%s' = %s", kind, in, want);
		}
		if (!ok)
			printf("# ret %d (%s) got '%s' err '%s'\n", ret,
			       ret ? cc_errno_name(-ret) : "0", ret ? "" : got, err);
		rows++;
	}
	fclose(f);
	tap(rows >= 80, "parse table: %d rows (80 or more)", rows);
}

/* ---- numbers, nodes, domids ---- */

static void test_numbers(void)
{
	char err[CC_ERR_LEN];
	uint32_t v32 = 0;
	uint64_t v64 = 0;
	int ret;

	ret = cc_parse_domid("3", &v32, err, sizeof(err));
	tap(!ret && v32 == 3, "domid 3");
	ret = cc_parse_domid("4294967295", &v32, err, sizeof(err));
	tap(!ret && v32 == UINT32_MAX, "domid 4294967295");
	ret = cc_parse_domid("4294967296", &v32, err, sizeof(err));
	tap(ret == -ERANGE && strstr(err, "too large"), "domid 2^32 refused");
	ret = cc_parse_domid("-1", &v32, err, sizeof(err));
	tap(ret == -EINVAL, "domid -1 refused");
	ret = cc_parse_domid("3x", &v32, err, sizeof(err));
	tap(ret == -EINVAL, "domid 3x refused");
	ret = cc_parse_u64("0x1F", UINT64_MAX, "gfn", &v64, err, sizeof(err));
	tap(!ret && v64 == 31, "gfn 0x1F = 31");
	ret = cc_parse_u64("0xffffffffffffffff", UINT64_MAX, "gfn", &v64, err,
			   sizeof(err));
	tap(!ret && v64 == UINT64_MAX, "gfn 0xffffffffffffffff");
	ret = cc_parse_u64("0x10000000000000000", UINT64_MAX, "gfn", &v64, err,
			   sizeof(err));
	tap(ret == -ERANGE, "gfn 0x1_0000_0000_0000_0000 refused");
	ret = cc_parse_u64("0x", UINT64_MAX, "gfn", &v64, err, sizeof(err));
	tap(ret == -EINVAL, "gfn 0x refused");
	ret = cc_parse_u64("10", 9, "order", &v64, err, sizeof(err));
	tap(ret == -ERANGE && strstr(err, "at most 9"), "order 10 refused");
	ret = cc_parse_node("63", &v32, err, sizeof(err));
	tap(!ret && v32 == 63, "node 63");
	ret = cc_parse_node("64", &v32, err, sizeof(err));
	tap(ret == -EINVAL && strstr(err, "nodes 0 to 63"), "node 64 refused");
	ret = cc_parse_node("", &v32, err, sizeof(err));
	tap(ret == -EINVAL, "empty node refused");
}

/* ---- claim specs ---- */

static void test_claim_specs(void)
{
	struct numaclaims_claim set[CC_MAX_ENTRIES];
	char err[CC_ERR_LEN] = "", spec[2048];
	uint32_t nr = 0, i;
	size_t used = 0;
	int ret;

	memset(set, 0xff, sizeof(set));
	ret = cc_parse_claim_spec("0:1G,1:512M,host:256M", set, &nr, err,
				  sizeof(err));
	tap(!ret && nr == 3 &&
	    set[0].target == 0 && set[0].pages == 262144 && set[0].cmd == 0 &&
	    set[1].target == 1 && set[1].pages == 131072 && set[1].cmd == 0 &&
	    set[2].target == NUMACLAIMS_TARGET_HOST && set[2].pages == 65536 &&
	    set[2].cmd == 0,
	    "claim spec 0:1G,1:512M,host:256M");

	memset(set, 0xff, sizeof(set));
	ret = cc_parse_claim_spec("0:1G, 1:512M,\t host:256M", set, &nr, err,
				  sizeof(err));
	tap(!ret && nr == 3 && set[0].target == 0 && set[1].target == 1 &&
	    set[1].pages == 131072 && set[2].target == NUMACLAIMS_TARGET_HOST &&
	    set[2].pages == 65536, "claim spec with spaces after commas");

	ret = cc_parse_claim_spec("clear", set, &nr, err, sizeof(err));
	tap(!ret && nr == 1 && set[0].target == NUMACLAIMS_TARGET_HOST &&
	    set[0].pages == 0 && set[0].cmd == 0, "claim spec clear = {0, host}");

	ret = cc_parse_claim_spec("legacy:2G", set, &nr, err, sizeof(err));
	tap(!ret && nr == 1 && set[0].target == NUMACLAIMS_TARGET_LEGACY &&
	    set[0].pages == 524288, "claim spec legacy:2G");

	ret = cc_parse_claim_spec("63:4K,1:0", set, &nr, err, sizeof(err));
	tap(!ret && nr == 2 && set[0].target == 63 && set[0].pages == 1 &&
	    set[1].target == 1 && set[1].pages == 0,
	    "claim spec 63:4K,1:0 (zero entry allowed)");

	ret = cc_parse_claim_spec("host:100p", set, &nr, err, sizeof(err));
	tap(!ret && nr == 1 && set[0].pages == 100, "claim spec host:100p");

	/* The largest set: every node, as 4 KiB and superpages, and the host. */
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		used += (size_t)snprintf(spec + used, sizeof(spec) - used,
					 "%u:1p,%u:2M:2M,", i, i);
	snprintf(spec + used, sizeof(spec) - used, "host:1p");
	ret = cc_parse_claim_spec(spec, set, &nr, err, sizeof(err));
	tap(!ret && nr == CC_MAX_ENTRIES && nr == 2 * NUMACLAIMS_MAX_NODES + 1 &&
	    set[128].target == NUMACLAIMS_TARGET_HOST &&
	    set[127].target == 63 && set[127].pages == 512 &&
	    set[127].cmd == NUMACLAIMS_CLAIM_SUPERPAGES && set[126].cmd == 0,
	    "claim spec with all 64 nodes, their superpages and host");

	/* 129 entries fill the set; one more is too many. */
	used = 0;
	for (i = 0; i < NUMACLAIMS_MAX_NODES; i++)
		used += (size_t)snprintf(spec + used, sizeof(spec) - used,
					 "%u:1p,%u:2M:2M,", i, i);
	snprintf(spec + used, sizeof(spec) - used, "host:1p,legacy:1p");
	nr = 77;
	ret = cc_parse_claim_spec(spec, set, &nr, err, sizeof(err));
	tap(ret == -E2BIG && strstr(err, "more than 129"),
	    "claim spec of 130 entries refused (E2BIG)");
}

/* ---- node lists ---- */

static void nodelist_ok(const char *s, uint64_t want)
{
	char err[CC_ERR_LEN] = "";
	uint64_t mask = 0;
	int ret = cc_parse_nodelist(s, &mask, err, sizeof(err));

	tap(!ret && mask == want, "nodelist '%s' = %#llx", s,
	    (unsigned long long)want);
	if (ret || mask != want)
		printf("# ret %d mask %#llx err '%s'\n", ret,
		       (unsigned long long)mask, err);
}

static void nodelist_bad(const char *s, const char *want_msg)
{
	char err[CC_ERR_LEN] = "";
	uint64_t mask = 7;
	int ret = cc_parse_nodelist(s, &mask, err, sizeof(err));
	int ok = ret == -EINVAL && mask == 7 && strstr(err, want_msg);

	tap(ok, "nodelist '%s' refused (\"%s\")", s, want_msg);
	if (!ok)
		printf("# ret %d err '%s'\n", ret, err);
}

static void test_nodelists(void)
{
	char buf[256];

	nodelist_ok("0", 0x1);
	nodelist_ok("0,1", 0x3);
	nodelist_ok("1,0,1", 0x3);
	nodelist_ok("0-3", 0xf);
	nodelist_ok("0-1,4", 0x13);
	nodelist_ok("2-2", 0x4);
	nodelist_ok("63", 1ULL << 63);
	nodelist_ok("0-63", UINT64_MAX);
	nodelist_bad("", "empty node list");
	nodelist_bad("3-1", "first node above last");
	nodelist_bad("64", "nodes 0 to 63");
	nodelist_bad("0-64", "nodes 0 to 63");
	nodelist_bad("0,,1", "bad node list");
	nodelist_bad("0,", "bad node list");
	nodelist_bad("a", "bad node list");
	nodelist_bad("0-", "bad range");
	nodelist_bad("-1", "bad node list");
	nodelist_bad("0 1", "bad node list");
	nodelist_bad("all", "bad node list");

	/* Host node lists: numa_parse_nodestring() against this host. */
	if (numa_available() < 0) {
		uint64_t mask = 7;
		char err[CC_ERR_LEN] = "";
		int ret = cc_parse_host_nodelist("all", &mask, err, sizeof(err));

		tap(ret == -EINVAL && mask == 7 && strstr(err, "needs NUMA"),
		    "host nodelist 'all' without NUMA is refused");
		ret = cc_parse_host_nodelist("0-1", &mask, err, sizeof(err));
		tap(!ret && mask == 3, "host nodelist without NUMA: own syntax");
	} else {
		uint64_t mask = 0, host = 0;
		char err[CC_ERR_LEN] = "";
		int ret, n, last = -1;

		for (n = 0; n < 64; n++)
			if (numa_bitmask_isbitset(numa_all_nodes_ptr, n)) {
				host |= 1ULL << n;
				last = n;
			}
		ret = cc_parse_host_nodelist("all", &mask, err, sizeof(err));
		tap(!ret && mask == host && mask, "host nodelist 'all' = %#llx",
		    (unsigned long long)host);
		if (ret)
			printf("# ret %d err '%s'\n", ret, err);
		snprintf(buf, sizeof(buf), "0-%d", last);
		ret = cc_parse_host_nodelist(buf, &mask, err, sizeof(err));
		tap(!ret && mask == host, "host nodelist range '%s'", buf);
		snprintf(buf, sizeof(buf), "0-%d", last + 1);
		mask = 7;
		ret = cc_parse_host_nodelist(buf, &mask, err, sizeof(err));
		tap(!ret && mask == (host | 1ULL << (last + 1)),
		    "host nodelist '%s' (a node too many) is left to the module",
		    buf);
		ret = cc_parse_host_nodelist("3-1", &mask, err, sizeof(err));
		tap(ret == -EINVAL && strstr(err, "first node above last"),
		    "host nodelist '3-1' says why");
		ret = cc_parse_host_nodelist("x", &mask, err, sizeof(err));
		tap(ret == -EINVAL && strstr(err, "bad node list 'x'"),
		    "host nodelist 'x' says why");
	}

	check_str(cc_format_nodelist(buf, sizeof(buf), 0x13), "0-1,4",
		  "format nodelist 0x13");
	check_str(cc_format_nodelist(buf, sizeof(buf), 0), "none",
		  "format nodelist 0");
	check_str(cc_format_nodelist(buf, sizeof(buf), UINT64_MAX), "0-63",
		  "format nodelist all");
	check_str(cc_format_nodelist(buf, sizeof(buf), (1ULL << 63) | 0x5),
		  "0,2,63", "format nodelist 0,2,63");
}

/* ---- amounts, errno names ---- */

static void test_amounts(void)
{
	char buf[64];

	check_str(cc_format_amount(buf, sizeof(buf), 256, CC_UNIT_MIB), "1.00",
		  "256 pages = 1.00 MiB");
	check_str(cc_format_amount(buf, sizeof(buf), 128, CC_UNIT_MIB), "0.50",
		  "128 pages = 0.50 MiB");
	check_str(cc_format_amount(buf, sizeof(buf), 1, CC_UNIT_MIB), "0.00",
		  "1 page = 0.00 MiB (rounded)");
	check_str(cc_format_amount(buf, sizeof(buf), 2, CC_UNIT_MIB), "0.01",
		  "2 pages = 0.01 MiB (rounded)");
	check_str(cc_format_amount(buf, sizeof(buf), 255, CC_UNIT_MIB), "1.00",
		  "255 pages = 1.00 MiB (rounded up)");
	check_str(cc_format_amount(buf, sizeof(buf), UINT64_MAX, CC_UNIT_MIB),
		  "72057594037927936.00", "2^64-1 pages in MiB, no overflow");
	check_str(cc_format_amount(buf, sizeof(buf), 12345, CC_UNIT_PAGES),
		  "12345", "12345 pages as pages");
	check_str(cc_format_human(buf, sizeof(buf), 207872), "812 MiB",
		  "human 812 MiB");
	check_str(cc_format_human(buf, sizeof(buf), 384), "1.50 MiB",
		  "human 1.50 MiB");
	check_str(cc_format_human(buf, sizeof(buf), 1), "4 KiB", "human 4 KiB");
	check_str(cc_format_human(buf, sizeof(buf), 0), "0 B", "human 0 B");
	check_str(cc_format_human(buf, sizeof(buf), 262144), "1 GiB",
		  "human 1 GiB");
	check_str(cc_format_human(buf, sizeof(buf), 262145), "1.00 GiB",
		  "human 1 GiB + 4 KiB");
	check_str(cc_format_human(buf, sizeof(buf), 1ULL << 40), "4 PiB",
		  "human 4 PiB");
	check_str(cc_errno_name(ENOMEM), "ENOMEM", "errno name ENOMEM");
	check_str(cc_errno_name(ESRCH), "ESRCH", "errno name ESRCH");
	check_str(cc_errno_name(ERANGE), "ERANGE", "errno name ERANGE");
	check_str(cc_errno_name(9999), "E???", "errno name unknown");
}

/* ---- fake host and domains ---- */

/*
 * Node 0: 1 GiB pool, 960 MiB free (4 MiB of it to scrub), 64 MiB claimed;
 * node 1: 1 GiB pool, 1000 MiB free (24 MiB populated; 1 MiB to scrub),
 * 188 MiB claimed, 8 MiB offlined, 2 MiB held (freed while pinned);
 * node 2 has no pool (its scrub figure must not show); 16 MiB of host-wide
 * claims.
 */
static void fake_host(struct numaclaims_host_info *hi)
{
	memset(hi, 0, sizeof(*hi));
	hi->nr_nodes = 3;
	hi->nr_domains = 2;
	hi->nodes[0] = (struct numaclaims_node_info){
		.reserved_pages = 262144, .avail_pages = 245760,
		.outstanding_claims = 16384, .has_pool = 1,
	};
	hi->nodes[1] = (struct numaclaims_node_info){
		.reserved_pages = 262144, .avail_pages = 256000,
		.outstanding_claims = 48128, .offlined_pages = 2048,
		.has_pool = 1,
	};
	hi->held_pages[1] = 512;
	hi->total_held_pages = 512;
	hi->scrub_pages[0] = 1024;
	hi->scrub_pages[1] = 256;
	hi->scrub_pages[2] = 99;
	hi->total_scrub_pages = 1024 + 256;
	hi->total_avail_pages = 245760 + 256000;
	hi->outstanding_claims = 16384 + 48128 + 4096;
}

static void fake_domains(struct numaclaims_domain_info d[2]);

/*
 * fake_host() with superpages (API version 4): node 0 has 256 MiB of them,
 * 240 MiB free, 32 MiB claimed, 2 MiB held; node 1 64 MiB, all free.
 */
static void fake_host_sp(struct numaclaims_host_info *hi)
{
	fake_host(hi);
	hi->superpages[0] = (struct numaclaims_node_superpages){
		.reserved_pages = 65536, .free_pages = 61440,
		.outstanding_claims = 8192, .held_pages = 512,
	};
	hi->superpages[1] = (struct numaclaims_node_superpages){
		.reserved_pages = 16384, .free_pages = 16384,
	};
	hi->superpages[2].reserved_pages = 512;	/* no pool: not shown */
}

/* fake_domains(), domain 1 with a 32 MiB superpage claim and 16 MiB of them on node 0. */
static void fake_domains_sp(struct numaclaims_domain_info d[2])
{
	fake_domains(d);
	d[0].superpage_claims[0] = 8192;
	d[0].superpage_pages[0] = 4096;
	d[0].node_pages[0] += 4096;
	d[0].tot_pages += 4096;
}

static void fake_domains(struct numaclaims_domain_info d[2])
{
	memset(d, 0, 2 * sizeof(d[0]));
	d[0].domid = 1;
	d[0].max_pages = 262144;
	d[0].tot_pages = 16384 + 4096;
	d[0].outstanding_pages = 16384 + 16384 + 4096;
	d[0].node_claims = 16384 + 16384;
	d[0].claims[0] = 16384;
	d[0].claims[1] = 16384;
	d[0].node_pages[0] = 16384;
	d[0].node_pages[1] = 4096;
	d[0].node_affinity = 0x3;
	d[1].domid = 7;
	d[1].domain_flags = NUMACLAIMS_DOMAIN_AUTODESTROY;
	d[1].max_pages = 65536;
	d[1].tot_pages = 0;
	d[1].uncounted_pages = 2048;
	d[1].outstanding_pages = 31744;
	d[1].node_claims = 31744;
	d[1].claims[1] = 31744;
	d[1].node_pages[1] = 2048;
	d[1].node_affinity = 0x2;
}

/* Run a printer into a memory buffer; the caller frees the result. */
static char *capture_begin(FILE **f, size_t *len, char **buf)
{
	*buf = NULL;
	*f = open_memstream(buf, len);
	return *f ? *buf : NULL;
}

static char *capture_end(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

/* check_out(CALL, WANT, NAME): what the printer CALL writes to f is WANT. */
#define check_out(call, want, name) do {			\
		capture_begin(&f, &len, &buf);			\
		call;						\
		check_str(capture_end(f, &buf), want, name);	\
		free(buf);					\
	} while (0)

/* The info table of fake_host(), in MiB. */
#define INFO_MIB \
	"numaclaims: 2 nodes with a pool, 2 domains; sizes in MiB\n" \
	"node      reserved        free     claimed   unclaimed    offlined       scrub        held\n" \
	"0          1024.00      960.00       64.00      896.00        0.00        4.00        0.00\n" \
	"1          1024.00     1000.00      188.00      812.00        8.00        1.00        2.00\n" \
	"host             -           -       16.00           -           -           -           -\n" \
	"total      2048.00     1960.00      268.00     1692.00        8.00        5.00        2.00\n"

static void test_host_output(void)
{
	struct numaclaims_host_info hi;
	size_t len;
	char *buf;
	FILE *f;

	fake_host(&hi);
	capture_begin(&f, &len, &buf);
	cc_print_host_info(f, &hi, CC_UNIT_MIB);
	check_str(capture_end(f, &buf),
		  INFO_MIB,
		  "info table in MiB (no superpage table without superpages)");
	free(buf);

	capture_begin(&f, &len, &buf);
	cc_print_host_info(f, &hi, CC_UNIT_PAGES);
	check_str(capture_end(f, &buf),
		  "numaclaims: 2 nodes with a pool, 2 domains; sizes in 4 KiB pages\n"
		  "node      reserved        free     claimed   unclaimed    offlined       scrub        held\n"
		  "0           262144      245760       16384      229376           0        1024           0\n"
		  "1           262144      256000       48128      207872        2048         256         512\n"
		  "host             -           -        4096           -           -           -           -\n"
		  "total       524288      501760       68608      433152        2048        1280         512\n",
		  "info table in pages");
	free(buf);

	capture_begin(&f, &len, &buf);
	cc_print_host_info_json(f, &hi);
	check_str(capture_end(f, &buf),
		  "{\"page_size\":4096,\"nr_nodes\":3,\"nr_domains\":2,\"nodes\":["
		  "{\"node\":0,\"reserved_pages\":262144,\"free_pages\":245760,"
		  "\"claimed_pages\":16384,\"unclaimed_pages\":229376,"
		  "\"offlined_pages\":0,\"scrub_pages\":1024,\"held_pages\":0,"
		  "\"superpages\":{\"reserved_pages\":0,\"free_pages\":0,\"claimed_pages\":0,\"unclaimed_pages\":0,\"held_pages\":0}},"
		  "{\"node\":1,\"reserved_pages\":262144,\"free_pages\":256000,"
		  "\"claimed_pages\":48128,\"unclaimed_pages\":207872,"
		  "\"offlined_pages\":2048,\"scrub_pages\":256,\"held_pages\":512,"
		  "\"superpages\":{\"reserved_pages\":0,\"free_pages\":0,\"claimed_pages\":0,\"unclaimed_pages\":0,\"held_pages\":0}}],"
		  "\"host\":{\"claimed_pages\":4096},"
		  "\"total\":{\"reserved_pages\":524288,\"free_pages\":501760,"
		  "\"claimed_pages\":68608,\"unclaimed_pages\":433152,"
		  "\"offlined_pages\":2048,\"scrub_pages\":1280,\"held_pages\":512,"
		  "\"superpages\":{\"reserved_pages\":0,\"free_pages\":0,\"claimed_pages\":0,\"unclaimed_pages\":0,\"held_pages\":0}}}\n",
		  "info JSON: the table's rows and columns");
	free(buf);

	/* A broken invariant shows as a negative number, not 2^64 - n. */
	hi.nodes[0].outstanding_claims = hi.nodes[0].avail_pages + 256;
	capture_begin(&f, &len, &buf);
	cc_print_host_info(f, &hi, CC_UNIT_MIB);
	capture_end(f, &buf);
	tap(strstr(buf, "\n0          1024.00      960.00      961.00       -1.00") != NULL,
	    "info table shows a broken invariant as negative");
	free(buf);
	capture_begin(&f, &len, &buf);
	cc_print_host_info_json(f, &hi);
	capture_end(f, &buf);
	tap(strstr(buf, "\"unclaimed_pages\":-256,") != NULL,
	    "info JSON shows a broken invariant as negative");
	free(buf);

	memset(&hi, 0, sizeof(hi));
	hi.nr_nodes = 1;
	hi.nodes[0].has_pool = 1;
	capture_begin(&f, &len, &buf);
	cc_print_host_info(f, &hi, CC_UNIT_PAGES);
	capture_end(f, &buf);
	tap(!strncmp(buf, "numaclaims: 1 node with a pool, 0 domains;", 42),
	    "info header singular/plural");
	free(buf);

	/* Superpages: a second table, only when a node has some. */
	fake_host_sp(&hi);
	check_out(cc_print_host_info(f, &hi, CC_UNIT_MIB),
		  INFO_MIB
		  "superpages (2 MiB blocks kept whole); sizes in MiB\n"
		  "node      reserved        free     claimed   unclaimed        held\n"
		  "0           256.00      240.00       32.00      208.00        2.00\n"
		  "1            64.00       64.00        0.00       64.00        0.00\n"
		  "total       320.00      304.00       32.00      272.00        2.00\n",
		  "info table with superpages: per node reserved, free, claimed, unclaimed, held");
	capture_begin(&f, &len, &buf);
	cc_print_host_info_json(f, &hi);
	capture_end(f, &buf);
	tap(strstr(buf, "\"held_pages\":0,\"superpages\":{\"reserved_pages\":65536,"
		   "\"free_pages\":61440,\"claimed_pages\":8192,"
		   "\"unclaimed_pages\":53248,\"held_pages\":512}},{\"node\":1,") &&
	    strstr(buf, "\"superpages\":{\"reserved_pages\":81920,\"free_pages\":77824,"
		   "\"claimed_pages\":8192,\"unclaimed_pages\":69632,\"held_pages\":512}}}\n"),
	    "info JSON: superpages per node and in the total");
	if (!strstr(buf, "\"reserved_pages\":81920"))
		diag("got", buf);
	free(buf);
}

static void test_domain_memory(void)
{
	struct numaclaims_domain_info d[2];

	fake_domains(d);
	tap(cc_domain_nodes(&d[0]) == 0x3, "domain nodes: pages on 0 and 1");
	tap(cc_domain_nodes(&d[1]) == 0x2, "domain nodes: uncounted pages count");
	tap(cc_domain_pages(&d[0]) == 16384 + 4096, "domain pages: tot");
	tap(cc_domain_pages(&d[1]) == 2048, "domain pages: tot + uncounted");
	memset(&d[0], 0, sizeof(d[0]));
	d[0].node_pages[63] = 1;
	tap(cc_domain_nodes(&d[0]) == 1ULL << 63, "domain nodes: node 63");
}

/* claims_domain_numa(): XenServer 9's numa_nodes, memory_numa_node_X, numa_optimised */
static void test_domain_numa(void)
{
	struct numaclaims_domain_info d[2], saved;
	struct claims_domain_numa m;
	int ok, n;

	fake_domains(d);
	saved = d[0];
	memset(&m, 0xa5, sizeof(m));
	ok = !claims_domain_numa(&d[0], 0x3, &m);
	tap(ok && m.numa_nodes == 2 && m.nodemask == 0x3 &&
	    m.memory_numa_node[0] == 16384ULL * 4096 &&
	    m.memory_numa_node[1] == 4096ULL * 4096 && m.memory_numa_node[2] == 0,
	    "numa: pages on nodes 0 and 1: 2 nodes, bytes per node exact");
	tap(ok && !m.numa_optimised, "numa: 2 of the host's 2 pool nodes: not optimised");
	claims_domain_numa(&d[0], 0x7, &m);
	tap(m.numa_optimised, "numa: 2 of 3 pool nodes: optimised (fewer than the host's)");
	claims_domain_numa(&d[0], 0, &m);
	tap(!m.numa_optimised, "numa: pool nodes unknown: 2 nodes not optimised");
	claims_domain_numa(&d[1], 0x3, &m);
	tap(m.numa_nodes == 1 && m.numa_optimised && m.nodemask == 0x2 &&
	    m.memory_numa_node[1] == 2048ULL * 4096,
	    "numa: uncounted pages on one node: 1 node, optimised, 8 MiB");
	claims_domain_numa(&d[1], 0, &m);
	tap(m.numa_optimised, "numa: one node is optimised without host info");
	d[0].node_pages[0] = 1;		/* a single page elsewhere counts: exact */
	d[0].node_pages[1] = 0;
	d[0].node_pages[5] = 1ULL << 20;
	claims_domain_numa(&d[0], 0x3f, &m);
	tap(m.numa_nodes == 2 && m.memory_numa_node[0] == 4096,
	    "numa: one stray page makes a node (no 4096-page threshold)");
	memset(&d[0], 0, sizeof(d[0]));
	claims_domain_numa(&d[0], 0x3, &m);
	for (ok = 1, n = 0; n < NUMACLAIMS_MAX_NODES; n++)
		ok &= !m.memory_numa_node[n];
	tap(ok && !m.numa_nodes && !m.numa_optimised && !m.nodemask,
	    "numa: no memory: 0 nodes, not optimised");
	d[0] = saved;
	memset(&m, 0x5a, sizeof(m));
	tap(claims_domain_numa(NULL, 0x3, &m) == -EINVAL && m.numa_nodes == 0x5a5a5a5a &&
	    claims_domain_numa(&d[0], 0x3, NULL) == -EINVAL,
	    "numa: NULL: EINVAL, nothing written");
}

static void test_domain_output(void)
{
	struct numaclaims_domain_info d[2];
	struct numaclaims_host_info hi;
	size_t len;
	char *buf;
	FILE *f;

	fake_host(&hi);
	fake_domains(d);
	capture_begin(&f, &len, &buf);
	cc_print_domains(f, &hi, d, 2, CC_UNIT_MIB);
	check_str(capture_end(f, &buf),
		  "domid           max         tot     claimed  n0-claimed      n0-mem  n1-claimed      n1-mem  host-claimed  numa opt  affinity  flags\n"
		  "1           1024.00       80.00      144.00       64.00       64.00       64.00       16.00         16.00     2 no   0-1       -\n"
		  "7            256.00        0.00      124.00        0.00        0.00      124.00        8.00          0.00     1 yes  1         autodestroy\n",
		  "list table in MiB");
	free(buf);

	capture_begin(&f, &len, &buf);
	cc_print_domains_json(f, &hi, d, 2);
	check_str(capture_end(f, &buf),
		  "{\"page_size\":4096,\"domains\":["
		  "{\"domid\":1,\"max_pages\":262144,\"tot_pages\":20480,"
		  "\"claimed_pages\":36864,\"uncounted_pages\":0,"
		  "\"superpage_claimed_pages\":0,\"nodes\":["
		  "{\"node\":0,\"claimed_pages\":16384,\"mem_pages\":16384,"
		  "\"superpage_claimed_pages\":0,\"superpage_mem_pages\":0},"
		  "{\"node\":1,\"claimed_pages\":16384,\"mem_pages\":4096,"
		  "\"superpage_claimed_pages\":0,\"superpage_mem_pages\":0}],"
		  "\"host\":{\"claimed_pages\":4096},\"affinity\":[0,1],"
		  "\"flags\":[],\"numa_nodes\":2,\"numa_optimised\":false,"
		  "\"memory_numa_node_0\":67108864,\"memory_numa_node_1\":16777216},"
		  "{\"domid\":7,\"max_pages\":65536,\"tot_pages\":0,"
		  "\"claimed_pages\":31744,\"uncounted_pages\":2048,"
		  "\"superpage_claimed_pages\":0,\"nodes\":["
		  "{\"node\":0,\"claimed_pages\":0,\"mem_pages\":0,"
		  "\"superpage_claimed_pages\":0,\"superpage_mem_pages\":0},"
		  "{\"node\":1,\"claimed_pages\":31744,\"mem_pages\":2048,"
		  "\"superpage_claimed_pages\":0,\"superpage_mem_pages\":0}],"
		  "\"host\":{\"claimed_pages\":0},\"affinity\":[1],"
		  "\"flags\":[\"autodestroy\"],\"numa_nodes\":1,\"numa_optimised\":true,"
		  "\"memory_numa_node_0\":0,\"memory_numa_node_1\":8388608}]}\n",
		  "list JSON: the table's columns");
	free(buf);

	/*
	 * A domain created with --max 100000T: every column as wide as its
	 * widest number, so each column ends where its header does.
	 */
	d[0].max_pages = 100000ULL << 28;
	d[1].node_pages[1] = 100000ULL << 28;
	capture_begin(&f, &len, &buf);
	cc_print_domains(f, &hi, d, 2, CC_UNIT_MIB);
	capture_end(f, &buf);
	{
		const char *line = buf, *nl;
		int ends[3][16], k, col, ok = 1;

		for (k = 0; k < 3 && line && *line; k++, line = nl ? nl + 1 : NULL) {
			const char *p = line;

			nl = strchr(line, '\n');
			for (col = 0; col < 16; col++) {
				while (*p == ' ')
					p++;
				while (*p && *p != ' ' && *p != '\n')
					p++;
				ends[k][col] = (int)(p - line);
			}
		}
		/* domid, max, tot, claimed, 4 node columns, host-claimed */
		for (col = 1; col < 9 && k == 3; col++)
			ok &= ends[0][col] == ends[1][col] && ends[0][col] == ends[2][col];
		tap(k == 3 && ok && strstr(buf, "104857600000.00"),
		    "list table: columns stay aligned with a domain of max 100000T");
		if (k != 3 || !ok)
			diag("got", buf);
	}
	free(buf);
	fake_domains(d);

	/* Without host info, only the nodes the domains use are shown. */
	d[0].claims[0] = d[0].node_pages[0] = 0;
	capture_begin(&f, &len, &buf);
	cc_print_domains(f, NULL, d, 2, CC_UNIT_PAGES);
	capture_end(f, &buf);
	tap(!strstr(buf, "n0-claimed") && strstr(buf, "n1-claimed"),
	    "list without host info shows only used nodes");
	free(buf);

	capture_begin(&f, &len, &buf);
	cc_print_domains(f, &hi, NULL, 0, CC_UNIT_MIB);
	capture_end(f, &buf);
	tap(strstr(buf, "(no domains)\n") != NULL, "list with no domains");
	free(buf);

	capture_begin(&f, &len, &buf);
	cc_print_domains_json(f, &hi, NULL, 0);
	check_str(capture_end(f, &buf),
		  "{\"page_size\":4096,\"domains\":[]}\n", "list JSON, no domains");
	free(buf);

	/* Superpages: two more columns per node, the claim and the pages. */
	fake_host_sp(&hi);
	fake_domains_sp(d);
	check_out(cc_print_domains(f, &hi, d, 2, CC_UNIT_MIB),
		  "domid           max         tot     claimed  n0-claimed      n0-mem  n0-spclaim    n0-spmem  n1-claimed      n1-mem  n1-spclaim    n1-spmem  host-claimed  numa opt  affinity  flags\n"
		  "1           1024.00       96.00      144.00       64.00       80.00       32.00       16.00       64.00       16.00        0.00        0.00         16.00     2 no   0-1       -\n"
		  "7            256.00        0.00      124.00        0.00        0.00        0.00        0.00      124.00        8.00        0.00        0.00          0.00     1 yes  1         autodestroy\n",
		  "list table with superpages: nN-spclaim and nN-spmem");
	capture_begin(&f, &len, &buf);
	cc_print_domains_json(f, &hi, d, 2);
	capture_end(f, &buf);
	tap(strstr(buf, "\"uncounted_pages\":0,\"superpage_claimed_pages\":8192,\"nodes\":["
		   "{\"node\":0,\"claimed_pages\":16384,\"mem_pages\":20480,"
		   "\"superpage_claimed_pages\":8192,\"superpage_mem_pages\":4096}") != NULL,
	    "list JSON with superpages: the domain's and per node");
	free(buf);
	/* A domain's superpage claim alone shows the columns, and its node. */
	fake_host(&hi);
	fake_domains(d);
	d[1].superpage_claims[3] = 512;
	capture_begin(&f, &len, &buf);
	cc_print_domains(f, &hi, d, 2, CC_UNIT_PAGES);
	capture_end(f, &buf);
	tap(strstr(buf, " n3-spclaim ") && strstr(buf, " n1-spmem "),
	    "list table: a superpage claim on a node without pool shows the columns");
	free(buf);
}

/*
 * Exact claims for migration: a domain's description (claimctl list
 * --json) read back, its like-set (claims_plan_like()), a target that
 * builds from it and populates part of it, that target's description, and
 * so on, back and forth 12 times: the same set every time, the same total.
 */
static void test_like_roundtrip(void)
{
	struct numaclaims_domain_info d[2], cur, back;
	struct numaclaims_host_info hi;
	struct claims_plan first, p;
	char err[256], *buf;
	size_t len;
	FILE *f;
	int i, n, same = 1, parsed = 1, total_ok = 1;
	uint64_t baseline;

	fake_host(&hi);
	fake_domains(d);
	cur = d[0];
	baseline = cur.tot_pages + cur.outstanding_pages;
	i = claims_plan_like(&cur, &first);
	capture_begin(&f, &len, &buf);
	fprintf(f, "%u:%llu,%u:%llu,host:%llu", first.set[0].target,
		(unsigned long long)first.set[0].pages, first.set[1].target,
		(unsigned long long)first.set[1].pages,
		(unsigned long long)first.set[2].pages);
	capture_end(f, &buf);
	tap(!i && !strcmp(buf, "0:32768,1:20480,host:4096") && first.nr_entries == 3 &&
	    first.kind == CLAIMS_PLAN_HOST_SPREAD && first.nodemask == 0x3,
	    "like: pages + claim per node, the host-wide claim host-wide (got %s)", buf);
	free(buf);
	for (i = 0; i < 12; i++) {
		capture_begin(&f, &len, &buf);
		cc_print_domains_json(f, &hi, &cur, 1);
		capture_end(f, &buf);
		memset(&back, 0x5a, sizeof(back));
		parsed &= !cc_parse_domain_json(buf, &back, err, sizeof(err));
		free(buf);
		if (claims_plan_like(&back, &p) || memcmp(&p, &first, sizeof(p))) {
			same = 0;
			break;
		}
		/* the target: domid i + 10, the set installed, then part populated */
		memset(&cur, 0, sizeof(cur));
		cur.domid = 10 + i;
		cur.max_pages = 262144;
		for (n = 0; n < (int)p.nr_entries; n++) {
			struct numaclaims_claim *c = &p.set[n];
			uint64_t pop = c->pages * (uint64_t)(i % 3) / 2;	/* 0, 1/2, all */

			if (c->target == NUMACLAIMS_TARGET_HOST) {
				cur.outstanding_pages += c->pages;
				continue;
			}
			cur.node_pages[c->target] = pop;
			cur.claims[c->target] = c->pages - pop;
			cur.tot_pages += pop;
			cur.outstanding_pages += c->pages - pop;
			cur.node_claims += c->pages - pop;
		}
		total_ok &= cur.tot_pages + cur.outstanding_pages == baseline;
	}
	tap(parsed, "like: 12 descriptions printed by list --json read back");
	tap(same && i == 12, "like: 12 round trips, the identical claim set every time (%d)", i);
	tap(total_ok, "like: pages + claims stay %llu (nothing grows)",
	    (unsigned long long)baseline);

	/* uncounted pages on one node are not claimed: they take no claim */
	i = claims_plan_like(&d[1], &p);
	tap(!i && p.nr_entries == 1 && p.set[0].target == 1 &&
	    p.set[0].pages == 31744,
	    "like: uncounted pages on one node left out (got %u entries, %llu pages)",
	    p.nr_entries, (unsigned long long)p.set[0].pages);
	back = d[0];
	back.uncounted_pages = 1;
	memset(&p, 0xa5, sizeof(p));
	{
		struct claims_plan zero;

		memset(&zero, 0, sizeof(zero));
		tap(claims_plan_like(&back, &p) == -EINVAL && !memcmp(&p, &zero, sizeof(p)),
		    "like: uncounted pages on two nodes: EINVAL (split unknown), plan zeroed");
		memset(&back, 0, sizeof(back));
		tap(claims_plan_like(&back, &p) == -EINVAL, "like: nothing to claim: EINVAL");
		back = d[0];
		back.node_claims = back.outstanding_pages + 1;
		tap(claims_plan_like(&back, &p) == -EINVAL,
		    "like: node claims above the outstanding total: EINVAL");
		back = d[0];
		back.node_pages[5] = ~0ULL;
		tap(claims_plan_like(&back, &p) == -EINVAL, "like: a total that overflows: EINVAL");
		tap(claims_plan_like(NULL, &p) == -EINVAL && claims_plan_like(&d[0], NULL) == -EINVAL,
		    "like: NULL: EINVAL");
	}
}

/* cc_parse_domain_json(): good documents in any layout, bad ones refused. */
static void test_parse_domain_json(void)
{
	static const struct { const char *json, *why; } bad[] = {
		{ "", "not one JSON document" },
		{ "{\"page_size\":4096,\"domains\":[]}", "0 domains" },
		{ "{\"domid\":1,\"tot_pages\":1,\"uncounted_pages\":0,\"claimed_pages\":0,"
		  "\"host\":{\"claimed_pages\":0}}", "no \"nodes\"" },
		{ "{\"domid\":1,\"tot_pages\":1,\"uncounted_pages\":0,\"claimed_pages\":5,"
		  "\"nodes\":[{\"node\":0,\"claimed_pages\":4,\"mem_pages\":1}],"
		  "\"host\":{\"claimed_pages\":0}}", "claimed_pages 5 is not" },
		{ "{\"domid\":1,\"tot_pages\":1,\"uncounted_pages\":0,\"claimed_pages\":0,"
		  "\"nodes\":[{\"node\":64,\"claimed_pages\":0,\"mem_pages\":1}],"
		  "\"host\":{\"claimed_pages\":0}}", "node 64" },
		{ "{\"domid\":1,\"tot_pages\":1,\"uncounted_pages\":0,\"claimed_pages\":0,"
		  "\"nodes\":[{\"node\":0,\"mem_pages\":1}],"
		  "\"host\":{\"claimed_pages\":0}}", "needs node, claimed_pages" },
		{ "{\"domid\":1,\"tot_pages\":1,\"uncounted_pages\":0,\"claimed_pages\":0,"
		  "\"nodes\":[{\"node\":0,\"claimed_pages\":0,\"mem_pages\":1},"
		  "{\"node\":0,\"claimed_pages\":0,\"mem_pages\":1}],"
		  "\"host\":{\"claimed_pages\":0}}", "listed twice" },
		{ "{\"domid\":1,\"tot_pages\":1,\"uncounted_pages\":0,\"claimed_pages\":-1,"
		  "\"nodes\":[],\"host\":{\"claimed_pages\":0}}", "negative" },
		{ "{\"domid\":1,\"tot_pages\":1} trailing", "not one JSON document" },
	};
	struct numaclaims_domain_info di, was;
	char err[256];
	size_t i;
	int ok;

	memset(&di, 0x77, sizeof(di));
	was = di;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		ok = cc_parse_domain_json(bad[i].json, &di, err, sizeof(err)) == -EINVAL &&
		     strstr(err, bad[i].why) && !memcmp(&di, &was, sizeof(di));
		tap(ok, "parse description: bad %zu refused, nothing written (%s)", i, err);
	}
	ok = !cc_parse_domain_json(
		"{\n  \"domid\": 4,\n  \"tot_pages\": 10,\n  \"uncounted_pages\": 0,\n"
		"  \"claimed_pages\": 7,\n  \"nodes\": [\n    {\"node\": 2, \"claimed_pages\": 5,"
		" \"mem_pages\": 10, \"extra\": [1, {\"x\": null}]}\n  ],\n"
		"  \"host\": {\"claimed_pages\": 2},\n  \"flags\": [\"autodestroy\"],"
		" \"numa_optimised\": true\n}\n", &di, err, sizeof(err));
	tap(ok && di.domid == 4 && di.tot_pages == 10 && di.outstanding_pages == 7 &&
	    di.node_claims == 5 && di.claims[2] == 5 && di.node_pages[2] == 10 &&
	    !di.claims[0] && !di.node_pages[0],
	    "parse description: one domain object as jq prints it (%s)", ok ? "ok" : err);
}

static void test_claim_set_output(void)
{
	struct numaclaims_claim set[3] = {
		{ .pages = 262144, .target = 0 },
		{ .pages = 131072, .target = 1 },
		{ .pages = 65536, .target = NUMACLAIMS_TARGET_HOST },
	};
	size_t len;
	char *buf;
	FILE *f;

	capture_begin(&f, &len, &buf);
	cc_print_claim_set(f, 3, set, 3, CC_UNIT_MIB);
	check_str(capture_end(f, &buf),
		  "domain 3 claims; sizes in MiB\n"
		  "target       claimed\n"
		  "0            1024.00\n"
		  "1             512.00\n"
		  "host          256.00\n"
		  "total        1792.00\n",
		  "claims table in MiB");
	free(buf);

	capture_begin(&f, &len, &buf);
	tap(cc_print_claim_set_json(f, 3, set, 3) == 0, "claims JSON: 0");
	check_str(capture_end(f, &buf),
		  "{\"domid\":3,\"page_size\":4096,\"nodes\":["
		  "{\"node\":0,\"claimed_pages\":262144},"
		  "{\"node\":1,\"claimed_pages\":131072}],\"superpages\":[],"
		  "\"host\":{\"claimed_pages\":65536},"
		  "\"total\":{\"claimed_pages\":458752}}\n",
		  "claims JSON: node rows, host, total");
	free(buf);

	check_out(cc_print_claim_set(f, 4, set, 0, CC_UNIT_PAGES),
		  "domain 4 claims; sizes in 4 KiB pages\n"
		  "target       claimed\n"
		  "host               0\n"
		  "total              0\n",
		  "claims table, empty set: host and total rows");
	check_out(cc_print_claim_set_json(f, 4, set, 0),
		  "{\"domid\":4,\"page_size\":4096,\"nodes\":[],\"superpages\":[],"
		  "\"host\":{\"claimed_pages\":0},\"total\":{\"claimed_pages\":0}}\n",
		  "claims JSON, empty set");

	/* Superpage entries: rows N:2M, "superpages" in JSON, in the total. */
	{
		struct numaclaims_claim sp[4] = {
			{ .pages = 262144, .target = 0 },
			{ .pages = 1024, .target = 1 },
			{ .pages = 8192, .target = 0,
			  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES },
			{ .pages = 65536, .target = NUMACLAIMS_TARGET_HOST },
		};

		check_out(cc_print_claim_set(f, 3, sp, 4, CC_UNIT_MIB),
			  "domain 3 claims; sizes in MiB\n"
			  "target       claimed\n"
			  "0            1024.00\n"
			  "1               4.00\n"
			  "0:2M           32.00\n"
			  "host          256.00\n"
			  "total        1316.00\n",
			  "claims table: a superpage claim is row N:2M, in the total");
		check_out(cc_print_claim_set_json(f, 3, sp, 4),
			  "{\"domid\":3,\"page_size\":4096,\"nodes\":["
			  "{\"node\":0,\"claimed_pages\":262144},"
			  "{\"node\":1,\"claimed_pages\":1024}],"
			  "\"superpages\":[{\"node\":0,\"claimed_pages\":8192}],"
			  "\"host\":{\"claimed_pages\":65536},"
			  "\"total\":{\"claimed_pages\":336896}}\n",
			  "claims JSON: superpage claims in \"superpages\"");
		sp[3].cmd = NUMACLAIMS_CLAIM_SUPERPAGES;
		capture_begin(&f, &len, &buf);
		tap(cc_print_claim_set_json(f, 3, sp, 4) == -EPROTO &&
		    !*capture_end(f, &buf), "claims JSON, host-wide superpages: -EPROTO");
		free(buf);
	}

	/* A target claimctl does not know: an error, not a different type. */
	set[2].target = NUMACLAIMS_TARGET_SPECIAL + 5;
	capture_begin(&f, &len, &buf);
	tap(cc_print_claim_set_json(f, 3, set, 3) == -EPROTO &&
	    !*capture_end(f, &buf), "claims JSON, unknown target: -EPROTO, nothing printed");
	free(buf);
}

/* ---- version, create, populate, topology ---- */

static const struct cc_versions fake_versions = {
	.claimctl = "1.3.0", .libclaims = "1.3.0", .uapi = 2, .module = 2,
};

static const struct cc_populate_report fake_populate = {
	.domid = 5, .gfn = 0x2000, .order = 9, .node = 1, .exact = 1,
	.nr_extents = 16, .nr_done = 16,
};

/* Distances of two nodes, and their sizes; node 1 unknown to libnuma. */
static const int fake_dist[2][2] = { { 10, 21 }, { 21, 10 } };

static void fake_topology(struct cc_topo_node t[2])
{
	memset(t, 0, 2 * sizeof(t[0]));
	t[0] = (struct cc_topo_node){ .have_size = 1, .size_bytes = 512ULL << 20,
				       .free_bytes = 256ULL << 20, .pool = 1,
				       .distances = fake_dist[0] };
	t[1] = (struct cc_topo_node){ .pool = 0, .distances = fake_dist[1] };
}

static void test_command_output(void)
{
	struct cc_populate_report r = fake_populate;
	struct cc_versions v = fake_versions;
	struct cc_topo_node t[2];
	char b[CC_ERR_LEN];
	size_t len;
	char *buf;
	FILE *f;

	check_out(cc_print_version(f, &v),
		  "claimctl 1.3.0 (libclaims 1.3.0, uapi version 2)\n"
		  "module API version 2\n", "version text");
	check_out(cc_print_version_json(f, &v),
		  "{\"claimctl\":\"1.3.0\",\"libclaims\":\"1.3.0\",\"uapi_version\":2,"
		  "\"module_api_version\":2}\n", "version JSON");
	v.module = -1;
	check_out(cc_print_version_json(f, &v),
		  "{\"claimctl\":\"1.3.0\",\"libclaims\":\"1.3.0\",\"uapi_version\":2,"
		  "\"module_api_version\":null}\n", "version JSON without the module");

	check_out(cc_print_create_json(f, 12, 262144, NUMACLAIMS_DOMAIN_AUTODESTROY),
		  "{\"domid\":12,\"page_size\":4096,\"max_pages\":262144,"
		  "\"flags\":[\"autodestroy\"]}\n", "create JSON: list's names");

	check_out(cc_print_populate_json(f, &r),
		  "{\"domid\":5,\"page_size\":4096,\"gfn\":8192,\"order\":9,"
		  "\"node\":1,\"exact\":true,\"no_refcount\":false,\"superpages\":false,"
		  "\"nr_extents\":16,\"nr_done\":16,\"size_pages\":8192,"
		  "\"populated_pages\":8192,\"error\":null}\n", "populate JSON");
	r.node = -1;
	r.exact = 0;
	r.nr_done = 3;
	r.err = E2BIG;
	capture_begin(&f, &len, &buf);
	cc_print_populate_json(f, &r);
	capture_end(f, &buf);
	tap(strstr(buf, "\"node\":null,") && strstr(buf, "\"nr_done\":3,") &&
	    strstr(buf, "\"populated_pages\":1536,\"error\":\"E2BIG\"}"),
	    "populate JSON part way: node null, nr_done, error");
	free(buf);

	check_str(cc_format_progress(b, sizeof(b), "populated", 1024, 2048, 0,
				     0, "would exceed"),
		  "populated 4 MiB of 8 MiB (1024 of 2048 extents of 4 KiB) from gfn 0x0; would exceed",
		  "progress in sizes and extents");
	check_str(cc_format_progress(b, sizeof(b), "freed", 0, 3, 9, 0x200, ""),
		  "freed 0 B of 6 MiB (0 of 3 extents of 2 MiB) from gfn 0x200",
		  "progress without a hint");

	fake_topology(t);
	check_out(cc_print_topology(f, t, 2),
		  "node     size(MiB)   free(MiB)  pool  distances\n"
		  "0           512.00      256.00  yes    10  21\n"
		  "1                -           -  no     21  10\n",
		  "topology table");
	check_out(cc_print_topology_json(f, t, 2),
		  "{\"nr_nodes\":2,\"nodes\":["
		  "{\"node\":0,\"size_bytes\":536870912,\"free_bytes\":268435456,"
		  "\"pool\":true,\"distances\":[10,21]},"
		  "{\"node\":1,\"size_bytes\":null,\"free_bytes\":null,"
		  "\"pool\":false,\"distances\":[21,10]}]}\n",
		  "topology JSON: unknown sizes are null, as the table's -");
}

/*
 * --json-samples DIR: every JSON printer's output on the fakes, one file
 * per sample, DIR/COMMAND[.CASE].json, for tests/claimctl-json.sh to
 * validate against docs/claimctl.schema.json's definition of COMMAND.
 */
static FILE *sample(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static int write_samples(const char *dir)
{
	struct numaclaims_claim set[3] = {
		{ .pages = 262144, .target = 0 },
		{ .pages = 131072, .target = 1 },
		{ .pages = 65536, .target = NUMACLAIMS_TARGET_HOST },
	};
	struct cc_populate_report r = fake_populate;
	struct cc_versions v = fake_versions;
	struct numaclaims_domain_info d[2];
	struct numaclaims_host_info hi;
	struct cc_topo_node t[2];

/* One sample: @call prints into f, the file DIR/@name.json. */
#define SAMPLE(name, call) \
	do { FILE *f = sample(dir, name); call; fclose(f); } while (0)
	fake_host(&hi);
	fake_domains(d);
	fake_topology(t);
	SAMPLE("info", cc_print_host_info_json(f, &hi));
	hi.nodes[0].outstanding_claims = hi.nodes[0].avail_pages + 256;
	SAMPLE("info.negative", cc_print_host_info_json(f, &hi));
	fake_host(&hi);
	SAMPLE("list", cc_print_domains_json(f, &hi, d, 2));
	SAMPLE("list.empty", cc_print_domains_json(f, &hi, NULL, 0));
	SAMPLE("claims", cc_print_claim_set_json(f, 3, set, 3));
	SAMPLE("claims.empty", cc_print_claim_set_json(f, 3, set, 0));
	SAMPLE("claim", cc_print_claim_set_json(f, 3, set, 2));
	{
		uint64_t caps[NUMACLAIMS_MAX_NODES];
		unsigned int n;

		for (n = 0; n < NUMACLAIMS_MAX_NODES; n++)
			caps[n] = n ? 2 * hi.nodes[n].reserved_pages :
				      CC_NO_CAPACITY;
		SAMPLE("pool", cc_print_pools_json(f, &hi, caps));
	}
	SAMPLE("version", cc_print_version_json(f, &v));
	v.module = -1;
	SAMPLE("version.nomodule", cc_print_version_json(f, &v));
	SAMPLE("create", cc_print_create_json(f, 12, 262144, 0));
	SAMPLE("create.autodestroy",
	       cc_print_create_json(f, 13, 256, NUMACLAIMS_DOMAIN_AUTODESTROY));
	{
		struct numaclaims_claim sp[3] = {
			{ .pages = 262144, .target = 0 },
			{ .pages = 8192, .target = 0,
			  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES },
			{ .pages = 512, .target = 1,
			  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES },
		};

		fake_host_sp(&hi);
		fake_domains_sp(d);
		SAMPLE("info.superpages", cc_print_host_info_json(f, &hi));
		SAMPLE("list.superpages", cc_print_domains_json(f, &hi, d, 2));
		SAMPLE("claims.superpages", cc_print_claim_set_json(f, 3, sp, 3));
		fake_host(&hi);
		fake_domains(d);
	}
	SAMPLE("populate", cc_print_populate_json(f, &r));
	r.node = -1;
	r.nr_done = 3;
	r.err = E2BIG;
	SAMPLE("populate.failed", cc_print_populate_json(f, &r));
	SAMPLE("topology", cc_print_topology_json(f, t, 2));
#undef SAMPLE
	return 0;
}

/* ---- hints ---- */

static void hint_has(const char *hint, const char *want, const char *name)
{
	int ok = strstr(hint, want) != NULL;

	tap(ok, "%s", name);
	if (!ok) {
		printf("# want substring: %s\n", want);
		printf("# hint: %s\n", hint);
	}
}

static void test_hints(void)
{
	struct numaclaims_domain_info d[2], fresh;
	struct numaclaims_host_info hi;
	struct numaclaims_claim set[2];
	char hint[CC_ERR_LEN];

	fake_host(&hi);
	fake_domains(d);
	memset(&fresh, 0, sizeof(fresh));
	fresh.domid = 9;
	fresh.max_pages = 1ULL << 30;

	/* build: --spread is suggested only when not given already. */
	{
		static struct claims_plan_topology t;
		struct claims_plan_request r = { .pages = 262144 };

		memset(&t, 0, sizeof(t));
		t.nr_nodes = 2;
		t.pool_nodes = 3;
		t.free_pages[0] = 1024;
		t.free_pages[1] = 30720;
		t.host_free_pages = 31744;
		cc_build_nomem_hint(hint, sizeof(hint), &r, &t, 1);
		check_str(hint, "no plan for 1 GiB fits now (1 install tried; node 1 has the most "
			  "unclaimed, 120 MiB, the host 124 MiB); claim less, or allow more nodes "
			  "(--nodes, --max-nodes), a larger --max-distance or --spread",
			  "build hint without --spread suggests --spread");
		r.flags = CLAIMS_PLAN_SPREAD;
		cc_build_nomem_hint(hint, sizeof(hint), &r, &t, 3);
		tap(!strstr(hint, "or --spread") && strstr(hint, "(--spread is given)") &&
		    strstr(hint, "3 installs tried"),
		    "build hint with --spread does not suggest --spread");
		if (strstr(hint, "or --spread"))
			diag("got", hint);
	}
	/* libclaims' claims_claim_diagnose(): what claimctl and Python say. */
	{
		struct numaclaims_claim big = { .target = 0, .pages = 1ULL << 30 };
		char ours[CC_ERR_LEN];

		tap(claims_claim_diagnose(ENOMEM, &big, 1, &hi, NULL, NULL, 8) == -EINVAL &&
		    claims_claim_diagnose(ENOMEM, NULL, 1, &hi, NULL, hint, sizeof(hint)) == -EINVAL,
		    "claims_claim_diagnose: NULL buffer or set is -EINVAL");
		tap(claims_claim_diagnose(ENOMEM, &big, 1, &hi, NULL, hint, sizeof(hint)) == 0 &&
		    !strncmp(hint, "node 0 has only ", 16) && strstr(hint, "4 TiB asked; claim less or on another node"),
		    "claims_claim_diagnose: ENOMEM names the node, what it has and what was asked");
		cc_claim_hint(ours, sizeof(ours), ENOMEM, &big, 1, &hi, NULL);
		check_str(ours, hint, "claimctl's claim hint is libclaims' diagnosis");
		tap(claims_claim_diagnose(ESRCH, &big, 1, &hi, NULL, hint, sizeof(hint)) == 0 &&
		    hint[0] == '\0', "claims_claim_diagnose: nothing to say for ESRCH");
	}
	/* Superpage refusals (API version 4), from the nodes' superpages. */
	{
		struct numaclaims_host_info hs;
		struct numaclaims_domain_info ds[2];
		struct numaclaims_claim sp[2] = {
			{ .pages = 262144, .target = 0,
			  .cmd = NUMACLAIMS_CLAIM_SUPERPAGES },
			{ .pages = 1024, .target = 1 },
		};

		fake_host_sp(&hs);
		fake_domains_sp(ds);
		claims_claim_diagnose(ENOMEM, sp, 2, &hs, &fresh, hint, sizeof(hint));
		check_str(hint, "node 0 has only 208 MiB of unclaimed superpages, 1 GiB asked; "
			  "claim less, on another node, or as 4 KiB pages (without :2M)",
			  "diagnose: ENOMEM of a superpage claim names the node's unclaimed superpages");
		/* domain 1's own 32 MiB superpage claim there counts as free */
		claims_claim_diagnose(ENOMEM, sp, 2, &hs, &ds[0], hint, sizeof(hint));
		hint_has(hint, "node 0 has only 240 MiB of unclaimed superpages",
			 "diagnose: the domain's own superpage claim counts as free");
		/* a node without superpages, and a fitting superpage entry */
		hs.superpages[0].reserved_pages = 0;
		hs.superpages[0].free_pages = 0;
		hs.superpages[0].outstanding_claims = 0;
		claims_claim_diagnose(ENOMEM, sp, 2, &hs, &fresh, hint, sizeof(hint));
		hint_has(hint, "node 0 has no superpages (module parameters superpage_pool_mb, node_superpage_mb)",
			 "diagnose: a node without superpages says so");
		fake_host_sp(&hs);
		sp[0].pages = 4096;
		sp[1] = (struct numaclaims_claim){ .pages = 460000,
						   .target = NUMACLAIMS_TARGET_HOST };
		claims_claim_diagnose(ENOMEM, sp, 2, &hs, &fresh, hint, sizeof(hint));
		hint_has(hint, "the host has only 1.65 GiB unclaimed, the claims total 1.75 GiB",
			 "diagnose: the host-wide total counts 4 KiB claims only");
		/* EINVAL: malformed superpage entry, or a module before version 4 */
		sp[0].pages = 100;
		claims_claim_diagnose(EINVAL, sp, 1, &hs, &fresh, hint, sizeof(hint));
		hint_has(hint, "a superpage claim is on a node and whole 2 MiB (NODE:SIZE:2M)",
			 "diagnose: EINVAL of a superpage entry that is not whole 2 MiB");
		sp[0].pages = 512;
		claims_claim_diagnose(EINVAL, sp, 1, &hs, &fresh, hint, sizeof(hint));
		hint_has(hint, "superpage claims need a module of API version 4",
			 "diagnose: EINVAL of a well-formed superpage set: an older module");
		claims_claim_diagnose(E2BIG, sp, 1, &hs, &fresh, hint, sizeof(hint));
		hint_has(hint, "one 4 KiB and one superpage entry per node",
			 "diagnose: E2BIG counts superpage entries");
		/* populate --superpages that finds none */
		hs.superpages[0].outstanding_claims = hs.superpages[0].free_pages;
		cc_populate_hint(hint, sizeof(hint), ENOMEM, 0, 512,
				 NUMACLAIMS_MEMF_SUPERPAGE | NUMACLAIMS_MEMF_NODE(0) |
				 NUMACLAIMS_MEMF_EXACT_NODE, &hs, &fresh);
		hint_has(hint, "node 0 has no superpage left for this domain (0 B claimed by it, 0 B unclaimed); claim superpages first",
			 "populate --superpages ENOMEM: the node's superpages");
		cc_populate_hint(hint, sizeof(hint), ENOMEM, -1, 512,
				 NUMACLAIMS_MEMF_SUPERPAGE, &hs, &ds[0]);
		hint_has(hint, "the host has no superpage left for this domain (32 MiB claimed by it, 64 MiB unclaimed)",
			 "populate --superpages ENOMEM without a node: the host's");
	}
	/* Opening the device: one module hint (modprobe), a bad --device named. */
	check_str(cc_open_hint(ENOENT, NULL), CC_HINT_NOT_LOADED, "open hint: ENOENT, default device");
	check_str(cc_open_hint(ENOENT, CLAIMS_DEVICE), CC_HINT_NOT_LOADED,
		  "open hint: ENOENT, --device " CLAIMS_DEVICE);
	check_str(cc_open_hint(ENXIO, "/tmp/x"), CC_HINT_NOT_LOADED, "open hint: ENXIO, --device");
	tap(strstr(CC_HINT_NOT_LOADED, "modprobe numaclaims") &&
	    strstr(claims_strerror(ENOENT), "modprobe numaclaims"),
	    "claimctl's and libclaims' module hints both say modprobe numaclaims");
	check_str(cc_open_hint(ENOENT, "/tmp/nonexist"),
		  "check --device: it names the numaclaims device (default /dev/numaclaims)",
		  "open hint: ENOENT, a --device path that does not exist");
	tap(cc_open_hint(EACCES, NULL) && strstr(cc_open_hint(EACCES, NULL), "root"),
	    "open hint: EACCES, root");

	/* Node 1: 1000 MiB free, 188 MiB claimed -> 812 MiB unclaimed. */
	set[0] = (struct numaclaims_claim){ .pages = 256, .target = 0 };
	set[1] = (struct numaclaims_claim){ .pages = 262144, .target = 1 };
	cc_claim_hint(hint, sizeof(hint), ENOMEM, set, 2, &hi, &fresh);
	hint_has(hint, "node 1 has only 812 MiB unclaimed, 1 GiB asked; claim less or on another node",
		 "claim ENOMEM names the node and its unclaimed memory");

	/* Domain 1's own 64 MiB claim on node 1 counts as free: 876 MiB. */
	cc_claim_hint(hint, sizeof(hint), ENOMEM, set, 2, &hi, &d[0]);
	hint_has(hint, "node 1 has only 876 MiB unclaimed",
		 "claim ENOMEM counts the domain's own claim as free");

	/* Fits on every node but not on the host. */
	set[0] = (struct numaclaims_claim){ .pages = 500000,
					    .target = NUMACLAIMS_TARGET_HOST };
	cc_claim_hint(hint, sizeof(hint), ENOMEM, set, 1, &hi, &fresh);
	hint_has(hint, "the host has only 1.65 GiB unclaimed, the claims total 1.91 GiB",
		 "claim ENOMEM on the host total");

	set[0] = (struct numaclaims_claim){ .pages = 1, .target = 2 };
	cc_claim_hint(hint, sizeof(hint), ENOENT, set, 1, &hi, &fresh);
	hint_has(hint, "node 2 has no numaclaims pool; nodes with a pool: 0-1",
		 "claim ENOENT lists the pool nodes");

	fresh.max_pages = 1024;
	fresh.tot_pages = 512;
	set[0] = (struct numaclaims_claim){ .pages = 1024, .target = 0 };
	cc_claim_hint(hint, sizeof(hint), EINVAL, set, 1, &hi, &fresh);
	hint_has(hint, "domain 9 may hold at most 4 MiB and has 2 MiB; the claims total 4 MiB; raise the limit with 'claimctl maxmem 9 SIZE'",
		 "claim EINVAL above max_pages");

	set[0] = (struct numaclaims_claim){ .pages = 256,
					    .target = NUMACLAIMS_TARGET_LEGACY };
	cc_claim_hint(hint, sizeof(hint), EINVAL, set, 1, &hi, &fresh);
	hint_has(hint, "must exceed the 2 MiB it already has",
		 "legacy claim EINVAL below tot_pages");

	cc_claim_hint(hint, sizeof(hint), ESRCH, set, 1, NULL, NULL);
	hint_has(hint, "see 'claimctl list'", "claim ESRCH hint");

	fresh.outstanding_pages = 100;
	cc_claim_pages_hint(hint, sizeof(hint), EINVAL, 4096, &hi, &fresh);
	hint_has(hint, "release it first with 'claimctl claim-pages 9 0'",
		 "claim-pages EINVAL with a claim outstanding");
	fresh.outstanding_pages = 0;
	cc_claim_pages_hint(hint, sizeof(hint), EINVAL, 4096, &hi, &fresh);
	hint_has(hint, "exceeds the domain's max 4 MiB",
		 "claim-pages EINVAL above max");

	cc_populate_hint(hint, sizeof(hint), E2BIG, -1, 1, 0, &hi, &d[1]);
	hint_has(hint, "domain 7 would exceed its max of 256 MiB",
		 "populate E2BIG names max_pages");
	cc_populate_hint(hint, sizeof(hint), ENOMEM, 1, 512,
			 NUMACLAIMS_MEMF_NODE(1) | NUMACLAIMS_MEMF_EXACT_NODE,
			 &hi, &d[1]);
	hint_has(hint, "node 1 can give this domain only 936 MiB (free 1000 MiB, claimed by others 64 MiB) for an extent of 2 MiB (--exact)",
		 "populate ENOMEM on a node counts own claim");
	cc_populate_hint(hint, sizeof(hint), EEXIST, -1, 1, 0, &hi, &d[1]);
	hint_has(hint, "already populated", "populate EEXIST hint");

	cc_offline_hint(hint, sizeof(hint), ENOMEM, 0, 1, 300000, &hi);
	hint_has(hint, "node 1 has only 1000 MiB free in its pool",
		 "offline ENOMEM names free pages");
	cc_offline_hint(hint, sizeof(hint), EINVAL, 1, 1, 4096, &hi);
	hint_has(hint, "node 1 has only 8 MiB offlined, 16 MiB asked",
		 "online EINVAL names offlined pages");
	cc_offline_hint(hint, sizeof(hint), ENOENT, 0, 5, 1, &hi);
	hint_has(hint, "node 5 has no numaclaims pool", "offline ENOENT");

	cc_generic_hint(hint, sizeof(hint), EPERM, 3);
	hint_has(hint, "run as root", "EPERM hint");
	cc_generic_hint(hint, sizeof(hint), ENOSPC, 3);
	tap(hint[0] == '\0', "no hint for an errno without advice");
}

/* ---- libclaims without the module ---- */

/*
 * The domain-memory helpers that need no module: the device path, the
 * argument checks of the map calls, a MAP_SHARED mapping of an ordinary
 * file (a memfd stands in for a domain file), and move_pages placement.
 */
static void test_libclaims_memory(void)
{
	char path[32], small[8];
	int status[4] = { 99, 99, 99, 99 };
	void *addr = (void *)1;
	int fd, ret;

	tap(claims_domain_path(3, path, sizeof(path)) == 20 &&
	    !strcmp(path, "/dev/numaclaims-dom3"), "domain_path 3");
	tap(claims_domain_path(4294967295U, path, sizeof(path)) == 29,
	    "domain_path of the largest domid fits 32 bytes");
	tap(claims_domain_path(3, small, sizeof(small)) == -ENAMETOOLONG,
	    "domain_path into a short buffer -> -ENAMETOOLONG");
	tap(claims_domain_map_fd(-1, 0, 0, &addr) == -EINVAL && addr == NULL,
	    "map_fd of 0 pages -> -EINVAL, addr NULL");
	tap(claims_domain_map_fd(-1, 0, 1, NULL) == -EINVAL,
	    "map_fd without addr -> -EINVAL");
	tap(claims_domain_map_fd(-1, NUMACLAIMS_MAX_GFN - 1, 2, &addr) == -ENXIO,
	    "map_fd reaching NUMACLAIMS_MAX_GFN -> -ENXIO");
	tap(claims_domain_map_fd(-1, NUMACLAIMS_MAX_GFN, 1, &addr) == -ENXIO,
	    "map_fd at NUMACLAIMS_MAX_GFN -> -ENXIO");
	tap(claims_domain_map_fd(-1, 0, 1, &addr) == -EBADF,
	    "map_fd of a bad descriptor -> mmap's -EBADF");
	tap(claims_domain_unmap(NULL, 1) == 0, "unmap(NULL) is harmless");

	fd = memfd_create("claims-unit", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4 * CLAIMS_PAGE_SIZE)) {
		tap(0, "memfd for the map test: %s", strerror(errno));
		return;
	}
	ret = claims_domain_map_fd(fd, 1, 2, &addr);
	tap(ret == 0 && addr, "map_fd of gfns 1-2 of a file");
	if (!ret) {
		char buf[4] = "";

		memcpy(addr, "gfn", 4);
		tap(pread(fd, buf, 4, CLAIMS_PAGE_SIZE) == 4 &&
		    !strcmp(buf, "gfn"), "the mapping is shared, at gfn << 12");
		ret = claims_page_nodes(addr, 2, status);
		if (ret == -ENOSYS)
			tap(1, "page_nodes: no NUMA here (-ENOSYS)");
		else
			tap(ret == 0 && status[0] >= 0 && status[1] == -ENOENT &&
			    status[2] == 99,
			    "page_nodes: a touched page's node, -ENOENT for an untouched one (%d, %d, %d)",
			    status[0], status[1], status[2]);
		tap(claims_page_nodes((char *)addr + 1, 1, status) == -EINVAL,
		    "page_nodes of an unaligned address -> -EINVAL");
		tap(claims_domain_unmap(addr, 2) == 0, "unmap");
	}
	close(fd);
}

static void test_libclaims(void)
{
	struct numaclaims_domain_info di;
	struct numaclaims_host_info hi;
	struct numaclaims_claim set[2];
	struct claims_handle *h = (struct claims_handle *)1;
	uint64_t done = 99, mask;
	uint32_t nr = 2, domid = 5;
	int ret, distance;
	void *addr;

	ret = claims_open_handle("/nonexistent/numaclaims", &h);
	tap(ret == -ENOENT && h == NULL,
	    "claims_open_handle on a missing device returns -ENOENT");
	errno = 0;
	tap(claims_open_path("/nonexistent/numaclaims") == NULL &&
	    errno == ENOENT, "claims_open_path returns NULL with errno ENOENT");
	claims_close(NULL);
	tap(1, "claims_close(NULL) is harmless");
	check_str(claims_strerror(-ENOENT),
		  "the numaclaims module is not loaded (no /dev/numaclaims): modprobe numaclaims",
		  "claims_strerror(-ENOENT) says the module is not loaded");
	check_str(claims_strerror(ENOENT), claims_strerror(-ENOENT),
		  "claims_strerror takes errno either sign");
	tap(strstr(claims_strerror(-EACCES), "run as root") != NULL,
	    "claims_strerror(-EACCES) says to run as root");
	tap(strstr(claims_strerror(-ENOTTY), "not a numaclaims device") != NULL,
	    "claims_strerror(-ENOTTY) says it is not numaclaims");
	check_str(claims_strerror(-EINVAL), strerror(EINVAL),
		  "claims_strerror of another errno is strerror's");

	/* /dev/null answers every ioctl with ENOTTY: the -errno path. */
	ret = claims_open_handle("/dev/null", &h);
	tap(ret == 0 && h && claims_fd(h) >= 0, "claims_open_handle(/dev/null)");
	if (ret)
		return;
	errno = 0;
	tap(claims_api_version(h) == -ENOTTY, "api_version -> -ENOTTY");
	tap(claims_physinfo(h, &hi) == -ENOTTY, "physinfo -> -ENOTTY");
	tap(claims_domain_getinfo(h, 1, &di) == -ENOTTY, "getinfo -> -ENOTTY");
	{
		struct numaclaims_domain_info *list = (void *)&di;
		size_t nr_list = 7;

		tap(claims_domain_list(h, &list, &nr_list) == -ENOTTY && !list && !nr_list,
		    "domain_list -> -ENOTTY, nothing to free");
		tap(claims_domain_list(h, NULL, &nr_list) == -EINVAL &&
		    claims_domain_list(h, &list, NULL) == -EINVAL, "domain_list NULL -> -EINVAL");
	}
	tap(claims_domain_getinfo_next(h, 0, &di) == -ENOTTY,
	    "getinfo_next -> -ENOTTY");
	tap(claims_domain_create(h, 1, 0, &domid) == -ENOTTY && domid == 5,
	    "domain_create -> -ENOTTY, domid untouched");
	tap(claims_domain_destroy(h, 1) == -ENOTTY, "destroy -> -ENOTTY");
	tap(claims_domain_setmaxmem(h, 1, 1) == -ENOTTY, "setmaxmem -> -ENOTTY");
	tap(claims_domain_node_setaffinity(h, 1, 1) == -ENOTTY,
	    "node_setaffinity -> -ENOTTY");
	tap(claims_domain_claim_memory(h, 1, NUMACLAIMS_CLAIM_GET, &nr, set) ==
	    -ENOTTY && nr == 2, "claim_memory GET -> -ENOTTY, nr untouched");
	tap(claims_domain_claim_memory(h, 1, NUMACLAIMS_CLAIM_GET, NULL, set) ==
	    -EINVAL, "claim_memory without nr_entries -> -EINVAL");
	tap(claims_domain_claim_pages(h, 1, 1) == -ENOTTY,
	    "claim_pages -> -ENOTTY");
	tap(claims_domain_populate_physmap(h, 1, 1, 0, 0, &done, &done) ==
	    -ENOTTY && done == 0, "populate -> -ENOTTY, nr_done 0");
	tap(claims_domain_populate_physmap_exact(h, 1, 1, 0, 0, &done) ==
	    -ENOTTY, "populate_exact -> -ENOTTY");
	done = 99;
	tap(claims_domain_decrease_reservation(h, 1, 1, 0, &done, &done) ==
	    -ENOTTY && done == 0, "decrease_reservation -> -ENOTTY, nr_done 0");
	tap(claims_offline_pages(h, 0, 1) == -ENOTTY, "offline -> -ENOTTY");
	tap(claims_online_pages(h, 0, 1) == -ENOTTY, "online -> -ENOTTY");
	tap(claims_pool_nodes(h, &mask, NULL) == -ENOTTY,
	    "pool_nodes -> -ENOTTY");
	tap(claims_domain_open(h, 1, NUMACLAIMS_OPEN_CLOEXEC) == -ENOTTY,
	    "domain_open -> -ENOTTY");
	addr = (void *)1;
	tap(claims_domain_map(h, 1, 0, 1, &addr) == -ENOTTY && addr == NULL,
	    "domain_map -> -ENOTTY, addr NULL");
	claims_close(h);

	/* libnuma: either NUMA works here or every helper says -ENOSYS. */
	ret = claims_numa_nodes();
	if (ret == -ENOSYS) {
		tap(claims_node_size(0, NULL, NULL) == -ENOSYS &&
		    claims_node_distance(0, 0) == -ENOSYS,
		    "no NUMA: topology helpers return -ENOSYS");
	} else {
		uint64_t size = 0, freemem = 0;

		tap(ret >= 1, "claims_numa_nodes() = %d", ret);
		tap(claims_node_size(0, &size, &freemem) == 0 && size > 0 &&
		    freemem <= size, "node 0 size from libnuma");
		distance = claims_node_distance(0, 0);
		tap(distance == 10 || distance > 0,
		    "node 0 distance to itself = %d", distance);
		tap(claims_node_size(ret, NULL, NULL) == -ENOENT &&
		    claims_node_distance(0, ret) == -ENOENT &&
		    claims_node_size(-1, NULL, NULL) == -ENOENT,
		    "unknown node -> -ENOENT");
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--json-samples"))
		return write_samples(argv[2]);
	test_parse_table();
	test_numbers();
	test_claim_specs();
	test_nodelists();
	test_amounts();
	test_host_output();
	test_domain_output();
	test_domain_memory();
	test_domain_numa();
	test_like_roundtrip();
	test_parse_domain_json();
	test_claim_set_output();
	test_command_output();
	test_hints();
	test_libclaims();
	test_libclaims_memory();
	return tap_end();
}
