#!/bin/bash
# valgrind-sample
# unmap: the three ways to give a range, whole areas only, and the
# non-atomic failure reported area by area on the simulator.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
"$IOMMUCTL" alloc >/dev/null
map() { "$IOMMUCTL" map --ioas 1 --sim-mem "$2" --iova "$1" >/dev/null; }

map 0x1000 4K
map 0x2000 4K
map 0x10000 64K
map 0x100000 1M

ts_golden unmap-iova "$IOMMUCTL" unmap --ioas 1 --iova 0x1000 --length 4K
ts_golden unmap-range "$IOMMUCTL" unmap --ioas 1 --range 0x2000-0x2fff
ts_expect_exit 0 "$IOMMUCTL" -J unmap --ioas 1 --range 0x10000+64K
ts_jq '.unmapped == [{"ioas": 1, "start": "0x10000", "last": "0x1ffff", "unmapped": "0x10000",
	"areas": 1}]' "$TS_TMP/out"

# Part of an area cannot be unmapped; nothing in the range is ENOENT too.
TS_EXPECT_EXIT=1 ts_golden unmap-split "$IOMMUCTL" unmap --ioas 1 --range 0x100000+4K
ts_expect_exit 1 "$IOMMUCTL" unmap --ioas 1 --range 0x1000+4K
ts_grep 'IOMMU_IOAS_UNMAP: ENOENT' "$TS_TMP/err"

# A range over several areas with holes is fine.
map 0x1000 4K
map 0x3000 4K
ts_expect_exit 0 "$IOMMUCTL" -J unmap --ioas 1 --range 0x0-0xffff
ts_jq '.unmapped[0] | .unmapped == "0x2000" and .areas == 2' "$TS_TMP/out"

# Not atomic: two whole areas go, then the third is only partly covered.
map 0x1000 4K
map 0x3000 4K
map 0x5000 8K
TS_EXPECT_EXIT=1 ts_golden unmap-partial "$IOMMUCTL" unmap --ioas 1 --range 0x0-0x5fff
ts_expect_exit 0 "$IOMMUCTL" -J query --ioas 1
ts_jq '[.ioas[0].areas[].iova] == ["0x5000", "0x100000"]' "$TS_TMP/out"
map 0x1000 4K
ts_expect_exit 1 "$IOMMUCTL" -J unmap --ioas 1 --range 0x0-0x5fff
[ ! -s "$TS_TMP/out" ] || ts_fail "failed unmap printed to stdout"
ts_jq '.error.errno_name == "ENOENT" and .error.partial.note == null' "$TS_TMP/err"
ts_jq '[.error.partial.removed_areas[] | [.iova, .last]] == [["0x1000", "0x1fff"]]' "$TS_TMP/err"

# --all, and again on an empty IOAS (the uAPI's "everything" succeeds).
ts_expect_exit 0 "$IOMMUCTL" -J unmap --ioas 1 --all
ts_jq '.unmapped[0] | .start == "0x0" and .last == "0xffffffffffffffff" and .unmapped == "0x102000"
	and .areas == 2' "$TS_TMP/out"
ts_golden unmap-all-empty "$IOMMUCTL" unmap --ioas 1 --all

# A missing IOAS.
ts_expect_exit 1 "$IOMMUCTL" unmap --ioas 9 --all
ts_grep '^iommuctl unmap: ioas 9: IOMMU_IOAS_UNMAP: ENOENT' "$TS_TMP/err"

cat >"$TS_TMP/cases" <<'CASES'
unmap --all
unmap --ioas 1
unmap --ioas 1 --all --range 0x0-0x1
unmap --ioas 1 --iova 0x1000
unmap --ioas 1 --length 4K
unmap --ioas 1 --iova 0x1000 --length 4K --all
unmap --ioas 1 --all=yes
CASES
ts_golden unmap-usage ts_cases "$TS_TMP/cases"
