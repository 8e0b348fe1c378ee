/* print.c - the headless outputs of backstep: the walkthrough handout (text,
 * Markdown), the JSON trace, --train and --gradcheck.
 *
 * Everything that came from a lesson or names a tensor goes through
 * text_sanitize, then text_ascii in ASCII mode, before it is written. */
#include "print.h"
#include "shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "narrate.h"
#include "ops.h"
#include "text.h"

static const char *const format_names[PRINT_FORMAT_COUNT] = {"text", "markdown", "json"};

const char *print_format_name(print_format f)
{
    return (f >= 0 && f < PRINT_FORMAT_COUNT) ? format_names[f] : "?";
}

int print_format_parse(const char *name)
{
    for (int f = 0; f < PRINT_FORMAT_COUNT; f++)
        if (name && strcmp(name, format_names[f]) == 0)
            return f;
    return -1;
}

/* Where output goes, and a scratch buffer for cleaned strings. */
typedef struct {
    FILE *out;
    int ascii;
    int md;
    int decimals;
    char *buf, *buf2; /* sanitised, then folded to ASCII */
    size_t cap;
    engine_chain *chain; /* scratch for the chain rule of one element */
} printer;

/* Makes s safe (and ASCII when asked).  The result lives until the next
 * call; NULL only when out of memory. */
static const char *clean(printer *p, const char *s)
{
    if (!s)
        s = "";
    /* Sanitising grows a byte to at most 3 (U+FFFD) and a C1 character of
     * 2 bytes to 8; folding grows a character of 2+ bytes to at most 5. */
    size_t need = strlen(s) * 4 + 1;
    if (need > p->cap) {
        char *a = realloc(p->buf, need), *b;
        if (!a)
            return NULL;
        p->buf = a;
        b = realloc(p->buf2, need);
        if (!b)
            return NULL;
        p->buf2 = b;
        p->cap = need;
    }
    text_sanitize(s, p->buf, p->cap);
    if (!p->ascii)
        return p->buf;
    text_ascii(p->buf, p->buf2, p->cap);
    return p->buf2;
}

/* Writes s cleaned; returns -1 when out of memory. */
static int put_clean(printer *p, const char *s)
{
    const char *c = clean(p, s);
    if (!c)
        return -1;
    fputs(c, p->out);
    return 0;
}

static void printer_free(printer *p)
{
    free(p->buf);
    free(p->buf2);
    free(p->chain);
}

static const char *times(const printer *p)
{
    return p->ascii ? "x" : "×";
}

static void shape_text(const printer *p, const engine_tensor *t, char *buf, size_t size)
{
    if (t->rank == 2)
        snprintf(buf, size, "%d%s%d", t->rows, times(p), t->cols);
    else if (t->rank == 1)
        snprintf(buf, size, "(%d)", t->rows * t->cols);
    else
        snprintf(buf, size, "scalar");
}

static int print_header(printer *p, const lesson *l, engine_conv conv)
{
    const engine_net *net = &l->net;
    const char *title = clean(p, l->title);
    if (!title)
        return -1;
    if (p->md)
        fprintf(p->out, "# %s\n\n", title);
    else {
        fprintf(p->out, "%s\n", title);
        for (int i = text_width(title); i > 0; i--)
            fputc('=', p->out);
        fputs("\n\n", p->out);
    }
    if (l->description && *l->description) {
        if (put_clean(p, l->description) < 0)
            return -1;
        size_t len = strlen(l->description);
        fputs(len && l->description[len - 1] == '\n' ? "\n" : "\n\n", p->out);
    }
    fputs(p->md ? "- Network: " : "Network:     ", p->out);
    for (int i = 0; i <= net->layers; i++)
        fprintf(p->out, "%s%d", i ? "-" : "", net->width[i]);
    fputs(" (", p->out);
    for (int i = 0; i < net->layers; i++)
        fprintf(p->out, "%s%s", i ? ", " : "", engine_act_name(net->act[i]));
    fprintf(p->out, "), %s loss, %s biases\n", engine_loss_name(net->loss),
            !net->has_bias ? "no" : net->train_bias ? "trained" : "frozen");
    fprintf(p->out, "%s%s convention, %s mode, learning rate %g, %d sample%s\n",
            p->md ? "- Shown in the " : "Shown in the ", engine_conv_name(conv),
            engine_mode_name(net->mode), net->learning_rate, net->samples,
            net->samples == 1 ? "" : "s");
    if (conv != net->convention)
        fprintf(p->out, "%sThe lesson writes its weights in the %s convention: every "
                        "weight-shaped\n%smatrix below is the transpose of the lesson's, "
                        "with the same numbers.\n",
                p->md ? "- " : "", engine_conv_name(net->convention), p->md ? "  " : "");
    fputc('\n', p->out);
    return 0;
}

/* Columns of a note line in the text handout, after its indent. */
enum { NOTE_COLUMNS = 74 };

/* Bytes of the first `len` bytes of s to put on one line of at most cols
 * columns: up to the last space that fits, or a whole overlong word. */
static size_t wrap_at(const char *s, size_t len, int cols)
{
    size_t fit = text_fit(s, cols);
    if (fit >= len)
        return len;
    size_t cut = fit;
    while (cut > 0 && s[cut] != ' ')
        cut--;
    if (cut > 0)
        return cut;
    while (fit < len && s[fit] != ' ')
        fit++; /* one word longer than the line */
    return fit;
}

/* One block of a step's picture: lines of text, their widest display
 * width, and the line where its numbers begin. */
