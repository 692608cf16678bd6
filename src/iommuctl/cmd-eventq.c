// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * fault alloc | read | respond, veventq alloc | read: the event queues.
 *
 * A fault queue (IOMMU_FAULT_QUEUE_ALLOC) and a vEVENTQ (IOMMU_VEVENTQ_ALLOC)
 * are objects whose records are read from an fd the allocation returns, not
 * through an ioctl.  That fd is the only way to them, so a batch or the
 * shell keeps it for the commands after the allocation, and a single command
 * either hands it to a COMMAND it runs (--fault-fd N -- COMMAND) or closes
 * it as it exits, which leaves the queue unreadable.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "columns.h"
#include "ifd-abi.h"
#include "ifd-test-abi.h"
#include "iommuctl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct named_value veventq_types[] = {
	{ "arm_smmuv3", 1 },
	{ "tegra241_cmdqv", 2 },
	{ "selftest", IFD_VEVENTQ_TYPE_SELFTEST },
};

/* The data after each vEVENT header: the fd does not say how long it is, the
 * queue's type does (struct iommu_vevent_arm_smmuv3, _tegra241_cmdqv, and
 * the selftest's struct iommu_viommu_event_selftest). */
static uint32_t vevent_data_len(uint32_t type)
{
	switch (type) {
	case 1: return 32;
	case 2: return 16;
	case IFD_VEVENTQ_TYPE_SELFTEST: return 4;
	default: return 0;
	}
}

static const struct named_value response_codes[] = {
	{ "success", 0 },
	{ "invalid", 1 },
};

/* ---- a queue's fd outside the batch or shell that allocated it ---------------------------- *
 *
 * The fd is the queue's only way in, and a process's fds die with it.  So a
 * one-shot alloc hands the fd on: 'fault alloc --fault-fd N -- COMMAND' runs
 * COMMAND with the fd at N (as libvirt hands QEMU its fds), and later
 * commands take it with --fault-fd N (like --device-fd and --fd).  The kernel
 * needs nothing more: iommuctl execs COMMAND.  The simulator looks at a queue
 * fd only at operations of the process that allocated it, so there iommuctl
 * stays, runs COMMAND as its child and serves the queue until it exits; a
 * reader asks it to bring the queue up to date (and for the verdict on a
 * response) through a doorbell socket.  The environment variable
 * IOMMUCTL_QUEUE_FD<N> tells COMMAND's iommuctl what fd N is:
 * "KIND ID TYPE DEV:INO BELL" (BELL -1 on the kernel); DEV:INO makes a stale
 * variable (fd N reused for another file) harmless. */
#define QUEUE_ENV	"IOMMUCTL_QUEUE_FD"
#define SERVE_MS	100		/* how often the simulator's server looks unasked */

/* The queue a read or respond works on. */
struct queue_ref {
	int fd;
	bool vevent;
	bool session;		/* this batch or shell allocated it (and the simulator serves it here) */
	bool sim_socket;	/* the simulator's kind of queue fd */
	bool has_id, has_type;
	uint32_t id, type;
	int bell;		/* the simulator's server of an inherited fd, or -1 */
	char object[40];	/* "fault 7", "fault fd 5" */
};

static const char *queue_kind(bool vevent)
{
	return vevent ? "veventq" : "fault";
}

/* What the environment says of r->fd, if it says it of this very file. */
static void queue_env_read(struct queue_ref *r)
{
	unsigned long long dev, ino;
	unsigned id, type;
	char name[48], kind[16];
	const char *v;
	struct stat st;
	int bell, end = 0;

	snprintf(name, sizeof(name), QUEUE_ENV "%d", r->fd);
	v = getenv(name);
	if (!v || sscanf(v, "%15s %u %u %llu:%llu %d%n", kind, &id, &type, &dev, &ino, &bell,
			 &end) != 6 || v[end] != '\0')
		return;
	if (strcmp(kind, queue_kind(r->vevent)) != 0 || fstat(r->fd, &st) != 0 ||
	    st.st_dev != dev || st.st_ino != ino)
		return;
	snprintf(r->object, sizeof(r->object), "%s %u", kind, id);
	r->has_id = true;
	r->id = id;
	if (r->vevent) {
		r->has_type = true;
		r->type = type;
	}
	r->bell = bell >= 0 && fcntl(bell, F_GETFD) >= 0 ? bell : -1;
}

