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

/* ---- bytes from outside ---- */

START_TEST(hostile_arguments)
{
    /* What `ls` would print for each, in quotes: nothing reaches the
     * terminal raw. */
    fails_with((const char *[]){"--print", "--format", "x\x1b[2J", NULL},
               "backstep: --format must be text, markdown or json, found 'x'$'\\033''[2J'\n");
    fails_with((const char *[]){"--print", "--convention", "\u202Erows", NULL},
               "backstep: --convention must be rows or columns, found $'\\u202E''rows'\n");
    fails_with((const char *[]){"--train", "1\n2", NULL},
               "backstep: --train needs a whole number of epochs from 1 up, found '1'$'\\n''2'\n");
    fails_with((const char *[]){"--train", "99999999999999999999", NULL},
               "backstep: --train needs a whole number of epochs from 1 up, "
               "found '99999999999999999999'\n");
    fails_with((const char *[]){"--bo\x1bgus", NULL},
               "backstep: unknown option '--bo'$'\\033''gus' (try --help)\n");
    fails_with((const char *[]){"-\x07", NULL},
               "backstep: unknown option '-'$'\\a' (try --help)\n");
    fails_with((const char *[]){"--list", "q\x15", NULL},
               "backstep: --list takes no LESSON, found 'q'$'\\025'\n");
    fails_with((const char *[]){"--print", "a.yaml", "b\x1b]0;pwned\a.yaml", NULL},
               "backstep: one LESSON at most, found 'a.yaml' and "
               "'b'$'\\033'']0;pwned'$'\\a''.yaml'\n");
    fails_with((const char *[]){"--print", "xo\x1br\xc2\x9b", NULL},
               "backstep: no lesson called 'xo'$'\\033''r'$'\\u009B': not a file, nor a bundled "
               "lesson (backstep --list shows them)\n");
    fails_with((const char *[]){"--print", "tests/no/a\nb.yaml", NULL},
               "'tests/no/a'$'\\n''b.yaml': No such file or directory\n");
    fails_with((const char *[]){"--print", "tests/no/\xff.yaml", NULL},
               "'tests/no/'$'\\377''.yaml': No such file or directory\n");
    fails_with((const char *[]){"--samples", "0", "--print", NULL},
               "backstep: --samples needs a whole number from 1 up, found '0'\n");
    fails_with((const char *[]){"--samples", "2", NULL},
               "backstep: --samples works with --print, --train or --gradcheck\n");
}
END_TEST

/* A lesson with an escape in its file name, and errors in it. */
START_TEST(hostile_file_names)
{
    char dir[] = "/tmp/backstep-cli-names-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], want[512];
    snprintf(path, sizeof path, "%s/b\x1b]0;pwned\a.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("title: x\nlayers: [2, 2]\n", f);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(want, sizeof want, "'%s/b'$'\\033'']0;pwned'$'\\a''.yaml':1:1: missing key "
             "'activations' (one per weight layer, such as [sigmoid, linear])\n", dir);
    fails_with((const char *[]){"--print", path, NULL}, want);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* A loop of symbolic links given by its bare name is a loop, not an
 * unknown lesson. */
START_TEST(link_loop_by_name)
{
    char dir[] = "/tmp/backstep-cli-loop-XXXXXX", cwd[1024], bin[1200];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    const char *old = getenv("BACKSTEP_BIN");
    if (old && old[0] == '/')
        snprintf(bin, sizeof bin, "%s", old);
    else
        snprintf(bin, sizeof bin, "%s/%s", cwd, old ? old : "backstep");
    char *keep = old ? strdup(old) : NULL;
    ck_assert_int_eq(chdir(dir), 0);
    ck_assert_int_eq(symlink("loop2", "loop1"), 0);
    ck_assert_int_eq(symlink("loop1", "loop2"), 0);
    ck_assert_int_eq(symlink("nowhere", "dangling"), 0);
    setenv("BACKSTEP_BIN", bin, 1);
    run_result r = run((const char *[]){"--print", "loop1", NULL});
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "loop1: Too many levels of symbolic links\n");
    run_free(&r);
    r = run((const char *[]){"--print", "dangling", NULL});
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "dangling: No such file or directory\n");
    run_free(&r);
    if (keep)
        setenv("BACKSTEP_BIN", keep, 1);
    else
        unsetenv("BACKSTEP_BIN");
    free(keep);
    unlink("loop1");
    unlink("loop2");
    unlink("dangling");
    ck_assert_int_eq(chdir(cwd), 0);
    rmdir(dir);
}
END_TEST

