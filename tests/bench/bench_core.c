/* bench_core.c - backstep's engine under load, without a screen.
 *
 *   bench_core train LESSON EPOCHS   CPU time per sample of engine_train
 *                                    over EPOCHS epochs, and the mean loss
 *                                    afterwards with all 17 digits
 *   bench_core rate LESSON SECONDS   sample-updates per second of
 *                                    engine_train, in doubling chunks
 *   bench_core history LESSON STEPS  peak RSS after STEPS engine_next calls
 *   bench_core dump LESSON           the network as JSON (bench_torch.py
 *                                    reads it)
 *   bench_core lesson NET PATH [MODE [SAMPLES]]
 *                                    writes NET as a lesson file
 *
 * LESSON is a lesson file or "default".  NET is 2-3-2 (the built-in
 * lesson) or a shape like 8-16-16-4, built in memory: Glorot weights from a
 * fixed seed (the lesson gives the seed, not the weights), tanh hidden layers, sigmoid output, mse, biases, SAMPLES
 * random samples (32 unless given; inputs in [-1, 1] with two decimals, so
 * that 1000 samples of 64 fit in a lesson), MODE online (the default) or
 * batch.
 * Output is one line of "key value" pairs for the driver script. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "lesson.h"

enum { BENCH_SAMPLES = 32, BENCH_SEED = 20240601 };

/* CPU seconds of this process: other work on a busy machine does not count. */
static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses "8-16-16-4" into widths; returns the number of weight layers or -1. */
static int bench_parse_net(const char *spec, int *width)
{
    int n = 0;
    const char *p = spec;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > ENGINE_MAX_WIDTH || n > ENGINE_MAX_LAYERS)
            return -1;
        width[n++] = (int)v;
        if (*end == '-')
            end++;
        else if (*end)
            return -1;
        p = end;
    }
    return n >= 2 ? n - 1 : -1;
}

/* Fills *l with the network NET: the built-in lesson for 2-3-2, otherwise a
 * generated one.  Returns 0 or -1 with a message printed. */
static int bench_lesson(const char *spec, engine_mode mode, int samples, lesson *l)
{
    lesson_error err;
    if (strcmp(spec, "2-3-2") == 0) {
        if (lesson_load_default(l, &err) < 0) {
            fprintf(stderr, "bench_core: %s\n", err.message);
            return -1;
        }
        return 0;
    }
    memset(l, 0, sizeof *l);
    engine_net *net = &l->net;
    int layers = bench_parse_net(spec, net->width);
    if (layers < 0) {
        fprintf(stderr, "bench_core: %s: not a network like 8-16-16-4\n", spec);
        return -1;
    }
    net->layers = layers;
    for (int i = 0; i < layers; i++)
        net->act[i] = i + 1 < layers ? ACT_TANH : ACT_SIGMOID;
    net->loss = LOSS_MSE;
    net->convention = CONV_COLUMNS;
    net->mode = mode;
    net->learning_rate = 0.1;
    net->has_bias = 1;
    net->train_bias = 1;
    net->samples = samples;
    const char *why = engine_net_validate(net);
    if (why) {
        fprintf(stderr, "bench_core: %s: %s\n", spec, why);
        return -1;
    }
    if (engine_net_alloc(net) < 0) {
        fprintf(stderr, "bench_core: out of memory\n");
        return -1;
    }
    engine_rng rng;
    /* the weights a lesson with this seed and no weights gets, so the
     * lesson file carries the seed instead of thousands of numbers */
    l->seed = BENCH_SEED;
    engine_rng_seed(&rng, BENCH_SEED);
    for (int N = 1; N <= layers; N++)
        engine_glorot(net, N, &rng);
    for (int i = 0; i < samples * net->width[0]; i++)
        net->inputs[i] = round(200.0 * engine_rng_uniform(&rng) - 100.0) / 100.0;
    for (int i = 0; i < samples * net->width[layers]; i++)
        net->targets[i] = engine_rng_uniform(&rng) < 0.5 ? 0.0 : 1.0;
    return 0;
}

/* Writes the generated lesson l of NET spec to path, the weights as their
 * seed, and checks that it loads back to the same numbers. */
