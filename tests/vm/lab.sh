#!/bin/bash
# The VM lab: build small kernels with real iommufd from Debian's linux-source
# packages and run tests against /dev/iommu inside qemu (TCG).
#
# Usage: tests/vm/lab.sh COMMAND [ARGS]
#
#   available              exit 0 if kernel tests can run here without building
#                          anything (qemu installed, a pinned kernel cached) and
#                          print the kernels; else print the reason, exit 1
#   versions               the pinned kernels (tests/vm/kernel-version) and their cache state
#   fetch [K...]           make sure the source .debs are cached
#   build [K...]           build the kernels that are not cached yet
#   initramfs              build the guest's base initramfs (busybox, build/, tests/)
#   run [-k K] [-t SECS] [-n NAME] [--] CMD...
#                          boot K (default: main) and run each CMD as one step in
#                          the guest (sh -c, cwd = the repo); print each step's
#                          status and output; exit 1 if a step failed or the kernel
#                          log shows a problem
#   check [--cached] [K...]
#                          what `make check-kernel` runs: build (or reuse) the
#                          kernels and the project, check the test ABI, and boot
#                          each kernel for the kernel's iommufd selftests,
#                          `iommuctl status` and tests/run.sh against /dev/iommu.
#                          --cached: only the kernels already built; with none,
#                          print "kernel tests: skipped (reason)" and exit 0
#   abi [K...]             check lib/ifd-test-abi.h against K's iommufd_test.h
#   scan FILE...           scan kernel logs for oops, WARN, BUG, panics, stalls
#   selfcheck              test the log scanner and the config check on synthetic input
#   selfcheck --guest [K]  boot K with planted failures (WARN and BUG through LKDTM,
#                          a WARN line in the log, a failing step, a step timeout,
#                          a hang): each must fail its run, with the right report
#   update                 move the pins to what Debian offers now (make lab-update)
#   clean                  drop extracted sources and object trees (keeps built kernels)
#
# K is a role from tests/vm/kernel-version (main, old), a series (7.2, 6.12)
# or "all" (the default where a list is allowed).
#
# Environment: IFD_CACHE (default /var/cache/iommufd-tools), LAB_OUT (default
# build/vm), LAB_JOBS (make -j, default nproc), LAB_QEMU (qemu binary),
# LAB_QEMU_EXTRA (more qemu arguments), LAB_APPEND (more kernel arguments),
# LAB_VIOMMU (the vIOMMU device, default intel-iommu,intremap=on; empty: none),
# LAB_STEP_TIMEOUT (run: seconds per step, default 600), LAB_SHOW=0 (run: no
# step output), LAB_REUSE_INITRAMFS=1 (run: keep the last initramfs),
# LAB_GUEST_TOOLS (host programs copied into the guest, default "bash jq"),
# LAB_VERBOSE=1 (show build output and more of the reports).
#
# In the guest a step runs as root under busybox sh -c, in /lab/repo (the repo
# with build/), with LAB_KERNEL (Debian version), LAB_SERIES, LAB_VFIO_DEVS
# (/dev/vfio/devices/vfioN of the edu devices bound to vfio-pci), LAB_EDU_BDFS
# and LAB_OUT_DIR set; files a step leaves in $LAB_OUT_DIR come back to the
# run's files/ directory.  The kernel's selftests are in /lab/kernel/.  The protocol on
# the second serial port is described in tests/vm/init.  Runs are kept in
# build/vm/runs/SERIES-NAME/ (console.log, results.log, step-N-NAME.out,
# kernel.log, qemu.cmd).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${IFD_CACHE:-/var/cache/iommufd-tools}
DEBS=$CACHE/debs
KERNELS=$CACHE/kernels
LAB=$CACHE/lab
OUT=${LAB_OUT:-$REPO/build/vm}
JOBS=${LAB_JOBS:-$(nproc)}
QEMU=${LAB_QEMU:-qemu-system-x86_64}
# The differential test: sequences per run, a seed that changes every run (it
# is printed, so any mismatch reproduces), and the planted simulator bugs
# (-DSIM_MUTANT=N) it must catch.
LAB_DIFF_SEQUENCES=${LAB_DIFF_SEQUENCES:-2000}
LAB_DIFF_SEED=${LAB_DIFF_SEED:-$(date +%s)}
LAB_MUTANTS=${LAB_MUTANTS:-"1 2 3"}
PINS=$HERE/kernel-version
STATUS=$HERE/LAB-STATUS

