#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/run.sh itself, on a tree of fake tests: counts, skip reasons, failure
# output, timeouts, the results file, --filter, and the environment it sets up.
. "$TS_TOP/tests/functions.sh"

fake=$TS_TMP/fake
mkdir -p "$fake/ts/a" "$fake/ts/b" "$fake/build/tests"
mk() {	# PATH BODY
	printf '#!/bin/bash\n%s\n' "$2" >"$1"
	chmod +x "$1"
}
mk "$fake/build/tests/test-good" 'echo "3 passed, 0 failed"'
mk "$fake/build/tests/test-bad" 'echo "FAIL t_one" >&2; echo "2 passed, 1 failed"; exit 1'
mk "$fake/ts/a/pass.sh" 'exit 0'
mk "$fake/ts/a/fail.sh" 'echo "marker-output-of-fail"; exit 3'
mk "$fake/ts/a/skip.sh" 'echo "some noise"; echo "no widget here"; exit 77'
mk "$fake/ts/b/slow.sh" 'sleep 60'
mk "$fake/ts/b/env.sh" '
n=0
t() { n=$((n + 1)); "$@" || { echo "env check $n failed: $*"; exit 1; }; }
t [ -f "$TS_TOP/tests/run.sh" ]
t [ -d "$TS_TMP" ]
t [ "$(pwd)" = "$TS_TMP" ]
t [ "$IOMMUFD_SIM" = "$TS_TMP/state" ]
t [ ! -e "$IOMMUFD_SIM" ]
t [ "$XDG_RUNTIME_DIR" = "$TS_TMP/run" ]
t [ "$(stat -c %a "$XDG_RUNTIME_DIR")" = 700 ]
t [ "$HOME" = "$TS_TMP/home" ]
t [ -d "$HOME" ]
t [ "${XDG_STATE_HOME#"$TS_TMP"/}" != "$XDG_STATE_HOME" ]
t [ "${XDG_CONFIG_HOME#"$TS_TMP"/}" != "$XDG_CONFIG_HOME" ]
t [ "$LC_ALL" = C ]
t [ "$LANG" = C ]
t [ "$NO_COLOR" = 1 ]
t [ "$COLUMNS" = 80 ]
t [ "$TZ" = UTC ]
t [ "$TS_SUITE" = b ]
t [ "$TS_NAME" = env ]
t [ -z "${SECRET_LEAK:-}" ]
t [ "${IOMMUCTL##*/}" = iommuctl ]
t [ "${IOMMUCTL#/}" != "$IOMMUCTL" ]
if read -r line; then echo "stdin is not /dev/null"; exit 1; fi
touch "$TS_TMP/mine"'
mk "$fake/ts/b/env2.sh" '[ ! -e "$TS_TMP/mine" ] || exit 1'
printf '#!/bin/bash\nexit 0\n' >"$fake/ts/b/notexec.sh"

rc=0
SECRET_LEAK=1 TS_DIR=$fake/ts "$TS_TOP/tests/run.sh" --build "$fake/build" --label fake \
	--timeout 2 --jobs 3 >"$TS_TMP/run.out" 2>"$TS_TMP/run.err" <<<"stdin that tests must not see" || rc=$?
cat "$TS_TMP/run.out" "$TS_TMP/run.err"
[ "$rc" -eq 1 ] || ts_fail "run.sh exited $rc with failing tests, expected 1"
[ "$(tail -n 1 "$TS_TMP/run.out")" = "fake: 4 passed, 3 failed, 1 skipped" ] ||
	ts_fail "wrong summary line"
ts_grep '^PASS unit/test-good$' "$TS_TMP/run.out"
ts_grep '^FAIL unit/test-bad (exit 1)$' "$TS_TMP/run.out"
ts_grep '^     | FAIL t_one$' "$TS_TMP/run.out"
ts_grep '^PASS a/pass$' "$TS_TMP/run.out"
ts_grep '^FAIL a/fail (exit 3)$' "$TS_TMP/run.out"
ts_grep 'marker-output-of-fail' "$TS_TMP/run.out"
ts_grep '^SKIP a/skip (no widget here)$' "$TS_TMP/run.out"
ts_grep '^FAIL b/slow (timed out after 2s)$' "$TS_TMP/run.out"
ts_grep '^PASS b/env$' "$TS_TMP/run.out"
ts_grep '^PASS b/env2$' "$TS_TMP/run.out"
ts_grep 'notexec.sh is not executable' "$TS_TMP/run.err"
ts_grep '^passed=4 failed=3 skipped=1' "$fake/build/test-results"

# --filter, and an all-pass run exits 0.
rc=0
TS_DIR=$fake/ts "$TS_TOP/tests/run.sh" --build "$fake/build" --label sel --filter 'a/pass' --results "$TS_TMP/sel.results" \
	>"$TS_TMP/sel.out" 2>&1 </dev/null || rc=$?
cat "$TS_TMP/sel.out"
[ "$rc" -eq 0 ] || ts_fail "an all-pass run exited $rc"
ts_grep '^passed=1 failed=0 skipped=0' "$TS_TMP/sel.results"
[ "$(tail -n 1 "$TS_TMP/sel.out")" = "sel: 1 passed, 0 failed, 0 skipped" ] || ts_fail "wrong --filter summary"

# --sum adds results files up; a missing one counts as a failure.
printf 'passed=2 failed=0 skipped=1 label=x\n' >"$TS_TMP/r1"
rc=0; "$TS_TOP/tests/run.sh" --sum "$TS_TMP/r1" "$fake/build/test-results" >"$TS_TMP/sum.out" || rc=$?
[ "$rc" -eq 1 ] && [ "$(cat "$TS_TMP/sum.out")" = "6 passed, 3 failed, 2 skipped" ] || ts_fail "wrong --sum"
rc=0; "$TS_TOP/tests/run.sh" --sum "$TS_TMP/r1" >"$TS_TMP/sum.out" || rc=$?
[ "$rc" -eq 0 ] && [ "$(cat "$TS_TMP/sum.out")" = "2 passed, 0 failed, 1 skipped" ] || ts_fail "wrong --sum"
rc=0; "$TS_TOP/tests/run.sh" --sum "$TS_TMP/r1" "$TS_TMP/nosuch" >"$TS_TMP/sum.out" 2>/dev/null || rc=$?
[ "$rc" -eq 1 ] && [ "$(cat "$TS_TMP/sum.out")" = "2 passed, 1 failed, 1 skipped" ] || ts_fail "a missing results file was not a failure"
echo ok
