// SPDX-License-Identifier: GPL-3.0-or-later
/* map and unmap. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ifd-abi.h"
#include "columns.h"
#include "iommuctl.h"

static bool on_sim(const struct iommuctl *g)
{
	return ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM;
}

/* The default huge page pool, from /proc/meminfo (what MFD_HUGETLB and
 * MAP_HUGETLB without a size flag draw from). */
struct huge_pool {
	uint64_t page_size;		/* bytes; 0: no hugetlbfs in this kernel */
	uint64_t total, free, rsvd;	/* pages */
};

static void read_huge_pool(struct huge_pool *hp)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long v;

	memset(hp, 0, sizeof(*hp));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Hugepagesize: %llu kB", &v) == 1)
			hp->page_size = (uint64_t)v * 1024;
		else if (sscanf(line, "HugePages_Total: %llu", &v) == 1)
			hp->total = v;
		else if (sscanf(line, "HugePages_Free: %llu", &v) == 1)
			hp->free = v;
		else if (sscanf(line, "HugePages_Rsvd: %llu", &v) == 1)
			hp->rsvd = v;
	}
	fclose(f);
}

/* --hugepages: enough free huge pages for 'length', said before anything
 * fails in a less telling way (a bare ENOMEM from mmap or from pinning). */
static int check_huge_pool(struct iommuctl *g, const struct huge_pool *hp, uint64_t length)
{
	uint64_t need = length / hp->page_size;
	uint64_t avail = hp->free > hp->rsvd ? hp->free - hp->rsvd : 0;
	char msg[256], hint[160];

	if (need <= avail)
		return 0;
	snprintf(msg, sizeof(msg), "%" PRIu64 " huge page%s of %" PRIu64 " KiB needed, %" PRIu64
		 " available (HugePages_Total %" PRIu64 ", Free %" PRIu64 ", Rsvd %" PRIu64 ")",
		 need, need == 1 ? "" : "s", hp->page_size >> 10, avail, hp->total, hp->free,
		 hp->rsvd);
	snprintf(hint, sizeof(hint), "%s: as root, echo %" PRIu64 " > /proc/sys/vm/nr_hugepages",
		 hp->total ? "too few huge pages are free" : "no huge pages are reserved",
		 hp->total + (need - avail));
	return iommuctl_fail_errno(g, NULL, "huge pages", ENOMEM, msg, hint);
}

static void note_file(struct row_mapping *m, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0) {
		m->dev = st.st_dev;
		m->ino = st.st_ino;
	}
}

/* --size: new memory of our own.  On the kernel a memfd mapped with
 * MAP_OPT_FILE is preferred: the IOAS then holds the file, so the memory outlives
 * this short-lived process.  Anonymous memory dies with the process. */
