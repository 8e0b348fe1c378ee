/* shape_check.c - the shape checker's entry: a bounded lexer
 * (shape_lex.c), a recursive-descent parser with an explicit depth limit
 * (shape_parse.c), and shape inference in one forward sweep over the nodes
 * (shape_infer.c; the parser creates them children first, so their order
 * is already the evaluation order).  A product that does not fit is read
 * the way its shapes fit and the sweep goes on; a gradient that does not
 * fit gets its advice (shape_advice.c).  The rows for a screen or a
 * terminal are laid out from the result by shape_render.c. */
#include "shape_impl.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- API */

void shape_result_free(shape_result *r)
{
    if (!r)
        return;
    free(r->lines);
    free(r->expr);
    free(r->read_as);
    memset(r, 0, sizeof *r);
}

/* Frees the parser and the texts it worked out. */
static void parser_free(parser *p)
{
    for (int k = 0; k < p->nn; k++)
        free(p->rd[k]);
    free(p);
}

static void result_error(shape_result *out, int col, const char *msg)
{
    out->status = SHAPE_PARSE_ERROR;
    out->error_column = col;
    snprintf(out->message, sizeof out->message, "%s", msg);
}

/* Copies expr whole (it is echoed back), bounded like the lexer. */
static char *copy_expr(const char *expr)
{
    size_t n = shape_bounded_len(expr, SCAN_BYTES);
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, expr, n);
        c[n] = '\0';
    }
    return c;
}

int shape_check(const char *expr, const engine_net *net, engine_conv conv, shape_result *out)
{
    return shape_check_at(expr, net, conv, 0, out);
}

