/* engine_advance.c - one sample's forward pass, backward pass and update,
 * with the trainer's own vectors and no steps recorded: what the stepping
 * engine does when it leaves a pass, and what training repeats.  Below both
 * engine_pass.c and engine_train.c, so neither calls the other's callers. */
#include "engine_impl.h"

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

double engine_advance(engine *e)
{
    engine_net *n = &e->net;
    int s = e->sample - 1, L = n->layers;
    /* the input is only read, so the trainer points at it instead of copying */
    e->ta[0] = n->inputs + (size_t)s * n->width[0];
    const double *t = n->targets + (size_t)s * n->width[L];
    engine_net_forward(n, e->ta, e->tz);
    double loss = engine_net_loss(n, e->tz[L], e->ta[L], t);
    engine_net_backward(n, e->ta, e->tz, t, e->tin, e->tgp, e->td, 0);
    net_apply(e, e->sample == n->samples);
    if (++e->sample > n->samples) {
        e->sample = 1;
        e->epoch++;
    }
    return loss;
}
