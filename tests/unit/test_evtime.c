/* test_evtime.c - the event time parser (src/rt/evtime.c) and the quoting of
 * a bad time for its message.
 *
 * Tables of edge cases with the expected milliseconds worked out apart from
 * the parser (Python's datetime), for each rule of the accepted forms:
 * epoch seconds and their floor, int64 bounds, leap years and month ends,
 * offsets of both signs, years 0000 and 9999, and every bad form.  The
 * random differential test is tests/t_time.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "expc/rt_time.h"

typedef struct good {
    const char *s;
    int64_t ms;
} good;

/* ---- seconds since the epoch ---------------------------------------------- */

static const good epoch_good[] = {
    { "0", 0 },
    { "-0", 0 },
    { "-0.000", 0 },
    { "1", 1000 },
    { "007", 7000 },
    { "1.9999", 1999 },
    { "1.5", 1500 },
    { "1.05", 1050 },
    { "0.0009", 0 },
    { "-1.0005", -1001 },
    { "-1.000", -1000 },
    { "-1.0001", -1001 },
    { "-0.0001", -1 },
    { "-0.001", -1 },
    { "-0.5", -500 },
    { "-86400", -86400000 },
    { "1700000000", 1700000000000 },
    { "1700000000.123456789", 1700000000123 },
    { "-1700000000.5", -1700000000500 },
    { "1.000000000000000000000000000001", 1000 },
    { "-1.000000000000000000000000000001", -1001 },
    { "000000000000000000000000000000000000000001", 1000 },
    { "9223372036854775", INT64_C(9223372036854775000) },
    { "9223372036854775.807", INT64_MAX },
    { "9223372036854775.8079999999", INT64_MAX },
    { "-9223372036854775.807", -INT64_MAX },
    { "-9223372036854775.8079999", INT64_MIN },
    { "-9223372036854775.808", INT64_MIN },
    { "-9223372036854775.8080000000000", INT64_MIN },
};

static const char *const epoch_bad[] = {
    "",
    "-",
    "+1",
    "+0",
    "1e3",
    "1E3",
    "1.5e3",
    "-1e-3",
    ".5",
    "-.5",
    "5.",
    "-5.",
    "1.2.3",
    " 1",
    "1 ",
    "1\n",
    "0x10",
    "1,5",
    "--1",
    "1-",
    "- 1",
    "inf",
    "nan",
    "\xef\xbc\x91", /* a full-width 1 */
    "9223372036854775.808",
    "9223372036854775.8081",
    "9223372036854776",
    "-9223372036854775.8080000001",
    "-9223372036854775.809",
    "-9223372036854776",
    "99999999999999999999999999999999999999",
    "-18446744073709551616",
    "18446744073709551616.5",
};

/* ---- RFC 3339 / ISO 8601 -------------------------------------------------------- */

static const good iso_good[] = {
    { "1970-01-01", 0 },
    { "1970-01-01T00:00", 0 },
    { "1970-01-01T00:00Z", 0 },
    { "1970-01-01T00:00:00.000Z", 0 },
    { "1969-12-31", -86400000 },
    { "1969-12-31T23:59:59.999Z", -1 },
    { "1969-12-31T23:59:59.9999Z", -1 },
    { "1969-12-31T23:59:59.999999999Z", -1 },
    { "1969-07-20T20:17:40Z", -14182940000 },
    { "1970-01-31", 2592000000 },
    /* leap years: 2000 and 2400 (by 400), 2024 (by 4), year 0000 */
    { "2000-02-29", 951782400000 },
    { "2400-02-29", 13574563200000 },
    { "2024-02-29", 1709164800000 },
    { "0000-02-29", -62162121600000 },
    /* month ends */
    { "2023-04-30", 1682812800000 },
    { "2023-06-30", 1688083200000 },
    { "2023-09-30", 1696032000000 },
    { "2023-11-30", 1701302400000 },
    { "2023-12-31T23:59:59", 1704067199000 },
    { "1600-03-01", -11670912000000 },
    /* the ends of the range */
    { "0000-01-01", -62167219200000 },
    { "0000-01-01T00:00+00:01", -62167219260000 },
    { "0000-12-31T23:59:59.999", -62135596800001 },
    { "9999-12-31T23:59:59.999999999Z", 253402300799999 },
    { "9999-12-31T23:59-23:59", 253402387080000 },
    /* offsets, both signs, both spellings; -00:00 is UTC */
    { "2024-01-01T00:30+01:00", 1704065400000 },
    { "2023-12-31T23:30-01:00", 1704069000000 },
    { "2024-01-01T00:00-00:00", 1704067200000 },
    { "2024-01-01T00:00+00:00", 1704067200000 },
    { "2024-01-01T00:00-0000", 1704067200000 },
    { "2024-06-15T12:34:56.7+0230", 1718445896700 },
    { "1899-12-31T23:59:59.001-05:30", -2208969000999 },
    { "1970-01-01T00:00+23:59", -86340000 },
    { "1970-01-01T00:00-2359", 86340000 },
    /* separators, lowercase, fractions of 1 to 9 digits, floored */
    { "2024-06-15 05:06:07.123456789z", 1718427967123 },
    { "2024-01-01t00:00z", 1704067200000 },
    { "2024-03-01T00:00:00.1", 1709251200100 },
    { "2024-03-01T00:00:00.12", 1709251200120 },
    { "2024-03-01T00:00:00.999999999", 1709251200999 },
    { "2024-03-01T00:00:00.0009", 1709251200000 },
};