/* --fault-fd / --veventq-fd N: an open fd of this process that can be such a
 * queue's: the kernel's anonymous inode of that kind, or a socket (the
 * simulator's, which cannot tell the kinds apart). */
static int queue_fd_arg(struct iommuctl *g, const struct cmd_args *a, int idx,
			struct queue_ref *r)
{
	const char *opt = r->vevent ? "--veventq-fd" : "--fault-fd", *why;
	const char *mine = r->vevent ? "anon_inode:[iommufd-viommu-event]" :
		"anon_inode:[iommufd-pgfault]";
	char link[64], target[128];
	uint32_t n;
	ssize_t len;

	if (parse_id(a->val[idx], &n, &why) || n > INT_MAX)
		return iommuctl_usage(g, "%s '%s': not an fd number", opt, a->val[idx]);
	if (fcntl((int)n, F_GETFD) < 0)
		return iommuctl_usage(g, "%s %u: not an open fd of this process", opt, n);
	snprintf(link, sizeof(link), "/proc/self/fd/%u", n);
	len = readlink(link, target, sizeof(target) - 1);
	target[len > 0 ? len : 0] = '\0';
	r->sim_socket = strncmp(target, "socket:", 7) == 0;
	if (len > 0 && !r->sim_socket && strcmp(target, mine) != 0)
		return iommuctl_usage(g, "%s %u: not the fd of a %s (it is %s)", opt, n,
				      r->vevent ? "vEVENTQ" : "fault queue", target);
	r->fd = (int)n;
	snprintf(r->object, sizeof(r->object), "%s fd %u", queue_kind(r->vevent), n);
	/* the fd of a queue this batch or shell allocated: it serves it itself */
	for (size_t i = 0; i < g->session.neventqs; i++) {
		const struct session_eventq *q = &g->session.eventqs[i];

		if (q->fd != r->fd)
			continue;
		if (q->vevent != r->vevent)
			return iommuctl_usage(g, "%s %u: the fd of %s %u", opt, n,
					      q->vevent ? "vEVENTQ" : "fault queue", q->id);
		r->session = r->has_id = true;
		r->id = q->id;
		r->has_type = q->vevent;
		r->type = q->type;
		snprintf(r->object, sizeof(r->object), "%s %u", queue_kind(r->vevent), q->id);
		return 0;
	}
	queue_env_read(r);
	return 0;
}

/* --fault ID or --fault-fd N (--veventq, --veventq-fd). */
static int queue_arg(struct iommuctl *g, const struct cmd_args *a, int opt_id, int opt_fd,
		     bool vevent, struct queue_ref *r)
{
	const char *opt = vevent ? "--veventq" : "--fault";
	const struct session_eventq *q;
	uint32_t id;
	int ret;

	*r = (struct queue_ref){ .fd = -1, .vevent = vevent, .bell = -1 };
	if (!!a->count[opt_id] == !!a->count[opt_fd])
		return iommuctl_usage(g, "give either %s ID (a queue this batch or shell "
				      "allocated) or %s-fd N (its fd, inherited)", opt, opt);
	if (a->count[opt_fd])
		return queue_fd_arg(g, a, opt_fd, r);
	ret = arg_id(g, a, opt_id, &id);
	if (ret)
		return ret;
	q = session_eventq_of(&g->session, id);
	if (!q || q->vevent != vevent) {
		if (!g->session.active)
			return iommuctl_usage(g, "%s %u: only the batch (-b) or shell that allocated "
					      "a %s has its fd (else give the fd: %s-fd N)", opt, id,
					      vevent ? "vEVENTQ" : "fault queue", opt);
		return iommuctl_usage(g, "%s %u: not a %s allocated in this batch or shell", opt,
				      id, vevent ? "vEVENTQ" : "fault queue");
	}
	r->fd = q->fd;
	r->session = true;
	r->has_id = true;
	r->id = id;
	r->has_type = vevent;
	r->type = q->type;
	snprintf(r->object, sizeof(r->object), "%s %u", queue_kind(vevent), id);
	return 0;
}

