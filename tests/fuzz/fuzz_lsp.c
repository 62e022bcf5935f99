/* fuzz_lsp.c - arbitrary bytes as what an editor sends `expc lsp`.
 *
 * The first byte picks the way in:
 *  - even: the rest is the raw input stream, Content-Length framing and
 *    all, read by lsp_serve as from standard input;
 *  - odd: the rest is a list of message bodies separated by NUL bytes
 *    (which JSON text never holds), each handed to lsp_handle after an
 *    `initialize` and the didOpen of a small script (so positions,
 *    changes and requests land on a real analysis: the seeds in
 *    corpus/lsp are such lists).
 * Properties: the server never crashes, hangs or leaks (ASan), answers only
 * in well-formed frames - `Content-Length: N`, a blank line, then N bytes
 * of JSON that parses to an object with "jsonrpc": "2.0" - and stops only
 * at `exit`. */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "expc/lsp.h"

#include "fuzz_common.h"

static const char *const opening[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}",
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
    "{\"uri\":\"file:///fuzz/a.exp\",\"languageId\":\"exp\",\"version\":1,\"text\":"
    "\"import \\\"emotions\\\";\\nexperience x {\\n    path SAY -> STAY -> SPEND;\\n"
    "    note SAY { evoke trst; stage \\\"\\u00e9\\ud83d\\ude00\\\"; }\\n"
    "    event a : SAY trust via system at sales +4 cap 2 per 1d;\\n}\\n"
    "test \\\"t\\\" { events a @1h; expect stage SAY; }\\n\"}}}",
};

/* Every frame of `out` is well formed. */
static void check_frames(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *head = "Content-Length: ";
        FZ_CHECK(n - i > strlen(head) && !memcmp(p + i, head, strlen(head)));
        i += strlen(head);
        size_t len = 0;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            len = len * 10 + (size_t)(p[i++] - '0');
        FZ_CHECK(n - i >= 4 && !memcmp(p + i, "\r\n\r\n", 4));
        i += 4;
        FZ_CHECK(n - i >= len);
        json_error_t err;
        json_t *msg = json_loadb(p + i, len, 0, &err);
        FZ_CHECK(msg && json_is_object(msg));
        const char *v = json_string_value(json_object_get(msg, "jsonrpc"));
        FZ_CHECK(v && !strcmp(v, "2.0"));
        json_decref(msg);
        i += len;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fz_mem out;
    fz_mem_open(&out);
    load_opts lo = { 0 };
    lo.stdlib_dir = EXPC_FUZZ_STDLIB;
    lsp_server *s = lsp_new(&lo, out.f);
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] % 2 == 0) {
        FILE *in = fz_read_stream((const uint8_t *)rest, n);
        lsp_serve(s, in);
        fclose(in);
    } else {
        bool going = true;
        for (size_t k = 0; k < sizeof opening / sizeof *opening; k++)
            going = lsp_handle(s, opening[k], strlen(opening[k]));
        while (going && n > 0) {
            const char *nul = memchr(rest, 0, n);
            size_t len = nul ? (size_t)(nul - rest) : n;
            going = lsp_handle(s, rest, len);
            rest += len + (nul ? 1 : 0);
            n -= len + (nul ? 1 : 0);
        }
    }
    lsp_free(s);
    fz_mem_close(&out);
    check_frames(out.p, out.n);
    fz_mem_free(&out);
    return 0;
}
