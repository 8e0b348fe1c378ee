/* fuzz_shape.c - libFuzzer target: the shape checker's parser and
 * inference never crash, hang or leak on any byte string. */
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
    static int loaded;
    lesson_error err;
    if (!loaded) {
        if (lesson_load_default(&l, &err) != 0)
            abort();
        loaded = 1;
    }
    char *expr = malloc(size + 1);
    if (!expr)
        return 0;
    memcpy(expr, data, size);
    expr[size] = '\0';
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        int rc = shape_run(out, expr, &l, (engine_conv)(size & 1), (int)(size & 2));
        if (rc < 0 || rc > 2)
            abort();
        fclose(out);
    }
    free(expr);
    return 0;
}
