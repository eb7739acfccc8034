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

#include "agent_int.h"
#include "cgroup.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static uint32_t capacity(size_t n, uint32_t floor)
{
	return n * 2 > floor ? (uint32_t)(n * 2) : floor;
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
	lo.net4_entries = capacity(a->pol.compiled.n_net4, 1024);
	lo.net6_entries = capacity(a->pol.compiled.n_net6, 1024);
	lo.backend = backend_want(o->backend);
	err = emb_loader_prepare_pin_dir(o->pin_dir);
	err = err ?: open_backend(a, &lo);
	err = err ?: agent_policy_fill_net(a);
	err = err ?: agent_index_roots(a);
	err = err ?: emb_loader_attach(a->loader);
	return err;
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
	if (agent_policy_load(&a))
		goto out;
	if (agent_load(&a)) {
		fprintf(stderr, "embargo: not enforcing: the BPF side could not be set up\n");
		goto out;
	}
	backend = emb_backend_name(emb_loader_backend(a.loader));
	agent_log(&a, &j, emb_event_policy_loaded_on(&j, &a.pol.compiled, a.pol.host_level, backend,
						     emb_loader_backend_reason(a.loader)));
	fprintf(stderr, "embargo: enforcing (%s backend, host level %s, pins in %s)\n", backend,
		a.pol.host_level, o->pin_dir);
	rc = agent_events_loop(&a, &stop_requested) ? 1 : 0;
out:
	emb_loader_close(a.loader);
	emb_loaded_free(&a.pol);
	emb_eventlog_close(&a.log);
	return rc;
}
