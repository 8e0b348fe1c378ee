/* lesson_find.c - where lessons are found: the folders searched for the
 * bundled lessons, and a name such as "xor" or "06" turned into the path
 * of a file. */
#include "lesson_impl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BACKSTEP_LESSONDIR
#define BACKSTEP_LESSONDIR "/usr/local/share/backstep/lessons"
#endif

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
    if (lesson_is_decimal(name, 1) && name[0] != '+' && name[0] != '-' && nl < 9 && p - e < 9)
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
