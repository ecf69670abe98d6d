/* Unit tests of greet(): each check prints a line; the exit status is the number of failures. */
#include <stdio.h>
#include <string.h>

#include "greet.h"

static int failures = 0;

static void expect(const char *what, const char *got, const char *want) {
    if (strcmp(got, want) == 0) {
        printf("ok   %s\n", what);
    } else {
        printf("FAIL %s: got \"%s\", want \"%s\"\n", what, got, want);
        failures++;
    }
}

int main(void) {
    char buf[64];

    greet(buf, sizeof buf, "Hello", "Ada", 0);
    expect("greets a name", buf, "Hello, Ada!");

    greet(buf, sizeof buf, "Hello", NULL, 0);
    expect("greets the world without a name", buf, "Hello, world!");

    greet(buf, sizeof buf, "Hello", "", 0);
    expect("greets the world for an empty name", buf, "Hello, world!");

    greet(buf, sizeof buf, "Bonjour", "Grace", 1);
    expect("shouts", buf, "BONJOUR, GRACE!");

    char small[6];
    int n = greet(small, sizeof small, "Hello", "Ada", 0);
    expect("truncates to the buffer", small, "Hello");
    if (n != 11) {
        printf("FAIL returns the full length: got %d, want 11\n", n);
        failures++;
    } else {
        printf("ok   returns the full length\n");
    }

    if (greet(NULL, 0, "Hello", "x", 0) != -1) {
        printf("FAIL refuses a NULL buffer\n");
        failures++;
    } else {
        printf("ok   refuses a NULL buffer\n");
    }

    printf("%d failure(s)\n", failures);
    return failures;
}
