/* engine_check.c - the gradient check: every weight's and bias's backprop
 * gradient of the mean loss beside a central difference. */
#include "engine_impl.h"
#include "ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Units whose sign the kink test watches, over all samples. */
static size_t kink_units(const engine_net *n)
{
    size_t u = 0;
    for (int l = 1; l <= n->layers; l++)
        if (ops_act(n->act[l - 1])->kink)
            u += (size_t)n->width[l];
    return u * n->samples;
}

int engine_check_negligible(const engine_check *c)
{
    return fabs(c->analytic) < ENGINE_CHECK_NEGLIGIBLE && fabs(c->numeric) < ENGINE_CHECK_NEGLIGIBLE;
}

int engine_gradcheck(const engine *e, engine_check *rows, int max)
{
    const engine_net *src = &e->net;
    int P = engine_net_params(src), L = src->layers;
    if (!rows || max <= 0)
        return P;
    engine_net n;
    if (engine_net_copy(&n, src) != 0)
        return -1;
    size_t ku = kink_units(src);
    double *ana = calloc((size_t)P, sizeof(double));
    signed char *sp = malloc(ku ? ku : 1), *sm = malloc(ku ? ku : 1);
    if (!ana || !sp || !sm) {
        free(ana);
        free(sp);
        free(sm);
        engine_net_free(&n);
        return -1;
    }

    /* analytic: mean over the samples of each sample's gradient */
    double abuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], zbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double ibuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], gbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double dbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double *a[ENGINE_MAX_LAYERS + 1], *z[ENGINE_MAX_LAYERS + 1], *in[ENGINE_MAX_LAYERS + 1];
    double *gp[ENGINE_MAX_LAYERS + 1], *d[ENGINE_MAX_LAYERS + 1];
    for (int l = 0; l <= L; l++) {
        a[l] = abuf[l];
        z[l] = zbuf[l];
        in[l] = ibuf[l];
        gp[l] = gbuf[l];
        d[l] = dbuf[l];
    }
    for (int s = 0; s < n.samples; s++) {
        memcpy(a[0], n.inputs + (size_t)s * n.width[0], n.width[0] * sizeof(double));
        const double *t = n.targets + (size_t)s * n.width[L];
        engine_net_forward(&n, a, z);
        engine_net_backward(&n, a, z, t, in, gp, d, 0);
        double *g = ana;
        for (int l = 1; l <= L; l++) {
            for (int i = 0; i < n.width[l - 1]; i++)
                for (int j = 0; j < n.width[l]; j++, g++)
                    *g += grad_elem(a[l - 1][i], d[l][j]);
            if (n.has_bias)
                for (int j = 0; j < n.width[l]; j++, g++)
                    *g += d[l][j];
        }
    }

    int k = 0;
    for (int l = 1; l <= L; l++) {
        int nin = n.width[l - 1], nout = n.width[l];
        int count = nin * nout + (n.has_bias ? nout : 0);
        for (int q = 0; q < count; q++, k++) {
            if (k >= max)
                continue;
            engine_check *r = &rows[k];
            r->layer = l;
            r->is_bias = q >= nin * nout;
            r->row = r->is_bias ? 0 : q / nout;
            r->col = r->is_bias ? q - nin * nout : q % nout;
            double *p = r->is_bias ? &n.biases[l - 1][r->col] : &n.weights[l - 1][q];
            double keep = *p;
            *p = keep + ENGINE_CHECK_H;
            double ep = engine_net_mean_loss_signs(&n, sp);
            *p = keep - ENGINE_CHECK_H;
            double em = engine_net_mean_loss_signs(&n, sm);
            *p = keep;
            r->analytic = ana[k] / n.samples;
            r->numeric = (ep - em) / (2 * ENGINE_CHECK_H);
            double big = fmax(fabs(r->analytic), fabs(r->numeric));
            r->rel_error = big == 0 ? 0.0 : fabs(r->analytic - r->numeric) / big;
            r->kink = 0;
            for (size_t u = 0; u < ku && !r->kink; u++)
                r->kink = sp[u] != sm[u] || sp[u] == 0;
        }
    }
    free(ana);
    free(sp);
    free(sm);
    engine_net_free(&n);
    return P;
}
