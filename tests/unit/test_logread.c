// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for logread.c: lines, partial lines, truncation, rotation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logread.h"

/* Every line seen, each followed by "|". */
struct seen {
	char text[4096];
	size_t lines;
	size_t stop_after; /* 0: never stop */
};

static int collect(void *ctx, const char *line, size_t len)
{
	struct seen *s = ctx;
	size_t used = strlen(s->text);

	if (len > 64) /* long lines: record the length only */
		snprintf(s->text + used, sizeof(s->text) - used, "<%zu>|", len);
	else
		snprintf(s->text + used, sizeof(s->text) - used, "%.*s|", (int)len, line);
	if (s->stop_after && ++s->lines == s->stop_after)
		return -ECANCELED;
	return 0;
}

struct fx {
	char dir[64];
	char path[96];
	char moved[96];
	struct seen seen;
	struct emb_logreader r;
};

static void write_file(const char *path, const char *mode, const char *data)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/emb-logread.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/events.jsonl", fx->dir);
	snprintf(fx->moved, sizeof(fx->moved), "%s/events.jsonl.1", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	emb_logreader_close(&fx->r);
	unlink(fx->path);
	unlink(fx->moved);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void open_reader(struct fx *fx)
{
	assert_int_equal(emb_logreader_open(&fx->r, fx->path, collect, &fx->seen), 0);
}

static void expect_seen(struct fx *fx, const char *want)
{
	assert_string_equal(fx->seen.text, want);
	fx->seen.text[0] = '\0';
}

static void test_missing(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(emb_logreader_open(&fx->r, fx->path, collect, &fx->seen), -ENOENT);
	/* Following a missing file waits, then reads it from its start. */
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	write_file(fx->path, "w", "a\nb\n");
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	expect_seen(fx, "a|b|");
}

static void test_lines_and_partial(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "w", "one\n\ntwo\nthr");
	open_reader(fx);
	assert_int_equal(emb_logreader_read(&fx->r), 0);
	expect_seen(fx, "one||two|");
	/* The writer finishes the line: it is handed over whole, once. */
	write_file(fx->path, "a", "ee\nfour\n");
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	expect_seen(fx, "three|four|");
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	expect_seen(fx, "");
	/* A one-shot read hands over an unterminated last line at the end. */
	write_file(fx->path, "a", "five");
	assert_int_equal(emb_logreader_read(&fx->r), 0);
	expect_seen(fx, "");
	assert_int_equal(emb_logreader_finish(&fx->r), 0);
	expect_seen(fx, "five|");
	assert_int_equal(emb_logreader_finish(&fx->r), 0);
	expect_seen(fx, "");
}

static void test_truncated(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "w", "old-1\nold-2\npart");
	open_reader(fx);
	assert_int_equal(emb_logreader_read(&fx->r), 0);
	expect_seen(fx, "old-1|old-2|");
	/* copytruncate: same file, shorter; the partial line is gone with it. */
	write_file(fx->path, "w", "new\n");
	assert_int_equal(emb_logreader_poll(&fx->r), EMB_LOGREAD_TRUNCATED);
	expect_seen(fx, "new|");
	write_file(fx->path, "a", "next\n");
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	expect_seen(fx, "next|");
}

static void test_rotated(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "w", "a\n");
	open_reader(fx);
	assert_int_equal(emb_logreader_read(&fx->r), 0);
	expect_seen(fx, "a|");
	/* The writer adds to the old file after it was moved, then a new file
	 * takes the name: the old file is finished first, unterminated tail
	 * included, then the new one is read from its start. */
	assert_int_equal(rename(fx->path, fx->moved), 0);
	write_file(fx->moved, "a", "b\nc");
	write_file(fx->path, "w", "d\n");
	assert_int_equal(emb_logreader_poll(&fx->r), EMB_LOGREAD_ROTATED);
	expect_seen(fx, "b|c|d|");
	write_file(fx->path, "a", "e\n");
	write_file(fx->moved, "a", "ignored\n");
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	expect_seen(fx, "e|");
}

static void test_removed_then_back(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "w", "a\n");
	open_reader(fx);
	assert_int_equal(emb_logreader_read(&fx->r), 0);
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(emb_logreader_poll(&fx->r), EMB_LOGREAD_GONE);
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	write_file(fx->path, "w", "b\n");
	assert_int_equal(emb_logreader_poll(&fx->r), 0);
	expect_seen(fx, "a|b|");
}

static void test_overlong_line(void **state)
{
	struct fx *fx = *state;
	size_t n = EMB_LOGREAD_MAX_LINE + 10;
	char *big = malloc(n + 3);
	FILE *f;

	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big + n, "\nz", 3);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(big, 1, n + 2, f), n + 2);
	assert_int_equal(fclose(f), 0);
	free(big);
	open_reader(fx);
	assert_int_equal(emb_logreader_read(&fx->r), 0);
	assert_int_equal(emb_logreader_finish(&fx->r), 0);
	expect_seen(fx, "<1048576>|xxxxxxxxxx|z|");
}

static void test_callback_stops(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "w", "a\nb\nc\n");
	fx->seen.stop_after = 2;
	open_reader(fx);
	assert_int_equal(emb_logreader_read(&fx->r), -ECANCELED);
	expect_seen(fx, "a|b|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines_and_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlong_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stops, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
