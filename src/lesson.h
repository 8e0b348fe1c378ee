/* lesson.h - lesson files (YAML) to an engine_net plus the words around it.
 * No curses, no printing: errors come back as one formatted message. */
#ifndef BACKSTEP_LESSON_H
#define BACKSTEP_LESSON_H

#include <stddef.h>
#include <stdint.h>
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

/* A file as it was when read (or last written), to tell whether someone
 * else has changed it since: same file, size, modification time, bytes. */
typedef struct {
    int known;                   /* 0: the lesson did not come from a file */
    unsigned long long dev, ino; /* which file */
    long long size;              /* bytes */
    long long mtime_sec;         /* last modification */
    long mtime_nsec;
    uint64_t hash;               /* FNV-1a of the bytes */
} lesson_stamp;

/* Where one number is written in the lesson's text: bytes [start, start+len). */
typedef struct {
    uint32_t start, len; /* len 0: not written */
} lesson_span;

/* The lesson's own text and where its numbers stand in it, so that a save
 * changes just the numbers and keeps the author's comments, key order,
 * block-scalar notes and blank lines byte for byte.  Every array has one
 * span per value of the net, in the net's own (canonical) order. */
typedef struct {
    char *text;                             /* as read, UTF-8; NULL: none */
    size_t len;
    lesson_span learning_rate;              /* len 0: not written (0.1) */
    lesson_span *weights[ENGINE_MAX_LAYERS]; /* NULL: no weights: key (seeded) */
    lesson_span biases_word;                /* the word in "biases: zero" */
    lesson_span *biases[ENGINE_MAX_LAYERS]; /* NULL: none, or "zero" */
    lesson_span *inputs;                    /* samples x width[0] */
    lesson_span *targets;                   /* samples x width[L] */
    size_t insert_at;  /* where a new top-level key goes: the start of the line
                        * of "samples:", else the end (before a "..."); in a
                        * { } lesson, after the last value */
    int indent;        /* column of the top-level keys, 0-based */
    int flow;          /* the top level is written { ... } */
} lesson_source;

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
    lesson_stamp stamp;   /* the file as read; known = 0 for text from memory */
    lesson_source source; /* the text it was read from, for saving */
} lesson;

/* Why a load failed: "FILE:LINE:COLUMN: what is wrong, what was expected",
 * or "FILE: what is wrong" for the file as a whole (too large, missing, a
 * folder, unreadable, a loop of symbolic links, not UTF-8).  Every byte is
 * visible: the file name quoted as ls does when it holds controls, the
 * lesson's own bytes as \xNN, and a long name is shortened in its middle
 * so LINE:COLUMN and the reason always stay whole. */
typedef struct {
    char message[LESSON_ERROR_SIZE];
    size_t name_bytes; /* bytes of message that show the file's name, so that
                        * it can be shown another way (ASCII: text_quote_path) */
} lesson_error;

/* Sets err to "FILE: reason" (file-level errors, for modules that refuse a
 * file before the loader sees it). */
void lesson_error_file(lesson_error *err, const char *path, const char *reason);
struct stat;
/* The stamp of the n bytes of text read from the file fstat described as
 * st; known only for a regular file. */
void lesson_stamp_take(lesson_stamp *s, const struct stat *st, const char *text, size_t n);

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
