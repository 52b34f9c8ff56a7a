/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which JSON value each attribute of a request came from, so that the
 * offset the kernel reports (NLMSGERR_ATTR_OFFS) names a place in the file.
 */
#ifndef _COMPFWCTL_ATTRPATH_H
#define _COMPFWCTL_ATTRPATH_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct attr_path - one recorded attribute
 * @start: offset of its header from the start of the netlink message
 * @end: offset just past it (nests: past their last member)
 * @parent: index of the enclosing record, or -1
 * @key: member name(s) it adds to the parent's path, e.g. "peer.cidr", or NULL
 * @index: array index it adds after @key, or -1
 *
 * Paths are stored as a tree of parts, not as strings: a batch of 100,000
 * rules records about half a million attributes.
 */
struct attr_path {
	uint32_t start;
	uint32_t end;
	int parent;
	int index;
	const char *key;
};

struct attr_paths {
	struct attr_path *v;
	unsigned int n;
	size_t cap;
};

int attr_paths_add(struct attr_paths *ap, int parent, uint32_t start,
		   const char *key, int index);
void attr_paths_end(struct attr_paths *ap, int rec, uint32_t end);
int attr_paths_find(const struct attr_paths *ap, uint32_t offset);
const char *attr_paths_format(const struct attr_paths *ap, int rec,
			      char *buf, size_t size);
void attr_paths_free(struct attr_paths *ap);

#endif /* _COMPFWCTL_ATTRPATH_H */
