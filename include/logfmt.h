/*
 * Log line timestamps in PM2's log_date_format: moment.js / day.js tokens
 * ("YYYY-MM-DD HH:mm:ss Z") translated once, when the option is read, into
 * a strftime-style format that logfmt_format expands for each line.
 */
#ifndef OPM_LOGFMT_H
#define OPM_LOGFMT_H

#include <stddef.h>
#include <sys/time.h>

/* Longest translated format, its NUL included. */
#define LOGFMT_MAX	256

/*
 * Translates a moment format to a strftime format, with three conversions
 * of opm's own: %3L milliseconds (%1L tenths, %2L hundredths), %:z the
 * offset as +01:00, %Q milliseconds since the epoch. Text in [brackets]
 * and letters that are no moment token are kept as they are. Returns -1
 * with *cause for a token opm does not know (ordinals, quarters, locale
 * weeks, time zone names) or a format too long.
 */
int	 logfmt_translate(const char *moment, char *out, size_t len,
	    const char **cause);
/*
 * Expands a translated format for tv in local time into buf (always NUL
 * terminated, cut if need be). Returns the length written.
 */
size_t	 logfmt_format(const char *fmt, const struct timeval *tv, char *buf,
	    size_t len);

#endif
