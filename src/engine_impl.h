/* engine_impl.h - what the engine's own files share and nothing else
 * includes: the engine's state, the arithmetic every path runs through,
 * and the pass builder.  Not part of the engine's interface. */
#ifndef BACKSTEP_ENGINE_IMPL_H
#define BACKSTEP_ENGINE_IMPL_H

#include <stddef.h>
#include "engine.h"

/* Upper bound of the history ring, in bytes (at least HIST_MIN passes). */
#define HIST_BYTES (8u << 20)
#define HIST_MIN 16
#define HIST_MAX 100000

/* Pass storage of one weight layer.  Weight-shaped arrays are laid out in
 * the view convention; vectors are the same in both. */
typedef struct {
    double *w, *b;            /* W and b at the pass start */
    double *z, *gp, *delta;   /* sums, g′(z), δ */
    double *copy, *grad;      /* Δ (δ copied) and G */
    double *sum, *mean;       /* batch: ΣG with this sample, Ḡ */
    double *bsum, *bmean;     /* batch: the same for the bias */
    double *wnew, *bnew;      /* W⁺ and b⁺ */
    double *wnext;            /* W⁺ in the canonical layout, for the loss after it */
    double *dot;              /* softmax without a fused loss: yᵀ·∂E/∂y */
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

    /* the trainer's own storage, so training never touches the pass (laid
     * out by engine_train_layout): each vector holds one row per sample of
     * a block, ENGINE_BLOCK rows in batch mode, one in online mode */
    double *scratch;
    double *ta[ENGINE_MAX_LAYERS + 1], *tz[ENGINE_MAX_LAYERS + 1], *tin[ENGINE_MAX_LAYERS + 1];
    double *tgp[ENGINE_MAX_LAYERS + 1], *td[ENGINE_MAX_LAYERS + 1];
    double *wt[ENGINE_MAX_LAYERS]; /* batch: Wᵀ of each layer, to send a block down */
    double *keep;                  /* the trainer's checkpoint: parameters, accumulators */
    int keep_epoch, keep_sample;

    /* ring of pass-start snapshots: params, then accumulators */
    double *hist;
    int *hist_epoch, *hist_sample;
    size_t snap_len;
    int hist_cap, hist_first, hist_len;
};

/* snprintf that never leaves half a UTF-8 character at the end. */
void engine_fmt(char *buf, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

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

/* E of one sample from the output layer's sums z, values y and targets t. */
double engine_net_loss(const engine_net *net, const double *z, const double *y, const double *t);
/* yᵀ·g, the scalar the softmax's Jacobian subtracts, summed in order. */
double engine_softmax_dot(const double *y, const double *g, int n);
/* Why this loss cannot follow this output activation (a static string). */
const char *engine_loss_rule(engine_loss loss, engine_act out);
/* Forward pass: a[0] must hold the input; fills z[1..L], a[1..L]. */
void engine_net_forward(const engine_net *net, double *const *a, double *const *z);
/* Backward pass with the weights as they stand: in[L-1..1], gp[1..L],
 * delta[1..L]; when full, also in[0] (the gradient for the input) and, under
 * a fused loss, in[L] = ∂E/∂y, which nothing else needs. */
void engine_net_backward(const engine_net *net, double *const *a, double *const *z,
                         const double *t, double *const *in, double *const *gp,
                         double *const *delta, int full);
/* Mean loss; when signs is not NULL, records the sign (-1, 0, 1) of every
 * relu/leaky_relu pre-activation of every sample, for kink detection. */
double engine_net_mean_loss_signs(const engine_net *net, signed char *signs);
/* The symbol of an activation in formulas: "σ", "tanh"; "" for linear. */
const char *engine_act_symbol(engine_act a);

/* Builds every step of the current pass; allocates nothing. */
void engine_pass_build(engine *e);

/* Samples a batch-mode trainer takes through each layer at once. */
enum { ENGINE_BLOCK = 16 };
/* Lays the trainer's storage out from base (counting only when base is
 * NULL); returns its size in doubles.  engine_new allocates it. */
size_t engine_train_layout(engine *e, double *base);
/* Runs `count` samples from the current one without steps, updating as
 * the mode says and moving on through the epochs; when loss is not NULL,
 * adds each sample's loss at its pass start to *loss, in order.  Returns
 * 1 when the loss of one of them was not finite (known without computing
 * the losses when they are plainly finite), else 0. */
int engine_advance_run(engine *e, long count, double *loss);
/* Runs the current pass without steps and moves to the next sample. */
void engine_advance(engine *e);

#endif
