/* catalog.c - finds and describes the lesson files a user can open. */
#include "catalog.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lesson.h"

/* A *.yaml file seen while scanning, before it is loaded. */
typedef struct {
    char *name;
    char *file;
    char *path;
    int folder;    /* index into the list of folders: earlier wins */
} candidate;

typedef struct {
    candidate *v;
    int n, cap;
} candidates;

static int is_lesson_file(const char *file)
{
    size_t len = strlen(file);
    return file[0] != '.' && len > 5 && strcmp(file + len - 5, ".yaml") == 0;
}

static void candidate_free(candidate *c)
{
    free(c->name);
    free(c->file);
    free(c->path);
}

/* A zeroed candidate at the end of cs, not yet counted: the caller fills
 * it in place and counts it (cs->n++) once it is complete, or frees what
 * it filled.  NULL when out of memory. */
static candidate *candidates_slot(candidates *cs)
{
    if (cs->n == cs->cap) {
        int cap = cs->cap ? cs->cap * 2 : 64;
        candidate *v = realloc(cs->v, (size_t)cap * sizeof *v);
        if (!v)
            return NULL;
        cs->v = v;
        cs->cap = cap;
    }
    cs->v[cs->n] = (candidate){0};
    return &cs->v[cs->n];
}

/* Adds the regular *.yaml files of one folder; -1 only when out of memory. */
static int scan_folder(candidates *cs, const char *dir, int folder, int *truncated)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int seen = 0, rc = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        struct stat st;
        if (!is_lesson_file(ent->d_name))
            continue;
        if (seen == CATALOG_MAX_SCANNED) {
            *truncated = 1;
            break;
        }
        candidate *c = candidates_slot(cs);
        if (!c) {
            rc = -1;
            break;
        }
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        c->path = malloc(len);
        c->file = strdup(ent->d_name);
        c->name = lesson_name(ent->d_name);
        c->folder = folder;
        if (!c->path || !c->file || !c->name) {
            candidate_free(c);
            rc = -1;
            break;
        }
        snprintf(c->path, len, "%s/%s", dir, ent->d_name);
        if (stat(c->path, &st) != 0 || !S_ISREG(st.st_mode)) {
            candidate_free(c);
            continue;
        }
        cs->n++;
        seen++;
    }
    closedir(d);
    return rc;
}

/* Same name together, the earliest folder first, then the smallest file
 * name, which is the one lesson_resolve would pick. */
static int by_name(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    if (r == 0)
        r = x->folder - y->folder;
    if (r == 0)
        r = strcmp(x->file, y->file);
    return r;
}

static int by_file(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int r = strcmp(x->file, y->file);
    return r ? r : x->folder - y->folder;
}

static char *dup_or_null(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

/* Describes entry e, whose file had `bytes` bytes when listed. */
static int describe(catalog_entry *e, long long bytes)
{
    int oom = 0;
    lesson_error err;
    e->described = 1;
    if (e->path && bytes > CATALOG_MAX_BYTES) {
        char why[128];
        snprintf(why, sizeof why, "file larger than 1 MiB, expected a lesson of at most %d bytes",
                 CATALOG_MAX_BYTES);
        lesson_error_file(&err, e->path, why);
        e->error = dup_or_null(err.message, &oom);
        return oom ? -1 : 0;
    }
    lesson l;
    if (lesson_load_file(e->path, &l, &err) != 0) {
        e->error = dup_or_null(err.message, &oom);
        return oom ? -1 : 0;
    }
    e->title = dup_or_null(l.title ? l.title : "", &oom);
    e->description = dup_or_null(l.description, &oom);
    lesson_free(&l);
    return oom ? -1 : 0;
}

int catalog_describe(catalog *c, int i)
{
    if (i < 0 || i >= c->n || c->entries[i].described)
        return 0;
    catalog_entry *e = &c->entries[i];
    struct stat st;
    long long bytes = stat(e->path, &st) == 0 ? (long long)st.st_size : 0;
    return describe(e, bytes);
}

int catalog_list(catalog *c, const char *const *dirs)
{
    candidates cs = {0};
    int rc = 0;
    *c = (catalog){0};
    for (int i = 0; dirs && dirs[i] && rc == 0; i++)
        rc = scan_folder(&cs, dirs[i], i, &c->truncated);
    int kept = 0;
    if (rc == 0 && cs.n > 0) {
        qsort(cs.v, (size_t)cs.n, sizeof *cs.v, by_name);
        for (int i = 0; i < cs.n; i++) {
            if (kept > 0 && strcmp(cs.v[kept - 1].name, cs.v[i].name) == 0)
                candidate_free(&cs.v[i]);
            else
                cs.v[kept++] = cs.v[i];
        }
        qsort(cs.v, (size_t)kept, sizeof *cs.v, by_file);
        if (kept > CATALOG_MAX_ENTRIES)
            c->truncated = 1;
        int n = kept > CATALOG_MAX_ENTRIES ? CATALOG_MAX_ENTRIES : kept;
        c->entries = calloc((size_t)n, sizeof *c->entries);
        if (!c->entries)
            rc = -1;
        for (int i = 0; rc == 0 && i < n; i++) {
            candidate *x = &cs.v[i];
            c->entries[i] = (catalog_entry){x->name, x->file, x->path, NULL, NULL, NULL, 0};
            x->name = x->file = x->path = NULL;
            c->n = i + 1;
        }
    } else {
        kept = cs.n;
    }
    for (int i = 0; i < kept; i++)
        candidate_free(&cs.v[i]);
    free(cs.v);
    if (rc != 0)
        catalog_free(c);
    return rc;
}

/* Every entry described. */
static int describe_all(catalog *c)
{
    for (int i = 0; i < c->n; i++)
        if (catalog_describe(c, i) != 0) {
            catalog_free(c);
            return -1;
        }
    return 0;
}

int catalog_scan(catalog *c, const char *const *dirs)
{
    return catalog_list(c, dirs) != 0 ? -1 : describe_all(c);
}

int catalog_list_default(catalog *c)
{
    const char *dirs[8];
    int n = 0;
    for (const char *const *d = lesson_dirs(); *d && n < 6; d++)
        dirs[n++] = *d;
    dirs[n++] = ".";
    dirs[n] = NULL;
    return catalog_list(c, dirs);
}

int catalog_load(catalog *c)
{
    return catalog_list_default(c) != 0 ? -1 : describe_all(c);
}

void catalog_free(catalog *c)
{
    for (int i = 0; i < c->n; i++) {
        catalog_entry *e = &c->entries[i];
        free(e->name);
        free(e->file);
        free(e->path);
        free(e->title);
        free(e->description);
        free(e->error);
    }
    free(c->entries);
    *c = (catalog){0};
}
