#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ts_expect_exit asserts the status and keeps stdout/stderr; ts_fail and ts_skip.
. "$TS_TOP/tests/functions.sh"

ts_expect_exit 0 true
ts_expect_exit 3 sh -c 'echo out; echo err >&2; exit 3'
[ "$(cat "$TS_TMP/out")" = out ] || ts_fail "stdout not saved in \$TS_TMP/out"
[ "$(cat "$TS_TMP/err")" = err ] || ts_fail "stderr not saved in \$TS_TMP/err"

if (ts_expect_exit 0 false) 2>"$TS_TMP/e1"; then
	ts_fail "exit 1 passed as exit 0"
fi
ts_grep 'exit status 1, expected 0' "$TS_TMP/e1"
if (ts_expect_exit 2 true) 2>"$TS_TMP/e2"; then
	ts_fail "exit 0 passed as exit 2"
fi
ts_grep 'exit status 0, expected 2' "$TS_TMP/e2"
if (ts_expect_exit 1 sh -c 'kill -TERM $$') 2>/dev/null; then
	ts_fail "death by a signal passed as exit 1"
fi

# ts_fail exits 1 with its message; ts_skip exits 77 and prints the reason last.
rc=0; (ts_fail "boom") 2>"$TS_TMP/e3" || rc=$?
[ "$rc" -eq 1 ] || ts_fail "ts_fail exited $rc"
ts_grep 'boom' "$TS_TMP/e3"
rc=0; (ts_skip "no frobnicator") >"$TS_TMP/o4" || rc=$?
[ "$rc" -eq 77 ] || ts_fail "ts_skip exited $rc"
[ "$(tail -n 1 "$TS_TMP/o4")" = "no frobnicator" ] || ts_fail "ts_skip did not print its reason"

# set -e is on in tests: an unchecked failing command fails the test.
rc=0; bash -c '. "$TS_TOP/tests/functions.sh"; false; echo survived' >"$TS_TMP/o5" 2>"$TS_TMP/e5" || rc=$?
[ "$rc" -ne 0 ] || ts_fail "a failing command did not fail the test"
if grep -q survived "$TS_TMP/o5"; then ts_fail "the test went on after a failing command"; fi
ts_grep 'line 1: command failed' "$TS_TMP/e5"
echo ok
