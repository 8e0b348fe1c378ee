/* main.c - backstep's command line: options, wiring, exit statuses.
 *
 * Exit status: 0 success, 1 gradient check failed (or --shape found a
 * mismatch), 2 usage or lesson error.  An error writes exactly one message
 * on stderr and nothing on stdout. */
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "catalog.h"
#include "engine.h"
#include "lesson.h"
#include "print.h"
#include "shape.h"
#include "text.h"
#include "tui.h"

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
    "  --gradcheck          compare every gradient with a central difference;\n"
    "                       exit status 1 when one is off by more than 1e-6\n"
    "  --shape EXPR         work out the shape of an expression, e.g.\n"
    "                       \"W_jk * g'(z) * x\"; exit status 1 on a mismatch\n"
    "  --convention CONV    rows or columns: show everything that way\n"
    "  --ascii              ASCII only (d for delta, x for times, ...)\n"
    "  --no-color           no colours on the screen (also when NO_COLOR is set)\n"
    "  --quiz               start the screen in quiz mode\n"
    "  --list               list the bundled lessons\n"
    "  --help               show this help\n"
    "  --version            show the version\n"
    "\n"
    "Exit status: 0 success, 1 gradient check failed or shapes do not fit,\n"
    "2 usage or lesson error.\n";

