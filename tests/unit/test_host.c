// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for host.c: host.yaml, defaults and --classification. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/embargo-test-host-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to tmpdir/host.yaml; returns the path (static). */
static const char *host_file(const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/host.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *missing_path(void)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/absent.yaml", tmpdir);
	return path;
}

static void expect_defaults(const struct emb_host *h)
{
	assert_int_equal(h->unverified, EMB_UNVERIFIED_ALLOW);
	assert_int_equal(h->unverified_down_allow, 0); /* hold */
	assert_int_equal(h->n_scan_roots, 1);
	assert_string_equal(h->scan_roots[0], "/");
	assert_int_equal(h->n_exclude, 4);
	assert_string_equal(h->exclude[0], "/proc");
	assert_string_equal(h->exclude[1], "/sys");
	assert_string_equal(h->exclude[2], "/dev");
	assert_string_equal(h->exclude[3], "/run");
}

static void expect_unmarked(const char *path, const char *default_path)
{
	struct emb_diag d = { 0 };
	struct emb_host h;

	assert_int_equal(emb_host_load(&h, path, default_path, NULL, &d), 0);
	assert_int_equal(d.n, 0);
	assert_null(h.scheme);
	assert_int_equal(h.level, EMB_LEVEL_UNMARKED);
	expect_defaults(&h);
	emb_host_free(&h);
}

static void test_unmarked(void **state)
{
	(void)state;
	expect_unmarked(NULL, missing_path()); /* no host file at the default path */
	expect_unmarked(NULL, NULL);
	expect_unmarked(host_file(""), NULL); /* empty: every key defaults */
	expect_unmarked(NULL, host_file("# only a comment\n"));
	expect_unmarked(host_file("scheme: us\n"), NULL); /* a scheme but no level */
	expect_unmarked(host_file("unverified: allow\n"), NULL);
}

static void test_explicit_missing(void **state)
{
	struct emb_diag d = { 0 };
	struct emb_host h;
	char want[256];

	(void)state;
	assert_int_equal(emb_host_load(&h, missing_path(), "/etc/embargo/host.yaml", NULL, &d), -1);
	assert_int_equal(d.n, 1);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", missing_path());
	assert_string_equal(d.msgs[0], want);
	assert_null(h.scheme);
	assert_null(h.scan_roots);
	emb_diag_free(&d);
}

