// SPDX-License-Identifier: GPL-2.0
/*
 * harness.*: tests of the suite's own harness, not of the module.  They run
 * only with --harness-test (nc_filter_tests() drops them otherwise), and
 * tests/guest/selftests.sh judges their outcome from outside: a test that the harness kills
 * at its timeout must cost exactly one "not ok", and the next test's setup
 * must clean up what it left and name it (nc_clean_after_killed_test()).
 */

#define NC_HARNESS_DOMAINS	20
#define NC_HARNESS_OFFLINED	3

NC_FIXTURE(harness);

/*
 * Leaves domains (no AUTODESTROY), a claim and offlined pages behind, then
 * hangs past its 2-second timeout.
 */
TEST_F_TIMEOUT(harness, killed_with_domains_left, 2)
{
	struct nc_ctx *c = &self->ctx;
	unsigned int i;

	for (i = 0; i < NC_HARNESS_DOMAINS; i++)
		ASSERT_OK(NC_SET(c->fd, nc_new_dom(_metadata, c, 64),
				 CLAIM(8, NC_HOST)));
	ASSERT_OK(raw_offline(c->fd, c->pool[0], NC_HARNESS_OFFLINED));
	for (;;)
		pause();
}
