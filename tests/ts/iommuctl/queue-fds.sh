#!/bin/bash
# backends: sim kernel
# Fault and vEVENT queue fds across invocations: 'fault alloc --fault-fd N
# -- COMMAND' (veventq alloc --veventq-fd) runs COMMAND with the queue's fd
# at N, and the iommuctl commands COMMAND runs read and answer it with
# --fault-fd N (--veventq-fd N), each a process of its own, while other
# processes make the mock fault.  The same flows on both backends: on the
# kernel COMMAND inherits the fd; on the simulator the allocating iommuctl
# stays to serve the queue.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

usage() { ts_expect_exit 2 "$IOMMUCTL" "$@"; }
usage fault read --fault 1 --fault-fd 5
ts_grep 'give either --fault ID' "$TS_TMP/err"
usage fault read --fault-fd 77
ts_grep 'not an open fd of this process' "$TS_TMP/err"
usage fault read --fault-fd 1x
usage fault respond --fault-fd 0 --cookie 1
ts_grep 'not the fd of a fault queue (it is /dev/null)' "$TS_TMP/err"
usage veventq read --veventq-fd 0
usage veventq read --veventq 1 --veventq-fd 0
usage fault alloc --fault-fd 5
ts_grep 'which COMMAND gets the fd' "$TS_TMP/err"
usage fault alloc -- true
ts_grep 'goes after --fault-fd N --' "$TS_TMP/err"
usage fault alloc --fault-fd 2 -- true
usage fault alloc --fault-fd 4 -- true 4</dev/null
ts_grep 'has that fd open already' "$TS_TMP/err"
usage veventq alloc --viommu 1 --type selftest --veventq-fd 5
printf '%s\n' 'fault alloc --fault-fd 5 -- true' >"$TS_TMP/b"
usage -b "$TS_TMP/b"
ts_grep 'a batch or shell keeps the queue' "$TS_TMP/err"

sim_new
mock_main_series_only

run alloc
ioas=$(jq_r '.ioas[0].id' "$TS_TMP/out")
run mock domain --ioas "$ioas"
stdev=$(jq_r '.mock_devices[0].stdev_id' "$TS_TMP/out")
dev=$(jq_r '.mock_devices[0].idev_id' "$TS_TMP/out")
run hwpt alloc --dev-id "$dev" --pt "$ioas" --nest-parent
parent=$(jq_r '.hwpts[0].id' "$TS_TMP/out")

# ---- a fault queue handed to a script --------------------------------------
# step NAME ARGS...: iommuctl -J ARGS in a process of its own; its stdout,
# stderr and exit status in $TS_TMP/NAME.{out,err,rc}
cat >"$TS_TMP/lib.sh" <<'EOS'
step() {
	local name=$1 rc=0
	shift
	$IOMMUCTL -J "$@" >"$TS_TMP/$name.out" 2>"$TS_TMP/$name.err" || rc=$?
	echo "$rc" >"$TS_TMP/$name.rc"
}
# the same as a table (notes are not in JSON)
stept() {
	local name=$1 rc=0
	shift
	$IOMMUCTL "$@" >"$TS_TMP/$name.out" 2>"$TS_TMP/$name.err" || rc=$?
	echo "$rc" >"$TS_TMP/$name.rc"
}
EOS
cat >"$TS_TMP/fault.sh" <<'EOS'
. "$TS_TMP/lib.sh"
printf '%s\n' "$IOMMUCTL_QUEUE_FD5" >"$TS_TMP/env"
set -- $IOMMUCTL_QUEUE_FD5
step nested hwpt alloc --dev-id "$DEV" --pt "$PARENT" --fault "$2" --data-type selftest --data iotlb=1
nested=$(jq -r '.hwpts[0].id' "$TS_TMP/nested.out")
step replace mock replace --stdev "$STDEV" --pt "$nested"
step read0 fault read --fault-fd 5
step iopf mock trigger-iopf --dev-id "$DEV" --pasid 1 --grpid 2 --addr 0xdeadbeef
step read1 fault read --fault-fd 5
cookie=$(jq -r '.faults[0].cookie' "$TS_TMP/read1.out")
step badcode fault respond --fault-fd 5 --cookie "$cookie" --code 2
step respond fault respond --fault-fd 5 --cookie "$cookie"
step again fault respond --fault-fd 5 --cookie "$cookie" --code invalid
step read2 fault read --fault-fd 5
# a fault raised while the read waits
( sleep 1; $IOMMUCTL mock trigger-iopf --dev-id "$DEV" --addr 0x2000 >/dev/null ) &
step wait fault read --fault-fd 5 --wait 20
wait
step respond2 fault respond --fault-fd 5 --cookie "$(jq -r '.faults[0].cookie' "$TS_TMP/wait.out")"
# an fd nothing describes: the kernel's reads as well; the simulator's shows
# what its server last wrote, and says so
IOMMUCTL_QUEUE_FD5= stept bare fault read --fault-fd 5
step back mock replace --stdev "$STDEV" --pt "$PARENT"
step freenested free "$nested"
exit 7
EOS
rc=0
DEV=$dev STDEV=$stdev PARENT=$parent "$IOMMUCTL" -J fault alloc --fault-fd 5 -- bash "$TS_TMP/fault.sh" \
	>"$TS_TMP/alloc.out" 2>"$TS_TMP/alloc.err" || rc=$?
