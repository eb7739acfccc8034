// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * agent_index.c - keep the kernel's inode verdicts true.
 *
 * Start-up: load the persistent index (state dir, LMDB: its size sizes the
 * verdict tables), write every listed verdict to emb_listed before the
 * hooks attach, and every clean one to emb_clean after (each with the ctime
 * and size it was computed for): a clean table that cannot be filled never
 * keeps anything from being enforced. Then scan the roots, hashing only
 * files whose size or ctime changed. A cold start (no complete index yet)
 * scans before returning, so the agent never announces a policy it cannot
 * enforce; a warm start returns at once (the cached verdicts enforce) and
 * rescans in the background.
 *
 * Then one thread serves, until agent_index_stop():
 *   - hash requests from the kernel (emb_hashreq): an unverified exec or
 *     mmap. The file is opened through the process (/proc/PID/exe, fd,
 *     map_files) or its path, hashed, and its verdict written; if it was
 *     let run (unverified: allow) and is banned, the process is killed;
 *   - fanotify: a file written, created, moved or chmod'ed is hashed at once;
 *   - a heartbeat in emb_config every second (see embargo_abi.h).
 */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent_int.h"
#include "cgroup.h"
#include "fswatch.h"
#include "hashindex.h"
#include "idxevents.h"
#include "index_db.h"
#include "namelist.h"
#include "log.h"
#include "prockill.h"
#include "ratelimit.h"

#define HEARTBEAT_MS 1000
#define PUT_BATCH 4096

struct agent_index {
	struct agent *a;
	pthread_mutex_t lock; /* db, config, and a->pol as this file reads it */
	struct emb_idx db;
	char **roots;
	size_t n_roots;
	char **exclude;
	size_t n_exclude;
	pthread_t svc, rescan;
	int svc_started, rescan_started;
	int stop_fd; /* eventfd: the service thread ends */
	struct ring_buffer *rb;
	struct emb_fswatch fw;
	int complete;      /* a full index build finished once */
	int deferred_said; /* "deny acts as allow" was logged */
	int bound_said;    /* "... deny in force from now" was logged */
	uint64_t started_ns; /* CLOCK_MONOTONIC at start: the first build's bound */
	uint64_t beat_ns;  /* last heartbeat written */
	struct emb_config cfg;
	uint64_t on_demand; /* files hashed on request or write */
	struct batch *pending; /* a first build's clean verdicts not yet in the kernel */
	struct emb_ratelimit rl; /* `unverified` lines, per inode */
	int rl_ready;
	uint64_t hashreq_lost_said; /* EMB_STAT_HASHREQ_LOST already logged */
	uint64_t overflows_said;    /* fanotify overflows already logged */
	uint64_t clean_full;   /* clean verdicts emb_clean had no room for */
	size_t n_clean;        /* clean entries of the index (put_all's banned pass) */
	int full_said;         /* the full clean table was logged */
};

/* ---- verdicts ------------------------------------------------------------ */

/* A path glob's verdict for path (none when path is NULL). */
static struct emb_verdict path_verdict(const struct agent *a, const char *path)
{
	struct emb_verdict none = { 0 };

	return path && a->pol.compiled.n_paths ? emb_compiled_path_verdict(&a->pol.compiled, path) :
						 none;
}

/*
 * The verdict for a file's content and (when known) its path: the hash
 * rule's, unless a path glob's is stronger. Path verdicts follow the path
 * the index recorded for the inode; a directory renamed since is caught by
 * on_reuse() at the next scan.
 */
static struct emb_inode_val inode_val(const struct agent *a, const struct emb_idx_rec *r,
				      const char *path)
{
	const struct emb_verdict *v = emb_compiled_hash_verdict(&a->pol.compiled, r->sha256);
	struct emb_verdict pv = path_verdict(a, path);
	struct emb_inode_val out = {
		.ctime_sec = r->ctime_sec,
		.ctime_nsec = r->ctime_nsec,
		.size = r->size,
	};

	if (v) {
		out.action = v->action;
		out.rule_id = v->rule_id;
	}
	if (pv.action > out.action) {
		out.action = pv.action;
		out.rule_id = pv.rule_id;
	}
	return out;
}

/*
 * How long a first index build may let `unverified: deny` act as allow.
 * The one exception to "deny holds" (contract.md §5): a host indexing for the
 * first time must still boot its own tools, but not for ever: past this
 * the build goes on under deny (unhashed files are hashed on request).
 */
#define FIRST_BUILD_ALLOW_NS (10ULL * 60 * 1000000000ULL)

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A file rule (hash or path glob) denies on this host: it enforces. */
/* The mode the kernel applies: the compiled one (compile.c), but deny only
 * once an index build completed or the first one ran past its bound
 * (fail-open until then: the host must boot its own tools). */
static uint32_t wanted_mode(struct agent_index *x)
{
	uint32_t mode = x->a->pol.compiled.unverified; /* compile.c decides */

	if (mode != EMB_UNV_DENY)
		return mode;
	if (!x->complete && mono_ns() - x->started_ns < FIRST_BUILD_ALLOW_NS) {
		if (!x->deferred_said++)
			emb_warn("index: unverified: deny acts as allow until the first full index "
				 "build completes (at most %llu s)", FIRST_BUILD_ALLOW_NS / 1000000000ULL);
		return EMB_UNV_ALLOW;
	}
	if (!x->complete && x->deferred_said && !x->bound_said++)
		emb_warn("index: first index build still running after %llu s: unverified: deny "
			 "in force from now", FIRST_BUILD_ALLOW_NS / 1000000000ULL);
	return EMB_UNV_DENY;
}

/* The agent's own executable, as the kernel keys it (see emb_config). */
static void own_exe(struct emb_config *c)
{
	struct stat st;

	if (stat("/proc/self/exe", &st))
		return;
	c->agent_exe_dev = emb_kdev(st.st_dev);
	c->agent_exe_ino = st.st_ino;
}

/* Caller holds x->lock. */
static int write_config(struct agent_index *x)
{
	x->cfg.unverified = wanted_mode(x);
	x->cfg.agent_tgid = (uint32_t)getpid();
	x->cfg.heartbeat_ns = mono_ns();
	x->cfg.flags = x->a->pol.host.unverified_down_allow ? EMB_CFG_DOWN_ALLOW : 0;
	own_exe(&x->cfg);
	x->beat_ns = x->cfg.heartbeat_ns;
	return emb_loader_set_config(x->a->loader, &x->cfg);
}

