#!/bin/bash
# backends: sim kernel
# Strict number parsing: every bad value is refused with one message and
# exit 2, before any backend is opened (no state exists here).
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

cat >"$TS_TMP/cases" <<'CASES'
# IDs
free ''
free -1
free +1
free ' 1'
free 1x
free 0x
free 0x1g
free 4294967296
free 99999999999999999999
query --ioas 0x100000000
# addresses: decimal or 0x only, no suffix, 64 bits
map --ioas 1 --sim-mem 4K --iova 1K
map --ioas 1 --sim-mem 4K --iova 0x1_000
map --ioas 1 --sim-mem 4K --iova 18446744073709551616
map --ioas 1 --sim-mem 4K --iova 0x10000000000000000
map --ioas 1 --sim-mem 4K --iova 0xfffffffffffff001
# sizes: K/M/G/T (IEC), no other suffix, no overflow
map --ioas 1 --sim-mem 4X
map --ioas 1 --sim-mem 4KB
map --ioas 1 --sim-mem 0
map --ioas 1 --sim-mem 16777216T
map --ioas 1 --sim-mem -4K
# ranges: START-END (inclusive) or START+LEN
unmap --ioas 1 --range 0x2000
unmap --ioas 1 --range 0x2000-0x1000
unmap --ioas 1 --range 0x1000+0
unmap --ioas 1 --range 0xffffffffffffffff+2
unmap --ioas 1 --range 0x1000+4K+1
unmap --ioas 1 --range -0x1000-0x2000
unmap --ioas 1 --range 0x1000--0x2000
unmap --ioas 1 --iova 0xfffffffffffff000 --length 0x2000
unmap --ioas 1 --iova 0x1000 --length 0
# global numbers
--fd x alloc
--fd -3 alloc
--pid 0 --fd 3 alloc
--pid 12a --fd 3 alloc
CASES
ts_golden parse-errors ts_cases "$TS_TMP/cases"

# None of these touched the simulator.
[ ! -e "$IOMMUFD_SIM" ] || ts_fail "a usage error created or opened the state"

# The largest values are valid: U64_MAX is no error sentinel.
sim_new
"$IOMMUCTL" alloc >/dev/null
ts_expect_exit 0 "$IOMMUCTL" unmap --ioas 1 --range 0x0-0xffffffffffffffff
ts_expect_exit 0 "$IOMMUCTL" unmap --ioas 1 --iova 0 --length 0xffffffffffffffff
ts_expect_exit 0 "$IOMMUCTL" -J unmap --ioas 1 --range 0x0+0xffffffffffffffff
ts_jq '.unmapped[0].last == "0xfffffffffffffffe"' "$TS_TMP/out"
ts_expect_exit 1 "$IOMMUCTL" free 4294967295
