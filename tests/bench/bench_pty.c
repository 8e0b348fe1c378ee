/* bench_pty.c - the real backstep on a pseudo-terminal, as a user sees it.
 *
 *   bench_pty BACKSTEP LESSON RUNS STEPS_PER_PASS QUIET_MS
 *
 * Starts BACKSTEP LESSON on a 100x30 pty (TERM=xterm-256color,
 * LANG=C.UTF-8) RUNS times and measures the time from fork to the first
 * complete frame (the key bar's last word, "quit", has arrived), and the
 * CPU time (user and system) of each run that quits at once after it:
 * exec, loading, the first frame and the quit, which other work on a busy
 * machine hardly moves.  On the
 * last run it presses -> through one whole pass and <- back, waiting after
 * each key until the output goes quiet, and counts the bytes the program
 * wrote for each key (a key's answer is over when nothing came for
 * QUIET_MS, which must exceed the slowest step); then q, and the child's peak RSS from wait4.
 * Every wait is bounded polling, never a sleep. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    PTY_COLS = 100,
    PTY_ROWS = 30,
    MAX_RUNS = 100,
    KEY_LIMIT_MS = 5000, /* a key that takes longer than this is a failure */
    START_LIMIT_MS = 5000,
    MAX_KEYS = 4096,
};

/* Wall-clock milliseconds. */
static double pty_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Reads what is there within wait_ms; returns bytes read, 0 on timeout,
 * -1 when the child closed the terminal.  Keeps the tail of the output in
 * tail (NUL-terminated) so callers can look for text. */
static long pty_read(int fd, int wait_ms, char *tail, size_t tail_size)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, wait_ms);
    if (r <= 0)
        return 0;
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0)
        return -1;
    size_t keep = strlen(tail), add = (size_t)n;
    if (add >= tail_size - 1) {
        memcpy(tail, buf + add - (tail_size - 1), tail_size - 1);
        tail[tail_size - 1] = '\0';
    } else {
        if (keep + add >= tail_size) {
            size_t drop = keep + add - (tail_size - 1);
            memmove(tail, tail + drop, keep - drop);
            keep -= drop;
        }
        memcpy(tail + keep, buf, add);
        tail[keep + add] = '\0';
    }
    return (long)n;
}

/* Drains output until it stays quiet for quiet_ms (bounded by limit_ms).
 * Returns the bytes read, or -1 when the child went away or never quieted. */
static long pty_drain(int fd, int quiet_ms, int limit_ms, char *tail, size_t tail_size)
{
    long total = 0;
    double start = pty_now_ms();
    for (;;) {
        long n = pty_read(fd, quiet_ms, tail, tail_size);
        if (n < 0)
            return total ? total : -1;
        if (n == 0)
            return total;
        total += n;
        if (pty_now_ms() - start > limit_ms)
            return -1;
    }
}

