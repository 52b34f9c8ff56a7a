/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels compfw supports lives here, so that
 * the logic files never test a version.
 */
#ifndef _COMPFW_COMPAT_H
#define _COMPFW_COMPAT_H

#include <linux/kernfs.h>
#include <linux/ratelimit.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/netlink.h>
#include <net/udp.h>

/*
 * sched_process_exit says whether the process died with the task from 6.16;
 * compfw reads signal->live on every kernel, so only the prototype differs.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define COMPFW_EXIT_PROBE(name) void name(void *data, struct task_struct *p, bool group_dead)
#else
#define COMPFW_EXIT_PROBE(name) void name(void *data, struct task_struct *p)
#endif

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

/*
 * Without this flag (6.7, backported to stable 6.1) anyone could join the
 * events group: refuse to build rather than leak them.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "compfw needs GENL_MCAST_CAP_NET_ADMIN (genetlink multicast permissions)"
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
 * A reason chosen at run time (a string with static storage, such as a
 * classifier's compile error): from 6.2 the kernel's macro copies it; 6.1's
 * extack only takes literals, so the pointer is kept as they keep theirs.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define compfw_set_err_msg(extack, msg) NL_SET_ERR_MSG_FMT(extack, "%s", msg)
#else
static inline void compfw_set_err_msg(struct netlink_ext_ack *extack, const char *msg)
{
	if (extack)
		extack->_msg = msg;
}
#endif

/*
 * A reason formatted at run time. 6.1's extack keeps a pointer only: the
 * text goes in @buf, a buffer under the namespace lock that outlives the
 * request (the reply is built before the lock is taken again).
 */
#ifdef NL_SET_ERR_MSG_FMT
/* @buf is for 6.1 only: the extack holds the text itself here. */
#define compfw_err_fmt(extack, buf, fmt, args...) do {		\
	(void)(buf);							\
	NL_SET_ERR_MSG_FMT(extack, fmt, ##args);			\
} while (0)
#else
#define compfw_err_fmt(extack, buf, fmt, args...) do {		\
	char *__buf = (buf);						\
									\
	snprintf(__buf, sizeof(buf), fmt, ##args);			\
	compfw_set_err_msg(extack, __buf);				\
} while (0)
#endif

/*
 * Operations split into a do and a dump half (struct genl_split_ops, which
 * ynl-gen-c generates) arrived in 6.2. On 6.1 the generated table is turned
 * into one struct genl_ops per command at init; the do and the dump of one
 * command then share one policy, so the spec gives them the same request.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
	u8 validate;
};

#define COMPFW_GENL_CAPS (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL)

static inline int compfw_genl_set_ops(struct genl_family *family,
				      const struct genl_split_ops *split, int n,
				      struct genl_ops *ops)
{
	int i, n_ops = 0;

	for (i = 0; i < n; i++) {
		struct genl_ops *op = n_ops ? &ops[n_ops - 1] : NULL;

		if (!op || op->cmd != split[i].cmd) {
			op = &ops[n_ops++];
			op->cmd = split[i].cmd;
			op->flags = split[i].flags & ~COMPFW_GENL_CAPS;
			op->validate = split[i].validate;
			op->policy = split[i].policy;
			op->maxattr = split[i].maxattr;
		} else if (op->maxattr != split[i].maxattr ||
			   memcmp(op->policy, split[i].policy,
				  (op->maxattr + 1) * sizeof(*op->policy))) {
			return -EINVAL;	/* one policy cannot serve both */
		}
		if (split[i].doit)
			op->doit = split[i].doit;
		if (split[i].dumpit)
			op->dumpit = split[i].dumpit;
	}
	family->ops = ops;
	family->n_ops = n_ops;
	/*
	 * 6.1 gives an op without a policy a reject-all one of its own
	 * (type 1 fails "policy validation"), 6.2 to 6.12 leave its
	 * attributes unparsed for the op to refuse, as newer kernels do
	 * before calling it (netlink.c): on 6.1 such ops (the first
	 * commands, or none) are made older than resv_start_op, so that
	 * they answer as on later kernels.
	 */
	for (i = 0; i < n_ops && !ops[i].policy; i++)
		family->resv_start_op = ops[i].cmd + 1;
	for (; i < n_ops; i++)
		if (!ops[i].policy)
			return -EINVAL;
	return 0;
}
#else
static inline int compfw_genl_set_ops(struct genl_family *family,
				      const struct genl_split_ops *split, int n,
				      struct genl_ops *unused)
{
	family->split_ops = split;
	family->n_split_ops = n;
	return 0;
}
#endif

