# SPDX-License-Identifier: GPL-2.0
# Helpers for the compfw selftests that run real traffic (sourced after
# lib.sh): per-run cgroups, processes started inside a cgroup and a network
# namespace, probe.py servers, and their cleanup.
#
# The caller sets cgbase (a cgroup v2 directory of its own, e.g.
# /sys/fs/cgroup/compfw-test/matrix-$$) before calling env_cgroups.

probe=$top/tests/selftests/lib/probe.py
env_pids=()

# env_cgroups NAME...: one cgroup per name under $cgbase.
env_cgroups() {
	local name
	mkdir -p "$cgbase" || return 1
	for name in "$@"; do
		mkdir -p "$cgbase/$name" || return 1
	done
}

# cgpath NAME: the cgroup as compfwctl names it (from the cgroup2 root).
cgpath() {
	echo "${cgbase#/sys/fs/cgroup}/$1"
}

# run_in CGROUP NETNS CMD...: run CMD in $cgbase/CGROUP and, unless NETNS is
# "host", in the named network namespace. nsenter, not `ip netns exec`,
# which remounts /sys and hides the cgroup tree.
run_in() {
	local cg=$1 ns=$2
	shift 2
	[ "$ns" = host ] || set -- nsenter --net="/run/netns/$ns" "$@"
	# In the background, become the command, so that killing $! kills it.
	[ -n "${run_in_exec:-}" ] &&
		exec sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cgbase/$cg" "$@"
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cgbase/$cg" "$@"
}

# started FILE PID: FILE says "ready", or PID is gone (and never will).
started() {
	grep -q '^ready' "$1" || ! kill -0 "$2" 2>/dev/null
}

# start_server CGROUP NETNS PROTO:PORT...: a probe.py echo server, waited for.
start_server() {
	local cg=$1 ns=$2 out
	shift 2
	out=$(mktemp "${TMPDIR:-/tmp}/compfw-server.XXXXXX")
	run_in_exec=1 run_in "$cg" "$ns" python3 "$probe" serve "$@" >"$out" 2>&1 &
	env_pids+=($!)
	wait_for 60 started "$out" "${env_pids[-1]}"
	grep -q '^ready' "$out" && { rm -f "$out"; return 0; }
	echo "# server $cg/$ns $* did not start: $(cat "$out")"
	rm -f "$out"
	return 1
}

# env_cleanup: stop what start_server started, remove the cgroups.
env_cleanup() {
	local pid cg
	for pid in ${env_pids[@]+"${env_pids[@]}"}; do
		kill "$pid" 2>/dev/null
	done
	for pid in ${env_pids[@]+"${env_pids[@]}"}; do
		wait "$pid" 2>/dev/null
	done
	env_pids=()
	[ -n "${cgbase:-}" ] && [ -d "$cgbase" ] || return 0
	for cg in "$cgbase"/*/; do
		[ -d "$cg" ] && rmdir "$cg" 2>/dev/null
	done
	rmdir "$cgbase" 2>/dev/null
	rmdir "$(dirname "$cgbase")" 2>/dev/null
	return 0
}

# status_counts: "components rules" of the init namespace's compfw state.
status_counts() {
	"$ctl" status | awk '$1 == "components" { c = $2 } $1 == "rules" { r = $2 }
			     END { print c " " r }'
}