/* ./backstep with its standard output on /dev/full: status and stderr. */
static run_result run_full(const char *const *args)
{
    const char *bin = getenv("BACKSTEP_BIN") ? getenv("BACKSTEP_BIN") : "./backstep";
    char err_name[] = "/tmp/backstep-cli-err-XXXXXX";
    int err = mkstemp(err_name);
    ck_assert_int_ge(err, 0);
    unlink(err_name);
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)bin;
    while (args[n - 1] && n < 15) {
        argv[n] = (char *)args[n - 1];
        n++;
    }
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/full", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    run_result r = {0};
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.err = slurp(err, &r.err_len);
    r.out = calloc(1, 1);
    close(err);
    return r;
}

START_TEST(write_errors)
{
    static const char *const cases[][5] = {
        {"--help", NULL}, {"--version", NULL}, {"--list", NULL},
        {"--print", NULL}, {"--print", "--format", "markdown", NULL},
        {"--train", "3", NULL}, {"--gradcheck", NULL},
    };
    const char *want = "backstep: write error on standard output: No space left on device\n";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r = run_full(cases[i]);
        ck_assert_msg(r.status == 2, "%s: status %d", cases[i][0], r.status);
        ck_assert_str_eq(r.err, want);
        run_free(&r);
    }
    /* JSON too: exit 2 and the write error said as such. */
    run_result r = run_full((const char *[]){"--print", "--format", "json", NULL});
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, want));
    run_free(&r);
}
END_TEST

/* Runs args with LC_ALL (and LOCPATH) set; the caller frees. */
static run_result run_locale(const char *const *args, const char *loc, const char *locpath)
{
    char *old = getenv("LC_ALL") ? strdup(getenv("LC_ALL")) : NULL;
    char *oldp = getenv("LOCPATH") ? strdup(getenv("LOCPATH")) : NULL;
    setenv("LC_ALL", loc, 1);
    if (locpath)
        setenv("LOCPATH", locpath, 1);
    run_result r = run(args);
    if (old)
        setenv("LC_ALL", old, 1);
    else
        unsetenv("LC_ALL");
    if (oldp)
        setenv("LOCPATH", oldp, 1);
    else
        unsetenv("LOCPATH");
    free(old);
    free(oldp);
    return r;
}

static void all_ascii(const char *what, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg((unsigned char)s[i] < 0x80, "%s: byte 0x%02x at %zu: '%.60s'", what,
                      (unsigned char)s[i], i, s + (i > 20 ? i - 20 : 0));
}

/* In a locale whose characters are not UTF-8, everything written is
 * ASCII, so an 8-bit terminal never reads a UTF-8 byte as a C1 control. */
static void ascii_everywhere(const char *loc, const char *locpath)
{
    static const char *const runs[][7] = {
        {"--print", NULL},
        {"--print", "lessons/08-softmax.yaml", NULL},
        {"--print", "--format", "json", "lessons/06-xor.yaml", NULL},
        {"--print", "tests/lessons/escapes.yaml", NULL},
        {"--train", "5", "lessons/07-deeper.yaml", NULL},
        {"--gradcheck", NULL},
        {"--list", NULL},
        {"--help", NULL},
        {"--print", "tests/bad/weights-shape.yaml", NULL},
        {"--print", "--format", "café", NULL},
        {"--print", "tests/no/δ.yaml", NULL},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        run_result r = run_locale(runs[i], loc, locpath);
        ck_assert_msg(r.out_len + r.err_len > 0, "%s: no output", runs[i][0]);
        all_ascii(runs[i][0], r.out, r.out_len);
        all_ascii(runs[i][0], r.err, r.err_len);
        run_free(&r);
    }
    run_result r = run_locale((const char *[]){"--print", "tests/bad/weights-shape.yaml", NULL},
                              loc, locpath);
    ck_assert_str_eq(r.err, "tests/bad/weights-shape.yaml:5:5: weights[0] must be 2x3 "
                            "(layers 2 -> 3, columns convention), found 2x2\n");
    run_free(&r);
    r = run_locale((const char *[]){"--print", "tests/no/δ.yaml", NULL}, loc, locpath);
    ck_assert_str_eq(r.err, "'tests/no/'$'\\316\\264''.yaml': No such file or directory\n");
    run_free(&r);
    r = run_locale((const char *[]){"--print", NULL}, loc, locpath);
    ck_assert_ptr_nonnull(strstr(r.out, "G_ij  2x3"));
    run_free(&r);
}

