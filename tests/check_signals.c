/* check_signals.c - the terminal always comes back: the real ./backstep (or
 * $BACKSTEP_BIN) on a pseudo-terminal, ended by every signal whose default
 * is to end a program (the terminal's modes, the main screen and the cursor
 * given back first; faults then end it by their own signal), by its
 * terminal going away without a SIGHUP (it ends at once instead of
 * spinning), and refusing a TERM it cannot draw on with one line and exit
 * status 2. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { OUT_BYTES = 1 << 20 };

/* One run of backstep on a pseudo-terminal. */
typedef struct {
    pid_t pid;
    int master;     /* the terminal's other end: what backstep writes, read here */
    int err;        /* backstep's stderr, a pipe */
    int status;     /* from wait4, once it ended */
    struct rusage usage;
    size_t len;     /* bytes of out */
    char *out;      /* everything written to the terminal so far */
} pty_run;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts backstep in a session of its own on a new 80×24 pseudo-terminal,
 * with TERM set to term (NULL: unset).  With ctty the terminal is its
 * controlling terminal (closing it sends SIGHUP); without, as in `setsid
 * backstep <tty >tty`, nothing tells it the terminal went away. */
static pty_run start_on(const char *term, int ctty, const char *lesson_file)
{
    pty_run r;
    memset(&r, 0, sizeof r);
    r.out = calloc(1, OUT_BYTES);
    ck_assert_ptr_nonnull(r.out);
    r.master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(r.master, 0);
    ck_assert_int_eq(grantpt(r.master), 0);
    ck_assert_int_eq(unlockpt(r.master), 0);
    const char *slave = ptsname(r.master);
    ck_assert_ptr_nonnull(slave);
    struct winsize ws = {24, 80, 0, 0};
    ck_assert_int_eq(ioctl(r.master, TIOCSWINSZ, &ws), 0);
    int errp[2];
    ck_assert_int_eq(pipe(errp), 0);
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    r.pid = fork();
    ck_assert_int_ge(r.pid, 0);
    if (r.pid == 0) {
        setsid();
        int fd = open(slave, O_RDWR | (ctty ? 0 : O_NOCTTY));
        if (fd < 0)
            _exit(120);
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(errp[1], 2);
        close(r.master);
        close(errp[0]);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); /* a fault leaves no core file behind */
        for (int s = 1; s < 32; s++)
            signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        setenv("LANG", "C.UTF-8", 1);
        unsetenv("LC_ALL");
        unsetenv("NO_COLOR");
        if (term)
            setenv("TERM", term, 1);
        else
            unsetenv("TERM");
        execl(bin, bin, lesson_file, (char *)NULL);
        _exit(127);
    }
    close(errp[1]);
    r.err = errp[0];
    return r;
}

/* start_on with the built-in lesson. */
static pty_run start(const char *term, int ctty)
{
    return start_on(term, ctty, NULL);
}

/* Reads what backstep wrote until `text` shows, or it is quiet for `quiet`
 * seconds when text is NULL; up to 5 s.  Returns 1 when it showed. */
