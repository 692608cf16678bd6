#!/bin/bash
# backends: sim kernel
# The errno cases the manual pages document (their ERRORS sections), each
# made to happen on both backends: the same command must fail with the same
# errno, the exit status that errno maps to, and nothing on stdout.  The
# sections and these cases are checked against each other at the end, so a
# documented errno without a case (or a case whose errno is undocumented)
# fails here.  A few device cases need what only a real host has (a legacy
# VFIO group, a second IOMMU driver): their cases say where they can happen.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

covered=$TS_TMP/covered
: >"$covered"
# err ERRNO ARGS...: iommuctl -J ARGS fails with ERRNO.
err() {
	local e=$1 x=1
	shift
	case $e in
	EOPNOTSUPP | ENOTTY) x=3 ;;
	EPERM | EACCES) x=4 ;;
	esac
	fails_json "$x" "$e" "$@"
	echo "$1 $e" >>"$covered"
}
# untested PAGE ERRNO WHY: documented, but no command line can make it happen
# on both backends (WHY says why, for the reader).
untested_list=$TS_TMP/untested
: >"$untested_list"
untested() { echo "$1 $2" >>"$untested_list"; }
# elsewhere PAGE ERRNO TEST: made to happen by another two-backend test, which
# must name the errno.
elsewhere() {
	local f=$TS_TOP/tests/ts/iommuctl/$3.sh
	head -n 10 "$f" | grep -q '^# backends: sim kernel' || ts_fail "$3: not a two-backend test"
	grep -q "$2" "$f" || ts_fail "$3 does not make $1 fail with $2"
	echo "$1 $2" >>"$untested_list"
}

sim_new
mock_main_series_only

run alloc						# ioas 1
run alloc						# ioas 2
run mock domain --ioas 1				# stdev 3, device 4, hwpt 5
run map --ioas 1 --size 64K --iova 0x1000000

# ---- free (IOMMU_DESTROY) ----------------------------------------------------
err ENOENT free 99
err EBUSY free 1					# the mock's domain uses it

# ---- map, unmap, copy ----------------------------------------------------------
err ENOENT map --ioas 9 --size 4K
err EEXIST map --ioas 1 --size 4K --iova 0x100f000
run mock reserve --ioas 2 --range 0x2000000+1M
err EINVAL map --ioas 2 --size 4K --iova 0x20ff000	# inside a reserved range
run allow set --ioas 2 0x3000000-0x3000fff
err ENOSPC map --ioas 2 --size 64K			# no room in the allowed ranges
err ENOENT unmap --ioas 9 --all
# an area of user memory (not MAP_FILE) cannot change process
run map --ioas 2 --size 4K --anonymous --iova 0x4000000
err EINVAL change-process
run unmap --ioas 2 --iova 0x4000000 --length 4K
err ENOENT unmap --ioas 1 --iova 0x5000000 --length 4K	# nothing there
err ENOENT unmap --ioas 1 --iova 0x1000000 --length 4K	# would split an area
err ENOENT copy --src-ioas 9 --dst-ioas 2 --range 0x1000000+4K
err ENOENT copy --src-ioas 1 --dst-ioas 2 --range 0x7000000+4K
err EEXIST copy --src-ioas 1 --dst-ioas 1 --range 0x1000000+64K --dst-iova 0x1008000
err EINVAL copy --src-ioas 1 --dst-ioas 2 --range 0x1000000+64K --dst-iova 0x2000000

# ---- allow, query, option, vfio-ioas -----------------------------------------------
err ENOENT allow set --ioas 9 0x0-0xfff
err EINVAL allow set --ioas 2 0x0-0xfff 0x800-0x1fff	# the ranges overlap
err EADDRINUSE allow set --ioas 2 0x2000000-0x2000fff	# a reserved range
err ENOENT query --ioas 9
err ENOENT option get huge-pages --ioas 9
err EINVAL option set huge-pages off --ioas 1		# domains and areas exist
err ENOENT vfio-ioas set --ioas 9

# ---- the mock, hw-info -----------------------------------------------------------
err ENOENT mock domain --ioas 9
err ENOENT mock replace --stdev 9 --pt 1
err ENOENT mock reserve --ioas 9 --range 0x0+4K
err EADDRINUSE mock reserve --ioas 1 --range 0x1000000+4K	# mapped there
err ENOENT hw-info --dev-id 9
err ENOENT hw-info --dev-id 1				# an IOAS, not a device

