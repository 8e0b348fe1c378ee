/* quiz.c - answer checking, hints and the score of the quiz. */
#include "quiz.h"

#include "ops.h"
#include "shape.h"
#include "text.h"
#include "utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Sizes above this are typing mistakes, not layer widths. */
#define SHAPE_MAX_DIM 99999

#define TIMES "\xc3\x97"      /* × */
#define MINUS "\xe2\x88\x92"  /* − */
#define DELTA "\xce\xb4"      /* δ */
#define DE_D "\xe2\x88\x82" "E/" "\xe2\x88\x82" /* ∂E/∂ */
#define SUPER_T "\xe1\xb5\x80" /* ᵀ */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Reads a positive size; returns 0 when there is none or it is too big. */
static int read_dim(const char **pp, int *out)
{
    const char *p = *pp;
    long v = 0;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p)) {
        v = v * 10 + (*p - '0');
        if (v > SHAPE_MAX_DIM)
            return 0;
        p++;
    }
    if (v < 1)
        return 0;
    *out = (int)v;
    *pp = p;
    return 1;
}

/* Reads the mark between rows and cols: x, X, *, ×, or a comma. */
static int read_times(const char **pp)
{
    const char *p = *pp;
    if (*p == 'x' || *p == 'X' || *p == '*' || *p == ',') {
        *pp = p + 1;
        return 1;
    }
    if (strncmp(p, TIMES, strlen(TIMES)) == 0) {
        *pp = p + strlen(TIMES);
        return 1;
    }
    return 0;
}

int quiz_parse_shape(const char *text, quiz_shape *out)
{
    char copy[64];
    const char *start = skip_space(text);
    size_t len = strlen(start);
    while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t' || start[len - 1] == '\n'))
        len--;
    if (len >= sizeof copy)
        return -1;
    /* A trimmed copy, so skipping spaces inside never runs past the end. */
    memcpy(copy, start, len);
    copy[len] = '\0';
    const char *p = copy;
    if (len == 6 && strncasecmp(p, "scalar", 6) == 0) {
        *out = (quiz_shape){0, 1, 1};
        return 0;
    }
    const char *end = p + len;
    char close = 0;
    if (*p == '(' || *p == '[') {
        close = *p == '(' ? ')' : ']';
        if (len < 2 || end[-1] != close)
            return -1;
        p++;
        end--;
    }
    p = skip_space(p);
    if (p == end) {
        if (!close)
            return -1;
        *out = (quiz_shape){0, 1, 1};
        return 0;
    }
    int rows, cols;
    if (!read_dim(&p, &rows))
        return -1;
    p = skip_space(p);
    if (p == end) {
        *out = (quiz_shape){1, rows, 1};
        return 0;
    }
    if (!read_times(&p))
        return -1;
    p = skip_space(p);
    if (!read_dim(&p, &cols))
        return -1;
    p = skip_space(p);
    if (p != end)
        return -1;
    *out = (quiz_shape){2, rows, cols};
    return 0;
}

/* Rows and cols of a tensor, a vector standing as a column. */
static void tensor_dims(const engine_tensor *t, int *rows, int *cols)
{
    if (t->rank == 0) {
        *rows = 1;
        *cols = 1;
    } else if (t->rank == 1) {
        *rows = t->rows;
        *cols = 1;
    } else {
        *rows = t->rows;
        *cols = t->cols;
    }
}

int quiz_shape_matches(const quiz_shape *answer, const engine_tensor *t)
{
    int rows, cols;
    tensor_dims(t, &rows, &cols);
    return answer->rows == rows && answer->cols == cols;
}

/* Copies one UTF-8 minus sign or ASCII character of a number into out;
 * returns the bytes of text used, or 0 for a character numbers never hold. */
static size_t number_char(const char *p, char *out)
{
    if (strncmp(p, MINUS, strlen(MINUS)) == 0) {
        *out = '-';
        return strlen(MINUS);
    }
    if (isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' ||
        *p == 'e' || *p == 'E') {
        *out = *p;
        return 1;
    }
    return 0;
}

