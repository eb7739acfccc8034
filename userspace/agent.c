// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent.c - `embargo run`: compile the policy, load and fill the maps,
 * index the scan roots, attach, then turn kernel events into log lines
 * until SIGTERM/SIGINT. Pins keep enforcing after we exit.
 */
#include "agent.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cgroup.h"
#include "compile.h"
#include "events.h"
#include "hashindex.h"
#include "loader.h"
#include "policy.h"

struct agent {
	const struct emb_opts *opts;
	struct emb_host host;
	struct emb_policy_set set;
	struct emb_compiled compiled;
	struct emb_loader *loader;
	struct emb_eventlog log;
	const char *host_level;
	uint64_t lost_reported;
	uint64_t banned_inodes;
	int map_errors;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void print_diag(const struct emb_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
}

static void log_json(struct agent *a, struct emb_json *j, int built)
{
	if (built == 0)
		emb_eventlog_write(&a->log, j);
	else
		fprintf(stderr, "embargo: could not build an event line\n");
	emb_json_free(j);
}

/* Host, policies, compile. On error the messages are printed and logged. */
static int agent_compile(struct agent *a)
{
	const struct emb_opts *o = a->opts;
	struct emb_diag diag = { 0 };
	struct emb_json j;
	int err;

	err = emb_host_load(&a->host, o->host, EMB_DEFAULT_HOST, o->classification, &diag);
	if (!err)
		err = emb_policy_set_load(&a->set, o->policies, o->n_policies,
					  emb_opts_policy_dir(o), &diag);
	if (!err)
		a->host_level = emb_level_name(emb_scheme_find(a->host.scheme ? a->host.scheme : ""),
					       a->host.level);
	if (!err)
		err = emb_compile(&a->set, &a->host, &a->compiled, &diag);
	if (err) {
		print_diag(&diag);
		if (a->log.f)
			log_json(a, &j, emb_event_policy_refused(&j, &diag, a->host_level ?: "UNMARKED"));
	}
	emb_diag_free(&diag);
	return err ? -1 : 0;
}

static uint32_t capacity(size_t n, uint32_t floor)
{
	return n * 2 > floor ? (uint32_t)(n * 2) : floor;
}

static int fill_net_maps(struct agent *a)
{
	const struct emb_compiled *c = &a->compiled;

	for (size_t i = 0; i < c->n_net4; i++)
		if (emb_loader_put_net4(a->loader, &c->net4[i].key, &c->net4[i].value))
			return -1;
	for (size_t i = 0; i < c->n_net6; i++)
		if (emb_loader_put_net6(a->loader, &c->net6[i].key, &c->net6[i].value))
			return -1;
	return 0;
}

static int on_hashed(void *ctx, const struct emb_file_hash *fh)
{
	struct agent *a = ctx;
	const struct emb_verdict *v = emb_compiled_hash_verdict(&a->compiled, fh->sha256);
	struct emb_inode_key key = { .dev = fh->kdev, .ino = fh->ino };

	if (!v)
		return 0;
	if (emb_loader_put_inode(a->loader, &key, v)) {
		a->map_errors++;
		return -1;
	}
	a->banned_inodes++;
	return 0;
}

/* Hash the scan roots (host.yaml scan.roots plus every --scan) and list the
 * banned inodes in the kernel map. */
static int index_roots(struct agent *a)
{
	const struct emb_opts *o = a->opts;
	size_t n = a->host.n_scan_roots + o->n_scan;
	const char **roots = calloc(n ? n : 1, sizeof(*roots));
	struct emb_scan_stats st = { 0 };
	struct emb_scan_opts so = { 0 };
	int err;

	if (!roots)
		return -ENOMEM;
	for (size_t i = 0; i < a->host.n_scan_roots; i++)
		roots[i] = a->host.scan_roots[i];
	for (size_t i = 0; i < o->n_scan; i++)
		roots[a->host.n_scan_roots + i] = o->scan[i];
	so.roots = roots;
	so.n_roots = n;
	so.exclude = (const char *const *)a->host.exclude;
	so.n_exclude = a->host.n_exclude;
	so.exec_only = 1;
	/* Nothing is banned by hash: no file needs hashing. */
	err = a->compiled.n_hashes ? emb_scan(&so, on_hashed, a, &st) : 0;
	fprintf(stderr, "embargo: indexed %llu files (%llu bytes, %llu unreadable), %llu banned\n",
		(unsigned long long)st.files, (unsigned long long)st.bytes,
		(unsigned long long)st.errors, (unsigned long long)a->banned_inodes);
	free(roots);
	return err;
}

static enum emb_backend_want backend_want(enum emb_opt_backend b)
{
	switch (b) {
	case EMB_OPT_BACKEND_LSM:
		return EMB_WANT_LSM;
	case EMB_OPT_BACKEND_CLASSIC:
		return EMB_WANT_CLASSIC;
	case EMB_OPT_BACKEND_AUTO:
		break;
	}
	return EMB_WANT_AUTO;
}

/* Load the BPF side and say which backend enforces and why. */
static int open_backend(struct agent *a, const struct emb_loader_opts *lo)
{
	char why[256];
	int err = emb_loader_open(&a->loader, lo, why, sizeof(why));

	if (err == -ENOTSUP && lo->backend == EMB_WANT_LSM) {
		fprintf(stderr, "embargo: backend lsm unusable: %s\n", why);
		return err;
	}
	if (err)
		return err;
	fprintf(stderr, "embargo: backend %s: %s\n",
		emb_backend_name(emb_loader_backend(a->loader)),
		emb_loader_backend_reason(a->loader));
	return 0;
}

static int agent_load(struct agent *a)
{
	const struct emb_opts *o = a->opts;
	struct emb_loader_opts lo = { .pin_dir = o->pin_dir };
	char cgroot[PATH_MAX];
	int err;

	if (o->cgroup) {
		lo.cgroup_path = o->cgroup;
	} else {
		err = emb_cgroup2_root(cgroot, sizeof(cgroot));
		if (err) {
			fprintf(stderr, "embargo: no cgroup v2 mount found (use --cgroup)\n");
			return err;
		}
		lo.cgroup_path = cgroot;
	}
	lo.inode_entries = capacity(0, 65536);
	lo.net4_entries = capacity(a->compiled.n_net4, 1024);
	lo.net6_entries = capacity(a->compiled.n_net6, 1024);
	lo.backend = backend_want(o->backend);
	err = emb_loader_prepare_pin_dir(o->pin_dir);
	err = err ?: open_backend(a, &lo);
	err = err ?: fill_net_maps(a);
	err = err ?: index_roots(a);
	err = err ?: emb_loader_attach(a->loader);
	return err;
}

static char *proc_exe(uint32_t pid)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct agent *a = ctx;
	const struct emb_event *e = data;
	char exe[PATH_MAX] = "";
	struct emb_json j;

