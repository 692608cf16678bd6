#!/bin/bash
# backends: sim kernel
# shell with stdin not a terminal: a batch reading stdin (one context,
# names, "-:LINE:" messages, stop or --force, JSON Lines); its usage errors.
# The interactive side is shell-tty.sh.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
cd "$TS_TMP"
if ts_on kernel; then own=(--kernel); else own=(--sim); fi

# One context of its own: what line 1 makes, line 3 maps into.
printf '%s\n' 'alloc --name a' '# comment' 'map --ioas @a --size 4K --iova 0x1000' \
	'-n -r -o IOAS,START,UNMAPPED unmap --ioas @a --all' 'free @a' |
	"$IOMMUCTL_BIN" "${own[@]}" shell >out 2>err || ts_fail "shell: $(cat err)"
ts_grep '^1 0x0 0x1000$' out

# Stops at the first failure, "-:LINE:" before the messages.
from() {	# from FILE ARGS...: iommuctl ARGS with stdin from FILE
	local in=$1
	shift
	"$IOMMUCTL" "$@" <"$in"
}
printf '%s\n' 'alloc' 'free 7' 'free 1' >in
ts_expect_exit 1 from in shell
ts_grep '^-:2: iommuctl free: id 7: IOMMU_DESTROY: ENOENT: ' err
ts_grep '^-:2: iommuctl: stopped at this failed command (exit 1): the 1 command before it took effect and stays; 1 command after it was not run' err
ts_expect_exit 0 "$IOMMUCTL" free 1	# line 1 took effect, line 3 did not run
# from a pipe, what follows is not read to be counted
rc=0
printf '%s\n' 'free 7' 'alloc' | "$IOMMUCTL" shell >out 2>err || rc=$?
[ "$rc" -eq 1 ] || ts_fail "shell from a pipe: exit $rc"
ts_grep '^-:1: iommuctl: stopped at this failed command (exit 1): no command ran before it; the rest of the input was not read' err
# --force goes on; -J: one record per command
"$IOMMUCTL" alloc >/dev/null
ts_expect_exit 1 from in -J --force shell
jq -s '[.[] | [.line, .exit_status, .file]]' out >recs
ts_jq '. == [[1, 0, "-"], [2, 1, "-"], [3, 0, "-"]]' recs
[ ! -s err ] || ts_fail "JSON shell wrote on stderr"

cat >"$TS_TMP/cases" <<'CASES'
shell extra
shell --bogus
-J shell --help
CASES
ts_golden shell-usage ts_cases "$TS_TMP/cases"
# a shell cannot start inside a batch (or a shell)
printf 'shell\n' >nested
ts_expect_exit 2 "$IOMMUCTL" -b nested
ts_grep '^nested:1: iommuctl shell: already reading commands' err
ts_expect_exit 2 from nested shell
ts_grep '^-:1: iommuctl shell: already reading commands' err