/* Ask the simulator's server of an inherited fd to bring the queue up to
 * date ('v': and for the verdict on the responses written since). */
static int bell_ring(int bell, char what)
{
	struct pollfd p = { .fd = bell, .events = POLLIN };
	int32_t verdict;
	int r;

	if (send(bell, &what, 1, MSG_NOSIGNAL) != 1)
		return 1;
	do
		r = poll(&p, 1, 10000);
	while (r < 0 && errno == EINTR);
	if (r != 1 || recv(bell, &verdict, sizeof(verdict), 0) != (ssize_t)sizeof(verdict))
		return 1;
	return verdict;
}

/* Bring the queue up to date: 0, -errno (a response refused: 'verdict'
 * only), or 1 when nobody here can (the simulator's queue of another
 * process that runs no server for it). */
static int queue_sync(struct iommuctl *g, const struct queue_ref *r, bool verdict)
{
	int ret;

	if (r->session) {
		ret = ifd_queue_sync(g->ctx, r->fd);
		return verdict ? ret : 0;
	}
	if (!r->sim_socket)
		return 0;	/* the kernel's read(2) and write(2) are the queue */
	return r->bell >= 0 ? bell_ring(r->bell, verdict ? 'v' : 'r') : 1;
}

static void note_unserved(struct iommuctl *g, const struct queue_ref *r)
{
	iommuctl_note(g, "%s is the simulator's and no iommuctl serves it here: it shows what the "
		      "process that allocated it last wrote there (see --fault-fd in "
		      "iommuctl-fault(8))", r->object);
}

/* --wait SECS: how long the first read waits for a record, in ms (0: not). */
static int wait_arg(struct iommuctl *g, struct cmd_args *a, int idx, int *ms)
{
	uint64_t secs = 0;
	int ret;

	*ms = 0;
	if (!a->count[idx])
		return 0;
	ret = arg_u64(g, a, idx, &secs);
	if (ret)
		return ret;
	if (secs > INT_MAX / 1000)
		return iommuctl_usage(g, "--wait %" PRIu64 ": at most %d seconds", secs,
				      INT_MAX / 1000);
	*ms = (int)secs * 1000;
	return 0;
}

/* Read what the queue has now (after waiting up to 'ms' for the first):
 * both fds answer 0 bytes when empty, but poll first so that a descriptor
 * that would block (the simulator's) does not.  On the simulator the queue
 * is brought up to date before each look, since what other processes
 * queued reaches the fd only then.  Returns bytes, or -errno. */
static ssize_t read_records(struct iommuctl *g, const struct queue_ref *q, void *buf, size_t len,
			    int ms)
{
	struct pollfd p = { .fd = q->fd, .events = POLLIN };
	bool sim = q->session ? ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM : q->sim_socket;
	ssize_t n;
	int r;

	for (;;) {
		int slice = sim && ms > SERVE_MS ? SERVE_MS : ms;

		if (sim)
			queue_sync(g, q, false);
		do
			r = poll(&p, 1, slice);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -errno;
		if (r > 0 && (p.revents & POLLIN))
			break;
		ms -= slice;
		if (r > 0 || ms <= 0)
			return 0;
	}
	n = read(q->fd, buf, len);
	return n < 0 ? -errno : n;
}

/* ---- alloc: keep the fd, close it, or hand it to a COMMAND ------------------------------- */

/* --fault-fd N -- COMMAND [ARG...] of an alloc, checked before anything is
 * made: *target N, or -1 when there is no COMMAND. */
