# shellcheck shell=bash
# A host described as a directory tree, for iommuctl doctor
# (IOMMUCTL_SYSROOT): the shape of the VM lab's guest, a q35 machine with
# QEMU's VT-d (interrupt remapping on) and its edu device 0000:00:02.0 on
# vfio-pci in IOMMU group 2.  Tests then break one thing at a time.

# fixture_host DIR: build the ready host in DIR.  Device nodes need mknod
# (root); without it the test skips.
fixture_host() {
	local r=$1 dev=devices/pci0000:00/0000:00:02.0
	mkdir -p "$r/proc/sys/kernel" "$r/boot" "$r/dev/vfio/devices" \
		"$r/sys/class/iommu/dmar0/intel-iommu" "$r/sys/kernel/irq/24" "$r/sys/kernel/irq/1" \
		"$r/sys/firmware/acpi/tables" "$r/sys/module/iommufd/parameters" \
		"$r/sys/$dev/vfio-dev/vfio0" "$r/sys/bus/pci/devices" "$r/sys/bus/pci/drivers/vfio-pci" \
		"$r/sys/bus/pci/drivers/e1000e" "$r/sys/class/vfio-dev" \
		"$r/sys/kernel/iommu_groups/2/devices" "$r/sys/kernel/mm/transparent_hugepage"
	echo 7.2.13 >"$r/proc/sys/kernel/osrelease"
	echo "console=ttyS0 intel_iommu=on iommu.strict=1" >"$r/proc/cmdline"
	printf 'MemTotal:        1000000 kB\nHugePages_Total:     128\nHugePages_Free:      120\nHugepagesize:       2048 kB\n' >"$r/proc/meminfo"
	printf 'CONFIG_IOMMUFD=y\nCONFIG_VFIO_DEVICE_CDEV=y\nCONFIG_IRQ_REMAP=y\n' >"$r/boot/config-7.2.13"
	echo f00f4a >"$r/sys/class/iommu/dmar0/intel-iommu/ecap"
	echo IR-PCI-MSI >"$r/sys/kernel/irq/24/chip_name"
	echo IR-IO-APIC >"$r/sys/kernel/irq/1/chip_name"
	: >"$r/sys/firmware/acpi/tables/DMAR"
	echo N >"$r/sys/module/iommufd/parameters/allow_unsafe_interrupts"
	echo 'always [madvise] never' >"$r/sys/kernel/mm/transparent_hugepage/enabled"
	ln -s "../../../bus/pci/drivers/vfio-pci" "$r/sys/$dev/driver"
	ln -s "../../../kernel/iommu_groups/2" "$r/sys/$dev/iommu_group"
	ln -s "../../../$dev" "$r/sys/bus/pci/devices/0000:00:02.0"
	ln -s "../../$dev/vfio-dev/vfio0" "$r/sys/class/vfio-dev/vfio0"
	ln -s "../../../$dev" "$r/sys/$dev/vfio-dev/vfio0/device"
	ln -s "../../../../$dev" "$r/sys/kernel/iommu_groups/2/devices/0000:00:02.0"
	echo '0x00000000fee00000 0x00000000feefffff msi' >"$r/sys/kernel/iommu_groups/2/reserved_regions"
	ln -s "../../class/iommu/dmar0" "$r/sys/$dev/iommu"
	# what device vfio-bind / vfio-release write
	: >"$r/sys/$dev/driver_override"
	: >"$r/sys/bus/pci/drivers/vfio-pci/unbind"
	: >"$r/sys/bus/pci/drivers/e1000e/unbind"
	: >"$r/sys/bus/pci/drivers_probe"
	mknod -m 0666 "$r/dev/iommu" c 10 257 2>/dev/null &&
		mknod -m 0600 "$r/dev/vfio/devices/vfio0" c 252 0 2>/dev/null ||
		ts_skip "mknod is not allowed here (the fixture needs device nodes)"
}

# fixture_member DIR BDF DRIVER: another device in group 2, bound to DRIVER ("" = none).
fixture_member() {
	local r=$1 bdf=$2 drv=$3 dev=devices/pci0000:00/$2
	mkdir -p "$r/sys/$dev"
	ln -s "../../../kernel/iommu_groups/2" "$r/sys/$dev/iommu_group"
	ln -s "../../../$dev" "$r/sys/bus/pci/devices/$bdf"
	ln -s "../../../../$dev" "$r/sys/kernel/iommu_groups/2/devices/$bdf"
	if [ -n "$drv" ]; then
		mkdir -p "$r/sys/bus/pci/drivers/$drv"
		ln -s "../../../bus/pci/drivers/$drv" "$r/sys/$dev/driver"
	fi
}
