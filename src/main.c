/* main.c - backstep's command line: options, wiring, exit statuses.
 *
 * Exit status: 0 success, 1 gradient check failed (or --shape found a
 * mismatch), 2 usage or lesson error, or output that could not be written.
 * An error writes exactly one message on stderr and nothing on stdout.
 * Every byte that comes from outside (arguments, file names, lesson text)
 * is made visible before it reaches the terminal, and in a locale that is
 * not UTF-8 everything written is ASCII. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "engine.h"
#include "lesson.h"
#include "print.h"
#include "save.h"
#include "shape.h"
#include "text.h"
#include "tui.h"
#include "utf8.h"

#ifndef BACKSTEP_VERSION
#define BACKSTEP_VERSION "unknown"
#endif

/* What the user asked for. */
typedef enum { RUN_SCREEN, RUN_PRINT, RUN_TRAIN, RUN_GRADCHECK, RUN_SHAPE, RUN_LIST } run_mode;

static const char *const mode_options[] = {"", "--print", "--train", "--gradcheck", "--shape",
                                           "--list"};

static const char usage_text[] =
    "usage: backstep [OPTIONS] [LESSON]\n"
    "Step through the forward and backward passes of a small neural network,\n"
    "one key at a time.  LESSON is a lesson file or the name of a bundled\n"
    "lesson (see --list); without one, the question's 2-3-2 network.\n"
    "\n"
    "  --print              print the walkthrough of one epoch instead of\n"
    "                       opening the screen\n"
    "  --format FORMAT      text (default), markdown or json\n"
    "  --train N            train N epochs and print the final loss\n"
    "  --samples N          with --print, --train or --gradcheck: only the\n"
    "                       lesson's first N samples (a walkthrough of 1000\n"
    "                       samples of a large network runs to gigabytes)\n"
    "  --gradcheck          compare every gradient with extrapolated central\n"
    "                       differences; exit status 1 when one is wrong by\n"
    "                       more than the difference's own error allows\n"
    "  --shape EXPR         work out the shape of an expression, e.g.\n"
    "                       \"W_jk * g'(z) * x\"; exit status 1 on a mismatch\n"
    "  --convention CONV    rows or columns: show everything that way\n"
    "  --ascii              ASCII only (d for delta, * for times, ^T, ...)\n"
    "  --no-color           no colours on the screen (also when NO_COLOR is set)\n"
    "  --theme dark|light|mono\n"
    "                       colours for a dark or a light background, or none;\n"
    "                       chosen from the terminal's background when not given\n"
    "  --quiz               start the screen in quiz mode\n"
    "  --list               list the bundled lessons\n"
    "  --help               show this help\n"
    "  --version            show the version\n"
    "\n"
    "Exit status: 0 success, 1 gradient check failed or shapes do not fit,\n"
    "2 usage or lesson error.\n";

/* Everything written is ASCII (the locale's characters are not UTF-8). */
static int ascii_out;

/* Writes "backstep: MESSAGE" on stderr, ASCII when the locale asks for it.
 * Whatever came from outside is already quoted or cleaned in the message. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char msg[2048], shown[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    text_clean(msg, shown, sizeof shown, ascii_out ? TEXT_ASCII : 0);
    fprintf(stderr, "backstep: %s\n", shown);
}

/* An argument as a message shows it: in quotes, every byte visible. */
static const char *arg(const char *s, char *buf, size_t size)
{
    text_quote_arg(s, buf, size, ascii_out);
    return buf;
}

/* Writes one usage error and returns the exit status for it. */
#define usage_error(...) (say(__VA_ARGS__), 2)

/* Says why standard output could not be written; the exit status. */
static int write_error(int err)
{
    say("write error on standard output: %s", strerror(err ? err : EIO));
    return 2;
}

/* Flushes standard output: 0, or the status of a write error. */
static int flush_out(void)
{
    errno = 0;
    int failed = fflush(stdout) != 0;
    int err = errno;
    if (failed || ferror(stdout))
        return write_error(err);
    return 0;
}

/* --list found nothing: say where it looked (a binary installed under
 * another PREFIX than it was built for looks in the wrong place). */
static int no_lessons(const char *const *dirs)
{
    fputs("backstep: no lessons found in ", stderr);
    for (int i = 0; dirs[i]; i++) {
        char quoted[1024];
        text_quote_path(dirs[i], quoted, sizeof quoted, ascii_out);
        fprintf(stderr, "%s%s", i == 0 ? "" : dirs[i + 1] ? ", " : " or ", quoted);
    }
    fputc('\n', stderr);
    return 2;
}

