// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo test`: what the policy would decide for an exec or a connect, from
 * the same compiled decisions the agent writes to the kernel. No kernel, no
 * root. Exit 0 allow, 10 deny, 11 audit (contract.md §4).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "endpoint.h"
#include "hashindex.h"
#include "options.h"
#include "policy_load.h"
#include "log.h"

enum { EXIT_ALLOW = 0, EXIT_DENY = 10, EXIT_AUDIT = 11, EXIT_ERROR = 2 };

static int report(const struct emb_loaded *l, const struct emb_verdict *v, const char *what)
{
	struct emb_rule rule;
	const struct emb_rule *r = v ? emb_compiled_rule(&l->compiled, v->rule_id, &rule) : NULL;

	if (!v || v->action == EMB_ACT_NONE || !r) {
		printf("allow: %s (host %s)\n", what, l->host_level);
		return EXIT_ALLOW;
	}
	printf("%s: %s (host %s): policy %s, vendor %s", v->action == EMB_ACT_DENY ? "deny" : "audit",
	       what, l->host_level, r->policy->id, r->vendor->name);
	if (r->kind == EMB_RULE_PATH)
		printf(", path glob %s", r->glob);
	else if (r->host)
		printf(", host %s", r->host);
	printf("\n");
	return v->action == EMB_ACT_DENY ? EXIT_DENY : EXIT_AUDIT;
}

/*
 * The hash decides first; the path globs (weaker evidence) only when they
 * ask for a stronger action than the hash, so deny still beats audit.
 * Globs match the canonical path, as the agent lists inodes by it.
 */
static struct emb_verdict exec_verdict(const struct emb_loaded *l, const char *path,
				       const uint8_t digest[32])
{
	const struct emb_verdict *h = emb_compiled_hash_verdict(&l->compiled, digest);
	struct emb_verdict v = h ? *h : (struct emb_verdict){ 0 };
	struct emb_verdict pv = emb_compiled_path_verdict(&l->compiled, path);

	return pv.action > v.action ? pv : v;
}

/* What the kernel does with a file not hashed yet, from compile.c. */
static void report_unverified(const struct emb_loaded *l)
{
	uint32_t m = l->compiled.unverified;

	printf("unverified: %s (a file not hashed yet, once the index is complete)\n",
	       m == EMB_UNV_DENY ? "deny" : m == EMB_UNV_ALLOW ? "allow" : "off");
}

static int test_exec(const struct emb_loaded *l, const char *path)
{
	char hex[65], what[PATH_MAX + 200], real[PATH_MAX];
	struct emb_verdict v;
	uint8_t digest[32];
	int fd, err, rc;

	if (!realpath(path, real)) {
		emb_logf(EMB_LOG_ERR, "embargo test", "%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		emb_logf(EMB_LOG_ERR, "embargo test", "%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	err = emb_sha256_fd(fd, digest);
	close(fd);
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo test", "%s: cannot hash: %s", path, strerror(-err));
		return EXIT_ERROR;
	}
	emb_sha256_hex(digest, hex);
	snprintf(what, sizeof(what), "exec %s (sha256 %s)", path, hex);
	v = exec_verdict(l, real, digest);
	rc = report(l, &v, what);
	report_unverified(l);
	return rc;
}

/* Resolve connect[].host names; one that does not resolve bans nothing. */
static int resolve_hosts(struct emb_loaded *l)
{
	struct emb_diag diag = { 0 };
	int err = emb_loaded_resolve(l, &diag);

	emb_diag_log(&diag, EMB_LOG_ERR, NULL);
	emb_diag_free(&diag);
	for (size_t i = 0; !err && i < l->compiled.n_pending_hosts; i++) {
		const char *name = l->compiled.pending_hosts[i];
		const struct emb_dns_name *e = emb_dns_table_find(&l->dns, name);

		emb_logf(EMB_LOG_ERR, "embargo test", "warning: host %s: %s: its connect rules ban nothing",
			 name, e && e->error ? e->error : "not resolved");
	}
	return err;
}

static int test_connect(const struct emb_loaded *l, const char *arg)
{
	struct emb_endpoint ep;
	struct emb_verdict v;
	const char *why = NULL;
	char what[256];

	if (emb_endpoint_parse(arg, &ep, &why)) {
		emb_logf(EMB_LOG_ERR, "embargo test", "--connect %s: %s", arg, why);
		return EXIT_ERROR;
	}
	v = emb_compiled_net_verdict(&l->compiled, ep.family, ep.addr, ep.port, ep.proto);
	snprintf(what, sizeof(what), "connect %s", arg);
	return report(l, &v, what);
}

int cmd_test(int argc, char **argv)
{
	struct emb_diag diag = { 0 };
	struct emb_loaded l;
	struct emb_opts o;
	struct emb_sources src;
	int rc = EXIT_ERROR;

	rc = emb_opts_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? EXIT_ALLOW : EXIT_ERROR;
	rc = EXIT_ERROR;
	if (o.n_args || !o.exec == !o.connect) {
		fprintf(stderr, "usage: embargo test [--policy F | --policy-dir D] [--classification L] "
				"(--exec PATH | --connect ADDR[:PORT][/tcp|udp])\n");
		goto out;
	}
	src = emb_opts_sources(&o);
	if (emb_loaded_init(&l, &src, &diag)) {
		emb_diag_log(&diag, EMB_LOG_ERR, NULL);
		goto out;
	}
	if (o.exec)
		rc = test_exec(&l, o.exec);
	else if (!resolve_hosts(&l))
		rc = test_connect(&l, o.connect);
	emb_loaded_free(&l);
out:
	emb_diag_free(&diag);
	emb_opts_free(&o);
	return rc;
}
