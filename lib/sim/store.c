// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The state file: creation, the mapping, the per-operation lock, header
 * validation and the record arena.
 *
 * The file is mapped MAP_SHARED into a large PROT_NONE window reserved once
 * per handle; growing it maps the longer file at the same address, so
 * pointers taken during an operation stay valid when the file grows.
 *
 * Writers serialise on a process-shared robust mutex in the header, one
 * operation at a time.  A process that dies holding it (even inside an
 * operation) hands the next locker EOWNERDEAD; that one, and anyone who
 * finds the journal active, rolls the operation back first (journal.c).
 * The file only grows, with posix_fallocate before it is mapped, and its
 * size is checked against the header at every lock: no access ever lands
 * past its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

#define SIM_INITIAL_SIZE	(1ull << 20)
#define SIM_GROW_GRANULE	(1ull << 20)
#define SIM_WINDOW_MAX		(64ull << 30)
#define SIM_WINDOW_MIN		(1ull << 30)

struct sim_profile {
	const char *name;
	uint64_t page_size;
	uint64_t hpage_size;
	uint32_t iommu;			/* enum sim_iommu */
};

/* PAGE_SIZE, the THP size (HPAGE_PMD_SIZE) and the IOMMU of each emulated
 * platform.  The page-size profiles keep the selftest mock. */
#define SIM_PROFILES(X)								\
	X("default", 4096, 2ull << 20, SIM_IOMMU_MOCK)		/* x86-64 */	\
	X("arm64-16k", 16384, 32ull << 20, SIM_IOMMU_MOCK)				\
	X("arm64-64k", 65536, 512ull << 20, SIM_IOMMU_MOCK)				\
	X("intel-vtd", 4096, 2ull << 20, SIM_IOMMU_VTD)					\
	X("amd-vi", 4096, 2ull << 20, SIM_IOMMU_AMD)					\
	X("arm-smmuv3", 4096, 2ull << 20, SIM_IOMMU_SMMUV3)				\
	X("spapr", 65536, 16ull << 20, SIM_IOMMU_SPAPR)		/* ppc64 hash MMU */

#define PROFILE_ENTRY(name, page, hpage, iommu) { name, page, hpage, iommu },
static const struct sim_profile sim_profile_table[] = { SIM_PROFILES(PROFILE_ENTRY) };

/* A gap record holds one room per alignment class from PAGE_SIZE to the THP
 * size (layout.h); a profile with more classes would not fit it. */
#define PROFILE_FITS_GAP(name, page, hpage, iommu)				\
	_Static_assert((hpage) / (page) <= SIM_GAP_MAX_RATIO && (hpage) >= (page),	\
		       "profile " name ": more alignment classes than a gap record holds");
SIM_PROFILES(PROFILE_FITS_GAP)
#define SIM_NR_PROFILES (sizeof(sim_profile_table) / sizeof(sim_profile_table[0]))

#define PROFILE_NAME(name, page, hpage, iommu) name,
static const char *const sim_profile_names[] = { SIM_PROFILES(PROFILE_NAME) NULL };

const char *const *sim_profiles(void)
{
	return sim_profile_names;
}

static const struct sim_profile *profile_find(const char *name)
{
	for (size_t i = 0; i < SIM_NR_PROFILES; i++)
		if (!strcmp(sim_profile_table[i].name, name))
			return &sim_profile_table[i];
	return NULL;
}

/* ---- errors ---------------------------------------------------------------------- */

void sim_set_detail(char *detail, size_t dlen, const char *fmt, ...)
{
	va_list ap;

	if (!detail || !dlen)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, dlen, fmt, ap);
	va_end(ap);
}

int sim_fail(struct sim *sim, int err, const char *fmt, ...)
{
	va_list ap;

	/* A corruption report is the more useful one: keep it. */
	if (sim->detail && sim->dlen && !sim->corrupt && fmt) {
		va_start(ap, fmt);
		vsnprintf(sim->detail, sim->dlen, fmt, ap);
		va_end(ap);
	}
	return -err;
}

int sim_corrupt(struct sim *sim, const char *fmt, ...)
{
	va_list ap;

	if (!sim->corrupt && sim->detail && sim->dlen) {
		int n = snprintf(sim->detail, sim->dlen, "corrupt state: ");

		if (n > 0 && (size_t)n < sim->dlen) {
			va_start(ap, fmt);
			vsnprintf(sim->detail + n, sim->dlen - n, fmt, ap);
			va_end(ap);
		}
	}
	sim->corrupt = true;
	return -EUCLEAN;
}

/* ---- records ------------------------------------------------------------------------ */

static const uint64_t class_sizes[SIM_NR_CLASSES] = SIM_CLASS_SIZES;

uint64_t sim_class_size(unsigned int cls)
{
	return cls < SIM_NR_CLASSES ? class_sizes[cls] : 0;
}

unsigned int sim_tag_class(uint32_t tag)
{
	switch (tag) {
	case SIM_TAG_AREA:
	case SIM_TAG_RESV:
	case SIM_TAG_ALLOW:
	case SIM_TAG_PAGES:
	case SIM_TAG_EXT:
	case SIM_TAG_EXTF:
	case SIM_TAG_DIRTY:
	case SIM_TAG_EVENT:
	case SIM_TAG_PASID:
		return SIM_CLS_96;
	case SIM_TAG_CTX:
		return SIM_CLS_128;
	case SIM_TAG_OBJ:
	case SIM_TAG_GAP:
		return SIM_CLS_192;
	default:
		return SIM_NR_CLASSES;
	}
}

