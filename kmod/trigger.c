// SPDX-License-Identifier: GPL-2.0
/*
 * Triggers: a persona may name a program. When a process in a component's
 * cgroup executes it, the component takes that persona before execve
 * returns to the program, so that the program's first packet is judged by
 * it; when the last such process is gone, the component goes back.
 *
 * The sched_process_exec probe may not sleep, and a switch takes the
 * namespace's lock. So the probe records the process and queues a task_work
 * on it: the switch is made on the way back to user space, before the
 * program's first instruction. Exits are seen by sched_process_exit and acted
 * on by a work item: nothing waits for them.
 *
 * A trigger process is recorded by its signal_struct: one per process
 * (threads share it, exec keeps it), gone when its last thread exits. A
 * child it forks runs the same program, so it is one too, of the same exec.
 *
 * Competing triggers: the latest exec wins. When the process whose exec put
 * a persona in force is gone, the component takes the persona of the latest
 * trigger process still running, or its default. A switch by the API ends
 * the triggers' hold: exits change nothing until the next trigger exec.
 */

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <net/net_namespace.h>

#include "account.h"
#include "compat.h"
#include "component.h"
#include "manifest.h"
#include "netns.h"
#include "recheck.h"
#include "trigger.h"

/**
 * struct compfw_trigger_proc - a process running a trigger program
 * @hash: in procs, by @sig; unhashed once the process is gone
 * @list: in its namespace's live list, then in its gone list
 * @sig: the process
 * @cnet: the namespace of the component it triggered
 * @comp_id: that component
 * @comp_serial: and its serial, so that another of the same ID is not it
 * @seq: the exec that made it a trigger process (a forked child has its
 *	parent's)
 * @persona: the persona its program triggers
 * @program: its name, for the events
 * @rcu: freed after the probes' lookups
 *
 * Only compfw_triggers_reconcile() and compfw_triggers_net_exit() free one,
 * under the namespace's lock: a record seen on a list stays readable while
 * that lock is held.
 */
struct compfw_trigger_proc {
	struct hlist_node hash;
	struct list_head list;
	const struct signal_struct *sig;
	struct compfw_net *cnet;
	u32 comp_id;
	u64 comp_serial;
	u64 seq;
	char persona[COMPFW_NAME_MAX];
	char program[TASK_COMM_LEN];
	struct rcu_head rcu;
};

/* What an exec leaves on its task, to switch on the way out of execve. */
struct compfw_trigger_work {
	struct callback_head cb;
	struct net *net;
};

/* The lists of every namespace's struct compfw_triggers, and procs. */
static DEFINE_SPINLOCK(trigger_lock);
static DEFINE_HASHTABLE(procs, 10);
static atomic_t n_procs = ATOMIC_INIT(0);
static u64 last_seq;
/* One path per CPU: the probes run with preemption off. */
static char __percpu *path_buf;
static struct tracepoint *tp_exec, *tp_fork, *tp_exit;

static struct compfw_trigger_proc *proc_of(const struct signal_struct *sig)
{
	struct compfw_trigger_proc *rec;

	hash_for_each_possible_rcu(procs, rec, hash, (unsigned long)sig)
		if (rec->sig == sig)
			return rec;
	return NULL;
}

static struct compfw_trigger_proc *proc_alloc(void)
{
	struct compfw_trigger_proc *rec;

