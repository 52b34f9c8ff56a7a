#!/bin/bash
# Runner self-test: loads compfw_vm_warn, whose init WARNs (and with
# panic_on_warn the VM ends). Every subtest says ok: the kernel log check
# must still fail the run.
echo "1..2"
echo "ok 1 before the warning"
modprobe compfw_vm_warn
echo "ok 2 after the warning"
