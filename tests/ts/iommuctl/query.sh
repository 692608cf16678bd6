#!/bin/bash
# valgrind-sample
# query: an IOAS (ranges, options, allowed list, areas) and the object list,
# in every output format.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
"$IOMMUCTL" alloc >/dev/null
"$IOMMUCTL" alloc >/dev/null
ts_golden query-empty "$IOMMUCTL" query --ioas 1
"$IOMMUCTL" map --ioas 1 --sim-mem 2M --iova 0x200000 >/dev/null
"$IOMMUCTL" map --ioas 1 --sim-mem 4K --iova 0x1000 --readonly >/dev/null
ts_golden query-ioas "$IOMMUCTL" query --ioas 1
ts_golden query-objects "$IOMMUCTL" query
ts_golden query-noheadings "$IOMMUCTL" -n query --ioas 1
ts_golden query-raw "$IOMMUCTL" -r -o ID,ALIGNMENT,AREAS,MAPPED query --ioas 1
ts_golden query-plus "$IOMMUCTL" -n -o +TYPE query

ts_expect_exit 0 "$IOMMUCTL" -J query --ioas 1
out=$TS_TMP/out
ts_jq '.schema_version == 1 and .backend == "simulator" and (.ioas | length == 1)' "$out"
ts_jq '.ioas[0] | .id == 1 and .huge_pages == true and .nr_areas == 2 and .nr_allowed_iovas == 0
	and .mapped_bytes == "0x201000" and .allowed_iovas == [] and .allowed_iovas_reason == null
	and .allowed_iovas_source == "backend"
	and .areas_reason == null' "$out"
ts_jq '.ioas[0].iova_ranges == [{"start": "0x0", "last": "0xffffffffffffffff"}]' "$out"
# addresses are strings: compared as strings, never rounded by jq
ts_jq '.ioas[0].iova_ranges[0].last | type == "string"' "$out"
ts_jq '[.ioas[0].areas[] | {iova, last, access, source}] == [
	{"iova": "0x1000", "last": "0x1fff", "access": "r-", "source": "sim-mem"},
	{"iova": "0x200000", "last": "0x3fffff", "access": "rw", "source": "sim-mem"}]' "$out"
ts_jq '.ioas[0].areas[0] | .pid == null and .dev == null and (.va | startswith("0x"))' "$out"

# -o with -J keeps only those keys of the first array; nested arrays stay whole.
ts_expect_exit 0 "$IOMMUCTL" -J -o ID,HUGE_PAGES query --ioas 1
ts_jq '.ioas[0] | keys == ["allowed_iovas", "allowed_iovas_reason", "allowed_iovas_source",
	"areas", "areas_reason", "areas_source", "huge_pages", "id", "iova_ranges"]' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" -J query
ts_jq '.objects == [{"id": 1, "type": "ioas", "users": 1}, {"id": 2, "type": "ioas", "users": 1}]
	and .objects_reason == null' "$TS_TMP/out"

# Column names are case-insensitive; an unknown one is a usage error.
ts_expect_exit 0 "$IOMMUCTL" -n -o id query
ts_expect_exit 2 "$IOMMUCTL" -o IOVA query
ts_grep "unknown column 'IOVA' (objects has: ID TYPE USERS)" "$TS_TMP/err"

# Errors: a missing IOAS; a free ID that is not an IOAS.
TS_EXPECT_EXIT=1 ts_golden query-missing "$IOMMUCTL" query --ioas 7
ts_expect_exit 2 "$IOMMUCTL" query --ioas
ts_expect_exit 2 "$IOMMUCTL" query 1