	if (len < sizeof(*e)) {
		fprintf(stderr, "embargo: short event (%zu bytes)\n", len);
		return 0;
	}
	if (e->type != EMB_EV_EXEC) {
		char *pe = proc_exe(e->pid);

		emb_event_exe(e, pe, exe, sizeof(exe));
		free(pe);
	}
	log_json(a, &j, emb_event_format(&j, e, &a->compiled, exe[0] ? exe : NULL, a->host_level));
	return 0;
}

/* Events the ring buffer could not take become one "lost" line each time
 * the kernel's counter moves. */
static void report_lost(struct agent *a)
{
	uint64_t stats[EMB_STAT_MAX];
	struct emb_json j;

	if (emb_loader_read_stats(a->loader, stats) || stats[EMB_STAT_LOST] == a->lost_reported)
		return;
	log_json(a, &j, emb_event_lost(&j, stats[EMB_STAT_LOST] - a->lost_reported, a->host_level));
	a->lost_reported = stats[EMB_STAT_LOST];
}

static int agent_loop(struct agent *a)
{
	struct ring_buffer *rb;
	int err = 0;

	rb = ring_buffer__new(emb_loader_events_fd(a->loader), on_event, a, NULL);
	if (!rb) {
		fprintf(stderr, "embargo: ring buffer: %s\n", strerror(errno));
		return -errno;
	}
	while (!stop_requested) {
		err = ring_buffer__poll(rb, 500);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "embargo: polling events: %s\n", strerror(-err));
			break;
		}
		err = 0;
		report_lost(a);
	}
	ring_buffer__consume(rb);
	report_lost(a);
	ring_buffer__free(rb);
	return err;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int emb_agent_run(const struct emb_opts *o)
{
	struct agent a = { .opts = o };
	const char *backend;
	struct emb_json j;
	int rc = 1;

	install_signals();
	if (emb_eventlog_open(&a.log, o->log))
		return 1;
	if (agent_compile(&a))
		goto out;
	if (agent_load(&a)) {
		fprintf(stderr, "embargo: not enforcing: the BPF side could not be set up\n");
		goto out;
	}
	backend = emb_backend_name(emb_loader_backend(a.loader));
	log_json(&a, &j, emb_event_policy_loaded_on(&j, &a.compiled, a.host_level, backend,
						    emb_loader_backend_reason(a.loader)));
	fprintf(stderr, "embargo: enforcing (%s backend, host level %s, pins in %s)\n", backend,
		a.host_level, o->pin_dir);
	rc = agent_loop(&a) ? 1 : 0;
out:
	emb_loader_close(a.loader);
	emb_compiled_free(&a.compiled);
	emb_policy_set_free(&a.set);
	emb_host_free(&a.host);
	emb_eventlog_close(&a.log);
	return rc;
}
