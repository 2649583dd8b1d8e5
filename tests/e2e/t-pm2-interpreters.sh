#!/usr/bin/env bash
# Interpreters: a .sh file without the exec bit runs with bash; an
# executable script with a shebang runs directly; a file that is not
# executable but starts with "#!" runs with its shebang's interpreter; an
# interpreter given as a relative path resolves against cwd (a virtualenv's
# ./venv/bin/python), with interpreter_args (node_args) before the script;
# a later change of the interpreter (delete + start from the export, or a
# restart after a restore) recomputes the argv. A missing .js file, a .ts
# without tsx/ts-node in PATH and a non-executable file with no known
# extension are clear errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

dir=$TEST_TMP/proj
mkdir -p "$dir/venv/bin"
cd "$dir"
has_output()
{
	[[ -f $1 && $(<"$1") == "$2" ]]
}

# .sh, mode 644: bash runs it (bash-only syntax proves it is bash).
# shellcheck disable=SC2016 # expanded by the script
printf '# %s\n[[ -n $BASH_VERSION ]] && echo "bash $1"\n' "$TAG" >job.sh
chmod 644 job.sh
assert_exit 0 "$OPM" start --restart never job.sh -- x
wait_status job stopped 5
wait_for 5 has_output "$(app_field job out_log)" "bash x"
assert_eq "[\"bash\",\"$dir/job.sh\",\"x\"]" "$(app_field job argv | jq -c .)" \
    "argv of job.sh"

# Executable with a shebang: run directly.
printf '#!/bin/sh\n# %s\necho direct\n' "$TAG" >tool
chmod 755 tool
assert_exit 0 "$OPM" start --restart never ./tool
wait_status tool stopped 5
wait_for 5 has_output "$(app_field tool out_log)" direct
assert_eq "[\"$dir/./tool\"]" "$(app_field tool argv | jq -c .)" "argv of tool"

# Not executable, with a shebang and no extension: its interpreter.
printf '#!/bin/sh -e\n# %s\necho shebang\n' "$TAG" >plain
chmod 644 plain
assert_exit 0 "$OPM" start --restart never ./plain
wait_status plain stopped 5
wait_for 5 has_output "$(app_field plain out_log)" shebang
assert_eq "[\"/bin/sh\",\"-e\",\"$dir/./plain\"]" \
    "$(app_field plain argv | jq -c .)" "argv of plain"

# A virtualenv-style interpreter, relative to cwd, with interpreter_args.
cat >venv/bin/python <<SH
#!/bin/sh
# $TAG
echo "venv \$*"
SH
chmod 755 venv/bin/python
printf 'print("never run by python3")\n' >main.py
cat >"$TEST_TMP/eco.json" <<JSON
{"apps": [{"name": "venv", "script": "main.py", "cwd": "$dir",
  "interpreter": "./venv/bin/python", "node_args": "-u -X dev",
  "args": ["--port", "1"], "restart": "never"}]}
JSON
assert_exit 0 "$OPM" start "$TEST_TMP/eco.json"
wait_status venv stopped 5
wait_for 5 has_output "$(app_field venv out_log)" \
    "venv -u -X dev $dir/main.py --port 1"
assert_exit 0 "$OPM" info venv --json
assert_eq '"./venv/bin/python"' "$(jq -c .config.interpreter <<<"$OUT")" \
    "config keeps the interpreter as written"
assert_eq '["-u","-X","dev"]' "$(jq -c .config.interpreter_args <<<"$OUT")" \
    "node_args kept as interpreter_args"

# The argv is worked out at each start: the dump restored with another
# interpreter runs that one.
assert_exit 0 "$OPM" save
jq '(.apps[] | select(.name == "venv")).interpreter = "none"' \
    "$OPM_HOME/dump.json" >"$TEST_TMP/dump.json"
cat "$TEST_TMP/dump.json" >"$OPM_HOME/dump.json"
assert_exit 0 "$OPM" delete venv
assert_exit 0 "$OPM" restore
"$OPM" start venv >/dev/null 2>&1 || true
wait_status venv errored 5
assert_contains "$(app_field venv reason)" "not an executable file" \
    "interpreter none after restore"

# Clear errors, nothing created.
assert_exit 1 "$OPM" start missing.js
assert_contains "$ERR" "$dir/missing.js: no such file" "missing .js"
printf 'let x: number = 1\n' >t.ts
PATH=/usr/bin:/bin assert_exit 1 "$OPM" start --no-inherit-env t.ts
assert_contains "$ERR" "no TypeScript runner (tsx or ts-node) in PATH" ".ts"
printf 'data\n' >notes.txt
assert_exit 1 "$OPM" start notes.txt
assert_contains "$ERR" "not an executable file, and its extension names no interpreter" \
    "unknown extension"
assert_exit 0 "$OPM" list --json
assert_eq '["job","plain","tool","venv"]' "$(jq -c 'map(.name) | sort' <<<"$OUT")" \
    "apps at the end"
