/* backstep_run.h - runs the real ./backstep (or $BACKSTEP_BIN) for the Check
 * suites that test it as a user meets it: stdin from /dev/null, stdout and
 * stderr captured whole, exit status and wall time kept.  Included by one
 * test file each, so everything here is static. */
#ifndef BACKSTEP_TEST_RUN_H
#define BACKSTEP_TEST_RUN_H

#include <check.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* What one run of ./backstep left behind. */
typedef struct {
    int status;     /* exit status, or -1 when killed */
    double seconds; /* wall time */
    size_t out_len, err_len;
    char *out, *err;
} run_result;

static char *slurp(int fd, size_t *len_out)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    lseek(fd, 0, SEEK_SET);
    ssize_t n;
    while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

/* Runs ./backstep (or $BACKSTEP_BIN) with NULL-terminated args. */
static run_result run(const char *const *args)
{
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    char out_name[] = "/tmp/backstep-run-out-XXXXXX";
    char err_name[] = "/tmp/backstep-run-err-XXXXXX";
    int out = mkstemp(out_name), err = mkstemp(err_name);
    ck_assert_int_ge(out, 0);
    ck_assert_int_ge(err, 0);
    unlink(out_name);
    unlink(err_name);
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)bin;
    while (args[n - 1] && n < 15) {
        argv[n] = (char *)args[n - 1];
        n++;
    }
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    run_result r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    r.out = slurp(out, &r.out_len);
    r.err = slurp(err, &r.err_len);
    close(out);
    close(err);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

#endif
