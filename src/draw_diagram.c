/* draw_diagram.c - the network as columns of nodes, one per layer, joined
 * by buses, holding what the pass has computed up to the current step:
 * activations going forward; coming back, each layer's latest gradient,
 * named as the step that made it names it (∂E/∂y_k, ∂E/∂h_j, δ_j, ∂E/∂x_i)
 * and "·" where nothing has arrived yet.  The layer the step works on is
 * drawn in its pass's colour.
 *
 * Its layout (node width, gaps, labels, how many nodes of a layer show)
 * depends only on the network, the pass's values, the size and the rows it
 * is given, which the stepping screen keeps for the whole pass: stepping
 * never moves a node. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"

enum { LABEL_BYTES = 32 };

/* What a layer's nodes show at the current step. */
typedef struct {
    const double *v;  /* NULL: nothing computed yet */
    const char *name; /* the values' name, for the legend: "δ_k"; NULL for activations */
    int current;      /* made by the current step */
} layer_show;

/* The values of layer l at step `index` of the pass.  Forward: the
 * activations computed so far.  Backward and update: the result of the
 * latest step that made a gradient of that layer (∂E/∂y at the output,
 * ∂E/∂a sent down to it, δ through its activation). */
static layer_show layer_values(const engine *e, int index, int l)
{
    const engine_step *s = engine_step_at(e, index);
    layer_show out = {NULL, NULL, 0};
    if (s->phase == PHASE_FORWARD) {
        int known = s->kind == STEP_LOSS || l < s->layer ||
                    (l == s->layer && s->kind == STEP_ACTIVATION) || l == 0;
        if (known)
            out.v = engine_values(e, VALUES_ACTIVATION, l);
        out.current = l == s->layer && s->kind == STEP_ACTIVATION;
        return out;
    }
    for (int i = index; i >= 0; i--) {
        const engine_step *o = engine_step_at(e, i);
        if (!o || o->phase == PHASE_FORWARD)
            break;
        int makes = (o->kind == STEP_DELTA && o->layer == l) ||
                    (o->kind == STEP_DERIVATIVE && o->layer == l) ||
                    (o->kind == STEP_SEND && o->layer == l + 1);
        if (makes && o->result.rows * o->result.cols == engine_network(e)->width[l]) {
            out.v = o->result.v;
            out.name = o->result.name;
            out.current = i == index;
            return out;
        }
    }
    return out;
}

static void layer_label(int l, int layers, int width, int brief, char *buf, size_t size)
{
    if (l == 0)
        snprintf(buf, size, brief ? "in %d" : "input %d", width);
    else if (l == layers)
        snprintf(buf, size, brief ? "out %d" : "output %d", width);
    else if (layers > 2)
        snprintf(buf, size, brief ? "h%d %d" : "hidden%d %d", l, width);
    else
        snprintf(buf, size, brief ? "h %d" : "hidden %d", width);
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

int draw_diagram_rows(const engine *e, int spaced)
{
    const engine_net *net = engine_network(e);
    int widest = 1;
    for (int i = 0; i <= net->layers; i++)
        widest = net->width[i] > widest ? net->width[i] : widest;
    return spaced ? 1 + 2 * widest - 1 : 1 + widest;
}

/* The columns of the diagram: node width, label style, gap, left edge. */
typedef struct {
    int decimals, numw, nodew, colw, gap, left;
    int brief; /* short labels: "h1 3" */
    int bare;  /* numbers without their parentheses */
} columns;

/* Columns a node's number takes at `decimals` over every value the pass
 * can show (so the nodes keep their width from step to step). */
static int number_width(const engine *e, int decimals)
{
    const engine_net *net = engine_network(e);
    int numw = 2 + decimals + (decimals > 0); /* sign, digit, point, decimals */
    static const engine_values_kind kinds[] = {VALUES_ACTIVATION, VALUES_INCOMING, VALUES_DELTA};
    for (int l = 0; l <= net->layers; l++) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            const double *v = engine_values(e, kinds[k], l);
            if (!v)
                continue;
            for (int i = 0; i < net->width[l]; i++) {
                int nw = frame_number_width(v[i], decimals);
                numw = nw > numw ? nw : numw;
            }
        }
    }
    return numw;
}

/* Lays the columns out across `w`: the screen's decimals and full labels
 * when they fit, else shorter labels, then 2 decimals, then 1. */
static columns plan_columns(const frame *f, const mode_ctx *c, int w)
{
    const engine *e = c->engine;
    const engine_net *net = engine_network(e);
    int layers = net->layers;
    columns k = {0};
    static const struct {
        int decimals, brief, bare;
    } tries[] = {{-1, 0, 0}, {-1, 1, 0}, {-1, 1, 1}, {2, 1, 0}, {2, 1, 1}, {1, 1, 1}, {0, 1, 1}};
    for (size_t t = 0; t < sizeof tries / sizeof tries[0]; t++) {
        k.decimals = tries[t].decimals < 0 || c->decimals < tries[t].decimals ? c->decimals
                                                                              : tries[t].decimals;
        k.brief = tries[t].brief;
        k.bare = tries[t].bare;
        k.numw = number_width(e, k.decimals);
        k.nodew = k.numw + (k.bare ? 0 : 2);
        int labw = 0;
        for (int l = 0; l <= layers; l++) {
            char lab[LABEL_BYTES];
            layer_label(l, layers, net->width[l], k.brief, lab, sizeof lab);
            int lw = frame_width(f, lab);
            labw = lw > labw ? lw : labw;
        }
        k.colw = k.nodew > labw ? k.nodew : labw;
        k.gap = layers > 0 ? (w - 4 - (layers + 1) * k.colw) / layers : 0;
        if (k.gap > 18)
            k.gap = 18;
        if (k.gap >= 3 || t + 1 == sizeof tries / sizeof tries[0])
            break;
    }
    if (k.gap < 3)
        k.gap = 3;
    int total = (layers + 1) * k.colw + layers * k.gap;
    k.left = (w - total) / 2;
    if (k.left < 1)
        k.left = 1;
    return k;
}

