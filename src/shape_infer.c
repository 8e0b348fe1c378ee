/* shape_infer.c - shape inference, one node at a time from its children.
 * A product that does not fit is read the way its shapes fit (the
 * "readings"), the first misfit is explained, and every node's text as
 * read is worked out beside its shape. */
#include "shape_impl.h"
#include "text.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How a node is written back in readings and whether it needs brackets. */
static const struct {
    const char *symbol; /* the operator as the checker writes it */
    int compound;       /* an operand of a product needs brackets around it */
} node_ops[N_KIND_COUNT] = {
    [N_LEAF] = {"", 0},  [N_NEG] = {"−", 1},  [N_TR] = {"ᵀ", 0},
    [N_GPRIME] = {"g′", 0}, [N_GACT] = {"g", 0}, [N_MUL] = {"·", 1},
    [N_HAD] = {"⊙", 1},  [N_OUTER] = {"⊗", 1}, [N_ADD] = {"+", 1},
    [N_SUB] = {"−", 1},  [N_EQ] = {"=", 1},
};

/* ------------------------------------------------------------ inference */

/* A shape with every dimension written out, for rules that count them.
 * nd is never NULL (see shape_infer for why the analyzer thinks so). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-null-dereference"
#endif
static void full_shape(const node *nd, char *buf, size_t size)
{
    shape_format(nd->rows, nd->cols, nd->scalar, 0, buf, size);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* The text of a node, cut to `max` characters with "…". */
static void node_text(const parser *p, const node *nd, int max, char *buf, size_t size)
{
    const char *s = p->s + nd->tb0;
    int len = nd->tb1 - nd->tb0, cut;
    int b = shape_cut_chars(s, len, nd->tc1 - nd->tc0 <= max ? max : max - 1, &cut);
    snprintf(buf, size, "%.*s%s", b, s, cut ? "…" : "");
    for (char *q = buf; *q; q++)
        if (*q == '\t')
            *q = ' ';
}

static int compound(const node *nd)
{
    return node_ops[nd->kind].compound && !(nd->kind == N_OUTER && nd->call);
}

/* The operator of node nd as typed. */
static void op_text(const parser *p, const node *nd, char *buf, size_t size)
{
    const token *ot = &p->tok[nd->op];
    snprintf(buf, size, "%.*s", ot->b1 - ot->b0, p->s + ot->b0);
}

/* Shape of reading k of binary node nd over operands l and r, its cost
 * (lower is likelier meant); 0 when the reading does not fit. */
static int reading_shape(const node *nd, reading_kind k, const node *l, const node *r,
                         int *rows, int *cols, int *cost)
{
    int a = l->rows, b = l->cols, c = r->rows, d = r->cols;
    int pr = 0, pc = 0, qr = 0, qc = 0, trans = 0, swapped = 0;
    switch (k) {
    case RD_NONE:
    case RD_COUNT:
        return 0;
    case RD_HADAMARD:
        if (nd->kind != N_MUL || a != c || b != d)
            return 0;
        *rows = a;
        *cols = b;
        *cost = 0;
        return 1;
    case RD_T_RIGHT:
        if (nd->kind != N_MUL) {
            if (a != d || b != c)
                return 0;
            *rows = a;
            *cols = b;
            *cost = 2;
            return 1;
        }
        pr = a, pc = b, qr = d, qc = c, trans = 1;
        break;
    case RD_PRODUCT:
        if (nd->kind != N_HAD || b != c)
            return 0;
        *rows = a;
        *cols = d;
        *cost = 8;
        return 1;
    case RD_T_LEFT: pr = b, pc = a, qr = c, qc = d, trans = 1; break;
    case RD_SWAP: pr = c, pc = d, qr = a, qc = b, swapped = 1; break;
    case RD_T_BOTH: pr = b, pc = a, qr = d, qc = c, trans = 2; break;
    case RD_SWAP_T_LEFT: pr = c, pc = d, qr = b, qc = a, swapped = 1, trans = 1; break;
    case RD_SWAP_T_RIGHT: pr = d, pc = c, qr = a, qc = b, swapped = 1, trans = 1; break;
    }
    if (nd->kind != N_MUL || pc != qr)
        return 0;
    *rows = pr;
    *cols = qc;
    /* an outer product is likelier meant than an inner one giving 1×1, and
     * vectors stand as columns in both conventions */
    *cost = 2 * trans + 4 * swapped + (pr == 1 && qc == 1) + 6 * (pr == 1 && qc != 1);
    return 1;
}

