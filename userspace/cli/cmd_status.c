// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmd_status.c - `embargo status [--json]`: what is enforcing, read from the
 * pins (works with or without the agent), plus the agent's state file when
 * it describes these pins. Every --json field is in docs/status.md.
 * Exit 0 when loaded and every link the backend needs is pinned and
 * attached, 3 when not (contract.md §4: not loaded is not enforcing, and
 * neither is a set with a link gone).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "hooks.h"
#include "linkcheck.h"
#include "loader.h"
#include "options.h"
#include "pins.h"
#include "statefile.h"
#include "statnames.h"
#include "log.h"

struct status {
	const char *pin_dir;
	struct emb_pin_info *pins;
	size_t n_pins;
	int have_meta;
	struct emb_meta meta;
	int have_stats;
	uint64_t stats[EMB_STAT_MAX];
	int agent_running;
	json_t *state;        /* the state file, or NULL */
	const char *state_is; /* current | stale | missing */
	size_t n_links;
	/* the links the pinned backend needs; checked only when the pins are
	 * of this ABI (another build's hook table may differ) */
	int links_known;
	struct emb_link_check links[EMB_HOOKS_MAX];
	size_t n_checked, n_bad;
};

/* The agent holds flock(LOCK_EX) on the pin dir while it runs. */
static int agent_running(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), busy;

	if (fd < 0)
		return 0;
	busy = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/* The state file counts only when it describes these pins, this generation. */
static void read_state(struct status *s, const char *state_dir)
{
	json_t *dir, *gen;
	int err;

	s->state = emb_state_read(state_dir, &err);
	s->state_is = "missing";
	if (!s->state)
		return;
	dir = json_object_get(s->state, "pin_dir");
	gen = json_object_get(s->state, "generation");
	if (s->have_meta && json_is_string(dir) && !strcmp(json_string_value(dir), s->pin_dir) &&
	    json_is_integer(gen) && (uint64_t)json_integer_value(gen) == s->meta.generation) {
		s->state_is = "current";
		return;
	}
	s->state_is = "stale";
	json_decref(s->state);
	s->state = NULL;
}

static int check_links(struct status *s)
{
	int n;

	if (!s->n_links || !s->have_meta || s->meta.abi_version != EMBARGO_ABI_VERSION)
		return 0;
	n = emb_links_check(s->pin_dir, (enum emb_backend)s->meta.backend, s->links, EMB_HOOKS_MAX);
	if (n < 0) {
		emb_logf(EMB_LOG_ERR, "embargo status", "checking the links of %s: %s", s->pin_dir,
			 strerror(-n));
		return n;
	}
	s->links_known = 1;
	s->n_checked = (size_t)n;
	for (size_t i = 0; i < s->n_checked; i++)
		s->n_bad += s->links[i].state != EMB_LINK_ATTACHED;
	return 0;
}

static int collect(struct status *s, const struct emb_opts *o)
{
	int err;

	s->pin_dir = o->pin_dir;
	err = emb_pins_list(o->pin_dir, &s->pins, &s->n_pins);
	if (err && err != -ENOENT) {
		emb_logf(EMB_LOG_ERR, "embargo status", "reading %s: %s", o->pin_dir, strerror(-err));
		return err;
	}
	for (size_t i = 0; i < s->n_pins; i++)
		s->n_links += s->pins[i].kind == EMB_PIN_LINK;
	s->have_meta = emb_pins_meta_read(o->pin_dir, &s->meta) == 0;
	s->have_stats = emb_pins_read_stats(o->pin_dir, s->stats) == 0;
	s->agent_running = s->n_pins && agent_running(o->pin_dir);
	read_state(s, o->state_dir);
	return check_links(s);
}

static json_t *state_str(const struct status *s, const char *key)
{
	json_t *v = s->state ? json_object_get(s->state, key) : NULL;

	return json_is_string(v) ? json_incref(v) : json_null();
}

static json_t *time_of(uint64_t ns)
{
	char buf[40];
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *pins_json(const struct status *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->n_pins; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "name", s->pins[i].name, "kind",
						   emb_pin_kind_name(s->pins[i].kind)));
	return a;
}

static json_t *maps_json(const struct status *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->n_pins; i++) {
		const struct emb_pin_info *p = &s->pins[i];

		if (p->kind != EMB_PIN_MAP)
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:I}", "name", p->name, "type",
						   p->map_type, "entries",
						   p->entries < 0 ? json_null() : json_integer(p->entries),
						   "max_entries", (json_int_t)p->max_entries));
	}
	return a;
}

static json_t *policies_json(const struct status *s)
{
	json_t *v = s->state ? json_object_get(s->state, "policies") : NULL;

	return json_is_array(v) ? json_incref(v) : json_array();
}

/* Every emb_stat counter by its statnames.h name, in enum order. */
static json_t *counters_json(const struct status *s)
{
	json_t *c = json_object();
	char buf[32];

	for (unsigned k = 0; c && k < EMB_STAT_MAX; k++)
		json_object_set_new(c, emb_stat_label(k, buf, sizeof(buf)),
				    s->have_stats ? json_integer((json_int_t)s->stats[k]) : json_null());
	if (c)
		json_object_set_new(c, "events_lost_logged",
				    s->have_meta ? json_integer((json_int_t)s->meta.lost_logged)
						 : json_null());
	return c;
}

static json_t *links_json(const struct status *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->n_checked; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "name", s->links[i].pin, "state",
						   emb_link_state_name(s->links[i].state)));
	return a;
}

