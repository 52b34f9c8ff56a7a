/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMPFWCTL_CIDR_H
#define _COMPFWCTL_CIDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* an INET6_ADDRSTRLEN address, "/128" and room to spare */
#define CIDR_TEXT_MAX 64

/**
 * struct cidr - an IPv4 or IPv6 prefix, as compfw_cidr_attrs carry it
 * @family: AF_INET or AF_INET6
 * @prefix_len: 0..32 or 0..128
 * @addr: the address in network byte order; 4 or 16 bytes used
 */
struct cidr {
	int family;
	uint8_t prefix_len;
	uint8_t addr[16];
};

int cidr_parse(const char *text, struct cidr *cidr);
bool cidr_host_bits(const struct cidr *cidr, struct cidr *masked);
bool cidr_inside(const struct cidr *inner, const struct cidr *outer);
const char *cidr_format(const struct cidr *cidr, char *buf);
unsigned int cidr_addr_len(const struct cidr *cidr);

#endif /* _COMPFWCTL_CIDR_H */
