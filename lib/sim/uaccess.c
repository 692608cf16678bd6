// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The caller's memory, read and written the way copy_from_user/copy_to_user
 * do it: a bad address is -EFAULT, never a crash.  process_vm_readv/writev on
 * ourselves honour page protections (a read-only page cannot be written);
 * where they are refused (seccomp, no CONFIG_CROSS_MEMORY_ATTACH), a pipe does
 * the same job: write() from a bad address and read() into one fail with
 * EFAULT.
 *
 * Those are system calls, which cost more than the operations they serve.
 * Most structs an ioctl names live on the calling thread's stack, and every
 * byte of it from sim_ioctl's frame up to its top is mapped and writable:
 * those are copied with memcpy.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

#define PIPE_CHUNK 4096

static int pipe_copy(void *dst, const void *src, size_t len)
{
	int p[2], ret = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	while (len && !ret) {
		size_t n = len < PIPE_CHUNK ? len : PIPE_CHUNK;
		ssize_t w = write(p[1], src, n), r;

		if (w != (ssize_t)n) {
			ret = -EFAULT;
			break;
		}
		r = read(p[0], dst, n);
		if (r != (ssize_t)n) {
			ret = -EFAULT;
			break;
		}
		dst = (char *)dst + n;
		src = (const char *)src + n;
		len -= n;
	}
	close(p[0]);
	close(p[1]);
	return ret;
}

static int vm_copy(pid_t pid, bool write, void *local, uint64_t uaddr, size_t len)
{
	struct iovec l = { local, len }, r = { (void *)(uintptr_t)uaddr, len };
	ssize_t n;

	if (!len)
		return 0;
	if (uaddr + len - 1 < uaddr)
		return -EFAULT;
	n = write ? process_vm_writev(pid, &l, 1, &r, 1, 0)
		  : process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0 || errno == EFAULT)
		return -EFAULT;
	if (errno == ENOSYS || errno == EPERM)
		return write ? pipe_copy((void *)(uintptr_t)uaddr, local, len)
			     : pipe_copy(local, (const void *)(uintptr_t)uaddr, len);
	return -EFAULT;
}

/* The bounds of this thread's stack, asked once per thread and handle (the
 * main thread's are read from /proc/self/maps). */
static const struct sim_stack *thread_stack(struct sim *sim)
{
	pthread_t self = pthread_self();
	struct sim_stack *s;
	pthread_attr_t attr;
	void *addr;
	size_t size;

	for (unsigned int i = 0; i < sim->nstacks; i++)
		if (pthread_equal(sim->stacks[i].thread, self))
			return &sim->stacks[i];
	s = &sim->stacks[sim->next_stack];
	sim->next_stack = (sim->next_stack + 1) % SIM_ARRAY_SIZE(sim->stacks);
	if (sim->nstacks < SIM_ARRAY_SIZE(sim->stacks))
		sim->nstacks++;
	s->thread = self;
	s->lo = s->hi = 0;
	if (pthread_getattr_np(self, &attr))
		return s;
	if (!pthread_attr_getstack(&attr, &addr, &size)) {
		s->lo = (uintptr_t)addr;
		s->hi = (uintptr_t)addr + size;
	}
	pthread_attr_destroy(&attr);
	return s;
}

/* [uaddr, uaddr + len) lies between sim_ioctl's frame and the top of the
 * stack it runs on (not a signal stack, not a coroutine's). */
static bool on_callers_stack(struct sim *sim, uint64_t uaddr, size_t len)
{
	const struct sim_stack *s;
	uintptr_t frame = sim->entry_frame;

	if (!frame || uaddr < frame || uaddr + len < uaddr)
		return false;
	s = thread_stack(sim);
	return s->lo <= frame && frame < s->hi && uaddr + len <= s->hi;
}

/* sim->pid is this process: sim_enter() made sure of it. */
int sim_uread(struct sim *sim, void *dst, uint64_t uaddr, size_t len)
{
	if (len && on_callers_stack(sim, uaddr, len)) {
		memcpy(dst, (const void *)(uintptr_t)uaddr, len);
		return 0;
	}
	return vm_copy(sim->pid, false, dst, uaddr, len);
}

int sim_uwrite(struct sim *sim, uint64_t uaddr, const void *src, size_t len)
{
	int ret;

	if (len && on_callers_stack(sim, uaddr, len)) {
		memcpy((void *)(uintptr_t)uaddr, src, len);
		return 0;
	}
	ret = vm_copy(sim->pid, true, (void *)src, uaddr, len);

	/* The same bytes again with a plain store, now that they are known to be
	 * writable: memory checkers such as valgrind do not see the system call
	 * fill the caller's struct, and would take the answer for uninitialised. */
	if (!ret && len)
		memcpy((void *)(uintptr_t)uaddr, src, len);
	return ret;
}

int sim_uzero(struct sim *sim, uint64_t uaddr, uint64_t len)
{
	uint8_t buf[4096];

	while (len) {
		/* Page by page, so a zero test stops at the first non-zero byte
		 * before a later page faults, as the kernel's does. */
		size_t n = sizeof(buf) - (uaddr % sizeof(buf));

		if (n > len)
			n = len;

		if (sim_uread(sim, buf, uaddr, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (buf[i])
				return 0;
		uaddr += n;
		len -= n;
	}
	return 1;
}