static void test_full_host(void **state)
{
	static const char yaml[] = "scheme: uk-gsc\n"
				   "classification: SECRET\n"
				   "unverified: deny\n"
				   "unverified_when_down: allow\n"
				   "scan:\n"
				   "  roots: [/opt, /usr]\n"
				   "  exclude: [/usr/share]\n";
	struct emb_diag d = { 0 };
	struct emb_host h;

	(void)state;
	assert_int_equal(emb_host_load(&h, host_file(yaml), NULL, NULL, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(h.scheme, "uk-gsc");
	assert_int_equal(h.level, 1);
	assert_int_equal(h.unverified, EMB_UNVERIFIED_DENY);
	assert_int_equal(h.unverified_down_allow, 1);
	assert_int_equal(h.n_scan_roots, 2);
	assert_string_equal(h.scan_roots[0], "/opt");
	assert_string_equal(h.scan_roots[1], "/usr");
	assert_int_equal(h.n_exclude, 1);
	assert_string_equal(h.exclude[0], "/usr/share");
	emb_host_free(&h);
	assert_null(h.scheme);
	emb_host_free(&h);

	/* the default path is read when no --host is given */
	assert_int_equal(emb_host_load(&h, NULL, host_file("scheme: US\nclassification: top_secret\n"
							   "scan:\n  exclude: []\n"),
				       NULL, &d),
			 0);
	assert_string_equal(h.scheme, "us");
	assert_int_equal(h.level, 3);
	assert_int_equal(h.n_scan_roots, 1);
	assert_int_equal(h.n_exclude, 0);
	emb_host_free(&h);
}

struct search_case {
	const char *level;
	const char *scheme;
	int idx;
};

/* A level without a scheme: the first of uk-gsc, us, nato that has it. */
static const struct search_case search_cases[] = {
	{ "SECRET", "uk-gsc", 1 },
	{ "TOP SECRET", "uk-gsc", 2 },
	{ "official-sensitive", "uk-gsc", 0 },
	{ "CONFIDENTIAL", "us", 1 },
	{ "unclassified", "us", 0 },
	{ "NATO SECRET", "nato", 3 },
	{ "cosmic_top_secret", "nato", 4 },
};

static void expect_level(const char *path, const char *override, const char *scheme, int idx)
{
	struct emb_diag d = { 0 };
	struct emb_host h;

	if (emb_host_load(&h, path, missing_path(), override, &d))
		fail_msg("%s", d.n ? d.msgs[0] : "failed");
	assert_string_equal(h.scheme, scheme);
	assert_int_equal(h.level, idx);
	emb_host_free(&h);
}

static void test_level_search(void **state)
{
	char yaml[128];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(search_cases); i++) {
		const struct search_case *c = &search_cases[i];

		/* --classification with no host file */
		expect_level(NULL, c->level, c->scheme, c->idx);
		/* classification in a host file without a scheme */
		snprintf(yaml, sizeof(yaml), "classification: %s\n", c->level);
		expect_level(host_file(yaml), NULL, c->scheme, c->idx);
	}
}

static void test_override(void **state)
{
	struct emb_diag d = { 0 };
	struct emb_host h;

	(void)state;
	/* resolved in the host's scheme, replacing its classification */
	expect_level(host_file("scheme: us\nclassification: UNCLASSIFIED\n"), "SECRET", "us", 2);
	expect_level(host_file("scheme: us\n"), "confidential", "us", 1);
	expect_level(host_file("scheme: nato\nclassification: NATO SECRET\n"), "nato_restricted", "nato", 1);
	expect_level(host_file("classification: SECRET\nunverified: deny\n"), "OFFICIAL", "uk-gsc", 0);

	/* not a level of the host's scheme */
	assert_int_equal(emb_host_load(&h, host_file("scheme: us\n"), NULL, "OFFICIAL", &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "--classification: unknown level 'OFFICIAL'");
	emb_diag_free(&d);

	/* not a level of any scheme; no prefix matching */
	assert_int_equal(emb_host_load(&h, NULL, missing_path(), "SECRETT", &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "--classification: unknown level 'SECRETT'");
	emb_diag_free(&d);
	assert_int_equal(emb_host_load(&h, NULL, NULL, "TOP", &d), -1);
	assert_string_equal(d.msgs[0], "--classification: unknown level 'TOP'");
	emb_diag_free(&d);
	assert_null(h.scheme);
}

struct policy_scheme_case {
	const char *host;   /* host file text, NULL: none */
	const char *level;  /* --classification */
	const char *schemes[3];
	const char *scheme; /* NULL: an error, want */
	int idx;
	const char *want;
};

/* --classification on a host naming no scheme: the policies' one scheme. */
static const struct policy_scheme_case policy_scheme_cases[] = {
	{ NULL, "SECRET", { "us" }, "us", 2, NULL },
	{ NULL, "SECRET", { "uk-gsc" }, "uk-gsc", 1, NULL },
	{ NULL, "top_secret", { "us" }, "us", 3, NULL },
	{ NULL, "CONFIDENTIAL", { "us" }, "us", 1, NULL },
	{ "unverified: deny\n", "SECRET", { "us" }, "us", 2, NULL },
	/* the host file's scheme wins; a mismatch is then the load error */
	{ "scheme: uk-gsc\n", "SECRET", { "us" }, "uk-gsc", 1, NULL },
	{ NULL, "OFFICIAL", { "us" }, NULL, 0,
	  "--classification: unknown level 'OFFICIAL' for scheme us, the scheme of the policies" },
	{ NULL, "SECRET", { "uk-gsc", "us" }, NULL, 0,
	  "--classification: 'SECRET' is a level of uk-gsc and us: the policies use uk-gsc and us; "
	  "name the scheme in the host file (scheme:)" },
	{ NULL, "SECRET", { "uk-gsc", "nato", "us" }, NULL, 0,
	  "--classification: 'SECRET' is a level of uk-gsc and us: the policies use uk-gsc, nato and us; "
	  "name the scheme in the host file (scheme:)" },
	{ NULL, "NATO SECRET", { "uk-gsc", "us" }, NULL, 0,
	  "--classification: unknown level 'NATO SECRET' for the policies' schemes uk-gsc and us" },
};

static void test_policy_scheme(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(policy_scheme_cases); i++) {
		const struct policy_scheme_case *c = &policy_scheme_cases[i];
		const char *path = c->host ? host_file(c->host) : NULL;
		struct emb_diag d = { 0 };
		struct emb_host h;
		size_t n = 0;
		int rc;

		while (n < ARRAY_SIZE(c->schemes) && c->schemes[n])
			n++;
		rc = emb_host_load_for(&h, path, missing_path(), c->level, c->schemes, n, &d);
		if (!c->scheme) {
			assert_int_equal(rc, -1);
			assert_int_equal(d.n, 1);
			assert_string_equal(d.msgs[0], c->want);
			emb_diag_free(&d);
			continue;
		}
		if (rc)
			fail_msg("case %zu: %s", i, d.n ? d.msgs[0] : "failed");
		assert_string_equal(h.scheme, c->scheme);
		assert_int_equal(h.level, c->idx);
		emb_host_free(&h);
	}
}

struct bad_host {
	const char *yaml;
	const char *want; /* after "DIR/host.yaml:" */
};

static const struct bad_host bad_hosts[] = {
	{ "colour: red\n", "1:1: unknown key 'colour'" },
	{ "- scheme\n", "1:1: host file must be a mapping" },
	{ "scheme: acme\nclassification: PUBLIC\n", "1:9: unknown scheme 'acme'" },
	{ "scheme: [uk-gsc]\n", "1:9: 'scheme' must be a scalar" },
	{ "scheme: uk-gsc\nclassification: CONFIDENTIAL\n", "2:17: unknown level 'CONFIDENTIAL' for scheme uk-gsc" },
	{ "classification: SECRETT\n", "1:17: unknown level 'SECRETT'" },
	{ "classification: [SECRET]\n", "1:17: 'classification' must be a scalar" },
	{ "unverified: maybe\n", "1:13: unknown value 'maybe' for 'unverified' (expected allow or deny)" },
	{ "unverified: DENY\n", "1:13: unknown value 'DENY' for 'unverified' (expected allow or deny)" },
	{ "unverified_when_down: deny\n",
	  "1:23: unknown value 'deny' for 'unverified_when_down' (expected hold or allow)" },
	/* custom schemes */
	{ "schemes: [acme]\n", "1:10: 'schemes' must be a mapping" },
	{ "schemes:\n  Acme: [A]\n", "2:3: invalid scheme name 'Acme': use 1 to 64 characters of [a-z0-9._-]" },
	{ "schemes:\n  'a b': [A]\n", "2:3: invalid scheme name 'a b': use 1 to 64 characters of [a-z0-9._-]" },
	{ "schemes:\n  '': [A]\n", "2:3: invalid scheme name '': use 1 to 64 characters of [a-z0-9._-]" },
	{ "schemes:\n  [a]: [A]\n", "2:3: mapping keys must be scalars" },
	{ "schemes:\n  uk-gsc: [A, B]\n", "2:3: scheme 'uk-gsc' is built in: give the custom scheme another name" },
	{ "schemes:\n  nato: [A]\n", "2:3: scheme 'nato' is built in: give the custom scheme another name" },
	{ "schemes:\n  acme: [A]\n  acme: [B]\n", "3:3: duplicate scheme 'acme'" },
	{ "schemes:\n  acme: A\n", "2:9: 'acme' must be a sequence" },
	{ "schemes:\n  acme: []\n", "2:9: 'acme' must not be empty" },
	{ "schemes:\n  acme: [[A]]\n", "2:10: 'acme' entries must be scalars" },
	{ "schemes:\n  acme: [PUBLIC, public]\n", "2:18: duplicate level 'public' in scheme acme" },
	{ "schemes:\n  acme: [TOP SECRET, top_secret]\n", "2:22: duplicate level 'top_secret' in scheme acme" },
	{ "schemes:\n  acme: ['A/B']\n", "2:10: invalid level 'A/B' in scheme acme: use 1 to 64 characters of [A-Za-z0-9 _.-]" },
	{ "schemes:\n  acme: ['']\n", "2:10: invalid level '' in scheme acme: use 1 to 64 characters of [A-Za-z0-9 _.-]" },
	{ "scheme: acme\nclassification: SECRET\nschemes:\n  acme: [PUBLIC, INTERNAL]\n", "2:17: unknown level 'SECRET' for scheme acme" },
	{ "scheme: acme2\nclassification: PUBLIC\nschemes:\n  acme: [PUBLIC]\n", "1:9: unknown scheme 'acme2'" },
	{ "classification: PRIVATE\nschemes:\n  acme: [PUBLIC]\n", "1:17: unknown level 'PRIVATE'" },
	{ "scan: /\n", "1:7: 'scan' must be a mapping" },
	{ "scan:\n  roots: /\n", "2:10: 'roots' must be a sequence" },
	{ "scan:\n  roots: []\n", "2:10: 'roots' must not be empty" },
	{ "scan:\n  roots: [opt]\n", "2:11: 'roots' entry 'opt' is not an absolute path" },
	{ "scan:\n  exclude: [/proc, [x]]\n", "2:20: 'exclude' entries must be scalars" },
	{ "scan:\n  root: [/]\n", "2:3: unknown key 'root'" },
	{ "classification: SECRET\nclassification: OFFICIAL\n", "2:1: duplicate key 'classification'" },
	{ "scheme: &s uk-gsc\nclassification: *s\n", "2:17: aliases are not allowed" },
	{ "scheme: uk-gsc\nclassification: [SECRET\n", "3:1: YAML syntax error: did not find expected ',' or ']'" },
	{ "scheme: uk-gsc\n---\nscheme: us\n", "2:1: multiple documents are not allowed" },
};

static void test_bad_hosts(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_hosts); i++) {
		struct emb_diag d = { 0 };
		struct emb_host h;
		char want[512];
		int rc;

		snprintf(want, sizeof(want), "%s/host.yaml:%s", tmpdir, bad_hosts[i].want);
		rc = emb_host_load(&h, host_file(bad_hosts[i].yaml), NULL, NULL, &d);
		if (rc != -1 || d.n == 0) {
			print_error("row %zu accepted\n", i);
			failures++;
		} else if (strcmp(d.msgs[0], want)) {
			print_error("row %zu:\n  got  %s\n  want %s\n", i, d.msgs[0], want);
			failures++;
		}
		if (h.scheme || h.scan_roots || h.exclude) {
			print_error("row %zu: output not cleared\n", i);
			failures++;
		}
		emb_diag_free(&d);
	}
	assert_int_equal(failures, 0);
}