static json_t *to_json(const struct status *s)
{
	json_t *agent_pid = s->agent_running && s->state ? json_object_get(s->state, "pid") : NULL;

	return json_pack(
		"{s:b,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:b,s:o},s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"loaded", s->n_links > 0,
		"attached", s->links_known ? json_boolean(s->n_bad == 0) : json_null(),
		"pin_dir", s->pin_dir,
		"abi_version", s->have_meta ? json_integer(s->meta.abi_version) : json_null(),
		"abi_current", json_boolean(s->have_meta && s->meta.abi_version == EMBARGO_ABI_VERSION),
		"backend", s->have_meta ? json_string(emb_backend_name((enum emb_backend)s->meta.backend))
					: json_null(),
		"backend_reason", state_str(s, "backend_reason"),
		"generation", s->have_meta ? json_integer((json_int_t)s->meta.generation) : json_null(),
		"enforcing_since", time_of(s->have_meta ? s->meta.created_ns : 0),
		"agent", "running", s->agent_running,
		"pid", json_is_integer(agent_pid) ? json_incref(agent_pid) : json_null(),
		"state", s->state_is,
		"host_level", state_str(s, "host_level"),
		"policies", policies_json(s),
		"pins", pins_json(s),
		"maps", maps_json(s),
		"pins_how", state_str(s, "pins"),
		"links", links_json(s),
		"counters", counters_json(s));
}

static const char *str_or(json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : dflt;
}

static void print_human(json_t *j)
{
	json_t *v, *c = json_object_get(j, "counters"), *agent = json_object_get(j, "agent");
	const char *key;
	size_t i;

	if (!json_is_true(json_object_get(j, "loaded"))) {
		printf("embargo: not loaded (no pinned links in %s)\n", str_or(j, "pin_dir", "?"));
		return;
	}
	if (json_is_false(json_object_get(j, "attached"))) {
		printf("embargo: NOT ENFORCING in full:");
		json_array_foreach(json_object_get(j, "links"), i, v)
			if (strcmp(str_or(v, "state", "?"), "attached"))
				printf(" %s %s", str_or(v, "name", "?"), str_or(v, "state", "?"));
		printf(" (pins in %s; a new embargo run replaces the set)\n", str_or(j, "pin_dir", "?"));
	} else {
		printf("embargo: enforcing (pins in %s)\n", str_or(j, "pin_dir", "?"));
	}
	printf("backend:      %s (%s)\n", str_or(j, "backend", "unknown"),
	       str_or(j, "backend_reason", "reason unknown: no current state file"));
	if (json_is_true(json_object_get(agent, "running")))
		printf("agent:        running (pid %lld)\n",
		       (long long)json_integer_value(json_object_get(agent, "pid")));
	else
		printf("agent:        not running (the pins keep enforcing)\n");
	printf("generation:   %lld, since %s; pins %s\n",
	       (long long)json_integer_value(json_object_get(j, "generation")),
	       str_or(j, "enforcing_since", "?"), str_or(j, "pins_how", "?"));
	printf("host level:   %s\n", str_or(j, "host_level", "unknown (state file missing or stale)"));
	json_array_foreach(json_object_get(j, "policies"), i, v)
		printf("%s%s (%s)\n", i ? "              " : "policies:     ", str_or(v, "id", "?"),
		       str_or(v, "mode", "?"));
	json_array_foreach(json_object_get(j, "maps"), i, v) {
		json_t *e = json_object_get(v, "entries");

		printf("%s%-14s ", i ? "              " : "maps:         ", str_or(v, "name", "?"));
		if (json_is_integer(e))
			printf("%lld/%lld\n", (long long)json_integer_value(e),
			       (long long)json_integer_value(json_object_get(v, "max_entries")));
		else
			printf("%lld bytes (%s)\n",
			       (long long)json_integer_value(json_object_get(v, "max_entries")),
			       str_or(v, "type", "?"));
	}
	i = 0;
	json_object_foreach(c, key, v) {
		printf("%s%s %lld", i % 4 ? "  " : i ? "\n              " : "counters:     ", key,
		       (long long)json_integer_value(v));
		i++;
	}
	printf("\n");
	if (strcmp(str_or(j, "backend", ""), "kmod") == 0)
		printf("embargo.ko:   %lld exec levels judged (%lld ns in all), %lld files hashed, "
		       "%lld denied unhashed (past the bound), %lld verdicts not recorded\n",
		       (long long)json_integer_value(json_object_get(c, "kmod_gate_calls")),
		       (long long)json_integer_value(json_object_get(c, "kmod_gate_ns")),
		       (long long)json_integer_value(json_object_get(c, "kmod_hashed")),
		       (long long)json_integer_value(json_object_get(c, "kmod_hash_failed")),
		       (long long)json_integer_value(json_object_get(c, "kmod_record_lost")));
}

int cmd_status(int argc, char **argv)
{
	struct status s = { 0 };
	struct emb_opts o;
	json_t *j = NULL;
	int rc = 1;

	rc = emb_opts_parse(&o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	rc = 1;
	if (o.n_args) {
		emb_logf(EMB_LOG_ERR, "embargo status", "unexpected argument '%s'", o.args[0]);
		rc = 2;
		goto out;
	}
	if (collect(&s, &o))
		goto out;
	j = to_json(&s);
	if (!j) {
		emb_logf(EMB_LOG_ERR, "embargo status", "out of memory");
		goto out;
	}
	if (o.json) {
		char *text = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);

		if (!text)
			goto out;
		printf("%s\n", text);
		free(text);
	} else {
		print_human(j);
	}
	rc = s.n_links && !s.n_bad ? 0 : 3;
out:
	json_decref(j);
	json_decref(s.state);
	free(s.pins);
	emb_opts_free(&o);
	return rc;
}