static const char *const iso_bad[] = {
    /* impossible dates */
    "1900-02-29",
    "2100-02-29",
    "2023-02-29",
    "2024-02-30",
    "2024-04-31",
    "2024-06-31",
    "2024-09-31",
    "2024-11-31",
    "2024-01-32",
    "2024-00-10",
    "2024-13-01",
    "2024-01-00",
    /* out of range clock and offset */
    "2024-01-01T24:00",
    "2024-01-01T24:00:00Z",
    "2024-01-01T23:60",
    "2024-12-31T23:59:60Z",
    "2024-01-01T00:00+24:00",
    "2024-01-01T00:00-01:60",
    "2024-01-01T00:00+2400",
    /* fractions */
    "2024-01-01T00:00:00.",
    "2024-01-01T00:00:00.1234567890",
    "2024-01-01T00:00.5",
    "2024-01-01T00:00:00,5",
    /* shapes */
    "2024-01-01Z",
    "2024-01-01+01:00",
    "2024-01-01T",
    "2024-01-01T00",
    "2024-01-01T00:",
    "2024-01-01T00:0",
    "2024-01-01T0:00",
    "2024-01-01T00:00:0",
    "2024-01-01T00:00:",
    "2024-01-01  00:00",
    "2024-01-01\t00:00",
    "2024-01-01x00:00",
    "2024-01-01T00:00+1:00",
    "2024-01-01T00:00+01:0",
    "2024-01-01T00:00+01",
    "2024-01-01T00:00+01:00:00",
    "2024-01-01T00:00+01:00Z",
    "2024-01-01T00:00ZZ",
    "2024-01-01T00:00Z ",
    "2024-01-01T00:00 Z",
    "2024-01-01T00:00z\n",
    "2024-01-01T00:00UTC",
    "2024-01-01T00:00\xe2\x88\x92" "01:00", /* U+2212 minus */
    "2024-1-01",
    "2024-01-1",
    "24-01-01",
    "12024-01-01",
    "+2024-01-01",
    "-2024-01-01",
    "2024/01/01",
    "2024-01/01",
    "20240101T0000Z", /* the basic format of ISO 8601 (20240101 alone is seconds) */
    "2024-01-01 ",
    " 2024-01-01",
    "2O24-01-01",
};

static void check_good(const good *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t ms = 42;
        int rc = rt_time_parse(t[i].s, strlen(t[i].s), &ms);
        if (rc != 0 || ms != t[i].ms)
            fail_msg("\"%s\": rc %d, %" PRId64 " ms; want %" PRId64, t[i].s, rc, ms, t[i].ms);
    }
}

static void check_bad(const char *const *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t ms = 42;
        int rc = rt_time_parse(t[i], strlen(t[i]), &ms);
        if (rc != -1 || ms != 42)
            fail_msg("\"%s\": rc %d, %" PRId64 " ms; want a bad time", t[i], rc, ms);
    }
}

static void test_epoch_good(void **state)
{
    (void)state;
    check_good(epoch_good, sizeof epoch_good / sizeof *epoch_good);
}

static void test_epoch_bad(void **state)
{
    (void)state;
    check_bad(epoch_bad, sizeof epoch_bad / sizeof *epoch_bad);
}

static void test_iso_good(void **state)
{
    (void)state;
    check_good(iso_good, sizeof iso_good / sizeof *iso_good);
}

static void test_iso_bad(void **state)
{
    (void)state;
    check_bad(iso_bad, sizeof iso_bad / sizeof *iso_bad);
}

/* The length is the text: bytes past it are never read, a NUL inside is a
 * byte like any other. */
