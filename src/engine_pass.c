/* engine_pass.c - the stepping engine: the pass of one sample built as a
 * list of steps, moving through passes, and the history that lets the
 * cursor go back across them bit for bit.
 *
 * A pass is built all at once from the state at its start into storage
 * sized at engine_new; moving past its end pushes that state onto a
 * bounded ring so engine_prev can come back. */
#include "engine_impl.h"
#include "ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Doubles the batch accumulators need (0 in online mode). */
static size_t acc_size(const engine_net *n)
{
    if (n->mode != MODE_BATCH)
        return 0;
    size_t s = 0;
    for (int l = 0; l < n->layers; l++)
        s += (size_t)n->width[l] * n->width[l + 1] +
             (n->has_bias && n->train_bias ? (size_t)n->width[l + 1] : 0);
    return s;
}

/* Lays the pass arena out (counting only when base is NULL); returns its size. */
static size_t arena_layout(engine *e, double *base)
{
    const engine_net *n = &e->net;
    size_t off = 0;
#define TAKE(ptr, count)                                  \
    do {                                                  \
        if (base)                                         \
            (ptr) = base + off;                           \
        off += (size_t)(count);                           \
    } while (0)
    for (int l = 0; l <= n->layers; l++) {
        TAKE(e->a[l], n->width[l]);
        TAKE(e->in[l], n->width[l]);
    }
    for (int l = 1; l <= n->layers; l++) {
        pass_layer *p = &e->pl[l];
        size_t m = (size_t)n->width[l - 1] * n->width[l], w = (size_t)n->width[l];
        TAKE(p->w, m);
        TAKE(p->b, w);
        TAKE(p->z, w);
        TAKE(p->gp, w);
        TAKE(p->delta, w);
        TAKE(p->copy, m);
        TAKE(p->grad, m);
        TAKE(p->sum, m);
        TAKE(p->mean, m);
        TAKE(p->bsum, w);
        TAKE(p->bmean, w);
        TAKE(p->wnew, m);
        TAKE(p->bnew, w);
        TAKE(p->wnext, m);
        TAKE(p->dot, 1);
        if (base) {
            e->z[l] = p->z;
            e->gp[l] = p->gp;
            e->delta[l] = p->delta;
        }
    }
    TAKE(e->t, n->width[n->layers]);
    TAKE(e->scalar, 3);
#undef TAKE
    return off;
}

static int max_steps_of(const engine_net *n)
{
    return 2 * n->layers + 1 + 6 * n->layers + 4 * n->layers;
}

static void engine_release(engine *e)
{
    engine_net_free(&e->net);
    engine_net_free(&e->start);
    free(e->acc_block);
    free(e->arena);
    free(e->steps);
    free(e->scratch);
    free(e->hist);
    free(e->hist_epoch);
    free(e->hist_sample);
}

/* ------------------------------------------------------------ pass build */


