/* rt_time.h - event times for `--time=COL`: the text of a time field turned
 * into milliseconds since 1970-01-01T00:00:00Z, and the quoted text of a
 * bad one for its message.
 *
 * The accepted forms (docs/language.md, event logs) are
 *  - seconds since the epoch, `-?[0-9]+(\.[0-9]+)?`, any number of digits
 *    (a CSV field, or a JSON string or number read from its text: a `+`,
 *    an exponent, `.5` and `5.` are bad times);
 *  - RFC 3339 / ISO 8601: `YYYY-MM-DD` alone (midnight UTC), or followed by
 *    `T`, `t` or one space and `HH:MM`, optionally `:SS` and then optionally
 *    `.` and 1 to 9 digits, then optionally `Z`, `z`, `+HH:MM`, `-HH:MM`,
 *    `+HHMM` or `-HHMM` (none: UTC).  Years 0000-9999 (proleptic
 *    Gregorian), hours 00-23, minutes and seconds 00-59 (no `24:00`, no
 *    leap second `:60`), offsets up to 23:59; impossible dates are bad.
 *    The range is that of the text: an offset may carry the time itself
 *    past it (`0000-01-01T00:00+01:00` is 0000-01-01 less an hour).
 * Nothing may come before or after (no blanks either); leading zeros are
 * allowed in seconds (`007`, `-0`).  Every time is rounded toward minus
 * infinity to a whole millisecond.
 *
 * Embedded in the programs `expc build --main` writes (tools/embed.sh):
 * C11 and libc headers only; the file-local names of evtime.c are evt_. */
#ifndef EXPC_RT_TIME_H
#define EXPC_RT_TIME_H
#include <stddef.h>
#include <stdint.h>

/* Parses s[0, len) (not NUL-terminated; any bytes) into *ms.  0 on
 * success; -1 for a bad time, *ms then untouched.  A number of seconds
 * whose milliseconds do not fit in int64_t is a bad time, never wrapped.
 * No allocation, no locale, no libc time functions. */
int rt_time_parse(const char *s, size_t len, int64_t *ms);

/* Bytes of a bad time shown in its message; longer text is cut there (never
 * inside a UTF-8 sequence) and `...` follows the closing quote, as for
 * event names in `expc run`'s messages. */
#define RT_TIME_SHOW 200
/* Room rt_time_quote needs, NUL included: each shown byte takes at most 6
 * (`\u001f`), plus the quotes, `...` and the NUL. */
#define RT_TIME_QUOTE_MAX (6 * RT_TIME_SHOW + 6)
/* Room rt_time_why needs: `bad time ` and the quoted text. */
#define RT_TIME_WHY_MAX (9 + RT_TIME_QUOTE_MAX)

/* Writes s[0, len) in double quotes into dst (RT_TIME_QUOTE_MAX bytes),
 * NUL-terminated, and returns its length.  The quoting is that of event
 * names in `expc run`'s messages, so a message stays one line and is safe
 * on a terminal: `"` and `\` get a backslash; LF, TAB and CR are \n, \t
 * and \r; other bytes below 0x20 and DEL are \u00xx; bytes that are not
 * part of well-formed UTF-8 (the readers have rejected such lines already,
 * but this does not rely on it) are \xhh; all hex digits lowercase;
 * everything else, UTF-8 included, is copied. */
size_t rt_time_quote(char *dst, const char *s, size_t len);

/* Writes the reason of invalid data for a bad time, `bad time "TEXT"`
 * (TEXT as rt_time_quote writes it), into dst (RT_TIME_WHY_MAX bytes),
 * NUL-terminated; returns its length. */
size_t rt_time_why(char *dst, const char *s, size_t len);

#endif
