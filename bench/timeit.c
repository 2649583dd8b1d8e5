/*
 * timeit N CMD [ARG...]: runs CMD N times, one after the other, stdout and
 * stderr to /dev/null, and prints each run's wall time in nanoseconds, one
 * per line (fork + exec + wait included: what a user feels). Exits 1 if a
 * run failed.
 *
 * timeit N CMD [ARG...] ::: CMD2 [ARG...] [::: ...]: the commands take
 * turns, one run each, N rounds, so that a busy machine slows them all
 * alike (before/after builds, or a command and /bin/true); each line is
 * "INDEX NS", INDEX counting the commands from 0.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TIMEIT_MAX	16

int
main(int argc, char **argv)
{
	struct timespec	a, b;
	char		**cmd[TIMEIT_MAX];
	long		n, i;
	int		status, null, k = 0, j;
	pid_t		pid;

	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: timeit N CMD [ARG...] "
		    "[::: CMD [ARG...]]...\n");
		return (2);
	}
	cmd[k++] = argv + 2;
	for (j = 2; j < argc; j++) {
		if (strcmp(argv[j], ":::") != 0)
			continue;
		if (k == TIMEIT_MAX || j + 1 == argc) {
			fprintf(stderr, "timeit: at most %d commands, none "
			    "empty\n", TIMEIT_MAX);
			return (2);
		}
		argv[j] = NULL;
		cmd[k++] = argv + j + 1;
	}
	if ((null = open("/dev/null", O_RDWR)) == -1)
		return (1);
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++) {
			clock_gettime(CLOCK_MONOTONIC, &a);
			if ((pid = fork()) == -1)
				return (1);
			if (pid == 0) {
				dup2(null, 1);
				dup2(null, 2);
				execvp(cmd[j][0], cmd[j]);
				_exit(127);
			}
			if (waitpid(pid, &status, 0) == -1)
				return (1);
			clock_gettime(CLOCK_MONOTONIC, &b);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "timeit: %s: run %ld failed\n",
				    cmd[j][0], i);
				return (1);
			}
			if (k > 1)
				printf("%d ", j);
			printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) *
			    1000000000LL + (b.tv_nsec - a.tv_nsec));
		}
	}
	return (0);
}