static int read_until(pty_run *r, const char *text, double quiet)
{
    double end = seconds() + 5, last = seconds();
    while (seconds() < end) {
        if (text && strstr(r->out, text))
            return 1;
        if (!text && seconds() - last >= quiet)
            return 1;
        struct pollfd p = {r->master, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        ssize_t n = read(r->master, r->out + r->len, OUT_BYTES - 1 - r->len);
        if (n <= 0)
            return text ? strstr(r->out, text) != NULL : 1;
        r->len += (size_t)n;
        r->out[r->len] = '\0';
        last = seconds();
    }
    return text ? strstr(r->out, text) != NULL : 0;
}

/* Waits up to 5 s for backstep to end, reading the terminal meanwhile.
 * Returns 1 when it ended (r->status set), else kills it and returns 0. */
static int wait_end(pty_run *r)
{
    double end = seconds() + 5;
    while (seconds() < end) {
        pid_t w = wait4(r->pid, &r->status, WNOHANG, &r->usage);
        if (w == r->pid) {
            read_until(r, NULL, 0.05);
            return 1;
        }
        struct pollfd p = {r->master, POLLIN, 0};
        if (r->master >= 0 && poll(&p, 1, 20) > 0) {
            ssize_t n = read(r->master, r->out + r->len, OUT_BYTES - 1 - r->len);
            if (n > 0) {
                r->len += (size_t)n;
                r->out[r->len] = '\0';
            }
        } else {
            usleep(10000);
        }
    }
    kill(r->pid, SIGKILL);
    waitpid(r->pid, &r->status, 0);
    return 0;
}

static void finish(pty_run *r)
{
    if (r->master >= 0)
        close(r->master);
    close(r->err);
    free(r->out);
}

/* Everything backstep wrote after offset `from`. */
static const char *since(const pty_run *r, size_t from)
{
    return r->out + from;
}

/* The terminal is given back: after the signal backstep reset the colours,
 * showed the cursor and left the alternate screen, and the terminal's
 * modes are the ones it found (canonical input, echo). */
static void assert_given_back(pty_run *r, size_t from, const char *what)
{
    ck_assert_msg(strstr(since(r, from), "\033[?1049l"), "%s: the alternate screen stayed",
                  what);
    ck_assert_msg(strstr(since(r, from), "\033[?25h"), "%s: the cursor stayed hidden", what);
    struct termios t;
    ck_assert_int_eq(tcgetattr(r->master, &t), 0);
    ck_assert_msg((t.c_lflag & ICANON) && (t.c_lflag & ECHO),
                  "%s: the terminal's modes were not given back", what);
}

static const int ending[] = {SIGINT,  SIGTERM,   SIGHUP,  SIGQUIT, SIGUSR1, SIGUSR2,
                             SIGALRM, SIGPIPE,   SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ};
static const int faults[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};

/* Every signal that ends a program by default: the terminal comes back and
 * the exit status says which signal (128 + its number, or the signal
 * itself when it came in the middle of drawing). */
START_TEST(ending_signals_give_the_terminal_back)
{
    int sig = ending[_i];
    pty_run r = start("xterm-256color", 1);
    ck_assert_msg(read_until(&r, "step 1/", 0), "no screen: %s", r.out);
    ck_assert(read_until(&r, NULL, 0.2)); /* drawn: now it waits for a key */
    /* The terminal's modes while the screen is up: no echo, no lines. */
    struct termios t;
    ck_assert_int_eq(tcgetattr(r.master, &t), 0);
    ck_assert(!(t.c_lflag & ICANON) && !(t.c_lflag & ECHO));
    size_t from = r.len;
    ck_assert_int_eq(kill(r.pid, sig), 0);
    ck_assert_msg(wait_end(&r), "SIG%d did not end backstep", sig);
    int ended_by = WIFEXITED(r.status) ? WEXITSTATUS(r.status) - 128
                   : WIFSIGNALED(r.status) ? WTERMSIG(r.status)
                                           : -1;
    ck_assert_msg(ended_by == sig, "signal %d: status %#x", sig, r.status);
    char what[32];
    snprintf(what, sizeof what, "signal %d", sig);
    assert_given_back(&r, from, what);
    finish(&r);
}
END_TEST

/* A fault gives the terminal back, then ends backstep by the same signal
 * (a core where the system keeps one), not by a normal exit. */
START_TEST(faults_give_the_terminal_back_then_end_by_the_signal)
{
    int sig = faults[_i];
    pty_run r = start("xterm-256color", 1);
    ck_assert(read_until(&r, "step 1/", 0));
    ck_assert(read_until(&r, NULL, 0.2));
    size_t from = r.len;
    ck_assert_int_eq(kill(r.pid, sig), 0);
    ck_assert_msg(wait_end(&r), "signal %d did not end backstep", sig);
    ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == sig, "signal %d: status %#x",
                  sig, r.status);
    char what[32];
    snprintf(what, sizeof what, "signal %d", sig);
    assert_given_back(&r, from, what);
    finish(&r);
}
END_TEST

/* In the middle of long work (training a deep network a million epochs)
 * Ctrl-C ends backstep at once, and the terminal comes back. */
START_TEST(signal_during_training)
{
    pty_run r = start_on("xterm-256color", 1, "lessons/10-vanishing.yaml");
    ck_assert(read_until(&r, "step 1/", 0));
    ck_assert(read_until(&r, NULL, 0.2));
    static const char keys[] = "t\025" "1000000\r";
    ck_assert_int_eq(write(r.master, keys, sizeof keys - 1), (ssize_t)(sizeof keys - 1));
    ck_assert_msg(read_until(&r, "training… epoch", 0), "no progress: %s", r.out);
    size_t from = r.len;
    double t0 = seconds();
    ck_assert_int_eq(kill(r.pid, SIGINT), 0);
    ck_assert(wait_end(&r));
    ck_assert_double_lt(seconds() - t0, 1.0);
    ck_assert_msg((WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGINT) ||
                      (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 128 + SIGINT),
                  "status %#x", r.status);
    assert_given_back(&r, from, "Ctrl-C while training");
    finish(&r);
}
END_TEST