static int list_lessons(void)
{
    catalog c;
    if (catalog_scan(&c, lesson_dirs()) < 0) {
        say("out of memory");
        return 2;
    }
    /* Names come from file names: quoted like ls when they hold controls;
     * titles on one line, every control visible. */
    enum { NAME = 1024, TITLE = 4096 };
    char(*names)[NAME] = c.n ? calloc((size_t)c.n, NAME) : NULL;
    if (c.n && !names) {
        catalog_free(&c);
        say("out of memory");
        return 2;
    }
    if (c.n == 0) {
        catalog_free(&c);
        return no_lessons(lesson_dirs());
    }
    int w = 0;
    for (int i = 0; i < c.n; i++) {
        text_quote_path(c.entries[i].name, names[i], NAME, ascii_out);
        int len = text_width(names[i]);
        if (len > w)
            w = len;
    }
    char title[TITLE];
    for (int i = 0; i < c.n; i++) {
        const catalog_entry *e = &c.entries[i];
        text_clean(e->title ? e->title : "(does not load)", title, sizeof title,
                   ascii_out ? TEXT_ASCII : 0);
        printf("%s%*s  %s\n", names[i], w - text_width(names[i]), "", title);
    }
    free(names);
    catalog_free(&c);
    return 0;
}

/* Loads LESSON (a path or a bundled name) or the built-in default. */
static int load_lesson(const char *name, lesson *l)
{
    lesson_error err;
    int rc;
    char path[4096] = "";
    if (!name) {
        rc = lesson_load_default(l, &err);
    } else {
        char shown[1024];
        struct stat st;
        /* When nothing matches, loading the name itself gives the loader's
         * own "NAME: No such file or directory". */
        if (lesson_resolve(name, path, sizeof path) == 0) {
            rc = lesson_load_file(path, l, &err);
        } else if (!strchr(name, '/') && !strstr(name, ".yaml") && lstat(name, &st) != 0) {
            /* A bare word that names nothing, not even a broken link or a
             * loop of links, is most likely meant as a lesson's name. */
            say("no lesson called %s: not a file, nor a bundled lesson "
                "(backstep --list shows them)", arg(name, shown, sizeof shown));
            return 2;
        } else {
            snprintf(path, sizeof path, "%s", name);
            rc = lesson_load_file(name, l, &err);
        }
    }
    if (rc < 0) {
        char clean[LESSON_ERROR_SIZE * 2], file[sizeof path * 4] = "";
        const char *rest = err.message;
        if (ascii_out && path[0] && err.name_bytes > 0 && err.name_bytes < sizeof err.message) {
            /* the name as ls shows it in ASCII: octal bytes, not '?' */
            text_quote_path(path, file, sizeof file, 1);
            rest += err.name_bytes;
        }
        text_clean(rest, clean, sizeof clean, ascii_out ? TEXT_ASCII : 0);
        fprintf(stderr, "%s%s\n", file, clean);
        return 2;
    }
    return 0;
}

/* --shape: the derivation on stdout, but an expression that cannot be read
 * is a usage error, so that report goes to stderr and stdout stays empty. */
static int run_shape(const char *expr, const lesson *l, engine_conv conv, int ascii)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        fputs("backstep: out of memory\n", stderr);
        return 2;
    }
    int rc = shape_run(mem, expr, l, conv, ascii);
    if (fclose(mem) != 0 || !text) {
        free(text);
        fputs("backstep: out of memory\n", stderr);
        return 2;
    }
    fwrite(text, 1, len, rc == 2 ? stderr : stdout);
    free(text);
    return rc;
}

/* Parses a count such as the epochs of --train: a whole number from 1 to
 * LONG_MAX. */