int shape_check_at(const char *expr, const engine_net *net, engine_conv conv, int layer,
                   shape_result *out)
{
    memset(out, 0, sizeof *out);
    if (!net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS) {
        result_error(out, 1, "there is no network to check the shapes against.");
        return 0;
    }
    for (int n = 0; n <= net->layers; n++) {
        if (net->width[n] < 1 || net->width[n] > ENGINE_MAX_WIDTH) {
            result_error(out, 1, "the network's layer widths are not valid.");
            return 0;
        }
    }
    /* one token a character at most, and the end */
    const char *text = expr ? expr : "";
    size_t bytes = shape_bounded_len(text, SCAN_BYTES), cap = 2;
    for (size_t k = 0; k < bytes && cap < SHAPE_MAX_CHARS + 2; k++)
        cap += !utf8_is_cont((unsigned char)text[k]);
    parser *p = malloc(sizeof *p + cap * (sizeof(token) + sizeof(node) + sizeof(char *)));
    if (!p) {
        result_error(out, 1, "out of memory.");
        return -1;
    }
    memset(p, 0, sizeof *p);
    /* the pointers first, where the parser's own alignment holds */
    p->rd = (char **)(p + 1);
    p->tok = (token *)(p->rd + cap);
    p->nodes = (node *)(p->tok + cap);
    memset(p->rd, 0, cap * sizeof(char *));
    p->s = expr ? expr : "";
    p->net = net;
    p->width = net->width;
    p->layers = net->layers;
    p->layer = layer;
    p->conv = conv == CONV_ROWS ? CONV_ROWS : CONV_COLUMNS;
    out->expr = copy_expr(p->s);
    if (!out->expr) {
        free(p);
        result_error(out, 1, "out of memory.");
        return -1;
    }
    shape_lex(p);
    int root = -1;
    if (!p->failed)
        root = shape_parse(p);
    if (p->failed || root < 0) {
        result_error(out, p->err_col, p->msg);
        free(p);
        return 0;
    }
    int oom = 0;
    /* infer in creation order, which is evaluation order; read misfits the
     * way they fit and go on; stop where no reading fits */
    int upto = p->nn, first = -1, stop = -1;
    for (int k = 0; k < p->nn; k++) {
        int got = shape_infer(p, k, first < 0);
        if (got < 1 && first < 0)
            first = k;
        if (got == 0)
            out->n_readings++;
        if (got >= 0 && shape_read_text(p, k) < 0) {
            oom = 1;
            break;
        }
        if (got < 0) {
            stop = k;
            upto = k + 1;
            break;
        }
    }
    const node *top = &p->nodes[root];
    int eq = top->kind == N_EQ;
    /* the derivation lists every node it reached but the = itself */
    int nlines = eq && upto == p->nn ? upto - 1 : upto;
    size_t text_bytes = 0;
    for (int k = 0; k < nlines; k++)
        text_bytes += (size_t)(p->nodes[k].tb1 - p->nodes[k].tb0) + 1;
    char *block = oom ? NULL : malloc((size_t)(nlines ? nlines : 1) * sizeof(shape_line) +
                                      text_bytes + 1);
    if (!block) {
        shape_result_free(out);
        parser_free(p);
        result_error(out, 1, "out of memory.");
        return -1;
    }
    out->lines = (shape_line *)block;
    char *arena = block + (size_t)(nlines ? nlines : 1) * sizeof(shape_line);
    for (int k = 0; k < nlines; k++) {
        const node *nd = &p->nodes[k];
        shape_line *ln = &out->lines[k];
        memset(ln, 0, sizeof *ln);
        int len = nd->tb1 - nd->tb0;
        ln->text = arena;
        for (int b = 0; b < len; b++)
            arena[b] = p->s[nd->tb0 + b] == '\t' ? ' ' : p->s[nd->tb0 + b];
        arena[len] = '\0';
        arena += len + 1;
        ln->column = nd->tc0;
        ln->ok = nd->ok;
        ln->reached = nd->reached;
        ln->rows = nd->rows;
        ln->cols = nd->cols;
        ln->scalar = nd->scalar;
        ln->op_column = nd->ok ? 0 : p->tok[nd->op].c0;
        if (!nd->ok) {
            snprintf(ln->note, sizeof ln->note, "%s", nd->note);
            if (nd->reached)
                shape_reading_text(p, k, nd->rd, SHORT_CHARS, ln->reading, sizeof ln->reading);
        }
    }
    out->n_lines = nlines;
    const node *rhs = eq ? &p->nodes[top->b] : top;
    const node *lhs = eq ? &p->nodes[top->a] : NULL;
    out->reached = stop < 0 || (eq && stop == root && p->gradient_lhs);
    if (out->reached) {
        out->rows = rhs->rows;
        out->cols = rhs->cols;
        out->scalar = rhs->scalar;
    }
    if (first >= 0) {
        const node *nd = &p->nodes[first];
        out->error_column = p->tok[nd->op].c0;
        out->error_start = nd->tc0;
        out->error_length = nd->tc1 - nd->tc0;
    }
    out->status = first < 0 ? SHAPE_FIT : SHAPE_MISMATCH;
    if (eq && upto == p->nn && !top->ok)
        out->eq_column = p->tok[top->op].c0;
    if (p->gradient_lhs) {
        out->gradient = 1;
        out->want_rows = lhs->rows;
        out->want_cols = lhs->cols;
        snprintf(out->target, sizeof out->target, "%.*s", lhs->tb1 - lhs->tb0, p->s + lhs->tb0);
        shape_trim_utf8(out->target);
        shape_gradient_of(p, lhs, out->of, sizeof out->of, out->unit, sizeof out->unit);
        if (first == root) {
            /* the only misfit is the = itself: say it plainly */
            char want[32], got[32];
            shape_format(lhs->rows, lhs->cols, 0, 0, want, sizeof want);
            shape_format(rhs->rows, rhs->cols, rhs->scalar, 0, got, sizeof got);
            snprintf(p->msg, sizeof p->msg, "%s has one entry per %s, %s, the shape of %s, "
                     "but the right side is %s.", out->target, out->unit, want, out->of, got);
        }
        if (out->status != SHAPE_FIT)
            shape_gradient_advice(p, lhs, out->target, out->advice, sizeof out->advice);
    }
    if (out->status != SHAPE_FIT)
        snprintf(out->message, sizeof out->message, "%s", p->msg);
    if (out->reached && out->n_readings) {
        int id = (int)(rhs - p->nodes);
        out->read_as = p->rd[id];
        p->rd[id] = NULL;
    }
    parser_free(p);
    return 0;
}
