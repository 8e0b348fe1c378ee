/* shape.c - the shape checker: a bounded lexer, a recursive-descent parser
 * with an explicit depth limit, and shape inference in one forward sweep
 * over the nodes (the parser creates them children first, so their order
 * is already the evaluation order).  A product that does not fit is read
 * the way its shapes fit and the sweep goes on; the rows for a screen or a
 * terminal are laid out from the result at the end. */
#include "shape.h"
#include "text.h"
#include "utf8.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum {
    SHORT_CHARS = 20,  /* operands quoted in readings are cut to this */
    ABBREV_CHARS = 40, /* operands quoted in messages are cut to this */
    PAD_MAX = 40,      /* the shape column starts no further right than this */
    SCAN_BYTES = SHAPE_MAX_CHARS * 4 + 8,
};

/* ------------------------------------------------------------ the types */

typedef enum {
    T_END, T_NAME, T_NUM, T_LP, T_RP, T_COMMA, T_MUL, T_HAD, T_OUTER, T_ADD, T_SUB,
    T_TR, T_PRIME, T_EQ
} tok_kind;

typedef struct {
    tok_kind kind;
    int b0, b1; /* bytes of the token in the expression */
    int c0, c1; /* 1-based character columns, c1 one past the end */
    int gx;     /* ∂E/∂X and dE/dX: the byte where X starts; -1 otherwise */
} token;

/* What a node computes.  One row per kind in node_ops below. */
typedef enum {
    N_LEAF, N_NEG, N_TR, N_GPRIME, N_GACT, N_MUL, N_HAD, N_OUTER, N_ADD, N_SUB, N_EQ,
    N_KIND_COUNT
} node_kind;

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

/* The ways a product that does not fit may have been meant. */
typedef enum {
    RD_NONE,         /* as written */
    RD_HADAMARD,     /* l ⊙ r */
    RD_T_LEFT,       /* lᵀ op r */
    RD_T_RIGHT,      /* l op rᵀ */
    RD_SWAP,         /* r op l */
    RD_T_BOTH,       /* lᵀ op rᵀ */
    RD_SWAP_T_LEFT,  /* r op lᵀ */
    RD_SWAP_T_RIGHT, /* rᵀ op l */
    RD_PRODUCT,      /* l * r, for an element-wise product that does not fit */
    RD_COUNT
} reading_kind;

/* What a name stands for. */
typedef enum {
    B_NONE, B_W, B_G, B_X, B_H, B_Y, B_T, B_ERR, B_Z, B_DELTA, B_B, B_SCALAR
} base_kind;

typedef struct {
    node_kind kind;
    int a, b;           /* children, -1 when absent */
    int ob0, ob1;       /* outer bytes, with any parentheses around it */
    int oc0, oc1;       /* outer columns */
    int tb0, tb1;       /* bytes of its own text */
    int tc0, tc1;       /* columns of its own text */
    int op;             /* operator token, -1 for leaves */
    int call;           /* outer(a, b) written as a call, not a ⊗ b */
    int rows, cols, scalar; /* the shape, as read */
    int wa, wb;         /* a weight leaf joins layers wa and wb; -1 otherwise */
    int vlayer;         /* a vector leaf's layer; -1 otherwise */
    base_kind base;     /* a leaf's kind of name */
    int grad;           /* a leaf naming a gradient: ∂E/∂X, dX or G_ij */
    base_kind of;       /* what that gradient is of */
    int ok;             /* fits as written */
    int reached;        /* has a shape, as written or read */
    reading_kind rd;    /* the reading taken when !ok */
    char note[SHAPE_NOTE_SIZE];
} node;

/* Everything one check needs, allocated once. */
typedef struct {
    const char *s;
    const engine_net *net;
    const int *width;
    int layers;
    int layer;          /* the caller's layer for bare δ, z, b; 0 none */
    engine_conv conv;
    int gradient_lhs;   /* the left side of = names a gradient */
    int ntok, pos;
    int nn;
    int depth;
    int failed;
    int err_col;
    char msg[SHAPE_MESSAGE_SIZE];
    /* room for one token and one node per character, and the end: sized
     * to the expression, since most are a few characters long */
    token *tok;
    node *nodes;
    char **rd;          /* each node as read, worked out with its shape */
} parser;

/* ---------------------------------------------------------- small tools */

/* Length of the NUL-terminated s, looking at no more than max bytes. */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Superscript or subscript digit value, or -1. */
static int script_digit(uint32_t cp)
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

static int is_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* δ, η and σ start names as letters do. */
static int is_greek(uint32_t c)
{
    return c == 0x3B4 || c == 0x3B7 || c == 0x3C3;
}

/* Characters the checker reads besides printable ASCII; anything else is
 * echoed back as '?', since it could be wide, invisible or reorder a line. */
static int known_symbol(uint32_t c)
{
    static const uint32_t known[] = {
        0xB7, 0x22C5, 0x2299, 0x2218, 0x2297, 0x2212, 0x1D40, 0x2032, 0x2019,
        0x3B4, 0x3B7, 0x3C3, 0x2202, 0xD7,
    };
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (known[k] == c)
            return 1;
    return script_digit(c) >= 0;
}

/* Cuts a UTF-8 string back to its last whole character (text_append and
 * snprintf cut at a byte). */
static void trim_utf8(char *s)
{
    size_t n = strlen(s), k = n;
    while (k > 0 && utf8_is_cont((unsigned char)s[k - 1]))
        k--;
    if (k > 0) {
        uint32_t cp;
        if (utf8_decode(s + k - 1, n - k + 1, &cp) == 0)
            s[k - 1] = '\0';
    }
}

static void fail(parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
    trim_utf8(p->msg);
}

/* Layer letter, i for the input. */
static char letter(int n)
{
    return engine_layer_letter(n);
}

/* The layer a letter names, or -1. */
static int layer_of_letter(char c)
{
    for (int n = 0; n <= ENGINE_MAX_LAYERS; n++)
        if (engine_layer_letter(n) == c)
            return n;
    return -1;
}

/* ------------------------------------------------------ names as shown */

/* The screen's name of layer n's output: x_i, h_j (h¹_j … when there are
 * several hidden layers), y_k. */
