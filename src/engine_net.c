/* engine_net.c - the network and its arithmetic: names, shapes, storage,
 * the forward and backward sums every path of the engine runs through,
 * the loss of a sample, and the project's random generator.
 *
 * One set of arithmetic (the loops of engine_math.h, the activations of
 * ops_act.h, the loss table of ops.c, grad_elem and sgd) serves the step
 * builder, the trainer and the gradient check, so a pass shown on screen,
 * a pass stepped over and a pass trained headless produce the same bits. */
#include "engine_impl.h"
#include "engine_math.h"
#include "ops.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ names */

static const char *const conv_names[CONV_COUNT] = {"columns", "rows"};
static const char *const mode_names[MODE_COUNT] = {"online", "batch"};
static const char *const phase_names[PHASE_COUNT] = {"forward", "backward", "update"};

const char *engine_act_name(engine_act a)
{
    return ops_act(a)->name;
}

const char *engine_loss_name(engine_loss l)
{
    return ops_loss(l)->name;
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

const char *engine_act_symbol(engine_act a)
{
    return ops_act(a)->symbol;
}

/* snprintf that never leaves half a UTF-8 character at the end; names,
 * titles and formulas are bounded by the struct fields, and a long one is
 * cut rather than overflowed. */
void engine_fmt(char *buf, size_t size, const char *format, ...)
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
        if (ops_act(net->act[n])->output_only && n != net->layers - 1) {
            static char why[64];
            snprintf(why, sizeof why, "%s is allowed on the output layer only",
                     ops_act(net->act[n])->name);
            return why;
        }
    }
    if ((unsigned)net->loss >= LOSS_COUNT)
        return "unknown loss";
    engine_act out = net->act[net->layers - 1];
    if (!(ops_loss(net->loss)->follows & (1u << out)))
        return engine_loss_rule(net->loss, out);
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

void engine_net_forward(const engine_net *net, double *const *a, double *const *z)
{
    for (int n = 1; n <= net->layers; n++) {
        math_sums(net->weights[n - 1], net->has_bias ? net->biases[n - 1] : NULL, a[n - 1], 1,
                  net->width[n - 1], net->width[n], z[n]);
        math_act(net->act[n - 1], z[n], a[n], net->width[n], net->width[n]);
    }
}

void engine_net_backward(const engine_net *net, double *const *a, double *const *z,
                         const double *t, double *const *in, double *const *gp,
                         double *const *delta, int full)
{
    int L = net->layers, w = net->width[L];
    const ops_loss_row *loss = ops_loss(net->loss);
    engine_act out = net->act[L - 1];
    if (loss->fused == out) {
        /* δ straight from y − t; −t/y only for the step that shows it */
        loss->fused_delta(a[L], t, delta[L], w);
        if (full)
            loss->grad(a[L], t, in[L], w);
    } else {
        loss->grad(a[L], t, in[L], w);
        math_derivative(out, z[L], a[L], in[L], gp[L], delta[L], 1, w);
    }
    for (int n = L; n >= 1; n--) {
        if (n < L)
            math_derivative(net->act[n - 1], z[n], a[n], in[n], gp[n], delta[n], 1,
                            net->width[n]);
        if (n > 1 || full)
            math_send(net->weights[n - 1], delta[n], net->width[n - 1], net->width[n], in[n - 1]);
    }
}

double engine_softmax_dot(const double *y, const double *g, int n)
{
    double s = 0.0;
    for (int k = 0; k < n; k++)
        s += y[k] * g[k];
    return s;
}

double engine_net_loss(const engine_net *net, const double *z, const double *y, const double *t)
{
    int L = net->layers;
    return ops_loss_value(net->loss, net->act[L - 1], z, y, t, net->width[L]);
}

const char *engine_loss_rule(engine_loss loss, engine_act out)
{
    static char why[96];
    const ops_loss_row *r = ops_loss(loss);
    int allowed = 0;
    engine_act only = ACT_COUNT;
    for (int a = 0; a < ACT_COUNT; a++)
        if (r->follows & (1u << a)) {
            allowed++;
            only = (engine_act)a;
        }
    if (allowed == 1) {
        snprintf(why, sizeof why, "%s needs a %s output layer", r->name, ops_act(only)->name);
        return why;
    }
    for (int l = 0; l < LOSS_COUNT; l++)
        if (ops_loss((engine_loss)l)->follows & (1u << out)) {
            snprintf(why, sizeof why, "%s output needs the %s loss", ops_act(out)->name,
                     ops_loss((engine_loss)l)->name);
            return why;
        }
    snprintf(why, sizeof why, "%s cannot follow a %s output layer", r->name,
             ops_act(out)->name);
    return why;
}

/* Loss of one sample; when signs is not NULL, records the sign (-1, 0, 1)
 * of every relu/leaky_relu pre-activation, for kink detection. */
static double net_sample_loss_signs(const engine_net *net, int sample, signed char **signs)
{
    double buf[2][ENGINE_MAX_WIDTH], z[ENGINE_MAX_WIDTH];
    const double *a = net->inputs + (size_t)sample * net->width[0];
    int cur = 0;
    for (int n = 1; n <= net->layers; n++) {
        math_sums(net->weights[n - 1], net->has_bias ? net->biases[n - 1] : NULL, a, 1,
                  net->width[n - 1], net->width[n], z);
        math_act(net->act[n - 1], z, buf[cur], net->width[n], net->width[n]);
        if (signs && ops_act(net->act[n - 1])->kink)
            for (int j = 0; j < net->width[n]; j++)
                *(*signs)++ = (signed char)((z[j] > 0) - (z[j] < 0));
        a = buf[cur];
        cur ^= 1;
    }
    return engine_net_loss(net, z, a, net->targets + (size_t)sample * net->width[net->layers]);
}

double engine_net_sample_loss(const engine_net *net, int sample)
{
    return net_sample_loss_signs(net, sample, NULL);
}

double engine_net_mean_loss_signs(const engine_net *net, signed char *signs)
{
    double s = 0.0;
    for (int k = 0; k < net->samples; k++)
        s += net_sample_loss_signs(net, k, signs ? &signs : NULL);
    return s / net->samples;
}

double engine_net_mean_loss(const engine_net *net)
{
    return engine_net_mean_loss_signs(net, NULL);
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
