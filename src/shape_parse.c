/* shape_parse.c - the shape checker's recursive-descent parser, with an
 * explicit depth limit.  It creates the nodes children first, so their
 * order is already the evaluation order. */
#include "shape_impl.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* --------------------------------------------------------------- parser */

static int new_node(parser *p, node_kind kind)
{
    node *nd = &p->nodes[p->nn];
    memset(nd, 0, sizeof *nd);
    nd->kind = kind;
    nd->a = nd->b = nd->op = -1;
    nd->wa = nd->wb = nd->vlayer = -1;
    return p->nn++;
}

static void span(parser *p, int id, int b0, int b1, int c0, int c1)
{
    node *nd = &p->nodes[id];
    nd->ob0 = nd->tb0 = b0;
    nd->ob1 = nd->tb1 = b1;
    nd->oc0 = nd->tc0 = c0;
    nd->oc1 = nd->tc1 = c1;
}

static int parse_sum(parser *p);

static const token *peek(const parser *p)
{
    return &p->tok[p->pos];
}

/* Bytes of s[0..len) that hold at most max characters; *cut when shorter. */
int shape_cut_chars(const char *s, int len, int max, int *cut)
{
    int b = 0, c = 0;
    while (b < len && c < max) {
        b++;
        while (b < len && utf8_is_cont((unsigned char)s[b]))
            b++;
        c++;
    }
    *cut = b < len;
    return b;
}

/* What a token is, quoted, for messages. */
static void tok_desc(const parser *p, const token *t, char *buf, size_t size)
{
    int cut;
    int b = shape_cut_chars(p->s + t->b0, t->b1 - t->b0, 20, &cut);
    if (t->kind == T_END)
        snprintf(buf, size, "end of the expression");
    else
        snprintf(buf, size, "'%.*s%s'", b, p->s + t->b0, cut ? "…" : "");
}

/* "expected an operand: …", naming this network's own names. */
static void expect_operand(const parser *p, char *buf, size_t size)
{
    snprintf(buf, size, "expected an operand: a name such as W_%c%c, x_%c or δ_%c, a number, "
                        "g′(…), outer(…, …) or an opening parenthesis.",
             letter(0), letter(1), letter(0), letter(p->layers));
}

/* Enters one level of nesting at token open; 0, or -1 past the limit. */
static int deeper(parser *p, const token *open)
{
    if (p->depth >= SHAPE_MAX_DEPTH) {
        shape_fail(p, open->c0, "nested deeper than %d levels of (, g′( and outer(.",
                   SHAPE_MAX_DEPTH);
        return -1;
    }
    p->depth++;
    return 0;
}

/* Expects the token closing what `open` opened. */
static int expect_close(parser *p, const token *open, tok_kind kind, const char *what)
{
    const token *t = peek(p);
    if (t->kind != kind) {
        char d[64];
        tok_desc(p, t, d, sizeof d);
        if (kind == T_RP)
            shape_fail(p, t->c0, "unexpected %s; expected ) to close the %s at column %d.", d, what,
                       open->c0);
        else
            shape_fail(p, t->c0, "unexpected %s; expected a comma after the first vector of the %s "
                                 "at column %d.", d, what, open->c0);
        return -1;
    }
    p->pos++;
    return 0;
}

/* ( sum ) after the opening token at p->pos - 1; returns the inner node. */
static int parse_group(parser *p, const token *open, const char *what)
{
    if (deeper(p, open) < 0)
        return -1;
    int inner = parse_sum(p);
    p->depth--;
    if (inner < 0 || expect_close(p, open, T_RP, what) < 0)
        return -1;
    return inner;
}

static int token_is(const parser *p, const token *t, const char *word)
{
    size_t n = strlen(word);
    return t->kind == T_NAME && t->gx < 0 && (size_t)(t->b1 - t->b0) == n &&
           !memcmp(p->s + t->b0, word, n);
}