/* The activation vector's name at layer l: x_i, h_j or h¹_j…, y_k. */
static void name_act(const engine_net *n, int l, char *buf, size_t size)
{
    static const char *const sup[] = {"", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸"};
    if (l == 0)
        engine_fmt(buf, size, "x_%c", engine_layer_letter(0));
    else if (l == n->layers)
        engine_fmt(buf, size, "y_%c", engine_layer_letter(l));
    else if (n->layers == 2)
        engine_fmt(buf, size, "h_%c", engine_layer_letter(l));
    else
        engine_fmt(buf, size, "h%s_%c", sup[l], engine_layer_letter(l));
}

/* "the hidden layer", "hidden layer 2", "the output layer", "the input". */
static const char *layer_words(const engine_net *n, int l, char *buf, size_t size)
{
    if (l == 0)
        engine_fmt(buf, size, "the input");
    else if (l == n->layers)
        engine_fmt(buf, size, "the output layer");
    else if (n->layers == 2)
        engine_fmt(buf, size, "the hidden layer");
    else
        engine_fmt(buf, size, "hidden layer %d", l);
    return buf;
}

/* Index in the view layout of canonical element (i, j) of an nin × nout matrix. */
static inline size_t view_index(engine_conv c, int nin, int nout, int i, int j)
{
    return c == CONV_COLUMNS ? (size_t)i * nout + j : (size_t)j * nin + i;
}

static void tensor_set(engine_tensor *t, const char *name, int rank, int rows, int cols,
                       const double *v)
{
    engine_fmt(t->name, sizeof t->name, "%s", name);
    t->rank = rank;
    t->rows = rows;
    t->cols = cols;
    t->v = v;
}

/* A weight-shaped tensor in the view convention. */
static void tensor_matrix(engine_tensor *t, engine_conv c, const char *name, int nin, int nout,
                          const double *v)
{
    if (c == CONV_COLUMNS)
        tensor_set(t, name, 2, nin, nout, v);
    else
        tensor_set(t, name, 2, nout, nin, v);
}

static void tensor_vector(engine_tensor *t, const char *name, int n, const double *v)
{
    tensor_set(t, name, 1, n, 1, v);
}

static void tensor_scalar(engine_tensor *t, const char *name, const double *v)
{
    tensor_set(t, name, 0, 1, 1, v);
}

static engine_step *step_new(engine *e, engine_step_kind kind, engine_phase phase, int layer)
{
    engine_step *s = &e->steps[e->n_steps++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->phase = phase;
    s->layer = layer;
    s->epoch = e->epoch;
    s->sample = e->sample;
    s->convention = e->view;
    s->act = layer >= 1 ? e->net.act[layer - 1] : ACT_LINEAR;
    s->loss = e->net.loss;
    return s;
}

/* Computes the numbers of the current pass from the state at its start. */
static void pass_compute(engine *e)
{
    const engine_net *n = &e->net;
    int L = n->layers, s = e->sample - 1, S = n->samples;
    engine_conv c = e->view;
    double eta = n->learning_rate;

    memcpy(e->a[0], n->inputs + (size_t)s * n->width[0], n->width[0] * sizeof(double));
    memcpy(e->t, n->targets + (size_t)s * n->width[L], n->width[L] * sizeof(double));
    engine_net_forward(n, e->a, e->z);
    e->pass_loss = engine_net_loss(n, e->z[L], e->a[L], e->t);
    engine_net_backward(n, e->a, e->z, e->t, e->in, e->gp, e->delta, 1);
    e->scalar[0] = e->pass_loss;
    e->scalar[1] = eta;
    e->scalar[2] = S;
    for (int l = 1; l <= L; l++)
        if (!ops_act(n->act[l - 1])->slope && !(l == L && ops_loss_fused(n->loss, n->act[l - 1])))
            e->pl[l].dot[0] = engine_softmax_dot(e->a[l], e->in[l], n->width[l]);

    for (int l = 1; l <= L; l++) {
        pass_layer *p = &e->pl[l];
        int nin = n->width[l - 1], nout = n->width[l];
        const double *w = n->weights[l - 1], *a = e->a[l - 1], *d = e->delta[l];
        const double *acc = e->acc[l - 1];
        for (int i = 0; i < nin; i++)
            for (int j = 0; j < nout; j++) {
                size_t v = view_index(c, nin, nout, i, j), k = (size_t)i * nout + j;
                double g = grad_elem(a[i], d[j]);
                p->w[v] = w[k];
                p->copy[v] = d[j];
                p->grad[v] = g;
                if (n->mode == MODE_BATCH) {
                    p->sum[v] = acc[k] + g;
                    p->mean[v] = p->sum[v] / S;
                    p->wnew[v] = sgd(w[k], eta, p->mean[v]);
                } else {
                    p->wnew[v] = sgd(w[k], eta, g);
                }
                p->wnext[k] = p->wnew[v];
            }
        for (int j = 0; j < nout; j++) {
            p->b[j] = n->has_bias ? n->biases[l - 1][j] : 0.0;
            if (n->mode == MODE_BATCH && n->has_bias && n->train_bias) {
                p->bsum[j] = e->bacc[l - 1][j] + d[j];
                p->bmean[j] = p->bsum[j] / S;
                p->bnew[j] = sgd(p->b[j], eta, p->bmean[j]);
            } else {
                p->bnew[j] = sgd(p->b[j], eta, d[j]);
            }
        }
    }
}

/* Names of the tensors of weight layer l. */
typedef struct {
    char below[ENGINE_NAME_SIZE], above[ENGINE_NAME_SIZE]; /* h_j, y_k */
    char in_below[ENGINE_NAME_SIZE], in_above[ENGINE_NAME_SIZE]; /* ∂E/∂h_j, ∂E/∂y_k */
    char z[ENGINE_NAME_SIZE], delta[ENGINE_NAME_SIZE], gp[ENGINE_NAME_SIZE];
    char w[ENGINE_NAME_SIZE], copy[ENGINE_NAME_SIZE], grad[ENGINE_NAME_SIZE];
    char b[ENGINE_NAME_SIZE], bgrad[ENGINE_NAME_SIZE];
    char sum[ENGINE_NAME_SIZE], mean[ENGINE_NAME_SIZE];
    char bsum[ENGINE_NAME_SIZE], bmean[ENGINE_NAME_SIZE];
    char wnew[ENGINE_NAME_SIZE], bnew[ENGINE_NAME_SIZE];
    char t[ENGINE_NAME_SIZE], dot[ENGINE_NAME_SIZE]; /* t_k, y_kᵀ·∂E/∂y_k */
    char words[40];          /* "the hidden layer" */
    char send[2 * ENGINE_NAME_SIZE]; /* "W_jkᵀ·δ_k" */
    char lo[2], hi[2];       /* index letters */
    char samples[12];
} layer_names;

static void names_of(const engine *e, int l, layer_names *nm)
{
    const engine_net *n = &e->net;
    nm->lo[0] = engine_layer_letter(l - 1);
    nm->hi[0] = engine_layer_letter(l);
    nm->lo[1] = nm->hi[1] = '\0';
    name_act(n, l - 1, nm->below, sizeof nm->below);
    name_act(n, l, nm->above, sizeof nm->above);
    engine_fmt(nm->in_below, sizeof nm->in_below, "∂E/∂%s", nm->below);
    engine_fmt(nm->in_above, sizeof nm->in_above, "∂E/∂%s", nm->above);
    engine_fmt(nm->z, sizeof nm->z, "z_%s", nm->hi);
    engine_fmt(nm->delta, sizeof nm->delta, "δ_%s", nm->hi);
    engine_fmt(nm->gp, sizeof nm->gp, "g′(z_%s)", nm->hi);
    engine_fmt(nm->w, sizeof nm->w, "W_%s%s", nm->lo, nm->hi);
    engine_fmt(nm->copy, sizeof nm->copy, "Δ_%s%s", nm->lo, nm->hi);
    engine_fmt(nm->grad, sizeof nm->grad, "G_%s%s", nm->lo, nm->hi);
    engine_fmt(nm->b, sizeof nm->b, "b_%s", nm->hi);
    engine_fmt(nm->bgrad, sizeof nm->bgrad, "∂E/∂b_%s", nm->hi);
    engine_fmt(nm->sum, sizeof nm->sum, "ΣG_%s%s", nm->lo, nm->hi);
    engine_fmt(nm->mean, sizeof nm->mean, "Ḡ_%s%s", nm->lo, nm->hi);
    engine_fmt(nm->bsum, sizeof nm->bsum, "Σ∂E/∂b_%s", nm->hi);
    engine_fmt(nm->bmean, sizeof nm->bmean, "∂Ē/∂b_%s", nm->hi);
    engine_fmt(nm->wnew, sizeof nm->wnew, "W_%s%s⁺", nm->lo, nm->hi);
    engine_fmt(nm->bnew, sizeof nm->bnew, "b_%s⁺", nm->hi);
    engine_fmt(nm->t, sizeof nm->t, "t_%s", nm->hi);
    engine_fmt(nm->dot, sizeof nm->dot, "%sᵀ·%s", nm->above, nm->in_above);
    layer_words(n, l, nm->words, sizeof nm->words);
    engine_fmt(nm->send, sizeof nm->send, "%s%s·%s", nm->w, e->view == CONV_ROWS ? "ᵀ" : "",
               nm->delta);
    engine_fmt(nm->samples, sizeof nm->samples, "%d", n->samples);
}

/* The title of step s from its kind's row, with the names of its layer. */
static void step_title(engine *e, engine_step *s, const layer_names *nm)
{
    const ops_kind_row *k = ops_kind(s->kind);
    const char *tpl = s->layer == 1 && k->title_input ? k->title_input : k->title;
    const struct {
        const char *key, *value;
    } words[] = {
        {"words", nm->words},
        {"act", ops_act(s->act)->title},
        {"loss", ops_loss(e->net.loss)->title},
        {"W", nm->w},
        {"b", nm->b},
        {"delta", nm->delta},
        {"line", e->view == CONV_COLUMNS ? "row" : "column"},
        {"lo", nm->lo},
        {"below", nm->below},
        {"in_below", nm->in_below},
        {"send", nm->send},
        {"S", nm->samples},
    };
    char *out = s->title;
    size_t len = 0, size = sizeof s->title;
    out[0] = '\0';
    for (const char *p = tpl; *p && len + 1 < size;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *value = NULL;
        for (size_t w = 0; close && w < sizeof words / sizeof words[0]; w++)
            if (strlen(words[w].key) == (size_t)(close - p - 1) &&
                strncmp(words[w].key, p + 1, (size_t)(close - p - 1)) == 0)
                value = words[w].value;
        if (value) {
            engine_fmt(out + len, size - len, "%s", value);
            len += strlen(out + len);
            p = close + 1;
        } else {
            out[len++] = *p++;
            out[len] = '\0';
        }
    }
    /* never half a character at the end */
    size_t start = len;
    while (start > 0 && ((unsigned char)out[start - 1] & 0xC0) == 0x80)
        start--;
    if (start > 0 && (unsigned char)out[start - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)out[start - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (start - 1 + want > len)
            out[start - 1] = '\0';
    }
}

/* A new step of kind k at layer l with op; its title from the kind's row. */
static engine_step *step_begin(engine *e, engine_step_kind k, engine_op op, int l,
                               const layer_names *nm)
{
    engine_step *s = step_new(e, k, ops_kind(k)->phase, l);
    s->op = op;
    const char *id = ops_kind(k)->id, *star = strchr(id, '*');
    if (star)
        engine_fmt(s->id, sizeof s->id, "%.*s%d%s", (int)(star - id), id, l, star + 1);
    else
        engine_fmt(s->id, sizeof s->id, "%s", id);
    step_title(e, s, nm);
    return s;
}

/* Fills the formula and the shapes line from the op's row, once the
 * operands and the result are set. */
static void step_end(engine_step *s)
{
    ops_step_text(s, OPS_FORMULA, s->formula, sizeof s->formula);
    ops_step_text(s, OPS_SHAPES, s->shapes, sizeof s->shapes);
}

static void step_forward(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    int nin = n->width[l - 1], nout = n->width[l];
    names_of(e, l, &nm);

    engine_op op = c == CONV_COLUMNS ? (n->has_bias ? OP_AFFINE_T : OP_MATVEC_T)
                                     : (n->has_bias ? OP_AFFINE : OP_MATVEC);
    engine_step *s = step_begin(e, STEP_SUM, op, l, &nm);
    tensor_matrix(&s->operand[0], c, nm.w, nin, nout, p->w);
    tensor_vector(&s->operand[1], nm.below, nin, e->a[l - 1]);
    s->n_operands = 2;
    if (n->has_bias)
        tensor_vector(&s->operand[s->n_operands++], nm.b, nout, p->b);
    tensor_vector(&s->result, nm.z, nout, p->z);
    step_end(s);

    s = step_begin(e, STEP_ACTIVATION, OP_ACT, l, &nm);
    tensor_vector(&s->operand[0], nm.z, nout, p->z);
    s->n_operands = 1;
    tensor_vector(&s->result, nm.above, nout, e->a[l]);
    step_end(s);
}

static void step_loss(engine *e)
{
    const engine_net *n = &e->net;
    int L = n->layers, w = n->width[L];
    const ops_loss_row *loss = ops_loss(n->loss);
    layer_names nm;
    names_of(e, L, &nm);
    int fused = loss->fused == n->act[L - 1];
    engine_step *s = step_begin(e, STEP_LOSS, fused ? loss->fused_value_op : loss->value_op, 0, &nm);
    s->act = n->act[L - 1];
    if (fused)
        tensor_vector(&s->operand[0], nm.z, w, e->pl[L].z);
    else
        tensor_vector(&s->operand[0], nm.above, w, e->a[L]);
    tensor_vector(&s->operand[1], nm.t, w, e->t);
    s->n_operands = 2;
    tensor_scalar(&s->result, "E", &e->scalar[0]);
    step_end(s);
}

static void step_backward(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    int L = n->layers, nin = n->width[l - 1], nout = n->width[l];
    const ops_loss_row *loss = ops_loss(n->loss);
    int fused = l == L && loss->fused == n->act[L - 1];
    names_of(e, l, &nm);

    engine_step *s;
    if (l == L) {
        s = step_begin(e, STEP_DELTA, loss->grad_op, l, &nm);
        tensor_vector(&s->operand[0], nm.above, nout, e->a[l]);
        tensor_vector(&s->operand[1], nm.t, nout, e->t);
        s->n_operands = 2;
        tensor_vector(&s->result, nm.in_above, nout, e->in[l]);
        step_end(s);
    }

    if (fused) {
        s = step_begin(e, STEP_DERIVATIVE, loss->fused_delta_op, l, &nm);
        tensor_vector(&s->operand[0], nm.above, nout, e->a[l]);
        tensor_vector(&s->operand[1], nm.t, nout, e->t);
        s->n_operands = 2;
    } else if (ops_act(n->act[l - 1])->slope) {
        s = step_begin(e, STEP_DERIVATIVE, OP_HADAMARD, l, &nm);
        tensor_vector(&s->operand[0], nm.in_above, nout, e->in[l]);
        tensor_vector(&s->operand[1], nm.gp, nout, p->gp);
        s->n_operands = 2;
    } else {
        s = step_begin(e, STEP_DERIVATIVE, OP_SOFTMAX_BACK, l, &nm);
        tensor_vector(&s->operand[0], nm.in_above, nout, e->in[l]);
        tensor_vector(&s->operand[1], nm.above, nout, e->a[l]);
        tensor_scalar(&s->operand[2], nm.dot, p->dot);
        s->n_operands = 3;
    }
    tensor_vector(&s->result, nm.delta, nout, p->delta);
    step_end(s);

    s = step_begin(e, STEP_GRAD_COPY, c == CONV_COLUMNS ? OP_COPY_ROWS : OP_COPY_COLS, l, &nm);
    tensor_vector(&s->operand[0], nm.delta, nout, p->delta);
    s->n_operands = 1;
    tensor_matrix(&s->result, c, nm.copy, nin, nout, p->copy);
    step_end(s);

    s = step_begin(e, STEP_GRADIENT, c == CONV_COLUMNS ? OP_SCALE_ROWS : OP_SCALE_COLS, l, &nm);
    tensor_matrix(&s->operand[0], c, nm.copy, nin, nout, p->copy);
    tensor_vector(&s->operand[1], nm.below, nin, e->a[l - 1]);
    s->n_operands = 2;
    tensor_matrix(&s->result, c, nm.grad, nin, nout, p->grad);
    step_end(s);

    if (n->has_bias) {
        s = step_begin(e, STEP_BIAS_GRAD, OP_IDENTITY, l, &nm);
        tensor_vector(&s->operand[0], nm.delta, nout, p->delta);
        s->n_operands = 1;
        tensor_vector(&s->result, nm.bgrad, nout, p->delta);
        step_end(s);
    }

    s = step_begin(e, STEP_SEND, c == CONV_COLUMNS ? OP_MATVEC : OP_MATVEC_T, l, &nm);
    tensor_matrix(&s->operand[0], c, nm.w, nin, nout, p->w);
    tensor_vector(&s->operand[1], nm.delta, nout, p->delta);
    s->n_operands = 2;
    tensor_vector(&s->result, nm.in_below, nin, e->in[l - 1]);
    step_end(s);
}

static void step_mean(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    int nin = n->width[l - 1], nout = n->width[l];
    names_of(e, l, &nm);

    engine_step *s = step_begin(e, STEP_BATCH_MEAN, OP_MEAN, l, &nm);
    tensor_matrix(&s->operand[0], c, nm.sum, nin, nout, p->sum);
    tensor_scalar(&s->operand[1], "S", &e->scalar[2]);
    s->n_operands = 2;
    tensor_matrix(&s->result, c, nm.mean, nin, nout, p->mean);
    step_end(s);

    if (n->has_bias && n->train_bias) {
        s = step_begin(e, STEP_MEAN_BIAS, OP_MEAN, l, &nm);
        tensor_vector(&s->operand[0], nm.bsum, nout, p->bsum);
        tensor_scalar(&s->operand[1], "S", &e->scalar[2]);
        s->n_operands = 2;
        tensor_vector(&s->result, nm.bmean, nout, p->bmean);
        step_end(s);
    }
}

static void step_update(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    int nin = n->width[l - 1], nout = n->width[l], batch = n->mode == MODE_BATCH;
    names_of(e, l, &nm);

    engine_step *s = step_begin(e, STEP_UPDATE, OP_SGD, l, &nm);
    tensor_matrix(&s->operand[0], c, nm.w, nin, nout, p->w);
    tensor_scalar(&s->operand[1], "η", &e->scalar[1]);
    tensor_matrix(&s->operand[2], c, batch ? nm.mean : nm.grad, nin, nout,
                  batch ? p->mean : p->grad);
    s->n_operands = 3;
    tensor_matrix(&s->result, c, nm.wnew, nin, nout, p->wnew);
    step_end(s);

    if (n->has_bias && n->train_bias) {
        s = step_begin(e, STEP_UPDATE_BIAS, OP_SGD, l, &nm);
        tensor_vector(&s->operand[0], nm.b, nout, p->b);
        tensor_scalar(&s->operand[1], "η", &e->scalar[1]);
        tensor_vector(&s->operand[2], batch ? nm.bmean : nm.bgrad, nout,
                      batch ? p->bmean : p->delta);
        s->n_operands = 3;
        tensor_vector(&s->result, nm.bnew, nout, p->bnew);
        step_end(s);
    }
}

/* Updates run from the output layer down, continuing the order of the
 * backward pass. */
void engine_pass_build(engine *e)
{
    const engine_net *n = &e->net;
    int L = n->layers;
    pass_compute(e);
    e->n_steps = 0;
    for (int l = 1; l <= L; l++)
        step_forward(e, l);
    step_loss(e);
    for (int l = L; l >= 1; l--)
        step_backward(e, l);
    if (n->mode == MODE_ONLINE) {
        for (int l = L; l >= 1; l--)
            step_update(e, l);
    } else if (e->sample == n->samples) {
        for (int l = L; l >= 1; l--)
            step_mean(e, l);
        for (int l = L; l >= 1; l--)
            step_update(e, l);
    }
    for (int k = 0; k < e->n_steps; k++) {
        engine_step *s = &e->steps[k];
        int m = s->result.rows * s->result.cols;
        for (int i = 0; i < m; i++)
            if (!isfinite(s->result.v[i])) {
                s->nonfinite = 1;
                break;
            }
    }
    if (e->cur >= e->n_steps)
        e->cur = e->n_steps - 1;
}
/* ---------------------------------------------------------------- history */

static void hist_push(engine *e)
{
    const engine_net *n = &e->net;
    int slot = (e->hist_first + e->hist_len) % e->hist_cap;
    if (e->hist_len == e->hist_cap)
        e->hist_first = (e->hist_first + 1) % e->hist_cap;
    else
        e->hist_len++;
    double *d = e->hist + (size_t)slot * e->snap_len;
    for (int l = 0; l < n->layers; l++) {
        size_t m = (size_t)n->width[l] * n->width[l + 1];
        memcpy(d, n->weights[l], m * sizeof(double));
        d += m;
        if (n->has_bias) {
            memcpy(d, n->biases[l], n->width[l + 1] * sizeof(double));
            d += n->width[l + 1];
        }
    }
    if (e->acc_len)
        memcpy(d, e->acc_block, e->acc_len * sizeof(double));
    e->hist_epoch[slot] = e->epoch;
    e->hist_sample[slot] = e->sample;
}

static int hist_pop(engine *e)
{
    engine_net *n = &e->net;
    if (e->hist_len == 0)
        return 0;
    e->hist_len--;
    int slot = (e->hist_first + e->hist_len) % e->hist_cap;
    const double *d = e->hist + (size_t)slot * e->snap_len;
    for (int l = 0; l < n->layers; l++) {
        size_t m = (size_t)n->width[l] * n->width[l + 1];
        memcpy(n->weights[l], d, m * sizeof(double));
        d += m;
        if (n->has_bias) {
            memcpy(n->biases[l], d, n->width[l + 1] * sizeof(double));
            d += n->width[l + 1];
        }
    }
    if (e->acc_len)
        memcpy(e->acc_block, d, e->acc_len * sizeof(double));
    e->epoch = e->hist_epoch[slot];
    e->sample = e->hist_sample[slot];
    return 1;
}

/* ------------------------------------------------------------- interface */

engine *engine_new(const engine_net *net, engine_conv view)
{
    if (engine_net_validate(net) || (unsigned)view >= CONV_COUNT || !net->inputs ||
        !net->targets)
        return NULL;
    for (int l = 0; l < net->layers; l++)
        if (!net->weights[l] || (net->has_bias && !net->biases[l]))
            return NULL;
    engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    if (engine_net_copy(&e->net, net) != 0) {
        free(e);
        return NULL;
    }
    if (engine_net_copy(&e->start, net) != 0) {
        engine_release(e);
        free(e);
        return NULL;
    }
    e->view = view;
    e->epoch = e->sample = 1;
    e->acc_len = acc_size(net);
    e->acc_block = calloc(e->acc_len ? e->acc_len : 1, sizeof(double));
    size_t arena_len = arena_layout(e, NULL);
    e->arena = calloc(arena_len, sizeof(double));
    e->max_steps = max_steps_of(net);
    e->steps = calloc((size_t)e->max_steps, sizeof *e->steps);
    size_t scratch_len = engine_train_layout(e, NULL);
    e->scratch = calloc(scratch_len, sizeof(double));
    e->snap_len = (size_t)engine_net_params(net) + e->acc_len;
    size_t per = e->snap_len * sizeof(double) + 2 * sizeof(int);
    size_t cap = HIST_BYTES / per;
    e->hist_cap = cap < HIST_MIN ? HIST_MIN : cap > HIST_MAX ? HIST_MAX : (int)cap;
    e->hist = malloc((size_t)e->hist_cap * e->snap_len * sizeof(double));
    e->hist_epoch = malloc((size_t)e->hist_cap * sizeof(int));
    e->hist_sample = malloc((size_t)e->hist_cap * sizeof(int));
    if (!e->acc_block || !e->arena || !e->steps || !e->scratch || !e->hist || !e->hist_epoch ||
        !e->hist_sample) {
        engine_release(e);
        free(e);
        return NULL;
    }
    double *d = e->acc_block;
    for (int l = 0; l < net->layers && e->acc_len; l++) {
        e->acc[l] = d;
        d += (size_t)net->width[l] * net->width[l + 1];
        if (net->has_bias && net->train_bias) {
            e->bacc[l] = d;
            d += net->width[l + 1];
        }
    }
    arena_layout(e, e->arena);
    engine_train_layout(e, e->scratch);
    engine_pass_build(e);
    return e;
}

void engine_free(engine *e)
{
    if (!e)
        return;
    engine_release(e);
    free(e);
}

const engine_net *engine_network(const engine *e)
{
    return &e->net;
}

int engine_replace(engine *e, const engine_net *net)
{
    engine *fresh = engine_new(net, e->view);
    if (!fresh)
        return -1;
    engine_release(e);
    *e = *fresh;
    free(fresh);
    /* the copied struct's pointers into its own arena are still valid:
     * they point into blocks it owns, not into the struct itself */
    return 0;
}

int engine_step_count(const engine *e)
{
    return e->n_steps;
}

int engine_step_index(const engine *e)
{
    return e->cur;
}

const engine_step *engine_step_at(const engine *e, int i)
{
    return i >= 0 && i < e->n_steps ? &e->steps[i] : NULL;
}

const engine_step *engine_current(const engine *e)
{
    return &e->steps[e->cur];
}

int engine_next(engine *e)
{
    if (e->cur + 1 < e->n_steps) {
        e->cur++;
        return 1;
    }
    engine_next_sample(e);
    return 1;
}

int engine_prev(engine *e)
{
    if (e->cur > 0) {
        e->cur--;
        return 1;
    }
    if (!hist_pop(e))
        return 0;
    engine_pass_build(e);
    e->cur = e->n_steps - 1;
    return 1;
}

void engine_goto(engine *e, int i)
{
    e->cur = i < 0 ? 0 : i >= e->n_steps ? e->n_steps - 1 : i;
}

int engine_seek(engine *e, const char *id)
{
    for (int k = 0; k < e->n_steps; k++)
        if (strcmp(e->steps[k].id, id) == 0) {
            e->cur = k;
            return 1;
        }
    return 0;
}

void engine_next_sample(engine *e)
{
    hist_push(e);
    engine_advance(e);
    e->cur = 0;
    engine_pass_build(e);
}

void engine_reset(engine *e)
{
    engine_net *n = &e->net;
    for (int l = 0; l < n->layers; l++) {
        memcpy(n->weights[l], e->start.weights[l],
               (size_t)n->width[l] * n->width[l + 1] * sizeof(double));
        if (n->has_bias)
            memcpy(n->biases[l], e->start.biases[l], n->width[l + 1] * sizeof(double));
    }
    if (e->acc_len)
        memset(e->acc_block, 0, e->acc_len * sizeof(double));
    e->epoch = e->sample = 1;
    e->hist_len = 0;
    e->cur = 0;
    engine_pass_build(e);
}

void engine_set_convention(engine *e, engine_conv c)
{
    if ((unsigned)c >= CONV_COUNT)
        return;
    e->view = c;
    engine_pass_build(e);
}

engine_conv engine_convention(const engine *e)
{
    return e->view;
}

int engine_epoch(const engine *e)
{
    return e->epoch;
}

int engine_sample(const engine *e)
{
    return e->sample;
}

double engine_pass_loss(const engine *e)
{
    return e->pass_loss;
}

/* The network with the updates of steps 0..step applied: the pass's
 * network with the updated layers pointing at W⁺ and b⁺ (no copy). */
static void net_after(const engine *e, int step, engine_net *n)
{
    *n = e->net;
    for (int i = 0; i <= step && i < e->n_steps; i++) {
        const engine_step *s = &e->steps[i];
        if (s->kind == STEP_UPDATE)
            n->weights[s->layer - 1] = e->pl[s->layer].wnext;
        else if (s->kind == STEP_UPDATE_BIAS)
            n->biases[s->layer - 1] = e->pl[s->layer].bnew;
    }
}

double engine_loss_after(const engine *e, int step)
{
    engine_net n;
    net_after(e, step, &n);
    return engine_net_sample_loss(&n, e->sample - 1);
}

double engine_mean_loss_after(const engine *e, int step)
{
    engine_net n;
    net_after(e, step, &n);
    return engine_net_mean_loss(&n);
}

int engine_history_depth(const engine *e)
{
    return e->hist_len;
}

const double *engine_values(const engine *e, engine_values_kind kind, int layer)
{
    int L = e->net.layers;
    switch (kind) {
    case VALUES_ACTIVATION:
        return layer >= 0 && layer <= L ? e->a[layer] : NULL;
    case VALUES_SUM:
        return layer >= 1 && layer <= L ? e->z[layer] : NULL;
    case VALUES_INCOMING:
        return layer >= 0 && layer <= L ? e->in[layer] : NULL;
    case VALUES_DELTA:
        return layer >= 1 && layer <= L ? e->delta[layer] : NULL;
    }
    return NULL;
}
