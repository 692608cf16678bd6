#!/bin/bash
# backends: sim kernel
# device bind / attach / detach / list, the same script on both backends: on
# the kernel, the VM lab's QEMU edu device on vfio-pci behind VT-d; on the
# simulator, its first VFIO device under the intel-vtd profile (39-bit
# aperture, MSI window 0xfee00000-0xfeefffff).  A batch binds the device,
# attaches it to an IOAS whose ranges then follow the device, maps and
# detaches; a caller's fd (--device-fd) holds a binding across commands and
# closing it ends the binding.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new --profile intel-vtd
# Usage errors first: the same everywhere, nothing done.
ts_expect_exit 2 "$IOMMUCTL" device bind
ts_expect_exit 2 "$IOMMUCTL" device bind --device vfio0 --device-fd 4
ts_expect_exit 2 "$IOMMUCTL" device bind --device vfio0 --name d
ts_grep 'names exist only in a batch' "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" device attach --dev-id 1 --pt 2
ts_grep 'not a device bound in this command' "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" device attach --device-fd 99 --pt 2
ts_expect_exit 2 "$IOMMUCTL" device attach --device-fd 0 --pt 2 --pasid 0x100000
ts_expect_exit 2 "$IOMMUCTL" device attach --device-fd 0
ts_expect_exit 2 "$IOMMUCTL" device detach
ts_expect_exit 2 "$IOMMUCTL" device vfio-bind
ts_expect_exit 2 "$IOMMUCTL" device vfio-bind 00:02.0
ts_expect_exit 2 "$IOMMUCTL" device vfio-release 0000:00:02.0x
ts_expect_exit 0 "$IOMMUCTL" -J device list
ts_jq '.devices | type == "array"' "$TS_TMP/out"

cdev=$(jq -r '.devices[0].cdev // empty' "$TS_TMP/out")
if ts_on kernel; then
	[ -e /dev/vfio/devices/vfio0 ] || ts_skip "no VFIO cdev here"
	[ "$cdev" = /dev/vfio/devices/vfio0 ] || ts_fail "device list: first cdev '$cdev'"
else
	ts_jq '[.devices[] | .pci] == ["0000:00:02.0", "0000:00:03.0"] and
		([.devices[] | .node_present and .driver == "vfio-pci" and .iommu == "dmar0" and
		  .reserved == "0xfee00000-0xfeefffff msi" and (.bound_here | not)] | all)' "$TS_TMP/out"
	# bind by name and by PCI address resolve to the simulator's nodes
	ts_expect_exit 0 "$IOMMUCTL" -J device bind --device 0000:00:02.0
	ts_jq --arg c "$cdev" '.bound[0].device == $c' "$TS_TMP/out"
	fails_json 1 ENOENT device bind --device vfio7
	# an fd of another file is no cdev
	exec 5<"$TS_TMP/out"
	fails_json 3 ENOTTY device bind --device-fd 5
	exec 5<&-
fi

# ---- a batch holds the binding from line to line ----------------------------
cat >"$TS_TMP/lines" <<'LINES'
alloc --name a
device bind --device vfio0 --name d
device attach --dev-id @d --pt @a
query --ioas @a
map --ioas @a --size 64K --iova 0x100000
device list
device detach --dev-id @d
device attach --dev-id @d --pt @a --pasid 1
LINES
ts_expect_exit 1 "$IOMMUCTL" -J -b "$TS_TMP/lines"
mapfile -t rec <"$TS_TMP/out"
printf '%s\n' "${rec[1]}" >"$TS_TMP/bind.json"
ts_jq --arg c "$cdev" '.result.bound[0] | .dev_id >= 1 and .device == $c and .lifetime == "session"' "$TS_TMP/bind.json"
printf '%s\n' "${rec[2]}" >"$TS_TMP/attach.json"
ts_jq '.result.attached[0] | .pt_id > 1 and .pasid == null' "$TS_TMP/attach.json"
printf '%s\n' "${rec[3]}" >"$TS_TMP/query.json"
ts_jq '.result.ioas[0].iova_ranges == [{"start": "0x0", "last": "0xfedfffff"}, {"start": "0xfef00000", "last": "0x7fffffffff"}]' "$TS_TMP/query.json"
printf '%s\n' "${rec[5]}" >"$TS_TMP/list.json"
ts_jq --arg c "$cdev" '[.result.devices[] | select(.cdev == $c)][0] |
	.bound_here and .driver == "vfio-pci" and .iommu == "dmar0" and (.reserved | contains("msi"))' "$TS_TMP/list.json"
