#!/bin/bash
# iommuctl doctor on the lab guest, a real host: ready with the edu device on
# vfio-pci; not ready, with the fix, once the device is unbound; ready again
# after following that fix.  Leaves the device as it found it.
set -u
iommuctl=${IOMMUCTL:-build/iommuctl}
bdf=$(echo ${LAB_EDU_BDFS:-} | cut -d' ' -f1)
[ -n "$bdf" ] || { echo "doctor-check: no edu device (LAB_EDU_BDFS is empty)"; exit 1; }
fail=0
bad() { echo "doctor-check: FAIL: $*"; fail=1; }
run() {	# run WANT_EXIT: doctor on the device, JSON in $out
	local rc=0
	out=$("$iommuctl" -J doctor "$bdf") || rc=$?
	[ "$rc" = "$1" ] || bad "doctor $bdf exited $rc, expected $1"
}
status() { echo "$out" | jq -r --arg c "$1" '[.checks[] | select(.check == $c) | .status] | join(",")'; }

"$iommuctl" doctor "$bdf" || bad "the lab guest is not ready (table above)"
run 0
for c in iommu_units irq_remapping iommufd_node device_driver device_group device_cdev; do
	[ "$(status $c)" = ok ] || bad "check $c is '$(status $c)' on the ready guest"
done
echo "$out" | jq -e '.checks[] | select(.check == "reserved_regions") | .value | contains("0xfee00000-0xfeefffff msi")' >/dev/null ||
	bad "the MSI window is not among the reserved regions"

echo "$bdf" > /sys/bus/pci/drivers/vfio-pci/unbind
"$iommuctl" doctor "$bdf"
run 1
[ "$(status device_driver)" = fail ] || bad "device_driver is '$(status device_driver)' with the device unbound"
fix=$(echo "$out" | jq -r '.checks[] | select(.check == "device_driver") | .fix')
echo "doctor-check: the fix given: $fix"
# Follow it (there is no driver to unbind from).
sh -c "$fix" || bad "the fix failed: $fix"
run 0
[ "$(status device_driver)" = ok ] || bad "device_driver is '$(status device_driver)' after the fix"
[ -e "/sys/bus/pci/devices/$bdf/vfio-dev" ] || bad "the device did not come back to vfio-pci"
[ $fail -eq 0 ] && echo "doctor-check: ok"
exit $fail
