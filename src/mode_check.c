/* mode_check.c - the gradient check (key v): every weight's and bias's
 * backprop gradient beside its numeric derivative, with the engine's own
 * verdict on each row and the reason for it.  The check runs in slices of
 * about 20 ms between keys, the rows filling in as they are judged, so the
 * screen stays live and Esc stops it at once; it takes the whole screen. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "draw.h"
#include "mode.h"
#include "text.h"

enum {
    SLICE_MS = 20,       /* the work of one tick */
    TOP = 4,             /* the first table row */
    REASON_ROWS = 2,     /* the selected row's reason, above the key bar */
    PAGE = 10,           /* rows a page key moves */
    REASON_COL = 81,     /* wide screens: each row's reason, past the longest verdict */
    LINE_BYTES = 512,
};

/* The check and where the table stands. */
typedef struct {
    engine_checker *chk;
    int running;       /* rows remain to be checked */
    int stopped;       /* Esc stopped it before the end */
    long per_slice;    /* loss evaluations per tick, tuned to about SLICE_MS */
    int sel;           /* the selected row, whose reason shows */
    double started;    /* when it began (mode_ctx.now) */
} check_mode;

/* Monotonic seconds, to time the slices. */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *check_create(void)
{
    return calloc(1, sizeof(check_mode));
}

static void check_destroy(void *self)
{
    check_mode *m = self;
    if (m)
        engine_check_end(m->chk);
    free(m);
}

/* Starts the check of the engine's current network; the ticks do it. */
static mode_reply check_open(mode_ctx *c, void *self, keys_action why)
{
    check_mode *m = self;
    (void)why;
    engine_check_end(m->chk);
    m->chk = engine_check_begin(c->engine);
    if (!m->chk) {
        snprintf(c->message, sizeof c->message, "out of memory: no gradient check");
        c->message_bad = 1;
        return MODE_CLOSE;
    }
    m->running = engine_check_done(m->chk) < engine_check_total(m->chk);
    m->stopped = 0;
    m->per_slice = 1;
    m->sel = 0;
    m->started = c->now;
    return MODE_DONE;
}

static void check_close(mode_ctx *c, void *self)
{
    check_mode *m = self;
    (void)c;
    engine_check_end(m->chk);
    m->chk = NULL;
    m->running = 0;
}

/* Rows judged so far. */
static int rows_done(const check_mode *m)
{
    return m->chk ? engine_check_done(m->chk) : 0;
}

static mode_reply check_key(mode_ctx *c, void *self, int code)
{
    check_mode *m = self;
    (void)c;
    int n = rows_done(m);
    unsigned when = m->running ? KEYS_WHEN_RUNNING : KEYS_WHEN_DONE;
    switch (keys_lookup(KEYS_MAP_CHECK, code, when)) {
    case KEYS_DOWN:
        m->sel++;
        break;
    case KEYS_UP:
        m->sel--;
        break;
    case KEYS_PAGE_DOWN:
        m->sel += PAGE;
        break;
    case KEYS_PAGE_UP:
        m->sel -= PAGE;
        break;
    case KEYS_TOP:
        m->sel = 0;
        break;
    case KEYS_BOTTOM:
        m->sel = n - 1;
        break;
    case KEYS_STOP:
        m->running = 0;
        m->stopped = 1;
        return MODE_DONE;
    case KEYS_BACK:
        return MODE_CLOSE;
    default:
        return MODE_PASS;
    }
    m->sel = m->sel >= n ? n - 1 : m->sel;
    m->sel = m->sel < 0 ? 0 : m->sel;
    return MODE_DONE;
}

/* One slice of the check, about SLICE_MS. */
static int check_tick(mode_ctx *c, void *self)
{
    check_mode *m = self;
    if (!m->running || !m->chk)
        return 0;
    double t0 = seconds();
    engine_check_run(m->chk, m->per_slice);
    double dt = seconds() - t0;
    if (dt < SLICE_MS / 2000.0 && m->per_slice < (1L << 24))
        m->per_slice *= 2;
    else if (dt > SLICE_MS * 2 / 1000.0 && m->per_slice > 1)
        m->per_slice /= 2;
    if (engine_check_done(m->chk) >= engine_check_total(m->chk))
        m->running = 0;
    else
        c->wake_ms = 0;
    return 1;
}

