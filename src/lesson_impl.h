/* lesson_impl.h - what the loader's own files share and nothing else
 * includes: the tree of YAML values with the places they were written,
 * the loader's state, and the functions each stage of a load hands on to
 * the next.  The stages call downward only: lesson_file.c reads a file and
 * hands its bytes to lesson_load.c, which builds the tree of values
 * (lesson_tree.c) and checks it against the schema into a lesson;
 * lesson_find.c finds lessons by name; every stage words its messages with
 * lesson_error.c.  Not part of the loader's interface, which is lesson.h. */
#ifndef BACKSTEP_LESSON_IMPL_H
#define BACKSTEP_LESSON_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include "lesson.h"

enum {
    MAX_ITEMS = 4096, /* entries in one list or mapping: ample for 1000 samples */
    SHOW_MAX = 40,    /* bytes of a lesson's value quoted back in a message */
    WHAT_SIZE = 64,   /* bytes for a key path such as "samples[999].target" */
    DIR_SIZE = 4096,  /* bytes for one lesson folder */
    REASON_SIZE = 2 * LESSON_ERROR_SIZE, /* a reason before it is fitted */
};

typedef enum { NODE_SCALAR, NODE_LIST, NODE_MAP } node_kind;

/* One YAML value with the place it starts; a map holds key, value, key, ... */
typedef struct node {
    node_kind kind;
    int line, col;  /* 1-based */
    int plain;      /* a scalar written without quotes or block style */
    uint32_t start, end; /* bytes of the input it was written in */
    char *text;     /* scalar value, NUL-terminated */
    size_t len;
    int n, cap;
    struct node *kids;
} node;

/* What every check needs: where messages go and which file they name. */
typedef struct {
    const char *path;
    lesson_error *err;
    const char *text; /* the whole input, to place reader errors */
    size_t len;
    size_t mark_char, mark_byte; /* libyaml counts characters: the last
                                  * index turned into a byte offset */
    size_t bom;       /* bytes of a UTF-8 byte order mark (0 or 3) */
    lesson_source *src; /* where the numbers are written, filled while reading */
    size_t root_end;  /* byte where the top-level mapping ends */
    size_t doc_end;   /* byte of an explicit "..." (or len) */
} loader;

/* lesson_error.c: messages */

/* Sets err to "FILE: reason" from a format. */
void lesson_set_error(lesson_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the loader's error to "FILE:LINE:COLUMN: reason"; returns -1. */
int lesson_fail_at(loader *ld, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* lesson_fail_at at the place where node nd was written. */
#define fail(ld, nd, ...) lesson_fail_at((ld), (nd)->line, (nd)->col, __VA_ARGS__)
/* Sets the loader's error to "FILE: out of memory"; returns -1. */
int lesson_out_of_memory(loader *ld);
/* A lesson's bytes for a message, every control written as \xNN or \uNNNN. */
void lesson_show_bytes(const char *s, size_t len, char *buf, size_t size);
/* A scalar YAML reads as null: empty, ~ or null. */
int lesson_is_null(const node *n);
/* What was found, for "..., found X": 2.5, 'abc', "0.5" (in quotes), a list. */
const char *lesson_describe(const node *n, char *buf, size_t size);
/* Line and 1-based column of a byte offset of the input, as libyaml counts. */
void lesson_place(const char *text, size_t len, size_t offset, int *line, int *col);
/* libyaml's error, in the words of a lesson's author; returns -1. */
int lesson_yaml_fail(loader *ld, const yaml_parser_t *p);

/* lesson_tree.c: YAML events into a tree */

/* Frees what a node and its children own, and empties it. */
void lesson_node_clear(node *n);
/* Reads the events into root; 0, or -1 with the error set. */
int lesson_tree_build(loader *ld, yaml_parser_t *p, node *root);

/* lesson_load.c: the tree into a lesson */

/* A decimal number as written; whole: digits alone, with an optional sign. */
int lesson_is_decimal(const char *s, int whole);

#endif