/* A growing string; `failed` once memory ran out. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t) {
            b->failed = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* Typed text from byte b0 to b1, tabs as spaces. */
static void sb_typed(sbuf *b, const parser *p, int b0, int b1)
{
    for (int k = b0; k < b1; k++)
        sb_put(b, p->s[k] == '\t' ? " " : p->s + k, 1);
}

/* Characters in the UTF-8 string s. */
static int chars_of(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += !utf8_is_cont((unsigned char)*s);
    return n;
}

/* Node id as an operand in a reading, as read: whole when it has at most
 * max characters (in brackets when compound), else "(…)", "g′(…)" or
 * "(…)ᵀ". */
static void sb_operand(sbuf *b, const parser *p, int id, int max)
{
    const node *nd = &p->nodes[id];
    const char *t = p->rd[id] ? p->rd[id] : "";
    if (chars_of(t) <= max) {
        if (compound(nd))
            sb_str(b, "(");
        sb_str(b, t);
        if (compound(nd))
            sb_str(b, ")");
    } else if (nd->kind == N_GPRIME || nd->kind == N_GACT || (nd->kind == N_OUTER && nd->call)) {
        const char *open = memchr(p->s + nd->tb0, '(', (size_t)(nd->tb1 - nd->tb0));
        sb_put(b, p->s + nd->tb0, open ? (size_t)(open - (p->s + nd->tb0)) : 1);
        sb_str(b, "(…)");
    } else if (nd->kind == N_TR) {
        sb_operand(b, p, nd->a, max);
        sb_str(b, "ᵀ");
    } else {
        sb_str(b, "(…)");
    }
}

/* Node id transposed: W_ij → W_ijᵀ, W_ijᵀ → W_ij, a + b → (a + b)ᵀ. */
static void sb_transposed(sbuf *b, const parser *p, int id, int max)
{
    if (p->nodes[id].kind == N_TR) {
        sb_operand(b, p, p->nodes[id].a, max);
        return;
    }
    sb_operand(b, p, id, max);
    sb_str(b, "ᵀ");
}

/* Reading k of binary node id, e.g. "W_ijᵀ * x", operands cut to max. */
static void sb_reading(sbuf *b, const parser *p, int id, reading_kind k, int max)
{
    const node *nd = &p->nodes[id];
    const token *ot = &p->tok[nd->op];
    char op[24];
    snprintf(op, sizeof op, " %.*s ", ot->b1 - ot->b0, p->s + ot->b0);
    int first = nd->a, second = nd->b, t1 = 0, t2 = 0;
    const char *sym = op;
    switch (k) {
    case RD_NONE: case RD_COUNT: return;
    case RD_HADAMARD: sym = " ⊙ "; break;
    case RD_T_LEFT: t1 = 1; break;
    case RD_T_RIGHT: t2 = 1; break;
    case RD_SWAP: first = nd->b, second = nd->a; break;
    case RD_T_BOTH: t1 = t2 = 1; break;
    case RD_SWAP_T_LEFT: first = nd->b, second = nd->a, t2 = 1; break;
    case RD_SWAP_T_RIGHT: first = nd->b, second = nd->a, t1 = 1; break;
    case RD_PRODUCT: sym = " * "; break;
    }
    (t1 ? sb_transposed : sb_operand)(b, p, first, max);
    sb_str(b, sym);
    (t2 ? sb_transposed : sb_operand)(b, p, second, max);
}