# ---- hwpt ------------------------------------------------------------------------
run mock domain --ioas 2 --no-dirty			# stdev 6, device 7, hwpt 8
err ENOENT hwpt alloc --dev-id 99 --pt 1
err EINVAL hwpt alloc --dev-id 4 --pt 99		# the kernel's answer for a bad pt_id
err EOPNOTSUPP hwpt alloc --dev-id 7 --pt 2 --dirty-tracking
err EOPNOTSUPP hwpt alloc --dev-id 4 --pt 1 --data-type vtd_s1 --data addr_width=48
err EINVAL hwpt alloc --dev-id 4 --pt 5 --data-type selftest --data iotlb=1	# no nest parent
err ENOENT hwpt alloc --dev-id 4 --pt 1 --fault 99
run hwpt alloc --dev-id 4 --pt 1 --nest-parent --dirty-tracking	# hwpt 9
run hwpt alloc --dev-id 4 --pt 1				# hwpt 10
run hwpt alloc --dev-id 4 --pt 9 --data-type selftest --data iotlb=1	# hwpt 11
err ENOENT hwpt set-dirty --hwpt 99 --on
err EOPNOTSUPP hwpt set-dirty --hwpt 10 --on
err ENOENT hwpt get-dirty --hwpt 99 --range 0x1000000+4K
err EINVAL hwpt get-dirty --hwpt 9 --range 0x1000800+4K	# not page_size aligned
err EOPNOTSUPP hwpt get-dirty --hwpt 10 --range 0x1000000+4K
err ENOENT hwpt invalidate --hwpt 99 --data-type selftest --entry flags=1
err EINVAL hwpt invalidate --hwpt 9 --data-type selftest --entry flags=1	# paging
err EINVAL hwpt invalidate --hwpt 11 --data-type selftest --entry iotlb_id=9
err EOPNOTSUPP hwpt invalidate --hwpt 11 --data-type selftest --entry flags=2

# ---- viommu, vdevice, veventq, hw-queue ---------------------------------------------
err ENOENT viommu alloc --dev-id 99 --hwpt 9 --type selftest
err EINVAL viommu alloc --dev-id 4 --hwpt 10 --type selftest	# no nest parent
err EOPNOTSUPP viommu alloc --dev-id 4 --hwpt 9 --type arm_smmuv3
run viommu alloc --dev-id 4 --hwpt 9 --type selftest		# viommu 12
err ENOENT vdevice alloc --viommu 99 --dev-id 4 --virt-id 1
err ENOENT vdevice alloc --viommu 12 --dev-id 99 --virt-id 1
run vdevice alloc --viommu 12 --dev-id 4 --virt-id 1		# vdevice 13
err EEXIST vdevice alloc --viommu 12 --dev-id 4 --virt-id 2	# the device has one
err EEXIST vdevice alloc --viommu 12 --dev-id 7 --virt-id 1	# the virt_id is taken
err ENOENT veventq alloc --viommu 99 --type selftest
err EOPNOTSUPP veventq alloc --viommu 12 --type 0
err EINVAL veventq alloc --viommu 12 --type selftest --depth 0x100000
err ENOENT hw-queue alloc --viommu 99 --type selftest --base-addr 0x1000000 --length 4K
err EOPNOTSUPP hw-queue alloc --viommu 12 --type tegra241_cmdqv --base-addr 0x1000000 --length 4K
err EINVAL hw-queue alloc --viommu 12 --type selftest --index 2 --base-addr 0x1000000 --length 4K
err ENOENT hw-queue alloc --viommu 12 --type selftest --base-addr 0x7000000 --length 4K	# unmapped
run hw-queue alloc --viommu 12 --type selftest --base-addr 0x1000000 --length 4K	# hw queue 14
err EEXIST hw-queue alloc --viommu 12 --type selftest --base-addr 0x1000000 --length 4K
run veventq alloc --viommu 12 --type selftest		# veventq 15 (its fd closes with us)
err EEXIST veventq alloc --viommu 12 --type selftest	# one queue per type
err EBUSY free 12					# the vIOMMU has a vdevice and queues

# ---- device: VFIO cdevs ------------------------------------------------------------
# On the simulator, a state of the intel-vtd profile (its devices' MSI
# window); on the kernel, the VM lab's edu device on vfio-pci.
# here WHERE: whether a case of WHERE can happen on this backend: cdev (a
# VFIO device with its cdev: the simulator's, or the kernel's when it has
# one), kcdev (the kernel's only: a second IOMMU driver) or
# sim (a host the simulator makes and the lab boots only in a step of its
# own: no MSI isolation).
main_state=$IOMMUFD_SIM
if ts_on sim; then
	export IOMMUFD_SIM=$TS_TMP/vtd.state
	sim_new --profile intel-vtd
	run alloc					# ioas 1
