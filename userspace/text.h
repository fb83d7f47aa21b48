/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers of the text parsers, libclaims' (parse.c) and claimctl's
 * (claimctl_parse.c): internal, never installed.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef LIBCLAIMS_TEXT_H
#define LIBCLAIMS_TEXT_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write the message to @err (if any) and return @ret. */
static inline int text_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline int text_fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* ASCII only: isdigit() may follow the locale. */
static inline int text_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The leading ASCII decimal digits of @s into @val, *@end after them:
 * -EINVAL if there is none, -ERANGE above 2^64 - 1.
 */
static inline int text_digits(const char *s, uint64_t *val, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!text_digit(*p))
		return -EINVAL;
	for (; text_digit(*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*val = v;
	*end = p;
	return 0;
}

#endif /* LIBCLAIMS_TEXT_H */