/* Writes one usage error and returns the exit status for it. */
static int usage_error(const char *fmt, const char *a, const char *b)
{
    fputs("backstep: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 2;
}

/* The screen draws ASCII when the locale cannot show UTF-8. */
static int locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* --list found nothing: say where it looked (a binary installed under
 * another PREFIX than it was built for looks in the wrong place). */
static int no_lessons(const char *const *dirs)
{
    fputs("backstep: no lessons found in ", stderr);
    for (int i = 0; dirs[i]; i++) {
        char clean[1024];
        text_sanitize(dirs[i], clean, sizeof clean);
        fprintf(stderr, "%s%s", i == 0 ? "" : dirs[i + 1] ? ", " : " or ", clean);
    }
    fputc('\n', stderr);
    return 2;
}

static int list_lessons(int ascii)
{
    catalog c;
    if (catalog_scan(&c, lesson_dirs()) < 0) {
        fputs("backstep: out of memory\n", stderr);
        return 2;
    }
    if (c.n == 0) {
        catalog_free(&c);
        return no_lessons(lesson_dirs());
    }
    int w = 0;
    for (int i = 0; i < c.n; i++) {
        int len = text_width(c.entries[i].name);
        if (len > w)
            w = len;
    }
    char name[256], title[1024], tmp[1024];
    for (int i = 0; i < c.n; i++) {
        const catalog_entry *e = &c.entries[i];
        text_sanitize(e->name, name, sizeof name);
        text_sanitize(e->title ? e->title : "(does not load)", title, sizeof title);
        if (ascii) {
            text_ascii(name, tmp, sizeof name);
            memcpy(name, tmp, sizeof name);
            text_ascii(title, tmp, sizeof tmp);
            memcpy(title, tmp, sizeof title);
        }
        printf("%s%*s  %s\n", name, w - text_width(name), "", title);
    }
    catalog_free(&c);
    return 0;
}

/* Loads LESSON (a path or a bundled name) or the built-in default. */
static int load_lesson(const char *name, lesson *l)
{
    lesson_error err;
    int rc;
    if (!name) {
        rc = lesson_load_default(l, &err);
    } else {
        char path[4096];
        /* When nothing matches, loading the name itself gives the loader's
         * own "NAME: No such file or directory". */
        if (lesson_resolve(name, path, sizeof path) == 0) {
            rc = lesson_load_file(path, l, &err);
        } else if (!strchr(name, '/') && !strstr(name, ".yaml") && access(name, F_OK) != 0) {
            /* A bare word is most likely a lesson's name: say so. */
            char clean[256];
            text_sanitize(name, clean, sizeof clean);
            fprintf(stderr, "backstep: no lesson called '%s': not a file, nor a bundled "
                            "lesson (backstep --list shows them)\n", clean);
            return 2;
        } else {
            rc = lesson_load_file(name, l, &err);
        }
    }
    if (rc < 0) {
        char clean[LESSON_ERROR_SIZE * 4];
        text_sanitize(err.message, clean, sizeof clean);
        fprintf(stderr, "%s\n", clean);
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

/* Parses the epochs of --train: a whole number from 1 to LONG_MAX. */
static int parse_epochs(const char *s, long *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v == LONG_MAX)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_PRINT = 256, O_FORMAT, O_TRAIN, O_GRADCHECK, O_CONVENTION, O_LIST, O_HELP,
           O_VERSION, O_ASCII, O_NO_COLOR, O_QUIZ, O_SHAPE };
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
        {"quiz", no_argument, NULL, O_QUIZ},
        {"shape", required_argument, NULL, O_SHAPE},
        {NULL, 0, NULL, 0},
    };
    /* Only the character set is taken from the environment (UTF-8 or not,
     * for the screen and --ascii); numbers stay "0.5", never "0,5", and
     * nothing else of the locale is needed, nor worth loading at start-up. */
    setlocale(LC_CTYPE, "");
    run_mode mode = RUN_SCREEN;
    print_options popt = {PRINT_TEXT, -1, 0, 0};
    tui_options topt = {0, 0, 0, -1};
    long epochs = 0;
    const char *shape_expr = NULL;
    int show_help = 0, show_version = 0;

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        run_mode want = RUN_SCREEN;
        switch (c) {
        case O_PRINT: want = RUN_PRINT; break;
        case O_TRAIN:
            if (parse_epochs(optarg, &epochs) < 0)
                return usage_error("--train needs a whole number of epochs from 1 up, "
                                   "found '%s'%s", optarg, "");
            want = RUN_TRAIN;
            break;
        case O_GRADCHECK: want = RUN_GRADCHECK; break;
        case O_SHAPE: want = RUN_SHAPE; shape_expr = optarg; break;
        case O_LIST: want = RUN_LIST; break;
        case O_FORMAT: {
            int f = print_format_parse(optarg);
            if (f < 0)
                return usage_error("--format must be text, markdown or json, found '%s'%s",
                                   optarg, "");
            popt.format = (print_format)f;
            break;
        }
        case O_CONVENTION:
            if (strcmp(optarg, "columns") == 0)
                popt.convention = CONV_COLUMNS;
            else if (strcmp(optarg, "rows") == 0)
                popt.convention = CONV_ROWS;
            else
                return usage_error("--convention must be rows or columns, found '%s'%s",
                                   optarg, "");
            break;
        case O_ASCII: popt.ascii = topt.ascii = 1; break;
        case O_NO_COLOR: topt.no_color = 1; break;
        case O_QUIZ: topt.quiz = 1; break;
        case 'h':
        case O_HELP: show_help = 1; break;
        case O_VERSION: show_version = 1; break;
        case ':':
            return usage_error("option '%s' needs a value%s", argv[optind - 1], "");
        default:
            return usage_error("unknown option '%s'%s (try --help)",
                               optopt && optopt < 256 && argv[optind - 1][1] != '-'
                                   ? (char[]){'-', (char)optopt, 0}
                                   : argv[optind - 1],
                               "");
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
        return 0;
    }
    if (show_version) {
        printf("backstep %s\n", BACKSTEP_VERSION);
        return 0;
    }
    if (optind + 1 < argc)
        return usage_error("one LESSON at most, found '%s' and '%s'", argv[optind],
                           argv[optind + 1]);
    const char *lesson_name = optind < argc ? argv[optind] : NULL;
    if (mode == RUN_LIST) {
        if (lesson_name)
            return usage_error("--list takes no LESSON, found '%s'%s", lesson_name, "");
        return list_lessons(popt.ascii);
    }

    lesson l;
    if (load_lesson(lesson_name, &l) != 0)
        return 2;
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
    default: {
        const char *nc = getenv("NO_COLOR");
        if (nc && *nc)
            topt.no_color = 1;
        if (!locale_is_utf8())
            topt.ascii = 1;
        topt.convention = popt.convention;
        rc = tui_run(&l, &topt);
        break;
    }
    }
    lesson_free(&l);
    if (fflush(stdout) != 0 && rc == 0) {
        fputs("backstep: cannot write the output\n", stderr);
        rc = 2;
    }
    return rc;
}
