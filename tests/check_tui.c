/* check_tui.c - the screen as curses shows it: frames drawn on an off-screen
 * terminal (newterm on /dev/null), read back with mvwinnwstr and compared
 * with the golden screens in tests/golden/.  BACKSTEP_GOLDEN_WRITE=1 (make
 * golden) writes them anew, so a change of the screen is a reviewed diff. */
#include <check.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "engine.h"
#include "frame.h"
#include "keys.h"
#include "lesson.h"
#include "screen.h"
#include "tui.h"

enum { SCREEN_BYTES = 80 * 250 * 4 + 80 };

static lesson les;
static screen *scr;
static engine *eng;
static frame *cur, *prev;
static SCREEN *scr;
static FILE *out, *in;

static void setup(void)
{
    lesson_error err;
    setenv("TERM", "xterm-256color", 1);
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    ck_assert(out && in);
    scr = newterm("xterm-256color", out, in);
    ck_assert_ptr_nonnull(scr);
    set_term(scr);
    ck_assert_int_eq(lesson_load_default(&les, &err), 0);
    screen_options opt = {0, 0, -1};
    scr = screen_new(&les, &opt);
    cur = frame_new();
    prev = frame_new();
    ck_assert(scr && cur && prev);
    eng = screen_engine(scr);
    /* The lesson's description gives way to the narration after a move. */
    screen_key(scr, KEYS_K_RIGHT);
    screen_key(scr, KEYS_K_LEFT);
}

static void teardown(void)
{
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    frame_free(cur);
    frame_free(prev);
    screen_free(scr);
    lesson_free(&les);
}

/* Lays out and draws the current state on a w×h screen. */
static void show(int w, int h)
{
    resizeterm(h, w);
    screen_layout(scr, cur, COLS, LINES);
    tui_draw(cur, prev);
}

/* Gives the screen keys, as typed ('\n' is Enter), and the time the work
 * they start takes. */
static void type_keys(const char *keys)
{
    for (const char *p = keys; *p; p++) {
        screen_key(scr, *p == '\n' ? KEYS_K_ENTER : (unsigned char)*p);
        while (screen_timeout(scr) == 0)
            screen_tick(scr);
    }
}

/* The screen's text, one line per row, trailing blanks cut. */
static void screen_text(char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int r = 0; r < LINES; r++) {
        wchar_t w[256];
        char line[1024];
        int n = mvwinnwstr(stdscr, r, 0, w, COLS < 255 ? COLS : 255);
        if (n < 0)
            n = 0;
        w[n] = L'\0';
        size_t b = wcstombs(line, w, sizeof line - 1);
        ck_assert(b != (size_t)-1);
        line[b] = '\0';
        while (b > 0 && line[b - 1] == ' ')
            line[--b] = '\0';
        ck_assert(len + b + 2 < size);
        memcpy(buf + len, line, b);
        len += b;
        buf[len++] = '\n';
        buf[len] = '\0';
    }
}

/* Compares the screen with tests/golden/NAME.txt, or writes it there. */
static void golden(const char *name)
{
    static char got[SCREEN_BYTES], want[SCREEN_BYTES];
    char path[256];
    snprintf(path, sizeof path, "tests/golden/%s.txt", name);
    screen_text(got, sizeof got);
    const char *w = getenv("BACKSTEP_GOLDEN_WRITE");
    if (w && strcmp(w, "1") == 0) {
        FILE *f = fopen(path, "w");
        ck_assert_msg(f != NULL, "cannot write %s", path);
        fputs(got, f);
        ck_assert_int_eq(fclose(f), 0);
        return;
    }
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "%s is missing: run make golden and review it", path);
    size_t n = fread(want, 1, sizeof want - 1, f);
    want[n] = '\0';
    fclose(f);
    if (strcmp(got, want) == 0)
        return;
    /* Name the first line that differs. */
    int line = 1;
    size_t i = 0;
    while (got[i] && got[i] == want[i]) {
        if (got[i] == '\n')
            line++;
        i++;
    }
    const char *g = got + i, *x = want + i;
    while (g > got && g[-1] != '\n')
        g--, x--;
    ck_abort_msg("%s differs at line %d:\n got: %.*s\nwant: %.*s\n(make golden rewrites it)",
                 path, line, (int)strcspn(g, "\n"), g, (int)strcspn(x, "\n"), x);
}

static void go(const char *id)
{
    ck_assert_msg(engine_seek(eng, id), "no step %s", id);
}

START_TEST(golden_forward_sum)
{
    show(80, 24);
    golden("forward.1.sum");
}
END_TEST