/* The UDP table may be a namespace's own from 6.2 on. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static inline struct udp_table *compfw_udp_table(struct net *net)
{
	return &udp_table;
}
#else
static inline struct udp_table *compfw_udp_table(struct net *net)
{
	return net->ipv4.udp_table;
}
#endif

/*
 * A TCP socket by its addresses, with a reference. From 6.18 (DCCP gone)
 * the lookups find the namespace's table themselves.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
static inline struct sock *compfw_inet_lookup(struct net *net,
					      __be32 saddr, __be16 sport,
					      __be32 daddr, __be16 dport, int dif)
{
	return inet_lookup(net, net->ipv4.tcp_death_row.hashinfo, NULL, 0,
			   saddr, sport, daddr, dport, dif);
}
#else
static inline struct sock *compfw_inet_lookup(struct net *net,
					      __be32 saddr, __be16 sport,
					      __be32 daddr, __be16 dport, int dif)
{
	return inet_lookup(net, NULL, 0, saddr, sport, daddr, dport, dif);
}
#endif

#if IS_ENABLED(CONFIG_IPV6)
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
static inline struct sock *compfw_inet6_lookup(struct net *net,
					       const struct in6_addr *saddr, __be16 sport,
					       const struct in6_addr *daddr, __be16 dport,
					       int dif)
{
	return inet6_lookup(net, net->ipv4.tcp_death_row.hashinfo, NULL, 0,
			    saddr, sport, daddr, dport, dif);
}
#else
static inline struct sock *compfw_inet6_lookup(struct net *net,
					       const struct in6_addr *saddr, __be16 sport,
					       const struct in6_addr *daddr, __be16 dport,
					       int dif)
{
	return inet6_lookup(net, NULL, 0, saddr, sport, daddr, dport, dif);
}
#endif
#endif

/*
 * A change of log_burst or log_interval_ms applies to the running window:
 * the lines left in it are the new burst minus those printed. The fields
 * change only under the state's lock, trylocked as ___ratelimit() takes
 * it, so that the packet path never waits; what a failed trylock leaves
 * undone, a later line does.
 *
 * Up to 6.15, struct ratelimit_state counts the lines printed and missed
 * in plain ints under that lock. From 6.16 it counts down the lines left
 * (rs_n_left, reset to burst at each window) and the misses in atomics,
 * outside the lock: the count left moves with the burst, so that a raised
 * burst lets lines through at once and a lowered one holds them, as
 * before; negative means more printed than the new burst allows.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
static inline void compfw_ratelimit_update(struct ratelimit_state *rs,
					   int interval, int burst)
{
	unsigned long flags;

	if (READ_ONCE(rs->interval) == interval && READ_ONCE(rs->burst) == burst)
		return;
	if (!raw_spin_trylock_irqsave(&rs->lock, flags))
		return;
	WRITE_ONCE(rs->interval, interval);
	WRITE_ONCE(rs->burst, burst);
	raw_spin_unlock_irqrestore(&rs->lock, flags);
}

/* The lines held back since the last one, counted from now on afresh. */
static inline int compfw_ratelimit_take_missed(struct ratelimit_state *rs)
{
	unsigned long flags;
	int missed;

	if (!READ_ONCE(rs->missed) || !raw_spin_trylock_irqsave(&rs->lock, flags))
		return 0;
	missed = rs->missed;
	rs->missed = 0;
	raw_spin_unlock_irqrestore(&rs->lock, flags);
	return missed;
}
#else
static inline void compfw_ratelimit_update(struct ratelimit_state *rs,
					   int interval, int burst)
{
	unsigned long flags;

	if (READ_ONCE(rs->interval) == interval && READ_ONCE(rs->burst) == burst)
		return;
	if (!raw_spin_trylock_irqsave(&rs->lock, flags))
		return;
	atomic_add(burst - rs->burst, &rs->rs_n_left);
	WRITE_ONCE(rs->interval, interval);
	WRITE_ONCE(rs->burst, burst);
	raw_spin_unlock_irqrestore(&rs->lock, flags);
}

static inline int compfw_ratelimit_take_missed(struct ratelimit_state *rs)
{
	return ratelimit_state_reset_miss(rs);
}
#endif

/*
 * A kernfs node's name. A cgroup2 directory cannot be renamed (only v1
 * has a rename op), so the pointer never changes under us: from 6.15,
 * where it is RCU-protected for renames, that is what
 * rcu_dereference_protected() says.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 15, 0)
static inline const char *compfw_kn_name(const struct kernfs_node *kn)
{
	return kn->name;
}
#else
static inline const char *compfw_kn_name(const struct kernfs_node *kn)
{
	return rcu_dereference_protected(kn->name, true);
}
#endif

#endif /* _COMPFW_COMPAT_H */
