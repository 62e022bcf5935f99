/* lower.h - checked experience -> struct ir_machine (the scoring rules).
 * ir_decide_rules (ir.h) is the part of it hand-built machines need. */
#ifndef EXPC_LOWER_H
#define EXPC_LOWER_H
#include "expc/ast.h"
#include "expc/ir.h"

/* `exp` must belong to a program sema_check accepted without errors; the
 * machine lives in `a`. */
ir_machine *ir_lower(arena *a, const ast_item *exp);
#endif
