/* mode_train.c - training on the screen (key t): how many epochs, asked on
 * the bottom row; then the epochs in slices short enough that Esc is heard
 * between them, with a progress bar once it takes a while; then the loss
 * per epoch as a plot with its axis labels.  The steps go on from the
 * trained weights. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "mode.h"
#include "plot.h"
#include "prompt.h"

enum {
    TRAIN_DEFAULT = 1000, /* epochs offered */
    TRAIN_MAX = 1000000,  /* most epochs one t may ask for */
};

/* Where training stands. */
typedef enum {
    TRAIN_ASK,     /* the prompt for the number of epochs */
    TRAIN_RUNNING, /* epochs in slices */
    TRAIN_PLOTTED, /* done or stopped: the plot */
} train_stage;

/* Training between keys. */
typedef struct {
    train_stage stage;
    prompt in;           /* the number of epochs */
    char reason[MODE_MESSAGE_BYTES]; /* why the last count was refused; "" none */
    double *loss;        /* mean loss per epoch, loss_cap of them */
    long loss_cap;
    long epochs;         /* asked for */
    long done;           /* trained so far */
    long chunk;          /* epochs per slice, tuned to about 20 ms */
    long bad_epoch;      /* 0-based epoch where values stopped being finite, or -1 */
    double started;      /* when training began (mode_ctx.now) */
    int interrupted;     /* Esc stopped it */
    int log;             /* the plot's axis is log10 */
    double loss_before;  /* mean loss over the samples, fixed weights, before */
    double loss_after;   /* the same after the epochs trained so far */
} train_mode;

/* Monotonic seconds, to time the slices. */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *train_create(void)
{
    return calloc(1, sizeof(train_mode));
}

static void train_destroy(void *self)
{
    train_mode *m = self;
    if (m)
        free(m->loss);
    free(m);
}

static mode_reply train_open(mode_ctx *c, void *self, keys_action why)
{
    train_mode *m = self;
    (void)c;
    (void)why;
    char num[32];
    snprintf(num, sizeof num, "%d", TRAIN_DEFAULT);
    m->stage = TRAIN_ASK;
    m->reason[0] = '\0';
    prompt_open(&m->in, "train how many epochs? ", num, 40);
    return MODE_DONE;
}

/* Begins training n epochs.  0, or -1 when out of memory. */
static int start(mode_ctx *c, train_mode *m, long n)
{
    if (n > m->loss_cap) {
        double *p = realloc(m->loss, (size_t)n * sizeof *p);
        if (!p)
            return -1;
        m->loss = p;
        m->loss_cap = n;
    }
    m->epochs = n;
    m->done = 0;
    m->chunk = 16;
    m->bad_epoch = -1;
    m->interrupted = 0;
    m->log = 0;
    m->started = c->now;
    m->stage = TRAIN_RUNNING;
    return 0;
}

/* The answer to "how many epochs?". */
static mode_reply answered(mode_ctx *c, train_mode *m)
{
    const char *text = prompt_text(&m->in);
    char *end;
    long n = strtol(text, &end, 10);
    if (end == text || *end || n < 1 || n > TRAIN_MAX) {
        /* Refused with the reason; the prompt stays to try again. */
        snprintf(m->reason, sizeof m->reason, "epochs: a whole number from 1 to %d (Esc: none)",
                 TRAIN_MAX);
        prompt_retry(&m->in);
        return MODE_DONE;
    }
    m->reason[0] = '\0';
    if (start(c, m, n) != 0) {
        snprintf(c->message, sizeof c->message, "out of memory");
        c->message_bad = 1;
        return MODE_CLOSE;
    }
    return MODE_DONE;
}