static int handover_arg(struct iommuctl *g, const struct cmd_args *a, int idx, int *target)
{
	const char *why;

	*target = -1;
	if (!a->count[idx] && !a->argc)
		return 0;
	if (!a->count[idx])
		return iommuctl_usage(g, "unexpected operand '%s' (a COMMAND to run with the "
				      "queue's fd goes after --%s N --)", a->argv[0],
				      g->cmd->options[idx].name);
	if (!a->argc)
		return iommuctl_usage(g, "--%s N: and which COMMAND gets the fd? (--%s N -- "
				      "COMMAND [ARG...])", g->cmd->options[idx].name,
				      g->cmd->options[idx].name);
	if (g->session.active)
		return iommuctl_usage(g, "--%s: a batch or shell keeps the queue's fd itself (read "
				      "it with --%s ID)", g->cmd->options[idx].name,
				      strcmp(g->cmd->group, "fault") == 0 ? "fault" : "veventq");
	if (parse_int(a->val[idx], target, &why))
		return iommuctl_usage(g, "--%s '%s': %s", g->cmd->options[idx].name, a->val[idx],
				      why);
	if (*target < 3)
		return iommuctl_usage(g, "--%s %d: stdin, stdout and stderr stay what they are",
				      g->cmd->options[idx].name, *target);
	if (*target == g->fd || fcntl(*target, F_GETFD) >= 0)
		return iommuctl_usage(g, "--%s %d: iommuctl has that fd open already (inherited): "
				      "choose a free number", g->cmd->options[idx].name, *target);
	return 0;
}

/* The columns and the context of an alloc; with a COMMAND ('target' >= 0)
 * on the kernel, a context COMMAND can reach too (an fd it inherits): a
 * queue without its context is of no use. */
static int alloc_open(struct iommuctl *g, const struct out_family *fam, int target,
		      const char *opt)
{
	int ret = iommuctl_columns(g, fam);

	if (!ret)
		ret = iommuctl_open(g);
	if (ret || target < 0 || ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM ||
	    (g->fd >= 0 && !g->pid))
		return ret;
	return iommuctl_usage(g, "%s -- COMMAND: on the kernel, COMMAND needs the context too: "
			      "give it an fd of its own (exec 3<>/dev/iommu; iommuctl --fd 3 ...)",
			      opt);
}

/* Put 'fd' at 'target', inherited across exec. */
static int place_fd(int fd, int target)
{
	if (fd != target) {
		if (dup2(fd, target) < 0)
			return -1;
		close(fd);
		return 0;
	}
	return fcntl(fd, F_SETFD, 0);
}

/* The simulator's server: until COMMAND exits, bring the queue up to date
 * every SERVE_MS and whenever a reader rings.  A response refused at an
 * unasked look is kept for the next 'v' ring.  Returns COMMAND's status. */
