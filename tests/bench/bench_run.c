/* bench_run.c - one run of a program whose output is too large to keep.
 *
 *   bench_run PROGRAM ARGS...
 *
 * Runs PROGRAM with stdin from /dev/null and its standard output read as
 * it comes and counted, not kept; prints the bytes it wrote, its CPU time
 * (user and system), its wall time and its peak RSS, and exits with its
 * exit status. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_run PROGRAM ARGS...\n");
        return 2;
    }
    int fd[2];
    if (pipe(fd) != 0) {
        perror("bench_run: pipe");
        return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    if (posix_spawn(&pid, argv[1], &fa, NULL, argv + 1, environ) != 0) {
        perror("bench_run: posix_spawn");
        return 2;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    static char buf[1 << 16];
    long long bytes = 0;
    ssize_t n;
    while ((n = read(fd[0], buf, sizeof buf)) > 0)
        bytes += n;
    close(fd[0]);
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid) {
        perror("bench_run: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("bytes %lld cpu_s %.2f wall_s %.2f peak_kib %ld\n", bytes, cpu, wall, ru.ru_maxrss);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
