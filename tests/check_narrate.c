/* check_narrate.c - the built-in narration names the convention and the
 * shapes that the step really has, in both conventions. */
#include <check.h>
#include <string.h>

#include "narrate.h"

/* The question's 2-3-2 network: sigmoid hidden layer, linear output. */
static engine_net question_net(void)
{
    engine_net net;
    memset(&net, 0, sizeof net);
    net.layers = 2;
    net.width[0] = 2;
    net.width[1] = 3;
    net.width[2] = 2;
    net.act[0] = ACT_SIGMOID;
    net.act[1] = ACT_LINEAR;
    net.loss = LOSS_MSE;
    net.learning_rate = 0.5;
    net.samples = 1;
    return net;
}

static char text[4096];

/* Narrates a step of kind k at layer N in convention c. */
static const char *narrate(const engine_net *net, engine_step_kind k, int N, engine_conv c)
{
    engine_step s;
    memset(&s, 0, sizeof s);
    s.kind = k;
    s.layer = N;
    s.convention = c;
    size_t n = narrate_step(&s, net, text, sizeof text);
    ck_assert_uint_eq(n, strlen(text));
    return text;
}

#define HAS(hay, needle) ck_assert_msg(strstr((hay), (needle)) != NULL, \
    "missing \"%s\" in: %s", (needle), (hay))
#define LACKS(hay, needle) ck_assert_msg(strstr((hay), (needle)) == NULL, \
    "unexpected \"%s\" in: %s", (needle), (hay))

START_TEST(copy_columns_and_rows)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_GRAD_COPY, 2, CONV_COLUMNS);
    ck_assert_str_eq(t, "Make a new matrix the shape of W_jk (3×2) and copy δ_k into every "
                        "row. Columns convention: each neuron's weights towards the "
                        "previous layer stand in a column, so a column of G_jk belongs to "
                        "one output unit.");
    t = narrate(&net, STEP_GRAD_COPY, 2, CONV_ROWS);
    ck_assert_str_eq(t, "Make a new matrix the shape of W_jk (2×3) and copy δ_k into every "
                        "column. Rows convention: each neuron's weights towards the "
                        "previous layer stand in a row, so a row of G_jk belongs to one "
                        "output unit.");
    t = narrate(&net, STEP_GRAD_COPY, 1, CONV_COLUMNS);
    HAS(t, "W_ij (2×3)");
    HAS(t, "δ_j into every row");
    HAS(t, "hidden unit");
}
END_TEST

START_TEST(gradient_explains_its_shape)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_GRADIENT, 1, CONV_COLUMNS);
    HAS(t, "G_ij is 2×3, exactly the shape of W_ij");
    HAS(t, "row i is scaled by x_i, the output of unit i below");
    HAS(t, "columns convention");
    HAS(t, "2×3 = 6 of them");
    HAS(t, "A 2×1 result would be wrong");
    HAS(t, "\n\n"); /* two paragraphs */
    t = narrate(&net, STEP_GRADIENT, 1, CONV_ROWS);
    HAS(t, "G_ij is 3×2, exactly the shape of W_ij");
    HAS(t, "column i is scaled by x_i");
    HAS(t, "3×2 = 6 of them");
    HAS(t, "rows convention");
    t = narrate(&net, STEP_GRADIENT, 2, CONV_COLUMNS);
    HAS(t, "G_jk is 3×2, exactly the shape of W_jk");
    HAS(t, "by h_j");
}
END_TEST

START_TEST(sum_and_send)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_SUM, 1, CONV_COLUMNS);
    HAS(t, "z = W_ijᵀ·x_i");
    HAS(t, "W_ij is 2×3");
    HAS(t, "(3×2)·(2) gives a 3-vector");
    HAS(t, "columns convention");
    t = narrate(&net, STEP_SUM, 1, CONV_ROWS);
    HAS(t, "z = W_ij·x_i");
    HAS(t, "W_ij is 3×2");
    HAS(t, "(3×2)·(2) gives a 3-vector");
    HAS(t, "rows convention");
    LACKS(t, "bias");
    net.has_bias = 1;
    t = narrate(&net, STEP_SUM, 2, CONV_COLUMNS);
    HAS(t, "(2×3)·(3) gives a 2-vector");
    HAS(t, "bias");

    t = narrate(&net, STEP_SEND, 2, CONV_COLUMNS);
    HAS(t, "W_jk·δ_k is (3×2)·(2), a 3-vector");
    HAS(t, "Columns convention");
    HAS(t, "incoming gradient of the layer below");
    t = narrate(&net, STEP_SEND, 2, CONV_ROWS);
    HAS(t, "W_jkᵀ·δ_k is (3×2)·(2), a 3-vector");
    HAS(t, "Rows convention");
    t = narrate(&net, STEP_SEND, 1, CONV_COLUMNS);
    HAS(t, "with respect to the input x_i");
}
END_TEST