static int serve(struct iommuctl *g, int key, int bell, pid_t child)
{
	int pending = 0, status = 0;

	for (;;) {
		struct pollfd p = { .fd = bell, .events = POLLIN };
		int r = poll(&p, 1, SERVE_MS), err;
		pid_t w;

		err = ifd_queue_sync(g->ctx, key);
		if (err == -EINVAL && !pending)
			pending = err;
		if (r > 0 && (p.revents & POLLIN)) {
			char what = 0;
			int32_t verdict = 0;

			if (recv(bell, &what, 1, MSG_DONTWAIT) == 1) {
				if (what == 'v') {
					verdict = pending;
					pending = 0;
				}
				send(bell, &verdict, sizeof(verdict), MSG_NOSIGNAL | MSG_DONTWAIT);
			}
		} else if (r > 0) {
			p.fd = -1;	/* every reader's end is closed: poll just waits */
			bell = -1;
		}
		w = waitpid(child, &status, WNOHANG);
		if (w == child || (w < 0 && errno != EINTR))
			break;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAILED;
}

/* Print the new queue, then run COMMAND with its fd at 'target': exec on
 * the kernel; on the simulator as a child this process serves. */
static int handover(struct iommuctl *g, char **argv, int target, const struct session_eventq *q,
		    struct row_eventq *row, const struct out_family *fam)
{
	bool sim = ifd_ctx_backend(g->ctx) == IFD_BACKEND_SIM;
	int bell[2] = { -1, -1 }, err, code, old;
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	char name[48], val[128];
	struct stat st;
	pid_t pid;

	/* The doorbell's child end above 'target', so placing the queue's fd
	 * cannot land on it. */
	if (sim && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, bell) == 0) {
		old = bell[1];
		bell[1] = fcntl(old, F_DUPFD_CLOEXEC, target + 1);
		close(old);
	}
	if (fstat(q->fd, &st) != 0 || (sim && (bell[0] < 0 || bell[1] < 0))) {
		err = errno;
		close(q->fd);
		return iommuctl_fail_errno(g, row->name, "handing the fd on", err,
					   "the queue's fd is closed again", NULL);
	}
	snprintf(name, sizeof(name), QUEUE_ENV "%d", target);
	snprintf(val, sizeof(val), "%s %u %u %llu:%llu %d", queue_kind(q->vevent), q->id, q->type,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, bell[1]);
	row->fd = target;
	row->lifetime = "inherited";
	out_rows(&g->out, fam, row, 1, sizeof(*row), NULL);
	/* Our output before COMMAND's. */
	g->flushed = true;
	if (out_flush(&g->out, stdout) != 0 || fflush(stdout) != 0 || setenv(name, val, 1) != 0) {
		close(q->fd);
		return iommuctl_fail_errno(g, argv[0], "handing the fd on", errno ? errno : EIO,
					   NULL, NULL);
	}
	if (!sim) {
		if (place_fd(q->fd, target) == 0)
			execvp(argv[0], argv);
		return iommuctl_fail_errno(g, argv[0], "exec", errno, "the queue's fd is closed "
					   "with iommuctl", errno == ENOENT ? "not in PATH" : NULL);
	}
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		if (place_fd(q->fd, target) == 0 && fcntl(bell[1], F_SETFD, 0) == 0)
			execvp(argv[0], argv);
		code = iommuctl_fail_errno(g, argv[0], "exec", errno, NULL,
					   errno == ENOENT ? "not in PATH" : NULL);
		fflush(stderr);
		_exit(code);
	}
	err = errno;
	/* COMMAND holds the queue's fd now: when it closes it, the queue sees. */
	close(q->fd);
	close(bell[1]);
	if (pid < 0) {
		close(bell[0]);
		return iommuctl_fail_errno(g, argv[0], "fork", err, NULL, NULL);
	}
	code = serve(g, q->fd, bell[0], pid);
	close(bell[0]);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	return code;
}

/* The new queue's fd: kept by a batch or the shell, handed to a COMMAND,
 * else closed now. */
static int keep_eventq(struct iommuctl *g, char **argv, int target, struct row_eventq *row,
		       const struct session_eventq *q, const struct out_family *fam,
		       const char *object, const char *what)
{
	row->fd = q->fd;
	if (target >= 0)
		return handover(g, argv, target, q, row, fam);
	if (g->session.active) {
		/* New first: it forgets what a reused ID had, fds included. */
		if (session_object_new(&g->session, q->id) || session_eventq_add(&g->session, q) ||
		    (row->name && session_name_add(&g->session, row->name, q->id))) {
			if (!session_eventq_of(&g->session, q->id))
				close(q->fd);
			return iommuctl_fail_errno(g, object, what, ENOMEM, NULL, NULL);
		}
		row->lifetime = "session";
	} else {
		close(q->fd);
		row->fd = -1;
		row->lifetime = "command";
		iommuctl_note(g, "its fd was closed with this command, so nothing can read it: "
			      "allocate it in a batch (-b) or the shell, where later lines can, or "
			      "hand it to a command (--%s N -- COMMAND)",
			      q->vevent ? "veventq-fd" : "fault-fd");
	}
	out_rows(&g->out, fam, row, 1, sizeof(*row), NULL);
	return 0;
}

