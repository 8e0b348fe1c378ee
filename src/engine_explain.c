/* engine_explain.c - the arithmetic behind one element of a step's result,
 * written out with names and then numbers, and the operand elements it
 * used (for highlighting). */
#include "engine_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Appends to a fixed buffer; on overflow, ends with "…" at a character edge. */
typedef struct {
    char *buf;
    size_t size, len;
    int full;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
    if (b->full || b->size == 0)
        return;
    size_t n = strlen(s), room = b->size - 1 - b->len;
    if (n > room) {
        memcpy(b->buf + b->len, s, room);
        b->len += room;
        b->full = 1;
    } else {
        memcpy(b->buf + b->len, s, n);
        b->len += n;
    }
    b->buf[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *format, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(tmp, sizeof tmp, format, ap);
    va_end(ap);
    sb_put(b, tmp);
}

static void sb_finish(sbuf *b)
{
    if (b->size == 0)
        return;
    if (b->full) {
        size_t cut = b->size >= 4 ? b->size - 4 : 0;
        if (cut > b->len)
            cut = b->len;
        while (cut > 0 && ((unsigned char)b->buf[cut] & 0xC0) == 0x80)
            cut--;
        b->len = cut;
        if (b->size >= 4) {
            memcpy(b->buf + cut, "…", 3);
            b->len += 3;
        }
    }
    b->buf[b->len] = '\0';
}

/* A number with U+2212 for the minus sign. */
static void sb_num(sbuf *b, double v, int decimals)
{
    if (isnan(v))
        sb_put(b, "nan");
    else if (isinf(v))
        sb_put(b, v < 0 ? "−inf" : "inf");
    else
        sb_printf(b, "%s%.*f", v < 0 ? "−" : "", decimals, fabs(v));
}

/* A number inside arithmetic: a negative one in parentheses, so that
 * "0.7000×(−0.6012) + (−0.2000)×0.5603" cannot be misread. */
static void sb_factor(sbuf *b, double v, int decimals)
{
    if (v < 0) {
        sb_put(b, "(");
        sb_num(b, v, decimals);
        sb_put(b, ")");
    } else {
        sb_num(b, v, decimals);
    }
}

typedef struct {
    engine_use *u;
    int max, n;
} use_list;

static void use_add(use_list *ul, int operand, int index)
{
    if (ul->u && ul->n < ul->max) {
        ul->u[ul->n].operand = operand;
        ul->u[ul->n].index = index;
    }
    ul->n++;
}

/* Splits a tensor name "W_jk⁺" into "W", "⁺"; "g′(z_k)" into "g′(z", ")". */
static void name_parts(const char *name, char *pre, char *post, size_t size)
{
    const char *us = strchr(name, '_');
    if (!us) {
        engine_fmt(pre, size, "%s", name);
        post[0] = '\0';
        return;
    }
    engine_fmt(pre, size, "%.*s", (int)(us - name), name);
    const char *p = us + 1;
    while (*p >= 'a' && *p <= 'z')
        p++;
    engine_fmt(post, size, "%s", p);
}

/* Element name: "h_2", "g′(z_1)", "b_1⁺" for vectors; "W[2][1]", "W⁺[2][1]"
 * for matrices (1-based, in the tensor's own layout); the name for scalars. */
static void elem_name(const engine_tensor *t, int index, char *out, size_t size)
{
    char pre[ENGINE_NAME_SIZE], post[ENGINE_NAME_SIZE];
    if (t->rank == 0) {
        engine_fmt(out, size, "%s", t->name);
        return;
    }
    name_parts(t->name, pre, post, sizeof pre);
    if (t->rank == 1)
        engine_fmt(out, size, "%s_%d%s", pre, index + 1, post);
    else
        engine_fmt(out, size, "%s%s[%d][%d]", pre, post, index / t->cols + 1, index % t->cols + 1);
}

/* Canonical (i, j) of view element index of a weight-shaped tensor. */
static void canon_of(const engine_tensor *t, engine_conv c, int index, int *i, int *j)
{
    if (c == CONV_COLUMNS) {
        *i = index / t->cols;
        *j = index % t->cols;
    } else {
        *j = index / t->cols;
        *i = index % t->cols;
    }
}

/* View index of canonical (i, j) in a weight-shaped tensor. */
static int view_of(const engine_tensor *t, engine_conv c, int i, int j)
{
    return c == CONV_COLUMNS ? i * t->cols + j : j * t->cols + i;
}

/* The arithmetic of one element of W-times-a-vector, as names then numbers.
 * A forward sum fixes canonical column `fixed` of W and runs over its rows
 * (z_j = Σ_i W[i][j]·a_i, plus b_j when the step has biases); a send fixes
 * canonical row `fixed` and runs over its columns (Σ_j W[i][j]·δ_j). */
static void explain_dot(const engine_step *s, int fixed, int over_rows, int dec, sbuf *b,
                        use_list *ul)
{
    const engine_tensor *W = &s->operand[0], *v = &s->operand[1];
    const engine_tensor *bias = over_rows && s->n_operands > 2 ? &s->operand[2] : NULL;
    char nm[64];
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < v->rows; k++) {
            int wi = over_rows ? view_of(W, s->convention, k, fixed)
                               : view_of(W, s->convention, fixed, k);
            if (k > 0)
                sb_put(b, " + ");
            if (pass == 0) {
                elem_name(W, wi, nm, sizeof nm);
                sb_put(b, nm);
                sb_put(b, "·");
                elem_name(v, k, nm, sizeof nm);
                sb_put(b, nm);
                use_add(ul, 0, wi);
                use_add(ul, 1, k);
            } else {
                sb_factor(b, W->v[wi], dec);
                sb_put(b, "×");
                sb_factor(b, v->v[k], dec);
            }
        }
        if (bias) {
            sb_put(b, " + ");
            if (pass == 0) {
                elem_name(bias, fixed, nm, sizeof nm);
                sb_put(b, nm);
                use_add(ul, 2, fixed);
            } else {
                sb_factor(b, bias->v[fixed], dec);
            }
        }
        sb_put(b, " = ");
    }
}

