#!/bin/bash
# backends: sim
# Platform profiles: a mock device on each emulated IOMMU gets its domains'
# geometry and its driver's reserved regions, as the kernel's device.c and
# io_pagetable.c apply them: attaching narrows IOAS_IOVA_RANGES and raises
# the alignment, a conflicting mapping or allowed range makes the attach
# fail with EADDRINUSE, and detaching gives everything back.  GET_HW_INFO
# answers with the platform's registers, decoded.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

ranges() { ts_jq --argjson r "$1" '.ioas[0].iova_ranges == $r' "$TS_TMP/out"; }
align() { ts_jq --arg a "$1" '.ioas[0].iova_alignment == $a' "$TS_TMP/out"; }
consistent() {
	run sim check
	ts_jq '.check.consistent' "$TS_TMP/out"
}
full='[{"start": "0x0", "last": "0xffffffffffffffff"}]'

# ---- intel-vtd, 39 bits (QEMU 7.2's intel-iommu) -----------------------------------------
sim_new --profile intel-vtd
run sim info
ts_jq '.sim | .profile == "intel-vtd" and .iommu == "intel-vtd" and .aperture_bits == 39
	and .aperture_last == "0x7fffffffff" and .io_page_sizes == "0x40201000"
	and .reserved_regions == "0xfee00000-0xfeefffff msi" and .page_size == "0x1000"' "$TS_TMP/out"
run alloc
run mock domain --ioas 1
ts_jq '.mock_devices[0] | .stdev_id == 2 and .idev_id == 3 and .hwpt_id == 4' "$TS_TMP/out"
run query --ioas 1
ranges '[{"start": "0x0", "last": "0xfedfffff"}, {"start": "0xfef00000", "last": "0x7fffffffff"}]'
align 0x1000
# GET_HW_INFO: QEMU's cap/ecap, no dirty tracking (no ECAP.SLADS)
run hw-info --dev-id 3
ts_jq '.hw_info | .type == "0x1" and .type_name == "intel_vtd" and .data_len == 24 and .decoded
	and (.cap_names | split(",") | index("DIRTY_TRACKING") == null)' "$TS_TMP/out"
ts_jq '[.registers[] | .raw] == ["0x1", "0xd2008c22260206", "0xf00f4a"]' "$TS_TMP/out"
ts_jq '[.fields[] | select(.register == "cap_reg" and .field == "MGAW")][0].meaning == "39 bits"' "$TS_TMP/out"
ts_jq '[.fields[] | select(.register == "cap_reg" and .field == "SLLPS")][0].meaning == "4K, 2M, 1G"' "$TS_TMP/out"
ts_jq '[.fields[] | select(.register == "ecap_reg" and .field == "IR")][0].value == "0x1"' "$TS_TMP/out"
consistent
# Detaching (the mock device goes) gives the whole IOVA space back.
run free 2
run query --ioas 1
ranges "$full"
align 0x1
consistent

# EADDRINUSE: a mapping in the MSI window, beyond the aperture, or one the
# page size does not divide; an allowed range over the MSI window.  A failed
# attach leaves the IOAS as it was.
run map --ioas 1 --sim-mem 4K --iova 0xfee01000
fails_json 1 EADDRINUSE mock domain --ioas 1
run query --ioas 1
ranges "$full"
run unmap --ioas 1 --all
run map --ioas 1 --sim-mem 4K --iova 0x8000000000
fails_json 1 EADDRINUSE mock domain --ioas 1
run unmap --ioas 1 --all
run map --ioas 1 --sim-mem 2K --iova 0x800
fails_json 1 EADDRINUSE mock domain --ioas 1
run unmap --ioas 1 --all
run allow set --ioas 1 0xfeeff000+8K
fails_json 1 EADDRINUSE mock domain --ioas 1
run query --ioas 1
ranges "$full"
run allow set --ioas 1 0x100000+1M
run mock domain --ioas 1
stdev=$(jq_r '.mock_devices[0].stdev_id' "$TS_TMP/out")
# ... and an allowed range over the window of an attached device is refused.
fails_json 1 EADDRINUSE allow set --ioas 1 0xfee00000+4K
run allow clear --ioas 1
consistent

# Replace: the device's reserved regions move with it to the other IOAS.
run alloc
ioas2=$(jq_r '.ioas[0].id' "$TS_TMP/out")
run query --ioas 1
ranges '[{"start": "0x0", "last": "0xfedfffff"}, {"start": "0xfef00000", "last": "0x7fffffffff"}]'
"$IOMMUCTL" map --ioas "$ioas2" --sim-mem 4K --iova 0xfee00000 >/dev/null
fails_json 1 EADDRINUSE mock replace --stdev "$stdev" --pt "$ioas2"
run unmap --ioas "$ioas2" --all
run mock replace --stdev "$stdev" --pt "$ioas2"
run query --ioas 1
ranges "$full"
run query --ioas "$ioas2"
ranges '[{"start": "0x0", "last": "0xfedfffff"}, {"start": "0xfef00000", "last": "0x7fffffffff"}]'
consistent

# ---- intel-vtd, 48 bits (QEMU 10's default aw-bits) ---------------------------------------
sim_new --profile intel-vtd --aperture-bits 48 --force
run alloc
run mock domain --ioas 1
run query --ioas 1
ranges '[{"start": "0x0", "last": "0xfedfffff"}, {"start": "0xfef00000", "last": "0xffffffffffff"}]'
run hw-info --dev-id 3
ts_jq '[.fields[] | select(.register == "cap_reg" and .field == "MGAW")][0].meaning == "48 bits"' "$TS_TMP/out"
consistent

