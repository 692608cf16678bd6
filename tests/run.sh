#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Test runner for iommufd-tools, in the style of util-linux's tests/run.sh.
#
#   tests/run.sh --build DIR [--valgrind] [--label LABEL] [--filter GLOB] [--jobs N]
#                [--timeout SEC] [--results FILE] [--keep]
#   tests/run.sh --sum FILE...
#
# Runs (a) every unit-test binary DIR/tests/test-* (named unit/test-*) and
# (b) every executable shell test tests/ts/<suite>/<name>.sh (named
# <suite>/<name>).  Each test runs in a fresh temporary directory (its working
# directory) with a clean environment:
#
#   TS_TOP           repo root (absolute)
#   TS_SUITE TS_NAME the test's suite and name (unit tests: "unit")
#   TS_BUILD         the build directory (absolute)
#   IOMMUCTL         DIR/iommuctl, or with --valgrind a wrapper running it under valgrind
#                    (on the kernel backend: with --fd 3, see below)
#   IOMMUCTL_BIN     the same without --fd 3, for tests that choose their own backend
#   IOMMUTOP         DIR/iommutop, likewise
#   TS_TMP           the test's own temporary directory
#   IOMMUFD_SIM      $TS_TMP/state (not created)
#   XDG_RUNTIME_DIR  $TS_TMP/run (0700)
#   HOME             $TS_TMP/home; XDG_CONFIG_HOME and XDG_STATE_HOME beneath it
#   TS_VALGRIND      1 under --valgrind, else 0
#   LC_ALL=C LANG=C NO_COLOR=1 COLUMNS=80 TZ=UTC, stdin from /dev/null, no TERM
#   PATH, TMPDIR, CI, UPDATE_GOLDEN, ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS
#   are passed through; nothing else is.
#
# Exit status of a test: 0 pass, 77 skip (the last line of its output is the
# reason), anything else fail; a test running longer than --timeout (default
# 120 s, four times that under valgrind) is killed and fails.  A test that
# needs longer says so in a line "# timeout: SEC" among its first 10 lines (a
# unit test: "// timeout: SEC" among the first 3 lines of its source).
#
# With --valgrind only the unit tests (themselves run under valgrind) and the
# shell tests carrying a line "# valgrind-sample" in their first 10 lines run.
#
# Backends: IFD_TEST_BACKEND=sim (default) or kernel.  A shell test names the
# backends it supports in a line "# backends: sim kernel" among its first 10
# lines (no such line: sim only); on another backend it is reported skipped.
# On the kernel (the VM lab) each test runs with /dev/iommu open on fd 3 and
# IOMMUCTL runs iommuctl --fd 3, so its objects live as long as the test;
# TS_BACKEND tells the test which backend it has.  The unit tests check the
# simulator and the library on their own, so they run on the sim backend only.
#
# Prints one line per test, the output of each failed test (capped), then
# "LABEL: N passed, N failed, N skipped"; writes "passed=N failed=N skipped=N"
# to --results (default DIR/test-results) and exits 1 if any test failed.
#
# --sum FILE... adds up such results files and prints "N passed, N failed,
# N skipped"; a missing file counts as one failure.

set -u

TS_TOP=$(cd "$(dirname "$0")/.." && pwd -P)
VG_OPTS=(--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q)
MAX_LOG_LINES=200

usage() {
	sed -n '4,8s/^# \{0,1\}//p' "$0"
	exit "${1:-2}"
}
die() { echo "run.sh: $*" >&2; exit 2; }

# ---- --sum ------------------------------------------------------------------
do_sum() {
	local p=0 f=0 s=0 file line k v status=0
	for file in "$@"; do
		if ! [ -r "$file" ]; then
			echo "run.sh: no results in $file (the build or the run did not finish)" >&2
			f=$((f + 1))
			continue
		fi
		read -r line <"$file"
		for kv in $line; do
			k=${kv%%=*} v=${kv#*=}
			case $k in
			passed) p=$((p + v)) ;;
			failed) f=$((f + v)) ;;
			skipped) s=$((s + v)) ;;
			esac
		done
	done
	[ "$f" -eq 0 ] || status=1
	echo "$p passed, $f failed, $s skipped"
	exit $status
}

