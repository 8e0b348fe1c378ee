/* save.c - lesson YAML out of a network, written atomically. */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Decodes one UTF-8 character; returns its length, or 0 when invalid. */
static int utf8_decode(const unsigned char *p, unsigned long *cp)
{
    int n;
    unsigned long c = p[0], min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Characters YAML lets stand as they are inside a double-quoted scalar on
 * one line: printable, and neither a quote, a backslash nor a line break. */
static int yaml_plain_char(unsigned long c)
{
    if (c == '"' || c == '\\')
        return 0;
    if (c >= 0x20 && c <= 0x7E)
        return 1;
    if (c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xFEFF)
        return 0;
    return (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* Writes s as a YAML double-quoted scalar; invalid UTF-8 becomes U+FFFD. */
static void emit_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned long c;
        int n = utf8_decode(p, &c);
        if (n == 0) {
            fputs("\xef\xbf\xbd", f);
            p++;
            continue;
        }
        if (yaml_plain_char(c))
            fwrite(p, 1, (size_t)n, f);
        else if (c == '"')
            fputs("\\\"", f);
        else if (c == '\\')
            fputs("\\\\", f);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c <= 0xFF)
            fprintf(f, "\\x%02lX", c);
        else
            fprintf(f, "\\u%04lX", c);
        p += n;
    }
    fputc('"', f);
}

static void emit_vector(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%.17g", i ? ", " : "", v[i]);
    fputc(']', f);
}

/* Weight layer n (0-based) in the lesson's convention: columns as stored,
 * rows as the transpose. */
static void emit_weights(FILE *f, const engine_net *net, int n)
{
    int in = net->width[n], out = net->width[n + 1];
    const double *w = net->weights[n];
    int rows = net->convention == CONV_ROWS ? out : in;
    int cols = net->convention == CONV_ROWS ? in : out;
    fputs("  - [", f);
    for (int r = 0; r < rows; r++) {
        fputs(r ? ",\n     [" : "[", f);
        for (int c = 0; c < cols; c++) {
            double v = net->convention == CONV_ROWS ? w[c * out + r] : w[r * out + c];
            fprintf(f, "%s%.17g", c ? ", " : "", v);
        }
        fputc(']', f);
    }
    fputs("]\n", f);
}

