#!/usr/bin/env bash
# The corpus: 40 real ecosystem files from public repositories
# (tests/data/ecosystem/, sources in its README.md), started as a PM2 user
# would: `opm start FILE` in a copy of the project, where a stand-in takes
# the place of each program the file names (a node, python or sh program
# that stays up, a command in PATH, a module it requires). Each file must
# put every app online, or, when it uses keys that later issues implement,
# fail with exit 1 and "is not supported yet" naming such a key, creating
# nothing. One line per file says what happened; the test fails at the end
# if any file did not do what its row below expects.
# Needs node (the .js files); skipped with a message only when there is none.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
if ! command -v node >/dev/null; then
	echo "SKIP (needs node in PATH: apt-get install nodejs)"
	exit 0
fi
setup

corpus=$REPO_DIR/tests/data/ecosystem

# FILE EXPECT SETUP...
#   EXPECT  online:NAME,...  every app online; * stands for a nameless app,
#                            + for a space in a name; an app with
#                            instances is named once per instance
#           later:KEY,...    refused as "not supported yet", naming a KEY
#           unknown:KEY      refused, naming KEY (not PM2's either)
#           invalid:KEY      refused, naming KEY (a value PM2 takes and
#                            ignores, opm does not: instance_var is the
#                            name of a variable)
#   SETUP   js:PATH   a node program (not executable, as in a repository)
#           jsx:PATH  the same, executable with a #!/usr/bin/env node line
#           py:PATH   a python program
#           sh:PATH   an executable sh script
#           bin:NAME  a command in PATH (npm, pnpm, serve, ts-node)
#           dir:PATH  a directory
#           mod:NAME  a node module in node_modules (dotenv)
#           root:DIR  an absolute path of the file: DIR is made inside the
#                     sandbox and the file's copy says so (every PATH that
#                     begins with / is inside the sandbox too)
# exec_mode cluster with "instances: max" and nothing to share: one
# instance per CPU, as in fork mode.
cpu_names=$(for _ in $(seq "$(nproc)"); do printf 'tts-api,'; done)
cpu_names=${cpu_names%,}
# Files 33 and 38: apps with instances max (and watch, cluster mode).
names33=$(for _ in $(seq "$(nproc)"); do printf 'api,engine,'; done)
names33=${names33%,}
names38=$(for _ in $(seq "$(nproc)"); do printf 'Article,'; done)
names38=${names38%,}
names12=$(for _ in $(seq "$(nproc)"); do printf 'cardgenius,'; done)
names12=${names12%,}
names11=$(for _ in $(seq "$(nproc)"); do printf 'oglab-site,'; done)
names11=${names11%,}
specs=(
	"01-0Supa-okeybot.config.js online:okeybot js:index.js"
	"02-0x3EF8-Nero-Facebook-Bot.config.js invalid:log_date_format js:index.js"
	"03-00quasr-WallStreetSim.config.js online:wss-web,wss-api,wss-engine bin:pnpm dir:apps/web dir:apps/api dir:apps/engine"
	"04-0xHouss-mtd-manager.config.js online:mtd-manager js:build/index.js"
	"05-01protocol-zo-ts-rest-api.config.js unknown:output js:dist/server.js bin:ts-node"
	"06-0is1-dgclr.config.js online:dgclr js:server.js"
	"07-0k1-ffmpeg-service.config.js online:ffmpeg-service js:dist/server.js"
	"08-0smarJR-pi5.config.js online:discorbot js:bot.js"
	"09-0strich-hosting-api.config.js online:hosting-api jsx:bin/www"
	"10-0Supa-tts-api.config.js online:$cpu_names js:index.js"
	"11-0xSafA-oglab-site.config.js online:$names11 bin:npm root:/Users/0xsafa/Documents/GitHub/oglab-site"
	"12-0CoolDev-NullNamsoGen.config.js online:$names12 js:dist/index.js root:/opt/cardgenius/logs"
	"13-jeffDevelops-late-stage.config.js online:* js:build/src/index.js mod:dotenv"
	"14-yuyaryshev-dns_requester.config.js online:dns_requester js:server.js"
	"15-Eyelike-systems-SelfiAIWebApp_SelectBackgroundImg.config.js online:app,rb root:/home/ubuntu/nodebackendM js:/home/ubuntu/nodebackendM/app.js sh:/home/ubuntu/nodebackendM/python/my_env/bin/uvicorn"
	"16-hkalra07-acs-calculator.config.js online:acs-calculator root:/home/coder py:/home/coder/acs_server.py"
	"17-0xseven7-pm2-demo.json online:pm2-demo js:app.js"
	"18-1ibrary-1ibrary-back-end.json online:1ibrary js:app.js"
	"19-AlanGuo-monitor-backend.json invalid:instance_var bin:ts-node"
	"20-AlexJuarez-obsidian.json online:Style+Guide js:app.js"
	"21-AkashBabu-NearBy.json online:NearBy+Server js:server.js"
	"22-404-Repo-three-gen-subnet.json online:validator-app sh:start-validator.sh"
	"23-2Toad-express-rwb.json online:app js:src/index.js"
	"24-AleonaKS-nodejs-pm2-deploy.json online:backend,frontend root:/home/user/nodejs-pm2-deploy js:/home/user/nodejs-pm2-deploy/backend/dist/app.js dir:/home/user/nodejs-pm2-deploy/frontend bin:serve"
	"25-Aseptrisna-ftp-housekeeping-python.json online:daily-ftp-housekeeping-python py:move_daily.py"
	"26-24ericksonb-roblox-discord-bot.json online:roblox-bot bin:npm"
	"27-0xl2-web3-backend.json online:web3-sdk js:tsconfig-paths-bootstrap.js js:dist/src/index.js"
	"28-17koa-koa2-startkit.json invalid:instances js:bin/production.js"
	"29-7odri9o-pm2-two-process.json unknown:instance js:server.js"
	"30-0936zz-bilibili-live-checker.json online:bilibili-live-checker js:index.js dir:runtime"
	"31-68publishers-crawler.yml online:${cpu_names//tts-api/crawler} js:index.mjs"
	"32-BaseAdresseNationale-ban-plateforme.yml online:ban-api,ban-api,ban-worker,ban-worker,ban-worker,ban-worker js:server.js js:worker.js"
	"33-10Kft-node-micro-services-template.yml online:$names33 js:services/example-api/app.js js:services/example-engine/app.js"
	"34-ChristopherMitchell242-pm2-thread-management-tutorial.yml online:*,*,* js:socket.js js:number_worker.js js:string_worker.js"
	"35-Coletrane-bikeva-node.yml online:* js:server.js"
	"36-CNBlackJ-todolist-server.yml online:todoList js:index.js"
	"37-Digipolitan-yemma.yml online:MWS:Registry bin:npm"
	"38-Becavalier-hyperion.yml online:$names38 js:services/www/index.js"
	"39-DataBreach-docker-waterrower-ble.yml online:waterrower-usb,waterrower-ble js:waterrower-ble/main.js"
	"40-Birkenstab-HS-TT.yml online:HS-TT jsx:bin/www"
)

