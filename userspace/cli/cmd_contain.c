// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo contain --allow CIDR[:PORTS]... [--dns]` and `embargo release`:
 * incident-response network isolation (contract.md §3, §4).
 *
 * contain writes the containment policy <policy-dir>/00-contain.yaml
 * (atomically), puts it in force at once through the pins under
 * <pin-dir>/contain/ (loading and attaching the containment programs to
 * --cgroup if needed: it works with no agent running), then asks a running
 * agent to reload so its view follows the file. release removes the file,
 * switches containment off through the pins, and asks for a reload too.
 *
 * The file is the truth: the agent applies the same rules from it on every
 * load. Both commands apply directly even when an agent runs, so a
 * responder's command takes effect now, not at the agent's next reload.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argtake.h"
#include "cgroup.h"
#include "cmds.h"
#include "contain.h"
#include "contain_rules.h"
#include "localpolicy.h"
#include "options.h"
#include "pidfile.h"
#include "log.h"

#define RESOLV_CONF "/etc/resolv.conf"
#define RESOLVED_UPSTREAM "/run/systemd/resolve/resolv.conf"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct contain_req {
	struct emb_opts o;
	const char **allow; /* --allow values */
	size_t n_allow;
	const char **resolv; /* --resolv-conf (at most one) */
	size_t n_resolv;
	int dns;
	struct emb_connect_rule *rules;
	size_t n_rules, n_dns; /* the last n_dns rules come from --dns */
	struct ctn_config cfg;
};

static int usage(const char *cmd)
{
	if (!strcmp(cmd, "release"))
		fprintf(stderr, "usage: embargo release [--policy-dir D] [--pin-dir P] [--state-dir S]\n");
	else
		fprintf(stderr, "usage: embargo contain --allow CIDR[:PORTS[/tcp|/udp]]... [--dns] "
				"[--resolv-conf F] [--policy-dir D] [--pin-dir P] [--cgroup C] "
				"[--state-dir S]\n"
				"  IPv4: 192.0.2.10/32:22,443   IPv6: [2001:db8::1]:443 or 2001:db8::/32 "
				"(no ports)\n");
	return EXIT_USAGE;
}

static int take_args(struct contain_req *r, int *argc, char **argv)
{
	int a = emb_take_opt(argc, argv, "allow", &r->allow, &r->n_allow);
	int f = a < 0 ? 0 : emb_take_opt(argc, argv, "resolv-conf", &r->resolv, &r->n_resolv);

	if (a < 0 || f < 0 || r->n_resolv > 1) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "%s", a == -2 || f == -2 ? "out of memory" :
			 r->n_resolv > 1 ? "--resolv-conf given twice" : "missing argument to an option");
		return -1;
	}
	r->dns = emb_take_flag(argc, argv, "dns") > 0;
	return 0;
}

/* 0, EXIT_USAGE for a bad --allow, -1 for anything else (printed). */
static int build_rules(struct contain_req *r)
{
	char why[256];
	const char *reason;
	size_t before;

	r->rules = calloc(r->n_allow ? r->n_allow : 1, sizeof(*r->rules));
	if (!r->rules)
		return -1;
	for (size_t i = 0; i < r->n_allow; i++, r->n_rules++) {
		if (emb_allow_parse(r->allow[i], &r->rules[i], &reason)) {
			emb_logf(EMB_LOG_ERR, "embargo contain", "--allow '%s': %s", r->allow[i], reason);
			return EXIT_USAGE;
		}
	}
	before = r->n_rules;
	if (r->dns && emb_dns_allow_rules(r->n_resolv ? r->resolv[0] : RESOLV_CONF,
					  r->n_resolv ? NULL : RESOLVED_UPSTREAM, &r->rules,
					  &r->n_rules, why, sizeof(why))) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "%s", why);
		return -1;
	}
	r->n_dns = r->n_rules - before;
	if (emb_contain_config(r->rules, r->n_rules, &r->cfg, why, sizeof(why))) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "%s", why);
		return -1;
	}
	return 0;
}

/*
 * Fail-closed on our own output: the text is read back with the agent's
 * own parser and must give the very table we are about to put in force,
 * or nothing is written (a file the agent refuses would refuse the whole
 * policy set).
 */
static int verify_text(const char *path, const char *text, const struct ctn_config *want)
{
	struct emb_policy_set set = { 0 };
	struct emb_policy p = { 0 };
	struct emb_diag diag = { 0 };
	struct ctn_config got;
	char why[256];
	int any, err;

	err = emb_policy_parse_buf(path, text, strlen(text), &p, &diag);
	emb_diag_log(&diag, EMB_LOG_ERR, "embargo contain: internal error");
	if (!err) {
		set.policies = &p;
		set.n = 1;
		err = emb_contain_config_from_set(&set, &got, &any, why, sizeof(why));
		if (err || !any || memcmp(&got, want, sizeof(got))) {
			emb_logf(EMB_LOG_ERR, "embargo contain", "internal error: the policy file written "
				 "does not read back as the allow list given");
			err = -1;
		}
		emb_policy_free(&p);
	}
	emb_diag_free(&diag);
	return err;
}

