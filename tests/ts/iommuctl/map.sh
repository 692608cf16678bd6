#!/bin/bash
# valgrind-sample
# map on the simulator: sources, fixed and chosen IOVAs, flags, EEXIST.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
"$IOMMUCTL" alloc >/dev/null

ts_golden map-sim-mem "$IOMMUCTL" --output-all map --ioas 1 --sim-mem 2M --iova 0x200000
ts_golden map-readonly "$IOMMUCTL" -o IOAS,IOVA,LAST,FLAGS,ACCESS map --ioas 1 --sim-mem 4K \
	--iova 0x1000 --readonly

# Overlap with a fixed IOVA: EEXIST, exit 1, stdout empty.
TS_EXPECT_EXIT=1 ts_golden map-eexist "$IOMMUCTL" map --ioas 1 --sim-mem 4K --iova 0x201000
ts_expect_exit 1 "$IOMMUCTL" -J map --ioas 1 --sim-mem 4K --iova 0x201000
[ ! -s "$TS_TMP/out" ] || ts_fail "failed map printed to stdout"
ts_jq '.error | .command == "map" and .object == "ioas 1" and .ioctl == "IOMMU_IOAS_MAP"
	and .errno_name == "EEXIST" and (.hint | type == "string") and .partial == null' "$TS_TMP/err"
ts_jq '.error | keys == ["command","errno","errno_name","hint","ioctl","message","object","partial"]' \
	"$TS_TMP/err"

# A chosen IOVA: printed, and it is where query finds the area.
ts_expect_exit 0 "$IOMMUCTL" -J map --ioas 1 --sim-mem 64K
ts_jq '.mappings[0] | .ioas == 1 and .length == "0x10000" and .flags == "0x6"
	and .source == "sim-mem" and (.iova | test("^0x[0-9a-f]+$")) and .file == null' "$TS_TMP/out"
iova=$(jq_r '.mappings[0].iova' "$TS_TMP/out")
ts_expect_exit 0 "$IOMMUCTL" -J query --ioas 1
ts_jq --arg iova "$iova" 'any(.ioas[0].areas[]; .iova == $iova and .length == "0x10000")' \
	"$TS_TMP/out"

# --size on the simulator: this process's memory, and a note that says so.
ts_expect_exit 0 "$IOMMUCTL" map --ioas 1 --size 8K
ts_grep 'note: the memory is iommuctl.s own (pid [0-9]*, anonymous) and is gone when iommuctl exits' \
	"$TS_TMP/err"
ts_expect_exit 0 "$IOMMUCTL" -J -o +SOURCE,VA,LIFETIME map --ioas 1 --size 8K
ts_jq '.mappings[0] | .source == "anon" and (.va | startswith("0x")) and (.lifetime | test("gone"))' \
	"$TS_TMP/out"
[ ! -s "$TS_TMP/err" ] || ts_fail "-J printed a note on stderr"

# --file: a file range through IOMMU_IOAS_MAP_FILE.
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=$TS_TMP
f=$(mktemp "$shm/iommuctl-test.XXXXXX")
trap 'rm -f "$f"' EXIT
truncate -s 1M "$f"
rc=0
"$IOMMUCTL" -J map --ioas 1 --file "$f" --offset 64K --length 128K --iova 0x800000 \
	>"$TS_TMP/out" 2>"$TS_TMP/err" || rc=$?
if [ "$rc" -eq 0 ]; then
	ts_jq --arg f "$f" '.mappings[0] | .source == "file" and .file == $f and .offset == "0x10000"
		and .length == "0x20000" and .iova == "0x800000" and .va == null' "$TS_TMP/out"
else
	# a filesystem the backend cannot pin (not tmpfs): a clean error, not a crash
	ts_jq '.error.ioctl == "IOMMU_IOAS_MAP_FILE"' "$TS_TMP/err"
