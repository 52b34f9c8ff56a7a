// SPDX-License-Identifier: GPL-2.0
/*
 * Personas: named network profiles that components take. A persona is a
 * control-plane object only: the packet path never sees it. A manifest
 * that names personas is compiled into one face per persona (manifest.c),
 * and the component points at the active face; this file builds those
 * faces from the personas and keeps them true when a persona changes.
 * Personas are few (max_personas) and looked up by a walk of their list,
 * always under the namespace lock. A persona keeps its last definitions
 * (history_depth) as whole personas, out of the list, any of which a
 * rollback puts back in force as a replace would.
 */

#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "account.h"
#include "compat.h"
#include "component.h"
#include "netns.h"
#include "persona.h"

void compfw_personas_init(struct compfw_net *cnet)
{
	INIT_LIST_HEAD(&cnet->personas);
}

static void free_string(const char *s)
{
	if (s)
		compfw_kvfree((void *)s, strlen(s) + 1);
}

static const char *dup_string(const char *s, bool *nomem)
{
	size_t len;
	char *copy;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	copy = compfw_kvzalloc(len);
	if (!copy) {
		*nomem = true;
		return NULL;
	}
	memcpy(copy, s, len);
	return copy;
}

/* One definition; compfw_persona_free_all() for one with its history. */
void compfw_persona_free(struct compfw_persona *p)
{
	int i;

	if (!p)
		return;
	compfw_manifest_free(p->profile);
	free_string(p->traits.trigger_path);
	for (i = 0; i < COMPFW_LIMIT_COUNT; i++)
		free_string(p->traits.limit[i]);
	compfw_kvfree(p, sizeof(*p));
}

/* What @p takes as the cap max_netns_memory counts it. */
static size_t persona_bytes(const struct compfw_persona *p)
{
	size_t n = sizeof(*p) + compfw_manifest_bytes(p->profile);
	int i;

	if (p->traits.trigger_path)
		n += strlen(p->traits.trigger_path) + 1;
	for (i = 0; i < COMPFW_LIMIT_COUNT; i++)
		if (p->traits.limit[i])
			n += strlen(p->traits.limit[i]) + 1;
	return n;
}

static struct compfw_persona *definition(const struct compfw_version *v)
{
	return container_of(v, struct compfw_persona, hist);
}

static size_t definition_bytes(const struct compfw_version *v)
{
	return persona_bytes(definition(v));
}

/* A definition's profile is retired: no packet reads it. */
static void free_definition(struct compfw_version *v)
{
	compfw_persona_free(definition(v));
}

static const struct compfw_history_ops definitions = {
	.bytes = definition_bytes,
	.drop = free_definition,
	.free = free_definition,
};

/* What @p takes with the definitions it keeps. */
static size_t persona_total_bytes(const struct compfw_persona *p)
{
	return persona_bytes(p) + compfw_history_bytes(&p->history);
}

static void compfw_persona_free_all(struct compfw_persona *p)
{
	compfw_history_free(&p->history);
	compfw_persona_free(p);
}

void compfw_personas_destroy(struct compfw_net *cnet)
{
	struct compfw_persona *p, *tmp;

	list_for_each_entry_safe(p, tmp, &cnet->personas, list) {
		list_del(&p->list);
		compfw_persona_free_all(p);
	}
}

struct compfw_persona *compfw_persona_by_name(struct compfw_net *cnet, const char *name)
{
	struct compfw_persona *p;

	lockdep_assert_held(&cnet->lock);
	list_for_each_entry(p, &cnet->personas, list)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/*
 * The rules are compiled once here, so that a persona that cannot compile
 * is refused when it is defined, not when a component takes it; the tables
 * then go, since each component compiles its own copy.
 */
static int make_profile(struct compfw_net *cnet, struct compfw_persona *p,
			const struct compfw_manifest_spec *profile,
			struct cfw_compile_err *err, struct netlink_ext_ack *extack)
{
	struct compfw_manifest_spec spec = *profile;
	struct compfw_manifest *m;

	spec.version = NULL;
	spec.mode = COMPFW_MODE_ENFORCE;
	spec.log = COMPFW_LOG_OFF;
	spec.nflog_group = -1;
	m = compfw_manifest_create(cnet, &spec, err, extack);
	if (IS_ERR(m))
		return PTR_ERR(m);
	compfw_manifest_retire(m);
	p->profile = m;
	return 0;
}

/**
 * compfw_persona_create - build a persona, not yet added
 * @cnet: the namespace, locked: the rules' peer components are in it
 * @spec: what it says; copied
 * @err: where a compile error is, for the caller to point at
 * @extack: why it is refused
 *
 * Return: the persona, or an ERR_PTR.
 */
struct compfw_persona *compfw_persona_create(struct compfw_net *cnet,
					     const struct compfw_persona_spec *spec,
					     struct cfw_compile_err *err,
					     struct netlink_ext_ack *extack)
{
	struct compfw_persona *p;
	bool nomem = false;
	int ret, i;

