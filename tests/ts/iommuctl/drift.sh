#!/bin/bash
# The command table against the man pages and the completions: every
# command has its page, every option and column is in it, and the bash
# completion offers what the binary lists.  It runs iommuctl a few hundred
# times, which is slow under ASan on a loaded machine.
# timeout: 400
. "$TS_TOP/tests/functions.sh"

man=$TS_TOP/man
# A page with its %include fragments spliced in, as the Makefile builds it.
page() {
	awk -v dir="$man/common" '/^%include /{f = dir "/" $2 ".scd"; while ((getline l < f) > 0) print l; close(f); next} {print}' "$1"
}
# Option names of a --list-opts listing.
opt_names() { sed 's/[=[].*//'; }

bad=0
miss() { echo "drift: $*" >&2; bad=1; }

page "$man/iommuctl.8.scd" >"$TS_TMP/iommuctl.8"
for opt in $("$IOMMUCTL" --list-opts | opt_names); do
	grep -qF -- "*$opt*" "$TS_TMP/iommuctl.8" || miss "global option $opt not in iommuctl(8)"
done

# check_cmd PAGE CMD...: options and columns of one (sub)command in PAGE.
check_cmd() {
	local p=$1 opt col
	shift
	grep -qF -- "*$*" "$p" || miss "'$*' not mentioned in ${p##*/}"
	for opt in $("$IOMMUCTL" "$@" --list-opts | opt_names); do
		grep -qF -- "*$opt*" "$p" || miss "$* option $opt not in ${p##*/}"
	done
	case $1 in help | shell) return 0 ;; esac	# no columns
	for col in $("$IOMMUCTL" -H -n -r "$@" | cut -d' ' -f1); do
		grep -qF -- "*$col*" "$p" || miss "$* column $col not in ${p##*/}"
	done
}

cmds=$("$IOMMUCTL" --list-cmds)
[ -n "$cmds" ] || ts_fail "--list-cmds lists nothing"
for cmd in $cmds; do
	src=$man/iommuctl-$cmd.8.scd
	[ -f "$src" ] || { miss "no man page for '$cmd' (man/iommuctl-$cmd.8.scd)"; continue; }
	page "$src" >"$TS_TMP/page"
	grep -qF "*$cmd*" "$TS_TMP/iommuctl.8" || miss "iommuctl(8) does not list '$cmd'"
	for sect in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT EXAMPLES 'EXIT STATUS' ENVIRONMENT 'SEE ALSO'; do
		grep -qx "# $sect" "$TS_TMP/page" || miss "iommuctl-$cmd(8) has no $sect section"
	done
	subs=$("$IOMMUCTL" "$cmd" --list-cmds 2>/dev/null || true)
	if [ -n "$subs" ]; then
		for sub in $subs; do
			check_cmd "$TS_TMP/page" "$cmd" "$sub"
		done
	else
		check_cmd "$TS_TMP/page" "$cmd"
	fi
done
[ "$bad" -eq 0 ] || ts_fail "man pages and the command table disagree"

