/* engine_train.c - training without steps: the samples of engine_advance.c
 * run epoch after epoch, a check now and then that every parameter and
 * every loss is still finite, and the mean loss of each epoch only when it
 * is asked for. */
#include "engine_impl.h"

#include <math.h>
#include <string.h>

/* Samples' work between two checks that the parameters are finite.  A
 * check reads every parameter once and keeps a copy of them, which costs
 * about what one sample's update does, so checking once per this many
 * samples costs under 2 % of the training. */
enum { CHECK_SAMPLES = 64 };

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

/* Copies the state training changes to the checkpoint (to = 1) or back. */
static void checkpoint(engine *e, int to)
{
    engine_net *n = &e->net;
    double *k = e->keep;
#define MOVE(p, count)                                                    \
    do {                                                                  \
        size_t bytes = (size_t)(count) * sizeof(double);                  \
        if (to)                                                           \
            memcpy(k, (p), bytes);                                        \
        else                                                              \
            memcpy((p), k, bytes);                                        \
        k += (count);                                                     \
    } while (0)
    for (int l = 0; l < n->layers; l++) {
        MOVE(n->weights[l], (size_t)n->width[l] * n->width[l + 1]);
        if (n->has_bias)
            MOVE(n->biases[l], (size_t)n->width[l + 1]);
    }
    if (e->acc_len)
        MOVE(e->acc_block, e->acc_len);
#undef MOVE
    if (to) {
        e->keep_epoch = e->epoch;
        e->keep_sample = e->sample;
    } else {
        e->epoch = e->keep_epoch;
        e->sample = e->keep_sample;
    }
}

/* Runs `count` epochs, the first numbered `from`; fills their mean losses
 * when losses is not NULL.  An epoch is any S samples in a row.  Returns 1
 * when a sample's loss was not finite. */
static int run_epochs(engine *e, long from, long count, double *losses)
{
    int S = e->net.samples, bad = 0;
    if (!losses)
        return engine_advance_run(e, count * S, NULL);
    for (long k = 0; k < count; k++) {
        double sum = 0.0;
        bad |= engine_advance_run(e, S, &sum);
        losses[from + k] = sum / S;
    }
    return bad;
}

/* Training leaves no steps behind, so the history restarts after it: going
 * back from the trained state must not jump over the training.  The
 * parameters are checked once per chunk of epochs; when a chunk ends with
 * one that is not finite, or saw a loss that was not, it runs again from
 * its checkpoint one epoch at a time (the same bits: nothing else changes
 * between) to find the first epoch that went wrong.  A parameter that is
 * not finite stays so: every update subtracts from it. */
long engine_train(engine *e, long epochs, double *loss_per_epoch)
{
    long bad = -1;
    int S = e->net.samples;
    long every = (CHECK_SAMPLES + S - 1) / S;
    for (long ep = 0; ep < epochs;) {
        long chunk = epochs - ep < every ? epochs - ep : every;
        if (bad < 0)
            checkpoint(e, 1);
        int lost = run_epochs(e, ep, chunk, loss_per_epoch);
        if (bad < 0 && (lost || !params_finite(&e->net))) {
            checkpoint(e, 0);
            for (long k = 0; k < chunk; k++) {
                lost = run_epochs(e, ep + k, 1, loss_per_epoch);
                if (bad < 0 && (lost || !params_finite(&e->net)))
                    bad = ep + k;
            }
        }
        ep += chunk;
    }
    e->hist_len = 0;
    e->cur = 0;
    engine_pass_build(e);
    return bad;
}
