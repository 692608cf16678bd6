#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# scripts/demo.sh IOMMUCTL: the `make run` demo.  A short iommuctl session on a
# fresh simulator state in a temporary directory: create the simulator, allocate
# an IOAS, map at a fixed IOVA, map where the IOAS chooses, query, unmap, free.
# Each command is printed ("$ iommuctl ...") and then its real output.  Stops at
# the first command that fails; removes the temporary directory in any case.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 IOMMUCTL" >&2
	exit 2
fi
if ! [ -x "$1" ]; then
	echo "demo: $1 is not an executable (run make first)" >&2
	exit 1
fi
ctl=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")

dir=$(mktemp -d "${TMPDIR:-/tmp}/iommufd-demo.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM HUP
STATE=$dir/state
out=$dir/out

# Deterministic, uncoloured output whatever the caller's environment.
export LC_ALL=C NO_COLOR=1
unset IOMMUFD_SIM

# run ARGS...: print the command, run it, print its output; stop on failure.
# Its stdout is also left in $out for the next step to read.
run() {
	local rc=0
	printf '$ iommuctl --sim=$STATE'
	printf ' %s' "$@"
	printf '\n'
	"$ctl" --sim="$STATE" "$@" </dev/null >"$out" 2>"$dir/err" || rc=$?
	cat "$out" "$dir/err"
	if [ "$rc" -ne 0 ]; then
		echo
		echo "demo: stopped: 'iommuctl $*' failed (exit $rc)" >&2
		exit 1
	fi
	echo
}

# json_val FILTER: read a value from the JSON document in $out.
json_val() {
	local v
	v=$(jq -r "$1" "$out" 2>/dev/null) || v=
	if [ -z "$v" ] || [ "$v" = null ]; then
		echo "demo: stopped: no $1 in the output of the last command:" >&2
		cat "$out" >&2
		exit 1
	fi
	printf '%s\n' "$v"
}

echo "# iommuctl $("$ctl" --version 2>/dev/null | head -n 1 | sed 's/^iommuctl //')"
echo "# A session on a fresh simulator state (no /dev/iommu needed), removed at the end:"
echo "\$ STATE=$STATE"
echo

run sim create

run -J alloc
ioas=$(json_val '.ioas[0].id')

# A fixed IOVA: 64 KiB of anonymous memory at 0x100000.
run map --ioas "$ioas" --size 64K --iova 0x100000

# No --iova: the IOAS picks the address; the memory is the simulator's own.
run -J map --ioas "$ioas" --sim-mem 1M
iova=$(json_val '.mappings[0].iova')

# A second IOAS gets the same pages (IOMMU_IOAS_COPY), inside an allowed window.
run -J alloc
other=$(json_val '.ioas[0].id')
run allow set --ioas "$other" 0x40000000+1G
run copy --src-ioas "$ioas" --dst-ioas "$other" --range 0x100000+64K
run query --ioas "$other"

# The kernel's selftest mock device: attaching it narrows the IOAS to the
# mock IOMMU's aperture; its hardware information, decoded.
run -J alloc
mioas=$(json_val '.ioas[0].id')
run -J mock domain --ioas "$mioas"
idev=$(json_val '.mock_devices[0].idev_id')
run query --ioas "$mioas"
run hw-info --dev-id "$idev"

run unmap --ioas "$ioas" --iova 0x100000 --length 64K
run unmap --ioas "$ioas" --all
run query --ioas "$ioas"
run free "$ioas"

# The same kind of work as a batch: names instead of IDs, one context.
printf '%s\n' 'alloc --name a' 'map --ioas @a --sim-mem 64K --iova 0x200000' \
	'option get --ioas @a huge-pages' 'query --ioas @a' 'free @a' >"$dir/batch"
echo "\$ cat batch"
cat "$dir/batch"
run -b "$dir/batch"

# Is this machine ready for device passthrough? (It reads the host only.)
printf '$ iommuctl doctor\n'
"$ctl" doctor </dev/null 2>&1 || echo "(exit $?: not ready; each FIX says what to do)"
echo

echo "# Done: the IOAS chose IOVA $iova for the mapping made without --iova."
man=$(dirname "$1")/man/iommuctl.8
echo "# More: $1 --help; man ./$man"