static void act_name(const parser *p, int n, char *buf, size_t size)
{
    static const char *const sup[] = {"", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸"};
    if (n == 0)
        snprintf(buf, size, "x_%c", letter(0));
    else if (n == p->layers)
        snprintf(buf, size, "y_%c", letter(n));
    else if (p->layers == 2)
        snprintf(buf, size, "h_%c", letter(n));
    else
        snprintf(buf, size, "h%s_%c", sup[n], letter(n));
}

/* A shape the way the screen writes it: "3" for a column, "2×3", "scalar". */
static void screen_shape(int rows, int cols, int scalar, char *buf, size_t size)
{
    if (scalar)
        snprintf(buf, size, "scalar");
    else if (cols == 1)
        snprintf(buf, size, "%d", rows);
    else
        snprintf(buf, size, "%d×%d", rows, cols);
}

void shape_format(int rows, int cols, int scalar, int ascii, char *buf, size_t size)
{
    if (scalar)
        snprintf(buf, size, "scalar");
    else
        snprintf(buf, size, "%d%s%d", rows, ascii ? "x" : "×", cols);
}

/* Every name of this network with its shape, for messages. */
static void names_list(const parser *p, char *buf, size_t size)
{
    int L = p->layers;
    char nm[32];
    buf[0] = '\0';
    for (int n = 0; n <= L; n++) {
        act_name(p, n, nm, sizeof nm);
        text_append(buf, size, "%s (%d), ", nm, p->width[n]);
    }
    text_append(buf, size, "t_%c and err (%d); ", letter(L), p->width[L]);
    for (int n = 1; n <= L; n++)
        text_append(buf, size, "z_%c, ", letter(n));
    for (int n = 1; n <= L; n++)
        text_append(buf, size, "δ_%c%s", letter(n), n < L || p->net->has_bias ? ", " : "; ");
    if (p->net->has_bias)
        for (int n = 1; n <= L; n++)
            text_append(buf, size, "b_%c%s", letter(n), n < L ? ", " : "; ");
    for (int n = 1; n <= L; n++) {
        char s[32];
        int r = p->conv == CONV_ROWS ? p->width[n] : p->width[n - 1];
        int c = p->conv == CONV_ROWS ? p->width[n - 1] : p->width[n];
        screen_shape(r, c, 0, s, sizeof s);
        text_append(buf, size, "W_%c%c (%s), ", letter(n - 1), letter(n), s);
    }
    text_append(buf, size, "their gradients G_%c%c", letter(0), letter(1));
    if (L > 1)
        text_append(buf, size, " … G_%c%c", letter(L - 1), letter(L));
    text_append(buf, size, ", η and E");
    trim_utf8(buf);
}

/* "δ_j (3) and δ_k (2)": the layers a bare δ, z or b may mean. */
static void layer_choices(const parser *p, const char *base, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int n = 1; n <= p->layers; n++)
        text_append(buf, size, "%s%s_%c (%d)", n == 1 ? "" : n == p->layers ? " and " : ", ",
                    base, letter(n), p->width[n]);
    trim_utf8(buf);
}

/* ---------------------------------------------------------------- lexer */

static const char expect_any[] =
    "expected names, numbers, products (* · @ ⊙ .* ⊗), + and −, transposes (ᵀ ^T .T '), "
    "commas and parentheses.";

/* "∂E/∂" or "dE/d" (spaces allowed around the slash) at s[i]; returns the
 * byte after it and adds its characters to *chars, or 0 when absent. */
static size_t gradient_prefix(const char *s, size_t n, size_t i, int *chars)
{
    uint32_t cp;
    int c = 0;
    size_t j = i;
    for (int part = 0; part < 2; part++) {
        int len = utf8_decode(s + j, n - j, &cp);
        if (len == 0 || (cp != 0x2202 && cp != 'd'))
            return 0;
        j += (size_t)len;
        c++;
        if (part == 1)
            break;
        if (j >= n || s[j] != 'E')
            return 0;
        j++, c++;
        while (j < n && s[j] == ' ')
            j++, c++;
        if (j >= n || s[j] != '/')
            return 0;
        j++, c++;
        while (j < n && s[j] == ' ')
            j++, c++;
    }
    *chars += c;
    return j;
}

