#!/bin/bash
# backends: sim kernel
# valgrind-sample
# Batch mode (-b FILE|-): one context for all lines (so objects persist even
# on iommuctl's own kernel fd), names (@a), quoting and comments, FILE:LINE
# messages, stop or --force, what a stopped batch did, JSON Lines, and the
# usage errors of -b itself.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

sim_new
cd "$TS_TMP"

# One process, one context: on the kernel even without --fd the IOAS made on
# line 1 is there for the lines after it.
if ts_on kernel; then own=(--kernel); else own=(--sim); fi
cat >own.b <<'B'
alloc --name a
alloc --name b
map --ioas @a --size 64K --iova 0x100000
copy --src-ioas @a --dst-ioas @b --range 0x100000+16K --dst-iova 0x200000
unmap --ioas @b --all
free @b @a
B
ts_expect_exit 0 "$IOMMUCTL_BIN" "${own[@]}" -J -b own.b
jq -s . out >own.json
ts_jq 'length == 6 and all(.exit_status == 0 and .error == null and .file == "own.b")' own.json
ts_jq '[.[].line] == [1, 2, 3, 4, 5, 6] and
	[.[].command] == ["alloc", "alloc", "map", "copy", "unmap", "free"]' own.json
ts_jq '.[0].result.ioas[0].name == "a" and .[1].result.ioas[0].name == "b"' own.json
ts_jq '(.[0].result.ioas[0].id) as $a | (.[1].result.ioas[0].id) as $b |
	.[3].result.copies[0].src_ioas == $a and .[3].result.copies[0].dst_ioas == $b and
	.[4].result.unmapped[0].unmapped == "0x4000" and
	[.[5].result.freed[].id] == [$b, $a]' own.json
ts_jq 'all(.result.backend == (if env.TS_BACKEND == "kernel" then "kernel" else "simulator" end))' \
	own.json
if ts_on kernel; then
	# the kernel undoes it all at exit, and the batch says so once
	ts_expect_exit 0 "$IOMMUCTL_BIN" --kernel -b own.b
	[ "$(grep -c 'note: the kernel undoes what this batch makes' err)" -eq 1 ] ||
		ts_fail "the note about iommuctl's own fd is not there once"
fi

# Splitting: quotes, comments (a '#' in quotes is data), continuations,
# blank lines; per-line output options.
cat >split.b <<'B'
# a comment line

   -o ID,NAME alloc --name first   # a comment after a command
-n -o ID,NAME alloc \
	--name 'second'
"free" '#1'
free @first "@second" \
# the line above continued into a comment
B
TS_EXPECT_EXIT=2 ts_golden batch-split "$IOMMUCTL" --force -b split.b
ts_expect_exit 0 "$IOMMUCTL" -J query
if ts_on sim; then ts_jq '.objects == []' out; fi

# A failing line stops the batch; what ran before it stays done, and the
# message says what ran and what did not.
# (A usage error fails the same way on both backends; the backends' own
# error messages differ in their detail.)
cat >stop.b <<'B'
-o ID,NAME alloc --name a
vfio-ioas set --ioas @a
vfio-ioas set --ioas @nope
-o ID,NAME alloc --name b
# a comment does not count
vfio-ioas clear
B
TS_EXPECT_EXIT=2 ts_golden batch-stop "$IOMMUCTL" -b stop.b
ts_expect_exit 0 "$IOMMUCTL" -J vfio-ioas get
ts_jq '.vfio_ioas[0].ioas == 1' out	# line 2 took effect, line 6 did not run
ts_expect_exit 1 "$IOMMUCTL" free 2	# line 4 did not run
# --force: every line runs; the exit status is the first failure's.
TS_EXPECT_EXIT=2 ts_golden batch-force "$IOMMUCTL" --force -b stop.b
ts_expect_exit 0 "$IOMMUCTL" -J vfio-ioas get
ts_jq '.vfio_ioas[0].ioas == null' out
"$IOMMUCTL" free 1 2 >/dev/null
# A backend's failure: "FILE:LINE: " before the usual message; exit 1.
printf '%s\n' 'alloc' 'map --ioas 1 --size 4K --iova 0x1000' '' \
	'map --ioas 1 --size 4K --iova 0x1000' 'free 1' >eexist.b
