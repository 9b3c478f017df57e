/*
 * replay.c: the corpus replayer. Runs LLVMFuzzerTestOneInput once over every file of the
 * harness's corpus (tests/fuzz/corpus/NAME, compiled in as FUZZ_CORPUS, relative to the tree's
 * root where tests/run starts it) and of each directory or file given as an argument. A crash
 * or a sanitizer report fails it; so does an empty corpus, which would prove nothing. Prints
 * "N inputs replayed" and exits 0.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		if (f != NULL)
			fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 1;
}

/* Every regular file under path (a file or a directory), in name order. */
static int
replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, total = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: no such corpus\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char p[4096];
		int r = 0;

		if (names[i]->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", path, names[i]->d_name);
			r = replay_path(p);
		}
		free(names[i]);
		if (r < 0 || total < 0)
			total = -1;
		else
			total += r;
	}
	free(names);
	return total;
}

int
main(int argc, char **argv)
{
	int total;

	LLVMFuzzerInitialize(&argc, &argv);
	total = replay_path(FUZZ_CORPUS);
	for (int i = 1; i < argc && total >= 0; i++) {
		int r = replay_path(argv[i]);
		total = r < 0 ? -1 : total + r;
	}
	if (total <= 0) {
		fprintf(stderr, "replay: %s: %s\n", FUZZ_CORPUS, total == 0 ? "the corpus is empty" :
		    "cannot be read");
		return 1;
	}
	printf("%d inputs replayed from %s\n", total, FUZZ_CORPUS);
	return 0;
}
