// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * host.c - the host tag (host.yaml) and --classification.
 *
 * No host file at the default path means an unmarked host (no policy
 * enforces or audits there); a file named with --host must exist, and a
 * file that cannot be read for any other reason is an error, not an
 * unmarked host.
 */
#include "policy.h"
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const default_roots[] = { "/" };
static const char *const default_exclude[] = { "/proc", "/sys", "/dev", "/run" };

/* Searched in this order for a level named without a scheme. */
static const char *const search_order[] = { "uk-gsc", "us", "nato" };

enum { H_SCHEME, H_CLASSIFICATION, H_UNVERIFIED, H_UNVERIFIED_DOWN, H_SCAN, H_SCHEMES,
       H_REQUIRE_SIGNED, H_NKEYS };

static const char *const host_keys[H_NKEYS] = {
	[H_SCHEME] = "scheme",
	[H_CLASSIFICATION] = "classification",
	[H_UNVERIFIED] = "unverified",
	[H_UNVERIFIED_DOWN] = "unverified_when_down",
	[H_SCAN] = "scan",
	[H_SCHEMES] = "schemes",
	[H_REQUIRE_SIGNED] = "require_signed",
};

enum { S_ROOTS, S_EXCLUDE, S_NKEYS };

static const char *const scan_keys[S_NKEYS] = {
	[S_ROOTS] = "roots",
	[S_EXCLUDE] = "exclude",
};

#define EMB_NAME_MAX 64

/* Scheme and level of a level named without a scheme: the built-in schemes
 * first, then the custom ones in file order; -1 when none has it. */
static int level_search(const struct emb_scheme_set *custom, const char *name,
			const struct emb_scheme **sc)
{
	for (size_t i = 0; i < ARRAY_SIZE(search_order); i++) {
		const struct emb_scheme *s = emb_scheme_find(search_order[i]);
		int idx = emb_level_find(s, name);

		if (idx >= 0) {
			*sc = s;
			return idx;
		}
	}
	for (size_t i = 0; i < custom->n; i++) {
		int idx = emb_level_find(&custom->v[i], name);

		if (idx >= 0) {
			*sc = &custom->v[i];
			return idx;
		}
	}
	return -1;
}

/* The policy id rules: 1 to 64 characters of [a-z0-9._-]. */
static int scheme_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > EMB_NAME_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

static int level_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > EMB_NAME_MAX)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 _.-") == len;
}

/* The level names of one custom scheme, checked; NULL on error (recorded). */
static const char **scheme_levels(struct emb_ydoc *y, struct emb_ynode *seq, const char *name, int *n)
{
	int count = emb_ydoc_seq(y, seq, name, 1), bad = 0;
	const char **v;

	if (count <= 0)
		return NULL;
	v = calloc((size_t)count, sizeof(*v));
	if (!v) {
		emb_ydoc_err(y, seq, "out of memory");
		return NULL;
	}
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_item(y, seq, i);
		const char *s = NULL;

		if (item->type != YAML_SCALAR_NODE)
			emb_ydoc_err(y, item, "'%s' entries must be scalars", name);
		else
			s = emb_ydoc_str(y, item, name);
		if (s && !level_name_valid(s)) {
			emb_ydoc_err(y, item,
				     "invalid level '%s' in scheme %s: use 1 to 64 characters of [A-Za-z0-9 _.-]",
				     emb_ydoc_q(y, s), name);
			s = NULL;
		}
		for (int k = 0; s && k < i; k++) {
			if (v[k] && emb_level_eq(v[k], s)) {
				emb_ydoc_err(y, item, "duplicate level '%s' in scheme %s",
					     emb_ydoc_q(y, s), name);
				s = NULL;
			}
		}
		bad |= !s;
		v[i] = s;
	}
	if (bad) {
		free(v);
		return NULL;
	}
	*n = count;
	return v;
}

/* A scheme name: valid, no built-in, not defined twice; NULL on error. */
static const char *scheme_name(struct emb_ydoc *y, struct emb_ynode *k, const struct emb_scheme_set *set)
{
	const char *name;

	if (k->type != YAML_SCALAR_NODE) {
		emb_ydoc_err(y, k, "mapping keys must be scalars");
		return NULL;
	}
	name = emb_ydoc_str(y, k, "schemes");
	if (!name)
		return NULL;
	if (!scheme_name_valid(name)) {
		emb_ydoc_err(y, k, "invalid scheme name '%s': use 1 to 64 characters of [a-z0-9._-]",
			     emb_ydoc_q(y, name));
		return NULL;
	}
	if (emb_scheme_find(name)) {
		emb_ydoc_err(y, k, "scheme '%s' is built in: give the custom scheme another name", name);
		return NULL;
	}
	if (emb_scheme_lookup(set, name)) {
		emb_ydoc_err(y, k, "duplicate scheme '%s'", name);
		return NULL;
	}
	return name;
}

