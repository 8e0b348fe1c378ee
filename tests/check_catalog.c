/* check_catalog.c - the list of lessons: good and bad files, order,
 * de-duplication across folders, the size and count limits. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"

static char top[64], dir_a[128], dir_b[128];

static const char good[] =
    "title: \"Good one\"\n"
    "description: Two inputs.\n"
    "layers: [2, 2]\n"
    "activations: [linear]\n"
    "samples: [{input: [1, 2], target: [1, 2]}]\n";

static const char other[] =
    "title: Other\n"
    "layers: [1, 1]\n"
    "activations: [sigmoid]\n"
    "samples: [{input: [1], target: [0]}]\n";

static const char misspelt[] =
    "title: Bad\n"
    "layers: [2, 2]\n"
    "activations: [sigmod]\n"
    "samples: [{input: [1, 2], target: [1, 2]}]\n";

static void put(const char *dir, const char *file, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

static void make_dirs(void)
{
    snprintf(top, sizeof top, "/tmp/backstep-catalog-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    snprintf(dir_a, sizeof dir_a, "%s/a", top);
    snprintf(dir_b, sizeof dir_b, "%s/b", top);
    ck_assert_int_eq(mkdir(dir_a, 0755), 0);
    ck_assert_int_eq(mkdir(dir_b, 0755), 0);
}

/* Removes a folder tree this test made (two levels are all it makes). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    char path[512];
    while ((ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        if (unlink(path) != 0)
            remove_tree(path);
    }
    closedir(d);
    rmdir(dir);
}

static void remove_dirs(void)
{
    remove_tree(top);
}

/* Folder a: good, bad, ignored and too large files; folder b: a lesson
 * named like one in a, and one of its own. */
static void fill(void)
{
    put(dir_a, "01-good.yaml", good);
    put(dir_a, "02-bad.yaml", misspelt);
    put(dir_a, "zz.yaml", other);
    put(dir_a, "notes.txt", good);
    put(dir_a, ".hidden.yaml", good);
    put(dir_a, "yaml", good);
    char path[256];
    snprintf(path, sizeof path, "%s/folder.yaml", dir_a);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/big.yaml", dir_a);
    put(dir_a, "big.yaml", good);
    ck_assert_int_eq(truncate(path, (1 << 20) + 1), 0);
    put(dir_b, "good.yaml", other);
    put(dir_b, "03-extra.yaml", other);
}

static void entry_is(const catalog_entry *e, const char *name, const char *dir,
                     const char *file, const char *title, const char *description)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    ck_assert_str_eq(e->name, name);
    ck_assert_str_eq(e->file, file);
    ck_assert_str_eq(e->path, path);
    ck_assert_pstr_eq(e->title, title);
    ck_assert_pstr_eq(e->description, description);
}

START_TEST(lists_good_and_bad)
{
    fill();
    catalog c;
    const char *dirs[] = {"/nonexistent/backstep", dir_a, dir_b, NULL};
    ck_assert_int_eq(catalog_scan(&c, dirs), 0);
    ck_assert_int_eq(c.n, 5);
    ck_assert_int_eq(c.truncated, 0);
    entry_is(&c.entries[0], "good", dir_a, "01-good.yaml", "Good one", "Two inputs.");
    ck_assert_ptr_null(c.entries[0].error);
    entry_is(&c.entries[1], "bad", dir_a, "02-bad.yaml", NULL, NULL);
    char want[512];
    snprintf(want, sizeof want,
             "%s/02-bad.yaml:3:15: unknown activation 'sigmod' (did you mean 'sigmoid'?)", dir_a);
    ck_assert_str_eq(c.entries[1].error, want);
    entry_is(&c.entries[2], "extra", dir_b, "03-extra.yaml", "Other", NULL);
    entry_is(&c.entries[3], "big", dir_a, "big.yaml", NULL, NULL);
    snprintf(want, sizeof want,
             "%s/big.yaml: file larger than 1 MiB, expected a lesson of at most 1048576 bytes",
             dir_a);
    ck_assert_str_eq(c.entries[3].error, want);
    entry_is(&c.entries[4], "zz", dir_a, "zz.yaml", "Other", NULL);
    catalog_free(&c);
    ck_assert_int_eq(c.n, 0);
    ck_assert_ptr_null(c.entries);
}
END_TEST

START_TEST(first_folder_wins)
{
    fill();
    catalog c;
    const char *dirs[] = {dir_b, dir_a, NULL};
    ck_assert_int_eq(catalog_scan(&c, dirs), 0);
    ck_assert_int_eq(c.n, 5);
    /* "good" now comes from b, and sorts by its own file name there. */
    entry_is(&c.entries[3], "good", dir_b, "good.yaml", "Other", NULL);
    for (int i = 0; i < c.n; i++)
        ck_assert_str_ne(c.entries[i].file, "01-good.yaml");
    catalog_free(&c);
}
END_TEST

START_TEST(same_name_in_one_folder)
{
    /* lesson_resolve picks the smallest file name: so does the list. */
    put(dir_a, "xor.yaml", other);
    put(dir_a, "06-xor.yaml", good);
    catalog c;
    const char *dirs[] = {dir_a, NULL};
    ck_assert_int_eq(catalog_scan(&c, dirs), 0);
    ck_assert_int_eq(c.n, 1);
    entry_is(&c.entries[0], "xor", dir_a, "06-xor.yaml", "Good one", "Two inputs.");
    catalog_free(&c);
}
END_TEST

