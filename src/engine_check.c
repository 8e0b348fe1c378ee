/* engine_check.c - the gradient check: every weight's and bias's backprop
 * gradient of the mean loss beside a numeric derivative, and one verdict
 * per row from how far off that numeric derivative can be.
 *
 * The numeric derivative is Ridders' extrapolation of central differences
 * (a tableau of differences at steps h, h/1.4, h/1.4², ... extrapolated to
 * h = 0), which also gives an estimate of its own error.  Rounding adds a
 * floor of about (the loss's rounding error)/h; both decide the tolerance,
 * so a gradient is judged by what the difference can resolve, never by a
 * fixed threshold that saturated units or tiny gradients fail.  A step that
 * moves a relu unit across its kink is refused and retried ten times
 * smaller; a unit that sits on its kink exempts the row.  The work is done
 * in slices (engine_check_run) so a screen can show progress and stop. */
#include "engine_impl.h"
#include "ops.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TABLE = 10,  /* extrapolation tableau: at most 10 steps in a row */
    RESTARTS = 3 /* tableaux begun again from the last step when still unsure */
};
/* Ridders' step ratio, and how much the error may grow before stopping. */
#define SHRINK 1.4
#define SAFE 2.0
/* First step, relative to max(1, |parameter|), and the smallest one tried
 * when kinks force it down. */
#define FIRST_STEP 1e-2
#define LAST_STEP 1e-10
/* The tolerance: this many times the numeric derivative's estimated error
 * (an estimate from the tableau, so with a margin), twice the rounding
 * floor and once the backprop gradient's rounding (both bounds already),
 * and a relative slack for what neither bound counts. */
#define ERROR_FACTOR 10.0
#define FLOOR_FACTOR 2.0
#define RELATIVE_SLACK 1e-8

struct engine_checker {
    engine_net net; /* the network, one parameter moved at a time */
    int total, done;
    engine_check *rows;
    double loss;   /* mean loss with nothing moved */
    double noise;  /* its rounding error, estimated from every sum's size */
    size_t units;  /* relu/leaky_relu pre-activations over all samples */
    signed char *base, *probe;
    long evaluations;

    /* the parameter in progress */
    int started;
    double keep, h, plus;
    int col, side, crossed;
    double tab[TABLE][TABLE];
    double best, err, best_h;
    int restarts;
};

static const char *const status_names[CHECK_STATUS_COUNT] = {
    [CHECK_PENDING] = "pending",     [CHECK_GOOD] = "good",
    [CHECK_WRONG] = "WRONG",         [CHECK_NONFINITE] = "non-finite",
    [CHECK_KINK] = "kink",           [CHECK_NEGLIGIBLE] = "negligible",
};

const char *engine_check_status_name(engine_check_status s)
{
    return (unsigned)s < CHECK_STATUS_COUNT ? status_names[s] : "?";
}

int engine_check_failed(const engine_check *c)
{
    return c->status == CHECK_WRONG || c->status == CHECK_NONFINITE;
}

int engine_check_negligible(const engine_check *c)
{
    return c->status == CHECK_NEGLIGIBLE;
}

void engine_check_judge(engine_check *c)
{
    double a = c->analytic, n = c->numeric, big = fmax(fabs(a), fabs(n));
    c->rel_error = big == 0 ? 0.0 : fabs(a - n) / big;
    c->tolerance = ERROR_FACTOR * c->error + FLOOR_FACTOR * c->floor + c->backprop_error +
                   RELATIVE_SLACK * big;
    if (c->status == CHECK_KINK)
        return;
    if (!isfinite(a) || !isfinite(n) || !isfinite(c->error))
        c->status = CHECK_NONFINITE;
    else if (big <= c->floor)
        c->status = CHECK_NEGLIGIBLE;
    else
        c->status = fabs(a - n) <= c->tolerance ? CHECK_GOOD : CHECK_WRONG;
}

