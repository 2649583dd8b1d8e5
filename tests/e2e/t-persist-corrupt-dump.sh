#!/usr/bin/env bash
# A dump that does not parse is never silently lost (LESSONS.md 10):
# restore refuses (exit 1, one "opm: " line naming the file and the line and
# column of the error), creates nothing and leaves the file byte for byte
# as it was; restore --from-backup brings back dump.json.bak; a later save
# moves the broken file aside as dump.json.corrupt-*, intact, and writes a
# good dump.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

dump=$OPM_HOME/dump.json

names()
{
	"$OPM" list --json | jq -c 'map(.name) | sort'
}

# Two saves: dump.json.bak holds {a}, dump.json {a, b}.
assert_exit 0 "$OPM" start --name a "$TESTAPP" tag "$TAG" tag a forever
assert_exit 0 "$OPM" save
assert_exit 0 "$OPM" start --name b "$TESTAPP" tag "$TAG" tag b forever
assert_exit 0 "$OPM" save
assert_eq '["a"]' "$(jq -c '[.apps[].name]' "$dump.bak")" "apps of the .bak"
cp -- "$dump.bak" "$TEST_TMP/bak.orig"

# Broken on line 3: a stray comma, as a hand edit would leave it.
printf '{\n  "version": 1,\n  "apps": [ {"name": "zz",, } ]\n}\n' >"$dump"
chmod 600 "$dump"
cp -- "$dump" "$TEST_TMP/corrupt.orig"
assert_exit 0 "$OPM" delete all
assert_eq '[]' "$(names)" "apps before the restore"

assert_exit 1 "$OPM" restore
assert_eq 1 "$(wc -l <<<"$ERR")" "lines of the error: [$ERR]"
[[ $ERR == "opm: "* ]] || fail "error does not begin with 'opm: ': [$ERR]"
assert_contains "$ERR" "$dump:3:" "error names the file and the line"
[[ $ERR =~ $dump:3:[0-9]+: ]] || fail "no line:column in [$ERR]"
cmp -- "$TEST_TMP/corrupt.orig" "$dump" ||
    fail "restore changed the corrupt dump"
assert_eq '[]' "$(names)" "apps after a refused restore"
assert_eq 0 "$(count_procs "* tag $TAG tag * forever")" "app processes"

# Valid JSON but not a dump: refused the same way.
cp -- "$dump" "$TEST_TMP/keep.json"
printf '{"apps": 3}\n' >"$dump"
assert_exit 1 "$OPM" restore
assert_contains "$ERR" "$dump" "error names the file"
cp -- "$TEST_TMP/keep.json" "$dump"
# An empty file is not a dump either.
: >"$dump"
assert_exit 1 "$OPM" restore
assert_contains "$ERR" "$dump" "error names the file"
cp -- "$TEST_TMP/keep.json" "$dump"

# The backup is still there and works.
assert_exit 0 "$OPM" restore --from-backup
assert_contains "$OUT" "a: started"
assert_eq '["a"]' "$(names)" "apps restored from the backup"
wait_status a online
cmp -- "$TEST_TMP/corrupt.orig" "$dump" ||
    fail "restore --from-backup changed the corrupt dump"

# save keeps the broken file aside, intact, and writes a good dump.
before=$(date +%s)
assert_exit 0 "$OPM" save
after=$(date +%s)
shopt -s nullglob
aside=("$dump".corrupt-*)
shopt -u nullglob
assert_eq 1 "${#aside[@]}" "files moved aside: ${aside[*]}"
cmp -- "$TEST_TMP/corrupt.orig" "${aside[0]}" ||
    fail "${aside[0]} is not the corrupt dump byte for byte"
stamp=${aside[0]##*.corrupt-}
if ! [[ $stamp =~ ^[0-9]+$ ]] || (( stamp < before || stamp > after )); then
	fail "suffix of ${aside[0]} is not the time of the save"
fi
assert_file_mode 600 "${aside[0]}"
assert_eq '["a"]' "$(jq -c '[.apps[].name]' "$dump")" "apps of the new dump"
# The broken file did not become the backup; the old backup is kept.
cmp -- "$TEST_TMP/bak.orig" "$dump.bak" ||
    fail "dump.json.bak changed when the corrupt dump was replaced"

# A later save keeps the aside file.
assert_exit 0 "$OPM" save
[[ -f ${aside[0]} ]] || fail "${aside[0]} was removed by a later save"
cmp -- "$TEST_TMP/corrupt.orig" "${aside[0]}" ||
    fail "${aside[0]} changed after a later save"
assert_exit 0 "$OPM" restore
assert_contains "$OUT" "a: already present"
