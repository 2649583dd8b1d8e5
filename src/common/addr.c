/*
 * Listening addresses (include/addr.h): parsed once, where an app object
 * is read, so a bad one is an error naming it before anything is created.
 * Host names other than localhost are refused: resolving them would block
 * the daemon's loop, and a name may resolve differently at the next bind.
 */
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

#define ADDR_NAME_CHARS							\
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

static int
addr_port_parse(const char *s, unsigned *port, const char **cause)
{
	size_t	n = strspn(s, "0123456789");

	if (n == 0 || s[n] != '\0' || n > 5 || atoi(s) > 65535) {
		*cause = "the port must be a number 0-65535";
		return (-1);
	}
	*port = (unsigned)atoi(s);
	return (0);
}

static int
addr_tcp(const char *hp, struct addr *a, const char **cause)
{
	struct sockaddr_in	*in = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)&a->ss;
	char			 host[64];
	const char		*colon, *end;
	unsigned		 port;

	if (hp[0] == '[') {
		if ((end = strchr(hp, ']')) == NULL || end[1] != ':') {
			*cause = "expected tcp://[IPV6]:PORT";
			return (-1);
		}
		colon = end + 1;
		if ((size_t)(end - hp - 1) >= sizeof host) {
			*cause = "not an IPv6 address";
			return (-1);
		}
		memcpy(host, hp + 1, end - hp - 1);
		host[end - hp - 1] = '\0';
		if (addr_port_parse(colon + 1, &port, cause) == -1)
			return (-1);
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1) {
			*cause = "not an IPv6 address";
			return (-1);
		}
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		a->family = AF_INET6;
		a->len = sizeof *in6;
		return (0);
	}
	if ((colon = strrchr(hp, ':')) == NULL) {
		*cause = "expected tcp://HOST:PORT";
		return (-1);
	}
	if (colon == hp) {
		*cause = "no host (0.0.0.0 or [::] for every address)";
		return (-1);
	}
	if ((size_t)(colon - hp) >= sizeof host || memchr(hp, ':',
	    colon - hp) != NULL) {
		*cause = "not an IPv4 address (write IPv6 as [ADDR])";
		return (-1);
	}
	memcpy(host, hp, colon - hp);
	host[colon - hp] = '\0';
	if (addr_port_parse(colon + 1, &port, cause) == -1)
		return (-1);
	if (strcmp(host, "localhost") == 0)
		strlcpy(host, "127.0.0.1", sizeof host);
	if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
		*cause = "not an IPv4 address (host names other than "
		    "localhost are not resolved)";
		return (-1);
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	a->family = AF_INET;
	a->len = sizeof *in;
	return (0);
}

static int
addr_unix(const char *path, struct addr *a, const char **cause)
{
	struct sockaddr_un	*un = (struct sockaddr_un *)&a->ss;

	if (path[0] != '/') {
		*cause = "the path must be absolute";
		return (-1);
	}
	if (strlen(path) >= sizeof un->sun_path) {
		*cause = "the path is longer than 107 bytes";
		return (-1);
	}
	un->sun_family = AF_UNIX;
	strlcpy(un->sun_path, path, sizeof un->sun_path);
	a->family = AF_UNIX;
	a->len = sizeof *un;
	return (0);
}

int
addr_parse(const char *spec, struct addr *a, const char **cause)
{
	size_t	n = strspn(spec, ADDR_NAME_CHARS);

	memset(a, 0, sizeof *a);
	if (n > 0 && spec[n] == '=') {
		if (n > ADDR_NAME_MAX) {
			*cause = "the name before '=' is longer than 64";
			return (-1);
		}
		memcpy(a->name, spec, n);
		spec += n + 1;
	}
	if (strncmp(spec, "tcp://", 6) == 0)
		return (addr_tcp(spec + 6, a, cause));
	if (strncmp(spec, "unix:", 5) == 0)
		return (addr_unix(spec + 5, a, cause));
	*cause = "expected [NAME=]tcp://HOST:PORT or [NAME=]unix:/PATH";
	return (-1);
}

void
addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	const struct sockaddr_in	*in = (const void *)sa;
	const struct sockaddr_in6	*in6 = (const void *)sa;
	const struct sockaddr_un	*un = (const void *)sa;
	char				 host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET && len >= sizeof *in) {
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(buf, size, "tcp://%s:%u", host,
		    (unsigned)ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6 && len >= sizeof *in6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		snprintf(buf, size, "tcp://[%s]:%u", host,
		    (unsigned)ntohs(in6->sin6_port));
	} else if (sa->sa_family == AF_UNIX &&
	    len > offsetof(struct sockaddr_un, sun_path))
		snprintf(buf, size, "unix:%.*s", (int)(len -
		    offsetof(struct sockaddr_un, sun_path)), un->sun_path);
	else
		snprintf(buf, size, "?");
}

int
addr_port(const struct addr *a)
{
	if (a->family == AF_INET)
		return (ntohs(((const struct sockaddr_in *)&a->ss)->sin_port));
	if (a->family == AF_INET6)
		return (ntohs(((const struct sockaddr_in6 *)
		    &a->ss)->sin6_port));
	return (-1);
}

bool
addr_same(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family || a->len != b->len)
		return (false);
	if (a->family != AF_UNIX && addr_port(a) == 0)
		return (false);
	return (memcmp(&a->ss, &b->ss, a->len) == 0);
}
