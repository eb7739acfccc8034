// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <stdio.h>

#include "cmds.h"
#include "loader.h"
#include "options.h"

int cmd_unload(int argc, char **argv)
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
