/* mode_check.c - the gradient check (key v): every weight's and bias's
 * backprop gradient beside its central difference, their relative error
 * and a verdict by the usual thresholds, one row each, scrolling when long.
 * It takes the whole screen. */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "mode.h"
#include "text.h"

/* The check's rows and where the table stands. */
typedef struct {
    engine_check *rows;
    int n_rows, rows_cap;
    int scroll; /* first table row shown */
} check_mode;

static void *check_create(void)
{
    return calloc(1, sizeof(check_mode));
}

static void check_destroy(void *self)
{
    check_mode *m = self;
    if (m)
        free(m->rows);
    free(m);
}

/* Runs the check of the engine's current network. */
static mode_reply check_open(mode_ctx *c, void *self, keys_action why)
{
    check_mode *m = self;
    (void)why;
    int n = engine_net_params(engine_network(c->engine));
    if (n > m->rows_cap) {
        engine_check *r = realloc(m->rows, (size_t)n * sizeof *r);
        if (!r) {
            snprintf(c->message, sizeof c->message, "out of memory");
            c->message_bad = 1;
            return MODE_CLOSE;
        }
        m->rows = r;
        m->rows_cap = n;
    }
    m->n_rows = engine_gradcheck(c->engine, m->rows, m->rows_cap);
    if (m->n_rows > m->rows_cap)
        m->n_rows = m->rows_cap;
    m->scroll = 0;
    return MODE_DONE;
}

static mode_reply check_key(mode_ctx *c, void *self, int code)
{
    check_mode *m = self;
    (void)c;
    switch (keys_lookup(KEYS_MAP_CHECK, code, 0)) {
    case KEYS_DOWN:
        m->scroll = m->scroll + 1 < m->n_rows ? m->scroll + 1 : m->scroll;
        return MODE_DONE;
    case KEYS_UP:
        m->scroll = m->scroll > 0 ? m->scroll - 1 : 0;
        return MODE_DONE;
    case KEYS_TOP:
        m->scroll = 0;
        return MODE_DONE;
    case KEYS_BACK:
        return MODE_CLOSE;
    default:
        return MODE_PASS;
    }
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

/* Verdict and colour of a relative error. */
static const char *verdict(double rel, int *attr)
{
    if (rel <= 1e-7) {
        *attr = FRAME_FORWARD;
        return "good";
    }
    if (rel <= 1e-4) {
        *attr = FRAME_USED;
        return "acceptable";
    }
    if (rel <= 1e-2) {
        *attr = FRAME_BACKWARD;
        return "suspicious";
    }
    *attr = FRAME_WARNING;
    return "wrong";
}

static void check_layout(const mode_ctx *c, const void *self, frame *f)
{
    const check_mode *t = self;
    int w = f->width, h = f->height;
    char line[256], num[48];
    double worst = 0;
    int kinks = 0;
    int tiny = 0;
    frame_clear_rows(f, 0, h);
    for (int i = 0; i < t->n_rows; i++) {
        tiny += engine_check_negligible(&t->rows[i]);
        if (!engine_check_negligible(&t->rows[i]))
            worst = t->rows[i].rel_error > worst ? t->rows[i].rel_error : worst;
        kinks += t->rows[i].kink;
    }
    snprintf(line, sizeof line, " Gradient check · %d parameters · worst relative error %.1e",
             t->n_rows, worst);
    frame_fill(f, 0, 0, w, FRAME_TITLE);
    frame_put(f, 0, 0, w, line, FRAME_TITLE);
    snprintf(line, sizeof line, "central differences, h = %g, over every sample", ENGINE_CHECK_H);
    frame_put(f, 1, 1, w, line, FRAME_DIM);
    frame_rule(f, 2, "analytic (backprop) against numeric", NULL);
    static const int col[] = {1, 8, 24, 40, 56, 68};
    static const char *const head[] = {"layer",    "parameter",  "analytic",
                                       "numeric", "rel. error", "verdict"};
    for (int k = 0; k < 6; k++)
        frame_put(f, 3, col[k], w, head[k], FRAME_TITLE);
    int top = 4, rows = h - top - 2;
    int first = t->scroll;
    if (first > t->n_rows - rows)
        first = t->n_rows - rows;
    if (first < 0)
        first = 0;
    engine_conv conv = engine_convention(c->engine);
    for (int r = 0; r < rows && first + r < t->n_rows; r++) {
        const engine_check *x = &t->rows[first + r];
        int y = top + r, attr;
        snprintf(line, sizeof line, "%d", x->layer);
        frame_put(f, y, col[0] + 2, w, line, FRAME_NORMAL);
        param_name(x, conv, line, sizeof line);
        frame_put(f, y, col[1], w, line, FRAME_NORMAL);
        text_number(x->analytic, 8, num, sizeof num);
        frame_put(f, y, col[2], w, num, x->analytic < 0 ? FRAME_NEGATIVE : FRAME_POSITIVE);
        text_number(x->numeric, 8, num, sizeof num);
        frame_put(f, y, col[3], w, num, x->numeric < 0 ? FRAME_NEGATIVE : FRAME_POSITIVE);
        const char *v = verdict(x->rel_error, &attr);
        if (engine_check_negligible(x)) {
            v = "both ≈ 0";
            attr = FRAME_DIM;
        }
        snprintf(line, sizeof line, "%.1e", x->rel_error);
        frame_put(f, y, col[4], w, line, attr);
        int end = frame_put(f, y, col[5], w, v, attr);
        if (x->kink)
            frame_put(f, y, end + 1, w, "kink", FRAME_WARNING);
    }
    if (first > 0)
        frame_put(f, top, w - 3, w, "↑", FRAME_DIM);
    if (first + rows < t->n_rows)
        frame_put(f, top + rows - 1, w - 3, w, "↓", FRAME_DIM);
    snprintf(line, sizeof line,
             "good ≤ 1e-7 · acceptable ≤ 1e-4 · suspicious ≤ 1e-2 · wrong above%s%s",
             tiny ? " · both ≈ 0: under 1e-9" : "",
             kinks ? " · kink: a relu unit within h of 0, the difference is unreliable" : "");
    frame_put(f, h - 2, 1, w, line, FRAME_DIM);
    snprintf(line, sizeof line, "rows %d-%d of %d", t->n_rows ? first + 1 : 0,
             first + rows < t->n_rows ? first + rows : t->n_rows, t->n_rows);
    draw_keybar_after(f, h - 1, line, KEYS_MAP_CHECK, 0);
}

const mode_ops mode_check = {
    .map = KEYS_MAP_CHECK,
    .passes = 0,
    .create = check_create,
    .destroy = check_destroy,
    .open = check_open,
    .key = check_key,
    .covers = check_covers,
    .layout = check_layout,
};
