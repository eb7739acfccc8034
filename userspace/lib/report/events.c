// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "events.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include "hashindex.h"
#include "log.h"

static const char *event_name(uint32_t type)
{
	switch (type) {
	case EMB_EV_EXEC:
		return "exec";
	case EMB_EV_CONNECT:
		return "connect";
	case EMB_EV_SENDMSG:
		return "sendmsg";
	case EMB_EV_MMAP:
		return "mmap";
	case EMB_EV_PACKET:
		return "packet";
	}
	return "unknown";
}

static const char *action_name(uint32_t action)
{
	return action == EMB_ACT_DENY ? "deny" : action == EMB_ACT_AUDIT ? "audit" : "allow";
}

static const char *method_name(uint32_t method)
{
	switch (method) {
	case EMB_METHOD_SIGKILL:
		return "sigkill";
	case EMB_METHOD_EPERM:
		return "eperm";
	case EMB_METHOD_DROP:
		return "drop";
	}
	return "none";
}

void emb_event_begin(struct emb_json *j, const char *event, const char *action)
{
	char now[40];

	emb_json_time_now(now, sizeof(now));
	emb_json_begin(j);
	emb_json_str(j, "time", now);
	emb_json_str(j, "event", event);
	if (action)
		emb_json_str(j, "action", action);
}

static void add_exec(struct emb_json *j, const struct emb_event *e, const struct emb_rule *r)
{
	char hex[65];

	if (r->kind == EMB_RULE_SHA256) {
		emb_sha256_hex(r->sha256, hex);
		emb_json_str(j, "sha256", hex);
	} else if (r->kind == EMB_RULE_PATH) {
		emb_json_str(j, "glob", r->glob);
	}
	emb_json_strn(j, "path", e->exec.path, sizeof(e->exec.path));
	emb_json_u64(j, "pid", e->pid);
	emb_json_u64(j, "ppid", e->ppid);
	emb_json_u64(j, "uid", e->uid);
	emb_json_strn(j, "comm", e->comm, sizeof(e->comm));
}

/* A packet event's IP protocol by name; "ip-N" for the rest. */
static const char *ipproto_name(unsigned p, char *buf, size_t len)
{
	static const struct {
		unsigned num;
		const char *name;
	} names[] = { { 1, "icmp" }, { 6, "tcp" }, { 17, "udp" }, { 58, "icmpv6" },
		      { 132, "sctp" }, { 136, "udplite" }, { 255, "raw" } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].num == p)
			return names[i].name;
	snprintf(buf, len, "ip-%u", p);
	return buf;
}

/* The socket type of a packet event (SOCK_* of <sys/socket.h>). */
static const char *socktype_name(unsigned t)
{
	switch (t) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_RAW:
		return "raw";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return NULL;
}