const char *sim_tag_name(uint32_t tag)
{
	switch (tag) {
	case SIM_TAG_FREE: return "free record";
	case SIM_TAG_CTX: return "context";
	case SIM_TAG_OBJ: return "object";
	case SIM_TAG_AREA: return "area";
	case SIM_TAG_RESV: return "reserved range";
	case SIM_TAG_ALLOW: return "allowed range";
	case SIM_TAG_PAGES: return "pages";
	case SIM_TAG_EXT: return "memory extent";
	case SIM_TAG_EXTF: return "free memory extent";
	case SIM_TAG_GAP: return "gap";
	case SIM_TAG_DIRTY: return "dirty pages";
	case SIM_TAG_EVENT: return "event";
	case SIM_TAG_PASID: return "PASID attachment";
	default: return "unknown record";
	}
}

/* Is [off, off+size) inside the carved part of the file and the mapping? */
static bool range_ok(struct sim *sim, uint64_t off, uint64_t size)
{
	uint64_t bump = sim_hdr(sim)->bump;

	return off >= SIM_HDR_SIZE && bump <= sim->mapped && size <= bump && off <= bump - size;
}

static void *dummy_rec(struct sim *sim)
{
	memset(&sim->dummy, 0, sizeof(sim->dummy));
	return &sim->dummy;
}

bool sim_rec_ok(struct sim *sim, uint64_t off, uint32_t tag)
{
	uint64_t size;

	if (off % SIM_REC_ALIGN)
		return false;
	if (tag == SIM_TAG_FREE)
		size = sizeof(struct sim_free);
	else
		size = sim_class_size(sim_tag_class(tag));
	if (!size || !range_ok(sim, off, size))
		return false;
	return ((struct sim_rec *)(sim->base + off))->tag == tag;
}

void *sim_rec(struct sim *sim, uint64_t off, uint32_t tag)
{
	if (sim_rec_ok(sim, off, tag))
		return sim->base + off;
	if (!off)
		sim_corrupt(sim, "a missing %s is referenced", sim_tag_name(tag));
	else if (off % SIM_REC_ALIGN || !range_ok(sim, off, sizeof(struct sim_rec)))
		sim_corrupt(sim, "offset 0x%llx of a %s is outside the records",
			    (unsigned long long)off, sim_tag_name(tag));
	else
		sim_corrupt(sim, "offset 0x%llx should hold a %s but holds a %s",
			    (unsigned long long)off, sim_tag_name(tag),
			    sim_tag_name(((struct sim_rec *)(sim->base + off))->tag));
	return dummy_rec(sim);
}

void *sim_recw(struct sim *sim, uint64_t off, uint32_t tag)
{
	if (!sim_rec_ok(sim, off, tag))
		return sim_rec(sim, off, tag);
	/* Saved first: if that is impossible, the write goes nowhere and the
	 * operation is rolled back at its end. */
	if (sim_journal_save(sim, off, (uint32_t)sim_class_size(sim_tag_class(tag))))
		return dummy_rec(sim);
	return sim->base + off;
}

struct sim_hdr *sim_hdrw(struct sim *sim)
{
	sim_journal_begin(sim);
	return sim_hdr(sim);
}

/* ---- growth ------------------------------------------------------------------------------ */

static int reserve_window(struct sim *sim, uint64_t need)
{
	uint64_t w = SIM_WINDOW_MAX;
	void *p;

	while (w < need && w < (1ull << 46))
		w *= 2;
	for (;;) {
		p = mmap(NULL, w, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED)
			break;
		/* Tools such as valgrind limit the address space: take less. */
		if (w / 2 < SIM_WINDOW_MIN || w / 2 < need)
			return -ENOMEM;
		w /= 2;
	}
	sim->base = p;
	sim->window = w;
	sim->mapped = 0;
	return 0;
}

/* Map the first 'size' bytes of the file at sim->base, moving the window
 * only when the file outgrew it (callers hold no pointers then). */
