/* draw_derivation.c - the shape checker's derivation of an expression, as
 * --shape prints it, line by line: the sub-expressions and their shapes,
 * the verdict marked, the closing reason wrapped over the rows left. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "shape.h"
#include "text.h"

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
