/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * progress.h - a one-line progress bar on a terminal for long sweeps.
 *
 * A thread of its own first counts what is to be done (files and bytes
 * under the roots, the same excludes, no hashing), then redraws the line
 * ten times a second from samples of what is done. Before the count is
 * complete the totals shown are lower bounds ("+") and there is no ETA.
 */
#ifndef EMBARGO_PROGRESS_H
#define EMBARGO_PROGRESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct emb_progress_sample {
	uint64_t files, bytes;             /* done */
	uint64_t total_files, total_bytes; /* counted so far */
	int counted;                       /* the totals are complete */
	double elapsed;                    /* seconds since the start */
};

/*
 * The status line, no newline, fitting width - 1 columns (width <= 0: no
 * limit): the bar narrows, then goes, then the line is cut:
 * "[#####               ]  25%  500/2000 files  1.0/4.0 MiB  2.0 MiB/s  ETA 0:02"
 * While counting: "500/1200+ files  1.0/2.0+ MiB  2.0 MiB/s  ETA --:--".
 */
void emb_progress_format(char *buf, size_t len, const struct emb_progress_sample *s, int width);

/* "512 B", "1.5 KiB", "2.0 MiB", ... */
void emb_progress_bytes(char *buf, size_t len, uint64_t n);

/* What is done so far: called from the progress thread. */
typedef void (*emb_progress_sample_fn)(void *ctx, uint64_t *files, uint64_t *bytes);

struct emb_progress_opts {
	FILE *out; /* a terminal */
	const char *const *roots;
	size_t n_roots;
	const char *const *exclude;
	size_t n_exclude;
	emb_progress_sample_fn sample;
	void *ctx;
};

struct emb_progress {
	struct emb_progress_opts o;
	pthread_t tid;
	pthread_mutex_t lock; /* the line on screen and everything below */
	pthread_cond_t wake;
	struct timespec t0;
	double last_draw;
	int stop, drawn;
	uint64_t total_files, total_bytes;
	int counted;
};

/* Start the thread; returns 0 or -errno (then there is simply no bar). */
int emb_progress_start(struct emb_progress *p, const struct emb_progress_opts *o);
/* Stop the thread and erase the line. */
void emb_progress_stop(struct emb_progress *p);
/* Erase the line and keep it away while the caller writes to the terminal. */
void emb_progress_hold(struct emb_progress *p);
void emb_progress_release(struct emb_progress *p);

#endif