/*
 * The heartbeat: "the agent is making progress". Written by whoever
 * advances (the service loop between requests, a scan between files), at
 * most once a second. Caller holds x->lock. A failed write is reported:
 * the kernel then sees a stalled agent (deny holds; fail-closed).
 */
static void beat_locked(struct agent_index *x)
{
	uint64_t now = mono_ns();

	if (now - x->beat_ns < HEARTBEAT_MS * 1000000ULL)
		return;
	/* A first build that ran past its bound turns deny on here. */
	if (!x->complete && x->cfg.unverified == EMB_UNV_ALLOW && wanted_mode(x) == EMB_UNV_DENY) {
		if (write_config(x))
			emb_warn("index: writing the config failed");
		return;
	}
	x->cfg.heartbeat_ns = now;
	x->beat_ns = now;
	if (emb_loader_set_config(x->a->loader, &x->cfg))
		emb_warn("index: heartbeat not written");
}

/*
 * A full clean table: the files it has no room for stay unverified (denied
 * under `unverified: deny`, hashed at each exec under allow): fail-closed,
 * and said in the log (put_all() sums up a pass; a file hashed on demand
 * is said the first time and every 1000th). Caller holds x->lock.
 */
static void note_clean_full(struct agent_index *x, uint32_t n)
{
	x->clean_full += n;
}

static void say_clean_full(struct agent_index *x, const struct emb_inode_key *k)
{
	if (x->full_said++ % 1000 == 0)
		emb_err("index: the clean verdict table (emb_clean) is full: "
				"inode %llu:%llu stays unverified (%llu so far)",
			(unsigned long long)k->dev, (unsigned long long)k->ino,
			(unsigned long long)x->clean_full);
}

/* Verdicts written to one table PUT_BATCH at a time, one syscall each. */
struct batch {
	struct agent_index *x;
	enum emb_vtable t;
	struct emb_inode_key k[PUT_BATCH];
	struct emb_inode_val v[PUT_BATCH];
	uint32_t n;
	int err; /* sticky: the first failed write */
	struct by_age *age;
};

static int batch_flush(struct batch *b)
{
	uint32_t full = 0;

	if (b->n && !b->err)
		b->err = emb_loader_put_verdicts(b->x->a->loader, b->t, b->k, b->v, b->n, &full);
	note_clean_full(b->x, full);
	b->n = 0;
	beat_locked(b->x); /* callers hold x->lock */
	return b->err;
}

static int batch_push(struct batch *b, const struct emb_inode_key *k, const struct emb_inode_val *v)
{
	b->k[b->n] = *k;
	b->v[b->n] = *v;
	return ++b->n == PUT_BATCH ? batch_flush(b) : b->err;
}

/*
 * One verdict into its table, at once. A listed one first goes into
 * emb_listed, then its clean twin is dropped; a clean one goes into
 * emb_clean, then a listed twin (an earlier policy's) is dropped: the
 * kernel prefers a fresh listed entry, so no step ever shows "clean" for a
 * listed file. Returns the error of the write that matters: a listed
 * verdict that did not reach the kernel is an error (the caller kills or
 * the file stays unverified); a full clean table is not (note_clean_full).
 * Caller holds x->lock.
 */
static int put_now(struct agent_index *x, const struct emb_inode_key *k,
		   const struct emb_inode_val *v)
{
	struct emb_loader *l = x->a->loader;
	int err;

	if (v->action != EMB_ACT_NONE) {
		err = emb_loader_put_verdict(l, EMB_VT_LISTED, k, v);
		if (err == -E2BIG)
			emb_err("index: the listed verdict table (emb_listed) is "
					"full: inode %llu:%llu stays unverified",
				(unsigned long long)k->dev, (unsigned long long)k->ino);
		if (!err && v->action == EMB_ACT_DENY)
			x->a->banned_inodes++;
		return err ?: emb_loader_del_verdict(l, EMB_VT_CLEAN, k);
	}
	err = emb_loader_put_verdict(l, EMB_VT_CLEAN, k, v);
	if (err == -E2BIG) {
		note_clean_full(x, 1);
		say_clean_full(x, k);
		err = 0;
	}
	/* A listed twin left behind keeps the file denied: fail-closed. */
	return err ?: emb_loader_del_verdict(l, EMB_VT_LISTED, k);
}

/*
 * Record a hashed file and write its verdict. Caller holds x->lock.
 * While a first index build runs, a clean verdict waits in x->pending (one
 * map write per file cost more than hashing a small one); until written
 * the inode is unverified in the kernel, as before it was hashed. A banned
 * verdict is always written at once.
 */
static int record(struct agent_index *x, uint64_t dev, uint64_t ino, const struct emb_idx_rec *r,
		  const char *path, struct emb_inode_val *out)
{
	struct emb_inode_key key = { .dev = dev, .ino = ino };
	struct emb_inode_val v = inode_val(x->a, r, path);
	int err;

	/* The verdict is known even when it cannot be kept: a caller that let
	 * a banned file run still kills it (on_hashreq). */
	if (out)
		*out = v;
	err = emb_idx_put(&x->db, dev, ino, r, path);
	if (err)
		return err;
	if (x->pending && v.action == EMB_ACT_NONE)
		return batch_push(x->pending, &key, &v);
	/* Fail-closed: a verdict that cannot reach the kernel leaves the inode
	 * unverified there (denied under `unverified: deny`), never clean. */
	return put_now(x, &key, &v);
}

/* ---- cached verdicts first ------------------------------------------------- */

/* The verdict the index gives an entry under the policy in force. */
static struct emb_inode_val ent_val(struct agent_index *x, const struct emb_idx_ent *e)
{
	char buf[PATH_MAX];
	const char *path = NULL;

	if (x->a->pol.compiled.n_paths)
		path = emb_idx_path(&x->db, e, buf, sizeof(buf));
	return inode_val(x->a, &e->rec, path);
}

/* Clean entries of an index too large for emb_clean, to be put oldest first. */
struct by_age {
	const struct emb_idx_ent **e;
	size_t n, cap;
};

/* The table put_all() fills in this pass (or, with b->age, the clean
 * entries collected to be sorted first). */
