// SPDX-License-Identifier: GPL-2.0
/*
 * embargo.ko - an exec gate that decides by content in the kernel, for
 * kernels with neither a usable BPF LSM nor BPF trampolines (kmod/README.md).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "emb_kmod.h"

unsigned long emb_max_hash_bytes = 256UL << 20;
module_param_named(max_hash_bytes, emb_max_hash_bytes, ulong, 0644);
MODULE_PARM_DESC(max_hash_bytes, "an unverified file larger than this is denied unhashed");

unsigned int emb_max_hash_ms = 5000;
module_param_named(max_hash_ms, emb_max_hash_ms, uint, 0644);
MODULE_PARM_DESC(max_hash_ms, "hashing an unverified file longer than this is abandoned: denied");

static int __init emb_init(void)
{
	int err = emb_hash_init();

	if (err)
		return err;
	err = emb_maps_init();
	if (err)
		goto out_hash;
	err = emb_dev_register();
	if (err)
		goto out_maps;
	emb_gate_register();
	pr_info("embargo: exec gate registered (ABI %u)\n", EMBARGO_ABI_VERSION);
	return 0;
out_maps:
	emb_maps_exit();
out_hash:
	emb_hash_exit();
	return err;
}

/* Reached only with no maps attached (they hold the module) and no exec in
 * the handler (search_binary_handler holds the module around the call). */
static void __exit emb_exit(void)
{
	emb_gate_unregister();
	emb_dev_unregister();
	emb_maps_exit();
	emb_hash_exit();
}

module_init(emb_init);
module_exit(emb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("embargo exec gate: deny exec of banned files by content");
MODULE_VERSION("0.3");
