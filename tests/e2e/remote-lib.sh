# shellcheck shell=bash
#
# tests/e2e/remote-lib.sh: a real sshd for the tests of opm --host (issue
# 18), sourced after lib.sh and setup:
#
#	. "$(dirname "$0")/remote-lib.sh"
#	sshd_start          sshd on 127.0.0.1:$SSH_PORT, throw-away host and
#	                    user keys in $TEST_TMP/ssh; exports OPM_SSH (ssh
#	                    with a config of its own: the user key, a
#	                    known_hosts holding the host key, BatchMode)
#	remote_url [HOME]   ssh://USER@127.0.0.1:PORT/WRAPPER: WRAPPER runs
#	                    $BUILD/opm with OPM_HOME=HOME (default $OPM_HOME),
#	                    since an ssh session does not inherit ours
#
# sshd comes from Debian's openssh-server (build-aux/deps.sh check installs
# it): without /usr/sbin/sshd the test is skipped with a message saying
# so (exit 0), the only reason it skips. sshd is told everything on its
# command line and config file: an absolute path (it re-executes itself),
# keys-only login (root allowed, with a key), StrictModes off (the temp
# directories belong to the test, not to the user's home), no PAM.

SSHD=${SSHD:-/usr/sbin/sshd}

sshd_start()
{
	local d=$TEST_TMP/ssh user try pid

	if [[ ! -x $SSHD ]]; then
		echo "SKIP: $SSHD not found (install openssh-server:" \
		    "build-aux/deps.sh check)" >&2
		exit 0
	fi
	mkdir -p "$d"
	chmod 700 "$d"
	user=$(id -un)
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" >/dev/null
	cp "$d/user_key.pub" "$d/authorized_keys"
	# Privilege separation wants its empty directory (Debian: /run/sshd).
	[[ -d /run/sshd ]] || mkdir -p -m 755 /run/sshd 2>/dev/null || true
	# A port that is free now can still be taken before sshd binds it (a
	# parallel test): sshd then exits at once, and a new port is tried.
	for try in 1 2 3 4 5; do
		SSH_PORT=$(free_port)
		cat >"$d/sshd_config" <<CONF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
LogLevel ERROR
CONF
		"$SSHD" -D -e -f "$d/sshd_config" 2>>"$d/sshd.log" &
		pid=$!
		track_pid "$pid"
		wait_for 10 _sshd_up_or_gone "$pid"
		if _sshd_listening; then
			SSHD_PID=$pid
			break
		fi
		kill "$pid" 2>/dev/null || true
		SSHD_PID=
	done
	[[ -n ${SSHD_PID-} ]] ||
	    fail "sshd did not start in $try tries: $(cat "$d/sshd.log")"
	echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$d/host_key.pub")" \
	    >"$d/known_hosts"
	cat >"$d/ssh_config" <<CONF
Host *
	User $user
	IdentityFile $d/user_key
	IdentitiesOnly yes
	UserKnownHostsFile $d/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	LogLevel ERROR
CONF
	SSH_USER=$user
	export OPM_SSH="ssh -F $d/ssh_config"
	wait_for 10 ssh -F "$d/ssh_config" -p "$SSH_PORT" 127.0.0.1 true ||
	    fail "ssh into the test's sshd failed: $(cat "$d/sshd.log")"
}

# Done waiting: sshd listens on $SSH_PORT, or process $1 has exited.
_sshd_up_or_gone()
{
	_sshd_listening || pid_dead "$1"
}

_sshd_listening()
{
	(echo >"/dev/tcp/127.0.0.1/$SSH_PORT") 2>/dev/null
}

remote_url()
{
	local home=${1:-$OPM_HOME} w

	w=$TEST_TMP/opm-at-$(basename "$home")
	cat >"$w" <<SH
#!/bin/sh
OPM_HOME='$home' exec '$BUILD/opm' "\$@"
SH
	chmod 755 "$w"
	echo "ssh://$SSH_USER@127.0.0.1:$SSH_PORT$w"
}
