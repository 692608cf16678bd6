#!/bin/bash
# test-sim-state with IFD_SIM_JOURNAL_VERIFY=1 (see journal-verify): corrupt,
# truncated and flipped states, and growth to tens of megabytes, where one
# operation in (arena / 256 KiB) is verified.
. "$TS_TOP/tests/functions.sh"

bin=$TS_BUILD/tests/test-sim-state
[ -x "$bin" ] || ts_fail "$bin is not built (make unit)"
IFD_SIM_JOURNAL_VERIFY=1 "$bin" >"$TS_TMP/log" 2>&1 || { tail -20 "$TS_TMP/log" >&2; ts_fail "test-sim-state under IFD_SIM_JOURNAL_VERIFY"; }
ts_grep ' 0 failed$' "$TS_TMP/log"
