/*
 * waitsize PATH SIZE: waits (polling stat(2) every millisecond, for 120 s
 * at most) until PATH holds SIZE bytes or more, then prints the wall clock
 * in microseconds, as bash's EPOCHREALTIME gives it. A bash loop forking
 * stat(1) every few milliseconds took CPU from what it measured. Exits 1
 * on timeout; says so on stderr when the size went past SIZE.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
	struct timespec	 nap = { 0, 1000000 }, now;
	struct stat	 st;
	long long	 size;
	long		 i;

	if (argc != 3 || (size = strtoll(argv[2], NULL, 10)) < 0) {
		fprintf(stderr, "usage: waitsize PATH SIZE\n");
		return (2);
	}
	for (i = 0; i < 120000; i++) {
		if (stat(argv[1], &st) == 0 && st.st_size >= size) {
			clock_gettime(CLOCK_REALTIME, &now);
			printf("%lld\n", (long long)now.tv_sec * 1000000 +
			    now.tv_nsec / 1000);
			if (st.st_size != size)
				fprintf(stderr, "capture: %s: %lld bytes, "
				    "expected %lld\n", argv[1],
				    (long long)st.st_size, size);
			return (0);
		}
		nanosleep(&nap, NULL);
	}
	fprintf(stderr, "capture: %s: not %lld bytes after 120 s\n", argv[1],
	    size);
	return (1);
}
