/* edits.c - the edit stack: networks before and after each edit. */
#include "edits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void entry_free(edits_entry *x)
{
    engine_net_free(&x->before);
    engine_net_free(&x->after);
}

/* Forgets the entries from `from` on. */
static void cut(edits *s, int from)
{
    for (int i = from; i < s->n; i++)
        entry_free(&s->v[i]);
    s->n = from;
    if (s->at > from)
        s->at = from;
}

void edits_clear(edits *s)
{
    cut(s, 0);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Numbers a network holds: what one copy of it costs. */
static long values(const engine_net *n)
{
    long v = (long)n->samples * (n->width[0] + n->width[n->layers]);
    for (int l = 0; l < n->layers; l++)
        v += (long)n->width[l] * n->width[l + 1] + (n->has_bias ? n->width[l + 1] : 0);
    return v;
}

/* Drops the oldest entry. */
static void drop_oldest(edits *s)
{
    entry_free(&s->v[0]);
    memmove(s->v, s->v + 1, sizeof *s->v * (size_t)(s->n - 1));
    s->n--;
    s->at--;
    s->saved_at = s->saved_at > 0 ? s->saved_at - 1 : -1;
}

int edits_push(edits *s, const engine_net *before, const engine_net *after, const char *what)
{
    edits_entry x;
    memset(&x, 0, sizeof x);
    if (engine_net_copy(&x.before, before) != 0 || engine_net_copy(&x.after, after) != 0) {
        entry_free(&x);
        return -1;
    }
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        edits_entry *v = realloc(s->v, (size_t)cap * sizeof *v);
        if (!v) {
            entry_free(&x);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    snprintf(x.what, sizeof x.what, "%s", what ? what : "");
    /* A new edit: what was taken back stays taken back. */
    cut(s, s->at);
    if (s->saved_at > s->at)
        s->saved_at = -1;
    long total = values(before) + values(after);
    for (int i = 0; i < s->n; i++)
        total += values(&s->v[i].before) + values(&s->v[i].after);
    while (s->n > 0 && (s->n >= EDITS_MAX || total > EDITS_VALUES)) {
        total -= values(&s->v[0].before) + values(&s->v[0].after);
        drop_oldest(s);
    }
    s->v[s->n++] = x;
    s->at = s->n;
    return 0;
}

const edits_entry *edits_undo(edits *s)
{
    if (s->at == 0)
        return NULL;
    return &s->v[--s->at];
}

const edits_entry *edits_redo(edits *s)
{
    if (s->at == s->n)
        return NULL;
    return &s->v[s->at++];
}

void edits_unstep(edits *s, int was_undo)
{
    s->at += was_undo ? 1 : -1;
}

void edits_saved(edits *s)
{
    s->saved_at = s->at;
}

int edits_modified(const edits *s)
{
    return s->at != s->saved_at;
}

int edits_same_values(const engine_net *a, const engine_net *b)
{
    if (a->layers != b->layers || a->samples != b->samples || a->has_bias != b->has_bias ||
        memcmp(&a->learning_rate, &b->learning_rate, sizeof a->learning_rate) != 0)
        return 0;
    for (int l = 0; l <= a->layers; l++)
        if (a->width[l] != b->width[l])
            return 0;
    for (int l = 0; l < a->layers; l++) {
        size_t w = (size_t)a->width[l] * (size_t)a->width[l + 1];
        if (memcmp(a->weights[l], b->weights[l], w * sizeof(double)) != 0)
            return 0;
        if (a->has_bias &&
            memcmp(a->biases[l], b->biases[l], (size_t)a->width[l + 1] * sizeof(double)) != 0)
            return 0;
    }
    return memcmp(a->inputs, b->inputs,
                  (size_t)a->samples * (size_t)a->width[0] * sizeof(double)) == 0 &&
           memcmp(a->targets, b->targets,
                  (size_t)a->samples * (size_t)a->width[a->layers] * sizeof(double)) == 0;
}
