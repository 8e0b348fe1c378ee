/* view_train.c - training on the screen: epochs in chunks short enough that
 * Esc is heard between them, a progress line while it takes a while, then
 * the loss per epoch as a plot with its axis labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plot.h"
#include "text.h"
#include "view_lab.h"

/* Monotonic seconds. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int view_train_start(view_lab *b, long n)
{
    if (n > b->loss_cap) {
        double *p = realloc(b->loss, (size_t)n * sizeof *p);
        if (!p)
            return -1;
        b->loss = p;
        b->loss_cap = n;
    }
    b->epochs = n;
    b->done = 0;
    b->chunk = 16;
    b->bad_epoch = -1;
    b->interrupted = 0;
    b->started = now();
    b->mode = LAB_TRAINING;
    return 0;
}

int view_train_run(view_lab *b, engine *e)
{
    if (b->mode != LAB_TRAINING)
        return 0;
    long k = b->epochs - b->done < b->chunk ? b->epochs - b->done : b->chunk;
    double t0 = now();
    /* The loss over the samples with fixed weights, as --print and the
     * lessons quote it; the per-epoch means are taken while weights change. */
    if (b->done == 0)
        b->loss_before = b->loss_after = engine_net_mean_loss(engine_network(e));
    if (k > 0) {
        long bad = engine_train(e, k, b->loss + b->done);
        if (bad >= 0 && b->bad_epoch < 0)
            b->bad_epoch = b->done + bad;
        b->done += k;
        b->loss_after = engine_net_mean_loss(engine_network(e));
    }
    /* About 20 ms a chunk keeps Esc and the progress line lively. */
    double dt = now() - t0;
    if (dt < 0.01 && b->chunk < (1L << 20))
        b->chunk *= 2;
    else if (dt > 0.04 && b->chunk > 1)
        b->chunk /= 2;
    if (b->done >= b->epochs) {
        b->mode = LAB_PLOT;
        return 0;
    }
    return 1;
}

/* Blank row with the attribute. */
static void band(view_frame *f, int row, int attr, int ascii)
{
    for (int c = 0; c < f->width; c++)
        view_put(f, ascii, row, c, f->width, " ", attr);
}

static void layout_progress(view_frame *f, const view_lab *b, int ascii)
{
    int w = f->width, h = f->height;
    char line[160];
    band(f, 0, VIEW_TITLE, ascii);
    view_put(f, ascii, 0, 1, w, "Training", VIEW_TITLE);
    /* Shown only once it takes a while, so short runs do not flicker. */
    if (now() - b->started < 0.1)
        return;
    snprintf(line, sizeof line, "training… epoch %ld of %ld", b->done, b->epochs);
    view_put(f, ascii, h / 2 - 1, 4, w, line, VIEW_NORMAL);
    int bar = w - 8;
    int full = b->epochs ? (int)((double)bar * (double)b->done / (double)b->epochs) : 0;
    for (int c = 0; c < bar; c++)
        view_put(f, ascii, h / 2, 4 + c, w, c < full ? (ascii ? "#" : "█") : (ascii ? "." : "░"),
                 c < full ? VIEW_FORWARD : VIEW_DIM);
    band(f, h - 1, VIEW_KEYBAR, ascii);
    view_put(f, ascii, h - 1, 1, w, "Esc stops after this chunk", VIEW_KEYBAR);
}

void view_train_layout(view_frame *f, const view_lab *b, const engine *e, int ascii)
{
    (void)e;
    if (b->mode == LAB_TRAINING) {
        layout_progress(f, b, ascii);
        return;
    }
    static char rows[PLOT_MAX_ROWS][PLOT_MAX_COLS * PLOT_CELL_BYTES + 1];
    int w = f->width, h = f->height;
    char line[256], lo[48], hi[48];
    plot_range r;
    int left = 12, top = 3, prows = h - top - 4, pcols = w - left - 3;
    if (pcols > PLOT_MAX_COLS)
        pcols = PLOT_MAX_COLS;
    if (prows > PLOT_MAX_ROWS)
        prows = PLOT_MAX_ROWS;
    int ok = plot_render(b->loss, b->done, b->log, ascii, pcols, prows, &rows[0][0],
                         sizeof rows[0], &r) == 0;
    band(f, 0, VIEW_TITLE, ascii);
    snprintf(line, sizeof line, "Training · %ld epoch%s%s", b->done, b->done == 1 ? "" : "s",
             b->interrupted ? " (stopped by Esc)" : "");
    int c = view_put(f, ascii, 0, 1, w, line, VIEW_TITLE);
    if (b->done > 0) {
        snprintf(line, sizeof line, " · mean loss over the samples: %.4g → %.4g", b->loss_before,
                 b->loss_after);
        view_put(f, ascii, 0, c, w, line, VIEW_TITLE);
    }
    if (b->bad_epoch >= 0) {
        snprintf(line, sizeof line, "values stopped being finite in epoch %ld", b->bad_epoch + 1);
        view_put(f, ascii, 1, 1, w, line, VIEW_WARNING);
    } else {
        view_put(f, ascii, 1, 1, w, "plot: per-epoch mean of the losses seen while the weights change", VIEW_DIM);
    }
    view_rule(f, ascii, 2, "per-epoch mean loss", r.log ? "log scale" : "linear scale");
    if (ok) {
        /* Three significant digits: a loss near zero still reads as a number. */
        snprintf(hi, sizeof hi, "%.3g", r.hi);
        snprintf(lo, sizeof lo, "%.3g", r.lo);
        view_put(f, ascii, top, 0, left - 1, hi, VIEW_NORMAL);
        view_put(f, ascii, top + prows - 1, 0, left - 1, lo, VIEW_NORMAL);
        for (int y = 0; y < prows; y++) {
            view_put(f, ascii, top + y, left, left + 1, ascii ? "|" : "│", VIEW_BORDER);
            view_put(f, ascii, top + y, left + 2, w, rows[y], VIEW_FORWARD);
        }
        for (int x = left; x < left + 2 + pcols; x++)
            view_put(f, ascii, top + prows, x, w, ascii ? "-" : "─", VIEW_BORDER);
        view_put(f, ascii, top + prows, left, w, ascii ? "+" : "└", VIEW_BORDER);
        snprintf(line, sizeof line, "epoch %ld", r.first + 1);
        view_put(f, ascii, top + prows + 1, left + 2, w, line, VIEW_DIM);
        snprintf(line, sizeof line, "epoch %ld", r.last + 1);
        view_put(f, ascii, top + prows + 1, left + 2 + pcols - (int)strlen(line), w, line,
                 VIEW_DIM);
    } else {
        view_put(f, ascii, top + 1, 2, w, "no finite loss to plot", VIEW_WARNING);
    }
    band(f, h - 1, VIEW_KEYBAR, ascii);
    view_put(f, ascii, h - 1, 1, w,
             "L linear/log  Esc/Enter back to the steps, from the trained weights", VIEW_KEYBAR);
}
