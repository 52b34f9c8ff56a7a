// SPDX-License-Identifier: GPL-2.0
/* Attribute offset -> JSON path, for errors the kernel finds. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrpath.h"
#include "xalloc.h"

/* Returns the record's index, for attr_paths_end() and as a parent. */
int attr_paths_add(struct attr_paths *ap, int parent, uint32_t start,
		   const char *key, int index)
{
	if (ap->n == ap->cap)
		ap->v = xgrow(ap->v, &ap->cap, ap->n + 1, sizeof(*ap->v));
	ap->v[ap->n] = (struct attr_path) {
		.start = start, .end = start, .parent = parent,
		.key = key, .index = index,
	};
	return ap->n++;
}

void attr_paths_end(struct attr_paths *ap, int rec, uint32_t end)
{
	ap->v[rec].end = end;
}

/*
 * The innermost record holding @offset. Records nest like the attributes,
 * so of those that hold it, the innermost starts last.
 */
int attr_paths_find(const struct attr_paths *ap, uint32_t offset)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < ap->n; i++) {
		if (ap->v[i].start > offset || offset >= ap->v[i].end)
			continue;
		if (best < 0 || ap->v[i].start >= ap->v[best].start)
			best = i;
	}
	return best;
}

static size_t format_part(const struct attr_paths *ap, int rec, char *buf,
			  size_t size)
{
	const struct attr_path *p = &ap->v[rec];
	size_t len = 0;
	int n;

	if (p->parent >= 0)
		len = format_part(ap, p->parent, buf, size);
	if (p->key) {
		n = snprintf(buf + len, size - len, "%s%s", len ? "." : "",
			     p->key);
		len = n > 0 && len + n < size ? len + n : size - 1;
	}
	if (p->index >= 0) {
		n = snprintf(buf + len, size - len, "[%d]", p->index);
		len = n > 0 && len + n < size ? len + n : size - 1;
	}
	return len;
}

/* "[0].ingress[2].peer.component"; "" for a single manifest's own nest. */
const char *attr_paths_format(const struct attr_paths *ap, int rec,
			      char *buf, size_t size)
{
	buf[0] = '\0';
	if (rec >= 0 && (unsigned int)rec < ap->n && size)
		format_part(ap, rec, buf, size);
	return buf;
}

void attr_paths_free(struct attr_paths *ap)
{
	free(ap->v);
	memset(ap, 0, sizeof(*ap));
}