static mode_reply train_key(mode_ctx *c, void *self, int code)
{
    train_mode *m = self;
    switch (m->stage) {
    case TRAIN_ASK:
        switch (prompt_key(&m->in, code)) {
        case PROMPT_ENTER:
            return answered(c, m);
        case PROMPT_ESCAPE:
            return MODE_CLOSE;
        case PROMPT_EDITING:
            return MODE_DONE;
        }
        return MODE_DONE;
    case TRAIN_RUNNING:
        if (keys_lookup(KEYS_MAP_TRAIN, code, KEYS_WHEN_RUNNING) == KEYS_STOP) {
            m->interrupted = 1;
            m->stage = TRAIN_PLOTTED;
            return MODE_DONE;
        }
        return MODE_PASS;
    case TRAIN_PLOTTED:
        switch (keys_lookup(KEYS_MAP_TRAIN, code, KEYS_WHEN_PLOTTED)) {
        case KEYS_LOG_SCALE:
            m->log = !m->log;
            return MODE_DONE;
        case KEYS_BACK:
            c->focus = 0;
            return MODE_CLOSE;
        default:
            return MODE_PASS;
        }
    }
    return MODE_PASS;
}

/* One slice of epochs, about 20 ms. */
static int train_tick(mode_ctx *c, void *self)
{
    train_mode *m = self;
    if (m->stage != TRAIN_RUNNING)
        return 0;
    engine *e = c->engine;
    long k = m->epochs - m->done < m->chunk ? m->epochs - m->done : m->chunk;
    double t0 = seconds();
    /* The loss over the samples with fixed weights, as --print and the
     * lessons quote it; the per-epoch means are taken while weights change. */
    if (m->done == 0)
        m->loss_before = m->loss_after = engine_net_mean_loss(engine_network(e));
    if (k > 0) {
        long bad = engine_train(e, k, m->loss + m->done);
        if (bad >= 0 && m->bad_epoch < 0)
            m->bad_epoch = m->done + bad;
        m->done += k;
        m->loss_after = engine_net_mean_loss(engine_network(e));
    }
    /* About 20 ms a slice keeps Esc and the progress line lively. */
    double dt = seconds() - t0;
    if (dt < 0.01 && m->chunk < (1L << 20))
        m->chunk *= 2;
    else if (dt > 0.04 && m->chunk > 1)
        m->chunk /= 2;
    if (m->done >= m->epochs)
        m->stage = TRAIN_PLOTTED;
    else
        c->wake_ms = 0;
    return 1;
}

static int train_covers(const void *self)
{
    const train_mode *m = self;
    return m->stage != TRAIN_ASK;
}

/* The progress while training takes a while. */
static void layout_progress(const mode_ctx *c, const train_mode *m, frame *f)
{
    int w = f->width, h = f->height;
    char line[160];
    frame_fill(f, 0, 0, w, FRAME_TITLE);
    frame_put(f, 0, 1, w, "Training", FRAME_TITLE);
    /* Shown only once it takes a while, so short runs do not flicker. */
    if (c->now - m->started < 0.1)
        return;
    snprintf(line, sizeof line, "training… epoch %ld of %ld", m->done, m->epochs);
    frame_put(f, h / 2 - 1, 4, w, line, FRAME_NORMAL);
    int bar = w - 8;
    int full = m->epochs ? (int)((double)bar * (double)m->done / (double)m->epochs) : 0;
    for (int col = 0; col < bar; col++)
        frame_put(f, h / 2, 4 + col, w, col < full ? (f->ascii ? "#" : "█") : (f->ascii ? "." : "░"),
                  col < full ? FRAME_FORWARD : FRAME_DIM);
    draw_keybar_after(f, h - 1, NULL, KEYS_MAP_TRAIN, KEYS_WHEN_RUNNING);
}

