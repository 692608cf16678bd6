#!/bin/bash
# The interactive shell on a pseudo-terminal: readline, tab completion of
# commands, subcommands, options and live IDs and @names, the history file
# under $XDG_STATE_HOME, and Ctrl-P recalling a line in the next session.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

command -v python3 >/dev/null || ts_skip "no python3 to drive a pseudo-terminal"
python3 -c 'import pty' 2>/dev/null || ts_skip "python3 has no pty module"
drive() {	# drive SCRIPT: run the shell on a terminal, fed SCRIPT
	TERM=dumb python3 "$TS_TOP/tests/helpers/ttydrive.py" "$1" -- "$IOMMUCTL" shell \
		>"$TS_TMP/tty" 2>"$TS_TMP/tty.err" || ts_fail "ttydrive: $(cat "$TS_TMP/tty.err")"
	tr -d '\a' <"$TS_TMP/tty" >"$TS_TMP/screen"
}

sim_new
# \t is TAB, \x03 Ctrl-C, \x10 Ctrl-P, \x04 Ctrl-D.  A second TAB lists the choices and
# redraws the line, which the next chunk then finishes.
cat >"$TS_TMP/s1" <<'S'
alloc --name first\n
allo\t\t
c --na\tsecond\n
map --ioa\t@f\t--sim-mem 4K --iova 0x1000\n
vfio-\t\t\t
get\n
que\t--ioas @s\t\n
copy --src-ioas @f\t--dst-io\t\t
as @s\t--range 0x1000+4K --dst-iova 0x8000\n
bogus\n
free \t\t
@second\n
exit\n
S
drive "$TS_TMP/s1"
screen=$TS_TMP/screen
# commands: "allo" has two, both listed
ts_grep '^alloc *allow *$' "$screen"
# options and names completed in place
ts_grep '^iommuctl> alloc --name second$' "$screen"
ts_grep '^ *2 state$' "$screen"
ts_grep '^iommuctl> map --ioas @first --sim-mem 4K --iova 0x1000$' "$screen"
ts_grep '^ *1 0x1000 *0x1000 0x7 *sim-mem$' "$screen"
# subcommands of a group
ts_grep '^clear *get *set *$' "$screen"
ts_grep '^iommuctl> vfio-ioas get$' "$screen"
ts_grep '^iommuctl> query --ioas @second $' "$screen"
ts_grep '^ID ALIGNMENT' "$screen"
ts_grep '^--dst-ioas *--dst-iova *$' "$screen"
ts_grep '^iommuctl> copy --src-ioas @first --dst-ioas @second --range 0x1000+4K --dst-iova 0x8000$' \
	"$screen"
ts_grep '^ *1 0x1000 *2 0x8000 *0x1000 0x7$' "$screen"
# errors are reported and the shell goes on, without FILE:LINE
ts_grep "^iommuctl: unknown command 'bogus'" "$screen"
# live objects and names: the simulator's IDs, the shell's names
ts_grep '^1 *2 *@first *@second *$' "$screen"
ts_grep '^iommuctl> free @second$' "$screen"
ts_grep '^\[exit 0\]$' "$screen"	# the last command's status

# Ctrl-C drops the line being typed (a continued one too), and the shell
# goes on with the next line intact.
printf '%s\n' 'alloc --na\x03' 'vfio-ioas get\n' 'free 1 \\\n' '\x03' 'query\n' 'exit\n' \
	>"$TS_TMP/s4"
drive "$TS_TMP/s4"
ts_grep '^iommuctl> vfio-ioas get$' "$TS_TMP/screen"
ts_grep '^iommuctl> free 1 \\$' "$TS_TMP/screen"
ts_grep '^iommuctl> query$' "$TS_TMP/screen"
ts_grep '^ *1 ioas *1$' "$TS_TMP/screen"	# neither alloc nor free ran
[ "$(grep -c '^ID LIFETIME' "$TS_TMP/screen")" -eq 0 ] || ts_fail "the interrupted alloc ran"

# The history file, and Ctrl-P in a new session runs the last line again.
hist=$XDG_STATE_HOME/iommuctl/history
[ -f "$hist" ] || ts_fail "no history at $hist"
ts_grep '^map --ioas @first --sim-mem 4K --iova 0x1000$' "$hist"
ts_grep '^bogus$' "$hist"
ts_grep '^free @second$' "$hist"
printf '%s\n' 'vfio-ioas get\n' '\x04' >"$TS_TMP/s2"
drive "$TS_TMP/s2"
printf '%s\n' '\x10\n' 'exit\n' >"$TS_TMP/s3"
drive "$TS_TMP/s3"
ts_grep '^iommuctl> vfio-ioas get$' "$TS_TMP/screen"
ts_grep '^no IOAS is set for the VFIO compatibility ioctls$' "$TS_TMP/screen"
ts_grep '^\[exit 0\]$' "$TS_TMP/screen"
# the objects made in the shell stay in the simulator state
ts_expect_exit 0 "$IOMMUCTL" -J query
ts_jq '[.objects[].id] == [1]' "$TS_TMP/out"
