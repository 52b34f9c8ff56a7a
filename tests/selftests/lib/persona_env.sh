# SPDX-License-Identifier: GPL-2.0
# Helpers of the persona selftests (sourced after compfw_env.sh): component
# "app" reaching servers on 127.0.0.1 ports 3306 and 2222, and what it shows.

# reach NAME WANT3306 WANT2222: what app reaches, both ports at once.
reach() {
	expect_verdicts "$1" app host "db:$2" "maint:$3" <<-'EOF'
	db try tcp 127.0.0.1 3306
	maint try tcp 127.0.0.1 2222
	EOF
}

# active: app's persona in force.
active() {
	"$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin).get("persona"))'
}

generation() {
	"$ctl" -j component show app | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'
}
