/* lesson.c - lesson files (YAML) to an engine_net, with FILE:LINE:COLUMN errors.
 *
 * libyaml's event parser feeds a small tree of nodes that remember where
 * they were written; the tree is then checked against the schema.  Events
 * rather than libyaml's document loader, because they let the loader refuse
 * an anchor or alias before anything is expanded (no alias bombs) and stop at
 * the seventeenth level of nesting the moment it opens, with no recursion. */
#include "lesson.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "text.h"
#include "utf8.h"

#ifndef BACKSTEP_LESSONDIR
#define BACKSTEP_LESSONDIR "/usr/local/share/backstep/lessons"
#endif

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

static const char *const top_keys[] = {
    "title", "description", "layers", "activations", "loss", "convention",
    "mode", "learning_rate", "seed", "weights", "biases", "train_biases",
    "samples", "notes", "expressions",
};
enum { N_TOP_KEYS = sizeof top_keys / sizeof top_keys[0] };

/* ---- messages ---- */

/* Writes "PATH" WHERE ": " REASON into err, all of it visible: the path
 * quoted when it holds controls and shortened in its middle, so that WHERE
 * (":LINE:COLUMN") and the reason are kept whole; a reason too long for
 * the message is cut at a character's start with "…". */
static void compose(lesson_error *err, const char *path, const char *where, const char *reason)
{
    char q[LESSON_ERROR_SIZE], r[LESSON_ERROR_SIZE];
    size_t total = sizeof err->message - 1, fixed = strlen(where) + 2;
    size_t qlen = text_quote_path(path ? path : "", q, sizeof q, 0);
    /* The reason may use what a 48-byte name leaves; the name gets the rest. */
    size_t keep_path = qlen < 48 ? qlen : 48;
    size_t rmax = total - fixed - keep_path;
    size_t rlen = strlen(reason);
    if (rlen > rmax) {
        size_t cut = rmax - 3; /* room for "…" */
        while (cut > 0 && utf8_is_cont((unsigned char)reason[cut]))
            cut--;
        memcpy(r, reason, cut);
        memcpy(r + cut, "…", 3);
        r[cut + 3] = '\0';
        reason = r;
        rlen = cut + 3;
    }
    qlen = text_shorten(q, q, sizeof q, total - fixed - rlen, 0);
    size_t wlen = fixed - 2;
    char *m = err->message;
    memcpy(m, q, qlen);
    memcpy(m + qlen, where, wlen);
    memcpy(m + qlen + wlen, ": ", 2);
    memcpy(m + qlen + wlen + 2, reason, rlen);
    m[qlen + wlen + 2 + rlen] = '\0';
    err->name_bytes = qlen;
}

/* A reason from a format, never cut inside a character. */
static void reason_v(char *buf, size_t size, const char *fmt, va_list ap)
{
    buf[0] = '\0';
    int n = vsnprintf(buf, size, fmt, ap);
    if (n >= 0 && (size_t)n >= size) {
        /* cut: drop a last character that lost some of its bytes */
        size_t end = size - 1, start = end;
        while (start > 0 && utf8_is_cont((unsigned char)buf[start - 1]))
            start--;
        uint32_t cp;
        if (start > 0 && utf8_decode(buf + start - 1, end - (start - 1), &cp) == 0)
            buf[start - 1] = '\0';
    }
}