static int batch_add(void *ctx, const struct emb_idx_ent *e)
{
	struct batch *b = ctx;
	struct emb_inode_key k = { .dev = e->dev, .ino = e->ino };
	struct emb_inode_val v = ent_val(b->x, e);
	int listed = v.action != EMB_ACT_NONE;

	if (listed != (b->t == EMB_VT_LISTED)) {
		b->x->n_clean += !listed;
		return 0;
	}
	if (v.action == EMB_ACT_DENY)
		b->x->a->banned_inodes++;
	if (b->age) {
		if (b->age->n == b->age->cap)
			return -ENOMEM;
		b->age->e[b->age->n++] = e;
		return 0;
	}
	return batch_push(b, &k, &v);
}

static int older_first(const void *pa, const void *pb)
{
	const struct emb_idx_rec *a = &(*(const struct emb_idx_ent *const *)pa)->rec,
				 *b = &(*(const struct emb_idx_ent *const *)pb)->rec;

	if (a->ctime_sec != b->ctime_sec)
		return a->ctime_sec < b->ctime_sec ? -1 : 1;
	return a->ctime_nsec < b->ctime_nsec ? -1 : a->ctime_nsec > b->ctime_nsec;
}

/*
 * More clean files than emb_clean holds: the oldest (by ctime) go in first,
 * so a flood of new files (any user can make a million) cannot push out
 * the host's own long-standing ones; the newest stay unverified.
 */
static int put_clean_by_age(struct batch *b)
{
	struct agent_index *x = b->x;
	struct by_age age = { .cap = x->n_clean };
	int err;

	age.e = malloc((age.cap ? age.cap : 1) * sizeof(*age.e));
	if (!age.e)
		return -ENOMEM;
	b->age = &age;
	err = emb_idx_foreach(&x->db, batch_add, b);
	b->age = NULL;
	if (!err)
		qsort(age.e, age.n, sizeof(*age.e), older_first);
	for (size_t i = 0; i < age.n && !err; i++) {
		struct emb_inode_key k = { .dev = age.e[i]->dev, .ino = age.e[i]->ino };
		struct emb_inode_val v = ent_val(x, age.e[i]);

		err = batch_push(b, &k, &v);
	}
	free(age.e);
	return err;
}

/* Keys of emb_listed the policy in force no longer lists. */
struct unlisted {
	struct agent_index *x;
	struct emb_inode_key *k;
	size_t n, cap;
};

static int collect_unlisted(void *ctx, const struct emb_inode_key *k, const struct emb_inode_val *v)
{
	struct unlisted *u = ctx;
	struct emb_idx_ent *e = emb_idx_get(&u->x->db, k->dev, k->ino);
	struct emb_inode_key *grown;

	(void)v;
	/* Unknown to the index (an earlier run's memfd, a file gone): kept,
	 * fail-closed; the content is judged again if it changes. */
	if (!e || ent_val(u->x, e).action != EMB_ACT_NONE)
		return 0;
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		grown = realloc(u->k, u->cap * sizeof(*u->k));
		if (!grown)
			return -ENOMEM;
		u->k = grown;
	}
	u->k[u->n++] = *k;
	return 0;
}

/* After a policy change the clean verdicts are in: drop the listed ones
 * the policy no longer has (they would win over the clean ones). */
static int sweep_unlisted(struct agent_index *x)
{
	struct unlisted u = { .x = x };
	int err = emb_loader_for_each_verdict(x->a->loader, EMB_VT_LISTED, collect_unlisted, &u);

	for (size_t i = 0; i < u.n && !err; i++)
		err = emb_loader_del_verdict(x->a->loader, EMB_VT_LISTED, &u.k[i]);
	free(u.k);
	return err;
}

/*
 * Every known verdict of one table into the kernel, from memory. The
 * listed ones go first, before the hooks attach (a handful, sized for);
 * the clean ones after. Caller holds x->lock.
 */
static int put_all(struct agent_index *x, enum emb_vtable t)
{
	struct batch *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	b->x = x;
	b->t = t;
	if (t == EMB_VT_LISTED) {
		x->a->banned_inodes = 0;
		x->n_clean = 0; /* counted by this pass, for the next */
		err = emb_idx_foreach(&x->db, batch_add, b);
	} else {
		uint64_t full = x->clean_full;

		err = x->n_clean > emb_loader_clean_capacity(x->a->loader) ?
			      put_clean_by_age(b) :
			      emb_idx_foreach(&x->db, batch_add, b);
		err = err ?: batch_flush(b);
		if (!err && x->clean_full > full)
			emb_err("index: the clean verdict table (emb_clean) is "
					"full: %llu of %zu clean verdicts did not fit (the newest); "
					"those files stay unverified\n",
				(unsigned long long)(x->clean_full - full), x->n_clean);
	}
	err = err ?: batch_flush(b);
	free(b);
	return err ?: t == EMB_VT_CLEAN ? sweep_unlisted(x) : 0;
}

/* ---- the scan ------------------------------------------------------------ */

static int on_reuse(void *ctx, const char *path, const struct stat *st)
{
	struct agent_index *x = ctx;
	struct emb_idx_ent *e;
	int r;

	pthread_mutex_lock(&x->lock);
	e = emb_idx_get(&x->db, emb_kdev(st->st_dev), st->st_ino);
	r = emb_idx_fresh(e, (uint64_t)st->st_size, st->st_ctim.tv_sec, (uint32_t)st->st_ctim.tv_nsec);
	/* Same content, but found where a path glob judges it otherwise than
	 * where it was recorded (a directory moved: no ctime changes): record
	 * it again under this path. */
	if (r && x->a->pol.compiled.n_paths) {
		char buf[PATH_MAX];
		struct emb_verdict now = path_verdict(x->a, path),
				   was = path_verdict(x->a, emb_idx_path(&x->db, e, buf, sizeof(buf)));

		r = now.action == was.action && now.rule_id == was.rule_id;
	}
	if (r)
		emb_idx_seen(e, &x->db);
	beat_locked(x);
	pthread_mutex_unlock(&x->lock);
	return r;
}

