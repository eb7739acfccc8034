/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * contain.h - the libbpf side of network containment (bpf/contain.bpf.c).
 *
 * Everything lives under <pin-dir>/contain/: six links (attached to one
 * cgroup) and the maps ctn_state, ctn_rules, ctn_stats, ctn_events. Once
 * pinned it outlives every process; `embargo unload` removes it with the
 * rest of the pin dir. The agent and the CLI (`embargo contain`, `release`,
 * with no agent running) drive it the same way: open, set, close.
 */
#ifndef EMBARGO_CONTAIN_H
#define EMBARGO_CONTAIN_H

#include <stdint.h>

#include "contain_abi.h"

#define EMB_CONTAIN_SUBDIR "contain"

struct emb_contain;

/*
 * Open the containment of pin_dir. Pins present: adopt them (cgroup_path is
 * not used; the links stay where they were attached). Absent: with create,
 * load the object, attach it to cgroup_path, switched off, and pin it (into
 * a temp dir renamed into place, so a half-made containment is never seen);
 * without create, -ENOENT. Pinned maps of another ABI are refused (-EPROTO).
 * Errors are printed.
 */
int emb_contain_open(struct emb_contain **out, const char *pin_dir, const char *cgroup_path,
		     int create);

/* Put cfg in force (NULL: switch containment off, programs stay attached).
 * The rules go to the slot not in use, then one write of ctn_state flips
 * enable bit and slot together. */
int emb_contain_set(struct emb_contain *c, const struct ctn_config *cfg);

/* What is in force: *enabled, and the rules when enabled (cfg may be NULL). */
int emb_contain_get(const struct emb_contain *c, int *enabled, struct ctn_config *cfg);

/* Sum the per-CPU counters into out[CTN_STAT_MAX]. */
int emb_contain_read_stats(const struct emb_contain *c, uint64_t out[CTN_STAT_MAX]);

/* The ctn_events ring buffer's fd (struct ctn_event records), for
 * ring_buffer__add(). Owned by c. */
int emb_contain_events_fd(const struct emb_contain *c);

/* The cgroup id the pinned links are attached to (0 if unknown). */
uint64_t emb_contain_cgroup_id(const struct emb_contain *c);

/* Close fds; the pinned containment stays as it is. */
void emb_contain_close(struct emb_contain *c);

/*
 * open + set + close in one: cfg NULL switches containment off (and does
 * nothing, returning 0 with *applied 0, when nothing is pinned); otherwise
 * creates it if needed. *applied (may be NULL) is 1 when pins were written.
 */
int emb_contain_apply(const char *pin_dir, const char *cgroup_path, const struct ctn_config *cfg,
		      int *applied);

#endif
