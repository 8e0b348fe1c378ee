/* save.h - writes the current network as a lesson file that loads back to
 * the very same network.  The file is replaced atomically: the text goes to
 * a temporary file in the same folder, is flushed and synced, and only then
 * renamed over the target, so a failed save never harms the original.  No
 * curses, no printing: failures come back as one message. */
#ifndef BACKSTEP_SAVE_H
#define BACKSTEP_SAVE_H

#include <stddef.h>
#include <stdio.h>
#include "engine.h"
#include "lesson.h"

enum {
    SAVE_ERROR_SIZE = 512, /* room for "cannot save FILE: reason" */
};

/* Writes net as lesson YAML to f: numbers with %.17g so they read back
 * bit-identical, weights in net->convention, and the title, description,
 * notes and expressions of `words` (which may be NULL) as double-quoted
 * strings.  Returns 0, or -1 when a number is not finite or f reports an
 * error (errno set; EDOM for a non-finite number). */
int save_emit(FILE *f, const engine_net *net, const lesson *words);

/* Saves net with the words of `words` as the lesson file `path`.  Returns 0,
 * or -1 with "cannot save PATH: reason" in msg and the old file untouched. */
int save_lesson(const char *path, const engine_net *net, const lesson *words,
                char *msg, size_t size);

/* Creates the temporary file from a mkstemp template "DIR/.NAME.XXXXXX"
 * (which it fills in) and returns a stream on it, or NULL with errno set.
 * Tests replace it to make writes fail, e.g. with a stream on /dev/full. */
typedef FILE *(*save_open_fn)(char *tmpl, void *ctx);

/* save_lesson with the temporary file made by open_temp (NULL: mkstemp). */
int save_lesson_via(const char *path, const engine_net *net, const lesson *words,
                    save_open_fn open_temp, void *ctx, char *msg, size_t size);

#endif
