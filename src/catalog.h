/* catalog.h - the lessons a user can open: every *.yaml in the bundled and
 * user lesson folders and in the current folder, listed by name first (a
 * folder listing and one stat each), then each described when asked:
 * loaded once to show its title and description, or the message of why it
 * does not load.  The lesson browser describes only the lessons in view,
 * so a folder of large lessons opens at once; --list describes them all.
 * No curses, no printing. */
#ifndef BACKSTEP_CATALOG_H
#define BACKSTEP_CATALOG_H

enum {
    CATALOG_MAX_ENTRIES = 10000,        /* lessons listed at most: the first by file name */
    CATALOG_MAX_BYTES = 1 << 20,        /* larger files get an error entry */
    CATALOG_MAX_SCANNED = 100000,       /* *.yaml names read from one folder at most */
};

/* One lesson file. */
typedef struct {
    char *name;        /* "xor" for "06-xor.yaml", as lesson_resolve accepts it;
                        * raw bytes of a file name: show with text_quote_path */
    char *file;        /* file name within its folder, "06-xor.yaml" (raw) */
    char *path;        /* folder + "/" + file (raw) */
    char *title;       /* NULL when it failed to load; sanitise before display */
    char *description; /* NULL when it has none or failed to load */
    char *error;       /* NULL, or "FILE:LINE:COLUMN: ..." when it failed to load,
                        * every byte already visible */
    int described;     /* title, description and error are known (catalog_describe) */
} catalog_entry;

/* The lessons found, sorted by file name. */
typedef struct {
    int n;
    catalog_entry *entries;
    int truncated; /* more lessons existed than were listed */
} catalog;

/* Lists the *.yaml files of the NULL-terminated list of folders (missing
 * folders are skipped) by name, none of them read yet; a name found in an
 * earlier folder hides the same name in a later one.  Returns 0, or -1
 * when out of memory (c is then empty). */
int catalog_list(catalog *c, const char *const *dirs);
/* catalog_list over lesson_dirs() and then the current folder. */
int catalog_list_default(catalog *c);
/* Reads entry i (once) for its title and description, or the reason it
 * does not load.  Returns 0, or -1 when out of memory. */
int catalog_describe(catalog *c, int i);
/* catalog_list, every entry described. */
int catalog_scan(catalog *c, const char *const *dirs);
/* catalog_scan over lesson_dirs() and then the current folder. */
int catalog_load(catalog *c);
/* Frees the entries and empties c. */
void catalog_free(catalog *c);

#endif
