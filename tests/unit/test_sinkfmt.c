// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for sinkfmt.c and metrics.c: exact journal fields, audit text,
 * priorities and Prometheus text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "jsonw.h"
#include "metrics.h"
#include "record.h"
#include "sinkfmt.h"

static const char *deny_line =
	"{\"time\":\"2026-11-23T09:08:43.123456Z\",\"event\":\"exec\",\"action\":\"deny\","
	"\"method\":\"eperm\",\"policy\":\"p1\",\"vendor\":\"Test Vendor\",\"path\":\"/a b\","
	"\"pid\":42,\"host_level\":\"SECRET\"}";

/* The sinks take records; these read a line back first, as `embargo log`
 * does. test_built_record checks the agent's path gives the same. */
static int journal_fields(const char *line, struct emb_fields *f)
{
	struct emb_record r;
	int err;

	memset(f, 0, sizeof(*f));
	if (emb_record_from_json(&r, line, strlen(line)))
		return -1;
	err = emb_journal_fields(&r, f);
	emb_record_free(&r);
	return err;
}

static int line_priority(const char *line)
{
	struct emb_record r;
	int prio;

	assert_int_equal(emb_record_from_json(&r, line, strlen(line)), 0);
	prio = emb_record_priority(&r);
	emb_record_free(&r);
	return prio;
}

static char *audit_text(const char *line, int *success)
{
	struct emb_record r;
	char *t;

	assert_int_equal(emb_record_from_json(&r, line, strlen(line)), 0);
	t = emb_audit_text(&r, success);
	emb_record_free(&r);
	return t;
}

static void test_journal_fields(void **state)
{
	struct emb_fields f;

	(void)state;
	assert_int_equal(journal_fields(deny_line, &f), 0);
	assert_int_equal(f.n, 3 + 9);
	assert_true(strncmp(f.v[0], "MESSAGE=2026-11-23 09:08:43 DENY", 32) == 0);
	assert_string_equal(f.v[1], "PRIORITY=4");
	assert_string_equal(f.v[2], "SYSLOG_IDENTIFIER=embargo");
	assert_string_equal(f.v[3], "EMBARGO_TIME=2026-11-23T09:08:43.123456Z");
	assert_string_equal(f.v[4], "EMBARGO_EVENT=exec");
	assert_string_equal(f.v[5], "EMBARGO_ACTION=deny");
	assert_string_equal(f.v[6], "EMBARGO_METHOD=eperm");
	assert_string_equal(f.v[7], "EMBARGO_POLICY=p1");
	assert_string_equal(f.v[8], "EMBARGO_VENDOR=Test Vendor");
	assert_string_equal(f.v[9], "EMBARGO_PATH=/a b");
	assert_string_equal(f.v[10], "EMBARGO_PID=42");
	assert_string_equal(f.v[11], "EMBARGO_HOST_LEVEL=SECRET");
	emb_fields_free(&f);
}

static void test_journal_arrays_and_errors(void **state)
{
	struct emb_fields f;

	(void)state;
	assert_int_equal(journal_fields("{\"event\":\"policy\",\"action\":\"loaded\","
					"\"policies\":[\"a\",\"b\"]}", &f), 0);
	assert_string_equal(f.v[1], "PRIORITY=5");
	assert_string_equal(f.v[5], "EMBARGO_POLICIES=a,b");
	emb_fields_free(&f);
	assert_int_equal(journal_fields("not json", &f), -1);
	assert_int_equal(f.n, 0);
}

static void test_priorities(void **state)
{
	(void)state;
	assert_int_equal(line_priority(deny_line), LOG_WARNING);
	assert_int_equal(line_priority("{\"event\":\"exec\",\"action\":\"audit\"}"), LOG_NOTICE);
	assert_int_equal(line_priority("{\"event\":\"lost\",\"count\":3}"), LOG_WARNING);
	assert_int_equal(line_priority("{\"event\":\"policy\",\"action\":\"refused\"}"), LOG_ERR);
}

static void test_audit_text(void **state)
{
	int success = -1;
	char *t = audit_text(deny_line, &success);

	(void)state;
	assert_non_null(t);
	assert_int_equal(success, 0);
	/* strings with a space are hex-encoded, as ausearch decodes them */
	assert_string_equal(t, "op=embargo event=\"exec\" action=\"deny\" method=\"eperm\" "
			       "policy=\"p1\" vendor=546573742056656E646F72 path=2F612062 pid=42 "
			       "host_level=\"SECRET\"");
	free(t);
	t = audit_text("{\"event\":\"exec\",\"action\":\"audit\"}", &success);
	assert_int_equal(success, 1);
	free(t);
}

