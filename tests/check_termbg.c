/* check_termbg.c - asking a terminal for its background: a real
 * pseudo-terminal whose other end answers like xterm, like a terminal that
 * knows no OSC 11, and like one that says nothing at all. */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "termbg.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(da1_answers)
{
    static const char whole[] = "\033[?62;22c";
    ck_assert(termbg_da1_answered(whole, strlen(whole)));
    static const char after[] = "\033]11;rgb:0000/0000/0000\033\\\033[?1;2c";
    ck_assert(termbg_da1_answered(after, strlen(after)));
    ck_assert(termbg_da1_answered("\033[?6c", 5));
    ck_assert(!termbg_da1_answered("\033[?62;22", 8)); /* not yet ended */
    ck_assert(!termbg_da1_answered("\033[62c", 5));    /* no '?' */
    ck_assert(!termbg_da1_answered("\033[?6xc", 6));   /* not DA1 */
    ck_assert(!termbg_da1_answered("", 0));
}
END_TEST

/* Runs termbg_ask in a child on a new pseudo-terminal whose other end
 * writes `answer` once the question has come (NULL: says nothing), after
 * delay_ms.  Returns the child's verdict: -1 no answer, else a theme_id;
 * *elapsed gets the child's wait in seconds. */
static int ask_on_pty(const char *answer, int delay_ms, double *elapsed)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    const char *slave = ptsname(master);
    ck_assert_ptr_nonnull(slave);
    int timing[2];
    ck_assert_int_eq(pipe(timing), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setsid();
        int fd = open(slave, O_RDWR);
        if (fd < 0)
            _exit(120);
        dup2(fd, 0);
        dup2(fd, 1);
        close(master);
        setenv("TERM", "xterm-256color", 1);
        theme_id t;
        double t0 = seconds();
        int got = termbg_ask(&t);
        double took = seconds() - t0;
        if (write(timing[1], &took, sizeof took) != (ssize_t)sizeof took)
            _exit(121);
        _exit(got ? 10 + (int)t : 1);
    }
    close(timing[1]);
    /* Wait for the whole question, then answer. */
    char q[64];
    size_t n = 0;
    double end = seconds() + 5;
    while (seconds() < end && !(n >= 3 && memcmp(q + n - 3, "\033[c", 3) == 0)) {
        ssize_t k = read(master, q + n, sizeof q - n);
        if (k > 0)
            n += (size_t)k;
    }
    ck_assert_msg(n >= 3 && memcmp(q, "\033]11;?\033\\\033[c", n) == 0, "the question was %zu bytes",
                  n);
    if (answer) {
        usleep((useconds_t)delay_ms * 1000);
        ck_assert_int_eq(write(master, answer, strlen(answer)), (ssize_t)strlen(answer));
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(read(timing[0], elapsed, sizeof *elapsed), (ssize_t)sizeof *elapsed);
    close(timing[0]);
    close(master);
    int code = WEXITSTATUS(status);
    ck_assert_msg(code == 1 || (code >= 10 && code < 10 + THEME_COUNT), "child exit %d", code);
    return code == 1 ? -1 : code - 10;
}

START_TEST(asks_xterm)
{
    double took;
    /* xterm answers OSC 11, then DA1: done as soon as DA1 comes. */
    ck_assert_int_eq(ask_on_pty("\033]11;rgb:ffff/ffff/ffff\033\\\033[?64;1;2;6;9;15;18;21;22c", 0,
                                &took),
                     THEME_LIGHT);
    ck_assert_double_lt(took, 0.14);
    ck_assert_int_eq(ask_on_pty("\033]11;rgb:0000/0000/0000\a\033[?62;22c", 20, &took),
                     THEME_DARK);
    ck_assert_double_lt(took, 0.14);
}
END_TEST

START_TEST(asks_a_terminal_without_osc11)
{
    double took;
    /* Only DA1 comes back: no theme, and no waiting for the time limit. */
    ck_assert_int_eq(ask_on_pty("\033[?1;2c", 0, &took), -1);
    ck_assert_double_lt(took, 0.14);
}
END_TEST

START_TEST(asks_a_silent_terminal)
{
    double took;
    ck_assert_int_eq(ask_on_pty(NULL, 0, &took), -1);
    ck_assert_double_ge(took, 0.14); /* waited its 150 ms */
    ck_assert_double_lt(took, 1.0);
}
END_TEST

Suite *termbg_suite(void)
{
    Suite *s = suite_create("termbg");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, da1_answers);
    tcase_add_test(tc, asks_xterm);
    tcase_add_test(tc, asks_a_terminal_without_osc11);
    tcase_add_test(tc, asks_a_silent_terminal);
    suite_add_tcase(s, tc);
    return s;
}
