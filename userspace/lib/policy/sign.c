// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sign.c - Ed25519 keys, detached signatures and their verification, all
 * through OpenSSL 3 EVP (no hand-written crypto). Format: sign.h.
 */
#include "sign.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "namelist.h"
#include "log.h"

#define ED25519_PUB_LEN 32
#define ED25519_SIG_LEN 64
#define SIG_B64_LEN 88                 /* 4 * ceil(64 / 3) */
#define SIG_FILE_MAX 4096
#define KEY_FILE_MAX (64u << 10)

struct emb_sig_key {
	EVP_PKEY *pkey;
	char keyid[EMB_KEYID_LEN + 1];
	char *path;
};

struct sig_line {
	char keyid[EMB_KEYID_LEN + 1];
	unsigned char sig[ED25519_SIG_LEN];
};

/* ------------------------------------------------------------------------ */
/* Files                                                                      */
/* ------------------------------------------------------------------------ */

/* Zeroise then free a buffer that may have held a secret. */
static void clear_free(void *p, size_t n)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, n);
	free(p);
}

/* Open a file to read without blocking on a FIFO or taking a tty. */
static int open_ro(int dirfd, const char *path)
{
	return openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/*
 * Read all of the regular file fd, at most max bytes, into a buffer of
 * max + 1 bytes (so a file that grew past the limit is seen). Sets errno:
 * EINVAL not a regular file, EFBIG larger than max. The caller frees *out
 * (after zeroising it when it holds a secret: its size is max + 1).
 */
static int read_fd(int fd, size_t max, unsigned char **out, size_t *len)
{
	unsigned char *buf;
	struct stat st;
	size_t got = 0;
	ssize_t n;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st))
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	buf = malloc(max + 1);
	if (!buf)
		return -1;
	while (got < max + 1) {
		n = read(fd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			clear_free(buf, max + 1);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		clear_free(buf, max + 1);
		errno = EFBIG;
		return -1;
	}
	*out = buf;
	*len = got;
	return 0;
}

static const char *read_errstr(int err, size_t max)
{
	static __thread char msg[64];

	if (err == EINVAL)
		return "not a regular file";
	if (err == EFBIG) {
		snprintf(msg, sizeof(msg), "larger than %zu bytes", max);
		return msg;
	}
	return strerror(err);
}

/* Read path (relative to dirfd) into *out; on error "PATH: cannot read: x". */
static int read_path(int dirfd, const char *path, const char *name, size_t max,
		     unsigned char **out, size_t *len, struct emb_diag *diag)
{
	int fd = open_ro(dirfd, path), rc;

	if (fd < 0) {
		emb_diag_add(diag, "%s: cannot open: %s", name, strerror(errno));
		return -1;
	}
	rc = read_fd(fd, max, out, len);
	if (rc)
		emb_diag_add(diag, "%s: cannot read: %s", name, read_errstr(errno, max));
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so a rename or link is durable. */
static int fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc;

	if (!slash)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Temp file next to path holding data, mode set, synced. */
static int write_temp(const char *path, const void *data, size_t len, mode_t mode, char **tmp)
{
	int fd, err;

	if (asprintf(tmp, "%s.tmpXXXXXX", path) < 0) {
		*tmp = NULL;
		return -1;
	}
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)) {
		err = errno;
		close(fd);
		unlink(*tmp);
		errno = err;
		goto fail;
	}
	if (close(fd)) {
		err = errno;
		unlink(*tmp);
		errno = err;
		goto fail;
	}
	return 0;
fail:
	err = errno;
	free(*tmp);
	*tmp = NULL;
	errno = err;
	return -1;
}

/*
 * Write data to path atomically: readers see the old file or the whole new
 * one. replace = 0 never overwrites (link() fails with EEXIST): two keygens
 * racing cannot clobber each other's key.
 */
