#!/usr/bin/env bash
# An app starts clean, as systemd would start it: its own session and
# process group, stdin from /dev/null, only fds 0-2 open (no daemon socket,
# lock, pipe or pidfd leaks), no ignored and no blocked signal (the daemon
# ignores SIGPIPE; glibc's posix_spawn would leave signals 32-33 ignored,
# which is why opm forks itself), and SIGPIPE kills it as usual.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

assert_exit 0 "$OPM" start --name h "$TESTAPP" tag "$TAG" forever
pid=$(app_field h pid)
wait_for 5 test -r "/proc/$pid/status"

read -r -a st < "/proc/$pid/stat"
# Fields after "(comm)": state ppid pgrp session; comm has no spaces here.
assert_eq "$pid" "${st[4]}" "process group of the app is its own pid"
assert_eq "$pid" "${st[5]}" "session of the app is its own pid"
assert_eq 0000000000000000 "$(awk '/^SigIgn/ {print $2}' "/proc/$pid/status")" \
    "ignored signals"
assert_eq 0000000000000000 "$(awk '/^SigBlk/ {print $2}' "/proc/$pid/status")" \
    "blocked signals"
fds=$(ls "/proc/$pid/fd" | sort -n | paste -sd' ')
assert_eq "0 1 2" "$fds" "open descriptors of the app"
assert_eq /dev/null "$(readlink "/proc/$pid/fd/0")" "stdin"
[[ $(readlink "/proc/$pid/fd/1") == pipe:* ]] || fail "stdout is not a pipe"
echo "ok: session $pid, fds $fds, no ignored or blocked signals"
