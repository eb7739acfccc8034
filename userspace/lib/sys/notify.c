// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* notify.c - sd_notify(3) for the agent; a no-op outside systemd. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

int emb_notify_ready(const char *status)
{
	char *msg = NULL;
	int r;

	if (!status)
		return sd_notify(0, "READY=1");
	if (asprintf(&msg, "READY=1\nSTATUS=%s", status) < 0)
		return -1;
	r = sd_notify(0, msg);
	free(msg);
	return r;
}

int emb_notify_state(const char *state)
{
	return sd_notify(0, state);
}
