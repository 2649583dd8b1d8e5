/*
 * timeit N CMD [ARG...]: runs CMD N times, one after the other, stdout and
 * stderr to /dev/null, and prints each run's wall time in nanoseconds, one
 * per line (fork + exec + wait included: what a user feels). Exits 1 if a
 * run failed.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec	a, b;
	long		n, i;
	int		status, null;
	pid_t		pid;

	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: timeit N CMD [ARG...]\n");
		return (2);
	}
	if ((null = open("/dev/null", O_RDWR)) == -1)
		return (1);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if ((pid = fork()) == -1)
			return (1);
		if (pid == 0) {
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) == -1)
			return (1);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "timeit: %s: run %ld failed\n",
			    argv[2], i);
			return (1);
		}
		printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) *
		    1000000000LL + (b.tv_nsec - a.tv_nsec));
	}
	return (0);
}