static int map_file(struct sim *sim, uint64_t size, bool may_move)
{
	void *p;
	int ret;

	if (size > sim->window) {
		if (!may_move)
			return -ENOMEM;
		munmap(sim->base, sim->window);
		sim->base = NULL;
		ret = reserve_window(sim, size * 2);
		if (ret)
			return ret;
	}
	if (size < sim->mapped)
		/* the file shrank: give back the tail so it reads as "not mapped" */
		mmap(sim->base + size, sim->mapped - size, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	if (size) {
		p = mmap(sim->base, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, sim->fd, 0);
		if (p == MAP_FAILED)
			return -errno;
	}
	sim->mapped = size;
	return 0;
}

int sim_grow(struct sim *sim, uint64_t need_end)
{
	struct sim_hdr *h = sim_hdr(sim);
	uint64_t cur = h->file_size, size;
	int ret;

	if (need_end <= cur)
		return 0;
	size = cur < (256ull << 20) ? cur * 2 : cur + (256ull << 20);
	if (size < need_end)
		size = need_end;
	size = (size + SIM_GROW_GRANULE - 1) / SIM_GROW_GRANULE * SIM_GROW_GRANULE;
	if (size > sim->window)
		return sim_fail(sim, ENOMEM, "the state would grow to %llu bytes, past the %llu-byte "
				"window this process mapped; reopen the state",
				(unsigned long long)size, (unsigned long long)sim->window);
	/* Allocate the blocks now: writing into a hole of a full disk would SIGBUS. */
	ret = posix_fallocate(sim->fd, 0, (off_t)size);
	if (ret)
		return sim_fail(sim, ret, "cannot grow the state to %llu bytes: %s",
				(unsigned long long)size, strerror(ret));
	ret = map_file(sim, size, false);
	if (ret)
		return sim_fail(sim, -ret, "cannot map the grown state: %s", strerror(-ret));
	sim_crash_point(sim);
	/* Not journaled: the file keeps its length whatever becomes of the
	 * operation.  Dying before this line leaves a file longer than the
	 * header says, which the recovery cuts back. */
	sim_hdr(sim)->file_size = size;
	sim->dirty = true;
	return 0;
}

int sim_reserve(struct sim *sim, uint64_t nrecs, uint64_t bytes)
{
	struct sim_hdr *h = sim_hdr(sim);
	uint64_t need, end;

	/* Every record counted at the largest class, extents at worst alignment. */
	if (nrecs > (UINT64_MAX / 2) / 192 || bytes > UINT64_MAX / 4)
		return sim_fail(sim, ENOMEM, "reservation too large");
	need = nrecs * 192 + (bytes ? bytes + h->hpage_size + h->page_size : 0);
	if (__builtin_add_overflow(h->bump, need, &end))
		return sim_fail(sim, ENOMEM, "reservation too large");
	return sim_grow(sim, end);
}

uint64_t sim_alloc(struct sim *sim, uint32_t tag)
{
	struct sim_hdr *h = sim_hdrw(sim);
	unsigned int cls = sim_tag_class(tag);
	uint64_t size = sim_class_size(cls), off;
	struct sim_rec *r;

	if (!size)
		return 0;
	off = h->free_head[cls];
	if (off) {
		struct sim_free *f = sim_rec(sim, off, SIM_TAG_FREE);

		if (sim->corrupt)
			return 0;
		if (f->r.cls != cls || !h->nr_free[cls] || !range_ok(sim, off, size)) {
			sim_corrupt(sim, "free list of class %u holds a record of class %u", cls,
				    f->r.cls);
			return 0;
		}
		/* Its link goes back into the free list if the operation does not stay. */
		if (sim_journal_save(sim, off, (uint32_t)size))
			return 0;
		h->free_head[cls] = f->next;
		h->nr_free[cls]--;
	} else {
		if (h->bump % SIM_REC_ALIGN) {
			sim_corrupt(sim, "bump offset 0x%llx misaligned", (unsigned long long)h->bump);
			return 0;
		}
		if (sim_grow(sim, h->bump + size))
			return 0;
		h = sim_hdr(sim);
		off = h->bump;
		h->bump += size;
		/* Past the bump a rollback restores: nothing to save, ever. */
		sim_journal_fresh(sim, off, size);
	}
	h->nr_live[cls]++;
	r = (struct sim_rec *)(sim->base + off);
	memset(r, 0, size);
	r->tag = tag;
	r->cls = (uint16_t)cls;
	sim->dirty = true;
	return off;
}

void sim_free(struct sim *sim, uint64_t off)
{
	struct sim_hdr *h = sim_hdrw(sim);
	struct sim_rec *r;
	struct sim_free *f;
	unsigned int cls;

	if (off % SIM_REC_ALIGN || !range_ok(sim, off, sizeof(struct sim_rec))) {
		sim_corrupt(sim, "freeing offset 0x%llx outside the records",
			    (unsigned long long)off);
		return;
	}
	r = (struct sim_rec *)(sim->base + off);
	cls = sim_tag_class(r->tag);
	if (cls >= SIM_NR_CLASSES || !range_ok(sim, off, sim_class_size(cls)) || !h->nr_live[cls]) {
		sim_corrupt(sim, "freeing a %s at 0x%llx", sim_tag_name(r->tag),
			    (unsigned long long)off);
		return;
	}
	if (sim_journal_save(sim, off, (uint32_t)sim_class_size(cls)))
		return;
	memset(r, 0, sim_class_size(cls));
	f = (struct sim_free *)r;
	f->r.tag = SIM_TAG_FREE;
	f->r.cls = (uint16_t)cls;
	f->next = h->free_head[cls];
	h->free_head[cls] = off;
	h->nr_free[cls]++;
	h->nr_live[cls]--;
	sim->dirty = true;
}

uint64_t sim_extent_carve(struct sim *sim, uint64_t length, uint64_t align)
{
	struct sim_hdr *h = sim_hdrw(sim);
	uint64_t start, end;

	start = (h->bump + align - 1) / align * align;
	if (start < h->bump || __builtin_add_overflow(start, length, &end)) {
		sim_fail(sim, ENOMEM, "%llu bytes do not fit in the state",
			 (unsigned long long)length);
		return 0;
	}
	if (sim_grow(sim, end))
		return 0;
	h = sim_hdr(sim);
	/* The padding must read as padding (zero tags): a rolled-back operation
	 * leaves the records it made past the bump in the file. */
	memset(sim->base + h->bump, 0, start - h->bump);
	h->pad_bytes += start - h->bump;
	h->bump = end;
	sim->dirty = true;
	return start;
}

/* ---- the header -------------------------------------------------------------------------- */

uint64_t sim_static_sum(const struct sim_hdr *h)
{
	const uint8_t *p = (const uint8_t *)h;
	uint64_t sum = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < offsetof(struct sim_hdr, static_sum); i++) {
		sum ^= p[i];
		sum *= 0x100000001b3ull;
	}
	p = (const uint8_t *)&h->platform;
	for (size_t i = 0; i < sizeof(h->platform); i++) {
		sum ^= p[i];
		sum *= 0x100000001b3ull;
	}
	p = (const uint8_t *)&h->vfio;
	for (size_t i = 0; i < sizeof(h->vfio); i++) {
		sum ^= p[i];
		sum *= 0x100000001b3ull;
	}
	return sum;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static bool str_ok(const char *s, size_t len)
{
	return memchr(s, 0, len) != NULL && s[0];
}

/* What every entry checks before it touches the lock: the file is a state
 * of this format, at least a header long.  Reads no byte past 'file_size'. */
static int check_kind(const struct sim_hdr *h, uint64_t file_size, char *detail, size_t dlen)
{
	if (file_size < 8 || memcmp(h->magic, SIM_MAGIC, 8)) {
		sim_set_detail(detail, dlen, "not an iommufd-tools simulator state (bad magic)");
		return -EPROTO;
	}
	if (file_size < SIM_HDR_SIZE) {
		sim_set_detail(detail, dlen, "truncated: %llu bytes, shorter than the %u-byte header",
			       (unsigned long long)file_size, SIM_HDR_SIZE);
		return -EUCLEAN;
	}
	if (h->format_version != SIM_FORMAT_VERSION) {
		sim_set_detail(detail, dlen, "state format version %u; this library reads version %u",
			       h->format_version, SIM_FORMAT_VERSION);
		return -EPROTO;
	}
	if (h->header_size != SIM_HDR_SIZE) {
		sim_set_detail(detail, dlen, "corrupt state: header size %u, expected %u",
			       h->header_size, SIM_HDR_SIZE);
		return -EUCLEAN;
	}
	return 0;
}

/* Under the lock: the sizes the header holds against the file's. */
static int check_sizes(const struct sim_hdr *h, uint64_t file_size, char *detail, size_t dlen)
{
	if (h->file_size != file_size) {
		sim_set_detail(detail, dlen,
			       "corrupt state: the header says %llu bytes, the file has %llu (truncated?)",
			       (unsigned long long)h->file_size, (unsigned long long)file_size);
		return -EUCLEAN;
	}
	if (h->bump < SIM_HDR_SIZE || h->bump > h->file_size || h->bump % SIM_REC_ALIGN) {
		sim_set_detail(detail, dlen, "corrupt state: end of records 0x%llx is not within the file",
			       (unsigned long long)h->bump);
		return -EUCLEAN;
	}
	return 0;
}

/* The platform is what its profile makes (whatever else the checksum lets
 * through, the device code may trust it then). */
static int check_platform(const struct sim_hdr *h, char *detail, size_t dlen)
{
	const struct sim_profile *prof = NULL;
	struct sim_platform want;
	const uint8_t *rest;

	if (str_ok(h->profile, sizeof(h->profile)))
		prof = profile_find(h->profile);
	if (!prof) {
		sim_set_detail(detail, dlen, "state has profile \"%.31s\", which this library does "
			       "not know", h->profile);
		return -EPROTO;
	}
	if (h->page_size != prof->page_size || h->hpage_size != prof->hpage_size ||
	    sim_platform_build(prof->iommu, h->platform.p.aperture_bits, &want) ||
	    memcmp(&want, &h->platform.p, sizeof(want))) {
		sim_set_detail(detail, dlen, "corrupt state: the header's platform is not what "
			       "profile %s makes", prof->name);
		return -EUCLEAN;
	}
	rest = h->platform.room + sizeof(want);
	for (size_t i = 0; i < sizeof(h->platform.room) - sizeof(want); i++)
		if (rest[i]) {
			sim_set_detail(detail, dlen, "corrupt state: bytes past the platform are set");
			return -EUCLEAN;
		}
	return 0;
}

/* The parts fixed at creation. */
static int check_fixed(const struct sim_hdr *h, char *detail, size_t dlen)
{
	if (h->static_sum != sim_static_sum(h)) {
		sim_set_detail(detail, dlen, "corrupt state: header checksum mismatch");
		return -EUCLEAN;
	}
	if (h->features & ~SIM_FEAT_KNOWN) {
		sim_set_detail(detail, dlen, "state uses features 0x%llx this library does not know",
			       (unsigned long long)(h->features & ~SIM_FEAT_KNOWN));
		return -EPROTO;
	}
	if (!str_ok(h->profile, sizeof(h->profile)) ||
	    !str_ok(h->kernel_version, sizeof(h->kernel_version)) || !is_pow2(h->page_size) ||
	    h->page_size < 4096 || h->page_size > (1u << 20) || !is_pow2(h->hpage_size) ||
	    h->hpage_size < h->page_size || h->hpage_size / h->page_size > SIM_GAP_MAX_RATIO) {
		sim_set_detail(detail, dlen, "corrupt state: bad profile in the header");
		return -EUCLEAN;
	}
	if (h->vfio.t.nr > SIM_VFIO_MAX || (h->vfio.t.flags & ~SIM_VFIO_FLAGS)) {
		sim_set_detail(detail, dlen, "corrupt state: bad VFIO device table in the header");
		return -EUCLEAN;
	}
	return check_platform(h, detail, dlen);
}

int sim_validate_header(struct sim *sim, uint64_t file_size)
{
	const struct sim_hdr *h = sim_hdr(sim);
	int ret = check_kind(h, file_size, sim->detail, sim->dlen);

	if (!ret)
		ret = check_fixed(h, sim->detail, sim->dlen);
	if (!ret)
		ret = check_sizes(h, file_size, sim->detail, sim->dlen);
	if (ret == -EUCLEAN)
		sim->corrupt = true;
	return ret;
}

/* ---- processes ----------------------------------------------------------------------------- */

uint64_t sim_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* The command name (field 2) may hold spaces and parentheses: skip to its end. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p + 1, ' ');
	}
	if (p && sscanf(p, " %llu", &start) != 1)
		start = 0;
	return start;
}

