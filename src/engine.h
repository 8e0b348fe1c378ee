/* engine.h - backstep's stepping backprop engine.
 *
 * The engine owns a small fully connected network and turns one forward and
 * one backward pass over one sample into a list of steps, each a value that
 * can be inspected, printed and highlighted.  It does no I/O and knows
 * nothing of curses.
 *
 * Storage: every weight matrix is kept in the canonical "columns" layout,
 * width[N-1] x width[N], row-major, so w[i*width[N] + j] joins unit i of the
 * layer below to unit j of layer N.  The convention only changes how steps
 * present the numbers (rows = the transpose), never the numbers.
 */
#ifndef BACKSTEP_ENGINE_H
#define BACKSTEP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

enum {
    ENGINE_MAX_LAYERS = 8,     /* weight layers */
    ENGINE_MAX_WIDTH = 64,     /* units in any layer */
    ENGINE_MAX_SAMPLES = 1000, /* samples in a lesson */
    ENGINE_MAX_OPERANDS = 4,   /* operands of one step */
    ENGINE_NAME_SIZE = 32,     /* bytes for a tensor name, UTF-8 */
};

/* Activation of one weight layer. */
typedef enum {
    ACT_LINEAR,
    ACT_SIGMOID,
    ACT_TANH,
    ACT_RELU,
    ACT_LEAKY_RELU, /* slope 0.01 below zero */
    ACT_SOFTMAX,    /* output layer only, with cross_entropy */
    ACT_COUNT
} engine_act;

/* Loss of one sample. */
typedef enum {
    LOSS_MSE,           /* E = 1/2 sum (y - t)^2 */
    LOSS_CROSS_ENTROPY, /* E = -sum t log y */
    LOSS_COUNT
} engine_loss;

/* Where each neuron's weights towards the previous layer stand. */
typedef enum {
    CONV_COLUMNS, /* W is inputs x outputs; z = W^T a; G = delta copied into rows */
    CONV_ROWS,    /* W is outputs x inputs; z = W a;   G = delta copied into columns */
    CONV_COUNT
} engine_conv;

/* When the weights change. */
typedef enum {
    MODE_ONLINE, /* after every sample */
    MODE_BATCH,  /* once per epoch, with the mean gradient */
    MODE_COUNT
} engine_mode;

/* A network and its samples, as a lesson describes it. */
typedef struct {
    int layers;                         /* weight layers L, 1..ENGINE_MAX_LAYERS */
    int width[ENGINE_MAX_LAYERS + 1];   /* width[0] inputs .. width[L] outputs */
    engine_act act[ENGINE_MAX_LAYERS];  /* act[N-1] is weight layer N's activation */
    engine_loss loss;
    engine_conv convention;             /* how the lesson writes W; the default view */
    engine_mode mode;
    double learning_rate;               /* eta > 0 */
    int has_bias;                       /* biases exist */
    int train_bias;                     /* biases are updated (frozen when 0) */
    double *weights[ENGINE_MAX_LAYERS]; /* canonical layout, see above */
    double *biases[ENGINE_MAX_LAYERS];  /* width[N] each; NULL without biases */
    int samples;                        /* 1..ENGINE_MAX_SAMPLES */
    double *inputs;                     /* samples x width[0] */
    double *targets;                    /* samples x width[L] */
} engine_net;

/* Checks the shape fields of a net; returns NULL or a static reason. */
const char *engine_net_validate(const engine_net *net);
/* Allocates weights, biases (when has_bias), inputs and targets for the
 * shape fields already set; all zero.  Returns 0, or -1 when out of memory. */
int engine_net_alloc(engine_net *net);
/* Deep copy of src into dst (dst's old arrays are not freed).  0 or -1. */
int engine_net_copy(engine_net *dst, const engine_net *src);
/* Frees the arrays of a net and zeroes the pointers. */
void engine_net_free(engine_net *net);
/* Number of trainable parameters: every weight, plus biases when present. */
int engine_net_params(const engine_net *net);
/* Mean loss over all samples with the net's current weights. */
double engine_net_mean_loss(const engine_net *net);
/* Loss of one sample with the net's current weights. */
double engine_net_sample_loss(const engine_net *net, int sample);

