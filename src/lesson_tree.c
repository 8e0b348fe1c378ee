/* lesson_tree.c - libyaml's event parser feeds a small tree of nodes that
 * remember where they were written; the tree is then checked against the
 * schema (lesson_load.c).  Events rather than libyaml's document loader,
 * because they let the loader refuse an anchor or alias before anything is
 * expanded (no alias bombs) and stop at the seventeenth level of nesting
 * the moment it opens, with no recursion. */
#include "lesson_impl.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

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

void lesson_node_clear(node *n)
{
    for (int i = 0; i < n->n; i++)
        lesson_node_clear(&n->kids[i]); /* depth is bounded by LESSON_MAX_DEPTH */
    free(n->kids);
    free(n->text);
    memset(n, 0, sizeof *n);
}

/* Appends a child to parent; checks the key rules of mappings as keys arrive.
 * parent is always a collection lesson_tree_build has started (see there
 * why the analyzer thinks otherwise). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-use-of-uninitialized-value"
#endif
static node *node_add(loader *ld, node *parent, const yaml_event_t *ev, node_kind kind)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (parent->n >= (parent->kind == NODE_MAP ? 2 * MAX_ITEMS : MAX_ITEMS)) {
        lesson_fail_at(ld, line, col, "more than %d entries in one %s, no lesson needs that many",
                       MAX_ITEMS, parent->kind == NODE_MAP ? "mapping" : "list");
        return NULL;
    }
    int is_key = parent->kind == NODE_MAP && parent->n % 2 == 0;
    if (is_key && kind != NODE_SCALAR) {
        lesson_fail_at(ld, line, col, "a key must be plain text, found a %s",
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
                lesson_show_bytes(k, klen, v, sizeof v);
                lesson_fail_at(ld, line, col, "duplicate key '%s', first given at line %d", v,
                               o->line);
                return NULL;
            }
        }
    }
    if (parent->n == parent->cap) {
        int cap = parent->cap ? 2 * parent->cap : 4;
        node *kids = realloc(parent->kids, (size_t)cap * sizeof *kids);
        if (!kids) {
            lesson_out_of_memory(ld);
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
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static int node_set_scalar(loader *ld, node *n, const yaml_event_t *ev)
{
    n->len = ev->data.scalar.length;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    n->start = byte_of(ld, ev->start_mark.index);
    n->end = byte_of(ld, ev->end_mark.index);
    if (memchr(ev->data.scalar.value, '\0', n->len)) {
        char v[SHOW_MAX + 16];
        lesson_show_bytes((const char *)ev->data.scalar.value, n->len, v, sizeof v);
        return fail(ld, n, "'%s' holds a NUL character (\\0), which no value of a lesson "
                    "may hold", v);
    }
    n->text = malloc(n->len + 1);
    if (!n->text) {
        lesson_out_of_memory(ld);
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
        lesson_show_bytes((const char *)anchor, strlen((const char *)anchor), v, sizeof v);
        return lesson_fail_at(ld, line, col,
                              "anchor '&%s': anchors and aliases are not allowed, write the values out", v);
    }
    if (tag) {
        /* show the standard tags the way they were written: !!str */
        static const char std[] = "tag:yaml.org,2002:";
        const char *t = (const char *)tag;
        int is_std = strncmp(t, std, sizeof std - 1) == 0;
        if (is_std)
            t += sizeof std - 1;
        lesson_show_bytes(t, strlen(t), v, sizeof v);
        if (is_std)
            return lesson_fail_at(ld, line, col,
                                  "tag '!!%s': tags are not allowed, write plain values", v);
        return lesson_fail_at(ld, line, col, "tag '%s': tags are not allowed, write plain values",
                              v);
    }
    return 0;
}

/* Reads the events into root.  Returns 0 (root->kind is NODE_SCALAR with no
 * text for an empty stream) or -1 with the error set.
 *
 * libyaml's parser ends only what it started, so depth is at least 1
 * wherever stack[depth - 1] is read, and that entry was set when its
 * collection started.  The analyzer does not know the grammar: it tries an
 * end first, then adds a child to a parent it reads below the stack, and
 * calls that parent uninitialised and the child's memory leaked. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-use-of-uninitialized-value"
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
int lesson_tree_build(loader *ld, yaml_parser_t *p, node *root)
{
    node *stack[LESSON_MAX_DEPTH + 1];
    int depth = 0, docs = 0, have_root = 0, rc = 0, done = 0;
    while (!rc && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev))
            return lesson_yaml_fail(ld, p);
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        node *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (docs++)
                rc = lesson_fail_at(ld, line, col,
                                    "a second document, expected one lesson per file");
            break;
        case YAML_ALIAS_EVENT: {
            char v[SHOW_MAX + 16];
            const char *a = (const char *)ev.data.alias.anchor;
            lesson_show_bytes(a, strlen(a), v, sizeof v);
            rc = lesson_fail_at(ld, line, col,
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
                rc = lesson_fail_at(ld, line, col,
                                    "nested deeper than %d levels, expected at most %d",
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
            stack[depth - 1]->end = byte_of(ld, ev.end_mark.index);
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
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
