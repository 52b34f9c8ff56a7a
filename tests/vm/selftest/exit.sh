#!/bin/bash
# Runner self-test: every subtest says ok but the script exits 3: the runner
# must add a failing "exit status" result.
echo "1..1"
echo "ok 1 says ok"
exit 3