int quiz_parse_value(const char *text, double *out)
{
    char ascii[128];
    size_t n = 0;
    const char *p = skip_space(text);
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
        size_t used;
        /* "×10^" and "x10^" and "*10^" are the hand-written exponent. */
        if ((*p == 'x' || *p == '*' || strncmp(p, TIMES, strlen(TIMES)) == 0)) {
            const char *q = *p == 'x' || *p == '*' ? p + 1 : p + strlen(TIMES);
            if (strncmp(q, "10^", 3) != 0 || n + 1 >= sizeof ascii)
                return -1;
            ascii[n++] = 'e';
            p = q + 3;
            continue;
        }
        used = number_char(p, &ascii[n]);
        if (used == 0 || n + 1 >= sizeof ascii)
            return -1;
        n++;
        p += used;
    }
    if (*skip_space(p) != '\0' && *skip_space(p) != '\n')
        return -1;
    ascii[n] = '\0';
    if (n == 0)
        return -1;
    /* A mantissa needs a digit: strtod would take "e5" for nothing. */
    int digit = 0;
    for (size_t i = 0; i < n && ascii[i] != 'e' && ascii[i] != 'E'; i++)
        digit |= isdigit((unsigned char)ascii[i]) != 0;
    if (!digit)
        return -1;
    char *end;
    double v = strtod(ascii, &end);
    if (*end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int quiz_value_close(double expected, double given)
{
    double diff = fabs(given - expected);
    return diff <= 1e-3 || diff <= 0.01 * fabs(expected);
}

/* "3×2", "3" for a vector, "a scalar". */
static void shape_text(const engine_tensor *t, char *buf, size_t size)
{
    if (t->rank == 0)
        snprintf(buf, size, "a scalar");
    else if (t->rank == 1)
        snprintf(buf, size, "%d", t->rows);
    else
        snprintf(buf, size, "%d" TIMES "%d", t->rows, t->cols);
}

static const engine_tensor *find_rank(const engine_step *s, int rank, int skip)
{
    for (int i = 0; i < s->n_operands && i < ENGINE_MAX_OPERANDS; i++)
        if (s->operand[i].rank == rank && skip-- == 0)
            return &s->operand[i];
    return NULL;
}

static int is_delta(const engine_tensor *t)
{
    return strncmp(t->name, DELTA, strlen(DELTA)) == 0;
}

static int is_bias(const engine_tensor *t)
{
    return t->name[0] == 'b' && (t->name[1] == '_' || t->name[1] == '\0');
}

/* The vector operand named δ…, or NULL. */
static const engine_tensor *find_delta(const engine_step *s)
{
    for (int i = 0; i < s->n_operands && i < ENGINE_MAX_OPERANDS; i++)
        if (s->operand[i].rank == 1 && is_delta(&s->operand[i]))
            return &s->operand[i];
    return NULL;
}

/* The vector operand that is neither δ nor a bias: the activation below. */
static const engine_tensor *find_below(const engine_step *s)
{
    for (int i = 0; i < s->n_operands && i < ENGINE_MAX_OPERANDS; i++) {
        const engine_tensor *t = &s->operand[i];
        if (t->rank == 1 && !is_delta(t) && !is_bias(t))
            return t;
    }
    return NULL;
}

/* The weight matrix of the step's layer: an operand W_…, else W_jk. */
static void weight_name(const engine_step *s, char *buf, size_t size)
{
    const engine_tensor *m = find_rank(s, 2, 0);
    if (m && m->name[0] == 'W')
        snprintf(buf, size, "%s", m->name);
    else
        snprintf(buf, size, "W_%c%c", engine_layer_letter(s->layer - 1), engine_layer_letter(s->layer));
}

/* δ of the step's layer: the operand when there is one, else δ_k. */
static void delta_name(const engine_step *s, char *buf, size_t size)
{
    const engine_tensor *d = find_delta(s);
    if (d)
        snprintf(buf, size, "%s", d->name);
    else
        snprintf(buf, size, DELTA "_%c", engine_layer_letter(s->layer));
}

static void gradient_hint(const engine_step *s, char *buf, size_t size)
{
    const engine_tensor *a = find_below(s);
    char w[ENGINE_NAME_SIZE + 2], d[ENGINE_NAME_SIZE + 2];
    weight_name(s, w, sizeof w);
    delta_name(s, d, sizeof d);
    int below, here;
    if (s->convention == CONV_ROWS) {
        here = s->result.rows;
        below = s->result.cols;
    } else {
        below = s->result.rows;
        here = s->result.cols;
    }
    const char *gname = s->result.name;
    char below_txt[ENGINE_NAME_SIZE + 48], here_txt[ENGINE_NAME_SIZE + 48];
    if (a)
        snprintf(below_txt, sizeof below_txt, "%s: %d", a->name, below);
    else
        snprintf(below_txt, sizeof below_txt, "%d", below);
    snprintf(here_txt, sizeof here_txt, "%s: %d", d, here);
    if (s->convention == CONV_ROWS)
        snprintf(buf, size,
                 "%s has one row per unit of this layer (%s) and one column per "
                 "unit of the layer below (%s), the shape of %s",
                 gname, here_txt, below_txt, w);
    else
        snprintf(buf, size,
                 "%s has one row per unit of the layer below (%s) and one column "
                 "per unit of this layer (%s), the shape of %s",
                 gname, below_txt, here_txt, w);
}

void quiz_shape_hint(const engine_step *s, char *buf, size_t size)
{
    const engine_tensor *m = find_rank(s, 2, 0);
    const engine_tensor *v = find_below(s);
    const engine_tensor *first = s->n_operands > 0 ? &s->operand[0] : NULL;
    char shape[32];
    if (size == 0)
        return;
    buf[0] = '\0';
    switch (s->kind) {
    case STEP_SUM:
        if (!m)
            break;
        if (s->convention == CONV_ROWS)
            snprintf(buf, size,
                     "%s" "\xc2\xb7" "%s: the rows of the result come from the rows of %s (%d)",
                     m->name, v ? v->name : "a", m->name, m->rows);
        else
            snprintf(buf, size,
                     "%s" SUPER_T "\xc2\xb7" "%s: the rows of the result come from the columns of %s (%d)",
                     m->name, v ? v->name : "a", m->name, m->cols);
        return;
    case STEP_ACTIVATION:
        if (!first)
            break;
        shape_text(first, shape, sizeof shape);
        snprintf(buf, size, "g works on each element of %s by itself, so the result keeps its shape (%s)",
                 first->name, shape);
        return;
    case STEP_LOSS:
        snprintf(buf, size, "the loss adds up the errors of every output: one number for the sample");
        return;
    case STEP_DELTA: {
        /* "∂E/∂h_j" is taken with respect to h_j. */
        const char *wrt = s->result.name;
        if (strncmp(wrt, DE_D, strlen(DE_D)) == 0 && wrt[strlen(DE_D)])
            wrt += strlen(DE_D);
        else if (first)
            wrt = first->name;
        shape_text(&s->result, shape, sizeof shape);
        snprintf(buf, size, "a derivative has the shape of what it is taken with respect to: "
                            "%s has one number per unit of this layer (%s)", wrt, shape);
        return;
    }
    case STEP_DERIVATIVE:
        if (!first)
            break;
        shape_text(first, shape, sizeof shape);
        snprintf(buf, size, "\xe2\x8a\x99 keeps the shape of its operands: %s is %s", first->name, shape);
        return;
    case STEP_GRAD_COPY:
    case STEP_GRADIENT:
        gradient_hint(s, buf, size);
        return;
    case STEP_BIAS_GRAD: {
        const engine_tensor *d = find_delta(s);
        if (!d)
            d = first;
        if (!d)
            break;
        shape_text(d, shape, sizeof shape);
        snprintf(buf, size, "each bias adds to one unit, so its gradient has the shape of %s (%s)",
                 d->name, shape);
        return;
    }
    case STEP_SEND: {
        char d[ENGINE_NAME_SIZE + 2];
        delta_name(s, d, sizeof d);
        if (!m)
            break;
        if (s->convention == CONV_ROWS)
            snprintf(buf, size,
                     "%s" SUPER_T "\xc2\xb7" "%s: (%d" TIMES "%d)" SUPER_T "\xc2\xb7" "(%d) gives one number per column of %s (%d)",
                     m->name, d, m->rows, m->cols, m->rows, m->name, m->cols);
        else
            snprintf(buf, size,
                     "%s" "\xc2\xb7" "%s: (%d" TIMES "%d)" "\xc2\xb7" "(%d) gives one number per row of %s (%d)",
                     m->name, d, m->rows, m->cols, m->cols, m->name, m->rows);
        return;
    }
    case STEP_BATCH_MEAN:
    case STEP_MEAN_BIAS: {
        char w[ENGINE_NAME_SIZE + 2];
        weight_name(s, w, sizeof w);
        snprintf(buf, size, "the mean of the samples' gradients has the shape of each one, the shape of %s", w);
        return;
    }
    case STEP_UPDATE:
    case STEP_UPDATE_BIAS: {
        if (!first)
            break;
        const char *grad = "gradient";
        for (int i = 1; i < s->n_operands && i < ENGINE_MAX_OPERANDS; i++)
            if (s->operand[i].rank == first->rank)
                grad = s->operand[i].name;
        shape_text(first, shape, sizeof shape);
        snprintf(buf, size, "%s " MINUS " \xce\xb7\xc2\xb7%s subtracts element by element, "
                            "so the result keeps the shape of %s (%s)", first->name, grad,
                 first->name, shape);
        return;
    }
    case STEP_KIND_COUNT:
        break;
    }
    /* A step without the operands its rule needs: list what there is. */
    snprintf(buf, size, "look at the operands' shapes:");
    for (int i = 0; i < s->n_operands && i < ENGINE_MAX_OPERANDS; i++) {
        shape_text(&s->operand[i], shape, sizeof shape);
        text_append(buf, size, "%s %s is %s", i ? "," : "", s->operand[i].name, shape);
    }
}

/* The explanation of element index: the whole arithmetic in full. */
static void explain(const engine_step *s, int index, char *buf, size_t size)
{
    buf[0] = '\0';
    engine_step_explain(s, index, 4, buf, size, NULL, 0);
}

void quiz_value_hint(const engine_step *s, int index, char *buf, size_t size)
{
    char full[512];
    if (size == 0)
        return;
    explain(s, index, full, sizeof full);
    /* "G[2][1] = h_2 · δ_1 = 0.5969 × −0.2171 = −0.1296": keep the part
     * before the second " = ", the symbols without the numbers. */
    char *first = strstr(full, " = ");
    /* what to do with the symbols: the op's own words */
    const char *verb = ops_op(s->op)->quiz;
    if (first) {
        char *second = strstr(first + 3, " = ");
        if (second) {
            *second = '\0';
        } else {
            *first = '\0';
            /* No symbols, only the number: a copy of what came from above. */
            if (s->kind == STEP_DELTA)
                verb = "it is what the layer above sent down";
        }
    }
    snprintf(buf, size, "%s: %s", full, verb);
}

/* The kinds of question, as the summary names them. */
static const char *const kind_names[QUIZ_KIND_COUNT] = {
    [QUIZ_KIND_SHAPE] = "shapes of results",
    [QUIZ_KIND_VALUE] = "values",
    [QUIZ_KIND_FORMULA] = "shapes of formulas",
};

const char *quiz_kind_name(quiz_kind k)
{
    return (unsigned)k < QUIZ_KIND_COUNT ? kind_names[k] : "?";
}

/* The kind of question a stage asks. */
static quiz_kind stage_kind(quiz_stage st)
{
    switch (st) {
    case QUIZ_ASK_SHAPE: return QUIZ_KIND_SHAPE;
    case QUIZ_ASK_VALUE: return QUIZ_KIND_VALUE;
    case QUIZ_ASK_FORMULA: return QUIZ_KIND_FORMULA;
    case QUIZ_FINISHED: break;
    }
    return QUIZ_KIND_COUNT;
}

/* ------------------------------------------------------------ formulas */

/* Drops a character cut short at the end of s (text_append cuts bytes). */
static void cut_whole(char *s)
{
    size_t n = strlen(s), k = n;
    while (k > 0 && utf8_is_cont((unsigned char)s[k - 1]))
        k--;
    uint32_t cp;
    if (k > 0 && utf8_decode(s + k - 1, n - k + 1, &cp) == 0)
        s[k - 1] = '\0';
}

/* The screen's name of layer n's output in a formula a student writes:
 * x, h_j (h¹_j … with several hidden layers), y_k. */
static void act_word(const engine_net *net, int n, char *buf, size_t size)
{
    static const char *const sup[] = {"", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸"};
    if (n == 0)
        snprintf(buf, size, "x");
    else if (net->layers == 2)
        snprintf(buf, size, "h_%c", engine_layer_letter(n));
    else
        snprintf(buf, size, "h%s_%c", sup[n], engine_layer_letter(n));
}

int quiz_formula_for(const engine_net *net, engine_conv conv, int layer, quiz_formula *out)
{
    memset(out, 0, sizeof *out);
    if (!net || net->layers < 1 || net->layers > ENGINE_MAX_LAYERS || layer < 1 ||
        layer > net->layers)
        return 0;
    int L = net->layers;
    char below[32];
    char lo = engine_layer_letter(layer - 1), hi = engine_layer_letter(layer);
    act_word(net, layer - 1, below, sizeof below);
    snprintf(out->claim, sizeof out->claim, "∂E/∂W_%c%c", lo, hi);
    snprintf(out->of, sizeof out->of, "W_%c%c", lo, hi);
    shape_outer_product(net, conv, layer, out->build, sizeof out->build);
    shape_result r;
    for (int attempt = L == 2 && layer == 1 ? 0 : 1; attempt < 2; attempt++) {
        if (attempt == 0)
            /* the question's own chain: the weights above, the slope here,
             * the input and the error, multiplied as written */
            snprintf(out->expr, sizeof out->expr, "W_%c%c * g'(W_%c%c * %s) * %s * err", hi,
                     engine_layer_letter(2), lo, hi, below, below);
        else
            /* δ times what came in from below, a product that fits only as
             * an outer product, in one orientation or the other */
            snprintf(out->expr, sizeof out->expr, "δ_%c * %s", hi, below);
        if (shape_check_at(out->expr, net, conv, layer, &r) != 0)
            break;
        if (r.reached)
            break;
        shape_result_free(&r); /* no reading fits (a layer of width 1): the next */
    }
    /* The loop runs once at least (attempt starts at 0 or 1), and
     * shape_check_at fills r whatever it returns; cppcheck does not see
     * that the loop is entered. */
    // cppcheck-suppress uninitvar
    if (!r.reached) {
        shape_result_free(&r);
        memset(out, 0, sizeof *out);
        return 0;
    }
    out->read = r.status != SHAPE_FIT;
    out->rows = r.rows;
    out->cols = r.cols;
    out->scalar = r.scalar;
    out->want_rows = net->width[conv == CONV_ROWS ? layer : layer - 1];
    out->want_cols = net->width[conv == CONV_ROWS ? layer - 1 : layer];
    snprintf(out->read_as, sizeof out->read_as, "%s", r.read_as ? r.read_as : out->expr);
    for (int k = 0; k < r.n_lines; k++) {
        const shape_line *ln = &r.lines[k];
        if (!ln->ok) {
            char shp[32];
            if (ln->cols == 1)
                snprintf(shp, sizeof shp, "%d", ln->rows);
            else
                shape_format(ln->rows, ln->cols, 0, 0, shp, sizeof shp);
            text_append(out->first, sizeof out->first, "%s fits only as %s → %s", ln->text,
                        ln->reading, shp);
            cut_whole(out->first);
            break;
        }
    }
    shape_result_free(&r);
    return 1;
}

/* "2×1", "3" for a column, "a scalar". */
static void formula_shape(int rows, int cols, int scalar, char *buf, size_t size)
{
    if (scalar)
        snprintf(buf, size, "a scalar");
    else
        snprintf(buf, size, "%d" TIMES "%d", rows, cols);
}

/* Why a formula's shape matters: what it gives against what the gradient
 * it is written for needs. */
static void formula_moral(const quiz_formula *f, char *buf, size_t size)
{
    char want[32];
    formula_shape(f->want_rows, f->want_cols, 0, want, sizeof want);
    if (f->rows == f->want_rows && f->cols == f->want_cols && !f->scalar)
        text_append(buf, size, " That is the shape of %s, as %s must be: %s = %s.", f->of,
                    f->claim, f->claim, f->build);
    else
        text_append(buf, size, " But %s has one entry per weight, %s, the shape of %s, so "
                    "this cannot be it: %s = %s, an outer product.", f->claim, want, f->of,
                    f->claim, f->build);
}

/* ---------------------------------------------------------------- flow */

void quiz_init(quiz *q)
{
    memset(q, 0, sizeof *q);
    q->stage = QUIZ_FINISHED;
}

static int element_count(const engine_tensor *t)
{
    return t->rank == 0 ? 1 : t->rank == 1 ? t->rows : t->rows * t->cols;
}

/* The value question only makes sense for a finite number. */
static int value_askable(const engine_step *s, int focus)
{
    return s->result.v && focus < element_count(&s->result) && isfinite(s->result.v[focus]);
}

void quiz_open(quiz *q, const engine_step *s, int focus, const engine_net *net)
{
    int n = element_count(&s->result);
    snprintf(q->step_id, sizeof q->step_id, "%s", s->id);
    q->focus = focus < 0 ? 0 : focus >= n ? n - 1 : focus;
    q->tries = 0;
    q->stage = QUIZ_ASK_SHAPE;
    q->has_formula = net && s->kind == STEP_GRADIENT &&
                     quiz_formula_for(net, s->convention, s->layer, &q->formula);
}

void quiz_begin(quiz *q, const engine_step *s, int focus)
{
    quiz_open(q, s, focus, NULL);
}

static void add_miss(quiz *q, quiz_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_miss(quiz *q, quiz_kind kind, const char *fmt, ...)
{
    if (q->n_missed >= QUIZ_MAX_MISSED) {
        q->lost_misses++;
        return;
    }
    quiz_miss *m = &q->missed[q->n_missed++];
    snprintf(m->step_id, sizeof m->step_id, "%s", q->step_id);
    m->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->what, sizeof m->what, fmt, ap);
    va_end(ap);
}

/* "−0.1296": four significant digits with the typographic minus. */
static void number_text(double v, char *buf, size_t size)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%.4g", v);
    if (tmp[0] == '-')
        snprintf(buf, size, MINUS "%s", tmp + 1);
    else
        snprintf(buf, size, "%s", tmp);
}

/* "G[2][1]": the left side of the engine's explanation. */
static void element_label(const engine_step *s, int index, char *buf, size_t size)
{
    char full[512];
    explain(s, index, full, sizeof full);
    char *eq = strstr(full, " = ");
    if (eq && eq != full) {
        *eq = '\0';
        snprintf(buf, size, "%s", full);
    } else if (s->result.rank == 2) {
        snprintf(buf, size, "%s[%d][%d]", s->result.name, index / s->result.cols + 1,
                 index % s->result.cols + 1);
    } else if (s->result.rank == 1) {
        snprintf(buf, size, "%s[%d]", s->result.name, index + 1);
    } else {
        snprintf(buf, size, "%s", s->result.name);
    }
}

/* Scores the question just finished (right: at which try) and opens the
 * next: shape, value when askable, formula when there is one. */
static void next_question(quiz *q, const engine_step *s, int right)
{
    quiz_tally *t = &q->tally[stage_kind(q->stage)];
    t->asked++;
    q->asked++;
    if (right && q->tries == 0) {
        t->first_try++;
        q->correct++;
    } else if (right) {
        t->second++;
    } else {
        t->shown++;
    }
    q->tries = 0;
    if (q->stage == QUIZ_ASK_SHAPE && value_askable(s, q->focus))
        q->stage = QUIZ_ASK_VALUE;
    else if (q->stage != QUIZ_ASK_FORMULA && q->has_formula)
        q->stage = QUIZ_ASK_FORMULA;
    else
        q->stage = QUIZ_FINISHED;
}

/* The shape question is missed: shows the shape and why, counts the miss. */
static quiz_verdict shape_missed(quiz *q, const engine_step *s, char *msg, size_t size)
{
    char shape[32], hint[QUIZ_TEXT_SIZE];
    shape_text(&s->result, shape, sizeof shape);
    quiz_shape_hint(s, hint, sizeof hint);
    snprintf(msg, size, "%s is %s: %s.", s->result.name, shape, hint);
    add_miss(q, QUIZ_KIND_SHAPE, "shape of %s: %s", s->result.name, shape);
    next_question(q, s, 0);
    return QUIZ_SHOWN;
}

/* The value question is missed: shows the arithmetic, counts the miss. */
static quiz_verdict value_missed(quiz *q, const engine_step *s, char *msg, size_t size)
{
    char label[64], num[32], full[512];
    element_label(s, q->focus, label, sizeof label);
    number_text(s->result.v[q->focus], num, sizeof num);
    explain(s, q->focus, full, sizeof full);
    snprintf(msg, size, "%s", full[0] ? full : label);
    if (!full[0])
        text_append(msg, size, " = %s", num);
    add_miss(q, QUIZ_KIND_VALUE, "%s = %s", label, num);
    next_question(q, s, 0);
    return QUIZ_SHOWN;
}

/* The formula question is missed: shows its shape, how it is read and
 * what the gradient needs. */
static quiz_verdict formula_missed(quiz *q, const engine_step *s, char *msg, size_t size)
{
    const quiz_formula *f = &q->formula;
    char shape[32];
    formula_shape(f->rows, f->cols, f->scalar, shape, sizeof shape);
    if (f->read)
        snprintf(msg, size, "It gives %s, taken the way its shapes fit: %s.", shape, f->read_as);
    else
        snprintf(msg, size, "%s is %s.", f->expr, shape);
    formula_moral(f, msg, size);
    add_miss(q, QUIZ_KIND_FORMULA, "%s gives %s", f->expr, shape);
    next_question(q, s, 0);
    return QUIZ_SHOWN;
}

static const char shape_howto[] =
    "Write a shape such as 3x2, (3, 2) or 3 for a vector; a scalar as 1 or ().";

static quiz_verdict answer_shape(quiz *q, const engine_step *s, const char *text,
                                 char *msg, size_t size)
{
    quiz_shape a;
    char shape[32], hint[QUIZ_TEXT_SIZE];
    if (quiz_parse_shape(text, &a) != 0) {
        snprintf(msg, size, "%s", shape_howto);
        return QUIZ_UNREADABLE;
    }
    shape_text(&s->result, shape, sizeof shape);
    if (quiz_shape_matches(&a, &s->result)) {
        snprintf(msg, size, "Right: %s is %s.", s->result.name, shape);
        next_question(q, s, 1);
        return QUIZ_RIGHT;
    }
    quiz_shape_hint(s, hint, sizeof hint);
    if (++q->tries < QUIZ_TRIES) {
        int rows, cols;
        tensor_dims(&s->result, &rows, &cols);
        if (a.rows == cols && a.cols == rows && cols == 1)
            snprintf(msg, size, "Not quite: a vector is a column here (n or n" TIMES "1), "
                                "%d" TIMES "%d is a row. Hint: %s.", a.rows, a.cols, hint);
        else if (a.rows == cols && a.cols == rows)
            snprintf(msg, size, "Not quite: that is the transpose. Hint: %s.", hint);
        else
            snprintf(msg, size, "Not quite. Hint: %s.", hint);
        return QUIZ_RETRY;
    }
    return shape_missed(q, s, msg, size);
}

static quiz_verdict answer_value(quiz *q, const engine_step *s, const char *text,
                                 char *msg, size_t size)
{
    double given, want = s->result.v[q->focus];
    char label[64], num[32];
    if (quiz_parse_value(text, &given) != 0) {
        snprintf(msg, size, "Write a number such as 0.25, -1.5 or 3e-4.");
        return QUIZ_UNREADABLE;
    }
    element_label(s, q->focus, label, sizeof label);
    number_text(want, num, sizeof num);
    if (quiz_value_close(want, given)) {
        snprintf(msg, size, "Right: %s = %s.", label, num);
        next_question(q, s, 1);
        return QUIZ_RIGHT;
    }
    if (++q->tries < QUIZ_TRIES) {
        char hint[QUIZ_TEXT_SIZE];
        quiz_value_hint(s, q->focus, hint, sizeof hint);
        snprintf(msg, size, "Not quite. Hint: %s.", hint);
        return QUIZ_RETRY;
    }
    return value_missed(q, s, msg, size);
}

static quiz_verdict answer_formula(quiz *q, const engine_step *s, const char *text,
                                   char *msg, size_t size)
{
    const quiz_formula *f = &q->formula;
    quiz_shape a;
    char shape[32];
    if (quiz_parse_shape(text, &a) != 0) {
        snprintf(msg, size, "%s", shape_howto);
        return QUIZ_UNREADABLE;
    }
    formula_shape(f->rows, f->cols, f->scalar, shape, sizeof shape);
    int right = f->scalar ? a.rows == 1 && a.cols == 1 : a.rows == f->rows && a.cols == f->cols;
    if (right) {
        if (f->read)
            snprintf(msg, size, "Right: taken the way its shapes fit, %s, it gives %s.",
                     f->read_as, shape);
        else
            snprintf(msg, size, "Right: %s is %s.", f->expr, shape);
        formula_moral(f, msg, size);
        next_question(q, s, 1);
        return QUIZ_RIGHT;
    }
    if (++q->tries < QUIZ_TRIES) {
        if (f->read)
            snprintf(msg, size, "Not quite. Hint: work from the inside out and take each "
                                "product the way its shapes fit; %s.", f->first);
        else
            snprintf(msg, size, "Not quite. Hint: work from the inside out; a column times "
                                "a row (n" TIMES "1)·(1" TIMES "m) is an n" TIMES "m matrix.");
        return QUIZ_RETRY;
    }
    return formula_missed(q, s, msg, size);
}

quiz_verdict quiz_answer(quiz *q, const engine_step *s, const char *text,
                         char *msg, size_t size)
{
    char scratch[8];
    if (size == 0) {
        msg = scratch;
        size = sizeof scratch;
    }
    msg[0] = '\0';
    switch (q->stage) {
    case QUIZ_ASK_SHAPE: return answer_shape(q, s, text, msg, size);
    case QUIZ_ASK_VALUE: return answer_value(q, s, text, msg, size);
    case QUIZ_ASK_FORMULA: return answer_formula(q, s, text, msg, size);
    case QUIZ_FINISHED: break;
    }
    snprintf(msg, size, "No question is open.");
    return QUIZ_UNREADABLE;
}

quiz_verdict quiz_skip(quiz *q, const engine_step *s, char *msg, size_t size)
{
    char scratch[8];
    if (size == 0) {
        msg = scratch;
        size = sizeof scratch;
    }
    msg[0] = '\0';
    switch (q->stage) {
    case QUIZ_ASK_SHAPE: return shape_missed(q, s, msg, size);
    case QUIZ_ASK_VALUE: return value_missed(q, s, msg, size);
    case QUIZ_ASK_FORMULA: return formula_missed(q, s, msg, size);
    case QUIZ_FINISHED: break;
    }
    snprintf(msg, size, "No question is open.");
    return QUIZ_UNREADABLE;
}

void quiz_question(const quiz *q, const engine_step *s, char *buf, size_t size)
{
    char label[64];
    if (size == 0)
        return;
    buf[0] = '\0';
    switch (q->stage) {
    case QUIZ_ASK_SHAPE:
        snprintf(buf, size, "What shape is %s?", s->result.name);
        return;
    case QUIZ_ASK_VALUE:
        element_label(s, q->focus, label, sizeof label);
        snprintf(buf, size, "What is %s?", label);
        return;
    case QUIZ_ASK_FORMULA:
        if (q->formula.read)
            snprintf(buf, size, "A student wrote %s = %s. Taking each product the way its "
                                "shapes fit, what shape does it give?", q->formula.claim,
                     q->formula.expr);
        else
            snprintf(buf, size, "What shape does %s give?", q->formula.expr);
        return;
    case QUIZ_FINISHED:
        return;
    }
}

void quiz_caption(const quiz *q, const engine_step *s, char *buf, size_t size)
{
    char label[64];
    if (size == 0)
        return;
    buf[0] = '\0';
    switch (q->stage) {
    case QUIZ_ASK_SHAPE:
        snprintf(buf, size, "shape of %s? ", s->result.name);
        return;
    case QUIZ_ASK_VALUE:
        element_label(s, q->focus, label, sizeof label);
        snprintf(buf, size, "%s = ? ", label);
        return;
    case QUIZ_ASK_FORMULA:
        snprintf(buf, size, "shape of %s? ", q->formula.expr);
        return;
    case QUIZ_FINISHED:
        return;
    }
}

void quiz_hiding(const quiz *q, const engine_step *s, quiz_hidden *out)
{
    memset(out, 0, sizeof *out);
    if (q->stage != QUIZ_ASK_SHAPE && q->stage != QUIZ_ASK_VALUE)
        return;
    out->result = 1;
    out->layer = s->layer;
    switch (s->kind) {
    case STEP_SUM:
        out->values = 1;
        out->kind = VALUES_SUM;
        return;
    case STEP_ACTIVATION:
        out->values = 1;
        out->kind = VALUES_ACTIVATION;
        return;
    case STEP_DELTA:
        out->values = 1;
        out->kind = VALUES_INCOMING;
        return;
    case STEP_DERIVATIVE:
        out->values = 1;
        out->kind = VALUES_DELTA;
        return;
    case STEP_SEND:
        /* what is sent down arrives at the layer below */
        out->values = 1;
        out->kind = VALUES_INCOMING;
        out->layer = s->layer - 1;
        return;
    case STEP_LOSS: case STEP_GRAD_COPY: case STEP_GRADIENT: case STEP_BIAS_GRAD:
    case STEP_BATCH_MEAN: case STEP_MEAN_BIAS: case STEP_UPDATE: case STEP_UPDATE_BIAS:
    case STEP_KIND_COUNT:
        /* a matrix or a scalar of its own, or δ again (the bias gradient,
         * the copy beat), which the step before has shown */
        out->layer = 0;
        return;
    }
}

void quiz_summary(const quiz *q, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    text_append(buf, size, "Score: %d of %d right at the first try", q->correct, q->asked);
    const char *sep = ": ";
    for (int k = 0; k < QUIZ_KIND_COUNT; k++) {
        const quiz_tally *t = &q->tally[k];
        if (t->asked == 0)
            continue;
        text_append(buf, size, "%s%s %d of %d", sep, kind_names[k], t->first_try, t->asked);
        sep = ", ";
    }
    text_append(buf, size, ".\n");
    if (q->n_missed == 0) {
        text_append(buf, size, "Nothing missed.\n");
        return;
    }
    text_append(buf, size, "Missed:\n");
    for (int i = 0; i < q->n_missed; i++)
        text_append(buf, size, "  %s: %s\n", q->missed[i].step_id, q->missed[i].what);
    if (q->lost_misses)
        text_append(buf, size, "  and %d more\n", q->lost_misses);
}