START_TEST(every_kind_names_convention)
{
    engine_net net = question_net();
    net.has_bias = 1;
    net.train_bias = 1;
    net.mode = MODE_BATCH;
    net.samples = 4;
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        for (int c = 0; c < CONV_COUNT; c++)
            for (int N = 1; N <= 2; N++) {
                int layer = k == STEP_LOSS ? 0 : N;
                const char *t = narrate(&net, (engine_step_kind)k, layer, (engine_conv)c);
                ck_assert_msg(strlen(t) > 40, "kind %d: too short: %s", k, t);
                HAS(t, c == CONV_COLUMNS ? "olumns" : "ows"); /* either case */
                /* 2 to 5 sentences, for a student. */
                int dots = 0;
                for (const char *p = t; *p; p++)
                    dots += (*p == '.' && (p[1] == ' ' || p[1] == '\0' || p[1] == '\n'));
                ck_assert_msg(dots >= 2 && dots <= 5, "kind %d: %d sentences: %s", k, dots, t);
            }
}
END_TEST

START_TEST(vector_steps_name_shapes)
{
    engine_net net = question_net();
    const char *t = narrate(&net, STEP_DELTA, 2, CONV_COLUMNS);
    HAS(t, "∂E/∂y_k = y − t");
    HAS(t, "2-vector");
    t = narrate(&net, STEP_DELTA, 1, CONV_ROWS);
    HAS(t, "∂E/∂h_j, a 3-vector");
    t = narrate(&net, STEP_DERIVATIVE, 2, CONV_COLUMNS);
    HAS(t, "g′ = 1");
    t = narrate(&net, STEP_DERIVATIVE, 1, CONV_COLUMNS);
    HAS(t, "δ_j = ∂E/∂h_j ⊙ g′(z), a 3-vector");
    HAS(t, "sigmoid");
    t = narrate(&net, STEP_ACTIVATION, 1, CONV_COLUMNS);
    HAS(t, "3-vector");
    t = narrate(&net, STEP_UPDATE, 1, CONV_ROWS);
    HAS(t, "W_ij − 0.5·G_ij. Both are 3×2 in the rows convention");
    net.samples = 4;
    t = narrate(&net, STEP_BATCH_MEAN, 2, CONV_COLUMNS);
    HAS(t, "the 4 samples are averaged, G = (1/4)");
    HAS(t, "3×2");
    t = narrate(&net, STEP_BIAS_GRAD, 2, CONV_COLUMNS);
    HAS(t, "not used");
}
END_TEST

/* Every multi-byte sequence in s is complete. */
static int utf8_whole(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += len;
    }
    return 1;
}

START_TEST(deep_names_and_truncation)
{
    engine_net net = question_net();
    net.layers = 3;
    net.width[3] = 4;
    net.act[2] = ACT_SOFTMAX;
    net.loss = LOSS_CROSS_ENTROPY;
    const char *t = narrate(&net, STEP_GRAD_COPY, 3, CONV_COLUMNS);
    HAS(t, "W_kl (2×4)");
    t = narrate(&net, STEP_GRADIENT, 2, CONV_COLUMNS);
    HAS(t, "by h¹_j");
    t = narrate(&net, STEP_DERIVATIVE, 3, CONV_COLUMNS);
    HAS(t, "Jacobian");
    /* A small buffer: NUL-terminated, never half a UTF-8 character. */
    engine_step s;
    memset(&s, 0, sizeof s);
    s.kind = STEP_SUM;
    s.layer = 1;
    char small[40];
    for (size_t size = 1; size <= sizeof small; size++) {
        size_t n = narrate_step(&s, &net, small, size);
        ck_assert_uint_lt(n, size);
        ck_assert_uint_eq(n, strlen(small));
        ck_assert_msg(utf8_whole(small), "size %zu: a character was cut", size);
    }
    ck_assert_uint_eq(narrate_step(&s, &net, small, 0), 0);
}
END_TEST

Suite *narrate_suite(void)
{
    Suite *s = suite_create("narrate");
    TCase *tc = tcase_create("narrate");
    tcase_add_test(tc, copy_columns_and_rows);
    tcase_add_test(tc, gradient_explains_its_shape);
    tcase_add_test(tc, sum_and_send);
    tcase_add_test(tc, every_kind_names_convention);
    tcase_add_test(tc, vector_steps_name_shapes);
    tcase_add_test(tc, deep_names_and_truncation);
    suite_add_tcase(s, tc);
    return s;
}