static int check_covers(const void *self)
{
    (void)self;
    return 1;
}

/* The parameter's name in the convention in force: "W_jk[2][1]", "b_k[1]". */
static void param_name(const engine_check *c, engine_conv conv, char *buf, size_t size)
{
    int l = c->layer;
    char lo = engine_layer_letter(l - 1), hi = engine_layer_letter(l);
    if (c->is_bias)
        snprintf(buf, size, "b_%c[%d]", hi, c->col + 1);
    else if (conv == CONV_COLUMNS)
        snprintf(buf, size, "W_%c%c[%d][%d]", lo, hi, c->row + 1, c->col + 1);
    else
        snprintf(buf, size, "W_%c%c[%d][%d]", lo, hi, c->col + 1, c->row + 1);
}

/* The colour of a verdict. */
static int status_attr(engine_check_status s)
{
    switch (s) {
    case CHECK_GOOD: return FRAME_FORWARD;
    case CHECK_WRONG: return FRAME_WARNING;
    case CHECK_NONFINITE: return FRAME_WARNING;
    case CHECK_KINK: return FRAME_USED;
    case CHECK_NEGLIGIBLE: return FRAME_DIM;
    case CHECK_PENDING: return FRAME_DIM;
    case CHECK_STATUS_COUNT: return FRAME_NORMAL;
    }
    return FRAME_NORMAL;
}

/* A relative error as the table writes it; "nan" when it is not a number. */
static void error_text(double rel, char *buf, size_t size)
{
    if (isnan(rel))
        snprintf(buf, size, "nan");
    else
        snprintf(buf, size, "%.1e", rel);
}

/* The first row: what is checked and the worst error among the rows
 * judged right or wrong (a NaN anywhere makes it NaN). */
static void layout_title(const check_mode *t, frame *f, int n)
{
    const engine_check *rows = engine_check_rows(t->chk);
    char line[LINE_BYTES], worst_text[32];
    double worst = 0;
    int nan = 0, failures = 0;
    for (int i = 0; i < n; i++) {
        failures += engine_check_failed(&rows[i]);
        if (rows[i].status == CHECK_NONFINITE || isnan(rows[i].rel_error))
            nan = 1;
        else if (rows[i].status == CHECK_GOOD || rows[i].status == CHECK_WRONG)
            worst = rows[i].rel_error > worst ? rows[i].rel_error : worst;
    }
    error_text(nan ? NAN : worst, worst_text, sizeof worst_text);
    snprintf(line, sizeof line, " Gradient check · %d parameters · worst relative error %s",
             engine_check_total(t->chk), worst_text);
    if (failures)
        text_append(line, sizeof line, " · %d failed", failures);
    frame_fill(f, 0, 0, f->width, FRAME_TITLE);
    frame_put(f, 0, 0, f->width, line, FRAME_TITLE);
}

/* The second row: how far the check is, or how it was done. */
static void layout_progress(const mode_ctx *c, const check_mode *t, frame *f, int n)
{
    char line[LINE_BYTES];
    int total = engine_check_total(t->chk), w = f->width;
    long evals = engine_check_evaluations(t->chk);
    if (t->running) {
        snprintf(line, sizeof line, "checking… %d of %d parameters, %ld loss evaluations, %.1f s",
                 n, total, evals, c->now - t->started);
        int col = frame_put(f, 1, 1, w, line, FRAME_NORMAL) + 2;
        int bar = w - 2 - col, full = total ? (int)((double)bar * n / total) : 0;
        for (int x = 0; x < bar; x++)
            frame_put(f, 1, col + x, w, x < full ? (f->ascii ? "#" : "█") : (f->ascii ? "." : "░"),
                      x < full ? FRAME_FORWARD : FRAME_DIM);
    } else if (t->stopped) {
        snprintf(line, sizeof line, "stopped by Esc after %d of %d parameters (%ld loss evaluations)",
                 n, total, evals);
        frame_put(f, 1, 1, w, line, FRAME_WARNING);
    } else {
        snprintf(line, sizeof line,
                 "extrapolated central differences over every sample, %ld loss evaluations", evals);
        frame_put(f, 1, 1, w, line, FRAME_DIM);
    }
}

