#!/bin/bash
# backends: sim kernel
# query's areas in a batch: the simulator reports them itself; on the kernel,
# which has no ioctl for them, iommuctl reports what the batch mapped, copied
# and unmapped on its own fd, and stops (null, with the reason) once a failed
# unmap may have removed areas it cannot see.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
if ts_on kernel; then src=session; else src=backend; fi
cat >"$TS_TMP/lines" <<'LINES'
alloc --name a
alloc --name b
map --ioas @a --size 64K --iova 0x100000
map --ioas @a --size 8K --iova 0x200000 --readonly
copy --src-ioas @a --dst-ioas @b --range 0x100000+64K --dst-iova 0x400000
unmap --ioas @a --range 0x200000+8K
query --ioas @a
query --ioas @b
unmap --ioas @a --iova 0x100000 --length 4K
query --ioas @a
LINES
# The batch runs the IOAS's own context: not the test's fd 3 on the kernel.
ts_expect_exit 1 "$IOMMUCTL_BIN" $([ "$TS_BACKEND" = kernel ] && echo --kernel) -J --force -b "$TS_TMP/lines"
mapfile -t rec <"$TS_TMP/out"
[ "${#rec[@]}" -eq 10 ] || ts_fail "${#rec[@]} records, expected 10"
printf '%s\n' "${rec[6]}" >"$TS_TMP/a.json"
ts_jq --arg s "$src" '.result.ioas[0] | .areas_source == $s and .areas_reason == null
	and ([.areas[] | [.iova, .last, .access]] == [["0x100000", "0x10ffff", "rw"]])
	and .mapped_bytes == "0x10000" and .nr_areas == 1' "$TS_TMP/a.json"
printf '%s\n' "${rec[7]}" >"$TS_TMP/b.json"
ts_jq --arg s "$src" '.result.ioas[0] | .areas_source == $s
	and ([.areas[] | [.iova, .last]] == [["0x400000", "0x40ffff"]])' "$TS_TMP/b.json"
# unmapping part of an area fails on both
printf '%s\n' "${rec[8]}" >"$TS_TMP/fail.json"
ts_jq '.exit_status == 1 and .error.errno_name == "ENOENT"' "$TS_TMP/fail.json"
printf '%s\n' "${rec[9]}" >"$TS_TMP/after.json"
if ts_on kernel; then
	ts_jq '.result.ioas[0] | .areas == null and .areas_source == null and (.areas_reason | contains("unmap"))' "$TS_TMP/after.json"
else
	ts_jq '.result.ioas[0] | .areas_source == "backend" and (.areas | length) == 1' "$TS_TMP/after.json"
fi
exit 0
