/* view.c - one screen of backstep, laid out into cells.  Everything shown
 * comes from the engine, the lesson and the narration; the view only
 * places it.  No allocation happens here after view_frame_new. */
#include "view.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "narrate.h"
#include "text.h"
#include "view_lab.h"

enum {
    LINE_BYTES = 1024,    /* one line of text before fitting */
    NARRATION_BYTES = 8192,
    MAX_BLOCKS = ENGINE_MAX_OPERANDS + 1,
    NUM_BYTES = 40,
};

/* Where drawing goes: the frame and whether text is turned into ASCII. */
typedef struct {
    view_frame *f;
    int ascii;
    int hide; /* the quiz keeps the current result's numbers hidden */
} canvas;

void view_state_init(view_state *st, int ascii)
{
    memset(st, 0, sizeof *st);
    st->decimals = 4;
    st->ascii = ascii;
    st->delay_ms = 1000;
    view_learn_attach(st, NULL);
}

view_frame *view_frame_new(void)
{
    view_frame *f = malloc(sizeof *f);
    if (!f)
        return NULL;
    f->cells = calloc((size_t)VIEW_MAX_WIDTH * VIEW_MAX_HEIGHT, sizeof *f->cells);
    if (!f->cells) {
        free(f);
        return NULL;
    }
    f->width = f->height = 0;
    f->cursor_row = f->cursor_col = -1;
    return f;
}

void view_frame_free(view_frame *f)
{
    if (!f)
        return;
    free(f->cells);
    free(f);
}

static view_cell *cell_at(view_frame *f, int row, int col)
{
    return &f->cells[(size_t)row * (size_t)f->width + (size_t)col];
}

/* Blanks the frame: every byte of every cell is set (the NUL padding too),
 * so the drawing can compare whole rows with memcmp. */
static void clear_frame(view_frame *f)
{
    /* One blank row, built on first use, copied over every row: a memcpy
     * per row instead of a store per cell. */
    static view_cell blank_row[VIEW_MAX_WIDTH];
    if (blank_row[0].ch[0] != ' ')
        for (int c = 0; c < VIEW_MAX_WIDTH; c++) {
            memset(&blank_row[c], 0, sizeof blank_row[c]);
            blank_row[c].ch[0] = ' ';
            blank_row[c].attr = VIEW_NORMAL;
        }
    size_t w = (size_t)f->width;
    for (int r = 0; r < f->height; r++)
        memcpy(&f->cells[(size_t)r * w], blank_row, w * sizeof *blank_row);
}

/* Bytes in the UTF-8 sequence that starts with byte c. */
static int utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* Symbols of the screen itself that text_ascii leaves alone. */
static const char *const screen_ascii[][2] = {
    {"↑↓", "Up/Down"}, {"↑", "Up"}, {"↓", "Down"}, {"▸", ">"}, {"▶", ">"}, {"◀", "<"},
    {"⋮", ":"},
};

/* Text as it will be drawn: ASCII when asked. */
static const char *shown(const canvas *cv, const char *s, char *buf, size_t size)
{
    if (!cv->ascii)
        return s;
    char tmp[NARRATION_BYTES];
    size_t len = 0;
    while (*s && len + 8 < sizeof tmp) {
        size_t i, n = sizeof screen_ascii / sizeof screen_ascii[0];
        for (i = 0; i < n; i++) {
            size_t k = strlen(screen_ascii[i][0]);
            if (strncmp(s, screen_ascii[i][0], k) == 0) {
                size_t m = strlen(screen_ascii[i][1]);
                memcpy(tmp + len, screen_ascii[i][1], m);
                len += m;
                s += k;
                break;
            }
        }
        if (i == n)
            tmp[len++] = *s++;
    }
    tmp[len] = '\0';
    text_ascii(tmp, buf, size);
    return buf;
}

/* Puts text at row/col, not past column `end` (exclusive); returns the
 * column after the text.  Text is first turned to ASCII when asked. */
static int put_text(const canvas *cv, int row, int col, int end, const char *s, int attr)
{
    view_frame *f = cv->f;
    char buf[LINE_BYTES];
    if (row < 0 || row >= f->height)
        return col;
    if (end > f->width)
        end = f->width;
    s = shown(cv, s, buf, sizeof buf);
    view_cell *last = NULL;
    while (*s && col < end) {
        int n = utf8_len((unsigned char)*s);
        char one[8];
        int k = 0;
        while (k < n && s[k]) {
            one[k] = s[k];
            k++;
        }
        one[k] = '\0';
        s += k;
        if (one[0] == '\n' || one[0] == '\t')
            one[0] = ' ';
        /* Printable ASCII is one column; only the rest is looked up. */
        unsigned char c0 = (unsigned char)one[0];
        int w = c0 >= 0x20 && c0 < 0x7F ? 1 : text_width(one);
        if (w <= 0) {
            if (last && strlen(last->ch) + strlen(one) < VIEW_CELL_BYTES)
                strcat(last->ch, one);
            continue;
        }
        if (col + w > end)
            break;
        if (col < 0) {
            col += w;
            continue;
        }
        last = cell_at(f, row, col);
        memset(last->ch, 0, sizeof last->ch);
        memcpy(last->ch, one, (size_t)k);
        last->attr = (unsigned char)attr;
        if (w == 2) {
            view_cell *half = cell_at(f, row, col + 1);
            memset(half->ch, 0, sizeof half->ch);
            half->attr = (unsigned char)attr;
        }
        col += w;
    }
    return col;
}

/* Width of text as it will be drawn. */
static int shown_width(const canvas *cv, const char *s)
{
    char buf[LINE_BYTES];
    return text_width(shown(cv, s, buf, sizeof buf));
}

/* Paints the attribute over a stretch of a row (and blanks it). */
static void fill_row(const canvas *cv, int row, int col, int end, int attr)
{
    view_frame *f = cv->f;
    if (row < 0 || row >= f->height)
        return;
    for (int c = col < 0 ? 0 : col; c < end && c < f->width; c++) {
        view_cell *x = cell_at(f, row, c);
        memset(x->ch, 0, sizeof x->ch);
        x->ch[0] = ' ';
        x->attr = (unsigned char)attr;
    }
}

/* Puts one box-drawing character, or its ASCII stand-in. */
static void put_box(const canvas *cv, int row, int col, const char *uni, char ascii, int attr)
{
    char a[2] = {ascii, '\0'};
    canvas raw = {cv->f, 0, 0};
    put_text(&raw, row, col, col + 1, cv->ascii ? a : uni, attr);
}

/* A pane's title rule: "── Title ─────". */
static void put_rule(const canvas *cv, int row, const char *title, const char *right)
{
    int w = cv->f->width;
    if (row < 0 || row >= cv->f->height)
        return;
    /* The line itself: one cell made, then copied across the row. */
    view_cell line;
    memset(&line, 0, sizeof line);
    strcpy(line.ch, cv->ascii ? "-" : "─");
    line.attr = VIEW_BORDER;
    for (int c = 0; c < w; c++)
        *cell_at(cv->f, row, c) = line;
    int col = put_text(cv, row, 2, w, " ", VIEW_BORDER);
    col = put_text(cv, row, col, w, title, VIEW_TITLE);
    put_text(cv, row, col, w, " ", VIEW_BORDER);
    if (right) {
        int rw = shown_width(cv, right) + 2;
        if (w - rw - 2 > col + 2) {
            int c = put_text(cv, row, w - rw - 2, w, " ", VIEW_BORDER);
            c = put_text(cv, row, c, w, right, VIEW_NORMAL);
            put_text(cv, row, c, w, " ", VIEW_BORDER);
        }
    }
}

/* 10^-d for d = 0 .. 17. */
static double pow10_neg(int d)
{
    static const double t[] = {1e0,  1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,  1e-8,
                               1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17};
    return t[d];
}

static int number_attr(double v)
{
    if (!isfinite(v))
        return VIEW_WARNING;
    return v < 0 ? VIEW_NEGATIVE : VIEW_POSITIVE;
}

static void fmt_number(double v, int decimals, char *buf, size_t size)
{
    text_number(v, decimals, buf, size);
}

int view_number_width(double v, int decimals)
{
    /* text_number prints "% .*f": a sign or blank, the integer digits, the
     * point and the decimals.  Counted without printing; near a power of
     * ten (where rounding may add a digit), and for the exponent form of
     * long numbers, it asks text_number itself. */
    static const double ten[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11};
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    if (isfinite(v)) {
        double a = fabs(v), slack = 0.6 * pow10_neg(decimals);
        int digits = 1;
        while (digits < 11 && a >= ten[digits])
            digits++;
        int near = a + slack >= ten[digits] || (digits > 1 && a - slack < ten[digits - 1]);
        int n = 1 + digits + (decimals > 0 ? 1 + decimals : 0);
        if (!near && digits < 11 && n <= 12)
            return n;
    }
    char num[NUM_BYTES];
    fmt_number(v, decimals, num, sizeof num);
    return (int)strlen(num);
}

/* ---- the too-small screen ---- */

