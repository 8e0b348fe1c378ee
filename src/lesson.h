/* lesson.h - lesson files (YAML) to an engine_net plus the words around it.
 * No curses, no printing: errors come back as one formatted message. */
#ifndef BACKSTEP_LESSON_H
#define BACKSTEP_LESSON_H

#include <stddef.h>
#include "engine.h"

enum {
    LESSON_MAX_BYTES = 1 << 20, /* larger files are refused */
    LESSON_MAX_DEPTH = 16,      /* deepest nesting of collections */
    LESSON_ERROR_SIZE = 512,
};

/* A narration for the steps whose id matches pattern ("*" = any layer number). */
typedef struct {
    char *pattern; /* "backward.*.gradient" */
    char *text;    /* UTF-8 as written in the lesson; sanitise before display */
} lesson_note;

/* An expression for the shape checker, shown as an extra step. */
typedef struct {
    char *caption;
    char *expr;
} lesson_expression;

/* A loaded lesson; every string is owned by it. */
typedef struct {
    char *path;        /* file it came from, or "(built-in)" */
    char *name;        /* short name: file name less number prefix and .yaml */
    char *title;
    char *description; /* may be NULL */
    long long seed;    /* 0 when not given */
    engine_net net;    /* weights in canonical (columns) layout */
    int n_notes;
    lesson_note *notes;
    int n_expressions;
    lesson_expression *expressions;
} lesson;

/* Why a load failed: "FILE:LINE:COLUMN: what is wrong, what was expected". */
typedef struct {
    char message[LESSON_ERROR_SIZE];
} lesson_error;

/* Loads a lesson file.  Returns 0, or -1 with err filled and *out empty. */
int lesson_load_file(const char *path, lesson *out, lesson_error *err);
/* Loads a lesson from memory; `path` is used in messages.  0 or -1. */
int lesson_load_string(const char *path, const char *text, size_t len,
                       lesson *out, lesson_error *err);
/* Loads the built-in default lesson (the question's 2-3-2 network). */
int lesson_load_default(lesson *out, lesson_error *err);
/* Frees everything a lesson owns and zeroes it. */
void lesson_free(lesson *l);
/* The note for a step id, or NULL.  An exact pattern wins over a wildcard. */
const char *lesson_note_for(const lesson *l, const char *step_id);

/* Turns LESSON (a path, or a bundled lesson's name such as "xor" or "06")
 * into a path that exists; returns 0, or -1 when nothing matches. */
int lesson_resolve(const char *name, char *path, size_t size);
/* A lesson's short name from its path, "lessons/06-xor.yaml" -> "xor"
 * (the name lesson_resolve answers to); malloc'd, NULL when out of memory. */
char *lesson_name(const char *path);
/* The folders searched for bundled lessons, in order, NULL-terminated. */
const char *const *lesson_dirs(void);

/* The YAML text of the built-in lesson (compiled in from lessons/). */
extern const char lesson_default_yaml[];
/* Its length in bytes. */
extern const unsigned long lesson_default_len;

#endif
