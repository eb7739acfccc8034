/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * statnames.h - the name and meaning of each kernel counter (enum emb_stat
 * of embargo_abi.h), for `embargo status`, --json and the metrics file,
 * which all walk 0..EMB_STAT_MAX-1: a counter added to the enum shows up
 * everywhere (as "stat_N" until it is named here; test_statnames fails).
 */
#ifndef EMBARGO_STATNAMES_H
#define EMBARGO_STATNAMES_H

#include <stddef.h>

/* "denied", "hash_requests_lost", ...; NULL for an unnamed index. */
const char *emb_stat_name(unsigned k);
/* One sentence for a Prometheus HELP line; NULL for an unnamed index. */
const char *emb_stat_help(unsigned k);
/* emb_stat_name(k), or "stat_K" in buf. */
const char *emb_stat_label(unsigned k, char *buf, size_t len);

#endif
