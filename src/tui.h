/* tui.h - the ncurses screen.  The only module that includes curses. */
#ifndef BACKSTEP_TUI_H
#define BACKSTEP_TUI_H

#include "engine.h"
#include "lesson.h"

/* How the screen was asked to look. */
typedef struct {
    int ascii;              /* draw with ASCII only (also when the locale is not UTF-8) */
    int no_color;           /* monochrome: bold, underline, reverse */
    int quiz;               /* start in quiz mode */
    int convention;         /* -1 = the lesson's, else an engine_conv */
} tui_options;

/* Runs the screen on a loaded lesson until the user quits.  Takes
 * ownership of nothing.  Returns the process exit status. */
int tui_run(lesson *l, const tui_options *opt);

#endif
