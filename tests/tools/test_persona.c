// SPDX-License-Identifier: GPL-2.0
/*
 * Personas in compfwctl: the files of tests/tools/personas/ read, written
 * back (persona_to_json) and read again to the same thing, sent as
 * PERSONA_NEW attributes and decoded to the same thing, and bad input
 * refused with the one line a user sees.
 */
#include <dirent.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/manifest.h"
#include "tap.h"

static char *json_text(const struct persona *pa)
{
	json_t *obj = persona_to_json(pa);
	char *s = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);

	json_decref(obj);
	return s;
}

/* The persona as PERSONA_NEW carries it, decoded as PERSONA_GET is. */
static int over_the_wire(const struct persona *pa, struct persona *back)
{
	struct nl_msg *msg = nlmsg_alloc_size(persona_msg_size(pa));
	struct nlattr *tb[COMPFW_PERSONA_A_MAX + 1];
	struct mf_error err;
	struct nlattr *head;
	int len, ret = -1;

	persona_init(back);
	if (!msg || persona_put(msg, pa, NULL, &err))
		goto out;
	head = nlmsg_attrdata(nlmsg_hdr(msg), 0);
	len = nlmsg_attrlen(nlmsg_hdr(msg), 0);
	if (nla_parse(tb, COMPFW_PERSONA_A_MAX, head, len, NULL) < 0)
		goto out;
	ret = persona_from_attrs(tb, head, len, back);
out:
	nlmsg_free(msg);
	return ret;
}

static void round_trip(const char *dir, const char *file)
{
	char path[1024], name[400], line[1024];
	struct persona pa, again, wire;
	char *one, *two, *three, *buf;
	struct mf_error err;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	buf = slurp(path, &len);
	snprintf(name, sizeof(name), "persona %s is read", file);
	if (!buf || persona_parse(buf, len, &pa, &err)) {
		result(0, name, buf ? manifest_error_format(file, &err, line, sizeof(line)) :
		       "cannot read it");
		free(buf);
		persona_free(&pa);
		return;
	}
	result(1, name, NULL);
	one = json_text(&pa);
	persona_parse(one, strlen(one), &again, &err);
	two = json_text(&again);
	snprintf(name, sizeof(name), "persona %s: what is written back reads the same", file);
	expect_str(name, two, one);
	snprintf(name, sizeof(name), "persona %s: the same after netlink and back", file);
	if (over_the_wire(&pa, &wire)) {
		result(0, name, "not decoded");
	} else {
		three = json_text(&wire);
		expect_str(name, three, one);
		free(three);
	}
	free(one);
	free(two);
	free(buf);
	persona_free(&pa);
	persona_free(&again);
	persona_free(&wire);
}