static int on_hashed(void *ctx, const struct emb_file_hash *fh)
{
	struct agent_index *x = ctx;
	struct emb_idx_rec r = {
		.size = fh->size, .ctime_sec = fh->ctime_sec, .ctime_nsec = fh->ctime_nsec,
	};
	int err;

	memcpy(r.sha256, fh->sha256, sizeof(r.sha256));
	pthread_mutex_lock(&x->lock);
	err = record(x, fh->kdev, fh->ino, &r, fh->path, NULL);
	beat_locked(x);
	pthread_mutex_unlock(&x->lock);
	/* Fail-closed: stop rather than carry on with a verdict missing. */
	return err ? -EIO : 0;
}

static void on_swept(void *ctx, uint64_t dev, uint64_t ino)
{
	struct agent_index *x = ctx;
	struct emb_inode_key key = { .dev = dev, .ino = ino };

	/* A failed delete leaves a verdict for an inode that no longer exists
	 * (or is reused with another ctime: then it is stale, unverified). */
	emb_loader_del_verdict(x->a->loader, EMB_VT_LISTED, &key);
	emb_loader_del_verdict(x->a->loader, EMB_VT_CLEAN, &key);
}

/* One full pass over the roots; then drop what it did not see, persist,
 * and mark the index complete. */
static int full_scan(struct agent_index *x)
{
	struct emb_scan_opts so = {
		.roots = (const char *const *)x->roots, .n_roots = x->n_roots,
		.exclude = (const char *const *)x->exclude, .n_exclude = x->n_exclude,
		.exec_only = 1, .libs = 1, .reuse = on_reuse,
	};
	struct emb_scan_stats st = { 0 };
	/* A first build batches its clean verdicts (record()): until it
	 * completes, unverified files are let run anyway, and it runs before
	 * the agent takes hash requests, file writes or reloads, so no other
	 * verdict is written meanwhile. A rescan writes each at once: a file
	 * changed while the agent was away is denied under `unverified: deny`
	 * until its verdict is in. */
	struct batch *pending = x->complete ? NULL : calloc(1, sizeof(*pending));
	size_t dropped = 0;
	int err;

	if (!x->complete && !pending)
		return -ENOMEM;
	if (pending) {
		pending->x = x;
		pending->t = EMB_VT_CLEAN;
	}
	pthread_mutex_lock(&x->lock);
	emb_idx_scan_begin(&x->db);
	x->pending = pending;
	pthread_mutex_unlock(&x->lock);
	err = emb_scan(&so, on_hashed, x, &st);
	pthread_mutex_lock(&x->lock);
	if (pending)
		err = batch_flush(pending) ?: err;
	x->pending = NULL;
	free(pending);
	if (!err)
		dropped = emb_idx_sweep(&x->db, on_swept, x);
	err = err ?: emb_idx_flush(&x->db);
	if (!err && !x->complete) {
		err = emb_idx_set_complete(&x->db);
		x->complete = !err;
		err = err ?: write_config(x);
	}
	pthread_mutex_unlock(&x->lock);
	emb_info("index: %llu files, %llu hashed, %llu reused (%llu bytes, "
			"%llu unreadable, %zu gone), %llu banned",
		 (unsigned long long)(st.files + st.reused), (unsigned long long)st.files,
		 (unsigned long long)st.reused, (unsigned long long)st.bytes,
		 (unsigned long long)st.errors, dropped, (unsigned long long)x->a->banned_inodes);
	malloc_trim(0);
	return err;
}

static void *rescan_main(void *arg)
{
	struct agent_index *x = arg;

	/* The cached verdicts enforce meanwhile; a failed rescan leaves
	 * changed files stale, so unverified (fail-closed under deny). */
	if (full_scan(x))
		emb_err("index: the background rescan failed");
	return NULL;
}

/* ---- one file, hashed on demand ------------------------------------------ */

/* The absolute path of an open file, in buf; NULL if unknown. */
static const char *fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* Hash an open file and record it; *v its verdict. path may be NULL. */
static int hash_open_file(struct agent_index *x, int fd, const char *path, struct emb_idx_rec *r,
			  struct emb_inode_val *v)
{
	char link_buf[PATH_MAX];
	struct stat st;
	int err;

	if (fstat(fd, &st))
		return -errno;
	memset(r, 0, sizeof(*r));
	r->size = (uint64_t)st.st_size;
	r->ctime_sec = st.st_ctim.tv_sec;
	r->ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	pthread_mutex_lock(&x->lock);
	{
		struct emb_idx_ent *e = emb_idx_get(&x->db, emb_kdev(st.st_dev), st.st_ino);

		if (emb_idx_fresh(e, r->size, r->ctime_sec, r->ctime_nsec)) {
			/* Known: the kernel may still lack it (a failed write). */
			char buf[PATH_MAX];
			const char *known = emb_idx_path(&x->db, e, buf, sizeof(buf));

			*r = e->rec;
			err = record(x, emb_kdev(st.st_dev), st.st_ino, r, known ? known : path, v);
			pthread_mutex_unlock(&x->lock);
			return err;
		}
	}
	pthread_mutex_unlock(&x->lock);
	{
		const struct emb_hash_bound b = EMB_HASH_BOUND_AGENT;

		/* Over a bound: no verdict, the file stays unverified (denied
		 * under deny; fail-closed). The service loop never waits longer. */
		err = emb_sha256_fd_bounded(fd, &b, r->sha256);
	}
	if (err)
		return err;
	/* The kernel's name may be relative: the fd knows the whole path. */
	if (!path && st.st_nlink)
		path = fd_path(fd, link_buf, sizeof(link_buf));
	pthread_mutex_lock(&x->lock);
	/* No stable path (nlink 0: memfd, O_TMPFILE, deleted): not persisted. */
	err = record(x, emb_kdev(st.st_dev), st.st_ino, r, st.st_nlink ? path : NULL, v);
	x->on_demand++;
	pthread_mutex_unlock(&x->lock);
	return err;
}

static int on_written(void *ctx, int fd, const char *name)
{
	struct agent_index *x = ctx;
	struct emb_idx_rec r;
	struct emb_inode_val v;
	struct stat st;
	char buf[PATH_MAX];
	const char *path;

	if (fstat(fd, &st) || !emb_index_candidate(name, st.st_mode, 1))
		return 0;
	path = fd_path(fd, buf, sizeof(buf));
	if (hash_open_file(x, fd, path, &r, &v))
		emb_err("index: hashing %s after a write failed",
			path ? path : name);
	return 0;
}

/* st is a regular file and the very inode of event e. */
static int is_target(const struct stat *st, const struct emb_event *e)
{
	return S_ISREG(st->st_mode) && emb_kdev(st->st_dev) == e->exec.dev &&
	       st->st_ino == e->exec.ino;
}

