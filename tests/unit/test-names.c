#include "tests/unit/check.h"
int main(void) { CHECK_EXIT(); }