fi
ts_expect_exit 1 "$IOMMUCTL" map --ioas 1 --file "$TS_TMP/missing" --length 4K
ts_grep "iommuctl map: open: ENOENT: .*missing: No such file or directory" "$TS_TMP/err"

# An IOAS that does not exist, and an ID of another type.
ts_expect_exit 1 "$IOMMUCTL" map --ioas 42 --sim-mem 4K
ts_grep '^iommuctl map: ioas 42: IOMMU_IOAS_MAP: ENOENT: ' "$TS_TMP/err"

# --hugepages: the default pool is checked before anything is mapped; how
# many pages it has free is the machine's, so both outcomes are checked.
hpage=$(awk '/^Hugepagesize:/ { print $2 * 1024 }' /proc/meminfo)
if [ -n "$hpage" ]; then
	ts_expect_exit 2 "$IOMMUCTL" map --ioas 1 --size $((hpage / 2)) --hugepages
	ts_grep "with --hugepages: not a multiple of the huge page size ($(printf 0x%x "$hpage"))" \
		"$TS_TMP/err"
	avail=$(awk '/^HugePages_Free:/ { f = $2 } /^HugePages_Rsvd:/ { r = $2 } END { print f - r }' \
		/proc/meminfo)
	hrc=0
	"$IOMMUCTL" -J map --ioas 1 --size "$hpage" --hugepages >"$TS_TMP/out" 2>"$TS_TMP/err" || hrc=$?
	if [ "$avail" -ge 1 ] && [ "$hrc" -eq 0 ]; then
		ts_jq '.mappings[0].source == "anon-hugetlb"' "$TS_TMP/out"
		"$IOMMUCTL" unmap --ioas 1 --iova "$(jq_r '.mappings[0].iova' "$TS_TMP/out")" \
			--length "$hpage" >/dev/null
	elif [ "$avail" -lt 1 ]; then
		[ "$hrc" -eq 1 ] && [ ! -s "$TS_TMP/out" ] || ts_fail "--hugepages without a pool: exit $hrc"
		ts_jq '.error | .ioctl == "huge pages" and .errno_name == "ENOMEM"
			and (.message | test("^1 huge page of [0-9]+ KiB needed, 0 available"))
			and (.hint | test("nr_hugepages"))' "$TS_TMP/err"
		"$IOMMUCTL" map --ioas 1 --size "$hpage" --hugepages 2>"$TS_TMP/err" && ts_fail "mapped"
		ts_grep 'iommuctl map: huge pages: ENOMEM: .*(hint: \(no huge pages are reserved\|too few huge pages are free\): as root, echo [0-9]* > /proc/sys/vm/nr_hugepages)' \
			"$TS_TMP/err"
	else
		ts_fail "--hugepages with $avail free huge pages: exit $hrc: $(cat "$TS_TMP/err")"
	fi
fi

# Usage errors: exit 2, nothing mapped.
cat >"$TS_TMP/cases" <<'CASES'
map --sim-mem 4K
map --ioas 1
map --ioas 1 --size 4K --sim-mem 4K
map --ioas 1 --sim-mem 4K --offset 0
map --ioas 1 --file /dev/null
map --ioas 1 --sim-mem 4K --readonly --writeonly
map --ioas 1 --sim-mem 4K --io 0x1000
map --ioas 1 --sim-mem 4K extra
map --ioas 1 --file /x --offset 0xffffffffffffffff --length 2
map --ioas 1 --sim-mem 2M --hugepages
map --ioas 1 --file /x --length 2M --hugepages
map --ioas @a --sim-mem 4K
-o IOVA,NOPE map --ioas 1 --sim-mem 4K
-o '' map --ioas 1 --sim-mem 4K
-o IOVA, map --ioas 1 --sim-mem 4K
CASES
ts_golden map-usage ts_cases "$TS_TMP/cases"
ts_expect_exit 0 "$IOMMUCTL" -J query --ioas 1
ts_jq --argjson n $((5 + (rc == 0))) ".ioas[0].nr_areas == \$n" "$TS_TMP/out"
