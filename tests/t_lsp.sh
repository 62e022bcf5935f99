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
    at_least "lsp_client cases" 60 "$DIFF_CASES"
    # What the servers wrote on stderr: nothing from a sanitizer (SAN=1).
    if grep -E 'Sanitizer|runtime error:' "$T/client/server.log" >/dev/null 2>&1; then
        fail "server stderr" "$(grep -E -m3 'Sanitizer|runtime error:' "$T/client/server.log")"
    else
        pass "server stderr"
    fi
else
    skip lsp_client "python3 not found: the framed JSON-RPC client cannot run"
fi

# Neovim: its own client, its own framing and sync (incremental).  Its
# state, cache and log go to the temp folder.
if command -v nvim >/dev/null 2>&1; then
    mkdir -p "$T/nvim"
    sed 's/evoke comfort, relaxation;/evoke comfrt, relaxation;/' examples/grand_hotel.exp \
        >"$T/nvim/hotel.exp"
    (cd "$T/nvim" && HOME=$T/nvim XDG_CACHE_HOME=$T/nvim/cache XDG_STATE_HOME=$T/nvim/state \
        XDG_DATA_HOME=$T/nvim/data XDG_CONFIG_HOME=$T/nvim/config EXPC=$EXPC \
        LSP_FILE=$T/nvim/hotel.exp LSP_OUT=$T/nvim/out.txt \
        timeout -k 5 90 nvim --headless -u NONE -i NONE -c "luafile $ROOT/tests/lsp_nvim.lua" \
        </dev/null >"$T/nvim/log" 2>&1)
    expect_code "nvim exit" 0 $?
    # One case per line of what Neovim saw (tests/golden/lsp/nvim.txt).
    n=0
    while IFS= read -r want; do
        n=$((n + 1))
        got=$(sed -n "${n}p" "$T/nvim/out.txt" 2>/dev/null)
        if [ "$got" = "$want" ]; then pass "nvim $n"; else
            fail "nvim line $n" "got \`$got', want \`$want'"; fi
    done <tests/golden/lsp/nvim.txt
    at_least "nvim lines" 8 "$n"
else
    skip nvim "nvim not found: Neovim's LSP client not tried (tools/setup.sh installs neovim)"
fi

finish
