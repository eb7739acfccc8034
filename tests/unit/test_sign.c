// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for sign.c: keygen, sign, verify, and every refusal with its
 * exact message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "sign.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char POLICY[] = "embargo: 1\nid: signed-one\nscheme: uk-gsc\nenforce: SECRET\n";

static char tmpdir[64];

/* tmpdir/NAME in one of a few rotating static buffers. */
static const char *T(const char *fmt, ...)
{
	static char bufs[8][320];
	static int next;
	char *b = bufs[next++ % 8], rel[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, rel);
	return b;
}

static int setup(void **state)
{
	(void)state;
	umask(022);
	strcpy(tmpdir, "/tmp/embargo-test-sign-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	if (mkdir(T("keys"), 0755) || mkdir(T("priv"), 0700))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

/* Whole file as a NUL-terminated string (caller frees). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	assert_int_equal(fclose(f), 0);
	if (len)
		*len = n;
	return buf;
}

/* A key pair: private at priv/NAME.key, public installed at keys/NAME.pub. */
static void make_key(const char *name, char keyid[EMB_KEYID_LEN + 1])
{
	struct emb_diag d = { 0 };
	char pub[256];

	assert_int_equal(emb_sig_keygen(T("priv/%s", name), keyid, &d), 0);
	assert_int_equal(d.n, 0);
	snprintf(pub, sizeof(pub), "%s", T("priv/%s.pub", name));
	assert_int_equal(rename(pub, T("keys/%s.pub", name)), 0);
}

static void sign_with(const char *name, const char *file)
{
	struct emb_diag d = { 0 };
	struct emb_signer s;

	assert_int_equal(emb_signer_load(&s, T("priv/%s.key", name), &d), 0);
	assert_int_equal(emb_sig_sign_file(&s, file, &d), 0);
	assert_int_equal(d.n, 0);
	emb_signer_free(&s);
}

static void expect_one(struct emb_diag *d, const char *msg)
{
	if (d->n != 1) {
		for (size_t i = 0; i < d->n; i++)
			print_message("diag[%zu]: %s\n", i, d->msgs[i]);
	}
	assert_int_equal(d->n, 1);
	assert_string_equal(d->msgs[0], msg);
	emb_diag_free(d);
}

/* Verify tmpdir/p.yaml against keys/; expect failure with exactly msg
 * (msg NULL: expect success and no message). No key warnings expected. */
static void expect_verify(const char *msg)
{
	struct emb_diag d = { 0 }, w = { 0 };
	int rc = emb_sig_verify_file(T("p.yaml"), T("keys"), &d, &w);

	assert_int_equal(w.n, 0);
	if (!msg) {
		assert_int_equal(d.n, 0);
		assert_int_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, -1);
	expect_one(&d, msg);
}

static void test_keygen_files(void **state)
{
	char id[EMB_KEYID_LEN + 1], id2[EMB_KEYID_LEN + 1] = "x";
	struct emb_diag d = { 0 };
	struct stat st;
	char *before, *after, msg[512];

	(void)state;
	assert_int_equal(emb_sig_keygen(T("priv/a"), id, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(strlen(id), EMB_KEYID_LEN);
	assert_int_equal(strspn(id, "0123456789abcdef"), EMB_KEYID_LEN);
	assert_int_equal(stat(T("priv/a.key"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(T("priv/a.pub"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	before = slurp(T("priv/a.key"), NULL);
	assert_non_null(strstr(before, "-----BEGIN PRIVATE KEY-----\n"));
	after = slurp(T("priv/a.pub"), NULL);
	assert_non_null(strstr(after, "-----BEGIN PUBLIC KEY-----\n"));
	free(after);

	/* Never overwrites, and leaves the key as it was. */
	assert_int_equal(emb_sig_keygen(T("priv/a"), id2, &d), -1);
	assert_string_equal(id2, "");
	snprintf(msg, sizeof(msg), "%s: already exists, refusing to overwrite", T("priv/a.key"));
	expect_one(&d, msg);
	after = slurp(T("priv/a.key"), NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* A lone .pub is not overwritten either, and no .key is left behind. */
	assert_int_equal(rename(T("priv/a.key"), T("priv/b.pub")), 0);
	assert_int_equal(emb_sig_keygen(T("priv/b"), id2, &d), -1);
	snprintf(msg, sizeof(msg), "%s: already exists, refusing to overwrite", T("priv/b.pub"));
	expect_one(&d, msg);
	assert_int_equal(access(T("priv/b.key"), F_OK), -1);

	/* A missing directory is an error naming the file. */
	assert_int_equal(emb_sig_keygen(T("nodir/c"), id2, &d), -1);
	snprintf(msg, sizeof(msg), "%s: cannot write: No such file or directory", T("nodir/c.key"));
	expect_one(&d, msg);
}

static void test_sign_verify_ok(void **state)
{
	char id[EMB_KEYID_LEN + 1], line[256];
	struct emb_diag d = { 0 }, w = { 0 };
	struct emb_keyring kr;
	struct stat st;
	char *sig;

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	sign_with("a", T("p.yaml"));
	assert_int_equal(stat(T("p.yaml.sig"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	sig = slurp(T("p.yaml.sig"), NULL);
	snprintf(line, sizeof(line), "embargo-sig-v1 ed25519 %s ", id);
	assert_memory_equal(sig, line, strlen(line));
	assert_int_equal(strlen(sig), strlen(line) + 88 + 1);
	assert_int_equal(sig[strlen(sig) - 1], '\n');
	free(sig);
	expect_verify(NULL);

	/* The keyring API: load once, verify many. */
	assert_int_equal(emb_keyring_load(&kr, T("keys"), &d, &w), 0);
	assert_int_equal(kr.n, 1);
	assert_int_equal(emb_sig_verify_with(&kr, T("p.yaml"), POLICY, strlen(POLICY), NULL, &d), 0);
	assert_int_equal(emb_sig_verify_with(&kr, "policy from memory", POLICY, strlen(POLICY),
					     T("p.yaml.sig"), &d),
			 0);
	assert_int_equal(d.n + w.n, 0);
	emb_keyring_free(&kr);

	/* Re-signing replaces the signature and leaves no temp file behind. */
	sign_with("a", T("p.yaml"));
	expect_verify(NULL);
	snprintf(line, sizeof(line), "test $(ls -A '%s' | grep -c tmp) = 0", tmpdir);
	assert_int_equal(system(line), 0);
}

static void test_empty_file(void **state)
{
	char id[EMB_KEYID_LEN + 1];

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), "");
	sign_with("a", T("p.yaml"));
	expect_verify(NULL);
}

static void test_one_byte_changed(void **state)
{
	char id[EMB_KEYID_LEN + 1], msg[512];
	char *text;
	size_t len;

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	sign_with("a", T("p.yaml"));
	text = slurp(T("p.yaml"), &len);
	text[strlen("embargo: 1\nid: signed-o")] ^= 0x01; /* signed-one -> signed-ooe */
	write_bytes(T("p.yaml"), text, len);
	free(text);
	snprintf(msg, sizeof(msg), "%s: signature does not verify with key %s (%s)", T("p.yaml"), id,
		 T("keys/a.pub"));
	expect_verify(msg);

	/* A byte appended is refused the same way. */
	write_text(T("p.yaml"), POLICY);
	expect_verify(NULL);
	write_bytes(T("p.yaml"), POLICY, sizeof(POLICY)); /* with the NUL */
	expect_verify(msg);
}

/* The buffer is what counts: the caller verifies the bytes it will parse,
 * whatever the file holds by then. */
static void test_buffer_is_verified(void **state)
{
	char id[EMB_KEYID_LEN + 1], msg[512];
	struct emb_diag d = { 0 }, w = { 0 };
	static const char evil[] = "embargo: 1\nid: signed-one\nscheme: uk-gsc\nenforce: TOP SECRET\n";

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	sign_with("a", T("p.yaml"));
	write_text(T("p.yaml"), evil); /* swapped after the caller read it */
	assert_int_equal(emb_sig_verify_buf(T("p.yaml"), POLICY, strlen(POLICY), NULL, T("keys"),
					    &d, &w),
			 0);
	assert_int_equal(d.n + w.n, 0);
	assert_int_equal(emb_sig_verify_buf(T("p.yaml"), evil, strlen(evil), NULL, T("keys"), &d, &w),
			 -1);
	snprintf(msg, sizeof(msg), "%s: signature does not verify with key %s (%s)", T("p.yaml"), id,
		 T("keys/a.pub"));
	expect_one(&d, msg);
}

static void test_no_signature(void **state)
{
	char id[EMB_KEYID_LEN + 1], msg[512];

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	snprintf(msg, sizeof(msg), "%s: no signature (%s: No such file or directory)", T("p.yaml"),
		 T("p.yaml.sig"));
	expect_verify(msg);

	assert_int_equal(mkdir(T("p.yaml.sig"), 0755), 0);
	snprintf(msg, sizeof(msg), "%s: cannot read signature (%s: not a regular file)", T("p.yaml"),
		 T("p.yaml.sig"));
	expect_verify(msg);
}

/* Another file's signature, by a trusted key, does not verify this one. */
static void test_signature_of_other_file(void **state)
{
	char id[EMB_KEYID_LEN + 1], msg[512];

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	write_text(T("q.yaml"), "embargo: 1\nid: other\nscheme: uk-gsc\nenforce: SECRET\n");
	sign_with("a", T("q.yaml"));
	assert_int_equal(rename(T("q.yaml.sig"), T("p.yaml.sig")), 0);
	snprintf(msg, sizeof(msg), "%s: signature does not verify with key %s (%s)", T("p.yaml"), id,
		 T("keys/a.pub"));
	expect_verify(msg);
}

struct sig_case {
	const char *what;
	const char *text; /* "%K" = the key id, "%S" = the valid base64 */
	const char *msg;  /* after "SIGPATH" */
};

static const struct sig_case sig_cases[] = {
	{ "empty", "", ":1: malformed signature file" },
	{ "newline only", "\n", ":1: malformed signature file" },
	{ "garbage", "hello world\n", ":1: malformed signature file" },
	{ "binary", "\x7f" "ELF\x02\x01\x01\n", ":1: malformed signature file" },
	{ "truncated", "embargo-sig-v1 ed25519 %K YrPLQQoWqUoBnAc5", ":1: malformed signature file" },
	{ "no final newline", "embargo-sig-v1 ed25519 %K %S", ":1: malformed signature file" },
	{ "CRLF", "embargo-sig-v1 ed25519 %K %S\r\n", ":1: malformed signature file" },
	{ "second line", "embargo-sig-v1 ed25519 %K %S\n\n", ":1: malformed signature file" },
	{ "double space", "embargo-sig-v1  ed25519 %K %S\n", ":1: malformed signature file" },
	{ "tab", "embargo-sig-v1\ted25519 %K %S\n", ":1: malformed signature file" },
	{ "trailing space", "embargo-sig-v1 ed25519 %K %S \n", ":1: malformed signature file" },
	{ "five fields", "embargo-sig-v1 ed25519 %K %S extra\n", ":1: malformed signature file" },
	{ "three fields", "embargo-sig-v1 ed25519 %K\n", ":1: malformed signature file" },
	{ "short key id", "embargo-sig-v1 ed25519 0123456789abcde %S\n", ":1: malformed signature file" },
	{ "upper-case key id", "embargo-sig-v1 ed25519 0123456789ABCDEF %S\n",
	  ":1: malformed signature file" },
	{ "signature too short", "embargo-sig-v1 ed25519 %K AAAA\n", ":1: malformed signature file" },
	{ "63-byte signature",
	  "embargo-sig-v1 ed25519 %K "
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
	  ":1: malformed signature file" },
	{ "not base64",
	  "embargo-sig-v1 ed25519 %K "
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*==\n",
	  ":1: malformed signature file" },
	{ "non-canonical base64 tail",
	  "embargo-sig-v1 ed25519 %K "
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB==\n",
	  ":1: malformed signature file" },
	{ "other magic", "minisign ed25519 %K %S\n", ":1: malformed signature file" },
	{ "future format", "embargo-sig-v2 ed25519 %K %S\n",
	  ":1: unsupported signature format 'embargo-sig-v2'" },
	{ "other algorithm", "embargo-sig-v1 ed448 %K %S\n",
	  ":1: unsupported signature algorithm 'ed448'" },
};

/* Expand %K and %S of a case. */
static void expand(const char *tmpl, const char *keyid, const char *b64, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = tmpl; *p && n + 100 < size; p++) {
		if (p[0] == '%' && (p[1] == 'K' || p[1] == 'S')) {
			const char *v = p[1] == 'K' ? keyid : b64;

			memcpy(out + n, v, strlen(v));
			n += strlen(v);
			p++;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

static void test_malformed_signatures(void **state)
{
	char id[EMB_KEYID_LEN + 1], b64[89], text[512], msg[512], *sig;

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	sign_with("a", T("p.yaml"));
	sig = slurp(T("p.yaml.sig"), NULL);
	memcpy(b64, sig + strlen("embargo-sig-v1 ed25519 ") + EMB_KEYID_LEN + 1, 88);
	b64[88] = '\0';
	free(sig);

	for (size_t i = 0; i < ARRAY_SIZE(sig_cases); i++) {
		struct emb_diag d = { 0 }, w = { 0 };
		int rc;

		expand(sig_cases[i].text, id, b64, text, sizeof(text));
		write_text(T("p.yaml.sig"), text);
		snprintf(msg, sizeof(msg), "%s%s", T("p.yaml.sig"), sig_cases[i].msg);
		rc = emb_sig_verify_file(T("p.yaml"), T("keys"), &d, &w);
		if (rc != -1 || d.n != 1 || w.n || strcmp(d.msgs[0], msg))
			fail_msg("case '%s': rc %d, %zu messages, first '%s', want '%s'",
				 sig_cases[i].what, rc, d.n, d.n ? d.msgs[0] : "", msg);
		emb_diag_free(&d);
	}

	/* Far too long to be a signature. */
	sig = malloc(8192);
	assert_non_null(sig);
	memset(sig, 'A', 8192);
	write_bytes(T("p.yaml.sig"), sig, 8192);
	free(sig);
	snprintf(msg, sizeof(msg), "%s:1: malformed signature file", T("p.yaml.sig"));
	expect_verify(msg);

	/* And the untouched signature still verifies. */
	expand("embargo-sig-v1 ed25519 %K %S\n", id, b64, text, sizeof(text));
	write_text(T("p.yaml.sig"), text);
	expect_verify(NULL);
}

static void test_unknown_key(void **state)
{
	char ida[EMB_KEYID_LEN + 1], idc[EMB_KEYID_LEN + 1], msg[512];
	struct emb_diag d = { 0 };

	(void)state;
	make_key("a", ida);
	/* c's public key is never installed in keys/. */
	assert_int_equal(emb_sig_keygen(T("priv/c"), idc, &d), 0);
	write_text(T("p.yaml"), POLICY);
	sign_with("c", T("p.yaml"));
	snprintf(msg, sizeof(msg), "%s: signed by unknown key %s (not in %s)", T("p.yaml"), idc,
		 T("keys"));
	expect_verify(msg);

	/* An empty keys dir trusts nothing. */
	assert_int_equal(unlink(T("keys/a.pub")), 0);
	sign_with("a", T("p.yaml"));
	snprintf(msg, sizeof(msg), "%s: signed by unknown key %s (not in %s)", T("p.yaml"), ida,
		 T("keys"));
	expect_verify(msg);
}

static void test_two_keys(void **state)
{
	char ida[EMB_KEYID_LEN + 1], idb[EMB_KEYID_LEN + 1], msg[512];

	(void)state;
	make_key("a", ida);
	make_key("b", idb);
	assert_string_not_equal(ida, idb);
	write_text(T("p.yaml"), POLICY);
	sign_with("b", T("p.yaml"));
	expect_verify(NULL);
	sign_with("a", T("p.yaml"));
	expect_verify(NULL);

	/* The same key installed twice is harmless. */
	assert_int_equal(link(T("keys/a.pub"), T("keys/a-copy.pub")), 0);
	expect_verify(NULL);

	/* A signature that names a but was made by b: a refuses it. */
	sign_with("b", T("p.yaml"));
	{
		char *sig = slurp(T("p.yaml.sig"), NULL);

		memcpy(sig + strlen("embargo-sig-v1 ed25519 "), ida, EMB_KEYID_LEN);
		write_text(T("p.yaml.sig"), sig);
		free(sig);
	}
	snprintf(msg, sizeof(msg), "%s: signature does not verify with key %s (%s)", T("p.yaml"), ida,
		 T("keys/a-copy.pub"));
	expect_verify(msg);
}

static void write_pub_pem(const char *path, EVP_PKEY *pk)
{
	FILE *f = fopen(path, "w");

	assert_non_null(pk);
	assert_non_null(f);
	assert_int_equal(PEM_write_PUBKEY(f, pk), 1);
	assert_int_equal(fclose(f), 0);
	EVP_PKEY_free(pk);
}

static void test_unusable_keys_skipped(void **state)
{
	char ida[EMB_KEYID_LEN + 1], idg[EMB_KEYID_LEN + 1], msg[512];
	struct emb_diag d = { 0 }, w = { 0 };
	const char *const warnings[] = {
		"keys/ec.pub: skipped: EC key (only Ed25519 keys are trusted)",
		"keys/gw.pub: skipped: writable by group or others",
		"keys/junk.pub: skipped: not a PEM public key",
		"keys/private.pub: skipped: not a PEM public key",
		"keys/rsa.pub: skipped: RSA key (only Ed25519 keys are trusted)",
		"keys/sub.pub: skipped: not a regular file",
	};

	(void)state;
	make_key("a", ida);
	make_key("gw", idg);
	assert_int_equal(chmod(T("keys/gw.pub"), 0664), 0);
	write_pub_pem(T("keys/ec.pub"), EVP_EC_gen("P-256"));
	write_pub_pem(T("keys/rsa.pub"), EVP_RSA_gen(2048));
	write_text(T("keys/junk.pub"), "not a key\n");
	assert_int_equal(link(T("priv/a.key"), T("keys/private.pub")), 0);
	assert_int_equal(mkdir(T("keys/sub.pub"), 0755), 0);
	write_text(T("keys/README"), "not a .pub: ignored without a word\n");
	write_text(T("keys/.hidden.pub"), "dot files are ignored\n");

	write_text(T("p.yaml"), POLICY);
	sign_with("a", T("p.yaml"));
	assert_int_equal(emb_sig_verify_file(T("p.yaml"), T("keys"), &d, &w), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(w.n, ARRAY_SIZE(warnings));
	for (size_t i = 0; i < ARRAY_SIZE(warnings); i++)
		assert_string_equal(w.msgs[i], T("%s", warnings[i]));
	emb_diag_free(&w);

	/* The skipped key is not trusted. */
	sign_with("gw", T("p.yaml"));
	assert_int_equal(emb_sig_verify_file(T("p.yaml"), T("keys"), &d, &w), -1);
	assert_int_equal(w.n, ARRAY_SIZE(warnings));
	emb_diag_free(&w);
	snprintf(msg, sizeof(msg), "%s: signed by unknown key %s (not in %s)", T("p.yaml"), idg,
		 T("keys"));
	expect_one(&d, msg);
}

static void test_keys_dir_refused(void **state)
{
	char id[EMB_KEYID_LEN + 1], msg[512];
	struct emb_diag d = { 0 };

	(void)state;
	make_key("a", id);
	write_text(T("p.yaml"), POLICY);
	sign_with("a", T("p.yaml"));

	assert_int_equal(emb_sig_verify_file(T("p.yaml"), T("nokeys"), &d, NULL), -1);
	snprintf(msg, sizeof(msg),
		 "%s: cannot verify signature: %s: cannot open keys directory: No such file or directory",
		 T("p.yaml"), T("nokeys"));
	expect_one(&d, msg);

	assert_int_equal(chmod(T("keys"), 0777), 0);
	assert_int_equal(emb_sig_verify_file(T("p.yaml"), T("keys"), &d, NULL), -1);
	snprintf(msg, sizeof(msg),
		 "%s: cannot verify signature: %s: keys directory is writable by group or others",
		 T("p.yaml"), T("keys"));
	expect_one(&d, msg);
	assert_int_equal(chmod(T("keys"), 0755), 0);
	expect_verify(NULL);

	/* The policy itself missing. */
	assert_int_equal(emb_sig_verify_file(T("absent.yaml"), T("keys"), &d, NULL), -1);
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", T("absent.yaml"));
	expect_one(&d, msg);
}

static void write_private_pem(const char *path, EVP_PKEY *pk, const EVP_CIPHER *enc)
{
	FILE *f = fopen(path, "w");

	assert_non_null(pk);
	assert_non_null(f);
	assert_int_equal(PEM_write_PKCS8PrivateKey(f, pk, enc, NULL, 0, NULL, enc ? "secret" : NULL),
			 1);
	assert_int_equal(fclose(f), 0);
	EVP_PKEY_free(pk);
}

static void test_signer_refuses(void **state)
{
	char id[EMB_KEYID_LEN + 1], msg[512];
	struct emb_diag d = { 0 };
	struct emb_signer s;

	(void)state;
	make_key("a", id);
	assert_int_equal(emb_signer_load(&s, T("keys/a.pub"), &d), -1);
	snprintf(msg, sizeof(msg), "%s: not an unencrypted PEM private key", T("keys/a.pub"));
	expect_one(&d, msg);

	write_private_pem(T("priv/ec.key"), EVP_EC_gen("P-256"), NULL);
	assert_int_equal(emb_signer_load(&s, T("priv/ec.key"), &d), -1);
	snprintf(msg, sizeof(msg), "%s: EC key, embargo signs with Ed25519 keys only",
		 T("priv/ec.key"));
	expect_one(&d, msg);

	/* Encrypted: refused, and never a passphrase prompt. */
	write_private_pem(T("priv/enc.key"), EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"),
			  EVP_aes_256_cbc());
	assert_int_equal(emb_signer_load(&s, T("priv/enc.key"), &d), -1);
	snprintf(msg, sizeof(msg), "%s: not an unencrypted PEM private key", T("priv/enc.key"));
	expect_one(&d, msg);

	assert_int_equal(emb_signer_load(&s, T("priv/none.key"), &d), -1);
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", T("priv/none.key"));
	expect_one(&d, msg);

	/* Signing a missing file names it; no .sig appears. */
	assert_int_equal(emb_signer_load(&s, T("priv/a.key"), &d), 0);
	assert_string_equal(s.keyid, id);
	assert_int_equal(emb_sig_sign_file(&s, T("absent.yaml"), &d), -1);
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", T("absent.yaml"));
	expect_one(&d, msg);
	assert_int_equal(access(T("absent.yaml.sig"), F_OK), -1);
	emb_signer_free(&s);
}

int main(void)
{
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_keygen_files),
		T_(test_sign_verify_ok),
		T_(test_empty_file),
		T_(test_one_byte_changed),
		T_(test_buffer_is_verified),
		T_(test_no_signature),
		T_(test_signature_of_other_file),
		T_(test_malformed_signatures),
		T_(test_unknown_key),
		T_(test_two_keys),
		T_(test_unusable_keys_skipped),
		T_(test_keys_dir_refused),
		T_(test_signer_refuses),
	};

	return cmocka_run_group_tests_name("sign", tests, NULL, NULL);
}
