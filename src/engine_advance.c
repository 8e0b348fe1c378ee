/* engine_advance.c - samples run without steps: forward pass, backward
 * pass and update with the trainer's own storage.  What the stepping
 * engine does when it leaves a pass, and what training repeats.  Below
 * both engine_pass.c and engine_train.c, so neither calls the other's
 * callers.
 *
 * Online, each sample is one pass and one update.  In batch mode the
 * weights stand still until the epoch's last sample, so the samples go
 * through each layer in blocks, one matrix product per layer instead of
 * one product per sample; each sum still adds its terms in the order one
 * sample's pass does (engine_math.h), so a block gives the bits that the
 * samples one by one would. */
#include "engine_impl.h"
#include "engine_math.h"

#include <math.h>

/* Rows from which a block is sent down through Wᵀ (one matrix product)
 * rather than row by row; the transpose costs as much as sending a few
 * samples, so it pays from here on. */
enum { TRANSPOSE_ROWS = 4 };

/* Rows of each of the trainer's vectors. */
static int block_rows(const engine_net *n)
{
    if (n->mode != MODE_BATCH)
        return 1;
    return n->samples < ENGINE_BLOCK ? n->samples : ENGINE_BLOCK;
}

size_t engine_train_layout(engine *e, double *base)
{
    const engine_net *n = &e->net;
    size_t off = 0, rows = (size_t)block_rows(n);
#define TAKE(ptr, count)                                  \
    do {                                                  \
        if (base)                                         \
            (ptr) = base + off;                           \
        off += (size_t)(count);                           \
    } while (0)
    for (int l = 0; l <= n->layers; l++) {
        double **arr[5] = {e->tz, e->ta, e->tin, e->tgp, e->td};
        for (int k = 0; k < 5; k++)
            TAKE(arr[k][l], rows * n->width[l]);
        /* a linear layer's values are its sums: no copy */
        if (base && l > 0 && n->act[l - 1] == ACT_LINEAR)
            e->ta[l] = e->tz[l];
    }
    for (int l = 1; l < n->layers && n->mode == MODE_BATCH; l++) /* layer 1 sends nothing */
        TAKE(e->wt[l], (size_t)n->width[l] * n->width[l + 1]);
    size_t acc = 0;
    for (int l = 0; l < n->layers && n->mode == MODE_BATCH; l++)
        acc += (size_t)n->width[l] * n->width[l + 1] +
               (n->has_bias && n->train_bias ? (size_t)n->width[l + 1] : 0);
    TAKE(e->keep, (size_t)engine_net_params(n) + acc);
#undef TAKE
    return off;
}

/* The forward pass of `rows` samples whose inputs ta[0] points at. */
static void run_forward(engine *e, int rows)
{
    const engine_net *n = &e->net;
    for (int l = 1; l <= n->layers; l++) {
        math_sums(n->weights[l - 1], n->has_bias ? n->biases[l - 1] : NULL, e->ta[l - 1], rows,
                  n->width[l - 1], n->width[l], e->tz[l]);
        if (e->ta[l] != e->tz[l])
            math_act(n->act[l - 1], e->tz[l], e->ta[l], rows * n->width[l], n->width[l]);
    }
}

/* 1 when the loss of a sample is finite for certain, without computing it
 * (which takes a logarithm and an exponential per output under
 * cross-entropy): with the sizes of its outputs y, sums z and targets t
 * (of one sample or more) adding up to less than 2^500 (NaN adds up to no
 * size at all), and at most 64 outputs, ½ Σ (y − t)² stays below 2^1008, and
 * Σ t·(log Σ e^(z − m) − (z − m)), computed from the sums, below 2^1008
 * too, while a double reaches 2^1024. */
static int loss_surely_finite(engine_loss loss, const double *z, const double *y,
                              const double *t, int n)
{
    switch (loss) {
    case LOSS_MSE:
    case LOSS_CROSS_ENTROPY: /* always from the sums: it follows softmax alone */
        break;
    case LOSS_COUNT:
        return 0;
    }
    double size = 0.0;
    for (int k = 0; k < n; k++)
        size += fabs(y[k]) + fabs(z[k]) + fabs(t[k]);
    return size < 0x1p500;
}

/* Adds the loss of each of `rows` samples to *loss, in order, when loss is
 * not NULL; returns 1 when one of them is not finite.  Without *loss, the
 * losses are computed only when they might not be finite. */
static int run_loss(const engine *e, const double *t, int rows, double *loss)
{
    const engine_net *n = &e->net;
    int L = n->layers, w = n->width[L], bad = 0;
    if (!loss && loss_surely_finite(n->loss, e->tz[L], e->ta[L], t, rows * w))
        return 0;
    for (int r = 0; r < rows; r++) {
        size_t at = (size_t)r * w;
        double E = engine_net_loss(n, e->tz[L] + at, e->ta[L] + at, t + at);
        bad |= !isfinite(E);
        if (loss)
            *loss += E;
    }
    return bad;
}