/* schemes: {name: [LEVEL, ...], ...}, lowest level first. */
static void parse_schemes(struct emb_ydoc *y, struct emb_ynode *map, struct emb_host *h)
{
	yaml_node_pair_t *pair;

	if (map->type != YAML_MAPPING_NODE) {
		emb_ydoc_err(y, map, "'schemes' must be a mapping");
		return;
	}
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		const char *name = scheme_name(y, emb_ydoc_node(y, pair->key), &h->schemes);
		const char **levels;
		int n = 0;

		if (!name)
			continue;
		levels = scheme_levels(y, emb_ydoc_node(y, pair->value), name, &n);
		if (!levels)
			continue;
		if (emb_scheme_set_add(&h->schemes, name, levels, n))
			emb_ydoc_err(y, map, "out of memory");
		free(levels);
	}
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int copy_strv(const char *const *src, size_t n, char ***out, size_t *n_out)
{
	char **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			free_strv(v, i);
			return -1;
		}
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* A list of absolute paths; *out stays NULL on any error. */
static void parse_paths(struct emb_ydoc *y, struct emb_ynode *seq, const char *key, int nonempty,
			char ***out, size_t *n_out)
{
	int count = emb_ydoc_seq(y, seq, key, nonempty);
	const char **tmp;
	size_t n = 0;

	if (count < 0)
		return;
	tmp = calloc(count ? (size_t)count : 1, sizeof(*tmp));
	if (!tmp) {
		emb_ydoc_err(y, seq, "out of memory");
		return;
	}
	for (int i = 0; i < count; i++) {
		struct emb_ynode *item = emb_ydoc_node(y, seq->data.sequence.items.start[i]);
		const char *s;

		if (item->type != YAML_SCALAR_NODE) {
			emb_ydoc_err(y, item, "'%s' entries must be scalars", key);
			continue;
		}
		s = emb_ydoc_str(y, item, key);
		if (s && s[0] != '/')
			emb_ydoc_err(y, item, "'%s' entry '%s' is not an absolute path", key,
				     emb_ydoc_q(y, s));
		else if (s)
			tmp[n++] = s;
	}
	if (n == (size_t)count && copy_strv(tmp, n, out, n_out))
		emb_ydoc_err(y, seq, "out of memory");
	free(tmp);
}

static void parse_scan(struct emb_ydoc *y, struct emb_ynode *map, struct emb_host *h)
{
	struct emb_ynode *vals[S_NKEYS];

	if (map->type != YAML_MAPPING_NODE) {
		emb_ydoc_err(y, map, "'scan' must be a mapping");
		return;
	}
	emb_ydoc_map(y, map, scan_keys, S_NKEYS, 0, 0, vals);
	if (vals[S_ROOTS])
		parse_paths(y, vals[S_ROOTS], "roots", 1, &h->scan_roots, &h->n_scan_roots);
	if (vals[S_EXCLUDE])
		parse_paths(y, vals[S_EXCLUDE], "exclude", 0, &h->exclude, &h->n_exclude);
}

static void parse_unverified(struct emb_ydoc *y, struct emb_ynode *n, struct emb_host *h)
{
	const char *s = emb_ydoc_str(y, n, "unverified");

	if (!s)
		return;
	if (!strcmp(s, "allow"))
		h->unverified = EMB_UNVERIFIED_ALLOW;
	else if (!strcmp(s, "deny"))
		h->unverified = EMB_UNVERIFIED_DENY;
	else
		emb_ydoc_err(y, n, "unknown value '%s' for 'unverified' (expected allow or deny)",
			     emb_ydoc_q(y, s));
}

/* unverified_when_down: hold (default) | allow. */
static void parse_unverified_down(struct emb_ydoc *y, struct emb_ynode *n, struct emb_host *h)
{
	const char *s = emb_ydoc_str(y, n, "unverified_when_down");

	if (!s)
		return;
	if (!strcmp(s, "hold"))
		h->unverified_down_allow = 0;
	else if (!strcmp(s, "allow"))
		h->unverified_down_allow = 1;
	else
		emb_ydoc_err(y, n,
			     "unknown value '%s' for 'unverified_when_down' (expected hold or allow)",
			     emb_ydoc_q(y, s));
}

