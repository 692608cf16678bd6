# shellcheck shell=bash
# A selftest-mock flow as one batch, line by line through a coprocess, so
# that a later line can use what an earlier one printed.  Sourced after
# common.bash.
#
# Each flow is one batch on a context of its own (a fresh /dev/iommu fd, or
# a fresh simulator state), so the IDs are known: IOAS 1, mock device 2
# (stdev) and 3 (idev), its domain 4.
n=0
start() {
	n=$((n + 1))
	if ts_on kernel; then
		ctx=(--kernel)
	else
		ctx=(--sim="$TS_TMP/flow$n.state")
		"$IOMMUCTL_BIN" "${ctx[@]}" sim create >/dev/null
	fi
	coproc B { exec "$IOMMUCTL_BIN" "${ctx[@]}" --force -J -b - 2>"$TS_TMP/batch$n.err"; }
}
finish() {
	exec {B[1]}>&-
	wait "$B_PID" || true
}
# line LINE: run one line; its record (one JSON line) in $TS_TMP/rec
line() {
	printf '%s\n' "$1" >&"${B[1]}"
	IFS= read -r -t 60 rec <&"${B[0]}" || ts_fail "the batch gave no record for '$1'"
	printf '%s\n' "$rec" >"$TS_TMP/rec"
}
# ok LINE: it must succeed (its result in $TS_TMP/out)
ok() {
	line "$1"
	# one jq a line: the guest of the VM lab runs them slowly
	jq 'if .exit_status == 0 then .result else error("failed") end' "$TS_TMP/rec" \
		>"$TS_TMP/out" 2>/dev/null || ts_fail "'$1' failed: $rec"
}
# fails LINE ERRNO: it must fail with ERRNO
fails() {
	line "$1"
	jq -e --arg e "$2" '.exit_status != 0 and .error.errno_name == $e' "$TS_TMP/rec" >/dev/null ||
		ts_fail "'$1' did not fail with $2: $rec"
}
