// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* sinkfmt.c - event lines as journal fields and audit text. */
#include "sinkfmt.h"

#include <ctype.h>
#include <jansson.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "logfmt.h"

/* A value as text: strings as they are, arrays joined with ",". */
static char *value_text(json_t *v)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	size_t i;
	json_t *e;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return strdup(json_string_value(v));
	case JSON_ARRAY:
		f = open_memstream(&out, &len);
		if (!f)
			return NULL;
		json_array_foreach(v, i, e) {
			char *t = value_text(e);

			fprintf(f, "%s%s", i ? "," : "", t ? t : "");
			free(t);
		}
		if (fclose(f)) {
			free(out);
			return NULL;
		}
		return out;
	default:
		return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	}
}

static int push(struct emb_fields *f, char *s)
{
	char **grown;

	if (!s)
		return -1;
	grown = realloc(f->v, (f->n + 1) * sizeof(*f->v));
	if (!grown) {
		free(s);
		return -1;
	}
	f->v = grown;
	f->v[f->n++] = s;
	return 0;
}

static char *field(const char *prefix, const char *key, const char *val)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s=%s", prefix, key, val) < 0)
		return NULL;
	for (char *p = s + strlen(prefix); *p && *p != '='; p++)
		*p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
	return s;
}

static const char *str_of(json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s ? s : "";
}

static int priority_of(json_t *ev)
{
	const char *event = str_of(ev, "event"), *action = str_of(ev, "action");

	if (!strcmp(event, "policy") && !strcmp(action, "refused"))
		return LOG_ERR;
	if (!strcmp(action, "deny") || !strcmp(action, "kill") || !strcmp(event, "lost"))
		return LOG_WARNING;
	return LOG_NOTICE;
}

int emb_line_priority(const char *line)
{
	json_t *ev = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL);
	int prio = json_is_object(ev) ? priority_of(ev) : LOG_WARNING;

	json_decref(ev);
	return prio;
}

int emb_journal_fields(const char *line, struct emb_fields *out)
{
	json_t *ev = json_loads(line, 0, NULL), *v;
	char prio[16], *human = NULL, *msg = NULL;
	const char *key;
	int err = -1;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(ev))
		goto out;
	human = emb_logfmt_human(line, strlen(line));
	snprintf(prio, sizeof(prio), "%d", priority_of(ev));
	if (!human || asprintf(&msg, "MESSAGE=%s", human) < 0)
		goto out;
	err = push(out, msg);
	err = err ?: push(out, field("", "PRIORITY", prio));
	err = err ?: push(out, strdup("SYSLOG_IDENTIFIER=embargo"));
	json_object_foreach(ev, key, v) {
		char *t = value_text(v);

		err = err ?: push(out, t ? field("EMBARGO_", key, t) : NULL);
		free(t);
	}
out:
	free(human);
	json_decref(ev);
	if (err)
		emb_fields_free(out);
	return err;
}

void emb_fields_free(struct emb_fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

char *emb_audit_text(const char *line, int *success)
{
	json_t *ev = json_loads(line, 0, NULL), *v;
	char *out = NULL, *t, *enc;
	size_t len = 0;
	const char *key, *action;
	FILE *f;

	*success = 1;
	if (!json_is_object(ev) || !(f = open_memstream(&out, &len))) {
		json_decref(ev);
		return NULL;
	}
	action = str_of(ev, "action");
	*success = strcmp(action, "deny") && strcmp(action, "kill");
	fputs("op=embargo", f);
	json_object_foreach(ev, key, v) {
		if (!strcmp(key, "time"))
			continue;
		t = value_text(v);
		enc = NULL;
		if (t && (json_is_integer(v) || json_is_boolean(v)))
			fprintf(f, " %s=%s", key, t);
		else if (t && (enc = audit_encode_nv_string(key, t, 0)))
			fprintf(f, " %s", enc);
		else
			fprintf(f, " %s=?", key);
		free(enc);
		free(t);
	}
	json_decref(ev);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}
