/*
 * metrics.c: counters the ingest thread keeps, as C11 atomics so the web thread reads them
 * without locks when it renders /metrics (web/metrics.c).
 */
#include "core/core.h"

struct metrics hub_metrics;

static unsigned
metrics_bucket(uint64_t v, uint64_t first)
{
	unsigned b = 0;

	for (uint64_t bound = first; b < METRICS_BUCKETS - 1 && v > bound; bound *= 2)
		b++;
	return b;
}

void
metrics_batch(uint64_t messages, uint64_t commit_us)
{
	hub_metrics.batches++;
	hub_metrics.batch_msgs_sum += messages;
	hub_metrics.batch_hist[metrics_bucket(messages, 1)]++;
	/* Commit buckets start at 500 us. */
	hub_metrics.commit_hist[metrics_bucket(commit_us, 500)]++;
	hub_metrics.commit_us_sum += commit_us;
}

/* ------------------------------------------------------------------------------------------ */
