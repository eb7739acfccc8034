// SPDX-License-Identifier: GPL-2.0
/*
 * maps.c - the BPF maps the agent handed over, used the way a BPF program
 * uses them: map->ops under rcu_read_lock (lookups copy the value out before
 * the unlock), updates with migration disabled as the bpf() syscall does.
 *
 * The set is published through an SRCU-protected pointer: the gate holds
 * the SRCU read side for a whole exec level (hashing sleeps), and a release
 * or replacement unpublishes, waits for those readers, and only then drops
 * the map references. While a set is attached the module holds a reference
 * on itself, so rmmod is refused (EBUSY) until `embargo unload` releases it.
 */
#include <linux/bpf.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#include "emb_kmod.h"

struct emb_kmaps {
	struct bpf_map *listed; /* emb_listed: the agent's deny/audit verdicts */
	struct bpf_map *inodes; /* emb_clean: clean verdicts, and what this module records */
	struct bpf_map *banned;
	struct bpf_map *config;
	struct bpf_map *stats;
	pid_t owner_tgid;
};

static struct srcu_struct emb_srcu;
static struct emb_kmaps __rcu *emb_cur;
static DEFINE_MUTEX(emb_attach_lock); /* serialises attach and release */

int emb_maps_init(void)
{
	return init_srcu_struct(&emb_srcu);
}

/* Module exit: nothing can be attached (an attached set holds the module). */
void emb_maps_exit(void)
{
	WARN_ON(rcu_access_pointer(emb_cur));
	cleanup_srcu_struct(&emb_srcu);
}

static void emb_kmaps_put(struct emb_kmaps *m)
{
	if (!m)
		return;
	if (!IS_ERR_OR_NULL(m->listed))
		bpf_map_put(m->listed);
	if (!IS_ERR_OR_NULL(m->inodes))
		bpf_map_put(m->inodes);
	if (!IS_ERR_OR_NULL(m->banned))
		bpf_map_put(m->banned);
	if (!IS_ERR_OR_NULL(m->config))
		bpf_map_put(m->config);
	if (!IS_ERR_OR_NULL(m->stats))
		bpf_map_put(m->stats);
	kfree(m);
}

/* One map from the caller's fd, with the shape this ABI gives it. */
static int emb_map_take(struct bpf_map **out, int fd, enum bpf_map_type type, u32 key_size,
			u32 value_size, u32 min_entries, const char *name)
{
	struct bpf_map *map = bpf_map_get(fd);

	if (IS_ERR(map)) {
		pr_warn("embargo: map %s: fd %d is not a BPF map\n", name, fd);
		return PTR_ERR(map);
	}
	*out = map;
	if (map->map_type != type || map->key_size != key_size || map->value_size != value_size ||
	    map->max_entries < min_entries) {
		pr_warn("embargo: map %s (fd %d) has another type or layout than ABI %u\n", name,
			fd, EMBARGO_ABI_VERSION);
		return -EINVAL;
	}
	return 0;
}

/*
 * Take the maps and publish them, replacing a set attached before (an agent
 * that replaced its pins hands over the new ones). Fail-closed: on any
 * error the set in force (if any) stays in force.
 */
