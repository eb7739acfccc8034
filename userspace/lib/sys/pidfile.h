/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * pidfile.h - how the CLI finds the running agent: <state-dir>/agent.pid,
 * holding the agent's pid and flock()ed by it for as long as it runs. A
 * file nobody holds the lock on is stale (the agent died): no signal is
 * ever sent to a pid that may have been reused.
 */
#ifndef EMBARGO_PIDFILE_H
#define EMBARGO_PIDFILE_H

#include <sys/types.h>

#define EMB_PIDFILE_NAME "agent.pid"

/*
 * The agent: create <state_dir>/agent.pid (and state_dir), lock it, write
 * our pid. Keep the returned fd open until exit (the lock is the proof of
 * life). Call it only once SIGHUP is handled: the CLI's reload request is a
 * SIGHUP, whose default action would end the agent. Returns the fd, -EBUSY
 * when another live agent holds it (its pid in *holder if not NULL), or
 * another -errno.
 */
int emb_pidfile_acquire(const char *state_dir, pid_t *holder);

/* The pid of the live agent of state_dir, or 0 when none runs. Returns 0,
 * or -errno when the file exists but cannot be read. */
int emb_pidfile_agent(const char *state_dir, pid_t *pid);

/* Ask the live agent of state_dir to reload (SIGHUP). *pid: the agent's
 * pid, 0 when none runs (not an error). Returns 0 or -errno. */
int emb_agent_request_reload(const char *state_dir, pid_t *pid);

/*
 * emb_agent_request_reload with its outcome printed for a CLI command
 * (prog: "embargo ban"): "asked the agent (pid N) to reload" on stdout, or
 * none_msg when no agent runs, or the error on stderr. Returns 0 or -errno.
 */
int emb_agent_reload_report(const char *prog, const char *state_dir, const char *none_msg);

#endif
