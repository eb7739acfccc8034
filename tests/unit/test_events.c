// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests of event formatting: contract.md §6 keys, in order, exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compile.h"
#include "events.h"
#include "levels.h"

#define SHA "0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a"

static const char *const POLICY =
	"embargo: 1\nid: ncsc-2017-ru-av\nscheme: uk-gsc\nenforce: SECRET\n"
	"vendors:\n"
	"  - name: Kaspersky Lab\n"
	"    sha256: [" SHA "]\n"
	"    connect:\n"
	"      - cidr: 203.0.113.0/24\n";

struct fixture {
	struct emb_policy_set set;
	struct emb_host host;
	struct emb_compiled c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct emb_diag d = { 0 };

	assert_non_null(f);
	f->set.policies = calloc(1, sizeof(*f->set.policies));
	assert_non_null(f->set.policies);
	assert_int_equal(emb_policy_parse_buf("p.yaml", POLICY, strlen(POLICY), f->set.policies, &d), 0);
	f->set.n = 1;
	f->host.scheme = (char *)"uk-gsc";
	f->host.level = emb_level_find(emb_scheme_find("uk-gsc"), "SECRET");
	assert_int_equal(emb_compile(&f->set, &f->host, &f->c, &d), 0);
	emb_diag_free(&d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	emb_compiled_free(&f->c);
	emb_policy_set_free(&f->set);
	free(f);
	return 0;
}

/* The line after its "time" value: {"time":"...",REST → REST. */
static const char *after_time(const struct emb_json *j)
{
	const char *p = j->buf;

	assert_memory_equal(p, "{\"time\":\"", 9);
	p = strchr(p + 9, '"');
	assert_non_null(p);
	assert_int_equal(p[1], ',');
	return p + 2;
}

static void test_exec_deny(void **state)
{
	struct fixture *f = *state;
	struct emb_event e = { .type = EMB_EV_EXEC, .action = EMB_ACT_DENY,
			       .method = EMB_METHOD_SIGKILL, .pid = 4242, .ppid = 1, .uid = 0 };
	struct emb_json j;

	e.rule_id = emb_compiled_hash_verdict(&f->c, f->c.hashes[0].sha256)->rule_id;
	strcpy(e.comm, "bash");
	strcpy(e.exec.path, "/opt/kaspersky/kesl/bin/kesl");
	assert_int_equal(emb_event_format(&j, &e, &f->c, NULL, "SECRET"), 0);
	assert_string_equal(after_time(&j),
			    "\"event\":\"exec\",\"action\":\"deny\",\"method\":\"sigkill\","
			    "\"policy\":\"ncsc-2017-ru-av\",\"vendor\":\"Kaspersky Lab\","
			    "\"sha256\":\"" SHA "\",\"path\":\"/opt/kaspersky/kesl/bin/kesl\","
			    "\"pid\":4242,\"ppid\":1,\"uid\":0,\"comm\":\"bash\",\"host_level\":\"SECRET\"}");
	emb_json_free(&j);
}

static void test_connect_audit(void **state)
{
	struct fixture *f = *state;
	struct emb_event e = { .type = EMB_EV_CONNECT, .action = EMB_ACT_AUDIT, .pid = 4300,
			       .uid = 1000 };
	struct emb_json j;
	uint8_t a[4] = { 203, 0, 113, 5 };

	e.rule_id = emb_compiled_net_verdict(&f->c, AF_INET, a, 443, EMB_PROTO_TCP).rule_id;
	strcpy(e.comm, "curl");
	e.net.family = AF_INET;
	e.net.proto = EMB_PROTO_TCP;
	e.net.dport = 443;
	memcpy(e.net.daddr, a, 4);
	assert_int_equal(emb_event_format(&j, &e, &f->c, "/usr/bin/curl", "OFFICIAL"), 0);
	assert_string_equal(after_time(&j),
			    "\"event\":\"connect\",\"action\":\"audit\",\"policy\":\"ncsc-2017-ru-av\","
			    "\"vendor\":\"Kaspersky Lab\",\"daddr\":\"203.0.113.5\",\"dport\":443,"
			    "\"proto\":\"tcp\",\"pid\":4300,\"uid\":1000,\"comm\":\"curl\","
			    "\"exe\":\"/usr/bin/curl\",\"host_level\":\"OFFICIAL\"}");
	emb_json_free(&j);
}

/* A dropped egress packet: the wire's protocol, no port for ICMP, the socket type. */
static void test_packet_drop(void **state)
{
	struct fixture *f = *state;
	struct emb_event e = { .type = EMB_EV_PACKET, .action = EMB_ACT_DENY,
			       .method = EMB_METHOD_DROP, .pid = 77, .uid = 65534 };
	struct emb_json j;
	uint8_t a[4] = { 203, 0, 113, 5 };

	e.rule_id = emb_compiled_net_verdict(&f->c, AF_INET, a, 0, EMB_PROTO_ANY).rule_id;
	strcpy(e.comm, "ping");
	e.net.family = AF_INET;
	e.net.ipproto = 1;
	e.net.socktype = SOCK_DGRAM;
	memcpy(e.net.daddr, a, 4);
	assert_int_equal(emb_event_format(&j, &e, &f->c, "/usr/bin/ping", "SECRET"), 0);
	assert_string_equal(after_time(&j),
			    "\"event\":\"packet\",\"action\":\"deny\",\"method\":\"drop\","
			    "\"policy\":\"ncsc-2017-ru-av\",\"vendor\":\"Kaspersky Lab\","
			    "\"daddr\":\"203.0.113.5\",\"proto\":\"icmp\",\"socket\":\"dgram\","
			    "\"pid\":77,\"uid\":65534,\"comm\":\"ping\",\"exe\":\"/usr/bin/ping\","
			    "\"host_level\":\"SECRET\"}");
	emb_json_free(&j);
	/* SCTP over a raw socket: a port, and an unnamed protocol by number. */
	e.net.ipproto = 132;
	e.net.dport = 443;
	e.net.socktype = SOCK_RAW;
	assert_int_equal(emb_event_format(&j, &e, &f->c, NULL, "SECRET"), 0);
	assert_non_null(strstr(after_time(&j), "\"dport\":443,\"proto\":\"sctp\",\"socket\":\"raw\""));
	emb_json_free(&j);
	e.net.ipproto = 200;
	e.net.socktype = 0;
	assert_int_equal(emb_event_format(&j, &e, &f->c, NULL, "SECRET"), 0);
	assert_non_null(strstr(after_time(&j), "\"proto\":\"ip-200\",\"pid\""));
	emb_json_free(&j);
}

static void test_unknown_rule_refused(void **state)
{
	struct fixture *f = *state;
	struct emb_event e = { .type = EMB_EV_EXEC, .action = EMB_ACT_DENY, .rule_id = 999 };
	struct emb_json j = { 0 };

	assert_int_equal(emb_event_format(&j, &e, &f->c, NULL, "SECRET"), -1);
	emb_json_free(&j);
}

/* exe names from the kernel (base name first) and from /proc. */
static void test_exe_resolution(void **state)
{
	struct emb_event e = { .type = EMB_EV_CONNECT };
	char buf[512];

	(void)state;
	strcpy(e.net.exe[0], "curl");
	strcpy(e.net.exe[1], "bin");
	strcpy(e.net.exe[2], "/");
	emb_event_exe(&e, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "/bin/curl");
	/* /proc knows the mount prefix the dentry chain lacks. */
	emb_event_exe(&e, "/usr/bin/curl", buf, sizeof(buf));
	assert_string_equal(buf, "/usr/bin/curl");
	/* A /proc path of another program (pid reused) is not trusted. */
	emb_event_exe(&e, "/usr/bin/wget", buf, sizeof(buf));
	assert_string_equal(buf, "/bin/curl");
	/* A chain cut before the root is marked. */
	strcpy(e.net.exe[2], "usr");
	for (int i = 3; i < EMB_EXE_DEPTH; i++)
		strcpy(e.net.exe[i], "d");
	emb_event_exe(&e, NULL, buf, sizeof(buf));
	assert_string_equal(buf, ".../d/d/d/d/d/usr/bin/curl");
	memset(&e, 0, sizeof(e));
	emb_event_exe(&e, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_policy_lines(void **state)
{
	struct fixture *f = *state;
	struct emb_diag d = { 0 };
	struct emb_json j;

	assert_int_equal(emb_event_policy_loaded(&j, &f->c, "SECRET"), 0);
	assert_string_equal(after_time(&j),
			    "\"event\":\"policy\",\"action\":\"loaded\",\"policies\":[\"ncsc-2017-ru-av\"],"
			    "\"modes\":[\"enforce\"],\"sha256\":1,\"prefixes\":1,\"host_level\":\"SECRET\"}");
	emb_json_free(&j);
	emb_diag_add(&d, "p.yaml:4:10: unknown level 'X' for scheme uk-gsc");
	assert_int_equal(emb_event_policy_refused(&j, &d, "SECRET"), 0);
	assert_string_equal(after_time(&j),
			    "\"event\":\"policy\",\"action\":\"refused\","
			    "\"errors\":[\"p.yaml:4:10: unknown level 'X' for scheme uk-gsc\"],"
			    "\"host_level\":\"SECRET\"}");
	emb_json_free(&j);
	emb_diag_free(&d);
	assert_int_equal(emb_event_lost(&j, 17, "SECRET"), 0);
	assert_string_equal(after_time(&j), "\"event\":\"lost\",\"count\":17,\"host_level\":\"SECRET\"}");
	emb_json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec_deny, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packet_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_rule_refused, setup, teardown),
		cmocka_unit_test(test_exe_resolution),
		cmocka_unit_test_setup_teardown(test_policy_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