static int write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			int replace, struct emb_diag *diag)
{
	char *tmp = NULL;
	int rc = -1, err;

	if (write_temp(path, data, len, mode, &tmp)) {
		emb_diag_add(diag, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	if (replace ? rename(tmp, path) : link(tmp, path)) {
		err = errno;
		unlink(tmp);
		if (err == EEXIST)
			emb_diag_add(diag, "%s: already exists, refusing to overwrite", path);
		else
			emb_diag_add(diag, "%s: cannot write: %s", path, strerror(err));
		goto out;
	}
	if (!replace && unlink(tmp)) {
		emb_diag_add(diag, "%s: cannot remove: %s", tmp, strerror(errno));
		goto out;
	}
	if (fsync_parent(path)) {
		emb_diag_add(diag, "%s: cannot sync directory: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* OpenSSL helpers                                                            */
/* ------------------------------------------------------------------------ */

/* The reason of the most recent OpenSSL error; clears the queue. */
static const char *ossl_err(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "unknown OpenSSL error");
	ERR_clear_error();
	return buf;
}

/* Refuse to prompt for a passphrase: encrypted keys are not supported. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static int is_ed25519(const EVP_PKEY *pk)
{
	return EVP_PKEY_get_id(pk) == EVP_PKEY_ED25519;
}

static int key_id(EVP_PKEY *pk, char out[EMB_KEYID_LEN + 1])
{
	unsigned char raw[ED25519_PUB_LEN], md[EVP_MAX_MD_SIZE];
	size_t rawlen = sizeof(raw);
	unsigned int mdlen = 0;

	if (EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) != 1 || rawlen != ED25519_PUB_LEN)
		return -1;
	if (EVP_Digest(raw, rawlen, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < EMB_KEYID_LEN / 2)
		return -1;
	for (size_t i = 0; i < EMB_KEYID_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int ed25519_sign(EVP_PKEY *pk, const void *msg, size_t len,
			unsigned char sig[ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = ED25519_SIG_LEN;
	int rc = -1;

	if (!ctx)
		return -1;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg ? msg : "", len) != 1 || siglen != ED25519_SIG_LEN)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* 1: valid, 0: not valid (including any OpenSSL failure: fail closed). */
static int ed25519_verify(EVP_PKEY *pk, const void *msg, size_t len,
			  const unsigned char sig[ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = 0;

	if (!ctx)
		return 0;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1)
		ok = EVP_DigestVerify(ctx, sig, ED25519_SIG_LEN, msg ? msg : "", len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* ------------------------------------------------------------------------ */
/* keygen                                                                     */
/* ------------------------------------------------------------------------ */

static int pem_of(EVP_PKEY *pk, int private, BIO **out)
{
	BIO *b = BIO_new(private ? BIO_s_secmem() : BIO_s_mem());
	int ok;

	*out = NULL;
	if (!b)
		return -1;
	if (private)
		ok = PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL);
	else
		ok = PEM_write_bio_PUBKEY(b, pk);
	if (ok != 1) {
		BIO_free(b);
		return -1;
	}
	*out = b;
	return 0;
}

/* Write pk's PEM (private or public) to path, never overwriting. */
static int write_pem(EVP_PKEY *pk, int private, const char *path, struct emb_diag *diag)
{
	BUF_MEM *mem = NULL;
	BIO *b;
	int rc;

	if (pem_of(pk, private, &b)) {
		emb_diag_add(diag, "%s: cannot encode key: %s", path, ossl_err());
		return -1;
	}
	BIO_get_mem_ptr(b, &mem);
	rc = write_atomic(path, mem->data, mem->length, private ? 0600 : 0644, 0, diag);
	BIO_free(b); /* a secmem BIO is zeroised on free */
	return rc;
}

static int refuse_existing(const char *path, struct emb_diag *diag)
{
	struct stat st;

	if (!lstat(path, &st)) {
		emb_diag_add(diag, "%s: already exists, refusing to overwrite", path);
		return -1;
	}
	if (errno != ENOENT) {
		emb_diag_add(diag, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int emb_sig_keygen(const char *prefix, char keyid[EMB_KEYID_LEN + 1], struct emb_diag *diag)
{
	char *key_path = NULL, *pub_path = NULL;
	EVP_PKEY *pk = NULL;
	int rc = -1;

	keyid[0] = '\0';
	if (asprintf(&key_path, "%s.key", prefix) < 0 || asprintf(&pub_path, "%s.pub", prefix) < 0) {
		emb_diag_add(diag, "%s: out of memory", prefix);
		goto out;
	}
	if (refuse_existing(key_path, diag) || refuse_existing(pub_path, diag))
		goto out;
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!pk || key_id(pk, keyid)) {
		emb_diag_add(diag, "%s: cannot generate an Ed25519 key: %s", key_path, ossl_err());
		goto out;
	}
	if (write_pem(pk, 1, key_path, diag))
		goto out;
	if (write_pem(pk, 0, pub_path, diag)) {
		/* No half pair: this private key was never used. */
		if (unlink(key_path))
			emb_diag_add(diag, "%s: cannot remove: %s", key_path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc)
		keyid[0] = '\0';
	EVP_PKEY_free(pk);
	free(key_path);
	free(pub_path);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* sign                                                                       */
/* ------------------------------------------------------------------------ */

int emb_signer_load(struct emb_signer *s, const char *key_path, struct emb_diag *diag)
{
	unsigned char *buf = NULL;
	EVP_PKEY *pk = NULL;
	size_t len = 0;
	BIO *b = NULL;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (read_path(AT_FDCWD, key_path, key_path, KEY_FILE_MAX, &buf, &len, diag))
		return -1;
	b = BIO_new_mem_buf(buf, (int)len);
	if (!b) {
		emb_diag_add(diag, "%s: out of memory", key_path);
		goto out;
	}
	pk = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	if (!pk) {
		ERR_clear_error();
		emb_diag_add(diag, "%s: not an unencrypted PEM private key", key_path);
		goto out;
	}
	if (!is_ed25519(pk)) {
		emb_diag_add(diag, "%s: %s key, embargo signs with Ed25519 keys only", key_path,
			     EVP_PKEY_get0_type_name(pk));
		goto out;
	}
	if (key_id(pk, s->keyid)) {
		emb_diag_add(diag, "%s: cannot compute the key id: %s", key_path, ossl_err());
		goto out;
	}
	s->pkey = pk;
	pk = NULL;
	rc = 0;
out:
	BIO_free(b);
	EVP_PKEY_free(pk);
	clear_free(buf, KEY_FILE_MAX + 1);
	return rc;
}

void emb_signer_free(struct emb_signer *s)
{
	EVP_PKEY_free(s->pkey); /* OpenSSL zeroises the key material */
	memset(s, 0, sizeof(*s));
}

static int format_sig(const char *keyid, const unsigned char sig[ED25519_SIG_LEN], char **line)
{
	unsigned char b64[SIG_B64_LEN + 1];

	if (EVP_EncodeBlock(b64, sig, ED25519_SIG_LEN) != SIG_B64_LEN)
		return -1;
	if (asprintf(line, "%s %s %s %s\n", EMB_SIG_MAGIC, EMB_SIG_ALG, keyid, b64) < 0) {
		*line = NULL;
		return -1;
	}
	return 0;
}

int emb_sig_sign_file(const struct emb_signer *s, const char *path, struct emb_diag *diag)
{
	unsigned char *msg = NULL, sig[ED25519_SIG_LEN];
	char *sig_path = NULL, *line = NULL;
	size_t len = 0;
	int rc = -1;

	if (read_path(AT_FDCWD, path, path, EMB_SIG_MAX_INPUT, &msg, &len, diag))
		return -1;
	if (ed25519_sign(s->pkey, msg, len, sig)) {
		emb_diag_add(diag, "%s: cannot sign: %s", path, ossl_err());
		goto out;
	}
	/* Check our own output before publishing it. */
	if (!ed25519_verify(s->pkey, msg, len, sig)) {
		emb_diag_add(diag, "%s: signature failed its own check", path);
		goto out;
	}
	if (asprintf(&sig_path, "%s%s", path, EMB_SIG_SUFFIX) < 0) {
		sig_path = NULL;
		emb_diag_add(diag, "%s: out of memory", path);
		goto out;
	}
	if (format_sig(s->keyid, sig, &line)) {
		emb_diag_add(diag, "%s: cannot encode the signature", path);
		goto out;
	}
	rc = write_atomic(sig_path, line, strlen(line), 0644, 1, diag);
out:
	free(line);
	free(sig_path);
	free(msg);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Keyring                                                                    */
/* ------------------------------------------------------------------------ */

static void warn_add(struct emb_diag *warn, const char *path, const char *reason)
{
	if (warn)
		emb_diag_add(warn, "%s: skipped: %s", path, reason);
	else
		emb_warn("warning: %s: skipped: %s", path, reason);
}

static int is_key_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 4 && !strcmp(name + len - 4, ".pub");
}

/* Names of the *.pub entries of d, sorted. */
static int list_keys(DIR *d, char ***names, size_t *n)
{
	struct dirent *de;
	char **grown;

	*names = NULL;
	*n = 0;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!is_key_name(de->d_name))
			continue;
		grown = realloc(*names, (*n + 1) * sizeof(**names));
		if (!grown)
			goto fail;
		*names = grown;
		(*names)[*n] = strdup(de->d_name);
		if (!(*names)[*n])
			goto fail;
		(*n)++;
	}
	if (errno)
		goto fail;
	emb_names_sort(*names, *n);
	return 0;
fail:
	emb_names_free(*names, *n);
	*names = NULL;
	*n = 0;
	return -1;
}

/* Parse one public key file; NULL with the reason when it cannot be used. */
static EVP_PKEY *parse_pub(int fd, const char **why)
{
	static __thread char msg[96];
	unsigned char *buf = NULL;
	EVP_PKEY *pk = NULL;
	struct stat st;
	size_t len;
	BIO *b;

	if (fstat(fd, &st) || read_fd(fd, KEY_FILE_MAX, &buf, &len)) {
		*why = read_errstr(errno, KEY_FILE_MAX);
		return NULL;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "writable by group or others";
		goto out;
	}
	b = BIO_new_mem_buf(buf, (int)len);
	if (b)
		pk = PEM_read_bio_PUBKEY(b, NULL, no_passphrase, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (!pk) {
		*why = "not a PEM public key";
		goto out;
	}
	if (!is_ed25519(pk)) {
		snprintf(msg, sizeof(msg), "%s key (only Ed25519 keys are trusted)",
			 EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "unknown");
		*why = msg;
		EVP_PKEY_free(pk);
		pk = NULL;
	}
out:
	free(buf);
	return pk;
}

static char *join_path(const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	char *p;

	if (asprintf(&p, "%s%s%s", dir, dlen && dir[dlen - 1] == '/' ? "" : "/", name) < 0)
		return NULL;
	return p;
}

/* Add dir/name to kr when usable; warn and skip it when not. -1: no memory. */
static int keyring_add(struct emb_keyring *kr, int dfd, const char *name, struct emb_diag *warn)
{
	struct emb_sig_key *k = &kr->keys[kr->n];
	const char *why = NULL;
	EVP_PKEY *pk = NULL;
	int fd;

	k->path = join_path(kr->dir, name);
	if (!k->path)
		return -1;
	fd = open_ro(dfd, name);
	if (fd < 0) {
		why = strerror(errno);
	} else {
		pk = parse_pub(fd, &why);
		close(fd);
	}
	if (pk && key_id(pk, k->keyid)) {
		EVP_PKEY_free(pk);
		pk = NULL;
		why = ossl_err();
	}
	if (!pk) {
		warn_add(warn, k->path, why);
		free(k->path);
		k->path = NULL;
		return 0;
	}
	k->pkey = pk;
	kr->n++;
	return 0;
}

static int open_keys_dir(const char *keys_dir, DIR **d, struct emb_diag *diag)
{
	struct stat st;
	int fd;

	*d = NULL;
	fd = open(keys_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		emb_diag_add(diag, "%s: cannot open keys directory: %s", keys_dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		emb_diag_add(diag, "%s: cannot read keys directory: %s", keys_dir, strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		emb_diag_add(diag, "%s: keys directory is writable by group or others", keys_dir);
		close(fd);
		return -1;
	}
	*d = fdopendir(fd);
	if (!*d) {
		emb_diag_add(diag, "%s: cannot read keys directory: %s", keys_dir, strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

int emb_keyring_load(struct emb_keyring *kr, const char *keys_dir, struct emb_diag *diag,
		     struct emb_diag *warn)
{
	char **names = NULL;
	size_t n_names = 0;
	DIR *d = NULL;
	int rc = -1;

	memset(kr, 0, sizeof(*kr));
	if (open_keys_dir(keys_dir, &d, diag))
		return -1;
	if (list_keys(d, &names, &n_names)) {
		emb_diag_add(diag, "%s: cannot read keys directory: %s", keys_dir, strerror(errno));
		goto out;
	}
	kr->dir = strdup(keys_dir);
	kr->keys = calloc(n_names + 1, sizeof(*kr->keys));
	if (!kr->dir || !kr->keys) {
		emb_diag_add(diag, "%s: out of memory", keys_dir);
		goto out;
	}
	for (size_t i = 0; i < n_names; i++) {
		if (keyring_add(kr, dirfd(d), names[i], warn)) {
			emb_diag_add(diag, "%s: out of memory", keys_dir);
			goto out;
		}
	}
	rc = 0;
out:
	emb_names_free(names, n_names);
	closedir(d);
	if (rc)
		emb_keyring_free(kr);
	return rc;
}

void emb_keyring_free(struct emb_keyring *kr)
{
	for (size_t i = 0; kr->keys && i < kr->n; i++) {
		EVP_PKEY_free(kr->keys[i].pkey);
		free(kr->keys[i].path);
	}
	free(kr->keys);
	free(kr->dir);
	memset(kr, 0, sizeof(*kr));
}

/* ------------------------------------------------------------------------ */
/* verify                                                                     */
/* ------------------------------------------------------------------------ */

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Canonical base64 of exactly 64 bytes: decode, re-encode, compare. */
static int decode_sig(const char *b64, size_t n, unsigned char sig[ED25519_SIG_LEN])
{
	unsigned char raw[SIG_B64_LEN], again[SIG_B64_LEN + 1];

	if (n != SIG_B64_LEN || memcmp(b64 + SIG_B64_LEN - 2, "==", 2))
		return -1;
	if (EVP_DecodeBlock(raw, (const unsigned char *)b64, SIG_B64_LEN) != 66)
		return -1;
	if (EVP_EncodeBlock(again, raw, ED25519_SIG_LEN) != SIG_B64_LEN || memcmp(again, b64, n))
		return -1;
	memcpy(sig, raw, ED25519_SIG_LEN);
	return 0;
}

/* Split a line on single spaces into exactly 4 non-empty fields. */
static int split4(char *line, char *f[4])
{
	char *p = line;

	for (int i = 0; i < 4; i++) {
		f[i] = p;
		p = strchr(p, ' ');
		if (i < 3 && !p)
			return -1;
		if (i == 3 && p)
			return -1;
		if (p)
			*p++ = '\0';
		if (!f[i][0])
			return -1;
	}
	return 0;
}

/* Parse a signature file's bytes; -1 with the message added to diag. */
static int parse_sig(const char *sig_path, const unsigned char *data, size_t len,
		     struct sig_line *out, struct emb_diag *diag)
{
	char text[SIG_FILE_MAX + 1], *f[4];
	int rc = -1;

	if (len < 2 || len > SIG_FILE_MAX || data[len - 1] != '\n' || memchr(data, '\0', len) ||
	    memchr(data, '\n', len - 1))
		goto malformed;
	memcpy(text, data, len - 1);
	text[len - 1] = '\0';
	if (split4(text, f))
		goto malformed;
	if (strcmp(f[0], EMB_SIG_MAGIC)) {
		if (strncmp(f[0], "embargo-sig-v", 13))
			goto malformed;
		emb_diag_add(diag, "%s:1: unsupported signature format '%s'", sig_path, f[0]);
		return -1;
	}
	if (strcmp(f[1], EMB_SIG_ALG)) {
		emb_diag_add(diag, "%s:1: unsupported signature algorithm '%s'", sig_path, f[1]);
		return -1;
	}
	if (strlen(f[2]) != EMB_KEYID_LEN || !is_lower_hex(f[2], EMB_KEYID_LEN) ||
	    decode_sig(f[3], strlen(f[3]), out->sig))
		goto malformed;
	memcpy(out->keyid, f[2], EMB_KEYID_LEN + 1);
	rc = 0;
malformed:
	if (rc)
		emb_diag_add(diag, "%s:1: malformed signature file", sig_path);
	return rc;
}

static int read_sig(const char *name, const char *sig_path, struct sig_line *sl,
		    struct emb_diag *diag)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int fd, rc;

	fd = open_ro(AT_FDCWD, sig_path);
	if (fd < 0) {
		if (errno == ENOENT)
			emb_diag_add(diag, "%s: no signature (%s: %s)", name, sig_path, strerror(errno));
		else
			emb_diag_add(diag, "%s: cannot read signature (%s: %s)", name, sig_path,
				     strerror(errno));
		return -1;
	}
	rc = read_fd(fd, SIG_FILE_MAX, &data, &len);
	close(fd);
	if (rc) {
		if (errno == EFBIG) /* far too long to be a signature */
			emb_diag_add(diag, "%s:1: malformed signature file", sig_path);
		else
			emb_diag_add(diag, "%s: cannot read signature (%s: %s)", name, sig_path,
				     read_errstr(errno, SIG_FILE_MAX));
		return -1;
	}
	rc = parse_sig(sig_path, data, len, sl, diag);
	free(data);
	return rc;
}

/* Try every key with the signature's key id (ids are short: do not assume
 * they are unique). */
static int verify_keys(const struct emb_keyring *kr, const char *name, const void *buf,
		       size_t len, const struct sig_line *sl, struct emb_diag *diag)
{
	const struct emb_sig_key *first = NULL;

	for (size_t i = 0; i < kr->n; i++) {
		const struct emb_sig_key *k = &kr->keys[i];

		if (strcmp(k->keyid, sl->keyid))
			continue;
		if (ed25519_verify(k->pkey, buf, len, sl->sig))
			return 0;
		if (!first)
			first = k;
	}
	if (first)
		emb_diag_add(diag, "%s: signature does not verify with key %s (%s)", name, sl->keyid,
			     first->path);
	else
		emb_diag_add(diag, "%s: signed by unknown key %s (not in %s)", name, sl->keyid,
			     kr->dir);
	return -1;
}

int emb_sig_verify_with(const struct emb_keyring *kr, const char *name, const void *buf,
			size_t len, const char *sig_path, struct emb_diag *diag)
{
	char *own = NULL;
	struct sig_line sl;
	int rc = -1;

	if (!sig_path) {
		if (asprintf(&own, "%s%s", name, EMB_SIG_SUFFIX) < 0) {
			emb_diag_add(diag, "%s: out of memory", name);
			return -1;
		}
		sig_path = own;
	}
	if (read_sig(name, sig_path, &sl, diag))
		goto out;
	rc = verify_keys(kr, name, buf, len, &sl, diag);
out:
	free(own);
	return rc;
}

int emb_sig_verify_buf(const char *name, const void *buf, size_t len, const char *sig_path,
		       const char *keys_dir, struct emb_diag *diag, struct emb_diag *warn)
{
	struct emb_diag kd = { 0 };
	struct emb_keyring kr;
	int rc;

	if (emb_keyring_load(&kr, keys_dir, &kd, warn)) {
		for (size_t i = 0; i < kd.n; i++)
			emb_diag_add(diag, "%s: cannot verify signature: %s", name, kd.msgs[i]);
		emb_diag_free(&kd);
		return -1;
	}
	rc = emb_sig_verify_with(&kr, name, buf, len, sig_path, diag);
	emb_keyring_free(&kr);
	return rc;
}

int emb_sig_verify_file(const char *path, const char *keys_dir, struct emb_diag *diag,
			struct emb_diag *warn)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (read_path(AT_FDCWD, path, path, EMB_SIG_MAX_INPUT, &buf, &len, diag))
		return -1;
	rc = emb_sig_verify_buf(path, buf, len, NULL, keys_dir, diag, warn);
	free(buf);
	return rc;
}
