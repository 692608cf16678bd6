#!/bin/bash
# backends: sim kernel
# valgrind-sample
# option get | set (IOMMU_OPTION): RLIMIT_MODE (global, needs
# CAP_SYS_RESOURCE and an empty context) and HUGE_PAGES (per IOAS, with its
# alignment effect and refusals); usage errors.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
fails() {	# fails ERRNO_NAME ARGS...: OPTION's own error, exit $FAIL_EXIT (1)
	fails_json "${FAIL_EXIT:-1}" "$@"
	ts_jq '.error.ioctl == "IOMMU_OPTION"' "$TS_TMP/err"
}

run option get
ts_jq '.options == [{"option": "rlimit-mode", "option_id": 0, "ioas": null, "value": 0,
	"meaning": "user"}]' "$TS_TMP/out"
run alloc
run alloc
run option get --ioas 1
ts_jq '[.options[] | [.option, .ioas, .value, .meaning]] ==
	[["rlimit-mode", null, 0, "user"], ["huge-pages", 1, 1, "on"]]' "$TS_TMP/out"

# HUGE_PAGES off: page-sized alignment from then on; on again: back to 1.
run option set huge-pages off --ioas 1
ts_jq '.options == [{"option": "huge-pages", "option_id": 1, "ioas": 1, "value": 0,
	"meaning": "off"}]' "$TS_TMP/out"
run query --ioas 1
ts_jq '.ioas[0] | .huge_pages == false and .iova_alignment != "0x1"' "$TS_TMP/out"
align=$(jq -r '.ioas[0].iova_alignment' "$TS_TMP/out")
ts_expect_exit 1 "$IOMMUCTL" map --ioas 1 --size 4K --iova $((align / 2))
ts_grep 'EINVAL' "$TS_TMP/err"
run option get huge-pages --ioas 2
ts_jq '.options[0].value == 1' "$TS_TMP/out"
run option set huge-pages 1 --ioas 1
run query --ioas 1
ts_jq '.ioas[0] | .huge_pages and .iova_alignment == "0x1"' "$TS_TMP/out"
# a mapping that is not page aligned keeps huge pages on (EADDRINUSE)
run map --ioas 2 --size 2K --iova 0x800
fails EADDRINUSE option set huge-pages off --ioas 2
ts_jq '.error.object == "ioas 2"' "$TS_TMP/err"
run option get huge-pages --ioas 2
ts_jq '.options[0].meaning == "on"' "$TS_TMP/out"
fails ENOENT option get huge-pages --ioas 9
fails ENOENT option set huge-pages on --ioas 9

# RLIMIT_MODE: whether this process may set it decides between EPERM (exit
# 4) and success; on a context with objects a capable process gets EBUSY.
if ts_on kernel; then
	empty=(--kernel)
else
	"$IOMMUCTL_BIN" --sim="$TS_TMP/empty.state" sim create >/dev/null
	empty=(--sim="$TS_TMP/empty.state")
fi
rc=0
"$IOMMUCTL_BIN" "${empty[@]}" -J option set rlimit-mode mm >"$TS_TMP/out" 2>"$TS_TMP/err" || rc=$?
case $rc in
0)
	ts_jq '.options[0] | .option == "rlimit-mode" and .value == 1 and .meaning == "mm"' \
		"$TS_TMP/out"
	fails EBUSY option set rlimit-mode user
	# one context: set it, then see it
	printf '%s\n' 'option set rlimit-mode mm' 'option get rlimit-mode' \
		'option set rlimit-mode 0' 'option get' >"$TS_TMP/b"
	ts_expect_exit 0 "$IOMMUCTL_BIN" "${empty[@]}" -J -b "$TS_TMP/b"
	jq -s '[.[].result.options[0].meaning]' "$TS_TMP/out" >"$TS_TMP/m"
	ts_jq '. == ["mm", "mm", "user", "user"]' "$TS_TMP/m"
	;;
4)
	ts_jq '.error.errno_name == "EPERM" and .error.ioctl == "IOMMU_OPTION"' "$TS_TMP/err"
	FAIL_EXIT=4 fails EPERM option set rlimit-mode user
	;;
*) ts_fail "option set rlimit-mode mm on an empty context: exit $rc: $(cat "$TS_TMP/err")" ;;
esac
run option get rlimit-mode
ts_jq '.options[0].meaning == "user"' "$TS_TMP/out"

ts_golden option-text "$IOMMUCTL" option get --ioas 1
ts_golden option-raw "$IOMMUCTL" -n -r -o OPTION,OPTION_ID,VALUE option get huge-pages --ioas 2

cat >"$TS_TMP/cases" <<'CASES'
option
option bogus
option get bogus
option get rlimit-mode huge-pages
option get rlimit-mode --ioas 1
option get huge-pages
option get huge-pages --ioas x
option set
option set rlimit-mode
option set rlimit-mode maybe
option set rlimit-mode 2
option set rlimit-mode mm --ioas 1
option set huge-pages on
option set huge-pages yes --ioas 1
option set huge-pages on --ioas 1 extra
option set bogus on
-o VALUE,NOPE option get
CASES
ts_golden option-usage ts_cases "$TS_TMP/cases"
