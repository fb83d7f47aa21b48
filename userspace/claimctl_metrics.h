/* SPDX-License-Identifier: GPL-2.0 */
/*
 * claimctl metrics: the host's pools and the domains as Prometheus text
 * exposition (format 0.0.4), for node_exporter's textfile collector or any
 * scraper that reads a file.  claimctl.c's command table calls
 * cc_metrics_main(); cc_metrics_render() is pure (no device) so that the
 * unit test renders fixed structures.
 *
 * Copyright (C) 2026 The numaclaims authors.
 */
#ifndef CLAIMCTL_METRICS_H
#define CLAIMCTL_METRICS_H

#include <stddef.h>
#include <stdio.h>
#include <linux/numaclaims.h>

/** CC_METRICS_USAGE - the synopsis of the command. */
#define CC_METRICS_USAGE "[FILE]"

/** CC_METRICS_HELP - the text of 'claimctl metrics --help'. */
#define CC_METRICS_HELP \
	"Print the pools and the domains in Prometheus text exposition format\n" \
	"(# HELP, # TYPE, one sample per line; every figure a gauge, counts in\n" \
	"4 KiB pages, numaclaims_page_size_bytes to convert):\n" \
	"  numaclaims_node_{reserved,free,claimed,unclaimed,offlined,scrub,held}_pages{node=\"N\"}\n" \
	"  numaclaims_host_claimed_pages, numaclaims_claimed_pages, numaclaims_domains\n" \
	"  numaclaims_domain_{max,tot,claimed,uncounted,host_claimed}_pages{domid=\"D\"}\n" \
	"  numaclaims_domain_node_{claimed,mem}_pages{domid=\"D\",node=\"N\"}\n" \
	"and XenServer 9's per-VM NUMA metrics, exact:\n" \
	"  numaclaims_domain_numa_nodes{domid=\"D\"}      nodes with its memory\n" \
	"  numaclaims_domain_numa_optimised{domid=\"D\"}  1: one node, or fewer than\n" \
	"                                                the host's pool nodes\n" \
	"  numaclaims_domain_memory_numa_node_bytes{domid=\"D\",node=\"N\"} (bytes)\n" \
	"With FILE, write it atomically (a temporary file in the same directory,\n" \
	"then rename), as node_exporter's textfile collector wants, e.g.\n" \
	"  claimctl metrics /var/lib/prometheus/node-exporter/numaclaims.prom\n" \
	"Nothing is written when the module cannot be read (exit status 1).\n"

/**
 * cc_metrics_render() - write the exposition of @hi and @doms to @f.
 * @hi:   the host (HOST_INFO).
 * @doms: @nr domains (DOMAIN_INFO), in any order.
 *
 * Node series are given for the nodes with a pool; a domain's per-node
 * series for those nodes and any other node it has claims or pages on.
 * Every metric gets its # HELP and # TYPE once, before its samples.
 */
void cc_metrics_render(FILE *f, const struct numaclaims_host_info *hi,
		       const struct numaclaims_domain_info *doms, size_t nr);

/**
 * cc_metrics_main() - claimctl metrics [FILE].
 * @device: the device path, or NULL for the default.
 * @argc, @argv: the positional arguments (0 or 1: FILE).
 *
 * Return: the exit status (0, or 1 with one line on stderr).
 */
int cc_metrics_main(const char *device, int argc, char **argv);

#endif /* CLAIMCTL_METRICS_H */
