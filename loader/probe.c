// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "probe.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECURITYFS "/sys/kernel/security"
#define LSM_LIST SECURITYFS "/lsm"

extern char **environ;

/* securityfs is usually mounted by the init system; mount it if not. */
static int ensure_securityfs(char *why, size_t why_len)
{
	struct stat st;

	if (stat(LSM_LIST, &st) == 0)
		return 0;
	if (mount("securityfs", SECURITYFS, "securityfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) &&
	    errno != EBUSY) {
		snprintf(why, why_len, "cannot mount securityfs on %s: %s", SECURITYFS, strerror(errno));
		return -1;
	}
	if (stat(LSM_LIST, &st)) {
		snprintf(why, why_len, "%s: %s", LSM_LIST, strerror(errno));
		return -1;
	}
	return 0;
}

/* Whole-token match in a comma list: "bpf" must not match "bpf_foo". */
static int has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",\n");

		if (n == tl && strncmp(p, tok, n) == 0)
			return 1;
		p += n;
		p += *p != '\0';
	}
	return 0;
}

int emb_probe_bpf_lsm_listed(char *why, size_t why_len)
{
	char list[512];
	size_t n;
	FILE *f;

	if (ensure_securityfs(why, why_len))
		return -1;
	f = fopen(LSM_LIST, "re");
	if (!f) {
		snprintf(why, why_len, "%s: %s", LSM_LIST, strerror(errno));
		return -1;
	}
	n = fread(list, 1, sizeof(list) - 1, f);
	list[n] = '\0';
	if (ferror(f)) {
		snprintf(why, why_len, "reading %s failed", LSM_LIST);
		fclose(f);
		return -1;
	}
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	if (!has_token(list, "bpf")) {
		snprintf(why, why_len, "bpf is not an active LSM (%s: %s)", LSM_LIST,
			 list[0] ? list : "empty");
		return -1;
	}
	return 0;
}

int emb_probe_exec_true(char *why, size_t why_len)
{
	static const char *const paths[] = { "/bin/true", "/usr/bin/true" };
	const char *path = NULL;
	int err, status;
	pid_t pid;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !path; i++)
		if (access(paths[i], X_OK) == 0)
			path = paths[i];
	if (!path) {
		snprintf(why, why_len, "self-test: no /bin/true or /usr/bin/true to exec");
		return -1;
	}
	err = posix_spawn(&pid, path, NULL, NULL, (char *const[]){ (char *)path, NULL }, environ);
	if (err) {
		snprintf(why, why_len, "self-test: spawning %s: %s", path, strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, why_len, "self-test: waiting for %s: %s", path, strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, why_len, "self-test: %s did not exit 0 (status 0x%x)", path, status);
		return -1;
	}
	return 0;
}
