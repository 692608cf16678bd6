#!/bin/bash
# backends: sim kernel
# The kernel backend: absent iommufd (exit 3, never the simulator with
# --kernel), and on a machine with /dev/iommu (the VM lab) the real ioctls
# through an fd that outlives each command.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"
# This test picks its backends itself: never the harness's --fd 3.
IOMMUCTL=${IOMMUCTL_BIN:-$IOMMUCTL}

ts_expect_exit 3 "$IOMMUCTL" --dev "$TS_TMP/no-such-node" alloc
ts_grep "^iommuctl alloc: open: ENOENT: .*no-such-node" "$TS_TMP/err"
ts_expect_exit 3 "$IOMMUCTL" -J --dev "$TS_TMP/no-such-node" query
ts_jq '.error.ioctl == "open" and .error.errno_name == "ENOENT"' "$TS_TMP/err"
[ ! -e "$IOMMUFD_SIM" ] || ts_fail "--kernel fell back to the simulator"

if ! [ -e /dev/iommu ]; then
	ts_expect_exit 3 "$IOMMUCTL" --kernel alloc
	ts_expect_exit 1 "$IOMMUCTL" alloc	# auto: the simulator, whose state is missing
	ts_grep "/dev/iommu does not exist, so the simulator is used" "$TS_TMP/err"
	ts_skip "no /dev/iommu: the real-kernel part runs in the VM lab"
fi
exec 5<>/dev/iommu || ts_skip "cannot open /dev/iommu"

# Without --fd the IOAS dies with iommuctl's own fd, and it says so.
ts_expect_exit 0 "$IOMMUCTL" --kernel alloc
ts_grep 'note: the kernel undoes this when iommuctl exits' "$TS_TMP/err"
ts_expect_exit 1 "$IOMMUCTL" --kernel free 1
ts_grep 'fd is new and empty' "$TS_TMP/err"

ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J alloc
ts_jq '.backend == "kernel" and .ioas[0].lifetime == "fd"' "$TS_TMP/out"
id=$(jq_r '.ioas[0].id' "$TS_TMP/out")
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J query --ioas "$id"
ts_jq '.ioas[0] | .iova_ranges == [{"start": "0x0", "last": "0xffffffffffffffff"}]
	and .areas == null and (.areas_reason | type == "string") and .allowed_iovas == null
	and .nr_areas == null' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J map --ioas "$id" --size 64K --iova 0x100000
ts_jq '.mappings[0] | .iova == "0x100000" and (.source == "memfd" or .source == "anon")' "$TS_TMP/out"
ts_expect_exit 1 "$IOMMUCTL" --fd 5 map --ioas "$id" --size 4K --iova 0x100000
ts_grep 'EEXIST' "$TS_TMP/err"
# --anonymous: user memory, never the memfd
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J map --ioas "$id" --size 4K --anonymous --iova 0x300000
ts_jq '.mappings[0] | .source == "anon" and (.va | startswith("0x"))' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J unmap --ioas "$id" --iova 0x300000 --length 4K
ts_expect_exit 2 "$IOMMUCTL" --fd 5 map --ioas "$id" --file /dev/null --length 4K --anonymous
ts_expect_exit 3 "$IOMMUCTL" --fd 5 map --ioas "$id" --sim-mem 4K
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J map --ioas "$id" --size 8K --iova 0x200000
# a failed multi-area unmap may have removed areas: the kernel cannot say which
ts_expect_exit 1 "$IOMMUCTL" --fd 5 -J unmap --ioas "$id" --range 0x0-0x200fff
ts_jq '.error.partial.removed_areas == null and (.error.partial.note | test("may already"))' \
	"$TS_TMP/err"
# huge pages: a hugetlbfs memfd when the pool has a free page, else ENOMEM
hpage=$(awk '/^Hugepagesize:/ { print $2 * 1024 }' /proc/meminfo)
avail=$(awk '/^HugePages_Free:/ { f = $2 } /^HugePages_Rsvd:/ { r = $2 } END { print f - r }' \
	/proc/meminfo)
if [ -n "$hpage" ] && [ "${avail:-0}" -ge 1 ]; then
	ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J map --ioas "$id" --size "$hpage" --hugepages
	ts_jq '.mappings[0].source == "memfd-hugetlb" or .mappings[0].source == "anon-hugetlb"' \
		"$TS_TMP/out"
elif [ -n "$hpage" ]; then
	ts_expect_exit 1 "$IOMMUCTL" --fd 5 -J map --ioas "$id" --size "$hpage" --hugepages
	ts_jq '.error.ioctl == "huge pages" and .error.errno_name == "ENOMEM"' "$TS_TMP/err"
fi
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J unmap --ioas "$id" --all
ts_jq '.unmapped[0].areas == null' "$TS_TMP/out"
# a batch: one context of iommuctl's own, which the lines share
printf '%s\n' 'alloc --name a' 'map --ioas @a --size 64K --iova 0x100000' \
	'allow set --ioas @a 0x0-0xfffff' 'query --ioas @a' 'free @a' >"$TS_TMP/b"
ts_expect_exit 0 "$IOMMUCTL" --kernel -J -b "$TS_TMP/b"
jq -s '.[3].result.ioas[0]' "$TS_TMP/out" >"$TS_TMP/q"
ts_jq '.allowed_iovas == [{"start": "0x0", "last": "0xfffff"}] and .allowed_iovas_source == "session"
	and .areas_source == "session" and ([.areas[] | [.iova, .last]] == [["0x100000", "0x10ffff"]])' "$TS_TMP/q"
ts_expect_exit 0 "$IOMMUCTL" --fd 5 -J query
ts_jq '.objects == null and (.objects_reason | test("no ioctl that lists"))' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" --fd 5 free "$id"
ts_expect_exit 0 "$IOMMUCTL" -J --kernel status
ts_jq '.backend == "kernel" and .status.problem == null and
	(.ioctls[] | select(.name == "IOMMU_IOAS_MAP") | .supported)' "$TS_TMP/out"
