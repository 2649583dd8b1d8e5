# bash completion for opm(1). Installed by `make install` into
# $(PREFIX)/share/bash-completion/completions/opm.
#
# App names come from the running daemon only: completing never starts one
# (the socket must exist and `opm daemon status` must succeed first).

_opm_apps()
{
	local home=${OPM_HOME:-$HOME/.opm}

	[[ -S $home/opmd.sock ]] || return 0
	opm daemon status >/dev/null 2>&1 || return 0
	opm list --json 2>/dev/null |
	    sed -n 's/^[[:space:]]*"name":[[:space:]]*"\([^"]*\)".*/\1/p'
}

_opm()
{
	local cur prev cmd
	local cmds="start stop restart reload delete rm list ls status jlist
	    info describe logs flush env signal reset save restore resurrect
	    export import init startup unstartup daemon kill update ping
	    version help scale monit web run events metrics apply dial-stdio"
	local start_opts="--name --interpreter --cwd --env --env-file --no-inherit-env
	    --restart --stop-exit-codes --max-restarts --min-uptime
	    --restart-delay --backoff-max --kill-timeout --stop-signal
	    --no-autostart --log-time --log-max-size --log-keep
	    --log-date-format --time --listen --instances -i --ready
	    --wait-ready --listen-timeout --watchdog-sec --user --group
	    --cron-restart --cron-mode --cron-tz --watch --ignore-watch
	    --watch-delay --max-memory-restart"

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if (( COMP_CWORD == 1 )); then
		mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
		return 0
	fi
	cmd=${COMP_WORDS[1]}
	case $cmd in
	start)
		case $prev in
		--restart)
			mapfile -t COMPREPLY < <(compgen -W "always on-failure never" -- "$cur")
			return 0 ;;
		--cwd)
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			return 0 ;;
		--env-file)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0 ;;
		--stop-signal)
			mapfile -t COMPREPLY < <(compgen -W "TERM INT QUIT HUP KILL USR1 USR2" -- "$cur")
			return 0 ;;
		--interpreter)
			mapfile -t COMPREPLY < <(compgen -c -W "none" -- "$cur")
			return 0 ;;
		--user)
			mapfile -t COMPREPLY < <(compgen -u -- "$cur")
			return 0 ;;
		--group)
			mapfile -t COMPREPLY < <(compgen -g -- "$cur")
			return 0 ;;
		--cron-mode)
			mapfile -t COMPREPLY < <(compgen -W "restart run" -- "$cur")
			return 0 ;;
		--cron-tz)
			mapfile -t COMPREPLY < <(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur")
			return 0 ;;
		--instances|-i)
			mapfile -t COMPREPLY < <(compgen -W "max -1" -- "$cur")
			return 0 ;;
		--ready)
			mapfile -t COMPREPLY < <(compgen -W "notify ipc tcp: http:// none" -- "$cur")
			return 0 ;;
		--name|--env|--stop-exit-codes|--max-restarts|--min-uptime|\
		--restart-delay|--backoff-max|--kill-timeout|--log-max-size|\
		--log-keep|--log-date-format|--listen|--listen-timeout|\
		--watchdog-sec|--cron-restart|--ignore-watch|--watch-delay|--max-memory-restart|--only)
			return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$start_opts --only --" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_opm_apps)" -f -- "$cur")
		fi ;;
	run)
		if [[ $prev == --only || $prev == --env ]]; then
			return 0
		fi
		mapfile -t COMPREPLY < <(compgen -W "--only --env --raw" -f -- "$cur") ;;
	apply)
		mapfile -t COMPREPLY < <(compgen -W "--prune --dry-run --json" -- "$cur"; compgen -f -- "$cur") ;;
	scale)
		if (( COMP_CWORD == 2 )); then
			mapfile -t COMPREPLY < <(compgen -W "$(_opm_apps | sort -u)" -- "$cur")
		fi ;;
	stop|restart|reload|delete|rm)
		if [[ $prev == --only ]]; then
			return 0
		fi
		mapfile -t COMPREPLY < <(compgen -W "all $(_opm_apps) --only --update-env --json" -- "$cur"; compgen -f -X "!*.json" -- "$cur") ;;
	info|describe|env|reset|flush|export)
		mapfile -t COMPREPLY < <(compgen -W "all $(_opm_apps) --update-env --json" -- "$cur") ;;
	logs)
		mapfile -t COMPREPLY < <(compgen -W "$(_opm_apps) --lines --follow --out --err" -- "$cur") ;;
	events)
		mapfile -t COMPREPLY < <(compgen -W "$(_opm_apps) --lines --follow --json" -- "$cur") ;;
	signal)
		if (( COMP_CWORD == 2 )); then
			mapfile -t COMPREPLY < <(compgen -W "TERM INT QUIT HUP KILL USR1 USR2 STOP CONT" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "all $(_opm_apps)" -- "$cur")
		fi ;;
	list|ls|status)
		mapfile -t COMPREPLY < <(compgen -W "--json" -- "$cur") ;;
	import)
		mapfile -t COMPREPLY < <(compgen -W "--start --print" -f -- "$cur") ;;
	init)
		mapfile -t COMPREPLY < <(compgen -W "--json" -f -- "$cur") ;;
	unstartup)
		mapfile -t COMPREPLY < <(compgen -W "--user --system" -- "$cur") ;;
	restore|resurrect)
		mapfile -t COMPREPLY < <(compgen -W "--from-backup" -- "$cur") ;;
	startup)
		mapfile -t COMPREPLY < <(compgen -W "--user --system --print" -- "$cur") ;;
	daemon)
		if (( COMP_CWORD == 2 )); then
			mapfile -t COMPREPLY < <(compgen -W "start stop status restart reload run" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "--restore --json" -- "$cur")
		fi ;;
	help)
		mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur") ;;
	esac
	return 0
}
complete -F _opm opm
