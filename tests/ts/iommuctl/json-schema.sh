#!/bin/bash
# The JSON documents against iommuctl-json(7): every object the page
# describes has exactly the keys it lists, with the types it lists, in real
# output of the simulator.  The page's tables are the machine-checked list:
# "## LABEL: PATH" headings, then "|  key" / ":  type" rows.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"
. "$TS_TOP/tests/ts/iommuctl/host-fixture.bash"

scd=$TS_TOP/man/iommuctl-json.7.scd
# LABEL<TAB>PATH<TAB>{"key": "type", ...}
awk '
	/^## / { flush(); sub(/^## /, ""); label = $0; sub(/: .*/, "", label); path = $0; sub(/^[^:]*: /, "", path); next }
	/^# / { flush(); label = ""; next }
	label != "" && /^\|  / { key = substr($0, 4); want_type = 1; next }
	label != "" && want_type && /^:  / { spec = spec (spec ? ", " : "") "\"" key "\": \"" substr($0, 4) "\""; want_type = 0; next }
	function flush() { if (label != "" && spec != "") print label "\t" path "\t{" spec "}"; spec = "" }
	END { flush() }
' "$scd" >"$TS_TMP/schema"
[ "$(wc -l <"$TS_TMP/schema")" -ge 20 ] || ts_fail "could not read the tables of ${scd##*/}"

# Documents to check, one per label, all from one simulator session.
docs=$TS_TMP/docs
mkdir -p "$docs"
j() { "$IOMMUCTL" -J "$@"; }
sim_new
j alloc >"$docs/alloc"
j alloc >/dev/null
j map --ioas 1 --sim-mem 4K --iova 0x1000 >"$docs/map"
j map --ioas 1 --size 4K >/dev/null
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=$TS_TMP
f=$(mktemp "$shm/iommuctl-schema.XXXXXX")
trap 'rm -f "$f"' EXIT
truncate -s 8K "$f"
j map --ioas 1 --file "$f" --length 4K >/dev/null 2>&1 || true
j allow set --ioas 1 0x100000-0x1fffff 0x400000+1M >/dev/null
j query --ioas 1 >"$docs/query --ioas"
j allow show --ioas 1 >"$docs/allow show"
j copy --src-ioas 1 --dst-ioas 1 --range 0x1000+4K --dst-iova 0x9000000 >"$docs/copy"
j option get --ioas 1 >"$docs/option get"
j vfio-ioas set --ioas 1 >"$docs/vfio-ioas get"
printf '%s\n' 'alloc --name a' 'free @b' 'free @a' | j --force -b - >"$docs/batch.lines" || true
jq -s '.[]' "$docs/batch.lines" >"$docs/batch"
[ "$(jq -s 'length' "$docs/batch")" -eq 3 ] || ts_fail "the batch printed no 3 records"
j query >"$docs/query"
j unmap --ioas 1 --range 0x1000+4K >"$docs/unmap"
j free 2 >"$docs/free"
j --sim status >"$docs/status"
j sim info >"$docs/sim info"
j sim check >"$docs/sim check"
j --sim="$TS_TMP/other.state" sim create >"$docs/sim create"
j sim reset >"$docs/sim reset"
j -H map >"$docs/--list-columns"
# the mock in a state of its own: IOAS 1, selftest object 2, device 3
jm() { "$IOMMUCTL" -J --sim="$TS_TMP/mock.state" "$@"; }
jm sim create >/dev/null
jm alloc >/dev/null
jm mock domain --ioas 1 >"$docs/mock domain"
jm mock reserve --ioas 1 --range 0x40000000+4K >"$docs/mock reserve"
jm mock replace --stdev 2 --pt 1 >"$docs/mock replace"
jm mock detach --stdev 2 >/dev/null			# PASID 0: the device itself
jm mock attach --stdev 2 --pt 1 >"$docs/mock attach"	# back to a domain 4
jm hw-info --dev-id 3 >"$docs/hw-info"
jm mock trigger-iopf --dev-id 3 --addr 0x1000 >"$docs/mock trigger-iopf"
jm change-process >"$docs/change-process"	# no mappings: nothing that cannot move
# user HWPTs, vIOMMU objects and queues on the simulator's mock (ids 5 on)
jm hwpt alloc --dev-id 3 --pt 1 --nest-parent --dirty-tracking >"$docs/hwpt alloc"
jm map --ioas 1 --size 64K --iova 0x1000000 >/dev/null
jm hwpt set-dirty --hwpt 5 --on >"$docs/hwpt set-dirty"
jm hwpt get-dirty --hwpt 5 --range 0x1000000+64K >/dev/null
jm mock dirty --hwpt 5 --range 0x1000000+64K --bitmap 0x8005 >"$docs/mock dirty"
jm hwpt get-dirty --hwpt 5 --range 0x1000000+64K --bitmap >"$docs/hwpt get-dirty"
jq -e '(.dirty | length) == 3 and .bitmap[0].bits == "0x8005"' "$docs/hwpt get-dirty" >/dev/null ||
	ts_fail "hwpt get-dirty did not find the pages mock dirty marked: $(cat "$docs/hwpt get-dirty")"
jm hwpt alloc --dev-id 3 --pt 5 --data-type selftest --data iotlb=1 >/dev/null
jm hwpt invalidate --hwpt 6 --data-type selftest --entry flags=1 >"$docs/hwpt invalidate"
jm viommu alloc --dev-id 3 --hwpt 5 --type selftest >"$docs/viommu alloc"
jm vdevice alloc --viommu 7 --dev-id 3 --virt-id 0x99 >"$docs/vdevice alloc"
jm hw-queue alloc --viommu 7 --type selftest --index 0 --base-addr 0x1000000 --length 4K \
	>"$docs/hw-queue alloc"