static void add_net(struct emb_json *j, const struct emb_event *e, const char *exe)
{
	char addr[INET6_ADDRSTRLEN] = "", pbuf[16];
	int family = e->net.family == AF_INET ? AF_INET : AF_INET6;
	const char *sock;

	if (!inet_ntop(family, e->net.daddr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	emb_json_str(j, "daddr", addr);
	if (e->type == EMB_EV_PACKET) {
		/* Packets: the wire's protocol, a port only where it has one. */
		if (e->net.dport)
			emb_json_u64(j, "dport", e->net.dport);
		emb_json_str(j, "proto", ipproto_name(e->net.ipproto, pbuf, sizeof(pbuf)));
		sock = socktype_name(e->net.socktype);
		if (sock)
			emb_json_str(j, "socket", sock);
	} else {
		emb_json_u64(j, "dport", e->net.dport);
		emb_json_str(j, "proto", e->net.proto == EMB_PROTO_TCP ? "tcp" :
					 e->net.proto == EMB_PROTO_UDP ? "udp" : "other");
	}
	emb_json_u64(j, "pid", e->pid);
	emb_json_u64(j, "uid", e->uid);
	emb_json_strn(j, "comm", e->comm, sizeof(e->comm));
	if (exe)
		emb_json_str(j, "exe", exe);
}

/* Join exe[] (base name first) into a path; "..." marks a cut chain. */
static void kernel_exe(const struct emb_event *e, char *buf, size_t len)
{
	size_t off = 0;
	int top = -1, rooted = 0;

	buf[0] = '\0';
	for (int i = 0; i < EMB_EXE_DEPTH && e->net.exe[i][0]; i++) {
		if (strcmp(e->net.exe[i], "/") == 0) {
			rooted = 1;
			break;
		}
		top = i;
	}
	if (top < 0)
		return;
	if (!rooted)
		off += (size_t)snprintf(buf, len, "...");
	for (int i = top; i >= 0 && off < len; i--)
		off += (size_t)snprintf(buf + off, len - off, "/%.*s", EMB_EXE_NAME, e->net.exe[i]);
}

void emb_event_exe(const struct emb_event *e, const char *proc_exe, char *buf, size_t len)
{
	char k[EMB_EXE_DEPTH * (EMB_EXE_NAME + 1) + 4];
	const char *tail;
	size_t kl, pl;

	kernel_exe(e, k, sizeof(k));
	tail = strncmp(k, "...", 3) == 0 ? k + 3 : k;
	kl = strlen(tail);
	pl = proc_exe ? strlen(proc_exe) : 0;
	if (proc_exe && kl && pl >= kl && strcmp(proc_exe + pl - kl, tail) == 0)
		snprintf(buf, len, "%s", proc_exe);
	else
		snprintf(buf, len, "%s", k);
}

int emb_event_format(struct emb_json *j, const struct emb_event *e, const struct emb_compiled *c,
		     const char *exe, const char *host_level)
{
	struct emb_rule rule;
	const struct emb_rule *r = emb_compiled_rule(c, e->rule_id, &rule);

	if (!r)
		return -1;
	emb_event_begin(j, event_name(e->type), action_name(e->action));
	if (e->action == EMB_ACT_DENY)
		emb_json_str(j, "method", method_name(e->method));
	emb_json_str(j, "policy", r->policy->id);
	emb_json_str(j, "vendor", r->vendor->name);
	if (r->host)
		emb_json_str(j, "host", r->host);
	if (e->type == EMB_EV_EXEC || e->type == EMB_EV_MMAP)
		add_exec(j, e, r);
	else
		add_net(j, e, exe);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}

int emb_event_policy_loaded(struct emb_json *j, const struct emb_compiled *c,
			    const char *host_level)
{
	return emb_event_policy_loaded_on(j, c, host_level, NULL, NULL);
}

int emb_event_policy_loaded_on(struct emb_json *j, const struct emb_compiled *c,
			       const char *host_level, const char *backend, const char *reason)
{
	const char **ids = calloc(c->n_states ? c->n_states : 1, sizeof(*ids));
	const char **modes = calloc(c->n_states ? c->n_states : 1, sizeof(*modes));
	size_t n = 0;
	int err;

	if (!ids || !modes) {
		free(ids);
		free(modes);
		return -1;
	}
	for (size_t i = 0; i < c->n_states; i++) {
		ids[n] = c->states[i].policy->id;
		modes[n++] = emb_mode_name(c->states[i].mode);
	}
	emb_event_begin(j, "policy", "loaded");
	emb_json_strv(j, "policies", ids, n);
	emb_json_strv(j, "modes", modes, n);
	emb_json_u64(j, "sha256", c->n_hashes);
	emb_json_u64(j, "prefixes", c->n_net4 + c->n_net6);
	if (backend)
		emb_json_str(j, "backend", backend);
	if (backend && reason)
		emb_json_str(j, "backend_reason", reason);
	emb_json_str(j, "host_level", host_level);
	err = emb_json_end(j);
	free(ids);
	free(modes);
	return err;
}

int emb_event_policy_refused(struct emb_json *j, const struct emb_diag *d, const char *host_level)
{
	emb_event_begin(j, "policy", "refused");
	emb_json_strv(j, "errors", (const char *const *)d->msgs, d->n);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}

int emb_event_lost(struct emb_json *j, uint64_t count, const char *host_level)
{
	emb_event_begin(j, "lost", NULL);
	emb_json_u64(j, "count", count);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}

int emb_event_dns_refused(struct emb_json *j, const char *name, int family, const uint8_t *addr,
			  const char *why, const char *host_level)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	emb_event_begin(j, "dns", "refused");
	emb_json_str(j, "host", name);
	emb_json_str(j, "daddr", buf);
	emb_json_str(j, "reason", why);
	emb_json_str(j, "host_level", host_level);
	return emb_json_end(j);
}

static int mkdir_parents(const char *path)
{
	char *copy = strdup(path);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0750) && errno != EEXIST) {
			err = -errno;
			break;
		}
		*p = '/';
	}
	free(copy);
	return err;
}

int emb_eventlog_open(struct emb_eventlog *log, const char *path)
{
	memset(log, 0, sizeof(*log));
	if (strcmp(path, "-") == 0) {
		log->f = stdout;
		log->is_stdout = 1;
		return 0;
	}
	if (mkdir_parents(path)) {
		emb_warn("creating the directory of %s: %s", path, strerror(errno));
		return -1;
	}
	log->f = fopen(path, "ae");
	if (!log->f) {
		emb_err("opening event log %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int emb_eventlog_write(struct emb_eventlog *log, const struct emb_json *j)
{
	if (j->failed || fprintf(log->f, "%s\n", j->buf) < 0 || fflush(log->f)) {
		if (log->write_errors++ == 0)
			emb_err("writing the event log failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void emb_eventlog_close(struct emb_eventlog *log)
{
	if (log->f && !log->is_stdout)
		fclose(log->f);
	log->f = NULL;
}
