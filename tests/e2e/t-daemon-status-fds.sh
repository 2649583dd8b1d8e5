#!/usr/bin/env bash
# The daemon raises its soft RLIMIT_NOFILE to the hard limit at start
# (apps need about five descriptors each: 1000 apps would not fit in the
# usual 1024), and `opm daemon status` says how close it is: open
# descriptors of the limit, in text and in --json (fds_open, fds_limit).
# Apps still get the soft limit the daemon was started with.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

hard=$(ulimit -Hn)
[[ $hard != unlimited ]] || hard=-1
soft=256
# The daemon is started by this CLI, with the soft limit low.
(ulimit -Sn "$soft" && "$OPM" start --name lim "$TESTAPP" tag "$TAG" \
    forever >/dev/null)
wait_status lim online

assert_exit 0 "$OPM" daemon status --json
lim=$(jq -r .fds_limit <<<"$OUT")
open=$(jq -r .fds_open <<<"$OUT")
assert_eq "$hard" "$lim" "the daemon's descriptor limit (the hard one)"
[[ $open =~ ^[0-9]+$ ]] && ((open > 3 && open < 200)) ||
    fail "fds_open: [$open]"
# The number is the daemon's own count, compared with /proc.
real=$(find "/proc/$(daemon_pid)/fd" -mindepth 1 | wc -l)
((open >= real - 3 && open <= real + 3)) ||
    fail "fds_open $open, /proc says $real"

assert_exit 0 "$OPM" daemon status
assert_contains "$OUT" "  fds      "
assert_contains "$OUT" " of $lim ("

# The app runs with the limit the daemon was started with.
pid=$(app_field lim pid)
assert_eq "$soft" "$(awk '/^Max open files/ { print $4 }' "/proc/$pid/limits")" \
    "the app's soft limit"