void draw_diagram_legend(const mode_ctx *c, char *buf, size_t size)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    if (s->phase == PHASE_FORWARD) {
        snprintf(buf, size, "values: activations");
        return;
    }
    /* The names of what the nodes hold, from the output down. */
    snprintf(buf, size, "values:");
    const char *seen[ENGINE_MAX_LAYERS + 1];
    int n = 0;
    for (int l = net->layers; l >= 0; l--) {
        layer_show v = layer_values(e, engine_step_index(e), l);
        if (!v.v || !v.name || (c->hide_result && v.current))
            continue;
        int dup = 0;
        for (int i = 0; i < n; i++)
            dup |= strcmp(seen[i], v.name) == 0;
        if (dup)
            continue;
        seen[n++] = v.name;
        char name[ENGINE_NAME_SIZE * 2];
        text_sanitize(v.name, name, sizeof name);
        text_append(buf, size, "%s %s", n > 1 ? "," : "", name);
    }
    if (n == 0)
        text_append(buf, size, " none yet");
}

void draw_diagram(frame *f, const mode_ctx *c, int top, int rows)
{
    const engine *e = c->engine;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    int w = f->cols, index = engine_step_index(e);
    int layers = net->layers;
    int nodes = rows - 1; /* one row of labels */
    if (nodes < 1)
        return;
    columns k = plan_columns(f, c, w);
    int flow = s->phase == PHASE_FORWARD ? FRAME_FORWARD : FRAME_BACKWARD;
    int lrow[ENGINE_MAX_WIDTH + 1], rrow[ENGINE_MAX_WIDTH + 1], ln = 0;
    for (int l = 0; l <= layers; l++) {
        int x = k.left + l * (k.colw + k.gap);
        if (x + k.colw > w) {
            frame_put(f, top + rows / 2, w - 2, w, "…", FRAME_DIM);
            break;
        }
        layer_show v = layer_values(e, index, l);
        if (c->hide_result && v.current)
            v.v = NULL;
        /* A quiz question keeps the vector holding its answer hidden. */
        if (c->hide_values && v.v && v.v == engine_values(e, c->hide_kind, c->hide_layer))
            v.v = NULL;
        int current = v.current || (s->phase == PHASE_FORWARD && l == s->layer);
        char lab[LABEL_BYTES];
        layer_label(l, layers, net->width[l], k.brief, lab, sizeof lab);
        int lw = frame_width(f, lab);
        frame_put(f, top, x + (k.colw - lw) / 2, w, lab, current ? flow : FRAME_DIM);

        int n = net->width[l];
        int shown_n = n <= nodes ? n : nodes - 1;
        /* With room to spare the nodes stand a row apart. */
        int gapr = (shown_n + (n > shown_n)) * 2 - 1 <= nodes ? 2 : 1;
        int span = (shown_n + (n > shown_n) - 1) * gapr + 1;
        int off = 1 + (nodes - span) / 2;
        int rn = 0;
        int nx = x + (k.colw - k.nodew) / 2;
        for (int i = 0; i < shown_n; i++) {
            char node[FRAME_NUM_BYTES + 8];
            const char *open = k.bare ? "" : "(", *close = k.bare ? "" : ")";
            if (v.v) {
                char num[FRAME_NUM_BYTES];
                frame_number(v.v[i], k.decimals, num, sizeof num);
                snprintf(node, sizeof node, "%s%*s%s%s", open, k.numw - text_width(num), "", num,
                         close);
            } else {
                /* Not computed yet: "." in ASCII, where "*" is a product. */
                snprintf(node, sizeof node, "%s%*s%s%*s%s", open, k.numw / 2, "",
                         f->ascii ? "." : "·", k.numw - k.numw / 2 - 1, "", close);
            }
            int attr = !v.v ? FRAME_DIM : current ? flow : FRAME_NORMAL;
            if (v.v && !isfinite(v.v[i]))
                attr = FRAME_WARNING;
            frame_put_raw(f, top + off + i * gapr, nx, w, node, attr);
            rrow[rn++] = off + i * gapr;
        }
        if (n > shown_n) {
            char more[32];
            snprintf(more, sizeof more, "⋮ +%d", n - shown_n);
            frame_put(f, top + off + shown_n * gapr, nx + 1, w, more, FRAME_DIM);
            rrow[rn++] = off + shown_n * gapr;
        }
        if (l > 0) {
            int edge = l == s->layer ? flow : FRAME_BORDER; /* W of the step's layer */
            int px = k.left + (l - 1) * (k.colw + k.gap) + (k.colw - k.nodew) / 2 + k.nodew;
            draw_bus(f, top, px, nx, lrow, ln, rrow, rn, edge, s->phase != PHASE_FORWARD);
        }
        memcpy(lrow, rrow, sizeof(int) * (size_t)rn);
        ln = rn;
    }
}