/*
 * Open the regular file behind an O_PATH fd for reading. An O_PATH open
 * never reaches a driver's open (no controlling tty taken, no watchdog
 * armed), so a path chosen by the requesting user is only ever opened for
 * real after fstat showed it is the event's regular file. O_NOCTTY anyway.
 */
static int reopen_checked(int pfd, const struct emb_event *e)
{
	char self[64];
	struct stat st;
	int fd = -1;

	if (pfd < 0)
		return -1;
	if (!fstat(pfd, &st) && is_target(&st, e)) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
		fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	}
	close(pfd);
	return fd;
}

/* A /proc magic link (exe, map_files/X): followed, but only as O_PATH. */
static int try_open_proc(const char *path, const struct emb_event *e)
{
	return reopen_checked(open(path, O_PATH | O_CLOEXEC), e);
}

/* The path the kernel named (the user's argument to execve): no symlink
 * followed in the last component; the proc routes cover the rest. */
static int try_open_named(const char *path, const struct emb_event *e)
{
	return reopen_checked(open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC), e);
}

/* Entries of /proc/PID/fd looked at before giving up: the walk is bounded
 * (a task can hold a million fds). */
#define FD_WALK_MAX 65536

/*
 * The task's own open file, by fd number: stat through the magic link
 * first (no open), then pidfd_getfd() the task's very struct file, so
 * nothing is opened anew (a tty cannot become ours, a FUSE mount without
 * allow_other still reads). Falls back to an O_PATH reopen.
 */
static int try_task_fd(int pidfd, const char *path, int num, const struct emb_event *e)
{
	struct stat st;
	int fd;

	if (stat(path, &st) || !is_target(&st, e))
		return -1;
	if (pidfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
		if (fd >= 0 && !fstat(fd, &st) && is_target(&st, e))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return try_open_proc(path, e);
}

/* Every entry of /proc/PID/<sub> (fd, map_files) until one is the file. */
static int search_proc_dir(const struct emb_event *e, int pidfd, const char *sub)
{
	int is_fd = !strcmp(sub, "fd");
	char dir[64], path[320];
	struct dirent *de;
	unsigned int seen = 0;
	DIR *d;
	int fd = -1;

	snprintf(dir, sizeof(dir), "/proc/%u/%s", e->pid, sub);
	d = opendir(dir);
	if (!d)
		return -1;
	while (fd < 0 && seen++ < FD_WALK_MAX && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (is_fd) {
			fd = try_task_fd(pidfd, path, atoi(de->d_name), e);
		} else {
			struct stat st;

			if (!stat(path, &st) && is_target(&st, e))
				fd = try_open_proc(path, e);
		}
	}
	closedir(d);
	return fd;
}

/*
 * Open the file of an unverified event, checking it is that inode: through
 * the process first (works for memfd, O_TMPFILE, deleted and fexecve'd
 * files), then by the kernel's path. pidfd: the task, or -1.
 */
static int open_event_file(const struct emb_event *e, int pidfd)
{
	char path[96];
	int fd = -1;

	if (e->exec.origin == EMB_EV_EXEC) {
		snprintf(path, sizeof(path), "/proc/%u/exe", e->pid);
		fd = try_open_proc(path, e);
	}
	if (fd < 0 && e->exec.vm_start) {
		snprintf(path, sizeof(path), "/proc/%u/map_files/%llx-%llx", e->pid,
			 (unsigned long long)e->exec.vm_start, (unsigned long long)e->exec.vm_end);
		fd = try_open_proc(path, e);
	}
	if (fd < 0)
		fd = search_proc_dir(e, pidfd, "fd");
	if (fd < 0)
		fd = search_proc_dir(e, pidfd, "map_files");
	if (fd < 0 && e->exec.path[0] == '/')
		fd = try_open_named(e->exec.path, e);
	return fd;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * The requester has exited (or is a zombie: its exe and mappings are gone
 * too), so a failed open says nothing about the file. pidfd pins the task
 * (the pid may be reused): the state is read between two liveness checks.
 */
static int task_gone(int pidfd, uint32_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0))
		return 1;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 1;
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) != 0;
}

/*
 * A banned image was let run (unverified: allow): kill every task running
 * it, the requester and whatever it forked, each checked through a pidfd
 * (never a stale pid). Returns 1 when at least one was killed and none
 * that matched was left alive.
 */
static int kill_image(const struct emb_event *e)
{
	size_t left, n = emb_proc_kill_image("/proc", e->exec.dev, e->exec.ino,
					     e->exec.origin == EMB_EV_MMAP, NULL, &left);

	if (left)
		emb_warn("index: %zu tasks running banned %s could not be killed", left,
			 e->exec.path);
	return n > 0 && !left;
}

static void log_verdict(struct agent_index *x, const struct emb_event *e,
			const struct emb_idx_rec *r, const struct emb_inode_val *v, int killed)
{
	struct agent *a = x->a;
	const struct emb_compiled *gen;
	struct emb_rule rule_buf;
	const struct emb_rule *rule;
	struct emb_json j;
	uint32_t local;

	pthread_mutex_lock(&x->lock);
	gen = agent_generation(a, v->rule_id, &local);
	rule = gen ? emb_compiled_rule(gen, local, &rule_buf) : NULL;
	if (rule)
		agent_emit(&a->emit, AGENT_EV_VERDICT, NULL, &j,
			   emb_event_verdict(&j, e, rule, r->sha256, NULL, killed,
					     a->pol.host_level));
	pthread_mutex_unlock(&x->lock);
}

/* path is under a scan root and under no exclude. */
static int in_index(const struct agent_index *x, const char *path)
{
	int in = 0;

	for (size_t i = 0; !in && i < x->n_roots; i++)
		in = x->roots[i] && emb_path_covers(x->roots[i], path);
	for (size_t i = 0; in && i < x->n_exclude; i++)
		in = !(x->exclude[i] && emb_path_covers(x->exclude[i], path));
	return in;
}

/*
 * Whether an unverified allow gets its line. A file outside the scan roots
 * (or excluded) is not indexed by the administrator's choice, so its being
 * unverified is no news: no line (it is counted in counters.unverified and
 * hashed now; a banned one still gets its kill line), or a shell session
 * over system binaries outside the roots would log each of them. When the
 * file could not be opened (the task already ended), the event's own path
 * decides: an absolute one inside the roots is logged; an mmap's base name
 * says too little to be worth a line. A file with no name is always
 * logged. Denies are always logged (caller).
 */
