#!/usr/bin/env bash
# A daemon that is not root cannot run apps as another user (issue 16 item
# 1): run as nobody in an OPM_HOME nobody owns, a start with --user root,
# --group root or an app file with uid refuses with one line naming the key,
# exit 1, and no app; user/group naming the daemon's own user and group is
# no switch, and runs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP (needs root: setpriv to nobody)"
	exit 0
fi
command -v setpriv >/dev/null || { echo "SKIP (no setpriv)"; exit 0; }
setup

nb=$(id -u nobody)
ng=$(id -g nobody)
nh=$TEST_TMP/nobody-home
chmod 711 "$TEST_TMP"
mkdir -m 700 "$nh"
chown "$nb" "$nh"
asnobody()
{
	setpriv --reuid="$nb" --regid="$ng" --clear-groups \
	    env -i PATH=/usr/bin:/bin OPM_HOME="$nh" HOME="$nh" "$@"
}
trap '_rc=$?; set +eE; trap - ERR; asnobody "$OPM" daemon stop >/dev/null 2>&1;
    (exit $_rc); teardown' EXIT

assert_exit 1 asnobody "$OPM" start --name r --user root /bin/sleep -- 3600
assert_eq "opm: user: the daemon runs as uid $nb, not root: it cannot run apps as another user" \
    "$ERR"
pid=$(asnobody cat "$nh/opmd.pid" | head -n 1)
assert_eq "$nb" "$(awk '$1 == "Uid:" {print $2}' "/proc/$pid/status")" \
    "test premise: the daemon runs as nobody"
assert_exit 1 asnobody "$OPM" start --name g --group root /bin/sleep -- 3600
assert_eq "opm: group: the daemon runs as gid $ng, not root: it cannot run apps with another group" \
    "$ERR"
printf '{"apps": [{"name": "f", "script": "/bin/sleep", "args": "3600", "uid": 0}]}\n' \
    >"$TEST_TMP/f.json"
chmod 644 "$TEST_TMP/f.json"
assert_exit 1 asnobody "$OPM" start "$TEST_TMP/f.json"
assert_contains "$ERR" "user: the daemon runs as uid $nb, not root"
assert_exit 0 asnobody "$OPM" list --json
assert_eq "[]" "$(jq -c '[.[].name]' <<<"$OUT")" "apps created"

# Itself: no switch, and it runs.
assert_exit 0 asnobody "$OPM" start --name me --user nobody --group "$ng" \
    /bin/sleep -- 3600
assert_exit 0 asnobody "$OPM" info --json me
assert_eq online "$(jq -r .status <<<"$OUT")"
echo "ok: a daemon running as nobody refuses to switch user"
