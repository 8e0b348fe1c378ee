/* engine_chain.c - the scalar chain rule under one element of a gradient:
 * ∂E/∂W_ij[a][b] = x_a · g′(z_b) · Σ_k W_jk[b][k]·δ_k, each factor named and
 * valued from the pass, a sum factor with its own terms, and the δ of the
 * layers above expanded as deep as asked (and as the pool allows).
 *
 * The numbers are the pass's own: the sum is what the layer above sent
 * down, summed in the same order, so the product of the factors is the
 * element up to the order of two multiplications. */
#include "engine_impl.h"
#include "ops.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A chain being built, and where it is going. */
typedef struct {
    const engine *e;
    engine_chain *c;
    int full; /* the pool ran out somewhere: an expansion was kept collapsed */
} builder;

/* The index in the view layout of canonical element (i, j) of layer l's W. */
static int view_index(const engine *e, int l, int i, int j)
{
    int nin = e->net.width[l - 1], nout = e->net.width[l];
    return e->view == CONV_COLUMNS ? i * nout + j : j * nin + i;
}

/* "h_2" from the vector name "h_j" and 0-based index 1; "g′(z_2)". */
static void vec_elem(const char *vec, int index, char *buf, size_t size)
{
    const char *us = strchr(vec, '_');
    if (!us) {
        engine_fmt(buf, size, "%s_%d", vec, index + 1);
        return;
    }
    const char *p = us + 1;
    while (*p >= 'a' && *p <= 'z')
        p++;
    engine_fmt(buf, size, "%.*s_%d%s", (int)(us - vec), vec, index + 1, p);
}