die() { echo "lab: $*" >&2; exit 1; }
note() { echo "lab: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# ---- pins ----------------------------------------------------------------------
# tests/vm/kernel-version: "ROLE PACKAGE VERSION SUITE" lines.

pin_lines() {
	[ -f "$PINS" ] || die "$PINS is missing: run 'make lab-update' to create it"
	grep -v '^[[:space:]]*\(#\|$\)' "$PINS"
}

# pin K: set P_ROLE P_PKG P_VER P_SUITE P_SERIES for role or series K.
pin() {
	local k=$1 line
	line=$(pin_lines | awk -v k="$k" '$1 == k || $2 == "linux-source-" k { print; exit }')
	[ -n "$line" ] || die "no kernel '$k' in $PINS (roles: $(pin_lines | awk '{ printf "%s ", $1 }'))"
	read -r P_ROLE P_PKG P_VER P_SUITE <<<"$line"
	P_SERIES=${P_PKG#linux-source-}
}

# Expand K arguments ("all" or none: every pin) to roles.
roles() {
	if [ $# -eq 0 ] || [ "$*" = all ]; then
		pin_lines | awk '{ print $1 }'
		return
	fi
	local k
	for k; do pin "$k"; echo "$P_ROLE"; done
}

# ---- config fragment -----------------------------------------------------------

# The effective fragment of a series: kernel.config, then kernel-SERIES.config
# whose "!CONFIG_X" lines drop X and whose other lines add or override.
# Normalised (assignments and "is not set" lines only, in order), so comments
# do not change the hash.
fragment() {
	local series=$1 over=$HERE/kernel-$1.config
	awk '
	function sym(l) { if (l ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) { split(l, a, " "); return a[2] }
			  if (l ~ /^CONFIG_[A-Za-z0-9_]+=/) { sub(/=.*/, "", l); return l }
			  if (l ~ /^!CONFIG_[A-Za-z0-9_]+[[:space:]]*$/) { sub(/^!/, "", l); sub(/[[:space:]]+$/, "", l); return l }
			  return "" }
	{ sub(/[[:space:]]+$/, "") }
	/^[[:space:]]*$/ { next }
	{ s = sym($0) }
	s == "" { if ($0 !~ /^#/) { print FILENAME ":" FNR ": cannot parse: " $0 > "/dev/stderr"; bad = 1 }; next }
	/^!/ { if (!(s in val)) { print FILENAME ":" FNR ": " s " is not in the base fragment" > "/dev/stderr"; bad = 1 }
	       delete val[s]; next }
	{ if (!(s in val)) order[++n] = s; val[s] = $0 }
	END { if (bad) exit 1; for (i = 1; i <= n; i++) if (order[i] in val) print val[order[i]] }
	' "$HERE/kernel.config" $( [ -f "$over" ] && echo "$over" )
}

frag_hash() { fragment "$1" | sha256sum | cut -c1-12; }

# series_opt SERIES KEY DEFAULT: a setting from tests/vm/series.conf.
series_opt() {
	local v
	v=$(awk -v s="$1" -v k="$2" '$1 == s && $2 == k { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$HERE/series.conf" 2>/dev/null)
	echo "${v:-$3}"
}

# verify_config FRAGMENT CONFIG: every line of the fragment must hold in the
# final .config.  Prints one line per symbol that does not; exit 1 if any.
verify_config() {
	awk '
	FNR == NR {
		if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) { s = $0; sub(/=.*/, "", s); v = substr($0, length(s) + 2); have[s] = v }
		else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) { have[$2] = "n" }
		next
	}
	/^CONFIG_/ { s = $0; sub(/=.*/, "", s); want = substr($0, length(s) + 2) }
	/^# CONFIG_/ { s = $2; want = "n" }
	{
		got = (s in have) ? have[s] : "n"
		if (got != want) {
			printf "  %s: wanted %s, got %s\n", s, want == "n" ? "not set" : "=" want, \
			       got == "n" ? ((s in have) ? "not set" : "not set (unmet dependency or no such symbol)") : "=" got
			bad++
		}
	}
	END { exit bad ? 1 : 0 }
	' "$2" "$1"
}

# ---- sources -------------------------------------------------------------------

deb_path() { echo "$DEBS/${P_PKG}_${P_VER//:/%3a}_all.deb"; }

deps() {
	"$REPO/scripts/deps.sh" lab >&2 || die "scripts/deps.sh lab failed"
}

# Newest version of package $1 in suite $2 that apt knows, or nothing.
apt_newest() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' -v s=" $2/" 'index($3, s) { gsub(/ /, "", $2); print $2 }' |
		sort -V | tail -1
}

fetch_one() {
	pin "$1"
	local deb tmp
	deb=$(deb_path)
	[ -s "$deb" ] && return 0
	mkdir -p "$DEBS"
	tmp=$(mktemp -d "$DEBS/.fetch.XXXXXX")
	chmod 755 "$tmp"
	id _apt >/dev/null 2>&1 && chown _apt "$tmp" 2>/dev/null || true
	note "downloading $P_PKG $P_VER ($P_SUITE)"
	if ! (cd "$tmp" && apt-get download -q "$P_PKG=$P_VER" >/dev/null 2>&1); then
		# A stale package list is the usual reason; refresh it once.
		if [ "$(id -u)" -eq 0 ]; then apt-get update -q >/dev/null 2>&1 || true; fi
		if ! (cd "$tmp" && apt-get download -q "$P_PKG=$P_VER" >&2); then
			rm -rf "$tmp"
			local have
			have=$(apt_newest "$P_PKG" "$P_SUITE")
			echo "lab: $P_PKG $P_VER is not cached ($deb) and apt does not offer it any more" >&2
			if [ -n "$have" ]; then
				echo "lab: $P_SUITE has $P_PKG $have now: run 'make lab-update' to move the lab to it" >&2
			else
				echo "lab: $P_SUITE has no $P_PKG now: run 'make lab-update' to move the lab to what it has" >&2
			fi
			echo "lab: (or put ${deb##*/} into $DEBS to keep $P_VER)" >&2
			exit 1
		fi
	fi
	mv "$tmp"/*.deb "$deb"
	rmdir "$tmp"
}

# The source tree of the pinned version: our own extraction, never shared.
src_dir() { echo "$LAB/src/$P_VER"; }

extract() {
	local src tmp t0
	src=$(src_dir)
	[ -f "$src/.lab-complete" ] && return 0
	fetch_one "$P_ROLE"
	t0=$(now)
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	note "extracting $(basename "$(deb_path)")"
	dpkg-deb --fsys-tarfile "$(deb_path)" |
		tar -xO "./usr/src/$P_PKG.tar.xz" | tar -xJ -C "$src.tmp"
	mv "$src.tmp/$P_PKG" "$src"
	rmdir "$src.tmp"
	touch "$src/.lab-complete"
	note "extracted in $(since "$t0") s"
}

# ---- kernels -------------------------------------------------------------------

kdir() { echo "$KERNELS/$P_VER-$(frag_hash "$P_SERIES")"; }

kernel_cached() { pin "$1"; [ -f "$(kdir)/BUILD-INFO" ]; }

build_one() {
	pin "$1"
	local kd src obj log frag t0 tb stage
	kd=$(kdir)
	if [ -f "$kd/BUILD-INFO" ]; then
		note "$P_VER: using the cached kernel $kd"
		return 0
	fi
	mkdir -p "$LAB/logs" "$KERNELS"
	exec 9>"$LAB/.lock-$P_VER"
	flock 9
	if [ -f "$kd/BUILD-INFO" ]; then exec 9>&-; return 0; fi
	t0=$(now)
	extract
	src=$(src_dir)
	obj=$LAB/obj/$P_VER
	log=$LAB/logs/build-$P_VER-${kd##*-}.log
	frag=$(mktemp)
	fragment "$P_SERIES" > "$frag"
	local reused=no
	[ -f "$obj/vmlinux" ] && reused=yes
	mkdir -p "$obj"
	: > "$log"
	note "$P_VER: configuring (tinyconfig + tests/vm/kernel.config$( [ -f "$HERE/kernel-$P_SERIES.config" ] && echo " + kernel-$P_SERIES.config"))"
	make -C "$src" O="$obj" tinyconfig >> "$log" 2>&1 || { tail -20 "$log" >&2; die "$P_VER: make tinyconfig failed (log: $log)"; }
	# Drop what tinyconfig says about our symbols, then append ours.
	grep -v -F -f <(sed -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1/' -e 's/=.*//' "$frag" |
		sed -e 's/.*/&=/' -e 'p' -e 's/=$/ is not set/' -e 's/^/# /' | sed 's/^# # /# /') \
		"$obj/.config" > "$obj/.config.new" || true
	cat "$frag" >> "$obj/.config.new"
	mv "$obj/.config.new" "$obj/.config"
	make -C "$src" O="$obj" olddefconfig >> "$log" 2>&1 || { tail -20 "$log" >&2; die "$P_VER: make olddefconfig failed (log: $log)"; }
	if ! bad=$(verify_config "$frag" "$obj/.config"); then
		echo "lab: $P_VER: the config lost required symbols after olddefconfig:" >&2
		echo "$bad" >&2
		echo "lab: fix tests/vm/kernel.config or tests/vm/kernel-$P_SERIES.config" >&2
		rm -f "$frag"
		exit 1
	fi
	note "$P_VER: config verified ($(grep -c . "$frag") symbols); building bzImage with -j$JOBS (log: $log)"
	tb=$(now)
	if [ "${LAB_VERBOSE:-0}" = 1 ]; then
		nice -n 10 make -C "$src" O="$obj" -j"$JOBS" bzImage 2>&1 | tee -a "$log" >&2 || die "$P_VER: kernel build failed"
	elif ! nice -n 10 make -C "$src" O="$obj" -j"$JOBS" bzImage >> "$log" 2>&1; then
		grep -E 'error|Error' "$log" | tail -20 >&2
		die "$P_VER: kernel build failed (log: $log)"
	fi
	local build_secs
	build_secs=$(since "$tb")
	note "$P_VER: bzImage built in $build_secs s"
	stage=$kd.tmp.$$
	rm -rf "$stage"
	# shellcheck disable=SC2064
	trap "rm -rf '$stage'" EXIT
	mkdir -p "$stage"
	cp "$obj/arch/x86/boot/bzImage" "$stage/bzImage"
	cp "$obj/.config" "$stage/config"
	cp "$frag" "$stage/fragment.config"
	chmod 644 "$stage/fragment.config"
	cp "$src/drivers/iommu/iommufd/iommufd_test.h" "$stage/iommufd_test.h"
	make -C "$src" O="$obj" headers_install INSTALL_HDR_PATH="$stage/hdr" >> "$log" 2>&1 ||
		{ tail -20 "$log" >&2; die "$P_VER: headers_install failed (log: $log)"; }
	{
		echo "package=$P_PKG"
		echo "version=$P_VER"
		echo "suite=$P_SUITE"
		echo "release=$(make -s -C "$src" O="$obj" kernelrelease 2>/dev/null)"
		echo "config_hash=${kd##*-}"
		echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "build_secs=$build_secs"
		echo "incremental=$reused"
		echo "total_secs=$(since "$t0")"
		echo "gcc=$(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)"
		echo "host=$(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cpus"
	} > "$stage/BUILD-INFO"
	rm -rf "$kd"
	mv "$stage" "$kd"
	trap - EXIT
	rm -f "$frag"
	build_selftests
	exec 9>&-
	note "$P_VER: kernel cached in $kd ($(since "$t0") s in all)"
}

# The selftests are cached beside the kernel, stamped with the hash of
# selftest-compat.h: a change to it rebuilds them, not the kernel.
selftests_stamp() { sha256sum "$HERE/selftest-compat.h" | cut -c1-12; }

selftests_current() { [ "$(cat "$(kdir)/selftests/STAMP" 2>/dev/null)" = "$(selftests_stamp)" ]; }

# build_selftests (pin set, kernel cached): the kernel's own iommufd selftests,
# static, against the kernel's uAPI headers.  A stable series may carry
# selftests newer than its own uAPI and selftest ABI (6.12.y does: they use
# iommu_hw_info.in_data_type and MOCK_FLAGS_DEVICE_PASID, from 6.17); the
# uAPI only ever grows, so fall back to newer headers (another cached
# kernel's, then the system's: linux-libc-dev from unstable), then to those
# plus selftest-compat.h for the test-ABI names the old kernel lacks.
build_selftests() {
	local kd src log st h used="" compat hdrs
	kd=$(kdir)
	extract
	src=$(src_dir)
	log=$LAB/logs/selftests-$P_VER.log
	st=$LAB/obj/selftests-$P_VER
	: > "$log"
	hdrs=("$kd/hdr/include")
	for h in $(ls -d "$KERNELS"/*/hdr/include 2>/dev/null | sort -rV); do
		[ "$h" = "$kd/hdr/include" ] || hdrs+=("$h")
	done
	hdrs+=(/usr/include)
	for compat in "" "-include $HERE/selftest-compat.h"; do
		for h in "${hdrs[@]}"; do
			rm -rf "$st"
			mkdir -p "$st"
			echo "lab: selftests against $h $compat" >> "$log"
			if nice -n 10 make -C "$src/tools/testing/selftests/iommu" OUTPUT="$st" \
				KHDR_INCLUDES="-isystem $h $compat" LDFLAGS=-static >> "$log" 2>&1; then
				used=$h
				break 2
			fi
		done
	done
	if [ -z "$used" ]; then
		grep -E 'error' "$log" | sort -u | tail -10 >&2
		die "$P_VER: building the iommufd selftests failed with every uAPI header tree (log: $log)"
	fi
	case $used in
	"$kd/hdr/include") used=own ;;
	/usr/include) used="system-$(dpkg-query -W -f='linux-libc-dev-${Version}' linux-libc-dev 2>/dev/null)" ;;
	*) used=${used%/hdr/include}; used=${used##*/} ;;
	esac
	[ -z "$compat" ] || used="$used+selftest-compat.h"
	[ "$used" = own ] || note "$P_VER: the selftests do not build against their own headers; built against $used"
	rm -rf "$kd/selftests.tmp"
	mkdir -p "$kd/selftests.tmp"
	cp "$st/iommufd" "$st/iommufd_fail_nth" "$kd/selftests.tmp/"
	echo "headers=$used" > "$kd/selftests.tmp/INFO"
	selftests_stamp > "$kd/selftests.tmp/STAMP"
	rm -rf "$kd/selftests"
	mv "$kd/selftests.tmp" "$kd/selftests"
}

# ensure_kernel K: the kernel and its selftests, built when missing or stale.
ensure_kernel() {
	build_one "$1"
	pin "$1"
	selftests_current && return 0
	exec 9>"$LAB/.lock-$P_VER"
	flock 9
	selftests_current || { note "$P_VER: rebuilding the selftests (selftest-compat.h changed)"; build_selftests; }
	exec 9>&-
}

# ---- the ABI of IOMMU_TEST_CMD ---------------------------------------------------

# readelf --debug-dump=info | awk -v want=STRUCT: STRUCT's member access paths,
# one a line; nested structs and unions flattened (a.b.c), anonymous ones
# transparent, arrays and scalars leaves.
MEMBERS_AWK='
/^ *<[0-9]+><[0-9a-f]+>: Abbrev Number: [0-9]+ \(DW_TAG_/ {
	match($0, /<[0-9]+>/); depth = substr($0, RSTART + 1, RLENGTH - 2) + 0
	s = substr($0, RSTART + RLENGTH); match(s, /<[0-9a-f]+>/); cur = substr(s, RSTART + 1, RLENGTH - 2)
	match($0, /\(DW_TAG_[a-z_]+\)/); tag[cur] = substr($0, RSTART + 8, RLENGTH - 9)
	par[depth] = cur
	if (depth > 0) { p = par[depth - 1]; nkids[p]++; kid[p, nkids[p]] = cur }
	next
}
/^ *<[0-9a-f]+> +DW_AT_name +:/ { v = $0; sub(/.*: /, "", v); name[cur] = v; next }
/^ *<[0-9a-f]+> +DW_AT_type +:/ { v = $0; sub(/.*<0x/, "", v); sub(/>.*/, "", v); type[cur] = v; next }
function resolve(t) {
	while (tag[t] == "typedef" || tag[t] == "const_type" || tag[t] == "volatile_type")
		t = type[t]
	return t
}
function walk(s, prefix,   i, m, t) {
	for (i = 1; i <= nkids[s]; i++) {
		m = kid[s, i]
		if (tag[m] != "member") continue
		t = resolve(type[m])
		if (tag[t] == "structure_type" || tag[t] == "union_type") {
			if (!(m in name)) { walk(t, prefix); continue }
			print prefix name[m]
			walk(t, prefix name[m] ".")
		} else if (m in name) {
			print prefix name[m]
		}
	}
}
END { for (d in tag) if (tag[d] == "structure_type" && name[d] == want && nkids[d]) { walk(d, ""); exit } }
'

# abi_one K: lib/ifd-test-abi.h against K's drivers/iommu/iommufd/iommufd_test.h.
abi_one() {
	pin "$1"
	local kd hdr=$REPO/lib/ifd-test-abi.h tmp cfl out
	kd=$(kdir)
	if [ ! -f "$hdr" ]; then
		echo "[$P_VER] abi: skipped (lib/ifd-test-abi.h does not exist yet)"
		return 0
	fi
	[ -f "$kd/iommufd_test.h" ] || die "$P_VER: no cached kernel (run: tests/vm/lab.sh build $P_ROLE)"
	tmp=$(mktemp -d)
	mkdir -p "$tmp/k"
	cp "$kd/iommufd_test.h" "$tmp/k/"
	: > "$tmp/gen.h"
	cfl=(-std=gnu11 -I"$tmp" -I"$tmp/k" -isystem "$kd/hdr/include" -I"$REPO/lib")
	if ! out=$(gcc "${cfl[@]}" -DLAB_ABI_PROBE -g -c "$HERE/check-test-abi.c" -o "$tmp/probe.o" 2>&1); then
		echo "[$P_VER] abi: lib/ifd-test-abi.h and the kernel's iommufd_test.h do not compile together:"
		echo "$out" | grep -E 'error' | head -20 | sed 's/^/  /'
		rm -rf "$tmp"
		return 1
	fi
	readelf --debug-dump=info "$tmp/probe.o" > "$tmp/dwarf"
	awk -v want=ifd_test_cmd "$MEMBERS_AWK" "$tmp/dwarf" | sort > "$tmp/ours"
	awk -v want=iommu_test_cmd "$MEMBERS_AWK" "$tmp/dwarf" | sort > "$tmp/kernels"
	# Identifiers the kernel side defines (its test header and the uAPI header).
	grep -ohE '\b[A-Z_][A-Z0-9_]+\b' "$kd/iommufd_test.h" "$kd/hdr/include/linux/iommufd.h" | sort -u > "$tmp/kids"
	# Constants the project header defines: #define IFD_X value, enum IFD_X = / ,
	{ grep -oE '^#define[[:space:]]+IFD_[A-Z0-9_]+[[:space:]]' "$hdr" | awk '{ print $2 }'
	  grep -oE '^[[:space:]]+IFD_[A-Z0-9_]+[[:space:]]*(=|,)' "$hdr" | tr -d ' \t=,'
	} | grep -vxE 'IFD_TEST_ABI_H|IFD_TEST_CMD' | sort -u > "$tmp/consts"
	local c x k nops=0 nfields=0 nconsts=0 unchecked=""
	{
		while read -r c; do
			case $c in
			IFD_TEST_OP_*)
				if grep -qx "IOMMU_TEST_OP_${c#IFD_TEST_OP_}" "$tmp/kids"; then
					echo "CHECK_OP(${c#IFD_TEST_OP_})"; nops=$((nops + 1))
				else
					echo "${c#IFD_TEST_OP_}" >> "$tmp/missing-ops"
				fi
				;;
			*)
				x=${c#IFD_} k=""
				if grep -qx "IOMMU_$x" "$tmp/kids"; then k=IOMMU_$x
				elif grep -qx "$x" "$tmp/kids"; then k=$x
				fi
				if [ -n "$k" ]; then echo "CHECK_CONST($c, $k)"; nconsts=$((nconsts + 1))
				else unchecked="$unchecked $c"; fi
				;;
			esac
		done < "$tmp/consts"
		# Leaves: offset and size; structs and unions (their members are
		# checked one by one): offset only, the project may merge arms.
		while read -r f; do
			if grep -q "^$f\." "$tmp/ours" "$tmp/kernels"; then echo "CHECK_FIELD_AT($f)"
			else echo "CHECK_FIELD($f)"; fi
			nfields=$((nfields + 1))
		done < <(comm -12 "$tmp/ours" "$tmp/kernels")
		echo "/* $nops $nfields $nconsts */"
	} > "$tmp/gen.h"
	read -r nops nfields nconsts < <(tail -1 "$tmp/gen.h" | tr -d '/*')
	local only_ours only_kernels
	only_ours=$(comm -23 "$tmp/ours" "$tmp/kernels" | tr '\n' ' ')
	only_kernels=$(comm -13 "$tmp/ours" "$tmp/kernels" | tr '\n' ' ')
	local rc=0 missing=""
	[ -f "$tmp/missing-ops" ] && missing=$(tr '\n' ' ' < "$tmp/missing-ops")
	if [ -n "$missing" ] && [ "$P_ROLE" = main ]; then
		# The main kernel is the one the project describes: every op must exist.
		echo "[$P_VER] abi: ops lib/ifd-test-abi.h names that the kernel does not have: $missing"
		rc=1
	elif [ -n "$missing" ]; then
		echo "[$P_VER] abi: note: ops this older kernel does not have yet (not checked): $missing"
	fi
	if out=$(gcc "${cfl[@]}" -fsyntax-only "$HERE/check-test-abi.c" 2>&1); then
		[ $rc -ne 0 ] || echo "[$P_VER] abi: lib/ifd-test-abi.h matches the kernel's iommufd_test.h (size, $nops ops, $nfields member paths, $nconsts constants)"
	else
		echo "[$P_VER] abi: lib/ifd-test-abi.h drifted from the kernel's iommufd_test.h:"
		echo "$out" | grep -E 'error' | sed -e 's/^.*error: //' -e 's/static assertion failed: //' -e 's/^/  /' | sort -u
		rc=1
	fi
	[ -z "$only_ours" ] || echo "[$P_VER] abi: note: members the kernel's struct does not have (not checked): $only_ours"
	[ -z "$unchecked" ] || echo "[$P_VER] abi: note: constants without a kernel counterpart by name (not checked):$unchecked"
	[ "${LAB_VERBOSE:-0}" != 1 ] || [ -z "$only_kernels" ] || echo "[$P_VER] abi: note: kernel members the project does not describe: $only_kernels"
	rm -rf "$tmp"
	return $rc
}

# ---- the guest -----------------------------------------------------------------

# Copy an ELF file's shared libraries (and loader) into the root $1.
copy_libs() {
	local root=$1 f lib
	shift
	for f; do
		{ ldd "$f" 2>/dev/null || true; } | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+ \(/ { print $1 }'
	done | sort -u | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# newc cpio holding one character device node (no root or mknod needed).
cpio_chardev() { # NAME MODE MAJOR MINOR
	local name=$1 mode=$2 maj=$3 min=$4 n
	n=$((${#name} + 1))
	hdr() { printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$1" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$5" 0; }
	{
		hdr 1 $((0x2000 | mode)) "$maj" "$min" "$n"
		printf '%s\0' "$name"
		head -c $(( (4 - (110 + n) % 4) % 4 )) /dev/zero
		hdr 0 0 0 0 11
		printf 'TRAILER!!!\0'
		head -c $(( (4 - (110 + 11) % 4) % 4 )) /dev/zero
	}
}

# Programs of the host the guest gets (with their libraries) besides busybox:
# the test harness is bash and parses JSON with jq.
GUEST_TOOLS=${LAB_GUEST_TOOLS:-"bash jq"}

initramfs() {
	local t0 root f
	t0=$(now)
	command -v busybox >/dev/null || [ -x /bin/busybox ] || die "busybox-static is missing (scripts/deps.sh lab)"
	root=$OUT/rootfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,mnt,lab/repo}
	cp /bin/busybox "$root/bin/busybox"
	for f in $(/bin/busybox --list); do
		[ -e "$root/bin/$f" ] || ln -s busybox "$root/bin/$f"
	done
	for f in $GUEST_TOOLS; do
		local p
		p=$(command -v "$f") || { note "guest tool $f is not installed; the guest goes without it"; continue; }
		rm -f "$root/bin/$f"
		cp -L "$p" "$root/bin/$f"
		copy_libs "$root" "$p"
	done
	cp "$HERE/init" "$root/init"
	chmod 755 "$root/init"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	# The repo: sources and tests as they are, build/ without objects.
	(cd "$REPO" && tar -c --exclude=./.git --exclude='./build*' . ) | tar -x -C "$root/lab/repo"
	if [ -d "$REPO/build" ]; then
		(cd "$REPO" && tar -c --exclude=build/vm --exclude=build/obj --exclude=build/pic \
			--exclude='*.o' --exclude='*.d' build) | tar -x -C "$root/lab/repo"
		local elves
		elves=$(find "$root/lab/repo/build" -type f -perm -u+x -exec sh -c \
			'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
		# shellcheck disable=SC2086
		[ -z "$elves" ] || copy_libs "$root" $elves
	fi
	mkdir -p "$OUT"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$OUT/initramfs.cpio.gz.tmp"
	cpio_chardev dev/console 0600 5 1 | gzip -1 >> "$OUT/initramfs.cpio.gz.tmp"
	mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
	note "initramfs: $OUT/initramfs.cpio.gz, $(du -k "$OUT/initramfs.cpio.gz" | cut -f1) KiB, $(since "$t0") s"
}

# Kernel log patterns that fail a run.  A DMAR fault is not one of them: tests
# provoke those on purpose.
SCAN_RE='WARNING:|------------\[ cut here \]|BUG:|kernel BUG at|Oops|general protection fault|Kernel panic|Unable to handle kernel|Call Trace:|UBSAN:|KASAN:|refcount_t:|list_(add|del) corruption|blocked for more than|soft lockup|hard LOCKUP|rcu.*detected stall|segfault at|traps: |invalid opcode:|double fault|stack-protector|Attempted to kill init'

# scan FILE...: print the offending lines (with a little context) of each file;
# exit 1 if there are any.
scan() {
	local f bad=0
	for f; do
		[ -f "$f" ] || continue
		if grep -Eq "$SCAN_RE" "$f"; then
			bad=1
			echo "kernel log problems in ${f##*/}:"
			awk -v re="$SCAN_RE" '
			{ sub(/\r$/, "") }
			$0 ~ re { if (shown < 60) { if (shown && NR > last + 1) print "    ..."; print "  > " $0; shown++; last = NR; ctx = 12 }; next }
			ctx > 0 { if (shown < 60) { print "    " $0; shown++; last = NR }; ctx-- }
			END { if (shown >= 60) print "    (more in the log)" }' "$f"
		fi
	done
	return $bad
}

# parse_results RESULTS DIR: split the ttyS1 stream into DIR/steps.tsv,
# DIR/step-N-NAME.out and DIR/kernel.log.
parse_results() {
	awk -v dir="$2" '
	function flush() { if (file != "") close(file) }
	{ sub(/\r$/, "") }
	# A step whose last line had no newline leaves the marker mid-line.
	/.@@LAB / && $0 !~ /^@@LAB / { i = index($0, "@@LAB "); pre = substr($0, 1, i - 1); $0 = substr($0, i)
		if (file != "") print substr(pre, 3) >> file }
	/^@@LAB begin / { print $0 > (dir "/begin"); next }
	/^@@LAB step / {
		n = $3; name = $4
		if ($5 == "begin") { flush(); file = dir "/step-" n "-" name ".out"; printf "" > file; next }
		if ($5 == "end") { flush(); file = ""; rc = $6; sub(/rc=/, "", rc); secs = $7; sub(/secs=/, "", secs)
			printf "%s\t%s\t%s\t%s\t%s\n", n, name, rc, secs, ($8 == "timeout" ? "timeout" : "") >> (dir "/steps.tsv"); next }
	}
	/^@@LAB file / { flush(); name = $4; gsub(/[^A-Za-z0-9._-]/, "_", name); system("mkdir -p \"" dir "/files\"")
		file = dir "/files/" name ".b64"; printf "" > file; next }
	/^@@LAB endfile/ { flush(); file = ""; next }
	/^b / && file ~ /\.b64$/ { print substr($0, 3) >> file; next }
	/^@@LAB dmesg / { flush(); file = dir "/kernel.log"; print "--- " $3 " " $4 >> file; next }
	/^@@LAB done/ { flush(); file = ""; print $0 > (dir "/done"); next }
	/^@@LAB / { print $0 >> (dir "/errors"); next }
	file != "" && (/^\| / || /^\|$/ || /^k /) { print substr($0, 3) >> file; next }
	file != "" { print >> file }
	' "$1"
}

# boot K TIMEOUT JOBFILE RUNDIR: boot the pinned kernel K with the base
# initramfs plus JOBFILE as /lab/job; leave console.log and results.log in RUNDIR.
# Returns qemu's exit status (124: timed out).
boot() {
	local kd=$1 timeout=$2 job=$3 rundir=$4 extra
	extra=$rundir/extra
	rm -rf "$extra"
	mkdir -p "$extra/lab/kernel"
	cp "$job" "$extra/lab/job"
	cp "$kd"/selftests/* "$extra/lab/kernel/"
	cp "$kd/BUILD-INFO" "$extra/lab/kernel/"
	# Archives are concatenated; the kernel skips zero padding between them
	# and wants an uncompressed one 4-byte aligned, so pad and compress anyway.
	{
		cat "$OUT/initramfs.cpio.gz"
		head -c $(( (4 - $(stat -c %s "$OUT/initramfs.cpio.gz") % 4) % 4 )) /dev/zero
		(cd "$extra" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1
	} > "$rundir/initrd.cpio"
	rm -rf "$extra"
	local append="console=ttyS0 intel_iommu=on iommu.strict=1 panic=-1 panic_on_warn=1 oops=panic panic_print=0x20"
	append="$append ${LAB_APPEND:-}"
	local viommu=()
	[ -z "${LAB_VIOMMU-intel-iommu,intremap=on}" ] || viommu=(-device "${LAB_VIOMMU-intel-iommu,intremap=on}")
	# shellcheck disable=SC2086
	set -- "$QEMU" -M q35 -accel tcg -cpu max -m 1G -nographic -monitor none -no-reboot -nic none \
		"${viommu[@]}" -device edu \
		-kernel "$kd/bzImage" -initrd "$rundir/initrd.cpio" -append "$append" \
		-serial "file:$rundir/console.log" -serial "file:$rundir/results.log" ${LAB_QEMU_EXTRA:-}
	printf '%q ' "$@" > "$rundir/qemu.cmd"
	echo >> "$rundir/qemu.cmd"
	local rc=0
	timeout -k 10 "$timeout" "$@" </dev/null > "$rundir/qemu.out" 2>&1 || rc=$?
	rm -f "$rundir/initrd.cpio"
	return $rc
}

# run_steps ROLE TIMEOUT NAME STEPFILE: STEPFILE has "NAME<TAB>TIMEOUT<TAB>CMD"
# lines.  Prints the report; returns 0 if every step passed and the log is clean.
# Leaves the run in $RUNDIR.
RUNDIR=
run_steps() {
	pin "$1"
	local total=$2 runname=$3 steps=$4 kd job rundir t0 qrc=0 fail=0
	kd=$(kdir)
	[ -f "$kd/BUILD-INFO" ] || die "$P_VER: no cached kernel for this config (tests/vm/lab.sh build $P_ROLE)"
	[ -f "$OUT/initramfs.cpio.gz" ] || initramfs
	rundir=$OUT/runs/$P_SERIES-$runname
	rm -rf "$rundir"
	mkdir -p "$rundir"
	RUNDIR=$rundir
	job=$rundir/job
	{
		echo "LAB_KERNEL=$(shq "$P_VER"); LAB_SERIES=$(shq "$P_SERIES"); export LAB_KERNEL LAB_SERIES"
		while IFS=$'\t' read -r name t cmd; do
			echo "step $(shq "$name") $(shq "$t") $(shq "$cmd")"
		done < "$steps"
	} > "$job"
	local tag="[$P_VER]"
	t0=$(now)
	boot "$kd" "$total" "$job" "$rundir" || qrc=$?
	local wall
	wall=$(since "$t0")
	parse_results "$rundir/results.log" "$rundir"
	local b
	for b in "$rundir"/files/*.b64; do
		[ -f "$b" ] || continue
		base64 -d "$b" > "${b%.b64}" 2>/dev/null && rm -f "$b"
	done
	local up=? done_up=?
	[ -f "$rundir/begin" ] && up=$(sed -n 's/.*uptime=\([^ ]*\).*/\1/p' "$rundir/begin")
	[ -f "$rundir/done" ] && done_up=$(sed -n 's/.*uptime=\([^ ]*\).*/\1/p' "$rundir/done")
	echo "$tag kernel $(sed -n 's/^release=//p' "$kd/BUILD-INFO") ($P_PKG $P_VER, config ${kd##*-}): qemu ran ${wall} s; guest ready at ${up} s, done at ${done_up} s (guest clock)"
	if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
		echo "$tag HANG: qemu did not finish within $total s; the console's last lines:"
		tail -25 "$rundir/console.log" | sed 's/^/    /'
		fail=1
	elif [ ! -f "$rundir/done" ]; then
		echo "$tag the guest stopped before finishing its steps (qemu exit $qrc); the console's last lines:"
		tail -40 "$rundir/console.log" | sed -e 's/\r$//' -e 's/^/    /'
		fail=1
	fi
	[ -f "$rundir/errors" ] && { sed "s/^/$tag guest: /" "$rundir/errors"; fail=1; }
	# Steps.
	local n name rc secs to out
	while IFS=$'\t' read -r n name rc secs to; do
		out=$rundir/step-$n-$name.out
		local tot
		tot=$(grep -E '^# Totals:' "$out" 2>/dev/null | tail -1 | sed 's/^# Totals: //' || true)
		# tests/run.sh's "LABEL: N passed, N failed, N skipped".
		[ -n "$tot" ] || tot=$(sed -n 's/^[^ ]*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/pass:\1 fail:\2 skip:\3/p' "$out" 2>/dev/null | tail -1)
		if [ "$rc" = 0 ]; then
			echo "$tag step $name: ok (${secs} s)${tot:+ — $tot}"
			if [ "${LAB_SHOW:-0}" = 1 ] || [[ " ${LAB_SHOW_STEPS:-} " == *" $name "* ]]; then
				sed 's/^/    /' "$out"
			fi
		else
			echo "$tag step $name: FAILED rc=$rc${to:+ (timed out)} (${secs} s)${tot:+ — $tot}"
			fail=1
			if grep -qE '^(not ok|FAIL )' "$out"; then
				# kselftest ("not ok" + the assertion) or tests/run.sh ("FAIL name").
				grep -E '^(not ok|FAIL |# [^ ]+:[0-9]+:)' "$out" | head -40 | sed 's/^/    /'
				[ "${LAB_VERBOSE:-0}" != 1 ] || sed 's/^/    | /' "$out"
			else
				tail -40 "$out" | sed 's/^/    /'
			fi
		fi
		printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$secs" "$tot" >> "$rundir/summary.tsv"
	done < <(cat "$rundir/steps.tsv" 2>/dev/null)
	# Steps that never ended.
	local want got
	want=$(wc -l < "$steps")
	got=$(cat "$rundir/steps.tsv" 2>/dev/null | wc -l)
	if [ "$got" -lt "$want" ]; then
		echo "$tag $((want - got)) of $want steps did not finish: $(awk -F'\t' -v g="$got" 'NR > g { printf "%s ", $1 }' "$steps")"
		fail=1
		# The output of the step that was running.
		local last
		last=$(ls -t "$rundir"/step-*.out 2>/dev/null | head -1 || true)
		if [ -n "$last" ]; then
			echo "$tag   its last output (${last##*/}):"
			tail -15 "$last" | sed 's/^/      /'
		fi
	fi
	if scan "$rundir/console.log" "$rundir/kernel.log" > "$rundir/scan.txt"; then
		echo "$tag kernel log: clean"
	else
		sed "s/^/$tag /" "$rundir/scan.txt"
		fail=1
	fi
	if [ -d "$rundir/files" ]; then
		echo "$tag files the steps left in \$LAB_OUT_DIR: $(cd "$rundir/files" && ls | tr '\n' ' ')(in $rundir/files)"
	fi
	if [ $fail -eq 0 ]; then
		echo "$tag PASS (logs: ${rundir#"$REPO"/})"
	else
		echo "$tag FAIL (logs: $rundir)"
	fi
	return $fail
}

cmd_run() {
	local k=main total="" name=run
	while [ $# -gt 0 ]; do
		case $1 in
		-k) k=$2; shift 2 ;;
		-t) total=$2; shift 2 ;;
		-n) name=$2; shift 2 ;;
		--) shift; break ;;
		-*) die "run: unknown option $1" ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || die "run: no command (usage: lab.sh run [-k K] [-t SECS] [-n NAME] -- CMD...)"
	command -v "$QEMU" >/dev/null || die "$QEMU is not installed (scripts/deps.sh lab)"
	pin "$k"
	ensure_kernel "$k"
	# The repo may have changed since the last initramfs.
	[ "${LAB_REUSE_INITRAMFS:-0}" = 1 ] && [ -f "$OUT/initramfs.cpio.gz" ] || initramfs
	local steps i=0 c
	steps=$(mktemp)
	for c; do
		i=$((i + 1))
		printf 'cmd%d\t%s\t%s\n' "$i" "${LAB_STEP_TIMEOUT:-600}" "$c" >> "$steps"
	done
	[ -n "$total" ] || total=$(( ${LAB_STEP_TIMEOUT:-600} * i + 60 ))
	local rc=0
	LAB_SHOW=${LAB_SHOW:-1} run_steps "$k" "$total" "$name" "$steps" || rc=$?
	rm -f "$steps"
	return $rc
}

# ---- check (make check-kernel) -----------------------------------------------

sim_version() {
	local v
	v=$(grep -rhoE '#define[[:space:]]+(IFD_)?SIM_KERNEL_VERSION[[:space:]]+"[^"]*"' "$REPO/lib" 2>/dev/null |
		head -1 | sed 's/.*"\(.*\)"/\1/')
	echo "${v:-unknown}"
}

# record_status ROLE SUMMARYFILE: rewrite this kernel's line of LAB-STATUS.
record_status() {
	pin "$1"
	local kd sum=$2 qv line tmp
	kd=$(kdir)
	qv=$("$QEMU" --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
	line="passed $P_SERIES $P_VER config=${kd##*-} date=$(date -u +%Y-%m-%d) qemu=$qv"
	local name rc secs tot seen=" "
	while IFS=$'\t' read -r name rc secs tot; do
		local v
		[[ $seen == *" $name "* ]] && continue
		seen="$seen$name "
		v=$(echo "$tot" | sed -n 's/pass:\([0-9]*\) fail:\([0-9]*\).* skip:\([0-9]*\).*/\1\/\2\/\3/p')
		[ "$rc" = notrun ] && v=notrun
		line="$line $name=${v:-ok}"
	done < "$sum"
	tmp=$(mktemp)
	{
		echo "# The VM lab's last passing runs, rewritten by 'make check-kernel' (tests/vm/lab.sh check)."
		echo "# simulator KERNEL: the kernel release lib/'s simulator emulates (IFD_SIM_KERNEL_VERSION)."
		echo "# passed SERIES DEBIAN-VERSION config=FRAGMENT-HASH date=UTC-DAY qemu=VERSION STEP=RESULT..."
		echo "#   RESULT is pass/fail/skip for kselftest-style totals, 'ok' for a plain exit 0,"
		echo "#   'notrun' for a step that could not run (reason in the run's report)."
		echo "simulator $(sim_version)"
		[ -f "$STATUS" ] && grep '^passed ' "$STATUS" | awk -v s="$P_SERIES" '$2 != s'
		echo "$line"
	} > "$tmp"
	# Keep the order of the pins: main first.
	{
		grep -v '^passed ' "$tmp"
		for r in $(roles); do
			pin "$r"
			grep "^passed $P_SERIES " "$tmp" || true
		done
	} > "$STATUS"
	rm -f "$tmp"
}

cmd_check() {
	local cached=0 ks=() r t0
	while [ $# -gt 0 ]; do
		case $1 in
		--cached) cached=1; shift ;;
		*) ks+=("$1"); shift ;;
		esac
	done
	t0=$(now)
	local rlist
	rlist=$(roles "${ks[@]}")
	if [ $cached -eq 1 ]; then
		local why
		if ! why=$(available_reason); then
			echo "kernel tests: skipped ($why)"
			return 0
		fi
		local keep=""
		for r in $rlist; do
			if kernel_cached "$r"; then keep="$keep $r"; else pin "$r"; echo "kernel tests: $P_VER skipped (not built; make check-kernel builds it)"; fi
		done
		rlist=$keep
	else
		deps
		command -v "$QEMU" >/dev/null || die "$QEMU is not installed (scripts/deps.sh lab)"
		for r in $rlist; do ensure_kernel "$r"; done
	fi
	# The project, as the guest will run it.
	local built=1 tb
	tb=$(now)
	mkdir -p "$OUT"
	if ! make -C "$REPO" -s -j"$JOBS" all unit >"$OUT/make.log" 2>&1; then
		built=0
		echo "lab: 'make all unit' failed; only the kernel's selftests run (log: $OUT/make.log):"
		{ grep -E 'error:|Error [0-9]+' "$OUT/make.log" || tail -5 "$OUT/make.log"; } | head -12 | sed 's/^/    /'
	else
		note "project built in $(since "$tb") s"
		# The simulator with planted bugs: the differential test must catch each.
		local m
		rm -rf "$REPO/build/mutants"
		mkdir -p "$REPO/build/mutants"
		for m in $LAB_MUTANTS; do
			if make -C "$REPO" -s -j"$JOBS" B=build-mutant$m CFLAGS=-DSIM_MUTANT=$m \
				build-mutant$m/ifd-diff >>"$OUT/make.log" 2>&1; then
				cp "$REPO/build-mutant$m/ifd-diff" "$REPO/build/mutants/ifd-diff-mutant$m"
			else
				echo "lab: building mutant $m failed (log: $OUT/make.log)"
				built=0
			fi
		done
	fi
	initramfs
	local fail=$((1 - built)) r
	for r in $rlist; do
		pin "$r"
		local kfail=0 sum steps sel total notrun="" where
		abi_one "$r" || kfail=1
		sum=$(mktemp)
		steps=$(mktemp)
		sel=$(mktemp)
		local sargs
		sargs=$(series_opt "$P_SERIES" selftest-args "")
		[ -z "$sargs" ] || echo "[$P_VER] the iommufd selftest runs with '$sargs' (tests/vm/series.conf)"
		printf 'selftest-iommufd\t300\t%s\n' "dmesg -n 1; /lab/kernel/iommufd $sargs; rc=\$?; dmesg -n 7; exit \$rc" >> "$sel"
		printf 'selftest-fail_nth\t180\t%s\n' 'dmesg -n 1; /lab/kernel/iommufd_fail_nth; rc=$?; dmesg -n 7; exit $rc' >> "$sel"
		where=$(series_opt "$P_SERIES" selftest-viommu same)
		if [ "$where" = none ]; then
			echo "[$P_VER] the selftests run in a boot without a vIOMMU (tests/vm/series.conf)"
			total=$(awk -F'\t' '{ s += $2 } END { print s + 120 }' "$sel")
			LAB_VIOMMU= run_steps "$r" "$total" check-selftest "$sel" || kfail=1
			cat "$RUNDIR/summary.tsv" >> "$sum" 2>/dev/null || true
		else
			cat "$sel" >> "$steps"
		fi
		if [ $built -eq 1 ] && [ -x "$REPO/build/iommuctl" ]; then
			printf 'iommuctl-status\t60\t%s\n' 'build/iommuctl status' >> "$steps"
			# Real DMA with the edu device through a VT-d page table iommufd programmed.
			printf 'vtd-dma\t120\t%s\n' 'build/lab-vtd-dma' >> "$steps"
			# iommuctl doctor on a real host: ready, then the device unbound.
			printf 'doctor\t120\t%s\n' 'tests/vm/doctor-check.sh' >> "$steps"
			# iommuctl device vfio-release / vfio-bind: real sysfs writes.
			printf 'device-sysfs\t120\t%s\n' 'tests/vm/device-sysfs.sh' >> "$steps"
		else
			notrun="$notrun iommuctl-status vtd-dma doctor device-sysfs"
		fi
		if [ $built -eq 1 ] && [ -x "$REPO/tests/run.sh" ]; then
			printf 'suite\t600\t%s\n' "IFD_TEST_BACKEND=kernel tests/run.sh --build build --label kernel-$P_SERIES" >> "$steps"
		else
			notrun="$notrun suite"
		fi
		# Differential tests against this kernel: the simulator emulates the main
		# series, so they run there only.  Every mutant must be caught.
		if [ $built -eq 1 ] && [ "$P_ROLE" = main ]; then
			printf 'diff\t900\t%s\n' "build/ifd-diff --mock --quiet --sequences $LAB_DIFF_SEQUENCES --length 60 --seed $LAB_DIFF_SEED" >> "$steps"
			# PASID attachments have a flag of their own (the sequences of a seed
			# without it stay what they were)
			printf 'diff-pasid\t600\t%s\n' "build/ifd-diff --mock --pasid --quiet --stats --sequences $((LAB_DIFF_SEQUENCES / 2)) --length 60 --seed $LAB_DIFF_SEED" >> "$steps"
			printf 'diff-viommu\t600\t%s\n' "build/ifd-diff --mock --viommu --hw-queue --quiet --stats --sequences $((LAB_DIFF_SEQUENCES / 2)) --length 60 --seed $LAB_DIFF_SEED" >> "$steps"
			# fault and vEVENT queues likewise (the simulator's queue fds are
			# AF_UNIX sockets: kernel.config has CONFIG_UNIX for them)
			printf 'diff-queues\t600\t%s\n' "build/ifd-diff --mock --viommu --queues --quiet --stats --sequences $((LAB_DIFF_SEQUENCES / 2)) --length 60 --seed $LAB_DIFF_SEED" >> "$steps"
			# VFIO_DEVICE_BIND_IOMMUFD and ATTACH/DETACH_IOMMUFD_PT on the edu
			# device's cdev (vfio0, behind intel-iommu) against a simulator
			# made with the intel-vtd profile
			printf 'diff-vfio\t600\t%s\n' "build/ifd-diff --vfio --quiet --stats --sequences $((LAB_DIFF_SEQUENCES / 2)) --length 60 --seed $LAB_DIFF_SEED" >> "$steps"
			printf 'diff-regress\t300\t%s\n' "grep -v '^#' tests/diff/regress.txt | while read -r seed len opt; do [ -n \"\$seed\" ] || continue; build/ifd-diff --quiet --sequences 1 --seed \$seed --length \$len \$opt || exit 1; done" >> "$steps"
			for m in $LAB_MUTANTS; do
				printf 'mutant%s\t600\t%s\n' "$m" "build/mutants/ifd-diff-mutant$m --mock --quiet --sequences $LAB_DIFF_SEQUENCES --length 60 --seed $LAB_DIFF_SEED; rc=\$?; if [ \$rc -eq 1 ]; then echo 'mutant $m: caught'; exit 0; fi; echo 'mutant $m: NOT caught (ifd-diff exit '\$rc')'; exit 1" >> "$steps"
			done
		fi
		if [ -s "$steps" ]; then
			total=$(awk -F'\t' '{ s += $2 } END { print s + 120 }' "$steps")
			LAB_SHOW_STEPS=iommuctl-status run_steps "$r" "$total" check "$steps" || kfail=1
			cat "$RUNDIR/summary.tsv" >> "$sum" 2>/dev/null || true
		fi
		# A boot without interrupt remapping: doctor must say so, and the
		# kernel must refuse to bind the device.
		if [ $built -eq 1 ] && [ "$P_ROLE" = main ]; then
			printf 'doctor-noir\t120\t%s\n' 'tests/vm/doctor-noir.sh' > "$sel"
			LAB_VIOMMU=intel-iommu,intremap=off run_steps "$r" 240 check-noir "$sel" || kfail=1
			cat "$RUNDIR/summary.tsv" >> "$sum" 2>/dev/null || true
		fi
		for s in $notrun; do
			case $s in
			suite) echo "[$P_VER] step suite: not run ($([ $built -eq 1 ] && echo "tests/run.sh does not exist yet" || echo "the project did not build"))" ;;
			*) echo "[$P_VER] step $s: not run ($([ $built -eq 1 ] && echo "build/iommuctl does not exist" || echo "the project did not build"))" ;;
			esac
			printf '%s\tnotrun\t\t\n' "$s" >> "$sum"
		done
		[ $kfail -eq 0 ] && record_status "$r" "$sum"
		rm -f "$steps" "$sel" "$sum"
		fail=$((fail | kfail))
	done
	echo "lab: check took $(since "$t0") s"
	return $fail
}

# ---- available / versions / update ---------------------------------------------

# Prints the reason and returns 1 when the lab cannot run without a build.
available_reason() {
	command -v "$QEMU" >/dev/null || { echo "$QEMU is not installed; scripts/deps.sh lab installs it"; return 1; }
	[ -f "$PINS" ] || { echo "tests/vm/kernel-version is missing"; return 1; }
	local r have="" miss=""
	for r in $(roles); do
		if kernel_cached "$r"; then have="$have $P_VER"; else miss="$miss $P_VER"; fi
	done
	if [ -z "$have" ]; then
		echo "no lab kernel is cached for the pinned versions/config:$miss; 'make check-kernel' builds them (~20 min)"
		return 1
	fi
	echo "${have# }"
}

cmd_available() {
	local out
	if out=$(available_reason); then
		echo "$out"
		return 0
	fi
	echo "$out"
	return 1
}

cmd_versions() {
	local r kd
	for r in $(roles); do
		pin "$r"
		kd=$(kdir)
		printf '%-5s %-18s %-22s %-19s config %s  ' "$P_ROLE" "$P_PKG" "$P_VER" "$P_SUITE" "${kd##*-}"
		if [ -f "$kd/BUILD-INFO" ]; then echo "built ($kd)"
		elif [ -s "$(deb_path)" ]; then echo "source cached, not built"
		else echo "not cached"
		fi
	done
}

cmd_update() {
	deps
	[ "$(id -u)" -eq 0 ] && { apt-get update -q >/dev/null 2>&1 || note "apt-get update failed; using the lists apt has"; }
	local main_pkg="" main_ver="" p v
	# The newest linux-source-X.Y in unstable.
	for p in $(apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' | awk '{ print $1 }'); do
		v=$(apt_newest "$p" unstable)
		[ -n "$v" ] || continue
		if [ -z "$main_ver" ] || dpkg --compare-versions "$v" gt "$main_ver"; then
			main_pkg=$p main_ver=$v
		fi
	done
	[ -n "$main_ver" ] || die "apt knows no linux-source-X.Y in unstable (is unstable in apt's sources? scripts/deps.sh lab adds it)"
	local old_pkg=linux-source-6.12 old_suite=bookworm-backports old_ver
	if [ -f "$PINS" ] && pin_lines | awk '$1 == "old"' | grep -q .; then
		pin old
		old_pkg=$P_PKG old_suite=$P_SUITE
	fi
	old_ver=$(apt_newest "$old_pkg" "$old_suite")
	[ -n "$old_ver" ] || die "apt knows no $old_pkg in $old_suite"
	local before=""
	[ -f "$PINS" ] && before=$(pin_lines)
	{
		echo "# The kernels of the VM lab (tests/vm/lab.sh), pinned: a machine that has them"
		echo "# cached keeps using them.  'make lab-update' moves them to what Debian offers"
		echo "# now and rewrites this file.  main: the newest linux-source-X.Y of unstable;"
		echo "# old: an older series, from bookworm-backports."
		echo "# ROLE PACKAGE VERSION SUITE"
		printf '%s %s %s %s\n' main "$main_pkg" "$main_ver" unstable
		printf '%s %s %s %s\n' old "$old_pkg" "$old_ver" "$old_suite"
	} > "$PINS.new"
	mv "$PINS.new" "$PINS"
	if [ "$before" = "$(pin_lines)" ]; then
		echo "lab: the pins are current: $main_pkg $main_ver, $old_pkg $old_ver"
	else
		echo "lab: tests/vm/kernel-version now pins $main_pkg $main_ver (unstable) and $old_pkg $old_ver ($old_suite)"
		[ -n "$before" ] && echo "$before" | sed 's/^/lab:   was: /'
		[ -f "$HERE/kernel-${main_pkg#linux-source-}.config" ] || [ "$main_pkg" = "$(echo "$before" | awk '$1 == "main" { print $2 }')" ] ||
			echo "lab: note: the main series changed; check tests/vm/kernel.config against it"
	fi
	local r
	for r in main old; do fetch_one "$r"; done
	echo "lab: sources cached; 'make check-kernel' builds and tests the new kernels"
}

cmd_clean() {
	rm -rf "$LAB/src" "$LAB/obj"
	echo "lab: removed $LAB/src and $LAB/obj (built kernels stay in $KERNELS)"
}

# ---- selfcheck -------------------------------------------------------------------

cmd_selfcheck() {
	local d=$HERE/testdata f fail=0 expect
	for f in "$d"/*.log; do
		expect=clean
		case ${f##*/} in bad-*) expect=bad ;; esac
		if scan "$f" > /dev/null; then got=clean; else got=bad; fi
		if [ "$got" = "$expect" ]; then
			echo "ok   scan ${f##*/}: $got"
		else
			echo "FAIL scan ${f##*/}: expected $expect, got $got"; fail=1
		fi
	done
	# verify_config on a synthetic pair.
	local tmp
	tmp=$(mktemp -d)
	printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\nCONFIG_D=18\nCONFIG_E=y\n' > "$tmp/frag"
	printf 'CONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\nCONFIG_D=17\n' > "$tmp/config"
	out=$(verify_config "$tmp/frag" "$tmp/config" || true)
	for s in B C D E; do
		if echo "$out" | grep -q "CONFIG_$s:"; then echo "ok   verify_config names CONFIG_$s"; else echo "FAIL verify_config misses CONFIG_$s"; fail=1; fi
	done
	if echo "$out" | grep -q "CONFIG_A:"; then echo "FAIL verify_config flags CONFIG_A"; fail=1; else echo "ok   verify_config accepts CONFIG_A"; fi
	printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\nCONFIG_D=18\nCONFIG_E=y\n' > "$tmp/config"
	if verify_config "$tmp/frag" "$tmp/config" >/dev/null; then echo "ok   verify_config passes a matching config"; else echo "FAIL verify_config on a matching config"; fail=1; fi
	# The results parser, including a marker glued to an unterminated line.
	printf '@@LAB begin uptime=1.5 uname=x\r\n@@LAB dmesg 0 boot\nk [0.1] hello\n@@LAB step 1 a begin timeout=5\n| out1\n| part@@LAB step 1 a end rc=3 secs=0.50\n@@LAB dmesg 1 a\nk [1.0] x\n@@LAB done uptime=2.0\n' > "$tmp/res"
	mkdir -p "$tmp/p"
	parse_results "$tmp/res" "$tmp/p"
	if [ "$(cat "$tmp/p/steps.tsv")" = "$(printf '1\ta\t3\t0.50\t')" ] && [ "$(cat "$tmp/p/step-1-a.out")" = "$(printf 'out1\npart')" ] &&
		[ -f "$tmp/p/done" ] && grep -q 'hello' "$tmp/p/kernel.log"; then
		echo "ok   parse_results"
	else
		echo "FAIL parse_results"; fail=1
	fi
	# The effective fragment of every series with an overlay parses.
	for f in "$HERE"/kernel-*.config; do
		[ -f "$f" ] || continue
		s=${f##*/kernel-}; s=${s%.config}
		if fragment "$s" > /dev/null; then echo "ok   fragment $s ($(frag_hash "$s"))"; else echo "FAIL fragment $s"; fail=1; fi
	done
	rm -rf "$tmp"
	return $fail
}

# selfcheck --guest [K]: the lab against a real kernel.  Each case boots K with
# a step list and must fail the run with the given text in the report.
guest_case() { # NAME TOTAL-TIMEOUT STEP-TIMEOUT EXPECTED-REGEX CMD...
	local name=$1 total=$2 st=$3 re=$4 steps out rc=0 c i=0
	shift 4
	steps=$(mktemp)
	for c; do i=$((i + 1)); printf '%s\t%s\t%s\n' "$name$i" "$st" "$c" >> "$steps"; done
	out=$(run_steps "$GUEST_K" "$total" "selfcheck-$name" "$steps" 2>&1) || rc=$?
	rm -f "$steps"
	if [ $rc -ne 0 ] && echo "$out" | grep -Eq "$re"; then
		echo "ok   guest $name: the run failed and the report matches /$re/"
		[ "${LAB_VERBOSE:-0}" != 1 ] || echo "$out" | sed 's/^/       /'
		return 0
	fi
	echo "FAIL guest $name: rc=$rc, expected a failed run matching /$re/; report:"
	echo "$out" | sed 's/^/       /'
	return 1
}

cmd_selfcheck_guest() {
	GUEST_K=${1:-main}
	pin "$GUEST_K"
	kernel_cached "$GUEST_K" || die "$P_VER: no cached kernel (tests/vm/lab.sh build $GUEST_K)"
	[ -f "$OUT/initramfs.cpio.gz" ] || initramfs
	local fail=0 d=/sys/kernel/debug/provoke-crash/DIRECT
	guest_case pass-then-fail 60 30 'step pass-then-fail2: FAILED rc=3' 'true' 'echo about to fail; exit 3' || fail=1
	guest_case warn 60 30 '> .*WARNING:' "echo WARNING > $d; echo survived" || fail=1
	guest_case bug 60 30 '> .*(kernel BUG at|Oops)' "echo BUG > $d; echo survived" || fail=1
	guest_case kmsg-warn 60 30 'kernel log problems.*' "echo 'WARNING: CPU: 0 PID: 1 at lab/planted.c:1 lab_planted' > /dev/kmsg" || fail=1
	guest_case step-timeout 60 3 'step step-timeout1: FAILED .*timed out' 'sleep 30; echo never' || fail=1
	guest_case hang 20 600 'HANG: qemu did not finish' 'sleep 600' || fail=1
	return $fail
}

# One lab run at a time per output tree: runs share build/vm (the initramfs,
# runs/SERIES-NAME), and two at once would clobber each other's results.
lock_out() {
	mkdir -p "$OUT"
	exec 8>"$OUT/.lock"
	if ! flock -n 8; then
		note "another lab run is using $OUT; waiting for it"
		flock 8
	fi
}

# ---- main ------------------------------------------------------------------------

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
available) cmd_available ;;
versions) cmd_versions ;;
fetch) deps; for r in $(roles "$@"); do fetch_one "$r"; done ;;
build) deps; for r in $(roles "$@"); do ensure_kernel "$r"; done ;;
initramfs) lock_out; initramfs ;;
run) lock_out; cmd_run "$@" ;;
check) lock_out; cmd_check "$@" ;;
abi) rc=0; for r in $(roles "$@"); do abi_one "$r" || rc=1; done; exit $rc ;;
scan) scan "$@" ;;
selfcheck) if [ "${1:-}" = --guest ]; then shift; lock_out; cmd_selfcheck_guest "$@"; else cmd_selfcheck; fi ;;
update) cmd_update ;;
clean) cmd_clean ;;
fragment) pin "${1:-main}"; fragment "$P_SERIES" ;;
""|-h|--help|help) sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' ;;
*) die "unknown command '$cmd' (tests/vm/lab.sh help)" ;;
esac