START_TEST(golden_backward_steps)
{
    static const char *const ids[] = {
        "backward.2.activation", "backward.2.gradient.copy", "backward.2.gradient",
        "backward.2.send", "update.2",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        go(ids[i]);
        show(80, 24);
        golden(ids[i]);
    }
}
END_TEST

START_TEST(golden_rows_convention)
{
    go("backward.2.gradient");
    type_keys("c");
    show(80, 24);
    golden("backward.2.gradient.rows");
}
END_TEST

START_TEST(golden_help)
{
    go("backward.2.gradient");
    type_keys("?");
    show(80, 24);
    golden("help");
}
END_TEST

/* The help at 200×60: every key in two columns, drawn over a screen that
 * was already there so only the changed cells are written. */
START_TEST(golden_help_wide)
{
    go("backward.2.gradient");
    show(200, 60);
    type_keys("?");
    show(200, 60);
    golden("help.200x60");
}
END_TEST

/* Screens that were cut at 80×24 before and are whole now: the deeper
 * lesson's step 16 (W_jk·δ_k sent down to the tanh layer), the question's
 * two updates, and the question's formula read shape by shape beside the
 * outer product, in both conventions. */
START_TEST(golden_whole_at_80x24)
{
    go("update.1");
    show(80, 24);
    golden("update.1");
    static const int path[] = {'g', KEYS_K_TAB, KEYS_K_TAB, KEYS_K_LEFT, KEYS_K_LEFT, 's'};
    for (size_t k = 0; k < sizeof path / sizeof path[0]; k++)
        screen_key(scr, path[k]);
    show(80, 24);
    golden("formula");
    type_keys("c"); /* the panel stays, turned round */
    show(80, 24);
    golden("formula.rows");

    lesson deep;
    lesson_error err;
    ck_assert_msg(lesson_load_file("lessons/07-deeper.yaml", &deep, &err) == 0, "%s",
                  err.message);
    screen_options opt = {0, 0, -1};
    screen *d = screen_new(&deep, &opt);
    ck_assert_ptr_nonnull(d);
    screen_key(d, KEYS_K_RIGHT);
    screen_key(d, KEYS_K_LEFT);
    ck_assert(engine_seek(screen_engine(d), "backward.2.send"));
    ck_assert_int_eq(engine_step_index(screen_engine(d)), 15);
    resizeterm(24, 80);
    screen_layout(d, cur, COLS, LINES);
    tui_draw(cur, prev);
    golden("deeper.16");
    screen_free(d);
    lesson_free(&deep);
}
END_TEST

/* The gradient check table of the default lesson. */
START_TEST(golden_gradcheck)
{
    type_keys("v");
    show(80, 24);
    golden("gradcheck");
}
END_TEST

/* The loss plot after 500 epochs, linear then log. */
START_TEST(golden_train_plot)
{
    type_keys("t\025" "500\n");
    ck_assert_int_eq(engine_epoch(eng), 501);
    show(80, 24);
    golden("train.500");
    type_keys("L");
    show(80, 24);
    golden("train.500.log");
}
END_TEST

START_TEST(golden_large_and_ascii)
{
    go("backward.1.gradient");
    show(120, 40);
    golden("backward.1.gradient.120x40");
    screen_ctx(scr)->ascii = 1;
    show(80, 24);
    golden("backward.1.gradient.ascii");
}
END_TEST

START_TEST(golden_too_small)
{
    show(60, 20);
    golden("too-small.60x20");
}
END_TEST

/* Only changed cells are written: a mark put on the screen by hand survives
 * drawing the same frame again, and goes when the whole screen is drawn. */
START_TEST(draws_only_changes)
{
    show(80, 24);
    mvaddch(5, 79, 'X');
    refresh();
    screen_layout(scr, cur, 80, 24);
    tui_draw(cur, prev);
    ck_assert_int_eq((int)(mvinch(5, 79) & A_CHARTEXT), 'X');
    prev->width = 0;
    tui_draw(cur, prev);
    ck_assert_int_eq((int)(mvinch(5, 79) & A_CHARTEXT), ' ');
}
END_TEST

/* Locates the focused element on screen and checks how it is shown. */
static void focused_cell(int *row, int *col)
{
    for (int i = 0; i < cur->width * cur->height; i++)
        if (cur->cells[i].attr == FRAME_FOCUS && cur->cells[i].ch[0] != ' ') {
            *row = i / cur->width;
            *col = i % cur->width;
            return;
        }
    ck_abort_msg("no focused cell");
}