size_t engine_check_reason(const engine_check *c, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    switch (c->status) {
    case CHECK_PENDING:
        engine_fmt(buf, size, "not checked yet");
        break;
    case CHECK_GOOD:
        engine_fmt(buf, size, "they differ by %.1e, within the %.1e the difference can be off by",
                   fabs(c->analytic - c->numeric), c->tolerance);
        break;
    case CHECK_WRONG:
        engine_fmt(buf, size, "they differ by %.1e, more than the %.1e the difference can be off by",
                   fabs(c->analytic - c->numeric), c->tolerance);
        break;
    case CHECK_NONFINITE:
        engine_fmt(buf, size, "the %s is not a finite number",
                   !isfinite(c->analytic) ? "backprop gradient" : "numeric derivative");
        break;
    case CHECK_KINK:
        engine_fmt(buf, size, "a relu unit sits on its kink: the loss has no single slope here");
        break;
    case CHECK_NEGLIGIBLE:
        engine_fmt(buf, size, "both below %.1e, what the loss's rounding lets a difference see",
                   c->floor);
        break;
    case CHECK_STATUS_COUNT:
        buf[0] = '\0';
        break;
    }
    return strlen(buf);
}

/* Units whose sign the kink test watches, over all samples. */
static size_t kink_units(const engine_net *n)
{
    size_t u = 0;
    for (int l = 1; l <= n->layers; l++)
        if (ops_act(n->act[l - 1])->kink)
            u += (size_t)n->width[l];
    return u * n->samples;
}

/* The parameter of row r. */
static double *param_of(engine_net *n, const engine_check *r)
{
    return r->is_bias ? &n->biases[r->layer - 1][r->col]
                      : &n->weights[r->layer - 1][(size_t)r->row * n->width[r->layer] + r->col];
}

/* Backprop gradients of the mean loss into the rows, and two sizes of
 * rounding.  The loss's: every sum z_j is off by about ε times the sum of
 * its terms' sizes, which moves E by |δ_j| times that.  Each gradient's:
 * y − t at the output is off by ε(|y| + |t|) (all of it when y ≈ t, as at
 * the end of training), and that error travels down the backward pass
 * through |W| and |g′| like the gradient itself. */
