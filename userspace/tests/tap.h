/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for the host-side C tests of the planner: tap(ok, name...) prints
 * "ok N name" or "not ok N name"; tap_end() the plan and the totals and
 * returns the exit status.  One translation unit per test program.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef NC_TESTS_TAP_H
#define NC_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tests_run, tests_failed;

static void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d ", ok ? "" : "not ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int tap_end(void)
{
	printf("1..%d\n", tests_run);
	printf("# %d passed, %d failed\n", tests_run - tests_failed, tests_failed);
	return tests_failed ? 1 : 0;
}

#endif /* NC_TESTS_TAP_H */
