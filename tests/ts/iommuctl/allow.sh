#!/bin/bash
# backends: sim kernel
# valgrind-sample
# allow set | show | clear (IOMMU_IOAS_ALLOW_IOVAS): the list and its effect
# on chosen IOVAs; the kernel cannot report it, so only a process that set
# it shows it there; atomic refusals; usage errors.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
fails() { fails_json 1 "$@"; }
if ts_on kernel; then reporter=session; else reporter=backend; fi
two='[{"start": "0x100000", "last": "0x1fffff"}, {"start": "0x400000", "last": "0x4fffff"}]'

run alloc
run allow show --ioas 1
if ts_on kernel; then
	ts_jq '.allow | .ioas == 1 and .allowed_iovas == null and .nr_allowed_iovas == null
		and .allowed_iovas_source == null
		and (.allowed_iovas_reason | test("no ioctl that reports"))' "$TS_TMP/out"
else
	ts_jq '.allow == {"ioas": 1, "nr_allowed_iovas": 0, "allowed_iovas_source": "backend",
		"allowed_iovas_reason": null, "allowed_iovas": []}' "$TS_TMP/out"
fi

# set prints the list in effect: the simulator reads it back, the kernel's is
# what this process set.
run allow set --ioas 1 0x100000-0x1fffff 0x400000+1M
ts_jq --argjson two "$two" --arg src "$reporter" '.allow | .ioas == 1 and .nr_allowed_iovas == 2
	and .allowed_iovas == $two and .allowed_iovas_source == $src
	and .allowed_iovas_reason == null' "$TS_TMP/out"
# a later process: the simulator still knows it, the kernel cannot say
run allow show --ioas 1
if ts_on kernel; then
	ts_jq '.allow.allowed_iovas == null' "$TS_TMP/out"
	run query --ioas 1
	ts_jq '.ioas[0] | .allowed_iovas == null and .allowed_iovas_source == null
		and .nr_allowed_iovas == null and (.allowed_iovas_reason | type == "string")' "$TS_TMP/out"
else
	ts_jq --argjson two "$two" '.allow.allowed_iovas == $two' "$TS_TMP/out"
	run query --ioas 1
	ts_jq --argjson two "$two" '.ioas[0] | .allowed_iovas == $two and .nr_allowed_iovas == 2
		and .allowed_iovas_source == "backend"' "$TS_TMP/out"
fi
# one process (a batch): set, then show and query report what it set
printf '%s\n' 'allow set --ioas 1 0x100000-0x1fffff 0x400000+1M' 'allow show --ioas 1' \
	'query --ioas 1' >"$TS_TMP/b"
run -b "$TS_TMP/b"
jq -s '.[1].result.allow' "$TS_TMP/out" >"$TS_TMP/show"
ts_jq --argjson two "$two" --arg src "$reporter" '.allowed_iovas == $two
	and .allowed_iovas_source == $src' "$TS_TMP/show"
jq -s '.[2].result.ioas[0]' "$TS_TMP/out" >"$TS_TMP/query"
ts_jq --argjson two "$two" --arg src "$reporter" '.allowed_iovas == $two
	and .nr_allowed_iovas == 2 and .allowed_iovas_source == $src' "$TS_TMP/query"

# The effect: chosen IOVAs fall inside the list; fixed ones may go outside.
for i in 1 2 3; do
	run map --ioas 1 --size 64K
	iova=$(jq -r '.mappings[0].iova' "$TS_TMP/out")
	[ $((iova >= 0x100000 && iova + 0x10000 - 1 <= 0x1fffff)) -eq 1 ] ||
		[ $((iova >= 0x400000 && iova + 0x10000 - 1 <= 0x4fffff)) -eq 1 ] ||
		ts_fail "chosen IOVA $iova is outside the allowed list"
done
run map --ioas 1 --size 4K --iova 0x10000000
# a mapping larger than any allowed range finds no IOVA
ts_expect_exit 1 "$IOMMUCTL" -J map --ioas 1 --size 2M
ts_jq '.error.errno_name == "ENOSPC"' "$TS_TMP/err"

# Refusals leave the old list (ALLOW_IOVAS is atomic): a one-byte range,
# overlapping ranges; a missing IOAS.
fails EINVAL allow set --ioas 1 0x1000-0x1000
fails EINVAL allow set --ioas 1 0x1000-0x2fff 0x2000+8K
fails ENOENT allow set --ioas 9 0x1000-0x1fff
fails ENOENT allow show --ioas 9
fails ENOENT allow clear --ioas 9
if ts_on sim; then
	run allow show --ioas 1
	ts_jq --argjson two "$two" '.allow.allowed_iovas == $two' "$TS_TMP/out"
fi
printf '%s\n' 'allow set --ioas 1 0x100000-0x1fffff' 'allow set --ioas 1 0x1000-0x1000' \
	'allow show --ioas 1' >"$TS_TMP/b"
ts_expect_exit 1 "$IOMMUCTL" -J --force -b "$TS_TMP/b"
jq -s '.[2].result.allow.allowed_iovas' "$TS_TMP/out" >"$TS_TMP/kept"
ts_jq '. == [{"start": "0x100000", "last": "0x1fffff"}]' "$TS_TMP/kept"

# clear: an empty list, and IOVAs are chosen anywhere again.
run allow clear --ioas 1
ts_jq --arg src "$reporter" '.allow | .allowed_iovas == [] and .nr_allowed_iovas == 0
	and .allowed_iovas_source == $src' "$TS_TMP/out"
run map --ioas 1 --size 2M

# Text output, from one process so that both backends know the list.
printf '%s\n' 'allow set --ioas 1 0x100000-0x1fffff 0x40000000+1G' '-n -r allow show --ioas 1' \
	'-o LAST allow show --ioas 1' 'allow clear --ioas 1' >"$TS_TMP/b"
ts_golden allow-text "$IOMMUCTL" -b "$TS_TMP/b"

cat >"$TS_TMP/cases" <<'CASES'
allow
allow bogus
allow set 0x1000-0x1fff
allow set --ioas 1
allow set --ioas 1 0x1000
allow set --ioas 1 0x2000-0x1000
allow set --ioas 1 0x1000+0
allow set --ioas 1 0xffffffffffffffff+2
allow set --ioas 1 0x1000-0x1fff junk
allow set --ioas 1 -0x1000-0x1fff
allow show
allow show --ioas 1 0x1000-0x1fff
allow clear --ioas 1 extra
allow clear --ioas x
-o START,NOPE allow show --ioas 1
CASES
ts_golden allow-usage ts_cases "$TS_TMP/cases"
