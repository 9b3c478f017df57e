/*
 * config.c: `noded config-sample`, every directive with its default: the sample `make
 * install` ships. Checking a config is run.c's (`noded run -n`); reloading it node.c's.
 */
#include <string.h>

#include "daemon.h"
#include "cli/cli.h"

int
cmd_config_sample(int argc, char **argv)
{
	struct noded_conf c;

	memset(&c, 0, sizeof(c));
	return daemon_config_sample("noded", noded_directives, &c, argc, argv);
}
