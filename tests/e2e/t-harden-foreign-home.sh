#!/usr/bin/env bash
# A foreign OPM_HOME is refused (issue 12 item 1), as tmux and OpenSSH do:
# a home or runtime directory owned by another uid, or writable by group
# or others, makes the CLI exit 3 with one "opm: " line before it starts
# a daemon, and opmd run by hand refuses it too. Nothing is created or run
# there. A home of our own, 0700 or 0755, still works.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP (needs root: chown to another uid)"
	exit 0
fi
setup

# On the unfixed code daemons start in the other homes: teardown does not
# know them (their OPM_HOME is not ours), so they are killed here.
kill_strays()
{
	local p

	for p in $(pgrep -x opmd || true); do
		grep -qz "^OPM_HOME=$TEST_TMP/" "/proc/$p/environ" 2>/dev/null &&
		    kill -KILL "$p" 2>/dev/null
	done
	return 0
}
trap '_rc=$?; set +eE; trap - ERR; kill_strays; (exit $_rc); teardown' EXIT

nobody=$(id -u nobody)
planted=$TEST_TMP/planted

# Refused by the CLI (exit 3, one line) and by opmd itself; no daemon, no
# file of ours inside, the planted dump never restored.
refused()	# LABEL HOME [ENV...]
{
	local label=$1 home=$2 before after

	shift 2
	before=$(cd "$home" && find . | sort)
	assert_exit 3 env OPM_HOME="$home" "$@" "$OPM" restore
	assert_contains "$ERR" "opm: " "$label: CLI error line"
	assert_eq 1 "$(wc -l <<<"$ERR")" "$label: one error line [$ERR]"
	assert_contains "$ERR" "refusing" "$label: CLI says why"
	echo "$label: CLI: $ERR"
	assert_exit 1 env OPM_HOME="$home" "$@" timeout 10 "$OPMD" --foreground
	assert_contains "$ERR" "refusing" "$label: opmd says why"
	echo "$label: opmd: $ERR"
	after=$(cd "$home" && find . | sort)
	assert_eq "$before" "$after" "$label: files in the home"
	[[ ! -e $planted ]] || fail "$label: the planted app ran"
	assert_eq 0 "$(count_procs "*opmd*")" "$label: opmd processes"
}

# A dump that runs a command if restored.
plant()	# HOME
{
	cat >"$1/dump.json" <<JSON
{"version":1,"apps":[{"name":"evil","argv":["/bin/sh","-c","touch $planted; sleep 100 # $TAG"],"cwd":"/","desired":"running"}]}
JSON
	chmod 600 "$1/dump.json"
}

# Owned by nobody, mode 0700.
foreign=$TEST_TMP/foreign
mkdir -m 700 "$foreign"
plant "$foreign"
chown -R "$nobody" "$foreign"
refused "home owned by nobody" "$foreign"

# Ours, but writable by everybody.
open=$TEST_TMP/open
mkdir "$open"
plant "$open"
chmod 777 "$open"
refused "home mode 0777" "$open"
# Writable by the group only.
chmod 770 "$open"
refused "home mode 0770" "$open"

# A runtime directory owned by nobody, or world-writable.
good=$TEST_TMP/good
mkdir -m 700 "$good"
rt=$TEST_TMP/rt
mkdir -m 700 "$rt"
chown "$nobody" "$rt"
refused "runtime dir owned by nobody" "$good" OPM_RUNTIME_DIR="$rt"
chown 0 "$rt"
chmod 1777 "$rt"
refused "runtime dir mode 1777" "$good" OPM_RUNTIME_DIR="$rt"

# Our own homes work: the test's (mktemp -d, 0700), and a 0755 one.
assert_exit 0 "$OPM" ping
assert_exit 0 "$OPM" daemon stop
chmod 755 "$OPM_HOME"
assert_exit 0 "$OPM" start --name ok "$TESTAPP" tag "$TAG" forever
wait_status ok online
