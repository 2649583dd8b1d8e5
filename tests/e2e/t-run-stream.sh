#!/usr/bin/env bash
# opm run FILE plays a container's main process (a PID namespace, the
# daemon PID 1): every app's stdout reaches opm run's stdout and its stderr
# opm run's stderr, each line led by "NAME | " ("NAME:K | " for instance
# K), once even for an app whose log_target has stdout as well
# ; two apps writing long lines in pieces at the same time never mix
# within a line; opm commands from inside the namespace (docker exec opm
# list) reach that daemon; once every app has exited 0, opm run exits 0.
# Then --raw under the opm-runtime name (pm2-runtime's "start FILE" form):
# the same lines, bare.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup
# shellcheck source=tests/e2e/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

# Writes 300 lines "TAG:I:" + 3000 letters, each in three writes.
cat >"$TEST_TMP/flood.py" <<'PY'
import os, sys, time
tag = sys.argv[1]
for i in range(300):
    line = ("%s:%d:" % (tag, i) + tag.lower() * 3000 + "\n").encode()
    for k in range(3):
        os.write(1, line[k * len(line) // 3:(k + 1) * len(line) // 3])
    if i % 50 == 0:
        time.sleep(0.01)
PY
cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [
 {"name": "web", "script": "$TESTAPP", "autorestart": false,
  "args": ["tag", "$TAG", "print", "hello from web", "eprint",
	   "web warning", "exit", "0"]},
 {"name": "wk", "instances": 2, "script": "$TESTAPP", "autorestart": false,
  "args": ["tag", "$TAG", "print", "worker line", "exit", "0"]},
 {"name": "f1", "script": "/usr/bin/python3", "autorestart": false,
  "args": ["$TEST_TMP/flood.py", "A"]},
 {"name": "f2", "script": "/usr/bin/python3", "autorestart": false,
  "args": ["$TEST_TMP/flood.py", "B"]},
 {"name": "dup", "script": "$TESTAPP", "autorestart": false,
  "log_target": ["file", "stdout"],
  "args": ["tag", "$TAG", "print", "dup line", "exit", "0"]},
 {"name": "hold", "script": "/bin/sh", "autorestart": false,
  "args": ["-c", "while [ ! -e $TEST_TMP/go ]; do sleep 0.05; done; echo held"]}
]}
JSON

out_has()
{
	grep -qxF -- "$1" "$RUN_OUT"
}

run_start "$TEST_TMP/apps.json"
assert_exit 0 ns_exec cat /proc/1/comm
assert_eq opmd "$OUT" "PID 1 of the namespace"
wait_for 20 out_has "web | hello from web"
wait_for 20 out_has "wk:0 | worker line"
wait_for 20 out_has "wk:1 | worker line"
wait_for 10 grep -qxF "web | web warning" "$RUN_ERR"
assert_not_contains "$(cat "$RUN_OUT")" "web warning" "stderr on stdout"

# docker exec CONTAINER opm list: the daemon of this run answers.
assert_exit 0 ns_exec "$OPM" list --json
assert_contains "$OUT" '"hold"'
[[ $(app_field hold status) == online ]] ||
    fail "hold is not online: $(app_field hold status)"

touch "$TEST_TMP/go"
run_wait 30
assert_eq 0 "$RUN_RC" "every app exited 0: $(tail -n 5 "$RUN_ERR")"
out_has "hold | held" || fail "the last app's line is missing"

# The floods: 300 whole lines each, nothing mixed (A in f1, B in f2).
floods()
{
	python3 - "$1" "$2" <<'PY'
import re, sys
raw = sys.argv[2] == "raw"
n = {"A": 0, "B": 0}
bad = 0
for line in open(sys.argv[1], encoding="latin-1"):
    line = line.rstrip("\n")
    m = re.fullmatch(r"(?:(f[12]) \| )?([AB]):[0-9]+:([ab]+)", line)
    if m is None:
        bad += re.search(r"[AB]:[0-9]+:", line) is not None
        continue
    app, tag, body = m.groups()
    ok = body == tag.lower() * 3000 and (raw and app is None or
        not raw and app == {"A": "f1", "B": "f2"}[tag])
    if ok:
        n[tag] += 1
    else:
        bad += 1
print(n["A"], n["B"], bad)
PY
}
assert_eq "300 300 0" "$(floods "$RUN_OUT" prefixed)" "flood lines A, B, bad"
# An app whose log_target has stdout too: its line once, not twice.
assert_eq 1 "$(grep -cxF "dup | dup line" "$RUN_OUT" || true)" "lines of dup"
bad=$(grep -cvE '^(web|wk:[01]|f1|f2|dup|hold) \| ' "$RUN_OUT" || true)
assert_eq 0 "$bad" "lines without a prefix"

# --raw, as opm-runtime start FILE --raw (pm2-runtime's form).
RUN_AS_RUNTIME=1 run_start start "$TEST_TMP/apps.json" --raw
run_wait 30
assert_eq 0 "$RUN_RC" "raw run: $(tail -n 5 "$RUN_ERR")"
out_has "hello from web" ||
    fail "raw: no bare line: $(head -c 300 "$RUN_OUT")"
out_has "worker line" || fail "raw: no worker line"
grep -qxF "web warning" "$RUN_ERR" || fail "raw: no bare stderr line"
assert_eq 0 "$(grep -c ' | ' "$RUN_OUT" || true)" "raw lines with a prefix"
assert_eq "300 300 0" "$(floods "$RUN_OUT" raw)" "raw flood lines A, B, bad"
