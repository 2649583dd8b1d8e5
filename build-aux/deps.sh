#!/bin/sh
# build-aux/deps.sh SET...: installs the Debian 12 packages that the SETs
# need and this machine lacks, saying which, with apt-get (as root, else
# through sudo). The Makefile runs it before demo, check and asan, so that
# those work on a fresh machine by themselves. Sets:
#   build   compiler, make, pkg-config, libuv, cJSON, libbsd, libyaml,
#           libmicrohttpd (opm web's HTTP server)
#   check   build, plus what the tests use: cmocka, jq, python3, procps,
#           util-linux, systemd-analyze, groff, tmux (opm monit is
#           driven in it), curl (and contrib/hooks, t-hooks-contrib),
#           iproute2, chromium and chromedriver (the web dashboard is
#           loaded in a real browser), promtool (prometheus:
#           t-metrics-promtool checks opm metrics), tzdata (test_cron and
#           the cron tests compute in named zones), node and npm, and PM2
#           itself from npm (npm install -g pm2), which t-pm2-import
#           drives to write a real `pm2 save` dump; openssh-server and
#           ansible for the remote tests (t-remote-*: a real sshd on
#           127.0.0.1, ansible-playbook against localhost)
#   fuzz    clang and its libFuzzer runtime (optional in make check; CI
#           asks for it)
#   bench   build, plus what make bench compares with and draws with:
#           supervisor (supervisord), node, npm and PM2 from npm (the
#           peers of bench/compare.sh), gnuplot-nox (bench/plot.sh's
#           PNG), jq, procps, python3
# Nothing is installed when everything is there. OPM_NO_DEPS=1 skips the
# whole step; OPM_DEPS_DRY_RUN=1 only says what it would install.
set -eu

[ "${OPM_NO_DEPS:-}" = 1 ] && exit 0

missing=
npm_missing=

# need PACKAGE TEST...: PACKAGE is missing when the test fails.
need()
{
	pkg=$1
	shift
	if ! "$@" >/dev/null 2>&1; then
		case " $missing " in
		*" $pkg "*) ;;
		*) missing="$missing $pkg" ;;
		esac
	fi
}

have() { command -v "$1"; }
pc() { have pkg-config && pkg-config --exists "$1"; }
# The libFuzzer runtime: can clang link a fuzzer?
libfuzzer()
{
	f='int LLVMFuzzerTestOneInput(const char *d, unsigned long n)'
	echo "$f { return 0; }" | clang -fsanitize=fuzzer -x c - -o /dev/null
}

set_build()
{
	need build-essential have cc
	need build-essential have make
	need pkg-config have pkg-config
	need libuv1-dev pc libuv
	need libcjson-dev pc libcjson
	need libbsd-dev pc libbsd-overlay
	need libyaml-dev pc yaml-0.1
	need libmicrohttpd-dev pc libmicrohttpd
}

set_check()
{
	set_build
	need libcmocka-dev pc cmocka
	need jq have jq
	need python3 have python3
	need procps have ps
	need util-linux have prlimit
	need util-linux have setpriv
	need systemd have systemd-analyze
	need groff-base have groff
	need tmux have tmux
	need curl have curl
	need iproute2 have ss
	need chromium have chromium
	need chromium-driver have chromedriver
	need nodejs have node
	need npm have npm
	need prometheus have promtool
	need tzdata test -f /usr/share/zoneinfo/Europe/Berlin
	have pm2 >/dev/null 2>&1 || npm_missing=pm2
	# opm --host over a real sshd, and the Ansible module (issue 18).
	need openssh-server test -x /usr/sbin/sshd
	need openssh-client have ssh
	need ansible have ansible-playbook
}

set_bench()
{
	set_build
	need jq have jq
	need python3 have python3
	need procps have pgrep
	need gnuplot-nox have gnuplot
	need supervisor have supervisord
	need nodejs have node
	need npm have npm
	have pm2 >/dev/null 2>&1 || npm_missing=pm2
}

set_fuzz()
{
	need clang have clang
	need libclang-rt-14-dev libfuzzer
}

[ $# -gt 0 ] || set -- build
for s in "$@"; do
	case $s in
	build|check|fuzz|bench) "set_$s" ;;
	*) echo "deps.sh: unknown set '$s' (build, check, fuzz, bench)" >&2; exit 2 ;;
	esac
done
[ -n "$missing$npm_missing" ] || exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=
elif have sudo >/dev/null; then
	sudo=sudo
else
	echo "deps.sh: not root and no sudo; as root run:" >&2
	[ -z "$missing" ] || echo "  apt-get install -y$missing" >&2
	[ -z "$npm_missing" ] || echo "  npm install -g $npm_missing" >&2
	exit 1
fi
if [ -n "$missing" ]; then
	echo "deps.sh: installing the missing Debian packages:$missing" >&2
	[ "${OPM_DEPS_DRY_RUN:-}" = 1 ] && exit 0
	export DEBIAN_FRONTEND=noninteractive
	# A fresh image has no package lists yet.
	$sudo apt-get update -qq >&2
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi
if [ -n "$npm_missing" ]; then
	# Not in Debian: PM2 comes from npm, for the test of opm import
	# and the benchmark.
	echo "deps.sh: installing from npm: $npm_missing" >&2
	[ "${OPM_DEPS_DRY_RUN:-}" = 1 ] && exit 0
	$sudo npm install -g --no-fund --no-audit $npm_missing >&2
fi