	p = compfw_kvzalloc(sizeof(*p));
	if (!p) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&p->history.versions);
	strscpy(p->name, spec->name, sizeof(p->name));
	if (spec->version)
		strscpy(p->version, spec->version, sizeof(p->version));
	p->traits = spec->traits;
	p->traits.trigger_path = dup_string(spec->traits.trigger_path, &nomem);
	for (i = 0; i < COMPFW_LIMIT_COUNT; i++)
		p->traits.limit[i] = dup_string(spec->traits.limit[i], &nomem);
	if (nomem) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		ret = -ENOMEM;
		goto err;
	}
	memset(err, 0, sizeof(*err));
	err->index = -1;
	err->except_index = -1;
	ret = make_profile(cnet, p, &spec->profile, err, extack);
	if (ret)
		goto err;
	return p;

err:
	compfw_persona_free(p);
	return ERR_PTR(ret);
}

int compfw_persona_add(struct compfw_net *cnet, struct compfw_persona *p,
		       struct netlink_ext_ack *extack)
{
	int ret;

	lockdep_assert_held(&cnet->lock);
	if (compfw_persona_by_name(cnet, p->name)) {
		NL_SET_ERR_MSG(extack, "a persona with this name exists (replace changes it)");
		return -EEXIST;
	}
	if (cnet->n_personas >= compfw_max_personas) {
		NL_SET_ERR_MSG(extack, "too many personas (module parameter max_personas)");
		return -ENOSPC;
	}
	ret = compfw_memory_check(cnet, persona_bytes(p), extack);
	if (ret)
		return ret;
	p->serial = ++cnet->last_serial;
	p->generation = 1;
	compfw_history_init(&p->history, &definitions, &p->hist, p->generation);
	list_add_tail(&p->list, &cnet->personas);
	cnet->n_personas++;
	cnet->memory += persona_bytes(p);
	cnet->dump_seq++;
	return 0;
}

/* Does the manifest in force of @comp take @p (this very persona)? */
static bool takes(const struct compfw_component *comp, const struct compfw_persona *p)
{
	const struct compfw_manifest *m = rcu_dereference_protected(comp->manifest, true);
	u32 i;

	for (i = 0; m && m->set && i < m->set->n; i++)
		if (m->set->face[i].serial == p->serial)
			return true;
	return false;
}

u32 compfw_persona_users(struct compfw_net *cnet, const struct compfw_persona *p)
{
	struct compfw_component *comp;
	u32 n = 0;

	list_for_each_entry(comp, &cnet->components_list, list)
		n += takes(comp, p);
	return n;
}

int compfw_persona_del(struct compfw_net *cnet, struct compfw_persona *p,
		       struct netlink_ext_ack *extack)
{
	struct compfw_component *comp;

	lockdep_assert_held(&cnet->lock);
	list_for_each_entry(comp, &cnet->components_list, list) {
		if (takes(comp, p)) {
			compfw_err_fmt(extack, cnet->why,
				       "the manifest of component \"%.40s\" may take it",
				       comp->name);
			return -EBUSY;
		}
	}
	list_del(&p->list);
	cnet->n_personas--;
	cnet->memory -= persona_total_bytes(p);
	cnet->dump_seq++;
	compfw_persona_free_all(p);
	return 0;
}

/* The first persona whose rules name component @id as a peer, or NULL. */
const struct compfw_persona *compfw_persona_naming(struct compfw_net *cnet, u32 id)
{
	const struct compfw_persona *p;

	list_for_each_entry(p, &cnet->personas, list)
		if (compfw_manifest_names(p->profile, id))
			return p;
	return NULL;
}

/* The first face of @m whose persona was deleted or changed since, or NULL. */
const struct compfw_face *compfw_persona_lost(struct compfw_net *cnet,
					      const struct compfw_manifest *m)
{
	const struct compfw_persona *p;
	u32 i;

	for (i = 0; m && m->set && i < m->set->n; i++) {
		p = compfw_persona_by_name(cnet, m->set->face[i].persona);
		if (!p || p->serial != m->set->face[i].serial)
			return &m->set->face[i];
	}
	return NULL;
}

/*
 * The faces of a manifest naming @names, @instead taking the place of the
 * persona of its name (a replacement not yet added); @active is the face
 * returned.
 */
