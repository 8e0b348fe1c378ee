/* narrate.h - built-in explanations of each kind of step, written for a
 * student; used when a lesson has no note for the step.  No curses. */
#ifndef BACKSTEP_NARRATE_H
#define BACKSTEP_NARRATE_H

#include <stddef.h>
#include "engine.h"

/* Writes the built-in explanation of step s of a pass over net into buf
 * (UTF-8, paragraphs separated by blank lines, naming the convention in
 * force when it matters).  Always NUL-terminates; returns the length. */
size_t narrate_step(const engine_step *s, const engine_net *net, char *buf, size_t size);

#endif