static void explain_activation(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *z = &s->operand[0];
    char zn[64];
    elem_name(z, j, zn, sizeof zn);
    if (s->act == ACT_SOFTMAX) {
        double sum = 0.0;
        for (int k = 0; k < z->rows; k++)
            sum += exp(z->v[k]);
        sb_printf(b, "exp(%s) / Σ exp(%s) = exp(", zn, z->name);
        sb_num(b, z->v[j], dec);
        sb_put(b, ") / ");
        sb_num(b, sum, dec);
        sb_put(b, " = ");
        use_add(ul, 0, j);
        for (int k = 0; k < z->rows; k++)
            if (k != j)
                use_add(ul, 0, k);
        return;
    }
    use_add(ul, 0, j);
    if (s->act == ACT_LINEAR) {
        sb_printf(b, "%s = ", zn);
        return;
    }
    const char *f = engine_act_symbol(s->act);
    sb_printf(b, "%s(%s) = %s(", f, zn, f);
    sb_num(b, z->v[j], dec);
    sb_put(b, ") = ");
}

static void explain_loss(const engine_step *s, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *y = &s->operand[0], *t = &s->operand[1];
    const char *rhs = strstr(s->formula, "= ");
    sb_put(b, rhs ? rhs + 2 : s->formula);
    sb_put(b, " = ");
    sb_put(b, s->loss == LOSS_MSE ? "½·(" : "−(");
    for (int k = 0; k < y->rows; k++) {
        if (k > 0)
            sb_put(b, " + ");
        if (s->loss == LOSS_MSE) {
            sb_put(b, "(");
            sb_num(b, y->v[k], dec);
            sb_put(b, " − ");
            sb_factor(b, t->v[k], dec);
            sb_put(b, ")²");
        } else {
            sb_factor(b, t->v[k], dec);
            sb_put(b, "×log ");
            sb_num(b, y->v[k], dec);
        }
        use_add(ul, 0, k);
        use_add(ul, 1, k);
    }
    sb_put(b, ") = ");
}

static void explain_delta(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    char yn[64], tn[64];
    if (s->n_operands == 1) {
        sb_num(b, s->operand[0].v[j], dec);
        sb_printf(b, ", sent down by layer %d", s->layer + 1);
        use_add(ul, 0, j);
        return;
    }
    const engine_tensor *y = &s->operand[0], *t = &s->operand[1];
    elem_name(y, j, yn, sizeof yn);
    elem_name(t, j, tn, sizeof tn);
    if (s->loss == LOSS_MSE) {
        sb_printf(b, "%s − %s = ", yn, tn);
        sb_num(b, y->v[j], dec);
        sb_put(b, " − ");
        sb_factor(b, t->v[j], dec);
    } else {
        sb_printf(b, "−%s / %s = ", tn, yn);
        sb_num(b, -t->v[j], dec);
        sb_put(b, " / ");
        sb_num(b, y->v[j], dec);
    }
    sb_put(b, " = ");
    use_add(ul, 0, j);
    use_add(ul, 1, j);
}