/* ---- the lock and the entry of every operation ---------------------------------------------- */

/* The initial user namespace has a fixed inode number. */
#define PROC_USER_INIT_INO 0xEFFFFFFDu

/* How long a lock waits before it asks whether its holder still exists. */
#define SIM_LOCK_PATIENCE_SEC 1

static void note_process(struct sim *sim)
{
	struct stat st;

	sim->pid = getpid();
	sim->start_time = sim_proc_start_time(sim->pid);
	sim->foreign_userns = stat("/proc/self/ns/user", &st) == 0 && st.st_ino != PROC_USER_INIT_INO;
	sim->caps = sim_read_caps();
	/* a child's threads are not its parent's, nor are its queue fds */
	sim->nstacks = sim->next_stack = 0;
	sim_eventq_forget(sim);
}

/*
 * A forked child uses the handle as a process of its own.  A page marked
 * MADV_WIPEONFORK reads as zeros in a child: asking it costs no system call
 * (getpid() is one), which every operation would pay.
 */
static void note_fork(struct sim *sim)
{
	if (sim->fork_mark && *sim->fork_mark)
		return;
	if (sim->pid != getpid())
		note_process(sim);
	if (sim->fork_mark)
		*sim->fork_mark = 1;
}

static void fork_mark_new(struct sim *sim)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	if (madvise(p, 4096, MADV_WIPEONFORK)) {
		munmap(p, 4096);
		return;
	}
	sim->fork_mark = p;
	*sim->fork_mark = 1;
}