static int write_file(const struct contain_req *r, char *path, size_t path_len)
{
	const char *dir = emb_opts_policy_dir(&r->o);
	char comment[256], why[512];
	char *text = NULL;
	int err;

	err = emb_mkdir_p(dir, 0755);
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "creating %s: %s", dir, strerror(-err));
		return err;
	}
	err = emb_path_join(path, path_len, dir, EMB_CONTAIN_FILE);
	if (err)
		return err;
	snprintf(comment, sizeof(comment), "Written by `embargo contain`%s; `embargo release` "
		 "removes it.", r->n_dns ? " (--dns: the host's resolvers, port 53)" : "");
	text = emb_contain_policy_text(EMB_CONTAIN_ID, r->rules, r->n_rules, comment);
	if (!text)
		return -ENOMEM;
	err = verify_text(path, text, &r->cfg);
	if (!err) {
		err = emb_file_replace(path, text, strlen(text), 0644, why, sizeof(why));
		if (err)
			emb_logf(EMB_LOG_ERR, "embargo contain", "%s", why);
	}
	free(text);
	return err;
}

static const char *cgroup_of(const struct emb_opts *o, char *buf, size_t len)
{
	if (o->cgroup)
		return o->cgroup;
	if (emb_cgroup2_root(buf, len)) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "no cgroup v2 mount found (use --cgroup)");
		return NULL;
	}
	return buf;
}

static void print_rules(const struct contain_req *r)
{
	char text[256];

	if (!r->n_rules)
		printf("embargo contain: nothing allowed but loopback\n");
	for (size_t i = 0; i < r->n_rules; i++) {
		emb_allow_rule_format(&r->rules[i], text, sizeof(text));
		printf("embargo contain: allowed besides loopback: %s%s\n", text,
		       i >= r->n_rules - r->n_dns ? " (--dns)" : "");
	}
}

static int contain(struct contain_req *r)
{
	char path[PATH_MAX], cgbuf[PATH_MAX];
	const char *cg;
	int err;

	if (!r->n_allow && !r->dns) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "give at least one --allow (or --dns): with none, "
			 "every connection but loopback is cut, your own remote session included");
		return EXIT_USAGE;
	}
	err = build_rules(r);
	if (err)
		return err == EXIT_USAGE ? EXIT_USAGE : EXIT_FAIL;
	if (write_file(r, path, sizeof(path)))
		return EXIT_FAIL;
	printf("embargo contain: wrote %s\n", path);
	print_rules(r);
	cg = cgroup_of(&r->o, cgbuf, sizeof(cgbuf));
	err = cg ? emb_contain_apply(r->o.pin_dir, cg, &r->cfg, NULL) : -ENOENT;
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "NOT in force: %s; the agent applies %s when it "
			 "(re)loads", cg ? strerror(-err) : "no cgroup", path);
		emb_agent_reload_report("embargo contain", r->o.state_dir, "no agent pid file");
		return EXIT_FAIL;
	}
	printf("embargo contain: in force now (pins: %s/%s)\n", r->o.pin_dir, EMB_CONTAIN_SUBDIR);
	err = emb_agent_reload_report("embargo contain", r->o.state_dir,
				      "no agent pid file: the pins keep it in force");
	return err ? EXIT_FAIL : EXIT_OK;
}

int cmd_contain(int argc, char **argv)
{
	struct contain_req r = { 0 };
	int rc = EXIT_USAGE;

	if (take_args(&r, &argc, argv))
		goto out;
	rc = emb_opts_parse(&r.o, argc, argv);
	if (rc) {
		rc = rc > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (r.o.n_args) {
		emb_logf(EMB_LOG_ERR, "embargo contain", "unexpected argument '%s'", r.o.args[0]);
		rc = usage("contain");
	} else {
		rc = contain(&r);
	}
	emb_opts_free(&r.o);
out:
	emb_allow_rules_free(r.rules, r.n_rules);
	free(r.allow);
	free(r.resolv);
	return rc;
}

/* Remove the file; 1 removed, 0 there was none, -1 error. */
static int release_file(const struct emb_opts *o)
{
	char path[PATH_MAX], why[512];
	int err = emb_path_join(path, sizeof(path), emb_opts_policy_dir(o), EMB_CONTAIN_FILE);

	err = err ?: emb_file_remove(path, why, sizeof(why));
	if (err == -ENOENT) {
		printf("embargo release: no %s\n", path);
		return 0;
	}
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo release", "%s", why[0] ? why : strerror(-err));
		return -1;
	}
	printf("embargo release: removed %s\n", path);
	return 1;
}

/*
 * The file goes first: if switching off failed, the agent's next reload
 * still finds no containment to apply. A failed switch-off leaves the host
 * contained (fail-closed) and says so.
 */
static int release(const struct emb_opts *o)
{
	int removed = release_file(o), applied = 0, err;

	if (removed < 0)
		return EXIT_FAIL;
	err = emb_contain_apply(o->pin_dir, NULL, NULL, &applied);
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo release", "containment still in force: %s", strerror(-err));
		return EXIT_FAIL;
	}
	if (applied)
		printf("embargo release: containment off (pins: %s/%s)\n", o->pin_dir,
		       EMB_CONTAIN_SUBDIR);
	else
		printf("embargo release: no containment pinned in %s\n", o->pin_dir);
	err = emb_agent_reload_report("embargo release", o->state_dir, "no agent pid file");
	return err ? EXIT_FAIL : EXIT_OK;
}

int cmd_release(int argc, char **argv)
{
	struct emb_opts o;
	int rc;

	rc = emb_opts_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.n_args) {
		emb_logf(EMB_LOG_ERR, "embargo release", "unexpected argument '%s'", o.args[0]);
		rc = usage("release");
	} else {
		rc = release(&o);
	}
	emb_opts_free(&o);
	return rc;
}
