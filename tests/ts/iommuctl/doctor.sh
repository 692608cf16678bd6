#!/bin/bash
# doctor on hosts described as directory trees: the ready lab guest, then one
# broken thing at a time, each with its check failing and the right fix.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"
. "$TS_TOP/tests/ts/iommuctl/host-fixture.bash"

host=$TS_TMP/host
fresh() { rm -rf "$host"; fixture_host "$host"; }
doctor() { IOMMUCTL_SYSROOT=$host "$IOMMUCTL" "$@"; }

# ---- ready ------------------------------------------------------------------
fresh
ts_expect_exit 0 doctor -J doctor 0000:00:02.0 --memory 1G
cp "$TS_TMP/out" "$TS_TMP/ready.json"
ts_jq '.ready == true and .failed == 0 and .warnings == 0' "$TS_TMP/ready.json"
for c in kernel_config iommu_units irq_remapping iommufd_node vfio_cdevs device_driver \
	device_group device_cdev memlock; do
	ts_jq --arg c "$c" '[.checks[] | select(.check == $c)] | length > 0 and all(.status == "ok")' \
		"$TS_TMP/ready.json"
done
ts_jq '.checks[] | select(.check == "reserved_regions") | .value == "0xfee00000-0xfeefffff msi"' \
	"$TS_TMP/ready.json"
ts_jq '.checks[] | select(.check == "iommu_units") | .value == "1: dmar0"' "$TS_TMP/ready.json"
ts_jq '.checks[] | select(.check == "hugepages") | .value | startswith("120 of 128 free (2048 kB each)")' \
	"$TS_TMP/ready.json"
# the same device named by its cdev, or without its PCI domain
ts_expect_exit 0 doctor -J doctor /dev/vfio/devices/vfio0
ts_jq '[.checks[] | select(.subject == "0000:00:02.0")] | length >= 4' "$TS_TMP/out"
ts_expect_exit 0 doctor -J doctor 00:02.0
ts_jq '.ready' "$TS_TMP/out"
# the table ends with the verdict
ts_expect_exit 0 doctor doctor 0000:00:02.0
[ "$(tail -n 1 "$TS_TMP/out")" = ready ] || ts_fail "the table does not end with 'ready'"

# ---- the device on its own driver ---------------------------------------------
fresh
rm "$host/sys/devices/pci0000:00/0000:00:02.0/driver" "$host/sys/class/vfio-dev/vfio0" \
	"$host/dev/vfio/devices/vfio0"
rm -r "$host/sys/devices/pci0000:00/0000:00:02.0/vfio-dev"
ln -s ../../../bus/pci/drivers/e1000e "$host/sys/devices/pci0000:00/0000:00:02.0/driver"
ts_expect_exit 1 doctor -J doctor 0000:00:02.0
doctor_expect "$TS_TMP/out" device_driver 0000:00:02.0 fail
ts_jq '.ready == false and .failed == 1' "$TS_TMP/out"
ts_jq '.checks[] | select(.check == "device_driver") | .value == "e1000e" and
	(.fix | contains("driver_override") and contains("drivers/e1000e/unbind") and contains("drivers_probe"))' "$TS_TMP/out"
ts_expect_exit 1 doctor doctor 0000:00:02.0
ts_grep '^not ready: 1 check(s) failed$' "$TS_TMP/out"

# ---- the cdev interface off: vfio-dev entries without nodes -----------------------
fresh
rm "$host/dev/vfio/devices/vfio0"
ts_expect_exit 1 doctor -J doctor 0000:00:02.0
doctor_expect "$TS_TMP/out" vfio_cdevs /dev/vfio/devices/vfio0 fail
doctor_expect "$TS_TMP/out" device_cdev 0000:00:02.0 fail
ts_jq '.checks[] | select(.check == "device_cdev") | .fix | contains("CONFIG_VFIO_DEVICE_CDEV")' "$TS_TMP/out"

# ---- no interrupt remapping ---------------------------------------------------------
fresh
echo PCI-MSI >"$host/sys/kernel/irq/24/chip_name"
echo IO-APIC >"$host/sys/kernel/irq/1/chip_name"
echo f42 >"$host/sys/class/iommu/dmar0/intel-iommu/ecap"
ts_expect_exit 1 doctor -J doctor
doctor_expect "$TS_TMP/out" irq_remapping "" fail
ts_jq '.checks[] | select(.check == "irq_remapping") | (.value | contains("ecap IR=0")) and (.fix | contains("intremap=on"))' "$TS_TMP/out"
# ... allowed anyway: a warning, and ready
echo Y >"$host/sys/module/iommufd/parameters/allow_unsafe_interrupts"
ts_expect_exit 0 doctor -J doctor
doctor_expect "$TS_TMP/out" irq_remapping "" warn
ts_jq '.ready and .warnings == 1' "$TS_TMP/out"
# ... or switched off on the command line of a capable host
fresh
echo PCI-MSI >"$host/sys/kernel/irq/24/chip_name"
echo IO-APIC >"$host/sys/kernel/irq/1/chip_name"
echo "intel_iommu=on intremap=off" >"$host/proc/cmdline"
ts_expect_exit 1 doctor -J doctor
ts_jq '.checks[] | select(.check == "irq_remapping") | .value | contains("intremap=off")' "$TS_TMP/out"

