#!/usr/bin/env bash
# opm init writes PM2's ecosystem.config.js (commented) and opm init --json
# an ecosystem.config.json; neither overwrites a file; both load with opm
# start once the app they name exists, and describe the same app.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
setup

cd "$TEST_TMP"
assert_exit 0 "$OPM" init
assert_eq "wrote ecosystem.config.js; edit it, then: opm start ecosystem.config.js" "$OUT"
grep -q '^// ' ecosystem.config.js || fail "ecosystem.config.js has no comments"
echo keep >ecosystem.config.json
assert_exit 1 "$OPM" init --json
assert_contains "$ERR" "ecosystem.config.json exists"
assert_eq keep "$(<ecosystem.config.json)" "init overwrote a file"
rm ecosystem.config.json
before=$(cksum <ecosystem.config.js)
assert_exit 1 "$OPM" init
assert_eq "$before" "$(cksum <ecosystem.config.js)" "init overwrote its file"
assert_exit 0 "$OPM" init --json
assert_exit 2 "$OPM" init --bogus
assert_exit 0 "$OPM" init sub.config.js
[[ -f sub.config.js ]] || fail "init FILE wrote no FILE"

# The two files describe the same apps (node evaluates the .js as PM2 does).
assert_eq "$(jq -cS . ecosystem.config.json)" \
    "$(node -e 'console.log(JSON.stringify(require(process.argv[1])))' \
    "$TEST_TMP/ecosystem.config.js" | jq -cS .)" "the .js and .json apps"

# The app they name: app.js, made runnable here by a #! line.
printf '#!/usr/bin/env node\nsetInterval(() => {}, 1000); // %s\n' "$TAG" >app.js
chmod +x app.js
assert_exit 0 "$OPM" start ecosystem.config.json
assert_contains "$OUT" "app: created"
wait_status app online
assert_eq development "$("$OPM" env app | sed -n 's/^NODE_ENV=//p')"
assert_exit 0 "$OPM" delete app
assert_exit 0 "$OPM" start ecosystem.config.js
assert_contains "$OUT" "app: created"
wait_status app online
