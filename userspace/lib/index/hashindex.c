// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * hashindex.c - walk scan roots and SHA-256 the files, in parallel.
 *
 * The calling thread walks the roots depth-first and pushes the paths of
 * candidate files into a bounded queue; a pool of hashing threads pops them,
 * opens each one without following symlinks, takes its identity from fstat
 * of the open fd (so identity and hash describe the same file even if the
 * path was replaced meanwhile), drops inodes already seen in this scan and
 * hashes the rest. Memory stays modest: the queue and the walk stack hold
 * path strings only, the seen sets hold (dev, ino) pairs.
 */
#include "hashindex.h"
#include "pagemem.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define HASH_BUF_SIZE (256 * 1024)
#define QUEUE_CAP 4096
#define POP_BATCH 16 /* paths a worker takes from the queue at once */
#define MAX_THREADS 256
#define EXEC_BITS (S_IXUSR | S_IXGRP | S_IXOTH)

uint64_t emb_kdev(dev_t st_dev)
{
	return ((uint64_t)major(st_dev) << 20) | minor(st_dev);
}

void emb_sha256_hex(const uint8_t d[32], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		buf[2 * i] = hex[d[i] >> 4];
		buf[2 * i + 1] = hex[d[i] & 0xf];
	}
	buf[64] = '\0';
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Hash fd from offset 0 to EOF with a caller-supplied ctx and buffer.
 * size: the file's st_size from fstat of this fd, or 0. Reading stops once
 * that many bytes are in, without the read that would return EOF (one
 * syscall in five for a small file): the caller records the size and ctime
 * of that fstat with the digest, and a file written since has another
 * ctime, so its record is stale whatever was read. A file that shrank
 * reads to its real EOF; size 0 (procfs) reads to EOF. Past max_bytes read
 * (a file that grows) -EFBIG; past deadline_ms (CLOCK_MONOTONIC, checked
 * between reads) -ETIMEDOUT.
 */