static void layout_small(const canvas *cv, int real_w, int real_h)
{
    char msg[128];
    snprintf(msg, sizeof msg, "backstep needs at least %d×%d (this terminal is %d×%d)",
             VIEW_MIN_WIDTH, VIEW_MIN_HEIGHT, real_w, real_h);
    int w = shown_width(cv, msg);
    int col = (cv->f->width - w) / 2;
    if (col < 0) {
        /* Two lines when even that does not fit. */
        char first[64], second[64];
        snprintf(first, sizeof first, "backstep needs at least %d×%d", VIEW_MIN_WIDTH,
                 VIEW_MIN_HEIGHT);
        snprintf(second, sizeof second, "(this terminal is %d×%d)", real_w, real_h);
        int r = cv->f->height / 2 - 1;
        int c1 = (cv->f->width - shown_width(cv, first)) / 2;
        int c2 = (cv->f->width - shown_width(cv, second)) / 2;
        put_text(cv, r, c1 < 0 ? 0 : c1, cv->f->width, first, VIEW_WARNING);
        put_text(cv, r + 1, c2 < 0 ? 0 : c2, cv->f->width, second, VIEW_NORMAL);
        return;
    }
    put_text(cv, cv->f->height / 2, col, cv->f->width, msg, VIEW_WARNING);
}

/* ---- header ---- */

