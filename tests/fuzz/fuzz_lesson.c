/* fuzz_lesson.c - libFuzzer target: any byte string given to the lesson
 * loader either loads or fails with one FILE:LINE:COLUMN: message; a
 * lesson that loads is usable by the engine, and saving it loads back to
 * the same network bit for bit with the same words: saved unchanged it is
 * the very same text, saved with every number changed it keeps every byte
 * of the author's text but the numbers (comments included), and written
 * fresh it loads back the same. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lesson.h"
#include "save.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* Aborts unless l holds net bit for bit and the words of w. */
static void same_lesson(const lesson *l, const engine_net *net, const lesson *w)
{
    const engine_net *a = &l->net;
    if (a->layers != net->layers || a->samples != net->samples || a->has_bias != net->has_bias ||
        a->train_bias != net->train_bias || a->loss != net->loss ||
        a->convention != net->convention || a->mode != net->mode ||
        !same_bits(&a->learning_rate, &net->learning_rate, 1))
        abort();
    for (int n = 0; n < net->layers; n++) {
        if (a->width[n + 1] != net->width[n + 1] || a->act[n] != net->act[n] ||
            !same_bits(a->weights[n], net->weights[n], (size_t)(net->width[n] * net->width[n + 1])))
            abort();
        if (net->has_bias && !same_bits(a->biases[n], net->biases[n], (size_t)net->width[n + 1]))
            abort();
    }
    if (!same_bits(a->inputs, net->inputs, (size_t)(net->samples * net->width[0])) ||
        !same_bits(a->targets, net->targets, (size_t)(net->samples * net->width[net->layers])))
        abort();
    if (strcmp(l->title, w->title) != 0 || (!l->description) != (!w->description) ||
        (l->description && strcmp(l->description, w->description) != 0) ||
        l->n_notes != w->n_notes || l->n_expressions != w->n_expressions)
        abort();
    for (int i = 0; i < l->n_notes; i++)
        if (strcmp(l->notes[i].pattern, w->notes[i].pattern) || strcmp(l->notes[i].text, w->notes[i].text))
            abort();
    for (int i = 0; i < l->n_expressions; i++)
        if (strcmp(l->expressions[i].caption, w->expressions[i].caption) ||
            strcmp(l->expressions[i].expr, w->expressions[i].expr))
            abort();
}

/* Loads text, which must load, and checks it against net and w. */
static void loads_as(const char *text, size_t len, const engine_net *net, const lesson *w)
{
    lesson back;
    lesson_error err;
    if (lesson_load_string("saved.yaml", text, len, &back, &err) != 0)
        abort();
    same_lesson(&back, net, w);
    lesson_free(&back);
}

/* Moves every number that is not zero one step away from zero (so it stays
 * finite and a zero stays a zero, as "biases: zero" needs). */
static void nudge(double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != 0 && fabs(v[i]) < 1.7976931348623157e308)
            v[i] = nextafter(v[i], v[i] > 0 ? INFINITY : -INFINITY);
}

static int number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Is `was`, less the characters of numbers, a subsequence of `now` less
 * them?  Then the edit changed numbers and added text, and lost nothing. */
static int kept(const char *was, size_t wn, const char *now, size_t nn)
{
    size_t j = 0;
    for (size_t i = 0; i < wn; i++) {
        if (number_char(was[i]))
            continue;
        while (j < nn && (number_char(now[j]) || now[j] != was[i]))
            j++;
        if (j == nn)
            return 0;
        j++;
    }
    return 1;
}

static void round_trips(const lesson *l, const char *input, size_t size)
{
    char *text, why[SAVE_ERROR_SIZE];
    size_t len;
    int fresh;
    /* Unchanged: the very same bytes. */
    if (save_text(&l->net, l, &text, &len, &fresh, why, sizeof why) != 0)
        abort();
    if (fresh || len != size || memcmp(text, input, size) != 0)
        abort();
    free(text);

    /* Every number changed: the author's text, with new numbers (and new
     * keys for what was not written). */
    engine_net n;
    memset(&n, 0, sizeof n);
    if (engine_net_copy(&n, &l->net) != 0)
        abort();
    nudge(&n.learning_rate, 1);
    for (int k = 0; k < n.layers; k++) {
        nudge(n.weights[k], (size_t)(n.width[k] * n.width[k + 1]));
        if (n.has_bias)
            nudge(n.biases[k], (size_t)n.width[k + 1]);
    }
    nudge(n.inputs, (size_t)(n.samples * n.width[0]));
    nudge(n.targets, (size_t)(n.samples * n.width[n.layers]));
    if (save_text(&n, l, &text, &len, &fresh, why, sizeof why) == 0) {
        if (fresh || !kept(input, size, text, len))
            abort();
        loads_as(text, len, &n, l);
        free(text);
    } else if (strncmp(why, "the lesson would be ", 20) != 0) {
        abort(); /* only a text too large to open may be refused */
    }
    engine_net_free(&n);

    /* Written fresh, as for a lesson without text of its own. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    if (!f)
        abort();
    int rc = save_emit(f, &l->net, l);
    if (fclose(f) != 0 || rc != 0)
        abort();
    if (blen <= LESSON_MAX_BYTES)
        loads_as(buf, blen, &l->net, l);
    free(buf);
}

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
        round_trips(&l, (const char *)data, size);
        lesson_free(&l);
    } else if (strncmp(err.message, "fuzz.yaml", 9) != 0) {
        abort(); /* every message names the file */
    }
    return 0;
}