/* The project's own generator, so a seed gives the same weights everywhere. */
typedef struct {
    uint64_t s[2];
} engine_rng;
/* Seeds the generator (splitmix64 expansion of seed). */
void engine_rng_seed(engine_rng *rng, uint64_t seed);
/* Next double, uniform in [0, 1). */
double engine_rng_uniform(engine_rng *rng);
/* Glorot uniform init of weight layer N (1-based) of net from rng. */
void engine_glorot(engine_net *net, int layer, engine_rng *rng);

/* Names of activations, losses, conventions and modes as lessons spell them. */
const char *engine_act_name(engine_act a);
const char *engine_loss_name(engine_loss l);
const char *engine_conv_name(engine_conv c);
const char *engine_mode_name(engine_mode m);
/* The index letter of layer l, 0 = input: i, j, k, … q (the names W_ij,
 * h_j, δ_k are built from it); '?' out of range. */
char engine_layer_letter(int l);

/* Which part of the pass a step belongs to. */
typedef enum { PHASE_FORWARD, PHASE_BACKWARD, PHASE_UPDATE, PHASE_COUNT } engine_phase;
/* Name of a phase: "forward", "backward", "update". */
const char *engine_phase_name(engine_phase p);

/* Which kind of step this is; the id names it for lessons and output, and
 * the step table (ops.h) holds its id pattern, phase and title. */
typedef enum {
    STEP_SUM,         /* forward.N.sum        z = W^T a (+ b) */
    STEP_ACTIVATION,  /* forward.N.activation a = g(z) */
    STEP_LOSS,        /* loss                 E for this sample */
    STEP_DELTA,       /* backward.L.delta     dE/dy at the output (output layer only) */
    STEP_DERIVATIVE,  /* backward.N.activation delta from what arrived at layer N */
    STEP_GRAD_COPY,   /* backward.N.gradient.copy  delta copied into every row */
    STEP_GRADIENT,    /* backward.N.gradient  that matrix scaled by a below */
    STEP_BIAS_GRAD,   /* backward.N.bias      dE/db = delta */
    STEP_SEND,        /* backward.N.send      W delta sent to the layer below */
    STEP_BATCH_MEAN,  /* batch.N.mean         mean gradient over the samples */
    STEP_MEAN_BIAS,   /* batch.N.mean.bias    mean bias gradient over the samples */
    STEP_UPDATE,      /* update.N             W - eta G */
    STEP_UPDATE_BIAS, /* update.N.bias        b - eta dE/db */
    STEP_KIND_COUNT
} engine_step_kind;

/* The operation that makes a step's result from its operands, in the
 * order the operands stand (lessons/README.md documents each).  The op
 * table (ops.h) holds its arithmetic, glyphs, formula and words. */
typedef enum {
    OP_MATVEC,          /* M·v               [M, v] */
    OP_MATVEC_T,        /* Mᵀ·v              [M, v] */
    OP_AFFINE,          /* M·v + b           [M, v, b] */
    OP_AFFINE_T,        /* Mᵀ·v + b          [M, v, b] */
    OP_ACT,             /* f(z), the step's activation  [z] */
    OP_HADAMARD,        /* a ⊙ b             [a, b] */
    OP_SOFTMAX_BACK,    /* y ⊙ (g − s), s = yᵀ·g  [g, y, s] */
    OP_SOFTMAX_CE,      /* y − t, δ of softmax under cross-entropy  [y, t] */
    OP_LOSS_MSE,        /* ½ Σ (y − t)²      [y, t] */
    OP_LOSS_CE,         /* −Σ t·log y        [y, t] */
    OP_LOSS_SOFTMAX_CE, /* −Σ t·log softmax(z), from the logits  [z, t] */
    OP_MSE_GRAD,        /* y − t             [y, t] */
    OP_CE_GRAD,         /* −t / y, 0 where t = 0  [y, t] */
    OP_COPY_ROWS,       /* v in every row    [v] */
    OP_COPY_COLS,       /* v in every column [v] */
    OP_SCALE_ROWS,      /* R[r][c] = A[r][c]·v[r]  [A, v] */
    OP_SCALE_COLS,      /* R[r][c] = A[r][c]·v[c]  [A, v] */
    OP_IDENTITY,        /* v                 [v] */
    OP_MEAN,            /* A / S             [A, S] */
    OP_SGD,             /* W − η·G           [W, η, G] */
    OP_COUNT
} engine_op;