static int parse_epochs(const char *s, long *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v == LONG_MAX || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_PRINT = 256, O_FORMAT, O_TRAIN, O_GRADCHECK, O_CONVENTION, O_LIST, O_HELP,
           O_VERSION, O_ASCII, O_NO_COLOR, O_THEME, O_QUIZ, O_SHAPE, O_SAMPLES };
    static const struct option longopts[] = {
        {"print", no_argument, NULL, O_PRINT},
        {"format", required_argument, NULL, O_FORMAT},
        {"train", required_argument, NULL, O_TRAIN},
        {"gradcheck", no_argument, NULL, O_GRADCHECK},
        {"convention", required_argument, NULL, O_CONVENTION},
        {"list", no_argument, NULL, O_LIST},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {"ascii", no_argument, NULL, O_ASCII},
        {"no-color", no_argument, NULL, O_NO_COLOR},
        {"theme", required_argument, NULL, O_THEME},
        {"quiz", no_argument, NULL, O_QUIZ},
        {"shape", required_argument, NULL, O_SHAPE},
        {"samples", required_argument, NULL, O_SAMPLES},
        {NULL, 0, NULL, 0},
    };
    /* Only the character set is taken from the environment (UTF-8 or not,
     * for the screen, the widths of characters and ASCII output); numbers
     * stay "0.5", never "0,5", and nothing else of the locale is needed,
     * nor worth loading at start-up. */
    setlocale(LC_CTYPE, "");
    ascii_out = !utf8_locale();
    run_mode mode = RUN_SCREEN;
    print_options popt = {PRINT_TEXT, -1, ascii_out, 0};
    tui_options topt = {ascii_out, -1, 0, -1};
    long epochs = 0, samples = 0;
    const char *shape_expr = NULL;
    int show_help = 0, show_version = 0;
    char a1[1024];

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        run_mode want = RUN_SCREEN;
        switch (c) {
        case O_PRINT: want = RUN_PRINT; break;
        case O_TRAIN:
            if (parse_epochs(optarg, &epochs) < 0)
                return usage_error("--train needs a whole number of epochs from 1 up, found %s",
                                   arg(optarg, a1, sizeof a1));
            want = RUN_TRAIN;
            break;
        case O_SAMPLES:
            if (parse_epochs(optarg, &samples) < 0)
                return usage_error("--samples needs a whole number from 1 up, found %s",
                                   arg(optarg, a1, sizeof a1));
            break;
        case O_GRADCHECK: want = RUN_GRADCHECK; break;
        case O_SHAPE: want = RUN_SHAPE; shape_expr = optarg; break;
        case O_LIST: want = RUN_LIST; break;
        case O_FORMAT: {
            int f = print_format_parse(optarg);
            if (f < 0)
                return usage_error("--format must be text, markdown or json, found %s",
                                   arg(optarg, a1, sizeof a1));
            popt.format = (print_format)f;
            break;
        }
        case O_CONVENTION:
            if (strcmp(optarg, "columns") == 0)
                popt.convention = CONV_COLUMNS;
            else if (strcmp(optarg, "rows") == 0)
                popt.convention = CONV_ROWS;
            else
                return usage_error("--convention must be rows or columns, found %s",
                                   arg(optarg, a1, sizeof a1));
            break;
        case O_ASCII: popt.ascii = topt.ascii = 1; break;
        case O_NO_COLOR: topt.theme = THEME_MONO; break;
        case O_THEME: {
            theme_id t;
            if (theme_parse(optarg, &t) < 0)
                return usage_error("--theme must be dark, light or mono, found %s",
                                   arg(optarg, a1, sizeof a1));
            topt.theme = (int)t;
            break;
        }
        case O_QUIZ: topt.quiz = 1; break;
        case 'h':
        case O_HELP: show_help = 1; break;
        case O_VERSION: show_version = 1; break;
        case ':':
            return usage_error("option %s needs a value", arg(argv[optind - 1], a1, sizeof a1));
        default:
            return usage_error("unknown option %s (try --help)",
                               arg(optopt && optopt < 256 && argv[optind - 1][1] != '-'
                                       ? (char[]){'-', (char)optopt, 0}
                                       : argv[optind - 1],
                                   a1, sizeof a1));
        }
        if (want != RUN_SCREEN) {
            if (mode != RUN_SCREEN && mode != want)
                return usage_error("%s cannot be combined with %s", mode_options[mode],
                                   mode_options[want]);
            mode = want;
        }
    }
    if (show_help) {
        fputs(usage_text, stdout);
        return flush_out();
    }
    if (show_version) {
        printf("backstep %s\n", BACKSTEP_VERSION);
        return flush_out();
    }
    if (optind + 1 < argc) {
        char a2[1024];
        return usage_error("one LESSON at most, found %s and %s",
                           arg(argv[optind], a1, sizeof a1), arg(argv[optind + 1], a2, sizeof a2));
    }
    const char *lesson_arg = optind < argc ? argv[optind] : NULL;
    ascii_out |= popt.ascii;
    if (mode == RUN_LIST) {
        if (lesson_arg)
            return usage_error("--list takes no LESSON, found %s",
                               arg(lesson_arg, a1, sizeof a1));
        int rc = list_lessons();
        return rc ? rc : flush_out();
    }
    if (samples > 0 && mode != RUN_PRINT && mode != RUN_TRAIN && mode != RUN_GRADCHECK)
        return usage_error("--samples works with --print, --train or --gradcheck");

    lesson l;
    if (load_lesson(lesson_arg, &l) != 0)
        return 2;
    if (samples > 0 && samples < l.net.samples)
        l.net.samples = (int)samples; /* the first N; the arrays stay as they are */
    int rc;
    switch (mode) {
    case RUN_PRINT: rc = print_walkthrough(stdout, &l, &popt); break;
    case RUN_TRAIN: rc = print_train(stdout, &l, epochs, &popt); break;
    case RUN_GRADCHECK: rc = print_gradcheck(stdout, &l, &popt); break;
    case RUN_SHAPE:
        rc = run_shape(shape_expr, &l,
                       popt.convention >= 0 ? (engine_conv)popt.convention : l.net.convention,
                       popt.ascii);
        break;
    case RUN_SCREEN:
    case RUN_LIST: {
        /* NO_COLOR asks for no colour unless the command line names a
         * theme (no-color.org: per-instance arguments override it). */
        const char *nc = getenv("NO_COLOR");
        if (nc && *nc && topt.theme < 0)
            topt.theme = THEME_MONO;
        topt.convention = popt.convention;
        if (lesson_arg)
            save_clean_stale(l.path); /* what a save cut short left beside it */
        rc = tui_run(&l, &topt);
        break;
    }
    }
    lesson_free(&l);
    int wrc = flush_out();
    return wrc ? wrc : rc;
}
