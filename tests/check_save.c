/* check_save.c - saving a network as a lesson: the round trip is
 * bit-identical, and a failed save leaves the original as it was and no
 * temporary file behind. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "lesson.h"
#include "save.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/backstep-save-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Removes the test folder with the files and folders directly inside it. */
static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    char path[512];
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        if (unlink(path) != 0)
            rmdir(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Files in the test folder whose name starts with a dot: temporaries. */
static int hidden_files(void)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (ent->d_name[0] == '.' && strcmp(ent->d_name, ".") && strcmp(ent->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* The whole file, NUL-terminated, in a static buffer. */
static const char *read_all(const char *path)
{
    static char buf[2 << 20];
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The file holds exactly want; says where it first differs. */
static void file_is(const char *path, const char *want)
{
    const char *got = read_all(path);
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    ck_assert_msg(got[i] == want[i], "%s differs at byte %zu: got '%.40s', want '%.40s'", path,
                  i, got + i, want + i);
}

static void load(const char *path, lesson *l)
{
    lesson_error err;
    ck_assert_msg(lesson_load_file(path, l, &err) == 0, "%s", err.message);
}

static void load_text(const char *text, lesson *l)
{
    lesson_error err;
    ck_assert_msg(lesson_load_string("test.yaml", text, strlen(text), l, &err) == 0, "%s",
                  err.message);
}

/* Two networks hold the very same bits. */
static void same_net(const engine_net *a, const engine_net *b)
{
    ck_assert_int_eq(a->layers, b->layers);
    for (int n = 0; n <= a->layers; n++)
        ck_assert_int_eq(a->width[n], b->width[n]);
    for (int n = 0; n < a->layers; n++) {
        ck_assert_int_eq(a->act[n], b->act[n]);
        size_t bytes = sizeof(double) * (size_t)(a->width[n] * a->width[n + 1]);
        ck_assert_msg(memcmp(a->weights[n], b->weights[n], bytes) == 0, "weights %d differ", n);
        ck_assert_int_eq(a->biases[n] != NULL, b->biases[n] != NULL);
        if (a->biases[n])
            ck_assert_msg(memcmp(a->biases[n], b->biases[n],
                                 sizeof(double) * (size_t)a->width[n + 1]) == 0,
                          "biases %d differ", n);
    }
    ck_assert_int_eq(a->loss, b->loss);
    ck_assert_int_eq(a->convention, b->convention);
    ck_assert_int_eq(a->mode, b->mode);
    ck_assert_int_eq(a->has_bias, b->has_bias);
    ck_assert_int_eq(a->train_bias, b->train_bias);
    ck_assert(memcmp(&a->learning_rate, &b->learning_rate, sizeof(double)) == 0);
    ck_assert_int_eq(a->samples, b->samples);
    ck_assert(memcmp(a->inputs, b->inputs,
                     sizeof(double) * (size_t)(a->samples * a->width[0])) == 0);
    ck_assert(memcmp(a->targets, b->targets,
                     sizeof(double) * (size_t)(a->samples * a->width[a->layers])) == 0);
}

/* Fills every number of the net with values that have no short decimal. */
static void scramble(engine_net *net, uint64_t seed)
{
    engine_rng rng;
    engine_rng_seed(&rng, seed);
    for (int n = 0; n < net->layers; n++) {
        for (int i = 0; i < net->width[n] * net->width[n + 1]; i++)
            net->weights[n][i] = (engine_rng_uniform(&rng) - 0.5) * 3.0;
        if (net->biases[n])
            for (int i = 0; i < net->width[n + 1]; i++)
                net->biases[n][i] = (engine_rng_uniform(&rng) - 0.5) / 7.0;
    }
    for (int i = 0; i < net->samples * net->width[0]; i++)
        net->inputs[i] = engine_rng_uniform(&rng) * 1e-3;
    net->learning_rate = 1.0 / 3.0;
    /* Corners of the format: tiny, subnormal, negative zero, huge, whole. */
    net->weights[0][0] = 1e-300;
    net->weights[0][1] = 4.9406564584124654e-324;
    net->inputs[0] = -0.0;
    net->targets[0] = 123456789.123456789;
    net->weights[net->layers - 1][0] = 3;
}

/* Saves l's network, scrambled, and loads it back. */
static void round_trip(const char *text, uint64_t seed)
{
    lesson a, b;
    char path[128], msg[SAVE_ERROR_SIZE];
    load_text(text, &a);
    scramble(&a.net, seed);
    snprintf(path, sizeof path, "%s/trip.yaml", dir);
    ck_assert_msg(save_lesson(path, &a.net, &a, msg, sizeof msg) == 0, "%s", msg);
    ck_assert_str_eq(msg, "");
    load(path, &b);
    same_net(&a.net, &b.net);
    ck_assert_str_eq(a.title, b.title);
    ck_assert_int_eq(a.description != NULL, b.description != NULL);
    if (a.description)
        ck_assert_str_eq(a.description, b.description);
    ck_assert_int_eq(a.n_notes, b.n_notes);
    for (int i = 0; i < a.n_notes; i++) {
        ck_assert_str_eq(a.notes[i].pattern, b.notes[i].pattern);
        ck_assert_str_eq(a.notes[i].text, b.notes[i].text);
    }
    ck_assert_int_eq(a.n_expressions, b.n_expressions);
    for (int i = 0; i < a.n_expressions; i++) {
        ck_assert_str_eq(a.expressions[i].caption, b.expressions[i].caption);
        ck_assert_str_eq(a.expressions[i].expr, b.expressions[i].expr);
    }
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
    lesson_free(&b);
}

/* The built-in lesson saved as it is: its own text, byte for byte. */
START_TEST(round_trip_default_lesson)
{
    lesson a, b;
    char path[128], msg[SAVE_ERROR_SIZE];
    lesson_error err;
    ck_assert_msg(lesson_load_default(&a, &err) == 0, "%s", err.message);
    snprintf(path, sizeof path, "%s/question.yaml", dir);
    ck_assert_msg(save_lesson(path, &a.net, &a, msg, sizeof msg) == 0, "%s", msg);
    load(path, &b);
    same_net(&a.net, &b.net);
    ck_assert_str_eq(b.title, "The 2-3-2 network from the question");
    ck_assert_int_eq(b.n_notes, a.n_notes);
    ck_assert_str_eq(lesson_note_for(&b, "update.2"), lesson_note_for(&a, "update.2"));
    file_is(path, lesson_default_yaml);
    lesson_free(&b);
    /* One weight edited: that number alone changes, in its shortest form. */
    a.net.weights[0][1] = 0.1 + 0.2;
    ck_assert_msg(save_lesson(path, &a.net, &a, msg, sizeof msg) == 0, "%s", msg);
    const char *want_old = "  - [[0.2, -0.4, 0.6],\n";
    const char *at = strstr(lesson_default_yaml, want_old);
    ck_assert_ptr_nonnull(at);
    char want[1 << 16];
    size_t head = (size_t)(at - lesson_default_yaml);
    snprintf(want, sizeof want, "%.*s  - [[0.2, 0.30000000000000004, 0.6],\n%s", (int)head,
             lesson_default_yaml, at + strlen(want_old));
    file_is(path, want);
    load(path, &b);
    same_net(&a.net, &b.net);
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

START_TEST(round_trip_columns_without_biases)
{
    round_trip("title: cols\n"
               "layers: [2, 3, 2]\n"
               "activations: [sigmoid, linear]\n"
               "samples:\n"
               "  - {input: [1, 0.5], target: [1, 0]}\n"
               "  - {input: [0, 1], target: [0, 1]}\n",
               1);
}
END_TEST

START_TEST(round_trip_rows_with_biases)
{
    round_trip("title: \"rows, biased\"\n"
               "description: Three layers\n"
               "layers: [3, 4, 2, 2]\n"
               "activations: [tanh, relu, softmax]\n"
               "loss: cross_entropy\n"
               "convention: rows\n"
               "mode: batch\n"
               "seed: 9\n"
               "biases: zero\n"
               "samples:\n"
               "  - {input: [1, 0.5, -1], target: [1, 0]}\n",
               2);
}
END_TEST

START_TEST(round_trip_rows_frozen_biases)
{
    round_trip("title: frozen\n"
               "layers: [2, 2, 2]\n"
               "activations: [sigmoid, sigmoid]\n"
               "convention: rows\n"
               "biases: [[0.35, 0.35], [0.6, 0.6]]\n"
               "train_biases: false\n"
               "samples:\n"
               "  - {input: [0.05, 0.1], target: [0.01, 0.99]}\n",
               3);
}
END_TEST

START_TEST(round_trip_columns_with_biases_and_words)
{
    round_trip("title: \"Quotes \\\" and \\\\ back\\tslash: # not a comment\"\n"
               "description: \"  leading spaces\\nδ ⊙ ᵀ × and a line\\n\\u2028sep \\x01\"\n"
               "layers: [2, 2]\n"
               "activations: [linear]\n"
               "biases: [[0.5, -0.5]]\n"
               "samples:\n"
               "  - {input: [1, 2], target: [3, 4]}\n"
               "notes:\n"
               "  \"update.*\": \"- starts like a list: {not: a map} [nor a list] 'q'\"\n"
               "  loss: |\n"
               "    two\n"
               "    lines\n"
               "expressions:\n"
               "  - caption: \"W'\"\n"
               "    expr: \"W_ijᵀ * x\"\n",
               4);
}
END_TEST

START_TEST(invalid_utf8_becomes_replacement)
{
    lesson a, b;
    char path[128], msg[SAVE_ERROR_SIZE];
    load_text("title: t\nlayers: [1, 1]\nactivations: [linear]\n"
              "samples: [{input: [1], target: [1]}]\n", &a);
    free(a.title);
    a.title = strdup("bad \xff byte");
    ck_assert_ptr_nonnull(a.title);
    snprintf(path, sizeof path, "%s/utf.yaml", dir);
    ck_assert_msg(save_lesson(path, &a.net, &a, msg, sizeof msg) == 0, "%s", msg);
    load(path, &b);
    ck_assert_str_eq(b.title, "bad \xef\xbf\xbd byte");
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

START_TEST(mode_kept_and_symlink_followed)
{
    lesson a, b;
    char real[128], link[128], msg[SAVE_ERROR_SIZE];
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    snprintf(real, sizeof real, "%s/real.yaml", dir);
    snprintf(link, sizeof link, "%s/link.yaml", dir);
    write_file(real, "old\n");
    ck_assert_int_eq(chmod(real, 0640), 0);
    ck_assert_int_eq(symlink("real.yaml", link), 0);
    ck_assert_msg(save_lesson(link, &a.net, &a, msg, sizeof msg) == 0, "%s", msg);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(stat(real, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    load(real, &b);
    same_net(&a.net, &b.net);
    /* A new file gets what the umask allows, not mkstemp's 0600. */
    char fresh[128];
    snprintf(fresh, sizeof fresh, "%s/fresh.yaml", dir);
    mode_t old = umask(022);
    ck_assert_int_eq(save_lesson(fresh, &a.net, &a, msg, sizeof msg), 0);
    umask(old);
    ck_assert_int_eq(stat(fresh, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644);
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

/* The original file, which no failed save may touch. */
static const char original[] = "title: original\n";

static void expect_failure(const char *path, int rc, const char *msg, const char *want)
{
    char full[SAVE_ERROR_SIZE];
    snprintf(full, sizeof full, "cannot save %s: %s", path, want);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(msg, full);
}

START_TEST(fails_in_missing_folder)
{
    lesson a;
    lesson_error err;
    char path[128], msg[SAVE_ERROR_SIZE];
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    snprintf(path, sizeof path, "%s/nope/a.yaml", dir);
    expect_failure(path, save_lesson(path, &a.net, &a, msg, sizeof msg), msg,
                   "No such file or directory");
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
}
END_TEST

START_TEST(fails_onto_a_folder)
{
    lesson a;
    lesson_error err;
    char path[128], msg[SAVE_ERROR_SIZE];
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    snprintf(path, sizeof path, "%s/folder.yaml", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    expect_failure(path, save_lesson(path, &a.net, &a, msg, sizeof msg), msg, "Is a directory");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
}
END_TEST

START_TEST(fails_where_nothing_can_be_created)
{
    /* /proc refuses new files even to root. */
    lesson a;
    lesson_error err;
    char msg[SAVE_ERROR_SIZE];
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    const char *path = "/proc/backstep-lesson.yaml";
    expect_failure(path, save_lesson(path, &a.net, &a, msg, sizeof msg), msg,
                   "No such file or directory");
    ck_assert_int_eq(access(path, F_OK), -1);
    lesson_free(&a);
}
END_TEST

/* What the injected temporary file did. */
typedef struct {
    char made[256]; /* the real temporary file created in the folder */
    int fail_errno; /* 0: hand back /dev/full; else fail with this errno */
} hook;

/* Creates the real temporary file (so its removal is checked) but hands
 * back a stream on /dev/full, where every write hits a full disk. */
static FILE *open_full(char *tmpl, void *ctx)
{
    hook *h = ctx;
    if (h->fail_errno) {
        errno = h->fail_errno;
        return NULL;
    }
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    close(fd);
    snprintf(h->made, sizeof h->made, "%s", tmpl);
    return fopen("/dev/full", "w");
}

START_TEST(disk_full_leaves_original)
{
    lesson a;
    lesson_error err;
    char path[128], msg[SAVE_ERROR_SIZE];
    hook h = {"", 0};
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    snprintf(path, sizeof path, "%s/keep.yaml", dir);
    write_file(path, original);
    int rc = save_write_via(path, &a.net, &a, NULL, 0, NULL, open_full, &h, msg, sizeof msg);
    expect_failure(path, rc, msg, "No space left on device");
    ck_assert_int_eq(strncmp(h.made, dir, strlen(dir)), 0);
    ck_assert_ptr_nonnull(strstr(h.made, "/.keep.yaml."));
    ck_assert_int_eq(access(h.made, F_OK), -1);
    ck_assert_str_eq(read_all(path), original);
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
}
END_TEST

START_TEST(disk_full_mid_write_leaves_original)
{
    /* 64x64 weights are far more than one stdio buffer, so the writes
     * themselves fail, not only the final flush. */
    lesson a;
    char path[128], msg[SAVE_ERROR_SIZE];
    hook h = {"", 0};
    char text[4096] = "title: wide\nlayers: [64, 64]\nactivations: [linear]\nseed: 5\n"
                      "samples: [{input: [1";
    for (int i = 1; i < 64; i++)
        strcat(text, ", 1");
    strcat(text, "], target: [0");
    for (int i = 1; i < 64; i++)
        strcat(text, ", 0");
    strcat(text, "]}]\n");
    load_text(text, &a);
    snprintf(path, sizeof path, "%s/keep.yaml", dir);
    write_file(path, original);
    int rc = save_write_via(path, &a.net, &a, NULL, 0, NULL, open_full, &h, msg, sizeof msg);
    expect_failure(path, rc, msg, "No space left on device");
    ck_assert_int_eq(access(h.made, F_OK), -1);
    ck_assert_str_eq(read_all(path), original);
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
}
END_TEST

START_TEST(temp_not_created_leaves_original)
{
    lesson a;
    lesson_error err;
    char path[128], msg[SAVE_ERROR_SIZE];
    hook h = {"", ENOSPC};
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    snprintf(path, sizeof path, "%s/keep.yaml", dir);
    write_file(path, original);
    int rc = save_write_via(path, &a.net, &a, NULL, 0, NULL, open_full, &h, msg, sizeof msg);
    expect_failure(path, rc, msg, "No space left on device");
    ck_assert_str_eq(read_all(path), original);
    h.fail_errno = EACCES;
    rc = save_write_via(path, &a.net, &a, NULL, 0, NULL, open_full, &h, msg, sizeof msg);
    expect_failure(path, rc, msg, "Permission denied");
    ck_assert_str_eq(read_all(path), original);
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&a);
}
END_TEST

START_TEST(non_finite_refused)
{
    lesson a;
    lesson_error err;
    char path[128], msg[SAVE_ERROR_SIZE];
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    snprintf(path, sizeof path, "%s/keep.yaml", dir);
    write_file(path, original);
    a.net.weights[1][4] = NAN;
    expect_failure(path, save_lesson(path, &a.net, &a, msg, sizeof msg), msg,
                   "the network holds a number that is not finite");
    ck_assert_str_eq(read_all(path), original);
    ck_assert_int_eq(hidden_files(), 0);
    /* save_emit says so too, with EDOM, and writes nothing. */
    char buf[64] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    ck_assert_ptr_nonnull(f);
    errno = 0;
    ck_assert_int_eq(save_emit(f, &a.net, &a), -1);
    ck_assert_int_eq(errno, EDOM);
    fclose(f);
    ck_assert_str_eq(buf, "");
    lesson_free(&a);
}
END_TEST

START_TEST(emit_without_words)
{
    lesson a, b;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&a, &err), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(save_emit(f, &a.net, NULL), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(lesson_load_string("mem.yaml", text, len, &b, &err) == 0, "%s", err.message);
    ck_assert_str_eq(b.title, "Saved network");
    ck_assert_ptr_null(b.description);
    ck_assert_int_eq(b.n_notes, 0);
    same_net(&a.net, &b.net);
    free(text);
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

/* ---- numbers ---- */

/* The next 64 random bits (splitmix64). */
static uint64_t next_bits(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Formats v, reads it back the way the loader does, and checks the bits. */
static void reads_back(double v)
{
    char buf[SAVE_NUMBER_SIZE];
    int n = save_number(v, buf, sizeof buf);
    ck_assert_int_eq(n, (int)strlen(buf));
    char *end;
    double back = strtod(buf, &end);
    if (*end != '\0' || memcmp(&back, &v, sizeof v) != 0)
        ck_abort_msg("%.17g written as '%s' reads back as %.17g", v, buf, back);
}

START_TEST(numbers_shortest)
{
    static const struct {
        double v;
        const char *text;
    } known[] = {
        {0.1, "0.1"}, {0.5, "0.5"}, {-0.4, "-0.4"}, {1.0, "1"}, {-0.0, "-0"}, {0.0, "0"},
        {0.1 + 0.2, "0.30000000000000004"}, {1.0 / 3.0, "0.3333333333333333"},
        {123456789.123456789, "123456789.12345679"}, {1e22, "1e+22"}, {1e-7, "1e-07"},
        {5e-324, "5e-324"}, {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {1.7976931348623157e308, "1.7976931348623157e+308"}, {0.6, "0.6"},
    };
    char buf[SAVE_NUMBER_SIZE];
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        save_number(known[i].v, buf, sizeof buf);
        ck_assert_str_eq(buf, known[i].text);
    }
    /* A million random bit patterns: every exponent, subnormals included
     * (about 1 in 2048), NaN and infinity skipped; then the neighbours of
     * the extremes and of the powers of ten. */
    uint64_t state = 20240601;
    /* Under valgrind, whose every instruction is 50 times slower, fewer. */
    const char *pre = getenv("LD_PRELOAD");
    long n = pre && strstr(pre, "vgpreload") ? 20000 : 1000000, tried = 0, subnormal = 0;
    while (tried < n) {
        uint64_t bits = next_bits(&state);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        subnormal += fpclassify(v) == FP_SUBNORMAL;
        reads_back(v);
        tried++;
    }
    ck_assert_int_gt(subnormal, n / 5000);
    for (uint64_t bits = 1; bits < 5000; bits++) { /* the smallest subnormals */
        double v;
        memcpy(&v, &bits, sizeof v);
        reads_back(v);
        reads_back(-v);
    }
    double edges[] = {DBL_MIN, DBL_MAX, DBL_TRUE_MIN, DBL_EPSILON, 1.0, 0.1};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        double v = edges[i];
        for (int k = 0; k < 100; k++) {
            reads_back(v);
            reads_back(-v);
            v = nextafter(v, INFINITY);
        }
    }
    for (int e = -323; e <= 308; e++) {
        char p[32];
        snprintf(p, sizeof p, "1e%d", e);
        double v = strtod(p, NULL);
        reads_back(v);
        reads_back(nextafter(v, 0));
        /* a power of ten is written with one digit */
        save_number(v, buf, sizeof buf);
        size_t mant = strcspn(buf, "e");
        int ones = 0, others = 0;
        for (size_t k = 0; k < mant; k++)
            ones += buf[k] == '1', others += buf[k] >= '2' && buf[k] <= '9';
        ck_assert_msg(ones == 1 && others == 0, "1e%d written as %s", e, buf);
    }
    /* Short decimals stay short: a number written with up to 15 digits
     * comes back as the same digits. */
    for (int i = 0; i < 100000; i++) {
        char want[32], got[SAVE_NUMBER_SIZE];
        uint64_t r = next_bits(&state);
        snprintf(want, sizeof want, "%s0.%llu", r & 1 ? "-" : "",
                 (unsigned long long)(r >> 1) % 1000000000000000ULL);
        double v = strtod(want, NULL);
        char expect[32];
        snprintf(expect, sizeof expect, "%.15g", v);
        save_number(v, got, sizeof got);
        ck_assert_str_eq(got, expect);
        ck_assert_uint_le(strlen(got), strlen(want));
    }
}
END_TEST

/* ---- the author's text ---- */

/* Saves l's net (already changed) to path and expects the file to hold want. */
static void saves_as(lesson *l, const char *path, const char *want)
{
    char msg[SAVE_ERROR_SIZE];
    save_report rep;
    int rc = save_write(path, &l->net, l, NULL, 0, &rep, msg, sizeof msg);
    ck_assert_msg(rc == SAVE_DONE, "%s", msg);
    ck_assert_int_eq(rep.fresh, 0);
    file_is(path, want);
    lesson b;
    load(path, &b);
    same_net(&l->net, &b.net);
    lesson_free(&b);
}

/* The example of lessons/README.md: 23 comment lines, seed, block-scalar
 * notes, aligned comments; one weight and the learning rate edited. */
START_TEST(edit_keeps_readme_example)
{
    FILE *f = fopen("lessons/README.md", "r");
    ck_assert_ptr_nonnull(f);
    static char doc[32768], want[32768];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    char *start = strstr(doc, "```yaml\n") + strlen("```yaml\n");
    char *end = strstr(start, "```");
    *end = '\0';
    char path[128];
    snprintf(path, sizeof path, "%s/example.yaml", dir);
    write_file(path, start);
    lesson l;
    load(path, &l);
    int comments = 0;
    for (const char *p = start; (p = strchr(p, '#')); p++)
        comments++;
    ck_assert_int_eq(comments, 23);
    /* Unchanged: the very same bytes. */
    saves_as(&l, path, start);
    /* W_jk[2][1] (0.65) and the learning rate (0.5) change. */
    l.net.weights[1][5] = 0.7;
    l.net.learning_rate = 0.25;
    char *w = strstr(start, "[0.60, 0.65]]");
    char *r = strstr(start, "learning_rate: 0.5 ");
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_nonnull(r);
    snprintf(want, sizeof want, "%.*slearning_rate: 0.25%.*s[0.60, 0.7]]%s",
             (int)(r - start), start, (int)(w - r - strlen("learning_rate: 0.5")),
             r + strlen("learning_rate: 0.5"), w + strlen("[0.60, 0.65]]"));
    saves_as(&l, path, want);
    lesson_free(&l);
}
END_TEST

/* A number written with more digits than a double holds (85 of them,
 * read as 1e+83) is the number the loader read: unchanged, the lesson
 * saves to the very same bytes; changed, only that number is rewritten. */
START_TEST(edit_keeps_long_numbers)
{
    static const char text[] =
        "title: long\nlayers: [2, 1]\nactivations: [linear]\nweights:\n  - [[0.5], [0.25]]\nsamples:\n"
        "  - {input: [1, 99999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999991], target: [1]}\n";
    char path[128];
    snprintf(path, sizeof path, "%s/long.yaml", dir);
    write_file(path, text);
    lesson l;
    load(path, &l);
    ck_assert(l.net.inputs[1] == 1e83);
    saves_as(&l, path, text);
    l.net.weights[0][1] = 0.75;
    char want[sizeof text + 32];
    char *w = strstr(text, "0.25");
    snprintf(want, sizeof want, "%.*s0.75%s", (int)(w - text), text, w + 4);
    saves_as(&l, path, want);
    lesson_free(&l);
}
END_TEST

/* CR LF and CR-only files keep their line ends, also in new lines. */
START_TEST(edit_keeps_line_ends)
{
    static const char *const breaks[] = {"\r\n", "\r"};
    for (int k = 0; k < 2; k++) {
        const char *b = breaks[k];
        char text[1024], want[2048], path[128];
        snprintf(text, sizeof text,
                 "# seeded%stitle: t%slayers: [2, 2]%sactivations: [linear]%sseed: 3%s"
                 "samples:%s  - {input: [1, 0.5], target: [0, 1]}%s",
                 b, b, b, b, b, b, b);
        snprintf(path, sizeof path, "%s/breaks.yaml", dir);
        write_file(path, text);
        lesson l;
        load(path, &l);
        /* The input changes in place; new weights come before the samples. */
        l.net.inputs[1] = 0.25;
        l.net.weights[0][3] = 2;
        char num[3][SAVE_NUMBER_SIZE];
        for (int i = 0; i < 3; i++)
            save_number(l.net.weights[0][i], num[i], sizeof num[i]);
        char *samples = strstr(text, "samples:");
        char *in = strstr(text, "0.5]");
        snprintf(want, sizeof want, "%.*sweights:%s  - [[%s, %s],%s     [%s, 2]]%s%.*s0.25%s",
                 (int)(samples - text), text, b, num[0], num[1], b, num[2], b,
                 (int)(in - samples), samples, in + 3);
        saves_as(&l, path, want);
        lesson_free(&l);
    }
}
END_TEST

/* Seeded weights, "biases: zero" and a missing learning rate become
 * numbers only once they change; a { } lesson gets them inside its braces. */
START_TEST(edit_adds_what_was_not_written)
{
    char path[128];
    snprintf(path, sizeof path, "%s/add.yaml", dir);
    static const char text[] = "  title: t   # indented\n"
                               "  layers: [1, 2]\n"
                               "  activations: [tanh]\n"
                               "  biases: zero  # for now\n"
                               "  samples: [{input: [1], target: [0, 1]}]\n"
                               "  # the end\n"
                               "...\n";
    write_file(path, text);
    lesson l;
    load(path, &l);
    saves_as(&l, path, text);
    l.net.biases[0][1] = -0.5;
    l.net.learning_rate = 0.01;
    char num[2][SAVE_NUMBER_SIZE], want[1024];
    save_number(l.net.weights[0][0], num[0], sizeof num[0]);
    save_number(l.net.weights[0][1], num[1], sizeof num[1]);
    snprintf(want, sizeof want,
             "  title: t   # indented\n"
             "  layers: [1, 2]\n"
             "  activations: [tanh]\n"
             "  biases: [[0, -0.5]]  # for now\n"
             "  learning_rate: 0.01\n"
             "  samples: [{input: [1], target: [0, 1]}]\n"
             "  # the end\n"
             "...\n");
    saves_as(&l, path, want);
    l.net.weights[0][0] = 1;
    snprintf(want, sizeof want,
             "  title: t   # indented\n"
             "  layers: [1, 2]\n"
             "  activations: [tanh]\n"
             "  biases: [[0, -0.5]]  # for now\n"
             "  learning_rate: 0.01\n"
             "  weights:\n"
             "    - [[1, %s]]\n"
             "  samples: [{input: [1], target: [0, 1]}]\n"
             "  # the end\n"
             "...\n", num[1]);
    saves_as(&l, path, want);
    lesson_free(&l);

    static const char flow[] = "{title: f, layers: [1, 1], activations: [linear],\n"
                               " samples: [{input: [2], target: [3]}]}  # all in braces\n";
    write_file(path, flow);
    load(path, &l);
    l.net.weights[0][0] = 0.5;
    l.net.learning_rate = 2;
    saves_as(&l, path, "{title: f, layers: [1, 1], activations: [linear],\n"
                       " samples: [{input: [2], target: [3]}], learning_rate: 2, "
                       "weights: [[[0.5]]]}  # all in braces\n");
    lesson_free(&l);

    /* A block scalar last, without a line break at the end: its text
     * stays as it was, as the new key goes before the samples. */
    write_file(path, "title: n\nlayers: [1, 1]\nactivations: [linear]\n"
                     "samples: [{input: [2], target: [3]}] # last\ndescription: |\n  no end");
    load(path, &l);
    l.net.learning_rate = 3;
    saves_as(&l, path, "title: n\nlayers: [1, 1]\nactivations: [linear]\nlearning_rate: 3\n"
                       "samples: [{input: [2], target: [3]}] # last\ndescription: |\n  no end");
    lesson_free(&l);
    /* "samples" written as a complex key: the new key goes at the end. */
    write_file(path, "title: n\nlayers: [1, 1]\nactivations: [linear]\n"
                     "? samples\n: [{input: [2], target: [3]}] # last");
    load(path, &l);
    l.net.learning_rate = 3;
    saves_as(&l, path, "title: n\nlayers: [1, 1]\nactivations: [linear]\n"
                       "? samples\n: [{input: [2], target: [3]}] # last\nlearning_rate: 3\n");
    lesson_free(&l);
}
END_TEST

/* A 665 KB lesson of 0.1s (the largest layers, 1000 samples) saves back to
 * the same size, where %.17g once made it a 2.8 MB file no one could open. */
START_TEST(large_lesson_stays_loadable)
{
    char path[128];
    snprintf(path, sizeof path, "%s/large.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("title: large\nlayers: [64, 64]\nactivations: [sigmoid]\nweights:\n  - [", f);
    for (int r = 0; r < 64; r++) {
        fputs(r ? ",\n     [" : "[", f);
        for (int c = 0; c < 64; c++)
            fputs(c ? ", 0.1" : "0.1", f);
        fputc(']', f);
    }
    fputs("]\nsamples:\n", f);
    for (int s = 0; s < 1000; s++) {
        fputs("  - input: [0.1", f);
        for (int i = 1; i < 64; i++)
            fputs(", 0.1", f);
        fputs("]\n    target: [0.1", f);
        for (int i = 1; i < 64; i++)
            fputs(", 0.1", f);
        fputs("]\n", f);
    }
    ck_assert_int_eq(fclose(f), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_gt(st.st_size, 600000);
    ck_assert_int_lt(st.st_size, LESSON_MAX_BYTES);
    lesson l;
    load(path, &l);
    /* Every number changed (a training epoch does that): still loads. */
    for (int i = 0; i < 64 * 64; i++)
        l.net.weights[0][i] = 0.1 * (1.0 + 1.0 / 3.0);
    char msg[SAVE_ERROR_SIZE];
    int rc = save_lesson(path, &l.net, &l, msg, sizeof msg);
    ck_assert_msg(rc == 0, "%s", msg);
    lesson b;
    load(path, &b);
    same_net(&l.net, &b.net);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_lt(st.st_size, LESSON_MAX_BYTES);
    lesson_free(&b);
    lesson_free(&l);
}
END_TEST

/* A save whose text would be too large to open is refused, file untouched. */
START_TEST(too_large_refused)
{
    char path[128];
    snprintf(path, sizeof path, "%s/seeded.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("title: seeded\nlayers: [64, 64, 64, 64, 64, 64, 64, 64, 64]\n"
          "activations: [tanh, tanh, tanh, tanh, tanh, tanh, tanh, linear]\nseed: 1\nsamples:\n", f);
    for (int s = 0; s < 1000; s++) {
        fputs("  - {input: [0.1", f);
        for (int i = 1; i < 64; i++)
            fputs(", 0.1", f);
        fputs("], target: [0", f);
        for (int i = 1; i < 64; i++)
            fputs(", 0", f);
        fputs("]}\n", f);
    }
    ck_assert_int_eq(fclose(f), 0);
    const char *before = strdup(read_all(path));
    ck_assert_ptr_nonnull(before);
    lesson l;
    load(path, &l);
    l.net.weights[3][7] = 0.5; /* all 32768 seeded weights must now be written */
    char msg[SAVE_ERROR_SIZE], want[SAVE_ERROR_SIZE];
    int rc = save_lesson(path, &l.net, &l, msg, sizeof msg);
    ck_assert_int_eq(rc, SAVE_FAILED);
    size_t at = strlen(path) + strlen("cannot save : the lesson would be ");
    snprintf(want, sizeof want, "cannot save %s: the lesson would be ", path);
    ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "%s", msg);
    long bytes = strtol(msg + at, NULL, 10);
    ck_assert_int_gt(bytes, LESSON_MAX_BYTES);
    ck_assert_ptr_nonnull(strstr(msg, " bytes, more than the 1048576 a lesson may have, so it "
                                      "could not be opened again"));
    file_is(path, before);
    ck_assert_int_eq(hidden_files(), 0);
    free((void *)before);
    lesson_free(&l);
}
END_TEST

/* A fresh lesson (no text of its own) keeps multi-line notes as blocks. */
START_TEST(fresh_lesson_blocks)
{
    lesson a, b;
    load_text("title: \"t\"\n"
              "description: \"two\\nlines\\n\"\n"
              "layers: [1, 1]\nactivations: [linear]\n"
              "samples: [{input: [1], target: [1]}]\n"
              "notes:\n"
              "  loss: \"first\\n  indented\\n\\nafter a blank\"\n"
              "  update.*: \"  leading spaces\\nsecond\\n\"\n"
              "  forward.*.sum: \"trailing two\\n\\n\"\n",
              &a);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(save_emit(f, &a.net, &a), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_ptr_nonnull(strstr(text, "description: |\n  two\n  lines\nlayers:"));
    ck_assert_ptr_nonnull(strstr(text, "  \"loss\": |-\n    first\n      indented\n\n"
                                       "    after a blank\n"));
    ck_assert_ptr_nonnull(strstr(text, "  \"update.*\": \"  leading spaces\\nsecond\\n\"\n"));
    ck_assert_ptr_nonnull(strstr(text, "  \"forward.*.sum\": \"trailing two\\n\\n\"\n"));
    lesson_error err;
    ck_assert_msg(lesson_load_string("mem.yaml", text, len, &b, &err) == 0, "%s", err.message);
    for (int i = 0; i < a.n_notes; i++)
        ck_assert_str_eq(a.notes[i].text, b.notes[i].text);
    ck_assert_str_eq(a.description, b.description);
    free(text);
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

/* ---- files ---- */

static const char small[] = "title: small  # a comment\nlayers: [1, 1]\nactivations: [linear]\n"
                            "weights: [[[0.5]]]\nsamples: [{input: [1], target: [2]}]\n";

/* Loads small from path, changes its weight to w. */
static void small_lesson(const char *path, lesson *l, double w)
{
    load(path, l);
    l->net.weights[0][0] = w;
}

START_TEST(read_only_asks)
{
    char path[128], msg[SAVE_ERROR_SIZE], want[SAVE_ERROR_SIZE];
    snprintf(path, sizeof path, "%s/ro.yaml", dir);
    write_file(path, small);
    ck_assert_int_eq(chmod(path, 0444), 0);
    lesson l;
    small_lesson(path, &l, 0.25);
    save_report rep;
    int rc = save_write(path, &l.net, &l, NULL, 0, &rep, msg, sizeof msg);
    ck_assert_int_eq(rc, SAVE_READ_ONLY);
    snprintf(want, sizeof want, "%s is read-only", path);
    ck_assert_str_eq(msg, want);
    file_is(path, small);
    ck_assert_int_eq(save_lesson(path, &l.net, &l, msg, sizeof msg), SAVE_READ_ONLY);
    /* Asked and agreed: replaced, still read-only. */
    rc = save_write(path, &l.net, &l, NULL, SAVE_REPLACE_READ_ONLY, &rep, msg, sizeof msg);
    ck_assert_msg(rc == SAVE_DONE, "%s", msg);
    ck_assert_str_eq(msg, "");
    file_is(path, "title: small  # a comment\nlayers: [1, 1]\nactivations: [linear]\n"
                  "weights: [[[0.25]]]\nsamples: [{input: [1], target: [2]}]\n");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0444);
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&l);
}
END_TEST

START_TEST(symlinks_stay_links)
{
    char real[128], link[128], link2[128], dangling[128], msg[SAVE_ERROR_SIZE];
    snprintf(real, sizeof real, "%s/real.yaml", dir);
    snprintf(link, sizeof link, "%s/link.yaml", dir);
    snprintf(link2, sizeof link2, "%s/link2.yaml", dir);
    snprintf(dangling, sizeof dangling, "%s/dangling.yaml", dir);
    write_file(real, small);
    ck_assert_int_eq(symlink("real.yaml", link), 0);
    ck_assert_int_eq(symlink(link, link2), 0); /* absolute, to a link */
    lesson l;
    small_lesson(link2, &l, 4);
    save_report rep;
    ck_assert_int_eq(save_write(link2, &l.net, &l, NULL, 0, &rep, msg, sizeof msg), SAVE_DONE);
    ck_assert_int_eq(rep.through_link, 1);
    ck_assert_str_eq(rep.written, real);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(lstat(link2, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_ptr_nonnull(strstr(read_all(real), "weights: [[[4]]]"));
    /* A link to a file that does not exist yet: the file is made there. */
    ck_assert_int_eq(symlink("made.yaml", dangling), 0);
    ck_assert_int_eq(save_write(dangling, &l.net, &l, NULL, 0, &rep, msg, sizeof msg), SAVE_DONE);
    ck_assert_int_eq(lstat(dangling, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    char made[128];
    snprintf(made, sizeof made, "%s/made.yaml", dir);
    ck_assert_str_eq(rep.written, made);
    ck_assert_ptr_nonnull(strstr(read_all(made), "weights: [[[4]]]"));
    /* A loop of links is refused as such. */
    char a[128], b[128], want[SAVE_ERROR_SIZE];
    snprintf(a, sizeof a, "%s/loop1.yaml", dir);
    snprintf(b, sizeof b, "%s/loop2.yaml", dir);
    ck_assert_int_eq(symlink("loop2.yaml", a), 0);
    ck_assert_int_eq(symlink("loop1.yaml", b), 0);
    ck_assert_int_eq(save_write(a, &l.net, &l, NULL, 0, &rep, msg, sizeof msg), SAVE_FAILED);
    snprintf(want, sizeof want, "cannot save %s: Too many levels of symbolic links", a);
    ck_assert_str_eq(msg, want);
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&l);
}
END_TEST

START_TEST(hard_links_kept)
{
    char one[128], two[128], msg[SAVE_ERROR_SIZE];
    snprintf(one, sizeof one, "%s/one.yaml", dir);
    snprintf(two, sizeof two, "%s/two.yaml", dir);
    write_file(one, small);
    ck_assert_int_eq(link(one, two), 0);
    struct stat before, after;
    ck_assert_int_eq(stat(one, &before), 0);
    lesson l;
    small_lesson(one, &l, -1.5);
    save_report rep;
    ck_assert_int_eq(save_write(one, &l.net, &l, NULL, 0, &rep, msg, sizeof msg), SAVE_DONE);
    ck_assert_int_eq(rep.in_place, 1);
    ck_assert_int_eq(rep.links_split, 0);
    ck_assert_int_eq(stat(two, &after), 0);
    ck_assert_int_eq(after.st_ino, before.st_ino);
    ck_assert_int_eq(after.st_nlink, 2);
    ck_assert_ptr_nonnull(strstr(read_all(two), "weights: [[[-1.5]]]"));
    /* Shorter text: the file is cut to it. */
    l.net.weights[0][0] = 0;
    ck_assert_int_eq(save_write(two, &l.net, &l, NULL, 0, &rep, msg, sizeof msg), SAVE_DONE);
    file_is(one, "title: small  # a comment\nlayers: [1, 1]\nactivations: [linear]\n"
                 "weights: [[[0]]]\nsamples: [{input: [1], target: [2]}]\n");
    ck_assert_int_eq(hidden_files(), 0);
    /* A full disk under the temporary copy: neither name is touched. */
    hook h = {"", 0};
    l.net.weights[0][0] = 7;
    int rc = save_write_via(one, &l.net, &l, NULL, 0, &rep, open_full, &h, msg, sizeof msg);
    ck_assert_int_eq(rc, SAVE_FAILED);
    ck_assert_ptr_nonnull(strstr(read_all(two), "weights: [[[0]]]"));
    ck_assert_int_eq(hidden_files(), 0);
    lesson_free(&l);
}
END_TEST

/* Sets a file's modification time to `ago` seconds before now. */
static void age(const char *path, int ago)
{
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= ago;
    t[1] = t[0];
    ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

START_TEST(stale_temporaries_removed)
{
    char path[128], stale[160], fresh[160], other[160], odd[160], msg[SAVE_ERROR_SIZE];
    snprintf(path, sizeof path, "%s/kept.yaml", dir);
    snprintf(stale, sizeof stale, "%s/.kept.yaml.backstep-Ab3dE9", dir);
    snprintf(fresh, sizeof fresh, "%s/.kept.yaml.backstep-zzzzzz", dir);
    snprintf(other, sizeof other, "%s/.other.yaml.backstep-Ab3dE9", dir);
    snprintf(odd, sizeof odd, "%s/.kept.yaml.backstep-Ab3dE", dir);
    write_file(path, small);
    write_file(stale, "left by a crash");
    write_file(fresh, "another backstep saving right now");
    write_file(other, "another lesson's");
    write_file(odd, "not ours");
    age(stale, 3600);
    age(other, 3600);
    age(odd, 3600);
    ck_assert_int_eq(save_clean_stale(path), 1);
    ck_assert_int_eq(access(stale, F_OK), -1);
    ck_assert_int_eq(access(fresh, F_OK), 0);
    ck_assert_int_eq(access(other, F_OK), 0);
    ck_assert_int_eq(access(odd, F_OK), 0);
    /* A save cleans up too. */
    write_file(stale, "left by a crash");
    age(stale, 3600);
    lesson l;
    small_lesson(path, &l, 1);
    ck_assert_int_eq(save_lesson(path, &l.net, &l, msg, sizeof msg), 0);
    ck_assert_int_eq(access(stale, F_OK), -1);
    ck_assert_int_eq(access(fresh, F_OK), 0);
    /* Through a link: beside the file it leads to. */
    char link[128];
    snprintf(link, sizeof link, "%s/via.yaml", dir);
    ck_assert_int_eq(symlink("kept.yaml", link), 0);
    write_file(stale, "left by a crash");
    age(stale, 3600);
    ck_assert_int_eq(save_clean_stale(link), 1);
    lesson_free(&l);
}
END_TEST

START_TEST(changed_on_disk_asks)
{
    char path[128], msg[SAVE_ERROR_SIZE], want[SAVE_ERROR_SIZE];
    snprintf(path, sizeof path, "%s/shared.yaml", dir);
    write_file(path, small);
    lesson a, b;
    small_lesson(path, &a, 1);
    small_lesson(path, &b, 2);
    lesson_stamp sa = a.stamp, sb = b.stamp;
    ck_assert_int_eq(sa.known, 1);
    /* Two saves in a row from one instance: no question. */
    ck_assert_int_eq(save_write(path, &a.net, &a, &sa, 0, NULL, msg, sizeof msg), SAVE_DONE);
    a.net.weights[0][0] = 3;
    ck_assert_int_eq(save_write(path, &a.net, &a, &sa, 0, NULL, msg, sizeof msg), SAVE_DONE);
    /* The other instance finds the file changed, and leaves it. */
    const char *now = strdup(read_all(path));
    int rc = save_write(path, &b.net, &b, &sb, 0, NULL, msg, sizeof msg);
    ck_assert_int_eq(rc, SAVE_CHANGED);
    snprintf(want, sizeof want, "%s changed on disk since backstep read it", path);
    ck_assert_str_eq(msg, want);
    file_is(path, now);
    rc = save_write(path, &b.net, &b, &sb, SAVE_REPLACE_CHANGED, NULL, msg, sizeof msg);
    ck_assert_int_eq(rc, SAVE_DONE);
    ck_assert_ptr_nonnull(strstr(read_all(path), "weights: [[[2]]]"));
    /* Touched but the same bytes: no question. */
    age(path, 100);
    ck_assert_int_eq(save_write(path, &b.net, &b, &sb, 0, NULL, msg, sizeof msg), SAVE_DONE);
    /* Same size, new bytes, same second: the hash tells. */
    write_file(path, small);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    sb.mtime_sec = (long long)st.st_mtim.tv_sec;
    sb.mtime_nsec = st.st_mtim.tv_nsec;
    sb.size = (long long)st.st_size;
    sb.ino = (unsigned long long)st.st_ino;
    sb.dev = (unsigned long long)st.st_dev;
    ck_assert_int_eq(save_write(path, &b.net, &b, &sb, 0, NULL, msg, sizeof msg), SAVE_DONE);
    write_file(path, "title: other # a comment\nlayers: [1, 1]\nactivations: [linear]\n"
                     "weights: [[[0.5]]]\nsamples: [{input: [1], target: [2]}]\n");
    age(path, 100);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_ne(sb.hash, 0);
    /* Replaced by another file (an editor's rename), or removed: asked. */
    ck_assert_int_eq(save_write(path, &b.net, &b, &sb, 0, NULL, msg, sizeof msg), SAVE_CHANGED);
    unlink(path);
    rc = save_write(path, &b.net, &b, &sb, 0, NULL, msg, sizeof msg);
    ck_assert_int_eq(rc, SAVE_CHANGED);
    snprintf(want, sizeof want, "%s was removed since backstep read it", path);
    ck_assert_str_eq(msg, want);
    free((void *)now);
    lesson_free(&a);
    lesson_free(&b);
}
END_TEST

START_TEST(hostile_names_in_messages)
{
    char path[160], msg[SAVE_ERROR_SIZE], want[SAVE_ERROR_SIZE];
    snprintf(path, sizeof path, "%s/no\x1b]0;pwned\a/a\nb.yaml", dir);
    lesson l;
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&l, &err), 0);
    ck_assert_int_eq(save_lesson(path, &l.net, &l, msg, sizeof msg), SAVE_FAILED);
    snprintf(want, sizeof want, "cannot save '%s/no'$'\\033'']0;pwned'$'\\a''/a'$'\\n''b.yaml': "
             "No such file or directory", dir);
    ck_assert_str_eq(msg, want);
    /* A long name loses its middle, never the reason. */
    char longp[1200];
    snprintf(longp, sizeof longp, "%s/", dir);
    for (int i = 0; i < 100; i++)
        strcat(longp, "δδδδδ");
    strcat(longp, "/x.yaml");
    ck_assert_int_eq(save_lesson(longp, &l.net, &l, msg, sizeof msg), SAVE_FAILED);
    ck_assert_uint_lt(strlen(msg), SAVE_ERROR_SIZE);
    const char *tail = "/x.yaml: File name too long";
    const char *tail2 = "/x.yaml: No such file or directory";
    ck_assert_msg(strstr(msg, tail) || strstr(msg, tail2), "%s", msg);
    ck_assert_ptr_nonnull(strstr(msg, "…"));
    lesson_free(&l);
}
END_TEST

Suite *save_suite(void)
{
    Suite *s = suite_create("save");
    TCase *t = tcase_create("round trip");
    tcase_add_checked_fixture(t, make_dir, remove_dir);
    tcase_add_test(t, round_trip_default_lesson);
    tcase_add_test(t, round_trip_columns_without_biases);
    tcase_add_test(t, round_trip_rows_with_biases);
    tcase_add_test(t, round_trip_rows_frozen_biases);
    tcase_add_test(t, round_trip_columns_with_biases_and_words);
    tcase_add_test(t, invalid_utf8_becomes_replacement);
    tcase_add_test(t, mode_kept_and_symlink_followed);
    tcase_add_test(t, emit_without_words);
    suite_add_tcase(s, t);
    t = tcase_create("numbers");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, numbers_shortest);
    suite_add_tcase(s, t);
    t = tcase_create("author's text");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, make_dir, remove_dir);
    tcase_add_test(t, edit_keeps_readme_example);
    tcase_add_test(t, edit_keeps_line_ends);
    tcase_add_test(t, edit_keeps_long_numbers);
    tcase_add_test(t, edit_adds_what_was_not_written);
    tcase_add_test(t, large_lesson_stays_loadable);
    tcase_add_test(t, too_large_refused);
    tcase_add_test(t, fresh_lesson_blocks);
    suite_add_tcase(s, t);
    t = tcase_create("files");
    tcase_add_checked_fixture(t, make_dir, remove_dir);
    tcase_add_test(t, read_only_asks);
    tcase_add_test(t, symlinks_stay_links);
    tcase_add_test(t, hard_links_kept);
    tcase_add_test(t, stale_temporaries_removed);
    tcase_add_test(t, changed_on_disk_asks);
    tcase_add_test(t, hostile_names_in_messages);
    suite_add_tcase(s, t);
    t = tcase_create("failures");
    tcase_add_checked_fixture(t, make_dir, remove_dir);
    tcase_add_test(t, fails_in_missing_folder);
    tcase_add_test(t, fails_onto_a_folder);
    tcase_add_test(t, fails_where_nothing_can_be_created);
    tcase_add_test(t, disk_full_leaves_original);
    tcase_add_test(t, disk_full_mid_write_leaves_original);
    tcase_add_test(t, temp_not_created_leaves_original);
    tcase_add_test(t, non_finite_refused);
    suite_add_tcase(s, t);
    return s;
}
