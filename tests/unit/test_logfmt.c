// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for logfmt.c: the exact human line for every event kind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logfmt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define T "\"time\":\"2026-11-23T09:08:43.123456Z\","
#define SHA "0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a"
#define SEC ",\"host_level\":\"SECRET\"}"

struct fmt_case {
	const char *name;
	const char *in;
	const char *want;
};

static const struct fmt_case events[] = {
	{ "exec deny (contract example)",
	  "{" T "\"event\":\"exec\",\"action\":\"deny\",\"method\":\"eperm\",\"policy\":\"ncsc-2017-ru-av\","
	  "\"vendor\":\"Kaspersky Lab\",\"sha256\":\"" SHA "\",\"path\":\"/opt/kaspersky/kesl/bin/kesl\","
	  "\"pid\":4242,\"ppid\":1,\"uid\":0,\"comm\":\"bash\"" SEC,
	  "2026-11-23 09:08:43 DENY    exec       ncsc-2017-ru-av  Kaspersky Lab  /opt/kaspersky/kesl/bin/kesl"
	  "  sha256=0f343b0931126a20\xe2\x80\xa6  method=eperm pid=4242 ppid=1 uid=0 comm=bash" },
	{ "exec killed, classic backend",
	  "{" T "\"event\":\"exec\",\"action\":\"deny\",\"method\":\"sigkill\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"sha256\":\"" SHA "\",\"path\":\"/x\",\"pid\":7,\"ppid\":6,\"uid\":1000,\"comm\":\"sh\"" SEC,
	  "2026-11-23 09:08:43 DENY    exec       p  V  /x  sha256=0f343b0931126a20\xe2\x80\xa6  method=sigkill pid=7 ppid=6 uid=1000 comm=sh" },
	{ "exec audit: no method",
	  "{" T "\"event\":\"exec\",\"action\":\"audit\",\"policy\":\"p\",\"vendor\":\"V\",\"sha256\":\"" SHA "\","
	  "\"path\":\"/x\",\"pid\":7,\"ppid\":6,\"uid\":0,\"comm\":\"sh\",\"host_level\":\"OFFICIAL\"}",
	  "2026-11-23 09:08:43 AUDIT   exec       p  V  /x  sha256=0f343b0931126a20\xe2\x80\xa6  pid=7 ppid=6 uid=0 comm=sh" },
	{ "exec by path rule: no sha256 column",
	  "{" T "\"event\":\"exec\",\"action\":\"deny\",\"method\":\"eperm\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"path\":\"/opt/v/bin\",\"pid\":7,\"ppid\":6,\"uid\":0,\"comm\":\"sh\"" SEC,
	  "2026-11-23 09:08:43 DENY    exec       p  V  /opt/v/bin  method=eperm pid=7 ppid=6 uid=0 comm=sh" },
	{ "mmap",
	  "{" T "\"event\":\"mmap\",\"action\":\"deny\",\"method\":\"eperm\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"sha256\":\"" SHA "\",\"path\":\"/lib/libv.so\",\"pid\":9,\"ppid\":1,\"uid\":0,\"comm\":\"ld.so\"" SEC,
	  "2026-11-23 09:08:43 DENY    mmap       p  V  /lib/libv.so  sha256=0f343b0931126a20\xe2\x80\xa6  method=eperm pid=9 ppid=1 uid=0 comm=ld.so" },
	{ "unverified deny: no policy, no vendor",
	  "{" T "\"event\":\"unverified\",\"action\":\"deny\",\"method\":\"eperm\",\"path\":\"/tmp/new\","
	  "\"pid\":9,\"ppid\":1,\"uid\":0,\"comm\":\"sh\"" SEC,
	  "2026-11-23 09:08:43 DENY    unverified -  -  /tmp/new  method=eperm pid=9 ppid=1 uid=0 comm=sh" },
	{ "unverified kill after hashing",
	  "{" T "\"event\":\"unverified\",\"action\":\"kill\",\"method\":\"sigkill\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"sha256\":\"" SHA "\",\"path\":\"/tmp/new\",\"pid\":9,\"ppid\":1,\"uid\":0,\"comm\":\"new\"" SEC,
	  "2026-11-23 09:08:43 KILL    unverified p  V  /tmp/new  sha256=0f343b0931126a20\xe2\x80\xa6  method=sigkill pid=9 ppid=1 uid=0 comm=new" },
	{ "connect IPv4 (contract example)",
	  "{" T "\"event\":\"connect\",\"action\":\"deny\",\"method\":\"eperm\",\"policy\":\"ncsc-2017-ru-av\","
	  "\"vendor\":\"Kaspersky Lab\",\"daddr\":\"203.0.113.5\",\"dport\":443,\"proto\":\"tcp\",\"pid\":4300,"
	  "\"uid\":1000,\"comm\":\"curl\",\"exe\":\"/usr/bin/curl\"" SEC,
	  "2026-11-23 09:08:43 DENY    connect    ncsc-2017-ru-av  Kaspersky Lab  203.0.113.5:443/tcp"
	  "  method=eperm pid=4300 uid=1000 comm=curl exe=/usr/bin/curl" },
	{ "connect IPv6 in brackets",
	  "{" T "\"event\":\"connect\",\"action\":\"audit\",\"policy\":\"p\",\"vendor\":\"V\",\"daddr\":\"2001:db8:10::5\","
	  "\"dport\":8000,\"proto\":\"tcp\",\"pid\":1,\"uid\":0,\"comm\":\"c\"" SEC,
	  "2026-11-23 09:08:43 AUDIT   connect    p  V  [2001:db8:10::5]:8000/tcp  pid=1 uid=0 comm=c" },
	{ "sendmsg UDP",
	  "{" T "\"event\":\"sendmsg\",\"action\":\"deny\",\"method\":\"eperm\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"daddr\":\"127.0.0.4\",\"dport\":5353,\"proto\":\"udp\",\"pid\":1,\"uid\":0,\"comm\":\"c\",\"exe\":\"/c\"" SEC,
	  "2026-11-23 09:08:43 DENY    sendmsg    p  V  127.0.0.4:5353/udp  method=eperm pid=1 uid=0 comm=c exe=/c" },
	{ "packet: ICMP has no port; the socket type among the keys",
	  "{" T "\"event\":\"packet\",\"action\":\"deny\",\"method\":\"drop\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"daddr\":\"198.51.100.7\",\"proto\":\"icmp\",\"socket\":\"dgram\",\"pid\":1,\"uid\":65534,\"comm\":\"ping\"" SEC,
	  "2026-11-23 09:08:43 DENY    packet     p  V  198.51.100.7/icmp  method=drop socket=dgram pid=1 uid=65534 comm=ping" },
	{ "dns refusal: the name, the address, why",
	  "{" T "\"event\":\"dns\",\"action\":\"refused\",\"host\":\"vendor.test\",\"daddr\":\"127.0.0.53\","
	  "\"reason\":\"loopback\"" SEC,
	  "2026-11-23 09:08:43 REFUSED dns        vendor.test  127.0.0.53  reason=loopback" },
	{ "contain with an endpoint",
	  "{" T "\"event\":\"contain\",\"action\":\"deny\",\"method\":\"drop\",\"policy\":\"ir-contain-2026-11-23\","
	  "\"daddr\":\"198.51.100.7\",\"dport\":22,\"proto\":\"tcp\",\"direction\":\"in\"" SEC,
	  "2026-11-23 09:08:43 DENY    contain    ir-contain-2026-11-23  198.51.100.7:22/tcp  method=drop direction=in" },
	{ "contain applied",
	  "{" T "\"event\":\"contain\",\"action\":\"loaded\",\"policy\":\"ir-contain-2026-11-23\","
	  "\"allow\":[\"192.0.2.10/32:22,443\"]" SEC,
	  "2026-11-23 09:08:43 LOADED  contain    ir-contain-2026-11-23  allow=192.0.2.10/32:22,443" },
	{ "lost",
	  "{" T "\"event\":\"lost\",\"count\":12" SEC,
	  "2026-11-23 09:08:43 -       lost       count=12" },
	{ "policy loaded, with modes",
	  "{" T "\"event\":\"policy\",\"action\":\"loaded\",\"policies\":[\"ncsc-2017-ru-av\",\"bod-17-01\"],"
	  "\"modes\":[\"enforce\",\"audit\"],\"sha256\":2,\"prefixes\":3" SEC,
	  "2026-11-23 09:08:43 LOADED  policy     ncsc-2017-ru-av (enforce), bod-17-01 (audit)"
	  "  sha256=2 prefixes=3 host_level=SECRET" },
	{ "policy loaded, no modes",
	  "{" T "\"event\":\"policy\",\"action\":\"loaded\",\"policies\":[\"a\"]" SEC,
	  "2026-11-23 09:08:43 LOADED  policy     a  host_level=SECRET" },
	{ "policy loaded, modes that do not pair are shown as they are",
	  "{" T "\"event\":\"policy\",\"action\":\"loaded\",\"policies\":[\"a\",\"b\"],\"modes\":[\"off\"]" SEC,
	  "2026-11-23 09:08:43 LOADED  policy     a, b  modes=off host_level=SECRET" },
	{ "policy loaded, none in force",
	  "{" T "\"event\":\"policy\",\"action\":\"loaded\",\"policies\":[],\"modes\":[],\"host_level\":\"UNMARKED\"}",
	  "2026-11-23 09:08:43 LOADED  policy     (no policies)  host_level=UNMARKED" },
	{ "policy refused",
	  "{" T "\"event\":\"policy\",\"action\":\"refused\",\"errors\":[\"/etc/embargo/policies.d/a.yaml:3:1: "
	  "unknown key 'foo'\",\"b.yaml:1:10: bad\"]" SEC,
	  "2026-11-23 09:08:43 REFUSED policy     2 errors: /etc/embargo/policies.d/a.yaml:3:1: unknown key 'foo';"
	  " b.yaml:1:10: bad  host_level=SECRET" },
	{ "policy refused, one error",
	  "{" T "\"event\":\"policy\",\"action\":\"refused\",\"errors\":[\"a.yaml:1:1: x\"]" SEC,
	  "2026-11-23 09:08:43 REFUSED policy     1 error: a.yaml:1:1: x  host_level=SECRET" },
	{ "an event kind this version does not know: every field as key=value",
	  "{" T "\"event\":\"unload\",\"action\":\"stopped\",\"pin_dir\":\"/sys/fs/bpf/embargo\"" SEC,
	  "2026-11-23 09:08:43 STOPPED unload     pin_dir=/sys/fs/bpf/embargo" },
	{ "a field this version does not know is shown, in order",
	  "{" T "\"event\":\"exec\",\"action\":\"deny\",\"method\":\"eperm\",\"policy\":\"p\",\"vendor\":\"V\","
	  "\"path\":\"/x\",\"suppressed\":41,\"pid\":7,\"cgroup\":\"/a b\"" SEC,
	  "2026-11-23 09:08:43 DENY    exec       p  V  /x  method=eperm pid=7 suppressed=41 cgroup=\"/a b\"" },
};