static int map_new_memory(struct iommuctl *g, struct row_mapping *m, const char *object,
			  bool huge, bool anonymous)
{
	int probe = on_sim(g) || anonymous ? 0 : ifd_probe_ioctl(g->ctx, IOMMU_IOAS_MAP_FILE);

	if (probe < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	if (huge) {
		struct huge_pool hp;
		int ret;

		read_huge_pool(&hp);
		ret = check_huge_pool(g, &hp, m->length);
		if (ret)
			return ret;
	}
	if (probe == 1) {
		int fd = memfd_create("iommuctl-map", MFD_CLOEXEC | (huge ? MFD_HUGETLB : 0));

		if (fd < 0)
			return iommuctl_fail_errno(g, NULL, "memfd_create", errno, NULL, NULL);
		if (ftruncate(fd, (off_t)m->length) != 0) {
			int err = errno;

			close(fd);
			return iommuctl_fail_errno(g, NULL, "ftruncate memfd", err, NULL, NULL);
		}
		int ret = ifd_ioas_map_file(g->ctx, m->ioas, m->flags, fd, 0, m->length, &m->iova);

		note_file(m, fd);
		close(fd);
		if (ret)
			return iommuctl_fail(g, object, NULL, NULL);
		m->source = huge ? "memfd-hugetlb" : "memfd";
		m->has_offset = true;
		m->offset = 0;
		m->lifetime = "the IOAS holds the memfd: the memory lives as long as the mapping";
		return 0;
	}
	if (m->length > SIZE_MAX)
		return iommuctl_usage(g, "--size: larger than the address space");
	/* Huge pages are reserved at mmap time (no MAP_NORESERVE), so a short
	 * pool fails here, with ENOMEM, rather than at the first touch. */
	void *p = mmap(NULL, (size_t)m->length, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | (huge ? MAP_HUGETLB : MAP_NORESERVE), -1, 0);

	if (p == MAP_FAILED)
		return iommuctl_fail_errno(g, NULL, huge ? "mmap MAP_HUGETLB" : "mmap", errno, NULL,
					   NULL);
	m->source = huge ? "anon-hugetlb" : "anon";
	m->has_va = true;
	m->va = (uint64_t)(uintptr_t)p;
	m->lifetime = on_sim(g)
		? "iommuctl's own memory: gone when iommuctl exits (--sim-mem outlives it)"
		: "iommuctl's own memory: gone when iommuctl exits; the area cannot be pinned after";
	if (ifd_ioas_map(g->ctx, m->ioas, m->flags, m->va, m->length, &m->iova))
		return iommuctl_fail(g, object, NULL, NULL);
	iommuctl_note(g, "the memory is iommuctl's own (pid %d, anonymous) and is gone when "
		      "iommuctl exits%s", (int)getpid(),
		      on_sim(g) ? ": use --sim-mem for memory that outlives it"
		      : anonymous ? " (--anonymous)"
				  : " (this kernel has no IOMMU_IOAS_MAP_FILE for a memfd)");
	return 0;
}

static int map_sim_memory(struct iommuctl *g, struct row_mapping *m, const char *object)
{
	uint64_t va;

	if (ifd_sim_mem_alloc(g->ctx, m->length, &va))
		return iommuctl_fail(g, NULL, NULL, NULL);
	if (ifd_ioas_map(g->ctx, m->ioas, m->flags, va, m->length, &m->iova)) {
		int ret = iommuctl_fail(g, object, NULL, NULL);

		ifd_sim_mem_free(g->ctx, va);	/* nothing maps it: do not leak it in the state */
		return ret;
	}
	m->source = "sim-mem";
	m->has_va = true;
	m->va = va;
	m->lifetime = "simulator memory, kept in the state: valid in every process";
	return 0;
}

static int map_file(struct iommuctl *g, struct row_mapping *m, const char *object)
{
	bool write = m->flags & IOMMU_IOAS_MAP_WRITEABLE;
	int fd = open(m->file, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s: %s", m->file, strerror(errno));
		return iommuctl_fail_errno(g, NULL, "open", errno, msg, NULL);
	}
	ret = ifd_ioas_map_file(g->ctx, m->ioas, m->flags, fd, m->offset, m->length, &m->iova);
	note_file(m, fd);
	close(fd);
	if (ret)
		return iommuctl_fail(g, object, NULL, NULL);
	m->source = "file";
	m->lifetime = on_sim(g) ? "recorded by device and inode: valid while the file exists"
				: "the IOAS holds the file: the range lives as long as the mapping";
	return 0;
}

int cmd_map(struct iommuctl *g, struct cmd_args *a)
{
	struct row_mapping m = { 0 };
	int sources = !!a->count[MAP_OPT_SIZE] + !!a->count[MAP_OPT_SIM_MEM] + !!a->count[MAP_OPT_FILE];
	char object[32];
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[MAP_OPT_IOAS])
		return iommuctl_usage(g, "--ioas ID is required");
	if (sources != 1)
		return iommuctl_usage(g, "give one of --size, --sim-mem or --file");
	if ((a->count[MAP_OPT_OFFSET] || a->count[MAP_OPT_LENGTH]) && !a->count[MAP_OPT_FILE])
		return iommuctl_usage(g, "--offset and --length go with --file");
	if (a->count[MAP_OPT_FILE] && !a->count[MAP_OPT_LENGTH])
		return iommuctl_usage(g, "--file needs --length");
	if (a->count[MAP_OPT_READONLY] && a->count[MAP_OPT_WRITEONLY])
		return iommuctl_usage(g, "--readonly and --writeonly exclude each other");
	if (a->count[MAP_OPT_ANONYMOUS] && !a->count[MAP_OPT_SIZE])
		return iommuctl_usage(g, "--anonymous goes with --size");
	if (a->count[MAP_OPT_HUGEPAGES] && !a->count[MAP_OPT_SIZE])
		return iommuctl_usage(g, "--hugepages goes with --size (for --file, give a file on "
				      "hugetlbfs)");

	ret = arg_id(g, a, MAP_OPT_IOAS, &m.ioas);
	if (!ret && a->count[MAP_OPT_IOVA])
		ret = arg_u64(g, a, MAP_OPT_IOVA, &m.iova);
	if (!ret && a->count[MAP_OPT_SIZE])
		ret = arg_size(g, a, MAP_OPT_SIZE, &m.length);
	if (!ret && a->count[MAP_OPT_SIM_MEM])
		ret = arg_size(g, a, MAP_OPT_SIM_MEM, &m.length);
	if (!ret && a->count[MAP_OPT_LENGTH])
		ret = arg_size(g, a, MAP_OPT_LENGTH, &m.length);
	if (!ret && a->count[MAP_OPT_OFFSET])
		ret = arg_size(g, a, MAP_OPT_OFFSET, &m.offset);
	if (ret)
		return ret;
	if (m.length == 0)
		return iommuctl_usage(g, "the length must not be 0");
	if (a->count[MAP_OPT_IOVA] && m.iova + (m.length - 1) < m.iova)
		return iommuctl_usage(g, "--iova 0x%" PRIx64 " + 0x%" PRIx64 " bytes goes past "
				      "0xffffffffffffffff", m.iova, m.length);
	if (a->count[MAP_OPT_FILE] && m.offset + (m.length - 1) < m.offset)
		return iommuctl_usage(g, "--offset + --length goes past 0xffffffffffffffff");
	if (a->count[MAP_OPT_HUGEPAGES]) {
		struct huge_pool hp;

		read_huge_pool(&hp);
		if (!hp.page_size)
			return iommuctl_fail_errno(g, NULL, "huge pages", EOPNOTSUPP,
						   "/proc/meminfo has no Hugepagesize: this kernel "
						   "has no hugetlbfs", NULL);
		if (m.length % hp.page_size)
			return iommuctl_usage(g, "--size 0x%" PRIx64 " with --hugepages: not a "
					      "multiple of the huge page size (0x%" PRIx64 ")",
					      m.length, hp.page_size);
	}
	ret = iommuctl_columns(g, &fam_mapping);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;

	m.flags = a->count[MAP_OPT_READONLY] ? IOMMU_IOAS_MAP_READABLE :
		  a->count[MAP_OPT_WRITEONLY] ? IOMMU_IOAS_MAP_WRITEABLE :
		  IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	if (a->count[MAP_OPT_IOVA])
		m.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
	snprintf(object, sizeof(object), "ioas %u", m.ioas);

	if (a->count[MAP_OPT_SIZE]) {
		ret = map_new_memory(g, &m, object, a->count[MAP_OPT_HUGEPAGES] > 0,
				     a->count[MAP_OPT_ANONYMOUS] > 0);
	} else if (a->count[MAP_OPT_SIM_MEM]) {
		ret = map_sim_memory(g, &m, object);
	} else {
		m.file = a->val[MAP_OPT_FILE];
		m.has_offset = true;
		ret = map_file(g, &m, object);
	}
	if (ret)
		return ret;
	if (iommuctl_tracks_areas(g)) {
		struct ifd_sim_area area = {
			.iova = m.iova, .last = m.iova + (m.length - 1),
			.flags = m.flags & (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE),
			.source = m.has_va ? IFD_SIM_SRC_USER : IFD_SIM_SRC_FILE,
			.pid = getpid(), .user_va = m.va, .offset = m.offset,
			.dev = m.dev, .ino = m.ino,
		};

		session_area_add(&g->session, m.ioas, &area);
	}
	out_rows(&g->out, &fam_mapping, &m, 1, sizeof(m), NULL);
	return 0;
}

