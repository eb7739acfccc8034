/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * probe.h - kernel feature probes for the backend choice (loader-internal).
 * Nothing here touches BPF objects: the loader runs the BPF half of the
 * self-test and asks these for the parts that are plain system calls.
 */
#ifndef EMBARGO_PROBE_H
#define EMBARGO_PROBE_H

#include <stddef.h>

/*
 * 0 when `bpf` is a token of the active LSM list (/sys/kernel/security/lsm;
 * securityfs is mounted there first if it is not). Otherwise -1 with the
 * reason in why[].
 */
int emb_probe_bpf_lsm_listed(char *why, size_t why_len);

/*
 * Exec a harmless binary (/bin/true or /usr/bin/true) in a child and wait
 * for it. 0 when it ran and exited 0; otherwise -1 with the reason in why[].
 */
int emb_probe_exec_true(char *why, size_t why_len);

#endif
