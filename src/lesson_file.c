/* lesson_file.c - a lesson read from its file: bounded, without hanging on
 * a FIFO, refused whole when it is too large or not a file; and the stamp
 * that tells whether someone has changed the file since. */
#include "lesson_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        lesson_set_error(err, path, "%s", strerror(errno));
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
            lesson_set_error(err, path,
                             "file larger than 1 MiB, expected a lesson of at most %d bytes",
                             LESSON_MAX_BYTES);
        else
            lesson_set_error(err, path, "%s", why == ENOMEM ? "out of memory" : strerror(why));
        return -1;
    }
    int rc = lesson_load_string(path, buf, len, out, err);
    if (rc == 0)
        lesson_stamp_take(&out->stamp, &st, buf, len);
    free(buf);
    return rc;
}