static int sha256_fd_buf(int fd, EVP_MD_CTX *ctx, const EVP_MD *sha256, uint8_t *buf,
			 size_t bufsz, uint64_t size, uint8_t out[32], uint64_t *nbytes,
			 uint64_t *live, uint64_t max_bytes, uint64_t deadline_ms)
{
	uint64_t off = 0;
	unsigned int mdlen = 0;
	ssize_t n;

	if (!EVP_DigestInit_ex(ctx, sha256, NULL))
		return -EIO;
	for (;;) {
		n = pread(fd, buf, bufsz, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			return -EIO;
		off += (uint64_t)n;
		if (live)
			__atomic_add_fetch(live, (uint64_t)n, __ATOMIC_RELAXED);
		if (off == size)
			break;
		if (off > max_bytes)
			return -EFBIG;
		if (now_ms() > deadline_ms)
			return -ETIMEDOUT;
	}
	if (!EVP_DigestFinal_ex(ctx, out, &mdlen) || mdlen != 32)
		return -EIO;
	if (nbytes)
		*nbytes = off;
	return 0;
}

/* ---- reads that may block: a thread of their own --------------------------- */

/* Reads left behind and still blocked; past this, give up at once. */
#define MAX_STUCK 64
static unsigned int stuck_reads;

/* One read in its own thread; freed by whichever of the two lets go last. */
struct side_read {
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	int refs, done, err, fd;
	uint64_t size, max_bytes, deadline_ms, nbytes, *live;
	int abandoned;
	uint8_t digest[32];
};

static void side_put(struct side_read *r)
{
	int last;

	pthread_mutex_lock(&r->lock);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->lock);
	if (!last)
		return;
	close(r->fd);
	pthread_cond_destroy(&r->done_cv);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static void *side_main(void *arg)
{
	struct side_read *r = arg;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t bufsz = 64 * 1024;
	uint8_t *buf = malloc(bufsz);
	int err = -ENOMEM;

	if (ctx && buf)
		err = sha256_fd_buf(r->fd, ctx, EVP_sha256(), buf, bufsz, r->size, r->digest,
				    &r->nbytes, r->live, r->max_bytes, r->deadline_ms);
	free(buf);
	EVP_MD_CTX_free(ctx);
	pthread_mutex_lock(&r->lock);
	r->err = err;
	r->done = 1;
	if (r->abandoned)
		__atomic_sub_fetch(&stuck_reads, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&r->done_cv);
	pthread_mutex_unlock(&r->lock);
	side_put(r);
	return NULL;
}

static struct timespec abs_deadline(uint64_t deadline_ms)
{
	struct timespec ts;
	uint64_t ms = deadline_ms; /* CLOCK_MONOTONIC ms: the cond uses that clock */

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	return ts;
}

static int side_init(struct side_read *r)
{
	pthread_condattr_t ca;
	int err;

	if (pthread_mutex_init(&r->lock, NULL))
		return -ENOMEM;
	err = pthread_condattr_init(&ca);
	err = err ?: pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	err = err ?: pthread_cond_init(&r->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		pthread_mutex_destroy(&r->lock);
	return -err;
}

/*
 * Hash fd in a thread of its own and wait until deadline_ms at most. On a
 * timeout the thread is left to its read (counted in stuck_reads): a
 * blocked read must not hold the caller (the agent's service loop, a scan).
 */
static int sha256_side(int fd, uint64_t size, const struct emb_hash_bound *b, uint64_t deadline_ms,
		       uint8_t out[32], uint64_t *nbytes, uint64_t *live)
{
	struct side_read *r;
	struct timespec until = abs_deadline(deadline_ms);
	pthread_attr_t attr;
	pthread_t tid;
	int err = 0;

	if (__atomic_load_n(&stuck_reads, __ATOMIC_RELAXED) >= MAX_STUCK)
		return -EAGAIN;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (side_init(r)) {
		free(r);
		return -ENOMEM;
	}
	r->fd = dup(fd);
	r->refs = 2;
	r->size = size;
	r->max_bytes = b->max_bytes;
	r->deadline_ms = deadline_ms;
	r->live = live;
	if (r->fd < 0 || pthread_attr_init(&attr)) {
		r->refs = 1;
		side_put(r);
		return -ENOMEM;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = -pthread_create(&tid, &attr, side_main, r);
	pthread_attr_destroy(&attr);
	if (err) {
		r->refs = 1;
		side_put(r);
		return err;
	}
	pthread_mutex_lock(&r->lock);
	while (!r->done && !err)
		err = pthread_cond_timedwait(&r->done_cv, &r->lock, &until) == ETIMEDOUT ? -ETIMEDOUT : 0;
	if (r->done) {
		err = r->err;
		if (!err) {
			memcpy(out, r->digest, 32);
			if (nbytes)
				*nbytes = r->nbytes;
		}
	} else {
		r->abandoned = 1;
		__atomic_add_fetch(&stuck_reads, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&r->lock);
	side_put(r);
	return err;
}

/*
 * A file on a filesystem without a block device of its own (major 0: FUSE,
 * NFS, CIFS, 9p, but also tmpfs, overlayfs, btrfs) may be served by
 * someone who never answers a read: those reads go to a side thread. A
 * block device's read ends (an error at worst), so it is read here.
 */
static int may_block(const struct stat *st)
{
	return major(st->st_dev) == 0;
}

/* The bounded hash of an open file with the caller's ctx and buffer. */
static int sha256_bounded(int fd, const struct stat *st, const struct emb_hash_bound *b,
			  EVP_MD_CTX *ctx, const EVP_MD *md, uint8_t *buf, size_t bufsz,
			  uint8_t out[32], uint64_t *nbytes, uint64_t *live)
{
	uint64_t deadline = now_ms() + b->max_ms;

	if ((uint64_t)st->st_size > b->max_bytes)
		return -EFBIG;
	if (may_block(st))
		return sha256_side(fd, (uint64_t)st->st_size, b, deadline, out, nbytes, live);
	return sha256_fd_buf(fd, ctx, md, buf, bufsz, (uint64_t)st->st_size, out, nbytes, live,
			     b->max_bytes, deadline);
}

int emb_sha256_fd_bounded(int fd, const struct emb_hash_bound *b, uint8_t out[32])
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t *buf = NULL;
	struct stat st;
	int err;

	if (fstat(fd, &st))
		return -errno;
	ctx = EVP_MD_CTX_new();
	buf = malloc(HASH_BUF_SIZE);
	err = ctx && buf ? sha256_bounded(fd, &st, b, ctx, EVP_sha256(), buf, HASH_BUF_SIZE, out,
					  NULL, NULL) :
			   -ENOMEM;
	free(buf);
	EVP_MD_CTX_free(ctx);
	return err;
}

struct emb_hash_bound emb_hash_bound_default(void)
{
	struct emb_hash_bound b = { EMB_HASH_MAX_BYTES, 30000 };
	const char *env = getenv("EMBARGO_HASH_TIMEOUT_MS");
	char *end;
	unsigned long v;

	if (env && *env) {
		errno = 0;
		v = strtoul(env, &end, 10);
		if (!errno && !*end && v > 0 && v <= 3600000)
			b.max_ms = (uint32_t)v;
	}
	return b;
}

int emb_sha256_fd(int fd, uint8_t out[32])
{
	const struct emb_hash_bound b = emb_hash_bound_default();

	return emb_sha256_fd_bounded(fd, &b, out);
}

const char *emb_hash_strerror(int err, char *buf, size_t len)
{
	if (err == -EFBIG)
		snprintf(buf, len, "skipped: larger than the hash bound (%llu bytes)",
			 (unsigned long long)EMB_HASH_MAX_BYTES);
	else if (err == -ETIMEDOUT)
		snprintf(buf, len, "skipped: reading did not finish within the hash time bound");
	else if (err == -EAGAIN)
		snprintf(buf, len, "skipped: too many earlier reads still blocked");
	else
		snprintf(buf, len, "%s", strerror(-err));
	return buf;
}

int emb_index_candidate(const char *name, mode_t mode, int libs)
{
	const char *base = strrchr(name, '/'), *so;

	if (!S_ISREG(mode))
		return 0;
	if (mode & EXEC_BITS)
		return 1;
	if (!libs)
		return 0;
	base = base ? base + 1 : name;
	so = strstr(base, ".so");
	return so && so != base && (so[3] == '\0' || so[3] == '.');
}

/* --- (dev, ino) set: open addressing, linear probing ---------------------- */

struct ino_slot {
	uint64_t dev, ino;
	int used;
};

struct ino_set {
	struct ino_slot *slots;
	size_t cap, n; /* cap is a power of two */
};

static struct ino_slot *ino_find(struct ino_slot *slots, size_t cap, uint64_t dev, uint64_t ino)
{
	size_t i = emb_ino_hash(dev, ino) & (cap - 1);

	while (slots[i].used && (slots[i].dev != dev || slots[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int ino_grow(struct ino_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i;
	struct ino_slot *slots = emb_pages_alloc(cap * sizeof(*slots)); /* see pagemem.h */

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->slots[i].used)
			*ino_find(slots, cap, s->slots[i].dev, s->slots[i].ino) = s->slots[i];
	emb_pages_free(s->slots, s->cap * sizeof(*s->slots));
	s->slots = slots;
	s->cap = cap;
	return 0;
}

/* 1 if (dev, ino) is new and now recorded, 0 if already seen, -ENOMEM. */
static int ino_add(struct ino_set *s, uint64_t dev, uint64_t ino)
{
	struct ino_slot *slot;

	/* Keep the load under one half so probe chains stay short. */
	if (2 * (s->n + 1) > s->cap && ino_grow(s))
		return -ENOMEM;
	slot = ino_find(s->slots, s->cap, dev, ino);
	if (slot->used)
		return 0;
	*slot = (struct ino_slot){ .dev = dev, .ino = ino, .used = 1 };
	s->n++;
	return 1;
}

static void ino_free(struct ino_set *s)
{
	emb_pages_free(s->slots, s->cap * sizeof(*s->slots));
	s->slots = NULL;
	s->cap = s->n = 0;
}

/* --- scan state ------------------------------------------------------------ */

struct scan {
	const struct emb_scan_opts *o;
	emb_scan_cb cb;
	void *ctx;

	/* Serialises the callbacks (cb, o->reuse) and stats.files, .bytes,
	 * .reused. Never taken inside lock: callbacks (a map write, a lock
	 * of the caller's) must not stall the walk and the other workers. */
	pthread_mutex_t cb_lock;
	pthread_mutex_t lock; /* everything below, but the stats named above */
	pthread_cond_t not_empty, not_full;
	char *queue[QUEUE_CAP];
	size_t head, count;
	int done; /* the walk is over: workers exit once the queue is empty */
	int ret;  /* first non-zero: callback value or -errno; stops the scan */
	struct ino_set files; /* inodes hashed (or being hashed) */
	struct emb_scan_stats stats;
	const struct emb_hash_bound *bound; /* o->bound or the default */
	struct emb_hash_bound default_bound;
};

static void scan_error(struct scan *s, const char *path, int err)
{
	char msg[128];

	pthread_mutex_lock(&s->lock);
	s->stats.errors++;
	if (s->o->err_cb)
		s->o->err_cb(s->ctx, path, err);
	else
		emb_warn("scan: %s: %s", path, emb_hash_strerror(-err, msg, sizeof(msg)));
	pthread_mutex_unlock(&s->lock);
}

/* Record the first reason to stop and wake everyone blocked on the queue. */
static void scan_stop_locked(struct scan *s, int ret)
{
	if (!s->ret)
		s->ret = ret;
	pthread_cond_broadcast(&s->not_empty);
	pthread_cond_broadcast(&s->not_full);
}

static int scan_stopped(struct scan *s)
{
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = s->ret;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

/* Takes ownership of path. Blocks while the queue is full. */
static int queue_push(struct scan *s, char *path)
{
	int ret;

	pthread_mutex_lock(&s->lock);
	while (s->count == QUEUE_CAP && !s->ret)
		pthread_cond_wait(&s->not_full, &s->lock);
	ret = s->ret;
	if (!ret) {
		s->queue[(s->head + s->count) % QUEUE_CAP] = path;
		s->count++;
		pthread_cond_signal(&s->not_empty);
	}
	pthread_mutex_unlock(&s->lock);
	if (ret)
		free(path);
	return ret;
}

/*
 * Up to max paths to hash into out; 0 when the walk is over or stopped.
 * Batches and a half-empty threshold for waking the walker (which waits
 * only on a full queue) keep the lock and futex traffic per file low: one
 * wake per pop made the walker and workers ping-pong on every path.
 */
static size_t queue_pop(struct scan *s, char **out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	while (!s->count && !s->done && !s->ret)
		pthread_cond_wait(&s->not_empty, &s->lock);
	for (; !s->ret && s->count && n < max; n++) {
		out[n] = s->queue[s->head];
		s->head = (s->head + 1) % QUEUE_CAP;
		s->count--;
	}
	if (n && s->count <= QUEUE_CAP / 2 && s->count + n > QUEUE_CAP / 2)
		pthread_cond_signal(&s->not_full);
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void queue_drain(struct scan *s)
{
	while (s->count) {
		free(s->queue[s->head]);
		s->head = (s->head + 1) % QUEUE_CAP;
		s->count--;
	}
}

/* --- hashing threads --------------------------------------------------------- */

struct worker {
	struct scan *s;
	pthread_t tid;
	EVP_MD_CTX *md;
	/* Fetched once: EVP_sha256() makes every EVP_DigestInit_ex look the
	 * algorithm up in the providers again (~0.3 us a file here). */
	EVP_MD *sha256;
	uint8_t *buf;
};

/* A file that went away or changed type under us is skipped, not an error. */
static int vanished(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ELOOP;
}

static int open_file(const char *path)
{
	/*
	 * O_NONBLOCK: if the path was swapped for a FIFO since the walk saw
	 * it, open must not hang; it changes nothing for regular files.
	 * O_NOCTTY: nor may a tty swapped in become the agent's.
	 */
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	int fd = open(path, flags | O_NOATIME);

	/* O_NOATIME needs ownership or CAP_FOWNER; the atime is not worth failing for. */
	if (fd < 0 && errno == EPERM)
		fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

/*
 * 1 if the open file is one to hash: regular, exec bit if asked, not seen
 * yet (each_link: a further link of an inode is hashed again, so that every
 * path of banned content is reported).
 */
static int want_file(struct scan *s, const char *path, const struct stat *st)
{
	int ret;

	if (!S_ISREG(st->st_mode))
		return 0;
	if (s->o->exec_only && !emb_index_candidate(path, st->st_mode, s->o->libs))
		return 0;
	if (s->o->each_link)
		return 1;
	pthread_mutex_lock(&s->lock);
	ret = ino_add(&s->files, emb_kdev(st->st_dev), st->st_ino);
	if (ret < 0)
		scan_stop_locked(s, ret);
	pthread_mutex_unlock(&s->lock);
	return ret > 0;
}

static void scan_stop(struct scan *s, int ret)
{
	pthread_mutex_lock(&s->lock);
	scan_stop_locked(s, ret);
	pthread_mutex_unlock(&s->lock);
}

static void report_file(struct scan *s, const struct emb_file_hash *fh, uint64_t nbytes)
{
	int ret = 0;

	pthread_mutex_lock(&s->cb_lock);
	if (!scan_stopped(s)) {
		s->stats.files++;
		s->stats.bytes += nbytes;
		ret = s->cb(s->ctx, fh);
	}
	/* Recorded before the next callback can start: none runs after a stop. */
	if (ret)
		scan_stop(s, ret);
	pthread_mutex_unlock(&s->cb_lock);
}

static void hash_path(struct worker *w, const char *path)
{
	struct emb_file_hash fh = { .path = path };
	uint64_t nbytes = 0;
	struct stat st;
	int fd, err;

	fd = open_file(path);
	if (fd < 0) {
		if (!vanished(-fd))
			scan_error(w->s, path, -fd);
		return;
	}
	if (fstat(fd, &st)) {
		scan_error(w->s, path, errno);
		goto out;
	}
	if (!want_file(w->s, path, &st))
		goto out;
	err = sha256_bounded(fd, &st, w->s->bound, w->md, w->sha256, w->buf, HASH_BUF_SIZE,
			     fh.sha256, &nbytes, w->s->o->live_bytes);
	if (err) {
		scan_error(w->s, path, -err);
		goto out;
	}
	fh.kdev = emb_kdev(st.st_dev);
	fh.ino = st.st_ino;
	fh.size = (uint64_t)st.st_size;
	fh.ctime_sec = st.st_ctim.tv_sec;
	fh.ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	report_file(w->s, &fh, nbytes);
out:
	close(fd);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char *batch[POP_BATCH];
	size_t n;

	while ((n = queue_pop(w->s, batch, POP_BATCH)))
		for (size_t i = 0; i < n; i++) {
			hash_path(w, batch[i]);
			free(batch[i]);
		}
	return NULL;
}

static void worker_free(struct worker *w)
{
	EVP_MD_CTX_free(w->md);
	EVP_MD_free(w->sha256);
	free(w->buf);
}

static int worker_start(struct worker *w, struct scan *s)
{
	int err;

	w->s = s;
	w->md = EVP_MD_CTX_new();
	w->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	w->buf = malloc(HASH_BUF_SIZE);
	if (!w->md || !w->sha256 || !w->buf) {
		err = -ENOMEM;
		goto fail;
	}
	err = -pthread_create(&w->tid, NULL, worker_main, w);
	if (err)
		goto fail;
	return 0;
fail:
	worker_free(w);
	return err;
}

/* --- the walk ---------------------------------------------------------------- */

struct walk {
	struct scan *s;
	char **stack; /* directories still to read */
	size_t n, cap;
	struct ino_set dirs; /* directories entered: bind-mount loops end here */
};

int emb_path_covers(const char *ex, const char *path)
{
	size_t len = strlen(ex);

	while (len > 1 && ex[len - 1] == '/')
		len--;
	if (len == 1 && ex[0] == '/')
		return path[0] == '/';
	return len && !strncmp(path, ex, len) && (path[len] == '\0' || path[len] == '/');
}

static int excluded(const struct emb_scan_opts *o, const char *path)
{
	size_t i;

	for (i = 0; i < o->n_exclude; i++)
		if (o->exclude[i] && emb_path_covers(o->exclude[i], path))
			return 1;
	return 0;
}

static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = !dl || dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

/* Takes ownership of dir. */
static int walk_push(struct walk *w, char *dir)
{
	size_t cap;
	char **grown;

	if (w->n == w->cap) {
		cap = w->cap ? w->cap * 2 : 64;
		grown = realloc(w->stack, cap * sizeof(*grown));
		if (!grown) {
			free(dir);
			return -ENOMEM;
		}
		w->stack = grown;
		w->cap = cap;
	}
	w->stack[w->n++] = dir;
	return 0;
}

/* 1: the caller knows the file unchanged (counted, not hashed); 0: hash
 * it; <0 stops the scan. Serialised with the hash callbacks. */
static int try_reuse(struct scan *s, const char *path, const struct stat *st)
{
	int r;

	if (!s->o->reuse)
		return 0;
	pthread_mutex_lock(&s->cb_lock);
	r = scan_stopped(s);
	r = r ? r : s->o->reuse(s->ctx, path, st);
	if (r > 0)
		s->stats.reused++;
	if (r < 0)
		scan_stop(s, r);
	pthread_mutex_unlock(&s->cb_lock);
	return r;
}

/* Hand a directory entry to the queue or the stack; path is consumed. */
static int walk_entry(struct walk *w, int dfd, const struct dirent *de, char *path)
{
	unsigned char type = de->d_type;
	struct stat st;

	if (excluded(w->s->o, path))
		goto skip;
	if (type == DT_UNKNOWN || (type == DT_REG && (w->s->o->exec_only || w->s->o->reuse))) {
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			if (!vanished(errno))
				scan_error(w->s, path, errno);
			goto skip;
		}
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		/* A cheap early filter; the worker checks again on the open fd. */
		if (type == DT_REG && w->s->o->exec_only &&
		    !emb_index_candidate(de->d_name, st.st_mode, w->s->o->libs))
			goto skip;
		if (type == DT_REG) {
			int r = try_reuse(w->s, path, &st);

			if (r)
				goto skip; /* known unchanged, or the scan stops */
		}
	}
	if (type == DT_DIR)
		return walk_push(w, path);
	if (type == DT_REG)
		return queue_push(w->s, path);
skip:
	free(path);
	return 0;
}

static int walk_dir(struct walk *w, const char *dir)
{
	struct dirent *de;
	struct stat st;
	char *path;
	DIR *d = NULL;
	int fd, err = 0;

	/* O_NOFOLLOW: a directory swapped for a symlink since we saw it is not entered. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (!vanished(errno))
			scan_error(w->s, dir, errno);
		goto out;
	}
	err = ino_add(&w->dirs, emb_kdev(st.st_dev), st.st_ino);
	if (err <= 0)
		goto out;
	err = 0;
	d = fdopendir(fd);
	if (!d) {
		scan_error(w->s, dir, errno);
		goto out;
	}
	fd = -1;
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = join_path(dir, de->d_name);
		if (!path) {
			err = -ENOMEM;
			goto out;
		}
		err = walk_entry(w, dirfd(d), de, path);
		if (err)
			goto out;
	}
	if (errno)
		scan_error(w->s, dir, errno);
out:
	if (d)
		closedir(d);
	if (fd >= 0)
		close(fd);
	return err;
}

/* A copy of root without trailing slashes ("/" stays "/"). */
static char *root_path(const char *root)
{
	size_t len = strlen(root);

	while (len > 1 && root[len - 1] == '/')
		len--;
	return strndup(root, len);
}

static int walk_root(struct walk *w, const char *root)
{
	char *path = root_path(root);
	struct stat st;
	int err = 0;

	if (!path)
		return -ENOMEM;
	if (excluded(w->s->o, path))
		goto skip;
	/* lstat: a root that is a symlink is not followed either. */
	if (lstat(path, &st)) {
		scan_error(w->s, path, errno);
		goto skip;
	}
	if (S_ISREG(st.st_mode))
		return queue_push(w->s, path);
	if (!S_ISDIR(st.st_mode))
		goto skip;
	err = walk_push(w, path);
	while (!err && w->n) {
		path = w->stack[--w->n];
		err = walk_dir(w, path);
		free(path);
		if (!err)
			err = scan_stopped(w->s);
	}
	return err;
skip:
	free(path);
	return 0;
}

static int walk_all(struct scan *s)
{
	struct walk w = { .s = s };
	size_t i;
	int err = 0;

	for (i = 0; i < s->o->n_roots && !err; i++)
		err = walk_root(&w, s->o->roots[i]);
	while (w.n)
		free(w.stack[--w.n]);
	free(w.stack);
	ino_free(&w.dirs);
	return err;
}

/* --- entry point ------------------------------------------------------------- */

static int thread_count(int threads)
{
	long n = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static int scan_init(struct scan *s)
{
	if (pthread_mutex_init(&s->cb_lock, NULL))
		return -ENOMEM;
	if (pthread_mutex_init(&s->lock, NULL))
		goto err_cb_lock;
	if (pthread_cond_init(&s->not_empty, NULL))
		goto err_lock;
	if (pthread_cond_init(&s->not_full, NULL))
		goto err_cond;
	return 0;
err_cond:
	pthread_cond_destroy(&s->not_empty);
err_lock:
	pthread_mutex_destroy(&s->lock);
err_cb_lock:
	pthread_mutex_destroy(&s->cb_lock);
	return -ENOMEM;
}

static void scan_destroy(struct scan *s)
{
	queue_drain(s);
	ino_free(&s->files);
	pthread_cond_destroy(&s->not_full);
	pthread_cond_destroy(&s->not_empty);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->cb_lock);
}

/* Start up to n workers; fewer is fine as long as one runs. */
static int start_workers(struct scan *s, struct worker *w, int n, int *started)
{
	int i, err = 0;

	for (i = 0; i < n; i++) {
		err = worker_start(&w[i], s);
		if (err)
			break;
	}
	*started = i;
	return i ? 0 : err;
}

static int run_scan(struct scan *s, int nthreads)
{
	struct worker *w = calloc((size_t)nthreads, sizeof(*w));
	int i, started = 0, err;

	if (!w)
		return -ENOMEM;
	err = start_workers(s, w, nthreads, &started);
	if (err)
		goto out;
	err = walk_all(s);
	pthread_mutex_lock(&s->lock);
	if (err)
		scan_stop_locked(s, err);
	s->done = 1;
	pthread_cond_broadcast(&s->not_empty);
	pthread_mutex_unlock(&s->lock);
	for (i = 0; i < started; i++) {
		pthread_join(w[i].tid, NULL);
		worker_free(&w[i]);
	}
	err = s->ret;
out:
	free(w);
	return err;
}

int emb_scan(const struct emb_scan_opts *o, emb_scan_cb cb, void *ctx, struct emb_scan_stats *stats)
{
	struct scan *s;
	int err;

	if (!o || !cb || (o->n_roots && !o->roots) || (o->n_exclude && !o->exclude))
		return -EINVAL;
	/* The queue is a few pages of pointers: keep it off the caller's stack. */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = o;
	s->default_bound = emb_hash_bound_default();
	s->bound = o->bound ? o->bound : &s->default_bound;
	s->cb = cb;
	s->ctx = ctx;
	err = scan_init(s);
	if (err)
		goto out;
	err = run_scan(s, thread_count(o->threads));
	if (stats)
		*stats = s->stats;
	scan_destroy(s);
out:
	free(s);
	return err;
}
