// SPDX-License-Identifier: GPL-3.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host.h"

const char *host_path(const struct host *h, const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", h->root, path);
	return buf;
}

bool host_exists(const struct host *h, const char *path)
{
	char p[2048];

	return access(host_path(h, path, p, sizeof(p)), F_OK) == 0;
}

int host_read_line(const struct host *h, const char *path, char *buf, size_t len)
{
	char p[2048];
	FILE *f = fopen(host_path(h, path, p, sizeof(p)), "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = ferror(f) ? -EIO : -ENODATA;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	if (ret && len)
		buf[0] = '\0';
	return ret;
}

static char *slurp(FILE *f)
{
	size_t cap = 65536, n = 0, got;
	char *buf = malloc(cap + 1), *nb;

	if (!buf)
		return NULL;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			nb = cap > (64u << 20) ? NULL : realloc(buf, cap * 2 + 1);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* The running kernel's config: /boot/config-RELEASE, else /proc/config.gz. */
static void read_config(struct host *h)
{
	char p[2048], rel[200];
	FILE *f;

	snprintf(rel, sizeof(rel), "/boot/config-%s", h->release);
	f = fopen(host_path(h, rel, p, sizeof(p)), "re");
	if (f) {
		h->config = slurp(f);
		fclose(f);
		snprintf(h->config_source, sizeof(h->config_source), "%s", rel);
		return;
	}
	host_path(h, "/proc/config.gz", p, sizeof(p));
	if (access(p, R_OK) != 0)
		return;
	/* gzip rather than a zlib dependency for one file; the path is ours
	 * and quoted, since a test root may hold any character but a quote. */
	if (strchr(p, '\''))
		return;
	char cmd[2200];

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' 2>/dev/null", p);
	f = popen(cmd, "r");
	if (!f)
		return;
	h->config = slurp(f);
	pclose(f);
	if (h->config && !h->config[0]) {
		free(h->config);
		h->config = NULL;
		return;
	}
	snprintf(h->config_source, sizeof(h->config_source), "/proc/config.gz");
}

void host_init(struct host *h, const char *root)
{
	struct utsname uts;

	memset(h, 0, sizeof(*h));
	if (root && root[0]) {
		size_t n = strlen(root);

		while (n > 1 && root[n - 1] == '/')
			n--;
		snprintf(h->root, sizeof(h->root), "%.*s", (int)n, root);
	}
	if (host_read_line(h, "/proc/sys/kernel/osrelease", h->release, sizeof(h->release)) != 0 &&
	    !h->root[0] && uname(&uts) == 0)
		snprintf(h->release, sizeof(h->release), "%s", uts.release);
	read_config(h);
	host_read_line(h, "/proc/cmdline", h->cmdline, sizeof(h->cmdline));
}

void host_free(struct host *h)
{
	free(h->config);
	h->config = NULL;
}

const char *host_kconfig(const struct host *h, const char *sym, char *buf, size_t len)
{
	size_t sl = strlen(sym);

	if (!h->config)
		return NULL;
	for (const char *l = h->config; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t ll = strcspn(l, "\n");

		if (ll > sl && strncmp(l, sym, sl) == 0 && l[sl] == '=') {
			const char *v = l + sl + 1;
			size_t vl = ll - sl - 1;

			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			snprintf(buf, len, "%.*s", (int)vl, v);
			return buf;
		}
	}
	snprintf(buf, len, "not set");
	return buf;
}

const char *host_cmdline_param(const struct host *h, const char *name, char *buf, size_t len)
{
	const char *found = NULL;
	size_t nl = strlen(name), fl = 0;

	for (const char *p = h->cmdline; *p;) {
		size_t wl;

		p += strspn(p, " \t");
		wl = strcspn(p, " \t");
		if (!wl)
			break;
		if (wl >= nl && strncmp(p, name, nl) == 0 && (wl == nl || p[nl] == '=')) {
			found = wl == nl ? p + nl : p + nl + 1;
			fl = wl == nl ? 0 : wl - nl - 1;
		}
		p += wl;
	}
	if (!found)
		return NULL;
	snprintf(buf, len, "%.*s", (int)fl, found);
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **host_list_dir(const struct host *h, const char *path, size_t *n)
{
	char p[2048];
	DIR *d = opendir(host_path(h, path, p, sizeof(p)));
	struct dirent *de;
	char **list = NULL, **nl;
	size_t cnt = 0;

	*n = 0;
	if (!d)
		return NULL;
	list = calloc(1, sizeof(*list));
	while (list && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		nl = realloc(list, (cnt + 2) * sizeof(*list));
		if (!nl)
			break;
		list = nl;
		list[cnt] = strdup(de->d_name);
		if (!list[cnt])
			break;
		list[++cnt] = NULL;
	}
	closedir(d);
	if (list)
		qsort(list, cnt, sizeof(*list), cmp_names);
	*n = cnt;
	return list;
}

void host_free_list(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

enum host_arch host_arch(const struct host *h)
{
	char p[2048], line[256];
	FILE *f = fopen(host_path(h, "/proc/cpuinfo", p, sizeof(p)), "re");
	enum host_arch arch = HOST_ARCH_UNKNOWN;

	if (!f)
		return arch;
	/* Each architecture has keys of its own in the first processor's lines. */
	while (arch == HOST_ARCH_UNKNOWN && fgets(line, sizeof(line), f)) {
		size_t kl = strcspn(line, ":");

		while (kl && (line[kl - 1] == ' ' || line[kl - 1] == '\t'))
			kl--;
		if (kl == 9 && strncmp(line, "vendor_id", 9) == 0)
			arch = HOST_ARCH_X86;
		else if (kl == 15 && strncmp(line, "CPU implementer", 15) == 0)
			arch = HOST_ARCH_ARM64;
		else if (kl == 8 && strncmp(line, "platform", 8) == 0)
			arch = HOST_ARCH_PPC;	/* pSeries, PowerNV */
	}
	fclose(f);
	return arch;
}

/*
 * MSI isolation, from what the kernel shows: x86's remapped interrupt chips
 * are named "IR-..." (IR-PCI-MSI, IR-IO-APIC) and exist only when remapping
 * is on; a GICv3 ITS, which checks each MSI's device ID, names its chips
 * "ITS-...".  VT-d units say in their extended capabilities (IR, bit 3)
 * whether they could remap.  powerpc has no interrupt domain that Linux
 * counts as isolating (only s390 claims isolation without one).
 */
enum host_irq_remap host_irq_remapping(const struct host *h, char *why, size_t len)
{
	char buf[256], path[512], v[32];
	size_t n, nunits;
	char **irqs = host_list_dir(h, "/sys/kernel/irq", &n);
	char **units = host_list_dir(h, "/sys/class/iommu", &nunits);
	bool any_chip = false, vtd = false, vtd_ir = false, its;
	enum host_arch arch = host_arch(h);
	enum host_irq_remap r = HOST_IR_UNKNOWN;

	for (size_t i = 0; irqs && i < n; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/irq/%s/chip_name", irqs[i]);
		if (host_read_line(h, path, buf, sizeof(buf)) != 0 || !buf[0])
			continue;
		any_chip = true;
		its = strncmp(buf, "ITS-", 4) == 0;
		if (its || strncmp(buf, "IR-", 3) == 0) {
			snprintf(why, len, "interrupt chip %s (irq %s)%s", buf, irqs[i],
				 its ? ": the GICv3 ITS checks device IDs" : "");
			r = HOST_IR_ON;
			break;
		}
	}
	for (size_t i = 0; r != HOST_IR_ON && units && i < nunits; i++) {
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/ecap", units[i]);
		if (host_read_line(h, path, buf, sizeof(buf)) != 0)
			continue;
		vtd = true;
		if (strtoull(buf, NULL, 16) & (1ull << 3))
			vtd_ir = true;
	}
	if (r != HOST_IR_ON) {
		if (arch == HOST_ARCH_PPC) {
			snprintf(why, len, "powerpc: Linux counts no interrupt controller here "
				 "(XICS, XIVE) as isolating MSIs");
			r = HOST_IR_OFF;
		} else if (host_cmdline_param(h, "intremap", v, sizeof(v)) && strcmp(v, "off") == 0) {
			snprintf(why, len, "intremap=off on the kernel command line");
			r = HOST_IR_OFF;
		} else if (vtd && !vtd_ir) {
			snprintf(why, len, "the VT-d units have no interrupt remapping (ecap IR=0)");
			r = HOST_IR_OFF;
		} else if (any_chip && arch == HOST_ARCH_ARM64) {
			snprintf(why, len, "no interrupt chip is an ITS- one (GICv2m and other "
				 "MSI frames do not isolate)");
			r = HOST_IR_OFF;
		} else if (any_chip) {
			snprintf(why, len, "no interrupt chip is an IR- (remapped) one");
			r = HOST_IR_OFF;
		} else {
			snprintf(why, len, "no interrupt chips in /sys/kernel/irq to tell");
		}
	}
	host_free_list(irqs);
	host_free_list(units);
	return r;
}

int host_pci_driver(const struct host *h, const char *bdf, char *buf, size_t len)
{
	char path[512], p[2048], target[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (!host_exists(h, path))
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(host_path(h, path, p, sizeof(p)), target, sizeof(target) - 1);
	buf[0] = '\0';
	if (n < 0)
		return 0;
	target[n] = '\0';
	const char *name = strrchr(target, '/');

	snprintf(buf, len, "%s", name ? name + 1 : target);
	return 0;
}

long host_pci_group(const struct host *h, const char *bdf)
{
	char path[512], p[2048], target[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(host_path(h, path, p, sizeof(p)), target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	const char *name = strrchr(target, '/');
	char *end;
	long g = strtol(name ? name + 1 : target, &end, 10);

	return *end || g < 0 ? -EINVAL : g;
}

int host_pci_vfio_dev(const struct host *h, const char *bdf, char *buf, size_t len)
{
	char path[512];
	size_t n;
	char **l;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	l = host_list_dir(h, path, &n);
	if (!l || !n) {
		host_free_list(l);
		return -ENOENT;
	}
	snprintf(buf, len, "%s", l[0]);
	host_free_list(l);
	return 0;
}

long long host_meminfo_kb(const struct host *h, const char *field)
{
	char p[2048], line[256];
	size_t fl = strlen(field);
	FILE *f = fopen(host_path(h, "/proc/meminfo", p, sizeof(p)), "re");
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtoll(line + fl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}
