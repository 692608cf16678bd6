#!/bin/bash
# backends: sim kernel
# hwpt alloc / set-dirty / get-dirty / invalidate on the selftest's mock
# device: a nest parent with dirty tracking, a nested HWPT with the mock's
# data, the mock device moved onto it, its IOTLB invalidated, dirty tracking
# switched on, pages marked dirty by the mock (mock dirty) and read back.  The same script on both backends; on the kernel
# only the main series' mock is known to match.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

# The usage errors come before any backend is opened.
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3 --pt 1 --data-type selftest
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3 --pt 1 --data-type nope --data a=1
ts_grep 'types: vtd_s1, arm_smmuv3, amd_guest, selftest' "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3 --pt 1 --data-type selftest --data foo=1
ts_grep 'fields: iotlb, pagetable_type' "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3 --pt 1 --data-type selftest --data iotlb=0x100000000
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3 --pt 1 --data-type selftest --data iotlb
ts_expect_exit 2 "$IOMMUCTL" hwpt alloc --dev-id 3 --pt 1 --name p
ts_expect_exit 2 "$IOMMUCTL" hwpt set-dirty --hwpt 5
ts_expect_exit 2 "$IOMMUCTL" hwpt set-dirty --hwpt 5 --on --off
ts_expect_exit 2 "$IOMMUCTL" hwpt get-dirty --hwpt 5
ts_expect_exit 2 "$IOMMUCTL" hwpt get-dirty --hwpt 5 --range 0+4K --page-size 3K
ts_expect_exit 2 "$IOMMUCTL" hwpt get-dirty --hwpt 5 --range 0-0xffffffffffffffff
ts_expect_exit 2 "$IOMMUCTL" hwpt invalidate --hwpt 6 --data-type selftest
ts_expect_exit 2 "$IOMMUCTL" hwpt invalidate --hwpt 6 --data-type selftest --entry flags=1,iotlb=2

sim_new
ts_expect_exit 0 "$IOMMUCTL" alloc
mock_main_series_only

run mock domain --ioas 1				# stdev 2, idev 3, automatic hwpt 4
run hwpt alloc --dev-id 3 --pt 1 --nest-parent --dirty-tracking
ts_jq '.hwpts[0] | .id == 5 and .kind == "paging" and .flags == "0x3" and .data_type == null' "$TS_TMP/out"
run hwpt alloc --dev-id 3 --pt 5 --data-type selftest --data iotlb=0xbadbeef
ts_jq '.hwpts[0] | .id == 6 and .kind == "nested" and .pt_id == 5 and .data_type == "selftest"' "$TS_TMP/out"
run mock replace --stdev 2 --pt 6
ts_jq '.replaced[0].pt_id == 6' "$TS_TMP/out"
# invalidation: all of the mock's IOTLB; an entry index past its 4 entries is EINVAL
run hwpt invalidate --hwpt 6 --data-type selftest --entry flags=1
ts_jq '.invalidated[0] | .hwpt == 6 and .handled == 1' "$TS_TMP/out"
ts_expect_exit 1 "$IOMMUCTL" hwpt invalidate --hwpt 6 --data-type selftest --entry iotlb_id=9
ts_grep '0 of 1 entries were handled' "$TS_TMP/err"
# a paging HWPT has no IOTLB entries to invalidate this way
ts_expect_exit 1 "$IOMMUCTL" hwpt invalidate --hwpt 5 --data-type selftest --entry flags=1
# dirty tracking on the nest parent, read back over a mapping: clean
run hwpt set-dirty --hwpt 5 --on
ts_jq '.dirty_tracking[0] | .hwpt == 5 and .dirty_tracking' "$TS_TMP/out"
# one IOPTE per page, as the selftests have it: with huge pages a mark could
# dirty a whole larger IOPTE on the kernel
run option set huge-pages off --ioas 1
run map --ioas 1 --size 64K --iova 0x1000000
run hwpt get-dirty --hwpt 5 --range 0x1000000+64K --bitmap
ts_jq '.dirty == [] and .bitmap == [{"iova": "0x1000000", "bits": "0x0"}]' "$TS_TMP/out"
# the mock's device writes pages 0, 2-3 and 10-11 of the mapping (bitmap 0xc0d)
ts_expect_exit 2 "$IOMMUCTL" mock dirty --hwpt 5 --range 0x1000000+64K --bitmap 0x10000
ts_grep 'bit 16 is past the range' "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" mock dirty --hwpt 5 --range 0x1000800+4K
ts_expect_exit 2 "$IOMMUCTL" mock dirty --hwpt 5 --range 0x1000000+64K --bitmap 0xg
run mock dirty --hwpt 5 --range 0x1000000+64K --bitmap 0xc0d
ts_jq '.dirty_marked == [{"hwpt": 5, "start": "0x1000000", "last": "0x100ffff",
	"page_size": "0x1000", "pages": 16, "marked": 5}]' "$TS_TMP/out"
want='[{"start": "0x1000000", "last": "0x1000fff", "pages": 1},
	{"start": "0x1002000", "last": "0x1003fff", "pages": 2},
	{"start": "0x100a000", "last": "0x100bfff", "pages": 2}]'
# NO_CLEAR reads them and keeps them, twice over
for i in 1 2; do
	run hwpt get-dirty --hwpt 5 --range 0x1000000+64K --no-clear --bitmap
	ts_jq --argjson w "$want" '.dirty == $w and .bitmap == [{"iova": "0x1000000", "bits": "0xc0d"}]' \
		"$TS_TMP/out"
done
# a part of the range: only the runs in it, cut at its ends
run hwpt get-dirty --hwpt 5 --range 0x1003000-0x100afff --no-clear
ts_jq '.dirty == [{"start": "0x1003000", "last": "0x1003fff", "pages": 1},
	{"start": "0x100a000", "last": "0x100afff", "pages": 1}]' "$TS_TMP/out"
# a read that clears: the same runs, then nothing
run hwpt get-dirty --hwpt 5 --range 0x1000000+64K
ts_jq --argjson w "$want" '.dirty == $w' "$TS_TMP/out"
run hwpt get-dirty --hwpt 5 --range 0x1000000+64K --bitmap
ts_jq '.dirty == [] and .bitmap == [{"iova": "0x1000000", "bits": "0x0"}]' "$TS_TMP/out"
# every page (no --bitmap), read at a coarser granule
run mock dirty --hwpt 5 --range 0x1008000+32K
ts_jq '.dirty_marked[0] | .pages == 8 and .marked == 8' "$TS_TMP/out"
run hwpt get-dirty --hwpt 5 --range 0x1000000+64K --page-size 16K
ts_jq '.dirty == [{"start": "0x1008000", "last": "0x100ffff", "pages": 2}]' "$TS_TMP/out"
run hwpt set-dirty --hwpt 5 --off
ts_jq '.dirty_tracking[0].dirty_tracking == false' "$TS_TMP/out"
# a HWPT that does not track dirty pages takes no marks
fails_json 1 EINVAL mock dirty --hwpt 5 --range 0x1000000+4K
# the mock IOMMU takes no VT-d data, and the automatic domain (gone once the
# mock device left it) is no nest parent
ts_expect_exit 3 "$IOMMUCTL" -J hwpt alloc --dev-id 3 --pt 1 --data-type vtd_s1 --data addr_width=48
ts_jq '.error.errno_name == "EOPNOTSUPP"' "$TS_TMP/err"
ts_expect_exit 1 "$IOMMUCTL" -J hwpt alloc --dev-id 3 --pt 4 --data-type selftest --data iotlb=1
exit 0