static void analytic(engine_checker *c)
{
    engine_net *n = &c->net;
    int L = n->layers;
    const double eps = DBL_EPSILON;
    double abuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], zbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double ibuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH], gbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double dbuf[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH];
    double size[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH]; /* Σ|terms| of each z */
    double derr[ENGINE_MAX_LAYERS + 1][ENGINE_MAX_WIDTH]; /* rounding error of each δ */
    double *a[ENGINE_MAX_LAYERS + 1], *z[ENGINE_MAX_LAYERS + 1], *in[ENGINE_MAX_LAYERS + 1];
    double *gp[ENGINE_MAX_LAYERS + 1], *d[ENGINE_MAX_LAYERS + 1];
    for (int l = 0; l <= L; l++) {
        a[l] = abuf[l];
        z[l] = zbuf[l];
        in[l] = ibuf[l];
        gp[l] = gbuf[l];
        d[l] = dbuf[l];
    }
    int fused = ops_loss_fused(n->loss, n->act[L - 1]);
    double noise = 0.0;
    for (int s = 0; s < n->samples; s++) {
        memcpy(a[0], n->inputs + (size_t)s * n->width[0], n->width[0] * sizeof(double));
        const double *t = n->targets + (size_t)s * n->width[L];
        engine_net_forward(n, a, z);
        engine_net_backward(n, a, z, t, in, gp, d, 0);
        noise += fabs(engine_net_loss(n, z[L], a[L], t));
        for (int k = 0; k < n->width[L]; k++)
            noise += fabs(d[L][k]) * (fabs(a[L][k]) + fabs(t[k]));
        for (int l = 1; l <= L; l++) {
            int nin = n->width[l - 1], nout = n->width[l];
            for (int j = 0; j < nout; j++) {
                size[l][j] = n->has_bias ? fabs(n->biases[l - 1][j]) : 0.0;
                for (int i = 0; i < nin; i++)
                    size[l][j] += fabs(n->weights[l - 1][(size_t)i * nout + j] * a[l - 1][i]);
                noise += 2.0 * fabs(d[l][j]) * size[l][j]; /* the sum, then the activation */
            }
        }
        /* the gradients' own rounding, from the output down */
        for (int l = L; l >= 1; l--) {
            int nout = n->width[l];
            int slopes = ops_act(n->act[l - 1])->slope != NULL && !(l == L && fused);
            for (int j = 0; j < nout; j++) {
                double arrived, arrived_size;
                if (l == L) {
                    arrived = eps * (fabs(a[L][j]) + fabs(t[j])); /* y − t */
                    arrived_size = fabs(a[L][j]) + fabs(t[j]);
                } else {
                    int up = n->width[l + 1];
                    const double *w = n->weights[l] + (size_t)j * up;
                    arrived = 0.0;
                    arrived_size = 0.0;
                    for (int k = 0; k < up; k++) {
                        arrived += fabs(w[k]) * derr[l + 1][k];
                        arrived_size += fabs(w[k] * d[l + 1][k]);
                    }
                    arrived += up * eps * arrived_size;
                }
                if (slopes) /* g′ is off by about ε·(size of z) relatively when saturated */
                    derr[l][j] = fabs(gp[l][j]) * (arrived + eps * (4.0 + size[l][j]) *
                                                                 (l == L ? arrived_size
                                                                         : fabs(in[l][j])));
                else
                    derr[l][j] = 2.0 * arrived;
                derr[l][j] += eps * fabs(d[l][j]);
            }
        }
        /* The loop above set derr[l][j] for every l in 1..L and j below
         * width[l], the ranges read here; the analyzer follows it out with
         * no layer done and into this one with layers. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-use-of-uninitialized-value"
#endif
        int row = 0;
        for (int l = 1; l <= L; l++) {
            int nin = n->width[l - 1], nout = n->width[l];
            for (int i = 0; i < nin; i++)
                for (int j = 0; j < nout; j++, row++) {
                    double g = grad_elem(a[l - 1][i], d[l][j]);
                    c->rows[row].analytic += g;
                    c->rows[row].backprop_error += fabs(a[l - 1][i]) * derr[l][j] + 2 * eps * fabs(g);
                }
            if (n->has_bias)
                for (int j = 0; j < nout; j++, row++) {
                    c->rows[row].analytic += d[l][j];
                    c->rows[row].backprop_error += derr[l][j];
                }
        }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    }
    for (int k = 0; k < c->total; k++) {
        c->rows[k].analytic /= n->samples;
        c->rows[k].backprop_error /= n->samples;
    }
    c->noise = eps * noise / n->samples;
}

engine_checker *engine_check_begin(const engine *e)
{
    engine_checker *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (engine_net_copy(&c->net, &e->net) != 0) {
        free(c);
        return NULL;
    }
    engine_net *n = &c->net;
    c->total = engine_net_params(n);
    c->units = kink_units(n);
    c->rows = calloc((size_t)c->total, sizeof *c->rows);
    c->base = malloc(c->units ? c->units : 1);
    c->probe = malloc(c->units ? c->units : 1);
    if (!c->rows || !c->base || !c->probe) {
        engine_check_end(c);
        return NULL;
    }
    int k = 0;
    for (int l = 1; l <= n->layers; l++) {
        int nin = n->width[l - 1], nout = n->width[l];
        for (int q = 0; q < nin * nout + (n->has_bias ? nout : 0); q++, k++) {
            engine_check *r = &c->rows[k];
            r->layer = l;
            r->is_bias = q >= nin * nout;
            r->row = r->is_bias ? 0 : q / nout;
            r->col = r->is_bias ? q - nin * nout : q % nout;
            r->status = CHECK_PENDING;
        }
    }
    analytic(c);
    c->loss = engine_net_mean_loss_signs(n, c->base);
    c->evaluations = 1;
    return c;
}

/* 1 when some relu unit's sign at the probe differs from its sign with
 * nothing moved: it changed sides, or left (or reached) exactly 0. */
static int crossed_kink(const engine_checker *c)
{
    for (size_t u = 0; u < c->units; u++)
        if (c->probe[u] != c->base[u])
            return 1;
    return 0;
}

/* Ends the parameter in progress with the best estimate so far. */
static void finish(engine_checker *c, int kink)
{
    engine_check *r = &c->rows[c->done];
    r->numeric = c->best;
    r->error = c->err;
    r->step = c->best_h;
    r->floor = 4.0 * c->noise / c->best_h;
    r->kink = kink;
    r->status = kink ? CHECK_KINK : CHECK_PENDING;
    if (kink) {
        r->numeric = NAN;
        r->error = NAN;
    }
    engine_check_judge(r);
    c->done++;
    c->started = 0;
}

/* One loss evaluation of the parameter in progress; its tableau grows by
 * one entry every two evaluations (E(p + h), then E(p − h)). */
static void step(engine_checker *c)
{
    engine_check *r = &c->rows[c->done];
    double *p = param_of(&c->net, r);
    if (!c->started) {
        c->keep = *p;
        c->h = FIRST_STEP * fmax(1.0, fabs(c->keep));
        c->col = c->side = c->crossed = c->restarts = 0;
        c->best = NAN;
        c->err = INFINITY;
        c->best_h = c->h;
        c->started = 1;
        if (!isfinite(c->loss) || !isfinite(c->keep)) {
            c->err = NAN;
            finish(c, 0);
            return;
        }
    }
    *p = c->keep + (c->side == 0 ? c->h : -c->h);
    double E = engine_net_mean_loss_signs(&c->net, c->probe);
    *p = c->keep;
    c->evaluations++;
    c->crossed |= crossed_kink(c);
    if (c->side == 0) {
        c->plus = E;
        c->side = 1;
        return;
    }
    c->side = 0;
    if (c->crossed) {
        /* a kink between the two points: start the tableau over, smaller */
        c->crossed = 0;
        c->col = 0;
        c->h /= 10;
        c->err = INFINITY;
        c->best = NAN;
        if (c->h < LAST_STEP * fmax(1.0, fabs(c->keep)))
            finish(c, 1);
        return;
    }
    int i = c->col;
    c->tab[0][i] = (c->plus - E) / (2 * c->h);
    if (i == 0 && !isfinite(c->err)) {
        c->best = c->tab[0][0];
        c->best_h = c->h;
    }
    double fac = SHRINK * SHRINK;
    for (int j = 1; j <= i; j++) {
        c->tab[j][i] = (c->tab[j - 1][i] * fac - c->tab[j - 1][i - 1]) / (fac - 1.0);
        fac *= SHRINK * SHRINK;
        double e = fmax(fabs(c->tab[j][i] - c->tab[j - 1][i]),
                        fabs(c->tab[j][i] - c->tab[j - 1][i - 1]));
        if (e <= c->err) {
            c->err = e;
            c->best = c->tab[j][i];
            c->best_h = c->h;
        }
    }
    if (!isfinite(c->tab[0][i])) {
        c->best = c->tab[0][i];
        c->err = NAN;
        finish(c, 0);
        return;
    }
    /* Stop when the error is far below anything the verdict could notice;
     * when it grows again because rounding has taken over (the step is as
     * small as is useful); or when the tableau is full.  A tableau that
     * began with too large a step also grows, but its error is still far
     * above the rounding: then go on with smaller steps, and begin a new
     * tableau from the last one while the estimate stays unsure. */
    double floor = 4.0 * c->noise / c->h;
    double enough = 0.01 * fmax(RELATIVE_SLACK * fabs(c->best), floor);
    int noisy = c->err <= 10.0 * floor;
    if (i > 0 && (c->err <= enough ||
                  (noisy && fabs(c->tab[i][i] - c->tab[i - 1][i - 1]) >= SAFE * c->err))) {
        finish(c, 0);
        return;
    }
    if (i == TABLE - 1) {
        if (noisy || c->restarts == RESTARTS) {
            finish(c, 0);
            return;
        }
        /* keep the best answer so far; a new tableau may only improve it */
        c->restarts++;
        c->col = 0;
        c->h /= SHRINK;
        return;
    }
    c->col++;
    c->h /= SHRINK;
}

int engine_check_run(engine_checker *c, long evaluations)
{
    for (long k = 0; k < evaluations && c->done < c->total; k++)
        step(c);
    return c->done;
}

int engine_check_next(engine_checker *c, int parameters)
{
    int goal = c->done + parameters;
    while (c->done < goal && c->done < c->total)
        step(c);
    return c->done;
}

int engine_check_total(const engine_checker *c)
{
    return c->total;
}

int engine_check_done(const engine_checker *c)
{
    return c->done;
}

long engine_check_evaluations(const engine_checker *c)
{
    return c->evaluations;
}

const engine_check *engine_check_rows(const engine_checker *c)
{
    return c->rows;
}

int engine_check_failures(const engine_checker *c)
{
    int f = 0;
    for (int k = 0; k < c->done; k++)
        f += engine_check_failed(&c->rows[k]);
    return f;
}

void engine_check_end(engine_checker *c)
{
    if (!c)
        return;
    engine_net_free(&c->net);
    free(c->rows);
    free(c->base);
    free(c->probe);
    free(c);
}

int engine_gradcheck(const engine *e, engine_check *rows, int max)
{
    int P = engine_net_params(&e->net);
    if (!rows || max <= 0)
        return P;
    engine_checker *c = engine_check_begin(e);
    if (!c)
        return -1;
    engine_check_next(c, c->total);
    memcpy(rows, c->rows, (size_t)(max < P ? max : P) * sizeof *rows);
    engine_check_end(c);
    return P;
}