# ---- options ----------------------------------------------------------------
build= valgrind=0 label= filter= jobs= timeout=${TS_TIMEOUT:-120} results= keep=${TS_KEEP:-0}
[ $# -gt 0 ] || usage
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=${2:?}; shift ;;
	--build=*) build=${1#*=} ;;
	--valgrind) valgrind=1 ;;
	--label) label=${2:?}; shift ;;
	--label=*) label=${1#*=} ;;
	--filter) filter=${2:?}; shift ;;
	--filter=*) filter=${1#*=} ;;
	--jobs|-j) jobs=${2:?}; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	--timeout) timeout=${2:?}; shift ;;
	--timeout=*) timeout=${1#*=} ;;
	--results) results=${2:?}; shift ;;
	--results=*) results=${1#*=} ;;
	--keep) keep=1 ;;
	--sum) shift; do_sum "$@" ;;
	-h|--help) usage 0 ;;
	*) die "unknown option '$1' (try --help)" ;;
	esac
	shift
done

[ -n "$build" ] || die "--build DIR is required"
[ -d "$build" ] || die "build directory '$build' does not exist (run make first)"
build=$(cd "$build" && pwd -P)
label=${label:-${build##*/}}
results=${results:-$build/test-results}
jobs=${jobs:-$(nproc 2>/dev/null || echo 1)}
case $jobs in ''|*[!0-9]*|0) die "--jobs wants a positive number" ;; esac
case $timeout in ''|*[!0-9]*|0) die "--timeout wants a positive number of seconds" ;; esac
[ "$valgrind" -eq 0 ] || timeout=$((timeout * 4))
# The directory holding the shell tests; overridable for the harness's own tests.
TS_DIR=${TS_DIR:-$TS_TOP/tests/ts}
rm -f "$results"

if [ "$valgrind" -eq 1 ] && ! command -v valgrind >/dev/null 2>&1; then
	die "valgrind is not installed (make deps installs it)"
fi

rundir=$(mktemp -d "${TMPDIR:-/tmp}/iommufd-tests.XXXXXX") || die "mktemp failed"
mkdir -p "$rundir/bin" "$rundir/tmp" "$rundir/res" "$rundir/log" "$rundir/pid"

