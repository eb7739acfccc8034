// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* progress.c - a one-line progress bar on a terminal. */
#include "progress.h"

#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashindex.h"

#define BAR_WIDTH 20
#define MIN_BAR 5
#define REDRAW_NS 100000000L /* at most ten redraws a second */
#define COUNT_CHECK_EVERY 256 /* counted entries between redraw checks */

void emb_progress_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[u]);
}

static void format_eta(char *buf, size_t len, double secs)
{
	unsigned long s = (unsigned long)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
}

/* Seconds left, the larger of the estimates from bytes and from files; < 0: unknown. */
static double eta(const struct emb_progress_sample *s)
{
	double by_bytes = -1, by_files = -1;

	if (!s->counted || s->elapsed <= 0)
		return -1;
	if (s->bytes && s->total_bytes >= s->bytes)
		by_bytes = s->elapsed * (double)(s->total_bytes - s->bytes) / (double)s->bytes;
	if (s->files && s->total_files >= s->files)
		by_files = s->elapsed * (double)(s->total_files - s->files) / (double)s->files;
	return by_bytes > by_files ? by_bytes : by_files;
}

static unsigned percent(const struct emb_progress_sample *s)
{
	uint64_t done = s->bytes, total = s->total_bytes;

	if (!total) {
		done = s->files;
		total = s->total_files;
	}
	if (!total || done >= total)
		return 100;
	return (unsigned)(done * 100 / total);
}

/* Bar width: BAR_WIDTH, less what the terminal lacks; 0 below MIN_BAR. */
static int bar_width(size_t text_len, int width)
{
	int room;

	if (width <= 0)
		return BAR_WIDTH;
	room = width - 1 - (int)text_len - 3; /* "[", "] " */
	if (room < MIN_BAR)
		return 0;
	return room < BAR_WIDTH ? room : BAR_WIDTH;
}

void emb_progress_format(char *buf, size_t len, const struct emb_progress_sample *s, int width)
{
	char done[32], total[32], rate[32], left[32] = "--:--", text[192], bar[BAR_WIDTH + 1];
	const char *more = s->counted ? "" : "+";
	double secs = eta(s);
	unsigned pct = percent(s);
	int bw = 0;

	emb_progress_bytes(done, sizeof(done), s->bytes);
	emb_progress_bytes(total, sizeof(total), s->total_bytes);
	emb_progress_bytes(rate, sizeof(rate),
			   s->elapsed > 0 ? (uint64_t)((double)s->bytes / s->elapsed) : 0);
	if (secs >= 0)
		format_eta(left, sizeof(left), secs);
	snprintf(text, sizeof(text), "%llu/%llu%s files  %s/%s%s  %s/s  ETA %s",
		 (unsigned long long)s->files, (unsigned long long)s->total_files, more, done,
		 total, more, rate, left);
	if (s->counted)
		bw = bar_width(strlen(text) + 6, width); /* " 100%  " before the text */
	if (bw) {
		memset(bar, ' ', (size_t)bw);
		memset(bar, '#', pct * (unsigned)bw / 100);
		bar[bw] = '\0';
		snprintf(buf, len, "[%s] %3u%%  %s", bar, pct, text);
	} else if (s->counted) {
		snprintf(buf, len, "%3u%%  %s", pct, text);
	} else {
		snprintf(buf, len, "%s", text);
	}
	if (width > 0 && strlen(buf) >= (size_t)width)
		buf[width - 1] = '\0';
}

/* --- the thread ------------------------------------------------------------- */

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static int term_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) || !ws.ws_col)
		return 80;
	return ws.ws_col;
}

static void draw_locked(struct emb_progress *p)
{
	struct emb_progress_sample s = {
		.total_files = p->total_files,
		.total_bytes = p->total_bytes,
		.counted = p->counted,
	};
	char line[256];

	s.elapsed = since(&p->t0);
	p->o.sample(p->o.ctx, &s.files, &s.bytes);
	emb_progress_format(line, sizeof(line), &s, term_width(p->o.out));
	/* A failed write to the terminal leaves the bar stale, nothing worse. */
	fprintf(p->o.out, "\r%s\033[K", line);
	fflush(p->o.out);
	p->drawn = 1;
	p->last_draw = s.elapsed;
}

static void erase_locked(struct emb_progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", p->o.out);
	fflush(p->o.out);
	p->drawn = 0;
}

static int excluded(const struct emb_progress *p, const char *path)
{
	for (size_t i = 0; i < p->o.n_exclude; i++)
		if (emb_path_covers(p->o.exclude[i], path))
			return 1;
	return 0;
}

/* Account one entry of the count; returns 1 when the thread must stop. */
static int count_entry(struct emb_progress *p, FTS *fts, FTSENT *e, unsigned long *seen)
{
	int stop;

	if ((e->fts_info == FTS_D || e->fts_info == FTS_F) && excluded(p, e->fts_path)) {
		fts_set(fts, e, FTS_SKIP);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	if (e->fts_info == FTS_F) {
		p->total_files++;
		p->total_bytes += (uint64_t)e->fts_statp->st_size;
	}
	if (++*seen % COUNT_CHECK_EVERY == 0 && since(&p->t0) - p->last_draw >= REDRAW_NS / 1e9)
		draw_locked(p);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop;
}

/* Count the roots like the sweep walks them; without a count there is no ETA. */
static void count_all(struct emb_progress *p)
{
	char **argv = calloc(p->o.n_roots + 1, sizeof(*argv)); /* fts wants a NULL end */
	unsigned long seen = 0;
	FTS *fts = NULL;
	FTSENT *e;
	int stopped = 0;

	if (!argv)
		return;
	memcpy(argv, p->o.roots, p->o.n_roots * sizeof(*argv));
	fts = fts_open(argv, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		goto out;
	while (!stopped && (e = fts_read(fts)))
		stopped = count_entry(p, fts, e, &seen);
	fts_close(fts);
	pthread_mutex_lock(&p->lock);
	p->counted = !stopped;
	pthread_mutex_unlock(&p->lock);
out:
	free(argv);
}

static void deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_nsec += REDRAW_NS;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *progress_main(void *arg)
{
	struct emb_progress *p = arg;
	struct timespec ts;

	count_all(p);
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		draw_locked(p);
		deadline(&ts);
		while (!p->stop && pthread_cond_timedwait(&p->wake, &p->lock, &ts) != ETIMEDOUT)
			;
	}
	erase_locked(p);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t a;
	int err = pthread_condattr_init(&a);

	if (err)
		return err;
	err = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return err;
}

int emb_progress_start(struct emb_progress *p, const struct emb_progress_opts *o)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->o = *o;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	err = pthread_mutex_init(&p->lock, NULL);
	if (err)
		return -err;
	err = cond_init_monotonic(&p->wake);
	if (err)
		goto err_lock;
	err = pthread_create(&p->tid, NULL, progress_main, p);
	if (err)
		goto err_cond;
	return 0;
err_cond:
	pthread_cond_destroy(&p->wake);
err_lock:
	pthread_mutex_destroy(&p->lock);
	return -err;
}

void emb_progress_stop(struct emb_progress *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->tid, NULL);
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
}

void emb_progress_hold(struct emb_progress *p)
{
	pthread_mutex_lock(&p->lock);
	erase_locked(p);
}

void emb_progress_release(struct emb_progress *p)
{
	pthread_mutex_unlock(&p->lock);
}
