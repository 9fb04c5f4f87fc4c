/* Running a program we do not trust: own process group, time limit,
 * peak memory from wait4(), output to a file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/util.h"
#include "link.h"

/* The process groups of the linkers running now. A linker runs in a group
 * of its own, which the terminal's Ctrl-C does not reach: when farcall is
 * interrupted or terminated, it takes them down with it, then dies of the
 * same signal. Slots are written by the workers and read by the handler. */
#define MAX_CHILDREN 256
static volatile sig_atomic_t children[MAX_CHILDREN];

static void on_fatal(int sig)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] > 0)
			kill(-(pid_t)children[i], SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa = {.sa_handler = on_fatal};
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;
		/* A signal the user ignored (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;

static int child_add(pid_t pid)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_handlers);
	pthread_mutex_lock(&children_lock);
	int slot = -1;
	for (int i = 0; i < MAX_CHILDREN && slot < 0; i++)
		if (!children[i]) {
			children[i] = pid;
			slot = i;
		}
	pthread_mutex_unlock(&children_lock);
	return slot;
}

static void child_del(int slot)
{
	if (slot >= 0)
		children[slot] = 0;
}

int fc_exec_run(char *const argv[], const char *cwd, const char *log, double timeout,
		struct fc_exec *x)
{
	memset(x, 0, sizeof *x);
	x->exit_code = -1;
	int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fc_err("%s: cannot create: %s", log, strerror(errno));
	/* The child reports a failed exec through this pipe. */
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		close(fd);
		return fc_err("pipe: %s", strerror(errno));
	}
	double t0 = fc_now();
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		close(pfd[0]);
		close(pfd[1]);
		return fc_err("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		/* farcall killed outright (SIGKILL: no handler runs) takes the
		 * linker with it; the handler above covers its helpers. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (cwd && chdir(cwd) != 0) {
			int e = errno;
			(void)!write(pfd[1], &e, sizeof e);
			_exit(127);
		}
		execvp(argv[0], argv);
		int e = errno;
		(void)!write(pfd[1], &e, sizeof e);
		_exit(127);
	}
	setpgid(pid, pid);
	int slot = child_add(pid);
	close(fd);
	close(pfd[1]);
	int child_errno = 0;
	if (read(pfd[0], &child_errno, sizeof child_errno) == (ssize_t)sizeof child_errno) {
		close(pfd[0]);
		int st;
		waitpid(pid, &st, 0);
		child_del(slot);
		errno = child_errno;
		return fc_err("%s: cannot run: %s", argv[0], strerror(child_errno));
	}
	close(pfd[0]);
	x->started = true;
	int st = 0;
	struct rusage ru = {0};
	long naptime = 1000000; /* 1 ms, growing to 20 ms */
	for (;;) {
		pid_t w = wait4(pid, &st, WNOHANG, &ru);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (timeout > 0 && fc_now() - t0 > timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			wait4(pid, &st, 0, &ru);
			x->timed_out = true;
			break;
		}
		struct timespec ts = {0, naptime};
		nanosleep(&ts, NULL);
		if (naptime < 20000000)
			naptime *= 2;
	}
	/* Whatever it left behind in its group goes too. */
	kill(-pid, SIGKILL);
	child_del(slot);
	x->wall_s = fc_now() - t0;
	x->max_rss_kb = ru.ru_maxrss;
	x->user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	x->sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (WIFEXITED(st))
		x->exit_code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		x->signal = WTERMSIG(st);
	return 0;
}

/* What the measuring child of fc_exec_tree tells its parent, once all is
 * reaped. */
struct tree_report {
	int status, exec_errno, timed_out, reaped;
	double wall_s, user_s, sys_s;
	long max_rss_kb;
};