# ---- amd-vi: the MSI window and the HyperTransport hole, dirty tracking --------------------
sim_new --profile amd-vi --force
run alloc
run mock domain --ioas 1
run query --ioas 1
ranges '[{"start": "0x0", "last": "0xfedfffff"}, {"start": "0xfef00000", "last": "0xfcffffffff"},
	{"start": "0x10000000000", "last": "0xffffffffffff"}]'
align 0x1000
run hw-info --dev-id 3
ts_jq '.hw_info | .type_name == "amd" and .decoded and (.cap_names | split(",") | index("DIRTY_TRACKING") != null)' "$TS_TMP/out"
ts_jq '[.fields[] | select(.field == "HDSup")][0].value == "0x1"' "$TS_TMP/out"
run mock domain --ioas 1 --no-dirty
ndev=$(jq_r '.mock_devices[0].idev_id' "$TS_TMP/out")
run hw-info --dev-id "$ndev"
ts_jq '.hw_info.cap_names | split(",") | index("DIRTY_TRACKING") == null' "$TS_TMP/out"
consistent

# ---- arm-smmuv3: the software MSI window, IDRs --------------------------------------------
sim_new --profile arm-smmuv3 --force
run alloc
run mock domain --ioas 1
run query --ioas 1
ranges '[{"start": "0x0", "last": "0x7ffffff"}, {"start": "0x8100000", "last": "0xffffffffffff"}]'
align 0x1000
run hw-info --dev-id 3
ts_jq '.hw_info | .type_name == "arm_smmuv3" and .decoded and .data_len == 40' "$TS_TMP/out"
ts_jq '[.fields[] | select(.field == "HTTU")][0].meaning == "access and dirty"' "$TS_TMP/out"
ts_jq '[.fields[] | select(.field == "GRAN4K")][0].value == "0x1"' "$TS_TMP/out"
consistent

# ---- spapr: two DMA windows, 64 KiB pages ---------------------------------------------------
sim_new --profile spapr --force
run sim info
ts_jq '.sim | .iommu == "spapr" and .page_size == "0x10000" and .aperture_bits == null' "$TS_TMP/out"
run alloc
run mock domain --ioas 1
run query --ioas 1
ranges '[{"start": "0x0", "last": "0x7fffffff"}, {"start": "0x800000000000000", "last": "0xfffffffffffffff"}]'
align 0x1000
# the 64-bit window takes a map; the hole between the windows does not
run map --ioas 1 --sim-mem 64K --iova 0x800000000000000
fails_json 1 EINVAL map --ioas 1 --sim-mem 64K --iova 0x100000000
# no hw_info op: type NONE, no data
run hw-info --dev-id 3
ts_jq '.hw_info | .type == "0x0" and .data_len == 0' "$TS_TMP/out"
consistent
run free 2
run query --ioas 1
ranges "$full"
consistent

# ---- user HWPTs under a profile ------------------------------------------------------------
# intel-vtd has no dirty tracking (no SLADS): a HWPT that tracks is refused.
sim_new --profile intel-vtd --force
run alloc
run mock domain --ioas 1				# stdev 2, idev 3, hwpt 4
fails_json 3 EOPNOTSUPP hwpt alloc --dev-id 3 --pt 1 --dirty-tracking
# arm-smmuv3 has it (HTTU): a nest parent that tracks, a nested HWPT on it,
# the device moved there; its reserved region stays in the parent's IOAS.
sim_new --profile arm-smmuv3 --force
run alloc
run mock domain --ioas 1
run hwpt alloc --dev-id 3 --pt 1 --nest-parent --dirty-tracking
ts_jq '.hwpts[0] | .id == 5 and .kind == "paging"' "$TS_TMP/out"
run hwpt alloc --dev-id 3 --pt 5 --data-type selftest --data iotlb=7
ts_jq '.hwpts[0] | .id == 6 and .kind == "nested"' "$TS_TMP/out"
run mock replace --stdev 2 --pt 6
run query --ioas 1
ranges '[{"start": "0x0", "last": "0x7ffffff"}, {"start": "0x8100000", "last": "0xffffffffffff"}]'
fails_json 1 EINVAL map --ioas 1 --sim-mem 4K --iova 0x8000000
consistent
# back onto the automatic domain (hwpt 4 went with the replace: a new one)
run mock replace --stdev 2 --pt 1
run free 6
run free 5
run query --ioas 1
ranges '[{"start": "0x0", "last": "0x7ffffff"}, {"start": "0x8100000", "last": "0xffffffffffff"}]'
consistent

# ---- usage errors: nothing is created ---------------------------------------------------------
ts_expect_exit 2 "$IOMMUCTL" sim create --profile intel-vtd --aperture-bits 40 --force
ts_expect_exit 2 "$IOMMUCTL" sim create --profile amd-vi --aperture-bits 48 --force
ts_expect_exit 2 "$IOMMUCTL" sim create --aperture-bits 48 --force
ts_expect_exit 2 "$IOMMUCTL" sim create --profile no-such --force
ts_expect_exit 2 "$IOMMUCTL" sim create --profile amd-vi --msi partly --force
ts_grep "'partly' is not isolated, unsafe-allowed or unisolated" "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" sim create --profile spapr --msi isolated --force
ts_grep 'pSeries' "$TS_TMP/err"
run sim info
ts_jq '.sim.profile == "arm-smmuv3"' "$TS_TMP/out"

exit 0