/* A scalar, vector or matrix shown by a step, in the step's convention. */
typedef struct {
    char name[ENGINE_NAME_SIZE]; /* UTF-8, e.g. "W_jk", "δ_k", "g′(z_k)" */
    int rank;                    /* 0 scalar, 1 vector, 2 matrix */
    int rows, cols;              /* vector: rows = n, cols = 1; scalar: 1, 1 */
    const double *v;             /* rows*cols values, row-major */
} engine_tensor;

/* One observable stage of a pass. */
typedef struct {
    char id[32];        /* stable id: "forward.1.sum", "backward.2.gradient", "loss" */
    engine_step_kind kind;
    engine_op op;       /* how the result is made from the operands, in their order */
    engine_phase phase;
    int layer;          /* weight layer 1..L; 0 for the loss */
    int epoch;          /* 1-based */
    int sample;         /* 1-based */
    engine_conv convention; /* the convention the tensors are laid out in */
    char title[96];     /* "Gradient for W_jk, beat 1: copy δ_k into every row" */
    char formula[128];  /* "G_jk = Δ_jk, row j × h_j", from the op's row */
    char shapes[96];    /* "(3×2)·(2) → (3)", from the op's row */
    int n_operands;
    engine_tensor operand[ENGINE_MAX_OPERANDS];
    engine_tensor result;
    int nonfinite;      /* the result holds inf or nan */
    engine_act act;     /* activation of weight layer `layer` (the output's for the loss) */
    engine_loss loss;   /* the network's loss, which shapes the loss and first delta */
} engine_step;

/* One operand element that went into a result element. */
typedef struct {
    int operand; /* index into step->operand */
    int index;   /* row-major index into that operand's values */
} engine_use;

/* Writes the arithmetic that made result element `index` of step s, with
 * real numbers at `decimals` places, e.g.
 * "G[2][1] = h_2 · δ_1 = 0.5969 × −0.2171 = −0.1296" (indices 1-based,
 * UTF-8, truncated with "…" to fit size).  Stores up to max_uses operand
 * elements it used in uses; returns how many there are in all. */
int engine_step_explain(const engine_step *s, int index, int decimals,
                        char *buf, size_t size, engine_use *uses, int max_uses);
/* The same text with the numbers' digits written as 0s (printed only where
 * rounding may carry a digit): as many bytes and columns, for measuring
 * it without printing the numbers. */
int engine_step_explain_measure(const engine_step *s, int index, int decimals, char *buf,
                                size_t size);

/* The scalar chain rule under one element of a gradient, as data. */
enum {
    ENGINE_CHAIN_NAME = 48,     /* bytes for a factor's name */
    ENGINE_CHAIN_FACTORS = 512, /* factors in all, nested ones included */
    ENGINE_CHAIN_TERMS = 256,   /* terms of all the sums */
    ENGINE_CHAIN_TOP = 8,       /* factors of the top-level product */
};
/* A number with a name, or a sum: then it has terms, each a product. */
typedef struct {
    char name[ENGINE_CHAIN_NAME]; /* "x_1", "g′(z_2)", "Σ_k W_jk[2][k]·δ_k", "(y_1 − t_1)" */
    double value;                 /* the pass's own number (a sum: what was sent down) */
    int first_term, terms;        /* the sum's terms in chain->term; terms = 0 for a number */
} engine_factor;
/* One term of a sum: the product of its factors. */
typedef struct {
    int first_factor, factors;    /* in chain->factor */
    double value;                 /* W·δ as the send computed it */
} engine_term;
/* ∂E/∂W[r][c] = the product of top-level factors, e.g. for the question
 * ∂E/∂W_ij[1][2] = x_1 · g′(z_2) · Σ_k W_jk[2][k]·δ_k. */
typedef struct {
    char name[ENGINE_CHAIN_NAME]; /* "∂E/∂W_ij[1][2]", indices in the step's layout */
    int row, col;                 /* the element, 0-based, in the step's layout */
    double value;                 /* the element */
    int factors, top[ENGINE_CHAIN_TOP]; /* the top-level product: factor[top[0..factors-1]] */
    int depth;                    /* layers expanded: 0 = a·δ, 1 = a·g′·(what arrived), … */
    int collapsed;                /* 1 when the pool kept a deeper δ whole */
    int n_factor, n_term;         /* pool use */
    engine_factor factor[ENGINE_CHAIN_FACTORS];
    engine_term term[ENGINE_CHAIN_TERMS];
} engine_chain;

