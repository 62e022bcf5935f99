/* driver.c - the runtime's JSON reader (src/rt/json.c) as a filter, for the
 * comparison with Python's json module (tests/json/vs_python.py).
 *
 * Input: records `LEN\n` then LEN bytes, one document each.  Output: one line
 * a record: `ERR` when rt_json_scan refuses it, else `OK OBJ` (OBJ 1 when the
 * document is an object) and, for each of the wanted keys customer, event,
 * user.id and a.b, a space and `-` (absent), `S:HEX` (a string, decoded, in
 * hex; `BAD` when it holds a lone surrogate), `I:TEXT` (an integer as
 * written), `N` (another number) or `O` (anything else). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expc/rt.h"

static void put_val(const rt_json_val *v, char *buf)
{
    size_t i, n;
    switch (v->type) {
    case RT_JSON_ABSENT: fputs(" -", stdout); break;
    case RT_JSON_STRING:
        n = rt_json_decode(v->p, v->n, buf);
        if (n == RT_JSON_BAD_TEXT) {
            fputs(" BAD", stdout);
            break;
        }
        fputs(" S:", stdout);
        for (i = 0; i < n; i++)
            printf("%02x", (unsigned char)buf[i]);
        break;
    case RT_JSON_INT: printf(" I:%.*s", (int)v->n, v->p); break;
    case RT_JSON_NUMBER: fputs(" N", stdout); break;
    default: fputs(" O", stdout); break;
    }
}

int main(void)
{
    static const char *const keys[] = { "customer", "event", "user.id", "a.b" };
    rt_json j;
    size_t len, i;
    rt_json_init(&j);
    for (i = 0; i < 4; i++)
        rt_json_want(&j, keys[i], strlen(keys[i]));
    while (scanf("%zu", &len) == 1 && getchar() == '\n') {
        char *doc = malloc(len + 1), *buf = malloc(len + 1);
        if (!doc || !buf || fread(doc, 1, len, stdin) != len)
            return 2;
        if (rt_json_scan(&j, doc, len) != RT_JSON_OK) {
            puts("ERR");
        } else {
            printf("OK %d", j.object ? 1 : 0);
            for (i = 0; i < 4; i++)
                put_val(&j.val[i], buf);
            putchar('\n');
        }
        free(doc);
        free(buf);
    }
    return 0;
}
