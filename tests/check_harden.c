/* check_harden.c - backstep given hostile input: lessons full of escape
 * sequences, the malformed corpus, numbers that overflow, a million steps,
 * and every input the fuzzers ever tripped on. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcswidth */
#endif
#include <check.h>
#include <dirent.h>
#include <locale.h>
#include <wchar.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "engine.h"
#include "lesson.h"
#include "print.h"
#include "shape.h"
#include "text.h"
#include "screen.h"
#include "backstep_run.h"

#define ESCAPES "tests/lessons/escapes.yaml"
#define LESSON11 "lessons/11-learning-rate.yaml"


/* Decodes one UTF-8 character strictly (no overlongs, surrogates or values
 * past U+10FFFF); returns its length, or 0 when the bytes are not UTF-8. */
static int utf8_next(const unsigned char *s, size_t left, long *cp)
{
    int n;
    long min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xe0) == 0xc0) {
        n = 2, min = 0x80, *cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3, min = 0x800, *cp = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if ((size_t)n > left)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return n;
}

/* Fails unless buf is UTF-8 without a control character a terminal would
 * act on: C0 other than newline and tab, DEL, C1 (U+0080..U+009F), the bidi
 * controls and the line and paragraph separators. */
static void assert_terminal_safe(const char *what, const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    for (size_t i = 0; i < len;) {
        long cp;
        int n = utf8_next(s + i, len - i, &cp);
        ck_assert_msg(n > 0, "%s: byte %zu (0x%02x) is not UTF-8", what, i, s[i]);
        ck_assert_msg(!(cp < 0x20 && cp != '\n' && cp != '\t'),
                      "%s: control character 0x%02lx at byte %zu", what, cp, i);
        ck_assert_msg(cp != 0x7f, "%s: DEL at byte %zu", what, i);
        ck_assert_msg(!(cp >= 0x80 && cp <= 0x9f), "%s: C1 control U+%04lX at byte %zu",
                      what, cp, i);
        /* bidi controls reorder the rest of the line; separators break it */
        ck_assert_msg(!(cp == 0x61c || cp == 0x200e || cp == 0x200f ||
                        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
                        cp == 0x2028 || cp == 0x2029),
                      "%s: bidi control or separator U+%04lX at byte %zu", what, cp, i);
        i += (size_t)n;
    }
}

/* The escapes lesson really carries the escapes (else the tests below
 * would pass without proving anything). */
START_TEST(test_escapes_lesson_loads)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(ESCAPES, &l, &err) == 0, "%s", err.message);
    ck_assert_ptr_nonnull(strstr(l.title, "\x1b]0;pwned\a"));
    ck_assert_ptr_nonnull(strstr(l.title, "\x1b[31mRED"));
    ck_assert_ptr_nonnull(strstr(l.title, "\xc2\x9b" "1;1H"));
    ck_assert_ptr_nonnull(l.description);
    ck_assert_ptr_nonnull(strstr(l.description, "\x1b[2J\x1b[H"));
    ck_assert_ptr_nonnull(strstr(l.description, "\x7f"));
    const char *note = lesson_note_for(&l, "loss");
    ck_assert_ptr_nonnull(note);
    ck_assert_ptr_nonnull(strstr(note, "\xc2\x9d" "0;pwned3\xc2\x9c"));
    ck_assert_int_eq(l.n_expressions, 1);
    ck_assert_ptr_nonnull(strstr(l.expressions[0].caption, "\x1b]0;pwned4\a"));
    lesson_free(&l);
}
END_TEST

static const char *const formats[] = {"text", "markdown", "json"};

/* --print in every format: no ESC, BEL, C1 or other control byte; the
 * escapes are there in their visible forms. */
START_TEST(test_escapes_print)
{
    const char *args[] = {"--print", "--format", formats[_i], ESCAPES, NULL};
    run_result r = run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_uint_gt(r.out_len, 1000);
    ck_assert_uint_eq(strlen(r.out), r.out_len); /* no NUL byte either */
    assert_terminal_safe(formats[_i], r.out, r.out_len);
    ck_assert_ptr_nonnull(strstr(r.out, "Escapes ^[]0;pwned^G ^[[2J^[[31mRED^[[0m <U+009B>1;1H"));
    ck_assert_ptr_nonnull(strstr(r.out, "Caption ^[]0;pwned4^G ^[[32mgreen"));
    if (strcmp(formats[_i], "json") != 0) { /* JSON holds no description or notes */
        ck_assert_ptr_nonnull(strstr(r.out, "C1 CSI <U+009B>31m, BEL ^G, tab ^I"));
        ck_assert_ptr_nonnull(strstr(r.out, "DEL ^?, C1 <U+0085> done."));
        ck_assert_ptr_nonnull(strstr(r.out, "C1 CSI <U+009B>2J and C1 OSC <U+009D>0;pwned3<U+009C>"));
        ck_assert_ptr_nonnull(strstr(r.out, "bell ^G^G^G."));
    }
    run_free(&r);
}
END_TEST