jm veventq alloc --viommu 7 --type selftest >"$docs/veventq alloc"
jm fault alloc >"$docs/fault alloc"
# the queues' reads need their fd: one batch, each line's result
"$IOMMUCTL" --sim="$TS_TMP/queues.state" sim create >/dev/null
printf '%s\n' 'alloc --name a' 'mock domain --ioas @a' \
	'hwpt alloc --dev-id 3 --pt @a --nest-parent --name p' \
	'viommu alloc --dev-id 3 --hwpt @p --type selftest --name v' \
	'vdevice alloc --viommu @v --dev-id 3 --virt-id 0x99' \
	'hwpt alloc --dev-id 3 --pt @v --data-type selftest --data iotlb=1 --name n' \
	'mock replace --stdev 2 --pt @n' 'veventq alloc --viommu @v --type selftest --name q' \
	'mock trigger-vevent --dev-id 3' 'veventq read --veventq @q' \
	'fault alloc --name f' 'hwpt alloc --dev-id 3 --pt @p --fault @f --data-type selftest --data iotlb=1 --name fn' \
	'mock replace --stdev 2 --pt @fn' 'mock trigger-iopf --dev-id 3 --addr 0x1000' \
	'fault read --fault @f' 'fault respond --fault @f --cookie 1' |
	"$IOMMUCTL" -J --sim="$TS_TMP/queues.state" -b - >"$docs/queues.lines" ||
	ts_fail "the queue batch failed: $(tail -n 1 "$docs/queues.lines")"
for cmd in 'mock trigger-vevent' 'veventq read' 'fault read' 'fault respond'; do
	jq -s --arg c "$cmd" '[.[] | select(.command == $c)][0].result' "$docs/queues.lines" >"$docs/$cmd"
done
fixture_host "$TS_TMP/host"
IOMMUCTL_SYSROOT=$TS_TMP/host j doctor 0000:00:02.0 >"$docs/doctor"
IOMMUCTL_SYSROOT=$TS_TMP/host j device list >"$docs/device list"
IOMMUCTL_SYSROOT=$TS_TMP/host j device vfio-release 0000:00:02.0 >"$docs/device vfio-release"
# the host a VT-d state with a mock device emulates (fixture_host above made
# sure that mknod works)
js() { "$IOMMUCTL" -J --sim="$TS_TMP/vtd.state" "$@"; }
js sim create --profile intel-vtd >/dev/null
js alloc >/dev/null
js mock domain --ioas 1 >/dev/null
js sim sysroot "$TS_TMP/sysroot" >"$docs/sim sysroot"
j free 1 9 3 2>"$docs/error" >/dev/null && ts_fail "free 9 succeeded"
# sim create and sim reset print the sim info document
grep -P '^sim info\t' "$TS_TMP/schema" | sed 's/^sim info/sim create/' >>"$TS_TMP/schema"
grep -P '^sim info\t' "$TS_TMP/schema" | sed 's/^sim info/sim reset/' >>"$TS_TMP/schema"


check='
def ok($v; $t): any(($t | split("|"))[];
	if . == "null" then $v == null
	elif . == "integer" then ($v | type) == "number" and ($v | floor) == $v
	elif . == "hex-string" then ($v | type) == "string" and ($v | test("^0x[0-9a-f]+$"))
	elif . == "string" then ($v | type) == "string"
	elif . == "boolean" then ($v | type) == "boolean"
	elif . == "array" then ($v | type) == "array"
	elif . == "object" then ($v | type) == "object"
	else error("unknown type \(.) in the page") end);
[objs | . as $o |
	(if ($o | type) != "object" then "not an object: \($o)" else empty end),
	(($o | keys) - ($spec | keys) | select(length > 0) | "undocumented keys \(.)"),
	(($spec | keys) - ($o | keys) | select(length > 0) | "missing keys \(.)"),
	($spec | to_entries[] | . as $e | select($o | has($e.key))
		| select(ok($o[$e.key]; $e.value) | not)
		| "\($e.key) = \($o[$e.key] | tojson) is not \($e.value)")] as $errs
| if ($errs | length) > 0 then ($errs | unique | .[]) elif ([objs] | length) == 0 then "EMPTY" else empty end'

# Documents only a kernel with a VFIO device can give (tests/ts/iommuctl/device.sh
# checks their keys there).
kernel_only=' device bind device attach '

bad=0
while IFS=$'\t' read -r label path spec; do
	doc=$docs/$label
	case $kernel_only in *" $label "*) continue ;; esac
	[ -s "$doc" ] || { echo "schema: no document for '$label'" >&2; bad=1; continue; }
	res=$(jq -r --argjson spec "$spec" "def objs: $path; $check" "$doc") ||
		{ echo "schema: jq failed on '$label' $path" >&2; bad=1; continue; }
	if [ "$res" = EMPTY ]; then
		echo "schema: '$label' $path: no object there to check" >&2
		bad=1
	elif [ -n "$res" ]; then
		echo "$res" | sed "s|^|schema: '$label' $path: |" >&2
		bad=1
	fi
done <"$TS_TMP/schema"
[ "$bad" -eq 0 ] || ts_fail "output and iommuctl-json(7) disagree"
