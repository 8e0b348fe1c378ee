/* shape_lex.c - the shape checker's words: a bounded lexer over the
 * expression's characters, and the names of the network its tokens stand
 * for, with their shapes and the messages that list them. */
#include "shape_impl.h"
#include "text.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------- small tools */

/* Length of the NUL-terminated s, looking at no more than max bytes. */
size_t shape_bounded_len(const char *s, size_t max)
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
int shape_known_symbol(uint32_t c)
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
void shape_trim_utf8(char *s)
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

void shape_fail(parser *p, int col, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    p->err_col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof p->msg, fmt, ap);
    va_end(ap);
    shape_trim_utf8(p->msg);
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
void shape_act_name(const parser *p, int n, char *buf, size_t size)
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
void shape_screen_shape(int rows, int cols, int scalar, char *buf, size_t size)
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
        shape_act_name(p, n, nm, sizeof nm);
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
        shape_screen_shape(r, c, 0, s, sizeof s);
        text_append(buf, size, "W_%c%c (%s), ", letter(n - 1), letter(n), s);
    }
    text_append(buf, size, "their gradients G_%c%c", letter(0), letter(1));
    if (L > 1)
        text_append(buf, size, " … G_%c%c", letter(L - 1), letter(L));
    text_append(buf, size, ", η and E");
    shape_trim_utf8(buf);
}