static void check_layout(const mode_ctx *c, const void *self, frame *f)
{
    const check_mode *t = self;
    int w = f->width, h = f->height;
    char line[LINE_BYTES], num[48];
    frame_clear_rows(f, 0, h);
    if (!t->chk)
        return;
    int n = rows_done(t);
    const engine_check *rows = engine_check_rows(t->chk);
    layout_title(t, f, n);
    layout_progress(c, t, f, n);
    frame_rule(f, 2, "analytic (backprop) against numeric", NULL);
    static const int col[] = {1, 8, 24, 40, 56, 68};
    static const char *const head[] = {"layer",    "parameter",  "analytic",
                                       "numeric", "rel. error", "verdict"};
    for (int k = 0; k < 6; k++)
        frame_put(f, 3, col[k], w, head[k], FRAME_TITLE);
    if (w >= 140)
        frame_put(f, 3, REASON_COL, w, "why", FRAME_TITLE);
    int rows_shown = h - TOP - 1 - REASON_ROWS;
    int sel = t->sel < n ? t->sel : n - 1;
    int first = sel - rows_shown / 2;
    first = first > n - rows_shown ? n - rows_shown : first;
    first = first < 0 ? 0 : first;
    engine_conv conv = engine_convention(c->engine);
    for (int r = 0; r < rows_shown && first + r < n; r++) {
        const engine_check *x = &rows[first + r];
        int y = TOP + r, attr = status_attr(x->status), is_sel = first + r == sel;
        if (is_sel)
            frame_fill(f, y, 0, w, FRAME_FOCUS);
        snprintf(line, sizeof line, "%d", x->layer);
        frame_put(f, y, col[0] + 2, w, line, is_sel ? FRAME_FOCUS : FRAME_NORMAL);
        param_name(x, conv, line, sizeof line);
        frame_put(f, y, col[1], w, line, is_sel ? FRAME_FOCUS : FRAME_NORMAL);
        text_number(x->analytic, 8, num, sizeof num);
        frame_put(f, y, col[2], w, num, is_sel ? FRAME_FOCUS : frame_number_attr(x->analytic));
        text_number(x->numeric, 8, num, sizeof num);
        frame_put(f, y, col[3], w, num, is_sel ? FRAME_FOCUS : frame_number_attr(x->numeric));
        error_text(x->rel_error, line, sizeof line);
        frame_put(f, y, col[4], w, line, is_sel ? FRAME_FOCUS : attr);
        frame_put(f, y, col[5], w, engine_check_status_name(x->status),
                  is_sel ? FRAME_FOCUS : attr);
        /* On a wide screen every row says why. */
        if (w >= 140) {
            engine_check_reason(x, line, sizeof line);
            frame_put(f, y, REASON_COL, w - 1, line, is_sel ? FRAME_FOCUS : FRAME_DIM);
        }
    }
    if (first > 0)
        frame_put(f, TOP, w - 2, w, "↑", FRAME_DIM);
    if (first + rows_shown < n)
        frame_put(f, TOP + rows_shown - 1, w - 2, w, "↓", FRAME_DIM);
    /* Why the selected row got its verdict. */
    if (n > 0) {
        char name[64], why[LINE_BYTES / 2];
        param_name(&rows[sel], conv, name, sizeof name);
        engine_check_reason(&rows[sel], why, sizeof why);
        snprintf(line, sizeof line, "%s, %s: %s.", name,
                 engine_check_status_name(rows[sel].status), why);
        frame_wrap(f, h - 1 - REASON_ROWS, REASON_ROWS, 1, w - 1, line);
    }
    snprintf(line, sizeof line, "rows %d-%d of %d", n ? first + 1 : 0,
             first + rows_shown < n ? first + rows_shown : n, engine_check_total(t->chk));
    draw_keybar_after(f, h - 1, line, KEYS_MAP_CHECK,
                      t->running ? KEYS_WHEN_RUNNING : KEYS_WHEN_DONE);
}

const mode_ops mode_check = {
    .map = KEYS_MAP_CHECK,
    .passes = 0,
    .create = check_create,
    .destroy = check_destroy,
    .open = check_open,
    .key = check_key,
    .tick = check_tick,
    .covers = check_covers,
    .layout = check_layout,
    .close = check_close,
};
