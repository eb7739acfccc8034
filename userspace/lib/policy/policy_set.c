// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * policy_set.c - load a policy set: the --policy files, then the policy
 * dir's *.yaml, each read once, its signature checked on those very bytes
 * when the host requires it, and parsed; then ids checked unique.
 *
 * Files are parsed on up to EMB_PARSE_THREADS threads (a 1M-digest set is
 * 70 MB of YAML), each into its own slot with its own messages; the set
 * and its messages are then put together in file order, so the result is
 * the same as one file after the other.
 */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "namelist.h"
#include "sign.h"
#include "ydoc.h"

#define EMB_PARSE_THREADS 4

static unsigned parse_threads = EMB_PARSE_THREADS;

void emb_policy_set_parse_threads(unsigned max)
{
	parse_threads = max < 1 ? 1 : max > EMB_PARSE_THREADS ? EMB_PARSE_THREADS : max;
}

static int is_policy_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".yaml");
}

static int push_name(char ***names, size_t *n, const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
	char **grown, *path;

	if (asprintf(&path, "%s%s%s", dir, sep, name) < 0)
		return -1;
	grown = realloc(*names, (*n + 1) * sizeof(**names));
	if (!grown) {
		free(path);
		return -1;
	}
	*names = grown;
	(*names)[(*n)++] = path;
	return 0;
}

/* Paths of dir's *.yaml files, sorted by name. */
static int list_policy_dir(const char *dir, char ***names, size_t *n, struct emb_diag *diag)
{
	struct dirent *de;
	DIR *d;
	int rc = -1;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		emb_diag_add(diag, "%s: cannot open policy directory: %s", dir, strerror(errno));
		return -1;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (is_policy_name(de->d_name) && push_name(names, n, dir, de->d_name)) {
			emb_diag_add(diag, "%s: out of memory", dir);
			goto out;
		}
	}
	if (errno) {
		emb_diag_add(diag, "%s: cannot read policy directory: %s", dir, strerror(errno));
		goto out;
	}
	emb_names_sort(*names, *n);
	rc = 0;
out:
	closedir(d);
	if (rc) {
		emb_names_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

static int check_unique_id(const struct emb_policy_set *set, const struct emb_policy *p,
			   struct emb_diag *diag)
{
	for (size_t i = 0; i < set->n; i++) {
		if (!strcmp(set->policies[i].id, p->id)) {
			emb_diag_add(diag, "%s: duplicate policy id '%s' (also in %s)", p->file, p->id,
				     set->policies[i].file);
			return -1;
		}
	}
	return 0;
}

/* One file of the set: parsed by whichever thread takes it. */
struct set_file {
	const char *path;
	struct emb_policy policy;
	struct emb_diag diag;
	int rc;
};

struct set_load {
	struct set_file *files;
	size_t n;
	atomic_size_t next;
	const struct emb_scheme_set *schemes;
	const struct emb_keyring *kr;
};

/* Read once; verify those very bytes when a keyring is given; parse them. */
static void load_file(const struct set_load *l, struct set_file *f)
{
	char *buf;
	size_t len;

	f->rc = -1;
	if (emb_ydoc_read_file(f->path, "policy", 0, &buf, &len, &f->diag))
		return;
	f->rc = l->kr ? emb_sig_verify_with(l->kr, f->path, buf, len, NULL, &f->diag) : 0;
	if (!f->rc)
		f->rc = emb_policy_parse_buf_for(f->path, buf, len, l->schemes, &f->policy, &f->diag);
	free(buf);
}

static void *load_files(void *arg)
{
	struct set_load *l = arg;
	size_t i;

	while ((i = atomic_fetch_add(&l->next, 1)) < l->n)
		load_file(l, &l->files[i]);
	return NULL;
}

/* Every file loaded, on threads when there are several files and CPUs. */
static void load_all(struct set_load *l)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cpus > 1 ? (size_t)cpus : 1;
	pthread_t tids[EMB_PARSE_THREADS - 1];
	size_t started = 0;

	want = want < parse_threads ? want : parse_threads;
	want = want < l->n ? want : l->n;
	/* A thread that cannot start leaves its share to the others. */
	while (started + 1 < want && !pthread_create(&tids[started], NULL, load_files, l))
		started++;
	load_files(l);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}

/* Into the set in file order: messages, policies, the unique-id check. */
static int gather(struct emb_policy_set *set, struct set_load *l, struct emb_diag *diag)
{
	int failed = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct set_file *f = &l->files[i];

		for (size_t k = 0; k < f->diag.n; k++)
			emb_diag_add(diag, "%s", f->diag.msgs[k]);
		emb_diag_free(&f->diag);
		if (f->rc) {
			failed = 1;
			continue;
		}
		failed |= !!check_unique_id(set, &f->policy, diag);
		set->policies[set->n++] = f->policy;
	}
	return failed;
}

/* The keyring for a host that requires signed policies, else none. */
static int set_keyring(const struct emb_host *host, const char *keys_dir, struct emb_keyring *kr,
		       int *have, struct emb_diag *diag)
{
	*have = 0;
	if (!host || !host->require_signed)
		return 0;
	if (!keys_dir) {
		emb_diag_add(diag, "require_signed is set but no keys directory is given");
		return -1;
	}
	if (emb_keyring_load(kr, keys_dir, diag, NULL))
		return -1;
	*have = 1;
	return 0;
}

int emb_policy_set_load_signed(struct emb_policy_set *set, const struct emb_host *host,
			       const char *keys_dir, const char *const *files, size_t n_files,
			       const char *dir, struct emb_diag *diag)
{
	struct emb_keyring kr = { 0 };
	struct set_load l = { .schemes = host ? &host->schemes : NULL };
	char **names = NULL;
	size_t n_names = 0;
	int failed = 0, have_kr;

	memset(set, 0, sizeof(*set));
	if (set_keyring(host, keys_dir, &kr, &have_kr, diag))
		return -1;
	l.kr = have_kr ? &kr : NULL;
	if (dir && list_policy_dir(dir, &names, &n_names, diag))
		failed = 1;
	l.n = n_files + n_names;
	l.files = calloc(l.n + 1, sizeof(*l.files));
	set->policies = calloc(l.n + 1, sizeof(*set->policies));
	if (!l.files || !set->policies) {
		emb_diag_add(diag, "out of memory loading policies");
		failed = 1;
		goto out;
	}
	for (size_t i = 0; i < l.n; i++)
		l.files[i].path = i < n_files ? files[i] : names[i - n_files];
	load_all(&l);
	failed |= gather(set, &l, diag);
out:
	free(l.files);
	emb_names_free(names, n_names);
	if (have_kr)
		emb_keyring_free(&kr);
	if (failed) {
		emb_policy_set_free(set);
		return -1;
	}
	return 0;
}

int emb_policy_set_load_for(struct emb_policy_set *set, const struct emb_host *host,
			    const char *const *files, size_t n_files, const char *dir,
			    struct emb_diag *diag)
{
	return emb_policy_set_load_signed(set, host, NULL, files, n_files, dir, diag);
}

int emb_policy_set_load(struct emb_policy_set *set, const char *const *files, size_t n_files,
			const char *dir, struct emb_diag *diag)
{
	return emb_policy_set_load_for(set, NULL, files, n_files, dir, diag);
}

void emb_policy_set_free(struct emb_policy_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		emb_policy_free(&set->policies[i]);
	free(set->policies);
	memset(set, 0, sizeof(*set));
}

