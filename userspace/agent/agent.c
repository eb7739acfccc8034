// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent.c - `embargo run`: compile the policy, load the maps, write the
 * bans, attach, write the clean verdicts and index the scan roots, then
 * turn kernel events into log lines
 * until SIGTERM/SIGINT. Pins keep enforcing after we exit.
 */
#include "agent.h"

#include <errno.h>
#include <malloc.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent_int.h"
#include "cgroup.h"
#include "pidfile.h"
#include "pins.h"
#include "log.h"

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
}

void agent_request_stop(void)
{
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static uint32_t capacity(size_t n, uint32_t floor)
{
	return n * 2 > floor ? (uint32_t)(n * 2) : floor;
}

/* Load the BPF side and say which backend enforces and why. */
static int open_backend(struct agent *a, const struct emb_loader_opts *lo)
{
	char why[256];
	int err = emb_loader_open(&a->loader, lo, why, sizeof(why));

	if (err == -ENOTSUP) {
		emb_err("backend %s unusable: %s", emb_backend_name(lo->backend),
			why);
		return err;
	}
	if (err)
		return err;
	emb_info("backend %s: %s",
		 emb_backend_name(emb_loader_backend(a->loader)),
		 emb_loader_backend_reason(a->loader));
	return 0;
}

/*
 * Adopted maps still hold the earlier agent's prefixes; the new ones are
 * written by now, so dropping what the new policy lacks never opens a gap
 * (fail-closed order: add, then remove). Inode verdicts are rewritten by
 * the index for every file it covers.
 */
static int keep_net4(void *ctx, const void *key)
{
	return emb_compiled_has_net4(ctx, key);
}

static int keep_net6(void *ctx, const void *key)
{
	return emb_compiled_has_net6(ctx, key);
}

static int sweep_adopted(struct agent *a)
{
	if (!emb_loader_adopted(a->loader))
		return 0;
	return emb_loader_sweep_net(a->loader, keep_net4, keep_net6, &a->pol.compiled);
}

static int agent_load(struct agent *a)
{
	const struct emb_opts *o = a->opts;
	struct emb_loader_opts lo = { .pin_dir = o->pin_dir };
	char cgroot[PATH_MAX];
	int err;

	if (o->cgroup) {
		snprintf(cgroot, sizeof(cgroot), "%s", o->cgroup);
	} else {
		err = emb_cgroup2_root(cgroot, sizeof(cgroot));
		if (err) {
			emb_warn("no cgroup v2 mount found (use --cgroup)");
			return err;
		}
	}
	lo.cgroup_path = cgroot;
	snprintf(a->cgroup_path, sizeof(a->cgroup_path), "%s", cgroot);
	lo.net4_entries = capacity(a->pol.compiled.n_net4, 1024);
	lo.net6_entries = capacity(a->pol.compiled.n_net6, 1024);
	lo.banned_entries = capacity(a->pol.compiled.n_hashes, 65536);
	lo.backend = o->backend;
	err = emb_loader_prepare_pin_dir(o->pin_dir);
	err = err ?: agent_life_lock(a);
	err = err ?: agent_index_open(a);
	if (!err)
		agent_index_capacity(a, &lo.listed_entries, &lo.clean_entries);
	err = err ?: open_backend(a, &lo);
	/* The network rules and the listed inodes first (both sized from what
	 * they hold), then attach, then the clean verdicts (as many as the host
	 * has files): a clean table that cannot be filled leaves files
	 * unverified, it never keeps the hooks from attaching. */
	err = err ?: agent_policy_fill_net(a);
	err = err ?: agent_policy_fill_banned(a);
	err = err ?: sweep_adopted(a);
	err = err ?: agent_policy_drop_banned(a);
	err = err ?: agent_index_banned(a);
	err = err ?: emb_loader_attach(a->loader);
	err = err ?: agent_index_start(a);
	err = err ?: agent_contain_apply(a);
	if (err)
		return err;
	emb_info("pins in %s: %s", o->pin_dir, emb_loader_pins_reason(a->loader));
	/* Losses the log already reported, by this agent or an earlier one. */
	a->lost_reported = emb_loader_meta(a->loader)->lost_logged;
	return 0;
}

int emb_agent_run(const struct emb_opts *o)
{
	struct agent a = { .opts = o, .watch_fd = -1 };
	const char *backend;
	struct emb_json j;
	pid_t holder = 0;
	int rc = 1, pidfd;

	/* Two malloc arenas, and two threads parsing policy files (each
	 * needs an arena of its own: see policy.h). An arena per thread kept
	 * ~22 MiB of a 100k-file first scan resident for the agent's whole
	 * life; one arena for all made a reload of 1M digests + 100k CIDRs
	 * take 1.18 s median here, two 0.77-0.83 s, for 3-6 MiB more idle. */
	if (!mallopt(M_ARENA_MAX, 2))
		emb_err("mallopt(M_ARENA_MAX) refused: memory use may be higher");
	else
		emb_policy_set_parse_threads(2);
	/* A reload frees one generation and builds the next: keep blocks up
	 * to 32 MiB in the heap and freed heap for the next one (a fresh page
	 * is a fault: ~20 us on a PVM guest; 1M digests are ~100 MB). Idle
	 * RSS is unchanged: a small policy never grows the heap, and the
	 * first scan ends with malloc_trim (agent_index.c). */
	if (!mallopt(M_MMAP_THRESHOLD, 32 << 20) || !mallopt(M_TRIM_THRESHOLD, 256 << 20))
		emb_err("mallopt(M_MMAP/TRIM_THRESHOLD) refused: reloads may be slower");
	install_signals();
	/* After SIGHUP is handled: the pid file is how `embargo ban` and
	 * `embargo contain` ask this agent to reload. */
	pidfd = emb_pidfile_acquire(o->state_dir, &holder);
	if (pidfd == -EBUSY) {
		emb_err("another agent (pid %d) uses %s", (int)holder, o->state_dir);
		return 1;
	}
	if (pidfd < 0)
		emb_warn("no pid file in %s (%s): ban/contain will not signal this agent",
			 o->state_dir, strerror(-pidfd));
	if (agent_emit_open(&a.emit, o->log)) {
		if (pidfd >= 0)
			close(pidfd);
		return 1;
	}
	agent_life_init(&a);
	if (agent_policy_load(&a))
		goto out;
	if (agent_load(&a)) {
		emb_err("not enforcing: the BPF side could not be set up");
		/* A first start leaves no empty pin dir; pins in use are never touched. */
		emb_pins_drop_empty_dir(o->pin_dir);
		goto out;
	}
	backend = emb_backend_name(emb_loader_backend(a.loader));
	agent_emit(&a.emit, AGENT_EV_POLICY, NULL, &j,
		   emb_event_policy_loaded_on(&j, &a.pol.compiled, a.pol.host_level, backend,
					      emb_loader_backend_reason(a.loader)));
	emb_info("enforcing (%s backend, host level %s, pins in %s)", backend,
		 a.pol.host_level, o->pin_dir);
	agent_life_loaded(&a);
	/* Without the thread the names are not re-resolved: their last
	 * addresses stay banned (fail closed). */
	if (agent_dns_start(&a))
		emb_warn("dns: no resolver thread: connect hosts keep their first answer");
	rc = agent_loop(&a, &stop_requested, &reload_requested) ? 1 : 0;
out:
	agent_dns_stop(&a);
	agent_index_stop(&a); /* agent_index.c: the index thread ends before the maps close */
	agent_life_fini(&a);
	agent_contain_close(&a);
	emb_loader_close(a.loader);
	emb_loaded_free(&a.pol);
	emb_loaded_free(&a.prev);
	agent_emit_close(&a.emit);
	if (pidfd >= 0)
		close(pidfd);
	return rc;
}
