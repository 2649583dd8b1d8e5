/*
 * Cron expressions (cron_restart, issue 15 item 3): the parser and the next
 * time an expression comes, in a named time zone. Pure but for the time
 * zone: cron_next and cron_format set TZ for the length of the call and set
 * it back (the daemon is single-threaded); no clock is read.
 *
 * Syntax: 5 fields (minute hour day-of-month month day-of-week) or 6, with
 * seconds first (PM2's croner, node-cron). Each field: '*' (or '?'),
 * N, N-M, a step (star, slash, S), N-M/S or N/S (N to the end of the
 * field), lists of those
 * joined by ','. Months JAN-DEC and days SUN-SAT by name, any case; 0 and
 * 7 are Sunday. Macros: @yearly @annually @monthly @weekly @daily
 * @midnight @hourly. When day-of-month and day-of-week are both
 * restricted (neither begins with '*' or '?'), a day matches either one
 * (Vixie cron).
 *
 * Time changes (README.md, "Scheduled restarts and jobs"): an expression
 * with particular hours runs once per local time: a time that does not
 * exist (skipped by a change to summer time) runs at the end of the gap,
 * and a time that happens twice (the change back) runs at its first
 * occurrence only. An expression for every hour (hour '*') follows the
 * clock: times in a gap do not exist, and the repeated hour runs again.
 */
#ifndef OPM_CRON_H
#define OPM_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CRON_EXPR_MAX	256	/* bytes of an expression */
#define CRON_TZ_MAX	128	/* bytes of a zone name */
#define CRON_ISO_MAX	32	/* cron_format's output */

struct cron {
	uint64_t	 sec;		/* bit N: second N, 0-59 */
	uint64_t	 min;		/* 0-59 */
	uint32_t	 hour;		/* 0-23 */
	uint32_t	 dom;		/* 1-31 */
	uint16_t	 mon;		/* 1-12 */
	uint8_t		 dow;		/* 0-6, Sunday 0 */
	bool		 dom_star;	/* began with '*' or '?' (Vixie) */
	bool		 dow_star;
};

/*
 * Parses expr into c. -1 with a cause naming the field and the token
 * ("minute: '75' is out of range 0-59").
 */
int	 cron_parse(const char *expr, struct cron *c, char *cause,
	    size_t clen);
/*
 * Whether tz names a time zone: an IANA name ("Europe/Berlin") whose
 * file under TZDIR (default /usr/share/zoneinfo) is a TZif file. -1 and
 * cause otherwise.
 */
int	 cron_tz_check(const char *tz, char *cause, size_t clen);
/*
 * The first time after `after` when c comes in zone tz (NULL: the
 * process's own local time), in *next. -1 when it does not come within
 * ten years.
 */
int	 cron_next(const struct cron *c, const char *tz, time_t after,
	    time_t *next);
/*
 * The smallest wall-clock time >= w and <= limit that c matches, on a
 * calendar without zone (seconds since 1970-01-01 00:00 of that
 * calendar); -1 when none.
 */
int	 cron_next_wall(const struct cron *c, int64_t w, int64_t limit,
	    int64_t *out);
/* t as ISO 8601 with the offset of zone tz (NULL: local). */
void	 cron_format(time_t t, const char *tz, char *buf, size_t len);
/* Whether c runs at every hour (its hour field is '*'). */
bool	 cron_every_hour(const struct cron *c);

#endif
