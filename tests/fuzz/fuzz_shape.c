/* fuzz_shape.c - libFuzzer target: the shape checker's parser, inference,
 * readings and rows never crash, hang or leak on any byte string, and what
 * comes back holds together: statuses and exit codes in range, a verdict
 * row last, rows without newlines, ASCII rows in ASCII. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lesson.h"
#include "shape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lesson l;
    static engine_net deep;
    static int loaded;
    lesson_error err;
    if (!loaded) {
        if (lesson_load_default(&l, &err) != 0)
            abort();
        /* a deeper network with biases, for the names of more layers */
        deep.layers = 4;
        const int w[] = {3, 5, 4, 2, 1};
        for (int k = 0; k <= 4; k++)
            deep.width[k] = w[k];
        deep.has_bias = 1;
        deep.act[3] = ACT_SOFTMAX;
        deep.loss = LOSS_CROSS_ENTROPY;
        loaded = 1;
    }
    char *expr = malloc(size + 1);
    if (!expr)
        return 0;
    memcpy(expr, data, size);
    expr[size] = '\0';
    engine_conv conv = (engine_conv)(size & 1);
    int ascii = (int)(size & 2) != 0;
    int layer = (int)(size % 6);
    const engine_net *net = size & 4 ? &deep : &l.net;
    shape_result r;
    if (shape_check_at(expr, net, conv, layer, &r) == 0) {
        if (r.status != SHAPE_FIT && r.status != SHAPE_MISMATCH && r.status != SHAPE_PARSE_ERROR)
            abort();
        if (r.status == SHAPE_FIT && (r.n_readings || !r.reached || r.message[0]))
            abort();
        if (r.status != SHAPE_FIT && (r.error_column < 1 || r.message[0] == '\0'))
            abort();
        shape_rows rows;
        if (shape_render(&r, ascii, &rows) == 0) {
            if (rows.n < 1 || rows.rows[rows.n - 1].kind != SHAPE_ROW_VERDICT)
                abort();
            for (int k = 0; k < rows.n; k++)
                for (const unsigned char *c = (const unsigned char *)rows.rows[k].text; *c; c++)
                    if (*c == '\n' || *c == '\x1b' || (ascii && *c >= 0x80))
                        abort();
            shape_rows_free(&rows);
        }
    }
    shape_result_free(&r);
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        int rc = shape_run_at(out, expr, &l, conv, layer, ascii);
        if (rc < 0 || rc > 2)
            abort();
        fclose(out);
    }
    free(expr);
    return 0;
}
