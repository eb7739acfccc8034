// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "statnames.h"

#include <linux/types.h>
#include <stdio.h>

#include "embargo_abi.h"

static const struct {
	const char *name, *help;
} stats[EMB_STAT_MAX] = {
	[EMB_STAT_DENIED] = { "denied", "Denials the kernel enforced (every policy)." },
	[EMB_STAT_AUDITED] = { "audited", "Audit-mode matches the kernel saw." },
	[EMB_STAT_LOST] = { "events_lost",
			    "Events the kernel could not queue (ring buffer full); logged as lost." },
	[EMB_STAT_LSM_CALLS] = { "exec_hook_calls",
				 "Times the lsm or fmod_ret exec hook ran (the backend self-test)." },
	[EMB_STAT_UNVERIFIED] = { "unverified",
				  "Execs and executable mappings of files not yet hashed, in scope." },
	[EMB_STAT_HASHREQ_LOST] = { "hash_requests_lost",
				    "Hash requests the kernel could not queue (hash request ring full)." },
	[EMB_STAT_PKT_DROPPED] = { "packets_dropped",
				   "Egress packets dropped (ping, raw, SCTP to banned prefixes; also in denied)." },
	[EMB_STAT_KMOD_HASHED] = { "kmod_hashed", "Unverified files embargo.ko hashed itself." },
	[EMB_STAT_KMOD_HASH_FAILED] = { "kmod_hash_failed",
					"Files embargo.ko could not hash (size or time bound, read error): denied." },
	[EMB_STAT_KMOD_RECORD_LOST] = { "kmod_record_lost",
					"Verdicts embargo.ko could not record in emb_clean." },
	[EMB_STAT_KMOD_GATE_CALLS] = { "kmod_gate_calls",
				       "Exec levels (script, interpreter) embargo.ko judged with maps attached." },
	[EMB_STAT_KMOD_GATE_NS] = { "kmod_gate_ns",
				    "Nanoseconds embargo.ko spent judging execs, hashing included." },
	[EMB_STAT_VMA_UNREAD] = { "mappings_unreadable",
				  "classic, kmod: mapping calls whose VMAs could not be read; killed (also in denied)." },
};

const char *emb_stat_name(unsigned k)
{
	return k < EMB_STAT_MAX ? stats[k].name : NULL;
}

const char *emb_stat_help(unsigned k)
{
	return k < EMB_STAT_MAX ? stats[k].help : NULL;
}

const char *emb_stat_label(unsigned k, char *buf, size_t len)
{
	const char *n = emb_stat_name(k);

	if (n)
		return n;
	snprintf(buf, len, "stat_%u", k);
	return buf;
}
