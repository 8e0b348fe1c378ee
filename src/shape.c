/* shape.c - the shape checker: a bounded lexer, a recursive-descent parser
 * with an explicit depth limit, and shape inference in one forward sweep
 * over the nodes (the parser creates them children first, so their order
 * is already the evaluation order). */
#include "shape.h"
#include "text.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Layer letters: index n names layer n, so W_ij joins layers 0 and 1. */
static const char layer_letters[] = "ijklmnopq";

enum {
    MAX_TOKENS = SHAPE_MAX_CHARS + 2,
    ABBREV_CHARS = 40, /* operands quoted in messages are cut to this */
};

typedef enum {
    T_END, T_NAME, T_NUM, T_LP, T_RP, T_MUL, T_HAD, T_ADD, T_SUB,
    T_TR, T_PRIME, T_EQ
} tok_kind;

typedef struct {
    tok_kind kind;
    int b0, b1; /* bytes of the token in the expression */
    int c0, c1; /* 1-based character columns, c1 one past the end */
} token;

typedef enum {
    N_LEAF, N_NEG, N_TR, N_GPRIME, N_GACT, N_MUL, N_HAD, N_ADD, N_SUB, N_EQ
} node_kind;

typedef struct {
    node_kind kind;
    int a, b;           /* children, -1 when absent */
    int ob0, ob1;       /* outer bytes, with any parentheses around it */
    int oc0, oc1;       /* outer columns */
    int tb0, tb1;       /* bytes of its own text */
    int tc0, tc1;       /* columns of its own text */
    int op;             /* operator token, -1 for leaves */
    int rows, cols, scalar;
    int wa, wb;         /* a weight leaf joins layers wa and wb; -1 otherwise */
    int vlayer;         /* a vector leaf's layer; -1 otherwise */
} node;

/* Everything one check needs, allocated once. */
typedef struct {
    const char *s;
    const int *width;
    int layers;
    engine_conv conv;
    token tok[MAX_TOKENS];
    int ntok, pos;
    node nodes[MAX_TOKENS];
    int nn;
    int depth;
    int failed;
    int err_col;
    char msg[SHAPE_MESSAGE_SIZE];
} parser;

/* ---------------------------------------------------------------- UTF-8 */

/* Decodes one character of s (n bytes available); returns its length, or 0
 * for an invalid, overlong, surrogate or out-of-range sequence. */
static int utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; min = 0x80; c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; min = 0x800; c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; min = 0x10000; c &= 0x07;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* Length of the NUL-terminated s, looking at no more than max bytes. */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Superscript or subscript digit value, or -1. */
static int script_digit(unsigned cp)
{
    if (cp == 0x2070 || cp == 0x2080)
        return 0;
    if (cp == 0xB9)
        return 1;
    if (cp == 0xB2)
        return 2;
    if (cp == 0xB3)
        return 3;
    if (cp >= 0x2074 && cp <= 0x2079)
        return (int)(cp - 0x2070);
    if (cp >= 0x2081 && cp <= 0x2089)
        return (int)(cp - 0x2080);
    return -1;
}

