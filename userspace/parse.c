// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libclaims: sizes and claim sets as text (LIBCLAIMS_1.5), the one grammar
 * claimctl and the Python binding both parse with.  No device access; the
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

static const char *cp_target_name(uint32_t target, char *buf, size_t len)
{
	if (target == NUMACLAIMS_TARGET_HOST)
		return "host";
	if (target == NUMACLAIMS_TARGET_LEGACY)
		return "legacy";
	snprintf(buf, len, "node %u", target);
	return buf;
}

/* One "TARGET:SIZE" of @len bytes at @item. */
static int cp_claim_item(const char *item, size_t len,
			 struct numaclaims_claim *entry, char *err,
			 size_t errlen)
{
	char buf[128], ebuf[256];
	const char *end;
	uint64_t v;
	char *colon;
	int ret;

	if (len == 0)
		return text_fail(-EINVAL, err, errlen,
			       "empty entry in claim set (stray comma?)");
	if (len >= sizeof(buf))
		return text_fail(-EINVAL, err, errlen,
			       "claim entry '%.40s...' is too long", item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	colon = strchr(buf, ':');
	if (!colon)
		return text_fail(-EINVAL, err, errlen,
			       "bad claim entry '%s': expected NODE:SIZE, host:SIZE or legacy:SIZE",
			       buf);
	*colon = '\0';
	entry->cmd = 0;
	if (!strcmp(buf, "host")) {
		entry->target = NUMACLAIMS_TARGET_HOST;
	} else if (!strcmp(buf, "legacy")) {
		entry->target = NUMACLAIMS_TARGET_LEGACY;
	} else {
		ret = text_digits(buf, &v, &end);
		if (ret == -EINVAL || (!ret && *end))
			return text_fail(-EINVAL, err, errlen,
				       "bad node '%s' in claim entry '%s:%s': a target is a node number (0 to %d, ASCII decimal), host or legacy",
				       buf, buf, colon + 1, NUMACLAIMS_MAX_NODES - 1);
		if (ret || v >= NUMACLAIMS_MAX_NODES)
			return text_fail(-EINVAL, err, errlen,
				       "bad node '%s' in claim entry '%s:%s': numaclaims manages nodes 0 to %d",
				       buf, buf, colon + 1, NUMACLAIMS_MAX_NODES - 1);
		entry->target = (uint32_t)v;
	}
	ret = claims_parse_size(colon + 1, &v, ebuf, sizeof(ebuf));
	if (ret)
		return text_fail(ret, err, errlen, "%s in claim entry '%s:%s'",
			       ebuf, buf, colon + 1);
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

		if (count == max)
			return text_fail(-E2BIG, err, errlen,
				       "more than %u claim entries", max);
		ret = cp_claim_item(p, len, &entry, err, errlen);
		if (ret)
			return ret;
		for (i = 0; i < count; i++)
			if (set[i].target == entry.target)
				return text_fail(-EINVAL, err, errlen,
					       "%s is listed twice in the claim set",
					       cp_target_name(entry.target, name,
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
