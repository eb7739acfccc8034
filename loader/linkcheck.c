// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "linkcheck.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "hooks.h"
#include "pins.h"

const char *emb_link_state_name(enum emb_link_state s)
{
	switch (s) {
	case EMB_LINK_ATTACHED: return "attached";
	case EMB_LINK_MISSING: return "missing";
	case EMB_LINK_DETACHED: return "detached";
	case EMB_LINK_NOT_LINK: return "not a link";
	}
	return "unknown";
}

/*
 * A cgroup link that BPF_LINK_DETACH (or the cgroup's removal) cut reports
 * cgroup id 0. Tracing, raw tracepoint and LSM links cannot be detached
 * but by closing their last reference, which removing the pin does.
 */
static int link_state(const char *dir, const char *pin, enum emb_link_state *st)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	err = emb_pin_path(path, sizeof(path), dir, pin);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		*st = EMB_LINK_MISSING;
		return err == -ENOENT ? 0 : err;
	}
	if (emb_pin_kind_of(fd) != EMB_PIN_LINK) {
		close(fd);
		*st = EMB_LINK_NOT_LINK;
		return 0;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	*st = info.type == BPF_LINK_TYPE_CGROUP && info.cgroup.cgroup_id == 0 ? EMB_LINK_DETACHED
									       : EMB_LINK_ATTACHED;
	return 0;
}

int emb_links_check(const char *dir, enum emb_backend b, struct emb_link_check *out, size_t cap)
{
	size_t n = 0;
	int err;

	for (size_t i = 0; i < emb_hooks_n && n < cap; i++) {
		const struct emb_hook *h = &emb_hooks[i];
		size_t j = 0;

		if (!emb_hook_on(h, b))
			continue;
		while (j < n && strcmp(out[j].pin, h->pin))
			j++;
		if (j < n)
			continue;
		out[n].pin = h->pin;
		err = link_state(dir, h->pin, &out[n].state);
		if (err)
			return err;
		n++;
	}
	return (int)n;
}
