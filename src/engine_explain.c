/* engine_explain.c - the arithmetic behind one element of a step's result,
 * written out with names and then numbers, and the operand elements it
 * used (for highlighting). */
#include "engine_impl.h"
#include "ops.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Appends to a fixed buffer; on overflow, ends with "…" at a character edge. */
typedef struct {
    char *buf;
    size_t size, len;
    int full;
    int measure; /* numbers are written as 0s of their width */
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
    if (b->full)
        return;
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

/* The digits "%.*f" prints for a ≥ 0 before the point, known without
 * printing; 0 near a power of ten, where rounding may carry one more, and
 * for long numbers. */
static int int_digits(double a, int decimals)
{
    static const double ten[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11};
    static const double tenth[] = {1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6,
                                   1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12};
    if (decimals > 12)
        return 0;
    double slack = 0.6 * tenth[decimals];
    int digits = 1;
    while (digits < 11 && a >= ten[digits])
        digits++;
    if (digits >= 11 || a + slack >= ten[digits] || (digits > 1 && a - slack < ten[digits - 1]))
        return 0;
    return digits;
}

/* A number with U+2212 for the minus sign; measuring, its digits are 0s
 * (as many bytes and columns as the number). */
static void sb_num(sbuf *b, double v, int decimals)
{
    if (b->full)
        return;
    if (isnan(v)) {
        sb_put(b, "nan");
    } else if (isinf(v)) {
        sb_put(b, v < 0 ? "−inf" : "inf");
    } else {
        int digits = b->measure ? int_digits(fabs(v), decimals) : 0;
        if (!digits) {
            sb_printf(b, "%s%.*f", v < 0 ? "−" : "", decimals, fabs(v));
            return;
        }
        char tmp[32];
        int n = 0;
        if (v < 0) {
            memcpy(tmp, "−", 3);
            n = 3;
        }
        memset(tmp + n, '0', (size_t)digits);
        n += digits;
        if (decimals > 0) {
            tmp[n++] = '.';
            memset(tmp + n, '0', (size_t)decimals);
            n += decimals;
        }
        tmp[n] = '\0';
        sb_put(b, tmp);
    }
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

/* Appends n bytes of s to out (size bytes, *len used), cutting at a
 * character edge when they do not fit. */
static void cat_bytes(char *out, size_t size, size_t *len, const char *s, size_t n)
{
    if (*len + n >= size) {
        n = size - 1 - *len;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/* Appends a positive int in decimal. */
static void cat_int(char *out, size_t size, size_t *len, int v)
{
    char d[16];
    int n = (int)sizeof d;
    do {
        d[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && n > 0);
    cat_bytes(out, size, len, d + n, sizeof d - (size_t)n);
}

/* Element name: "h_2", "g′(z_1)", "b_1⁺" for vectors; "W[2][1]", "W⁺[2][1]"
 * for matrices (1-based, in the tensor's own layout); the name for scalars.
 * The name splits at its "_" and the lower-case letters after it: "W_jk⁺"
 * into "W" and "⁺", "g′(z_k)" into "g′(z" and ")".  Written by hand, not
 * by printf: a pass's measures name thousands of elements. */
static void elem_name(const engine_tensor *t, int index, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    const char *us = t->rank == 0 ? NULL : strchr(t->name, '_');
    if (!us) {
        cat_bytes(out, size, &len, t->name, strlen(t->name));
        if (t->rank == 0)
            return;
        us = t->name + strlen(t->name);
    } else {
        cat_bytes(out, size, &len, t->name, (size_t)(us - t->name));
        us++;
        while (*us >= 'a' && *us <= 'z')
            us++;
    }
    if (t->rank == 1) {
        cat_bytes(out, size, &len, "_", 1);
        cat_int(out, size, &len, index + 1);
        cat_bytes(out, size, &len, us, strlen(us));
    } else {
        cat_bytes(out, size, &len, us, strlen(us));
        cat_bytes(out, size, &len, "[", 1);
        cat_int(out, size, &len, index / t->cols + 1);
        cat_bytes(out, size, &len, "][", 2);
        cat_int(out, size, &len, index % t->cols + 1);
        cat_bytes(out, size, &len, "]", 1);
    }
}

/* The arithmetic of one element of a matrix times a vector, as names then
 * numbers: matvec runs along row `fixed` of M (Σ_c M[fixed][c]·v_c),
 * matvec_t down column `fixed` (Σ_r M[r][fixed]·v_r); affine adds b. */
static void explain_dot(const engine_step *s, int fixed, int down, int dec, sbuf *b,
                        use_list *ul)
{
    const engine_tensor *M = &s->operand[0], *v = &s->operand[1];
    const engine_tensor *bias = s->n_operands > 2 ? &s->operand[2] : NULL;
    char nm[64];
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < v->rows; k++) {
            int mi = down ? k * M->cols + fixed : fixed * M->cols + k;
            if (k > 0)
                sb_put(b, " + ");
            if (pass == 0) {
                elem_name(M, mi, nm, sizeof nm);
                sb_put(b, nm);
                sb_put(b, "·");
                elem_name(v, k, nm, sizeof nm);
                sb_put(b, nm);
                use_add(ul, 0, mi);
                use_add(ul, 1, k);
            } else {
                sb_factor(b, M->v[mi], dec);
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

/* Softmax: exp(z_j) over the sum of exp(z); when that sum would overflow,
 * both are shifted by the largest z, as the engine computes them. */
static void explain_softmax(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *z = &s->operand[0];
    char zn[64];
    elem_name(z, j, zn, sizeof zn);
    double m = z->v[0], sum = 0.0;
    for (int k = 1; k < z->rows; k++)
        if (z->v[k] > m)
            m = z->v[k];
    for (int k = 0; k < z->rows; k++)
        sum += exp(z->v[k]);
    if (isfinite(sum) && sum > 0) {
        sb_printf(b, "exp(%s) / Σ exp(%s) = exp(", zn, z->name);
        sb_num(b, z->v[j], dec);
        sb_put(b, ") / ");
        sb_num(b, sum, dec);
    } else {
        sum = 0.0;
        for (int k = 0; k < z->rows; k++)
            sum += exp(z->v[k] - m);
        sb_printf(b, "exp(%s − m) / Σ exp(%s − m), m = ", zn, z->name);
        sb_num(b, m, dec);
        sb_put(b, ": exp(");
        sb_num(b, z->v[j] - m, dec);
        sb_put(b, ") / ");
        sb_num(b, sum, dec);
    }
    sb_put(b, " = ");
    use_add(ul, 0, j);
    for (int k = 0; k < z->rows; k++)
        if (k != j)
            use_add(ul, 0, k);
}

static void explain_act(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const ops_act_row *a = ops_act(s->act);
    if (!a->f) {
        explain_softmax(s, j, dec, b, ul);
        return;
    }
    const engine_tensor *z = &s->operand[0];
    char zn[64];
    elem_name(z, j, zn, sizeof zn);
    use_add(ul, 0, j);
    if (!*a->symbol) {
        sb_printf(b, "%s = ", zn);
        return;
    }
    sb_printf(b, "%s(%s) = %s(", a->symbol, zn, a->symbol);
    sb_num(b, z->v[j], dec);
    sb_put(b, ") = ");
}

/* Two operands combined element by element: "a_1 · b_1 = 0.5 × 0.2 = ",
 * "y_1 − t_1 = 0.3 − 1.0 = ". */
static void explain_pair(const engine_step *s, int j, const char *names, const char *nums,
                         int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *x = &s->operand[0], *y = &s->operand[1];
    char xn[64], yn[64];
    elem_name(x, j, xn, sizeof xn);
    elem_name(y, j, yn, sizeof yn);
    sb_printf(b, "%s%s%s = ", xn, names, yn);
    sb_factor(b, x->v[j], dec);
    sb_put(b, nums);
    sb_factor(b, y->v[j], dec);
    sb_put(b, " = ");
    use_add(ul, 0, j);
    use_add(ul, 1, j);
}

/* [g, y, s]: y_j·(g_j − s). */
static void explain_softmax_back(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *g = &s->operand[0], *y = &s->operand[1], *d = &s->operand[2];
    char gn[64], yn[64];
    elem_name(g, j, gn, sizeof gn);
    elem_name(y, j, yn, sizeof yn);
    sb_printf(b, "%s·(%s − %s) = ", yn, gn, d->name);
    sb_factor(b, y->v[j], dec);
    sb_put(b, "×(");
    sb_factor(b, g->v[j], dec);
    sb_put(b, " − ");
    sb_factor(b, d->v[0], dec);
    sb_put(b, ") = ");
    use_add(ul, 1, j);
    use_add(ul, 0, j);
    use_add(ul, 2, 0);
}

/* −t_j / y_j, which is 0 where t_j = 0 whatever y_j is.  Returns 0 when
 * the result needs no number after it. */
static int explain_ce_grad(const engine_step *s, int j, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *y = &s->operand[0], *t = &s->operand[1];
    char yn[64], tn[64];
    elem_name(y, j, yn, sizeof yn);
    elem_name(t, j, tn, sizeof tn);
    use_add(ul, 0, j);
    use_add(ul, 1, j);
    if (t->v[j] == 0) {
        sb_printf(b, "−%s / %s = 0, because %s = 0", tn, yn, tn);
        return 0;
    }
    sb_printf(b, "−%s / %s = ", tn, yn);
    sb_num(b, -t->v[j], dec);
    sb_put(b, " / ");
    sb_num(b, y->v[j], dec);
    sb_put(b, " = ");
    if (y->v[j] == 0) {
        sb_printf(b, "%s (%s rounded to 0)", -t->v[j] < 0 ? "−inf" : "inf", yn);
        return 0;
    }
    return 1;
}

/* The whole loss: ½·((y_1 − t_1)² + …), −(t_1×log y_1 + …), or from the
 * logits Σ t_k·(log Σ exp z − z_k). */
static void explain_loss(const engine_step *s, int dec, sbuf *b, use_list *ul)
{
    const engine_tensor *y = &s->operand[0], *t = &s->operand[1];
    const char *rhs = strstr(s->formula, "= ");
    sb_put(b, rhs ? rhs + 2 : s->formula);
    sb_put(b, " = ");
    if (s->op == OP_LOSS_SOFTMAX_CE) {
        /* log Σ exp z, computed as the engine does: m + log(1 + Σ others) */
        const double *z = y->v;
        int top = 0;
        for (int k = 1; k < y->rows; k++)
            if (z[k] > z[top])
                top = k;
        double rest = 0.0;
        for (int k = 0; k < y->rows; k++)
            if (k != top)
                rest += exp(z[k] - z[top]);
        double lse = z[top] + log1p(rest);
        sb_put(b, "Σ t·(lse − z), lse = log Σ exp(z) = ");
        sb_num(b, lse, dec);
        sb_put(b, ": ");
        int terms = 0;
        for (int k = 0; k < y->rows; k++) {
            use_add(ul, 0, k);
            if (t->v[k] == 0)
                continue;
            if (terms++)
                sb_put(b, " + ");
            sb_factor(b, t->v[k], dec);
            sb_put(b, "×(");
            sb_num(b, lse, dec);
            sb_put(b, " − ");
            sb_factor(b, z[k], dec);
            sb_put(b, ")");
            use_add(ul, 1, k);
        }
        if (!terms)
            sb_put(b, "0");
        sb_put(b, " = ");
        return;
    }
    int mse = s->op == OP_LOSS_MSE;
    sb_put(b, mse ? "½·(" : "−(");
    for (int k = 0; k < y->rows; k++) {
        if (k > 0)
            sb_put(b, " + ");
        if (mse) {
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

/* Result element index of a copy or a scaling: its row and column. */
static void place(const engine_tensor *r, int index, int *row, int *col)
{
    *row = index / r->cols;
    *col = index % r->cols;
}

/* The arithmetic of element `index`, its numbers printed or, measuring,
 * written as 0s of their width. */
static int explain(const engine_step *s, int index, int decimals, char *buf, size_t size,
                   engine_use *uses, int max_uses, int measure)
{
    sbuf b = {buf, size, 0, 0, measure};
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
    int row, col, number = 1;
    switch (s->op) {
    case OP_MATVEC:
    case OP_AFFINE:
        explain_dot(s, index, 0, decimals, &b, &ul);
        break;
    case OP_MATVEC_T:
    case OP_AFFINE_T:
        explain_dot(s, index, 1, decimals, &b, &ul);
        break;
    case OP_ACT:
        explain_act(s, index, decimals, &b, &ul);
        break;
    case OP_HADAMARD:
        explain_pair(s, index, " · ", " × ", decimals, &b, &ul);
        break;
    case OP_SOFTMAX_BACK:
        explain_softmax_back(s, index, decimals, &b, &ul);
        break;
    case OP_SOFTMAX_CE:
    case OP_MSE_GRAD:
        explain_pair(s, index, " − ", " − ", decimals, &b, &ul);
        break;
    case OP_CE_GRAD:
        number = explain_ce_grad(s, index, decimals, &b, &ul);
        break;
    case OP_LOSS_MSE:
    case OP_LOSS_CE:
    case OP_LOSS_SOFTMAX_CE:
        explain_loss(s, decimals, &b, &ul);
        break;
    case OP_COPY_ROWS:
    case OP_COPY_COLS:
        place(r, index, &row, &col);
        elem_name(&s->operand[0], s->op == OP_COPY_ROWS ? col : row, nm, sizeof nm);
        sb_printf(&b, "%s = ", nm);
        use_add(&ul, 0, s->op == OP_COPY_ROWS ? col : row);
        break;
    case OP_SCALE_ROWS:
    case OP_SCALE_COLS: {
        place(r, index, &row, &col);
        int v = s->op == OP_SCALE_ROWS ? row : col;
        elem_name(&s->operand[0], index, nm, sizeof nm);
        elem_name(&s->operand[1], v, nm2, sizeof nm2);
        sb_printf(&b, "%s · %s = ", nm, nm2);
        sb_factor(&b, s->operand[0].v[index], decimals);
        sb_put(&b, " × ");
        sb_factor(&b, s->operand[1].v[v], decimals);
        sb_put(&b, " = ");
        use_add(&ul, 0, index);
        use_add(&ul, 1, v);
        break;
    }
    case OP_IDENTITY:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        sb_printf(&b, "%s = ", nm);
        use_add(&ul, 0, index);
        break;
    case OP_MEAN:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        sb_printf(&b, "%s / %s = ", nm, s->operand[1].name);
        sb_num(&b, s->operand[0].v[index], decimals);
        sb_printf(&b, " / %.0f = ", s->operand[1].v[0]);
        use_add(&ul, 0, index);
        use_add(&ul, 1, 0);
        break;
    case OP_SGD:
        elem_name(&s->operand[0], index, nm, sizeof nm);
        elem_name(&s->operand[2], index, nm2, sizeof nm2);
        sb_printf(&b, "%s − %s·%s = ", nm, s->operand[1].name, nm2);
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
    case OP_COUNT:
        break;
    }
    if (number)
        sb_num(&b, r->v[index], decimals);
    sb_finish(&b);
    return ul.n;
}

int engine_step_explain(const engine_step *s, int index, int decimals, char *buf, size_t size,
                        engine_use *uses, int max_uses)
{
    return explain(s, index, decimals, buf, size, uses, max_uses, 0);
}

int engine_step_explain_measure(const engine_step *s, int index, int decimals, char *buf,
                                size_t size)
{
    return explain(s, index, decimals, buf, size, NULL, 0, 1);
}
