// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* main.c - `embargo SUBCOMMAND ...`: dispatch and nothing more. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "loader.h"
#include "options.h"

#define RUN_OPTS "host,classification,policy,policy-dir,keys-dir,state-dir,log,pin-dir,socket,cgroup,scan"

static int usage(FILE *f)
{
	fputs("usage: embargo COMMAND [options]\n"
	      "  run [--host F] [--classification L] [--policy F]... [--policy-dir D]\n"
	      "      [--log F|-] [--pin-dir D] [--cgroup D] [--scan PATH]...\n"
	      "                 the agent: load policy, index files, enforce, log\n"
	      "  unload [--pin-dir D]\n"
	      "                 detach and remove every pin: enforcement stops\n",
	      f);
	return f == stderr ? 2 : 0;
}

static int cmd_run(int argc, char **argv)
{
	struct emb_opts o;
	int rc;

	if (emb_opts_parse(&o, argc, argv, RUN_OPTS))
		return 2;
	if (o.n_args) {
		fprintf(stderr, "embargo run: unexpected argument '%s'\n", o.args[0]);
		emb_opts_free(&o);
		return 2;
	}
	rc = emb_agent_run(&o);
	emb_opts_free(&o);
	return rc;
}

static int cmd_unload(int argc, char **argv)
{
	struct emb_opts o;
	int err;

	if (emb_opts_parse(&o, argc, argv, "pin-dir"))
		return 2;
	err = emb_loader_unload(o.pin_dir);
	if (err == -ENOENT)
		fprintf(stderr, "embargo unload: nothing loaded at %s\n", o.pin_dir);
	else if (!err)
		fprintf(stderr, "embargo unload: enforcement stopped, pins removed from %s\n", o.pin_dir);
	emb_opts_free(&o);
	return err == 0 ? 0 : err == -ENOENT ? 3 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "unload") == 0)
		return cmd_unload(argc - 1, argv + 1);
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return usage(stdout);
	fprintf(stderr, "embargo: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