/* The stepping engine over one network.  Opaque. */
typedef struct engine engine;

/* Creates an engine on a copy of net, showing steps in convention view.
 * Returns NULL when out of memory or when engine_net_validate fails. */
engine *engine_new(const engine_net *net, engine_conv view);
/* Frees the engine. */
void engine_free(engine *e);

/* The network as it stands at the start of the current pass. */
const engine_net *engine_network(const engine *e);
/* Replaces the network (after an edit) and resets to the lesson's start. 0 or -1. */
int engine_replace(engine *e, const engine_net *net);

/* Steps in the current pass (one sample; in batch mode the last sample's pass
 * also holds the batch means and the updates). */
int engine_step_count(const engine *e);
/* Index of the current step in the pass, 0-based. */
int engine_step_index(const engine *e);
/* Step i of the current pass, or NULL when out of range. */
const engine_step *engine_step_at(const engine *e, int i);
/* The current step. */
const engine_step *engine_current(const engine *e);

/* Moves to the next step; past the end of a pass it applies the pass's
 * updates and begins the next sample (or epoch).  Returns 1 when it moved. */
int engine_next(engine *e);
/* Moves back one step, across passes too, restoring bit-identical state.
 * Returns 0 at the lesson's start or at the history limit. */
int engine_prev(engine *e);
/* Moves to step i of the current pass (clamped). */
void engine_goto(engine *e, int i);
/* Moves to the step with this id in the current pass; returns 0 when absent. */
int engine_seek(engine *e, const char *id);
/* Finishes this pass and moves to the first step of the next sample's pass. */
void engine_next_sample(engine *e);
/* Goes back to the lesson's start: first epoch, first sample, first step. */
void engine_reset(engine *e);
/* Lays the steps out in another convention; the cursor stays put. */
void engine_set_convention(engine *e, engine_conv c);
/* The convention the steps are laid out in. */
engine_conv engine_convention(const engine *e);
/* Current epoch and sample, 1-based. */
int engine_epoch(const engine *e);
int engine_sample(const engine *e);
/* Loss of the current sample at the start of the pass. */
double engine_pass_loss(const engine *e);
/* The loss of this pass's sample with the updates of steps 0..step of the
 * pass applied (none before the first update step): what the sample's
 * loss becomes once those updates are made. */
double engine_loss_after(const engine *e, int step);
/* The mean loss over all samples with the same updates applied. */
double engine_mean_loss_after(const engine *e, int step);
/* Passes that engine_prev can still go back across. */
int engine_history_depth(const engine *e);

/* The chain rule under element `index` (in the step's layout) of step
 * `step` of the current pass, a backward.N.gradient or backward.N.bias
 * step: depth 0 gives a·δ (the outer product's element), 1 (the usual)
 * a·g′(z)·(what arrived), and each further level expands the δ inside the
 * sum one layer further up.  Returns 0, or -1 for another kind of step or
 * an index out of range. */
int engine_chain_of(const engine *e, int step, int index, int depth, engine_chain *c);
/* Writes the chain as names ("∂E/∂W_ij[1][2] = x_1·g′(z_2)·Σ_k …") or,
 * when numbers, as numbers at `decimals` places ending in "= value". */
size_t engine_chain_text(const engine_chain *c, int decimals, int numbers, char *buf, size_t size);
/* The product of the top-level factors' values, left to right. */
double engine_chain_product(const engine_chain *c);

/* Vectors of the current pass, for drawing the network. */
typedef enum {
    VALUES_ACTIVATION, /* a_l, l = 0 (input) .. L (output) */
    VALUES_SUM,        /* z_l, l = 1 .. L */
    VALUES_INCOMING,   /* dE/da_l, l = 0 .. L (l = 0: gradient wrt the input) */
    VALUES_DELTA,      /* delta_l = dE/dz_l, l = 1 .. L */
} engine_values_kind;
/* Values of layer l (width[l] of them), or NULL when l is out of range. */
const double *engine_values(const engine *e, engine_values_kind kind, int layer);

