/* tui.c - the only code that includes curses: the terminal set up and given
 * back (on every signal that ends the program too), colours, the key loop
 * with its waits and hang-ups, resize, and putting the frames the screen
 * lays out on the terminal one changed cell at a time. */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "keys.h"
#include "screen.h"
#include "termbg.h"
#include "text.h"
#include "utf8.h"

enum {
    MAX_WAIT_MS = 250,   /* the longest one wait for a key, so a signal is heard */
    EMPTY_READS = 50,    /* reads that return at once with nothing: the terminal is gone */
};

/* The curses attribute of each frame_attr and every printable ASCII
 * character in every class, made by tui_colors: like curses' own screen,
 * they belong to the one terminal the process draws on. */
static attr_t palette[FRAME_ATTR_COUNT];
static cchar_t ascii_cells[FRAME_ATTR_COUNT][128];
static int ascii_cells_ready; /* 0 until built (tui_colors builds it) */

/* The attribute for one character: an underline under a rule, a box edge,
 * a bracket or "=" joins the lines into double lines (or ≡), so such
 * characters show reversed instead. */
static attr_t line_attr(attr_t a, const char *ch)
{
    if (!(a & A_UNDERLINE))
        return a;
    unsigned char c0 = (unsigned char)ch[0], c1 = (unsigned char)ch[1],
                  c2 = c1 ? (unsigned char)ch[2] : 0;
    int line = (ch[1] == '\0' && strchr("=-|+_", c0) != NULL) ||
               (c0 == 0xE2 && c1 == 0x94) || (c0 == 0xE2 && c1 == 0x95 && c2 < 0x80 + 0x40) ||
               (c0 == 0xE2 && c1 == 0x8E && c2 >= 0xA1 && c2 <= 0xA6); /* ─┃╋ ⎡⎤⎣⎦⎢⎥ */
    return line ? (a & ~A_UNDERLINE) | A_REVERSE : a;
}

/* The attribute of one character in class cls: numbers keep their
 * underline (a minus sign is no rule), everything else goes through
 * line_attr. */
static attr_t cell_attr(int cls, const char *ch)
{
    if (cls == FRAME_USED || cls == FRAME_WARNING)
        return palette[cls];
    return line_attr(palette[cls], ch);
}

/* Fills the table of ASCII cells from the palette. */
static void cells_build(void)
{
    for (int a = 0; a < FRAME_ATTR_COUNT; a++)
        for (int c = 0; c < 128; c++) {
            wchar_t wc[2] = {(wchar_t)(c >= 0x20 && c < 0x7F ? c : '?'), L'\0'};
            char one[2] = {(char)wc[0], '\0'};
            setcchar(&ascii_cells[a][c], wc, cell_attr(a, one) & ~A_COLOR,
                     (short)PAIR_NUMBER(palette[a]), NULL);
        }
    ascii_cells_ready = 1;
}

theme_id tui_colors(theme_id t)
{
    int colour = t != THEME_MONO && has_colors() && start_color() != ERR && COLORS >= 8;
    if (!colour)
        t = THEME_MONO;
    else
        use_default_colors(); /* THEME_DEFAULT is curses' -1: the terminal's own */
    for (int cls = 0; cls < FRAME_ATTR_COUNT; cls++) {
        theme_style st = theme_style_of(t, COLORS, cls);
        attr_t a = (st.bold ? A_BOLD : 0) | (st.underline ? A_UNDERLINE : 0) |
                   (st.reverse ? A_REVERSE : 0) | (st.dim ? A_DIM : 0);
        if (colour && (st.fg != THEME_DEFAULT || st.bg != THEME_DEFAULT)) {
            init_pair((short)(cls + 1), st.fg, st.bg);
            a |= COLOR_PAIR(cls + 1);
        }
        palette[cls] = a;
    }
    cells_build();
    return t;
}

/* Builds the cchar_t of one cell's text in class attr. */
static void cell_make(cchar_t *out, const char *ch, int attr)
{
    attr_t a = cell_attr(attr, ch);
    unsigned char c0 = (unsigned char)ch[0];
    if (c0 >= 0x20 && c0 < 0x7F && ch[1] == '\0') {
        *out = ascii_cells[attr][c0];
        return;
    }
    wchar_t wc[FRAME_CELL_BYTES + 1];
    size_t n = 0, left = strlen(ch);
    const char *p = ch;
    while (left > 0 && n < FRAME_CELL_BYTES) {
        uint32_t cp;
        int k = utf8_decode(p, left, &cp);
        wc[n++] = k > 0 ? (wchar_t)cp : L'?';
        k = k > 0 ? k : 1;
        p += k;
        left -= (size_t)k;
    }
    if (n == 0)
        wc[n++] = L' ';
    wc[n] = L'\0';
    if (setcchar(out, wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL) == ERR)
        *out = ascii_cells[attr]['?'];
}