static const struct fmt_case values[] = {
	{ "no event body", "{" T "\"event\":\"x\"}", "2026-11-23 09:08:43 -       x" },
	{ "no time, no action", "{\"event\":\"lost\",\"count\":1}",
	  "-                   -       lost       count=1" },
	{ "time not in the log's form is shown as it is", "{\"time\":\"yesterday\",\"event\":\"x\"}",
	  "yesterday           -       x" },
	{ "time as a number", "{\"time\":5,\"event\":\"x\"}", "-                   -       x          time=5" },
	{ "action that is not a word", "{" T "\"event\":\"x\",\"action\":\"a b\"}",
	  "2026-11-23 09:08:43 a b     x" },
	{ "long event name", "{" T "\"event\":\"averyverylongname\",\"k\":1}",
	  "2026-11-23 09:08:43 -       averyverylongname k=1" },
	{ "literals, reals, objects, nested arrays",
	  "{" T "\"event\":\"x\",\"b\":true,\"n\":null,\"r\":1.5,\"o\":{\"a\":[1]},\"v\":[\"a\",2,[3]],\"e\":\"\"}",
	  "2026-11-23 09:08:43 -       x          b=true n=null r=1.5 o={\"a\":[1]} v=a,2,3 e=\"\"" },
	{ "quotes in a quoted value", "{" T "\"event\":\"x\",\"comm\":\"a \\\"b\\\"\"}",
	  "2026-11-23 09:08:43 -       x          comm=\"a \\\"b\\\"\"" },
	{ "sha256 that is not a digest", "{" T "\"event\":\"exec\",\"sha256\":\"0F34\"}",
	  "2026-11-23 09:08:43 -       exec       -  -  -  sha256=0F34" },
	{ "port without address", "{" T "\"event\":\"connect\",\"dport\":1}",
	  "2026-11-23 09:08:43 -       connect    -  -  -  dport=1" },
	{ "address without port or proto", "{" T "\"event\":\"connect\",\"daddr\":\"::1\"}",
	  "2026-11-23 09:08:43 -       connect    -  -  [::1]" },
	{ "port that is not a number", "{" T "\"event\":\"connect\",\"daddr\":\"1.2.3.4\",\"dport\":\"x\"}",
	  "2026-11-23 09:08:43 -       connect    -  -  1.2.3.4  dport=x" },
	{ "non-string column value", "{" T "\"event\":\"exec\",\"policy\":3}",
	  "2026-11-23 09:08:43 -       exec       -  -  -  policy=3" },
	{ "host_level hidden on events, shown on policy lines",
	  "{" T "\"event\":\"connect\",\"host_level\":\"SECRET\"}",
	  "2026-11-23 09:08:43 -       connect    -  -  -" },
	{ "surrounding whitespace", "  {" T "\"event\":\"x\"}\r ", "2026-11-23 09:08:43 -       x" },
};