typedef struct {
    char **line;
    int lines, width, body;
} block;

static void block_free(block *b)
{
    for (int i = 0; i < b->lines; i++)
        free(b->line[i]);
    free(b->line);
    memset(b, 0, sizeof *b);
}

/* Appends a copy of text as the block's next line; -1 when out of memory. */
static int block_add(block *b, const char *text)
{
    char **l = realloc(b->line, (size_t)(b->lines + 1) * sizeof *l);
    if (!l)
        return -1;
    b->line = l;
    if (!(l[b->lines] = strdup(text)))
        return -1;
    int w = text_width(text);
    b->width = w > b->width ? w : b->width;
    b->lines++;
    return 0;
}

/* A tensor as a block: "name  shape" above its numbers, a vector as a
 * column, a matrix as its rows, a scalar as one number. */
static int block_tensor(printer *p, const engine_tensor *t, block *b)
{
    char shape[32], num[64], label[256];
    shape_text(p, t, shape, sizeof shape);
    const char *name = clean(p, t->name);
    if (!name)
        return -1;
    snprintf(label, sizeof label, "%s  %s", name, shape);
    if (block_add(b, label) < 0)
        return -1;
    b->body = 1;
    int n = t->rows * t->cols, w = 0;
    for (int i = 0; i < n; i++) {
        int len = text_number(t->v[i], p->decimals, num, sizeof num);
        w = len > w ? len : w;
    }
    if (t->rank == 0) {
        text_number(n > 0 ? t->v[0] : NAN, p->decimals, num, sizeof num);
        return block_add(b, num + strspn(num, " "));
    }
    int rows = t->rows, cols = t->rank == 2 ? t->cols : 1;
    size_t size = (size_t)cols * (w + 1) + 8;
    char *line = malloc(size);
    if (!line)
        return -1;
    int rc = 0;
    for (int r = 0; r < rows && rc == 0; r++) {
        size_t at = (size_t)snprintf(line, size, "[");
        for (int c = 0; c < cols; c++) {
            text_number(t->v[r * cols + c], p->decimals, num, sizeof num);
            at += (size_t)snprintf(line + at, size - at, " %*s", w, num);
        }
        snprintf(line + at, size - at, " ]");
        rc = block_add(b, line);
    }
    free(line);
    return rc;
}

/* Columns a picture may take after its indent, like the notes. */
enum { PICTURE_COLUMNS = 76 };

/* Writes pieces [from, to) side by side: tensor blocks top-aligned (a
 * scalar on the middle row), glyphs on the middle row of the numbers. */
static void print_row_of_blocks(printer *p, const ops_piece *pc, const block *b, int from, int to,
                                const char *ind)
{
    int height = 2;
    for (int k = from; k < to; k++)
        if (pc[k].tensor != OPS_GLYPH && b[k].lines > height)
            height = b[k].lines;
    int middle = 1 + (height - 2) / 2;
    for (int row = 0; row < height; row++) {
        int at = 0, written = 0;
        fputs(ind, p->out);
        for (int k = from; k < to; k++) {
            int line = pc[k].tensor == OPS_GLYPH ? row - middle
                       : b[k].lines == 2        ? row - (middle - 1)
                                                : row;
            const char *text = line >= 0 && line < b[k].lines ? b[k].line[line] : "";
            if (*text) {
                fprintf(p->out, "%*s%s", at - written, "", text);
                written = at + text_width(text);
            }
            at += b[k].width + 2;
        }
        fputc('\n', p->out);
    }
}

/* Draws step s the way its op's row lays it out: the blocks side by side
 * with the glyphs between them on the middle row of the numbers, going on
 * below (the glyph first) when they do not fit; a block wider than the
 * page stands alone. */
static int print_picture(printer *p, const engine_step *s, const char *ind)
{
    ops_piece pc[OPS_MAX_PIECES];
    int np = ops_step_picture(s, p->ascii, pc, OPS_MAX_PIECES);
    block b[OPS_MAX_PIECES];
    memset(b, 0, sizeof b);
    int rc = 0;
    for (int k = 0; k < np && rc == 0; k++) {
        if (pc[k].tensor == OPS_GLYPH)
            rc = block_add(&b[k], pc[k].text);
        else
            rc = block_tensor(p, pc[k].tensor >= 0 ? &s->operand[pc[k].tensor] : &s->result, &b[k]);
    }
    for (int from = 0; rc == 0 && from < np;) {
        int to = from, width = 0;
        while (to < np && (to == from || width + 2 + b[to].width <= PICTURE_COLUMNS)) {
            width += (to > from ? 2 : 0) + b[to].width;
            to++;
        }
        /* a row does not end on a glyph: it begins the next one */
        while (to - from > 1 && to < np && pc[to - 1].tensor == OPS_GLYPH)
            to--;
        if (from > 0)
            fputc('\n', p->out);
        print_row_of_blocks(p, pc, b, from, to, ind);
        from = to;
    }
    for (int k = 0; k < np; k++)
        block_free(&b[k]);
    return rc;
}

/* Writes text after a label, wrapped at spaces to the note width, every
 * continuation indented under the text. */
static int print_wrapped(printer *p, const char *label, const char *text)
{
    const char *c = clean(p, text);
    if (!c)
        return -1;
    int lw = text_width(label);
    size_t len = strlen(c);
    const char *q = c;
    int first = 1;
    while (len > 0) {
        size_t take = wrap_at(q, len, NOTE_COLUMNS + 2 - lw);
        fprintf(p->out, "%*s%.*s\n", first ? 0 : lw, first ? label : "", (int)take, q);
        first = 0;
        q += take;
        len -= take;
        while (len > 0 && *q == ' ') {
            q++;
            len--;
        }
    }
    return 0;
}