static int same_cell(const frame_cell *a, const frame_cell *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

void tui_draw(const frame *f, frame *prev)
{
    /* Unchanged rows are skipped with one memcmp (frame.c pads every cell
     * with NULs); in a changed row, the stretch from the first to the last
     * changed cell goes to curses as one run of prepared cells. */
    cchar_t run[FRAME_MAX_WIDTH + 1];
    int full = prev->width != f->width || prev->height != f->height;
    size_t w = (size_t)f->width;
    if (!ascii_cells_ready)
        cells_build(); /* drawn before tui_colors: the plain palette */
    if (full)
        erase();
    for (int r = 0; r < f->height; r++) {
        const frame_cell *row = &f->cells[(size_t)r * w];
        const frame_cell *old = &prev->cells[(size_t)r * w];
        int first = 0, last = f->width - 1;
        if (!full) {
            if (memcmp(row, old, w * sizeof *row) == 0)
                continue;
            while (first < last && same_cell(&row[first], &old[first]))
                first++;
            while (last > first && same_cell(&row[last], &old[last]))
                last--;
        }
        while (first > 0 && row[first].ch[0] == '\0')
            first--; /* start at the left half of a wide character */
        int n = 0;
        for (int c = first; c <= last; c++) {
            if (row[c].ch[0] == '\0')
                continue; /* right half of a wide character */
            int a = row[c].attr < FRAME_ATTR_COUNT ? row[c].attr : 0;
            cell_make(&run[n++], row[c].ch, a);
        }
        /* A wide character that ends the run may overhang it by a column. */
        if (n > 0)
            mvadd_wchnstr(r, first, run, n);
        if (!full)
            memcpy((frame_cell *)old + first, row + first,
                   (size_t)(last - first + 1) * sizeof *row);
    }
    refresh();
    if (full) {
        prev->width = f->width;
        prev->height = f->height;
        memcpy(prev->cells, f->cells, w * (size_t)f->height * sizeof *f->cells);
    }
}

/* ---- giving the terminal back, whatever ends the program ---- */

/* The signal that ended the key loop's wait: the loop gives the terminal
 * back and returns 128 + its number. */
static volatile sig_atomic_t got_signal;
/* 1 while the key loop waits for a key: a signal then only sets got_signal. */
static volatile sig_atomic_t waiting;
/* 1 while curses has the terminal. */
static volatile sig_atomic_t terminal_taken;
/* What gives the terminal back without curses, safe in a signal handler:
 * the terminal's settings from before, and the sequences that reset the
 * colours, show the cursor and leave the alternate screen. */
static struct termios saved_modes;
static int saved_modes_ok;
static int term_fd = -1;
static char restore_seq[256];
static size_t restore_len;

/* Gives the terminal back; async-signal-safe. */
static void restore_terminal(void)
{
    if (!terminal_taken)
        return;
    if (restore_len > 0) {
        ssize_t n = write(term_fd, restore_seq, restore_len);
        (void)n;
    }
    if (saved_modes_ok)
        tcsetattr(term_fd, TCSANOW, &saved_modes);
    terminal_taken = 0;
}

/* Gives the terminal back, then lets sig do what it does by default. */
static void end_by(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    /* raise() returns when sig's default action does not end the process
     * (SIGCONT, SIGCHLD, SIGWINCH are ignored by default); cppcheck's
     * library takes it for one that never returns. */
    // cppcheck-suppress unreachableCode
    _exit(128 + sig);
}

/* A signal whose default is to end the program: heard by the key loop when
 * it waits, else (in the middle of work) the terminal is given back here
 * and the signal ends the program at once. */
static void on_ending_signal(int sig)
{
    if (waiting) {
        got_signal = sig;
        return;
    }
    end_by(sig);
}

/* A fault: the terminal is given back, then the default action (a core). */
static void on_fault(int sig)
{
    end_by(sig);
}

/* Catches every signal that ends a program by default. */
static void catch_signals(void)
{
    static const int ending[] = {
        SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
        SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
#ifdef SIGPOLL
        SIGPOLL,
#endif
#ifdef SIGSTKFLT
        SIGSTKFLT,
#endif
#ifdef SIGPWR
        SIGPWR,
#endif
    };
    static const int faults[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGSYS, SIGTRAP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_ending_signal;
    for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++)
        sigaction(ending[i], &sa, NULL);
#if defined(SIGRTMIN) && defined(SIGRTMAX)
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        sigaction(sig, &sa, NULL);
#endif
    sa.sa_handler = on_fault;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        sigaction(faults[i], &sa, NULL);
}

/* Appends terminfo capability cap to the restore sequence. */
static void restore_add(const char *cap)
{
    const char *s = tigetstr((char *)cap);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (restore_len + n < sizeof restore_seq) {
        memcpy(restore_seq + restore_len, s, n);
        restore_len += n;
    }
}

/* ---- the terminal ---- */

/* Whether TERM names a terminal the screen can be drawn on: 0, or -1 with
 * one line on stderr. */
static int terminal_usable(void)
{
    const char *term = getenv("TERM");
    char shown[128];
    if (!term || !term[0]) {
        fprintf(stderr,
                "backstep: TERM is %s: the screen needs the terminal's type "
                "(e.g. TERM=xterm-256color); for a walkthrough without one, use --print\n",
                term ? "empty" : "not set");
        return -1;
    }
    text_sanitize(term, shown, sizeof shown);
    int err = 0;
    if (setupterm(term, STDOUT_FILENO, &err) != OK) {
        if (err < 0)
            fprintf(stderr, "backstep: no terminal database (terminfo) to look TERM='%s' up in; "
                            "use --print\n", shown);
        else
            fprintf(stderr, "backstep: unknown terminal type TERM='%s'; set TERM to the "
                            "terminal's type (e.g. xterm-256color) or use --print\n", shown);
        return -1;
    }
    const char *cup = tigetstr("cup");
    int usable = cup && cup != (char *)-1 && !tigetflag("hc") && tigetflag("gn") <= 0;
    del_curterm(cur_term);
    if (!usable) {
        fprintf(stderr, "backstep: terminal type TERM='%s' cannot move the cursor, so the "
                        "screen cannot be drawn; use --print\n", shown);
        return -1;
    }
    return 0;
}

/* Whether the terminal went away: hung up, closed, at the end of input. */
static int terminal_gone(void)
{
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Monotonic milliseconds. */
static double millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The key code of what curses read, as keys.h spells it. */
static int translate_key(int kind, wint_t ch)
{
    if (kind == KEY_CODE_YES) {
        switch (ch) {
        case KEY_RIGHT: return KEYS_K_RIGHT;
        case KEY_LEFT: return KEYS_K_LEFT;
        case KEY_UP: return KEYS_K_UP;
        case KEY_DOWN: return KEYS_K_DOWN;
        case KEY_HOME: return KEYS_K_HOME;
        case KEY_END: return KEYS_K_END;
        case KEY_BACKSPACE: return KEYS_K_BACKSPACE;
        case KEY_BTAB: return KEYS_K_BACKTAB;
        case KEY_DC: return KEYS_K_DELETE;
        case KEY_ENTER: return KEYS_K_ENTER;
        case KEY_NPAGE: return KEYS_K_PGDN;
        case KEY_PPAGE: return KEYS_K_PGUP;
        case KEY_SF: return KEYS_K_SDOWN;
        case KEY_SR: return KEYS_K_SUP;
        case KEY_F(5): return KEYS_K_F5;
        default: return 0;
        }
    }
    switch (ch) {
    case '\t': return KEYS_K_TAB;
    case 27: return KEYS_K_ESC;
    case 8:
    case 127: return KEYS_K_BACKSPACE;
    default: return (int)ch;
    }
}

/* After an Esc: 1 when nothing follows within the escape delay (the user
 * pressed Esc), else 0 with the rest of the unknown sequence read and
 * dropped, so an unmapped key never reads as Esc and quits. */
static int lone_escape(void)
{
    wint_t ch;
    timeout(ESCDELAY > 0 ? ESCDELAY : 25);
    if (get_wch(&ch) == ERR)
        return 1;
    timeout(0);
    for (int i = 0; i < 32 && get_wch(&ch) != ERR; i++)
        ;
    return 0;
}

/* Home and End as terminals inside tmux or screen send them, for the
 * terminal descriptions that name other sequences. */
static void map_home_end(void)
{
    static const char *const home[] = {"\033[1~", "\033[H", "\033OH", "\033[7~"};
    static const char *const end[] = {"\033[4~", "\033[F", "\033OF", "\033[8~"};
    for (size_t i = 0; i < sizeof home / sizeof home[0]; i++) {
        if (key_defined(home[i]) == 0)
            define_key(home[i], KEY_HOME);
        if (key_defined(end[i]) == 0)
            define_key(end[i], KEY_END);
    }
}

/* The theme asked for, else the one for the terminal's background. */
static theme_id choose_theme(const tui_options *opt)
{
    if (opt->theme >= 0 && opt->theme < THEME_COUNT)
        return (theme_id)opt->theme;
    theme_id t;
    if (theme_from_colorfgbg(getenv("COLORFGBG"), &t))
        return t;
    if (termbg_ask(&t))
        return t;
    return THEME_DARK;
}

/* Takes the terminal: curses on stdout and stdin, keys, colours, and what
 * gives it back.  NULL when curses cannot. */
static SCREEN *take_terminal(theme_id theme)
{
    term_fd = STDOUT_FILENO;
    saved_modes_ok = tcgetattr(term_fd, &saved_modes) == 0;
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr)
        return NULL;
    restore_len = 0;
    restore_add("sgr0");
    restore_add("op");
    restore_add("rmkx");
    restore_add("cnorm");
    restore_add("rmcup");
    terminal_taken = 1;
    /* No look for typed keys between lines of an update: that look
     * flushed the output line by line, one write and one poll per line. */
    typeahead(-1);
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    map_home_end();
    curs_set(0);
    tui_colors(theme);
    /* Until curses has left and re-entered the screen once, it sends its
     * output at every cursor move (one write per move, dozens a frame).
     * Leaving now, before anything is drawn, makes the first refresh
     * resume instead, and every frame after goes out in one write. */
    endwin();
    return scr;
}

/* Puts the screen's current layout on the terminal. */
static void show(screen *s, frame *cur, frame *prev)
{
    int h, w;
    getmaxyx(stdscr, h, w);
    screen_resize(s, w, h);
    screen_layout(s, cur, w, h);
    tui_draw(cur, prev);
    if (cur->cursor_row >= 0) {
        /* A prompt is open: the cursor shows where typing goes. */
        curs_set(1);
        move(cur->cursor_row, cur->cursor_col);
        refresh();
    } else {
        curs_set(0);
    }
}

int tui_run(lesson *l, const tui_options *opt)
{
    /* Without a terminal on both ends there is nobody to answer keys (a
     * closed stdin would read as an endless stream of nothing) and nothing
     * to draw on: refuse at once rather than spin or write escape codes. */
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("backstep: the screen needs a terminal on standard input and output; "
              "for a walkthrough without one, use --print\n", stderr);
        return 2;
    }
    if (terminal_usable() != 0)
        return 2;
    /* The locale is the caller's (main sets it, with LC_NUMERIC "C" so
     * numbers read 0.5): setting it again here would undo that. */
    screen_options so = {opt->ascii || !utf8_locale(), opt->quiz, opt->convention};
    screen *s = screen_new(l, &so);
    frame *cur = frame_new(), *prev = frame_new();
    if (!s || !cur || !prev) {
        fprintf(stderr, "backstep: out of memory\n");
        screen_free(s);
        frame_free(cur);
        frame_free(prev);
        return 1;
    }
    catch_signals();
    theme_id theme = choose_theme(opt);
    screen_ctx(s)->theme = (int)theme;
    SCREEN *scr = take_terminal(theme);
    if (!scr) {
        fprintf(stderr, "backstep: cannot open the terminal; try --print\n");
        screen_free(s);
        frame_free(cur);
        frame_free(prev);
        return 2;
    }
    int status = 0, dirty = 1, empty = 0;
    for (;;) {
        if (got_signal) {
            status = 128 + got_signal;
            break;
        }
        if (dirty)
            show(s, cur, prev);
        dirty = 0;
        int wait = screen_timeout(s);
        timeout(wait < MAX_WAIT_MS ? wait : MAX_WAIT_MS);
        double asked = millis();
        wint_t ch;
        waiting = 1;
        int kind = get_wch(&ch);
        waiting = 0;
        if (kind == ERR) {
            /* Nothing read: time passed, a signal came, or the terminal is
             * gone (then reads return at once, forever). */
            int at_once = wait > 0 && millis() - asked < 1.0 && errno != EINTR;
            empty = at_once ? empty + 1 : 0;
            if (terminal_gone() || empty >= EMPTY_READS)
                break;
            errno = 0;
            dirty |= screen_tick(s);
            continue;
        }
        empty = 0;
        if (kind == OK && ch == 27 && !lone_escape())
            continue; /* the rest of a sequence curses does not know */
        if (kind == KEY_CODE_YES && ch == KEY_RESIZE) {
            prev->width = prev->height = 0; /* draw every cell again */
            dirty = 1;
            continue;
        }
        int code = translate_key(kind, ch);
        if (code == 0)
            continue;
        if (screen_key(s, code))
            break;
        dirty = 1;
        if (screen_ctx(s)->theme != (int)theme) {
            /* the theme key: every cell again, in the new colours */
            theme = (theme_id)screen_ctx(s)->theme;
            tui_colors(theme);
            prev->width = prev->height = 0;
        }
    }
    endwin();
    terminal_taken = 0;
    delscreen(scr);
    screen_free(s);
    frame_free(cur);
    frame_free(prev);
    return status;
}