# Every file of the corpus has a row, and every row a file.
n_files=$(find "$corpus" -name '[0-9][0-9]-*' | wc -l)
assert_eq "${#specs[@]}" "$n_files" "rows for the files of $corpus"
(( n_files >= 30 )) || fail "the corpus has only $n_files files"

# stand_in KIND PATH: the program PATH (in the current directory).
stand_in()
{
	mkdir -p "$(dirname "$2")"
	case $1 in
	js)	printf '%s\n' "// stand-in for the app's program (t-pm2-corpus)" \
		    "if (process.send) process.send('ready');" \
		    'setInterval(() => {}, 1 << 30);' >"$2" ;;
	jsx)	printf '%s\n' '#!/usr/bin/env node' \
		    "// stand-in for the app's program (t-pm2-corpus)" \
		    "if (process.send) process.send('ready');" \
		    'setInterval(() => {}, 1 << 30);' >"$2"
		chmod +x "$2" ;;
	py)	printf '%s\n' "# stand-in for the app's program (t-pm2-corpus)" \
		    'import time' 'while True:' '    time.sleep(3600)' >"$2" ;;
	sh)	cat >"$2" <<'SH'
#!/bin/sh
# stand-in (t-pm2-corpus); for wait_ready it says ready on Node's
# channel, as process.send('ready') does
if [ -n "$NODE_CHANNEL_FD" ]; then
	eval "exec 9>&$NODE_CHANNEL_FD"
	printf '"ready"\n' >&9