/* Joins the lines of each paragraph (a lesson writes its notes in lines of
 * its own; filled-in numbers change their lengths), keeping blank lines
 * between paragraphs, so the handout can wrap them afresh. */
static void reflow(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '\n')
        s[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' && s[i + 1] != '\n' && (i == 0 || s[i - 1] != '\n'))
            s[i] = ' ';
}

/* The arithmetic of the step's first element and, for a weight's gradient,
 * the chain rule under it: what the screen shows for the focused element. */
static int print_element(printer *p, const engine *e, int index, const char *ind)
{
    const engine_step *s = engine_step_at(e, index);
    enum { SIZE = 16384 };
    char *buf = malloc(SIZE), label[64];
    if (!buf)
        return -1;
    int rc = 0;
    if (s->result.rows * s->result.cols > 0) {
        engine_step_explain(s, 0, p->decimals, buf, SIZE, NULL, 0);
        snprintf(label, sizeof label, "%sarithmetic: ", ind);
        rc = print_wrapped(p, label, buf);
    }
    if (rc == 0 && s->kind == STEP_GRADIENT && engine_chain_of(e, index, 0, 1, p->chain) == 0) {
        snprintf(label, sizeof label, "%schain rule: ", ind);
        engine_chain_text(p->chain, p->decimals, 0, buf, SIZE);
        rc = print_wrapped(p, label, buf);
        snprintf(label, sizeof label, "%s            = ", ind);
        engine_chain_text(p->chain, p->decimals, 1, buf, SIZE);
        if (rc == 0)
            rc = print_wrapped(p, label, buf);
    }
    free(buf);
    return rc;
}

static int print_step(printer *p, const lesson *l, const engine *e, int index, char *note,
                      size_t note_size)
{
    const engine_step *s = engine_step_at(e, index);
    const char *ind = p->md ? "" : "  ";
    if (p->md)
        fprintf(p->out, "## Step %d %s `%s` (epoch %d, sample %d)\n\n", index + 1,
                p->ascii ? "-" : "·", s->id, s->epoch, s->sample);
    else
        fprintf(p->out, "Step %d  %s  (epoch %d, sample %d, %s)\n", index + 1, s->id,
                s->epoch, s->sample, engine_phase_name(s->phase));
    if (p->md)
        fputs("**", p->out);
    else
        fputs(ind, p->out);
    if (put_clean(p, s->title) < 0)
        return -1;
    fputs(p->md ? "**\n\n" : "\n", p->out);
    fputs(p->md ? "Formula: `" : "  formula:  ", p->out);
    if (put_clean(p, s->formula) < 0)
        return -1;
    char shapes[128];
    ops_step_text(s, p->ascii ? OPS_SHAPES_ASCII : OPS_SHAPES, shapes, sizeof shapes);
    fputs(p->md ? "`  \nShapes: `" : "\n  shapes:   ", p->out);
    if (put_clean(p, shapes) < 0)
        return -1;
    fputs(p->md ? "`\n\n```\n" : "\n\n", p->out);
    if (print_picture(p, s, ind) < 0)
        return -1;
    if (s->nonfinite)
        fprintf(p->out, "%s(values stopped being finite here)\n", ind);
    fputc('\n', p->out);
    if (print_element(p, e, index, ind) < 0)
        return -1;
    if (p->md)
        fputs("```\n", p->out);
    narrate_text(l, e, index, p->decimals, note, note_size, NULL);
    if (!p->md)
        reflow(note);
    const char *c = clean(p, note);
    if (!c)
        return -1;
    fputc('\n', p->out);
    if (p->md) {
        fputs(c, p->out);
    } else {
        /* Indent every line of the note; wrap long ones at spaces. */
        for (const char *q = c;;) {
            const char *end = strchr(q, '\n');
            size_t len = end ? (size_t)(end - q) : strlen(q);
            if (len == 0 && end)
                fputc('\n', p->out); /* a blank line between paragraphs */
            while (len > 0) {
                size_t take = wrap_at(q, len, NOTE_COLUMNS);
                fprintf(p->out, "  %.*s\n", (int)take, q);
                q += take;
                len -= take;
                while (len > 0 && *q == ' ') {
                    q++;
                    len--;
                }
            }
            if (!end)
                break;
            q = end + 1;
        }
        fputc('\n', p->out);
        return 0;
    }
    size_t clen = strlen(c);
    if (clen == 0 || c[clen - 1] != '\n')
        fputc('\n', p->out);
    fputc('\n', p->out);
    return 0;
}

/* ------------------------------------------------------------------ JSON */

/* JSON written as it goes, laid out as jansson lays a tree out with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) (the
 * layout backstep has always written): each member and element on a line
 * of its own, two spaces deeper per level, "key": value, an empty
 * container as {} or [], reals with 17 significant digits and always a
 * point or an exponent.  Only the nesting is kept, so a walkthrough of any
 * length takes the memory of one step. */
enum { JW_DEPTH = 32, JW_BUFFER = 16384 };

typedef struct {
    FILE *out;
    int depth;
    unsigned char any[JW_DEPTH + 1]; /* the open container at each depth has a value */
    char point;                      /* the decimal point printf writes */
    size_t len;                      /* bytes waiting in buf */
    char buf[JW_BUFFER];             /* output gathered into large writes */
} jw;

