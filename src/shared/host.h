/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading the host's state for iommufd: kernel config, command line, IOMMU
 * units, interrupt remapping, device nodes, PCI devices and their IOMMU
 * groups, huge pages.  Every path is read under a root directory ("" for the
 * real system) so tests can describe a host as a directory tree.
 */
#ifndef SHARED_HOST_H
#define SHARED_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct host {
	char root[1024];		/* "" or a directory without a trailing slash */
	char release[128];		/* uname -r, or $root/proc/sys/kernel/osrelease */
	char *config;			/* the kernel config's text, NULL if none was found */
	char config_source[1100];
	char cmdline[4096];		/* /proc/cmdline, "" if unreadable */
};

/* Fill 'h' for root ("" or NULL: the real system).  Never fails: what cannot
 * be read is left empty. */
void host_init(struct host *h, const char *root);
void host_free(struct host *h);

/* root + path, in buf. */
const char *host_path(const struct host *h, const char *path, char *buf, size_t len);

/* A config symbol's value: "y", "m", a string, "not set" (commented out or
 * absent from a config that was found), or NULL when no config was found. */
const char *host_kconfig(const struct host *h, const char *sym, char *buf, size_t len);

/* The value of "name=" on the kernel command line (the last one wins), "" for
 * a bare "name", or NULL when absent. */
const char *host_cmdline_param(const struct host *h, const char *name, char *buf, size_t len);

/* Read a small file's first line (newline stripped); -errno. */
int host_read_line(const struct host *h, const char *path, char *buf, size_t len);
bool host_exists(const struct host *h, const char *path);

/* Names in a directory (sorted, NULL-terminated, malloc()ed), NULL if absent. */
char **host_list_dir(const struct host *h, const char *path, size_t *n);
void host_free_list(char **list);

/* The host's architecture, from /proc/cpuinfo (which a sysroot has too);
 * UNKNOWN when it does not say. */
enum host_arch { HOST_ARCH_UNKNOWN, HOST_ARCH_X86, HOST_ARCH_ARM64, HOST_ARCH_PPC };
enum host_arch host_arch(const struct host *h);

/* Whether MSIs are isolated, which iommufd requires to bind a device:
 * interrupt remapping on x86, a GICv3 ITS on Arm; never on powerpc. */
enum host_irq_remap { HOST_IR_UNKNOWN, HOST_IR_ON, HOST_IR_OFF };
enum host_irq_remap host_irq_remapping(const struct host *h, char *why, size_t len);

/* The driver bound to PCI device bdf ("" when none); -errno when the device
 * does not exist. */
int host_pci_driver(const struct host *h, const char *bdf, char *buf, size_t len);
/* Its IOMMU group number, or -errno (-ENOENT: no group). */
long host_pci_group(const struct host *h, const char *bdf);
/* Its VFIO cdev name ("vfio0"), or -ENOENT. */
int host_pci_vfio_dev(const struct host *h, const char *bdf, char *buf, size_t len);

/* A /proc/meminfo field in kB, or -1. */
long long host_meminfo_kb(const struct host *h, const char *field);

#endif
