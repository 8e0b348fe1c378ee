/* check_cli.c - ./backstep as a user runs it: exit statuses, exact error
 * messages on stderr and nothing on stdout when something is wrong. */
#include <check.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BACKSTEP_VERSION
#define BACKSTEP_VERSION "unknown"
#endif

#include "backstep_run.h"

/* Runs args and expects status 2, this exact stderr and an empty stdout. */
static void fails_with(const char *const *args, const char *message)
{
    run_result r = run(args);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, message);
    run_free(&r);
}

START_TEST(version_and_help)
{
    run_result r = run((const char *[]){"--version", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "backstep " BACKSTEP_VERSION "\n");
    ck_assert_str_eq(r.err, "");
    run_free(&r);
    r = run((const char *[]){"--help", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out, "usage: backstep [OPTIONS] [LESSON]\n", 35) == 0, "%s", r.out);
    ck_assert_ptr_nonnull(strstr(r.out, "--gradcheck"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
}
END_TEST

START_TEST(bad_options)
{
    fails_with((const char *[]){"--bogus", NULL},
               "backstep: unknown option '--bogus' (try --help)\n");
    fails_with((const char *[]){"-x", NULL}, "backstep: unknown option '-x' (try --help)\n");
    fails_with((const char *[]){"--print", "--format", "xml", NULL},
               "backstep: --format must be text, markdown or json, found 'xml'\n");
    fails_with((const char *[]){"--print", "--format", NULL},
               "backstep: option '--format' needs a value\n");
    fails_with((const char *[]){"--train", "ten", NULL},
               "backstep: --train needs a whole number of epochs from 1 up, found 'ten'\n");
    fails_with((const char *[]){"--train", "0", NULL},
               "backstep: --train needs a whole number of epochs from 1 up, found '0'\n");
    fails_with((const char *[]){"--train", "-3", NULL},
               "backstep: --train needs a whole number of epochs from 1 up, found '-3'\n");
    fails_with((const char *[]){"--convention", "diagonal", "--print", NULL},
               "backstep: --convention must be rows or columns, found 'diagonal'\n");
    fails_with((const char *[]){"--print", "--train", "3", NULL},
               "backstep: --print cannot be combined with --train\n");
    fails_with((const char *[]){"--print", "a.yaml", "b.yaml", NULL},
               "backstep: one LESSON at most, found 'a.yaml' and 'b.yaml'\n");
}
END_TEST

START_TEST(bad_lessons)
{
    fails_with((const char *[]){"--print", "tests/no/such.yaml", NULL},
               "tests/no/such.yaml: No such file or directory\n");
    /* The screen without a terminal (stdin /dev/null, stdout a file): one
     * message at once, not a loop reading nothing. */
    fails_with((const char *[]){"lessons/06-xor.yaml", NULL},
               "backstep: the screen needs a terminal on standard input and output; "
               "for a walkthrough without one, use --print\n");
    /* A bare word that is neither a file nor a bundled lesson's name. */
    fails_with((const char *[]){"--print", "xorr", NULL},
               "backstep: no lesson called 'xorr': not a file, nor a bundled lesson "
               "(backstep --list shows them)\n");
    char name[] = "/tmp/backstep-cli-XXXXXX.yaml";
    int fd = mkstemps(name, 5);
    ck_assert_int_ge(fd, 0);
    static const char bad[] = "title: x\nlayers: [2, 2]\nactivations: [sigmod]\n"
                              "samples:\n  - input: [1, 2]\n    target: [1, 0]\n";
    ck_assert_int_eq(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
    close(fd);
    run_result r = run((const char *[]){"--print", name, NULL});
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    /* One line: FILE:LINE:COLUMN: naming the misspelt activation. */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:3:", name);
    ck_assert_msg(strncmp(r.err, prefix, strlen(prefix)) == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "sigmod"));
    ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
    run_free(&r);
    /* The same for every headless mode. */
    r = run((const char *[]){"--gradcheck", name, NULL});
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    run_free(&r);
    unlink(name);
}
END_TEST

START_TEST(list_bundled)
{
    run_result r = run((const char *[]){"--list", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    const char *q = strstr(r.out, "question");
    ck_assert_msg(q != NULL, "%s", r.out);
    ck_assert_ptr_nonnull(strstr(q, "The 2-3-2 network from the question\n"));
    /* Sorted by file: the question (01) comes before Mazur (04). */
    const char *m = strstr(r.out, "mazur");
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(q < m, "question is not listed before mazur");
    /* No name twice. */
    ck_assert_ptr_null(strstr(q + 1, "\nquestion "));
    run_free(&r);
    fails_with((const char *[]){"--list", "xor", NULL},
               "backstep: --list takes no LESSON, found 'xor'\n");
}
END_TEST

/* Copies the file at from to to with mode 0755. */
static void copy_program(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    ck_assert_int_ge(in, 0);
    ck_assert_int_ge(out, 0);
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        ck_assert_int_eq(write(out, buf, (size_t)n), n);
    ck_assert_int_eq(n, 0);
    close(in);
    ck_assert_int_eq(close(out), 0);
}

/* A copy of the program in an empty folder, with an empty home and no
 * XDG_DATA_HOME, finds no lessons: --list says where it looked, on stderr,
 * and exits 2.  The compiled-in folder is looked in too; where backstep is
 * installed under the PREFIX these tests were built for, it must list
 * those lessons instead. */
START_TEST(list_nothing_found)
{
    char dir[] = "/tmp/backstep-list-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char prog[64], home[64];
    snprintf(prog, sizeof prog, "%s/backstep", dir);
    snprintf(home, sizeof home, "%s/home", dir);
    ck_assert_int_eq(mkdir(home, 0700), 0);
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    copy_program(bin, prog);

    /* run() takes the program and the environment from this process. */
    char *old_bin = getenv("BACKSTEP_BIN") ? strdup(getenv("BACKSTEP_BIN")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
    setenv("BACKSTEP_BIN", prog, 1);
    setenv("HOME", home, 1);
    unsetenv("XDG_DATA_HOME");
    run_result r = run((const char *[]){"--list", NULL});
    old_bin ? setenv("BACKSTEP_BIN", old_bin, 1) : unsetenv("BACKSTEP_BIN");
    old_home ? setenv("HOME", old_home, 1) : unsetenv("HOME");
    old_xdg ? setenv("XDG_DATA_HOME", old_xdg, 1) : unsetenv("XDG_DATA_HOME");
    free(old_bin);
    free(old_home);
    free(old_xdg);

    if (access(BACKSTEP_LESSONDIR, F_OK) == 0) {
        ck_assert_int_eq(r.status, 0);
        ck_assert_ptr_nonnull(strstr(r.out, "question"));
    } else {
        char expected[512];
        snprintf(expected, sizeof expected,
                 "backstep: no lessons found in %s/lessons, %s or "
                 "%s/.local/share/backstep/lessons\n",
                 dir, BACKSTEP_LESSONDIR, home);
        ck_assert_int_eq(r.status, 2);
        ck_assert_str_eq(r.out, "");
        ck_assert_str_eq(r.err, expected);
    }
    run_free(&r);
    unlink(prog);
    rmdir(home);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(headless_runs)
{
    run_result r = run((const char *[]){"--print", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "G_jk  3×2"));
    ck_assert_ptr_nonnull(strstr(r.out, "G_ij  2×3"));
    run_free(&r);
    r = run((const char *[]){"--print", "--ascii", "--convention", "rows", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "G_ij  3x2"));
    run_free(&r);
    r = run((const char *[]){"--train", "20", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out, "epochs: 20\nloss: ", 17) == 0, "%s", r.out);
    run_free(&r);
    r = run((const char *[]){"--gradcheck", "--format", "json", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"passed\": true"));
    run_free(&r);
}
END_TEST

START_TEST(shape_statuses)
{
    run_result r = run((const char *[]){"--shape", "W_ij - G_ij", NULL});
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "→ 2×3\n"));
    ck_assert_str_eq(r.err, "");
    run_free(&r);
    /* The question's product: (2×3)·(2×1) does not fit. */
    r = run((const char *[]){"--shape", "W_ij * x", NULL});
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    run_free(&r);
    /* Unreadable: a usage error, reported on stderr only. */
    r = run((const char *[]){"--shape", "W_jk +* x", NULL});
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, "column 7"));
    run_free(&r);
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, version_and_help);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, bad_lessons);
    tcase_add_test(tc, list_bundled);
    tcase_add_test(tc, list_nothing_found);
    tcase_add_test(tc, headless_runs);
    tcase_add_test(tc, shape_statuses);
    suite_add_tcase(s, tc);
    return s;
}