/* Trains `epochs` epochs from the current pass's starting state without
 * recording steps, then sits at the first step of the next pass.  When
 * loss_per_epoch is not NULL it receives the mean loss seen in each epoch.
 * No allocation happens inside.  Returns the 0-based epoch in which a value
 * first stopped being finite, or -1. */
long engine_train(engine *e, long epochs, double *loss_per_epoch);

/* The verdict on one row of the gradient check. */
typedef enum {
    CHECK_PENDING,    /* not checked yet */
    CHECK_GOOD,       /* backprop and the numeric derivative agree within its error */
    CHECK_WRONG,      /* they differ by more: a failure */
    CHECK_NONFINITE,  /* one of them is inf or nan: a failure */
    CHECK_KINK,       /* exempt: a relu unit sits on its kink, the slope is not one number */
    CHECK_NEGLIGIBLE, /* exempt: both below what the loss's rounding lets a difference see */
    CHECK_STATUS_COUNT
} engine_check_status;

/* One row of the gradient check. */
typedef struct {
    int layer;       /* weight layer 1..L */
    int is_bias;     /* 1 for a bias */
    int row, col;    /* canonical position: weight row = input i, col = output j; bias: row 0 */
    double analytic; /* backprop gradient of the mean loss */
    double numeric;  /* extrapolated central differences (Ridders) */
    double rel_error;/* |a - n| / max(|a|, |n|), 0 when both are 0 */
    int kink;        /* 1 when status is CHECK_KINK */
    double error;    /* how far off the numeric derivative can be (its estimate) */
    double floor;    /* the loss's rounding error divided by the step: below it
                        a derivative cannot be told from 0 */
    double step;     /* the smallest step h the numeric value used */
    double backprop_error; /* how far rounding can move the backprop gradient */
    double tolerance;/* the largest |a - n| that passes: 10 error + 2 floor
                        + backprop_error + 1e-8 max(|a|, |n|) */
    engine_check_status status;
} engine_check;

/* Kept for the screen's header line: the central-difference step the
 * check used before it chose its steps per parameter. */
#define ENGINE_CHECK_H 1e-5
/* The verdict's name: "good", "WRONG", "non-finite", "kink", "negligible". */
const char *engine_check_status_name(engine_check_status s);
/* 1 when a row fails the check (WRONG or non-finite): what decides the exit status. */
int engine_check_failed(const engine_check *c);
/* 1 when both gradients of a row are negligible: neither right nor wrong. */
int engine_check_negligible(const engine_check *c);
/* Sets rel_error, tolerance and status of a row from its analytic, numeric,
 * error and floor (a kink stays a kink): the one rule every verdict uses. */
void engine_check_judge(engine_check *c);
/* Why a row got its verdict, one sentence; returns its length. */
size_t engine_check_reason(const engine_check *c, char *buf, size_t size);

/* A gradient check in progress, done in slices.  Opaque. */
typedef struct engine_checker engine_checker;
/* Starts checking every weight and bias of the engine's current network
 * over all samples (computes the backprop gradients); NULL when out of memory. */
engine_checker *engine_check_begin(const engine *e);
/* Does at most `evaluations` loss evaluations (one forward pass over all
 * samples each) and returns the rows finished so far. */
int engine_check_run(engine_checker *c, long evaluations);
/* Finishes the next `parameters` rows; returns the rows finished so far. */
int engine_check_next(engine_checker *c, int parameters);
/* Rows in all, rows finished, loss evaluations done. */
int engine_check_total(const engine_checker *c);
int engine_check_done(const engine_checker *c);
long engine_check_evaluations(const engine_checker *c);
/* The rows, in order: layer 1's weights (canonical row-major), its biases,
 * then layer 2, ...; the first engine_check_done() of them are judged. */
const engine_check *engine_check_rows(const engine_checker *c);
/* Finished rows that failed. */
int engine_check_failures(const engine_checker *c);
/* Frees the check. */
void engine_check_end(engine_checker *c);
/* The whole check at once: fills up to max rows; returns how many
 * parameters there are, or -1 when out of memory. */
int engine_gradcheck(const engine *e, engine_check *rows, int max);

#endif
