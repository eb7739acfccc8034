// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for notify.c: what reaches $NOTIFY_SOCKET. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

struct fx {
	char dir[64];
	char sock[96];
	int fd;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/emb-notify.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->sock, sizeof(fx->sock), "%s/notify", fx->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx->sock);
	fx->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fx->fd < 0 || bind(fx->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	*state = fx;
	return setenv("NOTIFY_SOCKET", fx->sock, 1);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	unsetenv("NOTIFY_SOCKET");
	close(fx->fd);
	unlink(fx->sock);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void expect_message(struct fx *fx, const char *want)
{
	char buf[256];
	ssize_t n = recv(fx->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_ready_with_status(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(emb_notify_ready("enforcing: host SECRET, 2 policies"), 1);
	expect_message(fx, "READY=1\nSTATUS=enforcing: host SECRET, 2 policies");
	/* The socket stays in the environment for later notifications. */
	assert_non_null(getenv("NOTIFY_SOCKET"));
}

static void test_ready_and_states(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(emb_notify_ready(NULL), 1);
	expect_message(fx, "READY=1");
	assert_int_equal(emb_notify_state("RELOADING=1"), 1);
	expect_message(fx, "RELOADING=1");
	assert_int_equal(emb_notify_state("STOPPING=1"), 1);
	expect_message(fx, "STOPPING=1");
}

static void test_no_service_manager(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(emb_notify_ready("x"), 0);
	assert_int_equal(emb_notify_state("STOPPING=1"), 0);
}

static void test_socket_gone(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(unlink(fx->sock), 0);
	assert_true(emb_notify_ready(NULL) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ready_with_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_and_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_service_manager, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_gone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
