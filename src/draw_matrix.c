/* draw_matrix.c - one bracketed matrix or vector with its label ("W_jk
 * 3×2"): the window of it that fits around the element that matters, with
 * elision marks for the rest, the focused and used elements marked. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

static void tensor_label(const engine_tensor *t, char *buf, size_t size)
{
    char name[ENGINE_NAME_SIZE * 2];
    text_sanitize(t->name, name, sizeof name);
    if (t->rank == 0)
        snprintf(buf, size, "%s", name);
    else if (t->rank == 1)
        snprintf(buf, size, "%s  %d", name, t->rows);
    else
        snprintf(buf, size, "%s  %d×%d", name, t->rows, t->cols);
}

/* The width of a narrow column of n numbers v[0], v[stride], …: each
 * without the blank kept for a plus sign.  Below 9 in size (rounding
 * cannot carry one to 10) a number is a digit and the decimals, with a
 * minus where its sign bit is set, known without measuring each. */
static int narrow_width(const double *v, int n, int stride, int decimals)
{
    int d = decimals < 0 ? 0 : decimals > 17 ? 17 : decimals, small = 2 + (d > 0 ? 1 + d : 0);
    int minus = 0, k = 0;
    for (; k < n && fabs(v[k * stride]) < 9.0; k++)
        minus |= signbit(v[k * stride]) != 0;
    if (k == n && small <= 12) /* longer prints in the exponent form */
        return small - !minus;
    int w = 1;
    for (k = 0; k < n; k++) {
        double x = v[k * stride];
        int nw = frame_number_width(x, decimals) - (isfinite(x) && !signbit(x));
        w = nw > w ? nw : w;
    }
    return w;
}

void draw_block_fit(const frame *f, draw_block *b, int index, int max_rows, int max_cols,
                    int decimals)
{
    b->label_width = 0;
    draw_block_window(f, b, index, max_rows, max_cols, decimals, NULL);
}

void draw_block_window(const frame *f, draw_block *b, int index, int max_rows, int max_cols,
                       int decimals, const int *widths)
{
    const engine_tensor *t = b->t;
    int fr = index >= 0 ? index / t->cols : 0, fc = index >= 0 ? index % t->cols : 0;
    if (max_rows < 1)
        max_rows = 1;
    if (max_cols < 1)
        max_cols = 1;
    b->rn = t->rows;
    b->r0 = 0;
    if (t->rows > max_rows) {
        b->rn = max_rows > 2 ? max_rows - 1 : max_rows; /* a row for the mark */
        b->r0 = fr - b->rn / 2;
        if (b->r0 < 0)
            b->r0 = 0;
        if (b->r0 + b->rn > t->rows)
            b->r0 = t->rows - b->rn;
    }
    b->cn = t->cols;
    b->c0 = 0;
    if (t->cols > max_cols) {
        b->cn = max_cols;
        b->c0 = fc - b->cn / 2;
        if (b->c0 < 0)
            b->c0 = 0;
        if (b->c0 + b->cn > t->cols)
            b->c0 = t->cols - b->cn;
    }
    b->more_up = b->r0 > 0;
    b->more_down = b->r0 + b->rn < t->rows;
    b->more_left = b->c0 > 0;
    b->more_right = b->c0 + b->cn < t->cols;
    int w = 2;
    for (int c = 0; c < b->cn; c++) {
        /* The column's widest number; narrow, a number without a sign
         * keeps no blank for it, so each is measured on its own. */
        int cw = 1;
        if (widths) {
            cw = widths[b->c0 + c];
        } else if (!b->narrow) {
            cw = frame_column_width(t->v + b->c0 + c, t->rows, (size_t)t->cols, decimals);
        } else {
            cw = narrow_width(t->v + b->c0 + c, t->rows, t->cols, decimals);
        }
        cw = cw > 1 ? cw : 1;
        b->colw[c] = cw;
        w += cw + (c > 0);
    }
    if (b->more_left || b->more_right) {
        int mark = frame_width(f, "… "); /* "... " in ASCII */
        w += (b->more_left ? mark : 0) + (b->more_right ? mark : 0);
    }
    if (b->label_width <= 0) {
        tensor_label(t, b->label, sizeof b->label);
        b->label_width = frame_width(f, b->label);
    }
    b->width = w > b->label_width ? w : b->label_width;
}

int draw_block_rows(const draw_block *b)
{
    return b->rn + (b->more_up || b->more_down);
}

void draw_matrix(frame *f, const draw_block *b, int top, int x, int decimals, int focus,
                const engine_use *uses, int n_uses, int op_index, int flow, int hide)
{
    const engine_tensor *t = b->t;
    int w = f->cols;
    if (hide && b->is_result) {
        /* The quiz asks for the shape: neither label nor brackets tell it. */
        char name[ENGINE_NAME_SIZE * 2 + 8];
        text_sanitize(t->name, name, sizeof name);
        strcat(name, "  ?");
        frame_put(f, top, x, w, name, flow);
        frame_put(f, top + 1, x, w, "[ ? ]", FRAME_FOCUS);
        return;
    }
    frame_put(f, top, x, w, b->label, b->is_result ? flow : FRAME_TITLE);
    int row = top + 1;
    int mat_w = 2;
    for (int c = 0; c < b->cn; c++)
        mat_w += b->colw[c] + (c > 0);
    int mark = frame_width(f, "… ");
    mat_w += (b->more_left ? mark : 0) + (b->more_right ? mark : 0);
    if (b->more_up) {
        frame_put(f, row, x + mat_w / 2, w, "⋮", FRAME_DIM);
        row++;
    }
    for (int r = 0; r < b->rn; r++, row++) {
        int tr = b->r0 + r;
        const char *lb = "[", *rb = "]";
        if (!f->ascii && t->rows > 1 && b->rn > 1) {
            lb = r == 0 ? "⎡" : r == b->rn - 1 ? "⎣" : "⎢";
            rb = r == 0 ? "⎤" : r == b->rn - 1 ? "⎦" : "⎥";
        }
        int col = frame_put(f, row, x, w, lb, FRAME_BORDER);
        if (b->more_left)
            col = frame_put(f, row, col, w, "… ", FRAME_DIM);
        for (int c = 0; c < b->cn; c++) {
            int idx = tr * t->cols + b->c0 + c;
            char num[FRAME_NUM_BYTES];
            if (b->narrow)
                frame_number_bare(t->v[idx], decimals, num, sizeof num);
            else
                frame_number(t->v[idx], decimals, num, sizeof num);
            if (c > 0)
                col++;
            col += b->colw[c] - text_width(num);
            int attr = frame_number_attr(t->v[idx]);
            if (b->is_result && idx == focus)
                attr = FRAME_FOCUS;
            for (int u = 0; u < n_uses && !b->is_result; u++)
                if (uses[u].operand == op_index && uses[u].index == idx)
                    attr = FRAME_USED;
            if (!isfinite(t->v[idx]) && attr != FRAME_FOCUS)
                attr = FRAME_WARNING;
            col = frame_put(f, row, col, w, num, attr);
        }
        if (b->more_right)
            col = frame_put(f, row, col, w, " …", FRAME_DIM);
        frame_put(f, row, col, w, rb, FRAME_BORDER);
    }
    if (b->more_down)
        frame_put(f, row, x + mat_w / 2, w, "⋮", FRAME_DIM);
}