[ "$rc" -eq 7 ] || ts_fail "fault alloc -- COMMAND: exit $rc, not COMMAND's 7: $(cat "$TS_TMP/alloc.err")"
ts_jq '.fault_queues[0] | .fd == 5 and .lifetime == "inherited"' "$TS_TMP/alloc.out"
fault=$(jq_r '.fault_queues[0].id' "$TS_TMP/alloc.out")
read -r kind id _ <"$TS_TMP/env"
[ "$kind $id" = "fault $fault" ] || ts_fail "IOMMUCTL_QUEUE_FD5 is '$(cat "$TS_TMP/env")'"
for s in nested replace read0 iopf read1 respond read2 wait respond2 bare back freenested; do
	[ "$(cat "$TS_TMP/$s.rc")" = 0 ] || ts_fail "step $s failed: $(cat "$TS_TMP/$s.err")"
done
ts_jq '.faults == []' "$TS_TMP/read0.out"
ts_jq '.faults | length == 1 and (.[0] | .dev_id == '"$dev"' and .pasid == 1 and .grpid == 2 and
	.addr == "0xdeadbeef" and .last)' "$TS_TMP/read1.out"
for s in badcode again; do
	[ "$(cat "$TS_TMP/$s.rc")" = 1 ] || ts_fail "step $s: exit $(cat "$TS_TMP/$s.rc"), not 1"
	ts_jq '.error.errno_name == "EINVAL" and (.error.object | startswith("fault '"$fault"' cookie"))' \
		"$TS_TMP/$s.err"
done
ts_jq --argjson f "$fault" '.responses[0] | .fault == $f and .code_name == "success"' "$TS_TMP/respond.out"
ts_jq '.faults == []' "$TS_TMP/read2.out"
ts_jq '.faults | length == 1 and .[0].addr == "0x2000"' "$TS_TMP/wait.out"
ts_grep '^no faults waiting in fault fd 5$' "$TS_TMP/bare.out"
if ts_on sim; then
	ts_grep 'no iommuctl serves it here' "$TS_TMP/bare.err"
else
	[ ! -s "$TS_TMP/bare.err" ] || ts_fail "the kernel's bare fd read said: $(cat "$TS_TMP/bare.err")"
fi
# COMMAND is gone and with it the fd: nothing holds the queue now
run free "$fault"

# ---- a vEVENTQ handed to a script ------------------------------------------
run viommu alloc --dev-id "$dev" --hwpt "$parent" --type selftest
viommu=$(jq_r '.viommus[0].id' "$TS_TMP/out")
run vdevice alloc --viommu "$viommu" --dev-id "$dev" --virt-id 0x99
run hwpt alloc --dev-id "$dev" --pt "$viommu" --data-type selftest --data iotlb=1
vnested=$(jq_r '.hwpts[0].id' "$TS_TMP/out")
run mock replace --stdev "$stdev" --pt "$vnested"
cat >"$TS_TMP/vevent.sh" <<'EOS'
. "$TS_TMP/lib.sh"
step v0 veventq read --veventq-fd 6
step vt mock trigger-vevent --dev-id "$DEV" --count 2
step v1 veventq read --veventq-fd 6
step vt2 mock trigger-vevent --dev-id "$DEV"
IOMMUCTL_QUEUE_FD6= step vnotype veventq read --veventq-fd 6
IOMMUCTL_QUEUE_FD6= step vbare veventq read --veventq-fd 6 --type selftest
EOS
DEV=$dev "$IOMMUCTL" -J veventq alloc --viommu "$viommu" --type selftest --veventq-fd 6 -- \
	bash "$TS_TMP/vevent.sh" >"$TS_TMP/valloc.out" 2>"$TS_TMP/valloc.err" ||
	ts_fail "veventq alloc -- COMMAND failed: $(cat "$TS_TMP/valloc.err")"
ts_jq '.veventqs[0] | .fd == 6 and .lifetime == "inherited" and .type == "selftest"' "$TS_TMP/valloc.out"
for s in v0 vt v1 vt2; do
	[ "$(cat "$TS_TMP/$s.rc")" = 0 ] || ts_fail "step $s failed: $(cat "$TS_TMP/$s.err")"
done
ts_jq '.vevents == []' "$TS_TMP/v0.out"
ts_jq '.vevents | length == 2 and all(.virt_id == 153 and (.lost | not))' "$TS_TMP/v1.out"
[ "$(cat "$TS_TMP/vnotype.rc")" = 2 ] || ts_fail "a bare vEVENTQ fd without --type: exit $(cat "$TS_TMP/vnotype.rc")"
ts_grep 'give --type' "$TS_TMP/vnotype.err"
[ "$(cat "$TS_TMP/vbare.rc")" = 0 ] || ts_fail "step vbare failed: $(cat "$TS_TMP/vbare.err")"
# the kernel's fd has the last vEVENT at once; the simulator's only if its
# server pushed it before
if ts_on kernel; then
	ts_jq '.vevents | length == 1 and .[0].virt_id == 153' "$TS_TMP/vbare.out"
else
	ts_jq '.vevents | length <= 1' "$TS_TMP/vbare.out"
fi
exit 0