/* --train and --gradcheck print the lesson's words too. */
START_TEST(test_escapes_train_gradcheck)
{
    const char *train[] = {"--train", "3", "--format", formats[_i], ESCAPES, NULL};
    run_result r = run(train);
    ck_assert_int_eq(r.status, 0);
    assert_terminal_safe("--train", r.out, r.out_len);
    assert_terminal_safe("--train stderr", r.err, r.err_len);
    run_free(&r);
    const char *check[] = {"--gradcheck", "--format", formats[_i], ESCAPES, NULL};
    r = run(check);
    ck_assert_int_eq(r.status, 0);
    assert_terminal_safe("--gradcheck", r.out, r.out_len);
    assert_terminal_safe("--gradcheck stderr", r.err, r.err_len);
    run_free(&r);
}
END_TEST

/* The screen at every width from 80 to 250 columns: no control character
 * in any cell, and the header shows the title's visible form, whole or
 * cut with "…". */
START_TEST(test_escapes_screen)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(ESCAPES, &l, &err) == 0, "%s", err.message);
    screen_options opt = {0, 0, -1};
    screen *s = screen_new(&l, &opt);
    ck_assert_ptr_nonnull(s);
    frame *f = frame_new();
    ck_assert_ptr_nonnull(f);
    static const char full[] =
        "Escapes ^[]0;pwned^G ^[[2J^[[31mRED^[[0m <U+009B>1;1H ^[[?25l end";
    for (int pass = 0; pass < 2; pass++) {
        for (int w = 80; w <= 250; w++) {
            screen_layout(s, f, w, 30);
            char row[4096];
            for (int r = 0; r < 30; r++) {
                size_t n = frame_row_text(f, r, row, sizeof row);
                assert_terminal_safe("screen row", row, n);
            }
            frame_row_text(f, 0, row, sizeof row);
            const char *t = strstr(row, "Escapes ^[]0;pwned^G");
            ck_assert_msg(t != NULL, "width %d, pass %d: header '%s'", w, pass, row);
            if (strncmp(t, full, strlen(full)) != 0)
                ck_assert_msg(strstr(t, "…") != NULL, "width %d: title cut without …: '%s'", w,
                              row);
        }
        screen_key(s, KEYS_K_TAB); /* from the lesson's expression to the pass */
    }
    screen_free(s);
    frame_free(f);
    lesson_free(&l);
}
END_TEST

/* Invalid UTF-8 in a file is refused with a message that is itself safe;
 * in a string it is shown as U+FFFD. */
START_TEST(test_invalid_utf8)
{
    const char *args[] = {"--print", "tests/lessons/invalid-utf8.yaml", NULL};
    run_result r = run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_uint_eq(r.out_len, 0);
    ck_assert_str_eq(r.err, "tests/lessons/invalid-utf8.yaml:1:13: invalid leading UTF-8 "
                            "octet, expected UTF-8 text\n");
    run_free(&r);

    char buf[64];
    text_sanitize("a\xff" "b\xc3" "c\x9b" "2J", buf, sizeof buf);
    ck_assert_str_eq(buf, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "2J");
    text_sanitize("\x1b]0;x\a\xc2\x9b" "2J\t\x7f", buf, sizeof buf);
    ck_assert_str_eq(buf, "^[]0;x^G<U+009B>2J^I^?");
    assert_terminal_safe("sanitized", buf, strlen(buf));
}
END_TEST

/* Runs --print on one malformed file: status 2, nothing on stdout, one
 * line on stderr that starts with "PATH:LINE:COLUMN: ", within a second. */
