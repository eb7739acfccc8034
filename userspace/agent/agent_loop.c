// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_loop.c - the agent's one loop: kernel events, policy changes
 * (inotify, SIGHUP) and lost-event counts, until SIGTERM/SIGINT.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent_int.h"
#include "log.h"

#define TICK_MS 250
/* Editors and `mv` make several events per save: reload once, shortly after. */
#define DEBOUNCE_MS 100

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int epoll_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 ? 0 : epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Time-driven changes: an enforce_from date passing (audit turns into
 * deny with no reload) and connect hosts whose DNS answers expired (or
 * that are new after a reload), resolved off this loop (agent_dns.c). */
static void timers(struct agent *a)
{
	time_t now = time(NULL);
	time_t change = emb_compiled_next_change(&a->pol.compiled);

	if (change && now >= change)
		agent_recompile(a);
	agent_dns_poll(a);
}

/* One turn: wait, then handle whatever is ready. Returns <0 on a fatal error. */
static int turn(struct agent *a, struct ring_buffer *rb, int ep, long long *reload_at,
		volatile sig_atomic_t *hup)
{
	struct epoll_event evs[4];
	int n = epoll_wait(ep, evs, 4, TICK_MS);

	if (n < 0 && errno != EINTR) {
		emb_err("epoll_wait: %s", strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		if (evs[i].data.fd == a->watch_fd && agent_reload_drain_watch(a) && !*reload_at)
			*reload_at = now_ms() + DEBOUNCE_MS;
		if (evs[i].data.fd == agent_dns_fd(a))
			agent_dns_collect(a);
	}
	n = ring_buffer__consume(rb);
	if (n < 0)
		emb_err("reading events: %s", strerror(-n));
	if (*hup || (*reload_at && now_ms() >= *reload_at)) {
		*hup = 0;
		*reload_at = 0;
		agent_reload(a);
	}
	timers(a);
	agent_report_lost(a);
	agent_tick(a); /* agent_life.c: rate-limit reports, metrics, unload */
	return 0;
}

int agent_loop(struct agent *a, volatile sig_atomic_t *stop, volatile sig_atomic_t *hup)
{
	struct ring_buffer *rb;
	long long reload_at = 0;
	int ep, err = 0;

	rb = ring_buffer__new(emb_loader_events_fd(a->loader), agent_on_event, a, NULL);
	if (!rb) {
		err = -errno;
		emb_warn("ring buffer: %s", strerror(errno));
		return err;
	}
	agent_contain_start_events(a, rb);
	ep = epoll_create1(EPOLL_CLOEXEC);
	agent_reload_watch(a);
	if (ep < 0 || epoll_add(ep, ring_buffer__epoll_fd(rb)) || epoll_add(ep, a->watch_fd) ||
	    epoll_add(ep, agent_dns_fd(a))) {
		err = -errno;
		emb_err("epoll: %s", strerror(errno));
		goto out;
	}
	/* What ran before the attach: judged once the policy files are
	 * watched, so that a change made meanwhile is not missed. */
	if (!err)
		agent_running_sweep(a, "attach");
	while (!*stop && !err)
		err = turn(a, rb, ep, &reload_at, hup);
	ring_buffer__consume(rb);
	agent_report_lost(a);
out:
	agent_reload_close(a);
	if (ep >= 0)
		close(ep);
	ring_buffer__free(rb);
	return err;
}
