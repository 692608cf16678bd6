// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The command table and the trace decoder.  Field layouts are described as
 * data (name, offset, width, format) so one decoder serves every command and
 * never reads past the size the caller declared.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

enum fmt { F_DEC, F_HEX, F_MAPFLAGS, F_S32 };

struct field {
	const char *name;
	uint8_t off;
	uint8_t width;		/* 1, 2, 4 or 8 bytes */
	uint8_t fmt;
};


#define FLD(n, o, w, f) { n, o, w, f }
#define END { NULL, 0, 0, 0 }

static const struct field f_DESTROY[] = { FLD("id", 4, 4, F_DEC), END };
static const struct field f_IOAS_ALLOC[] = {
	FLD("flags", 4, 4, F_HEX), FLD("out_ioas_id", 8, 4, F_DEC), END };
static const struct field f_IOAS_ALLOW_IOVAS[] = {
	FLD("ioas_id", 4, 4, F_DEC), FLD("num_iovas", 8, 4, F_DEC),
	FLD("__reserved", 12, 4, F_HEX), FLD("allowed_iovas", 16, 8, F_HEX), END };
static const struct field f_IOAS_COPY[] = {
	FLD("flags", 4, 4, F_MAPFLAGS), FLD("dst_ioas_id", 8, 4, F_DEC),
	FLD("src_ioas_id", 12, 4, F_DEC), FLD("length", 16, 8, F_HEX),
	FLD("dst_iova", 24, 8, F_HEX), FLD("src_iova", 32, 8, F_HEX), END };
static const struct field f_IOAS_IOVA_RANGES[] = {
	FLD("ioas_id", 4, 4, F_DEC), FLD("num_iovas", 8, 4, F_DEC),
	FLD("__reserved", 12, 4, F_HEX), FLD("allowed_iovas", 16, 8, F_HEX),
	FLD("out_iova_alignment", 24, 8, F_HEX), END };
static const struct field f_IOAS_MAP[] = {
	FLD("flags", 4, 4, F_MAPFLAGS), FLD("ioas_id", 8, 4, F_DEC),
	FLD("__reserved", 12, 4, F_HEX), FLD("user_va", 16, 8, F_HEX),
	FLD("length", 24, 8, F_HEX), FLD("iova", 32, 8, F_HEX), END };
static const struct field f_IOAS_UNMAP[] = {
	FLD("ioas_id", 4, 4, F_DEC), FLD("iova", 8, 8, F_HEX), FLD("length", 16, 8, F_HEX), END };
static const struct field f_OPTION[] = {
	FLD("option_id", 4, 4, F_DEC), FLD("op", 8, 2, F_DEC), FLD("__reserved", 10, 2, F_HEX),
	FLD("object_id", 12, 4, F_DEC), FLD("val64", 16, 8, F_HEX), END };
static const struct field f_VFIO_IOAS[] = {
	FLD("ioas_id", 4, 4, F_DEC), FLD("op", 8, 2, F_DEC), FLD("__reserved", 10, 2, F_HEX), END };
static const struct field f_HWPT_ALLOC[] = {
	FLD("flags", 4, 4, F_HEX), FLD("dev_id", 8, 4, F_DEC), FLD("pt_id", 12, 4, F_DEC),
	FLD("out_hwpt_id", 16, 4, F_DEC), FLD("__reserved", 20, 4, F_HEX),
	FLD("data_type", 24, 4, F_HEX), FLD("data_len", 28, 4, F_DEC),
	FLD("data_uptr", 32, 8, F_HEX), FLD("fault_id", 40, 4, F_DEC),
	FLD("__reserved2", 44, 4, F_HEX), END };
static const struct field f_GET_HW_INFO[] = {
	FLD("flags", 4, 4, F_HEX), FLD("dev_id", 8, 4, F_DEC), FLD("data_len", 12, 4, F_DEC),
	FLD("data_uptr", 16, 8, F_HEX), FLD("data_type", 24, 4, F_HEX),
	FLD("out_max_pasid_log2", 28, 1, F_DEC), FLD("out_capabilities", 32, 8, F_HEX), END };
static const struct field f_HWPT_SET_DIRTY_TRACKING[] = {
	FLD("flags", 4, 4, F_HEX), FLD("hwpt_id", 8, 4, F_DEC), FLD("__reserved", 12, 4, F_HEX),
	END };
static const struct field f_HWPT_GET_DIRTY_BITMAP[] = {
	FLD("hwpt_id", 4, 4, F_DEC), FLD("flags", 8, 4, F_HEX), FLD("__reserved", 12, 4, F_HEX),
	FLD("iova", 16, 8, F_HEX), FLD("length", 24, 8, F_HEX), FLD("page_size", 32, 8, F_HEX),
	FLD("data", 40, 8, F_HEX), END };
static const struct field f_HWPT_INVALIDATE[] = {
	FLD("hwpt_id", 4, 4, F_DEC), FLD("data_uptr", 8, 8, F_HEX), FLD("data_type", 16, 4, F_HEX),
	FLD("entry_len", 20, 4, F_DEC), FLD("entry_num", 24, 4, F_DEC),
	FLD("__reserved", 28, 4, F_HEX), END };