START_TEST(colors_and_monochrome)
{
    int r, c;
    go("backward.2.gradient");
    tui_colors(THEME_DARK);
    show(80, 24);
    focused_cell(&r, &c);
    chtype ch = mvinch(r, c);
    /* each class has its own pair, numbered one past the class */
    ck_assert_int_eq(PAIR_NUMBER(ch & A_COLOR), FRAME_FOCUS + 1);
    ck_assert(ch & A_REVERSE);
    short fg, bg;
    pair_content(FRAME_FOCUS + 1, &fg, &bg);
    theme_style want = theme_style_of(THEME_DARK, COLORS, FRAME_FOCUS);
    ck_assert_int_eq(fg, want.fg);
    ck_assert_int_eq(bg, want.bg);
    tui_colors(THEME_MONO);
    prev->width = 0;
    show(80, 24);
    ch = mvinch(r, c);
    ck_assert_int_eq(PAIR_NUMBER(ch & A_COLOR), 0);
    ck_assert(ch & A_REVERSE);
    ch = mvinch(23, 2);
    ck_assert(ch & A_REVERSE); /* the key bar */
}
END_TEST

/* Monochrome: the backward pass is bold and underlined, but the "=" before
 * its result and every rule or bracket cell carry no underline (it would
 * read as ≡ or double lines); "=" is reversed instead. */
START_TEST(monochrome_lines_not_underlined)
{
    go("backward.2.gradient");
    tui_colors(THEME_MONO);
    prev->width = 0;
    show(80, 24);
    int eq = 0, lines = 0;
    for (int i = 0; i < cur->width * cur->height; i++) {
        const char *x = cur->cells[i].ch;
        int r = i / cur->width, c = i % cur->width;
        int is_line = strcmp(x, "=") == 0 || strncmp(x, "\xe2\x94", 2) == 0 ||
                      strncmp(x, "\xe2\x8e", 2) == 0;
        if (!is_line)
            continue;
        lines++;
        chtype ch = mvinch(r, c);
        ck_assert_msg(!(ch & A_UNDERLINE), "\"%s\" at row %d column %d is underlined", x, r, c);
        if (strcmp(x, "=") == 0 && cur->cells[i].attr == FRAME_BACKWARD) {
            ck_assert(ch & A_REVERSE);
            eq++;
        }
    }
    ck_assert_int_ge(eq, 1);
    ck_assert_int_gt(lines, 80);
    /* Text of the backward class keeps its underline. */
    int r = 0, c = frame_find(cur, "BACKWARD", &r);
    ck_assert_int_ge(c, 0);
    ck_assert(mvinch(r, c) & A_UNDERLINE);
}
END_TEST

/* An operand element the focus used is underlined whole, its minus sign
 * too: a minus in a number is no rule (Δ[1][1] = −0.6012 on the gradient
 * step of the default lesson). */
START_TEST(used_negative_number_underlined_whole)
{
    go("backward.2.gradient");
    for (int mono = 0; mono <= 1; mono++) {
        tui_colors(mono ? THEME_MONO : THEME_DARK);
        prev->width = 0;
        show(80, 24);
        int found = 0;
        for (int i = 0; i < cur->width * cur->height; i++) {
            if (cur->cells[i].attr != FRAME_USED || strcmp(cur->cells[i].ch, "-") != 0)
                continue;
            chtype ch = mvinch(i / cur->width, i % cur->width);
            ck_assert_msg(ch & A_UNDERLINE, "the minus sign of a used number is not underlined");
            ck_assert_msg(!(ch & A_REVERSE), "the minus sign of a used number is reversed");
            found++;
        }
        ck_assert_int_ge(found, 1);
    }
}
END_TEST

Suite *tui_suite(void)
{
    Suite *s = suite_create("tui");
    TCase *tc = tcase_create("screen");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, golden_forward_sum);
    tcase_add_test(tc, golden_backward_steps);
    tcase_add_test(tc, golden_rows_convention);
    tcase_add_test(tc, golden_help);
    tcase_add_test(tc, golden_help_wide);
    tcase_add_test(tc, golden_large_and_ascii);
    tcase_add_test(tc, golden_gradcheck);
    tcase_add_test(tc, golden_train_plot);
    tcase_add_test(tc, golden_too_small);
    tcase_add_test(tc, golden_whole_at_80x24);
    tcase_add_test(tc, draws_only_changes);
    tcase_add_test(tc, colors_and_monochrome);
    tcase_add_test(tc, monochrome_lines_not_underlined);
    tcase_add_test(tc, used_negative_number_underlined_whole);
    suite_add_tcase(s, tc);
    return s;
}
