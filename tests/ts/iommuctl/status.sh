#!/bin/bash
# status: reports on every backend, including where iommufd is absent.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

# Auto backend, nothing set up: a report, exit 0 (when /dev/iommu is absent).
if ! [ -e /dev/iommu ]; then
	ts_expect_exit 0 "$IOMMUCTL" -J status
	ts_jq '.backend == "simulator" and .status.path == null and .status.sim_exists == false
		and .status.device_present == false and (.status.problem | startswith("/dev/iommu does not exist"))
		and .status.sim_path == env.IOMMUFD_SIM' "$TS_TMP/out"
	ts_jq '.ioctls | length > 20 and all(.supported == null)' "$TS_TMP/out"

	# --kernel: the same report, and exit 3.
	ts_expect_exit 3 "$IOMMUCTL" -J --kernel status
	ts_jq '.backend == "kernel" and .status.device_present == false and .status.owner == null' \
		"$TS_TMP/out"
	ts_jq '.error.command == "status" and .error.errno_name == "ENOENT"' "$TS_TMP/err"
	ts_expect_exit 3 "$IOMMUCTL" --kernel status
	ts_grep '^problem  *.*/dev/iommu does not exist' "$TS_TMP/out"
fi

# The simulator: every ioctl probed, the emulated release shown.
sim_new
ts_expect_exit 0 "$IOMMUCTL" -J --sim status
ts_jq '.backend == "simulator" and .status.path == env.IOMMUFD_SIM and .status.sim_exists
	and (.status.emulated_release | type == "string")' "$TS_TMP/out"
ts_jq '.ioctls | all(.supported | type == "boolean")' "$TS_TMP/out"
ts_jq '.ioctls[] | select(.name == "IOMMU_IOAS_MAP") | .supported == true and .cmd == "0x3b85"' \
	"$TS_TMP/out"
ts_jq '[.status.kernel_release, .status.device] | all(type == "string")' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" --sim status
ts_grep '^backend: simulator$' "$TS_TMP/out"
ts_grep '^IOMMU_IOAS_ALLOC *0x3b81' "$TS_TMP/out"
# probes go through the context: -v shows them
ts_expect_exit 0 "$IOMMUCTL" -v --sim -o BACKEND status
ts_grep '^iommuctl: ioctl IOMMU_IOAS_MAP .*= ' "$TS_TMP/err"

# A device node that is not iommufd: the probe says what it finds.
ts_expect_exit 0 "$IOMMUCTL" -J --dev /dev/null status
ts_jq '.backend == "kernel" and .status.device == "/dev/null" and .status.device_present
	and .status.owner != null and .status.mode != null' "$TS_TMP/out"
ts_expect_exit 2 "$IOMMUCTL" status extra
