/* check_edits.c - the edit stack behind u and U: undo gives back the
 * network before each edit bit for bit, redo the one after, a new edit
 * forgets what was undone, the saved mark, and the bounds. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "edits.h"
#include "lesson.h"

static lesson les;

static void setup(void)
{
    lesson_error err;
    ck_assert_int_eq(lesson_load_default(&les, &err), 0);
}

static void teardown(void)
{
    lesson_free(&les);
}

/* A copy of the lesson's network with one weight and one input changed. */
static engine_net changed(const engine_net *from, double w, double x)
{
    engine_net n;
    memset(&n, 0, sizeof n);
    ck_assert_int_eq(engine_net_copy(&n, from), 0);
    n.weights[1][0] = w;
    n.inputs[0] = x;
    return n;
}

START_TEST(undo_and_redo_bit_for_bit)
{
    edits s = {0};
    engine_net a = changed(&les.net, 1.5, 1.0);
    /* Values that print alike but differ in the last bit. */
    engine_net b = changed(&a, 1.5, nextafter(1.0, 2.0));
    ck_assert_int_eq(edits_same_values(&les.net, &les.net), 1);
    ck_assert_int_eq(edits_same_values(&a, &b), 0);
    ck_assert_int_eq(edits_modified(&s), 0);
    ck_assert_int_eq(edits_push(&s, &les.net, &a, "W_jk[1][1] = 1.5 (was 0.7)"), 0);
    ck_assert_int_eq(edits_push(&s, &a, &b, "x_i[1]"), 0);
    ck_assert_int_eq(edits_modified(&s), 1);
    const edits_entry *x = edits_undo(&s);
    ck_assert_ptr_nonnull(x);
    ck_assert_str_eq(x->what, "x_i[1]");
    ck_assert(edits_same_values(&x->before, &a));
    ck_assert(memcmp(&x->before.inputs[0], &a.inputs[0], sizeof(double)) == 0);
    x = edits_undo(&s);
    ck_assert_ptr_nonnull(x);
    ck_assert(edits_same_values(&x->before, &les.net));
    ck_assert_double_eq(x->before.weights[1][0], 0.7);
    ck_assert_int_eq(edits_modified(&s), 0); /* back where it was loaded */
    ck_assert_ptr_null(edits_undo(&s));
    /* Redo, in order. */
    x = edits_redo(&s);
    ck_assert(edits_same_values(&x->after, &a));
    x = edits_redo(&s);
    ck_assert(edits_same_values(&x->after, &b));
    ck_assert_ptr_null(edits_redo(&s));
    /* The stack's copies are its own: changing the originals changes nothing. */
    a.weights[1][0] = 99;
    ck_assert_double_eq(s.v[0].after.weights[1][0], 1.5);
    edits_clear(&s);
    engine_net_free(&a);
    engine_net_free(&b);
}
END_TEST

START_TEST(new_edit_forgets_redo)
{
    edits s = {0};
    engine_net a = changed(&les.net, 1.5, 1.0), b = changed(&les.net, 2.5, 1.0);
    ck_assert_int_eq(edits_push(&s, &les.net, &a, "a"), 0);
    edits_saved(&s);
    ck_assert_int_eq(edits_modified(&s), 0);
    ck_assert_ptr_nonnull(edits_undo(&s));
    ck_assert_int_eq(edits_modified(&s), 1); /* the saved state is the edited one */
    ck_assert_int_eq(edits_push(&s, &les.net, &b, "b"), 0);
    ck_assert_ptr_null(edits_redo(&s));
    ck_assert_int_eq(s.n, 1);
    ck_assert_str_eq(s.v[0].what, "b");
    /* The saved state was forgotten with the redo: modified whatever is undone. */
    ck_assert_int_eq(edits_modified(&s), 1);
    ck_assert_ptr_nonnull(edits_undo(&s));
    ck_assert_int_eq(edits_modified(&s), 1);
    edits_clear(&s);
    ck_assert_int_eq(edits_modified(&s), 0);
    engine_net_free(&a);
    engine_net_free(&b);
}
END_TEST

START_TEST(bounded)
{
    edits s = {0};
    engine_net a = changed(&les.net, 1.5, 1.0);
    for (int i = 0; i < EDITS_MAX + 5; i++) {
        a.weights[1][0] = i;
        ck_assert_int_eq(edits_push(&s, &les.net, &a, "w"), 0);
    }
    ck_assert_int_eq(s.n, EDITS_MAX);
    ck_assert_double_eq(s.v[0].after.weights[1][0], 5);
    ck_assert_double_eq(s.v[EDITS_MAX - 1].after.weights[1][0], EDITS_MAX + 4);
    /* The loaded state went with the oldest entries: always modified now. */
    int undone = 0;
    while (edits_undo(&s))
        undone++;
    ck_assert_int_eq(undone, EDITS_MAX);
    ck_assert_int_eq(edits_modified(&s), 1);
    edits_clear(&s);
    engine_net_free(&a);
}
END_TEST

Suite *edits_suite(void)
{
    Suite *s = suite_create("edits");
    TCase *tc = tcase_create("stack");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, undo_and_redo_bit_for_bit);
    tcase_add_test(tc, new_edit_forgets_redo);
    tcase_add_test(tc, bounded);
    suite_add_tcase(s, tc);
    return s;
}
