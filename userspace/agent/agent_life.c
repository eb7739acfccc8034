// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_life.c - around the pins: one agent per pin dir (flock), the state
 * file `embargo status` reads, sd_notify, metrics, the log rate limit's
 * windows (agent_emit.c), and noticing `embargo unload`.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "agent_int.h"
#include "notify.h"
#include "pins.h"
#include "statefile.h"
#include "log.h"

#define METRICS_EVERY_MS 5000

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void agent_life_init(struct agent *a)
{
	struct agent_life *l = &a->life;

	l->lock_fd = -1;
	l->started_ms = mono_ms();
}

int agent_life_lock(struct agent *a)
{
	struct agent_life *l = &a->life;
	const char *dir = a->opts->pin_dir;

	l->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->lock_fd < 0) {
		emb_err("opening %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (flock(l->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	/* Fail-closed: a second agent must not take over pins another one
	 * keeps current; it stops here, before touching them. */
	emb_err("another embargo run holds %s (see embargo status)", dir);
	close(l->lock_fd);
	l->lock_fd = -1;
	return -EBUSY;
}

/* Policy ids and modes of the set in force (pointers into a->pol). */
static size_t policy_list(struct agent *a, const char **ids, const char **modes)
{
	const struct emb_compiled *c = &a->pol.compiled;

	for (size_t i = 0; i < c->n_states; i++) {
		ids[i] = c->states[i].policy->id;
		modes[i] = emb_mode_name(c->states[i].mode);
	}
	return c->n_states;
}

static void save_state(struct agent *a)
{
	size_t n = a->pol.compiled.n_states;
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	const char **modes = calloc(n ? n : 1, sizeof(*modes));
	struct emb_state s = {
		.pid = (long)getpid(),
		.pin_dir = a->opts->pin_dir,
		.generation = emb_loader_meta(a->loader)->generation,
		.backend = emb_backend_name(emb_loader_backend(a->loader)),
		.backend_reason = emb_loader_backend_reason(a->loader),
		.pins = emb_loader_pins_reason(a->loader),
		.host_level = a->pol.host_level,
		.policy_ids = ids,
		.policy_modes = modes,
	};
	int err = ids && modes ? 0 : -ENOMEM;

	if (!err) {
		s.n_policies = policy_list(a, ids, modes);
		err = emb_state_write(a->opts->state_dir, &s);
	}
	/* Fail-open: status then says the state file is missing or stale;
	 * enforcement does not depend on it. */
	if (err)
		emb_err("writing %s/%s: %s", a->opts->state_dir, EMB_STATE_FILE,
			strerror(-err));
	free(ids);
	free(modes);
}

static void write_metrics(struct agent *a)
{
	struct agent_life *l = &a->life;
	struct emb_metrics *m = &a->emit.metrics;
	size_t n = a->pol.compiled.n_states;
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	const char **modes = calloc(n ? n : 1, sizeof(*modes));
	struct emb_metric_policy *pols = calloc(n ? n : 1, sizeof(*pols));
	uint64_t st[EMB_STAT_MAX];
	int err = ids && modes && pols ? 0 : -ENOMEM;

	l->next_metrics_ms = mono_ms() + METRICS_EVERY_MS;
	err = err ?: emb_loader_read_stats(a->loader, st);
	/* The counts are the emitter's: held still while they are written. */
	agent_emit_lock(&a->emit);
	if (!err) {
		n = policy_list(a, ids, modes);
		for (size_t i = 0; i < n; i++)
			pols[i] = (struct emb_metric_policy){ ids[i], modes[i] };
		memcpy(m->stats, st, sizeof(m->stats));
		m->suppressed = a->emit.rl.suppressed_total;
		m->backend = emb_backend_name(emb_loader_backend(a->loader));
		m->host_level = a->pol.host_level;
		m->generation = emb_loader_meta(a->loader)->generation;
		m->policies = pols;
		m->n_policies = n;
		err = emb_metrics_write_file(a->opts->metrics, m);
		m->policies = NULL;
	}
	agent_emit_unlock(&a->emit);
	if (err)
		emb_err("writing metrics %s: %s", a->opts->metrics, strerror(-err));
	free(ids);
	free(modes);
	free(pols);
}

void agent_life_loaded(struct agent *a)
{
	char status[256];

	save_state(a);
	if (a->opts->metrics)
		write_metrics(a);
	snprintf(status, sizeof(status), "enforcing: %zu policies, host level %s, %s backend",
		 a->pol.compiled.n_states, a->pol.host_level,
		 emb_backend_name(emb_loader_backend(a->loader)));
	if (emb_notify_ready(status) < 0)
		emb_err("sd_notify READY failed");
}

/* `embargo unload` removed the pins: nothing is left to log for. */
static int pins_gone(struct agent *a)
{
	char path[PATH_MAX];

	if (emb_pin_path(path, sizeof(path), a->opts->pin_dir, EMB_META_PIN))
		return 0;
	return access(path, F_OK) && errno == ENOENT;
}

void agent_tick(struct agent *a)
{
	struct agent_life *l = &a->life;

	agent_emit_flush(&a->emit, a->pol.host_level, 0);
	if (a->opts->metrics && mono_ms() >= l->next_metrics_ms)
		write_metrics(a);
	if (a->loader && pins_gone(a)) {
		emb_warn("the pins in %s were removed (embargo unload): the agent "
			 "stops", a->opts->pin_dir);
		agent_request_stop();
	}
}

void agent_life_fini(struct agent *a)
{
	struct agent_life *l = &a->life;

	agent_emit_flush(&a->emit, a->pol.host_level, 1);
	if (a->opts->metrics && a->loader)
		write_metrics(a);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	l->lock_fd = -1;
}
