/*
 * What proc.c and opmd-exec (src/exec/exec.c, the exec helper of the
 * vfork spawn path, docs/ARCHITECTURE.md) share: the failure record a child
 * writes on its verdict pipe, and how the helper is called.
 *
 *	opmd-exec FD SLICE PATH ARGV0 ARGV1 ...
 *
 * FD is the verdict pipe (close-on-exec cleared) and FD + 1 the go pipe:
 * the helper resets every signal to its default, unblocks them all, waits
 * for one byte on FD + 1 (EOF: exit 0 running nothing), closes it, sets
 * its time slice (sched_setattr's sched_runtime, in ns) to SLICE unless it
 * is "-", and execs PATH with ARGV0... and its own environment. A failed
 * exec writes a struct proc_err (stage PROC_STAGE_EXEC) on FD and exits
 * 127.
 */
#ifndef OPM_PROCEXEC_H
#define OPM_PROCEXEC_H

struct proc_err {
	int	stage;	/* PROC_STAGE_* */
	int	err;
	long	arg;	/* the resource, gid or uid of the stage */
};

enum {
	PROC_STAGE_CHDIR = 1, PROC_STAGE_EXEC, PROC_STAGE_STDIO,
	PROC_STAGE_RLIMIT, PROC_STAGE_GROUPS, PROC_STAGE_GID, PROC_STAGE_UID
};

#define PROC_EXEC_HELPER	"opmd-exec"

#endif
