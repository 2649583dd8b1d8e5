/*
 * opm metrics (issue 17 item 3): the Prometheus text exposition format,
 * made by the daemon (src/daemon/cmd-metrics.c; docs/PROTOCOL.md,
 * "metrics").
 */
#ifndef OPM_METRICS_H
#define OPM_METRICS_H

#include <stdint.h>

#include <cJSON.h>

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct app;
struct proc_stats;

/* The whole exposition, a new string. */
char	*metrics_text(void);
/* Samples a's tree into ps; the app's CPU ticks so far, never less. */
uint64_t metrics_cpu_ticks(struct app *, struct proc_stats *ps);
/* Reload: the CPU counters of every app, and the successor's taking them. */
cJSON	*metrics_handover(void);
void	 metrics_takeover(const cJSON *);

#endif
