/* plot.c - draws a series as braille dots or ASCII marks into text rows.
 * Each column of dots stands for a run of consecutive values and is filled
 * from its lowest to its highest value, joined to the column before, so a
 * steep fall reads as a line and not as scattered dots. */
#include "plot.h"

#include <math.h>
#include <string.h>

/* Braille dot bits of the 2×4 cell, [dot row][dot column]. */
static const unsigned char braille_bit[4][2] = {
    {0x01, 0x08},
    {0x02, 0x10},
    {0x04, 0x20},
    {0x40, 0x80},
};

/* The value as the vertical axis measures it. */
static double axis_value(double v, int log)
{
    return log ? log10(v) : v;
}

/* Dot row (0 = top) of value v on an axis from lo to hi over `dots` rows. */
static int dot_row(double v, double lo, double hi, int dots)
{
    if (!(hi > lo))
        return (dots - 1) / 2;
    double f = (hi - v) / (hi - lo) * (dots - 1);
    int r = (int)lround(f);
    return r < 0 ? 0 : r >= dots ? dots - 1 : r;
}

/* Writes the cells as text: a braille character per cell, or '*' in ASCII;
 * blank cells as spaces. */
static void emit_rows(unsigned char cells[][PLOT_MAX_COLS], int ascii, int cols, int rows,
                      char *out, size_t stride)
{
    for (int r = 0; r < rows; r++) {
        char *p = out + (size_t)r * stride;
        for (int c = 0; c < cols; c++) {
            unsigned char b = cells[r][c];
            if (!b) {
                *p++ = ' ';
            } else if (ascii) {
                *p++ = '*';
            } else {
                /* U+2800 + b in UTF-8. */
                *p++ = (char)0xE2;
                *p++ = (char)(0xA0 | (b >> 6));
                *p++ = (char)(0x80 | (b & 0x3F));
            }
        }
        *p = '\0';
    }
}

int plot_render(const double *y, long n, int log_scale, int ascii, int cols, int rows,
                char *out, size_t stride, plot_range *range)
{
    unsigned char cells[PLOT_MAX_ROWS][PLOT_MAX_COLS];
    range->lo = range->hi = 0;
    range->first = 0;
    range->last = -1;
    range->first_bad = -1;
    range->log = 0;
    if (cols < 1 || rows < 1 || cols > PLOT_MAX_COLS || rows > PLOT_MAX_ROWS ||
        stride < (size_t)cols * PLOT_CELL_BYTES + 1)
        return -1;
    memset(cells, 0, sizeof cells);
    long m = 0;
    while (m < (n > 0 ? n : 0) && isfinite(y[m]))
        m++;
    if (m < n)
        range->first_bad = m;
    if (m == 0) {
        emit_rows(cells, ascii, cols, rows, out, stride);
        return -1;
    }
    int log = log_scale;
    double lo = y[0], hi = y[0];
    for (long i = 0; i < m; i++) {
        if (y[i] <= 0)
            log = 0;
        lo = y[i] < lo ? y[i] : lo;
        hi = y[i] > hi ? y[i] : hi;
    }
    range->lo = lo;
    range->hi = hi;
    range->last = m - 1;
    range->log = log;
    double alo = axis_value(lo, log), ahi = axis_value(hi, log);

    int xdots = ascii ? cols : 2 * cols, ydots = ascii ? rows : 4 * rows;
    int prev = -1; /* dot row where the column before ended */
    for (int px = 0; px < xdots; px++) {
        long i0 = (long)((double)px * (double)m / xdots);
        long i1 = (long)((double)(px + 1) * (double)m / xdots) - 1;
        if (i1 < i0)
            i1 = i0;
        if (i0 >= m)
            break;
        int top = ydots, bottom = -1;
        for (long i = i0; i <= i1 && i < m; i++) {
            int r = dot_row(axis_value(y[i], log), alo, ahi, ydots);
            top = r < top ? r : top;
            bottom = r > bottom ? r : bottom;
        }
        int end = dot_row(axis_value(y[i1 < m ? i1 : m - 1], log), alo, ahi, ydots);
        if (prev >= 0) {
            /* Join to where the column before ended. */
            top = prev + 1 < top ? prev + 1 : top;
            bottom = prev - 1 > bottom ? prev - 1 : bottom;
        }
        for (int r = top; r <= bottom; r++) {
            if (ascii)
                cells[r][px] = 1;
            else
                cells[r / 4][px / 2] |= braille_bit[r % 4][px % 2];
        }
        prev = end;
    }
    emit_rows(cells, ascii, cols, rows, out, stride);
    return 0;
}