printf '%s\n' "${rec[6]}" >"$TS_TMP/detach.json"
ts_jq '.result.attached[0].pt_id == null' "$TS_TMP/detach.json"
# a PASID never goes to an IOAS (its automatic domain is not allocated for
# PASIDs): the attach is refused, and the batch says which line and what
# stays done.
printf '%s\n' "${rec[7]}" >"$TS_TMP/pasid.json"
ts_jq '.line == 8 and .exit_status != 0 and .error.ioctl == "VFIO_DEVICE_ATTACH_IOMMUFD_PT"' "$TS_TMP/pasid.json"

# ---- the caller's fd holds it across commands --------------------------------
exec 4<>"$cdev"
ts_expect_exit 0 "$IOMMUCTL" -J device bind --device-fd 4
ts_jq '.bound[0] | .lifetime == "fd" and .device == "fd 4"' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" -J alloc
ioas=$(jq -r '.ioas[0].id' "$TS_TMP/out")
ts_expect_exit 0 "$IOMMUCTL" -J device attach --device-fd 4 --pt "$ioas"
ts_jq '.attached[0] | .dev_id == null and .pt_id > 0' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" -J query --ioas "$ioas"
ts_jq '.ioas[0].iova_ranges | length == 2' "$TS_TMP/out"
# a mapping outside the device's aperture is refused while it is attached
ts_expect_exit 1 "$IOMMUCTL" -J map --ioas "$ioas" --size 4K --iova 0x8000000000
ts_expect_exit 0 "$IOMMUCTL" device detach --device-fd 4
# the IOAS spans everything again
ts_expect_exit 0 "$IOMMUCTL" -J query --ioas "$ioas"
ts_jq '.ioas[0].iova_ranges == [{"start": "0x0", "last": "0xffffffffffffffff"}]' "$TS_TMP/out"
# bound once: a second bind is refused (EINVAL; errors.sh has the cases)
ts_expect_exit 1 "$IOMMUCTL" -J device bind --device-fd 4
# attached again, the device holds the IOAS (through its automatic HWPT)
# until the fd that bound it is closed: closing it unbinds and detaches
ts_expect_exit 0 "$IOMMUCTL" -J device attach --device-fd 4 --pt "$ioas"
fails_json 1 EBUSY free "$ioas"
exec 4>&-
ts_expect_exit 0 "$IOMMUCTL" -J free "$ioas"
# one-shot: bound for the command only, and it says so
ts_expect_exit 0 "$IOMMUCTL" -J device bind --device vfio0
ts_jq '.bound[0].lifetime == "command"' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" device bind --device vfio0
ts_grep 'the binding ended with this command' "$TS_TMP/err"
# -v decodes the VFIO commands like iommufd's
exec 4<>"$cdev"
ts_expect_exit 0 "$IOMMUCTL" -v device bind --device-fd 4
ts_grep 'ioctl VFIO_DEVICE_BIND_IOMMUFD {size=[0-9]* flags=0x0 iommufd=[0-9]* out_devid=[1-9][0-9]*.*} = 0' "$TS_TMP/err"
ts_expect_exit 1 "$IOMMUCTL" -v device attach --device-fd 4 --pt 99999
ts_grep 'ioctl VFIO_DEVICE_ATTACH_IOMMUFD_PT {size=12 flags=0x0 pt_id=99999} = -1 ENOENT' "$TS_TMP/err"
exec 4>&-
exit 0