static struct compfw_manifest *build_faces(struct compfw_net *cnet,
					   const struct compfw_manifest_spec *header,
					   const char *const *names, u32 n, u32 dflt,
					   u32 active, const struct compfw_persona *instead,
					   struct netlink_ext_ack *extack)
{
	const struct compfw_persona *p;
	struct compfw_manifest *m;
	struct compfw_face *faces;
	u32 i;

	faces = kvcalloc(n, sizeof(*faces), COMPFW_GFP);
	if (!faces) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < n; i++) {
		p = instead && !strcmp(instead->name, names[i]) ? instead :
		    compfw_persona_by_name(cnet, names[i]);
		if (!p) {
			compfw_err_fmt(extack, cnet->why, "unknown persona \"%.50s\"", names[i]);
			m = ERR_PTR(-ENOENT);
			goto out;
		}
		strscpy(faces[i].persona, p->name, sizeof(faces[i].persona));
		faces[i].serial = p->serial;
		strscpy(faces[i].trigger_process, p->traits.trigger_process,
			sizeof(faces[i].trigger_process));
		/* Borrowed: the set makes its own copy. */
		faces[i].trigger_path = (char *)p->traits.trigger_path;
		faces[i].m = p->profile;
	}
	m = compfw_manifest_set_create(cnet, header, faces, n, dflt, extack);
	if (!IS_ERR(m)) {
		m->set->active = active;
		m = m->set->face[active].m;
	}
out:
	kvfree(faces);
	return m;
}

/**
 * compfw_persona_faces - compile a manifest that takes personas
 * @cnet: the namespace, locked
 * @header: the manifest's version, mode and logging
 * @names: the personas it may take, distinct
 * @n: entries in @names
 * @dflt: the index of the one taken first
 * @extack: why it is refused
 *
 * Return: the default face, or an ERR_PTR.
 */
struct compfw_manifest *compfw_persona_faces(struct compfw_net *cnet,
					     const struct compfw_manifest_spec *header,
					     const char *const *names, u32 n, u32 dflt,
					     struct netlink_ext_ack *extack)
{
	return build_faces(cnet, header, names, n, dflt, dflt, NULL, extack);
}

/* The header a face was compiled from. */
static void header_of(const struct compfw_manifest *m, struct compfw_manifest_spec *h)
{
	memset(h, 0, sizeof(*h));
	h->version = m->version[0] ? m->version : NULL;
	h->mode = m->mode;
	h->log = m->log;
	h->nflog_group = m->nflog_group;
}

/* @comp's manifest in force rebuilt with @p in place of its namesake. */
static struct compfw_manifest *rebuild(struct compfw_net *cnet,
				       const struct compfw_component *comp,
				       const struct compfw_persona *p,
				       struct netlink_ext_ack *extack)
{
	const struct compfw_manifest *m = rcu_dereference_protected(comp->manifest, true);
	const struct compfw_persona_set *set = m->set;
	struct compfw_manifest_spec header;
	struct compfw_manifest *built;
	const char **names;
	u32 i;

	names = kvcalloc(set->n, sizeof(*names), COMPFW_GFP);
	if (!names) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < set->n; i++)
		names[i] = set->face[i].persona;
	header_of(m, &header);
	built = build_faces(cnet, &header, names, set->n, set->dflt, set->active, p, extack);
	kvfree(names);
	return built;
}

/*
 * @p in force in place of @old: every manifest in force that may take @old
 * is compiled again with @p before any is installed, so all of them change
 * or none. Each keeps its active persona. @growth is what @p adds besides.
 */
static int put_in_force(struct compfw_net *cnet, struct compfw_persona *old,
			struct compfw_persona *p, long growth,
			struct netlink_ext_ack *extack)
{
	struct compfw_component *comp, **users = NULL;
	struct compfw_manifest **built = NULL;
	long rules = cnet->rules;
	u32 n, i = 0;
	int ret = 0;

	n = compfw_persona_users(cnet, old);
	users = kvcalloc(n ?: 1, sizeof(*users), COMPFW_GFP);
	built = kvcalloc(n ?: 1, sizeof(*built), COMPFW_GFP);
	if (!users || !built) {
		NL_SET_ERR_MSG(extack, COMPFW_NOMEM_MSG);
		ret = -ENOMEM;
		goto out;
	}
	list_for_each_entry(comp, &cnet->components_list, list) {
		if (!takes(comp, old))
			continue;
		users[i] = comp;
		built[i] = rebuild(cnet, comp, p, extack);
		if (IS_ERR(built[i])) {
			ret = PTR_ERR(built[i]);
			built[i] = NULL;
			goto out;
		}
		rules += (long)built[i]->n_rules -
			 rcu_dereference_protected(comp->manifest, true)->n_rules;
		growth += compfw_install_growth(comp, built[i]);
		i++;
	}
	if (rules > compfw_max_rules) {
		NL_SET_ERR_MSG(extack,
			       "too many rules in this namespace (module parameter max_rules)");
		ret = -E2BIG;
		goto out;
	}
	ret = compfw_memory_check(cnet, growth, extack);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		compfw_component_install(cnet, users[i], built[i]);
		built[i] = NULL;
	}
	list_replace(&old->list, &p->list);
	cnet->dump_seq++;
