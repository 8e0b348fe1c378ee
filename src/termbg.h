/* termbg.h - the terminal's own background colour, asked before curses
 * takes the terminal, so the screen can pick a theme that reads on it. */
#ifndef BACKSTEP_TERMBG_H
#define BACKSTEP_TERMBG_H

#include <stddef.h>

#include "theme.h"

/* Asks the terminal on standard input and output for its background colour
 * (OSC 11), then for its attributes (DA1), which every terminal answers and
 * answers last: the wait (at most 150 ms) ends as soon as the terminal has
 * said what it knows, and an answer that comes too late is thrown away
 * rather than read as keys.  Returns 1 with the theme for that background
 * in *out, or 0 (no answer, or TERM is the Linux console, which would print
 * the question). */
int termbg_ask(theme_id *out);
/* 1 when the n bytes at buf hold a whole answer to DA1 (ESC [ ? 6 2 ; … c). */
int termbg_da1_answered(const char *buf, size_t n);

#endif
