// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* main.c - `embargo COMMAND ...`: dispatch and nothing more. Each command
 * answers its own --help (cmdhelp.c: what it parses is what it lists). */
#include <stdio.h>
#include <string.h>

#include "cmdhelp.h"
#include "cmds.h"
#include "embargo_abi.h"
#include "libbpf_log.h"
#include "log.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },         { "status", cmd_status }, { "unload", cmd_unload },
	{ "log", cmd_log },         { "check", cmd_check },   { "test", cmd_test },
	{ "sign", cmd_sign },       { "keygen", cmd_keygen }, { "scan", cmd_scan },
	{ "ban", cmd_ban },         { "unban", cmd_unban },   { "contain", cmd_contain },
	{ "release", cmd_release },
};

static int usage(FILE *f)
{
	size_t n;
	const struct emb_cmd_help *h = emb_cmd_helps(&n);

	fputs("usage: embargo COMMAND [options]   (embargo COMMAND --help: its options)\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-10s %s\n", h[i].name, h[i].summary);
	fputs("  --version  the version and the BPF ABI version\n", f);
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
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("embargo %s (BPF ABI %d)\n", EMBARGO_VERSION, EMBARGO_ABI_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	emb_err("unknown command '%s'", argv[1]);
	return usage(stderr);
}
