#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ts_golden: matches pass; stdout, stderr and exit-status mismatches fail.
. "$TS_TOP/tests/functions.sh"

# Work on expected files of our own, not the repo's.
TS_EXPECTED=$TS_TMP/expected
mkdir -p "$TS_EXPECTED/$TS_SUITE"
exp=$TS_EXPECTED/$TS_SUITE
printf 'hello\n' >"$exp/hello.out"
printf 'hello\n' >"$exp/witherr.out"
printf 'warning\n' >"$exp/witherr.err"
printf '@TMP@/state\n' >"$exp/tmp.out"
printf 'hello\n' >"$exp/exit3.out"

# Matches.
ts_golden hello echo hello
ts_golden witherr sh -c 'echo hello; echo warning >&2'
ts_golden tmp sh -c 'echo "$IOMMUFD_SIM"'
TS_EXPECT_EXIT=3 ts_golden exit3 sh -c 'echo hello; exit 3'
# No .err file: stderr is not compared.
ts_golden hello sh -c 'echo hello; echo noise >&2'

# Mismatches must fail, each with a message saying why.
expect_failure() {	# WHAT PATTERN CMD...
	local what=$1 pat=$2
	shift 2
	if ("$@") >"$TS_TMP/o" 2>"$TS_TMP/e"; then
		ts_fail "$what was not detected"
	fi
	ts_grep "$pat" "$TS_TMP/e"
}
expect_failure "a stdout mismatch" 'stdout differs' ts_golden hello echo world
expect_failure "the diff" '^+world' ts_golden hello echo world
expect_failure "a stderr mismatch" 'stderr differs' ts_golden witherr sh -c 'echo hello; echo other >&2'
expect_failure "a missing stderr" 'stderr differs' ts_golden witherr echo hello
expect_failure "a non-zero exit" 'exit status 1, expected 0' ts_golden hello sh -c 'echo hello; exit 1'
golden_exit3() { TS_EXPECT_EXIT=3 ts_golden "$@"; }
expect_failure "a wrong TS_EXPECT_EXIT" 'exit status 0, expected 3' golden_exit3 hello echo hello
expect_failure "an unreplaced temp path" 'stdout differs' ts_golden hello sh -c 'echo "$TS_TMP"'
expect_failure "a missing expected file" 'no expected stdout file' ts_golden nosuch echo hello
expect_failure "a missing trailing newline" 'stdout differs' ts_golden hello printf hello

# UPDATE_GOLDEN=1 writes the files, which then match.
UPDATE_GOLDEN=1 ts_golden new sh -c 'echo "out $TS_TMP/x"; echo "err $TS_TMP/y" >&2' 2>/dev/null
ts_grep '^out @TMP@/x$' "$exp/new.out"
ts_grep '^err @TMP@/y$' "$exp/new.err"
ts_golden new sh -c 'echo "out $TS_TMP/x"; echo "err $TS_TMP/y" >&2'
UPDATE_GOLDEN=1 ts_golden quiet echo quiet 2>/dev/null
[ ! -e "$exp/quiet.err" ] || ts_fail "UPDATE_GOLDEN wrote an empty .err"
echo "ok"