int cmd_fault_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_fault_alloc c = { .size = sizeof(c) };
	struct row_eventq row = { 0 };
	int ret, target;

	row.name = a->val[FAULT_ALLOC_OPT_NAME];
	ret = handover_arg(g, a, FAULT_ALLOC_OPT_FD, &target);
	if (!ret)
		ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = alloc_open(g, &fam_fault_queue, target, "--fault-fd");
	if (ret)
		return ret;
	if (ifd_ioctl(g->ctx, IOMMU_FAULT_QUEUE_ALLOC, &c) < 0)
		return iommuctl_fail(g, NULL, NULL, NULL);
	row.id = c.out_fault_id;
	return keep_eventq(g, a->argv, target, &row,
			   &(struct session_eventq){ .id = c.out_fault_id, .fd = (int)c.out_fault_fd },
			   &fam_fault_queue, NULL, "fault alloc");
}

int cmd_fault_read(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_pgfault buf[64];
	struct row_pgfault *rows = NULL;
	struct queue_ref q;
	size_t nrows = 0;
	int ms, ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = queue_arg(g, a, FAULT_READ_OPT_FAULT, FAULT_READ_OPT_FD, false, &q);
	if (!ret)
		ret = wait_arg(g, a, FAULT_READ_OPT_WAIT, &ms);
	if (!ret)
		ret = iommuctl_columns(g, &fam_pgfaults);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (queue_sync(g, &q, false) == 1)
		note_unserved(g, &q);
	for (;;) {
		/* A fault group is read whole or not at all: the buffer holds 64. */
		ssize_t n = read_records(g, &q, buf, sizeof(buf), nrows ? 0 : ms);
		struct row_pgfault *more;

		if (n < 0) {
			ret = iommuctl_fail_errno(g, q.object, "read", (int)-n, NULL,
						  n == -EINVAL ? "a fault group larger than 64 "
						  "faults" : NULL);
			goto out;
		}
		if (n == 0)
			break;
		more = realloc(rows, (nrows + (size_t)n / sizeof(buf[0])) * sizeof(*rows));
		if (!more) {
			ret = iommuctl_fail_errno(g, q.object, "fault read", ENOMEM, NULL, NULL);
			goto out;
		}
		rows = more;
		for (size_t i = 0; i < (size_t)n / sizeof(buf[0]); i++)
			rows[nrows++] = (struct row_pgfault){
				.flags = buf[i].flags, .dev_id = buf[i].dev_id,
				.pasid = buf[i].pasid, .grpid = buf[i].grpid, .perm = buf[i].perm,
				.addr = buf[i].addr, .length = buf[i].length,
				.cookie = buf[i].cookie,
			};
	}
	out_rows(&g->out, &fam_pgfaults, rows, nrows, sizeof(*rows), NULL);
	if (!nrows && !g->out.noheadings)
		out_note(&g->out, "no faults waiting in %s", q.object);
out:
	free(rows);
	return ret;
}

