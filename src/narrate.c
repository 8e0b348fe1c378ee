/* narrate.c - the built-in explanation of each kind of step.
 *
 * Every sentence is built from the step itself (its layer, its convention)
 * and the network's widths, so the words always agree with the matrices on
 * screen: in the columns convention W_jk of a 2-3-2 network is 3×2, in the
 * rows convention it is 2×3, and the narration says which and why. */
#include "narrate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Index letter of layer l (0 = input): x_i, h_j, y_k, then l, m, ... */
static char layer_letter(int l)
{
    static const char letters[] = "ijklmnopq";
    return (l >= 0 && l < (int)sizeof letters - 1) ? letters[l] : '?';
}

/* Text being built in a caller's buffer; stops cleanly when full. */
typedef struct {
    char *buf;
    size_t size, len;
} out_buf;

static void say(out_buf *o, const char *fmt, ...)
{
    if (o->size == 0 || o->len + 1 >= o->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->buf[o->len] = '\0';
        return;
    }
    if ((size_t)n < o->size - o->len) {
        o->len += (size_t)n;
        return;
    }
    /* Truncated: drop a UTF-8 sequence that was cut short. */
    size_t len = o->size - 1, p = len;
    while (p > 0 && ((unsigned char)o->buf[p - 1] & 0xC0) == 0x80)
        p--;
    if (p > 0 && (unsigned char)o->buf[p - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)o->buf[p - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (p - 1 + want > len)
            len = p - 1;
    }
    o->len = len;
    o->buf[len] = '\0';
}

/* Names and shapes of layer N of the network, in the step's convention. */
typedef struct {
    int n, below, above;   /* width of layer N, of layer N-1, of the output */
    int first, last;       /* N is 1, N is L */
    int cols;              /* columns convention */
    const char *conv;      /* "columns" / "rows" */
    char w[16];            /* W_jk */
    char g[16];            /* G_jk */
    char delta[16];        /* δ_k */
    char a_below[24];      /* h_j, x_i */
    char a_here[24];       /* y_k, h_j */
    char wshape[24];       /* 3×2 */
    char wtshape[24];      /* 2×3 */
} layer_words;

/* Name of the activations of layer l: x_i, h_j (h¹_j, h²_k, ... when there
 * are several hidden layers), y_k. */
static void act_name(char *buf, size_t size, int l, int layers)
{
    static const char *const sup[] = {"", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸"};
    if (l == 0)
        snprintf(buf, size, "x_%c", layer_letter(0));
    else if (l == layers)
        snprintf(buf, size, "y_%c", layer_letter(l));
    else if (layers > 2 && l < 9)
        snprintf(buf, size, "h%s_%c", sup[l], layer_letter(l));
    else
        snprintf(buf, size, "h_%c", layer_letter(l));
}

static void words_for(layer_words *w, const engine_step *s, const engine_net *net)
{
    int N = s->layer;
    if (N < 1)
        N = net->layers;
    if (N > net->layers)
        N = net->layers;
    memset(w, 0, sizeof *w);
    w->n = net->width[N];
    w->below = net->width[N - 1];
    w->above = net->width[net->layers];
    w->first = N == 1;
    w->last = N == net->layers;
    w->cols = s->convention == CONV_COLUMNS;
    w->conv = engine_conv_name(s->convention);
    char lo = layer_letter(N - 1), hi = layer_letter(N);
    snprintf(w->w, sizeof w->w, "W_%c%c", lo, hi);
    snprintf(w->g, sizeof w->g, "G_%c%c", lo, hi);
    snprintf(w->delta, sizeof w->delta, "δ_%c", hi);
    act_name(w->a_below, sizeof w->a_below, N - 1, net->layers);
    act_name(w->a_here, sizeof w->a_here, N, net->layers);
    int r = w->cols ? w->below : w->n, c = w->cols ? w->n : w->below;
    snprintf(w->wshape, sizeof w->wshape, "%d×%d", r, c);
    snprintf(w->wtshape, sizeof w->wtshape, "%d×%d", c, r);
}

/* "one number per output unit" and friends. */
static const char *unit_kind(const layer_words *w, int below)
{
    if (below)
        return w->first ? "input" : "unit below";
    return w->last ? "output unit" : "hidden unit";
}

static void narrate_sum(out_buf *o, const layer_words *w, const engine_net *net)
{
    if (w->cols)
        say(o, "Each %s adds up the outputs of the layer below, each times the weight "
               "in its column: z = %sᵀ·%s. In the columns convention %s is %s "
               "(%d input%s, %d unit%s), so its transpose is %s and (%s)·(%d) gives a "
               "%d-vector, one number per %s.",
            unit_kind(w, 0), w->w, w->a_below, w->w, w->wshape, w->below,
            w->below == 1 ? "" : "s", w->n, w->n == 1 ? "" : "s", w->wtshape, w->wtshape, w->below, w->n, unit_kind(w, 0));
    else
        say(o, "Each %s adds up the outputs of the layer below, each times the weight "
               "in its row: z = %s·%s. In the rows convention %s is %s (%d unit%s, "
               "%d input%s), so (%s)·(%d) gives a %d-vector, one number per %s.",
            unit_kind(w, 0), w->w, w->a_below, w->w, w->wshape, w->n,
            w->n == 1 ? "" : "s", w->below, w->below == 1 ? "" : "s",
            w->wshape, w->below, w->n, unit_kind(w, 0));
    if (net->has_bias)
        say(o, " The bias, also a %d-vector, is added to it.", w->n);
}

static void narrate_activation(out_buf *o, const layer_words *w, engine_act act)
{
    if (act == ACT_SOFTMAX)
        say(o, "Softmax turns the whole vector z into probabilities that add up to "
               "1, so %s is a %d-vector like z.", w->a_here, w->n);
    else if (act == ACT_LINEAR)
        say(o, "This layer is linear: %s = z, a %d-vector, and later g′(z) = 1.",
            w->a_here, w->n);
    else
        say(o, "The %s acts on each element of z on its own, so %s has the shape of "
               "z: a %d-vector.", engine_act_name(act), w->a_here, w->n);
    say(o, " Vectors look the same in the rows and columns conventions (%s here).",
        w->conv);
    if (!w->last)
        say(o, " Keep %s in mind: it comes back in the gradient of the layer above.",
            w->a_here);
}

static void narrate_loss(out_buf *o, const layer_words *w, const engine_net *net)
{
    if (net->loss == LOSS_CROSS_ENTROPY)
        say(o, "Cross-entropy compares the %d probabilities %s with the target t: "
               "E = −Σ t·log y, one number for this sample.", w->above, w->a_here);
    else
        say(o, "Squared error compares the %d outputs %s with the target t: "
               "E = ½ Σ (y − t)², one number for this sample; the ½ makes its "
               "derivative simply y − t.", w->above, w->a_here);
    say(o, " A scalar has no convention: rows and columns give the same E (%s here).",
        w->conv);
}

static void narrate_delta(out_buf *o, const layer_words *w, const engine_net *net)
{
    if (w->last) {
        if (net->loss == LOSS_CROSS_ENTROPY)
            say(o, "The incoming gradient at the output is ∂E/∂%s = −t/y: ", w->a_here);
        else
            say(o, "The incoming gradient at the output is ∂E/∂%s = y − t: ", w->a_here);
        say(o, "a %d-vector, one number per output unit. It must have the shape of "
               "%s, or it could not match the output units.", w->n, w->a_here);
    } else {
        say(o, "What the layer above sent down: ∂E/∂%s, a %d-vector, one number per "
               "unit of this layer.", w->a_here, w->n);
    }
    say(o, " A vector is the same in the rows and columns conventions (%s here).",
        w->conv);
}

static void narrate_derivative(out_buf *o, const layer_words *w, engine_act act)
{
    switch (act) {
    case ACT_SOFTMAX:
        say(o, "Softmax mixes its inputs, so the incoming gradient goes through its "
               "Jacobian: %s = J(z)ᵀ·∂E/∂%s, still a %d-vector. With cross-entropy "
               "this is simply y − t.", w->delta, w->a_here, w->n);
        break;
    case ACT_LINEAR:
        say(o, "Multiply the incoming gradient element by element with g′(z). The "
               "layer is linear, so g′ = 1 and %s equals the incoming gradient, a "
               "%d-vector.", w->delta, w->n);
        break;
    default:
        say(o, "Multiply the incoming gradient element by element with the %s's "
               "derivative g′(z): %s = ∂E/∂%s ⊙ g′(z), a %d-vector, one number per "
               "unit.", engine_act_name(act), w->delta, w->a_here, w->n);
        break;
    }
    say(o, " Element by element works the same in the rows and columns conventions "
           "(%s here).", w->conv);
}

static void narrate_copy(out_buf *o, const layer_words *w)
{
    if (w->cols)
        say(o, "Make a new matrix the shape of %s (%s) and copy %s into every row. "
               "Columns convention: each neuron's weights towards the previous layer "
               "stand in a column, so a column of %s belongs to one %s.",
            w->w, w->wshape, w->delta, w->g, unit_kind(w, 0));
    else
        say(o, "Make a new matrix the shape of %s (%s) and copy %s into every column. "
               "Rows convention: each neuron's weights towards the previous layer "
               "stand in a row, so a row of %s belongs to one %s.",
            w->w, w->wshape, w->delta, w->g, unit_kind(w, 0));
}

static void narrate_gradient(out_buf *o, const layer_words *w)
{
    const char *lo = strchr(w->a_below, '_');
    char idx = lo ? lo[1] : 'i';
    const char *below = w->first ? "inputs" : "units below";
    if (w->cols)
        say(o, "Multiply every column, component-wise, by %s: row %c is scaled by "
               "%s, the output of unit %c below, so row %c becomes %s·%sᵀ. %s is %s, "
               "exactly the shape of %s (columns convention: %d rows for the %d %s, "
               "%d columns for the %d units).",
            w->a_below, idx, w->a_below, idx, idx, w->a_below, w->delta, w->g,
            w->wshape, w->w, w->below, w->below, below, w->n, w->n);
    else
        say(o, "Multiply every row, component-wise, by %sᵀ: column %c is scaled by "
               "%s, the output of unit %c below, so column %c becomes %s·%s. %s is "
               "%s, exactly the shape of %s (rows convention: %d rows for the %d "
               "units, %d columns for the %d %s).",
            w->a_below, idx, w->a_below, idx, idx, w->delta, w->a_below, w->g,
            w->wshape, w->w, w->n, w->n, w->below, w->below, below);
    say(o, "\n\nEvery weight needs its own slope, so the gradient has one number per "
           "weight: %s = %d of them, the outer product of %s and %s. A %d×1 result "
           "would be wrong: it comes from chaining the factors as matrix products, "
           "which sums away the dimension that %s supplies, and %s − η·G would then "
           "not even be defined.",
        w->wshape, w->below * w->n, w->a_below, w->delta,
        w->cols ? w->below : w->n, w->cols ? w->delta : w->a_below, w->w);
}

static void narrate_bias_grad(out_buf *o, const layer_words *w, const engine_net *net)
{
    say(o, "Each bias is added to its unit's sum with weight 1, so ∂E/∂b = %s: a "
           "%d-vector, the shape of b in the rows and columns conventions alike (%s "
           "here). Unlike the weight gradient, nothing is scaled by %s: the input of a "
           "bias is always 1.", w->delta, w->n, w->conv, w->a_below);
    if (!net->train_bias)
        say(o, " This lesson freezes the biases, so the gradient is shown but not used.");
}

static void narrate_send(out_buf *o, const layer_words *w)
{
    if (w->cols)
        say(o, "The gradient for the layer below: %s·%s is (%s)·(%d), a %d-vector, one "
               "number per %s. Columns convention: row i of %s holds the weights "
               "leaving %s, so %s itself (no transpose) gathers what each of them "
               "caused.", w->w, w->delta, w->wshape, w->n, w->below, unit_kind(w, 1),
            w->w, w->a_below, w->w);
    else
        say(o, "The gradient for the layer below: %sᵀ·%s is (%s)·(%d), a %d-vector, one "
               "number per %s. Rows convention: column i of %s holds the weights "
               "leaving %s, so the transpose gathers what each of them caused.",
            w->w, w->delta, w->wtshape, w->n, w->below, unit_kind(w, 1), w->w,
            w->a_below);
    if (w->first)
        say(o, " This is the gradient with respect to the input %s: nothing below uses "
               "it here, but a deeper network would pass it on.", w->a_below);
    else
        say(o, " It becomes the incoming gradient of the layer below.");
}

static void narrate_mean(out_buf *o, const layer_words *w, const engine_net *net)
{
    say(o, "Batch mode: the gradients of the %d sample%s are averaged, G = (1/%d) Σ G_s. "
           "Each is %s like %s in the %s convention, so the mean is %s too, and the "
           "weights change once per epoch.", net->samples, net->samples == 1 ? "" : "s",
        net->samples, w->wshape, w->w, w->conv, w->wshape);
}

static void narrate_mean_bias(out_buf *o, const layer_words *w, const engine_net *net)
{
    say(o, "Batch mode: the bias gradients of the %d sample%s are averaged, one number per "
           "unit, a %d-vector in the %s convention like every vector. The biases change once "
           "per epoch, with the weights.", net->samples, net->samples == 1 ? "" : "s", w->n,
        w->conv);
}

static void narrate_update(out_buf *o, const layer_words *w, const engine_net *net)
{
    say(o, "Subtract η times the gradient: %s − %g·%s. Both are %s in the %s "
           "convention, so the subtraction is element by element and every weight "
           "moves against its own slope.", w->w, net->learning_rate, w->g, w->wshape,
        w->conv);
}

static void narrate_update_bias(out_buf *o, const layer_words *w, const engine_net *net)
{
    say(o, "Subtract η times the bias gradient: b − %g·∂E/∂b, both %d-vectors in the "
           "rows and columns conventions alike (%s here). Each bias moves against its "
           "own slope, the δ of its unit.", net->learning_rate, w->n, w->conv);
}

size_t narrate_step(const engine_step *s, const engine_net *net, char *buf, size_t size)
{
    out_buf o = {buf, size, 0};
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (!s || !net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS)
        return 0;
    layer_words w;
    words_for(&w, s, net);
    int N = s->layer >= 1 && s->layer <= net->layers ? s->layer : net->layers;
    engine_act act = net->act[N - 1];
    switch (s->kind) {
    case STEP_SUM: narrate_sum(&o, &w, net); break;
    case STEP_ACTIVATION: narrate_activation(&o, &w, act); break;
    case STEP_LOSS: narrate_loss(&o, &w, net); break;
    case STEP_DELTA: narrate_delta(&o, &w, net); break;
    case STEP_DERIVATIVE: narrate_derivative(&o, &w, act); break;
    case STEP_GRAD_COPY: narrate_copy(&o, &w); break;
    case STEP_GRADIENT: narrate_gradient(&o, &w); break;
    case STEP_BIAS_GRAD: narrate_bias_grad(&o, &w, net); break;
    case STEP_SEND: narrate_send(&o, &w); break;
    case STEP_BATCH_MEAN: narrate_mean(&o, &w, net); break;
    case STEP_MEAN_BIAS: narrate_mean_bias(&o, &w, net); break;
    case STEP_UPDATE: narrate_update(&o, &w, net); break;
    case STEP_UPDATE_BIAS: narrate_update_bias(&o, &w, net); break;
    default: break;
    }
    return o.len;
}
