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

# run ARGS...: iommuctl -J ARGS must succeed (its document in $TS_TMP/out).
run() { ts_expect_exit 0 "$IOMMUCTL" -J "$@"; }

# fails_json EXIT ERRNO_NAME ARGS...: iommuctl -J ARGS must exit EXIT with
# that errno in its error object, and print nothing on stdout.
fails_json() {
	local x=$1 e=$2
	shift 2
	ts_expect_exit "$x" "$IOMMUCTL" -J "$@"
	[ ! -s "$TS_TMP/out" ] || ts_fail "failed '$*' printed on stdout"
	ts_jq --arg e "$e" '.error.errno_name == $e' "$TS_TMP/err"
}

# doctor_status FILE CHECK [SUBJECT]: the status of one check in a doctor -J
# document (comma separated if it matches several).
doctor_status() {
	jq -r --arg c "$2" --arg s "${3:-}" \
		'[.checks[] | select(.check == $c and ($s == "" or .subject == $s)) | .status] | join(",")' "$1"
}

# doctor_expect FILE CHECK SUBJECT STATUS: that check has that status.
doctor_expect() {
	local got
	got=$(doctor_status "$1" "$2" "$3")
	[ "$got" = "$4" ] || ts_fail "check $2${3:+ ($3)}: status '$got', expected '$4'"
}

# On the kernel, only the main series' selftest mock is known to match the
# simulator's: skip elsewhere.
mock_main_series_only() {
	local main
	ts_on kernel || return 0
	main=$(awk '$1 == "main" { sub(/^linux-source-/, "", $2); print $2 }' "$TS_TOP/tests/vm/kernel-version")
	case $(uname -r) in
	"$main" | "$main".*) ;;
	*) ts_skip "the selftest mock is tested on the main series ($main), this is $(uname -r)" ;;
	esac
}
