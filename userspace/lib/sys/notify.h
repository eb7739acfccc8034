/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* notify.h - service manager notifications (systemd Type=notify). */
#ifndef EMBARGO_NOTIFY_H
#define EMBARGO_NOTIFY_H

/*
 * Tell the service manager the agent is enforcing: "READY=1" plus
 * "STATUS=<status>" when status is not NULL. Without $NOTIFY_SOCKET (not
 * started by systemd) this does nothing. Returns 1 if sent, 0 if there is no
 * service manager to tell, or -errno.
 */
int emb_notify_ready(const char *status);
/* "RELOADING=1" (SIGHUP) or "STOPPING=1" (SIGTERM): state is the whole line. */
int emb_notify_state(const char *state);

#endif