ts_expect_exit 1 "$IOMMUCTL" -b eexist.b
ts_grep '^eexist.b:4: iommuctl map: ioas 1: IOMMU_IOAS_MAP\(_FILE\)\{0,1\}: EEXIST: .* (hint: ' err
ts_grep '^eexist.b:4: iommuctl: stopped at this failed command (exit 1): the 2 commands before it took effect and stay; 1 command after it was not run' err
ts_expect_exit 0 "$IOMMUCTL" free 1

# JSON Lines: a record per command, errors included, nothing on stderr.
printf '%s\n' 'alloc --name x' 'free @y' 'bogus' "free 'open" 'free @x' >json.b
ts_expect_exit 2 "$IOMMUCTL" -J --force -b json.b
[ ! -s err ] || ts_fail "JSON batch wrote on stderr: $(cat err)"
[ "$(wc -l <out)" -eq 5 ] || ts_fail "not one line per command"
jq -s . out >json.json
ts_jq '[.[].exit_status] == [0, 2, 2, 2, 0] and [.[].line] == [1, 2, 3, 4, 5]' json.json
ts_jq '[.[].command] == ["alloc", "free", null, null, "free"]' json.json
ts_jq 'all(keys == ["command", "error", "exit_status", "file", "line", "result", "schema_version"])' \
	json.json
ts_jq '.[1] | .result == null and (.error.message | test("@y.*no such name .names: @x"))' json.json
ts_jq '.[2].error.message | test("unknown command .bogus.")' json.json
ts_jq '.[3].error.message == "unterminated '"'"' quote"' json.json
ts_jq '.[4].result.freed == [{"id": 1}] and .[4].error == null' json.json
# without --force the last record is the failed one
ts_expect_exit 2 "$IOMMUCTL" -J -b json.b
jq -s '[.[].line]' out >lines
ts_jq '. == [1, 2]' lines
"$IOMMUCTL" free 1 >/dev/null

# stdin, and an empty batch.
printf -- '-n -r -o ID alloc\n-n -r free 1\n' | "$IOMMUCTL" -b - >out 2>err || ts_fail "-b - failed: $(cat err)"
printf '1\n1\n' | cmp -s - out || ts_fail "-b - printed: $(cat out)"
ts_expect_exit 0 "$IOMMUCTL" -b /dev/null
[ ! -s out ] && [ ! -s err ] || ts_fail "an empty batch printed something"
# a continuation at the end of the input
printf 'alloc \\' >cont.b
TS_EXPECT_EXIT=2 ts_golden batch-eof-continuation "$IOMMUCTL" -b cont.b

# help prints the usage; sim create cannot replace a state in use.
printf '%s\n' 'help copy' >help.b
ts_expect_exit 0 "$IOMMUCTL" -b help.b
ts_grep '^Usage: iommuctl \[OPTIONS\] copy --src-ioas ID' out
if ts_on sim; then
	printf '%s\n' 'alloc' 'sim create --force' >simc.b
	ts_expect_exit 2 "$IOMMUCTL" -b simc.b
	ts_grep '^simc.b:2: iommuctl sim create: this batch or shell has its state open' err
	# as the first command it makes the state the batch then uses
	printf '%s\n' 'sim create --force' 'alloc' 'sim info' >simc.b
	ts_expect_exit 0 "$IOMMUCTL" -J -b simc.b
	jq -s '.[2].result.sim.objects' out >n
	ts_jq '. == 1' n
	printf '%s\n' 'alloc --name gone' 'sim reset' 'free @gone' >simr.b
	ts_expect_exit 2 "$IOMMUCTL" -b simr.b
	ts_grep "simr.b:3: iommuctl free: ID '@gone': no such name" err
fi

cat >"$TS_TMP/cases" <<'CASES'
-b cmds alloc
-b ''
-o ID -b cmds
--output-all -b cmds
-H -b cmds
--force alloc
--force
-b no-such-file
CASES
ts_golden batch-usage ts_cases "$TS_TMP/cases"
# options a line may not give, and names outside a batch
cat >lines.b <<'B'
--sim alloc
-J alloc
-v alloc
--fd 3 alloc
-b x alloc
-J
-o ID
-o ID --output-all alloc
alloc --name 9lives
alloc --name ''
-o ID,NAME alloc --name a.b-c_d
alloc --name @a.b-c_d
alloc --name this-name-is-longer-than-31-chars
free @a.b-c_d
B
TS_EXPECT_EXIT=2 ts_golden batch-line-usage "$IOMMUCTL" --force -b lines.b
ts_expect_exit 2 "$IOMMUCTL" alloc --name a
ts_grep 'names last for one batch' err
