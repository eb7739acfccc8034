// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * `embargo ban SHA256 [--vendor V] [--kill]` / `embargo unban SHA256`:
 * the local ban list, kept as the policy file <policy-dir>/00-local-bans.yaml
 * (id local-bans, the host's own scheme, enforce = the host's own level, so
 * it always enforces here). The file is rewritten atomically, then a running
 * agent is asked to reload (it does the map work). --kill then SIGKILLs the
 * running processes whose executable has that hash.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argtake.h"
#include "cmds.h"
#include "hashindex.h"
#include "localbans.h"
#include "localpolicy.h"
#include "options.h"
#include "pidfile.h"
#include "policy.h"
#include "prockill.h"
#include "log.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct ban_req {
	const char *prog; /* "embargo ban" / "embargo unban" */
	int unban;
	struct emb_opts o;
	const char **vendor;
	size_t n_vendor;
	int kill;
	char hex[65];
	struct emb_host host;
	char path[PATH_MAX];
	struct emb_localbans bans;
};

static void print_diag(const char *prog, struct emb_diag *d)
{
	emb_diag_log(d, EMB_LOG_ERR, prog);
	emb_diag_free(d);
}

/* The host tag: its scheme and level go into the file. Fail-closed: an
 * unmarked host cannot enforce a ban, so none is written (it would look
 * banned and run). */
static int load_host(struct ban_req *r)
{
	struct emb_diag diag = { 0 };

	if (emb_host_load(&r->host, r->o.host, EMB_DEFAULT_HOST, r->o.classification, &diag)) {
		print_diag(r->prog, &diag);
		return -1;
	}
	emb_diag_free(&diag);
	if (!r->host.scheme || r->host.level == EMB_LEVEL_UNMARKED) {
		emb_logf(EMB_LOG_ERR, r->prog, "the host has no classification, so no ban can enforce here "
			 "(set one in the host tag, or --classification)");
		return -1;
	}
	return 0;
}

/* Read the current list; a missing file is an empty list. A file that does
 * not parse is never overwritten: the error is shown and nothing changes. */
static int load_bans(struct ban_req *r)
{
	struct emb_diag diag = { 0 };
	struct emb_policy p = { 0 };
	int err;

	if (access(r->path, F_OK) && errno == ENOENT)
		return 0;
	if (emb_policy_parse_file_for(r->path, &r->host.schemes, &p, &diag)) {
		print_diag(r->prog, &diag);
		emb_logf(EMB_LOG_ERR, r->prog, "%s left as it is; fix or remove it first", r->path);
		return -1;
	}
	emb_diag_free(&diag);
	if (p.kind != EMB_POLICY_VENDOR || !p.id || strcmp(p.id, EMB_LOCALBANS_ID)) {
		emb_logf(EMB_LOG_ERR, r->prog, "%s is not the local ban list (id %s)", r->path,
			 EMB_LOCALBANS_ID);
		emb_policy_free(&p);
		return -1;
	}
	err = emb_localbans_from_policy(&r->bans, &p);
	emb_policy_free(&p);
	return err;
}

/* Fail-closed on our own output: the new text must parse with the agent's
 * parser before it replaces the file (a refused file refuses the set). */
static int write_bans(struct ban_req *r)
{
	struct emb_diag diag = { 0 };
	struct emb_policy chk = { 0 };
	char why[512];
	char *text;
	int err;

	if (emb_localbans_count(&r->bans) == 0) {
		err = emb_file_remove(r->path, why, sizeof(why));
		if (err && err != -ENOENT)
			emb_logf(EMB_LOG_ERR, r->prog, "%s", why);
		return err == -ENOENT ? 0 : err;
	}
	text = emb_localbans_text(&r->bans, r->host.scheme, emb_host_level_name(&r->host));
	if (!text)
		return -ENOMEM;
	err = emb_policy_parse_buf_for(r->path, text, strlen(text), &r->host.schemes, &chk, &diag);
	if (err) {
		print_diag(r->prog, &diag);
		emb_logf(EMB_LOG_ERR, r->prog, "internal error: the new ban list does not parse; %s unchanged",
			 r->path);
	} else {
		emb_diag_free(&diag);
		emb_policy_free(&chk);
		err = emb_file_replace(r->path, text, strlen(text), 0644, why, sizeof(why));
		if (err)
			emb_logf(EMB_LOG_ERR, r->prog, "%s", why);
	}
	free(text);
	return err;
}

static int kill_one(void *ctx, const struct emb_proc_match *m)
{
	size_t *failed = ctx;
	int err = emb_proc_kill("/proc", m);

	if (!err) {
		printf("embargo ban: killed pid %d (%s)\n", (int)m->pid, m->exe);
	} else if (err == -ESRCH || err == -ESTALE) {
		printf("embargo ban: pid %d (%s) %s before the kill\n", (int)m->pid, m->exe,
		       err == -ESRCH ? "exited" : "exec'd something else");
	} else {
		emb_logf(EMB_LOG_ERR, "embargo ban", "killing pid %d (%s): %s", (int)m->pid, m->exe,
			 m->pid == 1 ? "pid 1 is never killed" : strerror(-err));
		(*failed)++;
	}
	return 0;
}

