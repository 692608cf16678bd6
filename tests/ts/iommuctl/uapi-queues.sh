#!/bin/bash
# backends: sim kernel
# fault, viommu, vdevice, veventq, hw-queue, change-process and the mock's
# trigger-iopf / trigger-vevent: their usage errors (anywhere), then the
# selftest mock's flows in one batch each, line by line through a coprocess
# so that a later line can use what an earlier one printed (the fault's
# cookie).  Both backends must do all of it.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

usage() { ts_expect_exit 2 "$IOMMUCTL" "$@"; }
usage fault read
usage fault read --fault 1
ts_grep 'only the batch (-b) or shell that allocated a fault queue has its fd' "$TS_TMP/err"
usage fault read --fault 1 --wait 1s
usage fault respond --fault 1
usage fault respond --fault 1 --cookie 0x100000000
usage fault respond --fault 1 --cookie 1 --code maybe
ts_grep 'neither a number nor one of success, invalid' "$TS_TMP/err"
usage fault alloc --name f
usage fault alloc extra
usage viommu alloc --dev-id 3 --hwpt 4
usage viommu alloc --dev-id 3 --hwpt 4 --type nope
ts_grep 'one of arm_smmuv3, tegra241_cmdqv, selftest' "$TS_TMP/err"
usage viommu alloc --dev-id 3 --hwpt 4 --type 0x100000000
usage viommu alloc --dev-id 3 --hwpt 4 --type arm_smmuv3 --data in_data=1
usage viommu alloc --dev-id 3 --hwpt 4 --type selftest --data out_data=1
ts_grep 'fields: in_data' "$TS_TMP/err"
usage vdevice alloc --viommu 1 --dev-id 2
usage vdevice alloc --viommu 1 --dev-id 2 --virt-id 1x
usage veventq alloc --viommu 1
usage veventq alloc --viommu 1 --type selftest --depth 0x100000000
usage veventq read --veventq 1
usage hw-queue alloc --viommu 1 --type selftest --base-addr 0
usage hw-queue alloc --viommu 1 --type selftest --base-addr 0 --length 4K --index -1
usage change-process now
usage mock trigger-iopf
usage mock trigger-iopf --dev-id 3 --perm rr
usage mock trigger-iopf --dev-id 3 --perm rq
usage mock trigger-vevent --dev-id 3 --count 0
# in a batch, a queue it did not allocate has no fd to read
printf '%s\n' 'fault read --fault 7' >"$TS_TMP/read.b"
usage -b "$TS_TMP/read.b"
ts_grep 'not a fault queue allocated in this batch or shell' "$TS_TMP/err"

mock_main_series_only

# Each flow is one batch on a context of its own: IOAS 1, mock device 2
# (stdev) and 3 (idev), its domain 4 (batch-flow.bash).
. "$TS_TOP/tests/ts/iommuctl/batch-flow.bash"