out:
	for (i = 0; built && i < n; i++)
		compfw_manifest_free(built[i]);
	kvfree(built);
	kvfree(users);
	return ret;
}

/**
 * compfw_persona_replace - change a persona, and every manifest that takes it
 * @cnet: the namespace, locked
 * @p: the new definition, from compfw_persona_create(); added on success
 * @extack: why it is refused
 *
 * The definition in force until now is kept in the history. The caller
 * then cuts the flows now denied.
 */
int compfw_persona_replace(struct compfw_net *cnet, struct compfw_persona *p,
			   struct netlink_ext_ack *extack)
{
	struct compfw_persona *old = compfw_persona_by_name(cnet, p->name);
	size_t before;
	int ret;

	lockdep_assert_held(&cnet->lock);
	if (!old) {
		NL_SET_ERR_MSG(extack, "no persona of this name to replace");
		return -ENOENT;
	}
	before = persona_total_bytes(old);
	p->serial = ++cnet->last_serial;
	ret = put_in_force(cnet, old, p,
			   (long)persona_bytes(p) - (long)compfw_history_push_frees(&old->history),
			   extack);
	if (ret)
		return ret;
	compfw_history_move(&p->history, &old->history);
	p->generation = old->generation + 1;
	compfw_history_push(&p->history, &p->hist, COMPFW_HISTORY_REPLACE, p->generation);
	cnet->memory += persona_total_bytes(p) - before;
	return 0;
}

/* The definition a rollback of @p to @generation (0: the previous) brings back. */
static struct compfw_persona *kept_definition(struct compfw_net *cnet,
					      const struct compfw_persona *p,
					      u32 generation, struct netlink_ext_ack *extack)
{
	struct compfw_version *v;

	if (!generation) {
		v = compfw_history_previous(&p->history);
		if (!v) {
			NL_SET_ERR_MSG(extack, "no previous definition to roll back to");
			return ERR_PTR(-ENOENT);
		}
		return definition(v);
	}
	v = compfw_history_find(&p->history, generation);
	if (!v) {
		compfw_err_fmt(extack, cnet->why, "generation %u is not in the persona's history",
			       generation);
		return ERR_PTR(-ENOENT);
	}
	if (v == &p->hist) {
		compfw_err_fmt(extack, cnet->why, "generation %u is the definition in force",
			       generation);
		return ERR_PTR(-EALREADY);
	}
	return definition(v);
}

/**
 * compfw_persona_rollback - put back a definition the persona keeps
 * @cnet: the namespace, locked
 * @p: the persona, in force
 * @generation: the generation of the definition, or 0 for the one in
 *	force before this one (two plain rollbacks undo each other)
 * @extack: why it is refused
 *
 * As a replace by that definition: every manifest that may take the
 * persona is rebuilt, all or none; the caller then cuts the flows now
 * denied. The definition keeps its serial, so that the versions of a
 * component compiled with it are good to come back again too.
 *
 * Return: 0, -ENOENT (no such definition, or a peer it names is gone),
 * -EALREADY (it is in force), or what a replace returns.
 */
int compfw_persona_rollback(struct compfw_net *cnet, struct compfw_persona *p,
			    u32 generation, struct netlink_ext_ack *extack)
{
	const struct compfw_peer_ref *lost;
	struct compfw_persona *back;
	size_t before;
	int ret;

	lockdep_assert_held(&cnet->lock);
	back = kept_definition(cnet, p, generation, extack);
	if (IS_ERR(back))
		return PTR_ERR(back);
	lost = compfw_manifest_lost_peer(cnet, back->profile);
	if (lost) {
		compfw_err_fmt(extack, cnet->why, "peer \"%.58s\" was deleted", lost->name);
		return -ENOENT;
	}
	before = persona_total_bytes(p);
	ret = put_in_force(cnet, p, back, 0, extack);
	if (ret)
		return ret;
	compfw_history_move(&back->history, &p->history);
	back->generation = p->generation + 1;
	compfw_history_bring_back(&back->history, &back->hist, back->generation);
	cnet->memory += persona_total_bytes(back) - before;
	return 0;
}