static int unverified_news(const struct agent_index *x, const struct emb_event *e, int fd)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	/* No name at all (memfd, O_TMPFILE, deleted): no administrator chose
	 * to leave it out of the roots, and fileless exec is news. */
	if (e->exec.nlink == 0)
		return 1;
	if (fd < 0)
		return e->exec.path[0] == '/' && in_index(x, e->exec.path);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/')
		return 1; /* cannot tell: logged */
	path[n] = '\0';
	return in_index(x, path);
}

/*
 * A file the agent could not open or hash (a FUSE mount without
 * allow_other, NFS root_squash, a lease, a read over a bound). Under deny
 * it stays unverified, i.e. denied. Under allow, on a host where a file
 * rule denies, it is treated as banned: every task running it is killed
 * (fail-closed: what cannot be judged must not run there).
 */
/* The agent's --cgroup as the cgroup2 hierarchy names it. */
static int scope_of(const struct agent *a, char *buf, size_t len)
{
	char root[PATH_MAX];
	int err = emb_cgroup2_root(root, sizeof(root));

	return err ?: emb_cgroup_rel(root, a->cgroup_path, buf, len);
}

static void unreadable(struct agent_index *x, const struct emb_event *e, int opened, int err,
		       int news)
{
	char why[128], scope[PATH_MAX];
	int scoped;
	size_t left, n;
	int enforcing;

	if (opened)
		emb_hash_strerror(err, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "cannot be opened through the task or its path");
	pthread_mutex_lock(&x->lock);
	enforcing = emb_compiled_has_deny_rule(&x->a->pol.compiled);
	pthread_mutex_unlock(&x->lock);
	if (e->action == EMB_ACT_DENY || !enforcing) {
		emb_logf(news ? EMB_LOG_WARN : EMB_LOG_DEBUG, "embargo",
			 "index: unverified %s (pid %u) not hashed: %s; it stays unverified",
			 e->exec.path, e->pid, why);
		return;
	}
	/* Unknown content: only the tasks of this agent's scope (where the
	 * kernel asked about it), never another instance's or the host's. A
	 * scope that cannot be named kills everywhere (fail-closed). */
	scoped = scope_of(x->a, scope, sizeof(scope)) == 0;
	n = emb_proc_kill_image("/proc", e->exec.dev, e->exec.ino, e->exec.origin == EMB_EV_MMAP,
				scoped ? scope : NULL, &left);
	/* Nothing left to kill and no news (a short task outside the roots
	 * that ended): debug only. */
	emb_logf(news || n || left ? EMB_LOG_WARN : EMB_LOG_DEBUG, "embargo",
		 "index: unverified %s (pid %u) not hashed: %s; treated as banned: %zu tasks "
		 "killed, %zu left", e->exec.path, e->pid, why, n, left);
}

/* The per-inode rate limit of `unverified` lines (a file exec'd in a
 * loop): the held-back count goes out as a `lost` line. */
static void report_unverified_held(void *ctx, const char *key, uint32_t pid, uint64_t count)
{
	struct agent_index *x = ctx;
	struct emb_json j;

	(void)pid;
	emb_event_begin(&j, "lost", NULL);
	emb_json_str(&j, "reason", "rate_limit");
	emb_json_str(&j, "what", key);
	emb_json_u64(&j, "count", count);
	emb_json_str(&j, "host_level", x->a->pol.host_level ?: "UNMARKED");
	agent_emit(&x->a->emit, AGENT_EV_LOST, NULL, &j, emb_json_end(&j));
}

/* Caller holds x->lock. 1: log this unverified line. */
static int admit_unverified(struct agent_index *x, const struct emb_event *e)
{
	char key[64];

	if (!x->rl_ready)
		return 1;
	snprintf(key, sizeof(key), "unverified %llu:%llu", (unsigned long long)e->exec.dev,
		 (unsigned long long)e->exec.ino);
	return emb_rl_admit(&x->rl, key, 0, mono_ns(), report_unverified_held, x);
}

/*
 * An unverified exec or mmap. Hash it now; if it was let run (allow) and is
 * banned, kill every task running it (kill_image). The requester's pidfd,
 * taken first, lets the fd walk read its very files (pidfd_getfd). Under
 * allow, a banned file whose tasks cannot all be killed is logged as a deny
 * line without "kill" so the log shows it ran.
 */
static int on_hashreq(void *ctx, void *data, size_t len)
{
	struct agent_index *x = ctx;
	const struct emb_event *e = data;
	struct emb_inode_val v = { 0 };
	struct emb_idx_rec r;
	struct emb_json j;
	int fd, pidfd = -1, killed = 0, news, err;

	if (len < sizeof(*e) || e->type != EMB_EV_UNVERIFIED)
		return 0;
	pidfd = pidfd_open_((pid_t)e->pid);
	fd = open_event_file(e, pidfd);
	news = e->action == EMB_ACT_DENY || unverified_news(x, e, fd);
	pthread_mutex_lock(&x->lock);
	if (news && admit_unverified(x, e))
		agent_emit(&x->a->emit, AGENT_EV_UNVERIFIED, NULL, &j,
			   emb_event_unverified(&j, e, x->a->pol.host_level));
	pthread_mutex_unlock(&x->lock);
	/* Fail-open for this request only: a task that ended before its file
	 * could be opened leaves nothing to judge (the file stays unverified:
	 * its next exec or mapping asks again). Treating it as unreadable
	 * would kill every task mapping the same inode: for a short-lived
	 * process that mapped libc, every process on the host. */
	if (fd < 0 && task_gone(pidfd, e->pid)) {
		emb_debug("index: unverified %s (pid %u) ended before it could be opened",
			  e->exec.path, e->pid);
		goto out;
	}
	err = fd < 0 ? -ENOENT : hash_open_file(x, fd, e->exec.path[0] == '/' ? e->exec.path : NULL,
						&r, &v);
	if (err && v.action == EMB_ACT_NONE) {
		unreadable(x, e, fd >= 0, err, news);
		goto out;
	}
	/* A verdict computed but not kept (a full table, a failed write) is
	 * still acted on: a banned file let run is killed (fail-closed). */
	if (err)
		emb_err("index: recording the verdict of unverified %s failed%s", e->exec.path,
			v.action == EMB_ACT_DENY ? ": killing it anyway" : "");
	if (v.action == EMB_ACT_NONE)
		goto out;
	if (v.action == EMB_ACT_DENY && e->action != EMB_ACT_DENY)
		killed = kill_image(e);
	if (e->action != EMB_ACT_DENY)
		log_verdict(x, e, &r, &v, killed);
out:
	if (fd >= 0)
		close(fd);
	if (pidfd >= 0)
		close(pidfd);
	pthread_mutex_lock(&x->lock);
	beat_locked(x); /* one request done: progress */
	pthread_mutex_unlock(&x->lock);
	return 0;
}