static void set_error(lesson_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_error(lesson_error *err, const char *path, const char *fmt, ...)
{
    char reason[REASON_SIZE];
    va_list ap;
    va_start(ap, fmt);
    reason_v(reason, sizeof reason, fmt, ap);
    va_end(ap);
    compose(err, path, "", reason);
}

void lesson_error_file(lesson_error *err, const char *path, const char *reason)
{
    compose(err, path, "", reason);
}

static int fail_at(loader *ld, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(loader *ld, int line, int col, const char *fmt, ...)
{
    char reason[REASON_SIZE], where[32];
    va_list ap;
    va_start(ap, fmt);
    reason_v(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, ":%d:%d", line, col);
    compose(ld->err, ld->path, where, reason);
    return -1;
}

#define fail(ld, nd, ...) fail_at((ld), (nd)->line, (nd)->col, __VA_ARGS__)

static int out_of_memory(loader *ld)
{
    set_error(ld->err, ld->path, "out of memory");
    return -1;
}

/* Copies a lesson's bytes into a message with every character that could
 * act on a terminal or reorder the line (text_is_control) written as \xNN
 * or \uNNNN, cut after SHOW_MAX bytes at a character's start with "…". */
static void show_bytes(const char *s, size_t len, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 12 < size;) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        if (k == 0 || text_is_control(cp)) {
            if (k == 0 || cp < 0x100)
                o += (size_t)snprintf(buf + o, size - o, "\\x%02x",
                                      k == 0 ? (unsigned char)s[i] : (unsigned)cp);
            else
                o += (size_t)snprintf(buf + o, size - o, "\\u%04x", (unsigned)cp);
            k = k ? k : 1;
        } else {
            memcpy(buf + o, s + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
        if (o >= SHOW_MAX && i < len) {
            memcpy(buf + o, "…", 3);
            o += 3;
            break;
        }
    }
    buf[o] = '\0';
}

static int is_null(const node *n)
{
    return n->kind == NODE_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
            strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

static int looks_numeric(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '.')
        s++;
    return *s >= '0' && *s <= '9';
}

/* What was found, for "..., found X": 2.5, 'abc', "0.5" (quoted), a list. */
static const char *describe(const node *n, char *buf, size_t size)
{
    char v[SHOW_MAX + 64];
    if (n->kind == NODE_LIST)
        snprintf(buf, size, n->n ? "a list" : "an empty list");
    else if (n->kind == NODE_MAP)
        snprintf(buf, size, "a mapping");
    else if (is_null(n))
        snprintf(buf, size, "nothing");
    else {
        show_bytes(n->text, n->len, v, sizeof v);
        if (!n->plain)
            snprintf(buf, size, "\"%s\" (in quotes)", v);
        else if (looks_numeric(n->text))
            snprintf(buf, size, "%s", v);
        else
            snprintf(buf, size, "'%s'", v);
    }
    return buf;
}

/* Bytes of the line break at s (n bytes left) as libyaml counts them:
 * LF, CR, CR LF, NEL, LS and PS; 0 when there is none. */
static int line_break(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '\r')
        return n > 1 && u[1] == '\n' ? 2 : 1;
    if (u[0] == '\n')
        return 1;
    if (n > 1 && u[0] == 0xC2 && u[1] == 0x85)
        return 2;
    if (n > 2 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
        return 3;
    return 0;
}

/* Line and 1-based column (in characters) of a byte offset of the input,
 * counting lines the way libyaml does, so that every message of a file
 * with CR or CR LF line ends agrees. */
static void place(const char *text, size_t len, size_t offset, int *line, int *col)
{
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    *line = 1;
    *col = 1;
    while (i < offset && i < len) {
        int b = line_break(text + i, len - i);
        if (b) {
            ++*line;
            *col = 1;
            i += (size_t)b;
        } else {
            if (!utf8_is_cont((unsigned char)text[i]))
                ++*col;
            i++;
        }
    }
}

static int yaml_fail(loader *ld, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "malformed YAML";
    int line, col;
    if (p->error == YAML_MEMORY_ERROR) {
        out_of_memory(ld);
        return -1;
    }
    if (p->error == YAML_READER_ERROR) {
        place(ld->text, ld->len, p->problem_offset, &line, &col);
        return fail_at(ld, line, col, "%s, expected UTF-8 text", problem);
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    int cline = (int)p->context_mark.line + 1, ccol = (int)p->context_mark.column + 1;
    /* libyaml's commonest complaints, in the words of a lesson's author. */
    if (p->context && strcmp(problem, "could not find expected ':'") == 0)
        return fail_at(ld, cline, ccol, "expected 'key: value' here, found no ':' after "
                       "the key");
    if (p->context && strcmp(problem, "did not find expected key") == 0)
        return fail_at(ld, line, col, "expected another 'key: value' lined up with the "
                       "mapping that starts at %d:%d: check the indentation", cline, ccol);
    if (p->context && strcmp(problem, "did not find expected '-' indicator") == 0)
        return fail_at(ld, line, col, "expected another '- item' lined up with the list "
                       "that starts at %d:%d: check the indentation", cline, ccol);
    if (strcmp(problem, "mapping values are not allowed in this context") == 0)
        return fail_at(ld, line, col, "a ':' is not allowed here: put text that holds "
                       "': ' in quotes, or check the indentation");
    if (p->context)
        return fail_at(ld, line, col, "%s, %s that starts at %d:%d", problem, p->context,
                       cline, ccol);
    return fail_at(ld, line, col, "%s", problem);
}

/* ---- the tree ---- */

/* The byte offset of libyaml's character index (which skips a byte order
 * mark and counts each character once).  Events arrive in order, so the
 * walk goes on from the last answer. */
static uint32_t byte_of(loader *ld, size_t index)
{
    if (index < ld->mark_char) {
        ld->mark_char = 0;
        ld->mark_byte = ld->bom;
    }
    while (ld->mark_char < index && ld->mark_byte < ld->len) {
        uint32_t cp;
        int k = utf8_decode(ld->text + ld->mark_byte, ld->len - ld->mark_byte, &cp);
        ld->mark_byte += k ? (size_t)k : 1;
        ld->mark_char++;
    }
    return (uint32_t)ld->mark_byte;
}

static void node_clear(node *n)
{
    for (int i = 0; i < n->n; i++)
        node_clear(&n->kids[i]); /* depth is bounded by LESSON_MAX_DEPTH */
    free(n->kids);
    free(n->text);
    memset(n, 0, sizeof *n);
}

/* Appends a child to parent; checks the key rules of mappings as keys arrive. */
static node *node_add(loader *ld, node *parent, const yaml_event_t *ev, node_kind kind)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (parent->n >= (parent->kind == NODE_MAP ? 2 * MAX_ITEMS : MAX_ITEMS)) {
        fail_at(ld, line, col, "more than %d entries in one %s, no lesson needs that many",
                MAX_ITEMS, parent->kind == NODE_MAP ? "mapping" : "list");
        return NULL;
    }
    int is_key = parent->kind == NODE_MAP && parent->n % 2 == 0;
    if (is_key && kind != NODE_SCALAR) {
        fail_at(ld, line, col, "a key must be plain text, found a %s",
                kind == NODE_LIST ? "list" : "mapping");
        return NULL;
    }
    if (is_key) {
        const char *k = (const char *)ev->data.scalar.value;
        size_t klen = ev->data.scalar.length;
        for (int i = 0; i < parent->n; i += 2) {
            const node *o = &parent->kids[i];
            /* As C strings: "loss" and "loss\0" are the same key to the
             * rest of the program, so they are duplicates here too. */
            if (strcmp(o->text, k) == 0) {
                char v[SHOW_MAX + 16];
                show_bytes(k, klen, v, sizeof v);
                fail_at(ld, line, col, "duplicate key '%s', first given at line %d", v, o->line);
                return NULL;
            }
        }
    }
    if (parent->n == parent->cap) {
        int cap = parent->cap ? 2 * parent->cap : 4;
        node *kids = realloc(parent->kids, (size_t)cap * sizeof *kids);
        if (!kids) {
            out_of_memory(ld);
            return NULL;
        }
        parent->kids = kids;
        parent->cap = cap;
    }
    node *n = &parent->kids[parent->n++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = line;
    n->col = col;
    return n;
}

static int node_set_scalar(loader *ld, node *n, const yaml_event_t *ev)
{
    n->len = ev->data.scalar.length;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    n->start = byte_of(ld, ev->start_mark.index);
    n->end = byte_of(ld, ev->end_mark.index);
    if (memchr(ev->data.scalar.value, '\0', n->len)) {
        char v[SHOW_MAX + 16];
        show_bytes((const char *)ev->data.scalar.value, n->len, v, sizeof v);
        return fail(ld, n, "'%s' holds a NUL character (\\0), which no value of a lesson "
                    "may hold", v);
    }
    n->text = malloc(n->len + 1);
    if (!n->text) {
        out_of_memory(ld);
        return -1;
    }
    memcpy(n->text, ev->data.scalar.value, n->len);
    n->text[n->len] = '\0';
    return 0;
}

/* Refuses what the lesson format leaves out of YAML: anchors and tags. */
static int check_props(loader *ld, const yaml_event_t *ev, const yaml_char_t *anchor,
                       const yaml_char_t *tag)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    char v[SHOW_MAX + 16];
    if (anchor) {
        show_bytes((const char *)anchor, strlen((const char *)anchor), v, sizeof v);
        return fail_at(ld, line, col,
                       "anchor '&%s': anchors and aliases are not allowed, write the values out", v);
    }
    if (tag) {
        /* show the standard tags the way they were written: !!str */
        static const char std[] = "tag:yaml.org,2002:";
        const char *t = (const char *)tag;
        int is_std = strncmp(t, std, sizeof std - 1) == 0;
        if (is_std)
            t += sizeof std - 1;
        show_bytes(t, strlen(t), v, sizeof v);
        if (is_std)
            return fail_at(ld, line, col, "tag '!!%s': tags are not allowed, write plain values", v);
        return fail_at(ld, line, col, "tag '%s': tags are not allowed, write plain values", v);
    }
    return 0;
}

/* Reads the events into root.  Returns 0 (root->kind is NODE_SCALAR with no
 * text for an empty stream) or -1 with the error set. */
static int tree_build(loader *ld, yaml_parser_t *p, node *root)
{
    node *stack[LESSON_MAX_DEPTH + 1];
    int depth = 0, docs = 0, have_root = 0, rc = 0, done = 0;
    while (!rc && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev))
            return yaml_fail(ld, p);
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        node *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (docs++)
                rc = fail_at(ld, line, col, "a second document, expected one lesson per file");
            break;
        case YAML_ALIAS_EVENT: {
            char v[SHOW_MAX + 16];
            const char *a = (const char *)ev.data.alias.anchor;
            show_bytes(a, strlen(a), v, sizeof v);
            rc = fail_at(ld, line, col,
                         "alias '*%s': anchors and aliases are not allowed, write the values out", v);
            break;
        }
        case YAML_SCALAR_EVENT:
            /* any tag, the non-specific "!" included */
            rc = check_props(ld, &ev, ev.data.scalar.anchor, ev.data.scalar.tag);
            if (rc)
                break;
            if (depth == 0) {
                n = root;
                n->kind = NODE_SCALAR;
                n->line = line;
                n->col = col;
                have_root = 1;
            } else if (!(n = node_add(ld, stack[depth - 1], &ev, NODE_SCALAR))) {
                rc = -1;
                break;
            }
            rc = node_set_scalar(ld, n, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            node_kind kind = ev.type == YAML_MAPPING_START_EVENT ? NODE_MAP : NODE_LIST;
            rc = check_props(ld, &ev,
                             kind == NODE_MAP ? ev.data.mapping_start.anchor
                                              : ev.data.sequence_start.anchor,
                             kind == NODE_MAP ? ev.data.mapping_start.tag
                                              : ev.data.sequence_start.tag);
            if (rc)
                break;
            if (depth == LESSON_MAX_DEPTH) {
                rc = fail_at(ld, line, col, "nested deeper than %d levels, expected at most %d",
                             LESSON_MAX_DEPTH, LESSON_MAX_DEPTH);
                break;
            }
            if (depth == 0) {
                n = root;
                n->kind = kind;
                n->line = line;
                n->col = col;
                have_root = 1;
            } else if (!(n = node_add(ld, stack[depth - 1], &ev, kind))) {
                rc = -1;
                break;
            }
            stack[depth++] = n;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            /* libyaml's parser ends only what it started, so depth is at
             * least 1 here and stack[depth - 1] was set at the start; the
             * analyzer does not know its grammar and tries an end first. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-use-of-uninitialized-value"
#endif
            stack[depth - 1]->end = byte_of(ld, ev.end_mark.index);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
            if (--depth == 0)
                ld->root_end = byte_of(ld, ev.start_mark.index);
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (!ev.data.document_end.implicit)
                ld->doc_end = byte_of(ld, ev.start_mark.index);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    if (!rc && !have_root)
        root->kind = NODE_SCALAR;
    return rc;
}

/* ---- values ---- */

static const node *map_get(const node *map, const char *key)
{
    for (int i = 0; i + 1 < map->n; i += 2)
        if (strcmp(map->kids[i].text, key) == 0)
            return &map->kids[i + 1];
    return NULL;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Edit distance, ignoring case; large for long words (no suggestion). */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int row[WHAT_SIZE + 1];
    if (la > WHAT_SIZE || lb > WHAT_SIZE)
        return INT_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The nearest of names to word, or NULL when none is close. */
static const char *suggest(const char *word, const char *const *names, int n)
{
    const char *best = NULL;
    int best_d = strlen(word) >= 4 ? 3 : 2;
    for (int i = 0; i < n; i++) {
        int d = distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}

/* ", found X" messages share one form: "WHAT must be EXPECTED, found X". */
static int fail_found(loader *ld, const node *n, const char *what, const char *expected)
{
    char found[SHOW_MAX + 128];
    return fail(ld, n, "%s must be %s, found %s", what, expected, describe(n, found, sizeof found));
}

static int want_text(loader *ld, const node *n, const char *what, char **out)
{
    if (n->kind != NODE_SCALAR || is_null(n))
        return fail_found(ld, n, what, "text");
    *out = strdup(n->text);
    if (!*out) {
        out_of_memory(ld);
        return -1;
    }
    return 0;
}

static int is_nonfinite_word(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '.')
        s++;
    return strcasecmp(s, "inf") == 0 || strcasecmp(s, "nan") == 0 ||
           strcasecmp(s, "infinity") == 0;
}

/* A decimal number as written: sign, digits, point, digits, exponent. */
static int is_decimal(const char *s, int whole)
{
    int digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    while (*s >= '0' && *s <= '9')
        s++, digits++;
    if (whole)
        return digits && !*s;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return !*s;
}

static int want_number(loader *ld, const node *n, const char *what, double *out)
{
    if (n->kind != NODE_SCALAR || is_null(n))
        return fail_found(ld, n, what, "a number");
    if (!n->plain) {
        char v[SHOW_MAX + 16];
        show_bytes(n->text, n->len, v, sizeof v);
        return fail(ld, n, "%s must be a number without quotes, found \"%s\"", what, v);
    }
    if (is_nonfinite_word(n->text))
        return fail_found(ld, n, what, "a finite number");
    if (!is_decimal(n->text, 0))
        return fail_found(ld, n, what, "a number");
    char *end;
    errno = 0;
    double d = strtod(n->text, &end);
    if (*end || !isfinite(d) || (errno == ERANGE && fabs(d) > 1.0)) {
        char v[SHOW_MAX + 16];
        show_bytes(n->text, n->len, v, sizeof v);
        return fail(ld, n, "%s must be a finite number, found %s (too large for a double)",
                    what, v);
    }
    *out = d;
    return 0;
}

static int want_whole(loader *ld, const node *n, const char *what, const char *expected,
                      long long *out)
{
    if (n->kind != NODE_SCALAR || !n->plain || !is_decimal(n->text, 1))
        return fail_found(ld, n, what, expected);
    char *end;
    errno = 0;
    long long v = strtoll(n->text, &end, 10);
    if (*end || errno == ERANGE)
        return fail_found(ld, n, what, expected);
    *out = v;
    return 0;
}

/* One of a fixed set of names; "unknown KIND 'x' (did you mean 'y'?)". */
static int want_name(loader *ld, const node *n, const char *kind, const char *what,
                     const char *const *names, int count, int *out)
{
    char v[SHOW_MAX + 16], list[256];
    if (n->kind != NODE_SCALAR || is_null(n)) {
        size_t o = 0;
        for (int i = 0; i < count; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
        return fail_found(ld, n, what, list);
    }
    for (int i = 0; i < count; i++)
        if (strcmp(n->text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    show_bytes(n->text, n->len, v, sizeof v);
    const char *s = suggest(n->text, names, count);
    if (s)
        return fail(ld, n, "unknown %s '%s' (did you mean '%s'?)", kind, v, s);
    size_t o = 0;
    for (int i = 0; i < count; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
    return fail(ld, n, "unknown %s '%s', expected %s", kind, v, list);
}

/* Where scalar n is written. */
static lesson_span span_of(const node *n)
{
    lesson_span sp = {n->start, n->end > n->start ? n->end - n->start : 0};
    return sp;
}

/* A list of exactly count numbers into out, and where each is written into
 * spans. */
static int want_vector(loader *ld, const node *n, const char *what, int count,
                       const char *why, double *out, lesson_span *spans)
{
    char expected[WHAT_SIZE + 32];
    snprintf(expected, sizeof expected, "a list of %d number%s", count, count == 1 ? "" : "s");
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, what, expected);
    if (n->n != count)
        return fail(ld, n, "%s must have %d number%s (%s), found %d", what, count,
                    count == 1 ? "" : "s", why, n->n);
    for (int i = 0; i < count; i++) {
        char item[WHAT_SIZE + 16];
        snprintf(item, sizeof item, "%s[%d]", what, i);
        if (want_number(ld, &n->kids[i], item, &out[i]))
            return -1;
        spans[i] = span_of(&n->kids[i]);
    }
    return 0;
}

/* ---- the schema ---- */

static int check_keys(loader *ld, const node *map, const char *where,
                      const char *const *keys, int count)
{
    for (int i = 0; i < map->n; i += 2) {
        const node *k = &map->kids[i];
        int known = 0;
        for (int j = 0; j < count && !known; j++)
            known = strcmp(k->text, keys[j]) == 0;
        if (known)
            continue;
        char v[SHOW_MAX + 16], in[WHAT_SIZE + 8] = "";
        show_bytes(k->text, k->len, v, sizeof v);
        if (where)
            snprintf(in, sizeof in, " in %s", where);
        const char *s = suggest(k->text, keys, count);
        if (s)
            return fail(ld, k, "unknown key '%s'%s (did you mean '%s'?)", v, in, s);
        char list[256];
        size_t o = 0;
        for (int j = 0; j < count; j++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", keys[j]);
        return fail(ld, k, "unknown key '%s'%s, expected one of %s", v, in, list);
    }
    return 0;
}

static int read_layers(loader *ld, const node *n, engine_net *net)
{
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "layers", "a list of widths such as [2, 3, 2]");
    if (n->n < 2 || n->n > ENGINE_MAX_LAYERS + 1)
        return fail(ld, n, "layers must have 2 to %d widths (1 to %d weight layers), found %d",
                    ENGINE_MAX_LAYERS + 1, ENGINE_MAX_LAYERS, n->n);
    char expected[64];
    snprintf(expected, sizeof expected, "a width from 1 to %d", ENGINE_MAX_WIDTH);
    for (int i = 0; i < n->n; i++) {
        char what[WHAT_SIZE];
        long long w;
        snprintf(what, sizeof what, "layers[%d]", i);
        if (want_whole(ld, &n->kids[i], what, expected, &w))
            return -1;
        if (w < 1 || w > ENGINE_MAX_WIDTH)
            return fail_found(ld, &n->kids[i], what, expected);
        net->width[i] = (int)w;
    }
    net->layers = n->n - 1;
    return 0;
}

static int read_activations(loader *ld, const node *n, engine_net *net)
{
    const char *names[ACT_COUNT];
    for (int a = 0; a < ACT_COUNT; a++)
        names[a] = engine_act_name((engine_act)a);
    char expected[64];
    snprintf(expected, sizeof expected, "a list of %d activation%s such as [sigmoid, linear]",
             net->layers, net->layers == 1 ? "" : "s");
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "activations", expected);
    if (n->n != net->layers)
        return fail(ld, n, "activations must have one entry per weight layer (%d), found %d",
                    net->layers, n->n);
    for (int i = 0; i < n->n; i++) {
        char what[WHAT_SIZE];
        int a;
        snprintf(what, sizeof what, "activations[%d]", i);
        if (want_name(ld, &n->kids[i], "activation", what, names, ACT_COUNT, &a))
            return -1;
        if (a == ACT_SOFTMAX && i != n->n - 1)
            return fail(ld, &n->kids[i],
                        "%s: softmax is allowed only in the output layer (layer %d), found it "
                        "in layer %d", what, n->n, i + 1);
        net->act[i] = (engine_act)a;
    }
    return 0;
}

/* A matrix written in the lesson's convention into canonical columns layout. */
static int read_matrix(loader *ld, const node *m, int layer, engine_net *net)
{
    int in = net->width[layer], out = net->width[layer + 1];
    int rows_conv = net->convention == CONV_ROWS;
    int R = rows_conv ? out : in, C = rows_conv ? in : out;
    char what[WHAT_SIZE], expected[WHAT_SIZE + 64];
    snprintf(what, sizeof what, "weights[%d]", layer);
    snprintf(expected, sizeof expected, "a %d×%d matrix (a list of %d rows)", R, C, R);
    if (m->kind != NODE_LIST)
        return fail_found(ld, m, what, expected);
    for (int r = 0; r < m->n; r++)
        if (m->kids[r].kind != NODE_LIST) {
            char row[WHAT_SIZE + 16], rowexp[64];
            snprintf(row, sizeof row, "%s[%d]", what, r);
            snprintf(rowexp, sizeof rowexp, "a row of %d number%s", C, C == 1 ? "" : "s");
            return fail_found(ld, &m->kids[r], row, rowexp);
        }
    int found_c = m->n ? m->kids[0].n : 0;
    if (m->n != R || found_c != C)
        return fail(ld, m, "%s must be %d×%d (layers %d → %d, %s convention), found %d×%d", what,
                    R, C, in, out, engine_conv_name(net->convention), m->n, found_c);
    for (int r = 0; r < R; r++) {
        const node *row = &m->kids[r];
        if (row->n != C)
            return fail(ld, row, "%s[%d] must have %d numbers like %s[0], found %d", what, r, C,
                        what, row->n);
        for (int c = 0; c < C; c++) {
            char item[WHAT_SIZE + 32];
            double v;
            snprintf(item, sizeof item, "%s[%d][%d]", what, r, c);
            if (want_number(ld, &row->kids[c], item, &v))
                return -1;
            int i = rows_conv ? c : r, j = rows_conv ? r : c;
            net->weights[layer][i * out + j] = v;
            ld->src->weights[layer][i * out + j] = span_of(&row->kids[c]);
        }
    }
    return 0;
}

static int read_weights(loader *ld, const node *n, engine_net *net)
{
    char expected[64];
    snprintf(expected, sizeof expected, "a list of %d matri%s", net->layers,
             net->layers == 1 ? "x" : "ces");
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "weights", expected);
    if (n->n != net->layers)
        return fail(ld, n, "weights must have one matrix per weight layer (%d), found %d",
                    net->layers, n->n);
    for (int l = 0; l < net->layers; l++)
        if (read_matrix(ld, &n->kids[l], l, net))
            return -1;
    return 0;
}

static int read_biases(loader *ld, const node *n, engine_net *net)
{
    if (n->kind == NODE_SCALAR && n->plain && strcmp(n->text, "zero") == 0) {
        ld->src->biases_word = span_of(n);
        return 0; /* engine_net_alloc zeroed them */
    }
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "biases", "'zero' or one list per weight layer");
    if (n->n != net->layers)
        return fail(ld, n, "biases must have one vector per weight layer (%d), found %d",
                    net->layers, n->n);
    for (int l = 0; l < net->layers; l++) {
        char what[WHAT_SIZE], why[WHAT_SIZE];
        snprintf(what, sizeof what, "biases[%d]", l);
        snprintf(why, sizeof why, "layer %d has %d unit%s", l + 1, net->width[l + 1],
                 net->width[l + 1] == 1 ? "" : "s");
        ld->src->biases[l] = calloc((size_t)net->width[l + 1], sizeof *ld->src->biases[l]);
        if (!ld->src->biases[l])
            return out_of_memory(ld);
        if (want_vector(ld, &n->kids[l], what, net->width[l + 1], why, net->biases[l],
                        ld->src->biases[l]))
            return -1;
    }
    return 0;
}

static int read_samples(loader *ld, const node *n, engine_net *net)
{
    static const char *const keys[] = {"input", "target"};
    int L = net->layers;
    for (int s = 0; s < n->n; s++) {
        const node *m = &n->kids[s];
        char what[WHAT_SIZE], why[WHAT_SIZE];
        snprintf(what, sizeof what, "samples[%d]", s);
        if (m->kind != NODE_MAP)
            return fail_found(ld, m, what, "a mapping {input, target}");
        if (check_keys(ld, m, what, keys, 2))
            return -1;
        const node *in = map_get(m, "input"), *tg = map_get(m, "target");
        if (!in || !tg)
            return fail(ld, m, "%s is missing '%s' (a list of %d numbers)", what,
                        in ? "target" : "input", in ? net->width[L] : net->width[0]);
        snprintf(what, sizeof what, "samples[%d].input", s);
        snprintf(why, sizeof why, "one per input");
        if (want_vector(ld, in, what, net->width[0], why, net->inputs + (size_t)s * net->width[0],
                        ld->src->inputs + (size_t)s * net->width[0]))
            return -1;
        snprintf(what, sizeof what, "samples[%d].target", s);
        snprintf(why, sizeof why, "one per output");
        if (want_vector(ld, tg, what, net->width[L], why, net->targets + (size_t)s * net->width[L],
                        ld->src->targets + (size_t)s * net->width[L]))
            return -1;
    }
    return 0;
}

static const char *const step_forms[] = {
    "forward.*.sum", "forward.*.activation", "loss", "backward.*.delta",
    "backward.*.activation", "backward.*.gradient.copy", "backward.*.gradient",
    "backward.*.bias", "backward.*.send", "batch.*.mean", "batch.*.mean.bias",
    "update.*", "update.*.bias",
};
enum { N_STEP_FORMS = sizeof step_forms / sizeof step_forms[0] };

/* Checks a notes key: one of step_forms with '*' or a layer 1..L for '*'. */
static int check_step(loader *ld, const node *k, int layers)
{
    char v[SHOW_MAX + 16], form[WHAT_SIZE + 8], layer[WHAT_SIZE] = "";
    show_bytes(k->text, k->len, v, sizeof v);
    /* the layer is the second dot-separated field: replace it with '*' */
    const char *dot = strchr(k->text, '.');
    if (dot && k->len < WHAT_SIZE) {
        const char *dot2 = strchr(dot + 1, '.');
        size_t pre = (size_t)(dot - k->text) + 1;
        size_t llen = dot2 ? (size_t)(dot2 - dot - 1) : strlen(dot + 1);
        memcpy(layer, dot + 1, llen);
        layer[llen] = '\0';
        snprintf(form, sizeof form, "%.*s*%s", (int)pre, k->text, dot2 ? dot2 : "");
    } else {
        snprintf(form, sizeof form, "%.*s", WHAT_SIZE, k->text);
    }
    int known = 0;
    for (int i = 0; i < N_STEP_FORMS && !known; i++)
        known = strcmp(form, step_forms[i]) == 0;
    int layer_ok = strcmp(layer, "*") == 0 || (is_decimal(layer, 1) && layer[0] != '+' &&
                                              layer[0] != '-');
    if (known && !dot)
        return 0; /* "loss" */
    if (known && layer_ok) {
        long n = strcmp(layer, "*") == 0 ? 1 : strtol(layer, NULL, 10);
        if (strlen(layer) > 3 || n < 1 || n > layers)
            return fail(ld, k, "notes: step '%s' names layer %s, expected a layer from 1 to %d or *",
                        v, layer, layers);
        return 0;
    }
    const char *s = suggest(form, step_forms, N_STEP_FORMS);
    if (s && layer_ok && dot) {
        char full[WHAT_SIZE + 8];
        const char *star = strchr(s, '*');
        if (star)
            snprintf(full, sizeof full, "%.*s%s%s", (int)(star - s), s, layer, star + 1);
        else
            snprintf(full, sizeof full, "%s", s);
        return fail(ld, k, "unknown step '%s' in notes (did you mean '%s'?)", v, full);
    }
    if (s && !dot)
        return fail(ld, k, "unknown step '%s' in notes (did you mean '%s'?)", v, s);
    return fail(ld, k, "unknown step '%s' in notes, expected an id such as forward.1.sum, loss, "
                "backward.*.gradient or update.2", v);
}

static int read_notes(loader *ld, const node *n, lesson *out)
{
    if (n->kind != NODE_MAP)
        return fail_found(ld, n, "notes", "a mapping from step ids to text");
    int count = n->n / 2;
    out->notes = calloc(count ? (size_t)count : 1, sizeof *out->notes);
    if (!out->notes) {
        out_of_memory(ld);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        const node *k = &n->kids[2 * i];
        char what[WHAT_SIZE + 16], v[SHOW_MAX + 16];
        if (check_step(ld, k, out->net.layers))
            return -1;
        show_bytes(k->text, k->len, v, sizeof v);
        snprintf(what, sizeof what, "notes.%s", v);
        if (want_text(ld, &n->kids[2 * i + 1], what, &out->notes[i].text))
            return -1;
        out->notes[i].pattern = strdup(k->text);
        out->n_notes++;
        if (!out->notes[i].pattern) {
            out_of_memory(ld);
            return -1;
        }
    }
    return 0;
}

static int read_expressions(loader *ld, const node *n, lesson *out)
{
    static const char *const keys[] = {"caption", "expr"};
    if (n->kind != NODE_LIST)
        return fail_found(ld, n, "expressions", "a list of {caption, expr}");
    out->expressions = calloc(n->n ? (size_t)n->n : 1, sizeof *out->expressions);
    if (!out->expressions) {
        out_of_memory(ld);
        return -1;
    }
    for (int i = 0; i < n->n; i++) {
        const node *m = &n->kids[i];
        char what[WHAT_SIZE], item[WHAT_SIZE + 16];
        snprintf(what, sizeof what, "expressions[%d]", i);
        if (m->kind != NODE_MAP)
            return fail_found(ld, m, what, "a mapping {caption, expr}");
        if (check_keys(ld, m, what, keys, 2))
            return -1;
        const node *c = map_get(m, "caption"), *e = map_get(m, "expr");
        if (!c || !e)
            return fail(ld, m, "%s is missing '%s' (%s)", what, c ? "expr" : "caption",
                        c ? "the expression, as text" : "a caption, as text");
        lesson_expression *x = &out->expressions[out->n_expressions++];
        snprintf(item, sizeof item, "%s.caption", what);
        if (want_text(ld, c, item, &x->caption))
            return -1;
        snprintf(item, sizeof item, "%s.expr", what);
        if (want_text(ld, e, item, &x->expr))
            return -1;
    }
    return 0;
}

/* A key's name list for the ", expected a or b" of enum-like values. */
static int read_enum(loader *ld, const node *n, const char *key,
                     const char *(*name)(int), int count, int *out)
{
    const char *names[8];
    for (int i = 0; i < count && i < 8; i++)
        names[i] = name(i);
    return want_name(ld, n, key, key, names, count, out);
}

static const char *loss_name(int i) { return engine_loss_name((engine_loss)i); }
static const char *conv_name(int i) { return engine_conv_name((engine_conv)i); }
static const char *mode_name(int i) { return engine_mode_name((engine_mode)i); }

static int read_lesson(loader *ld, const node *root, lesson *out)
{
    static const char *const required[][2] = {
        {"title", "the lesson's title, as text"},
        {"layers", "the widths from input to output, such as [2, 3, 2]"},
        {"activations", "one per weight layer, such as [sigmoid, linear]"},
        {"samples", "a list of {input, target}"},
    };
    engine_net *net = &out->net;
    const node *n;
    if (root->kind != NODE_MAP)
        return fail_at(ld, 1, 1, "the lesson is empty, expected a mapping with title, layers, "
                                 "activations and samples");
    if (check_keys(ld, root, NULL, top_keys, N_TOP_KEYS))
        return -1;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!map_get(root, required[i][0]))
            return fail(ld, root, "missing key '%s' (%s)", required[i][0], required[i][1]);

    if (want_text(ld, map_get(root, "title"), "title", &out->title))
        return -1;
    if ((n = map_get(root, "description")) && want_text(ld, n, "description", &out->description))
        return -1;
    if (read_layers(ld, map_get(root, "layers"), net) ||
        read_activations(ld, map_get(root, "activations"), net))
        return -1;

    int v = LOSS_MSE;
    const node *loss = map_get(root, "loss");
    if (loss && read_enum(ld, loss, "loss", loss_name, LOSS_COUNT, &v))
        return -1;
    net->loss = (engine_loss)v;
    engine_act last = net->act[net->layers - 1];
    const node *last_node = &map_get(root, "activations")->kids[net->layers - 1];
    if (net->loss == LOSS_CROSS_ENTROPY && last != ACT_SOFTMAX)
        return fail(ld, loss, "loss cross_entropy needs softmax in the output layer, found %s",
                    engine_act_name(last));
    if (net->loss != LOSS_CROSS_ENTROPY && last == ACT_SOFTMAX)
        return fail(ld, last_node, "activations[%d]: softmax needs loss: cross_entropy, found %s",
                    net->layers - 1, engine_loss_name(net->loss));
    v = CONV_COLUMNS;
    if ((n = map_get(root, "convention")) &&
        read_enum(ld, n, "convention", conv_name, CONV_COUNT, &v))
        return -1;
    net->convention = (engine_conv)v;
    v = MODE_ONLINE;
    if ((n = map_get(root, "mode")) && read_enum(ld, n, "mode", mode_name, MODE_COUNT, &v))
        return -1;
    net->mode = (engine_mode)v;

    net->learning_rate = 0.1;
    if ((n = map_get(root, "learning_rate"))) {
        if (want_number(ld, n, "learning_rate", &net->learning_rate))
            return -1;
        if (!(net->learning_rate > 0))
            return fail(ld, n, "learning_rate must be greater than 0, found %s", n->text);
        out->source.learning_rate = span_of(n);
    }
    if ((n = map_get(root, "seed")) && want_whole(ld, n, "seed", "a whole number", &out->seed))
        return -1;
    net->train_bias = 1;
    if ((n = map_get(root, "train_biases"))) {
        static const char *const t[] = {"true", "True", "TRUE"};
        static const char *const f[] = {"false", "False", "FALSE"};
        int is_t = 0, is_f = 0;
        for (int i = 0; i < 3 && n->kind == NODE_SCALAR && n->plain; i++) {
            is_t |= strcmp(n->text, t[i]) == 0;
            is_f |= strcmp(n->text, f[i]) == 0;
        }
        if (!is_t && !is_f)
            return fail_found(ld, n, "train_biases", "true or false");
        net->train_bias = is_t;
    }

    const node *samples = map_get(root, "samples");
    if (samples->kind != NODE_LIST)
        return fail_found(ld, samples, "samples", "a list of {input, target}");
    if (samples->n < 1 || samples->n > ENGINE_MAX_SAMPLES)
        return fail(ld, samples, "samples must have 1 to %d entries, found %d",
                    ENGINE_MAX_SAMPLES, samples->n);
    net->samples = samples->n;
    const node *biases = map_get(root, "biases");
    net->has_bias = biases != NULL;
    if (engine_net_alloc(net))
        return out_of_memory(ld);
    lesson_source *src = &out->source;
    src->inputs = calloc((size_t)net->samples * (size_t)net->width[0], sizeof *src->inputs);
    src->targets = calloc((size_t)net->samples * (size_t)net->width[net->layers],
                          sizeof *src->targets);
    if (!src->inputs || !src->targets)
        return out_of_memory(ld);
    if ((n = map_get(root, "weights"))) {
        for (int l = 0; l < net->layers; l++) {
            src->weights[l] = calloc((size_t)(net->width[l] * net->width[l + 1]),
                                     sizeof *src->weights[l]);
            if (!src->weights[l])
                return out_of_memory(ld);
        }
        if (read_weights(ld, n, net))
            return -1;
    } else {
        engine_rng rng;
        engine_rng_seed(&rng, (uint64_t)out->seed);
        for (int l = 1; l <= net->layers; l++)
            engine_glorot(net, l, &rng);
    }
    if (biases && read_biases(ld, biases, net))
        return -1;
    if (read_samples(ld, samples, net))
        return -1;
    if ((n = map_get(root, "notes")) && read_notes(ld, n, out))
        return -1;
    if ((n = map_get(root, "expressions")) && read_expressions(ld, n, out))
        return -1;
    const char *why = engine_net_validate(net);
    if (why)
        return fail(ld, root, "%s", why);
    return 0;
}

char *lesson_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *p = base;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p > base && *p == '-' && p[1])
        base = p + 1;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
        len -= 5;
    char *name = malloc(len + 1);
    if (name) {
        memcpy(name, base, len);
        name[len] = '\0';
    }
    return name;
}

/* The first tab of the input, reported before libyaml's less direct words. */
static int check_tabs(loader *ld)
{
    const char *tab = memchr(ld->text, '\t', ld->len);
    if (!tab)
        return 0;
    int line, col;
    place(ld->text, ld->len, (size_t)(tab - ld->text), &line, &col);
    return fail_at(ld, line, col, "tab character, indent with spaces");
}

/* Refuses UTF-16 and UTF-32 text, with or without a byte order mark (which
 * libyaml would otherwise convert, or read as control characters), the way
 * YAML itself tells them apart: by the zero bytes among the first four. */
static int check_encoding(loader *ld)
{
    const unsigned char *u = (const unsigned char *)ld->text;
    size_t n = ld->len;
    const char *what = NULL;
    if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
        what = "UTF-32 (big-endian, with a byte order mark)";
    else if (n >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
        what = "UTF-32 (little-endian, with a byte order mark)";
    else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        what = "UTF-16 (big-endian, with a byte order mark)";
    else if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        what = "UTF-16 (little-endian, with a byte order mark)";
    else if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] != 0)
        what = "UTF-32 (big-endian)";
    else if (n >= 4 && u[0] != 0 && u[1] == 0 && u[2] == 0 && u[3] == 0)
        what = "UTF-32 (little-endian)";
    else if (n >= 2 && u[0] == 0 && u[1] != 0)
        what = "UTF-16 (big-endian)";
    else if (n >= 2 && u[0] != 0 && u[1] == 0)
        what = "UTF-16 (little-endian)";
    if (!what)
        return 0;
    return fail_at(ld, 1, 1, "the file is %s text, expected UTF-8: save it as UTF-8", what);
}