/* A lesson whose gradient check takes a minute: eight 64×64 layers and 10
 * samples (32768 parameters), its weights seeded.  Written to path. */
static void write_wide_lesson(const char *path)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("title: Eight wide layers\nlayers: [64, 64, 64, 64, 64, 64, 64, 64, 64]\n"
          "activations: [tanh, tanh, tanh, tanh, tanh, tanh, tanh, tanh]\nseed: 5\nsamples:\n",
          f);
    for (int s = 0; s < 10; s++) {
        for (int part = 0; part < 2; part++) {
            fputs(part ? "    target: [" : "  - input: [", f);
            for (int i = 0; i < 64; i++)
                fprintf(f, "%s%.3f", i ? ", " : "", ((s * 64 + i) * (part ? 37 : 53) % 200) / 100.0 - 1);
            fputs("]\n", f);
        }
    }
    ck_assert_int_eq(fclose(f), 0);
}

/* How long after `keys` are written `text` shows, in seconds (-1: never). */
static double answer_time(pty_run *r, const char *keys, const char *text)
{
    size_t from = r->len;
    double t0 = seconds();
    ck_assert_int_eq(write(r->master, keys, strlen(keys)), (ssize_t)strlen(keys));
    while (seconds() - t0 < 5) {
        if (strstr(r->out + from, text))
            return seconds() - t0;
        struct pollfd p = {r->master, POLLIN, 0};
        if (poll(&p, 1, 5) <= 0)
            continue;
        ssize_t n = read(r->master, r->out + r->len, OUT_BYTES - 1 - r->len);
        if (n <= 0)
            break;
        r->len += (size_t)n;
        r->out[r->len] = '\0';
    }
    return -1;
}

/* Reads what backstep writes for `secs` seconds, busy or not. */
static void read_for(pty_run *r, double secs)
{
    double end = seconds() + secs;
    while (seconds() < end) {
        struct pollfd p = {r->master, POLLIN, 0};
        if (poll(&p, 1, 5) <= 0)
            continue;
        ssize_t n = read(r->master, r->out + r->len, OUT_BYTES - 1 - r->len);
        if (n <= 0)
            return;
        r->len += (size_t)n;
        r->out[r->len] = '\0';
        if (r->len > OUT_BYTES / 2) { /* keep room: forget what was read */
            r->len = 0;
            r->out[0] = '\0';
        }
    }
}

/* The longest a stop may take, in ms: 100, longer under the sanitizers. */
static double limit_ms(void)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    return 100.0 * (m && atof(m) >= 1 ? atof(m) : 1);
}

/* Long work on the screen runs in slices: on a lesson whose gradient
 * check takes a minute, Esc stops the check, and Ctrl-C ends backstep,
 * each within 100 ms; so does Esc while training. */
START_TEST(long_work_stops_within_100_ms)
{
    char dir[] = "/tmp/backstep-wide-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/wide.yaml", dir);
    write_wide_lesson(path);
    double worst_esc = 0, worst_train = 0, worst_int = 0;
    for (int run = 0; run < 3; run++) {
        pty_run r = start_on("xterm-256color", 1, path);
        ck_assert_msg(read_until(&r, "step 1/", 0), "no screen: %s", r.out);
        ck_assert(read_until(&r, NULL, 0.2));
        ck_assert_msg(answer_time(&r, "v", "checking") >= 0, "no progress: %s", r.out);
        read_for(&r, 0.3); /* well into the check */
        double esc = answer_time(&r, "\033", "stopped by");
        ck_assert_msg(esc >= 0, "Esc did not stop the check");
        worst_esc = esc > worst_esc ? esc : worst_esc;
        ck_assert(answer_time(&r, "\033", "step 1/") >= 0); /* back to the steps */
        ck_assert(read_until(&r, NULL, 0.1));
        static const char train[] = "t\025" "1000000\r";
        ck_assert_msg(answer_time(&r, train, "training… epoch") >= 0, "no training");
        read_for(&r, 0.3);
        double t = answer_time(&r, "\033", "(stopped by Esc)");
        ck_assert_msg(t >= 0, "Esc did not stop training");
        worst_train = t > worst_train ? t : worst_train;
        ck_assert(answer_time(&r, "\033", "step 1/") >= 0);
        ck_assert(read_until(&r, NULL, 0.1));
        ck_assert(answer_time(&r, "v", "checking") >= 0);
        read_for(&r, 0.3);
        double t0 = seconds();
        ck_assert_int_eq(kill(r.pid, SIGINT), 0);
        ck_assert(wait_end(&r));
        double c = seconds() - t0;
        worst_int = c > worst_int ? c : worst_int;
        finish(&r);
    }
    fprintf(stderr, "long work: Esc stops the check in %.0f ms, training in %.0f ms; "
                    "Ctrl-C ends backstep in %.0f ms (worst of 3)\n",
            worst_esc * 1e3, worst_train * 1e3, worst_int * 1e3);
    ck_assert_double_lt(worst_esc * 1e3, limit_ms());
    ck_assert_double_lt(worst_train * 1e3, limit_ms());
    ck_assert_double_lt(worst_int * 1e3, limit_ms());
    unlink(path);
    rmdir(dir);
}
END_TEST

