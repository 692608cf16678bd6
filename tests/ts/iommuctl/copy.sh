#!/bin/bash
# backends: sim kernel
# valgrind-sample
# copy (IOMMU_IOAS_COPY): sub-ranges over touching areas, fixed and chosen
# destination IOVAs, flags, the same IOAS, all-or-nothing failures, and the
# usage errors; the same answers on the simulator and the kernel.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
fails() {	# fails ERRNO_NAME ARGS...: COPY's own error, exit 1
	fails_json 1 "$@"
	ts_jq '.error.ioctl == "IOMMU_IOAS_COPY" and .error.command == "copy"' "$TS_TMP/err"
}
# unmapped IOAS RANGE: unmap the range, print the bytes unmapped (whole
# areas only: how a test sees areas on the kernel, which cannot list them)
unmapped() {
	run unmap --ioas "$1" --range "$2"
	jq -r '.unmapped[0].unmapped' "$TS_TMP/out"
}

run alloc
run alloc
# two touching areas in ioas 1: [0x100000, 0x10ffff] and [0x110000, 0x111fff]
run map --ioas 1 --size 64K --iova 0x100000
run map --ioas 1 --size 8K --iova 0x110000

# A sub-range crossing both areas, at a fixed IOVA: one new area per piece.
run copy --src-ioas 1 --dst-ioas 2 --range 0x108000-0x111fff --dst-iova 0x400000
ts_jq '.copies == [{"src_ioas": 1, "src_iova": "0x108000", "dst_ioas": 2, "dst_iova": "0x400000",
	"dst_last": "0x409fff", "length": "0xa000", "flags": "0x7", "access": "rw"}]' "$TS_TMP/out"
# the two pieces are whole areas of their own: the first can go alone
[ "$(unmapped 2 0x400000+32K)" = 0x8000 ] || ts_fail "the first piece is not an area of 32K"

# --src-iova/--length, --readonly, source and destination the same IOAS
run copy --src-ioas 1 --dst-ioas 1 --src-iova 0x100000 --length 4K --dst-iova 0x200000 --readonly
ts_jq '.copies[0] | .dst_iova == "0x200000" and .flags == "0x5" and .access == "r-"' "$TS_TMP/out"
run copy --src-ioas 1 --dst-ioas 2 --range 0x101000+4K --dst-iova 0x300000 --writeonly
ts_jq '.copies[0] | .flags == "0x3" and .access == "-w"' "$TS_TMP/out"

# A chosen IOVA: page aligned, not 0, clear of what is mapped in ioas 2.
run copy --src-ioas 1 --dst-ioas 2 --range 0x100000+64K
ts_jq '.copies[0] | .flags == "0x6" and .length == "0x10000"' "$TS_TMP/out"
iova=$(jq -r '.copies[0].dst_iova' "$TS_TMP/out")
[ "$iova" != 0x0 ] && [ $((iova % 4096)) -eq 0 ] || ts_fail "chosen IOVA $iova"
for busy in 0x300000 0x408000; do
	[ $((iova + 0x10000 <= busy || iova > busy)) -eq 1 ] || ts_fail "chosen IOVA $iova overlaps $busy"
done
[ "$(unmapped 2 "$iova+64K")" = 0x10000 ] || ts_fail "no 64K area at the chosen IOVA $iova"

# Failures change nothing: a gap in the source, an overlap at the
# destination, a missing IOAS on either side.
fails ENOENT copy --src-ioas 1 --dst-ioas 2 --range 0x108000-0x112fff --dst-iova 0x500000
fails ENOENT copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K
fails EEXIST copy --src-ioas 1 --dst-ioas 1 --range 0x100000+4K --dst-iova 0x200000
ts_jq '.error.object == "ioas 1"' "$TS_TMP/err"
fails ENOENT copy --src-ioas 9 --dst-ioas 2 --range 0x100000+4K
ts_jq '.error.object == "ioas 9 to ioas 2"' "$TS_TMP/err"
fails ENOENT copy --src-ioas 1 --dst-ioas 9 --range 0x100000+4K
ts_expect_exit 1 "$IOMMUCTL" unmap --ioas 2 --range 0x500000+64K
ts_grep 'ENOENT' "$TS_TMP/err"	# nothing was mapped there by the failed copy

# The copies outlive their source: unmapping ioas 1 leaves ioas 2's mappings.
run unmap --ioas 1 --all
[ "$(unmapped 2 0x0-0xffffffffffff)" = 0x3000 ] || ts_fail "ioas 2 lost mappings"
fails ENOENT copy --src-ioas 1 --dst-ioas 2 --range 0x100000+4K

# Text output.
run map --ioas 1 --size 4K --iova 0x1000
ts_golden copy-text "$IOMMUCTL" copy --src-ioas 1 --dst-ioas 2 --range 0x1000+4K --dst-iova 0x7000
ts_golden copy-raw "$IOMMUCTL" -n -r -o DST_IOVA,DST_LAST,ACCESS copy --src-ioas 1 --dst-ioas 2 \
	--src-iova 0x1000 --length 0x800 --dst-iova 0x9000 --readonly

cat >"$TS_TMP/cases" <<'CASES'
copy --dst-ioas 1 --range 0x0+4K
copy --src-ioas 1 --range 0x0+4K
copy --src-ioas 1 --dst-ioas 2
copy --src-ioas 1 --dst-ioas 2 --src-iova 0x1000
copy --src-ioas 1 --dst-ioas 2 --length 4K
copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K --src-iova 0x0 --length 4K
copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K --readonly --writeonly
copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K extra
copy --src-ioas -1 --dst-ioas 2 --range 0x0+4K
copy --src-ioas 1 --dst-ioas 4294967296 --range 0x0+4K
copy --src-ioas 1 --dst-ioas 2 --src-iova 0x1000 --length 0
copy --src-ioas 1 --dst-ioas 2 --src-iova 0xfffffffffffff000 --length 8K
copy --src-ioas 1 --dst-ioas 2 --src-iova 1x --length 4K
copy --src-ioas 1 --dst-ioas 2 --src-iova 0x1000 --length 4KB
copy --src-ioas 1 --dst-ioas 2 --range 0x0-0xffffffffffffffff
copy --src-ioas 1 --dst-ioas 2 --range 0x2000-0x1000
copy --src-ioas 1 --dst-ioas 2 --range 0xffffffffffffffff+2
copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K --dst-iova 0xfffffffffffff800
copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K --dst-iova -0x1000
copy --src-ioas @a --dst-ioas 2 --range 0x0+4K
-o SRC_IOAS,NOPE copy --src-ioas 1 --dst-ioas 2 --range 0x0+4K
CASES
ts_golden copy-usage ts_cases "$TS_TMP/cases"