/* Where a new top-level key can go, and how it is indented: in a block
 * mapping, on a line of its own just before "samples:" (so that nothing
 * written before, not even a block scalar's trailing lines, changes), or
 * at the end (before a "..."); in a { } mapping, right after its last value. */
static void find_insert(loader *ld, const node *root, lesson_source *src)
{
    src->indent = root->col > 0 ? root->col - 1 : 0;
    src->flow = root->kind == NODE_MAP && ld->root_end < ld->len &&
                ld->text[ld->root_end] == '}';
    src->insert_at = ld->doc_end;
    if (root->kind != NODE_MAP || root->n < 2)
        return;
    if (src->flow) {
        src->insert_at = root->kids[root->n - 1].end;
        return;
    }
    for (int i = 0; i < root->n; i += 2) {
        const node *k = &root->kids[i];
        if (strcmp(k->text, "samples") != 0)
            continue;
        size_t at = k->start;
        while (at > 0 && ld->text[at - 1] == ' ')
            at--;
        if (k->start - at == (size_t)src->indent &&
            (at == 0 || ld->text[at - 1] == '\n' || ld->text[at - 1] == '\r' ||
             (at == ld->bom && ld->bom > 0)))
            src->insert_at = at;
    }
}

static int load(const char *path, const char *name, const char *text, size_t len,
                lesson *out, lesson_error *err)
{
    err->message[0] = '\0';
    err->name_bytes = 0;
    memset(out, 0, sizeof *out);
    loader ld = {path, err, text, len, 0, 0, 0, NULL, len, len};
    node root;
    yaml_parser_t parser;
    int rc = -1;
    memset(&root, 0, sizeof root);
    ld.src = &out->source;
    if (len > LESSON_MAX_BYTES) {
        set_error(err, path, "file larger than 1 MiB, expected a lesson of at most %d bytes",
                  LESSON_MAX_BYTES);
        return -1;
    }
    if (check_encoding(&ld) || check_tabs(&ld))
        return -1;
    ld.bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    ld.mark_byte = ld.bom;
    if (!yaml_parser_initialize(&parser)) {
        set_error(err, path, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (tree_build(&ld, &parser, &root) == 0) {
        out->path = strdup(path);
        out->name = name ? strdup(name) : lesson_name(path);
        out->source.text = malloc(len + 1);
        if (!out->path || !out->name || !out->source.text) {
            set_error(err, path, "out of memory");
        } else {
            memcpy(out->source.text, text, len);
            out->source.text[len] = '\0';
            out->source.len = len;
            find_insert(&ld, &root, &out->source);
            rc = read_lesson(&ld, &root, out);
        }
    }
    yaml_parser_delete(&parser);
    node_clear(&root);
    if (rc)
        lesson_free(out);
    return rc;
}

int lesson_load_string(const char *path, const char *text, size_t len, lesson *out,
                       lesson_error *err)
{
    return load(path, NULL, text, len, out, err);
}

int lesson_load_default(lesson *out, lesson_error *err)
{
    return load("(built-in)", "default", lesson_default_yaml, lesson_default_len, out, err);
}

/* FNV-1a, 64 bits: enough to tell whether a file's bytes changed. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void lesson_stamp_take(lesson_stamp *s, const struct stat *st, const char *text, size_t n)
{
    memset(s, 0, sizeof *s);
    if (!S_ISREG(st->st_mode))
        return;
    s->known = 1;
    s->dev = (unsigned long long)st->st_dev;
    s->ino = (unsigned long long)st->st_ino;
    s->size = (long long)n;
    s->mtime_sec = (long long)st->st_mtim.tv_sec;
    s->mtime_nsec = st->st_mtim.tv_nsec;
    s->hash = hash_bytes(text, n);
}

/* Reads the whole of fd, at most LESSON_MAX_BYTES + 1 bytes (to tell a file
 * that is too large); the size of a regular file is a hint only, as a file
 * can grow while it is read.  Returns the bytes (malloc'd) or NULL with
 * *why set: an errno, or EFBIG when it is too large. */
static char *read_all(int fd, const struct stat *st, size_t *len, int *why)
{
    size_t cap = S_ISREG(st->st_mode) ? (size_t)st->st_size + 1 : 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        *why = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap > LESSON_MAX_BYTES) {
                free(buf);
                *why = EFBIG;
                return NULL;
            }
            size_t ncap = cap * 2 > LESSON_MAX_BYTES + 1 ? LESSON_MAX_BYTES + 1 : cap * 2;
            char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                free(buf);
                *why = ENOMEM;
                return NULL;
            }
            buf = nbuf;
            cap = ncap;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            *why = errno;
            free(buf);
            return NULL;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    if (n > LESSON_MAX_BYTES) {
        free(buf);
        *why = EFBIG;
        return NULL;
    }
    *len = n;
    return buf;
}

