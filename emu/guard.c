/* The emulator is untrusted too: see guard.h. */
#define _GNU_SOURCE
#include "guard.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "../farcall.h"

/* One per thread that emulates: -j takes at most 256. */
#define SLOTS 260
#define MAX_ATTEMPTS 32

struct slot {
	volatile uint64_t key, addr, beat;
	volatile uint32_t kind;
};

struct shared {
	volatile int crashed_slot;
	volatile int signo;
	struct slot s[SLOTS];
};

/* Set in the child only: NULL when nothing watches. */
static struct shared *G;
static __thread unsigned my_slot;
static __thread const char *last_path;
static __thread uint64_t last_key;

/* Units that killed an attempt, kept by the parent and inherited by the
 * next child through fork(). */
struct excl {
	uint64_t key, addr;
	uint32_t kind;
	char why[64];
};
static struct excl *X;
static size_t nx;

uint64_t fc_guard_crash_at;
static char crash_how[8];

static uint64_t path_key(const char *p)
{
	if (p == last_path)
		return last_key;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *c = p ? p : ""; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	last_path = p;
	last_key = h;
	return h;
}

void fc_guard_thread(unsigned slot)
{
	my_slot = slot < SLOTS ? slot : SLOTS - 1;
}

const char *fc_guard_enter(const char *path, enum fc_guard_kind k, uint64_t addr)
{
	if (!G && !nx)
		return NULL;
	uint64_t key = path_key(path);
	for (size_t i = 0; i < nx; i++)
		if (X[i].addr == addr && X[i].kind == (uint32_t)k && X[i].key == key)
			return X[i].why;
	if (G) {
		struct slot *s = &G->s[my_slot];
		s->kind = FC_GUARD_NONE;
		s->key = key;
		s->addr = addr;
		s->beat++;
		s->kind = k;
	}
	return NULL;
}

void fc_guard_leave(void)
{
	if (G)
		G->s[my_slot].kind = FC_GUARD_NONE;
}

void fc_guard_crash(void)
{
	if (!strcmp(crash_how, "segv")) {
		volatile uintptr_t bad = 8;
		*(volatile int *)bad = 1;
	}
	if (!strcmp(crash_how, "hang"))
		for (;;)
			pause();
	abort();
}