# ---- vIOMMU, vDevice, vEVENTQ, HW queue ----------------------------------
viommu_flow() {
	local q
	ok 'alloc --name a'
	ok 'map --ioas @a --size 64K --iova 0x1000000'
	ok 'mock domain --ioas @a'
	ok 'hwpt alloc --dev-id 3 --pt @a --nest-parent --name p'
	ok 'viommu alloc --dev-id 3 --hwpt @p --type selftest --data in_data=7 --name v'
	ts_jq '.viommus[0] | .type == "selftest" and .dev_id == 3 and .name == "v"' "$TS_TMP/out"
	fails 'viommu alloc --dev-id 3 --hwpt 4 --type selftest' EINVAL	# no nest parent
	ok 'vdevice alloc --viommu @v --dev-id 3 --virt-id 0x99 --name vd'
	ts_jq '.vdevices[0] | .virt_id == "0x99" and .dev_id == 3' "$TS_TMP/out"
	# the mock reports vEVENTs of a device attached to a nested HWPT of its vIOMMU
	ok 'hwpt alloc --dev-id 3 --pt @v --data-type selftest --data iotlb=0xbadbeef --name vn'
	ok 'mock replace --stdev 2 --pt @vn'
	ok 'veventq alloc --viommu @v --type selftest --depth 2 --name q'
	q=$(jq -r '.veventqs[0].id' "$TS_TMP/out")
	ts_jq '.veventqs[0] | .type == "selftest" and .depth == 2 and .lifetime == "session" and
		(.fd | type) == "number"' "$TS_TMP/out"
	fails 'veventq alloc --viommu @v --type selftest' EEXIST	# one per type
	ok 'veventq read --veventq @q'
	ts_jq '.vevents == []' "$TS_TMP/out"
	ok 'mock trigger-vevent --dev-id 3'
	ok 'veventq read --veventq @q --wait 5'
	ts_jq '.vevents | length == 1 and .[0].virt_id == 153 and .[0].lost == false and
		.[0].data == "0x99"' "$TS_TMP/out"
	# three into a queue of two: the last is lost, and a header says so
	ok 'mock trigger-vevent --dev-id 3 --count 3'
	ts_jq '.vevents_raised[0].count == 3' "$TS_TMP/out"
	ok 'veventq read --veventq @q'
	ts_jq '.vevents | map(select(.lost | not)) | length == 2 and all(.virt_id == 153)' "$TS_TMP/out"
	ts_jq '.vevents | any(.lost and .data == null)' "$TS_TMP/out"
	ok 'hw-queue alloc --viommu @v --type selftest --base-addr 0x1000000 --length 4K --name h'
	ts_jq '.hw_queues[0] | .index == 0 and .base_addr == "0x1000000" and .length == "0x1000"' \
		"$TS_TMP/out"
	fails 'hw-queue alloc --viommu @v --type selftest --base-addr 0x1000000 --length 4K' EEXIST
	# the queue's internal access is an object too: the next ID, busy
	h=$(jq -r '.hw_queues[0].id' "$TS_TMP/out")
	fails "free $((h + 1))" EBUSY
	# its open fd keeps a vEVENTQ busy: free closes the one the batch kept
	ok 'free @q'
	line "veventq read --veventq $q"
	jq -e '.exit_status == 2' "$TS_TMP/rec" >/dev/null || ts_fail "read of a freed vEVENTQ: $rec"
}
start
viommu_flow
finish

# ---- fault queue ---------------------------------------------------------
fault_flow() {
	local cookie
	ok 'alloc --name a'
	ok 'mock domain --ioas @a'
	ok 'hwpt alloc --dev-id 3 --pt @a --nest-parent --name p'
	ok 'fault alloc --name f'
	ts_jq '.fault_queues[0] | .lifetime == "session" and (.fd | type) == "number"' "$TS_TMP/out"
	ok 'hwpt alloc --dev-id 3 --pt @p --fault @f --data-type selftest --data iotlb=0xbadbeef --name n'
	ts_jq '.hwpts[0].flags == "0x4"' "$TS_TMP/out"
	ok 'mock replace --stdev 2 --pt @n'
	ok 'fault read --fault @f'
	ts_jq '.faults == []' "$TS_TMP/out"
	ok 'mock trigger-iopf --dev-id 3 --pasid 1 --grpid 2 --perm rw --addr 0xdeadbeef'
	ok 'fault read --fault @f --wait 5'
	ts_jq '.faults | length == 1 and (.[0] | .dev_id == 3 and .pasid == 1 and .grpid == 2 and
		.addr == "0xdeadbeef" and .access == "rw--" and .perm == "0x3" and .last and
		.flags == "0x3")' "$TS_TMP/out"
	cookie=$(jq -r '.faults[0].cookie' "$TS_TMP/out")
	fails "fault respond --fault @f --cookie $cookie --code 2" EINVAL
	ok "fault respond --fault @f --cookie $cookie"
	ts_jq --argjson c "$cookie" '.responses[0] | .cookie == $c and .code == 0 and
		.code_name == "success"' "$TS_TMP/out"
	# answered: the cookie is not waiting any more
	fails "fault respond --fault @f --cookie $cookie --code invalid" EINVAL
	ok 'fault read --fault @f'
	ts_jq '.faults == []' "$TS_TMP/out"
	# the queue goes once no HWPT uses it (free closes the batch's fd too)
	ok 'mock replace --stdev 2 --pt @a'
	ok 'free @n @f'
	ts_jq '[.freed[].id] | length == 2' "$TS_TMP/out"
}
start
fault_flow
finish

# ---- change-process: a context with no mappings has nothing that cannot move
start
ok 'alloc' change-process && ok 'change-process' change-process &&
	ts_jq '.change_process[0].pid > 1' "$TS_TMP/out"
if ok 'map --ioas 1 --size 64K' change-process; then
	# only IOMMU_IOAS_MAP_FILE mappings move (a memfd's), anonymous memory cannot
	if jq -e '.mappings[0].source == "anon"' "$TS_TMP/out" >/dev/null; then
		fails 'change-process' EINVAL
	else
		ok 'change-process'
	fi
fi
finish

exit 0