int lesson_load_file(const char *path, lesson *out, lesson_error *err)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    /* O_NONBLOCK: a FIFO with no writer must not hang the open */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        set_error(err, path, "%s", strerror(errno));
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    int why = 0;
    if (fstat(fd, &st) != 0)
        why = errno;
    else if (S_ISDIR(st.st_mode))
        why = EISDIR;
    else if (S_ISREG(st.st_mode) && st.st_size > LESSON_MAX_BYTES)
        why = EFBIG; /* refused before it is read */
    size_t len = 0;
    char *buf = why ? NULL : read_all(fd, &st, &len, &why);
    close(fd);
    if (!buf) {
        if (why == EFBIG)
            set_error(err, path, "file larger than 1 MiB, expected a lesson of at most %d bytes",
                      LESSON_MAX_BYTES);
        else
            set_error(err, path, "%s", why == ENOMEM ? "out of memory" : strerror(why));
        return -1;
    }
    int rc = load(path, NULL, buf, len, out, err);
    if (rc == 0)
        lesson_stamp_take(&out->stamp, &st, buf, len);
    free(buf);
    return rc;
}

void lesson_free(lesson *l)
{
    if (!l)
        return;
    free(l->path);
    free(l->name);
    free(l->title);
    free(l->description);
    for (int i = 0; i < l->n_notes; i++) {
        free(l->notes[i].pattern);
        free(l->notes[i].text);
    }
    free(l->notes);
    for (int i = 0; i < l->n_expressions; i++) {
        free(l->expressions[i].caption);
        free(l->expressions[i].expr);
    }
    free(l->expressions);
    engine_net_free(&l->net);
    free(l->source.text);
    for (int i = 0; i < ENGINE_MAX_LAYERS; i++) {
        free(l->source.weights[i]);
        free(l->source.biases[i]);
    }
    free(l->source.inputs);
    free(l->source.targets);
    memset(l, 0, sizeof *l);
}

