/* draw_diagram.c - the network as columns of nodes, one per layer, holding
 * the current step's values (activations going forward, δ coming back),
 * joined by buses; the layer the step works on is drawn in its pass's
 * colour. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

/* Whether layer l of the diagram has a value to show at step s, and which;
 * *dim is set when the values are shown only for orientation. */
static const double *diagram_values(const engine *e, const engine_step *s, int l, int *dim)
{
    *dim = 0;
    if (s->phase == PHASE_FORWARD || s->kind == STEP_LOSS) {
        int known = s->kind == STEP_LOSS || l < s->layer ||
                    (l == s->layer && s->kind == STEP_ACTIVATION);
        if (!known)
            return NULL;
        return engine_values(e, VALUES_ACTIVATION, l);
    }
    if (l == 0) {
        *dim = 1;
        return engine_values(e, VALUES_ACTIVATION, 0);
    }
    if (s->phase == PHASE_BACKWARD) {
        if (l < s->layer)
            return NULL;
        if (l == s->layer && s->kind == STEP_DELTA)
            return engine_values(e, VALUES_INCOMING, l);
    }
    return engine_values(e, VALUES_DELTA, l);
}

static void layer_label(int l, int layers, char *buf, size_t size, int width)
{
    if (l == 0)
        snprintf(buf, size, "input %d", width);
    else if (l == layers)
        snprintf(buf, size, "output %d", width);
    else if (layers > 2)
        snprintf(buf, size, "hidden%d %d", l, width);
    else
        snprintf(buf, size, "hidden %d", width);
}

/* The bus between two layers: every node on the left joins every node on
 * the right through one vertical line. */
static void draw_bus(frame *f, int top, int x0, int x1, const int *lrow, int ln, const int *rrow,
                     int rn, int attr, int backward)
{
    int bx = (x0 + x1) / 2;
    int lo = 1 << 30, hi = -1;
    char left_at[FRAME_MAX_HEIGHT] = {0}, right_at[FRAME_MAX_HEIGHT] = {0};
    for (int i = 0; i < ln; i++) {
        left_at[lrow[i]] = 1;
        lo = lrow[i] < lo ? lrow[i] : lo;
        hi = lrow[i] > hi ? lrow[i] : hi;
        for (int c = x0; c < bx; c++)
            frame_box(f, top + lrow[i], c, "─", '-', attr);
        if (backward)
            frame_box(f, top + lrow[i], x0, "◀", '<', attr);
    }
    for (int i = 0; i < rn; i++) {
        right_at[rrow[i]] = 1;
        lo = rrow[i] < lo ? rrow[i] : lo;
        hi = rrow[i] > hi ? rrow[i] : hi;
        for (int c = bx + 1; c < x1; c++)
            frame_box(f, top + rrow[i], c, "─", '-', attr);
        if (!backward)
            frame_box(f, top + rrow[i], x1 - 1, "▶", '>', attr);
    }
    static const char *const box[16] = {
        " ", "─", "─", "─", "│", "┌", "┐", "┬", "│", "└", "┘", "┴", "│", "├", "┤", "┼",
    };
    for (int r = lo; r <= hi; r++) {
        int idx = (r > lo) << 3 | (r < hi) << 2 | left_at[r] << 1 | right_at[r];
        char a = (idx & 12) && (idx & 3) ? '+' : (idx & 12) ? '|' : '-';
        if (idx == 0)
            a = ' ';
        frame_box(f, top + r, bx, box[idx], a, attr);
    }
}

int draw_diagram_rows(const engine *e, int height)
{
    const engine_net *net = engine_network(e);
    int widest = 1;
    for (int i = 0; i <= net->layers; i++)
        widest = net->width[i] > widest ? net->width[i] : widest;
    /* Nodes a row apart on big screens. */
    return height >= 40 ? 1 + 2 * widest - 1 : 1 + widest;
}