static void layout_header(const canvas *cv, const engine *e, const lesson *l,
                          const view_state *st, const engine_step *s)
{
    int w = cv->f->width;
    char line[LINE_BYTES], title[LINE_BYTES], num[NUM_BYTES];
    fill_row(cv, 0, 0, w, VIEW_TITLE);
    text_sanitize(l && l->title ? l->title : "backstep", title, sizeof title);
    const char *mark = st->lab && st->lab->modified ? " [modified]" : "";
    fmt_number(engine_pass_loss(e), st->decimals, num, sizeof num);
    const engine_net *net = engine_network(e);
    char score[32];
    view_quiz_score(st, score, sizeof score);
    /* text_number pads a positive number with a blank for its sign, and
     * leaves "nan" and "inf" bare: here the gap is written out instead. */
    snprintf(line, sizeof line, "%s%sepoch %d  sample %d/%d  loss %s ", score,
             score[0] ? "  " : "", engine_epoch(e), engine_sample(e),
             net ? net->samples : 1, num[0] == ' ' ? num + 1 : num);
    int rw = shown_width(cv, line);
    int col = 1;
    /* The program's name gives way to the lesson's title when short of room. */
    int markw = shown_width(cv, mark);
    if (1 + 11 + shown_width(cv, title) + markw + rw + 2 <= w) {
        col = put_text(cv, 0, col, w, "backstep", VIEW_TITLE);
        col = put_text(cv, 0, col, w, " · ", VIEW_TITLE);
    }
    /* A long title gives way with "…"; the [modified] mark always shows. */
    int room = w - rw - 2 - col - markw;
    if (shown_width(cv, title) > room && room > 1) {
        char buf[LINE_BYTES];
        const char *cut = shown(cv, title, buf, sizeof buf); /* may be title itself */
        size_t n = text_fit(cut, room - shown_width(cv, "…"));
        memmove(title, cut, n);
        memcpy(title + n, "…", sizeof "…");
    }
    col = put_text(cv, 0, col, w - rw - 1 - markw, title, VIEW_TITLE);
    put_text(cv, 0, col, w - rw - 1, mark, VIEW_WARNING);
    put_text(cv, 0, w - rw, w, line, VIEW_TITLE);

    int phase_attr = s->phase == PHASE_FORWARD ? VIEW_FORWARD : VIEW_BACKWARD;
    char tag[32];
    const view_learn *t = &st->learn;
    int shapes = t->expr && t->lesson && t->expr <= t->lesson->n_expressions;
    snprintf(tag, sizeof tag, " %s ", shapes ? "shapes" : engine_phase_name(s->phase));
    for (char *p = tag; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    col = put_text(cv, 1, 0, w, tag, phase_attr);
    if (shapes)
        snprintf(line, sizeof line, " shapes %d/%d · step 1/%d  ", t->expr,
                 t->lesson->n_expressions, engine_step_count(e));
    else
        snprintf(line, sizeof line, " step %d/%d  ", engine_step_index(e) + 1,
                 engine_step_count(e));
    col = put_text(cv, 1, col, w, line, VIEW_TITLE);
    char right[96];
    if (st->autoplay)
        snprintf(right, sizeof right, "▶ %.2gs  %s", st->delay_ms / 1000.0,
                 engine_conv_name(engine_convention(e)));
    else
        snprintf(right, sizeof right, "%s convention", engine_conv_name(engine_convention(e)));
    /* Values that stopped being finite outrank the convention. */
    int right_attr = VIEW_DIM;
    for (int i = 0; i < engine_step_count(e); i++) {
        const engine_step *o = engine_step_at(e, i);
        if (o && o->nonfinite) {
            snprintf(right, sizeof right, "not finite from step %d (%s)", i + 1, o->id);
            right_attr = VIEW_WARNING;
            break;
        }
    }
    rw = shown_width(cv, right);
    const char *caption = shapes ? t->lesson->expressions[t->expr - 1].caption : NULL;
    text_sanitize(shapes ? (caption ? caption : "") : s->title, title, sizeof title);
    for (char *p = title; *p; p++)
        if (*p == '\n')
            *p = ' ';
    room = w - rw - 3 - col;
    if (shown_width(cv, title) > room) {
        char cut[LINE_BYTES];
        shown(cv, title, cut, sizeof cut);
        if (cv->ascii)
            memcpy(title, cut, strlen(cut) + 1);
        size_t n = text_fit(title, room - shown_width(cv, "…"));
        memcpy(title + n, "…", sizeof "…");
    }
    put_text(cv, 1, col, w - rw - 2, title, VIEW_NORMAL);
    put_text(cv, 1, w - rw - 1, w, right, right_attr);
}

/* ---- network diagram ---- */

/* Whether layer l of the diagram has a value to show at step s, and which. */
static const double *diagram_values(const engine *e, const engine_step *s, int l, int layers,
                                    int *dim)
{
    *dim = 0;
    if (s->phase == PHASE_FORWARD || s->kind == STEP_LOSS) {
        int known = s->kind == STEP_LOSS || l < s->layer ||
                    (l == s->layer && s->kind == STEP_ACTIVATION);
        if (!known)
            return NULL;
        return engine_values(e, VALUES_ACTIVATION, l);
    }
    if (l == 0) {
        *dim = 1;
        return engine_values(e, VALUES_ACTIVATION, 0);
    }
    if (s->phase == PHASE_BACKWARD) {
        if (l < s->layer)
            return NULL;
        if (l == s->layer && s->kind == STEP_DELTA)
            return engine_values(e, VALUES_INCOMING, l);
    }
    (void)layers;
    return engine_values(e, VALUES_DELTA, l);
}

static void layer_label(int l, int layers, char *buf, size_t size, int width)
{
    if (l == 0)
        snprintf(buf, size, "input %d", width);
    else if (l == layers)
        snprintf(buf, size, "output %d", width);
    else if (layers > 2)
        snprintf(buf, size, "hidden%d %d", l, width);
    else
        snprintf(buf, size, "hidden %d", width);
}

/* The bus between two layers: every node on the left joins every node on
 * the right through one vertical line. */
static void draw_bus(const canvas *cv, int top, int x0, int x1, const int *lrow, int ln,
                     const int *rrow, int rn, int attr, int backward)
{
    int bx = (x0 + x1) / 2;
    int lo = 1 << 30, hi = -1;
    char left_at[VIEW_MAX_HEIGHT] = {0}, right_at[VIEW_MAX_HEIGHT] = {0};
    for (int i = 0; i < ln; i++) {
        left_at[lrow[i]] = 1;
        lo = lrow[i] < lo ? lrow[i] : lo;
        hi = lrow[i] > hi ? lrow[i] : hi;
        for (int c = x0; c < bx; c++)
            put_box(cv, top + lrow[i], c, "─", '-', attr);
        if (backward)
            put_box(cv, top + lrow[i], x0, "◀", '<', attr);
    }
    for (int i = 0; i < rn; i++) {
        right_at[rrow[i]] = 1;
        lo = rrow[i] < lo ? rrow[i] : lo;
        hi = rrow[i] > hi ? rrow[i] : hi;
        for (int c = bx + 1; c < x1; c++)
            put_box(cv, top + rrow[i], c, "─", '-', attr);
        if (!backward)
            put_box(cv, top + rrow[i], x1 - 1, "▶", '>', attr);
    }
    static const char *const box[16] = {
        " ", "─", "─", "─", "│", "┌", "┐", "┬", "│", "└", "┘", "┴", "│", "├", "┤", "┼",
    };
    for (int r = lo; r <= hi; r++) {
        int idx = (r > lo) << 3 | (r < hi) << 2 | left_at[r] << 1 | right_at[r];
        char a = (idx & 12) && (idx & 3) ? '+' : (idx & 12) ? '|' : '-';
        if (idx == 0)
            a = ' ';
        put_box(cv, top + r, bx, box[idx], a, attr);
    }
}

static void layout_diagram(const canvas *cv, int top, int rows, const engine *e,
                           const engine_step *s, const view_state *st)
{
    const engine_net *net = engine_network(e);
    int w = cv->f->width;
    int layers = net->layers;
    int nodes = rows - 1; /* one row of labels */
    if (nodes < 1)
        return;
    int numw = 2 + st->decimals + 1; /* sign, digit, point, decimals */
    /* Widest value in the pass sets the node width (e.g. %e forms). */
    for (int l = 0; l <= layers; l++) {
        for (int k = 0; k < 3; k++) {
            const double *v = engine_values(e, (engine_values_kind)k, l);
            if (!v)
                continue;
            for (int i = 0; i < net->width[l]; i++) {
                char num[NUM_BYTES];
                fmt_number(v[i], st->decimals, num, sizeof num);
                int nw = text_width(num);
                numw = nw > numw ? nw : numw;
            }
        }
    }
    int nodew = numw + 2;
    int labw = 0;
    for (int l = 0; l <= layers; l++) {
        char lab[32];
        layer_label(l, layers, lab, sizeof lab, net->width[l]);
        int lw = text_width(lab);
        labw = lw > labw ? lw : labw;
    }
    int colw = nodew > labw ? nodew : labw;
    int gap = layers > 0 ? (w - 4 - (layers + 1) * colw) / layers : 0;
    if (gap > 18)
        gap = 18;
    if (gap < 3)
        gap = 3;
    int total = (layers + 1) * colw + layers * gap;
    int left = (w - total) / 2;
    if (left < 1)
        left = 1;

    int lrow[ENGINE_MAX_WIDTH], rrow[ENGINE_MAX_WIDTH], ln = 0, rn = 0;
    for (int l = 0; l <= layers; l++) {
        int x = left + l * (colw + gap);
        if (x + colw > w) {
            put_text(cv, top + rows / 2, w - 2, w, "…", VIEW_DIM);
            break;
        }
        int current = s->layer > 0 && (l == s->layer || (s->phase != PHASE_FORWARD &&
                                                          s->kind == STEP_SEND && l == s->layer - 1));
        int flow = s->phase == PHASE_FORWARD ? VIEW_FORWARD : VIEW_BACKWARD;
        char lab[32];
        layer_label(l, layers, lab, sizeof lab, net->width[l]);
        int lw = text_width(lab);
        put_text(cv, top, x + (colw - lw) / 2, w, lab, current ? flow : VIEW_DIM);

        int n = net->width[l];
        int shown_n = n <= nodes ? n : nodes - 1;
        /* With room to spare the nodes stand a row apart. */
        int gapr = (shown_n + (n > shown_n)) * 2 - 1 <= nodes ? 2 : 1;
        int span = (shown_n + (n > shown_n) - 1) * gapr + 1;
        int off = 1 + (nodes - span) / 2;
        int dim;
        const double *v = diagram_values(e, s, l, layers, &dim);
        if (cv->hide && l == s->layer)
            v = NULL;
        rn = 0;
        int nx = x + (colw - nodew) / 2;
        for (int i = 0; i < shown_n; i++) {
            char num[NUM_BYTES], node[NUM_BYTES + 8];
            if (v) {
                fmt_number(v[i], st->decimals, num, sizeof num);
                snprintf(node, sizeof node, "(%*s%s)", numw - text_width(num), "", num);
            } else {
                snprintf(node, sizeof node, "(%*s·%*s)", numw / 2, "", numw - numw / 2 - 1, "");
            }
            int attr = !v || dim ? VIEW_DIM : current ? flow : VIEW_NORMAL;
            if (v && !isfinite(v[i]))
                attr = VIEW_WARNING;
            put_text(cv, top + off + i * gapr, nx, w, node, attr);
            rrow[rn++] = off + i * gapr;
        }
        if (n > shown_n) {
            char more[32];
            snprintf(more, sizeof more, "⋮ +%d", n - shown_n);
            put_text(cv, top + off + shown_n * gapr, nx + 1, w, more, VIEW_DIM);
            rrow[rn++] = off + shown_n * gapr;
        }
        if (l > 0) {
            int edge = l == s->layer ? (s->phase == PHASE_FORWARD ? VIEW_FORWARD : VIEW_BACKWARD)
                                     : VIEW_BORDER;
            int px = left + (l - 1) * (colw + gap) + (colw - nodew) / 2 + nodew;
            draw_bus(cv, top, px, nx, lrow, ln, rrow, rn, edge, s->phase != PHASE_FORWARD);
        }
        memcpy(lrow, rrow, sizeof(int) * (size_t)rn);
        ln = rn;
    }
}

/* ---- step pane: matrices ---- */

/* One bracketed matrix or vector and the window of it on screen. */
typedef struct {
    const engine_tensor *t;
    int is_result;
    int r0, rn;      /* first row shown, rows shown */
    int c0, cn;      /* first column shown, columns shown */
    int colw[ENGINE_MAX_WIDTH]; /* width of each column's numbers */
    int width;       /* cells the block takes */
    int more_up, more_down, more_left, more_right;
    char label[96];
} block;

static void tensor_label(const engine_tensor *t, char *buf, size_t size)
{
    char name[ENGINE_NAME_SIZE * 2];
    text_sanitize(t->name, name, sizeof name);
    if (t->rank == 0)
        snprintf(buf, size, "%s", name);
    else if (t->rank == 1)
        snprintf(buf, size, "%s  %d", name, t->rows);
    else
        snprintf(buf, size, "%s  %d×%d", name, t->rows, t->cols);
}

/* Picks the window of a block around element `index` (row-major) with at
 * most max_rows rows and max_cols columns, and measures it. */
static void block_fit(const canvas *cv, block *b, int index, int max_rows, int max_cols,
                      int decimals)
{
    const engine_tensor *t = b->t;
    int fr = index >= 0 ? index / t->cols : 0, fc = index >= 0 ? index % t->cols : 0;
    if (max_rows < 1)
        max_rows = 1;
    if (max_cols < 1)
        max_cols = 1;
    b->rn = t->rows;
    b->r0 = 0;
    if (t->rows > max_rows) {
        b->rn = max_rows > 2 ? max_rows - 1 : max_rows; /* a row for the mark */
        b->r0 = fr - b->rn / 2;
        if (b->r0 < 0)
            b->r0 = 0;
        if (b->r0 + b->rn > t->rows)
            b->r0 = t->rows - b->rn;
    }
    b->cn = t->cols;
    b->c0 = 0;
    if (t->cols > max_cols) {
        b->cn = max_cols;
        b->c0 = fc - b->cn / 2;
        if (b->c0 < 0)
            b->c0 = 0;
        if (b->c0 + b->cn > t->cols)
            b->c0 = t->cols - b->cn;
    }
    b->more_up = b->r0 > 0;
    b->more_down = b->r0 + b->rn < t->rows;
    b->more_left = b->c0 > 0;
    b->more_right = b->c0 + b->cn < t->cols;
    int w = 2;
    for (int c = 0; c < b->cn; c++) {
        int cw = 1;
        for (int r = 0; r < t->rows; r++) {
            int nw = view_number_width(t->v[r * t->cols + b->c0 + c], decimals);
            cw = nw > cw ? nw : cw;
        }
        b->colw[c] = cw;
        w += cw + (c > 0);
    }
    int mark = shown_width(cv, "… "); /* "... " in ASCII */
    w += (b->more_left ? mark : 0) + (b->more_right ? mark : 0);
    tensor_label(t, b->label, sizeof b->label);
    int lw = shown_width(cv, b->label);
    b->width = w > lw ? w : lw;
}

/* Rows a block takes on screen, marks included. */
static int block_rows(const block *b)
{
    return b->rn + (b->more_up || b->more_down);
}

static void block_draw(const canvas *cv, const block *b, int top, int x, int decimals,
                       int focus, const engine_use *uses, int n_uses, int op_index, int flow)
{
    const engine_tensor *t = b->t;
    int w = cv->f->width;
    if (cv->hide && b->is_result) {
        /* The quiz asks for the shape: neither label nor brackets tell it. */
        char name[ENGINE_NAME_SIZE * 2 + 8];
        text_sanitize(t->name, name, sizeof name);
        strcat(name, "  ?");
        put_text(cv, top, x, w, name, flow);
        put_text(cv, top + 1, x, w, "[ ? ]", VIEW_FOCUS);
        return;
    }
    put_text(cv, top, x, w, b->label, b->is_result ? flow : VIEW_TITLE);
    int row = top + 1;
    int mat_w = 2;
    for (int c = 0; c < b->cn; c++)
        mat_w += b->colw[c] + (c > 0);
    int mark = shown_width(cv, "… ");
    mat_w += (b->more_left ? mark : 0) + (b->more_right ? mark : 0);
    if (b->more_up) {
        put_text(cv, row, x + mat_w / 2, w, "⋮", VIEW_DIM);
        row++;
    }
    for (int r = 0; r < b->rn; r++, row++) {
        int tr = b->r0 + r;
        const char *lb = "[", *rb = "]";
        if (!cv->ascii && t->rows > 1 && b->rn > 1) {
            lb = r == 0 ? "⎡" : r == b->rn - 1 ? "⎣" : "⎢";
            rb = r == 0 ? "⎤" : r == b->rn - 1 ? "⎦" : "⎥";
        }
        int col = put_text(cv, row, x, w, lb, VIEW_BORDER);
        if (b->more_left)
            col = put_text(cv, row, col, w, "… ", VIEW_DIM);
        for (int c = 0; c < b->cn; c++) {
            int idx = tr * t->cols + b->c0 + c;
            char num[NUM_BYTES];
            fmt_number(t->v[idx], decimals, num, sizeof num);
            if (cv->hide && b->is_result)
                snprintf(num, sizeof num, "?");
            if (c > 0)
                col++;
            col += b->colw[c] - text_width(num);
            int attr = number_attr(t->v[idx]);
            if (b->is_result && idx == focus)
                attr = VIEW_FOCUS;
            for (int u = 0; u < n_uses && !b->is_result; u++)
                if (uses[u].operand == op_index && uses[u].index == idx)
                    attr = VIEW_USED;
            if (!isfinite(t->v[idx]) && attr != VIEW_FOCUS)
                attr = VIEW_WARNING;
            col = put_text(cv, row, col, w, num, attr);
        }
        if (b->more_right)
            col = put_text(cv, row, col, w, " …", VIEW_DIM);
        put_text(cv, row, col, w, rb, VIEW_BORDER);
    }
    if (b->more_down)
        put_text(cv, row, x + mat_w / 2, w, "⋮", VIEW_DIM);
}

/* The focused element's arithmetic, broken before an " = " or " + " when
 * it is wider than the pane and there is a row to spare. */
static void put_arithmetic(const canvas *cv, int row, int rows, const char *arith, int flow)
{
    char buf[LINE_BYTES];
    int w = cv->f->width;
    const char *p = shown(cv, arith, buf, sizeof buf);
    canvas raw = {cv->f, 0, 0};
    int col = put_text(cv, row, 2, w, "▸ ", flow);
    for (int line = 0; line < rows && *p; line++) {
        int room = w - 1 - col;
        if (text_width(p) <= room) {
            put_text(&raw, row + line, col, w - 1, p, VIEW_NORMAL);
            return;
        }
        size_t fit = text_fit(p, room), cut = 0;
        for (size_t i = 1; i + 2 < fit; i++)
            if (p[i] == ' ' && (p[i + 1] == '=' || p[i + 1] == '+') && p[i + 2] == ' ')
                cut = i;
        if (cut == 0 || line == rows - 1) {
            char part[LINE_BYTES];
            size_t n = text_fit(p, room - 1);
            memcpy(part, p, n);
            part[n] = '\0';
            col = put_text(&raw, row + line, col, w, part, VIEW_NORMAL);
            put_text(cv, row + line, col, w, "…", VIEW_DIM);
            return;
        }
        char part[LINE_BYTES];
        memcpy(part, p, cut);
        part[cut] = '\0';
        put_text(&raw, row + line, col, w - 1, part, VIEW_NORMAL);
        p += cut + 1;
        col = 6;
    }
}

/* What stands between the blocks of a step. */
static const char *step_operator(const engine_step *s, int i)
{
    switch (s->kind) {
    /* W is drawn as stored: where the step uses its transpose the
     * operator says so, so (2×3)·(2) is never what the screen shows. */
    case STEP_SUM:
        return i == 0 ? (s->convention == CONV_COLUMNS ? "ᵀ·" : "·") : "+";
    case STEP_DERIVATIVE:
    case STEP_GRADIENT:
        return "⊙";
    case STEP_SEND:
        return s->convention == CONV_ROWS ? "ᵀ·" : "·";
    case STEP_DELTA:
        return "−";
    case STEP_BATCH_MEAN:
        return "/";
    case STEP_UPDATE:
    case STEP_UPDATE_BIAS:
        return i == 0 ? "−" : "·";
    default:
        return " ";
    }
}

static const char *result_operator(const engine_step *s)
{
    switch (s->kind) {
    case STEP_GRAD_COPY:
    case STEP_ACTIVATION:
    case STEP_BIAS_GRAD:
        return "→";
    default:
        return "=";
    }
}

/* Places the blocks of step s (operands, then the result): on one line
 * when they fit, else on two lines when allow_two, else with fewer columns
 * shown.  *split gets the first block of the second line (the block count
 * when there is one line).  Returns the rows the blocks take, labels
 * included. */
static int plan_blocks(const canvas *cv, const engine_step *s, int decimals, int focus,
                       const engine_use *uses, int n_uses, int max_rows, int allow_two,
                       block *blocks, int *split)
{
    int w = cv->f->width;
    int nb = s->n_operands + 1;
    int max_cols = ENGINE_MAX_WIDTH;
    int opw[MAX_BLOCKS] = {0};
    for (int i = 0; i < nb - 1; i++)
        opw[i] = shown_width(cv, i < nb - 2 ? step_operator(s, i) : result_operator(s)) + 4;
    *split = nb;
    for (int pass = 0; pass < 8; pass++) {
        int total = 0;
        for (int i = 0; i < nb; i++) {
            block *b = &blocks[i];
            b->t = i < s->n_operands ? &s->operand[i] : &s->result;
            b->is_result = i == s->n_operands;
            int index = b->is_result ? focus : -1;
            for (int u = 0; u < n_uses && !b->is_result; u++)
                if (uses[u].operand == i) {
                    index = uses[u].index;
                    break;
                }
            block_fit(cv, b, index, max_rows, max_cols, decimals);
            total += b->width + (i < nb - 1 ? opw[i] : 0);
        }
        if (total <= w - 4)
            break;
        if (pass == 0 && allow_two && nb > 1) {
            /* Fill the first line as far as it goes; the rest on the second. */
            int x = 0, k = 0;
            while (k < nb && x + blocks[k].width <= w - 4) {
                x += blocks[k].width + (k < nb - 1 ? opw[k] : 0);
                k++;
            }
            int rest = k > 0 ? opw[k - 1] - 2 : 0;
            for (int i = k; i < nb; i++)
                rest += blocks[i].width + (i < nb - 1 ? opw[i] : 0);
            if (k > 0 && k < nb && rest <= w - 4) {
                *split = k;
                break;
            }
        }
        if (max_cols == 1)
            break;
        /* Too wide: show fewer columns in every matrix. */
        int widest = 1;
        for (int i = 0; i < nb; i++)
            widest = blocks[i].cn > widest ? blocks[i].cn : widest;
        max_cols = widest > 2 ? widest - 1 - (widest > 8) * (widest / 3) : 1;
    }
    int area = 0;
    for (int part = 0; part < 2; part++) {
        int from = part == 0 ? 0 : *split, to = part == 0 ? *split : nb, m = 0;
        if (from >= to)
            break;
        for (int i = from; i < to; i++)
            m = block_rows(&blocks[i]) > m ? block_rows(&blocks[i]) : m;
        area += 1 + m;
    }
    return area;
}

/* Lays out the step pane in `rows` rows: formula, the blocks, the shape
 * equation and the focused element's arithmetic.  Returns rows used. */
static void layout_step(const canvas *cv, int top, int rows, const engine_step *s,
                        const view_state *st)
{
    int w = cv->f->width;
    char line[LINE_BYTES], clean[LINE_BYTES];
    int flow = s->phase == PHASE_FORWARD ? VIEW_FORWARD : VIEW_BACKWARD;
    int nres = s->result.rows * s->result.cols;
    int focus = st->focus < nres ? st->focus : 0;

    text_sanitize(s->formula, clean, sizeof clean);
    put_text(cv, top, 2, w, clean, VIEW_NORMAL);

    engine_use uses[64];
    char arith[LINE_BYTES];
    int n_uses = 0;
    arith[0] = '\0';
    if (nres > 0) {
        n_uses = engine_step_explain(s, focus, st->decimals, arith, sizeof arith, uses, 64);
        if (n_uses > 64)
            n_uses = 64;
    }

    static block blocks[MAX_BLOCKS]; /* the frame is laid out by one caller at a time */
    int nb = s->n_operands + 1, split = nb;
    int room = rows - 4; /* formula, shapes and two rows of arithmetic */
    int area = plan_blocks(cv, s, st->decimals, focus, uses, n_uses, ENGINE_MAX_WIDTH, 1,
                           blocks, &split);
    if (area > room)
        area = plan_blocks(cv, s, st->decimals, focus, uses, n_uses, ENGINE_MAX_WIDTH, 0,
                           blocks, &split);
    if (area > room)
        area = plan_blocks(cv, s, st->decimals, focus, uses, n_uses, room > 2 ? room - 1 : 1,
                           0, blocks, &split);

    int btop = top + 1;
    for (int part = 0; part < 2; part++) {
        int from = part == 0 ? 0 : split, to = part == 0 ? split : nb;
        if (from >= to)
            break;
        int mrows = 0;
        for (int i = from; i < to; i++)
            mrows = block_rows(&blocks[i]) > mrows ? block_rows(&blocks[i]) : mrows;
        int x = 2;
        if (part == 1) {
            /* The second line starts with the operator that joins it. */
            const char *op = from < nb - 1 ? step_operator(s, from - 1) : result_operator(s);
            put_text(cv, btop + 1 + (mrows - 1) / 2, x, w, op, from < nb - 1 ? VIEW_NORMAL : flow);
            x += shown_width(cv, op) + 2;
        }
        for (int i = from; i < to; i++) {
            block *b = &blocks[i];
            if (x + b->width > w) {
                put_text(cv, btop + 1, w - 2, w, "…", VIEW_DIM);
                break;
            }
            block_draw(cv, b, btop, x, st->decimals, focus, uses, n_uses, i, flow);
            x += b->width;
            if (i < to - 1) {
                const char *op = i < nb - 2 ? step_operator(s, i) : result_operator(s);
                put_text(cv, btop + 1 + (mrows - 1) / 2, x + 2, w, op,
                         i < nb - 2 ? VIEW_NORMAL : flow);
                x += shown_width(cv, op) + 4;
            }
        }
        btop += 1 + mrows;
    }

    int row = top + 1 + area;
    char shp[256];
    text_sanitize(s->shapes, shp, sizeof shp);
    char *arrow = strstr(shp, "→");
    if (cv->hide && arrow)
        snprintf(arrow, sizeof shp - (size_t)(arrow - shp), "→ ?");
    snprintf(line, sizeof line, "shapes  %s", shp);
    put_text(cv, row, 2, w, line, VIEW_TITLE);
    if (s->nonfinite)
        put_text(cv, row, 4 + shown_width(cv, line), w,
                 "the result holds inf or nan", VIEW_WARNING);
    row++;
    if (arith[0] && row < top + rows && !cv->hide)
        put_arithmetic(cv, row, top + rows - row, arith, flow);
}

/* Rows the step pane wants at this width: formula, the blocks, shapes and
 * two rows of arithmetic. */
static int step_rows_wanted(const canvas *cv, const engine_step *s, int decimals)
{
    static block blocks[MAX_BLOCKS];
    int split;
    return 4 + plan_blocks(cv, s, decimals, 0, NULL, 0, ENGINE_MAX_WIDTH, 1, blocks, &split);
}

/* Mixes n bytes into a 64-bit FNV-1a hash. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* A hash of everything step_rows_wanted reads from the steps of the pass:
 * kinds, conventions, tensor names, shapes and the bits of every value. */
static uint64_t pass_hash(const engine *e)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int n = engine_step_count(e);
    for (int i = 0; i < n; i++) {
        const engine_step *o = engine_step_at(e, i);
        if (!o)
            continue;
        int head[3] = {(int)o->kind, (int)o->convention, o->n_operands};
        h = hash_bytes(h, head, sizeof head);
        for (int k = 0; k <= o->n_operands; k++) {
            const engine_tensor *t = k < o->n_operands ? &o->operand[k] : &o->result;
            int dims[3] = {t->rank, t->rows, t->cols};
            h = hash_bytes(h, dims, sizeof dims);
            h = hash_bytes(h, t->name, strlen(t->name));
            size_t nv = (size_t)t->rows * (size_t)t->cols;
            for (size_t v = 0; v < nv; v++) {
                uint64_t bits;
                memcpy(&bits, &t->v[v], sizeof bits);
                h = (h ^ bits) * 0x100000001b3ULL;
                h ^= h >> 29;
            }
        }
    }
    return h;
}

