/* lesson_error.c - the loader's messages: "FILE:LINE:COLUMN: what is
 * wrong, what was expected", every byte of the file's name and of the
 * lesson's own text shown so that none can act on a terminal, and
 * libyaml's complaints in the words of a lesson's author. */
#include "lesson_impl.h"
#include "text.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

void lesson_set_error(lesson_error *err, const char *path, const char *fmt, ...)
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

int lesson_fail_at(loader *ld, int line, int col, const char *fmt, ...)
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

int lesson_out_of_memory(loader *ld)
{
    lesson_set_error(ld->err, ld->path, "out of memory");
    return -1;
}

/* Copies a lesson's bytes into a message with every character that could
 * act on a terminal or reorder the line (text_is_control) written as \xNN
 * or \uNNNN, cut after SHOW_MAX bytes at a character's start with "…". */
void lesson_show_bytes(const char *s, size_t len, char *buf, size_t size)
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

int lesson_is_null(const node *n)
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
const char *lesson_describe(const node *n, char *buf, size_t size)
{
    char v[SHOW_MAX + 64];
    if (n->kind == NODE_LIST)
        snprintf(buf, size, n->n ? "a list" : "an empty list");
    else if (n->kind == NODE_MAP)
        snprintf(buf, size, "a mapping");
    else if (lesson_is_null(n))
        snprintf(buf, size, "nothing");
    else {
        lesson_show_bytes(n->text, n->len, v, sizeof v);
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
void lesson_place(const char *text, size_t len, size_t offset, int *line, int *col)
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

int lesson_yaml_fail(loader *ld, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "malformed YAML";
    int line, col;
    if (p->error == YAML_MEMORY_ERROR) {
        lesson_out_of_memory(ld);
        return -1;
    }
    if (p->error == YAML_READER_ERROR) {
        lesson_place(ld->text, ld->len, p->problem_offset, &line, &col);
        return lesson_fail_at(ld, line, col, "%s, expected UTF-8 text", problem);
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    int cline = (int)p->context_mark.line + 1, ccol = (int)p->context_mark.column + 1;
    /* libyaml's commonest complaints, in the words of a lesson's author. */
    if (p->context && strcmp(problem, "could not find expected ':'") == 0)
        return lesson_fail_at(ld, cline, ccol, "expected 'key: value' here, found no ':' after "
                              "the key");
    if (p->context && strcmp(problem, "did not find expected key") == 0)
        return lesson_fail_at(ld, line, col, "expected another 'key: value' lined up with the "
                              "mapping that starts at %d:%d: check the indentation", cline, ccol);
    if (p->context && strcmp(problem, "did not find expected '-' indicator") == 0)
        return lesson_fail_at(ld, line, col, "expected another '- item' lined up with the list "
                              "that starts at %d:%d: check the indentation", cline, ccol);
    if (strcmp(problem, "mapping values are not allowed in this context") == 0)
        return lesson_fail_at(ld, line, col, "a ':' is not allowed here: put text that holds "
                              "': ' in quotes, or check the indentation");
    if (p->context)
        return lesson_fail_at(ld, line, col, "%s, %s that starts at %d:%d", problem, p->context,
                              cline, ccol);
    return lesson_fail_at(ld, line, col, "%s", problem);
}
