/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * loader.h - the libbpf side: open, size, load, attach, pin, map writes.
 *
 * Lifecycle: emb_loader_open() (open + size + load), emb_loader_put_*()
 * (policy prefixes, banned verdicts), emb_loader_attach() (attach + pin),
 * then the clean verdicts: a table that cannot be filled never keeps the
 * hooks from attaching. Pins make enforcement
 * outlive the agent; only emb_loader_unload() removes them.
 */
#ifndef EMBARGO_LOADER_H
#define EMBARGO_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "emb_meta.h"
#include "embargo_abi.h"

struct emb_loader;

struct emb_loader_opts {
	const char *pin_dir;     /* e.g. /sys/fs/bpf/embargo */
	const char *cgroup_path; /* cgroup v2 directory for the network hooks */
	uint32_t listed_entries; /* capacity of emb_listed (listed inode verdicts) */
	uint32_t clean_entries;  /* capacity of emb_clean (clean inode verdicts) */
	uint32_t net4_entries;   /* capacity of the IPv4 prefix map */
	uint32_t net6_entries;   /* capacity of the IPv6 prefix map */
	uint32_t banned_entries; /* capacity of emb_banned (kmod backend only) */
	enum emb_backend backend; /* --backend: EMB_BACKEND_AUTO or the one to use */
};

/*
 * Choose the backend, then open, size and load (verifier) its programs.
 * EMB_BACKEND_AUTO takes the first usable backend of the loader's order
 * (lsm, fmod_ret, classic); the reason each better one was passed over is
 * in emb_loader_backend_reason(). LSM is usable when `bpf` is a token of
 * /sys/kernel/security/lsm (securityfs is mounted there if needed), its
 * programs load, and a self-test exec of /bin/true is seen by
 * lsm/bprm_check_security; fmod_ret when its programs load and the same
 * self-test reaches fmod_ret/security_bprm_check. A named backend that is unusable is -ENOTSUP
 * with the reason in why[] (may be NULL). Other errors are printed.
 */
int emb_loader_open(struct emb_loader **out, const struct emb_loader_opts *opts, char *why,
		    size_t why_len);

enum emb_backend emb_loader_backend(const struct emb_loader *l);
/* Why this backend was chosen, one line, for the log and stderr. */
const char *emb_loader_backend_reason(const struct emb_loader *l);

/*
 * Attach every program and pin links and maps under the pin dir. Pins left
 * by an earlier instance are held open until the new links are attached and
 * only then dropped, so enforcement has no gap.
 */
int emb_loader_attach(struct emb_loader *l);

/*
 * Pins (decided in emb_loader_open, before load): 1 when the pin dir held a
 * complete set of this ABI and backend and it was adopted: the maps are the
 * pinned ones and the pinned links were never detached. 0: replaced or new.
 */
int emb_loader_adopted(const struct emb_loader *l);
/* How many clean verdicts emb_clean holds at most (an adopted one may be
 * larger than asked). */
uint32_t emb_loader_clean_capacity(const struct emb_loader *l);
/* "adopted generation N ...", "replaced: <why>" or "new: ...", one line. */
const char *emb_loader_pins_reason(const struct emb_loader *l);
/* emb_meta[0] as written at attach (generation, created_ns, lost_logged). */
const struct emb_meta *emb_loader_meta(const struct emb_loader *l);
/* Record that the log has reported n lost events in all (survives restarts). */
int emb_loader_set_lost_logged(struct emb_loader *l, uint64_t n);
/* Does the set in force keep this map key (an emb_lpm4_key or emb_lpm6_key)? */
typedef int (*emb_loader_keep_fn)(void *ctx, const void *key);
/*
 * Adopted maps may hold prefixes of an earlier policy: delete every key of
 * emb_net4 / emb_net6 for which keep4 / keep6 says no (the agent asks the
 * compiled set: emb_compiled_has_net4/6, O(log n) a key). Call after the
 * new entries are written (fail-closed: the new set is complete first).
 */
int emb_loader_sweep_net(struct emb_loader *l, emb_loader_keep_fn keep4, emb_loader_keep_fn keep6,
			 void *ctx);

/* The two inode verdict tables (embargo_abi.h). */
enum emb_vtable {
	EMB_VT_LISTED = 0, /* listed: deny and audit verdicts */
	EMB_VT_CLEAN = 1,  /* hashed and clean */
};