/* The most rows any step of the pass wants, so the step pane keeps one
 * height across the pass.  Measuring every step is the costliest part of
 * a frame, so the answer is kept until the pass's contents, the width,
 * the decimals or the ASCII choice change. */
static int pass_rows_wanted(const canvas *cv, const engine *e, int decimals)
{
    static struct {
        int valid, width, ascii, decimals, steps, most;
        uint64_t hash;
    } memo;
    int n = engine_step_count(e);
    uint64_t h = pass_hash(e);
    if (memo.valid && memo.width == cv->f->width && memo.ascii == cv->ascii &&
        memo.decimals == decimals && memo.steps == n && memo.hash == h)
        return memo.most;
    int most = 0;
    for (int i = 0; i < n; i++) {
        const engine_step *o = engine_step_at(e, i);
        int want = o ? step_rows_wanted(cv, o, decimals) : 0;
        most = want > most ? want : most;
    }
    memo.valid = 1;
    memo.width = cv->f->width;
    memo.ascii = cv->ascii;
    memo.decimals = decimals;
    memo.steps = n;
    memo.most = most;
    memo.hash = h;
    return most;
}

/* ---- before and after an update ---- */

/* Scratch for the weights after the update and for −η·G; the frame is laid
 * out by one caller at a time, and nothing is allocated per step. */
