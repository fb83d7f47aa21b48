// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libclaims: sizes and claim sets as text (LIBCLAIMS_1.5; superpage entries
 * NODE:SIZE:2M since 1.6), the one grammar claimctl and the Python binding
 * both parse with.  No device access; the
 * functions return 0 or -errno and never touch errno.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "text.h"

/* Pages below this have a byte count that fits in 64 bits. */
#define CP_MAX_PAGES	(1ULL << (64 - CLAIMS_PAGE_SHIFT))

static char cp_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int claims_parse_size(const char *s, uint64_t *pages, char *err, size_t errlen)
{
	static const char units[] = "kmgt";
	const char *suffix, *u;
	unsigned int shift = 0;
	uint64_t value;
	int ret;

	if (!s || !pages)
		return text_fail(-EINVAL, err, errlen, "no size");
	if (!*s)
		return text_fail(-EINVAL, err, errlen, "empty size");
	if (*s == '-')
		return text_fail(-EINVAL, err, errlen,
			       "bad size '%s': a size is not negative", s);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return text_fail(-EINVAL, err, errlen,
			       "bad size '%s': sizes are decimal (4096 or 4K, not 0x1000)",
			       s);
	ret = text_digits(s, &value, &suffix);
	if (ret == -ERANGE)
		return text_fail(ret, err, errlen, "size '%s' is too large", s);
	if (ret)
		return text_fail(ret, err, errlen,
			       "bad size '%s': expected a number such as 512M, 2G or 1024p (ASCII digits, no spaces)",
			       s);
	if (*suffix == '.' || *suffix == ',')
		return text_fail(-EINVAL, err, errlen,
			       "bad size '%s': fractions are not supported; use a smaller unit (1536M, not 1.5G)",
			       s);
	if (!strcmp(suffix, "p")) {
		if (value >= CP_MAX_PAGES)
			return text_fail(-ERANGE, err, errlen,
				       "size '%s' is too large (at most %llup)", s,
				       (unsigned long long)(CP_MAX_PAGES - 1));
		*pages = value;
		return 0;
	}
	if (*suffix) {
		u = strchr(units, cp_lower(*suffix));
		if (!u || (suffix[1] && (cp_lower(suffix[1]) != 'i' ||
		    cp_lower(suffix[2]) != 'b' || suffix[3])))
			return text_fail(-EINVAL, err, errlen,
				       "bad size suffix in '%s': use K, M, G, T (binary: 1K = 1024 bytes), p for 4 KiB pages, or none for bytes",
				       s);
		shift = 10 * (unsigned int)(u - units + 1);
	}
	if (shift && value > (UINT64_MAX >> shift))
		return text_fail(-ERANGE, err, errlen, "size '%s' is too large", s);
	value <<= shift;
	if (value & (CLAIMS_PAGE_SIZE - 1)) {
		if (!shift)
			return text_fail(-EINVAL, err, errlen,
				       "size '%s' is not a multiple of the 4 KiB page size (a number without suffix is bytes; %sp means pages)",
				       s, s);
		return text_fail(-EINVAL, err, errlen,
			       "size '%s' is not a multiple of the 4 KiB page size (4K is one page)",
			       s);
	}
	*pages = value >> CLAIMS_PAGE_SHIFT;
	return 0;
}

static const char *cp_target_name(const struct numaclaims_claim *c,
				  char *buf, size_t len)
{
	if (c->target == NUMACLAIMS_TARGET_HOST)
		return "host";
	if (c->target == NUMACLAIMS_TARGET_LEGACY)
		return "legacy";
	if (c->cmd == NUMACLAIMS_CLAIM_SUPERPAGES)
		snprintf(buf, len, "node %u (superpages, :2M)", c->target);
	else
		snprintf(buf, len, "node %u", c->target);
	return buf;
}

/*
 * The optional third field of an entry, its page size: 4K (the default,
 * 4 KiB pages) or 2M (superpages), in any spelling of a size (2M, 2MiB,
 * 2048K, 512p).  *@sp: 1 for superpages.
 */
static int cp_page_size(const char *ps, const char *entry, int *sp,
			char *err, size_t errlen)
{
	uint64_t v;

	if (claims_parse_size(ps, &v, NULL, 0) == 0 &&
	    (v == 1 || v == NUMACLAIMS_SUPERPAGE_PAGES)) {
		*sp = v == NUMACLAIMS_SUPERPAGE_PAGES;
		return 0;
	}
	return text_fail(-EINVAL, err, errlen,
		       "bad page size '%s' in claim entry '%s': write NODE:SIZE:2M for superpages (2 MiB) or NODE:SIZE for 4 KiB pages",
		       ps, entry);
}