/* Splits the expression into tokens; stops at the first problem. */
static void lex(parser *p)
{
    const char *s = p->s;
    size_t n = bounded_len(p->s, SCAN_BYTES);
    size_t i = 0;
    int col = 1;
    p->ntok = 0;
    while (i < n) {
        if (col > SHAPE_MAX_CHARS) {
            fail(p, SHAPE_MAX_CHARS + 1, "the expression is longer than %d characters.",
                 SHAPE_MAX_CHARS);
            return;
        }
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            fail(p, col, "invalid UTF-8 (byte 0x%02X); expected text in UTF-8.",
                 (unsigned char)s[i]);
            return;
        }
        if (cp == ' ' || cp == '\t') {
            i += (size_t)len;
            col++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            fail(p, col, "control character U+%04X; expected an expression on one line.",
                 (unsigned)cp);
            return;
        }
        token *t = &p->tok[p->ntok];
        t->b0 = (int)i;
        t->c0 = col;
        t->gx = -1;
        size_t j = i + (size_t)len;
        int ccount = 1;
        uint32_t next = 0;
        if (j >= n || utf8_decode(s + j, n - j, &next) == 0)
            next = 0;
        switch (cp) {
        case '(':
            if (next == '.' && j + 1 < n && s[j + 1] == ')') {
                t->kind = T_HAD; /* (.) as --ascii writes ⊙ */
                j += 2;
                ccount = 3;
            } else {
                t->kind = T_LP;
            }
            break;
        case ')': t->kind = T_RP; break;
        case ',': t->kind = T_COMMA; break;
        case '*': case '@': case 0xB7: case 0x22C5: t->kind = T_MUL; break;
        case 0x2299: case 0x2218: t->kind = T_HAD; break;
        case 0x2297: t->kind = T_OUTER; break;
        case '+': t->kind = T_ADD; break;
        case '-': case 0x2212: t->kind = T_SUB; break;
        case '=': t->kind = T_EQ; break;
        case 0x1D40: t->kind = T_TR; break;
        case '\'': case 0x2032: case 0x2019: t->kind = T_PRIME; break;
        case '^':
            if (next != 'T') {
                fail(p, col, "unexpected '^'; expected ^T for a transpose.");
                return;
            }
            t->kind = T_TR;
            j++;
            ccount = 2;
            break;
        case '.':
            if (next == 'T' || next == '*') {
                t->kind = next == 'T' ? T_TR : T_HAD;
                j++;
                ccount = 2;
                break;
            }
            if (!is_digit(next)) {
                fail(p, col, "unexpected '.'; expected .T (transpose), .* (element by "
                             "element) or a number.");
                return;
            }
            /* a number such as .5 */
            /* fall through */
        default:
            if (is_digit(cp) || cp == '.') {
                t->kind = T_NUM;
                j = i;
                while (j < n && is_digit((unsigned char)s[j]))
                    j++;
                if (j < n && s[j] == '.' && j + 1 < n && is_digit((unsigned char)s[j + 1])) {
                    j++;
                    while (j < n && is_digit((unsigned char)s[j]))
                        j++;
                }
                if (j < n && (s[j] == 'e' || s[j] == 'E')) {
                    size_t k = j + 1;
                    if (k < n && (s[k] == '+' || s[k] == '-'))
                        k++;
                    if (k < n && is_digit((unsigned char)s[k])) {
                        j = k;
                        while (j < n && is_digit((unsigned char)s[j]))
                            j++;
                    }
                }
                ccount = (int)(j - i);
            } else if (is_alpha(cp) || is_greek(cp) || cp == 0x2202) {
                t->kind = T_NAME;
                ccount = 0;
                size_t g = gradient_prefix(s, n, i, &ccount);
                if (g) {
                    uint32_t c2;
                    int l2 = g < n ? utf8_decode(s + g, n - g, &c2) : 0;
                    if (l2 == 0 || !(is_alpha(c2) || is_greek(c2))) {
                        fail(p, col + ccount, "expected a name after %.*s, such as %.*sW_%c%c.",
                             (int)(g - i), s + i, (int)(g - i), s + i, letter(0), letter(1));
                        return;
                    }
                    t->gx = (int)g;
                    j = g;
                } else if (cp == 0x2202) {
                    fail(p, col, "unexpected '∂'; expected ∂E/∂ and a name, such as ∂E/∂W_%c%c.",
                         letter(0), letter(1));
                    return;
                } else {
                    j = i;
                }
                int first = 1;
                for (;;) {
                    uint32_t c2;
                    int l2 = j < n ? utf8_decode(s + j, n - j, &c2) : 0;
                    if (l2 == 0)
                        break;
                    if (!(is_alpha(c2) || is_digit(c2) || c2 == '_' || script_digit(c2) >= 0 ||
                          (first && is_greek(c2))))
                        break;
                    j += (size_t)l2;
                    ccount++;
                    first = 0;
                }
                /* A T glued to a name is a transpose, as --ascii writes ᵀ:
                 * no name of the checker ends in a capital T. */
                if (ccount > 1 && s[j - 1] == 'T' && j - 1 > (size_t)(t->gx >= 0 ? t->gx : t->b0)) {
                    t->b1 = (int)j - 1;
                    t->c1 = col + ccount - 1;
                    if (col + ccount - 1 > SHAPE_MAX_CHARS) {
                        fail(p, SHAPE_MAX_CHARS + 1,
                             "the expression is longer than %d characters.", SHAPE_MAX_CHARS);
                        return;
                    }
                    token *tr = &p->tok[++p->ntok];
                    tr->kind = T_TR;
                    tr->b0 = (int)j - 1;
                    tr->c0 = col + ccount - 1;
                    tr->gx = -1;
                    t = tr;
                    col += ccount - 1;
                    ccount = 1;
                }
            } else if (cp == 0xD7) {
                fail(p, col, "unexpected '×'; expected * or · for a matrix product, ⊙ or .* "
                             "for element by element.");
                return;
            } else if (cp < 0x80) {
                fail(p, col, "unexpected '%c'; %s", (int)cp, expect_any);
                return;
            } else {
                fail(p, col, "unexpected character U+%04X; %s", (unsigned)cp, expect_any);
                return;
            }
        }
        if (col + ccount - 1 > SHAPE_MAX_CHARS) {
            fail(p, SHAPE_MAX_CHARS + 1, "the expression is longer than %d characters.",
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
    e->gx = -1;
}

/* ---------------------------------------------------------------- names */

/* A name's suffix: "_j", "_jk", "1", "¹", "₁", "_1", "¹_j". */
typedef struct {
    int has;    /* 0 no suffix, 1 one, -1 not a suffix of layers */
    int n;      /* the layer it names */
    int second; /* a second letter's layer, or -1 */
    int digits; /* written with digits (W1: weight layer 1) */
} suffix;

static suffix parse_suffix(const char *s)
{
    suffix r = {0, -1, -1, 0};
    if (!*s)
        return r;
    r.has = -1;
    const char *q = s;
    int value = 0, digits = 0;
    if (*q != '_' || is_digit((unsigned char)q[1])) {
        if (*q == '_')
            q++;
        while (*q) {
            uint32_t cp;
            int len = utf8_decode(q, strlen(q), &cp);
            int d = len == 0 ? -1 : is_digit(cp) ? (int)(cp - '0') : script_digit(cp);
            if (d < 0)
                break;
            if (++digits > 2)
                return r;
            value = value * 10 + d;
            q += len;
        }
        if (!digits)
            return r;
        if (!*q) {
            r.has = 1;
            r.n = value;
            r.digits = 1;
            return r;
        }
        if (*q != '_' || s[0] == '_')
            return r;
    }
    /* '_' and layer letters */
    q++;
    int l1 = *q ? layer_of_letter(*q) : -1;
    if (l1 < 0)
        return r;
    if (q[1] == '\0') {
        if (digits && l1 != value)
            return r;
        r.has = 1;
        r.n = l1;
        return r;
    }
    int l2 = layer_of_letter(q[1]);
    if (digits || l2 < 0 || q[2] != '\0')
        return r;
    r.has = 1;
    r.n = l1;
    r.second = l2;
    return r;
}

/* The spellings of the names; dX are gradients. */
static const struct {
    const char *spelling;
    base_kind base;
    int grad;
} bases[] = {
    {"W", B_W, 0}, {"G", B_G, 0}, {"x", B_X, 0}, {"h", B_H, 0}, {"y", B_Y, 0},
    {"t", B_T, 0}, {"err", B_ERR, 0}, {"z", B_Z, 0}, {"δ", B_DELTA, 0}, {"d", B_DELTA, 0},
    {"delta", B_DELTA, 0}, {"b", B_B, 0}, {"η", B_SCALAR, 0}, {"eta", B_SCALAR, 0},
    {"E", B_SCALAR, 0}, {"dW", B_W, 1}, {"db", B_B, 1}, {"dh", B_H, 1}, {"dx", B_X, 1},
    {"dy", B_Y, 1}, {"dz", B_Z, 1},
};

/* Examples of vectors of layer n, for messages. */
static void layer_examples(const parser *p, int n, char *buf, size_t size)
{
    char a[32];
    act_name(p, n, a, sizeof a);
    if (n == 0)
        snprintf(buf, size, "%s", a);
    else if (n < p->layers)
        snprintf(buf, size, "%s or δ_%c", a, letter(n));
    else
        snprintf(buf, size, "δ_%c or err", letter(n));
}

/* Sets the shape of a vector of layer n: a column in both conventions,
 * since the engine's rows convention also multiplies W by a column
 * (z = W·a); only the weights turn round. */
static void set_vector(const parser *p, node *nd, int n)
{
    nd->vlayer = n;
    nd->rows = p->width[n];
    nd->cols = 1;
}

static void set_weight(const parser *p, node *nd, int a, int b)
{
    nd->wa = a;
    nd->wb = b;
    nd->rows = p->width[p->conv == CONV_ROWS ? b : a];
    nd->cols = p->width[p->conv == CONV_ROWS ? a : b];
}

/* "W_ij … W_jk" for messages. */
static void weight_range(const parser *p, const char *base, char *buf, size_t size)
{
    if (p->layers == 1)
        snprintf(buf, size, "%s_%c%c", base, letter(0), letter(1));
    else
        snprintf(buf, size, "%s_%c%c … %s_%c%c", base, letter(0), letter(1), base,
                 letter(p->layers - 1), letter(p->layers));
}

/* Gives leaf nd the shape of the name in token t; 0, or -1 after fail(). */
static int resolve_name(parser *p, node *nd, const token *t)
{
    char name[64], list[SHAPE_MESSAGE_SIZE / 2];
    int start = t->gx >= 0 ? t->gx : t->b0;
    int len = t->b1 - start;
    int col = t->c0;
    if (len >= (int)sizeof name) {
        fail(p, col, "this name is too long; %s", "expected a name such as W_ij, x_i or δ_k.");
        return -1;
    }
    memcpy(name, p->s + start, (size_t)len);
    name[len] = '\0';
    int blen = 0;
    if ((unsigned char)name[0] >= 0x80)
        blen = 2; /* δ, η or σ */
    else
        while (is_alpha((unsigned char)name[blen]))
            blen++;
    char base[64];
    memcpy(base, name, (size_t)blen);
    base[blen] = '\0';
    int L = p->layers;
    char last = letter(L);
    nd->scalar = 0;
    nd->wa = nd->wb = nd->vlayer = -1;
    nd->base = B_NONE;
    int grad = t->gx >= 0;
    size_t k;
    for (k = 0; k < sizeof bases / sizeof bases[0]; k++)
        if (!strcmp(base, bases[k].spelling))
            break;
    if (k == sizeof bases / sizeof bases[0]) {
        names_list(p, list, sizeof list);
        fail(p, col, "unknown name %s; the names here are %s.", name, list);
        return -1;
    }
    base_kind bk = bases[k].base;
    if (bases[k].grad && grad) {
        fail(p, col, "%.*s%s names a gradient twice; write %.*s%s or %s.", t->gx - t->b0,
             p->s + t->b0, name, t->gx - t->b0, p->s + t->b0, name + 1, name);
        return -1;
    }
    grad |= bases[k].grad;
    suffix sf = parse_suffix(name + blen);
    const char *shown = bk == B_DELTA ? "δ" : bk == B_ERR ? "err" : bases[k].spelling + bases[k].grad;
    if (sf.has < 0)
        goto bad_suffix;
    if (sf.second >= 0 && bk != B_W && bk != B_G)
        goto bad_suffix;
    nd->base = bk;
    switch (bk) {
    case B_NONE:
        goto bad_suffix;
    case B_SCALAR:
        if (sf.has)
            goto bad_suffix;
        nd->scalar = 1;
        nd->rows = nd->cols = 1;
        break;
    case B_W:
    case B_G: {
        int a, b;
        char range[64];
        weight_range(p, shown, range, sizeof range);
        if (!sf.has) {
            if (L != 1) {
                fail(p, col, "%s alone does not say which weights, with %d weight layers; "
                             "expected %s.", name, L, range);
                return -1;
            }
            a = 0;
            b = 1;
        } else if (sf.second >= 0) {
            a = sf.n;
            b = sf.second;
        } else if (!sf.digits) {
            fail(p, col, "%s needs two layer letters; expected %s.", name, range);
            return -1;
        } else {
            a = sf.n - 1;
            b = sf.n;
        }
        if (b != a + 1) {
            fail(p, col, "%s does not join neighbouring layers; expected %s.", name, range);
            return -1;
        }
        if (a < 0 || b > L) {
            fail(p, col, "this network has no %s: its weights are %s (%d weight layer%s).",
                 name, range, L, L == 1 ? "" : "s");
            return -1;
        }
        set_weight(p, nd, a, b);
        if (bk == B_G) {
            nd->grad = 1;
            nd->of = B_W;
        }
        break;
    }
    case B_X:
        if (sf.has && sf.n != 0) {
            fail(p, col, "%s: x is the input, layer %c; expected x or x_%c.", name,
                 letter(0), letter(0));
            return -1;
        }
        set_vector(p, nd, 0);
        break;
    case B_Y:
    case B_T:
    case B_ERR:
        if (sf.has && sf.n != L) {
            fail(p, col, "%s: %s belongs to the output layer %c; expected %s or %s_%c.", name,
                 shown, last, shown, shown, last);
            return -1;
        }
        set_vector(p, nd, L);
        break;
    case B_H: {
        int n = sf.has ? sf.n : -1;
        char hid[64];
        if (L == 2)
            snprintf(hid, sizeof hid, "the hidden layer is h_%c", letter(1));
        else
            snprintf(hid, sizeof hid, "the hidden layers are h¹_%c … h%s_%c", letter(1),
                     (const char *[]){"", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸"}[L - 1 > 0 ? L - 1 : 0],
                     letter(L - 1));
        if (!sf.has) {
            if (L == 1) {
                fail(p, col, "this network has no hidden layer, so no h; expected x_%c, y_%c, "
                             "t_%c, z_%c, δ_%c or err.", letter(0), last, last, last, last);
                return -1;
            }
            if (L > 2) {
                fail(p, col, "h alone does not say which layer, with %d hidden layers; %s.",
                     L - 1, hid);
                return -1;
            }
            n = 1;
        }
        if (n == 0) {
            fail(p, col, "%s: layer %c is the input, x_%c; %s.", name, letter(0), letter(0), hid);
            return -1;
        }
        if (n == L) {
            fail(p, col, "%s: the output layer's g(z) is y_%c; %s.", name, last, hid);
            return -1;
        }
        if (n > L) {
            fail(p, col, "this network has no %s: its layers are %c … %c.", name, letter(0), last);
            return -1;
        }
        set_vector(p, nd, n);
        break;
    }
    case B_B:
        if (!p->net->has_bias) {
            names_list(p, list, sizeof list);
            fail(p, col, "this lesson has no biases, so there is no %s; the names here are %s.",
                 name, list);
            return -1;
        }
        /* fall through */
    case B_Z:
    case B_DELTA: {
        int n = sf.has ? sf.n : p->layer;
        if (!sf.has && (p->layer < 1 || p->layer > L)) {
            layer_choices(p, shown, list, sizeof list);
            fail(p, col, "%s alone does not say which layer, and no step in view says it; "
                         "this network has %s.", name, list);
            return -1;
        }
        if (n < 1 || n > L) {
            layer_choices(p, shown, list, sizeof list);
            fail(p, col, "this network has no %s; it has %s.", name, list);
            return -1;
        }
        set_vector(p, nd, n);
        break;
    }
    }
    if (grad) {
        if (bk != B_W && bk != B_B && bk != B_H && bk != B_X && bk != B_Y && bk != B_Z) {
            fail(p, col, "%.*s is not a gradient backstep works out; expected the gradient of "
                         "a weight, a bias or a layer, such as ∂E/∂W_%c%c, ∂E/∂b_%c or ∂E/∂h_%c.",
                 t->b1 - t->b0, p->s + t->b0, letter(0), letter(1), letter(1), letter(1));
            return -1;
        }
        nd->grad = 1;
        nd->of = bk;
    }
    return 0;
bad_suffix:
    fail(p, col, "%s: %s does not take the suffix %s.", name, shown, name + blen);
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
static int cut_chars(const char *s, int len, int max, int *cut)
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
    int b = cut_chars(p->s + t->b0, t->b1 - t->b0, 20, &cut);
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
        fail(p, open->c0, "nested deeper than %d levels of (, g′( and outer(.", SHAPE_MAX_DEPTH);
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
            fail(p, t->c0, "unexpected %s; expected ) to close the %s at column %d.", d, what,
                 open->c0);
        else
            fail(p, t->c0, "unexpected %s; expected a comma after the first vector of the %s "
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
        fail(p, open->c0, "unexpected %s; expected ( after outer: outer(a, b) is the outer "
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
                fail(p, open->c0, "unexpected %s; expected ( after %.*s%s: %.*s is the "
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
        if (resolve_name(p, &p->nodes[id], t) < 0)
            return -1;
        return id;
    }
    tok_desc(p, t, d, sizeof d);
    expect_operand(p, ex, sizeof ex);
    if (t->kind == T_END && p->pos == 0)
        fail(p, t->c0, "the expression is empty; %s", ex);
    else
        fail(p, t->c0, "unexpected %s; %s", d, ex);
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
        fail(p, t->c0, "%s follows %.*s%s with no operator; expected *, ·, @, ⊙, .*, ⊗, + or − "
                       "between them.", d, b, p->s + l->ob0, cut ? "…" : "");
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
        if (p->nodes[left].kind == N_LEAF && p->nodes[left].grad)
            p->gradient_lhs = 1;
        left = binary(p, N_EQ, left, right, op);
    }
    const token *t = peek(p);
    if (t->kind != T_END) {
        char d[64];
        tok_desc(p, t, d, sizeof d);
        if (t->kind == T_RP)
            fail(p, t->c0, "unexpected ); no ( is open.");
        else if (t->kind == T_EQ)
            fail(p, t->c0, "unexpected second =; expected one = at most.");
        else if (t->kind == T_COMMA)
            fail(p, t->c0, "unexpected ','; a comma only separates the two vectors of outer(a, b).");
        else
            fail(p, t->c0, "unexpected %s; expected an operator or the end.", d);
        return -1;
    }
    return left;
}

/* ------------------------------------------------------------ inference */

/* A shape with every dimension written out, for rules that count them. */
static void full_shape(const node *nd, char *buf, size_t size)
{
    shape_format(nd->rows, nd->cols, nd->scalar, 0, buf, size);
}

/* The text of a node, cut to `max` characters with "…". */
static void node_text(const parser *p, const node *nd, int max, char *buf, size_t size)
{
    const char *s = p->s + nd->tb0;
    int len = nd->tb1 - nd->tb0, cut;
    int b = cut_chars(s, len, nd->tc1 - nd->tc0 <= max ? max : max - 1, &cut);
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
static void reading_text(const parser *p, int id, reading_kind k, int max, char *buf,
                         size_t size)
{
    sbuf b = {0};
    sb_reading(&b, p, id, k, max);
    snprintf(buf, size, "%s", b.s ? b.s : "");
    trim_utf8(buf);
    free(b.s);
}

/* Works out p->rd[id], node id as read: its typed text with its operands
 * as read, or its reading when it does not fit as written.  0, or -1 when
 * out of memory. */
static int read_text(parser *p, int id)
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
    layer_examples(p, need, ex, sizeof ex);
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
        reading_text(p, id, rd, ABBREV_CHARS, text, sizeof text);
        shape_format(rows, cols, 0, 0, shp, sizeof shp);
        text_append(msg, size, " It fits read as %s → %s%s", text, shp,
                    rd == RD_HADAMARD ? ", element by element" : "");
        if (second != RD_NONE && !p->gradient_lhs &&
            reading_shape(nd, second, l, r, &rows, &cols, &cost)) {
            reading_text(p, id, second, ABBREV_CHARS, text, sizeof text);
            shape_format(rows, cols, 0, 0, shp, sizeof shp);
            text_append(msg, size, ", or as %s → %s%s", text, shp,
                        second == RD_HADAMARD ? ", element by element" : "");
        }
        text_append(msg, size, ".");
    }
    trim_utf8(msg);
}

/* Infers the shape of node id from its children: 1 when it fits as
 * written, 0 when read another way, -1 when no reading fits. */
static int infer(parser *p, int id, int first_misfit)
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

/* ------------------------------------------------------------- gradients */

/* "δ_j = (W_jk · δ_k) ⊙ g′(z_j)": how δ of layer n is made. */
static void delta_rule(const parser *p, int n, char *buf, size_t size)
{
    int L = p->layers;
    char c = letter(n), up = letter(n + 1);
    if (n < L) {
        snprintf(buf, size, "δ_%c = (W_%c%c%s · δ_%c) ⊙ g′(z_%c)", c, c, up,
                 p->conv == CONV_ROWS ? "ᵀ" : "", up, c);
        return;
    }
    engine_act act = p->net->act[L - 1];
    if (p->net->loss == LOSS_MSE && act == ACT_LINEAR)
        snprintf(buf, size, "δ_%c = err = y_%c − t_%c, since the output is linear", c, c, c);
    else if (p->net->loss == LOSS_MSE)
        snprintf(buf, size, "δ_%c = err ⊙ g′(z_%c), with err = y_%c − t_%c", c, c, c, c);
    else if (act == ACT_SOFTMAX)
        snprintf(buf, size, "δ_%c = y_%c − t_%c for softmax with cross-entropy", c, c, c);
    else
        snprintf(buf, size, "δ_%c = ∂E/∂y_%c ⊙ g′(z_%c)", c, c, c);
}

/* What the gradient named by leaf lhs has one entry per, and of what. */
static void gradient_of(const parser *p, const node *lhs, char *of, size_t osize, char *unit,
                        size_t usize)
{
    switch (lhs->of) {
    case B_W:
    case B_G:
        snprintf(of, osize, "W_%c%c", letter(lhs->wa), letter(lhs->wb));
        snprintf(unit, usize, "weight");
        return;
    case B_B:
        snprintf(of, osize, "b_%c", letter(lhs->vlayer));
        snprintf(unit, usize, "bias");
        return;
    case B_X:
        act_name(p, 0, of, osize);
        snprintf(unit, usize, "input");
        return;
    case B_H: case B_Y:
        act_name(p, lhs->vlayer, of, osize);
        snprintf(unit, usize, "unit");
        return;
    case B_Z:
        snprintf(of, osize, "z_%c", letter(lhs->vlayer));
        snprintf(unit, usize, "unit");
        return;
    case B_NONE: case B_T: case B_ERR: case B_DELTA: case B_SCALAR:
        break;
    }
    snprintf(of, osize, "?");
    snprintf(unit, usize, "entry");
}

/* "x_i · δ_jᵀ" or "δ_j · x_iᵀ" for weight layer b of the parser's net. */
static void outer_text(const parser *p, int b, char *buf, size_t size)
{
    char below[32];
    act_name(p, b - 1, below, sizeof below);
    if (p->conv == CONV_ROWS)
        snprintf(buf, size, "δ_%c · %sᵀ", letter(b), below);
    else
        snprintf(buf, size, "%s · δ_%cᵀ", below, letter(b));
}

void shape_outer_product(const engine_net *net, engine_conv conv, int layer, char *buf,
                         size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    if (!net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS || layer < 1 ||
        layer > net->layers)
        return;
    parser p;
    memset(&p, 0, sizeof p);
    p.net = net;
    p.width = net->width;
    p.layers = net->layers;
    p.conv = conv == CONV_ROWS ? CONV_ROWS : CONV_COLUMNS;
    outer_text(&p, layer, buf, size);
}

/* How the gradient named by lhs is built in the convention in force: the
 * outer product for a weight, δ for a bias, what is sent down for a layer. */
static void gradient_advice(const parser *p, const node *lhs, const char *target, char *buf,
                            size_t size)
{
    char rule[128], below[32];
    int rows = p->conv == CONV_ROWS;
    buf[0] = '\0';
    switch (lhs->of) {
    case B_W:
    case B_G: {
        int a = lhs->wa, b = lhs->wb;
        char la = letter(a), lb = letter(b), shp[32];
        act_name(p, a, below, sizeof below);
        delta_rule(p, b, rule, sizeof rule);
        shape_format(lhs->rows, lhs->cols, 0, 0, shp, sizeof shp);
        text_append(buf, size, "%s has one entry per weight: the weight joining unit a of layer "
                    "%c to unit b of layer %c gets %s[a] · δ_%c[b], what that weight carried "
                    "times the δ of the unit it feeds. So it has the shape of W_%c%c, %s: ",
                    target, la, lb, below, lb, la, lb, shp);
        char per_a[48];
        if (a == 0)
            snprintf(per_a, sizeof per_a, "one per input");
        else
            snprintf(per_a, sizeof per_a, "one per unit of layer %c", la);
        if (rows)
            text_append(buf, size, "%d rows from δ_%c, one per unit of layer %c, and %d columns "
                        "from %s, %s. ", p->width[b], lb, lb, p->width[a], below, per_a);
        else
            text_append(buf, size, "%d rows from %s, %s, and %d columns from δ_%c, one per unit "
                        "of layer %c. ", p->width[a], below, per_a, p->width[b], lb, lb);
        char outer[64];
        outer_text(p, b, outer, sizeof outer);
        text_append(buf, size, "All of them at once are the outer product %s = %s, "
                    "(%d×1)·(1×%d) → %s, with %s.", target, outer, lhs->rows, lhs->cols, shp, rule);
        text_append(buf, size, " A matrix or element-wise product with %s pairs its entries off "
                    "with another vector's and leaves a vector, one number per unit; only the "
                    "outer product keeps a number for every pair.", below);
        break;
    }
    case B_B:
        delta_rule(p, lhs->vlayer, rule, sizeof rule);
        text_append(buf, size, "%s has one entry per bias of layer %c, %d: a bias adds to one "
                    "unit's sum, so its gradient is that unit's δ, and %s = δ_%c, with %s.",
                    target, letter(lhs->vlayer), p->width[lhs->vlayer], target,
                    letter(lhs->vlayer), rule);
        break;
    case B_X:
    case B_H:
        if (lhs->vlayer < p->layers) {
            int n = lhs->vlayer;
            act_name(p, n, below, sizeof below);
            text_append(buf, size, "%s has one entry per unit of layer %c, %d: it is what the "
                        "layer above sends down, %s = W_%c%c%s · δ_%c.", target, letter(n),
                        p->width[n], target, letter(n), letter(n + 1), rows ? "ᵀ" : "",
                        letter(n + 1));
        }
        break;
    case B_Z:
        delta_rule(p, lhs->vlayer, rule, sizeof rule);
        text_append(buf, size, "%s is δ_%c, one entry per unit of layer %c: %s.", target,
                    letter(lhs->vlayer), letter(lhs->vlayer), rule);
        break;
    case B_NONE: case B_Y: case B_T: case B_ERR: case B_DELTA: case B_SCALAR:
        break;
    }
    trim_utf8(buf);
}

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
    size_t n = bounded_len(expr, SCAN_BYTES);
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
    size_t bytes = bounded_len(text, SCAN_BYTES), cap = 2;
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
    lex(p);
    int root = -1;
    if (!p->failed)
        root = parse_top(p);
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
        int got = infer(p, k, first < 0);
        if (got < 1 && first < 0)
            first = k;
        if (got == 0)
            out->n_readings++;
        if (got >= 0 && read_text(p, k) < 0) {
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
                reading_text(p, k, nd->rd, SHORT_CHARS, ln->reading, sizeof ln->reading);
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
        trim_utf8(out->target);
        gradient_of(p, lhs, out->of, sizeof out->of, out->unit, sizeof out->unit);
        if (first == root) {
            /* the only misfit is the = itself: say it plainly */
            char want[32], got[32];
            shape_format(lhs->rows, lhs->cols, 0, 0, want, sizeof want);
            shape_format(rhs->rows, rhs->cols, rhs->scalar, 0, got, sizeof got);
            snprintf(p->msg, sizeof p->msg, "%s has one entry per %s, %s, the shape of %s, "
                     "but the right side is %s.", out->target, out->unit, want, out->of, got);
        }
        if (out->status != SHAPE_FIT)
            gradient_advice(p, lhs, out->target, out->advice, sizeof out->advice);
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

/* ------------------------------------------------------------ rendering */

/* A growing list of rows. */
typedef struct {
    shape_rows *out;
    int cap;
    int failed;
} row_list;

/* Adds a row of text (UTF-8; turned into ASCII when ascii). */
static void add_row(row_list *rl, shape_row_kind kind, int ok, const char *text, int ascii)
{
    if (rl->failed)
        return;
    if (rl->out->n == rl->cap) {
        int cap = rl->cap ? rl->cap * 2 : 16;
        shape_row *rows = realloc(rl->out->rows, (size_t)cap * sizeof *rows);
        if (!rows) {
            rl->failed = 1;
            return;
        }
        rl->out->rows = rows;
        rl->cap = cap;
    }
    size_t size = strlen(text) * 6 + 1; /* text_ascii writes at most 6 bytes a byte */
    char *t = malloc(size);
    if (!t) {
        rl->failed = 1;
        return;
    }
    if (ascii)
        text_ascii(text, t, size);
    else
        memcpy(t, text, strlen(text) + 1);
    rl->out->rows[rl->out->n++] = (shape_row){kind, ok, t};
}

/* Columns text takes once shown (in ASCII when ascii). */
static int shown_width(const char *text, int ascii)
{
    if (!ascii)
        return text_width(text);
    size_t size = strlen(text) * 6 + 1;
    char *t = malloc(size);
    if (!t)
        return (int)strlen(text);
    text_ascii(text, t, size);
    int w = text_width(t);
    free(t);
    return w;
}

/* "left   right" with right starting at column pad + 2. */
static void add_pair(row_list *rl, shape_row_kind kind, int ok, const char *left,
                     const char *right, int pad, int ascii)
{
    int w = shown_width(left, ascii);
    size_t size = strlen(left) + strlen(right) + (size_t)(pad > w ? pad - w : 0) + 4;
    char *t = malloc(size);
    if (!t) {
        rl->failed = 1;
        return;
    }
    snprintf(t, size, "%s%*s%s", left, (pad > w ? pad - w : 0) + 2, "", right);
    add_row(rl, kind, ok, t, ascii);
    free(t);
}

/* The expression echoed safely, with display columns per character:
 * col[c] is where character c (1-based) starts, col[n + 1] the end. */
static char *echo_expr(const char *expr, int ascii, int *col, int ncol)
{
    size_t n = bounded_len(expr, SCAN_BYTES);
    char *out = malloc(n * 6 + 8);
    if (!out)
        return NULL;
    size_t at = 0, i = 0;
    int c = 1, w = 0;
    while (i < n && c < ncol - 1) {
        uint32_t cp;
        int len = utf8_decode(expr + i, n - i, &cp);
        char piece[16];
        if (len == 0) {
            len = 1;
            strcpy(piece, "?");
        } else if (cp == '\t') {
            strcpy(piece, " ");
        } else if (cp >= 0x20 && cp < 0x7F) {
            piece[0] = (char)cp;
            piece[1] = '\0';
        } else if (known_symbol(cp)) {
            char one[8];
            memcpy(one, expr + i, (size_t)len);
            one[len] = '\0';
            if (ascii)
                text_ascii(one, piece, sizeof piece);
            else
                memcpy(piece, one, (size_t)len + 1);
        } else {
            strcpy(piece, "?");
        }
        col[c++] = w;
        w += text_width(piece);
        size_t pl = strlen(piece);
        memcpy(out + at, piece, pl);
        at += pl;
        i += (size_t)len;
    }
    col[c] = w;
    for (int k = c + 1; k < ncol; k++)
        col[k] = w;
    out[at] = '\0';
    return out;
}

/* The expression and, under it, '~' over [start, start+len) and '^' at
 * every column in at[0..nat). */
static void add_marks(row_list *rl, const char *expr, int start, int len, const int *at, int nat,
                      int ascii)
{
    /* a column for each character echoed (SHAPE_MAX_CHARS + 1 at most,
     * and never more than bytes), one for the end, one spare */
    size_t bytes = bounded_len(expr, SCAN_BYTES);
    int ncol = (int)(bytes < SHAPE_MAX_CHARS + 1 ? bytes : SHAPE_MAX_CHARS + 1) + 2;
    int *col = malloc((size_t)ncol * sizeof *col);
    char *echo = col ? echo_expr(expr, ascii, col, ncol) : NULL;
    if (!echo) {
        free(col);
        rl->failed = 1;
        return;
    }
    char *line = malloc(strlen(echo) + 3);
    int width = col[ncol - 1];
    char *mark = malloc((size_t)width + 8);
    if (!line || !mark) {
        free(line);
        free(mark);
        free(echo);
        free(col);
        rl->failed = 1;
        return;
    }
    sprintf(line, "  %s", echo);
    add_row(rl, SHAPE_ROW_SOURCE, 1, line, 0);
    /* the mark line has its own two spaces of indent */
    mark[0] = mark[1] = ' ';
    memset(mark + 2, ' ', (size_t)width + 2);
    int end = 0;
    if (start >= 1 && start < ncol - 1) {
        int e = start + len < ncol - 1 ? start + len : ncol - 1;
        for (int x = col[start]; x < col[e]; x++)
            mark[2 + x] = '~';
        end = col[e];
    }
    for (int k = 0; k < nat; k++) {
        if (at[k] < 1 || at[k] >= ncol - 1)
            continue;
        int x0 = col[at[k]], x1 = col[at[k] + 1] > x0 ? col[at[k] + 1] : x0 + 1;
        for (int x = x0; x < x1 && x <= width; x++)
            mark[2 + x] = x == x0 ? '^' : '~';
        if (x1 > end)
            end = x1;
    }
    mark[2 + (end <= width + 1 ? end : width + 1)] = '\0';
    add_row(rl, SHAPE_ROW_MARK, 0, mark, 0);
    free(line);
    free(mark);
    free(echo);
    free(col);
}

/* "column 16: " + text. */
static void add_reason(row_list *rl, shape_row_kind kind, int col, const char *text, int ascii)
{
    size_t size = strlen(text) + 32;
    char *t = malloc(size);
    if (!t) {
        rl->failed = 1;
        return;
    }
    if (col > 0)
        snprintf(t, size, "column %d: %s", col, text);
    else
        snprintf(t, size, "%s", text);
    add_row(rl, kind, 0, t, ascii);
    free(t);
}

int shape_render(const shape_result *r, int ascii, shape_rows *out)
{
    out->n = 0;
    out->rows = NULL;
    row_list rl = {out, 0, 0};
    const char *expr = r->expr ? r->expr : "";
    if (r->status == SHAPE_PARSE_ERROR) {
        if (r->expr && r->error_column <= SHAPE_MAX_CHARS)
            add_marks(&rl, expr, 0, 0, &r->error_column, 1, ascii);
        add_reason(&rl, SHAPE_ROW_VERDICT, r->error_column, r->message, ascii);
        goto done;
    }
    int pad = 0;
    for (int k = 0; k < r->n_lines; k++) {
        const shape_line *ln = &r->lines[k];
        int w = shown_width(ln->text, ascii);
        if (w > pad && w <= PAD_MAX)
            pad = w;
        if (!ln->ok && ln->reached) {
            char t[SHAPE_READING_SIZE + 16];
            snprintf(t, sizeof t, "  read as %s", ln->reading);
            w = shown_width(t, ascii);
            if (w > pad && w <= PAD_MAX)
                pad = w;
        }
    }
    int *marks = malloc((size_t)(r->n_lines + 1) * sizeof *marks);
    if (!marks) {
        rl.failed = 1;
        goto done;
    }
    for (int k = 0; k < r->n_lines; k++) {
        const shape_line *ln = &r->lines[k];
        char right[SHAPE_NOTE_SIZE + 32];
        if (ln->ok) {
            screen_shape(ln->rows, ln->cols, ln->scalar, right, sizeof right);
            add_pair(&rl, SHAPE_ROW_STEP, 1, ln->text, right, pad, ascii);
            continue;
        }
        snprintf(right, sizeof right, "does not fit: %s", ln->note);
        add_pair(&rl, SHAPE_ROW_STEP, 0, ln->text, right, pad, ascii);
        if (ln->reached) {
            char left[SHAPE_READING_SIZE + 16];
            snprintf(left, sizeof left, "  read as %s", ln->reading);
            screen_shape(ln->rows, ln->cols, ln->scalar, right, sizeof right);
            add_pair(&rl, SHAPE_ROW_READING, 1, left, right, pad, ascii);
        }
    }
    if (r->status == SHAPE_MISMATCH) {
        /* where: the operator of every misfit, and the = whose sides differ */
        int nmarks = 0;
        for (int k = 0; k < r->n_lines; k++)
            if (!r->lines[k].ok)
                marks[nmarks++] = r->lines[k].op_column;
        if (r->eq_column)
            marks[nmarks++] = r->eq_column;
        add_marks(&rl, expr, r->error_start, r->error_length, marks, nmarks, ascii);
        /* the message, unless it only says what the verdict says */
        if (r->reached && !(r->gradient && r->error_column == r->eq_column))
            add_reason(&rl, SHAPE_ROW_REASON, r->error_column, r->message, ascii);
        if (r->reached && r->read_as &&
            (r->n_readings >= 2 || r->lines[r->n_lines - 1].ok)) {
            size_t size = strlen(r->read_as) + 256;
            char *t = malloc(size);
            if (t) {
                char got[32];
                shape_format(r->rows, r->cols, r->scalar, 0, got, sizeof got);
                const char *what = r->gradient || r->eq_column ? "the right side" : "the expression";
                if (r->n_readings >= 2)
                    snprintf(t, size, "%d operations do not fit as written. Read the way their "
                             "shapes fit, as the rows \"read as\" show, %s is %s → %s.",
                             r->n_readings, what, r->read_as, got);
                else
                    snprintf(t, size, "Read that way, %s is %s → %s.", what, r->read_as, got);
                add_row(&rl, SHAPE_ROW_REASON, 0, t, ascii);
                free(t);
            } else {
                rl.failed = 1;
            }
        }
        if (r->advice[0])
            add_row(&rl, SHAPE_ROW_REASON, 0, r->advice, ascii);
    }
    free(marks);
    char got[32], want[32], v[SHAPE_MESSAGE_SIZE + 64];
    shape_format(r->rows, r->cols, r->scalar, 0, got, sizeof got);
    shape_format(r->want_rows, r->want_cols, 0, 0, want, sizeof want);
    const char *as_read = r->n_readings ? " as read above" : "";
    int same = r->rows == r->want_rows && r->cols == r->want_cols && !r->scalar;
    if (r->status == SHAPE_FIT && r->gradient)
        snprintf(v, sizeof v, "→ %s, the shape of %s, one entry per %s.", got, r->of, r->unit);
    else if (r->status == SHAPE_FIT)
        snprintf(v, sizeof v, "→ %s", got);
    else if (!r->reached)
        snprintf(v, sizeof v, "→ no shape: column %d: %s", r->error_column, r->message);
    else if (r->gradient && !same)
        snprintf(v, sizeof v, "→ %s%s, but %s has one entry per %s: %s, the shape of %s.", got,
                 as_read, r->target, r->unit, want, r->of);
    else if (r->gradient)
        snprintf(v, sizeof v, "→ %s as read above, the shape of %s, but as written the shapes "
                 "do not fit (column %d).", got, r->of, r->error_column);
    else
        snprintf(v, sizeof v, "→ %s as read above; as written the shapes do not fit "
                 "(column %d).", got, r->error_column);
    trim_utf8(v);
    add_row(&rl, SHAPE_ROW_VERDICT, r->status == SHAPE_FIT, v, ascii);
done:
    if (rl.failed) {
        shape_rows_free(out);
        return -1;
    }
    return 0;
}

void shape_rows_free(shape_rows *rows)
{
    if (!rows)
        return;
    for (int k = 0; k < rows->n; k++)
        free(rows->rows[k].text);
    free(rows->rows);
    rows->rows = NULL;
    rows->n = 0;
}

int shape_run_at(FILE *out, const char *expr, const lesson *l, engine_conv conv, int layer,
                 int ascii)
{
    engine_net question = {0};
    const engine_net *net = l ? &l->net : &question;
    if (!l) {
        question.layers = 2;
        question.width[0] = 2;
        question.width[1] = 3;
        question.width[2] = 2;
        question.act[0] = ACT_SIGMOID;
        question.act[1] = ACT_LINEAR;
    }
    shape_result r;
    shape_rows rows;
    if (shape_check_at(expr, net, conv, layer, &r) < 0 || shape_render(&r, ascii, &rows) < 0) {
        fputs(ascii ? "out of memory\n" : "out of memory.\n", out);
        shape_result_free(&r);
        return 2;
    }
    for (int k = 0; k < rows.n; k++) {
        fputs(rows.rows[k].text, out);
        fputc('\n', out);
    }
    int rc = r.status == SHAPE_FIT ? 0 : r.status == SHAPE_MISMATCH ? 1 : 2;
    shape_rows_free(&rows);
    shape_result_free(&r);
    return rc;
}

int shape_run(FILE *out, const char *expr, const lesson *l, engine_conv conv, int ascii)
{
    return shape_run_at(out, expr, l, conv, 0, ascii);
}
