// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libsystemd for the static guest build only: Debian ships no libsystemd.a.
 * The guest has no systemd and never sets NOTIFY_SOCKET, where libsystemd's
 * sd_notify() returns 0 and does nothing; this does the same, and refuses
 * loudly (-ENOSYS) if it is ever used with a socket. The guest has no
 * journal either: sd_journal_sendv() fails as libsystemd's does without
 * one, and the agent falls back to its other sinks.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>

int sd_notify(int unset_environment, const char *state);

int sd_notify(int unset_environment, const char *state)
{
	(void)unset_environment;
	(void)state;
	return getenv("NOTIFY_SOCKET") ? -ENOSYS : 0;
}

int sd_journal_sendv(const struct iovec *iov, int n);

int sd_journal_sendv(const struct iovec *iov, int n)
{
	(void)iov;
	(void)n;
	return -ENOENT;
}
