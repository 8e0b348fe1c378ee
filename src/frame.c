/* frame.c - cells, text, rules, prompts and numbers: the drawing every mode
 * shares.  No allocation after frame_new. */
#include "frame.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

enum { LINE_BYTES = 1024 };

frame *frame_new(void)
{
    frame *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->cells = calloc((size_t)FRAME_MAX_WIDTH * FRAME_MAX_HEIGHT, sizeof *f->cells);
    f->blank = calloc(FRAME_MAX_WIDTH, sizeof *f->blank);
    if (!f->cells || !f->blank) {
        frame_free(f);
        return NULL;
    }
    /* Every byte of a blank cell is set, the NUL padding too, so that
     * drawing can compare whole rows with memcmp. */
    for (int c = 0; c < FRAME_MAX_WIDTH; c++)
        f->blank[c].ch[0] = ' ';
    f->cursor_row = f->cursor_col = -1;
    return f;
}

void frame_free(frame *f)
{
    if (!f)
        return;
    free(f->cells);
    free(f->blank);
    free(f);
}

frame_cell *frame_at(frame *f, int row, int col)
{
    return &f->cells[(size_t)row * (size_t)f->width + (size_t)col];
}

void frame_clear_rows(frame *f, int top, int rows)
{
    size_t w = (size_t)f->width;
    for (int r = top < 0 ? 0 : top; r < top + rows && r < f->height; r++)
        memcpy(&f->cells[(size_t)r * w], f->blank, w * sizeof *f->blank);
}

void frame_begin(frame *f, int width, int height, int ascii)
{
    f->width = width < FRAME_MAX_WIDTH ? (width > 0 ? width : 1) : FRAME_MAX_WIDTH;
    f->height = height < FRAME_MAX_HEIGHT ? (height > 0 ? height : 1) : FRAME_MAX_HEIGHT;
    f->cols = f->width;
    f->ascii = ascii;
    f->cursor_row = f->cursor_col = -1;
    f->pane = (frame_pane){0, 0, 0};
    frame_clear_rows(f, 0, f->height);
}

const char *frame_shown(const frame *f, const char *s, char *buf, size_t size)
{
    if (!f->ascii)
        return s;
    text_ascii(s, buf, size);
    return buf;
}

const char *frame_sep(const frame *f)
{
    return f->ascii ? "-" : "·";
}

int frame_width(const frame *f, const char *s)
{
    char buf[LINE_BYTES];
    return text_width(frame_shown(f, s, buf, sizeof buf));
}

int frame_put_raw(frame *f, int row, int col, int end, const char *s, int attr)
{
    if (row < 0 || row >= f->height)
        return col;
    if (end > f->cols)
        end = f->cols;
    frame_cell *last = NULL;
    while (*s && col < end) {
        char one[8];
        uint32_t cp;
        int k = utf8_decode(s, strlen(s), &cp);
        if (k == 0) {
            memcpy(one, UTF8_REPLACEMENT, sizeof UTF8_REPLACEMENT);
            s++;
        } else {
            memcpy(one, s, (size_t)k);
            one[k] = '\0';
            s += k;
        }
        if (one[0] == '\n' || one[0] == '\t')
            one[0] = ' ';
        /* Printable ASCII is one column; only the rest is looked up. */
        unsigned char c0 = (unsigned char)one[0];
        int w = c0 >= 0x20 && c0 < 0x7F ? 1 : text_width(one);
        if (w <= 0) {
            if (last && strlen(last->ch) + strlen(one) < FRAME_CELL_BYTES)
                strcat(last->ch, one);
            continue;
        }
        if (col + w > end)
            break;
        if (col < 0) {
            col += w;
            continue;
        }
        last = frame_at(f, row, col);
        memset(last->ch, 0, sizeof last->ch);
        memcpy(last->ch, one, strlen(one));
        last->attr = (unsigned char)attr;
        if (w == 2) {
            frame_cell *half = frame_at(f, row, col + 1);
            memset(half->ch, 0, sizeof half->ch);
            half->attr = (unsigned char)attr;
        }
        col += w;
    }
    return col;
}