static const struct fmt_case escapes[] = {
	{ "C0 controls, DEL and backslash in a column",
	  "{" T "\"event\":\"exec\",\"path\":\"/a\\nb\\tc\\u001b[31md\\u007f\\\\e\"}",
	  "2026-11-23 09:08:43 -       exec       -  -  /a\\nb\\tc\\x1b[31md\\x7f\\\\e" },
	{ "C1 control (CSI) in a value", "{" T "\"event\":\"x\",\"comm\":\"a\\u009bb\"}",
	  "2026-11-23 09:08:43 -       x          comm=a\\u009bb" },
	{ "non-ASCII text is kept", "{" T "\"event\":\"x\",\"vendor\":\"\xc3\x89t\xc3\xa9 \xe2\x82\xac\"}",
	  "2026-11-23 09:08:43 -       x          vendor=\"\xc3\x89t\xc3\xa9 \xe2\x82\xac\"" },
	{ "escapes in an event name", "{" T "\"event\":\"a\\nb\"}", "2026-11-23 09:08:43 -       a\\nb" },
};

static const struct fmt_case malformed[] = {
	{ "not JSON", "not json at all", "[malformed] not json at all" },
	{ "empty line", "", "[malformed] " },
	{ "cut short", "{\"time\":\"2026-11-23T09:08:43Z\",\"event\":\"ex",
	  "[malformed] {\"time\":\"2026-11-23T09:08:43Z\",\"event\":\"ex" },
	{ "trailing data", "{\"event\":\"x\"} {}", "[malformed] {\"event\":\"x\"} {}" },
	{ "an array", "[1,2]", "[malformed] [1,2]" },
	{ "a bare string", "\"x\"", "[malformed] \"x\"" },
	{ "no event key", "{\"time\":\"t\"}", "[malformed] {\"time\":\"t\"}" },
	{ "event not a string", "{\"event\":1}", "[malformed] {\"event\":1}" },
	{ "duplicate key", "{\"event\":\"x\",\"event\":\"y\"}", "[malformed] {\"event\":\"x\",\"event\":\"y\"}" },
	{ "controls and bad UTF-8 escaped", "{\"event\x1b\xff\xc3(\xc2\x9b",
	  "[malformed] {\"event\\x1b\\xff\\xc3(\\u009b" },
	{ "overlong and surrogate UTF-8 escaped", "\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82",
	  "[malformed] \\xc0\\xaf \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 \\xe2\\x82" },
};

