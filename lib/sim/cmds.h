/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command handlers behind sim_ioctl(), and what they share. */
#ifndef IFD_SIM_CMDS_H
#define IFD_SIM_CMDS_H

#include "internal.h"

/* One ioctl in flight (the kernel's struct iommufd_ucmd). */
struct sim_ucmd {
	struct sim *sim;
	uint64_t ubuf;			/* the caller's struct */
	uint32_t user_size;		/* its size field */
	uint32_t ksize;			/* the 7.2 struct size */
	void *cmd;			/* our copy, zero-filled past user_size */
};

/* Copy min(user size, struct size) bytes of the whole struct back. */
int sim_respond(struct sim_ucmd *uc);

int sim_cmd_ioas_alloc(struct sim_ucmd *uc);
int sim_cmd_iova_ranges(struct sim_ucmd *uc);
int sim_cmd_allow_iovas(struct sim_ucmd *uc);
int sim_cmd_ioas_map(struct sim_ucmd *uc);
int sim_cmd_ioas_map_file(struct sim_ucmd *uc);
int sim_cmd_ioas_copy(struct sim_ucmd *uc);
int sim_cmd_ioas_unmap(struct sim_ucmd *uc);
int sim_cmd_change_process(struct sim_ucmd *uc);
int sim_cmd_test(struct sim_ucmd *uc);
int sim_cmd_hwpt_alloc(struct sim_ucmd *uc);
int sim_cmd_set_dirty_tracking(struct sim_ucmd *uc);
int sim_cmd_get_dirty_bitmap(struct sim_ucmd *uc);
int sim_cmd_hwpt_invalidate(struct sim_ucmd *uc);
/* IOMMU_TEST_OP_DIRTY and IOMMU_TEST_OP_MD_CHECK_IOTLB */
struct ifd_test_cmd;
int sim_test_dirty(struct sim_ucmd *uc, struct ifd_test_cmd *cmd);
int sim_test_check_iotlb(struct sim *sim, uint32_t id, uint32_t index, uint32_t value);
int sim_cmd_get_hw_info(struct sim_ucmd *uc);
int sim_cmd_viommu_alloc(struct sim_ucmd *uc);
int sim_cmd_vdevice_alloc(struct sim_ucmd *uc);
int sim_cmd_fault_queue_alloc(struct sim_ucmd *uc);
int sim_cmd_veventq_alloc(struct sim_ucmd *uc);
int sim_cmd_hw_queue_alloc(struct sim_ucmd *uc);

#endif
