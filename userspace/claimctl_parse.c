// SPDX-License-Identifier: GPL-2.0
/*
 * claimctl: command-line parsing of sizes, claim sets, node lists and ids.
 * No device access here: tests/claimctl-unit.c tests these as they are.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <numa.h>

#include "claimctl.h"
#include "claims.h"
#include "text.h"

/* libclaims' grammar (parse.c), the Python binding's too. */
int cc_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen)
{
	return claims_parse_size(s, pages, err, errlen);
}

int cc_parse_u64(const char *s, uint64_t max, const char *what, uint64_t *val,
		 char *err, size_t errlen)
{
	const char *end;
	uint64_t v = 0;
	int ret;

	if (!s || !*s)
		return text_fail(-EINVAL, err, errlen, "empty %s", what);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const char *p = s + 2;

		if (!isxdigit((unsigned char)*p))
			return text_fail(-EINVAL, err, errlen, "bad %s '%s'",
				       what, s);
		for (; isxdigit((unsigned char)*p); p++) {
			unsigned int digit = isdigit((unsigned char)*p) ?
				(unsigned int)(*p - '0') :
				(unsigned int)(tolower((unsigned char)*p) - 'a' + 10);

			if (v > (UINT64_MAX >> 4))
				return text_fail(-ERANGE, err, errlen,
					       "%s '%s' is too large", what, s);
			v = (v << 4) | digit;
		}
		end = p;
	} else {
		ret = text_digits(s, &v, &end);
		if (ret == -ERANGE)
			return text_fail(ret, err, errlen, "%s '%s' is too large",
				       what, s);
		if (ret)
			return text_fail(ret, err, errlen, "bad %s '%s'", what, s);
	}
	if (*end)
		return text_fail(-EINVAL, err, errlen, "bad %s '%s'", what, s);
	if (v > max)
		return text_fail(-ERANGE, err, errlen,
			       "%s '%s' is too large (at most %llu)", what, s,
			       (unsigned long long)max);
	*val = v;
	return 0;
}

int cc_parse_node(const char *s, uint32_t *node, char *err, size_t errlen)
{
	uint64_t v;
	int ret = cc_parse_u64(s, NUMACLAIMS_MAX_NODES - 1, "node", &v, err,
			       errlen);

	if (ret == -ERANGE)
		return text_fail(-EINVAL, err, errlen,
			       "bad node '%s': numaclaims manages nodes 0 to %d",
			       s, NUMACLAIMS_MAX_NODES - 1);
	if (ret)
		return ret;
	*node = (uint32_t)v;
	return 0;
}

int cc_parse_domid(const char *s, uint32_t *domid, char *err, size_t errlen)
{
	uint64_t v;
	int ret = cc_parse_u64(s, UINT32_MAX, "domain id", &v, err, errlen);

	if (ret)
		return ret;
	*domid = (uint32_t)v;
	return 0;
}

int cc_parse_claim_spec(const char *s, struct numaclaims_claim *set,
			uint32_t *nr, char *err, size_t errlen)
{
	return claims_parse_claims(s, set, CC_MAX_ENTRIES, nr, err, errlen);
}