/* ---- unmap ---------------------------------------------------------------- */

static bool area_in(const struct ifd_sim_area *ar, const struct ifd_sim_area *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].iova == ar->iova && list[i].last == ar->last)
			return true;
	return false;
}

/*
 * A failed UNMAP is not atomic: the kernel removes the whole areas it meets
 * in ascending order and stops at the first it cannot remove, without saying
 * how far it got.  The simulator can be asked; the kernel cannot.
 */
static int unmap_failed(struct iommuctl *g, const struct row_unmap *u, const char *object,
			const struct ifd_sim_area *before, size_t nbefore, bool snapshot)
{
	struct ifd_error e = *ifd_ctx_last_error(g->ctx);
	struct ifd_sim_area *after = NULL, *gone = NULL;
	struct json_object *partial = NULL;
	size_t nafter = 0, ngone = 0;
	char text[512] = "";
	int ret;

	if (snapshot && ifd_sim_areas(g->ctx, u->ioas, &after, &nafter) == 0 &&
	    (gone = calloc(nbefore ? nbefore : 1, sizeof(*gone)))) {
		size_t used = 0;

		for (size_t i = 0; i < nbefore; i++)
			if (!area_in(&before[i], after, nafter))
				gone[ngone++] = before[i];
		if (ngone) {
			used = (size_t)snprintf(text, sizeof(text),
						"before failing it removed %zu whole area%s:", ngone,
						ngone == 1 ? "" : "s");
			for (size_t i = 0; i < ngone && used < sizeof(text); i++)
				used += (size_t)snprintf(text + used, sizeof(text) - used,
							 " 0x%" PRIx64 "-0x%" PRIx64, gone[i].iova,
							 gone[i].last);
			partial = json_object_new_object();
			json_object_object_add(partial, "removed_areas",
					       out_json_rows(&g->out, &fam_areas, gone, ngone,
							     sizeof(*gone)));
			json_object_object_add(partial, "note", NULL);
		}
	} else if (!on_sim(g) && (e.err == ENOENT || e.err == EBUSY || e.err == EDEADLK)) {
		snprintf(text, sizeof(text), "the kernel may already have removed whole areas of "
			 "the range below the first one it could not remove; it does not report "
			 "which");
		partial = json_object_new_object();
		json_object_object_add(partial, "removed_areas", NULL);
		json_object_object_add(partial, "note", json_object_new_string(text));
	}
	/* ifd_sim_areas() may have replaced the context's error: report the UNMAP's. */
	report_error(&g->rep, &(struct report_error){
		.command = g->cmdname, .object = object, .ioctl = e.ioctl, .err = e.err,
		.message = e.detail[0] ? e.detail : NULL, .hint = e.hint,
		.partial_text = text[0] ? text : NULL, .partial_json = partial,
	});
	ret = exit_code_for_errno(e.err);
	free(after);
	free(gone);
	return ret;
}

