/* termbg.c - asking the terminal for its background colour, before curses
 * takes it: plain termios and poll, no curses. */
#include "termbg.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Monotonic milliseconds. */
static double millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

enum { THEME_ASK_MS = 150 }; /* the longest wait for the terminal's answers */

/* 1 when buf holds the whole answer to DA1 (ESC [ ? digits and ; then c). */
int termbg_da1_answered(const char *buf, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (buf[i] != '\033' || buf[i + 1] != '[' || buf[i + 2] != '?')
            continue;
        for (size_t j = i + 3; j < n; j++) {
            if (buf[j] == 'c')
                return 1;
            if (!((buf[j] >= '0' && buf[j] <= '9') || buf[j] == ';'))
                break;
        }
    }
    return 0;
}

int termbg_ask(theme_id *out)
{
    const char *term = getenv("TERM");
    if (!term || strncmp(term, "linux", 5) == 0)
        return 0; /* the Linux console would print the question */
    struct termios was, raw;
    if (tcgetattr(STDIN_FILENO, &was) != 0)
        return 0;
    raw = was;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0)
        return 0;
    static const char query[] = "\033]11;?\033\\\033[c";
    size_t sent = 0;
    while (sent < sizeof query - 1) {
        ssize_t k = write(STDOUT_FILENO, query + sent, sizeof query - 1 - sent);
        if (k <= 0 && errno != EINTR)
            break;
        sent += k > 0 ? (size_t)k : 0;
    }
    char buf[512];
    size_t n = 0;
    int done = 0;
    double start = millis();
    while (sent == sizeof query - 1 && !done && n < sizeof buf) {
        int left = THEME_ASK_MS - (int)(millis() - start);
        if (left <= 0)
            break;
        struct pollfd p = {STDIN_FILENO, POLLIN, 0};
        int r = poll(&p, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || !(p.revents & POLLIN))
            break;
        ssize_t k = read(STDIN_FILENO, buf + n, sizeof buf - n);
        if (k <= 0)
            break;
        n += (size_t)k;
        done = termbg_da1_answered(buf, n);
    }
    if (!done)
        tcflush(STDIN_FILENO, TCIFLUSH); /* a late answer is no key */
    tcsetattr(STDIN_FILENO, TCSANOW, &was);
    return theme_from_osc11(buf, n, out);
}
