// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "hooks.h"

#include <string.h>

/*
 * One row per attached program (see hooks.h before adding one). The pin
 * names are those of ABI 1 and 2 so that a takeover finds the old links.
 */
const struct emb_hook emb_hooks[] = {
	/* classic: exec judged at sched_process_exec, mappings at sys_exit */
	{ "emb_exec", "link_exec", EMB_ON(EMB_BACKEND_CLASSIC), EMB_ATTACH_AUTO },
	{ "emb_sys_exit", "link_mmap", EMB_ON(EMB_BACKEND_CLASSIC) | EMB_ON(EMB_BACKEND_KMOD),
	  EMB_ATTACH_AUTO },
	/* lsm */
	{ "emb_lsm_exec", "link_exec", EMB_ON(EMB_BACKEND_LSM), EMB_ATTACH_AUTO },
	{ "emb_lsm_mmap", "link_mmap", EMB_ON(EMB_BACKEND_LSM), EMB_ATTACH_AUTO },
	{ "emb_lsm_mprotect", "link_mprotect", EMB_ON(EMB_BACKEND_LSM), EMB_ATTACH_AUTO },
	/* fmod_ret: the lsm decisions on the security_* functions */
	{ "emb_fmr_exec", "link_exec", EMB_ON(EMB_BACKEND_FMOD_RET), EMB_ATTACH_AUTO },
	{ "emb_fmr_mmap", "link_mmap", EMB_ON(EMB_BACKEND_FMOD_RET), EMB_ATTACH_AUTO },
	{ "emb_fmr_mprotect", "link_mprotect", EMB_ON(EMB_BACKEND_FMOD_RET), EMB_ATTACH_AUTO },
	/* kmod: embargo.ko judges exec; its events reach emb_events through this */
	{ "emb_kmod_event", "link_kmod_event", EMB_ON(EMB_BACKEND_KMOD), EMB_ATTACH_AUTO },
	/* network, every backend */
	{ "emb_connect4", "link_connect4", EMB_ON_ALL, EMB_ATTACH_CGROUP },
	{ "emb_connect6", "link_connect6", EMB_ON_ALL, EMB_ATTACH_CGROUP },
	{ "emb_sendmsg4", "link_sendmsg4", EMB_ON_ALL, EMB_ATTACH_CGROUP },
	{ "emb_sendmsg6", "link_sendmsg6", EMB_ON_ALL, EMB_ATTACH_CGROUP },
	/* ping, raw, SCTP... packets to banned prefixes (the sock_addr hooks
	 * never see them) */
	{ "emb_egress", "link_egress", EMB_ON_ALL, EMB_ATTACH_CGROUP },
};

const size_t emb_hooks_n = sizeof(emb_hooks) / sizeof(emb_hooks[0]);

_Static_assert(sizeof(emb_hooks) / sizeof(emb_hooks[0]) <= EMB_HOOKS_MAX,
	       "emb_hooks[] outgrew EMB_HOOKS_MAX");

size_t emb_hook_pins(const char **names, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < emb_hooks_n; i++) {
		size_t j = 0;

		while (j < n && strcmp(names[j], emb_hooks[i].pin))
			j++;
		if (j == n && n < cap)
			names[n++] = emb_hooks[i].pin;
	}
	return n;
}
