/* evtime.c - the event time parser of `--time=COL` (see rt_time.h for the
 * accepted forms) and the quoting of a bad time for its message.
 *
 * Times are parsed once per event, millions of times a second, so the parser
 * reads the text once, by fixed positions where the form has them, with no
 * allocation, no strtod (locale, rounding, exponents) and no libc time
 * functions (timegm is neither C11 nor portable): a date becomes a day
 * number by the days-from-civil arithmetic of the proleptic Gregorian
 * calendar.  Seconds since the epoch are read as exact decimal digits, so
 * rounding toward minus infinity is exact for any number of digits. */
#include "expc/rt.h"
#include "expc/rt_time.h"

#include <string.h>

/* The most whole seconds a time may have: INT64_MAX ms is
 * 9223372036854775.807 s and INT64_MIN ms -9223372036854775.808 s. */
#define EVT_SEC_MAX UINT64_C(9223372036854775)
/* 2^63: the magnitude of INT64_MIN, the most a negative time may reach. */
#define EVT_NEG_MAX (UINT64_C(1) << 63)
#define EVT_MS_PER_DAY INT64_C(86400000)

/* The value of a decimal digit, or > 9 for any other byte. */
static unsigned evt_dig(char c)
{
    return (unsigned)(unsigned char)c - (unsigned)'0';
}

/* ---- seconds since the epoch ----------------------------------------------- */

/* `-?[0-9]+(\.[0-9]+)?`.  The magnitude is built in uint64_t, whole seconds
 * first (bad as soon as they pass EVT_SEC_MAX, so they never overflow), then
 * the first three fraction digits; any non-zero digit after them makes a
 * negative time one millisecond more negative (the floor), a positive one
 * nothing (truncation is its floor). */