static int init_lock(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;
	int ret;

	ret = pthread_mutexattr_init(&attr);
	if (ret)
		return -ret;
	ret = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (!ret)
		ret = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	if (!ret)
		ret = pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	return -ret;
}

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((struct sim_hdr *)0)->lock), "lock room");

static pthread_mutex_t *state_lock(struct sim *sim)
{
	return (pthread_mutex_t *)(void *)sim_hdr(sim)->lock;
}

/*
 * Is the header's lock a robust shared mutex?  A fresh one made the same way
 * tells which bytes say so (the kind; the rest is lock state, zero when
 * unlocked): a state filled with garbage must not be locked as a mutex of
 * another kind, which may never be released.
 */
static bool lock_kind_ok(struct sim *sim)
{
	const uint8_t *t = sim->lock_kind, *m = sim_hdr(sim)->lock;

	for (size_t i = 0; i < sizeof(pthread_mutex_t); i++)
		if (t[i] && t[i] != m[i])
			return false;
	return true;
}

/* Has thread 'tid' this state file mapped? */
static bool maps_state(struct sim *sim, int tid)
{
	char path[64], line[512];
	struct stat st;
	bool found = false;
	FILE *f;

	if (fstat(sim->fd, &st) < 0)
		return true;	/* cannot tell: assume it works */
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	f = fopen(path, "re");
	if (!f)
		/* gone; or another user's, which cannot use our 0600 state */
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		unsigned long long ino;

		if (sscanf(line, "%*x-%*x %*s %*x %x:%x %llu", &maj, &min, &ino) == 3)
			found = makedev(maj, min) == st.st_dev && ino == (unsigned long long)st.st_ino;
	}
	fclose(f);
	return found;
}

/*
 * The lock's holder, when a lock takes long.  The robust futex word (the
 * mutex's first word, which the kernel knows) holds the owner's thread ID.
 * A holder that does not exist, is us, or does not have this file mapped
 * will never unlock it: a copy of a state taken while it was locked, or
 * garbage.  Only a word seen twice the same counts.
 */
static bool lock_stale(struct sim *sim, uint32_t *last, int *tid)
{
	uint32_t word = __atomic_load_n((uint32_t *)(void *)sim_hdr(sim)->lock, __ATOMIC_RELAXED);
	bool same = word == *last;

	*last = word;
	*tid = (int)(word & 0x3fffffffu);
	if (!same || !word || access("/proc/self/stat", F_OK))
		return false;
	if (!*tid || *tid == (int)gettid())
		return true;
	return !maps_state(sim, *tid);
}

/* 0 with the lock held (*owner_died: its last holder died with it), or
 * -errno; 'try': -EBUSY at once if someone holds it. */
static int take_lock(struct sim *sim, bool try, bool *owner_died)
{
	pthread_mutex_t *m = state_lock(sim);
	uint32_t last = 0;
	int ret, tid;

	*owner_died = false;
	if (!lock_kind_ok(sim))
		return sim_corrupt(sim, "the header's lock is not a process-shared robust mutex");
	ret = pthread_mutex_trylock(m);
	if (ret == EBUSY && try)
		return -EBUSY;
	while (ret == EBUSY || ret == ETIMEDOUT) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += SIM_LOCK_PATIENCE_SEC;
		ret = pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &t);
		if (ret == ETIMEDOUT && lock_stale(sim, &last, &tid))
			return sim_fail(sim, ENOLCK, "the state's lock is held by thread %d, which does "
					"not use this state (a copy taken while it was in use? "
					"garbage?)", tid);
	}
	switch (ret) {
	case 0:
		return 0;
	case EOWNERDEAD:
		*owner_died = true;
		return 0;
	case ENOTRECOVERABLE:
		return sim_fail(sim, ENOTRECOVERABLE, "the state's lock was left unrecoverable");
	default:
		return sim_fail(sim, ret, "cannot lock the state: %s", strerror(ret));
	}
}

static void drop_lock(struct sim *sim, bool owner_died)
{
	/* Consistent even if the roll-back failed: the journal stays active, so
	 * the next locker tries again, and the lock stays usable. */
	if (owner_died)
		pthread_mutex_consistent(state_lock(sim));
	pthread_mutex_unlock(state_lock(sim));
	sim->locked = false;
}