/* The name of layer l's activation vector: x_i, h_j, h¹_j, y_k. */
static void act_name(const engine_net *n, int l, char *buf, size_t size)
{
    static const char *const sup[] = {"", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸"};
    char c = engine_layer_letter(l);
    if (l == 0)
        engine_fmt(buf, size, "x_%c", c);
    else if (l == n->layers)
        engine_fmt(buf, size, "y_%c", c);
    else if (n->layers == 2)
        engine_fmt(buf, size, "h_%c", c);
    else
        engine_fmt(buf, size, "h%s_%c", sup[l], c);
}

/* A new plain factor; -1 when the pool is full. */
static int factor_new(builder *b, double value, const char *format, ...)
{
    engine_chain *c = b->c;
    if (c->n_factor >= ENGINE_CHAIN_FACTORS)
        return -1;
    engine_factor *f = &c->factor[c->n_factor];
    va_list ap;
    va_start(ap, format);
    vsnprintf(f->name, sizeof f->name, format, ap);
    va_end(ap);
    f->value = value;
    f->first_term = 0;
    f->terms = 0;
    return c->n_factor++;
}

static int append_delta(builder *b, int l, int j, int depth);

/* A factor named by a loss's template ("({y} − {t})") for output unit y. */
static int loss_factor(builder *b, const char *tpl, const char *y, const char *t, double value)
{
    char name[ENGINE_CHAIN_NAME];
    size_t len = 0;
    name[0] = '\0';
    for (const char *p = tpl; *p && len + 1 < sizeof name;) {
        const char *v = strncmp(p, "{y}", 3) == 0 ? y : strncmp(p, "{t}", 3) == 0 ? t : NULL;
        if (v) {
            engine_fmt(name + len, sizeof name - len, "%s", v);
            len += strlen(name + len);
            p += 3;
        } else {
            name[len++] = *p++;
            name[len] = '\0';
        }
    }
    return factor_new(b, value, "%s", name) < 0 ? -1 : 1;
}

/* What arrived at unit j of layer l: the loss's gradient at the output,
 * else the sum Σ_k W[j][k]·δ_k over the layer above, each δ_k expanded
 * depth − 1 more layers.  Returns the factors it added at this level (1),
 * or -1 when the pool is full. */
static int append_arrived(builder *b, int l, int j, int depth)
{
    const engine *e = b->e;
    const engine_net *n = &e->net;
    if (l == n->layers) {
        char vec[ENGINE_NAME_SIZE], y[ENGINE_NAME_SIZE], t[ENGINE_NAME_SIZE];
        act_name(n, l, vec, sizeof vec);
        vec_elem(vec, j, y, sizeof y);
        engine_fmt(t, sizeof t, "t_%d", j + 1);
        return loss_factor(b, ops_loss(n->loss)->grad_chain, y, t, e->in[l][j]);
    }
    engine_chain *c = b->c;
    int up = n->width[l + 1], f = factor_new(b, e->in[l][j], "");
    if (f < 0 || c->n_term + up > ENGINE_CHAIN_TERMS)
        return -1;
    char lo = engine_layer_letter(l), hi = engine_layer_letter(l + 1);
    if (e->view == CONV_COLUMNS)
        engine_fmt(c->factor[f].name, sizeof c->factor[f].name, "Σ_%c W_%c%c[%d][%c]·δ_%c", hi, lo,
                   hi, j + 1, hi, hi);
    else
        engine_fmt(c->factor[f].name, sizeof c->factor[f].name, "Σ_%c W_%c%c[%c][%d]·δ_%c", hi, lo,
                   hi, hi, j + 1, hi);
    c->factor[f].first_term = c->n_term;
    c->factor[f].terms = up;
    int first = c->n_term;
    c->n_term += up;
    const double *w = n->weights[l] + (size_t)j * up;
    for (int k = 0; k < up; k++) {
        engine_term *tm = &c->term[first + k];
        tm->first_factor = c->n_factor;
        tm->value = w[k] * e->delta[l + 1][k]; /* as the send computed it */
        int vi = view_index(e, l + 1, j, k), nout = e->view == CONV_COLUMNS ? up : n->width[l];
        if (factor_new(b, w[k], "W_%c%c[%d][%d]", lo, hi, vi / nout + 1, vi % nout + 1) < 0)
            return -1;
        int mark = c->n_factor, tmark = c->n_term, direct;
        if (depth <= 0 || (direct = append_delta(b, l + 1, k, depth - 1)) < 0) {
            /* collapsed to δ of the layer above (also when the pool is full) */
            if (depth > 0)
                b->full = 1;
            c->n_factor = mark;
            c->n_term = tmark; /* drop a half-built expansion's terms */
            char d[ENGINE_NAME_SIZE];
            engine_fmt(d, sizeof d, "δ_%d", k + 1);
            if (factor_new(b, e->delta[l + 1][k], "%s", d) < 0)
                return -1;
            direct = 1;
        }
        tm->factors = 1 + direct; /* W, then δ_k's own factors; theirs follow */
    }
    return 1;
}

/* δ of unit j of layer l as its factors: y − t under a fused loss; else
 * g′(z_j) times what arrived, expanded `depth` more layers.  Returns the
 * factors added at this level, or -1 when the pool is full. */
static int append_delta(builder *b, int l, int j, int depth)
{
    const engine *e = b->e;
    const engine_net *n = &e->net;
    if (l == n->layers && ops_loss_fused(n->loss, n->act[l - 1])) {
        char vec[ENGINE_NAME_SIZE], y[ENGINE_NAME_SIZE], t[ENGINE_NAME_SIZE];
        act_name(n, l, vec, sizeof vec);
        vec_elem(vec, j, y, sizeof y);
        engine_fmt(t, sizeof t, "t_%d", j + 1);
        return loss_factor(b, ops_loss(n->loss)->fused_chain, y, t, e->delta[l][j]);
    }
    if (!ops_act(n->act[l - 1])->slope) {
        /* a softmax without a fused loss mixes its units: δ stays whole */
        return factor_new(b, e->delta[l][j], "δ_%d", j + 1) < 0 ? -1 : 1;
    }
    if (factor_new(b, e->gp[l][j], "g′(z_%d)", j + 1) < 0)
        return -1;
    return append_arrived(b, l, j, depth) < 0 ? -1 : 2;
}

int engine_chain_of(const engine *e, int step, int index, int depth, engine_chain *c)
{
    const engine_step *s = engine_step_at(e, step);
    memset(c, 0, sizeof *c);
    if (!s || (s->kind != STEP_GRADIENT && s->kind != STEP_BIAS_GRAD))
        return -1;
    if (index < 0 || index >= s->result.rows * s->result.cols)
        return -1;
    const engine_net *n = &e->net;
    int l = s->layer, nin = n->width[l - 1], nout = n->width[l], i = 0, j = index;
    if (s->kind == STEP_GRADIENT) {
        i = e->view == CONV_COLUMNS ? index / nout : index % nin;
        j = e->view == CONV_COLUMNS ? index % nout : index / nin;
    }
    c->row = index / s->result.cols;
    c->col = index % s->result.cols;
    c->value = s->result.v[index];
    if (s->kind == STEP_GRADIENT)
        engine_fmt(c->name, sizeof c->name, "∂E/∂W_%c%c[%d][%d]", engine_layer_letter(l - 1),
                   engine_layer_letter(l), c->row + 1, c->col + 1);
    else
        engine_fmt(c->name, sizeof c->name, "∂E/∂b_%c[%d]", engine_layer_letter(l), j + 1);
    builder b = {e, c, 0};
    if (s->kind == STEP_GRADIENT) {
        char vec[ENGINE_NAME_SIZE], w[ENGINE_NAME_SIZE];
        act_name(n, l - 1, vec, sizeof vec);
        vec_elem(vec, i, w, sizeof w);
        factor_new(&b, e->a[l - 1][i], "%s", w);
    }
    if (depth < 0)
        depth = 0;
    int top = c->n_factor;
    if (depth == 0) {
        factor_new(&b, e->delta[l][j], "δ_%d", j + 1);
    } else if (append_delta(&b, l, j, depth - 1) < 0) {
        c->n_factor = top;
        c->n_term = 0;
        factor_new(&b, e->delta[l][j], "δ_%d", j + 1);
        b.full = 1;
        depth = 0;
    }
    /* the top-level factors are the first ones of the pool, those not
     * inside any term: gather them to the front */
    int top_count = 0;
    for (int f = 0; f < c->n_factor; f++) {
        int inside = 0;
        for (int t = 0; t < c->n_term && !inside; t++)
            inside = f >= c->term[t].first_factor &&
                     f < c->term[t].first_factor + c->term[t].factors;
        if (!inside && top_count < ENGINE_CHAIN_TOP)
            c->top[top_count++] = f;
    }
    c->factors = top_count;
    c->depth = depth;
    c->collapsed = b.full;
    return 0;
}

/* Appends to a caller's buffer, never cutting a character. */
typedef struct {
    char *buf;
    size_t size, len;
} out_text;

static void add(out_text *o, const char *format, ...)
{
    if (o->size == 0 || o->len + 1 >= o->size)
        return;
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(o->buf + o->len, o->size - o->len, format, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= o->size - o->len) {
        size_t cut = o->size - 1;
        while (cut > o->len && ((unsigned char)o->buf[cut] & 0xC0) == 0x80)
            cut--;
        o->len = cut;
        o->buf[cut] = '\0';
        return;
    }
    o->len += (size_t)n;
}

/* A number with U+2212 for its minus, in parentheses when negative. */
static void add_number(out_text *o, double v, int decimals, int paren)
{
    if (isnan(v))
        add(o, "nan");
    else if (isinf(v))
        add(o, v < 0 ? (paren ? "(−inf)" : "−inf") : "inf");
    else if (v < 0)
        add(o, paren ? "(−%.*f)" : "−%.*f", decimals, -v);
    else
        add(o, "%.*f", decimals, v);
}

static void add_factor(out_text *o, const engine_chain *c, int f, int decimals, int numbers);

static void add_product(out_text *o, const engine_chain *c, const int *fs, int n, int decimals,
                        int numbers)
{
    for (int k = 0; k < n; k++) {
        if (k)
            add(o, numbers ? "×" : "·");
        add_factor(o, c, fs[k], decimals, numbers);
    }
}

static void add_factor(out_text *o, const engine_chain *c, int f, int decimals, int numbers)
{
    const engine_factor *x = &c->factor[f];
    if (!numbers || !x->terms) {
        if (numbers)
            add_number(o, x->value, decimals, 1);
        else
            add(o, "%s", x->name);
        return;
    }
    add(o, "(");
    for (int t = 0; t < x->terms; t++) {
        const engine_term *tm = &c->term[x->first_term + t];
        int fs[ENGINE_CHAIN_FACTORS / 8], n = 0;
        for (int k = 0; k < tm->factors && n < (int)(sizeof fs / sizeof fs[0]); k++)
            fs[n++] = tm->first_factor + k;
        if (t)
            add(o, " + ");
        add_product(o, c, fs, n, decimals, 1);
    }
    add(o, ")");
}

size_t engine_chain_text(const engine_chain *c, int decimals, int numbers, char *buf, size_t size)
{
    out_text o = {buf, size, 0};
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    if (!numbers)
        add(&o, "%s = ", c->name);
    add_product(&o, c, c->top, c->factors, decimals, numbers);
    if (numbers) {
        add(&o, " = ");
        add_number(&o, c->value, decimals, 0);
    }
    return o.len;
}

double engine_chain_product(const engine_chain *c)
{
    double p = 1.0;
    for (int k = 0; k < c->factors; k++)
        p *= c->factor[c->top[k]].value;
    return p;
}