fi
exec sleep 1000000
SH
		chmod +x "$2" ;;
	esac
}

# Names of the apps online, one a line, sorted.
online_names()
{
	"$OPM" list --json | jq -r 'map(select(.status == "online") | .name) |
	    sort | .[]'
}

# Waits up to 15 s for N apps online (min_uptime of a file may be 10 s).
wait_online()
{
	local i

	for ((i = 0; i < 1500; i++)); do
		(( $(online_names | wc -l) >= $1 )) && return 0
		sleep 0.01
	done
	return 1
}

ok=0
bad=()
for spec in "${specs[@]}"; do
	read -r file expect setup <<<"$spec"
	[[ -f $corpus/$file ]] || fail "$file: no such file in $corpus"
	sb=$TEST_TMP/c/${file%%.*}
	mkdir -p "$sb/proj" "$sb/.bin"
	copy=$sb/proj/$file
	cp "$corpus/$file" "$copy"
	(
		cd "$sb/proj"
		for s in $setup; do
			kind=${s%%:*}
			arg=${s#*:}
			[[ $arg == /* ]] && arg=$sb$arg
			case $kind in
			js|jsx|py|sh) stand_in "$kind" "$arg" ;;
			bin) stand_in sh "$sb/.bin/$arg" ;;
			dir) mkdir -p "$arg" ;;
			mod) mkdir -p "node_modules/$arg"
			     echo 'exports.config = () => ({ parsed: {} });' \
				 >"node_modules/$arg/index.js" ;;
			root) mkdir -p "$arg"
			      sed -i "s|${s#root:}|$arg|g" "$copy" ;;
			*) echo "bad setup word $s" >&2; exit 1 ;;
			esac
		done
	)
	cd "$sb/proj"
	rc=0
	PATH=$sb/.bin:$PATH "$OPM" start "$file" >"$sb/out" 2>"$sb/err" || rc=$?
	err=$(<"$sb/err")
	why=
	case $expect in
	online:*)
		IFS=, read -r -a want <<<"${expect#online:}"
		want=("${want[@]//+/ }")
		if (( rc != 0 )); then
			why="exit $rc: $err"
		elif ! wait_online "${#want[@]}"; then
			why="not online: $("$OPM" list --json | jq -c 'map({name, status, exit_code})')"
		else
			got=$(online_names)
			for n in "${want[@]}"; do
				[[ $n == '*' ]] && continue
				grep -qxF -- "$n" <<<"$got" ||
				    why="no app '$n' online (online: $(tr '\n' ' ' <<<"$got"))"
			done
		fi
		;;
	later:*|unknown:*|invalid:*)
		IFS=, read -r -a keys <<<"${expect#*:}"
		named=
		for k in "${keys[@]}"; do
			[[ $err == *"$k"* ]] && named=$k
		done
		if (( rc != 1 )); then
			why="exit $rc, expected 1 ($err)"
		elif [[ $expect == later:* && $err != *"is not supported yet"* ]]; then
			why="no 'is not supported yet': $err"
		elif [[ -z $named ]]; then
			why="names none of ${keys[*]}: $err"
		elif [[ $("$OPM" list --json) != '[]' ]]; then
			why="apps were created"
		fi
		;;
	esac
	if [[ -z $why ]]; then
		echo "corpus: $file: ok ($expect)"
		ok=$((ok + 1))
	else
		echo "corpus: $file: FAIL (expected $expect): ${why//$'\n'/ | }"
		bad+=("$file")
	fi
	"$OPM" delete all >/dev/null 2>&1 || true
	wait_for 10 test "$("$OPM" list --json)" = '[]'
done
echo "corpus: $ok of ${#specs[@]} files as expected"
(( ${#bad[@]} == 0 )) || fail "${#bad[@]} files not as expected: ${bad[*]}"
