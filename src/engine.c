/* engine.c - backstep's stepping backprop engine.
 *
 * One set of arithmetic (layer_sum, layer_activate, layer_derivative,
 * layer_send, sgd) serves the step builder, the trainer and the gradient
 * check, so a pass shown on screen, a pass stepped over and a pass trained
 * headless produce the same bits.  A pass is built all at once from the
 * state at its start into storage sized at engine_new; moving past its end
 * pushes that state onto a bounded ring so engine_prev can come back. */
#include "engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Slope of leaky_relu below zero. */
#define LEAKY_SLOPE 0.01
/* Upper bound of the history ring, in bytes (at least HIST_MIN passes). */
#define HIST_BYTES (8u << 20)
#define HIST_MIN 16
#define HIST_MAX 100000

/* ------------------------------------------------------------------ names */

static const char *const act_names[ACT_COUNT] = {
    "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax",
};
static const char *const loss_names[LOSS_COUNT] = {"mse", "cross_entropy"};
static const char *const conv_names[CONV_COUNT] = {"columns", "rows"};
static const char *const mode_names[MODE_COUNT] = {"online", "batch"};
static const char *const phase_names[PHASE_COUNT] = {"forward", "backward", "update"};

const char *engine_act_name(engine_act a)
{
    return (unsigned)a < ACT_COUNT ? act_names[a] : "?";
}

const char *engine_loss_name(engine_loss l)
{
    return (unsigned)l < LOSS_COUNT ? loss_names[l] : "?";
}

const char *engine_conv_name(engine_conv c)
{
    return (unsigned)c < CONV_COUNT ? conv_names[c] : "?";
}

const char *engine_mode_name(engine_mode m)
{
    return (unsigned)m < MODE_COUNT ? mode_names[m] : "?";
}

char engine_layer_letter(int l)
{
    static const char letters[ENGINE_MAX_LAYERS + 2] = "ijklmnopq";
    return l >= 0 && l <= ENGINE_MAX_LAYERS ? letters[l] : '?';
}

const char *engine_phase_name(engine_phase p)
{
    return (unsigned)p < PHASE_COUNT ? phase_names[p] : "?";
}

/* snprintf that never leaves half a UTF-8 character at the end; names,
 * titles and formulas are bounded by the struct fields, and a long one is
 * cut rather than overflowed. */
static void fmt(char *buf, size_t size, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(buf, size, format, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size && size > 0) {
        size_t cut = size - 1;
        while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
            cut--;
        buf[cut] = '\0';
    }
}

/* ---------------------------------------------------------------- network */

/* Shape limits alone: what engine_net_alloc needs to size its arrays. */
static int net_shape_ok(const engine_net *net)
{
    if (net->layers < 1 || net->layers > ENGINE_MAX_LAYERS)
        return 0;
    for (int l = 0; l <= net->layers; l++)
        if (net->width[l] < 1 || net->width[l] > ENGINE_MAX_WIDTH)
            return 0;
    return net->samples >= 1 && net->samples <= ENGINE_MAX_SAMPLES;
}

const char *engine_net_validate(const engine_net *net)
{
    if (!net)
        return "no network";
    if (net->layers < 1 || net->layers > ENGINE_MAX_LAYERS)
        return "the number of weight layers must be 1 to 8";
    for (int l = 0; l <= net->layers; l++)
        if (net->width[l] < 1 || net->width[l] > ENGINE_MAX_WIDTH)
            return "every layer must have 1 to 64 units";
    for (int n = 0; n < net->layers; n++) {
        if ((unsigned)net->act[n] >= ACT_COUNT)
            return "unknown activation";
        if (net->act[n] == ACT_SOFTMAX && n != net->layers - 1)
            return "softmax is allowed on the output layer only";
    }
    if ((unsigned)net->loss >= LOSS_COUNT)
        return "unknown loss";
    int softmax_out = net->act[net->layers - 1] == ACT_SOFTMAX;
    if (softmax_out && net->loss != LOSS_CROSS_ENTROPY)
        return "softmax output needs the cross_entropy loss";
    if (!softmax_out && net->loss == LOSS_CROSS_ENTROPY)
        return "cross_entropy needs a softmax output layer";
    if ((unsigned)net->convention >= CONV_COUNT)
        return "unknown convention";
    if ((unsigned)net->mode >= MODE_COUNT)
        return "unknown mode";
    if (!(net->learning_rate > 0) || !isfinite(net->learning_rate))
        return "the learning rate must be a finite number greater than 0";
    if (net->samples < 1 || net->samples > ENGINE_MAX_SAMPLES)
        return "there must be 1 to 1000 samples";
    return NULL;
}

static void net_clear_arrays(engine_net *net)
{
    for (int n = 0; n < ENGINE_MAX_LAYERS; n++) {
        net->weights[n] = NULL;
        net->biases[n] = NULL;
    }
    net->inputs = NULL;
    net->targets = NULL;
}

int engine_net_alloc(engine_net *net)
{
    net_clear_arrays(net);
    if (!net_shape_ok(net))
        return -1;
    int ok = 1;
    for (int n = 0; n < net->layers; n++) {
        net->weights[n] = calloc((size_t)net->width[n] * net->width[n + 1], sizeof(double));
        ok = ok && net->weights[n];
        if (net->has_bias) {
            net->biases[n] = calloc((size_t)net->width[n + 1], sizeof(double));
            ok = ok && net->biases[n];
        }
    }
    net->inputs = calloc((size_t)net->samples * net->width[0], sizeof(double));
    net->targets = calloc((size_t)net->samples * net->width[net->layers], sizeof(double));
    if (!ok || !net->inputs || !net->targets) {
        engine_net_free(net);
        return -1;
    }
    return 0;
}

int engine_net_copy(engine_net *dst, const engine_net *src)
{
    *dst = *src;
    if (engine_net_alloc(dst) != 0)
        return -1;
    for (int n = 0; n < src->layers; n++) {
        size_t m = (size_t)src->width[n] * src->width[n + 1];
        if (src->weights[n])
            memcpy(dst->weights[n], src->weights[n], m * sizeof(double));
        if (src->has_bias && src->biases[n])
            memcpy(dst->biases[n], src->biases[n], src->width[n + 1] * sizeof(double));
    }
    if (src->inputs)
        memcpy(dst->inputs, src->inputs, (size_t)src->samples * src->width[0] * sizeof(double));
    if (src->targets)
        memcpy(dst->targets, src->targets,
               (size_t)src->samples * src->width[src->layers] * sizeof(double));
    return 0;
}

void engine_net_free(engine_net *net)
{
    if (!net)
        return;
    for (int n = 0; n < ENGINE_MAX_LAYERS; n++) {
        free(net->weights[n]);
        free(net->biases[n]);
    }
    free(net->inputs);
    free(net->targets);
    net_clear_arrays(net);
}

int engine_net_params(const engine_net *net)
{
    int p = 0;
    for (int n = 0; n < net->layers; n++)
        p += net->width[n] * net->width[n + 1] + (net->has_bias ? net->width[n + 1] : 0);
    return p;
}

/* ------------------------------------------------------------- arithmetic */

/* z = Wᵀ·a (+ b), W canonical nin × nout.  Each z_j sums i = 1..nin in
 * order, then adds b_j: the order every caller shares. */