static int all_finite(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Every number a lesson can hold must be finite to be read back. */
static int net_finite(const engine_net *net)
{
    if (!isfinite(net->learning_rate))
        return 0;
    for (int n = 0; n < net->layers; n++) {
        if (!net->weights[n] || !all_finite(net->weights[n], net->width[n] * net->width[n + 1]))
            return 0;
        if (net->has_bias && (!net->biases[n] || !all_finite(net->biases[n], net->width[n + 1])))
            return 0;
    }
    return net->inputs && net->targets &&
           all_finite(net->inputs, net->samples * net->width[0]) &&
           all_finite(net->targets, net->samples * net->width[net->layers]);
}

int save_emit(FILE *f, const engine_net *net, const lesson *words)
{
    if (engine_net_validate(net) != NULL || !net_finite(net)) {
        errno = EDOM;
        return -1;
    }
    int L = net->layers;
    fputs("# saved by backstep\ntitle: ", f);
    emit_string(f, words && words->title ? words->title : "Saved network");
    fputc('\n', f);
    if (words && words->description) {
        fputs("description: ", f);
        emit_string(f, words->description);
        fputc('\n', f);
    }
    fputs("layers: [", f);
    for (int n = 0; n <= L; n++)
        fprintf(f, "%s%d", n ? ", " : "", net->width[n]);
    fputs("]\nactivations: [", f);
    for (int n = 0; n < L; n++)
        fprintf(f, "%s%s", n ? ", " : "", engine_act_name(net->act[n]));
    fprintf(f, "]\nloss: %s\nconvention: %s\nmode: %s\nlearning_rate: %.17g\n",
            engine_loss_name(net->loss), engine_conv_name(net->convention),
            engine_mode_name(net->mode), net->learning_rate);
    fputs("weights:\n", f);
    for (int n = 0; n < L; n++)
        emit_weights(f, net, n);
    if (net->has_bias) {
        fputs("biases:\n", f);
        for (int n = 0; n < L; n++) {
            fputs("  - ", f);
            emit_vector(f, net->biases[n], net->width[n + 1]);
            fputc('\n', f);
        }
        fprintf(f, "train_biases: %s\n", net->train_bias ? "true" : "false");
    }
    fputs("samples:\n", f);
    for (int s = 0; s < net->samples; s++) {
        fputs("  - input: ", f);
        emit_vector(f, net->inputs + (size_t)s * net->width[0], net->width[0]);
        fputs("\n    target: ", f);
        emit_vector(f, net->targets + (size_t)s * net->width[L], net->width[L]);
        fputc('\n', f);
    }
    if (words && words->n_notes > 0) {
        fputs("notes:\n", f);
        for (int i = 0; i < words->n_notes; i++) {
            fputs("  ", f);
            emit_string(f, words->notes[i].pattern);
            fputs(": ", f);
            emit_string(f, words->notes[i].text);
            fputc('\n', f);
        }
    }
    if (words && words->n_expressions > 0) {
        fputs("expressions:\n", f);
        for (int i = 0; i < words->n_expressions; i++) {
            fputs("  - caption: ", f);
            emit_string(f, words->expressions[i].caption);
            fputs("\n    expr: ", f);
            emit_string(f, words->expressions[i].expr);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

static FILE *open_mkstemp(char *tmpl, void *ctx)
{
    (void)ctx;
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmpl);
        errno = e;
    }
    return f;
}

static int fail(const char *path, int err, char *msg, size_t size)
{
    if (size > 0)
        snprintf(msg, size, "cannot save %s: %s", path,
                 err == EDOM ? "the network holds a number that is not finite"
                             : strerror(err));
    return -1;
}

/* The mode the new file gets: the old file's, or what umask allows. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & 07777;
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* Makes the rename durable; the save has already succeeded, so a folder
 * that cannot be synced is not an error. */
static void sync_folder(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int save_lesson_via(const char *path, const engine_net *net, const lesson *words,
                    save_open_fn open_temp, void *ctx, char *msg, size_t size)
{
    char target[PATH_MAX], dir[PATH_MAX], tmpl[PATH_MAX];
    struct stat st;
    if (size > 0)
        msg[0] = '\0';
    if (!open_temp)
        open_temp = open_mkstemp;
    /* Saving through a symbolic link replaces the file it points at. */
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, target) != NULL) {
        /* target holds the resolved path */
    } else if (snprintf(target, sizeof target, "%s", path) >= (int)sizeof target) {
        return fail(path, ENAMETOOLONG, msg, size);
    }
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - target) + (slash == target), target);
    else
        snprintf(dir, sizeof dir, ".");
    if (*base == '\0')
        return fail(path, EISDIR, msg, size);
    if (snprintf(tmpl, sizeof tmpl, "%s/.%s.XXXXXX", dir, base) >= (int)sizeof tmpl)
        return fail(path, ENAMETOOLONG, msg, size);

    /* Refuse before touching the disk when the numbers cannot be written. */
    if (engine_net_validate(net) != NULL || !net_finite(net))
        return fail(path, EDOM, msg, size);

    mode_t mode = target_mode(target);
    FILE *f = open_temp(tmpl, ctx);
    if (!f)
        return fail(path, errno, msg, size);
    int err = 0;
    if (chmod(tmpl, mode) != 0)
        err = errno;
    errno = 0;
    if (!err && save_emit(f, net, words) != 0)
        err = errno ? errno : EIO;
    if (!err && fflush(f) != 0)
        err = errno;
    if (!err && fsync(fileno(f)) != 0)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (!err && rename(tmpl, target) != 0)
        err = errno;
    if (err) {
        unlink(tmpl);
        return fail(path, err, msg, size);
    }
    sync_folder(dir);
    return 0;
}

int save_lesson(const char *path, const engine_net *net, const lesson *words,
                char *msg, size_t size)
{
    return save_lesson_via(path, net, words, NULL, NULL, msg, size);
}
