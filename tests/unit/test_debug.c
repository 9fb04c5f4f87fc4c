#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
static void test_placeholder(void **s) { (void)s; }
int main(void) { const struct CMUnitTest t[] = {cmocka_unit_test(test_placeholder)}; return cmocka_run_group_tests(t, NULL, NULL); }
