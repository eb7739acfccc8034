// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* main.c - `embargo COMMAND ...`: dispatch and nothing more. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "libbpf_log.h"
#include "log.h"
#include "log.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "the agent: load policy, index files, enforce, log" },
	{ "status", cmd_status, "what is enforcing: backend, pins, policies, map fill, counters" },
	{ "unload", cmd_unload, "detach and remove every pin: enforcement stops" },
	{ "log", cmd_log, "read the event log (-f follows, --json as written)" },
	{ "check", cmd_check, "validate policy files" },
	{ "test", cmd_test, "what the policy would decide for --exec PATH or --connect ADDR" },
	{ "sign", cmd_sign, "sign policy files: FILE.sig (Ed25519) with --key KEY" },
	{ "keygen", cmd_keygen, "new policy-signing key pair: PREFIX.key, PREFIX.pub" },
	{ "scan", cmd_scan, "offline sweep: report files whose sha256 a policy bans" },
	{ "ban", cmd_ban, "ban a sha256 now (local policy file, reload; --kill running copies)" },
	{ "unban", cmd_unban, "remove a local ban" },
	{ "contain", cmd_contain, "cut the network but loopback and --allow CIDR[:PORTS] (incident response)" },
	{ "release", cmd_release, "end containment" },
};

static int usage(FILE *f)
{
	fputs("usage: embargo COMMAND [options]\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	emb_log_init();
	emb_libbpf_log_route();
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* `embargo CMD --help` for every command; sign and keygen print
		 * their own, longer usage. */
		if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) &&
		    strcmp(argv[1], "sign") && strcmp(argv[1], "keygen")) {
			printf("embargo %s: %s\nsee embargo(8) for its options\n", commands[i].name,
			       commands[i].help);
			return 0;
		}
		return commands[i].fn(argc - 1, argv + 1);
	}
	emb_err("unknown command '%s'", argv[1]);
	return usage(stderr);
}
