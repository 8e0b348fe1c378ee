/* narrate.c - the words for each kind of step: the lesson's note, with its
 * placeholders filled by the engine's current numbers, or the built-in
 * explanation.
 *
 * Every built-in sentence is built from the step itself (its layer, its
 * convention, its op) and the network's widths, so the words always agree
 * with the matrices on screen: in the columns convention W_jk of a 2-3-2
 * network is 3×2, in the rows convention it is 2×3, and the narration says
 * which and why.  A note never carries a number of its own: it names the
 * value ({y_k[1]}, {loss_after}) and gets today's. */
#include "narrate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "utf8.h"

/* Text being built in a caller's buffer; stops cleanly when full. */
typedef struct {
    char *buf;
    size_t size, len;
} out_buf;

/* Drops a UTF-8 character that a cut at len left incomplete. */
static size_t whole_chars(const char *s, size_t len)
{
    size_t p = len;
    while (p > 0 && utf8_is_cont((unsigned char)s[p - 1]))
        p--;
    if (p == 0)
        return len;
    uint32_t cp;
    return utf8_decode(s + p - 1, len - (p - 1), &cp) ? len : p - 1;
}

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
    o->len = whole_chars(o->buf, o->size - 1);
    o->buf[o->len] = '\0';
}

/* Names and shapes of layer N of the network, in the step's convention. */
typedef struct {
    int n, below, above;   /* width of layer N, of layer N-1, of the output */
    int first, last;       /* N is 1, N is L */
    int cols;              /* columns convention */
    const char *conv;      /* "columns" / "rows" */
    char lo, hi;           /* index letters of layers N-1 and N */
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
        snprintf(buf, size, "x_%c", engine_layer_letter(0));
    else if (l == layers)
        snprintf(buf, size, "y_%c", engine_layer_letter(l));
    else if (layers > 2 && l < 9)
        snprintf(buf, size, "h%s_%c", sup[l], engine_layer_letter(l));
    else
        snprintf(buf, size, "h_%c", engine_layer_letter(l));
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
    w->lo = engine_layer_letter(N - 1);
    w->hi = engine_layer_letter(N);
    snprintf(w->w, sizeof w->w, "W_%c%c", w->lo, w->hi);
    snprintf(w->g, sizeof w->g, "G_%c%c", w->lo, w->hi);
    snprintf(w->delta, sizeof w->delta, "δ_%c", w->hi);
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

typedef void narrator(out_buf *o, const layer_words *w, const engine_step *s,
                      const engine_net *net);

static void narrate_sum(out_buf *o, const layer_words *w, const engine_step *s,
                        const engine_net *net)
{
    (void)s;
    if (w->cols)
        say(o, "Each %s adds up the outputs of the layer below, each times the weight "
               "in its column: z = %sᵀ·%s. In the columns convention %s is %s "
               "(%d input%s, %d unit%s), so its transpose is %s and (%s)·(%d) gives a "
               "%d-vector, one number per %s.",
            unit_kind(w, 0), w->w, w->a_below, w->w, w->wshape, w->below,
            w->below == 1 ? "" : "s", w->n, w->n == 1 ? "" : "s", w->wtshape, w->wtshape,
            w->below, w->n, unit_kind(w, 0));
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

static void narrate_activation(out_buf *o, const layer_words *w, const engine_step *s,
                               const engine_net *net)
{
    (void)net;
    const ops_act_row *act = ops_act(s->act);
    if (!act->f)
        say(o, "Softmax turns the whole vector z into probabilities that add up to "
               "1, so %s is a %d-vector like z.", w->a_here, w->n);
    else if (!*act->symbol)
        say(o, "This layer is linear: %s = z, a %d-vector, and later g′(z) = 1.",
            w->a_here, w->n);
    else
        say(o, "The %s acts on each element of z on its own, so %s has the shape of "
               "z: a %d-vector.", act->title, w->a_here, w->n);
    say(o, " Vectors look the same in the rows and columns conventions (%s here).",
        w->conv);
    if (!w->last)
        say(o, " Keep %s in mind: it comes back in the gradient of the layer above.",
            w->a_here);
}

static void narrate_loss(out_buf *o, const layer_words *w, const engine_step *s,
                         const engine_net *net)
{
    (void)s;
    (void)w;
    say(o, "%s", ops_loss(net->loss)->explains);
    say(o, " A scalar has no convention: rows and columns give the same E (%s here).",
        w->conv);
}

static void narrate_delta(out_buf *o, const layer_words *w, const engine_step *s,
                          const engine_net *net)
{
    (void)net;
    if (s->op == OP_CE_GRAD)
        say(o, "The incoming gradient at the output is ∂E/∂%s = −t/y, 0 where the "
               "target is 0: ", w->a_here);
    else
        say(o, "The incoming gradient at the output is ∂E/∂%s = y − t: ", w->a_here);
    say(o, "a %d-vector, one number per output unit. It must have the shape of "
           "%s, or it could not match the output units.", w->n, w->a_here);
    say(o, " A vector is the same in the rows and columns conventions (%s here).",
        w->conv);
}

static void narrate_derivative(out_buf *o, const layer_words *w, const engine_step *s,
                               const engine_net *net)
{
    (void)net;
    const ops_act_row *act = ops_act(s->act);
    if (s->op == OP_SOFTMAX_CE)
        say(o, "Softmax mixes its inputs, so the incoming gradient goes through its "
               "Jacobian: %s = J(z)ᵀ·∂E/∂%s. With cross-entropy and targets that add up "
               "to 1 this is simply %s = y − t, a %d-vector, exact even where a "
               "probability rounds to 0.", w->delta, w->a_here, w->delta, w->n);
    else if (s->op == OP_SOFTMAX_BACK)
        say(o, "Softmax mixes its inputs, so the incoming gradient goes through its "
               "Jacobian: %s = y ⊙ (∂E/∂%s − s), where s = yᵀ·∂E/∂%s, still a %d-vector.",
            w->delta, w->a_here, w->a_here, w->n);
    else if (!*act->symbol)
        say(o, "Multiply the incoming gradient element by element with g′(z). The "
               "layer is linear, so g′ = 1 and %s equals the incoming gradient, a "
               "%d-vector.", w->delta, w->n);
    else
        say(o, "Multiply the incoming gradient element by element with the %s's "
               "derivative g′(z) = %s: %s = ∂E/∂%s ⊙ g′(z), a %d-vector, one number per "
               "unit.", act->title, act->slope_words, w->delta, w->a_here, w->n);
    say(o, " Element by element works the same in the rows and columns conventions "
           "(%s here).", w->conv);
}

static void narrate_copy(out_buf *o, const layer_words *w, const engine_step *s,
                         const engine_net *net)
{
    (void)s;
    (void)net;
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

static void narrate_gradient(out_buf *o, const layer_words *w, const engine_step *s,
                             const engine_net *net)
{
    (void)s;
    (void)net;
    const char *below = w->first ? "inputs" : "units below";
    char lo = w->lo;
    if (w->cols)
        say(o, "Scale row %c by %s, the output of unit %c below: row %c becomes %s·%sᵀ "
               "(multiplying every column, component-wise, by %s does the same). %s is "
               "%s, exactly the shape of %s (columns convention: %d rows for the %d %s, "
               "%d columns for the %d units).",
            lo, w->a_below, lo, lo, w->a_below, w->delta, w->a_below, w->g, w->wshape,
            w->w, w->below, w->below, below, w->n, w->n);
    else
        say(o, "Scale column %c by %s, the output of unit %c below: column %c becomes "
               "%s·%s (multiplying every row, component-wise, by %sᵀ does the same). %s "
               "is %s, exactly the shape of %s (rows convention: %d rows for the %d "
               "units, %d columns for the %d %s).",
            lo, w->a_below, lo, lo, w->delta, w->a_below, w->a_below, w->g, w->wshape, w->w,
            w->n, w->n, w->below, w->below, below);
    say(o, "\n\nEvery weight needs its own slope, so the gradient has one number per "
           "weight: %s = %d of them, the outer product of %s and %s. The %d comes "
           "from %s (one per %s), the %d from %s (one per unit). A %d×1 result would be "
           "wrong: chaining the factors as matrix products sums away the dimension "
           "that %s supplies, and %s − η·G would then not even be defined.",
        w->wshape, w->below * w->n, w->a_below, w->delta, w->below, w->a_below,
        w->first ? "input" : "unit below", w->n, w->delta, w->cols ? w->below : w->n,
        w->cols ? w->delta : w->a_below, w->w);
}

static void narrate_bias_grad(out_buf *o, const layer_words *w, const engine_step *s,
                              const engine_net *net)
{
    (void)s;
    say(o, "Each bias is added to its unit's sum with weight 1, so ∂E/∂b = %s: a "
           "%d-vector, the shape of b in the rows and columns conventions alike (%s "
           "here). Unlike the weight gradient, nothing is scaled by %s: the input of a "
           "bias is always 1.", w->delta, w->n, w->conv, w->a_below);
    if (!net->train_bias)
        say(o, " This lesson freezes the biases, so the gradient is shown but not used.");
}

static void narrate_send(out_buf *o, const layer_words *w, const engine_step *s,
                         const engine_net *net)
{
    (void)s;
    (void)net;
    if (w->cols)
        say(o, "The gradient for the layer below: %s·%s is (%s)·(%d), a %d-vector, one "
               "number per %s. Columns convention: row %c of %s holds the weights "
               "leaving %s, so %s itself (no transpose) gathers what each of them "
               "caused.", w->w, w->delta, w->wshape, w->n, w->below, unit_kind(w, 1), w->lo,
            w->w, w->a_below, w->w);
    else
        say(o, "The gradient for the layer below: %sᵀ·%s is (%s)·(%d), a %d-vector, one "
               "number per %s. Rows convention: column %c of %s holds the weights "
               "leaving %s, so the transpose gathers what each of them caused.",
            w->w, w->delta, w->wtshape, w->n, w->below, unit_kind(w, 1), w->lo, w->w,
            w->a_below);
    if (w->first)
        say(o, " This is the gradient with respect to the input %s: nothing below uses "
               "it here, but a deeper network would pass it on.", w->a_below);
    else
        say(o, " It is what arrives at the layer below: its δ comes from it next.");
}

static void narrate_mean(out_buf *o, const layer_words *w, const engine_step *s,
                         const engine_net *net)
{
    (void)s;
    say(o, "Batch mode: the gradients of the %d sample%s are averaged, G = (1/%d) Σ G_s. "
           "Each is %s like %s in the %s convention, so the mean is %s too, and the "
           "weights change once per epoch.", net->samples, net->samples == 1 ? "" : "s",
        net->samples, w->wshape, w->w, w->conv, w->wshape);
}

static void narrate_mean_bias(out_buf *o, const layer_words *w, const engine_step *s,
                              const engine_net *net)
{
    (void)s;
    say(o, "Batch mode: the bias gradients of the %d sample%s are averaged, one number per "
           "unit, a %d-vector in the %s convention like every vector. The biases change once "
           "per epoch, with the weights.", net->samples, net->samples == 1 ? "" : "s", w->n,
        w->conv);
}

static void narrate_update(out_buf *o, const layer_words *w, const engine_step *s,
                           const engine_net *net)
{
    (void)s;
    say(o, "Subtract η times the gradient: %s − %g·%s. Both are %s in the %s "
           "convention, so the subtraction is element by element and every weight "
           "moves against its own slope.", w->w, net->learning_rate, w->g, w->wshape,
        w->conv);
}

static void narrate_update_bias(out_buf *o, const layer_words *w, const engine_step *s,
                                const engine_net *net)
{
    (void)s;
    say(o, "Subtract η times the bias gradient: b − %g·∂E/∂b, both %d-vectors in the "
           "rows and columns conventions alike (%s here). Each bias moves against its "
           "own slope, the δ of its unit.", net->learning_rate, w->n, w->conv);
}

/* One narrator per kind of step. */
static narrator *const narrators[] = {
    [STEP_SUM] = narrate_sum,
    [STEP_ACTIVATION] = narrate_activation,
    [STEP_LOSS] = narrate_loss,
    [STEP_DELTA] = narrate_delta,
    [STEP_DERIVATIVE] = narrate_derivative,
    [STEP_GRAD_COPY] = narrate_copy,
    [STEP_GRADIENT] = narrate_gradient,
    [STEP_BIAS_GRAD] = narrate_bias_grad,
    [STEP_SEND] = narrate_send,
    [STEP_BATCH_MEAN] = narrate_mean,
    [STEP_MEAN_BIAS] = narrate_mean_bias,
    [STEP_UPDATE] = narrate_update,
    [STEP_UPDATE_BIAS] = narrate_update_bias,
};
_Static_assert(sizeof narrators / sizeof narrators[0] == STEP_KIND_COUNT,
               "one narrator per kind of step");

size_t narrate_step(const engine_step *s, const engine_net *net, char *buf, size_t size)
{
    out_buf o = {buf, size, 0};
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (!s || !net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS)
        return 0;
    if ((unsigned)s->kind >= STEP_KIND_COUNT || !narrators[s->kind])
        return 0;
    layer_words w;
    words_for(&w, s, net);
    narrators[s->kind](&o, &w, s, net);
    return o.len;
}

/* ---------------------------------------------------------- placeholders */

/* A number as the narration writes it: U+2212 for the minus sign. */
static void say_number(out_buf *o, double v, int decimals)
{
    if (isnan(v))
        say(o, "nan");
    else if (isinf(v))
        say(o, v < 0 ? "−inf" : "inf");
    else if (v < 0 && -v >= 0.5 * pow(10, -decimals))
        say(o, "−%.*f", decimals, -v);
    else
        say(o, "%.*f", decimals, fabs(v));
}

/* The tensor called name (exactly as the screen spells it): the step's own
 * operands and result first, then any step of the pass. */
static const engine_tensor *find_tensor(const engine *e, int step, const char *name, size_t len)
{
    const engine_step *s = engine_step_at(e, step);
    for (int pass = 0; pass < 2; pass++)
        for (int i = pass ? 0 : step; pass ? i < engine_step_count(e) : i == step; i++) {
            const engine_step *t = pass ? engine_step_at(e, i) : s;
            if (!t)
                continue;
            for (int k = -1; k < t->n_operands; k++) {
                const engine_tensor *x = k < 0 ? &t->result : &t->operand[k];
                if (strlen(x->name) == len && strncmp(x->name, name, len) == 0)
                    return x;
            }
        }
    return NULL;
}

/* One placeholder, parsed: a name, up to two 1-based indices, decimals. */
typedef struct {
    const char *name;
    size_t len;
    int n_index, index[2];
    int decimals; /* -1: the current precision */
} placeholder;

/* Parses the inside of {…}: NAME, NAME[i], NAME[r][c], each with an
 * optional :N.  Returns 0, or -1 when it is not one. */
static int parse(const char *p, size_t n, placeholder *ph)
{
    memset(ph, 0, sizeof *ph);
    ph->decimals = -1;
    size_t end = n;
    const char *colon = memchr(p, ':', n);
    if (colon) {
        end = (size_t)(colon - p);
        char *stop;
        long d = strtol(colon + 1, &stop, 10);
        if (stop != p + n || d < 0 || d > 17 || colon + 1 == stop)
            return -1;
        ph->decimals = (int)d;
    }
    size_t name_end = end;
    while (name_end > 0 && p[name_end - 1] == ']' && ph->n_index < 2) {
        size_t open = name_end - 1;
        while (open > 0 && p[open - 1] != '[')
            open--;
        if (open == 0)
            return -1;
        char *stop;
        long v = strtol(p + open, &stop, 10);
        if (stop != p + name_end - 1 || v < 1 || stop == p + open)
            return -1;
        ph->n_index++;
        name_end = open - 1;
        /* indices are read from the right: shift the earlier one over */
        ph->index[1] = ph->index[0];
        ph->index[0] = (int)v - 1;
    }
    if (ph->n_index == 1)
        ph->index[1] = 0;
    ph->name = p;
    ph->len = name_end;
    return name_end > 0 ? 0 : -1;
}

/* The lesson-level values a note may name. */
static double loss_now(const engine *e, int step)
{
    (void)step;
    return engine_pass_loss(e);
}

static double loss_after(const engine *e, int step)
{
    return engine_loss_after(e, step);
}

static double loss_after_pass(const engine *e, int step)
{
    (void)step;
    return engine_loss_after(e, engine_step_count(e) - 1);
}

static double mean_loss(const engine *e, int step)
{
    (void)step;
    return engine_mean_loss_after(e, -1);
}

static double mean_loss_after(const engine *e, int step)
{
    (void)step;
    return engine_mean_loss_after(e, engine_step_count(e) - 1);
}

static double eta(const engine *e, int step)
{
    (void)step;
    return engine_network(e)->learning_rate;
}

static const struct {
    const char *name;
    double (*value)(const engine *e, int step);
} specials[] = {
    {"loss", loss_now},   {"loss_after", loss_after},           {"loss_after_pass", loss_after_pass},
    {"mean_loss", mean_loss}, {"mean_loss_after", mean_loss_after}, {"eta", eta},
};

static int special(const engine *e, int step, const placeholder *ph, double *v)
{
    for (size_t k = 0; k < sizeof specials / sizeof specials[0] && !ph->n_index; k++)
        if (strlen(specials[k].name) == ph->len && strncmp(specials[k].name, ph->name, ph->len) == 0) {
            *v = specials[k].value(e, step);
            return 1;
        }
    return 0;
}

/* Writes the value a placeholder names; returns 0 when it names nothing. */
static int fill_one(out_buf *o, const engine *e, int step, const placeholder *ph, int decimals)
{
    double v;
    if (ph->decimals > decimals)
        decimals = ph->decimals;
    if (special(e, step, ph, &v)) {
        say_number(o, v, decimals);
        return 1;
    }
    if (ph->len == 5 && strncmp(ph->name, "epoch", 5) == 0 && !ph->n_index) {
        say(o, "%d", engine_epoch(e));
        return 1;
    }
    if (ph->len == 6 && strncmp(ph->name, "sample", 6) == 0 && !ph->n_index) {
        say(o, "%d", engine_sample(e));
        return 1;
    }
    const engine_tensor *t = find_tensor(e, step, ph->name, ph->len);
    if (!t)
        return 0;
    int rows = t->rows, cols = t->cols;
    if (ph->n_index == 0) {
        /* a whole tensor: a scalar, a vector (a, b, c), a matrix ((a, b), (c, d)) */
        if (t->rank == 0) {
            say_number(o, t->v[0], decimals);
            return 1;
        }
        say(o, "(");
        for (int r = 0; r < rows; r++) {
            if (t->rank == 2)
                say(o, "%s(", r ? ", " : "");
            for (int c = 0; c < cols; c++) {
                if (c || (t->rank == 1 && r))
                    say(o, ", ");
                say_number(o, t->v[r * cols + c], decimals);
            }
            if (t->rank == 2)
                say(o, ")");
        }
        say(o, ")");
        return 1;
    }
    int r = ph->index[0], c = ph->index[1];
    if (ph->n_index == 1 && t->rank == 1)
        c = 0;
    else if (ph->n_index != t->rank)
        return 0;
    if (r >= rows || c >= cols)
        return 0;
    say_number(o, t->v[r * cols + c], decimals);
    return 1;
}

/* Fills text's placeholders into o; returns the first that names nothing
 * (its text after '{', and *bad_len), or NULL. */
static const char *fill(out_buf *o, const char *text, const engine *e, int step, int decimals,
                        size_t *bad_len)
{
    const char *bad = NULL;
    for (const char *p = text; *p;) {
        if (p[0] == '{' && p[1] == '{') {
            say(o, "{");
            p += 2;
            continue;
        }
        if (p[0] == '}' && p[1] == '}') {
            say(o, "}");
            p += 2;
            continue;
        }
        const char *close = *p == '{' ? strchr(p + 1, '}') : NULL;
        const char *nl = *p == '{' ? strchr(p + 1, '\n') : NULL;
        if (close && (!nl || nl > close)) {
            placeholder ph;
            if (parse(p + 1, (size_t)(close - p - 1), &ph) == 0 &&
                fill_one(o, e, step, &ph, decimals)) {
                p = close + 1;
                continue;
            }
            if (!bad) {
                bad = p + 1;
                *bad_len = (size_t)(close - p - 1);
            }
            say(o, "%.*s", (int)(close - p + 1), p); /* shown as written */
            p = close + 1;
            continue;
        }
        const char *next = strpbrk(p + 1, "{}");
        size_t n = next ? (size_t)(next - p) : strlen(p);
        say(o, "%.*s", (int)n, p);
        p += n;
    }
    return bad;
}

size_t narrate_fill(const char *text, const engine *e, int step, int decimals, char *buf,
                    size_t size)
{
    out_buf o = {buf, size, 0};
    if (size == 0)
        return 0;
    buf[0] = '\0';
    size_t bad_len;
    if (text && e && engine_step_at(e, step))
        fill(&o, text, e, step, decimals < 0 ? 0 : decimals > 17 ? 17 : decimals, &bad_len);
    return o.len;
}

int narrate_check(const char *text, const engine *e, int step, char *why, size_t size)
{
    static char scratch[8192];
    out_buf o = {scratch, sizeof scratch, 0};
    size_t bad_len = 0;
    const char *bad = text && e ? fill(&o, text, e, step, 4, &bad_len) : NULL;
    if (!bad) {
        if (size)
            why[0] = '\0';
        return 0;
    }
    snprintf(why, size, "{%.*s} names no value of step %s; names are the screen's (such as "
                        "z_j[1] or W_ij[2][1]), or loss, loss_after, loss_after_pass, "
                        "mean_loss, mean_loss_after, eta, epoch, sample",
             (int)bad_len, bad, engine_step_at(e, step)->id);
    return -1;
}

size_t narrate_text(const lesson *l, const engine *e, int step, int decimals, char *buf,
                    size_t size, narrate_source *source)
{
    const engine_step *s = engine_step_at(e, step);
    if (source)
        *source = NARRATE_BUILT_IN;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (!s)
        return 0;
    /* a note is written for the lesson's own convention; shown the other
     * way, the built-in words name the one in force */
    const char *note = l && engine_convention(e) == l->net.convention ? lesson_note_for(l, s->id)
                                                                       : NULL;
    if (!note)
        return narrate_step(s, engine_network(e), buf, size);
    if (source)
        *source = NARRATE_NOTE;
    return narrate_fill(note, e, step, decimals, buf, size);
}