int cc_parse_nodelist(const char *s, uint64_t *mask, char *err,
		      size_t errlen)
{
	uint64_t m = 0;
	const char *p = s;
	char ebuf[CC_ERR_LEN];

	if (!s || !*s)
		return text_fail(-EINVAL, err, errlen,
			       "empty node list: expected e.g. 0,1 or 0-3");
	for (;;) {
		char num[24];
		uint32_t first, last, n;
		size_t len = strspn(p, "0123456789");
		int ret;

		if (!len || len >= sizeof(num))
			return text_fail(-EINVAL, err, errlen,
				       "bad node list '%s': expected e.g. 0,1 or 0-3",
				       s);
		memcpy(num, p, len);
		num[len] = '\0';
		ret = cc_parse_node(num, &first, ebuf, sizeof(ebuf));
		if (ret)
			return text_fail(ret, err, errlen, "%s in node list '%s'",
				       ebuf, s);
		p += len;
		last = first;
		if (*p == '-') {
			p++;
			len = strspn(p, "0123456789");
			if (!len || len >= sizeof(num))
				return text_fail(-EINVAL, err, errlen,
					       "bad range in node list '%s'", s);
			memcpy(num, p, len);
			num[len] = '\0';
			ret = cc_parse_node(num, &last, ebuf, sizeof(ebuf));
			if (ret)
				return text_fail(ret, err, errlen,
					       "%s in node list '%s'", ebuf, s);
			if (last < first)
				return text_fail(-EINVAL, err, errlen,
					       "bad range %u-%u in node list '%s': first node above last",
					       first, last, s);
			p += len;
		}
		for (n = first; n <= last; n++)
			m |= 1ULL << n;
		if (!*p)
			break;
		if (*p != ',')
			return text_fail(-EINVAL, err, errlen,
				       "bad node list '%s': expected e.g. 0,1 or 0-3",
				       s);
		p++;
	}
	*mask = m;
	return 0;
}

/*
 * libnuma reports a node string it cannot parse with numa_warn() on stderr
 * (a weak symbol, meant to be overridden): quiet while claimctl parses,
 * since its own message says more.
 */
static int cc_numa_quiet;