static void on_crash(int sig)
{
	if (G && G->crashed_slot < 0) {
		G->crashed_slot = (int)my_slot;
		G->signo = sig;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int crash_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

static bool is_crash(int sig)
{
	for (size_t i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
		if (crash_sigs[i] == sig)
			return true;
	return false;
}

static void child_setup(void)
{
	/* A stack of its own for the handler: a crash may be a stack overflow. */
	static char alt[64 * 1024];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
	sigaltstack(&ss, NULL);
	struct sigaction sa = {.sa_handler = on_crash, .sa_flags = SA_ONSTACK};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
		sigaction(crash_sigs[i], &sa, NULL);
}

static const char *kind_name(uint32_t k)
{
	switch (k) {
	case FC_GUARD_FUNC: return "the function at";
	case FC_GUARD_BLOCK: return "the block at";
	case FC_GUARD_SEQ: return "the address sequence at";
	case FC_GUARD_IFUNC: return "the IFUNC resolver at";
	case FC_GUARD_PLT: return "the PLT entry at";
	case FC_GUARD_TRACE: return "the trace of the site at";
	default: return "?";
	}
}

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* The child's end: its status, or killed for a unit that stalled (*stalled
 * its slot). */
static int wait_child(const struct shared *sh, pid_t pid, unsigned stall, int *stalled)
{
	uint64_t beat[SLOTS] = {0};
	unsigned still[SLOTS] = {0};
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int st = 0;
	*stalled = -1;
	for (;;) {
		if (pfd >= 0) {
			struct pollfd p = {.fd = pfd, .events = POLLIN};
			int n = poll(&p, 1, 1000);
			if (n < 0 && errno != EINTR)
				break;
			if (n > 0)
				break;
		} else {
			/* No pidfd (an old kernel): a second in small steps. */
			bool done = false;
			for (int i = 0; i < 50 && !done; i++) {
				done = waitpid(pid, &st, WNOHANG) == pid;
				if (!done)
					usleep(20000);
			}
			if (done)
				return st;
		}
		for (unsigned s = 0; s < SLOTS && *stalled < 0; s++) {
			if (sh->s[s].kind == FC_GUARD_NONE || sh->s[s].beat != beat[s]) {
				beat[s] = sh->s[s].beat;
				still[s] = 0;
				continue;
			}
			if (++still[s] >= stall) {
				*stalled = (int)s;
				kill(pid, SIGKILL);
			}
		}
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static void copy_out(int fd)
{
	char buf[65536];
	ssize_t n;
	fflush(stdout);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, (size_t)(n - off));
			if (w <= 0)
				return;
			off += w;
		}
}

int fc_guard_run(int (*cmd)(int, char **), int argc, char **argv, bool buffer)
{
	const char *inj = getenv("FARCALL_TEST_CRASH");
	if (inj && *inj) {
		char *end;
		fc_guard_crash_at = strtoull(inj, &end, 16);
		snprintf(crash_how, sizeof crash_how, "%s", *end == ':' ? end + 1 : "abort");
	}
	const char *ng = getenv("FARCALL_NO_GUARD");
	if (ng && *ng && strcmp(ng, "0"))
		return cmd(argc, argv);
	unsigned stall = 60;
	const char *ss = getenv("FARCALL_STALL_SECONDS");
	if (ss && atoi(ss) > 0)
		stall = (unsigned)atoi(ss);
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return cmd(argc, argv);
	int rc = FC_EXIT_USAGE;
	for (unsigned attempt = 0;; attempt++) {
		memset(sh, 0, sizeof *sh);
		sh->crashed_slot = -1;
		int out = buffer ? memfd_create("farcall-stdout", MFD_CLOEXEC) : -1;
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid < 0) {
			if (out >= 0)
				close(out);
			munmap(sh, sizeof *sh);
			return cmd(argc, argv);
		}
		if (pid == 0) {
			G = sh;
			if (out >= 0 && dup2(out, 1) < 0)
				_exit(FC_EXIT_USAGE);
			child_setup();
			exit(cmd(argc, argv));
		}
		child = pid;
		/* Ctrl-C reaches the child too (one process group); what is
		 * sent to this process alone goes on to it. */
		struct sigaction fw = {.sa_handler = forward}, ign = {.sa_handler = SIG_IGN};
		sigemptyset(&fw.sa_mask);
		sigemptyset(&ign.sa_mask);
		sigaction(SIGINT, &ign, NULL);
		sigaction(SIGQUIT, &ign, NULL);
		sigaction(SIGTERM, &fw, NULL);
		sigaction(SIGHUP, &fw, NULL);
		int stalled;
		int st = wait_child(sh, pid, stall, &stalled);
		child = 0;
		if (WIFEXITED(st)) {
			if (out >= 0)
				copy_out(out);
			rc = WEXITSTATUS(st);
			if (out >= 0)
				close(out);
			break;
		}
		if (out >= 0)
			close(out);
		int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		int slot = stalled >= 0 ? stalled : sh->crashed_slot;
		if (stalled < 0 && slot < 0 && is_crash(sig)) {
			/* Died where no handler could say which thread (another
			 * thread's stack overflowed): the one thread emulating. */
			int busy = 0;
			for (int s = 0; s < SLOTS; s++)
				if (sh->s[s].kind != FC_GUARD_NONE)
					slot = s, busy++;
			if (busy != 1)
				slot = -1;
		}
		if (slot < 0 || slot >= SLOTS || sh->s[slot].kind == FC_GUARD_NONE) {
			if (is_crash(sig))
				fc_err("farcall crashed (%s) outside the emulator: a bug in farcall, "
				       "please report it", strsignal(sig));
			rc = 128 + sig;
			break;
		}
		struct excl e = {.key = sh->s[slot].key, .addr = sh->s[slot].addr,
				 .kind = sh->s[slot].kind};
		if (stalled >= 0)
			snprintf(e.why, sizeof e.why, "made no progress for %u s", stall);
		else
			snprintf(e.why, sizeof e.why, "%s (SIG%s)",
				 sig == SIGABRT ? "aborted" : "crashed",
				 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		X = fc_xrealloc(X, (nx + 1) * sizeof *X);
		X[nx++] = e;
		fprintf(stderr, "farcall: the emulator %s while running %s 0x%" PRIx64 "; "
			"running again without it (%u of at most %d)\n", e.why,
			kind_name(e.kind), e.addr, attempt + 2, MAX_ATTEMPTS);
		if (attempt + 2 > MAX_ATTEMPTS) {
			fc_err("the emulator died %d times; giving up", MAX_ATTEMPTS);
			rc = FC_EXIT_USAGE;
			break;
		}
	}
	munmap(sh, sizeof *sh);
	free(X);
	X = NULL;
	nx = 0;
	return rc;
}
