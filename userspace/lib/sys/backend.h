/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* backend.h - the names of enum emb_backend (embargo_abi.h), both ways. */
#ifndef EMBARGO_BACKEND_H
#define EMBARGO_BACKEND_H

#include "embargo_abi.h"

/* "classic", "lsm", ..., "auto"; "unknown" for a value no build named. */
const char *emb_backend_name(enum emb_backend b);

/* The backend named exactly name (auto included): 0, or -1 for any other
 * string (an unknown name is an error, never a default). */
int emb_backend_parse(const char *name, enum emb_backend *out);

#endif