static void test_custom_schemes(void **state)
{
	static const char yaml[] = "scheme: ACME\nclassification: internal\n"
				   "schemes:\n  acme: [PUBLIC, INTERNAL, RESTRICTED]\n  b.2: [X]\n";
	struct emb_diag d = { 0 };
	struct emb_host h;

	(void)state;
	assert_int_equal(emb_host_load(&h, host_file(yaml), NULL, NULL, &d), 0);
	assert_string_equal(h.scheme, "acme");
	assert_int_equal(h.level, 1);
	assert_string_equal(emb_host_level_name(&h), "INTERNAL");
	assert_int_equal(h.schemes.n, 2);
	assert_string_equal(h.schemes.v[0].name, "acme");
	assert_int_equal(h.schemes.v[0].n_levels, 3);
	assert_string_equal(h.schemes.v[0].levels[2], "RESTRICTED");
	assert_string_equal(h.schemes.v[1].name, "b.2");
	assert_ptr_equal(emb_scheme_lookup(&h.schemes, "B.2"), &h.schemes.v[1]);
	assert_ptr_equal(emb_scheme_lookup(&h.schemes, "us"), emb_scheme_find("us"));
	assert_null(emb_scheme_lookup(&h.schemes, "acm"));
	emb_host_free(&h);
	assert_int_equal(h.schemes.n, 0);

	/* a level without a scheme: the built-ins first, then custom ones */
	expect_level(host_file("classification: RESTRICTED\nschemes:\n  acme: [PUBLIC, RESTRICTED]\n"),
		     NULL, "acme", 1);
	expect_level(host_file("classification: SECRET\nschemes:\n  acme: [SECRET]\n"), NULL, "uk-gsc", 1);
	/* --classification in a custom scheme, and found by search */
	expect_level(host_file("scheme: acme\nschemes:\n  acme: [A, B]\n"), "b", "acme", 1);
	expect_level(host_file("schemes:\n  acme: [A, B]\n"), "A", "acme", 0);

	/* unmarked, but the schemes are kept for parsing policies */
	assert_int_equal(emb_host_load(&h, host_file("schemes:\n  acme: [A]\n"), NULL, NULL, &d), 0);
	assert_null(h.scheme);
	assert_int_equal(h.schemes.n, 1);
	assert_string_equal(emb_host_level_name(&h), "UNMARKED");
	emb_host_free(&h);
	assert_int_equal(d.n, 0);
}

/* A broken host file and a bad override: both reported. */
static void test_errors_collected(void **state)
{
	struct emb_diag d = { 0 };
	struct emb_host h;
	char want[256];

	(void)state;
	assert_int_equal(emb_host_load(&h, host_file("unverified: maybe\nfoo: 1\n"), NULL, "NOPE", &d), -1);
	assert_int_equal(d.n, 3);
	snprintf(want, sizeof(want), "%s/host.yaml:2:1: unknown key 'foo'", tmpdir);
	assert_string_equal(d.msgs[1], want);
	assert_string_equal(d.msgs[2], "--classification: unknown level 'NOPE'");
	emb_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmarked),
		cmocka_unit_test(test_explicit_missing),
		cmocka_unit_test(test_full_host),
		cmocka_unit_test(test_level_search),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_policy_scheme),
		cmocka_unit_test(test_bad_hosts),
		cmocka_unit_test(test_custom_schemes),
		cmocka_unit_test(test_errors_collected),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
