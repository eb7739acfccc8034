/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * statefile.h - STATE_DIR/status.json: what `embargo status` needs and the
 * pins cannot say (policy ids and modes, host level, why this backend),
 * written atomically by the agent on every load. `status` trusts it only
 * when its pin_dir and generation match the pinned emb_meta.
 */
#ifndef EMBARGO_STATEFILE_H
#define EMBARGO_STATEFILE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define EMB_STATE_FILE "status.json"
#define EMB_STATE_VERSION 1

struct emb_state {
	long pid;
	const char *pin_dir;
	uint64_t generation;      /* emb_meta generation this describes */
	const char *backend;
	const char *backend_reason;
	const char *pins;         /* emb_loader_pins_reason(): adopted/replaced/new */
	const char *host_level;
	const char *const *policy_ids;
	const char *const *policy_modes;
	size_t n_policies;
};

/* Write state_dir/status.json (temp file, fsync, rename; the dir is created
 * 0700 if missing). 0 or -errno. */
int emb_state_write(const char *state_dir, const struct emb_state *s);

/* The parsed file, or NULL (*err: -ENOENT, -EINVAL unparsable). */
json_t *emb_state_read(const char *state_dir, int *err);

#endif
