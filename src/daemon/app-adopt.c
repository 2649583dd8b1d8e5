/*
 * Apps taken over from a previous daemon: from its runtime state files
 * after it died (adopted: the processes are not our children), or from the
 * reload handover (ours: same pid, so they still are). The record comes
 * back in one assignment; then every pid in it is distrusted until a pidfd
 * is open on it and its process start time matches (docs/LESSONS.md 3).
 */
#include <sys/syscall.h>

#include <fcntl.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "state.h"
#include "staterec.h"

/* Verifies the saved pid; on success it is the app's again. */
static const char *
app_adopt_pid(struct app *a, pid_t pid, uint64_t starttime, bool ours,
    bool was_adopted)
{
	int	fd;

	/* pidfd first, then the start time: a recycled pid fails. */
	if ((fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
		return ("is gone");
	if (state_starttime(pid) != starttime) {
		close(fd);
		return ("was recycled by another process: not touched");
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	a->run.pid = a->run.pgid = pid;
	app_pid_sync(a);
	a->pidfd = fd;
	/* Over exec, an app adopted earlier is still not ours. */
	a->run.adopted = !ours || was_adopted;
	return (NULL);
}

struct app *
app_adopt(const cJSON *st, bool ours)
{
	struct state_rec	 r;
	struct app		*a;
	char			 cause[256];
	const char		*why = NULL;
	uint64_t		 now = app_now(), due;

	if (state_rec_decode(st, &r, cause, sizeof cause) == -1) {
		log_warnx("%s: runtime state unusable: %s", __func__, cause);
		return (NULL);
	}
	if ((r.instance >= 0 ? app_find_instance(r.entry.conf.name,
	    r.instance) : app_find_name(r.entry.conf.name)) != NULL ||
	    (a = app_new(&r.entry.conf, r.id, r.instance, cause,
	    sizeof cause)) == NULL) {
		log_warnx("%s: cannot adopt %s", __func__, r.entry.conf.name);
		state_rec_free(&r);
		return (NULL);
	}
	state_rec_free(&r);
	/* The record, whole: a restore, not a transition. */
	a->run = r.run;
	/*
	 * Nothing of it names a process until verified below. A group id from
	 * disk is only trusted through its leader (or, over exec, as our own
	 * unreaped children).
	 */
	a->run.pid = a->run.pgid = 0;
	a->run.adopted = false;
	a->run.timer_due = 0;
	if (r.run.pid > 0)
		why = app_adopt_pid(a, r.run.pid, r.run.starttime, ours,
		    r.run.adopted);
	else if (ours && sup_waits_group(&a->run))
		a->run.pgid = r.run.pgid;
	if (a->run.pid > 0 && a->run.adopted)
		app_pidpoll_start(a);
	log_info("%s: %s (id %d, %s, pid %d, restarts %u)", a->label,
	    ours ? "taken over" : "adopted", a->id,
	    sup_state_name(a->run.state), (int)r.run.pid, a->run.restarts);
	/* Timers resume with what was left of them. */
	if ((due = r.run.timer_due) > 0) {
		app_timer_arm(a, due > now ? due - now : 0);
		a->run.timer_due = due;
	}
	/* A reload was under way: never resumed; its other process stops. */
	if (r.run.peer_pid > 0)
		app_reload_adopt_peer(a, &r.run, ours);
	if (r.run.pid > 0 && a->run.pid == 0) {
		/*
		 * It died while no daemon ran: counted once, by policy. The
		 * pid is not verified, so no signal may go to it or its group.
		 */
		a->run.pid = r.run.pid;
		app_exited_unknown(a, why);
		return (a);
	}
	if (a->run.pid == 0 && sup_waits_group(&a->run) &&
	    !app_group_alive(a))
		app_event(a, EV_EXIT);
	app_ready_adopted(a);
	app_watch_sync(a);
	/* Sampled and checked from now on, as after a start. */
	app_memory_sync(a, APP_STOPPED);
	app_health_sync(a, APP_STOPPED);
	app_save(a);
	return (a);
}

void
app_check_pipes(void)
{
	struct app	*a;

	TAILQ_FOREACH(a, &apps, entry) {
		if (!a->run.adopted || a->run.pid <= 0 ||
		    !sup_running(a->run.state))
			continue;
		log_warnx("%s: its output pipes were lost with the daemon "
		    "and the descriptor keeper; restarting it", a->label);
		app_event(a, EV_RESTART);
	}
}
