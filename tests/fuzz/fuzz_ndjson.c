/* fuzz_ndjson.c - arbitrary bytes as an NDJSON event log through rt_run
 * (--input=ndjson; the interpreter over a small fixed machine).  The
 * properties checked are described in fuzz_events.h. */
#define FZ_INPUT RT_INPUT_NDJSON
#include "fuzz_events.h"