/* One "TARGET:SIZE[:PAGESIZE]" of @len bytes at @item. */
static int cp_claim_item(const char *item, size_t len,
			 struct numaclaims_claim *entry, char *err,
			 size_t errlen)
{
	char buf[128], whole[128], ebuf[256];
	const char *end;
	char *colon, *ps;
	uint64_t v;
	int ret, sp = 0;

	if (len == 0)
		return text_fail(-EINVAL, err, errlen,
			       "empty entry in claim set (stray comma?)");
	if (len >= sizeof(buf))
		return text_fail(-EINVAL, err, errlen,
			       "claim entry '%.40s...' is too long", item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	memcpy(whole, buf, len + 1);
	colon = strchr(buf, ':');
	if (!colon)
		return text_fail(-EINVAL, err, errlen,
			       "bad claim entry '%s': expected NODE:SIZE, NODE:SIZE:2M (superpages), host:SIZE or legacy:SIZE",
			       buf);
	*colon = '\0';
	ps = strchr(colon + 1, ':');
	if (ps) {
		*ps++ = '\0';
		ret = cp_page_size(ps, whole, &sp, err, errlen);
		if (ret)
			return ret;
	}
	entry->cmd = sp ? NUMACLAIMS_CLAIM_SUPERPAGES : NUMACLAIMS_CLAIM_PAGES_CMD;
	if (!strcmp(buf, "host") || !strcmp(buf, "legacy")) {
		if (sp)
			return text_fail(-EINVAL, err, errlen,
				       "bad claim entry '%s': superpages are claimed on a node (NODE:SIZE:2M), never %s",
				       whole, buf);
		entry->target = !strcmp(buf, "host") ? NUMACLAIMS_TARGET_HOST :
						      NUMACLAIMS_TARGET_LEGACY;
	} else {
		ret = text_digits(buf, &v, &end);
		if (ret == -EINVAL || (!ret && *end))
			return text_fail(-EINVAL, err, errlen,
				       "bad node '%s' in claim entry '%s': a target is a node number (0 to %d, ASCII decimal), host or legacy",
				       buf, whole, NUMACLAIMS_MAX_NODES - 1);
		if (ret || v >= NUMACLAIMS_MAX_NODES)
			return text_fail(-EINVAL, err, errlen,
				       "bad node '%s' in claim entry '%s': numaclaims manages nodes 0 to %d",
				       buf, whole, NUMACLAIMS_MAX_NODES - 1);
		entry->target = (uint32_t)v;
	}
	ret = claims_parse_size(colon + 1, &v, ebuf, sizeof(ebuf));
	if (ret)
		return text_fail(ret, err, errlen, "%s in claim entry '%s'",
			       ebuf, whole);
	if (sp && v % NUMACLAIMS_SUPERPAGE_PAGES)
		return text_fail(-EINVAL, err, errlen,
			       "size '%s' is not a multiple of the 2 MiB superpage size in claim entry '%s' (superpages are claimed whole)",
			       colon + 1, whole);
	entry->pages = v;
	return 0;
}

int claims_parse_claims(const char *s, struct numaclaims_claim *set,
			uint32_t max, uint32_t *nr, char *err, size_t errlen)
{
	uint32_t count = 0, i;
	const char *p;
	int ret;

	if (!s || !set || !nr || !max)
		return text_fail(-EINVAL, err, errlen, "no claim set");
	if (!*s)
		return text_fail(-EINVAL, err, errlen,
			       "empty claim set: expected e.g. 0:1G,1:512M,host:256M, 0:4G:2M (superpages), legacy:2G or clear");
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
		char name[48];

		if (count == max)
			return text_fail(-E2BIG, err, errlen,
				       "more than %u claim entries", max);
		ret = cp_claim_item(p, len, &entry, err, errlen);
		if (ret)
			return ret;
		for (i = 0; i < count; i++)
			if (set[i].target == entry.target &&
			    set[i].cmd == entry.cmd)
				return text_fail(-EINVAL, err, errlen,
					       "%s is listed twice in the claim set",
					       cp_target_name(&entry, name,
							      sizeof(name)));
		if ((entry.target == NUMACLAIMS_TARGET_LEGACY ||
		     (count && set[0].target == NUMACLAIMS_TARGET_LEGACY)) &&
		    (count || comma))
			return text_fail(-EINVAL, err, errlen,
				       "legacy:SIZE must be the only entry of a claim set");
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
