/* check_contrast.c - every letter, digit and symbol the screen shows reads
 * at 4.5:1 or better against what is behind it, in the dark and the light
 * theme, on 8- and 256-colour terminals: the real screens (every step of
 * the question and the softmax lessons, the quiz, the help) drawn by tui.c
 * on an off-screen terminal, each cell's colours and attributes read back
 * from curses and shown as xterm's default palette would show them. */
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
#include "theme.h"
#include "tui.h"

static FILE *out, *in;
static SCREEN *term;
static frame *cur, *prev;
static long cells_checked;

/* An off-screen terminal of type `type` (xterm: 8 colours; xterm-256color). */
static void open_term(const char *type)
{
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    ck_assert(out && in);
    term = newterm(type, out, in);
    ck_assert_ptr_nonnull(term);
    set_term(term);
    cur = frame_new();
    prev = frame_new();
    ck_assert(cur && prev);
}

static void close_term(void)
{
    endwin();
    delscreen(term);
    fclose(out);
    fclose(in);
    frame_free(cur);
    frame_free(prev);
}

/* Draws s at w×h from scratch and checks every visible cell. */
static void check_cells(screen *s, theme_id t, int w, int h, const char *what)
{
    resizeterm(h, w);
    screen_layout(s, cur, COLS, LINES);
    prev->width = prev->height = 0;
    tui_draw(cur, prev);
    for (int r = 0; r < LINES; r++)
        for (int c = 0; c < COLS; c++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t a;
            short pair;
            ck_assert_int_ne(mvin_wch(r, c, &cc), ERR);
            ck_assert_int_ne(getcchar(&cc, wch, &a, &pair, NULL), ERR);
            if (wch[0] == L' ' || wch[0] == L'\0')
                continue;
            short fg = THEME_DEFAULT, bg = THEME_DEFAULT;
            if (pair > 0)
                ck_assert_int_ne(pair_content(pair, &fg, &bg), ERR);
            theme_style st = {fg, bg, (a & A_BOLD) != 0, (a & A_UNDERLINE) != 0,
                              (a & A_REVERSE) != 0, (a & A_DIM) != 0};
            double f[3], b[3];
            theme_shown_rgb(t, st, f, b);
            double ratio = theme_contrast(f, b);
            ck_assert_msg(!st.dim, "%s, %s theme, %d colours, %s: faint text at row %d col %d",
                          what, theme_name(t), COLORS, what, r, c);
            ck_assert_msg(ratio >= 4.5,
                          "%s theme, %d colours, %dx%d, %s: U+%04X at row %d col %d is %.2f:1 "
                          "(colours %d on %d, bold %d, reverse %d)",
                          theme_name(t), COLORS, w, h, what, (unsigned)wch[0], r, c, ratio, fg, bg,
                          st.bold, st.reverse);
            cells_checked++;
        }
}

/* Every step of lesson `file`'s first pass, then the quiz and the help. */
static void check_lesson(const char *file, theme_id t)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(file, &l, &err) == 0, "%s", err.message);
    screen_options opt = {0, 0, -1};
    screen *s = screen_new(&l, &opt);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(tui_colors(t), t);
    engine *e = screen_engine(s);
    int steps = engine_step_count(e);
    char what[96];
    for (int i = 0; i < steps; i++) {
        snprintf(what, sizeof what, "%s step %d", file, i + 1);
        check_cells(s, t, 80, 24, what);
        check_cells(s, t, 200, 60, what);
        screen_key(s, KEYS_K_DOWN); /* a focus, so the used elements show */
        check_cells(s, t, 80, 24, what);
        screen_key(s, KEYS_K_RIGHT);
    }
    screen_key(s, KEYS_K_HOME);
    screen_key(s, 'z'); /* the quiz's question */
    snprintf(what, sizeof what, "%s quiz", file);
    check_cells(s, t, 80, 24, what);
    screen_key(s, 'z');
    screen_key(s, '?');
    snprintf(what, sizeof what, "%s help", file);
    check_cells(s, t, 80, 24, what);
    check_cells(s, t, 200, 60, what);
    screen_free(s);
    lesson_free(&l);
}

static void check_all(const char *type)
{
    open_term(type);
    for (int t = THEME_DARK; t <= THEME_LIGHT; t++) {
        cells_checked = 0;
        check_lesson("lessons/01-question.yaml", (theme_id)t);
        check_lesson("lessons/08-softmax.yaml", (theme_id)t);
        ck_assert_int_gt(cells_checked, 10000); /* the screens were really read */
    }
    close_term();
}

START_TEST(screens_256)
{
    check_all("xterm-256color");
}
END_TEST

START_TEST(screens_8)
{
    check_all("xterm");
}
END_TEST

Suite *contrast_suite(void)
{
    Suite *s = suite_create("contrast");
    TCase *tc = tcase_create("screens");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, screens_256);
    tcase_add_test(tc, screens_8);
    suite_add_tcase(s, tc);
    return s;
}