/* Reading k of node id into buf, operands cut to max characters. */
void shape_reading_text(const parser *p, int id, reading_kind k, int max, char *buf,
                        size_t size)
{
    sbuf b = {0};
    sb_reading(&b, p, id, k, max);
    snprintf(buf, size, "%s", b.s ? b.s : "");
    shape_trim_utf8(buf);
    free(b.s);
}

/* Works out p->rd[id], node id as read: its typed text with its operands
 * as read, or its reading when it does not fit as written.  0, or -1 when
 * out of memory. */
int shape_read_text(parser *p, int id)
{
    const node *nd = &p->nodes[id];
    sbuf b = {0};
    if (!nd->ok) {
        sb_reading(&b, p, id, nd->rd, 1 << 30);
    } else if (nd->kind == N_LEAF) {
        sb_typed(&b, p, nd->tb0, nd->tb1);
    } else {
        int at = nd->tb0;
        int kids[2] = {nd->a, nd->b};
        for (int k = 0; k < 2; k++) {
            if (kids[k] < 0)
                continue;
            const node *c = &p->nodes[kids[k]];
            sb_typed(&b, p, at, c->tb0);
            sb_str(&b, p->rd[kids[k]] ? p->rd[kids[k]] : "");
            at = c->tb1;
        }
        sb_typed(&b, p, at, nd->tb1);
    }
    if (!b.s)
        sb_str(&b, "");
    if (b.failed) {
        free(b.s);
        return -1;
    }
    p->rd[id] = b.s;
    return 0;
}

/* The likeliest reading of a misfit node and, in *second, the runner-up
 * that keeps vectors standing (RD_NONE when there is none). */
static reading_kind best_reading(const node *nd, const node *l, const node *r,
                                 reading_kind *second)
{
    reading_kind best = RD_NONE;
    int best_cost = 1 << 20, second_cost = 1 << 20;
    *second = RD_NONE;
    for (int k = RD_HADAMARD; k < RD_COUNT; k++) {
        int rows, cols, cost;
        if (!reading_shape(nd, (reading_kind)k, l, r, &rows, &cols, &cost))
            continue;
        if (cost < best_cost) {
            *second = best;
            second_cost = best_cost;
            best = (reading_kind)k;
            best_cost = cost;
        } else if (cost < second_cost) {
            *second = (reading_kind)k;
            second_cost = cost;
        }
    }
    if (second_cost >= 6 && *second != RD_NONE) {
        int rows, cols, cost;
        reading_shape(nd, *second, l, r, &rows, &cols, &cost);
        if (rows == 1 && cols != 1)
            *second = RD_NONE;
    }
    return best;
}

static int is_vector(const node *nd)
{
    return !nd->scalar && (nd->rows == 1 || nd->cols == 1);
}

/* A weight leaf, possibly transposed once; sets *tr.  NULL otherwise. */
static const node *weight_of(const parser *p, const node *nd, int *tr)
{
    *tr = 0;
    if (nd->kind == N_TR) {
        nd = &p->nodes[nd->a];
        *tr = 1;
    }
    return nd->kind == N_LEAF && nd->wa >= 0 ? nd : NULL;
}

/* Explains which layer's vector a weight takes in a failed product. */
static void weight_note(const parser *p, const node *l, const node *r, char *msg, size_t size)
{
    int tr, left_side = 1;
    const node *w = weight_of(p, l, &tr), *v = r, *wn = l;
    if (!w || !is_vector(r) || r->rows == 1) {
        w = weight_of(p, r, &tr);
        v = l;
        wn = r;
        left_side = 0;
        if (!w || !is_vector(l))
            return;
    }
    int rows = p->conv == CONV_ROWS;
    /* a column vector goes on the right of a matrix, a row vector on its left */
    if (left_side ? v->cols != 1 : v->rows != 1)
        return;
    int upper = (left_side == !rows) != tr;
    int need = upper ? w->wb : w->wa;
    int have = left_side ? v->rows : v->cols;
    char wt[64], wst[64], vt[SHAPE_READING_SIZE], ex[64], shp[32];
    node_text(p, w, 60, wt, sizeof wt);
    node_text(p, wn, 60, wst, sizeof wst);
    node_text(p, v, ABBREV_CHARS, vt, sizeof vt);
    full_shape(w, shp, sizeof shp);
    int first = rows ? w->wb : w->wa, second = rows ? w->wa : w->wb;
    text_append(msg, size, " In the %s convention %s is %s, a row for each of the %d units of "
                "layer %c and a column for each of the %d of layer %c, so ",
                rows ? "rows" : "columns", wt, shp, p->width[first], letter(first),
                p->width[second], letter(second));
    shape_layer_examples(p, need, ex, sizeof ex);
    text_append(msg, size, left_side ? "%s * … takes" : "… * %s takes", wst);
    text_append(msg, size, " a vector of layer %c (%d entries, such as %s), and %s has %d.",
                letter(need), p->width[need], ex, vt, have);
}

