/*
 * config.c: `hubd config-sample`, every directive with its default: the sample `make
 * install` ships. Checking a config (`hubd run -n`) and reloading it are run.c's.
 */
#include <string.h>

#include "daemon.h"
#include "cli/cli.h"

int
cmd_config_sample(int argc, char **argv)
{
	struct hubd_conf c;

	memset(&c, 0, sizeof(c));
	return daemon_config_sample("hubd", hubd_directives, &c, argc, argv);
}
