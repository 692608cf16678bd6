#!/bin/bash
# backends: sim kernel
# valgrind-sample
# The IOAS operations with the answers both backends must give: the same IDs,
# chosen IOVAs, errnos and partial results on the simulator and on the kernel
# (the VM lab runs this with IOMMUCTL on a /dev/iommu held open on fd 3).
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
fails() { fails_json 1 "$@"; }

run alloc
ts_jq '.ioas[0].id == 1' "$TS_TMP/out"
run alloc
ts_jq '.ioas[0].id == 2' "$TS_TMP/out"

# An empty IOAS spans the whole 64-bit space, byte-granular.
run query --ioas 1
ts_jq '.ioas[0] | .iova_ranges == [{"start": "0x0", "last": "0xffffffffffffffff"}]
	and .iova_alignment == "0x1" and .huge_pages == true' "$TS_TMP/out"

# Fixed IOVAs; an overlap is EEXIST and changes nothing.
run map --ioas 1 --size 64K --iova 0x100000
ts_jq '.mappings[0] | .iova == "0x100000" and .length == "0x10000"' "$TS_TMP/out"
fails EEXIST map --ioas 1 --size 4K --iova 0x10f000
ts_jq '.error.ioctl | test("^IOMMU_IOAS_MAP")' "$TS_TMP/err"
run map --ioas 1 --size 4K --iova 0x110000 --readonly
ts_jq '.mappings[0] | .access == "r-" and .flags == "0x5"' "$TS_TMP/out"

# Kernel-chosen IOVAs: first fit above page 0, aligned like the memory.
run map --ioas 2 --size 8K
iova_a=$(jq -r '.mappings[0].iova' "$TS_TMP/out")
[ "$iova_a" != "0x0" ] || ts_fail "an automatic IOVA of 0"
run map --ioas 2 --size 2M
iova_b=$(jq -r '.mappings[0].iova' "$TS_TMP/out")
# 2 MiB of fresh memory: the IOVA keeps the memory's 2 MiB-or-better alignment
# only if the memory has it; at least page alignment always.
[ $((iova_b % 4096)) -eq 0 ] || ts_fail "automatic IOVA $iova_b not page aligned"
[ "$iova_b" != "$iova_a" ] || ts_fail "two automatic maps at one IOVA"

# Unknown or wrong objects.
fails ENOENT map --ioas 9 --size 4K
fails ENOENT unmap --ioas 9 --all
fails ENOENT free 9

# Unmap: whole areas only; a range over holes is fine; a cut is ENOENT.
fails ENOENT unmap --ioas 1 --iova 0x100000 --length 4K
run unmap --ioas 1 --range 0x0-0x10ffff
ts_jq '.unmapped[0] | .unmapped == "0x10000"' "$TS_TMP/out"
fails ENOENT unmap --ioas 1 --iova 0x100000 --length 64K
run unmap --ioas 1 --all
ts_jq '.unmapped[0].unmapped == "0x1000"' "$TS_TMP/out"
run unmap --ioas 1 --all
ts_jq '.unmapped[0].unmapped == "0x0"' "$TS_TMP/out"

# Not atomic: the whole area before the cut one is gone after the failure.
run map --ioas 1 --size 4K --iova 0x1000
run map --ioas 1 --size 8K --iova 0x3000
fails ENOENT unmap --ioas 1 --range 0x0-0x3fff
run unmap --ioas 1 --all
ts_jq '.unmapped[0].unmapped == "0x2000"' "$TS_TMP/out"

# Destroying an IOAS with mappings is allowed; IDs are reused lowest first.
run free 2
run alloc
ts_jq '.ioas[0].id == 2' "$TS_TMP/out"
run free 1 2
fails ENOENT free 1