# ---- bash completion, in a COMP_WORDS harness ----------------------------
# complete_words [-c N] WORD...: complete the last word, or word N (words
# after the cursor stay in COMP_WORDS).
complete_words() {
	local cword=
	if [ "$1" = -c ]; then
		cword=$2
		shift 2
	fi
	bash -c '
		. "$1"
		cword=$2
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=${cword:-$(($# - 1))}
		_iommuctl
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' bash "$TS_TOP/completions/bash/iommuctl" "$cword" "$IOMMUCTL" "$@"
}
expect_same() {	# WHAT FILE-A FILE-B
	cmp -s "$2" "$3" || { diff -u "$2" "$3" >&2; ts_fail "bash completion: $1"; }
}

complete_words "" >"$TS_TMP/c"
"$IOMMUCTL" --list-cmds | sort >"$TS_TMP/want"
expect_same "commands" "$TS_TMP/want" "$TS_TMP/c"

complete_words --sim sim "" >"$TS_TMP/c"
"$IOMMUCTL" sim --list-cmds | sort >"$TS_TMP/want"
expect_same "sim subcommands" "$TS_TMP/want" "$TS_TMP/c"

complete_words "--" >"$TS_TMP/c"
"$IOMMUCTL" --list-opts | opt_names | grep '^--' | sort >"$TS_TMP/want"
expect_same "global options" "$TS_TMP/want" "$TS_TMP/c"

for cmd in $cmds; do
	subs=$("$IOMMUCTL" "$cmd" --list-cmds 2>/dev/null || true)
	for sub in ${subs:-""}; do
		complete_words -J "$cmd" ${sub:+"$sub"} "--" >"$TS_TMP/c"
		"$IOMMUCTL" "$cmd" ${sub:+"$sub"} --list-opts | opt_names | grep '^--' | sort >"$TS_TMP/want"
		expect_same "options of '$cmd $sub'" "$TS_TMP/want" "$TS_TMP/c"
	done
done

# values: option words, columns (also with the command after the cursor), files
complete_words sim create --profile "" >"$TS_TMP/c"
"$IOMMUCTL" sim create --list-opts | sed -n 's/^--profile=word //p' | tr ' ' '\n' | sort >"$TS_TMP/want"
expect_same "--profile values" "$TS_TMP/want" "$TS_TMP/c"
complete_words -c 2 -o "IOAS,IO" map >"$TS_TMP/c"
printf 'IOAS,IOAS\nIOAS,IOVA\n' >"$TS_TMP/want"
expect_same "-o columns" "$TS_TMP/want" "$TS_TMP/c"
touch "$TS_TMP/some-file"
complete_words map --ioas 1 --file "$TS_TMP/some-f" >"$TS_TMP/c"
echo "$TS_TMP/some-file" >"$TS_TMP/want"
expect_same "--file" "$TS_TMP/want" "$TS_TMP/c"
# an option's value is not taken for the command
complete_words --dev /dev/null "" >"$TS_TMP/c"
"$IOMMUCTL" --list-cmds | sort >"$TS_TMP/want"
expect_same "commands after --dev PATH" "$TS_TMP/want" "$TS_TMP/c"
complete_words --sim = "$TS_TMP/x" "" >"$TS_TMP/c"
expect_same "commands after --sim=PATH split at '='" "$TS_TMP/want" "$TS_TMP/c"
complete_words help "" >"$TS_TMP/c"
expect_same "help COMMAND" "$TS_TMP/want" "$TS_TMP/c"
# sim sysroot's operand: directories only
mkdir -p "$TS_TMP/dirs/one"
touch "$TS_TMP/dirs/file"
complete_words sim sysroot "$TS_TMP/dirs/" >"$TS_TMP/c"
echo "$TS_TMP/dirs/one" >"$TS_TMP/want"
expect_same "sim sysroot DIR" "$TS_TMP/want" "$TS_TMP/c"

# object IDs: the simulator's objects, on the backend the words before the
# command select
"$IOMMUCTL" sim create >/dev/null
"$IOMMUCTL" alloc >/dev/null
"$IOMMUCTL" alloc >/dev/null
printf '1\n2\n' >"$TS_TMP/want"
complete_words map --ioas "" >"$TS_TMP/c"
expect_same "--ioas IDs" "$TS_TMP/want" "$TS_TMP/c"
complete_words --sim = "$IOMMUFD_SIM" copy --src-ioas 1 --dst-ioas "" >"$TS_TMP/c"
expect_same "--dst-ioas IDs with --sim=PATH" "$TS_TMP/want" "$TS_TMP/c"
complete_words --sim = "$TS_TMP/none.state" query --ioas "" >"$TS_TMP/c"
! grep -q . "$TS_TMP/c" || ts_fail "bash completion: IDs of a state that does not exist"

# zsh: at least it parses (zsh is not always installed).
if command -v zsh >/dev/null; then
	zsh -n "$TS_TOP/completions/zsh/_iommuctl" || ts_fail "zsh completion does not parse"
fi