/* The record jsonw builds (the agent's) is the one read back from its line:
 * same JSON bytes, same journal fields, same audit text. */
static void test_built_record(void **state)
{
	struct emb_fields a, b;
	struct emb_json j;
	char *ta, *tb;
	int sa, sb;

	(void)state;
	emb_json_begin(&j);
	emb_json_str(&j, "time", "2026-11-23T09:08:43.123456Z");
	emb_json_str(&j, "event", "exec");
	emb_json_str(&j, "action", "deny");
	emb_json_str(&j, "method", "eperm");
	emb_json_str(&j, "policy", "p1");
	emb_json_str(&j, "vendor", "Test Vendor");
	emb_json_str(&j, "path", "/a b");
	emb_json_u64(&j, "pid", 42);
	emb_json_str(&j, "host_level", "SECRET");
	assert_int_equal(emb_json_end(&j), 0);
	assert_string_equal(j.buf, deny_line);
	assert_int_equal(emb_journal_fields(&j.rec, &a), 0);
	assert_int_equal(journal_fields(deny_line, &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i], b.v[i]);
	ta = emb_audit_text(&j.rec, &sa);
	tb = audit_text(deny_line, &sb);
	assert_string_equal(ta, tb);
	assert_int_equal(sa, sb);
	assert_int_equal(emb_record_priority(&j.rec), line_priority(deny_line));
	free(ta);
	free(tb);
	emb_fields_free(&a);
	emb_fields_free(&b);
	emb_json_free(&j);
}

/* Bad UTF-8, a control character, null and arrays: the record holds what a
 * parser reads back from the line. */
static void test_built_record_strings(void **state)
{
	const char *const v[] = { "x\ty", NULL };
	struct emb_fields a, b;
	struct emb_json j;

	(void)state;
	emb_json_begin(&j);
	emb_json_str(&j, "event", "exec");
	emb_json_str(&j, "path", "/\xff\x01a\"b");
	emb_json_str(&j, "none", NULL);
	emb_json_strv(&j, "list", v, 2);
	emb_json_i64(&j, "neg", -3);
	emb_json_bool(&j, "ok", 1);
	assert_int_equal(emb_json_end(&j), 0);
	assert_int_equal(emb_journal_fields(&j.rec, &a), 0);
	assert_int_equal(journal_fields(j.buf, &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i], b.v[i]);
	emb_fields_free(&a);
	emb_fields_free(&b);
	emb_json_free(&j);
}

static void test_metrics_text(void **state)
{
	struct emb_metric_policy pols[] = { { "p\"1", "enforce" } };
	struct emb_metrics m = { .stats = { [EMB_STAT_DENIED] = 7, [EMB_STAT_AUDITED] = 1,
					   [EMB_STAT_LOST] = 2, [EMB_STAT_HASHREQ_LOST] = 5 },
				 .suppressed = 3,
				 .backend = "lsm", .host_level = "SECRET", .generation = 4,
				 .policies = pols, .n_policies = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(emb_metrics_count(&m, "p\"1", "deny"), 0);
	assert_int_equal(emb_metrics_count(&m, "p\"1", "deny"), 0);
	assert_int_equal(emb_metrics_print(f, &m), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\nembargo_denied_total 7\n"));
	assert_non_null(strstr(buf, "\nembargo_audited_total 1\n"));
	assert_non_null(strstr(buf, "\nembargo_events_lost_total 2\n"));
	assert_non_null(strstr(buf, "\nembargo_log_suppressed_total 3\n"));
	assert_non_null(strstr(buf, "\nembargo_hash_requests_lost_total 5\n"));
	assert_non_null(strstr(buf, "\nembargo_kmod_record_lost_total 0\n"));
	assert_non_null(strstr(buf, "\nembargo_policy_events_total{policy=\"p\\\"1\",action=\"deny\"} 2\n"));
	assert_non_null(strstr(buf, "\nembargo_policy_info{id=\"p\\\"1\",mode=\"enforce\"} 1\n"));
	assert_non_null(strstr(buf, "\nembargo_info{backend=\"lsm\",host_level=\"SECRET\"} 1\n"));
	assert_non_null(strstr(buf, "# TYPE embargo_denied_total counter\n"));
	free(buf);
	emb_metrics_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_fields),
		cmocka_unit_test(test_journal_arrays_and_errors),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_audit_text),
		cmocka_unit_test(test_built_record),
		cmocka_unit_test(test_built_record_strings),
		cmocka_unit_test(test_metrics_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
