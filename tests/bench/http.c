/*
 * http.c: `loadgen http`: GET one path of the hub's web side over keep-alive HTTP/1.1
 * connections, one thread each, as fast as the answers come, for a number of seconds; prints
 * requests per second and the latency distribution. No dependency beyond the C library: the
 * responses are read by Content-Length or chunked encoding, and anything but 200 is an error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bench.h"

#define HTTP_BUF   (256 << 10)
#define HTTP_MAXLAT 4000000      /* latencies kept per connection */

struct http_conn {
	pthread_t th;
	const struct http_opts *o;
	double *lat;                 /* ms */
	size_t nlat;
	uint64_t bytes;
	int failed;
	char why[160];
};

struct http_opts {
	unsigned port, conns;
	const char *path, *token;
	double seconds;
	char req[2048];
	size_t reqlen;
};

static int
http_connect(unsigned port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read at least need bytes into buf (which holds *have); 0, or -1 on EOF or error. */
static int
http_fill(int fd, char *buf, size_t *have, size_t need)
{
	while (*have < need) {
		ssize_t n = read(fd, buf + *have, HTTP_BUF - *have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*have += (size_t)n;
	}
	return 0;
}

/* One response: status and body consumed from buf/fd. Returns its status, or -1. */
static int
http_response(int fd, char *buf, size_t *have, uint64_t *bytes)
{
	char *end, *p;
	size_t hlen, clen = 0;
	int status, chunked = 0, has_len = 0;

	for (;;) {
		buf[*have < HTTP_BUF ? *have : HTTP_BUF - 1] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (*have >= HTTP_BUF - 1 || http_fill(fd, buf, have, *have + 1) != 0)
			return -1;
	}
	hlen = (size_t)(end - buf) + 4;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	for (p = strstr(buf, "\r\n"); p != NULL && p < end; p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, "content-length:", 15) == 0) {
			clen = strtoull(p + 17, NULL, 10);
			has_len = 1;
		} else if (strncasecmp(p + 2, "transfer-encoding:", 18) == 0 &&
		    strstr(p + 20, "chunked") != NULL && strstr(p + 20, "chunked") < end) {
			chunked = 1;
		}
	}
	memmove(buf, buf + hlen, *have - hlen);
	*have -= hlen;
	if (chunked) {
		for (;;) {
			char *crlf;
			size_t n;

			while ((crlf = memmem(buf, *have, "\r\n", 2)) == NULL)
				if (http_fill(fd, buf, have, *have + 1) != 0)
					return -1;
			n = strtoull(buf, NULL, 16);
			hlen = (size_t)(crlf - buf) + 2;
			if (hlen + n + 2 > HTTP_BUF)
				return -1;   /* a chunk larger than the buffer: not for this client */
			if (http_fill(fd, buf, have, hlen + n + 2) != 0)
				return -1;
			memmove(buf, buf + hlen + n + 2, *have - hlen - n - 2);
			*have -= hlen + n + 2;
			*bytes += n;
			if (n == 0)
				break;
		}
	} else if (has_len) {
		/* Bodies larger than the buffer are read through it. */
		while (clen > 0) {
			size_t take;

			if (*have == 0 && http_fill(fd, buf, have, 1) != 0)
				return -1;
			take = *have < clen ? *have : clen;
			memmove(buf, buf + take, *have - take);
			*have -= take;
			clen -= take;
			*bytes += take;
		}
	} else {
		return -1;   /* read-until-close bodies are not spoken here */
	}
	return status;
}