fi
run device list
cdev=$(jq_r '.devices[0].cdev // empty' "$TS_TMP/out")
ts_on sim || cdev=/dev/vfio/devices/vfio0
here() {
	case $1 in
	cdev) ts_on sim || [ -c "$cdev" ] ;;
	kcdev) ts_on kernel && [ -c "$cdev" ] ;;
	sim) ts_on sim ;;
	*) ts_fail "here: no such place '$1'" ;;
	esac
}
# on WHERE ERRNO ARGS...: err ERRNO ARGS... where it can happen; elsewhere the
# case is only noted, so that the check at the end sees the same cases on
# every backend (and still fails for a documented errno that has none).
on() {
	local w=$1
	shift
	if here "$w"; then err "$@"; else echo "$2 $1" >>"$covered"; fi
}
# The VM lab puts QEMU's edu device (1234:11e8) on vfio-pci: there the cdev
# cases must run, not just be noted.
if ts_on kernel && ! here cdev; then
	for d in /sys/bus/pci/drivers/vfio-pci/0000:*; do
		[ "$(cat "$d/vendor" "$d/device" 2>/dev/null | tr '\n' ' ')" = "0x1234 0x11e8 " ] &&
			ts_fail "edu ${d##*/} is on vfio-pci, but $cdev is missing"
	done