/* Starts the program on a new pty; returns the child's pid and the master fd. */
static pid_t pty_start(const char *prog, const char *lesson_path, int *fd)
{
    struct winsize ws = {.ws_row = PTY_ROWS, .ws_col = PTY_COLS};
    pid_t pid = forkpty(fd, NULL, NULL, &ws);
    if (pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        setenv("LANG", "C.UTF-8", 1);
        unsetenv("LC_ALL");
        unsetenv("NO_COLOR");
        /* the theme given, so start-up does not wait for the terminal to
         * say its background (no answer comes from this pty) */
        execl(prog, prog, "--theme", "dark", lesson_path, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits for the first complete frame; returns milliseconds or -1. */
static double pty_first_frame(int fd, double t0, char *tail, size_t tail_size)
{
    while (pty_now_ms() - t0 < START_LIMIT_MS) {
        long n = pty_read(fd, 50, tail, tail_size);
        if (n < 0)
            return -1;
        if (strstr(tail, "quit"))
            return pty_now_ms() - t0;
    }
    return -1;
}

/* Presses a key: writes it and drains the answer.  Returns bytes or -1. */
static long pty_key(int fd, const char *key, int quiet_ms, char *tail, size_t tail_size)
{
    if (write(fd, key, strlen(key)) != (ssize_t)strlen(key))
        return -1;
    return pty_drain(fd, quiet_ms, KEY_LIMIT_MS, tail, tail_size);
}

/* Finds the pass length from the header's "step I/N": N, or 0. */
static int pty_steps_in_pass(const char *tail)
{
    const char *p = tail, *hit = NULL;
    while ((p = strstr(p, "step ")) != NULL) {
        hit = p;
        p += 5;
    }
    if (!hit)
        return 0;
    int i, n;
    if (sscanf(hit, "step %d/%d", &i, &n) == 2 || sscanf(hit, "step %d of %d", &i, &n) == 2)
        return n;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bench_pty BACKSTEP LESSON RUNS STEPS_PER_PASS QUIET_MS\n");
        return 2;
    }
    int runs = atoi(argv[3]), pass = atoi(argv[4]), quiet = atoi(argv[5]);
    if (runs < 1 || runs > MAX_RUNS || pass < 1 || pass > MAX_KEYS / 2 || quiet < 1 ||
        quiet > 1000) {
        fprintf(stderr, "bench_pty: RUNS 1..%d, STEPS_PER_PASS 1..%d, QUIET_MS 1..1000\n",
                MAX_RUNS, MAX_KEYS / 2);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    double start_ms[MAX_RUNS], cpu_ms[MAX_RUNS];
    int cpu_runs = 0;
    char tail[8192];
    long first_bytes = 0, key_bytes = 0, keys = 0, max_key = 0, peak_kib = 0;
    for (int r = 0; r < runs; r++) {
        int fd;
        tail[0] = '\0';
        double t0 = pty_now_ms();
        pid_t pid = pty_start(argv[1], argv[2], &fd);
        if (pid < 0) {
            perror("bench_pty: forkpty");
            return 1;
        }
        start_ms[r] = pty_first_frame(fd, t0, tail, sizeof tail);
        long rest = pty_drain(fd, quiet, KEY_LIMIT_MS, tail, sizeof tail);
        if (start_ms[r] < 0 || rest < 0) {
            fprintf(stderr, "bench_pty: no first frame from %s %s\n", argv[1], argv[2]);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return 1;
        }
        if (r == runs - 1) {
            first_bytes = rest;
            /* the whole pass forward (xterm's application-mode arrows,
             * as keypad mode asks for), then back again */
            for (int k = 0; k < 2 * pass; k++) {
                long n = pty_key(fd, k < pass ? "\033OC" : "\033OD", quiet, tail,
                             sizeof tail);
                if (n < 0) {
                    fprintf(stderr, "bench_pty: key %d got no answer\n", k + 1);
                    kill(pid, SIGKILL);
                    waitpid(pid, NULL, 0);
                    return 1;
                }
                key_bytes += n;
                keys++;
                if (n > max_key)
                    max_key = n;
            }
        }
        if (write(fd, "q", 1) != 1)
            kill(pid, SIGTERM);
        double tq = pty_now_ms();
        int status = 0;
        struct rusage ru;
        pid_t w;
        char sink[4096];
        /* keep reading so the child never blocks on a full pty */
        while ((w = wait4(pid, &status, WNOHANG, &ru)) == 0) {
            if (pty_now_ms() - tq > KEY_LIMIT_MS) {
                kill(pid, SIGKILL);
                w = wait4(pid, &status, 0, &ru);
                break;
            }
            sink[0] = '\0';
            pty_read(fd, 10, sink, sizeof sink);
        }
        close(fd);
        if (w != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_pty: %s did not quit cleanly (status %d)\n", argv[1],
                    w == pid ? status : -1);
            return 1;
        }
        if (ru.ru_maxrss > peak_kib)
            peak_kib = ru.ru_maxrss;
        if (r < runs - 1 || runs == 1)
            cpu_ms[cpu_runs++] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-3;
    }
    qsort(start_ms, (size_t)runs, sizeof start_ms[0], cmp_double);
    double median = runs % 2 ? start_ms[runs / 2]
                             : (start_ms[runs / 2 - 1] + start_ms[runs / 2]) / 2;
    qsort(cpu_ms, (size_t)cpu_runs, sizeof cpu_ms[0], cmp_double);
    double cpu = cpu_runs % 2 ? cpu_ms[cpu_runs / 2]
                              : (cpu_ms[cpu_runs / 2 - 1] + cpu_ms[cpu_runs / 2]) / 2;
    printf("start_ms %.2f start_min_ms %.2f start_cpu_ms %.2f start_cpu_min_ms %.2f"
           " first_frame_bytes %ld keys %ld bytes_per_key %.0f max_key_bytes %ld peak_kib %ld"
           " header_steps %d\n",
           median, start_ms[0], cpu, cpu_ms[0], first_bytes, keys,
           keys ? (double)key_bytes / keys : 0.0, max_key, peak_kib, pty_steps_in_pass(tail));
    return 0;
}
