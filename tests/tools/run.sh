#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# compfwctl's unit tests and the spec/header agreement, on the host, and
# what an administrator gets beside the binary: the man pages (rendered
# without warnings, SYNOPSIS = help), the bash completion, the field tables
# against the parser and the schema; and a missing Python module fails
# these tests instead of skipping them.
# Results as column-0 "ok - cli: NAME" lines, as make check counts them.
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/tools
mkdir -p "$out"
cd "$top"

tests/lib/deps.sh tools >&2 || echo "not ok - cli: tests/lib/deps.sh tools installs what these tests need"

CFLAGS="-O1 -g -Wall -Wextra -Werror -std=gnu11 -Iuapi $(pkg-config --cflags libnl-genl-3.0 jansson)"
srcs=$(ls tools/*.c | grep -v 'tools/compfwctl.c')
rc=0

# tap_rename PREFIX: turn a script's TAP into counted lines for make check.
tap_rename() {
	sed -E -e "s/^(not )?ok [0-9]+ (- )?/\1ok - $1: /" -e '/^(not )?ok /!s/^/# /'
}

if gcc $CFLAGS -o "$out/test_cli" tests/tools/test_*.c $srcs \
	$(pkg-config --libs libnl-genl-3.0 jansson) 2>"$out/build.log"; then
	"$out/test_cli" tests/tools/manifests | tap_rename cli || rc=1
else
	echo "not ok - cli: unit tests build"
	sed 's/^/# /' "$out/build.log"
	rc=1
fi
/usr/bin/python3 tests/tools/test_spec.py | tap_rename spec || rc=1
python3 tests/tools/test_schema.py | tap_rename schema || rc=1
/usr/bin/python3 tests/tools/test_docs.py | tap_rename docs || rc=1

# The man pages and the completion, against the compfwctl just built (the
# unit tests' build has no main(): build the tool itself, warnings fatal).
if gcc $CFLAGS -o "$out/compfwctl" $srcs tools/compfwctl.c \
	$(pkg-config --libs libnl-genl-3.0 jansson) 2>"$out/build-ctl.log"; then
	tests/tools/test_man.sh "$out/compfwctl" | tap_rename man || rc=1
	tests/tools/test_completion.sh "$out/compfwctl" | tap_rename completion || rc=1
else
	echo "not ok - cli: compfwctl builds"
	sed 's/^/# /' "$out/build-ctl.log"
	rc=1
fi

# A Python module a test imports, hidden: the test must say "not ok" and
# exit non-zero, never skip.
hide=$out/hidden-modules
mkdir -p "$hide"
for mod in yaml jsonschema; do
	echo "raise ImportError('$mod hidden by tests/tools/run.sh')" >"$hide/$mod.py"
done
for t in test_spec.py:yaml test_schema.py:jsonschema test_docs.py:jsonschema; do
	script=${t%%:*} mod=${t#*:}
	res=$(PYTHONPATH=$hide /usr/bin/python3 "tests/tools/$script" 2>&1) && st=0 || st=$?
	if [ "$st" != 0 ] && grep -q "^not ok .*$mod" <<<"$res"; then
		echo "ok - deps: $script without python3-$mod fails loudly (exit $st, not ok)"
	else
		echo "not ok - deps: $script without python3-$mod fails loudly"
		printf 'exit %s\n%s\n' "$st" "$res" | head -n 20 | sed 's/^/# /'
		rc=1
	fi
done
exit $rc