fi
dev= ioas= ioas_msi= ioas_allowed= hwpt_pasid=		# made only where a cdev is
exec 5</dev/null					# an open fd, no VFIO cdev
err ENOTTY device bind --device /dev/null
err ENOTTY device attach --device-fd 5 --pt 1
err ENOTTY device detach --device-fd 5
err ENOENT device bind --device vfio999
if here cdev; then
	exec 4<>"$cdev"
	# the IOVA of the device's MSI window, from its reserved regions
	run device list
	msi=$(jq -r --arg c "$cdev" '.devices[] | select(.cdev == $c) | .reserved // "" |
		split(", ")[] | select(endswith(" msi")) | split("-")[0]' "$TS_TMP/out" | head -n 1)
	[ -n "$msi" ] || ts_fail "no MSI window among the reserved regions of ${cdev##*/}"
fi
on cdev EINVAL device attach --device-fd 4 --pt 1	# not bound yet
on cdev EINVAL device detach --device-fd 4
if here cdev; then
	run device bind --device-fd 4
	dev=$(jq_r '.bound[0].dev_id' "$TS_TMP/out")
	run alloc
	ioas_msi=$(jq_r '.ioas[0].id' "$TS_TMP/out")
	run map --ioas "$ioas_msi" --size 4K --iova "$msi"
	run alloc
	ioas_allowed=$(jq_r '.ioas[0].id' "$TS_TMP/out")
	run allow set --ioas "$ioas_allowed" "$msi-$(printf '0x%x' $((msi + 0xfff)))"
	run alloc
	ioas=$(jq_r '.ioas[0].id' "$TS_TMP/out")
fi
on cdev EINVAL device bind --device-fd 4		# bound already
on cdev EINVAL device bind --device "$cdev"		# another fd of a bound cdev
on cdev ENOENT device attach --device-fd 4 --pt 99
on cdev EINVAL device attach --device-fd 4 --pt "$dev"	# a device, no page table
on kcdev EINVAL device attach --device-fd 4 --pt 5	# the mock's domain: another IOMMU's
on cdev EADDRINUSE device attach --device-fd 4 --pt "$ioas_msi"	# mapped in the MSI window
on cdev EADDRINUSE device attach --device-fd 4 --pt "$ioas_allowed"	# allowed there
on cdev EINVAL device attach --device-fd 4 --pt "$ioas" --pasid 1	# automatic domain
if here cdev; then
	run device attach --device-fd 4 --pt "$ioas"
	run hwpt alloc --dev-id "$dev" --pt "$ioas" --pasid
	hwpt_pasid=$(jq_r '.hwpts[0].id' "$TS_TMP/out")
fi
on cdev EINVAL device attach --device-fd 4 --pt "$hwpt_pasid" --pasid 1	# the device is on the automatic one
if here cdev; then
	run device detach --device-fd 4
	exec 4>&-					# unbound: its group can be opened
fi
if here cdev; then
	# its legacy group's node: /dev/vfio/GROUP, or the simulator's FIFO
	run device list
	group=$(jq -r --arg c "$cdev" '.devices[] | select(.cdev == $c) | .group' "$TS_TMP/out")
	if ts_on sim; then gnode=${cdev%/devices/*}/$group; else gnode=/dev/vfio/$group; fi
	exec 6<>"$gnode"
fi
on cdev EBUSY device bind --device "$cdev"		# the legacy group interface has it
if here cdev; then exec 6>&-; fi
exec 5<&-
# a host without MSI isolation (on the kernel: the lab's doctor-noir step
# boots one and checks that bind gives EPERM, exit 4)
if here sim; then
	export IOMMUFD_SIM=$TS_TMP/noir.state
	sim_new --profile intel-vtd --msi unisolated
fi
on sim EPERM device bind --device vfio0
export IOMMUFD_SIM=$main_state
# vfio-bind and vfio-release read sysfs only until they write: a host tree
# with one device, on e1000e, and no vfio-pci driver
host=$TS_TMP/host
mkdir -p "$host/sys/bus/pci/devices/0000:00:02.0"
ln -s ../../drivers/e1000e "$host/sys/bus/pci/devices/0000:00:02.0/driver"
IOMMUCTL_SYSROOT=$host err ENODEV device vfio-bind 0000:00:03.0
IOMMUCTL_SYSROOT=$host err ENOENT device vfio-bind 0000:00:02.0	# no vfio-pci driver
IOMMUCTL_SYSROOT=$host err EINVAL device vfio-release 0000:00:02.0	# on e1000e
[ ! -e "$host/run" ] || ts_fail "vfio-bind wrote to the host before it failed"

# ---- what no portable command line can make happen ---------------------------------
untested mock ENOTTY "the lab's kernels all have CONFIG_IOMMUFD_TEST: probe.sh checks ENOTTY of absent ioctls"
untested alloc ENOMEM "the kernel out of memory"
untested map ENOMEM "a pinning limit (RLIMIT_MEMLOCK) reached: depends on the host's limits"
elsewhere option EPERM option		# a process without CAP_SYS_RESOURCE
elsewhere option EBUSY option		# RLIMIT_MODE on a context with objects
elsewhere option EADDRINUSE option	# huge pages off with an unaligned area
elsewhere mock EINVAL mock-pasid	# PASID attach rules
elsewhere mock EBUSY mock-pasid		# a PASID attached already
elsewhere mock ENOMEM mock-pasid	# the mock's planted failure at PASID 1024
elsewhere fault EINVAL uapi-queues	# a response to a cookie not waiting
untested fault ENOMEM "the kernel out of memory"

# ---- the manual pages' ERRORS sections against these cases -------------------------
# A page's section lists its errnos as "*ENAME*" lines; the command of a case
# is its first word, whose page is iommuctl-WORD.8.
documented=$TS_TMP/documented
: >"$documented"
for page in "$TS_TOP"/man/iommuctl-*.8.scd; do
	cmd=${page##*/iommuctl-}
	cmd=${cmd%.8.scd}
	awk -v c="$cmd" '/^# / { on = ($0 == "# ERRORS") } on && /^\*E[A-Z0-9]+\*$/ { gsub(/\*/, ""); print c, $0 }' \
		"$page" >>"$documented"
done
# set operations with grep -Fx (the VM lab's busybox has no comm)
only_in() { grep -Fxv -f "$2" "$1" | tr '\n' ' '; }	# lines of $1 not in $2
sort -u "$covered" >"$covered.s"
sort -u "$untested_list" >"$untested_list.s"
sort -u "$documented" >"$documented.s"
[ -s "$documented.s" ] || ts_fail "no manual page has an ERRORS section"
both=$(grep -Fx -f "$untested_list.s" "$covered.s" | tr '\n' ' ')
[ -z "$both" ] || ts_fail "cases made to happen and also marked untested: $both"
sort -u "$covered.s" "$untested_list.s" >"$TS_TMP/claimed"
missing=$(only_in "$documented.s" "$TS_TMP/claimed")
[ -z "$missing" ] || ts_fail "documented in ERRORS but no case here: $missing"
extra=$(only_in "$TS_TMP/claimed" "$documented.s")
[ -z "$extra" ] || ts_fail "a case here, but not in the page's ERRORS: $extra"
exit 0
