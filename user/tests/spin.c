/* spin: a runaway program: loop forever in ring 3 (spin [say|tree]; stop it with ^C or kill) */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	volatile unsigned long n = 0;

	/* tree: a child that spins too, for ^C to reach. */
	if (argc > 1 && strcmp(argv[1], "tree") == 0) {
		static const char *const child[] = {"spin", "say", NULL};
		int pid = spawn("/bin/spin", child);

		if (pid < 0) {
			dprintf(STDERR_FILENO, "spin: spawn: %s\n", strerror(pid));
			return 1;
		}
	}
	/* With an argument it says so first, so a test knows it runs. */
	if (argc > 1)
		printf("spin: pid %d spinning\n", getpid());
	for (;;)
		n++;
}
