// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "idxevents.h"

#include "events.h"
#include "hashindex.h"
#include "policy.h"

#include <string.h>

static void add_task(struct emb_json *j, const struct emb_event *e)
{
	emb_json_u64(j, "pid", e->pid);
	emb_json_u64(j, "ppid", e->ppid);
	emb_json_u64(j, "uid", e->uid);
	emb_json_strn(j, "comm", e->comm, sizeof(e->comm));
}

int emb_event_unverified(struct emb_json *j, const struct emb_event *e, const char *host_level)
{
	int deny = e->action == EMB_ACT_DENY;

	emb_event_begin(j, "unverified", deny ? "deny" : "allow");
	if (deny)
		emb_json_str(j, "method", e->method == EMB_METHOD_EPERM ? "eperm" :
					  e->method == EMB_METHOD_SIGKILL ? "sigkill" : "none");
	emb_json_str(j, "on", e->exec.origin == EMB_EV_MMAP ? "mmap" : "exec");
	emb_json_strn(j, "path", e->exec.path, sizeof(e->exec.path));
	add_task(j, e);
	emb_json_u64(j, "dev", e->exec.dev);
	emb_json_u64(j, "ino", e->exec.ino);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}

int emb_event_running(struct emb_json *j, const char *action, const struct emb_rule *r,
		      int pid, const char *comm, const char *path, int is_exe,
		      const char *host_level)
{
	char hex[65];

	emb_event_begin(j, "running", action);
	if (strcmp(action, "kill") == 0)
		emb_json_str(j, "method", "sigkill");
	emb_json_str(j, "policy", r->policy->id);
	emb_json_str(j, "vendor", r->vendor->name);
	if (r->kind == EMB_RULE_SHA256) {
		emb_sha256_hex(r->sha256, hex);
		emb_json_str(j, "sha256", hex);
	} else if (r->kind == EMB_RULE_PATH) {
		emb_json_str(j, "glob", r->glob);
	}
	emb_json_str(j, "path", path);
	emb_json_str(j, "on", is_exe ? "exec" : "mmap");
	emb_json_u64(j, "pid", (uint64_t)pid);
	emb_json_str(j, "comm", comm);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}

int emb_event_verdict(struct emb_json *j, const struct emb_event *e, const struct emb_rule *r,
		      const uint8_t sha256[32], const char *path, int killed,
		      const char *host_level)
{
	char hex[65];

	emb_event_begin(j, e->exec.origin == EMB_EV_MMAP ? "mmap" : "exec",
	      killed ? "kill" : r->action == EMB_ACT_DENY ? "deny" : "audit");
	if (killed)
		emb_json_str(j, "method", "sigkill");
	emb_json_str(j, "policy", r->policy->id);
	emb_json_str(j, "vendor", r->vendor->name);
	emb_sha256_hex(sha256, hex);
	emb_json_str(j, "sha256", hex);
	if (path)
		emb_json_str(j, "path", path);
	else
		emb_json_strn(j, "path", e->exec.path, sizeof(e->exec.path));
	add_task(j, e);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}
