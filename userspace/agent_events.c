// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* agent_events.c - kernel events (ring buffer) and lost counts -> log lines. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent_int.h"

void agent_log(struct agent *a, struct emb_json *j, int built)
{
	if (built == 0)
		emb_eventlog_write(&a->log, j);
	else
		fprintf(stderr, "embargo: could not build an event line\n");
	emb_json_free(j);
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
	if (e->type == EMB_EV_CONNECT || e->type == EMB_EV_SENDMSG) {
		char *pe = proc_exe(e->pid);

		emb_event_exe(e, pe, exe, sizeof(exe));
		free(pe);
	}
	agent_log(a, &j, emb_event_format(&j, e, &a->pol.compiled, exe[0] ? exe : NULL,
					  a->pol.host_level));
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
	agent_log(a, &j, emb_event_lost(&j, stats[EMB_STAT_LOST] - a->lost_reported,
					a->pol.host_level));
	a->lost_reported = stats[EMB_STAT_LOST];
}

int agent_events_loop(struct agent *a, volatile sig_atomic_t *stop)
{
	struct ring_buffer *rb;
	int err = 0;

	rb = ring_buffer__new(emb_loader_events_fd(a->loader), on_event, a, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "embargo: ring buffer: %s\n", strerror(errno));
		return err;
	}
	while (!*stop) {
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