void draw_diagram(frame *f, const mode_ctx *c, int top, int rows)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    int w = f->cols;
    int layers = net->layers;
    int nodes = rows - 1; /* one row of labels */
    if (nodes < 1)
        return;
    int numw = 2 + c->decimals + 1; /* sign, digit, point, decimals */
    /* Widest value in the pass sets the node width (e.g. %e forms). */
    for (int l = 0; l <= layers; l++) {
        for (int k = 0; k < 3; k++) {
            const double *v = engine_values(e, (engine_values_kind)k, l);
            if (!v)
                continue;
            for (int i = 0; i < net->width[l]; i++) {
                char num[FRAME_NUM_BYTES];
                frame_number(v[i], c->decimals, num, sizeof num);
                int nw = text_width(num);
                numw = nw > numw ? nw : numw;
            }
        }
    }
    int nodew = numw + 2;
    int labw = 0;
    for (int l = 0; l <= layers; l++) {
        char lab[32];
        layer_label(l, layers, lab, sizeof lab, net->width[l]);
        int lw = text_width(lab);
        labw = lw > labw ? lw : labw;
    }
    int colw = nodew > labw ? nodew : labw;
    int gap = layers > 0 ? (w - 4 - (layers + 1) * colw) / layers : 0;
    if (gap > 18)
        gap = 18;
    if (gap < 3)
        gap = 3;
    int total = (layers + 1) * colw + layers * gap;
    int left = (w - total) / 2;
    if (left < 1)
        left = 1;

    int lrow[ENGINE_MAX_WIDTH], rrow[ENGINE_MAX_WIDTH], ln = 0, rn = 0;
    for (int l = 0; l <= layers; l++) {
        int x = left + l * (colw + gap);
        if (x + colw > w) {
            frame_put(f, top + rows / 2, w - 2, w, "…", FRAME_DIM);
            break;
        }
        int current = s->layer > 0 && (l == s->layer || (s->phase != PHASE_FORWARD &&
                                                          s->kind == STEP_SEND && l == s->layer - 1));
        int flow = s->phase == PHASE_FORWARD ? FRAME_FORWARD : FRAME_BACKWARD;
        char lab[32];
        layer_label(l, layers, lab, sizeof lab, net->width[l]);
        int lw = text_width(lab);
        frame_put(f, top, x + (colw - lw) / 2, w, lab, current ? flow : FRAME_DIM);

        int n = net->width[l];
        int shown_n = n <= nodes ? n : nodes - 1;
        /* With room to spare the nodes stand a row apart. */
        int gapr = (shown_n + (n > shown_n)) * 2 - 1 <= nodes ? 2 : 1;
        int span = (shown_n + (n > shown_n) - 1) * gapr + 1;
        int off = 1 + (nodes - span) / 2;
        int dim;
        const double *v = diagram_values(e, s, l, &dim);
        /* A quiz question keeps the vector holding its answer hidden. */
        if (c->hide_values && v && v == engine_values(e, c->hide_kind, c->hide_layer))
            v = NULL;
        rn = 0;
        int nx = x + (colw - nodew) / 2;
        for (int i = 0; i < shown_n; i++) {
            char num[FRAME_NUM_BYTES], node[FRAME_NUM_BYTES + 8];
            if (v) {
                frame_number(v[i], c->decimals, num, sizeof num);
                snprintf(node, sizeof node, "(%*s%s)", numw - text_width(num), "", num);
            } else {
                snprintf(node, sizeof node, "(%*s·%*s)", numw / 2, "", numw - numw / 2 - 1, "");
            }
            int attr = !v || dim ? FRAME_DIM : current ? flow : FRAME_NORMAL;
            if (v && !isfinite(v[i]))
                attr = FRAME_WARNING;
            frame_put(f, top + off + i * gapr, nx, w, node, attr);
            rrow[rn++] = off + i * gapr;
        }
        if (n > shown_n) {
            char more[32];
            snprintf(more, sizeof more, "⋮ +%d", n - shown_n);
            frame_put(f, top + off + shown_n * gapr, nx + 1, w, more, FRAME_DIM);
            rrow[rn++] = off + shown_n * gapr;
        }
        if (l > 0) {
            int edge = l == s->layer ? flow : FRAME_BORDER;
            int px = left + (l - 1) * (colw + gap) + (colw - nodew) / 2 + nodew;
            draw_bus(f, top, px, nx, lrow, ln, rrow, rn, edge, s->phase != PHASE_FORWARD);
        }
        memcpy(lrow, rrow, sizeof(int) * (size_t)rn);
        ln = rn;
    }
}
