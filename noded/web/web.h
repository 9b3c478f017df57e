/*
 * web.h: the node's HTTP side, built on the node's core: today the local JSON API (api.c,
 * docs/API-node.md) on the daemon's loop; the agency staff's workspace will join it here.
 */
#ifndef NODED_WEB_H
#define NODED_WEB_H

#include <uv.h>

#include "core/core.h"

/* api.c: the local JSON API on the daemon's loop (common/http.c) */
struct api;
int api_start(uv_loop_t *loop, struct node *n, const char *conf_path, struct api **api);
void api_stop(struct api **api);

#endif