static int kill_running(const struct ban_req *r)
{
	struct emb_proc_stats st;
	uint8_t sha[32];
	size_t failed = 0;
	int err;

	for (int i = 0; i < 32; i++)
		sha[i] = (uint8_t)strtoul((char[]){ r->hex[2 * i], r->hex[2 * i + 1], 0 }, NULL, 16);
	err = emb_proc_find_sha256("/proc", sha, kill_one, &failed, &st);
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo ban", "--kill: reading /proc: %s", strerror(-err));
		return -1;
	}
	printf("embargo ban: --kill: %zu process(es) ran it, %zu executables hashed%s\n",
	       st.matched, st.hashed, st.errors ? " (some could not be read)" : "");
	return failed ? -1 : 0;
}

static int change(struct ban_req *r)
{
	const char *vendor = r->n_vendor ? r->vendor[0] : EMB_LOCALBANS_VENDOR;
	int rc;

	if (!r->unban) {
		rc = emb_localbans_add(&r->bans, vendor, r->hex);
		if (rc < 0)
			return -1;
		printf(rc ? "%s: %s banned (vendor \"%s\") in %s\n" :
			    "%s: %s already banned (vendor \"%s\") in %s\n",
		       r->prog, r->hex, vendor, r->path);
		return 0;
	}
	if (!emb_localbans_remove(&r->bans, r->hex)) {
		emb_logf(EMB_LOG_ERR, r->prog, "%s is not on the local ban list %s", r->hex, r->path);
		return -1;
	}
	printf("%s: %s removed from %s\n", r->prog, r->hex, r->path);
	return 0;
}

static int run(struct ban_req *r)
{
	const char *dir = emb_opts_policy_dir(&r->o), *why;
	int err;

	if (emb_sha256_hex_norm(r->o.args[0], r->hex, &why)) {
		emb_logf(EMB_LOG_ERR, r->prog, "invalid sha256 '%s': %s", r->o.args[0], why);
		return EXIT_USAGE;
	}
	if (r->n_vendor && emb_vendor_name_check(r->vendor[0], &why)) {
		emb_logf(EMB_LOG_ERR, r->prog, "--vendor: %s", why);
		return EXIT_USAGE;
	}
	err = emb_mkdir_p(dir, 0755);
	err = err ?: emb_path_join(r->path, sizeof(r->path), dir, EMB_LOCALBANS_FILE);
	if (err) {
		emb_logf(EMB_LOG_ERR, r->prog, "policy dir %s: %s", dir, strerror(-err));
		return EXIT_FAIL;
	}
	if (load_host(r) || load_bans(r) || change(r) || write_bans(r))
		return EXIT_FAIL;
	err = emb_agent_reload_report(r->prog, r->o.state_dir,
				      "no agent pid file: takes effect when the agent next loads the policy dir");
	if (r->kill && kill_running(r))
		err = -1;
	return err ? EXIT_FAIL : EXIT_OK;
}

/* `ban HASH --opt ...`: the shared parser stops at the first argument that
 * is not an option, so a leading HASH moves to the end. */
static void hash_last(int argc, char **argv)
{
	char *hash = argv[1];

	if (argc < 3 || hash[0] == '-')
		return;
	memmove(&argv[1], &argv[2], (size_t)(argc - 2) * sizeof(*argv));
	argv[argc - 1] = hash;
}

static int ban_main(int argc, char **argv, int unban)
{
	struct ban_req r = { .prog = unban ? "embargo unban" : "embargo ban", .unban = unban };
	int rc = EXIT_USAGE, v = 0;

	if (!unban) {
		v = emb_take_opt(&argc, argv, "vendor", &r.vendor, &r.n_vendor);
		r.kill = emb_take_flag(&argc, argv, "kill") > 0;
	}
	if (v < 0 || r.n_vendor > 1) {
		emb_logf(EMB_LOG_ERR, r.prog, "%s", v == -2 ? "out of memory" :
			 v == -1 ? "missing argument to '--vendor'" : "--vendor given twice");
		goto out;
	}
	hash_last(argc, argv);
	v = emb_opts_parse(&r.o, argc, argv);
	if (v) {
		rc = v > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (r.o.n_args != 1)
		fprintf(stderr, unban ? "usage: embargo unban SHA256 [--policy-dir D] [--host F]\n" :
			"usage: embargo ban SHA256 [--vendor V] [--kill] [--policy-dir D] [--host F]\n");
	else
		rc = run(&r);
	emb_localbans_free(&r.bans);
	emb_host_free(&r.host);
	emb_opts_free(&r.o);
out:
	free(r.vendor);
	return rc;
}

int cmd_ban(int argc, char **argv)
{
	return ban_main(argc, argv, 0);
}

int cmd_unban(int argc, char **argv)
{
	return ban_main(argc, argv, 1);
}