int frame_put(frame *f, int row, int col, int end, const char *s, int attr)
{
    char buf[LINE_BYTES];
    if (row < 0 || row >= f->height)
        return col;
    return frame_put_raw(f, row, col, end, frame_shown(f, s, buf, sizeof buf), attr);
}

void frame_fill(frame *f, int row, int col, int end, int attr)
{
    if (row < 0 || row >= f->height)
        return;
    for (int c = col < 0 ? 0 : col; c < end && c < f->cols; c++) {
        frame_cell *x = frame_at(f, row, c);
        *x = f->blank[0];
        x->attr = (unsigned char)attr;
    }
}

void frame_box(frame *f, int row, int col, const char *uni, char ascii, int attr)
{
    char a[2] = {ascii, '\0'};
    frame_put_raw(f, row, col, col + 1, f->ascii ? a : uni, attr);
}

void frame_rule(frame *f, int row, const char *title, const char *right)
{
    int w = f->cols;
    if (row < 0 || row >= f->height)
        return;
    /* The line itself: one cell made, then copied across the row. */
    frame_cell line;
    memset(&line, 0, sizeof line);
    strcpy(line.ch, f->ascii ? "-" : "─");
    line.attr = FRAME_BORDER;
    for (int c = 0; c < w; c++)
        *frame_at(f, row, c) = line;
    int col = frame_put(f, row, 2, w, " ", FRAME_BORDER);
    col = frame_put(f, row, col, w, title, FRAME_TITLE);
    frame_put(f, row, col, w, " ", FRAME_BORDER);
    if (right) {
        int rw = frame_width(f, right) + 2;
        if (w - rw - 2 > col + 2) {
            int c = frame_put(f, row, w - rw - 2, w, " ", FRAME_BORDER);
            c = frame_put(f, row, c, w, right, FRAME_NORMAL);
            frame_put(f, row, c, w, " ", FRAME_BORDER);
        }
    }
}

/* Running text broken into lines one at a time: blank lines separate
 * paragraphs (a blank row between them), single newlines are spaces, a
 * word wider than the width is split. */
typedef struct {
    const char *p; /* what is left, as drawn */
    int width;
    int blank;     /* a blank row is due before the next line */
} wrapper;

/* The next line into line (UTF-8, as drawn); 0 when the text is done. */
static int wrap_next(wrapper *w, char *line, size_t size)
{
    size_t len = 0;
    int lw = 0;
    line[0] = '\0';
    for (;;) {
        while (*w->p == ' ')
            w->p++;
        if (*w->p == '\0')
            return len > 0;
        if (*w->p == '\n') {
            const char *q = w->p + 1;
            while (*q == ' ')
                q++;
            if (*q != '\n') {
                w->p = q; /* a single newline is a space */
                continue;
            }
            while (*q == '\n' || *q == ' ')
                q++;
            w->p = q;
            if (*q == '\0')
                return len > 0;
            if (len > 0) {
                w->blank = 1;
                return 1;
            }
            continue;
        }
        if (w->blank) {
            w->blank = 0;
            return 1; /* the blank row between paragraphs */
        }
        const char *q = w->p;
        while (*q && *q != ' ' && *q != '\n')
            q++;
        char word[LINE_BYTES];
        size_t wl = (size_t)(q - w->p) < sizeof word - 1 ? (size_t)(q - w->p) : sizeof word - 1;
        memcpy(word, w->p, wl);
        word[wl] = '\0';
        int ww = text_width(word);
        if (ww > w->width) {
            if (len)
                return 1; /* the long word starts a line of its own */
            wl = text_fit(word, w->width);
            if (wl == 0)
                wl = 1;
            word[wl] = '\0';
            ww = text_width(word);
            q = w->p + wl;
        }
        if (len && lw + 1 + ww > w->width)
            return 1;
        if (len + wl + 2 >= size)
            return 1;
        if (len) {
            line[len++] = ' ';
            lw++;
        }
        memcpy(line + len, word, wl);
        len += wl;
        lw += ww;
        line[len] = '\0';
        w->p = q;
    }
}