declare -A running=()
cleanup() {
	local pid f
	for f in "$rundir"/pid/*; do
		[ -e "$f" ] || continue
		read -r pid <"$f" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${!running[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	wait 2>/dev/null
	if [ "$keep" = 1 ]; then
		echo "run.sh: kept $rundir" >&2
	else
		rm -rf "$rundir"
	fi
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM HUP

backend=${IFD_TEST_BACKEND:-sim}
case $backend in
sim|kernel) ;;
*) die "IFD_TEST_BACKEND must be sim or kernel, not '$backend'" ;;
esac
if [ "$backend" = kernel ] && ! [ -c /dev/iommu ]; then
	die "IFD_TEST_BACKEND=kernel, but there is no /dev/iommu here"
fi

# ---- the tools under test ---------------------------------------------------
# With --valgrind each tool is a wrapper script of the same name.
tool_path() {
	local name=$1 real=$build/$1
	if [ "$valgrind" -eq 1 ]; then
		{
			echo '#!/bin/sh'
			printf 'exec valgrind'
			printf ' %q' "${VG_OPTS[@]}" "$real"
			printf ' "$@"\n'
		} >"$rundir/bin/$name"
		chmod +x "$rundir/bin/$name"
		echo "$rundir/bin/$name"
	else
		echo "$real"
	fi
}
IOMMUCTL_PATH=$(tool_path iommuctl)
IOMMUCTL_BIN=$IOMMUCTL_PATH
if [ "$backend" = kernel ]; then
	# every invocation uses the test's own /dev/iommu, held open on fd 3
	printf '#!/bin/sh\nexec %q --fd 3 "$@"\n' "$IOMMUCTL_PATH" >"$rundir/bin/iommuctl-fd3"
	chmod +x "$rundir/bin/iommuctl-fd3"
	IOMMUCTL_PATH=$rundir/bin/iommuctl-fd3
fi
IOMMUTOP_PATH=$(tool_path iommutop)

# ---- collect the tests ------------------------------------------------------
t_kind=() t_name=() t_path=() t_limit=()
matches() {
	[ -z "$filter" ] && return 0
	# shellcheck disable=SC2053
	[[ $1 == $filter || ${1##*/} == $filter ]]
}
for f in "$build"/tests/test-*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	case $f in *.d|*.o|*.tmp) continue ;; esac
	n=unit/${f##*/}
	matches "$n" || continue
	[ "$backend" = sim ] || continue
	# a unit test's limit is a line "// timeout: SEC" in its source
	t_kind+=(unit) t_name+=("$n") t_path+=("$f")
	t_limit+=("$(head -n 3 "$TS_TOP/tests/unit/${f##*/}.c" 2>/dev/null |
		sed -n 's|^//[[:space:]]*timeout:[[:space:]]*\([0-9][0-9]*\)\([^0-9].*\)\{0,1\}$|\1|p' | head -n 1)")
done
for f in "$TS_DIR"/*/*.sh; do
	[ -f "$f" ] || continue
	n=${f#"$TS_DIR"/}
	n=${n%.sh}
	if ! [ -x "$f" ]; then
		echo "run.sh: warning: ${f#"$TS_TOP"/} is not executable, not run" >&2
		continue
	fi
	matches "$n" || continue
	if [ "$valgrind" -eq 1 ] && ! head -n 10 "$f" | grep -q '^#[[:space:]]*valgrind-sample'; then
		continue
	fi
	if head -n 10 "$f" | grep -q '^#[[:space:]]*backends:'; then
		backends=$(head -n 10 "$f" | sed -n 's/^#[[:space:]]*backends:\(.*\)/\1/p' | head -n 1)
	else
		backends=sim
	fi
	case " $backends " in
	*" $backend "*) t_kind+=(sh) ;;
	*) t_kind+=(skip) ;;
	esac
	t_limit+=("$(head -n 10 "$f" | sed -n 's/^#[[:space:]]*timeout:[[:space:]]*\([0-9][0-9]*\)[[:space:]]*$/\1/p' | head -n 1)")
	t_name+=("$n") t_path+=("$f")
done

# ---- run one test -----------------------------------------------------------
passenv=(PATH="${PATH:-/usr/local/bin:/usr/bin:/bin}")
for v in TMPDIR CI UPDATE_GOLDEN ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -n "${!v+x}" ] && passenv+=("$v=${!v}")
done

run_one() {
	local i=$1 kind=${t_kind[$1]} name=${t_name[$1]} path=${t_path[$1]}
	local tmp=$rundir/tmp/$i log=$rundir/log/$i res=$rundir/res/$i
	local suite=${name%%/*} rc=0 tpid limit=${t_limit[$1]:-}
	local cmd=("$path")

	# its own limit, scaled as the default is under valgrind
	if [ -n "$limit" ]; then
		[ "$valgrind" -eq 0 ] || limit=$((limit * 4))
		[ "$limit" -gt "$timeout" ] || limit=$timeout
	else
		limit=$timeout
	fi

	if [ "$kind" = skip ]; then
		printf 'SKIP\tnot a %s-backend test (its "# backends:" line)\n' "$backend" >"$res"
		return 0
	fi
	mkdir -p "$tmp/run" "$tmp/home/.config" "$tmp/home/.local/state"
	chmod 0700 "$tmp/run"
	if [ "$kind" = unit ] && [ "$valgrind" -eq 1 ]; then
		cmd=(valgrind "${VG_OPTS[@]}" "$path")
	fi

	(
		cd "$tmp" || exit 1
		if [ "$backend" = kernel ] && [ "$kind" = sh ]; then
			exec 3<>/dev/iommu || exit 1
		fi
		exec env -i "${passenv[@]}" \
			TS_TOP="$TS_TOP" TS_SUITE="$suite" TS_NAME="${name#*/}" TS_BUILD="$build" \
			TS_TMP="$tmp" TS_VALGRIND="$valgrind" TS_BACKEND="$backend" \
			IOMMUCTL="$IOMMUCTL_PATH" IOMMUCTL_BIN="$IOMMUCTL_BIN" IOMMUTOP="$IOMMUTOP_PATH" \
			IOMMUFD_SIM="$tmp/state" XDG_RUNTIME_DIR="$tmp/run" HOME="$tmp/home" \
			XDG_CONFIG_HOME="$tmp/home/.config" XDG_STATE_HOME="$tmp/home/.local/state" \
			LC_ALL=C LANG=C NO_COLOR=1 COLUMNS=80 TZ=UTC \
			timeout -k 10 "$limit" "${cmd[@]}"
	) </dev/null >"$log" 2>&1 &
	tpid=$!
	echo "$tpid" >"$rundir/pid/$i"
	wait "$tpid" || rc=$?
	rm -f "$rundir/pid/$i"

	case $rc in
	0) echo "PASS" >"$res" ;;
	77) printf 'SKIP\t%s\n' "$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)" >"$res" ;;
	124|137) printf 'FAIL\ttimed out after %ss\n' "$limit" >"$res" ;;
	99) if [ "$valgrind" -eq 1 ]; then
		printf 'FAIL\tvalgrind found errors (exit 99)\n' >"$res"
	    else
		printf 'FAIL\texit 99\n' >"$res"
	    fi ;;
	*) if [ "$rc" -gt 128 ]; then
		printf 'FAIL\tkilled by signal %s (exit %s)\n' "$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))" "$rc" >"$res"
	   else
		printf 'FAIL\texit %s\n' "$rc" >"$res"
	   fi ;;
	esac
	if [ "$keep" != 1 ] && [ "$rc" -eq 0 -o "$rc" -eq 77 ]; then
		rm -rf "$tmp"
	fi
}

