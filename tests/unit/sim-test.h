/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers for the simulator's unit tests: a private directory of states, a
 * fresh state per test, and short forms of the commands.
 */
#ifndef SIM_TEST_H
#define SIM_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ifd-abi.h"
#include "sim/sim.h"
#include "unit.h"

static char st_dir[] = "/tmp/ifd-unit-sim-XXXXXX";
static unsigned int st_seq;
static char st_detail[256];

static void st_child_setup(void);

static void st_setup_dir(void)
{
	st_child_setup();
	if (!mkdtemp(st_dir)) {
		perror("mkdtemp");
		exit(2);
	}
}

/* A whole file into malloc'd memory, and back: tests that damage a state. */
static inline int st_slurp(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	*out = malloc((size_t)st.st_size);
	n = read(fd, *out, (size_t)st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return n == st.st_size ? 0 : -1;
}

static inline int st_spill(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static inline void st_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", st_dir, name);
}

/* A new state under a name of its own, opened (flags: IFD_OPEN_SIM_PRIVATE). */
static struct sim *st_open_new(const char *profile, uint32_t flags, char *path_out, size_t plen)
{
	char path[PATH_MAX];
	struct sim *sim = NULL;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/state-%u", st_dir, st_seq++);
	ret = sim_create(path, profile, 0, st_detail, sizeof(st_detail));
	if (ret) {
		fprintf(stderr, "sim_create %s: %d %s\n", path, ret, st_detail);
		return NULL;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ret = sim_open_fd(fd, flags, &sim, st_detail, sizeof(st_detail));
	close(fd);
	if (ret) {
		fprintf(stderr, "sim_open_fd %s: %d %s\n", path, ret, st_detail);
		return NULL;
	}
	if (path_out)
		snprintf(path_out, plen, "%s", path);
	return sim;
}

static inline struct sim *st_open_path(const char *path, uint32_t flags, int *err)
{
	struct sim *sim = NULL;
	int fd = open(path, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	ret = sim_open_fd(fd, flags, &sim, st_detail, sizeof(st_detail));
	close(fd);
	*err = ret;
	return ret ? NULL : sim;
}

static int io(struct sim *sim, unsigned long cmd, void *arg)
{
	st_detail[0] = 0;
	return sim_ioctl(sim, cmd, arg, st_detail, sizeof(st_detail));
}

static uint32_t st_ioas(struct sim *sim)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	if (io(sim, IOMMU_IOAS_ALLOC, &a))
		return 0;
	return a.out_ioas_id;
}

/* *iova is read only with FIXED_IOVA: callers leave it unset otherwise. */
static int st_map(struct sim *sim, uint32_t ioas, uint32_t flags, uint64_t va, uint64_t len,
		  uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = ioas, .user_va = va, .length = len,
		.iova = iova && (flags & IOMMU_IOAS_MAP_FIXED_IOVA) ? *iova : 0,
	};
	int ret = io(sim, IOMMU_IOAS_MAP, &m);

	if (!ret && iova)
		*iova = m.iova;
	return ret;
}

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED (IOMMU_IOAS_MAP_FIXED_IOVA)

static int st_map_fixed(struct sim *sim, uint32_t ioas, uint64_t va, uint64_t len, uint64_t iova)
{
	return st_map(sim, ioas, RW | FIXED, va, len, &iova);
}

static int st_unmap(struct sim *sim, uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *out)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = iova,
				      .length = len };
	int ret = io(sim, IOMMU_IOAS_UNMAP, &u);

	if (!ret && out)
		*out = u.length;
	return ret;
}

/* The users count of object 'id' (0: no such object). */
static inline uint32_t st_users(struct sim *sim, uint32_t id)
{
	struct ifd_sim_object *objs = NULL;
	uint32_t users = 0;
	size_t n = 0;

	if (!sim_objects(sim, &objs, &n)) {
		for (size_t i = 0; i < n; i++)
			if (objs[i].id == id)
				users = objs[i].users;
		free(objs);
	}
	return users;
}

static inline size_t st_nr_objects(struct sim *sim)
{
	struct ifd_sim_info info;

	return sim_info(sim, &info) ? (size_t)-1 : info.nr_objects;
}

static int st_check(struct sim *sim)
{
	char report[4096];
	int ret = sim_check(sim, report, sizeof(report));

	if (ret)
		fprintf(stderr, "sim_check: %d\n%s", ret, report);
	return ret;
}

/*
 * Forked children report through shared memory and end with SIGKILL: no exit
 * handlers, no leak report from a memory checker about the parent's handles
 * they inherited (or, on purpose, never closed).
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

static volatile int *st_results;

static void st_child_setup(void)
{
	st_results = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st_results == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
}

static inline pid_t st_fork(int slot)
{
	st_results[slot] = 0;
	return fork();
}

static inline void st_child_exit(int slot, int ok)
{
	st_results[slot] = ok ? 1 : 2;
	kill(getpid(), SIGKILL);
	_exit(3);
}

/* Did the child in 'slot' report success? */
static inline int st_child_ok(pid_t pid, int slot)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 0;
	return st_results[slot] == 1;
}

static void st_cleanup(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", st_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", st_dir);
}

/* A new state with the default profile; the test program cannot go on without it. */
static inline struct sim *fresh(void)
{
	struct sim *sim = st_open_new("default", 0, NULL, 0);

	CHECK(sim != NULL);
	if (!sim)
		exit(2);
	return sim;
}

/* How many areas the IOAS has, or (size_t)-1 if the simulator cannot say. */
static inline size_t nr_areas(struct sim *sim, uint32_t ioas)
{
	struct ifd_sim_area *a = NULL;
	size_t n = 0;

	if (sim_areas(sim, ioas, &a, &n))
		return (size_t)-1;
	free(a);
	return n;
}

#endif
