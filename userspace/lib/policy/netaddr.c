// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * netaddr.c - CIDR and port range parsing.
 *
 * Strict: digits only (no sign, no spaces, no hex), every error reported.
 * An IPv4-mapped IPv6 CIDR (::ffff:a.b.c.d/n, n >= 96) is stored as the
 * IPv4 CIDR it denotes, so one rule covers both ways of reaching the
 * address (the kernel side looks IPv4-mapped destinations up as IPv4).
 */
#include "netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ADDR_TEXT_MAX INET6_ADDRSTRLEN

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/*
 * Decimal digits only, no leading zero (YAML 1.1 reads 0443 as octal: refuse
 * rather than guess), at most max_digits of them. -1 when not such a number.
 */
static int parse_decimal(const char *s, size_t len, size_t max_digits, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > max_digits || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

static int set_err(const char **err, const char *msg)
{
	if (err)
		*err = msg;
	return -1;
}

static int host_bits_zero(const uint8_t *addr, int nbytes, int prefix)
{
	for (int bit = prefix; bit < nbytes * 8; bit++)
		if (addr[bit / 8] & (0x80u >> (bit % 8)))
			return 0;
	return 1;
}

static int parse_addr(const char *text, struct emb_cidr *c)
{
	if (inet_pton(AF_INET, text, c->addr) == 1) {
		c->family = AF_INET;
		return 32;
	}
	if (inet_pton(AF_INET6, text, c->addr) == 1) {
		c->family = AF_INET6;
		return 128;
	}
	return -1;
}

/* ::ffff:a.b.c.d/n with n >= 96 becomes a.b.c.d/(n - 96). */
static void unmap_v4(struct emb_cidr *c)
{
	if (c->family != AF_INET6 || c->prefix < 96 ||
	    memcmp(c->addr, v4mapped_prefix, sizeof(v4mapped_prefix)))
		return;
	memmove(c->addr, c->addr + 12, 4);
	memset(c->addr + 4, 0, 12);
	c->family = AF_INET;
	c->prefix -= 96;
}

int emb_cidr_parse(const char *s, struct emb_cidr *out, const char **err)
{
	char text[ADDR_TEXT_MAX];
	struct emb_cidr c;
	const char *slash;
	unsigned long prefix;
	size_t alen;
	int max;

	memset(&c, 0, sizeof(c));
	if (!s)
		return set_err(err, "invalid CIDR");
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(text))
		return set_err(err, "invalid CIDR");
	memcpy(text, s, alen);
	text[alen] = '\0';
	max = parse_addr(text, &c);
	if (max < 0)
		return set_err(err, "invalid CIDR");
	prefix = (unsigned long)max;
	if (slash && parse_decimal(slash + 1, strlen(slash + 1), 3, &prefix))
		return set_err(err, "invalid CIDR");
	if (prefix > (unsigned long)max)
		return set_err(err, "prefix length out of range");
	c.prefix = (int)prefix;
	if (!host_bits_zero(c.addr, max / 8, c.prefix))
		return set_err(err, "host bits set beyond the prefix");
	unmap_v4(&c);
	*out = c;
	return 0;
}

static int parse_port(const char *s, size_t len, uint16_t *out, const char **err)
{
	unsigned long v;

	if (!all_digits(s, len) || (len > 1 && s[0] == '0'))
		return set_err(err, "invalid port");
	/* Six digits are enough to tell any port from out of range. */
	if (len > 6 || parse_decimal(s, len, 6, &v) || v < 1 || v > 65535)
		return set_err(err, "port out of range");
	*out = (uint16_t)v;
	return 0;
}

int emb_port_range_parse(const char *s, struct emb_port_range *out, const char **err)
{
	struct emb_port_range r;
	const char *dash;

	if (!s)
		return set_err(err, "invalid port");
	dash = strchr(s, '-');
	if (!dash) {
		if (parse_port(s, strlen(s), &r.lo, err))
			return -1;
		r.hi = r.lo;
	} else {
		if (parse_port(s, (size_t)(dash - s), &r.lo, err) ||
		    parse_port(dash + 1, strlen(dash + 1), &r.hi, err))
			return -1;
		if (r.lo > r.hi)
			return set_err(err, "port range reversed");
	}
	*out = r;
	return 0;
}

void emb_cidr_format(const struct emb_cidr *c, char *buf, size_t len)
{
	char text[ADDR_TEXT_MAX];

	if (!len)
		return;
	if (!inet_ntop(c->family, c->addr, text, sizeof(text))) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s/%d", text, c->prefix);
}

static int label_check(const char *s, size_t len, const char **why)
{
	if (len == 0) {
		*why = "empty label";
		return -1;
	}
	if (len > 63) {
		*why = "label longer than 63 characters";
		return -1;
	}
	if (s[0] == '-' || s[len - 1] == '-') {
		*why = "label starts or ends with '-'";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-') {
			*why = "only letters, digits, '-' and '.' are allowed";
			return -1;
		}
	}
	return 0;
}

int emb_dns_name_check(const char *s, const char **why)
{
	size_t len = strlen(s), start = 0, last = 0;
	uint8_t addr[16];

	if (len && s[len - 1] == '.')
		len--;
	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	if (len > 253) {
		*why = "longer than 253 characters";
		return -1;
	}
	if (inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1) {
		*why = "an IP address: use cidr";
		return -1;
	}
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (label_check(s + start, i - start, why))
			return -1;
		last = start;
		start = i + 1;
	}
	if (strspn(s + last, "0123456789") == len - last) {
		*why = "the last label is numeric";
		return -1;
	}
	return 0;
}
