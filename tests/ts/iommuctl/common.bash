# shellcheck shell=bash
# Helpers of the iommuctl tests, sourced after tests/functions.sh.

# ts_cases FILE: run iommuctl once per line of FILE (its arguments, shell
# quoted) and print, for each, the line, the exit status, stdout and stderr.
# Fed to ts_golden, one golden file pins a whole table of error cases.
ts_cases() {
	local line rc
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		eval "set -- $line"
		rc=0
		"$IOMMUCTL" "$@" >"$TS_TMP/case.out" 2>"$TS_TMP/case.err" || rc=$?
		printf '$ iommuctl %s\n[exit %d]\n' "$line" "$rc"
		cat "$TS_TMP/case.out" "$TS_TMP/case.err"
	done <"$1"
}

# A fresh simulator state at $IOMMUFD_SIM; on the kernel backend the test's
# fd 3 is already a fresh, empty context.
sim_new() {
	ts_on kernel && return 0
	"$IOMMUCTL" sim create "$@" >/dev/null
}

# Values from a JSON document: jq_r FILTER FILE.
jq_r() {
	jq -r "$1" "$2"
}