static int bench_write(const char *spec, const lesson *l, const char *path)
{
    const engine_net *net = &l->net;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_core: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int L = net->layers;
    fprintf(f, "title: \"%s\"\nlayers: [", spec);
    for (int i = 0; i <= L; i++)
        fprintf(f, "%s%d", i ? ", " : "", net->width[i]);
    fputs("]\nactivations: [", f);
    for (int i = 0; i < L; i++)
        fprintf(f, "%s%s", i ? ", " : "", engine_act_name(net->act[i]));
    fprintf(f, "]\nloss: %s\nmode: %s\nlearning_rate: %g\nseed: %lld\nbiases: zero\nsamples:\n",
            engine_loss_name(net->loss), engine_mode_name(net->mode), net->learning_rate,
            l->seed);
    for (int s = 0; s < net->samples; s++) {
        for (int k = 0; k < net->width[0]; k++)
            fprintf(f, "%s%.2f", k ? ", " : "  - input: [", net->inputs[s * net->width[0] + k]);
        for (int k = 0; k < net->width[L]; k++)
            fprintf(f, "%s%g", k ? ", " : "]\n    target: [", net->targets[s * net->width[L] + k]);
        fputs("]\n", f);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "bench_core: cannot write %s\n", path);
        return -1;
    }
    lesson back;
    lesson_error err;
    if (lesson_load_file(path, &back, &err) < 0) {
        fprintf(stderr, "bench_core: %s\n", err.message);
        return -1;
    }
    int same = back.net.samples == net->samples;
    for (int n = 0; same && n < L; n++)
        same = memcmp(back.net.weights[n], net->weights[n],
                      (size_t)net->width[n] * net->width[n + 1] * sizeof(double)) == 0;
    same = same && memcmp(back.net.inputs, net->inputs,
                          (size_t)net->samples * net->width[0] * sizeof(double)) == 0;
    same = same && memcmp(back.net.targets, net->targets,
                          (size_t)net->samples * net->width[L] * sizeof(double)) == 0;
    lesson_free(&back);
    if (!same)
        fprintf(stderr, "bench_core: %s does not load back to the same network\n", path);
    return same ? 0 : -1;
}

/* Peak resident set size of this process in KiB, from /proc/self/status. */
static long bench_peak_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

/* Weight updates per sample: every weight, plus the trained biases. */
static long bench_updates(const engine_net *net)
{
    long w = 0;
    for (int N = 1; N <= net->layers; N++)
        w += (long)net->width[N - 1] * net->width[N] +
             (net->has_bias && net->train_bias ? net->width[N] : 0);
    return w;
}

/* Trains in doubling chunks until `seconds` have passed; reports the rate. */
static int bench_rate(engine *e, double seconds)
{
    const engine_net *net = engine_network(e);
    long samples = net->samples, params = bench_updates(net);
    long epochs = 1, done = 0;
    double t0 = bench_now(), t = t0;
    while (t - t0 < seconds) {
        if (engine_train(e, epochs, NULL) >= 0) {
            fprintf(stderr, "bench_core: training diverged\n");
            return 1;
        }
        done += epochs;
        t = bench_now();
        if (epochs < (1L << 24))
            epochs *= 2;
    }
    double per_s = (double)done * samples / (t - t0);
    printf("updates_per_s %.0f ns_per_sample %.2f ns_per_weight %.4f weights %ld"
           " epochs %ld loss %.6g\n",
           per_s, 1e9 / per_s, 1e9 / per_s / params, params, done,
           engine_net_mean_loss(engine_network(e)));
    return 0;
}

/* Trains `epochs` epochs in one call; reports the CPU time per sample and
 * the mean loss afterwards to the last digit, for the plain loop's check. */
static int bench_train(engine *e, long epochs)
{
    const engine_net *net = engine_network(e);
    double t0 = bench_now();
    long bad = engine_train(e, epochs, NULL);
    double t = bench_now() - t0;
    printf("ns_per_sample %.2f samples %ld weights %ld nonfinite %ld loss %.17g\n",
           t * 1e9 / ((double)epochs * net->samples), epochs * net->samples,
           bench_updates(net), bad, engine_net_mean_loss(net));
    return 0;
}

/* Takes `steps` steps forward, then reports the peak RSS and the history. */
static int bench_history(engine *e, long steps)
{
    long before = bench_peak_kib();
    double t0 = bench_now();
    for (long i = 0; i < steps; i++)
        engine_next(e);
    double t = bench_now() - t0;
    long back = 0;
    t0 = bench_now();
    while (engine_prev(e))
        back++;
    double tb = bench_now() - t0;
    printf("peak_kib %ld start_kib %ld depth_steps %ld ns_per_next %.1f ns_per_prev %.1f\n",
           bench_peak_kib(), before, back, t * 1e9 / steps, back ? tb * 1e9 / back : 0.0);
    return 0;
}

/* Writes a JSON array of n numbers with all their digits. */
static void bench_dump_numbers(const double *v, int n)
{
    for (int k = 0; k < n; k++)
        printf("%s%.17g", k ? ", " : "[", v[k]);
    fputs(n ? "]" : "[]", stdout);
}

/* The network as JSON, for another program to train the same one: shape,
 * activations, loss, mode, learning rate, weights (canonical, rows of
 * inputs), biases, inputs and targets. */
