/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* policy.h - the policy and host data model, and their YAML parsers. */
#ifndef EMBARGO_POLICY_H
#define EMBARGO_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "diag.h"
#include "levels.h"
#include "netaddr.h"

#define EMB_SHA256_LEN 32

struct emb_connect_rule {
	struct emb_cidr cidr;         /* when host is NULL */
	char *host;                   /* connect[].host: a DNS name, or NULL */
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
	char **paths; /* valid globs (pathglob.h) */
	size_t n_paths;
};

enum emb_policy_kind {
	EMB_POLICY_VENDOR = 0,  /* bans vendors: scheme, enforce, vendors */
	EMB_POLICY_CONTAIN = 1, /* incident-response network isolation */
};

struct emb_policy {
	enum emb_policy_kind kind;
	char *file; /* path it was read from */
	char *id;
	char *title;     /* NULL when absent */
	char *reference; /* NULL when absent */
	/* EMB_POLICY_VENDOR only (NULL / -1 / 0 for containment): */
	char *scheme;    /* canonical scheme name, e.g. "uk-gsc" */
	int enforce;     /* level index in the scheme */
	int audit;       /* level index, or -1 when absent */
	/* enforce_from: midnight UTC of that date; 0 when absent. A date at or
	 * before the epoch is the same as none: enforcing already. */
	time_t enforce_from;
	struct emb_vendor *vendors;
	size_t n_vendors;
	/* EMB_POLICY_CONTAIN only: contain.allow (cidr, ports, proto). */
	struct emb_connect_rule *allow;
	size_t n_allow;
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
	struct emb_scheme_set schemes; /* custom schemes of host.yaml */
	char *scheme; /* canonical scheme name; NULL when unmarked */
	int level;    /* level index in the scheme; EMB_LEVEL_UNMARKED when none */
	enum emb_unverified unverified;
	int unverified_down_allow; /* unverified_when_down: allow (default hold) */
	int require_signed; /* every policy needs a valid FILE.sig from the keys dir */
	char **scan_roots; /* NULL-free array */
	size_t n_scan_roots;
	char **exclude;
	size_t n_exclude;
};

/*
 * Parse one policy file. On error, appends "FILE:LINE:COL: message" lines to
 * diag and returns -1; *out is left zeroed. Unknown keys are errors.
 * schemes: the host's custom schemes (emb_host.schemes), or NULL for the
 * built-in schemes only.
 */
int emb_policy_parse_file_for(const char *path, const struct emb_scheme_set *schemes,
			      struct emb_policy *out, struct emb_diag *diag);
/* Same, from memory; name is used in messages in place of the path. */
int emb_policy_parse_buf_for(const char *name, const char *buf, size_t len,
			     const struct emb_scheme_set *schemes, struct emb_policy *out,
			     struct emb_diag *diag);
/* The same with the built-in schemes only. */
int emb_policy_parse_file(const char *path, struct emb_policy *out, struct emb_diag *diag);
int emb_policy_parse_buf(const char *name, const char *buf, size_t len, struct emb_policy *out,
			 struct emb_diag *diag);
void emb_policy_free(struct emb_policy *p);

/*
 * Load a set: every --policy file, then every *.yaml of dir (sorted), if dir
 * is not NULL, resolving scheme names against host's custom schemes (host
 * NULL: built-in schemes only). Checks duplicate ids across the set. Returns
 * -1 with every error in diag; the set is then empty. A missing dir is an
 * error.
 */
int emb_policy_set_load_for(struct emb_policy_set *set, const struct emb_host *host,
			    const char *const *files, size_t n_files, const char *dir,
			    struct emb_diag *diag);
/*
 * emb_policy_set_load_for(), and when host->require_signed every file must
 * carry a valid detached signature (FILE.sig) by a key of keys_dir; the
 * bytes verified are the bytes parsed. A file that fails is refused with
 * the reason, and so is the whole set.
 */
int emb_policy_set_load_signed(struct emb_policy_set *set, const struct emb_host *host,
			       const char *keys_dir, const char *const *files, size_t n_files,
			       const char *dir, struct emb_diag *diag);
/* The same with built-in schemes only (host NULL). */
int emb_policy_set_load(struct emb_policy_set *set, const char *const *files, size_t n_files,
			const char *dir, struct emb_diag *diag);
void emb_policy_set_free(struct emb_policy_set *set);
/*
 * At most max threads parse a set's files (default: 4, and no more than
 * the CPUs). Threads only pay when each has a malloc arena: libyaml
 * allocates several times a scalar, and threads sharing one arena parsed
 * slower than one thread alone.
 */
void emb_policy_set_parse_threads(unsigned max);

/*
 * Host tag. path may be NULL (use default_path, which may be absent: then
 * the host is unmarked). A path given explicitly must exist.
 * classification_override (--classification) may be NULL; it is resolved in
 * the host's scheme, or found by searching the built-in schemes when the host
 * file names none.
 */
int emb_host_load(struct emb_host *host, const char *path, const char *default_path,
		  const char *classification_override, struct emb_diag *diag);
/*
 * The same, with the schemes the policies use (schemes[0..n), canonical
 * names): a --classification on a host file that names no scheme takes
 * the policies' scheme when they all use one, and is an error naming the
 * candidates when they use several. n == 0: the built-in schemes are
 * searched (uk-gsc, us, nato), then the custom ones.
 */
int emb_host_load_for(struct emb_host *host, const char *path, const char *default_path,
		      const char *classification_override, const char *const *schemes,
		      size_t n_schemes, struct emb_diag *diag);
void emb_host_free(struct emb_host *host);

/* Policy vs host: what this policy does on this host. */
enum emb_mode {
	EMB_MODE_OFF = 0,
	EMB_MODE_AUDIT = 1,
	EMB_MODE_ENFORCE = 2,
};

/*
 * Mode of policy p on host h at time now. A marked host whose scheme differs
 * from the policy's is an error: returns -1 and adds "FILE: scheme 'x' does
 * not match the host's scheme 'y'" to diag. Before p->enforce_from an
 * enforce-level host only audits. A containment policy enforces on every
 * host, marked or not.
 */
int emb_policy_mode(const struct emb_policy *p, const struct emb_host *h, time_t now,
		    enum emb_mode *mode, struct emb_diag *diag);
const char *emb_mode_name(enum emb_mode m);

/* The instant after now at which p's mode on h changes (its enforce_from,
 * on an enforce-level host), or 0 when it never does. */
time_t emb_policy_next_change(const struct emb_policy *p, const struct emb_host *h, time_t now);

/* Canonical name of the host's level ("SECRET", "UNMARKED"), custom
 * schemes included. */
const char *emb_host_level_name(const struct emb_host *h);

#endif
