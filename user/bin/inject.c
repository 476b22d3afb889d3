/* inject: put a SWIFI fault into a running component (inject -l lists them) */
/* inject [-n] [-f FUNC] COMP TYPE SEED
 *
 *   inject COMP TYPE SEED     injects one fault and prints one line
 *       inject: COMP TYPE seed SEED at FUNC+0xOFF (offset 0xN): DESCRIPTION
 *   inject -n COMP TYPE SEED  plans only: the same line with "plan:", and
 *                             changes nothing
 *   inject -f FUNC ...        only sites in the component's function FUNC
 *   inject -l                 the components and the fault types
 *
 * The plan comes from a table of the component's instructions compiled
 * into this program (tools/faultsites.py, from build/comp/NAME.o: the very
 * object both kernels link), and a generator seeded by the component, the
 * type and the seed (user/inject/plan.c). So a plan is the same on every
 * kernel: OFF and N are offsets into the component's text, the same
 * instruction in ring 0 and in a server. The interface type names a byte
 * offset in the message instead (FUNC is "msg"). SYS_INJECT writes the
 * fault (abi/inject.h); this program may make that call because
 * common/system.conf gives it the fault privilege. Exit status: 0 done,
 * 1 refused by the kernel, 2 bad arguments. */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#include "../inject/plan.h"

static void usage(void)
{
	printf("usage: inject [-n] [-f FUNC] COMP TYPE SEED   (inject -l lists COMP and TYPE)\n");
}

static void list(void)
{
	printf("components (those running answer; see ps):\n");
	for (int i = 0; i < fs_ncomps; i++) {
		struct inject_req r = {0};
		snprintf(r.comp, sizeof(r.comp), "%s", fs_comps[i].name);
		int e = syscall(SYS_INJECT, (uint32_t)&r, 0, 0, 0, 0);
		printf("  %-8s %6u bytes of text, %5u instructions%s\n", fs_comps[i].name,
		       fs_comps[i].text_size, fs_comps[i].ninsn,
		       e == 0         ? ""
		       : e == -ESRCH  ? "  (not running)"
		       : e == -ENOENT ? "  (not in this kernel)"
				      : "");
	}
	printf("fault types:\n");
	for (int t = 0; t < F_NTYPES; t++)
		printf("  %-9s %s\n", fault_names[t], fault_help[t]);
	printf("SEED: a decimal number from 0 to 2147483647\n");
}

/* A decimal 0..2^31-1, nothing else. */
static int parse_seed(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0x7FFFFFFFu)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static const char *refusal(int e, const char *comp)
{
	static char why[96];
	switch (-e) {
	case EPERM:
		return "this program does not hold the fault privilege (common/system.conf)";
	case ENOENT:
		snprintf(why, sizeof(why), "there is no component %s in this kernel", comp);
		return why;
	case ESRCH:
		snprintf(why, sizeof(why), "component %s is not running (dead or restarting)",
			 comp);
		return why;
	default:
		snprintf(why, sizeof(why), "the kernel refused: %s (%d)", strerror(-e), e);
		return why;
	}
}

int main(int argc, char **argv)
{
	int plan_only = 0, a = 1;
	const char *only = NULL;
	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		list();
		return 0;
	}
	/* Options first; "-5" is a (bad) seed, not an option. */
	for (; a < argc && argv[a][0] == '-' && !(argv[a][1] >= '0' && argv[a][1] <= '9'); a++) {
		if (strcmp(argv[a], "-n") == 0) {
			plan_only = 1;
		} else if (strcmp(argv[a], "-f") == 0 && a + 1 < argc) {
			only = argv[++a];
		} else {
			printf("inject: unknown option '%s'\n", argv[a]);
			usage();
			return 2;
		}
	}
	if (argc - a != 3) {
		usage();
		return 2;
	}
	const char *cname = argv[a], *tname = argv[a + 1], *sname = argv[a + 2];
	const struct fs_comp *c = NULL;
	for (int i = 0; i < fs_ncomps; i++)
		if (strcmp(fs_comps[i].name, cname) == 0)
			c = &fs_comps[i];
	if (!c) {
		printf("inject: unknown component '%s' (inject -l lists them)\n", cname);
		return 2;
	}
	int type = -1;
	for (int t = 0; t < F_NTYPES; t++)
		if (strcmp(fault_names[t], tname) == 0)
			type = t;
	if (type < 0) {
		printf("inject: unknown fault type '%s' (inject -l lists them)\n", tname);
		return 2;
	}
	uint32_t seed;
	if (parse_seed(sname, &seed) < 0) {
		printf("inject: the seed must be a decimal number from 0 to 2147483647, not '%s'\n",
		       sname);
		return 2;
	}
	struct fault_plan p;
	if (fault_plan(c, type, seed, only, &p) < 0) {
		if (only)
			printf("inject: %s has no function '%s' with a site for a %s fault\n",
			       cname, only, tname);
		else
			printf("inject: %s has no site for a %s fault\n", cname, tname);
		return 2;
	}
	/* Whether it runs, and is the code this table was made from. */
	struct inject_req probe = {0};
	memcpy(probe.comp, p.req.comp, sizeof(probe.comp));
	int e = syscall(SYS_INJECT, (uint32_t)&probe, 0, 0, 0, 0);
	if (e < 0) {
		printf("inject: %s\n", refusal(e, cname));
		return 1;
	}
	if (probe.text_size != c->text_size) {
		printf("inject: %s's text is %u bytes here, but %u in this program's table: "
		       "rebuild\n",
		       cname, probe.text_size, c->text_size);
		return 1;
	}
	if (!plan_only && (e = syscall(SYS_INJECT, (uint32_t)&p.req, 0, 0, 0, 0)) < 0) {
		printf("inject: %s\n", refusal(e, cname));
		return 1;
	}
	char line[200];
	fault_line(line, sizeof(line), plan_only ? "plan" : "inject", type, seed, &p);
	printf("%s\n", line);
	return 0;
}
