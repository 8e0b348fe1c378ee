/* fuzz_lesson.c - libFuzzer target: any byte string given to the lesson
 * loader either loads or fails with one FILE:LINE:COLUMN: message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lesson l;
    lesson_error err;
    memset(&l, 0, sizeof l);
    if (lesson_load_string("fuzz.yaml", (const char *)data, size, &l, &err) == 0) {
        /* A lesson that loads must be usable by the engine. */
        engine *e = engine_new(&l.net, l.net.convention);
        if (!e)
            abort();
        for (int i = 0; i < engine_step_count(e) && i < 200; i++)
            engine_next(e);
        engine_free(e);
        lesson_free(&l);
    } else if (strncmp(err.message, "fuzz.yaml", 9) != 0) {
        abort(); /* every message names the file */
    }
    return 0;
}
