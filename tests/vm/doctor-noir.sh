#!/bin/bash
# iommuctl doctor on a lab guest booted without interrupt remapping (QEMU's
# VT-d with intremap=off): irq_remapping must fail, and binding the device
# must really fail with EPERM (lab-vtd-dma's and iommuctl's), until
# iommufd.allow_unsafe_interrupts is set, which doctor reports as a warning.
set -u
iommuctl=${IOMMUCTL:-build/iommuctl}
bdf=$(echo ${LAB_EDU_BDFS:-} | cut -d' ' -f1)
param=/sys/module/iommufd/parameters/allow_unsafe_interrupts
[ -n "$bdf" ] || { echo "doctor-noir: no edu device (LAB_EDU_BDFS is empty)"; exit 1; }
fail=0
bad() { echo "doctor-noir: FAIL: $*"; fail=1; }
status() { echo "$out" | jq -r --arg c "$1" '[.checks[] | select(.check == $c) | .status] | join(",")'; }

echo N > "$param"
"$iommuctl" doctor "$bdf"
rc=0; out=$("$iommuctl" -J doctor "$bdf") || rc=$?
[ $rc -eq 1 ] || bad "doctor exited $rc without interrupt remapping, expected 1"
[ "$(status irq_remapping)" = fail ] || bad "irq_remapping is '$(status irq_remapping)'"
# doctor's verdict is the kernel's: the bind is refused.
build/lab-vtd-dma > /tmp/vtd.out 2>&1
grep -q "not ok 3 - VFIO_DEVICE_BIND_IOMMUFD: EPERM" /tmp/vtd.out || { cat /tmp/vtd.out; bad "the bind was not refused with EPERM"; }
# and iommuctl says so: EPERM, exit status 4 (iommuctl-device(8), ERRORS)
rc=0; "$iommuctl" -J device bind --device "$bdf" > /tmp/bind.out 2> /tmp/bind.err || rc=$?
[ $rc -eq 4 ] && jq -e '.error.errno_name == "EPERM"' /tmp/bind.err > /dev/null ||
	bad "iommuctl device bind exited $rc: $(cat /tmp/bind.err)"

echo Y > "$param"
rc=0; out=$("$iommuctl" -J doctor "$bdf") || rc=$?
[ $rc -eq 0 ] || bad "doctor exited $rc with allow_unsafe_interrupts=Y, expected 0"
[ "$(status irq_remapping)" = warn ] || bad "irq_remapping is '$(status irq_remapping)' with unsafe interrupts allowed"
rc=0; "$iommuctl" -J device bind --device "$bdf" > /tmp/bind.out 2> /tmp/bind.err || rc=$?
[ $rc -eq 0 ] || bad "iommuctl device bind exited $rc with unsafe interrupts allowed: $(cat /tmp/bind.err)"
echo N > "$param"
[ $fail -eq 0 ] && echo "doctor-noir: ok"
exit $fail
