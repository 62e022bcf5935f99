/* fuzz_csv.c - arbitrary bytes as a CSV event log through rt_run (the
 * interpreter over a small fixed machine).  The properties checked are
 * described in fuzz_events.h. */
#define FZ_INPUT RT_INPUT_CSV
#include "fuzz_events.h"
