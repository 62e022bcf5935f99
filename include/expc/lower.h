/* lower.h - checked experience -> struct ir_machine (the scoring rules). */
#ifndef EXPC_LOWER_H
#define EXPC_LOWER_H
#include "expc/ast.h"
#include "expc/ir.h"
#include "expc/load.h"

/* `exp` must belong to a program sema_check accepted without errors. */
ir_machine *ir_lower(arena *a, const program *prog, const ast_item *exp);
#endif