static double after_w[ENGINE_MAX_LAYERS][ENGINE_MAX_WIDTH * ENGINE_MAX_WIDTH];
static double after_b[ENGINE_MAX_LAYERS][ENGINE_MAX_WIDTH];
static double change_v[ENGINE_MAX_WIDTH * ENGINE_MAX_WIDTH];

/* How many times the loss after an update was computed (for the tests). */
static long after_computed;

/* The loss of this pass's sample once the updates up to the current step
 * are applied.  Remembered per step, so keys that do not move the step
 * (focus, help, precision) cost nothing. */
static double loss_after(const engine *e)
{
    static struct {
        const engine *e;
        int epoch, sample, index, layers;
        double before, first, value;
        int valid;
    } memo;
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    int index = engine_step_index(e);
    double first = s->result.v ? s->result.v[0] : 0;
    if (memo.valid && memo.e == e && memo.epoch == engine_epoch(e) &&
        memo.sample == engine_sample(e) && memo.index == index && memo.layers == net->layers &&
        memo.before == engine_pass_loss(e) && memo.first == first)
        return memo.value;
    engine_net n = *net; /* shares the samples; updated layers point at the scratch */
    for (int i = 0; i <= index; i++) {
        const engine_step *o = engine_step_at(e, i);
        int l = o ? o->layer : 0;
        if (!o || l < 1 || l > net->layers)
            continue;
        int nin = net->width[l - 1], nout = net->width[l];
        if (o->kind == STEP_UPDATE) {
            for (int a = 0; a < nin; a++)
                for (int b = 0; b < nout; b++)
                    after_w[l - 1][a * nout + b] = o->convention == CONV_COLUMNS
                                                       ? o->result.v[a * nout + b]
                                                       : o->result.v[b * nin + a];
            n.weights[l - 1] = after_w[l - 1];
        } else if (o->kind == STEP_UPDATE_BIAS && net->has_bias) {
            memcpy(after_b[l - 1], o->result.v, sizeof(double) * (size_t)nout);
            n.biases[l - 1] = after_b[l - 1];
        }
    }
    memo.e = e;
    memo.epoch = engine_epoch(e);
    memo.sample = engine_sample(e);
    memo.index = index;
    memo.layers = net->layers;
    memo.before = engine_pass_loss(e);
    memo.first = first;
    memo.value = engine_net_sample_loss(&n, engine_sample(e) - 1);
    memo.valid = 1;
    after_computed++;
    return memo.value;
}

long view_loss_after_count(void)
{
    return after_computed;
}

/* Rows the before-and-after pane wants for step s. */
static int before_after_rows(const engine_step *s)
{
    return 3 + s->result.rows + 1;
}

/* The update side by side: the old values, the change −η·G and the new
 * values, each labelled with its name and shape, and the loss of the same
 * sample before and after.  Returns the rows used. */
static int layout_before_after(const canvas *cv, int top, int rows, const engine *e,
                               const engine_step *s, const view_state *st)
{
    static block bl[3];
    static engine_tensor t[3];
    int w = cv->f->width, n = s->result.rows * s->result.cols;
    if (rows < 4 || s->n_operands < 3)
        return 0;
    double eta = s->operand[1].v[0];
    for (int k = 0; k < n; k++)
        change_v[k] = -(eta * s->operand[2].v[k]);
    t[0] = s->operand[0];
    t[1] = s->result;
    t[2] = s->result;
    char g[ENGINE_NAME_SIZE * 2];
    text_sanitize(s->operand[2].name, g, sizeof g);
    snprintf(t[1].name, sizeof t[1].name, "−η·%.*s", (int)sizeof t[1].name - 8, g);
    t[1].v = change_v;
    static const char *const label_of[3] = {"before ", "change ", "after "};
    const engine_tensor *order[3] = {&t[0], &t[1], &t[2]};
    int nres = n, focus = st->focus < nres ? st->focus : 0;
    engine_use uses[2] = {{0, focus}, {1, focus}};
    int max_rows = rows - 3, max_cols = ENGINE_MAX_WIDTH, total = 0;
    for (int pass = 0; pass < 8; pass++) {
        total = 0;
        for (int i = 0; i < 3; i++) {
            bl[i].t = order[i];
            bl[i].is_result = i == 2;
            block_fit(cv, &bl[i], focus, max_rows, max_cols, st->decimals);
            char lab[sizeof bl[i].label];
            memcpy(lab, bl[i].label, sizeof lab);
            snprintf(bl[i].label, sizeof bl[i].label, "%s%.*s", label_of[i],
                     (int)(sizeof lab - 10), lab);
            int lw = shown_width(cv, bl[i].label);
            bl[i].width = bl[i].width > lw ? bl[i].width : lw;
            total += bl[i].width + (i < 2 ? 5 : 0);
        }
        if (total <= w - 4 || max_cols == 1)
            break;
        max_cols = bl[0].cn > 2 ? bl[0].cn - 1 : 1;
    }
    put_rule(cv, top, "Before and after", NULL);
    int x = 2, mrows = 0;
    for (int i = 0; i < 3; i++)
        mrows = block_rows(&bl[i]) > mrows ? block_rows(&bl[i]) : mrows;
    for (int i = 0; i < 3; i++) {
        if (x + bl[i].width > w)
            break;
        block_draw(cv, &bl[i], top + 1, x, st->decimals, focus, uses, 2, i, VIEW_BACKWARD);
        x += bl[i].width;
        if (i < 2) {
            put_text(cv, top + 2 + (mrows - 1) / 2, x + 2, w, i == 0 ? "+" : "=",
                     i == 0 ? VIEW_NORMAL : VIEW_BACKWARD);
            x += 5;
        }
    }
    double before = engine_pass_loss(e), after = loss_after(e);
    char b[NUM_BYTES], a[NUM_BYTES], d[NUM_BYTES], line[LINE_BYTES];
    fmt_number(before, st->decimals, b, sizeof b);
    fmt_number(after, st->decimals, a, sizeof a);
    fmt_number(after - before, st->decimals, d, sizeof d);
    const char *pb = b[0] == ' ' ? b + 1 : b, *pa = a[0] == ' ' ? a + 1 : a;
    snprintf(line, sizeof line, "loss of sample %d:  before %s  →  after %s  (change %s)",
             engine_sample(e), pb, pa, d[0] == ' ' ? d + 1 : d);
    int row = top + 2 + mrows;
    int col = put_text(cv, row, 2, w, line, VIEW_TITLE);
    const char *verdict = !isfinite(after) ? "" : after < before ? "downhill" : "not lower: η too large?";
    if (col + 2 + shown_width(cv, verdict) <= w)
        put_text(cv, row, col + 2, w, verdict, after < before ? VIEW_DIM : VIEW_WARNING);
    return row + 1 - top;
}