static int lock_and_map(struct sim *sim, bool try)
{
	bool owner_died;
	struct stat st;
	uint64_t size;
	int ret;

	note_fork(sim);
	for (;;) {
		/* The file as it is now, before anything of it is touched: a state
		 * someone truncated must not be read past its end. */
		if (fstat(sim->fd, &st) < 0)
			return sim_fail(sim, errno, "cannot stat the state: %s", strerror(errno));
		size = (uint64_t)st.st_size;
		if (size != sim->mapped) {
			ret = map_file(sim, size, true);
			if (ret)
				return sim_fail(sim, -ret, "cannot map the state: %s", strerror(-ret));
		}
		ret = check_kind(sim_hdr(sim), size, sim->detail, sim->dlen);
		if (ret)
			return ret;
		ret = take_lock(sim, try, &owner_died);
		if (ret)
			return ret;
		sim->locked = true;
		if (sim_hdr(sim)->file_size == size)
			break;
		/* It grew while we waited, was cut, or its last writer died growing it. */
		if (fstat(sim->fd, &st) < 0) {
			ret = sim_fail(sim, errno, "cannot stat the state: %s", strerror(errno));
			goto unlock;
		}
		size = (uint64_t)st.st_size;
		if (size > sim->window) {
			/* moving the window moves the lock: not while holding it */
			drop_lock(sim, owner_died);
			continue;
		}
		if (size != sim->mapped) {
			ret = map_file(sim, size, false);
			if (ret) {
				ret = sim_fail(sim, -ret, "cannot map the state: %s", strerror(-ret));
				goto unlock;
			}
		}
		break;
	}
	/* A file longer than the header says: the last writer died between
	 * growing it and saying so; the recovery cuts it back. */
	if (sim_hdr(sim)->file_size > size ||
	    (sim_hdr(sim)->file_size < size && !owner_died && !sim_hdr(sim)->journal.j.active)) {
		ret = check_sizes(sim_hdr(sim), size, sim->detail, sim->dlen);
		if (ret == -EUCLEAN)
			sim->corrupt = true;
		goto unlock;
	}
	ret = sim_journal_recover(sim, owner_died);
	if (!ret && size > sim_hdr(sim)->file_size) {
		/* the bytes past it were never in use */
		size = sim_hdr(sim)->file_size;
		if (ftruncate(sim->fd, (off_t)size) < 0)
			ret = sim_fail(sim, errno, "cannot cut the state back to %llu bytes: %s",
				       (unsigned long long)size, strerror(errno));
		else
			ret = map_file(sim, size, false);
	}
	if (!ret)
		ret = check_sizes(sim_hdr(sim), sim->mapped, sim->detail, sim->dlen);
	if (ret)
		goto unlock;
	if (owner_died)
		pthread_mutex_consistent(state_lock(sim));
	return 0;
unlock:
	drop_lock(sim, owner_died);
	return ret;
}

int sim_lock(struct sim *sim, char *detail, size_t dlen)
{
	int ret;

	pthread_mutex_lock(&sim->mutex);
	sim->detail = detail;
	sim->dlen = dlen;
	sim->corrupt = false;
	sim->dirty = false;
	sim->journal_failed = false;
	sim->journal_err = 0;
	sim->steps = 0;
	if (detail && dlen)
		detail[0] = 0;
	ret = lock_and_map(sim, false);
	if (ret) {
		pthread_mutex_unlock(&sim->mutex);
		return ret;
	}
	sim_verify_begin(sim);
	return 0;
}

void sim_unlock(struct sim *sim)
{
	if (sim->locked) {
		sim_journal_end(sim);
		drop_lock(sim, false);
	}
	sim->detail = NULL;
	sim->dlen = 0;
	pthread_mutex_unlock(&sim->mutex);
}

int sim_enter(struct sim *sim, char *detail, size_t dlen)
{
	int ret = sim_lock(sim, detail, dlen);

	if (ret)
		return ret;
	ret = sim_sweep_dead_owners(sim);
	if (ret)
		return sim_leave(sim, ret);
	if (!sim_rec_ok(sim, sim->ctx_off, SIM_TAG_CTX) || sim_my_ctx(sim)->n.start != sim->ctx_id)
		return sim_leave(sim, sim_fail(sim, EBADF, "context %llu was closed",
					       (unsigned long long)sim->ctx_id));
	if (sim->nqfds)
		sim_eventq_sync(sim);
	return 0;
}

int sim_leave(struct sim *sim, int ret)
{
	/* Rolled back whole: the error is what stopped the journal. */
	if (sim->journal_failed)
		ret = sim->journal_err;
	else if (sim->corrupt && ret >= 0)
		ret = -EUCLEAN;
	sim_unlock(sim);
	return ret;
}

/* A lock-free reader found the sequence count odd for a long time: is the
 * writer dead?  Only then does it take the lock and roll the writer's
 * operation back; a live writer is left alone.  1: read again, 0: a writer
 * is at work, <0: the state cannot be locked. */
int sim_reader_probe(struct sim *sim)
{
	int ret;

	if (pthread_mutex_trylock(&sim->mutex))
		return 0;	/* a thread of ours is in an operation */
	sim->detail = NULL;
	sim->dlen = 0;
	sim->corrupt = false;
	sim->dirty = false;
	sim->journal_failed = false;
	sim->steps = 0;
	ret = lock_and_map(sim, true);
	if (ret) {
		pthread_mutex_unlock(&sim->mutex);
		return ret == -EBUSY ? 0 : ret;
	}
	sim_unlock(sim);
	return 1;
}

/* ---- paths ----------------------------------------------------------------------------------- */

