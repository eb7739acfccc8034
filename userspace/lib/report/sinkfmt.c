// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* sinkfmt.c - event records as journal fields, syslog priority and audit text. */
#include "sinkfmt.h"

#include <ctype.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "logfmt.h"
#include "namelist.h"

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

static const char *str_of(const struct emb_record *r, const char *key)
{
	const char *s = emb_record_str(r, key);

	return s ? s : "";
}

int emb_record_priority(const struct emb_record *r)
{
	const char *event = str_of(r, "event"), *action = str_of(r, "action");

	if (!strcmp(event, "policy") && !strcmp(action, "refused"))
		return LOG_ERR;
	if (!strcmp(action, "deny") || !strcmp(action, "kill") || !strcmp(event, "lost"))
		return LOG_WARNING;
	return LOG_NOTICE;
}

int emb_journal_fields(const struct emb_record *r, struct emb_fields *out)
{
	char prio[16], *human = NULL, *msg = NULL;
	int err = -1;

	memset(out, 0, sizeof(*out));
	human = emb_logfmt_record(r);
	snprintf(prio, sizeof(prio), "%d", emb_record_priority(r));
	if (!human || asprintf(&msg, "MESSAGE=%s", human) < 0)
		goto out;
	err = push(out, msg);
	err = err ?: push(out, field("", "PRIORITY", prio));
	err = err ?: push(out, strdup("SYSLOG_IDENTIFIER=embargo"));
	for (size_t i = 0; i < r->n; i++) {
		char *t = emb_rv_text(&r->f[i].v);

		err = err ?: push(out, t ? field("EMBARGO_", r->f[i].key, t) : NULL);
		free(t);
	}
out:
	free(human);
	if (err)
		emb_fields_free(out);
	return err;
}

void emb_fields_free(struct emb_fields *f)
{
	emb_names_free(f->v, f->n);
	f->v = NULL;
	f->n = 0;
}

char *emb_audit_text(const struct emb_record *r, int *success)
{
	char *out = NULL, *t, *enc;
	size_t len = 0;
	const char *action;
	FILE *f;

	action = str_of(r, "action");
	*success = strcmp(action, "deny") && strcmp(action, "kill");
	f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	fputs("op=embargo", f);
	for (size_t i = 0; i < r->n; i++) {
		const char *key = r->f[i].key;
		const struct emb_rv *v = &r->f[i].v;

		if (!strcmp(key, "time"))
			continue;
		t = emb_rv_text(v);
		enc = NULL;
		if (t && (v->type == EMB_RV_INT || v->type == EMB_RV_BOOL))
			fprintf(f, " %s=%s", key, t);
		else if (t && (enc = audit_encode_nv_string(key, t, 0)))
			fprintf(f, " %s", enc);
		else
			fprintf(f, " %s=?", key);
		free(enc);
		free(t);
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}
