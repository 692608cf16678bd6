#!/bin/bash
# backends: sim
# doctor on the hosts the simulator's platform profiles emulate (sim
# sysroot): ready, with the profile's IOMMU unit as its driver names it, the
# reserved regions the simulator enforces and the platform's MSI isolation;
# then, on the generated tree, one thing broken at a time: the device on its
# own driver, its cdev missing, no MSI isolation.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

# check FILE NAME [JQ-ARGS...] FILTER: there is one check NAME, and the
# filter on its object is true.
check() {
	local file=$1 name=$2
	shift 2
	ts_jq --arg c "$name" "${@:1:$#-1}" \
		"[.checks[] | select(.check == \$c)] | length == 1 and (.[0] | ${*: -1})" "$file"
}

# ---- what the command refuses ------------------------------------------------
"$IOMMUCTL" sim create >/dev/null	# the selftest mock: no host has it
ts_expect_exit 3 "$IOMMUCTL" -J sim sysroot "$TS_TMP/none"
ts_jq '.error.errno_name == "EOPNOTSUPP" and (.error.hint | contains("--profile"))' "$TS_TMP/err"
[ ! -e "$TS_TMP/none" ] || ts_fail "a refused sim sysroot made its directory"
ts_expect_exit 2 "$IOMMUCTL" sim sysroot
mkdir "$TS_TMP/busy"
touch "$TS_TMP/busy/keep"
"$IOMMUCTL" sim create --profile intel-vtd --force >/dev/null
for force in "" --force; do	# not a tree of ours: refused even with --force
	ts_expect_exit 1 "$IOMMUCTL" -J sim sysroot $force "$TS_TMP/busy"
	ts_jq '.error.errno_name == "EEXIST"' "$TS_TMP/err"
	[ -e "$TS_TMP/busy/keep" ] || ts_fail "sim sysroot $force deleted a file it did not write"
done

# without CAP_MKNOD (a user namespace): exit 4, and nothing left behind
if unshare -U -r true 2>/dev/null; then
	ts_expect_exit 4 unshare -U -r "$IOMMUCTL" -J sim sysroot "$TS_TMP/nomknod"
	ts_jq '.error.errno_name == "EPERM" and (.error.hint | contains("CAP_MKNOD"))' "$TS_TMP/err"
	[ ! -e "$TS_TMP/nomknod" ] || ts_fail "a failed sim sysroot left its directory"
fi

