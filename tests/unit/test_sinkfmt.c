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

#include "metrics.h"
#include "sinkfmt.h"

static const char *deny_line =
	"{\"time\":\"2026-11-23T09:08:43.123456Z\",\"event\":\"exec\",\"action\":\"deny\","
	"\"method\":\"eperm\",\"policy\":\"p1\",\"vendor\":\"Test Vendor\",\"path\":\"/a b\","
	"\"pid\":42,\"host_level\":\"SECRET\"}";

static void test_journal_fields(void **state)
{
	struct emb_fields f;

	(void)state;
	assert_int_equal(emb_journal_fields(deny_line, &f), 0);
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
	assert_int_equal(emb_journal_fields("{\"event\":\"policy\",\"action\":\"loaded\","
					    "\"policies\":[\"a\",\"b\"]}", &f), 0);
	assert_string_equal(f.v[1], "PRIORITY=5");
	assert_string_equal(f.v[5], "EMBARGO_POLICIES=a,b");
	emb_fields_free(&f);
	assert_int_equal(emb_journal_fields("not json", &f), -1);
	assert_int_equal(f.n, 0);
}

static void test_priorities(void **state)
{
	(void)state;
	assert_int_equal(emb_line_priority(deny_line), LOG_WARNING);
	assert_int_equal(emb_line_priority("{\"event\":\"exec\",\"action\":\"audit\"}"), LOG_NOTICE);
	assert_int_equal(emb_line_priority("{\"event\":\"lost\",\"count\":3}"), LOG_WARNING);
	assert_int_equal(emb_line_priority("{\"event\":\"policy\",\"action\":\"refused\"}"), LOG_ERR);
}

static void test_audit_text(void **state)
{
	int success = -1;
	char *t = emb_audit_text(deny_line, &success);

	(void)state;
	assert_non_null(t);
	assert_int_equal(success, 0);
	/* strings with a space are hex-encoded, as ausearch decodes them */
	assert_string_equal(t, "op=embargo event=\"exec\" action=\"deny\" method=\"eperm\" "
			       "policy=\"p1\" vendor=546573742056656E646F72 path=2F612062 pid=42 "
			       "host_level=\"SECRET\"");
	free(t);
	t = emb_audit_text("{\"event\":\"exec\",\"action\":\"audit\"}", &success);
	assert_int_equal(success, 1);
	free(t);
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
		cmocka_unit_test(test_metrics_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
