/* draw_derivation.c - the shape checker's derivation of an expression, as
 * --shape prints it, line by line: the sub-expressions and their shapes,
 * the verdict marked, the closing reason wrapped over the rows left; or,
 * for a pane that scrolls, every line whole, long ones wrapped, from any
 * row of it. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "shape.h"
#include "text.h"

/* Runs the checker on expr into the cache; returns its exit status, or -1
 * when out of memory. */
static int derive(const mode_ctx *c, const char *expr)
{
    char *out = c->cache->derivation;
    memset(out, 0, DRAW_DERIVATION_BYTES);
    FILE *mem = fmemopen(out, DRAW_DERIVATION_BYTES - 1, "w");
    if (!mem)
        return -1;
    int status = shape_run(mem, expr, c->lesson, engine_convention(c->engine), c->ascii);
    fclose(mem);
    return status;
}

/* How a line of the derivation is drawn. */
static int line_attr(const char *p, int status)
{
    if (strstr(p, "→") == p || strncmp(p, "->", 2) == 0)
        return status == 0 ? FRAME_FORWARD : FRAME_WARNING;
    if (status != 0 && (strchr(p, '^') || strstr(p, "✗") || strstr(p, "≠")))
        return FRAME_WARNING;
    return FRAME_NORMAL;
}

int draw_derivation_from(frame *f, const mode_ctx *c, int row, int end, const char *expr,
                         int first)
{
    int status = derive(c, expr), width = f->cols - 4, n = 0;
    if (status < 0) {
        frame_put(f, row, 2, f->cols, "out of memory", FRAME_WARNING);
        return 1;
    }
    char *p = c->cache->derivation;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        int attr = line_attr(p, status), rows = 1;
        if (frame_width(f, p) <= width) {
            if (n >= first && row + n - first < end)
                frame_put(f, row + n - first, 2, f->cols, p, attr);
        } else {
            /* A sentence: wrapped, the part of it in view drawn. */
            rows = frame_wrap_lines(f, width, p);
            int skip = first > n ? first - n : 0, at = row + n + skip - first;
            int show = rows - skip < end - at ? rows - skip : end - at;
            if (show > 0) {
                frame_wrap_from(f, at, show, 2, 2 + width, p, skip);
                for (int k = at; k < at + show; k++)
                    for (int col = 2; col < 2 + width; col++)
                        frame_at(f, k, col)->attr = (unsigned char)attr;
            }
        }
        n += rows;
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

int draw_derivation(frame *f, const mode_ctx *c, int row, int end, const char *expr)
{
    char *out = c->cache->derivation;
    memset(out, 0, DRAW_DERIVATION_BYTES);
    FILE *mem = fmemopen(out, DRAW_DERIVATION_BYTES - 1, "w");
    if (!mem) {
        frame_put(f, row, 2, f->cols, "out of memory", FRAME_WARNING);
        return row + 1;
    }
    int status = shape_run(mem, expr, c->lesson, engine_convention(c->engine), c->ascii);
    fclose(mem);
    int w = f->cols;
    for (char *p = out; *p && row < end; row++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        int attr = FRAME_NORMAL;
        if (strstr(p, "→") == p || strncmp(p, "->", 2) == 0)
            attr = status == 0 ? FRAME_FORWARD : FRAME_WARNING;
        else if (status != 0 && (strchr(p, '^') || strstr(p, "✗") || strstr(p, "≠")))
            attr = FRAME_WARNING;
        if (attr != FRAME_NORMAL && strncmp(p, "  ", 2) != 0 && text_width(p) > w - 3) {
            /* The closing reason is a sentence: wrap it over every row
             * the lines still to come leave free. */
            int later = 0;
            for (const char *q = nl ? nl + 1 : ""; *q; q++)
                later += *q == '\n' || q[1] == '\0';
            int n = end - row - later;
            if (n < 3)
                n = end - row > 3 ? 3 : end - row;
            frame_wrap(f, row, n, 2, w - 2, p);
            /* Rows the text took: the free ones below stay plain. */
            while (n > 1) {
                const frame_cell *x = frame_at(f, row + n - 1, 0);
                int col = 0;
                while (col < w && x[col].ch[0] == ' ')
                    col++;
                if (col < w)
                    break;
                n--;
            }
            for (int k = row; k < row + n; k++)
                for (int col = 0; col < w; col++)
                    frame_at(f, k, col)->attr = (unsigned char)attr;
            row += n - 1;
        } else {
            frame_put(f, row, 2, w - 1, p, attr);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return row;
}
