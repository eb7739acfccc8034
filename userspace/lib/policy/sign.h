/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * sign.h - Ed25519 policy signatures (contract.md §1 keys dir, §4 sign/keygen).
 *
 * Keys (embargo keygen):
 *   PREFIX.key  PEM PKCS#8 Ed25519 private key, mode 0600
 *   PREFIX.pub  PEM SubjectPublicKeyInfo Ed25519 public key, mode 0644
 * The key id is the first 16 lowercase hex digits of SHA-256 over the raw
 * 32-byte Ed25519 public key (RFC 8032 encoding). It only selects a key; it is
 * never trusted on its own.
 *
 * Signature file (FILE.sig, next to FILE), exactly one LF-terminated line:
 *
 *   embargo-sig-v1 ed25519 KEYID BASE64SIG\n
 *
 * fields separated by one space; KEYID as above; BASE64SIG the canonical
 * RFC 4648 base64 (with "==" padding, 88 characters) of the 64-byte pure
 * Ed25519 signature (no pre-hash, no context) over the exact bytes of FILE.
 * Nothing else is accepted: no other whitespace, no CR, no second line.
 * A future format or algorithm changes the first or second field; this
 * version reports those as "unsupported", anything else as "malformed".
 *
 * Trusted keys are the *.pub files of the keys dir (no dot files), read in
 * name order. A key that cannot be used (not PEM, not Ed25519, not a regular
 * file, writable by group or others) is skipped with a warning; the others
 * still count. A keys dir writable by group or others is refused whole.
 *
 * Private key material read or written here is kept in buffers that are
 * zeroised before they are freed.
 */
#ifndef EMBARGO_SIGN_H
#define EMBARGO_SIGN_H

#include <stddef.h>

#include "diag.h"

#define EMB_SIG_MAGIC "embargo-sig-v1"
#define EMB_SIG_ALG "ed25519"
#define EMB_SIG_SUFFIX ".sig"
#define EMB_KEYID_LEN 16                /* hex digits */
#define EMB_SIG_MAX_INPUT (16u << 20)   /* largest file `sign` reads: the policy limit */
#define EMB_KEYGEN_DEFAULT_PREFIX "embargo-policy"

struct emb_sig_key;                     /* one trusted public key (sign.c) */

struct emb_keyring {
	char *dir;
	struct emb_sig_key *keys;
	size_t n;
};

struct emb_signer {
	struct evp_pkey_st *pkey;       /* OpenSSL EVP_PKEY, Ed25519 private key */
	char keyid[EMB_KEYID_LEN + 1];
};

/*
 * Generate a key pair: PREFIX.key (0600) and PREFIX.pub (0644). Refuses, with
 * nothing written, when either file exists. keyid receives the key id.
 */
int emb_sig_keygen(const char *prefix, char keyid[EMB_KEYID_LEN + 1], struct emb_diag *diag);

/* Load an unencrypted PEM Ed25519 private key. Never prompts. */
int emb_signer_load(struct emb_signer *s, const char *key_path, struct emb_diag *diag);
void emb_signer_free(struct emb_signer *s);
/* Read path once, sign its bytes, write path.sig atomically (temp + rename). */
int emb_sig_sign_file(const struct emb_signer *s, const char *path, struct emb_diag *diag);

/*
 * Load the trusted keys of keys_dir. Returns -1 with one message in diag
 * when the directory cannot be used. Skipped keys go to warn as
 * "DIR/x.pub: skipped: reason" (to stderr when warn is NULL).
 */
int emb_keyring_load(struct emb_keyring *kr, const char *keys_dir, struct emb_diag *diag,
		     struct emb_diag *warn);
void emb_keyring_free(struct emb_keyring *kr);

/*
 * Verify that buf[0..len) - the bytes the caller will use - carries a valid
 * signature in sig_path (NULL: "NAME.sig") by a key of kr. name is the file
 * the bytes came from, for messages. Returns 0, or -1 with exactly one of:
 *   NAME: no signature (SIG: No such file or directory)
 *   NAME: cannot read signature (SIG: reason)
 *   SIG:1: malformed signature file
 *   SIG:1: unsupported signature format 'embargo-sig-v2'
 *   SIG:1: unsupported signature algorithm 'xyz'
 *   NAME: signed by unknown key KEYID (not in DIR)
 *   NAME: signature does not verify with key KEYID (DIR/x.pub)
 */
int emb_sig_verify_with(const struct emb_keyring *kr, const char *name, const void *buf,
			size_t len, const char *sig_path, struct emb_diag *diag);

/* emb_sig_verify_with() with a keyring loaded for this one call. A keys dir
 * that cannot be used gives "NAME: cannot verify signature: DIR: reason". */
int emb_sig_verify_buf(const char *name, const void *buf, size_t len, const char *sig_path,
		       const char *keys_dir, struct emb_diag *diag, struct emb_diag *warn);

/*
 * Read path once and verify it against path.sig. Only for callers that do
 * not use the bytes afterwards (a parser must read once and call
 * emb_sig_verify_with/_buf on its own buffer). "NAME: cannot read: reason"
 * when path itself cannot be read.
 */
int emb_sig_verify_file(const char *path, const char *keys_dir, struct emb_diag *diag,
			struct emb_diag *warn);

#endif