static void layer_sum(const double *restrict w, const double *restrict b,
                      const double *restrict a, int nin, int nout, double *restrict z)
{
    for (int j = 0; j < nout; j++) {
        double s = 0.0;
        for (int i = 0; i < nin; i++)
            s += w[(size_t)i * nout + j] * a[i];
        z[j] = b ? s + b[j] : s;
    }
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* a = g(z); softmax subtracts the largest z so exp cannot overflow. */
static void layer_activate(engine_act act, const double *restrict z, double *restrict a, int n)
{
    switch (act) {
    case ACT_LINEAR:
        for (int j = 0; j < n; j++)
            a[j] = z[j];
        break;
    case ACT_SIGMOID:
        for (int j = 0; j < n; j++)
            a[j] = sigmoid(z[j]);
        break;
    case ACT_TANH:
        for (int j = 0; j < n; j++)
            a[j] = tanh(z[j]);
        break;
    case ACT_RELU:
        for (int j = 0; j < n; j++)
            a[j] = z[j] > 0 ? z[j] : 0.0;
        break;
    case ACT_LEAKY_RELU:
        for (int j = 0; j < n; j++)
            a[j] = z[j] > 0 ? z[j] : LEAKY_SLOPE * z[j];
        break;
    case ACT_SOFTMAX: {
        double m = z[0], s = 0.0;
        for (int j = 1; j < n; j++)
            if (z[j] > m)
                m = z[j];
        for (int j = 0; j < n; j++) {
            a[j] = exp(z[j] - m);
            s += a[j];
        }
        for (int j = 0; j < n; j++)
            a[j] /= s;
        break;
    }
    default:
        break;
    }
}

/* E of one sample.  Cross-entropy skips t = 0 terms: 0·log 0 counts as 0. */
static double loss_value(engine_loss loss, const double *y, const double *t, int n)
{
    double s = 0.0;
    if (loss == LOSS_MSE) {
        for (int k = 0; k < n; k++) {
            double d = y[k] - t[k];
            s += d * d;
        }
        return 0.5 * s;
    }
    for (int k = 0; k < n; k++)
        if (t[k] != 0)
            s += t[k] * log(y[k]);
    return -s;
}

/* ∂E/∂y: mse y − t, cross-entropy −t/y. */
static void loss_grad(engine_loss loss, const double *y, const double *t, double *g, int n)
{
    if (loss == LOSS_MSE)
        for (int k = 0; k < n; k++)
            g[k] = y[k] - t[k];
    else
        for (int k = 0; k < n; k++)
            g[k] = -t[k] / y[k];
}

/* δ = incoming ⊙ g′(z), g′ written to gp; softmax uses the Jacobian
 * transpose instead, δ_j = y_j (g_j − Σ_k y_k g_k), and leaves gp alone. */
static void layer_derivative(engine_act act, const double *restrict z,
                             const double *restrict a, const double *restrict in,
                             double *restrict gp, double *restrict delta, int n)
{
    switch (act) {
    case ACT_LINEAR:
        for (int j = 0; j < n; j++)
            gp[j] = 1.0;
        break;
    case ACT_SIGMOID:
        for (int j = 0; j < n; j++)
            gp[j] = a[j] * (1.0 - a[j]);
        break;
    case ACT_TANH:
        for (int j = 0; j < n; j++)
            gp[j] = 1.0 - a[j] * a[j];
        break;
    case ACT_RELU:
        for (int j = 0; j < n; j++)
            gp[j] = z[j] > 0 ? 1.0 : 0.0;
        break;
    case ACT_LEAKY_RELU:
        for (int j = 0; j < n; j++)
            gp[j] = z[j] > 0 ? 1.0 : LEAKY_SLOPE;
        break;
    case ACT_SOFTMAX: {
        double s = 0.0;
        for (int k = 0; k < n; k++)
            s += a[k] * in[k];
        for (int j = 0; j < n; j++)
            delta[j] = a[j] * (in[j] - s);
        return;
    }
    default:
        break;
    }
    for (int j = 0; j < n; j++)
        delta[j] = in[j] * gp[j];
}

/* Sent down: out = W·δ, W canonical nin × nout. */
static void layer_send(const double *restrict w, const double *restrict delta, int nin,
                       int nout, double *restrict out)
{
    for (int i = 0; i < nin; i++) {
        const double *row = w + (size_t)i * nout;
        double s = 0.0;
        for (int j = 0; j < nout; j++)
            s += row[j] * delta[j];
        out[i] = s;
    }
}

/* One gradient element and one descent step: the only place these are
 * written, so the steps and the trainer round alike. */
static inline double grad_elem(double a_i, double delta_j)
{
    return a_i * delta_j;
}

static inline double sgd(double w, double eta, double g)
{
    return w - eta * g;
}

/* Forward pass: a[0] must hold the input; fills z[1..L], a[1..L]. */
static void net_forward(const engine_net *net, double *const *a, double *const *z)
{
    for (int n = 1; n <= net->layers; n++) {
        layer_sum(net->weights[n - 1], net->has_bias ? net->biases[n - 1] : NULL, a[n - 1],
                  net->width[n - 1], net->width[n], z[n]);
        layer_activate(net->act[n - 1], z[n], a[n], net->width[n]);
    }
}

/* Backward pass with the weights as they stand: in[L..1] (and in[0] when
 * to_input), gp[1..L], delta[1..L]. */
static void net_backward(const engine_net *net, double *const *a, double *const *z,
                         const double *t, double *const *in, double *const *gp,
                         double *const *delta, int to_input)
{
    int L = net->layers;
    loss_grad(net->loss, a[L], t, in[L], net->width[L]);
    for (int n = L; n >= 1; n--) {
        layer_derivative(net->act[n - 1], z[n], a[n], in[n], gp[n], delta[n], net->width[n]);
        if (n > 1 || to_input)
            layer_send(net->weights[n - 1], delta[n], net->width[n - 1], net->width[n], in[n - 1]);
    }
}

/* Loss of one sample; when signs is not NULL, records the sign (-1, 0, 1)
 * of every relu/leaky_relu pre-activation, for kink detection. */
static double net_sample_loss_signs(const engine_net *net, int sample, signed char **signs)
{
    double buf[2][ENGINE_MAX_WIDTH], z[ENGINE_MAX_WIDTH];
    const double *a = net->inputs + (size_t)sample * net->width[0];
    int cur = 0;
    for (int n = 1; n <= net->layers; n++) {
        layer_sum(net->weights[n - 1], net->has_bias ? net->biases[n - 1] : NULL, a,
                  net->width[n - 1], net->width[n], z);
        layer_activate(net->act[n - 1], z, buf[cur], net->width[n]);
        if (signs && (net->act[n - 1] == ACT_RELU || net->act[n - 1] == ACT_LEAKY_RELU))
            for (int j = 0; j < net->width[n]; j++)
                *(*signs)++ = (signed char)((z[j] > 0) - (z[j] < 0));
        a = buf[cur];
        cur ^= 1;
    }
    return loss_value(net->loss, a, net->targets + (size_t)sample * net->width[net->layers],
                      net->width[net->layers]);
}

double engine_net_sample_loss(const engine_net *net, int sample)
{
    return net_sample_loss_signs(net, sample, NULL);
}

static double net_mean_loss_signs(const engine_net *net, signed char *signs)
{
    double s = 0.0;
    for (int k = 0; k < net->samples; k++)
        s += net_sample_loss_signs(net, k, signs ? &signs : NULL);
    return s / net->samples;
}

double engine_net_mean_loss(const engine_net *net)
{
    return net_mean_loss_signs(net, NULL);
}

/* --------------------------------------------------------------- random */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void engine_rng_seed(engine_rng *rng, uint64_t seed)
{
    rng->s[0] = splitmix64(&seed);
    rng->s[1] = splitmix64(&seed);
    if (rng->s[0] == 0 && rng->s[1] == 0) /* the one state xoroshiro cannot leave */
        rng->s[1] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoroshiro128+: fast, and its top 53 bits are good enough for init. */
static uint64_t rng_next(engine_rng *rng)
{
    uint64_t s0 = rng->s[0], s1 = rng->s[1];
    uint64_t r = s0 + s1;
    s1 ^= s0;
    rng->s[0] = rotl(s0, 24) ^ s1 ^ (s1 << 16);
    rng->s[1] = rotl(s1, 37);
    return r;
}

double engine_rng_uniform(engine_rng *rng)
{
    return (double)(rng_next(rng) >> 11) * 0x1.0p-53;
}

void engine_glorot(engine_net *net, int layer, engine_rng *rng)
{
    if (layer < 1 || layer > net->layers || !net->weights[layer - 1])
        return;
    int nin = net->width[layer - 1], nout = net->width[layer];
    double limit = sqrt(6.0 / (nin + nout));
    for (int k = 0; k < nin * nout; k++)
        net->weights[layer - 1][k] = (2.0 * engine_rng_uniform(rng) - 1.0) * limit;
}

/* ----------------------------------------------------------------- engine */

/* Pass storage of one weight layer.  Weight-shaped arrays are laid out in
 * the view convention; vectors are the same in both. */
typedef struct {
    double *w, *b;            /* W and b at the pass start */
    double *z, *gp, *delta;   /* sums, g′(z), δ */
    double *copy, *grad;      /* Δ (δ copied) and G */
    double *sum, *mean;       /* batch: ΣG with this sample, Ḡ */
    double *bsum, *bmean;     /* batch: the same for the bias */
    double *wnew, *bnew;      /* W⁺ and b⁺ */
} pass_layer;

struct engine {
    engine_net net;   /* state at the start of the current pass */
    engine_net start; /* the lesson's start, for engine_reset */
    engine_conv view;
    int epoch, sample; /* 1-based */

    double *acc[ENGINE_MAX_LAYERS];  /* batch: Σ G of the epoch's earlier samples */
    double *bacc[ENGINE_MAX_LAYERS]; /* batch: Σ ∂E/∂b, trained biases only */
    double *acc_block;
    size_t acc_len;

    /* the current pass */
    double *arena;
    double *a[ENGINE_MAX_LAYERS + 1], *in[ENGINE_MAX_LAYERS + 1];
    double *z[ENGINE_MAX_LAYERS + 1], *gp[ENGINE_MAX_LAYERS + 1], *delta[ENGINE_MAX_LAYERS + 1];
    pass_layer pl[ENGINE_MAX_LAYERS + 1]; /* index 1..L */
    double *t, *scalar;                  /* target; E, η, S */
    double pass_loss;
    engine_step *steps;
    int max_steps, n_steps, cur;

    /* the trainer's own vectors, so training never touches the pass */
    double *scratch;
    double *ta[ENGINE_MAX_LAYERS + 1], *tz[ENGINE_MAX_LAYERS + 1], *tin[ENGINE_MAX_LAYERS + 1];
    double *tgp[ENGINE_MAX_LAYERS + 1], *td[ENGINE_MAX_LAYERS + 1];

    /* ring of pass-start snapshots: params, then accumulators */
    double *hist;
    int *hist_epoch, *hist_sample;
    size_t snap_len;
    int hist_cap, hist_first, hist_len;
};

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

/* Lays the trainer's vectors out the same way. */
static size_t scratch_layout(engine *e, double *base)
{
    size_t off = 0;
    for (int l = 0; l <= e->net.layers; l++) {
        double **arr[5] = {e->ta, e->tz, e->tin, e->tgp, e->td};
        for (int k = 0; k < 5; k++) {
            if (base)
                arr[k][l] = base + off;
            off += (size_t)e->net.width[l];
        }
    }
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
        fmt(buf, size, "x_%c", engine_layer_letter(0));
    else if (l == n->layers)
        fmt(buf, size, "y_%c", engine_layer_letter(l));
    else if (n->layers == 2)
        fmt(buf, size, "h_%c", engine_layer_letter(l));
    else
        fmt(buf, size, "h%s_%c", sup[l], engine_layer_letter(l));
}

/* "the hidden layer", "hidden layer 2", "the output layer", "the input". */
static const char *layer_words(const engine_net *n, int l, char *buf, size_t size)
{
    if (l == 0)
        fmt(buf, size, "the input");
    else if (l == n->layers)
        fmt(buf, size, "the output layer");
    else if (n->layers == 2)
        fmt(buf, size, "the hidden layer");
    else
        fmt(buf, size, "hidden layer %d", l);
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
    fmt(t->name, sizeof t->name, "%s", name);
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

/* "(3×2)" in the view convention, or "(3)". */
static void shape_matrix(engine_conv c, int nin, int nout, char *buf, size_t size)
{
    if (c == CONV_COLUMNS)
        fmt(buf, size, "(%d×%d)", nin, nout);
    else
        fmt(buf, size, "(%d×%d)", nout, nin);
}

static const char *act_symbol(engine_act a)
{
    switch (a) {
    case ACT_SIGMOID: return "σ";
    case ACT_TANH: return "tanh";
    case ACT_RELU: return "relu";
    case ACT_LEAKY_RELU: return "leaky_relu";
    case ACT_SOFTMAX: return "softmax";
    default: return "";
    }
}

static const char *act_title(engine_act a)
{
    switch (a) {
    case ACT_SIGMOID: return "sigmoid";
    case ACT_TANH: return "tanh";
    case ACT_RELU: return "relu";
    case ACT_LEAKY_RELU: return "leaky relu";
    case ACT_SOFTMAX: return "softmax";
    default: return "linear";
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
    char lo, hi; /* index letters */
} layer_names;

static void names_of(const engine_net *n, int l, layer_names *nm)
{
    nm->lo = engine_layer_letter(l - 1);
    nm->hi = engine_layer_letter(l);
    name_act(n, l - 1, nm->below, sizeof nm->below);
    name_act(n, l, nm->above, sizeof nm->above);
    fmt(nm->in_below, sizeof nm->in_below, "∂E/∂%s", nm->below);
    fmt(nm->in_above, sizeof nm->in_above, "∂E/∂%s", nm->above);
    fmt(nm->z, sizeof nm->z, "z_%c", nm->hi);
    fmt(nm->delta, sizeof nm->delta, "δ_%c", nm->hi);
    fmt(nm->gp, sizeof nm->gp, "g′(z_%c)", nm->hi);
    fmt(nm->w, sizeof nm->w, "W_%c%c", nm->lo, nm->hi);
    fmt(nm->copy, sizeof nm->copy, "Δ_%c%c", nm->lo, nm->hi);
    fmt(nm->grad, sizeof nm->grad, "G_%c%c", nm->lo, nm->hi);
    fmt(nm->b, sizeof nm->b, "b_%c", nm->hi);
    fmt(nm->bgrad, sizeof nm->bgrad, "∂E/∂b_%c", nm->hi);
    fmt(nm->sum, sizeof nm->sum, "ΣG_%c%c", nm->lo, nm->hi);
    fmt(nm->mean, sizeof nm->mean, "Ḡ_%c%c", nm->lo, nm->hi);
    fmt(nm->bsum, sizeof nm->bsum, "Σ∂E/∂b_%c", nm->hi);
    fmt(nm->bmean, sizeof nm->bmean, "∂Ē/∂b_%c", nm->hi);
    fmt(nm->wnew, sizeof nm->wnew, "W_%c%c⁺", nm->lo, nm->hi);
    fmt(nm->bnew, sizeof nm->bnew, "b_%c⁺", nm->hi);
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
    net_forward(n, e->a, e->z);
    e->pass_loss = loss_value(n->loss, e->a[L], e->t, n->width[L]);
    net_backward(n, e->a, e->z, e->t, e->in, e->gp, e->delta, 1);
    e->scalar[0] = e->pass_loss;
    e->scalar[1] = eta;
    e->scalar[2] = S;

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

static void step_forward(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    char words[40], shw[24];
    int nin = n->width[l - 1], nout = n->width[l];
    names_of(n, l, &nm);
    layer_words(n, l, words, sizeof words);
    shape_matrix(c, nin, nout, shw, sizeof shw);

    engine_step *s = step_new(e, STEP_SUM, PHASE_FORWARD, l);
    fmt(s->id, sizeof s->id, "forward.%d.sum", l);
    fmt(s->title, sizeof s->title, "Weighted sums into %s", words);
    fmt(s->formula, sizeof s->formula, "%s = %s%s·%s%s%s", nm.z, nm.w,
             c == CONV_COLUMNS ? "ᵀ" : "", nm.below, n->has_bias ? " + " : "",
             n->has_bias ? nm.b : "");
    if (n->has_bias)
        fmt(s->shapes, sizeof s->shapes, "%s%s·(%d) + (%d) → (%d)", shw,
                 c == CONV_COLUMNS ? "ᵀ" : "", nin, nout, nout);
    else
        fmt(s->shapes, sizeof s->shapes, "%s%s·(%d) → (%d)", shw,
                 c == CONV_COLUMNS ? "ᵀ" : "", nin, nout);
    tensor_matrix(&s->operand[0], c, nm.w, nin, nout, p->w);
    tensor_vector(&s->operand[1], nm.below, nin, e->a[l - 1]);
    s->n_operands = 2;
    if (n->has_bias)
        tensor_vector(&s->operand[s->n_operands++], nm.b, nout, p->b);
    tensor_vector(&s->result, nm.z, nout, p->z);

    engine_act act = n->act[l - 1];
    s = step_new(e, STEP_ACTIVATION, PHASE_FORWARD, l);
    fmt(s->id, sizeof s->id, "forward.%d.activation", l);
    fmt(s->title, sizeof s->title, "Activation of %s (%s)", words, act_title(act));
    if (act == ACT_LINEAR)
        fmt(s->formula, sizeof s->formula, "%s = %s", nm.above, nm.z);
    else
        fmt(s->formula, sizeof s->formula, "%s = %s(%s)", nm.above, act_symbol(act), nm.z);
    fmt(s->shapes, sizeof s->shapes, "(%d) → (%d)", nout, nout);
    tensor_vector(&s->operand[0], nm.z, nout, p->z);
    s->n_operands = 1;
    tensor_vector(&s->result, nm.above, nout, e->a[l]);
}

static void step_loss(engine *e)
{
    const engine_net *n = &e->net;
    int L = n->layers, w = n->width[L];
    char y[ENGINE_NAME_SIZE], t[ENGINE_NAME_SIZE];
    name_act(n, L, y, sizeof y);
    fmt(t, sizeof t, "t_%c", engine_layer_letter(L));
    engine_step *s = step_new(e, STEP_LOSS, PHASE_FORWARD, 0);
    fmt(s->id, sizeof s->id, "loss");
    if (n->loss == LOSS_MSE) {
        fmt(s->title, sizeof s->title, "Loss of this sample (squared error)");
        fmt(s->formula, sizeof s->formula, "E = ½ Σ (%s − %s)²", y, t);
    } else {
        fmt(s->title, sizeof s->title, "Loss of this sample (cross-entropy)");
        fmt(s->formula, sizeof s->formula, "E = −Σ %s·log %s", t, y);
    }
    fmt(s->shapes, sizeof s->shapes, "(%d), (%d) → scalar", w, w);
    tensor_vector(&s->operand[0], y, w, e->a[L]);
    tensor_vector(&s->operand[1], t, w, e->t);
    s->n_operands = 2;
    tensor_scalar(&s->result, "E", &e->scalar[0]);
}

static void step_backward(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    char words[40], shw[24];
    int L = n->layers, nin = n->width[l - 1], nout = n->width[l];
    engine_act act = n->act[l - 1];
    names_of(n, l, &nm);
    layer_words(n, l, words, sizeof words);
    shape_matrix(c, nin, nout, shw, sizeof shw);

    engine_step *s = step_new(e, STEP_DELTA, PHASE_BACKWARD, l);
    fmt(s->id, sizeof s->id, "backward.%d.delta", l);
    if (l == L) {
        char t[ENGINE_NAME_SIZE];
        fmt(t, sizeof t, "t_%c", engine_layer_letter(L));
        fmt(s->title, sizeof s->title, "Gradient of the loss with respect to the outputs");
        if (n->loss == LOSS_MSE) {
            fmt(s->formula, sizeof s->formula, "%s = %s − %s", nm.in_above, nm.above, t);
            fmt(s->shapes, sizeof s->shapes, "(%d) − (%d) → (%d)", nout, nout, nout);
        } else {
            fmt(s->formula, sizeof s->formula, "%s = −%s / %s", nm.in_above, t, nm.above);
            fmt(s->shapes, sizeof s->shapes, "(%d) / (%d) → (%d)", nout, nout, nout);
        }
        tensor_vector(&s->operand[0], nm.above, nout, e->a[l]);
        tensor_vector(&s->operand[1], t, nout, e->t);
        s->n_operands = 2;
    } else {
        fmt(s->title, sizeof s->title, "Gradient arriving at %s from layer %d", words, l + 1);
        fmt(s->formula, sizeof s->formula, "%s = what layer %d sent down", nm.in_above,
                 l + 1);
        fmt(s->shapes, sizeof s->shapes, "(%d) → (%d)", nout, nout);
        tensor_vector(&s->operand[0], nm.in_above, nout, e->in[l]);
        s->n_operands = 1;
    }
    tensor_vector(&s->result, nm.in_above, nout, e->in[l]);

    s = step_new(e, STEP_DERIVATIVE, PHASE_BACKWARD, l);
    fmt(s->id, sizeof s->id, "backward.%d.activation", l);
    fmt(s->title, sizeof s->title, "Back through the %s activation of %s", act_title(act), words);
    tensor_vector(&s->operand[0], nm.in_above, nout, e->in[l]);
    if (act == ACT_SOFTMAX) {
        fmt(s->formula, sizeof s->formula, "%s = %s ⊙ (%s − Σ %s·%s)", nm.delta, nm.above,
                 nm.in_above, nm.above, nm.in_above);
        fmt(s->shapes, sizeof s->shapes, "(%d) ⊙ (%d) → (%d)", nout, nout, nout);
        tensor_vector(&s->operand[1], nm.above, nout, e->a[l]);
    } else {
        fmt(s->formula, sizeof s->formula, "%s = %s ⊙ %s", nm.delta, nm.in_above, nm.gp);
        fmt(s->shapes, sizeof s->shapes, "(%d) ⊙ (%d) → (%d)", nout, nout, nout);
        tensor_vector(&s->operand[1], nm.gp, nout, p->gp);
    }
    s->n_operands = 2;
    tensor_vector(&s->result, nm.delta, nout, p->delta);

    const char *line = c == CONV_COLUMNS ? "row" : "column";
    s = step_new(e, STEP_GRAD_COPY, PHASE_BACKWARD, l);
    fmt(s->id, sizeof s->id, "backward.%d.gradient.copy", l);
    fmt(s->title, sizeof s->title, "Gradient for %s, beat 1: copy %s into every %s", nm.w,
             nm.delta, line);
    fmt(s->formula, sizeof s->formula, "%s = %s in every %s", nm.copy, nm.delta, line);
    fmt(s->shapes, sizeof s->shapes, "(%d) into %d %ss → %s", nout, nin, line, shw);
    tensor_vector(&s->operand[0], nm.delta, nout, p->delta);
    s->n_operands = 1;
    tensor_matrix(&s->result, c, nm.copy, nin, nout, p->copy);

    s = step_new(e, STEP_GRADIENT, PHASE_BACKWARD, l);
    fmt(s->id, sizeof s->id, "backward.%d.gradient", l);
    fmt(s->title, sizeof s->title, "Gradient for %s, beat 2: scale %s %c by %s", nm.w, line,
             nm.lo, nm.below);
    fmt(s->formula, sizeof s->formula, "%s = %s, %s %c × %s", nm.grad, nm.copy, line, nm.lo,
             nm.below);
    fmt(s->shapes, sizeof s->shapes, "%s, %ss × (%d) → %s", shw, line, nin, shw);
    tensor_matrix(&s->operand[0], c, nm.copy, nin, nout, p->copy);
    tensor_vector(&s->operand[1], nm.below, nin, e->a[l - 1]);
    s->n_operands = 2;
    tensor_matrix(&s->result, c, nm.grad, nin, nout, p->grad);

    if (n->has_bias) {
        s = step_new(e, STEP_BIAS_GRAD, PHASE_BACKWARD, l);
        fmt(s->id, sizeof s->id, "backward.%d.bias", l);
        fmt(s->title, sizeof s->title, "Gradient for %s: it is %s itself", nm.b, nm.delta);
        fmt(s->formula, sizeof s->formula, "%s = %s", nm.bgrad, nm.delta);
        fmt(s->shapes, sizeof s->shapes, "(%d) → (%d)", nout, nout);
        tensor_vector(&s->operand[0], nm.delta, nout, p->delta);
        s->n_operands = 1;
        tensor_vector(&s->result, nm.bgrad, nout, p->delta);
    }

    s = step_new(e, STEP_SEND, PHASE_BACKWARD, l);
    fmt(s->id, sizeof s->id, "backward.%d.send", l);
    const char *tr = c == CONV_COLUMNS ? "" : "ᵀ";
    if (l == 1)
        fmt(s->title, sizeof s->title, "Gradient with respect to the input: %s = %s%s·%s",
                 nm.in_below, nm.w, tr, nm.delta);
    else
        fmt(s->title, sizeof s->title, "Send %s down: %s%s·%s", nm.in_below, nm.w, tr,
                 nm.delta);
    fmt(s->formula, sizeof s->formula, "%s = %s%s·%s", nm.in_below, nm.w, tr, nm.delta);
    fmt(s->shapes, sizeof s->shapes, "%s%s·(%d) → (%d)", shw, tr, nout, nin);
    tensor_matrix(&s->operand[0], c, nm.w, nin, nout, p->w);
    tensor_vector(&s->operand[1], nm.delta, nout, p->delta);
    s->n_operands = 2;
    tensor_vector(&s->result, nm.in_below, nin, e->in[l - 1]);
}

static void step_mean(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    char shw[24];
    int nin = n->width[l - 1], nout = n->width[l];
    names_of(n, l, &nm);
    shape_matrix(c, nin, nout, shw, sizeof shw);

    engine_step *s = step_new(e, STEP_BATCH_MEAN, PHASE_UPDATE, l);
    fmt(s->id, sizeof s->id, "batch.%d.mean", l);
    fmt(s->title, sizeof s->title, "Mean gradient for %s over the %d samples", nm.w,
             n->samples);
    fmt(s->formula, sizeof s->formula, "%s = %s / S", nm.mean, nm.sum);
    fmt(s->shapes, sizeof s->shapes, "%s / S → %s", shw, shw);
    tensor_matrix(&s->operand[0], c, nm.sum, nin, nout, p->sum);
    tensor_scalar(&s->operand[1], "S", &e->scalar[2]);
    s->n_operands = 2;
    tensor_matrix(&s->result, c, nm.mean, nin, nout, p->mean);

    if (n->has_bias && n->train_bias) {
        s = step_new(e, STEP_BATCH_MEAN, PHASE_UPDATE, l);
        fmt(s->id, sizeof s->id, "batch.%d.mean.bias", l);
        fmt(s->title, sizeof s->title, "Mean gradient for %s over the %d samples", nm.b,
                 n->samples);
        fmt(s->formula, sizeof s->formula, "%s = %s / S", nm.bmean, nm.bsum);
        fmt(s->shapes, sizeof s->shapes, "(%d) / S → (%d)", nout, nout);
        tensor_vector(&s->operand[0], nm.bsum, nout, p->bsum);
        tensor_scalar(&s->operand[1], "S", &e->scalar[2]);
        s->n_operands = 2;
        tensor_vector(&s->result, nm.bmean, nout, p->bmean);
    }
}

static void step_update(engine *e, int l)
{
    const engine_net *n = &e->net;
    engine_conv c = e->view;
    pass_layer *p = &e->pl[l];
    layer_names nm;
    char shw[24];
    int nin = n->width[l - 1], nout = n->width[l], batch = n->mode == MODE_BATCH;
    names_of(n, l, &nm);
    shape_matrix(c, nin, nout, shw, sizeof shw);

    engine_step *s = step_new(e, STEP_UPDATE, PHASE_UPDATE, l);
    const char *g = batch ? nm.mean : nm.grad;
    fmt(s->id, sizeof s->id, "update.%d", l);
    fmt(s->title, sizeof s->title, "Update %s: one step against the gradient", nm.w);
    fmt(s->formula, sizeof s->formula, "%s = %s − η·%s", nm.wnew, nm.w, g);
    fmt(s->shapes, sizeof s->shapes, "%s − η·%s → %s", shw, shw, shw);
    tensor_matrix(&s->operand[0], c, nm.w, nin, nout, p->w);
    tensor_scalar(&s->operand[1], "η", &e->scalar[1]);
    tensor_matrix(&s->operand[2], c, g, nin, nout, batch ? p->mean : p->grad);
    s->n_operands = 3;
    tensor_matrix(&s->result, c, nm.wnew, nin, nout, p->wnew);

    if (n->has_bias && n->train_bias) {
        s = step_new(e, STEP_UPDATE_BIAS, PHASE_UPDATE, l);
        const char *bg = batch ? nm.bmean : nm.bgrad;
        fmt(s->id, sizeof s->id, "update.%d.bias", l);
        fmt(s->title, sizeof s->title, "Update %s: one step against its gradient", nm.b);
        fmt(s->formula, sizeof s->formula, "%s = %s − η·%s", nm.bnew, nm.b, bg);
        fmt(s->shapes, sizeof s->shapes, "(%d) − η·(%d) → (%d)", nout, nout, nout);
        tensor_vector(&s->operand[0], nm.b, nout, p->b);
        tensor_scalar(&s->operand[1], "η", &e->scalar[1]);
        tensor_vector(&s->operand[2], bg, nout, batch ? p->bmean : p->delta);
        s->n_operands = 3;
        tensor_vector(&s->result, nm.bnew, nout, p->bnew);
    }
}

/* Builds every step of the current pass; allocates nothing.  Updates run
 * from the output layer down, continuing the order of the backward pass. */
static void pass_build(engine *e)
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

/* ---------------------------------------------------------------- trainer */

/* Applies one sample's gradients (computed into ta/td) to the network. */
static void net_apply(engine *e, int last)
{
    engine_net *n = &e->net;
    double eta = n->learning_rate;
    int tb = n->has_bias && n->train_bias;
    for (int l = 1; l <= n->layers; l++) {
        int nin = n->width[l - 1], nout = n->width[l];
        double *restrict w = n->weights[l - 1], *restrict b = n->biases[l - 1];
        const double *restrict a = e->ta[l - 1], *restrict d = e->td[l];
        if (n->mode == MODE_ONLINE) {
            for (int i = 0; i < nin; i++) {
                const double ai = a[i];
                double *restrict row = w + (size_t)i * nout;
                for (int j = 0; j < nout; j++)
                    row[j] = sgd(row[j], eta, grad_elem(ai, d[j]));
            }
            if (tb)
                for (int j = 0; j < nout; j++)
                    b[j] = sgd(b[j], eta, d[j]);
            continue;
        }
        double *restrict acc = e->acc[l - 1], *restrict bacc = e->bacc[l - 1];
        size_t m = (size_t)nin * nout;
        for (int i = 0; i < nin; i++) {
            const double ai = a[i];
            double *restrict row = acc + (size_t)i * nout;
            for (int j = 0; j < nout; j++)
                row[j] = row[j] + grad_elem(ai, d[j]);
        }
        if (tb)
            for (int j = 0; j < nout; j++)
                bacc[j] = bacc[j] + d[j];
        if (last) {
            int S = n->samples;
            for (size_t k = 0; k < m; k++) {
                w[k] = sgd(w[k], eta, acc[k] / S);
                acc[k] = 0.0;
            }
            if (tb)
                for (int j = 0; j < nout; j++) {
                    b[j] = sgd(b[j], eta, bacc[j] / S);
                    bacc[j] = 0.0;
                }
        }
    }
}

/* Runs the current pass without steps and moves to the next sample;
 * returns the loss of the sample at the pass start. */
static double engine_advance(engine *e)
{
    engine_net *n = &e->net;
    int s = e->sample - 1, L = n->layers;
    /* the input is only read, so the trainer points at it instead of copying */
    e->ta[0] = n->inputs + (size_t)s * n->width[0];
    const double *t = n->targets + (size_t)s * n->width[L];
    net_forward(n, e->ta, e->tz);
    double loss = loss_value(n->loss, e->ta[L], t, n->width[L]);
    net_backward(n, e->ta, e->tz, t, e->tin, e->tgp, e->td, 0);
    net_apply(e, e->sample == n->samples);
    if (++e->sample > n->samples) {
        e->sample = 1;
        e->epoch++;
    }
    return loss;
}

static int params_finite(const engine_net *n)
{
    for (int l = 0; l < n->layers; l++) {
        int m = n->width[l] * n->width[l + 1];
        for (int k = 0; k < m; k++)
            if (!isfinite(n->weights[l][k]))
                return 0;
        if (n->has_bias)
            for (int j = 0; j < n->width[l + 1]; j++)
                if (!isfinite(n->biases[l][j]))
                    return 0;
    }
    return 1;
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
    size_t scratch_len = scratch_layout(e, NULL);
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
    scratch_layout(e, e->scratch);
    pass_build(e);
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
    pass_build(e);
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
    pass_build(e);
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
    pass_build(e);
}

void engine_set_convention(engine *e, engine_conv c)
{
    if ((unsigned)c >= CONV_COUNT)
        return;
    e->view = c;
    pass_build(e);
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

/* Training leaves no steps behind, so the history restarts after it: going
 * back from the trained state must not jump over the training. */
long engine_train(engine *e, long epochs, double *loss_per_epoch)
{
    long bad = -1;
    int S = e->net.samples;
    for (long ep = 0; ep < epochs; ep++) {
        double sum = 0.0;
        for (int k = 0; k < S; k++)
            sum += engine_advance(e);
        if (loss_per_epoch)
            loss_per_epoch[ep] = sum / S;
        if (bad < 0 && (!isfinite(sum) || !params_finite(&e->net)))
            bad = ep;
    }
    e->hist_len = 0;
    e->cur = 0;
    pass_build(e);
    return bad;
}

/* ------------------------------------------------------- gradient check */

/* Units whose sign the kink test watches, over all samples. */
static size_t kink_units(const engine_net *n)
{
    size_t u = 0;
    for (int l = 1; l <= n->layers; l++)
        if (n->act[l - 1] == ACT_RELU || n->act[l - 1] == ACT_LEAKY_RELU)
            u += (size_t)n->width[l];
    return u * n->samples;
}

int engine_check_negligible(const engine_check *c)
{
    return fabs(c->analytic) < ENGINE_CHECK_NEGLIGIBLE && fabs(c->numeric) < ENGINE_CHECK_NEGLIGIBLE;
}

int engine_gradcheck(const engine *e, engine_check *rows, int max)
{
    const engine_net *src = &e->net;
    int P = engine_net_params(src), L = src->layers;
    if (!rows || max <= 0)
        return P;
    engine_net n;
    if (engine_net_copy(&n, src) != 0)
        return -1;
    size_t ku = kink_units(src);
    double *ana = calloc((size_t)P, sizeof(double));
    signed char *sp = malloc(ku ? ku : 1), *sm = malloc(ku ? ku : 1);
    if (!ana || !sp || !sm) {
        free(ana);
        free(sp);
        free(sm);
        engine_net_free(&n);
        return -1;
    }

    /* analytic: mean over the samples of each sample's gradient */
    double abuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], zbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double ibuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], gbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double dbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double *a[ENGINE_MAX_LAYERS + 1], *z[ENGINE_MAX_LAYERS + 1], *in[ENGINE_MAX_LAYERS + 1];
    double *gp[ENGINE_MAX_LAYERS + 1], *d[ENGINE_MAX_LAYERS + 1];
    for (int l = 0; l <= L; l++) {
        a[l] = abuf[l];
        z[l] = zbuf[l];
        in[l] = ibuf[l];
        gp[l] = gbuf[l];
        d[l] = dbuf[l];
    }
    for (int s = 0; s < n.samples; s++) {
        memcpy(a[0], n.inputs + (size_t)s * n.width[0], n.width[0] * sizeof(double));
        const double *t = n.targets + (size_t)s * n.width[L];
        net_forward(&n, a, z);
        net_backward(&n, a, z, t, in, gp, d, 0);
        double *g = ana;
        for (int l = 1; l <= L; l++) {
            for (int i = 0; i < n.width[l - 1]; i++)
                for (int j = 0; j < n.width[l]; j++, g++)
                    *g += grad_elem(a[l - 1][i], d[l][j]);
            if (n.has_bias)
                for (int j = 0; j < n.width[l]; j++, g++)
                    *g += d[l][j];
        }
    }

    int k = 0;
    for (int l = 1; l <= L; l++) {
        int nin = n.width[l - 1], nout = n.width[l];
        int count = nin * nout + (n.has_bias ? nout : 0);
        for (int q = 0; q < count; q++, k++) {
            if (k >= max)
                continue;
            engine_check *r = &rows[k];
            r->layer = l;
            r->is_bias = q >= nin * nout;
            r->row = r->is_bias ? 0 : q / nout;
            r->col = r->is_bias ? q - nin * nout : q % nout;
            double *p = r->is_bias ? &n.biases[l - 1][r->col] : &n.weights[l - 1][q];
            double keep = *p;
            *p = keep + ENGINE_CHECK_H;
            double ep = net_mean_loss_signs(&n, sp);
            *p = keep - ENGINE_CHECK_H;
            double em = net_mean_loss_signs(&n, sm);
            *p = keep;
            r->analytic = ana[k] / n.samples;
            r->numeric = (ep - em) / (2 * ENGINE_CHECK_H);
            double big = fmax(fabs(r->analytic), fabs(r->numeric));
            r->rel_error = big == 0 ? 0.0 : fabs(r->analytic - r->numeric) / big;
            r->kink = 0;
            for (size_t u = 0; u < ku && !r->kink; u++)
                r->kink = sp[u] != sm[u] || sp[u] == 0;
        }
    }
    free(ana);
    free(sp);
    free(sm);
    engine_net_free(&n);
    return P;
}

/* ------------------------------------------------------------ explaining */

/* Appends to a fixed buffer; on overflow, ends with "…" at a character edge. */
typedef struct {
    char *buf;
    size_t size, len;
    int full;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
    if (b->full || b->size == 0)
        return;
    size_t n = strlen(s), room = b->size - 1 - b->len;
    if (n > room) {
        memcpy(b->buf + b->len, s, room);
        b->len += room;
        b->full = 1;
    } else {
        memcpy(b->buf + b->len, s, n);
        b->len += n;
    }
    b->buf[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *format, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(tmp, sizeof tmp, format, ap);
    va_end(ap);
    sb_put(b, tmp);
}

static void sb_finish(sbuf *b)
{
    if (b->size == 0)
        return;
    if (b->full) {
        size_t cut = b->size >= 4 ? b->size - 4 : 0;
        if (cut > b->len)
            cut = b->len;
        while (cut > 0 && ((unsigned char)b->buf[cut] & 0xC0) == 0x80)
            cut--;
        b->len = cut;
        if (b->size >= 4) {
            memcpy(b->buf + cut, "…", 3);
            b->len += 3;
        }
    }
    b->buf[b->len] = '\0';
}

/* A number with U+2212 for the minus sign. */
static void sb_num(sbuf *b, double v, int decimals)
{
    if (isnan(v))
        sb_put(b, "nan");
    else if (isinf(v))
        sb_put(b, v < 0 ? "−inf" : "inf");
    else
        sb_printf(b, "%s%.*f", v < 0 ? "−" : "", decimals, fabs(v));
}

/* A number inside arithmetic: a negative one in parentheses, so that
 * "0.7000×(−0.6012) + (−0.2000)×0.5603" cannot be misread. */
static void sb_factor(sbuf *b, double v, int decimals)
{
    if (v < 0) {
        sb_put(b, "(");
        sb_num(b, v, decimals);
        sb_put(b, ")");
    } else {
        sb_num(b, v, decimals);
    }
}

typedef struct {
    engine_use *u;
    int max, n;
} use_list;

static void use_add(use_list *ul, int operand, int index)
{
    if (ul->u && ul->n < ul->max) {
        ul->u[ul->n].operand = operand;
        ul->u[ul->n].index = index;
    }
    ul->n++;
}

/* Splits a tensor name "W_jk⁺" into "W", "⁺"; "g′(z_k)" into "g′(z", ")". */
static void name_parts(const char *name, char *pre, char *post, size_t size)
{
    const char *us = strchr(name, '_');
    if (!us) {
        fmt(pre, size, "%s", name);
        post[0] = '\0';
        return;
    }
    fmt(pre, size, "%.*s", (int)(us - name), name);
    const char *p = us + 1;
    while (*p >= 'a' && *p <= 'z')
        p++;
    fmt(post, size, "%s", p);
}

/* Element name: "h_2", "g′(z_1)", "b_1⁺" for vectors; "W[2][1]", "W⁺[2][1]"
 * for matrices (1-based, in the tensor's own layout); the name for scalars. */
static void elem_name(const engine_tensor *t, int index, char *out, size_t size)
{
    char pre[ENGINE_NAME_SIZE], post[ENGINE_NAME_SIZE];
    if (t->rank == 0) {
        fmt(out, size, "%s", t->name);
        return;
    }
    name_parts(t->name, pre, post, sizeof pre);
    if (t->rank == 1)
        fmt(out, size, "%s_%d%s", pre, index + 1, post);
    else
        fmt(out, size, "%s%s[%d][%d]", pre, post, index / t->cols + 1, index % t->cols + 1);
}

/* Canonical (i, j) of view element index of a weight-shaped tensor. */
static void canon_of(const engine_tensor *t, engine_conv c, int index, int *i, int *j)
{
    if (c == CONV_COLUMNS) {
        *i = index / t->cols;
        *j = index % t->cols;
    } else {
        *j = index / t->cols;
        *i = index % t->cols;
    }
}

/* View index of canonical (i, j) in a weight-shaped tensor. */
static int view_of(const engine_tensor *t, engine_conv c, int i, int j)
{
    return c == CONV_COLUMNS ? i * t->cols + j : j * t->cols + i;
}

/* The arithmetic of one element of W-times-a-vector, as names then numbers.
 * A forward sum fixes canonical column `fixed` of W and runs over its rows
 * (z_j = Σ_i W[i][j]·a_i, plus b_j when the step has biases); a send fixes
 * canonical row `fixed` and runs over its columns (Σ_j W[i][j]·δ_j). */
static void explain_dot(const engine_step *s, int fixed, int over_rows, int dec, sbuf *b,
                        use_list *ul)
{
    const engine_tensor *W = &s->operand[0], *v = &s->operand[1];
    const engine_tensor *bias = over_rows && s->n_operands > 2 ? &s->operand[2] : NULL;
    char nm[64];
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < v->rows; k++) {
            int wi = over_rows ? view_of(W, s->convention, k, fixed)
                               : view_of(W, s->convention, fixed, k);
            if (k > 0)
                sb_put(b, " + ");
            if (pass == 0) {
                elem_name(W, wi, nm, sizeof nm);
                sb_put(b, nm);
                sb_put(b, "·");
                elem_name(v, k, nm, sizeof nm);
                sb_put(b, nm);
                use_add(ul, 0, wi);
                use_add(ul, 1, k);
            } else {
                sb_factor(b, W->v[wi], dec);
                sb_put(b, "×");
                sb_factor(b, v->v[k], dec);
            }
        }
        if (bias) {
            sb_put(b, " + ");
            if (pass == 0) {
                elem_name(bias, fixed, nm, sizeof nm);
                sb_put(b, nm);
                use_add(ul, 2, fixed);
            } else {
                sb_factor(b, bias->v[fixed], dec);
            }
        }
        sb_put(b, " = ");
    }
}

static void explain_activation(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *z = &s->operand[0];
    char zn[64];
    elem_name(z, j, zn, sizeof zn);
    if (s->act == ACT_SOFTMAX) {
        double sum = 0.0;
        for (int k = 0; k < z->rows; k++)
            sum += exp(z->v[k]);
        sb_printf(b, "exp(%s) / Σ exp(%s) = exp(", zn, z->name);
        sb_num(b, z->v[j], dec);
        sb_put(b, ") / ");
        sb_num(b, sum, dec);
        sb_put(b, " = ");
        use_add(ul, 0, j);
        for (int k = 0; k < z->rows; k++)
            if (k != j)
                use_add(ul, 0, k);
        return;
    }
    use_add(ul, 0, j);
    if (s->act == ACT_LINEAR) {
        sb_printf(b, "%s = ", zn);
        return;
    }
    const char *f = act_symbol(s->act);
    sb_printf(b, "%s(%s) = %s(", f, zn, f);
    sb_num(b, z->v[j], dec);
    sb_put(b, ") = ");
}

static void explain_loss(const engine_step *s, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *y = &s->operand[0], *t = &s->operand[1];
    const char *rhs = strstr(s->formula, "= ");
    sb_put(b, rhs ? rhs + 2 : s->formula);
    sb_put(b, " = ");
    sb_put(b, s->loss == LOSS_MSE ? "½·(" : "−(");
    for (int k = 0; k < y->rows; k++) {
        if (k > 0)
            sb_put(b, " + ");
        if (s->loss == LOSS_MSE) {
            sb_put(b, "(");
            sb_num(b, y->v[k], dec);
            sb_put(b, " − ");
            sb_factor(b, t->v[k], dec);
            sb_put(b, ")²");
        } else {
            sb_factor(b, t->v[k], dec);
            sb_put(b, "×log ");
            sb_num(b, y->v[k], dec);
        }
        use_add(ul, 0, k);
        use_add(ul, 1, k);
    }
    sb_put(b, ") = ");
}

static void explain_delta(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    char yn[64], tn[64];
    if (s->n_operands == 1) {
        sb_num(b, s->operand[0].v[j], dec);
        sb_printf(b, ", sent down by layer %d", s->layer + 1);
        use_add(ul, 0, j);
        return;
    }
    const engine_tensor *y = &s->operand[0], *t = &s->operand[1];
    elem_name(y, j, yn, sizeof yn);
    elem_name(t, j, tn, sizeof tn);
    if (s->loss == LOSS_MSE) {
        sb_printf(b, "%s − %s = ", yn, tn);
        sb_num(b, y->v[j], dec);
        sb_put(b, " − ");
        sb_factor(b, t->v[j], dec);
    } else {
        sb_printf(b, "−%s / %s = ", tn, yn);
        sb_num(b, -t->v[j], dec);
        sb_put(b, " / ");
        sb_num(b, y->v[j], dec);
    }
    sb_put(b, " = ");
    use_add(ul, 0, j);
    use_add(ul, 1, j);
}

static void explain_derivative(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *in = &s->operand[0], *x = &s->operand[1];
    char inn[64], xn[64];
    elem_name(in, j, inn, sizeof inn);
    elem_name(x, j, xn, sizeof xn);
    if (s->act == ACT_SOFTMAX) {
        double sum = 0.0;
        for (int k = 0; k < in->rows; k++)
            sum += x->v[k] * in->v[k];
        sb_printf(b, "%s·(%s − Σ %s·%s) = ", xn, inn, x->name, in->name);
        sb_num(b, x->v[j], dec);
        sb_put(b, "×(");
        sb_factor(b, in->v[j], dec);
        sb_put(b, " − ");
        sb_factor(b, sum, dec);
        sb_put(b, ") = ");
        use_add(ul, 1, j);
        use_add(ul, 0, j);
        for (int k = 0; k < in->rows; k++)
            if (k != j) {
                use_add(ul, 1, k);
                use_add(ul, 0, k);
            }
        return;
    }
    sb_printf(b, "%s · %s = ", inn, xn);
    sb_factor(b, in->v[j], dec);
    sb_put(b, " × ");
    sb_factor(b, x->v[j], dec);
    sb_put(b, " = ");
    use_add(ul, 0, j);
    use_add(ul, 1, j);
}

int engine_step_explain(const engine_step *s, int index, int decimals, char *buf, size_t size,
                        engine_use *uses, int max_uses)
{
    sbuf b = {buf, size, 0, 0};
    use_list ul = {uses, max_uses, 0};
    const engine_tensor *r = &s->result;
    char rn[64], nm[64], nm2[64];
    if (size > 0)
        buf[0] = '\0';
    if (index < 0 || index >= r->rows * r->cols)
        return 0;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    elem_name(r, index, rn, sizeof rn);
    sb_put(&b, rn);
    sb_put(&b, " = ");
    int i, j;
    switch (s->kind) {
    case STEP_SUM:
        explain_dot(s, index, 1, decimals, &b, &ul);
        break;
    case STEP_ACTIVATION:
        explain_activation(s, index, decimals, &b, &ul);
        break;
    case STEP_LOSS:
        explain_loss(s, decimals, &b, &ul);
        break;
    case STEP_DELTA:
        explain_delta(s, index, decimals, &b, &ul);
        if (s->n_operands == 1) {
            sb_finish(&b);
            return ul.n;
        }
        break;
    case STEP_DERIVATIVE:
        explain_derivative(s, index, decimals, &b, &ul);
        break;
    case STEP_GRAD_COPY:
        canon_of(r, s->convention, index, &i, &j);
        elem_name(&s->operand[0], j, nm, sizeof nm);
        sb_printf(&b, "%s = ", nm);
        use_add(&ul, 0, j);
        break;
    case STEP_GRADIENT:
        canon_of(r, s->convention, index, &i, &j);
        elem_name(&s->operand[1], i, nm, sizeof nm);
        sb_printf(&b, "%s · δ_%d = ", nm, j + 1);
        sb_factor(&b, s->operand[1].v[i], decimals);
        sb_put(&b, " × ");
        sb_factor(&b, s->operand[0].v[index], decimals);
        sb_put(&b, " = ");
        use_add(&ul, 0, index);
        use_add(&ul, 1, i);
        break;
    case STEP_BIAS_GRAD:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        sb_printf(&b, "%s = ", nm);
        use_add(&ul, 0, index);
        break;
    case STEP_SEND:
        explain_dot(s, index, 0, decimals, &b, &ul);
        break;
    case STEP_BATCH_MEAN:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        sb_printf(&b, "%s / S = ", nm);
        sb_num(&b, s->operand[0].v[index], decimals);
        sb_printf(&b, " / %.0f = ", s->operand[1].v[0]);
        use_add(&ul, 0, index);
        use_add(&ul, 1, 0);
        break;
    case STEP_UPDATE:
    case STEP_UPDATE_BIAS:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        elem_name(&s->operand[2], index, nm2, sizeof nm2);
        sb_printf(&b, "%s − η·%s = ", nm, nm2);
        sb_num(&b, s->operand[0].v[index], decimals);
        sb_put(&b, " − ");
        sb_factor(&b, s->operand[1].v[0], decimals);
        sb_put(&b, "×");
        sb_factor(&b, s->operand[2].v[index], decimals);
        sb_put(&b, " = ");
        use_add(&ul, 0, index);
        use_add(&ul, 1, 0);
        use_add(&ul, 2, index);
        break;
    default:
        break;
    }
    sb_num(&b, r->v[index], decimals);
    sb_finish(&b);
    return ul.n;
}