/* ---- narration ---- */

/* Word-wraps text into the rows; blank lines separate paragraphs, single
 * newlines are spaces. */
static void layout_text(const canvas *cv, int top, int rows, int left, int right, const char *text)
{
    char buf[NARRATION_BYTES];
    const char *t = shown(cv, text, buf, sizeof buf);
    int width = right - left;
    int row = top;
    const char *p = t;
    char line[LINE_BYTES];
    size_t len = 0;
    int lw = 0;
    while (row < top + rows) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p == '\n') {
            p++;
            if (*p == '\n' || (len == 0 && lw == 0 && 0)) {
                /* paragraph break */
                if (len) {
                    line[len] = '\0';
                    put_text(cv, row++, left, right, line, VIEW_NORMAL);
                    len = 0;
                    lw = 0;
                }
                while (*p == '\n')
                    p++;
                row++;
            }
            continue;
        }
        const char *q = p;
        while (*q && *q != ' ' && *q != '\n')
            q++;
        char word[LINE_BYTES];
        size_t wl = (size_t)(q - p) < sizeof word - 1 ? (size_t)(q - p) : sizeof word - 1;
        memcpy(word, p, wl);
        word[wl] = '\0';
        int ww = text_width(word);
        if (ww > width) {
            wl = text_fit(word, width);
            word[wl] = '\0';
            ww = text_width(word);
            q = p + wl;
        }
        if (len && lw + 1 + ww > width) {
            line[len] = '\0';
            if (row == top + rows - 1) {
                put_text(cv, row, left, right, line, VIEW_NORMAL);
                put_text(cv, row, right - 1, right + 1, "…", VIEW_DIM);
                return;
            }
            put_text(cv, row++, left, right, line, VIEW_NORMAL);
            len = 0;
            lw = 0;
        }
        if (len + wl + 2 >= sizeof line)
            break;
        if (len) {
            line[len++] = ' ';
            lw++;
        }
        memcpy(line + len, word, wl);
        len += wl;
        lw += ww;
        p = q;
    }
    if (len && row < top + rows) {
        line[len] = '\0';
        put_text(cv, row, left, right, line, VIEW_NORMAL);
    }
}

/* The right edge of running text: lines longer than about 100 columns are
 * hard to read on a projector. */
static int w_text(const canvas *cv)
{
    return cv->f->width - 2 < 102 ? cv->f->width - 2 : 102;
}

static void layout_narration(const canvas *cv, int top, int rows, const engine *e,
                             const lesson *l, int decimals)
{
    static char text[NARRATION_BYTES], raw[NARRATION_BYTES]; /* one caller at a time */
    /* the lesson's note (in its own convention) with live numbers, else the built-in words */
    narrate_text(l, e, engine_step_index(e), decimals, raw, sizeof raw, NULL);
    text_sanitize(raw, text, sizeof text);
    /* Lines longer than about 100 columns are hard to read on a projector. */
    int right = cv->f->width - 2 < 102 ? cv->f->width - 2 : 102;
    layout_text(cv, top, rows, 2, right, text);
}

/* ---- key bar and help ---- */

static void layout_keybar(const canvas *cv, int row, const view_state *st, const engine *e)
{
    char bar[LINE_BYTES];
    int w = cv->f->width;
    fill_row(cv, row, 0, w, VIEW_KEYBAR);
    /* ASCII spellings are wider ("->" for "→"): ask for less until it fits. */
    for (int cols = w - 2; cols > 0; cols -= 2) {
        keys_bar(view_context(st, e), cols, bar, sizeof bar);
        if (shown_width(cv, bar) <= w - 2)
            break;
    }
    put_text(cv, row, 1, w, bar, VIEW_KEYBAR);
}

/* One line of the help overlay: a group's heading, a key's first line, or
 * the wrapped rest of its explanation. */
typedef struct {
    const char *keys;   /* the keys, on an entry's first line; else NULL */
    char text[LINE_BYTES];
    int heading;        /* a group's heading */
} help_line;

enum { HELP_LINES = 160, HELP_PAGE = 10 };

/* Lays the key table out as lines, grouped, explanations wrapped to fit
 * `width` columns after the keys.  Returns the number of lines; *keyw gets
 * the keys' column width and starts[g] the first line of each group. */
static int help_plan(const canvas *cv, int width, help_line *out, int *keyw, int *starts)
{
    size_t n;
    const keys_entry *k = keys_table(&n);
    int kw = 0;
    for (size_t i = 0; i < n; i++) {
        int w = shown_width(cv, k[i].keys);
        kw = w > kw ? w : kw;
    }
    *keyw = kw;
    int tw = width - kw - 2, count = 0;
    if (tw < 10)
        tw = 10;
    for (int g = 0; g < KEYS_GROUP_COUNT; g++) {
        starts[g] = count;
        if (count > 0 && count < HELP_LINES)
            out[count++] = (help_line){NULL, "", 0};
        if (count < HELP_LINES) {
            out[count] = (help_line){NULL, "", 1};
            snprintf(out[count].text, sizeof out[count].text, "%s", keys_group_name(g));
            count++;
        }
        for (size_t i = 0; i < n; i++) {
            if ((int)k[i].group != g)
                continue;
            char buf[LINE_BYTES];
            const char *p = shown(cv, k[i].help, buf, sizeof buf);
            int first = 1;
            while (*p && count < HELP_LINES) {
                size_t fit = strlen(p);
                if (text_width(p) > tw) {
                    fit = text_fit(p, tw);
                    size_t sp = fit;
                    while (sp > 0 && p[sp] != ' ')
                        sp--;
                    if (sp > 0)
                        fit = sp;
                }
                help_line *h = &out[count++];
                h->keys = first ? k[i].keys : NULL;
                h->heading = 0;
                snprintf(h->text, sizeof h->text, "%.*s", (int)fit, p);
                p += fit;
                while (*p == ' ')
                    p++;
                first = 0;
            }
        }
    }
    return count;
}

/* The furthest the help can scroll at the smallest screen. */
static int help_scroll_max(int ascii)
{
    static help_line lines[HELP_LINES];
    canvas cv = {NULL, ascii, 0};
    int keyw, starts[KEYS_GROUP_COUNT];
    int n = help_plan(&cv, VIEW_MIN_WIDTH - 12, lines, &keyw, starts);
    int rows = VIEW_MIN_HEIGHT - 2 - 4;
    return n > rows ? n - rows : 0;
}

/* The help overlay: every key of the table, grouped; two columns when the
 * screen is wide enough, else one column that scrolls. */
