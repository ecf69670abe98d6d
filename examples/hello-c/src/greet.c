#include "greet.h"

#include <ctype.h>
#include <stdio.h>

int greet(char *out, size_t size, const char *greeting, const char *name, int shout) {
    if (out == NULL || greeting == NULL) {
        return -1;
    }
    if (name == NULL || name[0] == '\0') {
        name = "world";
    }
    int n = snprintf(out, size, "%s, %s!", greeting, name);
    if (n < 0) {
        return -1;
    }
    if (shout && size > 0) {
        for (char *p = out; *p != '\0'; p++) {
            *p = (char) toupper((unsigned char) *p);
        }
    }
    return n;
}