# ---- no IOMMU units: the fix follows the firmware table and the command line ----------
fresh
rm -r "$host/sys/class/iommu/dmar0"
echo "intel_iommu=off" >"$host/proc/cmdline"
ts_expect_exit 1 doctor -J doctor
doctor_expect "$TS_TMP/out" iommu_units "" fail
ts_jq '.checks[] | select(.check == "iommu_units") | .fix | contains("intel_iommu=off") and contains("intel_iommu=on")' "$TS_TMP/out"
rm "$host/sys/firmware/acpi/tables/DMAR"
ts_expect_exit 1 doctor -J doctor
ts_jq '.checks[] | select(.check == "iommu_units") | .fix | contains("firmware")' "$TS_TMP/out"

# ---- a group member on a host driver; benign members are fine --------------------------
fresh
fixture_member "$host" 0000:00:02.1 snd_hda_intel
fixture_member "$host" 0000:00:02.2 ""
ts_expect_exit 1 doctor -J doctor 0000:00:02.0
doctor_expect "$TS_TMP/out" group_member 0000:00:02.1 fail
doctor_expect "$TS_TMP/out" group_member 0000:00:02.2 ok
ts_jq '.checks[] | select(.check == "group_member" and .status == "fail") | .fix | contains("drivers/snd_hda_intel/unbind")' "$TS_TMP/out"

# ---- the kernel config; none at all is not a failure ----------------------------------
fresh
printf 'CONFIG_IOMMUFD=m\n# CONFIG_VFIO_DEVICE_CDEV is not set\n' >"$host/boot/config-7.2.13"
ts_expect_exit 1 doctor -J doctor
doctor_expect "$TS_TMP/out" kernel_config CONFIG_VFIO_DEVICE_CDEV fail
doctor_expect "$TS_TMP/out" kernel_config CONFIG_IOMMUFD ok
doctor_expect "$TS_TMP/out" iommufd_module iommufd ok
rm -r "$host/sys/module/iommufd"
ts_expect_exit 1 doctor -J doctor
doctor_expect "$TS_TMP/out" iommufd_module iommufd fail
fresh
rm "$host/boot/config-7.2.13"
ts_expect_exit 0 doctor -J doctor
doctor_expect "$TS_TMP/out" kernel_config CONFIG_IOMMUFD info

# ---- /dev/iommu missing, or not a device --------------------------------------------------
fresh
rm "$host/dev/iommu"
ts_expect_exit 1 doctor -J doctor
doctor_expect "$TS_TMP/out" iommufd_node /dev/iommu fail
: >"$host/dev/iommu"
ts_expect_exit 1 doctor -J doctor
ts_jq '.checks[] | select(.check == "iommufd_node") | .value | startswith("not a character device")' "$TS_TMP/out"

# ---- a device that is not there ------------------------------------------------------------
fresh
ts_expect_exit 1 doctor -J doctor 0000:00:05.0 /dev/vfio/devices/vfio9
doctor_expect "$TS_TMP/out" device 0000:00:05.0 fail
doctor_expect "$TS_TMP/out" device /dev/vfio/devices/vfio9 fail

# ---- memlock: without CAP_IPC_LOCK the limit counts -------------------------------------
fresh
if setpriv --bounding-set -ipc_lock true 2>/dev/null; then
	ts_expect_exit 1 env IOMMUCTL_SYSROOT="$host" setpriv --bounding-set -ipc_lock \
		prlimit --memlock=65536:65536 "$IOMMUCTL" -J doctor --memory 1M
	doctor_expect "$TS_TMP/out" memlock "" fail
	ts_jq '.checks[] | select(.check == "memlock") | .value | contains("65536 bytes < 1048576")' "$TS_TMP/out"
	ts_expect_exit 0 env IOMMUCTL_SYSROOT="$host" setpriv --bounding-set -ipc_lock \
		prlimit --memlock=65536:65536 "$IOMMUCTL" -J doctor --memory 64K
	doctor_expect "$TS_TMP/out" memlock "" ok
fi

# ---- usage errors change nothing and say why ----------------------------------------------
ts_expect_exit 2 doctor doctor 1:2
ts_grep "'1:2' is neither a PCI address" "$TS_TMP/err"
ts_expect_exit 2 doctor doctor --memory 12Q
ts_expect_exit 2 doctor doctor --memory -1
ts_expect_exit 2 doctor doctor 0000:00:02.0x
exit 0
