// SPDX-License-Identifier: GPL-2.0
/*
 * bench-spawn: holds a population of idle processes for make bench.
 *
 *   bench-spawn N    forks N children that only pause(), prints
 *                    "ready N" on stdout, and waits.
 *
 * On SIGTERM, SIGINT or SIGHUP, or when its parent (bench/run.sh) dies
 * however it dies, it SIGKILLs every child and reaps them all before it
 * exits: PID 1 may not reap orphans (it does not on the bench host), so
 * the children must never outlive their parent.  Each child also has
 * PR_SET_PDEATHSIG = SIGKILL, so even a SIGKILLed bench-spawn leaves no
 * live process behind (at worst zombies, which hold only a PID).
 *
 * Built static and tiny so that a child costs little more than its
 * kernel stack and page tables: ~10,000 children fit in a few hundred
 * MiB.
 *
 * Exit codes: 0 all children were forked, killed and reaped; 1 fork
 * failed (the message says after how many; they were reaped too);
 * 2 usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPAWN_MAX 1000000

static void sleeper(pid_t parent, const sigset_t *stops)
{
	/* The signals the parent waits for are blocked: let them kill. */
	sigprocmask(SIG_UNBLOCK, stops, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* Hold no end of the bench script's pipes or terminal. */
	close(0);
	close(1);
	close(2);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	pid_t self = getpid(), parent = getppid();
	int status = 0, sig = 0;
	long n, forked = 0;
	sigset_t stops;
	pid_t *pids;
	char *end;

	if (argc != 2 || (n = strtol(argv[1], &end, 10), *end) || n < 0 ||
	    n > SPAWN_MAX) {
		fprintf(stderr, "usage: bench-spawn N (0 to %d)\n", SPAWN_MAX);
		return 2;
	}
	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!pids) {
		perror("bench-spawn");
		return 1;
	}
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, NULL);
	/* The parent script dying is a stop signal too. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		goto out;

	for (; forked < n; forked++) {
		pid_t pid = fork();

		if (pid == 0)
			sleeper(self, &stops);
		if (pid < 0) {
			fprintf(stderr, "bench-spawn: fork after %ld: %s\n",
				forked, strerror(errno));
			status = 1;
			goto out;
		}
		pids[forked] = pid;
	}
	printf("ready %ld\n", forked);
	fflush(stdout);
	while (sig <= 0) {
		sig = sigwaitinfo(&stops, NULL);
		if (sig < 0 && errno != EINTR)
			break;
	}
out:
	for (long i = 0; i < forked; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	free(pids);
	return status;
}
