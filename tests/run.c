/* run.c - runs every Check suite of backstep (one per tests/check_*.c).
 * CK_RUN_SUITE / CK_RUN_CASE pick one; CK_FORK=no for gdb and valgrind. */
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

int main(void)
{
    /* The program the tests run writes UTF-8 unless a test asks for another
     * locale, whatever the caller's: the tests read its output as UTF-8. */
    setenv("LC_ALL", "C.UTF-8", 1);
    unsetenv("LANGUAGE");
    SRunner *sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name());
#include "suites.h"
#undef SUITE
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
