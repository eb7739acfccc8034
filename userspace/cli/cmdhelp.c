// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "cmdhelp.h"

#include <string.h>

#include "options.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct emb_cmd_opt ban_own[] = {
	{ "--vendor V", "the vendor the ban names (default \"local ban\")" },
	{ "--kill", "SIGKILL the running processes whose executable has that sha256" },
	{ NULL, NULL },
};

static const struct emb_cmd_opt scan_own[] = {
	{ "--csv", "one CSV row per finding (not with --json)" },
	{ "--learn VENDOR", "write the sha256 of VENDOR's files found as a policy" },
	{ "--out FILE", "the policy file --learn writes (required with --learn)" },
	{ NULL, NULL },
};

static const struct emb_cmd_opt contain_own[] = {
	{ "--allow CIDR[:PORTS[/tcp|/udp]]", "keep this network reachable; repeatable "
	  "(IPv4 192.0.2.10/32:22,443; IPv6 [2001:db8::1]:443 or 2001:db8::/32)" },
	{ "--dns", "also allow the name servers of the resolver configuration, port 53" },
	{ "--resolv-conf FILE", "the resolver configuration --dns reads (default /etc/resolv.conf)" },
	{ NULL, NULL },
};

static const struct emb_cmd_opt log_own[] = {
	{ "-f, --follow", "keep reading as the agent appends" },
	{ NULL, NULL },
};

static const struct emb_cmd_opt sign_own[] = {
	{ "--key KEY", "the Ed25519 private key (PEM) to sign with; required" },
	{ NULL, NULL },
};

static const struct emb_cmd_opt keygen_own[] = {
	{ "--out PREFIX", "write PREFIX.key and PREFIX.pub (default embargo-policy)" },
	{ NULL, NULL },
};

#define BAN_SHARED "host,classification,policy-dir,state-dir"

static const struct emb_cmd_help helps[] = {
	{ "run", "the agent: load policy, index files, enforce, log", "[options]",
	  "host,classification,policy,policy-dir,keys-dir,state-dir,log,pin-dir,socket,cgroup,"
	  "scan,backend,metrics", NULL },
	{ "status", "what is enforcing: backend, pins, attachments, policies, map fill, counters "
	  "(exit 0 enforcing, 3 not loaded or a program detached)",
	  "[--json] [--pin-dir DIR] [--state-dir DIR]", "pin-dir,state-dir,json", NULL },
	{ "unload", "detach and remove every pin: enforcement stops", "[--pin-dir DIR] [--log FILE]",
	  "pin-dir,log", NULL },
	{ "log", "read the event log, human-readable by default", "[-f] [--json] [--log FILE]",
	  "json,log", log_own },
	{ "check", "validate policy files: one summary line per file (exit 0 valid, 1 invalid)",
	  "[--host FILE] [--keys-dir DIR] FILE...", "host,keys-dir", NULL },
	{ "test", "what the policy would decide, no kernel needed (exit 0 allow, 10 deny, 11 audit)",
	  "[--policy F | --policy-dir D] [--classification L] "
	  "(--exec PATH | --connect ADDR[:PORT][/tcp|udp])",
	  "host,classification,policy,policy-dir,keys-dir,exec,connect", NULL },
	{ "sign", "sign policy files: FILE.sig (Ed25519)", "--key KEY FILE...", "", sign_own },
	{ "keygen", "new policy-signing key pair: PREFIX.key, PREFIX.pub", "[--out PREFIX]", "",
	  keygen_own },
	{ "scan", "offline sweep: report files whose sha256 or path a policy bans "
	  "(exit 0 none found, 10 found)",
	  "[--policy F | --policy-dir D] [--host F] [--json | --csv] [--learn VENDOR --out FILE] PATH...",
	  "host,policy,policy-dir,json", scan_own },
	{ "ban", "ban a sha256 now (local policy file, then the agent reloads)",
	  "SHA256 [--vendor V] [--kill] [options]", BAN_SHARED, ban_own },
	{ "unban", "remove a local ban", "SHA256 [options]", BAN_SHARED, NULL },
	{ "contain", "cut the network but loopback and the --allow networks (incident response)",
	  "--allow CIDR[:PORTS]... [--dns] [options]", "policy-dir,pin-dir,cgroup,state-dir",
	  contain_own },
	{ "release", "end containment", "[options]", "policy-dir,pin-dir,state-dir", NULL },
};

const struct emb_cmd_help *emb_cmd_helps(size_t *n)
{
	*n = ARRAY_SIZE(helps);
	return helps;
}

const struct emb_cmd_help *emb_cmd_help_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(helps); i++)
		if (strcmp(helps[i].name, name) == 0)
			return &helps[i];
	return NULL;
}

static void print_opt(FILE *f, const char *name, const char *help)
{
	if (strlen(name) < 24)
		fprintf(f, "  %-24s %s\n", name, help);
	else
		fprintf(f, "  %s\n  %-24s %s\n", name, "", help);
}

/* The shared options of a comma list, in the list's order. */
static void print_shared(FILE *f, const char *list)
{
	char name[64], shown[96];
	const char *arg, *help;

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (emb_opts_describe(name, &arg, &help) == 0) {
				snprintf(shown, sizeof(shown), "--%s%s%s", name, arg ? " " : "",
					 arg ? arg : "");
				print_opt(f, shown, help);
			}
		}
		p = end ? end + 1 : NULL;
	}
}

void emb_cmd_help_print(FILE *f, const struct emb_cmd_help *h)
{
	fprintf(f, "usage: embargo %s %s\n%s\n\noptions:\n", h->name, h->usage, h->summary);
	for (const struct emb_cmd_opt *o = h->own; o && o->name; o++)
		print_opt(f, o->name, o->help);
	print_shared(f, h->shared);
	print_opt(f, "-h, --help", "this help");
	fputs("\nsee embargo(8)\n", f);
}
