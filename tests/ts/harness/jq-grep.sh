#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ts_jq and ts_grep pass on a match and fail, showing the file, otherwise.
. "$TS_TOP/tests/functions.sh"

command -v jq >/dev/null || ts_skip "jq is not installed"
f=$TS_TMP/doc.json
printf '{"schema_version":1,"ioas":[{"id":1,"iova":"0xffffffffffffffff"}]}\n' >"$f"

ts_jq '.schema_version == 1' "$f"
ts_jq '.ioas[0].iova == "0xffffffffffffffff"' "$f"
ts_jq --arg id 1 '.ioas[0].id == ($id | tonumber)' "$f"
if (ts_jq '.schema_version == 2' "$f") 2>"$TS_TMP/e1"; then
	ts_fail "a false jq filter passed"
fi
ts_grep 'false/null: .schema_version == 2' "$TS_TMP/e1"
ts_grep '"ioas"' "$TS_TMP/e1"
if (ts_jq '.nosuch' "$f") 2>/dev/null; then ts_fail "a null jq filter passed"; fi
if (ts_jq '.[' "$f") 2>"$TS_TMP/e2"; then ts_fail "a broken jq filter passed"; fi
ts_grep 'an error' "$TS_TMP/e2"
printf 'not json\n' >"$TS_TMP/bad.json"
if (ts_jq '.' "$TS_TMP/bad.json") 2>/dev/null; then ts_fail "invalid JSON passed"; fi

printf 'alpha\nbeta 0x1000\n' >"$TS_TMP/t"
ts_grep '^beta 0x1000$' "$TS_TMP/t"
if (ts_grep gamma "$TS_TMP/t") 2>"$TS_TMP/e3"; then ts_fail "ts_grep found a missing line"; fi
ts_grep "no line matches 'gamma'" "$TS_TMP/e3"
if (ts_grep x "$TS_TMP/nosuch") 2>/dev/null; then ts_fail "ts_grep passed on a missing file"; fi
echo ok
