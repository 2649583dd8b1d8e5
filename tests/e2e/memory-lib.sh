# shellcheck shell=bash
# memory-lib.sh: for the max_memory_restart tests (sourced after lib.sh).
# grow.py DIR MODE holds as many MiB as DIR/target says and writes what it
# holds to DIR/have; MODE main grows in the main process, child in a child
# it waits for, orphan in a grandchild whose parent has exited (an orphan
# the daemon, a subreaper, inherits). Each start of the main process is a
# line of DIR/starts; only the first one grows, so a restarted app stays
# small.

# The sampler wakes every 200 ms (OPM_MEMORY_INTERVAL, read by the daemon).
export OPM_MEMORY_INTERVAL=200ms

write_grow()
{
	cat >"$1" <<'PY'
import os, sys, time
d, mode = sys.argv[1], sys.argv[2]
p = lambda n: os.path.join(d, n)

def hold(first):
    held = []
    while True:
        try:
            want = int(open(p("target")).read()) if first else 0
        except (OSError, ValueError):
            want = 0
        while len(held) < want:
            held.append(b"x" * (1 << 20))
        del held[want:]
        with open(p("have.tmp"), "w") as f:
            f.write(str(len(held)))
        os.rename(p("have.tmp"), p("have"))
        time.sleep(0.05)

if mode == "worker":
    hold(sys.argv[3] == "1")
with open(p("starts"), "a") as f:
    f.write("%d\n" % os.getpid())
first = "1" if sum(1 for _ in open(p("starts"))) == 1 else "0"
if mode == "main":
    hold(first == "1")
worker = [sys.executable, sys.argv[0], d, "worker", first]
if mode == "child":
    os.execv(sys.executable, [sys.executable, "-c",
        "import subprocess, sys; sys.exit(subprocess.call(%r))" % worker])
if os.fork() == 0:
    if os.fork() == 0:
        os.execv(sys.executable, worker)
    os._exit(0)
os.wait()
while True:
    time.sleep(1)
PY
}

# The daemon's sampler wake-ups so far.
memory_samples()
{
	"$OPM" daemon status --json | jq -r .memory_samples
}

# Waits until the sampler has woken $1 more times.
wait_samples()
{
	local want
	want=$(( $(memory_samples) + $1 ))
	wait_for 30 _samples_reached "$want"
}

_samples_reached()
{
	(( $(memory_samples) >= $1 ))
}

# DIR/have says $2 MiB.
_holds()
{
	[[ -f $1/have && $(<"$1/have") == "$2" ]]
}

# app_field NAME FIELD is VALUE (a condition for wait_for).
field_is()
{
	[[ $(app_field "$1" "$2") == "$3" ]]
}