static void assert_one_error(const char *path)
{
    const char *args[] = {"--print", path, NULL};
    run_result r = run(args);
    ck_assert_msg(r.status == 2, "%s: exit status %d, expected 2", path, r.status);
    ck_assert_msg(r.out_len == 0, "%s: %zu bytes on stdout", path, r.out_len);
    ck_assert_msg(r.err_len > 0 && r.err[r.err_len - 1] == '\n' &&
                      strchr(r.err, '\n') == r.err + r.err_len - 1,
                  "%s: stderr is not one line: '%s'", path, r.err);
    size_t plen = strlen(path);
    ck_assert_msg(strncmp(r.err, path, plen) == 0 && r.err[plen] == ':',
                  "%s: message does not start with the path: '%s'", path, r.err);
    assert_terminal_safe(path, r.err, r.err_len);
    ck_assert_msg(r.seconds < 1.0, "%s: took %.2f s", path, r.seconds);
    run_free(&r);
}

/* Like assert_one_error, and the message places the fault at a line and
 * column: "PATH:LINE:COLUMN: ". */
static void assert_placed_error(const char *path)
{
    assert_one_error(path);
    const char *args[] = {"--print", path, NULL};
    run_result r = run(args);
    int line = 0, col = 0, used = 0;
    ck_assert_msg(sscanf(r.err + strlen(path), ":%d:%d: %n", &line, &col, &used) == 2 &&
                      used > 0 && line >= 1 && col >= 1,
                  "%s: no LINE:COLUMN in '%s'", path, r.err);
    run_free(&r);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of tests/bad/ (at least 30 of them). */
START_TEST(test_bad_corpus)
{
    DIR *d = opendir("tests/bad");
    ck_assert_ptr_nonnull(d);
    char *names[512];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 512) {
        if (de->d_name[0] == '.')
            continue;
        names[n] = malloc(strlen(de->d_name) + 16);
        ck_assert_ptr_nonnull(names[n]);
        sprintf(names[n], "tests/bad/%s", de->d_name);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 30);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    for (int i = 0; i < n; i++) {
        assert_placed_error(names[i]);
        free(names[i]);
    }
}
END_TEST

/* The one line ./backstep --print PATH writes on stderr. */
static void assert_message(const char *path, const char *message)
{
    assert_one_error(path);
    const char *args[] = {"--print", path, NULL};
    run_result r = run(args);
    char want[1024];
    snprintf(want, sizeof want, "%s%s\n", path, message);
    ck_assert_str_eq(r.err, want);
    run_free(&r);
}

/* Files that are not lessons at all: a folder, a missing file, a FIFO
 * nobody writes to, 100,000 levels of nesting, 20 MB of text, an
 * unreadable file. */
START_TEST(test_not_lessons)
{
    assert_message("tests/bad", ": Is a directory");
    assert_message("tests/no-such-lesson.yaml", ": No such file or directory");

    char dir[] = "/tmp/backstep-harden-dir-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo.yaml", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    assert_message(fifo, ":1:1: the lesson is empty, expected a mapping with title, layers, "
                         "activations and samples");
    unlink(fifo);

    char deep[128];
    snprintf(deep, sizeof deep, "%s/deep.yaml", dir);
    FILE *df = fopen(deep, "w");
    ck_assert_ptr_nonnull(df);
    fputs("title: t\nlayers: ", df);
    for (int i = 0; i < 100000; i++)
        fputc('[', df);
    for (int i = 0; i < 100000; i++)
        fputc(']', df);
    fputc('\n', df);
    ck_assert_int_eq(fclose(df), 0);
    assert_message(deep, ":2:24: nested deeper than 16 levels, expected at most 16");
    unlink(deep);
    rmdir(dir);

    char big[] = "/tmp/backstep-harden-big-XXXXXX";
    int fd = mkstemp(big);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs("title: big\nnotes:\n  loss: |\n", f);
    for (int i = 0; i < 20 * 1024 * 16; i++)
        fprintf(f, "    %059d\n", i);
    ck_assert_int_eq(fclose(f), 0);
    struct stat st;
    ck_assert_int_eq(stat(big, &st), 0);
    ck_assert_int_ge(st.st_size, 20 * 1024 * 1024);
    char msg[128];
    snprintf(msg, sizeof msg, ": file larger than 1 MiB, expected a lesson of at most %d bytes",
             LESSON_MAX_BYTES);
    assert_message(big, msg);
    unlink(big);

    if (geteuid() != 0) { /* root reads anything */
        char locked[] = "/tmp/backstep-harden-locked-XXXXXX";
        fd = mkstemp(locked);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "title: t\n", 9), 9);
        close(fd);
        ck_assert_int_eq(chmod(locked, 0), 0);
        assert_one_error(locked);
        unlink(locked);
    }
}
END_TEST

