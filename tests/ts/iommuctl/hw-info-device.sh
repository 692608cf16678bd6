#!/bin/bash
# backends: sim kernel
# hw-info --device: a real device through its VFIO cdev, bound to the
# context for the command only (the VM lab's edu device behind QEMU's VT-d);
# the simulator has no VFIO devices and says so.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

if ts_on sim; then
	sim_new
	ts_expect_exit 3 "$IOMMUCTL" hw-info --device vfio0
	ts_grep 'the simulator has no VFIO devices' "$TS_TMP/err"
	ts_expect_exit 3 "$IOMMUCTL" -J hw-info --device /dev/vfio/devices/vfio0
	ts_jq '.error.errno_name == "EOPNOTSUPP"' "$TS_TMP/err"
	exit 0
fi
[ -e /dev/vfio/devices/vfio0 ] || ts_skip "no VFIO cdev here"
ts_expect_exit 0 "$IOMMUCTL" -J hw-info --device /dev/vfio/devices/vfio0
ts_jq '.hw_info | .bound_for_command and .type_name == "intel_vtd" and .decoded and .dev_id >= 1' "$TS_TMP/out"
ts_jq '[.fields[] | select(.field == "MGAW")][0].meaning == "39 bits"' "$TS_TMP/out"
ts_jq '[.fields[] | select(.field == "IR")][0].value == "0x1"' "$TS_TMP/out"
ts_jq '[.registers[] | .name] == ["flags", "cap_reg", "ecap_reg"]' "$TS_TMP/out"
# the binding ended with the command: it binds again, by name or by PCI address
ts_expect_exit 0 "$IOMMUCTL" hw-info --device vfio0
bdf=$(basename "$(readlink /sys/class/vfio-dev/vfio0/device)")
ts_expect_exit 0 "$IOMMUCTL" -J hw-info --device "$bdf"
ts_jq '.hw_info.type_name == "intel_vtd"' "$TS_TMP/out"
ts_expect_exit 1 "$IOMMUCTL" hw-info --device vfio99
exit 0