	rec = kzalloc(sizeof(*rec), GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	if (rec)
		compfw_account_alloc(rec, sizeof(*rec));
	return rec;
}

static void proc_free(struct compfw_trigger_proc *rec)
{
	compfw_account_free(rec, sizeof(*rec));
	kfree_rcu(rec, rcu);
}

/* Under trigger_lock. */
static void proc_hash(struct compfw_trigger_proc *rec)
{
	hash_add_rcu(procs, &rec->hash, (unsigned long)rec->sig);
	atomic_inc(&n_procs);
}

/* Under trigger_lock: @rec's process is gone or runs another program. */
static void proc_gone(struct compfw_trigger_proc *rec)
{
	hlist_del_init_rcu(&rec->hash);
	atomic_dec(&n_procs);
	list_move_tail(&rec->list, &rec->cnet->triggers.gone);
	queue_work(compfw_wq, &rec->cnet->triggers.work);
}

static void forget(const struct signal_struct *sig)
{
	struct compfw_trigger_proc *rec;

	rcu_read_lock();
	rec = proc_of(sig);
	if (rec) {
		spin_lock(&trigger_lock);
		if (!hlist_unhashed(&rec->hash))
			proc_gone(rec);
		spin_unlock(&trigger_lock);
	}
	rcu_read_unlock();
}

/*
 * The program's path as execve was given it, when absolute, or as the file
 * it loaded resolves (symlinks followed; a script's interpreter): a trigger
 * path matches either.
 */
static int match_paths(const struct compfw_manifest *m, const struct linux_binprm *bprm)
{
	char *buf, *path;
	int face = -ENOENT;

	if (bprm->filename[0] == '/')
		face = compfw_manifest_trigger(m, NULL, bprm->filename);
	if (face >= 0)
		return face;
	buf = get_cpu_ptr(path_buf);
	path = d_path(&bprm->file->f_path, buf, PATH_MAX);
	if (!IS_ERR(path))
		face = compfw_manifest_trigger(m, NULL, path);
	put_cpu_ptr(path_buf);
	return face;
}

/* Under rcu_read_lock: the face of @m, @comp's manifest, that @bprm triggers. */
static int match(const struct compfw_component *comp, const struct compfw_manifest *m,
		 const struct linux_binprm *bprm, struct compfw_trigger_proc *rec)
{
	int face;

	face = compfw_manifest_trigger(m, current->comm, NULL);
	if (face < 0 && compfw_manifest_path_triggers(m))
		face = match_paths(m, bprm);
	if (face < 0)
		return face;
	strscpy(rec->persona, m->set->face[face].persona, sizeof(rec->persona));
	rec->comp_id = comp->id;
	rec->comp_serial = comp->serial;
	return face;
}

static void trigger_run(struct callback_head *cb);

/* Record @rec of @cnet, and switch before current returns to user space. */
static void start(struct compfw_net *cnet, struct compfw_trigger_proc *rec)
{
	struct compfw_trigger_work *w;

	w = kzalloc(sizeof(*w), GFP_ATOMIC | __GFP_NOWARN);
	if (!w) {
		net_warn_ratelimited("no memory to switch to persona %s for %s[%d]\n",
				     rec->persona, current->comm, task_pid_nr(current));
		compfw_account_free(rec, sizeof(*rec));
		kfree(rec);
		return;
	}
	compfw_account_alloc(w, sizeof(*w));
	rec->sig = current->signal;
	rec->cnet = cnet;
	get_task_comm(rec->program, current);
	spin_lock(&trigger_lock);
	rec->seq = ++last_seq;
	proc_hash(rec);
	list_add_tail(&rec->list, &cnet->triggers.live);
	spin_unlock(&trigger_lock);

	/*
	 * The work holds the module (rmmod is refused while it waits: a
	 * traced process may stop before it runs) and current's namespace.
	 */
	if (!try_module_get(THIS_MODULE))
		goto unqueued;
	w->net = get_net(cnet->net);
	init_task_work(&w->cb, trigger_run);
	if (!task_work_add(current, &w->cb, TWA_RESUME))
		return;
	/* Exiting: its exit forgets it, and the work acts then. */
	put_net(w->net);
	module_put(THIS_MODULE);
unqueued:
	compfw_account_free(w, sizeof(*w));
	kfree(w);
}

static void on_exec(void *data, struct task_struct *p, pid_t old_pid,
		    struct linux_binprm *bprm)
{
	const struct compfw_manifest *m = NULL;
	struct compfw_trigger_proc *rec = NULL;
	struct compfw_component *comp;
	struct compfw_net *cnet;
	int face = -ENOENT;

	/* A trigger process that executes again runs another program now. */
	if (atomic_read(&n_procs))
		forget(current->signal);
	rcu_read_lock();
	cnet = compfw_net(current->nsproxy->net_ns);
	comp = compfw_component_of_cgroup(cnet, task_dfl_cgroup(current));
	/* One read of the manifest: the triggers matched are the faces named. */
	if (comp)
		m = rcu_dereference(comp->manifest);
	if (compfw_manifest_has_triggers(m)) {
		rec = proc_alloc();
		if (rec)
			face = match(comp, m, bprm, rec);
		else
			net_warn_ratelimited("component %s: no memory to follow %s[%d]\n",
					     comp->name, current->comm, task_pid_nr(current));
	}
	rcu_read_unlock();
	if (face >= 0)
		start(cnet, rec);
	else if (rec)
		proc_free(rec);
}

static void on_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	struct compfw_trigger_proc *rec, *copy;