static void jw_init(jw *w, FILE *out)
{
    w->out = out;
    w->depth = 0;
    w->any[0] = 0;
    w->len = 0;
    char probe[8];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    w->point = probe[1];
}

/* Writes what is waiting. */
static void jw_flush(jw *w)
{
    fwrite(w->buf, 1, w->len, w->out);
    w->len = 0;
}

/* Ends an output with its last newline: what is waiting is flushed, then
 * the newline goes through stdio on its own.  stdio drops its buffer and
 * the rest of a call when a write fails, and keeps no reason; this way
 * there is always a byte left for the caller's last fflush to fail on,
 * with the reason (ENOSPC, EPIPE), however the output's end fell. */
static void end_output(FILE *out)
{
    fflush(out);
    fputc('\n', out);
}

/* Ends a document: what is waiting, then its newline. */
static void jw_end(jw *w)
{
    jw_flush(w);
    end_output(w->out);
}

static void jw_put(jw *w, const char *s, size_t n)
{
    if (w->len + n > sizeof w->buf) {
        jw_flush(w);
        if (n > sizeof w->buf) {
            fwrite(s, 1, n, w->out);
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void jw_puts(jw *w, const char *s)
{
    jw_put(w, s, strlen(s));
}

/* A new line indented to depth (at most JW_DEPTH). */
static void jw_newline(jw *w, int depth)
{
    static const char line[1 + 2 * JW_DEPTH + 1] =
        "\n                                                                ";
    jw_put(w, line, 1 + 2 * (size_t)depth);
}

/* A string with the escapes JSON needs and nothing more, as jansson
 * writes it: \" \\ \b \f \n \r \t, \u00XX for the other control
 * characters, every other byte (UTF-8 included) as it is. */
static void jw_quote(jw *w, const char *s)
{
    jw_put(w, "\"", 1);
    const char *run = s;
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jw_put(w, run, (size_t)(s - run));
        if (!c)
            break;
        char esc[8] = {'\\', (char)c, 0};
        switch (c) {
        case '"':
        case '\\':
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", c);
            break;
        }
        jw_puts(w, esc);
        run = s + 1;
    }
    jw_put(w, "\"", 1);
}

/* Starts the next value: a member called key of the open object, or the
 * next element of the open array (key NULL); the first value at the top. */
static void jw_next(jw *w, const char *key)
{
    if (w->depth > 0) {
        if (w->any[w->depth])
            jw_put(w, ",", 1);
        w->any[w->depth] = 1;
        jw_newline(w, w->depth);
    }
    if (key) {
        jw_quote(w, key);
        jw_put(w, ": ", 2);
    }
}

/* Opens an object ('{') or an array ('['). */
static void jw_open(jw *w, const char *key, char bracket)
{
    jw_next(w, key);
    jw_put(w, &bracket, 1);
    if (w->depth < JW_DEPTH)
        w->depth++;
    w->any[w->depth] = 0;
}

/* Closes the open object ('}') or array (']'). */
static void jw_close(jw *w, char bracket)
{
    if (w->any[w->depth])
        jw_newline(w, w->depth - 1);
    if (w->depth > 0)
        w->depth--;
    jw_put(w, &bracket, 1);
}

static void jw_string(jw *w, const char *key, const char *s)
{
    jw_next(w, key);
    jw_quote(w, s ? s : "");
}

static void jw_int(jw *w, const char *key, long long v)
{
    jw_next(w, key);
    char buf[24];
    jw_put(w, buf, (size_t)snprintf(buf, sizeof buf, "%lld", v));
}

static void jw_bool(jw *w, const char *key, int v)
{
    jw_next(w, key);
    jw_puts(w, v ? "true" : "false");
}

static void jw_null(jw *w, const char *key)
{
    jw_next(w, key);
    jw_puts(w, "null");
}

/* A number; null when it is not finite (JSON has no inf).  17 significant
 * digits; a point is added when there is neither one nor an exponent (so
 * that it reads back as a real), and the exponent loses its plus sign and
 * leading zeros: 0.5, 1.0, 1e-5, 2.5e20. */
static void jw_real(jw *w, const char *key, double v)
{
    if (!isfinite(v)) {
        jw_null(w, key);
        return;
    }
    jw_next(w, key);
    char buf[40];
    int n = snprintf(buf, sizeof buf - 2, "%.17g", v);
    char *e = NULL;
    for (int k = 0; k < n; k++) {
        if (buf[k] == w->point)
            buf[k] = '.';
        if (buf[k] == 'e')
            e = buf + k;
    }
    if (!e && !strchr(buf, '.')) {
        memcpy(buf + n, ".0", 3);
        n += 2;
    }
    if (e) {
        char *digits = e + 1 + (e[1] == '-'), *from = e + 1 + (e[1] == '-' || e[1] == '+');
        while (*from == '0' && from[1])
            from++;
        memmove(digits, from, strlen(from) + 1);
        n = (int)strlen(buf);
    }
    jw_put(w, buf, (size_t)n);
}

/* A string cleaned for output (text_sanitize, ASCII when asked); -1 when
 * out of memory. */
static int jw_clean(jw *w, printer *p, const char *key, const char *s)
{
    const char *c = clean(p, s);
    if (!c)
        return -1;
    jw_string(w, key, c);
    return 0;
}

static int jw_tensor(jw *w, printer *p, const char *key, const engine_tensor *t)
{
    jw_open(w, key, '{');
    if (jw_clean(w, p, "name", t->name) < 0)
        return -1;
    jw_open(w, "shape", '[');
    if (t->rank == 2) {
        jw_int(w, NULL, t->rows);
        jw_int(w, NULL, t->cols);
    } else if (t->rank == 1) {
        jw_int(w, NULL, t->rows * t->cols);
    }
    jw_close(w, ']');
    if (t->rank == 0) {
        jw_real(w, "values", t->rows * t->cols > 0 ? t->v[0] : NAN);
    } else if (t->rank == 1) {
        jw_open(w, "values", '[');
        for (int i = 0; i < t->rows * t->cols; i++)
            jw_real(w, NULL, t->v[i]);
        jw_close(w, ']');
    } else {
        jw_open(w, "values", '[');
        for (int r = 0; r < t->rows; r++) {
            jw_open(w, NULL, '[');
            for (int c = 0; c < t->cols; c++)
                jw_real(w, NULL, t->v[r * t->cols + c]);
            jw_close(w, ']');
        }
        jw_close(w, ']');
    }
    jw_close(w, '}');
    return 0;
}

static int jw_factors(jw *w, printer *p, const char *key, const engine_chain *c, const int *fs,
                      int n);

/* One factor: {"name", "value"}, and "terms" (each {"value", "factors"})
 * when it is a sum. */
static int jw_factor(jw *w, printer *p, const engine_chain *c, int f)
{
    const engine_factor *x = &c->factor[f];
    jw_open(w, NULL, '{');
    if (jw_clean(w, p, "name", x->name) < 0)
        return -1;
    jw_real(w, "value", x->value);
    if (x->terms) {
        jw_open(w, "terms", '[');
        for (int t = 0; t < x->terms; t++) {
            const engine_term *tm = &c->term[x->first_term + t];
            int fs[ENGINE_CHAIN_FACTORS / 4], n = 0;
            for (int k = 0; k < tm->factors && n < (int)(sizeof fs / sizeof fs[0]); k++)
                fs[n++] = tm->first_factor + k;
            jw_open(w, NULL, '{');
            jw_real(w, "value", tm->value);
            if (jw_factors(w, p, "factors", c, fs, n) < 0)
                return -1;
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    jw_close(w, '}');
    return 0;
}

static int jw_factors(jw *w, printer *p, const char *key, const engine_chain *c, const int *fs,
                      int n)
{
    jw_open(w, key, '[');
    for (int k = 0; k < n; k++)
        if (jw_factor(w, p, c, fs[k]) < 0)
            return -1;
    jw_close(w, ']');
    return 0;
}

/* The chain rule under every element of a gradient step, one entry each:
 * {"index": [r, c], "value", "factors"}, each written as it is found. */
static int jw_chain(jw *w, printer *p, const engine *e, int index)
{
    const engine_step *s = engine_step_at(e, index);
    jw_open(w, "chain", '[');
    for (int k = 0; k < s->result.rows * s->result.cols; k++) {
        if (engine_chain_of(e, index, k, 1, p->chain) != 0)
            break;
        const engine_chain *c = p->chain;
        jw_open(w, NULL, '{');
        jw_open(w, "index", '[');
        jw_int(w, NULL, c->row);
        jw_int(w, NULL, c->col);
        jw_close(w, ']');
        jw_real(w, "value", c->value);
        if (jw_factors(w, p, "factors", c, c->top, c->factors) < 0)
            return -1;
        jw_close(w, '}');
    }
    jw_close(w, ']');
    return 0;
}

static int jw_step(jw *w, printer *p, const lesson *l, const engine *e, int index, char *note,
                   size_t note_size)
{
    const engine_step *s = engine_step_at(e, index);
    jw_open(w, NULL, '{');
    jw_int(w, "index", index);
    jw_string(w, "id", s->id);
    jw_int(w, "epoch", s->epoch);
    jw_int(w, "sample", s->sample);
    jw_string(w, "phase", engine_phase_name(s->phase));
    jw_int(w, "layer", s->layer);
    jw_string(w, "op", ops_op(s->op)->name);
    if (s->op == OP_ACT)
        jw_string(w, "activation", engine_act_name(s->act));
    if (jw_clean(w, p, "title", s->title) < 0 || jw_clean(w, p, "formula", s->formula) < 0 ||
        jw_clean(w, p, "shapes", s->shapes) < 0)
        return -1;
    jw_open(w, "operands", '[');
    for (int i = 0; i < s->n_operands && i < ENGINE_MAX_OPERANDS; i++)
        if (jw_tensor(w, p, NULL, &s->operand[i]) < 0)
            return -1;
    jw_close(w, ']');
    if (jw_tensor(w, p, "result", &s->result) < 0)
        return -1;
    if (s->kind == STEP_GRADIENT && jw_chain(w, p, e, index) < 0)
        return -1;
    narrate_text(l, e, index, p->decimals, note, note_size, NULL);
    if (jw_clean(w, p, "note", note) < 0)
        return -1;
    jw_close(w, '}');
    return 0;
}

static int jw_lesson(jw *w, printer *p, const lesson *l, engine_conv conv)
{
    const engine_net *net = &l->net;
    jw_open(w, "lesson", '{');
    if (jw_clean(w, p, "title", l->title) < 0)
        return -1;
    jw_open(w, "layers", '[');
    for (int i = 0; i <= net->layers; i++)
        jw_int(w, NULL, net->width[i]);
    jw_close(w, ']');
    jw_open(w, "activations", '[');
    for (int i = 0; i < net->layers; i++)
        jw_string(w, NULL, engine_act_name(net->act[i]));
    jw_close(w, ']');
    jw_string(w, "loss", engine_loss_name(net->loss));
    jw_string(w, "convention", engine_conv_name(conv));
    jw_string(w, "mode", engine_mode_name(net->mode));
    jw_real(w, "learning_rate", net->learning_rate);
    if (l->description) {
        if (jw_clean(w, p, "description", l->description) < 0)
            return -1;
    } else {
        jw_null(w, "description");
    }
    jw_close(w, '}');
    return 0;
}

/* The lesson's expressions in text or Markdown: each caption, then the
 * shape checker's derivation, wrong formulas included. */
static int print_expressions(printer *p, const lesson *l, engine_conv conv)
{
    if (l->n_expressions == 0)
        return 0;
    fputs(p->md ? "## Shapes first\n\n" : "Shapes first\n------------\n\n", p->out);
    for (int i = 0; i < l->n_expressions; i++) {
        const char *cap = clean(p, l->expressions[i].caption);
        if (!cap)
            return -1;
        fprintf(p->out, p->md ? "**%s**\n\n```\n" : "%s\n", cap);
        shape_run(p->out, l->expressions[i].expr, l, conv, p->ascii);
        fputs(p->md ? "```\n\n" : "\n", p->out);
    }
    return 0;
}

/* The lesson's expressions in JSON: caption, expression, and the shape it
 * has (null when the shapes do not fit) or why not. */
static int jw_expressions(jw *w, printer *p, const lesson *l, engine_conv conv)
{
    static const char *const status[] = {"fit", "mismatch", "parse_error"};
    int rc = 0;
    jw_open(w, "expressions", '[');
    for (int i = 0; i < l->n_expressions && rc == 0; i++) {
        shape_result r;
        shape_check(l->expressions[i].expr, &l->net, conv, &r);
        jw_open(w, NULL, '{');
        rc = jw_clean(w, p, "caption", l->expressions[i].caption);
        if (rc == 0)
            rc = jw_clean(w, p, "expr", l->expressions[i].expr);
        jw_string(w, "status", status[r.status]);
        if (r.status == SHAPE_FIT) {
            jw_open(w, "shape", '[');
            jw_int(w, NULL, r.rows);
            jw_int(w, NULL, r.cols);
            jw_close(w, ']');
        } else {
            jw_null(w, "shape");
        }
        if (rc == 0)
            rc = jw_clean(w, p, "message", r.message);
        jw_close(w, '}');
        shape_result_free(&r);
    }
    jw_close(w, ']');
    return rc;
}

static engine_conv view_conv(const lesson *l, const print_options *opt)
{
    if (opt->convention >= 0 && opt->convention < CONV_COUNT)
        return (engine_conv)opt->convention;
    return l->net.convention;
}

static int out_of_memory(void)
{
    fputs("backstep: out of memory\n", stderr);
    return 2;
}

static void printer_init(printer *p, FILE *out, const print_options *opt)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->ascii = opt->ascii;
    p->md = opt->format == PRINT_MARKDOWN;
    p->decimals = opt->decimals > 0 ? opt->decimals : 4;
    p->chain = malloc(sizeof *p->chain);
}

int print_walkthrough(FILE *out, const lesson *l, const print_options *opt)
{
    engine_conv conv = view_conv(l, opt);
    engine *e = engine_new(&l->net, conv);
    if (!e)
        return out_of_memory();
    printer p;
    printer_init(&p, out, opt);
    double loss_before = engine_net_mean_loss(engine_network(e));
    int rc = 0;
    if (opt->format == PRINT_JSON) {
        /* the loss after the epoch comes before the steps: trained on a
         * copy first (training and stepping give the same bits) */
        engine *t = p.chain ? engine_new(&l->net, conv) : NULL;
        char *note = t ? malloc(4096) : NULL;
        if (!note) {
            engine_free(t);
            printer_free(&p);
            engine_free(e);
            return out_of_memory();
        }
        engine_train(t, 1, NULL);
        double loss_after = engine_net_mean_loss(engine_network(t));
        engine_free(t);
        jw w;
        jw_init(&w, out);
        jw_open(&w, NULL, '{');
        rc = jw_lesson(&w, &p, l, conv);
        jw_real(&w, "loss_before", loss_before);
        jw_real(&w, "loss_after", loss_after);
        if (rc == 0 && l->n_expressions > 0)
            rc = jw_expressions(&w, &p, l, conv);
        jw_open(&w, "steps", '[');
        for (int smp = 0; smp < l->net.samples && rc == 0; smp++) {
            int n = engine_step_count(e);
            for (int i = 0; i < n && rc == 0; i++)
                rc = jw_step(&w, &p, l, e, i, note, 4096);
            engine_next_sample(e);
        }
        jw_close(&w, ']');
        jw_close(&w, '}');
        jw_end(&w);
        free(note);
        if (rc < 0)
            rc = out_of_memory();
    } else {
        char *note = malloc(4096);
        if (!note || !p.chain || print_header(&p, l, conv) < 0) {
            free(note);
            printer_free(&p);
            engine_free(e);
            return out_of_memory();
        }
        if (print_expressions(&p, l, conv) < 0) {
            free(note);
            printer_free(&p);
            engine_free(e);
            return out_of_memory();
        }
        fprintf(out, "%sMean loss before the epoch: %.10g\n\n", p.md ? "- " : "",
                loss_before);
        for (int smp = 0; smp < l->net.samples && rc == 0; smp++) {
            int n = engine_step_count(e);
            for (int i = 0; i < n && rc == 0; i++)
                if (print_step(&p, l, e, i, note, 4096) < 0)
                    rc = out_of_memory();
            engine_next_sample(e);
        }
        if (rc == 0) {
            fprintf(out, "%sMean loss after the epoch: %.10g", p.md ? "- " : "",
                    engine_net_mean_loss(engine_network(e)));
            end_output(out);
        }
        free(note);
    }
    printer_free(&p);
    engine_free(e);
    return rc;
}

/* Weights of layer N in convention c: rows×cols values, row-major. */
static void jw_weights(jw *w, const engine_net *net, int N, engine_conv c)
{
    int in = net->width[N - 1], outw = net->width[N];
    int rows = c == CONV_COLUMNS ? in : outw, cols = c == CONV_COLUMNS ? outw : in;
    jw_open(w, NULL, '[');
    for (int r = 0; r < rows; r++) {
        jw_open(w, NULL, '[');
        for (int k = 0; k < cols; k++) {
            int i = c == CONV_COLUMNS ? r : k, j = c == CONV_COLUMNS ? k : r;
            jw_real(w, NULL, net->weights[N - 1][i * outw + j]);
        }
        jw_close(w, ']');
    }
    jw_close(w, ']');
}

int print_train(FILE *out, const lesson *l, long epochs, const print_options *opt)
{
    engine_conv conv = view_conv(l, opt);
    engine *e = engine_new(&l->net, conv);
    if (!e)
        return out_of_memory();
    long bad = engine_train(e, epochs, NULL);
    const engine_net *net = engine_network(e);
    double loss = engine_net_mean_loss(net);
    int rc = 0;
    if (opt->format == PRINT_JSON) {
        jw w;
        jw_init(&w, out);
        jw_open(&w, NULL, '{');
        jw_int(&w, "epochs", epochs);
        jw_real(&w, "loss", loss);
        jw_string(&w, "convention", engine_conv_name(conv));
        jw_open(&w, "weights", '[');
        for (int N = 1; N <= net->layers; N++)
            jw_weights(&w, net, N, conv);
        jw_close(&w, ']');
        if (net->has_bias) {
            jw_open(&w, "biases", '[');
            for (int N = 1; N <= net->layers; N++) {
                jw_open(&w, NULL, '[');
                for (int j = 0; j < net->width[N]; j++)
                    jw_real(&w, NULL, net->biases[N - 1][j]);
                jw_close(&w, ']');
            }
            jw_close(&w, ']');
        } else {
            jw_null(&w, "biases");
        }
        if (bad >= 0)
            jw_int(&w, "nonfinite_epoch", bad + 1);
        jw_close(&w, '}');
        jw_end(&w);
    } else {
        const char *item = opt->format == PRINT_MARKDOWN ? "- " : "";
        fprintf(out, "%sepochs: %ld\n%sloss: ", item, epochs, item);
        if (isnan(loss))
            fputs("nan", out); /* printf may say "-nan" */
        else
            fprintf(out, "%.17g", loss);
        if (bad >= 0)
            fprintf(out, "\nvalues stopped being finite in epoch %ld", bad + 1);
        end_output(out);
    }
    engine_free(e);
    return rc;
}

/* "W_jk[2][1]" in convention conv, or "b_k[1]". */
static void param_name(const engine_check *c, engine_conv conv, char *buf, size_t size)
{
    char lo = engine_layer_letter(c->layer - 1), hi = engine_layer_letter(c->layer);
    if (c->is_bias)
        snprintf(buf, size, "b_%c[%d]", hi, c->col + 1);
    else if (conv == CONV_COLUMNS)
        snprintf(buf, size, "W_%c%c[%d][%d]", lo, hi, c->row + 1, c->col + 1);
    else
        snprintf(buf, size, "W_%c%c[%d][%d]", lo, hi, c->col + 1, c->row + 1);
}

/* A number for the table: "nan" and "inf" spelled alike everywhere. */
static void table_number(double v, const char *format, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "nan");
    else if (isinf(v))
        snprintf(buf, size, v < 0 ? "-inf" : "inf");
    else
        snprintf(buf, size, format, v);
}

/* How a long gradient check tells it is still working, on stderr: after a
 * second, "gradient check: 40 of 120 parameters, about 2 min left", kept
 * up to date in place (\r) on a terminal and erased when the check ends;
 * elsewhere (a log) a line of its own now and then.  A check that ends
 * within the first second says nothing. */
enum { PROGRESS_LINE = 96 };
#define PROGRESS_AFTER 1.0  /* seconds before the first word */
#define PROGRESS_TTY 0.25   /* seconds between updates in place */
#define PROGRESS_LOG 5.0    /* seconds between lines in a log */

typedef struct {
    FILE *err;
    int tty;
    struct timespec start;
    double next;   /* seconds since start of the next update */
    int shown;     /* bytes of the line in place on the terminal */
} progress;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress_start(progress *pr, FILE *err)
{
    pr->err = err;
    pr->tty = isatty(fileno(err));
    clock_gettime(CLOCK_MONOTONIC, &pr->start);
    pr->next = PROGRESS_AFTER;
    pr->shown = 0;
}

/* "about 40 s left", "about 12 min left", "about 3 h 05 min left". */
static void time_left(double s, char *buf, size_t size)
{
    long t = (long)(s + 0.5), m = (t + 30) / 60;
    if (t < 60)
        snprintf(buf, size, "about %ld s left", t < 1 ? 1 : t);
    else if (m < 60)
        snprintf(buf, size, "about %ld min left", m);
    else
        snprintf(buf, size, "about %ld h %02ld min left", m / 60, m % 60);
}

static void progress_update(progress *pr, int done, int total)
{
    double now = seconds_since(&pr->start);
    if (now < pr->next)
        return;
    pr->next = now + (pr->tty ? PROGRESS_TTY : PROGRESS_LOG);
    char left[48] = "", line[PROGRESS_LINE];
    if (done > 0)
        time_left(now * (total - done) / done, left, sizeof left);
    int n = snprintf(line, sizeof line, "%sgradient check: %d of %d parameters%s%s%s",
                     pr->tty ? "\r" : "", done, total, left[0] ? ", " : "", left,
                     pr->tty ? "" : "\n");
    if (n <= 0)
        return;
    /* a shorter line in place leaves no tail of the longer one before it */
    int pad = pr->tty && n - 1 < pr->shown ? pr->shown - (n - 1) : 0;
    fprintf(pr->err, "%s%*s", line, pad, "");
    if (pr->tty)
        pr->shown = n - 1 + pad;
}

/* Erases the line in place, so that what follows starts on a clean line. */
static void progress_end(progress *pr)
{
    if (pr->shown > 0)
        fprintf(pr->err, "\r%*s\r", pr->shown, "");
    pr->shown = 0;
}

int print_gradcheck(FILE *out, const lesson *l, const print_options *opt)
{
    engine_conv conv = view_conv(l, opt);
    engine *e = engine_new(&l->net, conv);
    if (!e)
        return out_of_memory();
    engine_checker *chk = engine_check_begin(e);
    if (!chk) {
        engine_free(e);
        return out_of_memory();
    }
    int n = engine_check_total(chk);
    progress pr;
    progress_start(&pr, stderr);
    while (engine_check_run(chk, 1) < n)
        progress_update(&pr, engine_check_done(chk), n);
    progress_end(&pr);
    const engine_check *rows = engine_check_rows(chk);
    int failed = engine_check_failures(chk), exempt[CHECK_STATUS_COUNT] = {0};
    int json = opt->format == PRINT_JSON;
    jw w;
    jw_init(&w, out);
    if (json) {
        jw_open(&w, NULL, '{');
        jw_open(&w, "parameters", '[');
    }
    const char *md = opt->format == PRINT_MARKDOWN ? "    " : "";
    if (!json)
        fprintf(out, "%s%-6s %-14s %16s %16s %9s %9s  %s\n", md, "layer", "parameter", "analytic",
                "numeric", "rel error", "tolerance", "status");
    char name[64], why[160], a[32], num[32], rel[32], tol[32];
    for (int k = 0; k < n; k++) {
        const engine_check *c = &rows[k];
        param_name(c, conv, name, sizeof name);
        engine_check_reason(c, why, sizeof why);
        const char *status = engine_check_status_name(c->status);
        exempt[c->status]++;
        if (json) {
            jw_open(&w, NULL, '{');
            jw_int(&w, "layer", c->layer);
            jw_string(&w, "parameter", name);
            jw_real(&w, "analytic", c->analytic);
            jw_real(&w, "numeric", c->numeric);
            jw_real(&w, "rel_error", c->rel_error);
            jw_real(&w, "error", c->error);
            jw_real(&w, "tolerance", c->tolerance);
            jw_real(&w, "step", c->step);
            jw_string(&w, "status", status);
            jw_string(&w, "reason", why);
            jw_close(&w, '}');
            continue;
        }
        table_number(c->analytic, "%.8e", a, sizeof a);
        table_number(c->numeric, "%.8e", num, sizeof num);
        table_number(c->rel_error, "%.2e", rel, sizeof rel);
        table_number(c->tolerance, "%.2e", tol, sizeof tol);
        fprintf(out, "%s%-6d %-14s %16s %16s %9s %9s  %s\n", md, c->layer, name, a, num, rel, tol,
                status);
    }
    if (json) {
        jw_close(&w, ']');
        jw_bool(&w, "passed", !failed);
        jw_close(&w, '}');
        jw_end(&w);
    } else {
        /* why every row that is not simply good got its verdict */
        int told = 0;
        for (int k = 0; k < n; k++) {
            const engine_check *c = &rows[k];
            if (c->status == CHECK_GOOD)
                continue;
            if (!told++)
                fputc('\n', out);
            param_name(c, conv, name, sizeof name);
            engine_check_reason(c, why, sizeof why);
            fprintf(out, "%s%s %s: %s\n", opt->format == PRINT_MARKDOWN ? "- " : "", name,
                    engine_check_status_name(c->status), why);
        }
        fprintf(out, "\n%s%d parameters: ", opt->format == PRINT_MARKDOWN ? "- " : "", n);
        if (failed)
            fprintf(out, "FAILED (%d wrong: %d differ by more than the numeric derivative's "
                         "error, %d not finite)",
                    failed, exempt[CHECK_WRONG], exempt[CHECK_NONFINITE]);
        else if (exempt[CHECK_KINK] + exempt[CHECK_NEGLIGIBLE])
            fprintf(out, "passed (%d exempt: %d at a kink, %d negligible)",
                    exempt[CHECK_KINK] + exempt[CHECK_NEGLIGIBLE], exempt[CHECK_KINK],
                    exempt[CHECK_NEGLIGIBLE]);
        else
            fputs("passed", out);
        end_output(out);
    }
    engine_check_end(chk);
    engine_free(e);
    return failed ? 1 : 0;
}
