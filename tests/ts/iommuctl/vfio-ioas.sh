#!/bin/bash
# backends: sim kernel
# vfio-ioas get | set | clear (IOMMU_VFIO_IOAS): none set is an answer, not
# a failure; destroying the IOAS unsets it; usage errors.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new

run vfio-ioas get
ts_jq '.vfio_ioas == [{"ioas": null}]' "$TS_TMP/out"
run alloc
run alloc
run vfio-ioas set --ioas 2
ts_jq '.vfio_ioas == [{"ioas": 2}]' "$TS_TMP/out"
run vfio-ioas get
ts_jq '.vfio_ioas == [{"ioas": 2}]' "$TS_TMP/out"

# A missing IOAS is refused and the setting stays.
ts_expect_exit 1 "$IOMMUCTL" -J vfio-ioas set --ioas 9
[ ! -s "$TS_TMP/out" ] || ts_fail "failed set printed on stdout"
ts_jq '.error | .ioctl == "IOMMU_VFIO_IOAS" and .errno_name == "ENOENT" and .object == "ioas 9"' \
	"$TS_TMP/err"
run vfio-ioas get
ts_jq '.vfio_ioas[0].ioas == 2' "$TS_TMP/out"

# clear unsets it, the IOAS stays.
run vfio-ioas clear
ts_jq '.vfio_ioas == [{"ioas": null}]' "$TS_TMP/out"
run query --ioas 2
run vfio-ioas clear

# Destroying the compatibility IOAS unsets it.
run vfio-ioas set --ioas 1
run free 1
run vfio-ioas get
ts_jq '.vfio_ioas[0].ioas == null' "$TS_TMP/out"

ts_golden vfio-ioas-unset "$IOMMUCTL" vfio-ioas get
ts_golden vfio-ioas-set "$IOMMUCTL" vfio-ioas set --ioas 2
ts_golden vfio-ioas-raw "$IOMMUCTL" -n -r vfio-ioas get

cat >"$TS_TMP/cases" <<'CASES'
vfio-ioas
vfio-ioas bogus
vfio-ioas get extra
vfio-ioas get --ioas 1
vfio-ioas set
vfio-ioas set --ioas
vfio-ioas set --ioas 1x
vfio-ioas set --ioas 1 2
vfio-ioas clear extra
-J -H vfio-ioas help
CASES
ts_golden vfio-ioas-usage ts_cases "$TS_TMP/cases"
