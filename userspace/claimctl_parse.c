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

static int cc_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int cc_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/*
 * Parse the leading digits of @s (decimal) into @val; *@end points after
 * them.  -EINVAL if there is no digit, -ERANGE if the value needs more than
 * 64 bits.
 */
static int cc_parse_digits(const char *s, uint64_t *val, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int digit = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		v = v * 10 + digit;
	}
	*val = v;
	*end = p;
	return 0;
}

int cc_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen)
{
	static const struct {
		char letter;
		unsigned int shift;
	} units[] = {
		{ 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 },
	};
	const char *suffix;
	unsigned int shift = 0;
	uint64_t value;
	size_t i;
	int ret;

	if (!s || !*s)
		return cc_fail(-EINVAL, err, errlen, "empty size");
	ret = cc_parse_digits(s, &value, &suffix);
	if (ret == -ERANGE)
		return cc_fail(ret, err, errlen, "size '%s' is too large", s);
	if (ret)
		return cc_fail(ret, err, errlen,
			       "bad size '%s': expected a number such as 512M, 2G or 1024p",
			       s);
	if (*suffix == '.')
		return cc_fail(-EINVAL, err, errlen,
			       "bad size '%s': fractions are not supported; use a smaller unit (1536M, not 1.5G)",
			       s);
	if (!strcmp(suffix, "p")) {
		*pages = value;
		return 0;
	}
	if (*suffix) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (tolower((unsigned char)*suffix) == units[i].letter)
				break;
		if (i == sizeof(units) / sizeof(units[0]) ||
		    (suffix[1] && strcasecmp(suffix + 1, "iB")))
			return cc_fail(-EINVAL, err, errlen,
				       "bad size suffix in '%s': use K, M, G, T (binary: 1K = 1024 bytes), p for 4 KiB pages, or none for bytes",
				       s);
		shift = units[i].shift;
	}
	if (shift && value > (UINT64_MAX >> shift))
		return cc_fail(-ERANGE, err, errlen, "size '%s' is too large", s);
	value <<= shift;
	if (value & (CC_PAGE_SIZE - 1))
		return cc_fail(-EINVAL, err, errlen,
			       "size '%s' is not a multiple of the 4 KiB page size (a number without suffix is bytes; %sp means pages)",
			       s, s);
	*pages = value >> CC_PAGE_SHIFT;
	return 0;
}