/* outer(a, b) from its name token t. */
static int parse_outer(parser *p, const token *t)
{
    const token *open = &p->tok[p->pos + 1];
    if (open->kind != T_LP) {
        char d[64];
        tok_desc(p, open, d, sizeof d);
        shape_fail(p, open->c0, "unexpected %s; expected ( after outer: outer(a, b) is the outer "
                                "product a·bᵀ of two vectors.", d);
        return -1;
    }
    p->pos += 2;
    if (deeper(p, open) < 0)
        return -1;
    int a = parse_sum(p);
    if (a < 0 || expect_close(p, open, T_COMMA, "outer(") < 0)
        return -1;
    int b = parse_sum(p);
    p->depth--;
    if (b < 0 || expect_close(p, open, T_RP, "outer(") < 0)
        return -1;
    const token *close = &p->tok[p->pos - 1];
    int id = new_node(p, N_OUTER);
    span(p, id, t->b0, close->b1, t->c0, close->c1);
    p->nodes[id].a = a;
    p->nodes[id].b = b;
    p->nodes[id].op = (int)(t - p->tok);
    p->nodes[id].call = 1;
    return id;
}

static int parse_primary(parser *p)
{
    const token *t = peek(p);
    char d[64], ex[256];
    if (t->kind == T_NUM) {
        p->pos++;
        int id = new_node(p, N_LEAF);
        span(p, id, t->b0, t->b1, t->c0, t->c1);
        p->nodes[id].rows = p->nodes[id].cols = p->nodes[id].scalar = 1;
        p->nodes[id].base = B_SCALAR;
        return id;
    }
    if (t->kind == T_LP) {
        p->pos++;
        int inner = parse_group(p, t, "(");
        if (inner < 0)
            return -1;
        node *nd = &p->nodes[inner];
        const token *close = &p->tok[p->pos - 1];
        nd->ob0 = t->b0;
        nd->oc0 = t->c0;
        nd->ob1 = close->b1;
        nd->oc1 = close->c1;
        return inner;
    }
    if (t->kind == T_NAME) {
        if (token_is(p, t, "outer"))
            return parse_outer(p, t);
        if (token_is(p, t, "g") || token_is(p, t, "σ")) {
            const token *t2 = &p->tok[p->pos + 1];
            node_kind kind = N_GACT;
            const token *open = t2;
            if (t2->kind == T_PRIME) {
                kind = N_GPRIME;
                open = &p->tok[p->pos + 2];
            }
            if (open->kind != T_LP) {
                tok_desc(p, open, d, sizeof d);
                shape_fail(p, open->c0, "unexpected %s; expected ( after %.*s%s: %.*s is the "
                                        "activation, written %.*s(…), and %.*s′(…) its derivative.",
                           d, t->b1 - t->b0, p->s + t->b0, kind == N_GPRIME ? "′" : "",
                           t->b1 - t->b0, p->s + t->b0, t->b1 - t->b0, p->s + t->b0,
                           t->b1 - t->b0, p->s + t->b0);
                return -1;
            }
            p->pos = (int)(open - p->tok) + 1;
            int inner = parse_group(p, open, kind == N_GPRIME ? "g′(" : "g(");
            if (inner < 0)
                return -1;
            const token *close = &p->tok[p->pos - 1];
            int id = new_node(p, kind);
            span(p, id, t->b0, close->b1, t->c0, close->c1);
            p->nodes[id].a = inner;
            return id;
        }
        p->pos++;
        int id = new_node(p, N_LEAF);
        span(p, id, t->b0, t->b1, t->c0, t->c1);
        if (shape_resolve_name(p, &p->nodes[id], t) < 0)
            return -1;
        return id;
    }
    tok_desc(p, t, d, sizeof d);
    expect_operand(p, ex, sizeof ex);
    if (t->kind == T_END && p->pos == 0)
        shape_fail(p, t->c0, "the expression is empty; %s", ex);
    else
        shape_fail(p, t->c0, "unexpected %s; %s", d, ex);
    return -1;
}

static int parse_postfix(parser *p)
{
    int id = parse_primary(p);
    while (id >= 0 && (peek(p)->kind == T_TR || peek(p)->kind == T_PRIME)) {
        const token *t = peek(p);
        p->pos++;
        int tr = new_node(p, N_TR);
        node *c = &p->nodes[id];
        span(p, tr, c->ob0, t->b1, c->oc0, t->c1);
        p->nodes[tr].a = id;
        p->nodes[tr].op = (int)(t - p->tok);
        id = tr;
    }
    return id;
}