/* Lesson 11 under --train: the epoch where values stopped being finite,
 * exit status 0, the same answer from engine_train. */
START_TEST(test_train_nonfinite)
{
    const char *args[] = {"--train", "200", LESSON11, NULL};
    run_result r = run(args);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_str_eq(r.out, "epochs: 200\nloss: nan\nvalues stopped being finite in epoch 82\n");
    run_free(&r);

    const char *json[] = {"--train", "200", "--format", "json", LESSON11, NULL};
    r = run(json);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"nonfinite_epoch\": 82"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"loss\": null"));
    run_free(&r);

    /* 81 epochs are finite: nothing to report. */
    const char *before[] = {"--train", "81", LESSON11, NULL};
    r = run(before);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.out, "finite"));
    ck_assert_ptr_null(strstr(r.out, "nan"));
    run_free(&r);

    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(LESSON11, &l, &err) == 0, "%s", err.message);
    engine *e = engine_new(&l.net, l.net.convention);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(engine_train(e, 200, NULL), 81); /* 0-based */
    /* The engine goes on working after the fault. */
    ck_assert_int_eq(engine_next(e), 1);
    ck_assert_int_eq(engine_prev(e), 1);
    engine_free(e);
    lesson_free(&l);
}
END_TEST

static int any_nonfinite(const engine_tensor *t)
{
    for (int i = 0; i < t->rows * t->cols; i++)
        if (!isfinite(t->v[i]))
            return 1;
    return 0;
}

/* Stepping lesson 11 for 300 epochs: every step's nonfinite flag agrees
 * with its numbers, the first such step is in epoch 82, and stepping goes
 * on (and back) without a crash. */
START_TEST(test_step_nonfinite)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(LESSON11, &l, &err) == 0, "%s", err.message);
    engine *e = engine_new(&l.net, l.net.convention);
    ck_assert_ptr_nonnull(e);
    int first_epoch = 0, flagged = 0;
    long steps = 0;
    while (engine_epoch(e) <= 300) {
        const engine_step *s = engine_current(e);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(s->nonfinite, any_nonfinite(&s->result));
        if (s->nonfinite) {
            flagged++;
            if (!first_epoch)
                first_epoch = s->epoch;
        }
        ck_assert_int_eq(engine_next(e), 1);
        steps++;
    }
    ck_assert_int_eq(first_epoch, 82);
    ck_assert_int_gt(flagged, 1000);
    ck_assert_int_gt(steps, 300 * 4 * 10);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(engine_prev(e), 1);
    ck_assert_int_eq(engine_current(e)->nonfinite, any_nonfinite(&engine_current(e)->result));
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* Whether the tests run under valgrind, whose own memory swamps RSS. */
static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload");
}

/* Whether AddressSanitizer's shadow memory and quarantine count in RSS. */
static int under_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#endif
#endif
    return 0;
}

static long peak_kib(void)
{
    struct rusage ru;
    ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* A million steps of the default lesson, as autoplay would take them, keep
 * the process under 64 MiB at its peak: history stays bounded.  Under
 * valgrind (fewer steps) or ASan, whose own memory counts too, the peak may
 * grow by less than 64 MiB while stepping. */
START_TEST(test_million_steps_rss)
{
    long before = peak_kib();
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_default(&l, &err) == 0, "%s", err.message);
    engine *e = engine_new(&l.net, l.net.convention);
    ck_assert_ptr_nonnull(e);
    long n = under_valgrind() ? 20000 : 1000000;
    int max_depth = 0;
    long moved = 0;
    /* No ck_assert inside: each one records its place, which allocates. */
    for (long i = 0; i < n; i++) {
        moved += engine_next(e);
        if ((i & 1023) == 0 && engine_history_depth(e) > max_depth)
            max_depth = engine_history_depth(e);
    }
    ck_assert_int_eq(moved, n);
    ck_assert_int_gt(engine_epoch(e), n / 20);
    long after = peak_kib();
    ck_assert_msg(after - before < 64 * 1024, "peak RSS grew by %ld KiB in %ld steps (history %d passes)",
                  after - before, n, max_depth);
    if (!under_valgrind() && !under_asan())
        ck_assert_msg(after < 64 * 1024, "peak RSS %ld KiB after %ld steps (history %d passes)",
                      after, n, max_depth);
    /* It can still go back after all that. */
    ck_assert_int_eq(engine_prev(e), 1);
    engine_free(e);
    lesson_free(&l);
}
END_TEST

