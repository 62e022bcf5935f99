/* time_driver.c - the C side of the event time differential test
 * (tests/t_time.sh): reads lines from standard input and, for each, prints
 * what src/rt/evtime.c makes of the line's bytes (without the LF):
 *
 *   ok MS        a valid time, MS milliseconds since the epoch
 *   bad WHY      a bad time; WHY is rt_time_why's `bad time "TEXT"`
 *
 * tests/time_ref.py prints the same from its own implementation. */
#include "expc/rt_time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char *line = NULL, why[RT_TIME_WHY_MAX];
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)n;
        int64_t ms;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (rt_time_parse(line, len, &ms) == 0) {
            printf("ok %" PRId64 "\n", ms);
        } else {
            rt_time_why(why, line, len);
            printf("bad %s\n", why);
        }
    }
    free(line);
    return ferror(stdin) || fflush(stdout) != 0 ? 1 : 0;
}
