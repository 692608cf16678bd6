#!/bin/bash
# Dispatch, help, version, global options, the -v trace and exit codes.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

ts_golden list-cmds "$IOMMUCTL" --list-cmds
ts_golden list-opts-global "$IOMMUCTL" --list-opts
ts_golden list-opts-map "$IOMMUCTL" map --list-opts
ts_golden help-global "$IOMMUCTL" --help
ts_golden help-map "$IOMMUCTL" map --help
ts_golden help-sim "$IOMMUCTL" sim --help
# help COMMAND: the usage when man has no page (MANPATH points nowhere)
MANPATH=$TS_TMP/noman ts_golden help-cmd-map "$IOMMUCTL" help map
MANPATH=$TS_TMP/noman ts_golden help-cmd-sim-create "$IOMMUCTL" help sim create
ts_expect_exit 0 "$IOMMUCTL" help
cmp -s "$TS_TMP/out" "$TS_TOP/tests/expected/iommuctl/help-global.out" ||
	ts_fail "help and --help differ"
ts_expect_exit 0 "$IOMMUCTL" --version
ts_grep '^iommuctl [0-9][0-9.]* (libiommufd [0-9][0-9.]*)$' "$TS_TMP/out"

cat >"$TS_TMP/cases" <<'CASES'

bogus
allo
ALLOC
help bogus
help sim bogus
help map extra words
--bogus alloc
-x alloc
alloc --bogus
--sim --kernel alloc
--sim --fd 3 alloc
--dev /dev/null --fd 3 alloc
--pid 1 alloc
--sim= alloc
-o
--output-all --output ID alloc
-J bogus
-J map --ioas
CASES
ts_golden cli-usage ts_cases "$TS_TMP/cases"

# -v: every ioctl decoded on stderr, through the library's trace hook.
sim_new
ts_expect_exit 0 "$IOMMUCTL" -v alloc
ts_grep '^iommuctl: ioctl IOMMU_IOAS_ALLOC {.*out_ioas_id=1.*} = 0$' "$TS_TMP/err"
ts_expect_exit 1 "$IOMMUCTL" -v free 9
ts_grep '^iommuctl: ioctl IOMMU_DESTROY {.*id=9.*} = -1 ENOENT' "$TS_TMP/err"

# --fd of something that is not iommufd: the ioctl is unknown there (exit 3).
ts_expect_exit 3 "$IOMMUCTL" --fd 0 alloc
ts_grep '^iommuctl alloc: IOMMU_IOAS_ALLOC: ENOTTY' "$TS_TMP/err"
ts_expect_exit 1 "$IOMMUCTL" --fd 57 alloc
ts_grep 'EBADF' "$TS_TMP/err"
# --pid: another process's fd through pidfd_getfd (needs ptrace rights).
sleep 30 7<>"$IOMMUFD_SIM" &
holder=$!
# the child opens fd 7 after the fork: wait for it, or --pid races it
for _ in $(seq 50); do
	[ -e "/proc/$holder/fd/7" ] && break
	sleep 0.1
done
rc=0
"$IOMMUCTL" --pid "$holder" --fd 7 -J alloc >"$TS_TMP/out" 2>"$TS_TMP/err" || rc=$?
kill "$holder"
wait "$holder" 2>/dev/null || true
case $rc in
0) ts_jq '.backend == "simulator" and .ioas[0].id == 2' "$TS_TMP/out" ;;
4) ts_grep 'pidfd_getfd' "$TS_TMP/err" ;;	# no ptrace access here
*) ts_fail "--pid --fd: exit $rc: $(cat "$TS_TMP/err")" ;;
esac

# stdout write errors are failures.
if [ -w /dev/full ]; then
	"$IOMMUCTL" --list-cmds >/dev/full 2>"$TS_TMP/err" && ts_fail "write error not reported"
	ts_grep 'write error' "$TS_TMP/err"
fi