/* require_signed: true | false. Only these two words: no YAML 1.1 "yes"/"on"
 * guessing for a security switch. */
static void parse_require_signed(struct emb_ydoc *y, struct emb_ynode *n, struct emb_host *h)
{
	const char *s = emb_ydoc_str(y, n, "require_signed");

	if (!s)
		return;
	if (!strcmp(s, "true"))
		h->require_signed = 1;
	else if (!strcmp(s, "false"))
		h->require_signed = 0;
	else
		emb_ydoc_err(y, n, "unknown value '%s' for 'require_signed' (expected true or false)",
			     emb_ydoc_q(y, s));
}

/* Sets h->scheme and h->level from the scheme and classification keys. */
static void parse_level(struct emb_ydoc *y, struct emb_ynode **vals, struct emb_host *h)
{
	const struct emb_scheme *sc = NULL;
	const char *s;

	if (vals[H_SCHEME]) {
		s = emb_ydoc_str(y, vals[H_SCHEME], "scheme");
		if (!s)
			return;
		sc = emb_scheme_lookup(&h->schemes, s);
		if (!sc) {
			emb_ydoc_err(y, vals[H_SCHEME], "unknown scheme '%s'", emb_ydoc_q(y, s));
			return;
		}
	}
	if (vals[H_CLASSIFICATION]) {
		s = emb_ydoc_str(y, vals[H_CLASSIFICATION], "classification");
		if (!s)
			return;
		h->level = sc ? emb_level_find(sc, s) : level_search(&h->schemes, s, &sc);
		if (h->level < 0 && vals[H_SCHEME])
			emb_ydoc_err(y, vals[H_CLASSIFICATION], "unknown level '%s' for scheme %s",
				     emb_ydoc_q(y, s), sc->name);
		else if (h->level < 0)
			emb_ydoc_err(y, vals[H_CLASSIFICATION], "unknown level '%s'", emb_ydoc_q(y, s));
	}
	if (sc) {
		h->scheme = strdup(sc->name);
		if (!h->scheme)
			emb_ydoc_err(y, vals[H_SCHEME], "out of memory");
	}
}

static void parse_host(struct emb_ydoc *y, struct emb_ynode *root, struct emb_host *h)
{
	struct emb_ynode *vals[H_NKEYS];

	if (root->type != YAML_MAPPING_NODE) {
		emb_ydoc_err(y, root, "host file must be a mapping");
		return;
	}
	emb_ydoc_map(y, root, host_keys, H_NKEYS, 0, 0, vals);
	/* First: scheme and classification may name a custom scheme. */
	if (vals[H_SCHEMES])
		parse_schemes(y, vals[H_SCHEMES], h);
	parse_level(y, vals, h);
	if (vals[H_UNVERIFIED])
		parse_unverified(y, vals[H_UNVERIFIED], h);
	if (vals[H_UNVERIFIED_DOWN])
		parse_unverified_down(y, vals[H_UNVERIFIED_DOWN], h);
	if (vals[H_REQUIRE_SIGNED])
		parse_require_signed(y, vals[H_REQUIRE_SIGNED], h);
	if (vals[H_SCAN])
		parse_scan(y, vals[H_SCAN], h);
}

static int host_parse_file(const char *file, int missing_ok, struct emb_host *h, struct emb_diag *diag)
{
	struct emb_ydoc *y;
	struct emb_ynode *root;
	char *buf;
	size_t len;
	int rc;

	rc = emb_ydoc_read_file(file, "host file", missing_ok, &buf, &len, diag);
	if (rc)
		return rc < 0 ? -1 : 0;
	y = emb_ydoc_load(file, buf, len, diag);
	if (!y) {
		free(buf);
		return -1;
	}
	/* An empty host file is the same as none: every key has its default. */
	root = emb_ydoc_root(y);
	if (root)
		parse_host(y, root, h);
	rc = emb_ydoc_finish(y, diag) ? -1 : 0;
	free(buf);
	return rc;
}

/* "a, b and c" of the names of schemes v[0..n) into buf. */
static const char *scheme_list(const struct emb_scheme *const *v, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i == 0 ? "" : i + 1 == n ? " and " : ", ", v[i]->name);
	return buf;
}

/*
 * The scheme of --classification NAME on a host that names none: the one
 * scheme the policies use (names[0..n), distinct). Policies in several
 * schemes cannot all load on one host: an error naming the schemes that
 * have the level (SECRET is a level of uk-gsc and us). NULL on error.
 */