	if (!atomic_read(&n_procs) || child->signal == parent->signal)
		return;
	rcu_read_lock();
	rec = proc_of(parent->signal);
	rcu_read_unlock();
	if (!rec)
		return;
	copy = proc_alloc();
	rcu_read_lock();
	spin_lock(&trigger_lock);
	rec = proc_of(parent->signal);
	if (rec && copy) {
		memcpy(copy, rec, sizeof(*copy));
		copy->sig = child->signal;
		proc_hash(copy);
		/* Right after its parent: the list stays in exec order. */
		list_add(&copy->list, &rec->list);
		copy = NULL;
	} else if (rec) {
		net_warn_ratelimited("no memory to follow %s[%d]: its persona may end early\n",
				     child->comm, task_pid_nr(child));
	}
	spin_unlock(&trigger_lock);
	rcu_read_unlock();
	if (copy) {
		compfw_account_free(copy, sizeof(*copy));
		kfree(copy);
	}
}

static COMPFW_EXIT_PROBE(on_exit)
{
	/* Its last thread: the process is gone. */
	if (!atomic_read(&n_procs) || atomic_read(&p->signal->live))
		return;
	forget(p->signal);
}

static struct compfw_component *component_of(struct compfw_net *cnet,
					     const struct compfw_trigger_proc *rec)
{
	struct compfw_component *comp = compfw_component_by_id(cnet, rec->comp_id);

	return comp && comp->serial == rec->comp_serial ? comp : NULL;
}

static bool take(struct compfw_net *cnet, struct compfw_component *comp, const char *persona,
		 enum compfw_cause cause, const char *program)
{
	struct netlink_ext_ack ext = {};
	int ret;

	ret = compfw_component_take_persona(cnet, comp, persona, cause, program, &ext);
	if (ret < 0)
		net_warn_ratelimited("component %s: persona %s not taken (%s of %s): %s\n",
				     comp->name, persona, compfw_cause_name(cause), program,
				     ext._msg ?: "error");
	return ret > 0;
}

/* The program of the exec @seq, among the processes gone. */
static const char *program_of(const struct list_head *gone, u64 seq)
{
	const struct compfw_trigger_proc *rec;

	list_for_each_entry(rec, gone, list)
		if (rec->seq == seq)
			return rec->program;
	return "?";
}

/* What the triggers want of @comp, @top its latest trigger process or NULL. */
static bool act(struct compfw_net *cnet, struct compfw_component *comp,
		const struct compfw_trigger_proc *top, const struct list_head *gone)
{
	struct compfw_trigger_state *s = &comp->trig;
	const struct compfw_manifest *m;
	const char *program;

	if (top && top->seq > s->seen) {
		s->seen = top->seq;
		s->seq = top->seq;
		return take(cnet, comp, top->persona, COMPFW_CAUSE_EXEC, top->program);
	}
	/* Not the triggers' persona, or the process that chose it lives on. */
	if (!s->seq || (top && top->seq == s->seq))
		return false;
	program = program_of(gone, s->seq);
	s->seq = top ? top->seq : 0;
	if (top)
		return take(cnet, comp, top->persona, COMPFW_CAUSE_EXIT, program);
	m = rcu_dereference_protected(comp->manifest, lockdep_is_held(&cnet->lock));
	if (!m || !m->set)
		return false;
	return take(cnet, comp, m->set->face[m->set->dflt].persona, COMPFW_CAUSE_EXIT, program);
}

/*
 * The component of @rec, once per @pass: its latest trigger process @top
 * (or NULL), and onto the list of those to act on.
 */
static void meet(struct compfw_net *cnet, const struct compfw_trigger_proc *rec,
		 const struct compfw_trigger_proc *top, u64 pass,
		 struct compfw_component **visit)
{
	struct compfw_component *comp = component_of(cnet, rec);

	if (!comp || comp->trig.pass == pass)
		return;
	comp->trig.pass = pass;
	comp->trig.top = top;
	comp->trig.next = *visit;
	*visit = comp;
}

/**
 * compfw_triggers_reconcile - give every component what its triggers want
 * @cnet: the namespace, locked
 *
 * Return: whether a component switched, so that the caller cuts flows.
 */
bool compfw_triggers_reconcile(struct compfw_net *cnet)
{
	struct compfw_triggers *t = &cnet->triggers;
	struct compfw_component *comp, *visit = NULL;
	struct compfw_trigger_proc *rec, *tmp;
	LIST_HEAD(gone);
	bool cut = false;
	u64 pass;

	lockdep_assert_held(&cnet->lock);
	pass = ++t->pass;
	spin_lock(&trigger_lock);
	list_splice_init(&t->gone, &gone);
	/* Newest first: the first record of a component met is its latest. */
	list_for_each_entry_reverse(rec, &t->live, list)
		meet(cnet, rec, rec, pass, &visit);
	spin_unlock(&trigger_lock);
	/* Those with a process gone and none running: back to their default. */
	list_for_each_entry(rec, &gone, list)
		meet(cnet, rec, NULL, pass, &visit);
	for (comp = visit; comp; comp = comp->trig.next)
		cut |= act(cnet, comp, comp->trig.top, &gone);
	list_for_each_entry_safe(rec, tmp, &gone, list)
		proc_free(rec);
	return cut;
}

