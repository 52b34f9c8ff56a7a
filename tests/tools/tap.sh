# shellcheck shell=bash
# TAP results for the shell tests of tests/tools: ok NAME, not_ok NAME
# [DETAIL...] (each DETAIL line printed as a comment); rc is 1 after a
# failure, for the test's exit status.
n=0
rc=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	printf '%s\n' "$@" | sed 's/^/# /'
	rc=1
}
