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

# How long a probe waits for its answer (echo, RST, ICMP error): short, so
# that the denied cells, which wait all of it, stay cheap. A probe that saw
# nothing where an answer was expected is tried again with the retry timeout
# before it counts as a failure: on a loaded machine an answer can be late.
PROBE_TIMEOUT=${COMPFW_PROBE_TIMEOUT:-2}
PROBE_RETRY_TIMEOUT=${COMPFW_PROBE_RETRY_TIMEOUT:-60}

# probe_batch CGROUP NETNS TIMEOUT: probe.py batch with the probes on stdin
# ("TAG try|ping ARGS..."); prints "TAG RC MESSAGE" for each. The outer
# timeout is for a hung probe, not a slow one.
probe_batch() {
	run_in "$1" "$2" timeout -k 1 $((2 * ${3%.*} + 600)) python3 "$probe" batch --timeout "$3"
}

# inconclusive WANT RC MESSAGE: a result that may be only a slow machine:
# no answer within the timeout where WANT is one (allow, refused), or no
# result at all.
inconclusive() {
	case $2 in
	1) [ "$1" != deny ] && [[ $3 == timeout* ]] ;;
	0|2|3) return 1 ;;
	*) return 0 ;;
	esac
}

# verdict RC [MESSAGE]: a probe's exit status in words.
verdict() {
	case $1 in
	0) echo allow ;;
	1) echo deny ;;
	2) echo refused ;;
	*) echo "other(${1:-none}: ${2:-no result})" ;;
	esac
}

# verdicts CGROUP NETNS [TAG:WANT...]: the probes on stdin, all at once, as
# "TAG:VERDICT" words sorted by TAG. A probe whose result is inconclusive
# for its TAG:WANT is tried again with PROBE_RETRY_TIMEOUT, and that counts.
verdicts() {
	local cg=$1 ns=$2 tag rest rc msg w out retry=""
	local -A probes=() results=()
	shift 2
	while read -r tag rest; do
		[ -n "$tag" ] && probes[$tag]=$rest
	done
	out=$(for tag in "${!probes[@]}"; do echo "$tag ${probes[$tag]}"; done |
		probe_batch "$cg" "$ns" "$PROBE_TIMEOUT")
	while read -r tag rest; do results[$tag]=$rest; done <<<"$out"
	for w in "$@"; do
		tag=${w%%:*}
		read -r rc msg <<<"${results[$tag]:-}"
		inconclusive "${w#*:}" "${rc:-}" "${msg:-}" || continue
		echo "# $tag: ${msg:-no result} after ${PROBE_TIMEOUT} s; again, waiting up to ${PROBE_RETRY_TIMEOUT} s" >&2
		retry+="$tag ${probes[$tag]}"$'\n'
	done
	if [ -n "$retry" ]; then
		out=$(printf '%s' "$retry" | probe_batch "$cg" "$ns" "$PROBE_RETRY_TIMEOUT")
		while read -r tag rest; do results[$tag]=$rest; done <<<"$out"
	fi
	for tag in "${!probes[@]}"; do
		read -r rc msg <<<"${results[$tag]:-}"
		echo "$tag:$(verdict "${rc:-}" "${msg:-}")"
	done | sort | paste -sd' '
}

# expect_verdicts NAME CGROUP NETNS TAG:WANT...: the probes on stdin give
# TAG:WANT for every TAG. Stdin from a redirection, not a pipe: in a
# pipeline it would count its result in a subshell.
expect_verdicts() {
	local name=$1 cg=$2 ns=$3
	shift 3
	expect_eq "$name" "$(verdicts "$cg" "$ns" "$@")" "$(printf '%s\n' "$@" | sort | paste -sd' ')"
}

# stream_start CGROUP NETNS ADDR PORT: a probe.py stream from CGROUP and
# NETNS to ADDR:PORT, in the background, its output in $tmp/stream.out;
# succeeds once it is flowing (5 bytes echoed), fails if it never does.
stream_start() {
	rm -f "$tmp/stream.mark"
	run_in_exec=1 run_in "$1" "$2" timeout -k 1 900 python3 "$probe" stream "$3" "$4" \
		"$tmp/stream.mark" >"$tmp/stream.out" 2>&1 &
	stream_pid=$!
	env_pids+=("$stream_pid")
	wait_for 60 flowing_or_gone
	grep -q '^flowing' "$tmp/stream.out"
}

flowing_or_gone() {
	grep -q '^flowing' "$tmp/stream.out" || ! kill -0 "$stream_pid" 2>/dev/null
}

# stream_mark: the change is made: the stream counts what it sent until now,
# goes on for 2 s or until an error ends it, and says how it went.
stream_mark() {
	: >"$tmp/stream.mark"
	wait "$stream_pid"
	echo "# stream: $(tail -n 1 "$tmp/stream.out")"
}

# stream_stop: end a stream that will not get its mark.
stream_stop() {
	kill "$stream_pid" 2>/dev/null
	wait "$stream_pid" 2>/dev/null
}

# stream_field KEY: a value of the stream's last line (sent, echoed, mark,
# error).
stream_field() {
	tail -n 1 "$tmp/stream.out" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# stream_cut: nothing the stream sent after its mark came back (its bytes
# echoed are at most the bytes it had sent when it saw the mark).
stream_cut() {
	local echoed mark
	echoed=$(stream_field echoed) mark=$(stream_field mark)
	[[ $echoed =~ ^[0-9]+$ && $mark =~ ^[0-9]+$ ]] && [ "$echoed" -le "$mark" ]
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