static volatile sig_atomic_t alarm_hit;
static void on_alarm(int sig)
{
	(void)sig;
	alarm_hit = 1;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The measuring child: never returns. */
static void measure_tree(char *const argv[], const char *cwd, int logfd, double timeout, int out)
{
	/* The parent's handlers would kill the parent's other linkers. */
	int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	struct tree_report rep = {0};
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		rep.exec_errno = errno;
		(void)!write(out, &rep, sizeof rep);
		_exit(127);
	}
	int epfd[2];
	if (pipe2(epfd, O_CLOEXEC) < 0)
		_exit(127);
	pid_t me = getpid();
	double t0 = fc_now();
	pid_t l = fork();
	if (l < 0)
		_exit(127);
	if (l == 0) {
		/* A group of its own, which the timeout kills with whatever it
		 * forked; the measurer stays out of it. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != me)
			_exit(127);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		if (cwd && chdir(cwd) != 0) {
			int e = errno;
			(void)!write(epfd[1], &e, sizeof e);
			_exit(127);
		}
		execvp(argv[0], argv);
		int e = errno;
		(void)!write(epfd[1], &e, sizeof e);
		_exit(127);
	}
	setpgid(l, l);
	close(epfd[1]);
	/* The parent adds the linker's group to those it kills on Ctrl-C. */
	(void)!write(out, &l, sizeof l);
	int e = 0;
	if (read(epfd[0], &e, sizeof e) == (ssize_t)sizeof e)
		rep.exec_errno = e;
	close(epfd[0]);
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART: wait returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	if (timeout > 0) {
		/* Again every second after the first: a descendant that outlives
		 * the kill is killed again. */
		struct itimerval it = {.it_interval = {1, 0},
				       .it_value = {(time_t)timeout,
						    (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6)}};
		if (!it.it_value.tv_sec && !it.it_value.tv_usec)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w == l) {
			rep.status = st;
			rep.reaped = 1;
		}
		if (w >= 0)
			continue;
		if (errno != EINTR)
			break; /* ECHILD: the whole tree is gone */
		if (alarm_hit) {
			rep.timed_out = 1;
			kill(-l, SIGKILL);
		}
	}
	rep.wall_s = fc_now() - t0;
	struct rusage ru = {0};
	getrusage(RUSAGE_CHILDREN, &ru);
	rep.user_s = tv_s(ru.ru_utime);
	rep.sys_s = tv_s(ru.ru_stime);
	rep.max_rss_kb = ru.ru_maxrss;
	(void)!write(out, &rep, sizeof rep);
	_exit(0);
}

static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int fc_exec_tree(char *const argv[], const char *cwd, const char *log, double timeout,
		 struct fc_exec *x)
{
	memset(x, 0, sizeof *x);
	x->exit_code = -1;
	int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fc_err("%s: cannot create: %s", log, strerror(errno));
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		close(fd);
		return fc_err("pipe: %s", strerror(errno));
	}
	pid_t parent = getpid();
	pid_t m = fork();
	if (m < 0) {
		close(fd);
		close(pfd[0]);
		close(pfd[1]);
		return fc_err("fork: %s", strerror(errno));
	}
	if (m == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		close(pfd[0]);
		measure_tree(argv, cwd, fd, timeout, pfd[1]);
	}
	setpgid(m, m);
	int slot = child_add(m), lslot = -1;
	close(fd);
	close(pfd[1]);
	pid_t l = 0;
	struct tree_report rep;
	bool have = read_full(pfd[0], &l, sizeof l) == (ssize_t)sizeof l;
	if (have)
		lslot = child_add(l);
	have = have && read_full(pfd[0], &rep, sizeof rep) == (ssize_t)sizeof rep;
	close(pfd[0]);
	int st;
	while (waitpid(m, &st, 0) < 0 && errno == EINTR)
		;
	if (l > 0)
		kill(-l, SIGKILL);
	child_del(lslot);
	child_del(slot);
	if (!have)
		return fc_err("%s: the process that measures it died", argv[0]);
	if (rep.exec_errno)
		return fc_err("%s: cannot run: %s", argv[0], strerror(rep.exec_errno));
	x->started = true;
	x->timed_out = rep.timed_out;
	x->wall_s = rep.wall_s;
	x->user_s = rep.user_s;
	x->sys_s = rep.sys_s;
	x->max_rss_kb = rep.max_rss_kb;
	if (rep.reaped && WIFEXITED(rep.status))
		x->exit_code = WEXITSTATUS(rep.status);
	else if (rep.reaped && WIFSIGNALED(rep.status))
		x->signal = WTERMSIG(rep.status);
	return 0;
}

char *fc_exec_first_line(char *const argv[], double timeout)
{
	char tmpl[] = "/tmp/farcall-ver-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return NULL;
	close(fd);
	struct fc_exec x;
	char *line = NULL;
	/* Quietly: a missing binary is an answer here, not an error. */
	int saved = dup(2), nul = open("/dev/null", O_WRONLY);
	dup2(nul, 2);
	int r = fc_exec_run(argv, NULL, tmpl, timeout, &x);
	dup2(saved, 2);
	close(saved);
	close(nul);
	if (r == 0 && x.exit_code == 0) {
		char *text = fc_read_file(tmpl, NULL);
		if (text) {
			char *nl = strchr(text, '\n');
			if (nl)
				*nl = 0;
			if (*text)
				line = fc_xstrdup(text);
			free(text);
		}
	}
	unlink(tmpl);
	return line;
}