static void run_cases(const struct fmt_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = emb_logfmt_human(c[i].in, strlen(c[i].in));

		assert_non_null(got);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("%s:\n  got:  %s\n  want: %s", c[i].name, got, c[i].want);
		free(got);
	}
}

static void test_events(void **state)
{
	(void)state;
	run_cases(events, ARRAY_SIZE(events));
}

static void test_values(void **state)
{
	(void)state;
	run_cases(values, ARRAY_SIZE(values));
}

static void test_escapes(void **state)
{
	(void)state;
	run_cases(escapes, ARRAY_SIZE(escapes));
}

static void test_malformed(void **state)
{
	(void)state;
	run_cases(malformed, ARRAY_SIZE(malformed));
}

/* A NUL inside the line is not the end of it. */
static void test_embedded_nul(void **state)
{
	static const char line[] = "{\"event\":\"x\"}\0tail";
	char *got = emb_logfmt_human(line, sizeof(line) - 1);

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, "[malformed] {\"event\":\"x\"}\\x00tail");
	free(got);
}

/* Only len bytes are read: the line need not be NUL-terminated. */
static void test_not_terminated(void **state)
{
	static const char buf[] = "{\"event\":\"lost\",\"count\":3}GARBAGE";
	char *got = emb_logfmt_human(buf, strlen("{\"event\":\"lost\",\"count\":3}"));

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, "-                   -       lost       count=3");
	free(got);
}

static void test_escape_api(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	(void)state;
	assert_non_null(f);
	assert_int_equal(emb_logfmt_escape(f, "a\nb\"\x80", 5), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "a\\nb\"\\x80");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_not_terminated),
		cmocka_unit_test(test_escape_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