/* The loss per epoch with its axis labels. */
static void layout_plot(const mode_ctx *c, const train_mode *m, frame *f)
{
    int w = f->width, h = f->height;
    char line[256];
    plot_range r;
    int left = 12, top = 3, prows = h - top - 4, pcols = w - left - 3;
    if (pcols > PLOT_MAX_COLS)
        pcols = PLOT_MAX_COLS;
    if (prows > PLOT_MAX_ROWS)
        prows = PLOT_MAX_ROWS;
    char(*rows)[sizeof c->cache->plot[0]] = c->cache->plot;
    int ok = plot_render(m->loss, m->done, m->log, f->ascii, pcols, prows, &rows[0][0],
                         sizeof rows[0], &r) == 0;
    frame_fill(f, 0, 0, w, FRAME_TITLE);
    snprintf(line, sizeof line, "Training · %ld epoch%s%s", m->done, m->done == 1 ? "" : "s",
             m->interrupted ? " (stopped by Esc)" : "");
    int col = frame_put(f, 0, 1, w, line, FRAME_TITLE);
    if (m->done > 0) {
        snprintf(line, sizeof line, " · mean loss over the samples: %.4g → %.4g", m->loss_before,
                 m->loss_after);
        frame_put(f, 0, col, w, line, FRAME_TITLE);
    }
    if (m->bad_epoch >= 0) {
        snprintf(line, sizeof line, "values stopped being finite in epoch %ld", m->bad_epoch + 1);
        frame_put(f, 1, 1, w, line, FRAME_WARNING);
    } else {
        frame_put(f, 1, 1, w, "plot: per-epoch mean of the losses seen while the weights change",
                  FRAME_DIM);
    }
    frame_rule(f, 2, "per-epoch mean loss", r.log ? "log scale" : "linear scale");
    if (ok) {
        /* Three significant digits: a loss near zero still reads as a number. */
        char lo[48], hi[48];
        snprintf(hi, sizeof hi, "%.3g", r.hi);
        snprintf(lo, sizeof lo, "%.3g", r.lo);
        frame_put(f, top, 0, left - 1, hi, FRAME_NORMAL);
        frame_put(f, top + prows - 1, 0, left - 1, lo, FRAME_NORMAL);
        for (int y = 0; y < prows; y++) {
            frame_box(f, top + y, left, "│", '|', FRAME_BORDER);
            frame_put(f, top + y, left + 2, w, rows[y], FRAME_FORWARD);
        }
        for (int x = left; x < left + 2 + pcols; x++)
            frame_box(f, top + prows, x, "─", '-', FRAME_BORDER);
        frame_box(f, top + prows, left, "└", '+', FRAME_BORDER);
        snprintf(line, sizeof line, "epoch %ld", r.first + 1);
        frame_put(f, top + prows + 1, left + 2, w, line, FRAME_DIM);
        snprintf(line, sizeof line, "epoch %ld", r.last + 1);
        frame_put(f, top + prows + 1, left + 2 + pcols - (int)strlen(line), w, line, FRAME_DIM);
    } else {
        frame_put(f, top + 1, 2, w, "no finite loss to plot", FRAME_WARNING);
    }
    draw_keybar_after(f, h - 1, NULL, KEYS_MAP_TRAIN, KEYS_WHEN_PLOTTED);
}

static void train_layout(const mode_ctx *c, const void *self, frame *f)
{
    const train_mode *m = self;
    switch (m->stage) {
    case TRAIN_ASK:
        if (m->reason[0]) {
            frame_fill(f, f->height - 2, 0, f->cols, FRAME_WARNING);
            frame_put(f, f->height - 2, 1, f->cols, m->reason, FRAME_WARNING);
        }
        draw_question(f, &m->in);
        mode_show_question_selection(f, &m->in);
        return;
    case TRAIN_RUNNING:
        frame_clear_rows(f, 0, f->height);
        layout_progress(c, m, f);
        return;
    case TRAIN_PLOTTED:
        frame_clear_rows(f, 0, f->height);
        layout_plot(c, m, f);
        return;
    }
}

const mode_ops mode_train = {
    .map = KEYS_MAP_TRAIN,
    .passes = 0,
    .create = train_create,
    .destroy = train_destroy,
    .open = train_open,
    .key = train_key,
    .tick = train_tick,
    .covers = train_covers,
    .layout = train_layout,
};
