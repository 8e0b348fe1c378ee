/* shape_render.c - a check's result laid out as rows: the derivation with
 * its shapes aligned, the readings taken, the expression with its marks,
 * the reasons and the verdict; and --shape, which prints them. */
#include "shape_impl.h"
#include "text.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ rendering */

/* A growing list of rows. */
typedef struct {
    shape_rows *out;
    int cap;
    int failed;
} row_list;

/* Adds a row of text (UTF-8; turned into ASCII when ascii).  The rows and
 * their texts belong to rl->out, which shape_rows_free frees; the analyzer
 * loses track of them once they are stored through rl->out and calls them
 * leaked. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
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
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

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
    size_t n = shape_bounded_len(expr, SCAN_BYTES);
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
        } else if (shape_known_symbol(cp)) {
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
    size_t bytes = shape_bounded_len(expr, SCAN_BYTES);
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
            shape_screen_shape(ln->rows, ln->cols, ln->scalar, right, sizeof right);
            add_pair(&rl, SHAPE_ROW_STEP, 1, ln->text, right, pad, ascii);
            continue;
        }
        snprintf(right, sizeof right, "does not fit: %s", ln->note);
        add_pair(&rl, SHAPE_ROW_STEP, 0, ln->text, right, pad, ascii);
        if (ln->reached) {
            char left[SHAPE_READING_SIZE + 16];
            snprintf(left, sizeof left, "  read as %s", ln->reading);
            shape_screen_shape(ln->rows, ln->cols, ln->scalar, right, sizeof right);
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
    shape_trim_utf8(v);
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