static int is_alpha(unsigned c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

static void fail(parser *p, int col, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    p->err_col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof p->msg, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- lexer */

static const char expect_any[] =
    "expected names, numbers, operators (* · ⊙ .* + −), transposes (ᵀ ' .T) and parentheses";

static const char expect_operand[] =
    "expected an operand: a name such as W_ij, x or err, a number, g′(…) or (";

/* Splits the expression into tokens; stops at the first problem. */
static void lex(parser *p)
{
    const unsigned char *s = (const unsigned char *)p->s;
    size_t n = bounded_len(p->s, (size_t)SHAPE_MAX_CHARS * 4 + 8);
    size_t i = 0;
    int col = 1;
    p->ntok = 0;
    while (i < n) {
        if (col > SHAPE_MAX_CHARS) {
            fail(p, SHAPE_MAX_CHARS + 1, "the expression is longer than %d characters",
                 SHAPE_MAX_CHARS);
            return;
        }
        unsigned cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            fail(p, col, "invalid UTF-8 (byte 0x%02X), expected text in UTF-8", s[i]);
            return;
        }
        if (cp == ' ' || cp == '\t') {
            i += (size_t)len;
            col++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            fail(p, col, "control character U+%04X, expected an expression on one line", cp);
            return;
        }
        token *t = &p->tok[p->ntok];
        t->b0 = (int)i;
        t->c0 = col;
        size_t j = i + (size_t)len;
        int ccount = 1;
        unsigned next = 0;
        int nlen = j < n ? utf8_decode(s + j, n - j, &next) : 0;
        if (nlen == 0)
            next = 0;
        switch (cp) {
        case '(': t->kind = T_LP; break;
        case ')': t->kind = T_RP; break;
        case '*': case 0xB7: case 0x22C5: t->kind = T_MUL; break;
        case 0x2299: case 0x2218: t->kind = T_HAD; break;
        case '+': t->kind = T_ADD; break;
        case '-': case 0x2212: t->kind = T_SUB; break;
        case '=': t->kind = T_EQ; break;
        case 0x1D40: t->kind = T_TR; break;
        case '\'': case 0x2032: case 0x2019: t->kind = T_PRIME; break;
        case '^':
            if (next != 'T') {
                fail(p, col, "unexpected '^', expected ^T for a transpose");
                return;
            }
            t->kind = T_TR; j++; ccount = 2;
            break;
        case '.':
            if (next == 'T' || next == '*') {
                t->kind = next == 'T' ? T_TR : T_HAD;
                j++; ccount = 2;
                break;
            }
            if (!is_digit(next)) {
                fail(p, col, "unexpected '.', expected .T (transpose), .* (element by element) or a number");
                return;
            }
            /* a number such as .5 */
            /* fall through */
        default:
            if (is_digit(cp) || cp == '.') {
                t->kind = T_NUM;
                j = i;
                while (j < n && is_digit(s[j]))
                    j++;
                if (j < n && s[j] == '.' && j + 1 < n && is_digit(s[j + 1])) {
                    j++;
                    while (j < n && is_digit(s[j]))
                        j++;
                }
                if (j < n && (s[j] == 'e' || s[j] == 'E')) {
                    size_t k = j + 1;
                    if (k < n && (s[k] == '+' || s[k] == '-'))
                        k++;
                    if (k < n && is_digit(s[k])) {
                        j = k;
                        while (j < n && is_digit(s[j]))
                            j++;
                    }
                }
                ccount = (int)(j - i);
            } else if (is_alpha(cp) || cp == 0x3B4 || cp == 0x3B7) {
                t->kind = T_NAME;
                ccount = 1;
                for (;;) {
                    unsigned c2;
                    int l2 = j < n ? utf8_decode(s + j, n - j, &c2) : 0;
                    if (l2 == 0)
                        break;
                    if (!(is_alpha(c2) || is_digit(c2) || c2 == '_' || script_digit(c2) >= 0))
                        break;
                    j += (size_t)l2;
                    ccount++;
                }
            } else if (cp == 0xD7) {
                fail(p, col, "unexpected '×', expected * or · for a matrix product, ⊙ or .* for element by element");
                return;
            } else if (cp < 0x80) {
                fail(p, col, "unexpected '%c', %s", (int)cp, expect_any);
                return;
            } else {
                fail(p, col, "unexpected character U+%04X, %s", cp, expect_any);
                return;
            }
        }
        if (col + ccount - 1 > SHAPE_MAX_CHARS) {
            fail(p, SHAPE_MAX_CHARS + 1, "the expression is longer than %d characters",
                 SHAPE_MAX_CHARS);
            return;
        }
        t->b1 = (int)j;
        t->c1 = col + ccount;
        col += ccount;
        i = j;
        p->ntok++;
    }
    token *e = &p->tok[p->ntok++];
    e->kind = T_END;
    e->b0 = e->b1 = (int)i;
    e->c0 = e->c1 = col;
}

/* ---------------------------------------------------------------- names */

/* The layer a suffix names: "_j" → 1, "1", "¹", "₁", "_1"; -1 when there is
 * no suffix, -2 when it is not a layer.  Two letters go to *second. */
static int name_suffix(const char *suf, int *second)
{
    *second = -1;
    if (*suf == '\0')
        return -1;
    const char *q = suf;
    if (*q == '_')
        q++;
    if (*q == '\0')
        return -2;
    const char *l1 = strchr(layer_letters, *q);
    if (is_alpha((unsigned char)*q)) {
        if (!l1 || suf[0] != '_')
            return -2;
        if (q[1] == '\0')
            return (int)(l1 - layer_letters);
        const char *l2 = strchr(layer_letters, q[1]);
        if (!l2 || !is_alpha((unsigned char)q[1]) || q[2] != '\0')
            return -2;
        *second = (int)(l2 - layer_letters);
        return (int)(l1 - layer_letters);
    }
    int value = 0, digits = 0;
    const unsigned char *u = (const unsigned char *)q;
    size_t left = strlen(q);
    while (left > 0) {
        unsigned cp;
        int len = utf8_decode(u, left, &cp);
        int d = is_digit(cp) ? (int)(cp - '0') : script_digit(cp);
        if (len == 0 || d < 0 || digits >= 3)
            return -2;
        value = value * 10 + d;
        digits++;
        u += len;
        left -= (size_t)len;
    }
    return value;
}

/* Examples of vectors of layer n, for messages. */
static void layer_examples(const parser *p, int n, char *buf, size_t size)
{
    char c = layer_letters[n];
    if (n == 0)
        snprintf(buf, size, "x");
    else if (n < p->layers)
        snprintf(buf, size, "h_%c or δ_%c", c, c);
    else
        snprintf(buf, size, "δ_%c or err", c);
}

/* Sets the shape of a vector of layer n: a column n×1 in both conventions,
 * since the engine's rows convention also multiplies W by a column
 * (z = W·a); only the weights change orientation. */
static void set_vector(const parser *p, node *nd, int n)
{
    nd->vlayer = n;
    nd->rows = p->width[n];
    nd->cols = 1;
}

/* A layer number's spelling for messages, "j (layer 1)". */
static char letter_of(int n)
{
    return n >= 0 && n <= ENGINE_MAX_LAYERS ? layer_letters[n] : '?';
}

/* Gives leaf nd the shape of the name in [b0, b1); 0, or -1 after fail(). */
static int resolve_name(parser *p, node *nd, const token *t)
{
    char name[64];
    int len = t->b1 - t->b0;
    if (len >= (int)sizeof name) {
        fail(p, t->c0, "unknown name (too long), %s", expect_operand);
        return -1;
    }
    memcpy(name, p->s + t->b0, (size_t)len);
    name[len] = '\0';
    /* base: ASCII letters, or one δ or η */
    int blen = 0;
    if ((unsigned char)name[0] >= 0x80)
        blen = 2;
    else
        while (is_alpha((unsigned char)name[blen]))
            blen++;
    char base[64];
    memcpy(base, name, (size_t)blen);
    base[blen] = '\0';
    int second;
    int n = name_suffix(name + blen, &second);
    int L = p->layers;
    char last = letter_of(L);
    nd->scalar = 0;
    nd->wa = nd->wb = nd->vlayer = -1;

    /* xT and W_ijT: a transpose written as a letter */
    if (len > 1 && name[len - 1] == 'T') {
        fail(p, t->c0, "unknown name %s, expected %.*sᵀ, %.*s' or %.*s.T for a transpose",
             name, len - 1, name, len - 1, name, len - 1, name);
        return -1;
    }
    if (!strcmp(base, "η") || !strcmp(base, "eta") || !strcmp(base, "E")) {
        if (n != -1)
            goto bad_suffix;
        nd->scalar = 1;
        nd->rows = nd->cols = 1;
        return 0;
    }
    if (!strcmp(base, "W") || !strcmp(base, "G")) {
        int a, b;
        if (n == -1) {
            if (L != 1) {
                fail(p, t->c0, "%s alone is ambiguous with %d weight layers, expected %s_ij … %s_%c%c",
                     base, L, base, base, letter_of(L - 1), last);
                return -1;
            }
            a = 0; b = 1;
        } else if (n == -2) {
            goto bad_suffix;
        } else if (second >= 0) {
            a = n; b = second;
        } else if (name[blen] == '_' && is_alpha((unsigned char)name[blen + 1])) {
            fail(p, t->c0, "%s needs two layer letters, expected %s_ij … %s_%c%c",
                 name, base, base, letter_of(L - 1), last);
            return -1;
        } else {
            a = n - 1; b = n;
        }
        if (b != a + 1) {
            fail(p, t->c0, "%s does not join neighbouring layers, expected %s_ij … %s_%c%c",
                 name, base, base, letter_of(L - 1), last);
            return -1;
        }
        if (a < 0 || b > L) {
            fail(p, t->c0, "this network has no %s: its weights are %s_ij … %s_%c%c (%d weight layer%s)",
                 name, base, base, letter_of(L - 1), last, L, L == 1 ? "" : "s");
            return -1;
        }
        nd->wa = a;
        nd->wb = b;
        if (p->conv == CONV_ROWS) {
            nd->rows = p->width[b];
            nd->cols = p->width[a];
        } else {
            nd->rows = p->width[a];
            nd->cols = p->width[b];
        }
        return 0;
    }
    if (second >= 0)
        goto bad_suffix;
    if (!strcmp(base, "x")) {
        if (n != -1 && n != 0) {
            fail(p, t->c0, "%s: x is the input, layer i, expected x or x_i", name);
            return -1;
        }
        set_vector(p, nd, 0);
        return 0;
    }
    if (!strcmp(base, "y") || !strcmp(base, "t") || !strcmp(base, "err")) {
        if (n != -1 && n != L) {
            if (n == -2)
                goto bad_suffix;
            fail(p, t->c0, "%s: %s belongs to the output layer %c, expected %s or %s_%c",
                 name, base, last, base, base, last);
            return -1;
        }
        set_vector(p, nd, L);
        return 0;
    }
    if (!strcmp(base, "h")) {
        if (n == -2)
            goto bad_suffix;
        if (n == -1) {
            if (L == 1) {
                fail(p, t->c0, "this network has no hidden layer, so no h; expected x, y, t, z, δ or err");
                return -1;
            }
            if (L > 2) {
                fail(p, t->c0, "h alone is ambiguous with %d hidden layers, expected h_j … h_%c (or h1 … h%d)",
                     L - 1, letter_of(L - 1), L - 1);
                return -1;
            }
            n = 1;
        }
        if (n == 0) {
            if (L == 2)
                fail(p, t->c0, "%s: layer i is the input, x; the hidden layer is h_j", name);
            else
                fail(p, t->c0, "%s: layer i is the input, x; the hidden layers are h_j … h_%c",
                     name, letter_of(L - 1));
            return -1;
        }
        if (n == L) {
            if (L == 2)
                fail(p, t->c0, "%s: the output layer's g(z) is y; the hidden layer is h_j", name);
            else
                fail(p, t->c0, "%s: the output layer's g(z) is y; the hidden layers are h_j … h_%c",
                     name, letter_of(L - 1));
            return -1;
        }
        if (n > L) {
            fail(p, t->c0, "this network has no %s: its layers are i … %c", name, last);
            return -1;
        }
        set_vector(p, nd, n);
        return 0;
    }
    if (!strcmp(base, "z") || !strcmp(base, "δ") || !strcmp(base, "d") ||
        !strcmp(base, "delta") || !strcmp(base, "b")) {
        if (n == -2)
            goto bad_suffix;
        if (n == -1)
            n = L;
        if (n < 1 || n > L) {
            fail(p, t->c0, "this network has no %s: %s exists for layers j … %c", name, base, last);
            return -1;
        }
        set_vector(p, nd, n);
        return 0;
    }
    fail(p, t->c0, "unknown name %s, expected W_ij … W_%c%c, x, h, z, δ, y, t, err, b, η or a number",
         name, letter_of(L - 1), last);
    return -1;
bad_suffix:
    fail(p, t->c0, "%s: %s does not take the suffix %s", name, base, name + blen);
    return -1;
}

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

/* Spans a node from token range or children. */
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

/* Bytes of s[0..len) that hold at most max characters, "…" marking a cut
 * in *cut. */
static int cut_chars(const char *s, int len, int max, int *cut)
{
    int b = 0, c = 0;
    while (b < len && c < max) {
        b++;
        while (b < len && ((unsigned char)s[b] & 0xC0) == 0x80)
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
    int b = cut_chars(p->s + t->b0, t->b1 - t->b0, 20, &cut);
    if (t->kind == T_END)
        snprintf(buf, size, "end of the expression");
    else
        snprintf(buf, size, "'%.*s%s'", b, p->s + t->b0, cut ? "…" : "");
}

/* ( sum ) after the opening token at p->pos - 1; returns the inner node. */
static int parse_group(parser *p, const token *open, const char *what)
{
    if (p->depth >= SHAPE_MAX_DEPTH) {
        fail(p, open->c0, "nested deeper than %d levels of ( and g′(", SHAPE_MAX_DEPTH);
        return -1;
    }
    p->depth++;
    int inner = parse_sum(p);
    p->depth--;
    if (inner < 0)
        return -1;
    const token *t = peek(p);
    if (t->kind != T_RP) {
        char d[64];
        tok_desc(p, t, d, sizeof d);
        fail(p, t->c0, "unexpected %s, expected ) to close the %s at column %d", d, what, open->c0);
        return -1;
    }
    p->pos++;
    return inner;
}

static int parse_primary(parser *p)
{
    const token *t = peek(p);
    char d[64];
    if (t->kind == T_NUM) {
        p->pos++;
        int id = new_node(p, N_LEAF);
        span(p, id, t->b0, t->b1, t->c0, t->c1);
        p->nodes[id].rows = p->nodes[id].cols = p->nodes[id].scalar = 1;
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
        int is_g = t->b1 - t->b0 == 1 && p->s[t->b0] == 'g';
        if (is_g) {
            const token *t2 = &p->tok[p->pos + 1];
            node_kind kind = N_GACT;
            const token *open = t2;
            if (t2->kind == T_PRIME) {
                kind = N_GPRIME;
                open = &p->tok[p->pos + 2];
            }
            if (open->kind != T_LP) {
                tok_desc(p, open, d, sizeof d);
                fail(p, open->c0, "unexpected %s, expected ( after %s: g is the activation, "
                     "written g(…), and g′(…) its derivative",
                     d, kind == N_GPRIME ? "g′" : "g");
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
        if (resolve_name(p, &p->nodes[id], t) < 0)
            return -1;
        return id;
    }
    tok_desc(p, t, d, sizeof d);
    if (t->kind == T_END && p->pos == 0)
        fail(p, t->c0, "the expression is empty, %s", expect_operand);
    else
        fail(p, t->c0, "unexpected %s, %s", d, expect_operand);
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
        int b = cut_chars(p->s + l->ob0, l->ob1 - l->ob0, ABBREV_CHARS, &cut);
        tok_desc(p, t, d, sizeof d);
        fail(p, t->c0, "%s follows %.*s%s with no operator, expected *, ·, ⊙, .*, + or − between them",
             d, b, p->s + l->ob0, cut ? "…" : "");
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
        if (k != T_MUL && k != T_HAD) {
            check_follow(p, left);
            return p->failed ? -1 : left;
        }
        int op = p->pos++;
        int right = parse_unary(p);
        if (right < 0)
            return -1;
        left = binary(p, k == T_MUL ? N_MUL : N_HAD, left, right, op);
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
static int parse_top(parser *p)
{
    int left = parse_sum(p);
    if (left < 0)
        return -1;
    if (peek(p)->kind == T_EQ) {
        int op = p->pos++;
        int right = parse_sum(p);
        if (right < 0)
            return -1;
        left = binary(p, N_EQ, left, right, op);
    }
    const token *t = peek(p);
    if (t->kind != T_END) {
        char d[64];
        tok_desc(p, t, d, sizeof d);
        if (t->kind == T_RP)
            fail(p, t->c0, "unexpected ), no ( is open");
        else if (t->kind == T_EQ)
            fail(p, t->c0, "unexpected second =, expected one = at most");
        else
            fail(p, t->c0, "unexpected %s, expected an operator or the end", d);
        return -1;
    }
    return left;
}

/* ------------------------------------------------------------ inference */

void shape_format(int rows, int cols, int scalar, int ascii, char *buf, size_t size)
{
    if (scalar)
        snprintf(buf, size, "scalar");
    else
        snprintf(buf, size, "%d%s%d", rows, ascii ? "x" : "×", cols);
}

static void fmt(const node *nd, char *buf, size_t size)
{
    shape_format(nd->rows, nd->cols, nd->scalar, 0, buf, size);
}

/* The text of a node, cut to ABBREV_CHARS characters with "…". */
static void node_text(const parser *p, const node *nd, char *buf, size_t size)
{
    const char *s = p->s + nd->tb0;
    int len = nd->tb1 - nd->tb0;
    if (nd->tc1 - nd->tc0 <= ABBREV_CHARS) {
        snprintf(buf, size, "%.*s", len, s);
        return;
    }
    int cut;
    int b = cut_chars(s, len, ABBREV_CHARS - 1, &cut);
    snprintf(buf, size, "%.*s…", b, s);
}

static int compound(const node *nd)
{
    return nd->kind != N_LEAF && nd->kind != N_GPRIME && nd->kind != N_GACT &&
           nd->kind != N_TR;
}

/* The node's text as an operand of a product: a + b → (a + b). */
static void operand_text(const parser *p, const node *nd, char *buf, size_t size)
{
    char t[256];
    node_text(p, nd, t, sizeof t);
    snprintf(buf, size, compound(nd) && nd->kind != N_NEG ? "(%s)" : "%s", t);
}

/* The node's text transposed: W_ij → W_ijᵀ, W_ijᵀ → W_ij, a + b → (a + b)ᵀ. */
static void transposed_text(const parser *p, const node *nd, char *buf, size_t size)
{
    char t[256];
    if (nd->kind == N_TR) {
        operand_text(p, &p->nodes[nd->a], buf, size);
        return;
    }
    node_text(p, nd, t, sizeof t);
    snprintf(buf, size, compound(nd) ? "(%s)ᵀ" : "%sᵀ", t);
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

static int is_vector(const node *nd)
{
    return !nd->scalar && (nd->rows == 1) != (nd->cols == 1);
}

/* Explains which layer's vector a weight takes in a failed product. */
static void weight_note(const parser *p, const node *l, const node *r, char *msg, size_t size)
{
    int tr, left_side = 1;
    const node *w = weight_of(p, l, &tr), *v = r, *wn = l;
    if (!w || !is_vector(r)) {
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
    char wt[64], wst[64], vt[256], ex[64];
    node_text(p, w, wt, sizeof wt);
    node_text(p, wn, wst, sizeof wst);
    node_text(p, v, vt, sizeof vt);
    fmt(w, ex, sizeof ex);
    int first = rows ? w->wb : w->wa, second = rows ? w->wa : w->wb;
    text_append(msg, size, " In the %s convention %s is %s, a row for each of the %d units of "
           "layer %c and a column for each of the %d of layer %c, so ",
           rows ? "rows" : "columns", wt, ex, p->width[first], letter_of(first),
           p->width[second], letter_of(second));
    layer_examples(p, need, ex, sizeof ex);
    if (left_side)
        text_append(msg, size, "%s * … takes", wst);
    else
        text_append(msg, size, "… * %s takes", wst);
    text_append(msg, size, " a vector of layer %c (%d entries, such as %s), and %s has %d.",
           letter_of(need), p->width[need], ex, vt, have);
}

typedef struct {
    char text[600];
    int score;
    int wrong_way; /* gives a row vector, where vectors are columns */
} rewrite;

/* Suggests up to two rewrites of a failed product l * r whose shapes fit. */
static void suggest_product(const parser *p, const node *l, const node *r, const char *op,
                            char *msg, size_t size)
{
    char lt[256], rt[256], ltr[256], rtr[256];
    operand_text(p, l, lt, sizeof lt);
    operand_text(p, r, rt, sizeof rt);
    transposed_text(p, l, ltr, sizeof ltr);
    transposed_text(p, r, rtr, sizeof rtr);
    int a = l->rows, b = l->cols, c = r->rows, d = r->cols;
    struct {
        int ok, pr, pc, qr, qc, swapped, trans, had;
        const char *x, *y;
    } cand[] = {
        {a == c && b == d, a, b, c, d, 0, 0, 1, lt, rt},
        {a == c, b, a, c, d, 0, 1, 0, ltr, rt},
        {b == d, a, b, d, c, 0, 1, 0, lt, rtr},
        {d == a, c, d, a, b, 1, 0, 0, rt, lt},
        {a == d, b, a, d, c, 0, 2, 0, ltr, rtr},
        {d == b, c, d, b, a, 1, 1, 0, rt, ltr},
        {c == a, d, c, a, b, 1, 1, 0, rtr, lt},
    };
    rewrite best[2];
    int nbest = 0, second_ok = 1;
    for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++) {
        if (!cand[k].ok)
            continue;
        int rr = cand[k].had ? a : cand[k].pr, rc = cand[k].had ? b : cand[k].qc;
        /* an outer product is likelier meant than an inner one giving 1×1 */
        int score = 2 * cand[k].trans + 4 * cand[k].swapped + (rr == 1 && rc == 1);
        /* a row vector result: vectors are columns in both conventions */
        int wrong_way = (rr == 1) != (rc == 1) && rr == 1;
        if (wrong_way)
            score += 6;
        rewrite w;
        char res[32], s1[32], s2[32];
        shape_format(rr, rc, 0, 0, res, sizeof res);
        if (cand[k].had) {
            snprintf(w.text, sizeof w.text, "%s ⊙ %s (element by element) → %s",
                     cand[k].x, cand[k].y, res);
        } else {
            shape_format(cand[k].pr, cand[k].pc, 0, 0, s1, sizeof s1);
            shape_format(cand[k].qr, cand[k].qc, 0, 0, s2, sizeof s2);
            snprintf(w.text, sizeof w.text, "%s %s %s: (%s)·(%s) → %s",
                     cand[k].x, op, cand[k].y, s1, s2, res);
        }
        w.score = score;
        w.wrong_way = wrong_way;
        if (nbest < 2) {
            best[nbest++] = w;
        } else if (score < best[1].score) {
            best[1] = w;
        }
        if (nbest == 2 && best[1].score < best[0].score) {
            rewrite tmp = best[0];
            best[0] = best[1];
            best[1] = tmp;
        }
    }
    /* a second rewrite only when it keeps vectors standing the right way */
    if (nbest == 2 && best[1].wrong_way)
        second_ok = 0;
    if (nbest == 1 || !second_ok)
        text_append(msg, size, " The shapes fit as %s.", best[0].text);
    else if (nbest == 2)
        text_append(msg, size, " The shapes fit as %s, or as %s.", best[0].text, best[1].text);
}

/* Suggests a transpose for a failed element-wise operation or sum. */
static void suggest_same(const parser *p, const node *l, const node *r, const char *op,
                         char *msg, size_t size)
{
    char lt[256], rt[256], tt[256], res[32];
    if (l->rows == r->cols && l->cols == r->rows) {
        operand_text(p, l, lt, sizeof lt);
        transposed_text(p, r, tt, sizeof tt);
        fmt(l, res, sizeof res);
        text_append(msg, size, " The shapes fit as %s %s %s → %s.", lt, op, tt, res);
    }
    if (l->cols == r->rows && !strcmp(op, "⊙")) {
        operand_text(p, l, lt, sizeof lt);
        operand_text(p, r, rt, sizeof rt);
        shape_format(l->rows, r->cols, 0, 0, res, sizeof res);
        text_append(msg, size, " For a matrix product write %s * %s → %s.", lt, rt, res);
    }
}

/* Infers the shape of node id from its children; 0, or -1 with the reason. */
static int infer(parser *p, int id, char *note, size_t nsize)
{
    node *nd = &p->nodes[id];
    const node *l = nd->a >= 0 ? &p->nodes[nd->a] : NULL;
    const node *r = nd->b >= 0 ? &p->nodes[nd->b] : NULL;
    switch (nd->kind) {
    case N_LEAF:
        return 0;
    case N_NEG: case N_GPRIME: case N_GACT:
        nd->rows = l->rows; nd->cols = l->cols; nd->scalar = l->scalar;
        return 0;
    case N_TR:
        nd->rows = l->cols; nd->cols = l->rows; nd->scalar = l->scalar;
        return 0;
    default:
        break;
    }
    if (l->scalar || r->scalar) {
        const node *m = l->scalar ? r : l;
        if (nd->kind != N_EQ || (m->rows == 1 && m->cols == 1)) {
            nd->rows = m->rows; nd->cols = m->cols; nd->scalar = m->scalar;
            return 0;
        }
    }
    char ls[32], rs[32], lt[256], rt[256], optext[16];
    fmt(l, ls, sizeof ls);
    fmt(r, rs, sizeof rs);
    node_text(p, l, lt, sizeof lt);
    node_text(p, r, rt, sizeof rt);
    const token *ot = &p->tok[nd->op];
    snprintf(optext, sizeof optext, "%.*s", ot->b1 - ot->b0, p->s + ot->b0);
    char *msg = p->msg;
    size_t size = sizeof p->msg;
    msg[0] = '\0';
    switch (nd->kind) {
    case N_MUL:
        if (l->cols == r->rows) {
            nd->rows = l->rows;
            nd->cols = r->cols;
            return 0;
        }
        snprintf(note, nsize, "(%s)·(%s): %d ≠ %d", ls, rs, l->cols, r->rows);
        text_append(msg, size, "cannot multiply %s (%s) by %s (%s): a matrix product (a×b)·(c×d) "
               "needs b = c, the columns on the left as many as the rows on the right, "
               "and here b = %d, c = %d.", lt, ls, rt, rs, l->cols, r->rows);
        weight_note(p, l, r, msg, size);
        suggest_product(p, l, r, optext, msg, size);
        return -1;
    case N_HAD: case N_ADD: case N_SUB:
        if (l->rows == r->rows && l->cols == r->cols) {
            nd->rows = l->rows;
            nd->cols = l->cols;
            return 0;
        }
        {
            const char *sym = nd->kind == N_HAD ? "⊙" : nd->kind == N_ADD ? "+" : "−";
            snprintf(note, nsize, "%s %s %s: the shapes differ", ls, sym, rs);
            if (nd->kind == N_HAD)
                text_append(msg, size, "cannot multiply %s (%s) and %s (%s) element by element: "
                       "%s needs two operands of the same shape.", lt, ls, rt, rs, optext);
            else if (nd->kind == N_ADD)
                text_append(msg, size, "cannot add %s (%s) and %s (%s): + needs two operands "
                       "of the same shape.", lt, ls, rt, rs);
            else
                text_append(msg, size, "cannot subtract %s (%s) from %s (%s): − needs two "
                       "operands of the same shape.", rt, rs, lt, ls);
            suggest_same(p, l, r, sym, msg, size);
        }
        return -1;
    case N_EQ:
        if (l->rows == r->rows && l->cols == r->cols) {
            nd->rows = l->rows;
            nd->cols = l->cols;
            nd->scalar = l->scalar && r->scalar;
            return 0;
        }
        snprintf(note, nsize, "%s = %s: the shapes differ", ls, rs);
        text_append(msg, size, "the two sides of = have different shapes: %s is %s, %s is %s; "
               "a gradient or an update has the shape of the thing it is for.",
               lt, ls, rt, rs);
        return -1;
    default:
        return 0;
    }
}

/* ----------------------------------------------------------------- API */

void shape_result_free(shape_result *r)
{
    if (!r)
        return;
    free(r->lines);
    memset(r, 0, sizeof *r);
}

static void result_error(shape_result *out, int col, const char *msg)
{
    out->status = SHAPE_PARSE_ERROR;
    out->error_column = col;
    snprintf(out->message, sizeof out->message, "%s", msg);
}

int shape_check(const char *expr, const engine_net *net, engine_conv conv, shape_result *out)
{
    memset(out, 0, sizeof *out);
    if (!net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS) {
        result_error(out, 1, "no network to check the shapes against");
        return 0;
    }
    for (int n = 0; n <= net->layers; n++) {
        if (net->width[n] < 1 || net->width[n] > ENGINE_MAX_WIDTH) {
            result_error(out, 1, "the network's layer widths are not valid");
            return 0;
        }
    }
    parser *p = malloc(sizeof *p);
    if (!p) {
        result_error(out, 1, "out of memory");
        return -1;
    }
    memset(p, 0, offsetof(parser, tok));
    p->s = expr ? expr : "";
    p->width = net->width;
    p->layers = net->layers;
    p->conv = conv == CONV_ROWS ? CONV_ROWS : CONV_COLUMNS;
    p->failed = 0;
    p->nn = 0;
    p->pos = 0;
    p->depth = 0;
    lex(p);
    int root = -1;
    if (!p->failed)
        root = parse_top(p);
    if (p->failed || root < 0) {
        result_error(out, p->err_col, p->msg);
        free(p);
        return 0;
    }
    /* infer in creation order, which is evaluation order; stop at a mismatch */
    char note[SHAPE_NOTE_SIZE] = "";
    int upto = p->nn, bad = -1;
    for (int k = 0; k < p->nn; k++) {
        if (infer(p, k, note, sizeof note) < 0) {
            bad = k;
            upto = k + 1;
            break;
        }
    }
    size_t text_bytes = 0;
    for (int k = 0; k < upto; k++)
        text_bytes += (size_t)(p->nodes[k].tb1 - p->nodes[k].tb0) + 1;
    char *block = malloc((size_t)upto * sizeof(shape_line) + text_bytes);
    if (!block) {
        free(p);
        result_error(out, 1, "out of memory");
        return -1;
    }
    out->lines = (shape_line *)block;
    char *arena = block + (size_t)upto * sizeof(shape_line);
    for (int k = 0; k < upto; k++) {
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
        ln->ok = k != bad;
        if (ln->ok) {
            ln->rows = nd->rows;
            ln->cols = nd->cols;
            ln->scalar = nd->scalar;
        } else {
            snprintf(ln->note, sizeof ln->note, "%s", note);
        }
    }
    out->n_lines = upto;
    if (bad >= 0) {
        const node *nd = &p->nodes[bad];
        out->status = SHAPE_MISMATCH;
        out->error_column = p->tok[nd->op].c0;
        out->error_start = nd->tc0;
        out->error_length = nd->tc1 - nd->tc0;
        snprintf(out->message, sizeof out->message, "%s", p->msg);
    } else {
        const node *nd = &p->nodes[root];
        out->status = SHAPE_FIT;
        out->rows = nd->rows;
        out->cols = nd->cols;
        out->scalar = nd->scalar;
    }
    free(p);
    return 0;
}

/* ------------------------------------------------------------- printing */

/* ASCII spellings of the symbols the checker reads and writes. */
static const struct {
    unsigned cp;
    const char *ascii;
} ascii_map[] = {
    {0xD7, "x"}, {0xB7, "*"}, {0x22C5, "*"}, {0x2299, ".*"}, {0x2218, ".*"},
    {0x2212, "-"}, {0x1D40, "'"}, {0x2032, "'"}, {0x2019, "'"}, {0x2192, "->"},
    {0x2260, "!="}, {0x3B4, "d"}, {0x3B7, "eta"}, {0x2026, "..."}, {0x2202, "d"},
    {0xB9, "1"}, {0xB2, "2"}, {0xB3, "3"}, {0x2070, "0"},
};

/* Writes s to out (or only counts when out is NULL): invalid bytes,
 * control characters and characters the checker does not use become '?'
 * (unknown ones could be wide or reorder the line), and with ascii every
 * symbol its ASCII spelling.  Returns the columns written. */
static int put_text(FILE *out, const char *s, size_t n, int ascii)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int cols = 0;
    while (i < n) {
        unsigned cp;
        int len = utf8_decode(u + i, n - i, &cp);
        const char *a = "?";
        char one[8];
        if (len == 0) {
            len = 1;
        } else if (cp == '\t') {
            a = " ";
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            a = "?";
        } else if (cp < 0x80) {
            one[0] = (char)cp;
            one[1] = '\0';
            a = one;
        } else {
            const char *m = NULL;
            for (size_t k = 0; k < sizeof ascii_map / sizeof ascii_map[0]; k++)
                if (ascii_map[k].cp == cp)
                    m = ascii_map[k].ascii;
            if (!m && script_digit(cp) >= 0) {
                one[0] = (char)('0' + script_digit(cp));
                one[1] = '\0';
                m = one;
            }
            if (m && !ascii) {
                memcpy(one, s + i, (size_t)len);
                one[len] = '\0';
                a = one;
                cols += 1 - (int)strlen(a); /* one column, several bytes */
            } else if (m) {
                a = m;
            }
        }
        i += (size_t)len;
        cols += (int)strlen(a);
        if (out)
            fputs(a, out);
    }
    return cols;
}

static int put_str(FILE *out, const char *s, int ascii)
{
    return put_text(out, s, strlen(s), ascii);
}

/* Columns the first `chars` characters of s take once printed. */
static int printed_cols(const char *s, int chars, int ascii)
{
    size_t b = 0, n = bounded_len(s, (size_t)SHAPE_MAX_CHARS * 4 + 8);
    for (int c = 0; c < chars && b < n; c++) {
        unsigned cp;
        int len = utf8_decode((const unsigned char *)s + b, n - b, &cp);
        b += len > 0 ? (size_t)len : 1;
    }
    return put_text(NULL, s, b, ascii);
}

/* The expression again with a mark under columns [start, start+len):
 * '^' at `at`, '~' over the rest. */
static void put_mark(FILE *out, const char *expr, int start, int len, int at, int ascii)
{
    size_t n = bounded_len(expr, (size_t)SHAPE_MAX_CHARS * 4 + 8);
    fputs("  ", out);
    put_text(out, expr, n, ascii);
    fputs("\n  ", out);
    int c0 = printed_cols(expr, start - 1, ascii);
    int c1 = printed_cols(expr, start - 1 + len, ascii);
    int ca = printed_cols(expr, at - 1, ascii);
    if (c1 <= c0)
        c1 = c0 + 1;
    for (int c = 0; c < c1; c++)
        fputc(c < c0 ? ' ' : c == ca ? '^' : '~', out);
    fputc('\n', out);
}

int shape_run(FILE *out, const char *expr, const lesson *l, engine_conv conv, int ascii)
{
    engine_net question = {0};
    const engine_net *net = l ? &l->net : &question;
    if (!l) {
        question.layers = 2;
        question.width[0] = 2;
        question.width[1] = 3;
        question.width[2] = 2;
    }
    shape_result r;
    shape_check(expr, net, conv, &r);
    const char *arrow = ascii ? "->" : "→";
    if (r.status == SHAPE_PARSE_ERROR) {
        if (expr && r.error_column <= SHAPE_MAX_CHARS)
            put_mark(out, expr, r.error_column, 1, r.error_column, ascii);
        fprintf(out, "column %d: ", r.error_column);
        put_str(out, r.message, ascii);
        fputc('\n', out);
        shape_result_free(&r);
        return 2;
    }
    int pad = 0;
    for (int k = 0; k < r.n_lines; k++) {
        int w = printed_cols(r.lines[k].text, SHAPE_MAX_CHARS, ascii);
        if (w > pad && w <= 40)
            pad = w;
    }
    for (int k = 0; k < r.n_lines; k++) {
        const shape_line *ln = &r.lines[k];
        int w = put_str(out, ln->text, ascii);
        fprintf(out, "%*s", pad - w + 2 > 2 ? pad - w + 2 : 2, "");
        if (ln->ok) {
            char s[32];
            shape_format(ln->rows, ln->cols, ln->scalar, ascii, s, sizeof s);
            fprintf(out, "%s\n", s);
        } else {
            put_str(out, "does not fit: ", ascii);
            put_str(out, ln->note, ascii);
            fputc('\n', out);
        }
    }
    int rc;
    if (r.status == SHAPE_FIT) {
        char s[32];
        shape_format(r.rows, r.cols, r.scalar, ascii, s, sizeof s);
        fprintf(out, "%s %s\n", arrow, s);
        rc = 0;
    } else {
        put_mark(out, expr, r.error_start, r.error_length, r.error_column, ascii);
        fprintf(out, "%s no shape: column %d: ", arrow, r.error_column);
        put_str(out, r.message, ascii);
        fputc('\n', out);
        rc = 1;
    }
    shape_result_free(&r);
    return rc;
}
