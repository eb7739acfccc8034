// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* metrics.c - Prometheus text format for node_exporter's textfile collector. */
#include "metrics.h"
#include "statnames.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int emb_metrics_count(struct emb_metrics *m, const char *policy, const char *action)
{
	struct emb_metric_count *grown, *c;

	for (size_t i = 0; i < m->n_counts; i++) {
		c = &m->counts[i];
		if (!strncmp(c->policy, policy, sizeof(c->policy) - 1) &&
		    !strncmp(c->action, action, sizeof(c->action) - 1)) {
			c->n++;
			return 0;
		}
	}
	grown = realloc(m->counts, (m->n_counts + 1) * sizeof(*m->counts));
	if (!grown)
		return -1;
	m->counts = grown;
	c = &m->counts[m->n_counts++];
	memset(c, 0, sizeof(*c));
	strncpy(c->policy, policy, sizeof(c->policy) - 1);
	strncpy(c->action, action, sizeof(c->action) - 1);
	c->n = 1;
	return 0;
}

void emb_metrics_free(struct emb_metrics *m)
{
	free(m->counts);
	m->counts = NULL;
	m->n_counts = 0;
}

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *name, const char *v, int last)
{
	fprintf(f, "%s=\"", name);
	for (; v && *v; v++) {
		if (*v == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputs(last ? "\"" : "\",", f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int emb_metrics_print(FILE *f, const struct emb_metrics *m)
{
	char name[96], label_buf[32];

	for (unsigned k = 0; k < EMB_STAT_MAX; k++) {
		const char *help = emb_stat_help(k);

		snprintf(name, sizeof(name), "embargo_%s_total",
			 emb_stat_label(k, label_buf, sizeof(label_buf)));
		family(f, name, "counter", help ? help : "A kernel counter (emb_stats) with no name yet.");
		fprintf(f, "%s %llu\n", name, (unsigned long long)m->stats[k]);
	}
	family(f, "embargo_log_suppressed_total", "counter",
	       "Event lines held back by the per (policy, pid) log rate limit; logged as lost.");
	fprintf(f, "embargo_log_suppressed_total %llu\n", (unsigned long long)m->suppressed);
	family(f, "embargo_policy_events_total", "counter",
	       "Events the agent received from the kernel, by policy and action.");
	for (size_t i = 0; i < m->n_counts; i++) {
		fputs("embargo_policy_events_total{", f);
		label(f, "policy", m->counts[i].policy, 0);
		label(f, "action", m->counts[i].action, 1);
		fprintf(f, "} %llu\n", (unsigned long long)m->counts[i].n);
	}
	family(f, "embargo_policy_info", "gauge", "Policies in force and their mode on this host.");
	for (size_t i = 0; i < m->n_policies; i++) {
		fputs("embargo_policy_info{", f);
		label(f, "id", m->policies[i].id, 0);
		label(f, "mode", m->policies[i].mode, 1);
		fputs("} 1\n", f);
	}
	family(f, "embargo_info", "gauge", "Backend and host level of the running agent.");
	fputs("embargo_info{", f);
	label(f, "backend", m->backend, 0);
	label(f, "host_level", m->host_level, 1);
	fputs("} 1\n", f);
	family(f, "embargo_pins_generation", "gauge", "Agent starts over the current pins.");
	fprintf(f, "embargo_pins_generation %llu\n", (unsigned long long)m->generation);
	return ferror(f) ? -1 : 0;
}

int emb_metrics_write_file(const char *path, const struct emb_metrics *m)
{
	char tmp[4096];
	FILE *f;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto fail;
	}
	if (emb_metrics_print(f, m) || fflush(f) || fsync(fileno(f)))
		err = -(errno ? errno : EIO);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (!err)
		return 0;
fail:
	unlink(tmp);
	return err;
}