/* Does pattern (with '*' for a layer number) match id? */
static int note_matches(const char *pattern, const char *id)
{
    while (*pattern && *id) {
        if (*pattern == '*') {
            if (!(*id >= '0' && *id <= '9'))
                return 0;
            while (*id >= '0' && *id <= '9')
                id++;
            pattern++;
        } else if (*pattern++ != *id++) {
            return 0;
        }
    }
    return !*pattern && !*id;
}

const char *lesson_note_for(const lesson *l, const char *step_id)
{
    const char *wild = NULL;
    if (!l || !step_id)
        return NULL;
    for (int i = 0; i < l->n_notes; i++) {
        if (strcmp(l->notes[i].pattern, step_id) == 0)
            return l->notes[i].text;
        if (!wild && strchr(l->notes[i].pattern, '*') && note_matches(l->notes[i].pattern, step_id))
            wild = l->notes[i].text;
    }
    return wild;
}

const char *const *lesson_dirs(void)
{
    static char exe_dir[DIR_SIZE], data_dir[DIR_SIZE];
    static const char *dirs[4];
    char exe[DIR_SIZE];
    int n = 0;
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash && (size_t)(slash - exe) + sizeof "/lessons" <= sizeof exe_dir) {
            memcpy(exe_dir, exe, (size_t)(slash - exe));
            memcpy(exe_dir + (slash - exe), "/lessons", sizeof "/lessons");
            dirs[n++] = exe_dir;
        }
    }
    dirs[n++] = BACKSTEP_LESSONDIR;
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int w = -1;
    if (xdg && xdg[0] == '/')
        w = snprintf(data_dir, sizeof data_dir, "%s/backstep/lessons", xdg);
    else if (home && home[0])
        w = snprintf(data_dir, sizeof data_dir, "%s/.local/share/backstep/lessons", home);
    if (w > 0 && (size_t)w < sizeof data_dir)
        dirs[n++] = data_dir;
    dirs[n] = NULL;
    return dirs;
}

