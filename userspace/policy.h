/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* policy.h - the policy and host data model, and their YAML parsers. */
#ifndef EMBARGO_POLICY_H
#define EMBARGO_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "levels.h"
#include "netaddr.h"

#define EMB_SHA256_LEN 32

struct emb_connect_rule {
	struct emb_cidr cidr;
	struct emb_port_range *ports; /* NULL/0 = every port */
	size_t n_ports;
	unsigned proto_mask; /* EMB_PROTO_* from embargo_abi.h; default ANY */
	int line;            /* where the rule starts, for messages */
};

struct emb_vendor {
	char *name;
	uint8_t (*sha256)[EMB_SHA256_LEN];
	size_t n_sha256;
	struct emb_connect_rule *connect;
	size_t n_connect;
};

struct emb_policy {
	char *file; /* path it was read from */
	char *id;
	char *title;     /* NULL when absent */
	char *reference; /* NULL when absent */
	char *scheme;    /* canonical scheme name, e.g. "uk-gsc" */
	int enforce;     /* level index in the scheme */
	int audit;       /* level index, or -1 when absent */
	struct emb_vendor *vendors;
	size_t n_vendors;
};

struct emb_policy_set {
	struct emb_policy *policies;
	size_t n;
};

enum emb_unverified {
	EMB_UNVERIFIED_ALLOW = 0,
	EMB_UNVERIFIED_DENY = 1,
};

struct emb_host {
	char *scheme; /* canonical scheme name; NULL when unmarked */
	int level;    /* level index in the scheme; EMB_LEVEL_UNMARKED when none */
	enum emb_unverified unverified;
	char **scan_roots; /* NULL-free array */
	size_t n_scan_roots;
	char **exclude;
	size_t n_exclude;
};

/*
 * Parse one policy file. On error, appends "FILE:LINE:COL: message" lines to
 * diag and returns -1; *out is left zeroed. Unknown keys are errors.
 */
int emb_policy_parse_file(const char *path, struct emb_policy *out, struct emb_diag *diag);
/* Same, from memory; name is used in messages in place of the path. */
int emb_policy_parse_buf(const char *name, const char *buf, size_t len, struct emb_policy *out,
			 struct emb_diag *diag);
void emb_policy_free(struct emb_policy *p);

/*
 * Load a set: every --policy file, then every *.yaml of dir (sorted), if dir
 * is not NULL. Checks duplicate ids across the set. Returns -1 with every
 * error in diag; the set is then empty. A missing dir is an error.
 */
int emb_policy_set_load(struct emb_policy_set *set, const char *const *files, size_t n_files,
			const char *dir, struct emb_diag *diag);
void emb_policy_set_free(struct emb_policy_set *set);

/*
 * Host tag. path may be NULL (use default_path, which may be absent: then
 * the host is unmarked). A path given explicitly must exist.
 * classification_override (--classification) may be NULL; it is resolved in
 * the host's scheme, or found by searching the built-in schemes when the host
 * file names none.
 */
int emb_host_load(struct emb_host *host, const char *path, const char *default_path,
		  const char *classification_override, struct emb_diag *diag);
void emb_host_free(struct emb_host *host);

/* Policy vs host: what this policy does on this host. */
enum emb_mode {
	EMB_MODE_OFF = 0,
	EMB_MODE_AUDIT = 1,
	EMB_MODE_ENFORCE = 2,
};

/*
 * Mode of policy p on host h. A marked host whose scheme differs from the
 * policy's is an error: returns -1 and adds "FILE: scheme 'x' does not match
 * the host's scheme 'y'" to diag.
 */
int emb_policy_mode(const struct emb_policy *p, const struct emb_host *h, enum emb_mode *mode,
		    struct emb_diag *diag);
const char *emb_mode_name(enum emb_mode m);

#endif