static void test_length(void **state)
{
    int64_t ms = 0;
    (void)state;
    assert_int_equal(rt_time_parse("1234", 2, &ms), 0);
    assert_true(ms == 12000);
    assert_int_equal(rt_time_parse("2024-01-01T00:00Zjunk", 17, &ms), 0);
    assert_true(ms == 1704067200000);
    assert_int_equal(rt_time_parse("2024-01-01T00:00", 10, &ms), 0);
    assert_true(ms == 1704067200000);
    assert_int_equal(rt_time_parse("1\0", 2, &ms), -1);
    assert_int_equal(rt_time_parse("2024-01-01\0", 11, &ms), -1);
    assert_int_equal(rt_time_parse(NULL, 0, &ms), -1);
}

/* Every day from 0000-01-01 to 9999-12-31 is the day after the one before,
 * and the calendar's own rules give the dates in between: this walks them
 * all (3.65 million) and checks the parser's day numbers step by one. */
static void test_every_day(void **state)
{
    static const int mdays[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t prev = 0, ms = 0;
    char buf[48]; /* what gcc's -Wformat-truncation wants for three ints */
    (void)state;
    for (int y = 0; y <= 9999; y++) {
        int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        for (int m = 1; m <= 12; m++) {
            int last = mdays[m] + (m == 2 && leap);
            for (int d = 1; d <= last + 1; d++) {
                snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
                int rc = rt_time_parse(buf, 10, &ms);
                if (d > last) {
                    if (rc != -1)
                        fail_msg("%s: accepted", buf);
                    continue;
                }
                if (rc != 0)
                    fail_msg("%s: refused", buf);
                if (!(y == 0 && m == 1 && d == 1) && ms - prev != 86400000)
                    fail_msg("%s: %" PRId64 " ms after the day before", buf, ms - prev);
                prev = ms;
            }
        }
    }
    assert_true(prev == 253402214400000); /* 9999-12-31 */
}

/* ---- quoting ------------------------------------------------------------------ */

static void check_why(const char *s, size_t len, const char *want)
{
    char buf[RT_TIME_WHY_MAX];
    size_t n = rt_time_why(buf, s, len);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(buf, want);
}

static void test_quote(void **state)
{
    char buf[RT_TIME_QUOTE_MAX];
    (void)state;
    check_why("", 0, "bad time \"\"");
    check_why("1e3", 3, "bad time \"1e3\"");
    check_why("a\"b\\c", 5, "bad time \"a\\\"b\\\\c\"");
    check_why("\n\t\r\x01\x1f\x7f", 6, "bad time \"\\n\\t\\r\\u0001\\u001f\\u007f\"");
    check_why("x\0y", 3, "bad time \"x\\u0000y\"");
    check_why("caf\xc3\xa9 \xe2\x82\xac", 9, "bad time \"caf\xc3\xa9 \xe2\x82\xac\"");
    /* not UTF-8: a lone continuation, a cut sequence, an overlong form,
     * a surrogate */
    check_why("\x80" "a\xc3", 3, "bad time \"\\x80a\\xc3\"");
    check_why("\xc0\xaf", 2, "bad time \"\\xc0\\xaf\"");
    check_why("\xed\xa0\x80", 3, "bad time \"\\xed\\xa0\\x80\"");
    assert_int_equal(rt_time_quote(buf, "ab", 2), 4);
    assert_string_equal(buf, "\"ab\"");
}

/* 200 bytes are shown; a UTF-8 sequence across the cut goes with the rest. */
static void test_quote_cut(void **state)
{
    char s[512], want[512], buf[RT_TIME_QUOTE_MAX];
    (void)state;
    memset(s, '7', sizeof s);
    snprintf(want, sizeof want, "\"%.200s\"", s);
    rt_time_quote(buf, s, 200);
    assert_string_equal(buf, want);
    snprintf(want, sizeof want, "\"%.200s\"...", s);
    rt_time_quote(buf, s, 201);
    assert_string_equal(buf, want);
    memcpy(s + 199, "\xc3\xa9", 2); /* bytes 200 and 201 */
    snprintf(want, sizeof want, "\"%.199s\"...", s);
    rt_time_quote(buf, s, 300);
    assert_string_equal(buf, want);
    /* the worst case fills the room exactly */
    memset(s, 1, sizeof s);
    assert_int_equal(rt_time_quote(buf, s, sizeof s), RT_TIME_QUOTE_MAX - 1);
    assert_int_equal(rt_time_why(want, "", 0), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_good),
        cmocka_unit_test(test_epoch_bad),
        cmocka_unit_test(test_iso_good),
        cmocka_unit_test(test_iso_bad),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_every_day),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_quote_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
