// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 and IPv6 prefixes: text in manifests and on the command line, the
 * compfw_cidr_attrs nest on the wire.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

unsigned int cidr_addr_len(const struct cidr *cidr)
{
	return cidr->family == AF_INET ? 4 : 16;
}

static unsigned int cidr_max_len(int family)
{
	return family == AF_INET ? 32 : 128;
}

/*
 * "ADDR/LEN" or a bare "ADDR", which means the one host. Returns 0 or
 * -EINVAL; the prefix length must be 1 to 3 digits so that "/8x" is refused.
 */
int cidr_parse(const char *text, struct cidr *cidr)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/'), *s;
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned int plen = 0;

	if (!len || len >= sizeof(addr))
		return -EINVAL;
	memset(cidr, 0, sizeof(*cidr));
	memcpy(addr, text, len);
	addr[len] = '\0';
	/* Four decimal octets without leading zeros, or an IPv6 address. */
	if (inet_pton(AF_INET, addr, cidr->addr) == 1)
		cidr->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, cidr->addr) == 1)
		cidr->family = AF_INET6;
	else
		return -EINVAL;

	if (!slash) {
		cidr->prefix_len = cidr_max_len(cidr->family);
		return 0;
	}
	for (s = slash + 1; *s >= '0' && *s <= '9' && s - slash <= 3; s++)
		plen = plen * 10 + (*s - '0');
	if (s == slash + 1 || *s || plen > cidr_max_len(cidr->family))
		return -EINVAL;
	cidr->prefix_len = plen;
	return 0;
}

/* Clear the host bits into @masked; true when there were any. */
bool cidr_host_bits(const struct cidr *cidr, struct cidr *masked)
{
	unsigned int i, bits;
	bool set = false;
	uint8_t mask;

	*masked = *cidr;
	for (i = 0; i < cidr_addr_len(cidr); i++) {
		bits = cidr->prefix_len > i * 8 ? cidr->prefix_len - i * 8 : 0;
		mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		if (cidr->addr[i] & ~mask)
			set = true;
		masked->addr[i] &= mask;
	}
	return set;
}

/* @inner lies within @outer: same family, no shorter, same network bits. */
bool cidr_inside(const struct cidr *inner, const struct cidr *outer)
{
	struct cidr a = *inner, b;

	if (inner->family != outer->family ||
	    inner->prefix_len < outer->prefix_len)
		return false;
	a.prefix_len = outer->prefix_len;
	cidr_host_bits(&a, &b);
	return !memcmp(b.addr, outer->addr, cidr_addr_len(outer));
}

const char *cidr_format(const struct cidr *cidr, char *buf)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(cidr->family, cidr->addr, addr, sizeof(addr));
	snprintf(buf, CIDR_TEXT_MAX, "%s/%u", addr, cidr->prefix_len);
	return buf;
}
