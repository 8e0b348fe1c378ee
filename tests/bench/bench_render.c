/* bench_render.c - the cost of one rendered step: the → key's work
 * (screen_key), the layout (screen_layout) and the drawing (tui_draw and the
 * refresh) on an off-screen terminal, newterm on /dev/null.
 *
 *   bench_render LESSON WIDTH HEIGHT STEPS
 *
 * LESSON is a lesson file or "default".  Prints the CPU time per step over
 * STEPS steps.  The driver also runs it under callgrind for STEPS and
 * 2 x STEPS and divides the difference, so start-up cancels out. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "keys.h"
#include "lesson.h"
#include "tui.h"
#include "screen.h"

/* CPU seconds of this process. */
static double render_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_render LESSON WIDTH HEIGHT STEPS\n");
        return 2;
    }
    int width = atoi(argv[2]), height = atoi(argv[3]);
    long steps = atol(argv[4]);
    if (width < 1 || height < 1 || steps < 1) {
        fprintf(stderr, "bench_render: WIDTH, HEIGHT and STEPS must be whole numbers from 1\n");
        return 2;
    }
    if (!setlocale(LC_ALL, "C.UTF-8")) {
        fprintf(stderr, "bench_render: no C.UTF-8 locale\n");
        return 1;
    }
    lesson les;
    lesson_error err;
    int bad = strcmp(argv[1], "default") == 0 ? lesson_load_default(&les, &err)
                                              : lesson_load_file(argv[1], &les, &err);
    if (bad) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    screen_options opt = {0, 0, -1};
    screen *s = screen_new(&les, &opt);
    frame *cur = frame_new(), *prev = frame_new();
    if (!out || !in || !s || !cur || !prev) {
        fprintf(stderr, "bench_render: cannot open /dev/null or out of memory\n");
        return 1;
    }
    SCREEN *scr = newterm("xterm-256color", out, in);
    if (!scr) {
        fprintf(stderr, "bench_render: no xterm-256color terminal description\n");
        return 1;
    }
    set_term(scr);
    typeahead(-1); /* as tui_run sets it */
    tui_colors(0);
    resizeterm(height, width);
    screen_layout(s, cur, COLS, LINES);
    tui_draw(cur, prev);

    int per_pass = engine_step_count(screen_engine(s));
    double t0 = render_now();
    for (long i = 0; i < steps; i++) {
        screen_key(s, KEYS_K_RIGHT);
        screen_layout(s, cur, COLS, LINES);
        tui_draw(cur, prev);
    }
    double t = render_now() - t0;
    printf("ns_per_step %.0f steps %ld steps_per_pass %d size %dx%d\n",
           t * 1e9 / steps, steps, per_pass, COLS, LINES);

    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    frame_free(cur);
    frame_free(prev);
    screen_free(s);
    lesson_free(&les);
    return 0;
}
