/* shape_advice.c - how a gradient is built, in the screen's names and the
 * convention in force: what it has one entry per, the outer product of a
 * weight's gradient, and the advice shown when the shapes do not fit. */
#include "shape_impl.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------- gradients */

/* "δ_j = (W_jk · δ_k) ⊙ g′(z_j)": how δ of layer n is made. */
static void delta_rule(const parser *p, int n, char *buf, size_t size)
{
    int L = p->layers;
    char c = letter(n), up = letter(n + 1);
    if (n < L) {
        snprintf(buf, size, "δ_%c = (W_%c%c%s · δ_%c) ⊙ g′(z_%c)", c, c, up,
                 p->conv == CONV_ROWS ? "ᵀ" : "", up, c);
        return;
    }
    engine_act act = p->net->act[L - 1];
    if (p->net->loss == LOSS_MSE && act == ACT_LINEAR)
        snprintf(buf, size, "δ_%c = err = y_%c − t_%c, since the output is linear", c, c, c);
    else if (p->net->loss == LOSS_MSE)
        snprintf(buf, size, "δ_%c = err ⊙ g′(z_%c), with err = y_%c − t_%c", c, c, c, c);
    else if (act == ACT_SOFTMAX)
        snprintf(buf, size, "δ_%c = y_%c − t_%c for softmax with cross-entropy", c, c, c);
    else
        snprintf(buf, size, "δ_%c = ∂E/∂y_%c ⊙ g′(z_%c)", c, c, c);
}

/* What the gradient named by leaf lhs has one entry per, and of what. */
void shape_gradient_of(const parser *p, const node *lhs, char *of, size_t osize, char *unit,
                       size_t usize)
{
    switch (lhs->of) {
    case B_W:
    case B_G:
        snprintf(of, osize, "W_%c%c", letter(lhs->wa), letter(lhs->wb));
        snprintf(unit, usize, "weight");
        return;
    case B_B:
        snprintf(of, osize, "b_%c", letter(lhs->vlayer));
        snprintf(unit, usize, "bias");
        return;
    case B_X:
        shape_act_name(p, 0, of, osize);
        snprintf(unit, usize, "input");
        return;
    case B_H: case B_Y:
        shape_act_name(p, lhs->vlayer, of, osize);
        snprintf(unit, usize, "unit");
        return;
    case B_Z:
        snprintf(of, osize, "z_%c", letter(lhs->vlayer));
        snprintf(unit, usize, "unit");
        return;
    case B_NONE: case B_T: case B_ERR: case B_DELTA: case B_SCALAR:
        break;
    }
    snprintf(of, osize, "?");
    snprintf(unit, usize, "entry");
}

/* "x_i · δ_jᵀ" or "δ_j · x_iᵀ" for weight layer b of the parser's net. */
static void outer_text(const parser *p, int b, char *buf, size_t size)
{
    char below[32];
    shape_act_name(p, b - 1, below, sizeof below);
    if (p->conv == CONV_ROWS)
        snprintf(buf, size, "δ_%c · %sᵀ", letter(b), below);
    else
        snprintf(buf, size, "%s · δ_%cᵀ", below, letter(b));
}

void shape_outer_product(const engine_net *net, engine_conv conv, int layer, char *buf,
                         size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    if (!net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS || layer < 1 ||
        layer > net->layers)
        return;
    parser p;
    memset(&p, 0, sizeof p);
    p.net = net;
    p.width = net->width;
    p.layers = net->layers;
    p.conv = conv == CONV_ROWS ? CONV_ROWS : CONV_COLUMNS;
    outer_text(&p, layer, buf, size);
}

/* How the gradient named by lhs is built in the convention in force: the
 * outer product for a weight, δ for a bias, what is sent down for a layer. */
void shape_gradient_advice(const parser *p, const node *lhs, const char *target, char *buf,
                           size_t size)
{
    char rule[128], below[32];
    int rows = p->conv == CONV_ROWS;
    buf[0] = '\0';
    switch (lhs->of) {
    case B_W:
    case B_G: {
        int a = lhs->wa, b = lhs->wb;
        char la = letter(a), lb = letter(b), shp[32];
        shape_act_name(p, a, below, sizeof below);
        delta_rule(p, b, rule, sizeof rule);
        shape_format(lhs->rows, lhs->cols, 0, 0, shp, sizeof shp);
        text_append(buf, size, "%s has one entry per weight: the weight joining unit a of layer "
                    "%c to unit b of layer %c gets %s[a] · δ_%c[b], what that weight carried "
                    "times the δ of the unit it feeds. So it has the shape of W_%c%c, %s: ",
                    target, la, lb, below, lb, la, lb, shp);
        char per_a[48];
        if (a == 0)
            snprintf(per_a, sizeof per_a, "one per input");
        else
            snprintf(per_a, sizeof per_a, "one per unit of layer %c", la);
        if (rows)
            text_append(buf, size, "%d rows from δ_%c, one per unit of layer %c, and %d columns "
                        "from %s, %s. ", p->width[b], lb, lb, p->width[a], below, per_a);
        else
            text_append(buf, size, "%d rows from %s, %s, and %d columns from δ_%c, one per unit "
                        "of layer %c. ", p->width[a], below, per_a, p->width[b], lb, lb);
        char outer[64];
        outer_text(p, b, outer, sizeof outer);
        text_append(buf, size, "All of them at once are the outer product %s = %s, "
                    "(%d×1)·(1×%d) → %s, with %s.", target, outer, lhs->rows, lhs->cols, shp, rule);
        text_append(buf, size, " A matrix or element-wise product with %s pairs its entries off "
                    "with another vector's and leaves a vector, one number per unit; only the "
                    "outer product keeps a number for every pair.", below);
        break;
    }
    case B_B:
        delta_rule(p, lhs->vlayer, rule, sizeof rule);
        text_append(buf, size, "%s has one entry per bias of layer %c, %d: a bias adds to one "
                    "unit's sum, so its gradient is that unit's δ, and %s = δ_%c, with %s.",
                    target, letter(lhs->vlayer), p->width[lhs->vlayer], target,
                    letter(lhs->vlayer), rule);
        break;
    case B_X:
    case B_H:
        if (lhs->vlayer < p->layers) {
            int n = lhs->vlayer;
            shape_act_name(p, n, below, sizeof below);
            text_append(buf, size, "%s has one entry per unit of layer %c, %d: it is what the "
                        "layer above sends down, %s = W_%c%c%s · δ_%c.", target, letter(n),
                        p->width[n], target, letter(n), letter(n + 1), rows ? "ᵀ" : "",
                        letter(n + 1));
        }
        break;
    case B_Z:
        delta_rule(p, lhs->vlayer, rule, sizeof rule);
        text_append(buf, size, "%s is δ_%c, one entry per unit of layer %c: %s.", target,
                    letter(lhs->vlayer), letter(lhs->vlayer), rule);
        break;
    case B_NONE: case B_Y: case B_T: case B_ERR: case B_DELTA: case B_SCALAR:
        break;
    }
    shape_trim_utf8(buf);
}