int frame_wrap_lines(const frame *f, int width, const char *text)
{
    char buf[FRAME_TEXT_BYTES], line[LINE_BYTES];
    wrapper w = {frame_shown(f, text, buf, sizeof buf), width > 0 ? width : 1, 0};
    int n = 0;
    while (wrap_next(&w, line, sizeof line))
        n++;
    return n;
}

int frame_wrap_from(frame *f, int top, int rows, int left, int right, const char *text,
                    int first)
{
    char buf[FRAME_TEXT_BYTES], line[LINE_BYTES];
    wrapper w = {frame_shown(f, text, buf, sizeof buf), right - left > 0 ? right - left : 1, 0};
    int n = 0;
    while (wrap_next(&w, line, sizeof line)) {
        if (n >= first && n < first + rows)
            frame_put_raw(f, top + n - first, left, right, line, FRAME_NORMAL);
        n++;
    }
    return n;
}

void frame_wrap(frame *f, int top, int rows, int left, int right, const char *text)
{
    if (rows < 1)
        return;
    int n = frame_wrap_from(f, top, rows, left, right, text, 0);
    if (n > rows) {
        /* The last row ends in "…" over whatever stood there. */
        int row = top + rows - 1, end = right;
        while (end > left && frame_at(f, row, end - 1)->ch[0] == ' ')
            end--;
        int col = end + 1 < right ? end + 1 : right - 1;
        frame_put(f, row, col, right + 1, "…", FRAME_DIM);
    }
}

int frame_prompt(frame *f, int row, int col, int end, const prompt *p, int attr,
                 int raw_text)
{
    int c = frame_put(f, row, col, end, p->caption, attr);
    int room = end - c;
    f->cursor_row = row;
    if (room < 1) {
        f->cursor_col = end - 1;
        return end;
    }
    /* Scroll the text so the cursor stays inside the field: drop whole
     * characters from the start until what precedes the cursor fits. */
    char before[PROMPT_TEXT_BYTES], buf[PROMPT_TEXT_BYTES * 2];
    size_t start = 0, cursor = p->cursor <= p->len ? p->cursor : p->len;
    int wid;
    for (;;) {
        memcpy(before, p->text + start, cursor - start);
        before[cursor - start] = '\0';
        wid = text_width(raw_text ? before : frame_shown(f, before, buf, sizeof buf));
        if (wid < room || start >= cursor)
            break;
        start++;
        while (start < cursor && utf8_is_cont((unsigned char)p->text[start]))
            start++;
    }
    if (raw_text)
        frame_put_raw(f, row, c, end, p->text + start, FRAME_NORMAL);
    else
        frame_put(f, row, c, end, p->text + start, FRAME_NORMAL);
    f->cursor_col = c + wid < end ? c + wid : end - 1;
    return c;
}

void frame_too_small(frame *f, int real_w, int real_h)
{
    char msg[128];
    snprintf(msg, sizeof msg, "backstep needs at least %d×%d (this terminal is %d×%d)",
             FRAME_MIN_WIDTH, FRAME_MIN_HEIGHT, real_w, real_h);
    int w = frame_width(f, msg);
    int col = (f->width - w) / 2;
    if (col < 0) {
        /* Two lines when even that does not fit. */
        char first[64], second[64];
        snprintf(first, sizeof first, "backstep needs at least %d×%d", FRAME_MIN_WIDTH,
                 FRAME_MIN_HEIGHT);
        snprintf(second, sizeof second, "(this terminal is %d×%d)", real_w, real_h);
        int r = f->height / 2 - 1;
        int c1 = (f->width - frame_width(f, first)) / 2;
        int c2 = (f->width - frame_width(f, second)) / 2;
        frame_put(f, r, c1 < 0 ? 0 : c1, f->width, first, FRAME_WARNING);
        frame_put(f, r + 1, c2 < 0 ? 0 : c2, f->width, second, FRAME_NORMAL);
        return;
    }
    frame_put(f, f->height / 2, col, f->width, msg, FRAME_WARNING);
}

/* ---- numbers ---- */

void frame_number(double v, int decimals, char *buf, size_t size)
{
    text_number(v, decimals, buf, size);
}