/* Every input a fuzzer ever tripped on, fed to the lesson loader and to
 * the shape checker: a clean answer, no crash, no leak (under ASan). */
START_TEST(test_fuzz_regressions)
{
    lesson def;
    lesson_error err;
    ck_assert_msg(lesson_load_default(&def, &err) == 0, "%s", err.message);
    DIR *d = opendir("tests/fuzz/regress");
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/regress/%s", de->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
        static char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        files++;

        lesson l;
        if (lesson_load_string(path, buf, len, &l, &err) == 0) {
            engine *e = engine_new(&l.net, l.net.convention);
            ck_assert_ptr_nonnull(e);
            for (int i = 0; i < 200; i++)
                engine_next(e);
            engine_free(e);
            lesson_free(&l);
        } else {
            ck_assert_msg(strncmp(err.message, path, strlen(path)) == 0, "%s: '%s'", path,
                          err.message);
            assert_terminal_safe(path, err.message, strlen(err.message));
        }
        for (int c = 0; c < CONV_COUNT; c++) {
            shape_result sr;
            shape_check(buf, &def.net, (engine_conv)c, &sr);
            ck_assert_int_ge((int)sr.status, SHAPE_FIT);
            ck_assert_int_le((int)sr.status, SHAPE_PARSE_ERROR);
            ck_assert_int_ge(sr.error_column, 0);
            shape_result_free(&sr);
        }
    }
    closedir(d);
    ck_assert_int_ge(files, 1);
    lesson_free(&def);
}
END_TEST

#define BIDI "tests/lessons/bidi.yaml"

/* The bidi lesson carries its controls, and every output shows them. */
START_TEST(test_bidi_everywhere)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(BIDI, &l, &err) == 0, "%s", err.message);
    ck_assert_ptr_nonnull(strstr(l.title, "\u202Eevil"));
    ck_assert_ptr_nonnull(strstr(l.description, "line\u2028break"));
    lesson_free(&l);
    const char *const modes[][3] = {{"--print", NULL}, {"--train", "2"}, {"--gradcheck", NULL}};
    for (int m = 0; m < 3; m++)
        for (int f = 0; f < 3; f++) {
            const char *args[8];
            int n = 0;
            args[n++] = modes[m][0];
            if (modes[m][1])
                args[n++] = modes[m][1];
            args[n++] = "--format";
            args[n++] = formats[f];
            args[n++] = BIDI;
            args[n] = NULL;
            run_result r = run(args);
            ck_assert_int_eq(r.status, 0);
            assert_terminal_safe(modes[m][0], r.out, r.out_len);
            assert_terminal_safe(modes[m][0], r.err, r.err_len);
            if (m == 0)
                ck_assert_ptr_nonnull(strstr(r.out, "Bidi <U+202E>evil<U+202C> <U+2066>isolate"));
            run_free(&r);
        }
}
END_TEST

/* The screen shows the bidi lesson with every control visible. */
START_TEST(test_bidi_screen)
{
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_file(BIDI, &l, &err) == 0, "%s", err.message);
    screen_options opt = {0, 0, -1};
    screen *s = screen_new(&l, &opt);
    ck_assert_ptr_nonnull(s);
    frame *f = frame_new();
    ck_assert_ptr_nonnull(f);
    for (int step = 0; step < 12; step++) {
        for (int w = 80; w <= 160; w += 20) {
            screen_layout(s, f, w, 30);
            char row[4096];
            for (int r = 0; r < 30; r++) {
                size_t n = frame_row_text(f, r, row, sizeof row);
                assert_terminal_safe("screen row", row, n);
            }
        }
        screen_key(s, KEYS_K_TAB);
    }
    screen_free(s);
    frame_free(f);
    lesson_free(&l);
}
END_TEST

/* Columns the terminal gives a row, by the C library in C.UTF-8. */
static int row_columns(const char *row)
{
    wchar_t w[4096];
    size_t n = mbstowcs(w, row, 4096);
    ck_assert_msg(n != (size_t)-1, "row is not UTF-8: %s", row);
    int cols = wcswidth(w, n);
    ck_assert_msg(cols >= 0, "row holds a character without a width: %s", row);
    return cols;
}