void numa_warn(int num, char *fmt, ...)
{
	va_list ap;

	(void)num;
	if (cc_numa_quiet)
		return;
	fprintf(stderr, "libnuma: Warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int cc_parse_host_nodelist(const char *s, uint64_t *mask, char *err,
			   size_t errlen)
{
	struct bitmask *bm;
	uint64_t m = 0;
	unsigned int n;

	if (!s || !*s || numa_available() < 0) {
		if (s && !strcmp(s, "all"))
			return text_fail(-EINVAL, err, errlen,
				       "node list 'all' needs NUMA support (libnuma finds none here): list the nodes");
		return cc_parse_nodelist(s, mask, err, errlen);
	}
	cc_numa_quiet = 1;
	bm = numa_parse_nodestring(s);
	cc_numa_quiet = 0;
	if (!bm)
		/*
		 * The syntax error, or a plain list naming a node libnuma
		 * does not know: the module (affinity: "must name a node
		 * with a pool") and run ("no CPUs") say what is wrong there.
		 */
		return cc_parse_nodelist(s, mask, err, errlen);
	for (n = 0; n < bm->size; n++) {
		if (!numa_bitmask_isbitset(bm, n))
			continue;
		if (n >= NUMACLAIMS_MAX_NODES) {
			numa_bitmask_free(bm);
			return text_fail(-EINVAL, err, errlen,
				       "bad node %u in node list '%s': numaclaims manages nodes 0 to %d",
				       n, s, NUMACLAIMS_MAX_NODES - 1);
		}
		m |= 1ULL << n;
	}
	numa_bitmask_free(bm);
	if (!m)
		return text_fail(-EINVAL, err, errlen,
			       "node list '%s' names no node", s);
	*mask = m;
	return 0;
}

/*
 * ---- a domain's description: the JSON of `claimctl list --json` ----
 *
 * A small JSON reader (objects, arrays, strings, numbers, true, false,
 * null) that hands every number to jd_value() with its path: the keys of
 * the enclosing objects and the indices of the enclosing arrays.
 */
#define JD_DEPTH	8

struct jd {
	const char *s;
	int depth;
	char key[JD_DEPTH][32];		/* object member, "" in an array */
	long idx[JD_DEPTH];		/* array index, -1 in an object */
	/* what is collected */
	int top_domain;			/* the document is one domain object */
	long ndom;			/* domains seen */
	int have[8];
	uint64_t domid, tot, uncounted, claimed, host;
	long nn;
	uint64_t node[NUMACLAIMS_MAX_NODES], ncl[NUMACLAIMS_MAX_NODES],
		 nmem[NUMACLAIMS_MAX_NODES];
	/* superpages (optional: claimctl before API version 4 has none) */
	uint64_t nspcl[NUMACLAIMS_MAX_NODES], nspmem[NUMACLAIMS_MAX_NODES];
	int nhave[NUMACLAIMS_MAX_NODES];
	const char *bad;
};

enum { JD_DOMID, JD_TOT, JD_UNCOUNTED, JD_CLAIMED, JD_HOST, JD_NODES };

static void jd_ws(struct jd *j)
{
	while (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r')
		j->s++;
}

/* A number at the current path. @lvl: the level of the domain object. */
static void jd_value(struct jd *j, uint64_t v)
{
	int l = j->top_domain ? 0 : 2, d = j->depth;

	if (!j->top_domain && (d < 2 || strcmp(j->key[0], "domains")))
		return;
	if (!j->top_domain && j->idx[1] > 0)
		return;			/* only the first domain is read */
	if (d == l + 1) {
		const char *k = j->key[l];

		if (!strcmp(k, "domid"))
			j->domid = v, j->have[JD_DOMID] = 1;
		else if (!strcmp(k, "tot_pages"))
			j->tot = v, j->have[JD_TOT] = 1;
		else if (!strcmp(k, "uncounted_pages"))
			j->uncounted = v, j->have[JD_UNCOUNTED] = 1;
		else if (!strcmp(k, "claimed_pages"))
			j->claimed = v, j->have[JD_CLAIMED] = 1;
		return;
	}
	if (d == l + 2 && !strcmp(j->key[l], "host") &&
	    !strcmp(j->key[l + 1], "claimed_pages")) {
		j->host = v;
		j->have[JD_HOST] = 1;
		return;
	}
	if (d == l + 3 && !strcmp(j->key[l], "nodes")) {
		long i = j->idx[l + 1];
		const char *k = j->key[l + 2];

		if (i < 0 || i >= NUMACLAIMS_MAX_NODES) {
			j->bad = "more than 64 entries in \"nodes\"";
			return;
		}
		if (i + 1 > j->nn)
			j->nn = i + 1;
		if (!strcmp(k, "node"))
			j->node[i] = v, j->nhave[i] |= 1;
		else if (!strcmp(k, "claimed_pages"))
			j->ncl[i] = v, j->nhave[i] |= 2;
		else if (!strcmp(k, "mem_pages"))
			j->nmem[i] = v, j->nhave[i] |= 4;
		else if (!strcmp(k, "superpage_claimed_pages"))
			j->nspcl[i] = v;
		else if (!strcmp(k, "superpage_mem_pages"))
			j->nspmem[i] = v;
		j->have[JD_NODES] = 1;
	}
}

static int jd_parse(struct jd *j);

static int jd_string(struct jd *j, char *out, size_t len)
{
	size_t n = 0;

	if (*j->s != '"')
		return -1;
	for (j->s++; *j->s && *j->s != '"'; j->s++) {
		if (*j->s == '\\' && j->s[1])
			j->s++;
		if (n + 1 < len)
			out[n++] = *j->s;
	}
	if (*j->s != '"')
		return -1;
	j->s++;
	out[n] = 0;
	return 0;
}

static int jd_parse(struct jd *j)
{
	char skip[32];

	jd_ws(j);
	if (*j->s == '{' || *j->s == '[') {
		int obj = *j->s == '{';
		long i = 0;

		if (j->depth >= JD_DEPTH)
			return -1;
		if (obj && j->depth == 0 && !j->top_domain) {
			/* {"page_size":..,"domains":[..]} or one domain object */
			const char *p = strstr(j->s, "\"domains\"");

			j->top_domain = !p;
		}
		j->s++;
		jd_ws(j);
		if (*j->s == (obj ? '}' : ']')) {
			j->s++;
			return 0;
		}
		for (;;) {
			int d = j->depth;

			j->key[d][0] = 0;
			j->idx[d] = obj ? -1 : i++;
			if (obj) {
				jd_ws(j);
				if (jd_string(j, j->key[d], sizeof(j->key[d])))
					return -1;
				jd_ws(j);
				if (*j->s++ != ':')
					return -1;
			}
			if (d == 1 && !obj && !strcmp(j->key[0], "domains"))
				j->ndom++;
			j->depth++;
			if (jd_parse(j))
				return -1;
			j->depth--;
			jd_ws(j);
			if (*j->s == ',') {
				j->s++;
				continue;
			}
			if (*j->s++ != (obj ? '}' : ']'))
				return -1;
			return 0;
		}
	}
	if (*j->s == '"')
		return jd_string(j, skip, sizeof(skip));
	if (!strncmp(j->s, "true", 4) || !strncmp(j->s, "null", 4)) {
		j->s += 4;
		return 0;
	}
	if (!strncmp(j->s, "false", 5)) {
		j->s += 5;
		return 0;
	}
	if (*j->s == '-') {		/* a negative count: a broken invariant */
		j->bad = "a negative count";
		while (*++j->s >= '0' && *j->s <= '9')
			;
		return 0;
	}
	if (*j->s >= '0' && *j->s <= '9') {
		uint64_t v;
		const char *end;

		if (text_digits(j->s, &v, &end)) {
			j->bad = "a number above 2^64";
			return -1;
		}
		j->s = end;
		if (*j->s == '.' || *j->s == 'e' || *j->s == 'E')
			return -1;
		jd_value(j, v);
		return 0;
	}
	return -1;
}

int cc_parse_domain_json(const char *text, struct numaclaims_domain_info *out,
			 char *err, size_t errlen)
{
	static struct numaclaims_domain_info parsed, *di = &parsed;	/* @out only when valid */
	static const char *const need[] = { "domid", "tot_pages", "uncounted_pages",
					    "claimed_pages", "host", "nodes" };
	static struct jd j;
	uint64_t node_claims = 0;
	long i;
	int k;

	memset(&j, 0, sizeof(j));
	j.s = text;
	if (jd_parse(&j) || (jd_ws(&j), *j.s))
		return text_fail(-EINVAL, err, errlen, "%s at offset %ld",
			       j.bad ? j.bad : "not one JSON document",
			       (long)(j.s - text));
	if (j.bad)
		return text_fail(-EINVAL, err, errlen, "%s", j.bad);
	if (!j.top_domain && j.ndom != 1)
		return text_fail(-EINVAL, err, errlen,
			       "%ld domains in the description, not one (claimctl list --json | "
			       "jq '.domains |= map(select(.domid == D))')", j.ndom);
	for (k = 0; k < 6; k++)
		if (!j.have[k])
			return text_fail(-EINVAL, err, errlen,
				       "no \"%s\": not a domain of claimctl list --json",
				       need[k]);
	memset(di, 0, sizeof(*di));
	di->domid = (uint32_t)j.domid;
	di->tot_pages = j.tot;
	di->uncounted_pages = j.uncounted;
	di->outstanding_pages = j.claimed;
	for (i = 0; i < j.nn; i++) {
		if (j.nhave[i] != 7)
			return text_fail(-EINVAL, err, errlen,
				       "\"nodes\"[%ld] needs node, claimed_pages and mem_pages", i);
		if (j.node[i] >= NUMACLAIMS_MAX_NODES)
			return text_fail(-EINVAL, err, errlen, "node %llu: nodes are 0 to 63",
				       (unsigned long long)j.node[i]);
		if (di->claims[j.node[i]] || di->node_pages[j.node[i]])
			return text_fail(-EINVAL, err, errlen, "node %llu is listed twice",
				       (unsigned long long)j.node[i]);
		di->claims[j.node[i]] = j.ncl[i];
		di->node_pages[j.node[i]] = j.nmem[i];
		di->superpage_claims[j.node[i]] = j.nspcl[i];
		di->superpage_pages[j.node[i]] = j.nspmem[i];
		node_claims += j.ncl[i];
	}
	di->node_claims = node_claims;
	if (node_claims + j.host != j.claimed || node_claims + j.host < node_claims)
		return text_fail(-EINVAL, err, errlen,
			       "claimed_pages %llu is not the node claims (%llu) plus host (%llu)",
			       (unsigned long long)j.claimed,
			       (unsigned long long)node_claims, (unsigned long long)j.host);
	*out = parsed;
	return 0;
}