/* "δ_j (3) and δ_k (2)": the layers a bare δ, z or b may mean. */
static void layer_choices(const parser *p, const char *base, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int n = 1; n <= p->layers; n++)
        text_append(buf, size, "%s%s_%c (%d)", n == 1 ? "" : n == p->layers ? " and " : ", ",
                    base, letter(n), p->width[n]);
    shape_trim_utf8(buf);
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
void shape_lex(parser *p)
{
    const char *s = p->s;
    size_t n = shape_bounded_len(p->s, SCAN_BYTES);
    size_t i = 0;
    int col = 1;
    p->ntok = 0;
    while (i < n) {
        if (col > SHAPE_MAX_CHARS) {
            shape_fail(p, SHAPE_MAX_CHARS + 1, "the expression is longer than %d characters.",
                       SHAPE_MAX_CHARS);
            return;
        }
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            shape_fail(p, col, "invalid UTF-8 (byte 0x%02X); expected text in UTF-8.",
                       (unsigned char)s[i]);
            return;
        }
        if (cp == ' ' || cp == '\t') {
            i += (size_t)len;
            col++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            shape_fail(p, col, "control character U+%04X; expected an expression on one line.",
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
                shape_fail(p, col, "unexpected '^'; expected ^T for a transpose.");
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
                shape_fail(p, col, "unexpected '.'; expected .T (transpose), .* (element by "
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
                        shape_fail(p, col + ccount,
                                   "expected a name after %.*s, such as %.*sW_%c%c.", (int)(g - i),
                                   s + i, (int)(g - i), s + i, letter(0), letter(1));
                        return;
                    }
                    t->gx = (int)g;
                    j = g;
                } else if (cp == 0x2202) {
                    shape_fail(p, col,
                               "unexpected '∂'; expected ∂E/∂ and a name, such as ∂E/∂W_%c%c.",
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
                        shape_fail(p, SHAPE_MAX_CHARS + 1,
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
                shape_fail(p, col, "unexpected '×'; expected * or · for a matrix product, ⊙ or .* "
                                   "for element by element.");
                return;
            } else if (cp < 0x80) {
                shape_fail(p, col, "unexpected '%c'; %s", (int)cp, expect_any);
                return;
            } else {
                shape_fail(p, col, "unexpected character U+%04X; %s", (unsigned)cp, expect_any);
                return;
            }
        }
        if (col + ccount - 1 > SHAPE_MAX_CHARS) {
            shape_fail(p, SHAPE_MAX_CHARS + 1, "the expression is longer than %d characters.",
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
void shape_layer_examples(const parser *p, int n, char *buf, size_t size)
{
    char a[32];
    shape_act_name(p, n, a, sizeof a);
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

/* Gives leaf nd the shape of the name in token t; 0, or -1 after shape_fail(). */
int shape_resolve_name(parser *p, node *nd, const token *t)
{
    char name[64], list[SHAPE_MESSAGE_SIZE / 2];
    int start = t->gx >= 0 ? t->gx : t->b0;
    int len = t->b1 - start;
    int col = t->c0;
    if (len >= (int)sizeof name) {
        shape_fail(p, col, "this name is too long; %s",
                   "expected a name such as W_ij, x_i or δ_k.");
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
        shape_fail(p, col, "unknown name %s; the names here are %s.", name, list);
        return -1;
    }
    base_kind bk = bases[k].base;
    if (bases[k].grad && grad) {
        shape_fail(p, col, "%.*s%s names a gradient twice; write %.*s%s or %s.", t->gx - t->b0,
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
                shape_fail(p, col, "%s alone does not say which weights, with %d weight layers; "
                                   "expected %s.", name, L, range);
                return -1;
            }
            a = 0;
            b = 1;
        } else if (sf.second >= 0) {
            a = sf.n;
            b = sf.second;
        } else if (!sf.digits) {
            shape_fail(p, col, "%s needs two layer letters; expected %s.", name, range);
            return -1;
        } else {
            a = sf.n - 1;
            b = sf.n;
        }
        if (b != a + 1) {
            shape_fail(p, col, "%s does not join neighbouring layers; expected %s.", name, range);
            return -1;
        }
        if (a < 0 || b > L) {
            shape_fail(p, col, "this network has no %s: its weights are %s (%d weight layer%s).",
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
            shape_fail(p, col, "%s: x is the input, layer %c; expected x or x_%c.", name,
                       letter(0), letter(0));
            return -1;
        }
        set_vector(p, nd, 0);
        break;
    case B_Y:
    case B_T:
    case B_ERR:
        if (sf.has && sf.n != L) {
            shape_fail(p, col, "%s: %s belongs to the output layer %c; expected %s or %s_%c.", name,
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
                shape_fail(p, col, "this network has no hidden layer, so no h; expected x_%c, "
                                   "y_%c, t_%c, z_%c, δ_%c or err.", letter(0), last, last, last,
                           last);
                return -1;
            }
            if (L > 2) {
                shape_fail(p, col, "h alone does not say which layer, with %d hidden layers; %s.",
                           L - 1, hid);
                return -1;
            }
            n = 1;
        }
        if (n == 0) {
            shape_fail(p, col, "%s: layer %c is the input, x_%c; %s.", name, letter(0), letter(0),
                       hid);
            return -1;
        }
        if (n == L) {
            shape_fail(p, col, "%s: the output layer's g(z) is y_%c; %s.", name, last, hid);
            return -1;
        }
        if (n > L) {
            shape_fail(p, col, "this network has no %s: its layers are %c … %c.", name, letter(0),
                       last);
            return -1;
        }
        set_vector(p, nd, n);
        break;
    }
    case B_B:
        if (!p->net->has_bias) {
            names_list(p, list, sizeof list);
            shape_fail(p, col,
                       "this lesson has no biases, so there is no %s; the names here are %s.",
                       name, list);
            return -1;
        }
        /* fall through */
    case B_Z:
    case B_DELTA: {
        int n = sf.has ? sf.n : p->layer;
        if (!sf.has && (p->layer < 1 || p->layer > L)) {
            layer_choices(p, shown, list, sizeof list);
            shape_fail(p, col, "%s alone does not say which layer, and no step in view says it; "
                               "this network has %s.", name, list);
            return -1;
        }
        if (n < 1 || n > L) {
            layer_choices(p, shown, list, sizeof list);
            shape_fail(p, col, "this network has no %s; it has %s.", name, list);
            return -1;
        }
        set_vector(p, nd, n);
        break;
    }
    }
    if (grad) {
        if (bk != B_W && bk != B_B && bk != B_H && bk != B_X && bk != B_Y && bk != B_Z) {
            shape_fail(p, col, "%.*s is not a gradient backstep works out; expected the gradient "
                               "of a weight, a bias or a layer, such as ∂E/∂W_%c%c, ∂E/∂b_%c or "
                               "∂E/∂h_%c.",
                       t->b1 - t->b0, p->s + t->b0, letter(0), letter(1), letter(1), letter(1));
            return -1;
        }
        nd->grad = 1;
        nd->of = bk;
    }
    return 0;
bad_suffix:
    shape_fail(p, col, "%s: %s does not take the suffix %s.", name, shown, name + blen);
    return -1;
}
