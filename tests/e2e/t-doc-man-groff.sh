#!/usr/bin/env bash
# Every man page formats without a single groff warning:
# `groff -mandoc -ww -z PAGE` prints nothing (a warning there is markup that
# man(1) renders wrong or not at all, as `.Ql Ar name` in opm(1) once did).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v groff >/dev/null || fail "groff is missing (build-aux/deps.sh check)"
pages=("$REPO_DIR"/man/*.[1-8])
(( ${#pages[@]} >= 3 )) || fail "man pages not found in $REPO_DIR/man"
for page in "${pages[@]}"; do
	out=$(groff -mandoc -ww -z "$page" 2>&1)
	assert_eq "" "$out" "groff warnings in ${page#"$REPO_DIR"/}"
done
echo "ok: ${#pages[@]} man pages without groff warnings"
