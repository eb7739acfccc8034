// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* kmod.c - talk to embargo.ko through EMB_KMOD_DEV (ioctls, embargo_abi.h). */
#include "kmod.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int kmod_ioctl(unsigned long cmd, void *arg)
{
	int fd = open(EMB_KMOD_DEV, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = ioctl(fd, cmd, arg) ? -errno : 0;
	close(fd);
	return err;
}

int emb_kmod_probe(struct emb_kmod_status *st, char *why, size_t why_len)
{
	int err = kmod_ioctl(EMB_KMOD_IOC_STATUS, st);

	if (err == -ENOENT)
		snprintf(why, why_len, "embargo.ko is not loaded (no %s)", EMB_KMOD_DEV);
	else if (err)
		snprintf(why, why_len, "embargo.ko: %s: %s", EMB_KMOD_DEV, strerror(-err));
	else if (st->abi_version != EMBARGO_ABI_VERSION)
		snprintf(why, why_len, "embargo.ko speaks ABI %u, this build ABI %u",
			 st->abi_version, EMBARGO_ABI_VERSION);
	else
		return 0;
	return err ?: -EPROTO;
}

int emb_kmod_attach(const struct emb_kmod_maps *maps)
{
	int err = kmod_ioctl(EMB_KMOD_IOC_ATTACH, (void *)maps);

	if (err)
		emb_warn("handing the maps to embargo.ko (%s): %s", EMB_KMOD_DEV,
			 strerror(-err));
	return err;
}

int emb_kmod_release(void)
{
	int err = kmod_ioctl(EMB_KMOD_IOC_RELEASE, NULL);

	return err == -ENOENT || err == -ENXIO || err == -ENODEV ? -ENOENT : err;
}