/* The first misfit's full explanation, with the reading taken and, when
 * no gradient is being built, one more reading that fits. */
static void explain_misfit(parser *p, const node *nd, reading_kind rd, reading_kind second)
{
    const node *l = &p->nodes[nd->a], *r = &p->nodes[nd->b];
    char ls[32], rs[32], lt[SHAPE_READING_SIZE], rt[SHAPE_READING_SIZE], op[16];
    char *msg = p->msg;
    size_t size = sizeof p->msg;
    full_shape(l, ls, sizeof ls);
    full_shape(r, rs, sizeof rs);
    node_text(p, l, ABBREV_CHARS, lt, sizeof lt);
    node_text(p, r, ABBREV_CHARS, rt, sizeof rt);
    op_text(p, nd, op, sizeof op);
    msg[0] = '\0';
    switch (nd->kind) {
    case N_MUL:
        text_append(msg, size, "cannot multiply %s (%s) by %s (%s): a matrix product (a×b)·(c×d) "
                    "needs b = c, the columns on the left as many as the rows on the right, "
                    "and here b = %d, c = %d.", lt, ls, rt, rs, l->cols, r->rows);
        weight_note(p, l, r, msg, size);
        break;
    case N_HAD:
        text_append(msg, size, "cannot multiply %s (%s) and %s (%s) element by element: %s "
                    "needs two operands of the same shape.", lt, ls, rt, rs, op);
        break;
    case N_ADD:
        text_append(msg, size, "cannot add %s (%s) and %s (%s): + needs two operands of the "
                    "same shape.", lt, ls, rt, rs);
        break;
    case N_SUB:
        text_append(msg, size, "cannot subtract %s (%s) from %s (%s): − needs two operands of "
                    "the same shape.", rt, rs, lt, ls);
        break;
    case N_OUTER:
        text_append(msg, size, "cannot take the outer product of %s (%s) and %s (%s): "
                    "outer(a, b) and a ⊗ b make a·bᵀ from two vectors.", lt, ls, rt, rs);
        break;
    case N_EQ:
        text_append(msg, size, "the two sides of = have different shapes: %s is %s, %s is %s; "
                    "a gradient or an update has the shape of the thing it is for.",
                    lt, ls, rt, rs);
        break;
    case N_LEAF: case N_NEG: case N_TR: case N_GPRIME: case N_GACT: case N_KIND_COUNT:
        break;
    }
    int rows, cols, cost, id = (int)(nd - p->nodes);
    if (rd != RD_NONE && reading_shape(nd, rd, l, r, &rows, &cols, &cost)) {
        char text[SHAPE_READING_SIZE], shp[32];
        shape_reading_text(p, id, rd, ABBREV_CHARS, text, sizeof text);
        shape_format(rows, cols, 0, 0, shp, sizeof shp);
        text_append(msg, size, " It fits read as %s → %s%s", text, shp,
                    rd == RD_HADAMARD ? ", element by element" : "");
        if (second != RD_NONE && !p->gradient_lhs &&
            reading_shape(nd, second, l, r, &rows, &cols, &cost)) {
            shape_reading_text(p, id, second, ABBREV_CHARS, text, sizeof text);
            shape_format(rows, cols, 0, 0, shp, sizeof shp);
            text_append(msg, size, ", or as %s → %s%s", text, shp,
                        second == RD_HADAMARD ? ", element by element" : "");
        }
        text_append(msg, size, ".");
    }
    shape_trim_utf8(msg);
}