int cmd_fault_respond(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_hwpt_page_response r;
	struct row_page_response row = { 0 };
	struct queue_ref q;
	char object[64];
	uint64_t cookie;
	ssize_t n;
	int ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	if (!a->count[FAULT_RESP_OPT_COOKIE])
		return iommuctl_usage(g, "--cookie is required");
	ret = arg_u64(g, a, FAULT_RESP_OPT_COOKIE, &cookie);
	if (!ret && cookie > UINT32_MAX)
		return iommuctl_usage(g, "--cookie: more than 32 bits");
	row.code = 0;
	if (!ret && a->count[FAULT_RESP_OPT_CODE])
		ret = arg_named(g, a, FAULT_RESP_OPT_CODE, response_codes, N(response_codes),
				&row.code);
	if (!ret)
		ret = queue_arg(g, a, FAULT_RESP_OPT_FAULT, FAULT_RESP_OPT_FD, false, &q);
	if (!ret)
		ret = iommuctl_columns(g, &fam_page_responses);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	/* the queue's ID where it is known, else (an fd nobody described) null */
	row.has_fault = q.has_id;
	row.fault = q.id;
	row.cookie = (uint32_t)cookie;
	r = (struct ifd_hwpt_page_response){ .cookie = row.cookie, .code = row.code };
	snprintf(object, sizeof(object), "%s cookie %u", q.object, row.cookie);
	n = write(q.fd, &r, sizeof(r));
	/* The simulator checks a response when it next looks at the queue (a
	 * socket's write cannot refuse it): ask now.  The kernel answers 0. */
	ret = n == (ssize_t)sizeof(r) ? queue_sync(g, &q, true) : n < 0 ? -errno : -EIO;
	if (ret < 0)
		return iommuctl_fail_errno(g, object, "write", -ret, NULL,
					   ret == -EINVAL ?
					   "no fault group with this cookie is waiting for an answer "
					   "(fault read gives the cookies), or the code is neither "
					   "success nor invalid" : NULL);
	if (ret == 1)
		iommuctl_note(g, "%s is the simulator's and no iommuctl serves it here: whether the "
			      "response is taken is known only when the process that allocated "
			      "the queue next looks", q.object);
	row.code_name = row.code < N(response_codes) ? response_codes[row.code].name : NULL;
	out_rows(&g->out, &fam_page_responses, &row, 1, sizeof(row), NULL);
	return 0;
}

int cmd_veventq_alloc(struct iommuctl *g, struct cmd_args *a)
{
	struct ifd_veventq_alloc c = { .size = sizeof(c), .veventq_depth = 64 };
	struct row_eventq row = { .has_viommu = true };
	uint64_t depth;
	char object[32];
	int ret, target;

	if (!a->count[VEVQ_ALLOC_OPT_VIOMMU] || !a->count[VEVQ_ALLOC_OPT_TYPE])
		return iommuctl_usage(g, "--viommu and --type are required");
	row.name = a->val[VEVQ_ALLOC_OPT_NAME];
	ret = handover_arg(g, a, VEVQ_ALLOC_OPT_FD, &target);
	if (!ret)
		ret = iommuctl_name_arg(g, row.name);
	if (!ret)
		ret = arg_id(g, a, VEVQ_ALLOC_OPT_VIOMMU, &c.viommu_id);
	if (!ret)
		ret = arg_named(g, a, VEVQ_ALLOC_OPT_TYPE, veventq_types, N(veventq_types), &c.type);
	if (!ret && a->count[VEVQ_ALLOC_OPT_DEPTH]) {
		ret = arg_u64(g, a, VEVQ_ALLOC_OPT_DEPTH, &depth);
		if (!ret && depth > UINT32_MAX)
			return iommuctl_usage(g, "--depth: more than 32 bits");
		c.veventq_depth = (uint32_t)depth;
	}
	if (!ret)
		ret = alloc_open(g, &fam_veventq, target, "--veventq-fd");
	if (ret)
		return ret;
	snprintf(object, sizeof(object), "viommu %u", c.viommu_id);
	if (ifd_ioctl(g->ctx, IOMMU_VEVENTQ_ALLOC, &c) < 0)
		return iommuctl_fail(g, object, NULL, NULL);
	row.id = c.out_veventq_id;
	row.viommu = c.viommu_id;
	row.depth = c.veventq_depth;
	named_value_text(veventq_types, N(veventq_types), c.type, row.type, sizeof(row.type));
	return keep_eventq(g, a->argv, target, &row,
			   &(struct session_eventq){ .id = c.out_veventq_id,
						     .fd = (int)c.out_veventq_fd,
						     .vevent = true, .type = c.type },
			   &fam_veventq, object, "veventq alloc");
}

