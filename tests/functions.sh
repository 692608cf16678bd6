# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# Helpers for the shell tests in tests/ts/<suite>/<name>.sh.  A test is an
# executable bash script run by tests/run.sh (which sets up TS_TOP, TS_TMP,
# IOMMUCTL, IOMMUFD_SIM, HOME, ... : see the top of tests/run.sh):
#
#   #!/bin/bash
#   # valgrind-sample            <- optional: also run by `make valgrind`
#   . "$TS_TOP/tests/functions.sh"
#   ts_golden list-empty "$IOMMUCTL" list
#
# Sourcing this file turns on `set -eu`: an unchecked failing command fails
# the test, and the line is printed.  Exit 0 = pass, 77 = skip, else fail.
#
#   ts_golden NAME CMD...        run CMD; compare its stdout with
#                                tests/expected/<suite>/NAME.out and, if NAME.err
#                                exists, its stderr with that; $TS_TMP is written
#                                @TMP@ in both.  The exit status must be 0, or
#                                $TS_EXPECT_EXIT when set.  UPDATE_GOLDEN=1 writes
#                                the expected files instead (NAME.err only when
#                                there was stderr or the file exists).
#   ts_expect_exit CODE CMD...   run CMD, assert its exit status is CODE; its
#                                stdout and stderr are left in $TS_TMP/out, $TS_TMP/err
#   ts_fail MSG                  fail the test
#   ts_skip REASON               skip the test (prints REASON, exits 77)
#   ts_jq [JQ_ARGS...] FILTER FILE   jq -e FILTER FILE must be true
#   ts_grep PATTERN FILE         grep (basic regex) must find PATTERN in FILE
#   ts_sed_tmp                   filter: replace $TS_TMP by @TMP@
#   ts_on BACKEND                true when the test runs on BACKEND (sim, kernel)
#
# The backends a test supports are declared in its first lines, read by
# tests/run.sh: "# backends: sim kernel".  Expected files are written on the
# simulator; on the kernel ts_golden compares with the backend's name
# (backend: ..., "backend":"...") left out of both sides.
#
# Run a helper in a subshell to check that it fails: `if (ts_golden ...); then`.

if [ -z "${TS_TOP:-}" ] || [ -z "${TS_TMP:-}" ]; then
	echo "functions.sh: TS_TOP/TS_TMP unset: run tests through tests/run.sh" >&2
	exit 1
fi

set -eu
TS_SUITE=${TS_SUITE:-$(basename "$(dirname "$0")")}
TS_NAME=${TS_NAME:-$(basename "$0" .sh)}
# Where expected output lives; tests of the harness point it elsewhere.
TS_EXPECTED=${TS_EXPECTED:-$TS_TOP/tests/expected}
TS_MAX_SHOW=${TS_MAX_SHOW:-100}

trap 'ts__rc=$?; echo "$TS_SUITE/$TS_NAME: line $LINENO: command failed (exit $ts__rc): $BASH_COMMAND" >&2' ERR

ts_fail() {
	echo "FAIL: ${1:-test failed}" >&2
	exit 1
}

ts_skip() {
	echo "${1:-skipped}"
	exit 77
}

# Print a file, at most TS_MAX_SHOW lines, indented.
ts__show() {
	local file=$1 n
	[ -s "$file" ] || { echo "    (empty)"; return 0; }
	n=$(wc -l <"$file")
	head -n "$TS_MAX_SHOW" "$file" | sed 's/^/    /'
	if [ "$n" -gt "$TS_MAX_SHOW" ]; then
		echo "    ... ($((n - TS_MAX_SHOW)) more lines)"
	fi
	return 0
}

TS_BACKEND=${TS_BACKEND:-sim}

ts_on() {
	[ "$TS_BACKEND" = "$1" ]
}

# The backend's name is the one line of output that must differ between them.
ts__sed_backend() {
	sed -e 's/^backend: \(kernel\|simulator\)$/backend: @BACKEND@/' \
	    -e 's/"backend":"\(kernel\|simulator\)"/"backend":"@BACKEND@"/g' \
	    -e 's/"backend": "\(kernel\|simulator\)"/"backend": "@BACKEND@"/g'
}

ts_sed_tmp() {
	local esc
	esc=$(printf '%s' "$TS_TMP" | sed 's/[][\\.*^$/]/\\&/g')
	sed "s/$esc/@TMP@/g"
}