static void explain_derivative(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *in = &s->operand[0], *x = &s->operand[1];
    char inn[64], xn[64];
    elem_name(in, j, inn, sizeof inn);
    elem_name(x, j, xn, sizeof xn);
    if (s->act == ACT_SOFTMAX) {
        double sum = 0.0;
        for (int k = 0; k < in->rows; k++)
            sum += x->v[k] * in->v[k];
        sb_printf(b, "%s·(%s − Σ %s·%s) = ", xn, inn, x->name, in->name);
        sb_num(b, x->v[j], dec);
        sb_put(b, "×(");
        sb_factor(b, in->v[j], dec);
        sb_put(b, " − ");
        sb_factor(b, sum, dec);
        sb_put(b, ") = ");
        use_add(ul, 1, j);
        use_add(ul, 0, j);
        for (int k = 0; k < in->rows; k++)
            if (k != j) {
                use_add(ul, 1, k);
                use_add(ul, 0, k);
            }
        return;
    }
    sb_printf(b, "%s · %s = ", inn, xn);
    sb_factor(b, in->v[j], dec);
    sb_put(b, " × ");
    sb_factor(b, x->v[j], dec);
    sb_put(b, " = ");
    use_add(ul, 0, j);
    use_add(ul, 1, j);
}

int engine_step_explain(const engine_step *s, int index, int decimals, char *buf, size_t size,
                        engine_use *uses, int max_uses)
{
    sbuf b = {buf, size, 0, 0};
    use_list ul = {uses, max_uses, 0};
    const engine_tensor *r = &s->result;
    char rn[64], nm[64], nm2[64];
    if (size > 0)
        buf[0] = '\0';
    if (index < 0 || index >= r->rows * r->cols)
        return 0;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    elem_name(r, index, rn, sizeof rn);
    sb_put(&b, rn);
    sb_put(&b, " = ");
    int i, j;
    switch (s->kind) {
    case STEP_SUM:
        explain_dot(s, index, 1, decimals, &b, &ul);
        break;
    case STEP_ACTIVATION:
        explain_activation(s, index, decimals, &b, &ul);
        break;
    case STEP_LOSS:
        explain_loss(s, decimals, &b, &ul);
        break;
    case STEP_DELTA:
        explain_delta(s, index, decimals, &b, &ul);
        if (s->n_operands == 1) {
            sb_finish(&b);
            return ul.n;
        }
        break;
    case STEP_DERIVATIVE:
        explain_derivative(s, index, decimals, &b, &ul);
        break;
    case STEP_GRAD_COPY:
        canon_of(r, s->convention, index, &i, &j);
        elem_name(&s->operand[0], j, nm, sizeof nm);
        sb_printf(&b, "%s = ", nm);
        use_add(&ul, 0, j);
        break;
    case STEP_GRADIENT:
        canon_of(r, s->convention, index, &i, &j);
        elem_name(&s->operand[1], i, nm, sizeof nm);
        sb_printf(&b, "%s · δ_%d = ", nm, j + 1);
        sb_factor(&b, s->operand[1].v[i], decimals);
        sb_put(&b, " × ");
        sb_factor(&b, s->operand[0].v[index], decimals);
        sb_put(&b, " = ");
        use_add(&ul, 0, index);
        use_add(&ul, 1, i);
        break;
    case STEP_BIAS_GRAD:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        sb_printf(&b, "%s = ", nm);
        use_add(&ul, 0, index);
        break;
    case STEP_SEND:
        explain_dot(s, index, 0, decimals, &b, &ul);
        break;
    case STEP_BATCH_MEAN:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        sb_printf(&b, "%s / S = ", nm);
        sb_num(&b, s->operand[0].v[index], decimals);
        sb_printf(&b, " / %.0f = ", s->operand[1].v[0]);
        use_add(&ul, 0, index);
        use_add(&ul, 1, 0);
        break;
    case STEP_UPDATE:
    case STEP_UPDATE_BIAS:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        elem_name(&s->operand[2], index, nm2, sizeof nm2);
        sb_printf(&b, "%s − η·%s = ", nm, nm2);
        sb_num(&b, s->operand[0].v[index], decimals);
        sb_put(&b, " − ");
        sb_factor(&b, s->operand[1].v[0], decimals);
        sb_put(&b, "×");
        sb_factor(&b, s->operand[2].v[index], decimals);
        sb_put(&b, " = ");
        use_add(&ul, 0, index);
        use_add(&ul, 1, 0);
        use_add(&ul, 2, index);
        break;
    default:
        break;
    }
    sb_num(&b, r->v[index], decimals);
    sb_finish(&b);
    return ul.n;
}