# ---- every platform profile ---------------------------------------------------
n=0
for p in intel-vtd:39 intel-vtd:48 amd-vi arm-smmuv3 spapr; do
	profile=${p%%:*} bits=${p#*:}
	[ "$bits" != "$p" ] || bits=
	st=$TS_TMP/$profile$bits.state root=$TS_TMP/host-$profile$bits
	s() { "$IOMMUCTL" --sim="$st" "$@"; }
	s sim create --profile "$profile" ${bits:+--aperture-bits "$bits"} >/dev/null
	s alloc >/dev/null
	s mock domain --ioas 1 >/dev/null
	s -J sim info >"$TS_TMP/info"
	s -J hw-info --dev-id 3 >"$TS_TMP/hw"
	rc=0
	s -J sim sysroot "$root" >"$TS_TMP/sysroot" 2>"$TS_TMP/err" || rc=$?
	[ "$rc" -ne 4 ] || ts_skip "mknod is not allowed here (the tree needs device nodes)"
	[ "$rc" -eq 0 ] || ts_fail "sim sysroot ($p) exited $rc: $(cat "$TS_TMP/err")"
	ts_jq --arg i "$profile" '.iommu == $i and (.devices | length) == 1 and .devices[0].dev_id == 3' \
		"$TS_TMP/sysroot"
	bdf=$(jq_r '.devices[0].pci' "$TS_TMP/sysroot")
	unit=$(jq_r '.units[0]' "$TS_TMP/sysroot")
	# the unit as the real driver names it, with the registers GET_HW_INFO gives
	reg() { jq -r --arg n "$1" '.registers[] | select(.name == $n) | .raw' "$TS_TMP/hw" | sed 's/^0x//'; }
	case $profile in
	intel-vtd)
		[ "$unit" = dmar0 ] || ts_fail "$p: unit $unit"
		cap=$(cat "$root/sys/class/iommu/dmar0/intel-iommu/cap")
		[ "$cap" = "$(reg cap_reg)" ] || ts_fail "$p: cap $cap"
		[ "$(cat "$root/sys/class/iommu/dmar0/intel-iommu/ecap")" = "$(reg ecap_reg)" ] ||
			ts_fail "$p: ecap"
		# MGAW (bits 21:16, width - 1) is the aperture chosen at creation
		[ $(((0x$cap >> 16 & 0x3f) + 1)) -eq "$(jq_r '.sim.aperture_bits' "$TS_TMP/info")" ] ||
			ts_fail "$p: the cap's MGAW is not the state's aperture"
		table=DMAR
		;;
	amd-vi)
		[ "$unit" = ivhd0 ] || ts_fail "$p: unit $unit"
		[ "$(cat "$root/sys/class/iommu/ivhd0/amd-iommu/features")" = "$(reg efr):$(reg efr2)" ] ||
			ts_fail "$p: features"
		table=IVRS
		;;
	arm-smmuv3)
		[[ $unit == smmu3.0x???????????????? ]] || ts_fail "$p: unit $unit"
		table=IORT
		;;
	spapr)
		[[ $unit == iommu-phb???? ]] || ts_fail "$p: unit $unit"
		table=
		;;
	esac
	for t in DMAR IVRS IORT; do
		if [ -e "$root/sys/firmware/acpi/tables/$t" ]; then
			[ "$t" = "$table" ] || ts_fail "$p: an ACPI $t table"
		else
			[ "$t" != "$table" ] || ts_fail "$p: no ACPI $t table"
		fi
	done

	# ---- ready
	doctor() { IOMMUCTL_SYSROOT=$root "$IOMMUCTL" -J doctor "$bdf"; }
	ts_expect_exit 0 doctor
	cp "$TS_TMP/out" "$TS_TMP/ready"
	ts_jq '.ready and .failed == 0' "$TS_TMP/ready"
	check "$TS_TMP/ready" iommu_units --arg u "$unit" '.status == "ok" and .value == "1: \($u)"'
	for c in iommufd_node device_driver device_group device_cdev vfio_cdevs kernel_config; do
		ts_jq --arg c "$c" '[.checks[] | select(.check == $c)] | length > 0 and all(.status == "ok")' \
			"$TS_TMP/ready"
	done
	# the regions an attach reserves in the simulator, as the kernel's sysfs
	# names them (a software MSI window is "msi" there)
	want=$(jq_r '.sim.reserved_regions | gsub("sw_msi"; "msi") | gsub(","; ", ")' "$TS_TMP/info")
	[ -n "$want" ] || ts_fail "$p: the profile has no reserved regions to look for"
	check "$TS_TMP/ready" reserved_regions --arg w "$want" '.value == $w'
	case $profile in
	intel-vtd | amd-vi)
		check "$TS_TMP/ready" irq_remapping '.status == "ok" and (.value | contains("IR-"))'
		ts_jq '.warnings == 0' "$TS_TMP/ready" ;;
	arm-smmuv3)
		check "$TS_TMP/ready" irq_remapping '.status == "ok" and (.value | contains("ITS-"))'
		ts_jq '.warnings == 0' "$TS_TMP/ready" ;;
	spapr)	# no isolation Linux counts: bound only with unsafe interrupts allowed
		check "$TS_TMP/ready" irq_remapping \
			'.status == "warn" and (.value | contains("powerpc")) and (.fix | contains("intremap") | not)'
		ts_jq '.warnings == 1' "$TS_TMP/ready" ;;
	esac
	# device list reads the same tree
	IOMMUCTL_SYSROOT=$root "$IOMMUCTL" -J device list >"$TS_TMP/list"
	ts_jq --arg b "$bdf" --arg u "$unit" '[.devices[] | select(.pci == $b and .iommu == $u)] | length == 1' \
		"$TS_TMP/list"

	dev=$(readlink -f "$root/sys/bus/pci/devices/$bdf")
	fresh() { s sim sysroot --force "$root" >/dev/null; }

	# ---- the device on its own driver (no vfio-dev, no cdev)
	rm "$dev/driver" "$root/sys/class/vfio-dev/vfio0" "$root/dev/vfio/devices/vfio0"
	rm -r "$dev/vfio-dev"
	mkdir -p "$root/sys/bus/pci/drivers/edu"
	ln -s "$root/sys/bus/pci/drivers/edu" "$dev/driver"
	ts_expect_exit 1 doctor
	ts_jq '.ready == false and .failed == 1' "$TS_TMP/out"
	check "$TS_TMP/out" device_driver --arg b "$bdf" \
		'.status == "fail" and .value == "edu" and (.fix | contains("\($b)/driver_override"))'

	# ---- the cdev missing
	fresh
	rm "$root/dev/vfio/devices/vfio0"
	ts_expect_exit 1 doctor
	ts_jq '.failed == 2' "$TS_TMP/out"
	doctor_expect "$TS_TMP/out" device_cdev "$bdf" fail
	doctor_expect "$TS_TMP/out" vfio_cdevs /dev/vfio/devices/vfio0 fail

	# ---- no MSI isolation
	fresh
	case $profile in
	intel-vtd | amd-vi | arm-smmuv3)
		# the chips of an unremapped x86 host, or of an Arm GICv2m
		for f in "$root"/sys/kernel/irq/*/chip_name; do
			sed -i 's/^IR-//; s/^ITS-/GICv2m-/' "$f"
		done
		[ "$profile" = arm-smmuv3 ] && fix='GICv3 ITS' || fix='intremap=on' ;;
	spapr)	# nothing to turn on: without the parameter, binding fails
		echo N >"$root/sys/module/iommufd/parameters/allow_unsafe_interrupts"
		fix='allow_unsafe_interrupts=1' ;;
	esac
	ts_expect_exit 1 doctor
	ts_jq '.failed == 1' "$TS_TMP/out"
	check "$TS_TMP/out" irq_remapping --arg f "$fix" '.status == "fail" and (.fix | contains($f))'

	# ---- the same host made by the state (sim create --msi): doctor reads
	# it from the tree, and binding the state's VFIO device agrees
	for msi in unisolated unsafe-allowed; do
		s sim create --force --profile "$profile" ${bits:+--aperture-bits "$bits"} \
			--msi "$msi" >/dev/null
		s -J sim info >"$TS_TMP/info"
		ts_jq --arg m "$msi" '.sim.msi == $m and .sim.vfio_devices == 2' "$TS_TMP/info"
		s alloc >/dev/null
		s mock domain --ioas 1 >/dev/null
		fresh
		if [ "$msi" = unisolated ]; then
			ts_expect_exit 1 doctor
			check "$TS_TMP/out" irq_remapping --arg f "$fix" \
				'.status == "fail" and (.fix | contains($f))'
			ts_expect_exit 4 s -J device bind --device vfio0
			ts_jq '.error.errno_name == "EPERM"' "$TS_TMP/err"
		else
			ts_expect_exit 0 doctor
			check "$TS_TMP/out" irq_remapping '.status == "warn"'
			ts_expect_exit 0 s -J device bind --device vfio0
		fi
	done
	n=$((n + 1))
done
[ "$n" -eq 5 ] || ts_fail "$n profiles tried, not 5"
exit 0