/* `setsid backstep <tty >tty`, then the terminal goes away: no SIGHUP
 * comes, every read returns at once; backstep ends within a second,
 * without spinning (it used to take half a CPU forever). */
START_TEST(terminal_gone_ends_it)
{
    pty_run r = start("xterm-256color", 0);
    ck_assert(read_until(&r, "step 1/", 0));
    ck_assert(read_until(&r, NULL, 0.2));
    close(r.master);
    r.master = -1;
    double t0 = seconds();
    ck_assert_msg(wait_end(&r), "backstep kept running after its terminal went away");
    ck_assert_double_lt(seconds() - t0, 1.5);
    ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x", r.status);
    double cpu = (double)r.usage.ru_utime.tv_sec + r.usage.ru_utime.tv_usec / 1e6 +
                 (double)r.usage.ru_stime.tv_sec + r.usage.ru_stime.tv_usec / 1e6;
    ck_assert_msg(cpu < 0.5, "it used %.2f s of CPU", cpu);
    finish(&r);
}
END_TEST

/* A TERM the screen cannot be drawn on: unset, empty, unknown, or a
 * terminal that cannot move its cursor.  One line on stderr naming it,
 * exit status 2, not a byte to the terminal. */
START_TEST(unusable_term_refused)
{
    static const struct {
        const char *term; /* NULL: unset */
        const char *says;
    } cases[] = {
        {NULL, "TERM is not set"},
        {"", "TERM is empty"},
        {"no-such-terminal", "unknown terminal type TERM='no-such-terminal'"},
        {"dumb", "terminal type TERM='dumb' cannot move the cursor"},
        {"x\033]0;pwned\007", "unknown terminal type TERM='x^[]0;pwned^G'"},
    };
    pty_run r = start(cases[_i].term, 1);
    ck_assert(wait_end(&r));
    ck_assert_msg(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2, "%s: status %#x",
                  cases[_i].says, r.status);
    char err[4096];
    ssize_t n = read(r.err, err, sizeof err - 1);
    ck_assert_int_gt(n, 0);
    err[n] = '\0';
    ck_assert_msg(strncmp(err, "backstep: ", 10) == 0 && strstr(err, cases[_i].says),
                  "stderr: %s", err);
    ck_assert_msg(strchr(err, '\n') == err + n - 1, "more than one line: %s", err);
    ck_assert_msg(r.len == 0, "%zu bytes to the terminal", r.len);
    finish(&r);
}
END_TEST

Suite *signals_suite(void)
{
    Suite *s = suite_create("signals");
    TCase *tc = tcase_create("terminal");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, ending_signals_give_the_terminal_back, 0,
                        (int)(sizeof ending / sizeof ending[0]));
    tcase_add_loop_test(tc, faults_give_the_terminal_back_then_end_by_the_signal, 0,
                        (int)(sizeof faults / sizeof faults[0]));
    tcase_add_test(tc, signal_during_training);
    tcase_add_test(tc, long_work_stops_within_100_ms);
    tcase_add_test(tc, terminal_gone_ends_it);
    tcase_add_loop_test(tc, unusable_term_refused, 0, 5);
    suite_add_tcase(s, tc);
    return s;
}
