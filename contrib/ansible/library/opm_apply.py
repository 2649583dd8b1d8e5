#!/usr/bin/python3
# -*- coding: utf-8 -*-
#
# contrib/ansible/library/opm_apply.py: an Ansible module that makes the
# apps of opm's daemon on the managed host match an app file, through
# `opm apply FILE --json` (the daemon plans and acts in one request) and
# `opm list --json`. Check mode is `opm apply --dry-run`; --diff shows the
# apps before and after. See docs/REMOTE.md.

DOCUMENTATION = r"""
module: opm_apply
short_description: make opm's apps match an app file
description:
  - Runs C(opm apply FILE --json) on the managed host. Missing apps are
    created and started, apps whose configuration changed are restarted
    with the new one, identical ones are left alone, and with I(prune)
    apps not in the file are deleted.
  - Check mode runs C(opm apply --dry-run): the plan, nothing changed.
  - Diff mode shows the apps (C(opm list --json)) before and after, the
    changed keys of each changed app.
options:
  src:
    description: App file on the managed host (.json, .yml, .yaml, .js, .cjs, .mjs).
    required: true
    type: path
  prune:
    description: Delete the apps that are not in I(src).
    type: bool
    default: false
  opm:
    description: The opm command on the managed host.
    type: str
    default: opm
  opm_home:
    description: OPM_HOME of the daemon (default that of the user, ~/.opm).
    type: path
"""

EXAMPLES = r"""
- name: apps of this host
  opm_apply:
    src: /etc/opm/apps.yml
    prune: true
"""

RETURN = r"""
plan:
  description: created, changed (name and keys), unchanged, deleted, failed.
  returned: always
  type: dict
apps:
  description: C(opm list --json) after the apply (before it in check mode).
  returned: always
  type: list
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule


def run_opm(module, env, args):
    rc, out, err = module.run_command([module.params["opm"]] + args,
                                      environ_update=env)
    if rc != 0:
        module.fail_json(msg="opm %s failed (exit %d): %s"
                         % (" ".join(args), rc, err.strip() or out.strip()),
                         rc=rc, stdout=out, stderr=err)
    try:
        return json.loads(out)
    except ValueError as e:
        module.fail_json(msg="opm %s: not JSON: %s" % (" ".join(args), e),
                         stdout=out)


def app_lines(apps):
    """One line per app object: the label opm gives it and its status."""
    lines = []
    for a in apps:
        label = a["name"]
        if a.get("instance") is not None:
            label += ":%d" % a["instance"]
        lines.append("%s %s\n" % (label, a.get("status", "")))
    return "".join(sorted(lines))


def plan_lines(before, plan):
    """The apps as the plan leaves them, each change named."""
    names = set(a["name"] for a in before)
    names -= set(plan.get("deleted", []))
    lines = []
    changed = {c["name"]: c["keys"] for c in plan.get("changed", [])}
    for n in sorted(names | set(plan.get("created", []))):
        if n in plan.get("created", []):
            lines.append("%s created\n" % n)
        elif n in changed:
            lines.append("%s changed: %s\n" % (n, ", ".join(changed[n])))
        else:
            lines.append("%s unchanged\n" % n)
    return "".join(lines)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path", required=True),
            prune=dict(type="bool", default=False),
            opm=dict(type="str", default="opm"),
            opm_home=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    env = {}
    if module.params["opm_home"]:
        env["OPM_HOME"] = module.params["opm_home"]
    src = module.params["src"]
    if not os.path.isfile(src):
        module.fail_json(msg="%s: no such app file" % src)
    before = run_opm(module, env, ["list", "--json"])
    args = ["apply", src, "--json"]
    if module.params["prune"]:
        args.append("--prune")
    if module.check_mode:
        args.append("--dry-run")
    plan = run_opm(module, env, args)
    changed = bool(plan.get("created") or plan.get("changed") or
                   plan.get("deleted"))
    after = before if module.check_mode else run_opm(module, env,
                                                     ["list", "--json"])
    result = dict(changed=changed, plan=plan, apps=after)
    if module._diff:
        result["diff"] = dict(before=app_lines(before),
                              after=plan_lines(before, plan),
                              before_header="opm list",
                              after_header="opm apply " + src)
    if plan.get("failed"):
        module.fail_json(msg="; ".join("%s: %s" % (f["name"], f["reason"])
                                       for f in plan["failed"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
