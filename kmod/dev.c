// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/embargo (root only, CAP_SYS_ADMIN per call): the agent hands
 * over its map fds (EMB_KMOD_IOC_ATTACH), `embargo unload` releases them
 * (EMB_KMOD_IOC_RELEASE), `embargo status` asks what is held.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "emb_kmod.h"

static long emb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct emb_kmod_maps req;
	struct emb_kmod_status st;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case EMB_KMOD_IOC_ATTACH:
		if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
			return -EFAULT;
		return emb_maps_attach(&req);
	case EMB_KMOD_IOC_RELEASE:
		return emb_maps_release();
	case EMB_KMOD_IOC_STATUS:
		emb_maps_status(&st);
		return copy_to_user((void __user *)arg, &st, sizeof(st)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static const struct file_operations emb_fops = {
	.owner = THIS_MODULE, /* an open /dev/embargo holds the module */
	.open = nonseekable_open,
	.unlocked_ioctl = emb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice emb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "embargo",
	.fops = &emb_fops,
	.mode = 0600,
};

int emb_dev_register(void)
{
	return misc_register(&emb_misc);
}

void emb_dev_unregister(void)
{
	misc_deregister(&emb_misc);
}
