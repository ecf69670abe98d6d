/* Greetings, formatted into a caller's buffer. */
#ifndef GREET_H
#define GREET_H

#include <stddef.h>

/*
 * Writes "<greeting>, <name>!" into out (at most size bytes, always NUL-terminated when size > 0).
 * An empty or NULL name greets "world". When shout is non-zero the whole line is upper case.
 * Returns the length of the full greeting (which may exceed size - 1, as snprintf does), or -1 on
 * bad arguments.
 */
int greet(char *out, size_t size, const char *greeting, const char *name, int shout);

#endif
