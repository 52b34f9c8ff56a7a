// SPDX-License-Identifier: GPL-2.0
/*
 * compfwctl stats --format openmetrics: every component's counters in the
 * OpenMetrics text format, for the Prometheus node exporter's textfile
 * collector (write it to a .prom file in its directory) or any scraper.
 *
 * A counter family is named without its _total suffix and its samples
 * with it, as OpenMetrics has it; the node exporter's parser (Prometheus'
 * text format) takes the samples as they are and ignores "# EOF".
 */

#include <linux/compfw.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compfwctl.h"
#include "component.h"
#include "counters.h"

/* One component's totals, as the dump gave them. */
struct om_row {
	char name[COMPFW_NAME_MAX];
	struct counters c;
};

struct om_rows {
	struct om_row *v;
	unsigned int n;
	size_t cap;
};

static int collect(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[COMPFW_COMPONENT_A_MAX + 1];
	struct om_rows *rows = arg;
	struct om_row *grown;

	if (component_parse(msg, tb))
		return -1;
	/* A later message of the same component carries no totals. */
	if (!tb[COMPFW_COMPONENT_A_STATS])
		return 0;
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? 2 * rows->cap : 64;
		grown = realloc(rows->v, rows->cap * sizeof(*rows->v));
		if (!grown)
			return -1;
		rows->v = grown;
	}
	snprintf(rows->v[rows->n].name, sizeof(rows->v[rows->n].name), "%s",
		 nla_get_string(tb[COMPFW_COMPONENT_A_NAME]));
	if (counters_from_attr(tb[COMPFW_COMPONENT_A_STATS], &rows->v[rows->n].c))
		return -1;
	rows->n++;
	return 0;
}

/* A label value: backslash, double quote and newline escaped. */
static void put_label(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static const struct {
	const char *outcome;
	int packets;
	int bytes;
} outcomes[] = {
	{ "accepted", COMPFW_STATS_A_ACCEPTED_PACKETS, COMPFW_STATS_A_ACCEPTED_BYTES },
	{ "dropped", COMPFW_STATS_A_DROPPED_PACKETS, COMPFW_STATS_A_DROPPED_BYTES },
	{ "audited", COMPFW_STATS_A_AUDITED_PACKETS, COMPFW_STATS_A_AUDITED_BYTES },
};

static void put_family(FILE *out, const struct om_rows *rows, const char *name,
		       const char *help, int bytes)
{
	unsigned int i, k;

	fprintf(out, "# TYPE %s counter\n# HELP %s %s\n", name, name, help);
	for (i = 0; i < rows->n; i++) {
		for (k = 0; k < sizeof(outcomes) / sizeof(outcomes[0]); k++) {
			fprintf(out, "%s_total{component=\"", name);
			put_label(out, rows->v[i].name);
			fprintf(out, "\",outcome=\"%s\"} %llu\n", outcomes[k].outcome,
				(unsigned long long)rows->v[i].c.v[bytes ? outcomes[k].bytes :
								   outcomes[k].packets]);
		}
	}
}

/* Everything is read before anything is printed: an error prints nothing. */
int stats_openmetrics(struct ctl *ctl, const char *name)
{
	struct om_rows rows = { 0 };
	struct nl_msg *msg;

	if (ctl_connect(ctl))
		return 1;
	msg = ctl_msg(ctl, COMPFW_CMD_COMPONENT_GET, NLM_F_DUMP);
	if (!msg || (name && nla_put_string(msg, COMPFW_COMPONENT_A_NAME, name)))
		return ctl_error("out of memory");
	if (ctl_transact(ctl, msg, "stats", collect, &rows)) {
		free(rows.v);
		return 1;
	}
	put_family(stdout, &rows, "compfw_packets",
		   "Packets compfw judged for a component, by what became of them.", 0);
	put_family(stdout, &rows, "compfw_bytes",
		   "Bytes of the packets compfw judged for a component, by what became of them.", 1);
	fputs("# EOF\n", stdout);
	free(rows.v);
	return fflush(stdout) ? ctl_error("stats: cannot write: %m") : 0;
}
