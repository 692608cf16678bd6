#!/bin/bash
# valgrind-sample
# sim create | reset | check | info.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

fields=PATH,PROFILE,CONTEXTS,OBJECTS,AREAS,MAPPED
ts_golden sim-create "$IOMMUCTL" -o "$fields" sim create
[ -f "$IOMMUFD_SIM" ] || ts_fail "no state at \$IOMMUFD_SIM"

# An existing state is refused unless --force.
TS_EXPECT_EXIT=1 ts_golden sim-create-exists "$IOMMUCTL" sim create
"$IOMMUCTL" alloc >/dev/null
"$IOMMUCTL" map --ioas 1 --sim-mem 4K >/dev/null
ts_expect_exit 0 "$IOMMUCTL" -J sim info
ts_jq '.backend == "simulator" and .sim.objects == 1 and .sim.areas == 1
	and .sim.mapped_bytes == "0x1000" and (.sim.page_size | startswith("0x"))
	and (.sim.emulated_release | type == "string") and .sim.profile == "default"' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" sim create --force
ts_expect_exit 0 "$IOMMUCTL" -J sim info
ts_jq '.sim.objects == 0' "$TS_TMP/out"

# Every profile the binary offers can be created, and an unknown one is usage.
profiles=$("$IOMMUCTL" sim create --list-opts | sed -n 's/^--profile=word //p')
[ -n "$profiles" ] || ts_fail "sim create --list-opts lists no profile"
for p in $profiles; do
	ts_expect_exit 0 "$IOMMUCTL" -J --sim="$TS_TMP/p-$p.state" sim create --profile "$p"
	ts_jq --arg p "$p" '.sim.profile == $p' "$TS_TMP/out"
done
ts_expect_exit 2 "$IOMMUCTL" sim create --profile no-such-profile
ts_grep "unknown profile 'no-such-profile' (profiles: " "$TS_TMP/err"

# reset: objects go, the file and its profile stay.
"$IOMMUCTL" alloc >/dev/null
"$IOMMUCTL" alloc >/dev/null
ts_expect_exit 0 "$IOMMUCTL" -o OBJECTS sim reset
ts_grep 'note: destroyed 2 objects and 0 areas' "$TS_TMP/err"
ts_expect_exit 0 "$IOMMUCTL" -J sim info
ts_jq '.sim.objects == 0' "$TS_TMP/out"

# check: consistent.
ts_golden sim-check "$IOMMUCTL" sim check
ts_expect_exit 0 "$IOMMUCTL" -J sim check
ts_jq '.check == {"consistent": true, "report": ""}' "$TS_TMP/out"

# The sim commands work on the simulator only, on an existing state.
ts_expect_exit 2 "$IOMMUCTL" --kernel sim info
ts_expect_exit 2 "$IOMMUCTL" --dev /dev/null sim reset
ts_expect_exit 1 "$IOMMUCTL" --sim="$TS_TMP/none.state" sim info
ts_grep "hint: create it with 'iommuctl sim create'" "$TS_TMP/err"
ts_expect_exit 2 "$IOMMUCTL" sim
ts_expect_exit 2 "$IOMMUCTL" sim bogus
ts_expect_exit 2 "$IOMMUCTL" sim create extra
ts_golden sim-list-cmds "$IOMMUCTL" sim --list-cmds

# A state given as an inherited fd (exec N<>STATE).
exec 7<>"$IOMMUFD_SIM"
ts_expect_exit 0 "$IOMMUCTL" --fd 7 -J alloc
ts_jq '.ioas[0].lifetime == "state"' "$TS_TMP/out"
ts_expect_exit 0 "$IOMMUCTL" --fd 7 -J sim info
ts_jq '.sim.objects == 1' "$TS_TMP/out"
ts_expect_exit 2 "$IOMMUCTL" --fd 7 sim create
exec 7>&-
