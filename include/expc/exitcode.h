/* exitcode.h - the one vocabulary of exit codes, for expc and for the
 * programs it generates (the embedded runtime carries this file too).
 *
 * The values are the product contract (docs/language.md, "Exit codes").
 * Where sysexits(3) has the same meaning its value is used (65, 66, 70, 74);
 * a usage error is 2 and a script with errors 1, as compilers do, so
 * <sysexits.h>'s EX_USAGE (64) is deliberately not used. */
#ifndef EXPC_EXITCODE_H
#define EXPC_EXITCODE_H

#define RT_EXIT_OK 0        /* success, warnings allowed */
#define RT_EXIT_ERRORS 1    /* the script has errors (or warnings under -Werror) */
#define RT_EXIT_USAGE 2     /* command-line usage error */
#define RT_EXIT_DATA 65     /* invalid event data (sysexits EX_DATAERR) */
#define RT_EXIT_NOINPUT 66  /* an input cannot be opened or read (EX_NOINPUT) */
#define RT_EXIT_SOFTWARE 70 /* internal error (EX_SOFTWARE) */
#define RT_EXIT_IOERR 74    /* an output cannot be written (EX_IOERR) */

#endif
