// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_HOST = 1000,
	OPT_CLASSIFICATION,
	OPT_POLICY,
	OPT_POLICY_DIR,
	OPT_KEYS_DIR,
	OPT_STATE_DIR,
	OPT_LOG,
	OPT_PIN_DIR,
	OPT_SOCKET,
	OPT_CGROUP,
	OPT_BACKEND,
	OPT_SCAN,
	OPT_JSON,
	OPT_EXEC,
	OPT_CONNECT,
	OPT_METRICS,
};

static const struct option all_opts[] = {
	{ "host", required_argument, NULL, OPT_HOST },
	{ "classification", required_argument, NULL, OPT_CLASSIFICATION },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "policy-dir", required_argument, NULL, OPT_POLICY_DIR },
	{ "keys-dir", required_argument, NULL, OPT_KEYS_DIR },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "scan", required_argument, NULL, OPT_SCAN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ NULL, 0, NULL, 0 },
};

/* Whole-word membership in a comma list: "policy" must not match "policy-dir". */
static int allowed_has(const char *allowed, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = allowed; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && strncmp(p, name, n) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* Exact names only: an unknown backend is an error, never a default. */
static int parse_backend(struct emb_opts *o, const char *arg)
{
	return emb_backend_parse(arg, &o->backend) ? -2 : 0;
}

static int push(const char ***v, size_t *n, const char *s)
{
	const char **grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (!grown)
		return -1;
	*v = grown;
	(*v)[(*n)++] = s;
	return 0;
}

static void set_defaults(struct emb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->keys_dir = EMB_DEFAULT_KEYS_DIR;
	o->state_dir = EMB_DEFAULT_STATE_DIR;
	o->log = EMB_DEFAULT_LOG;
	o->pin_dir = EMB_DEFAULT_PIN_DIR;
	o->socket = EMB_DEFAULT_SOCKET;
	o->backend = EMB_BACKEND_AUTO;
}

/* 0, -1 out of memory, -2 invalid value. */
static int apply(struct emb_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_HOST: o->host = arg; break;
	case OPT_CLASSIFICATION: o->classification = arg; break;
	case OPT_POLICY: return push(&o->policies, &o->n_policies, arg);
	case OPT_POLICY_DIR: o->policy_dir = arg; break;
	case OPT_KEYS_DIR: o->keys_dir = arg; o->keys_dir_set = 1; break;
	case OPT_STATE_DIR: o->state_dir = arg; break;
	case OPT_LOG: o->log = arg; break;
	case OPT_PIN_DIR: o->pin_dir = arg; break;
	case OPT_SOCKET: o->socket = arg; break;
	case OPT_CGROUP: o->cgroup = arg; break;
	case OPT_BACKEND: return parse_backend(o, arg);
	case OPT_SCAN: return push(&o->scan, &o->n_scan, arg);
	case OPT_JSON: o->json = 1; break;
	case OPT_EXEC: o->exec = arg; break;
	case OPT_CONNECT: o->connect = arg; break;
	case OPT_METRICS: o->metrics = arg; break;
	}
	return 0;
}

int emb_opts_parse(struct emb_opts *o, int argc, char **argv, const char *allowed)
{
	int c, idx, err;

	set_defaults(o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", all_opts, &idx)) != -1) {
		if (c == '?' || c == ':') {
			fprintf(stderr, "embargo %s: %s option '%s'\n", argv[0],
				c == ':' ? "missing argument to" : "unknown",
				optopt ? (char[]){ '-', (char)optopt, 0 } : argv[optind - 1]);
			goto fail;
		}
		if (!allowed_has(allowed, all_opts[idx].name)) {
			fprintf(stderr, "embargo %s: option '--%s' does not apply here\n", argv[0],
				all_opts[idx].name);
			goto fail;
		}
		err = apply(o, c, optarg);
		if (err == -2)
			fprintf(stderr, "embargo %s: invalid value '%s' for '--%s'\n", argv[0],
				optarg, all_opts[idx].name);
		else if (err)
			fprintf(stderr, "embargo %s: out of memory\n", argv[0]);
		if (err)
			goto fail;
	}
	o->args = argv + optind;
	o->n_args = argc - optind;
	return 0;
fail:
	emb_opts_free(o);
	return -1;
}

void emb_opts_free(struct emb_opts *o)
{
	free(o->policies);
	free(o->scan);
	o->policies = NULL;
	o->scan = NULL;
	o->n_policies = o->n_scan = 0;
}

const char *emb_opts_policy_dir(const struct emb_opts *o)
{
	if (o->policy_dir)
		return o->policy_dir;
	return o->n_policies ? NULL : EMB_DEFAULT_POLICY_DIR;
}

struct emb_sources emb_opts_sources(const struct emb_opts *o)
{
	return (struct emb_sources){
		.host = o->host,
		.classification = o->classification,
		.keys_dir = o->keys_dir,
		.policies = o->policies,
		.n_policies = o->n_policies,
		.policy_dir = emb_opts_policy_dir(o),
	};
}
