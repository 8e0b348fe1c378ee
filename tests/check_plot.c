/* check_plot.c - the loss plot's rows for series worked out by hand: braille
 * dots and ASCII marks, linear and log axes, runs of values per column, the
 * first non-finite value and sizes out of range. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "plot.h"

static char rows[PLOT_MAX_ROWS][PLOT_MAX_COLS * PLOT_CELL_BYTES + 1];
static plot_range range;

static int draw(const double *y, long n, int log, int ascii, int cols, int nrows)
{
    memset(rows, 'x', sizeof rows);
    return plot_render(y, n, log, ascii, cols, nrows, &rows[0][0], sizeof rows[0], &range);
}

/* A falling line, one value per column: a diagonal of marks. */
START_TEST(ascii_diagonal)
{
    static const double y[] = {4, 3, 2, 1};
    ck_assert_int_eq(draw(y, 4, 0, 1, 4, 4), 0);
    ck_assert_str_eq(rows[0], "*   ");
    ck_assert_str_eq(rows[1], " *  ");
    ck_assert_str_eq(rows[2], "  * ");
    ck_assert_str_eq(rows[3], "   *");
    ck_assert_double_eq(range.lo, 1);
    ck_assert_double_eq(range.hi, 4);
    ck_assert_int_eq(range.last, 3);
    ck_assert_int_eq(range.first_bad, -1);
    ck_assert_int_eq(range.log, 0);
}
END_TEST

/* Braille: 2 columns × 4 rows of dots per cell.  Values 4,3,2,1 fall one dot
 * row per dot column: dots 1 and 5 (U+2811 ⠑), then 3 and 8 (U+2884 ⢄). */
START_TEST(braille_dots)
{
    static const double y[] = {4, 3, 2, 1};
    ck_assert_int_eq(draw(y, 4, 0, 0, 2, 1), 0);
    ck_assert_str_eq(rows[0], "⠑⢄");
    /* Rising: dot 7 (bottom left, 0x40) and dot 6 (0x20), then 2 and 4. */
    static const double up[] = {1, 2, 3, 4};
    ck_assert_int_eq(draw(up, 4, 0, 0, 2, 1), 0);
    ck_assert_str_eq(rows[0], "⡠⠊");
}
END_TEST

/* 1000, 100, 10, 1: linear puts the last three on the floor (a drop joined
 * by a vertical run of marks); log10 puts them one decade a row. */
START_TEST(linear_and_log)
{
    static const double y[] = {1000, 100, 10, 1};
    ck_assert_int_eq(draw(y, 4, 0, 1, 4, 4), 0);
    ck_assert_str_eq(rows[0], "*   ");
    ck_assert_str_eq(rows[1], " *  ");
    ck_assert_str_eq(rows[2], " *  ");
    ck_assert_str_eq(rows[3], " ***");
    ck_assert_int_eq(range.log, 0);
    ck_assert_int_eq(draw(y, 4, 1, 1, 4, 4), 0);
    ck_assert_str_eq(rows[0], "*   ");
    ck_assert_str_eq(rows[1], " *  ");
    ck_assert_str_eq(rows[2], "  * ");
    ck_assert_str_eq(rows[3], "   *");
    ck_assert_int_eq(range.log, 1);
    ck_assert_double_eq(range.lo, 1);
    ck_assert_double_eq(range.hi, 1000);
}
END_TEST

/* A zero cannot go on a log axis: the plot stays linear and says so. */
START_TEST(log_needs_positive)
{
    static const double y[] = {2, 1, 0};
    ck_assert_int_eq(draw(y, 3, 1, 1, 3, 3), 0);
    ck_assert_int_eq(range.log, 0);
    ck_assert_str_eq(rows[0], "*  ");
    ck_assert_str_eq(rows[1], " * ");
    ck_assert_str_eq(rows[2], "  *");
}
END_TEST

/* Eight values over four columns: each column shows a pair (8,7 → row 0 by
 * (8−7)/7·3 = 0.43; 6,5 → 0.86 and 1.29 → row 1; ...). */
START_TEST(runs_per_column)
{
    static const double y[] = {8, 7, 6, 5, 4, 3, 2, 1};
    ck_assert_int_eq(draw(y, 8, 0, 1, 4, 4), 0);
    ck_assert_str_eq(rows[0], "*   ");
    ck_assert_str_eq(rows[1], " *  ");
    ck_assert_str_eq(rows[2], "  * ");
    ck_assert_str_eq(rows[3], "   *");
    ck_assert_int_eq(range.last, 7);
}
END_TEST

/* Values stop at the first nan: the two before it fill the width. */
START_TEST(stops_at_nonfinite)
{
    const double y[] = {3, 2, NAN, 1};
    ck_assert_int_eq(draw(y, 4, 0, 1, 2, 2), 0);
    ck_assert_str_eq(rows[0], "* ");
    ck_assert_str_eq(rows[1], " *");
    ck_assert_int_eq(range.first_bad, 2);
    ck_assert_int_eq(range.last, 1);
    ck_assert_double_eq(range.lo, 2);
    ck_assert_double_eq(range.hi, 3);
    const double inf_first[] = {INFINITY, 1};
    ck_assert_int_eq(draw(inf_first, 2, 0, 1, 2, 2), -1);
    ck_assert_int_eq(range.first_bad, 0);
    ck_assert_str_eq(rows[0], "  ");
    ck_assert_str_eq(rows[1], "  ");
}
END_TEST

/* A flat series sits on the middle row. */
START_TEST(flat_in_the_middle)
{
    static const double y[] = {5, 5, 5};
    ck_assert_int_eq(draw(y, 3, 0, 1, 3, 3), 0);
    ck_assert_str_eq(rows[0], "   ");
    ck_assert_str_eq(rows[1], "***");
    ck_assert_str_eq(rows[2], "   ");
}
END_TEST

START_TEST(sizes_out_of_range)
{
    static const double y[] = {1, 2};
    ck_assert_int_eq(draw(y, 2, 0, 1, 0, 3), -1);
    ck_assert_int_eq(draw(y, 2, 0, 1, 3, 0), -1);
    ck_assert_int_eq(draw(y, 2, 0, 1, PLOT_MAX_COLS + 1, 3), -1);
    ck_assert_int_eq(draw(y, 0, 0, 1, 3, 3), -1);
    ck_assert_str_eq(rows[0], "   ");
    char small[2][4];
    ck_assert_int_eq(plot_render(y, 2, 0, 0, 2, 2, &small[0][0], sizeof small[0], &range), -1);
}
END_TEST

Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("plot");
    tcase_add_test(tc, ascii_diagonal);
    tcase_add_test(tc, braille_dots);
    tcase_add_test(tc, linear_and_log);
    tcase_add_test(tc, log_needs_positive);
    tcase_add_test(tc, runs_per_column);
    tcase_add_test(tc, stops_at_nonfinite);
    tcase_add_test(tc, flat_in_the_middle);
    tcase_add_test(tc, sizes_out_of_range);
    suite_add_tcase(s, tc);
    return s;
}
