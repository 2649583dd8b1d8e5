#!/usr/bin/env bash
# The bash completion installed by `make install` (SPEC: binaries, man pages
# and completions): commands, start flags, values of --restart, and app
# names from the running daemon; completing never starts a daemon.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

PATH=$BUILD:$PATH
# shellcheck source=completions/opm.bash
. "$REPO_DIR/completions/opm.bash"

# Completions of the words given ("" for an empty current word), sorted,
# one line.
complete_words()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	COMPREPLY=()
	_opm
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd' '
}

# No daemon: app names are not offered, and none is started.
assert_eq "--json --only --update-env all" "$(complete_words opm stop "")" \
    "opm stop <TAB> without a daemon"
assert_eq 0 "$(count_daemons)" "daemons started by completion"
[[ ! -e $OPM_HOME/opmd.sock ]] || fail "completion created the socket"

assert_eq "start startup status stop" "$(complete_words opm st)"
assert_eq "reset restart restore resurrect" "$(complete_words opm res)"
assert_eq "--restart --restart-delay" "$(complete_words opm start --rest)"
assert_eq "on-failure" "$(complete_words opm start --restart on)"
assert_eq "reload restart" "$(complete_words opm daemon re)"

# Every command of `opm help` completes, and so does every start flag.
mapfile -t cmds < <("$OPM" help | sed -n 's/^  \([a-z]\{2,\}\) .*/\1/p')
(( ${#cmds[@]} >= 20 )) || fail "opm help lists ${#cmds[@]} commands"
for c in "${cmds[@]}"; do
	assert_contains " $(complete_words opm "$c") " " $c " "completion of $c"
done
mapfile -t flags < <("$OPM" help start | grep -o -- '^  --[a-z-]*' | tr -d ' ')
(( ${#flags[@]} >= 16 )) || fail "opm help start lists ${#flags[@]} flags"
for f in "${flags[@]}"; do
	assert_contains " $(complete_words opm start "$f") " " $f " \
	    "completion of start $f"
done

# With a daemon: its app names.
assert_exit 0 "$OPM" start --name web-1 "$TESTAPP" tag "$TAG" forever
assert_exit 0 "$OPM" start --name worker "$TESTAPP" tag "$TAG" forever
assert_eq "web-1" "$(complete_words opm stop we)"
assert_eq "all web-1 worker" "$(complete_words opm restart "" | sed -E 's/(^| )--[a-z-]+//g; s/^ //')"
assert_eq "web-1 worker" "$(complete_words opm logs w)"