/* A title of wide characters the old width table took for narrow ones
 * (Yijing hexagrams): the header still ends with the loss, and no row is
 * wider than the screen. */
START_TEST(test_wide_title_screen)
{
    char was[64];
    snprintf(was, sizeof was, "%s", setlocale(LC_ALL, NULL));
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
    static const char text[] =
        "title: \"䷀䷁䷂䷃䷄䷅䷆䷇䷈䷉䷊䷋䷌䷍䷎䷏䷐䷑䷒䷓䷔䷕䷖䷗䷘䷙䷚䷛䷜䷝䷞䷟䷠䷡ 🌡 hexagrams\"\n"
        "layers: [2, 2]\nactivations: [sigmoid]\nweights: [[[0.1, 0.2], [0.3, 0.4]]]\n"
        "samples:\n  - {input: [1, 0.5], target: [1, 0]}\n";
    lesson l;
    lesson_error err;
    ck_assert_msg(lesson_load_string("hex.yaml", text, sizeof text - 1, &l, &err) == 0, "%s",
                  err.message);
    screen_options opt = {0, 0, -1};
    screen *s = screen_new(&l, &opt);
    frame *f = frame_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(f);
    for (int step = 0; step < 6; step++) {
        for (int w = 80; w <= 140; w += 3) {
            screen_layout(s, f, w, 24);
            char row[4096];
            for (int r = 0; r < 24; r++) {
                frame_row_text(f, r, row, sizeof row);
                ck_assert_msg(row_columns(row) <= w, "width %d, row %d is %d columns: %s", w, r,
                              row_columns(row), row);
            }
            frame_row_text(f, 0, row, sizeof row);
            const char *loss = strstr(row, "loss ");
            ck_assert_msg(loss && strlen(loss) >= strlen("loss 0.0000"), "width %d: %s", w, row);
        }
        screen_key(s, KEYS_K_TAB);
    }
    screen_free(s);
    frame_free(f);
    lesson_free(&l);
    setlocale(LC_ALL, was);
}
END_TEST

/* File names that try to drive the terminal: every message about them is
 * one line, and safe. */
START_TEST(test_hostile_file_names)
{
    static const char *const names[] = {
        "b\x1b]0;pwned\a.yaml", "a\nb.yaml", "\x15kill-line.yaml", "evil\u202Elmth.yaml",
        ("c1\xc2\x9b" "2J.yaml"), "bad\xff\xfe.yaml", "del\x7f.yaml", "sep\u2028.yaml",
    };
    char dir[] = "/tmp/backstep-harden-names-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        /* missing, then malformed, then a bare name */
        for (int kind = 0; kind < 3; kind++) {
            if (kind == 1) {
                FILE *f = fopen(path, "w");
                ck_assert_ptr_nonnull(f);
                fputs("title: t\nlayers: [2, x]\n", f);
                ck_assert_int_eq(fclose(f), 0);
            }
            const char *args[] = {"--print", kind == 2 ? names[i] : path, NULL};
            run_result r = run(args);
            ck_assert_int_eq(r.status, 2);
            ck_assert_uint_eq(r.out_len, 0);
            assert_terminal_safe(names[i], r.err, r.err_len);
            ck_assert_msg(r.err_len > 0 && strchr(r.err, '\n') == r.err + r.err_len - 1,
                          "not one line: '%s'", r.err);
            run_free(&r);
        }
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

Suite *harden_suite(void)
{
    Suite *s = suite_create("harden");
    TCase *tc = tcase_create("escapes");
    tcase_add_test(tc, test_escapes_lesson_loads);
    tcase_add_loop_test(tc, test_escapes_print, 0, 3);
    tcase_add_loop_test(tc, test_escapes_train_gradcheck, 0, 3);
    tcase_add_test(tc, test_escapes_screen);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_bidi_everywhere);
    tcase_add_test(tc, test_bidi_screen);
    tcase_add_test(tc, test_wide_title_screen);
    tcase_add_test(tc, test_hostile_file_names);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("malformed");
    tcase_add_test(tc, test_bad_corpus);
    tcase_add_test(tc, test_not_lessons);
    tcase_add_test(tc, test_fuzz_regressions);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    tc = tcase_create("numeric");
    tcase_add_test(tc, test_train_nonfinite);
    tcase_add_test(tc, test_step_nonfinite);
    tcase_add_test(tc, test_million_steps_rss);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return s;
}