static void layout_help(const canvas *cv, int scroll)
{
    static help_line lines[HELP_LINES];
    int w = cv->f->width, h = cv->f->height;
    int two = w >= 160;
    int bw = two ? (w - 8 < 180 ? w - 8 : 180) : (w - 8 < 84 ? w - 8 : 84);
    int inner = bw - 4;
    int colw = two ? (inner - 4) / 2 : inner;
    int keyw, starts[KEYS_GROUP_COUNT];
    int n = help_plan(cv, colw, lines, &keyw, starts);
    int rows_max = h - 2 - 4; /* a row above and below the box, borders, a blank row */
    /* Two columns split at the group boundary nearest the middle. */
    int split = n;
    if (two) {
        int best = n;
        for (int g = 1; g < KEYS_GROUP_COUNT; g++) {
            int at = starts[g];
            int longer = at > n - at ? at : n - at;
            int bl = best > n - best ? best : n - best;
            if (longer < bl)
                best = at;
        }
        split = best;
    }
    int tall = split > n - split ? split : n - split;
    /* Column 2 starts after its group's blank separator. */
    if (two && split < n && lines[split].text[0] == '\0' && !lines[split].heading)
        tall = split > n - split - 1 ? split : n - split - 1;
    int rows = tall < rows_max ? tall : rows_max;
    int max_scroll = tall - rows;
    if (scroll > max_scroll)
        scroll = max_scroll;
    if (scroll < 0)
        scroll = 0;
    int bh = rows + 4;
    int x = (w - bw) / 2, y = (h - bh) / 2;
    if (y < 0)
        y = 0;
    for (int r = 0; r < bh; r++) {
        fill_row(cv, y + r, x, x + bw, VIEW_NORMAL);
        int edge = r == 0 || r == bh - 1;
        for (int c = x; c < x + bw; c++) {
            int corner = (c == x || c == x + bw - 1) && edge;
            if (corner) {
                const char *u = r == 0 ? (c == x ? "┌" : "┐") : (c == x ? "└" : "┘");
                put_box(cv, y + r, c, u, '+', VIEW_BORDER);
            } else if (edge) {
                put_box(cv, y + r, c, "─", '-', VIEW_BORDER);
            } else if (c == x || c == x + bw - 1) {
                put_box(cv, y + r, c, "│", '|', VIEW_BORDER);
            }
        }
    }
    put_text(cv, y, x + 2, x + bw - 1, " Keys ", VIEW_TITLE);
    for (int col = 0; col < (two ? 2 : 1); col++) {
        int from = col == 0 ? 0 : split, to = two && col == 0 ? split : n;
        if (col == 1 && from < n && lines[from].text[0] == '\0' && !lines[from].heading)
            from++;
        int left = x + 2 + col * (colw + 4);
        for (int r = 0; r < rows && from + scroll + r < to; r++) {
            const help_line *hl = &lines[from + scroll + r];
            int row = y + 2 + r;
            if (hl->heading) {
                put_text(cv, row, left, left + colw, hl->text, VIEW_FORWARD);
                continue;
            }
            if (hl->keys)
                put_text(cv, row, left, left + keyw, hl->keys, VIEW_TITLE);
            canvas raw = {cv->f, 0, 0}; /* the text is already as drawn */
            put_text(&raw, row, left + keyw + 2, left + colw, hl->text, VIEW_NORMAL);
        }
    }
    if (scroll > 0)
        put_text(cv, y + 1, x + bw - 4, x + bw - 1, "↑", VIEW_DIM);
    char foot[96];
    if (max_scroll > 0) {
        snprintf(foot, sizeof foot, " lines %d-%d of %d · ↑↓ PgUp PgDn scroll · ? or q closes ",
                 scroll + 1, scroll + rows, tall);
        put_text(cv, y + bh - 2, x + bw - 4, x + bw - 1, scroll < max_scroll ? "↓" : " ",
                 VIEW_DIM);
    } else {
        snprintf(foot, sizeof foot, " ? or q closes this help ");
    }
    int fw = shown_width(cv, foot);
    put_text(cv, y + bh - 1, x + bw - 2 - fw, x + bw - 1, foot, VIEW_DIM);
}

/* ---- the pass pane of wide screens ---- */

enum { PASS_MIN_WIDTH = 140, PASS_MIN_HEIGHT = 40 };

/* Columns the pass pane takes on a screen this size; 0 when it does not show. */
static int pass_width(int w, int h)
{
    if (w < PASS_MIN_WIDTH || h < PASS_MIN_HEIGHT)
        return 0;
    int pw = w / 3;
    return pw > 64 ? 64 : pw;
}

/* Re-lays the rows of a frame laid out `narrow` cells wide into `wide`
 * cells, blanking the new columns on the right; no allocation. */
static void widen(view_frame *f, int wide)
{
    int narrow = f->width;
    for (int r = f->height - 1; r >= 0; r--) {
        memmove(&f->cells[(size_t)r * (size_t)wide], &f->cells[(size_t)r * (size_t)narrow],
                sizeof *f->cells * (size_t)narrow);
        for (int c = narrow; c < wide; c++) {
            view_cell *x = &f->cells[(size_t)r * (size_t)wide + (size_t)c];
            memset(x->ch, 0, sizeof x->ch);
            x->ch[0] = ' ';
            x->attr = VIEW_NORMAL;
        }
    }
    f->width = wide;
}

/* Every step of the pass with its shape equation, the current one marked,
 * in columns left .. width-1, rows top .. bottom-1.  In quiz mode the
 * shapes of steps not answered yet stay hidden. */
static void layout_pass(const canvas *cv, int left, int top, int bottom, const engine *e,
                        const view_state *st)
{
    int w = cv->f->width, n = engine_step_count(e), cur = engine_step_index(e);
    for (int r = top; r < bottom; r++)
        put_box(cv, r, left, "│", '|', VIEW_BORDER);
    char title[32];
    snprintf(title, sizeof title, " Pass · %d steps ", n);
    put_text(cv, top, left + 2, w, title, VIEW_TITLE);
    int rows = bottom - top - 1, first = 0;
    if (n > rows) {
        first = cur - rows / 2;
        first = first < 0 ? 0 : first > n - rows ? n - rows : first;
    }
    const view_learn *q = &st->learn;
    for (int i = first; i < n && i - first < rows; i++) {
        const engine_step *o = engine_step_at(e, i);
        int row = top + 1 + (i - first);
        int attr = i == cur ? VIEW_FOCUS : VIEW_NORMAL;
        char line[LINE_BYTES], shp[128];
        text_sanitize(o->shapes, shp, sizeof shp);
        if (q->quiz_on && i > q->quiz_reached)
            snprintf(shp, sizeof shp, "?");
        snprintf(line, sizeof line, "%2d %-26s", i + 1, o->id);
        if (i == cur)
            fill_row(cv, row, left + 1, w, VIEW_FOCUS);
        int col = put_text(cv, row, left + 2, w, line, i == cur ? VIEW_FOCUS
                                                  : o->phase == PHASE_FORWARD ? VIEW_FORWARD
                                                                                : VIEW_BACKWARD);
        put_text(cv, row, col + 1, w - 1, shp, attr);
    }
    if (first > 0)
        put_text(cv, top, w - 3, w, "↑", VIEW_DIM);
    if (first + rows < n)
        put_text(cv, bottom - 1, w - 3, w, "↓", VIEW_DIM);
}

/* ---- the whole screen ---- */

void view_layout(view_frame *f, int width, int height, const engine *e, const lesson *l,
                 const view_state *st)
{
    f->width = width < VIEW_MAX_WIDTH ? (width > 0 ? width : 1) : VIEW_MAX_WIDTH;
    f->height = height < VIEW_MAX_HEIGHT ? (height > 0 ? height : 1) : VIEW_MAX_HEIGHT;
    canvas cv = {f, st->ascii, 0};
    clear_frame(f);
    f->cursor_row = f->cursor_col = -1;
    if (width < VIEW_MIN_WIDTH || height < VIEW_MIN_HEIGHT) {
        layout_small(&cv, width, height);
        return;
    }
    const engine_step *s = engine_current(e);
    const engine_net *net = engine_network(e);
    if (!s || !net)
        return;
    if (st->lab && view_lab_layout(f, e, st))
        return;
    int h = f->height;
    if (view_learn_layout(f, st->ascii, 2, h - 3, e, st)) {
        layout_header(&cv, e, l, st, s);
        layout_keybar(&cv, h - 1, st, e);
        if (st->help)
            layout_help(&cv, st->help_scroll);
        return;
    }
    cv.hide = view_quiz_hiding(st, e);
    /* Wide and tall screens keep the whole pass in view on the right: the
     * panes are laid out narrower, then the rows are spread to full width. */
    int full = f->width, pass_w = pass_width(f->width, h);
    if (pass_w) {
        f->width = full - pass_w;
        clear_frame(f);
    }

    /* Rows: header 2, three rules, key bar 1; the rest is shared. */
    int avail = h - 6;
    int widest = 1;
    for (int i = 0; i <= net->layers; i++)
        widest = net->width[i] > widest ? net->width[i] : widest;
    int diag = 1 + widest;
    if (h >= 40)
        diag = 1 + 2 * widest - 1; /* nodes a row apart on big screens */
    int step = step_rows_wanted(&cv, s, st->decimals);
    int narr_min = 4;
    if (diag + step + narr_min > avail) {
        int room = avail - narr_min;
        int d_cap = room / 3 > 3 ? room / 3 : 3;
        if (diag > d_cap)
            diag = d_cap;
        if (step > room - diag)
            step = room - diag;
    }
    /* The step pane keeps the same height across the pass, so stepping does
     * not move the panes about. */
    int most = pass_rows_wanted(&cv, e, st->decimals);
    if (most > step && diag + most + narr_min <= avail)
        step = most;
    else if (most > step)
        step = avail - narr_min - diag > step ? avail - narr_min - diag : step;

    /* An update shows its before and after below the step: the step pane
     * gives up its spare rows for it. */
    int update = (s->kind == STEP_UPDATE || s->kind == STEP_UPDATE_BIAS) && !cv.hide &&
                 !st->learn.quiz_on;
    if (update) {
        int own = step_rows_wanted(&cv, s, st->decimals);
        int ba = before_after_rows(s);
        int spare = avail - diag - own - 1;
        if (spare < ba && step > own)
            step = own;
        else if (step > own && spare >= ba)
            step = avail - diag - ba - 1 - 2 > own ? step : own;
    }

    int row = 2;
    char right[64];
    snprintf(right, sizeof right, "%s",
             s->phase == PHASE_FORWARD || s->kind == STEP_LOSS ? "values: activations"
                                                              : "values: δ");
    put_rule(&cv, row++, "Network", right);
    layout_diagram(&cv, row, diag, e, s, st);
    row += diag;
    char sid[48];
    snprintf(sid, sizeof sid, "Step %s", s->id);
    put_rule(&cv, row++, sid, NULL);
    layout_step(&cv, row, step, s, st);
    row += step;
    if (update)
        row += layout_before_after(&cv, row, h - 1 - row, e, s, st);
    if (!view_quiz_layout(f, st->ascii, row, h - 1 - row, st, e) && h - 1 - row >= 2) {
        if (st->intro && l && l->description && engine_step_index(e) == 0) {
            static char about[NARRATION_BYTES];
            text_sanitize(l->description, about, sizeof about);
            put_rule(&cv, row++, "About this lesson", "→ starts");
            layout_text(&cv, row, h - 1 - row, 2, w_text(&cv), about);
        } else {
            put_rule(&cv, row++, "Why", NULL);
            layout_narration(&cv, row, h - 1 - row, e, l, st->decimals);
        }
    }
    if (pass_w) {
        widen(f, full);
        layout_header(&cv, e, l, st, s);
        layout_pass(&cv, full - pass_w, 2, h - 1, e, st);
    } else {
        layout_header(&cv, e, l, st, s);
    }
    layout_keybar(&cv, h - 1, st, e);
    if (st->lab)
        view_lab_overlay(f, st);
    if (st->help)
        layout_help(&cv, st->help_scroll);
}

