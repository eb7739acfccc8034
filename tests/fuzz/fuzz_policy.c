// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libFuzzer target: the policy parser, with and without a custom scheme,
 * then the compiler on a marked host for whatever parsed. Must not crash,
 * leak or hang (make fuzz: -timeout=5 -rss_limit_mb=2048).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "policy.h"

static void compile_one(struct emb_policy *p, const struct emb_host *h)
{
	struct emb_policy_set set = { .policies = p, .n = 1 };
	struct emb_diag d = { 0 };
	struct emb_compiled c;

	if (!emb_compile_at(&set, h, 1795392000, NULL, &c, &d)) {
		(void)emb_compiled_path_verdict(&c, "/opt/kaspersky/bin/kesl");
		(void)emb_compiled_next_change(&c);
		emb_compiled_free(&c);
	}
	emb_diag_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const levels[] = { "PUBLIC", "INTERNAL", "RESTRICTED" };
	struct emb_host h = { .scheme = "uk-gsc", .level = 1 };
	struct emb_diag d = { 0 };
	struct emb_policy p;

	if (emb_scheme_set_add(&h.schemes, "acme", levels, 3))
		abort();
	if (!emb_policy_parse_buf_for("fuzz.yaml", (const char *)data, size, &h.schemes, &p, &d)) {
		if (p.scheme && !strcmp(p.scheme, "acme"))
			h.scheme = "acme";
		compile_one(&p, &h);
		emb_policy_free(&p);
	}
	emb_diag_free(&d);
	emb_scheme_set_free(&h.schemes);
	return 0;
}
