// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fmrfloor.bpf.c - empty fmod_ret programs on the three functions the
 * fmod_ret backend hooks: what any trampoline there costs, the floor the
 * VM stage measures the backend against.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("fmod_ret/security_bprm_check")
int BPF_PROG(floor_exec, struct linux_binprm *bprm, int ret)
{
	return ret;
}

SEC("fmod_ret/security_mmap_file")
int BPF_PROG(floor_mmap, struct file *file, unsigned long prot, unsigned long flags, int ret)
{
	return ret;
}

SEC("fmod_ret/security_file_mprotect")
int BPF_PROG(floor_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	return ret;
}
