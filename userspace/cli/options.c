// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "options.h"

#include "cmdhelp.h"

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


/* Every shared option: the parser's table and what --help says of it. */
static const struct opt_def {
	const char *name;
	const char *arg; /* NULL: a flag */
	int val;
	const char *help;
} defs[] = {
	{ "host", "FILE", OPT_HOST, "host tag (default " EMB_DEFAULT_HOST "; a given FILE must exist)" },
	{ "classification", "LEVEL", OPT_CLASSIFICATION,
	  "the host's level, overriding the host tag (scheme from the policies)" },
	{ "policy", "FILE", OPT_POLICY, "a policy file; repeatable (then no default policy dir)" },
	{ "policy-dir", "DIR", OPT_POLICY_DIR, "every *.yaml of DIR (default " EMB_DEFAULT_POLICY_DIR ")" },
	{ "keys-dir", "DIR", OPT_KEYS_DIR, "trusted policy keys *.pub (default " EMB_DEFAULT_KEYS_DIR ")" },
	{ "state-dir", "DIR", OPT_STATE_DIR, "hash cache and agent state (default " EMB_DEFAULT_STATE_DIR ")" },
	{ "log", "FILE", OPT_LOG, "event log, JSON lines (default " EMB_DEFAULT_LOG "; - is stdout)" },
	{ "pin-dir", "DIR", OPT_PIN_DIR, "BPF pins (default " EMB_DEFAULT_PIN_DIR ")" },
	{ "socket", "PATH", OPT_SOCKET, "control socket (default " EMB_DEFAULT_SOCKET ")" },
	{ "cgroup", "PATH", OPT_CGROUP, "cgroup v2 directory the network programs attach to (default the root)" },
	{ "backend", "auto|lsm|fmod_ret|kmod|classic", OPT_BACKEND,
	  "enforcement backend (default auto: the first usable of lsm, fmod_ret, kmod, classic)" },
	{ "scan", "PATH", OPT_SCAN, "add PATH to the host's scan roots; repeatable" },
	{ "json", NULL, OPT_JSON, "JSON output" },
	{ "exec", "PATH", OPT_EXEC, "decide an exec of PATH" },
	{ "connect", "ADDR[:PORT][/tcp|udp]", OPT_CONNECT, "decide a connect to ADDR ([v6addr]:port)" },
	{ "metrics", "FILE", OPT_METRICS, "write the counters to FILE, Prometheus text format" },
};

#define N_DEFS (sizeof(defs) / sizeof(defs[0]))

int emb_opts_describe(const char *name, const char **arg, const char **help)
{
	for (size_t i = 0; i < N_DEFS; i++) {
		if (strcmp(defs[i].name, name) == 0) {
			*arg = defs[i].arg;
			*help = defs[i].help;
			return 0;
		}
	}
	return -1;
}

/* getopt's table from defs, plus --help. */
static const struct option *long_opts(void)
{
	static struct option v[N_DEFS + 2];

	if (v[0].name)
		return v;
	for (size_t i = 0; i < N_DEFS; i++)
		v[i] = (struct option){ defs[i].name, defs[i].arg ? required_argument : no_argument,
					NULL, defs[i].val };
	v[N_DEFS] = (struct option){ "help", no_argument, NULL, 'h' };
	return v;
}


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

/* tok is "--name" or "--name=...". */
static int exact_name(const char *tok, const char *name)
{
	size_t len = strlen(name);

	return strncmp(tok, "--", 2) == 0 && strncmp(tok + 2, name, len) == 0 &&
	       (tok[2 + len] == '\0' || tok[2 + len] == '=');
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

int emb_opts_parse(struct emb_opts *o, int argc, char **argv)
{
	const struct emb_cmd_help *h = emb_cmd_help_find(argv[0]);
	const struct option *opts = long_opts();
	int c, idx, err, help = 0, at = 1;

	set_defaults(o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, &idx)) != -1) {
		const char *tok = argv[at];

		at = optind;
		if (c == 'h') {
			help = 1;
			continue;
		}
		/* getopt_long takes "--key" for "--keys-dir": exact names only. */
		if (c != '?' && c != ':' && !exact_name(tok, opts[idx].name)) {
			fprintf(stderr, "embargo %s: unknown option '%s'\n", argv[0], tok);
			goto fail;
		}
		if (c == '?' || c == ':') {
			fprintf(stderr, "embargo %s: %s option '%s'\n", argv[0],
				c == ':' ? "missing argument to" : "unknown",
				optopt ? (char[]){ '-', (char)optopt, 0 } : argv[optind - 1]);
			goto fail;
		}
		if (!h || !allowed_has(h->shared, opts[idx].name)) {
			fprintf(stderr, "embargo %s: option '--%s' does not apply here\n", argv[0],
				opts[idx].name);
			goto fail;
		}
		err = apply(o, c, optarg);
		if (err == -2)
			fprintf(stderr, "embargo %s: invalid value '%s' for '--%s'\n", argv[0],
				optarg, opts[idx].name);
		else if (err)
			fprintf(stderr, "embargo %s: out of memory\n", argv[0]);
		if (err)
			goto fail;
	}
	o->args = argv + optind;
	o->n_args = argc - optind;
	if (!help)
		return 0;
	/* Help after the options were checked: `CMD --x --help` says whether
	 * CMD takes --x, and does nothing else. */
	if (h)
		emb_cmd_help_print(stdout, h);
	emb_opts_free(o);
	return 1;
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
