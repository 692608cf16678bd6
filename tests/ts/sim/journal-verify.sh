#!/bin/bash
# The undo journal covers every write: the simulator's unit tests and the
# differential tester (simulator against simulator, mock, queues and VFIO
# devices included), and test-sim-cdev, with IFD_SIM_JOURNAL_VERIFY=1, where
# every operation proves at its commit that each byte it changed was
# journaled and that its roll-back restores the state it started from
# (lib/sim/journal.c); a write that escaped the journal aborts the process
# with the place it wrote.  test-sim-state has a test of its own
# (journal-verify-state), it takes longest.
. "$TS_TOP/tests/functions.sh"

export IFD_SIM_JOURNAL_VERIFY=1
for t in test-sim-ioctl test-sim-mock test-sim-queues test-sim-cdev test-lib; do
	bin=$TS_BUILD/tests/$t
	[ -x "$bin" ] || ts_fail "$bin is not built (make unit)"
	"$bin" >"$TS_TMP/$t.log" 2>&1 || { tail -20 "$TS_TMP/$t.log" >&2; ts_fail "$t under IFD_SIM_JOURNAL_VERIFY"; }
	ts_grep ' 0 failed$' "$TS_TMP/$t.log"
done

diff=$TS_BUILD/ifd-diff
[ -x "$diff" ] || ts_fail "$diff is not built (make unit)"
for seed in 1 1000; do
	"$diff" --against sim --mock --quiet --sequences 100 --length 60 --seed "$seed" \
		>"$TS_TMP/diff.log" 2>&1 || { tail -20 "$TS_TMP/diff.log" >&2; ts_fail "ifd-diff --seed $seed"; }
	ts_grep 'no mismatch' "$TS_TMP/diff.log"
done
"$diff" --against sim --mock --viommu --quiet --sequences 100 --length 60 --seed 1 \
	>"$TS_TMP/diff.log" 2>&1 || { tail -20 "$TS_TMP/diff.log" >&2; ts_fail "ifd-diff --viommu"; }
ts_grep 'no mismatch' "$TS_TMP/diff.log"
"$diff" --against sim --mock --viommu --queues --quiet --sequences 100 --length 60 --seed 1 \
	>"$TS_TMP/diff.log" 2>&1 || { tail -20 "$TS_TMP/diff.log" >&2; ts_fail "ifd-diff --queues"; }
ts_grep 'no mismatch' "$TS_TMP/diff.log"
# VFIO devices: binds, attachments and unbinds at a cdev fd's close
"$diff" --against sim --vfio --quiet --sequences 100 --length 60 --seed 1 \
	>"$TS_TMP/diff.log" 2>&1 || { tail -20 "$TS_TMP/diff.log" >&2; ts_fail "ifd-diff --vfio"; }
ts_grep 'no mismatch' "$TS_TMP/diff.log"