/* δ of the output layer of `rows` samples, as engine_net_backward makes it. */
static void run_output_delta(engine *e, const double *t, int rows)
{
    const engine_net *n = &e->net;
    int L = n->layers, w = n->width[L];
    const ops_loss_row *loss = ops_loss(n->loss);
    engine_act out = n->act[L - 1];
    for (int r = 0; r < rows; r++) {
        size_t at = (size_t)r * w;
        if (loss->fused == out)
            loss->fused_delta(e->ta[L] + at, t + at, e->td[L] + at, w);
        else
            loss->grad(e->ta[L] + at, t + at, e->tin[L] + at, w);
    }
    if (loss->fused != out)
        math_derivative(out, e->tz[L], e->ta[L], e->tin[L], e->tgp[L], e->td[L], rows, w);
}

/* One sample online: its pass, then each layer's weights stepped as soon
 * as the layer has sent its δ down with the weights it had. */
static int run_online(engine *e, const double *t, double *loss)
{
    engine_net *n = &e->net;
    int L = n->layers, tb = n->has_bias && n->train_bias;
    double eta = n->learning_rate;
    run_forward(e, 1);
    int bad = run_loss(e, t, 1, loss);
    run_output_delta(e, t, 1);
    for (int l = L; l >= 1; l--) {
        int nin = n->width[l - 1], nout = n->width[l];
        double *w = n->weights[l - 1];
        const double *d = e->td[l];
        if (l > 1)
            math_send(w, d, nin, nout, e->tin[l - 1]);
        math_descend(w, e->ta[l - 1], d, eta, nin, nout);
        if (tb) {
            double *b = n->biases[l - 1];
            for (int j = 0; j < nout; j++)
                b[j] = sgd(b[j], eta, d[j]);
        }
        if (l > 1)
            math_derivative(n->act[l - 2], e->tz[l - 1], e->ta[l - 1], e->tin[l - 1],
                            e->tgp[l - 1], e->td[l - 1], 1, nin);
    }
    return bad;
}

/* `rows` samples of a batch from sample s (0-based): their passes, and
 * their gradients added to the accumulators; sent down through Wᵀ when
 * `transposed`. */
static int run_block(engine *e, int s, int rows, int transposed, double *loss)
{
    const engine_net *n = &e->net;
    int L = n->layers, tb = n->has_bias && n->train_bias;
    const double *t = n->targets + (size_t)s * n->width[L];
    e->ta[0] = n->inputs + (size_t)s * n->width[0];
    run_forward(e, rows);
    int bad = run_loss(e, t, rows, loss);
    run_output_delta(e, t, rows);
    for (int l = L; l >= 1; l--) {
        int nin = n->width[l - 1], nout = n->width[l];
        const double *d = e->td[l];
        if (l > 1 && transposed)
            math_sums(e->wt[l - 1], NULL, d, rows, nout, nin, e->tin[l - 1]);
        else if (l > 1)
            for (int r = 0; r < rows; r++)
                math_send(n->weights[l - 1], d + (size_t)r * nout, nin, nout,
                          e->tin[l - 1] + (size_t)r * nin);
        math_accumulate(e->acc[l - 1], e->ta[l - 1], d, rows, nin, nout);
        if (tb) {
            double *bacc = e->bacc[l - 1];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < nout; j++)
                    bacc[j] = bacc[j] + d[(size_t)r * nout + j];
        }
        if (l > 1)
            math_derivative(n->act[l - 2], e->tz[l - 1], e->ta[l - 1], e->tin[l - 1],
                            e->tgp[l - 1], e->td[l - 1], rows, nin);
    }
    return bad;
}

/* The end of a batch: every parameter one step against the mean gradient. */
static void run_mean_step(engine *e)
{
    engine_net *n = &e->net;
    int tb = n->has_bias && n->train_bias;
    for (int l = 0; l < n->layers; l++) {
        math_mean_step(n->weights[l], e->acc[l], n->width[l] * n->width[l + 1],
                       n->learning_rate, n->samples);
        if (tb)
            math_mean_step(n->biases[l], e->bacc[l], n->width[l + 1], n->learning_rate,
                           n->samples);
    }
}

int engine_advance_run(engine *e, long count, double *loss)
{
    engine_net *n = &e->net;
    int S = n->samples, transposed = 0, bad = 0;
    while (count > 0) {
        int s = e->sample - 1;
        if (n->mode == MODE_ONLINE) {
            e->ta[0] = n->inputs + (size_t)s * n->width[0];
            bad |= run_online(e, n->targets + (size_t)s * n->width[n->layers], loss);
            count--;
            e->sample++;
        } else {
            int rows = S - s; /* at least 1: the sample runs 1..S */
            if (rows > ENGINE_BLOCK)
                rows = ENGINE_BLOCK;
            if (rows > count)
                rows = (int)count;
            int by_wt = rows >= TRANSPOSE_ROWS;
            for (int l = 1; by_wt && !transposed && l < n->layers; l++)
                math_transpose(n->weights[l], n->width[l], n->width[l + 1], e->wt[l]);
            transposed |= by_wt;
            bad |= run_block(e, s, rows, by_wt, loss);
            count -= rows;
            e->sample += rows;
            if (e->sample > S) {
                run_mean_step(e);
                transposed = 0;
            }
        }
        if (e->sample > S) {
            e->sample = 1;
            e->epoch++;
        }
    }
    return bad;
}

void engine_advance(engine *e)
{
    engine_advance_run(e, 1, NULL);
}
