/* bench_plain.c - the yardstick for backstep's trainer: the same training
 * written as a plain hand-written C loop, the way a textbook or genann
 * writes it (each neuron's incoming weights in a row of their own, one dot
 * product per neuron, no tables, no steps).
 *
 *   bench_plain LESSON EPOCHS
 *
 * Reads LESSON (a file, or "default") with backstep's loader, copies the
 * network into arrays of its own and trains EPOCHS epochs in the lesson's
 * mode.  Prints the CPU time per sample and the mean loss afterwards with
 * all 17 digits: the same maths in the same order as backstep (sums over
 * the inputs in order, then the bias; the activations and their slopes
 * written as backstep writes them, so that the saturated slopes keep their
 * digits), so the loss must agree to the last digit, and the driver checks
 * that it does.  Linear, sigmoid, tanh, relu and leaky relu under mse. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lesson.h"

enum { MAXL = ENGINE_MAX_LAYERS };

typedef struct {
    int L, width[MAXL + 1], act[MAXL], bias, train_bias, batch, S;
    double eta;
    double *w[MAXL], *b[MAXL];   /* w[l][j * nin + i]: neuron j's weights in a row */
    double *gw[MAXL], *gb[MAXL]; /* batch: the gradients summed over the epoch */
    double a[MAXL + 1][ENGINE_MAX_WIDTH], z[MAXL + 1][ENGINE_MAX_WIDTH];
    double d[MAXL + 1][ENGINE_MAX_WIDTH];
    const double *x, *t;
} plain;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double f(int act, double z)
{
    switch (act) {
    case ACT_SIGMOID:
        if (z < 0) {
            double e = exp(z);
            return e / (1.0 + e);
        }
        return 1.0 / (1.0 + exp(-z));
    case ACT_TANH:
        return tanh(z);
    case ACT_RELU:
        return isnan(z) ? z : z > 0 ? z : 0.0;
    case ACT_LEAKY_RELU:
        return z > 0 ? z : 0.01 * z;
    default:
        return z;
    }
}

static double slope(int act, double z, double a)
{
    switch (act) {
    case ACT_SIGMOID:
        if (z <= 1.0)
            return a * (1.0 - a);
        else {
            double e = exp(-z);
            return e / ((1.0 + e) * (1.0 + e));
        }
    case ACT_TANH:
        if (fabs(z) < 1.0)
            return 1.0 - a * a;
        else {
            double e = exp(-2.0 * fabs(z));
            return 4.0 * e / ((1.0 + e) * (1.0 + e));
        }
    case ACT_RELU:
        return isnan(z) ? z : z > 0 ? 1.0 : 0.0;
    case ACT_LEAKY_RELU:
        return isnan(z) ? z : z > 0 ? 1.0 : 0.01;
    default:
        return 1.0;
    }
}

static void forward(plain *p, const double *x)
{
    memcpy(p->a[0], x, p->width[0] * sizeof(double));
    for (int l = 0; l < p->L; l++) {
        int nin = p->width[l], nout = p->width[l + 1];
        for (int j = 0; j < nout; j++) {
            const double *w = p->w[l] + j * nin;
            double s = 0.0;
            for (int i = 0; i < nin; i++)
                s += w[i] * p->a[l][i];
            p->z[l + 1][j] = p->bias ? s + p->b[l][j] : s;
            p->a[l + 1][j] = f(p->act[l], p->z[l + 1][j]);
        }
    }
}

static void backward(plain *p, const double *t)
{
    int L = p->L;
    for (int k = 0; k < p->width[L]; k++)
        p->d[L][k] = (p->a[L][k] - t[k]) * slope(p->act[L - 1], p->z[L][k], p->a[L][k]);
    for (int l = L - 1; l >= 1; l--) {
        int nin = p->width[l], nout = p->width[l + 1];
        for (int i = 0; i < nin; i++) {
            double s = 0.0;
            for (int j = 0; j < nout; j++)
                s += p->w[l][j * nin + i] * p->d[l + 1][j];
            p->d[l][i] = s * slope(p->act[l - 1], p->z[l][i], p->a[l][i]);
        }
    }
}

static void update(plain *p)
{
    for (int l = 0; l < p->L; l++) {
        int nin = p->width[l], nout = p->width[l + 1];
        for (int j = 0; j < nout; j++) {
            double *w = p->w[l] + j * nin, dj = p->d[l + 1][j];
            for (int i = 0; i < nin; i++)
                w[i] = w[i] - p->eta * (p->a[l][i] * dj);
            if (p->train_bias)
                p->b[l][j] = p->b[l][j] - p->eta * dj;
        }
    }
}