int emb_maps_attach(const struct emb_kmod_maps *req)
{
	struct emb_kmaps *m, *old;
	int err;

	if (req->abi_version != EMBARGO_ABI_VERSION) {
		pr_warn("embargo: the agent speaks ABI %u, this module ABI %u\n", req->abi_version,
			EMBARGO_ABI_VERSION);
		return -EPROTO;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	err = emb_map_take(&m->listed, req->listed_fd, BPF_MAP_TYPE_HASH,
			   sizeof(struct emb_inode_key), sizeof(struct emb_inode_val), 1, "emb_listed");
	err = err ?: emb_map_take(&m->inodes, req->inodes_fd, BPF_MAP_TYPE_HASH,
				  sizeof(struct emb_inode_key), sizeof(struct emb_inode_val), 1,
				  "emb_clean");
	err = err ?: emb_map_take(&m->banned, req->banned_fd, BPF_MAP_TYPE_HASH,
				  sizeof(struct emb_sha256_key), sizeof(struct emb_verdict), 1,
				  "emb_banned");
	err = err ?: emb_map_take(&m->config, req->config_fd, BPF_MAP_TYPE_ARRAY, sizeof(u32),
				  sizeof(struct emb_config), 1, "emb_config");
	err = err ?: emb_map_take(&m->stats, req->stats_fd, BPF_MAP_TYPE_PERCPU_ARRAY,
				  sizeof(u32), sizeof(u64), EMB_STAT_MAX, "emb_stats");
	if (err) {
		emb_kmaps_put(m);
		return err;
	}
	m->owner_tgid = task_tgid_nr(current);
	mutex_lock(&emb_attach_lock);
	old = rcu_dereference_protected(emb_cur, lockdep_is_held(&emb_attach_lock));
	if (!old)
		__module_get(THIS_MODULE); /* dropped by emb_maps_release */
	rcu_assign_pointer(emb_cur, m);
	mutex_unlock(&emb_attach_lock);
	if (old) {
		synchronize_srcu(&emb_srcu);
		emb_kmaps_put(old);
	}
	pr_info("embargo: enforcing with the maps of pid %d\n", m->owner_tgid);
	return 0;
}

/* `embargo unload`: stop judging execs, drop the maps and the module ref. */
int emb_maps_release(void)
{
	struct emb_kmaps *old;

	mutex_lock(&emb_attach_lock);
	old = rcu_dereference_protected(emb_cur, lockdep_is_held(&emb_attach_lock));
	RCU_INIT_POINTER(emb_cur, NULL);
	mutex_unlock(&emb_attach_lock);
	if (!old)
		return -ENOENT;
	synchronize_srcu(&emb_srcu); /* execs in flight finish with the old maps */
	emb_kmaps_put(old);
	pr_info("embargo: released the maps\n");
	module_put(THIS_MODULE);
	return 0;
}

void emb_maps_status(struct emb_kmod_status *st)
{
	struct emb_kmaps *m;
	int idx = srcu_read_lock(&emb_srcu);

	memset(st, 0, sizeof(*st));
	st->abi_version = EMBARGO_ABI_VERSION;
	m = srcu_dereference(emb_cur, &emb_srcu);
	if (m) {
		st->attached = 1;
		st->owner_tgid = m->owner_tgid;
	}
	srcu_read_unlock(&emb_srcu, idx);
	st->max_hash_bytes = READ_ONCE(emb_max_hash_bytes);
	st->max_hash_ms = READ_ONCE(emb_max_hash_ms);
}

struct emb_kmaps *emb_maps_enter(int *srcu_idx)
{
	*srcu_idx = srcu_read_lock(&emb_srcu);
	return srcu_dereference(emb_cur, &emb_srcu);
}

void emb_maps_leave(int srcu_idx)
{
	srcu_read_unlock(&emb_srcu, srcu_idx);
}

/* Copy map[key] into val: 0, or -ENOENT. */
static int emb_lookup(struct bpf_map *map, const void *key, void *val, size_t len)
{
	void *p;
	int err = -ENOENT;

	rcu_read_lock();
	p = map->ops->map_lookup_elem(map, (void *)key);
	if (p) {
		memcpy(val, p, len);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

int emb_maps_listed(struct emb_kmaps *m, const struct emb_inode_key *k, struct emb_inode_val *v)
{
	return emb_lookup(m->listed, k, v, sizeof(*v));
}

int emb_maps_inode(struct emb_kmaps *m, const struct emb_inode_key *k, struct emb_inode_val *v)
{
	return emb_lookup(m->inodes, k, v, sizeof(*v));
}

int emb_maps_banned(struct emb_kmaps *m, const struct emb_sha256_key *k, struct emb_verdict *v)
{
	return emb_lookup(m->banned, k, v, sizeof(*v));
}

int emb_maps_config(struct emb_kmaps *m, struct emb_config *c)
{
	u32 zero = 0;

	return emb_lookup(m->config, &zero, c, sizeof(*c));
}

/* As the bpf() syscall writes: migration off, RCU read side held. */
int emb_maps_set_inode(struct emb_kmaps *m, const struct emb_inode_key *k,
		       const struct emb_inode_val *v)
{
	int err;

	migrate_disable();
	rcu_read_lock();
	err = m->inodes->ops->map_update_elem(m->inodes, (void *)k, (void *)v, BPF_ANY);
	rcu_read_unlock();
	migrate_enable();
	return err;
}

/* emb_stats[stat] += delta on this CPU's slot (what emb_count() does in BPF). */
void emb_maps_add(struct emb_kmaps *m, u32 stat, u64 delta)
{
	u64 *p;

	preempt_disable();
	rcu_read_lock();
	p = m->stats->ops->map_lookup_elem(m->stats, &stat);
	if (p)
		*p += delta;
	rcu_read_unlock();
	preempt_enable();
}

void emb_maps_count(struct emb_kmaps *m, u32 stat)
{
	emb_maps_add(m, stat, 1);
}