/* Event data as hex words: 64-bit ones where the struct has them. */
static void data_words(const uint8_t *d, uint32_t len, char *buf, size_t size)
{
	size_t used = 0;
	unsigned w = len % 8 ? 4 : 8;

	buf[0] = '\0';
	for (uint32_t off = 0; off + w <= len && used < size; off += w) {
		uint64_t v = 0;

		if (w == 8) {
			memcpy(&v, d + off, 8);
		} else {
			uint32_t v32;

			memcpy(&v32, d + off, 4);
			v = v32;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s0x%" PRIx64, off ? " " : "", v);
	}
}

int cmd_veventq_read(struct iommuctl *g, struct cmd_args *a)
{
	static uint8_t buf[16384];
	struct row_vevent *rows = NULL;
	struct queue_ref q;
	size_t nrows = 0;
	uint32_t dlen;
	int ms, ret;

	if (a->argc)
		return iommuctl_usage(g, "unexpected operand '%s'", a->argv[0]);
	ret = queue_arg(g, a, VEVQ_READ_OPT_VEVENTQ, VEVQ_READ_OPT_FD, true, &q);
	if (!ret)
		ret = wait_arg(g, a, VEVQ_READ_OPT_WAIT, &ms);
	if (ret)
		return ret;
	if (a->count[VEVQ_READ_OPT_TYPE]) {
		if (q.session)
			return iommuctl_usage(g, "--type goes with --veventq-fd: a queue of this "
					      "batch or shell has its type");
		ret = arg_named(g, a, VEVQ_READ_OPT_TYPE, veventq_types, N(veventq_types), &q.type);
		if (ret)
			return ret;
		q.has_type = true;
	}
	if (!q.has_type)
		return iommuctl_usage(g, "%s: give --type (the fd does not say what its events "
				      "are, and the environment names no queue at it)", q.object);
	dlen = vevent_data_len(q.type);
	if (!dlen)
		return iommuctl_usage(g, "%s: iommuctl does not know how long the events of type "
				      "0x%x are", q.object, q.type);
	ret = iommuctl_columns(g, &fam_vevents);
	if (!ret)
		ret = iommuctl_open(g);
	if (ret)
		return ret;
	if (queue_sync(g, &q, false) == 1)
		note_unserved(g, &q);
	for (;;) {
		ssize_t n = read_records(g, &q, buf, sizeof(buf), nrows ? 0 : ms);
		size_t off = 0;

		if (n < 0) {
			ret = iommuctl_fail_errno(g, q.object, "read", (int)-n, NULL, NULL);
			goto out;
		}
		if (n == 0)
			break;
		/* A header, then the type's data unless it only says events were lost. */
		while (off + sizeof(struct ifd_vevent_header) <= (size_t)n) {
			struct ifd_vevent_header h;
			struct row_vevent *more = realloc(rows, (nrows + 1) * sizeof(*rows)), *r;

			if (!more) {
				ret = iommuctl_fail_errno(g, q.object, "veventq read", ENOMEM, NULL,
							  NULL);
				goto out;
			}
			rows = more;
			r = memset(&rows[nrows++], 0, sizeof(*r));
			memcpy(&h, buf + off, sizeof(h));
			off += sizeof(h);
			r->flags = h.flags;
			r->sequence = h.sequence;
			if (h.flags & IFD_VEVENTQ_FLAG_LOST_EVENTS)
				continue;
			if (off + dlen > (size_t)n) {
				ret = iommuctl_fail_errno(g, q.object, "read", EIO,
							  "an event ends past what read returned",
							  NULL);
				goto out;
			}
			data_words(buf + off, dlen, r->data, sizeof(r->data));
			if (q.type == IFD_VEVENTQ_TYPE_SELFTEST) {
				r->has_virt_id = true;
				memcpy(&r->virt_id, buf + off, 4);
			}
			off += dlen;
		}
	}
	out_rows(&g->out, &fam_vevents, rows, nrows, sizeof(*rows), NULL);
	if (!nrows && !g->out.noheadings)
		out_note(&g->out, "no vEVENTs waiting in %s", q.object);
out:
	free(rows);
	return ret;
}
