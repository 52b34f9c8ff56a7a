#!/bin/bash
# Runner self-test: a missing dependency, kselftest style (exit 4).
echo "# SKIP: nothing to test here"
exit 4
