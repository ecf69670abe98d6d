/* hello: greets each NAME given (or the world), one line each. */
#include <stdio.h>
#include <string.h>

#include "greet.h"

#ifndef GREETING
#define GREETING "Hello"
#endif

static int usage(void) {
    fprintf(stderr, "usage: hello [--shout] [NAME...]\n");
    return 2;
}

int main(int argc, char **argv) {
    int shout = 0;
    int first = 1;
    for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
        if (strcmp(argv[first], "--shout") == 0) {
            shout = 1;
        } else if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        } else {
            return usage();
        }
    }
    char line[256];
    if (first >= argc) {
        greet(line, sizeof line, GREETING, NULL, shout);
        puts(line);
        return 0;
    }
    for (int i = first; i < argc; i++) {
        if (greet(line, sizeof line, GREETING, argv[i], shout) >= (int) sizeof line) {
            fprintf(stderr, "hello: name too long\n");
            return 1;
        }
        puts(line);
    }
    return 0;
}
