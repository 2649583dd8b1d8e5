/*
 * Listening addresses of the listen key (issue 14 item 3): what an app
 * file or --listen says, parsed into a socket address the daemon binds.
 * Pure: linked by the unit tests and the fuzzers as well as the daemon.
 *
 *	[NAME=]tcp://HOST:PORT	HOST an IPv4 literal, [IPv6], or localhost;
 *				PORT 0-65535 (0: the kernel picks one)
 *	[NAME=]unix:PATH	an absolute path of at most 107 bytes
 *
 * NAME (1-64 of [A-Za-z0-9._-]) is the descriptor's name in LISTEN_FDNAMES.
 */
#ifndef OPM_ADDR_H
#define OPM_ADDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

#define ADDR_NAME_MAX	64
#define ADDR_TEXT_MAX	160	/* "unix:" + 107 bytes, or tcp://[v6]:port */

struct addr {
	char			 name[ADDR_NAME_MAX + 1];	/* "": none */
	int			 family;	/* AF_INET, AF_INET6, AF_UNIX */
	socklen_t		 len;
	struct sockaddr_storage	 ss;
};

/* Parses spec; -1 with a static *cause (without the spec) on error. */
int	 addr_parse(const char *spec, struct addr *, const char **cause);
/* tcp:// or unix: text of a socket address, as addr_parse reads it. */
void	 addr_format(const struct sockaddr *, socklen_t, char *, size_t);
/* The same socket address (port 0 twice is not: each gets its own). */
bool	 addr_same(const struct addr *, const struct addr *);
/* The port of a tcp address, -1 for unix. */
int	 addr_port(const struct addr *);

#endif
