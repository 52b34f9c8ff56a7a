#!/bin/bash
# Runner self-test: one subtest fails, so the run must fail.
echo "1..2"
echo "ok 1 fine"
echo "not ok 2 deliberately failing"
exit 1