static const struct field f_FAULT_QUEUE_ALLOC[] = {
	FLD("flags", 4, 4, F_HEX), FLD("out_fault_id", 8, 4, F_DEC),
	FLD("out_fault_fd", 12, 4, F_S32), END };
static const struct field f_IOAS_MAP_FILE[] = {
	FLD("flags", 4, 4, F_MAPFLAGS), FLD("ioas_id", 8, 4, F_DEC), FLD("fd", 12, 4, F_S32),
	FLD("start", 16, 8, F_HEX), FLD("length", 24, 8, F_HEX), FLD("iova", 32, 8, F_HEX), END };
static const struct field f_VIOMMU_ALLOC[] = {
	FLD("flags", 4, 4, F_HEX), FLD("type", 8, 4, F_HEX), FLD("dev_id", 12, 4, F_DEC),
	FLD("hwpt_id", 16, 4, F_DEC), FLD("out_viommu_id", 20, 4, F_DEC),
	FLD("data_len", 24, 4, F_DEC), FLD("__reserved", 28, 4, F_HEX),
	FLD("data_uptr", 32, 8, F_HEX), END };
static const struct field f_VDEVICE_ALLOC[] = {
	FLD("viommu_id", 4, 4, F_DEC), FLD("dev_id", 8, 4, F_DEC),
	FLD("out_vdevice_id", 12, 4, F_DEC), FLD("virt_id", 16, 8, F_HEX), END };
static const struct field f_IOAS_CHANGE_PROCESS[] = { FLD("__reserved", 4, 4, F_HEX), END };
static const struct field f_VEVENTQ_ALLOC[] = {
	FLD("flags", 4, 4, F_HEX), FLD("viommu_id", 8, 4, F_DEC), FLD("type", 12, 4, F_HEX),
	FLD("veventq_depth", 16, 4, F_DEC), FLD("out_veventq_id", 20, 4, F_DEC),
	FLD("out_veventq_fd", 24, 4, F_S32), FLD("__reserved", 28, 4, F_HEX), END };
static const struct field f_HW_QUEUE_ALLOC[] = {
	FLD("flags", 4, 4, F_HEX), FLD("viommu_id", 8, 4, F_DEC), FLD("type", 12, 4, F_HEX),
	FLD("index", 16, 4, F_DEC), FLD("out_hw_queue_id", 20, 4, F_DEC),
	FLD("nesting_parent_iova", 24, 8, F_HEX), FLD("length", 32, 8, F_HEX), END };
static const struct field f_TEST_CMD[] = {
	FLD("op", 4, 4, F_DEC), FLD("id", 8, 4, F_DEC), FLD("__reserved", 12, 4, F_HEX), END };

/* Both tables come from IFD_COMMANDS, in the same order. */
static const struct ifd_cmd_info cmd_infos[] = {
#define X_INFO(id, n, name, since, min, size) { IFD_CMD(n), name, since, min, size },
	IFD_COMMANDS(X_INFO)
#undef X_INFO
};
static const struct field *const cmd_fields[] = {
#define X_FIELDS(id, n, name, since, min, size) f_##id,
	IFD_COMMANDS(X_FIELDS)
#undef X_FIELDS
};
#define NR_CMDS (sizeof(cmd_infos) / sizeof(cmd_infos[0]))
_Static_assert(NR_CMDS == sizeof(cmd_fields) / sizeof(cmd_fields[0]), "command tables");

/* The VFIO cdev's iommufd commands (ifd_device_ioctl), decoded alike but not
 * in the iommufd command table. */
static const struct field f_VFIO_BIND[] = {
	FLD("flags", 4, 4, F_HEX), FLD("iommufd", 8, 4, F_S32), FLD("out_devid", 12, 4, F_DEC),
	FLD("token_uuid_ptr", 16, 8, F_HEX), END };
static const struct field f_VFIO_ATTACH[] = {
	FLD("flags", 4, 4, F_HEX), FLD("pt_id", 8, 4, F_DEC), FLD("pasid", 12, 4, F_DEC), END };
static const struct field f_VFIO_DETACH[] = {
	FLD("flags", 4, 4, F_HEX), FLD("pasid", 8, 4, F_DEC), END };
