#!/bin/sh
# t_lsp.sh - `expc lsp` spoken to by real clients.
#
# 1. tests/lsp_client.py: a client speaking Content-Length framed JSON-RPC
#    to `expc lsp` over its stdin/stdout, through every feature: initialize,
#    diagnostics on didOpen/didChange (incremental and full, UTF-16
#    columns after non-ASCII text, unsaved imported buffers), hover,
#    definition, documentSymbol, formatting, completion, codeAction,
#    malformed messages, unknown methods, shutdown/exit.  One case per
#    check (count_diff).
# 2. Neovim (Debian's nvim, headless, its built-in LSP client) attaching to
#    `expc lsp`: diagnostics for a buffer, and a hover (tests/lsp_nvim.lua).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T

if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$T/client"
    timeout -k 5 120 python3 tests/lsp_client.py "$EXPC" "$T/client" >"$T/client.log" 2>&1
    count_diff lsp_client "$T/client.log" $?
    at_least "lsp_client cases" 59 "$DIFF_CASES"
else
    skip lsp_client "python3 not found: the framed JSON-RPC client cannot run"
fi

finish