static void *
http_main(void *arg)
{
	struct http_conn *c = arg;
	const struct http_opts *o = c->o;
	char *buf = malloc(HTTP_BUF);
	size_t have = 0;
	double end = bench_now() + o->seconds;
	int fd = -1;

	if (buf == NULL) {
		c->failed = 1;
		return NULL;
	}
	while (bench_now() < end && c->nlat < HTTP_MAXLAT) {
		double t0;
		int status;

		if (fd < 0 && (fd = http_connect(o->port)) < 0) {
			snprintf(c->why, sizeof(c->why), "connect: %s", strerror(errno));
			c->failed = 1;
			break;
		}
		t0 = bench_now();
		if (write(fd, o->req, o->reqlen) != (ssize_t)o->reqlen ||
		    (status = http_response(fd, buf, &have, &c->bytes)) < 0) {
			/* The server may close a keep-alive connection: reconnect once. */
			close(fd);
			fd = -1;
			have = 0;
			if (c->failed++ > 3) {
				snprintf(c->why, sizeof(c->why), "connection lost repeatedly");
				break;
			}
			continue;
		}
		if (status != 200) {
			snprintf(c->why, sizeof(c->why), "status %d for %s", status, o->path);
			c->failed = 100;
			break;
		}
		c->failed = 0;
		c->lat[c->nlat++] = (bench_now() - t0) * 1000;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int
http_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
cmd_http(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "path", required_argument, NULL, 'P' },
		{ "token", required_argument, NULL, 't' },
		{ "connections", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct http_opts o = { 0, 1, NULL, NULL, 5, { 0 }, 0 };
	struct http_conn *cs;
	double *all = NULL, t0, t;
	size_t n = 0;
	uint64_t bytes = 0;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o.port = (unsigned)bench_num("--port", optarg); break;
		case 'P': o.path = optarg; break;
		case 't': o.token = optarg; break;
		case 'c': o.conns = (unsigned)bench_num("--connections", optarg); break;
		case 's': o.seconds = (double)bench_num("--seconds", optarg); break;
		default: bench_usage(NULL);
		}
	}
	if (o.port == 0 || o.port > 65535 || o.path == NULL || o.path[0] != '/' || o.conns == 0 ||
	    o.conns > 256 || optind != argc)
		bench_usage("http: --port and --path (/...) are required; 1-256 connections");
	o.reqlen = (size_t)snprintf(o.req, sizeof(o.req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "%s%s%sUser-Agent: eiso-loadgen\r\n\r\n", o.path, o.token ? "Authorization: Bearer " :
	    "", o.token ? o.token : "", o.token ? "\r\n" : "");
	if (o.reqlen >= sizeof(o.req))
		bench_usage("http: path or token too long");
	if ((cs = calloc(o.conns, sizeof(*cs))) == NULL)
		return 1;
	t0 = bench_now();
	for (unsigned i = 0; i < o.conns; i++) {
		cs[i].o = &o;
		if ((cs[i].lat = malloc(HTTP_MAXLAT * sizeof(double))) == NULL ||
		    pthread_create(&cs[i].th, NULL, http_main, &cs[i]) != 0) {
			fprintf(stderr, "loadgen: http: out of memory or threads\n");
			exit(1);
		}
	}
	for (unsigned i = 0; i < o.conns; i++)
		pthread_join(cs[i].th, NULL);
	t = bench_now() - t0;
	for (unsigned i = 0; i < o.conns; i++) {
		if (cs[i].failed) {
			fprintf(stderr, "loadgen: http: %s\n", cs[i].why);
			goto done;
		}
		n += cs[i].nlat;
		bytes += cs[i].bytes;
	}
	if (n == 0 || (all = malloc(n * sizeof(*all))) == NULL)
		goto done;
	n = 0;
	for (unsigned i = 0; i < o.conns; i++) {
		memcpy(all + n, cs[i].lat, cs[i].nlat * sizeof(*all));
		n += cs[i].nlat;
	}
	qsort(all, n, sizeof(*all), http_cmp);
	printf("{\"verb\":\"http\",\"path\":\"%s\",\"connections\":%u,\"requests\":%zu,"
	    "\"seconds\":%.3f,\"requests_per_s\":%.1f,\"body_bytes_avg\":%.0f,\"p50_ms\":%.3f,"
	    "\"p99_ms\":%.3f,\"max_ms\":%.3f}\n", o.path, o.conns, n, t, (double)n / t,
	    (double)bytes / (double)n, all[(size_t)(0.50 * (double)(n - 1))],
	    all[(size_t)(0.99 * (double)(n - 1))], all[n - 1]);
	ret = 0;
done:
	for (unsigned i = 0; i < o.conns; i++)
		free(cs[i].lat);
	free(cs);
	free(all);
	return ret;
}