void frame_number_bare(double v, int decimals, char *buf, size_t size)
{
    char num[FRAME_NUM_BYTES];
    text_number(v, decimals, num, sizeof num);
    snprintf(buf, size, "%s", num[0] == ' ' ? num + 1 : num);
}

int frame_number_attr(double v)
{
    if (!isfinite(v))
        return FRAME_WARNING;
    return v < 0 ? FRAME_NEGATIVE : FRAME_POSITIVE;
}

int frame_number_width(double v, int decimals)
{
    /* text_number prints "% .*f": a sign or blank, the integer digits, the
     * point and the decimals.  Counted without printing; near a power of
     * ten (where rounding may add a digit), and for the exponent form of
     * long numbers, it asks text_number itself. */
    static const double ten[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11};
    static const double tenth[] = {1e0,  1e-1,  1e-2,  1e-3,  1e-4,  1e-5,
                                   1e-6, 1e-7,  1e-8,  1e-9,  1e-10, 1e-11,
                                   1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17};
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    if (isfinite(v)) {
        double a = fabs(v), slack = 0.6 * tenth[decimals];
        int digits = 1;
        while (digits < 11 && a >= ten[digits])
            digits++;
        int near = a + slack >= ten[digits] || (digits > 1 && a - slack < ten[digits - 1]);
        int n = 1 + digits + (decimals > 0 ? 1 + decimals : 0);
        if (!near && digits < 11 && n <= 12)
            return n;
    }
    char num[FRAME_NUM_BYTES];
    frame_number(v, decimals, num, sizeof num);
    return (int)strlen(num);
}

int frame_column_width(const double *v, int n, size_t stride, int decimals)
{
    /* A number below 9 in size (rounding cannot carry it to 10) prints as
     * a blank or minus, one digit and the decimals; when the largest size
     * in the column is below 9, that is the column's width, known without
     * printing anything.  The sizes are compared as the bits of |v|, which
     * order like the numbers (NaN above infinity, so it goes the long
     * way).  Otherwise each number is counted, and only the few near a
     * power of ten are printed. */
    int d = decimals < 0 ? 0 : decimals > 17 ? 17 : decimals;
    int small = 2 + (d > 0 ? 1 + d : 0);
    const double nine = 9.0;
    uint64_t most = 0, limit;
    memcpy(&limit, &nine, sizeof limit);
    const double *p = v, *end = v + (size_t)n * stride;
    for (; p < end; p += stride) {
        uint64_t u;
        memcpy(&u, p, sizeof u);
        u &= ~(UINT64_C(1) << 63);
        most = u > most ? u : most;
    }
    if (most < limit && small <= 12) /* longer prints in the exponent form */
        return n > 0 ? small : 0;
    int w = 0;
    for (int k = 0; k < n; k++) {
        int x = frame_number_width(v[(size_t)k * stride], decimals);
        w = x > w ? x : w;
    }
    return w;
}

/* ---- reading a frame back ---- */

/* Whether the first f->cols cells of row hold nothing but blanks. */
static int row_blank(const frame *f, int row)
{
    if (row < 0 || row >= f->height)
        return 0;
    for (int col = 0; col < f->cols && col < f->width; col++)
        if (strcmp(f->cells[(size_t)row * (size_t)f->width + (size_t)col].ch, " ") != 0)
            return 0;
    return 1;
}

int frame_blank_above(const frame *f, int top, int want)
{
    int n = 0;
    while (n < want && top - n > 2 && row_blank(f, top - n - 1) && row_blank(f, top - n - 2))
        n++;
    return n;
}

size_t frame_row_text(const frame *f, int row, char *buf, size_t size)
{
    size_t len = 0, keep = 0;
    if (size == 0)
        return 0;
    buf[0] = '\0';
    if (row < 0 || row >= f->height)
        return 0;
    for (int c = 0; c < f->width; c++) {
        const frame_cell *x = &f->cells[(size_t)row * (size_t)f->width + (size_t)c];
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

int frame_find(const frame *f, const char *text, int *row)
{
    char line[FRAME_MAX_WIDTH * FRAME_CELL_BYTES];
    for (int r = 0; r < f->height; r++) {
        frame_row_text(f, r, line, sizeof line);
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
