/* tui.h - the terminal: the only module that includes curses. */
#ifndef BACKSTEP_TUI_H
#define BACKSTEP_TUI_H

#include "frame.h"
#include "lesson.h"

/* How the screen was asked to look. */
typedef struct {
    int ascii;      /* draw with ASCII only (also when the locale is not UTF-8) */
    int no_color;   /* monochrome: bold, underline, reverse */
    int quiz;       /* start in quiz mode */
    int convention; /* -1 = the lesson's, else an engine_conv */
} tui_options;

/* Runs the screen on a loaded lesson until the user quits, the terminal
 * goes away or a signal ends it, and gives the terminal back as it was in
 * every case.  l may be replaced in place by a lesson the user opens.
 * Returns the process exit status: 0, 128 + the signal that ended it, or 2
 * when there is no usable terminal (one line on stderr says why). */
int tui_run(lesson *l, const tui_options *opt);

/* Sets up the attribute of every frame_attr class on the current curses
 * screen: colors that work on 8-color terminals, or bold, underline and
 * reverse when no_color or the terminal has no colors.  For the tests too. */
void tui_colors(int no_color);
/* Puts frame f on the current curses screen, touching only the cells that
 * differ from *prev (all of them when prev's size differs), refreshes, and
 * copies f into *prev. */
void tui_draw(const frame *f, frame *prev);

#endif