static void accumulate(plain *p)
{
    for (int l = 0; l < p->L; l++) {
        int nin = p->width[l], nout = p->width[l + 1];
        for (int j = 0; j < nout; j++) {
            double *g = p->gw[l] + j * nin, dj = p->d[l + 1][j];
            for (int i = 0; i < nin; i++)
                g[i] = g[i] + p->a[l][i] * dj;
            if (p->train_bias)
                p->gb[l][j] = p->gb[l][j] + dj;
        }
    }
}

static void apply_mean(plain *p)
{
    for (int l = 0; l < p->L; l++) {
        int nin = p->width[l], nout = p->width[l + 1];
        for (int k = 0; k < nin * nout; k++) {
            p->w[l][k] = p->w[l][k] - p->eta * (p->gw[l][k] / p->S);
            p->gw[l][k] = 0.0;
        }
        if (p->train_bias)
            for (int j = 0; j < nout; j++) {
                p->b[l][j] = p->b[l][j] - p->eta * (p->gb[l][j] / p->S);
                p->gb[l][j] = 0.0;
            }
    }
}

static void train(plain *p, long epochs)
{
    int n0 = p->width[0], nL = p->width[p->L];
    for (long e = 0; e < epochs; e++) {
        for (int s = 0; s < p->S; s++) {
            forward(p, p->x + (size_t)s * n0);
            backward(p, p->t + (size_t)s * nL);
            if (p->batch)
                accumulate(p);
            else
                update(p);
        }
        if (p->batch)
            apply_mean(p);
    }
}

static double mean_loss(plain *p)
{
    int n0 = p->width[0], nL = p->width[p->L];
    double sum = 0.0;
    for (int s = 0; s < p->S; s++) {
        forward(p, p->x + (size_t)s * n0);
        const double *t = p->t + (size_t)s * nL;
        double e = 0.0;
        for (int k = 0; k < nL; k++) {
            double d = p->a[p->L][k] - t[k];
            e += d * d;
        }
        sum += 0.5 * e;
    }
    return sum / p->S;
}

/* Copies the lesson's network into p, each weight matrix turned to rows
 * per neuron.  Returns 0, or -1 for what the plain loop does not do. */
static int plain_from(plain *p, const engine_net *n)
{
    memset(p, 0, sizeof *p);
    if (n->loss != LOSS_MSE)
        return -1;
    p->L = n->layers;
    p->bias = n->has_bias;
    p->train_bias = n->has_bias && n->train_bias;
    p->batch = n->mode == MODE_BATCH;
    p->S = n->samples;
    p->eta = n->learning_rate;
    p->x = n->inputs;
    p->t = n->targets;
    for (int l = 0; l <= p->L; l++)
        p->width[l] = n->width[l];
    for (int l = 0; l < p->L; l++) {
        int nin = n->width[l], nout = n->width[l + 1];
        if (n->act[l] == ACT_SOFTMAX)
            return -1;
        p->act[l] = n->act[l];
        p->w[l] = malloc((size_t)nin * nout * sizeof(double));
        p->b[l] = calloc((size_t)nout, sizeof(double));
        p->gw[l] = calloc((size_t)nin * nout, sizeof(double));
        p->gb[l] = calloc((size_t)nout, sizeof(double));
        if (!p->w[l] || !p->b[l] || !p->gw[l] || !p->gb[l])
            return -1;
        for (int i = 0; i < nin; i++)
            for (int j = 0; j < nout; j++)
                p->w[l][j * nin + i] = n->weights[l][i * nout + j];
        if (p->bias)
            memcpy(p->b[l], n->biases[l], nout * sizeof(double));
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_plain LESSON EPOCHS\n");
        return 2;
    }
    lesson les;
    lesson_error err;
    int bad = strcmp(argv[1], "default") == 0 ? lesson_load_default(&les, &err)
                                              : lesson_load_file(argv[1], &les, &err);
    if (bad) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    long epochs = atol(argv[2]);
    plain p;
    if (epochs < 1 || plain_from(&p, &les.net) < 0) {
        fprintf(stderr, "bench_plain: EPOCHS from 1, and a lesson under mse without softmax\n");
        return 2;
    }
    double t0 = now();
    train(&p, epochs);
    double t = now() - t0;
    printf("ns_per_sample %.2f samples %ld loss %.17g\n", t * 1e9 / ((double)epochs * p.S),
           epochs * p.S, mean_loss(&p));
    for (int l = 0; l < p.L; l++) {
        free(p.w[l]);
        free(p.b[l]);
        free(p.gw[l]);
        free(p.gb[l]);
    }
    lesson_free(&les);
    return 0;
}
