/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * emb_v4embed.h - the IPv4 addresses an IPv6 destination carries, for the
 * kernel (bpf/emb_decide.bpf.h) and `embargo test` (compile.c) alike: one
 * function, so the two cannot disagree about which forms count.
 *
 * A banned IPv4 prefix must also match the IPv6 forms that reach it:
 *   ::ffff:a.b.c.d       IPv4-mapped (the socket talks IPv4 on the wire)
 *   ::a.b.c.d            IPv4-compatible (RFC 4291, deprecated; not :: or ::1)
 *   64:ff9b::a.b.c.d     NAT64 well-known prefix /96 (RFC 6052)
 *   64:ff9b:1::/48       NAT64 local-use prefix (RFC 8215). Operators carve
 *                        it as they like, so both layouts are taken:
 *                        the RFC 6052 /48 layout (a.b at bytes 6-7, byte 8
 *                        the u-octet, c.d at bytes 9-10) and the /96 layout
 *                        of a sub-prefix (bytes 12-15). Either banned is a
 *                        deny: fail-closed, the cost is only over-matching
 *                        inside a NAT64 prefix.
 *   2002:a.b.c.d::/48    6to4 (RFC 3056): bytes 2-5.
 * Teredo (2001::/32) carries the client's address obfuscated and the
 * server's in clear, neither of them the far end: not matched.
 */
#ifndef EMB_V4EMBED_H
#define EMB_V4EMBED_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define EMB_V4_EMBED_MAX 2

/* The IPv6 rules do not apply: the packet on the wire is IPv4. */
#define EMB_V4_ONLY 0x100
#define EMB_V4_COUNT(n) ((n) & 0xff)

static __inline void emb_v4_take(__u8 out[4], const __u8 *a, int i0, int i1, int i2, int i3)
{
	out[0] = a[i0];
	out[1] = a[i1];
	out[2] = a[i2];
	out[3] = a[i3];
}

/*
 * Fill out with the IPv4 addresses a (16 bytes, network order) carries;
 * returns their number (0..EMB_V4_EMBED_MAX), or-ed with EMB_V4_ONLY for
 * IPv4-mapped.
 */
static __inline int emb_v4_embedded(const __u8 a[16], __u8 out[EMB_V4_EMBED_MAX][4])
{
	int zero8 = !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5] | a[6] | a[7]);

	if (zero8 && !(a[8] | a[9]) && a[10] == 0xff && a[11] == 0xff) {
		emb_v4_take(out[0], a, 12, 13, 14, 15);
		return 1 | EMB_V4_ONLY;
	}
	/* ::a.b.c.d, but not :: (unspecified) or ::1 (loopback). */
	if (zero8 && !(a[8] | a[9] | a[10] | a[11]) && (a[12] | a[13] | a[14] || a[15] > 1)) {
		emb_v4_take(out[0], a, 12, 13, 14, 15);
		return 1;
	}
	if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) {
		if (!(a[4] | a[5] | a[6] | a[7] | a[8] | a[9] | a[10] | a[11])) {
			emb_v4_take(out[0], a, 12, 13, 14, 15);
			return 1;
		}
		if (a[4] == 0x00 && a[5] == 0x01) {
			emb_v4_take(out[0], a, 6, 7, 9, 10);
			emb_v4_take(out[1], a, 12, 13, 14, 15);
			return 2;
		}
		return 0;
	}
	if (a[0] == 0x20 && a[1] == 0x02) {
		emb_v4_take(out[0], a, 2, 3, 4, 5);
		return 1;
	}
	return 0;
}

#endif /* EMB_V4EMBED_H */