/* Does a file name e in a lesson folder answer to name? */
static int name_matches(const char *e, const char *name)
{
    size_t el = strlen(e), nl = strlen(name);
    if (el < 6 || strcmp(e + el - 5, ".yaml") != 0)
        return 0;
    if (strcmp(e, name) == 0 || (el == nl + 5 && strncmp(e, name, nl) == 0))
        return 1;
    const char *p = e;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == e || *p != '-')
        return 0;
    const char *rest = p + 1;
    size_t rl = strlen(rest);
    if (strcmp(rest, name) == 0 || (rl == nl + 5 && strncmp(rest, name, nl) == 0))
        return 1;
    if (is_decimal(name, 1) && name[0] != '+' && name[0] != '-' && nl < 9 && p - e < 9)
        return atol(name) == atol(e);
    return 0;
}

int lesson_resolve(const char *name, char *path, size_t size)
{
    struct stat st;
    if (!name || !*name || !path || size == 0)
        return -1;
    if (stat(name, &st) == 0) {
        if (strlen(name) >= size)
            return -1;
        memcpy(path, name, strlen(name) + 1);
        return 0;
    }
    if (strchr(name, '/'))
        return -1;
    for (const char *const *d = lesson_dirs(); *d; d++) {
        DIR *dir = opendir(*d);
        char best[256] = "";
        if (!dir)
            continue;
        struct dirent *ent;
        while ((ent = readdir(dir)))
            if (strlen(ent->d_name) < sizeof best && name_matches(ent->d_name, name) &&
                (!best[0] || strcmp(ent->d_name, best) < 0))
                memcpy(best, ent->d_name, strlen(ent->d_name) + 1);
        closedir(dir);
        if (best[0]) {
            int w = snprintf(path, size, "%s/%s", *d, best);
            if (w > 0 && (size_t)w < size && stat(path, &st) == 0 && S_ISREG(st.st_mode))
                return 0;
        }
    }
    return -1;
}