static const struct {
	const char *json;
	const char *want;
} bad[] = {
	{ "{\"network_profile\":{}}", "p.json: missing field \"name\"" },
	{ "{\"name\":\"p\",\"network_profile\":{\"allowed_ingress\":[{\"destination\":\"10.0.0.1\"}]}}",
	  "p.json: network_profile.allowed_ingress[0]: unknown field \"destination\"" },
	{ "{\"name\":\"p\",\"network_profile\":{\"allowed_egress\":[{\"protocol\":\"tcp\",\"port\":1,\"ports\":2}]}}",
	  "p.json: network_profile.allowed_egress[0].port: give one of \"port\" and \"ports\"" },
	{ "{\"name\":\"p\",\"network_profile\":{\"allowed_egress\":[{\"port\":1}]}}",
	  "p.json: network_profile.allowed_egress[0].port: port need protocol tcp, udp or sctp" },
	{ "{\"name\":\"p\",\"network_profile\":{\"allowed_egress\":[{\"peer\":\"any\",\"destination\":\"10.0.0.1\"}]}}",
	  "p.json: network_profile.allowed_egress[0].destination: give one of \"peer\" and \"destination\"" },
	{ "{\"name\":\"p\",\"activation_trigger\":{\"process_name\":\"a\",\"path\":\"/a\"}}",
	  "p.json: activation_trigger: give one of \"process_name\" and \"path\"" },
	{ "{\"name\":\"p\",\"activation_trigger\":{\"process_name\":\"/usr/bin/a\"}}",
	  "p.json: activation_trigger.process_name: a process name has no \"/\" (a program is named by \"path\")" },
	{ "{\"name\":\"p\",\"activation_trigger\":{\"process_name\":\"a-name-of-sixteen\"}}",
	  "p.json: activation_trigger.process_name: \"a-name-of-sixteen\" is longer than 15 bytes" },
	{ "{\"name\":\"p\",\"qos_parameters\":{\"rate\":\"0mbit\"}}",
	  "p.json: qos_parameters.rate: rate \"0mbit\" is below 1 byte per second" },
	{ "{\"name\":\"p\",\"qos_parameters\":{\"rate\":\"10\"}}",
	  "p.json: qos_parameters.rate: bad rate \"10\" (a number and a unit: bit, kbit, mbit, gbit, bps, kbps, mbps, gbps)" },
	{ "{\"name\":\"p\",\"qos_parameters\":{\"burst\":100}}",
	  "p.json: qos_parameters.burst: a burst needs a rate" },
	{ "{\"name\":\"p\",\"qos_parameters\":{\"rate\":\"1mbit\",\"burst\":\"1tb\"}}",
	  "p.json: qos_parameters.burst: bad size \"1tb\" (bytes, or a number with b, kb, mb, gb)" },
	{ "{\"name\":\"p\",\"security_profile\":{\"level\":\"paranoid\"}}",
	  "p.json: security_profile.level: unknown level \"paranoid\" (low, medium or high)" },
	{ "{\"name\":\"p\",\"communication_mode\":\"telepathy\"}",
	  "p.json: communication_mode: unknown communication_mode \"telepathy\" (unicast, multicast, broadcast or restricted)" },
	{ "{\"name\":\"p\",\"allowed_protocols\":[\"tcp\",6]}",
	  "p.json: allowed_protocols[1]: protocol 6 is listed twice" },
	{ "{\"name\":\"p\",\"priority\":-1}", "p.json: priority: -1 out of range 0-4294967295" },
	{ "{\"name\":\"p\",\"resource_limits\":{\"cpu\":\"lots\"}}",
	  "p.json: resource_limits.cpu: bad cpu.max value \"lots\" (want \"max|QUOTA [PERIOD]\")" },
	{ "{\"name\":\"p\",\"colour\":\"blue\"}", "p.json: unknown field \"colour\"" },
};

static void bad_input(void)
{
	char line[1024], name[128];
	struct persona pa;
	struct mf_error err;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "bad persona %u: %.80s", i, strchr(bad[i].want, ' ') + 1);
		if (!persona_parse(bad[i].json, strlen(bad[i].json), &pa, &err))
			result(0, name, "accepted");
		else
			expect_str(name, manifest_error_format("p.json", &err, line, sizeof(line)),
				   bad[i].want);
		persona_free(&pa);
	}
}

/* tc's units: bits per second in powers of 1000, written back in the largest that fits. */
static void rates(void)
{
	static const char json[] = "{\"name\":\"p\",\"qos_parameters\":{\"rate\":\"2.5Mbit\",\"burst\":\"64k\"}}";
	struct persona pa;
	struct mf_error err;

	result(!persona_parse(json, strlen(json), &pa, &err) && pa.rate == 312500 &&
	       pa.burst == 65536, "rate 2.5Mbit is 312,500 bytes/s, burst 64k 65,536 bytes", err.msg);
	persona_free(&pa);
}

void test_persona(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/../personas", dir);
	d = opendir(path);
	result(d != NULL, "tests/tools/personas is there", path);
	while (d && (e = readdir(d)))
		if (strstr(e->d_name, ".json"))
			round_trip(path, e->d_name);
	if (d)
		closedir(d);
	bad_input();
	rates();
}
