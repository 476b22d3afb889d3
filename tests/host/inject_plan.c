/* inject_plan: the injector's planner built for the host with the real
 * table (build/user/obj/gen/faultsites.c), so a check on the host can say
 * which line /bin/inject -n must print in every kernel:
 *
 *     inject_plan COMP TYPE SEED [FUNC]   prints the "plan:" line
 *
 * tools/inject-check.py compares it with what the guests printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: inject_plan COMP TYPE SEED [FUNC]\n");
		return 2;
	}
	const struct fs_comp *c = NULL;
	for (int i = 0; i < fs_ncomps; i++)
		if (strcmp(fs_comps[i].name, argv[1]) == 0)
			c = &fs_comps[i];
	int type = -1;
	for (int t = 0; t < F_NTYPES; t++)
		if (strcmp(fault_names[t], argv[2]) == 0)
			type = t;
	struct fault_plan p;
	uint32_t seed = (uint32_t)strtoul(argv[3], NULL, 10);
	if (!c || type < 0 || fault_plan(c, type, seed, argc == 5 ? argv[4] : NULL, &p) < 0) {
		fprintf(stderr, "inject_plan: no plan for %s %s %s\n", argv[1], argv[2], argv[3]);
		return 1;
	}
	char line[200];
	fault_line(line, sizeof(line), "plan", type, seed, &p);
	printf("%s\n", line);
	return 0;
}