static int parse_unary(parser *p)
{
    int start = p->pos;
    while (peek(p)->kind == T_SUB || peek(p)->kind == T_ADD)
        p->pos++;
    int first = p->pos;
    int id = parse_postfix(p);
    for (int k = first - 1; id >= 0 && k >= start; k--) {
        if (p->tok[k].kind != T_SUB)
            continue;
        const token *t = &p->tok[k];
        int neg = new_node(p, N_NEG);
        node *c = &p->nodes[id];
        span(p, neg, t->b0, c->ob1, t->c0, c->oc1);
        p->nodes[neg].a = id;
        p->nodes[neg].op = k;
        id = neg;
    }
    return id;
}

/* After a complete operand, anything but an operator is an error. */
static void check_follow(parser *p, int left)
{
    const token *t = peek(p);
    if (t->kind == T_NAME || t->kind == T_NUM || t->kind == T_LP) {
        const node *l = &p->nodes[left];
        char d[64];
        int cut;
        int b = shape_cut_chars(p->s + l->ob0, l->ob1 - l->ob0, ABBREV_CHARS, &cut);
        tok_desc(p, t, d, sizeof d);
        shape_fail(p, t->c0, "%s follows %.*s%s with no operator; expected *, ·, @, ⊙, .*, ⊗, + "
                             "or − between them.", d, b, p->s + l->ob0, cut ? "…" : "");
    }
}

static int binary(parser *p, node_kind kind, int left, int right, int op)
{
    int id = new_node(p, kind);
    const node *l = &p->nodes[left], *r = &p->nodes[right];
    span(p, id, l->ob0, r->ob1, l->oc0, r->oc1);
    p->nodes[id].a = left;
    p->nodes[id].b = right;
    p->nodes[id].op = op;
    return id;
}

static int parse_product(parser *p)
{
    int left = parse_unary(p);
    while (left >= 0) {
        tok_kind k = peek(p)->kind;
        if (k != T_MUL && k != T_HAD && k != T_OUTER) {
            check_follow(p, left);
            return p->failed ? -1 : left;
        }
        int op = p->pos++;
        int right = parse_unary(p);
        if (right < 0)
            return -1;
        left = binary(p, k == T_MUL ? N_MUL : k == T_HAD ? N_HAD : N_OUTER, left, right, op);
    }
    return left;
}

static int parse_sum(parser *p)
{
    int left = parse_product(p);
    while (left >= 0) {
        tok_kind k = peek(p)->kind;
        if (k != T_ADD && k != T_SUB)
            return left;
        int op = p->pos++;
        int right = parse_product(p);
        if (right < 0)
            return -1;
        left = binary(p, k == T_ADD ? N_ADD : N_SUB, left, right, op);
    }
    return left;
}

/* sum [= sum] END */
int shape_parse(parser *p)
{
    int left = parse_sum(p);
    if (left < 0)
        return -1;
    if (peek(p)->kind == T_EQ) {
        int op = p->pos++;
        int right = parse_sum(p);
        if (right < 0)
            return -1;
        if (p->nodes[left].kind == N_LEAF && p->nodes[left].grad)
            p->gradient_lhs = 1;
        left = binary(p, N_EQ, left, right, op);
    }
    const token *t = peek(p);
    if (t->kind != T_END) {
        char d[64];
        tok_desc(p, t, d, sizeof d);
        if (t->kind == T_RP)
            shape_fail(p, t->c0, "unexpected ); no ( is open.");
        else if (t->kind == T_EQ)
            shape_fail(p, t->c0, "unexpected second =; expected one = at most.");
        else if (t->kind == T_COMMA)
            shape_fail(p, t->c0,
                       "unexpected ','; a comma only separates the two vectors of outer(a, b).");
        else
            shape_fail(p, t->c0, "unexpected %s; expected an operator or the end.", d);
        return -1;
    }
    return left;
}
