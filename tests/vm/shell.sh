#!/bin/bash
# shell.sh --kernel 6.1|6.12|sid [--module F.ko]... [--timeout S] [-- CMD [ARG]...]
# Boot the test VM for a person (and for `make demo`): with CMD, run it inside
# the VM as root in the repo root (e.g. "modprobe compfw && compfwctl status")
# and print the runner's report; without CMD, an interactive root shell on
# the serial console ('exit' ends the VM). The VM is the one run.sh boots.
set -eu
. "$(dirname "$0")/lib.sh"

main() {
	local args=() cmd=() script
	while [ $# -gt 0 ]; do
		case $1 in
		--) shift; cmd=("$@"); break ;;
		--kernel|--module|--timeout) args+=("$1" "${2:?}"); shift 2 ;;
		*) die "usage: shell.sh --kernel 6.1|6.12|sid [--module F.ko]... [--timeout S] [-- CMD...]" ;;
		esac
	done
	if [ ${#cmd[@]} -eq 0 ]; then
		exec "$REPO/tests/vm/run.sh" "${args[@]}" --shell
	fi
	# run.sh takes test scripts under the repo: write the command as one.
	mkdir -p "$REPO/build/vm/cmd"
	script=$REPO/build/vm/cmd/cmd-$$.sh
	{ echo '#!/bin/bash'; echo 'set -x'; printf '%q ' "${cmd[@]}"; echo; } >"$script"
	chmod +x "$script"
	local rc=0
	"$REPO/tests/vm/run.sh" "${args[@]}" "${script#"$REPO"/}" || rc=$?
	rm -f "$script"
	return $rc
}

main "$@"
