#!/bin/sh
# t_editors.sh - the editor support of editors/: its syntax colouring,
# tokenized the way each editor does it, against golden token files.
#
# 1. VS Code: the TextMate grammar (editors/vscode/syntaxes) through
#    vscode-textmate and vscode-oniguruma, the libraries VS Code itself
#    colours with (tests/tm_tokens.js), over every example and
#    tests/grammar/all_syntax.exp (every kind of token) ->
#    tests/golden/grammar/NAME.tokens.  The two npm packages, pinned, are
#    installed into $B/npm (never committed) with a cache in $B/npm-cache,
#    once per build folder.  Skipped, with a line, without node and npm.
# 2. Vim/Neovim: editors/vim's ftdetect and syntax as headless Neovim applies
#    them (tests/vim_tokens.lua) -> tests/golden/grammar/NAME.vim.tokens.
# 3. The VS Code extension's manifests parse and point at files that exist;
#    its client parses as JavaScript (node --check: the vscode modules it
#    needs exist only inside VS Code).
# UPDATE=1 (make bless) rewrites the goldens.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
T=$TMPDIR_T
G=tests/golden/grammar
FILES="$(ls examples/*.exp) tests/grammar/all_syntax.exp"
N_FILES=$(echo "$FILES" | wc -w)

# goldens TOOL DIR SUFFIX: DIR/NAME.SUFFIX against $G/NAME.SUFFIX, each file.
goldens() {
    n=0
    for f in $FILES; do
        name=$(basename "$f" .exp)
        golden "$1 $name" "$G/$name.$3" "$2/$name.$3"
        n=$((n + 1))
    done
    at_least "$1 files" "$N_FILES" "$n"
}

# ---- VS Code: TextMate grammar ----------------------------------------------
MODS=$B/npm/node_modules
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    skip textmate "node or npm not found: the TextMate grammar is not tokenized"
else
    if [ ! -f "$MODS/vscode-textmate/package.json" ] || [ ! -f "$MODS/vscode-oniguruma/package.json" ]; then
        mkdir -p "$B/npm"
        timeout -k 5 240 npm install --prefix "$B/npm" --no-save --no-audit --no-fund \
            --no-package-lock --cache "$B/npm-cache" vscode-textmate@9.3.2 vscode-oniguruma@2.0.1 \
            >"$T/npm.log" 2>&1 || { tail -5 "$T/npm.log"; }
    fi
    if [ -f "$MODS/vscode-textmate/package.json" ] && [ -f "$MODS/vscode-oniguruma/package.json" ]; then
        mkdir -p "$T/tm"
        # shellcheck disable=SC2086
        if (cd "$T/tm" && node "$ROOT/tests/tm_tokens.js" "$MODS" \
            "$ROOT/editors/vscode/syntaxes/exp.tmLanguage.json" $(for f in $FILES; do
                echo "$ROOT/$f"; done)) >"$T/tm.log" 2>&1; then
            goldens textmate "$T/tm" tokens
        else
            fail textmate "tm_tokens.js failed: $(head -5 "$T/tm.log")"
        fi
    else
        skip textmate "npm install of vscode-textmate and vscode-oniguruma failed (offline?)"
    fi
fi

# ---- Vim / Neovim -----------------------------------------------------------------
if command -v nvim >/dev/null 2>&1; then
    mkdir -p "$T/vim"
    # shellcheck disable=SC2086
    (cd "$T/vim" && HOME=$T/vim XDG_STATE_HOME=$T/vim/state XDG_CACHE_HOME=$T/vim/cache \
        XDG_DATA_HOME=$T/vim/data XDG_CONFIG_HOME=$T/vim/config \
        VIM_FILES="$(for f in $FILES; do printf '%s ' "$ROOT/$f"; done)" \
        timeout -k 5 60 nvim --headless -u NONE -i NONE --cmd "set rtp^=$ROOT/editors/vim" \
        -c 'filetype on' -c 'syntax on' -c "luafile $ROOT/tests/vim_tokens.lua" \
        </dev/null >"$T/vim/log" 2>&1)
    expect_code "nvim syntax run" 0 $?
    goldens vim "$T/vim" vim.tokens
else
    skip vim "nvim not found: the Vim syntax is not tried (tools/setup.sh installs neovim)"
fi

# ---- the VS Code extension's manifests ----------------------------------------
if command -v python3 >/dev/null 2>&1; then
    if python3 - "$ROOT/editors/vscode" >"$T/manifest.log" 2>&1 <<'PY'
import json, os, sys
d = sys.argv[1]
pkg = json.load(open(os.path.join(d, "package.json")))
json.load(open(os.path.join(d, "language-configuration.json")))
g = json.load(open(os.path.join(d, "syntaxes", "exp.tmLanguage.json")))
assert g["scopeName"] == "source.exp"
c = pkg["contributes"]
assert c["languages"][0]["extensions"] == [".exp"]
for p in [c["languages"][0]["configuration"], c["grammars"][0]["path"], pkg["main"]]:
    assert os.path.isfile(os.path.join(d, p)), p
assert "vscode-languageclient" in pkg["dependencies"]
PY
    then pass manifests; else fail manifests "$(tail -3 "$T/manifest.log")"; fi
else
    skip manifests "python3 not found"
fi
if command -v node >/dev/null 2>&1; then
    if node --check editors/vscode/extension.js >"$T/node.log" 2>&1; then pass extension.js; else
        fail extension.js "$(head -5 "$T/node.log")"; fi
else
    skip extension.js "node not found: the VS Code client is not parsed"
fi

finish