static int check_owner_mode(const char *what, const char *path, const struct stat *st, char *detail,
			    size_t dlen)
{
	if (st->st_uid != geteuid()) {
		sim_set_detail(detail, dlen, "%s %s is owned by uid %u, not by us (uid %u)", what,
			       path, (unsigned)st->st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		sim_set_detail(detail, dlen, "%s %s is writable by %s (mode %04o)", what, path,
			       (st->st_mode & S_IWOTH) ? "others" : "its group",
			       (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static int check_dir(const char *path, char *detail, size_t dlen)
{
	char dir[PATH_MAX];
	struct stat st;

	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) < 0) {
		sim_set_detail(detail, dlen, "directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		sim_set_detail(detail, dlen, "%s is not a directory", dir);
		return -ENOTDIR;
	}
	return check_owner_mode("directory", dir, &st, detail, dlen);
}

int sim_check_path(const char *path, char *detail, size_t dlen)
{
	struct stat st;
	int ret;

	if (!path || !path[0]) {
		sim_set_detail(detail, dlen, "empty state path");
		return -EINVAL;
	}
	ret = check_dir(path, detail, dlen);
	if (ret)
		return ret;
	if (lstat(path, &st) < 0) {
		sim_set_detail(detail, dlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		sim_set_detail(detail, dlen, "%s is not a regular file", path);
		return S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
	}
	return check_owner_mode("state", path, &st, detail, dlen);
}

/* ---- creating and opening ------------------------------------------------------------------- */

static struct sim *sim_new(void)
{
	struct sim *sim = calloc(1, sizeof(*sim));
	pthread_mutex_t kind;

	if (!sim)
		return NULL;
	if (init_lock(&kind)) {
		free(sim);
		return NULL;
	}
	memcpy(sim->lock_kind, &kind, sizeof(kind));
	pthread_mutex_destroy(&kind);
	sim->fd = -1;
	pthread_mutex_init(&sim->mutex, NULL);
	note_process(sim);
	fork_mark_new(sim);
	sim_verify_setup(sim);
	return sim;
}

static void sim_unmap(struct sim *sim)
{
	if (sim->base)
		munmap(sim->base, sim->window);
	if (sim->hdr_map)
		munmap((void *)sim->hdr_map, SIM_HDR_SIZE);
	sim->hdr_map = NULL;
	sim->base = NULL;
	sim->mapped = 0;
}

static void sim_destroy(struct sim *sim)
{
	if (sim->fork_mark)
		munmap((void *)sim->fork_mark, 4096);
	sim_unmap(sim);
	if (sim->fd >= 0)
		close(sim->fd);
	sim_journal_free(sim);
	sim_verify_free(sim);
	sim_eventq_forget(sim);
	pthread_mutex_destroy(&sim->mutex);
	free(sim);
}

/* Lay out a fresh state in the empty file sim->fd. */
static int init_state(struct sim *sim, const struct sim_profile *prof,
		      const struct sim_platform *plat, const struct sim_vfio_tab *vfio)
{
	struct sim_hdr *h;
	uint64_t ctx;
	int ret;

	ret = posix_fallocate(sim->fd, 0, SIM_INITIAL_SIZE);
	if (ret)
		return sim_fail(sim, ret, "cannot size the new state: %s", strerror(ret));
	ret = reserve_window(sim, SIM_INITIAL_SIZE);
	if (!ret)
		ret = map_file(sim, SIM_INITIAL_SIZE, false);
	if (ret)
		return sim_fail(sim, -ret, "cannot map the new state: %s", strerror(-ret));
	h = sim_hdr(sim);
	memset(h, 0, SIM_HDR_SIZE);
	memcpy(h->magic, SIM_MAGIC, 8);
	h->format_version = SIM_FORMAT_VERSION;
	h->header_size = SIM_HDR_SIZE;
	snprintf(h->profile, sizeof(h->profile), "%s", prof->name);
	h->page_size = prof->page_size;
	h->hpage_size = prof->hpage_size;
	snprintf(h->kernel_version, sizeof(h->kernel_version), "%s", SIM_KERNEL_VERSION);
	h->features = 0;
	h->platform.p = *plat;
	h->vfio.t = *vfio;
	h->static_sum = sim_static_sum(h);
	h->file_size = SIM_INITIAL_SIZE;
	h->bump = SIM_HDR_SIZE;
	h->next_ctx_id = 1;
	ret = init_lock(state_lock(sim));
	if (ret)
		return sim_fail(sim, -ret, "cannot make the state's lock: %s", strerror(-ret));
	/* Nobody else sees the file before it is complete: nothing to journal. */
	sim->journal_off = true;
	ctx = sim_ctx_new(sim, SIM_CTX_SHARED, 0, 0);
	if (!ctx)
		return -ENOMEM;
	h->shared_ctx = ctx;
	h->generation = 1;
	return 0;
}

int sim_create(const char *path, const char *profile, int replace, char *detail, size_t dlen)
{
	return sim_create_aperture(path, profile, 0, IFD_SIM_MSI_DEFAULT, replace, detail, dlen);
}

int sim_create_aperture(const char *path, const char *profile, uint32_t aperture_bits,
			uint32_t msi, int replace, char *detail, size_t dlen)
{
	const struct sim_profile *prof = profile_find(profile ? profile : "default");
	char dir[PATH_MAX], tmp[PATH_MAX];
	struct sim_platform plat;
	struct sim_vfio_tab vfio;
	struct sim *sim;
	struct stat st;
	int ret, n;

	if (!prof) {
		sim_set_detail(detail, dlen, "unknown profile \"%s\"", profile);
		return -EINVAL;
	}
	if (sim_platform_build(prof->iommu, aperture_bits, &plat)) {
		if (prof->iommu == SIM_IOMMU_VTD)
			sim_set_detail(detail, dlen, "profile %s: an aperture of %u bits (39 or 48)",
				       prof->name, aperture_bits);
		else
			sim_set_detail(detail, dlen, "profile %s has a fixed aperture (only intel-vtd "
				       "takes an aperture width)", prof->name);
		return -EINVAL;
	}
	if (!path || !path[0]) {
		sim_set_detail(detail, dlen, "empty state path");
		return -EINVAL;
	}
	ret = check_dir(path, detail, dlen);
	if (ret)
		return ret;
	if (!replace && lstat(path, &st) == 0) {
		sim_set_detail(detail, dlen, "%s exists", path);
		return -EEXIST;
	}
	/* The VFIO devices' nodes first: the state records their inodes.  They
	 * go next to the state's path as an open state sees it (its directory
	 * with symbolic links resolved), where the simulator looks for them. */
	dir_of(path, dir, sizeof(dir));
	if (!realpath(dir, tmp)) {
		sim_set_detail(detail, dlen, "directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	n = snprintf(dir, sizeof(dir), "%s/%s", strcmp(tmp, "/") ? tmp : "",
		     strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -ENAMETOOLONG;
	ret = sim_cdev_make_nodes(dir, prof->iommu, msi, &vfio, detail, dlen);
	if (ret)
		return ret;
	/* Build it under a temporary name, then publish it whole. */
	dir_of(path, dir, sizeof(dir));
	n = snprintf(tmp, sizeof(tmp), "%s/.iommufd-sim-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	sim = sim_new();
	if (!sim)
		return -ENOMEM;
	sim->detail = detail;
	sim->dlen = dlen;
	sim->fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	if (sim->fd < 0) {
		ret = -errno;
		sim_set_detail(detail, dlen, "cannot create a file in %s: %s", dir, strerror(errno));
		free(sim);
		return ret;
	}
	ret = init_state(sim, prof, &plat, &vfio);
	if (!ret) {
		if (replace) {
			if (rename(tmp, path) < 0)
				ret = -errno;
		} else {
			if (link(tmp, path) < 0)
				ret = -errno;
			unlink(tmp);
		}
		if (ret)
			sim_set_detail(detail, dlen, "cannot create %s: %s", path, strerror(-ret));
	}
	if (ret)
		unlink(tmp);
	sim_destroy(sim);
	return ret;
}

int sim_open_fd(int fd, uint32_t flags, struct sim **out, char *detail, size_t dlen)
{
	union {
		struct sim_hdr h;
		uint8_t bytes[SIM_HDR_SIZE];
	} hdr;
	char path[64];
	struct sim *sim;
	struct stat st;
	ssize_t n;
	int ret;

	if (detail && dlen)
		detail[0] = 0;
	if (flags & ~IFD_OPEN_SIM_PRIVATE & ~IFD_OPEN_SIM_CREATE) {
		sim_set_detail(detail, dlen, "unknown open flags 0x%x", flags);
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		sim_set_detail(detail, dlen, "not a regular file");
		return -EINVAL;
	}
	/* Validate the header before mapping anything. */
	memset(&hdr, 0, sizeof(hdr));
	n = pread(fd, &hdr, sizeof(hdr), 0);
	if (n < 0)
		return -errno;
	/* The sizes are the lock's to check: a writer may be growing the file. */
	ret = check_kind(&hdr.h, (uint64_t)st.st_size, detail, dlen);
	if (!ret)
		ret = check_fixed(&hdr.h, detail, dlen);
	if (ret)
		return ret;

	sim = sim_new();
	if (!sim)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, sim->path, sizeof(sim->path) - 1);
	sim->path[n > 0 ? n : 0] = 0;
	/* Read-write whatever the caller's descriptor is: growing and mapping need it. */
	sim->fd = open(path, O_RDWR | O_CLOEXEC);
	if (sim->fd < 0)
		sim->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (sim->fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = reserve_window(sim, (uint64_t)st.st_size * 2);
	if (ret)
		goto fail;
	sim->hdr_map = mmap(NULL, SIM_HDR_SIZE, PROT_READ, MAP_SHARED, sim->fd, 0);
	if (sim->hdr_map == MAP_FAILED) {
		sim->hdr_map = NULL;
		ret = -errno;
		goto fail;
	}

	/* Under the lock: the state may be in use by others. */
	ret = sim_lock(sim, detail, dlen);
	if (ret)
		goto fail;
	ret = sim_validate_header(sim, sim->mapped);
	if (!ret)
		ret = sim_sweep_dead_owners(sim);
	if (!ret && (flags & IFD_OPEN_SIM_PRIVATE)) {
		sim->ctx_off = sim_ctx_new(sim, SIM_CTX_PRIVATE, sim->pid, sim->start_time);
		sim->private_ctx = true;
		if (!sim->ctx_off && !sim->corrupt)
			ret = -ENOMEM;
	} else if (!ret) {
		sim->ctx_off = sim_hdr(sim)->shared_ctx;
	}
	if (!ret && !sim->corrupt)
		sim->ctx_id = sim_my_ctx(sim)->n.start;
	ret = sim_leave(sim, ret);
	if (ret)
		goto fail;
	*out = sim;
	return 0;
fail:
	sim_destroy(sim);
	return ret;
}

void sim_close(struct sim *sim)
{
	if (!sim)
		return;
	/* A private context is an open file in the kernel's terms: closing the
	 * handle in the process that owns it releases it. */
	if ((sim->private_ctx || sim->nqfds) && getpid() == sim->pid && sim->base &&
	    sim_enter(sim, NULL, 0) == 0) {
		struct sim_ctx *ctx = sim_my_ctx(sim);

		/* the queue fds it serves close with the handle */
		sim_eventq_close_mine(sim);
		if (sim->private_ctx && ctx->owner_pid == sim->pid &&
		    ctx->owner_start == sim->start_time)
			sim_ctx_release(sim, sim->ctx_off);
		sim_leave(sim, 0);
	}
	sim_destroy(sim);
}

/* ---- test hooks ---------------------------------------------------------------------------- */

void sim_crash_now(struct sim *sim)
{
	(void)sim;
	kill(getpid(), SIGKILL);
	for (;;)
		pause();
}

void sim_test_crash_at(struct sim *sim, uint64_t step)
{
	sim->crash_at = step;
}

uint64_t sim_test_steps(const struct sim *sim)
{
	return sim->steps;
}
