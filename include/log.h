/* Daemon log: levels, timestamps, a size-capped file or stderr. */
#ifndef OPM_LOG_H
#define OPM_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/*
 * path NULL: log to stderr. max_size caps the file; one old copy is kept.
 * -1 with errno when the file cannot be opened (a symbolic link there is
 * not followed: ELOOP); the log then goes to stderr.
 */
int	log_init(const char *path, size_t max_size, enum log_level level);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
