#!/bin/sh
# tap-summary.sh [FILE...] -- count the results in TAP-like output (the files,
# or stdin) and print "N passed, N failed" (", N skipped" when there are any).
# Only column-0 "ok"/"not ok" lines are results; a "# SKIP" directive (any
# case) makes a result skipped, whether it is "ok" or "not ok"; indented and
# "#" lines are ignored. Exit 1 if anything failed, 0 otherwise.
set -eu
awk '
	/^(not )?ok($|[ \t])/ {
		if (toupper($0) ~ /#[ \t]*SKIP/) skipped++
		else if ($0 ~ /^not /) failed++
		else passed++
	}
	END {
		line = sprintf("%d passed, %d failed", passed, failed)
		if (skipped) line = line sprintf(", %d skipped", skipped)
		print line
		exit failed ? 1 : 0
	}
' "$@"
