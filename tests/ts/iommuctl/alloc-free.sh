#!/bin/bash
# valgrind-sample
# alloc and free on the simulator: IDs, tables, JSON, partial failure.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
ts_golden alloc "$IOMMUCTL" alloc
ts_expect_exit 0 "$IOMMUCTL" -J alloc
ts_jq '.schema_version == 1 and .backend == "simulator"' "$TS_TMP/out"
ts_jq '.ioas | type == "array" and length == 1' "$TS_TMP/out"
ts_jq '.ioas[0] == {"id": 2, "lifetime": "state", "name": null}' "$TS_TMP/out"
ts_golden alloc-raw "$IOMMUCTL" -n -r -o ID alloc

# The objects persist in the state between commands.
ts_golden free "$IOMMUCTL" free 3 1

# An unknown ID: nothing on stdout, one error line on stderr.
TS_EXPECT_EXIT=1 ts_golden free-unknown "$IOMMUCTL" free 7

# Partial failure stops at the failing ID and says exactly what was done.
"$IOMMUCTL" alloc >/dev/null	# 1
"$IOMMUCTL" alloc >/dev/null	# 3
TS_EXPECT_EXIT=1 ts_golden free-partial "$IOMMUCTL" free 1 9 3
ts_expect_exit 1 "$IOMMUCTL" -J free 3 9
[ ! -s "$TS_TMP/out" ] || ts_fail "a failed free printed a document"
ts_jq '.error.command == "free" and .error.object == "id 9"' "$TS_TMP/err"
ts_jq '.error.ioctl == "IOMMU_DESTROY" and .error.errno == 2 and .error.errno_name == "ENOENT"' \
	"$TS_TMP/err"
ts_jq '.error.partial == {"freed": [3], "not_attempted": []}' "$TS_TMP/err"
# 3 went, 2 is still there
ts_expect_exit 0 "$IOMMUCTL" -J query
ts_jq '[.objects[].id] == [2]' "$TS_TMP/out"

# Usage: no ID; an ID past u32 is refused before anything is freed.
ts_expect_exit 2 "$IOMMUCTL" free
ts_expect_exit 2 "$IOMMUCTL" free 2 4294967296
ts_expect_exit 0 "$IOMMUCTL" -J query
ts_jq '[.objects[].id] == [2]' "$TS_TMP/out"
ts_expect_exit 2 "$IOMMUCTL" alloc extra
