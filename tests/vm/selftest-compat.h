/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Forced (-include) into the build of an older series' iommufd selftests by
 * tests/vm/lab.sh, and only when they build neither against their own headers
 * nor against newer uAPI headers alone.
 *
 * Debian's 6.12.y carries selftests from later stable backports: they expect
 * a PASID-capable mock device (dev_flags bit 2, max_pasid_log2 20) that the
 * 6.12 kernel does not have (it rejects the flag with EINVAL).  Naming the
 * flag 0 and the width 0 turns that second device into a plain mock device
 * and its expected PASID width into the 0 such a device reports: the tests
 * then check what 6.12 does implement instead of failing in their setup.
 * Only names the old iommufd_test.h lacks belong here.
 */
#define MOCK_FLAGS_DEVICE_PASID	0
#define MOCK_PASID_WIDTH	0
