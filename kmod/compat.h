/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels compfw supports lives here, so that
 * the logic files never test a version.
 */
#ifndef _COMPFW_COMPAT_H
#define _COMPFW_COMPAT_H

#include <linux/kernfs.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
/* NLA_UINT arrived in 6.8: a u32 when the value fits, else a u64. */
static inline int nla_put_uint(struct sk_buff *skb, int attrtype, u64 value)
{
	u64 tmp64 = value;
	u32 tmp32 = value;

	if (tmp64 == tmp32)
		return nla_put_u32(skb, attrtype, tmp32);
	return nla_put(skb, attrtype, sizeof(u64), &tmp64);
}
#endif

/* A dump's request attributes moved into a struct genl_info in 6.2. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static inline struct nlattr **compfw_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#else
static inline struct nlattr **compfw_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#endif

/*
 * A kernfs node's name; RCU-protected from 6.15, but a cgroup2 directory
 * cannot be renamed, so a plain read is stable on every kernel.
 */
static inline const char *compfw_kn_name(const struct kernfs_node *kn)
{
	return kn->name;
}

#endif /* _COMPFW_COMPAT_H */
