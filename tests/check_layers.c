/* check_layers.c - the shape of src/: data flows one way, so no module
 * reaches back to one that reaches it, neither by its #include lines nor
 * by the calls between the library's objects (read with nm); the modes
 * never call one another, the drawing never calls a mode; no file of the
 * screen grows past 600 lines, and no file of src/ past 1,400.  A module
 * is a source and its header (frame.c and frame.h are the module
 * "frame"). */
#include <check.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_MODULES = 128, NAME_BYTES = 64 };

/* The modules found and the edges between them. */
typedef struct {
    int n;
    char name[MAX_MODULES][NAME_BYTES];
    unsigned char edge[MAX_MODULES][MAX_MODULES]; /* edge[a][b]: a uses b */
} graph;

/* The index of module `name`, added when new. */
static int module(graph *g, const char *name)
{
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->name[i], name) == 0)
            return i;
    ck_assert_int_lt(g->n, MAX_MODULES);
    snprintf(g->name[g->n], NAME_BYTES, "%s", name);
    return g->n++;
}

/* The module of a file name: "frame.c", "frame.h", "frame.o" -> "frame". */
static int module_of_file(graph *g, const char *file)
{
    char base[NAME_BYTES];
    snprintf(base, sizeof base, "%s", file);
    char *dot = strrchr(base, '.');
    if (dot)
        *dot = '\0';
    return module(g, base);
}

static int index_of(const graph *g, const char *name)
{
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->name[i], name) == 0)
            return i;
    return -1;
}

/* Adds an edge from every source's module to the modules of the headers of
 * src/ it includes. */
static void include_edges(graph *g)
{
    DIR *d = opendir("src");
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 3 || e->d_name[len - 2] != '.' ||
            (e->d_name[len - 1] != 'c' && e->d_name[len - 1] != 'h'))
            continue;
        char path[PATH_MAX], line[1024];
        snprintf(path, sizeof path, "src/%s", e->d_name);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        int from = module_of_file(g, e->d_name);
        while (fgets(line, sizeof line, f)) {
            char inc[NAME_BYTES];
            if (sscanf(line, " #include \"%63[^\"]\"", inc) != 1)
                continue;
            char hpath[PATH_MAX];
            snprintf(hpath, sizeof hpath, "src/%s", inc);
            if (access(hpath, F_OK) != 0)
                continue; /* a generated or test header */
            int to = module_of_file(g, inc);
            if (to != from)
                g->edge[from][to] = 1;
        }
        fclose(f);
    }
    closedir(d);
}

/* The library the test program was linked with: beside it (build/asan/run)
 * or in build/ (tests/run). */
static void library_path(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    snprintf(buf, size, "%s/libbackstep.a", dirname(exe));
    if (access(buf, R_OK) != 0)
        snprintf(buf, size, "build/libbackstep.a");
    ck_assert_msg(access(buf, R_OK) == 0, "no library to read the calls from");
}

enum { MAX_SYMBOLS = 4096 };

/* Adds an edge from every object's module to the modules whose globals it
 * uses (calls, or data such as a mode's table). */
static void call_edges(graph *g)
{
    char lib[PATH_MAX], cmd[PATH_MAX + 64];
    library_path(lib, sizeof lib);
    snprintf(cmd, sizeof cmd, "nm -A -P '%s' 2>/dev/null", lib);
    static char sym[MAX_SYMBOLS][NAME_BYTES];
    static int owner[MAX_SYMBOLS];
    static struct {
        int from;
        char name[NAME_BYTES];
    } used[MAX_SYMBOLS * 4];
    int n_sym = 0, n_used = 0;
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        /* "lib.a[frame.o]: frame_new T 0 35" */
        char member[NAME_BYTES], name[NAME_BYTES], type;
        const char *open = strchr(line, '['), *close = strstr(line, "]: ");
        if (!open || !close || close - open - 1 >= NAME_BYTES)
            continue;
        snprintf(member, sizeof member, "%.*s", (int)(close - open - 1), open + 1);
        if (sscanf(close + 3, "%63s %c", name, &type) != 2)
            continue;
        int m = module_of_file(g, member);
        if (type == 'U') {
            ck_assert_int_lt(n_used, MAX_SYMBOLS * 4);
            used[n_used].from = m;
            snprintf(used[n_used].name, NAME_BYTES, "%s", name);
            n_used++;
        } else if (type >= 'A' && type <= 'Z') {
            ck_assert_int_lt(n_sym, MAX_SYMBOLS);
            snprintf(sym[n_sym], NAME_BYTES, "%s", name);
            owner[n_sym++] = m;
        }
    }
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_int_gt(n_sym, 100); /* the library was read */
    for (int u = 0; u < n_used; u++)
        for (int s = 0; s < n_sym; s++)
            if (strcmp(used[u].name, sym[s]) == 0 && owner[s] != used[u].from)
                g->edge[used[u].from][owner[s]] = 1;
}

