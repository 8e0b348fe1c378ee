/* engine_train.c - training without steps: the same arithmetic as a pass,
 * run sample after sample with the trainer's own vectors. */
#include "engine_impl.h"

#include <math.h>
#include <string.h>

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
    engine_pass_build(e);
    return bad;
}