/* ---- the service thread ----------------------------------------------------- */

static int epoll_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 ? 0 : epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void heartbeat(struct agent_index *x)
{
	pthread_mutex_lock(&x->lock);
	beat_locked(x);
	pthread_mutex_unlock(&x->lock);
}

/* A `lost` line: what the agent itself missed (reason), count of them. */
static void log_lost(struct agent_index *x, const char *reason, uint64_t count)
{
	struct emb_json j;

	emb_event_begin(&j, "lost", NULL);
	emb_json_str(&j, "reason", reason);
	emb_json_u64(&j, "count", count);
	emb_json_str(&j, "host_level", x->a->pol.host_level ?: "UNMARKED");
	agent_emit(&x->a->emit, AGENT_EV_LOST, NULL, &j, emb_json_end(&j));
}

/*
 * Silent losses made loud: hash requests the kernel could not queue (the
 * file stays unverified and is asked for again at its next exec) and
 * fanotify queue overflows (writes the index may have missed: caught at
 * exec as unverified). Each becomes one `lost` line when its count moves.
 */
static void report_losses(struct agent_index *x)
{
	uint64_t st[EMB_STAT_MAX];

	pthread_mutex_lock(&x->lock);
	if (!emb_loader_read_stats(x->a->loader, st) &&
	    st[EMB_STAT_HASHREQ_LOST] > x->hashreq_lost_said) {
		log_lost(x, "hash_requests", st[EMB_STAT_HASHREQ_LOST] - x->hashreq_lost_said);
		x->hashreq_lost_said = st[EMB_STAT_HASHREQ_LOST];
	}
	if (x->fw.overflows > x->overflows_said) {
		log_lost(x, "fanotify_overflow", x->fw.overflows - x->overflows_said);
		x->overflows_said = x->fw.overflows;
	}
	if (x->rl_ready)
		emb_rl_flush(&x->rl, mono_ns(), 0, report_unverified_held, x);
	pthread_mutex_unlock(&x->lock);
}

static void *svc_main(void *arg)
{
	struct agent_index *x = arg;
	struct epoll_event evs[4];
	int ep = epoll_create1(EPOLL_CLOEXEC), stop = 0;

	if (ep < 0 || epoll_add(ep, ring_buffer__epoll_fd(x->rb)) || epoll_add(ep, x->fw.fd) ||
	    epoll_add(ep, x->stop_fd)) {
		emb_err("index: epoll: %s: no on-demand hashing", strerror(errno));
		goto out;
	}
	while (!stop) {
		int n = epoll_wait(ep, evs, 4, HEARTBEAT_MS / 2);

		for (int i = 0; i < n; i++)
			stop |= evs[i].data.fd == x->stop_fd;
		if (ring_buffer__consume(x->rb) < 0)
			emb_err("index: reading hash requests failed");
		emb_fswatch_read(&x->fw, on_written, x);
		pthread_mutex_lock(&x->lock);
		if (emb_idx_flush(&x->db))
			emb_err("index: persisting changes failed");
		pthread_mutex_unlock(&x->lock);
		report_losses(x);
		heartbeat(x);
	}
out:
	if (ep >= 0)
		close(ep);
	return NULL;
}

/* ---- set-up ------------------------------------------------------------------ */

static char **copy_strings(const char *const *a, size_t n, const char *const *b, size_t m)
{
	char **out = calloc(n + m + 1, sizeof(*out));

	if (!out)
		return NULL;
	for (size_t i = 0; i < n + m; i++) {
		out[i] = strdup(i < n ? a[i] : b[i - n]);
		if (!out[i]) {
			emb_names_free(out, i);
			return NULL;
		}
	}
	return out;
}

static void index_free(struct agent_index *x)
{
	if (!x)
		return;
	ring_buffer__free(x->rb);
	emb_fswatch_close(&x->fw);
	if (x->stop_fd >= 0)
		close(x->stop_fd);
	emb_idx_close(&x->db);
	if (x->rl_ready)
		emb_rl_free(&x->rl);
	emb_names_free(x->roots, x->n_roots);
	emb_names_free(x->exclude, x->n_exclude);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

static struct agent_index *index_new(struct agent *a)
{
	const struct emb_host *h = &a->pol.host;
	struct agent_index *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->a = a;
	x->started_ns = mono_ns();
	x->stop_fd = -1;
	{
		/* One line a second per inode at most; the rest counted. */
		struct emb_rl_opts o = { 1, 2, 10000000000ull, 4096 };

		x->rl_ready = emb_rl_init(&x->rl, &o) == 0;
	}
	x->fw.fd = -1;
	pthread_mutex_init(&x->lock, NULL);
	x->n_roots = h->n_scan_roots + a->opts->n_scan;
	x->roots = copy_strings((const char *const *)h->scan_roots, h->n_scan_roots,
				(const char *const *)a->opts->scan, a->opts->n_scan);
	x->n_exclude = h->n_exclude;
	x->exclude = copy_strings((const char *const *)h->exclude, h->n_exclude, NULL, 0);
	x->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!x->roots || !x->exclude || x->stop_fd < 0) {
		index_free(x);
		return NULL;
	}
	return x;
}

/* A state dir that cannot be used costs the cache, not enforcement: the
 * index then lives in memory and every start hashes everything. */
static void open_db(struct agent_index *x)
{
	if (emb_idx_open(&x->db, x->a->opts->state_dir) == 0)
		return;
	emb_err("index: state dir %s unusable: index kept in memory only",
		x->a->opts->state_dir);
	if (emb_idx_open(&x->db, NULL))
		emb_err("index: out of memory");
}