int cc_parse_u64(const char *s, uint64_t max, const char *what, uint64_t *val,
		 char *err, size_t errlen)
{
	const char *end;
	uint64_t v = 0;
	int ret;

	if (!s || !*s)
		return cc_fail(-EINVAL, err, errlen, "empty %s", what);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const char *p = s + 2;

		if (!isxdigit((unsigned char)*p))
			return cc_fail(-EINVAL, err, errlen, "bad %s '%s'",
				       what, s);
		for (; isxdigit((unsigned char)*p); p++) {
			unsigned int digit = isdigit((unsigned char)*p) ?
				(unsigned int)(*p - '0') :
				(unsigned int)(tolower((unsigned char)*p) - 'a' + 10);

			if (v > (UINT64_MAX >> 4))
				return cc_fail(-ERANGE, err, errlen,
					       "%s '%s' is too large", what, s);
			v = (v << 4) | digit;
		}
		end = p;
	} else {
		ret = cc_parse_digits(s, &v, &end);
		if (ret == -ERANGE)
			return cc_fail(ret, err, errlen, "%s '%s' is too large",
				       what, s);
		if (ret)
			return cc_fail(ret, err, errlen, "bad %s '%s'", what, s);
	}
	if (*end)
		return cc_fail(-EINVAL, err, errlen, "bad %s '%s'", what, s);
	if (v > max)
		return cc_fail(-ERANGE, err, errlen,
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
		return cc_fail(-EINVAL, err, errlen,
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

/* Parse one "TARGET:SIZE" item of length @len at @item. */
static int cc_parse_claim_item(const char *item, size_t len,
			       struct numaclaims_claim *entry, char *err,
			       size_t errlen)
{
	char buf[128], ebuf[CC_ERR_LEN];
	uint64_t pages;
	char *colon;
	int ret;

	if (len == 0)
		return cc_fail(-EINVAL, err, errlen,
			       "empty entry in claim set (stray comma?)");
	if (len >= sizeof(buf))
		return cc_fail(-EINVAL, err, errlen,
			       "claim entry '%.40s...' is too long", item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	colon = strchr(buf, ':');
	if (!colon)
		return cc_fail(-EINVAL, err, errlen,
			       "bad claim entry '%s': expected NODE:SIZE, host:SIZE or legacy:SIZE",
			       buf);
	*colon = '\0';
	entry->cmd = 0;
	if (!strcmp(buf, "host")) {
		entry->target = NUMACLAIMS_TARGET_HOST;
	} else if (!strcmp(buf, "legacy")) {
		entry->target = NUMACLAIMS_TARGET_LEGACY;
	} else {
		uint32_t node;

		ret = cc_parse_node(buf, &node, ebuf, sizeof(ebuf));
		if (ret)
			return cc_fail(ret, err, errlen,
				       "%s in claim entry '%s:%s' (targets: a node, host or legacy)",
				       ebuf, buf, colon + 1);
		entry->target = node;
	}
	ret = cc_parse_size(colon + 1, &pages, ebuf, sizeof(ebuf));
	if (ret)
		return cc_fail(ret, err, errlen, "%s in claim entry '%s:%s'",
			       ebuf, buf, colon + 1);
	entry->pages = pages;
	return 0;
}

static const char *cc_target_name(uint32_t target, char *buf, size_t len)
{
	if (target == NUMACLAIMS_TARGET_HOST)
		return "host";
	if (target == NUMACLAIMS_TARGET_LEGACY)
		return "legacy";
	snprintf(buf, len, "node %u", target);
	return buf;
}

int cc_parse_claim_spec(const char *s, struct numaclaims_claim *set,
			uint32_t *nr, char *err, size_t errlen)
{
	uint32_t count = 0, i;
	uint64_t total = 0;
	const char *p;
	int ret;

	if (!s || !*s)
		return cc_fail(-EINVAL, err, errlen,
			       "empty claim set: expected e.g. 0:1G,1:512M,host:256M, legacy:2G or clear");
	if (!strcmp(s, "clear")) {
		set[0] = (struct numaclaims_claim){
			.pages = 0, .target = NUMACLAIMS_TARGET_HOST,
		};
		*nr = 1;
		return 0;
	}
	for (p = s;; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		struct numaclaims_claim entry;
		char name[32];

		if (count == CC_MAX_ENTRIES)
			return cc_fail(-E2BIG, err, errlen,
				       "more than %d claim entries", CC_MAX_ENTRIES);
		ret = cc_parse_claim_item(p, len, &entry, err, errlen);
		if (ret)
			return ret;
		for (i = 0; i < count; i++)
			if (set[i].target == entry.target)
				return cc_fail(-EINVAL, err, errlen,
					       "%s is listed twice in the claim set",
					       cc_target_name(entry.target, name,
							      sizeof(name)));
		if (entry.target == NUMACLAIMS_TARGET_LEGACY || (count &&
		    set[0].target == NUMACLAIMS_TARGET_LEGACY))
			if (count || comma)
				return cc_fail(-EINVAL, err, errlen,
					       "legacy:SIZE must be the only entry of a claim set");
		if (entry.pages > UINT64_MAX - total)
			return cc_fail(-ERANGE, err, errlen,
				       "claim set total overflows 64 bits");
		total += entry.pages;
		set[count++] = entry;
		if (!comma)
			break;
		/* "0:1G, 1:512M" as well as "0:1G,1:512M". */
		for (p = comma + 1; *p == ' ' || *p == '\t'; p++)
			;
	}
	*nr = count;
	return 0;
}

int cc_parse_nodelist(const char *s, uint64_t *mask, char *err,
		      size_t errlen)
{
	uint64_t m = 0;
	const char *p = s;
	char ebuf[CC_ERR_LEN];

	if (!s || !*s)
		return cc_fail(-EINVAL, err, errlen,
			       "empty node list: expected e.g. 0,1 or 0-3");
	for (;;) {
		char num[24];
		uint32_t first, last, n;
		size_t len = strspn(p, "0123456789");
		int ret;

		if (!len || len >= sizeof(num))
			return cc_fail(-EINVAL, err, errlen,
				       "bad node list '%s': expected e.g. 0,1 or 0-3",
				       s);
		memcpy(num, p, len);
		num[len] = '\0';
		ret = cc_parse_node(num, &first, ebuf, sizeof(ebuf));
		if (ret)
			return cc_fail(ret, err, errlen, "%s in node list '%s'",
				       ebuf, s);
		p += len;
		last = first;
		if (*p == '-') {
			p++;
			len = strspn(p, "0123456789");
			if (!len || len >= sizeof(num))
				return cc_fail(-EINVAL, err, errlen,
					       "bad range in node list '%s'", s);
			memcpy(num, p, len);
			num[len] = '\0';
			ret = cc_parse_node(num, &last, ebuf, sizeof(ebuf));
			if (ret)
				return cc_fail(ret, err, errlen,
					       "%s in node list '%s'", ebuf, s);
			if (last < first)
				return cc_fail(-EINVAL, err, errlen,
					       "bad range %u-%u in node list '%s': first node above last",
					       first, last, s);
			p += len;
		}
		for (n = first; n <= last; n++)
			m |= 1ULL << n;
		if (!*p)
			break;
		if (*p != ',')
			return cc_fail(-EINVAL, err, errlen,
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
			return cc_fail(-EINVAL, err, errlen,
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
			return cc_fail(-EINVAL, err, errlen,
				       "bad node %u in node list '%s': numaclaims manages nodes 0 to %d",
				       n, s, NUMACLAIMS_MAX_NODES - 1);
		}
		m |= 1ULL << n;
	}
	numa_bitmask_free(bm);
	if (!m)
		return cc_fail(-EINVAL, err, errlen,
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

		if (cc_parse_digits(j->s, &v, &end)) {
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
		return cc_fail(-EINVAL, err, errlen, "%s at offset %ld",
			       j.bad ? j.bad : "not one JSON document",
			       (long)(j.s - text));
	if (j.bad)
		return cc_fail(-EINVAL, err, errlen, "%s", j.bad);
	if (!j.top_domain && j.ndom != 1)
		return cc_fail(-EINVAL, err, errlen,
			       "%ld domains in the description, not one (claimctl list --json | "
			       "jq '.domains |= map(select(.domid == D))')", j.ndom);
	for (k = 0; k < 6; k++)
		if (!j.have[k])
			return cc_fail(-EINVAL, err, errlen,
				       "no \"%s\": not a domain of claimctl list --json",
				       need[k]);
	memset(di, 0, sizeof(*di));
	di->domid = (uint32_t)j.domid;
	di->tot_pages = j.tot;
	di->uncounted_pages = j.uncounted;
	di->outstanding_pages = j.claimed;
	for (i = 0; i < j.nn; i++) {
		if (j.nhave[i] != 7)
			return cc_fail(-EINVAL, err, errlen,
				       "\"nodes\"[%ld] needs node, claimed_pages and mem_pages", i);
		if (j.node[i] >= NUMACLAIMS_MAX_NODES)
			return cc_fail(-EINVAL, err, errlen, "node %llu: nodes are 0 to 63",
				       (unsigned long long)j.node[i]);
		if (di->claims[j.node[i]] || di->node_pages[j.node[i]])
			return cc_fail(-EINVAL, err, errlen, "node %llu is listed twice",
				       (unsigned long long)j.node[i]);
		di->claims[j.node[i]] = j.ncl[i];
		di->node_pages[j.node[i]] = j.nmem[i];
		node_claims += j.ncl[i];
	}
	di->node_claims = node_claims;
	if (node_claims + j.host != j.claimed || node_claims + j.host < node_claims)
		return cc_fail(-EINVAL, err, errlen,
			       "claimed_pages %llu is not the node claims (%llu) plus host (%llu)",
			       (unsigned long long)j.claimed,
			       (unsigned long long)node_claims, (unsigned long long)j.host);
	*out = parsed;
	return 0;
}