static int evt_epoch(const char *s, size_t len, int64_t *ms)
{
    size_t i = 0, start;
    int neg = 0, rest = 0;
    uint64_t sec = 0, frac = 0, mag;
    unsigned nf = 0, d;
    if (len > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    for (start = i; i < len && (d = evt_dig(s[i])) <= 9; i++) {
        sec = sec * 10 + d;
        if (sec > EVT_SEC_MAX)
            return -1;
    }
    if (i == start)
        return -1;
    if (i < len) {
        if (s[i] != '.')
            return -1;
        for (start = ++i; i < len && (d = evt_dig(s[i])) <= 9; i++) {
            if (nf < 3) {
                frac = frac * 10 + d;
                nf++;
            } else {
                rest |= d != 0;
            }
        }
        if (i == start || i < len)
            return -1;
    }
    for (; nf < 3; nf++)
        frac *= 10;
    mag = sec * 1000 + frac + (uint64_t)(neg & rest);
    if (mag > (neg ? EVT_NEG_MAX : (uint64_t)INT64_MAX))
        return -1;
    /* -(int64_t)2^63 would overflow: INT64_MIN is written out. */
    *ms = !neg ? (int64_t)mag : mag == EVT_NEG_MAX ? INT64_MIN : -(int64_t)mag;
    return 0;
}

/* ---- RFC 3339 / ISO 8601 ------------------------------------------------- */

/* The two digits at p as a number in *v; 0 when they are not digits. */
static int evt_2(const char *p, unsigned *v)
{
    unsigned a = evt_dig(p[0]), b = evt_dig(p[1]);
    *v = a * 10 + b;
    return a <= 9 && b <= 9;
}

static unsigned evt_month_days(unsigned y, unsigned m)
{
    static const unsigned char days[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return days[m] + (unsigned)(m == 2 && leap);
}

/* Days from 1970-01-01 to y-m-d (a valid date).  Years are counted from
 * March, so the leap day ends a year and a year's days before a month are
 * a fixed formula; 400 years (146097 days exactly) are added first so that
 * January of year 0 (March-based year -1) needs no negative division. */
static int64_t evt_days(unsigned y, unsigned m, unsigned d)
{
    int64_t yy = (int64_t)y + 400 - (m <= 2);
    int64_t era = yy / 400, yoe = yy - era * 400;
    int64_t doy = (153 * (int64_t)((m + 9) % 12) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era - 1) * 146097 + doe - 719468;
}

/* The zone at s[0, n) (n > 0): `Z`, `z`, `±HH:MM` or `±HHMM`, as minutes
 * east of UTC in *off; 0 when it is none of them. */
static int evt_zone(const char *s, size_t n, int64_t *off)
{
    unsigned h, m;
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *off = 0;
        return 1;
    }
    if ((n != 6 || s[3] != ':') && n != 5)
        return 0;
    if ((s[0] != '+' && s[0] != '-') || !evt_2(s + 1, &h) || !evt_2(s + n - 2, &m) ||
        h > 23 || m > 59)
        return 0;
    *off = (int64_t)(h * 60 + m) * (s[0] == '-' ? -1 : 1);
    return 1;
}

/* The time of day after the separator, s[0, n): `HH:MM[:SS[.F]]` and the
 * zone, as milliseconds from midnight UTC of that day (negative or past a
 * day when the offset moves it); 0 when it is bad. */
static int evt_clock(const char *s, size_t n, int64_t *ms)
{
    unsigned h, m, sec = 0, frac = 0, nf = 0, d;
    size_t i = 5;
    int64_t off = 0;
    if (n < 5 || !evt_2(s, &h) || s[2] != ':' || !evt_2(s + 3, &m) || h > 23 || m > 59)
        return 0;
    if (i < n && s[i] == ':') {
        if (n < 8 || !evt_2(s + 6, &sec) || sec > 59)
            return 0;
        i = 8;
        if (i < n && s[i] == '.') {
            size_t start = ++i;
            for (; i < n && (d = evt_dig(s[i])) <= 9 && i - start < 9; i++)
                if (nf++ < 3)
                    frac = frac * 10 + d;
            if (i == start || (i < n && evt_dig(s[i]) <= 9))
                return 0; /* no digit, or a tenth */
            for (; nf < 3; nf++)
                frac *= 10;
        }
    }
    if (i < n && !evt_zone(s + i, n - i, &off))
        return 0;
    *ms = ((int64_t)(h * 60 + m) - off) * 60000 + (int64_t)sec * 1000 + frac;
    return 1;
}

/* The last date read and its day in ms: a log's events come a day at a
 * time, so most dates are the one before (per thread: the runtime may
 * parse in several). */
static _Thread_local struct {
    char date[10];
    int64_t day_ms;
} evt_last = { "", 0 };

/* `YYYY-MM-DD` as ms at its midnight UTC in *day_ms; 0 when bad. */
static int evt_date(const char *s, int64_t *day_ms)
{
    unsigned yh, yl, m, d;
    if (memcmp(s, evt_last.date, 10) == 0) {
        *day_ms = evt_last.day_ms;
        return 1;
    }
    if (!evt_2(s, &yh) || !evt_2(s + 2, &yl) || !evt_2(s + 5, &m) || s[7] != '-' ||
        !evt_2(s + 8, &d))
        return 0;
    if (m < 1 || m > 12 || d < 1 || d > evt_month_days(yh * 100 + yl, m))
        return 0;
    *day_ms = evt_days(yh * 100 + yl, m, d) * EVT_MS_PER_DAY;
    memcpy(evt_last.date, s, 10);
    evt_last.day_ms = *day_ms;
    return 1;
}

/* `YYYY-MM-DD` and what may follow it (len >= 10, s[4] == '-'). */
static int evt_iso(const char *s, size_t len, int64_t *ms)
{
    int64_t day_ms, clock = 0;
    if (!evt_date(s, &day_ms))
        return -1;
    if (len > 10) {
        if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
            return -1;
        if (!evt_clock(s + 11, len - 11, &clock))
            return -1;
    }
    *ms = day_ms + clock;
    return 0;
}

int rt_time_parse(const char *s, size_t len, int64_t *ms)
{
    /* The `-` after a year tells the forms apart: seconds have one only
     * in front. */
    if (len >= 10 && s[4] == '-')
        return evt_iso(s, len, ms);
    return evt_epoch(s, len, ms);
}

/* ---- quoting ------------------------------------------------------------------ */


/* One shown unit (a byte, or a whole UTF-8 sequence of k bytes) at dst. */
static size_t evt_put(char *dst, const unsigned char *p, size_t k)
{
    static const char hex[] = "0123456789abcdef";
    unsigned c = p[0];
    if (k > 1) {
        memcpy(dst, p, k);
        return k;
    }
    if (k == 0 || c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                      : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
        if (e) {
            memcpy(dst, e, 2);
            return 2;
        }
        if (k == 0) {
            memcpy(dst, "\\x", 2);
            dst[2] = hex[c >> 4];
            dst[3] = hex[c & 15];
            return 4;
        }
        memcpy(dst, "\\u00", 4);
        dst[4] = hex[c >> 4];
        dst[5] = hex[c & 15];
        return 6;
    }
    dst[0] = (char)c;
    return 1;
}

size_t rt_time_quote(char *dst, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    dst[o++] = '"';
    while (i < len) {
        size_t k = rt_utf8_len(p + i, len - i);
        if (i + (k ? k : 1) > RT_TIME_SHOW)
            break;
        o += evt_put(dst + o, p + i, k);
        i += k ? k : 1;
    }
    dst[o++] = '"';
    if (i < len) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return o;
}

size_t rt_time_why(char *dst, const char *s, size_t len)
{
    memcpy(dst, "bad time ", 9);
    return 9 + rt_time_quote(dst + 9, s, len);
}