static int start_threads(struct agent_index *x, int rescan)
{
	uint64_t st[EMB_STAT_MAX];
	int err;

	/* Losses counted before this agent (its pins' history) are not ours
	 * to log again. */
	if (!emb_loader_read_stats(x->a->loader, st))
		x->hashreq_lost_said = st[EMB_STAT_HASHREQ_LOST];
	x->rb = ring_buffer__new(emb_loader_hashreq_fd(x->a->loader), on_hashreq, x, NULL);
	if (!x->rb)
		return -errno;
	/* Without fanotify, changed files are still caught at exec as unverified. */
	emb_fswatch_open(&x->fw, (const char *const *)x->roots, x->n_roots,
			 (const char *const *)x->exclude, x->n_exclude);
	err = -pthread_create(&x->svc, NULL, svc_main, x);
	if (err)
		return err;
	x->svc_started = 1;
	if (rescan) {
		err = -pthread_create(&x->rescan, NULL, rescan_main, x);
		x->rescan_started = !err;
	}
	return err;
}

int agent_index_open(struct agent *a)
{
	struct agent_index *x = index_new(a);

	if (!x)
		return -ENOMEM;
	a->idx = x;
	open_db(x);
	x->complete = emb_idx_complete(&x->db);
	return 0;
}

/*
 * Capacity of the verdict tables: twice the index (files appear between
 * starts; a pinned table smaller than asked is replaced at the next start),
 * never under a floor. EMBARGO_CLEAN_ENTRIES / EMBARGO_LISTED_ENTRIES set
 * them exactly: for tests that fill a table (docs/architecture.md).
 */
#define CLEAN_FLOOR (1u << 20)
#define LISTED_FLOOR (1u << 16)

static uint32_t table_size(const char *env, size_t want, uint32_t floor)
{
	const char *s = getenv(env);
	char *end;
	unsigned long v;

	if (s && *s) {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (!errno && !*end && v >= 1 && v <= UINT32_MAX)
			return (uint32_t)v;
		emb_err("%s=%s is not a number of entries: ignored", env, s);
	}
	if (want > UINT32_MAX / 2)
		return UINT32_MAX;
	return want * 2 > floor ? (uint32_t)(want * 2) : floor;
}

void agent_index_capacity(const struct agent *a, uint32_t *banned, uint32_t *clean)
{
	size_t n = a->idx ? a->idx->db.n : 0;

	*clean = table_size("EMBARGO_CLEAN_ENTRIES", n, CLEAN_FLOOR);
	*banned = table_size("EMBARGO_LISTED_ENTRIES", n / 16, LISTED_FLOOR);
}

int agent_index_banned(struct agent *a)
{
	struct agent_index *x = a->idx;
	int err;

	pthread_mutex_lock(&x->lock);
	err = emb_loader_set_scope(a->loader);
	/* Adopted maps enforce now, with the earlier agent's clean verdicts:
	 * the config is ours at once (its heartbeats follow). New maps keep
	 * the unverified mode off until their clean verdicts are in, or every
	 * exec would be denied while they are written. */
	if (!err && emb_loader_adopted(a->loader))
		err = write_config(x);
	err = err ?: put_all(x, EMB_VT_LISTED);
	pthread_mutex_unlock(&x->lock);
	return err;
}

int agent_index_start(struct agent *a)
{
	struct agent_index *x = a->idx;
	int err;

	/* The hooks are attached: what does not fit now stays unverified. The
	 * unverified mode is written once the clean verdicts are in, so the
	 * files not yet written are not taken for changed ones. */
	pthread_mutex_lock(&x->lock);
	err = put_all(x, EMB_VT_CLEAN);
	err = err ?: write_config(x);
	pthread_mutex_unlock(&x->lock);
	emb_info("index: %zu cached verdicts in force (%llu banned)%s", x->db.n,
		 (unsigned long long)a->banned_inodes, x->complete ? "" : "; first full build");
	/* Warm: the cached verdicts enforce, the rescan runs behind.
	 * Cold: nothing is known yet, so scan before announcing the policy. */
	if (!err && !x->complete)
		err = full_scan(x);
	err = err ?: start_threads(x, x->complete && x->db.gen == 0);
	return err;
}

/* A policy reload: every verdict again from the hashes in memory (no file
 * is read: the index holds every candidate's digest). */
static int index_repolicy(struct agent *a)
{
	struct agent_index *x = a->idx;
	int err;

	pthread_mutex_lock(&x->lock);
	err = write_config(x);
	err = err ?: put_all(x, EMB_VT_LISTED);
	err = err ?: put_all(x, EMB_VT_CLEAN);
	pthread_mutex_unlock(&x->lock);
	return err;
}

int agent_index_roots(struct agent *a)
{
	return index_repolicy(a);
}

void agent_index_lock(struct agent *a)
{
	if (a->idx)
		pthread_mutex_lock(&a->idx->lock);
}

void agent_index_unlock(struct agent *a)
{
	if (a->idx)
		pthread_mutex_unlock(&a->idx->lock);
}

void agent_index_stop(struct agent *a)
{
	struct agent_index *x = a->idx;
	uint64_t one = 1;

	if (!x)
		return;
	if (x->rescan_started)
		pthread_join(x->rescan, NULL);
	if (x->svc_started) {
		if (write(x->stop_fd, &one, sizeof(one)) != sizeof(one))
			emb_warn("index: stopping the index thread: %s",
				 strerror(errno));
		else
			pthread_join(x->svc, NULL);
	}
	/* A clean stop: nobody will hash from now on. Unverified deny holds
	 * (fail-closed) unless the host chose `unverified_when_down: allow`;
	 * our pid is no longer exempt (it will be reused). */
	x->cfg.heartbeat_ns = 0;
	x->cfg.agent_tgid = 0;
	/* Only a config this agent wrote (a start that failed early leaves
	 * the pinned one as it was). */
	if (x->svc_started && emb_loader_set_config(a->loader, &x->cfg))
		emb_err("index: clearing the heartbeat failed");
	pthread_mutex_lock(&x->lock);
	if (x->rl_ready)
		emb_rl_flush(&x->rl, mono_ns(), 1, report_unverified_held, x);
	if (emb_idx_flush(&x->db))
		emb_err("index: persisting changes failed");
	pthread_mutex_unlock(&x->lock);
	index_free(x);
	a->idx = NULL;
}
