#!/bin/bash
# backends: sim kernel
# timeout: 480
# mock attach / detach / check / replace --pasid: a mock device's attachments
# at a PASID, as the kernel selftest's iommufd_device_pasid fixture drives
# them (IOMMU_TEST_OP_PASID_*), with every errno it documents, plus faults
# through a PASID.  The same batch on both backends.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

usage() { ts_expect_exit 2 "$IOMMUCTL" "$@"; }
usage mock attach --stdev 2
usage mock attach --pt 1
usage mock attach --stdev 2 --pt 1 --pasid 0x100000000
usage mock attach --stdev 2 --pt 1 --pasid x
usage mock detach --pasid 1
usage mock check --pasid 1
usage mock replace --stdev 2 --pasid 1

mock_main_series_only
. "$TS_TOP/tests/ts/iommuctl/batch-flow.bash"

# The kernel's mock device WARNs (a panic in the lab) when its context closes
# with PASIDs attached: whatever happens, they are detached first.
used_pasids='100 200 1024 2048 1048575'
detach_all() {
	local p
	[ -n "${B_PID:-}" ] || return 0
	for p in $used_pasids; do
		printf 'mock detach --stdev 2 --pasid %s\n' "$p" >&"${B[1]}" 2>/dev/null || true
		printf 'mock detach --stdev %s --pasid %s\n' "${nd:-2}" "$p" >&"${B[1]}" 2>/dev/null || true
	done
	finish
	B_PID=
}
trap detach_all EXIT

start
ok 'alloc --name a'					# IOAS 1
ok 'mock domain --ioas @a --pasid'			# stdev 2, idev 3, automatic hwpt 4
ok 'mock domain --ioas @a'				# stdev 5, idev 6, hwpt 4 too
ts_jq '.mock_devices[0] | .stdev_id == 5 and .hwpt_id == 4' "$TS_TMP/out"
ok 'hwpt alloc --dev-id 3 --pt @a --nest-parent'	# 7
ok 'hwpt alloc --dev-id 3 --pt 7 --pasid --data-type selftest --data iotlb=0xbadbeef'	# 8
ok 'hwpt alloc --dev-id 3 --pt 7 --pasid --data-type selftest --data iotlb=0xbadbeef'	# 9
ok 'hwpt alloc --dev-id 3 --pt @a --pasid'		# 10
ts_jq '.hwpts[0] | .id == 10 and .flags == "0x8"' "$TS_TMP/out"

# detaching what is not attached is no error
ok 'mock detach --stdev 2 --pasid 100'
ts_jq '.attachments[0] | .stdev_id == 2 and .pasid == 100 and .pt_id == null' "$TS_TMP/out"
# the device on a HWPT that is not PASID compatible: no PASID
ok 'mock replace --stdev 2 --pt 7'
fails 'mock attach --stdev 2 --pasid 100 --pt 10' EINVAL
ok 'mock replace --stdev 2 --pt 10'
ok 'mock attach --stdev 2 --pasid 100 --pt 8'
ts_jq '.attachments[0] | .stdev_id == 2 and .pasid == 100 and .pt_id == 8' "$TS_TMP/out"
# ... and with a PASID attached, the device goes to compatible HWPTs only
fails 'mock replace --stdev 2 --pt 7' EINVAL
fails 'mock replace --stdev 2 --pt @a' EINVAL
ok 'mock detach --stdev 2 --pasid 100'
ok 'mock check --stdev 2 --pasid 100'
ok 'mock check --stdev 2 --hwpt 10'			# PASID 0: the device itself

# a device without PASIDs takes compatible HWPTs, at no PASID
ok 'mock replace --stdev 5 --pt 8'
ok 'mock replace --stdev 5 --pt @a'
ts_jq '.replaced[0].pt_id == 4' "$TS_TMP/out"
fails 'mock attach --stdev 5 --pasid 100 --pt 7' EINVAL
fails 'mock attach --stdev 5 --pasid 100 --pt 10' EINVAL

# not compatible, an IOAS (its automatic domains never are), not a HWPT
fails 'mock attach --stdev 2 --pasid 100 --pt 7' EINVAL
fails 'mock attach --stdev 2 --pasid 100 --pt @a' EINVAL
fails 'mock attach --stdev 2 --pasid 100 --pt 3' EINVAL
fails 'mock attach --stdev 2 --pasid 100 --pt 99' ENOENT
fails 'mock attach --stdev 3 --pasid 100 --pt 10' ENOENT	# a device, no selftest object
ok 'mock check --stdev 2 --pasid 100'
# beyond the mock's 20 bits of PASID
fails 'mock attach --stdev 2 --pasid 1048576 --pt 10' EINVAL
fails 'mock attach --stdev 2 --pasid 0xffffffff --pt 10' EINVAL
ok 'mock attach --stdev 2 --pasid 1048575 --pt 10'
ok 'mock detach --stdev 2 --pasid 1048575'