static void reconcile_net(struct compfw_net *cnet)
{
	bool cut;

	mutex_lock(&cnet->lock);
	cut = compfw_triggers_reconcile(cnet);
	mutex_unlock(&cnet->lock);
	if (cut)
		compfw_recheck_flows(cnet);
}

static void trigger_run(struct callback_head *cb)
{
	struct compfw_trigger_work *w = container_of(cb, struct compfw_trigger_work, cb);

	reconcile_net(compfw_net(w->net));
	put_net(w->net);
	compfw_account_free(w, sizeof(*w));
	kfree(w);
	/* The module's exit waits, by tasks RCU, until this has returned. */
	module_put(THIS_MODULE);
}

static void trigger_work(struct work_struct *work)
{
	reconcile_net(container_of(work, struct compfw_net, triggers.work));
}

/**
 * compfw_triggers_reset - forget what the triggers did to a component
 * @comp: the component, just given a manifest at its default persona
 *
 * The next compfw_triggers_reconcile() gives it the persona of its latest
 * trigger process still running, if the manifest names it: a trigger
 * program keeps its persona across an apply or a rollback.
 */
void compfw_triggers_reset(struct compfw_component *comp)
{
	comp->trig.seq = 0;
	comp->trig.seen = 0;
}

void compfw_triggers_net_init(struct compfw_net *cnet)
{
	INIT_LIST_HEAD(&cnet->triggers.live);
	INIT_LIST_HEAD(&cnet->triggers.gone);
	INIT_WORK(&cnet->triggers.work, trigger_work);
}

/* Before the components go: the records of @cnet's processes are dropped. */
void compfw_triggers_net_exit(struct compfw_net *cnet)
{
	struct compfw_trigger_proc *rec, *tmp;
	LIST_HEAD(all);

	mutex_lock(&cnet->lock);
	spin_lock(&trigger_lock);
	list_for_each_entry(rec, &cnet->triggers.live, list) {
		hlist_del_init_rcu(&rec->hash);
		atomic_dec(&n_procs);
	}
	list_splice_init(&cnet->triggers.live, &all);
	list_splice_init(&cnet->triggers.gone, &all);
	spin_unlock(&trigger_lock);
	mutex_unlock(&cnet->lock);
	/* Nothing queues it again: no record of @cnet is left. */
	cancel_work_sync(&cnet->triggers.work);
	list_for_each_entry_safe(rec, tmp, &all, list)
		proc_free(rec);
}

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exec"))
		tp_exec = tp;
	else if (!strcmp(tp->name, "sched_process_fork"))
		tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		tp_exit = tp;
}

int compfw_triggers_init(void)
{
	int ret;

	path_buf = __alloc_percpu(PATH_MAX, SMP_CACHE_BYTES);
	if (!path_buf)
		return -ENOMEM;
	for_each_kernel_tracepoint(find_tracepoint, NULL);
	if (!tp_exec || !tp_fork || !tp_exit) {
		pr_err("no sched_process_exec/fork/exit tracepoint\n");
		ret = -ENOENT;
		goto err_buf;
	}
	/* Exits and forks first: an exec may record a process at once. */
	ret = tracepoint_probe_register(tp_exit, on_exit, NULL);
	if (ret)
		goto err_buf;
	ret = tracepoint_probe_register(tp_fork, on_fork, NULL);
	if (ret)
		goto err_exit;
	ret = tracepoint_probe_register(tp_exec, on_exec, NULL);
	if (ret)
		goto err_fork;
	return 0;

err_fork:
	tracepoint_probe_unregister(tp_fork, on_fork, NULL);
err_exit:
	tracepoint_probe_unregister(tp_exit, on_exit, NULL);
	tracepoint_synchronize_unregister();
err_buf:
	free_percpu(path_buf);
	return ret;
}

/* Before the namespaces go, which drop the records. */
void compfw_triggers_exit(void)
{
	tracepoint_probe_unregister(tp_exec, on_exec, NULL);
	tracepoint_probe_unregister(tp_fork, on_fork, NULL);
	tracepoint_probe_unregister(tp_exit, on_exit, NULL);
	tracepoint_synchronize_unregister();
	/*
	 * No work is queued (each holds the module), but the task that ran the
	 * last one may still be in its last instructions: a tasks-RCU grace
	 * period waits until every task has left them.
	 */
	synchronize_rcu_tasks();
	free_percpu(path_buf);
}