int view_put(view_frame *f, int ascii, int row, int col, int end, const char *s, int attr)
{
    canvas cv = {f, ascii, 0};
    return put_text(&cv, row, col, end, s, attr);
}

int view_prompt(view_frame *f, int ascii, int text_ascii, int row, int col, int end,
                const prompt *p, int attr)
{
    int c = view_put(f, ascii, row, col, end, p->caption, attr);
    int room = end - c;
    f->cursor_row = row;
    if (room < 1) {
        f->cursor_col = end - 1;
        return end;
    }
    /* Scroll the text so the cursor stays inside the field: drop whole
     * characters from the start until what precedes the cursor fits. */
    char before[PROMPT_TEXT_BYTES];
    size_t start = 0, cursor = p->cursor <= p->len ? p->cursor : p->len;
    int wid;
    for (;;) {
        memcpy(before, p->text + start, cursor - start);
        before[cursor - start] = '\0';
        wid = view_width(text_ascii, before);
        if (wid < room || start >= cursor)
            break;
        start++;
        while (start < cursor && ((unsigned char)p->text[start] & 0xC0) == 0x80)
            start++;
    }
    view_put(f, text_ascii, row, c, end, p->text + start, VIEW_NORMAL);
    f->cursor_col = c + wid < end ? c + wid : end - 1;
    return c;
}

void view_fill(view_frame *f, int row, int col, int end, int attr)
{
    canvas cv = {f, 0, 0};
    fill_row(&cv, row, col, end, attr);
}

void view_rule(view_frame *f, int ascii, int row, const char *title, const char *right)
{
    canvas cv = {f, ascii, 0};
    put_rule(&cv, row, title, right);
}

void view_wrap(view_frame *f, int ascii, int top, int rows, int left, int right,
               const char *text)
{
    canvas cv = {f, ascii, 0};
    layout_text(&cv, top, rows, left, right, text);
}

int view_width(int ascii, const char *s)
{
    canvas cv = {NULL, ascii, 0};
    return shown_width(&cv, s);
}

/* ---- keys ---- */

static int result_size(const engine *e)
{
    const engine_step *s = engine_current(e);
    return s ? s->result.rows * s->result.cols : 0;
}

int view_apply(view_state *st, engine *e, keys_action a)
{
    if (st->help) {
        /* The overlay takes the arrows and the page keys to scroll. */
        int most = help_scroll_max(st->ascii);
        int by = a == KEYS_FOCUS_NEXT ? 1 : a == KEYS_FOCUS_PREV ? -1
                 : a == KEYS_PAGE_DOWN ? HELP_PAGE : a == KEYS_PAGE_UP ? -HELP_PAGE : 0;
        if (by) {
            st->help_scroll += by;
            st->help_scroll = st->help_scroll > most ? most : st->help_scroll;
            st->help_scroll = st->help_scroll < 0 ? 0 : st->help_scroll;
            return 0;
        }
    }
    /* The lesson's description gives way to the step's narration once the
     * user moves. */
    if (a != KEYS_HELP && a != KEYS_PRECISION && a != KEYS_CONVENTION && a != KEYS_NONE &&
        !st->learn.expr)
        st->intro = 0;
    if (view_learn_apply(st, e, a))
        return 0;
    const engine_step *s = engine_current(e);
    int before = result_size(e);
    int n = engine_step_count(e);
    int idx = engine_step_index(e);
    switch (a) {
    case KEYS_NEXT:
        engine_next(e);
        break;
    case KEYS_PREV:
        engine_prev(e);
        break;
    case KEYS_FIRST:
        engine_goto(e, 0);
        break;
    case KEYS_LAST:
        engine_goto(e, n - 1);
        break;
    case KEYS_PHASE_NEXT: {
        int i = idx;
        while (i < n && engine_step_at(e, i)->phase == s->phase)
            i++;
        if (i < n) {
            engine_goto(e, i);
        } else {
            engine_goto(e, n - 1);
            engine_next(e);
        }
        break;
    }
    case KEYS_PHASE_PREV: {
        int i = idx;
        engine_phase p = s->phase;
        while (i > 0 && engine_step_at(e, i - 1)->phase == p)
            i--;
        if (i > 0) {
            p = engine_step_at(e, i - 1)->phase;
            while (i > 0 && engine_step_at(e, i - 1)->phase == p)
                i--;
        }
        engine_goto(e, i);
        break;
    }
    case KEYS_FOCUS_NEXT:
        if (st->focus + 1 < before)
            st->focus++;
        return 0;
    case KEYS_FOCUS_PREV:
        if (st->focus > 0)
            st->focus--;
        return 0;
    case KEYS_CONVENTION: {
        int r = s->result.rows, c = s->result.cols;
        int fr = st->focus / c, fc = st->focus % c;
        engine_set_convention(e, engine_convention(e) == CONV_COLUMNS ? CONV_ROWS : CONV_COLUMNS);
        const engine_step *t = engine_current(e);
        /* The focused element stays the same number, now transposed. */
        if (t && t->result.rows == c && t->result.cols == r && r > 1 && c > 1)
            st->focus = fc * r + fr;
        return 0;
    }
    case KEYS_AUTOPLAY:
        st->autoplay = !st->autoplay;
        return 0;
    case KEYS_FASTER:
        if (st->delay_ms > 125)
            st->delay_ms /= 2;
        return 0;
    case KEYS_SLOWER:
        if (st->delay_ms < 8000)
            st->delay_ms *= 2;
        return 0;
    case KEYS_RESET:
        engine_reset(e);
        st->focus = 0;
        st->autoplay = 0;
        view_quiz_sync(st, e);
        return 0;
    case KEYS_SAMPLE:
        engine_next_sample(e);
        break;
    case KEYS_PRECISION:
        st->decimals = st->decimals >= 6 ? 2 : st->decimals + 2;
        return 0;
    case KEYS_HELP:
        st->help = !st->help;
        st->help_scroll = 0;
        return 0;
    case KEYS_QUIZ_END:
        /* Esc inside a quiz ends the quiz, never backstep. */
        if (!st->help && st->learn.quiz_on) {
            view_quiz_toggle(st, e);
            return 0;
        }
        /* fall through */
    case KEYS_QUIT:
        if (st->help) {
            st->help = 0;
            return 0;
        }
        return 1;
    default:
        return 0;
    }
    /* The step moved: keep the focus when the result has the same size
     * (the two beats of a gradient), else start at its first element. */
    if (result_size(e) != before || st->focus >= result_size(e))
        st->focus = 0;
    view_quiz_sync(st, e);
    return 0;
}

unsigned view_context(const view_state *st, const engine *e)
{
    unsigned c = 0;
    if (result_size(e) > 1)
        c |= KEYS_WHEN_FOCUS;
    if (st->autoplay)
        c |= KEYS_WHEN_AUTOPLAY;
    if (st->help)
        c |= KEYS_WHEN_HELP;
    const view_learn *q = &st->learn;
    if (q->quiz_on && q->input.open && !q->expr && q->tool == VIEW_LEARN_NONE &&
        q->quiz_step == engine_step_index(e))
        c |= KEYS_WHEN_QUIZ;
    return c;
}

/* ---- reading a frame back ---- */

size_t view_row_text(const view_frame *f, int row, char *buf, size_t size)
{
    size_t len = 0, keep = 0;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (row < 0 || row >= f->height)
        return 0;
    for (int c = 0; c < f->width; c++) {
        const view_cell *x = &f->cells[(size_t)row * (size_t)f->width + (size_t)c];
        size_t n = strlen(x->ch);
        if (len + n + 1 > size)
            break;
        memcpy(buf + len, x->ch, n);
        len += n;
        if (!(n == 1 && x->ch[0] == ' ') && n > 0)
            keep = len;
    }
    buf[keep] = '\0';
    return keep;
}

int view_find(const view_frame *f, const char *text, int *row)
{
    char line[VIEW_MAX_WIDTH * VIEW_CELL_BYTES];
    for (int r = 0; r < f->height; r++) {
        view_row_text(f, r, line, sizeof line);
        const char *hit = strstr(line, text);
        if (!hit)
            continue;
        /* Count the cells before the hit. */
        int col = 0;
        size_t at = (size_t)(hit - line), len = 0;
        while (col < f->width && len < at) {
            len += strlen(f->cells[(size_t)r * (size_t)f->width + (size_t)col].ch);
            col++;
        }
        if (row)
            *row = r;
        return col;
    }
    return -1;
}