/* Map writes: each failure is printed with the map and the key, except a
 * full verdict table (-E2BIG, returned): the caller counts and reports it. */
int emb_loader_put_verdict(struct emb_loader *l, enum emb_vtable t, const struct emb_inode_key *k,
			   const struct emb_inode_val *v);
/* n entries at once (bpf_map_update_batch; one by one where the kernel
 * has no batch ops for the map, or from a batch that failed, so a failure
 * is printed with its key): the start-up cache load. Entries that did not
 * fit (table full) are added to *full, not an error. */
int emb_loader_put_verdicts(struct emb_loader *l, enum emb_vtable t,
			    const struct emb_inode_key *k, const struct emb_inode_val *v, uint32_t n,
			    uint32_t *full);
int emb_loader_put_net4s(struct emb_loader *l, const struct emb_lpm4_key *k,
			 const struct emb_net_value *v, uint32_t n);
int emb_loader_put_net6s(struct emb_loader *l, const struct emb_lpm6_key *k,
			 const struct emb_net_value *v, uint32_t n);
/* emb_config[0]: unverified mode, agent tgid, heartbeat. */
int emb_loader_set_config(struct emb_loader *l, const struct emb_config *c);
/* emb_scope[0] = the --cgroup: where unverified files are acted on. */
int emb_loader_set_scope(struct emb_loader *l);
/* The hash request ring buffer (unverified exec/mmap) for the index thread. */
int emb_loader_hashreq_fd(const struct emb_loader *l);
int emb_loader_put_net4(struct emb_loader *l, const struct emb_lpm4_key *k,
			const struct emb_net_value *v);
int emb_loader_put_net6(struct emb_loader *l, const struct emb_lpm6_key *k,
			const struct emb_net_value *v);

/* emb_banned, the SHA-256 set embargo.ko looks unverified files up in
 * (kmod backend: emb_loader_wants_banned()). */
int emb_loader_wants_banned(const struct emb_loader *l);
int emb_loader_put_banned(struct emb_loader *l, const struct emb_sha256_key *k,
			  const struct emb_verdict *v, uint32_t n);
int emb_loader_del_banned(struct emb_loader *l, const struct emb_sha256_key *k);
/* Delete every key of emb_banned for which keep(ctx, key) is 0 (adopted
 * maps may hold an earlier policy's digests; call after the new ones). */
int emb_loader_sweep_banned(struct emb_loader *l,
			    int (*keep)(void *ctx, const struct emb_sha256_key *k), void *ctx);

/* Map deletes (reload): a missing key is not an error. */
int emb_loader_del_verdict(struct emb_loader *l, enum emb_vtable t, const struct emb_inode_key *k);
/* The kernel's verdict entry for k into *v (emb_listed's, else emb_clean's):
 * 0, or -ENOENT / -errno. */
int emb_loader_get_inode(const struct emb_loader *l, const struct emb_inode_key *k,
			 struct emb_inode_val *v);
int emb_loader_del_net4(struct emb_loader *l, const struct emb_lpm4_key *k);
int emb_loader_del_net6(struct emb_loader *l, const struct emb_lpm6_key *k);

/* Call fn for every entry of a verdict table; a non-zero return stops the
 * walk and is returned. fn must not delete entries (collect keys instead). */
int emb_loader_for_each_verdict(struct emb_loader *l, enum emb_vtable t,
				int (*fn)(void *ctx, const struct emb_inode_key *k,
					  const struct emb_inode_val *v),
				void *ctx);

/* The ring buffer map's fd, for ring_buffer__new(). */
int emb_loader_events_fd(const struct emb_loader *l);

/* Sum the per-CPU counters into out[EMB_STAT_MAX]. */
int emb_loader_read_stats(const struct emb_loader *l, uint64_t out[EMB_STAT_MAX]);

/* Close fds; pinned programs keep enforcing. */
void emb_loader_close(struct emb_loader *l);

/* Remove every pin under pin_dir and the dir itself: enforcement stops.
 * Returns 0, or -ENOENT when nothing was loaded there. */
int emb_loader_unload(const char *pin_dir);

/* Mount bpffs at the pin dir's parent if it is /sys/fs/bpf and not mounted
 * yet (as bpftool does), and create the pin dir. */
int emb_loader_prepare_pin_dir(const char *pin_dir);

#endif