# ---- report -----------------------------------------------------------------
npass=0 nfail=0 nskip=0
report() {
	local i=$1 status reason log=$rundir/log/$1 n
	IFS=$'\t' read -r status reason <"$rundir/res/$i" || status=FAIL reason="no result"
	case $status in
	PASS) npass=$((npass + 1)); echo "PASS ${t_name[$i]}" ;;
	SKIP) nskip=$((nskip + 1)); echo "SKIP ${t_name[$i]} (${reason:-no reason given})" ;;
	*)
		nfail=$((nfail + 1))
		echo "FAIL ${t_name[$i]} ($reason)"
		[ "$keep" = 1 ] && echo "     temp dir kept: $rundir/tmp/$i"
		n=$(wc -l <"$log")
		if [ "$n" -le "$MAX_LOG_LINES" ]; then
			sed 's/^/     | /' "$log"
		else
			head -n $((MAX_LOG_LINES / 2)) "$log" | sed 's/^/     | /'
			echo "     | ... $((n - MAX_LOG_LINES)) lines left out ..."
			tail -n $((MAX_LOG_LINES / 2)) "$log" | sed 's/^/     | /'
		fi
		;;
	esac
}

reap() {
	local pid=
	wait -n -p pid "${!running[@]}"
	if [ -z "$pid" ]; then
		# Should not happen; fall back to reaping everything.
		wait
		for pid in "${!running[@]}"; do report "${running[$pid]}"; done
		running=()
		return
	fi
	report "${running[$pid]}"
	unset "running[$pid]"
}

total=${#t_name[@]}
[ "$valgrind" -eq 1 ] && echo "run.sh: $label: running under valgrind"
for ((i = 0; i < total; i++)); do
	while [ ${#running[@]} -ge "$jobs" ]; do reap; done
	run_one "$i" &
	running[$!]=$i
done
while [ ${#running[@]} -gt 0 ]; do reap; done

echo "passed=$npass failed=$nfail skipped=$nskip label=$label" >"$results"
if [ "$total" -eq 0 ]; then
	echo "run.sh: warning: no tests found${filter:+ matching '$filter'}" >&2
fi
echo "$label: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
