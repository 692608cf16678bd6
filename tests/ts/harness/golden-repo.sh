#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ts_golden against files checked in under tests/expected/harness/.
. "$TS_TOP/tests/functions.sh"

ts_golden tmp-subst sh -c 'echo "state: $IOMMUFD_SIM"; echo "home: $HOME"; echo "warn: $TS_TMP/x" >&2'
TS_EXPECT_EXIT=2 ts_golden exit-2 sh -c 'echo "usage: x"; exit 2'
