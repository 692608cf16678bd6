#!/bin/bash
# iommuctl device vfio-release / vfio-bind on the lab guest's edu device:
# real sysfs writes, the driver moving, the VFIO cdev going and coming back.
# Leaves the device on vfio-pci, as the guest's init put it.
set -u
iommuctl=${IOMMUCTL:-build/iommuctl}
bdf=$(echo ${LAB_EDU_BDFS:-} | cut -d' ' -f1)
[ -n "$bdf" ] || { echo "device-sysfs: no edu device (LAB_EDU_BDFS is empty)"; exit 1; }
fail=0
bad() { echo "device-sysfs: FAIL: $*"; fail=1; }
j() { jq -r "$1" <<<"$out"; }

out=$("$iommuctl" -J device vfio-release "$bdf") || bad "vfio-release exited $?"
echo "$out"
[ "$(j '.moved[0].driver_before')" = vfio-pci ] || bad "driver before: $(j '.moved[0].driver_before')"
[ "$(j '.moved[0].driver_after')" = null ] || bad "driver after: $(j '.moved[0].driver_after')"
[ "$(j '[.sysfs_writes[].path] | join(" ")')" = "/sys/bus/pci/drivers/vfio-pci/unbind /sys/bus/pci/devices/$bdf/driver_override /sys/bus/pci/drivers_probe" ] ||
	bad "sysfs writes: $(j '[.sysfs_writes[].path] | join(" ")')"
[ ! -e "/sys/bus/pci/devices/$bdf/driver" ] || bad "the device still has a driver"
[ -z "$(ls /dev/vfio/devices 2>/dev/null)" ] || bad "a VFIO cdev is still there"
"$iommuctl" device vfio-release "$bdf" && bad "releasing a device without a driver succeeded"

out=$("$iommuctl" -J device vfio-bind "$bdf") || bad "vfio-bind exited $?"
echo "$out"
[ "$(j '.moved[0].driver_before')" = null ] || bad "driver before: $(j '.moved[0].driver_before')"
[ "$(j '.moved[0].driver_after')" = vfio-pci ] || bad "driver after: $(j '.moved[0].driver_after')"
[ "$(j '.moved[0].writes')" = 2 ] || bad "$(j '.moved[0].writes') sysfs writes, expected 2"
[ -e "/sys/bus/pci/devices/$bdf/vfio-dev" ] || bad "no vfio-dev after vfio-bind"
ls /dev/vfio/devices/vfio* >/dev/null 2>&1 || bad "no VFIO cdev after vfio-bind"
# Binding again changes nothing.
out=$("$iommuctl" -J device vfio-bind "$bdf") || bad "a second vfio-bind exited $?"
[ "$(j '.moved[0].writes')" = 0 ] || bad "a second vfio-bind wrote sysfs"
# The device works after the round trip.
build/lab-vtd-dma > /tmp/vtd.out 2>&1 || { cat /tmp/vtd.out; bad "DMA after the round trip failed"; }
[ $fail -eq 0 ] && echo "device-sysfs: ok"
exit $fail
