/* check_save.c - saving a network as a lesson: the round trip is
 * bit-identical, and a failed save leaves the original as it was and no
 * temporary file behind. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
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
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
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
    /* The weights stand as the lesson wrote them: W_ij's first row. */
    ck_assert_ptr_nonnull(strstr(read_all(path), "  - [[0.20000000000000001, "
                                                 "-0.40000000000000002, 0.59999999999999998],\n"));
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
    int rc = save_lesson_via(path, &a.net, &a, open_full, &h, msg, sizeof msg);
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
    int rc = save_lesson_via(path, &a.net, &a, open_full, &h, msg, sizeof msg);
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
    int rc = save_lesson_via(path, &a.net, &a, open_full, &h, msg, sizeof msg);
    expect_failure(path, rc, msg, "No space left on device");
    ck_assert_str_eq(read_all(path), original);
    h.fail_errno = EACCES;
    rc = save_lesson_via(path, &a.net, &a, open_full, &h, msg, sizeof msg);
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
