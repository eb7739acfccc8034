// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * floor.bpf.c - an exec hook that does nothing: its bpf_stats ns per call
 * is what any program on tp_btf/sched_process_exec costs on this machine
 * (dispatch and the stats clock reads), measured next to emb_exec.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_process_exec")
int floor_exec(void *ctx)
{
	return 0;
}
