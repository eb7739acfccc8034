// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_dns.c - connect[].host names resolved on a thread of their own.
 *
 * res_nquery blocks for seconds per name when DNS is blackholed; on the
 * event loop that would stall event logging and reloads. The loop hands
 * the names that are due (emb_dns_due) to this thread, which resolves them
 * one by one with the system resolver and signals an eventfd; the loop
 * then applies the answers to the table it owns (emb_dns_apply: guard,
 * cap, fail closed on failure), logs every newly refused address and
 * recompiles when the banned addresses changed. One batch at a time: a
 * name is never asked twice at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "agent_int.h"
#include "log.h"

struct dns_result {
	char *name;
	int rc;
	const char *why;
	struct emb_dns_addr *addrs;
	size_t n;
};

enum { DNS_IDLE, DNS_BUSY, DNS_DONE };

struct agent_dns {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int efd;
	int state; /* DNS_*: IDLE and DONE belong to the loop, BUSY to the thread */
	int stop;
	struct dns_result *res;
	size_t n;
};

static void *dns_thread(void *arg)
{
	struct agent_dns *d = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (d->state != DNS_BUSY && !d->stop)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->stop)
			break;
		pthread_mutex_unlock(&d->mu);
		for (size_t i = 0; i < d->n; i++) {
			struct dns_result *r = &d->res[i];

			r->rc = emb_resolve(NULL, r->name, &r->addrs, &r->n, &r->why);
		}
		pthread_mutex_lock(&d->mu);
		d->state = DNS_DONE;
		if (write(d->efd, &one, sizeof(one)) != sizeof(one))
			emb_warn("dns: waking the event loop failed: %s", strerror(errno));
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int agent_dns_start(struct agent *a)
{
	struct agent_dns *d = calloc(1, sizeof(*d));
	int err;

	if (!d)
		return -ENOMEM;
	d->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->efd < 0) {
		err = -errno;
		free(d);
		return err;
	}
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	err = -pthread_create(&d->thread, NULL, dns_thread, d);
	if (err) {
		close(d->efd);
		free(d);
		return err;
	}
	a->dns = d;
	return 0;
}

int agent_dns_fd(const struct agent *a)
{
	return a->dns ? a->dns->efd : -1;
}

static void results_free(struct agent_dns *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->res[i].name);
		free(d->res[i].addrs);
	}
	free(d->res);
	d->res = NULL;
	d->n = 0;
}

void agent_dns_poll(struct agent *a)
{
	struct agent_dns *d = a->dns;
	const char **names;
	size_t n;

	int state;

	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	state = d->state;
	pthread_mutex_unlock(&d->mu);
	if (state != DNS_IDLE)
		return;
	if (emb_dns_due(&a->pol.dns, &a->pol.set, time(NULL), &names, &n)) {
		emb_warn("dns: out of memory listing the names to resolve");
		return;
	}
	if (!n)
		goto out;
	d->res = calloc(n, sizeof(*d->res));
	if (!d->res) {
		emb_warn("dns: out of memory");
		goto out;
	}
	for (d->n = 0; d->n < n; d->n++) {
		d->res[d->n].name = strdup(names[d->n]);
		if (!d->res[d->n].name) {
			emb_warn("dns: out of memory");
			results_free(d);
			goto out;
		}
	}
	pthread_mutex_lock(&d->mu);
	d->state = DNS_BUSY;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
out:
	free(names);
}

/* Log each refused address of name once per change of the refused set. */
static void log_refusals(struct agent *a, const char *name)
{
	struct emb_dns_name *e = (struct emb_dns_name *)emb_dns_table_find(&a->pol.dns, name);
	struct emb_json j;

	if (!e || !e->refusals_new)
		return;
	e->refusals_new = 0;
	for (size_t i = 0; i < e->n_refused; i++) {
		const struct emb_dns_refusal *r = &e->refused[i];
		char addr[INET6_ADDRSTRLEN];

		if (!inet_ntop(r->a.family, r->a.addr, addr, sizeof(addr)))
			snprintf(addr, sizeof(addr), "?");
		emb_warn("host %s: DNS answer %s not banned: %s", name, addr, r->why);
		agent_emit(&a->emit, AGENT_EV_DNS, NULL, &j,
			   emb_event_dns_refused(&j, name, r->a.family, r->a.addr, r->why,
						 a->pol.host_level));
	}
}

void agent_dns_log_refusals(struct agent *a)
{
	for (size_t i = 0; i < a->pol.dns.n; i++)
		log_refusals(a, a->pol.dns.names[i].name);
}

void agent_dns_collect(struct agent *a)
{
	struct agent_dns *d = a->dns;
	time_t now = time(NULL);
	uint64_t v;
	int changed = 0, state;

	if (!d || read(d->efd, &v, sizeof(v)) != sizeof(v))
		return;
	pthread_mutex_lock(&d->mu);
	state = d->state;
	pthread_mutex_unlock(&d->mu);
	if (state != DNS_DONE)
		return;
	for (size_t i = 0; i < d->n; i++) {
		const struct dns_result *r = &d->res[i];
		int rc = emb_dns_apply(&a->pol.dns, r->name, now, r->rc, r->why, r->addrs, r->n);

		if (rc < 0) {
			emb_warn("dns: out of memory applying the answer for %s", r->name);
			continue;
		}
		changed += rc;
		log_refusals(a, r->name);
	}
	results_free(d);
	pthread_mutex_lock(&d->mu);
	d->state = DNS_IDLE;
	pthread_mutex_unlock(&d->mu);
	if (changed > 0)
		agent_recompile(a);
}

void agent_dns_stop(struct agent *a)
{
	struct agent_dns *d = a->dns;
	int busy;

	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	busy = d->state == DNS_BUSY;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	a->dns = NULL;
	/* A lookup in flight may take the resolver's whole timeout: do not wait
	 * for it at exit; the thread and its batch go with the process. */
	if (busy) {
		pthread_detach(d->thread);
		return;
	}
	pthread_join(d->thread, NULL);
	results_free(d);
	close(d->efd);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}
