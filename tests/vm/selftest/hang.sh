#!/bin/bash
# Runner self-test: never ends; the runner's --timeout must stop the VM.
echo "1..1"
sleep 100000
echo "ok 1 woke up"
