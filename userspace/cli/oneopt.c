// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "oneopt.h"

#include <getopt.h>
#include <stdio.h>

#include "log.h"

int emb_one_option(int argc, char **argv, const char *prog, const char *name, const char **val)
{
	const struct option longopts[] = {
		{ name, required_argument, NULL, name[0] },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char shortopts[] = { ':', name[0], ':', 'h', '\0' };
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == name[0]) {
			*val = optarg;
		} else if (c == 'h') {
			return 1;
		} else if (c == ':') {
			emb_logf(EMB_LOG_ERR, prog, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		} else {
			emb_logf(EMB_LOG_ERR, prog, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}
