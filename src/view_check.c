/* view_check.c - the gradient check on the screen: every weight's and bias's
 * backprop gradient beside its central difference, their relative error and
 * a verdict by the usual thresholds, one row each, scrolling when long. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "view_lab.h"

/* Index letters of the layers, as the engine names them (W_ij, W_jk, ...). */
static const char letters[] = "ijklmnopq";

int view_check_open(view_lab *t, const engine *e)
{
    const engine_net *net = engine_network(e);
    int n = engine_net_params(net);
    if (n > t->rows_cap) {
        engine_check *r = realloc(t->rows, (size_t)n * sizeof *r);
        if (!r)
            return -1;
        t->rows = r;
        t->rows_cap = n;
    }
    t->n_rows = engine_gradcheck(e, t->rows, t->rows_cap);
    if (t->n_rows > t->rows_cap)
        t->n_rows = t->rows_cap;
    t->scroll = 0;
    t->mode = LAB_CHECK;
    return 0;
}

/* The parameter's name in the convention in force: "W_jk[2][1]", "b_k[1]". */
static void param_name(const engine_check *c, engine_conv conv, char *buf, size_t size)
{
    int l = c->layer;
    char lo = letters[(l - 1) % 9], hi = letters[l % 9];
    if (c->is_bias)
        snprintf(buf, size, "b_%c[%d]", hi, c->col + 1);
    else if (conv == CONV_COLUMNS)
        snprintf(buf, size, "W_%c%c[%d][%d]", lo, hi, c->row + 1, c->col + 1);
    else
        snprintf(buf, size, "W_%c%c[%d][%d]", lo, hi, c->col + 1, c->row + 1);
}

/* Verdict and color of a relative error. */
static const char *verdict(double rel, int *attr)
{
    if (rel <= 1e-7) {
        *attr = VIEW_FORWARD;
        return "good";
    }
    if (rel <= 1e-4) {
        *attr = VIEW_USED;
        return "acceptable";
    }
    if (rel <= 1e-2) {
        *attr = VIEW_BACKWARD;
        return "suspicious";
    }
    *attr = VIEW_WARNING;
    return "wrong";
}

void view_check_layout(view_frame *f, const view_lab *t, const engine *e, int ascii)
{
    int w = f->width, h = f->height;
    char line[256], num[48];
    double worst = 0;
    int kinks = 0;
    int tiny = 0;
    for (int i = 0; i < t->n_rows; i++) {
        tiny += engine_check_negligible(&t->rows[i]);
        if (!engine_check_negligible(&t->rows[i]))
            worst = t->rows[i].rel_error > worst ? t->rows[i].rel_error : worst;
        kinks += t->rows[i].kink;
    }
    snprintf(line, sizeof line, " Gradient check · %d parameters · worst relative error %.1e",
             t->n_rows, worst);
    for (int c = 0; c < w; c++)
        view_put(f, ascii, 0, c, w, " ", VIEW_TITLE);
    view_put(f, ascii, 0, 0, w, line, VIEW_TITLE);
    snprintf(line, sizeof line, "central differences, h = %g, over every sample", ENGINE_CHECK_H);
    view_put(f, ascii, 1, 1, w, line, VIEW_DIM);
    view_rule(f, ascii, 2, "analytic (backprop) against numeric", NULL);
    static const int col[] = {1, 8, 24, 40, 56, 68};
    static const char *const head[] = {"layer", "parameter", "analytic", "numeric",
                                       "rel. error", "verdict"};
    for (int k = 0; k < 6; k++)
        view_put(f, ascii, 3, col[k], w, head[k], VIEW_TITLE);
    int top = 4, rows = h - top - 2;
    int first = t->scroll;
    if (first > t->n_rows - rows)
        first = t->n_rows - rows;
    if (first < 0)
        first = 0;
    engine_conv conv = engine_convention(e);
    for (int r = 0; r < rows && first + r < t->n_rows; r++) {
        const engine_check *c = &t->rows[first + r];
        int y = top + r, attr;
        snprintf(line, sizeof line, "%d", c->layer);
        view_put(f, ascii, y, col[0] + 2, w, line, VIEW_NORMAL);
        param_name(c, conv, line, sizeof line);
        view_put(f, ascii, y, col[1], w, line, VIEW_NORMAL);
        text_number(c->analytic, 8, num, sizeof num);
        view_put(f, ascii, y, col[2], w, num, c->analytic < 0 ? VIEW_NEGATIVE : VIEW_POSITIVE);
        text_number(c->numeric, 8, num, sizeof num);
        view_put(f, ascii, y, col[3], w, num, c->numeric < 0 ? VIEW_NEGATIVE : VIEW_POSITIVE);
        const char *v = verdict(c->rel_error, &attr);
        if (engine_check_negligible(c)) {
            v = "both ≈ 0";
            attr = VIEW_DIM;
        }
        snprintf(line, sizeof line, "%.1e", c->rel_error);
        view_put(f, ascii, y, col[4], w, line, attr);
        int end = view_put(f, ascii, y, col[5], w, v, attr);
        if (c->kink)
            view_put(f, ascii, y, end + 1, w, "kink", VIEW_WARNING);
    }
    if (first > 0)
        view_put(f, ascii, top, w - 3, w, "↑", VIEW_DIM);
    if (first + rows < t->n_rows)
        view_put(f, ascii, top + rows - 1, w - 3, w, "↓", VIEW_DIM);
    snprintf(line, sizeof line,
             "good ≤ 1e-7 · acceptable ≤ 1e-4 · suspicious ≤ 1e-2 · wrong above%s%s",
             tiny ? " · both ≈ 0: under 1e-9" : "",
             kinks ? " · kink: a relu unit within h of 0, the difference is unreliable" : "");
    view_put(f, ascii, h - 2, 1, w, line, VIEW_DIM);
    for (int c = 0; c < w; c++)
        view_put(f, ascii, h - 1, c, w, " ", VIEW_KEYBAR);
    snprintf(line, sizeof line, "rows %d-%d of %d  ↑↓ scroll  Esc/Enter back to the steps",
             t->n_rows ? first + 1 : 0, first + rows < t->n_rows ? first + rows : t->n_rows,
             t->n_rows);
    view_put(f, ascii, h - 1, 1, w, line, VIEW_KEYBAR);
}