/* Infers the shape of node id from its children: 1 when it fits as
 * written, 0 when read another way, -1 when no reading fits.
 *
 * The parser gives every unary node (−, ᵀ, g′, g) its operand a and every
 * binary node both a and b, so l and r are never NULL where they are
 * read.  The analyzer sees shape_infer entered from another file with any
 * nodes at all, and tries them without. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-null-dereference"
#endif
int shape_infer(parser *p, int id, int first_misfit)
{
    node *nd = &p->nodes[id];
    const node *l = nd->a >= 0 ? &p->nodes[nd->a] : NULL;
    const node *r = nd->b >= 0 ? &p->nodes[nd->b] : NULL;
    nd->ok = nd->reached = 1;
    nd->rd = RD_NONE;
    switch (nd->kind) {
    case N_LEAF:
        return 1;
    case N_NEG: case N_GPRIME: case N_GACT:
        nd->rows = l->rows; nd->cols = l->cols; nd->scalar = l->scalar;
        return 1;
    case N_TR:
        nd->rows = l->cols; nd->cols = l->rows; nd->scalar = l->scalar;
        return 1;
    case N_MUL: case N_HAD: case N_OUTER: case N_ADD: case N_SUB: case N_EQ:
    case N_KIND_COUNT:
        break;
    }
    if ((l->scalar || r->scalar) && nd->kind != N_EQ) {
        const node *m = l->scalar ? r : l;
        nd->rows = m->rows; nd->cols = m->cols; nd->scalar = l->scalar && r->scalar;
        return 1;
    }
    char ls[32], rs[32];
    full_shape(l, ls, sizeof ls);
    full_shape(r, rs, sizeof rs);
    int fits = 0;
    switch (nd->kind) {
    case N_MUL:
        fits = l->cols == r->rows;
        nd->rows = l->rows;
        nd->cols = r->cols;
        snprintf(nd->note, sizeof nd->note, "(%s)·(%s): %d ≠ %d", ls, rs, l->cols, r->rows);
        break;
    case N_HAD: case N_ADD: case N_SUB:
        fits = l->rows == r->rows && l->cols == r->cols;
        nd->rows = l->rows;
        nd->cols = l->cols;
        snprintf(nd->note, sizeof nd->note, "%s %s %s: the shapes differ", ls,
                 node_ops[nd->kind].symbol, rs);
        break;
    case N_OUTER:
        fits = is_vector(l) && is_vector(r);
        nd->rows = l->rows * l->cols;
        nd->cols = r->rows * r->cols;
        snprintf(nd->note, sizeof nd->note, "outer(%s, %s): not two vectors", ls, rs);
        break;
    case N_EQ:
        fits = l->rows == r->rows && l->cols == r->cols &&
               (l->scalar == r->scalar || (l->rows == 1 && l->cols == 1));
        nd->rows = r->rows;
        nd->cols = r->cols;
        nd->scalar = r->scalar;
        snprintf(nd->note, sizeof nd->note, "%s = %s: the shapes differ", ls, rs);
        break;
    case N_LEAF: case N_NEG: case N_TR: case N_GPRIME: case N_GACT: case N_KIND_COUNT:
        break;
    }
    if (fits) {
        nd->note[0] = '\0';
        if (nd->kind == N_EQ)
            nd->scalar = l->scalar && r->scalar;
        return 1;
    }
    nd->ok = 0;
    reading_kind second = RD_NONE;
    nd->rd = nd->kind == N_EQ || nd->kind == N_OUTER ? RD_NONE : best_reading(nd, l, r, &second);
    if (first_misfit)
        explain_misfit(p, nd, nd->rd, second);
    if (nd->rd == RD_NONE) {
        nd->reached = 0;
        nd->rows = nd->cols = 0;
        return -1;
    }
    int cost;
    reading_shape(nd, nd->rd, l, r, &nd->rows, &nd->cols, &cost);
    return 0;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