START_TEST(ascii_in_c_locale)
{
    ascii_everywhere("C", NULL);
    /* and in UTF-8 the symbols are there */
    run_result r = run_locale((const char *[]){"--print", NULL}, "C.UTF-8", NULL);
    ck_assert_ptr_nonnull(strstr(r.out, "G_ij  2×3"));
    run_free(&r);
}
END_TEST

/* A Latin-1 locale, made for the test when the system has none. */
START_TEST(ascii_in_latin1_locale)
{
    char dir[] = "/tmp/backstep-cli-locale-XXXXXX", cmd[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "localedef -i en_US -f ISO-8859-1 %s/en_US.ISO-8859-1 "
             ">/dev/null 2>&1", dir);
    if (system(cmd) != 0) {
        /* No localedef, or no en_US source: the C locale test above stands. */
        fprintf(stderr, "cli: no Latin-1 locale could be made (localedef failed); skipped\n");
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        ck_assert_int_eq(system(cmd), 0);
        return;
    }
    ascii_everywhere("en_US.ISO-8859-1", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* --list: one row a lesson, names quoted like ls, titles on one line. */
START_TEST(list_hostile_lessons)
{
    char dir[] = "/tmp/backstep-cli-list-XXXXXX", path[600], sub[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/backstep", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/backstep/lessons", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/zz\x1b]0;x\a\nname.yaml", sub);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("title: \"T\\u202Eitle\\nsecond \\x9b line\"\nlayers: [1, 1]\n"
          "activations: [linear]\nsamples: [{input: [1], target: [1]}]\n", f);
    ck_assert_int_eq(fclose(f), 0);
    char *old = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
    setenv("XDG_DATA_HOME", dir, 1);
    run_result r = run_locale((const char *[]){"--list", NULL}, "C.UTF-8", NULL);
    if (old)
        setenv("XDG_DATA_HOME", old, 1);
    else
        unsetenv("XDG_DATA_HOME");
    free(old);
    ck_assert_int_eq(r.status, 0);
    const char *row = strstr(r.out, "'zz'$'\\033'']0;x'$'\\a\\n''name'");
    ck_assert_msg(row != NULL, "%s", r.out);
    const char *end = strchr(row, '\n');
    ck_assert_ptr_nonnull(end);
    const char *title = "T<U+202E>itle^Jsecond <U+009B> line\n";
    ck_assert_int_eq(strncmp(end - strlen(title) + 1, title, strlen(title)), 0);
    run_free(&r);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/backstep", dir);
    rmdir(sub);
    rmdir(dir);
}
END_TEST

/* --samples N: the walkthrough of the first N samples only. */
START_TEST(samples_limit)
{
    run_result all = run((const char *[]){"--print", "lessons/06-xor.yaml", NULL});
    run_result one = run((const char *[]){"--print", "--samples", "1", "lessons/06-xor.yaml", NULL});
    ck_assert_int_eq(all.status, 0);
    ck_assert_int_eq(one.status, 0);
    int n_all = 0, n_one = 0;
    for (const char *p = all.out; (p = strstr(p, "\nStep 1 ")); p++)
        n_all++;
    for (const char *p = one.out; (p = strstr(p, "\nStep 1 ")); p++)
        n_one++;
    ck_assert_int_eq(n_all, 4);
    ck_assert_int_eq(n_one, 1);
    ck_assert_uint_lt(one.out_len * 3, all.out_len);
    run_free(&all);
    run_free(&one);
    /* More than the lesson has: all of them. */
    run_result many = run((const char *[]){"--gradcheck", "--samples", "1000", "lessons/06-xor.yaml", NULL});
    ck_assert_int_eq(many.status, 0);
    run_free(&many);
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
    tcase_add_test(tc, hostile_arguments);
    tcase_add_test(tc, hostile_file_names);
    tcase_add_test(tc, link_loop_by_name);
    tcase_add_test(tc, write_errors);
    tcase_add_test(tc, ascii_in_c_locale);
    tcase_add_test(tc, ascii_in_latin1_locale);
    tcase_add_test(tc, list_hostile_lessons);
    tcase_add_test(tc, samples_limit);
    suite_add_tcase(s, tc);
    return s;
}
