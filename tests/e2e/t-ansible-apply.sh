#!/usr/bin/env bash
# The Ansible module contrib/ansible/library/opm_apply.py (issue 18), run
# by a real ansible-playbook against localhost: it converges the host
# (changed), then reports changed=false; check mode with --diff reports a
# change and makes none; a failing apply fails the task. ansible comes
# from Debian (build-aux/deps.sh check): this test fails, never skips,
# without it.
. "$(dirname "$0")/lib.sh"
setup
cd "$TEST_TMP"
command -v ansible-playbook >/dev/null ||
    fail "ansible-playbook not found (build-aux/deps.sh check installs ansible)"

export ANSIBLE_LIBRARY=$REPO_DIR/contrib/ansible/library
export ANSIBLE_LOCAL_TEMP=$TEST_TMP/ansible-local
export ANSIBLE_REMOTE_TEMP=$TEST_TMP/ansible-remote
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
echo "localhost ansible_connection=local" >inventory

apps()
{
	cat >apps.json <<EOF2
{"apps": [
 {"name": "web", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"],
  "env": {"COLOR": "$1"}},
 {"name": "worker", "script": "$TESTAPP", "args": ["tag", "$TAG", "forever"]}]}
EOF2
}
cat >site.yml <<EOF2
- hosts: localhost
  gather_facts: false
  tasks:
    - name: apps as the file says
      opm_apply:
        src: $TEST_TMP/apps.json
        prune: true
        opm: $OPM
        opm_home: $OPM_HOME
      register: r
    - name: show
      ansible.builtin.debug:
        var: r.plan
EOF2
play()
{
	ansible-playbook -i inventory site.yml "$@" >play.out 2>&1 ||
	    { cat play.out >&2; return 1; }
	grep -E 'localhost +: ok=' play.out
}

apps blue
recap=$(play)
assert_contains "$recap" "changed=1"
wait_status web online
wait_status worker online
pid=$(app_field web pid)

recap=$(play)
assert_contains "$recap" "changed=0" "the second run: $(cat play.out)"
assert_eq "$pid" "$(app_field web pid)"

# Check mode with --diff: a change is reported, none is made.
apps green
recap=$(play --check --diff)
assert_contains "$recap" "changed=1"
assert_contains "$(cat play.out)" "+web changed: env"
assert_eq "$pid" "$(app_field web pid)"
assert_exit 0 "$OPM" env web
assert_contains "$OUT" "COLOR=blue"

recap=$(play --diff)
assert_contains "$recap" "changed=1"
wait_status web online
assert_ne "$pid" "$(app_field web pid)"
assert_exit 0 "$OPM" env web
assert_contains "$OUT" "COLOR=green"
recap=$(play)
assert_contains "$recap" "changed=0"

# A file opm refuses fails the task, naming the problem.
echo '{"apps": [{"name": "web", "kill_timeout": "soon"}]}' >apps.json
assert_exit 2 ansible-playbook -i inventory site.yml
assert_contains "$OUT" "kill_timeout"
