#!/bin/bash
# Output options: -H lists columns (table and JSON) from the same registry
# that builds the output; conflicting format options are refused.
. "$TS_TOP/tests/functions.sh"
. "$TS_TOP/tests/ts/iommuctl/common.bash"

ts_golden list-columns-map "$IOMMUCTL" -H map
ts_golden list-columns-query-raw "$IOMMUCTL" -H -n -r query
ts_expect_exit 0 "$IOMMUCTL" -J -H unmap
ts_jq '.schema_version == 1 and .backend == null' "$TS_TMP/out"
ts_jq '[.columns[].name] == ["IOAS", "START", "LAST", "UNMAPPED", "AREAS"]' "$TS_TMP/out"
ts_jq '.columns[] | select(.name == "AREAS") | .type == "integer|null" and .json_key == "areas"
	and .family == "unmapped" and .default == true' "$TS_TMP/out"

# Every JSON key in -H is what the command really prints (sim info here).
sim_new
ts_expect_exit 0 "$IOMMUCTL" -J sim info
jq -r '.sim | keys_unsorted[]' "$TS_TMP/out" >"$TS_TMP/keys.out"
"$IOMMUCTL" -J -H sim info | jq -r '.columns[].json_key' >"$TS_TMP/keys.h"
cmp -s "$TS_TMP/keys.out" "$TS_TMP/keys.h" || ts_fail "sim info keys differ from -H"

cat >"$TS_TMP/cases" <<'CASES'
-J -r alloc
-J -n alloc
-o ID --output-all alloc
-H help
-J help
-H alloc extra
-o ID help map
CASES
ts_golden output-usage ts_cases "$TS_TMP/cases"
