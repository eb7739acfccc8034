// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "policy_load.h"

#include <stdlib.h>
#include <string.h>

#include "paths.h"

/* The distinct schemes of the set's vendor policies (pointers into set);
 * NULL with *n 0 when there are none or out of memory (then the level is
 * searched as with no policy, and a mismatch is still a load error). */
static const char **policy_schemes(const struct emb_policy_set *set, size_t *n)
{
	const char **v = calloc(set->n ? set->n : 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; v && i < set->n; i++) {
		const char *s = set->policies[i].scheme;
		size_t k = 0;

		while (s && k < *n && strcmp(v[k], s))
			k++;
		if (s && k == *n)
			v[(*n)++] = s;
	}
	return v;
}

/*
 * --classification: read in the host file's scheme, else in the one
 * scheme the policies use. The host is read again once the policies are
 * (they need its custom schemes to parse).
 */
static int classify(struct emb_loaded *l, const struct emb_sources *o, struct emb_diag *diag)
{
	size_t n;
	const char **schemes = policy_schemes(&l->set, &n);
	int err;

	emb_host_free(&l->host);
	err = emb_host_load_for(&l->host, o->host, EMB_DEFAULT_HOST, o->classification, schemes, n,
				diag);
	free(schemes);
	return err;
}

int emb_loaded_init(struct emb_loaded *l, const struct emb_sources *o, struct emb_diag *diag)
{
	memset(l, 0, sizeof(*l));
	l->now = time(NULL);
	if (emb_host_load(&l->host, o->host, EMB_DEFAULT_HOST, NULL, diag))
		return -1;
	if (emb_policy_set_load_signed(&l->set, &l->host, o->keys_dir, o->policies, o->n_policies,
				       o->policy_dir, diag))
		goto fail;
	if (o->classification && classify(l, o, diag))
		goto fail;
	l->host_level = emb_host_level_name(&l->host);
	if (emb_compile_at(&l->set, &l->host, l->now, NULL, &l->compiled, diag))
		goto fail;
	return 0;
fail:
	emb_loaded_free(l);
	return -1;
}

int emb_loaded_recompile(struct emb_loaded *l, time_t now, struct emb_diag *diag)
{
	struct emb_compiled c;

	if (emb_compile_at(&l->set, &l->host, now, &l->dns, &c, diag))
		return -1;
	emb_compiled_free(&l->compiled);
	l->compiled = c;
	l->now = now;
	return 0;
}

#define EMB_RESOLV_CONF "/etc/resolv.conf"
#define EMB_RESOLVED_UPSTREAM "/run/systemd/resolve/resolv.conf"

/* The addresses answers may not ban, read now (dnsguard.h). A guard that
 * cannot be read in full still refuses loopback, link-local and what it
 * did read: the missing part is reported as a warning. */
static int load_guard(struct emb_dns_table *t, struct emb_diag *diag)
{
	int err;

	if (t->guard)
		return 0;
	t->guard = malloc(sizeof(*t->guard));
	if (!t->guard)
		return -1;
	err = emb_dns_guard_load(t->guard, EMB_RESOLV_CONF, EMB_RESOLVED_UPSTREAM);
	if (err)
		emb_diag_add(diag, "warning: host names: reading the resolvers (%s) or the "
				   "interfaces failed (%s): only loopback, link-local and what "
				   "was read are protected from DNS answers",
			     EMB_RESOLV_CONF, strerror(-err));
	return 0;
}

int emb_loaded_keep_dns(struct emb_loaded *l, const struct emb_dns_table *old,
			struct emb_diag *diag)
{
	struct emb_dns_table t = { 0 };

	if (load_guard(&t, diag) || emb_dns_table_copy(&t, old)) {
		emb_dns_table_free(&t);
		emb_diag_add(diag, "out of memory keeping the resolved host names");
		return -1;
	}
	emb_dns_table_free(&l->dns);
	l->dns = t;
	return emb_loaded_recompile(l, time(NULL), diag);
}

int emb_loaded_resolve(struct emb_loaded *l, struct emb_diag *diag)
{
	time_t now = time(NULL);

	if (load_guard(&l->dns, diag)) {
		emb_diag_add(diag, "out of memory resolving host names");
		return -1;
	}
	if (emb_dns_refresh(&l->dns, &l->set, now, NULL, NULL) < 0) {
		emb_diag_add(diag, "out of memory resolving host names");
		return -1;
	}
	return emb_loaded_recompile(l, now, diag);
}

void emb_loaded_free(struct emb_loaded *l)
{
	emb_compiled_free(&l->compiled);
	emb_dns_table_free(&l->dns);
	emb_policy_set_free(&l->set);
	emb_host_free(&l->host);
	memset(l, 0, sizeof(*l));
}