START_TEST(empty_and_missing)
{
    catalog c;
    const char *dirs[] = {dir_a, "/nonexistent/backstep", NULL};
    ck_assert_int_eq(catalog_scan(&c, dirs), 0);
    ck_assert_int_eq(c.n, 0);
    ck_assert_int_eq(c.truncated, 0);
    catalog_free(&c);
    const char *none[] = {NULL};
    ck_assert_int_eq(catalog_scan(&c, none), 0);
    ck_assert_int_eq(c.n, 0);
    catalog_free(&c);
}
END_TEST

/* More lessons than are listed: the first ones by file name, whatever
 * order the folder gives them in (they are made last first), and the
 * list says that it is cut. */
START_TEST(bounded)
{
    char file[32];
    for (int i = CATALOG_MAX_ENTRIES + 6; i >= 0; i--) {
        snprintf(file, sizeof file, "l%05d.yaml", i);
        put(dir_a, file, other);
    }
    catalog c;
    const char *dirs[] = {dir_a, NULL};
    ck_assert_int_eq(catalog_list(&c, dirs), 0);
    ck_assert_int_eq(c.n, CATALOG_MAX_ENTRIES);
    ck_assert_int_eq(c.truncated, 1);
    ck_assert_str_eq(c.entries[0].file, "l00000.yaml");
    snprintf(file, sizeof file, "l%05d.yaml", CATALOG_MAX_ENTRIES - 1);
    ck_assert_str_eq(c.entries[CATALOG_MAX_ENTRIES - 1].file, file);
    /* Listed by name only: nothing read until asked. */
    for (int i = 0; i < c.n; i++)
        ck_assert(!c.entries[i].described && !c.entries[i].title);
    ck_assert_int_eq(catalog_describe(&c, CATALOG_MAX_ENTRIES - 1), 0);
    ck_assert_str_eq(c.entries[CATALOG_MAX_ENTRIES - 1].title, "Other");
    ck_assert_ptr_null(c.entries[0].title);
    catalog_free(&c);
}
END_TEST

/* The browser's way: names first, then one lesson read when asked, and a
 * lesson that does not load read once, with its reason. */
START_TEST(names_first_then_described)
{
    fill();
    catalog c;
    const char *dirs[] = {dir_a, dir_b, NULL};
    ck_assert_int_eq(catalog_list(&c, dirs), 0);
    ck_assert_int_eq(c.n, 5);
    ck_assert_str_eq(c.entries[1].file, "02-bad.yaml");
    ck_assert(!c.entries[1].described);
    ck_assert_ptr_null(c.entries[1].error);
    ck_assert_int_eq(catalog_describe(&c, 1), 0);
    ck_assert(c.entries[1].described);
    ck_assert_ptr_nonnull(strstr(c.entries[1].error, "unknown activation 'sigmod'"));
    ck_assert_ptr_null(c.entries[0].title);
    ck_assert_int_eq(catalog_describe(&c, 0), 0);
    ck_assert_str_eq(c.entries[0].title, "Good one");
    /* Out of range: nothing happens. */
    ck_assert_int_eq(catalog_describe(&c, 5), 0);
    ck_assert_int_eq(catalog_describe(&c, -1), 0);
    catalog_free(&c);
}
END_TEST

START_TEST(load_uses_user_folder_and_current_folder)
{
    char user[256], cwd[1024];
    snprintf(user, sizeof user, "%s/backstep", dir_b);
    ck_assert_int_eq(mkdir(user, 0755), 0);
    snprintf(user, sizeof user, "%s/backstep/lessons", dir_b);
    ck_assert_int_eq(mkdir(user, 0755), 0);
    put(user, "05-mine.yaml", other);
    put(user, "here.yaml", other);
    put(dir_a, "here.yaml", good);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(setenv("XDG_DATA_HOME", dir_b, 1), 0);
    ck_assert_int_eq(chdir(dir_a), 0);
    catalog c;
    ck_assert_int_eq(catalog_load(&c), 0);
    ck_assert_int_eq(chdir(cwd), 0);
    int mine = -1, here = -1;
    for (int i = 0; i < c.n; i++) {
        if (strcmp(c.entries[i].name, "mine") == 0)
            mine = i;
        if (strcmp(c.entries[i].name, "here") == 0)
            here = i;
    }
    ck_assert_int_ge(mine, 0);
    ck_assert_int_ge(here, 0);
    entry_is(&c.entries[mine], "mine", user, "05-mine.yaml", "Other", NULL);
    /* The user's folder comes before the current one. */
    entry_is(&c.entries[here], "here", user, "here.yaml", "Other", NULL);
    catalog_free(&c);
}
END_TEST

Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *t = tcase_create("scan");
    tcase_add_checked_fixture(t, make_dirs, remove_dirs);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, lists_good_and_bad);
    tcase_add_test(t, first_folder_wins);
    tcase_add_test(t, same_name_in_one_folder);
    tcase_add_test(t, empty_and_missing);
    tcase_add_test(t, bounded);
    tcase_add_test(t, names_first_then_described);
    tcase_add_test(t, load_uses_user_folder_and_current_folder);
    suite_add_tcase(s, t);
    return s;
}
