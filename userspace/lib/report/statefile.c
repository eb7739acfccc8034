// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* statefile.c - the agent's status.json, written atomically. */
#include "statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0700) && errno != EEXIST ? -errno : 0;
}

static json_t *build(const struct emb_state *s)
{
	json_t *o = json_object(), *pols = json_array();
	char now[40];

	emb_json_time_now(now, sizeof(now));
	for (size_t i = 0; pols && i < s->n_policies; i++)
		json_array_append_new(pols, json_pack("{s:s,s:s}", "id", s->policy_ids[i], "mode",
						      s->policy_modes[i]));
	if (!o || !pols) {
		json_decref(o);
		json_decref(pols);
		return NULL;
	}
	json_object_set_new(o, "version", json_integer(EMB_STATE_VERSION));
	json_object_set_new(o, "pid", json_integer(s->pid));
	json_object_set_new(o, "pin_dir", json_string(s->pin_dir));
	json_object_set_new(o, "generation", json_integer((json_int_t)s->generation));
	json_object_set_new(o, "written", json_string(now));
	json_object_set_new(o, "backend", json_string(s->backend));
	json_object_set_new(o, "backend_reason", json_string(s->backend_reason));
	json_object_set_new(o, "pins", json_string(s->pins));
	json_object_set_new(o, "host_level", json_string(s->host_level));
	json_object_set_new(o, "policies", pols);
	return o;
}

int emb_state_write(const char *state_dir, const struct emb_state *s)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	json_t *o;
	int fd, err = mkdir_p(state_dir);

	if (err)
		return err;
	if (snprintf(path, sizeof(path), "%s/%s", state_dir, EMB_STATE_FILE) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	o = build(s);
	if (!o)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (json_dumpfd(o, fd, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || write(fd, "\n", 1) != 1 ||
	    fsync(fd))
		err = -(errno ? errno : EIO);
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
out:
	json_decref(o);
	return err;
}

json_t *emb_state_read(const char *state_dir, int *err)
{
	char path[PATH_MAX];
	json_t *o;

	if (snprintf(path, sizeof(path), "%s/%s", state_dir, EMB_STATE_FILE) >= (int)sizeof(path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	if (access(path, R_OK)) {
		*err = -errno;
		return NULL;
	}
	o = json_load_file(path, 0, NULL);
	*err = json_is_object(o) ? 0 : -EINVAL;
	if (*err) {
		json_decref(o);
		return NULL;
	}
	return o;
}