int cmd_unmap(struct iommuctl *g, struct cmd_args *a)
{
	struct row_unmap u = { 0 };
	struct ifd_sim_area *before = NULL;
	size_t nbefore = 0;
	bool snapshot = false;
	uint64_t length;
	char object[32];
	int forms, ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[UNMAP_OPT_IOAS])
		return iommuctl_usage(g, "--ioas ID is required");
	forms = !!(a->count[UNMAP_OPT_IOVA] || a->count[UNMAP_OPT_LENGTH]) + !!a->count[UNMAP_OPT_RANGE] +
		!!a->count[UNMAP_OPT_ALL];
	if (forms != 1)
		return iommuctl_usage(g, "give one of --iova/--length, --range or --all");
	if (!!a->count[UNMAP_OPT_IOVA] != !!a->count[UNMAP_OPT_LENGTH])
		return iommuctl_usage(g, "--iova and --length go together");

	ret = arg_id(g, a, UNMAP_OPT_IOAS, &u.ioas);
	if (ret)
		return ret;
	if (a->count[UNMAP_OPT_IOVA]) {
		ret = arg_u64(g, a, UNMAP_OPT_IOVA, &u.start);
		if (!ret)
			ret = arg_size(g, a, UNMAP_OPT_LENGTH, &length);
		if (ret)
			return ret;
		if (length == 0)
			return iommuctl_usage(g, "--length must not be 0");
		if (__builtin_add_overflow(u.start, length - 1, &u.last))
			return iommuctl_usage(g, "--iova + --length goes past 0xffffffffffffffff");
	} else if (a->count[UNMAP_OPT_RANGE]) {
		struct parse_range r;

		ret = arg_range(g, a, UNMAP_OPT_RANGE, &r);
		if (ret)
			return ret;
		u.start = r.start;
		u.last = r.last;
	} else {
		u.start = 0;
		u.last = UINT64_MAX;
	}
	/* The uAPI spells "everything" as iova 0, length U64_MAX; any other
	 * range's length fits in 64 bits. */
	length = (u.start == 0 && u.last == UINT64_MAX) ? UINT64_MAX : u.last - u.start + 1;
	ret = iommuctl_columns(g, &fam_unmap);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "ioas %u", u.ioas);

	/* The simulator can tell which areas go; a missing IOAS is left for the
	 * UNMAP itself to report. */
	if (on_sim(g))
		snapshot = ifd_sim_areas(g->ctx, u.ioas, &before, &nbefore) == 0;
	if (ifd_ioas_unmap(g->ctx, u.ioas, u.start, length, &u.unmapped)) {
		session_areas_unmapped(&g->session, u.ioas, u.start, u.last, false);
		ret = unmap_failed(g, &u, object, before, nbefore, snapshot);
		free(before);
		return ret;
	}
	session_areas_unmapped(&g->session, u.ioas, u.start, u.last, true);
	if (snapshot) {
		/* success means every area touching the range was inside it */
		u.areas_known = true;
		for (size_t i = 0; i < nbefore; i++)
			u.areas += before[i].iova <= u.last && before[i].last >= u.start;
	}
	free(before);
	out_rows(&g->out, &fam_unmap, &u, 1, sizeof(u), NULL);
	return 0;
}
