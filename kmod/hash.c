// SPDX-License-Identifier: GPL-2.0
/*
 * hash.c - SHA-256 of an exec'd file, read with kernel_read, through the
 * crypto API ("sha256": the fastest implementation the kernel has). The
 * exec holds deny_write_access on the file, so its bytes cannot change
 * while they are read. Bounded in size (emb_max_hash_bytes) and time
 * (emb_max_hash_ms); the caller denies when this fails (fail-closed).
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <crypto/hash.h>

#include "emb_kmod.h"

/* Read size per kernel_read: fixed, never derived from the file. */
#define EMB_HASH_CHUNK (32 * 1024)

static struct crypto_shash *emb_sha256;

int emb_hash_init(void)
{
	emb_sha256 = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(emb_sha256)) {
		pr_err("embargo: no sha256 in the crypto API: %ld\n", PTR_ERR(emb_sha256));
		return PTR_ERR(emb_sha256);
	}
	return 0;
}

void emb_hash_exit(void)
{
	crypto_free_shash(emb_sha256);
}

/* Feed size bytes of file to desc; stops at the time bound or a fatal signal. */
static int emb_hash_feed(struct shash_desc *desc, struct file *file, loff_t size, u8 *buf)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(READ_ONCE(emb_max_hash_ms));
	loff_t pos = 0;
	ssize_t n;
	int err = 0;

	while (!err && pos < size) {
		n = kernel_read(file, buf, min_t(loff_t, EMB_HASH_CHUNK, size - pos), &pos);
		if (n < 0)
			err = n;
		else if (n == 0)
			err = -EIO; /* shorter than its inode said */
		else
			err = crypto_shash_update(desc, buf, n);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		if (!err && time_after(jiffies, deadline))
			err = -ETIMEDOUT;
		cond_resched();
	}
	return err;
}

int emb_hash_file(struct file *file, loff_t size, u8 digest[EMB_SHA256_BYTES])
{
	SHASH_DESC_ON_STACK(desc, emb_sha256);
	u8 *buf;
	int err;

	if (size < 0 || (u64)size > READ_ONCE(emb_max_hash_bytes))
		return -EFBIG;
	buf = kvmalloc(EMB_HASH_CHUNK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	desc->tfm = emb_sha256;
	err = crypto_shash_init(desc);
	err = err ?: emb_hash_feed(desc, file, size, buf);
	err = err ?: crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	kvfree(buf);
	return err;
}
