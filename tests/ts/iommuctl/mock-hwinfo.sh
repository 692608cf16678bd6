#!/bin/bash
# backends: sim kernel
# The selftest mock (IOMMU_TEST_CMD) and GET_HW_INFO, the same on the
# simulator and on a kernel with CONFIG_IOMMUFD_TEST (the VM lab): mock
# devices, their domains and IDs, reserved ranges, replacement, and the mock's
# hardware information decoded.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

# IOMMU_TEST_CMD is no stable ABI: ours is the lab's main series' (which the
# simulator emulates), and 6.12's mock refuses to attach beside VT-d anyway.
mock_main_series_only

sim_new

run alloc
run alloc
# A mock device on IOAS 1: the kernel's ID order (selftest object, device,
# then the automatic domain) and its aperture narrow the IOAS.
run mock domain --ioas 1
ts_jq '.mock_devices[0] | .ioas == 1 and .stdev_id == 3 and .idev_id == 4 and .hwpt_id == 5' "$TS_TMP/out"
lifetime=$(jq -r '.mock_devices[0].lifetime' "$TS_TMP/out")
if ts_on sim; then [ "$lifetime" = state ]; else [ "$lifetime" = fd ]; fi ||
	ts_fail "lifetime '$lifetime'"
run query --ioas 1
ts_jq '.ioas[0] | .iova_ranges == [{"start": "0x1000000", "last": "0x7fffffff"}] and .iova_alignment == "0x800"' "$TS_TMP/out"

# GET_HW_INFO of the mock device, decoded; of something that is not a device, ENOENT.
run hw-info --dev-id 4
ts_jq '.hw_info | .dev_id == 4 and .type == "0xfeedbeef" and .type_name == "selftest"
	and .decoded and (.capabilities | test("^0x")) and .bound_for_command == false' "$TS_TMP/out"
ts_jq '.hw_info.cap_names | split(",") | index("DIRTY_TRACKING") != null' "$TS_TMP/out"
ts_jq '.fields == [{"register": "test_reg", "field": "test_reg", "bits": "31:0", "value": "0xdeadbeef", "meaning": "3735928559"}]' "$TS_TMP/out"
ts_jq '[.registers[] | .name] == ["flags", "test_reg"]' "$TS_TMP/out"
fails_json 1 ENOENT hw-info --dev-id 5
fails_json 1 ENOENT hw-info --dev-id 99
# A device without dirty tracking says so.
run mock domain --ioas 2 --no-dirty
ndev=$(jq -r '.mock_devices[0].idev_id' "$TS_TMP/out")
run hw-info --dev-id "$ndev"
ts_jq '.hw_info.cap_names | split(",") | index("DIRTY_TRACKING") == null' "$TS_TMP/out"

# Reserved ranges: IOVA_RANGES loses them; mapping over one fails.
run mock reserve --ioas 1 --range 0x2000000+1M
ts_jq '.reserved[0] | .start == "0x2000000" and .last == "0x20fffff"' "$TS_TMP/out"
run query --ioas 1
ts_jq '.ioas[0].iova_ranges == [{"start": "0x1000000", "last": "0x1ffffff"}, {"start": "0x2100000", "last": "0x7fffffff"}]' "$TS_TMP/out"
fails_json 1 EINVAL map --ioas 1 --size 4K --iova 0x2000000
# ... and a reservation over a mapping is EADDRINUSE.
run map --ioas 1 --size 64K --iova 0x3000000
fails_json 1 EADDRINUSE mock reserve --ioas 1 --range 0x3000000+4K

# Replace: the mock device moves to IOAS 2's domain and back.
run mock replace --stdev 3 --pt 2
ts_jq '.replaced[0].stdev_id == 3' "$TS_TMP/out"
fails_json 1 ENOENT mock replace --stdev 99 --pt 1

# Usage errors: nothing is done.
ts_expect_exit 2 "$IOMMUCTL" mock domain
ts_expect_exit 2 "$IOMMUCTL" mock domain --ioas 1x
ts_expect_exit 2 "$IOMMUCTL" mock reserve --ioas 1 --range 0-0xffffffffffffffff
ts_expect_exit 2 "$IOMMUCTL" hw-info
ts_expect_exit 2 "$IOMMUCTL" hw-info --dev-id 4 --device vfio0
ts_expect_exit 2 "$IOMMUCTL" hw-info --dev-id -4

exit 0