# ts__golden_cmp KIND EXPECTED ACTUAL -> 0 if equal, else prints a diff
ts__golden_cmp() {
	local kind=$1 exp=$2 act=$3
	if ! [ -f "$exp" ]; then
		echo "ts_golden: no expected $kind file ${exp#"$TS_TOP"/} (UPDATE_GOLDEN=1 writes it); got:" >&2
		ts__show "$act" >&2
		return 1
	fi
	if ! ts_on sim; then
		# compare without the backend's name (expected files come from the simulator)
		ts__sed_backend <"$exp" >"$act.exp-nb"
		ts__sed_backend <"$act" >"$act.nb"
		exp=$act.exp-nb act=$act.nb
	fi
	if ! cmp -s "$exp" "$act"; then
		echo "ts_golden: $kind differs from ${exp#"$TS_TOP"/}:" >&2
		diff -u --label "expected/$kind" --label "actual/$kind" "$exp" "$act" | head -n "$TS_MAX_SHOW" >&2
		return 1
	fi
	return 0
}

ts_golden() {
	[ $# -ge 2 ] || ts_fail "usage: ts_golden NAME CMD..."
	local name=$1
	shift
	local dir=$TS_EXPECTED/$TS_SUITE
	local out=$TS_TMP/golden.$name.out err=$TS_TMP/golden.$name.err
	local want=${TS_EXPECT_EXIT:-0} rc=0 bad=0

	"$@" >"$out.raw" 2>"$err.raw" </dev/null || rc=$?
	ts_sed_tmp <"$out.raw" >"$out"
	ts_sed_tmp <"$err.raw" >"$err"
	rm -f "$out.raw" "$err.raw"

	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$dir"
		cp "$out" "$dir/$name.out"
		echo "ts_golden: wrote ${dir#"$TS_TOP"/}/$name.out" >&2
		if [ -s "$err" ] || [ -f "$dir/$name.err" ]; then
			cp "$err" "$dir/$name.err"
			echo "ts_golden: wrote ${dir#"$TS_TOP"/}/$name.err" >&2
		fi
	else
		ts__golden_cmp stdout "$dir/$name.out" "$out" || bad=1
		if [ -f "$dir/$name.err" ]; then
			ts__golden_cmp stderr "$dir/$name.err" "$err" || bad=1
		fi
	fi
	if [ "$rc" != "$want" ]; then
		echo "ts_golden: exit status $rc, expected $want: $*" >&2
		echo "  stderr:" >&2
		ts__show "$err" >&2
		bad=1
	fi
	[ "$bad" -eq 0 ] || ts_fail "golden $TS_SUITE/$name: $*"
	return 0
}

ts_expect_exit() {
	[ $# -ge 2 ] || ts_fail "usage: ts_expect_exit CODE CMD..."
	local want=$1 rc=0
	shift
	"$@" >"$TS_TMP/out" 2>"$TS_TMP/err" </dev/null || rc=$?
	if [ "$rc" != "$want" ]; then
		{
			echo "ts_expect_exit: exit status $rc, expected $want: $*"
			echo "  stdout:"
			ts__show "$TS_TMP/out"
			echo "  stderr:"
			ts__show "$TS_TMP/err"
		} >&2
		ts_fail "exit status $rc, expected $want: $*"
	fi
	return 0
}

ts_jq() {
	[ $# -ge 2 ] || ts_fail "usage: ts_jq [JQ_ARGS...] FILTER FILE"
	local file=${*: -1}
	local filter=${*: -2:1}
	local rc=0
	[ -f "$file" ] || ts_fail "ts_jq: no file $file"
	jq -e "${@:1:$#-1}" "$file" >/dev/null 2>"$TS_TMP/jq.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		{
			echo "ts_jq: filter is $([ "$rc" -eq 1 ] && echo false/null || echo "an error (jq exit $rc)"): $filter"
			[ -s "$TS_TMP/jq.err" ] && ts__show "$TS_TMP/jq.err"
			echo "  ${file#"$TS_TMP"/}:"
			ts__show "$file"
		} >&2
		ts_fail "ts_jq $filter ${file#"$TS_TMP"/}"
	fi
	return 0
}

ts_grep() {
	[ $# -eq 2 ] || ts_fail "usage: ts_grep PATTERN FILE"
	local pat=$1 file=$2
	[ -f "$file" ] || ts_fail "ts_grep: no file $file"
	if ! grep -q -e "$pat" "$file"; then
		{
			echo "ts_grep: no line matches '$pat' in ${file#"$TS_TMP"/}:"
			ts__show "$file"
		} >&2
		ts_fail "ts_grep '$pat' ${file#"$TS_TMP"/}"
	fi
	return 0
}
