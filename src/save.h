/* save.h - writes the current network as a lesson file that loads back to
 * the very same network.
 *
 * A lesson read from text is saved by editing that text: only the numbers
 * that changed are rewritten (in the shortest form that reads back to the
 * same double), so the author's comments, key order, block-scalar notes and
 * blank lines stay byte for byte.  A lesson without text of its own, or
 * whose network no longer has the shape of its text, is written whole.
 * Either way the new text is loaded back in memory before anything touches
 * the disk, and refused with the reason when it would not load (too large,
 * a limit) or would not give the same network bit for bit.
 *
 * The file is replaced atomically: the text goes to a temporary file
 * ".NAME.backstep-XXXXXX" in the same folder, is flushed and synced, and
 * only then renamed over the target, so a failed save never harms the
 * original.  A symbolic link stays a link (its target is written); a file
 * with other hard links is written in place, after a full temporary copy
 * has shown there is room, so every link sees the new text.  Temporary
 * files that a crash left behind are removed the next time that lesson is
 * opened or saved.  No curses, no printing: outcomes come back as values
 * and one message. */
#ifndef BACKSTEP_SAVE_H
#define BACKSTEP_SAVE_H

#include <stddef.h>
#include <stdio.h>
#include "engine.h"
#include "lesson.h"

enum {
    SAVE_ERROR_SIZE = 512,  /* room for "cannot save FILE: reason" */
    SAVE_PATH_SIZE = 4096,  /* room for the path of the file written */
    SAVE_NUMBER_SIZE = 32,  /* room for one number from save_number */
};

/* How a save went. */
typedef enum {
    SAVE_FAILED = -1,   /* nothing written: msg says why */
    SAVE_DONE = 0,      /* written */
    SAVE_READ_ONLY = 1, /* nothing written: the file is read-only; ask, then
                         * save again with SAVE_REPLACE_READ_ONLY */
    SAVE_CHANGED = 2,   /* nothing written: someone changed the file since the
                         * stamp was taken; ask, then SAVE_REPLACE_CHANGED */
} save_status;

/* What the caller has agreed to (after asking). */
enum {
    SAVE_REPLACE_READ_ONLY = 1 << 0, /* replace a read-only file (its mode stays) */
    SAVE_REPLACE_CHANGED = 1 << 1,   /* replace a file changed on disk */
};

/* What a save did, for the screen to say. */
typedef struct {
    char written[SAVE_PATH_SIZE]; /* the file written: path, or where its links lead */
    int through_link; /* path is a symbolic link, kept as it was; its target was written */
    int in_place;     /* the file has other hard links: written in place, all see it */
    int links_split;  /* the file had other hard links that keep the old text (it was
                       * read-only, so it could not be written in place) */
    int fresh;        /* written whole: the lesson had no text of its own, or its
                       * network no longer fits that text; comments are not kept */
    size_t bytes;     /* size of the file written */
} save_report;

/* Writes v (finite) in the shortest decimal form that strtod reads back as
 * the very same double ("0.1", "-0", "5e-324", "1.7976931348623157e+308"),
 * as the loader reads numbers.  Returns the length. */
int save_number(double v, char *buf, size_t size);

/* Writes net as a complete fresh lesson to f: numbers with save_number,
 * weights in net->convention, and the title, description, seed, notes and
 * expressions of `words` (which may be NULL); multi-line text as literal
 * block scalars where YAML allows, else double-quoted.  Returns 0, or -1
 * when a number is not finite or f reports an error (errno set; EDOM for a
 * non-finite number). */
int save_emit(FILE *f, const engine_net *net, const lesson *words);

/* The text that saving net with words would write (malloc'd, NUL-terminated,
 * in *text and *len): words' own text with the changed numbers edited in,
 * or a fresh lesson (*fresh = 1) when there is none or it no longer fits.
 * It has been loaded back and gives net bit for bit and the same words.
 * Returns 0, or -1 with the reason in why (no file name). */
int save_text(const engine_net *net, const lesson *words, char **text, size_t *len,
              int *fresh, char *why, size_t size);

/* Saves net with the words of `words` as the lesson file `path`.
 * stamp: the file as backstep last read or wrote it (a copy of the
 * lesson's stamp, kept by the caller), or NULL not to check; on success it
 * becomes the stamp of the file written, so the next save does not take
 * backstep's own write for someone else's.  Returns a save_status: on
 * SAVE_FAILED msg holds "cannot save PATH: reason"; on SAVE_READ_ONLY and
 * SAVE_CHANGED a sentence for the question ("PATH is read-only",
 * "PATH changed on disk since backstep read it"); on SAVE_DONE msg is "".
 * The file is untouched unless SAVE_DONE.  rep may be NULL. */
int save_write(const char *path, const engine_net *net, const lesson *words,
               lesson_stamp *stamp, unsigned flags, save_report *rep, char *msg, size_t size);

/* save_write without a stamp or permissions: a read-only file is not
 * replaced (SAVE_READ_ONLY). */
int save_lesson(const char *path, const engine_net *net, const lesson *words,
                char *msg, size_t size);

/* Creates the temporary file from a mkstemp template "DIR/.NAME.backstep-XXXXXX"
 * (which it fills in) and returns a stream on it, or NULL with errno set.
 * Tests replace it to make writes fail, e.g. with a stream on /dev/full. */
typedef FILE *(*save_open_fn)(char *tmpl, void *ctx);

/* save_write with the temporary file made by open_temp (NULL: mkstemp). */
int save_write_via(const char *path, const engine_net *net, const lesson *words,
                   lesson_stamp *stamp, unsigned flags, save_report *rep,
                   save_open_fn open_temp, void *ctx, char *msg, size_t size);

/* Removes the temporary files ".NAME.backstep-XXXXXX" that an interrupted
 * save of path (or of the file its links lead to) left beside it: regular
 * files of this user, last written before this process started.  Returns
 * how many were removed. */
int save_clean_stale(const char *path);

#endif
