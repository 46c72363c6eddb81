/* measure REPORT CMD [ARG...]: runs CMD and appends "WALL_NS MAXRSS_KIB STATUS CPU_NS" to the file
 * REPORT (CPU: user and system time of CMD and its waited-for children).
 *
 * Why a wrapper: a child's ru_maxrss includes the memory of the process it was forked from, up
 * to its exec (Linux keeps the old mm's high-water mark), so measured straight from python3 every
 * command would show python's 17 MiB. vfork from this small program leaves a floor of about
 * 1 MiB instead. The wall time runs from just before vfork to just after wait4. SIGTERM and
 * SIGINT are passed on to CMD (for the followers, which run until stopped). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void pass_on(int sig) {
    if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure REPORT CMD [ARG...]\n");
        return 2;
    }
    int report = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (report < 0) {
        perror(argv[1]);
        return 2;
    }
    struct sigaction sa = {0};
    sa.sa_handler = pass_on;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = vfork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    if (pid < 0) {
        perror("vfork");
        return 2;
    }
    child = pid;
    int status;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            perror("wait4");
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    long long ns = (end.tv_sec - start.tv_sec) * 1000000000LL + (end.tv_nsec - start.tv_nsec);
    long long cpu = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL +
                    (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
    dprintf(report, "%lld %ld %d %lld\n", ns, usage.ru_maxrss, status, cpu);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
