/*
 * pool.c: threads that share the ingest thread's CPU-bound work, such as checking a batch's
 * signatures. Started once with hubd run; each run hands the indexes 0..n-1 out, in order, to
 * the threads and to the caller when it helps (pool_help, pool_wait), so the caller can do
 * its own serial work on the first results while the threads compute the next ones. The
 * threads touch only what fn gives them: never the store, never ZeroMQ.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "core/core.h"

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	pthread_t *threads;
	unsigned nthreads;            /* running */
	unsigned busy;                /* threads still in the current run */
	uint64_t gen;                 /* bumped by each run: a thread works once per value */
	int stop;
	pool_fn fn;
	void *arg;
	size_t n;
	atomic_size_t next;           /* the next index to hand out */
};

static int
pool_take(struct pool *p)
{
	size_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);

	if (i >= p->n)
		return 0;
	p->fn(i, p->arg);
	return 1;
}

static void
pool_work(struct pool *p)
{
	while (pool_take(p))
		;
}

static void *
pool_thread(void *arg)
{
	struct pool *p = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->gen == seen)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->stop)
			break;
		seen = p->gen;
		pthread_mutex_unlock(&p->mu);
		pool_work(p);
		pthread_mutex_lock(&p->mu);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

unsigned
pool_cores(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && (n = CPU_COUNT(&set)) > 0)
		return (unsigned)n;
	return 1;
}

int
pool_start(unsigned nthreads, struct pool **out)
{
	struct pool *p;
	sigset_t all, old;
	int rc = 0;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (nthreads > 0 && (p->threads = calloc(nthreads, sizeof(*p->threads))) == NULL)) {
		free(p);
		return eiso_seterr(EISO_NOMEM, "pool: out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	/* Signals are the ingest thread's: it stops the hub and reloads the config. */
	sigfillset(&all);
	/* Faults stay deliverable to the thread that faults (a crash, an ASan report). */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (; p->nthreads < nthreads; p->nthreads++)
		if ((rc = pthread_create(&p->threads[p->nthreads], NULL, pool_thread, p)) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (p->nthreads < nthreads) {
		pool_stop(&p);
		return eiso_seterr(EISO_NOMEM, "pool: cannot start a thread: %s", strerror(rc));
	}
	*out = p;
	return 0;
}

void
pool_submit(struct pool *p, size_t n, pool_fn fn, void *arg)
{
	if (p == NULL || p->nthreads == 0 || n < 2) {
		for (size_t i = 0; i < n; i++)
			fn(i, arg);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	atomic_store_explicit(&p->next, 0, memory_order_relaxed);
	p->busy = p->nthreads;
	p->gen++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
}

int
pool_help(struct pool *p)
{
	return p != NULL && p->nthreads > 0 && pool_take(p);
}

void
pool_wait(struct pool *p)
{
	if (p == NULL || p->nthreads == 0)
		return;
	pool_work(p);
	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void
pool_stop(struct pool **pp)
{
	struct pool *p = *pp;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->go);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
	*pp = NULL;
}
