#!/usr/bin/env bash
# A cwd that names a regular file is reported as "Not a directory" (the
# words of chdir(2)'s ENOTDIR), with the path, both from --cwd and from an
# app file; never "Permission denied".
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

file=$TEST_TMP/plain
: >"$file"
assert_exit 1 "$OPM" start --name a --cwd "$file" "$TESTAPP" tag "$TAG" forever
assert_contains "$ERR" "$file: Not a directory"
assert_not_contains "$ERR" "Permission denied"

cat >"$TEST_TMP/apps.json" <<JSON
{"apps": [{"name": "b", "cwd": "plain", "script": "$TESTAPP",
  "args": ["tag", "$TAG", "forever"]}]}
JSON
assert_exit 1 "$OPM" start "$TEST_TMP/apps.json"
assert_contains "$ERR" "$file: Not a directory"
assert_not_contains "$ERR" "Permission denied"

# A missing directory keeps its own message.
assert_exit 1 "$OPM" start --name c --cwd "$TEST_TMP/none" "$TESTAPP" \
    tag "$TAG" forever
assert_contains "$ERR" "$TEST_TMP/none: No such file or directory"
echo "ok: a file as cwd is 'not a directory'"