/* Depth-first search for a cycle from module a; colour 1 = on the path. */
static int find_cycle(const graph *g, int a, int *colour, int *path, int depth, char *out,
                      size_t size)
{
    colour[a] = 1;
    path[depth] = a;
    for (int b = 0; b < g->n; b++) {
        if (!g->edge[a][b])
            continue;
        if (colour[b] == 1) {
            size_t len = 0;
            int from = depth;
            while (from > 0 && path[from] != b)
                from--;
            for (int i = from; i <= depth; i++)
                len += (size_t)snprintf(out + len, size - len, "%s → ", g->name[path[i]]);
            snprintf(out + len, size - len, "%s", g->name[b]);
            return 1;
        }
        if (colour[b] == 0 && find_cycle(g, b, colour, path, depth + 1, out, size))
            return 1;
    }
    colour[a] = 2;
    return 0;
}

/* Fails with the cycle when the graph has one. */
static void assert_no_cycle(const graph *g, const char *what)
{
    int colour[MAX_MODULES] = {0}, path[MAX_MODULES];
    char cycle[4096];
    for (int a = 0; a < g->n; a++)
        if (colour[a] == 0 && find_cycle(g, a, colour, path, 0, cycle, sizeof cycle))
            ck_abort_msg("a cycle among the %s of src/: %s", what, cycle);
}

static int uses(const graph *g, const char *a, const char *b)
{
    int i = index_of(g, a), j = index_of(g, b);
    return i >= 0 && j >= 0 && g->edge[i][j];
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

START_TEST(no_include_cycle)
{
    static graph g;
    memset(&g, 0, sizeof g);
    include_edges(&g);
    /* The scan sees the includes that are there. */
    ck_assert(uses(&g, "mode_step", "mode"));
    ck_assert(uses(&g, "tui", "screen"));
    ck_assert(uses(&g, "draw", "frame"));
    assert_no_cycle(&g, "includes");
}
END_TEST

START_TEST(no_call_cycle)
{
    static graph g;
    memset(&g, 0, sizeof g);
    call_edges(&g);
    /* The scan sees the calls that are there: the dispatcher uses every
     * mode, the modes draw, the drawing puts text into frames. */
    ck_assert(uses(&g, "screen", "mode_step"));
    ck_assert(uses(&g, "screen", "mode_help"));
    ck_assert(uses(&g, "mode_step", "draw_header"));
    ck_assert(uses(&g, "draw_header", "frame"));
    ck_assert(uses(&g, "prompt", "keys"));
    assert_no_cycle(&g, "calls");
    /* No mode calls another mode, nor the dispatcher; the drawing calls no
     * mode; the frame calls none of the drawing. */
    for (int a = 0; a < g.n; a++)
        for (int b = 0; b < g.n; b++) {
            if (!g.edge[a][b])
                continue;
            const char *x = g.name[a], *y = g.name[b];
            ck_assert_msg(!(starts(x, "mode_") && starts(y, "mode_")), "%s calls %s", x, y);
            ck_assert_msg(!(starts(x, "mode_") && strcmp(y, "screen") == 0), "%s calls %s", x,
                          y);
            ck_assert_msg(!(starts(x, "draw_") && (starts(y, "mode_") || strcmp(y, "screen") == 0)),
                          "%s calls %s", x, y);
            ck_assert_msg(!(strcmp(x, "frame") == 0 && starts(y, "draw_")), "%s calls %s", x, y);
        }
}
END_TEST

enum {
    SCREEN_MAX_LINES = 600, /* a file of the screen */
    FILE_MAX_LINES = 1400,  /* any file of src/ */
};

/* Lines of the file at path, the last one counted without its newline. */
static int lines_of(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    int lines = 0, c, last = '\n';
    while ((c = getc(f)) != EOF) {
        lines += c == '\n';
        last = c;
    }
    ck_assert_msg(!ferror(f), "cannot read %s", path);
    fclose(f);
    return lines + (last != '\n');
}

/* The screen's files stay short enough to read in one sitting. */
START_TEST(screen_files_short)
{
    static const char *const prefixes[] = {"frame.", "draw", "mode", "screen.", "keys.",
                                           "tui.",   "prompt.", "plot."};
    DIR *d = opendir("src");
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL) {
        int ours = 0;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
            ours |= starts(e->d_name, prefixes[i]);
        if (!ours)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "src/%s", e->d_name);
        int lines = lines_of(path);
        ck_assert_msg(lines <= SCREEN_MAX_LINES, "%s has %d lines, more than %d", path, lines,
                      SCREEN_MAX_LINES);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 20);
}
END_TEST

/* No file of src/ grows past what one can hold in mind: a file that does
 * is split along its seams, each part named after what it does. */
START_TEST(all_files_short)
{
    DIR *d = opendir("src");
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "src/%s", e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        int lines = lines_of(path);
        ck_assert_msg(lines <= FILE_MAX_LINES, "%s has %d lines, more than %d", path, lines,
                      FILE_MAX_LINES);
        seen++;
    }
    closedir(d);
    /* the scan sees the files that are there */
    ck_assert_int_ge(seen, 60);
}
END_TEST

Suite *layers_suite(void)
{
    Suite *s = suite_create("layers");
    TCase *tc = tcase_create("graph");
    tcase_add_test(tc, no_include_cycle);
    tcase_add_test(tc, no_call_cycle);
    tcase_add_test(tc, screen_files_short);
    tcase_add_test(tc, all_files_short);
    suite_add_tcase(s, tc);
    return s;
}