static const struct {
	unsigned long cmd;
	const char *name;
	const struct field *fields;
} vfio_cmds[] = {
	{ IFD_VFIO_DEVICE_BIND_IOMMUFD, "VFIO_DEVICE_BIND_IOMMUFD", f_VFIO_BIND },
	{ IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", f_VFIO_ATTACH },
	{ IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, "VFIO_DEVICE_DETACH_IOMMUFD_PT", f_VFIO_DETACH },
};
#define NR_VFIO_CMDS (sizeof(vfio_cmds) / sizeof(vfio_cmds[0]))

/* Index into the tables (VFIO's after iommufd's), or -1.  iommufd commands
 * carry no size or direction bits, so the number must match exactly. */
static int find_cmd(unsigned long cmd)
{
	for (size_t i = 0; i < NR_CMDS; i++)
		if (cmd_infos[i].cmd == cmd)
			return (int)i;
	for (size_t i = 0; i < NR_VFIO_CMDS; i++)
		if (vfio_cmds[i].cmd == cmd)
			return (int)(NR_CMDS + i);
	return -1;
}

static const char *cmd_name(int idx)
{
	return (size_t)idx < NR_CMDS ? cmd_infos[idx].name : vfio_cmds[idx - (int)NR_CMDS].name;
}

static const struct field *cmd_field_list(int idx)
{
	return (size_t)idx < NR_CMDS ? cmd_fields[idx] : vfio_cmds[idx - (int)NR_CMDS].fields;
}

IFD_EXPORT const char *ifd_ioctl_name(unsigned long cmd)
{
	int i = find_cmd(cmd);

	return i < 0 ? NULL : cmd_name(i);
}

IFD_EXPORT const struct ifd_cmd_info *ifd_cmd_table(size_t *nr)
{
	*nr = NR_CMDS;
	return cmd_infos;
}

static uint64_t load(const unsigned char *p, unsigned int width)
{
	switch (width) {
	case 1: return p[0];
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static size_t append(char *buf, size_t len, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t append(char *buf, size_t len, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (pos >= len)
		return pos;
	va_start(ap, fmt);
	n = vsnprintf(buf + pos, len - pos, fmt, ap);
	va_end(ap);
	return n < 0 ? pos : pos + (size_t)n;
}

static size_t append_mapflags(char *buf, size_t len, size_t pos, uint64_t v)
{
	static const char *const names[] = { "FIXED_IOVA", "WRITEABLE", "READABLE" };
	const char *sep = "";

	pos = append(buf, len, pos, "0x%llx<", (unsigned long long)v);
	for (unsigned int b = 0; b < 64; b++) {
		if (!(v & (1ULL << b)))
			continue;
		if (b < 3)
			pos = append(buf, len, pos, "%s%s", sep, names[b]);
		else
			pos = append(buf, len, pos, "%s0x%llx", sep, 1ULL << b);
		sep = "|";
	}
	return append(buf, len, pos, ">");
}

IFD_EXPORT int ifd_decode_ioctl(unsigned long cmd, const void *arg, int ret, char *buf,
				size_t len)
{
	int idx = find_cmd(cmd);
	const unsigned char *p = arg;
	size_t pos = 0;
	uint32_t size = 0;

	if (!buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	if (idx >= 0)
		pos = append(buf, len, pos, "%s", cmd_name(idx));
	else
		pos = append(buf, len, pos, "ioctl(0x%lx)", cmd);

	if (!p) {
		pos = append(buf, len, pos, " NULL");
	} else if (idx >= 0) {
		memcpy(&size, p, sizeof(size));
		pos = append(buf, len, pos, " {size=%u", size);
		for (const struct field *f = cmd_field_list(idx); f->name; f++) {
			if ((uint32_t)f->off + f->width > size)
				break;	/* the caller did not pass this field */
			uint64_t v = load(p + f->off, f->width);

			pos = append(buf, len, pos, " %s=", f->name);
			switch (f->fmt) {
			case F_DEC:
				pos = append(buf, len, pos, "%llu", (unsigned long long)v);
				break;
			case F_S32:
				pos = append(buf, len, pos, "%d", (int32_t)(uint32_t)v);
				break;
			case F_MAPFLAGS:
				pos = append_mapflags(buf, len, pos, v);
				break;
			default:
				pos = append(buf, len, pos, "0x%llx", (unsigned long long)v);
			}
		}
		/* the ranges that came back, when the call says they are valid */
		if (cmd == IOMMU_IOAS_IOVA_RANGES && ret == 0 && size >= 24) {
			const struct iommu_ioas_iova_ranges *r = arg;
			const struct iommu_iova_range *a =
				(const void *)(uintptr_t)r->allowed_iovas;

			pos = append(buf, len, pos, " ranges=[");
			for (uint32_t i = 0; a && i < r->num_iovas && i < 8; i++)
				pos = append(buf, len, pos, "%s0x%llx-0x%llx", i ? " " : "",
					     (unsigned long long)a[i].start,
					     (unsigned long long)a[i].last);
			if (r->num_iovas > 8)
				pos = append(buf, len, pos, " ...");
			pos = append(buf, len, pos, "]");
		}
		pos = append(buf, len, pos, "}");
	} else {
		memcpy(&size, p, sizeof(size));
		pos = append(buf, len, pos, " {size=%u}", size);
	}

	if (ret < 0) {
		const char *e = ifd_errno_name(-ret);

		if (e)
			pos = append(buf, len, pos, " = -1 %s", e);
		else
			pos = append(buf, len, pos, " = -1 errno %d", -ret);
	} else {
		pos = append(buf, len, pos, " = %d", ret);
	}
	return pos >= len ? -ENOSPC : (int)pos;
}
