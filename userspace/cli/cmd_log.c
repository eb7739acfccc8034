// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cmd_log.c - `embargo log [-f] [--json] [--log FILE]`: read the event log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "logfmt.h"
#include "logread.h"
#include "options.h"
#include "log.h"

#define FOLLOW_INTERVAL_NS 200000000L

struct log_out {
	int json;
};

static int print_line(void *ctx, const char *line, size_t len)
{
	const struct log_out *out = ctx;
	char *text;
	int err = 0;

	if (out->json) {
		if (fwrite(line, 1, len, stdout) != len || putchar('\n') == EOF)
			err = -EIO;
		return err;
	}
	text = emb_logfmt_human(line, len);
	if (!text)
		return -ENOMEM;
	if (puts(text) == EOF)
		err = -EIO;
	free(text);
	return err;
}

/*
 * -f/--follow is this command's own: take it out of argv (never an option's
 * argument: only --log takes one) and leave the rest to emb_opts_parse.
 */
static int take_follow(int *argc, char **argv)
{
	int follow = 0, j = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0) {
			follow = 1;
			continue;
		}
		argv[j++] = argv[i];
		if (strcmp(argv[i], "--log") == 0 && i + 1 < *argc)
			argv[j++] = argv[++i];
	}
	*argc = j;
	argv[j] = NULL;
	return follow;
}

static void notice(const char *path, int mask)
{
	if (mask & EMB_LOGREAD_TRUNCATED)
		emb_logf(EMB_LOG_ERR, "embargo log", "%s: file truncated", path);
	if (mask & EMB_LOGREAD_ROTATED)
		emb_logf(EMB_LOG_ERR, "embargo log", "%s: file replaced; following the new file", path);
	if (mask & EMB_LOGREAD_GONE)
		emb_logf(EMB_LOG_ERR, "embargo log", "%s: file removed; waiting for it", path);
}

static int follow(struct emb_logreader *r)
{
	const struct timespec pause = { 0, FOLLOW_INTERVAL_NS };
	int ret;

	for (;;) {
		ret = emb_logreader_poll(r);
		if (ret < 0)
			return ret;
		notice(r->path, ret);
		if (fflush(stdout))
			return -errno;
		if (nanosleep(&pause, NULL) && errno != EINTR)
			return -errno;
	}
}

static int read_log(const char *path, int json, int do_follow)
{
	struct log_out out = { .json = json };
	struct emb_logreader r;
	int err;

	err = emb_logreader_open(&r, path, print_line, &out);
	if (err == -ENOENT && do_follow) {
		emb_logf(EMB_LOG_ERR, "embargo log", "%s: no such file yet; waiting for it", path);
		err = 0;
	}
	if (err) {
		emb_logf(EMB_LOG_ERR, "embargo log", "%s: %s", path, strerror(-err));
		goto out;
	}
	err = do_follow ? follow(&r) : emb_logreader_read(&r);
	err = err ?: emb_logreader_finish(&r);
	if (!err && fflush(stdout))
		err = -errno;
	if (err)
		emb_logf(EMB_LOG_ERR, "embargo log", "%s: %s", path, strerror(-err));
out:
	emb_logreader_close(&r);
	return err ? 1 : 0;
}

int cmd_log(int argc, char **argv)
{
	struct emb_opts o;
	int do_follow, rc;

	do_follow = take_follow(&argc, argv);
	rc = emb_opts_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.n_args) {
		emb_logf(EMB_LOG_ERR, "embargo log", "unexpected argument '%s'", o.args[0]);
		emb_opts_free(&o);
		return 2;
	}
	if (strcmp(o.log, "-") == 0) {
		emb_logf(EMB_LOG_ERR, "embargo log", "--log - is the agent's stdout; give the file to read");
		emb_opts_free(&o);
		return 2;
	}
	rc = read_log(o.log, o.json, do_follow);
	emb_opts_free(&o);
	return rc;
}
