#!/bin/bash
# backends: sim kernel
# status probes every ioctl instead of assuming: on a kernel, a command is
# there exactly when the running release is at least the one that added it
# (the VM lab boots 7.2 and 6.12, which lacks everything from 6.13 on); the
# simulator emulates its release, with the selftest mock.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
ts_expect_exit 0 "$IOMMUCTL" -J status
doc=$TS_TMP/status.json
cp "$TS_TMP/out" "$doc"
ts_jq '.ioctls | length == 22' "$doc"

if ts_on kernel; then
	release=$(jq -r '.status.kernel_release' "$doc")
else
	ts_jq '.status.backend == "simulator"' "$doc"
	release=$(jq -r '.status.emulated_release' "$doc")
fi
# "6.12.95" -> 6*1000+12: comparable with "since" the same way
ver() { local IFS=.-; set -- $1; echo $(($1 * 1000 + $2)); }
have=$(ver "$release")

# (a file, not process substitution: the lab's guest has no /dev/fd)
jq -r '.ioctls[] | [.name, .since, (.supported | tostring)] | @tsv' "$doc" >"$TS_TMP/ioctls.tsv"
n=0
while IFS=$'\t' read -r name since supported; do
	case $name in
	IOMMU_TEST_CMD)	# a selftest build: both lab kernels and the simulator have it
		[ "$supported" = true ] || ts_fail "$name not found on $release" ;;
	*)
		if [ "$(ver "$since")" -le "$have" ]; then want=true; else want=false; fi
		[ "$supported" = "$want" ] ||
			ts_fail "$name (since $since) supported=$supported on $release, expected $want" ;;
	esac
	n=$((n + 1))
done <"$TS_TMP/ioctls.tsv"
[ "$n" -eq 22 ] || ts_fail "checked $n ioctls, expected 22"

# The probe executes nothing: no object appeared.
ts_expect_exit 0 "$IOMMUCTL" -J alloc
ts_jq '.ioas[0].id == 1' "$TS_TMP/out"