# attach, check, no second attach, what it holds stays
ok 'mock attach --stdev 2 --pasid 100 --pt 10'
ok 'mock check --stdev 2 --pasid 100 --hwpt 10'
ts_jq '.attachments[0] | .pasid == 100 and .pt_id == 10' "$TS_TMP/out"
fails 'mock check --stdev 2 --pasid 100' EINVAL
fails 'mock check --stdev 2 --pasid 100 --hwpt 8' EINVAL
fails 'mock check --stdev 2 --pasid 100 --hwpt @a' EINVAL	# not a HWPT
fails 'mock check --stdev 2 --pasid 100 --hwpt 99' ENOENT
fails 'mock attach --stdev 2 --pasid 100 --pt 8' EBUSY
fails 'mock attach --stdev 2 --pasid 100 --pt 10' EBUSY
fails 'mock attach --stdev 2 --pasid 100 --pt @a' EBUSY
fails 'free 10' EBUSY
fails 'free 3' EBUSY
ok 'mock detach --stdev 2 --pasid 100'
ok 'mock check --stdev 2 --pasid 100'
ok 'mock attach --stdev 2 --pasid 100 --pt 8'
ok 'mock check --stdev 2 --pasid 100 --hwpt 8'
ok 'mock detach --stdev 2 --pasid 100'

# replace: only what is attached, only to a compatible HWPT
fails 'mock replace --stdev 2 --pasid 200 --pt 10' EINVAL
ok 'mock attach --stdev 2 --pasid 200 --pt 10'
fails 'mock replace --stdev 2 --pasid 200 --pt @a' EINVAL
fails 'mock replace --stdev 2 --pasid 200 --pt 7' EINVAL
ok 'mock check --stdev 2 --pasid 200 --hwpt 10'
ok 'mock replace --stdev 2 --pasid 200 --pt 10'		# the same HWPT: nothing to do
ok 'mock replace --stdev 2 --pasid 200 --pt 8'
ts_jq '.attachments[0] | .pasid == 200 and .pt_id == 8' "$TS_TMP/out"
ok 'mock check --stdev 2 --pasid 200 --hwpt 8'
ok 'mock replace --stdev 2 --pasid 200 --pt 9'
ok 'mock check --stdev 2 --pasid 200 --hwpt 9'
ok 'free 8'
fails 'free 9' EBUSY
ok 'mock detach --stdev 2 --pasid 200'

# the mock driver fails every second change of PASID 1024 (ENOMEM), and the
# PASID keeps its HWPT
ok 'mock attach --stdev 2 --pasid 1024 --pt 10'
fails 'mock replace --stdev 2 --pasid 1024 --pt 9' ENOMEM
ok 'mock check --stdev 2 --pasid 1024 --hwpt 10'
ok 'mock replace --stdev 2 --pasid 1024 --pt 9'
ok 'mock check --stdev 2 --pasid 1024 --hwpt 9'
fails 'mock replace --stdev 2 --pasid 1024 --pt 10' ENOMEM
ok 'mock detach --stdev 2 --pasid 1024'

# a device without dirty tracking takes a dirty-tracking HWPT at a PASID
# (the mock checks that only for the device itself)
ok 'mock domain --ioas @a --pasid --no-dirty'
nd=$(jq -r '.mock_devices[0].stdev_id' "$TS_TMP/out")
ok 'hwpt alloc --dev-id 3 --pt @a --pasid --dirty-tracking --name d'
fails "mock replace --stdev $nd --pt @d" EINVAL
ok "mock replace --stdev $nd --pt 10"
ok "mock attach --stdev $nd --pasid 100 --pt @d"
ok "mock detach --stdev $nd --pasid 100"

# faults at a PASID go to the fault queue of the HWPT attached there
ok 'fault alloc --name f'
ok 'hwpt alloc --dev-id 3 --pt 7 --fault @f --pasid --data-type selftest --data iotlb=1 --name fn'
ok 'mock attach --stdev 2 --pasid 2048 --pt @fn'
ok 'mock trigger-iopf --dev-id 3 --pasid 2048 --addr 0x1000'
ok 'fault read --fault @f --wait 5'
ts_jq '.faults | length == 1 and .[0].pasid == 2048 and .[0].dev_id == 3' "$TS_TMP/out"
cookie=$(jq -r '.faults[0].cookie' "$TS_TMP/out")
ok "fault respond --fault @f --cookie $cookie"
ok 'mock replace --stdev 2 --pasid 2048 --pt 10'
ok 'mock check --stdev 2 --pasid 2048 --hwpt 10'
ok 'mock detach --stdev 2 --pasid 2048'
trap - EXIT
finish
exit 0