static int bench_dump(const engine_net *net)
{
    int L = net->layers;
    printf("{\"layers\": [");
    for (int i = 0; i <= L; i++)
        printf("%s%d", i ? ", " : "", net->width[i]);
    printf("], \"activations\": [");
    for (int i = 0; i < L; i++)
        printf("%s\"%s\"", i ? ", " : "", engine_act_name(net->act[i]));
    printf("], \"loss\": \"%s\", \"mode\": \"%s\", \"learning_rate\": %.17g,"
           " \"train_biases\": %s,\n \"weights\": [",
           engine_loss_name(net->loss), engine_mode_name(net->mode), net->learning_rate,
           net->has_bias && net->train_bias ? "true" : "false");
    for (int l = 0; l < L; l++) {
        fputs(l ? ",\n  [" : "[", stdout);
        for (int i = 0; i < net->width[l]; i++) {
            fputs(i ? ", " : "", stdout);
            bench_dump_numbers(net->weights[l] + (size_t)i * net->width[l + 1], net->width[l + 1]);
        }
        fputs("]", stdout);
    }
    fputs("],\n \"biases\": ", stdout);
    if (!net->has_bias)
        fputs("null", stdout);
    for (int l = 0; net->has_bias && l < L; l++) {
        fputs(l ? ", " : "[", stdout);
        bench_dump_numbers(net->biases[l], net->width[l + 1]);
    }
    fputs(net->has_bias ? "],\n \"inputs\": [" : ",\n \"inputs\": [", stdout);
    for (int s = 0; s < net->samples; s++) {
        fputs(s ? ", " : "", stdout);
        bench_dump_numbers(net->inputs + (size_t)s * net->width[0], net->width[0]);
    }
    fputs("],\n \"targets\": [", stdout);
    for (int s = 0; s < net->samples; s++) {
        fputs(s ? ", " : "", stdout);
        bench_dump_numbers(net->targets + (size_t)s * net->width[L], net->width[L]);
    }
    fputs("]}\n", stdout);
    return 0;
}

/* Loads a lesson file or the default one; 0 or -1 with a message. */
static int bench_load(const char *path, lesson *l)
{
    lesson_error err;
    int bad = strcmp(path, "default") == 0 ? lesson_load_default(l, &err)
                                           : lesson_load_file(path, l, &err);
    if (bad)
        fprintf(stderr, "bench_core: %s\n", err.message);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    int dump = argc == 3 && strcmp(argv[1], "dump") == 0;
    if (!dump && (argc < 4 || (strcmp(argv[1], "lesson") != 0 && argc != 4) || argc > 6)) {
        fprintf(stderr, "usage: bench_core train|rate|history LESSON ARG\n"
                        "       bench_core dump LESSON\n"
                        "       bench_core lesson NET PATH [online|batch [SAMPLES]]\n");
        return 2;
    }
    lesson l;
    int rc = 0;
    if (strcmp(argv[1], "lesson") == 0) {
        engine_mode mode = argc > 4 && strcmp(argv[4], "batch") == 0 ? MODE_BATCH : MODE_ONLINE;
        int samples = argc > 5 ? atoi(argv[5]) : BENCH_SAMPLES;
        if (samples < 1 || samples > ENGINE_MAX_SAMPLES || strcmp(argv[2], "2-3-2") == 0) {
            fprintf(stderr, "bench_core: SAMPLES 1..%d, and a NET other than the built-in 2-3-2\n",
                    ENGINE_MAX_SAMPLES);
            return 2;
        }
        if (bench_lesson(argv[2], mode, samples, &l) < 0)
            return 2;
        rc = bench_write(argv[2], &l, argv[3]) < 0;
        engine_net_free(&l.net);
        return rc;
    }
    if (bench_load(argv[2], &l) < 0)
        return 2;
    if (strcmp(argv[1], "dump") == 0) {
        rc = bench_dump(&l.net);
        lesson_free(&l);
        return rc;
    }
    engine *e = engine_new(&l.net, l.net.convention);
    if (!e) {
        fprintf(stderr, "bench_core: cannot make an engine for %s\n", argv[2]);
        lesson_free(&l);
        return 1;
    }
    if (strcmp(argv[1], "train") == 0)
        rc = bench_train(e, strtol(argv[3], NULL, 10));
    else if (strcmp(argv[1], "rate") == 0)
        rc = bench_rate(e, strtod(argv[3], NULL));
    else if (strcmp(argv[1], "history") == 0)
        rc = bench_history(e, strtol(argv[3], NULL, 10));
    else {
        fprintf(stderr, "bench_core: %s: expected train, rate, history or lesson\n", argv[1]);
        rc = 2;
    }
    engine_free(e);
    lesson_free(&l);
    return rc;
}
