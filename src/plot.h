/* plot.h - a series of numbers (the loss per epoch) drawn as text rows:
 * braille dots (2×4 per cell) in UTF-8, or '*' marks in plain ASCII.  No
 * curses and no allocation: the caller owns the rows. */
#ifndef BACKSTEP_PLOT_H
#define BACKSTEP_PLOT_H

#include <stddef.h>

enum {
    PLOT_MAX_COLS = 256, /* cells across */
    PLOT_MAX_ROWS = 80,  /* cells down */
    PLOT_CELL_BYTES = 3, /* a braille character in UTF-8 */
};

/* What was drawn, for the axis labels. */
typedef struct {
    double lo, hi;   /* values at the bottom and the top row (not logged) */
    long first;      /* index of the first value drawn (0) */
    long last;       /* index of the last value drawn: before the first non-finite one */
    long first_bad;  /* index of the first inf/nan value, or -1 */
    int log;         /* the vertical axis is log10 (asked for, and every value > 0) */
} plot_range;

/* Draws y[0..n-1] left to right into `rows` rows of `cols` cells: row r goes
 * to out + r*stride as NUL-terminated UTF-8 (stride must hold
 * cols*PLOT_CELL_BYTES + 1).  Values after the first non-finite one are not
 * drawn.  With log_scale the values are drawn on a log10 axis when they are
 * all positive.  Returns 0, or -1 when nothing could be drawn (no finite
 * value, or a size out of range); the rows are blank then. */
int plot_render(const double *y, long n, int log_scale, int ascii, int cols, int rows,
                char *out, size_t stride, plot_range *range);

#endif
