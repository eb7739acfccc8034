// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "backend.h"

#include <string.h>

static const char *const names[EMB_BACKEND_COUNT] = {
	[EMB_BACKEND_CLASSIC] = "classic",
	[EMB_BACKEND_LSM] = "lsm",
	[EMB_BACKEND_FMOD_RET] = "fmod_ret",
	[EMB_BACKEND_KMOD] = "kmod",
};

const char *emb_backend_name(enum emb_backend b)
{
	if (b == EMB_BACKEND_AUTO)
		return "auto";
	return (unsigned)b < EMB_BACKEND_COUNT && names[b] ? names[b] : "unknown";
}

int emb_backend_parse(const char *name, enum emb_backend *out)
{
	if (strcmp(name, "auto") == 0) {
		*out = EMB_BACKEND_AUTO;
		return 0;
	}
	for (unsigned i = 0; i < EMB_BACKEND_COUNT; i++) {
		if (names[i] && strcmp(name, names[i]) == 0) {
			*out = (enum emb_backend)i;
			return 0;
		}
	}
	return -1;
}