static const struct emb_scheme *policies_scheme(const struct emb_host *h, const char *name,
						const char *const *names, size_t n,
						struct emb_diag *diag)
{
	const struct emb_scheme *have[8], *used[8];
	size_t n_have = 0, n_used = 0;
	char a[256], b[256];

	for (size_t i = 0; i < n && n_used < ARRAY_SIZE(used); i++) {
		const struct emb_scheme *sc = emb_scheme_lookup(&h->schemes, names[i]);

		if (!sc)
			continue;
		used[n_used++] = sc;
		if (emb_level_find(sc, name) >= 0 && n_have < ARRAY_SIZE(have))
			have[n_have++] = sc;
	}
	if (n_used == 1 && n_have == 1)
		return used[0];
	if (n_used == 1)
		emb_diag_add(diag, "--classification: unknown level '%s' for scheme %s, the scheme of the policies",
			     name, used[0]->name);
	else if (n_have)
		emb_diag_add(diag, "--classification: '%s' is a level of %s: the policies use %s; "
			     "name the scheme in the host file (scheme:)", name,
			     scheme_list(have, n_have, a, sizeof(a)), scheme_list(used, n_used, b, sizeof(b)));
	else
		emb_diag_add(diag, "--classification: unknown level '%s' for the policies' schemes %s",
			     name, scheme_list(used, n_used, b, sizeof(b)));
	return NULL;
}

static int apply_override(struct emb_host *h, const char *name, const char *const *schemes,
			  size_t n_schemes, struct emb_diag *diag)
{
	const struct emb_scheme *sc = emb_scheme_lookup(&h->schemes, h->scheme);
	int idx;

	if (!sc && n_schemes) {
		sc = policies_scheme(h, name, schemes, n_schemes, diag);
		if (!sc)
			return -1;
	}
	idx = sc ? emb_level_find(sc, name) : level_search(&h->schemes, name, &sc);
	if (idx < 0) {
		emb_diag_add(diag, "--classification: unknown level '%s'", name);
		return -1;
	}
	if (!h->scheme) {
		h->scheme = strdup(sc->name);
		if (!h->scheme) {
			emb_diag_add(diag, "--classification: out of memory");
			return -1;
		}
	}
	h->level = idx;
	return 0;
}

static int apply_defaults(struct emb_host *h, struct emb_diag *diag)
{
	if (!h->scan_roots &&
	    copy_strv(default_roots, ARRAY_SIZE(default_roots), &h->scan_roots, &h->n_scan_roots))
		goto oom;
	if (!h->exclude &&
	    copy_strv(default_exclude, ARRAY_SIZE(default_exclude), &h->exclude, &h->n_exclude))
		goto oom;
	return 0;
oom:
	emb_diag_add(diag, "out of memory loading the host tag");
	return -1;
}

int emb_host_load_for(struct emb_host *host, const char *path, const char *default_path,
		      const char *classification_override, const char *const *schemes,
		      size_t n_schemes, struct emb_diag *diag)
{
	struct emb_host h = { .level = EMB_LEVEL_UNMARKED, .unverified = EMB_UNVERIFIED_ALLOW };
	const char *file = path ? path : default_path;
	int failed = 0;

	memset(host, 0, sizeof(*host));
	host->level = EMB_LEVEL_UNMARKED;
	if (file && host_parse_file(file, !path, &h, diag))
		failed = 1;
	if (classification_override &&
	    apply_override(&h, classification_override, schemes, n_schemes, diag))
		failed = 1;
	if (failed || apply_defaults(&h, diag)) {
		emb_host_free(&h);
		return -1;
	}
	/* No classification: unmarked, whatever the scheme. */
	if (h.level == EMB_LEVEL_UNMARKED) {
		free(h.scheme);
		h.scheme = NULL;
	}
	*host = h;
	return 0;
}

int emb_host_load(struct emb_host *host, const char *path, const char *default_path,
		  const char *classification_override, struct emb_diag *diag)
{
	return emb_host_load_for(host, path, default_path, classification_override, NULL, 0, diag);
}

void emb_host_free(struct emb_host *host)
{
	if (!host)
		return;
	emb_scheme_set_free(&host->schemes);
	free(host->scheme);
	free_strv(host->scan_roots, host->n_scan_roots);
	free_strv(host->exclude, host->n_exclude);
	memset(host, 0, sizeof(*host));
	host->level = EMB_LEVEL_UNMARKED;
}

const char *emb_host_level_name(const struct emb_host *h)
{
	return emb_level_name(emb_scheme_lookup(&h->schemes, h->scheme), h->level);
}
